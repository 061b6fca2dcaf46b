"""The request frame's answers from two binaries on one database, compared byte for byte: status,
every header line in order, and body (issue 20, BENCHMARKS.md item 15):
`python3 bench/frame_diff.py OLD_BINARY NEW_BINARY`.

Pages, assets, `304`s, the login pages, errors, language switches, `HEAD`; a fixed pre-login
CSRF cookie keeps anonymous forms the same. Each binary starts from the same copy of the database. Masked: `Date`, and the value of an `ETag` of a page
(keyed with a secret drawn at each start; that both binaries send one where the other does, and
that it answers `304`, is compared).
"""
import http.client, os, re, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import free_port, wait_for
import page_cost

old, new = sys.argv[1], sys.argv[2]
tmp = os.path.join(tempfile.gettempdir(), "frame-diff")
shutil.rmtree(tmp, ignore_errors=True); os.makedirs(tmp)
db = os.path.join(tmp, "ticketd.db"); port = free_port(); cfg = os.path.join(tmp, "ticketd.toml")
open(cfg, "w").write(f'listen = "127.0.0.1:{port}"\ndatabase = "{db}"\n')
subprocess.run([old, "demo", "--customers", "30", "--tickets", "1500", "--activities", "15000", "--config", cfg],
               check=True, capture_output=True)
CSRF = "ticketd_csrf=" + "ab" * 24


def serve(b):
    p = subprocess.Popen([b, "serve", "--config", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(port, "/healthz")
    return p


def request(method, path, headers):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request(method, path, headers=headers)
        r = c.getresponse()
        return r.status, r.getheaders(), r.read()
    finally:
        c.close()


p = serve(old)
todo = page_cost.pages(port, db)
p.terminate(); p.wait()
for ext in ("", "-wal", "-shm"):
    if os.path.exists(db + ext):
        shutil.copy(db + ext, db + ".start" + ext)
cc, sc = todo[0][1], todo[2][1]
css = todo[0][2]
ticket10, ticket1000 = todo[4][2], todo[5][2]
cases = [(label, "GET", path, {"Cookie": cookie}) for label, cookie, path in todo]
cases += [
    ("ticket en", "GET", ticket10 + "?lang=en", {"Cookie": cc}),
    ("ticket lang cookie", "GET", ticket10, {"Cookie": cc + "; ticketd_lang=en"}),
    ("ticket Accept-Language", "GET", ticket10, {"Cookie": cc, "Accept-Language": "en-GB,en;q=0.8"}),
    ("ticket flash", "GET", ticket10, {"Cookie": cc + "; ticketd_flash=" + "saved"}),
    ("ticket HEAD", "HEAD", ticket10, {"Cookie": cc}),
    ("staff ticket en", "GET", ticket1000 + "?lang=en&x=1", {"Cookie": sc}),
    ("login", "GET", "/login", {"Cookie": CSRF}),
    ("login en next", "GET", "/login?next=/tickets&lang=en", {"Cookie": CSRF}),
    ("login without csrf cookie (Set-Cookie masked)", "GET", "/login", {}),
    ("staff login", "GET", "/staff/login", {"Cookie": CSRF}),
    ("forgot", "GET", "/login/forgot", {"Cookie": CSRF}),
    ("root anonymous", "GET", "/", {}),
    ("tickets anonymous", "GET", "/tickets?year=2026", {}),
    ("404 customer", "GET", "/tickets/1999-99999", {"Cookie": cc}),
    ("404 anonymous", "GET", "/nothing/here", {"Cookie": CSRF}),
    ("403 staff page as customer", "GET", "/staff/tickets", {"Cookie": cc}),
    ("expired session cookie", "GET", "/tickets", {"Cookie": "ticketd_session=" + "0" * 64}),
    ("bad session cookie", "GET", "/account", {"Cookie": "ticketd_session=zz; " + CSRF}),
    ("css", "GET", css, {}),
    ("css 304", "GET", css, {"If-None-Match": "*"}),
    ("css plain name", "GET", "/assets/app.css", {"Cookie": cc}),
    ("theme", "GET", "/assets/theme.css", {}),
    ("healthz", "GET", "/healthz", {}),
    ("api without token", "GET", "/api/v1/tickets", {"Cookie": cc}),
    ("account", "GET", "/account", {"Cookie": cc}),
    ("staff customers", "GET", "/staff/customers", {"Cookie": sc}),
    ("encoded path", "GET", "/tickets/%32%30", {"Cookie": cc}),
    ("quoted cookie", "GET", ticket10, {"Cookie": cc.replace("=", '="', 1) + '"'}),
]


def run(binary):
    # Each binary starts from the same database (a page view marks a ticket read).
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db + ".start" + ext):
            shutil.copy(db + ".start" + ext, db + ext)
        elif os.path.exists(db + ext):
            os.remove(db + ext)
    p = serve(binary)
    out = []
    try:
        for label, method, path, headers in cases:
            st, hs, body = request(method, path, headers)
            lines = []
            for k, v in hs:
                if k == "Date":
                    v = "-"
                if k == "ETag" and not path.startswith("/assets/"):
                    # The page's tag is keyed per process: it must answer 304 here, then is masked.
                    st2, _, b2 = request(method, path, {**headers, "If-None-Match": v})
                    v = f"(304: {st2 == 304 and b2 == b''})"
                if k == "Set-Cookie" and "ticketd_csrf=" in v and CSRF not in headers.get("Cookie", ""):
                    v = re.sub(r"ticketd_csrf=[0-9a-f]{48}", "ticketd_csrf=-", v)
                    body = re.sub(rb'value="[0-9a-f]{48}"', b'value="-"', body)
                lines.append(f"{k}: {v}")
            out.append((st, lines, body))
    finally:
        p.terminate(); p.wait()
    return out


a, b = run(old), run(new)
bad = 0
for i, ((label, method, path, _), x, y) in enumerate(zip(cases, a, b)):
    for tag, r in (("old", x), ("new", y)):
        open(os.path.join(tmp, f"{i:02d}.{tag}"), "wb").write("\n".join([str(r[0])] + r[1]).encode() + b"\n\n" + r[2])
    same = x == y
    bad += not same
    print(f"{'same' if same else 'DIFF'} {x[0]} {len(x[2]):>8} {label} {method} {path}")
    if not same:
        if x[0] != y[0]:
            print("   status", x[0], y[0])
        for l1, l2 in zip(x[1] + [""] * 9, y[1] + [""] * 9):
            if l1 != l2:
                print("   -", l1, "\n   +", l2)
        if x[2] != y[2]:
            print("   body differs")
print("all identical" if not bad else f"{bad} differ")
sys.exit(1 if bad else 0)
