//! Hotline handlers: caller lookup, verify, and the admin-only reveal.

use rouille::Response;

use crate::app::hotline::{self, Proof};
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
        can_reveal: ctx.app.config().hotline.mode == HotlineMode::Reveal && ctx.admin().is_ok(),
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
    // `contact`: who called, when the customer has contacts (empty: the main account).
    let code = f.str("call_code");
    let proof = if code.trim().is_empty() { Proof::Password(f.str("spoken_password")) } else { Proof::CallCode(code) };
    let v = hotline::verify(ctx.app, &me, customer_no, f.str("contact"), proof, &ctx.address)?;
    let status = if v.verdict == Verdict::Locked { 429 } else { 200 };
    let page = views::hotline::verified(&ctx.chrome(), &v);
    Ok(html(page).with_status_code(status).with_unique_header("Cache-Control", "no-store"))
}

pub fn reveal(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    let f = checked_form(ctx)?;
    match crate::app::totp::check_reauth_code(ctx.app, &me, f.str("code"), &ctx.address) {
        Err(Error::Invalid(errors)) => return render_lookup(ctx, customer_no.to_string(), errors, 422),
        other => other?,
    }
    match hotline::reveal(ctx.app, &me, customer_no, f.str("contact"), f.str("reason"), f.str("password"), &ctx.address)
    {
        Ok(r) => Ok(html(views::hotline::revealed(&ctx.chrome(), &r))
            .with_unique_header("Cache-Control", "no-store")
            .with_additional_header("Pragma", "no-cache")),
        Err(Error::Invalid(errors)) => render_lookup(ctx, customer_no.to_string(), errors, 422),
        Err(e) => Err(e),
    }
}

/// `GET /account/call-code`: the page with the button; `POST`: a fresh code, shown once.
pub fn call_code(ctx: &mut Ctx) -> Result<Response> {
    ctx.customer()?;
    call_code_page(ctx, None)
}

pub fn new_call_code(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    checked_form(ctx)?;
    let code = hotline::new_call_code(ctx.app, &customer, &ctx.address)?;
    call_code_page(ctx, Some(code))
}

fn call_code_page(ctx: &mut Ctx, code: Option<String>) -> Result<Response> {
    if ctx.app.config().hotline.mode == HotlineMode::Off {
        return Err(Error::NotFound);
    }
    let view = views::hotline::CallCodeView { code, minutes: hotline::CALL_CODE_SECONDS / 60, csrf: ctx.csrf_token() };
    Ok(html(views::hotline::call_code(&ctx.chrome(), &view)).with_unique_header("Cache-Control", "no-store"))
}
