//! Hour contingents (issue 22): staff record what a customer bought; the customer's logged time
//! is booked against it on every read (`model::contingents::book`), and the transaction that
//! logs time sends the warnings at `[contingents] warn_at_percent` and at 100 %.
//!
//! Who sees balances: staff, the customer's main account and its managers. A member (issue 18:
//! sees only their own tickets) sees no contingent at all — a balance is the company's money,
//! and it is made of colleagues' tickets the member may not see.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::app::App;
use crate::clock;
use crate::db::contingents::{self as cdb, ContingentText};
use crate::db::{self, audit, customers, outbox};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::contingents::{
    book, crossed, parse_hours, segment_days, Allowance, BookedEntry, Contingent, ContingentLine, ContingentReport,
    Ledger, TimeItem, MAX_BLOCK_HOURS, MAX_MONTHLY_HOURS,
};
use crate::model::{Customer, StaffMember, TimeEntry};

/// A contingent form as submitted: `hours` (a block) or `hours_per_month` (an allowance).
pub struct ContingentInput<'a> {
    pub hours: &'a str,
    pub hours_per_month: &'a str,
    pub carry_over: bool,
    pub valid_from: &'a str,
    pub valid_until: &'a str,
    pub note: &'a str,
}

/// Checks a form: exactly one of the two sizes, positive and not absurd; dates that exist, the
/// end not before the start.
fn check(input: &ContingentInput) -> Result<(Allowance, String, Option<String>, String)> {
    let mut errors = FieldErrors::new();
    let (hours, monthly) = (input.hours.trim(), input.hours_per_month.trim());
    let allowance = match (hours.is_empty(), monthly.is_empty()) {
        (false, true) => match parse_hours(hours, MAX_BLOCK_HOURS) {
            Some(minutes) => Some(Allowance::Block { minutes }),
            None => {
                errors.add("hours", m::CONTINGENT_ERR_HOURS);
                None
            }
        },
        (true, false) => match parse_hours(monthly, MAX_MONTHLY_HOURS) {
            Some(minutes) => Some(Allowance::Monthly { minutes, carry_over: input.carry_over }),
            None => {
                errors.add("hours_per_month", m::CONTINGENT_ERR_HOURS_PER_MONTH);
                None
            }
        },
        _ => {
            errors.add("hours", m::CONTINGENT_ERR_ONE_SIZE);
            None
        }
    };
    let from = clock::parse_date(input.valid_from);
    if from.is_none() {
        errors.add("valid_from", m::CONTINGENT_ERR_DATE);
    }
    let until = match input.valid_until.trim() {
        "" => None,
        s => match clock::parse_date(s) {
            Some(d) if from.is_none_or(|f| d >= f) => Some(d),
            Some(_) => {
                errors.add("valid_until", m::CONTINGENT_ERR_UNTIL);
                None
            }
            None => {
                errors.add("valid_until", m::CONTINGENT_ERR_DATE);
                None
            }
        },
    };
    let note = input.note.trim();
    if note.chars().count() > 500 {
        errors.add("note", m::CONTINGENT_ERR_NOTE);
    }
    errors.into_result()?;
    let (Some(allowance), Some(from)) = (allowance, from) else {
        return Err(Error::Internal("contingent check passed without values".into()));
    };
    Ok((allowance, from.to_string(), until.map(|u| u.to_string()), note.to_string()))
}

/// Staff add a contingent to a customer; audited.
pub fn create(app: &App, s: &StaffMember, customer_no: &str, input: &ContingentInput, address: &str) -> Result<i64> {
    let (allowance, from, until, note) = check(input)?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let c = customers::get_by_no(tx, customer_no)?.ok_or(Error::NotFound)?;
        let text = ContingentText { allowance, valid_from: &from, valid_until: until.as_deref(), note: &note };
        let id = cdb::insert(tx, c.id, &text, now)?;
        let (actor, target, detail) =
            (format!("staff:{}", s.username), format!("{customer_no}#{id}"), describe(allowance));
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "contingent.create", target: &target, detail: &detail, address },
            now,
        )?;
        Ok(id)
    })
}

/// Staff change a contingent; bookings follow by themselves (they are computed). Audited.
pub fn update(
    app: &App,
    s: &StaffMember,
    customer_no: &str,
    id: i64,
    input: &ContingentInput,
    address: &str,
) -> Result<()> {
    let (allowance, from, until, note) = check(input)?;
    let now = clock::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let c = customers::get_by_no(tx, customer_no)?.ok_or(Error::NotFound)?;
        cdb::get(tx, c.id, id)?.ok_or(Error::NotFound)?;
        let text = ContingentText { allowance, valid_from: &from, valid_until: until.as_deref(), note: &note };
        cdb::update(tx, id, &text, now)?;
        let (actor, target, detail) =
            (format!("staff:{}", s.username), format!("{customer_no}#{id}"), describe(allowance));
        audit::insert(
            tx,
            &audit::Entry { actor: &actor, action: "contingent.update", target: &target, detail: &detail, address },
            now,
        )
    })
}

fn describe(a: Allowance) -> String {
    match a {
        Allowance::Block { minutes } => format!("block {minutes} min"),
        Allowance::Monthly { minutes, carry_over } => {
            format!("monthly {minutes} min{}", if carry_over { ", carry-over" } else { "" })
        }
    }
}

/// One contingent of the customer (staff's edit form).
pub fn get(app: &App, customer: &Customer, id: i64) -> Result<Contingent> {
    cdb::get(&*app.conn()?, customer.id, id)?.ok_or(Error::NotFound)
}

/// The first instant any contingent covers (local midnight of the earliest `valid_from`).
fn earliest(contingents: &[Contingent], tz: &time_tz::Tz) -> Option<i64> {
    contingents.iter().filter_map(|c| clock::parse_date(&c.valid_from)).min().map(|d| clock::day_start(d, tz))
}

/// A customer's contingents, their ledger, and the entries it booked (by activity id).
struct Booked {
    contingents: Vec<Contingent>,
    ledger: Ledger,
    entries: Vec<(i64, TimeEntry)>,
}

/// Books the customer's time from the earliest contingent's start (or `from`, if earlier).
fn ledger_since(conn: &Connection, tz: &time_tz::Tz, customer_id: i64, from: Option<i64>, now: i64) -> Result<Booked> {
    let contingents = cdb::for_customer(conn, customer_id)?;
    let today = clock::iso_date(now, tz);
    let start = match (earliest(&contingents, tz), from) {
        (Some(e), Some(f)) => Some(e.min(f)),
        (e, f) => e.or(f),
    };
    let entries = match start {
        Some(s) => cdb::time_since(conn, customer_id, s)?,
        None => Vec::new(),
    };
    let items: Vec<TimeItem> = entries
        .iter()
        .map(|(id, e)| TimeItem { activity_id: *id, day: clock::iso_date(e.created_at, tz), minutes: e.minutes })
        .collect();
    let ledger = book(&contingents, &items, &today);
    Ok(Booked { contingents, ledger, entries })
}

/// The remaining minutes of a customer's active contingents, for the header and the staff
/// pages; `None` without an active contingent, and always for a member.
pub fn remaining(app: &App, customer: &Customer) -> Result<Option<i64>> {
    if !customer.sees_all() {
        return Ok(None);
    }
    remaining_for(app, customer.id)
}

/// The same for a customer by id (the composer knows the ticket's customer id). Books the
/// minutes summed per run of days that booking treats alike (`segment_days`, sums kept by
/// schema 0025's triggers), so the cost follows the contingents, not the customer's history.
pub fn remaining_for(app: &App, customer_id: i64) -> Result<Option<i64>> {
    let conn = app.conn()?;
    let contingents = cdb::for_customer(&conn, customer_id)?;
    let today = clock::iso_date(clock::now(), app.tz);
    let runs = segment_days(&contingents, &today);
    let starts: Vec<i64> =
        runs.iter().map(|d| clock::parse_date(d).map_or(i64::MAX, |d| clock::day_start(d, app.tz))).collect();
    let mut items = Vec::with_capacity(runs.len());
    for (i, day) in runs.into_iter().enumerate() {
        let to = starts.get(i + 1).copied().unwrap_or(i64::MAX);
        let minutes = cdb::minutes_between(&conn, customer_id, starts[i], to)?;
        if minutes != 0 {
            items.push(TimeItem { activity_id: 0, day, minutes });
        }
    }
    Ok(book(&contingents, &items, &today).active_remaining())
}

/// Contingents with today's balances and the bookings of one month; `None` for a member, and
/// for a customer without contingents. `staff`: internal texts are kept.
pub fn report(app: &App, customer: &Customer, year: i32, month: u8, staff: bool) -> Result<Option<ContingentReport>> {
    if !staff && !customer.sees_all() {
        return Ok(None);
    }
    let (from, to) = clock::month_range(year, month, app.tz);
    let conn = app.conn()?;
    let Booked { contingents, ledger, entries } = ledger_since(&conn, app.tz, customer.id, Some(from), clock::now())?;
    if contingents.is_empty() && !staff {
        return Ok(None);
    }
    let by_id: HashMap<i64, &TimeEntry> = entries.iter().map(|(id, e)| (*id, e)).collect();
    let mut per: HashMap<Option<i64>, Vec<BookedEntry>> = HashMap::new();
    for b in &ledger.bookings {
        let Some(e) = by_id.get(&b.activity_id) else { continue };
        if e.created_at < from || e.created_at >= to {
            continue;
        }
        let mut entry = (*e).clone();
        if entry.internal && !staff {
            entry.body.clear();
        }
        per.entry(b.contingent_id).or_default().push(BookedEntry { entry, minutes: b.minutes });
    }
    let lines = contingents
        .into_iter()
        .filter_map(|c| {
            let balance = ledger.balance(c.id)?.clone();
            let entries = per.remove(&Some(c.id)).unwrap_or_default();
            let month_minutes = entries.iter().map(|e| e.minutes).sum();
            Some(ContingentLine { contingent: c, balance, entries, month_minutes })
        })
        .collect::<Vec<_>>();
    let uncovered = per.remove(&None).unwrap_or_default();
    let uncovered_minutes = uncovered.iter().map(|e| e.minutes).sum::<i64>();
    let month_total = lines.iter().map(|l| l.month_minutes).sum::<i64>() + uncovered_minutes;
    Ok(Some(ContingentReport {
        customer: customer.clone(),
        year,
        month,
        lines,
        uncovered,
        uncovered_minutes,
        month_total,
        remaining: ledger.active_remaining(),
    }))
}

/// In the transaction that logged time on a ticket of `customer_id`: for each active
/// contingent that crossed `warn_at_percent` or 100 % in its period, and was not warned of that
/// threshold before, record the warning and mail the customer (main account and managers) and
/// staff. Several thresholds crossed at once make one mail, about the highest.
pub fn after_time_logged(tx: &Connection, app: &App, customer_id: i64, now: i64) -> Result<()> {
    let Booked { contingents, ledger, .. } = ledger_since(tx, app.tz, customer_id, None, now)?;
    let thresholds = [i64::from(app.config().contingents.warn_at_percent), 100];
    for c in &contingents {
        let Some(b) = ledger.balance(c.id).filter(|b| b.active) else { continue };
        let mut newest = None;
        for t in crossed(b.period_used, b.period_bought, &thresholds) {
            if cdb::mark_warned(tx, c.id, &b.period, t, now)? {
                newest = Some(t);
            }
        }
        if let Some(percent) = newest {
            warn(tx, app, customer_id, c, b.remaining, percent)?;
        }
    }
    Ok(())
}

fn warn(tx: &Connection, app: &App, customer_id: i64, c: &Contingent, remaining: i64, percent: i64) -> Result<()> {
    if app.config().smtp.is_none() {
        return Ok(());
    }
    let customer = customers::get(tx, customer_id)?;
    let base = app.config().base_url.as_deref().map(|b| b.trim_end_matches('/').to_string());
    let mut to: Vec<(outbox::Recipient, crate::app::notify::To)> = Vec::new();
    if let Some(r) = outbox::customer_recipient(tx, customer_id)? {
        to.push((r, crate::app::notify::To::Customer));
    }
    for r in cdb::manager_recipients(tx, customer_id)? {
        to.push((r, crate::app::notify::To::Contact { customer_id }));
    }
    for r in outbox::staff_recipients(tx, None)? {
        to.push((r, crate::app::notify::To::Staff));
    }
    for (r, kind) in to {
        let staff = kind == crate::app::notify::To::Staff;
        let path = if staff {
            format!("/staff/customers/{}/contingents", crate::model::url_encode(&customer.customer_no))
        } else {
            "/account/time".to_string()
        };
        let link = base.as_ref().map(|b| format!("{b}{path}"));
        let lang = r.language.unwrap_or(app.default_lang);
        let mail = crate::views::contingents::WarningMail {
            lang,
            site_title: &app.config().portal.title,
            recipient_name: &r.name,
            customer_name: &customer.name,
            customer_no: &customer.customer_no,
            contingent: c,
            percent,
            remaining,
            link: link.as_deref(),
        };
        let (subject, text, html) = crate::views::contingents::warning_mail(&mail);
        crate::app::notify::queue_message(tx, app, &r, kind, &subject, &text, &html.into_string())?;
    }
    Ok(())
}
