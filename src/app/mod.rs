//! Use-cases. Each public function is one thing a person does; each write is one
//! transaction including its activity and audit rows. Knows nothing of HTTP.

pub mod account;
pub mod admin;
pub mod api_tokens;
pub mod attachments;
pub mod bootstrap;
pub mod contacts;
pub mod contingents;
pub mod export;
pub mod hotline;
pub mod import;
pub mod inbound;
pub mod inbound_poll;
pub mod links;
pub mod notify;
pub mod people;
pub mod recheck;
pub mod sessions;
pub mod settings;
pub mod snippets;
pub mod staff;
pub mod tickets;
pub mod totp;
pub mod webhooks;
pub mod workflow;

use std::time::Duration;

use crate::auth::gate::HashGate;
use crate::auth::throttle::Throttle;
use crate::config::Config;
use crate::db::{self, Pool, PooledConn};
use crate::error::Result;
use crate::i18n::Lang;
use crate::sync::Unpoison;

/// Everything a request needs that lives as long as the process.
pub struct App {
    /// The effective configuration: the file's values with the browser's overrides on top
    /// (see `app::settings`). Swapped whole when an admin saves settings; read it through
    /// [`App::config`], which hands out the current snapshot.
    config: std::sync::RwLock<std::sync::Arc<Config>>,
    /// The configuration as the file (and environment) gave it, before any override.
    file_config: Config,
    pub tz: &'static time_tz::Tz,
    pub default_lang: Lang,
    pub pool: Pool,
    pub hash_gate: HashGate,
    pub account_throttle: Throttle,
    pub address_throttle: Throttle,
    /// Verified against for unknown accounts, so they cost as much as wrong passwords. Made on
    /// first use (`serve` makes it at start): a one-shot command such as `mail receive` never
    /// needs it, and one bcrypt hash was most of its time.
    dummy_hash: std::sync::OnceLock<String>,
    /// Branding built from `[portal]`: theme stylesheet and logo; rebuilt with the config.
    theme: std::sync::RwLock<std::sync::Arc<crate::assets::Theme>>,
    /// The key of the hotline's recoverable password copies: loaded (or created) at start when
    /// the hotline is on, or when an admin turns it on in the browser (`app::settings`); read
    /// it through [`App::hotline_key`], which gives nothing while the hotline is off.
    hotline_key: std::sync::OnceLock<crate::auth::hotline::HotlineKey>,
    /// Sessions whose `last_seen_at` was written lately: one write per session and minute, not
    /// one per parallel request that noticed it was due.
    touched: std::sync::Mutex<std::collections::HashMap<Vec<u8>, std::time::Instant>>,
    /// Sessions seen since the last flush (`sessions::flush_touches`): token hash → when.
    pending_touches: std::sync::Mutex<Vec<(Vec<u8>, i64)>>,
    /// Generated passwords waiting to be shown once, keyed by the session that asked.
    secrets: std::sync::Mutex<Vec<PendingSecret>>,
    /// Logins waiting for their TOTP code (see `app::totp`), keyed by the hash of their cookie.
    pub(crate) pending_2fa: std::sync::Mutex<std::collections::HashMap<Vec<u8>, totp::Pending>>,
    /// One settings save at a time, from its transaction to the swap (see `app::settings`).
    pub(crate) settings_lock: std::sync::Mutex<()>,
    /// Seals the secrets set in the browser (`ticketd-settings.key` beside the hotline key).
    /// Made when the first secret is saved; absent until then.
    pub(crate) settings_key: std::sync::OnceLock<crate::auth::hotline::HotlineKey>,
}

struct PendingSecret {
    session: Vec<u8>,
    target: String,
    secret: String,
    at: std::time::Instant,
}

impl App {
    /// Opens (and migrates) the database; does not create any account.
    pub fn open(file_config: Config) -> Result<App> {
        // Before the first connection: every connection's PRAGMAs follow it.
        db::replication::leave_checkpoints_to_litestream(
            file_config.replication == crate::config::Replication::Litestream,
        );
        let mut conn = db::open(&file_config.database)?;
        db::migrate(&mut conn)?;
        let settings_key = std::sync::OnceLock::new();
        let key_path = settings::key_path(&file_config);
        if key_path.exists() {
            let k =
                crate::auth::hotline::HotlineKey::load_or_create(&key_path).map_err(crate::error::Error::Internal)?;
            let _ = settings_key.set(k);
        }
        let config = settings::effective_at_start(&conn, &file_config, settings_key.get())?;
        drop(conn);
        let tz = config.tz().map_err(|e| crate::error::Error::Internal(e.0))?;
        let default_lang = config.language().map_err(|e| crate::error::Error::Internal(e.0))?;
        let hotline_key = std::sync::OnceLock::new();
        if config.hotline.mode != crate::config::HotlineMode::Off {
            let k = crate::auth::hotline::HotlineKey::load_or_create(&config.hotline_key_path())
                .map_err(crate::error::Error::Internal)?;
            let _ = hotline_key.set(k);
        }

        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let s = &config.security;
        let gate = if s.max_concurrent_logins == 0 { cores } else { s.max_concurrent_logins };
        let window = Duration::from_secs(s.login_lockout_minutes * 60);
        Ok(App {
            tz,
            default_lang,
            pool: Pool::new(&config.database, 64),
            hash_gate: HashGate::new(gate),
            account_throttle: Throttle::new(s.login_max_failures_per_account, window),
            address_throttle: Throttle::new(s.login_max_failures_per_address, window),
            dummy_hash: std::sync::OnceLock::new(),
            theme: std::sync::RwLock::new(std::sync::Arc::new(crate::assets::Theme::build(&config))),
            secrets: std::sync::Mutex::new(Vec::new()),
            pending_2fa: std::sync::Mutex::new(std::collections::HashMap::new()),
            settings_lock: std::sync::Mutex::new(()),
            settings_key,
            touched: std::sync::Mutex::new(std::collections::HashMap::new()),
            pending_touches: std::sync::Mutex::new(Vec::new()),
            hotline_key,
            config: std::sync::RwLock::new(std::sync::Arc::new(config)),
            file_config,
        })
    }

    /// The effective configuration now: one consistent snapshot; hold it for the length of a
    /// request rather than calling this twice for related values.
    pub fn config(&self) -> std::sync::Arc<Config> {
        self.config.read().unpoisoned().clone()
    }

    /// The configuration as the file gave it (no browser overrides).
    pub fn file_config(&self) -> &Config {
        &self.file_config
    }

    /// The theme built from the current configuration.
    pub fn theme(&self) -> std::sync::Arc<crate::assets::Theme> {
        self.theme.read().unpoisoned().clone()
    }

    /// Puts a new effective configuration (already validated) and its theme in place at once.
    pub(crate) fn swap_config(&self, config: Config, theme: crate::assets::Theme) {
        let mut c = self.config.write().unpoisoned();
        let mut t = self.theme.write().unpoisoned();
        *c = std::sync::Arc::new(config);
        *t = std::sync::Arc::new(theme);
        drop((c, t));
        // The mail sender follows `[smtp]` changes before its next mail.
        notify::wake();
    }

    /// The hotline key while the hotline is on (`[hotline] mode` in effect is not `off`).
    pub fn hotline_key(&self) -> Option<&crate::auth::hotline::HotlineKey> {
        if self.config().hotline.mode == crate::config::HotlineMode::Off {
            return None;
        }
        self.hotline_key.get()
    }

    /// Loads the hotline key file (`[hotline] key_file`, a file-only key), creating it when
    /// missing, with the start's rules: mode 0600, refused when group or others may read it.
    /// For turning the hotline on in the browser; a key loaded once stays.
    pub(crate) fn load_hotline_key(&self) -> std::result::Result<&crate::auth::hotline::HotlineKey, String> {
        if let Some(k) = self.hotline_key.get() {
            return Ok(k);
        }
        let k = crate::auth::hotline::HotlineKey::load_or_create(&self.file_config.hotline_key_path())?;
        Ok(self.hotline_key.get_or_init(|| k))
    }

    /// The hash unknown accounts are checked against (see the field).
    pub fn dummy_hash(&self) -> &str {
        self.dummy_hash.get_or_init(|| crate::auth::password::dummy_hash(self.config().security.bcrypt_cost))
    }

    /// The identity of the database state this request's reads see (`db::scope_version`): it
    /// changes with every commit; `None` outside a read scope that has read, or after a write.
    pub fn data_version(&self) -> Option<i64> {
        db::scope_version()
    }

    /// `true` for the one caller that may write this session's `last_seen_at` now.
    pub fn claim_session_touch(&self, token_hash: &[u8]) -> bool {
        let mut map = self.touched.lock().unpoisoned();
        let now = std::time::Instant::now();
        if map.len() > 10_000 {
            map.retain(|_, t| now.duration_since(*t) < Duration::from_secs(60));
        }
        match map.get(token_hash) {
            Some(t) if now.duration_since(*t) < Duration::from_secs(60) => false,
            _ => {
                map.insert(token_hash.to_vec(), now);
                true
            }
        }
    }

    /// Notes that a session was seen at `at`; written by the next `sessions::flush_touches`.
    pub fn queue_session_touch(&self, token_hash: &[u8], at: i64) {
        self.pending_touches.lock().unpoisoned().push((token_hash.to_vec(), at));
    }

    /// The session touches noted since the last call.
    pub fn take_session_touches(&self) -> Vec<(Vec<u8>, i64)> {
        std::mem::take(&mut *self.pending_touches.lock().unpoisoned())
    }

    /// Keeps a generated password for one display to the session that created it (POST →
    /// 303 → GET). Held in memory only, for at most five minutes.
    pub fn stash_secret(&self, session: &[u8], target: &str, secret: String) {
        let mut v = self.secrets.lock().unpoisoned();
        v.retain(|p| p.at.elapsed() < Duration::from_secs(300) && !(p.session == session && p.target == target));
        v.push(PendingSecret {
            session: session.to_vec(),
            target: target.to_string(),
            secret,
            at: std::time::Instant::now(),
        });
    }

    /// Takes the stashed secret out: it is shown exactly once.
    pub fn take_secret(&self, session: &[u8], target: &str) -> Option<String> {
        let mut v = self.secrets.lock().unpoisoned();
        let i = v
            .iter()
            .position(|p| p.session == session && p.target == target && p.at.elapsed() < Duration::from_secs(300))?;
        Some(v.remove(i).secret)
    }

    /// The encrypted copy of a password for the hotline, when the hotline is on.
    pub fn seal_password(&self, customer_id: i64, password: &str) -> Result<Option<Vec<u8>>> {
        match self.hotline_key() {
            Some(k) => k.seal(customer_id, password).map(Some),
            None => Ok(None),
        }
    }

    /// The hotline copy of a contact's password, when the hotline is on.
    pub fn seal_contact_password(&self, contact_id: i64, password: &str) -> Result<Option<Vec<u8>>> {
        match self.hotline_key() {
            Some(k) => k.seal_contact(contact_id, password).map(Some),
            None => Ok(None),
        }
    }

    pub fn conn(&self) -> Result<PooledConn<'_>> {
        self.pool.get()
    }

    /// One connection and one read transaction for the rest of this request's reads on this
    /// thread (see `db::ReadScope`); `web::handle` opens it for every `GET` and `HEAD`.
    pub fn read_scope(&self) -> db::ReadScope<'_> {
        db::ReadScope::begin(&self.pool)
    }

    /// The database answers (`/healthz`).
    pub fn healthy(&self) -> bool {
        self.conn().and_then(|c| db::ping(&c)).is_ok()
    }
}
