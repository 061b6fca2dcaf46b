//! Contact management: staff at `/staff/customers/<customer_no>/contacts/…`, the company's main
//! account and managers at `/account/contacts/…`. Each: parse → CSRF → use-case → 303 or 422.

use rouille::Response;

use crate::app::contacts::{self as manage, ContactForm};
use crate::app::{links, people};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{url_encode, Contact, Form};
use crate::views;
use crate::views::contacts::{ContactFormView, Side};
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

fn contact_id(id: &str) -> Result<i64> {
    id.parse::<i64>().ok().filter(|n| *n > 0).ok_or(Error::NotFound)
}

fn fields(f: &Form) -> ContactForm<'_> {
    ContactForm {
        name: f.str("name"),
        email: f.str("email"),
        phone: f.str("phone"),
        role: f.str("role"),
        active: !f.str("active").is_empty(),
        invite: !f.str("invite").is_empty(),
    }
}

/// The form filled with what is stored.
fn values_of(p: &Contact) -> Form {
    Form::from_pairs(vec![
        ("name".into(), p.name.clone()),
        ("email".into(), p.email.clone()),
        ("phone".into(), p.phone.clone()),
        ("role".into(), p.role.as_str().into()),
        ("active".into(), if p.active { "on".into() } else { String::new() }),
    ])
}

fn blank() -> Form {
    Form::from_pairs(vec![("role".into(), "member".into()), ("active".into(), "on".into())])
}

fn render(
    ctx: &mut Ctx,
    side: Side,
    company: &str,
    contact: Option<&Contact>,
    values: Form,
    errors: FieldErrors,
    status: u16,
) -> Response {
    let view = ContactFormView {
        side,
        company,
        contact,
        values,
        errors,
        csrf: ctx.csrf_token(),
        mail: links::enabled(ctx.app),
    };
    html(views::contacts::contact_form(&ctx.chrome(), &view)).with_status_code(status)
}

// ------------------------------------------------------------------------------ staff

pub fn staff_new_form(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    ctx.staff()?;
    let company = people::customer_by_no(ctx.app, customer_no)?;
    let side = Side::Staff { customer_no: &company.customer_no };
    Ok(render(ctx, side, &company.name, None, blank(), FieldErrors::new(), 200))
}

pub fn staff_create(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let input = fields(&f);
    match manage::staff_add(ctx.app, &me, customer_no, &input, &ctx.address) {
        Ok(_) => {
            ctx.set_flash(if input.invite && input.active { m::INVITE_SENT } else { m::CONTACT_CREATED });
            Ok(redirect(&format!("/staff/customers/{}", url_encode(customer_no))))
        }
        Err(Error::Invalid(errors)) => {
            let company = people::customer_by_no(ctx.app, customer_no)?;
            let side = Side::Staff { customer_no: &company.customer_no };
            Ok(render(ctx, side, &company.name, None, f, errors, 422))
        }
        Err(e) => Err(e),
    }
}

pub fn staff_edit_form(ctx: &mut Ctx, customer_no: &str, id: &str) -> Result<Response> {
    ctx.staff()?;
    let (company, contact) = manage::staff_contact(ctx.app, customer_no, contact_id(id)?)?;
    let side = Side::Staff { customer_no: &company.customer_no };
    Ok(render(ctx, side, &company.name, Some(&contact), values_of(&contact), FieldErrors::new(), 200))
}

pub fn staff_update(ctx: &mut Ctx, customer_no: &str, id: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let id = contact_id(id)?;
    let f = checked_form(ctx)?;
    let input = fields(&f);
    match manage::staff_change(ctx.app, &me, customer_no, id, &input, &ctx.address) {
        Ok(()) => {
            ctx.set_flash(if input.invite && input.active { m::INVITE_SENT } else { m::CONTACT_SAVED });
            Ok(redirect(&format!("/staff/customers/{}", url_encode(customer_no))))
        }
        Err(Error::Invalid(errors)) => {
            let (company, contact) = manage::staff_contact(ctx.app, customer_no, id)?;
            let side = Side::Staff { customer_no: &company.customer_no };
            Ok(render(ctx, side, &company.name, Some(&contact), f, errors, 422))
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------------------ account

pub fn account_list(ctx: &mut Ctx) -> Result<Response> {
    let c = ctx.customer()?.clone();
    let contacts = manage::account_list(ctx.app, &c)?;
    let notice = ctx.take_flash();
    Ok(html(views::contacts::account_contacts(&ctx.chrome(), &contacts, notice)))
}

pub fn account_new_form(ctx: &mut Ctx) -> Result<Response> {
    let c = ctx.customer()?.clone();
    manage::account_list(ctx.app, &c)?;
    Ok(render(ctx, Side::Account, &c.name, None, blank(), FieldErrors::new(), 200))
}

pub fn account_create(ctx: &mut Ctx) -> Result<Response> {
    let c = ctx.customer()?.clone();
    manage::account_list(ctx.app, &c)?;
    let f = checked_form(ctx)?;
    match manage::account_add(ctx.app, &c, &fields(&f), &ctx.address) {
        Ok(_) => {
            ctx.set_flash(m::INVITE_SENT);
            Ok(redirect("/account/contacts"))
        }
        Err(Error::Invalid(errors)) => Ok(render(ctx, Side::Account, &c.name, None, f, errors, 422)),
        Err(e) => Err(e),
    }
}

pub fn account_edit_form(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let c = ctx.customer()?.clone();
    let contact = manage::account_contact(ctx.app, &c, contact_id(id)?)?;
    Ok(render(ctx, Side::Account, &c.name, Some(&contact), values_of(&contact), FieldErrors::new(), 200))
}

pub fn account_update(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let c = ctx.customer()?.clone();
    let id = contact_id(id)?;
    let contact = manage::account_contact(ctx.app, &c, id)?;
    let f = checked_form(ctx)?;
    match manage::account_change(ctx.app, &c, id, &fields(&f), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::CONTACT_SAVED);
            Ok(redirect("/account/contacts"))
        }
        Err(Error::Invalid(errors)) => Ok(render(ctx, Side::Account, &c.name, Some(&contact), f, errors, 422)),
        Err(e) => Err(e),
    }
}
