//! Webhooks (`[[webhooks]]`, issue 21). Events are written by database triggers in the
//! transaction of the change (schema: the webhooks migration), so every writer — pages, API,
//! mail importer, CSV import, auto-close — queues them without knowing of webhooks. A thread
//! started beside the mail sender ([`spawn_sender`]) turns each event into one delivery per
//! hook that wants it (internal ones only with `include_internal`), then POSTs the deliveries
//! one at a time with `X-Ticketd-Signature: sha256=<hex HMAC-SHA256 of the body>`, a timeout,
//! no redirects followed, and back-off on anything but a 2xx. Nothing here runs inside a
//! request. Without webhooks configured the events are dropped.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::app::App;
use crate::clock;
use crate::config::Webhook;
use crate::db::webhooks as wdb;
use crate::db::{self, audit};
use crate::error::{Error, Result};
use crate::model::{StaffMember, WebhookRow};

/// How often the sender looks for new events when idle (triggers cannot wake a thread).
const POLL: Duration = Duration::from_millis(250);
/// Sent deliveries stay listed this long.
const KEEP_SENT_SECS: i64 = 7 * 24 * 3600;

/// `sha256=<hex>`: the HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in tag {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The JSON body of an event: `{"id", "event", "created_at", "data"}`.
pub fn body(e: &wdb::Event) -> String {
    let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "id": e.id,
        "event": e.event,
        "created_at": clock::rfc3339(e.created_at),
        "data": data,
    })
    .to_string()
}

/// Turns waiting events into deliveries (one transaction); the number of events taken.
pub fn fan_out(app: &App) -> Result<usize> {
    let hooks = &app.config().webhooks;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let events = wdb::events(tx, 500)?;
        let Some(last) = events.last() else {
            return Ok(0);
        };
        let now = clock::now();
        for e in &events {
            let mut body_text = None;
            for h in hooks.iter().filter(|h| h.wants(&e.event, e.internal)) {
                let b = body_text.get_or_insert_with(|| body(e));
                wdb::insert_delivery(tx, e.id, &e.event, h.url.trim(), b, now)?;
            }
        }
        wdb::delete_events_upto(tx, last.id)?;
        Ok(events.len())
    })
}

/// The admins' list: what is not sent yet first, newest first.
pub fn deliveries(app: &App, limit: usize) -> Result<Vec<WebhookRow>> {
    let conn = app.conn()?;
    wdb::list(&conn, limit)
}

/// An admin sends a failed delivery again; audited.
pub fn retry(app: &App, admin: &StaffMember, id: i64, address: &str) -> Result<()> {
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        if !wdb::retry(tx, id, now)? {
            return Err(Error::NotFound);
        }
        let actor = format!("staff:{}", admin.username);
        let target = id.to_string();
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "webhook.retry", target: &target, detail: "", address },
            now,
        )
    })
}

/// Starts the sender thread. First the event triggers are switched on or off as
/// `[[webhooks]]` says, so a portal without webhooks writes no event rows; events left from
/// before (or written while the switch was on) are dropped at start and then every hour.
pub fn spawn_sender(app: Arc<App>) -> std::io::Result<()> {
    let active = !app.config().webhooks.is_empty();
    if let Err(e) = with_conn(&app, |tx| wdb::set_active(tx, active)) {
        // A read-only database still serves pages; its writes fail on their own.
        log(&format!("cannot switch the webhook events {}: {e}", if active { "on" } else { "off" }));
    }
    std::thread::Builder::new().name("ticketd-webhooks".into()).spawn(move || {
        if let Err(e) = with_conn(&app, |tx| wdb::release_in_flight(tx, clock::now())) {
            log(&format!("cannot read the deliveries: {e}"));
        }
        let agent = agent();
        let mut last_purge = 0;
        loop {
            let now = clock::now();
            let idle = app.config().webhooks.is_empty();
            if now - last_purge > 3600 {
                last_purge = now;
                if let Err(e) = with_conn(&app, |tx| wdb::purge_sent(tx, now - KEEP_SENT_SECS)) {
                    log(&format!("cannot purge deliveries: {e}"));
                }
            }
            if let Err(e) = drain_events(&app) {
                log(&format!("cannot queue events: {e}"));
            }
            if idle {
                std::thread::sleep(Duration::from_secs(3600));
                continue;
            }
            match deliver_next(&app, &agent) {
                Ok(true) => {}
                Ok(false) => std::thread::sleep(POLL),
                Err(e) => {
                    log(&format!("{e}"));
                    std::thread::sleep(Duration::from_secs(5));
                }
            }
        }
    })?;
    Ok(())
}

fn drain_events(app: &App) -> Result<()> {
    let waiting = wdb::has_events(&*app.conn()?)?;
    if !waiting {
        return Ok(());
    }
    while fan_out(app)? > 0 {}
    Ok(())
}

/// No redirects (a 3xx is a failed attempt: a hook's URL is configured, not discovered), no
/// proxy from the environment; per-attempt timeouts are set per request.
fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).user_agent(concat!("ticketd/", env!("CARGO_PKG_VERSION"))).build()
}

fn log(msg: &str) {
    eprintln!("{} webhooks: {msg}", clock::rfc3339(clock::now()));
}

fn with_conn<T>(app: &App, f: impl FnOnce(&rusqlite::Transaction) -> Result<T>) -> Result<T> {
    let mut conn = app.conn()?;
    db::write(&mut conn, f)
}

/// POSTs one body; `Ok` for a 2xx, else why not.
pub fn post(
    agent: &ureq::Agent,
    hook: &Webhook,
    event: &str,
    event_id: i64,
    body: &str,
) -> std::result::Result<u16, String> {
    let timeout = Duration::from_secs(hook.timeout_seconds);
    let answer = agent
        .post(hook.url.trim())
        .timeout(timeout)
        .set("Content-Type", "application/json; charset=utf-8")
        .set("X-Ticketd-Event", event)
        .set("X-Ticketd-Delivery", &event_id.to_string())
        .set("X-Ticketd-Signature", &signature(&hook.secret, body.as_bytes()))
        .send_string(body);
    match answer {
        Ok(r) if (200..300).contains(&r.status()) => Ok(r.status()),
        Ok(r) => Err(format!("HTTP {} {}", r.status(), r.status_text())),
        Err(ureq::Error::Status(code, r)) => Err(format!("HTTP {code} {}", r.status_text())),
        Err(ureq::Error::Transport(t)) => Err(t.to_string()),
    }
}

/// Sends the next due delivery; `Ok(false)` when none is due.
pub fn deliver_next(app: &App, agent: &ureq::Agent) -> Result<bool> {
    // Looked up with a read first: an idle sender takes no write lock four times a second.
    let due = wdb::next_due(&*app.conn()?)?;
    if due.is_none_or(|at| at > clock::now()) {
        return Ok(false);
    }
    let Some(d) = with_conn(app, |tx| wdb::claim_due(tx, clock::now()))? else {
        return Ok(false);
    };
    let config = app.config();
    let hook = config.webhooks.iter().find(|h| h.url.trim() == d.url);
    let result = match hook {
        Some(h) => post(agent, h, &d.event, d.event_id, &d.body),
        None => Err("this URL is no longer in [[webhooks]]".to_string()),
    };
    let (max_attempts, retry_seconds) = hook.map_or((0, 60), |h| (h.max_attempts, h.retry_seconds));
    let now = clock::now();
    let outcome = with_conn(app, |tx| match &result {
        Ok(status) => wdb::mark_sent(tx, d.id, now).map(|_| format!("#{} {} sent: {status}", d.id, d.event)),
        Err(e) if d.attempts >= max_attempts => wdb::mark_failed(tx, d.id, &short(e))
            .map(|_| format!("#{} {} failed for good after {} attempt(s): {e}", d.id, d.event, d.attempts)),
        Err(e) => {
            let delay = crate::app::notify::backoff(retry_seconds, d.attempts);
            wdb::mark_retry(tx, d.id, &short(e), now + delay)
                .map(|_| format!("#{} {} not sent (attempt {}), next in {delay}s: {e}", d.id, d.event, d.attempts))
        }
    })?;
    log(&outcome);
    Ok(true)
}

fn short(s: &str) -> String {
    s.chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
