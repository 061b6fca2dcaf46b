//! Managing contacts (issue 18): staff add and change a customer's contacts (invitation by
//! mail, duplicate addresses refused at the field, deactivation ends sessions at once); the
//! main account and managers do the same at `/account/contacts`, members may not; a contact
//! resets their own password by mail, which leaves the company's other sessions alone.

use std::time::Duration;

use crate::harness::{session_csrf, ANNA, BERND};
use crate::html;
use crate::http::Client;
use crate::links::{forgot, link_in, set_password};
use crate::mail::{with_relay, Sink};

const WAIT: Duration = Duration::from_secs(10);
const CLARA: &str = "clara@beispiel-gmbh.example";

fn contact_id(env: &crate::harness::Env, email: &str) -> i64 {
    env.db().query_row("SELECT id FROM contacts WHERE email = ?1", [email], |r| r.get(0)).expect("the contact's id")
}

/// Staff add a contact to Anna's company through the form.
fn staff_add(ada: &mut Client, name: &str, email: &str, role: &str, invite: bool) -> crate::http::Resp {
    let page = format!("/staff/customers/{}/contacts/new", ANNA.number);
    let mut fields = vec![("name", name), ("email", email), ("phone", "+49 30 1234"), ("role", role), ("active", "on")];
    if invite {
        fields.push(("invite", "on"));
    }
    ada.submit(&page, &page, &fields)
}

/// Follows the invitation in `mail`, sets the password and logs in by e-mail.
#[track_caller]
fn accept(app: &crate::harness::TestApp, mail: &crate::mail::Mail, email: &str, pw: &str) -> Client {
    let link = link_in(mail);
    let mut c = app.client();
    set_password(&mut c, &link, pw, pw).expect_redirect("/login");
    app.customer(email, pw)
}

#[test]
fn staff_add_invite_change_and_deactivate_contacts() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut ada = app.ada();
    let customer_page = format!("/staff/customers/{}", ANNA.number);
    assert!(html::with_attr(&ada.get(&customer_page).text(), "data-contact").is_empty());

    staff_add(&mut ada, "Clara Kollegin", CLARA, "member", true).expect_redirect(&customer_page);
    let id = contact_id(&app, CLARA);
    let page = ada.get(&customer_page).text();
    assert_eq!(html::attr_values(&page, "data-contact"), [id.to_string()], "the customer page lists the contact");
    assert!(html::with_attr(&page, "data-generated-password").is_empty(), "no password shown to staff");

    let mail = sink.wait_for(1, WAIT)[0].clone();
    assert_eq!(mail.to, [CLARA]);
    assert_eq!(mail.subject(), "Ihr Zugang zu ticketd");
    assert!(mail.text().contains(CLARA), "the mail says to log in with the address: {}", mail.text());
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM outbox WHERE contact_id = {id}")),
        1,
        "the mail is the contact's"
    );
    let mut clara = accept(&app, &mail, CLARA, "wolken-ueber-berlin");
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = {id} AND password_copy IS NOT NULL")), 1);

    // Addresses are unique across customers and contacts: 422 at the field.
    for taken in [ANNA.email, BERND.email, "CLARA@beispiel-gmbh.example"] {
        let r = staff_add(&mut ada, "Doppelt", taken, "member", false);
        r.expect(422);
        assert!(html::by_id(&r.text(), "err-email").is_some(), "{taken}: the error sits at the e-mail field");
    }
    let r = staff_add(&mut ada, "", "neu@example.com", "chef", false);
    r.expect(422);
    assert!(html::by_id(&r.text(), "err-name").is_some() && html::by_id(&r.text(), "err-role").is_some());
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 1);

    // Change the role; then deactivate: Clara's session ends at once.
    let edit = format!("{customer_page}/contacts/{id}");
    let form = ada.get(&edit).text();
    assert_eq!(html::form_input(&form, &edit, "email").as_deref(), Some(CLARA));
    let fields = [("name", "Clara Kollegin"), ("email", CLARA), ("phone", ""), ("role", "manager"), ("active", "on")];
    ada.submit(&edit, &edit, &fields).expect_redirect(&customer_page);
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = {id} AND role = 'manager'")), 1);
    clara.get("/account/contacts").expect(200);
    let fields = [("name", "Clara Kollegin"), ("email", CLARA), ("phone", ""), ("role", "manager")];
    ada.submit(&edit, &edit, &fields).expect_redirect(&customer_page);
    clara.get("/tickets").expect(303);
    app.login(CLARA, "wolken-ueber-berlin").1.expect(422);

    // Another customer's contact is not there under this number.
    ada.get(&format!("/staff/customers/{}/contacts/{id}", BERND.number)).expect(404);
    ada.get(&format!("{customer_page}/contacts/4711")).expect(404);
    let actions = crate::harness::strings(
        &app.db(),
        &format!("SELECT action FROM audit_log WHERE target = 'customer:10012/contact:{id}' AND action NOT LIKE 'login.%' ORDER BY id"),
    );
    assert_eq!(
        actions,
        [
            "contact.create",
            "invite.sent",
            "invite.accepted",
            "contact.update",
            "contact.role",
            "contact.update",
            "contact.deactivate"
        ]
    );

    // Invite again from the customer page: a deactivated contact cannot be invited.
    let csrf = crate::harness::staff_csrf(&mut ada);
    let r = ada.post_form(&format!("{customer_page}/invite"), &[("csrf", &csrf), ("contact", &id.to_string())]);
    r.expect(422);
    assert!(r.text().contains("deaktiviert; aktivieren Sie es zuerst"), "the reason is shown: {}", r.text());
}

#[test]
fn the_main_account_and_managers_manage_contacts_members_get_404() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut anna = app.anna();
    let r = anna.get("/account");
    assert!(r.text().contains("href=\"/account/contacts\""), "the account page links the contacts");
    anna.get("/account/contacts").expect(200);

    // Anna adds Clara: an invitation goes out.
    let fields = [("name", "Clara Kollegin"), ("email", CLARA), ("phone", ""), ("role", "member"), ("active", "on")];
    anna.submit("/account/contacts/new", "/account/contacts", &fields).expect_redirect("/account/contacts");
    let clara_id = contact_id(&app, CLARA);
    let mut clara = accept(&app, &sink.wait_for(1, WAIT)[0], CLARA, "wolken-ueber-berlin");
    let listed = html::attr_values(&anna.get("/account/contacts").text(), "data-contact");
    assert_eq!(listed, [clara_id.to_string()]);

    // A member has no contact pages.
    clara.get("/account/contacts").expect(404);
    clara.get(&format!("/account/contacts/{clara_id}")).expect(404);
    let csrf = session_csrf(&mut clara);
    clara.post_form("/account/contacts", &[("csrf", &csrf), ("name", "X"), ("email", "x@example.com")]).expect(404);
    assert!(!clara.get("/account").text().contains("href=\"/account/contacts\""));

    // Anna makes Clara a manager; Clara adds Dora and deactivates her, but not herself.
    let edit = format!("/account/contacts/{clara_id}");
    let mut fields =
        vec![("name", "Clara Kollegin"), ("email", CLARA), ("phone", ""), ("role", "manager"), ("active", "on")];
    anna.submit(&edit, &edit, &fields).expect_redirect("/account/contacts");
    clara.get("/account/contacts").expect(200);
    let dora = "dora@beispiel-gmbh.example";
    let new = [("name", "Dora Dritte"), ("email", dora), ("phone", ""), ("role", "member"), ("active", "on")];
    clara.submit("/account/contacts/new", "/account/contacts", &new).expect_redirect("/account/contacts");
    let mut dora_client = accept(&app, &sink.wait_for(2, WAIT)[1], dora, "sonne-ueber-hamburg");
    let dora_id = contact_id(&app, dora);
    let dora_edit = format!("/account/contacts/{dora_id}");
    let off = [("name", "Dora Dritte"), ("email", dora), ("phone", ""), ("role", "member")];
    clara.submit(&dora_edit, &dora_edit, &off).expect_redirect("/account/contacts");
    dora_client.get("/tickets").expect(303);
    fields.retain(|(k, _)| *k != "active");
    let r = clara.submit(&edit, &edit, &fields);
    r.expect(422);
    assert!(html::by_id(&r.text(), "err-active").is_some());
    // A duplicate address: 422 at the field.
    let dup = [("name", "Doppelt"), ("email", ANNA.email), ("phone", ""), ("role", "member"), ("active", "on")];
    let r = clara.submit("/account/contacts/new", "/account/contacts", &dup);
    r.expect(422);
    assert!(html::by_id(&r.text(), "err-email").is_some());

    // Another customer sees none of it.
    let mut bernd = app.bernd();
    bernd.get("/account/contacts").expect(200);
    bernd.get(&edit).expect(404);
    let csrf = session_csrf(&mut bernd);
    let steal = [("csrf", csrf.as_str()), ("name", "X"), ("email", CLARA), ("role", "member")];
    bernd.post_form(&edit, &steal).expect(404);
    assert_eq!(app.count(&format!("SELECT count(*) FROM contacts WHERE id = {clara_id} AND active = 1")), 1);
}

#[test]
fn a_contact_resets_their_own_password_by_mail_and_the_company_stays_logged_in() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut ada = app.ada();
    staff_add(&mut ada, "Clara Kollegin", CLARA, "member", true).expect(303);
    let mut clara = accept(&app, &sink.wait_for(1, WAIT)[0], CLARA, "wolken-ueber-berlin");
    let mut anna = app.anna();
    let copy_before: Vec<u8> =
        app.db().query_row("SELECT password_copy FROM contacts WHERE email = ?1", [CLARA], |r| r.get(0)).unwrap();

    forgot(&mut app.client(), "/login/forgot", CLARA);
    let mail = sink.wait_for(2, WAIT)[1].clone();
    assert_eq!(mail.to, [CLARA]);
    let link = link_in(&mail);
    set_password(&mut app.client(), &link, "regen-ueber-muenchen", "regen-ueber-muenchen").expect_redirect("/login");
    clara.get("/tickets").expect(303);
    anna.get("/tickets").expect(200);
    app.customer(CLARA, "regen-ueber-muenchen");
    let copy_after: Vec<u8> =
        app.db().query_row("SELECT password_copy FROM contacts WHERE email = ?1", [CLARA], |r| r.get(0)).unwrap();
    assert_ne!(copy_before, copy_after, "the contact's own hotline copy follows");

    // Staff invite the contact again from the customer page.
    let page = format!("/staff/customers/{}", ANNA.number);
    let id = contact_id(&app, CLARA).to_string();
    ada.submit(&page, &format!("{page}/invite"), &[("contact", &id)]).expect_redirect(&page);
    assert_eq!(sink.wait_for(3, WAIT)[2].to, [CLARA]);
}
