//! Living beside Litestream (`replication = "litestream"`): what every connection must do so
//! that `litestream replicate` can stream the WAL to a replica safely. The reasons are in
//! ARCHITECTURE.md ("Replication with Litestream").
//!
//! Litestream copies each new WAL frame to the replica before the frames may leave the WAL, and
//! it wants to decide when they leave: it holds a read transaction open all the time (so no
//! checkpoint can pass its position) and runs its own checkpoints — PASSIVE every 1,000 pages
//! or minute, TRUNCATE only for a runaway WAL. SQLite's automatic checkpoint (PASSIVE, after
//! every commit that leaves 1,000 or more pages in the WAL) competes with that; in the short
//! moment when Litestream swaps its read transaction, a checkpoint by ticketd can move frames
//! Litestream has not seen, and Litestream then has to start over with a full snapshot of the
//! database. So with Litestream ticketd's automatic checkpoint waits far longer: it stays only as
//! a safety net that keeps the WAL bounded should Litestream be stopped while ticketd serves.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::Connection;

use crate::error::Result;

/// ticketd's automatic checkpoint under Litestream, in WAL pages (40 MB at 4 KiB pages): ten
/// times Litestream's own PASSIVE threshold, well below its TRUNCATE threshold (~121k pages).
pub const SAFETY_NET_PAGES: i64 = 10_000;

/// `wal_autocheckpoint` for every connection this process opens; negative: SQLite's default.
static AUTOCHECKPOINT: AtomicI64 = AtomicI64::new(-1);

/// Sets how connections opened from now on checkpoint (`true`: `replication = "litestream"`).
/// Called once, before the first open.
pub fn leave_checkpoints_to_litestream(yes: bool) {
    AUTOCHECKPOINT.store(if yes { SAFETY_NET_PAGES } else { -1 }, Ordering::Relaxed);
}

/// Applies the mode to one connection (from `db::configure`).
pub fn apply(conn: &Connection) -> Result<()> {
    let pages = AUTOCHECKPOINT.load(Ordering::Relaxed);
    if pages >= 0 {
        conn.pragma_update(None, "wal_autocheckpoint", pages)?;
    }
    Ok(())
}

/// The directory Litestream keeps its position in, beside the database (`.<name>-litestream`).
pub fn litestream_dir(db: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(db.file_name().unwrap_or_default());
    name.push("-litestream");
    db.with_file_name(name)
}

/// Litestream's bookkeeping tables: a replicated database (and so every restored replica)
/// has them; they are not ticketd's and are left alone.
pub const LITESTREAM_TABLES: [&str; 2] = ["_litestream_seq", "_litestream_lock"];

/// Whether Litestream has written to this database (its tables exist).
pub fn has_litestream_tables(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?1, ?2)",
        LITESTREAM_TABLES,
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// What a restored replica holds, for `ticketd check --replica`.
pub struct Summary {
    pub tickets: i64,
    pub activities: i64,
    /// The newest activity's time (Unix seconds): how recent the replica is.
    pub newest_activity: Option<i64>,
    pub attachments: i64,
    /// Attachments shown as complete whose stored chunks do not add up to their size.
    pub incomplete_attachments: i64,
}

pub fn summary(conn: &Connection) -> Result<Summary> {
    let (tickets, activities, newest_activity) =
        conn.query_row("SELECT (SELECT count(*) FROM tickets), count(*), max(created_at) FROM activities", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let (attachments, incomplete_attachments) = conn.query_row(
        "SELECT count(*), coalesce(sum(a.size != (SELECT coalesce(sum(length(c.data)), 0)
                                                    FROM attachment_chunks c WHERE c.attachment_id = a.id)), 0)
         FROM attachments a WHERE a.complete = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Summary { tickets, activities, newest_activity, attachments, incomplete_attachments })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn litestream_keeps_its_state_in_a_hidden_directory_beside_the_database() {
        assert_eq!(
            litestream_dir(Path::new("/srv/ticketd/ticketd.db")),
            Path::new("/srv/ticketd/.ticketd.db-litestream")
        );
        assert_eq!(litestream_dir(Path::new("t.db")), Path::new(".t.db-litestream"));
    }

    #[test]
    fn the_safety_net_is_applied_to_the_connection() {
        let conn = Connection::open_in_memory().unwrap();
        AUTOCHECKPOINT.store(SAFETY_NET_PAGES, Ordering::Relaxed);
        apply(&conn).unwrap();
        AUTOCHECKPOINT.store(-1, Ordering::Relaxed);
        let pages: i64 = conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0)).unwrap();
        assert_eq!(pages, SAFETY_NET_PAGES);
        assert!(!has_litestream_tables(&conn).unwrap());
    }
}
