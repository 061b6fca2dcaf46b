#!/usr/bin/env python3
"""Attachment benchmark: a large upload and download through a real ticketd on loopback.

Prints the time, MB/s and the server's peak-RSS growth (VmHWM from /proc/<pid>/status) for
each direction. Standard library only. Usage:

    python3 bench/attachments.py [--mb 150] [--binary target/release/ticketd]
                                 [--server-cpus 0] [--json results.json]

`--server-cpus` pins the server with `taskset -c`; `--json` also writes the numbers as JSON
(`make bench` reads them for its upload/download row).
"""
import argparse
import hashlib
import json
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def vm_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


class Client:
    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return conn, resp


class Body:
    """A multipart body generated on the fly: nothing large is held in memory."""

    def __init__(self, boundary, csrf, size, seed):
        self.head = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"gross.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.size = size
        self.block = hashlib.sha256(seed).digest() * 2048  # 64 KiB pattern
        self.sha = hashlib.sha256()
        self.length = len(self.head) + size + len(self.tail)

    def __iter__(self):
        yield self.head
        left = self.size
        while left > 0:
            piece = self.block[: min(left, len(self.block))]
            self.sha.update(piece)
            left -= len(piece)
            yield piece
        yield self.tail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=150)
    ap.add_argument("--binary", default="target/release/ticketd")
    ap.add_argument("--server-cpus", default="", help="pin the server to these CPUs (taskset -c)")
    ap.add_argument("--json", default="", help="also write the results to this file")
    args = ap.parse_args()
    size = args.mb * 1024 * 1024

    tmp = tempfile.mkdtemp(prefix="ticketd-bench-")
    port = free_port()
    cfg = os.path.join(tmp, "ticketd.toml")
    with open(cfg, "w") as f:
        f.write(f'listen = "127.0.0.1:{port}"\ndatabase = "{tmp}/t.db"\n'
                f'[attachments]\nmax_file_bytes = "{args.mb + 1} MiB"\nmax_request_bytes = "{args.mb + 2} MiB"\n')
    pw = "Lastprobe-Kennwort-Zz"  # neither the customer number nor the address in it
    subprocess.run([args.binary, "customer", "add", "--number", "1", "--name", "Bench GmbH", "--email",
                    "bench@bench.example", "--password-stdin", "--config", cfg], input=pw + "\n", text=True,
                   check=True, capture_output=True)
    pin = ["taskset", "-c", args.server_cpus] if args.server_cpus else []
    server = subprocess.Popen(pin + [args.binary, "serve", "--config", cfg], stderr=subprocess.DEVNULL)
    try:
        c = Client(port)
        for _ in range(200):
            try:
                conn, r = c.request("GET", "/healthz")
                r.read()
                if r.status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        conn, r = c.request("GET", "/login")
        token = CSRF.search(r.read().decode()).group(1)
        form = urllib.parse.urlencode({"login": "1", "password": pw, "csrf": token})
        conn, r = c.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        r.read()
        conn, r = c.request("GET", "/tickets/new")
        token = CSRF.search(r.read().decode()).group(1)
        form = urllib.parse.urlencode({"subject": "Benchmark", "body": "Großer Anhang", "priority": "normal", "csrf": token})
        conn, r = c.request("POST", "/tickets", form, {"Content-Type": "application/x-www-form-urlencoded"})
        r.read()
        path = r.getheader("Location")

        rss_idle = vm_kb(server.pid, "VmRSS")
        hwm_before = vm_kb(server.pid, "VmHWM")
        body = Body("BenchBoundary7MA4YWxkTrZu0gW", token, size, b"ticketd")
        t0 = time.monotonic()
        conn, r = c.request("POST", path + "/attachments", iter(body),
                            {"Content-Type": "multipart/form-data; boundary=BenchBoundary7MA4YWxkTrZu0gW",
                             "Content-Length": str(body.length)})
        r.read()
        up_s = time.monotonic() - t0
        if r.status != 303:
            sys.exit(f"upload failed: {r.status}")
        hwm_up = vm_kb(server.pid, "VmHWM")

        conn, r = c.request("GET", path)
        page = r.read().decode()
        att = re.findall(r'data-attachment="(\d+)"', page)[-1]
        t0 = time.monotonic()
        conn, r = c.request("GET", f"{path}/attachments/{att}")
        sha = hashlib.sha256()
        got = 0
        while True:
            piece = r.read(1 << 20)
            if not piece:
                break
            got += len(piece)
            sha.update(piece)
        down_s = time.monotonic() - t0
        hwm_down = vm_kb(server.pid, "VmHWM")
        ok = got == size and sha.hexdigest() == body.sha.hexdigest()

        mb = size / (1024 * 1024)
        print(f"file size:            {mb:.0f} MiB (byte-exact round trip: {'yes' if ok else 'NO'})")
        print(f"server RSS before:    {rss_idle / 1024:.1f} MiB (peak {hwm_before / 1024:.1f} MiB)")
        print(f"upload:               {up_s:.2f} s, {mb / up_s:.1f} MiB/s, peak-RSS growth {(hwm_up - hwm_before) / 1024:.1f} MiB")
        print(f"download:             {down_s:.2f} s, {mb / down_s:.1f} MiB/s, peak-RSS growth {(hwm_down - hwm_up) / 1024:.1f} MiB")
        growth = (hwm_down - hwm_before) / 1024
        print(f"total peak-RSS growth {growth:.1f} MiB (bound: 32 MiB) -> {'ok' if growth <= 32 and ok else 'FAIL'}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"mib": mb, "round_trip": ok, "rss_before_mib": rss_idle / 1024,
                           "upload_s": up_s, "upload_mib_s": mb / up_s, "upload_growth_mib": (hwm_up - hwm_before) / 1024,
                           "download_s": down_s, "download_mib_s": mb / down_s,
                           "download_growth_mib": (hwm_down - hwm_up) / 1024, "growth_mib": growth}, f)
        sys.exit(0 if growth <= 32 and ok else 1)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)  # the database holds the whole upload


if __name__ == "__main__":
    main()
