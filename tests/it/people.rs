//! People of a customer (issue 18): contacts with their own login by e-mail, members and
//! managers, colleagues on a ticket, authorship, per-person hotline and notifications.

use std::time::Duration;

use crate::harness::{
    create_ticket, listed, run_ticketd, session_csrf, staff_activity, staff_update, Builder, Env, TestApp, ADA, ANNA,
    BERND,
};
use crate::html;
use crate::http::Client;

/// A contact of Anna's company who sees only their own tickets.
pub const MIA: Person =
    Person { name: "Mia Mitglied", email: "mia@beispiel-gmbh.example", password: "fenster-blau-2024" };
/// Another member of Anna's company.
pub const MAX: Person =
    Person { name: "Max Muster", email: "max@beispiel-gmbh.example", password: "garten-gruen-2024" };
/// A manager of Anna's company: sees every ticket.
pub const MARA: Person =
    Person { name: "Mara Leitung", email: "mara@beispiel-gmbh.example", password: "bruecke-rot-2024" };

#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// `ticketd contact add` with the password on stdin; returns the CLI's output.
fn contact_add(env: &Env, customer: &str, p: Person, role: &str) -> crate::harness::CliOut {
    let cfg = env.config_path.to_string_lossy().into_owned();
    let args = [
        "contact",
        "add",
        "--customer",
        customer,
        "--name",
        p.name,
        "--email",
        p.email,
        "--role",
        role,
        "--password-stdin",
        "--config",
        &cfg,
    ];
    run_ticketd(&args, Some(&format!("{}\n", p.password)), Duration::from_secs(60))
}

/// Anna's company with Mia and Max (members) and Mara (manager); Bernd is another customer.
pub fn company() -> TestApp {
    company_with(Builder::new())
}

/// [`company`] on a builder with more config.
fn company_with(b: Builder) -> TestApp {
    let env = b.admin(ADA).customer(ANNA).customer(BERND).prepare();
    contact_add(&env, ANNA.number, MIA, "member").ok();
    contact_add(&env, ANNA.number, MAX, "member").ok();
    contact_add(&env, ANNA.number, MARA, "manager").ok();
    contact_add(&env, BERND.number, OTTO, "member").ok();
    env.start()
}

/// A contact of Bernd's company.
pub const OTTO: Person = Person { name: "Otto Fremd", email: "otto@anders.example", password: "wolke-weiss-2024" };

/// Each activity of a ticket page: `(kind, data-author-kind, shown author)`.
fn authors(page: &str) -> Vec<(String, String, String)> {
    html::with_attr(page, "data-activity-kind")
        .into_iter()
        .map(|t| {
            let head_end = page[t.end..].find("</div>").map_or(page.len(), |i| t.end + i);
            let head = &page[t.end..head_end];
            let author = match head.find("class=\"author\"") {
                Some(i) => {
                    let rest = &head[i..];
                    let from = rest.find('>').map_or(0, |j| j + 1);
                    let to = rest.find("</span>").unwrap_or(rest.len());
                    html::unescape(rest[from..to].trim())
                }
                None => String::new(),
            };
            (t.attr("data-activity-kind").to_string(), t.attr("data-author-kind").to_string(), author)
        })
        .collect()
}

fn page_of(c: &mut Client, path: &str) -> String {
    let r = c.get(path);
    r.expect(200);
    r.text()
}

/// Adds a colleague on the ticket's people page.
fn add_person(c: &mut Client, number: &str, contact: &str) -> crate::http::Resp {
    let page = format!("/tickets/{number}/people");
    c.submit(&page, &page, &[("contact", contact)])
}

fn contact_id(app: &TestApp, email: &str) -> i64 {
    app.db().query_row("SELECT id FROM contacts WHERE email = ?1", [email], |r| r.get(0)).expect("the contact's id")
}

fn login(app: &TestApp, p: Person) -> Client {
    app.customer(p.email, p.password)
}

#[test]
fn cli_adds_contacts_and_refuses_taken_or_implausible_addresses() {
    let env = Builder::new().customer(ANNA).customer(BERND).prepare();
    let out = contact_add(&env, ANNA.number, MIA, "member");
    out.ok();
    assert!(out.stdout.contains(MIA.email), "{}", out.stdout);
    // The same address again, in another case, for another customer; a customer's address;
    // an implausible one; an unknown customer; an unknown role.
    let upper = Person { email: "MIA@Beispiel-GmbH.example", ..MIA };
    for (customer, p, role, why, needle) in [
        (BERND.number, upper, "member", "a contact's address in another case", "email"),
        (ANNA.number, Person { email: BERND.email, ..MAX }, "member", "a customer's address", "email"),
        (ANNA.number, Person { email: "max@beispiel", ..MAX }, "member", "implausible", "email"),
        ("99999", MAX, "member", "unknown customer", "99999"),
        (ANNA.number, MAX, "chef", "unknown role", "role"),
        (ANNA.number, Person { name: " ", ..MAX }, "member", "no name", "name"),
    ] {
        let out = contact_add(&env, customer, p, role);
        out.failed();
        assert!(out.stderr.contains(needle), "{why}: {}", out.stderr);
    }
    let conn = rusqlite::Connection::open(&env.db_path).unwrap();
    let rows: Vec<(String, String, i64)> = conn
        .prepare("SELECT email, role, password_hash IS NOT NULL FROM contacts ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(rows, [(MIA.email.to_string(), "member".to_string(), 1)], "stored lower case, with a password");
    // A new customer may not take a contact's address either.
    let cfg = env.config_path.to_string_lossy().into_owned();
    let args = ["customer", "add", "--number", "30001", "--name", "X", "--email", "Mia@beispiel-gmbh.example"];
    let out = run_ticketd(
        &[&args[..], &["--password-stdin", "--config", &cfg]].concat(),
        Some("x-lang-genug-2024\n"),
        Duration::from_secs(60),
    );
    out.failed();
    assert!(out.stderr.contains("email"), "{}", out.stderr);
}

#[test]
fn login_by_email_is_the_person_and_by_number_the_main_account() {
    let app = company();
    // Mia logs in by e-mail, in any case; she is on Anna's portal, as herself.
    for login in [MIA.email, "Mia@Beispiel-GmbH.example"] {
        let (mut c, r) = app.login(login, MIA.password);
        r.expect_redirect("/tickets");
        let page = c.get("/tickets");
        page.expect(200);
        assert_eq!(html::attr_values(&page.text(), "data-customer-no"), [ANNA.number]);
    }
    let mia = contact_id(&app, MIA.email);
    let sessions: Vec<(i64, Option<i64>)> = app
        .db()
        .prepare("SELECT customer_id, contact_id FROM sessions ORDER BY created_at")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(sessions.len(), 2);
    // Her account page shows the company and, apart, her own login.
    let mut c = app.customer(MIA.email, MIA.password);
    let account = page_of(&mut c, "/account");
    assert_eq!(html::attr_values(&account, "data-person"), [mia.to_string()]);
    assert!(account.contains(MIA.name) && account.contains(ANNA.name));
    let mut anna = app.anna();
    assert!(html::attr_values(&page_of(&mut anna, "/account"), "data-person").is_empty());
    assert!(sessions.iter().all(|(_, p)| *p == Some(mia)), "{sessions:?}");
    // Her password is hers: not the main account's, not another contact's.
    for (login, pw) in [(MIA.email, ANNA.password), (ANNA.number, MIA.password), (MAX.email, MIA.password)] {
        let (_, r) = app.login(login, pw);
        assert_eq!(r.status, 422, "{login} with another person's password");
    }
    // The main account by number and by its address: no contact in the session.
    app.customer(ANNA.number, ANNA.password);
    app.customer(ANNA.email, ANNA.password);
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE contact_id IS NULL"), 3);
    // Failed and successful logins are audited under the person, never with the typed text.
    let actors = crate::harness::strings(&app.db(), "SELECT actor || ' ' || action || ' ' || target FROM audit_log");
    assert!(actors.contains(&format!("customer:{}/contact:{mia} login ", ANNA.number)), "{actors:?}");
    assert!(actors.iter().any(|a| a.contains(&format!("login.failed customer:{}/contact:{mia}", ANNA.number))));
}

#[test]
fn contact_without_password_or_deactivated_cannot_log_in_and_loses_its_session() {
    let env = Builder::new().customer(ANNA).prepare();
    let cfg = env.config_path.to_string_lossy().into_owned();
    // Without --password-stdin: no password yet (an invitation sets it later).
    let out = run_ticketd(
        &["contact", "add", "--customer", ANNA.number, "--name", MAX.name, "--email", MAX.email, "--config", &cfg],
        None,
        Duration::from_secs(60),
    );
    out.ok();
    contact_add(&env, ANNA.number, MIA, "member").ok();
    let app = env.start();
    for pw in ["", MAX.password, "irgendwas-langes-2024"] {
        let (_, r) = app.login(MAX.email, pw);
        assert_eq!(r.status, 422, "a contact without a password cannot log in with {pw:?}");
    }
    let mut mia = login(&app, MIA);
    mia.get("/tickets").expect(200);
    // Staff (or a manager) deactivates Mia: her next request finds no session.
    let lib = app.library_app();
    let id = contact_id(&app, MIA.email);
    let customer_id: i64 =
        app.db().query_row("SELECT id FROM customers WHERE customer_no = ?1", [ANNA.number], |r| r.get(0)).unwrap();
    ticketd::app::people::deactivate_contact(&lib, customer_id, id, "staff:test", "").unwrap();
    let r = mia.get("/tickets");
    r.expect(303);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    assert_eq!(app.count("SELECT count(*) FROM sessions"), 0);
    let (_, r) = app.login(MIA.email, MIA.password);
    assert_eq!(r.status, 422, "a deactivated contact cannot log in");
}

#[test]
fn deactivating_the_customer_ends_its_contacts_sessions() {
    let app = company();
    let mut mara = login(&app, MARA);
    mara.get("/tickets").expect(200);
    let mut ada = app.ada();
    crate::harness::save_customer(&mut ada, ANNA.number, ANNA.name, ANNA.email, false).expect(303);
    let r = mara.get("/tickets");
    r.expect(303);
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE customer_id IS NOT NULL"), 0);
    let (_, r) = app.login(MARA.email, MARA.password);
    assert_eq!(r.status, 422, "a contact of an inactive customer cannot log in");
    // An address taken by a contact cannot become a customer's.
    let r = crate::harness::save_customer(&mut ada, BERND.number, BERND.name, "MIA@beispiel-gmbh.example", true);
    assert_eq!(r.status, 422);
}

#[test]
fn members_see_their_own_tickets_managers_and_the_main_account_all() {
    let app = company();
    let mut anna = app.anna();
    let mut mia = login(&app, MIA);
    let mut max = login(&app, MAX);
    let mut mara = login(&app, MARA);
    let t_anna = create_ticket(&mut anna, "Drucker im Empfang", "Er druckt nicht.", "normal");
    let t_mia = create_ticket(&mut mia, "Mias Laptop", "Der Akku hält nicht.", "normal");
    let t_max = create_ticket(&mut max, "Max' Monitor", "Flackert.", "high");
    let mut all = vec![t_anna.clone(), t_mia.clone(), t_max.clone()];
    all.sort();
    assert_eq!(listed(&mut anna, ""), all);
    assert_eq!(listed(&mut mara, ""), all);
    assert_eq!(listed(&mut mia, ""), [t_mia.as_str()]);
    assert_eq!(listed(&mut max, ""), [t_max.as_str()]);
    // The opener is recorded.
    let mia_id = contact_id(&app, MIA.email);
    let opener: Option<i64> =
        app.db().query_row("SELECT contact_id FROM tickets WHERE number = ?1", [&t_mia], |r| r.get(0)).unwrap();
    assert_eq!(opener, Some(mia_id));
    // A member guessing a colleague's ticket: 404 on every route.
    for path in [format!("/tickets/{t_max}"), format!("/tickets/{t_anna}"), format!("/tickets/{t_max}/attachments/1")] {
        assert_eq!(mia.get(&path).status, 404, "{path}");
    }
    let csrf = session_csrf(&mut mia);
    for path in [format!("/tickets/{t_max}/reply"), format!("/tickets/{t_max}/close")] {
        let r = mia.post_form(&path, &[("csrf", &csrf), ("body", "Hallo")]);
        assert_eq!(r.status, 404, "{path}");
    }
    // Search, filters and the CSV export are scoped the same way.
    assert_eq!(listed(&mut mia, "q=Monitor"), Vec::<String>::new());
    assert_eq!(listed(&mut mara, "q=Monitor"), [t_max.as_str()]);
    let year = crate::harness::berlin_year();
    assert_eq!(listed(&mut mia, &format!("year={year}")), [t_mia.as_str()]);
    let csv = mia.get("/tickets?format=csv");
    csv.expect(200);
    let text = csv.text();
    assert!(text.contains(&t_mia) && !text.contains(&t_max) && !text.contains(&t_anna), "{text}");
    // Bernd sees none of them.
    let mut bernd = app.bernd();
    assert_eq!(listed(&mut bernd, ""), Vec::<String>::new());
}

#[test]
fn the_timeline_names_each_person_and_says_sie_only_for_the_viewer() {
    let app = company();
    let mut mia = login(&app, MIA);
    let number = create_ticket(&mut mia, "Mias Drucker", "Er druckt nur Streifen.", "normal");
    let max_id = contact_id(&app, MAX.email).to_string();
    add_person(&mut mia, &number, &max_id).expect_redirect(&format!("/tickets/{number}/people"));
    let mut max = login(&app, MAX);
    let r =
        max.submit(&format!("/tickets/{number}"), &format!("/tickets/{number}/reply"), &[("body", "Bei mir auch.")]);
    r.expect(303);
    let mut ada = app.ada();
    staff_activity(&mut ada, &number, &[("kind", "message"), ("body", "Wir schauen nach.")]).expect(303);
    // A mail Mia wrote, recorded by staff: hers; one we sent: staff's.
    let from = format!("Mia <{}>", MIA.email.to_uppercase());
    let fields = [("kind", "email"), ("direction", "received"), ("email_from", &from), ("body", "Noch da?")];
    staff_activity(&mut ada, &number, &fields).expect(303);
    let fields = [("kind", "email"), ("direction", "sent"), ("email_to", MIA.email), ("body", "Ja.")];
    staff_activity(&mut ada, &number, &fields).expect(303);
    staff_activity(&mut ada, &number, &[("kind", "email"), ("direction", "both"), ("body", "x")]).expect(422);
    staff_update(&mut ada, &number, &[("status", "waiting")]).expect(303);
    let r = mia.submit(&format!("/tickets/{number}"), &format!("/tickets/{number}/reply"), &[("body", "Danke!")]);
    r.expect(303);

    let s = |v: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        v.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
    };
    let staff_name = crate::harness::strings(&app.db(), "SELECT name FROM staff WHERE username = 'ada'")[0].clone();
    let sn = staff_name.as_str();
    assert_eq!(
        authors(&page_of(&mut mia, &format!("/tickets/{number}"))),
        s(&[
            ("message", "customer", "Sie"),
            ("message", "customer", MAX.name),
            ("message", "staff", sn),
            ("email", "customer", "Sie"),
            ("email", "staff", sn),
            ("status", "staff", sn),
            ("message", "customer", "Sie"),
            ("status", "system", ""),
        ])
    );
    let for_max = authors(&page_of(&mut max, &format!("/tickets/{number}")));
    assert_eq!(for_max[0].2, MIA.name);
    assert_eq!(for_max[1].2, "Sie");
    assert_eq!(for_max[3], ("email".into(), "customer".into(), MIA.name.into()));
    // The main account sees every person by name (it wrote nothing here itself).
    let mut anna = app.anna();
    let for_anna = authors(&page_of(&mut anna, &format!("/tickets/{number}")));
    assert_eq!(for_anna[0].2, MIA.name);
    assert_eq!(for_anna[1].2, MAX.name);
    // Staff see names, and the received mail as Mia's with her address.
    let staff_page = page_of(&mut ada, &format!("/staff/tickets/{number}"));
    let for_staff = authors(&staff_page);
    let people = html::attr_values(&staff_page, "data-person");
    assert_eq!(people, [contact_id(&app, MIA.email).to_string(), max_id.clone()], "opener, then added");
    assert_eq!(for_staff[3], ("email".into(), "customer".into(), MIA.name.into()));
    assert!(staff_page.contains(&html_escape(&from)), "the sender's address is shown to staff");
    // What is stored: the person of every customer activity.
    let mia_id = contact_id(&app, MIA.email);
    let rows = crate::harness::strings(
        &app.db(),
        "SELECT a.kind || ':' || a.author_kind || ':' || coalesce(a.contact_id, '-') FROM activities a
         JOIN tickets t ON t.id = a.ticket_id ORDER BY a.id",
    );
    assert_eq!(rows[0], format!("message:customer:{mia_id}"));
    assert_eq!(rows[1], format!("message:customer:{max_id}"));
    assert_eq!(rows[3], format!("email:customer:{mia_id}"));
    assert_eq!(rows[4], "email:staff:-");
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn a_colleague_added_to_a_ticket_sees_it_and_foreign_ids_are_refused() {
    let app = company();
    let mut mia = login(&app, MIA);
    let mut max = login(&app, MAX);
    let number = create_ticket(&mut mia, "Netzwerk im Lager", "Kein WLAN.", "high");
    assert_eq!(max.get(&format!("/tickets/{number}")).status, 404);
    assert_eq!(max.get(&format!("/tickets/{number}/people")).status, 404);
    let page = page_of(&mut mia, &format!("/tickets/{number}/people"));
    let options: Vec<String> = html::select_options(&page, "contact").into_iter().map(|(v, _, _)| v).collect();
    let max_id = contact_id(&app, MAX.email).to_string();
    let mara_id = contact_id(&app, MARA.email).to_string();
    assert_eq!(options, [mara_id.clone(), max_id.clone()], "active colleagues not on it, by name");
    // Foreign, unknown and malformed ids: 422 at the field, nothing added.
    let otto_id = contact_id(&app, OTTO.email).to_string();
    for bad in [otto_id.as_str(), "999999", "abc", ""] {
        let r = add_person(&mut mia, &number, bad);
        assert_eq!(r.status, 422, "contact {bad:?}");
        assert!(r.text().contains("id=\"err-contact\""), "message at the field");
    }
    assert_eq!(app.count("SELECT count(*) FROM ticket_people"), 0);
    // Without CSRF: 403.
    let r = mia.post_form(&format!("/tickets/{number}/people"), &[("contact", &max_id)]);
    assert_eq!(r.status, 403);
    add_person(&mut mia, &number, &max_id).expect_redirect(&format!("/tickets/{number}/people"));
    // Twice is fine and changes nothing.
    add_person(&mut mia, &number, &max_id).expect(303);
    assert_eq!(app.count("SELECT count(*) FROM ticket_people"), 1);
    assert_eq!(listed(&mut max, ""), [number.as_str()]);
    max.get(&format!("/tickets/{number}")).expect(200);
    let people = page_of(&mut max, &format!("/tickets/{number}/people"));
    let persons = html::attr_values(&people, "data-person");
    assert_eq!(persons, [contact_id(&app, MIA.email).to_string(), max_id.clone()]);
    // Max may add a colleague too; Bernd and Otto see nothing of it.
    add_person(&mut max, &number, &mara_id).expect(303);
    let mut bernd = app.bernd();
    assert_eq!(bernd.get(&format!("/tickets/{number}/people")).status, 404);
    let csrf = session_csrf(&mut bernd);
    let r = bernd.post_form(&format!("/tickets/{number}/people"), &[("csrf", &csrf), ("contact", &otto_id)]);
    assert_eq!(r.status, 404);
    let mut otto = login(&app, OTTO);
    assert_eq!(otto.get(&format!("/tickets/{number}")).status, 404);
    // The ticket page links to its people for a company with contacts only.
    assert!(page_of(&mut mia, &format!("/tickets/{number}")).contains(&format!("/tickets/{number}/people")));
    let plain = Builder::new().customer(ANNA).start();
    let mut anna = plain.anna();
    let own = create_ticket(&mut anna, "Ohne Kollegen", "Text", "normal");
    let page = page_of(&mut anna, &format!("/tickets/{own}"));
    assert!(!page.contains("/people"), "nothing new for a customer without contacts");
    assert_eq!(authors(&page), [("message".into(), "customer".into(), "Sie".into())]);
}

#[test]
fn members_time_statement_export_and_attachments_are_theirs_only() {
    let app = company();
    let mut mia = login(&app, MIA);
    let mut max = login(&app, MAX);
    let mut mara = login(&app, MARA);
    let t_mia = create_ticket(&mut mia, "Mias Ticket", "Text", "normal");
    let file = crate::http::Upload {
        field: "attachments",
        filename: "max-geheim.txt",
        content_type: "text/plain",
        data: b"nur fuer Max",
    };
    let csrf = session_csrf(&mut max);
    let r = max.post_multipart(
        "/tickets",
        &[("csrf", &csrf), ("subject", "Max' Ticket"), ("body", "Text"), ("priority", "normal")],
        &[file],
    );
    r.expect(303);
    let t_max = r.location().trim_start_matches("/tickets/").to_string();
    let mut ada = app.ada();
    staff_activity(&mut ada, &t_mia, &[("kind", "call"), ("body", "Mia angerufen"), ("minutes", "15")]).expect(303);
    staff_activity(&mut ada, &t_max, &[("kind", "call"), ("body", "Max angerufen"), ("minutes", "40")]).expect(303);
    // Time statement: Mia 15 minutes, her ticket only; Mara all 55.
    let st = page_of(&mut mia, "/account/time");
    assert!(st.contains(&t_mia) && !st.contains(&t_max), "member's statement");
    let csv = mia.get("/account/time?format=csv");
    csv.expect(200);
    assert!(!csv.text().contains(&t_max));
    let st = page_of(&mut mara, "/account/time");
    assert!(st.contains(&t_mia) && st.contains(&t_max), "manager's statement");
    // The overview's totals are the member's too.
    let (rows, page) = crate::harness::overview_rows(&mut mia, "");
    assert_eq!(rows.len(), 1);
    let totals = html::attr_values(&page, "data-total-minutes");
    assert_eq!(totals, ["15"], "{totals:?}");
    // Attachment of Max's ticket: Mia 404, Mara and Anna get it.
    let max_page = page_of(&mut max, &format!("/tickets/{t_max}"));
    let (id, _) = crate::harness::attachment_links(&max_page).into_iter().next().expect("Max's file");
    let path = format!("/tickets/{t_max}/attachments/{id}");
    assert_eq!(mia.get(&path).status, 404);
    assert_eq!(mara.get(&path).status, 200);
    assert_eq!(app.anna().get(&path).status, 200);
    // The data export: Mia's ZIP holds her ticket, not Max's nor his file.
    let zip = mia.get("/account/export");
    zip.expect(200);
    let bytes = String::from_utf8_lossy(&zip.body).into_owned();
    assert!(bytes.contains(&t_mia) && !bytes.contains(&t_max) && !bytes.contains("nur fuer Max"), "member's export");
    assert!(bytes.contains(&format!("\"email\": \"{}\"", MIA.email)), "account.json names the person");
    let zip = mara.get("/account/export");
    let bytes = String::from_utf8_lossy(&zip.body).into_owned();
    assert!(bytes.contains(&t_mia) && bytes.contains(&t_max) && bytes.contains("nur fuer Max"), "manager's export");
}

#[test]
fn the_staff_customer_page_lists_the_contacts() {
    let app = company();
    let mut ada = app.ada();
    let page = page_of(&mut ada, &format!("/staff/customers/{}", ANNA.number));
    let ids: Vec<String> =
        html::with_attr(&page, "data-contact").iter().map(|t| t.attr("data-contact").to_string()).collect();
    let mut want: Vec<String> =
        [MARA.email, MAX.email, MIA.email].iter().map(|e| contact_id(&app, e).to_string()).collect();
    assert_eq!(ids, want, "by name");
    want.sort();
    for id in &want {
        assert!(page.contains(&format!("/staff/customers/{}/contacts/{id}", ANNA.number)), "link to {id}");
    }
    assert!(!page.contains(OTTO.email), "only this customer's contacts");
}

#[test]
fn a_contact_changes_its_own_password_and_the_hotline_copy_follows() {
    let app = company();
    let mut mia = login(&app, MIA);
    let mut other = login(&app, MIA);
    let new_pw = "sonne-gelb-2025";
    let r = mia.submit(
        "/account/password",
        "/account/password",
        &[("old_password", MIA.password), ("new_password", new_pw), ("new_password_repeat", new_pw)],
    );
    r.expect(303);
    // Her other session ended, the main account's password is untouched.
    assert!(other.get("/tickets").status == 303);
    app.customer(ANNA.number, ANNA.password);
    app.customer(MIA.email, new_pw);
    let (_, r) = app.login(MIA.email, MIA.password);
    assert_eq!(r.status, 422);
    // The admin's reveal of Mia's copy shows the new password and says whose it is.
    let mut ada = app.ada();
    let mia_id = contact_id(&app, MIA.email).to_string();
    let no = ANNA.number;
    let lookup = format!("/staff/hotline?q={}", crate::http::urlencode(MIA.email));
    let r = ada.submit(
        &lookup,
        &format!("/admin/hotline/{no}/reveal"),
        &[("contact", &mia_id), ("reason", "Mia am Telefon"), ("password", ADA.password)],
    );
    r.expect(200);
    let text = r.text();
    let shown: Vec<String> =
        html::with_attr(&text, "data-revealed-password").iter().map(|t| html::inner_text(&text, t)).collect();
    assert_eq!(shown, [new_pw]);
    assert_eq!(html::attr_values(&text, "data-whose"), [mia_id.as_str()]);
}

#[test]
fn the_hotline_finds_contacts_and_checks_each_persons_password_and_call_code() {
    let app = company();
    let mut ada = app.ada();
    let no = ANNA.number;
    let mia_id = contact_id(&app, MIA.email).to_string();
    let verify = format!("/staff/hotline/{no}/verify");
    // Found by e-mail, name and phone-less name part; the card lists the contacts.
    for q in [MIA.email, "Mitglied", "mia@beispiel"] {
        let page = page_of(&mut ada, &format!("/staff/hotline?q={}", crate::http::urlencode(q)));
        assert_eq!(html::attr_values(&page, "data-customer"), [no], "{q}");
        assert!(html::attr_values(&page, "data-contact").contains(&mia_id), "{q}");
    }
    let lookup = format!("/staff/hotline?q={}", crate::http::urlencode(MIA.email));
    let check = |ada: &mut Client, fields: &[(&str, &str)]| -> String {
        let r = ada.submit(&lookup, &verify, fields);
        r.expect(200);
        crate::hotline::verdict(&r)
    };
    // The copy the CLI sealed for Mia opens as hers.
    let r = ada.submit(
        &lookup,
        &format!("/admin/hotline/{no}/reveal"),
        &[("contact", &mia_id), ("reason", "Rückruf"), ("password", ADA.password)],
    );
    r.expect(200);
    let text = r.text();
    let shown: Vec<String> =
        html::with_attr(&text, "data-revealed-password").iter().map(|t| html::inner_text(&text, t)).collect();
    assert_eq!(shown, [MIA.password]);
    assert_eq!(check(&mut ada, &[("contact", &mia_id), ("spoken_password", MIA.password)]), "match");
    assert_eq!(check(&mut ada, &[("contact", &mia_id), ("spoken_password", ANNA.password)]), "no-match");
    assert_eq!(check(&mut ada, &[("contact", ""), ("spoken_password", ANNA.password)]), "match");
    assert_eq!(check(&mut ada, &[("contact", ""), ("spoken_password", MIA.password)]), "no-match");
    // Another customer's contact: 404.
    let otto_id = contact_id(&app, OTTO.email).to_string();
    let csrf = ada.csrf_from(&lookup, &verify);
    let r = ada.post_form(&verify, &[("csrf", &csrf), ("contact", &otto_id), ("spoken_password", OTTO.password)]);
    assert_eq!(r.status, 404);
    // Call codes per person: Mia's code matches for Mia only, once.
    let mut mia = login(&app, MIA);
    let r = mia.submit("/account/call-code", "/account/call-code", &[]);
    r.expect(200);
    let code = html::attr_values(&r.text(), "data-call-code")[0].clone();
    assert_eq!(check(&mut ada, &[("contact", ""), ("call_code", &code)]), "no-match");
    assert_eq!(check(&mut ada, &[("contact", &mia_id), ("call_code", &code)]), "match");
    assert_eq!(check(&mut ada, &[("contact", &mia_id), ("call_code", &code)]), "no-match", "used up");
    let stored = crate::harness::strings(&app.db(), "SELECT customer_id || ':' || contact_id FROM call_codes");
    assert_eq!(stored.len(), 1);
    assert!(stored[0].ends_with(&format!(":{mia_id}")), "{stored:?}");
    // The audit says whose each check was.
    let details = crate::harness::strings(
        &app.db(),
        "SELECT detail FROM audit_log WHERE action IN ('hotline.verify', 'hotline.call_code') ORDER BY id",
    );
    assert_eq!(details[0], format!("match contact:{mia_id}"));
    assert_eq!(details[2], "match");
}

#[test]
fn notifications_go_to_the_tickets_people_each_per_their_own_switch() {
    // A relay nobody listens on: mails stay queued in the outbox, which is what is checked.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"support@portal.example\"\ntimeout_seconds = 1\n"
    );
    let app = company_with(Builder::new().toml(&smtp));
    let mut mia = login(&app, MIA);
    // Mia reads English: her mails come in English, the main account's in German.
    mia.get("/tickets?lang=en").expect(200);
    let number = create_ticket(&mut mia, "Mail an alle", "Text", "normal");
    let max_id = contact_id(&app, MAX.email);
    add_person(&mut mia, &number, &max_id.to_string()).expect(303);
    let mut ada = app.ada();
    staff_activity(&mut ada, &number, &[("kind", "message"), ("body", "Antwort 1")]).expect(303);
    let to_customer = |app: &TestApp| -> Vec<String> {
        crate::harness::strings(
            &app.db(),
            "SELECT o.recipient || ' ' || coalesce(o.contact_id, '-') FROM outbox o WHERE o.staff_id IS NULL ORDER BY o.id",
        )
    };
    let mut want = vec![
        format!("{} -", ANNA.email.to_lowercase()),
        format!("{} {}", MIA.email, contact_id(&app, MIA.email)),
        format!("{} {max_id}", MAX.email),
    ];
    assert_eq!(to_customer(&app), want, "main account, opener, added colleague; not Mara");
    let languages = crate::harness::strings(
        &app.db(),
        "SELECT recipient || ' ' || (instr(message, 'Content-Language: en') > 0) FROM outbox WHERE staff_id IS NULL ORDER BY id",
    );
    assert_eq!(
        languages,
        [format!("{} 0", ANNA.email.to_lowercase()), format!("{} 1", MIA.email), format!("{} 0", MAX.email)]
    );
    // Max switches his mails off; the main account's and Mia's switches stay on.
    let mut max = login(&app, MAX);
    let r = max.submit("/account", "/account/notifications", &[]);
    r.expect(303);
    staff_activity(&mut ada, &number, &[("kind", "message"), ("body", "Antwort 2")]).expect(303);
    want.push(format!("{} -", ANNA.email.to_lowercase()));
    want.push(format!("{} {}", MIA.email, contact_id(&app, MIA.email)));
    assert_eq!(to_customer(&app), want);
    assert_eq!(app.count("SELECT count(*) FROM customers WHERE notify = 0"), 0, "Max's switch is his own");
}

#[test]
fn existing_customers_log_in_and_work_as_before() {
    // No contacts at all: login by number and e-mail, the overview and a reply look as before.
    let app = Builder::new().customer(ANNA).admin(ADA).start();
    let mut anna = app.customer(ANNA.email, ANNA.password);
    let number = create_ticket(&mut anna, "Wie immer", "Text", "normal");
    let r = anna.submit(&format!("/tickets/{number}"), &format!("/tickets/{number}/reply"), &[("body", "Noch was")]);
    r.expect(303);
    let page = page_of(&mut anna, &format!("/tickets/{number}"));
    assert!(authors(&page).iter().all(|(_, k, a)| k == "customer" && a == "Sie"));
    assert!(!page.contains("/people"));
    let mut ada = app.ada();
    let page = page_of(&mut ada, &format!("/staff/customers/{}", ANNA.number));
    assert!(html::with_attr(&page, "data-contact").is_empty());
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE contact_id IS NOT NULL"), 0);
}

#[test]
fn staff_open_a_ticket_for_the_person_who_called() {
    let app = company();
    let mut ada = app.ada();
    let mia_id = contact_id(&app, MIA.email).to_string();
    // The hotline card of a contact found by address leads to the new-ticket form with her chosen.
    let lookup = page_of(&mut ada, &format!("/staff/hotline?q={}", crate::http::urlencode(MIA.email)));
    let link = format!("/staff/tickets/new?customer={}&amp;contact={mia_id}", ANNA.number);
    assert!(lookup.contains(&link), "new ticket from the call for Mia");
    let form = page_of(&mut ada, &html::unescape(&link));
    let chosen: Vec<String> =
        html::select_options(&form, "contact").into_iter().filter(|(_, _, sel)| *sel).map(|(v, _, _)| v).collect();
    assert_eq!(chosen, [mia_id.as_str()]);
    let page = html::unescape(&link);
    let otto = contact_id(&app, OTTO.email).to_string();
    let r = ada.submit(&page, "/staff/tickets", &call_for(&otto));
    assert_eq!(r.status, 422, "another customer's contact");
    let r = ada.submit(&page, "/staff/tickets", &call_for(&mia_id));
    r.expect(303);
    let number = r.location().trim_start_matches("/staff/tickets/").to_string();
    let mut mia = login(&app, MIA);
    assert_eq!(listed(&mut mia, ""), [number.as_str()]);
    let mut max = login(&app, MAX);
    assert_eq!(max.get(&format!("/tickets/{number}")).status, 404);
}

/// The fields of a new ticket from a call of Anna's company, opened for `contact`.
fn call_for(contact: &str) -> Vec<(&str, &str)> {
    vec![
        ("customer", ANNA.number),
        ("subject", "Anruf von Mia"),
        ("body", "Drucker"),
        ("kind", "call"),
        ("contact", contact),
    ]
}
