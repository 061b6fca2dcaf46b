//! People of a customer (issue 18): contacts with their own login by e-mail, their passwords
//! and hotline copies, and the colleagues added to a ticket. The company's main account stays
//! in `customers`; a customer without contacts behaves as before.

use crate::app::bootstrap::check_new_password;
use crate::app::App;
use crate::auth::password;
use crate::clock;
use crate::db::tickets as tdb;
use crate::db::{self, audit, contacts, customers};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Lang};
use crate::model::{is_plausible_email, Contact, ContactRole, Customer, TicketNo, TicketPeople};

/// How the audit log names a customer-side person: `customer:NUMBER` for the main account,
/// `customer:NUMBER/contact:ID` for a contact (no e-mail address in the log).
pub fn audit_name(c: &Customer) -> String {
    match &c.contact {
        Some(p) => format!("customer:{}/contact:{}", c.customer_no, p.id),
        None => format!("customer:{}", c.customer_no),
    }
}

/// Whether an e-mail address is taken by a customer's main account or any contact (other than
/// the contact `except`), in any case. Addresses are unique across both, so a login by e-mail
/// finds exactly one person.
pub fn email_taken(conn: &rusqlite::Connection, email: &str, except_contact: Option<i64>) -> Result<bool> {
    Ok(customers::exists_email(conn, email, None)? || contacts::exists_email(conn, email, except_contact)?)
}

/// The address in a `From` as typed ("Anna <anna@example.com>" or the bare address).
pub fn address_of(from: &str) -> &str {
    let from = from.trim();
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim(),
        _ => from,
    }
}

/// What staff, a manager or the command line enter for a new contact.
pub struct ContactInput<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    /// `member` or `manager`; empty means `member`.
    pub role: &'a str,
    pub language: Option<Lang>,
    /// A password chosen on the command line (`--password-stdin`); `None`: the contact has no
    /// password until an invitation sets one.
    pub password: Option<&'a str>,
}

fn parse_role(s: &str, errors: &mut FieldErrors) -> ContactRole {
    match s.trim() {
        "" => ContactRole::Member,
        s => ContactRole::parse(s).unwrap_or_else(|| {
            errors.add("role", m::ERR_INVALID_CHOICE);
            ContactRole::Member
        }),
    }
}

/// The checks a customer's and a contact's own data share: a name, a plausible e-mail address,
/// a phone number of digits and `+ - / ( )` (or none).
pub fn check_person(name: &str, email: &str, phone: &str, errors: &mut FieldErrors) {
    if name.trim().is_empty() {
        errors.add("name", m::ERR_REQUIRED);
    }
    if !is_plausible_email(email) {
        errors.add("email", m::ERR_INVALID_EMAIL);
    }
    if !phone.trim().chars().all(|c| c.is_ascii_digit() || " +-/()".contains(c)) {
        errors.add("phone", m::ERR_INVALID_PHONE);
    }
}

/// Adds a contact to the customer `customer_id`. `422` at `name`, `email` (implausible, or
/// taken by any customer or contact), `role` or `password`; `404` for an unknown customer.
/// Returns the new contact's id.
pub fn add_contact(app: &App, customer_id: i64, input: &ContactInput, actor: &str, address: &str) -> Result<i64> {
    let mut errors = FieldErrors::new();
    check_person(input.name, input.email, input.phone, &mut errors);
    let role = parse_role(input.role, &mut errors);
    if let Some(pw) = input.password {
        check_new_password(app, pw, "password", &[input.email], &mut errors);
    }
    errors.into_result()?;
    let hash = match input.password {
        Some(pw) => Some(password::hash(pw, app.config().security.bcrypt_cost)?),
        None => None,
    };
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let customer = customers::get_by_id(tx, customer_id)?.ok_or(Error::NotFound)?;
        if email_taken(tx, input.email, None)? {
            let mut errors = FieldErrors::new();
            errors.add("email", m::ERR_EMAIL_TAKEN);
            errors.into_result()?;
        }
        let new = contacts::NewContact {
            customer_id,
            name: input.name.trim(),
            email: input.email.trim(),
            phone: input.phone.trim(),
            role,
            language: input.language,
            password_hash: None,
        };
        let id = contacts::insert(tx, &new, now)?;
        if let (Some(pw), Some(hash)) = (input.password, &hash) {
            contacts::set_password(tx, id, hash, app.seal_contact_password(id, pw)?.as_deref(), now)?;
        }
        let target = format!("customer:{}/contact:{id}", customer.customer_no);
        let entry = audit::Entry { actor, action: "contact.create", target: &target, detail: role.as_str(), address };
        audit::insert(tx, &entry, now)?;
        Ok(id)
    })
}

/// What can be changed on a contact.
pub struct ContactChange<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub role: &'a str,
    pub active: bool,
    pub notify: bool,
}

/// Changes a contact of the customer `customer_id` (`404` for another customer's). Validation as
/// in [`add_contact`]; deactivating ends the contact's sessions at once.
pub fn update_contact(
    app: &App,
    customer_id: i64,
    contact_id: i64,
    input: &ContactChange,
    actor: &str,
    address: &str,
) -> Result<()> {
    let mut errors = FieldErrors::new();
    check_person(input.name, input.email, input.phone, &mut errors);
    let role = parse_role(input.role, &mut errors);
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let customer = customers::get_by_id(tx, customer_id)?.ok_or(Error::NotFound)?;
        let old = contacts::get_of_customer(tx, customer_id, contact_id)?.ok_or(Error::NotFound)?;
        if errors.get("email").is_none() && email_taken(tx, input.email, Some(contact_id))? {
            errors.add("email", m::ERR_EMAIL_TAKEN);
        }
        std::mem::take(&mut errors).into_result()?;
        let change = contacts::ContactUpdate {
            name: input.name.trim(),
            email: input.email.trim(),
            phone: input.phone.trim(),
            role,
            active: input.active,
            notify: input.notify,
        };
        contacts::update(tx, contact_id, &change)?;
        let target = format!("customer:{}/contact:{contact_id}", customer.customer_no);
        let entry = audit::Entry { actor, action: "contact.update", target: &target, detail: "", address };
        audit::insert(tx, &entry, now)?;
        if old.role != role {
            let detail = format!("{} -> {}", old.role.as_str(), role.as_str());
            audit::insert(tx, &audit::Entry { detail: &detail, ..entry.with_action("contact.role") }, now)?;
        }
        if old.active && !input.active {
            contacts::deactivate(tx, contact_id)?;
            audit::insert(tx, &entry.with_action("contact.deactivate"), now)?;
        } else if !old.active && input.active {
            audit::insert(tx, &entry.with_action("contact.activate"), now)?;
        }
        Ok(())
    })
}

/// Deactivates a contact of the customer: their sessions end at once (and the session lookup
/// refuses an inactive contact anyway).
pub fn deactivate_contact(app: &App, customer_id: i64, contact_id: i64, actor: &str, address: &str) -> Result<()> {
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let customer = customers::get_by_id(tx, customer_id)?.ok_or(Error::NotFound)?;
        contacts::get_of_customer(tx, customer_id, contact_id)?.ok_or(Error::NotFound)?;
        contacts::deactivate(tx, contact_id)?;
        let target = format!("customer:{}/contact:{contact_id}", customer.customer_no);
        let entry = audit::Entry { actor, action: "contact.deactivate", target: &target, detail: "", address };
        audit::insert(tx, &entry, now)
    })
}

/// Sets a contact's password (already checked against the rules by the caller's form, or here
/// when `check` is set): the hash, the hotline copy (sealed for this contact, when the hotline
/// is on), the end of the contact's other sessions (all but `keep`) and of its open password
/// links — in the caller's transaction, so links and invitations reuse it.
pub fn set_password_in(
    app: &App,
    tx: &rusqlite::Connection,
    contact_id: i64,
    hash: &str,
    plain: &str,
    keep: Option<&[u8]>,
    now: i64,
) -> Result<()> {
    contacts::set_password(tx, contact_id, hash, app.seal_contact_password(contact_id, plain)?.as_deref(), now)?;
    contacts::delete_sessions(tx, contact_id, keep)
}

/// A customer's contacts (staff customer page, `/account/contacts`).
pub fn contacts_of(app: &App, customer_id: i64) -> Result<Vec<Contact>> {
    let conn = app.conn()?;
    contacts::list_for_customer(&conn, customer_id)
}

/// Whether the customer has any contacts (the pages about people show only then).
pub fn has_contacts(app: &App, customer_id: i64) -> Result<bool> {
    let conn = app.conn()?;
    contacts::any_for_customer(&conn, customer_id)
}

/// One contact of the customer (`404` for another customer's).
pub fn contact_of(app: &App, customer_id: i64, contact_id: i64) -> Result<Contact> {
    let conn = app.conn()?;
    contacts::get_of_customer(&conn, customer_id, contact_id)?.ok_or(Error::NotFound)
}

/// The customer with this number, for the command line and staff pages.
pub fn customer_by_no(app: &App, customer_no: &str) -> Result<Customer> {
    let conn = app.conn()?;
    customers::get_by_no(&conn, customer_no)?.ok_or(Error::NotFound)
}

// ------------------------------------------------------------------------------ ticket people

/// Who is on a ticket the customer's person may see (`404` otherwise), and who could be added.
pub fn ticket_people(app: &App, customer: &Customer, number: &str) -> Result<TicketPeople> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let conn = app.conn()?;
    let t = tdb::get(&conn, number, customer.scope())?.ok_or(Error::NotFound)?;
    let opener = contacts::opener_of(&conn, t.summary.id)?;
    let added = contacts::on_ticket(&conn, t.summary.id)?;
    let on = |c: &Contact| opener.as_ref().is_some_and(|o| o.id == c.id) || added.iter().any(|a| a.id == c.id);
    let candidates =
        contacts::list_for_customer(&conn, customer.id)?.into_iter().filter(|c| c.active && !on(c)).collect();
    Ok(TicketPeople {
        number: t.summary.number,
        subject: t.summary.subject,
        company: customer.name.clone(),
        opener,
        added,
        candidates,
    })
}

/// Adds a colleague (`contact`: the id of an active contact of the same customer) to a ticket
/// the person may see: the colleague then sees it and gets its mail. `404` for a ticket out of
/// sight; `422` at `contact` for anyone else's id. Audited (`ticket.people.add`).
pub fn add_to_ticket(app: &App, customer: &Customer, number: &str, contact: &str, address: &str) -> Result<()> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let invalid = || {
        let mut errors = FieldErrors::new();
        errors.add("contact", m::ERR_INVALID_CHOICE);
        Error::Invalid(errors)
    };
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let t = tdb::get(tx, number, customer.scope())?.ok_or(Error::NotFound)?;
        let id: i64 = contact.trim().parse().map_err(|_| invalid())?;
        let person = contacts::get_of_customer(tx, customer.id, id)?.filter(|p| p.active).ok_or_else(invalid)?;
        if contacts::add_to_ticket(tx, t.summary.id, person.id, now)? {
            let actor = audit_name(customer);
            let target = format!("ticket:{number}");
            let detail = format!("contact:{}", person.id);
            let entry =
                audit::Entry { actor: &actor, action: "ticket.people.add", target: &target, detail: &detail, address };
            audit::insert(tx, &entry, now)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::address_of;

    #[test]
    fn from_fields_give_their_address() {
        assert_eq!(address_of("Mia Muster <mia@x.example>"), "mia@x.example");
        assert_eq!(address_of("  mia@x.example "), "mia@x.example");
        assert_eq!(address_of("\"Muster, Mia\" < MIA@x.example >"), "MIA@x.example");
        assert_eq!(address_of(""), "");
    }
}
