//! Issue 19, items 3, 6 and 7: typed text is never lost (refused uploads come back with the
//! text and the message at the file field; every 422 page focuses its first error), the first
//! start (first-steps card, next customer number, the forced password change keeps `next`,
//! navigation), and the details (show_when in the customer's box, dates, audit words, the
//! time statement's months, demo data).

use crate::harness::{session_csrf, staff_csrf, Builder, TestApp, ADA, ANNA};
use crate::html::{self, Tag};
use crate::http::{Client, Multipart, Resp};

const MAX_FILE: usize = 50_000;
const MAX_FILES: usize = 2;

fn limited() -> TestApp {
    Builder::new()
        .admin(ADA)
        .customer(ANNA)
        .toml(&format!(
            "[attachments]\nmax_file_bytes = {MAX_FILE}\nmax_request_bytes = 1000000\nmax_files_per_request = {MAX_FILES}\n{}",
            crate::fields::FIELDS
        ))
        .start()
}

/// Fields before the files, the files, then one more field after them (browsers send fields in
/// the page's order: a text field below the file input must survive too).
fn post(c: &mut Client, path: &str, before: &[(&str, &str)], files: &[(&str, usize)], after: &[(&str, &str)]) -> Resp {
    let mut m = Multipart::new();
    for (k, v) in before {
        m = m.field(k, v);
    }
    for (name, size) in files {
        m = m.file("attachments", name, "application/octet-stream", &vec![b'x'; *size]);
    }
    for (k, v) in after {
        m = m.field(k, v);
    }
    let m = m.close();
    c.post_body(path, &m.content_type(), &m.body)
}

/// The tags carrying `autofocus`: exactly one, the first invalid field.
#[track_caller]
fn focused(page: &str) -> Tag {
    let tags = html::with_attr(page, "autofocus");
    assert_eq!(tags.len(), 1, "one autofocus on the page: {tags:?}");
    tags[0].clone()
}

#[track_caller]
fn file_error(page: &str) -> String {
    let p = html::by_id(page, "err-attachments").expect("a message at the file field");
    html::inner_text(page, &p)
}

#[test]
fn a_refused_upload_keeps_the_typed_text_and_names_the_file() {
    let app = limited();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let n = create_ticket_with_device(&mut anna);
    let csrf = session_csrf(&mut anna);
    let big = [("scan-gross.pdf", MAX_FILE + 1)];
    let three = [("a.txt", 10), ("b.txt", 10), ("c.txt", 10)];
    let before = app.count("SELECT count(*) FROM attachments");

    // The customer's reply: 413, the text in the textarea, the message at the field, focused.
    for (files, words) in [(&big[..], "scan-gross.pdf"), (&three[..], "2")] {
        let r = post(
            &mut anna,
            &format!("/tickets/{n}/reply"),
            &[("csrf", &csrf), ("body", "Mein langer Text <mit> Umlauten äöü")],
            files,
            &[],
        );
        assert_eq!(r.status, 413);
        let page = r.text();
        assert!(page.contains("Mein langer Text &lt;mit&gt; Umlauten äöü</textarea>"), "text kept");
        assert!(file_error(&page).contains(words), "{}", file_error(&page));
        assert!(file_error(&page).contains("Ihr Text ist erhalten"));
        let f = focused(&page);
        assert_eq!((f.name.as_str(), f.get("name")), ("input", Some("attachments")));
        assert_eq!(f.get("aria-invalid"), Some("true"));
    }

    // The documents form on the same page: the message at its own file input only.
    let r = post(&mut anna, &format!("/tickets/{n}/attachments"), &[("csrf", &csrf)], &big, &[]);
    assert_eq!(r.status, 413);
    let page = r.text();
    assert_eq!(focused(&page).get("id"), Some("doc-files"));
    assert_eq!(html::attr_values(&page, "id").iter().filter(|i| *i == "err-attachments").count(), 1);

    // A new ticket: subject, text and a field sent after the files are all kept.
    let r = post(
        &mut anna,
        "/tickets",
        &[
            ("csrf", &csrf),
            ("subject", "Neuer Drucker"),
            ("body", "Bitte liefern."),
            ("priority", "high"),
            ("cf_device", "Drucker"),
        ],
        &big,
        &[("cf_details", "Zweiter Stock")],
    );
    assert_eq!(r.status, 413);
    let page = r.text();
    assert!(html::tags(&page)
        .iter()
        .any(|t| t.get("name") == Some("subject") && t.get("value") == Some("Neuer Drucker")));
    assert!(page.contains("Bitte liefern.</textarea>"));
    assert!(page.contains("Zweiter Stock</textarea>"), "a field after the files is kept");
    assert!(file_error(&page).contains("scan-gross.pdf"));

    // Staff reply: the composer comes back with the text.
    let staff_csrf = staff_csrf(&mut ada);
    let r = post(
        &mut ada,
        &format!("/staff/tickets/{n}/activities"),
        &[("csrf", &staff_csrf), ("kind", "message"), ("body", "Antwort vom Team")],
        &big,
        &[("minutes", "7")],
    );
    assert_eq!(r.status, 413);
    let page = r.text();
    assert!(page.contains("Antwort vom Team</textarea>"));
    assert!(html::tags(&page).iter().any(|t| t.get("name") == Some("minutes") && t.get("value") == Some("7")));
    assert!(file_error(&page).contains("scan-gross.pdf"));

    // Nothing was stored, and the ticket has only its first message.
    assert_eq!(app.count("SELECT count(*) FROM attachments"), before);
    assert_eq!(app.count("SELECT count(*) FROM activities"), 1);
    // Without a valid CSRF token it is still a 403, refused upload or not.
    let r = post(&mut anna, &format!("/tickets/{n}/reply"), &[("csrf", "falsch"), ("body", "x")], &big, &[]);
    assert_eq!(r.status, 403);
}

#[test]
fn file_inputs_carry_the_limits_and_messages_for_the_script() {
    let app = limited();
    let mut anna = app.anna();
    let n = create_ticket_with_device(&mut anna);
    let mut ada = app.ada();
    for page in [
        anna.get(&format!("/tickets/{n}")).text(),
        anna.get("/tickets/new").text(),
        ada.get(&format!("/staff/tickets/{n}")).text(),
    ] {
        let inputs: Vec<Tag> = html::tags(&page).into_iter().filter(|t| t.get("type") == Some("file")).collect();
        assert!(!inputs.is_empty());
        for i in inputs {
            assert_eq!(i.get("data-max-file-bytes"), Some(MAX_FILE.to_string().as_str()));
            assert_eq!(i.get("data-max-files"), Some(MAX_FILES.to_string().as_str()));
            assert!(i.attr("data-msg-too-large").contains("{name}"), "the script fills in the name");
            assert!(i.attr("data-msg-too-many").contains('2'));
            assert_eq!(i.get("data-max-request-bytes"), Some("1000000"));
            assert!(i.attr("data-msg-too-much").contains("KB") || i.attr("data-msg-too-much").contains("MB"));
        }
    }
}

#[test]
fn an_empty_staff_reply_focuses_its_field_and_leaves_the_details_box_closed() {
    let app = limited();
    let mut anna = app.anna();
    let n = create_ticket_with_device(&mut anna);
    let mut ada = app.ada();
    let r = crate::harness::staff_activity(&mut ada, &n, &[("kind", "message"), ("body", "  ")]);
    assert_eq!(r.status, 422);
    let page = r.text();
    let f = focused(&page);
    assert_eq!(f.get("id"), Some("body"));
    let details = html::tags(&page).into_iter().find(|t| t.name == "details" && t.attr("class").contains("field-edit"));
    assert!(!details.expect("the details box").has("open"), "an unrelated error does not open it");

    // The customer's empty reply: the same.
    let r = anna.submit(&format!("/tickets/{n}"), &format!("/tickets/{n}/reply"), &[("body", "")]);
    assert_eq!(r.status, 422);
    let page = r.text();
    assert_eq!(focused(&page).get("name"), Some("body"));
    let details = html::tags(&page).into_iter().find(|t| t.name == "details" && t.attr("class").contains("field-edit"));
    assert!(!details.expect("the customer's details box").has("open"));

    // A wrong field value opens the box and focuses that field.
    let r = anna.submit(&format!("/tickets/{n}"), &format!("/tickets/{n}/fields"), &[("cf_contact_mail", "kein-mail")]);
    assert_eq!(r.status, 422);
    let page = r.text();
    assert_eq!(focused(&page).get("name"), Some("cf_contact_mail"));
    let details = html::tags(&page).into_iter().find(|t| t.name == "details" && t.attr("class").contains("field-edit"));
    assert!(details.expect("box").has("open"));
}

fn create_ticket_with_device(c: &mut Client) -> String {
    let r = c.submit(
        "/tickets/new",
        "/tickets",
        &[("subject", "Drucker"), ("body", "Geht nicht."), ("priority", "normal"), ("cf_device", "Drucker")],
    );
    r.expect(303);
    r.location().trim_start_matches("/tickets/").to_string()
}

#[test]
fn show_when_is_honoured_in_the_customers_details_box() {
    let app = limited();
    let mut anna = app.anna();
    // Device "Drucker": the serial number (shown for PCs and laptops only) is not offered.
    let printer = create_ticket_with_device(&mut anna);
    let page = anna.get(&format!("/tickets/{printer}")).text();
    let form = html::form(&page, &format!("/tickets/{printer}/fields")).expect("details form");
    assert!(!form.contains("name=\"cf_serial\""), "serial hidden for a printer");
    assert!(form.contains("name=\"cf_contact_mail\""));
    // Device "pc": offered.
    let r = anna.submit(
        "/tickets/new",
        "/tickets",
        &[("subject", "PC"), ("body", "Lahm."), ("priority", "normal"), ("cf_device", "pc"), ("cf_serial", "SN-1")],
    );
    r.expect(303);
    let pc = r.location().trim_start_matches("/tickets/").to_string();
    let page = anna.get(&format!("/tickets/{pc}")).text();
    let form = html::form(&page, &format!("/tickets/{pc}/fields")).expect("details form");
    assert!(form.contains("name=\"cf_serial\""), "serial offered for a PC");
}

#[test]
fn admins_get_a_first_steps_card_until_they_dismiss_it() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let page = ada.get("/staff/tickets").text();
    let card = html::with_attr(&page, "data-first-steps");
    assert_eq!(card.len(), 1, "the card for an admin");
    for link in ["/staff/customers/new", "/admin/staff/new", "/staff/hotline"] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(page.contains("ticketd.toml"), "where the look and mail are configured");
    // The admin navigation: outbox and inbox.
    assert!(page.contains("href=\"/admin/outbox\"") && page.contains("href=\"/staff/inbox\""));

    // An agent never sees it.
    let bob = crate::harness::StaffSpec {
        username: "bob",
        name: "Bob Berger",
        email: "bob@contractor.example",
        role: "agent",
        password: "bambus-agent-passwort",
    };
    let mut bob = crate::harness::add_staff(&app, &mut ada, bob);
    let agent_page = bob.get("/staff/tickets").text();
    assert!(html::with_attr(&agent_page, "data-first-steps").is_empty());
    assert!(!agent_page.contains("href=\"/admin/outbox\"") && agent_page.contains("href=\"/staff/inbox\""));
    // An agent cannot dismiss (it is an admin action), nor anyone without the CSRF token.
    let csrf = crate::harness::staff_csrf(&mut bob);
    assert_eq!(bob.post_form("/admin/first-steps/dismiss", &[("csrf", &csrf)]).status, 403);
    assert_eq!(ada.post_form("/admin/first-steps/dismiss", &[("csrf", "falsch")]).status, 403);
    assert_eq!(html::with_attr(&ada.get("/staff/tickets").text(), "data-first-steps").len(), 1);

    ada.submit("/staff/tickets", "/admin/first-steps/dismiss", &[]).expect_redirect("/staff/tickets");
    assert!(html::with_attr(&ada.get("/staff/tickets").text(), "data-first-steps").is_empty());
    // Per admin: dismissing is stored, it survives a restart.
    let app = app.stop().start();
    assert!(html::with_attr(&app.ada().get("/staff/tickets").text(), "data-first-steps").is_empty());
}

#[test]
fn the_new_customer_form_suggests_the_next_free_number() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let value = |c: &mut Client| {
        let page = c.get("/staff/customers/new").text();
        html::form_input(&page, "/staff/customers", "customer_no").expect("customer_no input")
    };
    assert_eq!(value(&mut ada), "K-10001", "the default pattern's first number");
    for (no, name) in [("K-10001", "Erste GmbH"), ("K-10005", "Fünfte KG")] {
        ada.submit(
            "/staff/customers/new",
            "/staff/customers",
            &[
                ("customer_no", no),
                ("name", name),
                ("email", &format!("{}@example.com", &no[2..])),
                ("phone", ""),
                ("password", ""),
                ("active", "on"),
            ],
        )
        .expect(303);
    }
    assert_eq!(value(&mut ada), "K-10006");

    // A pattern of one's own; empty: no suggestion.
    let app = Builder::new().admin(ADA).customer(ANNA).toml("[portal]\ncustomer_no_pattern = \"KD-0100\"").start();
    assert_eq!(value(&mut app.ada()), "KD-0100");
    let app = Builder::new().admin(ADA).toml("[portal]\ncustomer_no_pattern = \"\"").start();
    assert_eq!(value(&mut app.ada()), "");
}

#[test]
fn the_forced_password_change_returns_to_the_page_asked_for() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let dora = crate::harness::StaffSpec {
        username: "dora",
        name: "Dora Dach",
        email: "dora@contractor.example",
        role: "agent",
        password: "",
    };
    crate::harness::create_staff(&mut ada, dora);
    let page = ada.get("/admin/staff/dora").text();
    let tag = html::with_attr(&page, "data-generated-password").into_iter().next().expect("a generated password");
    let pw = html::text_after(&page, &tag);
    // Dora opens a link to the customers page: login, then the forced change, then there.
    let mut dora = app.client();
    let r = dora.get("/staff/customers?q=Anna");
    assert_eq!(r.status, 303);
    let login = r.location().to_string();
    let csrf = dora.csrf_from(&login, "/staff/login");
    let r = dora.post_form(
        "/staff/login",
        &[("csrf", &csrf), ("login", "dora"), ("password", &pw), ("next", "/staff/customers?q=Anna")],
    );
    let to = r.location().to_string();
    assert!(to.starts_with("/staff/password?next="), "{to}");
    let new_pw = "eigenes-starkes-kennwort";
    let r = dora.submit(&to, &to, &[("old_password", &pw), ("new_password", new_pw), ("new_password_repeat", new_pw)]);
    r.expect_redirect("/staff/customers?q=Anna");
}

#[test]
fn the_audit_log_speaks_words_in_both_languages() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    assert_eq!(app.login("niemand@example.com", "falsch-falsch").1.status, 422);
    let mut ada = app.ada();
    for (lang, words) in [
        ("de", ["Anmeldung fehlgeschlagen", "nicht angemeldet", "Kundenportal", "Mitarbeiter ada", "Anmeldung"]),
        ("en", ["Failed sign-in", "not signed in", "Customer portal", "Staff member ada", "Sign-in"]),
    ] {
        let page = ada.get(&format!("/admin/audit?lang={lang}")).text();
        let text = html::strip_tags(&page);
        for raw in ["login.failed", "anonymous", "staff:ada"] {
            assert!(!text.contains(raw), "{lang}: raw code {raw:?} shown");
        }
        for w in words {
            assert!(text.contains(w), "{lang}: {w:?} missing");
        }
        // The codes stay where scripts and filters read them.
        assert!(html::attr_values(&page, "data-action").iter().any(|a| a == "login.failed"));
        assert!(html::select_options(&page, "f-action").iter().any(|(v, _, _)| v == "login.failed"));
    }
}

#[test]
fn the_time_statement_opens_on_the_latest_month_with_time_and_never_links_ahead() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let n = create_ticket_with_device_free(&mut anna);
    crate::harness::staff_activity(&mut ada, &n, &[("kind", "call"), ("body", "Telefonat"), ("minutes", "25")])
        .expect(303);
    // This month: no link to the next one.
    let page = anna.get("/account/time").text();
    assert!(html::tags(&page).iter().all(|t| t.get("rel") != Some("next")), "no link into the future");
    assert!(page.contains("data-minutes=\"25\""));
    use time_tz::OffsetDateTimeExt;
    let this_month = u8::from(time::OffsetDateTime::now_utc().to_timezone(crate::harness::time_tz_berlin()).month());
    let months: Vec<u8> =
        html::select_options(&page, "s-month").iter().map(|(v, _, _)| v.parse().expect("month")).collect();
    assert_eq!(months.last(), Some(&this_month), "no month after this one to choose");
    // Move the time back by about three months: the statement opens there, not on an empty month.
    let back = 95 * 86_400;
    app.db().execute("UPDATE activities SET created_at = created_at - ?1", [back]).expect("move activities back");
    let then = time::OffsetDateTime::now_utc() - time::Duration::seconds(back);
    let page = anna.get("/account/time").text();
    assert!(page.contains("data-minutes=\"25\""), "the month with the call");
    let next = html::tags(&page).into_iter().find(|t| t.get("rel") == Some("next")).expect("a next month link");
    assert!(next.attr("href").contains("month="));
    let want = format!("{}", then.year());
    assert!(html::strip_tags(&page).contains(&want));
    // The staff side too.
    let page = ada.get(&format!("/staff/customers/{}/time", ANNA.number)).text();
    assert!(page.contains("data-minutes=\"25\""));
}

fn create_ticket_with_device_free(c: &mut Client) -> String {
    crate::harness::create_ticket(c, "Drucker", "Geht nicht.", "normal")
}

#[test]
fn a_date_typed_the_german_way_is_stored_as_iso_and_shown_as_tt_mm_jjjj() {
    let app = limited();
    let mut anna = app.anna();
    let r = anna.submit(
        "/tickets/new",
        "/tickets",
        &[
            ("subject", "Seit wann?"),
            ("body", "Text"),
            ("priority", "normal"),
            ("cf_device", "Drucker"),
            ("cf_since", "10.12.2026"),
        ],
    );
    r.expect(303);
    let n = r.location().trim_start_matches("/tickets/").to_string();
    let stored = crate::harness::strings(&app.db(), "SELECT value FROM ticket_fields WHERE key = 'since'");
    assert_eq!(stored, ["2026-12-10"]);
    let page = anna.get(&format!("/tickets/{n}")).text();
    assert!(page.contains("<dd>10.12.2026</dd>"), "shown as TT.MM.JJJJ");
    let page = anna.get(&format!("/tickets/{n}?lang=en")).text();
    assert!(page.contains("<dd>10 Dec 2026</dd>"), "shown the English way");
}

#[test]
fn the_customer_is_named_alike_in_the_list_and_the_timeline() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut anna = app.anna();
    let n = crate::harness::create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let list = anna.get("/tickets").text();
    let row = html::tags(&list).into_iter().find(|t| t.get("data-ticket") == Some(n.as_str())).expect("row");
    let end = list[row.end..].find("</tr>").map(|e| row.end + e).expect("</tr>");
    let cells = html::strip_tags(&list[row.start..end]);
    assert!(cells.contains("Nachricht · Sie"), "{cells}");
    assert!(!cells.contains(ANNA.name), "{cells}");
    // Staff see the customer's name in both places.
    let mut ada = app.ada();
    let queue = ada.get("/staff/tickets").text();
    assert!(html::strip_tags(&queue).contains(&format!("Nachricht · {}", ANNA.name)));
}
