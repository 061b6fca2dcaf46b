//! The time statement: per customer and month, as a page and as CSV.

use maud::{html, Markup};
use time_tz::Tz;

use crate::clock;
use crate::i18n::{m, Lang};
use crate::model::{format_minutes, url_encode, Statement};
use crate::views::{layout, Chrome};

pub struct StatementView {
    pub st: Statement,
    pub staff: bool,
    pub tz: &'static Tz,
    /// This month (year, month): the navigation never links past it.
    pub current: (i32, u8),
    /// The customer's hour contingents with this month's bookings (issue 22): the main account
    /// and managers only.
    pub contingents: Option<crate::model::contingents::ContingentReport>,
}

pub fn page(c: &Chrome, v: &StatementView) -> Markup {
    let lang = c.lang;
    let st = &v.st;
    let base = if v.staff {
        format!("/staff/customers/{}/time", url_encode(&st.customer.customer_no))
    } else {
        "/account/time".to_string()
    };
    let (py, pm) = if st.month == 1 { (st.year - 1, 12) } else { (st.year, st.month - 1) };
    let (ny, nm) = if st.month == 12 { (st.year + 1, 1) } else { (st.year, st.month + 1) };
    let title = format!("{} {} {}", c.t(m::TIME_STATEMENT), clock::month_name(st.month, lang), st.year);
    let content = html! {
        @if v.staff { p.back { a href={ "/staff/customers/" (url_encode(&st.customer.customer_no)) } { "← " (st.customer.name) } } }
        div.page-head {
            h1 { (title) }
            div.actions {
                a.btn href={ (base) "?year=" (st.year) "&month=" (st.month) "&format=csv" } download { (c.t(m::DOWNLOAD_CSV)) }
                button.btn.btn-quiet.print-button type="button" data-print hidden { (c.t(m::PRINT)) }
            }
        }
        p.muted { (st.customer.name) " · " (c.t(m::CUSTOMER_NO)) " " span data-customer-no=(st.customer.customer_no) { (st.customer.customer_no) } }
        nav.month-nav aria-label=(c.t(m::MONTH)) {
            a.btn.btn-quiet rel="prev" href={ (base) "?year=" (py) "&month=" (pm) } { "← " (clock::month_name(pm, lang)) " " (py) }
            form.inline method="get" action=(base) {
                label for="s-month" .visually-hidden { (c.t(m::MONTH)) }
                select #s-month name="month" {
                    // No month after this one (issue 19: nothing leads into the future).
                    @for mo in (1..=12u8).filter(|mo| (st.year, *mo) <= v.current || *mo == st.month) {
                        option value=(mo) selected[mo == st.month] { (clock::month_name(mo, lang)) }
                    }
                }
                label for="s-year" .visually-hidden { (c.t(m::YEAR)) }
                input #s-year type="number" name="year" value=(st.year) min="2000" max=(v.current.0.max(st.year));
                button.btn type="submit" { (c.t(m::SHOW)) }
            }
            @if (ny, nm) <= v.current {
                a.btn.btn-quiet rel="next" href={ (base) "?year=" (ny) "&month=" (nm) } { (clock::month_name(nm, lang)) " " (ny) " →" }
            }
        }
        @if st.entries.is_empty() {
            div.empty.card { p { (c.t(m::NO_TIME_IN_MONTH)) } }
        } @else {
            div.table-wrap {
                table.tickets.statement {
                    thead { tr {
                        th scope="col" { (c.t(m::DATE)) }
                        th scope="col" { (c.t(m::TICKET)) }
                        th scope="col" { (c.t(m::ACTIVITY)) }
                        th scope="col" { (c.t(m::AUTHOR)) }
                        th scope="col" .num { (c.t(m::TIME_SPENT)) }
                    } }
                    tbody {
                        @for e in &st.entries {
                            tr data-minutes=(e.minutes) {
                                td data-label=(c.t(m::DATE)) { time datetime=(clock::rfc3339(e.created_at)) { (clock::datetime(e.created_at, v.tz, lang)) } }
                                td.subject data-label=(c.t(m::TICKET)) {
                                    a href={ @if v.staff { "/staff" } "/tickets/" (e.number) } { (e.number) } " " (e.subject)
                                }
                                td data-label=(c.t(m::ACTIVITY)) {
                                    (c.t(e.kind.label()))
                                    @if !e.body.is_empty() { br; span.muted.excerpt { (excerpt(&e.body, 140)) } }
                                }
                                td data-label=(c.t(m::AUTHOR)) { (e.author_name) }
                                td.num data-label=(c.t(m::TIME_SPENT)) { (format_minutes(e.minutes)) }
                            }
                        }
                    }
                    tfoot { tr {
                        th scope="row" colspan="4" { (c.t(m::TOTAL)) }
                        td.num data-total-minutes=(st.total_minutes) { strong { (format_minutes(st.total_minutes)) } }
                    } }
                }
            }
        }
        @if let Some(r) = &v.contingents { (crate::views::contingents::report_section(c, r, v.tz, v.staff)) }
    };
    layout(c, &title, None, content)
}

fn excerpt(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// A spreadsheet cell: quoted when needed, and never a formula (CSV injection).
pub fn csv_cell(s: &str, sep: char) -> String {
    let mut v = s.to_string();
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// UTF-8 with BOM, `;` by default, for German spreadsheet defaults.
pub fn csv(lang: Lang, st: &Statement, tz: &Tz, sep: char, staff: bool) -> String {
    let mut out = String::from("\u{feff}");
    let header = [m::DATE, m::TICKET, m::SUBJECT, m::ACTIVITY, m::AUTHOR, m::MINUTES_LABEL, m::TEXT];
    let row = |cells: Vec<String>| cells.iter().map(|c| csv_cell(c, sep)).collect::<Vec<_>>().join(&sep.to_string());
    out.push_str(&row(header.iter().map(|h| lang.t(*h).to_string()).collect()));
    out.push_str("\r\n");
    for e in &st.entries {
        let text = if e.internal && !staff { String::new() } else { e.body.clone() };
        out.push_str(&row(vec![
            clock::datetime(e.created_at, tz, lang),
            e.number.clone(),
            e.subject.clone(),
            lang.t(e.kind.label()).to_string(),
            e.author_name.clone(),
            e.minutes.to_string(),
            text,
        ]));
        out.push_str("\r\n");
    }
    out.push_str(&row(vec![
        lang.t(m::TOTAL).to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        st.total_minutes.to_string(),
        String::new(),
    ]));
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain", ';'), "plain");
        assert_eq!(csv_cell("a;b", ';'), "\"a;b\"");
        assert_eq!(csv_cell("say \"hi\"", ';'), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)", ';'), "'=SUM(A1)");
        assert_eq!(csv_cell("two\nlines", ','), "\"two\nlines\"");
    }
}
