//! API tokens (issue 21): admins create and revoke them; every API request is authenticated
//! here (hash lookup, expiry, revocation), counted against the per-token rate limit, and its
//! last use noted.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::app::App;
use crate::clock;
use crate::db::{self, api_tokens, audit, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{ApiScope, ApiToken, StaffMember};
use crate::sync::Unpoison;

/// Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "tkd_";
const MAX_NAME_CHARS: usize = 80;

pub struct NewTokenInput<'a> {
    pub name: &'a str,
    pub scopes: &'a [String],
    /// `YYYY-MM-DD` or empty: the token works until the start of that day (local time).
    pub expires: &'a str,
}

/// Creates a token; returns it in plain text, to be shown exactly once.
pub fn create(app: &App, admin: &StaffMember, input: &NewTokenInput, address: &str) -> Result<String> {
    let now = clock::now();
    let mut errors = FieldErrors::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.add("name", m::ERR_REQUIRED);
    } else if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        errors.add_with("name", m::ERR_TOO_LONG, vec![("max", MAX_NAME_CHARS.to_string())]);
    }
    let mut scopes = Vec::new();
    for s in input.scopes {
        match ApiScope::parse(s.trim()) {
            Some(sc) if !scopes.contains(&sc) => scopes.push(sc),
            Some(_) => {}
            None => errors.add("scopes", m::ERR_INVALID_CHOICE),
        }
    }
    if scopes.is_empty() {
        errors.add("scopes", m::API_ERR_NO_SCOPE);
    }
    let expires_at = match input.expires.trim() {
        "" => None,
        d => match clock::parse_date(d).map(|d| clock::day_start(d, app.tz)) {
            Some(at) if at > now => Some(at),
            Some(_) => {
                errors.add("expires", m::ERR_FOLLOW_UP_PAST);
                None
            }
            None => {
                errors.add("expires", m::ERR_INVALID_DATE);
                None
            }
        },
    };
    errors.into_result()?;
    let token = format!("{PREFIX}{}", crate::auth::random_hex(32)?);
    let hash = crate::auth::token_hash(&token);
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        if api_tokens::name_in_use(tx, name)? {
            let mut taken = FieldErrors::new();
            taken.add("name", m::API_ERR_NAME_TAKEN);
            return Err(Error::Invalid(taken));
        }
        let new = api_tokens::NewToken { name, hash: &hash, scopes: &scopes, expires_at, created_by: admin.id };
        let id = api_tokens::insert(tx, &new, now)?;
        let actor = format!("staff:{}", admin.username);
        let detail = ApiScope::join(&scopes);
        let target = format!("{id} {name}");
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "api_token.create", target: &target, detail: &detail, address },
            now,
        )
    })?;
    Ok(token)
}

pub fn list(app: &App) -> Result<Vec<ApiToken>> {
    api_tokens::list(&*app.conn()?)
}

pub fn revoke(app: &App, admin: &StaffMember, id: &str, address: &str) -> Result<()> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let t = api_tokens::get(tx, id)?.ok_or(Error::NotFound)?;
        if api_tokens::revoke(tx, id, now)? {
            let actor = format!("staff:{}", admin.username);
            let target = format!("{id} {}", t.name);
            let entry =
                audit::Entry { actor: &actor, action: "api_token.revoke", target: &target, detail: "", address };
            audit::insert(tx, &entry, now)?;
        }
        Ok(())
    })
}

/// An authenticated API request: the token and who its writes are recorded as.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: ApiToken,
    /// The admin who created the token, named as the token: activities written through the
    /// API show the token's name; audit rows say `api:<name>`.
    pub acting: StaffMember,
}

impl Caller {
    /// The audit actor: `api:<token name>`.
    pub fn actor(&self) -> String {
        format!("api:{}", self.token.name)
    }

    pub fn require(&self, scope: ApiScope) -> Result<()> {
        if self.token.has(scope) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Staff-level: may see and write internal activities.
    pub fn staff_level(&self) -> bool {
        self.token.has(ApiScope::TicketsWrite)
    }
}

/// Checks a bearer token: known, not revoked, not expired, its creator still an active
/// account (`None` otherwise: the caller answers `401`); then the rate limit (`429`).
pub fn authenticate(app: &App, token: &str) -> Result<Option<Caller>> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let now = clock::now();
    let hash = crate::auth::token_hash(token);
    let conn = app.conn()?;
    let Some(t) = api_tokens::by_hash(&conn, &hash)? else { return Ok(None) };
    if !t.live(now) {
        return Ok(None);
    }
    let creator = match staff::get(&conn, t.created_by) {
        Ok(s) if s.active => s,
        Ok(_) | Err(Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    drop(conn);
    rate_check(t.id, app.config().api.requests_per_minute)?;
    if claim_touch(t.id) {
        let mut conn = app.conn()?;
        db::write(&mut conn, |tx| api_tokens::touch(tx, t.id, now))?;
    }
    let acting = StaffMember { name: t.name.clone(), username: format!("api:{}", t.name), ..creator };
    Ok(Some(Caller { token: t, acting }))
}

/// Fixed one-minute windows per token, in memory (a restart starts afresh).
fn rate_check(token_id: i64, per_minute: u32) -> Result<()> {
    static WINDOWS: Mutex<Option<HashMap<i64, (Instant, u32)>>> = Mutex::new(None);
    let mut guard = WINDOWS.lock().unpoisoned();
    let map = guard.get_or_insert_with(HashMap::new);
    let now = Instant::now();
    let entry = map.entry(token_id).or_insert((now, 0));
    if now.duration_since(entry.0) >= Duration::from_secs(60) {
        *entry = (now, 0);
    }
    if entry.1 >= per_minute {
        let retry = 60u64.saturating_sub(now.duration_since(entry.0).as_secs()).max(1);
        return Err(Error::TooMany { retry_after: retry, msg: m::API_ERR_RATE });
    }
    entry.1 += 1;
    Ok(())
}

/// `last_used_at` is written at most once a minute per token.
fn claim_touch(token_id: i64) -> bool {
    static TOUCHED: Mutex<Option<HashMap<i64, Instant>>> = Mutex::new(None);
    let mut guard = TOUCHED.lock().unpoisoned();
    let map = guard.get_or_insert_with(HashMap::new);
    let now = Instant::now();
    match map.get(&token_id) {
        Some(t) if now.duration_since(*t) < Duration::from_secs(60) => false,
        _ => {
            map.insert(token_id, now);
            true
        }
    }
}

/// A page of customers for the API, each with its contacts, in id order after `after_id`.
pub fn customers_after(
    app: &App,
    q: &str,
    after_id: i64,
    limit: usize,
) -> Result<Vec<(crate::model::Customer, Vec<crate::model::Contact>)>> {
    let conn = app.conn()?;
    let page = crate::db::customers::page_after(&conn, q, after_id, limit)?;
    let mut out = Vec::with_capacity(page.len());
    for c in page {
        let contacts = crate::db::contacts::list_for_customer(&conn, c.id)?;
        out.push((c, contacts));
    }
    Ok(out)
}

/// One customer with its contacts (`404` when there is no such number).
pub fn customer(app: &App, customer_no: &str) -> Result<(crate::model::Customer, Vec<crate::model::Contact>)> {
    let conn = app.conn()?;
    let c = crate::db::customers::get_by_no(&conn, customer_no)?.ok_or(Error::NotFound)?;
    let contacts = crate::db::contacts::list_for_customer(&conn, c.id)?;
    Ok((c, contacts))
}

/// The audit row of a ticket write through the API (`api.ticket.create`, `api.ticket.update`,
/// `api.activity.create`), under the token's name. Written right after the use-case's own
/// transaction (those use-cases are shared with the staff forms, which audit no ticket work).
pub fn audit_write(app: &App, caller: &Caller, action: &str, target: &str, address: &str) -> Result<()> {
    let now = clock::now();
    let actor = caller.actor();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        audit::insert(tx, &audit::Entry { actor: &actor, action, target, detail: "", address }, now)
    })
}
