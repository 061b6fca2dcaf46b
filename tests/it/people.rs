//! People of a customer (issue 18): contacts with their own login by e-mail, members and
//! managers, colleagues on a ticket, authorship, per-person hotline and notifications.

use std::time::Duration;

use crate::harness::{create_ticket, listed, run_ticketd, session_csrf, Builder, Env, TestApp, ANNA, BERND};
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
    let env = Builder::new().customer(ANNA).customer(BERND).prepare();
    contact_add(&env, ANNA.number, MIA, "member").ok();
    contact_add(&env, ANNA.number, MAX, "member").ok();
    contact_add(&env, ANNA.number, MARA, "manager").ok();
    env.start()
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
    assert!(sessions.iter().all(|(_, p)| *p == Some(mia)), "{sessions:?}");
    // Her password is hers: not the main account's, not another contact's.
    for (login, pw) in [(MIA.email, ANNA.password), (ANNA.number, MIA.password), (MAX.email, MIA.password)] {
        let (_, r) = app.login(login, pw);
        assert_eq!(r.status, 422, "{login} with another person's password");
    }
    // The main account by number and by its address: no contact in the session.
    app.customer(ANNA.number, ANNA.password);
    app.customer(ANNA.email, ANNA.password);
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE contact_id IS NULL"), 2);
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
    assert_eq!(listed(&mut mia, ""), [t_mia.clone()]);
    assert_eq!(listed(&mut max, ""), [t_max.clone()]);
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
    assert_eq!(listed(&mut mara, "q=Monitor"), [t_max.clone()]);
    let year = crate::harness::berlin_year();
    assert_eq!(listed(&mut mia, &format!("year={year}")), [t_mia.clone()]);
    let csv = mia.get("/tickets?format=csv");
    csv.expect(200);
    let text = csv.text();
    assert!(text.contains(&t_mia) && !text.contains(&t_max) && !text.contains(&t_anna), "{text}");
    // Bernd sees none of them.
    let mut bernd = app.bernd();
    assert_eq!(listed(&mut bernd, ""), Vec::<String>::new());
}
