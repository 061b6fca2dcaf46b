//! Per-installation values kept in the database (`settings`).

use rusqlite::{params, Connection};

use crate::error::Result;

/// The value stored under `name`, storing `fresh` first when there is none yet: the first
/// writer wins, and every later call returns its value.
pub fn get_or_insert(conn: &Connection, name: &str, fresh: &str) -> Result<String> {
    conn.execute("INSERT OR IGNORE INTO settings (name, value) VALUES (?1, ?2)", params![name, fresh])?;
    Ok(conn.query_row("SELECT value FROM settings WHERE name = ?1", [name], |r| r.get(0))?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT value FROM settings WHERE name = ?1")?;
    let mut rows = stmt.query([name])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get(0)?),
        None => None,
    })
}

pub fn set(conn: &Connection, name: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}
