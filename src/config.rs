//! Configuration: built-in defaults, an optional TOML file, two environment overrides, and
//! `validate()`, which fails fast and names the offending key.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Lang;
use crate::mail::{Inbound, Smtp};
use crate::model::{Field, FieldType};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub listen: String,
    pub database: PathBuf,
    /// Who else copies the database continuously; see [`Replication`].
    pub replication: Replication,
    pub base_url: Option<String>,
    pub trusted_proxies: Vec<String>,
    pub time_zone: String,
    pub default_language: String,
    /// Request worker threads; 0 = 8 per core.
    pub workers: usize,
    pub security: Security,
    pub limits: Limits,
    pub portal: Portal,
    pub hotline: Hotline,
    pub attachments: Attachments,
    pub fields: Vec<Field>,
    pub smtp: Option<Smtp>,
    pub notifications: Notifications,
    pub inbound: Inbound,
    pub workflow: Workflow,
    pub contingents: Contingents,
    pub api: Api,
    /// `[[webhooks]]` (issue 21): JSON POSTs about tickets, activities and customers.
    pub webhooks: Vec<Webhook>,
    /// The dotted keys the file sets (`portal.title`, …), for `ticketd config show` and the
    /// settings pages' "source" column; empty without a file.
    #[serde(skip)]
    pub file_keys: Vec<String>,
    /// `[[fields]]` marked `retired`: in no form, kept so their stored values keep a meaning
    /// (see [`Config::split_retired`]); `fields` holds only the active ones.
    #[serde(skip)]
    pub retired_fields: Vec<Field>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    pub bcrypt_cost: u32,
    /// Concurrent password hashes allowed; 0 = one per core. Beyond it logins get 429.
    pub max_concurrent_logins: usize,
    pub session_idle_minutes: u64,
    pub session_max_hours: u64,
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_address: u32,
    pub login_lockout_minutes: u64,
    pub min_password_length: usize,
    /// Largest urlencoded form body (bytes); multipart bodies follow `[attachments]`.
    pub max_form_bytes: u64,
    /// Who must sign in with a second factor (TOTP); see [`Require2fa`].
    pub require_2fa: Require2fa,
}

/// `replication`: `"litestream"` when `litestream replicate` streams the database's WAL to a
/// replica. ticketd then leaves checkpoints to Litestream (see `db::replication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Replication {
    #[default]
    Off,
    Litestream,
}

/// `[security] require_2fa`: whose staff accounts must enrol in TOTP before they can work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Require2fa {
    Admins,
    Staff,
    Off,
}

/// Connection limits enforced by the server (see `web::http`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// A keep-alive connection with no new request for this long is closed.
    pub idle_timeout_seconds: u64,
    /// The longest a request head may take, and the longest pause within a request body.
    pub request_timeout_seconds: u64,
    /// Largest request head (request line and headers); more get `431`.
    pub max_head_bytes: u64,
    /// Headers per request; more get `431`.
    pub max_headers: usize,
    /// Open client connections; more are answered `503` at once.
    pub max_connections: usize,
    /// Open connections from one client address (trusted proxies exempt); more get `429`.
    pub max_connections_per_address: usize,
    /// After `body_grace_seconds`, a request body must average at least this many bytes a
    /// second, or the request ends with `408`; 0 turns the rate check off.
    pub body_min_bytes_per_second: u64,
    pub body_grace_seconds: u64,
    /// No longer used: pages are rendered every time (logged-in pages answer `304` to a
    /// matching `If-None-Match` instead). Accepted so older configuration files still load.
    pub page_cache_mb: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle_timeout_seconds: 30,
            request_timeout_seconds: 20,
            max_head_bytes: 65536,
            max_headers: 100,
            max_connections: 2048,
            max_connections_per_address: 32,
            body_min_bytes_per_second: 1024,
            body_grace_seconds: 10,
            page_cache_mb: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Portal {
    pub title: String,
    pub logo: Option<PathBuf>,
    pub accent_color: String,
    pub custom_css: Option<PathBuf>,
    pub login_text: Option<String>,
    pub imprint_url: Option<String>,
    pub privacy_url: Option<String>,
    pub show_time_spent: bool,
    pub customers_can_close: bool,
    pub page_size: usize,
    /// The first customer number; its trailing digits count up for the suggestion on the
    /// new-customer form (`"K-10001"` → `K-10002`, …). Empty: no suggestion.
    pub customer_no_pattern: String,
    /// Custom CSS set in the browser (wins over the `custom_css` file); never read from TOML.
    #[serde(skip)]
    pub custom_css_text: Option<String>,
    /// A logo uploaded in the browser (bytes, content type); wins over the `logo` file.
    #[serde(skip)]
    pub logo_data: Option<(Vec<u8>, &'static str)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HotlineMode {
    Reveal,
    Verify,
    Off,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hotline {
    pub mode: HotlineMode,
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Attachments {
    pub max_file_bytes: ByteSize,
    pub max_request_bytes: ByteSize,
    pub max_files_per_request: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Notifications {
    pub include_text: bool,
    /// Seconds before the first retry of a mail the relay did not take; doubles per attempt
    /// up to an hour.
    pub retry_seconds: u64,
    /// Attempts before a mail is marked failed (admins can retry it on `/admin/outbox`).
    pub max_attempts: u32,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications { include_text: false, retry_seconds: 60, max_attempts: 20 }
    }
}

/// `[workflow]`: what happens to tickets by itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Workflow {
    /// Tickets waiting on the customer (`waiting`) this many days after the last activity close
    /// themselves, with a system activity and a mail to the customer; `None` (absent): never.
    pub auto_close_days: Option<u32>,
}

/// `[contingents]`: hour contingents (issue 22).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Contingents {
    /// Percent of a contingent (a block, or an allowance's month) used at which the customer
    /// and staff are warned by mail, once; a second warning follows at 100 %.
    pub warn_at_percent: u8,
}

impl Default for Contingents {
    fn default() -> Self {
        Contingents { warn_at_percent: 80 }
    }
}

/// `[api]`: the JSON API under `/api/v1` (issue 21).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Api {
    /// Requests per token and minute; more get `429` with `Retry-After`.
    pub requests_per_minute: u32,
    /// Largest JSON request body (bytes); larger ones get `413`.
    pub max_body_bytes: u64,
}

impl Default for Api {
    fn default() -> Self {
        Api { requests_per_minute: 600, max_body_bytes: MIB }
    }
}

/// The events a webhook may ask for.
pub const WEBHOOK_EVENTS: [&str; 4] = ["ticket.created", "ticket.updated", "activity.created", "customer.created"];

/// One `[[webhooks]]` entry: where to POST which events, signed with `secret`
/// (`X-Ticketd-Signature: sha256=<hex HMAC-SHA256 of the body>`).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    /// Internal notes, assignee changes and their ticket updates too (customers never see them).
    #[serde(default)]
    pub include_internal: bool,
    /// The first retry after this many seconds, doubled per attempt up to an hour.
    #[serde(default = "webhook_retry_seconds")]
    pub retry_seconds: u64,
    /// Attempts before a delivery is marked failed (it can be sent again from /admin/outbox).
    #[serde(default = "webhook_max_attempts")]
    pub max_attempts: u32,
    /// Connect plus answer, per attempt.
    #[serde(default = "webhook_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn webhook_retry_seconds() -> u64 {
    60
}
fn webhook_max_attempts() -> u32 {
    10
}
fn webhook_timeout_seconds() -> u64 {
    10
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .field("events", &self.events)
            .field("secret", &"***")
            .field("include_internal", &self.include_internal)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    pub fn wants(&self, event: &str, internal: bool) -> bool {
        self.events.iter().any(|e| e == event) && (!internal || self.include_internal)
    }
}

/// A byte count: an integer, or a string such as `"25 MiB"`, `"100MB"`, `"512 KiB"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(s: &str) -> Option<ByteSize> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: u64 = num.parse().ok()?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1000,
            "kib" => 1024,
            "m" | "mb" => 1000 * 1000,
            "mib" => 1024 * 1024,
            "g" | "gb" => 1000 * 1000 * 1000,
            "gib" => 1024 * 1024 * 1024,
            _ => return None,
        };
        n.checked_mul(mult).map(ByteSize)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a byte count such as 26214400 or \"25 MiB\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v).map(ByteSize).map_err(|_| E::custom("must not be negative"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ByteSize, E> {
                ByteSize::parse(v).ok_or_else(|| E::custom(format!("not a byte size: {v:?}")))
            }
        }
        d.deserialize_any(V)
    }
}

const MIB: u64 = 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database: PathBuf::from("ticketd.db"),
            replication: Replication::Off,
            base_url: None,
            trusted_proxies: Vec::new(),
            time_zone: "Europe/Berlin".into(),
            default_language: "de".into(),
            workers: 0,
            security: Security::default(),
            limits: Limits::default(),
            portal: Portal::default(),
            hotline: Hotline::default(),
            attachments: Attachments::default(),
            fields: Vec::new(),
            smtp: None,
            notifications: Notifications::default(),
            inbound: Inbound::default(),
            workflow: Workflow::default(),
            contingents: Contingents::default(),
            api: Api::default(),
            webhooks: Vec::new(),
            file_keys: Vec::new(),
            retired_fields: Vec::new(),
        }
    }
}

impl Default for Security {
    fn default() -> Self {
        Security {
            bcrypt_cost: 10,
            max_concurrent_logins: 0,
            session_idle_minutes: 120,
            session_max_hours: 12,
            login_max_failures_per_account: 5,
            login_max_failures_per_address: 20,
            login_lockout_minutes: 15,
            min_password_length: 10,
            max_form_bytes: MIB,
            require_2fa: Require2fa::Admins,
        }
    }
}

impl Default for Portal {
    fn default() -> Self {
        Portal {
            title: "ticketd".into(),
            logo: None,
            accent_color: "#1d4ed8".into(),
            custom_css: None,
            login_text: None,
            imprint_url: None,
            privacy_url: None,
            show_time_spent: true,
            customers_can_close: true,
            page_size: 50,
            customer_no_pattern: "K-10001".into(),
            custom_css_text: None,
            logo_data: None,
        }
    }
}

impl Default for Hotline {
    fn default() -> Self {
        Hotline { mode: HotlineMode::Reveal, key_file: None }
    }
}

impl Default for Attachments {
    fn default() -> Self {
        Attachments {
            max_file_bytes: ByteSize(25 * MIB),
            max_request_bytes: ByteSize(100 * MIB),
            max_files_per_request: 20,
        }
    }
}

/// A configuration problem, always naming the key.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn bad(key: &str, why: impl fmt::Display) -> ConfigError {
    ConfigError(format!("config key `{key}`: {why}"))
}

/// A bound a setting must keep: its key, whether a configuration keeps it, and what it must be.
type Check = (&'static str, fn(&Config) -> bool, &'static str);

/// The plain bounds, in the order `validate` checks them. Checks that quote the value, read a
/// file or look at several `[[fields]]` are written out in `validate` and `validate_fields`.
const CHECKS: &[Check] = &[
    ("contingents.warn_at_percent", |c| (1..=99).contains(&c.contingents.warn_at_percent), "must be between 1 and 99"),
    (
        "workflow.auto_close_days",
        |c| c.workflow.auto_close_days.is_none_or(|d| (1..=3650).contains(&d)),
        "must be between 1 and 3650",
    ),
    (
        "portal.customer_no_pattern",
        |c| {
            let p = &c.portal.customer_no_pattern;
            p.is_empty() || crate::model::next_customer_no(p, std::iter::empty()).is_some()
        },
        "must be a customer number ending in digits, e.g. \"K-10001\", or empty",
    ),
    ("database", |c| !c.database.as_os_str().is_empty(), "must not be empty"),
    ("base_url", |c| c.base_url.as_deref().is_none_or(is_http_url), "must start with http:// or https://"),
    ("security.bcrypt_cost", |c| (4..=31).contains(&c.security.bcrypt_cost), "must be between 4 and 31"),
    ("security.session_idle_minutes", |c| c.security.session_idle_minutes > 0, "must be at least 1"),
    ("security.session_max_hours", |c| c.security.session_max_hours > 0, "must be at least 1"),
    (
        "security.login_max_failures_per_account",
        |c| c.security.login_max_failures_per_account > 0,
        "must be at least 1",
    ),
    (
        "security.login_max_failures_per_address",
        |c| c.security.login_max_failures_per_address > 0,
        "must be at least 1",
    ),
    (
        "security.min_password_length",
        |c| (6..=72).contains(&c.security.min_password_length),
        "must be between 6 and 72",
    ),
    ("api.requests_per_minute", |c| c.api.requests_per_minute >= 1, "must be at least 1"),
    ("api.max_body_bytes", |c| c.api.max_body_bytes >= 1024, "must be at least 1024"),
    ("security.max_form_bytes", |c| c.security.max_form_bytes >= 1024, "must be at least 1024"),
    ("limits.idle_timeout_seconds", |c| c.limits.idle_timeout_seconds > 0, "must be at least 1"),
    ("limits.request_timeout_seconds", |c| c.limits.request_timeout_seconds > 0, "must be at least 1"),
    ("limits.max_head_bytes", |c| c.limits.max_head_bytes >= 4096, "must be at least 4096"),
    ("limits.max_headers", |c| c.limits.max_headers >= 10, "must be at least 10"),
    ("limits.max_connections", |c| c.limits.max_connections >= 16, "must be at least 16"),
    ("limits.max_connections_per_address", |c| c.limits.max_connections_per_address > 0, "must be at least 1"),
    (
        "limits.body_grace_seconds",
        |c| c.limits.body_min_bytes_per_second == 0 || c.limits.body_grace_seconds > 0,
        "must be at least 1 while body_min_bytes_per_second is set",
    ),
    ("portal.accent_color", |c| parse_hex_color(&c.portal.accent_color).is_some(), "must be a colour like \"#1d4ed8\""),
    ("portal.page_size", |c| (1..=500).contains(&c.portal.page_size), "must be between 1 and 500"),
    (
        "portal.imprint_url",
        |c| c.portal.imprint_url.as_deref().is_none_or(is_link),
        "must be an http(s) URL or a local path",
    ),
    (
        "portal.privacy_url",
        |c| c.portal.privacy_url.as_deref().is_none_or(is_link),
        "must be an http(s) URL or a local path",
    ),
    ("attachments.max_file_bytes", |c| c.attachments.max_file_bytes.0 > 0, "must be greater than 0"),
    (
        "attachments.max_request_bytes",
        |c| c.attachments.max_request_bytes.0 >= c.attachments.max_file_bytes.0,
        "must be at least attachments.max_file_bytes",
    ),
    ("attachments.max_files_per_request", |c| c.attachments.max_files_per_request > 0, "must be at least 1"),
    ("notifications.retry_seconds", |c| c.notifications.retry_seconds > 0, "must be at least 1"),
    ("notifications.max_attempts", |c| c.notifications.max_attempts > 0, "must be at least 1"),
];

fn is_http_url(u: &str) -> bool {
    u.starts_with("http://") || u.starts_with("https://")
}

/// An http(s) URL or a path on this site.
fn is_link(u: &str) -> bool {
    is_http_url(u) || u.starts_with('/')
}

impl Config {
    /// Loads the file (if any), applies `TICKETD_LISTEN`/`TICKETD_DATABASE`, validates.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut cfg = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", p.display())))?;
                Config::parse(&text).map_err(|e| ConfigError(format!("{}: {}", p.display(), e.0)))?
            }
            None => Config::default(),
        };
        if let Ok(v) = std::env::var("TICKETD_LISTEN") {
            cfg.listen = v;
        }
        if let Ok(v) = std::env::var("TICKETD_DATABASE") {
            cfg.database = PathBuf::from(v);
        }
        if let Some(p) = path {
            cfg.resolve_relative_to(p.parent().unwrap_or(Path::new(".")));
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Parses TOML text without environment overrides or validation.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut cfg = toml::from_str::<Config>(text).map_err(|e| ConfigError(e.to_string().trim_end().to_string()))?;
        if let Ok(toml::Value::Table(t)) = toml::from_str::<toml::Value>(text) {
            fn walk(prefix: &str, t: &toml::map::Map<String, toml::Value>, out: &mut Vec<String>) {
                for (k, v) in t {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    if let toml::Value::Table(inner) = v {
                        walk(&key, inner, out);
                    } else {
                        out.push(key);
                    }
                }
            }
            walk("", &t, &mut cfg.file_keys);
        }
        cfg.split_retired();
        Ok(cfg)
    }

    /// Paths in a config file are relative to the file, not to the working directory.
    fn resolve_relative_to(&mut self, dir: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() && !dir.as_os_str().is_empty() {
                *p = dir.join(&*p);
            }
        };
        fix(&mut self.database);
        if let Some(p) = self.portal.logo.as_mut() {
            fix(p);
        }
        if let Some(p) = self.portal.custom_css.as_mut() {
            fix(p);
        }
        if let Some(p) = self.hotline.key_file.as_mut() {
            fix(p);
        }
        if let Some(p) = self.smtp.as_mut().and_then(|s| s.ca_file.as_mut()) {
            fix(p);
        }
        if let Some(p) = self.inbound.ca_file.as_mut() {
            fix(p);
        }
    }

    /// Fails on the first setting out of bounds, naming its key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.listen_addr()?;
        for p in &self.trusted_proxies {
            p.parse::<IpAddr>().map_err(|_| bad("trusted_proxies", format!("not an IP address: {p:?}")))?;
        }
        self.tz()?;
        self.language()?;
        for (key, holds, must) in CHECKS {
            if !holds(self) {
                return Err(bad(key, must));
            }
        }
        for (key, p) in [("portal.logo", &self.portal.logo), ("portal.custom_css", &self.portal.custom_css)] {
            if let Some(p) = p {
                if !p.is_file() {
                    return Err(bad(key, format!("file not found: {}", p.display())));
                }
            }
        }
        self.validate_fields()?;
        if let Some(smtp) = &self.smtp {
            if smtp.host.trim().is_empty() {
                return Err(bad("smtp.host", "must not be empty"));
            }
            if !crate::model::is_plausible_email(&smtp.from) || !crate::mail::is_sendable_address(smtp.from.trim()) {
                return Err(bad("smtp.from", "must be an e-mail address"));
            }
            if let Some(p) = &smtp.ca_file {
                crate::mail::relay::check_ca_file(p).map_err(|e| bad("smtp.ca_file", e))?;
            }
        }
        self.validate_inbound()?;
        self.validate_webhooks()?;
        Ok(())
    }
    fn validate_webhooks(&self) -> Result<(), ConfigError> {
        for (i, w) in self.webhooks.iter().enumerate() {
            let key = |k: &str| format!("webhooks[{i}].{k}");
            let url = w.url.trim();
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
            if host.is_none_or(|h| h.is_empty() || h.contains('@')) || url.chars().any(char::is_whitespace) {
                return Err(bad(&key("url"), format!("{:?}: must be an http:// or https:// URL with a host", w.url)));
            }
            if w.events.is_empty() {
                return Err(bad(&key("events"), format!("must name at least one of {}", WEBHOOK_EVENTS.join(", "))));
            }
            if let Some(e) = w.events.iter().find(|e| !WEBHOOK_EVENTS.contains(&e.as_str())) {
                return Err(bad(&key("events"), format!("{e:?}: not one of {}", WEBHOOK_EVENTS.join(", "))));
            }
            if w.secret.trim().is_empty() {
                return Err(bad(&key("secret"), "must not be empty"));
            }
            if w.max_attempts == 0 || w.retry_seconds == 0 || w.timeout_seconds == 0 {
                return Err(bad(
                    &key("max_attempts"),
                    "max_attempts, retry_seconds and timeout_seconds must be at least 1",
                ));
            }
        }
        Ok(())
    }

    fn validate_inbound(&self) -> Result<(), ConfigError> {
        let i = &self.inbound;
        if let Some(a) = &i.address {
            if !crate::model::is_plausible_email(a) || !crate::mail::is_sendable_address(a.trim()) {
                return Err(bad("inbound.address", "must be an e-mail address"));
            }
        }
        if i.poll_seconds == 0 {
            return Err(bad("inbound.poll_seconds", "must be at least 1"));
        }
        if i.hold_days == 0 {
            return Err(bad("inbound.hold_days", "must be at least 1"));
        }
        if i.max_per_sender_per_hour == 0 {
            return Err(bad("inbound.max_per_sender_per_hour", "must be at least 1"));
        }
        if i.imap_folder.trim().is_empty() {
            return Err(bad("inbound.imap_folder", "must not be empty"));
        }
        if let Some(host) = &i.imap_host {
            if host.trim().is_empty() {
                return Err(bad("inbound.imap_host", "must not be empty"));
            }
            if i.imap_username.as_deref().is_none_or(|u| u.trim().is_empty()) {
                return Err(bad("inbound.imap_username", "is needed with imap_host"));
            }
            if i.imap_password.as_deref().is_none_or(str::is_empty)
                && std::env::var_os("TICKETD_IMAP_PASSWORD").is_none()
            {
                return Err(bad("inbound.imap_password", "is needed with imap_host (or TICKETD_IMAP_PASSWORD)"));
            }
        }
        if let Some(p) = &i.ca_file {
            crate::mail::relay::check_ca_file(p).map_err(|e| bad("inbound.ca_file", e))?;
        }
        Ok(())
    }

    fn validate_fields(&self) -> Result<(), ConfigError> {
        let mut seen = std::collections::HashSet::new();
        for (i, f) in self.fields.iter().chain(&self.retired_fields).enumerate() {
            let key = format!("fields[{i}]");
            let ok = !f.key.is_empty()
                && f.key.len() <= 40
                && f.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                return Err(bad(&format!("{key}.key"), format!("{:?}: use a-z, 0-9 and _", f.key)));
            }
            if !seen.insert(f.key.as_str()) {
                return Err(bad(&format!("{key}.key"), format!("{:?} is used twice", f.key)));
            }
            if f.kind == FieldType::Select && f.options.is_empty() {
                return Err(bad(&format!("fields.{}.options", f.key), "a select needs options"));
            }
            if f.kind != FieldType::Select && !f.options.is_empty() {
                return Err(bad(&format!("fields.{}.options", f.key), "only a select has options"));
            }
        }
        for f in &self.fields {
            let Some(sw) = &f.show_when else { continue };
            let key = format!("fields.{}.show_when", f.key);
            let Some(target) = self.fields.iter().find(|t| t.key == sw.field) else {
                return Err(bad(&key, format!("unknown field {:?}", sw.field)));
            };
            if target.key == f.key {
                return Err(bad(&key, "a field cannot depend on itself"));
            }
            let values: Vec<&String> = sw.equals.iter().chain(sw.any_of.iter().flatten()).collect();
            if values.is_empty() {
                return Err(bad(&key, "needs `equals` or `in`"));
            }
            if target.kind == FieldType::Select {
                for v in values {
                    if !target.options.iter().any(|o| o.value() == v) {
                        return Err(bad(&key, format!("{v:?} is not an option of field {:?}", target.key)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Moves retired fields out of `fields` into `retired_fields`, keeping the order.
    pub fn split_retired(&mut self) {
        let all = std::mem::take(&mut self.fields).into_iter().chain(std::mem::take(&mut self.retired_fields));
        for f in all {
            if f.retired {
                self.retired_fields.push(f);
            } else {
                self.fields.push(f);
            }
        }
    }

    /// Active fields, then retired ones.
    pub fn all_fields(&self) -> Vec<Field> {
        self.fields.iter().chain(&self.retired_fields).cloned().collect()
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen.parse().map_err(|_| bad("listen", format!("not a socket address: {:?}", self.listen)))
    }

    pub fn tz(&self) -> Result<&'static time_tz::Tz, ConfigError> {
        time_tz::timezones::get_by_name(&self.time_zone)
            .ok_or_else(|| bad("time_zone", format!("unknown time zone {:?}", self.time_zone)))
    }

    pub fn language(&self) -> Result<Lang, ConfigError> {
        Lang::parse(&self.default_language)
            .ok_or_else(|| bad("default_language", format!("{:?}: use \"de\" or \"en\"", self.default_language)))
    }

    pub fn trusted_proxy_addrs(&self) -> Vec<IpAddr> {
        self.trusted_proxies.iter().filter_map(|p| p.parse().ok()).collect()
    }

    pub fn hotline_key_path(&self) -> PathBuf {
        match &self.hotline.key_file {
            Some(p) => p.clone(),
            None => self.database.with_file_name("ticketd.key"),
        }
    }
}

/// `#rrggbb` or `#rgb` to RGB.
pub fn parse_hex_color(s: &str) -> Option<(u8, u8, u8)> {
    let h = s.strip_prefix('#')?;
    let full: String = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect(),
        6 => h.to_string(),
        _ => return None,
    };
    let v = u32::from_str_radix(&full, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn replication_is_off_or_litestream() {
        assert_eq!(Config::default().replication, Replication::Off);
        assert_eq!(Config::parse("replication = \"litestream\"").unwrap().replication, Replication::Litestream);
        assert_eq!(Config::parse("replication = \"off\"").unwrap().replication, Replication::Off);
        let e = Config::parse("replication = \"rsync\"").unwrap_err();
        assert!(e.0.contains("replication") || e.0.contains("rsync"), "{}", e.0);
    }

    #[test]
    fn unknown_key_is_named() {
        let e = Config::parse("listen = \"127.0.0.1:1\"\nlisten_port = 3\n").unwrap_err();
        assert!(e.0.contains("listen_port"), "{}", e.0);
        let e = Config::parse("[portal]\ntitel = \"x\"\n").unwrap_err();
        assert!(e.0.contains("titel"), "{}", e.0);
    }

    #[test]
    fn bad_values_are_named() {
        for (toml, key) in [
            ("[security]\nlogin_max_failures_per_address = 0", "security.login_max_failures_per_address"),
            ("[notifications]\nmax_attempts = 0", "notifications.max_attempts"),
            ("[workflow]\nauto_close_days = 0", "workflow.auto_close_days"),
            ("time_zone = \"Mars/Base\"", "time_zone"),
            ("default_language = \"fr\"", "default_language"),
            ("listen = \"nope\"", "listen"),
            ("[portal]\naccent_color = \"blue\"", "portal.accent_color"),
            ("[security]\nbcrypt_cost = 2", "security.bcrypt_cost"),
            ("[attachments]\nmax_file_bytes = \"200 MiB\"", "attachments.max_request_bytes"),
            (
                "[smtp]\nhost = \"relay.example\"\nfrom = \"a@portal.example\"\nca_file = \"/nonexistent/ca.pem\"",
                "smtp.ca_file",
            ),
            (
                "[[fields]]\nkey = \"a\"\nlabel = \"A\"\ntype = \"text\"\nshow_when = { field = \"zz\", equals = \"1\" }",
                "fields.a.show_when",
            ),
        ] {
            let e = Config::parse(toml).and_then(|c| c.validate()).unwrap_err();
            assert!(e.0.contains(key), "{toml}: {}", e.0);
        }
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(ByteSize::parse("25 MiB"), Some(ByteSize(25 * MIB)));
        assert_eq!(ByteSize::parse("100MB"), Some(ByteSize(100_000_000)));
        assert_eq!(ByteSize::parse("12"), Some(ByteSize(12)));
        assert_eq!(ByteSize::parse("12 parsecs"), None);
    }

    #[test]
    fn the_example_config_parses_and_validates() {
        let text = include_str!("../ticketd.toml.example");
        let cfg = Config::parse(text).unwrap();
        // Paths in the example point at files that need not exist here.
        let mut cfg = cfg;
        cfg.portal.logo = None;
        cfg.portal.custom_css = None;
        cfg.validate().unwrap();
    }
}
