//! The application behind the front door (`web::proxy`): answers a request from the cache
//! (`web::cache`) when it can, else runs the rouille handler on the connection's own thread —
//! at most `workers` at once — and keeps what the handler marked as cacheable.
//!
//! Running the handler on the thread that read the request saves two loopback hops and three
//! thread switches per request compared with passing it to tiny_http; tiny_http only still
//! sees uploads, whose bodies must stream.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rouille::{Request, Response};

use super::cache::{Cache, KeyParts, MARK, PAGE_TTL};
use super::proxy::{self, Dispatch, Incoming, Reply};
use crate::app::App;

type Handler = Box<dyn Fn(&Request) -> Response + Send + Sync>;

/// How long a login waits for a free bcrypt slot before it gets `429`.
pub const LOGIN_WAIT: Duration = Duration::from_secs(1);

pub struct Front {
    app: Arc<App>,
    handler: Handler,
    cache: Cache,
    slots: Slots,
}

/// A counting semaphore: handlers running at once.
struct Slots {
    used: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

struct SlotGuard<'a>(&'a Slots);

impl Slots {
    fn enter(&self) -> SlotGuard<'_> {
        let mut n = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *n >= self.max {
            n = self.freed.wait(n).unwrap_or_else(|p| p.into_inner());
        }
        *n += 1;
        SlotGuard(self)
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.used.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        self.0.freed.notify_one();
    }
}

impl Front {
    /// `workers`: handlers at once (each may hold a database connection and its page cache).
    pub fn new(app: Arc<App>, handler: Handler, workers: usize) -> Front {
        let cache = Cache::new(app.config.limits.page_cache_mb as usize * 1024 * 1024);
        Front { app, handler, cache, slots: Slots { used: Mutex::new(0), freed: Condvar::new(), max: workers.max(1) } }
    }

    /// The cache key for this request, if its answer may come from (or go into) the cache.
    fn key(&self, req: &Incoming<'_>, https: bool) -> Option<(String, bool)> {
        if !self.cache.enabled() || !(req.method == "GET" || req.method == "HEAD") || super::server::stopping() {
            return None;
        }
        let mut cookie = "";
        let mut accept_language = "";
        let mut host = "";
        for (k, v) in req.headers() {
            if k.eq_ignore_ascii_case("cookie") {
                if !cookie.is_empty() {
                    return None; // several Cookie lines: rare, not worth keying
                }
                cookie = v;
            } else if k.eq_ignore_ascii_case("accept-language") {
                accept_language = v;
            } else if k.eq_ignore_ascii_case("host") {
                host = v;
            } else if k.eq_ignore_ascii_case("if-none-match")
                || k.eq_ignore_ascii_case("if-modified-since")
                || k.eq_ignore_ascii_case("range")
                || k.eq_ignore_ascii_case("authorization")
                || (k.eq_ignore_ascii_case("cache-control") || k.eq_ignore_ascii_case("pragma"))
                    && v.to_ascii_lowercase().contains("no-cache")
            {
                return None;
            }
        }
        if req.target.starts_with("/assets/") {
            return Some((Cache::static_key(req.target, https), true));
        }
        // Pages are kept for logged-in readers only.
        if !cookie.contains(super::ctx::SESSION_COOKIE) {
            return None;
        }
        Some((Cache::page_key(&KeyParts { target: req.target, cookie, accept_language, host, https }), false))
    }

    /// The access log line of an answer given here (the handler logs its own).
    fn log(&self, req: &Incoming<'_>, started: Instant, status: u16, user: &str, from_cache: bool) {
        let address = super::address_of(&self.app, req.peer.ip(), req.header("X-Forwarded-For"));
        let id = super::next_request_id();
        super::access_log(
            &id,
            &address,
            req.method,
            req.target,
            started.elapsed().as_micros(),
            status,
            user,
            from_cache,
        );
    }

    /// Encodes and keeps a response the handler marked; `None` when it is not to be kept.
    fn keep(
        &self,
        key: String,
        is_static: bool,
        version: Option<i64>,
        resp: Response,
        user: &str,
    ) -> Result<Reply, Response> {
        let mark = resp.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(MARK)).map(|(_, v)| v.to_string());
        let valid_for = match (mark.as_deref(), is_static, version) {
            (Some("static"), true, _) => Duration::ZERO, // static entries never expire
            (Some(m), false, Some(_)) if resp.status_code == 200 => {
                let expires: i64 = match m.strip_prefix("page ").and_then(|e| e.parse().ok()) {
                    Some(e) => e,
                    None => return Err(resp),
                };
                let left = expires - crate::clock::now();
                if left <= 0 {
                    return Err(resp);
                }
                PAGE_TTL.min(Duration::from_secs(left as u64))
            }
            _ => return Err(resp),
        };
        if resp.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("Set-Cookie")) {
            return Err(resp);
        }
        let status = resp.status_code;
        let Some((bytes, status_end, head_end)) = encode_whole(resp) else {
            // Our marked responses are in memory; a body that cannot be read is a bug.
            super::log_line("-", "a cacheable response could not be encoded");
            return Err(super::security_headers(Response::text("Internal error\n").with_status_code(500), false));
        };
        let version = if is_static { None } else { version };
        self.cache.put(key, bytes.clone(), status_end, head_end, status, user.to_string(), version, valid_for);
        Ok(Reply::Encoded { bytes, status_end, head_end })
    }
}

/// A response encoded whole, as kept in the cache: the bytes (without `Date`), where the
/// status line ends and where the body starts. `None` when its size is unknown or its body
/// cannot be read.
fn encode_whole(resp: Response) -> Option<(Arc<[u8]>, usize, usize)> {
    let (mut bytes, status_end, mut reader, size, close) = proxy::encode_head(resp, false);
    let head_end = bytes.len();
    let size = size.filter(|_| !close)?;
    bytes.reserve_exact(size);
    std::io::Read::read_to_end(&mut reader, &mut bytes).ok()?;
    (bytes.len() == head_end + size).then(|| (bytes.into(), status_end, head_end))
}

impl Front {
    /// A login while every bcrypt slot is busy waits for a free one — asleep, up to
    /// [`LOGIN_WAIT`] — and is then either handled as usual or refused from its head with the
    /// kept `429` page: no form parsing, no CSRF check, no rendering. A login flood thus sends
    /// at most one request per connection and second through, and costs other pages little;
    /// a person who logs in while others do mostly just waits a moment. The handler checks
    /// the gate again for everything that gets through.
    fn login_busy(&self, req: &Incoming<'_>, https: bool, started: Instant) -> Option<Reply> {
        if req.method != "POST" || !(req.target == "/login" || req.target == "/staff/login") {
            return None;
        }
        let gate = &self.app.hash_gate;
        while gate.is_full() && started.elapsed() < LOGIN_WAIT {
            std::thread::sleep(Duration::from_millis(10));
        }
        if !gate.is_full() {
            return None;
        }
        let lang = super::ctx::language_of(&self.app, req.header("Cookie"), req.header("Accept-Language"));
        let key = format!("B{}{}{}", lang.code(), if https { 's' } else { '-' }, req.target);
        let hit = match self.cache.get(&key, None) {
            Some(hit) => hit,
            None => {
                let (bytes, status_end, head_end) = encode_whole(super::login_busy_response(&self.app, lang, https))?;
                self.cache.put(key, bytes.clone(), status_end, head_end, 429, String::new(), None, Duration::ZERO);
                self.log(req, started, 429, "", false);
                return Some(Reply::Encoded { bytes, status_end, head_end });
            }
        };
        self.log(req, started, hit.status, "", true);
        Some(Reply::Encoded { bytes: hit.bytes.clone(), status_end: hit.status_end, head_end: hit.head_end })
    }
}

impl Dispatch for Front {
    fn dispatch(&self, req: Incoming<'_>) -> Reply {
        let started = Instant::now();
        let https = super::https_of(&self.app, req.peer.ip(), req.header("X-Forwarded-Proto"));
        if let Some(busy) = self.login_busy(&req, https, started) {
            return busy;
        }
        let key = self.key(&req, https);
        // The version is read before the handler runs: a commit while it renders makes the
        // entry unusable instead of stale.
        let version = match &key {
            Some((_, false)) => self.app.data_version(),
            _ => None,
        };
        if let Some((k, is_static)) = &key {
            if *is_static || version.is_some() {
                if let Some(hit) = self.cache.get(k, version) {
                    self.log(&req, started, hit.status, &hit.user, true);
                    return Reply::Encoded {
                        bytes: hit.bytes.clone(),
                        status_end: hit.status_end,
                        head_end: hit.head_end,
                    };
                }
            }
        }
        let headers: Vec<(String, String)> = req.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (method, target, peer) = (req.method.to_string(), req.target.to_string(), req.peer);
        let rq = Request::fake_http_from(peer, method, target, headers, req.body);
        let resp = {
            let _slot = self.slots.enter();
            (self.handler)(&rq)
        };
        let Some((k, is_static)) = key else {
            return Reply::Response(resp);
        };
        if !is_static && version.is_none() {
            return Reply::Response(resp);
        }
        let user = resp
            .headers
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(super::USER_HEADER))
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        match self.keep(k, is_static, version, resp, &user) {
            Ok(reply) => reply,
            Err(resp) => Reply::Response(resp),
        }
    }
}
