#!/usr/bin/env python3
"""SQLite work per page query for issue 24, independent of machine load: VM steps (progress
handler every instruction) and wall time of the old and new SQL of the pages that grew, on a
`ticketd demo` database (read-only).

    python3 bench/scale_steps.py DB [customer_no]

Written for schema 0026 and before: its FTS statements read the `search` table's `ticket_id`
and `internal` columns, which schema 0027 dropped (the index is contentless; staff search now
reads rowids, `db::search::text_hits`). Run it on a database from before 0027.

`ticketd_match` is registered as a Python function with the same meaning (word prefixes,
case-folded); its own work is not in the step count, its calls are (one per row read).
"""
import re, sqlite3, statistics, sys, time, unicodedata

db = sys.argv[1]
customer_no = sys.argv[2] if len(sys.argv) > 2 else "K-10112"
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def fold(s):
    return "".join(ch for ch in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(ch))


def ticketd_match(text, q):
    if text is None:
        return 0
    words = [fold(w) for w in re.split(r"\W+", text) if w]
    terms = [fold(w) for w in re.split(r"\W+", q) if w][:8]
    return int(bool(terms) and all(any(w.startswith(t) for w in words) for t in terms))


c.create_function("ticketd_match", 2, ticketd_match, deterministic=True)
steps = [0]


def tick():
    steps[0] += 1
    return 0


c.set_progress_handler(tick, 1)


def run(name, sql, args):
    plan = [r[3] for r in c.execute("EXPLAIN QUERY PLAN " + sql, args)]
    times = []
    for _ in range(5):
        steps[0] = 0
        t = time.perf_counter()
        rows = c.execute(sql, args).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    print(f"| {name} | {steps[0]:,} | {statistics.median(times):.1f} | {'; '.join(plan)} |", flush=True)


cid = c.execute("SELECT id FROM customers WHERE customer_no = ?", (customer_no,)).fetchone()[0]
n = c.execute("SELECT count(*) FROM tickets").fetchone()[0]
month = c.execute("SELECT created_month FROM tickets ORDER BY id DESC LIMIT 1 OFFSET 5000").fetchone()[0]
now = int(time.time())
print(f"{db}: {n:,} tickets; customer {customer_no}; month {month}; "
      f"load {open('/proc/loadavg').read().split()[0]}")
print("| query | VM steps | ms (median of 5) | plan |\n|---|---|---|---|")
fts = '"Drucker"*'
old_c = ("SELECT count(*) FROM tickets t WHERE t.customer_id = ? AND (t.id IN (SELECT ticket_id FROM search "
         "WHERE search MATCH ? AND internal = 0) OR t.id IN (SELECT rowid FROM field_search WHERE field_search MATCH ?))")
run("customer search count, old (global FTS)", old_c, (cid, fts, fts))
new_c = ("SELECT count(*) FROM tickets t WHERE t.customer_id = ? AND (ticketd_match(t.subject, ?) OR EXISTS "
         "(SELECT 1 FROM activities a WHERE a.ticket_id = t.id AND a.internal = 0 AND "
         "ticketd_match(coalesce(a.email_subject || char(10), '') || a.body, ?)) OR EXISTS "
         "(SELECT 1 FROM field_search f WHERE f.rowid = t.id AND ticketd_match(f.text, ?)))")
run("customer search count, new (scoped)", new_c, (cid, "Drucker", "Drucker", "Drucker"))
old_s = ("SELECT count(*), coalesce(sum(t.minutes), 0) FROM tickets t WHERE t.status <> 'closed' AND t.follow_up_at <= ? AND "
         "(t.id IN (SELECT ticket_id FROM search WHERE search MATCH ?) OR t.id IN "
         "(SELECT rowid FROM field_search WHERE field_search MATCH ?))")
run("staff search count, old (all matches)", old_s, (now, fts, fts))
new_s = ("SELECT count(*), coalesce(sum(t.minutes), 0) FROM tickets t WHERE t.status <> 'closed' AND t.follow_up_at <= ? AND "
         "(t.id IN (SELECT ticket_id FROM search WHERE search MATCH ? ORDER BY rowid LIMIT 500) OR t.id IN "
         "(SELECT rowid FROM field_search WHERE field_search MATCH ? ORDER BY rowid DESC LIMIT 500))")
run("staff search count, new (newest 500 texts)", new_s, (now, fts, fts))
run("staff search, 'at least' probe", "SELECT max((SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ?1 LIMIT 501)), "
    "(SELECT count(*) FROM (SELECT 1 FROM field_search WHERE field_search MATCH ?1 LIMIT 501)))", (fts,))
page = ("SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.status <> 'closed' AND t.follow_up_at <= ? AND "
        "(t.id IN (SELECT ticket_id FROM search WHERE search MATCH ? ORDER BY rowid LIMIT 500) OR t.id IN "
        "(SELECT rowid FROM field_search WHERE field_search MATCH ? ORDER BY rowid DESC LIMIT 500)) "
        "ORDER BY coalesce(t.customer_activity_at, t.created_at) DESC, t.id DESC LIMIT 50")
run("staff search page, new", page, (now, fts, fts))
W = "WHERE t.created_month = ? AND t.status <> 'closed' AND t.follow_up_at <= ?"
run("staff month: count (active)", f"SELECT count(*), coalesce(sum(t.minutes), 0) FROM tickets t {W}", (month, now))
run("staff month: page (active)", f"SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id {W} "
    "ORDER BY coalesce(t.customer_activity_at, t.created_at) DESC, t.id DESC LIMIT 50", (month, now))
run("staff month: page (view=all)", "SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id "
    "WHERE t.created_month = ? ORDER BY coalesce(t.customer_activity_at, t.created_at) DESC, t.id DESC LIMIT 50", (month,))
run("staff queue page 50 (view=all, OFFSET 2450)", "SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id "
    "ORDER BY coalesce(t.customer_activity_at, t.created_at) DESC, t.id DESC LIMIT 50 OFFSET 2450", ())
run("customers list, new", "SELECT id FROM customers ORDER BY active DESC, name COLLATE NOCASE LIMIT 50", ())
run("customers count", "SELECT count(*) FROM customers", ())
run("hotline: customer number", "SELECT id FROM customers WHERE customer_no = ?", (customer_no,))
run("customer search `GmbH` (substring, unchanged)", "SELECT count(*) FROM customers WHERE (name LIKE '%GmbH%' OR email LIKE lower('%GmbH%'))", ())
