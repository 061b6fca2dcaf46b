//! `ticketd demo`: a small German IT service contractor's customers, staff and three years of
//! tickets, deterministic from a seed. A command of its own, not a use-case: it fills the
//! database through `db::demo` in one transaction.
//!
//! Small and huge runs take the same path: tickets are planned first (`plan`: customer,
//! creation time, final status, number of activities), sorted by creation time and numbered,
//! then each ticket's history is generated in memory (`history`, from the words in
//! `corpus`) and written through [`crate::db::demo`], with the ticket's counters computed as
//! `add_activity` keeps them. `people` adds the customers and the team.

use std::time::Instant;

use crate::app::App;
use crate::auth::password;
use crate::clock;
use crate::db::demo::{self as ddb, Writer};
use crate::db::tickets::NewActivity;
use crate::db::{self, audit};
use crate::error::Result;
use crate::model::Role;

mod corpus;
mod history;
mod office;
mod people;
mod plan;
mod rng;

use history::{script, TicketOut};
use people::{add_customers, ensure_staff, DemoCustomer, Member};
use plan::{plan_tickets, Plan};
use rng::Rng;

pub struct Options {
    pub customers: usize,
    pub tickets: usize,
    /// Activities over all tickets; 0 picks a realistic number per ticket (2–12).
    pub activities: usize,
    pub seed: u64,
}

/// One password for every demo customer and one for the demo staff: hashed once each.
pub const CUSTOMER_PASSWORD: &str = "Kunde-Demo-123";
pub const STAFF_PASSWORD: &str = "Team-Demo-123";
const SUPPORT_EMAIL: &str = "support@it-service.example";

/// From this many activities on, one ticket gets exactly [`BENCH_ACTIVITIES`] (for benchmarks).
const BENCH_THRESHOLD: usize = 5_000;
const BENCH_ACTIVITIES: usize = 1_000;
/// From this many activities on, a second one gets [`HUGE_ACTIVITIES`] (a ticket that must be paged).
const HUGE_THRESHOLD: usize = 200_000;
const HUGE_ACTIVITIES: usize = 10_000;

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// How far back tickets go.
const HISTORY_DAYS: u64 = 3 * 365;

/// Where finished tickets go: the bulk writer, or (in tests) the portal's own functions.
trait Sink {
    fn ticket(&mut self, t: &TicketOut) -> Result<()>;
}

struct Bulk<'c> {
    writer: Writer<'c>,
}

impl Sink for Bulk<'_> {
    fn ticket(&mut self, t: &TicketOut) -> Result<()> {
        let acts: Vec<NewActivity> = t.activities().collect();
        self.writer.ticket(&t.new_ticket(), t.closed_at, &acts)?;
        Ok(())
    }
}

/// Everything decided before the tickets are written.
struct Prepared {
    staff: Vec<Member>,
    customers: Vec<DemoCustomer>,
    plans: Vec<Plan>,
    agents: Vec<usize>,
    admin: usize,
    tz: &'static time_tz::Tz,
}

fn prepare(
    app: &App,
    tx: &rusqlite::Connection,
    opts: &Options,
    customer_hash: &str,
    staff_hash: &str,
    now: i64,
) -> Result<Prepared> {
    let mut rng = Rng::new(opts.seed);
    let staff = ensure_staff(tx, staff_hash, now)?;
    let customers = add_customers(app, tx, &mut rng, opts.customers, customer_hash, now)?;
    let mut seqs = ddb::last_seqs(tx)?;
    let plans = plan_tickets(&mut rng, opts, &customers, &mut seqs, now, app.tz)?;
    for (&year, &seq) in &seqs {
        ddb::raise_last_seq(tx, year, seq)?;
    }
    let agents: Vec<usize> = (0..staff.len()).filter(|&i| staff[i].role == Role::Agent).collect();
    let admin = staff.iter().position(|s| s.role == Role::Admin).unwrap_or(0);
    let agents = if agents.is_empty() { vec![admin] } else { agents };
    Ok(Prepared { staff, customers, plans, agents, admin, tz: app.tz })
}

fn write_tickets(p: &Prepared, now: i64, sink: &mut dyn Sink) -> Result<usize> {
    let mut activities = 0;
    for plan in &p.plans {
        let t = script(plan, &p.customers, &p.staff, &p.agents, p.admin, now, p.tz);
        activities += t.acts.len();
        sink.ticket(&t)?;
    }
    Ok(activities)
}

/// Shared text snippets by the admin, once (a second `demo` run adds none).
/// The first customer bought 20 hours half a year ago (issue 22), so the balance shows in the
/// overview and on the time statement; once only.
fn add_contingent(app: &App, tx: &rusqlite::Connection, p: &Prepared, now: i64) -> Result<()> {
    use crate::db::contingents::{self as cdb, ContingentText};
    use crate::model::contingents::Allowance;
    let Some(first) = p.customers.first() else {
        return Ok(());
    };
    if !cdb::for_customer(tx, first.id)?.is_empty() {
        return Ok(());
    }
    let from = clock::iso_date(now - 180 * 86_400, app.tz);
    let text = ContingentText {
        allowance: Allowance::Block { minutes: 20 * 60 },
        valid_from: &from,
        valid_until: None,
        note: "Stundenkontingent 20 h (Demo)",
    };
    cdb::insert(tx, first.id, &text, now)?;
    Ok(())
}

fn add_snippets(tx: &rusqlite::Connection, p: &Prepared, now: i64) -> Result<()> {
    use crate::db::snippets::{self as sdb, SnippetText};
    let Some(admin) = p.staff.get(p.admin) else {
        return Ok(());
    };
    if !sdb::visible(tx, admin.id)?.is_empty() {
        return Ok(());
    }
    const SNIPPETS: &[(&str, &str)] = &[
        ("Begrüßung", "Guten Tag {kunde},\n\nvielen Dank für Ihre Nachricht zu Ticket {ticket}."),
        (
            "Bitte neu starten",
            "Bitte starten Sie das Gerät einmal vollständig neu (ausschalten, 30 Sekunden warten, einschalten) \
             und sagen Sie uns, ob der Fehler danach noch auftritt.",
        ),
        (
            "Rückfrage Fernwartung",
            "Für eine Fernwartung brauchen wir kurz Ihren Rechner. Wann passt es Ihnen heute oder morgen \
             zwischen 9 und 17 Uhr?",
        ),
    ];
    for (title, body) in SNIPPETS {
        sdb::insert(tx, admin.id, &SnippetText { title, body, shared: true }, now)?;
    }
    Ok(())
}

/// Fills the database and returns what to print: the counts and the demo logins.
pub fn fill(app: &App, opts: &Options) -> Result<String> {
    let started = Instant::now();
    let cost = app.config().security.bcrypt_cost;
    let customer_hash = password::hash(CUSTOMER_PASSWORD, cost)?;
    let staff_hash = password::hash(STAFF_PASSWORD, cost)?;
    let now = clock::now();
    // A connection of its own, so the bulk settings never reach the pool.
    let mut conn = db::open(&app.config().database)?;
    let switched = ddb::tune_for_bulk(&conn)?;
    let (prepared, activities) = db::write(&mut conn, |tx| {
        // Demo data is no news for webhook receivers: no event rows (nor the free pages their
        // deletion would leave: half the file at a million tickets) while the demo writes.
        let hooks_were_on = db::webhooks::set_active(tx, false)?;
        let p = prepare(app, tx, opts, &customer_hash, &staff_hash, now)?;
        let mut sink = Bulk { writer: Writer::new(tx)? };
        let activities = write_tickets(&p, now, &mut sink)?;
        sink.writer.finish()?;
        add_snippets(tx, &p, now)?;
        add_contingent(app, tx, &p, now)?;
        let detail = format!(
            "{} customers, {} tickets, {activities} activities, seed {}",
            p.customers.len(),
            p.plans.len(),
            opts.seed
        );
        audit::insert(
            tx,
            &audit::Entry { actor: "cli", action: "demo.fill", target: "", detail: &detail, address: "" },
            now,
        )?;
        db::webhooks::set_active(tx, hooks_were_on)?;
        Ok((p, activities))
    })?;
    ddb::finish_bulk(&conn, switched)?;
    Ok(report(&prepared, activities, started))
}

fn report(p: &Prepared, activities: usize, started: Instant) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "demo data added: {} customers, {} tickets, {activities} activities ({:.1} s)",
        p.customers.len(),
        p.plans.len(),
        started.elapsed().as_secs_f64()
    );
    if !p.customers.is_empty() {
        let _ = writeln!(s, "\ncustomer logins (customer number or e-mail), password {CUSTOMER_PASSWORD}:");
        for c in p.customers.iter().take(3) {
            let _ = writeln!(s, "  {:<10} {:<45} {}", c.no, c.email, c.name);
        }
    }
    let _ = writeln!(s, "\nstaff logins at /staff/login, password {STAFF_PASSWORD}:");
    for m in &p.staff {
        let note = if m.created { "" } else { " (existed already; password unchanged)" };
        let _ = writeln!(s, "  {:<10} {:<6} {}{note}", m.username, m.role.as_str(), m.name);
    }
    for (i, b) in p.plans.iter().filter(|p| p.bench).enumerate() {
        let nl = if i == 0 { "\n" } else { "" };
        let _ = writeln!(s, "{nl}ticket with {} activities: {}", b.activities, b.number);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Security};
    use crate::db::tickets as tdb;
    use crate::model::Status;
    use rusqlite::types::Value;
    use rusqlite::Connection;

    /// The portal's own path: `tickets::insert` and `add_activity`, one by one.
    struct Reference<'c>(&'c Connection);

    impl Sink for Reference<'_> {
        fn ticket(&mut self, t: &TicketOut) -> Result<()> {
            let id = tdb::insert(self.0, &t.new_ticket())?;
            for a in t.activities() {
                tdb::add_activity(self.0, id, &a)?;
            }
            if let Some(at) = t.closed_at {
                tdb::set_status(self.0, id, Status::Closed, at)?;
            }
            Ok(())
        }
    }

    /// A database in a directory of its own (the hotline key file goes beside it).
    struct TempDb {
        dir: std::path::PathBuf,
        path: std::path::PathBuf,
    }

    impl TempDb {
        fn new(tag: &str) -> TempDb {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("ticketd-demo-{tag}-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDb { path: dir.join("demo.db"), dir }
        }

        fn app(&self) -> App {
            App::open(Config {
                database: self.path.clone(),
                security: Security { bcrypt_cost: 4, ..Security::default() },
                ..Config::default()
            })
            .unwrap()
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn dump(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn scalar(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Writes the same runs (one after the other into one database) through the bulk writer,
    /// with small search chunks, and through `add_activity`.
    fn fill_both(runs: &[Options]) -> (TempDb, TempDb) {
        let now = 1_767_225_600; // 2026-01-01
        let run = |tag: &str, bulk: bool| {
            let db = TempDb::new(tag);
            let app = db.app();
            let mut conn = db::open(&app.config().database).unwrap();
            for opts in runs {
                db::write(&mut conn, |tx| {
                    let p = prepare(&app, tx, opts, "hash-c", "hash-s", now)?;
                    if bulk {
                        let mut sink = Bulk { writer: Writer::with_chunk(tx, 97)? };
                        write_tickets(&p, now, &mut sink)?;
                        sink.writer.finish()?;
                    } else {
                        write_tickets(&p, now, &mut Reference(tx))?;
                    }
                    Ok(())
                })
                .unwrap();
            }
            db
        };
        (run("bulk", true), run("ref", false))
    }

    #[test]
    fn bulk_writes_what_add_activity_writes() {
        let runs = [
            Options { customers: 6, tickets: 80, activities: 0, seed: 3 },
            Options { customers: 4, tickets: 40, activities: 5_200, seed: 9 },
        ];
        let (bulk, reference) = fill_both(&runs);
        let b = db::open(&bulk.path).unwrap();
        let r = db::open(&reference.path).unwrap();
        // The search index is contentless (schema 0027): compared by what it holds, every
        // term of every row at its position.
        for c in [&b, &r] {
            c.execute_batch("CREATE VIRTUAL TABLE temp.search_instances USING fts5vocab(main, search, instance)")
                .unwrap();
        }
        for sql in [
            "SELECT * FROM tickets ORDER BY id",
            "SELECT * FROM activities ORDER BY id",
            "SELECT rowid FROM search ORDER BY rowid",
            "SELECT * FROM temp.search_instances ORDER BY term, doc, col, offset",
            // The bulk writer's words come from the index's terms, add_activity's from
            // db::search::note_words: the same words, folded the same.
            "SELECT word FROM search_words ORDER BY word",
            "SELECT * FROM ticket_sequences ORDER BY year",
            "SELECT id, customer_no, name, email, phone FROM customers ORDER BY id",
            "SELECT * FROM time_quarters ORDER BY customer_id, quarter",
            "SELECT * FROM time_spans ORDER BY customer_id, span",
            "SELECT * FROM ticket_month_counts ORDER BY month",
            "SELECT * FROM ticket_status_counts ORDER BY status",
            "SELECT * FROM customer_year_counts ORDER BY customer_id, year",
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
        ] {
            assert_eq!(dump(&b, sql), dump(&r, sql), "{sql}");
        }
        assert_eq!(scalar(&b, "SELECT count(*) FROM tickets"), 120);
        assert_eq!(scalar(&b, "SELECT min(rowid) FROM search WHERE rowid > 0"), 1);
        let problems = db::check(&b).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn demo_activities_are_at_office_hours_and_k10001_has_every_kind_of_ticket() {
        let db = TempDb::new("office");
        let app = db.app();
        let opts = Options { customers: 8, tickets: 200, activities: 0, seed: 7 };
        fill(&app, &opts).unwrap();
        let conn = db::open(&db.path).unwrap();
        let times = dump(&conn, "SELECT created_at FROM activities");
        assert!(times.len() > 200);
        for row in &times {
            let rusqlite::types::Value::Integer(t) = row[0] else { panic!("{row:?}") };
            assert!(
                office::in_office_hours(t, app.tz),
                "activity at {}",
                clock::datetime(t, app.tz, crate::i18n::Lang::De)
            );
        }
        let statuses = dump(
            &conn,
            "SELECT DISTINCT t.status FROM tickets t JOIN customers c ON c.id = t.customer_id
             WHERE c.customer_no = 'K-10001' ORDER BY 1",
        );
        let statuses: Vec<String> = statuses.iter().map(|r| format!("{:?}", r[0])).collect();
        for s in ["open", "waiting", "closed"] {
            assert!(statuses.iter().any(|x| x.contains(s)), "K-10001 has a {s} ticket: {statuses:?}");
        }
        // Grammar: no "bei Herr …", no "für Herr …", no "von die …".
        let texts = dump(&conn, "SELECT body FROM activities UNION ALL SELECT subject FROM tickets");
        for row in &texts {
            let text = format!("{:?}", row[0]);
            for bad in ["bei Herr ", "für Herr ", "von Herr ", "von die ", "Guten Tag Herr", "Guten Tag Frau"] {
                assert!(!text.contains(bad), "{bad:?} in {text}");
            }
        }
    }

    #[test]
    fn demo_data_is_consistent() {
        let db = TempDb::new("fill");
        let app = db.app();
        let opts = Options { customers: 5, tickets: 60, activities: 6_000, seed: 42 };
        let out = fill(&app, &opts).unwrap();
        assert!(out.contains("K-10001"), "{out}");
        assert!(out.contains("mkoch"), "{out}");
        let conn = db::open(&db.path).unwrap();
        assert_eq!(scalar(&conn, "SELECT count(*) FROM tickets"), 60);
        // The hotline copy of the demo password, as for customers created by staff.
        if app.hotline_key().is_some() {
            assert_eq!(scalar(&conn, "SELECT count(*) FROM customers WHERE password_copy IS NULL"), 0);
        }
        assert_eq!(scalar(&conn, "SELECT count(*) FROM activities"), 6_000);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM tickets WHERE staff_activity_count = 1000"), 1);
        assert_eq!(scalar(&conn, "SELECT count(DISTINCT status) FROM tickets"), 4);
        assert_eq!(scalar(&conn, "SELECT count(DISTINCT priority) FROM tickets"), 4);
        // Counters match the activities.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM tickets t WHERE
               activity_count <> (SELECT count(*) FROM activities a WHERE a.ticket_id = t.id AND NOT internal)
            OR staff_activity_count <> (SELECT count(*) FROM activities a WHERE a.ticket_id = t.id)
            OR minutes <> (SELECT sum(minutes) FROM activities a WHERE a.ticket_id = t.id)
            OR created_at <> (SELECT min(created_at) FROM activities a WHERE a.ticket_id = t.id)
            OR last_activity_at <> (SELECT max(created_at) FROM activities a WHERE a.ticket_id = t.id AND NOT internal)
            OR staff_last_activity_at <> (SELECT max(created_at) FROM activities a WHERE a.ticket_id = t.id)",
        );
        assert_eq!(bad, 0);
        // The last status change is the ticket's status; closed tickets were closed then.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM tickets t WHERE status <> coalesce(
               (SELECT new_value FROM activities a WHERE a.ticket_id = t.id AND kind = 'status'
                ORDER BY created_at DESC, id DESC LIMIT 1), 'open')
            OR (status = 'closed') <> (closed_at IS NOT NULL)
            OR closed_at <> (SELECT max(created_at) FROM activities a WHERE a.ticket_id = t.id AND kind = 'status')",
        );
        assert_eq!(bad, 0);
        // Status changes chain: each one starts where the previous ended.
        let changes = dump(
            &conn,
            "SELECT ticket_id, old_value, new_value FROM activities WHERE kind = 'status' ORDER BY ticket_id, created_at, id",
        );
        let mut last: Option<(Value, Value)> = None;
        for row in changes {
            let (ticket, old, new) = (row[0].clone(), row[1].clone(), row[2].clone());
            let expected = match &last {
                Some((t, prev)) if *t == ticket => prev.clone(),
                _ => Value::Text("open".into()),
            };
            assert_eq!(old, expected);
            assert_ne!(old, new);
            last = Some((ticket, new));
        }
        // Strictly chronological per ticket.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM activities a JOIN activities b
               ON b.ticket_id = a.ticket_id AND b.id = a.id + 1 WHERE b.created_at <= a.created_at",
        );
        assert_eq!(bad, 0);
        // Search rows: a subject per ticket, one per activity with text.
        assert_eq!(scalar(&conn, "SELECT count(*) FROM search WHERE rowid > 0"), 60);
        assert_eq!(
            scalar(&conn, "SELECT count(*) FROM search WHERE rowid < 0"),
            scalar(&conn, "SELECT count(*) FROM activities WHERE body <> ''")
        );
        assert!(scalar(&conn, "SELECT count(*) FROM search WHERE search MATCH 'Drucker OR Notebook OR VPN'") > 0);
        // Each year's sequence ends at its highest number, so numbers continue after the demo.
        let bad = scalar(
            &conn,
            "SELECT count(*) FROM ticket_sequences s WHERE last_seq <> (SELECT max(CAST(substr(number, 6) AS INTEGER))
               FROM tickets WHERE substr(number, 1, 4) = CAST(s.year AS TEXT))",
        );
        assert_eq!(bad, 0);
        let year = scalar(&conn, "SELECT max(year) FROM ticket_sequences") as i32;
        let last = scalar(
            &conn,
            "SELECT max(last_seq) FROM ticket_sequences WHERE year = (SELECT max(year) FROM ticket_sequences)",
        );
        assert_eq!(tdb::next_seq(&conn, year).unwrap(), last + 1);
        // A second run adds more and does not fail.
        let again = fill(&app, &Options { customers: 3, tickets: 20, activities: 0, seed: 42 }).unwrap();
        assert!(again.contains("existed already"), "{again}");
        assert_eq!(scalar(&conn, "SELECT count(*) FROM customers"), 8);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM tickets"), 80);
        // A fresh connection: FTS5's integrity check on a connection that searched before
        // another one wrote reports a stale index (SQLite 3.46), though the index is fine.
        let fresh = db::open(&db.path).unwrap();
        let problems = db::check(&fresh).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let mode: String = fresh.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }
}
