//! `/staff/customers/import` (issue 21): upload a CSV file, see every error by line or what
//! would happen (a dry run), then confirm. Between the two the file waits in memory
//! (`app::import::stage`), so the confirmation needs no second upload.

use rouille::Response;

use crate::app::import::{self, Importer, Options};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::Form;
use crate::views;
use crate::views::import::ImportView;
use crate::web::{html, Ctx};

/// `GET /staff/customers/import`.
pub fn form(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    render(ctx, FieldErrors::new(), None, None, &Form::default(), 200)
}

/// `POST /staff/customers/import`: a file (preview, nothing written) or a confirmation
/// (`token`, `confirm`: the import itself).
pub fn submit(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let limit = ctx.app.config().security.max_form_bytes;
    let (f, file) = crate::web::upload::read_file_form(ctx.req, limit, "file", import::MAX_BYTES, m::IMPORT_TOO_LARGE)?;
    ctx.check_csrf(&f)?;
    let mut opts = Options { dry_run: true, update: !f.str("update").is_empty(), invite: !f.str("invite").is_empty() };
    let actor = format!("staff:{}", me.username);
    let who = Importer { actor: &actor, address: &ctx.address };
    let mut errors = FieldErrors::new();
    let (bytes, confirming) = match (file, f.str("token")) {
        (Some(bytes), _) => (bytes, false),
        (None, token) if !token.is_empty() && !f.str("confirm").is_empty() => match import::take_staged(me.id, token) {
            Some(bytes) => (bytes, true),
            None => {
                errors.add("file", m::IMPORT_EXPIRED);
                return render(ctx, errors, None, None, &f, 422);
            }
        },
        _ => {
            errors.add("file", m::IMPORT_NO_FILE);
            return render(ctx, errors, None, None, &f, 422);
        }
    };
    opts.dry_run = !confirming;
    let report = match import::import(ctx.app, &bytes, opts, &who) {
        Ok(r) => r,
        Err(Error::Invalid(errors)) => return render(ctx, errors, None, None, &f, 422),
        Err(e) => return Err(e),
    };
    let status = if report.errors.is_empty() { 200 } else { 422 };
    let token = match report.errors.is_empty() && !report.applied {
        true => Some(import::stage(me.id, bytes)?),
        false => None,
    };
    render(ctx, FieldErrors::new(), Some(report), token, &f, status)
}

fn render(
    ctx: &mut Ctx,
    errors: FieldErrors,
    report: Option<crate::model::ImportReport>,
    token: Option<String>,
    f: &Form,
    status: u16,
) -> Result<Response> {
    let view = ImportView {
        csrf: ctx.csrf_token(),
        errors,
        report,
        token,
        update: !f.str("update").is_empty(),
        invite: !f.str("invite").is_empty(),
        can_invite: crate::app::links::enabled(ctx.app),
    };
    Ok(html(views::import::page(&ctx.chrome(), &view)).with_status_code(status))
}
