#!/usr/bin/env python3
"""Throughput of `ticketd mail receive`: N messages, one process each, as an MTA's pipe
transport runs it. A fresh temp database with two customers; the mix is a third new tickets,
a third replies to them (by `[number]` in the subject), a third from strangers (held), each
with a few lines of quoted history. Prints the seconds for all N and per message.

    python3 bench/mail_receive.py --binary target/release/ticketd [--count 1000]
"""

import argparse
import os
import subprocess
import tempfile
import time


def mail(i, sender, subject):
    return (
        f"From: Absender {i} <{sender}>\r\n"
        f"To: support@portal.example\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <bench-{i}@example.com>\r\n"
        f"Date: Mon, 1 Dec 2026 10:00:00 +0100\r\n"
        f"MIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hallo,\r\n\r\nNachricht Nummer {i}: der Drucker im zweiten Stock druckt wieder nicht.\r\n\r\n"
        f"Viele Grüße\r\n\r\nAm 01.12.26 um 09:00 schrieb Kundenportal:\r\n> alt\r\n> älter\r\n"
    ).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/ticketd")
    ap.add_argument("--count", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "ticketd.toml")
        with open(cfg, "w") as f:
            f.write(f'database = "{d}/t.db"\n[inbound]\nmax_per_sender_per_hour = 100000\n')
        for no, email in (("10012", "anna@example.com"), ("20034", "bernd@example.org")):
            subprocess.run(
                [args.binary, "customer", "add", "--number", no, "--name", no, "--email", email, "--config", cfg],
                check=True, capture_output=True,
            )
        numbers, outcomes = [], {}
        start = time.monotonic()
        for i in range(args.count):
            kind = i % 3
            if kind == 0 or not numbers:
                raw = mail(i, "anna@example.com", f"Drucker {i}")
            elif kind == 1:
                raw = mail(i, "anna@example.com", f"Re: [Ticket {numbers[-1]}] Drucker")
            else:
                raw = mail(i, f"fremd{i}@unknown.example", f"Anfrage {i}")
            p = subprocess.run([args.binary, "mail", "receive", "--config", cfg], input=raw, capture_output=True)
            if p.returncode != 0:
                raise SystemExit(f"message {i}: exit {p.returncode}: {p.stderr.decode()}")
            word, _, arg = p.stdout.decode().strip().partition(" ")
            outcomes[word] = outcomes.get(word, 0) + 1
            if word == "new":
                numbers.append(arg)
        took = time.monotonic() - start
        print(f"{args.count} messages in {took:.1f} s ({1000 * took / args.count:.1f} ms each): {outcomes}")


if __name__ == "__main__":
    main()
