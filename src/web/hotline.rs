//! Hotline handlers: caller lookup, verify, and the admin-only reveal.

use rouille::Response;

use crate::app::hotline;
use crate::config::HotlineMode;
use crate::error::{Error, FieldErrors, Result};
use crate::model::Verdict;
use crate::views;
use crate::web::portal::checked_form;
use crate::web::{html, Ctx};

fn render_lookup(ctx: &mut Ctx, q: String, errors: FieldErrors, status: u16) -> Result<Response> {
    let cards = hotline::lookup(ctx.app, &q)?;
    let view = views::hotline::LookupView {
        q,
        cards,
        errors,
        csrf: ctx.csrf_token(),
        can_reveal: ctx.app.config.hotline.mode == HotlineMode::Reveal && ctx.admin().is_ok(),
        tz: ctx.app.tz,
    };
    Ok(html(views::hotline::lookup(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn lookup(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    let q = ctx.query("q").unwrap_or_default();
    render_lookup(ctx, q, FieldErrors::new(), 200)
}

pub fn verify(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let v = hotline::verify(ctx.app, &me, customer_no, f.str("spoken_password"), &ctx.address)?;
    let status = if v.verdict == Verdict::Locked { 429 } else { 200 };
    let page = views::hotline::verified(&ctx.chrome(), &v);
    Ok(html(page).with_status_code(status).with_unique_header("Cache-Control", "no-store"))
}

pub fn reveal(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    let f = checked_form(ctx)?;
    match hotline::reveal(ctx.app, &me, customer_no, f.str("reason"), f.str("password"), &ctx.address) {
        Ok(r) => Ok(html(views::hotline::revealed(&ctx.chrome(), &r))
            .with_unique_header("Cache-Control", "no-store")
            .with_additional_header("Pragma", "no-cache")),
        Err(Error::Invalid(errors)) => render_lookup(ctx, customer_no.to_string(), errors, 422),
        Err(e) => Err(e),
    }
}
