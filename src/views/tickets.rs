//! The customer's ticket pages: overview, detail, new ticket.

use maud::{html, Markup, PreEscaped};
use time_tz::Tz;

use crate::clock;
use crate::error::FieldErrors;
use crate::i18n::{m, Lang, Msg};
use crate::model::{
    format_minutes, format_size, Activity, ActivityKind, ActivityRef, Attachment, AuthorKind, Detail, Field, FieldType,
    Form, KindFilter, Overview, Priority, Status, StatusFilter, SummaryRef, TableRows, TicketPage, TicketQuery,
    TicketSummary, TimelinePage,
};
use crate::views::{
    described_by, error_summary, esc, esc_with, field_error, layout, layout_with, pagination_after, priority_badge,
    query_string, status_badge, Chrome, Parts, Text,
};

pub struct OverviewView {
    pub data: Overview,
    pub query: TicketQuery,
    pub status: StatusFilter,
    pub show_time: bool,
    pub tz: &'static Tz,
    pub notice: Option<Msg>,
    pub fields: Vec<Field>,
    /// Remaining minutes of the customer's active hour contingents (issue 22; `None`: none
    /// active, or a member).
    pub contingent_remaining: Option<i64>,
}

/// Year → (total, months with counts), from the `(YYYYMM, count)` list.
/// A year with its ticket count and its months with counts.
type YearCounts = (i32, i64, Vec<(u8, i64)>);

/// From the years `(year, count)` and the months `(YYYYMM, count)` known of them (the selected
/// year's at least), both newest first.
fn years(years: &[(i32, i64)], months: &[(i64, i64)]) -> Vec<YearCounts> {
    years
        .iter()
        .map(|&(y, n)| {
            let mut list: Vec<(u8, i64)> = months
                .iter()
                .filter(|(ym, _)| ym / 100 == i64::from(y))
                .map(|&(ym, n)| ((ym % 100) as u8, n))
                .collect();
            list.sort_by_key(|(mo, _)| *mo);
            (y, n, list)
        })
        .collect()
}

pub fn overview(c: &Chrome, v: &OverviewView) -> Markup {
    let q = &v.query;
    let filter_qs = query_string(&[
        ("year", q.year.map(|y| y.to_string()).unwrap_or_default()),
        ("month", q.month.map(|m| m.to_string()).unwrap_or_default()),
        ("status", if v.status == StatusFilter::All { String::new() } else { v.status.as_str().to_string() }),
        ("q", q.search.clone().unwrap_or_default()),
    ]);
    let base = if filter_qs.is_empty() { "/tickets".to_string() } else { format!("/tickets?{filter_qs}") };
    let csv_base = if filter_qs.is_empty() {
        "/tickets?format=csv".to_string()
    } else {
        format!("/tickets?{filter_qs}&format=csv")
    };
    // The table writes itself into the page's buffer between the parts before and after it.
    let before = html! {
        div.page-head {
            h1 { (Text(c.t(m::TICKETS_TITLE))) }
            a.btn.btn-primary href="/tickets/new" { "+ " (Text(c.t(m::NAV_NEW_TICKET))) }
        }
        @if let Some(r) = v.contingent_remaining { (crate::views::contingents::header_balance(c, r)) }
        (overview_filters(c, v))
        div.exports {
            a.btn.btn-quiet href=(csv_base) download { (Text(c.t(m::EXPORT_CSV))) }
            a.btn.btn-quiet href={ (csv_base) "&sep=comma" } download { (Text(c.t(m::CSV_COMMA))) }
        }
        (overview_summary(c, v))
        @if v.data.page.rows.is_empty() {
            div.empty.card {
                @if v.data.years.is_empty() { p { (Text(c.t(m::NO_TICKETS_YET))) } a.btn.btn-primary href="/tickets/new" { (Text(c.t(m::NAV_NEW_TICKET))) } }
                @else { p { (Text(c.t(m::NO_TICKETS))) } }
            }
        }
    };
    let table =
        TicketTable { c, page: &v.data.page, show_time: v.show_time, tz: v.tz, staff: false, fields: &v.fields };
    let table: &dyn maud::Render = if v.data.page.rows.is_empty() { &"" } else { &table };
    let after = html! {
        (pagination_after(c.lang, &base, q.page, v.data.page.total, q.page_size, v.data.page.next_after.as_ref().map(ToString::to_string), v.data.page.rows.len() >= q.page_size))
    };
    let size = before.0.len() + v.data.page.rows.len() * 1024 + 2048 + after.0.len();
    layout_with(c, c.t(m::TICKETS_TITLE), v.notice, size, &Parts(&[&before, table, &after]))
}

/// The overview's filters: year and month (with counts), status, search.
fn overview_filters(c: &Chrome, v: &OverviewView) -> Markup {
    let q = &v.query;
    let years = years(&v.data.years, &v.data.months);
    let selected_year = q.year.and_then(|y| years.iter().find(|(yy, _, _)| *yy == y));
    let filtered = q.year.is_some() || v.status != StatusFilter::All || q.search.is_some();
    html! {
        form.filters.card method="get" action="/tickets" role="search" aria-label=(Text(c.t(m::FILTERS))) {
            div.field {
                label for="f-year" { (Text(c.t(m::YEAR))) }
                select #f-year name="year" data-autosubmit {
                    option value="" { (Text(c.t(m::ALL_YEARS))) }
                    @for (y, n, _) in &years {
                        option value=(y) selected[q.year == Some(*y)] { (y) " (" (n) ")" }
                    }
                }
            }
            div.field {
                label for="f-month" { (Text(c.t(m::MONTH))) }
                select #f-month name="month" data-autosubmit disabled[selected_year.is_none()] {
                    option value="" { (Text(c.t(m::ALL_MONTHS))) }
                    @if let Some((_, _, months)) = selected_year {
                        @for (mo, n) in months {
                            option value=(mo) selected[q.month == Some(*mo)] { (clock::month_name(*mo, c.lang)) " (" (n) ")" }
                        }
                    }
                }
            }
            div.field {
                label for="f-status" { (Text(c.t(m::STATUS))) }
                select #f-status name="status" data-autosubmit {
                    option value="all" selected[v.status == StatusFilter::All] { (Text(c.t(m::STATUS_ALL))) }
                    option value="open" selected[v.status == StatusFilter::Open] { (Text(c.t(m::STATUS_FILTER_OPEN))) }
                    option value="closed" selected[v.status == StatusFilter::Closed] { (Text(c.t(m::STATUS_FILTER_CLOSED))) }
                }
            }
            div.field.grow {
                label for="f-q" { (Text(c.t(m::SEARCH))) }
                input #f-q type="search" name="q" value=(q.search.as_deref().unwrap_or("")) placeholder=(Text(c.t(m::SEARCH_PLACEHOLDER)));
            }
            div.field.filter-actions {
                button.btn type="submit" { (Text(c.t(m::FILTER))) }
                @if filtered { a.btn.btn-quiet href="/tickets" { (Text(c.t(m::RESET_FILTERS))) } }
            }
        }
    }
}

/// How many tickets match, and the time spent on them and on all.
fn overview_summary(c: &Chrome, v: &OverviewView) -> Markup {
    let total = v.data.page.total;
    html! {
        div.summary {
            span.count { (if total == 1 { c.t(m::TICKETS_COUNT_ONE).to_string() } else { c.f(m::TICKETS_COUNT, &[("n", &total.to_string())]) }) }
            @if v.show_time {
                span.total-time { (Text(c.t(m::TOTAL_TIME_FILTERED))) ": " strong data-total-minutes=(v.data.page.minutes) { (format_minutes(v.data.page.minutes)) } }
                span.total-time { (Text(c.t(m::TOTAL_TIME_ALL))) ": " strong data-all-minutes=(v.data.total_minutes_all) { (format_minutes(v.data.total_minutes_all)) } }
            }
        }
    }
}

/// The list used by the overview and the staff queue.
pub fn ticket_table<R: TableRows>(
    c: &Chrome,
    page: &TicketPage<R>,
    show_time: bool,
    tz: &Tz,
    staff: bool,
    fields: &[Field],
) -> Markup {
    html! { (TicketTable { c, page, show_time, tz, staff, fields }) }
}

/// [`ticket_table`] written straight into the page's buffer (as a `Markup` of its own the table
/// was copied into the page once more).
pub struct TicketTable<'a, R: TableRows = Vec<TicketSummary>> {
    pub c: &'a Chrome,
    pub page: &'a TicketPage<R>,
    pub show_time: bool,
    pub tz: &'a Tz,
    pub staff: bool,
    pub fields: &'a [Field],
}

impl<R: TableRows> maud::Render for TicketTable<'_, R> {
    fn render_to(&self, out: &mut String) {
        let TicketTable { c, page, show_time, tz, staff, fields } = *self;
        let rows = &page.rows;
        let columns: Vec<&Field> = fields.iter().filter(|f| f.list_column).collect();
        let value_of = |t: &SummaryRef, f: &Field| -> String {
            page.fields
                .get(&t.id)
                .and_then(|vs| vs.iter().find(|(k, _)| *k == f.key))
                .map(|(_, v)| display_value(c.lang, Some(f), v))
                .unwrap_or_default()
        };
        let head = html! {
            thead {
                tr {
                    th scope="col" { (Text(c.t(m::TICKET_NO))) }
                    th scope="col" { (Text(c.t(m::SUBJECT))) }
                    @if staff { th scope="col" { (Text(c.t(m::CUSTOMER))) } }
                    th scope="col" { (Text(c.t(m::STATUS))) }
                    th scope="col" { (Text(c.t(m::PRIORITY))) }
                    @if staff { th scope="col" { (Text(c.t(m::ASSIGNEE))) } }
                    @for f in &columns { th scope="col" { (f.label.get(c.lang)) } }
                    th scope="col" .num { (Text(c.t(m::ACTIVITIES))) }
                    th scope="col" { (Text(c.t(m::LAST_ACTIVITY))) }
                    @if show_time { th scope="col" .num { (Text(c.t(m::TIME_SPENT))) } }
                }
            }
        };
        // A row is ~900 bytes (staff, with fields more).
        out.reserve(head.0.len() + rows.len() * 1024 + 128);
        let consts = (rows.len() >= 8).then(|| RowConsts::shared(c.lang, staff));
        out.push_str("<div class=\"table-wrap\"><table class=\"tickets\">");
        out.push_str(&head.0);
        out.push_str("<tbody>");
        // The rows' time stamps: the zone asked once per week of rows, not once per row.
        let stamps = clock::Stamps::new(tz);
        for i in 0..rows.len() {
            let t = &rows.row(i);
            let row =
                Row { c, t, show_time, tz, stamps: &stamps, staff, columns: &columns, value_of: &value_of, consts };
            maud::Render::render_to(&row, out);
        }
        out.push_str("</tbody></table></div>");
    }
}

/// One row of [`ticket_table`], written by hand straight into the page's buffer (as a maud
/// partial every row and badge was a `String` of its own, copied into the table). The bytes are
/// exactly what the maud template wrote; every dynamic value goes through [`esc`] /
/// [`esc_with`].
struct Row<'a> {
    c: &'a Chrome,
    t: &'a SummaryRef<'a>,
    show_time: bool,
    tz: &'a Tz,
    stamps: &'a clock::Stamps<'a>,
    staff: bool,
    columns: &'a [&'a Field],
    value_of: &'a dyn Fn(&SummaryRef, &Field) -> String,
    /// `None`: escaped per row (a short table does not pay for the table of labels).
    consts: Option<&'a RowConsts>,
}

/// The labels of [`Row`]'s `data-label` attributes, in the order `label(out, i)` names them.
const LABELS: [Msg; 9] = [
    m::TICKET_NO,
    m::SUBJECT,
    m::CUSTOMER,
    m::STATUS,
    m::PRIORITY,
    m::ASSIGNEE,
    m::ACTIVITIES,
    m::LAST_ACTIVITY,
    m::TIME_SPENT,
];

/// What every row writes alike, escaped once per table instead of once per row.
struct RowConsts {
    /// ` data-label="…"` by [`LABELS`].
    labels: Vec<String>,
    /// By `Status` (the order of `Status::ALL`, the enum's): name and label (this side's).
    statuses: Vec<(String, String)>,
    /// By `Priority`: name and label.
    priorities: Vec<(String, String)>,
    /// By `ActivityKind`: label.
    kinds: Vec<String>,
}

impl RowConsts {
    /// The table's constants for a language and side, made once per process (they depend on
    /// nothing else; making them was 1.4 % of a queue page).
    fn shared(lang: Lang, staff: bool) -> &'static RowConsts {
        use std::sync::OnceLock;
        static MADE: [[OnceLock<RowConsts>; 2]; 2] =
            [[OnceLock::new(), OnceLock::new()], [OnceLock::new(), OnceLock::new()]];
        let by_lang = match lang {
            Lang::De => &MADE[0],
            Lang::En => &MADE[1],
        };
        by_lang[usize::from(staff)].get_or_init(|| RowConsts::new(lang, staff))
    }

    fn new(lang: Lang, staff: bool) -> RowConsts {
        let escaped = |s: &str| {
            let mut out = String::new();
            esc(&mut out, s);
            out
        };
        RowConsts {
            labels: LABELS.iter().map(|msg| format!(" data-label=\"{}\"", escaped(lang.t(*msg)))).collect(),
            statuses: Status::ALL
                .iter()
                .map(|s| (escaped(s.as_str()), escaped(lang.t(if staff { s.staff_label() } else { s.label() }))))
                .collect(),
            priorities: Priority::ALL.iter().map(|p| (escaped(p.as_str()), escaped(lang.t(p.label())))).collect(),
            kinds: ActivityKind::ALL.iter().map(|k| escaped(lang.t(k.label()))).collect(),
        }
    }
}

impl maud::Render for Row<'_> {
    fn render_to(&self, out: &mut String) {
        let Row { c, t, show_time, tz, stamps, staff, columns, value_of, consts } = *self;
        let lang = c.lang;
        // ` data-label="…"` of column `i` of [`LABELS`], escaped once per table.
        let label = |out: &mut String, i: usize| match consts.and_then(|k| k.labels.get(i)) {
            Some(l) => out.push_str(l),
            None => {
                out.push_str(" data-label=\"");
                esc(out, c.t(LABELS[i % LABELS.len()]));
                out.push('"');
            }
        };
        let push = |out: &mut String, escaped: Option<&String>, raw: &str| match escaped {
            Some(e) => out.push_str(e),
            None => esc(out, raw),
        };
        let status = consts.and_then(|k| k.statuses.get(t.status as usize));
        let priority = consts.and_then(|k| k.priorities.get(t.priority as usize));
        // The number (four times a row) and the activity count (twice) are escaped once, where
        // they first appear; later places copy those bytes of `out`.
        out.push_str("<tr data-ticket=\"");
        let number = {
            let start = out.len();
            esc(out, t.number);
            start..out.len()
        };
        let href = |out: &mut String| {
            out.push_str(if staff { "<a href=\"/staff/tickets/" } else { "<a href=\"/tickets/" });
            out.extend_from_within(number.clone());
            out.push('"');
        };
        out.push_str("\" data-status=\"");
        push(out, status.map(|s| &s.0), t.status.as_str());
        out.push_str("\" data-priority=\"");
        push(out, priority.map(|p| &p.0), t.priority.as_str());
        out.push_str("\" data-activities=\"");
        let activities = {
            let start = out.len();
            esc_with(out, |o| maud::Render::render_to(&t.activity_count, o));
            start..out.len()
        };
        out.push('"');
        if show_time {
            out.push_str(" data-minutes=\"");
            esc_with(out, |o| maud::Render::render_to(&t.minutes, o));
            out.push('"');
        }
        if staff && t.unread {
            out.push_str(" data-unread");
        }
        let follow_up = t.follow_up_at.filter(|_| staff);
        if let Some(f) = follow_up {
            out.push_str(" data-follow-up=\"");
            esc(out, &clock::iso_date(f, tz));
            out.push('"');
        }
        out.push_str("><td class=\"ticket-no\"");
        label(out, 0);
        out.push('>');
        href(out);
        out.push_str(" tabindex=\"-1\">");
        out.extend_from_within(number.clone());
        out.push_str("</a></td><td class=\"subject\"");
        label(out, 1);
        out.push('>');
        if staff && t.unread {
            out.push_str("<span class=\"badge badge-unread\">");
            esc(out, c.t(m::UNREAD));
            out.push_str("</span> ");
        }
        href(out);
        out.push('>');
        esc(out, t.subject);
        out.push_str("</a>");
        if let Some(f) = follow_up {
            out.push_str(" <span class=\"badge badge-follow-up\">");
            esc(out, c.t(m::FOLLOW_UP));
            out.push(' ');
            esc(out, &clock::date(f, tz, lang));
            out.push_str("</span>");
        }
        out.push_str("</td>");
        if staff {
            out.push_str("<td class=\"customer\"");
            label(out, 2);
            out.push('>');
            esc(out, t.customer_name);
            out.push_str(" <span class=\"muted cno\">(");
            esc(out, t.customer_no);
            out.push_str(")</span></td>");
        }
        out.push_str("<td");
        label(out, 3);
        out.push_str("><span class=\"badge status status-");
        push(out, status.map(|s| &s.0), t.status.as_str());
        out.push_str("\"><span class=\"dot\" aria-hidden=\"true\"></span>");
        push(out, status.map(|s| &s.1), lang.t(if staff { t.status.staff_label() } else { t.status.label() }));
        out.push_str("</span></td><td");
        label(out, 4);
        out.push_str("><span class=\"badge prio prio-");
        push(out, priority.map(|p| &p.0), t.priority.as_str());
        out.push_str("\">");
        push(out, priority.map(|p| &p.1), lang.t(t.priority.label()));
        out.push_str("</span></td>");
        if staff {
            out.push_str("<td class=\"assignee\"");
            label(out, 5);
            out.push('>');
            esc(out, t.assignee.unwrap_or("–"));
            out.push_str("</td>");
        }
        for f in columns {
            out.push_str("<td data-label=\"");
            esc(out, f.label.get(lang));
            out.push_str("\" data-field=\"");
            esc(out, &f.key);
            out.push_str("\">");
            esc(out, &value_of(t, f));
            out.push_str("</td>");
        }
        out.push_str("<td class=\"num\"");
        label(out, 6);
        out.push('>');
        out.extend_from_within(activities);
        out.push_str("</td><td class=\"last\"");
        label(out, 7);
        out.push_str("><time datetime=\"");
        esc_with(out, |o| clock::push_rfc3339(o, t.last_activity_at));
        out.push_str("\">");
        esc_with(out, |o| stamps.push_datetime(o, t.last_activity_at, lang));
        out.push_str("</time><br><span class=\"muted\">");
        push(out, consts.and_then(|k| k.kinds.get(t.last_activity_kind as usize)), c.t(t.last_activity_kind.label()));
        // The customer is "Sie" here as in the timeline (issue 19: one name per person).
        let me = !staff && c.user.as_ref().is_some_and(|u| u.name == t.last_activity_by);
        if me {
            out.push_str(" · ");
            esc(out, c.t(m::YOU));
        } else if !t.last_activity_by.is_empty() {
            out.push_str(" · ");
            esc(out, t.last_activity_by);
        }
        out.push_str("</span></td>");
        if show_time {
            out.push_str("<td class=\"num\"");
            label(out, 8);
            out.push('>');
            push_minutes(out, t.minutes);
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
}

/// [`format_minutes`] written in place (a table row's time: no `String` and no `format!` per
/// row); digits, a sign, `h` and `min` need no escaping.
fn push_minutes(out: &mut String, minutes: i64) {
    let (h, m) = (minutes / 60, minutes % 60);
    if h != 0 {
        maud::Render::render_to(&h, out);
        out.push_str(" h");
        if m != 0 {
            out.push(' ');
        }
    }
    if m != 0 || h == 0 {
        maud::Render::render_to(&m, out);
        out.push_str(" min");
    }
}

pub struct DetailView {
    pub detail: Detail,
    pub kind: KindFilter,
    pub reply: String,
    /// Field values just entered in a rejected edit; `None` shows the stored ones.
    pub field_values: Option<Vec<(String, String)>>,
    pub errors: FieldErrors,
    pub csrf: String,
    pub can_close: bool,
    pub show_time: bool,
    pub fields: Vec<Field>,
    pub tz: &'static Tz,
    pub notice: Option<Msg>,
    /// The company has contacts: the ticket links to its people (`/tickets/<number>/people`).
    pub people_link: bool,
}

pub fn detail(c: &Chrome, v: &DetailView) -> Markup {
    let t = &v.detail.ticket.summary;
    let base = ticket_url(false, &t.number);
    let stored = v.field_values.as_deref().unwrap_or(&v.detail.fields);
    let editable = customer_editable(&v.fields, &v.detail.fields);
    // The timeline writes itself into the page's buffer between the parts before and after it.
    let before = html! {
        p.back { a href="/tickets" { "← " (Text(c.t(m::BACK_TO_OVERVIEW))) } }
        (PreEscaped("<article class=\"ticket\">"))
            header.ticket-head.card {
                (ticket_title(c, t, false))
                (detail_facts(c, v))
                @if v.people_link {
                    p.people-link { a href={ (base) "/people" } { (Text(c.t(m::PEOPLE_LINK))) } }
                }
            }
            (field_edit_form(c, &format!("{base}/fields"), &v.csrf, &editable, stored, &v.errors))
            (kind_filter(c, &base, v.kind))
    };
    let timeline = Timeline { c, d: &v.detail, tz: v.tz, staff: false, fields: &v.fields };
    let after = html! {
            (reply_form(c, v))
            (documents_panel(c, false, &t.number, &v.detail.attachments, v.tz))
            (upload_form(c, v))
            (close_form(c, v))
        (PreEscaped("</article>"))
    };
    let size = before.0.len() + v.detail.activities.len() * 640 + 512 + after.0.len();
    layout_with(c, &format!("{} {}", t.number, t.subject), v.notice, size, &Parts(&[&before, &timeline, &after]))
}

/// The fields in the customer's "Angaben ändern" box: `customer_editable` ones, without those
/// that `show_when` hides given the ticket's stored values, when the controlling field is not in
/// the box (the script can only follow controls in the same form).
fn customer_editable(fields: &[Field], stored: &[(String, String)]) -> Vec<Field> {
    let value_of = |k: &str| stored.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let in_box = |key: &str| fields.iter().any(|f| f.key == key && f.customer_editable);
    fields
        .iter()
        .filter(|f| f.customer_editable)
        .filter(|f| match &f.show_when {
            Some(sw) if !in_box(&sw.field) => crate::model::field_shown(f, &value_of, fields),
            _ => true,
        })
        .cloned()
        .collect()
}

/// A ticket's page URL, on the customer's or the staff side.
pub fn ticket_url(staff: bool, number: &str) -> String {
    if staff {
        format!("/staff/tickets/{number}")
    } else {
        format!("/tickets/{number}")
    }
}

/// The top of a ticket's head: print button, number, subject, status and priority.
pub fn ticket_title(c: &Chrome, t: &TicketSummary, staff: bool) -> Markup {
    html! {
        button.btn.btn-quiet.print-button type="button" data-print hidden { (Text(c.t(m::PRINT))) }
        p.ticket-number { (Text(c.t(m::TICKET))) " " strong { (t.number) } }
        h1 { (t.subject) }
        div.badges { (status_badge(c.lang, t.status, staff)) (priority_badge(c.lang, t.priority)) }
    }
}

/// The activity kinds as links above the timeline; `base` is the ticket's URL.
pub fn kind_filter(c: &Chrome, base: &str, current: KindFilter) -> Markup {
    html! {
        nav.kind-filter aria-label=(Text(c.t(m::ACTIVITIES))) {
            @for k in KindFilter::ALL {
                a.chip href={ (base) @if *k != KindFilter::All { "?kind=" (k.as_str()) } }
                    aria-current=[(current == *k).then_some("page")] { (c.t(k.label())) }
            }
        }
    }
}

/// A ticket's activities, oldest first, each with its files.
pub fn timeline(c: &Chrome, d: &Detail, tz: &Tz, staff: bool, fields: &[Field]) -> Markup {
    html! { (Timeline { c, d, tz, staff, fields }) }
}

/// [`timeline`] written by hand straight into the page's buffer: the timeline is most of a
/// ticket's page, and as a `Markup` of its own it was copied into the page once more.
pub struct Timeline<'a> {
    pub c: &'a Chrome,
    pub d: &'a Detail,
    pub tz: &'a Tz,
    pub staff: bool,
    pub fields: &'a [Field],
}

impl maud::Render for Timeline<'_> {
    fn render_to(&self, out: &mut String) {
        let Timeline { c, d, tz, staff, fields } = *self;
        let number = &d.ticket.summary.number;
        // Files by activity, once: looking them up per activity was activities × files.
        let mut files: std::collections::HashMap<i64, Vec<&Attachment>> = std::collections::HashMap::new();
        for f in &d.attachments {
            if let Some(id) = f.activity_id {
                files.entry(id).or_default().push(f);
            }
        }
        let more = |out: &mut String, page: usize, label: Msg| {
            out.push_str("<p class=\"timeline-more\"><a href=\"");
            esc(out, &timeline_url(staff, number, &d.timeline, page));
            out.push_str("\" data-timeline-page=\"");
            esc_with(out, |o| maud::Render::render_to(&page, o));
            out.push_str("\">");
            esc(out, c.t(label));
            out.push_str("</a></p>");
        };
        // An entry is 300–700 bytes (a long text more; the buffer grows from there).
        out.reserve(d.activities.len() * 640 + 512);
        // Worth it from a few dozen entries on (a table of 12 kinds' strings against 5 splices
        // an entry).
        let consts = (d.activities.len() >= 32).then(|| EntryConsts::new(c));
        let stamps = clock::Stamps::new(tz);
        out.push_str("<section class=\"timeline\" aria-label=\"");
        esc(out, c.t(m::ACTIVITIES));
        out.push_str("\">");
        if d.activities.is_empty() {
            out.push_str("<p class=\"empty\">");
            esc(out, c.t(m::NO_ACTIVITIES_OF_KIND));
            out.push_str("</p>");
        }
        if d.timeline.older {
            more(out, d.timeline.number + 1, m::TIMELINE_OLDER);
        }
        out.push_str("<ol class=\"activities\">");
        for a in d.activities.iter() {
            let files = files.get(&a.id).map_or(&[][..], |v| &v[..]);
            maud::Render::render_to(
                &Entry { c, a, stamps: &stamps, staff, number, files, fields, consts: consts.as_ref() },
                out,
            );
        }
        out.push_str("</ol>");
        if d.timeline.number > 1 {
            more(out, d.timeline.number - 1, m::TIMELINE_NEWER);
        }
        out.push_str("</section>");
    }
}

/// Page `page` of the ticket's timeline, with the page's activity filter.
fn timeline_url(staff: bool, number: &str, t: &TimelinePage, page: usize) -> String {
    let mut url = ticket_url(staff, number);
    let mut sep = '?';
    if t.kind != KindFilter::All {
        url.push_str("?kind=");
        url.push_str(t.kind.as_str());
        sep = '&';
    }
    if page > 1 {
        url.push(sep);
        url.push_str("page=");
        url.push_str(&page.to_string());
    }
    url
}

/// What the customer is told about their ticket: dates, activities, time spent, fields.
fn detail_facts(c: &Chrome, v: &DetailView) -> Markup {
    let lang = c.lang;
    let t = &v.detail.ticket.summary;
    html! {
        dl.facts.inline {
            div { dt { (Text(c.t(m::CREATED))) } dd { time datetime=(clock::rfc3339(t.created_at)) { (clock::datetime(t.created_at, v.tz, lang)) } } }
            div { dt { (Text(c.t(m::LAST_ACTIVITY))) } dd { time datetime=(clock::rfc3339(t.last_activity_at)) { (clock::datetime(t.last_activity_at, v.tz, lang)) } } }
            @if let Some(closed) = v.detail.ticket.closed_at {
                @if t.status == Status::Closed {
                    div { dt { (Text(c.t(m::CLOSED_AT))) } dd { time datetime=(clock::rfc3339(closed)) { (clock::datetime(closed, v.tz, lang)) } } }
                }
            }
            div { dt { (Text(c.t(m::ACTIVITIES))) } dd { (t.activity_count) } }
            @if v.show_time {
                div { dt { (Text(c.t(m::TIME_SPENT))) } dd data-minutes=(t.minutes) { (format_minutes(t.minutes)) } }
            }
            (custom_field_facts(lang, &v.fields, &v.detail.fields))
        }
    }
}

/// The customer's reply, with files.
fn reply_form(c: &Chrome, v: &DetailView) -> Markup {
    let t = &v.detail.ticket.summary;
    let e = &v.errors;
    html! {
        section.card.reply #reply aria-labelledby="reply-title" {
            h2 #reply-title { (Text(c.t(m::REPLY_TITLE))) }
            @if matches!(t.status, Status::Waiting | Status::Closed) {
                p.muted { (Text(c.t(m::REPLY_REOPENS))) }
            }
            (error_summary(c.lang, e))
            form.stack method="post" action={ "/tickets/" (t.number) "/reply" } enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(v.csrf);
                div.field {
                    label for="body" { (Text(c.t(m::REPLY_BODY))) }
                    textarea #body name="body" rows="6" required maxlength="50000"
                        aria-invalid=[e.get("body").map(|_| "true")] autofocus[e.is_first("body")]
                        aria-describedby=[described_by(e, "body", false)] { (v.reply) }
                    (field_error(c.lang, e, "body"))
                }
                (file_input(c, "reply-files", e))
                div.actions { button.btn.btn-primary type="submit" { (Text(c.t(m::REPLY_BUTTON))) } }
            }
        }
    }
}

/// Documents without a message.
fn upload_form(c: &Chrome, v: &DetailView) -> Markup {
    html! {
        section.card.upload aria-labelledby="upload-title" {
            h2 #upload-title { (Text(c.t(m::UPLOAD_DOCUMENTS))) }
            form.stack method="post" action={ "/tickets/" (v.detail.ticket.summary.number) "/attachments" } enctype="multipart/form-data" data-upload {
                input type="hidden" name="csrf" value=(v.csrf);
                // The handler files this form's messages under `documents` (see `web::portal::upload`).
                @let own = v.errors.clone().renamed("attachments", "-").renamed("documents", "attachments");
                (file_input(c, "doc-files", &own))
                div.actions { button.btn type="submit" { (Text(c.t(m::UPLOAD_BUTTON))) } }
            }
        }
    }
}

/// "Close ticket", where customers may and the ticket is not closed yet.
fn close_form(c: &Chrome, v: &DetailView) -> Markup {
    let t = &v.detail.ticket.summary;
    html! {
        @if v.can_close && t.status != Status::Closed {
            section.card.close-ticket {
                p { (Text(c.t(m::CLOSE_TICKET_HINT))) }
                form method="post" action={ "/tickets/" (t.number) "/close" } {
                    input type="hidden" name="csrf" value=(v.csrf);
                    button.btn type="submit" { (Text(c.t(m::CLOSE_TICKET))) }
                }
            }
        }
    }
}

/// Stored custom field values; a field no longer configured still shows, as "former field".
pub fn custom_field_facts(lang: Lang, fields: &[Field], values: &[(String, String)]) -> Markup {
    html! {
        @for (key, value) in values {
            @let field = fields.iter().find(|f| &f.key == key);
            div {
                dt {
                    @match field {
                        Some(f) => (f.label.get(lang)),
                        None => { (key) " " span.muted { "(" (Text(lang.t(m::FORMER_FIELD))) ")" } }
                    }
                }
                dd { (display_value(lang, field, value)) }
            }
        }
    }
}

fn display_value(lang: Lang, field: Option<&Field>, value: &str) -> String {
    match field {
        Some(f) if f.kind == FieldType::Select => f
            .options
            .iter()
            .find(|o| o.value() == value)
            .map(|o| o.label(lang).to_string())
            .unwrap_or_else(|| value.to_string()),
        Some(f) if f.kind == FieldType::Checkbox => lang.t(if value.is_empty() { m::NO } else { m::YES }).to_string(),
        // 10.12.2026, not 2026-12-10 (issue 19); the form input keeps the ISO value.
        Some(f) if f.kind == FieldType::Date => clock::show_iso_date(value, lang).unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

/// Where a ticket's files are downloaded from, for customers or staff.
pub fn attachment_url(staff: bool, number: &str, id: i64) -> String {
    format!("{}/attachments/{id}", ticket_url(staff, number))
}

/// The file list under an activity.
fn activity_files(c: &Chrome, staff: bool, number: &str, files: &[&Attachment]) -> Markup {
    html! {
        @if !files.is_empty() {
            ul.files aria-label=(Text(c.t(m::ATTACHMENTS))) {
                @for f in files {
                    li {
                        a href=(attachment_url(staff, number, f.id)) data-attachment=(f.id) download { (f.file_name) }
                        " " span.muted { "(" (format_size(f.size, c.lang)) ")" }
                        @if f.previewable {
                            " " a.preview href={ (attachment_url(staff, number, f.id)) "?inline=1" } target="_blank" rel="noopener" { (Text(c.t(m::PREVIEW))) }
                        }
                    }
                }
            }
        }
    }
}

/// The documents panel: every file of the ticket with who and when.
pub fn documents_panel(c: &Chrome, staff: bool, number: &str, files: &[Attachment], tz: &Tz) -> Markup {
    let lang = c.lang;
    html! {
        section.card.documents #documents aria-labelledby="documents-title" {
            h2 #documents-title { (Text(c.t(m::DOCUMENTS))) " " span.muted { "(" (files.len()) ")" } }
            @if files.is_empty() {
                p.muted { (Text(c.t(m::NO_DOCUMENTS))) }
            } @else {
                ul.doc-list {
                    @for f in files {
                        li {
                            a.doc-name href=(attachment_url(staff, number, f.id)) data-attachment=(f.id) download { (f.file_name) }
                            span.doc-meta {
                                (format_size(f.size, lang)) " · " (f.uploader_name) " · "
                                time datetime=(clock::rfc3339(f.created_at)) { (clock::datetime(f.created_at, tz, lang)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A file input that works without JavaScript; the script adds drag and drop and progress.
pub fn file_input(c: &Chrome, id: &str, e: &FieldErrors) -> Markup {
    with_upload_texts(c, |t| {
        html! {
            div.field.dropzone data-dropzone {
                label for=(id) { (Text(c.t(m::ADD_FILES))) " " span.muted { "(" (Text(c.t(m::OPTIONAL))) ")" } }
                input #(id) type="file" name="attachments" multiple
                    aria-describedby={ "hint-" (id) @if e.get("attachments").is_some() { " err-attachments" } }
                    aria-invalid=[e.get("attachments").map(|_| "true")] autofocus[e.is_first("attachments")]
                    data-max-file-bytes=(c.max_file_bytes) data-max-files=(c.max_files)
                    data-msg-too-large=(Text(&t.too_large))
                    data-msg-too-many=(Text(&t.too_many))
                    data-max-request-bytes=(c.max_request_bytes)
                    data-msg-too-much=(Text(&t.too_much));
                p.help id={ "hint-" (id) } { (Text(c.t(m::DROP_HERE))) ". " (Text(&t.hint)) }
                (field_error(c.lang, e, "attachments"))
            }
        }
    })
}

/// The upload field's texts: they depend only on the language and the configured limits.
/// Made once per process for each (a page has up to two upload fields, each three
/// `format_size` and four `Lang::f` — 5 % of a ticket page with 10 activities).
struct UploadTexts {
    key: (Lang, u64, usize, u64),
    hint: String,
    too_large: String,
    too_many: String,
    too_much: String,
}

fn with_upload_texts<R>(c: &Chrome, f: impl FnOnce(&UploadTexts) -> R) -> R {
    use std::sync::{Arc, Mutex};
    static TEXTS: Mutex<Vec<Arc<UploadTexts>>> = Mutex::new(Vec::new());
    let key = (c.lang, c.max_file_bytes, c.max_files, c.max_request_bytes);
    let make = || {
        let size = format_size(c.max_file_bytes as i64, c.lang);
        let count = c.max_files.to_string();
        Arc::new(UploadTexts {
            key,
            hint: c.f(m::UPLOAD_HINT, &[("size", &size), ("count", &count)]),
            too_large: c.f(m::ERR_FILE_TOO_LARGE_CLIENT, &[("size", &size)]),
            too_many: c.f(m::ERR_TOO_MANY_FILES_CLIENT, &[("count", &count)]),
            too_much: c.f(m::ERR_FILES_TOO_LARGE_CLIENT, &[("size", &format_size(c.max_request_bytes as i64, c.lang))]),
        })
    };
    let texts = {
        // A poisoned lock only means another thread panicked while pushing: the list is whole.
        let mut all = TEXTS.lock().unwrap_or_else(|p| p.into_inner());
        match all.iter().find(|t| t.key == key) {
            Some(t) => Arc::clone(t),
            None => {
                // Two languages, one configuration: a few entries (more only if limits change).
                if all.len() >= 8 {
                    all.clear();
                }
                let t = make();
                all.push(Arc::clone(&t));
                t
            }
        }
    };
    f(&texts)
}

/// "Gerät: PC → Laptop", with labels from the config where the field still exists.
fn field_change(lang: Lang, fields: &[Field], a: ActivityRef<'_>) -> String {
    let field = fields.iter().find(|f| f.key == a.body);
    let label = field.map(|f| f.label.get(lang).to_string()).unwrap_or_else(|| a.body.to_string());
    let show = |v: &Option<&str>| match v {
        Some(v) => display_value(lang, field, v),
        None => "–".to_string(),
    };
    lang.f(m::FIELD_CHANGED, &[("field", &label), ("old", &show(&a.old_value)), ("new", &show(&a.new_value))])
}

/// One entry of the timeline.
pub fn activity(
    c: &Chrome,
    a: &Activity,
    tz: &Tz,
    staff: bool,
    number: &str,
    files: &[&Attachment],
    fields_config: &[Field],
) -> Markup {
    let stamps = clock::Stamps::new(tz);
    html! { (Entry { c, a: a.as_ref(), stamps: &stamps, staff, number, files, fields: fields_config, consts: None }) }
}

/// One entry of the timeline, written by hand straight into the page's buffer: as a maud
/// partial each entry was its own `String`, then copied into the timeline (`memcpy` and
/// `malloc` were a quarter of a ticket with 1,000 activities). The bytes are exactly what the
/// maud template wrote; every dynamic value goes through [`esc`] / [`esc_with`].
struct Entry<'a> {
    c: &'a Chrome,
    a: ActivityRef<'a>,
    /// The page's time zone, with the offset of the week asked last.
    stamps: &'a clock::Stamps<'a>,
    staff: bool,
    number: &'a str,
    files: &'a [&'a Attachment],
    fields: &'a [Field],
    /// `None`: escaped per entry (a short timeline does not pay for the table).
    consts: Option<&'a EntryConsts<'a>>,
}

/// What every entry of one activity kind, or by one author kind, writes alike — written once
/// per timeline instead of once per entry: the three runs of an entry's head around its stamp
/// and id (a dozen short splices and escapes an entry before), each made by the same function
/// that writes it for a short timeline, when first needed.
struct EntryConsts<'c> {
    c: &'c Chrome,
    /// By kind, author kind and `internal`: [`open_tag`].
    open: Vec<std::cell::OnceCell<String>>,
    /// By author kind: [`author_attr`].
    author: Vec<std::cell::OnceCell<String>>,
    /// By kind: [`kind_label`].
    label: Vec<std::cell::OnceCell<String>>,
    /// By old and new status, by old and new priority ([`pair_slot`]): the change line.
    status: Vec<std::cell::OnceCell<String>>,
    priority: Vec<std::cell::OnceCell<String>>,
}

/// The slot of a change from `old` to `new` (values' positions in their enum; `None`: not a
/// known value, written "–") among [`PAIR_SLOTS`]; a position from [`PAIR_VALUES`] on has none
/// (`PAIR_SLOTS`: the line is written each time).
fn pair_slot(old: Option<usize>, new: Option<usize>) -> usize {
    let i = |v: Option<usize>| match v {
        None => Some(PAIR_VALUES),
        Some(v) => (v < PAIR_VALUES).then_some(v),
    };
    match (i(old), i(new)) {
        (Some(o), Some(n)) => o * (PAIR_VALUES + 1) + n,
        _ => PAIR_SLOTS,
    }
}

const PAIR_VALUES: usize = 8;
const PAIR_SLOTS: usize = (PAIR_VALUES + 1) * (PAIR_VALUES + 1);

impl<'c> EntryConsts<'c> {
    fn new(c: &'c Chrome) -> EntryConsts<'c> {
        let cells = |n: usize| (0..n).map(|_| std::cell::OnceCell::new()).collect();
        let (kinds, authors) = (ActivityKind::ALL.len(), AuthorKind::ALL.len());
        EntryConsts {
            c,
            open: cells(kinds * authors * 2),
            author: cells(authors),
            label: cells(kinds),
            status: cells(PAIR_SLOTS),
            priority: cells(PAIR_SLOTS),
        }
    }

    /// Appends `write`'s text for slot `i` of `cells`, made on first use; `false`: no such
    /// slot (a kind missing from `ALL`), nothing written.
    fn push(
        out: &mut String,
        cells: &[std::cell::OnceCell<String>],
        i: usize,
        write: impl FnOnce(&mut String),
    ) -> bool {
        let Some(cell) = cells.get(i) else { return false };
        out.push_str(cell.get_or_init(|| {
            let mut s = String::new();
            write(&mut s);
            s
        }));
        true
    }
}

/// `<li class="activity kind-… from-…[ internal]" data-activity-kind="…" data-created="`
fn open_tag(out: &mut String, kind: ActivityKind, by: AuthorKind, internal: bool) {
    out.push_str("<li class=\"activity kind-");
    esc(out, kind.as_str());
    out.push(' ');
    esc(out, side(by));
    if internal {
        out.push_str(" internal");
    }
    out.push_str("\" data-activity-kind=\"");
    esc(out, kind.as_str());
    out.push_str("\" data-created=\"");
}

/// `" data-author-kind="…" id="a`
fn author_attr(out: &mut String, by: AuthorKind) {
    out.push_str("\" data-author-kind=\"");
    esc(out, by.as_str());
    out.push_str("\" id=\"a");
}

/// `"><div class="activity-head"><span class="kind">…</span>`
fn kind_label(out: &mut String, c: &Chrome, kind: ActivityKind) {
    out.push_str("\"><div class=\"activity-head\"><span class=\"kind\">");
    esc(out, c.t(kind.label()));
    out.push_str("</span>");
}

/// The class of an entry by who wrote it.
fn side(a: AuthorKind) -> &'static str {
    match a {
        AuthorKind::Customer => "from-customer",
        AuthorKind::Staff => "from-staff",
        AuthorKind::System => "from-system",
    }
}

impl maud::Render for Entry<'_> {
    fn render_to(&self, out: &mut String) {
        let Entry { c, a, stamps, staff, number, files, fields, consts } = *self;
        let lang = c.lang;
        // The viewer's own activities read "Sie"/"You"; a colleague's carry their name.
        let viewer = c.user.as_ref().and_then(|u| u.person);
        let author: &str = match a.author_kind {
            AuthorKind::Customer if !staff && a.contact_id == viewer => c.t(m::YOU),
            _ => a.author_name,
        };
        // The declaration order of the kinds is the order of their `ALL` (`str_enum!`); should
        // a table miss one, the text is written here.
        let change = |msg: Msg, label: &dyn Fn(&str) -> Option<Msg>| {
            let old = a.old_value.and_then(label).map(|m| lang.t(m)).unwrap_or("–");
            let new = a.new_value.and_then(label).map(|m| lang.t(m)).unwrap_or("–");
            lang.f(msg, &[("old", old), ("new", new)])
        };
        let (k, by) = (a.kind as usize, a.author_kind as usize);
        let open = (k * AuthorKind::ALL.len() + by) * 2 + usize::from(a.internal);
        if !consts
            .is_some_and(|t| EntryConsts::push(out, &t.open, open, |o| open_tag(o, a.kind, a.author_kind, a.internal)))
        {
            open_tag(out, a.kind, a.author_kind, a.internal);
        }
        // Stamps are digits, letters and `-.,: ` (nothing to escape): written as they are.
        let stamp = out.len();
        stamps.push_rfc3339(out, a.created_at);
        let stamp = stamp..out.len();
        if !consts.is_some_and(|t| EntryConsts::push(out, &t.author, by, |o| author_attr(o, a.author_kind))) {
            author_attr(out, a.author_kind);
        }
        esc_with(out, |o| maud::Render::render_to(&a.id, o));
        if !consts.is_some_and(|t| EntryConsts::push(out, &t.label, k, |o| kind_label(o, t.c, a.kind))) {
            kind_label(out, c, a.kind);
        }
        if !author.is_empty() {
            out.push_str("<span class=\"author\">");
            esc(out, author);
            out.push_str("</span>");
        }
        out.push_str("<time datetime=\"");
        // The stamp written above, already escaped: copied, not formatted again.
        out.extend_from_within(stamp);
        out.push_str("\">");
        stamps.push_datetime(out, a.created_at, lang);
        out.push_str("</time>");
        if a.minutes > 0 && (staff || a.kind != ActivityKind::InternalNote) {
            out.push_str("<span class=\"minutes\">");
            push_minutes_spent(out, c, a.minutes);
            out.push_str("</span>");
        }
        out.push_str("</div>");
        match a.kind {
            // A change line depends only on the two values it names: written once per pair.
            ActivityKind::Status => {
                let write = |o: &mut String| {
                    let text = change(m::STATUS_CHANGED, &|s| {
                        Status::parse(s).map(|s| if staff { s.staff_label() } else { s.label() })
                    });
                    change_line(o, &text);
                };
                let pos = |v: Option<&str>| v.and_then(Status::parse).map(|s| s as usize);
                let pair = pair_slot(pos(a.old_value), pos(a.new_value));
                if !consts.is_some_and(|t| EntryConsts::push(out, &t.status, pair, write)) {
                    write(out);
                }
                // A reason given by the system (closed automatically after `auto_close_days`).
                body(out, a.body);
            }
            ActivityKind::Priority => {
                let write = |o: &mut String| {
                    change_line(o, &change(m::PRIORITY_CHANGED, &|s| Priority::parse(s).map(|p| p.label())));
                };
                let pos = |v: Option<&str>| v.and_then(Priority::parse).map(|p| p as usize);
                let pair = pair_slot(pos(a.old_value), pos(a.new_value));
                if !consts.is_some_and(|t| EntryConsts::push(out, &t.priority, pair, write)) {
                    write(out);
                }
            }
            ActivityKind::Field => change_line(out, &field_change(lang, fields, a)),
            ActivityKind::Assignee => change_line(
                out,
                &lang.f(
                    m::ASSIGNEE_CHANGED,
                    &[("old", a.old_value.unwrap_or("–")), ("new", a.new_value.unwrap_or("–"))],
                ),
            ),
            _ => {
                if a.kind == ActivityKind::Email {
                    out.push_str("<dl class=\"email-meta\">");
                    for (label, value) in
                        [(m::SUBJECT, a.email_subject), (m::EMAIL_FROM, a.email_from), (m::EMAIL_TO, a.email_to)]
                    {
                        if let Some(v) = value {
                            out.push_str("<div><dt>");
                            esc(out, c.t(label));
                            out.push_str("</dt><dd>");
                            esc(out, v);
                            out.push_str("</dd></div>");
                        }
                    }
                    out.push_str("</dl>");
                }
                body(out, a.body);
                if !files.is_empty() {
                    out.push_str(&activity_files(c, staff, number, files).0);
                }
            }
        }
        out.push_str("</li>");
    }
}

/// `c.f(MINUTES_SPENT, time: format_minutes(minutes))`, escaped, written in place: a
/// `format!` and two `String`s per entry with time before.
fn push_minutes_spent(out: &mut String, c: &Chrome, minutes: i64) {
    // `{` found by a byte search (`split_once` with a `&str` pattern sets up a substring
    // search per call).
    let text = c.t(m::MINUTES_SPENT);
    let at = text.bytes().position(|b| b == b'{').unwrap_or(text.len());
    let (before, rest) = text.split_at(at);
    match rest.strip_prefix("{time}") {
        Some(after) if !after.contains('{') => {
            esc(out, before);
            push_minutes(out, minutes);
            esc(out, after);
        }
        _ => esc(out, &c.f(m::MINUTES_SPENT, &[("time", &format_minutes(minutes))])),
    }
}

/// `<p class="change">…</p>` of an entry.
fn change_line(out: &mut String, text: &str) {
    out.push_str("<p class=\"change\">");
    esc(out, text);
    out.push_str("</p>");
}

/// `<div class="body">…</div>` of an entry, when it has a text.
fn body(out: &mut String, text: &str) {
    if !text.is_empty() {
        out.push_str("<div class=\"body\">");
        esc(out, text);
        out.push_str("</div>");
    }
}

pub struct NewTicketView {
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub fields: Vec<Field>,
}

pub fn new_ticket(c: &Chrome, v: &NewTicketView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let prio = Priority::parse(v.values.str("priority")).unwrap_or(Priority::Normal);
    let content = html! {
        div.page-head { h1 { (Text(c.t(m::NEW_TICKET_TITLE))) } }
        p.lead { (Text(c.t(m::NEW_TICKET_INTRO))) }
        section.card {
            (error_summary(lang, e))
            form.stack method="post" action="/tickets" enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                div.field {
                    label for="subject" { (Text(c.t(m::SUBJECT))) " " span.req aria-hidden="true" { "*" } }
                    input #subject type="text" name="subject" value=(v.values.str("subject")) required maxlength="200"
                        aria-invalid=[e.get("subject").map(|_| "true")] autofocus[e.is_first("subject")] aria-describedby=[described_by(e, "subject", false)];
                    (field_error(lang, e, "subject"))
                }
                div.field {
                    label for="body" { (Text(c.t(m::DESCRIPTION))) " " span.req aria-hidden="true" { "*" } }
                    textarea #body name="body" rows="8" required maxlength="50000"
                        aria-invalid=[e.get("body").map(|_| "true")] autofocus[e.is_first("body")] aria-describedby=[described_by(e, "body", false)] { (v.values.str("body")) }
                    (field_error(lang, e, "body"))
                }
                div.field {
                    label for="priority" { (Text(c.t(m::PRIORITY))) }
                    select #priority name="priority" aria-invalid=[e.get("priority").map(|_| "true")] autofocus[e.is_first("priority")] aria-describedby=[described_by(e, "priority", false)] {
                        @for p in Priority::ALL {
                            option value=(p.as_str()) selected[*p == prio] { (c.t(p.label())) }
                        }
                    }
                    (field_error(lang, e, "priority"))
                }
                (custom_fields(lang, &v.fields, &v.values, e))
                (file_input(c, "new-files", e))
                div.actions { button.btn.btn-primary type="submit" { (Text(c.t(m::SUBMIT_TICKET))) } }
            }
        }
    };
    layout(c, c.t(m::NEW_TICKET_TITLE), None, content)
}

/// The form that edits stored field values (staff: all fields; customers: `customer_editable`).
pub fn field_edit_form(
    c: &Chrome,
    action: &str,
    csrf: &str,
    fields: &[Field],
    stored: &[(String, String)],
    e: &FieldErrors,
) -> Markup {
    let values = Form::from_pairs(stored.iter().map(|(k, v)| (format!("cf_{k}"), v.clone())).collect());
    let editable: Vec<Field> = fields.iter().map(|f| Field { required: false, ..f.clone() }).collect();
    html! {
        @if !editable.is_empty() {
            // Open only for its own errors: an empty reply must not open this box (issue 19).
            details.card.field-edit open[e.fields().any(|f| f.starts_with("cf_"))] {
                summary { (Text(c.t(m::EDIT_DETAILS))) }
                form.stack method="post" action=(action) novalidate {
                    input type="hidden" name="csrf" value=(csrf);
                    (custom_fields(c.lang, &editable, &values, e))
                    div.actions { button.btn type="submit" { (Text(c.t(m::SAVE))) } }
                }
            }
        }
    }
}

/// The configured `[[fields]]`, with `show_when` as data attributes for the small script.
pub fn custom_fields(lang: Lang, fields: &[Field], values: &Form, e: &FieldErrors) -> Markup {
    html! {
        @for f in fields {
            @let name = format!("cf_{}", f.key);
            @let value = values.str(&name);
            @let help = f.help.as_ref().map(|h| h.get(lang).to_string());
            @let described = described_by(e, &name, help.is_some());
            @let invalid = e.get(&name).map(|_| "true");
            div.field.custom-field
                data-show-when=[f.show_when.as_ref().map(|s| format!("cf_{}", s.field))]
                data-show-values=[f.show_when.as_ref().map(|s| s.equals.iter().chain(s.any_of.iter().flatten()).cloned().collect::<Vec<_>>().join("\u{1f}"))] {
                @if f.kind == FieldType::Checkbox {
                    label.check for=(name) {
                        input #(name) type="checkbox" name=(name) value="yes" checked[!value.is_empty()]
                            aria-invalid=[invalid] autofocus[e.is_first(&name)] aria-describedby=[described.clone()];
                        " " (f.label.get(lang))
                        @if f.required { " " span.req aria-hidden="true" { "*" } }
                    }
                } @else {
                    label for=(name) {
                        (f.label.get(lang))
                        @if f.required { " " span.req aria-hidden="true" { "*" } }
                    }
                    @match f.kind {
                        FieldType::Textarea => {
                            textarea #(name) name=(name) rows="4" required[f.required] aria-invalid=[invalid] autofocus[e.is_first(&name)] aria-describedby=[described.clone()] { (value) }
                        }
                        FieldType::Select => {
                            select #(name) name=(name) required[f.required] aria-invalid=[invalid] autofocus[e.is_first(&name)] aria-describedby=[described.clone()] {
                                option value="" { "–" }
                                @for o in &f.options {
                                    option value=(o.value()) selected[o.value() == value] { (o.label(lang)) }
                                }
                            }
                        }
                        kind => {
                            @let input_type = match kind {
                                FieldType::Number => "number",
                                FieldType::Date => "date",
                                FieldType::Email => "email",
                                FieldType::Phone => "tel",
                                _ => "text",
                            };
                            input #(name) type=(input_type) name=(name) value=(value) required[f.required]
                                step=[(kind == FieldType::Number).then_some("any")]
                                aria-invalid=[invalid] autofocus[e.is_first(&name)] aria-describedby=[described.clone()];
                        }
                    }
                }
                @if let Some(h) = &help { p.help id={ "help-" (name) } { (h) } }
                (field_error(lang, e, &name))
            }
        }
    }
}

#[cfg(test)]
mod hand_written_tests {
    //! The hand-written partials (`Row`, `TicketTable`, `Timeline`, `Entry`) against the maud
    //! templates they replaced, copied here as they were: byte for byte over every kind, author
    //! kind, status and priority, both languages, the staff and the customer side.
    use super::*;
    use crate::model::{ActivityRows, TicketDetail, TimelinePage};

    #[test]
    fn minutes_written_in_place_are_format_minutes() {
        let mut values: Vec<i64> = (-200..2000).collect();
        values.extend([i64::MIN + 1, -61, -60, -59, 6000, 6001, 6059, 123_456_789, i64::MAX]);
        for v in values {
            let mut out = String::from("x");
            push_minutes(&mut out, v);
            assert_eq!(out, format!("x{}", format_minutes(v)), "{v}");
        }
    }
    use crate::views::{Reserve, UserBox};

    /// The list used by the overview and the staff queue.
    fn old_ticket_table(
        c: &Chrome,
        page: &TicketPage,
        show_time: bool,
        tz: &Tz,
        staff: bool,
        fields: &[Field],
    ) -> Markup {
        let rows = &page.rows;
        let columns: Vec<&Field> = fields.iter().filter(|f| f.list_column).collect();
        let value_of = |t: &TicketSummary, f: &Field| -> String {
            page.fields
                .get(&t.id)
                .and_then(|vs| vs.iter().find(|(k, _)| *k == f.key))
                .map(|(_, v)| display_value(c.lang, Some(f), v))
                .unwrap_or_default()
        };
        let lang = c.lang;
        let link = |t: &TicketSummary| ticket_url(staff, &t.number);
        html! {
            div.table-wrap {
                table.tickets {
                    thead {
                        tr {
                            th scope="col" { (c.t(m::TICKET_NO)) }
                            th scope="col" { (c.t(m::SUBJECT)) }
                            @if staff { th scope="col" { (c.t(m::CUSTOMER)) } }
                            th scope="col" { (c.t(m::STATUS)) }
                            th scope="col" { (c.t(m::PRIORITY)) }
                            @if staff { th scope="col" { (c.t(m::ASSIGNEE)) } }
                            @for f in &columns { th scope="col" { (f.label.get(c.lang)) } }
                            th scope="col" .num { (c.t(m::ACTIVITIES)) }
                            th scope="col" { (c.t(m::LAST_ACTIVITY)) }
                            @if show_time { th scope="col" .num { (c.t(m::TIME_SPENT)) } }
                        }
                    }
                    tbody {
                        // A row is ~900 bytes (staff, with fields more).
                        (Reserve(rows.len() * 1024))
                        @for t in rows {
                            @let href = link(t);
                            tr data-ticket=(Text(&t.number)) data-status=(Text(t.status.as_str())) data-priority=(Text(t.priority.as_str()))
                                data-activities=(t.activity_count) data-minutes=[show_time.then_some(t.minutes)]
                                data-unread[staff && t.unread] data-follow-up=[t.follow_up_at.filter(|_| staff).map(|f| clock::iso_date(f, tz))] {
                                td.ticket-no data-label=(Text(c.t(m::TICKET_NO))) { a href=(Text(&href)) tabindex="-1" { (Text(&t.number)) } }
                                td.subject data-label=(Text(c.t(m::SUBJECT))) {
                                    @if staff && t.unread { span.badge.badge-unread { (Text(c.t(m::UNREAD))) } " " }
                                    a href=(Text(&href)) { (Text(&t.subject)) }
                                    @if let Some(f) = t.follow_up_at.filter(|_| staff) {
                                        " " span.badge.badge-follow-up { (Text(c.t(m::FOLLOW_UP))) " " (clock::date(f, tz, lang)) }
                                    }
                                }
                                @if staff { td.customer data-label=(Text(c.t(m::CUSTOMER))) { (Text(&t.customer_name)) " " span.muted.cno { "(" (Text(&t.customer_no)) ")" } } }
                                td data-label=(Text(c.t(m::STATUS))) { (status_badge(lang, t.status, staff)) }
                                td data-label=(Text(c.t(m::PRIORITY))) { (priority_badge(lang, t.priority)) }
                                @if staff { td.assignee data-label=(Text(c.t(m::ASSIGNEE))) { (t.assignee.as_deref().unwrap_or("–")) } }
                                @for f in &columns { td data-label=(f.label.get(c.lang)) data-field=(f.key) { (value_of(t, f)) } }
                                td.num data-label=(Text(c.t(m::ACTIVITIES))) { (t.activity_count) }
                                td.last data-label=(Text(c.t(m::LAST_ACTIVITY))) {
                                    time datetime=(Text(&clock::rfc3339(t.last_activity_at))) { (Text(&clock::datetime(t.last_activity_at, tz, lang))) }
                                    br;
                                    // The customer is "Sie" here as in the timeline (issue 19: one name per person).
                                    @let me = !staff && c.user.as_ref().is_some_and(|u| u.name == t.last_activity_by);
                                    span.muted {
                                        (Text(c.t(t.last_activity_kind.label())))
                                        @if me { " · " (Text(c.t(m::YOU))) } @else if !t.last_activity_by.is_empty() { " · " (Text(&t.last_activity_by)) }
                                    }
                                }
                                @if show_time { td.num data-label=(Text(c.t(m::TIME_SPENT))) { (format_minutes(t.minutes)) } }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A ticket's activities, oldest first, each with its files.
    fn old_timeline(c: &Chrome, d: &Detail, tz: &Tz, staff: bool, fields: &[Field]) -> Markup {
        let number = &d.ticket.summary.number;
        // Files by activity, once: looking them up per activity was activities × files.
        let mut files: std::collections::HashMap<i64, Vec<&Attachment>> = std::collections::HashMap::new();
        for f in &d.attachments {
            if let Some(id) = f.activity_id {
                files.entry(id).or_default().push(f);
            }
        }
        html! {
            section.timeline aria-label=(c.t(m::ACTIVITIES)) {
                @if d.activities.is_empty() {
                    p.empty { (c.t(m::NO_ACTIVITIES_OF_KIND)) }
                }
                @if d.timeline.older {
                    p.timeline-more { a href=(timeline_url(staff, number, &d.timeline, d.timeline.number + 1)) data-timeline-page=(d.timeline.number + 1) { (c.t(m::TIMELINE_OLDER)) } }
                }
                ol.activities {
                    // An entry is 300–700 bytes (a long text more; the buffer grows from there).
                    (Reserve(d.activities.len() * 640))
                    @for a in &d.activities.to_vec() {
                        (old_activity(c, a, tz, staff, number, files.get(&a.id).map_or(&[][..], |v| &v[..]), fields))
                    }
                }
                @if d.timeline.number > 1 {
                    p.timeline-more { a href=(timeline_url(staff, number, &d.timeline, d.timeline.number - 1)) data-timeline-page=(d.timeline.number - 1) { (c.t(m::TIMELINE_NEWER)) } }
                }
            }
        }
    }

    /// One entry of the timeline.
    fn old_activity(
        c: &Chrome,
        a: &Activity,
        tz: &Tz,
        staff: bool,
        number: &str,
        files: &[&Attachment],
        fields_config: &[Field],
    ) -> Markup {
        let lang = c.lang;
        // The viewer's own activities read "Sie"/"You"; a colleague's carry their name.
        let viewer = c.user.as_ref().and_then(|u| u.person);
        let author: &str = match a.author_kind {
            AuthorKind::Customer if !staff && a.contact_id == viewer => c.t(m::YOU),
            _ => &a.author_name,
        };
        let side = match a.author_kind {
            AuthorKind::Customer => "from-customer",
            AuthorKind::Staff => "from-staff",
            AuthorKind::System => "from-system",
        };
        let change = |msg: Msg, label: &dyn Fn(&str) -> Option<Msg>| {
            let old = a.old_value.as_deref().and_then(label).map(|m| lang.t(m)).unwrap_or("–");
            let new = a.new_value.as_deref().and_then(label).map(|m| lang.t(m)).unwrap_or("–");
            lang.f(msg, &[("old", old), ("new", new)])
        };
        let created = clock::rfc3339(a.created_at);
        html! {
            li class={ "activity kind-" (Text(a.kind.as_str())) " " (Text(side)) @if a.internal { " internal" } }
                data-activity-kind=(Text(a.kind.as_str())) data-created=(Text(&created))
                data-author-kind=(Text(a.author_kind.as_str())) id={ "a" (a.id) } {
                div.activity-head {
                    span.kind { (Text(c.t(a.kind.label()))) }
                    @if !author.is_empty() { span.author { (Text(author)) } }
                    time datetime=(Text(&created)) { (Text(&clock::datetime(a.created_at, tz, lang))) }
                    @if a.minutes > 0 && (staff || a.kind != ActivityKind::InternalNote) {
                        span.minutes { (c.f(m::MINUTES_SPENT, &[("time", &format_minutes(a.minutes))])) }
                    }
                }
                @match a.kind {
                    ActivityKind::Status => {
                        p.change { (change(m::STATUS_CHANGED, &|s| Status::parse(s).map(|s| if staff { s.staff_label() } else { s.label() }))) }
                        // A reason given by the system (closed automatically after `auto_close_days`).
                        @if !a.body.is_empty() { div.body { (Text(&a.body)) } }
                    }
                    ActivityKind::Priority => {
                        p.change { (change(m::PRIORITY_CHANGED, &|s| Priority::parse(s).map(|p| p.label()))) }
                    }
                    ActivityKind::Field => {
                        p.change { (field_change(lang, fields_config, a.as_ref())) }
                    }
                    ActivityKind::Assignee => {
                        p.change { (lang.f(m::ASSIGNEE_CHANGED, &[("old", a.old_value.as_deref().unwrap_or("–")), ("new", a.new_value.as_deref().unwrap_or("–"))])) }
                    }
                    _ => {
                        @if a.kind == ActivityKind::Email {
                            dl.email-meta {
                                @if let Some(s) = &a.email_subject { div { dt { (Text(c.t(m::SUBJECT))) } dd { (s) } } }
                                @if let Some(s) = &a.email_from { div { dt { (Text(c.t(m::EMAIL_FROM))) } dd { (s) } } }
                                @if let Some(s) = &a.email_to { div { dt { (Text(c.t(m::EMAIL_TO))) } dd { (s) } } }
                            }
                        }
                        @if !a.body.is_empty() { div.body { (Text(&a.body)) } }
                        (activity_files(c, staff, number, files))
                    }
                }
            }
        }
    }

    fn chrome(lang: Lang, staff: bool) -> Chrome {
        Chrome {
            lang,
            site_title: "Portal <&>".into(),
            logo_url: None,
            theme_url: "/theme.css".into(),
            css_url: "/a.css".into(),
            js_url: "/a.js".into(),
            icon_url: "/i.svg".into(),
            user: Some(UserBox {
                name: "Anna \"A\" & Co".into(),
                person: Some(7),
                customer_no: (!staff).then(|| "K-10001".into()),
                staff,
                admin: false,
            }),
            path: "/x?y=1".into(),
            csrf: Some("t".into()),
            imprint_url: None,
            privacy_url: None,
            login_text: None,
            show_time: true,
            hotline: false,
            mail: false,
            max_file_bytes: 1 << 20,
            max_files: 5,
            max_request_bytes: 1 << 22,
        }
    }

    fn fields() -> Vec<Field> {
        serde_json::from_value(serde_json::json!([
            { "key": "device", "label": { "de": "Gerät <1>", "en": "Device & co" }, "type": "select",
              "options": ["PC", { "value": "nb", "de": "Laptop \"neu\"", "en": "Notebook <new>" }], "list_column": true },
            { "key": "note", "label": "Notiz", "type": "text", "list_column": true },
            { "key": "hidden", "label": "Verborgen", "type": "text" }
        ]))
        .unwrap()
    }

    fn berlin() -> &'static Tz {
        time_tz::timezones::get_by_name("Europe/Berlin").unwrap()
    }

    fn summary(i: usize) -> TicketSummary {
        TicketSummary {
            id: i as i64,
            number: format!("2026-{i:05}"),
            subject: if i.is_multiple_of(2) { format!("Drucker <{i}> & \"Papier\"") } else { "Grüße".into() },
            status: Status::ALL[i % Status::ALL.len()],
            priority: Priority::ALL[i % Priority::ALL.len()],
            customer_no: "K-10001".into(),
            customer_name: "Müller & Söhne <GmbH>".into(),
            assignee: (!i.is_multiple_of(3)).then(|| "Bea \"B\"".into()),
            created_at: 1_751_371_200 + i as i64 * 86_400,
            activity_count: i as i64 * 7,
            last_activity_at: 1_761_371_200 + i as i64 * 3_600_017,
            last_activity_kind: ActivityKind::ALL[i % ActivityKind::ALL.len()],
            last_activity_by: ["Anna \"A\" & Co", "", "Carl <C>"][i % 3].into(),
            minutes: [0, 45, 60, 135][i % 4],
            follow_up_at: (i % 4 == 1).then_some(1_767_222_000 + i as i64 * 86_400),
            customer_activity_at: None,
            unread: i % 5 == 2,
        }
    }

    #[test]
    fn table_rows_are_what_the_maud_template_wrote() {
        let fields = fields();
        let rows: Vec<TicketSummary> = (0..24).map(summary).collect();
        let mut values = std::collections::HashMap::new();
        values.insert(2, vec![("device".to_string(), "nb".to_string()), ("note".to_string(), "<x> & y".to_string())]);
        values.insert(3, vec![("device".to_string(), "PC".to_string())]);
        let page = TicketPage { rows, total: 24, minutes: 0, fields: values, capped: false, next_after: None };
        for lang in [Lang::De, Lang::En] {
            for staff in [false, true] {
                for show_time in [false, true] {
                    for fields in [&fields[..], &[]] {
                        let c = chrome(lang, staff);
                        let new = ticket_table(&c, &page, show_time, berlin(), staff, fields).into_string();
                        let old = old_ticket_table(&c, &page, show_time, berlin(), staff, fields).into_string();
                        assert_eq!(new, old, "{lang:?} staff={staff} show_time={show_time}");
                        // A short table escapes per row (no table of labels).
                        let short = TicketPage {
                            rows: page.rows[..5].to_vec(),
                            total: 5,
                            minutes: 0,
                            fields: page.fields.clone(),
                            capped: false,
                            next_after: None,
                        };
                        let new = ticket_table(&c, &short, show_time, berlin(), staff, fields).into_string();
                        let old = old_ticket_table(&c, &short, show_time, berlin(), staff, fields).into_string();
                        assert_eq!(new, old, "short: {lang:?} staff={staff} show_time={show_time}");
                    }
                }
            }
        }
    }

    fn activity(i: usize, kind: ActivityKind, author_kind: AuthorKind) -> Activity {
        let values = ["open", "closed", "urgent", "low", "nonsense", "Bea <B>"];
        Activity {
            id: i as i64,
            kind,
            internal: i.is_multiple_of(3),
            author_kind,
            author_name: ["Anna \"A\" & Co", "", "Carl <C>"][i % 3].into(),
            contact_id: [Some(7), None, Some(8)][i % 3],
            body: match kind {
                ActivityKind::Field => ["device", "gone"][i % 2].into(),
                _ => ["", "Hallo <b>Welt</b> & \"Grüße\"\nZeile 2", "plain text"][i % 3].into(),
            },
            minutes: [0, 5, 90][i % 3],
            email_from: (i.is_multiple_of(2)).then(|| "a@b.example".into()),
            email_to: (!i.is_multiple_of(3)).then(|| "<c@d.example>".into()),
            email_subject: (i % 4 != 1).then(|| "Re: \"Drucker\" & Co".into()),
            old_value: (!i.is_multiple_of(5)).then(|| values[i % values.len()].into()),
            new_value: (!i.is_multiple_of(7)).then(|| values[(i + 1) % values.len()].into()),
            created_at: 1_740_000_000 + i as i64 * 7_777_777,
        }
    }

    #[test]
    fn timeline_entries_are_what_the_maud_template_wrote() {
        let mut activities = Vec::new();
        let mut i = 0;
        for kind in ActivityKind::ALL {
            for author in AuthorKind::ALL {
                for _ in 0..6 {
                    activities.push(activity(i, *kind, *author));
                    i += 1;
                }
            }
        }
        let file = |id: i64, activity_id: i64, name: &str, previewable: bool| Attachment {
            id,
            activity_id: Some(activity_id),
            file_name: name.into(),
            media_type: "application/pdf".into(),
            size: id * 123_457,
            sha256: None,
            previewable,
            uploader_kind: AuthorKind::Customer,
            uploader_name: "Anna".into(),
            created_at: 1_750_000_000,
        };
        let attachments = vec![file(1, 1, "a <1>.pdf", true), file(2, 1, "b&c.txt", false), file(3, 4, "d.png", true)];
        let mut detail = Detail {
            ticket: TicketDetail { summary: summary(2), customer_id: 1, assignee_id: None, closed_at: None },
            activities: ActivityRows::from(&activities[..]),
            fields: Vec::new(),
            attachments,
            timeline: TimelinePage { number: 1, older: false, kind: KindFilter::All },
        };
        let fields = fields();
        for (number, older, kind) in
            [(1, false, KindFilter::All), (2, true, KindFilter::Email), (3, false, KindFilter::All)]
        {
            detail.timeline = TimelinePage { number, older, kind };
            for lang in [Lang::De, Lang::En] {
                for staff in [false, true] {
                    let c = chrome(lang, staff);
                    let new = timeline(&c, &detail, berlin(), staff, &fields).into_string();
                    let old = old_timeline(&c, &detail, berlin(), staff, &fields).into_string();
                    assert_eq!(new, old, "{lang:?} staff={staff} page={number}");
                }
            }
        }
        // A short timeline escapes per entry (no table of kinds).
        for chunk in activities.chunks(9) {
            detail.activities = ActivityRows::from(chunk);
            for staff in [false, true] {
                let c = chrome(Lang::En, staff);
                let new = timeline(&c, &detail, berlin(), staff, &fields).into_string();
                assert_eq!(new, old_timeline(&c, &detail, berlin(), staff, &fields).into_string());
            }
        }
        detail.activities.clear();
        let c = chrome(Lang::De, false);
        assert_eq!(
            timeline(&c, &detail, berlin(), false, &fields).into_string(),
            old_timeline(&c, &detail, berlin(), false, &fields).into_string()
        );
    }
}
