//! `/admin/api-tokens` (issue 21): list, create (the token shown once), revoke.

use rouille::Response;

use crate::app::api_tokens::{self, NewTokenInput};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::Form;
use crate::views;
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

const SECRET_TARGET: &str = "api-token";

pub fn page(ctx: &mut Ctx) -> Result<Response> {
    ctx.admin()?;
    render(ctx, Form::default(), FieldErrors::new(), 200)
}

fn render(ctx: &mut Ctx, values: Form, errors: FieldErrors, status: u16) -> Result<Response> {
    ctx.admin()?;
    let new_token = ctx.session().and_then(|s| ctx.app.take_secret(&s.token_hash, SECRET_TARGET));
    let view = views::api_tokens::ApiTokensView {
        tokens: api_tokens::list(ctx.app)?,
        new_token,
        values,
        errors,
        csrf: ctx.csrf_token(),
        notice: ctx.take_flash(),
        tz: ctx.app.tz,
        now: crate::clock::now(),
    };
    Ok(html(views::api_tokens::page(&ctx.chrome(), &view))
        .with_status_code(status)
        .with_unique_header("Cache-Control", "no-store"))
}

pub fn create(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.admin()?.clone();
    let f = checked_form(ctx)?;
    let scopes: Vec<String> = f.all("scopes").into_iter().map(str::to_string).collect();
    let input = NewTokenInput { name: f.str("name"), scopes: &scopes, expires: f.str("expires") };
    match api_tokens::create(ctx.app, &me, &input, &ctx.address) {
        Ok(token) => {
            if let Some(s) = ctx.session() {
                ctx.app.stash_secret(&s.token_hash, SECRET_TARGET, token);
            }
            Ok(redirect("/admin/api-tokens"))
        }
        Err(Error::Invalid(errors)) => render(ctx, f, errors, 422),
        Err(e) => Err(e),
    }
}

pub fn revoke(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    checked_form(ctx)?;
    api_tokens::revoke(ctx.app, &me, id, &ctx.address)?;
    ctx.set_flash(m::API_TOKEN_REVOKED_NOTICE);
    Ok(redirect("/admin/api-tokens"))
}
