//! Password links by e-mail: "forgot my password" (60 minutes), invitations to set the first
//! password (7 days), and an admin's reset link for a staff member. A link carries a 256-bit
//! random token; only its SHA-256 is stored (`db::password_tokens`). Using one sets the
//! password under the same rules as the password-change page, ends every session of that
//! person, renews the hotline copy, deletes the person's other open links and is audited.
//! Issuing one is audited too. The mail is written to the outbox in the same transaction.

use rusqlite::Connection;

use crate::app::bootstrap::check_new_password;
use crate::app::App;
use crate::auth::{self, password};
use crate::clock;
use crate::db::password_tokens::{self as tokens, Owner, Purpose, TokenRow};
use crate::db::{self, audit, contacts, customers, outbox, sessions, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Lang};
use crate::mail::message::{self, Message};
use crate::mail::{self as mail, Mailbox};
use crate::model::{Contact, Customer, MailState, Realm, StaffMember};
use crate::views::links::{LinkKind, LinkMail};

/// A reset link lives this long.
pub const RESET_MINUTES: i64 = 60;
/// An invitation lives this long.
pub const INVITE_DAYS: i64 = 7;
/// Reset mails per account and hour, at most.
pub const MAX_RESET_MAILS_PER_HOUR: i64 = 3;

/// Whether links can go out at all: only with `[smtp]`.
pub fn enabled(app: &App) -> bool {
    app.config().smtp.is_some()
}

/// The person a link is for, as far as a link needs to know.
#[derive(Debug, Clone)]
pub struct Person {
    pub owner: Owner,
    pub name: String,
    pub email: String,
    pub language: Option<Lang>,
    pub active: bool,
    /// Customer number, username, e-mail: what the new password must not contain.
    pub names: Vec<String>,
    /// How the audit log names the person (`customer:10012`, `staff:bob`, `contact:7`).
    pub label: String,
    /// What the person types at the login: the customer number, the username or the address.
    pub login: String,
    /// The company of a contact (for the outbox row).
    pub customer_id: Option<i64>,
}

impl Person {
    pub fn realm(&self) -> Realm {
        match self.owner {
            Owner::Staff(_) => Realm::Staff,
            _ => Realm::Customer,
        }
    }
}

fn customer_person(c: crate::model::Customer) -> Person {
    Person {
        owner: Owner::Customer(c.id),
        names: vec![c.customer_no.clone(), c.email.clone()],
        label: format!("customer:{}", c.customer_no),
        login: c.customer_no,
        customer_id: Some(c.id),
        name: c.name,
        email: c.email,
        language: c.language,
        active: c.active,
    }
}

/// A contact is usable while both it and its company are active.
fn contact_person(p: Contact, company: &Customer) -> Person {
    Person {
        owner: Owner::Contact(p.id),
        names: vec![company.customer_no.clone(), p.email.clone()],
        label: format!("customer:{}/contact:{}", company.customer_no, p.id),
        login: p.email.clone(),
        customer_id: Some(company.id),
        name: p.name,
        email: p.email,
        language: p.language,
        active: p.active && company.active,
    }
}

fn contact_by_id(conn: &Connection, id: i64) -> Result<Option<Person>> {
    let Some(p) = contacts::get(conn, id)? else {
        return Ok(None);
    };
    let company = customers::get(conn, p.customer_id)?;
    Ok(Some(contact_person(p, &company)))
}

fn staff_person(s: StaffMember) -> Person {
    Person {
        owner: Owner::Staff(s.id),
        names: vec![s.username.clone(), s.email.clone()],
        label: format!("staff:{}", s.username),
        login: s.username,
        customer_id: None,
        name: s.name,
        email: s.email,
        language: s.language,
        active: s.active,
    }
}

/// The person behind an owner id (`None` when gone).
pub fn person(conn: &Connection, owner: Owner) -> Result<Option<Person>> {
    Ok(match owner {
        Owner::Customer(id) => customers::get_by_id(conn, id)?.map(customer_person),
        Owner::Staff(id) => staff::get_opt(conn, id)?.map(staff_person),
        Owner::Contact(id) => contact_by_id(conn, id)?,
    })
}

/// Who typed `login` on the forgot page: the same lookup as the login itself.
fn find_person(conn: &Connection, realm: Realm, login: &str) -> Result<Option<Person>> {
    Ok(match realm {
        Realm::Customer => match customers::find_for_login(conn, login)? {
            Some((c, _)) => Some(customer_person(c)),
            None => match contacts::find_for_login(conn, login)? {
                Some((p, _)) => contact_by_id(conn, p.id)?,
                None => None,
            },
        },
        Realm::Staff => staff::find_for_login(conn, login)?.map(|(s, _)| staff_person(s)),
    })
}

// ------------------------------------------------------------------------------ forgot

/// `/login/forgot` and `/staff/login/forgot`: mails a reset link when the account exists, is
/// active, has an address and is under the hourly limit. Both outcomes do the same work — a
/// lookup, a fresh token, a rendered mail, one write transaction with an audit row — so neither
/// the answer nor its timing tells whether the account exists. No password is hashed here.
pub fn forgot(app: &App, realm: Realm, login: &str, address: &str) -> Result<()> {
    if !enabled(app) {
        return Ok(());
    }
    let (token, hash) = auth::new_session_token()?;
    let login = login.trim();
    let now = clock::now();
    let mut conn = app.conn()?;
    let sent = db::write(&mut conn, |tx| {
        let found = if login.is_empty() { None } else { find_person(tx, realm, login)? };
        let stand_in = Person {
            owner: Owner::Customer(0),
            name: String::new(),
            email: "nobody@invalid.example".into(),
            language: None,
            active: false,
            names: Vec::new(),
            label: String::new(),
            login: String::new(),
            customer_id: None,
        };
        let p = found.as_ref().unwrap_or(&stand_in);
        let recent = tokens::count_since(tx, p.owner, Purpose::Reset, now - 3600)?;
        let mail = render(app, p, LinkKind::Reset, &token, now)?;
        let outcome = match &found {
            None => "no such account",
            Some(p) if !p.active => "inactive",
            Some(p) if p.email.trim().is_empty() => "no address",
            Some(_) if recent >= MAX_RESET_MAILS_PER_HOUR => "limit",
            Some(p) => {
                tokens::insert(tx, &hash, Purpose::Reset, p.owner, now, now + RESET_MINUTES * 60)?;
                store(tx, p, &mail, now)?;
                "sent"
            }
        };
        let entry = audit::Entry {
            actor: "anonymous",
            action: "password.forgot",
            target: found.as_ref().map(|p| p.label.as_str()).unwrap_or(""),
            detail: outcome,
            address,
        };
        audit::insert(tx, &entry, now)?;
        Ok(outcome == "sent")
    })?;
    if sent {
        crate::app::notify::wake();
    }
    Ok(())
}

// ------------------------------------------------------------------------------ the mail

/// A link mail, rendered and ready for the outbox.
pub struct Rendered {
    subject: String,
    message_id: String,
    text: Result<String, String>,
}

fn link_url(app: &App, token: &str) -> (String, Option<String>) {
    let path = format!("/login/reset/{token}");
    let url = app.config().base_url.as_deref().map(|b| format!("{}{path}", b.trim_end_matches('/')));
    (path, url)
}

/// The mail for `p` in their language, with the link to `token`.
fn render(app: &App, p: &Person, kind: LinkKind, token: &str, now: i64) -> Result<Rendered> {
    let lang = p.language.unwrap_or(app.default_lang);
    let (path, url) = link_url(app, token);
    let portal = &app.config().portal;
    let view = LinkMail {
        lang,
        kind,
        site_title: &portal.title,
        recipient_name: &p.name,
        login: &p.login,
        path: &path,
        link: url.as_deref(),
        login_text: portal.login_text.as_deref(),
        accent: &portal.accent_color,
        staff: p.realm() == Realm::Staff,
    };
    let (subject, text, html) = crate::views::links::link_mail(&view);
    let cfg = app.config();
    let from = cfg.smtp.as_ref().map(|s| s.from.trim()).unwrap_or("");
    let message_id = format!("{}.link@{}", auth::random_hex(10)?, mail::domain_of(from));
    let from_box = Mailbox::new(&portal.title, from);
    let to_box = Mailbox::new(&p.name, &p.email);
    let text = if mail::is_sendable_address(&to_box.addr) {
        message::render(&Message {
            from: &from_box,
            to: &to_box,
            subject: &subject,
            date: now,
            message_id: &message_id,
            thread_id: None,
            reply_to: None,
            language: lang.code(),
            text: &text,
            html: &html.into_string(),
        })
    } else {
        Err("not a deliverable address (ASCII addresses only)".to_string())
    };
    Ok(Rendered { subject, message_id, text })
}

/// Writes the rendered mail to the outbox (a mail that can never go out is kept `failed`).
fn store(tx: &Connection, p: &Person, r: &Rendered, now: i64) -> Result<()> {
    let (customer_id, staff_id) = match p.owner {
        Owner::Staff(id) => (None, Some(id)),
        Owner::Customer(_) | Owner::Contact(_) => (p.customer_id, None),
    };
    let mail = outbox::insert(
        tx,
        &outbox::NewMail {
            ticket_id: None,
            activity_id: None,
            customer_id,
            staff_id,
            recipient: p.email.trim(),
            subject: &r.subject,
            message_id: &r.message_id,
            message: r.text.as_deref().unwrap_or(""),
            state: if r.text.is_ok() { MailState::Pending } else { MailState::Failed },
            last_error: r.text.as_ref().err().map(String::as_str),
        },
        now,
    )?;
    if let Owner::Contact(id) = p.owner {
        outbox::set_contact(tx, mail, id)?;
    }
    Ok(())
}

/// Issues a link for `p` in the caller's transaction: the token, the mail, the audit row
/// (`invite.sent` or `password.link.sent`). Refuses without `[smtp]`, for an inactive person and
/// for one without an address (`field` names where the form shows it).
pub fn issue(tx: &Connection, app: &App, p: &Person, kind: LinkKind, actor: &str, address: &str) -> Result<()> {
    let mut errors = FieldErrors::new();
    if !enabled(app) {
        errors.add("invite", m::LINK_NO_SMTP);
    } else if !p.active {
        errors.add("invite", m::LINK_PERSON_INACTIVE);
    } else if p.email.trim().is_empty() {
        errors.add("invite", m::LINK_NO_ADDRESS);
    }
    errors.into_result()?;
    let now = clock::now();
    let (token, hash) = auth::new_session_token()?;
    let (purpose, lifetime, action) = match kind {
        LinkKind::Invite => (Purpose::Invite, INVITE_DAYS * 24 * 3600, "invite.sent"),
        LinkKind::Reset => (Purpose::Reset, RESET_MINUTES * 60, "password.link.sent"),
    };
    tokens::insert(tx, &hash, purpose, p.owner, now, now + lifetime)?;
    let mail = render(app, p, kind, &token, now)?;
    store(tx, p, &mail, now)?;
    audit::insert(tx, &audit::Entry { actor, action, target: &p.label, detail: "", address }, now)?;
    Ok(())
}

// ------------------------------------------------------------------------------ using a link

/// Why a link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLink {
    /// Never issued, or deleted (the password was set another way): `404`.
    Unknown,
    /// Used already: `410`.
    Used,
    /// Past its time: `410`.
    Expired,
    /// The person was deactivated: `410`.
    Inactive,
}

/// A usable link: for whom and what for.
#[derive(Debug, Clone)]
pub struct ValidLink {
    pub person: Person,
    pub purpose: Purpose,
    pub expires_at: i64,
}

impl ValidLink {
    /// An invitation (the first password) rather than a reset.
    pub fn is_invite(&self) -> bool {
        self.purpose == Purpose::Invite
    }
}

/// Checks a token as found in a URL.
pub fn check(app: &App, token: &str) -> Result<std::result::Result<ValidLink, BadLink>> {
    let conn = app.conn()?;
    check_on(&conn, token, clock::now())
}

fn check_on(conn: &Connection, token: &str, now: i64) -> Result<std::result::Result<ValidLink, BadLink>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Err(BadLink::Unknown));
    }
    let Some(row) = tokens::get(conn, &auth::token_hash(token))? else {
        return Ok(Err(BadLink::Unknown));
    };
    let TokenRow { owner, purpose, expires_at, used_at, .. } = row;
    if used_at.is_some() {
        return Ok(Err(BadLink::Used));
    }
    if now >= expires_at {
        return Ok(Err(BadLink::Expired));
    }
    match person(conn, owner)? {
        Some(p) if p.active => Ok(Ok(ValidLink { person: p, purpose, expires_at })),
        Some(_) => Ok(Err(BadLink::Inactive)),
        None => Ok(Err(BadLink::Unknown)),
    }
}

/// Whose login a link leads back to, whatever its state (staff links to the staff pages).
pub fn realm_of(app: &App, token: &str) -> Result<Realm> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Realm::Customer);
    }
    let row = tokens::get(&*app.conn()?, &auth::token_hash(token))?;
    Ok(match row.map(|r| r.owner) {
        Some(Owner::Staff(_)) => Realm::Staff,
        _ => Realm::Customer,
    })
}

/// Sets the password through a link. Field errors come back as `Error::Invalid` (nothing
/// changed, the link still good); a bad link as `Ok(Err(..))`, nothing changed either.
pub fn set_password(
    app: &App,
    token: &str,
    new: &str,
    repeat: &str,
    address: &str,
) -> Result<std::result::Result<Realm, BadLink>> {
    let link = match check(app, token)? {
        Ok(l) => l,
        Err(bad) => return Ok(Err(bad)),
    };
    let mut errors = FieldErrors::new();
    let names: Vec<&str> = link.person.names.iter().map(String::as_str).collect();
    check_new_password(app, new, "new_password", &names, &mut errors);
    if new != repeat {
        errors.add("new_password_repeat", m::ERR_PASSWORD_MISMATCH);
    }
    errors.into_result()?;
    let permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
    let hash = password::hash(new, app.config().security.bcrypt_cost)?;
    drop(permit);
    let token_hash = auth::token_hash(token);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let now = clock::now();
        // Checked again inside the transaction: a parallel use or a change in between wins.
        let link = match check_on(tx, token, now)? {
            Ok(l) => l,
            Err(bad) => return Ok(Err(bad)),
        };
        if !tokens::mark_used(tx, &token_hash, now)? {
            return Ok(Err(BadLink::Used));
        }
        let p = &link.person;
        apply_password(tx, app, p.owner, &hash, new, now)?;
        tokens::delete_open(tx, p.owner)?;
        let action = match link.purpose {
            Purpose::Invite => "invite.accepted",
            Purpose::Reset => "password.link.used",
        };
        let entry = audit::Entry { actor: &p.label, action, target: &p.label, detail: "", address };
        audit::insert(tx, &entry, now)?;
        Ok(Ok(p.realm()))
    })
}

/// The new password, the hotline copy, and every session of the person ended.
fn apply_password(tx: &Connection, app: &App, owner: Owner, hash: &str, plain: &str, now: i64) -> Result<()> {
    match owner {
        Owner::Customer(id) => {
            customers::set_password(tx, id, hash, now)?;
            customers::set_password_copy(tx, id, app.seal_password(id, plain)?.as_deref())?;
            sessions::delete_customer_sessions(tx, id, None)?;
        }
        Owner::Staff(id) => {
            staff::set_password(tx, id, hash, false)?;
            sessions::delete_staff_sessions(tx, id, None)?;
        }
        Owner::Contact(id) => crate::app::people::set_password_in(app, tx, id, hash, plain, None, now)?,
    }
    Ok(())
}

/// Every other way of setting a password calls this in its transaction: open links die.
pub fn password_changed(tx: &Connection, owner: Owner) -> Result<()> {
    tokens::delete_open(tx, owner)?;
    Ok(())
}

// ------------------------------------------------------------------------------ invitations

/// `/staff/customers/<customer_no>/invite`: a link to set the first password, valid 7 days, to
/// the main account (no `contact`) or one contact of that customer.
pub fn invite(app: &App, s: &StaffMember, customer_no: &str, contact: Option<i64>, address: &str) -> Result<()> {
    let actor = format!("staff:{}", s.username);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let c = customers::get_by_no(tx, customer_no)?.ok_or(Error::NotFound)?;
        let p = match contact {
            None => customer_person(c),
            Some(id) => contact_of(tx, &c, id)?.ok_or(Error::NotFound)?,
        };
        issue(tx, app, &p, LinkKind::Invite, &actor, address)
    })?;
    crate::app::notify::wake();
    Ok(())
}

/// A contact of customer `customer_id` (another customer's is as missing as none).
fn contact_of(tx: &Connection, company: &Customer, contact: i64) -> Result<Option<Person>> {
    Ok(contacts::get_of_customer(tx, company.id, contact)?.map(|p| contact_person(p, company)))
}

/// Invites a contact in the caller's transaction (a contact created with `invite`).
pub fn invite_contact_in(tx: &Connection, app: &App, contact: i64, actor: &str, address: &str) -> Result<()> {
    let p = contact_by_id(tx, contact)?.ok_or(Error::NotFound)?;
    issue(tx, app, &p, LinkKind::Invite, actor, address)?;
    crate::app::notify::wake();
    Ok(())
}

/// Invites a customer's main account in the caller's transaction (the customer import).
pub fn invite_customer_in(tx: &Connection, app: &App, customer_id: i64, actor: &str, address: &str) -> Result<()> {
    let c = customers::get(tx, customer_id)?;
    issue(tx, app, &customer_person(c), LinkKind::Invite, actor, address)
}

/// Creates a customer whose first password the customer sets through an invitation: staff see
/// and choose none. The generated password is thrown away and no hotline copy is kept.
pub fn create_customer_invited(
    app: &App,
    s: &StaffMember,
    input: &crate::app::staff::CustomerInput,
    address: &str,
) -> Result<String> {
    if !enabled(app) {
        let mut errors = FieldErrors::new();
        errors.add("invite", m::LINK_NO_SMTP);
        return Err(Error::Invalid(errors));
    }
    let input = crate::app::staff::CustomerInput { password: "", ..*input };
    let (no, _never_shown) = crate::app::staff::create_customer(app, s, &input, address)?;
    let actor = format!("staff:{}", s.username);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let c = customers::get_by_no(tx, &no)?.ok_or(Error::NotFound)?;
        customers::set_password_copy(tx, c.id, None)?;
        issue(tx, app, &customer_person(c), LinkKind::Invite, &actor, address)
    })?;
    crate::app::notify::wake();
    Ok(no)
}

// ------------------------------------------------------------------------------ staff

/// `/admin/staff/<username>/password`, `mode = link`: mails the member a reset link.
pub fn staff_reset_link(app: &App, admin: &StaffMember, username: &str, address: &str) -> Result<()> {
    let actor = format!("staff:{}", admin.username);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let s = staff::get_by_username(tx, username)?.ok_or(Error::NotFound)?;
        issue(tx, app, &staff_person(s), LinkKind::Reset, &actor, address)
    })?;
    crate::app::notify::wake();
    Ok(())
}

/// `/admin/staff/<username>/password`, `mode = temporary`: a generated password, returned to be
/// shown once to the admin, that must be changed at the next login. The member's sessions and
/// open links end.
pub fn staff_temporary_password(app: &App, admin: &StaffMember, username: &str, address: &str) -> Result<String> {
    staff_by_username(app, username)?;
    let pw = password::generate()?;
    let permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
    let hash = password::hash(&pw, app.config().security.bcrypt_cost)?;
    drop(permit);
    let actor = format!("staff:{}", admin.username);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let s = staff::get_by_username(tx, username)?.ok_or(Error::NotFound)?;
        staff::set_password(tx, s.id, &hash, true)?;
        sessions::delete_staff_sessions(tx, s.id, None)?;
        password_changed(tx, Owner::Staff(s.id))?;
        let target = format!("staff:{}", s.username);
        let entry =
            audit::Entry { actor: &actor, action: "password.reset", target: &target, detail: "temporary", address };
        audit::insert(tx, &entry, clock::now())
    })?;
    Ok(pw)
}

fn staff_by_username(app: &App, username: &str) -> Result<StaffMember> {
    staff::get_by_username(&*app.conn()?, username)?.ok_or(Error::NotFound)
}
