#!/usr/bin/env python3
"""Per-page timings for issue 24 (nothing grows with the database): starts `ticketd serve` on an
existing demo database, logs in as a customer and as staff, and prints the median of N
sequential GETs per page (client-side wall time, whole response), with the load average.

    python3 bench/scale_pages.py --binary target/release/ticketd --db /tmp/x/ticketd.db [-n 7]

The database must come from `ticketd demo` (its logins and passwords). Nothing is written but
the two logins' sessions.
"""
import argparse, http.client, os, re, statistics, subprocess, sys, tempfile, time, urllib.parse

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Client:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return resp, data

    def login(self, page, login, password):
        _, html = self.request("GET", page)
        token = CSRF.search(html.decode()).group(1)
        body = urllib.parse.urlencode({"login": login, "password": password, "csrf": token})
        r, _ = self.request("POST", page, body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 303, f"login {login}: {r.status}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("-n", type=int, default=7)
    ap.add_argument("--port", type=int, default=18724)
    ap.add_argument("--customer", default="K-10001")
    ap.add_argument("--year", type=int, default=0)
    ap.add_argument("--month", type=int, default=0)
    a = ap.parse_args()
    env = dict(os.environ, TICKETD_DATABASE=a.db, TICKETD_LISTEN=f"127.0.0.1:{a.port}")
    server = subprocess.Popen([a.binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                Client(a.port).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        cust, staff = Client(a.port), Client(a.port)
        cust.login("/login", a.customer, "Kunde-Demo-123")
        staff.login("/staff/login", "mkoch", "Team-Demo-123")
        year, month = a.year, a.month
        if not year:
            _, html = staff.request("GET", "/staff/tickets?view=all")
            m = re.search(r"year=(\d{4})&(?:amp;)?month=(\d+)", html.decode())
            year, month = (int(m.group(1)), int(m.group(2))) if m else (2025, 6)
        pages = [
            ("customer search", cust, "/tickets?q=Drucker"),
            ("customer overview", cust, "/tickets"),
            ("staff search", staff, "/staff/tickets?q=Drucker"),
            ("staff queue", staff, "/staff/tickets"),
            ("staff queue, one month", staff, f"/staff/tickets?year={year}&month={month}"),
            ("staff queue, one month, all", staff, f"/staff/tickets?view=all&year={year}&month={month}"),
            ("staff queue, page 50", staff, "/staff/tickets?view=all&page=50"),
            ("staff customers list", staff, "/staff/customers"),
            ("staff customer search", staff, "/staff/customers?q=GmbH"),
            ("hotline by customer number", staff, f"/staff/hotline?q={a.customer}"),
        ]
        print(f"db: {a.db} ({os.path.getsize(a.db) / 1e6:.0f} MB), median of {a.n} sequential GETs, ms")
        for name, c, path in pages:
            c.request("GET", path)  # warm the cache
            times = []
            for _ in range(a.n):
                t = time.perf_counter()
                r, body = c.request("GET", path)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status == 200, f"{path}: {r.status}"
            load = os.getloadavg()[0]
            print(f"| {name} | `{path}` | {statistics.median(times):.1f} | {load:.1f} | {len(body)} |", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
