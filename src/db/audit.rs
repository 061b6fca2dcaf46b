//! The audit log: who did what, written in the same transaction as the deed.

use rusqlite::{params, Connection};

use crate::error::Result;

pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub address: &'a str,
}

pub fn insert(conn: &Connection, e: &Entry, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (created_at, actor, action, target, detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now, e.actor, e.action, e.target, e.detail, e.address],
    )?;
    Ok(())
}
