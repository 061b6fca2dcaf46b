#!/usr/bin/env python3
"""The mixed row of `make bench` on its own, with the tools that count what it pays per request
(BENCHMARKS.md item 20): CPU split into user and system time, context switches per request (the
server threads' /proc counters), and optionally `strace -f -c` (system calls), `perf record`
(CPU samples) or `perf stat` of tracepoints (switches, futex calls, page reads).

    python3 bench/mixed_probe.py --binary target/release/ticketd [--db DEMO.db] [--runs 2]
        [--duration 10] [--no-writer] [--strace FILE | --perf FILE | --tracepoints FILE]

Without --db it builds the 100k demo first (`ticketd demo`, ~20 s). The server runs on CPU 0,
wrk and this script on CPU 1, as in `bench/run.py` (whose `Bench` sets everything up); the tool
of an option watches the last run only. Environment variables pass through to the server (for
example `MALLOC_ARENA_MAX=8` to compare allocator settings)."""
import argparse
import glob
import os
import subprocess
import sys
import threading
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as R  # noqa: E402


def tick_times(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])  # utime, stime in clock ticks


class SwitchCounter:
    """Sums the voluntary and involuntary context switches of the server's threads over a run,
    sampling /proc/PID/task/*/status every 0.2 s (threads that end between samples lose at most
    that much)."""

    def __init__(self, pid):
        self.pid, self.seen, self.stop = pid, {}, threading.Event()
        self.thread = threading.Thread(target=self.sample)

    def sample(self):
        while not self.stop.is_set():
            for path in glob.glob(f"/proc/{self.pid}/task/*/status"):
                try:
                    d = dict(line.split(":\t", 1) for line in open(path).read().splitlines() if ":\t" in line)
                    now = (int(d["voluntary_ctxt_switches"]), int(d["nonvoluntary_ctxt_switches"]))
                except (OSError, KeyError, ValueError):
                    continue
                first = self.seen.get(path, (now, now))[0]
                self.seen[path] = (first, now)
            self.stop.wait(0.2)

    def __enter__(self):
        self.thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def totals(self):
        vol = sum(now[0] - first[0] for first, now in self.seen.values())
        inv = sum(now[1] - first[1] for first, now in self.seen.values())
        return vol, inv


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(R.ROOT, "target/release/ticketd"))
    ap.add_argument("--db", help="a copy of this demo database instead of building one")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--no-writer", action="store_true", help="no replies alongside")
    tool = ap.add_mutually_exclusive_group()
    tool.add_argument("--strace", metavar="FILE", help="strace -f -c of the last run into FILE")
    tool.add_argument("--perf", metavar="FILE", help="perf record (CPU samples) of the last run into FILE")
    tool.add_argument("--tracepoints", metavar="FILE",
                      help="perf stat of sched_switch, futex and pread64 calls of the last run into FILE")
    x = ap.parse_args()
    args = types.SimpleNamespace(
        binary=x.binary, customers=1000, tickets=100000, activities=1000000, duration=x.duration,
        connections=32, sessions=120, staff_sessions=4, months_per_customer=6, tickets_per_customer=12,
        tickets_per_staff=40, writes=4.0, seed=1, keep=False, quick=False, mb=10, cold_starts=3,
        ten_times=False, db=x.db)
    b = R.Bench(args, copy_from=x.db)
    try:
        b.start_and_prepare()
        pid = b.ticketd.pid
        for i in range(x.runs):
            last = i == x.runs - 1
            writer = None if x.no_writer else R.Writer(b.port, b.writer_targets, args.writes, args.duration, 1)
            if writer:
                writer.start()
            watcher = None
            if last and x.strace:
                watcher = subprocess.Popen(["strace", "-f", "-c", "-o", x.strace, "-p", str(pid)])
            elif last and x.perf:
                watcher = subprocess.Popen(["perf", "record", "-F", "1500", "-o", x.perf, "-p", str(pid)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elif last and x.tracepoints:
                watcher = subprocess.Popen(["perf", "stat", "-e", "sched:sched_switch,syscalls:sys_enter_futex,"
                                            "syscalls:sys_enter_pread64", "-o", x.tracepoints, "-p", str(pid)])
            before = tick_times(pid)
            with SwitchCounter(pid) as switches:
                t = R.wrk(b.t_url("/"), args.connections, args.duration, script=os.path.join(R.HERE, "wrk", "mixed.lua"),
                          env={"BENCH_REQUESTS": b.mixed_t_file, "BENCH_SEED": str(args.seed)}, watch=[pid])
            after = tick_times(pid)
            if watcher:
                watcher.send_signal(2)
                watcher.wait()
            w = None
            if writer:
                writer.stop.set()
                writer.join(60)
                w = writer.stats()
            n = max(t["requests"], 1)
            cpu = t["cpu"][pid]
            vol, inv = switches.totals()
            hz = os.sysconf("SC_CLK_TCK")
            print(f"run {i}: {t['rps']:,.0f} req/s, server CPU {cpu:.2f} cores, {cpu * 1e6 / max(t['rps'], 1):.1f} µs a "
                  f"request (user {(after[0] - before[0]) / hz:.2f} s, system {(after[1] - before[1]) / hz:.2f} s), "
                  f"p50 {t['p50']:.2f} ms, p99 {t['p99']:.2f} ms, statuses {t['statuses']}; context switches a "
                  f"request: voluntary {vol / n:.2f}, involuntary {inv / n:.2f}"
                  + (f"; writer {w['rate']:.2f}/s, p99 {R.fmt_ms(w['p99'])} ms" if w else ""), flush=True)
    finally:
        b.cleanup()


if __name__ == "__main__":
    main()
