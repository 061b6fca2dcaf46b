//! Settings in the browser (`/admin/settings`, `ticketd config show`).
//!
//! One source of truth per key: the file keeps what must never change from a browser
//! (`listen`, `database`, `base_url`, `trusted_proxies`, `[hotline] key_file`); the keys in
//! [`KEYS`] may be set in the browser, are stored in `config_overrides` and win over the file.
//! The effective configuration is the file's with the overrides applied, checked by the same
//! `Config::validate` as the file, and swapped into [`App`] whole after the commit, so the next
//! request sees all of a save or none of it. Each section has an edit counter (`settings`
//! table, `settings_version.<section>`): a save made on an older page is a conflict.

use crate::app::App;
use crate::auth::hotline::HotlineKey;
use crate::clock;
use crate::config::{Config, HotlineMode, Require2fa};
use crate::db::{self, audit, overrides, overrides::Override};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Msg};
use crate::mail::{AfterImport, ImapSecurity, Smtp, SmtpSecurity};
use crate::model::{Field, FieldOption, FieldType, ShowWhen, StaffMember, Text};
use crate::sync::Unpoison;

/// Where a key's effective value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Browser,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Default => "default",
            Source::File => "file",
            Source::Browser => "browser",
        }
    }
}

/// A key the browser may set: its dotted name, the settings section and form field it lives
/// in, how to read it from a config as text, and how to put text into a config.
pub struct KeyDef {
    pub key: &'static str,
    pub section: &'static str,
    pub field: &'static str,
    pub get: fn(&Config) -> String,
    pub set: fn(&mut Config, &str) -> std::result::Result<(), Msg>,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The keys `/admin/settings` may set, section by section, in form order.
pub const KEYS: &[KeyDef] = &[
    KeyDef {
        key: "portal.title",
        section: "portal",
        field: "title",
        get: |c| c.portal.title.clone(),
        set: |c, v| {
            let v = v.trim();
            if v.is_empty() {
                return Err(m::ERR_REQUIRED);
            }
            if v.chars().count() > 100 {
                return Err(m::SETTINGS_ERR_TOO_LONG);
            }
            c.portal.title = v.to_string();
            Ok(())
        },
    },
    KeyDef {
        key: "portal.accent_color",
        section: "portal",
        field: "accent_color",
        get: |c| c.portal.accent_color.clone(),
        set: |c, v| {
            let v = v.trim();
            if crate::config::parse_hex_color(v).is_none() {
                return Err(m::SETTINGS_ERR_COLOR);
            }
            c.portal.accent_color = v.to_ascii_lowercase();
            Ok(())
        },
    },
    KeyDef {
        key: "portal.login_text",
        section: "portal",
        field: "login_text",
        get: |c| c.portal.login_text.clone().unwrap_or_default(),
        set: |c, v| {
            c.portal.login_text = opt(v);
            Ok(())
        },
    },
    KeyDef {
        key: "portal.imprint_url",
        section: "portal",
        field: "imprint_url",
        get: |c| c.portal.imprint_url.clone().unwrap_or_default(),
        set: |c, v| {
            c.portal.imprint_url = opt(v);
            Ok(())
        },
    },
    KeyDef {
        key: "portal.privacy_url",
        section: "portal",
        field: "privacy_url",
        get: |c| c.portal.privacy_url.clone().unwrap_or_default(),
        set: |c, v| {
            c.portal.privacy_url = opt(v);
            Ok(())
        },
    },
    KeyDef {
        key: "portal.custom_css",
        section: "portal",
        field: "custom_css",
        get: |c| match (&c.portal.custom_css_text, &c.portal.custom_css) {
            (Some(t), _) => t.clone(),
            (None, Some(p)) => std::fs::read_to_string(p).unwrap_or_default(),
            (None, None) => String::new(),
        },
        set: |c, v| {
            let v = v.replace("\r\n", "\n");
            if v.len() > 64 * 1024 {
                return Err(m::SETTINGS_ERR_TOO_LONG);
            }
            if v.to_ascii_lowercase().contains("</style") {
                return Err(m::SETTINGS_ERR_CSS);
            }
            c.portal.custom_css_text = Some(v);
            Ok(())
        },
    },
    KeyDef {
        key: "hotline.mode",
        section: "security",
        field: "hotline_mode",
        get: |c| {
            match c.hotline.mode {
                HotlineMode::Reveal => "reveal",
                HotlineMode::Verify => "verify",
                HotlineMode::Off => "off",
            }
            .to_string()
        },
        set: |c, v| {
            c.hotline.mode = match v.trim() {
                "reveal" => HotlineMode::Reveal,
                "verify" => HotlineMode::Verify,
                "off" => HotlineMode::Off,
                _ => return Err(m::ERR_INVALID_CHOICE),
            };
            Ok(())
        },
    },
    KeyDef {
        key: "security.require_2fa",
        section: "security",
        field: "require_2fa",
        get: |c| {
            match c.security.require_2fa {
                Require2fa::Admins => "admins",
                Require2fa::Staff => "staff",
                Require2fa::Off => "off",
            }
            .to_string()
        },
        set: |c, v| {
            c.security.require_2fa = match v.trim() {
                "admins" => Require2fa::Admins,
                "staff" => Require2fa::Staff,
                "off" => Require2fa::Off,
                _ => return Err(m::ERR_INVALID_CHOICE),
            };
            Ok(())
        },
    },
    KeyDef {
        key: "workflow.auto_close_days",
        section: "security",
        field: "auto_close_days",
        get: |c| c.workflow.auto_close_days.map(|d| d.to_string()).unwrap_or_default(),
        set: |c, v| {
            let v = v.trim();
            c.workflow.auto_close_days = if v.is_empty() {
                None
            } else {
                match v.parse::<u32>() {
                    Ok(d) if (1..=3650).contains(&d) => Some(d),
                    _ => return Err(m::SETTINGS_ERR_DAYS),
                }
            };
            Ok(())
        },
    },
    KeyDef {
        key: "contingents.warn_at_percent",
        section: "security",
        field: "warn_at_percent",
        get: |c| c.contingents.warn_at_percent.to_string(),
        set: |c, v| match v.trim().parse::<u8>() {
            Ok(p) if (1..=99).contains(&p) => {
                c.contingents.warn_at_percent = p;
                Ok(())
            }
            _ => Err(m::SETTINGS_ERR_PERCENT),
        },
    },
    KeyDef {
        key: "smtp.host",
        section: "mail",
        field: "smtp_host",
        get: |c| c.smtp.as_ref().map(|s| s.host.clone()).unwrap_or_default(),
        set: |c, v| {
            let v = v.trim();
            if v.is_empty() {
                c.smtp = None;
            } else {
                smtp(c).host = v.to_string();
            }
            Ok(())
        },
    },
    KeyDef {
        key: "smtp.port",
        section: "mail",
        field: "smtp_port",
        get: |c| c.smtp.as_ref().and_then(|s| s.port).map(|p| p.to_string()).unwrap_or_default(),
        set: |c, v| {
            let v = v.trim();
            let port = if v.is_empty() { None } else { Some(v.parse::<u16>().map_err(|_| m::SETTINGS_ERR_PORT)?) };
            if port.is_some() || c.smtp.is_some() {
                smtp(c).port = port;
            }
            Ok(())
        },
    },
    KeyDef {
        key: "smtp.security",
        section: "mail",
        field: "smtp_security",
        get: |c| {
            match c.smtp.as_ref().and_then(|s| s.security) {
                Some(SmtpSecurity::Starttls) => "starttls",
                Some(SmtpSecurity::Tls) => "tls",
                Some(SmtpSecurity::None) => "none",
                None => "",
            }
            .to_string()
        },
        set: |c, v| {
            let sec = match v.trim() {
                "" => None,
                "starttls" => Some(SmtpSecurity::Starttls),
                "tls" => Some(SmtpSecurity::Tls),
                "none" => Some(SmtpSecurity::None),
                _ => return Err(m::ERR_INVALID_CHOICE),
            };
            if sec.is_some() || c.smtp.is_some() {
                smtp(c).security = sec;
            }
            Ok(())
        },
    },
    KeyDef {
        key: "smtp.username",
        section: "mail",
        field: "smtp_username",
        get: |c| c.smtp.as_ref().and_then(|s| s.username.clone()).unwrap_or_default(),
        set: |c, v| {
            if !v.trim().is_empty() || c.smtp.is_some() {
                smtp(c).username = opt(v);
            }
            Ok(())
        },
    },
    KeyDef {
        key: "smtp.password",
        section: "mail",
        field: "smtp_password",
        get: |c| c.smtp.as_ref().and_then(|s| s.password.clone()).unwrap_or_default(),
        set: |c, v| {
            if !v.is_empty() || c.smtp.is_some() {
                smtp(c).password = Some(v.to_string()).filter(|p| !p.is_empty());
            }
            Ok(())
        },
    },
    KeyDef {
        key: "smtp.from",
        section: "mail",
        field: "smtp_from",
        get: |c| c.smtp.as_ref().map(|s| s.from.clone()).unwrap_or_default(),
        set: |c, v| {
            if !v.trim().is_empty() || c.smtp.is_some() {
                smtp(c).from = v.trim().to_string();
            }
            Ok(())
        },
    },
    KeyDef {
        key: "notifications.include_text",
        section: "mail",
        field: "include_text",
        get: |c| if c.notifications.include_text { "1" } else { "" }.to_string(),
        set: |c, v| {
            c.notifications.include_text = !v.trim().is_empty();
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.address",
        section: "inbound",
        field: "address",
        get: |c| c.inbound.address.clone().unwrap_or_default(),
        set: |c, v| {
            c.inbound.address = opt(v);
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.imap_host",
        section: "inbound",
        field: "imap_host",
        get: |c| c.inbound.imap_host.clone().unwrap_or_default(),
        set: |c, v| {
            c.inbound.imap_host = opt(v);
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.imap_port",
        section: "inbound",
        field: "imap_port",
        get: |c| c.inbound.imap_port.to_string(),
        set: |c, v| {
            c.inbound.imap_port = v.trim().parse::<u16>().map_err(|_| m::SETTINGS_ERR_PORT)?;
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.imap_security",
        section: "inbound",
        field: "imap_security",
        get: |c| {
            match c.inbound.imap_security {
                ImapSecurity::Tls => "tls",
                ImapSecurity::Starttls => "starttls",
            }
            .to_string()
        },
        set: |c, v| {
            c.inbound.imap_security = match v.trim() {
                "tls" => ImapSecurity::Tls,
                "starttls" => ImapSecurity::Starttls,
                _ => return Err(m::ERR_INVALID_CHOICE),
            };
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.imap_username",
        section: "inbound",
        field: "imap_username",
        get: |c| c.inbound.imap_username.clone().unwrap_or_default(),
        set: |c, v| {
            c.inbound.imap_username = opt(v);
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.imap_password",
        section: "inbound",
        field: "imap_password",
        get: |c| c.inbound.imap_password.clone().unwrap_or_default(),
        set: |c, v| {
            c.inbound.imap_password = Some(v.to_string()).filter(|p| !p.is_empty());
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.imap_folder",
        section: "inbound",
        field: "imap_folder",
        get: |c| c.inbound.imap_folder.clone(),
        set: |c, v| {
            if v.trim().is_empty() {
                return Err(m::ERR_REQUIRED);
            }
            c.inbound.imap_folder = v.trim().to_string();
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.poll_seconds",
        section: "inbound",
        field: "poll_seconds",
        get: |c| c.inbound.poll_seconds.to_string(),
        set: |c, v| match v.trim().parse::<u64>() {
            Ok(n) if (1..=86_400).contains(&n) => {
                c.inbound.poll_seconds = n;
                Ok(())
            }
            _ => Err(m::SETTINGS_ERR_SECONDS),
        },
    },
    KeyDef {
        key: "inbound.after_import",
        section: "inbound",
        field: "after_import",
        get: |c| match &c.inbound.after_import {
            AfterImport::Seen => "seen".to_string(),
            AfterImport::Delete => "delete".to_string(),
            AfterImport::Move(to) => format!("move:{to}"),
        },
        set: |c, v| {
            let v = v.trim();
            c.inbound.after_import = match v {
                "seen" => AfterImport::Seen,
                "delete" => AfterImport::Delete,
                _ => match v.strip_prefix("move:").map(str::trim) {
                    Some(to) if !to.is_empty() => AfterImport::Move(to.to_string()),
                    _ => return Err(m::SETTINGS_ERR_AFTER_IMPORT),
                },
            };
            Ok(())
        },
    },
    KeyDef {
        key: "inbound.hold_days",
        section: "inbound",
        field: "hold_days",
        get: |c| c.inbound.hold_days.to_string(),
        set: |c, v| match v.trim().parse::<u64>() {
            Ok(d) if (1..=3650).contains(&d) => {
                c.inbound.hold_days = d;
                Ok(())
            }
            _ => Err(m::SETTINGS_ERR_DAYS_REQUIRED),
        },
    },
    KeyDef {
        key: "inbound.max_per_sender_per_hour",
        section: "inbound",
        field: "max_per_sender_per_hour",
        get: |c| c.inbound.max_per_sender_per_hour.to_string(),
        set: |c, v| match v.trim().parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => {
                c.inbound.max_per_sender_per_hour = n;
                Ok(())
            }
            _ => Err(m::SETTINGS_ERR_COUNT),
        },
    },
    KeyDef {
        key: "notifications.retry_seconds",
        section: "mail",
        field: "retry_seconds",
        get: |c| c.notifications.retry_seconds.to_string(),
        set: |c, v| match v.trim().parse::<u64>() {
            Ok(n) if (1..=86_400).contains(&n) => {
                c.notifications.retry_seconds = n;
                Ok(())
            }
            _ => Err(m::SETTINGS_ERR_SECONDS),
        },
    },
    KeyDef {
        key: "notifications.max_attempts",
        section: "mail",
        field: "max_attempts",
        get: |c| c.notifications.max_attempts.to_string(),
        set: |c, v| match v.trim().parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => {
                c.notifications.max_attempts = n;
                Ok(())
            }
            _ => Err(m::SETTINGS_ERR_COUNT),
        },
    },
    KeyDef {
        key: "fields",
        section: "fields",
        field: "fields",
        get: |c| serde_json::to_string(&c.all_fields()).unwrap_or_default(),
        set: |c, v| {
            c.fields = serde_json::from_str::<Vec<Field>>(v).map_err(|_| m::ERR_INVALID_CHOICE)?;
            c.retired_fields.clear();
            c.split_retired();
            Ok(())
        },
    },
];

/// The sections of `/admin/settings` that have a form of their own.
pub const SECTIONS: &[&str] = &["portal", "security", "fields", "mail", "inbound"];

/// Keys that are never shown again: stored sealed, audited as "changed", an empty form field
/// keeps the stored value.
pub const SECRETS: &[&str] = &["smtp.password", "inbound.imap_password"];

fn is_secret(key: &str) -> bool {
    SECRETS.contains(&key)
}

/// `[smtp]`, made with empty values when the browser sets its first key.
fn smtp(c: &mut Config) -> &mut Smtp {
    c.smtp.get_or_insert_with(|| Smtp {
        host: String::new(),
        port: None,
        security: None,
        username: None,
        password: None,
        from: String::new(),
        timeout_seconds: None,
        ca_file: None,
    })
}

/// The key sealing secrets set in the browser: beside the hotline key.
pub fn key_path(file: &Config) -> std::path::PathBuf {
    file.hotline_key_path().with_file_name("ticketd-settings.key")
}

fn settings_key(app: &App) -> Result<&HotlineKey> {
    if app.settings_key.get().is_none() {
        let k = HotlineKey::load_or_create(&key_path(app.file_config())).map_err(Error::Internal)?;
        let _ = app.settings_key.set(k);
    }
    app.settings_key.get().ok_or_else(|| Error::Internal("settings key".into()))
}

pub fn key_def(key: &str) -> Option<&'static KeyDef> {
    KEYS.iter().find(|k| k.key == key)
}

/// The file's configuration with `overrides` applied. An override that no longer parses (or a
/// key this version does not know) is skipped with a message on stderr.
pub fn apply_overrides(file: &Config, list: &[Override], key: Option<&HotlineKey>) -> Config {
    let mut c = file.clone();
    for o in list {
        if is_secret(&o.key) {
            let plain = key.and_then(|k| k.open_setting(&o.key, &hex_decode(&o.value)?));
            match (plain, key_def(&o.key)) {
                (Some(p), Some(k)) => {
                    let _ = (k.set)(&mut c, &p);
                }
                _ => eprintln!("ticketd: ignoring the stored setting {} (cannot unseal it)", o.key),
            }
            continue;
        }
        if o.key == "portal.logo" {
            if let Some(data) = &o.data {
                c.portal.logo_data = Some((data.clone(), logo_type(&o.value)));
            }
            continue;
        }
        match key_def(&o.key) {
            Some(k) => {
                if (k.set)(&mut c, &o.value).is_err() {
                    eprintln!("ticketd: ignoring the stored setting {} (no longer valid)", o.key);
                }
            }
            None => eprintln!("ticketd: ignoring the stored setting {} (unknown key)", o.key),
        }
    }
    c
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn logo_type(ctype: &str) -> &'static str {
    match ctype {
        "image/svg+xml" => "image/svg+xml",
        "image/jpeg" => "image/jpeg",
        _ => "image/png",
    }
}

/// The effective configuration at start: the file's when the stored overrides no longer make
/// a valid whole (e.g. after the file changed), with a message saying so.
pub fn effective_at_start(conn: &rusqlite::Connection, file: &Config, key: Option<&HotlineKey>) -> Result<Config> {
    let list = overrides::list(conn)?;
    let c = apply_overrides(file, &list, key);
    match c.validate() {
        Ok(()) => Ok(c),
        Err(e) => {
            eprintln!("ticketd: the settings made in the browser are ignored until fixed: {e}");
            Ok(file.clone())
        }
    }
}

/// The source of each key: `browser` when overridden, `file` when the file sets it, else
/// `default`.
pub fn source_of(file: &Config, list: &[Override], key: &str) -> Source {
    if list.iter().any(|o| o.key == key) {
        Source::Browser
    } else if file.file_keys.iter().any(|k| k == key || k.starts_with(&format!("{key}."))) {
        Source::File
    } else {
        Source::Default
    }
}

fn version_name(section: &str) -> String {
    format!("settings_version.{section}")
}

fn read_version(conn: &rusqlite::Connection, section: &str) -> Result<String> {
    Ok(db::settings::get(conn, &version_name(section))?.unwrap_or_else(|| "0".into()))
}

/// What a settings page shows: the current values, their sources and the section's version.
pub struct SectionState {
    pub version: String,
    /// `(form field, value, source, file value)` for each key of the section.
    pub values: Vec<(&'static str, String, Source, String)>,
    pub logo_source: Source,
}

pub fn section_state(app: &App, section: &str) -> Result<SectionState> {
    let conn = app.conn()?;
    let list = overrides::list(&conn)?;
    let cfg = app.config();
    let values = KEYS
        .iter()
        .filter(|k| k.section == section)
        .map(|k| {
            let shown = |c: &Config| if is_secret(k.key) { String::new() } else { (k.get)(c) };
            (k.field, shown(&cfg), source_of(app.file_config(), &list, k.key), shown(app.file_config()))
        })
        .collect();
    Ok(SectionState {
        version: read_version(&conn, section)?,
        values,
        logo_source: source_of(app.file_config(), &list, "portal.logo"),
    })
}

/// A save: the section, the version the form was rendered at, and the submitted values by
/// form field (a field not submitted keeps its value).
pub struct SaveInput<'a> {
    pub section: &'a str,
    pub version: &'a str,
    pub values: Vec<(&'a str, String)>,
    /// Keys to return to the file's value (`reset` buttons).
    pub reset: Vec<&'a str>,
}

/// Saves a section: checks each value, stores what differs from the file as an override,
/// removes overrides equal to the file, validates the whole with `Config::validate`, audits
/// before/after, and swaps the effective configuration in after the commit.
pub fn save(app: &App, admin: &StaffMember, input: &SaveInput, address: &str) -> Result<()> {
    let _one_at_a_time = app.settings_lock.lock().unpoisoned();
    let defs: Vec<&KeyDef> = KEYS.iter().filter(|k| k.section == input.section).collect();
    if defs.is_empty() {
        return Err(Error::NotFound);
    }
    let mut errors = FieldErrors::new();
    let mut probe = (*app.config()).clone();
    for (field, value) in &input.values {
        let Some(k) = defs.iter().find(|k| k.field == *field) else { continue };
        if let Err(msg) = (k.set)(&mut probe, value) {
            errors.add(k.field, msg);
        }
    }
    if let Some((_, color)) = input.values.iter().find(|(f, _)| *f == "accent_color") {
        if let Some(ratio) = accent_contrast(color.trim()) {
            if ratio < 4.5 {
                errors.add_with("accent_color", m::SETTINGS_ERR_CONTRAST, vec![("ratio", format!("{ratio:.2}"))]);
            }
        }
    }
    let now = clock::now();
    let actor = format!("staff:{}", admin.username);
    let mut conn = app.conn()?;
    let (cfg, changes) = db::write(&mut conn, |tx| {
        if read_version(tx, input.section)? != input.version.trim() {
            errors.add("version", m::SETTINGS_CONFLICT);
        }
        std::mem::take(&mut errors).into_result()?;
        let before = apply_overrides(app.file_config(), &overrides::list(tx)?, app.settings_key.get());
        let mut changes = Vec::new();
        for k in &defs {
            let reset = input.reset.contains(&k.field);
            let submitted = input.values.iter().find(|(f, _)| *f == k.field).map(|(_, v)| v);
            let old = (k.get)(&before);
            if reset {
                if overrides::remove(tx, k.key)? {
                    if is_secret(k.key) {
                        changes.push(format!("{}: changed", k.key));
                    } else {
                        changes.push(change_line(k, &old, &(k.get)(app.file_config())));
                    }
                }
                continue;
            }
            let Some(value) = submitted else { continue };
            if is_secret(k.key) {
                // Write-only: an empty field keeps what is stored; the value is never shown.
                if value.is_empty() || *value == old {
                    continue;
                }
                let sealed = settings_key(app)?.seal_setting(k.key, value)?;
                let o = Override { key: k.key.to_string(), value: hex_encode(&sealed), data: None };
                overrides::set(tx, &o, now, &actor)?;
                changes.push(format!("{}: changed", k.key));
                continue;
            }
            let mut one = before.clone();
            (k.set)(&mut one, value).map_err(|msg| field_error(k.field, msg))?;
            let new = (k.get)(&one);
            if new == old {
                continue;
            }
            if new == (k.get)(app.file_config()) {
                overrides::remove(tx, k.key)?;
            } else {
                let o = Override { key: k.key.to_string(), value: new.clone(), data: None };
                overrides::set(tx, &o, now, &actor)?;
            }
            changes.push(change_line(k, &old, &new));
        }
        let cfg = apply_overrides(app.file_config(), &overrides::list(tx)?, app.settings_key.get());
        if let Err(e) = cfg.validate() {
            let field =
                defs.iter().find(|k| e.0.contains(&format!("`{}", k.key))).map(|k| k.field).unwrap_or(defs[0].field);
            let mut fe = FieldErrors::new();
            fe.add_with(field, m::SETTINGS_ERR_INVALID, vec![("why", e.0.clone())]);
            return Err(Error::Invalid(fe));
        }
        // The hotline turned on (or on already): its key file is loaded, or created, as at
        // start (0600, refused when others may read it) before anything is committed, so
        // `reveal`/`verify` work at the next request or the save is refused at the field.
        if cfg.hotline.mode != HotlineMode::Off {
            if let Err(why) = app.load_hotline_key() {
                let mut fe = FieldErrors::new();
                fe.add_with("hotline_mode", m::SETTINGS_ERR_HOTLINE_KEY, vec![("why", why)]);
                return Err(Error::Invalid(fe));
            }
        }
        if !changes.is_empty() {
            let next = read_version(tx, input.section)?.parse::<i64>().unwrap_or(0) + 1;
            db::settings::set(tx, &version_name(input.section), &next.to_string())?;
            let detail = changes.join("; ");
            let target = format!("settings:{}", input.section);
            let e =
                audit::Entry { actor: &actor, action: "settings.changed", target: &target, detail: &detail, address };
            audit::insert(tx, &e, now)?;
        }
        Ok((cfg, changes))
    })?;
    if !changes.is_empty() {
        let theme = crate::assets::Theme::build(&cfg);
        app.swap_config(cfg, theme);
    }
    Ok(())
}

fn field_error(field: &str, msg: Msg) -> Error {
    let mut fe = FieldErrors::new();
    fe.add(field, msg);
    Error::Invalid(fe)
}

/// `key: "old" → "new"` for the audit log; long values (CSS) are shortened; the field list
/// is told field by field.
fn change_line(k: &KeyDef, old: &str, new: &str) -> String {
    if k.key == "fields" {
        return fields_change(old, new);
    }
    let short = |s: &str| {
        if s.chars().count() > 80 {
            format!("{:?}…", s.chars().take(80).collect::<String>())
        } else {
            format!("{s:?}")
        }
    };
    format!("{}: {} → {}", k.key, short(old), short(new))
}

/// The field list's change for the audit log, field by field with its whole definition
/// before and after (`fields.<key>: added {…}`, `{…} → {…}`, `removed`), or the new order.
fn fields_change(old: &str, new: &str) -> String {
    let parse = |s: &str| serde_json::from_str::<Vec<Field>>(s).unwrap_or_default();
    let (before, after) = (parse(old), parse(new));
    let json = |f: &Field| serde_json::to_string(f).unwrap_or_default();
    let mut parts = Vec::new();
    for f in &after {
        match before.iter().find(|o| o.key == f.key) {
            None => parts.push(format!("fields.{}: added {}", f.key, json(f))),
            Some(o) if json(o) != json(f) => parts.push(format!("fields.{}: {} → {}", f.key, json(o), json(f))),
            Some(_) => {}
        }
    }
    for o in before.iter().filter(|o| !after.iter().any(|f| f.key == o.key)) {
        parts.push(format!("fields.{}: removed {}", o.key, json(o)));
    }
    let order = |v: &[Field]| v.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(", ");
    if parts.is_empty() && order(&before) != order(&after) {
        parts.push(format!("fields: order {} → {}", order(&before), order(&after)));
    }
    parts.join("; ")
}

/// The WCAG contrast of the text the theme puts on `color` (white or near-black, whichever it
/// picks); `None` when `color` is not a colour.
pub fn accent_contrast(color: &str) -> Option<f64> {
    let (r, g, b) = crate::config::parse_hex_color(color)?;
    let l = crate::assets::relative_luminance(r, g, b);
    let on = if l > 0.40 { crate::assets::relative_luminance(0x11, 0x18, 0x27) } else { 1.0 };
    Some(crate::assets::contrast_ratio(l, on))
}

/// The fields editor's form for one field, as submitted.
pub struct FieldInput<'a> {
    pub key: &'a str,
    pub label_de: &'a str,
    pub label_en: &'a str,
    pub kind: &'a str,
    pub required: bool,
    pub options: &'a str,
    pub help: &'a str,
    pub show_when_field: &'a str,
    pub show_when_values: &'a str,
    pub list_column: bool,
    pub customer_editable: bool,
    pub retired: bool,
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn parse_type(s: &str) -> Option<FieldType> {
    Some(match s.trim() {
        "text" => FieldType::Text,
        "textarea" => FieldType::Textarea,
        "number" => FieldType::Number,
        "date" => FieldType::Date,
        "email" => FieldType::Email,
        "phone" => FieldType::Phone,
        "select" => FieldType::Select,
        "checkbox" => FieldType::Checkbox,
        _ => return None,
    })
}

/// Adds (`existing` = `None`) or changes a field: checks the key, the `show_when` target and
/// values, and that no option still used by tickets goes away; then saves the whole list as
/// one override (so the list is never half-saved).
pub fn save_field(
    app: &App,
    admin: &StaffMember,
    existing: Option<&str>,
    input: &FieldInput,
    version: &str,
    address: &str,
) -> Result<()> {
    let cfg = app.config();
    let mut all = cfg.all_fields();
    let old = existing.map(|k| all.iter().find(|f| f.key == k).cloned().ok_or(Error::NotFound)).transpose()?;
    let mut errors = FieldErrors::new();
    let key = existing.unwrap_or(input.key.trim()).to_string();
    let key_ok = !key.is_empty()
        && key.len() <= 40
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !key_ok {
        errors.add("key", m::SETTINGS_ERR_KEY);
    } else if existing.is_none() && all.iter().any(|f| f.key == key) {
        errors.add("key", m::SETTINGS_ERR_KEY_EXISTS);
    }
    if input.label_de.trim().is_empty() {
        errors.add("label_de", m::ERR_REQUIRED);
    }
    let kind = parse_type(input.kind).unwrap_or_else(|| {
        errors.add("type", m::ERR_INVALID_CHOICE);
        FieldType::Text
    });
    let option_values = lines(input.options);
    if (kind == FieldType::Select) == option_values.is_empty() {
        errors.add("options", m::SETTINGS_ERR_OPTIONS);
    }
    // Options keep their translations from the file when their value stays.
    let options: Vec<FieldOption> = option_values
        .iter()
        .map(|v| {
            old.as_ref()
                .and_then(|o| o.options.iter().find(|x| x.value() == v).cloned())
                .unwrap_or_else(|| FieldOption::Plain(v.clone()))
        })
        .collect();
    let show_when = match input.show_when_field.trim() {
        "" => None,
        target => {
            let values = lines(input.show_when_values);
            match all.iter().find(|f| f.key == target) {
                _ if target == key => errors.add("show_when_field", m::SETTINGS_ERR_SHOW_SELF),
                None => errors.add("show_when_field", m::SETTINGS_ERR_SHOW_UNKNOWN),
                Some(t) if t.retired => errors.add("show_when_field", m::SETTINGS_ERR_SHOW_RETIRED),
                Some(t) => {
                    let bad = values.is_empty()
                        || (t.kind == FieldType::Select
                            && values.iter().any(|v| !t.options.iter().any(|o| o.value() == v)));
                    if bad {
                        errors.add("show_when_values", m::SETTINGS_ERR_SHOW_VALUES);
                    }
                }
            }
            Some(ShowWhen { field: target.to_string(), equals: None, any_of: Some(values) })
        }
    };
    if let Some(o) = &old {
        let conn = app.conn()?;
        for gone in o.options.iter().map(|x| x.value()).filter(|v| !option_values.iter().any(|n| n == v)) {
            let n = overrides::count_field_value(&conn, &o.key, gone)?;
            if n > 0 {
                errors.add_with(
                    "options",
                    m::SETTINGS_ERR_OPTION_USED,
                    vec![("value", gone.to_string()), ("n", n.to_string())],
                );
                break;
            }
        }
    }
    if input.retired {
        if let Some(dep) = all.iter().find(|f| !f.retired && f.show_when.as_ref().is_some_and(|s| s.field == key)) {
            errors.add_with("retired", m::SETTINGS_ERR_INVALID, vec![("why", format!("fields.{}.show_when", dep.key))]);
        }
    }
    errors.into_result()?;
    let field = field_from(key.clone(), kind, options, show_when, input);
    match all.iter_mut().find(|f| f.key == key) {
        Some(slot) => *slot = field,
        None => all.push(field),
    }
    save_fields(app, admin, &all, version, address)
}

fn field_from(
    key: String,
    kind: FieldType,
    options: Vec<FieldOption>,
    show_when: Option<ShowWhen>,
    input: &FieldInput,
) -> Field {
    let label_en = if input.label_en.trim().is_empty() { input.label_de } else { input.label_en };
    Field {
        key,
        label: Text::Localized { de: input.label_de.trim().to_string(), en: label_en.trim().to_string() },
        kind,
        required: input.required,
        options,
        help: opt(input.help).map(Text::Plain),
        show_when,
        list_column: input.list_column,
        customer_editable: input.customer_editable,
        retired: input.retired,
    }
}

/// The active fields of the customer's new-ticket form as they would be with the field being
/// edited (`existing`, or a new one) as the form has it, saved or not and checked or not: for
/// the field form's preview. Input a save would refuse is shown as well as it can be (an
/// unknown type as text, a select without options with none); nothing is stored.
pub fn preview_fields(app: &App, existing: Option<&str>, input: &FieldInput) -> Vec<Field> {
    let cfg = app.config();
    let mut all = cfg.all_fields();
    if existing.is_none() && input.key.trim().is_empty() && input.label_de.trim().is_empty() {
        // A new field's empty form: the form as it is now.
        all.retain(|f| !f.retired);
        return all;
    }
    let key = match existing {
        Some(k) => k.to_string(),
        None if input.key.trim().is_empty() => "neues_feld".to_string(),
        None => input.key.trim().to_string(),
    };
    let kind = parse_type(input.kind).unwrap_or(FieldType::Text);
    let options = if kind == FieldType::Select {
        lines(input.options).into_iter().map(FieldOption::Plain).collect()
    } else {
        Vec::new()
    };
    let show_when = match input.show_when_field.trim() {
        "" => None,
        t if t == key => None,
        t => Some(ShowWhen { field: t.to_string(), equals: None, any_of: Some(lines(input.show_when_values)) }),
    };
    let mut field = field_from(key.clone(), kind, options, show_when, input);
    if field.label.get(crate::i18n::Lang::De).is_empty() {
        field.label = Text::Plain(key.clone());
    }
    match all.iter_mut().find(|f| f.key == key) {
        Some(slot) => *slot = field,
        None => all.push(field),
    }
    all.retain(|f| !f.retired);
    all
}

/// Moves a field one place up or down in the forms.
pub fn move_field(app: &App, admin: &StaffMember, key: &str, up: bool, version: &str, address: &str) -> Result<()> {
    let mut all = app.config().all_fields();
    let i = all.iter().position(|f| f.key == key).ok_or(Error::NotFound)?;
    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < all.len()) };
    if let Some(j) = j {
        all.swap(i, j);
    }
    save_fields(app, admin, &all, version, address)
}

fn save_fields(app: &App, admin: &StaffMember, all: &[Field], version: &str, address: &str) -> Result<()> {
    let json = serde_json::to_string(all).map_err(|e| Error::Internal(e.to_string()))?;
    let input = SaveInput { section: "fields", version, values: vec![("fields", json)], reset: Vec::new() };
    save(app, admin, &input, address)
}

/// The version a section's form must carry.
pub fn version(app: &App, section: &str) -> Result<String> {
    let conn = app.conn()?;
    read_version(&conn, section)
}

/// The settings in effect with a section's form values on top, each checked as a save checks
/// it (`422` at the field otherwise); a secret left empty keeps the one in effect. For the
/// `test` buttons: nothing is stored, nothing swapped in.
fn with_form_values(app: &App, section: &str, values: &[(&str, String)]) -> Result<Config> {
    let mut probe = (*app.config()).clone();
    let mut errors = FieldErrors::new();
    for (field, value) in values {
        let Some(k) = KEYS.iter().find(|k| k.section == section && k.field == *field) else { continue };
        if is_secret(k.key) && value.is_empty() {
            continue;
        }
        if let Err(msg) = (k.set)(&mut probe, value) {
            errors.add(k.field, msg);
        }
    }
    errors.into_result()?;
    Ok(probe)
}

/// The "test" button of the SMTP settings: a test mail to `to` through the relay as the form
/// has it (unsaved values too; an empty password field uses the stored password); the relay's
/// reply either way. Nothing is stored.
pub fn test_mail(app: &App, values: &[(&str, String)], to: &str) -> Result<std::result::Result<String, String>> {
    let probe = with_form_values(app, "mail", values)?;
    Ok(crate::app::notify::send_test(&probe, to))
}

/// The "test" button of the IMAP settings: log in and select the folder of the server as the
/// form has it (as [`test_mail`]); the server's answer. Nothing is stored.
pub fn test_inbound(app: &App, values: &[(&str, String)]) -> Result<std::result::Result<String, String>> {
    let probe = with_form_values(app, "inbound", values)?;
    Ok(match crate::mail::imap::Imap::from_settings(&probe.inbound) {
        Ok(Some(imap)) => imap.check(),
        Ok(None) => Err("no IMAP server set".into()),
        Err(e) => Err(e),
    })
}

/// Largest logo accepted in the browser.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The content type of an uploaded logo: PNG, JPEG or SVG (without scripts, event handlers,
/// `javascript:` links or foreign objects), at most [`MAX_LOGO_BYTES`].
pub fn check_logo(data: &[u8]) -> std::result::Result<&'static str, Msg> {
    if data.len() > MAX_LOGO_BYTES {
        return Err(m::SETTINGS_ERR_LOGO_SIZE);
    }
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if data.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok("image/jpeg");
    }
    let text = std::str::from_utf8(data).map_err(|_| m::SETTINGS_ERR_LOGO_TYPE)?;
    let lower = text.to_ascii_lowercase();
    if !lower.contains("<svg") {
        return Err(m::SETTINGS_ERR_LOGO_TYPE);
    }
    let scripted = lower.contains("<script")
        || lower.contains("javascript:")
        || lower.contains("<foreignobject")
        || lower.contains("<!entity")
        || lower
            .split(|c: char| c.is_whitespace() || c == '<' || c == '/')
            .any(|w| w.starts_with("on") && w.contains('='));
    if scripted {
        return Err(m::SETTINGS_ERR_LOGO_SCRIPT);
    }
    Ok("image/svg+xml")
}

/// Stores an uploaded logo as the `portal.logo` override (checked with [`check_logo`]), or with
/// `data` = `None` returns to the file's logo. Audited, swapped in like every other setting.
pub fn save_logo(app: &App, admin: &StaffMember, data: Option<&[u8]>, version: &str, address: &str) -> Result<()> {
    let _one_at_a_time = app.settings_lock.lock().unpoisoned();
    let ctype = match data.map(check_logo).transpose() {
        Ok(t) => t,
        Err(msg) => return Err(field_error("logo", msg)),
    };
    let now = clock::now();
    let actor = format!("staff:{}", admin.username);
    let mut conn = app.conn()?;
    let cfg = db::write(&mut conn, |tx| {
        if read_version(tx, "portal")? != version.trim() {
            return Err(field_error("version", m::SETTINGS_CONFLICT));
        }
        let detail = match (data, ctype) {
            (Some(d), Some(t)) => {
                let o = Override { key: "portal.logo".into(), value: t.to_string(), data: Some(d.to_vec()) };
                overrides::set(tx, &o, now, &actor)?;
                format!("portal.logo: uploaded ({t}, {} bytes)", d.len())
            }
            _ => {
                overrides::remove(tx, "portal.logo")?;
                "portal.logo: reset to the file".to_string()
            }
        };
        let cfg = apply_overrides(app.file_config(), &overrides::list(tx)?, app.settings_key.get());
        cfg.validate().map_err(|e| Error::Internal(e.0))?;
        let next = read_version(tx, "portal")?.parse::<i64>().unwrap_or(0) + 1;
        db::settings::set(tx, &version_name("portal"), &next.to_string())?;
        let e = audit::Entry {
            actor: &actor,
            action: "settings.changed",
            target: "settings:portal",
            detail: &detail,
            address,
        };
        audit::insert(tx, &e, now)?;
        Ok(cfg)
    })?;
    let theme = crate::assets::Theme::build(&cfg);
    app.swap_config(cfg, theme);
    Ok(())
}

/// `ticketd config show`: each key with its effective value and source; secrets masked.
pub fn show(app: &App) -> Result<Vec<(String, String, Source)>> {
    let conn = app.conn()?;
    let list = overrides::list(&conn)?;
    let file = app.file_config();
    let cfg = app.config();
    let src = |k: &str| source_of(file, &list, k);
    let mask =
        |s: Option<&String>| if s.is_some_and(|s| !s.is_empty()) { "********".to_string() } else { String::new() };
    let mut out: Vec<(String, String, Source)> = vec![
        ("listen".into(), cfg.listen.clone(), src("listen")),
        ("database".into(), cfg.database.display().to_string(), src("database")),
        ("base_url".into(), cfg.base_url.clone().unwrap_or_default(), src("base_url")),
        ("trusted_proxies".into(), cfg.trusted_proxies.join(", "), src("trusted_proxies")),
        ("time_zone".into(), cfg.time_zone.clone(), src("time_zone")),
        ("default_language".into(), cfg.default_language.clone(), src("default_language")),
        ("hotline.key_file".into(), cfg.hotline_key_path().display().to_string(), src("hotline.key_file")),
    ];
    for k in KEYS {
        let v = if is_secret(k.key) {
            mask(Some(&(k.get)(&cfg)))
        } else if k.key == "fields" {
            let keys: Vec<&str> = cfg.fields.iter().map(|f| f.key.as_str()).collect();
            format!("[{}]", keys.join(", "))
        } else {
            (k.get)(&cfg)
        };
        out.push((k.key.to_string(), v, src(k.key)));
    }
    let logo = if list.iter().any(|o| o.key == "portal.logo") {
        "(uploaded)".to_string()
    } else {
        cfg.portal.logo.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
    };
    out.push(("portal.logo".into(), logo, src("portal.logo")));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_bad_ones_are_skipped() {
        let file = Config::default();
        let list = vec![
            Override { key: "portal.title".into(), value: "Büro".into(), data: None },
            Override { key: "contingents.warn_at_percent".into(), value: "500".into(), data: None },
            Override { key: "no.such".into(), value: "x".into(), data: None },
        ];
        let c = apply_overrides(&file, &list, None);
        assert_eq!(c.portal.title, "Büro");
        assert_eq!(c.contingents.warn_at_percent, 80);
        assert_eq!(source_of(&file, &list, "portal.title"), Source::Browser);
        assert_eq!(source_of(&file, &list, "portal.accent_color"), Source::Default);
    }

    #[test]
    fn contrast_of_pale_accent_is_too_low() {
        assert!(accent_contrast("#1d4ed8").unwrap() >= 4.5);
        assert!(accent_contrast("#ffff00").unwrap() >= 4.5);
        assert!(accent_contrast("#7f7f7f").unwrap() < 4.5);
    }

    #[test]
    fn logos_are_checked() {
        assert_eq!(check_logo(b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
        assert_eq!(check_logo(&[0xff, 0xd8, 0xff, 0xe0]).unwrap(), "image/jpeg");
        assert_eq!(check_logo(b"<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>").unwrap(), "image/svg+xml");
        assert!(check_logo(b"<svg><script>alert(1)</script></svg>").is_err());
        assert!(check_logo(b"<svg><rect onload=\"x()\"/></svg>").is_err());
        assert!(check_logo(b"<svg><a href=\"javascript:x()\"/></svg>").is_err());
        assert!(check_logo(b"GIF89a").is_err());
        assert!(check_logo(&vec![0u8; MAX_LOGO_BYTES + 1]).is_err());
    }

    #[test]
    fn every_key_round_trips() {
        let c = Config::default();
        for k in KEYS {
            let mut d = c.clone();
            (k.set)(&mut d, &(k.get)(&c)).unwrap_or_else(|_| panic!("{}", k.key));
            assert_eq!((k.get)(&d), (k.get)(&c), "{}", k.key);
        }
    }
}
