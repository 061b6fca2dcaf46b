//! Hour contingents (issue 22): the balance in the header, on the customer page and beside the
//! composer; the contingents on `/account/time`; the staff's page with the form and the monthly
//! statement per contingent (HTML, CSV, print); the warning mail.

use maud::{html, Markup};
use time_tz::Tz;

use crate::clock;
use crate::error::FieldErrors;
use crate::i18n::{m, Lang};
use crate::model::contingents::{Allowance, BookedEntry, Contingent, ContingentLine, ContingentReport};
use crate::model::{format_minutes, url_encode, Form};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

/// "12 h 30 min" in hours as the contract says them: whole and quarter hours read as typed.
fn hours(minutes: i64) -> String {
    format_minutes(minutes)
}

/// What a contingent is, in a line: "Stundenkontingent (10 h)", "Monatliches Kontingent (…)".
pub fn describe(lang: Lang, c: &Contingent) -> String {
    match c.allowance {
        Allowance::Block { minutes } => lang.f(m::CONTINGENT_BLOCK, &[("hours", &hours(minutes))]),
        Allowance::Monthly { minutes, carry_over: false } => {
            lang.f(m::CONTINGENT_MONTHLY, &[("hours", &hours(minutes))])
        }
        Allowance::Monthly { minutes, carry_over: true } => {
            lang.f(m::CONTINGENT_MONTHLY_CARRY, &[("hours", &hours(minutes))])
        }
    }
}

fn day(lang: Lang, iso: &str) -> String {
    clock::show_iso_date(iso, lang).unwrap_or_else(|| iso.to_string())
}

fn validity(lang: Lang, c: &Contingent) -> String {
    let until = match &c.valid_until {
        Some(u) => day(lang, u),
        None => lang.t(m::CONTINGENT_OPEN_END).to_string(),
    };
    format!("{} – {}", day(lang, &c.valid_from), until)
}

/// The remaining balance in the customer's overview header.
pub fn header_balance(c: &Chrome, remaining: i64) -> Markup {
    html! {
        p.contingent-balance {
            a href="/account/time" { (c.t(m::CONTINGENT_REMAINING_BALANCE)) }
            ": "
            strong data-contingent-remaining-minutes=(remaining) { (hours(remaining)) }
        }
    }
}

/// Beside the composer's minutes: what the customer has left.
pub fn composer_balance(c: &Chrome, remaining: Option<i64>) -> Markup {
    html! {
        p.contingent-balance.muted {
            @match remaining {
                Some(r) => {
                    span data-contingent-remaining-minutes=(r) { (c.f(m::CONTINGENT_COMPOSER, &[("time", &hours(r))])) }
                }
                None => { (c.t(m::CONTINGENT_COMPOSER_NONE)) }
            }
        }
    }
}

/// On the staff's customer page: the balance and the way to the contingents.
pub fn customer_balance(c: &Chrome, customer_no: &str, remaining: Option<i64>) -> Markup {
    html! {
        p.contingent-balance {
            a href={ "/staff/customers/" (url_encode(customer_no)) "/contingents" } { (c.t(m::CONTINGENTS)) }
            ": "
            @match remaining {
                Some(r) => { strong data-contingent-remaining-minutes=(r) { (hours(r)) } " " (c.t(m::CONTINGENT_REMAINING)) }
                None => { span.muted { (c.t(m::CONTINGENT_NONE)) } }
            }
        }
    }
}

/// The bar: used of bought, with the same in words for everyone who cannot see it.
fn bar(c: &Chrome, used: i64, bought: i64) -> Markup {
    let percent = if bought > 0 { used.saturating_mul(100) / bought } else { 0 };
    let text = c
        .f(m::CONTINGENT_BAR, &[("used", &hours(used)), ("bought", &hours(bought)), ("percent", &percent.to_string())]);
    let over = used >= bought && bought > 0;
    html! {
        div.contingent-bar {
            progress max=(bought.max(1)) value=(used.min(bought.max(1))) aria-label=(text) class=[over.then_some("full")] {}
            span.contingent-bar-text { (text) }
        }
    }
}

/// One contingent: what it is, its figures, the bar and the month's entries booked against it.
fn line(c: &Chrome, l: &ContingentLine, month_label: &str, tz: &Tz, staff: bool, customer_no: &str) -> Markup {
    let b = &l.balance;
    let today_state = if b.active {
        None
    } else if b.bought == 0 && b.used == 0 {
        Some(m::CONTINGENT_NOT_YET)
    } else {
        Some(m::CONTINGENT_ENDED)
    };
    html! {
        section.card.contingent data-contingent=(l.contingent.id) data-bought-minutes=(b.bought)
            data-used-minutes=(b.used) data-remaining-minutes=(b.remaining) data-expired-minutes=(b.expired) {
            div.page-head {
                h3 { (describe(c.lang, &l.contingent)) }
                @if staff {
                    a.btn.btn-quiet href={ "/staff/customers/" (url_encode(customer_no)) "/contingents/" (l.contingent.id) } { (c.t(m::CONTINGENT_EDIT)) }
                }
            }
            p.muted {
                (c.t(m::CONTINGENT_VALID)) ": " (validity(c.lang, &l.contingent))
                @if let Some(s) = today_state { " · " (c.t(s)) }
                @if !l.contingent.note.is_empty() { " · " (l.contingent.note) }
            }
            dl.facts.contingent-figures {
                div { dt { (c.t(m::CONTINGENT_BOUGHT)) } dd { (hours(b.bought)) } }
                div { dt { (c.t(m::CONTINGENT_USED)) } dd { (hours(b.used)) } }
                div { dt { (c.t(m::CONTINGENT_REMAINING)) } dd { strong { (hours(b.remaining)) } } }
                @if b.expired > 0 { div { dt { (c.t(m::CONTINGENT_EXPIRED)) } dd { (hours(b.expired)) } } }
            }
            (bar(c, b.used, b.bought))
            h4 { (c.f(m::CONTINGENT_MONTH_ENTRIES, &[("month", month_label)])) }
            (entries(c, &l.entries, l.month_minutes, tz, staff, m::CONTINGENT_NO_ENTRIES))
        }
    }
}

fn entries(c: &Chrome, list: &[BookedEntry], total: i64, tz: &Tz, staff: bool, empty: crate::i18n::Msg) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { (c.t(empty)) }
        } @else {
            div.table-wrap {
                table.tickets.statement {
                    thead { tr {
                        th scope="col" { (c.t(m::DATE)) }
                        th scope="col" { (c.t(m::TICKET)) }
                        th scope="col" { (c.t(m::AUTHOR)) }
                        th scope="col" .num { (c.t(m::TIME_SPENT)) }
                    } }
                    tbody {
                        @for e in list {
                            tr data-booked-minutes=(e.minutes) {
                                td data-label=(c.t(m::DATE)) { (clock::datetime(e.entry.created_at, tz, c.lang)) }
                                td.subject data-label=(c.t(m::TICKET)) {
                                    a href={ @if staff { "/staff" } "/tickets/" (e.entry.number) } { (e.entry.number) } " " (e.entry.subject)
                                }
                                td data-label=(c.t(m::AUTHOR)) { (e.entry.author_name) }
                                td.num data-label=(c.t(m::TIME_SPENT)) {
                                    (hours(e.minutes))
                                    @if e.minutes != e.entry.minutes { " " span.muted { "(" (hours(e.entry.minutes)) ")" } }
                                }
                            }
                        }
                    }
                    tfoot { tr {
                        th scope="row" colspan="3" { (c.t(m::TOTAL)) }
                        td.num data-month-minutes=(total) { strong { (hours(total)) } }
                    } }
                }
            }
        }
    }
}

/// The contingents of `/account/time` and of the staff's statement: every contingent with its
/// balance and the month's bookings, then what no contingent covered.
pub fn report_section(c: &Chrome, r: &ContingentReport, tz: &Tz, staff: bool) -> Markup {
    let month_label = format!("{} {}", clock::month_name(r.month, c.lang), r.year);
    html! {
        section.contingents aria-labelledby="contingents-title" data-month-total-minutes=(r.month_total) {
            h2 #contingents-title { (c.t(m::CONTINGENTS)) }
            @if let Some(rem) = r.remaining {
                p { (c.t(m::CONTINGENT_REMAINING_BALANCE)) ": " strong data-contingent-remaining-minutes=(rem) { (hours(rem)) } }
            }
            p.muted { (c.t(m::CONTINGENT_BOOKING_RULE)) }
            @if r.lines.is_empty() { p.muted { (c.t(m::CONTINGENT_NONE)) } }
            @for l in &r.lines {
                (line(c, l, &month_label, tz, staff, &r.customer.customer_no))
            }
            section.card.contingent-uncovered data-uncovered-minutes=(r.uncovered_minutes) {
                h3 { (c.t(m::CONTINGENT_UNCOVERED_TITLE)) " · " (month_label) }
                (entries(c, &r.uncovered, r.uncovered_minutes, tz, staff, m::CONTINGENT_NO_UNCOVERED))
            }
            p { (c.t(m::CONTINGENT_MONTH_TOTAL)) ": " strong data-month-total=(r.month_total) { (hours(r.month_total)) } }
        }
    }
}

/// The staff's page of a customer's contingents.
pub struct StaffPageView {
    pub report: ContingentReport,
    /// The contingent being edited (`None`: the form adds one).
    pub editing: Option<i64>,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub tz: &'static Tz,
    pub notice: Option<crate::i18n::Msg>,
    pub current: (i32, u8),
}

pub fn staff_page(c: &Chrome, v: &StaffPageView) -> Markup {
    let r = &v.report;
    let no = url_encode(&r.customer.customer_no);
    let base = format!("/staff/customers/{no}/contingents");
    let (py, pm) = if r.month == 1 { (r.year - 1, 12) } else { (r.year, r.month - 1) };
    let (ny, nm) = if r.month == 12 { (r.year + 1, 1) } else { (r.year, r.month + 1) };
    let title = format!("{} · {}", c.t(m::CONTINGENTS), r.customer.name);
    let action = match v.editing {
        Some(id) => format!("{base}/{id}"),
        None => base.clone(),
    };
    let content = html! {
        p.back { a href={ "/staff/customers/" (no) } { "← " (r.customer.name) } }
        div.page-head {
            h1 { (c.t(m::CONTINGENTS)) }
            div.actions {
                a.btn href={ (base) "?year=" (r.year) "&month=" (r.month) "&format=csv" } download { (c.t(m::DOWNLOAD_CSV)) }
                button.btn.btn-quiet.print-button type="button" data-print hidden { (c.t(m::PRINT)) }
            }
        }
        p.muted { (r.customer.name) " · " (c.t(m::CUSTOMER_NO)) " " span data-customer-no=(r.customer.customer_no) { (r.customer.customer_no) } }
        section.card.contingent-form aria-labelledby="cf-title" {
            h2 #cf-title { (c.t(if v.editing.is_some() { m::CONTINGENT_EDIT } else { m::CONTINGENT_NEW })) }
            (form(c, &action, &v.values, &v.errors, &v.csrf))
        }
        h2 { (c.t(m::CONTINGENT_STATEMENT)) " · " (clock::month_name(r.month, c.lang)) " " (r.year) }
        nav.month-nav aria-label=(c.t(m::MONTH)) {
            a.btn.btn-quiet rel="prev" href={ (base) "?year=" (py) "&month=" (pm) } { "← " (clock::month_name(pm, c.lang)) " " (py) }
            @if (ny, nm) <= v.current {
                a.btn.btn-quiet rel="next" href={ (base) "?year=" (ny) "&month=" (nm) } { (clock::month_name(nm, c.lang)) " " (ny) " →" }
            }
        }
        (report_section(c, r, v.tz, true))
    };
    layout(c, &title, v.notice, content)
}

fn form(c: &Chrome, action: &str, values: &Form, e: &FieldErrors, csrf: &str) -> Markup {
    let text = |name: &'static str, label, help: Option<crate::i18n::Msg>, kind: &'static str| {
        html! {
            div.field {
                label for={ "c-" (name) } { (c.t(label)) }
                @if let Some(h) = help { p.help id={ "help-" (name) } { (c.t(h)) } }
                input id={ "c-" (name) } type=(kind) name=(name) value=(values.str(name))
                    inputmode=[(kind == "text").then_some("decimal")]
                    aria-invalid=[e.get(name).map(|_| "true")] aria-describedby=[described_by(e, name, help.is_some())];
                (field_error(c.lang, e, name))
            }
        }
    };
    html! {
        (error_summary(c.lang, e))
        form.stack method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            (text("hours", m::CONTINGENT_HOURS, Some(m::CONTINGENT_HOURS_HELP), "text"))
            (text("hours_per_month", m::CONTINGENT_HOURS_PER_MONTH, Some(m::CONTINGENT_HOURS_PER_MONTH_HELP), "text"))
            div.field.check {
                label {
                    input type="checkbox" name="carry_over" value="on" checked[values.get("carry_over").is_some()];
                    " " (c.t(m::CONTINGENT_CARRY_OVER))
                }
            }
            (text("valid_from", m::CONTINGENT_VALID_FROM, None, "date"))
            (text("valid_until", m::CONTINGENT_VALID_UNTIL, None, "date"))
            div.field {
                label for="c-note" { (c.t(m::CONTINGENT_NOTE)) }
                input #c-note type="text" name="note" maxlength="500" value=(values.str("note"))
                    aria-invalid=[e.get("note").map(|_| "true")] aria-describedby=[described_by(e, "note", false)];
                (field_error(c.lang, e, "note"))
            }
            button.btn.btn-primary type="submit" { (c.t(m::CONTINGENT_SAVE)) }
        }
    }
}

/// The form's values of a stored contingent.
pub fn form_values(con: &Contingent) -> Form {
    let h = |minutes: i64| {
        if minutes % 60 == 0 {
            (minutes / 60).to_string()
        } else {
            format!("{:.2}", minutes as f64 / 60.0)
        }
    };
    let mut pairs = vec![
        ("valid_from".to_string(), con.valid_from.clone()),
        ("valid_until".to_string(), con.valid_until.clone().unwrap_or_default()),
        ("note".to_string(), con.note.clone()),
    ];
    match con.allowance {
        Allowance::Block { minutes } => pairs.push(("hours".into(), h(minutes))),
        Allowance::Monthly { minutes, carry_over } => {
            pairs.push(("hours_per_month".into(), h(minutes)));
            if carry_over {
                pairs.push(("carry_over".into(), "on".into()));
            }
        }
    }
    Form::from_pairs(pairs)
}

/// The monthly statement per contingent as CSV: one row per booking (a split entry has one per
/// contingent), then a total per contingent, "not covered" and the month.
pub fn csv(lang: Lang, r: &ContingentReport, tz: &Tz, sep: char) -> String {
    use crate::views::time::csv_cell;
    let mut out = String::from("\u{feff}");
    let row = |cells: Vec<String>| cells.iter().map(|c| csv_cell(c, sep)).collect::<Vec<_>>().join(&sep.to_string());
    let header = [m::CONTINGENT, m::DATE, m::TICKET, m::SUBJECT, m::AUTHOR, m::MINUTES_LABEL];
    out.push_str(&row(header.iter().map(|h| lang.t(*h).to_string()).collect()));
    out.push_str("\r\n");
    let mut push = |name: &str, list: &[BookedEntry], total: i64| {
        for e in list {
            out.push_str(&row(vec![
                name.to_string(),
                clock::datetime(e.entry.created_at, tz, lang),
                e.entry.number.clone(),
                e.entry.subject.clone(),
                e.entry.author_name.clone(),
                e.minutes.to_string(),
            ]));
            out.push_str("\r\n");
        }
        out.push_str(&row(vec![
            name.to_string(),
            lang.t(m::TOTAL).to_string(),
            String::new(),
            String::new(),
            String::new(),
            total.to_string(),
        ]));
        out.push_str("\r\n");
    };
    for l in &r.lines {
        let name = format!("{} #{}", describe(lang, &l.contingent), l.contingent.id);
        push(&name, &l.entries, l.month_minutes);
    }
    push(lang.t(m::CONTINGENT_UNCOVERED), &r.uncovered, r.uncovered_minutes);
    out.push_str(&row(vec![
        lang.t(m::CONTINGENT_MONTH_TOTAL).to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        r.month_total.to_string(),
    ]));
    out.push_str("\r\n");
    out
}

/// What a warning mail says.
pub struct WarningMail<'a> {
    pub lang: Lang,
    pub site_title: &'a str,
    pub recipient_name: &'a str,
    pub customer_name: &'a str,
    pub customer_no: &'a str,
    pub contingent: &'a Contingent,
    pub percent: i64,
    pub remaining: i64,
    pub link: Option<&'a str>,
}

/// Subject, text and HTML of a warning at `percent`.
pub fn warning_mail(w: &WarningMail) -> (String, String, Markup) {
    let lang = w.lang;
    let percent = w.percent.to_string();
    let subject = lang.f(m::CONTINGENT_MAIL_SUBJECT, &[("percent", &percent), ("customer", w.customer_name)]);
    let body = lang.f(
        m::CONTINGENT_MAIL_BODY,
        &[
            ("contingent", &describe(lang, w.contingent)),
            ("customer", w.customer_name),
            ("customer_no", w.customer_no),
            ("percent", &percent),
            ("remaining", &hours(w.remaining)),
        ],
    );
    let spent = (w.percent >= 100).then(|| lang.t(m::CONTINGENT_MAIL_SPENT));
    let mut text = format!("{},\n\n{body}\n", w.recipient_name);
    if let Some(s) = spent {
        text.push_str(&format!("{s}\n"));
    }
    match w.link {
        Some(l) => text.push_str(&format!("\n{} {l}\n", lang.t(m::CONTINGENT_MAIL_LINK))),
        None => text.push_str(&format!("\n{}\n", lang.t(m::CONTINGENT_MAIL_LOGIN))),
    }
    text.push_str(&format!("\n-- \n{}\n", w.site_title));
    let html = html! {
        p { (w.recipient_name) "," }
        p { (body) }
        @if let Some(s) = spent { p { (s) } }
        @match w.link {
            Some(l) => { p { (lang.t(m::CONTINGENT_MAIL_LINK)) " " a href=(l) { (l) } } }
            None => { p { (lang.t(m::CONTINGENT_MAIL_LOGIN)) } }
        }
        p { "-- " br; (w.site_title) }
    };
    (subject, text, html)
}
