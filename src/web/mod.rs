//! The only module that knows rouille: routing, forms, cookies, security headers, assets, and
//! the one place where errors become responses.

pub mod api;
pub mod api_tokens;
pub mod assets;
pub mod contacts;
pub mod contingents;
pub mod ctx;
pub mod files;
pub mod form;
pub mod guard;
pub mod hotline;
pub mod http;
pub mod import;
pub mod inbox;
pub mod links;
pub mod notify;
pub mod portal;
pub mod routes;
pub mod server;
pub mod settings;
pub mod snippets;
pub mod staff;
pub mod ticket_people;
pub mod totp;
pub mod upload;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rouille::{Request, Response};

use crate::app::App;
use crate::error::Error;
use crate::sync::Unpoison;
use crate::views;
pub use ctx::Ctx;

/// How long a login waits for a free bcrypt slot before it gets `429`.
pub const LOGIN_WAIT: Duration = Duration::from_secs(1);

/// Builds the request handler: login wait → a worker slot → context → route → error mapping →
/// headers → access log. At most `workers` requests are in `handle` at once (each may hold a
/// database connection); more wait for a slot.
pub fn handler(
    app: Arc<App>,
    in_flight: Arc<guard::InFlight>,
    workers: usize,
) -> impl Fn(&Request) -> Response + Send + Sync + 'static {
    let slots = Slots::new(workers);
    move |req: &Request| {
        let started = Instant::now();
        let _busy = in_flight.enter();
        let request_id = next_request_id();
        // Once per request: the context and the access log both need it.
        let address = client_address(&app, req);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if server::stopping() {
                let r = Response::text("shutting down\n")
                    .with_status_code(503)
                    .with_additional_header("Connection", "close");
                return (r, String::new());
            }
            if let Some(busy) = login_wait(&app, req) {
                return (busy, String::new());
            }
            let _slot = slots.enter();
            handle(&app, req, &request_id, &address)
        }));
        let (response, user) = match result {
            Ok(r) => r,
            Err(_) => {
                log_line(&request_id, "panic in handler");
                (error_page_plain(500, &request_id), String::new())
            }
        };
        let response = security_headers(response, is_https(&app, req));
        if !guard::is_probe(req.remote_addr()) {
            access_log(
                &request_id,
                &address,
                req.method(),
                req.raw_url(),
                started.elapsed().as_micros(),
                response.status_code,
                &user,
            );
        }
        response
    }
}

/// A counting semaphore: requests in a handler at once, served first come, first served. A
/// freed slot is handed to the longest waiter (one wake-up, no barging by newcomers), so under
/// load a request waits for the ones before it, not for luck: the tail latency follows the
/// queue, not the scheduler.
struct Slots {
    state: Mutex<SlotState>,
    max: usize,
}

struct SlotState {
    used: usize,
    waiting: VecDeque<Arc<Waiter>>,
}

struct Waiter {
    granted: AtomicBool,
    thread: std::thread::Thread,
}

struct SlotGuard<'a>(&'a Slots);

impl Slots {
    fn new(max: usize) -> Slots {
        Slots { state: Mutex::new(SlotState { used: 0, waiting: VecDeque::new() }), max: max.max(1) }
    }

    fn enter(&self) -> SlotGuard<'_> {
        let me = {
            let mut st = self.state.lock().unpoisoned();
            if st.used < self.max && st.waiting.is_empty() {
                st.used += 1;
                return SlotGuard(self);
            }
            let me = Arc::new(Waiter { granted: AtomicBool::new(false), thread: std::thread::current() });
            st.waiting.push_back(Arc::clone(&me));
            me
        };
        // `park` may return spuriously; the flag says whether the slot is ours.
        while !me.granted.load(Ordering::Acquire) {
            std::thread::park();
        }
        SlotGuard(self)
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let mut st = self.0.state.lock().unpoisoned();
        match st.waiting.pop_front() {
            // The slot goes straight to the next in line: `used` stays.
            Some(next) => {
                next.granted.store(true, Ordering::Release);
                next.thread.unpark();
            }
            None => st.used -= 1,
        }
    }
}

/// A login while every bcrypt slot is busy waits for a free one — asleep, without a worker
/// slot, up to [`LOGIN_WAIT`] — and is then handled as usual or refused with `429` before its
/// form is read. A login flood thus sends at most one request per connection and second
/// through and costs other pages little; the handler checks the gate again.
fn login_wait(app: &App, req: &Request) -> Option<Response> {
    if req.method() != "POST" || !(req.raw_url() == "/login" || req.raw_url() == "/staff/login") {
        return None;
    }
    let started = Instant::now();
    while app.hash_gate.is_full() && started.elapsed() < LOGIN_WAIT {
        std::thread::sleep(Duration::from_millis(10));
    }
    if !app.hash_gate.is_full() {
        return None;
    }
    let e = Error::TooMany { retry_after: 2, msg: crate::i18n::m::LOGIN_BUSY };
    Some(respond_error_lang(app, ctx::negotiate_language(app, req), "-", &e))
}

/// Text from a request made safe for a log line: control characters, bidirectional overrides
/// and the backslash that introduces an escape are written as escapes, so a client cannot
/// forge, hide or reorder lines.
pub fn log_safe(s: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII but the backslash, as nearly every line is: checked byte by byte.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'\\') {
        return std::borrow::Cow::Borrowed(s);
    }
    let special =
        |c: char| c.is_control() || c == '\\' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(special) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if special(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A password link's token is as good as the password it sets: the log shows `/login/reset/…`.
fn without_link_token(url: &str) -> std::borrow::Cow<'_, str> {
    match url.strip_prefix("/login/reset/") {
        Some(rest) if !rest.is_empty() => std::borrow::Cow::Borrowed("/login/reset/…"),
        _ => std::borrow::Cow::Borrowed(url),
    }
}

/// One line per request on stderr: time, request id, client, method, URL, handling time,
/// status, user (`-` when nobody is logged in). Request text is escaped ([`log_safe`]).
pub fn access_log(request_id: &str, address: &str, method: &str, url: &str, micros: u128, status: u16, user: &str) {
    // One write per line: stderr is unbuffered, and a line in pieces costs a syscall each.
    // Written piece by piece into one buffer (no `format!` machinery per request).
    let mut line = String::with_capacity(64 + request_id.len() + address.len() + url.len() + user.len());
    clock_stamp_into(&mut line);
    for part in [" ", request_id, " "] {
        line.push_str(part);
    }
    line.push_str(&log_safe(address));
    line.push(' ');
    line.push_str(&log_safe(method));
    line.push(' ');
    line.push_str(&log_safe(&without_link_token(url)));
    line.push(' ');
    push_decimal(&mut line, micros);
    line.push_str("us ");
    push_decimal(&mut line, u128::from(status));
    line.push(' ');
    line.push_str(if user.is_empty() { "-".into() } else { log_safe(user) }.as_ref());
    line.push('\n');
    use std::io::Write;
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// `n` in decimal, appended (the access line, the response head), without `format!`.
pub(crate) fn push_decimal(out: &mut String, mut n: u128) {
    let mut digits = [0u8; 39];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| d as char));
}

/// The access line of a request the server refused before any handler saw it (a malformed or
/// oversized head, a slow body, a connection over a cap).
pub fn log_refusal(peer: std::net::SocketAddr, status: u16) {
    access_log(&next_request_id(), &peer.ip().to_string(), "-", "-", 0, status, "");
}

fn handle(app: &App, req: &Request, request_id: &str, address: &str) -> (Response, String) {
    // Reads of a page share one connection and one read transaction (one snapshot, one WAL
    // read lock); a write inside ends it first.
    let _reads = matches!(req.method(), "GET" | "HEAD").then(|| app.read_scope());
    let mut ctx = match Ctx::new(app, req, request_id, address.to_string()) {
        Ok(c) => c,
        Err(e) => {
            let lang = ctx::negotiate_language(app, req);
            return (respond_error_lang(app, lang, request_id, &e), String::new());
        }
    };
    // The session lookup began the page's read transaction: the version is that snapshot's,
    // the one every later read of the page sees (none after a write: no `ETag` then).
    let version = (ctx.session.is_some() && ctx::wants_etag(app, req)).then(|| app.data_version()).flatten();
    let user = ctx.principal_label();
    if let Some(not_modified) = version.and_then(|v| ctx.not_modified(v)) {
        return (not_modified, user);
    }
    let result = routes::route(&mut ctx);
    let response = match result {
        Ok(r) => r,
        Err(e) => respond_error(&ctx, &e),
    };
    let user = ctx.api_user.take().unwrap_or(user);
    (ctx.finish(response, version), user)
}

/// The one place where an error becomes a response; internals are logged here, once.
pub fn respond_error(ctx: &Ctx, e: &Error) -> Response {
    respond_error_with(ctx.app, ctx.lang, &ctx.request_id, e, Some(ctx))
}

fn respond_error_lang(app: &App, lang: crate::i18n::Lang, request_id: &str, e: &Error) -> Response {
    respond_error_with(app, lang, request_id, e, None)
}

fn respond_error_with(app: &App, lang: crate::i18n::Lang, request_id: &str, e: &Error, ctx: Option<&Ctx>) -> Response {
    if let Error::LoginRequired { login_path, next } = e {
        let target = format!("{login_path}?next={}", crate::model::url_encode(next));
        return redirect(&target);
    }
    if let Some(detail) = e.log_detail() {
        log_line(request_id, detail);
    }
    // `/api/` answers in JSON, whatever the error (issue 21).
    if ctx.is_some_and(|c| api::is_api(&c.path)) {
        return api::error_response(e, lang);
    }
    let page = views::errors::error_page(&views::errors::ErrorView {
        status: e.status(),
        error: e,
        request_id,
        lang,
        chrome: ctx.map(|c| c.chrome()).unwrap_or_else(|| ctx::chrome(app, lang, None, "/", None)),
    });
    let mut resp = html(page).with_status_code(e.status());
    if let Error::TooMany { retry_after, .. } = e {
        resp = resp.with_additional_header("Retry-After", retry_after.to_string());
    }
    resp.with_no_cache()
}

fn error_page_plain(status: u16, request_id: &str) -> Response {
    Response::text(format!("Internal error. Request ID: {request_id}\n")).with_status_code(status)
}

pub fn log_line(request_id: &str, msg: &str) {
    eprintln!("{} {} error: {}", clock_stamp(), request_id, log_safe(msg));
}

/// The log's time stamp, formatted once per second.
fn clock_stamp() -> String {
    let mut s = String::with_capacity(20);
    clock_stamp_into(&mut s);
    s
}

/// [`clock_stamp`] appended to `out`.
fn clock_stamp_into(out: &mut String) {
    static LAST: Mutex<(i64, String)> = Mutex::new((i64::MIN, String::new()));
    crate::clock::per_second_shared(&LAST, crate::clock::rfc3339, out)
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Short, unique per process run: a random prefix chosen at start and a counter.
pub fn next_request_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| crate::auth::random_hex(3).unwrap_or_else(|_| "000000".into()));
    request_id(prefix, REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// `{prefix}-{n:x}`, written by hand (one per request).
fn request_id(prefix: &str, n: u64) -> String {
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.push('-');
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        id.push(char::from(b"0123456789abcdef"[((n >> (i * 4)) & 0xf) as usize]));
    }
    id
}

pub fn html(markup: maud::Markup) -> Response {
    let page = markup.into_string().into_bytes();
    let len = page.len();
    // Room for what `Ctx::finish` and `security_headers` add, so the list grows once.
    let mut headers = Vec::with_capacity(12);
    headers.push(("Content-Type".into(), "text/html; charset=utf-8".into()));
    Response {
        status_code: 200,
        headers,
        data: rouille::ResponseBody::from_reader_and_size(Page(std::io::Cursor::new(page)), len),
        upgrade: None,
    }
}

/// A rendered page as a response body. Reads like the `Cursor` rouille would use, but hands its
/// buffer over whole to a `read_to_end` into an empty `Vec` (as `web::http` reads a body), so
/// the page is not copied once more on its way to the socket.
struct Page(std::io::Cursor<Vec<u8>>);

impl std::io::Read for Page {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }

    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> std::io::Result<usize> {
        if buf.is_empty() && self.0.position() == 0 {
            std::mem::swap(buf, self.0.get_mut());
            return Ok(buf.len());
        }
        self.0.read_to_end(buf)
    }
}

pub fn redirect(path: &str) -> Response {
    Response {
        status_code: 303,
        headers: vec![("Location".into(), path.to_string().into())],
        data: rouille::ResponseBody::empty(),
        upgrade: None,
    }
}

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Added to every response: pages, assets, errors, redirects.
pub fn security_headers(mut r: Response, https: bool) -> Response {
    r.headers.reserve(8);
    let has = |r: &Response, name: &str| r.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    if !has(&r, "Content-Security-Policy") {
        r.headers.push(("Content-Security-Policy".into(), CSP.into()));
    }
    r.headers.push(("X-Content-Type-Options".into(), "nosniff".into()));
    r.headers.push(("Referrer-Policy".into(), "same-origin".into()));
    r.headers.push(("X-Frame-Options".into(), "DENY".into()));
    r.headers.push(("Cross-Origin-Opener-Policy".into(), "same-origin".into()));
    r.headers.push(("Permissions-Policy".into(), "camera=(), microphone=(), geolocation=()".into()));
    if https {
        r.headers.push(("Strict-Transport-Security".into(), "max-age=31536000".into()));
    }
    if !has(&r, "Cache-Control") {
        r.headers.push(("Cache-Control".into(), "no-cache".into()));
    }
    r
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the last address
/// in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(app: &App, req: &Request) -> String {
    address_of(app, req.remote_addr().ip(), req.header("X-Forwarded-For"))
}

/// [`client_address`] from its parts: the peer and its `X-Forwarded-For`.
pub fn address_of(app: &App, peer: std::net::IpAddr, forwarded_for: Option<&str>) -> String {
    if app.config().trusted_proxies.is_empty() {
        return ip_text(peer);
    }
    let trusted = app.config().trusted_proxy_addrs();
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    forwarded_for
        .and_then(|h| {
            h.rsplit(',')
                .map(|s| s.trim())
                .filter_map(|s| s.parse::<std::net::IpAddr>().ok())
                .find(|ip| !trusted.contains(ip))
        })
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| peer.to_string())
}

/// An address as `Display` writes it; IPv4 (nearly every peer) digit by digit, without the
/// formatting machinery.
fn ip_text(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let mut s = String::with_capacity(15);
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                push_decimal(&mut s, u128::from(octet));
            }
            s
        }
        ip => ip.to_string(),
    }
}

/// HTTPS directly, or per a trusted proxy's `X-Forwarded-Proto`.
pub fn is_https(app: &App, req: &Request) -> bool {
    req.is_secure() || https_of(app, req.remote_addr().ip(), req.header("X-Forwarded-Proto"))
}

/// [`is_https`] from its parts: the peer and its `X-Forwarded-Proto`.
pub fn https_of(app: &App, peer: std::net::IpAddr, forwarded_proto: Option<&str>) -> bool {
    !app.config().trusted_proxies.is_empty()
        && app.config().trusted_proxy_addrs().contains(&peer)
        && forwarded_proto.is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waiters get a freed slot in the order they came, and the slot count never exceeds `max`.
    #[test]
    fn slots_are_handed_out_first_come_first_served() {
        let slots = Arc::new(Slots::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let held = slots.enter();
        let mut threads = Vec::new();
        for i in 0..5 {
            let (s, o) = (Arc::clone(&slots), Arc::clone(&order));
            threads.push(std::thread::spawn(move || {
                let _g = s.enter();
                o.lock().unwrap().push(i);
                assert_eq!(s.state.lock().unwrap().used, 1);
            }));
            // Next thread only once this one is in line.
            while slots.state.lock().unwrap().waiting.len() < i + 1 {
                std::thread::yield_now();
            }
        }
        drop(held);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(slots.state.lock().unwrap().used, 0);
        // With nobody waiting a slot is taken at once.
        drop(slots.enter());
    }

    #[test]
    fn log_lines_escape_what_they_did_before() {
        let slow = |s: &str| -> String {
            let special =
                |c: char| c.is_control() || c == '\\' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if special(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                    c => out.push(c),
                }
            }
            out
        };
        for s in [
            "",
            "/tickets?year=2026&month=5",
            "a b~",
            "x\\y",
            "\x7f",
            "\x1b[31m",
            "line\nnext\r",
            "Käse",
            "\u{202e}evil",
            "\u{2066}x\u{2069}",
            "\u{85}",
            " ~!\"#$%&'()*+,-./:;<=>?@[]^_`{|}",
        ] {
            assert_eq!(log_safe(s), slow(s), "{s:?}");
        }
        assert!(matches!(log_safe("/tickets/2026-00001"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn request_ids_count_in_hex() {
        for n in [0u64, 1, 15, 16, 255, 4096, 0xdead_beef, u64::MAX] {
            assert_eq!(request_id("a1b2c3", n), format!("a1b2c3-{n:x}"));
        }
    }

    #[test]
    fn addresses_and_numbers_are_written_as_display_writes_them() {
        for ip in ["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.20.3.100", "::1", "2001:db8::7", "::ffff:1.2.3.4"] {
            let ip: std::net::IpAddr = ip.parse().unwrap();
            assert_eq!(ip_text(ip), ip.to_string());
        }
        for n in [0u128, 7, 10, 99, 100, 65_535, u128::from(u64::MAX), u128::MAX] {
            let mut s = String::from("x");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }
}
