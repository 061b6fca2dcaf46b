"""Validates recorded /api/v1 answers against the OpenAPI 3.1 document (tests/it/api.rs).

stdin: the document's path on the first line, then one JSON record per line:
{"method": "GET", "path": "/api/v1/tickets?limit=2", "status": 200, "body": {...}}.
Each answer's status must be documented for its operation, and its body must validate against
the response schema (JSON Schema 2020-12, `jsonschema` from PyPI). Every operation of the
document must have been answered at least once with a 2xx. Prints what failed; exit status 1.
"""
import json
import re
import sys

import jsonschema

lines = sys.stdin.read().splitlines()
doc = json.load(open(lines[0], encoding="utf-8"))
routes = []
for template, item in doc["paths"].items():
    rx = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
    routes.append((rx, template, item))

def resolve(node):
    while "$ref" in node and node["$ref"].startswith("#/components/responses/"):
        node = doc["components"]["responses"][node["$ref"].rsplit("/", 1)[1]]
    return node

failures = []
covered = set()
for line in lines[1:]:
    rec = json.loads(line)
    path = rec["path"].split("?", 1)[0]
    method = rec["method"].lower()
    found = [(t, item) for rx, t, item in routes if rx.match(path)]
    if not found or method not in found[0][1]:
        failures.append(f"{rec['method']} {path}: not in the document")
        continue
    template, item = found[0]
    op = item[method]
    resp = op["responses"].get(str(rec["status"]))
    if resp is None:
        failures.append(f"{rec['method']} {template}: status {rec['status']} not documented")
        continue
    resp = resolve(resp)
    schema = resp["content"]["application/json"]["schema"]
    wrapped = dict(schema)
    wrapped["components"] = doc["components"]
    validator = jsonschema.Draft202012Validator(wrapped, format_checker=jsonschema.FormatChecker())
    for e in validator.iter_errors(rec["body"]):
        failures.append(f"{rec['method']} {template} {rec['status']}: {e.message} at {list(e.absolute_path)}")
    if 200 <= rec["status"] < 300:
        covered.add((template, method))
for _, template, item in routes:
    for method in ("get", "post", "patch", "put", "delete"):
        if method in item and (template, method) not in covered:
            failures.append(f"{method.upper()} {template}: never answered with success in the test")
print(f"checked {len(lines) - 1} answers against {len(routes)} paths")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
