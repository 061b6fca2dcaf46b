//! Hour contingents and the warnings sent about them (schema 0017), and the time entries that
//! booking reads: always one customer's, never the whole table.

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::model::contingents::{Allowance, Contingent};
use crate::model::{ActivityKind, TimeEntry};

const COLS: &str = "id, customer_id, kind, minutes, carry_over, valid_from, valid_until, note, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Contingent> {
    let kind: String = r.get(2)?;
    let minutes: i64 = r.get(3)?;
    let allowance = if kind == "monthly" {
        Allowance::Monthly { minutes, carry_over: r.get(4)? }
    } else {
        Allowance::Block { minutes }
    };
    Ok(Contingent {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        allowance,
        valid_from: r.get(5)?,
        valid_until: r.get(6)?,
        note: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// A customer's contingents, oldest start first.
pub fn for_customer(conn: &Connection, customer_id: i64) -> Result<Vec<Contingent>> {
    let sql = format!("SELECT {COLS} FROM contingents WHERE customer_id = ?1 ORDER BY valid_from, id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([customer_id], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One contingent of that customer (another customer's id reads as none).
pub fn get(conn: &Connection, customer_id: i64, id: i64) -> Result<Option<Contingent>> {
    let sql = format!("SELECT {COLS} FROM contingents WHERE id = ?1 AND customer_id = ?2");
    conn.prepare_cached(&sql)?.query_row([id, customer_id], from_row).optional()
}

/// What a contingent form stores.
pub struct ContingentText<'a> {
    pub allowance: Allowance,
    pub valid_from: &'a str,
    pub valid_until: Option<&'a str>,
    pub note: &'a str,
}

fn kind_parts(a: Allowance) -> (&'static str, i64, bool) {
    match a {
        Allowance::Block { minutes } => ("block", minutes, false),
        Allowance::Monthly { minutes, carry_over } => ("monthly", minutes, carry_over),
    }
}

pub fn insert(conn: &Connection, customer_id: i64, c: &ContingentText, now: i64) -> Result<i64> {
    let (kind, minutes, carry) = kind_parts(c.allowance);
    Ok(conn
        .prepare_cached(
            "INSERT INTO contingents (customer_id, kind, minutes, carry_over, valid_from, valid_until, note,
                                      created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .insert(params![customer_id, kind, minutes, carry, c.valid_from, c.valid_until, c.note, now])?)
}

pub fn update(conn: &Connection, id: i64, c: &ContingentText, now: i64) -> Result<()> {
    let (kind, minutes, carry) = kind_parts(c.allowance);
    conn.prepare_cached(
        "UPDATE contingents SET kind = ?2, minutes = ?3, carry_over = ?4, valid_from = ?5, valid_until = ?6,
                                note = ?7, updated_at = ?8 WHERE id = ?1",
    )?
    .execute(params![id, kind, minutes, carry, c.valid_from, c.valid_until, c.note, now])?;
    Ok(())
}

/// Records a warning unless it went out before; `true` when it is new.
pub fn mark_warned(conn: &Connection, contingent_id: i64, period: &str, percent: i64, now: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO contingent_warnings (contingent_id, period, percent, sent_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![contingent_id, period, percent, now])?;
    Ok(n > 0)
}

/// A customer's activities with time spent since `from` (an instant), oldest first: every
/// ticket of the company (booking is the company's; member scoping happens in the view).
/// Reads through `tickets (customer_id, …)` and `activities_ticket`: bounded by this
/// customer's tickets, not the table.
pub fn time_since(conn: &Connection, customer_id: i64, from: i64) -> Result<Vec<(i64, TimeEntry)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, t.number, t.subject, a.kind, a.internal, a.author_name, a.body, a.minutes, a.created_at
         FROM tickets t JOIN activities a ON a.ticket_id = t.id
         WHERE t.customer_id = ?1 AND a.created_at >= ?2 AND a.minutes > 0
         ORDER BY a.created_at, a.id",
    )?;
    let rows = stmt
        .query_map(params![customer_id, from], |r| {
            Ok((
                r.get(0)?,
                TimeEntry {
                    number: r.get(1)?,
                    subject: r.get(2)?,
                    kind: ActivityKind::parse(&r.get::<_, String>(3)?).unwrap_or(ActivityKind::Message),
                    internal: r.get(4)?,
                    author_name: r.get(5)?,
                    body: r.get(6)?,
                    minutes: r.get(7)?,
                    created_at: r.get(8)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The minutes a customer logged in `[from, to)` (instants; `to` may be `i64::MAX`), from the
/// trigger-kept sums of schema 0025: the quarter hours of the partial spans at both ends and the
/// whole spans between, so the cost does not grow with the customer's history. `from` and `to`
/// are local midnights, which fall on quarter hours in every zone.
pub fn minutes_between(conn: &Connection, customer_id: i64, from: i64, to: i64) -> Result<i64> {
    const SPAN: i64 = 2048;
    let (qa, qb) = (from.div_euclid(900), to.div_euclid(900) + i64::from(to.rem_euclid(900) > 0));
    if qb <= qa {
        return Ok(0);
    }
    // Whole spans [sa, sb); quarters [qa, sa·SPAN) and [sb·SPAN, qb) around them.
    let (sa, sb) = ((qa + SPAN - 1).div_euclid(SPAN), qb.div_euclid(SPAN));
    let (head, spans, tail) =
        if sa >= sb { ((qa, qb), (0, 0), (0, 0)) } else { ((qa, sa * SPAN), (sa, sb), (sb * SPAN, qb)) };
    let mut stmt = conn.prepare_cached(
        "SELECT (SELECT coalesce(sum(minutes), 0) FROM time_quarters WHERE customer_id = ?1 AND quarter >= ?2 AND quarter < ?3)
              + (SELECT coalesce(sum(minutes), 0) FROM time_spans WHERE customer_id = ?1 AND span >= ?4 AND span < ?5)
              + (SELECT coalesce(sum(minutes), 0) FROM time_quarters WHERE customer_id = ?1 AND quarter >= ?6 AND quarter < ?7)",
    )?;
    Ok(stmt.query_row(params![customer_id, head.0, head.1, spans.0, spans.1, tail.0, tail.1], |r| r.get(0))?)
}

/// The customer of a ticket (by id).
pub fn ticket_customer(conn: &Connection, ticket_id: i64) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT customer_id FROM tickets WHERE id = ?1")?
        .query_row([ticket_id], |r| r.get(0))
        .optional()
}

/// A customer's managers (contacts with the role) who hear about the company: active,
/// switched on, with an address.
pub fn manager_recipients(conn: &Connection, customer_id: i64) -> Result<Vec<super::outbox::Recipient>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, language FROM contacts
         WHERE customer_id = ?1 AND role = 'manager' AND active = 1 AND notify = 1 AND email <> ''
         ORDER BY id",
    )?;
    let rows = stmt
        .query_map([customer_id], |r| {
            Ok(super::outbox::Recipient {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                language: r.get::<_, Option<String>>(3)?.and_then(|l| crate::i18n::Lang::parse(&l)),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
