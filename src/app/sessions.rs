//! Logging in and out, and finding the principal behind a session token.

use crate::app::App;
use crate::auth::{self, password};
use crate::clock;
use crate::db::{self, audit, customers, sessions, staff};
use crate::error::{Error, Result};
use crate::i18n::m;
use crate::model::{normalize_email, Principal, Realm};

/// A live session, resolved from its cookie token.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: Vec<u8>,
    pub csrf: String,
    pub principal: Principal,
    /// When the session ends at the latest if unused from now on (Unix seconds).
    pub expires_at: i64,
}

pub enum LoginOutcome {
    /// The new session's cookie token.
    LoggedIn { token: String, principal: Principal },
    /// Unknown account, wrong password or inactive account: one answer for all.
    Failed,
}

/// Only touch `last_seen_at` this often, so reading pages does not turn into a write each.
const TOUCH_EVERY_SECS: i64 = 60;

pub fn resolve(app: &App, token: &str) -> Result<Option<Session>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = auth::token_hash(token);
    let conn = app.conn()?;
    let Some(row) = sessions::get(&conn, &hash)? else {
        return Ok(None);
    };
    let now = clock::now();
    let s = &app.config.security;
    let idle_expired = now - row.last_seen_at > (s.session_idle_minutes * 60) as i64;
    let too_old = now - row.created_at > (s.session_max_hours * 3600) as i64;
    let principal = match (row.customer_id, row.staff_id) {
        (Some(id), _) => {
            let c = customers::get(&conn, id)?;
            c.active.then_some(Principal::Customer(c))
        }
        (_, Some(id)) => {
            let st = staff::get(&conn, id)?;
            st.active.then_some(Principal::Staff(st))
        }
        _ => None,
    };
    let Some(principal) = principal.filter(|_| !idle_expired && !too_old) else {
        // Best effort: a read-only database must not turn an expired session into a 503.
        let _ = sessions::delete(&conn, &hash);
        return Ok(None);
    };
    if now - row.last_seen_at >= TOUCH_EVERY_SECS && app.claim_session_touch(&hash) {
        let _ = sessions::touch(&conn, &hash, now);
    }
    let expires_at = (row.last_seen_at + (s.session_idle_minutes * 60) as i64)
        .min(row.created_at + (s.session_max_hours * 3600) as i64);
    Ok(Some(Session { token_hash: hash, csrf: row.csrf, principal, expires_at }))
}

/// Checks the password and, on success, starts a fresh session (a new id, always), ending the
/// one the request came with. Throttled or saturated attempts are refused before any hashing.
pub fn login(
    app: &App,
    realm: Realm,
    login: &str,
    pw: &str,
    address: &str,
    previous: Option<&[u8]>,
) -> Result<LoginOutcome> {
    let account_key = match realm {
        Realm::Customer => format!("c:{}", normalize_email(login)),
        Realm::Staff => format!("s:{}", normalize_email(login)),
    };
    let address_key = format!("ip:{address}");
    let locked = app.account_throttle.locked(&account_key).or_else(|| app.address_throttle.locked(&address_key));
    if let Some(secs) = locked {
        return Err(Error::TooMany { retry_after: secs, msg: m::LOGIN_THROTTLED });
    }
    let _permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;

    let conn = app.conn()?;
    let found = match realm {
        Realm::Customer => {
            customers::find_for_login(&conn, login)?.map(|(c, h)| (Principal::Customer(c.clone()), h, c.active))
        }
        Realm::Staff => staff::find_for_login(&conn, login)?.map(|(s, h)| (Principal::Staff(s.clone()), h, s.active)),
    };
    drop(conn);
    // The account itself is throttled too, whichever spelling (number, e-mail) was typed.
    let id_key = found.as_ref().map(|(p, _, _)| match p {
        Principal::Customer(c) => format!("c#{}", c.id),
        Principal::Staff(s) => format!("s#{}", s.id),
    });
    if let Some(secs) = id_key.as_deref().and_then(|k| app.account_throttle.locked(k)) {
        return Err(Error::TooMany { retry_after: secs, msg: m::LOGIN_THROTTLED });
    }
    let ok = match &found {
        Some((_, hash, active)) => password::verify(pw, hash) && *active,
        None => {
            password::verify(pw, &app.dummy_hash);
            false
        }
    };
    let Some((principal, _, _)) = found.filter(|_| ok) else {
        app.account_throttle.record_failure(&account_key);
        if let Some(k) = &id_key {
            app.account_throttle.record_failure(k);
        }
        app.address_throttle.record_failure(&address_key);
        let realm_name = match realm {
            Realm::Customer => "customer",
            Realm::Staff => "staff",
        };
        // What was typed is kept short: it may be a mistyped password.
        let attempted: String = login.trim().chars().take(64).collect();
        let mut conn = app.conn()?;
        db::write(&mut conn, |tx| {
            let entry = audit::Entry {
                actor: "anonymous",
                action: "login.failed",
                target: &attempted,
                detail: realm_name,
                address,
            };
            audit::insert(tx, &entry, clock::now())
        })?;
        return Ok(LoginOutcome::Failed);
    };
    app.account_throttle.clear(&account_key);
    if let Some(k) = &id_key {
        app.account_throttle.clear(k);
    }

    let (token, token_hash) = auth::new_session_token()?;
    let csrf = auth::random_hex(24)?;
    let now = clock::now();
    let (customer_id, staff_id, actor) = match &principal {
        Principal::Customer(c) => (Some(c.id), None, format!("customer:{}", c.customer_no)),
        Principal::Staff(s) => (None, Some(s.id), format!("staff:{}", s.username)),
    };
    // The hotline copy is filled in at the first login after it went missing (e.g. for
    // accounts created before the hotline was switched on).
    let missing_copy = match &principal {
        Principal::Customer(c) if app.hotline_key.is_some() => {
            let conn = app.conn()?;
            customers::password_copy(&conn, c.id)?.is_none().then_some(c.id)
        }
        _ => None,
    };
    let copy = match missing_copy {
        Some(id) => app.seal_password(id, pw)?,
        None => None,
    };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        if let (Some(id), Some(copy)) = (missing_copy, &copy) {
            customers::set_password_copy(tx, id, Some(copy))?;
        }
        if let Some(prev) = previous {
            sessions::delete(tx, prev)?;
        }
        sessions::insert(
            tx,
            &sessions::SessionRow { token_hash, customer_id, staff_id, csrf, created_at: now, last_seen_at: now },
        )?;
        if staff_id.is_some() {
            audit::insert(tx, &audit::Entry { actor: &actor, action: "login", target: "", detail: "", address }, now)?;
        }
        Ok(())
    })?;
    Ok(LoginOutcome::LoggedIn { token, principal })
}

pub fn logout(app: &App, token_hash: &[u8]) -> Result<()> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| sessions::delete(tx, token_hash))
}

/// Removes expired sessions; run at start and now and then.
pub fn purge_expired(app: &App) -> Result<usize> {
    let now = clock::now();
    let s = &app.config.security;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        sessions::purge_expired(
            tx,
            now - (s.session_idle_minutes * 60) as i64,
            now - (s.session_max_hours * 3600) as i64,
        )
    })
}
