//! Password links by e-mail (schema 0014 `password_tokens`): resets and invitations. Only the
//! SHA-256 of a token is stored; exactly one of customer (main account), contact or staff owns it.

use rusqlite::{params, Connection};

use super::OptionalExt;
use crate::error::Result;

/// Whose password a token sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A customer's main account (login by customer number).
    Customer(i64),
    Contact(i64),
    Staff(i64),
}

impl Owner {
    fn ids(self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match self {
            Owner::Customer(id) => (Some(id), None, None),
            Owner::Contact(id) => (None, Some(id), None),
            Owner::Staff(id) => (None, None, Some(id)),
        }
    }

    /// The column that holds this owner's id.
    fn column(self) -> &'static str {
        match self {
            Owner::Customer(_) => "customer_id",
            Owner::Contact(_) => "contact_id",
            Owner::Staff(_) => "staff_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            Owner::Customer(id) | Owner::Contact(id) | Owner::Staff(id) => id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reset,
    Invite,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reset => "reset",
            Purpose::Invite => "invite",
        }
    }

    fn parse(s: &str) -> Purpose {
        if s == "invite" {
            Purpose::Invite
        } else {
            Purpose::Reset
        }
    }
}

/// A stored token, found by its hash.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub owner: Owner,
    pub purpose: Purpose,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub fn insert(conn: &Connection, hash: &[u8], purpose: Purpose, owner: Owner, now: i64, expires_at: i64) -> Result<()> {
    let (c, p, s) = owner.ids();
    conn.prepare_cached(
        "INSERT INTO password_tokens (token_hash, purpose, customer_id, contact_id, staff_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![hash, purpose.as_str(), c, p, s, now, expires_at])?;
    Ok(())
}

pub fn get(conn: &Connection, hash: &[u8]) -> Result<Option<TokenRow>> {
    conn.prepare_cached(
        "SELECT purpose, customer_id, contact_id, staff_id, created_at, expires_at, used_at
         FROM password_tokens WHERE token_hash = ?1",
    )?
    .query_row([hash], |r| {
        let owner = match (r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, Option<i64>>(3)?) {
            (Some(id), _, _) => Owner::Customer(id),
            (_, Some(id), _) => Owner::Contact(id),
            (_, _, Some(id)) => Owner::Staff(id),
            _ => return Err(rusqlite::Error::InvalidColumnType(1, "owner".into(), rusqlite::types::Type::Null)),
        };
        Ok(TokenRow {
            owner,
            purpose: Purpose::parse(&r.get::<_, String>(0)?),
            created_at: r.get(4)?,
            expires_at: r.get(5)?,
            used_at: r.get(6)?,
        })
    })
    .optional()
}

/// Marks the token used; `false` when it was used already (a second, parallel use).
pub fn mark_used(conn: &Connection, hash: &[u8], now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE password_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
        params![hash, now],
    )? == 1)
}

/// Reset mails issued for this owner since `since` (the per-hour mail limit), used or not.
pub fn count_since(conn: &Connection, owner: Owner, purpose: Purpose, since: i64) -> Result<i64> {
    let sql = format!(
        "SELECT count(*) FROM password_tokens WHERE {} = ?1 AND purpose = ?2 AND created_at >= ?3",
        owner.column()
    );
    Ok(super::row(conn, &sql, params![owner.id(), purpose.as_str(), since], |r| r.get(0))?)
}

/// Deletes the owner's open (unused) tokens, e.g. because the password was set another way.
/// Used tokens stay until they age out, so the mail limit still counts them.
pub fn delete_open(conn: &Connection, owner: Owner) -> Result<usize> {
    let sql = format!("DELETE FROM password_tokens WHERE {} = ?1 AND used_at IS NULL", owner.column());
    Ok(conn.execute(&sql, [owner.id()])?)
}

/// Tokens older than `before` (expired long ago) are of no use to anyone.
pub fn purge(conn: &Connection, before: i64) -> Result<usize> {
    Ok(conn.execute("DELETE FROM password_tokens WHERE expires_at < ?1", [before])?)
}
