//! Webhook events (written by the triggers of the webhooks migration, in the transaction of
//! the change) and their deliveries.

use rusqlite::{params, Connection};

use super::OptionalExt;
use crate::error::Result;
use crate::model::WebhookRow;

/// An event the triggers wrote, not yet turned into deliveries.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub event: String,
    pub internal: bool,
    /// A JSON object.
    pub data: String,
    pub created_at: i64,
}

/// The oldest `limit` events.
pub fn events(conn: &Connection, limit: usize) -> Result<Vec<Event>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, event, internal, data, created_at FROM webhook_events ORDER BY id LIMIT ?1")?;
    let rows = stmt
        .query_map([limit as i64], |r| {
            Ok(Event { id: r.get(0)?, event: r.get(1)?, internal: r.get(2)?, data: r.get(3)?, created_at: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn delete_events_upto(conn: &Connection, id: i64) -> Result<usize> {
    Ok(conn.prepare_cached("DELETE FROM webhook_events WHERE id <= ?1")?.execute([id])?)
}

pub fn insert_delivery(conn: &Connection, event_id: i64, event: &str, url: &str, body: &str, now: i64) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO webhook_deliveries (event_id, event, url, body, next_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![event_id, event, url, body, now])?;
    Ok(conn.last_insert_rowid())
}

/// A delivery taken for sending.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub event_id: i64,
    pub event: String,
    pub url: String,
    pub body: String,
    /// Including this one.
    pub attempts: u32,
}

/// Takes the next due delivery: `sending`, one more attempt. In a write transaction.
pub fn claim_due(conn: &Connection, now: i64) -> Result<Option<Claimed>> {
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET state = 'sending', attempts = attempts + 1
         WHERE id = (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ?1
                     ORDER BY next_at, id LIMIT 1)
         RETURNING id, event_id, event, url, body, attempts",
    )?
    .query_row([now], |r| {
        Ok(Claimed {
            id: r.get(0)?,
            event_id: r.get(1)?,
            event: r.get(2)?,
            url: r.get(3)?,
            body: r.get(4)?,
            attempts: r.get(5)?,
        })
    })
    .optional()
}

/// The earliest time a pending delivery is due.
pub fn next_due(conn: &Connection) -> Result<Option<i64>> {
    Ok(super::row(conn, "SELECT min(next_at) FROM webhook_deliveries WHERE state = 'pending'", [], |r| r.get(0))?)
}

/// Turns the event triggers on or off (off while no `[[webhooks]]` is configured, and during
/// `ticketd demo`); returns what it was.
pub fn set_active(conn: &Connection, active: bool) -> Result<bool> {
    let was: bool = super::row(conn, "SELECT active FROM webhook_switch WHERE id = 1", [], |r| r.get(0))?;
    if was != active {
        conn.execute("UPDATE webhook_switch SET active = ?1 WHERE id = 1", [active])?;
    }
    Ok(was)
}

/// Whether events wait to be turned into deliveries.
pub fn has_events(conn: &Connection) -> Result<bool> {
    Ok(super::row(conn, "SELECT EXISTS (SELECT 1 FROM webhook_events)", [], |r| r.get(0))?)
}

/// After a crash mid-send: back to the queue (the receiver may get it twice; the event id tells).
pub fn release_in_flight(conn: &Connection, now: i64) -> Result<usize> {
    Ok(conn.execute("UPDATE webhook_deliveries SET state = 'pending', next_at = ?1 WHERE state = 'sending'", [now])?)
}

pub fn mark_sent(conn: &Connection, id: i64, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE webhook_deliveries SET state = 'sent', sent_at = ?2, last_error = NULL WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

pub fn mark_retry(conn: &Connection, id: i64, error: &str, next_at: i64) -> Result<()> {
    conn.execute(
        "UPDATE webhook_deliveries SET state = 'pending', last_error = ?2, next_at = ?3 WHERE id = ?1",
        params![id, error, next_at],
    )?;
    Ok(())
}

pub fn mark_failed(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute("UPDATE webhook_deliveries SET state = 'failed', last_error = ?2 WHERE id = ?1", params![id, error])?;
    Ok(())
}

/// An admin sends a failed delivery again: due at once, attempts counted afresh.
pub fn retry(conn: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = ?2 WHERE id = ?1 AND state = 'failed'",
        params![id, now],
    )? == 1)
}

pub fn purge_sent(conn: &Connection, before: i64) -> Result<usize> {
    Ok(conn.execute("DELETE FROM webhook_deliveries WHERE state = 'sent' AND sent_at < ?1", [before])?)
}

/// Newest first: what is not sent yet, then at most `limit` in all.
pub fn list(conn: &Connection, limit: usize) -> Result<Vec<WebhookRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, event_id, event, url, state, attempts, next_at, last_error, created_at FROM webhook_deliveries
         ORDER BY state = 'sent', id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit as i64], |r| {
            Ok(WebhookRow {
                id: r.get(0)?,
                event_id: r.get(1)?,
                event: r.get(2)?,
                url: r.get(3)?,
                state: r.get(4)?,
                attempts: r.get(5)?,
                next_at: r.get(6)?,
                last_error: r.get(7)?,
                created_at: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
