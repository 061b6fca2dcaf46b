//! The customer portal: tickets, replies, the month filter, the account.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::harness::{
    activities, berlin_year, create_ticket, listed, overview_rows, portal, session_csrf, time_tz_berlin, Builder, ANNA,
    BERND,
};
use crate::html;
use crate::http::Upload;

#[test]
fn new_tickets_get_sequential_numbers_of_the_berlin_year() {
    let app = portal();
    let year = berlin_year();
    let mut anna = app.anna();
    let mut bernd = app.bernd();

    let first = create_ticket(&mut anna, "Drucker streikt", "Der Drucker im 2. OG druckt nicht.", "high");
    assert_eq!(first, format!("{year}-00001"));
    // One sequence per year, shared by all customers.
    let second = create_ticket(&mut bernd, "VPN", "Kein Zugang von zu Hause.", "normal");
    assert_eq!(second, format!("{year}-00002"));

    // multipart/form-data works as well (the form's own encoding), an empty file input included.
    let csrf = session_csrf(&mut anna);
    let r = anna.post_multipart(
        "/tickets",
        &[("csrf", &csrf), ("subject", "Neuer Laptop"), ("body", "Bitte einrichten."), ("priority", "low")],
        &[Upload { field: "attachments", filename: "", content_type: "application/octet-stream", data: b"" }],
    );
    r.expect_redirect(&format!("/tickets/{year}-00003"));

    // The detail page shows what was entered.
    let page = anna.get(&format!("/tickets/{first}"));
    page.expect(200);
    let text = page.text();
    assert!(text.contains("Drucker streikt"));
    assert!(text.contains("Der Drucker im 2. OG druckt nicht."));

    // The overview lists only Anna's tickets, with the hooks.
    let (rows, text) = overview_rows(&mut anna, "");
    let mut numbers: Vec<&str> = rows.iter().map(|t| t.attr("data-ticket")).collect();
    numbers.sort();
    assert_eq!(numbers, [first.as_str(), &format!("{year}-00003")]);
    let row = rows.iter().find(|t| t.attr("data-ticket") == first).unwrap();
    for (attr, want) in
        [("data-status", "open"), ("data-priority", "high"), ("data-activities", "1"), ("data-minutes", "0")]
    {
        assert_eq!(row.attr(attr), want, "{attr} of {first}");
    }
    let low = rows.iter().find(|t| t.attr("data-ticket") != first).unwrap();
    assert_eq!(low.attr("data-priority"), "low");
    assert_eq!(html::attr_values(&text, "data-total-minutes"), ["0"]);
    assert_eq!(listed(&mut bernd, ""), [second]);

    // Filed under the current month of Berlin (the boundary itself: see the month filter test).
    let (y, m) = ticketd::clock::year_month(ticketd::clock::now(), time_tz_berlin());
    let this_month = listed(&mut anna, &format!("year={y}&month={m}"));
    assert!(this_month.contains(&first), "{this_month:?}");
}

#[test]
fn invalid_new_tickets_are_re_rendered_with_a_message() {
    let app = portal();
    let mut anna = app.anna();
    let long = "x".repeat(201);
    // (subject, body, priority, the field with the message)
    let cases = [
        ("", "Der Drucker druckt nicht.", "normal", "subject"),
        ("   ", "Der Drucker druckt nicht.", "high", "subject"),
        (long.as_str(), "Der Drucker druckt nicht.", "normal", "subject"),
        ("Drucker", "", "normal", "body"),
        ("Drucker", "  \n ", "normal", "body"),
        ("Drucker", "Der Drucker druckt nicht.", "panic", "priority"),
    ];
    for (subject, body, priority, field) in cases {
        let r =
            anna.submit("/tickets/new", "/tickets", &[("subject", subject), ("body", body), ("priority", priority)]);
        let why = format!("subject={subject:?} body={body:?} priority={priority:?}");
        assert_eq!(r.status, 422, "{why}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        let text = r.text();
        let err =
            html::by_id(&text, &format!("err-{field}")).unwrap_or_else(|| panic!("{why}: no message next to {field}"));
        assert!(!html::inner_text(&text, &err).is_empty(), "{why}");
        // The entered values come back.
        let subject_input = html::by_id(&text, "subject").expect("subject input");
        assert_eq!(subject_input.get("value").unwrap_or(""), subject, "{why}");
        let body_area = html::by_id(&text, "body").expect("body textarea");
        assert_eq!(html::text_after(&text, &body_area), body.trim(), "{why}");
        // And the form can be sent again.
        assert!(html::form_csrf(&text, "/tickets").is_some(), "{why}");
    }
    // Nothing was stored, and no number was used up.
    assert!(listed(&mut anna, "").is_empty());
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    assert_eq!(n, format!("{}-00001", berlin_year()));
}

#[test]
fn replies_are_appended_in_chronological_order() {
    let app = portal();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Mail", "Outlook startet nicht.", "normal");
    let r = anna.submit(
        &format!("/tickets/{n}"),
        &format!("/tickets/{n}/reply"),
        &[("body", "Erste Antwort: Neustart half nicht.")],
    );
    r.expect_redirect(&format!("/tickets/{n}"));
    // Activity times have second resolution: make the order visible in them.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let csrf = session_csrf(&mut anna);
    let r = anna.post_multipart(
        &format!("/tickets/{n}/reply"),
        &[("csrf", &csrf), ("body", "Zweite Antwort: jetzt geht es.")],
        &[],
    );
    r.expect_redirect(&format!("/tickets/{n}"));

    let (acts, text) = activities(&mut anna, &n);
    assert_eq!(acts.len(), 3);
    let created: Vec<OffsetDateTime> = acts
        .iter()
        .map(|a| {
            let s = a.attr("data-created");
            assert!(s.ends_with('Z'), "data-created {s:?} is not UTC");
            OffsetDateTime::parse(s, &Rfc3339).unwrap_or_else(|e| panic!("{s:?}: {e}"))
        })
        .collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "activities out of order: {created:?}");
    assert!(created[0] < created[2]);
    let now = OffsetDateTime::now_utc();
    assert!((now - created[2]).whole_seconds().abs() < 120, "{created:?} vs now {now}");
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s:?} missing"));
    assert!(pos("Outlook startet nicht.") < pos("Erste Antwort"));
    assert!(pos("Erste Antwort") < pos("Zweite Antwort"));
    assert!(acts.iter().all(|a| a.attr("data-activity-kind") == "message"));

    let (rows, _) = overview_rows(&mut anna, "");
    assert_eq!(rows[0].attr("data-activities"), "3");

    // An empty reply is refused and stores nothing.
    for body in ["", "   \n  "] {
        let r = anna.submit(&format!("/tickets/{n}"), &format!("/tickets/{n}/reply"), &[("body", body)]);
        assert_eq!(r.status, 422, "reply {body:?}");
        assert!(html::by_id(&r.text(), "err-body").is_some());
    }
    assert_eq!(activities(&mut anna, &n).0.len(), 3);
}

#[test]
fn customers_close_their_tickets_and_a_reply_reopens_them() {
    let app = portal();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Monitor", "Flackert.", "normal");
    let r = anna.submit(&format!("/tickets/{n}"), &format!("/tickets/{n}/close"), &[]);
    assert_eq!(r.status, 303);
    let (rows, _) = overview_rows(&mut anna, "");
    assert_eq!(rows[0].attr("data-status"), "closed");
    assert_eq!(listed(&mut anna, "status=closed"), [n.as_str()]);
    assert!(listed(&mut anna, "status=open").is_empty());
    let (acts, _) = activities(&mut anna, &n);
    assert!(acts.iter().any(|a| a.attr("data-activity-kind") == "status"));

    anna.submit(&format!("/tickets/{n}"), &format!("/tickets/{n}/reply"), &[("body", "Doch noch nicht gelöst.")])
        .expect(303);
    let (rows, _) = overview_rows(&mut anna, "");
    assert_eq!(rows[0].attr("data-status"), "open");
}

#[test]
fn closing_is_off_when_customers_may_not_close() {
    let app = Builder::new().customer(ANNA).toml("[portal]\ncustomers_can_close = false").start();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Monitor", "Flackert.", "normal");
    let page = anna.get(&format!("/tickets/{n}")).text();
    assert!(html::form(&page, &format!("/tickets/{n}/close")).is_none());
    let csrf = session_csrf(&mut anna);
    let r = anna.post_form(&format!("/tickets/{n}/close"), &[("csrf", &csrf)]);
    assert!(r.status >= 400, "closing must be refused, got {}", r.status);
    let (rows, _) = overview_rows(&mut anna, "");
    assert_eq!(rows[0].attr("data-status"), "open");
}

#[test]
fn other_customers_tickets_are_404_and_stay_untouched() {
    let app = portal();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let n = create_ticket(&mut anna, "Geheimes Projekt", "Nur für Anna.", "urgent");
    let csrf = session_csrf(&mut bernd);

    for path in [format!("/tickets/{n}"), format!("/tickets/{n}?kind=all")] {
        let r = bernd.get(&path);
        assert_eq!(r.status, 404, "GET {path}");
        assert!(!r.text().contains("Geheimes Projekt"));
    }
    for (path, fields) in [
        (format!("/tickets/{n}/reply"), vec![("csrf", csrf.as_str()), ("body", "Bernd war hier")]),
        (format!("/tickets/{n}/close"), vec![("csrf", csrf.as_str())]),
    ] {
        let r = bernd.post_form(&path, &fields);
        assert_eq!(r.status, 404, "POST {path}");
    }
    // An empty reply to a foreign ticket is 404 as well, not 422.
    let r = bernd.post_form(&format!("/tickets/{n}/reply"), &[("csrf", &csrf), ("body", "")]);
    assert_eq!(r.status, 404);
    assert!(listed(&mut bernd, "").is_empty());
    assert!(listed(&mut bernd, "q=Geheimes").is_empty());

    // Nothing changed for Anna.
    let (acts, text) = activities(&mut anna, &n);
    assert_eq!(acts.len(), 1);
    assert!(!text.contains("Bernd war hier"));
    let (rows, _) = overview_rows(&mut anna, "");
    assert_eq!(rows[0].attr("data-status"), "open");
    assert_eq!(rows[0].attr("data-activities"), "1");

    // Tickets that do not exist: 404 in every shape.
    let missing = format!("{}-99999", berlin_year());
    for path in [
        format!("/tickets/{missing}"),
        "/tickets/2020-00001".to_string(),
        "/tickets/kein-ticket".to_string(),
        "/tickets/..%2F..%2Fetc%2Fpasswd".to_string(),
    ] {
        assert_eq!(anna.get(&path).status, 404, "GET {path}");
    }
    let csrf = session_csrf(&mut anna);
    let r = anna.post_form(&format!("/tickets/{missing}/reply"), &[("csrf", &csrf), ("body", "x")]);
    assert_eq!(r.status, 404);
}

/// Inserts a ticket with one message through the library, as of `ts`.
fn insert_ticket(app: &ticketd::app::App, customer_no: &str, ts: i64, subject: &str, minutes: i64) -> String {
    use ticketd::db::tickets::{add_activity, insert, next_seq, Author, NewActivity, NewTicket};
    use ticketd::model::{month_key, ActivityKind, Priority, Status};
    let tz = time_tz_berlin();
    let (year, month) = ticketd::clock::year_month(ts, tz);
    let mut conn = app.conn().expect("connection");
    let (customer, _) =
        ticketd::db::customers::find_for_login(&conn, customer_no).expect("lookup").expect("customer exists");
    ticketd::db::write(&mut conn, |tx| {
        let seq = next_seq(tx, year)?;
        let number = format!("{year}-{seq:05}");
        let id = insert(
            tx,
            &NewTicket {
                number: &number,
                customer_id: customer.id,
                subject,
                status: Status::Open,
                priority: Priority::Normal,
                assignee_id: None,
                created_at: ts,
                created_month: month_key(year, month),
            },
        )?;
        add_activity(
            tx,
            id,
            &NewActivity {
                minutes,
                ..NewActivity::new(ActivityKind::Message, Author::customer(customer.id, &customer.name), subject, ts)
            },
        )?;
        Ok(number)
    })
    .expect("insert ticket")
}

#[test]
fn the_month_filter_follows_the_berlin_time_zone() {
    let env = Builder::new().customer(ANNA).customer(BERND).prepare();
    let lib = env.library_app();
    // 2025-01-31 23:30 UTC is 2025-02-01 00:30 in Berlin: a February ticket.
    let boundary = insert_ticket(&lib, ANNA.number, 1738366200, "Grenzfall", 30);
    // 2025-01-15 10:00 UTC and 2025-02-10 09:00 UTC.
    let january = insert_ticket(&lib, ANNA.number, 1736935200, "Januar", 15);
    let february = insert_ticket(&lib, ANNA.number, 1739178000, "Februar", 0);
    // Bernd's ticket of 2024 must not show up in Anna's year list.
    insert_ticket(&lib, BERND.number, 1718000000, "Bernd 2024", 5);
    drop(lib);
    let app = env.start();
    let mut anna = app.anna();

    // (query, tickets listed, data-total-minutes)
    let cases = [
        ("year=2025&month=2", vec![&boundary, &february], "30"),
        ("year=2025&month=1", vec![&january], "15"),
        ("year=2025", vec![&boundary, &january, &february], "45"),
        ("year=2024", vec![], "0"),
        ("", vec![&boundary, &january, &february], "45"),
    ];
    for (query, want, minutes) in cases {
        let mut want: Vec<String> = want.into_iter().cloned().collect();
        want.sort();
        let (rows, text) = overview_rows(&mut anna, query);
        let mut got: Vec<String> = rows.iter().map(|t| t.attr("data-ticket").to_string()).collect();
        got.sort();
        assert_eq!(got, want, "?{query}");
        assert_eq!(html::attr_values(&text, "data-total-minutes"), [minutes], "?{query}");
    }

    // Only years with tickets are offered, with counts; months of the chosen year with counts.
    let text = anna.get("/tickets?year=2025").text();
    let years: Vec<(String, String)> = html::select_options(&text, "f-year")
        .into_iter()
        .filter(|(v, _, _)| !v.is_empty())
        .map(|(v, t, _)| (v, t))
        .collect();
    assert_eq!(years, [("2025".to_string(), "2025 (3)".to_string())]);
    let months: Vec<(String, String)> = html::select_options(&text, "f-month")
        .into_iter()
        .filter(|(v, _, _)| !v.is_empty())
        .map(|(v, t, _)| (v, t))
        .collect();
    assert_eq!(months.len(), 2, "{months:?}");
    assert_eq!(months[0].0, "1");
    assert!(months[0].1.ends_with("(1)"), "{months:?}");
    assert_eq!(months[1].0, "2");
    assert!(months[1].1.ends_with("(2)"), "{months:?}");

    // The ticket page shows the instant in UTC for machines and in Berlin time for people.
    let (acts, text) = activities(&mut anna, &boundary);
    assert_eq!(acts[0].attr("data-created"), "2025-01-31T23:30:00Z");
    assert!(text.contains("01.02.2025, 00:30"), "Berlin time shown");

    // Row hooks carry the minutes.
    let (rows, _) = overview_rows(&mut anna, "year=2025&month=1");
    assert_eq!(rows[0].attr("data-minutes"), "15");

    // A ticket opened now starts the current year's own sequence and adds its year to the list.
    let year = berlin_year();
    let now = create_ticket(&mut anna, "Heute", "Neu.", "normal");
    let seq = if year == 2025 { 4 } else { 1 };
    assert_eq!(now, format!("{year}-{seq:05}"));
    if year != 2025 {
        let text = anna.get("/tickets").text();
        let years: Vec<String> =
            html::select_options(&text, "f-year").into_iter().map(|(v, _, _)| v).filter(|v| !v.is_empty()).collect();
        assert_eq!(years, [year.to_string(), "2025".to_string()], "newest first");
        assert_eq!(listed(&mut anna, &format!("year={year}")), [now]);
    }
}

#[test]
fn the_overview_pages() {
    let app = Builder::new()
        .customer(ANNA)
        .toml(
            "[portal]
page_size = 2",
        )
        .start();
    let mut anna = app.anna();
    let mut all: Vec<String> =
        (1..=5).map(|i| create_ticket(&mut anna, &format!("Ticket {i}"), "Text", "normal")).collect();
    all.sort();
    let mut seen = Vec::new();
    for (page, count) in [(1, 2), (2, 2), (3, 1)] {
        let got = listed(&mut anna, &format!("page={page}"));
        assert_eq!(got.len(), count, "page {page}");
        seen.extend(got);
    }
    seen.sort();
    assert_eq!(seen, all, "every ticket on exactly one page");
    assert!(listed(&mut anna, "page=4").is_empty());
    for bad in ["0", "-1", "x", "99999999999999999999"] {
        assert_eq!(anna.get(&format!("/tickets?page={bad}")).status, 200, "page={bad}");
    }
}

#[test]
fn search_finds_own_tickets_only() {
    let app = portal();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let a = create_ticket(&mut anna, "Drucker", "Der Toner ist leer.", "normal");
    let b = create_ticket(&mut bernd, "Toner bestellen", "Bitte Toner liefern.", "normal");
    assert_eq!(listed(&mut anna, "q=Toner"), [a.as_str()]);
    assert_eq!(listed(&mut bernd, "q=toner"), [b]);
    assert!(listed(&mut anna, "q=liefern").is_empty());
    // Characters that mean something to a full-text engine are just text.
    for q in ["%22", "*", "%28", "NOT", "a%22+OR+%22b", "-", "%5E"] {
        let r = anna.get(&format!("/tickets?q={q}"));
        assert_eq!(r.status, 200, "q={q}");
    }
}

#[test]
fn changing_the_password() {
    let app = portal();
    let mut anna = app.anna();
    let mut other_session = app.anna();
    let new_pw = "ein-ganz-neues-passwort";
    // (old, new, repeat, field with the message)
    let cases = [
        ("falsches-passwort", new_pw, new_pw, "old_password"),
        ("", new_pw, new_pw, "old_password"),
        (ANNA.password, new_pw, "ein-anderes-passwort", "new_password_repeat"),
        (ANNA.password, "kurz", "kurz", "new_password"),
        (ANNA.password, ANNA.password, ANNA.password, "new_password"),
    ];
    for (old, new, repeat, field) in cases {
        let r = anna.submit(
            "/account/password",
            "/account/password",
            &[("old_password", old), ("new_password", new), ("new_password_repeat", repeat)],
        );
        let why = format!("old={old:?} new={new:?} repeat={repeat:?}");
        assert_eq!(r.status, 422, "{why}");
        let text = r.text();
        assert!(html::by_id(&text, &format!("err-{field}")).is_some(), "{why}: message at {field}");
        assert!(!text.contains(new_pw), "{why}: passwords are not echoed");
    }
    // Nothing changed so far.
    other_session.get("/tickets").expect(200);

    let r = anna.submit(
        "/account/password",
        "/account/password",
        &[("old_password", ANNA.password), ("new_password", new_pw), ("new_password_repeat", new_pw)],
    );
    r.expect_redirect("/account");
    // This session stays, every other one of the account ends.
    anna.get("/account").expect(200);
    let r = other_session.get("/tickets");
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login"));
    // The old password is gone, the new one works.
    let (_, r) = app.login(ANNA.number, ANNA.password);
    assert_eq!(r.status, 422);
    app.customer(ANNA.number, new_pw);
    app.customer("anna.beispiel@example.com", new_pw);
}

#[test]
fn the_account_page_shows_the_customer_number() {
    let app = portal();
    let mut anna = app.anna();
    let text = anna.get("/account").text();
    // In the header and in the master data.
    let numbers = html::attr_values(&text, "data-customer-no");
    assert!(!numbers.is_empty());
    assert!(numbers.iter().all(|n| n == ANNA.number), "{numbers:?}");
    assert!(text.contains(ANNA.name));
    assert!(text.contains("anna.beispiel@example.com"));
    assert!(!text.contains(BERND.number));
}
