//! The customer's and the staff member's own account: password, language.

use crate::app::bootstrap::check_new_password;
use crate::app::recheck::Recheck;
use crate::app::sessions::Session;
use crate::app::App;
use crate::auth::password;
use crate::clock;
use crate::db::{self, audit, contacts, customers, sessions, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Lang};
use crate::model::Principal;

pub struct PasswordChange<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub repeat: &'a str,
}

/// Changes the logged-in principal's password. Every other session of the account ends; the
/// current one stays.
pub fn change_password(app: &App, session: &Session, input: &PasswordChange, address: &str) -> Result<()> {
    let mut errors = FieldErrors::new();
    if input.old.is_empty() {
        errors.add("old_password", m::ERR_REQUIRED);
    }
    let names: Vec<&str> = match &session.principal {
        Principal::Customer(c) => match &c.contact {
            Some(p) => vec![c.customer_no.as_str(), p.email.as_str()],
            None => vec![c.customer_no.as_str(), c.email.as_str()],
        },
        Principal::Staff(s) => vec![s.username.as_str(), s.email.as_str()],
    };
    check_new_password(app, input.new, "new_password", &names, &mut errors);
    if input.new != input.repeat {
        errors.add("new_password_repeat", m::ERR_PASSWORD_MISMATCH);
    }
    if errors.is_empty() && input.new == input.old {
        errors.add("new_password", m::ERR_PASSWORD_SAME);
    }
    errors.into_result()?;

    let conn = app.conn()?;
    let current = match &session.principal {
        Principal::Customer(c) => match &c.contact {
            // A contact in a session has a password (the session lookup checks it).
            Some(p) => contacts::password_hash(&conn, p.id)?.unwrap_or_else(|| app.dummy_hash().to_string()),
            None => customers::password_hash(&conn, c.id)?,
        },
        Principal::Staff(s) => staff::password_hash(&conn, s.id)?,
    };
    drop(conn);
    let check = Recheck::begin(app, &session.principal, address)?;
    let permit = app.hash_gate.try_enter().ok_or(Error::TooMany { retry_after: 2, msg: m::LOGIN_BUSY })?;
    if !password::verify(input.old, &current) {
        drop(permit);
        check.failed();
        audit_wrong_old_password(app, &session.principal, address)?;
        let mut errors = FieldErrors::new();
        errors.add("old_password", m::ERR_OLD_PASSWORD);
        return Err(Error::Invalid(errors));
    }
    check.passed();
    let hash = password::hash(input.new, app.config().security.bcrypt_cost)?;
    drop(permit);

    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let actor = match &session.principal {
            Principal::Customer(c) if c.contact.is_some() => {
                let p = c.contact.as_ref().map(|p| p.id).unwrap_or_default();
                crate::app::people::set_password_in(app, tx, p, &hash, input.new, Some(&session.token_hash), now)?;
                crate::app::people::audit_name(c)
            }
            Principal::Customer(c) => {
                customers::set_password(tx, c.id, &hash, now)?;
                customers::set_password_copy(tx, c.id, app.seal_password(c.id, input.new)?.as_deref())?;
                sessions::delete_customer_sessions(tx, c.id, Some(&session.token_hash))?;
                crate::app::links::password_changed(tx, crate::db::password_tokens::Owner::Customer(c.id))?;
                format!("customer:{}", c.customer_no)
            }
            Principal::Staff(s) => {
                staff::set_password(tx, s.id, &hash, false)?;
                sessions::delete_staff_sessions(tx, s.id, Some(&session.token_hash))?;
                crate::app::links::password_changed(tx, crate::db::password_tokens::Owner::Staff(s.id))?;
                format!("staff:{}", s.username)
            }
        };
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "password.change", target: "", detail: "", address },
            now,
        )
    })
}

fn actor(principal: &Principal) -> String {
    match principal {
        Principal::Customer(c) => crate::app::people::audit_name(c),
        Principal::Staff(s) => format!("staff:{}", s.username),
    }
}

/// One audit row per wrong old password, without what was typed.
fn audit_wrong_old_password(app: &App, principal: &Principal, address: &str) -> Result<()> {
    let actor = actor(principal);
    let e = audit::Entry {
        actor: &actor,
        action: "password.change.denied",
        target: "",
        detail: "wrong old password",
        address,
    };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| audit::insert(tx, &e, clock::now()))
}

/// Remembers the chosen language with the account (for e-mails and the next login).
pub fn set_language(app: &App, principal: &Principal, lang: Lang) -> Result<()> {
    let current = match principal {
        Principal::Customer(c) => c.contact.as_ref().map_or(c.language, |p| p.language),
        Principal::Staff(s) => s.language,
    };
    if current == Some(lang) {
        return Ok(());
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| match principal {
        Principal::Customer(c) => match &c.contact {
            Some(p) => contacts::set_language(tx, p.id, lang),
            None => customers::set_language(tx, c.id, lang),
        },
        Principal::Staff(s) => staff::set_language(tx, s.id, lang),
    })
}
