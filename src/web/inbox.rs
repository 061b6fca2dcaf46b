//! `/staff/inbox`: held mails and what staff do with them (`action` = `new_ticket` with
//! `customer`, `attach` with `ticket`, `discard`); each POST answers `303` back to the list,
//! a wrong customer or ticket `422` with the message at the field.

use rouille::Response;

use crate::app::inbound::{self, HeldAction};
use crate::error::{Error, Result};
use crate::i18n::m;
use crate::views;
use crate::views::inbox::Failed;
use crate::web::portal::{checked_form, page_param};
use crate::web::{html, redirect, Ctx};

const PAGE_SIZE: usize = 50;

/// `GET /staff/inbox`.
pub fn list(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    render(ctx, None, 200)
}

fn render(ctx: &mut Ctx, failed: Option<Failed>, status: u16) -> Result<Response> {
    let page = page_param(ctx);
    let (rows, total) = inbound::held(ctx.app, page, PAGE_SIZE)?;
    let view = views::inbox::InboxView {
        rows,
        total,
        page,
        page_size: PAGE_SIZE,
        hold_days: ctx.app.config().inbound.hold_days,
        csrf: ctx.csrf_token(),
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
        failed,
    };
    Ok(html(views::inbox::page(&ctx.chrome(), &view)).with_status_code(status))
}

/// `POST /staff/inbox/<id>`.
pub fn act(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let (action, field) = match f.str("action") {
        "new_ticket" => (HeldAction::NewTicket { customer: f.str("customer") }, "customer"),
        "attach" => (HeldAction::Attach { ticket: f.str("ticket") }, "ticket"),
        "discard" => (HeldAction::Discard, ""),
        _ => return Err(Error::BadRequest(m::ERR_INVALID_CHOICE)),
    };
    match inbound::act(ctx.app, &me, id, &action, &ctx.address) {
        Ok(number) => {
            ctx.set_flash(if number.is_some() { m::INBOX_DONE_TICKET } else { m::INBOX_DONE_DISCARD });
            Ok(redirect("/staff/inbox"))
        }
        Err(Error::Invalid(errors)) => {
            let failed = Failed { id, field: field.to_string(), value: f.str(field).to_string(), errors };
            render(ctx, Some(failed), 422)
        }
        Err(e) => Err(e),
    }
}
