//! Configurable ticket forms (`[[fields]]`: every type, `show_when` with `equals` and `in`,
//! list columns, customer-editable fields, bad configs, removed fields) and the branding of the
//! portal (`[portal]` title, texts, links, logo, accent colour, custom CSS).

use std::time::Duration;

use crate::harness::{
    activities, listed, overview_rows, queued, session_csrf, staff_activities, Builder, TempDir, TestApp, ADA, ANNA,
    BERND,
};
use crate::html::{self, Tag};
use crate::http::{Client, Resp};

/// Every field type; `serial` is shown for two of the devices (`in`), `phone` only when a call
/// back is wanted (`equals`, on a checkbox).
pub const FIELDS: &str = r#"
[[fields]]
key = "device"
label = { de = "Gerät", en = "Device" }
type = "select"
required = true
options = [
  { value = "pc", de = "Arbeitsplatz-PC", en = "Desktop PC" },
  { value = "laptop", de = "Notebook", en = "Laptop" },
  "Drucker",
]
list_column = true

[[fields]]
key = "serial"
label = { de = "Seriennummer", en = "Serial number" }
type = "text"
required = true
help = { de = "Steht auf dem Aufkleber unter dem Gerät.", en = "On the sticker below the device." }
show_when = { field = "device", in = ["pc", "laptop"] }
list_column = true
customer_editable = true

[[fields]]
key = "details"
label = "Details"
type = "textarea"

[[fields]]
key = "count"
label = "Anzahl"
type = "number"

[[fields]]
key = "since"
label = "Seit wann"
type = "date"

[[fields]]
key = "contact_mail"
label = "Kontakt-E-Mail"
type = "email"
customer_editable = true

[[fields]]
key = "callback"
label = "Rückruf erwünscht"
type = "checkbox"

[[fields]]
key = "phone"
label = "Rückrufnummer"
type = "phone"
required = true
show_when = { field = "callback", equals = "yes" }
"#;

/// Ada, Anna and Bernd with [`FIELDS`].
fn with_fields() -> TestApp {
    Builder::new().admin(ADA).customer(ANNA).customer(BERND).toml(FIELDS).start()
}

/// Posts the new-ticket form with these `cf_…` pairs (keys without the prefix).
fn post_ticket(c: &mut Client, subject: &str, custom: &[(&str, &str)]) -> Resp {
    let names: Vec<(String, &str)> = custom.iter().map(|(k, v)| (format!("cf_{k}"), *v)).collect();
    let mut fields: Vec<(&str, &str)> = vec![("subject", subject), ("body", "Bitte ansehen."), ("priority", "normal")];
    fields.extend(names.iter().map(|(k, v)| (k.as_str(), *v)));
    c.submit("/tickets/new", "/tickets", &fields)
}

/// Opens a ticket with these field values (asserts the 303); returns its number.
#[track_caller]
fn ticket_with(c: &mut Client, subject: &str, custom: &[(&str, &str)]) -> String {
    let r = post_ticket(c, subject, custom);
    r.expect(303);
    let number = r.location().strip_prefix("/tickets/").expect("redirect to the ticket").to_string();
    assert!(crate::harness::is_ticket_no(&number), "{number}");
    number
}

/// The stored field values of a ticket, sorted by key, straight from the database.
fn stored(app: &TestApp, number: &str) -> Vec<(String, String)> {
    let conn = app.db();
    let mut stmt = conn
        .prepare(
            "SELECT f.key, f.value FROM ticket_fields f JOIN tickets t ON t.id = f.ticket_id
             WHERE t.number = ?1 ORDER BY f.key",
        )
        .expect("prepare");
    stmt.query_map([number], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").map(|r| r.expect("row")).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    out.sort();
    out
}

/// The `dt`/`dd` pairs of the ticket header's `dl.facts`.
fn facts(page: &str) -> Vec<(String, String)> {
    let Some(dl) = html::tags(page)
        .into_iter()
        .find(|t| t.name == "dl" && t.get("class").is_some_and(|c| c.split_whitespace().any(|c| c == "facts")))
    else {
        panic!("no dl.facts on the page");
    };
    let end = page[dl.end..].find("</dl>").map(|e| dl.end + e).expect("</dl>");
    let inner = &page[dl.start..end];
    let mut out = Vec::new();
    let mut term: Option<String> = None;
    for t in html::tags(inner) {
        match t.name.as_str() {
            "dt" => term = Some(html::inner_text(inner, &t)),
            "dd" => {
                if let Some(k) = term.take() {
                    out.push((k, html::inner_text(inner, &t)));
                }
            }
            _ => {}
        }
    }
    out
}

/// The fact whose term starts with `label`.
#[track_caller]
fn fact(page: &str, label: &str) -> Option<String> {
    facts(page).into_iter().find(|(k, _)| k.starts_with(label)).map(|(_, v)| v)
}

/// The `td[data-field]` cells (key, text) of the list row of that ticket.
#[track_caller]
fn row_cells(page: &str, number: &str) -> Vec<(String, String)> {
    let tr = html::tags(page)
        .into_iter()
        .find(|t| t.name == "tr" && t.get("data-ticket") == Some(number))
        .unwrap_or_else(|| panic!("no row for {number}"));
    let end = page[tr.end..].find("</tr>").map(|e| tr.end + e).expect("</tr>");
    let inner = &page[tr.start..end];
    html::tags(inner)
        .into_iter()
        .filter(|t| t.name == "td" && t.has("data-field"))
        .map(|t| (t.attr("data-field").to_string(), html::inner_text(inner, &t)))
        .collect()
}

/// The control named `name` inside `scope`.
fn control(scope: &str, name: &str) -> Option<Tag> {
    html::tags(scope)
        .into_iter()
        .find(|t| matches!(t.name.as_str(), "input" | "select" | "textarea") && t.get("name") == Some(name))
}

/// What a browser would send for the `cf_…` controls of the form posting to `action`.
#[track_caller]
fn form_values(page: &str, action: &str) -> Vec<(String, String)> {
    let form = html::form(page, action).unwrap_or_else(|| panic!("no form posting to {action}"));
    let mut out = Vec::new();
    for t in html::tags(form) {
        let Some(name) = t.get("name").filter(|n| n.starts_with("cf_")) else { continue };
        match t.name.as_str() {
            "input" if t.get("type") == Some("checkbox") && t.has("checked") => {
                out.push((name.to_string(), t.get("value").unwrap_or("on").to_string()));
            }
            "input" if t.get("type") == Some("checkbox") => {}
            "input" => out.push((name.to_string(), t.get("value").unwrap_or("").to_string())),
            "textarea" => out.push((name.to_string(), html::text_after(form, &t))),
            "select" => {
                let id = t.attr("id");
                let v = html::select_options(form, id).into_iter().find(|(_, _, sel)| *sel).map(|(v, _, _)| v);
                out.push((name.to_string(), v.unwrap_or_default()));
            }
            _ => {}
        }
    }
    out
}

/// Sends the field form of `page` as it stands, with these `cf_…` values changed (an empty
/// value unticks a checkbox).
fn edit_fields(c: &mut Client, page: &str, action: &str, changes: &[(&str, &str)]) -> Resp {
    let text = c.get(page).text();
    let csrf = html::form_csrf(&text, action).unwrap_or_else(|| panic!("no csrf in the form {action} on {page}"));
    let mut values = form_values(&text, action);
    for (k, v) in changes {
        let name = format!("cf_{k}");
        values.retain(|(n, _)| *n != name);
        values.push((name, v.to_string()));
    }
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    fields.extend(values.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    c.post_form(action, &fields)
}

const FULL: [(&str, &str); 8] = [
    ("device", "laptop"),
    ("serial", "SN-4711-QX"),
    ("details", "Kaffeemaschine im Flur\nzweite Zeile"),
    ("count", "3"),
    ("since", "2025-03-01"),
    ("contact_mail", "it@example.com"),
    ("callback", "yes"),
    ("phone", "+49 30 1234567"),
];

#[test]
fn the_new_ticket_form_renders_every_field_type() {
    let app = with_fields();
    let mut anna = app.anna();
    let page = anna.get("/tickets/new");
    page.expect(200);
    let text = page.text();
    let form = html::form(&text, "/tickets").expect("new-ticket form");

    // (name, element, input type)
    let cases = [
        ("cf_device", "select", None),
        ("cf_serial", "input", Some("text")),
        ("cf_details", "textarea", None),
        ("cf_count", "input", Some("number")),
        ("cf_since", "input", Some("date")),
        ("cf_contact_mail", "input", Some("email")),
        ("cf_callback", "input", Some("checkbox")),
        ("cf_phone", "input", Some("tel")),
    ];
    for (name, element, kind) in cases {
        let t = control(form, name).unwrap_or_else(|| panic!("no control named {name} in the form"));
        assert_eq!(t.name, element, "{name}");
        assert_eq!(t.get("type"), kind, "type of {name}");
        assert_eq!(t.get("id"), Some(name), "id of {name} (for its label)");
        let label = html::tags(form)
            .into_iter()
            .find(|l| l.name == "label" && l.get("for") == Some(name))
            .unwrap_or_else(|| panic!("no label for {name}"));
        assert!(!html::inner_text(form, &label).is_empty(), "label of {name}");
    }
    assert_eq!(control(form, "cf_callback").unwrap().get("value"), Some("yes"));
    assert!(control(form, "cf_device").unwrap().has("required"));
    assert!(!control(form, "cf_count").unwrap().has("required"));

    let label_of = |page: &str, name: &str| {
        let l = html::tags(page).into_iter().find(|l| l.name == "label" && l.get("for") == Some(name)).unwrap();
        html::inner_text(page, &l)
    };
    assert!(label_of(form, "cf_device").starts_with("Gerät"), "{}", label_of(form, "cf_device"));
    assert!(label_of(form, "cf_callback").contains("Rückruf erwünscht"));
    let options = html::select_options(form, "cf_device");
    let opts: Vec<(&str, &str)> =
        options.iter().filter(|o| !o.0.is_empty()).map(|o| (o.0.as_str(), o.1.as_str())).collect();
    assert_eq!(opts, [("pc", "Arbeitsplatz-PC"), ("laptop", "Notebook"), ("Drucker", "Drucker")]);
    assert!(options.iter().any(|o| o.0.is_empty()), "an empty choice first: {options:?}");
    // The help text is there and tied to its input.
    let help = html::by_id(form, "help-cf_serial").expect("help text of cf_serial");
    assert_eq!(html::inner_text(form, &help), "Steht auf dem Aufkleber unter dem Gerät.");
    let serial = control(form, "cf_serial").unwrap();
    assert!(serial.get("aria-describedby").unwrap_or("").split_whitespace().any(|i| i == "help-cf_serial"));

    // Labels and options in English.
    let en = anna.get("/tickets/new?lang=en").text();
    let form = html::form(&en, "/tickets").expect("new-ticket form");
    assert!(label_of(form, "cf_device").starts_with("Device"));
    assert!(label_of(form, "cf_serial").starts_with("Serial number"));
    let opts: Vec<String> = html::select_options(form, "cf_device").into_iter().map(|o| o.1).collect();
    assert!(opts.contains(&"Laptop".to_string()) && opts.contains(&"Desktop PC".to_string()), "{opts:?}");
}

#[test]
fn conditional_fields_are_required_only_when_shown_and_dropped_when_hidden() {
    let app = with_fields();
    let mut anna = app.anna();
    // (values, Err(field with the message) or Ok(what is stored))
    type Case<'a> = (Vec<(&'a str, &'a str)>, Result<Vec<(&'a str, &'a str)>, &'a str>);
    let cases: Vec<Case> = vec![
        (vec![], Err("device")),
        (vec![("device", "pc")], Err("serial")),
        (vec![("device", "laptop"), ("serial", "   ")], Err("serial")),
        (vec![("device", "Drucker")], Ok(vec![("device", "Drucker")])),
        (vec![("device", "pc"), ("serial", "PC-1")], Ok(vec![("device", "pc"), ("serial", "PC-1")])),
        (vec![("device", "Drucker"), ("callback", "yes")], Err("phone")),
        (
            vec![("device", "Drucker"), ("callback", "yes"), ("phone", "030 1234567")],
            Ok(vec![("callback", "yes"), ("device", "Drucker"), ("phone", "030 1234567")]),
        ),
        // Hidden by their conditions: not required, and what was sent anyway is dropped.
        (
            vec![("device", "Drucker"), ("serial", "VERSTECKT-SN"), ("phone", "0309999888")],
            Ok(vec![("device", "Drucker")]),
        ),
        (
            vec![("device", "laptop"), ("serial", "LT-2"), ("callback", ""), ("phone", "0307777666")],
            Ok(vec![("device", "laptop"), ("serial", "LT-2")]),
        ),
    ];
    for (i, (values, want)) in cases.into_iter().enumerate() {
        let subject = format!("Bedingung {i}");
        let r = post_ticket(&mut anna, &subject, &values);
        let why = format!("case {i}: {values:?}");
        match want {
            Err(field) => {
                assert_eq!(r.status, 422, "{why}");
                let text = r.text();
                let err = html::by_id(&text, &format!("err-cf_{field}"))
                    .unwrap_or_else(|| panic!("{why}: no message next to cf_{field}"));
                assert!(!html::inner_text(&text, &err).is_empty(), "{why}");
                let messages: Vec<String> =
                    html::attr_values(&text, "id").into_iter().filter(|i| i.starts_with("err-cf_")).collect();
                assert_eq!(messages, [format!("err-cf_{field}")], "{why}: one message");
            }
            Ok(expected) => {
                assert_eq!(r.status, 303, "{why}: {}", r.text().chars().take(2000).collect::<String>());
                let number = r.location().strip_prefix("/tickets/").unwrap().to_string();
                assert_eq!(stored(&app, &number), pairs(&expected), "{why}");
                let page = anna.get(&format!("/tickets/{number}")).text();
                for hidden in ["VERSTECKT-SN", "0309999888", "0307777666"] {
                    assert!(!page.contains(hidden), "{why}: the hidden value {hidden} is shown");
                }
            }
        }
    }
    // Refused forms stored nothing.
    assert_eq!(listed(&mut anna, "").len(), 5);
    assert_eq!(
        app.count("SELECT count(*) FROM ticket_fields WHERE value IN ('VERSTECKT-SN', '0309999888', '0307777666')"),
        0
    );
}

#[test]
fn invalid_values_are_re_rendered_with_a_message() {
    let app = with_fields();
    let mut anna = app.anna();
    // (field, bad value)
    let cases = [
        ("count", "zwei"),
        ("count", "12abc"),
        ("since", "31.02.2024"),
        ("since", "2024-02-30"),
        ("contact_mail", "kein-at-zeichen"),
        ("contact_mail", "a@"),
        ("device", "tablet"),
        ("phone", "ruf mich an"),
    ];
    for (field, bad) in cases {
        let mut values: Vec<(&str, &str)> = FULL.to_vec();
        values.retain(|(k, _)| *k != field);
        values.push((field, bad));
        let why = format!("cf_{field}={bad:?}");
        let r = post_ticket(&mut anna, "Ungültige Angabe", &values);
        assert_eq!(r.status, 422, "{why}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"), "{why}");
        let text = r.text();
        let err = html::by_id(&text, &format!("err-cf_{field}"))
            .unwrap_or_else(|| panic!("{why}: no message next to the field"));
        assert!(!html::inner_text(&text, &err).is_empty(), "{why}");
        // The entered values come back, the wrong one included.
        let form = html::form(&text, "/tickets").expect("the form again");
        assert!(html::form_csrf(&text, "/tickets").is_some(), "{why}");
        assert_eq!(control(form, "subject").unwrap().get("value"), Some("Ungültige Angabe"), "{why}");
        let sent = form_values(&text, "/tickets");
        for (k, v) in &values {
            if *k == "device" && *v == "tablet" {
                continue; // not an option: nothing to select
            }
            let got = sent.iter().find(|(n, _)| *n == format!("cf_{k}")).map(|(_, v)| v.as_str());
            let want = if *k == "details" { v.trim() } else { v };
            assert_eq!(got.map(|g| g.replace("\r\n", "\n")), Some(want.to_string()), "{why}: cf_{k} kept");
        }
    }
    assert!(listed(&mut anna, "").is_empty(), "nothing stored");
    assert_eq!(app.count("SELECT count(*) FROM ticket_fields"), 0);
    // The same values with the right types go through; a decimal comma is a number.
    let mut values = FULL.to_vec();
    values.retain(|(k, _)| *k != "count");
    values.push(("count", "2,5"));
    ticket_with(&mut anna, "Jetzt richtig", &values);
}

#[test]
fn values_show_in_the_detail_the_overview_and_the_search() {
    let app = with_fields();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let full = ticket_with(&mut anna, "Notebook defekt", &FULL);
    let printer = ticket_with(&mut anna, "Drucker leer", &[("device", "Drucker")]);
    let berndt = ticket_with(&mut bernd, "Bernds PC", &[("device", "pc"), ("serial", "BERND-SN-1")]);
    let mut want = FULL.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    want.sort();
    assert_eq!(stored(&app, &full), want);

    // The detail header: labels from the config, the select's label, the checkbox as yes.
    let page = anna.get(&format!("/tickets/{full}"));
    page.expect(200);
    let text = page.text();
    assert_eq!(fact(&text, "Gerät").as_deref(), Some("Notebook"), "{:?}", facts(&text));
    assert_eq!(fact(&text, "Seriennummer").as_deref(), Some("SN-4711-QX"));
    assert_eq!(fact(&text, "Details").as_deref(), Some("Kaffeemaschine im Flur zweite Zeile"));
    assert_eq!(fact(&text, "Anzahl").as_deref(), Some("3"));
    let since = fact(&text, "Seit wann").unwrap_or_default();
    assert_eq!(since, "01.03.2025", "a date as TT.MM.JJJJ (issue 19)");
    assert_eq!(fact(&text, "Kontakt-E-Mail").as_deref(), Some("it@example.com"));
    assert_eq!(fact(&text, "Rückruf erwünscht").as_deref(), Some("Ja"));
    assert_eq!(fact(&text, "Rückrufnummer").as_deref(), Some("+49 30 1234567"));
    let en = anna.get(&format!("/tickets/{full}?lang=en")).text();
    assert_eq!(fact(&en, "Device").as_deref(), Some("Laptop"));
    assert_eq!(fact(&en, "Rückruf erwünscht").as_deref(), Some("Yes"));
    anna.get("/tickets?lang=de").expect(200); // the choice is remembered: back to German
                                              // Staff see the same facts.
    let mut ada = app.ada();
    let staff_page = ada.get(&format!("/staff/tickets/{full}")).text();
    assert_eq!(fact(&staff_page, "Gerät").as_deref(), Some("Notebook"));
    assert_eq!(fact(&staff_page, "Seriennummer").as_deref(), Some("SN-4711-QX"));

    // The overview: one cell per list column, the select shown by its label.
    let (_, text) = overview_rows(&mut anna, "");
    assert_eq!(
        row_cells(&text, &full),
        [("device".to_string(), "Notebook".to_string()), ("serial".to_string(), "SN-4711-QX".to_string())]
    );
    assert_eq!(
        row_cells(&text, &printer),
        [("device".to_string(), "Drucker".to_string()), ("serial".to_string(), String::new())]
    );
    assert!(!text.contains("it@example.com"), "only list columns are in the overview");
    // The staff queue shows the columns as well.
    let queue = ada.get("/staff/tickets").text();
    assert_eq!(row_cells(&queue, &berndt)[0], ("device".to_string(), "Arbeitsplatz-PC".to_string()));

    // Values are text, never markup.
    let hostile = ticket_with(&mut anna, "Markup", &[("device", "pc"), ("serial", "<img src=x onerror=alert(1)>")]);
    for path in [format!("/tickets/{hostile}"), "/tickets".to_string()] {
        let text = anna.get(&path).text();
        assert!(!text.contains("<img src=x"), "{path} shows the value as markup");
        assert!(text.contains("&lt;img src=x onerror=alert(1)&gt;"), "{path}");
    }

    // Search finds field values (words that are only in fields), for the own tickets only.
    assert_eq!(listed(&mut anna, "q=Kaffeemaschine"), [full.as_str()]);
    assert_eq!(listed(&mut anna, "q=SN-4711-QX"), [full.as_str()]);
    assert_eq!(listed(&mut anna, "q=it%40example.com"), [full.as_str()]);
    assert!(listed(&mut anna, "q=BERND-SN-1").is_empty());
    assert!(listed(&mut bernd, "q=Kaffeemaschine").is_empty());
    assert_eq!(listed(&mut bernd, "q=BERND-SN-1"), [berndt.as_str()]);
    assert!(queued(&mut ada, "q=Kaffeemaschine").contains(&full));
    // Staff search completes a field value's word from its prefix (db::search::staff_query).
    assert!(queued(&mut ada, "q=Kaffeemasch").contains(&full));
}

#[test]
fn staff_open_tickets_with_field_values_under_the_same_rules() {
    let app = with_fields();
    let mut ada = app.ada();
    let text = ada.get("/staff/tickets/new").text();
    let form = html::form(&text, "/staff/tickets").expect("the staff new-ticket form");
    assert_eq!(control(form, "cf_count").unwrap().get("type"), Some("number"));
    assert_eq!(control(form, "cf_phone").unwrap().get("type"), Some("tel"));
    let base = [
        ("customer", ANNA.number),
        ("subject", "Anruf: Notebook"),
        ("body", "Kundin rief an."),
        ("priority", "normal"),
    ];
    // Shown and empty: 422 with the message, the entered values kept.
    let mut fields = base.to_vec();
    fields.extend([("cf_device", "laptop"), ("cf_count", "2")]);
    let r = ada.submit("/staff/tickets/new", "/staff/tickets", &fields);
    assert_eq!(r.status, 422);
    let text = r.text();
    assert!(html::by_id(&text, "err-cf_serial").is_some());
    let form = html::form(&text, "/staff/tickets").expect("the form again");
    assert_eq!(control(form, "cf_count").unwrap().get("value"), Some("2"));
    // Hidden values are dropped here as well.
    let mut fields = base.to_vec();
    fields.extend([("cf_device", "Drucker"), ("cf_serial", "VERSTECKT"), ("cf_count", "2")]);
    let r = ada.submit("/staff/tickets/new", "/staff/tickets", &fields);
    r.expect(303);
    let n = r.location().strip_prefix("/staff/tickets/").expect("to the staff ticket").to_string();
    assert_eq!(stored(&app, &n), pairs(&[("count", "2"), ("device", "Drucker")]));
    // The customer sees the values.
    let mut anna = app.anna();
    let text = anna.get(&format!("/tickets/{n}")).text();
    assert_eq!(fact(&text, "Gerät").as_deref(), Some("Drucker"));
    assert_eq!(fact(&text, "Anzahl").as_deref(), Some("2"));
}

#[test]
fn the_staff_queue_filters_by_field_values() {
    let app = with_fields();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let laptop = ticket_with(&mut anna, "A", &[("device", "laptop"), ("serial", "L-1")]);
    let pc =
        ticket_with(&mut anna, "B", &[("device", "pc"), ("serial", "P-1"), ("callback", "yes"), ("phone", "0301")]);
    let printer = ticket_with(&mut bernd, "C", &[("device", "Drucker"), ("callback", "yes"), ("phone", "0302")]);
    let laptop2 = ticket_with(&mut bernd, "D", &[("device", "laptop"), ("serial", "L-2")]);
    let mut ada = app.ada();
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<String>>()
    };
    // (query, tickets)
    let cases = [
        ("cf_device=laptop", sorted(vec![&laptop, &laptop2])),
        ("cf_device=pc", sorted(vec![&pc])),
        ("cf_device=Drucker", sorted(vec![&printer])),
        ("cf_device=tablet", vec![]),
        ("cf_callback=yes", sorted(vec![&pc, &printer])),
        ("cf_device=laptop&customer=20034", sorted(vec![&laptop2])),
        ("cf_device=laptop&cf_serial=L-1", sorted(vec![&laptop])),
        ("cf_serial=L", vec![]),
        ("", sorted(vec![&laptop, &pc, &printer, &laptop2])),
    ];
    for (query, want) in cases {
        assert_eq!(queued(&mut ada, query), want, "?{query}");
    }
}

#[test]
fn staff_edits_become_field_activities_the_customer_sees() {
    let app = with_fields();
    let mut anna = app.anna();
    let n = ticket_with(&mut anna, "Notebook defekt", &FULL);
    let mut ada = app.ada();
    let page = format!("/staff/tickets/{n}");
    let action = format!("/staff/tickets/{n}/fields");

    // Staff see every field in their form.
    let text = ada.get(&page).text();
    let form = html::form(&text, &action).expect("the staff field form");
    for (k, _) in FULL {
        assert!(control(form, &format!("cf_{k}")).is_some(), "staff form lacks cf_{k}");
    }

    // An invalid value: 422 with the message, nothing changed.
    let r = edit_fields(&mut ada, &page, &action, &[("count", "viele"), ("serial", "SN-ENTWURF")]);
    assert_eq!(r.status, 422);
    let text = r.text();
    assert!(html::by_id(&text, "err-cf_count").is_some());
    // The form comes back with what was entered, not with the stored values.
    let form = html::form(&text, &action).expect("the field form again");
    assert_eq!(control(form, "cf_count").and_then(|t| t.get("value").map(str::to_string)).as_deref(), Some("viele"));
    assert_eq!(
        control(form, "cf_serial").and_then(|t| t.get("value").map(str::to_string)).as_deref(),
        Some("SN-ENTWURF")
    );
    assert_eq!(stored(&app, &n), pairs(&FULL));

    let before = staff_activities(&mut ada, &n).0.len();
    let r = edit_fields(&mut ada, &page, &action, &[("device", "pc"), ("count", "5")]);
    r.expect_redirect(&page);
    let mut want: Vec<(&str, &str)> = FULL.to_vec();
    want.retain(|(k, _)| !matches!(*k, "device" | "count"));
    want.extend([("device", "pc"), ("count", "5")]);
    assert_eq!(stored(&app, &n), pairs(&want), "only the changed fields change");

    let (acts, _) = staff_activities(&mut ada, &n);
    assert_eq!(acts.len(), before + 2, "one activity per changed field");
    assert_eq!(acts.iter().filter(|a| a.attr("data-activity-kind") == "field").count(), 2);

    // The customer sees the changes in the timeline, with labels.
    let (acts, text) = activities(&mut anna, &n);
    let changes: Vec<String> =
        acts.iter().filter(|a| a.attr("data-activity-kind") == "field").map(|a| html::inner_text(&text, a)).collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(
        changes.iter().any(|c| c.contains("Gerät") && c.contains("Notebook") && c.contains("Arbeitsplatz-PC")),
        "{changes:?}"
    );
    assert!(changes.iter().any(|c| c.contains("Anzahl") && c.contains('3') && c.contains('5')), "{changes:?}");
    assert_eq!(fact(&text, "Gerät").as_deref(), Some("Arbeitsplatz-PC"));

    // Sending the form unchanged records nothing.
    edit_fields(&mut ada, &page, &action, &[]).expect_redirect(&page);
    assert_eq!(staff_activities(&mut ada, &n).0.len(), before + 2);

    // Emptying a field removes the value and records that too.
    edit_fields(&mut ada, &page, &action, &[("details", "")]).expect_redirect(&page);
    assert!(!stored(&app, &n).iter().any(|(k, _)| k == "details"));
    assert_eq!(staff_activities(&mut ada, &n).0.len(), before + 3);
}

#[test]
fn customers_change_only_the_fields_they_may_edit() {
    let app = with_fields();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let n = ticket_with(&mut anna, "Notebook defekt", &FULL);
    let page = format!("/tickets/{n}");
    let action = format!("/tickets/{n}/fields");

    // The form offers the editable fields only.
    let text = anna.get(&page).text();
    let form = html::form(&text, &action).expect("the customer's field form");
    let names: Vec<String> = html::tags(form)
        .into_iter()
        .filter_map(|t| t.get("name").filter(|n| n.starts_with("cf_")).map(str::to_string))
        .collect();
    assert_eq!(names, ["cf_serial", "cf_contact_mail"]);
    assert_eq!(control(form, "cf_serial").unwrap().get("value"), Some("SN-4711-QX"));

    // Fields that are not editable are left alone even when sent.
    let r = edit_fields(
        &mut anna,
        &page,
        &action,
        &[("serial", "SN-NEU-1"), ("device", "pc"), ("count", "99"), ("callback", ""), ("details", "überschrieben")],
    );
    r.expect_redirect(&page);
    let mut want: Vec<(&str, &str)> = FULL.to_vec();
    want.retain(|(k, _)| *k != "serial");
    want.push(("serial", "SN-NEU-1"));
    assert_eq!(stored(&app, &n), pairs(&want));
    let (acts, text) = activities(&mut anna, &n);
    assert_eq!(acts.iter().filter(|a| a.attr("data-activity-kind") == "field").count(), 1);
    assert_eq!(fact(&text, "Seriennummer").as_deref(), Some("SN-NEU-1"));
    assert_eq!(fact(&text, "Gerät").as_deref(), Some("Notebook"));

    // A bare POST with only a non-editable field changes nothing either.
    let csrf = session_csrf(&mut anna);
    let r = anna.post_form(
        &action,
        &[("csrf", &csrf), ("cf_serial", "SN-NEU-1"), ("cf_contact_mail", "it@example.com"), ("cf_device", "Drucker")],
    );
    r.expect_redirect(&page);
    assert_eq!(stored(&app, &n), pairs(&want));

    // Types are checked for customers as well.
    let r = edit_fields(&mut anna, &page, &action, &[("contact_mail", "keine-adresse"), ("serial", "SN-ENTWURF")]);
    assert_eq!(r.status, 422);
    let text = r.text();
    assert!(html::by_id(&text, "err-cf_contact_mail").is_some());
    assert_eq!(stored(&app, &n), pairs(&want));
    // The form comes back with what was entered, not with the stored values.
    let form = html::form(&text, &action).expect("the field form again");
    let value = |name: &str| control(form, name).and_then(|t| t.get("value").map(str::to_string));
    assert_eq!(value("cf_contact_mail").as_deref(), Some("keine-adresse"));
    assert_eq!(value("cf_serial").as_deref(), Some("SN-ENTWURF"));

    // Another customer: 404, nothing changed.
    let csrf = session_csrf(&mut bernd);
    let r = bernd.post_form(&action, &[("csrf", &csrf), ("cf_serial", "BERND")]);
    assert_eq!(r.status, 404);
    // Without the CSRF token: 403.
    let r = anna.post_form(&action, &[("cf_serial", "OHNE-CSRF")]);
    assert_eq!(r.status, 403);
    assert_eq!(stored(&app, &n), pairs(&want));
}

#[test]
fn bad_field_configs_stop_the_start_naming_the_key() {
    let field = |key: &str, kind: &str, extra: &str| {
        format!("[[fields]]\nkey = \"{key}\"\nlabel = \"{key}\"\ntype = \"{kind}\"\n{extra}\n")
    };
    let select = field("dev", "select", "options = [\"pc\", \"laptop\"]");
    // (config, a text the error names)
    let cases: Vec<(String, &str)> = vec![
        (field("a", "text", "show_when = { field = \"zz\", equals = \"1\" }"), "fields.a.show_when"),
        (field("dev", "select", ""), "fields.dev.options"),
        (field("dev", "select", "options = []"), "fields.dev.options"),
        (
            format!("{select}\n{}", field("sn", "text", "show_when = { field = \"dev\", equals = \"tablet\" }")),
            "fields.sn.show_when",
        ),
        (
            format!("{select}\n{}", field("sn", "text", "show_when = { field = \"dev\", in = [\"pc\", \"tablet\"] }")),
            "fields.sn.show_when",
        ),
        (field("a", "text", "show_when = { field = \"a\", equals = \"x\" }"), "fields.a.show_when"),
        (format!("{select}\n{}", field("sn", "text", "show_when = { field = \"dev\" }")), "fields.sn.show_when"),
        (field("x", "text", "options = [\"a\"]"), "fields.x.options"),
        (format!("{}\n{}", field("dup", "text", ""), field("dup", "number", "")), "dup"),
        (field("Bad-Key", "text", ""), "Bad-Key"),
        (field("a", "colour", ""), "colour"),
    ];
    for (config, key) in cases {
        let env = Builder::new().toml(&config).prepare();
        let check = env.cli(&["check"]);
        check.failed();
        assert!(check.stderr.contains(key), "check with\n{config}\nshould name {key}: {}", check.stderr);
        let cfg = env.config_path.to_string_lossy().into_owned();
        let serve = crate::harness::run_ticketd(&["serve", "--config", &cfg], None, Duration::from_secs(20));
        serve.failed();
        assert!(serve.stderr.contains(key), "serve with\n{config}\nshould name {key}: {}", serve.stderr);
    }
    // The full example of this file is fine (`check` needs a database: one customer makes it).
    let env = Builder::new().customer(ANNA).toml(FIELDS).prepare();
    env.cli(&["check"]).ok();
}

#[test]
fn a_removed_field_still_shows_as_former_field() {
    let app = with_fields();
    let mut anna = app.anna();
    let n = ticket_with(&mut anna, "Notebook defekt", &FULL);
    let old = app.stop();

    // The same database under a config without `count`.
    let without: String = FIELDS
        .split("[[fields]]")
        .filter(|block| !block.contains("key = \"count\""))
        .collect::<Vec<_>>()
        .join("[[fields]]");
    assert!(!without.contains("\"count\"") && without.contains("\"since\""));
    let env = Builder::new().toml(&without).prepare();
    for entry in std::fs::read_dir(&old.dir.path).expect("read the old dir") {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("t.db") || name == "ticketd.key" {
            std::fs::copy(entry.path(), env.dir.path.join(&name)).expect("copy the database");
        }
    }
    let app = env.start();
    let mut anna = app.anna();
    let text = anna.get(&format!("/tickets/{n}")).text();
    let all = facts(&text);
    let former = all.iter().find(|(k, _)| k.starts_with("count")).unwrap_or_else(|| panic!("no count fact: {all:?}"));
    assert!(former.0.contains("ehemaliges Feld"), "{former:?}");
    assert_eq!(former.1, "3");
    assert_eq!(fact(&text, "Gerät").as_deref(), Some("Notebook"), "the configured fields stay");
    let en = anna.get(&format!("/tickets/{n}?lang=en")).text();
    assert!(facts(&en).iter().any(|(k, v)| k.starts_with("count") && k.contains("former field") && v == "3"));
    // Staff see it as well, and the ticket can still be edited without losing it.
    let mut ada = app.ada();
    let page = format!("/staff/tickets/{n}");
    let text = ada.get(&page).text();
    assert!(facts(&text).iter().any(|(k, v)| k.starts_with("count") && v == "3"));
    edit_fields(&mut ada, &page, &format!("/staff/tickets/{n}/fields"), &[("serial", "SN-2")]).expect_redirect(&page);
    assert!(stored(&app, &n).contains(&("count".to_string(), "3".to_string())));
}

// ------------------------------------------------------------------------------ branding

const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#0b7a75"/></svg>
"##;
const CUSTOM_CSS: &str = ".brand-title { letter-spacing: 0.07em; } /* muster-it-custom */\n";

#[test]
fn the_portal_carries_the_configured_branding() {
    let files = TempDir::new("brand");
    let logo = files.path.join("logo.svg");
    let css = files.path.join("extra.css");
    std::fs::write(&logo, LOGO_SVG).unwrap();
    std::fs::write(&css, CUSTOM_CSS).unwrap();
    let toml_path = |p: &std::path::Path| format!("\"{}\"", p.to_string_lossy().replace('\\', "\\\\"));
    let app = Builder::new()
        .customer(ANNA)
        .toml(&format!(
            "[portal]\ntitle = \"Muster IT-Service\"\naccent_color = \"#0b7a75\"\n\
             login_text = \"Bei Fragen: 030 123 456\"\nimprint_url = \"https://muster.example/impressum\"\n\
             privacy_url = \"/datenschutz\"\nlogo = {}\ncustom_css = {}",
            toml_path(&logo),
            toml_path(&css)
        ))
        .start();
    let mut c = app.client();
    let login = c.get("/login");
    login.expect(200);
    let text = login.text();
    let title = html::tags(&text).into_iter().find(|t| t.name == "title").expect("<title>");
    assert!(html::inner_text(&text, &title).contains("Muster IT-Service"));
    let brand = html::tags(&text)
        .into_iter()
        .find(|t| t.get("class").is_some_and(|c| c.split_whitespace().any(|c| c == "brand-title")))
        .expect("the brand title in the header");
    assert_eq!(html::inner_text(&text, &brand), "Muster IT-Service");
    assert!(text.contains("Bei Fragen: 030 123 456"), "login text");
    let footer = &text[text.find("<footer").expect("a footer")..];
    let links = html::attr_values(footer, "href");
    assert!(links.iter().any(|h| h == "https://muster.example/impressum"), "imprint link: {links:?}");
    assert!(links.iter().any(|h| h == "/datenschutz"), "privacy link: {links:?}");

    // The theme stylesheet: the accent colour and the custom CSS.
    let theme = html::tags(&text)
        .into_iter()
        .find(|t| {
            t.name == "link"
                && t.get("rel") == Some("stylesheet")
                && t.get("href").is_some_and(|h| h.starts_with("/assets/theme."))
        })
        .expect("a theme stylesheet");
    let href = theme.attr("href").to_string();
    assert!(href.ends_with(".css"), "{href}");
    let r = c.get(&href);
    r.expect(200);
    assert!(r.header("Content-Type").unwrap_or("").starts_with("text/css"));
    let sheet = r.text();
    assert!(sheet.contains("rgb(11 122 117)") || sheet.contains("rgb(11, 122, 117)"), "{sheet}");
    assert!(sheet.contains("muster-it-custom"), "custom CSS in the theme: {sheet}");
    assert!(r.header("Cache-Control").unwrap_or("").contains("immutable"), "the hashed name is kept for long");
    // The plain name serves the same sheet, revalidated; an old hash too.
    for plain in ["/assets/theme.css", "/assets/theme.0000000000000000.css"] {
        let r = c.get(plain);
        r.expect(200);
        assert_eq!(r.text(), sheet, "{plain}");
        assert!(!r.header("Cache-Control").unwrap_or("").contains("immutable"), "{plain}");
    }

    // The logo, served byte for byte where the header points.
    let img = html::tags(&text)
        .into_iter()
        .find(|t| t.name == "img" && t.get("src").is_some_and(|s| s.starts_with("/assets/")))
        .expect("the logo in the header");
    let r = c.get(img.attr("src"));
    r.expect(200);
    assert_eq!(r.body, LOGO_SVG.as_bytes());
    assert!(r.header("Content-Type").unwrap_or("").starts_with("image/svg+xml"), "{:?}", r.header("Content-Type"));

    // The same on a page after the login.
    let mut anna = app.anna();
    let text = anna.get("/tickets").text();
    assert!(text.contains("Muster IT-Service"));
    assert!(html::attr_values(&text, "href").contains(&href));
    assert!(html::attr_values(&text, "src").contains(&img.attr("src").to_string()));
    // A readable accent colour: no warning.
    assert!(!app.stderr().contains("portal.accent_color"), "{}", app.stderr());
}

#[test]
fn a_low_contrast_accent_colour_is_warned_about_at_start() {
    let app = Builder::new().toml("[portal]\naccent_color = \"#999999\"").start();
    let err = app.stderr();
    assert!(err.contains("portal.accent_color"), "{err}");
    assert!(err.to_ascii_lowercase().contains("warn"), "{err}");
    // It still runs.
    app.client().get("/login").expect(200);
    // An unusable colour is an error, not a warning.
    let bad = Builder::new().toml("[portal]\naccent_color = \"grünlich\"").prepare();
    let out = bad.cli(&["check"]);
    out.failed();
    assert!(out.stderr.contains("portal.accent_color"), "{}", out.stderr);
}
