//! The customer's tickets: overview, detail, opening, replying, closing.

use std::collections::HashMap;

use crate::app::attachments::{attach_all, PendingFile};
use crate::app::App;
use crate::clock;
use crate::db::tickets::{self as tdb, Author, NewActivity, NewTicket};
use crate::db::{self};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{
    month_key, ActivityKind, Customer, Detail, Field, FieldType, KindFilter, ListRead, Overview, Priority, Scope,
    Status, TicketDetail, TicketNo, TicketPage, TicketQuery, TimelinePage,
};

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 50_000;
pub const MAX_FIELD_CHARS: usize = 2_000;

/// The customer's overview; `read`: what its rows carry besides what every table shows
/// (`ListRead::table(fields, false)`; the CSV export reads [`overview_rows`]).
pub fn overview(app: &App, customer: &Customer, query: &TicketQuery, read: ListRead) -> Result<Overview> {
    let conn = app.conn()?;
    let scope = customer.scope();
    let page = tdb::list_rows(&conn, scope, query, read)?;
    let (years, months, total_minutes_all) = tdb::overview_counts(&conn, scope, query.year)?;
    Ok(Overview { page, years, months, total_minutes_all })
}

/// The customer's tickets as the CSV export writes them: every column, field values included.
pub fn overview_rows(app: &App, customer: &Customer, query: &TicketQuery) -> Result<TicketPage> {
    let conn = app.conn()?;
    tdb::list_with(&conn, customer.scope(), query, ListRead::ALL)
}

/// The staff queue: every customer's tickets.
pub fn queue(app: &App, query: &TicketQuery) -> Result<TicketPage> {
    let conn = app.conn()?;
    tdb::list(&conn, Scope::Staff, query)
}

/// A ticket with the newest page of its timeline.
pub fn detail(app: &App, scope: Scope, number: &str, kind: KindFilter) -> Result<Detail> {
    detail_page(app, scope, number, kind, 1)
}

/// A ticket with page `page` of its timeline (1: the newest [`TimelinePage::SIZE`] activities).
pub fn detail_page(app: &App, scope: Scope, number: &str, kind: KindFilter, page: usize) -> Result<Detail> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let conn = app.conn()?;
    let ticket = tdb::get(&conn, number, scope)?.ok_or(Error::NotFound)?;
    // One more than a page: whether older ones exist, without counting them.
    let size = TimelinePage::SIZE;
    let id = ticket.summary.id;
    // A ticket whose count says the newest page is all of it reads it oldest first (cheaper,
    // `tdb::first_activities`); if there are more after all, the newest page is read as usual.
    let short = page == 1 && usize::try_from(ticket.summary.activity_count).is_ok_and(|n| n <= size);
    let first = if short { Some(tdb::first_activities(&conn, id, scope, kind, size + 1)?) } else { None };
    let mut activities = match first {
        Some(all) if all.len() <= size => all,
        _ => tdb::latest_activities(&conn, id, scope, kind, TimelinePage::skip(page), size + 1)?,
    };
    let older = activities.len() > size;
    if older {
        activities.remove_first();
    }
    let fields = tdb::fields(&conn, ticket.summary.id)?;
    let attachments = crate::db::attachments::list_for_ticket(&conn, ticket.summary.id, scope)?;
    Ok(Detail { ticket, activities, fields, attachments, timeline: TimelinePage { number: page, older, kind } })
}

pub struct NewTicketInput<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub priority: &'a str,
    /// `cf_<key>` form values, by key without the prefix.
    pub custom: &'a HashMap<String, String>,
}

/// Checks subject, body and priority; returns the trimmed subject and the priority.
fn check_basics<'a>(input: &NewTicketInput<'a>, errors: &mut FieldErrors) -> (&'a str, Priority) {
    let subject = input.subject.trim();
    if subject.is_empty() {
        errors.add("subject", m::ERR_REQUIRED);
    } else if subject.chars().count() > MAX_SUBJECT_CHARS {
        errors.add_with("subject", m::ERR_TOO_LONG, vec![("max", MAX_SUBJECT_CHARS.to_string())]);
    }
    check_body(input.body, "body", errors);
    let priority = match input.priority.trim() {
        "" => Priority::Normal,
        p => Priority::parse(p).unwrap_or_else(|| {
            errors.add("priority", m::ERR_INVALID_CHOICE);
            Priority::Normal
        }),
    };
    (subject, priority)
}

/// A text that may be empty when files come with it.
pub fn check_body_or_files(body: &str, field: &str, has_files: bool, errors: &mut FieldErrors) {
    if has_files && body.trim().is_empty() {
        return;
    }
    check_body(body, field, errors);
}

pub fn check_body(body: &str, field: &str, errors: &mut FieldErrors) {
    if body.trim().is_empty() {
        errors.add(field, m::ERR_REQUIRED);
    } else if body.chars().count() > MAX_BODY_CHARS {
        errors.add_with(field, m::ERR_TOO_LONG, vec![("max", MAX_BODY_CHARS.to_string())]);
    }
}

/// Is a configured field shown, given the other values? Hidden fields are neither required nor
/// stored.
pub fn field_visible(field: &Field, values: &HashMap<String, String>, all: &[Field]) -> bool {
    crate::model::field_shown(field, &|k| values.get(k).cloned(), all)
}

/// `TT.MM.JJJJ` as `JJJJ-MM-TT`, when it is a real date.
fn german_date(value: &str) -> Option<String> {
    let d = time::Date::parse(value.trim(), time::macros::format_description!("[day].[month].[year]")).ok()?;
    Some(format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

/// Validates the configured fields; returns the values to store, keyed without the prefix.
pub fn check_custom_fields(
    fields: &[Field],
    values: &HashMap<String, String>,
    errors: &mut FieldErrors,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in fields {
        if !field_visible(f, values, fields) {
            continue;
        }
        let name = format!("cf_{}", f.key);
        let raw = values.get(&f.key).map(|s| s.trim()).unwrap_or("");
        let value = if f.kind == FieldType::Checkbox {
            if raw.is_empty() {
                ""
            } else {
                "yes"
            }
        } else {
            raw
        };
        if value.is_empty() {
            if f.required {
                errors.add(&name, m::ERR_REQUIRED);
            }
            continue;
        }
        if value.chars().count() > MAX_FIELD_CHARS {
            errors.add_with(&name, m::ERR_TOO_LONG, vec![("max", MAX_FIELD_CHARS.to_string())]);
            continue;
        }
        // A date typed the German way (10.12.2026, where the browser has no date picker) is
        // stored as the date input sends it (2026-12-10).
        let german_date = (f.kind == FieldType::Date).then(|| german_date(value)).flatten();
        let value = german_date.as_deref().unwrap_or(value);
        let ok = match f.kind {
            FieldType::Number => value.replace(',', ".").parse::<f64>().is_ok_and(|n| n.is_finite()),
            FieldType::Date => {
                time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
            }
            FieldType::Email => crate::model::is_plausible_email(value),
            FieldType::Select => f.options.iter().any(|o| o.value() == value),
            FieldType::Phone => value.chars().all(|c| c.is_ascii_digit() || " +-/()".contains(c)),
            FieldType::Text | FieldType::Textarea | FieldType::Checkbox => true,
        };
        if !ok {
            let msg = match f.kind {
                FieldType::Number => m::ERR_INVALID_NUMBER,
                FieldType::Date => m::ERR_INVALID_DATE,
                FieldType::Email => m::ERR_INVALID_EMAIL,
                FieldType::Phone => m::ERR_INVALID_PHONE,
                _ => m::ERR_INVALID_CHOICE,
            };
            errors.add(&name, msg);
            continue;
        }
        out.push((f.key.clone(), value.to_string()));
    }
    out
}

/// Re-indexes a ticket's field values for search with the labels people see (a select's
/// option label in both languages, "Ja"/"Yes" for a ticked checkbox) next to the raw values.
pub fn index_field_labels(tx: &rusqlite::Connection, fields: &[Field], ticket_id: i64) -> Result<()> {
    let mut text = Vec::new();
    for (key, value) in tdb::fields(tx, ticket_id)? {
        text.push(value.clone());
        if let Some(f) = fields.iter().find(|f| f.key == key) {
            match f.kind {
                FieldType::Select => {
                    if let Some(o) = f.options.iter().find(|o| o.value() == value) {
                        text.push(o.label(crate::i18n::Lang::De).to_string());
                        text.push(o.label(crate::i18n::Lang::En).to_string());
                    }
                }
                FieldType::Checkbox => {
                    text.push(format!("{} {}", f.label.get(crate::i18n::Lang::De), f.label.get(crate::i18n::Lang::En)))
                }
                _ => {}
            }
        }
    }
    tdb::index_fields(tx, ticket_id, &text.join(" "))
}

/// A new open ticket with the next number of the (local) year, on the caller's transaction.
pub fn insert_ticket(
    tx: &rusqlite::Connection,
    app: &App,
    customer_id: i64,
    subject: &str,
    priority: Priority,
    assignee_id: Option<i64>,
    now: i64,
) -> Result<(i64, TicketNo)> {
    let (year, month) = clock::year_month(now, app.tz);
    let number = TicketNo { year, seq: tdb::next_seq(tx, year)? };
    let number_s = number.to_string();
    let ticket = NewTicket {
        number: &number_s,
        customer_id,
        subject,
        status: Status::Open,
        priority,
        assignee_id,
        created_at: now,
        created_month: month_key(year, month),
    };
    Ok((tdb::insert(tx, &ticket)?, number))
}

/// Opens a ticket for the customer; the description is its first activity.
pub fn open_ticket(app: &App, customer: &Customer, input: &NewTicketInput, files: &[PendingFile]) -> Result<TicketNo> {
    let mut errors = FieldErrors::new();
    let (subject, priority) = check_basics(input, &mut errors);
    let custom = check_custom_fields(&app.config().fields, input.custom, &mut errors);
    errors.into_result()?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let (id, number) = insert_ticket(tx, app, customer.id, subject, priority, None, now)?;
        tdb::set_opener(tx, id, customer.contact_id())?;
        let activity = tdb::add_activity(
            tx,
            id,
            &NewActivity::new(ActivityKind::Message, Author::person(customer), input.body.trim_end(), now),
        )?;
        attach_all(tx, id, activity, files)?;
        crate::app::notify::queue_for_activity(tx, app, activity)?;
        for (k, v) in &custom {
            tdb::set_field(tx, id, k, v)?;
        }
        index_field_labels(tx, &app.config().fields, id)?;
        Ok(number)
    })
}

/// The customer answers. A ticket that waited for them, or was closed, opens again.
pub fn reply(app: &App, customer: &Customer, number: &str, body: &str, files: &[PendingFile]) -> Result<()> {
    let mut errors = FieldErrors::new();
    check_body_or_files(body, "body", !files.is_empty(), &mut errors);
    // The ticket's existence is checked before the body, so another customer gets 404, not 422.
    check_own_ticket(app, customer, number)?;
    errors.into_result()?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let by = Author::person(customer);
        let activity = NewActivity::new(ActivityKind::Message, by, body.trim_end(), now);
        let t = add_to_own_ticket(tx, app, customer, number, &activity, files)?;
        if matches!(t.summary.status, Status::Waiting | Status::Closed) {
            change_status(tx, t.summary.id, t.summary.status, Status::Open, Author::SYSTEM, now)?;
        }
        Ok(())
    })
}

/// The customer adds documents on their own: one activity of kind `document`.
pub fn add_documents(app: &App, customer: &Customer, number: &str, files: &[PendingFile]) -> Result<()> {
    check_own_ticket(app, customer, number)?;
    if files.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("attachments", m::ERR_NO_FILE);
        return Err(Error::Invalid(errors));
    }
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let by = Author::person(customer);
        let activity = NewActivity::new(ActivityKind::Document, by, "", now);
        add_to_own_ticket(tx, app, customer, number, &activity, files).map(|_| ())
    })
}

/// `NotFound` unless `number` is one of the customer's tickets (another customer's included).
fn check_own_ticket(app: &App, customer: &Customer, number: &str) -> Result<()> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let conn = app.conn()?;
    tdb::get(&conn, number, customer.scope())?.ok_or(Error::NotFound)?;
    Ok(())
}

/// Adds the customer's activity with its files to their ticket and queues its mails, on the
/// caller's transaction; returns the ticket as it was before.
fn add_to_own_ticket(
    tx: &rusqlite::Connection,
    app: &App,
    customer: &Customer,
    number: &str,
    activity: &NewActivity,
    files: &[PendingFile],
) -> Result<TicketDetail> {
    let t = tdb::get(tx, number, customer.scope())?.ok_or(Error::NotFound)?;
    let id = tdb::add_activity(tx, t.summary.id, activity)?;
    attach_all(tx, t.summary.id, id, files)?;
    crate::app::notify::queue_for_activity(tx, app, id)?;
    Ok(t)
}

/// The customer closes their own ticket (only when `customers_can_close`).
pub fn close(app: &App, customer: &Customer, number: &str) -> Result<()> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    if !app.config().portal.customers_can_close {
        return Err(Error::NotFound);
    }
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let t = tdb::get(tx, number, customer.scope())?.ok_or(Error::NotFound)?;
        if t.summary.status == Status::Closed {
            return Ok(());
        }
        change_status(tx, t.summary.id, t.summary.status, Status::Closed, Author::person(customer), now).map(|_| ())
    })
}

/// Sets a status and records the change as a visible activity, on the caller's transaction;
/// returns the activity's id.
pub fn change_status(
    tx: &rusqlite::Connection,
    ticket_id: i64,
    old: Status,
    new: Status,
    author: Author,
    now: i64,
) -> Result<i64> {
    tdb::set_status(tx, ticket_id, new, now)?;
    tdb::add_activity(
        tx,
        ticket_id,
        &NewActivity {
            old_value: Some(old.as_str()),
            new_value: Some(new.as_str()),
            ..NewActivity::new(ActivityKind::Status, author, "", now)
        },
    )
}

/// Who changes configured field values.
pub enum Editor<'a> {
    Customer(&'a Customer),
    Staff(&'a crate::model::StaffMember),
}

/// Changes configured field values of a ticket; each changed field becomes an activity of kind
/// `field`. Customers may change only `customer_editable` fields. Values of fields hidden by
/// `show_when` are dropped; `required` is not enforced on later edits (older tickets may lack
/// values), but types are.
pub fn update_fields(app: &App, editor: Editor, number: &str, values: &HashMap<String, String>) -> Result<usize> {
    TicketNo::parse(number).ok_or(Error::NotFound)?;
    let scope = match editor {
        Editor::Customer(c) => c.scope(),
        Editor::Staff(_) => Scope::Staff,
    };
    let editable: Vec<Field> = app
        .config()
        .fields
        .iter()
        .filter(|f| matches!(editor, Editor::Staff(_)) || f.customer_editable)
        .map(|f| Field { required: false, ..f.clone() })
        .collect();
    let conn = app.conn()?;
    let ticket = tdb::get(&conn, number, scope)?.ok_or(Error::NotFound)?;
    let current: HashMap<String, String> = tdb::fields(&conn, ticket.summary.id)?.into_iter().collect();
    drop(conn);
    // Visibility is judged on the full picture: submitted values over the stored ones.
    let mut merged = current.clone();
    for f in &editable {
        merged.insert(f.key.clone(), values.get(&f.key).cloned().unwrap_or_default());
    }
    let all: Vec<Field> = app.config().fields.iter().map(|f| Field { required: false, ..f.clone() }).collect();
    let mut errors = FieldErrors::new();
    let checked: HashMap<String, String> = check_custom_fields(&all, &merged, &mut errors).into_iter().collect();
    errors.into_result()?;
    let now = clock::now();
    let author = match editor {
        Editor::Customer(c) => Author::person(c),
        Editor::Staff(s) => Author::staff(s.id, &s.name),
    };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let mut changed = 0;
        for f in &editable {
            let old = current.get(&f.key).map(String::as_str).unwrap_or("");
            let new = checked.get(&f.key).map(String::as_str).unwrap_or("");
            if old == new {
                continue;
            }
            if new.is_empty() {
                tdb::delete_field(tx, ticket.summary.id, &f.key)?;
            } else {
                tdb::set_field(tx, ticket.summary.id, &f.key, new)?;
            }
            tdb::add_activity(
                tx,
                ticket.summary.id,
                &NewActivity {
                    old_value: Some(old).filter(|v| !v.is_empty()),
                    new_value: Some(new).filter(|v| !v.is_empty()),
                    ..NewActivity::new(ActivityKind::Field, author, &f.key, now)
                },
            )?;
            changed += 1;
        }
        if changed > 0 {
            index_field_labels(tx, &app.config().fields, ticket.summary.id)?;
        }
        Ok(changed)
    })
}
