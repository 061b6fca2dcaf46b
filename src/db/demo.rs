//! Bulk writes for `ticketd demo`: statements prepared once, ticket rows written with their
//! final counters, all on the caller's transaction. [`Counters`] and [`search_text`] mirror
//! what [`super::tickets::insert`] and [`super::tickets::add_activity`] do, so the result is
//! the same as adding every activity one by one, only much faster.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, Statement};

use super::tickets::{NewActivity, NewTicket};
use crate::error::Result;

/// Settings for the one connection that fills the database. WAL stays; `NORMAL` syncs at
/// checkpoints only, which in WAL mode still cannot corrupt the file; the large page cache
/// keeps the one big transaction from spilling pages into the WAL early.
pub fn tune_for_bulk(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -1000000;",
    )?;
    Ok(())
}

/// Copies the WAL into the database file and truncates it, so the file is complete and small
/// afterwards. A reader that holds the WAL open only makes this a partial checkpoint.
pub fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

fn strings(conn: &Connection, sql: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Customer numbers, names and e-mail addresses in use, so a second run picks new ones.
pub fn customer_keys(conn: &Connection) -> Result<(HashSet<String>, HashSet<String>, HashSet<String>)> {
    Ok((
        strings(conn, "SELECT customer_no FROM customers")?,
        strings(conn, "SELECT name FROM customers")?,
        strings(conn, "SELECT email FROM customers WHERE email <> ''")?,
    ))
}

/// The last number handed out, per year.
pub fn last_seqs(conn: &Connection) -> Result<HashMap<i32, i64>> {
    let mut stmt = conn.prepare("SELECT year, last_seq FROM ticket_sequences")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Moves a year's sequence up to `seq` (never down), so `tickets::next_seq` continues after it.
pub fn raise_last_seq(conn: &Connection, year: i32, seq: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO ticket_sequences (year, last_seq) VALUES (?1, ?2)
         ON CONFLICT (year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
        params![year, seq],
    )?;
    Ok(())
}

/// A ticket row's counters, as `tickets::add_activity` keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counters {
    pub activity_count: i64,
    pub last_activity_at: i64,
    pub last_activity_kind: &'static str,
    pub last_activity_by: String,
    pub minutes: i64,
    pub staff_activity_count: i64,
    pub staff_last_activity_at: i64,
}

impl Counters {
    /// What `tickets::insert` starts a ticket with.
    pub fn new(created_at: i64) -> Counters {
        Counters {
            activity_count: 0,
            last_activity_at: created_at,
            last_activity_kind: "message",
            last_activity_by: String::new(),
            minutes: 0,
            staff_activity_count: 0,
            staff_last_activity_at: created_at,
        }
    }

    /// The two `UPDATE tickets` of `tickets::add_activity`.
    pub fn add(&mut self, a: &NewActivity) {
        self.minutes += a.minutes;
        self.staff_activity_count += 1;
        self.staff_last_activity_at = self.staff_last_activity_at.max(a.created_at);
        if !a.kind.is_internal() {
            self.activity_count += 1;
            self.last_activity_at = a.created_at;
            self.last_activity_kind = a.kind.as_str();
            self.last_activity_by.clear();
            self.last_activity_by.push_str(a.author_name);
        }
    }
}

/// The text `tickets::add_activity` indexes for an activity; `None` when it adds no row.
pub fn search_text(a: &NewActivity) -> Option<String> {
    let text = match a.email_subject {
        Some(s) if !s.is_empty() => format!("{s}\n{}", a.body),
        _ => a.body.to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// Search rows are written in chunks of about this many, in ascending rowid order.
const SEARCH_CHUNK: usize = 20_000;

/// The prepared statements of a bulk fill, on one connection (the caller's transaction).
///
/// Search rows are held back and written per chunk in ascending rowid order: FTS5 flushes its
/// pending index data to a new segment whenever a rowid is lower than the one before, and
/// activity rows have the rowid `-id`, so writing them as they come would flush (and later
/// merge) once per activity. The table's content does not depend on the order. Call
/// [`Writer::finish`] at the end.
pub struct Writer<'c> {
    ticket: Statement<'c>,
    subject: Statement<'c>,
    activity: Statement<'c>,
    search: Statement<'c>,
    /// `(ticket_id, subject)`, in ticket order.
    subjects: Vec<(i64, String)>,
    /// `(rowid, text, ticket_id, internal)`, rowids descending.
    texts: Vec<(i64, String, i64, bool)>,
    /// The rowid of the next subject row.
    next_subject: i64,
    chunk: usize,
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Result<Writer<'c>> {
        Writer::with_chunk(conn, SEARCH_CHUNK)
    }

    /// With search rows written every `chunk` activities (small in tests).
    pub fn with_chunk(conn: &'c Connection, chunk: usize) -> Result<Writer<'c>> {
        Ok(Writer {
            chunk: chunk.max(1),
            ticket: conn.prepare(
                "INSERT INTO tickets (number, customer_id, subject, status, priority, assignee_id, created_at,
                                      created_month, closed_at, activity_count, last_activity_at,
                                      last_activity_kind, last_activity_by, minutes, staff_activity_count,
                                      staff_last_activity_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?,
            subject: conn.prepare("INSERT INTO search (rowid, text, ticket_id, internal) VALUES (?1, ?2, ?3, 0)")?,
            activity: conn.prepare(
                "INSERT INTO activities (ticket_id, kind, internal, author_kind, customer_id, staff_id, author_name,
                                         body, minutes, email_from, email_to, email_subject, old_value, new_value,
                                         created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?,
            search: conn.prepare("INSERT INTO search (rowid, text, ticket_id, internal) VALUES (?1, ?2, ?3, ?4)")?,
            subjects: Vec::new(),
            texts: Vec::new(),
            // What `tickets::insert` gets: the row after the highest, 1 in an empty table.
            next_subject: conn
                .query_row("SELECT max(rowid) FROM search", [], |r| r.get::<_, Option<i64>>(0))?
                .unwrap_or(0)
                .max(0)
                + 1,
        })
    }

    /// A ticket with its final counters (computed with [`Counters`]) and its subject's search
    /// row; its activities follow with [`Writer::activity`].
    pub fn ticket(&mut self, t: &NewTicket, closed_at: Option<i64>, c: &Counters) -> Result<i64> {
        let id = self.ticket.insert(params![
            t.number,
            t.customer_id,
            t.subject,
            t.status.as_str(),
            t.priority.as_str(),
            t.assignee_id,
            t.created_at,
            t.created_month,
            closed_at,
            c.activity_count,
            c.last_activity_at,
            c.last_activity_kind,
            c.last_activity_by,
            c.minutes,
            c.staff_activity_count,
            c.staff_last_activity_at
        ])?;
        self.subjects.push((id, t.subject.to_string()));
        Ok(id)
    }

    /// An activity and its search row; the ticket's counters are the caller's business.
    pub fn activity(&mut self, ticket_id: i64, a: &NewActivity) -> Result<i64> {
        let internal = a.kind.is_internal();
        let id = self.activity.insert(params![
            ticket_id,
            a.kind.as_str(),
            internal,
            a.author_kind.as_str(),
            a.customer_id,
            a.staff_id,
            a.author_name,
            a.body,
            a.minutes,
            a.email_from,
            a.email_to,
            a.email_subject,
            a.old_value,
            a.new_value,
            a.created_at
        ])?;
        if let Some(text) = search_text(a) {
            self.texts.push((-id, text, ticket_id, internal));
            if self.texts.len() >= self.chunk {
                self.write_search()?;
            }
        }
        Ok(id)
    }

    /// Writes the held-back search rows: activities' (negative rowids) lowest first, then the
    /// subjects', numbered on in ticket order as `tickets::insert` numbers them.
    fn write_search(&mut self) -> Result<()> {
        for (rowid, text, ticket_id, internal) in self.texts.drain(..).rev() {
            self.search.execute(params![rowid, text, ticket_id, internal])?;
        }
        for (ticket_id, subject) in self.subjects.drain(..) {
            self.subject.execute(params![self.next_subject, subject, ticket_id])?;
            self.next_subject += 1;
        }
        Ok(())
    }

    /// Writes what is still held back. Without it the last search rows are missing.
    pub fn finish(mut self) -> Result<()> {
        self.write_search()
    }
}
