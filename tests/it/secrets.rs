//! Secrets at rest and on the wire: what a failed login leaves in the audit log, the database
//! dump, the cookies over HTTPS and the lockouts by e-mail address.

use crate::harness::{Builder, ADA, ANNA, BERND};

/// Every text (and blob) value of every table, as read with rusqlite.
fn dump(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    let tables: Vec<String> = crate::harness::strings(conn, "SELECT name FROM sqlite_master WHERE type = 'table'");
    let mut out = Vec::new();
    for t in tables {
        let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{t}\"")) else { continue };
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        out.push((t.clone(), String::from_utf8_lossy(b).into_owned()))
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[test]
fn a_password_typed_as_login_name_is_kept_nowhere() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    const TYPED: &str = "Verschrieben-Geheim-4711";
    assert_eq!(app.login(TYPED, "egal-was").1.status, 422);
    assert_eq!(app.staff_login(TYPED, "egal-was").1.status, 422);
    // A wrong password for a known account names the account.
    assert_eq!(app.login(ANNA.number, TYPED).1.status, 422);
    let mut ada = app.ada();
    let audit = ada.get("/admin/audit").text();
    assert!(!audit.contains(TYPED), "the audit page shows the typed text");
    let conn = app.db();
    for (table, value) in dump(&conn) {
        assert!(!value.contains(TYPED), "{table} keeps the typed text: {value}");
        assert!(!value.to_lowercase().contains(&TYPED.to_lowercase()), "{table} keeps the typed text: {value}");
    }
    let targets: Vec<String> =
        crate::harness::strings(&conn, "SELECT target FROM audit_log WHERE action = 'login.failed' ORDER BY id");
    assert_eq!(targets.len(), 3, "{targets:?}");
    assert!(targets[0].starts_with("unknown:") && targets[1].starts_with("unknown:"), "{targets:?}");
    assert_ne!(targets[0], targets[1], "the realm is part of the hash");
    assert_eq!(targets[2], format!("customer:{}", ANNA.number));
}

#[test]
fn the_same_unknown_name_carries_the_same_hash_and_customer_logins_are_audited() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    for login in ["niemand@example.org", " Niemand@Example.org", "jemand@example.org"] {
        assert_eq!(app.login(login, "falsch-falsch").1.status, 422);
    }
    let conn = app.db();
    let targets: Vec<String> =
        crate::harness::strings(&conn, "SELECT target FROM audit_log WHERE action = 'login.failed' ORDER BY id");
    assert_eq!(targets.len(), 3);
    assert_eq!(targets[0], targets[1], "one name, one hash");
    assert_ne!(targets[0], targets[2]);
    assert!(targets.iter().all(|t| t.starts_with("unknown:") && !t.contains("example")), "{targets:?}");
    let _anna = app.anna();
    let who: String = conn
        .query_row("SELECT actor FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(who, format!("customer:{}", ANNA.number));
}

#[test]
fn over_https_the_session_and_csrf_cookies_carry_the_host_prefix() {
    let app = Builder::new().customer(ANNA).top("trusted_proxies = [\"127.0.0.1\"]").start();
    let mut c = app.client().header("X-Forwarded-Proto", "https");
    let page = c.get("/login");
    let csrf = page.set_cookie("__Host-ticketd_csrf").expect("a prefixed CSRF cookie");
    assert!(page.set_cookie("ticketd_csrf").is_none());
    let r = c.submit("/login", "/login", &[("login", ANNA.number), ("password", ANNA.password)]);
    r.expect_redirect("/tickets");
    let session = r.set_cookie("__Host-ticketd_session").expect("a prefixed session cookie");
    assert!(r.set_cookie("ticketd_session").is_none());
    for cookie in [csrf, session] {
        let attrs: Vec<String> = cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect();
        assert!(attrs.contains(&"secure".to_string()), "{cookie}");
        assert!(attrs.contains(&"path=/".to_string()), "{cookie}");
        assert!(!attrs.iter().any(|a| a.starts_with("domain")), "{cookie}");
    }
    c.get("/tickets").expect(200);
    // Over HTTPS the plain name is not read (a sibling subdomain could have set it) ...
    let token = c.cookie("__Host-ticketd_session").unwrap().to_string();
    let mut plain = app.client().header("X-Forwarded-Proto", "https");
    plain.set_cookie("ticketd_session", &token);
    assert_eq!(plain.get("/tickets").status, 303, "the plain name over HTTPS is no session");
    // ... and over HTTP the prefixed one is not.
    let mut http = app.client();
    http.set_cookie("__Host-ticketd_session", &token);
    assert_eq!(http.get("/tickets").status, 303, "the prefixed name over HTTP is no session");
    let mut http = app.client();
    http.set_cookie("ticketd_session", &token);
    http.get("/tickets").expect(200);
}

#[test]
fn a_lockout_by_email_leaves_the_customer_number_alone() {
    let app = Builder::new().customer(ANNA).customer(BERND).start();
    for _ in 0..5 {
        assert_eq!(app.login(ANNA.email, "falsch-falsch").1.status, 422);
    }
    assert_eq!(app.login(ANNA.email, ANNA.password).1.status, 429, "the address is locked");
    // The number answers as it would for anyone: wrong is 422, right logs in.
    assert_eq!(app.login(ANNA.number, "falsch-falsch").1.status, 422);
    app.anna();
    // And the other way round: failures by number leave the e-mail login alone.
    for _ in 0..5 {
        assert_eq!(app.login(BERND.number, "falsch-falsch").1.status, 422);
    }
    assert_eq!(app.login(BERND.number, BERND.password).1.status, 429);
    app.customer(BERND.email, BERND.password);
}

/// The field error of `field` on a 422 page.
fn field_error(r: &crate::http::Resp, field: &str) -> String {
    assert_eq!(r.status, 422, "{}", r.text());
    let text = r.text();
    let tag = crate::html::by_id(&text, &format!("err-{field}")).unwrap_or_else(|| panic!("no error at {field}"));
    crate::html::inner_text(&text, &tag)
}

#[test]
fn common_passwords_and_the_accounts_own_names_are_refused_at_the_field() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut anna = app.anna();
    let change = |c: &mut crate::http::Client, new: &str| {
        c.submit(
            "/account/password",
            "/account/password",
            &[("old_password", ANNA.password), ("new_password", new), ("new_password_repeat", new)],
        )
    };
    // (new password, words of the German message)
    for (new, says) in [
        ("qwertyuiop", "häufigsten"),
        ("1234567890", "häufigsten"),
        ("PassWord123", "häufigsten"),
        ("mein-10012-kennwort", "Kundennummer"),
        ("Anna.Beispiel-Kennwort", "E-Mail"),
    ] {
        let msg = field_error(&change(&mut anna, new), "new_password");
        assert!(msg.contains(says), "{new}: {msg}");
    }
    // In English too.
    let mut en = app.customer(ANNA.number, ANNA.password).header("Accept-Language", "en");
    let msg = field_error(&change(&mut en, "qwertyuiop"), "new_password");
    assert!(msg.contains("most common"), "{msg}");
    change(&mut anna, "korken-zieher-wanduhr").expect_redirect("/account");

    // Staff: a new account's password may not contain its username or mail name.
    let mut ada = app.ada();
    for (username, email, pw) in [
        ("dora", "d.dienst@contractor.example", "dora-ist-die-beste"),
        ("erik", "erik.e@contractor.example", "mein-Erik.E-kennwort"),
    ] {
        let r = ada.submit(
            "/admin/staff/new",
            "/admin/staff",
            &[("username", username), ("name", "Neu"), ("email", email), ("role", "agent"), ("password", pw)],
        );
        let msg = field_error(&r, "password");
        assert!(msg.contains("Benutzername"), "{username}: {msg}");
    }
}

/// The one-time password `ticketd serve` printed after `marker`.
fn printed_password(log: &str, marker: &str) -> Option<String> {
    log.lines().find_map(|l| l.split_once(marker).map(|(_, p)| p.trim().to_string()))
}

/// Moves the issue time of the first start's one-time password `hours` into the past.
fn age_first_password(app: &crate::harness::Env, hours: i64) {
    let changed = app
        .db()
        .execute(
            "UPDATE settings SET value = substr(value, 1, instr(value, ' '))
                 || (CAST(substr(value, instr(value, ' ') + 1, 12) AS INTEGER) - ?1)
                 || substr(value, instr(value, ' ') + 11)
             WHERE name = 'first_admin_password'",
            [hours * 3600],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn the_first_start_password_expires_unused_after_a_day_and_a_restart_prints_a_new_one() {
    let app = Builder::new().customer(ANNA).start();
    let first = printed_password(&app.stderr(), "one-time password: ").expect("the first password");
    // A restart within the day prints nothing new, and the password still works.
    let env = app.stop();
    age_first_password(&env, 23);
    let app = env.start();
    assert!(!app.stderr().contains("one-time password"), "{}", app.stderr());
    app.staff_login("admin", &first).1.expect_redirect("/staff/password");
    // Past the day it no longer works, even before a restart ...
    age_first_password(&app, 2);
    assert_eq!(app.staff_login("admin", &first).1.status, 422);
    // ... and the next start prints a new one, which works (and must be changed).
    let env = app.stop();
    let app = env.start();
    let second = printed_password(&app.stderr(), "new one-time password: ").expect("a new password");
    assert_ne!(first, second);
    assert_eq!(app.staff_login("admin", &first).1.status, 422);
    app.staff_login("admin", &second).1.expect_redirect("/staff/password");
}

#[test]
fn a_changed_first_start_password_never_expires() {
    let app = Builder::new().customer(ANNA).start();
    let first = printed_password(&app.stderr(), "one-time password: ").expect("the first password");
    let (mut c, r) = app.staff_login("admin", &first);
    r.expect_redirect("/staff/password");
    let new_pw = "eigenes-starkes-kennwort";
    c.submit(
        "/staff/password",
        "/staff/password",
        &[("old_password", &first), ("new_password", new_pw), ("new_password_repeat", new_pw)],
    )
    .expect(303);
    let env = app.stop();
    age_first_password(&env, 48);
    let app = env.start();
    assert!(!app.stderr().contains("one-time password"), "{}", app.stderr());
    app.staff_login("admin", new_pw).1.expect_redirect("/staff/tickets");
}
