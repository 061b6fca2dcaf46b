//! Per-request context: language, session, CSRF, cookies to set, flash message.

use rouille::{Request, Response};

use crate::app::sessions::{self, Session};
use crate::app::App;
use crate::assets;
use crate::auth;
use crate::config::HotlineMode;
use crate::error::{Error, Result};
use crate::i18n::{m, Lang, Msg};
use crate::model::{Customer, Form, Principal, Role, StaffMember};
use crate::views::{Chrome, UserBox};

pub const SESSION_COOKIE: &str = "ticketd_session";
pub const CSRF_COOKIE: &str = "ticketd_csrf";
pub const LANG_COOKIE: &str = "ticketd_lang";
pub const FLASH_COOKIE: &str = "ticketd_flash";
/// A login waiting for its TOTP code (`/staff/login/2fa`); no session.
pub const PENDING_2FA_COOKIE: &str = "ticketd_2fa";

pub struct Ctx<'a> {
    pub app: &'a App,
    pub req: &'a Request,
    pub request_id: String,
    pub lang: Lang,
    pub session: Option<Session>,
    pub https: bool,
    pub address: String,
    /// The request's path, percent-decoded (rouille's `url()`, taken once).
    pub path: std::rc::Rc<str>,
    /// The cookies this context reads, found in one pass over the `Cookie` header.
    cookies: RequestCookies<'a>,
    anon_csrf: Option<String>,
    flash: Option<Msg>,
    set_cookies: Vec<String>,
    /// The handler said its page is a pure read of the database: it may carry an `ETag`.
    etag: bool,
    /// A staff member who must use 2FA (`[security] require_2fa`) and has not enrolled.
    must_enrol_2fa: bool,
    /// The API token that authenticated this request (`api:<name>`), for the access log.
    pub api_user: Option<String>,
}

/// A cookie's name on the wire: over HTTPS with the `__Host-` prefix, which browsers accept
/// only with `Secure`, `Path=/` and no `Domain`, so a sibling subdomain cannot plant it (e.g. a
/// pre-login CSRF token). Over HTTPS only the prefixed name is read, over HTTP only the plain one.
fn cookie_name(name: &str, https: bool) -> String {
    if https {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

fn cookie<'r>(app: &App, req: &'r Request, name: &str) -> Option<&'r str> {
    find_cookie(req.header("Cookie").unwrap_or(""), name, super::is_https(app, req))
}

/// The value of cookie `name` in a `Cookie` header (its `__Host-` name over HTTPS, see
/// [`cookie_name`]): the first pair with that name, read as rouille's `input::cookies` reads
/// pairs (split at `;`, then at the first `=`, both sides trimmed, quotes around the value
/// dropped). Borrows from the header; nothing is allocated.
pub fn find_cookie<'h>(header: &'h str, name: &str, https: bool) -> Option<&'h str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let k = k.trim();
        let wanted = if https { k.strip_prefix("__Host-") == Some(name) } else { k == name };
        wanted.then(|| v.trim().trim_matches('"'))
    })
}

/// The cookies a request context reads, from one pass over the `Cookie` header.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RequestCookies<'h> {
    pub session: Option<&'h str>,
    pub csrf: Option<&'h str>,
    pub lang: Option<&'h str>,
    pub flash: Option<&'h str>,
    pub pending_2fa: Option<&'h str>,
}

impl<'h> RequestCookies<'h> {
    /// Each one as [`find_cookie`] finds it (the first pair of its name wins).
    pub fn parse(header: &'h str, https: bool) -> RequestCookies<'h> {
        let mut c = RequestCookies::default();
        for pair in header.split(';') {
            let Some((k, v)) = pair.split_once('=') else { continue };
            let k = k.trim();
            let k = if https {
                match k.strip_prefix("__Host-") {
                    Some(k) => k,
                    None => continue,
                }
            } else {
                k
            };
            let slot = match k {
                SESSION_COOKIE => &mut c.session,
                CSRF_COOKIE => &mut c.csrf,
                LANG_COOKIE => &mut c.lang,
                FLASH_COOKIE => &mut c.flash,
                PENDING_2FA_COOKIE => &mut c.pending_2fa,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.trim().trim_matches('"'));
            }
        }
        c
    }
}

/// `?lang=`, then the cookie, then `Accept-Language`, then `default_language`.
pub fn negotiate_language(app: &App, req: &Request) -> Lang {
    language_of(app, req, lang_param(req), cookie(app, req, LANG_COOKIE))
}

/// A valid `?lang=` of the request (no query string: nothing parsed, nothing allocated).
fn lang_param(req: &Request) -> Option<Lang> {
    if req.raw_query_string().is_empty() {
        return None;
    }
    req.get_param("lang").and_then(|l| Lang::parse(&l))
}

/// [`negotiate_language`] from the parameter and the cookie, already read.
fn language_of(app: &App, req: &Request, param: Option<Lang>, cookie: Option<&str>) -> Lang {
    param
        .or_else(|| cookie.and_then(Lang::parse))
        .or_else(|| req.header("Accept-Language").and_then(Lang::from_accept_language))
        .unwrap_or(app.default_lang)
}

impl<'a> Ctx<'a> {
    /// `address`: the client's, as [`super::client_address`] gives it.
    pub fn new(app: &'a App, req: &'a Request, request_id: &str, address: String) -> Result<Ctx<'a>> {
        let https = super::is_https(app, req);
        let cookies = RequestCookies::parse(req.header("Cookie").unwrap_or(""), https);
        let param = lang_param(req);
        let lang = language_of(app, req, param, cookies.lang);
        // The decoded path, once: rouille decodes it into a new `String` at each `url()`.
        let path: std::rc::Rc<str> = req.url().into();
        // Assets and the health check never need to know who asks: no session lookup there.
        // Nor does the API (issue 21): a bearer token, no cookies, no CSRF.
        let api = super::api::is_api(&path);
        let sessionless = path.starts_with("/assets/") || &*path == "/healthz" || api;
        let session = match cookies.session.filter(|_| !sessionless) {
            Some(token) => sessions::resolve(app, token)?,
            None => None,
        };
        let anon_csrf = cookies
            .csrf
            .filter(|_| !api)
            .filter(|t| t.len() == 48 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_string);
        let flash = cookies.flash.filter(|_| !api).and_then(|k| m::ALL.iter().find(|msg| msg.key == k).copied());
        let mut ctx = Ctx {
            app,
            req,
            request_id: request_id.to_string(),
            lang,
            session,
            https,
            address,
            path,
            cookies,
            anon_csrf,
            flash,
            set_cookies: Vec::new(),
            etag: false,
            must_enrol_2fa: false,
            api_user: None,
        };
        if let Some(Principal::Staff(s)) = ctx.session.as_ref().map(|s| &s.principal) {
            ctx.must_enrol_2fa = crate::app::totp::must_enrol(app, s)?;
        }
        if ctx.flash.is_some() && req.method() == "GET" {
            ctx.clear_cookie(FLASH_COOKIE);
        }
        if let Some(l) = param.filter(|_| !api) {
            ctx.set_cookie(LANG_COOKIE, l.code(), Some(365 * 24 * 3600));
            if let Some(s) = &ctx.session {
                // Remembered for e-mails; failing to store it must not fail the page.
                let _ = crate::app::account::set_language(app, &s.principal, l);
            }
        }
        Ok(ctx)
    }

    pub fn query(&self, name: &str) -> Option<String> {
        self.req.get_param(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    pub fn customer(&self) -> Result<&Customer> {
        match self.session.as_ref().map(|s| &s.principal) {
            Some(Principal::Customer(c)) => Ok(c),
            _ => Err(Error::LoginRequired { login_path: "/login", next: self.req.raw_url().to_string() }),
        }
    }

    /// A staff member who may work: one with a one-time password is sent to change it first,
    /// one who must enrol in 2FA to `/staff/account/2fa`.
    pub fn staff(&self) -> Result<&StaffMember> {
        let s = self.staff_without_2fa()?;
        if self.must_enrol_2fa {
            return Err(Error::LoginRequired { login_path: "/staff/account/2fa", next: String::new() });
        }
        Ok(s)
    }

    /// Like [`Ctx::staff`], but also for someone who still has to enrol in 2FA.
    pub fn staff_without_2fa(&self) -> Result<&StaffMember> {
        let s = self.staff_even_with_one_time_password()?;
        if s.must_change_password {
            // The page asked for comes back after the change (issue 19); a POST cannot.
            let next = if self.req.method() == "GET" { self.req.raw_url().to_string() } else { String::new() };
            return Err(Error::LoginRequired { login_path: "/staff/password", next });
        }
        Ok(s)
    }

    pub fn staff_even_with_one_time_password(&self) -> Result<&StaffMember> {
        match self.session.as_ref().map(|s| &s.principal) {
            Some(Principal::Staff(s)) => Ok(s),
            Some(Principal::Customer(_)) => Err(Error::Forbidden),
            None => Err(Error::LoginRequired { login_path: "/staff/login", next: self.req.raw_url().to_string() }),
        }
    }

    pub fn admin(&self) -> Result<&StaffMember> {
        let s = self.staff()?;
        if s.role != Role::Admin {
            return Err(Error::Forbidden);
        }
        Ok(s)
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The token forms must echo: the session's, or for anonymous forms (login) a cookie-bound one.
    pub fn csrf_token(&mut self) -> String {
        if let Some(s) = &self.session {
            return s.csrf.clone();
        }
        if let Some(t) = &self.anon_csrf {
            return t.clone();
        }
        let t = auth::random_hex(24).unwrap_or_default();
        self.set_cookie(CSRF_COOKIE, &t, None);
        self.anon_csrf = Some(t.clone());
        t
    }

    pub fn check_csrf(&self, form: &Form) -> Result<()> {
        let sent = form.get("csrf").unwrap_or("");
        let expected = match &self.session {
            Some(s) => s.csrf.as_str(),
            None => self.anon_csrf.as_deref().unwrap_or(""),
        };
        if sent.is_empty() || expected.is_empty() || !auth::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Err(Error::Csrf);
        }
        Ok(())
    }

    pub fn set_flash(&mut self, msg: Msg) {
        self.set_cookie(FLASH_COOKIE, msg.key, Some(60));
    }

    pub fn take_flash(&mut self) -> Option<Msg> {
        self.flash.take()
    }

    pub fn set_session_cookie(&mut self, token: &str) {
        self.set_cookie(SESSION_COOKIE, token, None);
    }

    pub fn pending_2fa_token(&self) -> Option<&str> {
        self.cookies.pending_2fa
    }

    pub fn set_pending_2fa_cookie(&mut self, token: &str) {
        self.set_cookie(PENDING_2FA_COOKIE, token, Some(300));
    }

    pub fn clear_pending_2fa_cookie(&mut self) {
        self.clear_cookie(PENDING_2FA_COOKIE);
    }

    pub fn clear_session_cookie(&mut self) {
        self.clear_cookie(SESSION_COOKIE);
    }

    fn set_cookie(&mut self, name: &str, value: &str, max_age: Option<u64>) {
        let name = cookie_name(name, self.https);
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        if self.https {
            c.push_str("; Secure");
        }
        self.set_cookies.retain(|s| !s.starts_with(&format!("{name}=")));
        self.set_cookies.push(c);
    }

    fn clear_cookie(&mut self, name: &str) {
        let name = cookie_name(name, self.https);
        let mut c = format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        if self.https {
            c.push_str("; Secure");
        }
        self.set_cookies.retain(|s| !s.starts_with(&format!("{name}=")));
        self.set_cookies.push(c);
    }

    /// The page being rendered only reads the database and shows nothing shown only once: it
    /// gets an `ETag`, and a matching `If-None-Match` is answered `304` without rendering.
    pub fn allow_etag(&mut self) {
        self.etag = true;
    }

    /// The `ETag` this request's page has while the database is at `version`: a hash of the
    /// version, everything the page may depend on (URL, the whole `Cookie` header with session,
    /// language and notices, `Accept-Language`, `Host`, HTTPS, today's date), keyed with a
    /// secret chosen at start, so a tag is only ever valid for the session and URL it was given
    /// to and tells nothing about the cookie. `None` unless a logged-in `GET`/`HEAD` that sets no
    /// cookie.
    ///
    /// The hash is SipHash-1-3 (std's `RandomState`: a keyed PRF, its 128-bit key drawn from the
    /// OS at start): a tag only has to change when its inputs do (64 bits: two versions of one
    /// page collide with probability 2⁻⁶⁴); SHA-256 in software over the same ~4 blocks, with
    /// its strings, was ~4 % of a small page.
    fn etag_for(&self, version: i64) -> Option<String> {
        use std::hash::{BuildHasher, Hasher};
        let get = matches!(self.req.method(), "GET" | "HEAD");
        if self.session.is_none() || !self.set_cookies.is_empty() || !get || self.cookies.session.is_none() {
            return None;
        }
        static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
        let mut h = KEY.get_or_init(std::collections::hash_map::RandomState::new).build_hasher();
        h.write_i64(version);
        for part in [
            self.req.raw_url(),
            self.req.header("Cookie").unwrap_or(""),
            self.req.header("Accept-Language").unwrap_or(""),
            self.req.header("Host").unwrap_or(""),
            if self.https { "s" } else { "-" },
        ] {
            // Length first: no two different lists of parts hash the same bytes.
            h.write_usize(part.len());
            h.write(part.as_bytes());
        }
        h.write_i32(today(self.app.tz));
        Some(format!("\"{:016x}\"", h.finish()))
    }

    /// `304 Not Modified` when the client already has this page as it is now.
    pub fn not_modified(&self, version: i64) -> Option<Response> {
        // The header first: most requests have none, and the tag is a hash.
        let sent = self.req.header("If-None-Match")?;
        let tag = self.etag_for(version)?;
        let matches = sent.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == tag || t == "*");
        matches.then(|| {
            Response::empty_204()
                .with_status_code(304)
                .with_unique_header("ETag", tag)
                .with_unique_header("Cache-Control", "private, no-cache")
        })
    }

    /// Adds the cookies this request decided on, and the `ETag` of a page that allowed one
    /// (`version`: the database's before the page was rendered), when it answers `200` with HTML
    /// and is not `no-store`.
    pub fn finish(&mut self, mut r: Response, version: Option<i64>) -> Response {
        let tagged = self.etag
            && r.status_code == 200
            && r.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("Content-Type") && v.starts_with("text/html"))
            && !r.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("Cache-Control") && v.contains("no-store"));
        if let Some(tag) = version.filter(|_| tagged).and_then(|v| self.etag_for(v)) {
            r = r.with_unique_header("ETag", tag).with_unique_header("Cache-Control", "private, no-cache");
        }
        for c in self.set_cookies.drain(..) {
            r.headers.push(("Set-Cookie".into(), c.into()));
        }
        r
    }

    /// For the access log.
    pub fn principal_label(&self) -> String {
        match self.session.as_ref().map(|s| &s.principal) {
            Some(Principal::Customer(c)) => crate::app::people::audit_name(c),
            Some(Principal::Staff(s)) => format!("staff:{}", s.username),
            None => String::new(),
        }
    }

    /// The page frame as if at `path` (a form re-rendered after a POST to another URL).
    pub fn chrome_at(&self, path: &str) -> Chrome {
        chrome(
            self.app,
            self.lang,
            self.session.as_ref().map(|s| &s.principal),
            path,
            self.session.as_ref().map(|s| s.csrf.clone()),
        )
    }

    /// The view model of the page frame.
    pub fn chrome(&self) -> Chrome {
        self.chrome_at(self.req.raw_url())
    }
}

/// The request path as a link target that stays on this site: `//host/x` or `/\\host/x` (which
/// a browser reads as another host) become `/host/x`.
fn local_path(path: &str) -> String {
    let rest = path.trim_start_matches(['/', '\\']);
    let mut out = String::with_capacity(rest.len() + 1);
    out.push('/');
    out.push_str(rest);
    out
}

/// The page frame's view model from the config, the theme and who is logged in.
pub fn chrome(app: &App, lang: Lang, principal: Option<&Principal>, path: &str, csrf: Option<String>) -> Chrome {
    // The embedded files and their hashes are fixed for the life of the process.
    static URLS: std::sync::OnceLock<[String; 3]> = std::sync::OnceLock::new();
    let urls = URLS.get_or_init(|| [assets::url("app.css"), assets::url("app.js"), assets::url("favicon.svg")]);
    let p = &app.config().portal;
    let user = principal.map(|pr| match pr {
        Principal::Customer(c) => {
            let (name, person) = (c.person_name().to_string(), c.contact_id());
            UserBox { name, person, customer_no: Some(c.customer_no.clone()), staff: false, admin: false }
        }
        Principal::Staff(s) => {
            UserBox { name: s.name.clone(), person: None, customer_no: None, staff: true, admin: s.role == Role::Admin }
        }
    });
    Chrome {
        lang,
        site_title: p.title.clone(),
        logo_url: app.theme().logo_url(),
        theme_url: app.theme().css_url(),
        css_url: urls[0].clone(),
        js_url: urls[1].clone(),
        icon_url: urls[2].clone(),
        user,
        path: local_path(path),
        csrf,
        imprint_url: p.imprint_url.clone(),
        privacy_url: p.privacy_url.clone(),
        login_text: p.login_text.clone(),
        show_time: p.show_time_spent,
        hotline: app.config().hotline.mode != HotlineMode::Off,
        mail: app.config().smtp.is_some(),
        max_file_bytes: app.config().attachments.max_file_bytes.0,
        max_files: app.config().attachments.max_files_per_request,
        max_request_bytes: app.config().attachments.max_request_bytes.0,
    }
}

/// Today's Julian day in `tz` (for the `ETag`), worked out once a second, not per request.
fn today(tz: &'static time_tz::Tz) -> i32 {
    use crate::sync::Unpoison;
    static LAST: std::sync::Mutex<(i64, usize, i32)> = std::sync::Mutex::new((i64::MIN, 0, 0));
    let now = crate::clock::now();
    let key = std::ptr::from_ref(tz) as usize;
    let mut last = LAST.lock().unpoisoned();
    if last.0 != now || last.1 != key {
        *last = (now, key, crate::clock::local(now, tz).date().to_julian_day());
    }
    last.2
}

/// A request whose page may be answered by its `ETag`: a `GET` or `HEAD` with a session cookie.
pub fn wants_etag(app: &App, req: &Request) -> bool {
    (req.method() == "GET" || req.method() == "HEAD") && cookie(app, req, SESSION_COOKIE).is_some()
}

/// `next` only ever leads to a local path.
pub fn safe_next(next: Option<&str>, default: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains("://")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_string()
        }
        _ => default.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{find_cookie, safe_next, RequestCookies};

    /// What rouille's `input::cookies` finds for `name` (how cookies were read before).
    fn rouille_way(header: &str, name: &str, https: bool) -> Option<String> {
        let name = if https { format!("__Host-{name}") } else { name.to_string() };
        header.split(';').find_map(|c| {
            let mut s = c.splitn(2, '=');
            let (k, v) = (s.next()?, s.next()?);
            (k.trim() == name).then(|| v.trim().trim_matches('"').to_string())
        })
    }

    #[test]
    fn cookies_are_read_in_one_pass_as_before() {
        let names = ["ticketd_session", "ticketd_csrf", "ticketd_lang", "ticketd_flash", "ticketd_2fa"];
        for header in [
            "",
            "ticketd_session=abc",
            "ticketd_session=abc; ticketd_lang=en",
            " ticketd_session = \"abc\" ;ticketd_csrf=x=y; ticketd_flash",
            "ticketd_session=first; ticketd_session=second",
            "__Host-ticketd_session=s; ticketd_session=plain; __Host-ticketd_lang=de",
            "other=1; ticketd_sessionx=no; xticketd_session=no; ticketd_2fa=p;;",
            "__Host-ticketd_2fa=; ticketd_flash=saved",
            "=v; ticketd_lang",
        ] {
            for https in [false, true] {
                let c = RequestCookies::parse(header, https);
                let got = [c.session, c.csrf, c.lang, c.flash, c.pending_2fa];
                for (name, got) in names.iter().zip(got) {
                    let want = rouille_way(header, name, https);
                    assert_eq!(got.map(str::to_string), want, "{header:?} {name} https={https}");
                    assert_eq!(find_cookie(header, name, https).map(str::to_string), want, "{header:?} {name}");
                }
            }
        }
    }

    #[test]
    fn next_stays_local() {
        for (input, want) in [
            (Some("/tickets/2026-00001"), "/tickets/2026-00001"),
            (Some("//evil.example/x"), "/tickets"),
            (Some("https://evil.example"), "/tickets"),
            (Some("/\\evil.example"), "/tickets"),
            (Some("/x\r\nSet-Cookie: a=b"), "/tickets"),
            (Some("tickets"), "/tickets"),
            (None, "/tickets"),
        ] {
            assert_eq!(safe_next(input, "/tickets"), want, "{input:?}");
        }
    }
}
