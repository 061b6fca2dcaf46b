#!/usr/bin/env python3
"""Instructions per rendered page, independent of machine load (issue 20).

`make bench` measures CPU time per request under wrk; on a shared machine that needs the whole
machine for minutes. This script counts instructions instead: the server runs under
`valgrind --tool=callgrind`, the counters are zeroed (`callgrind_control -z`) after a warm-up,
N requests of one page are sent one after another on one keep-alive connection (as wrk sends
them), and the counters are dumped
(`callgrind_control -d`). Instructions per request do not depend on other load.

    python3 bench/page_cost.py --binary target/release/ticketd [--db FILE] [-n 20]

Without `--db` it builds a small demo (100 customers, 5,000 tickets, 50,000 activities, plus the
demo's ticket with 1,000 activities). Logins happen on a native run of the server (bcrypt under
valgrind takes long); the sessions live in the database, so the cookies work for the second run.
"""
import argparse
import glob
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import CUSTOMER, CUSTOMER_PW, STAFF, STAFF_PW, Client, fetch, free_port, wait_for  # noqa: E402


def pages(port, db):
    import sqlite3

    def q(sql, *p):
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return c.execute(sql, p).fetchone()
        finally:
            c.close()

    cust, staff = Client(port), Client(port)
    r, _ = cust.form("/login", "/login", {"login": CUSTOMER, "password": CUSTOMER_PW})
    assert r.status == 303, r.status
    r, _ = staff.form("/staff/login", "/staff/login", {"login": STAFF, "password": STAFF_PW})
    assert r.status == 303, r.status
    cid, = q("SELECT id FROM customers WHERE customer_no = ?", CUSTOMER)
    # Top the current month up to 50 tickets through the portal, as bench/run.py does.
    for i in range(60):
        r, _ = cust.form("/tickets/new", "/tickets", {"subject": f"Kosten-Ticket {i + 1}", "body": "page_cost.py",
                                                      "priority": "normal"})
        assert r.status == 303, r.status
        cust.request("GET", r.getheader("Location"))
        last = r.getheader("Location").rsplit("/", 1)[-1]
        month, = q("SELECT created_month FROM tickets WHERE number = ?", last)
        n, = q("SELECT count(*) FROM tickets WHERE customer_id = ? AND created_month = ?", cid, month)
        if n >= 50:
            break
    ten, = q("SELECT number FROM tickets WHERE customer_id = ? ORDER BY abs(activity_count - 10) + "
             "abs(staff_activity_count - 10), id DESC LIMIT 1", cid)
    big, = q("SELECT number FROM tickets ORDER BY staff_activity_count DESC LIMIT 1")
    y, m = divmod(month, 100)
    cc, sc = cust.cookie_header(), staff.cookie_header()
    _, page, _ = fetch(port, "GET", "/tickets", cc)
    css = re.search(r'href="(/assets/app\.[0-9a-f]+\.css)"', page.decode()).group(1)
    return [
        ("CSS asset (the floor of a request)", cc, css),
        ("overview (one month, 50 rows)", cc, f"/tickets?year={y}&month={m}"),
        ("staff queue (active, mine)", sc, "/staff/tickets?status=active&assignee=mine"),
        ("staff queue (unfiltered)", sc, "/staff/tickets"),
        ("ticket, 10 activities (customer)", cc, f"/tickets/{ten}"),
        ("ticket, 1,000 activities (staff)", sc, f"/staff/tickets/{big}"),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/ticketd")
    ap.add_argument("--db")
    ap.add_argument("-n", type=int, default=20, help="requests per page while counting")
    ap.add_argument("--sql", action="store_true",
                    help="also count the SQL statements of one request per page (TICKETD_SQL_LOG, native run)")
    ap.add_argument("--keep", help="copy each page's callgrind dump into this directory (for callgrind_annotate)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="page-cost-")
    db = os.path.join(tmp, "ticketd.db")
    port = free_port()
    cfg = os.path.join(tmp, "ticketd.toml")
    with open(cfg, "w") as f:
        f.write(f'listen = "127.0.0.1:{port}"\ndatabase = "{db}"\n')
    if a.db:
        shutil.copy(a.db, db)
    else:
        subprocess.run([a.binary, "demo", "--customers", "100", "--tickets", "5000", "--activities", "50000",
                        "--config", cfg], check=True, capture_output=True)
    log = open(os.path.join(tmp, "log"), "w")
    p = subprocess.Popen([a.binary, "serve", "--config", cfg], stdout=log, stderr=log)
    assert wait_for(port, "/healthz"), "server did not start"
    todo = pages(port, db)
    p.terminate()
    p.wait()
    statements = {}
    if a.sql:
        # A native run with the statement log: one warm-up request per page, then one counted.
        sql_log = os.path.join(tmp, "sql.log")
        p = subprocess.Popen([a.binary, "serve", "--config", cfg], stdout=log, stderr=log,
                             env={**os.environ, "TICKETD_SQL_LOG": sql_log})
        assert wait_for(port, "/healthz"), "server did not start"
        for label, cookie, path in todo:
            fetch(port, "GET", path, cookie)
            before = os.path.getsize(sql_log) if os.path.exists(sql_log) else 0
            fetch(port, "GET", path, cookie)
            with open(sql_log) as f:
                f.seek(before)
                lines = f.readlines()
                statements[label] = len(lines)
                if os.environ.get("PAGE_COST_SHOW_SQL"):
                    print(label, *(" " + line[:160].rstrip() for line in lines), sep="\n", file=sys.stderr)
        p.terminate()
        p.wait()
    out = os.path.join(tmp, "cg.out")
    p = subprocess.Popen(["valgrind", "--tool=callgrind", "--compress-strings=no", "--compress-pos=no", f"--callgrind-out-file={out}.%p", a.binary, "serve",
                          "--config", cfg], stdout=log, stderr=log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not wait_for(port, "/healthz"):
        pass
    # The start warms the login's dummy bcrypt hash on a thread of its own (`cli::serve`): let it
    # finish before anything is counted, or the first page's window holds its ~9 M instructions.
    time.sleep(3)
    print(f"{'page':40} {'bytes':>8} {'instructions/request':>22}" + (f" {'statements':>11}" if a.sql else ""))
    for label, cookie, path in todo:
        # One keep-alive connection per page, as wrk's: the warm-up requests start its thread
        # and buffers, the counted ones pay only what every request pays.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

        def get():
            conn.request("GET", path, headers={"Cookie": cookie})
            r = conn.getresponse()
            return r.status, r.read()
        for _ in range(3):
            status, body = get()
            assert status == 200, (path, status)
        subprocess.run(["callgrind_control", "-z", str(p.pid)], check=True, capture_output=True)
        for _ in range(a.n):
            get()
        before = set(glob.glob(f"{out}.{p.pid}*"))
        subprocess.run(["callgrind_control", "-d", str(p.pid)], check=True, capture_output=True)
        dump = sorted(set(glob.glob(f"{out}.{p.pid}*")) - before)[-1]
        total = int(re.search(r"^(?:summary|totals): (\d+)", open(dump).read(), re.M).group(1))
        extra = f" {statements[label]:>11}" if a.sql else ""
        print(f"{label:40} {len(body):>8} {total // a.n:>22,}{extra}", flush=True)
        conn.close()
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            shutil.copy(dump, os.path.join(a.keep, re.sub(r"\W+", "_", label).strip("_") + ".callgrind"))
    p.terminate()
    p.wait()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
