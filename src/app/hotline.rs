//! The hotline: find a caller, verify the password they say (match / no match, never shown),
//! and — for admins, deliberately and audited — reveal the recoverable copy.
//!
//! Threat model in short: the bcrypt hash answers verification; the plaintext exists only as
//! an XChaCha20-Poly1305 copy whose key lives outside the database and its backups, so a stolen
//! database or backup reveals nothing. An admin session can reveal, but only with the admin's
//! own password, a reason, at most 10 times an hour, and every reveal is audited before the
//! password is shown. Verification (password or call code) is limited to 5 failed attempts per
//! customer and hour and is throttled per hotline desk address, so the hotline cannot be used
//! to guess passwords or call codes; right answers use nothing up.

use crate::app::recheck::Recheck;
use crate::app::App;
use crate::auth::password;
use crate::clock;
use crate::config::HotlineMode;
use crate::db::tickets as tdb;
use crate::db::{self, audit, call_codes, contacts, customers, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{
    CallerCard, Contact, Customer, Principal, Revealed, Scope, StaffMember, StatusFilter, TicketQuery, Verdict,
    Verification,
};

pub const VERIFY_PER_HOUR: i64 = 5;
pub const REVEALS_PER_HOUR: i64 = 10;
const HOUR: i64 = 3600;

fn require_mode(app: &App, reveal: bool) -> Result<()> {
    match (app.config().hotline.mode, reveal) {
        (HotlineMode::Off, _) | (HotlineMode::Verify, true) => Err(Error::NotFound),
        _ => Ok(()),
    }
}

/// Finds callers by customer number, e-mail, name or phone.
pub fn lookup(app: &App, q: &str) -> Result<Vec<CallerCard>> {
    require_mode(app, false)?;
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    let conn = app.conn()?;
    // A whole e-mail address of a person: found by its unique index, no substring search.
    let exact_person = if q.contains('@') { contacts::find_by_email(&conn, q)? } else { None };
    let (mut found, _) = if exact_person.is_some() { (Vec::new(), 0) } else { customers::search(&conn, q, 10, 0)? };
    // Contacts by name, e-mail or phone bring their customer's card, with them as the caller.
    let mut matched: Vec<(i64, i64)> = Vec::new();
    // A customer number or a customer's e-mail address names one customer: no scan of the
    // contacts for it (issue 24).
    let by_key = matches!(found.as_slice(), [c] if c.customer_no == q.trim() || (q.contains('@') && c.email == crate::model::normalize_email(q)));
    let people = match exact_person {
        Some(p) => vec![p],
        None if by_key => Vec::new(),
        None => contacts::search(&conn, q, 10)?,
    };
    for p in people {
        if !matched.iter().any(|(cid, _)| *cid == p.customer_id) {
            matched.push((p.customer_id, p.id));
        }
        if !found.iter().any(|c| c.id == p.customer_id) {
            found.push(customers::get(&conn, p.customer_id)?);
        }
    }
    let now = clock::now();
    let mut cards = Vec::new();
    for c in found {
        let query = TicketQuery { status: Some(StatusFilter::Open), page: 1, page_size: 10, ..TicketQuery::default() };
        let page = tdb::list(&conn, Scope::Customer(c.id), &query)?;
        let all = TicketQuery { page: 1, page_size: 1, ..TicketQuery::default() };
        let last_contact = tdb::list(&conn, Scope::Customer(c.id), &all)?.rows.first().map(|t| t.last_activity_at);
        let has_copy = customers::password_copy(&conn, c.id)?.is_some();
        let used = audit::count_hotline_failures(&conn, &c.customer_no, now - HOUR)?;
        let matched_contact = matched.iter().find(|(cid, _)| *cid == c.id).map(|(_, p)| *p);
        cards.push(CallerCard {
            contacts: contacts::list_for_customer(&conn, c.id)?,
            matched_contact,
            customer: c,
            open_tickets: page.rows,
            last_contact,
            has_copy,
            attempts_left: (VERIFY_PER_HOUR - used).max(0),
        });
    }
    Ok(cards)
}

/// What the caller gives the hotline as proof: the portal password or a call code.
#[derive(Clone, Copy)]
pub enum Proof<'a> {
    Password(&'a str),
    CallCode(&'a str),
}

/// Checks what the caller says: the password against the bcrypt hash, a call code against the
/// customer's live code (which it uses up). Every attempt is audited; only failures count
/// against the limit, per customer (from the audit log) and per hotline desk address.
///
/// `contact` names who called when the customer has contacts (the contact's id; empty or `0`:
/// the main account): that person's password or call code is checked. A contact of another
/// customer is `404`. The limit stays per customer.
pub fn verify(
    app: &App,
    s: &StaffMember,
    customer_no: &str,
    contact: &str,
    proof: Proof,
    address: &str,
) -> Result<Verification> {
    require_mode(app, false)?;
    let conn = app.conn()?;
    let customer = customers::get_by_no(&conn, customer_no)?.ok_or(Error::NotFound)?;
    let person = caller(&conn, customer.id, contact)?;
    let hash = match &person {
        // A contact without a password never matches, at the cost of a real check.
        Some(p) => contacts::password_hash(&conn, p.id)?.unwrap_or_else(|| app.dummy_hash().to_string()),
        None => customers::password_hash(&conn, customer.id)?,
    };
    let has_password = person.as_ref().is_none_or(|p| p.has_password);
    let person_id = person.as_ref().map_or(0, |p| p.id);
    drop(conn);
    let desk = format!("hotline-ip:{address}");
    if let Some(secs) = app.address_throttle.locked(&desk) {
        return Err(Error::TooMany { retry_after: secs, msg: m::LOGIN_THROTTLED });
    }
    let actor = format!("staff:{}", s.username);
    let now = clock::now();
    let action = match proof {
        Proof::Password(_) => "hotline.verify",
        Proof::CallCode(_) => "hotline.call_code",
    };
    let mut conn = app.conn()?;
    // Count, check and record in one write transaction (a short hash under the write lock), so
    // parallel attempts cannot exceed the limit and every attempt leaves exactly one row.
    let (verdict, failed) = db::write(&mut conn, |tx| {
        let failed = audit::count_hotline_failures(tx, customer_no, now - HOUR)?;
        if failed >= VERIFY_PER_HOUR {
            let e = audit::Entry {
                actor: &actor,
                action: "hotline.verify.locked",
                target: customer_no,
                detail: "",
                address,
            };
            audit::insert(tx, &e, now)?;
            return Ok((Verdict::Locked, failed));
        }
        let ok = match proof {
            Proof::Password(spoken) => {
                let _permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
                !spoken.is_empty() && password::verify(spoken, &hash) && has_password
            }
            Proof::CallCode(code) => redeem_call_code(tx, customer.id, person_id, code, now)?,
        };
        let (verdict, detail) = if ok { (Verdict::Match, "match") } else { (Verdict::NoMatch, "no match") };
        // Whose it was: `match contact:7`; the main account's rows read as before.
        let detail = match &person {
            Some(p) => format!("{detail} contact:{}", p.id),
            None => detail.to_string(),
        };
        let e = audit::Entry { actor: &actor, action, target: customer_no, detail: &detail, address };
        audit::insert(tx, &e, now)?;
        Ok((verdict, if ok { failed } else { failed + 1 }))
    })?;
    if verdict == Verdict::NoMatch {
        app.address_throttle.record_failure(&desk);
    }
    Ok(Verification { customer, contact: person, verdict, attempts_left: (VERIFY_PER_HOUR - failed).max(0) })
}

/// The person a hotline form names: `None` (empty or `0`) for the main account, else a contact
/// of this customer (`404` for anyone else's id or a malformed one).
fn caller(conn: &rusqlite::Connection, customer_id: i64, contact: &str) -> Result<Option<Contact>> {
    match contact.trim() {
        "" | "0" => Ok(None),
        id => {
            let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
            Ok(Some(contacts::get_of_customer(conn, customer_id, id)?.ok_or(Error::NotFound)?))
        }
    }
}

/// How long a call code is valid.
pub const CALL_CODE_SECONDS: i64 = 600;

/// A code is hashed with the customer's id and the person's (0: the main account), so another
/// customer's or another person's code never matches.
fn call_code_hash(customer_id: i64, contact_id: i64, code: &str) -> Vec<u8> {
    match contact_id {
        0 => crate::auth::token_hash(&format!("call-code:{customer_id}:{code}")),
        p => crate::auth::token_hash(&format!("call-code:{customer_id}/{p}:{code}")),
    }
}

/// `true` (and the code used up) when `code` is the person's live code.
fn redeem_call_code(
    tx: &rusqlite::Connection,
    customer_id: i64,
    contact_id: i64,
    code: &str,
    now: i64,
) -> Result<bool> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    let Some(stored) = call_codes::live(tx, customer_id, contact_id, now)? else {
        return Ok(false);
    };
    if !crate::auth::constant_time_eq(&stored, &call_code_hash(customer_id, contact_id, code)) {
        return Ok(false);
    }
    call_codes::mark_used(tx, customer_id, contact_id, now)?;
    Ok(true)
}

/// A fresh 6-digit call code for the customer, valid [`CALL_CODE_SECONDS`], replacing the
/// previous one. Only its hash is stored; the creation is audited.
pub fn new_call_code(app: &App, customer: &Customer, address: &str) -> Result<String> {
    require_mode(app, false)?;
    let code = loop {
        let n = u32::from_str_radix(&crate::auth::random_hex(4)?, 16).map_err(|e| Error::internal("call code", e))?;
        // Below the largest multiple of a million, so every code is equally likely.
        if n < 4_294_000_000 {
            break format!("{:06}", n % 1_000_000);
        }
    };
    let now = clock::now();
    let actor = crate::app::people::audit_name(customer);
    let person = customer.contact_id().unwrap_or(0);
    let hash = call_code_hash(customer.id, person, &code);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        call_codes::replace(tx, customer.id, person, &hash, now, now + CALL_CODE_SECONDS)?;
        let e = audit::Entry {
            actor: &actor,
            action: "call_code.create",
            target: &customer.customer_no,
            detail: "",
            address,
        };
        audit::insert(tx, &e, now)
    })?;
    Ok(code)
}

/// Shows the customer's password to an admin who re-entered their own password and gave a
/// reason. The audit row is written first, in the transaction that reads the copy: if it cannot
/// be written, nothing is shown.
///
/// `contact` names whose password (see [`verify`]); the audit row and the page say whose.
#[allow(clippy::too_many_arguments)]
pub fn reveal(
    app: &App,
    admin: &StaffMember,
    customer_no: &str,
    contact: &str,
    reason: &str,
    admin_password: &str,
    address: &str,
) -> Result<Revealed> {
    require_mode(app, true)?;
    let reason = reason.trim();
    let mut errors = FieldErrors::new();
    if reason.is_empty() {
        errors.add("reason", m::ERR_REQUIRED);
    } else if reason.chars().count() > 500 {
        errors.add_with("reason", m::ERR_TOO_LONG, vec![("max", "500".into())]);
    }
    if admin_password.is_empty() {
        errors.add("password", m::ERR_REQUIRED);
    }
    errors.into_result()?;
    let conn = app.conn()?;
    let customer = customers::get_by_no(&conn, customer_no)?.ok_or(Error::NotFound)?;
    let person = caller(&conn, customer.id, contact)?;
    let admin_hash = staff::password_hash(&conn, admin.id)?;
    drop(conn);
    let actor = format!("staff:{}", admin.username);
    let now = clock::now();
    let check = Recheck::begin(app, &Principal::Staff(admin.clone()), address)?;
    let permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
    let admin_ok = password::verify(admin_password, &admin_hash);
    drop(permit);
    let mut conn = app.conn()?;
    if admin_ok {
        check.passed();
    } else {
        check.failed();
        db::write(&mut conn, |tx| {
            let e = audit::Entry {
                actor: &actor,
                action: "hotline.reveal.denied",
                target: customer_no,
                detail: "wrong admin password",
                address,
            };
            audit::insert(tx, &e, now)
        })?;
        let mut errors = FieldErrors::new();
        errors.add("password", m::ERR_ADMIN_PASSWORD);
        return Err(Error::Invalid(errors));
    }
    let sealed = db::write(&mut conn, |tx| {
        if audit::count_for_actor(tx, "hotline.reveal", &actor, now - HOUR)? >= REVEALS_PER_HOUR {
            return Err(Error::TooMany { retry_after: 600, msg: m::ERR_REVEAL_LIMIT });
        }
        let detail = match &person {
            Some(p) => format!("contact:{}: {reason}", p.id),
            None => reason.to_string(),
        };
        let e = audit::Entry { actor: &actor, action: "hotline.reveal", target: customer_no, detail: &detail, address };
        audit::insert(tx, &e, now)?;
        match &person {
            Some(p) => contacts::password_copy(tx, p.id),
            None => customers::password_copy(tx, customer.id),
        }
    })?;
    let key = app.hotline_key().ok_or(Error::NotFound)?;
    let opened = |s: &[u8]| match &person {
        Some(p) => key.open_contact(p.id, s),
        None => key.open(customer.id, s),
    };
    let password = match sealed {
        Some(s) => Some(opened(&s).ok_or_else(|| {
            Error::Internal(format!(
                "hotline copy of customer {customer_no} does not decrypt (wrong key or moved copy)"
            ))
        })?),
        None => None,
    };
    Ok(Revealed { customer, contact: person, password })
}

/// When the hotline verified or viewed the customer's password (dates only, no staff names).
pub fn events_for_customer(app: &App, customer: &Customer) -> Result<Vec<(i64, String)>> {
    let conn = app.conn()?;
    audit::hotline_events(&conn, &customer.customer_no, 20)
}
