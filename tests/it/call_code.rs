//! Hotline call codes: the customer creates a 6-digit code on `/account/call-code` and reads it
//! to the hotline instead of the password. Right → match (once); wrong, expired, reused,
//! replaced or another customer's → no match; failures count against the hotline limit, right
//! answers do not; every use audited and listed on the customer's account page.

use crate::harness::{add_staff, session_csrf, TestApp, ANNA, BERND};
use crate::hotline::{
    audit_count, audit_rows, db, hotline_app, hotline_events, lookup_path, verdict, verify_path, KAI,
};
use crate::html;
use crate::http::{Client, Resp};

/// Creates a call code as the customer (asserts 200, `no-store`, one `data-call-code`).
#[track_caller]
fn new_code(c: &mut Client) -> String {
    let r = c.submit("/account/call-code", "/account/call-code", &[]);
    r.expect(200);
    let cache = r.header("Cache-Control").unwrap_or_default();
    assert!(cache.contains("no-store"), "call code page: Cache-Control {cache}");
    let codes = html::attr_values(&r.text(), "data-call-code");
    assert_eq!(codes.len(), 1, "exactly one data-call-code: {codes:?}");
    let code = codes[0].clone();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "six digits: {code:?}");
    code
}

/// Staff enters a call code on the caller's card.
#[track_caller]
fn verify_code(c: &mut Client, no: &str, code: &str) -> Resp {
    c.submit(&lookup_path(no), &verify_path(no), &[("call_code", code), ("contact", "")])
}

/// A code that is not `code` (six digits).
fn other_than(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:06}", (n + 1) % 1_000_000)
}

fn setup() -> (TestApp, Client, Client) {
    let app = hotline_app();
    let mut admin = app.ada();
    let kai = add_staff(&app, &mut admin, KAI);
    (app, admin, kai)
}

#[test]
fn a_call_code_matches_once_and_is_listed_for_the_customer() {
    let (app, mut admin, mut kai) = setup();
    let mut anna = app.anna();
    // The account page links the call code page; GET shows no code, only the button.
    let r = anna.get("/account");
    r.expect(200);
    assert!(r.text().contains("href=\"/account/call-code\""), "the account page links the call code page");
    let r = anna.get("/account/call-code");
    r.expect(200);
    assert!(html::with_attr(&r.text(), "data-call-code").is_empty());
    assert!(r.header("Cache-Control").unwrap_or_default().contains("no-store"));
    // The caller card offers the call code field beside the password.
    let card = kai.get(&lookup_path(ANNA.number)).text();
    assert_eq!(html::form_input(&card, &verify_path(ANNA.number), "call_code").as_deref(), Some(""));

    let code = new_code(&mut anna);
    let r = verify_code(&mut kai, ANNA.number, &code);
    r.expect(200);
    assert_eq!(verdict(&r), "match");
    assert!(r.header("Cache-Control").unwrap_or_default().contains("no-store"));
    // Single use.
    assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &code).expect(200)), "no-match", "reused");
    // Only the hash is stored, and neither the code nor a guess reaches the audit page.
    let stored: Vec<u8> = db(&app)
        .query_row(
            "SELECT code_hash FROM call_codes c JOIN customers u ON u.id = c.customer_id WHERE u.customer_no = ?1",
            [ANNA.number],
            |r| r.get(0),
        )
        .expect("a call code row");
    assert_ne!(stored, code.as_bytes(), "the code is stored hashed");
    let audit = admin.get("/admin/audit").text();
    assert!(!audit.contains(&code), "the call code is not on /admin/audit");
    assert_eq!(audit_count(&app, "hotline.call_code", ANNA.number), 2);
    assert_eq!(audit_rows(&mut admin, "hotline.call_code").len(), 2);
    // The customer sees the uses in the hotline list.
    let (events, _) = hotline_events(&mut anna);
    let uses = events.iter().filter(|(a, _)| a == "hotline.call_code").count();
    assert_eq!(uses, 2, "{events:?}");
}

#[test]
fn wrong_expired_replaced_and_other_customers_codes_do_not_match() {
    let (app, _admin, mut kai) = setup();
    let mut anna = app.anna();
    let mut bernd = app.bernd();

    // Wrong.
    let code = new_code(&mut anna);
    assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &other_than(&code)).expect(200)), "no-match", "wrong");
    assert_eq!(verdict(verify_code(&mut kai, ANNA.number, "abc").expect(200)), "no-match", "not digits");
    // Replaced: a new code makes the previous one useless.
    let newer = new_code(&mut anna);
    if newer != code {
        assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &code).expect(200)), "no-match", "replaced");
    }
    // Another customer's code.
    let berns = new_code(&mut bernd);
    if berns != newer {
        assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &berns).expect(200)), "no-match", "Bernd's code");
    }
    // Expired: ten minutes are up.
    db(&app)
        .execute("UPDATE call_codes SET expires_at = strftime('%s','now') - 1 WHERE customer_id = (SELECT id FROM customers WHERE customer_no = ?1)", [ANNA.number])
        .expect("expire Anna's code");
    assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &newer).expect(200)), "no-match", "expired");
    // Bernd's code still works for Bernd: the attempt on Anna did not use it up.
    assert_eq!(verdict(verify_code(&mut kai, BERND.number, &berns).expect(200)), "match");
}

#[test]
fn failed_codes_are_limited_and_right_ones_do_not_count() {
    let (app, mut admin, mut kai) = setup();
    let mut anna = app.anna();
    // Right codes, again and again: nothing used up.
    for _ in 0..6 {
        let code = new_code(&mut anna);
        assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &code).expect(200)), "match");
    }
    // Five wrong codes (password and code failures count together).
    let code = new_code(&mut anna);
    let wrong = other_than(&code);
    for i in 1..=4 {
        assert_eq!(verdict(verify_code(&mut kai, ANNA.number, &wrong).expect(200)), "no-match", "attempt {i}");
    }
    let r = kai.submit(&lookup_path(ANNA.number), &verify_path(ANNA.number), &[("spoken_password", "geraten")]);
    assert_eq!(verdict(r.expect(200)), "no-match");
    // Over the limit the right code is refused and stays unused.
    let r = verify_code(&mut kai, ANNA.number, &code);
    assert_eq!(r.status, 429);
    assert_eq!(verdict(&r), "no-match");
    assert_eq!(html::attr_values(&r.text(), "data-locked"), ["true"]);
    let used: Option<i64> = db(&app)
        .query_row(
            "SELECT used_at FROM call_codes c JOIN customers u ON u.id = c.customer_id WHERE u.customer_no = ?1",
            [ANNA.number],
            |r| r.get(0),
        )
        .expect("Anna's code");
    assert_eq!(used, None, "a refused code is not used up");
    let audit = admin.get("/admin/audit").text();
    assert!(!audit.contains(&wrong) && !audit.contains("geraten"), "no typed secret on /admin/audit");
}

#[test]
fn creating_a_code_needs_csrf_and_a_customer() {
    let (app, _admin, mut kai) = setup();
    let mut anna = app.anna();
    let r = anna.post_form("/account/call-code", &[]);
    assert_eq!(r.status, 403);
    assert!(html::with_attr(&r.text(), "data-call-code").is_empty());
    assert_eq!(app.count("SELECT count(*) FROM call_codes"), 0);
    let csrf = session_csrf(&mut anna);
    anna.post_form("/account/call-code", &[("csrf", &csrf)]).expect(200);
    // Staff have no call code page of their own.
    let r = kai.get("/account/call-code");
    assert!(r.status == 303 || r.status == 403, "staff on the customer page: {}", r.status);
    assert!(html::with_attr(&r.text(), "data-call-code").is_empty());
    // Anonymous visitors are sent to the login.
    assert_eq!(app.client().get("/account/call-code").status, 303);
}
