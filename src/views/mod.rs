//! HTML, with maud: pure functions of view models. User text reaches HTML only through maud
//! splices (escaped); `PreEscaped` is used for constants only.

pub mod account;
pub mod api_tokens;
pub mod audit_words;
pub mod contacts;
pub mod contingents;
pub mod errors;
pub mod export;
pub mod first_steps;
pub mod hotline;
pub mod import;
pub mod inbox;
pub mod links;
pub mod login;
pub mod mail;
pub mod settings;
pub mod snippets;
pub mod staff;
pub mod ticket_people;
pub mod tickets;
pub mod time;
pub mod totp;

use maud::{html, Markup, DOCTYPE};

use crate::error::FieldErrors;
use crate::i18n::{m, Lang, Msg};
use crate::model::{Priority, Status};

/// Text spliced into markup and escaped exactly as maud escapes it (`&`, `<`, `>`, `"`), but
/// copied a run of plain bytes at a time instead of byte by byte: maud's escaping was a quarter
/// of the instructions of a ticket with 1,000 activities, almost all of it their bodies. Used
/// for the long texts (activity bodies); everything else keeps maud's own.
pub struct Text<'a>(pub &'a str);

/// Writes nothing and makes room for `self.0` more bytes in the buffer maud renders into: at
/// the start of a list that grows a page by kilobytes, one allocation of about the right size
/// instead of the buffer doubling (and being copied) several times as it fills.
pub struct Reserve(pub usize);

impl maud::Render for Reserve {
    fn render_to(&self, out: &mut String) {
        out.reserve(self.0);
    }
}

/// The bytes maud escapes (`&`, `<`, `>`, `"`).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t
};

/// The position of the first byte from `from` on that maud escapes. Eight bytes at a time:
/// the four are `"` (0x22) and `&` (0x26), which differ only in bit 2, and `<` (0x3C) and `>`
/// (0x3E), which differ only in bit 1; a word has such a byte iff one of the two masked words
/// has a zero byte after the XOR (`(x - 0x01…) & !x & 0x80…` is exact for "has a zero byte").
/// A byte at a time through [`SPECIAL`] this was 9 % of a ticket with 1,000 activities.
fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    const LO: u64 = u64::from_ne_bytes([0x01; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI != 0;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_ne_bytes(word);
        let quote_amp = (v & !u64::from_ne_bytes([0x04; 8])) ^ u64::from_ne_bytes([0x22; 8]);
        let angles = (v & !u64::from_ne_bytes([0x02; 8])) ^ u64::from_ne_bytes([0x3C; 8]);
        if has_zero(quote_amp) || has_zero(angles) {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| SPECIAL[b as usize]).map(|i| at + i)
}

impl maud::Render for Text<'_> {
    fn render_to(&self, out: &mut String) {
        let s = self.0;
        let bytes = s.as_bytes();
        // The common case, text with nothing to escape, is one scan and one copy.
        let Some(mut at) = next_special(bytes, 0) else {
            out.push_str(s);
            return;
        };
        out.reserve(s.len() + 8);
        let mut plain = 0;
        loop {
            let entity = match bytes[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                _ => "&quot;",
            };
            // The special bytes are ASCII: `at` is always a character boundary.
            out.push_str(&s[plain..at]);
            out.push_str(entity);
            plain = at + 1;
            match next_special(bytes, plain) {
                Some(next) => at = next,
                None => break,
            }
        }
        out.push_str(&s[plain..]);
    }
}

/// Appends `s` to `out`, escaped as maud escapes a splice ([`Text`]): for hand-written
/// partials that write straight into the page's buffer instead of returning a `Markup` each.
pub fn esc(out: &mut String, s: &str) {
    maud::Render::render_to(&Text(s), out);
}

/// Appends what `write` writes to `out`, escaped as [`esc`] would escape it, without a `String`
/// of its own for the common case: written in place, then escaped only if it needs it (dates
/// and numbers never do).
pub fn esc_with(out: &mut String, write: impl FnOnce(&mut String)) {
    let start = out.len();
    write(out);
    if out.as_bytes()[start..].iter().any(|&b| SPECIAL[b as usize]) {
        let raw = out.split_off(start);
        esc(out, &raw);
    }
}

/// Who is shown in the header.
#[derive(Debug, Clone)]
pub struct UserBox {
    pub name: String,
    /// The logged-in contact of a customer (`None`: the main account, or staff): the timeline
    /// says "Sie"/"You" for this person's own activities.
    pub person: Option<i64>,
    pub customer_no: Option<String>,
    pub staff: bool,
    pub admin: bool,
}

/// The view model of the page frame: header, language switch, footer. Plain data, filled by
/// `web` from the config, the theme and the session.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub site_title: String,
    pub logo_url: Option<String>,
    pub theme_url: String,
    /// The hashed URLs of the embedded stylesheet, script and icon.
    pub css_url: String,
    pub js_url: String,
    pub icon_url: String,
    pub user: Option<UserBox>,
    /// The current URL, for the language switch.
    pub path: String,
    pub csrf: Option<String>,
    pub imprint_url: Option<String>,
    pub privacy_url: Option<String>,
    pub login_text: Option<String>,
    /// Customers see time spent (and their time statement).
    pub show_time: bool,
    /// The hotline view is on.
    pub hotline: bool,
    /// An SMTP relay is configured: the admins' outbox is in the navigation.
    pub mail: bool,
    /// Upload limits, for the hint under file inputs.
    pub max_file_bytes: u64,
    pub max_files: usize,
    /// All files of one request together (`max_request_bytes`), for the script's check.
    pub max_request_bytes: u64,
}

impl Chrome {
    pub fn t(&self, msg: Msg) -> &'static str {
        self.lang.t(msg)
    }

    pub fn f(&self, msg: Msg, args: &[(&str, &str)]) -> String {
        self.lang.f(msg, args)
    }

    /// The current URL with `lang` set.
    pub fn lang_url(&self, lang: Lang) -> String {
        // The other parameters as they are, `lang` last; written straight into one string.
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let mut url = String::with_capacity(self.path.len() + 9);
        url.push_str(path);
        url.push('?');
        for pair in query.split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")) {
            url.push_str(pair);
            url.push('&');
        }
        url.push_str("lang=");
        url.push_str(lang.code());
        url
    }
}

/// The one page frame.
pub fn layout(c: &Chrome, title: &str, notice: Option<Msg>, content: Markup) -> Markup {
    layout_with(c, title, notice, content.0.len(), &content)
}

/// Content in pieces, rendered one after the other into the buffer they are spliced into.
pub struct Parts<'a>(pub &'a [&'a dyn maud::Render]);

impl maud::Render for Parts<'_> {
    fn render_to(&self, out: &mut String) {
        for part in self.0 {
            part.render_to(out);
        }
    }
}

/// [`layout`] around content that writes itself into the frame's buffer (a hand-written
/// [`maud::Render`], or [`Parts`]), so a long page is not copied into its frame; `size`: about
/// the content's length.
pub fn layout_with(c: &Chrome, title: &str, notice: Option<Msg>, size: usize, content: &dyn maud::Render) -> Markup {
    let staff = c.user.as_ref().is_some_and(|u| u.staff);
    html! {
        // The frame around the content is a few kilobytes: room for all of it at once.
        (Reserve(size + 8192))
        (DOCTYPE)
        html lang=(c.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="referrer" content="same-origin";
                title { (Text(title)) " – " (Text(&c.site_title)) }
                link rel="stylesheet" href=(Text(&c.css_url));
                link rel="stylesheet" href=(Text(&c.theme_url));
                link rel="icon" href=(Text(&c.icon_url)) type="image/svg+xml";
                script src=(Text(&c.js_url)) defer {}
            }
            body class=[staff.then_some("staff")] {
                a.skip-link href="#main" { (Text(c.t(m::SKIP_TO_CONTENT))) }
                (header(c))
                main #main tabindex="-1" {
                    @if let Some(n) = notice {
                        div.notice.success role="status" { (c.t(n)) }
                    }
                    (content)
                }
                (footer(c))
            }
        }
    }
}

fn header(c: &Chrome) -> Markup {
    let staff = c.user.as_ref().is_some_and(|u| u.staff);
    let home = if staff { "/staff/tickets" } else { "/tickets" };
    html! {
        header.topbar {
            div.topbar-inner {
                a.brand href=(home) {
                    @if let Some(logo) = &c.logo_url {
                        img.brand-logo src=(logo) alt="" width="32" height="32";
                    } @else {
                        span.brand-mark aria-hidden="true" { "✓" }
                    }
                    span.brand-title { (Text(&c.site_title)) }
                    @if staff { span.brand-area { (Text(c.t(m::STAFF_AREA))) } }
                }
                @if let Some(u) = &c.user {
                    nav.mainnav aria-label=(Text(c.t(m::MAIN_NAV))) {
                        @if u.staff {
                            a href="/staff/tickets" aria-current=[c.path.starts_with("/staff/tickets").then_some("page")] { (Text(c.t(m::STAFF_QUEUE))) }
                            a href="/staff/customers" aria-current=[c.path.starts_with("/staff/customers").then_some("page")] { (Text(c.t(m::NAV_CUSTOMERS))) }
                            // Held incoming mail (`/staff/inbox`, the mail-in feature).
                            a href="/staff/inbox" aria-current=[c.path.starts_with("/staff/inbox").then_some("page")] { (Text(c.t(m::NAV_INBOX))) }
                            @if c.hotline {
                                a href="/staff/hotline" aria-current=[c.path.starts_with("/staff/hotline").then_some("page")] { (Text(c.t(m::NAV_HOTLINE))) }
                            }
                            @if u.admin {
                                a href="/admin/staff" aria-current=[c.path.starts_with("/admin/staff").then_some("page")] { (Text(c.t(m::NAV_STAFF))) }
                                a href="/admin/audit" aria-current=[c.path.starts_with("/admin/audit").then_some("page")] { (Text(c.t(m::NAV_AUDIT))) }
                                // Always: without a relay the outbox says so (issue 19: admins did not find it).
                                a href="/admin/outbox" aria-current=[c.path.starts_with("/admin/outbox").then_some("page")] { (Text(c.t(m::NAV_OUTBOX))) }
                                // API tokens (issue 21).
                                a href="/admin/api-tokens" aria-current=[c.path.starts_with("/admin/api-tokens").then_some("page")] { (Text(c.t(m::API_TOKENS))) }
                                // Settings in the browser (issue 25).
                                a href="/admin/settings" aria-current=[c.path.starts_with("/admin/settings").then_some("page")] { (Text(c.t(m::SETTINGS_TITLE))) }
                            }
                        } @else {
                            a href="/tickets" aria-current=[(c.path == "/tickets" || c.path.starts_with("/tickets?")).then_some("page")] { (Text(c.t(m::NAV_TICKETS))) }
                            a href="/tickets/new" aria-current=[c.path.starts_with("/tickets/new").then_some("page")] { (Text(c.t(m::NAV_NEW_TICKET_SHORT))) }
                            @if c.show_time {
                                a href="/account/time" aria-current=[c.path.starts_with("/account/time").then_some("page")] { (Text(c.t(m::NAV_TIME))) }
                            }
                            a href="/account" aria-current=[(c.path == "/account" || c.path.starts_with("/account/password")).then_some("page")] { (Text(c.t(m::NAV_ACCOUNT))) }
                        }
                    }
                }
                div.topbar-tools {
                    @if let Some(u) = &c.user {
                        div.userbox {
                            @if u.staff {
                                a.user-name href="/staff/account" title=(Text(c.t(m::ACCOUNT_TITLE))) { (u.name) }
                            } @else {
                                span.user-name { (u.name) }
                            }
                            @if let Some(no) = &u.customer_no {
                                span.customer-no data-customer-no=(no) {
                                    span.label { (Text(c.t(m::CUSTOMER_NO))) " " }
                                    (no)
                                }
                            }
                        }
                    }
                    (lang_switch(c))
                    @if let (Some(u), Some(csrf)) = (&c.user, &c.csrf) {
                        form.logout method="post" action=(if u.staff { "/staff/logout" } else { "/logout" }) {
                            input type="hidden" name="csrf" value=(Text(csrf));
                            button.btn.btn-quiet type="submit" { (Text(c.t(m::LOGOUT))) }
                        }
                    }
                }
            }
        }
    }
}

fn lang_switch(c: &Chrome) -> Markup {
    html! {
        nav.lang-switch aria-label=(Text(c.t(m::LANGUAGE))) {
            @for (l, label) in [(Lang::De, "DE"), (Lang::En, "EN")] {
                @let name = if l == Lang::De { m::LANG_DE.de } else { m::LANG_EN.en };
                a href=(Text(&c.lang_url(l))) hreflang=(Text(l.code())) lang=(Text(l.code())) title=(Text(name))
                    aria-current=[(c.lang == l).then_some("true")] {
                    span aria-hidden="true" { (label) }
                    span.visually-hidden { (Text(name)) }
                }
            }
        }
    }
}

fn footer(c: &Chrome) -> Markup {
    html! {
        footer.site-footer {
            div.footer-inner {
                span { (Text(&c.site_title)) }
                @if let Some(u) = &c.imprint_url { a href=(u) { (Text(c.t(m::IMPRINT))) } }
                @if let Some(u) = &c.privacy_url { a href=(u) { (Text(c.t(m::PRIVACY))) } }
                span.powered { (Text(c.t(m::FOOTER_POWERED))) }
            }
        }
    }
}

pub fn status_badge(lang: Lang, s: Status, staff: bool) -> Markup {
    let label = if staff { s.staff_label() } else { s.label() };
    html! { span class={ "badge status status-" (s.as_str()) } { span.dot aria-hidden="true" {} (lang.t(label)) } }
}

pub fn priority_badge(lang: Lang, p: Priority) -> Markup {
    html! { span class={ "badge prio prio-" (p.as_str()) } { (lang.t(p.label())) } }
}

/// The message under a field, with an id for `aria-describedby`.
pub fn field_error(lang: Lang, errors: &FieldErrors, name: &str) -> Markup {
    html! {
        @if let Some(e) = errors.get(name) {
            @let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            p.field-error id={ "err-" (name) } { (lang.f(e.msg, &args)) }
        }
    }
}

/// `aria-describedby` for a field: its error and its help, where present.
pub fn described_by(errors: &FieldErrors, name: &str, help: bool) -> Option<String> {
    let mut ids = Vec::new();
    if errors.get(name).is_some() {
        ids.push(format!("err-{name}"));
    }
    if help {
        ids.push(format!("help-{name}"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The summary at the top of a form that failed validation, announced to screen readers.
pub fn error_summary(lang: Lang, errors: &FieldErrors) -> Markup {
    html! {
        div.form-errors aria-live="assertive" {
            @if !errors.is_empty() {
                p.notice.error role="alert" { (Text(lang.t(m::ERR_FORM))) }
            }
        }
    }
}

/// Previous/next links with a page count.
pub fn pagination(lang: Lang, base: &str, page: usize, total: i64, page_size: usize) -> Markup {
    pagination_after(lang, base, page, total, page_size, None, true)
}

/// [`pagination`] whose "next" link also carries the last row's sort key (`after=`, issue 24),
/// so the next page is read on from there; the page number stays in the link for the count.
/// `more`: rows follow this page (a short page is the last, whatever the total says after
/// tickets arrived since the first page).
pub fn pagination_after(
    lang: Lang,
    base: &str,
    page: usize,
    total: i64,
    page_size: usize,
    next_after: Option<String>,
    more: bool,
) -> Markup {
    let after = next_after.map(|k| format!("&after={k}")).unwrap_or_default();
    let pages = ((total.max(0) as usize).div_ceil(page_size.max(1))).max(1);
    let sep = if base.contains('?') { "&" } else { "?" };
    html! {
        @if pages > 1 {
            nav.pagination aria-label=(Text(lang.t(m::PAGINATION))) {
                @if page > 1 {
                    a.btn.btn-quiet rel="prev" href={ (base) (sep) "page=" (page - 1) } { "← " (Text(lang.t(m::PAGE_PREV))) }
                }
                span.page-of { (lang.f(m::PAGE_OF, &[("page", &page.min(pages).to_string()), ("pages", &pages.to_string())])) }
                @if page < pages && more {
                    a.btn.btn-quiet rel="next" href={ (base) (sep) "page=" (page + 1) (after) } { (Text(lang.t(m::PAGE_NEXT))) " →" }
                }
            }
        }
    }
}

/// A query string from pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        push_pair(&mut out, k, v);
    }
    out
}

/// [`query_string`] of borrowed values: written into one `String`, no `String` per value (the
/// staff queue builds a dozen of these per page).
pub fn query_string_of(pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(64);
    for (k, v) in pairs {
        push_pair(&mut out, k, v);
    }
    out
}

/// `k=v` (encoded) after a `&` when `out` has pairs already; nothing for an empty value.
fn push_pair(out: &mut String, k: &str, v: &str) {
    if v.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(k);
    out.push('=');
    crate::model::push_url_encoded(out, v);
}

#[cfg(test)]
mod text_tests {
    use super::Text;
    use maud::html;

    #[test]
    fn text_is_escaped_exactly_as_maud_escapes() {
        for s in ["", "plain", "<script>alert(\"x\")</script>", "a & b &amp; c", "Grüße > „Zitat“ <", "\"", "&<>\"'"]
        {
            assert_eq!(html! { (Text(s)) }.into_string(), html! { (s) }.into_string(), "{s:?}");
            let mut out = String::from("x");
            super::esc_with(&mut out, |o| o.push_str(s));
            assert_eq!(out, format!("x{}", html! { (s) }.into_string()), "{s:?}");
        }
        // Every special byte at every position of a word and across words, beside multi-byte
        // characters and bytes that differ from the specials in one bit ('$', '.', '<'^1 …).
        let pieces = ["a", "ä", "€", "&", "<", ">", "\"", "'", "$", ".", "=", "?", ":", ">", "~", "\u{80}"];
        let mut seed = 7u32;
        for len in 0..80 {
            let mut s = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                s.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            assert_eq!(html! { (Text(&s)) }.into_string(), html! { (s) }.into_string(), "{s:?}");
        }
        for n in 0..20 {
            for special in ["&", "<", ">", "\""] {
                let s = format!("{}{special}{}", "x".repeat(n), "y".repeat(n));
                assert_eq!(html! { (Text(&s)) }.into_string(), html! { (s) }.into_string(), "{s:?}");
            }
        }
    }
}

#[cfg(test)]
mod chrome_tests {
    use super::Chrome;
    use crate::i18n::Lang;

    /// The language switch's links, as they were built before (pairs collected and joined).
    fn joined(path: &str, lang: Lang) -> String {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut pairs: Vec<String> =
            query.split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).map(str::to_string).collect();
        pairs.push(format!("lang={}", lang.code()));
        format!("{path}?{}", pairs.join("&"))
    }

    #[test]
    fn language_links_keep_the_other_parameters() {
        for path in [
            "/",
            "/tickets",
            "/tickets?",
            "/tickets?lang=en",
            "/tickets?year=2026&month=5&lang=de&x",
            "/s?&&a=1&&lang=&lang=en&b=%20",
            "/?langx=1&lang",
            "/staff/tickets?status=active&assignee=mine",
        ] {
            for lang in [Lang::De, Lang::En] {
                let c = Chrome {
                    lang,
                    site_title: String::new(),
                    logo_url: None,
                    theme_url: String::new(),
                    css_url: String::new(),
                    js_url: String::new(),
                    icon_url: String::new(),
                    user: None,
                    path: path.into(),
                    csrf: None,
                    imprint_url: None,
                    privacy_url: None,
                    login_text: None,
                    show_time: false,
                    hotline: false,
                    mail: false,
                    max_file_bytes: 0,
                    max_files: 0,
                    max_request_bytes: 0,
                };
                assert_eq!(c.lang_url(lang), joined(path, lang), "{path}");
            }
        }
    }
}
