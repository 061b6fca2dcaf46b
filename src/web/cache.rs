//! Encoded responses kept in memory, so a repeated request is answered without a handler.
//!
//! Two kinds, both opted into by the handler with an internal header (see [`MARK`]):
//!
//! - **static**: embedded assets. Their URLs carry the content hash, so an entry never goes
//!   stale; it is keyed by path and whether the request came over HTTPS (HSTS header).
//! - **page**: a logged-in reader's `GET` page (ticket list, ticket, queue). Keyed by
//!   everything the page may depend on — method and URL, the whole `Cookie` header (session,
//!   language), `Accept-Language`, `Host`, HTTPS — so one session never sees another's entry.
//!   An entry is used only while the database is unchanged since it was rendered (SQLite's
//!   `data_version`, which moves with every commit by any connection or process), before its
//!   session could have expired, and for at most [`PAGE_TTL`] (pages show the current date).
//!   A request with `Cache-Control: no-cache` or `Pragma: no-cache` (a browser's hard reload)
//!   skips the lookup.
//!
//! The whole cache holds at most `limits.page_cache_mb`; 0 turns it off.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The internal header a handler sets on a response that may be kept: `static`, or `page` and
/// the session's expiry as Unix seconds. The front door never sends it.
pub const MARK: &str = "X-Ticketd-Internal-Cache";

/// The longest a page entry is used, whatever else holds: pages show the current date.
pub const PAGE_TTL: Duration = Duration::from_secs(30);

/// One kept response, encoded as the front door sends it (without the `Date` line).
pub struct Entry {
    pub bytes: Arc<[u8]>,
    pub status_end: usize,
    pub head_end: usize,
    /// For the access log.
    pub status: u16,
    pub user: String,
    /// `None` for static entries; else the database version the page was rendered from.
    version: Option<i64>,
    valid_until: Instant,
    seq: u64,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Arc<Entry>>,
    bytes: usize,
    seq: u64,
}

pub struct Cache {
    inner: Mutex<Inner>,
    max_bytes: usize,
}

/// The parts of a request a cached answer may depend on.
pub struct KeyParts<'a> {
    pub target: &'a str,
    pub cookie: &'a str,
    pub accept_language: &'a str,
    pub host: &'a str,
    pub https: bool,
}

impl Cache {
    pub fn new(max_bytes: usize) -> Cache {
        Cache { inner: Mutex::new(Inner::default()), max_bytes }
    }

    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    pub fn static_key(target: &str, https: bool) -> String {
        format!("S{}{target}", if https { 's' } else { '-' })
    }

    pub fn page_key(k: &KeyParts<'_>) -> String {
        let mut key =
            String::with_capacity(24 + k.target.len() + k.cookie.len() + k.accept_language.len() + k.host.len());
        key.push('P');
        key.push(if k.https { 's' } else { '-' });
        // Length-prefixed, so no byte inside a part can make two requests share a key.
        for part in [k.target, k.cookie, k.accept_language, k.host] {
            key.push_str(&part.len().to_string());
            key.push(':');
            key.push_str(part);
        }
        key
    }

    /// The entry for `key`, if it is still good for a database at `version` (static entries
    /// ignore the version).
    pub fn get(&self, key: &str, version: Option<i64>) -> Option<Arc<Entry>> {
        if !self.enabled() {
            return None;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let entry = inner.map.get(key)?.clone();
        let fresh = match entry.version {
            None => true,
            Some(v) => version == Some(v) && Instant::now() < entry.valid_until,
        };
        if fresh {
            return Some(entry);
        }
        inner.bytes -= entry.bytes.len();
        inner.map.remove(key);
        None
    }

    /// Keeps an encoded response. `version` is `None` for static entries; pages pass the
    /// database version read *before* their handler ran, so a commit during rendering makes
    /// the entry unusable rather than stale.
    #[allow(clippy::too_many_arguments)]
    pub fn put(
        &self,
        key: String,
        bytes: Arc<[u8]>,
        status_end: usize,
        head_end: usize,
        status: u16,
        user: String,
        version: Option<i64>,
        valid_for: Duration,
    ) {
        let size = bytes.len();
        // One entry may take at most a quarter of the budget.
        if !self.enabled() || size > self.max_bytes / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.seq += 1;
        let seq = inner.seq;
        let entry =
            Entry { bytes, status_end, head_end, status, user, version, valid_until: Instant::now() + valid_for, seq };
        if let Some(old) = inner.map.insert(key, Arc::new(entry)) {
            inner.bytes -= old.bytes.len();
        }
        inner.bytes += size;
        if inner.bytes > self.max_bytes {
            // Outdated entries first, then the oldest.
            let now = Instant::now();
            let newest_version = version;
            inner.map.retain(|_, e| e.version.is_none() || (e.version == newest_version && e.valid_until > now));
            inner.bytes = inner.map.values().map(|e| e.bytes.len()).sum();
            while inner.bytes > self.max_bytes {
                let Some(oldest) = inner.map.iter().min_by_key(|(_, e)| e.seq).map(|(k, _)| k.clone()) else {
                    break;
                };
                if let Some(e) = inner.map.remove(&oldest) {
                    inner.bytes -= e.bytes.len();
                }
            }
        }
    }

    /// Bytes held now (for tests and the bench).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(c: &Cache, key: &str, size: usize, version: Option<i64>, ttl: Duration) {
        c.put(key.into(), vec![b'x'; size].into(), 1, 1, 200, String::new(), version, ttl);
    }

    #[test]
    fn pages_need_the_same_version_and_time_left() {
        let c = Cache::new(1 << 20);
        put(&c, "a", 10, Some(7), Duration::from_secs(30));
        assert!(c.get("a", Some(7)).is_some());
        assert!(c.get("a", Some(8)).is_none(), "a commit makes it unusable");
        assert!(c.get("a", Some(7)).is_none(), "and it is gone");
        put(&c, "b", 10, Some(7), Duration::ZERO);
        assert!(c.get("b", Some(7)).is_none(), "expired");
        assert!(c.get("b", None).is_none());
        put(&c, "s", 10, None, Duration::ZERO);
        assert!(c.get("s", Some(99)).is_some(), "static entries ignore version and time");
    }

    #[test]
    fn memory_stays_within_the_budget() {
        let c = Cache::new(1000);
        put(&c, "too-big", 300, None, Duration::from_secs(30));
        assert_eq!(c.held(), 0, "one entry may take a quarter at most");
        for i in 0..50 {
            put(&c, &format!("k{i}"), 200, Some(1), Duration::from_secs(30));
            assert!(c.held() <= 1000);
        }
        assert!(c.get("k49", Some(1)).is_some(), "the newest stays");
        assert!(c.get("k0", Some(1)).is_none(), "the oldest went");
        put(&c, "k50", 200, Some(2), Duration::from_secs(30));
        assert!(c.held() <= 1000);
    }

    #[test]
    fn keys_separate_sessions_and_languages() {
        let base = KeyParts {
            target: "/tickets",
            cookie: "ticketd_session=a",
            accept_language: "de",
            host: "h",
            https: false,
        };
        let other_session = KeyParts { cookie: "ticketd_session=b", ..base };
        let other_lang = KeyParts { accept_language: "en", ..base };
        let https = KeyParts { https: true, ..base };
        let keys = [&base, &other_session, &other_lang, &https].map(Cache::page_key);
        for i in 0..keys.len() {
            for j in 0..i {
                assert_ne!(keys[i], keys[j]);
            }
        }
        // Moving bytes from one part to the next changes the key.
        let a = KeyParts { target: "/a1:b", cookie: "", ..base };
        let b = KeyParts { target: "/a", cookie: "b", ..base };
        assert_ne!(Cache::page_key(&a), Cache::page_key(&b));
    }
}
