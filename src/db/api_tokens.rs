//! API tokens (schema: `api_tokens`). Only the SHA-256 of a token is stored.

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::model::{ApiScope, ApiToken};

pub struct NewToken<'a> {
    pub name: &'a str,
    pub hash: &'a [u8],
    pub scopes: &'a [ApiScope],
    pub expires_at: Option<i64>,
    pub created_by: i64,
}

const COLS: &str = "a.id, a.name, a.scopes, a.expires_at, a.created_by, coalesce(s.name, ''), a.created_at,
                    a.last_used_at, a.revoked_at";

fn from_row(r: &Row) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        name: r.get(1)?,
        scopes: ApiScope::parse_list(&r.get::<_, String>(2)?),
        expires_at: r.get(3)?,
        created_by: r.get(4)?,
        created_by_name: r.get(5)?,
        created_at: r.get(6)?,
        last_used_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

pub fn insert(conn: &Connection, t: &NewToken, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO api_tokens (name, token_hash, scopes, expires_at, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![t.name, t.hash, ApiScope::join(t.scopes), t.expires_at, t.created_by, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every token, newest first (revoked ones too: the list is the record of what existed).
pub fn list(conn: &Connection) -> Result<Vec<ApiToken>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM api_tokens a LEFT JOIN staff s ON s.id = a.created_by ORDER BY a.id DESC"
    ))?;
    let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<ApiToken>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} FROM api_tokens a LEFT JOIN staff s ON s.id = a.created_by WHERE a.id = ?1"
    ))?
    .query_row([id], from_row)
    .optional()
}

pub fn by_hash(conn: &Connection, hash: &[u8]) -> Result<Option<ApiToken>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} FROM api_tokens a LEFT JOIN staff s ON s.id = a.created_by WHERE a.token_hash = ?1"
    ))?
    .query_row([hash], from_row)
    .optional()
}

/// Another token not revoked has this name (names tell tokens apart in the audit log).
pub fn name_in_use(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM api_tokens WHERE name = ?1 AND revoked_at IS NULL")?
        .query_row([name], |_| Ok(()))
        .optional()?
        .is_some())
}

/// `true` when the token was live and is revoked now.
pub fn revoke(conn: &Connection, id: i64, now: i64) -> Result<bool> {
    Ok(conn.execute("UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", params![id, now])?
        == 1)
}

pub fn touch(conn: &Connection, id: i64, now: i64) -> Result<()> {
    conn.execute("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}
