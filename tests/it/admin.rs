//! Admin pages: staff accounts, the last admin, the audit log and its immutability.

use crate::harness::{create_staff, staff_csrf, submit_staff, Builder, StaffSpec, ADA, ANNA, BOB};
use crate::html;
use crate::http::{Client, Resp};

const GRACE: StaffSpec = StaffSpec {
    username: "grace",
    name: "Grace Admin",
    email: "grace@contractor.example",
    role: "admin",
    password: "gletscher-admin-passwort",
};

/// Posts the edit form of a staff member.
fn save_staff(admin: &mut Client, s: StaffSpec, role: &str, active: bool) -> Resp {
    let page = format!("/admin/staff/{}", s.username);
    let mut fields = vec![("name", s.name), ("email", s.email), ("role", role)];
    if active {
        fields.push(("active", "on"));
    }
    admin.submit(&page, &page, &fields)
}

fn ada_spec() -> StaffSpec {
    StaffSpec { username: ADA.username, name: "Ada", email: ADA.email, role: "admin", password: ADA.password }
}

/// The `data-action` values of `/admin/audit` with that query.
#[track_caller]
fn audit_actions(c: &mut Client, query: &str) -> Vec<String> {
    let path = if query.is_empty() { "/admin/audit".to_string() } else { format!("/admin/audit?{query}") };
    let r = c.get(&path);
    r.expect(200);
    let text = r.text();
    html::with_attr(&text, "data-action")
        .into_iter()
        .filter(|t| t.name == "tr")
        .map(|t| t.attr("data-action").to_string())
        .collect()
}

#[test]
fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = Builder::new().admin(ADA).start();
    let mut ada = app.ada();
    // (role, active)
    for (role, active) in [("agent", true), ("admin", false), ("agent", false)] {
        let r = save_staff(&mut ada, ada_spec(), role, active);
        assert_eq!(r.status, 422, "role={role} active={active}");
        let text = r.text();
        let err = html::by_id(&text, "err-role").unwrap_or_else(|| panic!("role={role} active={active}: no message"));
        assert!(!html::inner_text(&text, &err).is_empty());
    }
    // Still an admin with a working session.
    ada.get("/admin/staff").expect(200);
    app.ada();

    // With a second admin, Ada may step down; then Grace is the last one.
    create_staff(&mut ada, GRACE);
    save_staff(&mut ada, ada_spec(), "agent", true).expect_redirect("/admin/staff/ada");
    assert_eq!(ada.get("/admin/staff").status, 403, "Ada is an agent now");
    ada.get("/staff/tickets").expect(200);
    let mut grace = app.staff(GRACE.username, GRACE.password);
    for (role, active) in [("agent", true), ("admin", false)] {
        let r = save_staff(&mut grace, GRACE, role, active);
        assert_eq!(r.status, 422, "grace: role={role} active={active}");
    }
    grace.get("/admin/staff").expect(200);
    // An agent cannot help either.
    let csrf = staff_csrf(&mut ada);
    let r =
        ada.post_form("/admin/staff/grace", &[("csrf", &csrf), ("name", "Grace"), ("role", "agent"), ("active", "on")]);
    assert_eq!(r.status, 403);
    // Making Ada an admin again is fine, and then Grace may leave.
    save_staff(&mut grace, ada_spec(), "admin", true).expect(303);
    save_staff(&mut grace, GRACE, "agent", true).expect(303);
    assert_eq!(grace.get("/admin/staff").status, 403);
    app.ada().get("/admin/staff").expect(200);
}

#[test]
fn staff_member_input_is_validated() {
    let app = Builder::new().admin(ADA).start();
    let mut ada = app.ada();
    create_staff(&mut ada, BOB);
    // The password chosen by the admin works at once, without a forced change.
    app.staff(BOB.username, BOB.password);

    // (username, e-mail, role, password, field with the message)
    let cases = [
        ("", "neu@contractor.example", "agent", "ein-gutes-passwort", "username"),
        ("mit leerzeichen", "neu@contractor.example", "agent", "ein-gutes-passwort", "username"),
        ("böse", "neu@contractor.example", "agent", "ein-gutes-passwort", "username"),
        ("neu", "keine-adresse", "agent", "ein-gutes-passwort", "email"),
        ("neu", "neu@contractor.example", "chef", "ein-gutes-passwort", "role"),
        ("neu", "neu@contractor.example", "agent", "kurz", "password"),
    ];
    for (username, email, role, password, field) in cases {
        let r = submit_staff(&mut ada, StaffSpec { username, name: "Neu", email, role, password });
        let why = format!("username={username:?} email={email:?} role={role:?} password={password:?}");
        assert_eq!(r.status, 422, "{why}");
        assert!(html::by_id(&r.text(), &format!("err-{field}")).is_some(), "{why}: message at {field}");
    }
    // Changing Bob's e-mail to Ada's is refused too.
    let r = save_staff(&mut ada, BOB, "agent", true);
    r.expect(303);
    let taken = StaffSpec { email: ADA.email, ..BOB };
    let r = save_staff(&mut ada, taken, "agent", true);
    assert_eq!(r.status, 422);
    assert!(html::by_id(&r.text(), "err-email").is_some());

    let mut members = html::attr_values(&ada.get("/admin/staff").text(), "data-staff");
    members.sort();
    assert_eq!(members, ["ada", "bob"]);
}

#[test]
fn duplicate_staff_usernames_and_emails_are_422() {
    let app = Builder::new().admin(ADA).start();
    let mut ada = app.ada();
    create_staff(&mut ada, BOB);
    // (username, e-mail, field with the message)
    let cases = [
        ("bob", "anderer@contractor.example", "username"),
        ("bob2", BOB.email, "email"),
        ("bob3", "BOB@Contractor.Example", "email"),
        ("ada", "ada2@contractor.example", "username"),
    ];
    let mut problems = Vec::new();
    for (username, email, field) in cases {
        let spec = StaffSpec { username, name: "Doppelt", email, role: "agent", password: "ein-gutes-passwort" };
        let r = submit_staff(&mut ada, spec);
        let why = format!("username={username:?} email={email:?}");
        if r.status != 422 {
            problems.push(format!("{why}: status {} instead of 422", r.status));
        } else if html::by_id(&r.text(), &format!("err-{field}")).is_none() {
            problems.push(format!("{why}: no message at {field}"));
        }
    }
    assert!(problems.is_empty(), "duplicates are invalid input (422 with a message):\n{}", problems.join("\n"));
    let mut members = html::attr_values(&ada.get("/admin/staff").text(), "data-staff");
    members.sort();
    assert_eq!(members, ["ada", "bob"]);
}

const AUDITED: [&str; 13] = [
    "login",
    "login.failed",
    "password.change",
    "password.reset",
    "customer.create",
    "customer.update",
    "customer.deactivate",
    "customer.activate",
    "staff.create",
    "staff.update",
    "staff.role",
    "staff.deactivate",
    "staff.activate",
];

#[test]
fn every_audited_event_is_in_the_audit_log() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada(); // login
    assert_eq!(app.staff_login(ADA.username, "falsches-passwort").1.status, 422); // login.failed
    create_staff(&mut ada, BOB); // staff.create
    save_staff(&mut ada, BOB, "admin", true).expect(303); // staff.update, staff.role
    save_staff(&mut ada, BOB, "admin", false).expect(303); // staff.deactivate
    save_staff(&mut ada, BOB, "agent", true).expect(303); // staff.activate, staff.role
    ada.submit(
        "/staff/customers/new",
        "/staff/customers",
        &[
            ("customer_no", "30001"),
            ("name", "Carla Neu"),
            ("email", "carla@example.net"),
            ("phone", ""),
            ("active", "on"),
        ],
    )
    .expect(303); // customer.create
    let page = "/staff/customers/10012";
    ada.submit(page, page, &[("name", ANNA.name), ("email", ANNA.email), ("phone", "")]).expect(303); // customer.update, .deactivate
    ada.submit(page, page, &[("name", ANNA.name), ("email", ANNA.email), ("phone", ""), ("active", "on")]).expect(303); // .activate
    ada.submit(page, &format!("{page}/password"), &[("new_password", "")]).expect(303); // password.reset
    let mut bob = app.staff(BOB.username, BOB.password);
    let new_pw = "bambus-neues-passwort";
    bob.submit(
        "/staff/password",
        "/staff/password",
        &[("old_password", BOB.password), ("new_password", new_pw), ("new_password_repeat", new_pw)],
    )
    .expect(303); // password.change

    let actions = audit_actions(&mut ada, "");
    for a in AUDITED {
        assert!(actions.iter().any(|x| x == a), "no audit row with data-action={a}: {actions:?}");
        let db: i64 =
            app.db().query_row("SELECT count(*) FROM audit_log WHERE action = ?1", [a], |r| r.get(0)).unwrap();
        assert!(db >= 1, "{a} in the table");
        // The action filter shows exactly those rows.
        let only = audit_actions(&mut ada, &format!("action={a}"));
        assert_eq!(only.len() as i64, db, "?action={a}");
        assert!(only.iter().all(|x| x == a), "?action={a}: {only:?}");
    }
    // Rows say who and to whom.
    let text = ada.get("/admin/audit?action=staff.deactivate").text();
    let row = html::with_attr(&text, "data-action").into_iter().find(|t| t.name == "tr").unwrap();
    let cells = html::inner_text(&text, &row);
    // In words (issue 19): "Mitarbeiter ada", "Mitarbeiter deaktiviert".
    assert!(
        cells.contains("Mitarbeiter ada") && cells.contains("Mitarbeiter deaktiviert") && cells.contains("bob"),
        "{cells}"
    );
    // Filters by actor and time.
    let mut bobs = audit_actions(&mut ada, "actor=staff:bob");
    bobs.sort();
    bobs.dedup();
    assert_eq!(bobs, ["login", "password.change"]);
    let (y, m) = ticketd::clock::year_month(ticketd::clock::now(), crate::harness::time_tz_berlin());
    assert_eq!(audit_actions(&mut ada, &format!("year={y}&month={m}")).len(), actions.len());
    assert!(audit_actions(&mut ada, "year=2001").is_empty());
}

/// The audit rows as (id, actor, action).
fn audit_rows(db: &rusqlite::Connection) -> Vec<(i64, String, String)> {
    let mut stmt = db.prepare("SELECT id, actor, action FROM audit_log ORDER BY id").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// A server with a few audit rows: a failed and a good login, a new staff member.
fn app_with_audit_rows() -> crate::harness::TestApp {
    let app = Builder::new().admin(ADA).start();
    let mut ada = app.ada();
    assert_eq!(app.staff_login(ADA.username, "falsches-passwort").1.status, 422);
    create_staff(&mut ada, BOB);
    app
}

#[test]
fn the_audit_log_refuses_update_and_delete() {
    let app = app_with_audit_rows();
    let db = app.db();
    let before = audit_rows(&db);
    assert!(before.len() >= 3, "{before:?}");
    let first = before[0].0;
    for sql in [
        "UPDATE audit_log SET action = 'nichts' WHERE action = 'login.failed'".to_string(),
        "UPDATE audit_log SET actor = 'jemand'".to_string(),
        format!("UPDATE audit_log SET created_at = 0 WHERE id = {first}"),
        format!("DELETE FROM audit_log WHERE id = {first}"),
        "DELETE FROM audit_log".to_string(),
    ] {
        let err = db.execute(&sql, []).expect_err(&format!("the database allowed: {sql}"));
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(audit_rows(&db), before, "the rows are unchanged");
    // Appending still works, and the page still shows the rows.
    app.ada();
    assert_eq!(audit_rows(&db).len(), before.len() + 1);
    let actions = audit_actions(&mut app.ada(), "");
    assert!(actions.iter().any(|a| a == "login.failed"));
}

#[test]
fn the_audit_log_refuses_insert_or_replace() {
    let app = app_with_audit_rows();
    let db = app.db();
    let before = audit_rows(&db);
    let first = before[0].0;
    // REPLACE removes the conflicting row without firing a DELETE trigger (unless the
    // connection turned recursive_triggers on): an overwrite in disguise.
    let sql = format!(
        "INSERT OR REPLACE INTO audit_log (id, created_at, actor, action, target, detail, address)
         VALUES ({first}, 0, 'jemand', 'nichts', '', '', '')"
    );
    let r = db.execute(&sql, []);
    assert!(r.is_err(), "the database allowed an existing audit row to be replaced: {sql}");
    assert_eq!(audit_rows(&db), before, "the rows are unchanged");
}
