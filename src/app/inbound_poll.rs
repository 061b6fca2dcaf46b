//! Mail in by IMAP, in the server process: when `[inbound] imap_host` is set, a background
//! thread polls the mailbox every `poll_seconds` (`mail::imap` speaks the protocol) and hands
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

/// Starts the poller when `[inbound] imap_host` is set; it ends with the process, and starts no
/// poll once `stop` is set.
pub fn spawn_poller(app: Arc<App>, stop: Arc<AtomicBool>) -> std::io::Result<()> {
    let Some(imap) = Imap::from_settings(&app.config().inbound).map_err(std::io::Error::other)? else {
        return Ok(());
    };
    let every = app.config().inbound.poll_seconds.max(1);
    log(&format!("polling {imap:?} every {every} s"));
    std::thread::Builder::new().name("ticketd-imap".into()).spawn(move || {
        let mut poller = Poller::new(imap);
        while !stop.load(Ordering::SeqCst) {
            // A panic in one poll (a bug in the importer on one odd message) must not end
            // polling for good: it is logged and counts as a failed poll.
            let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poller.poll(&app, &stop)));
            let wait = polled.unwrap_or_else(|_| {
                log("a poll failed unexpectedly (panic); trying again later");
                poller.failures += 1;
                Duration::from_secs(backoff(app.config().inbound.poll_seconds.max(1), poller.failures))
            });
            sleep_unless_stopped(wait, &stop);
        }
    })?;
    Ok(())
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

fn sleep_unless_stopped(wait: Duration, stop: &AtomicBool) {
    let until = Instant::now() + wait;
    while !stop.load(Ordering::SeqCst) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(200)));
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
