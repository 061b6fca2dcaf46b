//! The staff workspace: queue, ticket work, tickets on behalf of callers, customers, time.

use std::collections::HashMap;

use crate::app::attachments::{attach_all, PendingFile};
use crate::app::bootstrap::{self, check_new_password, new_password, NewPassword};
use crate::app::tickets::{change_status, check_body_or_files, check_custom_fields, MAX_SUBJECT_CHARS};
use crate::app::App;
use crate::clock;
use crate::db::tickets::{self as tdb, Author, NewActivity};
use crate::db::{self, audit, contacts, customers, sessions, staff};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{
    ActivityKind, Customer, CustomerPage, KindFilter, ListRead, Priority, Queue, QueueTab, Scope, StaffMember,
    Statement, Status, TicketDetail, TicketNo, TicketQuery, TicketWork, COMPOSER_KINDS,
};

/// The stand-in `app::api_tokens::authenticate` makes for a token (username `api:<name>`).
fn is_api_standin(s: &StaffMember) -> bool {
    s.username.starts_with("api:")
}

/// The audit actor: `staff:<username>`; for the API's stand-in (`app::api_tokens::Caller`,
/// username `api:<token name>`; real usernames have no `:`) the token's `api:<name>`.
fn actor(s: &StaffMember) -> String {
    if is_api_standin(s) {
        return s.username.clone();
    }
    format!("staff:{}", s.username)
}

pub fn queue(app: &App, me: &StaffMember, query: &TicketQuery, tab: QueueTab, now: i64) -> Result<Queue> {
    let conn = app.conn()?;
    // The tabs' counts first: an active view's totals come from them.
    let views = tdb::view_totals(&conn, now)?;
    let staff = staff::list(&conn)?;
    let page = tdb::queue_list(&conn, query, ListRead::table(&app.config().fields, true), &views, &staff)?;
    let (status_counts, months) = tdb::queue_counts(&conn)?;
    Ok(Queue { page, status_counts, staff, months, tab, view_counts: views.counts(me.id) })
}

/// Finds a staff member by username, for the assignee filter.
pub fn staff_by_username(app: &App, username: &str) -> Result<Option<StaffMember>> {
    let conn = app.conn()?;
    staff::get_by_username(&conn, username)
}

pub fn ticket(app: &App, number: &str, kind: KindFilter) -> Result<TicketWork> {
    ticket_page(app, number, kind, 1)
}

/// The ticket with page `page` of its timeline (see `TimelinePage`).
pub fn ticket_page(app: &App, number: &str, kind: KindFilter, page: usize) -> Result<TicketWork> {
    let detail = crate::app::tickets::detail_page(app, Scope::Staff, number, kind, page)?;
    let conn = app.conn()?;
    let customer = customers::get(&conn, detail.ticket.customer_id)?;
    let staff = staff::list(&conn)?;
    let id = detail.ticket.summary.id;
    let mut people: Vec<_> = contacts::opener_of(&conn, id)?.into_iter().collect();
    people.extend(contacts::on_ticket(&conn, id)?);
    Ok(TicketWork { detail, customer, staff, people })
}

pub struct ActivityInput<'a> {
    pub kind: &'a str,
    pub body: &'a str,
    pub minutes: &'a str,
    pub email_from: &'a str,
    pub email_to: &'a str,
    pub email_subject: &'a str,
    /// For kind `email`: `received` (the customer wrote it: customer author) or `sent` (to the
    /// customer: staff author); empty means `sent`, as before the field existed.
    pub direction: &'a str,
    /// The status after saving: "" unchanged, `auto` ("waiting" after a message to the
    /// customer, else unchanged), or a status.
    pub status: &'a str,
}

/// The status a composer submit asks for; `None` leaves it.
fn wanted_status(input: &ActivityInput, kind: ActivityKind, errors: &mut FieldErrors) -> Option<Status> {
    match input.status.trim() {
        "" => None,
        "auto" => (kind == ActivityKind::Message).then_some(Status::Waiting),
        v => Status::parse(v).or_else(|| {
            errors.add("status", m::ERR_INVALID_CHOICE);
            None
        }),
    }
}

/// Minutes as typed: empty is 0; at most a working week in one entry.
fn parse_minutes(s: &str, errors: &mut FieldErrors) -> i64 {
    let s = s.trim();
    if s.is_empty() {
        return 0;
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=10_000).contains(&n) => n,
        _ => {
            errors.add("minutes", m::ERR_MINUTES);
            0
        }
    }
}

fn check_activity(input: &ActivityInput, has_files: bool, errors: &mut FieldErrors) -> (ActivityKind, i64) {
    let kind = ActivityKind::parse(input.kind.trim()).filter(|k| COMPOSER_KINDS.contains(k)).unwrap_or_else(|| {
        errors.add("kind", m::ERR_INVALID_CHOICE);
        ActivityKind::Message
    });
    let minutes = parse_minutes(input.minutes, errors);
    // A document needs files; a call or internal note may be time only; else text or files.
    if kind == ActivityKind::Document {
        if !has_files {
            errors.add("attachments", m::ERR_NO_FILE);
        }
        check_body_or_files(input.body, "body", true, errors);
    } else if kind == ActivityKind::Message || !(minutes > 0 && input.body.trim().is_empty()) {
        check_body_or_files(input.body, "body", has_files, errors);
    }
    if kind == ActivityKind::Email && !input.email_from.trim().is_empty() && input.email_from.len() > 300 {
        errors.add("email_from", m::ERR_INVALID_EMAIL);
    }
    if !matches!(input.direction.trim(), "" | "sent" | "received") {
        errors.add("direction", m::ERR_INVALID_CHOICE);
    }
    (kind, minutes)
}

/// Who wrote an activity from the composer: staff, except an e-mail received from the customer,
/// which is the customer's — the contact whose address is in `From`, else the main account.
fn composer_author<'a>(
    tx: &rusqlite::Connection,
    kind: ActivityKind,
    s: &'a StaffMember,
    input: &ActivityInput,
    customer_id: i64,
    person: &'a mut Option<Customer>,
) -> Result<Author<'a>> {
    if kind != ActivityKind::Email || input.direction.trim() != "received" {
        return Ok(Author::staff(s.id, &s.name));
    }
    let mut c = customers::get(tx, customer_id)?;
    c.contact = contacts::find_by_email(tx, crate::app::people::address_of(input.email_from))?
        .filter(|p| p.customer_id == customer_id)
        .map(Box::new);
    Ok(Author::person(person.insert(c)))
}

fn new_activity<'a>(
    kind: ActivityKind,
    author: Author<'a>,
    input: &'a ActivityInput,
    body: &'a str,
    minutes: i64,
    now: i64,
) -> NewActivity<'a> {
    let opt = |v: &'a str| Some(v.trim()).filter(|v| !v.is_empty());
    let is_email = kind == ActivityKind::Email;
    NewActivity {
        minutes,
        email_from: if is_email { opt(input.email_from) } else { None },
        email_to: if is_email { opt(input.email_to) } else { None },
        email_subject: if is_email { opt(input.email_subject) } else { None },
        ..NewActivity::new(kind, author, body, now)
    }
}

/// A message, internal note, call note or e-mail record, with optional time spent, and the
/// status after it — one transaction with both activities. A message to the customer gets the
/// author's signature below it. A status change beside a visible activity mails nobody (the
/// customer hears of the activity); beside an internal note it mails as from the update form.
/// A follow-up date that came is over once staff wrote on the ticket.
pub fn add_activity(
    app: &App,
    s: &StaffMember,
    number: &str,
    input: &ActivityInput,
    files: &[PendingFile],
) -> Result<()> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let (kind, minutes) = check_activity(input, !files.is_empty(), &mut errors);
    let status = wanted_status(input, kind, &mut errors);
    errors.into_result()?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let t = tdb::get(tx, number, Scope::Staff)?.ok_or(Error::NotFound)?;
        let id = t.summary.id;
        let mut person = None;
        let author = composer_author(tx, kind, s, input, t.customer_id, &mut person)?;
        // A customer's mail that staff record (direction `received`) tells nobody: the agent
        // who typed it in knows, and the customer wrote it.
        let recorded_for_customer = author.kind == crate::model::AuthorKind::Customer;
        let body = match kind {
            ActivityKind::Message => {
                crate::app::snippets::with_signature(input.body, &crate::db::snippets::signature(tx, s.id)?)
            }
            _ => input.body.trim_end().to_string(),
        };
        let activity = tdb::add_activity(tx, id, &new_activity(kind, author, input, &body, minutes, now))?;
        attach_all(tx, id, activity, files)?;
        if !recorded_for_customer {
            crate::app::notify::queue_for_activity(tx, app, activity)?;
        }
        if minutes > 0 {
            // Contingent warnings go out in the transaction that logs the time (issue 22).
            crate::app::contingents::after_time_logged(tx, app, t.customer_id, now)?;
        }
        if let Some(new) = status.filter(|n| *n != t.summary.status) {
            let change = change_status(tx, id, t.summary.status, new, Author::staff(s.id, &s.name), now)?;
            if kind.is_internal() {
                crate::app::notify::queue_for_activity(tx, app, change)?;
            }
        }
        if t.summary.follow_up_at.is_some_and(|f| f <= now) {
            tdb::set_follow_up(tx, id, None)?;
        }
        Ok(())
    })
}

/// The agent opened the ticket: its customer activity counts as seen (written only when new).
pub fn mark_seen(app: &App, s: &StaffMember, ticket_id: i64) -> Result<()> {
    let mut conn = app.conn()?;
    if !tdb::unseen(&conn, s.id, ticket_id)? {
        return Ok(());
    }
    db::write(&mut conn, |tx| tdb::mark_seen(tx, s.id, ticket_id, clock::now()))
}

pub struct TicketUpdate<'a> {
    pub status: &'a str,
    pub priority: &'a str,
    /// A username, or "" for unassigned; `None` leaves it.
    pub assignee: Option<&'a str>,
    /// A date (`YYYY-MM-DD`), or "" for none; `None` leaves it.
    pub follow_up: Option<&'a str>,
    /// The language of the follow-up's internal note.
    pub lang: crate::i18n::Lang,
}

/// Status, priority and assignee; each change is an activity (the assignee's internal only).
pub fn update_ticket(app: &App, s: &StaffMember, number: &str, input: &TicketUpdate) -> Result<()> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let now = clock::now();
    let mut conn = app.conn()?;
    let wanted = check_update(&conn, input, app.tz, now)?;
    db::write(&mut conn, |tx| {
        let t = tdb::get(tx, number, Scope::Staff)?.ok_or(Error::NotFound)?;
        let id = t.summary.id;
        if let Some(new) = wanted.status.filter(|n| *n != t.summary.status) {
            let activity = change_status(tx, id, t.summary.status, new, Author::staff(s.id, &s.name), now)?;
            crate::app::notify::queue_for_activity(tx, app, activity)?;
        }
        if let Some(new) = wanted.priority.filter(|p| *p != t.summary.priority) {
            change_priority(tx, &t, new, s, now)?;
        }
        match wanted.assignee {
            Some(new) if new.as_ref().map(|a| a.id) != t.assignee_id => change_assignee(tx, &t, new.as_ref(), s, now)?,
            _ => {}
        }
        match wanted.follow_up {
            Some(new) if new != t.summary.follow_up_at => change_follow_up(tx, app, &t, new, s, input.lang, now)?,
            _ => {}
        }
        Ok(())
    })
}

/// What a ticket update asks for; `None` leaves a value as it is.
struct WantedUpdate {
    status: Option<Status>,
    priority: Option<Priority>,
    /// `Some(None)`: nobody.
    assignee: Option<Option<StaffMember>>,
    /// `Some(None)`: no follow-up.
    follow_up: Option<Option<i64>>,
}

fn check_update(conn: &rusqlite::Connection, input: &TicketUpdate, tz: &time_tz::Tz, now: i64) -> Result<WantedUpdate> {
    let mut errors = FieldErrors::new();
    let status = match input.status.trim() {
        "" => None,
        v => Status::parse(v).or_else(|| {
            errors.add("status", m::ERR_INVALID_CHOICE);
            None
        }),
    };
    let priority = match input.priority.trim() {
        "" => None,
        v => Priority::parse(v).or_else(|| {
            errors.add("priority", m::ERR_INVALID_CHOICE);
            None
        }),
    };
    let assignee = match input.assignee.map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(u) => match staff::get_by_username(conn, u)? {
            Some(a) if a.active => Some(Some(a)),
            _ => {
                errors.add("assignee", m::ERR_INVALID_CHOICE);
                None
            }
        },
    };
    let follow_up = match input.follow_up.map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(d) => match clock::parse_date(d).map(|d| clock::day_start(d, tz)) {
            Some(at) if at > now => Some(Some(at)),
            Some(_) => {
                errors.add("follow_up", m::ERR_FOLLOW_UP_PAST);
                None
            }
            None => {
                errors.add("follow_up", m::ERR_INVALID_DATE);
                None
            }
        },
    };
    errors.into_result()?;
    Ok(WantedUpdate { status, priority, assignee, follow_up })
}

fn change_priority(
    tx: &rusqlite::Connection,
    t: &TicketDetail,
    new: Priority,
    s: &StaffMember,
    now: i64,
) -> Result<()> {
    tdb::set_priority(tx, t.summary.id, new)?;
    tdb::add_activity(
        tx,
        t.summary.id,
        &NewActivity {
            old_value: Some(t.summary.priority.as_str()),
            new_value: Some(new.as_str()),
            ..NewActivity::new(ActivityKind::Priority, Author::staff(s.id, &s.name), "", now)
        },
    )?;
    Ok(())
}

/// A follow-up date set or removed: an internal note says so (in the author's language).
fn change_follow_up(
    tx: &rusqlite::Connection,
    app: &App,
    t: &TicketDetail,
    new: Option<i64>,
    s: &StaffMember,
    lang: crate::i18n::Lang,
    now: i64,
) -> Result<()> {
    tdb::set_follow_up(tx, t.summary.id, new)?;
    let note = match new {
        Some(at) => lang.f(m::FOLLOW_UP_SET_NOTE, &[("date", &clock::date(at, app.tz, lang))]),
        None => lang.t(m::FOLLOW_UP_CLEARED_NOTE).to_string(),
    };
    tdb::add_activity(
        tx,
        t.summary.id,
        &NewActivity::new(ActivityKind::InternalNote, Author::staff(s.id, &s.name), &note, now),
    )?;
    Ok(())
}

/// A new assignee (`None`: nobody); the activity is internal.
fn change_assignee(
    tx: &rusqlite::Connection,
    t: &TicketDetail,
    new: Option<&StaffMember>,
    s: &StaffMember,
    now: i64,
) -> Result<()> {
    tdb::set_assignee(tx, t.summary.id, new.map(|a| a.id))?;
    let old_name = t.summary.assignee.clone().unwrap_or_default();
    let new_name = new.map(|a| a.name.clone()).unwrap_or_default();
    tdb::add_activity(
        tx,
        t.summary.id,
        &NewActivity {
            old_value: Some(&old_name).filter(|v| !v.is_empty()).map(|v| v.as_str()),
            new_value: Some(&new_name).filter(|v| !v.is_empty()).map(|v| v.as_str()),
            ..NewActivity::new(ActivityKind::Assignee, Author::staff(s.id, &s.name), "", now)
        },
    )?;
    Ok(())
}

pub struct OnBehalfInput<'a> {
    pub customer: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub kind: &'a str,
    pub priority: &'a str,
    pub minutes: &'a str,
    pub custom: &'a HashMap<String, String>,
}

/// Finds the customer a staff member meant: exact number, exact e-mail, or a unique name match.
pub fn find_customer(app: &App, input: &str) -> Result<Option<Customer>> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let conn = app.conn()?;
    if let Some(c) = customers::get_by_no(&conn, input)? {
        return Ok(Some(c));
    }
    let (found, total) = customers::search(&conn, input, 2, 0)?;
    Ok(if total == 1 { found.into_iter().next() } else { None })
}

/// A new ticket for a customer, e.g. from a phone call: the first activity is a call note by
/// default.
pub fn open_for_customer(app: &App, s: &StaffMember, input: &OnBehalfInput, files: &[PendingFile]) -> Result<TicketNo> {
    open_for_person(app, s, input, "", files)
}

/// [`open_for_customer`] for one of the customer's people: `contact` (an active contact's id;
/// empty: the main account) becomes the ticket's opener, so a member who called sees it.
pub fn open_for_person(
    app: &App,
    s: &StaffMember,
    input: &OnBehalfInput,
    contact: &str,
    files: &[PendingFile],
) -> Result<TicketNo> {
    let mut errors = FieldErrors::new();
    let customer = find_customer(app, input.customer)?;
    match &customer {
        Some(c) if c.active => {}
        _ => errors.add("customer", m::ERR_UNKNOWN_CUSTOMER),
    }
    let opener = match (contact.trim(), &customer) {
        ("", _) => None,
        (id, Some(c)) => {
            let found = match id.parse::<i64>() {
                Ok(id) => contacts::get_of_customer(&*app.conn()?, c.id, id)?.filter(|p| p.active),
                Err(_) => None,
            };
            if found.is_none() {
                errors.add("contact", m::ERR_INVALID_CHOICE);
            }
            found.map(|p| p.id)
        }
        (_, None) => None,
    };
    let subject = input.subject.trim();
    if subject.is_empty() {
        errors.add("subject", m::ERR_REQUIRED);
    } else if subject.chars().count() > MAX_SUBJECT_CHARS {
        errors.add_with("subject", m::ERR_TOO_LONG, vec![("max", MAX_SUBJECT_CHARS.to_string())]);
    }
    let kind_str = if input.kind.trim().is_empty() { "call" } else { input.kind };
    let activity = ActivityInput {
        kind: kind_str,
        body: input.body,
        minutes: input.minutes,
        email_from: "",
        email_to: "",
        email_subject: "",
        direction: "",
        status: "",
    };
    let (kind, minutes) = check_activity(&activity, !files.is_empty(), &mut errors);
    let priority = match input.priority.trim() {
        "" => Priority::Normal,
        p => Priority::parse(p).unwrap_or_else(|| {
            errors.add("priority", m::ERR_INVALID_CHOICE);
            Priority::Normal
        }),
    };
    let custom = check_custom_fields(&app.config().fields, input.custom, &mut errors);
    errors.into_result()?;
    let customer = customer.ok_or(Error::NotFound)?;
    // Staff who open a ticket take it; a ticket from the API (a monitor, a CRM) waits in the
    // queue unassigned, like one from the portal.
    let assignee = (!is_api_standin(s)).then_some(s.id);
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let (id, number) = crate::app::tickets::insert_ticket(tx, app, customer.id, subject, priority, assignee, now)?;
        tdb::set_opener(tx, id, opener)?;
        let body = match kind {
            ActivityKind::Message => {
                crate::app::snippets::with_signature(activity.body, &crate::db::snippets::signature(tx, s.id)?)
            }
            _ => activity.body.trim_end().to_string(),
        };
        let first = tdb::add_activity(
            tx,
            id,
            &new_activity(kind, Author::staff(s.id, &s.name), &activity, &body, minutes, now),
        )?;
        attach_all(tx, id, first, files)?;
        crate::app::notify::queue_for_activity(tx, app, first)?;
        if minutes > 0 {
            crate::app::contingents::after_time_logged(tx, app, customer.id, now)?;
        }
        for (k, v) in &custom {
            tdb::set_field(tx, id, k, v)?;
        }
        crate::app::tickets::index_field_labels(tx, &app.config().fields, id)?;
        Ok(number)
    })
}

// ------------------------------------------------------------------------------ customers

pub fn customer_list(app: &App, q: &str, page: usize, page_size: usize) -> Result<(Vec<Customer>, i64)> {
    let conn = app.conn()?;
    customers::search(&conn, q, page_size, page.saturating_sub(1) * page_size)
}

pub fn customer_page(app: &App, customer_no: &str) -> Result<CustomerPage> {
    let conn = app.conn()?;
    let customer = customers::get_by_no(&conn, customer_no)?.ok_or(Error::NotFound)?;
    let open_tickets = customers::open_ticket_count(&conn, customer.id)?;
    let query = TicketQuery { page: 1, page_size: 20, ..TicketQuery::default() };
    // Its table shows no field columns.
    let tickets = tdb::list_with(&conn, Scope::Customer(customer.id), &query, ListRead::table(&[], true))?;
    let contacts = contacts::list_for_customer(&conn, customer.id)?;
    Ok(CustomerPage { customer, open_tickets, tickets, contacts })
}

pub struct CustomerInput<'a> {
    pub customer_no: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub password: &'a str,
    pub active: bool,
}

/// The next free customer number by `[portal] customer_no_pattern`, for the new-customer form;
/// `None` when the pattern is empty.
pub fn suggest_customer_no(app: &App) -> Result<Option<String>> {
    let cfg = app.config();
    let pattern = cfg.portal.customer_no_pattern.trim();
    if pattern.is_empty() {
        return Ok(None);
    }
    let prefix = pattern.trim_end_matches(|c: char| c.is_ascii_digit());
    let conn = app.conn()?;
    let existing = customers::numbers_with_prefix(&conn, prefix)?;
    Ok(crate::model::next_customer_no(pattern, existing.iter().map(String::as_str)))
}

/// Creates a customer; an empty password is generated and returned to be shown once.
pub fn create_customer(
    app: &App,
    s: &StaffMember,
    input: &CustomerInput,
    address: &str,
) -> Result<(String, Option<String>)> {
    let actor = actor(s);
    let new = bootstrap::NewCustomerInput {
        customer_no: input.customer_no,
        name: input.name,
        email: input.email,
        phone: input.phone,
        password: Some(input.password).filter(|p| !p.is_empty()),
        actor: &actor,
        address,
    };
    let (_, generated) = bootstrap::create_customer(app, &new)?;
    Ok((input.customer_no.trim().to_string(), generated))
}

pub fn update_customer(
    app: &App,
    s: &StaffMember,
    customer_no: &str,
    input: &CustomerInput,
    address: &str,
) -> Result<()> {
    let mut errors = FieldErrors::new();
    crate::app::people::check_person(input.name, input.email, input.phone, &mut errors);
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let c = customers::get_by_no(tx, customer_no)?.ok_or(Error::NotFound)?;
        if customers::exists_email(tx, input.email, Some(c.id))? || contacts::exists_email(tx, input.email, None)? {
            errors.add("email", m::ERR_EMAIL_TAKEN);
        }
        std::mem::take(&mut errors).into_result()?;
        customers::update(
            tx,
            c.id,
            &customers::CustomerUpdate {
                name: input.name.trim(),
                email: input.email.trim(),
                phone: input.phone.trim(),
                active: input.active,
            },
        )?;
        let actor = actor(s);
        let entry = audit::Entry { actor: &actor, action: "customer.update", target: customer_no, detail: "", address };
        audit::insert(tx, &entry, now)?;
        if c.active && !input.active {
            sessions::delete_company_sessions(tx, c.id)?;
            audit::insert(tx, &entry.with_action("customer.deactivate"), now)?;
        } else if !c.active && input.active {
            audit::insert(tx, &entry.with_action("customer.activate"), now)?;
        }
        Ok(())
    })
}

/// Sets a customer's password (or generates one, returned to be shown once); their sessions end.
pub fn reset_customer_password(
    app: &App,
    s: &StaffMember,
    customer_no: &str,
    new: &str,
    address: &str,
) -> Result<Option<String>> {
    let mut errors = FieldErrors::new();
    if !new.is_empty() {
        let c = customers::get_by_no(&*app.conn()?, customer_no)?.ok_or(Error::NotFound)?;
        check_new_password(app, new, "new_password", &[c.customer_no.as_str(), c.email.as_str()], &mut errors);
    }
    errors.into_result()?;
    let NewPassword { plain: pw, hash, generated } = new_password(app, Some(new).filter(|p| !p.is_empty()))?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let c = customers::get_by_no(tx, customer_no)?.ok_or(Error::NotFound)?;
        customers::set_password(tx, c.id, &hash, now)?;
        customers::set_password_copy(tx, c.id, app.seal_password(c.id, &pw)?.as_deref())?;
        sessions::delete_customer_sessions(tx, c.id, None)?;
        crate::app::links::password_changed(tx, crate::db::password_tokens::Owner::Customer(c.id))?;
        let actor = actor(s);
        let detail = if generated.is_some() { "generated" } else { "set" };
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "password.reset", target: customer_no, detail, address },
            now,
        )
    })?;
    Ok(generated)
}

// ------------------------------------------------------------------------------ time

/// The time statement of a customer for a month (local time), for staff or the customer.
pub fn time_statement(app: &App, customer: &Customer, year: i32, month: u8, scope: Scope) -> Result<Statement> {
    let (from, to) = clock::month_range(year, month, app.tz);
    let conn = app.conn()?;
    let entries = tdb::time_entries(&conn, customer.id, from, to, scope)?;
    let total_minutes = entries.iter().map(|e| e.minutes).sum();
    Ok(Statement { customer: customer.clone(), year, month, entries, total_minutes })
}

/// The month a time statement opens on without `year`/`month`: the latest month up to now with
/// time spent, or the current month when there is none (issue 19: not an empty current month).
pub fn statement_default_month(app: &App, customer: &Customer) -> Result<(i32, u8)> {
    let now = clock::now();
    let (cy, cm) = clock::year_month(now, app.tz);
    let (_, end_of_month) = clock::month_range(cy, cm, app.tz);
    let conn = app.conn()?;
    Ok(match tdb::latest_time_entry(&conn, customer.id, end_of_month)? {
        Some(at) => clock::year_month(at, app.tz),
        None => (cy, cm),
    })
}

pub fn customer_by_no(app: &App, customer_no: &str) -> Result<Customer> {
    let conn = app.conn()?;
    customers::get_by_no(&conn, customer_no)?.ok_or(Error::NotFound)
}
