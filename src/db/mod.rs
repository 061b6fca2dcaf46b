//! All SQL lives below this module. Connection setup (PRAGMAs in one place), the migration
//! runner, a small connection pool and the write-transaction helper.

pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod call_codes;
pub mod contacts;
pub mod contingents;
pub mod customers;
pub mod demo;
pub mod inbound;
pub mod outbox;
pub mod overrides;
pub mod password_tokens;
pub mod replication;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod snippets;
pub mod staff;
pub mod tickets;
pub mod totp;
pub mod webhooks;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};
use crate::sync::Unpoison;

#[derive(rust_embed::RustEmbed)]
#[folder = "schema/"]
struct Schema;

/// How long a statement waits for another writer before giving up with `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The embedded migrations, in order: `(version, name, sql)`.
pub fn migrations() -> Vec<(u32, String, String)> {
    let mut names: Vec<String> = Schema::iter().map(|n| n.to_string()).filter(|n| n.ends_with(".sql")).collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let version: u32 = name.split('_').next()?.parse().ok()?;
            let file = Schema::get(&name)?;
            let sql = String::from_utf8_lossy(&file.data).into_owned();
            Some((version, name, sql))
        })
        .collect()
}

pub fn latest_version() -> u32 {
    migrations().last().map(|m| m.0).unwrap_or(0)
}

/// Opens one connection with the PRAGMAs every connection needs.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::Unavailable(format!("cannot open database {}: {e}", path.display())))?;
    log_statements(&mut conn);
    configure(&conn)?;
    search::register(&conn)?;
    Ok(conn)
}

/// `TICKETD_SQL_LOG=<file>`: every statement any connection of this process runs is appended
/// to the file, one JSON string per line, with its bound parameters filled in (SQLite's trace).
/// For the query-plan guard (`tests/it/query_plan.rs`) and local profiling only: the file gets
/// user data in the clear. Statements over 64 KiB (attachment chunks) are left out. Unset, it
/// costs one check per opened connection.
fn log_statements(conn: &mut Connection) {
    static LOG: OnceLock<Option<Mutex<std::fs::File>>> = OnceLock::new();
    fn append(sql: &str) {
        use std::io::Write;
        if let (Some(Some(file)), true) = (LOG.get(), sql.len() <= 64 * 1024) {
            let line = serde_json::to_string(sql).unwrap_or_default();
            let _ = writeln!(file.lock().unpoisoned(), "{line}");
        }
    }
    let log = LOG.get_or_init(|| {
        let path = std::env::var_os("TICKETD_SQL_LOG")?;
        std::fs::OpenOptions::new().create(true).append(true).open(path).ok().map(Mutex::new)
    });
    if log.is_some() {
        conn.trace(Some(append));
    }
}

/// Each connection's page cache, in KiB (`PRAGMA cache_size` negative: a size, not pages).
/// A request holds one connection; with the default 16 workers and the background threads
/// about 20 connections are open when busy: ~20 MiB at most. Each connection's cache is its
/// own (no process-wide cache and no lock: `.cargo/config.toml`), and a commit of another
/// connection empties it at the next read anyway (WAL), so a larger one mostly holds memory.
pub const CACHE_KIB: i64 = 1024;

/// Per-connection settings, in one place.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // A page runs more distinct statements than rusqlite's default cache of 16 holds; without
    // room they are prepared again on every request.
    conn.set_prepared_statement_cache_capacity(64);
    // WAL: readers never block the writer; FULL: an acknowledged write survives power loss.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Internal(format!("database refused WAL mode (got {mode})")));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{CACHE_KIB};"
    ))?;
    // Checkpoints left to Litestream when it replicates (`replication = "litestream"`).
    replication::apply(conn)?;
    Ok(())
}

/// Brings the schema up to date; refuses a database written by a newer ticketd.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let all = migrations();
    let latest = all.last().map(|m| m.0).unwrap_or(0);
    if current > latest {
        return Err(Error::Internal(format!(
            "the database has schema version {current}, but this ticketd only knows up to {latest}: \
             it was written by a newer ticketd; refusing to touch it"
        )));
    }
    // Foreign keys are off while migrating, so a step may rebuild a table the SQLite way
    // (create new, copy, drop old, rename); each step must leave no violation behind.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = (|| {
        for (version, name, sql) in all.into_iter().filter(|m| m.0 > current) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(&sql).map_err(|e| Error::Internal(format!("migration {name} failed: {e}")))?;
            let violations: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if violations > 0 {
                return Err(Error::Internal(format!("migration {name} left {violations} foreign key violation(s)")));
            }
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result
}

/// One row through the connection's statement cache. rusqlite's `Connection::query_row`
/// prepares the statement anew on every call — a tenth of a page's time when it is the session
/// lookup on every request.
pub fn row<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// Runs `f` in a `BEGIN IMMEDIATE` transaction and commits only if it returns `Ok`.
/// One use-case, one transaction, including its activity and audit rows.
///
/// Writers of this process first line up in arrival order (see [`WriteQueue`]): SQLite's own
/// busy handler lets a blocked writer sleep in growing steps and retry, so under load a
/// writer could wait seconds while later ones got through.
///
/// Inside a request's read scope ([`ReadScope`]) the connection may still hold the request's
/// read transaction: it ends here, and the request's later reads run in autocommit, so they
/// see this write.
pub fn write<T>(conn: &mut Connection, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
    end_read(conn)?;
    let _turn = WRITERS.enter(BUSY_TIMEOUT);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx);
    // Whatever the outcome, later reads of this request must not stay in an older snapshot.
    SCOPE.with(|s| s.borrow_mut().as_mut().map(|s| s.wrote = true));
    let out = out?;
    tx.commit()?;
    Ok(out)
}

/// Ends the read transaction a request scope left open on `conn`, if any (a pooled connection
/// is otherwise always in autocommit between use-cases).
fn end_read(conn: &Connection) -> Result<()> {
    if !conn.is_autocommit() {
        // Prepared once per connection: `execute_batch` parsed the statement on every request.
        conn.prepare_cached("COMMIT")?.execute([])?;
    }
    Ok(())
}

thread_local! {
    /// The open request scope of this thread, if any (see [`ReadScope`]).
    static SCOPE: std::cell::RefCell<Option<ScopeSlot>> = const { std::cell::RefCell::new(None) };
}

struct ScopeSlot {
    /// The pool the scope belongs to (its address): a connection goes only to its own pool.
    pool: usize,
    /// The request's connection while nobody holds it; `None` before the first use and while
    /// lent out.
    conn: Option<Connection>,
    /// The read transaction was begun (at the first use).
    began: bool,
    /// Something was written on this thread since: reads run in autocommit from then on.
    wrote: bool,
}

/// One connection and one read transaction for a request's reads. While it lives,
/// [`Pool::get`] on this thread hands out the same connection, and the first use begins a
/// deferred transaction on it: every statement of the page reads one snapshot, and SQLite
/// takes and releases its WAL read lock once per request instead of once per statement.
/// A write (`db::write`) ends the read transaction first; later reads of the request then run
/// in autocommit and see the write. A connection asked for while the request's is in use
/// (nested) comes from the pool as before. Dropping the scope ends the transaction and
/// returns the connection to the pool.
pub struct ReadScope<'a> {
    pool: &'a Pool,
}

impl ReadScope<'_> {
    pub fn begin(pool: &Pool) -> ReadScope<'_> {
        SCOPE.with(|s| {
            *s.borrow_mut() =
                Some(ScopeSlot { pool: pool as *const Pool as usize, conn: None, began: false, wrote: false })
        });
        ReadScope { pool }
    }
}

impl Drop for ReadScope<'_> {
    fn drop(&mut self) {
        let slot = SCOPE.with(|s| s.borrow_mut().take());
        if let Some(conn) = slot.and_then(|s| s.conn) {
            if end_read(&conn).is_ok() {
                self.pool.put(conn);
            }
        }
    }
}

static WRITERS: WriteQueue = WriteQueue::new();

/// A first-come, first-served turn for writers of this process. A writer that waited
/// `timeout` goes ahead anyway (SQLite's busy timeout then decides), so a write nested in
/// another on the same thread cannot hang forever.
pub struct WriteQueue {
    state: Mutex<QueueState>,
    turn: std::sync::Condvar,
}

struct QueueState {
    next: u64,
    serving: u64,
    /// Tickets whose writers stopped waiting: skipped when their turn comes.
    abandoned: std::collections::BTreeSet<u64>,
}

pub struct Turn<'a> {
    queue: &'a WriteQueue,
    held: bool,
}

impl WriteQueue {
    pub const fn new() -> WriteQueue {
        WriteQueue {
            state: Mutex::new(QueueState { next: 0, serving: 0, abandoned: std::collections::BTreeSet::new() }),
            turn: std::sync::Condvar::new(),
        }
    }

    pub fn enter(&self, timeout: Duration) -> Turn<'_> {
        let deadline = std::time::Instant::now() + timeout;
        let mut st = self.state.lock().unpoisoned();
        let ticket = st.next;
        st.next += 1;
        while st.serving != ticket {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                st.abandoned.insert(ticket);
                return Turn { queue: self, held: false };
            }
            st = self.turn.wait_timeout(st, left).unpoisoned().0;
        }
        Turn { queue: self, held: true }
    }
}

impl Default for WriteQueue {
    fn default() -> Self {
        WriteQueue::new()
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if !self.held {
            return;
        }
        let mut st = self.queue.state.lock().unpoisoned();
        st.serving += 1;
        loop {
            let serving = st.serving;
            if !st.abandoned.remove(&serving) {
                break;
            }
            st.serving += 1;
        }
        drop(st);
        self.queue.turn.notify_all();
    }
}

/// The identity of the database state the request's read transaction sees, when this thread
/// has a request scope ([`ReadScope`]) whose read transaction is open (something was read) and
/// nothing was written since: a hash of the WAL index header of the snapshot
/// (`sqlite3_snapshot_get`, SQLite built with `SQLITE_ENABLE_SNAPSHOT`, see `.cargo/config.toml`).
/// Every commit — of any connection, in this process or another — appends frames to the WAL
/// (its frame count and last checksum change) or restarts it (new salts), so two states never
/// share a header, and one state always has the same one: the version is the page's own
/// snapshot, comparable across connections, read without a statement, a lock or a second read
/// transaction. `None` when there is no such scope, or a brand-new WAL has no frame yet
/// (SQLite gives no snapshot then): the page then has no `ETag`.
pub fn scope_version() -> Option<i64> {
    SCOPE.with(|s| {
        let s = s.borrow();
        let slot = s.as_ref().filter(|slot| slot.began && !slot.wrote)?;
        let conn = slot.conn.as_ref().filter(|c| !c.is_autocommit())?;
        snapshot_version(conn)
    })
}

/// See [`scope_version`]: `conn` must be inside a read transaction.
fn snapshot_version(conn: &Connection) -> Option<i64> {
    use std::hash::{BuildHasher, Hasher};
    let mut snap: *mut rusqlite::ffi::sqlite3_snapshot = std::ptr::null_mut();
    // SAFETY: the handle belongs to `conn`, which this thread holds (`&Connection`, and rusqlite
    // connections are not shared between threads); the schema name is a NUL-terminated
    // constant; on success SQLite hands us a snapshot object we free below, exactly once.
    let rc = unsafe { rusqlite::ffi::sqlite3_snapshot_get(conn.handle(), c"main".as_ptr(), &mut snap) };
    if rc != rusqlite::ffi::SQLITE_OK || snap.is_null() {
        return None;
    }
    // SAFETY: `sqlite3_snapshot` is SQLite's opaque `{ unsigned char hidden[48] }` (the WAL
    // index header), allocated by `sqlite3_snapshot_get` and valid until freed; we read its
    // bytes, then free it once.
    let bytes = unsafe {
        std::slice::from_raw_parts(snap as *const u8, std::mem::size_of::<rusqlite::ffi::sqlite3_snapshot>())
    };
    static KEY: OnceLock<std::hash::RandomState> = OnceLock::new();
    let mut h = KEY.get_or_init(std::hash::RandomState::new).build_hasher();
    h.write(bytes);
    let v = h.finish() as i64;
    // SAFETY: see above; `snap` is not used after this.
    unsafe { rusqlite::ffi::sqlite3_snapshot_free(snap) };
    Some(v)
}

/// A bounded pool of open connections. The lock is held only to take or return one, never
/// across a request, so a panicking handler cannot poison it for others.
pub struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    max_idle: usize,
}

impl Pool {
    pub fn new(path: &Path, max_idle: usize) -> Pool {
        Pool { path: path.to_path_buf(), idle: Mutex::new(Vec::new()), max_idle }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self) -> Result<PooledConn<'_>> {
        if let Some(conn) = self.scoped_conn()? {
            return Ok(PooledConn { pool: self, conn: Some(conn), scoped: true });
        }
        Ok(PooledConn { pool: self, conn: Some(self.take()?), scoped: false })
    }

    fn take(&self) -> Result<Connection> {
        let idle = self.idle.lock().unpoisoned().pop();
        match idle {
            Some(c) => Ok(c),
            None => open(&self.path),
        }
    }

    fn put(&self, conn: Connection) {
        let mut idle = self.idle.lock().unpoisoned();
        if idle.len() < self.max_idle {
            idle.push(conn);
        }
    }

    /// The request scope's connection, when this thread has a scope of this pool and its
    /// connection is not lent out already.
    fn scoped_conn(&self) -> Result<Option<Connection>> {
        let me = self as *const Pool as usize;
        let taken = SCOPE.with(|s| {
            let mut s = s.borrow_mut();
            let slot = s.as_mut().filter(|slot| slot.pool == me)?;
            if !slot.began {
                slot.began = true;
                return Some((slot.conn.take(), true, false));
            }
            Some((Some(slot.conn.take()?), false, slot.wrote))
        });
        let Some((conn, first, wrote)) = taken else { return Ok(None) };
        let conn = match conn {
            Some(c) => c,
            None => self.take()?,
        };
        if first {
            conn.prepare_cached("BEGIN")?.execute([])?;
        } else if wrote {
            end_read(&conn)?;
        }
        Ok(Some(conn))
    }
}

pub struct PooledConn<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
    /// The request scope's connection: it goes back to the scope, not the pool.
    scoped: bool,
}

impl Deref for PooledConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Invariant: `conn` is `Some` until drop.
        self.conn.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl DerefMut for PooledConn<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for PooledConn<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let conn = if self.scoped { give_back_to_scope(self.pool, conn) } else { Some(conn) };
            // A connection left inside a transaction (a panic mid-use-case) is not reused.
            if let Some(conn) = conn.filter(|c| c.is_autocommit()) {
                self.pool.put(conn);
            }
        }
    }
}

/// Puts the scope's connection back into this thread's scope; hands it back when the scope is
/// gone (then it goes to the pool if it is in autocommit).
fn give_back_to_scope(pool: &Pool, conn: Connection) -> Option<Connection> {
    let me = pool as *const Pool as usize;
    SCOPE.with(|s| match s.borrow_mut().as_mut().filter(|slot| slot.pool == me && slot.conn.is_none()) {
        Some(slot) => {
            slot.conn = Some(conn);
            None
        }
        None => Some(conn),
    })
}

/// A consistent copy of the live database in a new file (`VACUUM INTO`), then that copy checked
/// as [`check`] does: the problems found (none for a good backup).
pub fn backup_into(conn: &Connection, target: &Path) -> std::result::Result<Vec<String>, String> {
    let name = target.to_str().ok_or("the backup path is not valid UTF-8")?;
    conn.execute("VACUUM INTO ?1", [name]).map_err(|e| format!("backup failed: {e}"))?;
    let copy = Connection::open_with_flags(target, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open the backup to verify it: {e}"))?;
    check(&copy).map_err(|e| format!("cannot verify the backup: {e}"))
}

/// The database answers a trivial query (`/healthz`).
pub fn ping(conn: &Connection) -> Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// `PRAGMA integrity_check` plus the schema version, for `ticketd check`.
pub fn check(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if rows != ["ok"] {
        problems.extend(rows.into_iter().map(|r| format!("integrity: {r}")));
    }
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if fk > 0 {
        problems.push(format!("foreign keys: {fk} violation(s)"));
    }
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != latest_version() {
        problems.push(format!("schema version {version}, expected {}", latest_version()));
    }
    Ok(problems)
}

/// Converts "no rows" into `None`, other errors into `Error`.
pub trait OptionalExt<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for rusqlite::Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// Held by a running server for the database it serves: `restore` refuses while it is taken.
/// An advisory lock (`File::try_lock`, `flock` on Unix) on `<database>.lock`; the kernel drops
/// it when the process dies.
pub struct ServerLock {
    _file: Option<std::fs::File>,
}

/// The files that hold the database's contents beside the database itself: its WAL, its
/// shared-memory index and the server lock. All are kept owner-only (`0600`).
pub fn files_of(db: &Path) -> Vec<PathBuf> {
    let beside = |suffix: &str| {
        let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(suffix);
        db.with_file_name(name)
    };
    vec![db.to_path_buf(), beside("-wal"), beside("-shm"), lock_path(db)]
}

/// The existing files among `paths` that group or others may read or write, with their modes.
pub fn loose_modes(paths: &[PathBuf]) -> Vec<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    paths
        .iter()
        .filter_map(|p| {
            let mode = std::fs::metadata(p).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then(|| (p.clone(), mode))
        })
        .collect()
}

/// Makes the existing files among `paths` owner-only; returns the ones that were looser.
pub fn make_owner_only(paths: &[PathBuf]) -> std::result::Result<Vec<(PathBuf, u32)>, String> {
    use std::os::unix::fs::PermissionsExt;
    let loose = loose_modes(paths);
    for (p, _) in &loose {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot make {} owner-only: {e}", p.display()))?;
    }
    Ok(loose)
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    db.with_file_name(name)
}

/// Takes the server lock, or says which process-independent fact stands in the way.
pub fn lock_for_server(db: &Path) -> std::result::Result<ServerLock, String> {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem, StorageFull};
    let path = lock_path(db);
    let file = match std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path) {
        Ok(f) => f,
        // A read-only directory (a read-only mount, a full disk): serving reads must still
        // work, and no restore can write there either, so there is nothing to guard.
        Err(e) if matches!(e.kind(), ReadOnlyFilesystem | PermissionDenied | StorageFull) => {
            eprintln!("warning: cannot create {} ({e}); continuing without the server lock", path.display());
            return Ok(ServerLock { _file: None });
        }
        Err(e) => return Err(format!("cannot open {}: {e}", path.display())),
    };
    match file.try_lock() {
        Ok(()) => Ok(ServerLock { _file: Some(file) }),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!("another ticketd server is using {}", db.display())),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// Copies a verified backup over `target` through SQLite's backup API (never a file copy), so
/// the target's WAL and the copy agree. The caller holds the server lock.
pub fn restore_from(backup: &Path, target: &Path) -> std::result::Result<(), String> {
    let src = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open the backup {}: {e}", backup.display()))?;
    let problems = check(&src).map_err(|e| format!("the backup {} cannot be read: {e}", backup.display()))?;
    let version: u32 = src.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    let fatal: Vec<&String> = problems.iter().filter(|p| !p.starts_with("schema version")).collect();
    if !fatal.is_empty() {
        return Err(format!(
            "the backup {} is damaged: {}",
            backup.display(),
            fatal.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
        ));
    }
    if version > latest_version() {
        return Err(format!("the backup has schema version {version}, newer than this ticketd ({})", latest_version()));
    }
    let mut dst = open(target).map_err(|e| format!("cannot open {}: {e}", target.display()))?;
    let backup_run = rusqlite::backup::Backup::new(&src, &mut dst).map_err(|e| e.to_string())?;
    backup_run.run_to_completion(256, Duration::from_millis(0), None).map_err(|e| format!("restore failed: {e}"))?;
    drop(backup_run);
    migrate(&mut dst).map_err(|e| e.to_string())?;
    let after = check(&dst).map_err(|e| e.to_string())?;
    if !after.is_empty() {
        return Err(format!("the restored database does not verify: {}", after.join("; ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh database in a directory of its own with one table `t` of one row: the directory,
    /// the file and the connection that made it.
    fn table_t(tag: &str) -> (PathBuf, PathBuf, Connection) {
        let dir = std::env::temp_dir().join(format!(
            "ticketd-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let setup = open(&path).unwrap();
        setup.execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);").unwrap();
        (dir, path, setup)
    }

    #[test]
    fn a_read_scope_is_one_connection_one_snapshot_until_a_write() {
        let (dir, path, setup) = table_t("scope");
        let pool = Pool::new(&path, 4);
        let count = |c: &Connection| c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap();
        {
            let _scope = ReadScope::begin(&pool);
            let first = pool.get().unwrap();
            assert!(!first.is_autocommit(), "the first use begins the read transaction");
            assert_eq!(count(&first), 1);
            // Nested while the request's connection is lent out: another one, in autocommit.
            let nested = pool.get().unwrap();
            assert!(nested.is_autocommit());
            drop(nested);
            drop(first);
            // Another writer commits: the page still reads its snapshot, on the same connection.
            setup.execute("INSERT INTO t VALUES (2)", []).unwrap();
            let again = pool.get().unwrap();
            assert!(!again.is_autocommit());
            assert_eq!(count(&again), 1, "one snapshot for the whole page");
            drop(again);
            // A write of the request ends the snapshot; later reads see everything.
            let mut w = pool.get().unwrap();
            write(&mut w, |tx| Ok(tx.execute("INSERT INTO t VALUES (3)", [])?)).unwrap();
            assert_eq!(count(&w), 3);
            drop(w);
            let after = pool.get().unwrap();
            assert!(after.is_autocommit());
            assert_eq!(count(&after), 3);
        }
        // Outside a scope: plain pooled connections in autocommit.
        let plain = pool.get().unwrap();
        assert!(plain.is_autocommit());
        drop(plain);
        drop(setup);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_scope_version_names_the_snapshot_and_moves_with_every_commit() {
        let (dir, path, setup) = table_t("version");
        let count = |c: &Connection| c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap();
        // The version of one state, read in a read transaction of its own connection.
        let at_state = || {
            let c = open(&path).unwrap();
            c.execute_batch("BEGIN").unwrap();
            count(&c);
            let v = snapshot_version(&c).expect("a snapshot");
            c.execute_batch("COMMIT").unwrap();
            v
        };
        let first = at_state();
        assert_eq!(at_state(), first, "one state, one version, whichever connection reads it");
        setup.execute("INSERT INTO t VALUES (2)", []).unwrap();
        let second = at_state();
        assert_ne!(second, first, "a commit moves it");
        // A checkpoint that empties the WAL: the next commit still moves it, and never back.
        setup.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        setup.execute("INSERT INTO t VALUES (3)", []).unwrap();
        let third = at_state();
        assert!(third != second && third != first, "a commit after a checkpoint moves it too");

        let pool = Pool::new(&path, 4);
        assert_eq!(scope_version(), None, "no request scope, no version");
        {
            let _scope = ReadScope::begin(&pool);
            assert_eq!(scope_version(), None, "nothing read yet");
            let c = pool.get().unwrap();
            count(&c);
            assert_eq!(scope_version(), None, "the connection is lent out");
            drop(c);
            assert_eq!(scope_version(), Some(third), "the page's snapshot");
            // Another connection commits: the page still reads, and names, its snapshot.
            setup.execute("INSERT INTO t VALUES (4)", []).unwrap();
            assert_eq!(scope_version(), Some(third));
            let mut w = pool.get().unwrap();
            write(&mut w, |tx| Ok(tx.execute("INSERT INTO t VALUES (5)", [])?)).unwrap();
            drop(w);
            assert_eq!(scope_version(), None, "after a write of its own a page has no version");
        }
        assert_ne!(at_state(), third);
        drop(setup);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn writers_take_turns_in_order_and_a_stuck_turn_times_out() {
        let q = std::sync::Arc::new(WriteQueue::new());
        let first = q.enter(Duration::from_secs(1));
        assert!(first.held);
        // A nested writer on the same thread gives up waiting instead of hanging.
        let nested = q.enter(Duration::from_millis(50));
        assert!(!nested.held);
        drop(nested);
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        for i in 0..4 {
            let (q, order) = (q.clone(), order.clone());
            threads.push(std::thread::spawn(move || {
                let t = q.enter(Duration::from_secs(5));
                order.lock().unwrap().push((i, t.held));
            }));
            std::thread::sleep(Duration::from_millis(30));
        }
        drop(first);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            [(0, true), (1, true), (2, true), (3, true)],
            "arrival order, skipping the abandoned turn"
        );
    }
}
