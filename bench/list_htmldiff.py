"""The list pages and exports saved from two binaries on one database and compared byte for byte
(issue 20, BENCHMARKS.md item 13): `python3 bench/list_htmldiff.py OLD_BINARY NEW_BINARY`.

Three configurations: no `[[fields]]`, fields with a list column (values written into the
database), fields without one. The account ZIP is compared by its members, `exported_at` masked.
"""
import os, re, shutil, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import fetch, free_port, wait_for
import page_cost
old, new = sys.argv[1], sys.argv[2]
FIELDS = '''
[[fields]]
key = "device"
label = { de = "Gerät", en = "Device" }
type = "select"
options = ["PC", "Laptop", { value = "printer", de = "Drucker", en = "Printer" }]
list_column = true

[[fields]]
key = "serial"
label = { de = "Seriennummer", en = "Serial number" }
type = "text"
'''
bad = 0
for with_fields in (False, True, 2):
    tmp = os.path.join(tempfile.gettempdir(), f"list-htmldiff-{int(with_fields)}")
    shutil.rmtree(tmp, ignore_errors=True); os.makedirs(tmp)
    db = os.path.join(tmp, "ticketd.db"); port = free_port(); cfg = os.path.join(tmp, "ticketd.toml")
    open(cfg, "w").write(f'listen = "127.0.0.1:{port}"\ndatabase = "{db}"\n' + (FIELDS.replace("list_column = true", "list_column = false") if with_fields == 2 else FIELDS if with_fields else ""))
    subprocess.run([old, "demo", "--customers", "30", "--tickets", "1500", "--activities", "15000", "--config", cfg], check=True, capture_output=True)
    if with_fields:
        c = sqlite3.connect(db)
        c.execute("INSERT OR IGNORE INTO ticket_fields (ticket_id, key, value) SELECT id, 'device', CASE id % 3 WHEN 0 THEN 'PC' WHEN 1 THEN 'printer' ELSE 'Laptop' END FROM tickets WHERE id % 2 = 0")
        c.execute("INSERT OR IGNORE INTO ticket_fields (ticket_id, key, value) SELECT id, 'serial', 'SN-<' || id || '>' FROM tickets WHERE id % 5 = 0")
        c.commit(); c.close()
    def serve(b):
        p = subprocess.Popen([b, "serve", "--config", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(port, "/healthz"); return p
    p = serve(old); todo = page_cost.pages(port, db)
    extra = []
    for label, cookie, path in todo[:3]:
        extra.append((label + " en", cookie, path + ("&" if "?" in path else "?") + "lang=en"))
    # The cookies and the overview's month by the pages' paths (page_cost.pages lists the CSS
    # asset first since it measures it too).
    sc = next(c for _, c, path in todo if path.startswith("/staff/tickets"))
    cc, month_path = next((c, path) for _, c, path in todo if path.startswith("/tickets?"))
    extra += [("queue all", sc, "/staff/tickets?view=all"), ("queue unassigned", sc, "/staff/tickets?assignee=none"),
              ("queue closed", sc, "/staff/tickets?status=closed"), ("queue prio", sc, "/staff/tickets?sort=priority"),
              ("queue created", sc, "/staff/tickets?sort=created"), ("queue waiting", sc, "/staff/tickets?status=waiting"),
              ("queue page 3", sc, "/staff/tickets?page=3"), ("queue search", sc, "/staff/tickets?q=Drucker"),
              ("overview all", cc, "/tickets"), ("overview all en", cc, "/tickets?lang=en"), ("overview open", cc, "/tickets?status=open"),
              ("overview empty month", cc, "/tickets?year=2020&month=1"), ("queue empty search", sc, "/staff/tickets?q=xyzqxyzq"),
              ("queue year", sc, "/staff/tickets?year=2025"), ("queue year month", sc, "/staff/tickets?year=2025&month=3"),
              ("queue no such year", sc, "/staff/tickets?year=2019"), ("overview year", cc, "/tickets?year=2025"),
              ("overview year month", cc, "/tickets?year=2025&month=3"),
              ("customer page", sc, "/staff/customers/K-10001"), ("customers", sc, "/staff/customers"), ("export", cc, "/account/export"),
              ("overview csv", cc, "/tickets?format=csv"), ("queue csv", sc, "/staff/tickets?format=csv"), ("overview month csv en", cc, month_path + "&format=csv&lang=en")]
    # the next page through the pager's cursor
    st, body, _ = fetch(port, "GET", "/staff/tickets", sc)
    import re
    m = re.search(rb'href="(/staff/tickets\?[^"]*after=[^"]*)"', body if isinstance(body, bytes) else body.encode())
    if m: extra.append(("queue next page", sc, m.group(1).decode().replace("&amp;", "&")))
    st, body, _ = fetch(port, "GET", "/tickets", cc)
    m = re.search(rb'href="(/tickets\?[^"]*after=[^"]*)"', body if isinstance(body, bytes) else body.encode())
    if m: extra.append(("overview next page", cc, m.group(1).decode().replace("&amp;", "&")))
    todo = todo[:3] + extra
    for label, cookie, path in todo:
        fetch(port, 'GET', path, cookie)
    p.terminate(); p.wait()
    for b, tag in ((old, "old"), (new, "new")):
        p = serve(b)
        for i, (label, cookie, path) in enumerate(todo):
            st, body, _ = fetch(port, "GET", path, cookie)
            if label == "export":
                import io, zipfile
                z = zipfile.ZipFile(io.BytesIO(body))
                body = b"".join(n.encode() + b"\n" + z.read(n) for n in sorted(z.namelist()))
                body = re.sub(rb'"exported_at": "[^"]*"', b'"exported_at": "-"', body)
            open(os.path.join(tmp, f"{i:02d}.{tag}.html"), "wb").write(body if isinstance(body, bytes) else body.encode())
        p.terminate(); p.wait()
    for i, (label, cookie, path) in enumerate(todo):
        a = open(os.path.join(tmp, f"{i:02d}.old.html"), "rb").read(); b = open(os.path.join(tmp, f"{i:02d}.new.html"), "rb").read()
        same = a == b
        bad += not same
        print(f"{'same' if same else 'DIFF'} {len(a):>8} {len(b):>8} fields={with_fields} {label} {path}")
print("all identical" if not bad else f"{bad} differ")
