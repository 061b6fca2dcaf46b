//! Logging in and out, throttling, `next`, and who may see which page.

use crate::harness::{portal, session_csrf, Builder, ADA, ANNA, BERND};
use crate::html;
use crate::http::urldecode;

/// The generic message of a failed login page.
#[track_caller]
fn login_error(text: &str) -> String {
    let tag = html::by_id(text, "login-error").expect("a #login-error message on the page");
    html::inner_text(text, &tag)
}

#[test]
fn login_by_customer_number_or_email_in_any_case() {
    let app = portal();
    for login in [ANNA.number, "Anna.Beispiel@Example.com", "anna.beispiel@example.com", "ANNA.BEISPIEL@EXAMPLE.COM"] {
        let (mut c, r) = app.login(login, ANNA.password);
        assert_eq!(r.status, 303, "login {login:?}: {}", r.text());
        r.expect_redirect("/tickets");
        let page = c.get("/tickets");
        page.expect(200);
        assert_eq!(
            html::attr_values(&page.text(), "data-customer-no"),
            [ANNA.number],
            "login {login:?} must lead to Anna's portal"
        );
    }
    // The other customer logs in as themselves.
    let mut c = app.bernd();
    let page = c.get("/tickets");
    assert_eq!(html::attr_values(&page.text(), "data-customer-no"), [BERND.number]);
}

#[test]
fn failed_logins_get_one_generic_answer() {
    let app = portal();
    let cases = [
        (ANNA.number, "falsches-passwort", "wrong password"),
        ("anna.beispiel@example.com", "falsches-passwort", "wrong password by e-mail"),
        ("99999", ANNA.password, "unknown customer number"),
        ("niemand@example.com", ANNA.password, "unknown e-mail"),
        ("1001", ANNA.password, "a prefix of Anna's number"),
        ("100120", ANNA.password, "Anna's number with a digit more"),
        ("Anna Beispiel", ANNA.password, "the name is no login"),
        ("anna.beispiel@example", ANNA.password, "a truncated e-mail"),
        (BERND.email, ANNA.password, "Bernd's e-mail with Anna's password"),
    ];
    let mut first_message: Option<String> = None;
    for (login, password, why) in cases {
        let (c, r) = app.login(login, password);
        assert_eq!(r.status, 422, "{why}: {login:?}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"), "{why}");
        assert!(c.cookie("ticketd_session").is_none(), "{why}: no session may be set");
        let text = r.text();
        let msg = login_error(&text);
        assert!(!msg.is_empty(), "{why}: a message is shown");
        // The form comes back with the login filled in, never the password.
        assert_eq!(html::form_input(&text, "/login", "login").as_deref(), Some(login), "{why}");
        assert!(!text.contains(password), "{why}: the password is not echoed");
        match &first_message {
            None => first_message = Some(msg),
            Some(m) => assert_eq!(&msg, m, "{why}: the same message for every failure"),
        }
    }
}

/// Fails `n` logins for `login`, each with 422.
fn fail_logins(app: &crate::harness::TestApp, login: &str, n: u32) {
    for i in 0..n {
        let (_, r) = app.login(login, "falsches-passwort");
        assert_eq!(r.status, 422, "failure {} of {n} for {login}", i + 1);
    }
}

#[test]
fn repeated_failures_lock_the_account() {
    // (setting of login_max_failures_per_account, the limit in effect)
    for (setting, limit) in [(None, 5), (Some(3), 3)] {
        let mut b = Builder::new().customer(ANNA).customer(BERND);
        if let Some(n) = setting {
            b = b.security(&format!("login_max_failures_per_account = {n}"));
        }
        let app = b.start();
        fail_logins(&app, ANNA.number, limit - 1);
        // One below the limit the right password still works (and clears the count).
        app.anna();
        fail_logins(&app, ANNA.number, limit);
        let (c, r) = app.login(ANNA.number, ANNA.password);
        assert_eq!(r.status, 429, "limit {limit}: the right password is refused while locked");
        assert!(c.cookie("ticketd_session").is_none());
        let retry: u64 = r.header("Retry-After").and_then(|v| v.parse().ok()).expect("Retry-After in seconds");
        assert!(retry > 0 && retry <= 15 * 60, "Retry-After {retry}");
        assert!(!login_error(&r.text()).is_empty());
        // Another account from the same address is not affected.
        app.bernd();
    }
}

#[test]
fn throttling_counts_per_login_as_typed_whatever_its_case() {
    let app = Builder::new().customer(ANNA).start();
    // Five failures for one e-mail address in three spellings lock that address.
    fail_logins(&app, "anna.beispiel@example.com", 2);
    fail_logins(&app, "ANNA.BEISPIEL@EXAMPLE.COM", 2);
    fail_logins(&app, ANNA.email, 1);
    let (_, r) = app.login(ANNA.email, ANNA.password);
    assert_eq!(r.status, 429, "after 5 failures by Anna's address, logging in by it must be throttled");
    // Not the customer number: see secrets::a_lockout_by_email_leaves_the_customer_number_alone.
}

#[test]
fn next_only_ever_leads_to_a_local_path() {
    let app = portal();
    for (next, want) in [
        ("/tickets/new", "/tickets/new"),
        ("/account", "/account"),
        ("//evil.example", "/tickets"),
        ("//evil.example/tickets", "/tickets"),
        ("https://evil.example", "/tickets"),
        ("http://evil.example/", "/tickets"),
        ("/\\evil.example", "/tickets"),
        ("/\t/evil.example", "/tickets"),
        ("/\r\nSet-Cookie: x=y", "/tickets"),
        ("javascript:alert(1)", "/tickets"),
        ("evil.example", "/tickets"),
        ("", "/tickets"),
    ] {
        let mut c = app.client();
        let r = c.submit("/login", "/login", &[("login", ANNA.number), ("password", ANNA.password), ("next", next)]);
        assert_eq!(r.status, 303, "next={next:?}");
        assert_eq!(r.location(), want, "next={next:?}");
        // The login form never carries a foreign target either.
        let page = app.client().get(&format!("/login?next={}", crate::http::urlencode(next)));
        page.expect(200);
        if let Some(hidden) = html::form_input(&page.text(), "/login", "next") {
            assert!(
                hidden.starts_with('/') && !hidden.starts_with("//") && !hidden.contains("evil"),
                "next={next:?} rendered as {hidden:?}"
            );
        }
    }
}

#[test]
fn anonymous_visitors_are_sent_to_the_right_login() {
    let app = portal();
    for (path, login) in [
        ("/tickets", "/login"),
        ("/tickets/new", "/login"),
        ("/tickets?year=2025&month=2", "/login"),
        ("/tickets/2025-00001", "/login"),
        ("/account", "/login"),
        ("/account/password", "/login"),
        ("/staff/tickets", "/staff/login"),
        ("/staff/password", "/staff/login"),
    ] {
        let r = app.client().get(path);
        assert_eq!(r.status, 303, "{path}");
        let loc = r.location();
        let next = loc
            .strip_prefix(&format!("{login}?next="))
            .unwrap_or_else(|| panic!("{path} redirected to {loc}, not {login}?next=…"));
        assert_eq!(urldecode(next), path, "{path}: next leads back");
    }
    app.client().get("/").expect_redirect("/login");
}

#[test]
fn login_leads_back_to_the_page_that_asked_for_it() {
    let app = portal();
    let mut c = app.client();
    let r = c.get("/tickets/new");
    let login_page = r.expect(303).location().to_string();
    let page = c.get(&login_page);
    page.expect(200);
    let next = html::form_input(&page.text(), "/login", "next").expect("hidden next");
    assert_eq!(next, "/tickets/new");
    let csrf = html::form_csrf(&page.text(), "/login").unwrap();
    let r =
        c.post_form("/login", &[("csrf", &csrf), ("login", ANNA.number), ("password", ANNA.password), ("next", &next)]);
    r.expect_redirect("/tickets/new");
    c.get("/tickets/new").expect(200);
    // Logged in, `/` and `/login` lead to the tickets.
    c.get("/").expect_redirect("/tickets");
    c.get("/login").expect_redirect("/tickets");
}

#[test]
fn a_customer_session_gets_403_on_staff_pages() {
    let app = portal();
    let mut c = app.anna();
    for path in ["/staff/tickets", "/staff/password", "/staff/tickets?status=open"] {
        let r = c.get(path);
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    }
    // The customer's own session survives the refusal.
    c.get("/tickets").expect(200);
}

#[test]
fn staff_log_in_by_username_or_email() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    for login in [ADA.username, ADA.email, "ADA@Contractor.Example"] {
        let (mut c, r) = app.staff_login(login, ADA.password);
        r.expect_redirect("/staff/tickets");
        c.get("/staff/tickets").expect(200);
    }
    // A customer's credentials do not open the staff area, and vice versa.
    let (_, r) = app.staff_login(ANNA.number, ANNA.password);
    assert_eq!(r.status, 422);
    let (_, r) = app.login(ADA.username, ADA.password);
    assert_eq!(r.status, 422);
}

#[test]
fn logout_kills_the_session_on_the_server() {
    let app = portal();
    let mut c = app.anna();
    let token = c.cookie("ticketd_session").unwrap().to_string();
    let csrf = session_csrf(&mut c);
    let r = c.post_form("/logout", &[("csrf", &csrf)]);
    r.expect_redirect("/login");
    let cleared = r.set_cookie("ticketd_session").expect("the session cookie is cleared");
    assert!(cleared.starts_with("ticketd_session=;") || cleared.contains("Max-Age=0"), "{cleared}");
    // Replaying the old cookie does not work: the session is gone server-side.
    let mut replay = app.client();
    replay.set_cookie("ticketd_session", &token);
    for path in ["/tickets", "/account"] {
        let r = replay.get(path);
        assert_eq!(r.status, 303, "{path} with the old session cookie");
        assert!(r.location().starts_with("/login?next="), "{}", r.location());
    }
}

#[test]
fn every_login_gets_a_new_session_id() {
    let app = portal();
    let a = app.anna();
    let b = app.anna();
    let (ta, tb) = (a.cookie("ticketd_session").unwrap(), b.cookie("ticketd_session").unwrap());
    assert_ne!(ta, tb);
    // A session id planted before the login (fixation) is not kept.
    let planted = "ab".repeat(32);
    let mut c = app.client();
    c.set_cookie("ticketd_session", &planted);
    let r = c.submit("/login", "/login", &[("login", ANNA.number), ("password", ANNA.password)]);
    r.expect_redirect("/tickets");
    let now = c.cookie("ticketd_session").unwrap();
    assert_ne!(now, planted);
    assert_ne!(now, ta);
    assert_ne!(now, tb);
    // Both earlier sessions still work on their own.
    for mut s in [a, b] {
        s.get("/tickets").expect(200);
    }
}

/// Runs one SQL statement on the server's database (WAL: fine while it serves).
fn sql(app: &crate::harness::TestApp, statement: &str, params: impl rusqlite::Params) {
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    conn.execute(statement, params).unwrap();
}

#[test]
fn idle_and_old_sessions_end() {
    let app = portal();
    // (what, change to the session row, still alive) — defaults: 120 min idle, 12 h at most.
    let cases = [
        ("idle for 30 minutes", "last_seen_at = last_seen_at - 1800", true),
        ("idle for 3 hours", "last_seen_at = last_seen_at - 3 * 3600", false),
        ("started 13 hours ago, busy", "created_at = created_at - 13 * 3600", false),
        ("started 11 hours ago, busy", "created_at = created_at - 11 * 3600", true),
    ];
    for (what, change, alive) in cases {
        let mut c = app.anna();
        let token = c.cookie("ticketd_session").unwrap().to_string();
        sql(&app, &format!("UPDATE sessions SET {change} WHERE token_hash = ?1"), [ticketd::auth::token_hash(&token)]);
        let r = c.get("/tickets");
        if alive {
            assert_eq!(r.status, 200, "{what}");
        } else {
            assert_eq!(r.status, 303, "{what}");
            assert!(r.location().starts_with("/login?next="), "{what}");
        }
    }
}

/// A page records that its session is alive without writing itself: the touch is noted and
/// written by the session thread within its flush interval (a page never waits for the write
/// lock or an fsync for it).
#[test]
fn session_activity_is_recorded_by_the_session_thread() {
    let app = portal();
    let mut c = app.anna();
    let token = c.cookie("ticketd_session").unwrap().to_string();
    let hash = ticketd::auth::token_hash(&token);
    sql(&app, "UPDATE sessions SET last_seen_at = last_seen_at - 1800 WHERE token_hash = ?1", [hash.clone()]);
    let before = ticketd::clock::now() - 1700;
    c.get("/tickets").expect(200);
    let conn = rusqlite::Connection::open(&app.db_path).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let seen: i64 = conn
            .query_row("SELECT last_seen_at FROM sessions WHERE token_hash = ?1", [hash.clone()], |r| r.get(0))
            .unwrap();
        if seen > before {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "last_seen_at was never written");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn an_inactive_customer_is_logged_out_and_gets_the_generic_answer() {
    let app = portal();
    let mut c = app.anna();
    let (_, wrong) = app.login(ANNA.number, "falsches-passwort");
    let generic = login_error(&wrong.text());
    sql(&app, "UPDATE customers SET active = 0 WHERE customer_no = ?1", [ANNA.number]);
    let r = c.get("/tickets");
    assert_eq!(r.status, 303, "the running session ends");
    let (_, r) = app.login(ANNA.number, ANNA.password);
    assert_eq!(r.status, 422);
    assert_eq!(login_error(&r.text()), generic);
    app.bernd();
}

/// Every request checks the session's person again (since issue 20 in the same statement that
/// finds the session): a staff member made inactive, and a contact made inactive, left without a
/// password or moved to another customer, is logged out at the next request and the session row
/// is gone; the customer's main account stays in.
#[test]
fn a_session_ends_when_its_person_may_no_longer_log_in() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).start();
    let mut ada = app.ada();
    ada.get("/staff/tickets").expect(200);
    sql(&app, "UPDATE staff SET active = 0 WHERE username = ?1", [ADA.username]);
    let r = ada.get("/staff/tickets");
    assert_eq!(r.status, 303, "an inactive staff member is out");
    assert!(r.location().starts_with("/staff/login?next="), "{}", r.location());
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE staff_id IS NOT NULL"), 0);

    let cases = [
        ("inactive", "active = 0"),
        ("without a password", "password_hash = NULL"),
        ("moved to another customer", "customer_id = (SELECT id FROM customers WHERE customer_no = '20034')"),
    ];
    for (what, change) in cases {
        sql(&app, "DELETE FROM contacts", []);
        sql(
            &app,
            "INSERT INTO contacts (customer_id, name, email, password_hash, created_at)
             SELECT id, 'Clara Kollegin', 'clara@example.com', password_hash, 0 FROM customers WHERE customer_no = ?1",
            [ANNA.number],
        );
        let mut clara = app.customer("clara@example.com", ANNA.password);
        clara.get("/tickets").expect(200);
        let mut anna = app.anna();
        sql(&app, &format!("UPDATE contacts SET {change}"), []);
        let r = clara.get("/tickets");
        assert_eq!(r.status, 303, "a contact {what} is out");
        assert!(r.location().starts_with("/login?next="), "{what}: {}", r.location());
        assert_eq!(app.count("SELECT count(*) FROM sessions WHERE contact_id IS NOT NULL"), 0, "{what}");
        anna.get("/tickets").expect(200);
    }
}

#[test]
fn repeated_failures_from_one_address_are_throttled() {
    let app = Builder::new().customer(ANNA).security("login_max_failures_per_address = 3").start();
    for login in ["a@example.com", "b@example.com", "77777"] {
        let (_, r) = app.login(login, "irgendwas-falsches");
        assert_eq!(r.status, 422, "{login}");
    }
    let (_, r) = app.login(ANNA.number, ANNA.password);
    assert_eq!(r.status, 429, "the address is locked for every account");
    assert!(r.header("Retry-After").is_some());
}
