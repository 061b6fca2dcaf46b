//! `/api/v1` (issue 21): JSON over the same use-cases as the staff forms. A request carries
//! `Authorization: Bearer <token>` and nothing else of a session: no cookies are read or set and
//! there is no CSRF token (`Ctx::new` skips the session for `/api/`). Bodies are JSON objects
//! read through a cap (`[api] max_body_bytes`); each field is taken by name and type, and an
//! unknown field is refused naming it. Errors are `{"error": {"code", "message", "field"}}`,
//! made by [`error_response`], which `web::respond_error` calls for every `/api/` path.

use std::collections::HashMap;
use std::io::Read;

use rouille::Response;
use serde_json::{json, Map, Value};

use crate::app::api_tokens::{self, Caller};
use crate::app::staff::{self as work, ActivityInput, CustomerInput, OnBehalfInput, TicketUpdate};
use crate::clock;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Lang, Msg};
use crate::model::{
    Activity, ApiScope, Contact, Customer, KindFilter, Priority, Sort, Status, TicketQuery, TicketSummary,
};
use crate::web::Ctx;

/// The OpenAPI 3.1 description of this API, written by hand and served as is.
pub const OPENAPI: &str = include_str!("openapi.json");

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

pub fn route(ctx: &mut Ctx, method: &str, segs: &[&str]) -> Result<Response> {
    if let ("GET", ["v1", "openapi.json"]) = (method, segs) {
        return Ok(Response::from_data("application/json; charset=utf-8", OPENAPI)
            .with_unique_header("Cache-Control", "no-cache"));
    }
    let caller = authenticate(ctx)?;
    ctx.api_user = Some(caller.actor());
    match (method, segs) {
        ("GET", ["v1", "tickets"]) => list_tickets(ctx, &caller),
        ("POST", ["v1", "tickets"]) => create_ticket(ctx, &caller),
        ("GET", ["v1", "tickets", number]) => get_ticket(ctx, &caller, number),
        ("PATCH", ["v1", "tickets", number]) => patch_ticket(ctx, &caller, number),
        ("POST", ["v1", "tickets", number, "activities"]) => add_activity(ctx, &caller, number),
        ("GET", ["v1", "customers"]) => list_customers(ctx, &caller),
        ("POST", ["v1", "customers"]) => create_customer(ctx, &caller),
        ("GET", ["v1", "customers", no]) => get_customer(ctx, &caller, no),
        ("PATCH", ["v1", "customers", no]) => patch_customer(ctx, &caller, no),
        ("GET", ["v1", "time"]) => time(ctx, &caller),
        _ => Err(Error::NotFound),
    }
}

fn authenticate(ctx: &Ctx) -> Result<Caller> {
    let header = ctx.req.header("Authorization").unwrap_or("");
    let token = match header.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => return Err(Error::Unauthorized),
    };
    api_tokens::authenticate(ctx.app, token)?.ok_or(Error::Unauthorized)
}

/// `tickets:write` includes reading, as does `customers:write`.
fn require_read(caller: &Caller, read: ApiScope, write: ApiScope) -> Result<()> {
    caller.require(read).or_else(|_| caller.require(write))
}

// ------------------------------------------------------------------------------ answers

fn json_response(status: u16, v: &Value) -> Response {
    Response::from_data("application/json; charset=utf-8", v.to_string())
        .with_status_code(status)
        .with_unique_header("Cache-Control", "no-store")
}

/// The JSON form of every error on `/api/`: `{"error": {"code", "message", "field"}}`. A
/// validation error whose message says a value is taken (customer number, e-mail) is `409`.
pub fn error_response(e: &Error, lang: Lang) -> Response {
    let (status, code, message, field) = match e {
        Error::Invalid(errors) => {
            let first = errors.fields().next().and_then(|f| errors.get(f));
            match first {
                Some(fe) => {
                    let args: Vec<(&str, &str)> = fe.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let conflict = fe.msg.key.ends_with("_TAKEN");
                    let (status, code) = if conflict { (409, "conflict") } else { (422, "invalid") };
                    (status, code, lang.f(fe.msg, &args), Some(fe.field.clone()))
                }
                None => (422, "invalid", lang.t(m::API_ERR_JSON).to_string(), None),
            }
        }
        Error::Unauthorized => (401, "unauthorized", lang.t(m::API_ERR_TOKEN).to_string(), None),
        Error::Forbidden | Error::Csrf => (403, "forbidden", lang.t(m::API_ERR_SCOPE).to_string(), None),
        Error::NotFound => (404, "not_found", lang.t(m::API_ERR_NOT_FOUND).to_string(), None),
        Error::BadRequest(msg) => (400, "bad_request", lang.t(*msg).to_string(), None),
        Error::TooLarge(msg) => (413, "too_large", lang.t(*msg).to_string(), None),
        Error::TooSlow(msg) => (408, "too_slow", lang.t(*msg).to_string(), None),
        Error::TooMany { retry_after, msg } => {
            let minutes = retry_after.div_ceil(60).max(1).to_string();
            (429, "rate_limited", lang.f(*msg, &[("minutes", &minutes)]), None)
        }
        Error::Unavailable(_) => (503, "unavailable", lang.t(m::ERR_503).to_string(), None),
        Error::Internal(_) | Error::LoginRequired { .. } | Error::RangeNotSatisfiable(_) => {
            (500, "internal", lang.t(m::API_ERR_INTERNAL).to_string(), None)
        }
    };
    let body = json!({ "error": { "code": code, "message": message, "field": field } });
    let mut r = json_response(status, &body);
    if let Error::TooMany { retry_after, .. } = e {
        r = r.with_additional_header("Retry-After", retry_after.to_string());
    }
    if status == 401 {
        r = r.with_additional_header("WWW-Authenticate", "Bearer");
    }
    r
}

fn invalid(field: &str, msg: Msg) -> Error {
    let mut e = FieldErrors::new();
    e.add(field, msg);
    Error::Invalid(e)
}

fn wrong_type(field: &str, expected: &str) -> Error {
    let mut e = FieldErrors::new();
    e.add_with(field, m::API_ERR_TYPE, vec![("expected", expected.to_string())]);
    Error::Invalid(e)
}

// ------------------------------------------------------------------------------ bodies

/// A JSON object body, taken apart field by field; [`Body::finish`] refuses what is left.
struct Body(Map<String, Value>);

impl Body {
    fn read(ctx: &Ctx) -> Result<Body> {
        let ctype = ctx.req.header("Content-Type").unwrap_or("").to_ascii_lowercase();
        if !ctype.starts_with("application/json") {
            return Err(Error::BadRequest(m::API_ERR_CONTENT_TYPE));
        }
        let limit = ctx.app.config().api.max_body_bytes;
        let declared = ctx.req.header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
        }
        let body = super::http::body(ctx.req).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
        let mut buf = Vec::new();
        body.take(limit + 1).read_to_end(&mut buf).map_err(|_| Error::BadRequest(m::ERR_BAD_FORM))?;
        if buf.len() as u64 > limit {
            return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
        }
        match serde_json::from_slice::<Value>(&buf) {
            Ok(Value::Object(map)) => Ok(Body(map)),
            _ => Err(Error::Invalid(FieldErrors::new())),
        }
    }

    /// A string field; `null` and absent are `None`.
    fn str(&mut self, name: &str) -> Result<Option<String>> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(name, "string")),
        }
    }

    fn int(&mut self, name: &str) -> Result<Option<i64>> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| wrong_type(name, "integer")),
            Some(_) => Err(wrong_type(name, "integer")),
        }
    }

    fn bool(&mut self, name: &str) -> Result<Option<bool>> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(wrong_type(name, "boolean")),
        }
    }

    /// An object of strings (custom fields).
    fn strings(&mut self, name: &str) -> Result<HashMap<String, String>> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(HashMap::new()),
            Some(Value::Object(o)) => o
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k, s)),
                    _ => Err(wrong_type(&format!("{name}.{k}"), "string")),
                })
                .collect(),
            Some(_) => Err(wrong_type(name, "object")),
        }
    }

    /// Whether a field is present at all (`null` included): PATCH leaves absent ones alone.
    fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    fn finish(self) -> Result<()> {
        match self.0.keys().next() {
            Some(k) => Err(invalid(k, m::API_ERR_UNKNOWN_FIELD)),
            None => Ok(()),
        }
    }
}

// ------------------------------------------------------------------------------ shapes

fn time_json(ts: i64) -> Value {
    Value::String(clock::rfc3339(ts))
}

fn ticket_json(t: &TicketSummary, fields: &[(String, String)]) -> Value {
    let fields: Map<String, Value> = fields.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({
        "number": t.number,
        "subject": t.subject,
        "status": t.status.as_str(),
        "priority": t.priority.as_str(),
        "customer": t.customer_no,
        "customer_name": t.customer_name,
        "assignee": t.assignee,
        "created_at": time_json(t.created_at),
        "updated_at": time_json(t.last_activity_at),
        "activity_count": t.activity_count,
        "minutes": t.minutes,
        "fields": fields,
    })
}

fn activity_json(a: &Activity) -> Value {
    json!({
        "id": a.id,
        "kind": a.kind.as_str(),
        "internal": a.internal,
        "author_kind": a.author_kind.as_str(),
        "author": a.author_name,
        "body": a.body,
        "minutes": a.minutes,
        "old_value": a.old_value,
        "new_value": a.new_value,
        "created_at": time_json(a.created_at),
    })
}

fn contact_json(p: &Contact) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "email": p.email,
        "phone": p.phone,
        "role": p.role.as_str(),
        "active": p.active,
    })
}

fn customer_json(c: &Customer, contacts: &[Contact]) -> Value {
    json!({
        "customer_no": c.customer_no,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "active": c.active,
        "created_at": time_json(c.created_at),
        "contacts": contacts.iter().map(contact_json).collect::<Vec<_>>(),
    })
}

/// A ticket with its activities; internal ones only for a staff-level token.
fn ticket_detail_json(ctx: &Ctx, caller: &Caller, number: &str) -> Result<Value> {
    let d = crate::app::tickets::detail(ctx.app, crate::model::Scope::Staff, number, KindFilter::All)?;
    let mut v = ticket_json(&d.ticket.summary, &d.fields);
    let activities: Vec<Value> = d
        .activities
        .iter()
        .filter(|a| caller.staff_level() || !a.internal)
        .map(|a| activity_json(&a.to_owned()))
        .collect();
    v["activities"] = Value::Array(activities);
    Ok(v)
}

// ------------------------------------------------------------------------------ query parameters

fn limit_param(ctx: &Ctx) -> Result<usize> {
    match ctx.query("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(invalid("limit", m::API_ERR_PARAM)),
        },
    }
}

/// The cursor is the id of the last row of the previous page; opaque to clients.
fn cursor_param(ctx: &Ctx) -> Result<i64> {
    match ctx.query("cursor") {
        None => Ok(0),
        Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| invalid("cursor", m::API_ERR_PARAM)),
    }
}

/// The link to the next page: this request's query with the cursor replaced.
fn next_link(ctx: &Ctx, path: &str, last_id: i64) -> String {
    let mut pairs: Vec<(String, String)> =
        super::form::parse_urlencoded(ctx.req.raw_query_string()).into_iter().filter(|(k, _)| k != "cursor").collect();
    pairs.push(("cursor".into(), last_id.to_string()));
    let qs: Vec<String> =
        pairs.iter().map(|(k, v)| format!("{}={}", crate::model::url_encode(k), crate::model::url_encode(v))).collect();
    format!("{path}?{}", qs.join("&"))
}

// ------------------------------------------------------------------------------ tickets

fn list_tickets(ctx: &mut Ctx, caller: &Caller) -> Result<Response> {
    require_read(caller, ApiScope::TicketsRead, ApiScope::TicketsWrite)?;
    let limit = limit_param(ctx)?;
    let after = cursor_param(ctx)?;
    // As the queue: a status, `active` (all but closed) or `all` (the default).
    let (status, exact_status) = match ctx.query("status").as_deref() {
        None | Some("all") => (None, None),
        Some("active") => (Some(crate::model::StatusFilter::Open), None),
        Some(s) => (None, Some(Status::parse(s).ok_or_else(|| invalid("status", m::ERR_INVALID_CHOICE))?)),
    };
    let priority = match ctx.query("priority") {
        None => None,
        Some(p) => Some(Priority::parse(&p).ok_or_else(|| invalid("priority", m::ERR_INVALID_CHOICE))?),
    };
    let assignee = match ctx.query("assignee").as_deref() {
        None => None,
        Some("none" | "unassigned") => Some(None),
        Some(u) => match work::staff_by_username(ctx.app, u)? {
            Some(s) => Some(Some(s.id)),
            None => return Err(invalid("assignee", m::ERR_INVALID_CHOICE)),
        },
    };
    let updated_since = match ctx.query("updated_since") {
        None => None,
        Some(s) => Some(clock::parse_rfc3339(&s).ok_or_else(|| invalid("updated_since", m::ERR_INVALID_DATE))?),
    };
    let query = TicketQuery {
        status,
        exact_status,
        priority,
        assignee,
        customer_no: ctx.query("customer"),
        search: ctx.query("q"),
        sort: Sort::Stable,
        after_id: Some(after),
        updated_since,
        page: 1,
        page_size: limit + 1,
        ..TicketQuery::default()
    };
    let page = crate::app::tickets::queue(ctx.app, &query)?;
    let more = page.rows.len() > limit;
    let rows = &page.rows[..page.rows.len().min(limit)];
    let data: Vec<Value> =
        rows.iter().map(|t| ticket_json(t, page.fields.get(&t.id).map(Vec::as_slice).unwrap_or(&[]))).collect();
    let next = match (more, rows.last()) {
        (true, Some(last)) => Value::String(next_link(ctx, "/api/v1/tickets", last.id)),
        _ => Value::Null,
    };
    Ok(json_response(200, &json!({ "data": data, "next": next })))
}

fn get_ticket(ctx: &mut Ctx, caller: &Caller, number: &str) -> Result<Response> {
    require_read(caller, ApiScope::TicketsRead, ApiScope::TicketsWrite)?;
    Ok(json_response(200, &ticket_detail_json(ctx, caller, number)?))
}

fn create_ticket(ctx: &mut Ctx, caller: &Caller) -> Result<Response> {
    caller.require(ApiScope::TicketsWrite)?;
    let mut b = Body::read(ctx)?;
    let customer = b.str("customer")?.unwrap_or_default();
    let subject = b.str("subject")?.unwrap_or_default();
    let body = b.str("body")?.unwrap_or_default();
    let priority = b.str("priority")?.unwrap_or_default();
    let kind = b.str("kind")?.unwrap_or_else(|| "message".into());
    let minutes = b.int("minutes")?.map(|n| n.to_string()).unwrap_or_default();
    let custom = b.strings("fields")?;
    let contact = b.int("contact")?.map(|n| n.to_string()).unwrap_or_default();
    b.finish()?;
    let input = OnBehalfInput {
        customer: &customer,
        subject: &subject,
        body: &body,
        kind: &kind,
        priority: &priority,
        minutes: &minutes,
        custom: &custom,
    };
    let number = work::open_for_person(ctx.app, &caller.acting, &input, &contact, &[])?;
    let number = number.to_string();
    api_tokens::audit_write(ctx.app, caller, "api.ticket.create", &number, &ctx.address)?;
    let v = ticket_detail_json(ctx, caller, &number)?;
    Ok(json_response(201, &v).with_unique_header("Location", format!("/api/v1/tickets/{number}")))
}

fn patch_ticket(ctx: &mut Ctx, caller: &Caller, number: &str) -> Result<Response> {
    caller.require(ApiScope::TicketsWrite)?;
    let mut b = Body::read(ctx)?;
    let status = b.str("status")?.unwrap_or_default();
    let priority = b.str("priority")?.unwrap_or_default();
    let has_assignee = b.has("assignee");
    let assignee = b.str("assignee")?.unwrap_or_default();
    b.finish()?;
    let input = TicketUpdate {
        status: &status,
        priority: &priority,
        assignee: has_assignee.then_some(assignee.as_str()),
        follow_up: None,
        lang: ctx.lang,
    };
    work::update_ticket(ctx.app, &caller.acting, number, &input)?;
    api_tokens::audit_write(ctx.app, caller, "api.ticket.update", number, &ctx.address)?;
    Ok(json_response(200, &ticket_detail_json(ctx, caller, number)?))
}

fn add_activity(ctx: &mut Ctx, caller: &Caller, number: &str) -> Result<Response> {
    caller.require(ApiScope::TicketsWrite)?;
    let mut b = Body::read(ctx)?;
    let kind = b.str("kind")?.unwrap_or_else(|| "message".into());
    let body = b.str("body")?.unwrap_or_default();
    let minutes = b.int("minutes")?.map(|n| n.to_string()).unwrap_or_default();
    let internal = b.bool("internal")?.unwrap_or(false);
    b.finish()?;
    // `internal: true` makes a message an internal note; calls and e-mails are never internal.
    let kind = match (kind.as_str(), internal) {
        ("message" | "internal_note", true) => "internal_note".to_string(),
        ("internal_note", false) => kind,
        (_, true) => return Err(invalid("internal", m::ERR_INVALID_CHOICE)),
        _ => kind,
    };
    let input = ActivityInput {
        kind: &kind,
        body: &body,
        minutes: &minutes,
        email_from: "",
        email_to: "",
        email_subject: "",
        direction: "",
        status: "",
    };
    work::add_activity(ctx.app, &caller.acting, number, &input, &[])?;
    api_tokens::audit_write(ctx.app, caller, "api.activity.create", number, &ctx.address)?;
    Ok(json_response(201, &ticket_detail_json(ctx, caller, number)?))
}

// ------------------------------------------------------------------------------ customers

fn list_customers(ctx: &mut Ctx, caller: &Caller) -> Result<Response> {
    require_read(caller, ApiScope::CustomersRead, ApiScope::CustomersWrite)?;
    let limit = limit_param(ctx)?;
    let after = cursor_param(ctx)?;
    let q = ctx.query("q").unwrap_or_default();
    let rows = api_tokens::customers_after(ctx.app, &q, after, limit + 1)?;
    let more = rows.len() > limit;
    let rows = &rows[..rows.len().min(limit)];
    let data: Vec<Value> = rows.iter().map(|(c, p)| customer_json(c, p)).collect();
    let next = match (more, rows.last()) {
        (true, Some((last, _))) => Value::String(next_link(ctx, "/api/v1/customers", last.id)),
        _ => Value::Null,
    };
    Ok(json_response(200, &json!({ "data": data, "next": next })))
}

fn get_customer(ctx: &mut Ctx, caller: &Caller, no: &str) -> Result<Response> {
    require_read(caller, ApiScope::CustomersRead, ApiScope::CustomersWrite)?;
    let (c, contacts) = api_tokens::customer(ctx.app, no)?;
    Ok(json_response(200, &customer_json(&c, &contacts)))
}

fn create_customer(ctx: &mut Ctx, caller: &Caller) -> Result<Response> {
    caller.require(ApiScope::CustomersWrite)?;
    let mut b = Body::read(ctx)?;
    let customer_no = b.str("customer_no")?.unwrap_or_default();
    let name = b.str("name")?.unwrap_or_default();
    let email = b.str("email")?.unwrap_or_default();
    let phone = b.str("phone")?.unwrap_or_default();
    let password = b.str("password")?.unwrap_or_default();
    b.finish()?;
    let input = CustomerInput {
        customer_no: &customer_no,
        name: &name,
        email: &email,
        phone: &phone,
        password: &password,
        active: true,
    };
    // A generated password is not returned: the customer sets one through "forgot password" or
    // an invitation, as with customers created by staff who did not note it.
    let (no, _generated) = work::create_customer(ctx.app, &caller.acting, &input, &ctx.address)?;
    let (c, contacts) = api_tokens::customer(ctx.app, &no)?;
    Ok(json_response(201, &customer_json(&c, &contacts))
        .with_unique_header("Location", format!("/api/v1/customers/{}", crate::model::url_encode(&no))))
}

fn patch_customer(ctx: &mut Ctx, caller: &Caller, no: &str) -> Result<Response> {
    caller.require(ApiScope::CustomersWrite)?;
    let (current, _) = api_tokens::customer(ctx.app, no)?;
    let mut b = Body::read(ctx)?;
    let name = b.str("name")?.unwrap_or(current.name);
    let email = b.str("email")?.unwrap_or(current.email);
    let phone = b.str("phone")?.unwrap_or(current.phone);
    let active = b.bool("active")?.unwrap_or(current.active);
    b.finish()?;
    let input = CustomerInput { customer_no: no, name: &name, email: &email, phone: &phone, password: "", active };
    work::update_customer(ctx.app, &caller.acting, no, &input, &ctx.address)?;
    let (c, contacts) = api_tokens::customer(ctx.app, no)?;
    Ok(json_response(200, &customer_json(&c, &contacts)))
}

// ------------------------------------------------------------------------------ time

/// The time statement's lines; internal notes' texts only for a staff-level token (as the
/// customer's statement shows them otherwise: minutes, no text).
fn time(ctx: &mut Ctx, caller: &Caller) -> Result<Response> {
    caller.require(ApiScope::TimeRead)?;
    let no = ctx.query("customer").ok_or_else(|| invalid("customer", m::ERR_REQUIRED))?;
    let customer = work::customer_by_no(ctx.app, &no)?;
    let (default_year, default_month) = clock::year_month(clock::now(), ctx.app.tz);
    let year = match ctx.query("year") {
        None => default_year,
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1970..=9999).contains(y))
            .ok_or_else(|| invalid("year", m::API_ERR_PARAM))?,
    };
    let month = match ctx.query("month") {
        None => default_month,
        Some(mo) => mo
            .parse::<u8>()
            .ok()
            .filter(|mo| (1..=12).contains(mo))
            .ok_or_else(|| invalid("month", m::API_ERR_PARAM))?,
    };
    let scope =
        if caller.staff_level() { crate::model::Scope::Staff } else { crate::model::Scope::Customer(customer.id) };
    let s = work::time_statement(ctx.app, &customer, year, month, scope)?;
    let lines: Vec<Value> = s
        .entries
        .iter()
        .map(|e| {
            json!({
                "ticket": e.number,
                "subject": e.subject,
                "kind": e.kind.as_str(),
                "internal": e.internal,
                "author": e.author_name,
                "body": e.body,
                "minutes": e.minutes,
                "created_at": time_json(e.created_at),
            })
        })
        .collect();
    Ok(json_response(
        200,
        &json!({
            "customer": customer.customer_no,
            "year": year,
            "month": month,
            "total_minutes": s.total_minutes,
            "lines": lines,
        }),
    ))
}
