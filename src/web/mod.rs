//! The only module that knows rouille: routing, forms, cookies, security headers, assets, and
//! the one place where errors become responses.

pub mod assets;
pub mod cache;
pub mod ctx;
pub mod files;
pub mod form;
pub mod front;
pub mod guard;
pub mod hotline;
pub mod notify;
pub mod portal;
pub mod proxy;
pub mod routes;
pub mod server;
pub mod staff;
pub mod upload;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rouille::{Request, Response};

use crate::app::App;
use crate::error::Error;
use crate::views;
pub use ctx::Ctx;

/// Builds the request handler: context → route → error mapping → headers → access log.
pub fn handler(
    app: Arc<App>,
    in_flight: Arc<guard::InFlight>,
) -> impl Fn(&Request) -> Response + Send + Sync + 'static {
    move |req: &Request| {
        let started = Instant::now();
        let _busy = in_flight.enter(peer(req));
        let request_id = next_request_id();
        let probe = req.header("X-Ticketd-Probe").is_some();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if server::stopping() {
                let r = Response::text("shutting down\n")
                    .with_status_code(503)
                    .with_additional_header("Connection", "close");
                return (r, String::new());
            }
            match oversized_head(&app, req) {
                Some(r) => (r, String::new()),
                None => handle(&app, req, &request_id),
            }
        }));
        let (response, user) = match result {
            Ok(r) => r,
            Err(_) => {
                log_line(&request_id, "panic in handler");
                (error_page_plain(500, &request_id), String::new())
            }
        };
        let mut response = security_headers(response, is_https(&app, req));
        if req.header(proxy::PEER_HEADER).is_some() {
            // Came through tiny_http (an upload), which would send our internal headers on.
            response
                .headers
                .retain(|(k, _)| !k.to_ascii_lowercase().starts_with(&proxy::INTERNAL_PREFIX.to_ascii_lowercase()));
        } else if response.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(cache::MARK)) {
            response.headers.push((USER_HEADER.into(), user.clone().into()));
        }
        if probe {
            return response;
        }
        access_log(
            &request_id,
            &client_address(&app, req),
            req.method(),
            req.raw_url(),
            started.elapsed().as_micros(),
            response.status_code,
            &user,
            false,
        );
        response
    }
}

/// Internal header: who a cacheable answer was for, so a cache hit logs the same user.
pub const USER_HEADER: &str = "X-Ticketd-Internal-User";

/// One line per request on stderr: time, request id, client, method, URL, handling time,
/// status, user (`-` when nobody is logged in), and `cache` when the answer came from memory.
#[allow(clippy::too_many_arguments)]
pub fn access_log(
    request_id: &str,
    address: &str,
    method: &str,
    url: &str,
    micros: u128,
    status: u16,
    user: &str,
    from_cache: bool,
) {
    // One write per line: stderr is unbuffered, and a line in pieces costs a syscall each.
    let line = format!(
        "{} {request_id} {address} {method} {url} {micros}us {status} {}{}\n",
        clock_stamp(),
        if user.is_empty() { "-" } else { user },
        if from_cache { " cache" } else { "" }
    );
    use std::io::Write;
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Too many or too large headers: `431`, before anything else looks at the request.
fn oversized_head(app: &App, req: &Request) -> Option<Response> {
    let limits = &app.config.limits;
    let mut count = 0usize;
    let mut bytes = req.raw_url().len() as u64;
    for (k, v) in req.headers() {
        count += 1;
        bytes += (k.len() + v.len() + 4) as u64;
    }
    (count > limits.max_headers || bytes > limits.max_head_bytes)
        .then(|| Response::text("Request header fields too large\n").with_status_code(431))
}

fn handle(app: &App, req: &Request, request_id: &str) -> (Response, String) {
    let mut ctx = match Ctx::new(app, req, request_id) {
        Ok(c) => c,
        Err(e) => {
            let lang = ctx::negotiate_language(app, req);
            return (respond_error_lang(app, lang, request_id, &e), String::new());
        }
    };
    let result = routes::route(&mut ctx);
    let response = match result {
        Ok(r) => r,
        Err(e) => respond_error(&ctx, &e),
    };
    let user = ctx.principal_label();
    (ctx.finish(response), user)
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
        let target = format!("{login_path}?next={}", form::url_encode(next));
        return redirect(&target);
    }
    if let Some(detail) = e.log_detail() {
        log_line(request_id, detail);
    }
    let page = views::errors::error_page(&views::errors::ErrorView {
        status: e.status(),
        error: e,
        request_id,
        lang,
        chrome: ctx.map(|c| c.chrome()).unwrap_or_else(|| views::Chrome::anonymous(app, lang)),
    });
    let mut resp = html(page).with_status_code(e.status());
    if let Error::TooMany { retry_after, .. } = e {
        resp = resp.with_additional_header("Retry-After", retry_after.to_string());
    }
    resp.with_no_cache()
}

/// The answer to a login while every bcrypt slot is busy: `429` with `Retry-After`, the same
/// page the login handler gives, without reading the form (see `web::front`).
pub fn login_busy_response(app: &App, lang: crate::i18n::Lang, https: bool) -> Response {
    let e = Error::TooMany { retry_after: 2, msg: crate::i18n::m::LOGIN_BUSY };
    security_headers(respond_error_lang(app, lang, "-", &e), https)
}

fn error_page_plain(status: u16, request_id: &str) -> Response {
    Response::text(format!("Internal error. Request ID: {request_id}\n")).with_status_code(status)
}

pub fn log_line(request_id: &str, msg: &str) {
    eprintln!("{} {} error: {}", clock_stamp(), request_id, msg);
}

/// The log's time stamp, formatted once per second per thread.
fn clock_stamp() -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    crate::clock::per_second(&LAST, crate::clock::rfc3339)
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Short, unique per process run: a random prefix chosen at start and a counter.
pub fn next_request_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| crate::auth::random_hex(3).unwrap_or_else(|_| "000000".into()));
    format!("{prefix}-{:x}", REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed))
}

pub fn html(markup: maud::Markup) -> Response {
    Response::from_data("text/html; charset=utf-8", markup.into_string())
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
/// The peer of the client connection: from the front door's signed header, else the socket.
pub fn peer(req: &Request) -> std::net::SocketAddr {
    req.header(proxy::PEER_HEADER).and_then(proxy::peer_from_header).unwrap_or(*req.remote_addr())
}

pub fn client_address(app: &App, req: &Request) -> String {
    address_of(app, peer(req).ip(), req.header("X-Forwarded-For"))
}

/// [`client_address`] from its parts: the peer and its `X-Forwarded-For`.
pub fn address_of(app: &App, peer: std::net::IpAddr, forwarded_for: Option<&str>) -> String {
    if app.config.trusted_proxies.is_empty() {
        return peer.to_string();
    }
    let trusted = app.config.trusted_proxy_addrs();
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

/// HTTPS directly, or per a trusted proxy's `X-Forwarded-Proto`.
pub fn is_https(app: &App, req: &Request) -> bool {
    req.is_secure() || https_of(app, peer(req).ip(), req.header("X-Forwarded-Proto"))
}

/// [`is_https`] from its parts: the peer and its `X-Forwarded-Proto`.
pub fn https_of(app: &App, peer: std::net::IpAddr, forwarded_proto: Option<&str>) -> bool {
    !app.config.trusted_proxies.is_empty()
        && app.config.trusted_proxy_addrs().contains(&peer)
        && forwarded_proto.is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}
