//! Managing a customer's contacts: the list on the staff customer page and on
//! `/account/contacts`, and the contact form both sides share.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::{url_encode, Contact, ContactRole, Form};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

/// Where the list's links and forms go: the staff customer page or the customer's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side<'a> {
    /// `/staff/customers/<customer_no>/contacts/…`
    Staff { customer_no: &'a str },
    /// `/account/contacts/…`
    Account,
}

impl Side<'_> {
    fn base(&self) -> String {
        match self {
            Side::Staff { customer_no } => format!("/staff/customers/{}/contacts", url_encode(customer_no)),
            Side::Account => "/account/contacts".to_string(),
        }
    }

    /// Where a saved form returns to.
    pub fn back(&self) -> String {
        match self {
            Side::Staff { customer_no } => format!("/staff/customers/{}", url_encode(customer_no)),
            Side::Account => "/account/contacts".to_string(),
        }
    }
}

fn role_label(r: ContactRole) -> Msg {
    match r {
        ContactRole::Member => m::CONTACT_ROLE_MEMBER,
        ContactRole::Manager => m::CONTACT_ROLE_MANAGER,
    }
}

/// The contacts table, each row `data-contact="<id>"`, with a link to add one.
pub fn contact_list(c: &Chrome, side: Side, contacts: &[Contact]) -> Markup {
    let base = side.base();
    html! {
        section.card #contacts aria-labelledby="contacts-title" data-contacts {
            div.page-head {
                h2 #contacts-title { (c.t(m::CONTACTS_TITLE)) }
                a.btn href={ (base) "/new" } data-contact-new { "+ " (c.t(m::CONTACT_NEW)) }
            }
            @if contacts.is_empty() {
                p.empty { (c.t(m::CONTACTS_NONE)) }
            } @else {
                div.table-wrap {
                    table.tickets {
                        thead { tr {
                            th scope="col" { (c.t(m::NAME)) }
                            th scope="col" { (c.t(m::EMAIL)) }
                            th scope="col" { (c.t(m::PHONE)) }
                            th scope="col" { (c.t(m::CONTACT_ROLE)) }
                            th scope="col" { (c.t(m::STATUS)) }
                        } }
                        tbody {
                            @for p in contacts {
                                tr data-contact=(p.id) data-role=(p.role.as_str()) data-active=(if p.active { "1" } else { "0" }) {
                                    td.subject data-label=(c.t(m::NAME)) { a href={ (base) "/" (p.id) } { (p.name) } }
                                    td data-label=(c.t(m::EMAIL)) { (p.email) }
                                    td data-label=(c.t(m::PHONE)) { (p.phone) }
                                    td data-label=(c.t(m::CONTACT_ROLE)) { (c.t(role_label(p.role))) }
                                    td data-label=(c.t(m::STATUS)) {
                                        @if !p.active { span.badge.inactive { (c.t(m::CONTACT_INACTIVE)) } }
                                        @else if !p.has_password { span.muted { (c.t(m::CONTACT_NO_PASSWORD)) } }
                                        @else { (c.t(m::ACTIVE)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub struct ContactFormView<'a> {
    pub side: Side<'a>,
    /// The company's name, for the heading.
    pub company: &'a str,
    /// `None` for a new contact.
    pub contact: Option<&'a Contact>,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    /// Links can be mailed (`[smtp]`): the `invite` box is offered (staff side).
    pub mail: bool,
}

/// The contact form: name, e-mail, phone, role, active, and (staff) invite.
pub fn contact_form(c: &Chrome, v: &ContactFormView) -> Markup {
    let e = &v.errors;
    let base = v.side.base();
    let (title, action) = match v.contact {
        Some(p) => (p.name.clone(), format!("{base}/{}", p.id)),
        None if v.side == Side::Account => (c.t(m::CONTACT_NEW).to_string(), base.clone()),
        None => (c.t(m::CONTACT_NEW).to_string(), format!("{base}/new")),
    };
    let role = v.values.str("role");
    let staff = matches!(v.side, Side::Staff { .. });
    let content = html! {
        p.back { a href=(v.side.back()) { "← " (v.company) } }
        div.page-head { h1 { (title) } }
        section.card.narrow {
            (error_summary(c.lang, e))
            form.stack method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                (input(c, e, &v.values, "name", m::NAME, "text", true))
                (input(c, e, &v.values, "email", m::EMAIL, "email", true))
                (input(c, e, &v.values, "phone", m::PHONE, "tel", false))
                div.field {
                    label for="role" { (c.t(m::CONTACT_ROLE)) }
                    select #role name="role" aria-invalid=[e.get("role").map(|_| "true")] aria-describedby=[described_by(e, "role", false)] {
                        option value="member" selected[role != "manager"] { (c.t(m::CONTACT_ROLE_MEMBER)) }
                        option value="manager" selected[role == "manager"] { (c.t(m::CONTACT_ROLE_MANAGER)) }
                    }
                    (field_error(c.lang, e, "role"))
                }
                div.field {
                    label.check for="active" {
                        input #active type="checkbox" name="active" value="on" checked[!v.values.str("active").is_empty()]
                            aria-describedby=[described_by(e, "active", false)];
                        " " (c.t(m::ACTIVE_LOGIN_ALLOWED))
                    }
                    (field_error(c.lang, e, "active"))
                }
                @if staff && v.mail {
                    (crate::views::links::invite_checkbox(c, !v.values.str("invite").is_empty(), e))
                } @else if !staff && v.contact.is_none() {
                    p.help { (c.t(m::CONTACT_INVITE_HINT)) }
                }
                div.actions {
                    button.btn.btn-primary type="submit" { (c.t(m::SAVE)) }
                    a.btn.btn-quiet href=(v.side.back()) { (c.t(m::CANCEL)) }
                }
            }
        }
    };
    layout(c, &title, None, content)
}

fn input(c: &Chrome, e: &FieldErrors, values: &Form, name: &str, label: Msg, kind: &str, required: bool) -> Markup {
    html! {
        div.field {
            label for=(name) { (c.t(label)) @if required { " " span.req aria-hidden="true" { "*" } } }
            input #(name) type=(kind) name=(name) value=(values.str(name)) required[required]
                aria-invalid=[e.get(name).map(|_| "true")] aria-describedby=[described_by(e, name, false)];
            (field_error(c.lang, e, name))
        }
    }
}

/// `/account/contacts`: the company's contacts for the main account and managers.
pub fn account_contacts(c: &Chrome, contacts: &[Contact], notice: Option<Msg>) -> Markup {
    let content = html! {
        p.back { a href="/account" { "← " (c.t(m::ACCOUNT_TITLE)) } }
        div.page-head { h1 { (c.t(m::CONTACTS_TITLE)) } }
        p.muted { (c.t(m::CONTACTS_ACCOUNT_INTRO)) }
        (contact_list(c, Side::Account, contacts))
    };
    layout(c, c.t(m::CONTACTS_TITLE), notice, content)
}

/// The link on the account page (main account and managers only).
pub fn account_link(c: &Chrome) -> Markup {
    html! {
        section.card aria-labelledby="contacts-link-title" {
            h2 #contacts-link-title { (c.t(m::CONTACTS_TITLE)) }
            p.muted { (c.t(m::CONTACTS_ACCOUNT_INTRO)) }
            p { a.btn href="/account/contacts" data-contacts-link { (c.t(m::CONTACTS_MANAGE)) } }
        }
    }
}
