//! Mail in by IMAP, in the server process: while `[inbound] imap_host` is set (in the file or
//! in the browser), a background thread polls the mailbox every `poll_seconds` (`mail::imap` speaks the protocol) and hands
//! each new message to the one importer, [`inbound::import`] — the same one `ticketd mail
//! receive` uses. The mailbox is changed (`after_import`) only after the import's transaction
//! committed; see [`verdict`] for what becomes of a message the importer refuses.
//!
//! Failures never end the server: a poll that fails (no connection, refused login, a folder
//! that does not exist, a connection that breaks mid-fetch) is logged once — again only when
//! the error changes, and once more when polling works again — and the next poll waits longer
//! (doubling, at most an hour or `poll_seconds` when that is longer).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::app::inbound;
use crate::app::App;
use crate::clock;
use crate::error::Error;
use crate::mail::imap::{Imap, Verdict};
use crate::mail::Inbound;

/// Starts the poller thread; it ends with the process, and starts no poll once `stop` is set.
///
/// The thread reads the current settings (`app.config()`) before every poll and while it
/// waits, so `[inbound]` changed in the browser applies without a restart: new server, login,
/// folder, interval or `after_import` at the next poll; polling starts when `imap_host` is set
/// and stops when it is removed. Settings that do not make a client (a bad `ca_file`) refuse
/// the start, as before; at run time they are logged and polling waits for better ones.
pub fn spawn_poller(app: Arc<App>, stop: Arc<AtomicBool>) -> std::io::Result<()> {
    let first = app.config();
    let imap = Imap::from_settings(&first.inbound).map_err(std::io::Error::other)?;
    let mut current = Current { inbound: first.inbound.clone(), poller: None };
    if let Some(imap) = imap {
        log(&format!("polling {imap:?} every {} s", first.inbound.poll_seconds.max(1)));
        current.poller = Some(Poller::new(imap));
    }
    std::thread::Builder::new().name("ticketd-imap".into()).spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            let cfg = app.config();
            current.follow(&cfg.inbound);
            let wait = match current.poller.as_mut() {
                // A panic in one poll (a bug in the importer on one odd message) must not end
                // polling for good: it is logged and counts as a failed poll.
                Some(poller) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poller.poll(&app, &stop)))
                    .unwrap_or_else(|_| {
                        log("a poll failed unexpectedly (panic); trying again later");
                        poller.failures += 1;
                        Duration::from_secs(backoff(cfg.inbound.poll_seconds.max(1), poller.failures))
                    }),
                // Nothing to poll: wait for settings that name a server.
                None => Duration::from_secs(3600),
            };
            drop(cfg);
            sleep_until_stopped_or_changed(wait, &stop, &app, &current.inbound);
        }
    })?;
    Ok(())
}

/// The `[inbound]` settings the poller works with, and its client for them (`None`: no IMAP
/// server set, or settings that make no client).
struct Current {
    inbound: Inbound,
    poller: Option<Poller>,
}

impl Current {
    /// Takes new settings: a new client (and a fresh failure count) when they changed.
    fn follow(&mut self, now: &Inbound) {
        if *now == self.inbound {
            return;
        }
        self.inbound = now.clone();
        let was_polling = self.poller.is_some();
        self.poller = match Imap::from_settings(now) {
            Ok(Some(imap)) => {
                log(&format!("settings changed: polling {imap:?} every {} s", now.poll_seconds.max(1)));
                Some(Poller::new(imap))
            }
            Ok(None) => {
                if was_polling {
                    log("settings changed: no IMAP server set, polling stopped");
                }
                None
            }
            Err(e) => {
                log(&format!("settings changed, but they make no IMAP client: {e}; polling stopped"));
                None
            }
        };
    }
}

/// The poller's memory between polls: what was logged, how long to wait.
pub struct Poller {
    imap: Imap,
    /// Consecutive failed polls, and the error last logged.
    failures: u32,
    last_error: Option<String>,
    /// Messages (by content hash) whose import error was logged already: once per message and
    /// error, not at every poll.
    logged: HashSet<[u8; 32]>,
}

impl Poller {
    pub fn new(imap: Imap) -> Poller {
        Poller { imap, failures: 0, last_error: None, logged: HashSet::new() }
    }

    /// One poll; returns how long to wait before the next.
    pub fn poll(&mut self, app: &App, stop: &AtomicBool) -> Duration {
        let every = app.config().inbound.poll_seconds.max(1);
        let logged = &mut self.logged;
        let result = self.imap.poll(inbound::MAX_RAW_BYTES as u64, |raw| {
            if stop.load(Ordering::SeqCst) {
                return Verdict::Later;
            }
            import(app, raw, logged)
        });
        match result {
            Ok(polled) => {
                if polled.too_large > 0 {
                    log(&format!(
                        "{} message(s) over {} MiB: flagged \\Seen and left in the mailbox, not downloaded",
                        polled.too_large,
                        inbound::MAX_RAW_BYTES >> 20
                    ));
                }
                if self.failures > 0 {
                    log(&format!("{}: polling works again", self.imap.server()));
                }
                self.failures = 0;
                self.last_error = None;
                Duration::from_secs(every)
            }
            Err(e) => {
                self.failures += 1;
                if self.last_error.as_deref() != Some(e.as_str()) {
                    log(&format!("{e} (trying again, less often while it fails)"));
                    self.last_error = Some(e);
                }
                Duration::from_secs(backoff(every, self.failures))
            }
        }
    }
}

/// One message through the importer; its verdict for the mailbox.
fn import(app: &App, raw: &[u8], logged: &mut HashSet<[u8; 32]>) -> Verdict {
    match inbound::import(app, raw) {
        // The importer logs what became of the message.
        Ok(_) => Verdict::Imported,
        Err(e) => {
            let v = verdict(&e);
            if logged.len() > 10_000 {
                logged.clear();
            }
            let key: [u8; 32] = Sha256::new().chain_update(raw).chain_update(e.to_string()).finalize().into();
            if logged.insert(key) {
                let what = match v {
                    Verdict::Unreadable => "unreadable, flagged \\Seen and left in the mailbox",
                    _ => "left in the mailbox for the next poll",
                };
                log(&format!("a message of {} bytes: {what}: {e}", raw.len()));
            }
            v
        }
    }
}

/// What a refused import means for the message in the mailbox. A busy or unavailable
/// database, and anything unexpected, leave it untouched: the next poll offers it again, and
/// nothing is lost to a passing failure. Only a message the importer calls unreadable (it is
/// not a message, or too large to be one) is flagged `\Seen` — never deleted or moved — so it
/// is not fetched at every poll for ever and a person can still find it in the mailbox.
pub fn verdict(e: &Error) -> Verdict {
    match e {
        Error::BadRequest(_) | Error::Invalid(_) | Error::TooLarge(_) => Verdict::Unreadable,
        _ => Verdict::Later,
    }
}

/// Wait after `failures` failed polls in a row: the mail sender's retry rule (`every`, doubled
/// per failure, at most an hour or `every` when that is longer).
pub fn backoff(every: u64, failures: u32) -> u64 {
    crate::app::notify::backoff(every, failures).unsigned_abs()
}

/// Waits `wait`, or less: until a stop began or the `[inbound]` settings in effect are no
/// longer `seen` (an admin saved new ones).
fn sleep_until_stopped_or_changed(wait: Duration, stop: &AtomicBool, app: &App, seen: &Inbound) {
    let until = Instant::now() + wait;
    let mut last = app.config();
    while !stop.load(Ordering::SeqCst) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(200)));
        let now = app.config();
        // A swap makes a new snapshot; only then are the settings compared.
        if !Arc::ptr_eq(&now, &last) {
            if now.inbound != *seen {
                return;
            }
            last = now;
        }
    }
}

fn log(msg: &str) {
    eprintln!("{} imap: {msg}", clock::rfc3339(clock::now()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::m;

    #[test]
    fn only_an_unreadable_message_is_flagged_everything_else_waits() {
        assert_eq!(verdict(&Error::BadRequest(m::ERR_BAD_FORM)), Verdict::Unreadable);
        assert_eq!(verdict(&Error::Unavailable("database is locked".into())), Verdict::Later);
        assert_eq!(verdict(&Error::Internal("disk I/O error".into())), Verdict::Later);
    }
}
