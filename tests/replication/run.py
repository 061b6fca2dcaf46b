#!/usr/bin/env python3
"""ticketd under `litestream replicate -exec`, killed with -9 mid-write, restored from the replica.

One round (make test-replication):
  1. a fresh database with one customer; Litestream replicates it to a file:// replica
     (sync-interval 1 s) and runs `ticketd serve` as its child (-exec);
  2. three client threads over loopback HTTP: replies, document uploads, replies with a file;
  3. at a random moment SIGKILL to Litestream and ticketd, back to back (the disk is gone);
  4. `ticketd check --replica` (litestream restore into a temporary directory + ticketd's checks),
     then `litestream restore` into a fresh directory and `ticketd check` + `ticketd serve` on it;
  5. asserted: integrity ok; every write acknowledged (303) more than the loss bound before the
     kill is there; a reply and its file are visible together or not at all; every listed file
     downloads byte-exact; nothing nobody sent. Printed: the measured loss window (the age at the
     kill of the oldest acknowledged write that is missing) and the restore time.

--bench SECONDS instead measures the throughput cost: the same mixed load (writers as above plus
readers of the ticket pages) for SECONDS without and with Litestream; prints requests/s.

Standard library only. Loopback only.
"""

import argparse
import hashlib
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

PASSWORD = "replication-test-password-1"
NUMBER = "K-4711"
SYNC_INTERVAL = 1.0  # litestream replica sync-interval (seconds); its WAL monitor also polls each 1 s
# An acknowledged write may be lost only if it was committed after Litestream's last copy: its
# WAL poll (1 s) plus the replica's sync interval (1 s), plus 3 s for a machine shared with other
# jobs (measured windows: 0.1-2.8 s, the longer ones while a release build ran beside).
LOSS_BOUND = 2 * SYNC_INTERVAL + 3.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    """A cookie-keeping HTTP client over one keep-alive connection; never follows redirects."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, ctype=None, timeout=30):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if ctype:
            headers["Content-Type"] = ctype
        if method == "POST":
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt == 1 or method == "POST":
                    raise
        for v in r.headers.get_all("Set-Cookie") or []:
            k, _, rest = v.partition("=")
            self.cookies[k.strip()] = rest.split(";", 1)[0]
        return r.status, r.headers, data

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def post_multipart(self, path, fields, files):
        boundary = "----ticketdReplication" + os.urandom(8).hex()
        out = []
        for k, v in fields:
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        for field, name, data in files:
            out.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
            )
            out.append(data + b"\r\n")
        out.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(out), f"multipart/form-data; boundary={boundary}")


def form_csrf(page, action):
    for m in re.finditer(r"<form\b[^>]*>.*?</form>", page, re.S):
        form = m.group(0)
        if f'action="{action}"' in form.split(">", 1)[0]:
            c = re.search(r'name="csrf" value="([^"]+)"', form)
            if c:
                return c.group(1)
    raise AssertionError(f"no form with action {action} and a csrf field")


def login(port):
    c = Client(port)
    status, _, page = c.get("/login")
    assert status == 200, status
    csrf = form_csrf(page.decode(), "/login")
    status, h, _ = c.post_form("/login", [("csrf", csrf), ("login", NUMBER), ("password", PASSWORD)])
    assert status == 303 and h.get("Location", "").endswith("/tickets"), (status, h.get("Location"))
    status, _, page = c.get("/account")
    assert status == 200, status
    return c, form_csrf(page.decode(), "/logout")


def file_bytes(seed, size):
    out = bytearray()
    block = seed.to_bytes(8, "little")
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


class Attempt:
    __slots__ = ("ticket", "kind", "mark", "name", "seed", "size", "sent_at", "acked_at", "present")

    def __init__(self, ticket, kind, mark=None, name=None, seed=None, size=None):
        self.ticket, self.kind, self.mark, self.name, self.seed, self.size = ticket, kind, mark, name, seed, size
        self.sent_at = time.monotonic()
        self.acked_at = None
        self.present = False


def writer(t, port, cookies, csrf, number, stop, log, errors, seed):
    """Thread t: 0 replies, 1 uploads documents, 2 replies with a file every other time."""
    c = Client(port)
    c.cookies = dict(cookies)
    rng = random.Random(seed * 31 + t)
    i = 0
    while not stop.is_set():
        i += 1
        mark = f"replmark-t{t}-n{i}-end"
        with_file = t == 1 or (t == 2 and i % 2 == 0)
        try:
            if not with_file:
                a = Attempt(t, "reply", mark=mark)
                log.append(a)
                text = mark + " " + "Lorem ipsum dolor sit amet " * rng.randint(1, 40)
                status, _, body = c.post_form(f"/tickets/{number}/reply", [("csrf", csrf), ("body", text)])
            else:
                size = rng.randint(20_000, 300_000)
                fseed = (t << 32) | i
                name = f"t{t}-n{i}.bin"
                a = Attempt(t, "file", mark=None if t == 1 else mark, name=name, seed=fseed, size=size)
                log.append(a)
                fields = [("csrf", csrf)] + ([] if t == 1 else [("body", mark)])
                path = f"/tickets/{number}/attachments" if t == 1 else f"/tickets/{number}/reply"
                status, _, body = c.post_multipart(path, fields, [("attachments", name, file_bytes(fseed, size))])
        except (OSError, http.client.HTTPException) as e:
            if not stop.is_set():
                errors.append(f"thread {t}: {e!r}")
            return
        if status == 303:
            a.acked_at = time.monotonic()
        elif not stop.is_set():
            errors.append(f"thread {t}: answered {status}: {body[:300]!r}")
            return


def reader(port, cookies, numbers, stop, counter):
    c = Client(port)
    c.cookies = dict(cookies)
    i = 0
    while not stop.is_set():
        try:
            status, _, _ = c.get(f"/tickets/{numbers[i % len(numbers)]}")
        except (OSError, http.client.HTTPException):
            return
        if status == 200:
            counter.append(1)
        i += 1


def wait_healthy(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode} before it answered")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("the server did not answer /healthz")


def group_members(pgid):
    """The live processes of a process group (litestream and the ticketd it started)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append(int(entry))
    return out


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


class Setup:
    def __init__(self, args, name):
        self.args = args
        self.dir = os.path.abspath(os.path.join(args.work, name))
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(os.path.join(self.dir, "data"))
        self.replica = os.path.join(self.dir, "replica")
        self.port = free_port()
        self.db = os.path.join(self.dir, "data", "ticketd.db")
        self.config = os.path.join(self.dir, "ticketd.toml")
        self.write_config(self.config, self.db, self.port, litestream=True)
        self.ls_config = os.path.join(self.dir, "litestream.yml")
        with open(self.ls_config, "w") as f:
            f.write(
                f"dbs:\n  - path: {self.db}\n    replica:\n      url: file://{self.replica}\n"
                f"      sync-interval: {int(SYNC_INTERVAL)}s\n"
            )
        self.ticketd(["customer", "add", "--number", NUMBER, "--name", "Anna Replika", "--email",
                      "anna@example.com", "--password-stdin"], stdin=PASSWORD)

    @staticmethod
    def write_config(path, db, port, litestream):
        with open(path, "w") as f:
            f.write(f'listen = "127.0.0.1:{port}"\ndatabase = "{db}"\n')
            if litestream:
                f.write('replication = "litestream"\n')
            f.write("[security]\nbcrypt_cost = 4\n")
            f.write("[attachments]\nmax_file_bytes = 700000\nmax_request_bytes = 2000000\n")

    def ticketd(self, words, stdin=None, config=None, check=True):
        r = subprocess.run([self.args.ticketd, "--config", config or self.config] + words, input=stdin,
                           capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"ticketd {' '.join(words)} exited {r.returncode}: {r.stderr}{r.stdout}")
        return r

    def start(self, litestream):
        log = open(os.path.join(self.dir, "server.log"), "ab")
        serve = [self.args.ticketd, "--config", self.config, "serve"]
        if litestream:
            cmd = [self.args.litestream, "replicate", "-config", self.ls_config, "-exec", " ".join(serve)]
        else:
            cmd = serve
        proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
        try:
            wait_healthy(self.port, proc)
        except BaseException:
            kill_group(proc)
            raise
        return proc


def drive(setup, seconds, seed, readers=0):
    """Logs in, makes three tickets, runs the writers (and readers) for `seconds`; returns
    (tickets, attempts, reads, errors, stop-event, threads) with the threads still running."""
    c, csrf = login(setup.port)
    numbers = []
    for t in range(3):
        status, h, body = c.post_form("/tickets", [("csrf", csrf), ("subject", f"Replikation {t}"),
                                                       ("body", "Bitte nichts verlieren."), ("priority", "normal")])
        assert status == 303, (status, body[:300])
        numbers.append(h["Location"].rsplit("/", 1)[1])
    stop, log, errors, reads = threading.Event(), [], [], []
    threads = [threading.Thread(target=writer, args=(t, setup.port, c.cookies, csrf, numbers[t], stop, log, errors, seed))
               for t in range(3)]
    threads += [threading.Thread(target=reader, args=(setup.port, c.cookies, numbers, stop, reads))
                for _ in range(readers)]
    for th in threads:
        th.daemon = True
        th.start()
    time.sleep(seconds)
    return numbers, log, reads, errors, stop, threads


def attachment_links(page):
    out = []
    for m in re.finditer(r'<a\b[^>]*data-attachment="(\d+)"[^>]*>([^<]*)</a>', page):
        if all(i != m.group(1) for i, _ in out):
            out.append((m.group(1), m.group(2)))
    return out


def crash_round(args):
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    s = Setup(args, "crash")
    note("database and customer ready")
    proc = s.start(litestream=True)
    note("litestream replicate -exec ticketd serve: healthy")
    stop = None
    try:
        run_for = 2.0 + rng.random() * 6.0
        print(f"seed {seed}: writing for {run_for:.2f} s, then kill -9", flush=True)
        numbers, log, _, errors, stop, threads = drive(s, run_for, seed)
        pids = group_members(proc.pid)
        assert len(pids) == 2, f"expected litestream and its ticketd child, found {pids}"
        # Both at once (one signal to the process group): the machine is gone.
        # The clients stop counting failures as errors from here: their connections die next.
        stop.set()
        killed_at = time.monotonic()
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if stop is not None:
            stop.set()
        kill_group(proc)
    for th in threads:
        th.join()
    assert not errors, errors
    note("killed")
    acked = [a for a in log if a.acked_at is not None]
    assert len(acked) >= 10, f"only {len(acked)} writes acknowledged before the kill"

    # The replica alone, as on a new machine: ticketd's own replica check first.
    assert not os.path.exists(os.path.join(s.replica, "ticketd.key"))
    r = s.ticketd(["check", "--replica", s.replica, "--litestream", args.litestream], check=False)
    print(r.stdout.strip(), flush=True)
    assert r.returncode == 0, f"ticketd check --replica failed: {r.stderr}{r.stdout}"
    note("ticketd check --replica: ok")
    fresh = os.path.join(s.dir, "restored")
    os.makedirs(fresh)
    t0 = time.monotonic()
    subprocess.run([args.litestream, "restore", "-o", os.path.join(fresh, "ticketd.db"), f"file://{s.replica}"],
                   check=True, capture_output=True, timeout=300)
    restore_secs = time.monotonic() - t0
    port = free_port()
    cfg = os.path.join(s.dir, "restored.toml")
    Setup.write_config(cfg, os.path.join(fresh, "ticketd.db"), port, litestream=False)
    r = s.ticketd(["check"], config=cfg)
    assert r.stdout.startswith("ok:"), r.stdout
    log_file = open(os.path.join(s.dir, "restored.log"), "ab")
    srv = subprocess.Popen([args.ticketd, "--config", cfg, "serve"], stdout=log_file, stderr=log_file,
                           start_new_session=True)
    try:
        wait_healthy(port, srv)
        note("restored and serving")
        s.port = port
        c, _ = login(port)
        missing_ages, present_ages, files_checked = [], [], 0
        for t, number in enumerate(numbers):
            # Every page of the timeline (1,000 activities each, newest first): a busy run writes
            # more than one page's worth to a ticket.
            page, n = "", 1
            while True:
                status, _, part = c.get(f"/tickets/{number}" + (f"?page={n}" if n > 1 else ""))
                assert status == 200, status
                part = part.decode()
                page += part
                if f'data-timeline-page="{n + 1}"' not in part:
                    break
                n += 1
            links = attachment_links(page)
            for a in (a for a in log if a.ticket == t):
                if a.kind == "reply":
                    present = a.mark in page
                else:
                    link = next((i for i, shown in links if shown == a.name), None)
                    present = link is not None
                    if a.mark is not None:
                        assert (a.mark in page) == present, f"{a.mark} and its file {a.name}: together or not at all"
                    if present:
                        status, _, data = c.get(f"/tickets/{number}/attachments/{link}")
                        want = file_bytes(a.seed, a.size)
                        if status != 200 or data != want:
                            first = next((k for k in range(min(len(data), len(want))) if data[k] != want[k]), None)
                            raise AssertionError(
                                f"{a.name} (attachment {link}) is not byte-exact: status {status}, {len(data)} bytes "
                                f"of {a.size}, first difference at {first}, acknowledged: {a.acked_at is not None}")
                        files_checked += 1
                a.present = present
                if a.acked_at is not None:
                    age = killed_at - a.acked_at
                    (present_ages if present else missing_ages).append(age)
            for _, name in links:
                assert any(a.name == name for a in log), f"{number} lists a file nobody sent: {name}"
        # The replica is a point in time: whatever it has, it has everything acknowledged before.
        present_sent = [a.sent_at for a in log if a.present]
        for a in acked:
            later = [t for t in present_sent if t > a.acked_at]
            assert a.present or not later, (
                f"{a.kind} {a.name or a.mark} is missing, but a write sent {later[-1] - a.acked_at:.2f} s after "
                "its acknowledgement is there: the replica is not a point in time")
        window = max(missing_ages, default=0.0)
        print(f"acknowledged {len(acked)} writes ({sum(1 for a in acked if a.kind == 'file')} with files); "
              f"{len(missing_ages)} lost, the oldest acknowledged {window:.2f} s before the kill "
              f"(allowed: {LOSS_BOUND:.1f} s); {files_checked} files byte-exact; restore {restore_secs:.2f} s",
              flush=True)
        assert window <= LOSS_BOUND, f"an acknowledged write {window:.2f} s old at the kill is missing"
    finally:
        kill_group(srv)
    if not args.keep:
        shutil.rmtree(s.dir, ignore_errors=True)
    print("replication test: ok")


def bench(args):
    rows = []
    for litestream in (False, True):
        s = Setup(args, "bench-litestream" if litestream else "bench-plain")
        proc = s.start(litestream=litestream)
        try:
            _, log, reads, errors, stop, threads = drive(s, args.bench, 7, readers=2)
            stop.set()
            for th in threads:
                th.join()
            assert not errors, errors
        finally:
            kill_group(proc)
        writes = sum(1 for a in log if a.acked_at is not None)
        files = sum(1 for a in log if a.acked_at is not None and a.kind == "file")
        rows.append((litestream, writes / args.bench, files / args.bench, len(reads) / args.bench))
        shutil.rmtree(s.dir, ignore_errors=True)
    print(f"mixed load, {args.bench:g} s each: 3 writer threads (replies; 20-300 KB uploads; replies with a file) "
          f"+ 2 reader threads (ticket pages), one client process, loopback")
    print("| replication | writes/s | of them uploads/s | page reads/s |")
    print("|---|---:|---:|---:|")
    for litestream, w, f, r in rows:
        print(f"| {'litestream (file://, 1 s)' if litestream else 'none'} | {w:.1f} | {f:.1f} | {r:.1f} |")


T0 = time.monotonic()


def note(what):
    print(f"[{time.monotonic() - T0:6.1f} s] {what}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ticketd", default="target/debug/ticketd")
    p.add_argument("--litestream", required=True)
    p.add_argument("--work", default="target/replication-test")
    p.add_argument("--seed", type=int)
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--bench", type=float, help="measure throughput for this many seconds instead")
    args = p.parse_args()
    args.ticketd = os.path.abspath(args.ticketd)
    args.litestream = os.path.abspath(args.litestream)
    if args.bench:
        bench(args)
    else:
        crash_round(args)


if __name__ == "__main__":
    sys.exit(main())
