//! The front door: our own accept loop, and the HTTP/1.1 framing of every connection.
//!
//! tiny_http (under rouille) reads header lines without a limit, never times out, and — worse —
//! drains an unread request body on drop into `vec![0; remaining]`, so one request claiming a
//! huge `Content-Length` aborts the process. So every connection is accepted here. A thread per
//! connection reads each request head itself, with a size limit, a header-count limit and
//! timeouts, and refuses what is too large (`431`, `413`, `411`, `408`) before anything else
//! sees it. Then:
//!
//! - requests without a multipart body (every page, form, asset and download) are answered
//!   right on this thread through [`Dispatch`] (`web::front`): body read (at most the form
//!   limit), handler run, response encoded here and written with one `writev` — no second
//!   socket, no thread switch;
//! - uploads (`multipart/form-data`, up to the attachment limit) are forwarded over a loopback
//!   connection to tiny_http, whose multipart reader streams them into the database; exactly
//!   `Content-Length` bytes at a time, so every later head on a keep-alive connection passes
//!   the same checks. Their responses flow back through a second thread untouched, and the
//!   connection stays with tiny_http from then on, so answers cannot overtake each other.
//!
//! The real client address of a forwarded upload travels in `X-Ticketd-Peer`, signed with a
//! per-process secret so a local process that talks to the loopback port directly cannot forge
//! it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub const PEER_HEADER: &str = "X-Ticketd-Peer";

/// What the front door needs from the application: an answer to one request without a
/// multipart body (those stream through tiny_http, see the module docs).
pub trait Dispatch: Send + Sync {
    fn dispatch(&self, req: Incoming<'_>) -> Reply;
}

/// One request as the front door read it: head checked, body complete (at most the form limit).
pub struct Incoming<'a> {
    pub method: &'a str,
    pub target: &'a str,
    headers: &'a Head,
    pub body: Vec<u8>,
    pub peer: SocketAddr,
}

impl Incoming<'_> {
    /// The request's headers, as sent (minus the ones only we may write).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.headers()
    }

    /// The first header of that name (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }
}

/// An answer: already encoded bytes, or a rouille response the front door encodes.
pub enum Reply {
    /// A whole response without its `Date` line: the status line is `bytes[..status_end]`,
    /// the headers and body follow; `head_end` is where the body starts (for `HEAD`).
    Encoded {
        bytes: Arc<[u8]>,
        status_end: usize,
        head_end: usize,
    },
    Response(rouille::Response),
}

/// The `Date` header line for now, formatted once per second per thread.
pub fn date_line() -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    crate::clock::per_second(&LAST, |now| {
        let f = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        format!("Date: {}\r\n", crate::clock::utc(now).format(&f).unwrap_or_default())
    })
}

fn reason(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Headers the application uses to talk to the front door; never sent to clients.
pub const INTERNAL_PREFIX: &str = "X-Ticketd-Internal-";

/// Status line and header lines of `resp` (without `Date`): the status line ends at the first
/// returned offset. Framing headers come from us: `Content-Length` when the size is known, else
/// `Connection: close`. Returns the body reader and its size.
pub fn encode_head(
    resp: rouille::Response,
    close: bool,
) -> (Vec<u8>, usize, Box<dyn Read + Send>, Option<usize>, bool) {
    use std::fmt::Write as _;
    let mut h = String::with_capacity(640);
    let _ = write!(h, "HTTP/1.1 {} {}\r\n", resp.status_code, reason(resp.status_code));
    let status_end = h.len();
    let mut close = close;
    for (k, v) in &resp.headers {
        if k.eq_ignore_ascii_case("connection") {
            close |= v.eq_ignore_ascii_case("close");
            continue;
        }
        if k.eq_ignore_ascii_case("content-length")
            || k.eq_ignore_ascii_case("transfer-encoding")
            || k.eq_ignore_ascii_case("date")
            || k.len() > INTERNAL_PREFIX.len() && k[..INTERNAL_PREFIX.len()].eq_ignore_ascii_case(INTERNAL_PREFIX)
        {
            continue;
        }
        // Header values are ours, but a stray line break must never split a header.
        if k.contains(['\r', '\n']) || v.contains(['\r', '\n']) {
            continue;
        }
        let _ = write!(h, "{k}: {v}\r\n");
    }
    let no_body = resp.status_code == 204 || resp.status_code == 304 || (100..200).contains(&resp.status_code);
    let (reader, size) = resp.data.into_reader_and_size();
    let size = if no_body { Some(0) } else { size };
    match size {
        Some(n) if !no_body => {
            let _ = write!(h, "Content-Length: {n}\r\n");
        }
        Some(_) => {}
        None => close = true,
    }
    if close {
        h.push_str("Connection: close\r\n");
    }
    h.push_str("\r\n");
    (h.into_bytes(), status_end, reader, size, close)
}

/// Writes all of `parts` with as few system calls as the socket allows.
fn write_all_parts(out: &mut TcpStream, parts: &[&[u8]]) -> io::Result<()> {
    let mut idx = 0;
    let mut off = 0;
    while idx < parts.len() {
        let mut slices: Vec<io::IoSlice<'_>> = Vec::with_capacity(parts.len() - idx);
        slices.push(io::IoSlice::new(&parts[idx][off..]));
        for p in &parts[idx + 1..] {
            slices.push(io::IoSlice::new(p));
        }
        let mut n = match out.write_vectored(&slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        RELAYED.fetch_add(n as u64, Ordering::Relaxed);
        while idx < parts.len() && n >= parts[idx].len() - off {
            n -= parts[idx].len() - off;
            idx += 1;
            off = 0;
        }
        off += n;
    }
    Ok(())
}

/// Bodies up to this size are sent together with their head; larger ones stream in chunks.
const INLINE_BODY: usize = 1 << 20;

/// Answers one request in-process: reads its body, asks the application, writes the answer.
/// Returns whether the connection may carry another request.
fn serve_direct(
    client: &mut TcpStream,
    buf: &mut Vec<u8>,
    head: &Head,
    peer: SocketAddr,
    limits: &Limits,
    app: &dyn Dispatch,
) -> bool {
    let n = head.content_length as usize;
    let mut body = Vec::with_capacity(n);
    let take = n.min(buf.len());
    body.extend_from_slice(&buf[..take]);
    buf.drain(..take);
    if body.len() < n {
        if head.expect_continue && client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
            return false;
        }
        let _ = client.set_read_timeout(Some(limits.head_timeout));
        body.resize(n, 0);
        let mut got = take;
        while got < n {
            match client.read(&mut body[got..]) {
                Ok(0) => return false,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    respond_and_close(client, 408, "Request Timeout");
                    return false;
                }
                Err(_) => return false,
            }
        }
    }
    let (method, target) = head.method_and_target();
    let head_only = method == "HEAD";
    let reply = app.dispatch(Incoming { method, target, headers: head, body, peer });
    let date = date_line();
    match reply {
        Reply::Encoded { bytes, status_end, head_end } => {
            let end = if head_only { head_end } else { bytes.len() };
            let sent = write_all_parts(client, &[&bytes[..status_end], date.as_bytes(), &bytes[status_end..end]]);
            sent.is_ok() && !head.close
        }
        Reply::Response(resp) => {
            let (head_bytes, status_end, mut reader, size, close) = encode_head(resp, head.close);
            let close = close || head.close;
            let (status, rest) = head_bytes.split_at(status_end);
            match size {
                _ if head_only => write_all_parts(client, &[status, date.as_bytes(), rest]).is_ok() && !close,
                Some(len) if len <= INLINE_BODY => {
                    let mut data = Vec::with_capacity(len);
                    if reader.read_to_end(&mut data).is_err() || data.len() != len {
                        return false;
                    }
                    write_all_parts(client, &[status, date.as_bytes(), rest, &data]).is_ok() && !close
                }
                _ => {
                    // Large bodies (downloads) stream: memory stays at one chunk per connection.
                    if write_all_parts(client, &[status, date.as_bytes(), rest]).is_err() {
                        return false;
                    }
                    let _ = client.set_write_timeout(Some(limits.head_timeout * 6));
                    let mut chunk = vec![0u8; 64 * 1024];
                    let mut left = size;
                    loop {
                        let k = match reader.read(&mut chunk) {
                            Ok(0) => break,
                            Ok(k) => k,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(_) => return false,
                        };
                        if client.write_all(&chunk[..k]).is_err() {
                            return false;
                        }
                        RELAYED.fetch_add(k as u64, Ordering::Relaxed);
                        left = left.map(|l| l.saturating_sub(k));
                    }
                    let _ = client.set_write_timeout(None);
                    // A body shorter than announced leaves the client waiting: close instead.
                    !close && left.is_none_or(|l| l == 0) && size.is_some()
                }
            }
        }
    }
}

/// Response bytes passed on to clients so far; a graceful stop waits until this stands still,
/// so responses still streaming out (a download) are not cut.
pub static RELAYED: AtomicU64 = AtomicU64::new(0);

/// The secret that proves a `X-Ticketd-Peer` header was written by this process.
pub fn secret() -> &'static str {
    static SECRET: OnceLock<String> = OnceLock::new();
    SECRET.get_or_init(|| crate::auth::random_hex(16).unwrap_or_else(|_| format!("{:x}", std::process::id())))
}

/// The peer address a request came from, as the front door saw it.
pub fn peer_from_header(value: &str) -> Option<SocketAddr> {
    let (secret_part, addr) = value.split_once(' ')?;
    if !crate::auth::constant_time_eq(secret_part.as_bytes(), secret().as_bytes()) {
        return None;
    }
    addr.trim().parse().ok()
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Waiting for the first byte of a request (keep-alive idle time).
    pub idle_timeout: Duration,
    /// From the first byte of a head to its end; also the longest pause within a body.
    pub head_timeout: Duration,
    pub max_head_bytes: usize,
    pub max_headers: usize,
    /// Largest `Content-Length` forwarded at all (multipart uploads); larger gets `413` at once.
    pub max_body_bytes: u64,
    /// Largest body of any other content type (forms without files).
    pub max_form_bytes: u64,
    pub max_connections: usize,
}

struct Head {
    bytes: Vec<u8>,
    content_length: u64,
    close: bool,
    /// The client asked for `100 Continue` before sending the body; we answer it ourselves.
    expect_continue: bool,
    /// A `multipart/form-data` body (an upload): streamed to tiny_http instead of answered here.
    multipart: bool,
}

impl Head {
    /// The checked head as text: request line, then header lines (`bytes` is UTF-8, see
    /// [`parse_head`]).
    fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).unwrap_or("")
    }

    fn method_and_target(&self) -> (&str, &str) {
        let line = self.text().split("\r\n").next().unwrap_or("");
        let mut parts = line.split(' ');
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""))
    }

    fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.text().split("\r\n").skip(1).filter_map(|l| l.split_once(':')).map(|(k, v)| (k, v.trim()))
    }
}

enum HeadError {
    /// Nothing arrived: the connection was idle or closed between requests.
    Gone,
    Status(u16, &'static str),
}

fn respond_and_close(mut client: &TcpStream, status: u16, reason: &str) {
    let body = format!("{status} {reason}\n");
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n\
         Referrer-Policy: same-origin\r\n\r\n{body}",
        body.len()
    );
    let _ = client.set_write_timeout(Some(Duration::from_secs(5)));
    let _ = client.write_all(msg.as_bytes());
    let _ = client.shutdown(Shutdown::Write);
    // Let the client read the answer before the socket goes away (a reset could swallow it).
    let _ = client.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline {
        match client.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Reads one request head (up to and including the blank line) into `buf`, which may already
/// hold bytes read past the previous request. Leftover bytes after the head stay in `buf`.
fn read_head(client: &mut TcpStream, buf: &mut Vec<u8>, limits: &Limits) -> Result<Head, HeadError> {
    let mut started: Option<Instant> = if buf.is_empty() { None } else { Some(Instant::now()) };
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = find_head_end(buf) {
            let head: Vec<u8> = buf.drain(..end).collect();
            return parse_head(head, limits);
        }
        if buf.len() > limits.max_head_bytes {
            return Err(HeadError::Status(431, "Request Header Fields Too Large"));
        }
        let timeout = match started {
            None => limits.idle_timeout,
            Some(t) => match limits.head_timeout.checked_sub(t.elapsed()) {
                Some(left) if !left.is_zero() => left,
                _ => return Err(HeadError::Status(408, "Request Timeout")),
            },
        };
        let _ = client.set_read_timeout(Some(timeout));
        match client.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => {
                if started.is_none() {
                    started = Some(Instant::now());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(match started {
                    None => HeadError::Gone,
                    Some(_) => HeadError::Status(408, "Request Timeout"),
                });
            }
            Err(_) => return Err(HeadError::Gone),
        }
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    // Leading empty lines before a request line are allowed (RFC 9112 2.2).
    let start = buf.iter().position(|b| *b != b'\r' && *b != b'\n')?;
    buf[start..].windows(4).position(|w| w == b"\r\n\r\n").map(|p| start + p + 4)
}

fn parse_head(raw: Vec<u8>, limits: &Limits) -> Result<Head, HeadError> {
    let text = std::str::from_utf8(&raw).map_err(|_| HeadError::Status(400, "Bad Request"))?;
    let text = text.trim_start_matches(['\r', '\n']);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (method, target, version) =
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method.is_empty()
        || !target.starts_with('/') && target != "*"
        || !version.starts_with("HTTP/1.")
        || parts.next().is_some()
    {
        return Err(HeadError::Status(400, "Bad Request"));
    }
    let mut out = Vec::with_capacity(raw.len() + 80);
    out.extend_from_slice(request_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    let mut content_length: Option<u64> = None;
    let mut close = version == "HTTP/1.0";
    let mut expect_continue = false;
    let mut multipart = false;
    let mut count = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        count += 1;
        if count > limits.max_headers {
            return Err(HeadError::Status(431, "Request Header Fields Too Large"));
        }
        let (name, value) = line.split_once(':').ok_or(HeadError::Status(400, "Bad Request"))?;
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(HeadError::Status(400, "Bad Request"));
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case(PEER_HEADER) || name.eq_ignore_ascii_case("te") {
            continue; // only we write these
        }
        if name.eq_ignore_ascii_case("content-type") && value.to_ascii_lowercase().starts_with("multipart/form-data") {
            multipart = true;
        }
        if name.eq_ignore_ascii_case("expect") {
            if value.eq_ignore_ascii_case("100-continue") {
                expect_continue = true;
                continue;
            }
            return Err(HeadError::Status(417, "Expectation Failed"));
        }
        if name.eq_ignore_ascii_case("transfer-encoding") {
            // Browsers never send chunked request bodies; refusing them keeps framing exact.
            return Err(HeadError::Status(411, "Length Required"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            let n: u64 = value.parse().map_err(|_| HeadError::Status(400, "Bad Request"))?;
            if content_length.is_some_and(|c| c != n) {
                return Err(HeadError::Status(400, "Bad Request"));
            }
            content_length = Some(n);
        }
        if name.eq_ignore_ascii_case("connection") {
            let v = value.to_ascii_lowercase();
            if v.contains("close") {
                close = true;
            } else if v.contains("keep-alive") {
                close = false;
            }
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    let content_length = content_length.unwrap_or(0);
    let limit = if multipart { limits.max_body_bytes } else { limits.max_form_bytes };
    if content_length > limit {
        return Err(HeadError::Status(413, "Content Too Large"));
    }
    Ok(Head { bytes: out, content_length, close, expect_continue, multipart })
}

/// Fuzzing entry point only (`fuzz/fuzz_targets/proxy_head.rs`), not used by the server: finds
/// the end of one head in `bytes` and parses it as [`read_head`] would, with fixed limits
/// (8 KiB, 50 headers, bodies up to 1 MiB, forms up to 64 KiB). Returns the head as it would be
/// forwarded (without the final blank line) and the body length, or `None` when it is refused.
#[doc(hidden)]
pub fn parse_head_for_fuzz(bytes: &[u8]) -> Option<(Vec<u8>, u64)> {
    let limits = Limits {
        idle_timeout: Duration::from_secs(1),
        head_timeout: Duration::from_secs(1),
        max_head_bytes: 8 * 1024,
        max_headers: 50,
        max_body_bytes: 1024 * 1024,
        max_form_bytes: 64 * 1024,
        max_connections: 1,
    };
    let end = find_head_end(bytes)?;
    parse_head(bytes[..end].to_vec(), &limits).ok().map(|h| (h.bytes, h.content_length))
}

/// tiny_http hands each new connection to its task pool, whose `spawn` can lose a wake-up when
/// several connections arrive at once: the connection then waits until some thread's 5 s idle
/// timeout (seen as 5 s p99 stalls under load). Opening backend connections one at a time, each
/// until its first answer arrived, means a new connection is only handed over once the previous
/// one's thread is running, so no wake-up is lost.
fn warm_up(b: &mut TcpStream) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let _ = b.set_read_timeout(Some(Duration::from_secs(5)));
    if b.write_all(b"GET /healthz HTTP/1.1\r\nHost: ticketd\r\nX-Ticketd-Probe: 1\r\nTE: identity\r\n\r\n").is_err() {
        return;
    }
    // Read the small answer to its end (head, then Content-Length bytes) so nothing of it
    // reaches the client.
    let mut got = Vec::new();
    let mut chunk = [0u8; 1024];
    let mut need: Option<usize> = None;
    loop {
        if need.is_none() {
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").and_then(|v| v.trim().parse::<usize>().ok()))
                    .unwrap_or(0);
                need = Some(end + 4 + len);
            }
        }
        if need.is_some_and(|n| got.len() >= n) {
            break;
        }
        match b.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
        }
    }
    let _ = b.set_read_timeout(None);
}

enum Forwarded {
    Complete,
    /// The backend answered before the body was through (it refused the request early): stop
    /// forwarding, so tiny_http does not buffer the rest of a body nobody will read.
    AnsweredEarly,
}

/// Copies exactly `n` bytes of body, starting with what is already buffered.
fn forward_body(
    client: &mut TcpStream,
    backend: &mut TcpStream,
    buf: &mut Vec<u8>,
    mut n: u64,
    limits: &Limits,
    answered: &AtomicU64,
    before: u64,
) -> io::Result<Forwarded> {
    let take = (n.min(buf.len() as u64)) as usize;
    if take > 0 {
        backend.write_all(&buf[..take])?;
        buf.drain(..take);
        n -= take as u64;
    }
    if n == 0 {
        return Ok(Forwarded::Complete);
    }
    let _ = client.set_read_timeout(Some(limits.head_timeout));
    let mut chunk = vec![0u8; 64 * 1024];
    while n > 0 {
        if answered.load(Ordering::Acquire) != before {
            return Ok(Forwarded::AnsweredEarly);
        }
        let want = chunk.len().min(n as usize);
        let got = client.read(&mut chunk[..want])?;
        if got == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "client went away mid-body"));
        }
        backend.write_all(&chunk[..got])?;
        n -= got as u64;
    }
    Ok(Forwarded::Complete)
}

/// Reads and drops what a client still sends, for a short while, so the answer already on its
/// way is not lost to a reset when the socket closes.
fn linger(client: &mut TcpStream) {
    let _ = client.set_read_timeout(Some(Duration::from_millis(200)));
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut sink = vec![0u8; 64 * 1024];
    while Instant::now() < deadline {
        match client.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
}

fn handle(mut client: TcpStream, peer: SocketAddr, backend_addr: SocketAddr, limits: Limits, app: &dyn Dispatch) {
    let _ = client.set_nodelay(true);
    let mut backend: Option<TcpStream> = None;
    let answered = Arc::new(AtomicU64::new(0));
    let mut buf = Vec::new();
    loop {
        let head = match read_head(&mut client, &mut buf, &limits) {
            Ok(h) => h,
            Err(HeadError::Gone) => break,
            Err(HeadError::Status(status, reason)) => {
                // The backend may still be sending an earlier response on this connection; let
                // it finish before the error goes out.
                if let Some(b) = backend.take() {
                    let _ = b.shutdown(Shutdown::Write);
                }
                respond_and_close(&client, status, reason);
                return;
            }
        };
        // Everything but uploads is answered right here. Once an upload went to tiny_http, the
        // connection stays with it, so answers cannot overtake each other.
        if backend.is_none() && !head.multipart {
            if serve_direct(&mut client, &mut buf, &head, peer, &limits, app) {
                continue;
            }
            break;
        }
        if backend.is_none() {
            let Ok(mut b) = TcpStream::connect(backend_addr) else {
                respond_and_close(&client, 503, "Service Unavailable");
                return;
            };
            let _ = b.set_nodelay(true);
            warm_up(&mut b);
            let (Ok(mut from_backend), Ok(mut to_client)) = (b.try_clone(), client.try_clone()) else {
                respond_and_close(&client, 503, "Service Unavailable");
                return;
            };
            // Responses flow back untouched; a client that stops reading is cut after a while.
            let _ = to_client.set_write_timeout(Some(limits.head_timeout * 6));
            let counter = answered.clone();
            let _ = std::thread::Builder::new().name("ticketd-out".into()).stack_size(256 * 1024).spawn(move || {
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    match from_backend.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            counter.fetch_add(n as u64, Ordering::Release);
                            if to_client.write_all(&chunk[..n]).is_err() {
                                break;
                            }
                            RELAYED.fetch_add(n as u64, Ordering::Relaxed);
                        }
                    }
                }
                let _ = to_client.shutdown(Shutdown::Write);
            });
            backend = Some(b);
        }
        let Some(b) = backend.as_mut() else { return };
        let mut head_bytes = head.bytes;
        // `TE: identity` makes tiny_http send `Content-Length` instead of chunking bodies over
        // 32 KiB (every response of ours has a known length).
        head_bytes.extend_from_slice(format!("TE: identity\r\n{PEER_HEADER}: {} {peer}\r\n\r\n", secret()).as_bytes());
        let before = answered.load(Ordering::Acquire);
        if b.write_all(&head_bytes).is_err() {
            break;
        }
        if head.expect_continue && head.content_length > 0 && buf.is_empty() {
            let _ = client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        match forward_body(&mut client, b, &mut buf, head.content_length, &limits, &answered, before) {
            Ok(Forwarded::Complete) => {}
            Ok(Forwarded::AnsweredEarly) => {
                let _ = b.shutdown(Shutdown::Write);
                linger(&mut client);
                return;
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                // The body stalled. Nothing has been answered yet (the handler is still reading),
                // so the 408 goes out first; then the backend sees the body end and drops it.
                if answered.load(Ordering::Acquire) == before {
                    respond_and_close(&client, 408, "Request Timeout");
                }
                let _ = b.shutdown(Shutdown::Both);
                return;
            }
            Err(_) => break,
        }
        if head.close {
            break;
        }
    }
    if let Some(b) = backend {
        let _ = b.shutdown(Shutdown::Write);
    }
}

/// Accepts on `listener` forever: answers through `app`, uploads through tiny_http at
/// `backend_addr`.
pub fn run(listener: TcpListener, backend_addr: SocketAddr, limits: Limits, app: Arc<dyn Dispatch>) {
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        match listener.accept() {
            Ok((client, peer)) => {
                if open.load(Ordering::Relaxed) >= limits.max_connections {
                    respond_and_close(&client, 503, "Service Unavailable");
                    continue;
                }
                open.fetch_add(1, Ordering::Relaxed);
                let open2 = open.clone();
                let app = app.clone();
                let spawned =
                    std::thread::Builder::new().name("ticketd-conn".into()).stack_size(256 * 1024).spawn(move || {
                        handle(client, peer, backend_addr, limits, &*app);
                        open2.fetch_sub(1, Ordering::Relaxed);
                    });
                if spawned.is_err() {
                    open.fetch_sub(1, Ordering::Relaxed);
                }
            }
            Err(e) => {
                // EMFILE/ENFILE and the like: back off and keep accepting instead of dying.
                eprintln!("warning: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            idle_timeout: Duration::from_secs(1),
            head_timeout: Duration::from_secs(1),
            max_head_bytes: 1024,
            max_headers: 5,
            max_body_bytes: 1000,
            max_form_bytes: 100,
            max_connections: 10,
        }
    }

    fn status(raw: &str) -> Result<(u64, bool), u16> {
        match parse_head(raw.as_bytes().to_vec(), &limits()) {
            Ok(h) => Ok((h.content_length, h.close)),
            Err(HeadError::Status(s, _)) => Err(s),
            Err(HeadError::Gone) => Err(0),
        }
    }

    #[test]
    fn heads_are_checked() {
        assert_eq!(status("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Ok((0, false)));
        assert_eq!(status("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n"), Ok((10, false)));
        assert_eq!(status("POST /x HTTP/1.1\r\nContent-Length: 500\r\n\r\n"), Err(413));
        assert_eq!(
            status("POST /x HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 500\r\n\r\n"),
            Ok((500, false))
        );
        assert_eq!(status("GET / HTTP/1.0\r\n\r\n"), Ok((0, true)));
        assert_eq!(status("POST /x HTTP/1.1\r\nContent-Length: 100000000000\r\n\r\n"), Err(413));
        assert_eq!(status("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), Err(411));
        assert_eq!(status("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), Err(400));
        assert_eq!(status("GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\n\r\n"), Err(431));
        assert_eq!(status("GARBAGE\r\n\r\n"), Err(400));
        assert_eq!(status("GET http://evil/ HTTP/1.1\r\n\r\n"), Err(400));
    }

    #[test]
    fn forged_peer_headers_are_dropped_and_ours_verify() {
        let h = match parse_head(b"GET / HTTP/1.1\r\nX-Ticketd-Peer: abc 1.2.3.4:5\r\n\r\n".to_vec(), &limits()) {
            Ok(h) => h,
            Err(_) => panic!("valid head"),
        };
        assert!(!String::from_utf8_lossy(&h.bytes).contains("1.2.3.4"));
        assert_eq!(peer_from_header("abc 1.2.3.4:5"), None);
        let ours = format!("{} 10.0.0.1:4242", secret());
        assert_eq!(peer_from_header(&ours), Some("10.0.0.1:4242".parse().unwrap()));
    }

    #[test]
    fn head_end_is_found() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
        assert_eq!(find_head_end(b"\r\nGET / HTTP/1.1\r\n\r\n"), Some(20));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n"), None);
    }
}
