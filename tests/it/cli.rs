//! The command line: version, help, check, first start, schema and config refusals.

use std::fs;
use std::time::Duration;

use crate::harness::{run_ticketd, run_ticketd_env, Builder, TempDir, ADA, ANNA};
use crate::html;

const SHORT: Duration = Duration::from_secs(30);

#[test]
fn version_and_help() {
    for flag in ["--version", "-V"] {
        let out = run_ticketd(&[flag], None, SHORT);
        out.ok();
        assert_eq!(out.stdout.trim(), format!("ticketd {}", env!("CARGO_PKG_VERSION")));
    }
    for flag in ["--help", "-h"] {
        let out = run_ticketd(&[flag], None, SHORT);
        out.ok();
        for word in ["Usage", "serve", "check", "admin create", "customer add", "--config"] {
            assert!(out.stdout.contains(word), "{flag}: help mentions {word}");
        }
    }
    let out = run_ticketd(&["frobnicate"], None, SHORT);
    out.failed();
    assert!(out.stderr.contains("frobnicate"), "{}", out.stderr);
    let out = run_ticketd(&["serve", "--no-such-option", "1"], None, SHORT);
    out.failed();
}

#[test]
fn check_passes_on_a_fresh_database_and_fails_without_one() {
    let env = Builder::new().customer(ANNA).prepare();
    let out = env.cli(&["check"]);
    out.ok();
    assert!(out.stdout.contains("ok"), "{}", out.stdout);
    // A database a server has run on checks fine as well.
    let app = env.start();
    let env = app.stop();
    env.cli(&["check"]).ok();
    fs::remove_file(&env.db_path).unwrap();
    let out = env.cli(&["check"]);
    out.failed();
    assert!(!out.stderr.is_empty());
    assert!(!env.db_path.exists(), "check does not create a database");
}

#[test]
fn first_start_creates_admin_with_a_one_time_password() {
    // The built-in bcrypt cost, once.
    let app = Builder::new().customer(ANNA).default_bcrypt_cost().start();
    let log = app.stderr();
    let pw = log
        .lines()
        .find_map(|l| l.split_once("one-time password: ").map(|(_, p)| p.trim().to_string()))
        .unwrap_or_else(|| panic!("no one-time password on stderr:\n{log}"));
    assert!(pw.len() >= 10, "a strong one-time password: {pw:?}");
    let (_, r) = app.staff_login("admin", "falsches-passwort");
    assert_eq!(r.status, 422);
    let (mut c, r) = app.staff_login("admin", &pw);
    r.expect_redirect("/staff/password");
    // Nothing else until the password is changed.
    let r = c.get("/staff/tickets");
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/staff/password"), "{}", r.location());
    let new_pw = "eigenes-starkes-kennwort";
    let r = c.submit(
        "/staff/password",
        "/staff/password",
        &[("old_password", &pw), ("new_password", new_pw), ("new_password_repeat", new_pw)],
    );
    r.expect(303);
    c.get("/staff/tickets").expect(200);

    // The second start creates nobody and prints no password.
    let env = app.stop();
    let app = env.start();
    assert!(!app.stderr().contains("one-time password"), "{}", app.stderr());
    let (_, r) = app.staff_login("admin", &pw);
    assert_eq!(r.status, 422, "the one-time password is gone");
    let (_, r) = app.staff_login("admin", new_pw);
    r.expect_redirect("/staff/tickets");
}

#[test]
fn an_admin_created_on_the_command_line_prevents_the_generated_one() {
    let app = Builder::new().admin(ADA).start();
    assert!(!app.stderr().contains("one-time password"), "{}", app.stderr());
    let (_, r) = app.staff_login(ADA.username, ADA.password);
    r.expect_redirect("/staff/tickets");
    // Without --password-stdin the CLI prints a generated password that must be changed.
    let out = app.cli(&["admin", "create", "--username", "grace", "--email", "grace@contractor.example"]);
    out.ok();
    let pw = out
        .stdout
        .split_once("password")
        .and_then(|(_, rest)| rest.split(':').nth(1))
        .map(|p| p.trim().to_string())
        .unwrap_or_else(|| panic!("no password printed: {}", out.stdout));
    let (_, r) = app.staff_login("grace", &pw);
    r.expect_redirect("/staff/password");
}

#[test]
fn customer_add_creates_a_customer_who_can_log_in() {
    let env = Builder::new().prepare();
    let out = env.cli(&["customer", "add", "--number", "30001", "--name", "Carla", "--email", "carla@example.net"]);
    out.ok();
    let pw = out.stdout.rsplit("password: ").next().map(|p| p.trim().to_string()).unwrap_or_default();
    assert!(pw.len() >= 10, "a generated password is printed: {}", out.stdout);
    // (arguments, why it is refused)
    for (args, why) in [
        (vec!["--number", "30001", "--name", "Doppelt", "--email", "d@example.net"], "number taken"),
        (vec!["--number", "30002", "--name", "Doppelt", "--email", "CARLA@example.net"], "e-mail taken"),
        (vec!["--number", "30003", "--name", "X", "--email", "keine-adresse"], "bad e-mail"),
        (vec!["--number", "30 04", "--name", "X", "--email", "x@example.net"], "bad number"),
        (vec!["--number", "30005", "--email", "x@example.net"], "no name"),
    ] {
        let mut all = vec!["customer", "add"];
        all.extend(args);
        let out = env.cli(&all);
        assert!(matches!(out.code, Some(c) if c != 0), "{why}: {out:?}");
    }
    let app = env.start();
    app.customer("30001", &pw);
    app.customer("Carla@Example.NET", &pw);
}

#[test]
fn a_database_newer_than_the_binary_is_refused_untouched() {
    let env = Builder::new().customer(ANNA).prepare();
    {
        let conn = rusqlite::Connection::open(&env.db_path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = fs::read(&env.db_path).unwrap();
    let cfg = env.config_path.to_string_lossy().into_owned();
    for args in [
        vec!["serve"],
        vec!["check"],
        vec!["customer", "add", "--number", "1", "--name", "N", "--email", "n@example.com"],
    ] {
        let mut all = args.clone();
        all.extend(["--config", &cfg]);
        let out = run_ticketd(&all, None, SHORT);
        assert!(
            matches!(out.code, Some(c) if c != 0),
            "{args:?} must exit non-zero (got {:?}): {}",
            out.code,
            out.stderr
        );
        assert!(
            out.stderr.contains("schema version") && out.stderr.contains("999"),
            "{args:?} names the schema version: {}",
            out.stderr
        );
    }
    assert!(fs::read(&env.db_path).unwrap() == before, "the database file is unchanged");
    let conn = rusqlite::Connection::open(&env.db_path).unwrap();
    let v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 999);
}

#[test]
fn config_errors_name_the_key() {
    // (config text after `database`, the key the message must name)
    let cases = [
        ("foo = 1", "foo"),
        ("time_zone = \"Mars/Base\"", "time_zone"),
        ("default_language = \"fr\"", "default_language"),
        ("listen = \"nirgendwo\"", "listen"),
        ("[portal]\ntitel = \"Tippfehler\"", "titel"),
        ("[portal]\naccent_color = \"blau\"", "accent_color"),
        ("[security]\nbcrypt_cost = 2", "bcrypt_cost"),
        ("[hotline]\nmode = \"manchmal\"", "mode"),
    ];
    for (snippet, key) in cases {
        let dir = TempDir::new("cfg");
        let db = dir.path.join("t.db");
        let cfg = dir.path.join("ticketd.toml");
        let listen = if snippet.starts_with("listen") {
            String::new()
        } else {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            format!("listen = \"127.0.0.1:{port}\"\n")
        };
        fs::write(&cfg, format!("{listen}database = \"{}\"\n{snippet}\n", db.display())).unwrap();
        for cmd in ["serve", "check"] {
            let out = run_ticketd(&[cmd, "--config", &cfg.to_string_lossy()], None, SHORT);
            assert!(matches!(out.code, Some(c) if c != 0), "{cmd} with {snippet:?} must fail, got {:?}", out.code);
            assert!(out.stderr.contains(key), "{cmd} with {snippet:?}: {}", out.stderr);
        }
        assert!(!db.exists(), "{snippet:?}: no database is created");
    }
    // A missing config file is an error, not the defaults.
    let out = run_ticketd(&["check", "--config", "/nonexistent/ticketd.toml"], None, SHORT);
    out.failed();
}

#[test]
fn the_example_config_runs_a_server() {
    let app = Builder::example_config().start();
    let r = app.client().get("/login");
    r.expect(200);
    assert_eq!(html::page_lang(&r.text()).as_deref(), Some("de"));
    app.client().get("/healthz").expect(200);
    assert!(app.stderr().contains("one-time password"));
}

#[test]
fn environment_overrides_the_database_path() {
    let env = Builder::new().prepare();
    let other = env.dir.path.join("other.db");
    let cfg = env.config_path.to_string_lossy().into_owned();
    let out = run_ticketd_env(
        &[
            "customer",
            "add",
            "--number",
            "1",
            "--name",
            "N",
            "--email",
            "n@example.com",
            "--password-stdin",
            "--config",
            &cfg,
        ],
        Some("ein-langes-passwort\n"),
        &[("TICKETD_DATABASE", &other.to_string_lossy())],
        SHORT,
    );
    out.ok();
    assert!(other.exists(), "TICKETD_DATABASE was used");
    assert!(!env.db_path.exists(), "the config's database was not");
}

#[test]
fn backup_writes_a_verified_copy_while_serving() {
    let app = Builder::new().customer(ANNA).start();
    let mut anna = app.anna();
    crate::harness::create_ticket(&mut anna, "Sicherung", "Bitte sichern.", "normal");
    let target = app.dir.path.join("backup.db");
    let target_s = target.to_string_lossy().into_owned();
    app.cli(&["backup", &target_s]).ok();
    let conn = rusqlite::Connection::open(&target).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    drop(conn);
    // An existing file is never overwritten.
    let out = app.cli(&["backup", &target_s]);
    out.failed();
}
