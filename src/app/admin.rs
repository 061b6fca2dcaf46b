//! Admin use-cases: staff accounts and the audit log.

use crate::app::bootstrap;
use crate::app::App;
use crate::clock;
use crate::db::{self, audit, sessions, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{is_plausible_email, AuditPage, AuditQuery, Role, StaffMember};

pub fn staff_list(app: &App) -> Result<Vec<StaffMember>> {
    let conn = app.conn()?;
    staff::list(&conn)
}

pub fn staff_member(app: &App, username: &str) -> Result<StaffMember> {
    let conn = app.conn()?;
    staff::get_by_username(&conn, username)?.ok_or(Error::NotFound)
}

pub struct StaffInput<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub active: bool,
    pub password: &'a str,
}

fn parse_role(s: &str, errors: &mut FieldErrors) -> Role {
    Role::parse(s.trim()).unwrap_or_else(|| {
        errors.add("role", m::ERR_INVALID_CHOICE);
        Role::Agent
    })
}

/// Creates a staff member; without a password one is generated, shown once, and must be
/// changed at the first login.
pub fn create_staff(app: &App, admin: &StaffMember, input: &StaffInput, address: &str) -> Result<Option<String>> {
    let mut errors = FieldErrors::new();
    let role = parse_role(input.role, &mut errors);
    errors.into_result()?;
    let actor = format!("staff:{}", admin.username);
    bootstrap::create_staff(
        app,
        &bootstrap::NewStaffInput {
            username: input.username,
            name: input.name,
            email: input.email,
            role,
            password: Some(input.password).filter(|p| !p.is_empty()),
            actor: &actor,
            address,
        },
    )
}

/// Name, e-mail, role, active. Deactivating ends the member's sessions; the last active admin
/// cannot be demoted or deactivated.
pub fn update_staff(app: &App, admin: &StaffMember, username: &str, input: &StaffInput, address: &str) -> Result<()> {
    let mut errors = FieldErrors::new();
    let role = parse_role(input.role, &mut errors);
    if input.name.trim().is_empty() {
        errors.add("name", m::ERR_REQUIRED);
    }
    if !input.email.trim().is_empty() && !is_plausible_email(input.email) {
        errors.add("email", m::ERR_INVALID_EMAIL);
    }
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let s = staff::get_by_username(tx, username)?.ok_or(Error::NotFound)?;
        if staff::exists_email(tx, input.email, Some(s.id))? {
            errors.add("email", m::ERR_EMAIL_TAKEN);
        }
        let loses_admin = s.role == Role::Admin && s.active && (role != Role::Admin || !input.active);
        if loses_admin && staff::count_active_admins(tx)? <= 1 {
            errors.add("role", m::ERR_LAST_ADMIN);
        }
        std::mem::take(&mut errors).into_result()?;
        staff::update(
            tx,
            s.id,
            &staff::StaffUpdate { name: input.name.trim(), email: input.email.trim(), role, active: input.active },
        )?;
        let actor = format!("staff:{}", admin.username);
        let entry = audit::Entry { actor: &actor, action: "staff.update", target: username, detail: "", address };
        audit::insert(tx, &entry, now)?;
        if s.role != role {
            let detail = format!("{} -> {}", s.role.as_str(), role.as_str());
            audit::insert(tx, &audit::Entry { detail: &detail, ..entry.with_action("staff.role") }, now)?;
        }
        if s.active && !input.active {
            sessions::delete_staff_sessions(tx, s.id, None)?;
            audit::insert(tx, &entry.with_action("staff.deactivate"), now)?;
        } else if !s.active && input.active {
            audit::insert(tx, &entry.with_action("staff.activate"), now)?;
        }
        Ok(())
    })
}

pub fn audit_log(app: &App, q: &AuditQuery) -> Result<AuditPage> {
    let conn = app.conn()?;
    let (rows, total) = audit::list(&conn, q)?;
    let actions = audit::actions(&conn)?;
    Ok(AuditPage { rows, total, actions })
}

/// The `settings` row that hides an admin's first-steps card.
fn first_steps_key(admin: &StaffMember) -> String {
    format!("first_steps_dismissed.staff.{}", admin.id)
}

/// Does this admin still see the first-steps card on the start page? (Agents never do.)
pub fn first_steps_open(app: &App, s: &StaffMember) -> Result<bool> {
    if s.role != Role::Admin {
        return Ok(false);
    }
    let conn = app.conn()?;
    Ok(db::settings::get(&conn, &first_steps_key(s))?.is_none())
}

/// Hides the first-steps card for this admin for good.
pub fn dismiss_first_steps(app: &App, admin: &StaffMember) -> Result<()> {
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| db::settings::set(tx, &first_steps_key(admin), &now.to_string()))
}
