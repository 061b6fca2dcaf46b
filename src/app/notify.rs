//! E-mail notifications. Use-cases call [`queue_for_activity`] inside their write transaction:
//! it decides who hears about the activity, renders each mail in the recipient's language and
//! writes it to the outbox, so a mail exists exactly when its activity does. A background
//! sender ([`spawn_sender`]) delivers the outbox through the relay, outside every request.
//!
//! Who hears what:
//! - the customer, when staff answer (message, call note, e-mail record, document), change the
//!   status, or open a ticket for them: the main account, and the ticket's people (the contact
//!   who opened it and the colleagues added to it), each in their own language;
//! - staff, when a customer opens a ticket, replies or adds documents: the assignee, or every
//!   active staff member when nobody is assigned;
//! - always only people whose switch is on, who are active and have an address. Internal
//!   activities (notes, assignee changes) and system changes (reopen on reply) are never mailed.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use rusqlite::Connection;

use crate::app::App;
use crate::clock;
use crate::config::Config;
use crate::db::outbox::{self, ActivityFacts, NewMail, Recipient};
use crate::db::{self, audit};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::mail::message::{self, Message};
use crate::mail::relay::Relay;
use crate::mail::{self as mail, Mailbox};
use crate::model::{ActivityKind, AuthorKind, Customer, MailState, OutboxRow, StaffMember, Status};
use crate::sync::Unpoison;
use crate::views::mail::{Event, Notification};

/// Queues the mails an activity causes, on the caller's transaction. Without `[smtp]` it does
/// nothing at all.
pub fn queue_for_activity(tx: &Connection, app: &App, activity_id: i64) -> Result<()> {
    if app.config().smtp.is_none() {
        return Ok(());
    }
    let Some(a) = outbox::activity_facts(tx, activity_id)? else {
        return Ok(());
    };
    if a.internal || a.kind.is_internal() {
        return Ok(());
    }
    let now = clock::now();
    let mut queued = 0;
    match a.author_kind {
        AuthorKind::Customer => {
            let author = a.author_name.as_str();
            let event = match a.kind {
                ActivityKind::Message | ActivityKind::Email if a.first => Event::NewTicket { author },
                ActivityKind::Message | ActivityKind::Email => Event::CustomerReply { author },
                ActivityKind::Document => Event::CustomerDocuments { author },
                _ => return Ok(()),
            };
            for r in outbox::staff_recipients(tx, a.assignee_id)? {
                queue_one(tx, app, &a, &r, Side::Staff, event, now)?;
                queued += 1;
            }
        }
        AuthorKind::Staff => {
            let event = match a.kind {
                _ if a.first => Event::OpenedForYou,
                ActivityKind::Message => Event::StaffMessage,
                ActivityKind::Call => Event::StaffCall,
                ActivityKind::Email => Event::StaffEmail,
                ActivityKind::Document => Event::StaffDocument,
                ActivityKind::Status => match a.new_value.as_deref().and_then(Status::parse) {
                    Some(s) => Event::Status { status: s.label() },
                    None => return Ok(()),
                },
                _ => return Ok(()),
            };
            // The main account as before (it sees every ticket of the company), and the ticket's
            // people: its opener and the colleagues added to it, each per their own choice.
            if let Some(r) = outbox::customer_recipient(tx, a.customer_id)? {
                queue_one(tx, app, &a, &r, Side::Customer, event, now)?;
                queued += 1;
            }
            for r in outbox::contact_recipients(tx, a.ticket_id)? {
                queue_one(tx, app, &a, &r, Side::Contact, event, now)?;
                queued += 1;
            }
        }
        // Reopening on a reply mails nobody; closing after `auto_close_days` tells the customer.
        AuthorKind::System => {
            if a.kind == ActivityKind::Status && a.new_value.as_deref() == Some(Status::Closed.as_str()) {
                let days = app.config().workflow.auto_close_days.unwrap_or(0);
                if let Some(r) = outbox::customer_recipient(tx, a.customer_id)? {
                    queue_one(tx, app, &a, &r, Side::Customer, Event::AutoClosed { days }, now)?;
                    queued += 1;
                }
            }
        }
    }
    if queued > 0 {
        // The sender's claim waits for this transaction's commit (BEGIN IMMEDIATE).
        wake();
    }
    Ok(())
}

/// A customer's e-mail opened a ticket (`app::inbound`): its number goes back to `to`, on the
/// caller's transaction. Without `[smtp]` it does nothing.
pub fn queue_receipt(tx: &Connection, app: &App, activity_id: i64, to: &Recipient) -> Result<()> {
    if app.config().smtp.is_none() {
        return Ok(());
    }
    let Some(a) = outbox::activity_facts(tx, activity_id)? else {
        return Ok(());
    };
    queue_one(tx, app, &a, to, Side::Customer, Event::ReceivedByMail, clock::now())?;
    wake();
    Ok(())
}

/// Who a mail without a ticket goes to, for the outbox's columns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The customer's main account (`Recipient::id` is the customer's).
    Customer,
    /// A contact of `customer_id` (`Recipient::id` is the contact's).
    Contact {
        customer_id: i64,
    },
    Staff,
}

/// Queues one mail that belongs to no ticket (a contingent warning), on the caller's
/// transaction; without `[smtp]` nothing. A mail that can never go out is kept as `failed`.
pub fn queue_message(
    tx: &Connection,
    app: &App,
    to: &Recipient,
    kind: To,
    subject: &str,
    text: &str,
    html: &str,
) -> Result<()> {
    let Some(smtp) = &app.config().smtp else {
        return Ok(());
    };
    let now = clock::now();
    let lang = to.language.unwrap_or(app.default_lang);
    let from = smtp.from.trim();
    let domain = mail::domain_of(from);
    let message_id = format!("{}@{domain}", crate::auth::random_hex(12)?);
    let from_box = Mailbox::new(&app.config().portal.title, from);
    let to_box = Mailbox::new(&to.name, &to.email);
    let rendered = if mail::is_sendable_address(&to_box.addr) {
        message::render(&Message {
            from: &from_box,
            to: &to_box,
            reply_to: None,
            subject,
            date: now,
            message_id: &message_id,
            thread_id: None,
            language: lang.code(),
            text,
            html,
        })
    } else {
        Err("not a deliverable address (ASCII addresses only)".to_string())
    };
    let (customer_id, staff_id) = match kind {
        To::Customer => (Some(to.id), None),
        To::Contact { customer_id } => (Some(customer_id), None),
        To::Staff => (None, Some(to.id)),
    };
    let id = outbox::insert(
        tx,
        &NewMail {
            ticket_id: None,
            activity_id: None,
            customer_id,
            staff_id,
            recipient: &to_box.addr,
            subject,
            message_id: &message_id,
            message: rendered.as_deref().unwrap_or(""),
            state: if rendered.is_ok() { MailState::Pending } else { MailState::Failed },
            last_error: rendered.as_ref().err().map(String::as_str),
        },
        now,
    )?;
    if let To::Contact { .. } = kind {
        outbox::set_contact(tx, id, to.id)?;
    }
    wake();
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Customer,
    /// A customer's contact (`Recipient::id` is the contact's).
    Contact,
    Staff,
}

/// `[Ticket 2026-00042] Subject`, with `Re: ` after the first mail of a ticket: the same
/// subject for every mail of a ticket keeps mail clients' threads together.
pub fn subject_line(number: &str, subject: &str, first: bool) -> String {
    let re = if first { "" } else { "Re: " };
    format!("{re}[Ticket {number}] {subject}")
}

/// The root every mail of a ticket refers to (`In-Reply-To`, `References`).
pub fn thread_id(number: &str, domain: &str) -> String {
    format!("ticket-{number}@{domain}")
}

fn queue_one(
    tx: &Connection,
    app: &App,
    a: &ActivityFacts,
    to: &Recipient,
    side: Side,
    event: Event,
    now: i64,
) -> Result<()> {
    let Some(smtp) = &app.config().smtp else {
        return Ok(());
    };
    let lang = to.language.unwrap_or(app.default_lang);
    let (text, html) = notification_text(app, a, to, side, event, lang);
    let subject = subject_line(&a.number, &a.subject, a.first);
    let from = smtp.from.trim();
    let domain = mail::domain_of(from);
    let message_id = format!("{}.{}@{domain}", crate::auth::random_hex(10)?, a.number);
    let thread = thread_id(&a.number, domain);
    let from_box = Mailbox::new(&app.config().portal.title, from);
    let to_box = Mailbox::new(&to.name, &to.email);
    let reply_box = app.config().inbound.address.as_deref().map(|a| Mailbox::new(&app.config().portal.title, a));
    // A mail that can never go out is kept as `failed` with the reason, and the use-case goes on.
    let rendered = if mail::is_sendable_address(&to_box.addr) {
        message::render(&Message {
            from: &from_box,
            to: &to_box,
            reply_to: reply_box.as_ref(),
            subject: &subject,
            date: now,
            message_id: &message_id,
            thread_id: Some(&thread),
            language: lang.code(),
            text: &text,
            html: &html.into_string(),
        })
    } else {
        Err("not a deliverable address (ASCII addresses only)".to_string())
    };
    let (customer_id, staff_id) = match side {
        Side::Customer => (Some(to.id), None),
        Side::Contact => (Some(a.customer_id), None),
        Side::Staff => (None, Some(to.id)),
    };
    let id = outbox::insert(
        tx,
        &NewMail {
            ticket_id: Some(a.ticket_id),
            activity_id: Some(a.activity_id),
            customer_id,
            staff_id,
            recipient: &to_box.addr,
            subject: &subject,
            message_id: &message_id,
            message: rendered.as_deref().unwrap_or(""),
            state: if rendered.is_ok() { MailState::Pending } else { MailState::Failed },
            last_error: rendered.as_ref().err().map(String::as_str),
        },
        now,
    )?;
    if side == Side::Contact {
        outbox::set_contact(tx, id, to.id)?;
    }
    Ok(())
}

/// The mail's text and HTML in the recipient's language, with links when `base_url` is set.
fn notification_text(
    app: &App,
    a: &ActivityFacts,
    to: &Recipient,
    side: Side,
    event: Event,
    lang: Lang,
) -> (String, maud::Markup) {
    // Without `base_url` there is no request to derive a link from: the mail says to log in.
    let cfg = app.config();
    let base = cfg.base_url.as_deref().map(|b| b.trim_end_matches('/'));
    let (ticket_path, settings_path) = match side {
        Side::Customer | Side::Contact => (format!("/tickets/{}", a.number), "/account"),
        Side::Staff => (format!("/staff/tickets/{}", a.number), "/staff/account"),
    };
    let link = base.map(|b| format!("{b}{ticket_path}"));
    let settings = base.map(|b| format!("{b}{settings_path}"));
    let body = app.config().notifications.include_text.then_some(a.body.as_str());
    crate::views::mail::notification(&Notification {
        lang,
        site_title: &app.config().portal.title,
        recipient_name: &to.name,
        number: &a.number,
        subject: &a.subject,
        event,
        body,
        link: link.as_deref(),
        settings_link: settings.as_deref(),
        accent: &app.config().portal.accent_color,
    })
}

// ------------------------------------------------------------------------------ preferences

/// The logged-in person's switch: a contact's own, else the main account's.
pub fn customer_setting(app: &App, customer: &Customer) -> Result<bool> {
    let conn = app.conn()?;
    match &customer.contact {
        Some(p) => Ok(crate::db::contacts::get(&conn, p.id)?.is_some_and(|p| p.notify)),
        None => outbox::customer_notify(&conn, customer.id),
    }
}

pub fn staff_setting(app: &App, s: &StaffMember) -> Result<bool> {
    let conn = app.conn()?;
    outbox::staff_notify(&conn, s.id)
}

pub fn set_customer_setting(app: &App, customer: &Customer, on: bool) -> Result<()> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| match &customer.contact {
        Some(p) => crate::db::contacts::set_notify(tx, p.id, on),
        None => outbox::set_customer_notify(tx, customer.id, on),
    })
}

pub fn set_staff_setting(app: &App, s: &StaffMember, on: bool) -> Result<()> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| outbox::set_staff_notify(tx, s.id, on))
}

// ------------------------------------------------------------------------------ admin view

pub struct OutboxPage {
    pub rows: Vec<OutboxRow>,
    pub total: i64,
    pub counts: Vec<(MailState, i64)>,
}

pub fn outbox_page(app: &App, state: Option<MailState>, page: usize, page_size: usize) -> Result<OutboxPage> {
    let conn = app.conn()?;
    let (rows, total) = outbox::list(&conn, state, page_size, page.saturating_sub(1) * page_size)?;
    Ok(OutboxPage { rows, total, counts: outbox::counts(&conn)? })
}

/// An admin sends a failed mail again; audited.
pub fn retry(app: &App, admin: &StaffMember, id: i64, address: &str) -> Result<()> {
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        if !outbox::retry(tx, id, now)? {
            return Err(Error::NotFound);
        }
        let actor = format!("staff:{}", admin.username);
        let target = id.to_string();
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "mail.retry", target: &target, detail: "", address },
            now,
        )
    })?;
    wake();
    Ok(())
}

// ------------------------------------------------------------------------------ the sender

static WAKE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// Tells the sender that there may be something to send.
pub fn wake() {
    let (flag, cv) = &WAKE;
    *flag.lock().unpoisoned() = true;
    cv.notify_all();
}

fn sleep_until_woken(max: Duration) {
    let (flag, cv) = &WAKE;
    let guard = flag.lock().unpoisoned();
    let (mut guard, _) = cv.wait_timeout_while(guard, max, |woken| !*woken).unpoisoned();
    *guard = false;
}

/// How long the sender sleeps at most when nothing is due: new mails wake it at once.
const IDLE_WAIT: Duration = Duration::from_secs(30);
/// Sent mails stay listed this long.
const KEEP_SENT_SECS: i64 = 30 * 24 * 3600;

/// Delay before attempt `attempts + 1`: `retry_seconds`, doubled per attempt, at most an
/// hour (or `retry_seconds` when that is longer).
pub fn backoff(retry_seconds: u64, attempts: u32) -> i64 {
    let cap = retry_seconds.max(3600);
    let factor = 1u64.checked_shl(attempts.saturating_sub(1)).unwrap_or(u64::MAX);
    retry_seconds.saturating_mul(factor).min(cap) as i64
}

/// Starts the background sender; it sends while `[smtp]` is set (in the file or the
/// browser) and follows changes to it without a restart. It puts back what a crash left
/// mid-send, then delivers due mails one at a time; it never holds a transaction while
/// talking to the relay.
pub fn spawn_sender(app: Arc<App>) -> std::io::Result<()> {
    // Settings that make no relay refuse the start, as before; later changes (`[smtp]` set,
    // changed or removed in the browser) are followed before every mail.
    let mut seen = app.config().smtp.clone();
    let mut relay = seen.as_ref().map(Relay::from_config).transpose().map_err(std::io::Error::other)?;
    std::thread::Builder::new().name("ticketd-mail".into()).spawn(move || {
        match with_conn(&app, |tx| outbox::release_in_flight(tx, clock::now())) {
            Ok(0) => {}
            Ok(n) => log(&format!("{n} mail(s) were being sent when ticketd stopped; sending again")),
            Err(e) => log(&format!("cannot read the outbox: {e}")),
        }
        let mut last_purge = 0;
        loop {
            let now = clock::now();
            if now - last_purge > 3600 {
                last_purge = now;
                if let Err(e) = with_conn(&app, |tx| outbox::purge_sent(tx, now - KEEP_SENT_SECS)) {
                    log(&format!("cannot purge the outbox: {e}"));
                }
            }
            let smtp = app.config().smtp.clone();
            if smtp != seen {
                relay = match smtp.as_ref().map(Relay::from_config).transpose() {
                    Ok(Some(r)) => {
                        log("settings changed: sending through the new relay settings");
                        Some(r)
                    }
                    Ok(None) => {
                        log("settings changed: no relay set, sending stopped");
                        None
                    }
                    Err(e) => {
                        log(&format!("settings changed, but they make no relay: {e}; sending stopped"));
                        None
                    }
                };
                seen = smtp;
            }
            let (Some(r), Some(s)) = (relay.as_ref(), seen.as_ref()) else {
                // Nothing to send through: a settings save wakes the sender.
                sleep_until_woken(IDLE_WAIT);
                continue;
            };
            match deliver_next(&app, r, s.from.trim()) {
                Ok(true) => {}
                Ok(false) => sleep_until_woken(idle_wait(&app)),
                Err(e) => {
                    log(&format!("outbox: {e}"));
                    sleep_until_woken(Duration::from_secs(5));
                }
            }
        }
    })?;
    Ok(())
}

fn log(msg: &str) {
    eprintln!("{} mail: {msg}", clock::rfc3339(clock::now()));
}

fn with_conn<T>(app: &App, f: impl FnOnce(&rusqlite::Transaction) -> Result<T>) -> Result<T> {
    let mut conn = app.conn()?;
    db::write(&mut conn, f)
}

/// Until the next retry is due, within `IDLE_WAIT`.
fn idle_wait(app: &App) -> Duration {
    let next = app.conn().and_then(|c| outbox::next_due(&c)).ok().flatten();
    match next {
        Some(at) => Duration::from_secs((at - clock::now()).clamp(0, IDLE_WAIT.as_secs() as i64) as u64)
            .max(Duration::from_millis(50)),
        None => IDLE_WAIT,
    }
}

/// Sends the next due mail, if any; `Ok(false)` when none is due. The row is marked sent only
/// after the relay's 250 to the data; a crash in between leaves it `sending`, and the next
/// start sends it again (at most that one mail twice). A refusal lettre classifies as
/// permanent (5xx) fails the mail at once; everything else is tried again with back-off.
pub fn deliver_next(app: &App, relay: &Relay, from: &str) -> Result<bool> {
    let Some(m) = with_conn(app, |tx| outbox::claim_due(tx, clock::now()))? else {
        return Ok(false);
    };
    let result = relay.send(from, &m.recipient, &m.message);
    let n = &app.config().notifications;
    let mut outcome = String::new();
    // The mark must not get lost to a busy database: a `sending` row would only go out again
    // after a restart.
    for attempt in 0..5 {
        let now = clock::now();
        let marked = with_conn(app, |tx| match &result {
            Ok(reply) => {
                outcome = format!("#{} sent: {}", m.id, short(reply));
                outbox::mark_sent(tx, m.id, &short(reply), now)
            }
            Err(e) if e.permanent || m.attempts >= n.max_attempts => {
                outcome = format!("#{} failed for good after {} attempt(s): {e}", m.id, m.attempts);
                outbox::mark_failed(tx, m.id, &short(&e.message))
            }
            Err(e) => {
                let delay = backoff(n.retry_seconds, m.attempts);
                outcome = format!("#{} not sent (attempt {}), next in {delay}s: {e}", m.id, m.attempts);
                outbox::mark_retry(tx, m.id, &short(&e.message), now + delay)
            }
        });
        match marked {
            Ok(()) => break,
            Err(e) if attempt < 4 => {
                log(&format!("#{}: cannot record the result yet: {e}", m.id));
                std::thread::sleep(Duration::from_millis(500 << attempt));
            }
            Err(e) => return Err(e),
        }
    }
    log(&outcome);
    Ok(true)
}

fn short(s: &str) -> String {
    s.chars().take(500).collect()
}

// ------------------------------------------------------------------------------ test mail

/// `ticketd mail test ADDRESS`: one message straight to the relay, no outbox; the relay's
/// answer to the data, or why it failed.
pub fn send_test(config: &Config, to: &str) -> std::result::Result<String, String> {
    let smtp = config.smtp.as_ref().ok_or("no [smtp] section in the config: e-mail is off")?;
    let to = to.trim();
    if !mail::is_sendable_address(to) {
        return Err(format!("not a deliverable address: {to:?}"));
    }
    let lang = config.language().unwrap_or(Lang::De);
    let title = &config.portal.title;
    let (subject, text, html) = crate::views::mail::test_mail(lang, title);
    let from = smtp.from.trim();
    let message_id =
        format!("test.{}@{}", crate::auth::random_hex(10).map_err(|e| e.to_string())?, mail::domain_of(from));
    let from_box = Mailbox::new(title, from);
    let to_box = Mailbox::new("", to);
    let rendered = message::render(&Message {
        from: &from_box,
        to: &to_box,
        reply_to: None,
        subject: &subject,
        date: clock::now(),
        message_id: &message_id,
        thread_id: None,
        language: lang.code(),
        text: &text,
        html: &html.into_string(),
    })?;
    Relay::from_config(smtp)?.send(from, to, &rendered).map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_an_hour() {
        assert_eq!(backoff(60, 1), 60);
        assert_eq!(backoff(60, 2), 120);
        assert_eq!(backoff(60, 3), 240);
        assert_eq!(backoff(60, 7), 3600);
        assert_eq!(backoff(60, 200), 3600);
        assert_eq!(backoff(1, 3), 4);
        assert_eq!(backoff(7200, 5), 7200);
    }

    #[test]
    fn subjects_and_threads_are_stable_per_ticket() {
        assert_eq!(subject_line("2026-00042", "Drucker", true), "[Ticket 2026-00042] Drucker");
        assert_eq!(subject_line("2026-00042", "Drucker", false), "Re: [Ticket 2026-00042] Drucker");
        assert_eq!(thread_id("2026-00042", "portal.example"), "ticket-2026-00042@portal.example");
    }
}
