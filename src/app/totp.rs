//! Two-factor sign-in for staff (TOTP, RFC 6238): enrolment, the second login step, disabling,
//! and the reset for a locked-out admin. Codes are checked by `auth::totp`; the last accepted
//! time step is stored per account, so each code works once.

use std::time::{Duration, Instant};

use crate::app::recheck::Recheck;
use crate::app::{sessions, App};
use crate::auth::{self, password, totp};
use crate::clock;
use crate::config::Require2fa;
use crate::db::{self, audit, staff, totp as tdb};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{Principal, Role, StaffMember};
use crate::sync::Unpoison;

/// How long a login may wait between the password and the code.
const PENDING_FOR: Duration = Duration::from_secs(300);

/// A login whose password was right and that waits for its code; not a session.
pub(crate) struct Pending {
    staff_id: i64,
    at: Instant,
}

pub enum Enrolment {
    /// Not yet confirmed: the secret to show (QR code and text).
    Pending {
        secret: String,
    },
    Enrolled,
}

pub enum SecondStep {
    LoggedIn {
        token: String,
        staff: StaffMember,
    },
    Failed,
    /// No pending login for this cookie (never, or too long ago).
    Expired,
}

/// Whether `[security] require_2fa` covers this role.
pub fn required(app: &App, role: Role) -> bool {
    match app.config().security.require_2fa {
        Require2fa::Off => false,
        Require2fa::Staff => true,
        Require2fa::Admins => role == Role::Admin,
    }
}

pub fn enrolled(app: &App, staff_id: i64) -> Result<bool> {
    Ok(tdb::get(&*app.conn()?, staff_id)?.is_some_and(|r| r.confirmed))
}

/// Someone who must use 2FA and has not enrolled yet.
pub fn must_enrol(app: &App, me: &StaffMember) -> Result<bool> {
    Ok(required(app, me.role) && !enrolled(app, me.id)?)
}

/// The enrolment state, starting a pending enrolment (a new secret) when there is none.
pub fn enrolment(app: &App, me: &StaffMember) -> Result<Enrolment> {
    let mut conn = app.conn()?;
    if let Some(row) = tdb::get(&conn, me.id)? {
        return Ok(if row.confirmed { Enrolment::Enrolled } else { Enrolment::Pending { secret: row.secret } });
    }
    let secret = totp::new_secret()?;
    db::write(&mut conn, |tx| tdb::insert_pending(tx, me.id, &secret, clock::now()))?;
    Ok(Enrolment::Pending { secret })
}

/// Confirms a pending enrolment with a first code; returns the recovery codes to show once.
pub fn confirm(app: &App, me: &StaffMember, code: &str, address: &str) -> Result<Vec<String>> {
    let row = tdb::get(&*app.conn()?, me.id)?.filter(|r| !r.confirmed).ok_or(Error::BadRequest(m::TOTP_NOT_PENDING))?;
    let now = clock::now();
    let actor = format!("staff:{}", me.username);
    let Some(step) = totp::check(&row.secret, code, now) else {
        audit_one(app, &actor, "2fa.enrol.failed", &me.username, address)?;
        return Err(invalid("code"));
    };
    let codes = totp::new_recovery_codes()?;
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        tdb::confirm(tx, me.id, step as i64, now)?;
        tdb::replace_recovery_codes(tx, me.id, &hashes)?;
        audit::insert(tx, &entry(&actor, "2fa.enrolled", &me.username, address), now)
    })?;
    Ok(codes)
}

/// Ends the enrolment; needs the account's password and a current code.
pub fn disable(app: &App, me: &StaffMember, pw: &str, code: &str, address: &str) -> Result<()> {
    let recheck = Recheck::begin(app, &Principal::Staff(me.clone()), address)?;
    let hash = staff::password_hash(&*app.conn()?, me.id)?;
    let permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
    let pw_ok = password::verify(pw, &hash);
    drop(permit);
    let code_ok = pw_ok && check_code(app, me.id, code)?;
    let actor = format!("staff:{}", me.username);
    if !code_ok {
        recheck.failed();
        audit_one(app, &actor, "2fa.disable.failed", &me.username, address)?;
        let mut errors = FieldErrors::new();
        errors.add(if pw_ok { "code" } else { "password" }, if pw_ok { m::TOTP_WRONG_CODE } else { m::LOGIN_FAILED });
        return Err(Error::Invalid(errors));
    }
    recheck.passed();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        tdb::delete(tx, me.id)?;
        audit::insert(tx, &entry(&actor, "2fa.disabled", &me.username, address), clock::now())
    })
}

/// A TOTP code (or, when `code` is empty, a recovery code) for an enrolled account; each is
/// accepted once. Failures are audited.
pub fn check_second_factor(app: &App, me: &StaffMember, code: &str, recovery: &str, address: &str) -> Result<bool> {
    let ok = if !code.trim().is_empty() {
        check_code(app, me.id, code)?
    } else if !recovery.trim().is_empty() {
        let hash = totp::recovery_hash(recovery);
        let mut conn = app.conn()?;
        db::write(&mut conn, |tx| tdb::use_recovery_code(tx, me.id, &hash, clock::now()))?
    } else {
        false
    };
    if !ok {
        audit_one(app, &format!("staff:{}", me.username), "2fa.failed", &me.username, address)?;
    }
    Ok(ok)
}

/// A current code of a confirmed enrolment whose step was not used before; marks it used.
fn check_code(app: &App, staff_id: i64, code: &str) -> Result<bool> {
    let mut conn = app.conn()?;
    let Some(row) = tdb::get(&conn, staff_id)?.filter(|r| r.confirmed) else {
        return Ok(false);
    };
    let Some(step) = totp::check(&row.secret, code, clock::now()) else {
        return Ok(false);
    };
    db::write(&mut conn, |tx| tdb::use_step(tx, staff_id, step as i64))
}

/// Parks a login whose password was right; returns the cookie token for the second step.
pub fn start_pending(app: &App, staff_id: i64) -> Result<String> {
    let token = auth::random_hex(32)?;
    let mut map = app.pending_2fa.lock().unpoisoned();
    map.retain(|_, p| p.at.elapsed() < PENDING_FOR);
    map.insert(auth::token_hash(&token), Pending { staff_id, at: Instant::now() });
    Ok(token)
}

fn pending_staff(app: &App, token: &str) -> Option<i64> {
    let map = app.pending_2fa.lock().unpoisoned();
    map.get(&auth::token_hash(token)).filter(|p| p.at.elapsed() < PENDING_FOR).map(|p| p.staff_id)
}

/// Whether `token` belongs to a login waiting for its code.
pub fn is_pending(app: &App, token: &str) -> bool {
    pending_staff(app, token).is_some()
}

/// The second login step: throttled like passwords (`Recheck`: the same per-account and
/// per-address entries); on success the pending login ends and a fresh session starts.
pub fn login_second_step(
    app: &App,
    token: &str,
    code: &str,
    recovery: &str,
    address: &str,
    previous: Option<&[u8]>,
) -> Result<SecondStep> {
    let Some(staff_id) = pending_staff(app, token) else {
        return Ok(SecondStep::Expired);
    };
    let me = staff::get(&*app.conn()?, staff_id)?;
    let recheck = Recheck::begin(app, &Principal::Staff(me.clone()), address)?;
    if !me.active || !check_second_factor(app, &me, code, recovery, address)? {
        recheck.failed();
        return Ok(SecondStep::Failed);
    }
    app.pending_2fa.lock().unpoisoned().remove(&auth::token_hash(token));
    recheck.passed();
    let token = sessions::start_staff_session(app, &Principal::Staff(me.clone()), address, previous)?;
    Ok(SecondStep::LoggedIn { token, staff: me })
}

/// `ticketd admin reset-2fa`: removes the enrolment of `username`; `None` for an unknown user,
/// else whether there was one.
pub fn reset(app: &App, username: &str, actor: &str) -> Result<Option<bool>> {
    let mut conn = app.conn()?;
    let Some(member) = staff::get_by_username(&conn, username)? else {
        return Ok(None);
    };
    let removed = db::write(&mut conn, |tx| {
        let removed = tdb::delete(tx, member.id)?;
        let detail = if removed { "enrolment removed" } else { "no enrolment" };
        let e = audit::Entry { actor, action: "2fa.reset", target: username, detail, address: "" };
        audit::insert(tx, &e, clock::now())?;
        Ok(removed)
    })?;
    Ok(Some(removed))
}

fn invalid(field: &str) -> Error {
    let mut errors = FieldErrors::new();
    errors.add(field, m::TOTP_WRONG_CODE);
    Error::Invalid(errors)
}

fn entry<'a>(actor: &'a str, action: &'a str, target: &'a str, address: &'a str) -> audit::Entry<'a> {
    audit::Entry { actor, action, target, detail: "", address }
}

fn audit_one(app: &App, actor: &str, action: &str, target: &str, address: &str) -> Result<()> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| audit::insert(tx, &entry(actor, action, target, address), clock::now()))
}

/// Re-authentication for a sensitive action (the hotline reveal): an admin with TOTP must add
/// a current code; `422` at `code` otherwise, throttled like the password. Nothing to check
/// without an enrolment.
pub fn check_reauth_code(app: &App, me: &StaffMember, code: &str, address: &str) -> Result<()> {
    if !enrolled(app, me.id)? {
        return Ok(());
    }
    let recheck = Recheck::begin(app, &Principal::Staff(me.clone()), address)?;
    if check_second_factor(app, me, code, "", address)? {
        // Not `passed()`: the password is checked after this and must not find its failures
        // forgiven by a right code.
        return Ok(());
    }
    recheck.failed();
    Err(invalid("code"))
}
