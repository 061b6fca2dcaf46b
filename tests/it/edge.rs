//! The edge of the server (issue 14, contract "Edge"): every malformed head gets one `4xx`, a
//! closed connection and no handler; the smuggling request of issue 14; client `X-Ticketd-*`
//! headers; control characters in logs; links on error pages; the per-address connection cap;
//! the minimum body rate; conditional GET of logged-in pages; pipelined requests.
//!
//! "Reached a handler" is read from the access log: every request a handler answers leaves a
//! line `<time> <id> <client> <method> <url> <n>us <status> <user>`. Each hostile request carries
//! a marker in its target; a line with that marker and a status other than a refusal of the head
//! means it got through. Measured numbers are printed with an `edge:` prefix
//! (`cargo test --test it edge -- --nocapture`).

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::hardening::{health, parse_resp, read_one, send_hostile, Payload, Refusal};
use crate::harness::{create_ticket, session_csrf, Builder, TestApp, ANNA, BERND};
use crate::html;
use crate::http::{urlencode_pairs, Client, Multipart, Resp, Upload};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Statuses of a refused head; an access-log line with any other status came from a handler.
const REFUSED: [u16; 5] = [400, 408, 411, 413, 431];

/// The status of each access-log line that contains `needle`: the word after `<n>us`.
fn logged_statuses(log: &str, needle: &str) -> Vec<u16> {
    log.lines()
        .filter(|l| l.contains(needle))
        .filter_map(|l| {
            let words: Vec<&str> = l.split(' ').collect();
            let at = words.iter().position(|w| {
                w.strip_suffix("us").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })?;
            words.get(at + 1)?.parse().ok()
        })
        .collect()
}

/// Statuses a handler gave to requests whose log line contains `needle` (refusals left out).
fn handled(log: &str, needle: &str) -> Vec<u16> {
    logged_statuses(log, needle).into_iter().filter(|s| !REFUSED.contains(s)).collect()
}

/// The first log line containing `needle`, waiting up to 2 s for it.
fn wait_log_line(app: &TestApp, needle: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if let Some(l) = app.stderr().lines().find(|l| l.contains(needle)) {
            return Some(l.to_string());
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `bytes` on a fresh connection and reads until the server closes it (at most 5 s).
fn send(addr: SocketAddr, bytes: Vec<u8>) -> Refusal {
    send_hostile(addr, Arc::new(Payload { prefix: bytes, filler: 0, suffix: Vec::new() }), Duration::from_secs(5))
}

/// What is wrong with the answer to a head that must be refused with one of `allowed`; `None`
/// when it was exactly one such answer, then the end of the connection.
fn refusal_problem(r: &Refusal, allowed: &[u16]) -> Option<String> {
    let shown = || String::from_utf8_lossy(&r.raw[..r.raw.len().min(200)]).into_owned();
    let Some(status) = r.status else {
        return Some(format!("no answer (connection closed: {}, after {:?}): {:?}", r.closed, r.took, shown()));
    };
    if !allowed.contains(&status) {
        return Some(format!("answered {status}, not one of {allowed:?}: {:?}", shown()));
    }
    if !r.closed {
        return Some(format!("answered {status}, but the connection was still open {:?} later", r.took));
    }
    let used = parse_resp(&r.raw).map(|(_, n)| n).unwrap_or(0);
    if used < r.raw.len() {
        return Some(format!(
            "more than one answer; after the {status}: {:?}",
            String::from_utf8_lossy(&r.raw[used..])
        ));
    }
    None
}

/// The server process still runs and answers `/healthz` with 200 within 2 s.
fn alive(app: &mut TestApp) -> Result<(), String> {
    if let Some(status) = app.exited() {
        return Err(format!("the server process exited with {status}"));
    }
    let t = Instant::now();
    match health(app.addr) {
        Ok((200, _)) if t.elapsed() < Duration::from_secs(2) => Ok(()),
        other => {
            let took = t.elapsed();
            // A process on its way out refuses connections a moment before it is gone.
            std::thread::sleep(Duration::from_millis(300));
            match app.exited() {
                Some(status) => Err(format!("the server process exited with {status}")),
                None => Err(format!("/healthz answered {other:?} after {took:?}")),
            }
        }
    }
}

/// `template` with every `{m}` replaced by `marker`.
fn fill(template: &[u8], marker: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(at) = rest.windows(3).position(|w| w == b"{m}") {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(marker.as_bytes());
        rest = &rest[at + 3..];
    }
    out.extend_from_slice(rest);
    out
}

/// The head of `c`'s request (cookies included) without its final empty line and without
/// `Connection: close`, to add lines to or to pipeline.
fn open_head(c: &Client, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    let head = c.request_head(method, path, headers).replacen("Connection: close\r\n", "", 1);
    head.strip_suffix("\r\n").unwrap_or(&head).to_string()
}

// ---------------------------------------------------------------------------------------------
// 1. Malformed heads
// ---------------------------------------------------------------------------------------------

const BAD: &[u16] = &[400];
const CHUNKED: &[u16] = &[400, 411];
const TOO_LARGE: &[u16] = &[400, 431];

/// A head that must be refused: `{m}` in it becomes the case's marker; `long_line` bytes of `a`
/// and the end of the head follow it when not 0.
struct Case {
    name: &'static str,
    head: Vec<u8>,
    long_line: usize,
    allowed: &'static [u16],
}

fn case(name: &'static str, head: &[u8], allowed: &'static [u16]) -> Case {
    Case { name, head: head.to_vec(), long_line: 0, allowed }
}

fn malformed_heads() -> Vec<Case> {
    let mut many = b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for _ in 0..10_000 {
        many.extend_from_slice(b"a:1\r\n");
    }
    many.extend_from_slice(b"\r\n");
    vec![
        case(
            "header name starting with a vertical tab",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\n\x0bContent-Length: 5\r\n\r\nhello",
            BAD,
        ),
        case(
            "header name starting with a form feed",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\n\x0cContent-Length: 5\r\n\r\nhello",
            BAD,
        ),
        case(
            "header name starting with a lone CR",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\n\rContent-Length: 5\r\n\r\nhello",
            BAD,
        ),
        case("first header line starting with a space", b"GET /{m} HTTP/1.1\r\n Host: 127.0.0.1\r\n\r\n", BAD),
        case("first header line starting with a tab", b"GET /{m} HTTP/1.1\r\n\tHost: 127.0.0.1\r\n\r\n", BAD),
        case(
            "CR without LF inside a header line",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge: a\rb\r\n\r\n",
            BAD,
        ),
        case("CR without LF ending the request line", b"GET /{m} HTTP/1.1\rHost: 127.0.0.1\r\n\r\n", BAD),
        case("LF without CR ending every line", b"GET /{m} HTTP/1.1\nHost: 127.0.0.1\n\n", BAD),
        case("LF without CR ending one header line", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\nX-Edge: 1\r\n\r\n", BAD),
        case("NUL in a header value", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge: a\x00b\r\n\r\n", BAD),
        case("SOH (0x01) in a header value", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge: a\x01b\r\n\r\n", BAD),
        case(
            "ESC (0x1b) in the User-Agent",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a\x1b[31mb\r\n\r\n",
            BAD,
        ),
        case("DEL (0x7f) in a header value", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge: a\x7fb\r\n\r\n", BAD),
        case("SOH (0x01) in the target", b"GET /{m}\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", BAD),
        case(
            "obs-fold: a continuation line starting with a space",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge: a\r\n b\r\n\r\n",
            BAD,
        ),
        case(
            "obs-fold: a continuation line starting with a tab",
            b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge: a\r\n\tb\r\n\r\n",
            BAD,
        ),
        case(
            "the same Content-Length twice",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 5\r\nContent-Length: 5\r\n\r\na=b&c",
            BAD,
        ),
        case(
            "two different Content-Lengths",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 5\r\nContent-Length: 6\r\n\r\na=b&cd",
            BAD,
        ),
        case(
            "Content-Length as a list",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 5, 5\r\n\r\na=b&c",
            BAD,
        ),
        case(
            "Content-Length with a plus sign",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: +5\r\n\r\na=b&c",
            BAD,
        ),
        case(
            "negative Content-Length",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: -1\r\n\r\na=b&c",
            BAD,
        ),
        case(
            "non-numeric Content-Length",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: five\r\n\r\na=b&c",
            BAD,
        ),
        case(
            "Content-Length with Transfer-Encoding: chunked",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            CHUNKED,
        ),
        case(
            "Transfer-Encoding: chunked alone",
            b"POST /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Transfer-Encoding: chunked\r\n\r\n5\r\na=b&c\r\n0\r\n\r\n",
            CHUNKED,
        ),
        case("absolute-form target", b"GET http://127.0.0.1/{m} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", BAD),
        case(
            "authority-form target (CONNECT)",
            b"CONNECT {m}.invalid:80 HTTP/1.1\r\nHost: {m}.invalid:80\r\n\r\n",
            BAD,
        ),
        case("HTTP/0.9 request line", b"GET /{m}\r\n\r\n", BAD),
        case("HTTP/2.0 request line", b"GET /{m} HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", BAD),
        case("lowercase http/1.1", b"GET /{m} http/1.1\r\nHost: 127.0.0.1\r\n\r\n", BAD),
        case("header name with a space", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n", BAD),
        case("header name with an @", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nBad@Header: x\r\n\r\n", BAD),
        case("header name with a double quote", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nBad\"Header: x\r\n\r\n", BAD),
        case("non-ASCII header name", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-\xc3\xa4: x\r\n\r\n", BAD),
        case("space before the colon", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge : 1\r\n\r\n", BAD),
        case("empty header name", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\n: x\r\n\r\n", BAD),
        case("header line without a colon", b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Edge\r\n\r\n", BAD),
        Case { name: "10,000 headers", head: many, long_line: 0, allowed: TOO_LARGE },
        Case {
            name: "a 1 MiB header line",
            head: b"GET /{m} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ".to_vec(),
            long_line: 1 << 20,
            allowed: TOO_LARGE,
        },
    ]
}

#[test]
fn malformed_heads_get_one_4xx_then_a_closed_connection_and_reach_no_handler() {
    // A server that waits for a head's end it never sees answers 408 after 2 s, not after 20.
    let mut app = Builder::new().toml("[limits]\nrequest_timeout_seconds = 2").start();
    let cases = malformed_heads();
    let marker = |i: usize| format!("edge-{i:02}-mark");
    let mut problems = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let (filler, suffix) = if c.long_line > 0 { (c.long_line, b"\r\n\r\n".to_vec()) } else { (0, Vec::new()) };
        let p = Payload { prefix: fill(&c.head, &marker(i)), filler, suffix };
        let r = send_hostile(app.addr, Arc::new(p), Duration::from_secs(3));
        println!("edge: {}: {:?}, closed {}, after {:?}", c.name, r.status, r.closed, r.took);
        if let Some(p) = refusal_problem(&r, c.allowed) {
            problems.push(format!("{}: {p}", c.name));
        }
        if let Err(e) = alive(&mut app) {
            problems.push(format!("{}: afterwards {e}", c.name));
            break;
        }
    }
    let log = app.stderr();
    for (i, c) in cases.iter().enumerate() {
        let got = handled(&log, &marker(i));
        if !got.is_empty() {
            problems.push(format!("{}: reached a handler (access log: {got:?})", c.name));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) with {} malformed heads:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// 2. The smuggling request of issue 14
// ---------------------------------------------------------------------------------------------

#[test]
fn the_smuggling_request_of_issue_14_gets_one_400_and_the_server_lives() {
    let mut app = Builder::new().customer(ANNA).start();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Schmuggel", "Bitte nichts durchlassen.", "normal");
    let upload = format!("/tickets/{n}/attachments");
    let stored = app.count("SELECT count(*) FROM attachments");
    // The body looks like a second request; the hidden length claims 10^12 bytes.
    let inner = "GET /edge-smuggled-mark HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let real = format!("Content-Length: {}\r\n", inner.len());
    let hidden = "\x0bContent-Length: 1000000000000\r\n";
    let anonymous = app.client();
    let mut problems = Vec::new();
    'all: for (who, c, path) in [("anonymous", &anonymous, "/edge-smuggle-mark"), ("Anna", &anna, upload.as_str())] {
        for hidden_first in [true, false] {
            let what = format!("{who}, POST {path}, hidden length {}", if hidden_first { "first" } else { "second" });
            let lengths = if hidden_first { format!("{hidden}{real}") } else { format!("{real}{hidden}") };
            let head = open_head(c, "POST", path, &[("Content-Type", "multipart/form-data; boundary=x")]);
            let r = send(app.addr, format!("{head}{lengths}\r\n{inner}").into_bytes());
            println!("edge: smuggling request ({what}): {:?}, closed {}, after {:?}", r.status, r.closed, r.took);
            if let Some(p) = refusal_problem(&r, BAD) {
                problems.push(format!("{what}: {p}"));
            }
            if let Err(e) = alive(&mut app) {
                problems.push(format!("{what}: afterwards {e}"));
                break 'all;
            }
        }
    }
    let log = app.stderr();
    for needle in ["edge-smuggle-mark", "edge-smuggled-mark", &format!("POST {upload} ")] {
        let got = handled(&log, needle);
        if !got.is_empty() {
            problems.push(format!("{needle}: reached a handler (access log: {got:?})"));
        }
    }
    // A handler may answer a broken upload 400 itself; only it knows Anna's session.
    let anna_label = format!(" customer:{}", ANNA.number);
    if let Some(l) = log.lines().find(|l| l.contains(&format!("POST {upload} ")) && l.contains(&anna_label)) {
        problems.push(format!("the upload reached a handler with Anna's session: {l}"));
    }
    if app.exited().is_none() {
        let now = app.count("SELECT count(*) FROM attachments");
        if now != stored {
            problems.push(format!("attachment rows {stored} → {now}"));
        }
    }
    assert!(problems.is_empty(), "the smuggling request:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 3. Client headers named X-Ticketd-*
// ---------------------------------------------------------------------------------------------

#[test]
fn client_x_ticketd_headers_are_ignored() {
    let app = Builder::new().start();
    let mut c = app.client();
    let forged = ("X-Ticketd-Peer", "0123456789abcdef0123456789abcdef 10.9.8.7:1");
    c.get_with("/edge-peer-mark", &[forged]).expect(404);
    // Multipart bodies stream to their handler: the same rule for them.
    let m = Multipart::new().field("note", "x").close();
    let ctype = m.content_type();
    let r = c.request("POST", "/edge-peer-upload-mark", &[("Content-Type", &ctype), forged], Some(&m.body));
    assert!(r.status >= 400, "a multipart POST to nowhere: {}", r.status);
    c.get_with("/edge-probe-mark", &[("X-Ticketd-Probe", "1")]).expect(404);

    for path in ["/edge-peer-mark ", "/edge-peer-upload-mark "] {
        let line = wait_log_line(&app, path).unwrap_or_else(|| panic!("no access log line for {path}"));
        assert!(line.contains(" 127.0.0.1 ") && !line.contains("10.9.8.7"), "the client is the peer: {line}");
    }
    assert!(!app.stderr().contains("10.9.8.7"), "a forged X-Ticketd-Peer reached the log:\n{}", app.stderr());
    let probe = wait_log_line(&app, "/edge-probe-mark ");
    assert!(probe.is_some(), "X-Ticketd-Probe from a client suppressed the access log line:\n{}", app.stderr());
}

// ---------------------------------------------------------------------------------------------
// 4. Control characters never reach the log raw
// ---------------------------------------------------------------------------------------------

#[test]
fn logs_never_carry_raw_control_characters() {
    let app = Builder::new().customer(ANNA).start();
    let mut c = app.client();
    let csrf = c.csrf_from("/login", "/login");
    let evil = "evil\n2026-01-01T00:00:00Z fake-line\x1b[31m";
    let r = c.post_form("/login", &[("csrf", &csrf), ("login", evil), ("password", "falsch-falsch")]);
    assert_eq!(r.status, 422, "an unknown login gets the generic answer");
    assert!(wait_log_line(&app, " POST /login ").is_some(), "the login is logged");

    let ua = c.request_head("GET", "/login", &[("User-Agent", "edge-ua\x1b[31mred")]);
    let ua = send(app.addr, ua.into_bytes());
    let target =
        send(app.addr, b"GET /edge-esc\x1b[31m-mark HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec());
    // The 8-bit CSI (U+009B, UTF-8 C2 9B) is a control character too; its bytes are not ASCII
    // controls, so the head may pass, but the log line must not carry it raw.
    let csi = send(
        app.addr,
        b"GET /edge-csi\xc2\x9b31m-mark HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
    );
    assert!(csi.status.is_some_and(|s| (400..500).contains(&s)), "a path with U+009B: {:?}", csi.status);
    health(app.addr).expect("the server answers");

    let log = app.stderr();
    assert!(!log.contains('\x1b'), "a raw ESC in the log:\n{log:?}");
    assert!(!log.contains('\u{9b}'), "a raw U+009B in the log:\n{log:?}");
    assert!(
        !log.lines().any(|l| l.starts_with("2026-01-01T00:00:00Z fake-line")),
        "a login name started a log line of its own:\n{log}"
    );
    for l in log.lines().filter(|l| l.contains("fake-line")) {
        assert!(l.contains("evil"), "the login name is logged in one piece, escaped: {l:?}");
    }
    assert_eq!(refusal_problem(&ua, BAD), None, "a raw ESC in the User-Agent");
    assert_eq!(refusal_problem(&target, BAD), None, "a raw ESC in the target");
}

// ---------------------------------------------------------------------------------------------
// 5. Error pages
// ---------------------------------------------------------------------------------------------

#[test]
fn error_pages_build_links_from_the_path_only() {
    let app = Builder::new().customer(ANNA).start();
    for (who, mut c) in [("anonymous", app.client()), ("Anna", app.anna())] {
        for target in ["//evil.example/x", "///evil.example/x", "//evil.example/x?lang=en", "//evil.example"] {
            let r = c.get(target);
            let what = format!("{who}: GET {target}");
            assert!(matches!(r.status, 300..=399 | 400 | 404), "{what}: {}", r.status);
            if let Some(loc) = r.header("Location") {
                assert!(!loc.starts_with("//") && !loc.starts_with("/\\"), "{what}: Location {loc}");
            }
            let text = r.text();
            for attr in ["href", "action", "src", "formaction"] {
                for v in html::attr_values(&text, attr) {
                    assert!(
                        !v.starts_with("//") && !v.starts_with("/\\") && !v.starts_with('\\'),
                        "{what}: {attr}={v:?} leads to another host"
                    );
                }
            }
            assert!(!text.contains("=\"//evil.example"), "{what}: {text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Connections per address
// ---------------------------------------------------------------------------------------------

/// `n` keep-alive connections, each with one answered request (so the server counts it), held
/// open. A connection refused because an earlier one was not yet counted out is tried again.
fn hold(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut held = Vec::new();
    while held.len() < n {
        let mut s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("write");
        let r = read_one(&mut s, &mut Vec::new());
        match r {
            Ok(r) if r.status == 200 => held.push(s),
            other => {
                assert!(Instant::now() < deadline, "held connection {}: {other:?}", held.len() + 1);
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
    held
}

#[test]
fn connections_per_address_are_capped_and_refusals_do_not_block_the_accept_loop() {
    let app = Builder::new().toml("[limits]\nmax_connections_per_address = 4").start();
    let mut held = hold(app.addr, 4);

    // The fifth connection is answered at once, without sending anything.
    let fifth = send(app.addr, Vec::new());
    println!("edge: a fifth connection: {:?}, closed {}, after {:?}", fifth.status, fifth.closed, fifth.took);
    assert!(matches!(fifth.status, Some(429 | 503)), "over the cap: {fifth:?}");
    assert!(fifth.closed && fifth.took < Duration::from_secs(2), "refused and closed at once: {fifth:?}");

    // Fifty more, all kept open by the client until every answer is in: a server that lingers on
    // its accept thread would need about a second for each.
    let t = Instant::now();
    let mut refused: Vec<TcpStream> = (0..50)
        .map(|i| {
            TcpStream::connect_timeout(&app.addr, Duration::from_secs(2)).unwrap_or_else(|e| panic!("connect {i}: {e}"))
        })
        .collect();
    let mut statuses = Vec::new();
    for s in &mut refused {
        let left = (t + Duration::from_secs(6)).saturating_duration_since(Instant::now());
        s.set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        statuses.push(parse_resp(&raw).ok().map(|(r, _)| r.status));
    }
    let took = t.elapsed();
    println!("edge: 50 connections over the cap, held open by the client: all answered after {:?}", took);
    assert!(statuses.iter().all(|s| matches!(s, Some(429 | 503))), "answers over the cap: {statuses:?}");
    assert!(took < Duration::from_secs(3), "50 refusals took {took:?}");

    // The held connections still work; once they close, so does a new one.
    held[0].write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    read_one(&mut held[0], &mut Vec::new()).expect("a held connection still answers").expect(200);
    drop(refused);
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(3);
    while health(app.addr).map(|(s, _)| s) != Ok(200) {
        assert!(Instant::now() < deadline, "no /healthz 200 within 3 s after the held connections closed");
        std::thread::sleep(Duration::from_millis(50));
    }
    app.client().get("/login").expect(200);
}

#[test]
fn a_trusted_proxy_is_not_capped() {
    let app = Builder::new()
        .top("trusted_proxies = [\"127.0.0.1\"]")
        .toml("[limits]\nmax_connections_per_address = 4")
        .start();
    let held = hold(app.addr, 8);
    assert_eq!(held.len(), 8);
    app.client().get("/login").expect(200);
}

// ---------------------------------------------------------------------------------------------
// 7. Slow bodies
// ---------------------------------------------------------------------------------------------

/// Sends `first`, then `piece` every `every` until the server answers or closes (or nothing came
/// for `wait`): the answer's status if any, whether the server closed, and when.
fn trickle(addr: SocketAddr, first: Vec<u8>, piece: Vec<u8>, every: Duration, wait: Duration) -> Refusal {
    let t = Instant::now();
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(wait)).unwrap();
    let mut w = s.try_clone().expect("clone the socket");
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let writer = std::thread::spawn(move || {
        let mut sent = 0;
        if w.write_all(&first).is_err() {
            return sent;
        }
        sent += first.len();
        loop {
            std::thread::sleep(every);
            if stop2.load(Ordering::Relaxed) || w.write_all(&piece).is_err() {
                return sent;
            }
            sent += piece.len();
        }
    });
    let mut raw = Vec::new();
    let end = s.read_to_end(&mut raw);
    let took = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = s.shutdown(Shutdown::Both);
    let sent = writer.join().unwrap_or(0);
    let closed = end.is_ok() || end.is_err_and(|e| matches!(e.kind(), ErrorKind::ConnectionReset));
    let status = parse_resp(&raw).ok().map(|(r, _)| r.status);
    Refusal { status, sent, took, raw, closed }
}

#[test]
fn bodies_slower_than_the_minimum_rate_get_408() {
    let mut app = Builder::new()
        .customer(ANNA)
        .toml("[limits]\nrequest_timeout_seconds = 30\nbody_min_bytes_per_second = 1024\nbody_grace_seconds = 2")
        .start();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Langsam", "Sehr langsam.", "normal");
    let csrf = session_csrf(&mut anna);
    let (reply, upload) = (format!("/tickets/{n}/reply"), format!("/tickets/{n}/attachments"));

    // A pause within the grace time is fine.
    let body = urlencode_pairs(&[("csrf", &csrf), ("body", "Langsam, aber in der Frist.")]);
    let len = body.len().to_string();
    let head = anna.request_head(
        "POST",
        &reply,
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", &len)],
    );
    let mut s = TcpStream::connect(app.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let (a, b) = body.as_bytes().split_at(body.len() / 2);
    s.write_all(&[head.as_bytes(), a].concat()).unwrap();
    std::thread::sleep(Duration::from_secs(1));
    s.write_all(b).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let (r, _) = parse_resp(&raw).expect("an answer to a body paused within the grace time");
    r.expect_redirect(&format!("/tickets/{n}"));

    // 200 bytes a second, far below 1 KiB/s: cut after the grace time.
    let login = Client::new(app.addr);
    let big = [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "100000")];
    let first = [login.request_head("POST", "/login", &big).as_bytes(), b"login="].concat();
    let every = Duration::from_millis(500);
    let form = trickle(app.addr, first, vec![b'a'; 100], every, Duration::from_secs(10));

    let m = Multipart::new().field("csrf", &csrf).file("attachments", "langsam.bin", "application/octet-stream", b"");
    let start_of_file = &m.body[..m.body.len() - 2]; // the part's data follows
    let ctype = m.content_type();
    let head = anna.request_head("POST", &upload, &[("Content-Type", &ctype), ("Content-Length", "100000")]);
    let first = [head.as_bytes(), start_of_file].concat();
    let file = trickle(app.addr, first, vec![b'x'; 100], every, Duration::from_secs(10));

    for (what, r) in [("a urlencoded login", &form), ("a multipart upload", &file)] {
        println!(
            "edge: {what} at 200 B/s: {:?}, closed {}, after {:?} ({} bytes sent)",
            r.status, r.closed, r.took, r.sent
        );
        assert!(matches!(r.status, None | Some(408)), "{what}: {r:?}");
        assert!(r.closed, "{what}: still open after {:?}", r.took);
        assert!(r.took >= Duration::from_millis(1500), "{what}: cut before the grace time: {:?}", r.took);
        assert!(r.took <= Duration::from_secs(7), "{what}: cut only after {:?}", r.took);
    }
    alive(&mut app).expect("the server after slow bodies");
    assert_eq!(app.count("SELECT count(*) FROM attachments WHERE complete = 1"), 0, "nothing was stored");
    let file = Upload { field: "attachments", filename: "zuegig.txt", content_type: "text/plain", data: b"schnell" };
    anna.post_multipart(&upload, &[("csrf", &csrf)], &[file]).expect_redirect(&format!("/tickets/{n}"));
}

// ---------------------------------------------------------------------------------------------
// 8. Conditional GET
// ---------------------------------------------------------------------------------------------

/// The `ETag` of a 200 answer; panics when there is none.
#[track_caller]
fn etag_of(r: &Resp, what: &str) -> String {
    r.expect(200);
    r.header("ETag").unwrap_or_else(|| panic!("{what}: no ETag; headers {:?}", r.headers)).to_string()
}

/// `GET path` with `If-None-Match: etag` as `c`: the whole raw answer.
fn conditional(c: &Client, path: &str, etag: &str) -> (Resp, Vec<u8>) {
    let head = c.request_head("GET", path, &[("If-None-Match", etag)]);
    let r = send(c.addr, head.into_bytes());
    let (resp, _) = parse_resp(&r.raw).unwrap_or_else(|e| panic!("GET {path} with If-None-Match: {e}"));
    (resp, r.raw)
}

#[test]
fn logged_in_pages_answer_304_to_their_etag_until_something_changes() {
    let app = Builder::new().customer(ANNA).customer(BERND).start();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    anna.set_cookie("ticketd_lang", "de");
    bernd.set_cookie("ticketd_lang", "de");
    let n = create_ticket(&mut anna, "Zwischenspeicher", "Bitte nur einmal zeichnen.", "normal");
    anna.get(&format!("/tickets/{n}")).expect(200); // shows (and clears) the "created" notice

    let etag = etag_of(&anna.get("/tickets"), "Anna's overview");
    let (r, raw) = conditional(&anna, "/tickets", &etag);
    assert_eq!(r.status, 304, "nothing changed: {:?}", String::from_utf8_lossy(&raw));
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").map_or(0, |p| p + 4);
    assert_eq!(raw.len(), head_end, "a 304 has no body: {:?}", String::from_utf8_lossy(&raw));
    if let Some(e) = r.header("ETag") {
        assert_eq!(e, etag, "the 304 names the same ETag");
    }

    // Another language, another session: their own pages.
    let mut anna_en = anna.clone();
    anna_en.set_cookie("ticketd_lang", "en");
    let etag_en = etag_of(&anna_en.get("/tickets"), "Anna's overview in English");
    assert_ne!(etag_en, etag, "the language is part of the ETag");
    let r = conditional(&anna_en, "/tickets", &etag).0;
    assert_eq!(r.status, 200, "the German ETag for the English page");
    assert_eq!(html::page_lang(&r.text()).as_deref(), Some("en"));
    let r = conditional(&bernd, "/tickets", &etag).0;
    assert_eq!(r.status, 200, "Anna's ETag for Bernd's overview");
    assert!(!r.text().contains("Zwischenspeicher"), "Bernd sees his own list");
    assert_eq!(conditional(&anna, "/tickets", &etag).0.status, 304, "other readers changed nothing");

    // A write by the customer.
    let csrf = session_csrf(&mut anna);
    anna.post_form(&format!("/tickets/{n}/reply"), &[("csrf", &csrf), ("body", "Nachtrag.")]).expect(303);
    anna.get(&format!("/tickets/{n}")).expect(200); // shows (and clears) the notice
    let r = conditional(&anna, "/tickets", &etag).0;
    let etag2 = etag_of(&r, "after a reply");
    assert_ne!(etag2, etag, "a new ETag after a write");
    assert_eq!(conditional(&anna, "/tickets", &etag2).0.status, 304, "unchanged since");

    // A write by another process on the same database file.
    app.db().execute("UPDATE tickets SET subject = 'Neu benannt' WHERE number = ?1", [&n]).expect("update");
    let r = conditional(&anna, "/tickets", &etag2).0;
    assert_eq!(r.status, 200, "a commit by another process");
    assert!(r.text().contains("Neu benannt"));

    // Without a session: no ETag, no 304.
    let mut nobody = app.client();
    let r = nobody.get("/tickets");
    assert_eq!((r.status, r.header("ETag")), (303, None), "not logged in");
    let etag3 = etag_of(&anna.get("/tickets"), "Anna's overview again");
    assert_eq!(conditional(&nobody, "/tickets", &etag3).0.status, 303, "not logged in, with Anna's ETag");
    let mut old = Client::new(app.addr);
    old.set_cookie("ticketd_session", anna.cookie("ticketd_session").expect("session cookie"));
    old.set_cookie("ticketd_lang", "de");
    let csrf = session_csrf(&mut anna);
    anna.post_form("/logout", &[("csrf", &csrf)]).expect(303);
    assert_eq!(conditional(&old, "/tickets", &etag3).0.status, 303, "the logged-out session with its last ETag");
}

// ---------------------------------------------------------------------------------------------
// 9. Pipelining
// ---------------------------------------------------------------------------------------------

/// Writes `requests` in one write on one connection; the answers in order, and whether the
/// server closed the connection after them.
fn pipelined(addr: SocketAddr, requests: &[u8], n: usize) -> (Vec<Resp>, bool) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(requests).expect("write the requests");
    let mut buf = Vec::new();
    let answers: Vec<Resp> =
        (0..n).map(|i| read_one(&mut s, &mut buf).unwrap_or_else(|e| panic!("answer {}: {e}", i + 1))).collect();
    let mut rest = Vec::new();
    let closed = s.read_to_end(&mut rest).is_ok() && rest.is_empty() && buf.is_empty();
    (answers, closed)
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let app = Builder::new().customer(ANNA).start();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Hintereinander", "Zwei auf einmal.", "normal");
    let csrf = session_csrf(&mut anna);
    let page = format!("/tickets/{n}");

    let visitor = app.client();
    let two =
        format!("{}\r\n{}", open_head(&visitor, "GET", "/healthz", &[]), visitor.request_head("GET", "/login", &[]));
    let (answers, closed) = pipelined(app.addr, two.as_bytes(), 2);
    answers[0].expect(200);
    assert_eq!(answers[0].text(), "ok\n", "first the health check");
    answers[1].expect(200);
    assert!(html::form(&answers[1].text(), "/login").is_some(), "then the login page");
    assert!(closed, "closed after the request that asked for it");

    let m = Multipart::new()
        .field("csrf", &csrf)
        .field("body", "Mit Datei, hintereinander.")
        .file("attachments", "hintereinander.txt", "text/plain", b"Inhalt der Datei")
        .close();
    let (ctype, len) = (m.content_type(), m.body.len().to_string());
    let post =
        open_head(&anna, "POST", &format!("{page}/reply"), &[("Content-Type", &ctype), ("Content-Length", &len)]);
    let mut both = format!("{post}\r\n").into_bytes();
    both.extend_from_slice(&m.body);
    both.extend_from_slice(anna.request_head("GET", &page, &[]).as_bytes());
    let (answers, closed) = pipelined(app.addr, &both, 2);
    answers[0].expect_redirect(&page);
    answers[1].expect(200);
    let text = answers[1].text();
    assert!(text.contains("Mit Datei, hintereinander.") && text.contains("hintereinander.txt"), "{text}");
    assert!(closed, "closed after the request that asked for it");
    assert_eq!(app.count("SELECT count(*) FROM attachments WHERE file_name = 'hintereinander.txt'"), 1);
}
