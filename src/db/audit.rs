//! The audit log: who did what, written in the same transaction as the deed.

use rusqlite::{params, Connection};

use crate::error::Result;
use crate::model::{AuditQuery, AuditRow};

#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub address: &'a str,
}

impl<'a> Entry<'a> {
    pub fn with_action(&self, action: &'a str) -> Entry<'a> {
        Entry { action, ..*self }
    }
}

pub fn insert(conn: &Connection, e: &Entry, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (created_at, actor, action, target, detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now, e.actor, e.action, e.target, e.detail, e.address],
    )?;
    Ok(())
}

pub fn list(conn: &Connection, q: &AuditQuery) -> Result<(Vec<AuditRow>, i64)> {
    let (from, to) = q.range.unwrap_or((i64::MIN, i64::MAX));
    let filter = "(?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2) AND created_at >= ?3 AND created_at < ?4";
    let total: i64 = super::row(
        conn,
        &format!("SELECT count(*) FROM audit_log WHERE {filter}"),
        params![q.actor, q.action, from, to],
        |r| r.get(0),
    )?;
    let sql = format!(
        "SELECT id, created_at, actor, action, target, detail, address FROM audit_log WHERE {filter}
         ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
        q.limit.max(1),
        q.offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params![q.actor, q.action, from, to], |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                created_at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                detail: r.get(5)?,
                address: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// The distinct actions, for the filter.
pub fn actions(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT action FROM audit_log ORDER BY action")?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How many rows of `action` name `target` since `since`.
pub fn count_for_target(conn: &Connection, action: &str, target: &str, since: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM audit_log WHERE target = ?1 AND action = ?2 AND created_at >= ?3")?
        .query_row(params![target, action, since], |r| r.get(0))?)
}

/// Failed hotline checks (password or call code) of a customer since `since`.
pub fn count_hotline_failures(conn: &Connection, target: &str, since: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM audit_log WHERE target = ?1 AND action IN ('hotline.verify', 'hotline.call_code')
             AND (detail = 'no match' OR detail LIKE 'no match %') AND created_at >= ?2",
        )?
        .query_row(params![target, since], |r| r.get(0))?)
}

/// How many rows of `action` an actor wrote since `since`.
pub fn count_for_actor(conn: &Connection, action: &str, actor: &str, since: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM audit_log WHERE actor = ?1 AND action = ?2 AND created_at >= ?3")?
        .query_row(params![actor, action, since], |r| r.get(0))?)
}

/// When the hotline verified or revealed a customer's password: `(time, action)`, newest first.
pub fn hotline_events(conn: &Connection, customer_no: &str, limit: usize) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT created_at, action FROM audit_log
         WHERE target = ?1 AND action IN ('hotline.verify', 'hotline.call_code', 'hotline.reveal')
         ORDER BY created_at DESC, id DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![customer_no, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
