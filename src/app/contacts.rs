//! Managing a customer's contacts: staff on the customer page, and the company's main account
//! and managers at `/account/contacts` (members may not). Built on `app::people` (add, change,
//! deactivate) and `app::links` (invitations). Deactivating a contact ends its sessions at once.

use crate::app::people::{self, ContactChange, ContactInput};
use crate::app::{links, App};
use crate::db;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{Contact, Customer, StaffMember};

/// The contact form as submitted.
pub struct ContactForm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub role: &'a str,
    pub active: bool,
    /// Send an invitation to set the first password.
    pub invite: bool,
}

fn staff_actor(s: &StaffMember) -> String {
    format!("staff:{}", s.username)
}

fn refuse(field: &str, msg: crate::i18n::Msg) -> Error {
    let mut errors = FieldErrors::new();
    errors.add(field, msg);
    Error::Invalid(errors)
}

/// Adds the contact, deactivated if asked, and invites it if asked (each its own transaction:
/// the contact exists even when the mail cannot be queued, and can be invited again).
fn add(app: &App, company: &Customer, f: &ContactForm, actor: &str, address: &str) -> Result<i64> {
    if f.invite && !links::enabled(app) {
        return Err(refuse("invite", m::LINK_NO_SMTP));
    }
    let input =
        ContactInput { name: f.name, email: f.email, phone: f.phone, role: f.role, language: None, password: None };
    let id = people::add_contact(app, company.id, &input, actor, address)?;
    if !f.active {
        people::deactivate_contact(app, company.id, id, actor, address)?;
    } else if f.invite {
        invite(app, id, actor, address)?;
    }
    Ok(id)
}

fn invite(app: &App, contact: i64, actor: &str, address: &str) -> Result<()> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| links::invite_contact_in(tx, app, contact, actor, address))
}

/// Changes the contact (a deactivation ends its sessions), then invites it if asked.
fn change(app: &App, company: &Customer, id: i64, f: &ContactForm, actor: &str, address: &str) -> Result<()> {
    if f.invite && !links::enabled(app) {
        return Err(refuse("invite", m::LINK_NO_SMTP));
    }
    let old = people::contact_of(app, company.id, id)?;
    let input = ContactChange {
        name: f.name,
        email: f.email,
        phone: f.phone,
        role: f.role,
        active: f.active,
        notify: old.notify,
    };
    people::update_contact(app, company.id, id, &input, actor, address)?;
    if f.invite && f.active {
        invite(app, id, actor, address)?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------ staff

pub fn staff_add(app: &App, s: &StaffMember, customer_no: &str, f: &ContactForm, address: &str) -> Result<i64> {
    let company = people::customer_by_no(app, customer_no)?;
    add(app, &company, f, &staff_actor(s), address)
}

pub fn staff_change(
    app: &App,
    s: &StaffMember,
    customer_no: &str,
    id: i64,
    f: &ContactForm,
    address: &str,
) -> Result<()> {
    let company = people::customer_by_no(app, customer_no)?;
    change(app, &company, id, f, &staff_actor(s), address)
}

/// The company and one of its contacts, for the staff form.
pub fn staff_contact(app: &App, customer_no: &str, id: i64) -> Result<(Customer, Contact)> {
    let company = people::customer_by_no(app, customer_no)?;
    let contact = people::contact_of(app, company.id, id)?;
    Ok((company, contact))
}

// ------------------------------------------------------------------------------ account

/// The main account and managers manage contacts; a member gets `404`, as for a page that is
/// not there.
fn manager(c: &Customer) -> Result<()> {
    if c.sees_all() {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

pub fn account_list(app: &App, c: &Customer) -> Result<Vec<Contact>> {
    manager(c)?;
    people::contacts_of(app, c.id)
}

pub fn account_contact(app: &App, c: &Customer, id: i64) -> Result<Contact> {
    manager(c)?;
    people::contact_of(app, c.id, id)
}

/// A manager adds a colleague: the colleague always gets an invitation (so mail must be on).
pub fn account_add(app: &App, c: &Customer, f: &ContactForm, address: &str) -> Result<i64> {
    manager(c)?;
    if !links::enabled(app) {
        return Err(refuse("email", m::LINK_NO_SMTP));
    }
    let f = ContactForm { invite: true, ..*f };
    add(app, c, &f, &people::audit_name(c), address)
}

/// A manager changes a colleague's role or deactivates them; nobody deactivates or demotes
/// themselves here (they would lock themselves out of this page).
pub fn account_change(app: &App, c: &Customer, id: i64, f: &ContactForm, address: &str) -> Result<()> {
    manager(c)?;
    if c.contact_id() == Some(id) {
        let me = people::contact_of(app, c.id, id)?;
        if !f.active {
            return Err(refuse("active", m::CONTACT_NOT_YOURSELF));
        }
        let wanted = if f.role.trim().is_empty() { "member" } else { f.role.trim() };
        if me.role.as_str() != wanted {
            return Err(refuse("role", m::CONTACT_NOT_YOURSELF));
        }
    }
    let f = ContactForm { invite: false, ..*f };
    change(app, c, id, &f, &people::audit_name(c), address)
}
