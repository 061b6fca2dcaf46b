//! Server-side sessions. Only the SHA-256 of the cookie token is stored.

use rusqlite::{params, Connection};

use super::OptionalExt;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub token_hash: Vec<u8>,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    /// The contact of a customer session (`None`: the main account, or staff).
    pub contact_id: Option<i64>,
    pub csrf: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub fn insert(conn: &Connection, s: &SessionRow) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, customer_id, staff_id, csrf, created_at, last_seen_at, contact_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![s.token_hash, s.customer_id, s.staff_id, s.csrf, s.created_at, s.last_seen_at, s.contact_id],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, token_hash: &[u8]) -> Result<Option<SessionRow>> {
    super::row(
        conn,
        "SELECT token_hash, customer_id, staff_id, csrf, created_at, last_seen_at, contact_id
         FROM sessions WHERE token_hash = ?1",
        [token_hash],
        |r| {
            Ok(SessionRow {
                token_hash: r.get(0)?,
                customer_id: r.get(1)?,
                staff_id: r.get(2)?,
                csrf: r.get(3)?,
                created_at: r.get(4)?,
                last_seen_at: r.get(5)?,
                contact_id: r.get(6)?,
            })
        },
    )
    .optional()
}

pub fn touch(conn: &Connection, token_hash: &[u8], now: i64) -> Result<()> {
    conn.execute("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1", params![token_hash, now])?;
    Ok(())
}

pub fn delete(conn: &Connection, token_hash: &[u8]) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

/// Ends every session of a customer's main account except `keep` (the one that changed the
/// password); its contacts' sessions stay (each has its own password).
pub fn delete_customer_sessions(conn: &Connection, customer_id: i64, keep: Option<&[u8]>) -> Result<()> {
    conn.execute(
        "DELETE FROM sessions WHERE customer_id = ?1 AND contact_id IS NULL AND token_hash IS NOT ?2",
        params![customer_id, keep],
    )?;
    Ok(())
}

/// Ends every session of a customer, its contacts' included (the customer was deactivated).
pub fn delete_company_sessions(conn: &Connection, customer_id: i64) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE customer_id = ?1", [customer_id])?;
    Ok(())
}

pub fn delete_staff_sessions(conn: &Connection, staff_id: i64, keep: Option<&[u8]>) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE staff_id = ?1 AND token_hash IS NOT ?2", params![staff_id, keep])?;
    Ok(())
}

pub fn purge_expired(conn: &Connection, idle_before: i64, created_before: i64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2",
        params![idle_before, created_before],
    )?)
}
