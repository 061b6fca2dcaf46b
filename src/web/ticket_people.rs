//! `/tickets/<number>/people`: the people of a ticket, and a colleague added to it.

use rouille::Response;

use crate::app::people;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::views;
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

pub fn page(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let data = people::ticket_people(ctx.app, &customer, number)?;
    render(ctx, data, FieldErrors::new(), 200)
}

pub fn add(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let f = checked_form(ctx)?;
    match people::add_to_ticket(ctx.app, &customer, number, f.str("contact"), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::PEOPLE_ADDED);
            Ok(redirect(&format!("/tickets/{number}/people")))
        }
        Err(Error::Invalid(errors)) => {
            let data = people::ticket_people(ctx.app, &customer, number)?;
            render(ctx, data, errors, 422)
        }
        Err(e) => Err(e),
    }
}

fn render(ctx: &mut Ctx, people: crate::model::TicketPeople, errors: FieldErrors, status: u16) -> Result<Response> {
    let view = views::ticket_people::PeopleView { people, csrf: ctx.csrf_token(), errors, notice: ctx.take_flash() };
    Ok(html(views::ticket_people::page(&ctx.chrome(), &view)).with_status_code(status))
}
