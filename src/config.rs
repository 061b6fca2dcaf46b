//! Configuration: built-in defaults, an optional TOML file, two environment overrides, and
//! `validate()`, which fails fast and names the offending key.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Lang;
use crate::mail::Smtp;
use crate::model::{Field, FieldType};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub listen: String,
    pub database: PathBuf,
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
        toml::from_str::<Config>(text).map_err(|e| ConfigError(e.to_string().trim_end().to_string()))
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
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.listen_addr()?;
        if self.database.as_os_str().is_empty() {
            return Err(bad("database", "must not be empty"));
        }
        if let Some(u) = &self.base_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(bad("base_url", "must start with http:// or https://"));
            }
        }
        for p in &self.trusted_proxies {
            p.parse::<IpAddr>().map_err(|_| bad("trusted_proxies", format!("not an IP address: {p:?}")))?;
        }
        self.tz()?;
        self.language()?;
        let s = &self.security;
        if !(4..=31).contains(&s.bcrypt_cost) {
            return Err(bad("security.bcrypt_cost", "must be between 4 and 31"));
        }
        if s.session_idle_minutes == 0 {
            return Err(bad("security.session_idle_minutes", "must be at least 1"));
        }
        if s.session_max_hours == 0 {
            return Err(bad("security.session_max_hours", "must be at least 1"));
        }
        if s.login_max_failures_per_account == 0 || s.login_max_failures_per_address == 0 {
            return Err(bad("security.login_max_failures_per_account", "must be at least 1"));
        }
        if !(6..=72).contains(&s.min_password_length) {
            return Err(bad("security.min_password_length", "must be between 6 and 72"));
        }
        if s.max_form_bytes < 1024 {
            return Err(bad("security.max_form_bytes", "must be at least 1024"));
        }
        let l = &self.limits;
        if l.idle_timeout_seconds == 0 {
            return Err(bad("limits.idle_timeout_seconds", "must be at least 1"));
        }
        if l.request_timeout_seconds == 0 {
            return Err(bad("limits.request_timeout_seconds", "must be at least 1"));
        }
        if l.max_head_bytes < 4096 {
            return Err(bad("limits.max_head_bytes", "must be at least 4096"));
        }
        if l.max_headers < 10 {
            return Err(bad("limits.max_headers", "must be at least 10"));
        }
        if l.max_connections < 16 {
            return Err(bad("limits.max_connections", "must be at least 16"));
        }
        if l.max_connections_per_address == 0 {
            return Err(bad("limits.max_connections_per_address", "must be at least 1"));
        }
        if l.body_min_bytes_per_second > 0 && l.body_grace_seconds == 0 {
            return Err(bad("limits.body_grace_seconds", "must be at least 1 while body_min_bytes_per_second is set"));
        }
        if parse_hex_color(&self.portal.accent_color).is_none() {
            return Err(bad("portal.accent_color", "must be a colour like \"#1d4ed8\""));
        }
        if self.portal.page_size == 0 || self.portal.page_size > 500 {
            return Err(bad("portal.page_size", "must be between 1 and 500"));
        }
        for (key, url) in
            [("portal.imprint_url", &self.portal.imprint_url), ("portal.privacy_url", &self.portal.privacy_url)]
        {
            if let Some(u) = url {
                if !(u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/')) {
                    return Err(bad(key, "must be an http(s) URL or a local path"));
                }
            }
        }
        for (key, p) in [("portal.logo", &self.portal.logo), ("portal.custom_css", &self.portal.custom_css)] {
            if let Some(p) = p {
                if !p.is_file() {
                    return Err(bad(key, format!("file not found: {}", p.display())));
                }
            }
        }
        let a = &self.attachments;
        if a.max_file_bytes.0 == 0 {
            return Err(bad("attachments.max_file_bytes", "must be greater than 0"));
        }
        if a.max_request_bytes.0 < a.max_file_bytes.0 {
            return Err(bad("attachments.max_request_bytes", "must be at least attachments.max_file_bytes"));
        }
        if a.max_files_per_request == 0 {
            return Err(bad("attachments.max_files_per_request", "must be at least 1"));
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
        if self.notifications.retry_seconds == 0 {
            return Err(bad("notifications.retry_seconds", "must be at least 1"));
        }
        if self.notifications.max_attempts == 0 {
            return Err(bad("notifications.max_attempts", "must be at least 1"));
        }
        Ok(())
    }

    fn validate_fields(&self) -> Result<(), ConfigError> {
        let mut seen = std::collections::HashSet::new();
        for (i, f) in self.fields.iter().enumerate() {
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
    fn unknown_key_is_named() {
        let e = Config::parse("listen = \"127.0.0.1:1\"\nlisten_port = 3\n").unwrap_err();
        assert!(e.0.contains("listen_port"), "{}", e.0);
        let e = Config::parse("[portal]\ntitel = \"x\"\n").unwrap_err();
        assert!(e.0.contains("titel"), "{}", e.0);
    }

    #[test]
    fn bad_values_are_named() {
        for (toml, key) in [
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
