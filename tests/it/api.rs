//! `/api/v1` and `/admin/api-tokens` (issue 21): tokens (shown once, hashed, revocable, last
//! use), bearer auth (401) and scopes (403), each endpoint, cursor pagination while writes go
//! on, internal activities only for the staff-level scope, every error status in JSON, the
//! per-token rate limit, audit rows under the token's name — and every answer checked against
//! the served OpenAPI document by `openapi_check.py` (JSON Schema 2020-12, `jsonschema`).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::harness::{self, Builder, TestApp, ADA, ANNA, BERND};
use crate::html;
use crate::http::{Client, Resp};

fn server(api_toml: &str) -> TestApp {
    Builder::new().admin(ADA).customer(ANNA).customer(BERND).toml(api_toml).start()
}

const ALL_SCOPES: &[&str] = &["tickets:read", "tickets:write", "customers:read", "customers:write", "time:read"];

/// Creates a token through the admin page; returns it (read from `data-api-token`).
#[track_caller]
fn new_token(admin: &mut Client, name: &str, scopes: &[&str], expires: &str) -> String {
    let csrf = admin.csrf_from("/admin/api-tokens", "/admin/api-tokens");
    let mut fields = vec![("csrf", csrf.as_str()), ("name", name), ("expires", expires)];
    for s in scopes {
        fields.push(("scopes", s));
    }
    admin.post_form("/admin/api-tokens", &fields).expect_redirect("/admin/api-tokens");
    let page = admin.get("/admin/api-tokens");
    page.expect(200);
    let tokens = html::attr_values(&page.text(), "data-api-token");
    assert_eq!(tokens.len(), 1, "the new token is shown once");
    tokens[0].clone()
}

/// Speaks JSON to the API and keeps every answer for the OpenAPI check.
struct Api {
    client: Client,
    records: Vec<String>,
}

impl Api {
    fn new(app: &TestApp) -> Api {
        Api { client: app.client(), records: Vec::new() }
    }

    fn call(&mut self, token: Option<&str>, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let raw = body.map(|b| b.to_string());
        let r = self.raw(token, method, path, "application/json", raw.as_deref().map(str::as_bytes));
        let v: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("{method} {path}: {} is not JSON ({e}): {}", r.status, r.text()));
        (r.status, v)
    }

    fn raw(&mut self, token: Option<&str>, method: &str, path: &str, ctype: &str, body: Option<&[u8]>) -> Resp {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        if body.is_some() {
            headers.push(("Content-Type", ctype));
        }
        let r = self.client.request(method, path, &headers, body);
        if let Ok(v) = serde_json::from_slice::<Value>(&r.body) {
            let rec = json!({ "method": method, "path": path, "status": r.status, "body": v });
            self.records.push(rec.to_string());
        }
        assert!(r.header("Set-Cookie").is_none(), "{method} {path} set a cookie");
        r
    }

    fn get(&mut self, token: &str, path: &str) -> (u16, Value) {
        self.call(Some(token), "GET", path, None)
    }

    fn post(&mut self, token: &str, path: &str, body: Value) -> (u16, Value) {
        self.call(Some(token), "POST", path, Some(&body))
    }

    fn patch(&mut self, token: &str, path: &str, body: Value) -> (u16, Value) {
        self.call(Some(token), "PATCH", path, Some(&body))
    }
}

#[track_caller]
fn error_of(status: u16, v: &Value, want_status: u16, code: &str, field: Option<&str>) {
    assert_eq!(status, want_status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    match field {
        Some(f) => assert_eq!(v["error"]["field"], f, "{v}"),
        None => assert!(v["error"]["field"].is_null(), "{v}"),
    }
}

fn numbers(v: &Value) -> Vec<String> {
    v["data"].as_array().unwrap().iter().map(|t| t["number"].as_str().unwrap().to_string()).collect()
}

fn open_ticket(api: &mut Api, token: &str, subject: &str) -> String {
    let (s, v) = api.post(
        token,
        "/api/v1/tickets",
        json!({ "customer": ANNA.number, "subject": subject, "body": "Der Server antwortet nicht.", "priority": "high" }),
    );
    assert_eq!(s, 201, "{v}");
    v["number"].as_str().unwrap().to_string()
}

#[test]
fn tokens_are_shown_once_stored_hashed_revocable_and_show_their_last_use() {
    let app = server("");
    let mut ada = app.ada();
    let token = new_token(&mut ada, "Monitoring", &["tickets:read"], "");
    assert!(token.starts_with("tkd_") && token.len() > 40);
    // Shown once: the next visit does not show it again.
    assert!(html::attr_values(&ada.get("/admin/api-tokens").text(), "data-api-token").is_empty());
    // Stored hashed: the token's text is nowhere in the table.
    let db = app.db();
    let stored: Vec<String> = harness::strings(&db, "SELECT name || scopes || hex(token_hash) FROM api_tokens");
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&token[4..]) && !stored[0].to_lowercase().contains(&token[4..]));
    // Never used yet; after a call the page shows when.
    let page = ada.get("/admin/api-tokens").text();
    assert!(html::attr_values(&page, "data-last-used").is_empty());
    let mut api = Api::new(&app);
    assert_eq!(api.get(&token, "/api/v1/tickets").0, 200);
    let page = ada.get("/admin/api-tokens").text();
    assert_eq!(html::attr_values(&page, "data-last-used").len(), 1, "last use shown");
    // Revoked: 401 at once; audited both ways.
    let id: i64 = db.query_row("SELECT id FROM api_tokens", [], |r| r.get(0)).unwrap();
    let action = format!("/admin/api-tokens/{id}/revoke");
    ada.submit("/admin/api-tokens", &action, &[]).expect_redirect("/admin/api-tokens");
    let (s, v) = api.get(&token, "/api/v1/tickets");
    error_of(s, &v, 401, "unauthorized", None);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'api_token.create' AND actor = 'staff:ada'"),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'api_token.revoke' AND actor = 'staff:ada'"),
        1
    );
    // The form refuses nonsense at the field.
    let csrf = ada.csrf_from("/admin/api-tokens", "/admin/api-tokens");
    let r = ada.post_form("/admin/api-tokens", &[("csrf", &csrf), ("name", ""), ("scopes", "root")]);
    r.expect(422);
    // A live token's name is not given twice (the audit log tells tokens apart by name); a
    // revoked one's is free again.
    let csrf = ada.csrf_from("/admin/api-tokens", "/admin/api-tokens");
    let r = ada.post_form("/admin/api-tokens", &[("csrf", &csrf), ("name", "Monitoring"), ("scopes", "tickets:read")]);
    r.expect_redirect("/admin/api-tokens");
    let csrf = ada.csrf_from("/admin/api-tokens", "/admin/api-tokens");
    let r = ada.post_form("/admin/api-tokens", &[("csrf", &csrf), ("name", "Monitoring"), ("scopes", "tickets:read")]);
    r.expect(422);
    assert!(r.text().contains("Namen"));
    // Without CSRF nothing is created; an agent cannot get there.
    ada.post_form("/admin/api-tokens", &[("name", "x"), ("scopes", "tickets:read")]).expect(403);
    assert_eq!(app.count("SELECT count(*) FROM api_tokens"), 2);
}

#[test]
fn bad_tokens_are_401_and_missing_scopes_403() {
    let app = server("");
    let mut ada = app.ada();
    let tomorrow = {
        let t = time::OffsetDateTime::now_utc() + time::Duration::days(2);
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
    };
    let expiring = new_token(&mut ada, "Kurzzeit", ALL_SCOPES, &tomorrow);
    let time_only = new_token(&mut ada, "Buchhaltung", &["time:read"], "");
    let tickets_read = new_token(&mut ada, "Leser", &["tickets:read"], "");
    let mut api = Api::new(&app);
    // Missing, wrong scheme, unknown: 401 with WWW-Authenticate, JSON.
    let r = api.raw(None, "GET", "/api/v1/tickets", "application/json", None);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("WWW-Authenticate"), Some("Bearer"));
    assert!(r.header("Content-Type").unwrap().starts_with("application/json"));
    let (s, v) = api.get("tkd_0000000000000000000000000000000000000000000000000000000000000000", "/api/v1/tickets");
    error_of(s, &v, 401, "unauthorized", None);
    let basic = format!("Basic {expiring}");
    let r = api.client.request("GET", "/api/v1/tickets", &[("Authorization", &basic)], None);
    assert_eq!(r.status, 401);
    // A staff session is no API credential.
    let r = ada.get("/api/v1/tickets");
    assert_eq!(r.status, 401);
    // Scopes.
    assert_eq!(api.get(&expiring, "/api/v1/tickets").0, 200);
    let (s, v) = api.get(&time_only, "/api/v1/tickets");
    error_of(s, &v, 403, "forbidden", None);
    let (s, v) = api.get(&time_only, &format!("/api/v1/customers/{}", ANNA.number));
    error_of(s, &v, 403, "forbidden", None);
    let (s, v) =
        api.post(&tickets_read, "/api/v1/tickets", json!({ "customer": ANNA.number, "subject": "x", "body": "y" }));
    error_of(s, &v, 403, "forbidden", None);
    let (s, v) = api.get(&tickets_read, &format!("/api/v1/time?customer={}", ANNA.number));
    error_of(s, &v, 403, "forbidden", None);
    assert_eq!(api.get(&time_only, &format!("/api/v1/time?customer={}", ANNA.number)).0, 200);
    assert_eq!(app.count("SELECT count(*) FROM tickets"), 0);
    // Three days later the expiring token is refused.
    let env = app.stop();
    let app = env.start_later(3 * 86400);
    let mut api = Api::new(&app);
    let (s, v) = api.get(&expiring, "/api/v1/tickets");
    error_of(s, &v, 401, "unauthorized", None);
    assert_eq!(api.get(&tickets_read, "/api/v1/tickets").0, 200);
}

#[test]
fn tickets_open_change_and_take_activities_with_internal_ones_for_staff_level_only() {
    let app = server("");
    let mut ada = app.ada();
    let write = new_token(&mut ada, "Monitoring", &["tickets:read", "tickets:write"], "");
    let read = new_token(&mut ada, "Dashboard", &["tickets:read"], "");
    let mut api = Api::new(&app);
    let (s, v) = api.post(
        &write,
        "/api/v1/tickets",
        json!({ "customer": ANNA.number, "subject": "Backup fehlgeschlagen", "body": "Job 7 endete mit Fehler.",
                "priority": "urgent", "kind": "internal_note" }),
    );
    assert_eq!(s, 201, "{v}");
    let number = v["number"].as_str().unwrap().to_string();
    assert_eq!(v["priority"], "urgent");
    assert_eq!(v["customer"], ANNA.number);
    assert_eq!(v["activities"][0]["author"], "Monitoring", "written under the token's name");
    assert_eq!(v["activities"][0]["internal"], true);
    assert!(v["assignee"].is_null(), "a ticket from the API waits unassigned");
    // PATCH: status, priority, assignee by username — each an activity.
    let (s, v) = api.patch(
        &write,
        &format!("/api/v1/tickets/{number}"),
        json!({ "status": "in_progress", "priority": "high", "assignee": "ada" }),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "in_progress");
    assert_eq!(v["priority"], "high");
    assert!(v["assignee"].as_str().is_some());
    // Activities: a visible message with time, an internal note.
    let path = format!("/api/v1/tickets/{number}/activities");
    let (s, v) = api.post(&write, &path, json!({ "kind": "call", "body": "Kunde angerufen.", "minutes": 15 }));
    assert_eq!(s, 201, "{v}");
    let (s, v) = api.post(&write, &path, json!({ "body": "Nur für uns.", "internal": true }));
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["minutes"], 15);
    let (s, v) = api.post(&write, &path, json!({ "kind": "call", "body": "x", "internal": true }));
    error_of(s, &v, 422, "invalid", Some("internal"));
    // Staff level sees internal activities, marked; a read-only token does not.
    let (_, full) = api.get(&write, &format!("/api/v1/tickets/{number}"));
    let (_, visible) = api.get(&read, &format!("/api/v1/tickets/{number}"));
    let internal = |v: &Value| v["activities"].as_array().unwrap().iter().filter(|a| a["internal"] == true).count();
    assert!(internal(&full) >= 3, "{full}");
    assert_eq!(internal(&visible), 0, "{visible}");
    assert!(!visible.to_string().contains("Nur für uns."));
    assert!(visible.to_string().contains("Kunde angerufen."));
    // The customer sees the call in the portal, not the note.
    let mut anna = app.anna();
    let page = anna.get(&format!("/tickets/{number}")).text();
    assert!(page.contains("Kunde angerufen.") && !page.contains("Nur für uns."));
    // Audited under the token's name.
    let db = app.db();
    let actions = harness::strings(&db, "SELECT action FROM audit_log WHERE actor = 'api:Monitoring' ORDER BY id");
    assert_eq!(actions, ["api.ticket.create", "api.ticket.update", "api.activity.create", "api.activity.create"]);
    // Filters as the queue.
    let (_, v) = api.get(&read, "/api/v1/tickets?status=in_progress&priority=high&assignee=ada");
    assert_eq!(numbers(&v), std::slice::from_ref(&number));
    let (_, v) = api.get(&read, "/api/v1/tickets?status=closed");
    assert!(numbers(&v).is_empty());
    let (_, v) = api.get(&read, "/api/v1/tickets?status=active&assignee=ada");
    assert_eq!(numbers(&v), std::slice::from_ref(&number));
    let (_, v) = api.get(&read, "/api/v1/tickets?assignee=unassigned");
    assert!(numbers(&v).is_empty());
    let (s, v) = api.get(&read, "/api/v1/tickets?status=kaputt");
    error_of(s, &v, 422, "invalid", Some("status"));
    let (_, v) = api.get(&read, &format!("/api/v1/tickets?customer={}", BERND.number));
    assert!(numbers(&v).is_empty());
    let (_, v) = api.get(&read, "/api/v1/tickets?q=Backup");
    assert_eq!(numbers(&v), std::slice::from_ref(&number));
    let (_, v) = api.get(&read, "/api/v1/tickets?updated_since=2000-01-01T00:00:00Z");
    assert_eq!(numbers(&v), std::slice::from_ref(&number));
    let (_, v) = api.get(&read, "/api/v1/tickets?updated_since=2999-01-01T00:00:00%2B02:00");
    assert!(numbers(&v).is_empty());
    let (s, v) = api.get(&read, "/api/v1/tickets?updated_since=gestern");
    error_of(s, &v, 422, "invalid", Some("updated_since"));
    // Another ticket number: 404.
    let (s, v) = api.get(&read, "/api/v1/tickets/2020-99999");
    error_of(s, &v, 404, "not_found", None);
    let (s, v) = api.patch(&write, "/api/v1/tickets/2020-99999", json!({ "status": "closed" }));
    error_of(s, &v, 404, "not_found", None);
}

#[test]
fn cursor_pages_stay_stable_while_tickets_are_written() {
    let app = server("");
    let mut ada = app.ada();
    let token = new_token(&mut ada, "Sync", &["tickets:read", "tickets:write"], "");
    let mut api = Api::new(&app);
    let first: Vec<String> = (0..7).map(|i| open_ticket(&mut api, &token, &format!("Meldung {i}"))).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut path = "/api/v1/tickets?limit=3&priority=high".to_string();
    let mut round = 0;
    loop {
        let (s, v) = api.get(&token, &path);
        assert_eq!(s, 200, "{v}");
        seen.extend(numbers(&v));
        // Writes between pages: a new ticket, and the oldest one changed (it must not move).
        open_ticket(&mut api, &token, &format!("Neu {round}"));
        let (s, _) = api.patch(&token, &format!("/api/v1/tickets/{}", first[0]), json!({ "status": "waiting" }));
        assert_eq!(s, 200);
        round += 1;
        match v["next"].as_str() {
            Some(next) => {
                assert!(next.starts_with("/api/v1/tickets?") && next.contains("priority=high"), "{next}");
                path = next.to_string();
            }
            None => break,
        }
        assert!(round < 20, "pagination does not end");
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no ticket twice: {seen:?}");
    for n in &first {
        assert!(seen.contains(n), "{n} missing from {seen:?}");
    }
    assert_eq!(&seen[..7], &first[..], "oldest first, in creation order");
    let (s, v) = api.get(&token, "/api/v1/tickets?cursor=abc");
    error_of(s, &v, 422, "invalid", Some("cursor"));
    let (s, v) = api.get(&token, "/api/v1/tickets?limit=1000");
    error_of(s, &v, 422, "invalid", Some("limit"));
}

#[test]
fn customers_with_contacts_are_listed_created_and_changed() {
    let app = server("");
    app.cli(&["contact", "add", "--customer", ANNA.number, "--name", "Carla Kollegin", "--email", "carla@example.com"])
        .ok();
    let mut ada = app.ada();
    let token = new_token(&mut ada, "CRM", &["customers:read", "customers:write"], "");
    let reader = new_token(&mut ada, "CRM lesen", &["customers:read"], "");
    let mut api = Api::new(&app);
    let (s, v) = api.get(&reader, &format!("/api/v1/customers/{}", ANNA.number));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["name"], ANNA.name);
    assert_eq!(v["contacts"][0]["email"], "carla@example.com");
    assert_eq!(v["contacts"][0]["role"], "member");
    let (s, v) = api.post(
        &token,
        "/api/v1/customers",
        json!({ "customer_no": "30001", "name": "Clara Neu GmbH", "email": "info@clara.example", "phone": "+49 30 1234" }),
    );
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["customer_no"], "30001");
    assert_eq!(v["contacts"], json!([]));
    // Taken number or e-mail: 409 naming the field.
    let (s, v) = api.post(
        &token,
        "/api/v1/customers",
        json!({ "customer_no": "30001", "name": "X", "email": "x@clara.example" }),
    );
    error_of(s, &v, 409, "conflict", Some("customer_no"));
    let (s, v) = api.patch(&token, "/api/v1/customers/30001", json!({ "email": BERND.email }));
    error_of(s, &v, 409, "conflict", Some("email"));
    let (s, v) = api.patch(&token, "/api/v1/customers/30001", json!({ "phone": "030 999", "active": false }));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["phone"], "030 999");
    assert_eq!(v["active"], false);
    assert_eq!(v["name"], "Clara Neu GmbH", "absent fields stay");
    let (s, v) =
        api.post(&reader, "/api/v1/customers", json!({ "customer_no": "30002", "name": "Y", "email": "y@y.example" }));
    error_of(s, &v, 403, "forbidden", None);
    let (s, v) = api.get(&reader, "/api/v1/customers/99999");
    error_of(s, &v, 404, "not_found", None);
    // List, paged in a stable order.
    let (_, v) = api.get(&reader, "/api/v1/customers?limit=2");
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    let next = v["next"].as_str().unwrap().to_string();
    let (_, v2) = api.get(&reader, &next);
    assert_eq!(v2["data"].as_array().unwrap().len(), 1);
    assert!(v2["next"].is_null());
    let (_, v) = api.get(&reader, "/api/v1/customers?q=Clara");
    assert_eq!(v["data"][0]["customer_no"], "30001");
    // Audited under the token's name.
    let db = app.db();
    let actions = harness::strings(&db, "SELECT action FROM audit_log WHERE actor = 'api:CRM' ORDER BY id");
    assert_eq!(actions, ["customer.create", "customer.update", "customer.deactivate"]);
}

#[test]
fn time_lines_hide_internal_texts_without_the_staff_level_scope() {
    let app = server("");
    let mut ada = app.ada();
    let staff = new_token(&mut ada, "Intern", &["tickets:write", "time:read"], "");
    let accounting = new_token(&mut ada, "Buchhaltung", &["time:read"], "");
    let mut api = Api::new(&app);
    let number = open_ticket(&mut api, &staff, "Wartung");
    let path = format!("/api/v1/tickets/{number}/activities");
    assert_eq!(api.post(&staff, &path, json!({ "kind": "call", "body": "Telefonat", "minutes": 30 })).0, 201);
    assert_eq!(api.post(&staff, &path, json!({ "body": "Geheime Analyse", "minutes": 45, "internal": true })).0, 201);
    let (s, v) = api.get(&accounting, &format!("/api/v1/time?customer={}", ANNA.number));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total_minutes"], 75);
    assert_eq!(v["lines"].as_array().unwrap().len(), 2);
    assert!(!v.to_string().contains("Geheime Analyse"));
    let (_, v) = api.get(&staff, &format!("/api/v1/time?customer={}", ANNA.number));
    assert!(v.to_string().contains("Geheime Analyse"));
    let (s, v) = api.get(&accounting, "/api/v1/time");
    error_of(s, &v, 422, "invalid", Some("customer"));
    let (s, v) = api.get(&accounting, &format!("/api/v1/time?customer={}&month=13", ANNA.number));
    error_of(s, &v, 422, "invalid", Some("month"));
    let (s, v) = api.get(&accounting, "/api/v1/time?customer=77777");
    error_of(s, &v, 404, "not_found", None);
    let (_, v) = api.get(&accounting, &format!("/api/v1/time?customer={}&year=2001&month=1", ANNA.number));
    assert_eq!(v["total_minutes"], 0);
}

#[test]
fn bodies_are_checked_capped_and_answered_in_json() {
    let app = server("[api]\nmax_body_bytes = 4096\n");
    let mut ada = app.ada();
    let token = new_token(&mut ada, "Tester", ALL_SCOPES, "");
    let mut api = Api::new(&app);
    let t = Some(token.as_str());
    // 400: not JSON at all.
    let r = api.raw(t, "POST", "/api/v1/tickets", "application/x-www-form-urlencoded", Some(b"subject=x"));
    assert_eq!(r.status, 400);
    // 422: invalid JSON, not an object, wrong type, unknown field, invalid value.
    let r = api.raw(t, "POST", "/api/v1/tickets", "application/json", Some(b"{\"subject\": "));
    assert_eq!(r.status, 422);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    error_of(r.status, &v, 422, "invalid", None);
    let (s, v) = api.call(t, "POST", "/api/v1/tickets", Some(&json!(["customer"])));
    error_of(s, &v, 422, "invalid", None);
    let (s, v) = api.post(&token, "/api/v1/tickets", json!({ "customer": 10012, "subject": "x", "body": "y" }));
    error_of(s, &v, 422, "invalid", Some("customer"));
    let (s, v) = api.post(
        &token,
        "/api/v1/tickets",
        json!({ "customer": ANNA.number, "subject": "x", "body": "y", "colour": "red" }),
    );
    error_of(s, &v, 422, "invalid", Some("colour"));
    let (s, v) = api.post(&token, "/api/v1/tickets", json!({ "customer": ANNA.number, "subject": "", "body": "y" }));
    error_of(s, &v, 422, "invalid", Some("subject"));
    let (s, v) = api.post(
        &token,
        "/api/v1/tickets",
        json!({ "customer": ANNA.number, "subject": "x", "body": "y", "priority": "asap" }),
    );
    error_of(s, &v, 422, "invalid", Some("priority"));
    let (s, v) = api.post(&token, "/api/v1/tickets", json!({ "customer": "00000", "subject": "x", "body": "y" }));
    error_of(s, &v, 422, "invalid", Some("customer"));
    let (s, v) = api.post(
        &token,
        "/api/v1/tickets",
        json!({ "customer": ANNA.number, "subject": "x", "body": "y", "fields": [] }),
    );
    error_of(s, &v, 422, "invalid", Some("fields"));
    // 413: over [api] max_body_bytes, in JSON; a 10 MB body is refused before it is read.
    let big = json!({ "customer": ANNA.number, "subject": "x", "body": "y".repeat(5000) });
    let (s, v) = api.post(&token, "/api/v1/tickets", big);
    error_of(s, &v, 413, "too_large", None);
    let huge = vec![b' '; 10 * 1024 * 1024];
    let r = api.client.request(
        "POST",
        "/api/v1/tickets",
        &[("Authorization", &format!("Bearer {token}")), ("Content-Type", "application/json")],
        Some(&huge),
    );
    assert_eq!(r.status, 413);
    let v: Value = serde_json::from_slice(&r.body).expect("JSON from the server's own refusal too");
    error_of(r.status, &v, 413, "too_large", None);
    // 404: unknown path under /api/ is JSON too.
    let (s, v) = api.get(&token, "/api/v2/tickets");
    error_of(s, &v, 404, "not_found", None);
    assert_eq!(app.count("SELECT count(*) FROM tickets"), 0, "nothing stored");
}

#[test]
fn each_token_has_its_own_rate_limit() {
    let app = server("[api]\nrequests_per_minute = 5\n");
    let mut ada = app.ada();
    let a = new_token(&mut ada, "A", &["tickets:read"], "");
    let b = new_token(&mut ada, "B", &["tickets:read"], "");
    let mut api = Api::new(&app);
    for _ in 0..5 {
        assert_eq!(api.get(&a, "/api/v1/tickets").0, 200);
    }
    let r = api.raw(Some(&a), "GET", "/api/v1/tickets", "application/json", None);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    error_of(r.status, &v, 429, "rate_limited", None);
    assert!(r.header("Retry-After").and_then(|s| s.parse::<u64>().ok()).is_some_and(|n| (1..=60).contains(&n)));
    assert_eq!(api.get(&b, "/api/v1/tickets").0, 200, "another token is not affected");
    // The access log names the token.
    assert!(app.stderr().contains("GET /api/v1/tickets"));
    assert!(app.stderr().lines().any(|l| l.contains("/api/v1/tickets") && l.ends_with(" api:B")), "{}", app.stderr());
}

/// Every endpoint once with success and each error status, each answer validated against the
/// document served at `/api/v1/openapi.json` by `openapi_check.py` (python3 with `jsonschema`;
/// `make test` installs it when missing).
#[test]
fn openapi_document_describes_every_answer() {
    let app = server("[api]\nmax_body_bytes = 4096\nrequests_per_minute = 40\n");
    app.cli(&["contact", "add", "--customer", ANNA.number, "--name", "Carla Kollegin", "--email", "carla@example.com"])
        .ok();
    let mut ada = app.ada();
    let all = new_token(&mut ada, "Alles", ALL_SCOPES, "");
    let time_only = new_token(&mut ada, "Zeit", &["time:read"], "");
    let mut api = Api::new(&app);
    let r = api.raw(None, "GET", "/api/v1/openapi.json", "application/json", None);
    r.expect(200);
    let doc: Value = serde_json::from_slice(&r.body).expect("the document is JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let number = open_ticket(&mut api, &all, "Drucker");
    open_ticket(&mut api, &all, "Scanner");
    api.get(&all, "/api/v1/tickets?limit=1");
    api.get(&all, &format!("/api/v1/tickets/{number}"));
    api.patch(&all, &format!("/api/v1/tickets/{number}"), json!({ "assignee": "ada", "status": "waiting" }));
    api.patch(&all, &format!("/api/v1/tickets/{number}"), json!({ "assignee": null }));
    api.post(
        &all,
        &format!("/api/v1/tickets/{number}/activities"),
        json!({ "body": "Notiz", "internal": true, "minutes": 5 }),
    );
    api.get(&all, "/api/v1/customers?limit=1");
    api.get(&all, &format!("/api/v1/customers/{}", ANNA.number));
    api.post(
        &all,
        "/api/v1/customers",
        json!({ "customer_no": "40001", "name": "Doris", "email": "doris@example.net" }),
    );
    api.patch(&all, "/api/v1/customers/40001", json!({ "name": "Doris D." }));
    api.get(&all, &format!("/api/v1/time?customer={}", ANNA.number));
    // Errors.
    let t = Some(all.as_str());
    assert_eq!(api.raw(t, "POST", "/api/v1/tickets", "text/plain", Some(b"hi")).status, 400);
    assert_eq!(api.get("tkd_nope", "/api/v1/tickets").0, 401);
    assert_eq!(api.get(&time_only, "/api/v1/tickets").0, 403);
    assert_eq!(api.get(&all, "/api/v1/tickets/2001-00001").0, 404);
    assert_eq!(
        api.post(&all, "/api/v1/customers", json!({ "customer_no": "40001", "name": "D", "email": "d@e.example" })).0,
        409
    );
    assert_eq!(api.patch(&all, "/api/v1/tickets/2001-00001", json!({ "x": "y".repeat(5000) })).0, 413);
    assert_eq!(api.patch(&all, &format!("/api/v1/tickets/{number}"), json!({ "status": 1 })).0, 422);
    let mut limited = 0;
    for _ in 0..60 {
        if api.get(&all, "/api/v1/customers?limit=1").0 == 429 {
            limited += 1;
            break;
        }
    }
    assert_eq!(limited, 1, "the limit answered 429");
    check_against_document(&app, &api.records, &r.body);
}

fn check_against_document(app: &TestApp, records: &[String], doc: &[u8]) {
    let doc_path = app.dir.path.join("openapi.json");
    std::fs::write(&doc_path, doc).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/openapi_check.py");
    // `make test` sets TICKETD_PYTHON to a python3 with jsonschema (a venv under target/ if needed).
    let python = std::env::var("TICKETD_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (with jsonschema: pip install jsonschema) runs the OpenAPI check");
    let mut input = format!("{}\n", doc_path.display());
    for r in records {
        input.push_str(r);
        input.push('\n');
    }
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "OpenAPI check failed:\n{text}");
    assert!(text.contains("checked"), "{text}");
}
