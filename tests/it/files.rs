//! Files on disk are owner-only: the database, its WAL and SHM, the lock, the hotline key and
//! every backup are `0600`; `ticketd check` names looser ones.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::harness::{Builder, ANNA};

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

fn beside(db: &Path, suffix: &str) -> std::path::PathBuf {
    db.with_file_name(format!("{}{suffix}", db.file_name().unwrap().to_string_lossy()))
}

#[test]
fn a_serving_database_its_wal_shm_lock_and_key_are_owner_only() {
    let env = Builder::new().customer(ANNA).prepare();
    // A database a looser tool left behind is tightened at start.
    fs::set_permissions(&env.db_path, fs::Permissions::from_mode(0o644)).unwrap();
    let app = env.start();
    let _ = app.anna();
    let db = app.db_path.clone();
    for p in
        [db.clone(), beside(&db, "-wal"), beside(&db, "-shm"), beside(&db, ".lock"), app.dir.path.join("ticketd.key")]
    {
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
}

#[test]
fn backups_and_restored_databases_are_owner_only() {
    let app = Builder::new().customer(ANNA).start();
    let target = app.dir.path.join("backup.db");
    app.cli(&["backup", &target.to_string_lossy()]).ok();
    assert_eq!(mode(&target), 0o600);
    let env = app.stop();
    fs::set_permissions(&env.db_path, fs::Permissions::from_mode(0o644)).unwrap();
    env.cli(&["restore", &target.to_string_lossy()]).ok();
    assert_eq!(mode(&env.db_path), 0o600);
    for suffix in ["-wal", "-shm"] {
        let p = beside(&env.db_path, suffix);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
}

#[test]
fn check_warns_about_a_database_others_can_read() {
    let env = Builder::new().customer(ANNA).prepare();
    let out = env.cli(&["check"]);
    out.ok();
    assert!(!out.stderr.contains("chmod"), "{}", out.stderr);
    fs::set_permissions(&env.db_path, fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cli(&["check"]);
    assert!(out.stderr.contains(&format!("chmod 600 {}", env.db_path.display())), "{}", out.stderr);
    // check only says so; it changes nothing.
    assert_eq!(mode(&env.db_path), 0o644);
}
