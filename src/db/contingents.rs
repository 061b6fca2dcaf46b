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
/// are local midnights, which fall on quarter hours in every zone. A partial span that covers
/// more than half of its span is read as the whole span less the quarters it leaves out (a
/// span's sum is its quarters' sum): at most half a span of quarter rows at each end.
pub fn minutes_between(conn: &Connection, customer_id: i64, from: i64, to: i64) -> Result<i64> {
    let (qa, qb) = (from.div_euclid(900), to.div_euclid(900) + i64::from(to.rem_euclid(900) > 0));
    if qb <= qa {
        return Ok(0);
    }
    let Ranges { spans, plus, minus } = ranges(qa, qb, to == i64::MAX);
    // Only the non-empty ranges, each a subquery (a cursor and a seek: ~2,500 instructions
    // even when it finds nothing); a handful of statement texts, each prepared once.
    let mut sql = String::with_capacity(512);
    sql.push_str("SELECT 0");
    let mut values: Vec<i64> = vec![customer_id];
    let parts = [("+", "time_spans", "span", spans), ("+", "time_quarters", "quarter", plus[0])];
    let parts = parts.into_iter().chain([
        ("+", "time_quarters", "quarter", plus[1]),
        ("-", "time_quarters", "quarter", minus[0]),
        ("-", "time_quarters", "quarter", minus[1]),
    ]);
    for (sign, table, col, (lo, hi)) in parts {
        if lo >= hi {
            continue;
        }
        let n = values.len();
        sql.push_str(&format!(
            " {sign} (SELECT coalesce(sum(minutes), 0) FROM {table}
                      WHERE customer_id = ?1 AND {col} >= ?{} AND {col} < ?{})",
            n + 1,
            n + 2
        ));
        values.extend([lo, hi]);
    }
    Ok(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(values), |r| r.get(0))?)
}

/// A span of schema 0025: 2,048 quarter hours.
const SPAN: i64 = 2048;

/// What [`minutes_between`] sums for the quarters `[qa, qb)`: the spans `[spans.0, spans.1)`,
/// plus the quarters of `plus`, less those of `minus` (empty ranges: `(0, 0)`).
#[derive(Debug, PartialEq, Eq)]
struct Ranges {
    spans: (i64, i64),
    plus: [(i64, i64); 2],
    minus: [(i64, i64); 2],
}

/// `open`: `qb` stands for the end of time, the spans run on to `i64::MAX` (no partial span at
/// the end).
fn ranges(qa: i64, qb: i64, open: bool) -> Ranges {
    // Whole spans [sa, sb); quarters [qa, sa·SPAN) and [sb·SPAN, qb) around them.
    let (sa, sb) = ((qa + SPAN - 1).div_euclid(SPAN), qb.div_euclid(SPAN));
    let mut r = Ranges { spans: (0, 0), plus: [(0, 0); 2], minus: [(0, 0); 2] };
    if open {
        r.spans = (sa, i64::MAX);
        if sa * SPAN - qa > SPAN / 2 {
            r.spans.0 = sa - 1;
            r.minus[0] = ((sa - 1) * SPAN, qa);
        } else {
            r.plus[0] = (qa, sa * SPAN);
        }
        return r;
    }
    if sa >= sb {
        r.plus[0] = (qa, qb);
        return r;
    }
    r.spans = (sa, sb);
    if sa * SPAN - qa > SPAN / 2 {
        r.spans.0 = sa - 1;
        r.minus[0] = ((sa - 1) * SPAN, qa);
    } else {
        r.plus[0] = (qa, sa * SPAN);
    }
    if qb - sb * SPAN > SPAN / 2 {
        r.spans.1 = sb + 1;
        r.minus[1] = (qb, (sb + 1) * SPAN);
    } else {
        r.plus[1] = (sb * SPAN, qb);
    }
    r
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_between_sums_as_the_quarters_do() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE time_quarters (customer_id INTEGER NOT NULL, quarter INTEGER NOT NULL,
                 minutes INTEGER NOT NULL, PRIMARY KEY (customer_id, quarter)) WITHOUT ROWID;
             CREATE TABLE time_spans (customer_id INTEGER NOT NULL, span INTEGER NOT NULL,
                 minutes INTEGER NOT NULL, PRIMARY KEY (customer_id, span)) WITHOUT ROWID;",
        )
        .unwrap();
        // Quarters with time over ~10 spans, for customers 1 and 2, from a fixed pseudo-random walk.
        let (base, mut x) = (1_978_000_i64, 12_345_u64);
        let mut next = |n: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        let mut quarter = base;
        let mut logged = Vec::new();
        while quarter < base + 10 * SPAN {
            quarter += 1 + next(300) as i64;
            let (customer, minutes) = (1 + next(2) as i64, 1 + next(90) as i64);
            conn.execute("INSERT INTO time_quarters VALUES (?1, ?2, ?3)", params![customer, quarter, minutes]).unwrap();
            logged.push((customer, quarter, minutes));
        }
        conn.execute_batch(
            "INSERT INTO time_spans SELECT customer_id, quarter / 2048, sum(minutes) FROM time_quarters GROUP BY 1, 2",
        )
        .unwrap();
        let mut bounds = vec![i64::MIN / 2, 0, base * 900, (base + 5 * SPAN) * 900, i64::MAX];
        for _ in 0..60 {
            bounds.push((base - SPAN + next(13 * SPAN as u64) as i64) * 900);
        }
        for &from in &bounds {
            for &to in &bounds {
                for customer in [1, 2] {
                    let want: i64 = logged
                        .iter()
                        .filter(|(c, q, _)| *c == customer && q * 900 >= from && q * 900 < to)
                        .map(|(_, _, m)| m)
                        .sum();
                    assert_eq!(minutes_between(&conn, customer, from, to).unwrap(), want, "{from}..{to}");
                }
            }
        }
    }

    #[test]
    fn a_partial_span_over_half_is_its_span_less_the_rest() {
        let s = SPAN;
        assert_eq!(ranges(10, 20, false), Ranges { spans: (0, 0), plus: [(10, 20), (0, 0)], minus: [(0, 0); 2] });
        // [s - 10, 3s + 5): short head, short tail.
        assert_eq!(
            ranges(s - 10, 3 * s + 5, false),
            Ranges { spans: (1, 3), plus: [(s - 10, s), (3 * s, 3 * s + 5)], minus: [(0, 0); 2] }
        );
        // [s + 10, 4s - 10): long head and tail, read as spans 1..4 less their edges.
        assert_eq!(
            ranges(s + 10, 4 * s - 10, false),
            Ranges { spans: (1, 4), plus: [(0, 0); 2], minus: [(s, s + 10), (4 * s - 10, 4 * s)] }
        );
        // To the end of time: the spans from the first (whole or less its edge) on.
        assert_eq!(
            ranges(s + 10, 1 << 60, true),
            Ranges { spans: (1, i64::MAX), plus: [(0, 0); 2], minus: [(s, s + 10), (0, 0)] }
        );
        assert_eq!(
            ranges(2 * s - 10, 1 << 60, true),
            Ranges { spans: (2, i64::MAX), plus: [(2 * s - 10, 2 * s), (0, 0)], minus: [(0, 0); 2] }
        );
    }
}
