//! `replication = "litestream"` and `ticketd check --replica` without Litestream itself: a
//! stand-in `litestream` script "restores" a `ticketd backup` file, so the wiring (the URL
//! passed, the temporary copy, the checks, the exit codes) is tested here; the real Litestream
//! runs in `make test-replication` (tests/replication/run.py).

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::harness::*;

/// A `litestream` that records its arguments and copies `$1`'s file to the `-o` path.
fn fake_litestream(dir: &std::path::Path, source: &std::path::Path) -> String {
    let script = dir.join("fake-litestream");
    let args = dir.join("fake-litestream.args");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\n[ \"$1\" = restore ] && [ \"$2\" = -o ] && cp '{}' \"$3\"\n",
            args.display(),
            source.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o700)).unwrap();
    script.to_string_lossy().into_owned()
}

#[test]
fn check_replica_restores_into_a_temporary_copy_and_checks_it() {
    let env = Builder::new().customer(ANNA).prepare();
    let backup = env.dir.path.join("copy.db");
    env.cli(&["backup", backup.to_str().unwrap()]).ok();
    let replica = env.dir.path.join("replica");
    fs::create_dir(&replica).unwrap();
    let before = fs::read(&env.db_path).unwrap();

    let bin = fake_litestream(&env.dir.path, &backup);
    let out = env.cli(&["check", "--replica", replica.to_str().unwrap(), "--litestream", &bin]);
    out.ok();
    assert!(out.stdout.contains("ok: replica"), "{}", out.stdout);
    assert!(out.stdout.contains("0 tickets, 0 activities, 0 attachments"), "{}", out.stdout);
    let args = fs::read_to_string(env.dir.path.join("fake-litestream.args")).unwrap();
    let url = format!("file://{}", fs::canonicalize(&replica).unwrap().display());
    assert!(args.trim_end().ends_with(&url), "a replica directory is passed as a file:// URL: {args}");
    let copy = args.split_whitespace().nth(2).unwrap().to_string();
    assert!(!std::path::Path::new(&copy).exists(), "the temporary copy {copy} is removed again");
    assert_eq!(fs::read(&env.db_path).unwrap(), before, "the database itself is not touched");

    // A damaged replica copy fails the check; a restore that fails is exit 2 with the reason.
    fs::write(&backup, vec![7u8; 8192]).unwrap();
    let out = env.cli(&["check", "--replica", replica.to_str().unwrap(), "--litestream", &bin]);
    out.failed();
    let out = env.cli(&["check", "--replica", "s3://bucket/path", "--litestream", "/nonexistent/litestream"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("cannot run /nonexistent/litestream"), "{}", out.stderr);
}

#[test]
fn a_server_beside_litestream_state_warns_until_replication_is_set() {
    let env = Builder::new().customer(ANNA).prepare();
    let state =
        env.db_path.with_file_name(format!(".{}-litestream", env.db_path.file_name().unwrap().to_string_lossy()));
    fs::create_dir(&state).unwrap();
    let app = env.start();
    let log = app.stderr();
    assert!(log.contains("replication = \"litestream\""), "{log}");
    app.stop();
}
