//! The one HTTP/1.1 server: our accept loop, a thread per connection, heads parsed by
//! `httparse` under our own strict rules, bodies read as a stream, answers written here.
//!
//! Every request is answered in-process on its connection's thread through the rouille handler
//! (rouille stays the framework: `Request`, `Response`, routing, input helpers). Nothing else
//! parses HTTP: a handler sees only what this module parsed, so no request can be smuggled past
//! the checks in a body or a header that a second parser would read differently.
//!
//! The rules on top of `httparse` (RFC 9112 as a strict server reads it):
//!
//! - a head is CRLF-delimited: a bare CR, a bare LF, NUL or any other control character but
//!   HTAB anywhere in it → `400`; header names are tokens, folded lines are refused;
//! - origin-form targets only (`/path?query`); HTTP/1.0 and HTTP/1.1 only;
//! - at most one `Content-Length`, digits only; `Transfer-Encoding` → `411` (`400` together with
//!   `Content-Length`); at most one `Host`; `Expect` other than `100-continue` → `417`;
//! - headers named `X-Ticketd-*` are dropped: only we may speak for ourselves;
//! - a head over `max_head_bytes` or `max_headers` → `431`; a body over the form limit (or, for
//!   `multipart/form-data`, the attachment limit) → `413` before a byte of it is read.
//!
//! Each refusal is one answer and a closed connection. Bodies are read with a deadline per
//! pause and a minimum average rate after a grace period; a `multipart/form-data` body streams
//! to its handler ([`body`]), every other body is read whole first (it is small). Connections
//! are capped in total and per client address; a refusal over a cap is written without
//! blocking and the socket is closed by a separate thread, so the accept loop never waits.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rouille::{Request, Response};

use crate::sync::Unpoison;

/// What answers a request: the rouille handler.
pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

#[derive(Debug, Clone)]
pub struct Limits {
    /// Waiting for the first byte of a request (keep-alive idle time).
    pub idle_timeout: Duration,
    /// From the first byte of a head to its end; also the longest pause within a body.
    pub head_timeout: Duration,
    pub max_head_bytes: usize,
    pub max_headers: usize,
    /// Largest `multipart/form-data` body (uploads).
    pub max_body_bytes: u64,
    /// Largest body of any other content type (forms without files).
    pub max_form_bytes: u64,
    /// A body must average at least this many bytes a second once `body_grace` has passed.
    pub body_min_rate: u64,
    pub body_grace: Duration,
    pub max_connections: usize,
    /// Open connections from one client address; `exempt` addresses (trusted proxies) have none.
    pub max_connections_per_address: usize,
    pub exempt: Vec<IpAddr>,
}

/// Response bytes written to clients so far; a graceful stop waits until this stands still,
/// so responses still streaming out (a download) are not cut.
pub static SENT: AtomicU64 = AtomicU64::new(0);

// ---------------------------------------------------------------------------------------------
// Heads
// ---------------------------------------------------------------------------------------------

/// A request head that passed every rule.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub content_length: u64,
    /// The connection ends after this request (HTTP/1.0 without keep-alive, `Connection: close`).
    pub close: bool,
    /// The client waits for `100 Continue` before it sends the body.
    pub expect_continue: bool,
    /// A `multipart/form-data` body: streamed to the handler instead of read first.
    pub multipart: bool,
}

/// Why a head was refused: the status and its reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub u16);

const BAD: Refused = Refused(400);
const TOO_LARGE_HEAD: Refused = Refused(431);

/// Checks the bytes of a head as they arrive, from `from` on: CR only before LF, LF only after
/// CR, no other control character but HTAB. Returns the end of the head (after its blank line)
/// once it is there. Empty lines before the request line are skipped (RFC 9112 2.2).
fn scan_head(buf: &[u8], from: usize) -> Result<Option<usize>, Refused> {
    let start = buf.iter().position(|b| *b != b'\r' && *b != b'\n').unwrap_or(buf.len());
    for i in from.max(start)..buf.len() {
        let b = buf[i];
        match b {
            b'\n' if i == 0 || buf[i - 1] != b'\r' => return Err(BAD),
            b'\n' if i >= start + 3 && buf[i - 3..i] == *b"\r\n\r" => return Ok(Some(i + 1)),
            b'\r' if buf.get(i + 1).is_some_and(|n| *n != b'\n') => return Err(BAD),
            b'\n' | b'\r' => {}
            b'\t' => {}
            0..=0x1f | 0x7f => return Err(BAD),
            _ => {}
        }
    }
    // Leading empty lines must themselves be CRLF pairs.
    if buf[..start].windows(2).any(|w| w == b"\n\n" || w == b"\r\r") || buf.first() == Some(&b'\n') {
        return Err(BAD);
    }
    Ok(None)
}

fn is_digits(v: &str) -> bool {
    !v.is_empty() && v.len() <= 18 && v.bytes().all(|b| b.is_ascii_digit())
}

/// Parses one complete head (as delimited by [`scan_head`]) and applies the rules.
/// `body_limit(multipart)` is the largest body allowed for that kind.
pub fn parse_head(raw: &[u8], max_headers: usize, body_limit: impl Fn(bool) -> u64) -> Result<Head, Refused> {
    // Header slots need no initialising (httparse writes those it uses): on the stack up to the
    // usual limit, else one allocation.
    const ON_STACK: usize = 128;
    let mut stack = [const { std::mem::MaybeUninit::<httparse::Header<'_>>::uninit() }; ON_STACK];
    let mut heap = Vec::new();
    let slots = if max_headers <= ON_STACK {
        &mut stack[..max_headers]
    } else {
        heap.reserve_exact(max_headers);
        &mut heap.spare_capacity_mut()[..max_headers]
    };
    let mut req = httparse::Request::new(&mut []);
    match req.parse_with_uninit_headers(raw, slots) {
        Ok(httparse::Status::Complete(n)) if n == raw.len() => {}
        Err(httparse::Error::TooManyHeaders) => return Err(TOO_LARGE_HEAD),
        _ => return Err(BAD),
    }
    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
        return Err(BAD);
    };
    if !target.starts_with('/') {
        return Err(BAD); // absolute-form, authority-form and `*` are not ours to serve
    }
    let mut head = Head {
        method: method.to_string(),
        target: target.to_string(),
        headers: Vec::with_capacity(req.headers.len()),
        content_length: 0,
        close: version == 0,
        expect_continue: false,
        multipart: false,
    };
    let mut content_length: Option<u64> = None;
    let mut hosts = 0;
    let mut transfer_encoding = false;
    for h in req.headers.iter() {
        let name = h.name;
        let value = std::str::from_utf8(h.value).map_err(|_| BAD)?.trim_matches([' ', '\t']);
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if name.len() >= 10 && name[..10].eq_ignore_ascii_case("x-ticketd-") {
            continue; // only we may speak for ourselves
        }
        if is("content-length") {
            if content_length.is_some() || !is_digits(value) {
                return Err(BAD);
            }
            content_length = Some(value.parse().map_err(|_| BAD)?);
        } else if is("transfer-encoding") {
            transfer_encoding = true;
        } else if is("host") {
            hosts += 1;
        } else if is("expect") {
            if !value.eq_ignore_ascii_case("100-continue") {
                return Err(Refused(417));
            }
            head.expect_continue = true;
            continue;
        } else if is("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    head.close = true;
                } else if token.eq_ignore_ascii_case("keep-alive") && version == 0 {
                    head.close = false;
                }
            }
        } else if is("content-type") {
            head.multipart = value.len() >= 19 && value[..19].eq_ignore_ascii_case("multipart/form-data");
        }
        head.headers.push((name.to_string(), value.to_string()));
    }
    if transfer_encoding {
        // Browsers never send chunked request bodies; refusing them keeps framing exact.
        return Err(if content_length.is_some() { BAD } else { Refused(411) });
    }
    if hosts > 1 {
        return Err(BAD);
    }
    head.content_length = content_length.unwrap_or(0);
    if head.content_length > body_limit(head.multipart) {
        return Err(Refused(413));
    }
    Ok(head)
}

enum HeadError {
    /// Nothing arrived: the connection was idle or closed between requests.
    Gone,
    Refused(Refused),
    /// A complete head for `/api/…` refused (a body over the limit): answered in the API's
    /// JSON error shape.
    RefusedApi(Refused),
}

/// The request line asks for `/api/…` (the head is complete, so the line is there).
fn is_api_request(head: &[u8]) -> bool {
    let line = head.split(|b| *b == b'\r').next().unwrap_or(&[]);
    line.splitn(3, |b| *b == b' ').nth(1).is_some_and(|target| target.starts_with(b"/api/"))
}

/// Reads one head into `buf` (which may hold bytes read past the previous request) and parses
/// it; the bytes after the head stay in `buf`.
/// `chunk`: the connection's read buffer (zeroed once per connection, not per request).
/// `timeout_set`: the read timeout this connection's socket has, as last set here (`None`:
/// unknown); an unchanged one is not set again (a system call per request on keep-alive).
fn read_head<S: Stream>(
    s: &mut S,
    buf: &mut Vec<u8>,
    chunk: &mut [u8],
    limits: &Limits,
    timeout_set: &mut Option<Duration>,
) -> Result<Head, HeadError> {
    let mut started = (!buf.is_empty()).then(Instant::now);
    let mut scanned = 0;
    loop {
        match scan_head(buf, scanned) {
            Err(r) => return Err(HeadError::Refused(r)),
            Ok(Some(end)) => {
                if end > limits.max_head_bytes {
                    return Err(HeadError::Refused(TOO_LARGE_HEAD));
                }
                let head = parse_head(&buf[..end], limits.max_headers, |multipart| {
                    if multipart {
                        limits.max_body_bytes
                    } else {
                        limits.max_form_bytes
                    }
                });
                let api = is_api_request(&buf[..end]);
                buf.drain(..end);
                return head.map_err(|r| if api { HeadError::RefusedApi(r) } else { HeadError::Refused(r) });
            }
            Ok(None) => scanned = buf.len().saturating_sub(1),
        }
        if buf.len() > limits.max_head_bytes {
            return Err(HeadError::Refused(TOO_LARGE_HEAD));
        }
        let timeout = match started {
            None => limits.idle_timeout,
            Some(t) => match limits.head_timeout.checked_sub(t.elapsed()) {
                Some(left) if !left.is_zero() => left,
                _ => return Err(HeadError::Refused(Refused(408))),
            },
        };
        if *timeout_set != Some(timeout) {
            let _ = s.set_read_timeout(Some(timeout));
            *timeout_set = Some(timeout);
        }
        match s.read(chunk) {
            // Closed between requests, or with a head cut short: nobody to answer.
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => {
                started.get_or_insert_with(Instant::now);
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => {
                return Err(match started {
                    None => HeadError::Gone,
                    Some(_) => HeadError::Refused(Refused(408)),
                });
            }
            Err(_) => return Err(HeadError::Gone),
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/// What the connection learns about a body after its handler is done with it.
#[derive(Default)]
struct Progress {
    /// Body bytes not read yet.
    left: Cell<u64>,
    /// Of those, the ones still on the socket (not yet buffered).
    on_socket: Cell<u64>,
    /// The socket failed or the client went away mid-body.
    broken: Cell<bool>,
}

/// A request body read from the connection: bytes already buffered first, then the socket,
/// never past `Content-Length`. Each read waits at most the pause limit, and once the grace
/// period is over the body must keep up the minimum average rate.
pub struct Body {
    prefix: Vec<u8>,
    pos: usize,
    /// The connection, when more than the buffered bytes is to come.
    stream: Option<Box<dyn Stream>>,
    progress: Rc<Progress>,
    /// `100 Continue` is owed before the first read from the socket.
    continue_owed: bool,
    started: Instant,
    got: u64,
    pause: Duration,
    min_rate: u64,
    grace: Duration,
}

impl Body {
    /// How long the next read may wait: the pause limit, or less if the rate would fail sooner.
    fn wait(&self) -> Option<Duration> {
        let elapsed = self.started.elapsed();
        let rate_deadline = if self.min_rate == 0 {
            Duration::MAX
        } else {
            self.grace.max(Duration::from_secs_f64(self.got as f64 / self.min_rate as f64))
        };
        let left = rate_deadline.checked_sub(elapsed)?;
        (!left.is_zero()).then(|| left.min(self.pause))
    }

    fn fail(&self, timed_out: bool) -> io::Error {
        if timed_out {
            io::Error::new(io::ErrorKind::TimedOut, "request body too slow")
        } else {
            self.progress.broken.set(true);
            io::Error::new(io::ErrorKind::UnexpectedEof, "request body cut short")
        }
    }
}

impl Read for Body {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let left = self.progress.left.get();
        if left == 0 || out.is_empty() {
            return Ok(0);
        }
        let want = out.len().min(left.min(usize::MAX as u64) as usize);
        if self.pos < self.prefix.len() {
            let n = want.min(self.prefix.len() - self.pos);
            out[..n].copy_from_slice(&self.prefix[self.pos..self.pos + n]);
            self.pos += n;
            self.got += n as u64;
            self.progress.left.set(left - n as u64);
            return Ok(n);
        }
        let Some(mut stream) = self.stream.take() else { return Err(self.fail(false)) };
        let got = self.read_from(&mut *stream, &mut out[..want]);
        self.stream = Some(stream);
        let n = got?;
        self.progress.left.set(left - n as u64);
        self.progress.on_socket.set(self.progress.on_socket.get().saturating_sub(n as u64));
        Ok(n)
    }
}

impl Body {
    /// One read from the connection, within the pause limit and the minimum rate.
    fn read_from(&mut self, stream: &mut dyn Stream, out: &mut [u8]) -> io::Result<usize> {
        if self.continue_owed {
            self.continue_owed = false;
            if stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
                return Err(self.fail(false));
            }
        }
        loop {
            let Some(wait) = self.wait() else { return Err(self.fail(true)) };
            let _ = stream.set_read_timeout(Some(wait));
            match stream.read(out) {
                Ok(0) => return Err(self.fail(false)),
                Ok(n) => {
                    self.got += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The wait was the pause limit or what the minimum rate still allowed.
                Err(e) if is_timeout(&e) => return Err(self.fail(true)),
                Err(_) => return Err(self.fail(false)),
            }
        }
    }
}

thread_local! {
    /// The streamed body of the request being handled on this thread (multipart only).
    static STREAMED: RefCell<Option<Body>> = const { RefCell::new(None) };
}

/// The body of `req`: the stream of a `multipart/form-data` request being handled on this
/// thread, else the body rouille holds (read whole by the server, or a test's fake request).
/// A body can be taken once.
pub fn body(req: &Request) -> Option<Box<dyn Read + '_>> {
    if let Some(b) = STREAMED.with(|s| s.borrow_mut().take()) {
        return Some(Box::new(b));
    }
    req.data().map(|d| Box::new(d) as Box<dyn Read + '_>)
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

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
        417 => "Expectation Failed",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The `Date` header line for now, formatted once per second, appended to `out`.
fn push_date_line(out: &mut String) {
    static LAST: std::sync::Mutex<(i64, String)> = std::sync::Mutex::new((i64::MIN, String::new()));
    crate::clock::per_second_shared(&LAST, date_line_at, out)
}

/// `Date: Mon, 07 Dec 2026 06:05:28 GMT` and its line break (RFC 9110's IMF-fixdate), written
/// by hand: `time`'s formatter cost as much as the rest of the head, once per thread a second.
fn date_line_at(now: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let t = crate::clock::utc(now);
    let two = |s: &mut String, n: u8| {
        s.push(char::from(b'0' + n / 10));
        s.push(char::from(b'0' + n % 10));
    };
    let mut s = String::with_capacity(40);
    s.push_str("Date: ");
    s.push_str(DAYS[usize::from(t.weekday().number_days_from_monday())]);
    s.push_str(", ");
    two(&mut s, t.day());
    s.push(' ');
    s.push_str(MONTHS[usize::from(u8::from(t.month()) - 1)]);
    s.push(' ');
    let year = t.year();
    if (0..=9999).contains(&year) {
        s.push_str(&format!("{year:04}"));
    } else {
        s.push_str(&year.to_string());
    }
    s.push(' ');
    two(&mut s, t.hour());
    s.push(':');
    two(&mut s, t.minute());
    s.push(':');
    two(&mut s, t.second());
    s.push_str(" GMT\r\n");
    s
}

/// An encoded response head, its body and how the connection goes on.
struct Encoded {
    head: Vec<u8>,
    body: Box<dyn Read + Send>,
    size: Option<usize>,
    close: bool,
}

/// Status line, `Date` and header lines of `resp`. Framing headers come from us:
/// `Content-Length` when the size is known, else `Connection: close`.
fn encode(resp: Response, close: bool) -> Encoded {
    // Pieces pushed one after the other: `write!` per header line cost more than the rest.
    let mut h = String::with_capacity(640);
    h.push_str("HTTP/1.1 ");
    super::push_decimal(&mut h, u128::from(resp.status_code));
    h.push(' ');
    h.push_str(reason(resp.status_code));
    h.push_str("\r\n");
    push_date_line(&mut h);
    let mut close = close;
    for (k, v) in &resp.headers {
        if k.eq_ignore_ascii_case("connection") {
            close |= v.eq_ignore_ascii_case("close");
            continue;
        }
        if k.eq_ignore_ascii_case("content-length")
            || k.eq_ignore_ascii_case("transfer-encoding")
            || k.eq_ignore_ascii_case("date")
        {
            continue;
        }
        // Header values are ours, but a stray line break must never split a header.
        if has_line_break(k) || has_line_break(v) {
            continue;
        }
        for part in [k, ": ", v, "\r\n"] {
            h.push_str(part);
        }
    }
    let no_body = resp.status_code == 204 || resp.status_code == 304 || (100..200).contains(&resp.status_code);
    let (body, size) = resp.data.into_reader_and_size();
    let size = if no_body { Some(0) } else { size };
    match size {
        Some(n) if !no_body => {
            h.push_str("Content-Length: ");
            super::push_decimal(&mut h, n as u128);
            h.push_str("\r\n");
        }
        Some(_) => {}
        None => close = true,
    }
    if close {
        h.push_str("Connection: close\r\n");
    }
    h.push_str("\r\n");
    Encoded { head: h.into_bytes(), body, size, close }
}

/// A `\r` or `\n` in `s` (a byte loop: `str::contains` with a char set decodes each char).
fn has_line_break(s: &str) -> bool {
    s.bytes().any(|b| b == b'\r' || b == b'\n')
}

/// Writes all of `parts` with as few system calls as the socket allows.
fn write_all_parts<S: Stream + ?Sized>(out: &mut S, parts: &[&[u8]]) -> io::Result<()> {
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
        SENT.fetch_add(n as u64, Ordering::Relaxed);
        while idx < parts.len() && n >= parts[idx].len() - off {
            n -= parts[idx].len() - off;
            idx += 1;
            off = 0;
        }
        off += n;
    }
    Ok(())
}

/// Bodies up to this size are written together with their head; larger ones stream in pieces.
const INLINE_BODY: usize = 1 << 20;

/// Writes `resp`; returns whether the connection may carry another request.
fn write_response<S: Stream>(s: &mut S, resp: Response, head_only: bool, close: bool) -> bool {
    let Encoded { head, mut body, size, close } = encode(resp, close);
    match size {
        _ if head_only => write_all_parts(s, &[&head]).is_ok() && !close,
        Some(len) if len <= INLINE_BODY => {
            // Head and body in one write. The body is read into a buffer of its own: a rendered
            // page (`web::html`) hands its buffer over instead of being copied.
            let mut whole = Vec::new();
            if body.read_to_end(&mut whole).is_err() || whole.len() != len {
                return false;
            }
            write_all_parts(s, &[&head, &whole]).is_ok() && !close
        }
        _ => {
            // Large bodies (downloads) stream: memory stays at one piece per connection.
            if write_all_parts(s, &[&head]).is_err() {
                return false;
            }
            let mut piece = vec![0u8; 64 * 1024];
            let mut written = 0usize;
            loop {
                let k = match body.read(&mut piece) {
                    Ok(0) => break,
                    Ok(k) => k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => return false,
                };
                if s.write_all(&piece[..k]).is_err() {
                    return false;
                }
                SENT.fetch_add(k as u64, Ordering::Relaxed);
                written += k;
            }
            // A body shorter than announced leaves the client waiting: close instead.
            !close && size == Some(written)
        }
    }
}

/// The plain answer to a refused head (no handler ran): status, reason, `Connection: close`.
fn refusal_bytes(status: u16) -> Vec<u8> {
    refusal_bytes_as(status, false)
}

/// A refusal; for `/api/` (`json`) in the API's error shape (`web::api::error_response`).
fn refusal_bytes_as(status: u16, json: bool) -> Vec<u8> {
    let reason = reason(status);
    let (ctype, body) = if json {
        let code = match status {
            413 => "too_large",
            408 => "too_slow",
            429 => "rate_limited",
            503 => "unavailable",
            _ => "bad_request",
        };
        let body = format!("{{\"error\":{{\"code\":\"{code}\",\"message\":\"{reason}\",\"field\":null}}}}");
        ("application/json; charset=utf-8", body)
    } else {
        ("text/plain; charset=utf-8", format!("{status} {reason}\n"))
    };
    let retry = if status == 429 || status == 503 { "Retry-After: 5\r\n" } else { "" };
    format!(
        "HTTP/1.1 {status} {reason}\r\n{}Content-Type: {ctype}\r\nContent-Length: {}\r\n\
         Connection: close\r\n{retry}X-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\nReferrer-Policy: same-origin\r\n\
         X-Frame-Options: DENY\r\nCache-Control: no-store\r\n\r\n{body}",
        {
            let mut date = String::with_capacity(40);
            push_date_line(&mut date);
            date
        },
        body.len()
    )
    .into_bytes()
}

/// Ends a connection after its last answer: no more writes, then what the client still sends
/// is read and dropped for a moment, so the answer is not lost to a reset.
fn close_gently<S: Stream + ?Sized>(s: &mut S) {
    let _ = s.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(2);
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 16 * 1024];
    let mut drained = 0usize;
    while Instant::now() < deadline && drained < 4 << 20 {
        match s.read(&mut sink) {
            Ok(0) => break,
            Ok(n) => drained += n,
            Err(e) if is_timeout(&e) => {}
            Err(_) => break,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

/// What a connection needs from its socket; `TcpStream` in the server, a Unix socket pair in
/// the fuzz target.
pub trait Stream: Read + Write + Send {
    fn set_read_timeout(&self, d: Option<Duration>) -> io::Result<()>;
    fn set_write_timeout(&self, d: Option<Duration>) -> io::Result<()>;
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    fn duplicate(&self) -> io::Result<Box<dyn Stream>>;
}

impl Stream for TcpStream {
    fn set_read_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, d)
    }
    fn set_write_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, d)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        TcpStream::shutdown(self, how)
    }
    fn duplicate(&self) -> io::Result<Box<dyn Stream>> {
        Ok(Box::new(self.try_clone()?))
    }
}

impl Stream for std::os::unix::net::UnixStream {
    fn set_read_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, d)
    }
    fn set_write_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_write_timeout(self, d)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        std::os::unix::net::UnixStream::shutdown(self, how)
    }
    fn duplicate(&self) -> io::Result<Box<dyn Stream>> {
        Ok(Box::new(self.try_clone()?))
    }
}

/// What one connection did, for the fuzz target's invariants.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConnStats {
    pub heads_accepted: usize,
    pub dispatched: usize,
}

/// Serves requests on one connection until it ends. `refused` is told about each refused head
/// (for the log).
pub fn serve_connection<S: Stream>(
    mut s: S,
    peer: SocketAddr,
    limits: &Limits,
    handler: &(dyn Fn(&Request) -> Response + '_),
    refused: &dyn Fn(SocketAddr, u16),
) -> ConnStats {
    let mut stats = ConnStats::default();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut timeout_set = None;
    // A client that stops reading its answer is cut off after a while.
    let _ = s.set_write_timeout(Some(limits.head_timeout * 6));
    loop {
        let head = match read_head(&mut s, &mut buf, &mut chunk, limits, &mut timeout_set) {
            Ok(h) => h,
            Err(HeadError::Gone) => return stats,
            Err(HeadError::Refused(Refused(status))) => {
                refuse_request(&mut s, peer, status, refused);
                return stats;
            }
            Err(HeadError::RefusedApi(Refused(status))) => {
                refused(peer, status);
                let _ = write_all_parts(&mut s, &[&refusal_bytes_as(status, true)]);
                close_gently(&mut s);
                return stats;
            }
        };
        stats.heads_accepted += 1;
        let Some(mut body) = body_of(&head, &mut buf, &s, limits) else { return stats };
        let progress = body.progress.clone();
        if progress.on_socket.get() > 0 {
            // The body is read from the socket with timeouts of its own (the same socket).
            timeout_set = None;
        }
        let mut data = Vec::new();
        if !head.multipart && head.content_length > 0 {
            // Small (at most the form limit): read whole before the handler runs.
            data.reserve_exact(head.content_length as usize);
            if let Err(e) = body.read_to_end(&mut data) {
                if e.kind() == io::ErrorKind::TimedOut {
                    refuse_request(&mut s, peer, 408, refused);
                }
                return stats;
            }
        }
        let head_only = head.method == "HEAD";
        let close = head.close;
        let req = Request::fake_http_from(peer, head.method, head.target, head.headers, data);
        if head.multipart {
            STREAMED.with(|slot| *slot.borrow_mut() = Some(body));
        } else {
            drop(body);
        }
        stats.dispatched += 1;
        let resp = handler(&req);
        // A streamed body the handler did not take is dropped here, closing its descriptor.
        STREAMED.with(|slot| slot.borrow_mut().take());
        drop(req);
        // Unread body bytes still on the socket (an early refusal of a large body) cannot be
        // skipped safely: the connection ends after this answer. Bytes already buffered are
        // simply dropped.
        let unread = progress.on_socket.get() > 0;
        if progress.broken.get() {
            return stats; // the client went away mid-body: nobody to answer
        }
        let keep = write_response(&mut s, resp, head_only, close || unread);
        if !keep {
            if unread {
                close_gently(&mut s);
            }
            return stats;
        }
    }
}

/// One answer for a refused request, then the connection ends.
fn refuse_request<S: Stream>(s: &mut S, peer: SocketAddr, status: u16, refused: &dyn Fn(SocketAddr, u16)) {
    refused(peer, status);
    let _ = write_all_parts(s, &[&refusal_bytes(status)]);
    close_gently(s);
}

/// The request's body: what of it is already in `buf` (taken out), then the connection itself
/// when more is to come. `None` when the connection cannot be shared with the body.
fn body_of<S: Stream>(head: &Head, buf: &mut Vec<u8>, s: &S, limits: &Limits) -> Option<Body> {
    let progress = Rc::new(Progress::default());
    progress.left.set(head.content_length);
    let take = (head.content_length.min(buf.len() as u64)) as usize;
    let prefix: Vec<u8> = buf.drain(..take).collect();
    let more = (take as u64) < head.content_length;
    progress.on_socket.set(head.content_length - take as u64);
    let stream = if more { Some(s.duplicate().ok()?) } else { None };
    Some(Body {
        prefix,
        pos: 0,
        stream,
        progress,
        continue_owed: head.expect_continue && more,
        started: Instant::now(),
        got: 0,
        pause: limits.head_timeout,
        min_rate: limits.body_min_rate,
        grace: limits.body_grace,
    })
}

// ---------------------------------------------------------------------------------------------
// Accepting
// ---------------------------------------------------------------------------------------------

/// Open connections, in total and per client address.
struct Counts {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

struct Slot {
    counts: Arc<Mutex<Counts>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unpoisoned();
        c.total -= 1;
        if let Some(n) = c.by_address.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                c.by_address.remove(&self.ip);
            }
        }
    }
}

/// Refused connections wait here for their answer to be read, then close; at most this many at
/// once (past that they are closed at once).
const CLOSING_MAX: usize = 256;

/// The thread that ends refused connections: reads and drops what they still send for up to a
/// second, so the refusal is not lost to a reset, without ever holding up the accept loop.
fn spawn_closer() -> Option<SyncSender<TcpStream>> {
    let (tx, rx): (SyncSender<TcpStream>, Receiver<TcpStream>) = sync_channel(CLOSING_MAX);
    std::thread::Builder::new()
        .name("ticketd-closer".into())
        .spawn(move || {
            let mut held: Vec<(TcpStream, Instant)> = Vec::new();
            let mut sink = [0u8; 4096];
            loop {
                let next =
                    if held.is_empty() { rx.recv().ok() } else { rx.recv_timeout(Duration::from_millis(50)).ok() };
                if let Some(s) = next {
                    held.push((s, Instant::now() + Duration::from_secs(1)));
                }
                while let Ok(s) = rx.try_recv() {
                    held.push((s, Instant::now() + Duration::from_secs(1)));
                }
                held.retain_mut(|(s, until)| {
                    if Instant::now() >= *until {
                        return false;
                    }
                    loop {
                        match s.read(&mut sink) {
                            Ok(0) => return false,
                            Ok(_) => {}
                            Err(e) if is_timeout(&e) => return true,
                            Err(_) => return false,
                        }
                    }
                });
            }
        })
        .ok()?;
    Some(tx)
}

/// Answers a connection over a cap without waiting for anything: the answer fits the socket's
/// send buffer; the closer thread ends the connection.
fn refuse(s: TcpStream, status: u16, closer: Option<&SyncSender<TcpStream>>) {
    let _ = s.set_nonblocking(true);
    let _ = (&s).write(&refusal_bytes(status));
    let _ = s.shutdown(Shutdown::Write);
    if let Some(c) = closer {
        let _ = c.try_send(s);
    }
}

/// Accepts on `listener` forever; each connection gets a thread that serves it through
/// `handler`. `refused` is told about every refusal (for the log).
pub fn run(
    listener: TcpListener,
    limits: Limits,
    handler: Arc<Handler>,
    refused: Arc<dyn Fn(SocketAddr, u16) + Send + Sync>,
) -> ! {
    let limits = Arc::new(limits);
    let counts = Arc::new(Mutex::new(Counts { total: 0, by_address: HashMap::new() }));
    let closer = spawn_closer();
    loop {
        let (s, peer) = match listener.accept() {
            Ok(c) => c,
            Err(e) => {
                // EMFILE/ENFILE and the like: back off and keep accepting instead of dying.
                eprintln!("warning: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let _ = s.set_nodelay(true);
        let ip = peer.ip();
        let verdict = {
            let mut c = counts.lock().unpoisoned();
            let mine = c.by_address.get(&ip).copied().unwrap_or(0);
            if c.total >= limits.max_connections {
                Err(503)
            } else if mine >= limits.max_connections_per_address && !limits.exempt.contains(&ip) {
                Err(429)
            } else {
                c.total += 1;
                *c.by_address.entry(ip).or_insert(0) += 1;
                Ok(Slot { counts: counts.clone(), ip })
            }
        };
        let slot = match verdict {
            Ok(slot) => slot,
            Err(status) => {
                refused(peer, status);
                refuse(s, status, closer.as_ref());
                continue;
            }
        };
        let (limits, handler, refused) = (limits.clone(), handler.clone(), refused.clone());
        let spawned = std::thread::Builder::new().name("ticketd-conn".into()).stack_size(512 * 1024).spawn(move || {
            let _slot = slot;
            super::guard::batch_scheduling();
            serve_connection(s, peer, &limits, &*handler, &*refused);
        });
        if let Err(e) = spawned {
            eprintln!("warning: cannot start a connection thread: {e}");
        }
    }
}

/// Fuzzing entry point (`fuzz/fuzz_targets/http_connection.rs`), not used by the server: runs
/// one connection over `input` (sent whole, then the write side closed) with small fixed limits,
/// calling `handler` for every request. Returns what the connection did.
#[doc(hidden)]
pub fn fuzz_connection(input: &[u8], handler: &(dyn Fn(&Request) -> Response + '_)) -> ConnStats {
    use std::os::unix::net::UnixStream;
    let Ok((server, mut client)) = UnixStream::pair() else { return ConnStats::default() };
    let limits = Limits {
        idle_timeout: Duration::from_millis(200),
        head_timeout: Duration::from_millis(200),
        max_head_bytes: 8 * 1024,
        max_headers: 50,
        max_body_bytes: 1024 * 1024,
        max_form_bytes: 64 * 1024,
        body_min_rate: 0,
        body_grace: Duration::from_secs(10),
        max_connections: 1,
        max_connections_per_address: 1,
        exempt: Vec::new(),
    };
    let data = input.to_vec();
    let Ok(mut reader) = client.try_clone() else { return ConnStats::default() };
    let writer = std::thread::spawn(move || {
        let _ = client.write_all(&data);
        let _ = client.shutdown(Shutdown::Write);
    });
    let drain = std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    });
    let peer = SocketAddr::from(([127, 0, 0, 1], 1));
    let stats = serve_connection(server, peer, &limits, handler, &|_, _| {});
    let _ = writer.join();
    let _ = drain.join();
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines_are_imf_fixdates() {
        let f = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        for ts in [0, 1, 86_399, 951_782_400, 1_796_623_528, 1_798_761_599, 4_102_444_800, 253_402_300_799] {
            let want = format!("Date: {}\r\n", crate::clock::utc(ts).format(&f).unwrap());
            assert_eq!(date_line_at(ts), want, "{ts}");
        }
        let mut h = String::new();
        for n in [0u64, 9, 10, 200, 304, 65_379, u64::MAX] {
            h.clear();
            crate::web::push_decimal(&mut h, u128::from(n));
            assert_eq!(h, n.to_string());
        }
    }

    #[test]
    fn refusals_of_api_requests_are_json() {
        assert!(is_api_request(b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(!is_api_request(b"POST /tickets HTTP/1.1\r\nX: /api/\r\n\r\n"));
        assert!(!is_api_request(b"GET /apix HTTP/1.1\r\n\r\n"));
        let raw = String::from_utf8(refusal_bytes_as(413, true)).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Content-Type: application/json"));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "too_large");
        assert!(v["error"]["field"].is_null());
    }

    /// What the edge makes of one head: its body length and whether the connection closes, or
    /// the refusal's status.
    type Verdict = Result<(u64, bool), u16>;

    fn status(raw: &str) -> Verdict {
        let bytes = raw.as_bytes();
        let end = match scan_head(bytes, 0) {
            Ok(Some(end)) => end,
            Ok(None) => return Err(0),
            Err(Refused(s)) => return Err(s),
        };
        if end != bytes.len() {
            return Err(1); // the table's heads are one head each
        }
        parse_head(bytes, 5, |multipart| if multipart { 1000 } else { 100 })
            .map(|h| (h.content_length, h.close))
            .map_err(|Refused(s)| s)
    }

    /// Every head the edge must refuse, and the ones it must take (data-driven: input → answer).
    #[test]
    fn heads_are_checked() {
        let ok = |cl: u64, close: bool| Ok((cl, close));
        let cases: &[(&str, &str, Verdict)] = &[
            ("plain GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", ok(0, false)),
            ("POST with a body", "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n", ok(10, false)),
            ("leading empty line", "\r\nGET / HTTP/1.1\r\n\r\n", ok(0, false)),
            ("HTTP/1.0 closes", "GET / HTTP/1.0\r\n\r\n", ok(0, true)),
            ("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", ok(0, false)),
            ("Connection: close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", ok(0, true)),
            ("tab in a value", "GET / HTTP/1.1\r\nUser-Agent: a\tb\r\n\r\n", ok(0, false)),
            ("form body over the limit", "POST /x HTTP/1.1\r\nContent-Length: 500\r\n\r\n", Err(413)),
            (
                "multipart under its own limit",
                "POST /x HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 500\r\n\r\n",
                ok(500, false),
            ),
            ("huge Content-Length", "POST /x HTTP/1.1\r\nContent-Length: 100000000000\r\n\r\n", Err(413)),
            (
                "Content-Length overflowing u64",
                "POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                Err(400),
            ),
            ("Transfer-Encoding", "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", Err(411)),
            (
                "Content-Length with Transfer-Encoding",
                "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                Err(400),
            ),
            (
                "two different Content-Lengths",
                "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                Err(400),
            ),
            (
                "two equal Content-Lengths",
                "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                Err(400),
            ),
            ("signed Content-Length +", "POST /x HTTP/1.1\r\nContent-Length: +5\r\n\r\n", Err(400)),
            ("signed Content-Length -", "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", Err(400)),
            ("Content-Length list", "POST /x HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", Err(400)),
            ("Content-Length empty", "POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n", Err(400)),
            ("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", Err(400)),
            ("name starting with VT", "GET / HTTP/1.1\r\n\x0bContent-Length: 5\r\n\r\n", Err(400)),
            ("name starting with FF", "GET / HTTP/1.1\r\n\x0cContent-Length: 5\r\n\r\n", Err(400)),
            ("name starting with lone CR", "GET / HTTP/1.1\r\n\rContent-Length: 5\r\n\r\n", Err(400)),
            ("name starting with space", "GET / HTTP/1.1\r\n Content-Length: 5\r\n\r\n", Err(400)),
            ("space before the colon", "GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n", Err(400)),
            ("name not a token", "GET / HTTP/1.1\r\nBad@Name: 5\r\n\r\n", Err(400)),
            ("obs-fold", "GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n", Err(400)),
            ("obs-fold with tab", "GET / HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n\r\n", Err(400)),
            ("CR without LF", "GET / HTTP/1.1\r\nX-A: 1\r2\r\n\r\n", Err(400)),
            ("LF without CR", "GET / HTTP/1.1\nHost: x\n\n", Err(400)),
            ("LF without CR after a header", "GET / HTTP/1.1\r\nHost: x\n\r\n", Err(400)),
            ("NUL in a value", "GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n", Err(400)),
            ("control character in a value", "GET / HTTP/1.1\r\nUser-Agent: a\x1b[31m\r\n\r\n", Err(400)),
            ("DEL in a value", "GET / HTTP/1.1\r\nX-A: a\x7fb\r\n\r\n", Err(400)),
            ("control character in the path", "GET /a\x01b HTTP/1.1\r\n\r\n", Err(400)),
            ("no colon", "GET / HTTP/1.1\r\nNoColon\r\n\r\n", Err(400)),
            ("garbage", "GARBAGE\r\n\r\n", Err(400)),
            ("absolute-form", "GET http://evil/ HTTP/1.1\r\n\r\n", Err(400)),
            ("authority-form", "CONNECT 127.0.0.1:80 HTTP/1.1\r\n\r\n", Err(400)),
            ("asterisk-form", "OPTIONS * HTTP/1.1\r\n\r\n", Err(400)),
            ("HTTP/0.9", "GET /\r\n\r\n", Err(400)),
            ("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", Err(400)),
            ("HTTP/1.2", "GET / HTTP/1.2\r\n\r\n", Err(400)),
            ("lower-case version", "GET / http/1.1\r\n\r\n", Err(400)),
            ("two spaces in the request line", "GET  / HTTP/1.1\r\n\r\n", Err(400)),
            ("too many headers", "GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\n\r\n", Err(431)),
            ("Expect other than 100-continue", "POST /x HTTP/1.1\r\nExpect: 200-ok\r\n\r\n", Err(417)),
            ("non-UTF-8 value", "GET / HTTP/1.1\r\nX-A: \u{00e9}\r\n\r\n", ok(0, false)),
        ];
        for (what, raw, want) in cases {
            assert_eq!(&status(raw), want, "{what}: {raw:?}");
        }
        // Raw Latin-1 bytes (not UTF-8) in a value.
        let raw = b"GET / HTTP/1.1\r\nX-A: \xe9\r\n\r\n";
        assert_eq!(parse_head(raw, 5, |_| 0).map(|_| ()), Err(Refused(400)));
    }

    #[test]
    fn own_headers_from_clients_are_dropped() {
        let raw = b"GET / HTTP/1.1\r\nX-Ticketd-Peer: abc 1.2.3.4:5\r\nx-ticketd-probe: 1\r\nHost: h\r\n\r\n";
        let h = parse_head(raw, 10, |_| 0).expect("valid head");
        assert_eq!(h.headers, vec![("Host".to_string(), "h".to_string())]);
    }

    #[test]
    fn head_end_is_found_while_bytes_arrive() {
        assert_eq!(scan_head(b"GET / HTTP/1.1\r\n\r\nrest", 0), Ok(Some(18)));
        assert_eq!(scan_head(b"\r\nGET / HTTP/1.1\r\n\r\n", 0), Ok(Some(20)));
        assert_eq!(scan_head(b"GET / HTTP/1.1\r\n", 0), Ok(None));
        assert_eq!(scan_head(b"GET / HTTP/1.1\r", 0), Ok(None));
        assert_eq!(scan_head(b"\n", 0), Err(BAD));
    }

    fn echo_handler() -> Box<Handler> {
        Box::new(|req: &Request| {
            let mut got = Vec::new();
            let n = body(req).map(|mut b| b.read_to_end(&mut got).is_ok()).unwrap_or(false);
            Response::text(format!("{} {} {} {n}", req.method(), req.raw_url(), got.len()))
        })
    }

    #[test]
    fn a_forged_length_is_one_refusal_and_no_second_request() {
        let smuggled = b"POST /x HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\n\
            \x0bContent-Length: 1000000000000\r\nContent-Length: 38\r\n\r\n\
            GET /second HTTP/1.1\r\nHost: x\r\n\r\n";
        let stats = fuzz_connection(smuggled, &*echo_handler());
        assert_eq!((stats.heads_accepted, stats.dispatched), (0, 0));
    }

    #[test]
    fn pipelined_requests_each_get_their_body() {
        let input = b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n\
            POST /c HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 4\r\n\r\nwxyz";
        let seen = Mutex::new(Vec::new());
        let handler = |req: &Request| {
            let mut got = Vec::new();
            if let Some(mut b) = body(req) {
                let _ = b.read_to_end(&mut got);
            }
            seen.lock().unwrap().push(format!("{} {}", req.raw_url(), String::from_utf8_lossy(&got)));
            Response::text("ok")
        };
        let stats = fuzz_connection(input, &handler);
        assert_eq!((stats.heads_accepted, stats.dispatched), (3, 3));
        assert_eq!(*seen.lock().unwrap(), vec!["/a abc", "/b ", "/c wxyz"]);
    }

    #[test]
    fn an_unread_body_is_skipped_when_buffered_and_ends_the_connection_when_not() {
        // The handler refuses without reading. A body that arrived with its head is dropped
        // and the next request is served; one still on the socket ends the connection.
        let handler = |_: &Request| Response::text("no").with_status_code(403);
        let buffered =
            b"POST /a HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 4\r\n\r\n\
            wxyzGET /b HTTP/1.1\r\n\r\n";
        assert_eq!(fuzz_connection(buffered, &handler).dispatched, 2);
        let short =
            b"POST /a HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 40\r\n\r\nwxyz";
        assert_eq!(fuzz_connection(short, &handler).dispatched, 1);
    }
}
