//! Hotline call codes: one row per customer and person (contact_id 0 = main account), the
//! hash of the live code.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// Stores a fresh code for the customer's person (`contact_id` 0: the main account), replacing
/// (and so invalidating) that person's previous one.
pub fn replace(
    conn: &Connection,
    customer_id: i64,
    contact_id: i64,
    code_hash: &[u8],
    now: i64,
    expires_at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO call_codes (customer_id, code_hash, created_at, expires_at, used_at, contact_id)
         VALUES (?1, ?2, ?3, ?4, NULL, ?5)
         ON CONFLICT (customer_id, contact_id) DO UPDATE SET
             code_hash = excluded.code_hash, created_at = excluded.created_at,
             expires_at = excluded.expires_at, used_at = NULL",
    )?
    .execute(params![customer_id, code_hash, now, expires_at, contact_id])?;
    Ok(())
}

/// The hash of the person's live code: unused and not expired at `now`.
pub fn live(conn: &Connection, customer_id: i64, contact_id: i64, now: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached(
            "SELECT code_hash FROM call_codes
             WHERE customer_id = ?1 AND contact_id = ?3 AND used_at IS NULL AND expires_at > ?2",
        )?
        .query_row(params![customer_id, now, contact_id], |r| r.get(0))
        .optional()?)
}

/// Uses the person's code up: it is accepted once.
pub fn mark_used(conn: &Connection, customer_id: i64, contact_id: i64, now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE call_codes SET used_at = ?2 WHERE customer_id = ?1 AND contact_id = ?3")?
        .execute(params![customer_id, now, contact_id])?;
    Ok(())
}
