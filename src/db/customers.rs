//! Customer accounts.

use rusqlite::{params, Connection, Row};

use super::OptionalExt;
use crate::error::Result;
use crate::i18n::Lang;
use crate::model::{normalize_email, Customer};

/// The columns [`from_row`] reads, as a macro so the hot lookups' statements are literals
/// (`concat!`): no `format!` for the session's customer on every page.
macro_rules! cols {
    () => {
        "id, customer_no, name, email, phone, active, language, created_at"
    };
}
const COLS: &str = cols!();

fn from_row(r: &Row) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        customer_no: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        active: r.get(5)?,
        language: r.get::<_, Option<String>>(6)?.and_then(|l| Lang::parse(&l)),
        created_at: r.get(7)?,
        contact: None,
    })
}

pub struct NewCustomer<'a> {
    pub customer_no: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub password_hash: &'a str,
}

pub fn insert(conn: &Connection, c: &NewCustomer, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO customers (customer_no, name, email, phone, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![c.customer_no, c.name, normalize_email(c.email), c.phone, c.password_hash, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn exists_no(conn: &Connection, customer_no: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM customers WHERE customer_no = ?1", [customer_no], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn exists_email(conn: &Connection, email: &str, except_id: Option<i64>) -> Result<bool> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Ok(false);
    }
    Ok(conn
        .query_row(
            "SELECT 1 FROM customers WHERE email = ?1 AND email <> '' AND id IS NOT ?2",
            params![email, except_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Login lookup: the customer number matches exactly; an e-mail address matches in any case.
pub fn find_for_login(conn: &Connection, login: &str) -> Result<Option<(Customer, String)>> {
    let login = login.trim();
    if login.is_empty() {
        return Ok(None);
    }
    let sql = format!("SELECT {COLS}, password_hash FROM customers WHERE customer_no = ?1");
    let by_no = super::row(conn, &sql, [login], |r| Ok((from_row(r)?, r.get(8)?))).optional()?;
    if by_no.is_some() || !login.contains('@') {
        return Ok(by_no);
    }
    // `email <> ''` lets SQLite use the partial index customers_email (else: a scan).
    let sql = format!("SELECT {COLS}, password_hash FROM customers WHERE email = ?1 AND email <> ''");
    super::row(conn, &sql, [normalize_email(login)], |r| Ok((from_row(r)?, r.get(8)?))).optional()
}

const BY_ID: &str = concat!("SELECT ", cols!(), " FROM customers WHERE id = ?1");

pub fn get(conn: &Connection, id: i64) -> Result<Customer> {
    Ok(super::row(conn, BY_ID, [id], from_row)?)
}

/// Like [`get`], but `None` for an unknown id.
pub fn get_by_id(conn: &Connection, id: i64) -> Result<Option<Customer>> {
    super::row(conn, BY_ID, [id], from_row).optional()
}

pub fn password_hash(conn: &Connection, id: i64) -> Result<String> {
    Ok(super::row(conn, "SELECT password_hash FROM customers WHERE id = ?1", [id], |r| r.get(0))?)
}

pub fn set_password(conn: &Connection, id: i64, hash: &str, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE customers SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
        params![id, hash, now],
    )?;
    Ok(())
}

pub fn set_language(conn: &Connection, id: i64, lang: Lang) -> Result<()> {
    conn.execute("UPDATE customers SET language = ?2 WHERE id = ?1", params![id, lang.code()])?;
    Ok(())
}

pub fn get_by_no(conn: &Connection, customer_no: &str) -> Result<Option<Customer>> {
    let sql = format!("SELECT {COLS} FROM customers WHERE customer_no = ?1");
    super::row(conn, &sql, [customer_no], from_row).optional()
}

/// Up to this many matches a customer search sorts them; with more it walks the list's index.
const SORT_MATCHES: i64 = 200;

/// Staff search over number, name, e-mail and phone; an empty query lists all, by name.
///
/// Every word of the query is the start of a word of the customer's number, name, e-mail or
/// phone (case, diacritics, umlauts written out folded, see schema 0024): found through the
/// trigger-kept `customer_lookup` index, never by reading every customer (issue 24).
pub fn search(conn: &Connection, q: &str, limit: usize, offset: usize) -> Result<(Vec<Customer>, i64)> {
    let q = q.trim();
    if q.is_empty() {
        // The list without a search: a page from customers_active_name, no sort of them all,
        // and the trigger-kept total (schema 0024).
        let total: i64 = super::row(conn, "SELECT n FROM customer_total WHERE id = 1", [], |r| r.get(0))?;
        let sql = format!(
            "SELECT {COLS} FROM customers ORDER BY active DESC, name COLLATE NOCASE LIMIT {limit} OFFSET {offset}"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
        return Ok((rows, total));
    }
    // A customer number (what the hotline hears first) is found through its unique index.
    if let Some(c) = get_by_no(conn, q)? {
        return Ok((if offset == 0 { vec![c] } else { Vec::new() }, 1));
    }
    // So is a whole e-mail address (the partial index customers_email).
    if q.contains('@') {
        let sql = format!("SELECT {COLS} FROM customers WHERE email = ?1 AND email <> ''");
        if let Some(c) = super::row(conn, &sql, [normalize_email(q)], from_row).optional()? {
            return Ok((if offset == 0 { vec![c] } else { Vec::new() }, 1));
        }
    }
    let Some(terms) = super::tickets::fts_query(q) else {
        return Ok((Vec::new(), 0));
    };
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM customer_lookup WHERE customer_lookup MATCH ?1")?
        .query_row([&terms], |r| r.get(0))?;
    // Few matches: read them and sort. Many (`GmbH`): walk customers_active_name in display
    // order and keep the matches, so the page stops after its rows instead of sorting thousands
    // (`+id`: not the rowid lookup; 2.0 → 0.7 ms for 3,000 matches of 10,000 customers).
    let sql = if total <= SORT_MATCHES {
        format!(
            "SELECT {COLS} FROM customers WHERE id IN (SELECT rowid FROM customer_lookup WHERE customer_lookup MATCH ?1)
             ORDER BY active DESC, name COLLATE NOCASE LIMIT {limit} OFFSET {offset}"
        )
    } else {
        format!(
            "SELECT {COLS} FROM customers INDEXED BY customers_active_name
             WHERE +id IN (SELECT rowid FROM customer_lookup WHERE customer_lookup MATCH ?1)
             ORDER BY active DESC, name COLLATE NOCASE LIMIT {limit} OFFSET {offset}"
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([&terms], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// The API's customer list: the search of [`search`], in id order after `after_id` (a cursor
/// that new customers and edits never shift).
pub fn page_after(conn: &Connection, q: &str, after_id: i64, limit: usize) -> Result<Vec<Customer>> {
    let q = q.trim();
    let (sql, terms) = match super::tickets::fts_query(q) {
        None if !q.is_empty() => return Ok(Vec::new()),
        None => (format!("SELECT {COLS} FROM customers WHERE id > ?1 AND ?2 IS NULL ORDER BY id LIMIT {limit}"), None),
        Some(terms) => (
            format!(
                "SELECT {COLS} FROM customers
                 WHERE id > ?1 AND (customer_no = ?3
                       OR id IN (SELECT rowid FROM customer_lookup WHERE customer_lookup MATCH ?2))
                 ORDER BY id LIMIT {limit}"
            ),
            Some(terms),
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = if terms.is_some() {
        stmt.query_map(params![after_id, terms, q], from_row)?.collect::<rusqlite::Result<_>>()?
    } else {
        stmt.query_map(params![after_id, terms], from_row)?.collect::<rusqlite::Result<_>>()?
    };
    Ok(rows)
}

pub struct CustomerUpdate<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub active: bool,
}

pub fn update(conn: &Connection, id: i64, u: &CustomerUpdate) -> Result<()> {
    conn.execute(
        "UPDATE customers SET name = ?2, email = ?3, phone = ?4, active = ?5 WHERE id = ?1",
        params![id, u.name, normalize_email(u.email), u.phone, u.active],
    )?;
    Ok(())
}

/// Open tickets and the last contact, for the hotline and the customer page.
pub fn open_ticket_count(conn: &Connection, id: i64) -> Result<i64> {
    Ok(conn
        .query_row("SELECT count(*) FROM tickets WHERE customer_id = ?1 AND status <> 'closed'", [id], |r| r.get(0))?)
}

/// The encrypted hotline copy of the password (`None`: none stored yet).
pub fn password_copy(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(super::row(conn, "SELECT password_copy FROM customers WHERE id = ?1", [id], |r| r.get(0))?)
}

pub fn set_password_copy(conn: &Connection, id: i64, sealed: Option<&[u8]>) -> Result<()> {
    conn.execute("UPDATE customers SET password_copy = ?2 WHERE id = ?1", params![id, sealed])?;
    Ok(())
}

/// Customer numbers starting with `prefix` (the new-customer form's suggestion counts on).
pub fn numbers_with_prefix(conn: &Connection, prefix: &str) -> Result<Vec<String>> {
    let mut stmt =
        // A range on the unique index (issue 24), not a scan: every string starting with the
        // prefix sorts between it and the prefix followed by the largest code point.
        conn.prepare_cached("SELECT customer_no FROM customers WHERE customer_no >= ?1 AND customer_no < ?1 || char(1114111)")?;
    let rows = stmt.query_map([prefix], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<String>, _>>()?)
}

/// Every customer for the CSV export (issue 21), by number: number, name, e-mail, phone, and
/// the active contacts as `Name <address>` joined by `|` (the import's format).
pub fn export_rows(conn: &Connection) -> Result<Vec<[String; 5]>> {
    let mut stmt = conn.prepare(
        "SELECT c.customer_no, c.name, c.email, c.phone,
                coalesce((SELECT group_concat(k.name || ' <' || k.email || '>', '|')
                          FROM (SELECT name, email FROM contacts WHERE customer_id = c.id AND active = 1 ORDER BY id) k), '')
         FROM customers c ORDER BY c.customer_no",
    )?;
    let rows = stmt
        .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
