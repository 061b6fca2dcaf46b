//! The e-mail outbox, the notification switches of customers and staff, and the facts about an
//! activity that decide who is told about it.

use rusqlite::{params, Connection};

use super::OptionalExt;
use crate::error::Result;
use crate::i18n::Lang;
use crate::model::{ActivityKind, AuthorKind, MailState, OutboxRow};

// ------------------------------------------------------------------------------ who and what

/// What a notification needs to know about an activity and its ticket.
#[derive(Debug, Clone)]
pub struct ActivityFacts {
    pub activity_id: i64,
    pub ticket_id: i64,
    pub number: String,
    pub subject: String,
    pub customer_id: i64,
    pub assignee_id: Option<i64>,
    pub kind: ActivityKind,
    pub internal: bool,
    pub author_kind: AuthorKind,
    pub author_name: String,
    pub staff_id: Option<i64>,
    pub body: String,
    pub new_value: Option<String>,
    /// The ticket's first activity: the ticket was just opened.
    pub first: bool,
}

pub fn activity_facts(conn: &Connection, activity_id: i64) -> Result<Option<ActivityFacts>> {
    conn.prepare_cached(
        "SELECT t.id, t.number, t.subject, t.customer_id, t.assignee_id, a.kind, a.internal, a.author_kind,
                a.author_name, a.staff_id, a.body, a.new_value,
                a.id = (SELECT min(f.id) FROM activities f WHERE f.ticket_id = t.id)
         FROM activities a JOIN tickets t ON t.id = a.ticket_id WHERE a.id = ?1",
    )?
    .query_row([activity_id], |r| {
        Ok(ActivityFacts {
            activity_id,
            ticket_id: r.get(0)?,
            number: r.get(1)?,
            subject: r.get(2)?,
            customer_id: r.get(3)?,
            assignee_id: r.get(4)?,
            kind: ActivityKind::parse(&r.get::<_, String>(5)?).unwrap_or(ActivityKind::InternalNote),
            internal: r.get(6)?,
            author_kind: AuthorKind::parse(&r.get::<_, String>(7)?).unwrap_or(AuthorKind::System),
            author_name: r.get(8)?,
            staff_id: r.get(9)?,
            body: r.get(10)?,
            new_value: r.get(11)?,
            first: r.get(12)?,
        })
    })
    .optional()
}

/// Someone who may get a mail.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub language: Option<Lang>,
}

fn recipient(r: &rusqlite::Row) -> rusqlite::Result<Recipient> {
    Ok(Recipient {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        language: r.get::<_, Option<String>>(3)?.and_then(|l| Lang::parse(&l)),
    })
}

/// The customer, when active, switched on and with an address.
pub fn customer_recipient(conn: &Connection, customer_id: i64) -> Result<Option<Recipient>> {
    conn.prepare_cached(
        "SELECT id, name, email, language FROM customers
         WHERE id = ?1 AND active = 1 AND notify = 1 AND email <> ''",
    )?
    .query_row([customer_id], recipient)
    .optional()
}

/// The contacts on a ticket who hear about it: its opener and the colleagues added to it, each
/// when active, switched on and with an address (`id` is the contact's).
pub fn contact_recipients(conn: &Connection, ticket_id: i64) -> Result<Vec<Recipient>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.email, c.language FROM contacts c
         WHERE (c.id = (SELECT contact_id FROM tickets WHERE id = ?1)
                OR c.id IN (SELECT contact_id FROM ticket_people WHERE ticket_id = ?1))
           AND c.active = 1 AND c.notify = 1 AND c.email <> ''
         ORDER BY c.id",
    )?;
    let rows = stmt.query_map([ticket_id], recipient)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Marks a queued mail as one to a customer's contact (`outbox.contact_id`).
pub fn set_contact(conn: &Connection, mail_id: i64, contact_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET contact_id = ?2 WHERE id = ?1")?.execute(params![mail_id, contact_id])?;
    Ok(())
}

/// Staff to tell about a customer's activity: the assignee (if still active), else every
/// active staff member; always only those switched on and with an address.
pub fn staff_recipients(conn: &Connection, assignee_id: Option<i64>) -> Result<Vec<Recipient>> {
    let assignee_active = match assignee_id {
        Some(id) => conn
            .prepare_cached("SELECT 1 FROM staff WHERE id = ?1 AND active = 1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some(),
        None => false,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, language FROM staff
         WHERE active = 1 AND notify = 1 AND email <> '' AND (?1 IS NULL OR id = ?1) ORDER BY id",
    )?;
    let only = if assignee_active { assignee_id } else { None };
    let rows = stmt.query_map([only], recipient)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn customer_notify(conn: &Connection, customer_id: i64) -> Result<bool> {
    Ok(super::row(conn, "SELECT notify FROM customers WHERE id = ?1", [customer_id], |r| r.get(0))?)
}

pub fn set_customer_notify(conn: &Connection, customer_id: i64, on: bool) -> Result<()> {
    conn.execute("UPDATE customers SET notify = ?2 WHERE id = ?1", params![customer_id, on])?;
    Ok(())
}

pub fn staff_notify(conn: &Connection, staff_id: i64) -> Result<bool> {
    Ok(super::row(conn, "SELECT notify FROM staff WHERE id = ?1", [staff_id], |r| r.get(0))?)
}

pub fn set_staff_notify(conn: &Connection, staff_id: i64, on: bool) -> Result<()> {
    conn.execute("UPDATE staff SET notify = ?2 WHERE id = ?1", params![staff_id, on])?;
    Ok(())
}

// ------------------------------------------------------------------------------ the outbox

pub struct NewMail<'a> {
    pub ticket_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub message_id: &'a str,
    pub message: &'a str,
    /// `Failed` with an error for a mail that can never go out (an undeliverable address).
    pub state: MailState,
    pub last_error: Option<&'a str>,
}

pub fn insert(conn: &Connection, m: &NewMail, now: i64) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO outbox (created_at, ticket_id, activity_id, customer_id, staff_id, recipient, subject,
                             message_id, message, state, next_attempt_at, last_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?11)",
    )?
    .execute(params![
        now,
        m.ticket_id,
        m.activity_id,
        m.customer_id,
        m.staff_id,
        m.recipient,
        m.subject,
        m.message_id,
        m.message,
        m.state.as_str(),
        m.last_error
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A mail taken for delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub message: String,
    /// Including this one.
    pub attempts: u32,
}

/// Takes the next due mail: marks it `sending` and counts the attempt. Run in a write
/// transaction, so two senders can never take the same row.
pub fn claim_due(conn: &Connection, now: i64) -> Result<Option<Claimed>> {
    conn.prepare_cached(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1
         WHERE id = (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, id LIMIT 1)
         RETURNING id, recipient, message, attempts",
    )?
    .query_row([now], |r| Ok(Claimed { id: r.get(0)?, recipient: r.get(1)?, message: r.get(2)?, attempts: r.get(3)? }))
    .optional()
}

/// The next time a pending mail is due, if any.
pub fn next_due(conn: &Connection) -> Result<Option<i64>> {
    Ok(super::row(conn, "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?)
}

/// After a crash or a stop mid-send: what was being sent goes back to the queue (it may have
/// reached the relay; that one mail may arrive twice).
pub fn release_in_flight(conn: &Connection, now: i64) -> Result<usize> {
    Ok(conn.execute("UPDATE outbox SET state = 'pending', next_attempt_at = ?1 WHERE state = 'sending'", [now])?)
}

pub fn mark_sent(conn: &Connection, id: i64, reply: &str, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?2, relay_reply = ?3, last_error = NULL WHERE id = ?1",
        params![id, now, reply],
    )?;
    Ok(())
}

/// Back to the queue for another attempt at `next_at`.
pub fn mark_retry(conn: &Connection, id: i64, error: &str, next_at: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'pending', last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
        params![id, error, next_at],
    )?;
    Ok(())
}

pub fn mark_failed(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute("UPDATE outbox SET state = 'failed', last_error = ?2 WHERE id = ?1", params![id, error])?;
    Ok(())
}

/// An admin's retry of a failed mail: due at once, with a fresh count of attempts.
pub fn retry(conn: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2 WHERE id = ?1 AND state = 'failed'",
        params![id, now],
    )? == 1)
}

/// Sent mails are kept for a while for the admin list, then dropped.
pub fn purge_sent(conn: &Connection, before: i64) -> Result<usize> {
    Ok(conn.execute("DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?1", [before])?)
}

/// Newest first, optionally one state only; with the total for paging.
pub fn list(conn: &Connection, state: Option<MailState>, limit: usize, offset: usize) -> Result<(Vec<OutboxRow>, i64)> {
    let st = state.map(MailState::as_str);
    let total: i64 =
        super::row(conn, "SELECT count(*) FROM outbox WHERE ?1 IS NULL OR state = ?1", [st], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.created_at, t.number, o.recipient, o.subject, o.state, o.attempts, o.next_attempt_at,
                o.last_error, o.relay_reply, o.sent_at
         FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id
         WHERE ?1 IS NULL OR o.state = ?1
         ORDER BY o.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt
        .query_map(params![st, limit as i64, offset as i64], |r| {
            Ok(OutboxRow {
                id: r.get(0)?,
                created_at: r.get(1)?,
                number: r.get(2)?,
                recipient: r.get(3)?,
                subject: r.get(4)?,
                state: MailState::parse(&r.get::<_, String>(5)?).unwrap_or(MailState::Failed),
                attempts: r.get(6)?,
                next_attempt_at: r.get(7)?,
                last_error: r.get(8)?,
                relay_reply: r.get(9)?,
                sent_at: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// Mails per state, every state listed.
pub fn counts(conn: &Connection) -> Result<Vec<(MailState, i64)>> {
    let mut stmt = conn.prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
    let found: Vec<(String, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(MailState::ALL
        .iter()
        .map(|s| (*s, found.iter().find(|(k, _)| k == s.as_str()).map(|(_, n)| *n).unwrap_or(0)))
        .collect())
}
