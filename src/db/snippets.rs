//! Text snippets ("Textbausteine") and the staff's personal signatures (schema 0016).

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::model::Snippet;

const COLS: &str = "n.id, n.owner_id, s.name, n.title, n.body, n.shared";

fn from_row(r: &Row) -> rusqlite::Result<Snippet> {
    Ok(Snippet {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        owner_name: r.get(2)?,
        title: r.get(3)?,
        body: r.get(4)?,
        shared: r.get(5)?,
    })
}

/// What `staff_id` may use: the shared snippets and their own, by title.
pub fn visible(conn: &Connection, staff_id: i64) -> Result<Vec<Snippet>> {
    let sql = format!(
        "SELECT {COLS} FROM snippets n JOIN staff s ON s.id = n.owner_id
         WHERE n.shared = 1 OR n.owner_id = ?1 ORDER BY n.title COLLATE NOCASE, n.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([staff_id], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One snippet if `staff_id` may see it (shared, or their own).
pub fn get_visible(conn: &Connection, staff_id: i64, id: i64) -> Result<Option<Snippet>> {
    let sql = format!(
        "SELECT {COLS} FROM snippets n JOIN staff s ON s.id = n.owner_id
         WHERE n.id = ?1 AND (n.shared = 1 OR n.owner_id = ?2)"
    );
    conn.prepare_cached(&sql)?.query_row([id, staff_id], from_row).optional()
}

pub struct SnippetText<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub shared: bool,
}

pub fn insert(conn: &Connection, owner_id: i64, s: &SnippetText, now: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO snippets (owner_id, title, body, shared, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?
        .insert(params![owner_id, s.title, s.body, s.shared, now])?)
}

pub fn update(conn: &Connection, id: i64, s: &SnippetText, now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE snippets SET title = ?2, body = ?3, shared = ?4, updated_at = ?5 WHERE id = ?1")?
        .execute(params![id, s.title, s.body, s.shared, now])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM snippets WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub fn signature(conn: &Connection, staff_id: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT signature FROM staff WHERE id = ?1")?
        .query_row([staff_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

pub fn set_signature(conn: &Connection, staff_id: i64, text: &str) -> Result<()> {
    conn.prepare_cached("UPDATE staff SET signature = ?2 WHERE id = ?1")?.execute(params![staff_id, text])?;
    Ok(())
}
