//! Mail in: held mails, the keys of messages taken in (duplicates, the per-sender limit), and
//! the lookups routing needs (a sender's customer or contact, the ticket a message refers to).

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::i18n::Lang;
use crate::model::{HeldMail, MailSender};

// ------------------------------------------------------------------------------ taken in

/// Was a message with this key taken in before?
pub fn seen(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM inbound_seen WHERE key = ?1")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Notes a message as taken in; `outcome` is `reply`, `new` or `held`.
pub fn mark_seen(conn: &Connection, key: &str, sender: &str, outcome: &str, now: i64) -> Result<()> {
    conn.prepare_cached("INSERT INTO inbound_seen (key, received_at, sender, outcome) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![key, now, sender, outcome])?;
    Ok(())
}

/// Messages from `sender` imported (not held) since `since`.
pub fn imported_since(conn: &Connection, sender: &str, since: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM inbound_seen WHERE sender = ?1 AND received_at >= ?2 AND outcome <> 'held'",
        )?
        .query_row(params![sender, since], |r| r.get(0))?)
}

// ------------------------------------------------------------------------------ routing lookups

/// Whose address this is: an active customer's main account or active contact; `None` for
/// an unknown or inactive address.
pub fn sender(conn: &Connection, email: &str) -> Result<Option<MailSender>> {
    let lang = |l: Option<String>| l.as_deref().and_then(Lang::parse);
    let by_customer = conn
        .prepare_cached("SELECT id, name, language FROM customers WHERE email = ?1 AND email <> '' AND active = 1")?
        .query_row([email], |r| {
            Ok(MailSender { customer_id: r.get(0)?, contact_id: None, name: r.get(1)?, language: lang(r.get(2)?) })
        })
        .optional()?;
    if by_customer.is_some() {
        return Ok(by_customer);
    }
    conn.prepare_cached(
        "SELECT k.customer_id, k.id, k.name, k.language FROM contacts k JOIN customers c ON c.id = k.customer_id
         WHERE k.email = ?1 AND k.active = 1 AND c.active = 1",
    )?
    .query_row([email], |r| {
        Ok(MailSender {
            customer_id: r.get(0)?,
            contact_id: Some(r.get(1)?),
            name: r.get(2)?,
            language: lang(r.get(3)?),
        })
    })
    .optional()
}

/// The ticket number of a mail we sent with this `Message-ID`.
pub fn ticket_of_sent(conn: &Connection, message_id: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT t.number FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE o.message_id = ?1")?
        .query_row([message_id], |r| r.get(0))
        .optional()
}

/// Records the contact who wrote an activity or opened a ticket (`contact_id`, schema 0014).
pub fn set_activity_contact(conn: &Connection, activity_id: i64, contact_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE activities SET contact_id = ?2 WHERE id = ?1")?
        .execute(params![activity_id, contact_id])?;
    Ok(())
}

pub fn set_ticket_contact(conn: &Connection, ticket_id: i64, contact_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE tickets SET contact_id = ?2 WHERE id = ?1")?.execute(params![ticket_id, contact_id])?;
    Ok(())
}

/// A contact as a mail recipient: `(name, email, language)` when active, switched on and
/// with an address.
pub fn contact_recipient(conn: &Connection, contact_id: i64) -> Result<Option<(String, String, Option<String>)>> {
    conn.prepare_cached(
        "SELECT name, email, language FROM contacts WHERE id = ?1 AND active = 1 AND notify = 1 AND email <> ''",
    )?
    .query_row([contact_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

// ------------------------------------------------------------------------------ held mail

pub struct NewHeld<'a> {
    pub from_addr: &'a str,
    pub from_name: &'a str,
    pub subject: &'a str,
    pub reason: &'a str,
    pub preview: &'a str,
    pub raw: &'a [u8],
}

pub fn hold(conn: &Connection, h: &NewHeld, now: i64) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO inbound_held (received_at, from_addr, from_name, subject, reason, preview, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![now, h.from_addr, h.from_name, h.subject, h.reason, h.preview, h.raw])?;
    Ok(conn.last_insert_rowid())
}

const HELD_COLS: &str = "id, received_at, from_addr, from_name, subject, reason, preview";

fn held_from_row(r: &Row) -> rusqlite::Result<HeldMail> {
    Ok(HeldMail {
        id: r.get(0)?,
        received_at: r.get(1)?,
        from_addr: r.get(2)?,
        from_name: r.get(3)?,
        subject: r.get(4)?,
        reason: r.get(5)?,
        preview: r.get(6)?,
    })
}

/// Held mails, newest first, and how many there are.
pub fn held_list(conn: &Connection, limit: usize, offset: usize) -> Result<(Vec<HeldMail>, i64)> {
    let total: i64 = super::row(conn, "SELECT count(*) FROM inbound_held", [], |r| r.get(0))?;
    let sql = format!("SELECT {HELD_COLS} FROM inbound_held ORDER BY received_at DESC, id DESC LIMIT ?1 OFFSET ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![limit as i64, offset as i64], held_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// One held mail with its raw text.
pub fn held_get(conn: &Connection, id: i64) -> Result<Option<(HeldMail, Vec<u8>)>> {
    let sql = format!("SELECT {HELD_COLS}, raw FROM inbound_held WHERE id = ?1");
    conn.prepare_cached(&sql)?.query_row([id], |r| Ok((held_from_row(r)?, r.get(7)?))).optional()
}

/// Removes a held mail; `false` when there was none.
pub fn held_delete(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.prepare_cached("DELETE FROM inbound_held WHERE id = ?1")?.execute([id])? > 0)
}

/// Removes held mails received before `before`, and keys of messages taken in before
/// `seen_before`; returns how many held mails went.
pub fn purge(conn: &Connection, before: i64, seen_before: i64) -> Result<usize> {
    let n = conn.prepare_cached("DELETE FROM inbound_held WHERE received_at < ?1")?.execute([before])?;
    conn.prepare_cached("DELETE FROM inbound_seen WHERE received_at < ?1")?.execute([seen_before])?;
    Ok(n)
}
