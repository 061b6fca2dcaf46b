//! The hotline: caller lookup, verify (match / no match, locked after five attempts), the
//! admin-only audited reveal of the encrypted password copy, the modes, the key file, and the
//! customer's own list of hotline events.

use std::fs;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, OptionalExtension};

use crate::harness::{
    add_staff, run_ticketd, staff_csrf, Builder, CustomerSpec, Env, StaffSpec, TestApp, ADA, ANNA, BERND,
};
use crate::html;
use crate::http::{urlencode, Client, Resp};

// ------------------------------------------------------------------------------ helpers

/// Staff created through `/admin/staff` (names chosen so they cannot occur by chance in a page).
pub(crate) const KAI: StaffSpec = StaffSpec {
    username: "kai.lauschmann",
    name: "Kai Lauschmann",
    email: "kai@contractor.example",
    role: "agent",
    password: "kiesel-agent-passwort-9",
};

const HEDWIG: StaffSpec = StaffSpec {
    username: "hedwig.auskunft",
    name: "Hedwig Auskunftsfrau",
    email: "hedwig@contractor.example",
    role: "admin",
    password: "holunder-admin-passwort-4",
};

/// Anna, Bernd and Ada (admin), fast hashing, default hotline mode (`reveal`).
pub(crate) fn hotline_app() -> TestApp {
    Builder::new().customer(ANNA).customer(BERND).admin(ADA).start()
}

fn mode_app(mode: &str) -> TestApp {
    Builder::new().customer(ANNA).customer(BERND).admin(ADA).toml(&format!("[hotline]\nmode = \"{mode}\"")).start()
}

pub(crate) fn lookup_path(q: &str) -> String {
    format!("/staff/hotline?q={}", urlencode(q))
}

pub(crate) fn verify_path(no: &str) -> String {
    format!("/staff/hotline/{no}/verify")
}

fn reveal_path(no: &str) -> String {
    format!("/admin/hotline/{no}/reveal")
}

/// The customer numbers of the caller cards on a lookup page.
fn cards(page: &str) -> Vec<String> {
    html::with_attr(page, "data-customer").into_iter().map(|t| t.attr("data-customer").to_string()).collect()
}

/// Looks a caller up (asserts 200) and returns the page.
#[track_caller]
fn lookup(c: &mut Client, q: &str) -> String {
    let r = c.get(&lookup_path(q));
    r.expect(200);
    r.text()
}

/// Submits the verify form of the customer's card on the lookup page.
#[track_caller]
fn verify(c: &mut Client, no: &str, spoken: &str) -> Resp {
    c.submit(&lookup_path(no), &verify_path(no), &[("spoken_password", spoken)])
}

/// The `data-verify` value of a verify answer.
#[track_caller]
pub(crate) fn verdict(r: &Resp) -> String {
    let v = html::attr_values(&r.text(), "data-verify");
    assert_eq!(v.len(), 1, "exactly one data-verify element (status {}): {v:?}", r.status);
    v[0].clone()
}

/// Submits the reveal form of the customer's card on the lookup page (asserts it is there).
#[track_caller]
pub(crate) fn reveal(c: &mut Client, no: &str, reason: &str, admin_password: &str) -> Resp {
    c.submit(&lookup_path(no), &reveal_path(no), &[("reason", reason), ("password", admin_password)])
}

/// Posts to the reveal URL with the session's CSRF token, whether a form offers it or not.
#[track_caller]
fn post_reveal(c: &mut Client, no: &str, reason: &str, admin_password: &str) -> Resp {
    let csrf = staff_csrf(c);
    c.post_form(&reveal_path(no), &[("csrf", &csrf), ("reason", reason), ("password", admin_password)])
}

/// The revealed password of a reveal answer, if the page shows one.
fn revealed(r: &Resp) -> Option<String> {
    let text = r.text();
    let tags = html::with_attr(&text, "data-revealed-password");
    assert!(tags.len() <= 1, "at most one revealed password on a page");
    tags.first().map(|t| html::inner_text(&text, t))
}

/// A successful reveal: 200, not cached, exactly one password; returns it.
#[track_caller]
pub(crate) fn reveal_ok(c: &mut Client, no: &str, reason: &str, admin_password: &str) -> String {
    let r = reveal(c, no, reason, admin_password);
    r.expect(200);
    let cache = r.header("Cache-Control").unwrap_or_else(|| panic!("reveal of {no}: no Cache-Control"));
    assert!(cache.contains("no-store"), "reveal of {no}: Cache-Control {cache}");
    revealed(&r).unwrap_or_else(|| panic!("reveal of {no}: no data-revealed-password in\n{}", r.text()))
}

/// Asserts an answer reveals nothing: no hook, none of these passwords in the body.
#[track_caller]
fn assert_reveals_nothing(r: &Resp, secrets: &[&str], what: &str) {
    let text = r.text();
    assert!(
        html::with_attr(&text, "data-revealed-password").is_empty(),
        "{what}: a data-revealed-password element in a {} answer",
        r.status
    );
    for s in secrets {
        assert!(!text.contains(s), "{what}: the password {s:?} is in the {} answer", r.status);
    }
}

/// The audit rows (`tr[data-action]`) with this action as an admin sees them: their text.
#[track_caller]
pub(crate) fn audit_rows(admin: &mut Client, action: &str) -> Vec<String> {
    let r = admin.get(&format!("/admin/audit?action={}", urlencode(action)));
    r.expect(200);
    let text = r.text();
    html::with_attr(&text, "data-action")
        .into_iter()
        .filter(|t| t.name == "tr")
        .map(|t| {
            assert_eq!(t.attr("data-action"), action, "the audit filter by action");
            html::inner_text(&text, &t)
        })
        .collect()
}

/// The customer's hotline events on `/account`: (action, text), and the whole page.
#[track_caller]
pub(crate) fn hotline_events(c: &mut Client) -> (Vec<(String, String)>, String) {
    let r = c.get("/account");
    r.expect(200);
    let text = r.text();
    let events = html::with_attr(&text, "data-hotline-event")
        .into_iter()
        .map(|t| (t.attr("data-hotline-event").to_string(), html::inner_text(&text, &t)))
        .collect();
    (events, text)
}

/// Our own connection to the server's database (WAL: fine while it runs).
pub(crate) fn db(env: &Env) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&env.db_path).expect("open the database file");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    conn
}

/// The stored copy of a customer's password (`None`: NULL).
#[track_caller]
fn copy_of(env: &Env, no: &str) -> Option<Vec<u8>> {
    db(env)
        .query_row("SELECT password_copy FROM customers WHERE customer_no = ?1", [no], |r| r.get(0))
        .optional()
        .expect("read password_copy")
        .unwrap_or_else(|| panic!("no customer {no}"))
}

#[track_caller]
fn set_copy(env: &Env, no: &str, copy: Option<&[u8]>) {
    let n = db(env)
        .execute("UPDATE customers SET password_copy = ?1 WHERE customer_no = ?2", params![copy, no])
        .expect("write password_copy");
    assert_eq!(n, 1, "customer {no}");
}

/// Counts audit rows straight from the database.
#[track_caller]
pub(crate) fn audit_count(env: &Env, action: &str, target: &str) -> i64 {
    db(env)
        .query_row("SELECT count(*) FROM audit_log WHERE action = ?1 AND target = ?2", [action, target], |r| r.get(0))
        .expect("count audit rows")
}

/// Changes a customer's password through `/account/password` (asserts the 303 to `/account`).
#[track_caller]
fn change_own_password(c: &mut Client, old: &str, new: &str) {
    let r = c.submit(
        "/account/password",
        "/account/password",
        &[("old_password", old), ("new_password", new), ("new_password_repeat", new)],
    );
    r.expect_redirect("/account");
}

/// Sets a customer's password from the staff customer page (asserts the 303).
#[track_caller]
fn staff_reset(c: &mut Client, no: &str, new: &str) {
    let page = format!("/staff/customers/{no}");
    let r = c.submit(&page, &format!("/staff/customers/{no}/password"), &[("new_password", new)]);
    r.expect(303);
}

// ------------------------------------------------------------------------------ lookup and verify

#[test]
fn lookup_finds_callers_by_number_email_name_and_phone() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    // A third customer with a phone number, created by staff.
    kai.submit(
        "/staff/customers/new",
        "/staff/customers",
        &[
            ("customer_no", "30056"),
            ("name", "Clara Fernsprech"),
            ("email", "clara@example.net"),
            ("phone", "+49 30 5550123"),
            ("password", "kamille-geheim-2024"),
            ("active", "on"),
        ],
    )
    .expect_redirect("/staff/customers/30056");

    for (q, expected) in [
        (ANNA.number, ANNA.number),
        ("anna.beispiel@example.com", ANNA.number),
        ("Anna.Beispiel@Example.com", ANNA.number),
        ("Beispiel", ANNA.number),
        ("bernd anders", BERND.number),
        ("+49 30 5550123", "30056"),
        ("+49305550123", "30056"),
    ] {
        let page = lookup(&mut kai, q);
        assert_eq!(cards(&page), [expected], "lookup {q:?}");
        assert!(html::form(&page, &verify_path(expected)).is_some(), "lookup {q:?}: a verify form");
        assert!(html::form_input(&page, &verify_path(expected), "spoken_password").is_some(), "lookup {q:?}");
    }
    assert!(cards(&lookup(&mut kai, "niemand-bekanntes")).is_empty());
    // The lookup never shows a password or its copy.
    let page = lookup(&mut kai, ANNA.number);
    assert!(!page.contains(ANNA.password));
    assert!(html::with_attr(&page, "data-revealed-password").is_empty());
}

#[test]
fn verify_says_match_or_no_match_and_never_shows_the_password() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);

    let r = verify(&mut kai, ANNA.number, ANNA.password);
    r.expect(200);
    assert_eq!(verdict(&r), "match");
    assert!(!r.text().contains(ANNA.password), "the verify page does not echo the password");
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));

    let wrong = "anna-geheim-2025";
    let r = verify(&mut kai, ANNA.number, wrong);
    r.expect(200);
    assert_eq!(verdict(&r), "no-match");
    let text = r.text();
    assert!(!text.contains(wrong) && !text.contains(ANNA.password), "neither the guess nor the password");
    assert!(html::with_attr(&text, "data-locked").is_empty(), "not locked after two attempts");

    // Someone else's password does not match, in either direction; the case counts.
    assert_eq!(verdict(verify(&mut kai, BERND.number, ANNA.password).expect(200)), "no-match");
    assert_eq!(verdict(verify(&mut kai, BERND.number, &BERND.password.to_uppercase()).expect(200)), "no-match");
    assert_eq!(verdict(verify(&mut kai, BERND.number, BERND.password).expect(200)), "match");
    // Admins verify too.
    assert_eq!(verdict(verify(&mut admin, ANNA.number, ANNA.password).expect(200)), "match");

    // An unknown customer number is a 404.
    let csrf = staff_csrf(&mut kai);
    let r = kai.post_form(&verify_path("99999"), &[("csrf", &csrf), ("spoken_password", ANNA.password)]);
    assert_eq!(r.status, 404);
    // Without a CSRF token nothing is checked.
    let r = kai.post_form(&verify_path(ANNA.number), &[("spoken_password", ANNA.password)]);
    assert_eq!(r.status, 403);
    assert!(html::with_attr(&r.text(), "data-verify").is_empty());

    // Customers are no staff: 403 on the lookup and on verify.
    let mut anna = app.anna();
    assert_eq!(anna.get(&lookup_path(ANNA.number)).status, 403);
    let csrf = crate::harness::session_csrf(&mut anna);
    let r = anna.post_form(&verify_path(BERND.number), &[("csrf", &csrf), ("spoken_password", BERND.password)]);
    assert_eq!(r.status, 403);
    assert!(html::with_attr(&r.text(), "data-verify").is_empty());
    // Anonymous visitors are sent to the staff login.
    let r = app.client().get(&lookup_path(ANNA.number));
    r.expect(303);
    assert!(r.location().starts_with("/staff/login?next="), "{}", r.location());

    // Every attempt by staff is audited (3 on Anna, 3 on Bernd), nothing else.
    assert_eq!(audit_count(&app, "hotline.verify", ANNA.number), 3);
    assert_eq!(audit_count(&app, "hotline.verify", BERND.number), 3);
}

#[test]
fn the_sixth_verify_within_the_hour_is_locked_even_with_the_right_password() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);

    for i in 1..=5 {
        let r = verify(&mut kai, ANNA.number, &format!("falsch-geraten-{i}"));
        assert_eq!(r.status, 200, "attempt {i}");
        assert_eq!(verdict(&r), "no-match", "attempt {i}");
        assert!(html::with_attr(&r.text(), "data-locked").is_empty(), "attempt {i} is not locked");
    }
    // The sixth, with the right password: locked.
    let r = verify(&mut kai, ANNA.number, ANNA.password);
    assert_eq!(r.status, 429, "sixth attempt");
    assert_eq!(verdict(&r), "no-match");
    let locked = html::attr_values(&r.text(), "data-locked");
    assert_eq!(locked, ["true"], "the locked page says so");
    assert!(!r.text().contains(ANNA.password));
    // It stays locked, for every staff member: the limit is per customer.
    let r = verify(&mut admin, ANNA.number, ANNA.password);
    assert_eq!(r.status, 429, "another staff member");
    assert_eq!(verdict(&r), "no-match");
    assert_eq!(html::attr_values(&r.text(), "data-locked"), ["true"]);
    // Other customers are not affected.
    let r = verify(&mut kai, BERND.number, BERND.password);
    r.expect(200);
    assert_eq!(verdict(&r), "match");
    // The customer can still log in: the hotline lock is not a login lock.
    app.anna();

    // Five counted attempts, the locked ones recorded separately.
    assert_eq!(audit_count(&app, "hotline.verify", ANNA.number), 5);
    assert_eq!(audit_count(&app, "hotline.verify.locked", ANNA.number), 2);
    assert_eq!(audit_rows(&mut admin, "hotline.verify.locked").len(), 2);
}

#[test]
fn parallel_verify_attempts_do_not_exceed_the_limit() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    let csrf = anna_verify_csrf(&mut kai);
    let threads: Vec<_> = (0..12)
        .map(|i| {
            let mut c = kai.clone();
            let csrf = csrf.clone();
            std::thread::spawn(move || {
                let guess = format!("parallel-geraten-{i}");
                let r = c.post_form(&verify_path(ANNA.number), &[("csrf", &csrf), ("spoken_password", &guess)]);
                let verdicts = html::attr_values(&r.text(), "data-verify");
                let locked = !html::with_attr(&r.text(), "data-locked").is_empty();
                (r.status, verdicts, locked)
            })
        })
        .collect();
    let mut checked = 0;
    for t in threads {
        let (status, verdicts, locked) = t.join().expect("a verify thread");
        match status {
            200 => {
                assert_eq!(verdicts, ["no-match"]);
                assert!(!locked);
                checked += 1;
            }
            // Locked, or the hashing slots were busy: no verdict either way.
            429 => assert!(verdicts.iter().all(|v| v == "no-match"), "{verdicts:?}"),
            other => panic!("unexpected status {other} for a parallel verify"),
        }
    }
    assert!(checked <= 5, "{checked} attempts were checked in parallel: at most five per hour");
    assert_eq!(audit_count(&app, "hotline.verify", ANNA.number), checked, "one audit row per checked attempt");
    // Once five are used, the right password is locked too.
    while audit_count(&app, "hotline.verify", ANNA.number) < 5 {
        assert_eq!(verdict(verify(&mut kai, ANNA.number, "noch-ein-versuch").expect(200)), "no-match");
    }
    let r = verify(&mut kai, ANNA.number, ANNA.password);
    assert_eq!(r.status, 429);
    assert_eq!(verdict(&r), "no-match");
}

/// The session's token from the verify form of Anna's card.
#[track_caller]
fn anna_verify_csrf(c: &mut Client) -> String {
    c.csrf_from(&lookup_path(ANNA.number), &verify_path(ANNA.number))
}

// ------------------------------------------------------------------------------ reveal

#[test]
fn agents_cannot_reveal_neither_by_url_nor_by_form() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    let secrets = [ANNA.password, BERND.password];

    // The agent's lookup has no reveal form.
    let page = lookup(&mut kai, ANNA.number);
    assert_eq!(cards(&page), [ANNA.number]);
    assert!(html::form(&page, &reveal_path(ANNA.number)).is_none(), "no reveal form for agents");
    assert!(!page.contains("/admin/hotline/"), "no link or form to the admin reveal");

    // Posting the admin form with a valid token: 403, whatever password is given.
    for pw in [KAI.password, ADA.password, ""] {
        let r = post_reveal(&mut kai, ANNA.number, "Kunde am Telefon", pw);
        assert_eq!(r.status, 403, "agent reveal with password {pw:?}");
        assert_reveals_nothing(&r, &secrets, "agent reveal");
    }
    // As multipart, too.
    let csrf = staff_csrf(&mut kai);
    let r = kai.post_multipart(
        &reveal_path(ANNA.number),
        &[("csrf", &csrf), ("reason", "Kunde am Telefon"), ("password", KAI.password)],
        &[],
    );
    assert_eq!(r.status, 403, "multipart agent reveal");
    assert_reveals_nothing(&r, &secrets, "multipart agent reveal");
    // Just opening the URL reveals nothing either.
    let r = kai.get(&reveal_path(ANNA.number));
    assert!(r.status == 403 || r.status == 404 || r.status == 405, "GET of the reveal URL by an agent: {}", r.status);
    assert_reveals_nothing(&r, &secrets, "GET of the reveal URL");
    // Nor does the admin area in general open up.
    assert_eq!(kai.get("/admin/audit").status, 403);

    // A customer gets 403 as well.
    let mut anna = app.anna();
    let csrf = crate::harness::session_csrf(&mut anna);
    let r = anna.post_form(
        &reveal_path(BERND.number),
        &[("csrf", &csrf), ("reason", "neugierig"), ("password", ANNA.password)],
    );
    assert_eq!(r.status, 403);
    assert_reveals_nothing(&r, &[BERND.password], "customer reveal");

    // Nothing was revealed: no audit row, no event for Anna.
    assert!(audit_rows(&mut admin, "hotline.reveal").is_empty());
    assert_eq!(audit_count(&app, "hotline.reveal", ANNA.number), 0);
    assert!(hotline_events(&mut anna).0.iter().all(|(a, _)| a != "hotline.reveal"));

    // The admin's form does work (the control).
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "Kunde am Telefon", ADA.password), ANNA.password);
}

#[test]
fn a_wrong_admin_password_or_a_missing_reason_reveals_nothing() {
    let app = hotline_app();
    let mut admin = app.ada();
    add_staff(&app, &mut admin, HEDWIG);
    let secrets = [ANNA.password];

    let page = lookup(&mut admin, ANNA.number);
    let form = html::form(&page, &reveal_path(ANNA.number)).expect("admins get the reveal form");
    let names: Vec<String> = html::tags(form).iter().filter_map(|t| t.get("name").map(str::to_string)).collect();
    for field in ["csrf", "reason", "password"] {
        assert!(names.iter().any(|n| n == field), "the reveal form has {field}: {names:?}");
    }

    // (reason, admin password, why)
    let cases: [(&str, &str, &str); 6] = [
        ("", ADA.password, "no reason"),
        ("   ", ADA.password, "a blank reason"),
        ("Kundin ruft an", "lavendel-admin-passwort-falsch", "a wrong admin password"),
        ("Kundin ruft an", "", "no admin password"),
        ("Kundin ruft an", HEDWIG.password, "another admin's password"),
        ("Kundin ruft an", ANNA.password, "the customer's password as the admin's"),
    ];
    for (reason, pw, why) in cases {
        let r = reveal(&mut admin, ANNA.number, reason, pw);
        assert_eq!(r.status, 422, "{why}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"), "{why}");
        assert_reveals_nothing(&r, &secrets, why);
    }
    // Without a CSRF token: 403 and nothing.
    let r = admin.post_form(&reveal_path(ANNA.number), &[("reason", "Kundin ruft an"), ("password", ADA.password)]);
    assert_eq!(r.status, 403);
    assert_reveals_nothing(&r, &secrets, "no csrf");
    // An unknown customer: 404.
    let r = post_reveal(&mut admin, "99999", "Kundin ruft an", ADA.password);
    assert_eq!(r.status, 404);
    assert_reveals_nothing(&r, &secrets, "unknown customer");

    // No reveal was recorded; the wrong admin passwords were.
    assert_eq!(audit_count(&app, "hotline.reveal", ANNA.number), 0);
    assert!(audit_rows(&mut admin, "hotline.reveal").is_empty());
    assert_eq!(audit_count(&app, "hotline.reveal.denied", ANNA.number), 3);
    let denied = audit_rows(&mut admin, "hotline.reveal.denied");
    assert_eq!(denied.len(), 3);
    assert!(denied.iter().all(|t| t.contains(ANNA.number) && t.contains(ADA.username)), "{denied:?}");
    let mut anna = app.anna();
    assert!(hotline_events(&mut anna).0.iter().all(|(a, _)| a != "hotline.reveal"));

    // With a reason and the right password it works.
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "Kundin ruft an", ADA.password), ANNA.password);
}

#[test]
fn reveal_shows_exactly_the_current_password() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);

    assert_eq!(reveal_ok(&mut admin, ANNA.number, "Anruf 1", ADA.password), ANNA.password);
    assert_eq!(reveal_ok(&mut admin, BERND.number, "Anruf 2", ADA.password), BERND.password);

    // The customer changes it.
    let changed = "anna-neu-&<\"ü>-2025";
    let mut anna = app.anna();
    change_own_password(&mut anna, ANNA.password, changed);
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "Anruf 3", ADA.password), changed);
    assert_eq!(verdict(verify(&mut kai, ANNA.number, changed).expect(200)), "match");

    // Staff set a new one.
    let reset = "anna-vom-support-2026";
    staff_reset(&mut kai, ANNA.number, reset);
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "Anruf 4", ADA.password), reset);
    app.customer(ANNA.number, reset);

    // Staff let one be generated: the copy is that one.
    let page = format!("/staff/customers/{}", ANNA.number);
    let r = kai.submit(&page, &format!("/staff/customers/{}/password", ANNA.number), &[("new_password", "")]);
    r.expect(303);
    let shown = kai.get(&page).text();
    let generated = html::with_attr(&shown, "data-generated-password")
        .first()
        .map(|t| html::inner_text(&shown, t))
        .expect("the generated password is shown once");
    assert!(!generated.is_empty());
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "Anruf 5", ADA.password), generated);
    app.customer(ANNA.number, &generated);

    // Bernd's is untouched by all this.
    assert_eq!(reveal_ok(&mut admin, BERND.number, "Anruf 6", ADA.password), BERND.password);

    // The old passwords are gone for good.
    let (_, r) = app.login(ANNA.number, changed);
    assert_eq!(r.status, 422);
}

#[test]
fn every_reveal_and_every_verify_leaves_an_audit_row() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);

    verify(&mut kai, ANNA.number, ANNA.password).expect(200);
    verify(&mut kai, ANNA.number, "daneben-geraten").expect(200);
    verify(&mut admin, BERND.number, BERND.password).expect(200);
    reveal_ok(&mut admin, ANNA.number, "Rückruf wegen Zugang", ADA.password);
    reveal_ok(&mut admin, BERND.number, "Passwort vergessen, Ticket 2026-00001", ADA.password);
    reveal_ok(&mut admin, ANNA.number, "zweiter Anruf", ADA.password);

    let verifies = audit_rows(&mut admin, "hotline.verify");
    assert_eq!(verifies.len(), 3, "{verifies:?}");
    let by = |rows: &[String], who: &str, no: &str| rows.iter().filter(|t| t.contains(who) && t.contains(no)).count();
    assert_eq!(by(&verifies, KAI.username, ANNA.number), 2, "{verifies:?}");
    assert_eq!(by(&verifies, ADA.username, BERND.number), 1, "{verifies:?}");
    // The password a caller said is not in the log.
    assert!(verifies.iter().all(|t| !t.contains(ANNA.password) && !t.contains("daneben-geraten")));

    let reveals = audit_rows(&mut admin, "hotline.reveal");
    assert_eq!(reveals.len(), 3, "{reveals:?}");
    assert_eq!(by(&reveals, ADA.username, ANNA.number), 2, "{reveals:?}");
    assert_eq!(by(&reveals, ADA.username, BERND.number), 1, "{reveals:?}");
    // The reason is recorded with the reveal; the password is not.
    for reason in ["Rückruf wegen Zugang", "Passwort vergessen, Ticket 2026-00001", "zweiter Anruf"] {
        assert!(reveals.iter().any(|t| t.contains(reason)), "reason {reason:?} in {reveals:?}");
    }
    assert!(reveals.iter().all(|t| !t.contains(ANNA.password) && !t.contains(BERND.password)));

    // The database agrees.
    assert_eq!(audit_count(&app, "hotline.verify", ANNA.number), 2);
    assert_eq!(audit_count(&app, "hotline.verify", BERND.number), 1);
    assert_eq!(audit_count(&app, "hotline.reveal", ANNA.number), 2);
    assert_eq!(audit_count(&app, "hotline.reveal", BERND.number), 1);
}

#[test]
fn at_most_ten_reveals_per_admin_and_hour() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut hedwig = add_staff(&app, &mut admin, HEDWIG);
    for i in 1..=10 {
        let no = if i % 2 == 0 { ANNA.number } else { BERND.number };
        reveal_ok(&mut admin, no, &format!("Anruf {i}"), ADA.password);
    }
    let r = reveal(&mut admin, ANNA.number, "Anruf 11", ADA.password);
    assert_eq!(r.status, 429, "the eleventh reveal within the hour");
    assert_reveals_nothing(&r, &[ANNA.password], "the eleventh reveal");
    assert_eq!(audit_rows(&mut admin, "hotline.reveal").len(), 10);
    // The limit is per admin.
    assert_eq!(reveal_ok(&mut hedwig, ANNA.number, "Vertretung", HEDWIG.password), ANNA.password);
}

#[test]
fn a_copy_moved_to_another_customer_does_not_decrypt() {
    let app = hotline_app();
    let mut admin = app.ada();
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "vorher", ADA.password), ANNA.password);

    // Swap the two copies while the server runs (WAL allows our write).
    let a = copy_of(&app, ANNA.number).expect("Anna has a copy");
    let b = copy_of(&app, BERND.number).expect("Bernd has a copy");
    assert!(a.len() > 24 && b.len() > 24, "nonce + ciphertext");
    assert_ne!(a, b);
    set_copy(&app, ANNA.number, Some(&b));
    set_copy(&app, BERND.number, Some(&a));

    for (no, other) in [(ANNA.number, BERND.password), (BERND.number, ANNA.password)] {
        let r = reveal(&mut admin, no, "nach dem Tausch", ADA.password);
        assert_reveals_nothing(&r, &[ANNA.password, BERND.password], &format!("moved copy of {no}"));
        assert!(!r.text().contains(other));
        assert_eq!(r.status, 500, "a copy that does not decrypt is an internal error for {no}");
        assert_request_id_logged(&app, &r);
    }

    // A tampered copy and a truncated one fail the same way.
    let mut tampered = a.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    for (what, bad) in [("tampered", tampered), ("truncated", a[..20].to_vec()), ("empty", Vec::new())] {
        set_copy(&app, ANNA.number, Some(&bad));
        let r = reveal(&mut admin, ANNA.number, what, ADA.password);
        assert_reveals_nothing(&r, &[ANNA.password, BERND.password], what);
        assert_eq!(r.status, 500, "{what} copy");
        assert_request_id_logged(&app, &r);
    }

    // The server keeps working: verify uses the hash, and a new password gives a new copy.
    let mut kai = add_staff(&app, &mut admin, KAI);
    assert_eq!(verdict(verify(&mut kai, ANNA.number, ANNA.password).expect(200)), "match");
    let mut anna = app.anna();
    let fresh = "anna-wieder-lesbar-1";
    change_own_password(&mut anna, ANNA.password, fresh);
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "repariert", ADA.password), fresh);
    app.client().get("/healthz").expect(200);
}

/// A 500 page names a request id, and the log has the details under that id.
#[track_caller]
fn assert_request_id_logged(app: &TestApp, r: &Resp) {
    let text = r.text();
    assert!(text.starts_with("<!DOCTYPE html>"), "a generic HTML error page: {text}");
    let code = html::tags(&text)
        .into_iter()
        .filter(|t| t.name == "code")
        .map(|t| html::inner_text(&text, &t))
        .find(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_else(|| panic!("no request id on the 500 page:\n{text}"));
    let log = app.stderr();
    assert!(
        log.lines().any(|l| l.contains(&code) && l.contains("error")),
        "the request id {code} with an error line in the log:\n{log}"
    );
}

#[test]
fn a_customer_without_a_copy_gets_one_at_the_next_login() {
    let app = hotline_app();
    let mut admin = app.ada();
    // Simulate an account from before the hotline.
    set_copy(&app, ANNA.number, None);
    assert_eq!(copy_of(&app, ANNA.number), None);

    // Nothing to reveal yet; the form is still there and says so.
    let r = reveal(&mut admin, ANNA.number, "noch keine Kopie", ADA.password);
    assert!(r.status < 500, "no copy is no internal error: {}", r.status);
    assert_reveals_nothing(&r, &[ANNA.password], "no copy yet");
    // Verify works from the hash all the same.
    assert_eq!(verdict(verify(&mut admin, ANNA.number, ANNA.password).expect(200)), "match");

    // A failed login does not fill it in.
    let (_, r) = app.login(ANNA.number, "anna-falsch-2024");
    assert_eq!(r.status, 422);
    assert_eq!(copy_of(&app, ANNA.number), None, "a wrong password is never sealed");

    // The next successful login does (by e-mail here).
    app.customer(ANNA.email, ANNA.password);
    let copy = copy_of(&app, ANNA.number).expect("the copy is filled at the login");
    assert!(copy.len() > 24);
    assert!(!copy.windows(ANNA.password.len()).any(|w| w == ANNA.password.as_bytes()));
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "jetzt mit Kopie", ADA.password), ANNA.password);
    // Bernd was never touched.
    assert_eq!(reveal_ok(&mut admin, BERND.number, "Kontrolle", ADA.password), BERND.password);
}

// ------------------------------------------------------------------------------ no plaintext

const P_CARLA: CustomerSpec = CustomerSpec {
    number: "40078",
    name: "Carla Quarz",
    email: "carla@example.com",
    password: "Quarzfink-Klartext-8841",
};
const P_DIRK: CustomerSpec = CustomerSpec {
    number: "50091",
    name: "Dirk Mondgras",
    email: "dirk@example.com",
    password: "Mondgras-Klartext-5527",
};

#[test]
fn no_plaintext_password_reaches_the_database_or_the_log() {
    let carla_new = "Wolkenharfe-Klartext-3309";
    let dirk_reset = "Nebelhorn-Klartext-1194";
    let eve_pw = "Kieselbaum-Klartext-6672";
    let wrong_login = "Irrlicht-Klartext-4450";
    let wrong_spoken = "Sumpfdotter-Klartext-7021";
    let wrong_admin = "Falschadmin-Klartext-9912";
    let app = Builder::new().customer(P_CARLA).customer(P_DIRK).admin(ADA).start();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);

    // Logins, a failed one, a change, a reset, a customer created by staff.
    let mut carla = app.customer(P_CARLA.number, P_CARLA.password);
    let (_, r) = app.login(P_DIRK.number, wrong_login);
    assert_eq!(r.status, 422);
    app.customer(P_DIRK.email, P_DIRK.password);
    change_own_password(&mut carla, P_CARLA.password, carla_new);
    app.customer(P_CARLA.number, carla_new);
    staff_reset(&mut kai, P_DIRK.number, dirk_reset);
    app.customer(P_DIRK.number, dirk_reset);
    kai.submit(
        "/staff/customers/new",
        "/staff/customers",
        &[
            ("customer_no", "60012"),
            ("name", "Eve Kiesel"),
            ("email", "eve@example.com"),
            ("phone", ""),
            ("password", eve_pw),
            ("active", "on"),
        ],
    )
    .expect_redirect("/staff/customers/60012");
    app.customer("60012", eve_pw);

    // Verify and reveal.
    assert_eq!(verdict(verify(&mut kai, P_CARLA.number, carla_new).expect(200)), "match");
    assert_eq!(verdict(verify(&mut kai, P_DIRK.number, wrong_spoken).expect(200)), "no-match");
    assert_eq!(reveal(&mut admin, P_CARLA.number, "Anruf", wrong_admin).status, 422);
    assert_eq!(reveal_ok(&mut admin, P_CARLA.number, "Anruf", ADA.password), carla_new);
    assert_eq!(reveal_ok(&mut admin, P_DIRK.number, "Anruf", ADA.password), dirk_reset);
    assert_eq!(reveal_ok(&mut admin, "60012", "Anruf", ADA.password), eve_pw);

    let secrets = [
        P_CARLA.password,
        P_DIRK.password,
        carla_new,
        dirk_reset,
        eve_pw,
        wrong_login,
        wrong_spoken,
        wrong_admin,
        ADA.password,
        KAI.password,
    ];
    // Every copy is there, and sealed.
    for no in [P_CARLA.number, P_DIRK.number, "60012"] {
        let copy = copy_of(&app, no).unwrap_or_else(|| panic!("{no} has a copy"));
        assert!(copy.len() >= 24 + 16 + 10, "nonce, ciphertext and tag: {} bytes", copy.len());
    }
    let dir = app.dir.path.clone();
    assert!(dir.join("t.db-wal").exists(), "the WAL is in use");
    scan_for_plaintext(&dir, &secrets, "while the server runs");
    let env = app.stop();
    scan_for_plaintext(&env.dir.path, &secrets, "after the server stopped");
}

/// No file under `dir` (database, WAL, shared memory, server log, key) holds any of `secrets`.
#[track_caller]
fn scan_for_plaintext(dir: &Path, secrets: &[&str], when: &str) {
    let mut scanned = Vec::new();
    for entry in fs::read_dir(dir).expect("list the test dir") {
        let path = entry.expect("dir entry").path();
        if !path.is_file() {
            continue;
        }
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        for s in secrets {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{when}: the plaintext {s:?} is in {}",
                path.display()
            );
        }
        scanned.push(path.file_name().unwrap_or_default().to_string_lossy().into_owned());
    }
    for must in ["t.db", "server.log"] {
        assert!(scanned.iter().any(|f| f == must), "{when}: {must} was scanned: {scanned:?}");
    }
}

// ------------------------------------------------------------------------------ key file

#[cfg(unix)]
#[test]
fn a_key_file_readable_by_others_stops_serve() {
    use std::os::unix::fs::PermissionsExt;

    let env = Builder::new().customer(ANNA).admin(ADA).prepare();
    let key = env.dir.path.join("ticketd.key");
    let meta = fs::metadata(&key).expect("`customer add` created the key file next to the database");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "the key file is private");
    assert_eq!(meta.len(), 32, "a 256-bit key");
    let original = fs::read(&key).unwrap();

    let cfg = env.config_path.to_string_lossy().into_owned();
    for mode in [0o644, 0o640, 0o604] {
        fs::set_permissions(&key, fs::Permissions::from_mode(mode)).unwrap();
        let out = run_ticketd(&["serve", "--config", &cfg], None, Duration::from_secs(30));
        out.failed();
        assert!(out.stderr.contains("readable by others"), "mode {mode:o}: a clear message on stderr:\n{}", out.stderr);
    }
    // The key itself is left alone; fixed permissions let the server start and reveal.
    assert_eq!(fs::read(&key).unwrap(), original);
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    let app = env.start();
    let mut admin = app.ada();
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "nach chmod 600", ADA.password), ANNA.password);
}

#[cfg(unix)]
#[test]
fn a_configured_key_file_is_created_private_where_configured() {
    use std::os::unix::fs::PermissionsExt;

    let probe = crate::harness::TempDir::new("key");
    let key = probe.path.join("hotline-schluessel.key");
    let key_toml = format!("[hotline]\nkey_file = \"{}\"", key.to_string_lossy().replace('\\', "\\\\"));
    let app = Builder::new().customer(ANNA).admin(ADA).toml(&key_toml).start();
    let meta = fs::metadata(&key).expect("the configured key file exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(!app.dir.path.join("ticketd.key").exists(), "no key next to the database when one is configured");
    let mut admin = app.ada();
    assert_eq!(reveal_ok(&mut admin, ANNA.number, "eigener Schlüssel", ADA.password), ANNA.password);

    // Opened by others: the next start refuses.
    let env = app.stop();
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let cfg = env.config_path.to_string_lossy().into_owned();
    let out = run_ticketd(&["serve", "--config", &cfg], None, Duration::from_secs(30));
    out.failed();
    assert!(out.stderr.contains("readable by others"), "{}", out.stderr);
}

// ------------------------------------------------------------------------------ modes

#[test]
fn mode_verify_offers_no_reveal() {
    let app = mode_app("verify");
    let mut admin = app.ada();
    let page = lookup(&mut admin, ANNA.number);
    assert_eq!(cards(&page), [ANNA.number]);
    assert!(html::form(&page, &verify_path(ANNA.number)).is_some(), "verify stays");
    assert!(html::form(&page, &reveal_path(ANNA.number)).is_none(), "no reveal form in mode verify");
    assert!(!page.contains("/admin/hotline/"));

    let r = post_reveal(&mut admin, ANNA.number, "Kundin ruft an", ADA.password);
    assert_eq!(r.status, 404, "reveal in mode verify");
    assert_reveals_nothing(&r, &[ANNA.password], "reveal in mode verify");
    assert_eq!(audit_count(&app, "hotline.reveal", ANNA.number), 0);

    let r = verify(&mut admin, ANNA.number, ANNA.password);
    r.expect(200);
    assert_eq!(verdict(&r), "match");
    // The customer sees the check.
    let mut anna = app.anna();
    let (events, _) = hotline_events(&mut anna);
    assert_eq!(events.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(), ["hotline.verify"]);
}

#[test]
fn mode_off_hides_the_hotline() {
    let app = mode_app("off");
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    let secrets = [ANNA.password];

    for (who, c) in [("admin", &mut admin), ("agent", &mut kai)] {
        let r = c.get(&lookup_path(ANNA.number));
        assert_eq!(r.status, 404, "{who}: lookup in mode off");
        assert!(cards(&r.text()).is_empty());
        let r = c.get("/staff/hotline");
        assert_eq!(r.status, 404, "{who}: lookup without query in mode off");
        let csrf = staff_csrf(c);
        let r = c.post_form(&verify_path(ANNA.number), &[("csrf", &csrf), ("spoken_password", ANNA.password)]);
        assert_eq!(r.status, 404, "{who}: verify in mode off");
        assert!(html::with_attr(&r.text(), "data-verify").is_empty());
        let queue = c.get("/staff/tickets");
        queue.expect(200);
        assert!(!queue.text().contains("href=\"/staff/hotline\""), "{who}: no hotline link in mode off");
    }
    let r = post_reveal(&mut admin, ANNA.number, "Kundin ruft an", ADA.password);
    assert_eq!(r.status, 404, "reveal in mode off");
    assert_reveals_nothing(&r, &secrets, "reveal in mode off");
    assert_eq!(audit_count(&app, "hotline.verify", ANNA.number), 0);
    assert_eq!(audit_count(&app, "hotline.reveal", ANNA.number), 0);

    // The customer is not told about a hotline that does not exist.
    let mut anna = app.anna();
    let r = anna.get("/account/password");
    r.expect(200);
    assert!(!r.text().contains("Klartext"), "no hotline notice in mode off");
    let (events, page) = hotline_events(&mut anna);
    assert!(events.is_empty());
    assert!(html::with_attr(&page, "data-hotline-event").is_empty());
}

#[test]
fn the_password_page_warns_about_the_hotline_in_mode_reveal() {
    let app = hotline_app();
    let mut anna = app.anna();
    let r = anna.get("/account/password");
    r.expect(200);
    assert!(r.text().contains("Klartext"), "the hotline notice (German by default)");
}

// ------------------------------------------------------------------------------ transparency

#[test]
fn the_customer_sees_hotline_events_without_staff_names() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    let mut hedwig = add_staff(&app, &mut admin, HEDWIG);

    let mut anna = app.anna();
    let (events, _) = hotline_events(&mut anna);
    assert!(events.is_empty(), "nothing yet: {events:?}");

    verify(&mut kai, ANNA.number, ANNA.password).expect(200);
    verify(&mut kai, ANNA.number, "falsch-geraten").expect(200);
    reveal_ok(&mut hedwig, ANNA.number, "Kundin hat Passwort vergessen", HEDWIG.password);
    // Not events of Anna: a denied reveal and Bernd's verify.
    assert_eq!(reveal(&mut hedwig, ANNA.number, "Versuch", "hedwig-vertippt-1234").status, 422);
    verify(&mut kai, BERND.number, BERND.password).expect(200);

    let (events, page) = hotline_events(&mut anna);
    let mut kinds: Vec<&str> = events.iter().map(|(a, _)| a.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["hotline.reveal", "hotline.verify", "hotline.verify"], "{events:?}");
    for (kind, text) in &events {
        assert!(text.chars().any(|c| c.is_ascii_digit()), "{kind}: a date in {text:?}");
        let has_time =
            text.as_bytes().windows(3).any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit());
        assert!(!has_time, "{kind}: the date only, no time of day: {text:?}");
    }
    for s in [KAI, HEDWIG] {
        for needle in [s.username, s.name, s.email] {
            assert!(!page.contains(needle), "the account page names staff: {needle:?}");
        }
        for part in s.name.split(' ') {
            assert!(!page.contains(part), "the account page names staff: {part:?}");
        }
    }
    assert!(!page.contains(ANNA.password));

    // Bernd sees only his own.
    let mut bernd = app.bernd();
    let (events, page) = hotline_events(&mut bernd);
    assert_eq!(events.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(), ["hotline.verify"]);
    assert!(!page.contains(KAI.name) && !page.contains(KAI.username));
}

// ------------------------------------------------------------------ throttled password checks

/// Posts the password form at `path` (`/account/password` or `/staff/password`).
#[track_caller]
fn password_change(c: &mut Client, path: &str, old: &str, new: &str) -> Resp {
    c.submit(path, path, &[("old_password", old), ("new_password", new), ("new_password_repeat", new)])
}

/// Asserts none of the typed guesses appears on `/admin/audit`.
#[track_caller]
fn audit_shows_none_of(admin: &mut Client, guesses: &[String]) {
    let r = admin.get("/admin/audit");
    r.expect(200);
    let text = r.text();
    for g in guesses {
        assert!(!text.contains(g.as_str()), "the typed secret {g:?} is on /admin/audit");
    }
}

#[test]
fn reveal_guesses_are_throttled_and_the_right_password_after_the_limit_is_refused() {
    let app = hotline_app();
    let mut admin = app.ada();
    let guesses: Vec<String> = (1..=5).map(|i| format!("ada-rate-mal-{i}")).collect();
    for g in &guesses {
        let r = reveal(&mut admin, ANNA.number, "Kundin ruft an", g);
        assert_eq!(r.status, 422, "guess {g}");
        assert_reveals_nothing(&r, &[ANNA.password], "a wrong admin password");
    }
    // The limit is reached: the right password is refused too, before it is checked.
    let r = reveal(&mut admin, ANNA.number, "Kundin ruft an", ADA.password);
    assert_eq!(r.status, 429, "the right password after the limit");
    assert!(r.header("Retry-After").is_some(), "429 says when to come back");
    assert_reveals_nothing(&r, &[ANNA.password], "the throttled reveal");
    assert_eq!(audit_count(&app, "hotline.reveal", ANNA.number), 0, "nothing revealed");
    // One audit row per failure, without what was typed.
    assert_eq!(audit_count(&app, "hotline.reveal.denied", ANNA.number), 5);
    assert_eq!(audit_rows(&mut admin, "hotline.reveal.denied").len(), 5);
    audit_shows_none_of(&mut admin, &guesses);
}

#[test]
fn a_right_reveal_password_inside_the_limit_forgives_the_failures() {
    let app = hotline_app();
    let mut admin = app.ada();
    for i in 1..=4 {
        assert_eq!(reveal(&mut admin, ANNA.number, "Rückruf", &format!("daneben-{i}")).status, 422);
    }
    reveal_ok(&mut admin, ANNA.number, "Rückruf", ADA.password);
    for i in 1..=4 {
        assert_eq!(reveal(&mut admin, BERND.number, "Rückruf", &format!("wieder-daneben-{i}")).status, 422);
    }
    reveal_ok(&mut admin, BERND.number, "Rückruf", ADA.password);
}

#[test]
fn old_password_guesses_are_throttled_for_customers_and_staff() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    let mut anna = app.anna();
    let mut guesses = Vec::new();
    for (c, path, right) in
        [(&mut anna, "/account/password", ANNA.password), (&mut kai, "/staff/password", KAI.password)]
    {
        for i in 1..=5 {
            let g = format!("altes-pw-geraten-{i}-{}", path.len());
            let r = password_change(c, path, &g, "ganz-neues-passwort-77");
            assert_eq!(r.status, 422, "{path}: guess {i}");
            guesses.push(g);
        }
        let r = password_change(c, path, right, "ganz-neues-passwort-77");
        assert_eq!(r.status, 429, "{path}: the right old password after the limit");
        assert!(r.header("Retry-After").is_some());
    }
    // Nothing changed: the old passwords still log in (Anna's login is locked by the guesses,
    // so Bernd's is checked for the customer side; Kai's account too).
    let n = app.count("SELECT count(*) FROM audit_log WHERE action = 'password.change'");
    assert_eq!(n, 0, "no password was changed");
    let denied = app.count("SELECT count(*) FROM audit_log WHERE action = 'password.change.denied'");
    assert_eq!(denied, 10, "one audit row per wrong old password");
    assert_eq!(audit_rows(&mut admin, "password.change.denied").len(), 10);
    audit_shows_none_of(&mut admin, &guesses);
}

#[test]
fn only_failed_verifies_count_against_the_limit() {
    let app = hotline_app();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    // A regular caller: many right answers use up nothing.
    for i in 1..=8 {
        let r = verify(&mut kai, ANNA.number, ANNA.password);
        assert_eq!(r.status, 200, "right answer {i}");
        assert_eq!(verdict(&r), "match");
    }
    let page = lookup(&mut kai, ANNA.number);
    assert!(
        page.contains("Verbleibende Versuche in dieser Stunde: 5") || page.contains("5 attempts left"),
        "five attempts left"
    );
    // Four wrong answers, then a right one: still inside the limit.
    for i in 1..=4 {
        assert_eq!(verdict(verify(&mut kai, ANNA.number, &format!("falsch-{i}")).expect(200)), "no-match");
    }
    assert_eq!(verdict(verify(&mut kai, ANNA.number, ANNA.password).expect(200)), "match");
    // The fifth failure reaches the limit; then the right password is refused.
    assert_eq!(verdict(verify(&mut kai, ANNA.number, "falsch-5").expect(200)), "no-match");
    let r = verify(&mut kai, ANNA.number, ANNA.password);
    assert_eq!(r.status, 429);
    assert_eq!(html::attr_values(&r.text(), "data-locked"), ["true"]);
    // Every attempt audited: 8 + 1 matches, 5 failures.
    assert_eq!(audit_count(&app, "hotline.verify", ANNA.number), 14);
    audit_shows_none_of(&mut admin, &(1..=5).map(|i| format!("falsch-{i}")).collect::<Vec<_>>());
}

#[test]
fn verify_failures_are_throttled_per_desk_address_too() {
    let app =
        Builder::new().customer(ANNA).customer(BERND).admin(ADA).security("login_max_failures_per_address = 3").start();
    let mut admin = app.ada();
    let mut kai = add_staff(&app, &mut admin, KAI);
    for i in 1..=3 {
        assert_eq!(verdict(verify(&mut kai, ANNA.number, &format!("falsch-{i}")).expect(200)), "no-match");
    }
    // Another customer, the right password: the desk's address is over the limit.
    let r = verify(&mut kai, BERND.number, BERND.password);
    assert_eq!(r.status, 429);
    assert!(r.header("Retry-After").is_some());
    assert!(html::with_attr(&r.text(), "data-verify").is_empty(), "no verdict");
}
