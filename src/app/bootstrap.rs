//! Account creation from the command line and the first start.

use crate::app::App;
use crate::auth::password;
use crate::clock;
use crate::db::{self, audit, customers, settings, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{is_plausible_email, CustomerNo, Role};

/// What the first start's one-time admin password came to at this start.
pub enum FirstAdmin {
    /// `admin` was created with this one-time password.
    Created(String),
    /// The one-time password was still unused after [`FIRST_PASSWORD_HOURS`]: this replaces it.
    Renewed(String),
}

/// How long the one-time password of the first start is good for.
pub const FIRST_PASSWORD_HOURS: i64 = 24;

/// The `settings` entry of the first start's one-time password: `<staff id> <issued at>
/// <its bcrypt hash>`. While the account's hash is still that one, the password is unused.
const FIRST_ADMIN: &str = "first_admin_password";

/// On an empty staff table, creates `admin` with a generated one-time password and returns it.
/// Later, while that password is unused and older than [`FIRST_PASSWORD_HOURS`], replaces it
/// with a new one and returns that.
pub fn ensure_first_admin(app: &App) -> Result<Option<FirstAdmin>> {
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        if staff::count(tx)? > 0 {
            return renew_expired_first_password(app, tx);
        }
        let pw = password::generate()?;
        let hash = password::hash(&pw, app.config().security.bcrypt_cost)?;
        let new = staff::NewStaff {
            username: "admin",
            name: "Administrator",
            email: "",
            role: Role::Admin,
            password_hash: &hash,
            must_change_password: true,
        };
        let now = clock::now();
        let id = staff::insert(tx, &new, now)?;
        settings::set(tx, FIRST_ADMIN, &format!("{id} {now} {hash}"))?;
        audit::insert(
            tx,
            &audit::Entry {
                actor: "system",
                action: "staff.create",
                target: "admin",
                detail: "first start",
                address: "",
            },
            now,
        )?;
        Ok(Some(FirstAdmin::Created(pw)))
    })
}

/// The account with the first start's one-time password and when it was issued, while that
/// password is still the account's.
fn unused_first_password(conn: &rusqlite::Connection) -> Result<Option<(i64, i64)>> {
    let Some(value) = settings::get(conn, FIRST_ADMIN)? else {
        return Ok(None);
    };
    let mut parts = value.splitn(3, ' ');
    let (Some(id), Some(issued), Some(hash)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (Ok(id), Ok(issued)) = (id.parse::<i64>(), issued.parse::<i64>()) else {
        return Ok(None);
    };
    let still = staff::get_password_hash_opt(conn, id)?.is_some_and(|h| h == hash);
    Ok(still.then_some((id, issued)))
}

fn expired(issued: i64) -> bool {
    clock::now() - issued >= FIRST_PASSWORD_HOURS * 3600
}

fn renew_expired_first_password(app: &App, tx: &rusqlite::Connection) -> Result<Option<FirstAdmin>> {
    let Some((id, issued)) = unused_first_password(tx)? else {
        return Ok(None);
    };
    if !expired(issued) {
        return Ok(None);
    }
    let pw = password::generate()?;
    let hash = password::hash(&pw, app.config().security.bcrypt_cost)?;
    let now = clock::now();
    staff::set_password(tx, id, &hash, true)?;
    crate::app::links::password_changed(tx, crate::db::password_tokens::Owner::Staff(id))?;
    settings::set(tx, FIRST_ADMIN, &format!("{id} {now} {hash}"))?;
    let username = staff::get(tx, id)?.username;
    audit::insert(
        tx,
        &audit::Entry {
            actor: "system",
            action: "password.reset",
            target: &format!("staff:{username}"),
            detail: "first start password expired unused",
            address: "",
        },
        now,
    )?;
    Ok(Some(FirstAdmin::Renewed(pw)))
}

/// Whether the staff member `id` still has the first start's one-time password and it has
/// expired: such a login is refused like a wrong password.
pub fn first_password_expired(app: &App, id: i64) -> Result<bool> {
    Ok(unused_first_password(&*app.conn()?)?.is_some_and(|(who, issued)| who == id && expired(issued)))
}

pub struct NewStaffInput<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    /// A generated password must be changed at the first login.
    pub password: Option<&'a str>,
    pub actor: &'a str,
    pub address: &'a str,
}

/// Creates a staff account; returns the generated password when none was given.
pub fn create_staff(app: &App, input: &NewStaffInput) -> Result<Option<String>> {
    let mut errors = FieldErrors::new();
    let username = input.username.trim();
    let valid_name = !username.is_empty()
        && username.len() <= 40
        && username.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !valid_name {
        errors.add("username", m::ERR_USERNAME);
    }
    if !input.email.trim().is_empty() && !is_plausible_email(input.email) {
        errors.add("email", m::ERR_INVALID_EMAIL);
    }
    if let Some(pw) = input.password {
        check_new_password(app, pw, "password", &[username, input.email], &mut errors);
    }
    errors.into_result()?;
    let NewPassword { hash, generated, .. } = new_password(app, input.password)?;
    let name = if input.name.trim().is_empty() { username } else { input.name.trim() };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let mut errors = FieldErrors::new();
        if staff::exists_username(tx, username)? {
            errors.add("username", m::ERR_USERNAME_TAKEN);
        }
        if staff::exists_email(tx, input.email, None)? {
            errors.add("email", m::ERR_EMAIL_TAKEN);
        }
        errors.into_result()?;
        let now = clock::now();
        let new = staff::NewStaff {
            username,
            name,
            email: input.email.trim(),
            role: input.role,
            password_hash: &hash,
            must_change_password: generated.is_some(),
        };
        staff::insert(tx, &new, now)?;
        audit::insert(
            tx,
            &audit::Entry {
                actor: input.actor,
                action: "staff.create",
                target: username,
                detail: input.role.as_str(),
                address: "",
            },
            now,
        )?;
        Ok(())
    })?;
    Ok(generated)
}

pub struct NewCustomerInput<'a> {
    pub customer_no: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub password: Option<&'a str>,
    pub actor: &'a str,
    pub address: &'a str,
}

/// Creates a customer; returns the generated password when none was given.
pub fn create_customer(app: &App, input: &NewCustomerInput) -> Result<(i64, Option<String>)> {
    let mut errors = FieldErrors::new();
    let no = CustomerNo::parse(input.customer_no);
    if no.is_none() {
        errors.add("customer_no", m::ERR_INVALID_CHOICE);
    }
    if input.name.trim().is_empty() {
        errors.add("name", m::ERR_REQUIRED);
    }
    if !is_plausible_email(input.email) {
        errors.add("email", m::ERR_INVALID_EMAIL);
    }
    if let Some(pw) = input.password {
        check_new_password(app, pw, "password", &[input.customer_no, input.email], &mut errors);
    }
    errors.into_result()?;
    let no = no.ok_or(Error::NotFound)?;
    let NewPassword { plain: pw, hash, generated } = new_password(app, input.password)?;
    let mut conn = app.conn()?;
    let id = db::write(&mut conn, |tx| {
        let mut errors = FieldErrors::new();
        if customers::exists_no(tx, no.as_str())? {
            errors.add("customer_no", m::ERR_CUSTOMER_NO_TAKEN);
        }
        if crate::app::people::email_taken(tx, input.email, None)? {
            errors.add("email", m::ERR_EMAIL_TAKEN);
        }
        errors.into_result()?;
        let now = clock::now();
        let new = customers::NewCustomer {
            customer_no: no.as_str(),
            name: input.name.trim(),
            email: input.email.trim(),
            phone: input.phone.trim(),
            password_hash: &hash,
        };
        let id = customers::insert(tx, &new, now)?;
        if let Some(copy) = app.seal_password(id, &pw)? {
            customers::set_password_copy(tx, id, Some(&copy))?;
        }
        audit::insert(
            tx,
            &audit::Entry {
                actor: input.actor,
                action: "customer.create",
                target: no.as_str(),
                detail: "",
                address: "",
            },
            now,
        )?;
        Ok(id)
    })?;
    Ok((id, generated))
}

/// A password about to be set, and its hash.
pub struct NewPassword {
    pub plain: String,
    pub hash: String,
    /// The generated password, to be shown once; `None` when one was given.
    pub generated: Option<String>,
}

/// The password given, or a generated one when none was given.
pub fn new_password(app: &App, given: Option<&str>) -> Result<NewPassword> {
    let (plain, generated) = match given {
        Some(p) => (p.to_string(), None),
        None => {
            let p = password::generate()?;
            (p.clone(), Some(p))
        }
    };
    let hash = password::hash(&plain, app.config().security.bcrypt_cost)?;
    Ok(NewPassword { plain, hash, generated })
}

/// The rules for a new password, shared by every place that sets one: the length, none of the
/// 10,000 most common passwords, none of the account's own `names` (customer number, username,
/// e-mail address, of which only the part before the `@` counts) inside it.
pub fn check_new_password(app: &App, pw: &str, field: &str, names: &[&str], errors: &mut FieldErrors) {
    let min = app.config().security.min_password_length;
    let local_parts: Vec<&str> = names.iter().map(|n| n.split('@').next().unwrap_or(n)).collect();
    if pw.chars().count() < min {
        errors.add_with(field, m::ERR_PASSWORD_SHORT, vec![("min", min.to_string())]);
    } else if pw.len() > password::MAX_PASSWORD_BYTES {
        errors.add(field, m::ERR_PASSWORD_LONG);
    } else if password::is_common(pw) {
        errors.add(field, m::ERR_PASSWORD_COMMON);
    } else if password::contains_own_name(pw, &local_parts) {
        errors.add(field, m::ERR_PASSWORD_PERSONAL);
    }
}
