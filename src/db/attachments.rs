//! Attachment metadata and content chunks.

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::model::{Attachment, AuthorKind, Scope};

pub struct NewPending<'a> {
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub uploader_kind: AuthorKind,
    pub uploader_name: &'a str,
    pub created_at: i64,
}

pub fn insert_pending(conn: &Connection, a: &NewPending) -> Result<i64> {
    conn.execute(
        "INSERT INTO attachments (file_name, media_type, uploader_kind, uploader_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![a.file_name, a.media_type, a.uploader_kind.as_str(), a.uploader_name, a.created_at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_chunk(conn: &Connection, attachment_id: i64, seq: i64, data: &[u8]) -> Result<()> {
    conn.prepare_cached("INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?1, ?2, ?3)")?
        .execute(params![attachment_id, seq, data])?;
    Ok(())
}

/// What is known about a file once all of it arrived.
pub struct Received<'a> {
    pub size: u64,
    pub sha256: &'a str,
    pub previewable: bool,
    pub media_type: &'a str,
}

/// Makes a fully received file visible, attached to its activity, in the caller's transaction.
pub fn complete(conn: &Connection, id: i64, ticket_id: i64, activity_id: i64, f: &Received) -> Result<()> {
    conn.execute(
        "UPDATE attachments SET ticket_id = ?2, activity_id = ?3, size = ?4, sha256 = ?5, previewable = ?6,
                media_type = ?7, complete = 1
         WHERE id = ?1 AND complete = 0",
        params![id, ticket_id, activity_id, f.size as i64, f.sha256, f.previewable, f.media_type],
    )?;
    Ok(())
}

/// Removes uploads that never completed (chunks go with them).
pub fn delete_pending(conn: &Connection, ids: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM attachments WHERE id = ?1 AND complete = 0")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

/// At start: whatever was pending when the process stopped is gone for good.
pub fn delete_all_pending(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM attachments WHERE complete = 0", [])?)
}

const COLS: &str = "a.id, a.activity_id, a.file_name, a.media_type, a.size, a.sha256, a.previewable,
                    a.uploader_kind, a.uploader_name, a.created_at";

fn from_row(r: &Row) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        activity_id: r.get(1)?,
        file_name: r.get(2)?,
        media_type: r.get(3)?,
        size: r.get(4)?,
        sha256: r.get(5)?,
        previewable: r.get(6)?,
        uploader_kind: AuthorKind::parse(&r.get::<_, String>(7)?).unwrap_or(AuthorKind::System),
        uploader_name: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// The complete attachments of a ticket a principal may see, oldest first.
pub fn list_for_ticket(conn: &Connection, ticket_id: i64, scope: Scope) -> Result<Vec<Attachment>> {
    let internal = if scope.is_customer() { "AND act.internal = 0" } else { "" };
    let sql = format!(
        "SELECT {COLS} FROM attachments a JOIN activities act ON act.id = a.activity_id
         WHERE a.ticket_id = ?1 AND a.complete = 1 {internal} ORDER BY a.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([ticket_id], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One attachment of a ticket, if the principal may see it.
pub fn get(conn: &Connection, ticket_id: i64, id: i64, scope: Scope) -> Result<Option<Attachment>> {
    let internal = if scope.is_customer() { "AND act.internal = 0" } else { "" };
    let sql = format!(
        "SELECT {COLS} FROM attachments a JOIN activities act ON act.id = a.activity_id
         WHERE a.id = ?1 AND a.ticket_id = ?2 AND a.complete = 1 {internal}"
    );
    super::row(conn, &sql, params![id, ticket_id], from_row).optional()
}

/// The chunk with `seq`, if any.
pub fn chunk(conn: &Connection, attachment_id: i64, seq: i64) -> Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT data FROM attachment_chunks WHERE attachment_id = ?1 AND seq = ?2")?
        .query_row(params![attachment_id, seq], |r| r.get(0))
        .optional()
}
