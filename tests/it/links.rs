//! Password links by e-mail (issue 18): "forgot my password" for customers and staff, the link
//! that sets a password once within 60 minutes and ends every session, the links that no longer
//! work (used, expired, password changed another way, person deactivated), the mail limit, the
//! same answer for unknown accounts, invitations (7 days, no password shown to staff), and an
//! admin's reset link or temporary password for a staff member. Mails are read from the SMTP
//! sink of `mail.rs`.

use std::time::Duration;

use crate::harness::{create_staff, save_customer, strings, Builder, ADA, ANNA, BERND, BOB};
use crate::html;
use crate::http::Client;
use crate::mail::{with_relay, Mail, Sink};

const WAIT: Duration = Duration::from_secs(10);

/// The `/login/reset/<token>` path in a mail.
#[track_caller]
pub(crate) fn link_in(mail: &Mail) -> String {
    let text = mail.text();
    let at = text.find("/login/reset/").unwrap_or_else(|| panic!("no link in the mail: {text}"));
    let token: String = text[at + "/login/reset/".len()..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64, "a 256-bit token in hex: {text}");
    format!("/login/reset/{token}")
}

/// Asks for a link on the customer (or staff) forgot page; returns the answer's body.
#[track_caller]
pub(crate) fn forgot(c: &mut Client, page: &str, login: &str) -> String {
    let r = c.submit(page, page, &[("login", login)]);
    r.expect(200);
    let body = r.text();
    assert!(body.contains("data-forgot=\"answered\""), "{body}");
    body
}

#[track_caller]
pub(crate) fn set_password(c: &mut Client, link: &str, pw: &str, repeat: &str) -> crate::http::Resp {
    c.submit(link, link, &[("new_password", pw), ("new_password_repeat", repeat)])
}

/// Posts a new password to a link whose page does not offer the form (any more).
fn post_password(c: &mut Client, link: &str, pw: &str) -> crate::http::Resp {
    let csrf = c.csrf_from("/login", "/login");
    c.post_form(link, &[("csrf", &csrf), ("new_password", pw), ("new_password_repeat", pw)])
}

fn audit_actions(env: &crate::harness::Env, target: &str) -> Vec<String> {
    strings(&env.db(), &format!("SELECT action || ' ' || detail FROM audit_log WHERE target = '{target}' AND action NOT LIKE 'login.%' ORDER BY id"))
}

#[test]
fn a_forgotten_password_is_reset_once_through_the_mailed_link_and_every_session_ends() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut anna = app.anna();
    let copy_before: Vec<u8> = app
        .db()
        .query_row("SELECT password_copy FROM customers WHERE customer_no = '10012'", [], |r| r.get(0))
        .unwrap();

    let login_page = app.client().get("/login").text();
    assert!(login_page.contains("href=\"/login/forgot\""), "the login page links the forgot page");
    let mut visitor = app.client();
    forgot(&mut visitor, "/login/forgot", "anna.beispiel@example.com");
    let mails = sink.wait_for(1, WAIT);
    assert_eq!(mails[0].to, ["anna.beispiel@example.com"]);
    assert_eq!(mails[0].subject(), "Neues Passwort für ticketd");
    let link = link_in(&mails[0]);
    assert!(mails[0].text().contains(&format!("https://portal.example{link}")), "the link uses base_url");
    assert_eq!(app.count("SELECT count(*) FROM password_tokens WHERE expires_at - created_at = 3600"), 1);
    let stored: Vec<u8> = app.db().query_row("SELECT token_hash FROM password_tokens", [], |r| r.get(0)).unwrap();
    assert_eq!(stored.len(), 32, "only the SHA-256 is stored");
    let token = &link["/login/reset/".len()..];
    let leaks = format!("SELECT count(*) FROM audit_log WHERE detail LIKE '%{token}%' OR target LIKE '%{token}%'");
    assert_eq!(app.count(&leaks), 0, "the token itself is written nowhere");
    visitor.get(&link).expect(200);
    assert!(!app.stderr().contains(token), "the access log hides the token");

    let page = visitor.get(&link);
    page.expect(200);
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
    set_password(&mut visitor, &link, "neues-kennwort-42", "anderes-kennwort-42").expect(422);
    let r = set_password(&mut visitor, &link, "password", "password");
    r.expect(422);
    assert!(r.text().contains("err-new_password"), "the password rules of the change page apply");
    set_password(&mut visitor, &link, "neues-kennwort-42", "neues-kennwort-42").expect_redirect("/login");

    anna.get("/tickets").expect(303);
    app.login(ANNA.number, ANNA.password).1.expect(422);
    app.customer(ANNA.number, "neues-kennwort-42");
    let copy_after: Vec<u8> = app
        .db()
        .query_row("SELECT password_copy FROM customers WHERE customer_no = '10012'", [], |r| r.get(0))
        .unwrap();
    assert_ne!(copy_before, copy_after, "the hotline copy follows the new password");

    let again = visitor.get(&link);
    again.expect(410);
    assert!(again.text().contains("data-link-error"));
    post_password(&mut app.client(), &link, "drittes-kennwort-42").expect(410);
    app.customer(ANNA.number, "neues-kennwort-42");
    assert_eq!(
        audit_actions(&app, "customer:10012"),
        ["password.forgot sent", "password.link.used "],
        "issuance and use are audited"
    );
}

#[test]
fn the_answer_is_the_same_for_unknown_accounts_and_at_most_three_mails_go_out_per_hour() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut c = app.client();
    let known = forgot(&mut c, "/login/forgot", ANNA.number);
    for login in ["99999", "nobody@example.com", "", ADA.username] {
        assert_eq!(forgot(&mut c, "/login/forgot", login), known, "same body for {login:?}");
    }
    for _ in 0..3 {
        assert_eq!(forgot(&mut c, "/login/forgot", ANNA.number), known);
    }
    sink.wait_for(3, WAIT);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sink.mails().len(), 3, "the fourth request within the hour sends nothing");
    assert_eq!(app.count("SELECT count(*) FROM password_tokens"), 3);
    let details = strings(&app.db(), "SELECT detail FROM audit_log WHERE action = 'password.forgot' ORDER BY id");
    assert_eq!(
        details,
        ["sent", "no such account", "no such account", "no such account", "no such account", "sent", "sent", "limit"]
    );
    // Every request does its write, known or not (the same work, so the same time).
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'password.forgot'"), 8);
    // Another account is not limited by Anna's mails.
    forgot(&mut c, "/login/forgot", BERND.email);
    sink.wait_for(4, WAIT);
}

#[test]
fn a_link_does_not_work_after_60_minutes_after_another_change_or_for_a_deactivated_person() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut c = app.client();

    // After 60 minutes: a clear page, nothing changed.
    forgot(&mut c, "/login/forgot", ANNA.number);
    let expired = link_in(&sink.wait_for(1, WAIT)[0]);
    app.db().execute("UPDATE password_tokens SET expires_at = created_at - 1", []).unwrap();
    let r = c.get(&expired);
    r.expect(410);
    assert!(r.text().contains("abgelaufen"), "{}", r.text());
    post_password(&mut app.client(), &expired, "neues-kennwort-42").expect(410);
    app.customer(ANNA.number, ANNA.password);

    // After the password was changed on the account page.
    forgot(&mut c, "/login/forgot", ANNA.number);
    let changed = link_in(&sink.wait_for(2, WAIT)[1]);
    c.get(&changed).expect(200);
    let mut anna = app.anna();
    anna.submit(
        "/account/password",
        "/account/password",
        &[
            ("old_password", ANNA.password),
            ("new_password", "zweites-kennwort-7"),
            ("new_password_repeat", "zweites-kennwort-7"),
        ],
    )
    .expect(303);
    c.get(&changed).expect(404);
    post_password(&mut app.client(), &changed, "drittes-kennwort-42").expect(404);
    app.customer(ANNA.number, "zweites-kennwort-7");

    // For a deactivated person.
    forgot(&mut c, "/login/forgot", ANNA.number);
    let deactivated = link_in(&sink.wait_for(3, WAIT)[2]);
    let mut ada = app.ada();
    save_customer(&mut ada, ANNA.number, ANNA.name, ANNA.email, false).expect(303);
    c.get(&deactivated).expect(410);
    post_password(&mut app.client(), &deactivated, "viertes-kennwort-42").expect(410);
    save_customer(&mut ada, ANNA.number, ANNA.name, ANNA.email, true).expect(303);
    app.customer(ANNA.number, "zweites-kennwort-7");

    // A staff member's reset of the customer's password ends open links too.
    forgot(&mut c, "/login/forgot", ANNA.number);
    let reset = link_in(&sink.wait_for(4, WAIT)[3]);
    let page = format!("/staff/customers/{}", ANNA.number);
    ada.submit(&page, &format!("{page}/password"), &[("new_password", "fuenftes-kennwort-5")]).expect(303);
    c.get(&reset).expect(404);
    c.get("/login/reset/not-a-token").expect(404);
    c.get(&format!("/login/reset/{}", "a".repeat(64))).expect(404);
}

#[test]
fn without_smtp_the_forgot_pages_say_whom_to_call_and_send_nothing() {
    let app = crate::harness::portal();
    for page in ["/login/forgot", "/staff/login/forgot"] {
        let mut c = app.client();
        let r = c.get(page);
        r.expect(200);
        assert!(r.text().contains("data-forgot=\"no-mail\""), "{}", r.text());
    }
    let mut c = app.client();
    let csrf = c.csrf_from("/login", "/login");
    let r = c.post_form("/login/forgot", &[("csrf", &csrf), ("login", ANNA.number)]);
    r.expect(200);
    assert!(r.text().contains("data-forgot=\"no-mail\""));
    assert_eq!(app.count("SELECT count(*) FROM password_tokens"), 0);
    assert_eq!(app.count("SELECT count(*) FROM outbox"), 0);
}

#[test]
fn staff_reset_their_password_by_mail_and_admins_send_links_or_set_temporary_passwords() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut ada = app.ada();
    create_staff(&mut ada, BOB);
    let mut bob = app.staff(BOB.username, BOB.password);

    let staff_login = app.client().get("/staff/login").text();
    assert!(staff_login.contains("href=\"/staff/login/forgot\""));
    let mut c = app.client();
    forgot(&mut c, "/staff/login/forgot", BOB.username);
    let mail = sink.wait_for(1, WAIT)[0].clone();
    assert_eq!(mail.to, [BOB.email]);
    let link = link_in(&mail);
    set_password(&mut c, &link, "frisches-kennwort-b7", "frisches-kennwort-b7").expect_redirect("/staff/login");
    let used = c.get(&link);
    used.expect(410);
    assert!(used.text().contains("href=\"/staff/login/forgot\""), "a staff link leads back to the staff pages");
    bob.get("/staff/tickets").expect(303);
    app.staff(BOB.username, "frisches-kennwort-b7");
    // The customer realm's forgot page does not know staff.
    forgot(&mut c, "/login/forgot", BOB.username);

    // The admin's page shows both actions.
    let page = ada.get("/admin/staff/bob").text();
    let modes = html::attr_values(&page, "data-mode");
    assert_eq!(modes, ["link", "temporary"]);

    // A link by mail.
    let r = ada.submit("/admin/staff/bob", "/admin/staff/bob/password", &[("mode", "link")]);
    r.expect_redirect("/admin/staff/bob");
    let mails = sink.wait_for(2, WAIT);
    assert_eq!(mails.len(), 2, "nothing went to Bob through the customers' page");
    let link = link_in(&mails[1]);
    app.client().get(&link).expect(200);

    // Someone without an address gets no link: the admin is told so.
    let carl = crate::harness::StaffSpec { username: "carl", email: "", ..BOB };
    create_staff(&mut ada, carl);
    let r = ada.submit("/admin/staff/carl", "/admin/staff/carl/password", &[("mode", "link")]);
    r.expect(422);
    assert!(r.text().contains("keine E-Mail-Adresse"), "{}", r.text());
    let r = ada.submit("/admin/staff/carl", "/admin/staff/carl/password", &[("mode", "sideways")]);
    r.expect(422);
    let csrf = crate::harness::staff_csrf(&mut ada);
    ada.post_form("/admin/staff/nobody/password", &[("csrf", &csrf), ("mode", "temporary")]).expect(404);

    // Agents cannot do it.
    let mut bob = app.staff(BOB.username, "frisches-kennwort-b7");
    let csrf = crate::harness::staff_csrf(&mut bob);
    bob.post_form("/admin/staff/ada/password", &[("csrf", &csrf), ("mode", "temporary")]).expect(403);

    // A temporary password: shown once, must be changed, ends Bob's sessions and open links.
    let r = ada.submit("/admin/staff/bob", "/admin/staff/bob/password", &[("mode", "temporary")]);
    r.expect_redirect("/admin/staff/bob");
    let shown = ada.get("/admin/staff/bob");
    assert_eq!(shown.header("Cache-Control"), Some("no-store"));
    let tags = html::with_attr(&shown.text(), "data-generated-password");
    assert_eq!(tags.len(), 1, "the temporary password is shown");
    let temporary = html::inner_text(&shown.text(), &tags[0]);
    assert!(html::with_attr(&ada.get("/admin/staff/bob").text(), "data-generated-password").is_empty(), "only once");
    bob.get("/staff/tickets").expect(303);
    app.client().get(&link).expect(404);
    let (_, r) = app.staff_login(BOB.username, temporary.trim());
    r.expect_redirect("/staff/password");
    let actions = audit_actions(&app, "staff:bob");
    assert_eq!(
        actions,
        ["password.forgot sent", "password.link.used ", "password.link.sent ", "password.reset temporary"],
        "every issuance and use is audited"
    );
}

#[test]
fn an_invited_customer_sets_the_first_password_through_a_link_valid_seven_days() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "")
        .toml("[portal]\ntitle = \"Müller IT Portal\"\nlogin_text = \"Willkommen bei Müller IT\"")
        .start();
    let mut ada = app.ada();
    let form = ada.get("/staff/customers/new").text();
    assert!(html::by_id(&form, "invite").is_some(), "the new-customer form has the invite box");
    let r = ada.submit(
        "/staff/customers/new",
        "/staff/customers",
        &[
            ("customer_no", "30056"),
            ("name", "Carla Neu"),
            ("email", "carla@example.net"),
            ("phone", ""),
            ("password", "vom-mitarbeiter-gewaehlt"),
            ("active", "on"),
            ("invite", "on"),
        ],
    );
    r.expect_redirect("/staff/customers/30056");
    let page = ada.get("/staff/customers/30056").text();
    assert!(html::with_attr(&page, "data-generated-password").is_empty(), "no password is shown to staff");
    app.login("30056", "vom-mitarbeiter-gewaehlt").1.expect(422);
    assert_eq!(app.count("SELECT count(*) FROM customers WHERE customer_no = '30056' AND password_copy IS NULL"), 1);

    let mail = sink.wait_for(1, WAIT)[0].clone();
    assert_eq!(mail.to, ["carla@example.net"]);
    assert_eq!(mail.subject(), "Ihr Zugang zu Müller IT Portal");
    assert!(mail.text().contains("Willkommen bei Müller IT"), "the welcome uses login_text: {}", mail.text());
    assert!(mail.text().contains("30056"), "says how to log in");
    assert_eq!(
        app.count("SELECT count(*) FROM password_tokens WHERE purpose = 'invite' AND expires_at - created_at = 604800"),
        1
    );
    let link = link_in(&mail);
    let mut carla = app.client();
    assert!(carla.get(&link).text().contains("Willkommen"), "the page greets an invited person");
    set_password(&mut carla, &link, "sonnenblume-am-fenster", "sonnenblume-am-fenster").expect_redirect("/login");
    app.customer("30056", "sonnenblume-am-fenster");
    assert_eq!(audit_actions(&app, "customer:30056"), ["invite.sent ", "invite.accepted "]);

    // Inviting an existing customer, in the customer's language.
    app.db().execute("UPDATE customers SET language = 'en' WHERE customer_no = '20034'", []).unwrap();
    let page = "/staff/customers/20034";
    ada.submit(page, &format!("{page}/invite"), &[]).expect_redirect(page);
    let mail = sink.wait_for(2, WAIT)[1].clone();
    assert_eq!(mail.to, [BERND.email]);
    assert_eq!(mail.subject(), "Your access to Müller IT Portal");
    app.client().get(&link_in(&mail)).expect(200);
    // An unknown customer or contact is a 404.
    let csrf = crate::harness::staff_csrf(&mut ada);
    ada.post_form("/staff/customers/99999/invite", &[("csrf", &csrf)]).expect(404);
    ada.post_form("/staff/customers/20034/invite", &[("csrf", &csrf), ("contact", "4711")]).expect(404);
}

#[test]
fn without_smtp_nobody_can_be_invited() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    assert!(html::by_id(&ada.get("/staff/customers/new").text(), "invite").is_none());
    let csrf = crate::harness::staff_csrf(&mut ada);
    ada.post_form("/staff/customers/10012/invite", &[("csrf", &csrf)]).expect(422);
    ada.post_form(
        "/staff/customers",
        &[("csrf", &csrf), ("customer_no", "30056"), ("name", "Carla"), ("email", "c@example.net"), ("invite", "on")],
    )
    .expect(422);
    assert_eq!(app.count("SELECT count(*) FROM customers WHERE customer_no = '30056'"), 0);
    let page = ada.get("/admin/staff/ada").text();
    assert_eq!(html::attr_values(&page, "data-mode"), ["temporary"]);
}
