//! Mail in: one importer for `ticketd mail receive` and the IMAP poller. A raw RFC 5322
//! message becomes a reply on its ticket, a new ticket, a held mail in `/staff/inbox`, or is
//! dropped (auto-replies, bounces, duplicates) — each decided and stored in one transaction.
//!
//! Where a message goes, in this order:
//! 1. a machine sent it (auto-reply, bounce, list mail): dropped, logged, never answered;
//! 2. taken in before (same sender and `Message-ID`, or same SHA-256 without one): dropped as
//!    `duplicate`;
//! 3. it refers to ticket T (a `Message-ID` we sent for T or T's thread root in
//!    `In-Reply-To`/`References`, or `[T]` in the subject) and `From` is T's customer or one of
//!    its contacts: an `email` activity by the customer, reopening a waiting/closed ticket as a
//!    portal reply does; a reference to another customer's ticket is held, never imported;
//! 4. `From` is a known customer or contact: a new ticket, its number mailed back;
//! 5. anything else: held for staff. More than `max_per_sender_per_hour` imports from one
//!    address in an hour: held too.

use std::sync::Arc;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::app::attachments::CHUNK;
use crate::app::App;
use crate::clock;
use crate::db::attachments as adb;
use crate::db::inbound as idb;
use crate::db::tickets::{self as tdb, Author, NewActivity};
use crate::db::{self, audit};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Lang};
use crate::mail::inbound::{self as parse, Incoming, Part};
use crate::model::{
    clean_file_name, format_size, sniff_raster_image, ActivityKind, AuthorKind, CustomerNo, HeldMail, MailSender,
    Priority, Scope, StaffMember, Status, TicketDetail, TicketNo,
};

use super::tickets::{change_status, insert_ticket, MAX_BODY_CHARS, MAX_SUBJECT_CHARS};

/// The largest raw message `mail receive` reads; a larger one is refused as unreadable (65),
/// so the sending MTA bounces it to its sender instead of us holding it in memory and the
/// database. Twice the default attachment limit, with room for base64.
pub const MAX_RAW_BYTES: usize = 50 * 1024 * 1024;

/// Keys of messages taken in are kept this long (duplicates within it are recognised).
const SEEN_KEEP_SECS: i64 = 90 * 24 * 3600;

/// Held previews are cut to this many characters.
const PREVIEW_CHARS: usize = 600;

/// What became of one message; `mail receive` prints it as its one line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An `email` activity on this (existing) ticket.
    Reply(TicketNo),
    /// A new ticket for a known sender.
    New(TicketNo),
    /// Held in `/staff/inbox` under this id.
    Held(i64),
    /// Not stored (auto-reply, bounce, already imported, …); the reason is one word.
    Dropped(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Reply(n) => write!(f, "reply {n}"),
            Outcome::New(n) => write!(f, "new {n}"),
            Outcome::Held(id) => write!(f, "held {id}"),
            Outcome::Dropped(reason) => write!(f, "dropped {reason}"),
        }
    }
}

/// Imports one raw message. An unreadable message (empty, no head or sender, cut off, over
/// [`MAX_RAW_BYTES`]) is `Error::BadRequest`/`Error::TooLarge` (`mail receive` exits 65); a
/// busy, locked or missing database is `Error::Unavailable` (75: try again later). Nothing
/// of a message is stored unless all of it is.
pub fn import(app: &App, raw: &[u8]) -> Result<Outcome> {
    if raw.len() > MAX_RAW_BYTES {
        log(&format!("refused: {} bytes, over the limit of {MAX_RAW_BYTES}", raw.len()));
        return Err(Error::TooLarge(m::INBOUND_TOO_LARGE));
    }
    let mail = parse::parse(raw).map_err(|e| {
        log(&format!("unreadable: {e}"));
        Error::BadRequest(m::INBOUND_UNREADABLE)
    })?;
    if let Some(reason) = mail.automatic {
        log(&format!("dropped {reason}: from {} {:?}", mail.from_addr, mail.subject));
        return Ok(Outcome::Dropped(reason.to_string()));
    }
    // With the sender in the key, a stranger who copies a customer's Message-ID (a held mail)
    // cannot make the customer's own message a "duplicate".
    let key = match &mail.message_id {
        Some(id) => format!("mid:{}:{id}", mail.from_addr),
        None => format!("sha256:{:x}", Sha256::digest(raw)),
    };
    let now = clock::now();
    let mut conn = app.conn()?;
    let outcome = db::write(&mut conn, |tx| {
        purge(tx, app, now)?;
        if idb::seen(tx, &key)? {
            return Ok(Outcome::Dropped("duplicate".into()));
        }
        let (outcome, word) = match route(tx, app, &mail, now)? {
            Route::Reply(t, who) => {
                store_on_ticket(tx, app, &t, &mail, raw, &who, now)?;
                (Outcome::Reply(number_of(&t)?), "reply")
            }
            Route::New(who) => (Outcome::New(open_from_mail(tx, app, &mail, raw, &who, now, true)?), "new"),
            Route::Hold(reason) => (Outcome::Held(hold(tx, &mail, raw, reason, now)?), "held"),
        };
        idb::mark_seen(tx, &key, &mail.from_addr, word, now)?;
        Ok(outcome)
    })?;
    log(&format!("{outcome}: from {} {:?}", mail.from_addr, mail.subject));
    Ok(outcome)
}

fn log(msg: &str) {
    eprintln!("{} mail in: {msg}", clock::rfc3339(clock::now()));
}

fn number_of(t: &TicketDetail) -> Result<TicketNo> {
    TicketNo::parse(&t.summary.number).ok_or_else(|| Error::Internal(format!("bad ticket number {}", t.summary.number)))
}

/// The person a message is stored as written by: a customer's main account or a contact.
type Writer = MailSender;

enum Route {
    Reply(Box<TicketDetail>, Writer),
    New(Writer),
    Hold(&'static str),
}

fn route(tx: &Connection, app: &App, mail: &Incoming, now: i64) -> Result<Route> {
    let writer = idb::sender(tx, &mail.from_addr)?;
    let ticket = match referenced_ticket(tx, app, mail)? {
        Some(n) => tdb::get(tx, &n, Scope::Staff)?,
        None => None,
    };
    let Some(writer) = writer else {
        return Ok(Route::Hold("unknown_sender"));
    };
    if let Some(t) = &ticket {
        if t.customer_id != writer.customer_id {
            return Ok(Route::Hold("foreign_reference"));
        }
    }
    let limit = i64::from(app.config().inbound.max_per_sender_per_hour);
    if idb::imported_since(tx, &mail.from_addr, now - 3600)? >= limit {
        return Ok(Route::Hold("rate_limit"));
    }
    Ok(match ticket {
        Some(t) => Route::Reply(Box::new(t), writer),
        None => Route::New(writer),
    })
}

/// The ticket a message refers to: a mail we sent for it or its thread root in
/// `In-Reply-To`/`References`, else `[number]` in the subject.
fn referenced_ticket(tx: &Connection, app: &App, mail: &Incoming) -> Result<Option<String>> {
    let our_domain = app.config().smtp.as_ref().map(|s| crate::mail::domain_of(s.from.trim()).to_ascii_lowercase());
    for id in &mail.references {
        if let Some(n) = idb::ticket_of_sent(tx, id)? {
            return Ok(Some(n));
        }
        let domain = id.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
        if let Some(n) = parse::ticket_in_thread_id(id) {
            if our_domain.is_none() || domain == our_domain {
                return Ok(Some(n));
            }
        }
    }
    Ok(parse::ticket_in_subject(&mail.subject))
}

/// Removes held mail past `[inbound] hold_days` (and old duplicate keys).
fn purge(tx: &Connection, app: &App, now: i64) -> Result<usize> {
    let keep = app.config().inbound.hold_days.min(36_500) as i64 * 86_400;
    idb::purge(tx, now - keep, now - SEEN_KEEP_SECS.max(keep))
}

fn hold(tx: &Connection, mail: &Incoming, raw: &[u8], reason: &'static str, now: i64) -> Result<i64> {
    let preview: String = mail.text.chars().take(PREVIEW_CHARS).collect();
    idb::hold(
        tx,
        &idb::NewHeld {
            from_addr: &mail.from_addr,
            from_name: &mail.from_name,
            subject: &mail.subject,
            reason,
            preview: &preview,
            raw,
        },
        now,
    )
}

/// A new ticket from a message, for `who`; `receipt`: the number is mailed back (if they want
/// mail). Returns its number.
fn open_from_mail(
    tx: &Connection,
    app: &App,
    mail: &Incoming,
    raw: &[u8],
    who: &Writer,
    now: i64,
    receipt: bool,
) -> Result<TicketNo> {
    let lang = who.language.unwrap_or(app.default_lang);
    let mut subject: String = mail.subject.trim().chars().take(MAX_SUBJECT_CHARS).collect();
    if subject.is_empty() {
        subject = lang.t(m::INBOUND_NO_SUBJECT).to_string();
    }
    let (id, number) = insert_ticket(tx, app, who.customer_id, &subject, Priority::Normal, None, now)?;
    if let Some(contact) = who.contact_id {
        idb::set_ticket_contact(tx, id, contact)?;
    }
    let t = tdb::get(tx, &number.to_string(), Scope::Staff)?.ok_or(Error::NotFound)?;
    let activity = store_on_ticket(tx, app, &t, mail, raw, who, now)?;
    if receipt {
        let to = match who.contact_id {
            Some(c) => idb::contact_recipient(tx, c)?.map(|(name, email, language)| crate::db::outbox::Recipient {
                id: who.customer_id,
                name,
                email,
                language: language.as_deref().and_then(Lang::parse),
            }),
            None => crate::db::outbox::customer_recipient(tx, who.customer_id)?,
        };
        if let Some(to) = to {
            crate::app::notify::queue_receipt(tx, app, activity, &to)?;
        }
    }
    Ok(number)
}

/// Stores the message on ticket `t` as an `email` activity by `who` with its files, the
/// original `.eml` for staff, a reopen when the ticket waited or was closed, and the mails to
/// staff; returns the activity's id. On the caller's transaction.
fn store_on_ticket(
    tx: &Connection,
    app: &App,
    t: &TicketDetail,
    mail: &Incoming,
    raw: &[u8],
    who: &Writer,
    now: i64,
) -> Result<i64> {
    let lang = who.language.unwrap_or(app.default_lang);
    let (files, skipped) = within_limits(app, &mail.attachments);
    let body = activity_text(lang, &mail.text, &skipped);
    let from = if mail.from_name.is_empty() {
        mail.from_addr.clone()
    } else {
        format!("{} <{}>", mail.from_name, mail.from_addr)
    };
    let cfg = app.config();
    let to = cfg.inbound.address.as_deref();
    let activity = tdb::add_activity(
        tx,
        t.summary.id,
        &NewActivity {
            email_from: Some(&from),
            email_to: to,
            email_subject: Some(&mail.subject),
            ..NewActivity::new(ActivityKind::Email, Author::customer(who.customer_id, &who.name), &body, now)
        },
    )?;
    if let Some(contact) = who.contact_id {
        idb::set_activity_contact(tx, activity, contact)?;
    }
    for f in files {
        store_file(tx, t.summary.id, activity, &f.name, &f.media_type, AuthorKind::Customer, &who.name, &f.data, now)?;
    }
    store_original(tx, app, t.summary.id, mail, raw, now)?;
    crate::app::notify::queue_for_activity(tx, app, activity)?;
    if matches!(t.summary.status, Status::Waiting | Status::Closed) {
        change_status(tx, t.summary.id, t.summary.status, Status::Open, Author::SYSTEM, now)?;
    }
    Ok(activity)
}

/// The parts that fit `[attachments]` (per file, per message count, per message total), and
/// a description of each part left out.
fn within_limits<'a>(app: &App, parts: &'a [Part]) -> (Vec<&'a Part>, Vec<(String, u64)>) {
    let limits = &app.config().attachments;
    let (mut kept, mut skipped, mut total) = (Vec::new(), Vec::new(), 0u64);
    for p in parts {
        let size = p.data.len() as u64;
        let fits = size <= limits.max_file_bytes.0
            && kept.len() < limits.max_files_per_request
            && total + size <= limits.max_request_bytes.0;
        if fits {
            total += size;
            kept.push(p);
        } else {
            skipped.push((clean_file_name(&p.name), size));
        }
    }
    (kept, skipped)
}

/// The trimmed text, cut to the body limit, with a line for each file left out.
fn activity_text(lang: Lang, text: &str, skipped: &[(String, u64)]) -> String {
    let mut body: String = text.chars().take(MAX_BODY_CHARS - 2_000).collect();
    if body.len() < text.len() {
        body.push_str("\n…");
    }
    for (name, size) in skipped {
        let size = format_size(i64::try_from(*size).unwrap_or(i64::MAX), lang);
        body.push_str("\n\n");
        body.push_str(&lang.f(m::INBOUND_FILE_SKIPPED, &[("name", name), ("size", &size)]));
    }
    body.trim_start_matches('\n').to_string()
}

/// The whole message as `.eml`, on an internal note: staff see it, the customer does not
/// (attachments of internal activities are left out of every customer query).
fn store_original(tx: &Connection, app: &App, ticket_id: i64, mail: &Incoming, raw: &[u8], now: i64) -> Result<()> {
    let note = app.default_lang.t(m::INBOUND_ORIGINAL);
    let by = Author {
        kind: AuthorKind::System,
        customer_id: None,
        staff_id: None,
        contact_id: None,
        name: &app.config().portal.title,
    };
    let activity = tdb::add_activity(tx, ticket_id, &NewActivity::new(ActivityKind::InternalNote, by, note, now))?;
    let stem: String = mail.subject.chars().take(60).collect();
    let name = if stem.trim().is_empty() { "email.eml".to_string() } else { format!("{}.eml", stem.trim()) };
    store_file(tx, ticket_id, activity, &name, "message/rfc822", AuthorKind::Customer, &mail.from_addr, raw, now)
}

/// One file as attachment chunks of an activity, complete at once (on the caller's
/// transaction, so it exists exactly when the activity does).
#[allow(clippy::too_many_arguments)]
fn store_file(
    tx: &Connection,
    ticket_id: i64,
    activity_id: i64,
    raw_name: &str,
    declared_type: &str,
    kind: AuthorKind,
    uploader: &str,
    data: &[u8],
    now: i64,
) -> Result<()> {
    let name = clean_file_name(raw_name);
    let declared = crate::app::attachments::clean_media_type(declared_type);
    let id = adb::insert_pending(
        tx,
        &adb::NewPending {
            file_name: &name,
            media_type: &declared,
            uploader_kind: kind,
            uploader_name: uploader,
            created_at: now,
        },
    )?;
    for (seq, chunk) in data.chunks(CHUNK).enumerate() {
        adb::insert_chunk(tx, id, seq as i64, chunk)?;
    }
    let sniffed = sniff_raster_image(&data[..data.len().min(16)]);
    let media_type = sniffed.map(str::to_string).unwrap_or(declared);
    let sha256 = format!("{:x}", Sha256::digest(data));
    let received = adb::Received {
        size: data.len() as u64,
        sha256: &sha256,
        previewable: sniffed.is_some(),
        media_type: &media_type,
    };
    adb::complete(tx, id, ticket_id, activity_id, &received)
}

// ------------------------------------------------------------------------------ /staff/inbox

/// The held mails, newest first, and how many there are.
pub fn held(app: &App, page: usize, page_size: usize) -> Result<(Vec<HeldMail>, i64)> {
    let conn = app.conn()?;
    idb::held_list(&conn, page_size, page.saturating_sub(1) * page_size)
}

/// What staff do with a held mail.
pub enum HeldAction<'a> {
    /// A new ticket for the customer with this number.
    NewTicket {
        customer: &'a str,
    },
    /// An `email` activity on this ticket.
    Attach {
        ticket: &'a str,
    },
    Discard,
}

/// Acts on a held mail; audited as `inbox.new_ticket`, `inbox.attach` or `inbox.discard`.
/// Returns the ticket the mail went to. A wrong customer or ticket is `Invalid` at the field
/// (`customer`, `ticket`); an unknown id `NotFound`.
pub fn act(app: &App, s: &StaffMember, id: i64, action: &HeldAction, address: &str) -> Result<Option<TicketNo>> {
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let (held, raw) = idb::held_get(tx, id)?.ok_or(Error::NotFound)?;
        let (verb, number) = match action {
            HeldAction::Discard => ("inbox.discard", None),
            HeldAction::NewTicket { customer } => {
                let c = CustomerNo::parse(customer)
                    .map(|no| crate::db::customers::get_by_no(tx, no.as_str()))
                    .transpose()?
                    .flatten()
                    .ok_or_else(|| invalid("customer", m::INBOUND_NO_SUCH_CUSTOMER))?;
                let mail = reparse(&raw)?;
                let who = writer_for(tx, &mail, &held, c.id, c.language)?;
                ("inbox.new_ticket", Some(open_from_mail(tx, app, &mail, &raw, &who, now, false)?))
            }
            HeldAction::Attach { ticket } => {
                let t = TicketNo::parse(ticket.trim())
                    .map(|n| tdb::get(tx, &n.to_string(), Scope::Staff))
                    .transpose()?
                    .flatten()
                    .ok_or_else(|| invalid("ticket", m::INBOUND_NO_SUCH_TICKET))?;
                let mail = reparse(&raw)?;
                let lang = crate::db::customers::get(tx, t.customer_id)?.language;
                let who = writer_for(tx, &mail, &held, t.customer_id, lang)?;
                store_on_ticket(tx, app, &t, &mail, &raw, &who, now)?;
                ("inbox.attach", Some(number_of(&t)?))
            }
        };
        idb::held_delete(tx, id)?;
        let actor = format!("staff:{}", s.username);
        let detail = match &number {
            Some(n) => format!("{n} from {}", held.from_addr),
            None => format!("from {}", held.from_addr),
        };
        let target = id.to_string();
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: verb, target: &target, detail: &detail, address },
            now,
        )?;
        Ok(number)
    })
}

fn invalid(field: &str, msg: crate::i18n::Msg) -> Error {
    let mut e = FieldErrors::new();
    e.add(field, msg);
    Error::Invalid(e)
}

fn reparse(raw: &[u8]) -> Result<Incoming> {
    parse::parse(raw).map_err(|e| Error::Internal(format!("a held mail cannot be read again: {e}")))
}

/// Who a held mail is stored as written by once staff chose the customer: the contact when
/// the address is one of that customer's, else the customer with the sender's name.
fn writer_for(
    tx: &Connection,
    mail: &Incoming,
    held: &HeldMail,
    customer_id: i64,
    lang: Option<Lang>,
) -> Result<Writer> {
    if let Some(w) = idb::sender(tx, &mail.from_addr)?.filter(|w| w.customer_id == customer_id) {
        return Ok(w);
    }
    let name = if held.from_name.is_empty() { held.from_addr.clone() } else { held.from_name.clone() };
    Ok(Writer { customer_id, contact_id: None, name, language: lang })
}

/// Purges held mail past `hold_days` once an hour in the server, beside the mail sender (the
/// importer purges too, so a server without mail in still keeps to the limit).
pub fn spawn_purger(app: Arc<App>) -> std::io::Result<()> {
    std::thread::Builder::new().name("ticketd-inbox-purge".into()).spawn(move || loop {
        let now = clock::now();
        let result = app.conn().and_then(|mut c| db::write(&mut c, |tx| purge(tx, &app, now)));
        match result {
            Ok(0) => {}
            Ok(n) => log(&format!("purged {n} held mail(s) older than {} days", app.config().inbound.hold_days)),
            Err(e) => log(&format!("cannot purge held mail: {e}")),
        }
        std::thread::sleep(std::time::Duration::from_secs(3600));
    })?;
    Ok(())
}
