//! Configuration keys set in the browser (`config_overrides`), see `app::settings`.

use rusqlite::{params, Connection};

use crate::error::Result;

/// One stored override: the key's value as text, and a file's bytes for the logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub key: String,
    pub value: String,
    pub data: Option<Vec<u8>>,
}

pub fn list(conn: &Connection) -> Result<Vec<Override>> {
    let mut stmt = conn.prepare_cached("SELECT key, value, data FROM config_overrides ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok(Override { key: r.get(0)?, value: r.get(1)?, data: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn set(conn: &Connection, o: &Override, now: i64, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO config_overrides (key, value, data, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, data = excluded.data,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![o.key, o.value, o.data, now, by],
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM config_overrides WHERE key = ?1", [key])? > 0)
}

/// Tickets whose custom field `key` holds `value` (a select option about to be removed).
pub fn count_field_value(conn: &Connection, key: &str, value: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM ticket_fields WHERE key = ?1 AND value = ?2",
        params![key, value],
        |r| r.get(0),
    )?)
}
