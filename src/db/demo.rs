//! Bulk writes for `ticketd demo`, all on the caller's transaction: each ticket row is written
//! once with its final counters, computed by the same [`Counters::add`] that
//! [`super::tickets::add_activity`] applies, and its rows go through the same inserts, so the
//! result is the same as adding every activity one by one, only much faster.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection};

use super::tickets::{self, Counters, NewActivity, NewTicket};
use super::OptionalExt;
use crate::error::Result;

/// Settings for the one connection that fills the database: a large page cache, so the one
/// big transaction does not spill pages early, and — when this is the only connection to the
/// file — a rollback journal instead of the WAL for the fill. In WAL mode every new page was
/// written twice (2.3 GB into the WAL, then 3 GB by the checkpoint, at a million tickets); with
/// a rollback journal the pages the file did not have yet go straight into it and only pages
/// that existed before are journaled (`synchronous = FULL`, so a crash mid-fill loses the fill,
/// never data that was there). With other connections open (a running server) the switch is
/// refused and the fill goes through the WAL as before (`NORMAL`: synced at checkpoints, which
/// in WAL mode cannot corrupt the file). Returns whether the journal was switched, for
/// [`finish_bulk`].
pub fn tune_for_bulk(conn: &Connection) -> Result<bool> {
    // Another connection holding the file makes the switch fail at once (no busy wait): the
    // fill then stays in WAL mode.
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0));
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    let switched = mode.is_ok_and(|m| !m.eq_ignore_ascii_case("wal"));
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {};
         PRAGMA cache_size = -1000000;",
        if switched { "FULL" } else { "NORMAL" }
    ))?;
    Ok(switched)
}

/// After the fill: back to WAL, as every connection of the server opens the file; or, had the
/// fill gone through the WAL, its content copied into the file and the WAL truncated, so the
/// file is complete and small (a reader holding the WAL open makes that a partial checkpoint).
pub fn finish_bulk(conn: &Connection, switched: bool) -> Result<()> {
    if switched {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(crate::error::Error::Internal(format!(
                "database refused WAL mode after the demo fill (got {mode})"
            )));
        }
    } else {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

fn strings(conn: &Connection, sql: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Customer numbers, names and e-mail addresses in use, so a second run picks new ones.
pub struct CustomerKeys {
    pub numbers: HashSet<String>,
    pub names: HashSet<String>,
    pub emails: HashSet<String>,
}

pub fn customer_keys(conn: &Connection) -> Result<CustomerKeys> {
    Ok(CustomerKeys {
        numbers: strings(conn, "SELECT customer_no FROM customers")?,
        names: strings(conn, "SELECT name FROM customers")?,
        emails: strings(conn, "SELECT email FROM customers WHERE email <> ''")?,
    })
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

/// Search rows are written in chunks of about this many, in ascending rowid order.
const SEARCH_CHUNK: usize = 20_000;

/// Writes tickets with their activities, on one connection (the caller's transaction).
///
/// Search rows are held back and written per chunk in ascending rowid order: FTS5 flushes its
/// pending index data to a new segment whenever a rowid is lower than the one before, and
/// activity rows have the rowid `-id`, so writing them as they come would flush (and later
/// merge) once per activity. The table's content does not depend on the order. Call
/// [`Writer::finish`] at the end.
pub struct Writer<'c> {
    conn: &'c Connection,
    /// `(ticket_id, subject)`, in ticket order.
    subjects: Vec<(i64, String)>,
    /// Activities' search rows, rowids descending.
    texts: Vec<HeldText>,
    chunk: usize,
    /// The last webhook event before the bulk write: the demo's own events are dropped at
    /// `finish` (demo tickets are no news for a CRM, and a million events would wait).
    events_before: i64,
    /// The triggers suspended while the bulk write runs (name, SQL), put back by `finish`.
    suspended: Vec<(String, String)>,
    /// The highest activity id before the bulk write: `finish` adds the minutes of those after.
    activities_before: i64,
}

/// Triggers on `tickets`/`activities` the bulk writer suspends for its transaction: the webhook
/// events (`finish` deleted them again anyway: a million events for a CRM that demo tickets are
/// no news to — they cost a JSON row with the body per activity, written and deleted) and the
/// per-row minute sums of schema 0025, which `finish` writes in one grouped statement. They are
/// dropped and created again from their own SQL inside the caller's transaction, so the schema
/// after the commit is the same text. (`demo::fill` also turns schema 0022's webhook switch off
/// for the whole demo, customers included; dropping the two hot triggers as well saves their
/// `WHEN` check on each of millions of rows.)
///
/// Also the sums of the sums (schema 0028: per month, per status, per customer and year),
/// which `finish` sums again from `ticket_counts` and `customer_counts`: kept row by row they
/// cost ~10 % of the fill.
const SUSPENDED_TRIGGERS: &[&str] = &[
    "webhook_ticket_created",
    "webhook_activity_created",
    "time_minutes_insert",
    "ticket_sums_insert",
    "ticket_sums_update",
    "customer_year_counts_insert",
    "customer_year_counts_update",
];

/// An activity's search row, held back until its chunk is written.
struct HeldText {
    rowid: i64,
    text: String,
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Result<Writer<'c>> {
        Writer::with_chunk(conn, SEARCH_CHUNK)
    }

    /// With search rows written every `chunk` activities (small in tests).
    pub fn with_chunk(conn: &'c Connection, chunk: usize) -> Result<Writer<'c>> {
        Ok(Writer {
            conn,
            chunk: chunk.max(1),
            subjects: Vec::new(),
            texts: Vec::new(),
            events_before: conn.query_row("SELECT coalesce(max(id), 0) FROM webhook_events", [], |r| r.get(0))?,
            suspended: suspend_triggers(conn)?,
            activities_before: conn.query_row("SELECT coalesce(max(id), 0) FROM activities", [], |r| r.get(0))?,
        })
    }

    /// A ticket with its activities: the ticket row with its final counters, then the
    /// activities and their search rows.
    pub fn ticket(&mut self, t: &NewTicket, closed_at: Option<i64>, activities: &[NewActivity]) -> Result<i64> {
        let mut counters = Counters::new(t.created_at);
        for a in activities {
            counters.add(a);
        }
        let id = tickets::insert_row(self.conn, t, closed_at, &counters)?;
        self.subjects.push((id, t.subject.to_string()));
        let mut customer_last = None;
        for a in activities {
            let activity = tickets::insert_activity_row(self.conn, id, a)?;
            if a.author_kind == crate::model::AuthorKind::Customer {
                customer_last = Some(activity);
            }
            if let Some(text) = tickets::search_text(a) {
                self.texts.push(HeldText { rowid: -activity, text });
            }
        }
        if let Some(activity) = customer_last {
            tickets::customer_spoke(self.conn, id, activity)?;
        }
        if self.texts.len() >= self.chunk {
            self.write_search()?;
        }
        Ok(id)
    }

    /// Writes the held-back search rows: activities' (negative rowids) lowest first, then the
    /// subjects' (rowid = ticket id) in ticket order, as `tickets::insert` numbers them.
    fn write_search(&mut self) -> Result<()> {
        for t in self.texts.drain(..).rev() {
            tickets::index_text(self.conn, t.rowid, &t.text)?;
        }
        for (ticket_id, subject) in self.subjects.drain(..) {
            tickets::index_text(self.conn, ticket_id, &subject)?;
        }
        Ok(())
    }

    /// Writes what is still held back. Without it the last search rows are missing.
    pub fn finish(mut self) -> Result<()> {
        self.write_search()?;
        // The words for staff search's prefixes, once from the index's terms (noting each
        // text's words as `tickets::add_activity` does would cost a lookup per word).
        super::search::fill_words(self.conn)?;
        self.conn.execute("DELETE FROM webhook_events WHERE id > ?1", [self.events_before])?;
        // What `time_minutes_insert` would have added, row by row, in two grouped statements.
        self.conn.execute(
            "INSERT INTO time_quarters (customer_id, quarter, minutes)
                 SELECT t.customer_id, a.created_at / 900, sum(a.minutes)
                 FROM activities a JOIN tickets t ON t.id = a.ticket_id
                 WHERE a.id > ?1 AND a.minutes > 0 GROUP BY 1, 2
             ON CONFLICT (customer_id, quarter) DO UPDATE SET minutes = minutes + excluded.minutes",
            [self.activities_before],
        )?;
        self.conn.execute(
            "INSERT INTO time_spans (customer_id, span, minutes)
                 SELECT t.customer_id, a.created_at / 1843200, sum(a.minutes)
                 FROM activities a JOIN tickets t ON t.id = a.ticket_id
                 WHERE a.id > ?1 AND a.minutes > 0 GROUP BY 1, 2
             ON CONFLICT (customer_id, span) DO UPDATE SET minutes = minutes + excluded.minutes",
            [self.activities_before],
        )?;
        // What the triggers on `ticket_counts` and `customer_counts` keep, summed anew.
        self.conn.execute_batch(
            "DELETE FROM ticket_month_counts;
             INSERT INTO ticket_month_counts (month, n) SELECT month, sum(n) FROM ticket_counts GROUP BY month;
             DELETE FROM ticket_status_counts;
             INSERT INTO ticket_status_counts (status, n) SELECT status, sum(n) FROM ticket_counts GROUP BY status;
             DELETE FROM customer_year_counts;
             INSERT INTO customer_year_counts (customer_id, year, n, minutes)
                 SELECT customer_id, month / 100, sum(n), sum(minutes) FROM customer_counts GROUP BY 1, 2;",
        )?;
        for (_, sql) in &self.suspended {
            self.conn.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// Drops the [`SUSPENDED_TRIGGERS`] that exist, returning their names and SQL.
fn suspend_triggers(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for name in SUSPENDED_TRIGGERS {
        let sql: Option<String> = conn
            .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", [name], |r| r.get(0))
            .optional()?;
        if let Some(sql) = sql {
            conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
            out.push((name.to_string(), sql));
        }
    }
    Ok(out)
}
