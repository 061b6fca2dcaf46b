//! Logging in and out, and finding the principal behind a session token.

use crate::app::App;
use crate::auth::{self, password};
use crate::clock;
use crate::db::{self, audit, contacts, customers, sessions, settings, staff};
use crate::error::{Error, Result};
use crate::i18n::m;
use crate::model::{normalize_email, Principal, Realm};

/// A live session, resolved from its cookie token.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: Vec<u8>,
    pub csrf: String,
    pub principal: Principal,
}

pub enum LoginOutcome {
    /// The new session's cookie token.
    LoggedIn { token: String, principal: Principal },
    /// Unknown account, wrong password or inactive account: one answer for all.
    Failed,
    /// Right password of a staff account with TOTP: no session yet; the cookie token of the
    /// pending login that `/staff/login/2fa` completes (see `app::totp`).
    SecondFactor { pending: String },
}

/// Only touch `last_seen_at` this often, so reading pages does not turn into a write each.
const TOUCH_EVERY_SECS: i64 = 60;

pub fn resolve(app: &App, token: &str) -> Result<Option<Session>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = auth::token_hash(token);
    let mut conn = app.conn()?;
    let Some(row) = sessions::get(&conn, &hash)? else {
        return Ok(None);
    };
    let now = clock::now();
    let s = &app.config().security;
    let idle_expired = now - row.last_seen_at > (s.session_idle_minutes * 60) as i64;
    let too_old = now - row.created_at > (s.session_max_hours * 3600) as i64;
    let principal = match (row.customer_id, row.staff_id) {
        (Some(id), _) => {
            let mut c = customers::get(&conn, id)?;
            // A contact's session lives only while the contact is active, has a password and
            // still belongs to this customer: a deactivated contact is out at its next request.
            c.contact = match row.contact_id {
                Some(cid) => match contacts::get(&conn, cid)? {
                    Some(p) if p.active && p.has_password && p.customer_id == id => Some(Box::new(p)),
                    _ => None,
                },
                None => None,
            };
            let person_ok = row.contact_id.is_none() || c.contact.is_some();
            (c.active && person_ok).then_some(Principal::Customer(c))
        }
        (_, Some(id)) => {
            let st = staff::get(&conn, id)?;
            st.active.then_some(Principal::Staff(st))
        }
        _ => None,
    };
    let Some(principal) = principal.filter(|_| !idle_expired && !too_old) else {
        // Best effort: a read-only database must not turn an expired session into a 503.
        // Through `db::write`: on a page's read transaction (`db::ReadScope`) a bare write would
        // hold the write lock until the page is rendered.
        let _ = db::write(&mut conn, |tx| sessions::delete(tx, &hash));
        return Ok(None);
    };
    if now - row.last_seen_at >= TOUCH_EVERY_SECS && app.claim_session_touch(&hash) {
        // Written later in one batch (`flush_touches`): a page never waits for the write lock
        // or an fsync just to say that its session is alive.
        app.queue_session_touch(&hash, now);
    }
    Ok(Some(Session { token_hash: hash, csrf: row.csrf, principal }))
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
    let keys = ThrottleKeys::new(realm, login, address);
    throttled(app.account_throttle.locked(&keys.typed).or_else(|| app.address_throttle.locked(&keys.address)))?;
    let _permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
    let account = find_account(app, realm, login)?;
    let ok = match &account {
        Some(a) => password::verify(pw, &a.hash) && a.active,
        None => {
            // As long as a real check, so the answer's timing does not tell unknown accounts.
            password::verify(pw, app.dummy_hash());
            false
        }
    };
    // The first start's one-time password, unused past its time, is as good as a wrong one.
    let ok = ok
        && match account.as_ref().map(|a| &a.principal) {
            Some(Principal::Staff(s)) => !crate::app::bootstrap::first_password_expired(app, s.id)?,
            _ => true,
        };
    let account = match account {
        Some(a) if ok => a,
        matched => {
            keys.record_failure(app);
            audit_failure(app, realm, matched.as_ref(), login, address)?;
            return Ok(LoginOutcome::Failed);
        }
    };
    keys.clear(app);
    if let Principal::Staff(s) = &account.principal {
        if crate::app::totp::enrolled(app, s.id)? {
            return Ok(LoginOutcome::SecondFactor { pending: crate::app::totp::start_pending(app, s.id)? });
        }
    }
    let token = start_session(app, &account.principal, pw, address, previous)?;
    Ok(LoginOutcome::LoggedIn { token, principal: account.principal })
}

/// `429` for a locked throttle entry, with the seconds until it opens.
fn throttled(locked: Option<u64>) -> Result<()> {
    match locked {
        Some(secs) => Err(Error::TooMany { retry_after: secs, msg: m::LOGIN_THROTTLED }),
        None => Ok(()),
    }
}

/// The throttle entries a login attempt counts against: what was typed (normalized) and the
/// client address. Not the account it matched: failures by e-mail address would then lock the
/// customer number too, and so tell an attacker which number the address belongs to.
struct ThrottleKeys {
    typed: String,
    address: String,
}

impl ThrottleKeys {
    fn new(realm: Realm, login: &str, address: &str) -> ThrottleKeys {
        let typed = match realm {
            Realm::Customer => format!("c:{}", normalize_email(login)),
            Realm::Staff => format!("s:{}", normalize_email(login)),
        };
        ThrottleKeys { typed, address: format!("ip:{address}") }
    }

    fn record_failure(&self, app: &App) {
        app.account_throttle.record_failure(&self.typed);
        app.address_throttle.record_failure(&self.address);
    }

    /// After a success: the failures of what was typed are forgiven, the address's are not.
    fn clear(&self, app: &App) {
        app.account_throttle.clear(&self.typed);
    }
}

/// An account found by what was typed at login.
struct Account {
    principal: Principal,
    hash: String,
    active: bool,
}

fn find_account(app: &App, realm: Realm, login: &str) -> Result<Option<Account>> {
    let conn = app.conn()?;
    Ok(match realm {
        Realm::Customer => match customers::find_for_login(&conn, login)? {
            Some((c, hash)) => Some(Account { active: c.active, principal: Principal::Customer(c), hash }),
            None => find_contact(app, &conn, login)?,
        },
        Realm::Staff => staff::find_for_login(&conn, login)?.map(|(s, hash)| Account {
            active: s.active,
            principal: Principal::Staff(s),
            hash,
        }),
    })
}

/// A contact by the e-mail address typed at login: it may log in while it is active, has a
/// password and its customer is active. One without a password is checked against the dummy
/// hash, so it costs as much as a wrong password.
fn find_contact(app: &App, conn: &rusqlite::Connection, login: &str) -> Result<Option<Account>> {
    let Some((contact, hash)) = contacts::find_for_login(conn, login)? else {
        return Ok(None);
    };
    let mut customer = customers::get(conn, contact.customer_id)?;
    let active = customer.active && contact.active && hash.is_some();
    customer.contact = Some(Box::new(contact));
    Ok(Some(Account {
        principal: Principal::Customer(customer),
        hash: hash.unwrap_or_else(|| app.dummy_hash().to_string()),
        active,
    }))
}

/// One audit row per failed login. It names the account that was matched, or else a keyed
/// hash of what was typed — never the text itself, which may be a mistyped password. The same
/// unknown name gives the same hash, so repeated guesses still show as such.
fn audit_failure(app: &App, realm: Realm, account: Option<&Account>, login: &str, address: &str) -> Result<()> {
    let realm_name = match realm {
        Realm::Customer => "customer",
        Realm::Staff => "staff",
    };
    let fresh_key = auth::random_hex(32)?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let target = match account.map(|a| &a.principal) {
            Some(p) => principal_name(p),
            None => {
                let key = settings::get_or_insert(tx, AUDIT_KEY, &fresh_key)?;
                let typed = format!("{realm_name}:{}", normalize_email(login));
                let mac = auth::hmac_sha256(key.as_bytes(), typed.as_bytes());
                let hex: String = mac[..16].iter().map(|b| format!("{b:02x}")).collect();
                format!("unknown:{hex}")
            }
        };
        let entry =
            audit::Entry { actor: "anonymous", action: "login.failed", target: &target, detail: realm_name, address };
        audit::insert(tx, &entry, clock::now())
    })
}

/// The session after a staff login's second step (`app::totp`).
pub(crate) fn start_staff_session(
    app: &App,
    principal: &Principal,
    address: &str,
    previous: Option<&[u8]>,
) -> Result<String> {
    start_session(app, principal, "", address, previous)
}

/// The `settings` entry of the secret behind the audit log's hashes of unknown login names.
const AUDIT_KEY: &str = "audit_key";

/// How the audit log names an account: `customer:NUMBER` or `staff:USERNAME`.
fn principal_name(p: &Principal) -> String {
    match p {
        Principal::Customer(c) => crate::app::people::audit_name(c),
        Principal::Staff(s) => format!("staff:{}", s.username),
    }
}

/// The new session for a checked login, ending `previous`; returns the cookie token. Every
/// login is audited; a missing hotline copy of a customer's password is filled in.
fn start_session(app: &App, principal: &Principal, pw: &str, address: &str, previous: Option<&[u8]>) -> Result<String> {
    let (token, token_hash) = auth::new_session_token()?;
    let csrf = auth::random_hex(24)?;
    let now = clock::now();
    let (customer_id, staff_id, contact_id) = match principal {
        Principal::Customer(c) => (Some(c.id), None, c.contact_id()),
        Principal::Staff(s) => (None, Some(s.id), None),
    };
    let actor = principal_name(principal);
    let missing_copy = missing_password_copy(app, principal, pw)?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        match &missing_copy {
            Some((Owner::Customer(id), copy)) => customers::set_password_copy(tx, *id, Some(copy))?,
            Some((Owner::Contact(id), copy)) => contacts::set_password_copy(tx, *id, Some(copy))?,
            None => {}
        }
        if let Some(prev) = previous {
            sessions::delete(tx, prev)?;
        }
        sessions::insert(
            tx,
            &sessions::SessionRow {
                token_hash,
                customer_id,
                staff_id,
                contact_id,
                csrf,
                created_at: now,
                last_seen_at: now,
            },
        )?;
        audit::insert(tx, &audit::Entry { actor: &actor, action: "login", target: "", detail: "", address }, now)?;
        Ok(())
    })?;
    Ok(token)
}

/// Whose hotline copy: the main account's or a contact's.
enum Owner {
    Customer(i64),
    Contact(i64),
}

/// The hotline copy is filled in at the first login after it went missing (e.g. for accounts
/// created before the hotline was switched on): whose it is and the sealed password.
fn missing_password_copy(app: &App, principal: &Principal, pw: &str) -> Result<Option<(Owner, Vec<u8>)>> {
    let Principal::Customer(c) = principal else {
        return Ok(None);
    };
    if app.hotline_key().is_none() {
        return Ok(None);
    }
    if let Some(p) = &c.contact {
        if contacts::password_copy(&*app.conn()?, p.id)?.is_some() {
            return Ok(None);
        }
        return Ok(app.seal_contact_password(p.id, pw)?.map(|copy| (Owner::Contact(p.id), copy)));
    }
    if customers::password_copy(&*app.conn()?, c.id)?.is_some() {
        return Ok(None);
    }
    Ok(app.seal_password(c.id, pw)?.map(|copy| (Owner::Customer(c.id), copy)))
}

pub fn logout(app: &App, token_hash: &[u8]) -> Result<()> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| sessions::delete(tx, token_hash))
}

/// Removes expired sessions; run at start and now and then.
pub fn purge_expired(app: &App) -> Result<usize> {
    let now = clock::now();
    let s = &app.config().security;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        // Password links a day past their time are of no use, not even to the hourly mail limit.
        crate::db::password_tokens::purge(tx, now - 24 * 3600)?;
        sessions::purge_expired(
            tx,
            now - (s.session_idle_minutes * 60) as i64,
            now - (s.session_max_hours * 3600) as i64,
        )
    })
}

/// How often the noted session touches are written.
pub const TOUCH_FLUSH_SECS: u64 = 10;

/// Writes the session touches noted since the last call, all in one transaction; returns how
/// many. A session's `last_seen_at` thus lags at most [`TOUCH_FLUSH_SECS`] behind its last
/// request (idle expiry counts in minutes); a crash loses at most that lag.
pub fn flush_touches(app: &App) -> Result<usize> {
    let touches = app.take_session_touches();
    if touches.is_empty() {
        return Ok(0);
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        for (hash, at) in &touches {
            sessions::touch(tx, hash, *at)?;
        }
        Ok(())
    })?;
    Ok(touches.len())
}

/// The thread that writes the session touches every [`TOUCH_FLUSH_SECS`].
pub fn spawn_toucher(app: std::sync::Arc<App>) -> std::io::Result<()> {
    std::thread::Builder::new().name("ticketd-sessions".into()).spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(TOUCH_FLUSH_SECS));
        if let Err(e) = flush_touches(&app) {
            eprintln!("{} sessions: cannot record session activity: {e}", crate::clock::rfc3339(crate::clock::now()));
        }
    })?;
    Ok(())
}
