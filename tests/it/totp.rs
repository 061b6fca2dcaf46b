//! Two-factor sign-in for staff (TOTP, RFC 6238): enrolment with recovery codes shown once,
//! the second login step (wrong, reused, expired codes; recovery codes once), disabling,
//! `[security] require_2fa`, the code on the hotline reveal, and `ticketd admin reset-2fa`.
//! Codes are computed here from the secret on the enrolment page.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use totp_rs::{Builder as TotpBuilder, Secret};

use crate::harness::{Builder, TestApp, ADA, ANNA};
use crate::html;
use crate::http::{Client, Resp};

const ENROL: &str = "/staff/account/2fa";
const SECOND: &str = "/staff/login/2fa";

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The 6-digit code of a time step.
fn code_at(secret: &str, step: i64) -> String {
    let totp = TotpBuilder::new().with_secret(Secret::try_from_base32(secret).unwrap()).build().unwrap();
    totp.generate((step * 30) as u64).to_string()
}

/// Steps handed out so far, so no step is used twice: a code of the step before the current
/// one (only early in a step, so it is not two steps old by the time it arrives), the current
/// or the next; waits for the next step when those are used up.
struct Codes {
    secret: String,
    used: i64,
}

impl Codes {
    fn next(&mut self) -> String {
        loop {
            let now = unix_now();
            let cur = now / 30;
            let step = (self.used + 1).max(cur - 1);
            if step <= cur + 1 && (step >= cur || now % 30 < 20) {
                self.used = step;
                return code_at(&self.secret, step);
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// A code two steps old: outside the accepted window.
    fn expired(&self) -> String {
        code_at(&self.secret, unix_now() / 30 - 2)
    }
}

fn app_with(require: &str) -> TestApp {
    Builder::new().customer(ANNA).admin(ADA).security(&format!("require_2fa = \"{require}\"")).start()
}

fn secret_on(page: &str) -> String {
    let v = html::attr_values(page, "data-totp-secret");
    assert_eq!(v.len(), 1, "one data-totp-secret on the enrolment page");
    v[0].clone()
}

fn recovery_codes(page: &str) -> Vec<String> {
    html::with_attr(page, "data-recovery-code").iter().map(|t| html::inner_text(page, t)).collect()
}

/// Enrols the logged-in client; returns its codes source and the recovery codes.
#[track_caller]
fn enrol(c: &mut Client) -> (Codes, Vec<String>) {
    let r = c.get(ENROL);
    r.expect(200);
    let mut codes = Codes { secret: secret_on(&r.text()), used: 0 };
    let r = c.submit(ENROL, ENROL, &[("code", &codes.next())]);
    r.expect(200);
    let recovery = recovery_codes(&r.text());
    assert_eq!(recovery.len(), 10);
    (codes, recovery)
}

/// The password step of a staff login with TOTP: a 303 to the second step, no session yet.
#[track_caller]
fn password_step(app: &TestApp) -> Client {
    let (c, r) = app.staff_login(ADA.username, ADA.password);
    r.expect(303);
    assert!(r.location().starts_with(SECOND), "password step leads to {SECOND}: {}", r.location());
    assert!(c.cookie("ticketd_session").is_none(), "no session before the second step");
    c
}

fn second_step(c: &mut Client, field: &str, value: &str) -> Resp {
    c.submit(SECOND, SECOND, &[(field, value)])
}

#[test]
fn enrolment_needs_a_right_code_and_shows_the_recovery_codes_once() {
    let app = app_with("off");
    let mut ada = app.ada();
    let r = ada.get(ENROL);
    r.expect(200);
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    let page = r.text();
    let secret = secret_on(&page);
    assert_eq!(secret.len(), 32, "160-bit base32 secret");
    assert!(page.contains("<svg") && page.contains("<path d=\"M"), "inline SVG QR code");
    // Reloading shows the same pending secret.
    assert_eq!(secret_on(&ada.get(ENROL).text()), secret);

    ada.submit(ENROL, ENROL, &[("code", "000000")]).expect(422);
    ada.submit(ENROL, ENROL, &[("code", "")]).expect(422);
    let mut codes = Codes { secret: secret.clone(), used: 0 };
    let r = ada.submit(ENROL, ENROL, &[("code", &codes.next())]);
    r.expect(200);
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    let recovery = recovery_codes(&r.text());
    assert_eq!(recovery.len(), 10);

    // Shown once: neither the codes nor the secret are on the page again.
    let again = ada.get(ENROL).text();
    assert!(recovery_codes(&again).is_empty());
    assert!(html::attr_values(&again, "data-totp-secret").is_empty());
    // Stored hashed.
    assert_eq!(app.count("SELECT count(*) FROM staff_recovery_codes"), 10);
    for rc in &recovery {
        assert_eq!(app.count(&format!("SELECT count(*) FROM staff_recovery_codes WHERE code_hash = '{rc}'")), 0);
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = '2fa.enrolled'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = '2fa.enrol.failed'"), 2);
}

#[test]
fn login_asks_for_the_code_and_takes_each_code_once() {
    let app = app_with("off");
    let (mut codes, _) = enrol(&mut app.ada());

    let mut c = password_step(&app);
    // `next` survives the second step.
    let (mut c2, r) = {
        let mut c2 = app.client();
        let r = c2.submit(
            "/staff/login",
            "/staff/login",
            &[("login", ADA.username), ("password", ADA.password), ("next", "/admin/staff")],
        );
        (c2, r)
    };
    r.expect(303);
    assert!(r.location().starts_with(SECOND) && r.location().contains("admin"), "{}", r.location());

    second_step(&mut c, "code", "123456").expect(422);
    second_step(&mut c, "code", &codes.expired()).expect(422);
    assert!(c.cookie("ticketd_session").is_none());
    let code = codes.next();
    let r = second_step(&mut c, "code", &code);
    r.expect_redirect("/staff/tickets");
    assert!(c.cookie("ticketd_session").is_some());
    c.get("/staff/tickets").expect(200);

    // The same code again, in the other pending login: refused.
    let page = c2.get(&format!("{SECOND}?next=/admin/staff"));
    page.expect(200);
    let csrf = html::form_csrf(&page.text(), SECOND).unwrap();
    c2.post_form(SECOND, &[("csrf", &csrf), ("code", &code), ("next", "/admin/staff")]).expect(422);
    c2.post_form(SECOND, &[("csrf", &csrf), ("code", &codes.next()), ("next", "/admin/staff")])
        .expect_redirect("/admin/staff");
    assert!(app.count("SELECT count(*) FROM audit_log WHERE action = '2fa.failed'") >= 3);

    // Without a pending login there is no second step.
    app.client().get(SECOND).expect_redirect("/staff/login");
}

#[test]
fn the_second_step_is_throttled_like_passwords() {
    let app = app_with("off");
    enrol(&mut app.ada());
    let mut c = password_step(&app);
    let statuses: Vec<u16> = (0..6).map(|_| second_step(&mut c, "code", "000000").status).collect();
    assert_eq!(&statuses[..5], &[422; 5]);
    assert_eq!(statuses[5], 429);
}

#[test]
fn a_recovery_code_works_once() {
    let app = app_with("off");
    let (_, recovery) = enrol(&mut app.ada());
    let mut c = password_step(&app);
    second_step(&mut c, "recovery_code", "aaaaa-bbbbb").expect(422);
    second_step(&mut c, "recovery_code", &recovery[3].to_uppercase()).expect_redirect("/staff/tickets");
    let mut c = password_step(&app);
    second_step(&mut c, "recovery_code", &recovery[3]).expect(422);
    second_step(&mut c, "recovery_code", &recovery[4]).expect_redirect("/staff/tickets");
}

#[test]
fn disabling_needs_password_and_code() {
    let app = app_with("off");
    let mut ada = app.ada();
    let (mut codes, _) = enrol(&mut ada);
    ada.submit(ENROL, ENROL, &[("password", "wrong-password"), ("code", &codes.next())]).expect(422);
    ada.submit(ENROL, ENROL, &[("password", ADA.password), ("code", "000000")]).expect(422);
    ada.submit(ENROL, ENROL, &[("password", ADA.password), ("code", &codes.next())]).expect_redirect(ENROL);
    assert_eq!(app.count("SELECT count(*) FROM staff_totp"), 0);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = '2fa.disabled'"), 1);
    // A plain password login again.
    app.ada();
}

#[test]
fn require_2fa_sends_unenrolled_admins_to_the_enrolment_page() {
    let app = app_with("admins");
    let mut ada = app.ada();
    for page in ["/staff/tickets", "/admin/staff", "/staff/hotline", "/staff/account"] {
        let r = ada.get(page);
        r.expect(303);
        assert!(r.location().starts_with(ENROL), "{page} → {}", r.location());
    }
    let r = ada.get(ENROL);
    r.expect(200);
    enrol(&mut ada);
    ada.get("/admin/staff").expect(200);
    ada.get("/staff/tickets").expect(200);

    // Logout works for someone who has not enrolled yet.
    let app = app_with("staff");
    let mut ada = app.ada();
    ada.get("/staff/tickets").expect(303);
    let csrf = html::form_csrf(&ada.get(ENROL).text(), ENROL).unwrap();
    ada.post_form("/staff/logout", &[("csrf", &csrf)]).expect_redirect("/staff/login");

    // Off: nobody is sent there.
    let app = app_with("off");
    app.ada().get("/admin/staff").expect(200);
}

#[test]
fn reveal_needs_the_code_of_an_enrolled_admin() {
    let app = app_with("off");
    let mut ada = app.ada();
    let (mut codes, _) = enrol(&mut ada);
    let lookup = format!("/staff/hotline?q={}", ANNA.number);
    let action = format!("/admin/hotline/{}/reveal", ANNA.number);
    let reveal = |ada: &mut Client, code: &str| {
        ada.submit(&lookup, &action, &[("reason", "Anruf"), ("password", ADA.password), ("code", code)])
    };
    let r = reveal(&mut ada, "");
    r.expect(422);
    assert!(!r.text().contains(ANNA.password));
    reveal(&mut ada, "000000").expect(422);
    let r = reveal(&mut ada, &codes.next());
    r.expect(200);
    assert!(r.text().contains(ANNA.password));
}

#[test]
fn reset_2fa_removes_the_enrolment_and_is_audited() {
    let app = app_with("off");
    enrol(&mut app.ada());
    let out = app.cli(&["admin", "reset-2fa", "--username", "ada"]);
    out.ok();
    assert!(out.stdout.contains("removed"), "{}", out.stdout);
    assert_eq!(app.count("SELECT count(*) FROM staff_totp"), 0);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = '2fa.reset'"), 1);
    app.ada();
    app.cli(&["admin", "reset-2fa", "--username", "nobody"]).failed();
}

#[test]
fn wrong_reveal_codes_are_throttled_like_passwords() {
    let app = app_with("off");
    let mut ada = app.ada();
    let (mut codes, _) = enrol(&mut ada);
    let lookup = format!("/staff/hotline?q={}", ANNA.number);
    let action = format!("/admin/hotline/{}/reveal", ANNA.number);
    let csrf = ada.csrf_from(&lookup, &action);
    let mut post = |code: &str| {
        ada.post_form(&action, &[("csrf", &csrf), ("reason", "Anruf"), ("password", ADA.password), ("code", code)])
            .status
    };
    let statuses: Vec<u16> = (0..5).map(|_| post("000000")).collect();
    assert_eq!(statuses, [422; 5]);
    // Locked now: even the right code is refused until the window ends.
    assert_eq!(post(&codes.next()), 429);
}
