//! Staff two-factor enrolments and their recovery codes.

use rusqlite::{params, Connection};

use super::OptionalExt;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct TotpRow {
    pub secret: String,
    pub confirmed: bool,
    pub last_step: i64,
}

pub fn get(conn: &Connection, staff_id: i64) -> Result<Option<TotpRow>> {
    super::row(
        conn,
        "SELECT secret, confirmed_at IS NOT NULL, last_step FROM staff_totp WHERE staff_id = ?1",
        [staff_id],
        |r| Ok(TotpRow { secret: r.get(0)?, confirmed: r.get(1)?, last_step: r.get(2)? }),
    )
    .optional()
}

/// A pending (unconfirmed) enrolment with `secret`.
pub fn insert_pending(conn: &Connection, staff_id: i64, secret: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO staff_totp (staff_id, secret, created_at) VALUES (?1, ?2, ?3)",
        params![staff_id, secret, now],
    )?;
    Ok(())
}

pub fn confirm(conn: &Connection, staff_id: i64, step: i64, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE staff_totp SET confirmed_at = ?2, last_step = ?3 WHERE staff_id = ?1",
        params![staff_id, now, step],
    )?;
    Ok(())
}

/// Records `step` as used; false when it (or a later one) already was.
pub fn use_step(conn: &Connection, staff_id: i64, step: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE staff_totp SET last_step = ?2 WHERE staff_id = ?1 AND last_step < ?2",
        params![staff_id, step],
    )?;
    Ok(n == 1)
}

/// Removes the enrolment and its recovery codes; false when there was none.
pub fn delete(conn: &Connection, staff_id: i64) -> Result<bool> {
    conn.execute("DELETE FROM staff_recovery_codes WHERE staff_id = ?1", [staff_id])?;
    Ok(conn.execute("DELETE FROM staff_totp WHERE staff_id = ?1", [staff_id])? == 1)
}

pub fn replace_recovery_codes(conn: &Connection, staff_id: i64, hashes: &[Vec<u8>]) -> Result<()> {
    conn.execute("DELETE FROM staff_recovery_codes WHERE staff_id = ?1", [staff_id])?;
    let mut stmt = conn.prepare("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?1, ?2)")?;
    for h in hashes {
        stmt.execute(params![staff_id, h])?;
    }
    Ok(())
}

/// Marks an unused recovery code used; false when there is no such unused code.
pub fn use_recovery_code(conn: &Connection, staff_id: i64, hash: &[u8], now: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE staff_recovery_codes SET used_at = ?3 WHERE staff_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        params![staff_id, hash, now],
    )?;
    Ok(n == 1)
}
