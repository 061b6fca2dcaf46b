//! Staff accounts (agents and admins).

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::i18n::Lang;
use crate::model::{normalize_email, Role, StaffMember};

const COLS: &str = "id, username, name, email, role, active, must_change_password, language";

fn from_row(r: &Row) -> rusqlite::Result<StaffMember> {
    Ok(StaffMember {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        role: Role::parse(&r.get::<_, String>(4)?).unwrap_or(Role::Agent),
        active: r.get(5)?,
        must_change_password: r.get(6)?,
        language: r.get::<_, Option<String>>(7)?.and_then(|l| Lang::parse(&l)),
    })
}

pub struct NewStaff<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

pub fn insert(conn: &Connection, s: &NewStaff, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO staff (username, name, email, role, password_hash, must_change_password, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            s.username,
            s.name,
            normalize_email(s.email),
            s.role.as_str(),
            s.password_hash,
            s.must_change_password,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(super::row(conn, "SELECT count(*) FROM staff", [], |r| r.get(0))?)
}

pub fn exists_username(conn: &Connection, username: &str) -> Result<bool> {
    Ok(super::row(conn, "SELECT 1 FROM staff WHERE username = ?1", [username], |_| Ok(())).optional()?.is_some())
}

/// Login lookup: the username matches exactly; an e-mail address matches in any case.
pub fn find_for_login(conn: &Connection, login: &str) -> Result<Option<(StaffMember, String)>> {
    let login = login.trim();
    if login.is_empty() {
        return Ok(None);
    }
    let sql = format!("SELECT {COLS}, password_hash FROM staff WHERE username = ?1");
    let by_name = super::row(conn, &sql, [login], |r| Ok((from_row(r)?, r.get(8)?))).optional()?;
    if by_name.is_some() || !login.contains('@') {
        return Ok(by_name);
    }
    let sql = format!("SELECT {COLS}, password_hash FROM staff WHERE email = ?1");
    super::row(conn, &sql, [normalize_email(login)], |r| Ok((from_row(r)?, r.get(8)?))).optional()
}

pub fn get(conn: &Connection, id: i64) -> Result<StaffMember> {
    let sql = format!("SELECT {COLS} FROM staff WHERE id = ?1");
    Ok(super::row(conn, &sql, [id], from_row)?)
}

/// The staff member with this id, `None` when there is none.
pub fn get_opt(conn: &Connection, id: i64) -> Result<Option<StaffMember>> {
    let sql = format!("SELECT {COLS} FROM staff WHERE id = ?1");
    super::row(conn, &sql, [id], from_row).optional()
}

/// Every staff member, active ones first, each group by name as SQLite's `NOCASE` orders it.
/// Sorted here, not by `ORDER BY`: for the handful of rows of a staff table SQLite's sorter
/// (a temporary B-tree, opened and torn down per call) cost 43 k instructions of every queue
/// page (session 7, BENCHMARKS item 16).
pub fn list(conn: &Connection) -> Result<Vec<StaffMember>> {
    let sql = format!("SELECT {COLS} FROM staff ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows: Vec<StaffMember> = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    rows.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| nocase(&a.name, &b.name)));
    Ok(rows)
}

/// SQLite's `NOCASE` collation: ASCII letters folded to lower case, then bytes compared.
fn nocase(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

pub fn password_hash(conn: &Connection, id: i64) -> Result<String> {
    Ok(super::row(conn, "SELECT password_hash FROM staff WHERE id = ?1", [id], |r| r.get(0))?)
}

/// The password hash of staff member `id`, `None` when there is no such member.
pub fn get_password_hash_opt(conn: &Connection, id: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT password_hash FROM staff WHERE id = ?1")?;
    let mut rows = stmt.query([id])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get(0)?),
        None => None,
    })
}

pub fn set_password(conn: &Connection, id: i64, hash: &str, must_change: bool) -> Result<()> {
    conn.execute(
        "UPDATE staff SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        params![id, hash, must_change],
    )?;
    Ok(())
}

pub fn set_language(conn: &Connection, id: i64, lang: Lang) -> Result<()> {
    conn.execute("UPDATE staff SET language = ?2 WHERE id = ?1", params![id, lang.code()])?;
    Ok(())
}

pub fn get_by_username(conn: &Connection, username: &str) -> Result<Option<StaffMember>> {
    let sql = format!("SELECT {COLS} FROM staff WHERE username = ?1");
    super::row(conn, &sql, [username], from_row).optional()
}

pub struct StaffUpdate<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub active: bool,
}

pub fn update(conn: &Connection, id: i64, u: &StaffUpdate) -> Result<()> {
    conn.execute(
        "UPDATE staff SET name = ?2, email = ?3, role = ?4, active = ?5 WHERE id = ?1",
        params![id, u.name, normalize_email(u.email), u.role.as_str(), u.active],
    )?;
    Ok(())
}

pub fn exists_email(conn: &Connection, email: &str, except_id: Option<i64>) -> Result<bool> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Ok(false);
    }
    Ok(conn
        .query_row("SELECT 1 FROM staff WHERE email = ?1 AND id IS NOT ?2", params![email, except_id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn count_active_admins(conn: &Connection) -> Result<i64> {
    Ok(super::row(conn, "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_are_listed_as_sqlite_orders_them() {
        let conn = Connection::open_in_memory().unwrap();
        let names = ["bernd", "Anna", "Über", "anton", "Zoe", "ärger", "Bernd", "zara"];
        let mut all: Vec<StaffMember> = names
            .iter()
            .enumerate()
            .map(|(i, n)| StaffMember {
                id: i as i64 + 1,
                username: format!("u{i}"),
                name: n.to_string(),
                email: String::new(),
                role: crate::model::Role::Agent,
                active: i % 3 != 0,
                must_change_password: false,
                language: None,
            })
            .collect();
        conn.execute_batch("CREATE TABLE s (id INTEGER PRIMARY KEY, name TEXT, active INTEGER)").unwrap();
        for s in &all {
            conn.execute("INSERT INTO s VALUES (?1, ?2, ?3)", rusqlite::params![s.id, s.name, s.active]).unwrap();
        }
        let by_sqlite: Vec<i64> = conn
            .prepare("SELECT id FROM s ORDER BY active DESC, name COLLATE NOCASE, id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        all.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| nocase(&a.name, &b.name)));
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), by_sqlite);
    }
}
