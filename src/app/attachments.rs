//! Attachments: receiving files as a stream of chunk rows, attaching them to an activity in the
//! use-case's transaction, and reading them back as a stream.
//!
//! An upload writes each chunk in its own short transaction, so a 150 MB file never sits in
//! memory. Until the use-case commits, the rows are `complete = 0` and invisible; if anything
//! fails, [`Uploader`]'s drop removes them, and whatever a crash left behind is removed at start.

use std::io::Read;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::clock;
use crate::db::attachments as adb;
use crate::db::tickets as tdb;
use crate::db::{self};
use crate::error::{Error, Result};
use crate::i18n::m;
use crate::model::{clean_file_name, sniff_raster_image, Attachment, AuthorKind, Scope, TicketNo};

/// Bytes per chunk row.
pub const CHUNK: usize = 256 * 1024;

/// A file that arrived completely but is not yet attached to anything.
#[derive(Debug, Clone)]
pub struct PendingFile {
    pub id: i64,
    /// The cleaned name as stored (the multipart fuzz target checks it is clean).
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub previewable: bool,
}

/// One file being received.
pub struct Receiving {
    id: i64,
    seq: i64,
    size: u64,
    hasher: Sha256,
    head: Vec<u8>,
    name: String,
    declared_type: String,
}

/// Receives the files of one request.
pub struct Uploader<'a> {
    app: &'a App,
    kind: AuthorKind,
    name: String,
    files: Vec<PendingFile>,
    pending: Vec<i64>,
    kept: bool,
}

/// A declared media type we store: `type/subtype` of token characters, else octet-stream.
pub(crate) fn clean_media_type(declared: &str) -> String {
    let t = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty() && s.len() <= 100 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match t.split_once('/') {
        Some((a, b)) if token(a) && token(b) => t,
        _ => "application/octet-stream".to_string(),
    }
}

impl<'a> Uploader<'a> {
    pub fn new(app: &'a App, kind: AuthorKind, name: &str) -> Uploader<'a> {
        Uploader { app, kind, name: name.to_string(), files: Vec::new(), pending: Vec::new(), kept: false }
    }

    pub fn begin(&mut self, raw_name: &str, declared_type: &str) -> Result<Receiving> {
        let name = clean_file_name(raw_name);
        let declared_type = clean_media_type(declared_type);
        let mut conn = self.app.conn()?;
        let id = db::write(&mut conn, |tx| {
            adb::insert_pending(
                tx,
                &adb::NewPending {
                    file_name: &name,
                    media_type: &declared_type,
                    uploader_kind: self.kind,
                    uploader_name: &self.name,
                    created_at: clock::now(),
                },
            )
        })?;
        self.pending.push(id);
        Ok(Receiving { id, seq: 0, size: 0, hasher: Sha256::new(), head: Vec::new(), name, declared_type })
    }

    /// Stores one chunk (at most [`CHUNK`] bytes) in its own transaction.
    pub fn write(&mut self, r: &mut Receiving, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if r.head.len() < 16 {
            let need = 16 - r.head.len();
            r.head.extend_from_slice(&data[..need.min(data.len())]);
        }
        r.hasher.update(data);
        r.size += data.len() as u64;
        let mut conn = self.app.conn()?;
        db::write(&mut conn, |tx| adb::insert_chunk(tx, r.id, r.seq, data))?;
        r.seq += 1;
        Ok(())
    }

    pub fn size_of(r: &Receiving) -> u64 {
        r.size
    }

    pub fn finish(&mut self, r: Receiving) {
        let sniffed = sniff_raster_image(&r.head);
        let (media_type, previewable) = match sniffed {
            Some(t) => (t.to_string(), true),
            None => (r.declared_type, false),
        };
        let sha256 = format!("{:x}", r.hasher.finalize());
        self.files.push(PendingFile { id: r.id, name: r.name, media_type, size: r.size, sha256, previewable });
    }

    pub fn files(&self) -> &[PendingFile] {
        &self.files
    }

    /// The use-case committed: the files are attached and must stay.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Uploader<'_> {
    fn drop(&mut self) {
        if self.kept || self.pending.is_empty() {
            return;
        }
        // Best effort: what cannot be removed now is removed at the next start.
        if let Ok(mut conn) = self.app.conn() {
            let _ = db::write(&mut conn, |tx| adb::delete_pending(tx, &self.pending));
        }
    }
}

/// Attaches received files to an activity, in the caller's transaction.
pub fn attach_all(tx: &Connection, ticket_id: i64, activity_id: i64, files: &[PendingFile]) -> Result<()> {
    for f in files {
        let received =
            adb::Received { size: f.size, sha256: &f.sha256, previewable: f.previewable, media_type: &f.media_type };
        adb::complete(tx, f.id, ticket_id, activity_id, &received)?;
    }
    Ok(())
}

/// Removes what an earlier run left half-uploaded.
pub fn cleanup_pending(app: &App) -> Result<usize> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| adb::delete_all_pending(tx))
}

/// A download: the metadata and a reader over the requested byte range.
pub struct Download {
    pub attachment: Attachment,
    pub reader: ChunkReader,
    /// `[start, end]` inclusive when a range was served.
    pub range: Option<(u64, u64)>,
}

/// Opens an attachment of a ticket for reading, if the principal may see it.
pub fn open(app: &App, scope: Scope, number: &str, id: i64, range: Option<(u64, Option<u64>)>) -> Result<Download> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let conn = app.conn()?;
    let ticket = tdb::get(&conn, number, scope)?.ok_or(Error::NotFound)?;
    let a = adb::get(&conn, ticket.summary.id, id, scope)?.ok_or(Error::NotFound)?;
    drop(conn);
    let size = a.size.max(0) as u64;
    let range = match range {
        None => None,
        Some((start, end)) => {
            let end = end.unwrap_or(size.saturating_sub(1)).min(size.saturating_sub(1));
            if start >= size || start > end {
                return Err(Error::RangeNotSatisfiable(size));
            }
            Some((start, end))
        }
    };
    let (start, len) = match range {
        Some((s, e)) => (s, e - s + 1),
        None => (0, size),
    };
    // Its own connection: the reader lives as long as the response body.
    let conn = db::open(app.pool.path())?;
    let reader = ChunkReader {
        conn,
        attachment_id: a.id,
        seq: (start / CHUNK as u64) as i64,
        skip: (start % CHUNK as u64) as usize,
        buf: Vec::new(),
        pos: 0,
        remaining: len,
    };
    Ok(Download { attachment: a, reader, range })
}

/// A reader over a whole attachment with its own connection (for archives built while sent).
pub fn reader(db_path: &std::path::Path, attachment_id: i64, size: u64) -> Result<ChunkReader> {
    let conn = db::open(db_path)?;
    Ok(ChunkReader { conn, attachment_id, seq: 0, skip: 0, buf: Vec::new(), pos: 0, remaining: size })
}

/// Streams chunk rows, one at a time.
pub struct ChunkReader {
    conn: Connection,
    attachment_id: i64,
    seq: i64,
    skip: usize,
    buf: Vec<u8>,
    pos: usize,
    remaining: u64,
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.remaining == 0 || out.is_empty() {
            return Ok(0);
        }
        if self.pos >= self.buf.len() {
            let chunk = adb::chunk(&self.conn, self.attachment_id, self.seq)
                .map_err(|e| std::io::Error::other(e.to_string()))?
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "attachment chunk missing"))?;
            self.seq += 1;
            self.buf = chunk;
            self.pos = std::mem::take(&mut self.skip).min(self.buf.len());
            if self.pos >= self.buf.len() {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "attachment chunk empty"));
            }
        }
        let n = out.len().min(self.buf.len() - self.pos).min(self.remaining.min(usize::MAX as u64) as usize);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// The message for a file over the per-file limit.
pub fn too_large() -> Error {
    Error::TooLarge(m::ERR_FILE_TOO_LARGE)
}

#[cfg(test)]
mod tests {
    use super::clean_media_type;

    #[test]
    fn media_types_are_tokens_or_octet_stream() {
        assert_eq!(clean_media_type("image/PNG"), "image/png");
        assert_eq!(clean_media_type("text/html; charset=utf-8"), "text/html");
        assert_eq!(clean_media_type("text/html\r\nX-Evil: 1"), "application/octet-stream");
        assert_eq!(clean_media_type(""), "application/octet-stream");
    }
}
