//! Hardening and operations (issue 7): hostile connections, `kill -9` during a stream of writes,
//! graceful `SIGTERM`, a full / read-only / locked / corrupt database, backup, restore, an
//! upgrade from the first schema version, `/healthz`.
//!
//! These tests start `ticketd serve` themselves ([`Srv`]) because they need the process: its
//! pid (RSS, signals), its exit status, a descriptor limit, restarts on the same files. Every
//! measured number is printed with a `hardening:` prefix
//! (`cargo test --test it hardening -- --nocapture`).

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{
    attachment_links, create_ticket, run_ticketd, session_csrf, Builder, CustomerSpec, Env, Lcg, ADA, ANNA, BIN,
};
use crate::html;
use crate::http::{urlencode_pairs, Client, Multipart, Resp};

// ---------------------------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------------------------

/// One `ticketd serve` on an [`Env`]'s config, started by us; killed on drop.
struct Srv {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
    /// Where this run's output starts in `log` (restarts append to the same file).
    log_start: u64,
}

impl Srv {
    #[track_caller]
    fn start(env: &Env) -> Srv {
        Srv::start_with(env, &[]).unwrap_or_else(|log| panic!("ticketd serve did not come up:\n{log}"))
    }

    /// Starts `ticketd serve --config …`, behind `wrapper` (e.g. `prlimit --nofile=128:128`,
    /// which execs, so the pid stays the server's) and waits for `/healthz` 200. `Err` holds
    /// the server's output when it exits or does not answer within 30 s.
    fn start_with(env: &Env, wrapper: &[&str]) -> Result<Srv, String> {
        let log = env.dir.path.join("hardening-server.log");
        let file = fs::OpenOptions::new().create(true).append(true).open(&log).expect("open the server log");
        let log_start = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut cmd = match wrapper.split_first() {
            Some((prog, args)) => {
                let mut c = Command::new(prog);
                c.args(args).arg(BIN);
                c
            }
            None => Command::new(BIN),
        };
        cmd.args(["serve", "--config"])
            .arg(&env.config_path)
            .env_remove("TICKETD_LISTEN")
            .env_remove("TICKETD_DATABASE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(file));
        let mut child = cmd.spawn().expect("spawn ticketd serve");
        let addr = SocketAddr::from(([127, 0, 0, 1], env.port));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("exited with {status}:\n{}", read_log(&log, log_start)));
            }
            if health(addr).is_ok_and(|(s, _)| s == 200) {
                return Ok(Srv { child, addr, log, log_start });
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no /healthz 200 within 30 s:\n{}", read_log(&log, log_start)));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        read_log(&self.log, self.log_start)
    }

    /// `kill -9`; returns the exit status.
    fn kill9(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("wait for the killed server")
    }

    /// `kill -TERM <pid>`.
    fn sigterm(&self) {
        let ok = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status().expect("run kill");
        assert!(ok.success(), "kill -TERM failed");
    }

    /// The exit status if the process ended, without waiting.
    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(s) = self.exited() {
                return Some(s);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Resident memory of the server process, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("read /proc/<pid>/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }

    /// Open descriptors of the server process.
    fn fds(&self) -> usize {
        fs::read_dir(format!("/proc/{}/fd", self.pid())).map(|d| d.count()).unwrap_or(0)
    }
}

impl Drop for Srv {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.log();
            let chars: Vec<char> = log.chars().collect();
            let tail: String = chars[chars.len().saturating_sub(4000)..].iter().collect();
            eprintln!("--- server stderr (tail) ---\n{tail}\n---");
        }
    }
}

fn read_log(path: &Path, from: u64) -> String {
    let all = fs::read(path).unwrap_or_default();
    String::from_utf8_lossy(&all[(from as usize).min(all.len())..]).into_owned()
}

fn login(addr: SocketAddr, c: CustomerSpec) -> Client {
    let mut cl = Client::new(addr);
    let r = cl.submit("/login", "/login", &[("login", c.number), ("password", c.password)]);
    r.expect_redirect("/tickets");
    cl
}

fn add_customer(env: &Env, c: CustomerSpec) {
    env.cli_stdin(
        &["customer", "add", "--number", c.number, "--name", c.name, "--email", c.email, "--password-stdin"],
        &format!("{}\n", c.password),
    );
}

fn add_admin(env: &Env) {
    env.cli_stdin(
        &["admin", "create", "--username", ADA.username, "--email", ADA.email, "--password-stdin"],
        &format!("{}\n", ADA.password),
    );
}

/// Points the config (and `env.db_path`) at another database file.
fn move_database(env: &mut Env, db: PathBuf) {
    let text = fs::read_to_string(&env.config_path).expect("read config");
    let lines: Vec<String> =
        text.lines()
            .map(|l| {
                if l.starts_with("database =") {
                    format!("database = {:?}", db.to_string_lossy())
                } else {
                    l.to_string()
                }
            })
            .collect();
    fs::write(&env.config_path, lines.join("\n") + "\n").expect("write config");
    env.db_path = db;
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let rows: Vec<String> = crate::harness::strings(&conn, "PRAGMA integrity_check");
    rows.join("; ")
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP that never panics
// ---------------------------------------------------------------------------------------------

/// Parses one answer at the start of `raw`: its length by `Content-Length`, else up to the end.
/// Returns it and the bytes it took.
pub(crate) fn parse_resp(raw: &[u8]) -> Result<(Resp, usize), String> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|e| e.to_string())?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/1.") {
        return Err(format!("not HTTP/1.x: {status_line:?}"));
    }
    let status: u16 =
        status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(format!("bad status {status_line:?}"))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let rest = &raw[end + 4..];
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(if status == 204 || status == 304 { 0 } else { rest.len() });
    if rest.len() < len {
        return Err(format!("body shorter ({}) than Content-Length {len}", rest.len()));
    }
    Ok((Resp { status, headers, body: rest[..len].to_vec() }, end + 4 + len))
}

/// Sends `req` on a fresh connection and reads until the server closes it (or `timeout`).
fn try_exchange(addr: SocketAddr, req: &[u8], timeout: Duration) -> Result<Resp, String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(3)).map_err(|e| format!("connect: {e}"))?;
    let _ = s.set_read_timeout(Some(timeout));
    let _ = s.set_write_timeout(Some(timeout));
    let wrote = s.write_all(req);
    let mut raw = Vec::new();
    let read = s.read_to_end(&mut raw);
    parse_resp(&raw).map(|(r, _)| r).map_err(|e| format!("{e} (write: {wrote:?}, read: {read:?}, {} bytes)", raw.len()))
}

/// One request with the client's cookies, `Connection: close`; errors instead of panics.
fn try_send(c: &Client, method: &str, path: &str, ctype: Option<&str>, body: Option<&[u8]>) -> Result<Resp, String> {
    let len = body.map(|b| b.len().to_string());
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if let Some(t) = ctype {
        headers.push(("Content-Type", t));
    }
    if let Some(l) = &len {
        headers.push(("Content-Length", l));
    }
    let mut req = c.request_head(method, path, &headers).into_bytes();
    req.extend_from_slice(body.unwrap_or_default());
    try_exchange(c.addr, &req, Duration::from_secs(30))
}

pub(crate) fn health(addr: SocketAddr) -> Result<(u16, String), String> {
    try_exchange(addr, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", Duration::from_secs(5))
        .map(|r| (r.status, r.text()))
}

/// Reads one answer with a `Content-Length` from a keep-alive connection; `buf` keeps extra bytes.
pub(crate) fn read_one(s: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Resp, String> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Ok((r, used)) = parse_resp(buf) {
            if r.header("Content-Length").is_some() {
                buf.drain(..used);
                return Ok(r);
            }
        }
        match s.read(&mut chunk) {
            Ok(0) => return Err(format!("closed after {} bytes", buf.len())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// A request written by a separate thread while the answer is read: `prefix`, then `filler`
/// bytes of `a`, then `suffix`.
pub(crate) struct Payload {
    pub prefix: Vec<u8>,
    pub filler: usize,
    pub suffix: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct Refusal {
    /// The status of the answer, `None` when the connection closed without one.
    pub status: Option<u16>,
    /// Bytes the client got written before the server stopped reading.
    pub sent: usize,
    /// From connect to the end of the answer.
    pub took: Duration,
    /// Everything the server sent.
    pub raw: Vec<u8>,
    /// The server closed the connection (end of stream or reset) within the timeout.
    pub closed: bool,
}

pub(crate) fn send_hostile(addr: SocketAddr, p: Arc<Payload>, timeout: Duration) -> Refusal {
    let t = Instant::now();
    let mut s = TcpStream::connect(addr).expect("connect");
    let _ = s.set_read_timeout(Some(timeout));
    let mut w = s.try_clone().expect("clone the socket");
    let _ = w.set_write_timeout(Some(timeout));
    let writer = std::thread::spawn(move || {
        let mut sent = 0usize;
        let block = vec![b'a'; 64 * 1024];
        if w.write_all(&p.prefix).is_err() {
            return sent;
        }
        sent += p.prefix.len();
        let mut left = p.filler;
        while left > 0 {
            let n = left.min(block.len());
            match w.write(&block[..n]) {
                Ok(k) => {
                    sent += k;
                    left -= k;
                }
                Err(_) => return sent,
            }
        }
        if w.write_all(&p.suffix).is_ok() {
            sent += p.suffix.len();
        }
        sent
    });
    let mut raw = Vec::new();
    let end = s.read_to_end(&mut raw);
    let took = t.elapsed();
    let closed = match end {
        Ok(_) => true,
        Err(e) => matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted),
    };
    drop(s);
    let sent = writer.join().unwrap_or(0);
    let status = parse_resp(&raw).ok().map(|(r, _)| r.status);
    Refusal { status, sent, took, raw, closed }
}

/// A connection from a chosen local address (any of 127.0.0.0/8 is ours on Linux).
fn connect_from(from: SocketAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    use socket2::{Domain, Socket, Type};
    let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    s.bind(&from.into())?;
    s.connect(&to.into())?;
    Ok(s.into())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

// ---------------------------------------------------------------------------------------------
// 1. Hostile connections
// ---------------------------------------------------------------------------------------------

#[test]
fn hostile_300_half_sent_heads_do_not_delay_a_normal_request() {
    let env = Builder::new().customer(ANNA).prepare();
    let srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    anna.get("/tickets").expect(200);
    let rss_before = srv.rss_kib();
    let mut hanging = Vec::new();
    // 300 clients from 300 addresses (one address may hold only 32 connections, see below).
    for i in 0..300 {
        let from = SocketAddr::from(([127, 0, 1 + (i / 250) as u8, 1 + (i % 250) as u8], 0));
        let mut s = connect_from(from, srv.addr).unwrap_or_else(|e| panic!("hanging client {i}: connect: {e}"));
        s.write_all(b"POST /tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-")
            .unwrap_or_else(|e| panic!("hanging client {i}: write: {e}"));
        hanging.push(s);
    }
    std::thread::sleep(Duration::from_millis(300));

    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    for _ in 0..10 {
        let t = Instant::now();
        anna.get("/tickets").expect(200);
        let took = t.elapsed();
        worst = worst.max(took);
        total += took;
    }
    let t = Instant::now();
    let fresh = health(srv.addr);
    let health_took = t.elapsed();
    // They are all still open and unanswered: held by the server, not refused.
    let mut open = 0;
    for s in &mut hanging {
        s.set_nonblocking(true).unwrap();
        let mut b = [0u8; 64];
        if matches!(s.read(&mut b), Err(e) if e.kind() == ErrorKind::WouldBlock) {
            open += 1;
        }
    }
    let rss_during = srv.rss_kib();
    println!(
        "hardening: 300 half-sent heads held open: GET /tickets worst {} / mean {} over 10; GET /healthz on a \
         new connection {}; server RSS {rss_before} → {rss_during} KiB, {} descriptors",
        ms(worst),
        ms(total / 10),
        ms(health_took),
        srv.fds()
    );
    assert_eq!(open, 300, "every hanging client should still be open and unanswered");
    assert_eq!(fresh, Ok((200, "ok\n".to_string())), "/healthz beside 300 hanging clients");
    assert!(health_took < Duration::from_secs(1), "/healthz took {health_took:?}");
    assert!(worst < Duration::from_secs(1), "a normal request took {worst:?} beside 300 hanging clients");
    drop(hanging);
    anna.get("/tickets").expect(200);

    // One address holds at most 32 connections: the 33rd is refused at once with 429, and the
    // refusals never hold up anyone else's connection.
    let greedy = SocketAddr::from(([127, 0, 3, 1], 0));
    let held: Vec<TcpStream> = (0..32)
        .map(|i| connect_from(greedy, srv.addr).unwrap_or_else(|e| panic!("greedy client {i}: connect: {e}")))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    for i in 0..50 {
        let mut s = connect_from(greedy, srv.addr).unwrap_or_else(|e| panic!("refused client {i}: connect: {e}"));
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let status = parse_resp(&raw).map(|(r, _)| r.status);
        assert_eq!(status, Ok(429), "connection {} from one address", 33 + i);
    }
    let refusals = t.elapsed();
    let t = Instant::now();
    anna.get("/tickets").expect(200);
    let other = t.elapsed();
    println!(
        "hardening: 50 connections over the per-address cap refused in {}; another client meanwhile {}",
        ms(refusals),
        ms(other)
    );
    assert!(refusals < Duration::from_secs(5), "50 refusals took {refusals:?}: the accept loop lingers");
    drop(held);
}

#[test]
fn hostile_huge_header_lines_and_header_floods_get_431_without_memory_growth() {
    let env = Builder::new().prepare();
    let srv = Srv::start(&env);
    for _ in 0..20 {
        health(srv.addr).expect("warm-up");
    }
    let rss_before = srv.rss_kib();

    let long_line = Payload {
        prefix: b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ".to_vec(),
        filler: 1 << 20,
        suffix: b"\r\n\r\n".to_vec(),
    };
    // 10,000 tiny headers in 50 KB: under the 64 KiB head limit, so the header count decides.
    let mut tiny = b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for _ in 0..10_000 {
        tiny.extend_from_slice(b"a:1\r\n");
    }
    tiny.extend_from_slice(b"\r\n");
    // 10,000 named headers, about 240 KB.
    let mut named = b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for i in 0..10_000 {
        named.extend_from_slice(format!("X-Header-{i}: value-{i}\r\n").as_bytes());
    }
    named.extend_from_slice(b"\r\n");
    let kinds: Vec<(&str, Arc<Payload>)> = vec![
        ("a 1 MiB header line", Arc::new(long_line)),
        ("10,000 headers in 50 KB", Arc::new(Payload { prefix: tiny, filler: 0, suffix: Vec::new() })),
        ("10,000 named headers (240 KB)", Arc::new(Payload { prefix: named, filler: 0, suffix: Vec::new() })),
    ];
    let mut results: Vec<(&str, Refusal)> = Vec::new();
    for _round in 0..3 {
        // Ten of each at the same time.
        let handles: Vec<_> = kinds
            .iter()
            .flat_map(|(name, p)| (0..10).map(move |_| (*name, p.clone())))
            .map(|(name, p)| {
                let addr = srv.addr;
                std::thread::spawn(move || (name, send_hostile(addr, p, Duration::from_secs(20))))
            })
            .collect();
        results.extend(handles.into_iter().map(|h| h.join().expect("sender thread")));
    }
    let rss_after = srv.rss_kib();
    for (name, _) in &kinds {
        let of: Vec<&Refusal> = results.iter().filter(|(n, _)| n == name).map(|(_, r)| r).collect();
        let refused = of.iter().filter(|r| r.status == Some(431)).count();
        let closed = of.iter().filter(|r| r.status.is_none()).count();
        let slowest = of.iter().map(|r| r.took).max().unwrap_or_default();
        let most_sent = of.iter().map(|r| r.sent).max().unwrap_or_default();
        println!(
            "hardening: {name} ×{}: {refused} answered 431, {closed} closed without answer; slowest {}; at most \
             {most_sent} bytes written",
            of.len(),
            ms(slowest)
        );
    }
    let growth = rss_after.saturating_sub(rss_before);
    println!("hardening: oversized heads: server RSS {rss_before} → {rss_after} KiB (+{growth} KiB)");
    for (name, r) in &results {
        assert!(matches!(r.status, None | Some(431)), "{name}: answered {:?} instead of 431 or a close", r.status);
        assert!(r.took < Duration::from_secs(10), "{name}: took {:?}", r.took);
    }
    assert!(
        results.iter().filter(|(n, _)| n.contains("50 KB")).all(|(_, r)| r.status == Some(431)),
        "10,000 headers that fit the size limit are refused by count with 431"
    );
    assert!(growth < 16 * 1024, "server RSS grew by {growth} KiB");
    assert_eq!(health(srv.addr), Ok((200, "ok\n".to_string())), "the server still answers");
}

#[test]
fn hostile_huge_bodies_get_413_without_buffering() {
    let env = Builder::new().customer(ANNA).prepare();
    let srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Große Formulare", "Bitte nicht puffern.", "normal");
    let csrf = session_csrf(&mut anna);
    let activities_before = env.count("SELECT count(*) FROM activities");
    for _ in 0..10 {
        anna.get(&format!("/tickets/{n}")).expect(200);
    }
    let rss_before = srv.rss_kib();

    const BODY: usize = 30_000_000;
    let reply = format!("/tickets/{n}/reply");
    for path in ["/login", "/tickets", reply.as_str()] {
        let fields = format!("csrf={csrf}&subject=x&body=");
        let mut prefix = anna
            .request_head(
                "POST",
                path,
                &[("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", &BODY.to_string())],
            )
            .into_bytes();
        prefix.extend_from_slice(fields.as_bytes());
        let p = Arc::new(Payload { prefix, filler: BODY - fields.len(), suffix: Vec::new() });
        let r = send_hostile(srv.addr, p, Duration::from_secs(30));
        println!(
            "hardening: 30 MB urlencoded body to POST {path}: {:?} after {}, {:.1} MB written before the server \
             closed",
            r.status,
            ms(r.took),
            r.sent as f64 / 1e6
        );
        assert_eq!(r.status, Some(413), "30 MB urlencoded body to {path}");
    }
    let rss_after_30mb = srv.rss_kib();

    // Content-Length 10^12: refused from the head alone, form or upload.
    let upload = format!("/tickets/{n}/attachments");
    for (path, ctype) in [
        (reply.as_str(), "application/x-www-form-urlencoded"),
        (upload.as_str(), "multipart/form-data; boundary=x"),
        ("/login", "text/plain"),
    ] {
        let head = anna.request_head("POST", path, &[("Content-Type", ctype), ("Content-Length", "1000000000000")]);
        let t = Instant::now();
        let r = try_exchange(srv.addr, head.as_bytes(), Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("Content-Length 10^12 to {path}: {e}"));
        println!("hardening: Content-Length 10^12 ({ctype}) to POST {path}: {} after {}", r.status, ms(t.elapsed()));
        assert_eq!(r.status, 413, "Content-Length 10^12 to {path}");
    }
    let rss_after = srv.rss_kib();
    let growth = rss_after.saturating_sub(rss_before);
    println!(
        "hardening: huge bodies: server RSS {rss_before} → {rss_after_30mb} (after 3×30 MB) → {rss_after} KiB \
         (+{growth} KiB)"
    );
    assert!(growth < 4 * 1024, "server RSS grew by {growth} KiB for bodies it refused");
    assert_eq!(health(srv.addr), Ok((200, "ok\n".to_string())), "the server stays up");
    assert_eq!(env.count("SELECT count(*) FROM activities"), activities_before, "nothing was stored");
    anna.get(&format!("/tickets/{n}")).expect(200);
}

fn quick_timeouts() -> Env {
    Builder::new().toml("[limits]\nidle_timeout_seconds = 1\nrequest_timeout_seconds = 1").prepare()
}

#[test]
fn hostile_idle_keep_alive_connections_are_closed_after_idle_timeout() {
    let env = quick_timeouts();
    let srv = Srv::start(&env);
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let mut buf = Vec::new();
    s.write_all(req).unwrap();
    read_one(&mut s, &mut buf).expect("first answer").expect(200);
    // Keep-alive works within the idle time.
    std::thread::sleep(Duration::from_millis(500));
    s.write_all(req).unwrap();
    read_one(&mut s, &mut buf).expect("second answer on the same connection").expect(200);
    let t = Instant::now();
    let mut b = [0u8; 256];
    let end = s.read(&mut b);
    let closed_after = t.elapsed();
    println!(
        "hardening: idle_timeout_seconds = 1: an idle keep-alive connection was closed after {}",
        ms(closed_after)
    );
    assert!(
        matches!(end, Ok(0)) || matches!(&end, Err(e) if e.kind() == ErrorKind::ConnectionReset),
        "expected the server to close the idle connection, got {end:?}"
    );
    assert!(closed_after >= Duration::from_millis(700), "closed too early: {closed_after:?}");
    assert!(closed_after <= Duration::from_millis(2500), "closed only after {closed_after:?}");
}

#[test]
fn hostile_slow_heads_get_408_after_request_timeout() {
    let env = quick_timeouts();
    let srv = Srv::start(&env);

    // A head that trickles, then stalls.
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    for piece in ["GET /healthz HTTP/1.1\r\n", "Host: 127.0.0.1\r\n", "X-Slow: 1\r\n"] {
        s.write_all(piece.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(250));
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let stalled = t.elapsed();
    let status = parse_resp(&raw).map(|(r, _)| r.status);

    // A head that never stops trickling: a byte every 100 ms.
    let mut d = TcpStream::connect(srv.addr).unwrap();
    d.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = d.try_clone().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let dripper = std::thread::spawn(move || {
        let text = format!("GET /healthz HTTP/1.1\r\nX-Drip: {}", "a".repeat(200));
        for b in text.bytes() {
            if stop2.load(Ordering::Relaxed) || w.write_all(&[b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let t = Instant::now();
    let mut raw = Vec::new();
    let _ = d.read_to_end(&mut raw);
    let dripped = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = dripper.join();
    let drip_status = parse_resp(&raw).map(|(r, _)| r.status);

    println!(
        "hardening: request_timeout_seconds = 1: trickled-then-stalled head → {status:?} after {}; endless \
         trickle → {drip_status:?} after {}",
        ms(stalled),
        ms(dripped)
    );
    assert_eq!(status, Ok(408), "a stalled head");
    assert!(stalled >= Duration::from_millis(800) && stalled <= Duration::from_millis(2500), "408 after {stalled:?}");
    assert_eq!(drip_status, Ok(408), "a head that trickles forever");
    assert!(dripped <= Duration::from_millis(2500), "408 for the endless trickle after {dripped:?}");
    assert_eq!(health(srv.addr), Ok((200, "ok\n".to_string())));
}

#[test]
fn hostile_a_body_that_pauses_gets_408_after_request_timeout() {
    let env = quick_timeouts();
    let srv = Srv::start(&env);
    let mut b = TcpStream::connect(srv.addr).unwrap();
    b.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    b.write_all(
        b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 100\r\n\r\nlogin=abc&",
    )
    .unwrap();
    let mut raw = Vec::new();
    let end = b.read_to_end(&mut raw);
    let took = t.elapsed();
    let status = parse_resp(&raw).map(|(r, _)| r.status);
    println!(
        "hardening: request_timeout_seconds = 1: a body paused after 10 of 100 bytes → {status:?} ({} bytes, {end:?}), \
         connection closed after {}",
        raw.len(),
        ms(took)
    );
    assert!(took <= Duration::from_millis(3000), "a paused body held the connection for {took:?}");
    assert_eq!(
        status,
        Ok(408),
        "BUG: a pause within a body longer than request_timeout_seconds should be answered 408 Request Timeout \
         (as a stalled head is); the connection was closed after {took:?} without any answer"
    );
    assert_eq!(health(srv.addr), Ok((200, "ok\n".to_string())));
}

#[test]
fn hostile_descriptor_exhaustion_recovers_or_exits_non_zero() {
    let env = Builder::new().customer(ANNA).prepare();
    let mut srv = Srv::start_with(&env, &["prlimit", "--nofile=128:128"])
        .unwrap_or_else(|log| panic!("ticketd serve under prlimit did not come up:\n{log}"));
    let limits = fs::read_to_string(format!("/proc/{}/limits", srv.pid())).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap_or("").to_string();
    assert!(line.split_whitespace().nth(3) == Some("128"), "the limit applies to the server: {line}");
    let fds_idle = srv.fds();

    let mut conns = Vec::new();
    let mut failed = 0;
    for _ in 0..150 {
        match TcpStream::connect_timeout(&srv.addr, Duration::from_secs(1)) {
            Ok(mut s) => {
                let _ = s.write_all(b"GET /tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                conns.push(s);
            }
            Err(_) => failed += 1,
        }
    }
    std::thread::sleep(Duration::from_millis(700));
    let fds_peak = srv.fds();
    let t = Instant::now();
    let during = try_exchange(
        srv.addr,
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(2),
    );
    let during_took = t.elapsed();
    let during = match during {
        Ok(r) => format!("{} {:?}", r.status, r.text().trim()),
        Err(e) => format!("no answer ({e})"),
    };
    drop(conns);

    let closed = Instant::now();
    let deadline = closed + Duration::from_secs(25);
    enum Outcome {
        Recovered(Duration),
        Exited(ExitStatus, Duration),
    }
    let outcome = loop {
        if let Some(status) = srv.exited() {
            break Outcome::Exited(status, closed.elapsed());
        }
        if health(srv.addr).is_ok_and(|(s, _)| s == 200) {
            break Outcome::Recovered(closed.elapsed());
        }
        assert!(
            Instant::now() < deadline,
            "25 s after the connections closed the process neither answers nor exited: a live process that \
             serves nothing"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let accept_warnings = srv.log().matches("accept failed").count();
    match outcome {
        Outcome::Recovered(after) => {
            // Really serving: a login (bcrypt, a session write) and a burst of pages.
            let mut anna = login(srv.addr, ANNA);
            for _ in 0..20 {
                anna.get("/tickets").expect(200);
            }
            println!(
                "hardening: nofile 128: {} of 150 connections opened ({failed} failed); descriptors {fds_idle} idle → \
                 {fds_peak} at peak; a request meanwhile: {during} after {}; {accept_warnings} accept warnings; \
                 recovered {} after the clients closed (login and 20 pages fine, {} descriptors now)",
                150 - failed,
                ms(during_took),
                ms(after),
                srv.fds()
            );
        }
        Outcome::Exited(status, after) => {
            println!(
                "hardening: nofile 128: {} of 150 connections opened; descriptors {fds_idle} → {fds_peak}; the \
                 process exited with {status} {} after the clients closed",
                150 - failed,
                ms(after)
            );
            assert!(!status.success(), "after descriptor exhaustion the process exited with {status}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Crash safety and graceful stop
// ---------------------------------------------------------------------------------------------

const CRASH_FILE_MIN: u32 = 4 * 1024;
const CRASH_FILE_MAX: u32 = 600 * 1024;
const ATTACHMENT_LIMITS: &str = "[attachments]\nmax_file_bytes = 700000\nmax_request_bytes = 2000000";

#[derive(Debug, Clone)]
enum Sent {
    /// A reply: its text carries `mark`.
    Reply { mark: String },
    /// A file: on its own (document) or with a reply text `mark`.
    Upload { name: String, seed: u64, size: usize, mark: Option<String> },
}

#[derive(Debug, Clone)]
struct Attempt {
    ticket: usize,
    round: u32,
    sent: Sent,
    acked: bool,
}

fn crash_rounds() -> u32 {
    std::env::var("TICKETD_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

/// What one traffic thread needs; shared between the threads of a round: `stop`, `log`
/// (every attempt) and `unexpected` (answers other than 303 while the server ran).
struct Traffic {
    round: u32,
    client: Client,
    number: String,
    csrf: String,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Attempt>>>,
    unexpected: Arc<Mutex<Vec<String>>>,
}

/// Client thread `t`: thread 0 replies, thread 1 uploads documents, thread 2 replies with a
/// file every other time; until `stop`. Records every attempt, and whether it got its 303.
fn crash_traffic(t: usize, x: Traffic) {
    let Traffic { round, client, number, csrf, stop, log, unexpected } = x;
    let mut rng = Lcg(0xC0FF_EE00 ^ (u64::from(round) << 8) ^ t as u64);
    let reply = format!("/tickets/{number}/reply");
    let documents = format!("/tickets/{number}/attachments");
    let mut i = 0u32;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let mark = format!("crashmark-r{round}-t{t}-n{i}-end");
        let with_file = t == 1 || (t == 2 && i.is_multiple_of(2));
        let (path, ctype, body, sent) = if !with_file {
            let text = format!("{mark} {}", "Lorem ipsum dolor sit amet ".repeat(1 + rng.below(40) as usize));
            let body = urlencode_pairs(&[("csrf", &csrf), ("body", &text)]).into_bytes();
            (reply.clone(), "application/x-www-form-urlencoded".to_string(), body, Sent::Reply { mark })
        } else {
            let size = (CRASH_FILE_MIN + rng.below(CRASH_FILE_MAX - CRASH_FILE_MIN)) as usize;
            let seed = (u64::from(round) << 40) | ((t as u64) << 32) | u64::from(i);
            let data = Lcg(seed).bytes(size);
            let name = format!("r{round}-t{t}-n{i}.bin");
            let mut m = Multipart::new().field("csrf", &csrf);
            let (path, text) = if t == 1 {
                (documents.clone(), None)
            } else {
                m = m.field("body", &mark);
                (reply.clone(), Some(mark))
            };
            let m = m.file("attachments", &name, "application/octet-stream", &data).close();
            (path, m.content_type(), m.body, Sent::Upload { name, seed, size, mark: text })
        };
        let idx = {
            let mut l = log.lock().unwrap();
            l.push(Attempt { ticket: t, round, sent, acked: false });
            l.len() - 1
        };
        match try_send(&client, "POST", &path, Some(&ctype), Some(&body)) {
            Ok(r) if r.status == 303 => log.lock().unwrap()[idx].acked = true,
            Ok(r) => unexpected.lock().unwrap().push(format!(
                "round {round} thread {t}: POST {path} answered {} {}",
                r.status,
                r.text().chars().take(300).collect::<String>()
            )),
            Err(e) => {
                if !stop.load(Ordering::SeqCst) {
                    unexpected.lock().unwrap().push(format!("round {round} thread {t}: POST {path} failed: {e}"));
                }
                return;
            }
        }
    }
}

#[derive(Default, Debug)]
struct CrashTotals {
    acked_replies: usize,
    acked_files: usize,
    unacked_present: usize,
    unacked_absent: usize,
    files_downloaded: usize,
    bytes_downloaded: usize,
}

/// After a restart: every acknowledged write is there, nothing half-visible, every file of this
/// round that is listed downloads byte-exact.
fn crash_verify(anna: &mut Client, tickets: &[String], attempts: &[Attempt], round: u32, totals: &mut CrashTotals) {
    for (t, number) in tickets.iter().enumerate() {
        let r = anna.get(&format!("/tickets/{number}"));
        r.expect(200);
        let page = r.text();
        let links = attachment_links(&page);
        for a in attempts.iter().filter(|a| a.ticket == t) {
            let (present, what) = match &a.sent {
                Sent::Reply { mark } => (page.contains(mark.as_str()), format!("reply {mark}")),
                Sent::Upload { name, seed, size, mark } => {
                    let link = links.iter().find(|(_, shown)| shown == name);
                    if let Some(m) = mark {
                        assert_eq!(
                            page.contains(m.as_str()),
                            link.is_some(),
                            "round {round}: the reply {m} and its file {name} must be visible together or not at all"
                        );
                    }
                    if let (Some((id, _)), true) = (link, a.round == round) {
                        let d = anna.get(&format!("/tickets/{number}/attachments/{id}"));
                        d.expect(200);
                        assert!(
                            d.body.len() == *size && d.body == Lcg(*seed).bytes(*size),
                            "round {round}: {name} downloads {} bytes, not the {size} sent (or other bytes)",
                            d.body.len()
                        );
                        totals.files_downloaded += 1;
                        totals.bytes_downloaded += size;
                    }
                    (link.is_some(), format!("file {name}"))
                }
            };
            if a.acked {
                assert!(present, "round {round}: the acknowledged (303) {what} on {number} is missing after kill -9");
                if a.round == round {
                    match a.sent {
                        Sent::Reply { .. } => totals.acked_replies += 1,
                        Sent::Upload { .. } => totals.acked_files += 1,
                    }
                }
            } else if a.round == round {
                if present {
                    totals.unacked_present += 1;
                } else {
                    totals.unacked_absent += 1;
                }
            }
        }
        for (_, name) in &links {
            assert!(
                attempts.iter().any(|a| matches!(&a.sent, Sent::Upload { name: n, .. } if n == name)),
                "round {round}: {number} lists a file nobody sent: {name:?}"
            );
        }
    }
}

#[test]
fn crash_safety_kill_9_during_replies_and_uploads() {
    let rounds = crash_rounds();
    let env = Builder::new().customer(ANNA).toml(ATTACHMENT_LIMITS).prepare();
    let mut srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let tickets: Vec<String> = (0..3)
        .map(|t| create_ticket(&mut anna, &format!("Absturz {t}"), "Bitte nichts verlieren.", "normal"))
        .collect();
    let csrf = session_csrf(&mut anna);
    let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let unexpected: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut rng = Lcg(0x7E57_C4A5);
    let mut totals = CrashTotals::default();
    let mut pending_seen = 0;
    let started = Instant::now();
    // Each round runs on the server the previous round restarted (and verified with).
    for round in 0..rounds {
        let stop = Arc::new(AtomicBool::new(false));
        let delay = Duration::from_millis(20 + u64::from(rng.below(381)));
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let x = Traffic {
                    round,
                    client: anna.clone(),
                    number: tickets[t].clone(),
                    csrf: csrf.clone(),
                    stop: stop.clone(),
                    log: attempts.clone(),
                    unexpected: unexpected.clone(),
                };
                std::thread::spawn(move || crash_traffic(t, x))
            })
            .collect();
        std::thread::sleep(delay);
        stop.store(true, Ordering::SeqCst);
        srv.kill9();
        for h in threads {
            h.join().expect("traffic thread");
        }
        // The database exactly as the kill left it (opening it recovers the WAL, as a restart would).
        let check = integrity(&env.db_path);
        assert_eq!(check, "ok", "round {round}: PRAGMA integrity_check after kill -9");
        let conn = env.db();
        let pending: i64 =
            conn.query_row("SELECT count(*) FROM attachments WHERE complete = 0", [], |r| r.get(0)).unwrap();
        let partial: i64 = conn
            .query_row(
                "SELECT count(*) FROM attachments a WHERE complete = 1 AND size <>
                   (SELECT coalesce(sum(length(data)), 0) FROM attachment_chunks c WHERE c.attachment_id = a.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        drop(conn);
        assert_eq!(partial, 0, "round {round}: complete attachments whose chunks do not add up to their size");
        pending_seen += pending;

        srv = Srv::start(&env);
        assert_eq!(
            env.count("SELECT count(*) FROM attachments WHERE complete = 0"),
            0,
            "round {round}: unfinished uploads are removed at start"
        );
        assert_eq!(
            env.count("SELECT count(*) FROM attachment_chunks WHERE attachment_id NOT IN (SELECT id FROM attachments)"),
            0,
            "round {round}: orphaned chunks"
        );
        let snapshot = attempts.lock().unwrap().clone();
        let this_round = snapshot.iter().filter(|a| a.round == round).count();
        let acked = snapshot.iter().filter(|a| a.round == round && a.acked).count();
        crash_verify(&mut anna, &tickets, &snapshot, round, &mut totals);
        println!(
            "hardening: crash round {round}: kill -9 {} after traffic started; {this_round} writes attempted, {acked} \
             acknowledged and verified; {pending} pending upload row(s) left by the kill, removed at restart",
            ms(delay)
        );
    }
    let unexpected = unexpected.lock().unwrap();
    println!(
        "hardening: crash safety: {rounds} rounds in {:.1} s: {} acknowledged replies and {} acknowledged files \
         present after kill -9; {} files ({:.1} MB) downloaded byte-exact; unacknowledged writes: {} present, {} \
         absent; {pending_seen} pending rows seen after kills; integrity ok every round",
        started.elapsed().as_secs_f64(),
        totals.acked_replies,
        totals.acked_files,
        totals.files_downloaded,
        totals.bytes_downloaded as f64 / 1e6,
        totals.unacked_present,
        totals.unacked_absent
    );
    assert!(unexpected.is_empty(), "unexpected answers while the server ran:\n{}", unexpected.join("\n"));
    assert!(totals.acked_replies + totals.acked_files > 0, "no write was ever acknowledged");
    drop(srv);
}

/// A multipart upload to ticket `n` written in ten pieces: the head and the first piece are sent
/// at once, the rest by [`SlowUpload::send_piece`].
struct SlowUpload {
    stream: TcpStream,
    pieces: Vec<Vec<u8>>,
    next: usize,
}

impl SlowUpload {
    fn begin(c: &Client, n: &str, csrf: &str, name: &str, seed: u64) -> SlowUpload {
        let data = Lcg(seed).bytes(200_000);
        let m =
            Multipart::new().field("csrf", csrf).file("attachments", name, "application/octet-stream", &data).close();
        let head = c.request_head(
            "POST",
            &format!("/tickets/{n}/attachments"),
            &[("Content-Type", &m.content_type()), ("Content-Length", &m.body.len().to_string())],
        );
        let mut stream = TcpStream::connect(c.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let pieces: Vec<Vec<u8>> = m.body.chunks(m.body.len().div_ceil(10)).map(|p| p.to_vec()).collect();
        let mut up = SlowUpload { stream, pieces, next: 0 };
        up.send_piece().expect("first piece");
        up
    }

    /// Sends the next piece; `Ok(false)` when all were sent.
    fn send_piece(&mut self) -> std::io::Result<bool> {
        let Some(p) = self.pieces.get(self.next) else { return Ok(false) };
        self.stream.write_all(p)?;
        self.next += 1;
        Ok(true)
    }

    fn answer(mut self) -> Result<Resp, String> {
        let mut raw = Vec::new();
        let _ = self.stream.read_to_end(&mut raw);
        parse_resp(&raw).map(|(r, _)| r)
    }
}

#[test]
fn graceful_sigterm_finishes_uploads_in_flight_then_exits_0() {
    let env = Builder::new().customer(ANNA).toml(ATTACHMENT_LIMITS).prepare();
    let mut srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Langsam", "Kommt langsam.", "normal");
    let csrf = session_csrf(&mut anna);
    // Four uploads in flight, each sent over about a second, finishing together.
    let mut ups: Vec<SlowUpload> =
        (0..4).map(|i| SlowUpload::begin(&anna, &n, &csrf, &format!("langsam-{i}.bin"), 90 + i)).collect();
    std::thread::sleep(Duration::from_millis(100));
    srv.sigterm();
    let term = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let mut more = false;
        for u in &mut ups {
            more |= u.send_piece().expect("the server stopped reading an upload in flight");
        }
        if !more {
            break;
        }
    }
    let answers: Vec<Result<Resp, String>> = ups.into_iter().map(SlowUpload::answer).collect();
    let answered = term.elapsed();
    let status = srv.wait_exit(Duration::from_secs(40));
    let exited = term.elapsed();
    let stored = env.count("SELECT count(*) FROM attachments WHERE complete = 1");
    println!(
        "hardening: SIGTERM during 4 uploads of 1 s: answers {:?} {} after SIGTERM; exit {status:?} {} after \
         SIGTERM; {stored} uploads stored",
        answers.iter().map(|a| a.as_ref().map(|r| r.status).map_err(|e| e.clone())).collect::<Vec<_>>(),
        ms(answered),
        ms(exited)
    );
    assert_eq!(stored, 4, "the uploads in flight were stored");
    assert_eq!(env.count("SELECT count(*) FROM attachments WHERE complete = 0"), 0);
    for (i, a) in answers.iter().enumerate() {
        let r = a.as_ref().unwrap_or_else(|e| {
            panic!(
                "BUG: upload {i}, in flight during SIGTERM, got no complete answer ({e}), yet it was stored and \
                 the process exited {status:?}: the process ends before the response reaches the client"
            )
        });
        r.expect(303);
    }
    assert_eq!(status.map(|s| s.code()), Some(Some(0)), "exit status after SIGTERM");
}

#[test]
fn graceful_sigterm_finishes_a_download_in_flight() {
    let env = Builder::new()
        .customer(ANNA)
        .toml("[attachments]\nmax_file_bytes = 16000000\nmax_request_bytes = 20000000")
        .prepare();
    let mut srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Download", "Eine große Datei.", "normal");
    let csrf = session_csrf(&mut anna);
    // Larger than what the kernel buffers between the processes: most of it is still on its way
    // (or not yet read from the database) when SIGTERM comes.
    let data = Lcg(5).bytes(12_000_000);
    let m = Multipart::new()
        .field("csrf", &csrf)
        .file("attachments", "gross.bin", "application/octet-stream", &data)
        .close();
    anna.post_body(&format!("/tickets/{n}/attachments"), &m.content_type(), &m.body).expect(303);
    let page = anna.get(&format!("/tickets/{n}")).text();
    let (id, _) = attachment_links(&page).into_iter().find(|(_, name)| name == "gross.bin").expect("listed");

    // A client on a slow line: a small receive window, at most 64 KiB every 10 ms (2 s or more).
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.set_recv_buffer_size(128 * 1024).unwrap();
    sock.connect(&srv.addr.into()).unwrap();
    let mut s: TcpStream = sock.into();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(anna.request_head("GET", &format!("/tickets/{n}/attachments/{id}"), &[]).as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let got = s.read(&mut chunk).unwrap();
    raw.extend_from_slice(&chunk[..got]);
    srv.sigterm();
    let term = Instant::now();
    let mut exited_after = None;
    loop {
        std::thread::sleep(Duration::from_millis(10));
        if exited_after.is_none() && srv.exited().is_some() {
            exited_after = Some(term.elapsed());
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(k) => raw.extend_from_slice(&chunk[..k]),
        }
    }
    let read_for = term.elapsed();
    let status = srv.wait_exit(Duration::from_secs(40));
    let exited_after = exited_after.unwrap_or_else(|| term.elapsed());
    let body_len = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| raw.len() - p - 4).unwrap_or(0);
    println!(
        "hardening: SIGTERM during a slow 12 MB download: {body_len} of {} body bytes arrived, the connection \
         ended {} after SIGTERM; the process exited {status:?} {} after SIGTERM",
        data.len(),
        ms(read_for),
        ms(exited_after)
    );
    let (r, _) = parse_resp(&raw).unwrap_or_else(|e| {
        panic!(
            "BUG: the download in flight during SIGTERM was cut off after {body_len} of {} bytes ({e}); the process \
             exited {status:?} {} after SIGTERM, while the response was still being sent, instead of finishing it",
            data.len(),
            ms(exited_after)
        )
    });
    r.expect(200);
    assert!(r.body == data, "the download in flight arrived complete and byte-exact");
    assert_eq!(status.map(|s| s.code()), Some(Some(0)), "exit status after SIGTERM");
}

#[test]
fn graceful_sigterm_requests_after_it_get_503_or_are_refused() {
    let env = Builder::new().customer(ANNA).toml(ATTACHMENT_LIMITS).prepare();
    let mut srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Langsam", "Kommt langsam.", "normal");
    let csrf = session_csrf(&mut anna);
    // An upload in flight keeps the process busy for about a second after SIGTERM.
    let mut up = SlowUpload::begin(&anna, &n, &csrf, "langsam.bin", 7);
    std::thread::sleep(Duration::from_millis(100));
    srv.sigterm();
    let late: Vec<_> = [(200, true), (400, false)]
        .into_iter()
        .map(|(after, page)| {
            let c = anna.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(after));
                let t = Instant::now();
                let r = if page {
                    try_send(&c, "GET", "/tickets", None, None)
                } else {
                    try_exchange(
                        c.addr,
                        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                        Duration::from_secs(30),
                    )
                };
                (after, if page { "GET /tickets" } else { "GET /healthz" }, r, t.elapsed())
            })
        })
        .collect();
    while up.send_piece().unwrap_or(false) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = up.answer();
    let status = srv.wait_exit(Duration::from_secs(40));
    let late: Vec<_> = late.into_iter().map(|h| h.join().unwrap()).collect();
    for (after, what, r, took) in &late {
        let desc = match r {
            Ok(r) => format!("{} {:?}", r.status, r.text().trim().chars().take(80).collect::<String>()),
            Err(e) => format!("no answer: {e}"),
        };
        println!(
            "hardening: {what} {after} ms after SIGTERM: {desc} after {}; the process exited {status:?}",
            ms(*took)
        );
    }
    for (after, what, r, took) in &late {
        match r {
            Ok(r) => assert_eq!(
                r.status, 503,
                "BUG: {what}, started {after} ms after SIGTERM, must get 503 (or be refused); got {} with headers \
                 {:?}",
                r.status, r.headers
            ),
            Err(e) => assert!(
                e.starts_with("connect"),
                "BUG: {what}, started {after} ms after SIGTERM, was neither answered 503 nor refused: the connection \
                 was accepted, held for {took:?} until the process exited, then closed without an answer ({e})"
            ),
        }
        assert!(*took < Duration::from_secs(1), "{what} after SIGTERM waited {took:?} for its 503");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Faults
// ---------------------------------------------------------------------------------------------

/// A tmpfs mounted for one test; unmounted (lazily) on drop.
struct Mount {
    path: PathBuf,
}

impl Mount {
    fn tmpfs(path: &Path, size: &str) -> Mount {
        fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output()
            .expect("run mount");
        assert!(out.status.success(), "mount tmpfs: {}", String::from_utf8_lossy(&out.stderr));
        Mount { path: path.to_path_buf() }
    }

    fn remount(&self, opts: &str) -> Result<(), String> {
        let out = Command::new("mount").args(["-o", opts]).arg(&self.path).output().expect("run mount");
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// A file made immutable with `chattr +i` (read-only even for root); undone on drop.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// Writes zeros to `path` until the file system is full; returns the bytes written.
fn fill_up(path: &Path) -> u64 {
    let mut f = fs::File::create(path).unwrap();
    let mut written = 0u64;
    for block in [256 * 1024, 4096, 512] {
        let zeros = vec![0u8; block];
        while f.write_all(&zeros).is_ok() {
            written += block as u64;
        }
    }
    let _ = f.sync_all();
    written
}

#[track_caller]
fn assert_503_page(r: &Resp, what: &str) {
    assert_eq!(r.status, 503, "{what}: {}", r.text().chars().take(500).collect::<String>());
    let ctype = r.header("Content-Type").unwrap_or("");
    assert!(ctype.starts_with("text/html"), "{what}: a 503 page, not {ctype}");
    let text = r.text();
    assert!(
        text.contains("konnte gerade nicht gespeichert werden") || text.contains("could not be saved right now"),
        "{what}: the 503 page says clearly what happened: {}",
        html::strip_tags(&text).chars().take(800).collect::<String>()
    );
}

#[test]
fn faults_full_disk_writes_answer_503_reads_work_and_writes_resume() {
    let mut env = Builder::new().prepare();
    let mnt = Mount::tmpfs(&env.dir.path.join("small"), "4m");
    move_database(&mut env, mnt.path.join("t.db"));
    add_customer(&env, ANNA);
    let srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Volle Platte", "Der Speicher läuft voll.", "normal");
    let csrf = session_csrf(&mut anna);
    let reply = format!("/tickets/{n}/reply");
    let filler = mnt.path.join("filler");
    let filled = fill_up(&filler);

    let words = "Platz ".repeat(700);
    let mut acked = Vec::new();
    let mut failure = None;
    for i in 0..300 {
        let mark = format!("voll-{i}-end");
        let r = anna.post_form(&reply, &[("csrf", &csrf), ("body", &format!("{mark} {words}"))]);
        if r.status == 303 {
            acked.push(mark);
        } else {
            failure = Some(r);
            break;
        }
    }
    let r = failure.expect("300 replies of 4 KB all succeeded on a full 4 MiB tmpfs");
    assert_503_page(&r, "a reply on a full disk");
    let t = Instant::now();
    let overview = anna.get("/tickets");
    let detail = anna.get(&format!("/tickets/{n}"));
    let h = health(srv.addr);
    let reads = t.elapsed();
    overview.expect(200);
    detail.expect(200);
    for m in &acked {
        assert!(detail.text().contains(m.as_str()), "the acknowledged reply {m} is shown");
    }
    assert_eq!(h, Ok((200, "ok\n".to_string())), "/healthz on a full disk");
    // A fresh login needs a session row: a write.
    let (_, login_r) = {
        let mut c = Client::new(srv.addr);
        let r = c.submit("/login", "/login", &[("login", ANNA.number), ("password", ANNA.password)]);
        (c, r)
    };

    fs::remove_file(&filler).unwrap();
    let t = Instant::now();
    let mut after = anna.post_form(&reply, &[("csrf", &csrf), ("body", "wieder-platz-end")]);
    for _ in 0..20 {
        if after.status == 303 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        after = anna.post_form(&reply, &[("csrf", &csrf), ("body", "wieder-platz-end")]);
    }
    let resumed = t.elapsed();
    println!(
        "hardening: full disk (4 MiB tmpfs, {filled} filler bytes): {} replies acknowledged, then {}; reads \
         (overview, detail, healthz) 200 in {}; a login on the full disk: {}; after freeing space a reply got {} \
         after {}",
        acked.len(),
        r.status,
        ms(reads),
        login_r.status,
        after.status,
        ms(resumed)
    );
    after.expect(303);
    assert!(anna.get(&format!("/tickets/{n}")).text().contains("wieder-platz-end"));
    assert!(
        matches!(login_r.status, 303 | 503),
        "a login on a full disk: {} {}",
        login_r.status,
        login_r.text().chars().take(300).collect::<String>()
    );
    drop(srv);
    assert_eq!(integrity(&env.db_path), "ok");
}

/// A database with Anna (logged in: the returned client), Ada and one ticket; the server is
/// stopped again. Returns the client and the ticket number.
fn populated_then_stopped(env: &Env) -> (Client, String) {
    add_customer(env, ANNA);
    add_admin(env);
    let mut srv = Srv::start(env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Nur lesen", "Die Platte ist schreibgeschützt.", "normal");
    srv.sigterm();
    let st = srv.wait_exit(Duration::from_secs(40));
    assert_eq!(st.map(|s| s.code()), Some(Some(0)), "graceful stop");
    (anna, n)
}

/// Reads work, writes answer the 503 page.
fn assert_read_only_service(srv: &Srv, anna: &mut Client, n: &str, what: &str) {
    let t = Instant::now();
    anna.get("/tickets").expect(200);
    anna.get(&format!("/tickets/{n}")).expect(200);
    let reads = t.elapsed();
    let csrf = session_csrf(anna);
    let t = Instant::now();
    let r = anna.post_form(&format!("/tickets/{n}/reply"), &[("csrf", &csrf), ("body", "Geht das?")]);
    let write = t.elapsed();
    let h = health(srv.addr);
    println!(
        "hardening: {what}: reads 200 in {}; a reply got {} after {}; /healthz {:?}",
        ms(reads),
        r.status,
        ms(write),
        h
    );
    assert_503_page(&r, &format!("a reply, {what}"));
    assert_eq!(h, Ok((200, "ok\n".to_string())), "/healthz, {what}");
}

#[test]
fn faults_read_only_file_system_serves_reads_and_answers_writes_503() {
    let mut env = Builder::new().prepare();
    let mnt = Mount::tmpfs(&env.dir.path.join("ro"), "16m");
    move_database(&mut env, mnt.path.join("t.db"));
    let (mut anna, n) = populated_then_stopped(&env);
    mnt.remount("remount,ro").expect("remount the tmpfs read-only");
    let before = fs::read(&env.db_path).unwrap();
    let srv = Srv::start_with(&env, &[]).unwrap_or_else(|log| {
        panic!(
            "BUG: `ticketd serve` refuses to start when the database file and its directory are read-only \
             (tmpfs remounted ro) instead of serving reads and answering writes with 503. Its output:\n{log}"
        )
    });
    assert_read_only_service(&srv, &mut anna, &n, "database on a read-only file system");
    drop(srv);
    assert_eq!(fs::read(&env.db_path).unwrap(), before);
}

#[test]
fn faults_read_only_database_file_serves_reads_and_answers_writes_503() {
    let env = Builder::new().prepare();
    let (mut anna, n) = populated_then_stopped(&env);
    let ok = Command::new("chattr").arg("+i").arg(&env.db_path).status().expect("run chattr");
    assert!(ok.success(), "chattr +i");
    let _guard = Immutable(env.db_path.clone());
    assert!(fs::OpenOptions::new().write(true).open(&env.db_path).is_err(), "the file is read-only even for root");
    let srv = Srv::start_with(&env, &[]).unwrap_or_else(|log| {
        panic!("BUG: `ticketd serve` refuses to start on a read-only database file (chattr +i). Its output:\n{log}")
    });
    assert_read_only_service(&srv, &mut anna, &n, "read-only database file (chattr +i)");
}

#[test]
fn faults_exclusive_lock_makes_writes_wait_the_busy_timeout_then_503() {
    let env = Builder::new().customer(ANNA).prepare();
    let srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let n = create_ticket(&mut anna, "Gesperrt", "Jemand hält die Sperre.", "normal");
    let csrf = session_csrf(&mut anna);
    let reply = format!("/tickets/{n}/reply");

    let locker = rusqlite::Connection::open(&env.db_path).unwrap();
    locker
        .execute_batch(
            "BEGIN EXCLUSIVE;
             INSERT INTO audit_log (created_at, actor, action) VALUES (0, 'test', 'holding the write lock');",
        )
        .expect("take the exclusive lock");
    let mut writer_client = anna.clone();
    let (path, token) = (reply.clone(), csrf.clone());
    let writer = std::thread::spawn(move || {
        let t = Instant::now();
        let r = writer_client.post_form(&path, &[("csrf", &token), ("body", "gesperrt-end")]);
        (r, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut reads = Vec::new();
    for path in ["/tickets".to_string(), format!("/tickets/{n}"), "/healthz".to_string()] {
        let t = Instant::now();
        let r = anna.get(&path);
        reads.push((path, r.status, t.elapsed()));
    }
    let (r, waited) = writer.join().unwrap();
    locker.execute_batch("COMMIT").unwrap();
    let t = Instant::now();
    let after = anna.post_form(&reply, &[("csrf", &csrf), ("body", "frei-end")]);
    let after_took = t.elapsed();
    println!(
        "hardening: exclusive lock held: a reply got {} after {}; reads meanwhile {}; after COMMIT a reply got {} \
         in {}",
        r.status,
        ms(waited),
        reads.iter().map(|(p, s, d)| format!("{p} {s} in {}", ms(*d))).collect::<Vec<_>>().join(", "),
        after.status,
        ms(after_took)
    );
    assert_503_page(&r, "a reply while another process holds the write lock");
    assert!(
        waited >= Duration::from_millis(4500) && waited <= Duration::from_secs(9),
        "the write should wait about the 5 s busy timeout, waited {waited:?}"
    );
    for (path, status, took) in &reads {
        assert_eq!(*status, 200, "GET {path} while the lock is held");
        assert!(*took < Duration::from_secs(1), "GET {path} took {took:?} while the lock is held");
    }
    after.expect(303);
    let page = anna.get(&format!("/tickets/{n}")).text();
    assert!(page.contains("frei-end") && !page.contains("gesperrt-end"));
}

/// `check` and `serve` both refuse, say so clearly, and leave the file byte-identical.
fn assert_refused_untouched(env: &Env, what: &str) {
    let before = fs::read(&env.db_path).unwrap();
    let check = env.cli(&["check"]);
    let cfg = env.config_path.to_string_lossy().into_owned();
    let t = Instant::now();
    let serve = run_ticketd(&["serve", "--config", &cfg], None, Duration::from_secs(15));
    let serve_took = t.elapsed();
    println!(
        "hardening: corrupt database ({what}): check exit {:?}: {:?}; serve exit {:?} after {}: {:?}",
        check.code,
        check.stderr.trim(),
        serve.code,
        ms(serve_took),
        serve.stderr.lines().last().unwrap_or("")
    );
    check.failed();
    assert!(serve.code.is_some(), "BUG: `ticketd serve` started on a corrupt database ({what}) and kept running");
    serve.failed();
    for (name, out) in [("check", &check), ("serve", &serve)] {
        let msg = format!("{}{}", out.stdout, out.stderr);
        assert!(
            msg.contains("cannot be used") && msg.contains("left unchanged"),
            "{name} on a corrupt database ({what}) says clearly that it cannot be used and is left unchanged: {msg}"
        );
    }
    assert!(fs::read(&env.db_path).unwrap() == before, "{what}: the file was changed");
}

#[test]
fn faults_corrupt_database_is_refused_and_never_overwritten() {
    // Random bytes.
    let env = Builder::new().prepare();
    fs::write(&env.db_path, Lcg(13).bytes(256 * 1024)).unwrap();
    assert_refused_untouched(&env, "random bytes");

    // A real database with garbage from page 2 on.
    let env = Builder::new().customer(ANNA).prepare();
    env.cli(&["demo", "--customers", "5", "--tickets", "60"]).ok();
    let page_size: i64 = {
        let conn = rusqlite::Connection::open(&env.db_path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap()
    };
    let _ = fs::remove_file(env.db_path.with_extension("db-wal"));
    let _ = fs::remove_file(env.db_path.with_extension("db-shm"));
    let mut bytes = fs::read(&env.db_path).unwrap();
    let pages = bytes.len() / page_size as usize;
    let garbage = Lcg(14).bytes(bytes.len() - page_size as usize);
    bytes[page_size as usize..].copy_from_slice(&garbage);
    fs::write(&env.db_path, &bytes).unwrap();
    assert_refused_untouched(&env, &format!("a {pages}-page database with garbage over pages 2..{pages}"));
}

// ---------------------------------------------------------------------------------------------
// 4. Operations
// ---------------------------------------------------------------------------------------------

#[test]
fn operations_backup_under_write_load_then_restore() {
    let env = Builder::new().customer(ANNA).prepare();
    let mut srv = Srv::start(&env);
    let mut anna = login(srv.addr, ANNA);
    let before: Vec<String> =
        (0..10).map(|i| create_ticket(&mut anna, &format!("Vorher {i}"), "Vor der Sicherung.", "normal")).collect();
    let csrf = session_csrf(&mut anna);

    let stop = Arc::new(AtomicBool::new(false));
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (c, csrf, stop, acked) = (anna.clone(), csrf.clone(), stop.clone(), acked.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                let mut failures = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    i += 1;
                    let subject = format!("Last {w}-{i}");
                    let body = urlencode_pairs(&[
                        ("csrf", &csrf),
                        ("subject", &subject),
                        ("body", "Während der Sicherung."),
                        ("priority", "normal"),
                    ]);
                    match try_send(
                        &c,
                        "POST",
                        "/tickets",
                        Some("application/x-www-form-urlencoded"),
                        Some(body.as_bytes()),
                    ) {
                        Ok(r) if r.status == 303 => {
                            let number = r.location().trim_start_matches("/tickets/").to_string();
                            acked.lock().unwrap().push((number, Instant::now()));
                        }
                        Ok(r) => {
                            failures.push(format!("{} {}", r.status, r.text().chars().take(200).collect::<String>()))
                        }
                        Err(e) => failures.push(e),
                    }
                }
                failures
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let backup = env.dir.path.join("sicherung.db");
    let backup_s = backup.to_string_lossy().into_owned();
    let backup_started = Instant::now();
    let out = env.cli(&["backup", &backup_s]);
    let backup_took = backup_started.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    let failures: Vec<String> = writers.into_iter().flat_map(|h| h.join().unwrap()).collect();
    out.ok();
    assert!(failures.is_empty(), "writes failed during the backup: {failures:?}");

    // The copy checks out on its own config.
    let copy_cfg = env.dir.path.join("copy.toml");
    fs::write(&copy_cfg, format!("listen = \"127.0.0.1:1\"\ndatabase = {:?}\n", backup_s)).unwrap();
    let check = run_ticketd(&["check", "--config", &copy_cfg.to_string_lossy()], None, Duration::from_secs(60));
    check.ok();
    let numbers = |db: &Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn.prepare("SELECT number FROM tickets ORDER BY number").unwrap();
        let v = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<Vec<String>>>().unwrap();
        v
    };
    let in_copy = numbers(&backup);
    let acked = acked.lock().unwrap().clone();
    let acked_before: Vec<&String> = acked.iter().filter(|(_, t)| *t < backup_started).map(|(n, _)| n).collect();
    for n in before.iter().chain(acked_before.iter().copied()) {
        assert!(in_copy.contains(n), "ticket {n}, acknowledged before the backup started, is missing from the copy");
    }
    let live_total = numbers(&env.db_path).len();
    println!(
        "hardening: backup under load: took {}; {} tickets created under load ({} acknowledged before the backup \
         started, all in the copy); copy has {} tickets, live database {live_total}; `check` on the copy: {:?}",
        ms(backup_took),
        acked.len(),
        acked_before.len(),
        in_copy.len(),
        check.stdout.trim()
    );

    // Restore: refused while the server runs, done after it stopped.
    let live_before = fs::read(&env.db_path).unwrap();
    let refused = env.cli(&["restore", &backup_s]);
    refused.failed();
    assert!(
        refused.stderr.contains("another ticketd server"),
        "restore while serving names the reason: {}",
        refused.stderr
    );
    assert_eq!(numbers(&env.db_path).len(), live_total, "a refused restore changes nothing");
    drop(live_before);
    srv.sigterm();
    assert_eq!(srv.wait_exit(Duration::from_secs(40)).map(|s| s.code()), Some(Some(0)));
    let restored = env.cli(&["restore", &backup_s]);
    restored.ok();
    let srv = Srv::start(&env);
    assert_eq!(numbers(&env.db_path), in_copy, "the restored database holds exactly the backup's tickets");
    let mut anna = login(srv.addr, ANNA);
    anna.get(&format!("/tickets/{}", before[0])).expect(200);
    let after_backup: Vec<&String> = acked.iter().map(|(n, _)| n).filter(|n| !in_copy.contains(n)).collect();
    if let Some(gone) = after_backup.first() {
        anna.get(&format!("/tickets/{gone}")).expect(404);
    }
    println!(
        "hardening: restore: refused while serving ({:?}); after stop restored {} tickets ({} newer ones gone)",
        refused.stderr.trim(),
        in_copy.len(),
        after_backup.len()
    );
}

#[test]
fn operations_upgrade_a_first_schema_database() {
    let env = Builder::new().prepare();
    assert!(!env.db_path.exists());
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let versions = fs::read_dir(&schema)
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql")))
        .count() as i64;
    let v1 = fs::read_to_string(schema.join("0001_init.sql")).unwrap();
    let (subject, first, second) =
        ("Drucker druckt nicht", "Seit gestern nur leere Seiten.", "Nachtrag: zweiter Stock.");
    write_first_schema_db(&env.db_path, &v1, subject, first, second);

    let check_old = env.cli(&["check"]);
    let version_after_check: i64 =
        rusqlite::Connection::open(&env.db_path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    println!(
        "hardening: upgrade: `check` on a version-1 database: exit {:?}, {:?}; user_version afterwards \
         {version_after_check}",
        check_old.code,
        format!("{}{}", check_old.stdout, check_old.stderr).trim()
    );
    if check_old.code != Some(0) {
        let msg = format!("{}{}", check_old.stdout, check_old.stderr);
        assert!(msg.contains("schema version 1"), "check names the old schema version: {msg}");
    }

    let t = Instant::now();
    let srv = Srv::start(&env);
    let started = t.elapsed();
    let version: i64 = env.db().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, versions, "user_version after the upgrade = the number of files in schema/");
    let mut anna = login(srv.addr, ANNA);
    let overview = anna.get("/tickets");
    overview.expect(200);
    assert!(overview.text().contains("2024-00007"), "the old ticket is listed");
    let r = anna.get("/tickets/2024-00007");
    r.expect(200);
    let page = r.text();
    let kinds = html::with_attr(&page, "data-activity-kind").len();
    for text in [subject, first, second] {
        assert!(page.contains(text), "the migrated ticket shows {text:?}");
    }
    assert_eq!(kinds, 2, "both v1 activities are shown");
    // New writes on the migrated database.
    let csrf = session_csrf(&mut anna);
    anna.post_form("/tickets/2024-00007/reply", &[("csrf", &csrf), ("body", "Nach dem Update.")])
        .expect_redirect("/tickets/2024-00007");
    drop(srv);
    let check_new = env.cli(&["check"]);
    check_new.ok();
    println!(
        "hardening: upgrade: serve migrated version 1 → {version} and came up in {}; the customer logs in and sees \
         the ticket with its 2 activities; check afterwards: {:?}",
        ms(started),
        check_new.stdout.trim()
    );
}

// ---------------------------------------------------------------------------------------------
// 5. /healthz
// ---------------------------------------------------------------------------------------------

/// A database as the first release wrote it (schema `v1` = 0001, `user_version` 1): ANNA with
/// ticket 2024-00007 (`subject`, two messages `first` and `second`) and its rows in the search
/// index of that schema. For the upgrade tests.
pub(crate) fn write_first_schema_db(db_path: &Path, v1: &str, subject: &str, first: &str, second: &str) {
    let conn = rusqlite::Connection::open(db_path).unwrap();
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).unwrap();
    conn.execute_batch(v1).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    let hash = bcrypt::hash(ANNA.password, 4).unwrap();
    let t: i64 = 1_710_500_000; // 2024-03-15
    conn.execute(
        "INSERT INTO customers (customer_no, name, email, phone, password_hash, created_at)
         VALUES (?1, ?2, ?3, '', ?4, ?5)",
        rusqlite::params![ANNA.number, ANNA.name, ANNA.email.to_lowercase(), hash, t],
    )
    .unwrap();
    conn.execute("INSERT INTO ticket_sequences (year, last_seq) VALUES (2024, 7)", []).unwrap();
    conn.execute(
        "INSERT INTO tickets (number, customer_id, subject, status, priority, created_at, created_month,
                              activity_count, last_activity_at, last_activity_kind, last_activity_by,
                              staff_activity_count, staff_last_activity_at)
         VALUES ('2024-00007', 1, ?1, 'open', 'normal', ?2, 202403, 2, ?3, 'message', ?4, 2, ?3)",
        rusqlite::params![subject, t, t + 60, ANNA.name],
    )
    .unwrap();
    for (body, at) in [(first, t), (second, t + 60)] {
        conn.execute(
            "INSERT INTO activities (ticket_id, kind, author_kind, customer_id, author_name, body, created_at)
             VALUES (1, 'message', 'customer', 1, ?1, ?2, ?3)",
            rusqlite::params![ANNA.name, body, at],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO search (text, ticket_id, internal) VALUES (?1, 1, 0), (?2, 1, 0), (?3, 1, 0)",
        rusqlite::params![subject, first, second],
    )
    .unwrap();
}

#[test]
fn healthz_is_ok_and_still_answers_when_the_database_directory_vanishes() {
    let mut env = Builder::new().prepare();
    let data = env.dir.path.join("data");
    fs::create_dir_all(&data).unwrap();
    move_database(&mut env, data.join("t.db"));
    let srv = Srv::start(&env);
    let r = Client::new(srv.addr).get("/healthz");
    r.expect(200);
    assert_eq!(r.text(), "ok\n");
    assert!(r.header("Content-Type").unwrap_or("").starts_with("text/plain"));

    // The database's directory disappears under the running server.
    let away = env.dir.path.join("data-away");
    fs::rename(&data, &away).unwrap();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let h = health(srv.addr);
        seen.push((h.clone().map(|(s, _)| s), t.elapsed()));
        assert!(matches!(h, Ok((200 | 503, _))), "/healthz with the database gone: {h:?}");
    }
    let login_page = try_exchange(
        srv.addr,
        b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    fs::rename(&away, &data).unwrap();
    let back = health(srv.addr);
    println!(
        "hardening: /healthz ok; with the database directory gone: {}; GET /login {:?}; back: {:?}",
        seen.iter().map(|(s, d)| format!("{s:?} in {}", ms(*d))).collect::<Vec<_>>().join(", "),
        login_page.as_ref().map(|r| r.status),
        back
    );
    for (_, took) in &seen {
        assert!(*took < Duration::from_secs(2));
    }
    assert!(login_page.is_ok(), "GET /login with the database gone: {login_page:?}");
    assert_eq!(back, Ok((200, "ok\n".to_string())));
}
