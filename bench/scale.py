#!/usr/bin/env python3
"""The `scale` table of issue 24 (nothing grows with the database): each page of the issue's
table on a 100k-ticket and a 1M-ticket `ticketd demo` database, the median wall time of N
sequential GETs (client side, whole response, after one warm-up GET), the ratio, the target and
PASS/FAIL.

As a command:

    python3 bench/scale.py --binary target/release/ticketd --db-100k A/ticketd.db --db-1m B/ticketd.db [-n 7]
        [--build]   # build a missing database first with `ticketd demo` (1M: ~10 minutes)

As a module (bench/run.py):

    import scale
    lines = scale.run(binary, db_100k, db_1m, n=7)   # markdown lines of the table

Targets (issue 24): at 1M within 1.5x of the 100k time or under 3 ms; customer search also
<= 5 ms and staff search <= 20 ms at 1M. The databases are only read (plus the two logins'
sessions); never point this at a database a server is using.

Pages: the customer is the demo customer whose ticket count is nearest 100 (as in the issue:
"one customer's ~100 tickets"); the month is the newest month the queue links to; "page 50"
is reached as a user does, through the pager's "next" link (keyset, `after=`), and once more
as a typed `?page=50` (OFFSET).
"""
import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import CUSTOMER_PW, STAFF, STAFF_PW, Client, free_port  # noqa: E402

NEXT = re.compile(r'rel="next" href="([^"]+)"')
SIZES = {"100k": (1000, 100_000, 1_000_000), "1m": (10_000, 1_000_000, 10_000_000)}


def customer_near_100(db):
    """The customer number whose ticket count is nearest 100 (from the trigger-kept counts)."""
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return c.execute(
            "SELECT c.customer_no FROM customer_counts k JOIN customers c ON c.id = k.customer_id "
            "GROUP BY k.customer_id ORDER BY abs(sum(k.n) - 100), c.customer_no LIMIT 1"
        ).fetchone()[0]
    finally:
        c.close()


def ensure_db(binary, db, size):
    """Builds `db` with `ticketd demo` at `size` ("100k" or "1m") unless it exists."""
    if os.path.exists(db):
        return
    customers, tickets, activities = SIZES[size]
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    env = dict(os.environ, TICKETD_DATABASE=db)
    subprocess.run(
        [binary, "demo", "--customers", str(customers), "--tickets", str(tickets), "--activities", str(activities)],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )


def server_micros(log_path, offset, path):
    """The durations (µs) the server logged for `GET path` with 200 after byte `offset`."""
    with open(log_path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    needle = f" GET {path} "
    return [int(m.group(1)) for line in text.splitlines() if needle in line
            for m in [re.search(r" (\d+)us 200 ", line)] if m]


def measure(binary, db, n=7, log=None, timing="server"):
    """{page name: (path, median ms)} for one database. `timing`: "server" — the time the server
    logged for each request (from reading the request to the response written; on a loaded
    machine the client's wall time also holds the wait for a core, rounded up to the kernel's
    4 ms tick) — or "client" (wall time of the whole GET at the client)."""
    port = free_port()
    env = dict(os.environ, TICKETD_DATABASE=db, TICKETD_LISTEN=f"127.0.0.1:{port}")
    log_file = tempfile.NamedTemporaryFile(prefix="ticketd-scale-", suffix=".log", delete=False)
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    out = {}
    try:
        # The first start on a database of an older schema migrates it first (0024 at 1M: ~15 s).
        deadline = time.monotonic() + 900
        while True:
            try:
                Client(port).request("GET", "/healthz")
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"ticketd serve on {db} exited with {server.returncode}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"ticketd serve on {db} did not answer in 900 s")
                time.sleep(0.1)
        customer = customer_near_100(db)
        cust, staff = Client(port), Client(port)
        for c, page, login, password in ((cust, "/login", customer, CUSTOMER_PW),
                                         (staff, "/staff/login", STAFF, STAFF_PW)):
            r, _ = c.form(page, page, {"login": login, "password": password})
            assert r.status == 303, f"login {login}: {r.status}"
        _, html = staff.request("GET", "/staff/tickets?view=all")
        m = re.search(r"year=(\d{4})&(?:amp;)?month=(\d+)", html.decode())
        year, month = (int(m.group(1)), int(m.group(2))) if m else (2025, 6)
        # Page 50 as a user gets there: following "next" from page 1 (a small dataset, as in
        # `make bench-quick`, may end sooner: its last page then stands in, typed the same).
        path = "/staff/tickets?view=all"
        depth = 1
        for _ in range(49):
            _, html = staff.request("GET", path)
            link = NEXT.search(html.decode())
            if not link:
                break
            path = link.group(1).replace("&amp;", "&")
            depth += 1
        page50 = path
        pages = [
            ("customer search", cust, "/tickets?q=Drucker"),
            ("staff search", staff, "/staff/tickets?q=Drucker"),
            ("staff queue, one month", staff, f"/staff/tickets?year={year}&month={month}"),
            ("staff queue, page 50 (pager link)", staff, page50),
            ("staff queue, page 50 (typed)", staff, f"/staff/tickets?view=all&page={depth}"),
            ("staff customers list", staff, "/staff/customers"),
            ("staff customer search", staff, "/staff/customers?q=GmbH"),
            ("hotline by customer number", staff, f"/staff/hotline?q={customer}"),
            # Not in the table, measured beside it: the queue's default view and "mine".
            ("staff queue (active)", staff, "/staff/tickets"),
            ("staff queue, mine", staff, "/staff/tickets?view=mine"),
        ]
        for name, c, path in pages:
            c.request("GET", path)  # warm the cache
            log_file.flush()
            offset = os.path.getsize(log_file.name)
            times = []
            for _ in range(n):
                t = time.perf_counter()
                r, _ = c.request("GET", path)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status == 200, f"{path}: {r.status}"
            served = [us / 1000 for us in server_micros(log_file.name, offset, path)]
            client = statistics.median(times)
            server_ms = statistics.median(served) if served else float("nan")
            out[name] = (path, server_ms if timing == "server" and served else client)
            if log:
                log(f"  {name}: server {server_ms:.2f} ms, client {client:.1f} ms ({path}, "
                    f"load {os.getloadavg()[0]:.1f})")
    finally:
        server.terminate()
        server.wait()
        log_file.close()
        os.unlink(log_file.name)
    return out, customer


def target(name):
    """(text, check(ms_100k, ms_1m))."""
    cap = {"customer search": 5.0, "staff search": 20.0}.get(name)

    def ok(a, b):
        grows = b <= 3.0 or b <= 1.5 * a
        return grows and (cap is None or b <= cap)

    text = "≤ 1.5× or < 3 ms" + (f", ≤ {cap:g} ms" if cap else "")
    return text, ok


def run(binary, db_100k, db_1m, n=7, log=None, timing="server"):
    """The `scale` table as markdown lines (`timing`: see `measure`)."""
    small, c_small = measure(binary, db_100k, n, log, timing)
    big, c_big = measure(binary, db_1m, n, log, timing)
    what = "server-side time" if timing == "server" else "client wall time"
    lines = [
        f"Median {what} of {n} sequential GETs per page (ms), customers {c_small} (100k) and {c_big} (1M), "
        f"load {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| page | 100k ms | 1M ms | ratio | target | result |",
        "|---|--:|--:|--:|---|---|",
    ]
    for name, (path, a) in small.items():
        b = big[name][1]
        text, ok = target(name)
        lines.append(
            f"| {name} `{path.split('&after=')[0]}` | {a:.2f} | {b:.2f} | {b / a:.2f}× | {text} | "
            f"{'PASS' if ok(a, b) else 'FAIL'} |"
        )
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default="target/release/ticketd")
    ap.add_argument("--db-100k", required=True)
    ap.add_argument("--db-1m", required=True)
    ap.add_argument("-n", type=int, default=7)
    ap.add_argument("--build", action="store_true", help="build a missing database with `ticketd demo`")
    ap.add_argument("--timing", choices=["server", "client"], default="server")
    a = ap.parse_args()
    if a.build:
        ensure_db(a.binary, a.db_100k, "100k")
        ensure_db(a.binary, a.db_1m, "1m")
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    for line in run(a.binary, a.db_100k, a.db_1m, a.n, log=log, timing=a.timing):
        print(line)


if __name__ == "__main__":
    main()
