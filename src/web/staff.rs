//! Staff workspace handlers.

use rouille::Response;

use crate::app::account;
use crate::app::sessions::Realm;
use crate::db::tickets::TicketQuery;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{Principal, StatusFilter};
use crate::views;
use crate::web::ctx::safe_next;
use crate::web::portal::{checked_form, login_as, logout_to, page_param, year_month_params};
use crate::web::{html, redirect, Ctx};

pub fn login_form(ctx: &mut Ctx) -> Result<Response> {
    if let Some(Principal::Staff(_)) = ctx.session().map(|s| &s.principal) {
        return Ok(redirect(&safe_next(
            ctx.query("next").as_deref(),
            "/staff/tickets",
        )));
    }
    let view = views::login::LoginView {
        realm: Realm::Staff,
        login: String::new(),
        next: ctx
            .query("next")
            .map(|n| safe_next(Some(&n), "/staff/tickets")),
        error: None,
        notice: ctx.take_flash(),
        csrf: ctx.csrf_token(),
    };
    Ok(html(views::login::page(&ctx.chrome(), &view)))
}

pub fn login(ctx: &mut Ctx) -> Result<Response> {
    login_as(ctx, Realm::Staff)
}

pub fn logout(ctx: &mut Ctx) -> Result<Response> {
    logout_to(ctx, "/staff/login")
}

pub fn password_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff_even_with_one_time_password()?;
    render_password(ctx, FieldErrors::new(), 200)
}

fn render_password(ctx: &mut Ctx, errors: FieldErrors, status: u16) -> Result<Response> {
    let forced = ctx
        .staff_even_with_one_time_password()?
        .must_change_password;
    let view = views::account::PasswordView {
        action: "/staff/password",
        errors,
        csrf: ctx.csrf_token(),
        min_length: ctx.app.config.security.min_password_length,
        hotline_notice: false,
        forced,
    };
    Ok(html(views::account::password(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn change_password(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff_even_with_one_time_password()?;
    let f = checked_form(ctx)?;
    let session = ctx.session().cloned().ok_or(Error::NotFound)?;
    let input = account::PasswordChange {
        old: f.str("old_password"),
        new: f.str("new_password"),
        repeat: f.str("new_password_repeat"),
    };
    match account::change_password(ctx.app, &session, &input, &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::PASSWORD_CHANGED);
            Ok(redirect("/staff/tickets"))
        }
        Err(Error::Invalid(errors)) => render_password(ctx, errors, 422),
        Err(e) => Err(e),
    }
}

pub fn queue(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    let (year, month) = year_month_params(ctx);
    let status = StatusFilter::parse(ctx.query("status").as_deref());
    let query = TicketQuery {
        year,
        month,
        status: Some(status),
        search: ctx.query("q"),
        page: page_param(ctx),
        page_size: ctx.app.config.portal.page_size,
        ..TicketQuery::default()
    };
    let page = crate::app::tickets::queue(ctx.app, &query)?;
    let view = views::staff::QueueView {
        page,
        query,
        status,
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
    };
    Ok(html(views::staff::queue(&ctx.chrome(), &view)))
}
