//! Handlers for e-mail notifications: the switches on the account pages (customers and staff),
//! the staff member's own account page, and the admins' outbox.

use rouille::Response;

use crate::app::notify;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{Customer, MailState};
use crate::views;
use crate::views::account::NotifyCard;
use crate::web::portal::{checked_form, page_param};
use crate::web::{html, redirect, Ctx};

/// The switch on `/account`; `None` (not shown) without `[smtp]`.
pub fn customer_card(ctx: &mut Ctx, customer: &Customer) -> Result<Option<NotifyCard>> {
    if ctx.app.config().smtp.is_none() {
        return Ok(None);
    }
    Ok(Some(NotifyCard {
        on: notify::customer_setting(ctx.app, customer)?,
        email: customer.email.clone(),
        csrf: ctx.csrf_token(),
        action: "/account/notifications",
        staff: false,
    }))
}

/// `POST /account/notifications`: `notify` = `on` or absent.
pub fn customer_setting(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let f = checked_form(ctx)?;
    notify::set_customer_setting(ctx.app, &customer, !f.str("notify").is_empty())?;
    ctx.set_flash(m::NOTIFY_SAVED);
    Ok(redirect("/account#notifications"))
}

/// `GET /staff/account`: the staff member's own data, password link and notification switch.
pub fn staff_account(ctx: &mut Ctx) -> Result<Response> {
    let signature = crate::web::snippets::signature_card(ctx, None, FieldErrors::new())?;
    render_staff_account(ctx, signature, 200)
}

/// `/staff/account` with this signature card (422 when it carries an error).
pub fn render_staff_account(ctx: &mut Ctx, signature: views::snippets::SignatureCard, status: u16) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let notice = ctx.take_flash();
    let card = match ctx.app.config().smtp {
        Some(_) => Some(NotifyCard {
            on: notify::staff_setting(ctx.app, &me)?,
            email: me.email.clone(),
            csrf: ctx.csrf_token(),
            action: "/staff/account/notifications",
            staff: true,
        }),
        None => None,
    };
    Ok(html(views::account::staff_account(&ctx.chrome(), &me, card.as_ref(), &signature, notice))
        .with_status_code(status))
}

/// `POST /staff/account/notifications`.
pub fn staff_setting(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    notify::set_staff_setting(ctx.app, &me, !f.str("notify").is_empty())?;
    ctx.set_flash(m::NOTIFY_SAVED);
    Ok(redirect("/staff/account#notifications"))
}

/// `GET /admin/outbox?state=…&page=…`.
pub fn outbox(ctx: &mut Ctx) -> Result<Response> {
    ctx.admin()?;
    let state = ctx.query("state").and_then(|s| MailState::parse(&s));
    let page = page_param(ctx);
    let page_size = 100;
    let data = notify::outbox_page(ctx.app, state, page, page_size)?;
    let view = views::mail::OutboxView {
        configured: ctx.app.config().smtp.is_some(),
        rows: data.rows,
        counts: data.counts,
        state,
        page,
        total: data.total,
        page_size,
        csrf: ctx.csrf_token(),
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
        webhooks_configured: !ctx.app.config().webhooks.is_empty(),
        webhooks: crate::app::webhooks::deliveries(ctx.app, 100)?,
    };
    Ok(html(views::mail::outbox(&ctx.chrome(), &view)))
}

/// `POST /admin/outbox/<id>/retry`: a failed mail goes back to the queue.
pub fn retry(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    checked_form(ctx)?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    notify::retry(ctx.app, &me, id, &ctx.address)?;
    ctx.set_flash(m::OUTBOX_RETRIED);
    Ok(redirect("/admin/outbox?state=failed"))
}

/// `POST /admin/outbox/webhooks/<id>/retry`: a failed webhook delivery goes back to the queue.
pub fn webhook_retry(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    checked_form(ctx)?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    crate::app::webhooks::retry(ctx.app, &me, id, &ctx.address)?;
    ctx.set_flash(m::WEBHOOK_RETRIED);
    Ok(redirect("/admin/outbox#webhooks"))
}
