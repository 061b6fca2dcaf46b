//! The query-plan guard: no page may read all of `tickets`, `activities`, `customers` or
//! `contacts`, or search the full-text index unbounded (issue 24).
//!
//! A demo database is built through the library, then a real `ticketd serve` runs on it with
//! `TICKETD_SQL_LOG` set (see `db::log_statements`), so every statement the server executes is
//! recorded with its real parameter values. The test visits every page of the customer portal,
//! the staff workspace and the admin area (with the filters, sorts and searches they offer) and
//! does the common writes (login, reply, staff activity, status change). Each distinct
//! statement then gets `EXPLAIN QUERY PLAN` on the same database.
//!
//! Rules, for `tickets`, `activities`, `customers`, `contacts` and `search_words` (by name or
//! by alias):
//! - `SCAN x` (a full table scan) fails;
//! - `SCAN x USING [COVERING] INDEX i` (walking a whole index) fails, unless the statement has
//!   a `LIMIT` and the plan needs no temp b-tree for its `ORDER BY`: the index then delivers
//!   rows in the wanted order and the walk stops after `OFFSET + LIMIT` matches (the queue
//!   sorted by last activity). How far it walks still depends on how selective the other
//!   filters are; `make bench` measures that;
//! - `SEARCH … USING [COVERING] INDEX`/`INTEGER PRIMARY KEY` passes. A search on a
//!   low-selectivity key (`status = 'closed'`) passes too: plans cannot see selectivity.
//!
//! - for the full-text indexes (`search`, `field_search`, `customer_lookup`, `contact_lookup`):
//!   `SCAN x VIRTUAL TABLE INDEX n:…` without a `MATCH` (`M`) or a rowid (`=`) in its index
//!   string reads the whole index and fails; a customer's search must not use the global index
//!   at all, and staff search's `MATCH` must have its own `LIMIT` (`unbounded_search`).
//!
//! Without `ANALYZE` statistics SQLite's plans do not depend on table sizes, so a small
//! database gives the same plans as a million activities.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Builder, BIN};
use crate::http::Client;

/// Whole-table aggregates that no index can bound, tolerated until the staff queue reads them
/// from counters (BENCHMARKS.md, "Staff queue"): `(statement, why)`, compared with whitespace
/// collapsed. Delete an entry once its statement is gone: an entry that matches nothing fails
/// the test, so the list cannot rot.
const TOLERATED: &[(&str, &str)] = &[
    // Empty since issue 24: the customers list's total is a counter (schema 0024) and customers
    // and contacts are searched through their lookup indexes, not by `LIKE '%…%'`.
];

/// The member's password in the plan test.
const MEMBER_PASSWORD: &str = "fenster-blau-2024";

const FIELDS: &str = r#"
[[fields]]
key = "device"
label = { de = "Gerät", en = "Device" }
type = "select"
options = ["pc", "laptop", "drucker"]
list_column = true

[[fields]]
key = "serial"
label = { de = "Seriennummer", en = "Serial number" }
type = "text"
list_column = true
customer_editable = true
"#;

struct Server {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthy(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").is_ok()
        && s.read_to_end(&mut buf).is_ok()
        && buf.starts_with(b"HTTP/1.1 200")
}

fn start(config: &std::path::Path, port: u16, log: &std::path::Path, stderr: &std::path::Path) -> Server {
    let child = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(config)
        .env_remove("TICKETD_LISTEN")
        .env_remove("TICKETD_DATABASE")
        .env("TICKETD_SQL_LOG", log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(stderr).expect("server log")))
        .spawn()
        .expect("spawn ticketd serve");
    let server = Server { child, addr: ([127, 0, 0, 1], port).into() };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !healthy(server.addr) {
        assert!(Instant::now() < deadline, "ticketd serve did not come up: {}", read(stderr));
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[track_caller]
fn login(addr: SocketAddr, page: &str, login: &str, password: &str) -> Client {
    let mut c = Client::new(addr);
    let r = c.submit(page, page, &[("login", login), ("password", password)]);
    r.expect(303);
    c
}

/// Follows the pager's "next" link up to `pages` times from `start` (each must be a 200).
#[track_caller]
fn follow_next(c: &mut Client, start: &str, pages: usize) {
    let mut path = start.to_string();
    for _ in 0..pages {
        let r = c.get(&path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.status);
        let body = r.text();
        let Some(i) = body.find("rel=\"next\" href=\"") else { return };
        let rest = &body[i + "rel=\"next\" href=\"".len()..];
        path = rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&");
    }
    let r = c.get(&path);
    assert_eq!(r.status, 200, "GET {path}: {}", r.status);
}

/// GETs each path and insists on a 200, so every page really ran its queries.
#[track_caller]
fn visit(c: &mut Client, paths: &[String]) {
    for p in paths {
        let r = c.get(p);
        assert_eq!(r.status, 200, "GET {p}: {}", r.status);
    }
}

/// `tickets t` / `activities AS a` in the SQL: alias → table.
fn aliases(sql: &str) -> BTreeMap<String, &'static str> {
    const NOT_ALIASES: &str = "where join left inner cross on order group limit set values using as natural union \
                               except intersect window returning indexed not default";
    let mut out = BTreeMap::new();
    let words: Vec<String> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    for (i, w) in words.iter().enumerate() {
        let table = match w.as_str() {
            "tickets" => "tickets",
            "activities" => "activities",
            "customers" => "customers",
            "contacts" => "contacts",
            "search" => "search",
            "field_search" => "field_search",
            "customer_lookup" => "customer_lookup",
            "contact_lookup" => "contact_lookup",
            // Staff search's word list (schema 0027): read by a range of its key only.
            "search_words" => "search_words",
            _ => continue,
        };
        out.insert(table.to_string(), table);
        let mut next = words.get(i + 1);
        if next.map(String::as_str) == Some("as") {
            next = words.get(i + 2);
        }
        if let Some(a) = next.filter(|a| !NOT_ALIASES.split_whitespace().any(|k| k == a.as_str())) {
            out.insert(a.clone(), table);
        }
    }
    out
}

/// Why this plan reads a whole table or index, if it does. `partial`: names of partial indexes.
fn full_scans(sql: &str, plan: &[String], partial: &BTreeSet<String>) -> Vec<String> {
    let names = aliases(sql);
    let lower = sql.to_ascii_lowercase();
    let limited = lower.split(|c: char| c.is_whitespace()).any(|w| w == "limit");
    let sorts = plan.iter().any(|d| d.contains("USE TEMP B-TREE FOR ORDER BY"));
    let mut out = Vec::new();
    for d in plan {
        let Some(rest) = d.strip_prefix("SCAN ") else { continue };
        let name = rest.split(' ').next().unwrap_or("").to_ascii_lowercase();
        let Some(table) = names.get(&name) else { continue };
        if let Some((_, idx)) = rest.split_once(" VIRTUAL TABLE INDEX ") {
            // A full-text index: bounded by a MATCH or a rowid, or a walk of all of it.
            let idx_str = idx.split_once(':').map(|(_, s)| s).unwrap_or("");
            if !idx_str.contains('M') && !idx_str.contains('=') {
                out.push(format!("{table}: {d}"));
            }
            continue;
        }
        let index = rest.split_once(" INDEX ").map(|(_, i)| i.split(' ').next().unwrap_or(""));
        if index.is_some_and(|i| partial.contains(i)) {
            continue; // a partial index holds only the rows its WHERE selects
        }
        if index.is_some() && limited && !sorts {
            continue; // bounded: the index gives the order, LIMIT ends the walk
        }
        out.push(format!("{table}: {d}"));
    }
    out
}

/// Why a statement's full-text search is not bounded, if it is not (issue 24): a search of one
/// customer's tickets (`t.customer_id =`) must not go through the global FTS index at all (it
/// is scoped first, `db::search`), and every other `MATCH` must be closed by a `LIMIT` in its own
/// subquery (staff search reads the newest matches only).
fn unbounded_search(sql: &str) -> Option<String> {
    let lower = sql.to_ascii_lowercase();
    if !lower.contains("search match ") {
        return None;
    }
    if lower.contains("t.customer_id =") {
        return Some("a customer's search matched in the global FTS index".into());
    }
    for (i, _) in lower.match_indices("search match ") {
        let rest = &lower[i..];
        let sub = &rest[..rest.find(')').unwrap_or(rest.len())];
        if !sub.split_whitespace().any(|w| w == "limit") {
            return Some(format!("MATCH without a LIMIT in its subquery: …{}", &sql[i..i + sub.len()]));
        }
    }
    None
}

/// Statements worth a plan: reads and writes with a WHERE, not PRAGMAs, transactions or the
/// comments SQLite's trace writes for triggers.
fn plannable(sql: &str) -> bool {
    let first = sql.trim_start().split(|c: char| c.is_whitespace()).next().unwrap_or("").to_ascii_uppercase();
    matches!(first.as_str(), "SELECT" | "WITH" | "UPDATE" | "DELETE" | "INSERT" | "REPLACE")
}

#[test]
fn no_page_scans_tickets_or_activities() {
    let env = Builder::new().toml(FIELDS).prepare();
    let year = {
        let app = env.library_app();
        let opts = ticketd::demo::Options { customers: 12, tickets: 1_500, activities: 12_000, seed: 8 };
        ticketd::demo::fill(&app, &opts).unwrap_or_else(|e| panic!("demo data: {e}"));
        ticketd::clock::year_month(ticketd::clock::now(), app.tz).0
    };
    // Numbers straight from the database: a ticket of K-10001 and the one with 1,000 activities.
    let db = env.db();
    let one: String = db
        .query_row(
            "SELECT t.number FROM tickets t JOIN customers c ON c.id = t.customer_id
             WHERE c.customer_no = 'K-10001' AND t.status <> 'closed' ORDER BY t.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an open ticket of K-10001");
    let k_email: String = db
        .query_row("SELECT email FROM customers WHERE customer_no = 'K-10001'", [], |r| r.get(0))
        .expect("K-10001's e-mail");
    let big: String = db
        .query_row("SELECT number FROM tickets ORDER BY staff_activity_count DESC LIMIT 1", [], |r| r.get(0))
        .expect("the big ticket");
    let (busy_year, busy_month): (i64, i64) = db
        .query_row(
            "SELECT created_month / 100, created_month % 100 FROM tickets GROUP BY created_month
             ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a month");
    drop(db);
    // A member of K-10001 (issue 18): opened a few of its tickets and was added to `one`.
    {
        let app = env.library_app();
        let k = ticketd::app::people::customer_by_no(&app, "K-10001").expect("K-10001");
        let input = ticketd::app::people::ContactInput {
            name: "Mia Mitglied",
            email: "mia@k10001.example",
            phone: "",
            role: "member",
            language: None,
            password: Some(MEMBER_PASSWORD),
        };
        let mia = ticketd::app::people::add_contact(&app, k.id, &input, "test", "").expect("a member");
        let db = env.db();
        db.execute(
            "UPDATE tickets SET contact_id = ?1 WHERE id IN (SELECT id FROM tickets WHERE customer_id = ?2 LIMIT 5)",
            [mia, k.id],
        )
        .expect("openers");
        db.execute(
            "INSERT INTO ticket_people (ticket_id, contact_id, added_at) SELECT id, ?1, 0 FROM tickets WHERE number = ?2",
            rusqlite::params![mia, one],
        )
        .expect("added to one");
    }

    let log = env.dir.path.join("sql.log");
    let server = start(&env.config_path, env.port, &log, &env.dir.path.join("server.log"));
    let addr = server.addr;
    let ym = format!("year={busy_year}&month={busy_month}");
    let s = |v: &[&str]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();

    // Customer portal.
    let mut anna = login(addr, "/login", "K-10001", ticketd::demo::CUSTOMER_PASSWORD);
    visit(
        &mut anna,
        &s(&[
            "/tickets",
            &format!("/tickets?{ym}"),
            &format!("/tickets?year={busy_year}"),
            "/tickets?status=open",
            "/tickets?status=closed&page=2",
            "/tickets?q=Drucker",
            &format!("/tickets?{ym}&format=csv"),
            "/tickets/new",
            &format!("/tickets/{one}"),
            &format!("/tickets/{one}?kind=message"),
            "/account",
            "/account/password",
            "/account/time",
            &format!("/account/time?{ym}"),
            "/account/export",
        ]),
    );
    let r = anna.submit(&format!("/tickets/{one}"), &format!("/tickets/{one}/reply"), &[("body", "Danke!")]);
    r.expect(303);
    let r = anna.submit("/tickets/new", "/tickets", &[("subject", "Guard"), ("body", "Plan?"), ("priority", "normal")]);
    r.expect(303);

    // A member of K-10001: only the tickets they opened or were added to.
    let mut mia = login(addr, "/login", "mia@k10001.example", MEMBER_PASSWORD);
    visit(
        &mut mia,
        &s(&[
            "/tickets",
            &format!("/tickets?{ym}"),
            &format!("/tickets?year={busy_year}"),
            "/tickets?status=open",
            "/tickets?q=Drucker",
            &format!("/tickets?{ym}&format=csv"),
            &format!("/tickets/{one}"),
            &format!("/tickets/{one}/people"),
            "/account/time",
            &format!("/account/time?{ym}"),
            "/account/export",
        ]),
    );
    let r = mia.submit(&format!("/tickets/{one}"), &format!("/tickets/{one}/reply"), &[("body", "Danke!")]);
    r.expect(303);

    // Staff workspace and admin area.
    let mut staff = login(addr, "/staff/login", "pbraun", ticketd::demo::STAFF_PASSWORD);
    visit(
        &mut staff,
        &s(&[
            "/staff/tickets",
            "/staff/tickets?status=open",
            "/staff/tickets?status=active",
            "/staff/tickets?status=closed",
            "/staff/tickets?status=waiting&assignee=mkoch",
            "/staff/tickets?assignee=mine",
            "/staff/tickets?assignee=unassigned&status=active",
            "/staff/tickets?priority=urgent",
            "/staff/tickets?customer=K-10002",
            "/staff/tickets?q=Drucker",
            "/staff/tickets?q=Drucker&view=all",
            "/staff/tickets?q=Drucker&status=closed&sort=created",
            "/staff/tickets?q=pc&view=all&page=2",
            &format!("/staff/tickets?view=all&{ym}"),
            &format!("/staff/tickets?view=all&sort=last&{ym}"),
            &format!("/staff/tickets?view=follow_up&{ym}"),
            "/staff/tickets?view=all&page=30",
            "/staff/tickets?cf_device=pc",
            "/staff/tickets?sort=created",
            "/staff/tickets?sort=priority&status=active",
            &format!("/staff/tickets?{ym}"),
            &format!("/staff/tickets?year={year}&status=open"),
            "/staff/tickets?page=5",
            "/staff/tickets?status=open&format=csv",
            "/staff/tickets?view=mine",
            "/staff/tickets?view=unassigned",
            "/staff/tickets?view=follow_up",
            "/staff/tickets?view=all",
            "/staff/tickets?view=all&sort=last",
            "/staff/tickets?view=mine&priority=high",
            "/staff/tickets?view=all&page=3",
            "/staff/snippets",
            "/staff/account",
            "/staff/tickets/new",
            &format!("/staff/tickets/{one}"),
            &format!("/staff/tickets/{big}"),
            &format!("/staff/tickets/{big}?kind=call"),
            &format!("/staff/tickets/{big}?page=2"),
            "/staff/customers",
            "/staff/customers?q=B%C3%A4ckerei",
            "/staff/customers?page=2",
            "/staff/customers/new",
            "/staff/customers/K-10001",
            "/staff/customers/K-10001/time",
            &format!("/staff/customers/K-10001/time?{ym}"),
            "/staff/customers/K-10001/contingents",
            &format!("/staff/customers/K-10001/contingents?{ym}&format=csv"),
            "/staff/hotline",
            "/staff/hotline?q=K-10003",
            "/staff/hotline?q=Schmidt",
            "/staff/hotline?q=schm",
            "/staff/hotline?q=0621",
            "/staff/hotline?q=Mia+Mit",
            "/staff/customers?q=GmbH",
            "/staff/customers?q=baeck",
            &format!("/staff/hotline?q={}", crate::http::urlencode(&k_email)),
            "/staff/hotline?q=mia%40k10001.example",
            "/staff/password",
            "/admin/staff",
            "/admin/staff/new",
            "/admin/staff/mkoch",
            "/admin/audit",
            "/admin/audit?actor=staff%3Apbraun",
            "/admin/audit?action=login",
            &format!("/admin/audit?year={year}"),
        ]),
    );
    // Deep pages the way the pager leads there: "next" links carry the last row's key (`after=`).
    for start in [
        "/staff/tickets",
        "/staff/tickets?view=all",
        "/staff/tickets?view=all&sort=last",
        "/staff/tickets?view=all&sort=created",
        "/staff/tickets?view=all&sort=priority",
        &format!("/staff/tickets?view=all&{ym}"),
        "/staff/tickets?q=Drucker&view=all",
    ] {
        follow_next(&mut staff, start, 3);
    }
    follow_next(&mut anna, "/tickets", 2);
    follow_next(&mut mia, "/tickets", 1);
    let r =
        crate::harness::staff_activity(&mut staff, &one, &[("kind", "call"), ("body", "Rückruf"), ("minutes", "5")]);
    r.expect(303);
    let r = crate::harness::staff_update(&mut staff, &one, &[("status", "waiting"), ("priority", "high")]);
    r.expect(303);
    let r = crate::harness::staff_activity(
        &mut staff,
        &one,
        &[("kind", "message"), ("body", "Bitte neu starten."), ("status", "auto")],
    );
    r.expect(303);
    let follow_up = ticketd::clock::iso_date(ticketd::clock::now() + 3 * 86_400, crate::harness::time_tz_berlin());
    let r = crate::harness::staff_update(&mut staff, &one, &[("follow_up", &follow_up)]);
    r.expect(303);
    visit(&mut staff, &s(&["/staff/tickets", "/staff/tickets?view=follow_up"]));
    drop(server);

    // The trigger-kept counters (schema 0009, 0010) agree with what they count, after the
    // demo's bulk load and the writes above.
    let db = env.db();
    let differ = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}")) };
    assert_eq!(
        differ(
            "SELECT count(*) FROM (SELECT created_month, status, count(*), sum(minutes) FROM tickets GROUP BY 1, 2
             EXCEPT SELECT month, status, n, minutes FROM ticket_counts WHERE n > 0)"
        ),
        0,
        "ticket_counts"
    );
    assert_eq!(
        differ(
            "SELECT count(*) FROM (SELECT customer_id, created_month, count(*), sum(minutes) FROM tickets GROUP BY 1, 2
             EXCEPT SELECT customer_id, month, n, minutes FROM customer_counts WHERE n > 0)"
        ),
        0,
        "customer_counts"
    );
    assert_eq!(differ("SELECT count(*) FROM customer_counts WHERE n < 0 OR minutes < 0"), 0);
    // Schema 0024: open tickets per assignee, the number of customers, a lookup row each.
    assert_eq!(
        differ(
            "SELECT count(*) FROM (SELECT coalesce(assignee_id, 0), count(*), sum(minutes) FROM tickets
             WHERE status <> 'closed' GROUP BY 1 EXCEPT SELECT assignee_id, n, minutes FROM open_counts WHERE n > 0)"
        ),
        0,
        "open_counts"
    );
    assert_eq!(differ("SELECT count(*) FROM open_counts WHERE n < 0"), 0);
    assert_eq!(differ("SELECT (SELECT n FROM customer_total) - (SELECT count(*) FROM customers)"), 0, "customer_total");
    assert_eq!(
        differ("SELECT (SELECT count(*) FROM customer_lookup) - (SELECT count(*) FROM customers)"),
        0,
        "customer_lookup"
    );
    assert_eq!(
        differ("SELECT (SELECT count(*) FROM contact_lookup) - (SELECT count(*) FROM contacts)"),
        0,
        "contact_lookup"
    );
    assert_eq!(
        differ("SELECT (SELECT sum(n) FROM customer_counts) - (SELECT count(*) FROM tickets)"),
        0,
        "no counter without its tickets"
    );
    drop(db);

    // Every distinct statement, planned on the same database.
    let text = read(&log);
    let statements: BTreeSet<String> =
        text.lines().filter_map(|l| serde_json::from_str::<String>(l).ok()).filter(|sql| plannable(sql)).collect();
    assert!(statements.len() > 40, "too few statements captured ({}); is the trace hook on?", statements.len());
    let keyset = statements.iter().filter(|s| s.contains(" AND t.id < ") && s.contains("OFFSET 0")).count();
    assert!(keyset >= 5, "the pager's keyset pages were planned too ({keyset})");
    let db = env.db();
    // The statements call the server's SQL functions (customer search: `ticketd_match`).
    ticketd::db::search::register(&db).expect("ticketd_match");
    let partial: BTreeSet<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql LIKE '% WHERE %'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("partial indexes");
    let mut failures = Vec::new();
    let mut tolerated_used = vec![false; TOLERATED.len()];
    for sql in &statements {
        let mut stmt = match db.prepare(&format!("EXPLAIN QUERY PLAN {sql}")) {
            Ok(s) => s,
            Err(e) => panic!("cannot plan {sql}: {e}"),
        };
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| panic!("plan of {sql}: {e}"));
        let mut scans = full_scans(sql, &plan, &partial);
        scans.extend(unbounded_search(sql));
        if scans.is_empty() {
            continue;
        }
        let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(i) = TOLERATED.iter().position(|(tolerated, _)| flat == *tolerated) {
            tolerated_used[i] = true;
            eprintln!("tolerated ({}): {flat}\n    {}", TOLERATED[i].1, scans.join("\n    "));
            continue;
        }
        failures.push(format!("{flat}\n    {}", scans.join("\n    ")));
    }
    for (i, used) in tolerated_used.iter().enumerate() {
        assert!(used, "TOLERATED entry matches no statement any more; delete it: {:?}", TOLERATED[i].0);
    }
    assert!(
        failures.is_empty(),
        "{} statement(s) read all of tickets or activities (of {} checked):\n{}",
        failures.len(),
        statements.len(),
        failures.join("\n")
    );
}

#[test]
fn scans_are_classified() {
    let none = BTreeSet::new();
    let full_scans = |q: &str, plan: &[String]| full_scans(q, plan, &none);
    let q = "SELECT count(*) FROM tickets t WHERE t.priority = 'high'";
    assert_eq!(full_scans(q, &["SCAN t".into()]), vec!["tickets: SCAN t".to_string()]);
    let q = "SELECT a.id FROM activities AS a WHERE a.minutes > 0";
    assert_eq!(full_scans(q, &["SCAN a USING COVERING INDEX x".into()]).len(), 1);
    let q = "SELECT t.id FROM tickets t ORDER BY t.staff_last_activity_at DESC LIMIT 50 OFFSET 0";
    assert!(full_scans(q, &["SCAN t USING INDEX tickets_last".into()]).is_empty());
    let sorted = ["SCAN t USING INDEX tickets_last".to_string(), "USE TEMP B-TREE FOR ORDER BY".to_string()];
    assert_eq!(full_scans(q, &sorted).len(), 1);
    let q = "SELECT * FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.number = '2026-00001'";
    let plan = ["SEARCH t USING INDEX sqlite_autoindex_tickets_1 (number=?)".to_string(), "SCAN c".to_string()];
    assert_eq!(full_scans(q, &plan), vec!["customers: SCAN c".to_string()], "customers are guarded too (issue 24)");
    let plan = [
        "SEARCH t USING INDEX sqlite_autoindex_tickets_1 (number=?)".to_string(),
        "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)".to_string(),
    ];
    assert!(full_scans(q, &plan).is_empty());
    let partial: BTreeSet<String> = ["tickets_active".to_string()].into();
    let q = "SELECT count(*) FROM tickets t WHERE t.status <> 'closed'";
    assert!(self::full_scans(q, &["SCAN t USING COVERING INDEX tickets_active".into()], &partial).is_empty());
    assert!(plannable("  SELECT 1") && plannable("update tickets set x = 1") && !plannable("PRAGMA foreign_keys"));
    assert!(!plannable("-- TRIGGER audit_log_no_replace"));
    let scoped = "SELECT count(*) FROM tickets t WHERE t.customer_id = 3 AND t.id IN (SELECT ticket_id FROM search WHERE search MATCH '\"x\"*' ORDER BY rowid LIMIT 5)";
    assert!(unbounded_search(scoped).is_some(), "a customer's search goes through db::search");
    let all = "SELECT t.id FROM tickets t WHERE t.id IN (SELECT ticket_id FROM search WHERE search MATCH '\"x\"*')";
    assert!(unbounded_search(all).is_some(), "no LIMIT");
    let bounded = "SELECT t.id FROM tickets t WHERE (t.id IN (SELECT ticket_id FROM search WHERE search MATCH '\"x\"*' ORDER BY rowid LIMIT 500) OR t.id IN (SELECT rowid FROM field_search WHERE field_search MATCH '\"x\"*' LIMIT 500))";
    assert_eq!(unbounded_search(bounded), None);
    assert_eq!(
        unbounded_search("SELECT 1 FROM tickets t WHERE t.customer_id = 3 AND ticketd_match(t.subject, 'x')"),
        None
    );
    // The full-text indexes: a MATCH or a rowid bounds them, anything else reads them whole.
    let q = "SELECT id FROM customers WHERE id IN (SELECT rowid FROM customer_lookup WHERE customer_lookup MATCH 'x')";
    let plan = [
        "SEARCH customers USING INTEGER PRIMARY KEY (rowid=?)".to_string(),
        "LIST SUBQUERY 1".to_string(),
        "SCAN customer_lookup VIRTUAL TABLE INDEX 0:M1".to_string(),
    ];
    assert!(full_scans(q, &plan).is_empty());
    let q = "SELECT rowid FROM customer_lookup WHERE text LIKE '%x%'";
    assert_eq!(full_scans(q, &["SCAN customer_lookup VIRTUAL TABLE INDEX 0:".into()]).len(), 1);
    let q = "SELECT 1 FROM tickets t WHERE EXISTS (SELECT 1 FROM field_search f WHERE f.rowid = t.id)";
    assert!(full_scans(q, &["SCAN f VIRTUAL TABLE INDEX 0:=".into()]).is_empty());
    assert_eq!(full_scans(q, &["SCAN f VIRTUAL TABLE INDEX 0:".into()]).len(), 1);
}
