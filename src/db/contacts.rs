//! Contacts: the people of a customer with their own login by e-mail (schema 0014), and the
//! colleagues added to a ticket (`ticket_people`).

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::i18n::Lang;
use crate::model::{normalize_email, Contact, ContactRole};

const COLS: &str =
    "id, customer_id, name, email, phone, role, active, language, notify, password_hash IS NOT NULL, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        role: ContactRole::parse(&r.get::<_, String>(5)?).unwrap_or(ContactRole::Member),
        active: r.get(6)?,
        language: r.get::<_, Option<String>>(7)?.and_then(|l| Lang::parse(&l)),
        notify: r.get(8)?,
        has_password: r.get(9)?,
        created_at: r.get(10)?,
    })
}

pub struct NewContact<'a> {
    pub customer_id: i64,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub role: ContactRole,
    pub language: Option<Lang>,
    /// `None`: no password yet (an invitation sets it).
    pub password_hash: Option<&'a str>,
}

pub fn insert(conn: &Connection, c: &NewContact, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO contacts (customer_id, name, email, phone, role, language, password_hash, password_changed_at,
                               created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?7 IS NULL THEN NULL ELSE ?8 END, ?8)",
        params![
            c.customer_id,
            c.name,
            normalize_email(c.email),
            c.phone,
            c.role.as_str(),
            c.language.map(|l| l.code()),
            c.password_hash,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Contact>> {
    let sql = format!("SELECT {COLS} FROM contacts WHERE id = ?1");
    super::row(conn, &sql, [id], from_row).optional()
}

/// A contact of this customer only: another customer's contact is as missing as none.
pub fn get_of_customer(conn: &Connection, customer_id: i64, id: i64) -> Result<Option<Contact>> {
    let sql = format!("SELECT {COLS} FROM contacts WHERE id = ?1 AND customer_id = ?2");
    super::row(conn, &sql, [id, customer_id], from_row).optional()
}

/// By e-mail address in any case, active or not.
pub fn find_by_email(conn: &Connection, email: &str) -> Result<Option<Contact>> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Ok(None);
    }
    let sql = format!("SELECT {COLS} FROM contacts WHERE email = ?1");
    super::row(conn, &sql, [email], from_row).optional()
}

/// Login lookup by e-mail: the contact and its password hash (`None` until one is set).
pub fn find_for_login(conn: &Connection, email: &str) -> Result<Option<(Contact, Option<String>)>> {
    let email = normalize_email(email);
    if email.is_empty() || !email.contains('@') {
        return Ok(None);
    }
    let sql = format!("SELECT {COLS}, password_hash FROM contacts WHERE email = ?1");
    super::row(conn, &sql, [email], |r| Ok((from_row(r)?, r.get(11)?))).optional()
}

/// A customer's contacts, by name (the active ones first).
pub fn list_for_customer(conn: &Connection, customer_id: i64) -> Result<Vec<Contact>> {
    let sql =
        format!("SELECT {COLS} FROM contacts WHERE customer_id = ?1 ORDER BY active DESC, name COLLATE NOCASE, id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([customer_id], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn any_for_customer(conn: &Connection, customer_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM contacts WHERE customer_id = ?1 LIMIT 1")?
        .query_row([customer_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether the address belongs to a contact (other than `except_id`), in any case.
pub fn exists_email(conn: &Connection, email: &str, except_id: Option<i64>) -> Result<bool> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Ok(false);
    }
    Ok(conn
        .query_row("SELECT 1 FROM contacts WHERE email = ?1 AND id IS NOT ?2", params![email, except_id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub struct ContactUpdate<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub role: ContactRole,
    pub active: bool,
    pub notify: bool,
}

pub fn update(conn: &Connection, id: i64, u: &ContactUpdate) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET name = ?2, email = ?3, phone = ?4, role = ?5, active = ?6, notify = ?7 WHERE id = ?1",
        params![id, u.name, normalize_email(u.email), u.phone, u.role.as_str(), u.active, u.notify],
    )?;
    Ok(())
}

pub fn set_language(conn: &Connection, id: i64, lang: Lang) -> Result<()> {
    conn.execute("UPDATE contacts SET language = ?2 WHERE id = ?1", params![id, lang.code()])?;
    Ok(())
}

pub fn set_notify(conn: &Connection, id: i64, notify: bool) -> Result<()> {
    conn.execute("UPDATE contacts SET notify = ?2 WHERE id = ?1", params![id, notify])?;
    Ok(())
}

/// Deactivates the contact and ends its sessions (the session lookup refuses it anyway).
pub fn deactivate(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("UPDATE contacts SET active = 0 WHERE id = ?1", [id])?;
    conn.execute("DELETE FROM sessions WHERE contact_id = ?1", [id])?;
    Ok(())
}

pub fn password_hash(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(super::row(conn, "SELECT password_hash FROM contacts WHERE id = ?1", [id], |r| r.get(0))?)
}

/// Sets the password and its hotline copy (`None` when the hotline is off) together, so the
/// copy never tells an old password; open password links of the person are void.
pub fn set_password(conn: &Connection, id: i64, hash: &str, sealed: Option<&[u8]>, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET password_hash = ?2, password_copy = ?3, password_changed_at = ?4 WHERE id = ?1",
        params![id, hash, sealed, now],
    )?;
    conn.execute("DELETE FROM password_tokens WHERE contact_id = ?1 AND used_at IS NULL", [id])?;
    Ok(())
}

/// The sealed hotline copy of the contact's password (`None`: none stored).
pub fn password_copy(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(super::row(conn, "SELECT password_copy FROM contacts WHERE id = ?1", [id], |r| r.get(0))?)
}

pub fn set_password_copy(conn: &Connection, id: i64, sealed: Option<&[u8]>) -> Result<()> {
    conn.execute("UPDATE contacts SET password_copy = ?2 WHERE id = ?1", params![id, sealed])?;
    Ok(())
}

/// Ends every session of a contact except `keep`.
pub fn delete_sessions(conn: &Connection, id: i64, keep: Option<&[u8]>) -> Result<()> {
    conn.execute("DELETE FROM sessions WHERE contact_id = ?1 AND token_hash IS NOT ?2", params![id, keep])?;
    Ok(())
}

/// Contacts whose name, e-mail or phone matches (the hotline lookup), active ones first: every
/// word of the query starts a word of them, through the trigger-kept `contact_lookup` index
/// (schema 0024), not by reading every contact (issue 24).
pub fn search(conn: &Connection, q: &str, limit: usize) -> Result<Vec<Contact>> {
    let Some(terms) = super::tickets::fts_query(q.trim()) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {COLS} FROM contacts WHERE id IN (SELECT rowid FROM contact_lookup WHERE contact_lookup MATCH ?1)
         ORDER BY active DESC, name COLLATE NOCASE LIMIT {limit}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([terms], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

// --- ticket people -------------------------------------------------------------------------

/// Adds a colleague to a ticket; `false` when they were on it already.
pub fn add_to_ticket(conn: &Connection, ticket_id: i64, contact_id: i64, now: i64) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO ticket_people (ticket_id, contact_id, added_at) VALUES (?1, ?2, ?3)",
        params![ticket_id, contact_id, now],
    )?;
    Ok(n > 0)
}

/// The contact who opened a ticket (`None`: the main account).
pub fn opener_of(conn: &Connection, ticket_id: i64) -> Result<Option<Contact>> {
    let cols = COLS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {cols} FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?1");
    super::row(conn, &sql, [ticket_id], from_row).optional()
}

/// The contacts added to a ticket, by name.
pub fn on_ticket(conn: &Connection, ticket_id: i64) -> Result<Vec<Contact>> {
    let cols = COLS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {cols} FROM ticket_people p JOIN contacts c ON c.id = p.contact_id
         WHERE p.ticket_id = ?1 ORDER BY c.name COLLATE NOCASE, c.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([ticket_id], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
