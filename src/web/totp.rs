//! Handlers for two-factor sign-in: `/staff/account/2fa` (enrol, disable) and the second login
//! step `/staff/login/2fa`.

use rouille::Response;

use crate::app::totp::{self, Enrolment, SecondStep};
use crate::auth;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::StaffMember;
use crate::views;
use crate::views::totp::{EnrolState, EnrolView, SecondStepView};
use crate::web::ctx::safe_next;
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

fn no_store(r: Response) -> Response {
    r.with_unique_header("Cache-Control", "no-store")
}

fn enrol_page(
    ctx: &mut Ctx,
    me: &StaffMember,
    state: EnrolState,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    let notice = ctx.take_flash();
    let view = EnrolView { state, required: totp::required(ctx.app, me.role), errors, csrf: ctx.csrf_token() };
    Ok(no_store(html(views::totp::enrol_page(&ctx.chrome(), &view, notice)).with_status_code(status)))
}

fn current_state(ctx: &Ctx, me: &StaffMember) -> Result<EnrolState> {
    Ok(match totp::enrolment(ctx.app, me)? {
        Enrolment::Enrolled => EnrolState::Enrolled,
        Enrolment::Pending { secret } => {
            let issuer = ctx.app.config().portal.title.clone();
            let uri = auth::totp::otpauth_uri(&issuer, &me.username, &secret);
            EnrolState::Pending { secret, uri }
        }
    })
}

/// `GET /staff/account/2fa`.
pub fn enrol_form(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff_without_2fa()?.clone();
    let state = current_state(ctx, &me)?;
    enrol_page(ctx, &me, state, FieldErrors::new(), 200)
}

/// `POST /staff/account/2fa`: `code` confirms a pending enrolment; `password` + `code` disable.
pub fn enrol(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff_without_2fa()?.clone();
    let f = checked_form(ctx)?;
    let result = if f.get("password").is_some() {
        totp::disable(ctx.app, &me, f.str("password"), f.str("code"), &ctx.address).map(|()| None)
    } else {
        totp::confirm(ctx.app, &me, f.str("code"), &ctx.address).map(Some)
    };
    match result {
        Ok(Some(codes)) => enrol_page(ctx, &me, EnrolState::RecoveryCodes(codes), FieldErrors::new(), 200),
        Ok(None) => {
            ctx.set_flash(m::TOTP_DISABLED);
            Ok(redirect("/staff/account/2fa"))
        }
        Err(Error::Invalid(errors)) => {
            let state = current_state(ctx, &me)?;
            enrol_page(ctx, &me, state, errors, 422)
        }
        Err(e) => Err(e),
    }
}

fn next_param(given: Option<&str>) -> String {
    safe_next(given.filter(|n| !n.is_empty()), "/staff/tickets")
}

fn second_step_page(ctx: &mut Ctx, next: String, error: Option<String>, status: u16) -> Response {
    let view = SecondStepView { next, error, csrf: ctx.csrf_token() };
    no_store(html(views::totp::second_step_page(&ctx.chrome(), &view)).with_status_code(status))
}

/// `GET /staff/login/2fa`: only while a login waits for its code.
pub fn second_step_form(ctx: &mut Ctx) -> Result<Response> {
    if !ctx.pending_2fa_token().is_some_and(|t| totp::is_pending(ctx.app, t)) {
        return Ok(redirect("/staff/login"));
    }
    let next = next_param(ctx.query("next").as_deref());
    Ok(second_step_page(ctx, next, None, 200))
}

/// `POST /staff/login/2fa`: `code` or `recovery_code`; a fresh session on success.
pub fn second_step(ctx: &mut Ctx) -> Result<Response> {
    let f = checked_form(ctx)?;
    let next = next_param(f.get("next"));
    let token = ctx.pending_2fa_token().unwrap_or_default().to_string();
    let previous = ctx.session().map(|s| s.token_hash.clone());
    let outcome = totp::login_second_step(
        ctx.app,
        &token,
        f.str("code"),
        f.str("recovery_code"),
        &ctx.address,
        previous.as_deref(),
    );
    match outcome {
        Ok(SecondStep::LoggedIn { token, staff }) => {
            ctx.clear_pending_2fa_cookie();
            ctx.set_session_cookie(&token);
            Ok(redirect(&if staff.must_change_password { crate::web::portal::forced_change(&next) } else { next }))
        }
        Ok(SecondStep::Failed) => {
            let text = ctx.lang.t(m::TOTP_WRONG_CODE).to_string();
            Ok(second_step_page(ctx, next, Some(text), 422))
        }
        Ok(SecondStep::Expired) => {
            ctx.clear_pending_2fa_cookie();
            ctx.set_flash(m::TOTP_LOGIN_EXPIRED);
            Ok(redirect("/staff/login"))
        }
        Err(Error::TooMany { retry_after, msg }) => {
            let minutes = retry_after.div_ceil(60).max(1);
            let text = ctx.lang.f(msg, &[("minutes", &minutes.to_string())]);
            Ok(second_step_page(ctx, next, Some(text), 429)
                .with_additional_header("Retry-After", retry_after.to_string()))
        }
        Err(e) => Err(e),
    }
}
