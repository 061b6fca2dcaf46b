//! Staff workspace and admin pages.

use maud::{html, Markup, PreEscaped};
use time_tz::Tz;

use crate::clock;
use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::{
    format_minutes, url_encode, ActivityKind, AuditPage, AuditQuery, Customer, CustomerPage, Field, Form, KindFilter,
    Priority, Queue, QueueTab, Role, Sort, StaffMember, Status, TicketQuery, TicketWork, COMPOSER_KINDS,
};
use crate::views::tickets::{
    custom_field_facts, custom_fields, documents_panel, field_edit_form, file_input, kind_filter, ticket_table,
    ticket_title, ticket_url, TicketTable, Timeline,
};
use crate::views::{
    audit_words, described_by, error_summary, field_error, layout, layout_with, pagination, pagination_after,
    query_string, query_string_of, Chrome, Parts, Text,
};

pub struct QueueView {
    pub data: Queue,
    pub query: TicketQuery,
    pub tab: QueueTab,
    pub now: i64,
    pub status_param: String,
    pub assignee_param: String,
    pub tz: &'static Tz,
    pub notice: Option<Msg>,
    pub fields: Vec<Field>,
    /// The admins' first-steps card, until dismissed (issue 19).
    pub first_steps: Option<crate::views::first_steps::FirstStepsView>,
}

pub fn queue(c: &Chrome, v: &QueueView) -> Markup {
    let q = &v.query;
    let base = format!("/staff/tickets?{}", queue_params(v, v.tab, &v.status_param));
    // The table writes itself into the page's buffer between the parts before and after it.
    let before = html! {
        div.page-head {
            h1 { (Text(c.t(m::STAFF_QUEUE))) }
            a.btn.btn-primary href="/staff/tickets/new" { "+ " (Text(c.t(m::NEW_TICKET_FOR_CUSTOMER))) }
        }
        @if let Some(f) = &v.first_steps { (crate::views::first_steps::card(c, f)) }
        (queue_status_tabs(c, v))
        (queue_filters(c, v))
        div.exports {
            a.btn.btn-quiet href={ (base) "&format=csv" } download { (Text(c.t(m::EXPORT_CSV))) }
            a.btn.btn-quiet href={ (base) "&format=csv&sep=comma" } download { (Text(c.t(m::CSV_COMMA))) }
        }
        div.summary {
            @if v.data.page.capped {
                // Staff search stops counting (issue 24): a lower bound, said as one.
                span.count data-capped { (c.f(m::TICKETS_COUNT_MORE, &[("n", &v.data.page.total.to_string())])) }
                span.total-time { (Text(c.t(m::TOTAL_TIME_FILTERED))) ": " strong data-total-minutes=(v.data.page.minutes) { "≥ " (format_minutes(v.data.page.minutes)) } }
            } @else {
                span.count { (c.f(m::TICKETS_COUNT, &[("n", &v.data.page.total.to_string())])) }
                span.total-time { (Text(c.t(m::TOTAL_TIME_FILTERED))) ": " strong data-total-minutes=(v.data.page.minutes) { (format_minutes(v.data.page.minutes)) } }
            }
        }
        @if v.data.page.rows.is_empty() {
            div.empty.card { p { (Text(c.t(m::NO_TICKETS))) } }
        }
    };
    let table = TicketTable { c, page: &v.data.page, show_time: true, tz: v.tz, staff: true, fields: &v.fields };
    let table: &dyn maud::Render = if v.data.page.rows.is_empty() { &"" } else { &table };
    let after = html! {
        (pagination_after(c.lang, &base, q.page, v.data.page.total, q.page_size, v.data.page.next_after.as_ref().map(ToString::to_string), v.data.page.rows.len() >= q.page_size))
    };
    let size = before.0.len() + v.data.page.rows.len() * 1024 + 2048 + after.0.len();
    layout_with(c, c.t(m::STAFF_QUEUE), v.notice, size, &Parts(&[&before, table, &after]))
}

/// The queue's filters as a query string, with `view` and `status` in place of the current ones.
fn queue_params(v: &QueueView, tab: QueueTab, status: &str) -> String {
    let q = &v.query;
    let view = if tab == QueueTab::Active { "" } else { tab.as_str() };
    // The views mine/unassigned set the assignee themselves.
    let assignee = if matches!(tab, QueueTab::Mine | QueueTab::Unassigned) { "" } else { &v.assignee_param };
    let (year, month) = (q.year.map(|y| y.to_string()), q.month.map(|m| m.to_string()));
    query_string_of(&[
        ("view", view),
        ("status", status),
        ("priority", q.priority.map(|p| p.as_str()).unwrap_or_default()),
        ("assignee", assignee),
        ("customer", q.customer_no.as_deref().unwrap_or_default()),
        ("year", year.as_deref().unwrap_or_default()),
        ("month", month.as_deref().unwrap_or_default()),
        ("q", q.search.as_deref().unwrap_or_default()),
        ("sort", if q.sort == Sort::CustomerActivity { "" } else { q.sort.as_str() }),
    ])
}

/// One set of tabs: the views (active, mine, unassigned, follow-up, all) and one tab per
/// status, each with its count. A view tab drops the status; a status tab shows that status
/// over all tickets (its count is over all tickets); the other filters stay.
fn queue_status_tabs(c: &Chrome, v: &QueueView) -> Markup {
    let count = |s: Status| v.data.status_counts.iter().find(|(x, _)| *x == s).map(|(_, n)| *n).unwrap_or(0);
    let all: i64 = v.data.status_counts.iter().map(|(_, n)| n).sum();
    let [active, mine, unassigned, later] = v.data.view_counts;
    let views = [
        (QueueTab::Active, m::QUEUE_VIEW_ACTIVE, active),
        (QueueTab::Mine, m::QUEUE_VIEW_MINE, mine),
        (QueueTab::Unassigned, m::QUEUE_VIEW_UNASSIGNED, unassigned),
        (QueueTab::FollowUp, m::QUEUE_VIEW_FOLLOW_UP, later),
        (QueueTab::All, m::STATUS_ALL, all),
    ];
    html! {
        nav.status-tabs aria-label=(Text(c.t(m::QUEUE_VIEWS))) {
            @for (tab, label, n) in views {
                a.chip href={ "/staff/tickets?" (queue_params(v, tab, "")) } data-view=(tab.as_str())
                    aria-current=[(v.tab == tab && v.status_param.is_empty()).then_some("page")] {
                    (c.t(label)) " " span.count data-view-count=(tab.as_str()) { (n) }
                }
            }
            span.tab-sep aria-hidden="true" { "|" }
            @for s in Status::ALL {
                a.chip href={ "/staff/tickets?" (queue_params(v, QueueTab::Active, s.as_str())) } aria-current=[(v.status_param == s.as_str()).then_some("page")] {
                    (c.t(s.staff_label())) " " span.count data-status-count=(s.as_str()) { (count(*s)) }
                }
            }
        }
    }
}

/// Priority, assignee, customer, year and month (with counts), search and order.
fn queue_filters(c: &Chrome, v: &QueueView) -> Markup {
    let q = &v.query;
    let mut years: Vec<i32> = v.data.months.iter().map(|(ym, _)| (ym / 100) as i32).collect();
    years.dedup();
    html! {
        form.filters.card method="get" action="/staff/tickets" role="search" aria-label=(Text(c.t(m::FILTERS))) {
            input type="hidden" name="status" value=(v.status_param);
            @if v.tab != QueueTab::Active { input type="hidden" name="view" value=(v.tab.as_str()); }
            div.field {
                label for="f-priority" { (Text(c.t(m::PRIORITY))) }
                select #f-priority name="priority" data-autosubmit {
                    option value="" { (Text(c.t(m::STATUS_ALL))) }
                    @for p in Priority::ALL { option value=(p.as_str()) selected[q.priority == Some(*p)] { (c.t(p.label())) } }
                }
            }
            div.field {
                label for="f-assignee" { (Text(c.t(m::ASSIGNEE))) }
                select #f-assignee name="assignee" data-autosubmit {
                    option value="" { (Text(c.t(m::STATUS_ALL))) }
                    option value="mine" selected[v.assignee_param == "mine"] { (Text(c.t(m::ASSIGNED_TO_ME))) }
                    option value="unassigned" selected[v.assignee_param == "unassigned"] { (Text(c.t(m::UNASSIGNED))) }
                    @for s in v.data.staff.iter().filter(|s| s.active) {
                        option value=(s.username) selected[v.assignee_param == s.username] { (s.name) }
                    }
                }
            }
            div.field {
                label for="f-customer" { (Text(c.t(m::CUSTOMER_NO))) }
                input #f-customer type="text" name="customer" value=(q.customer_no.as_deref().unwrap_or("")) size="10";
            }
            div.field {
                label for="f-year" { (Text(c.t(m::YEAR))) }
                select #f-year name="year" data-autosubmit {
                    option value="" { (Text(c.t(m::ALL_YEARS))) }
                    @for y in &years { option value=(y) selected[q.year == Some(*y)] { (y) } }
                }
            }
            div.field {
                label for="f-month" { (Text(c.t(m::MONTH))) }
                select #f-month name="month" data-autosubmit disabled[q.year.is_none()] {
                    option value="" { (Text(c.t(m::ALL_MONTHS))) }
                    @if let Some(y) = q.year {
                        @for (ym, n) in v.data.months.iter().rev().filter(|(ym, _)| ym / 100 == i64::from(y)) {
                            @let mo = (ym % 100) as u8;
                            option value=(mo) selected[q.month == Some(mo)] { (clock::month_name(mo, c.lang)) " (" (n) ")" }
                        }
                    }
                }
            }
            div.field.grow {
                label for="f-q" { (Text(c.t(m::SEARCH))) }
                input #f-q type="search" name="q" value=(q.search.as_deref().unwrap_or(""));
            }
            div.field {
                label for="f-sort" { (Text(c.t(m::SORT))) }
                select #f-sort name="sort" data-autosubmit {
                    option value="customer" selected[q.sort == Sort::CustomerActivity] { (Text(c.t(m::SORT_CUSTOMER_ACTIVITY))) }
                    option value="last" selected[q.sort == Sort::LastActivity] { (Text(c.t(m::SORT_LAST))) }
                    option value="created" selected[q.sort == Sort::Created] { (Text(c.t(m::SORT_CREATED))) }
                    option value="priority" selected[q.sort == Sort::Priority] { (Text(c.t(m::SORT_PRIORITY))) }
                }
            }
            div.field.filter-actions {
                button.btn type="submit" { (Text(c.t(m::FILTER))) }
                a.btn.btn-quiet href="/staff/tickets" { (Text(c.t(m::RESET_FILTERS))) }
            }
        }
    }
}

pub struct TicketView {
    pub work: TicketWork,
    pub kind: KindFilter,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub fields: Vec<Field>,
    pub tz: &'static Tz,
    pub notice: Option<Msg>,
    /// The snippets this staff member may insert: `(id, title, text for this ticket)`.
    pub snippets: Vec<(i64, String, String)>,
    /// The customer's remaining contingent minutes (issue 22; `None`: no active contingent).
    pub contingent_remaining: Option<i64>,
}

pub fn ticket(c: &Chrome, v: &TicketView) -> Markup {
    let d = &v.work.detail;
    let t = &d.ticket.summary;
    let base = ticket_url(true, &t.number);
    let entered: Vec<(String, String)> = v.values.custom_fields().into_iter().collect();
    // The timeline writes itself into the page's buffer between the parts before and after it.
    let before = html! {
        p.back { a href="/staff/tickets" { "← " (Text(c.t(m::STAFF_QUEUE))) } }
        (PreEscaped("<article class=\"ticket\">"))
            header.ticket-head.card {
                (ticket_title(c, t, true))
                (ticket_facts(c, v))
                (ticket_update_form(c, v))
            }
            (field_edit_form(c, &format!("{base}/fields"), &v.csrf, &v.fields,
                if entered.is_empty() { &d.fields } else { &entered }, &v.errors))
            // Wide screens: the timeline and the composer side by side; phones: one below the other.
            (PreEscaped("<div class=\"ticket-work\"><div class=\"ticket-history\">"))
                    (kind_filter(c, &base, v.kind))
    };
    let timeline = Timeline { c, d, tz: v.tz, staff: true, fields: &v.fields };
    let after = html! {
                (PreEscaped("</div>"))
                (composer(c, v))
            (PreEscaped("</div>"))
            (documents_panel(c, true, &t.number, &d.attachments, v.tz))
        (PreEscaped("</article>"))
    };
    let size = before.0.len() + d.activities.len() * 640 + 512 + after.0.len();
    layout_with(c, &format!("{} {}", t.number, t.subject), v.notice, size, &Parts(&[&before, &timeline, &after]))
}

/// What staff see about a ticket: the customer with a phone link, assignee, dates, counts, fields.
fn ticket_facts(c: &Chrome, v: &TicketView) -> Markup {
    let lang = c.lang;
    let d = &v.work.detail;
    let t = &d.ticket.summary;
    let customer = &v.work.customer;
    html! {
        dl.facts.inline {
            div { dt { (Text(c.t(m::CUSTOMER))) } dd {
                a href={ "/staff/customers/" (url_encode(&customer.customer_no)) } { (customer.name) }
                " " span.muted.cno { "(" (customer.customer_no) ")" }
                @if !customer.phone.is_empty() { br; a href={ "tel:" (customer.phone.replace(' ', "")) } { (customer.phone) } }
            } }
            @if !v.work.people.is_empty() {
                div { dt { (Text(c.t(m::PEOPLE_TITLE))) } dd {
                    @for (i, p) in v.work.people.iter().enumerate() {
                        @if i > 0 { ", " }
                        span data-person=(p.id) title=(p.email) { (p.name) }
                    }
                } }
            }
            div { dt { (Text(c.t(m::ASSIGNEE))) } dd { (t.assignee.as_deref().unwrap_or("–")) } }
            div { dt { (Text(c.t(m::CREATED))) } dd { time datetime=(clock::rfc3339(t.created_at)) { (clock::datetime(t.created_at, v.tz, lang)) } } }
            div { dt { (Text(c.t(m::ACTIVITIES))) } dd { (t.activity_count) } }
            div { dt { (Text(c.t(m::TIME_SPENT))) } dd data-minutes=(t.minutes) { (format_minutes(t.minutes)) } }
            (custom_field_facts(lang, &v.fields, &d.fields))
        }
    }
}

/// Status, priority and assignee of a ticket in one form.
fn ticket_update_form(c: &Chrome, v: &TicketView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let d = &v.work.detail;
    let t = &d.ticket.summary;
    let assignee_username =
        v.work.staff.iter().find(|s| Some(s.id) == d.ticket.assignee_id).map(|s| s.username.as_str()).unwrap_or("");
    html! {
        form.ticket-update method="post" action={ "/staff/tickets/" (t.number) } {
            input type="hidden" name="csrf" value=(v.csrf);
            div.field {
                label for="u-status" { (Text(c.t(m::STATUS))) }
                select #u-status name="status" autofocus[e.is_first("status")] aria-describedby=[described_by(e, "status", false)] {
                    @for s in Status::ALL { option value=(s.as_str()) selected[*s == t.status] { (c.t(s.staff_label())) } }
                }
                (field_error(lang, e, "status"))
            }
            div.field {
                label for="u-priority" { (Text(c.t(m::PRIORITY))) }
                select #u-priority name="priority" autofocus[e.is_first("priority")] {
                    @for p in Priority::ALL { option value=(p.as_str()) selected[*p == t.priority] { (c.t(p.label())) } }
                }
                (field_error(lang, e, "priority"))
            }
            div.field {
                label for="u-assignee" { (Text(c.t(m::ASSIGNEE))) }
                select #u-assignee name="assignee" autofocus[e.is_first("assignee")] {
                    option value="" selected[assignee_username.is_empty()] { (Text(c.t(m::UNASSIGNED))) }
                    @for s in v.work.staff.iter().filter(|s| s.active || s.username == assignee_username) {
                        option value=(s.username) selected[s.username == assignee_username] { (s.name) }
                    }
                }
                (field_error(lang, e, "assignee"))
            }
            (follow_up_field(c, v))
            div.field.filter-actions { button.btn type="submit" { (Text(c.t(m::SAVE))) } }
        }
    }
}

/// The follow-up date ("Wiedervorlage"): the ticket leaves the active view until then.
fn follow_up_field(c: &Chrome, v: &TicketView) -> Markup {
    let e = &v.errors;
    let stored = v.work.detail.ticket.summary.follow_up_at.map(|f| clock::iso_date(f, v.tz)).unwrap_or_default();
    let value = v.values.get("follow_up").map(str::to_string).unwrap_or(stored);
    html! {
        div.field {
            label for="u-follow-up" { (Text(c.t(m::FOLLOW_UP_ON))) }
            input #u-follow-up type="date" name="follow_up" value=(value)
                aria-invalid=[e.get("follow_up").map(|_| "true")]
                aria-describedby={ "hint-follow-up" @if e.get("follow_up").is_some() { " err-follow_up" } };
            (field_error(c.lang, e, "follow_up"))
        }
        p.help.follow-up-hint #hint-follow-up { (Text(c.t(m::FOLLOW_UP_HINT))) }
    }
}

/// The form for a new activity: kind, e-mail details, snippet, text, minutes, status after it,
/// files; the button names what happens.
fn composer(c: &Chrome, v: &TicketView) -> Markup {
    let e = &v.errors;
    let kind = v.values.get("kind").unwrap_or("message");
    html! {
        section.card.reply #composer aria-labelledby="composer-title" {
            h2 #composer-title { (Text(c.t(m::COMPOSER_TITLE))) }
            (error_summary(c.lang, e))
            form.stack.composer method="post" action={ "/staff/tickets/" (v.work.detail.ticket.summary.number) "/activities" } enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(v.csrf);
                (kind_choice(c, kind))
                p.help { (Text(c.t(m::INTERNAL_HINT))) }
                div.email-fields data-kind="email" {
                    (direction_choice(c, e, v.values.get("direction").unwrap_or("sent")))
                    @for (name, label) in [("email_from", m::EMAIL_FROM), ("email_to", m::EMAIL_TO), ("email_subject", m::SUBJECT)] {
                        div.field {
                            label for=(name) { (c.t(label)) " " span.muted { "(" (Text(c.t(m::KIND_EMAIL))) ")" } }
                            input #(name) type="text" name=(name) value=(v.values.str(name));
                        }
                    }
                }
                (snippet_choice(c, v))
                (activity_text(c, e, &v.values))
                div.composer-row {
                    (minutes_field(c, e, &v.values))
                    (status_after(c, e, &v.values))
                }
                (crate::views::contingents::composer_balance(c, v.contingent_remaining))
                (file_input(c, "composer-files", e))
                (send_buttons(c))
            }
        }
    }
}

/// A snippet to insert: with JavaScript at the cursor; without, "Einfügen" shows the page again
/// with the text filled in (nothing is sent).
fn snippet_choice(c: &Chrome, v: &TicketView) -> Markup {
    let e = &v.errors;
    html! {
        div.field.snippet-field {
            label for="c-snippet" { (Text(c.t(m::SNIPPET))) }
            div.inline-controls {
                select #c-snippet name="snippet" data-snippets aria-invalid=[e.get("snippet").map(|_| "true")]
                    aria-describedby=[described_by(e, "snippet", false)] {
                    option value="" { (Text(c.t(m::SNIPPET_NONE))) }
                    @for (id, title, text) in &v.snippets {
                        option value=(id) data-text=(text) { (title) }
                    }
                }
                button.btn type="submit" name="insert" value="1" data-snippet-insert { (Text(c.t(m::SNIPPET_INSERT))) }
                a.btn.btn-quiet href="/staff/snippets" { (Text(c.t(m::SNIPPETS_MANAGE))) }
            }
            (field_error(c.lang, e, "snippet"))
        }
    }
}

/// The status after saving: automatic by default ("waiting" after a message to the customer,
/// else unchanged), unchanged, or one status.
fn status_after(c: &Chrome, e: &FieldErrors, values: &Form) -> Markup {
    let chosen = values.get("status").unwrap_or("auto");
    html! {
        div.field.status-after {
            label for="c-status" { (Text(c.t(m::COMPOSER_STATUS_AFTER))) }
            select #c-status name="status" data-status-after aria-describedby=[described_by(e, "status", false)] {
                option value="auto" selected[chosen == "auto"] { (Text(c.t(m::STATUS_AUTO))) }
                option value="" selected[chosen.is_empty()] { (Text(c.t(m::STATUS_UNCHANGED))) }
                @for s in Status::ALL { option value=(s.as_str()) selected[chosen == s.as_str()] { (c.t(s.staff_label())) } }
            }
            (field_error(c.lang, e, "status"))
        }
    }
}

/// One submit button per kind, named after what it does; CSS shows the one of the chosen kind
/// (browsers without `:has()` show the neutral one). All submit the same form; the kind comes
/// from the radio buttons, never from the button.
fn send_buttons(c: &Chrome) -> Markup {
    let label = |k: ActivityKind| match k {
        ActivityKind::Message => m::SEND_TO_CUSTOMER,
        ActivityKind::InternalNote => m::SAVE_NOTE,
        ActivityKind::Call => m::LOG_CALL,
        ActivityKind::Email => m::LOG_EMAIL,
        _ => m::ADD_DOCUMENTS,
    };
    html! {
        div.actions.send-buttons {
            button.btn.btn-primary type="submit" data-send-neutral { (Text(c.t(m::SUBMIT_ENTRY))) }
            @for k in COMPOSER_KINDS {
                button.btn.btn-primary type="submit" data-send-for=(k.as_str()) { (c.t(label(*k))) }
            }
        }
    }
}

/// Who wrote a recorded e-mail: the customer (`received`) or we (`sent`).
fn direction_choice(c: &Chrome, e: &FieldErrors, selected: &str) -> Markup {
    html! {
        fieldset.kind-choice.direction-choice {
            legend { (Text(c.t(m::EMAIL_DIRECTION))) " " span.muted { "(" (Text(c.t(m::KIND_EMAIL))) ")" } }
            @for (value, label) in [("received", m::EMAIL_RECEIVED), ("sent", m::EMAIL_SENT)] {
                label.check {
                    input type="radio" name="direction" value=(value) checked[selected == value];
                    " " (c.t(label))
                }
            }
            (field_error(c.lang, e, "direction"))
        }
    }
}

/// The kinds of activity staff may add, as radio buttons.
fn kind_choice(c: &Chrome, selected: &str) -> Markup {
    html! {
        fieldset.kind-choice {
            legend { (Text(c.t(m::ACTIVITY_KIND))) }
            @for k in COMPOSER_KINDS {
                label.check {
                    input type="radio" name="kind" value=(k.as_str()) checked[selected == k.as_str()];
                    " " (c.t(k.label()))
                }
            }
        }
    }
}

/// The text of a new activity (optional: a call may be minutes only).
fn activity_text(c: &Chrome, e: &FieldErrors, values: &Form) -> Markup {
    html! {
        div.field {
            label for="body" { (Text(c.t(m::TEXT))) }
            textarea #body name="body" rows="6" maxlength="50000" aria-invalid=[e.get("body").map(|_| "true")] autofocus[e.is_first("body")]
                aria-describedby=[described_by(e, "body", false)] { (values.str("body")) }
            (field_error(c.lang, e, "body"))
        }
    }
}

/// Minutes spent, with the number keyboard on phones.
fn minutes_field(c: &Chrome, e: &FieldErrors, values: &Form) -> Markup {
    html! {
        div.field.minutes-field {
            label for="minutes" { (Text(c.t(m::MINUTES_LABEL))) }
            input #minutes type="number" name="minutes" min="0" max="10000" step="1" inputmode="numeric"
                value=(values.str("minutes")) aria-invalid=[e.get("minutes").map(|_| "true")] autofocus[e.is_first("minutes")]
                aria-describedby=[described_by(e, "minutes", false)];
            (field_error(c.lang, e, "minutes"))
        }
    }
}

pub struct NewTicketView {
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub fields: Vec<Field>,
    /// The chosen customer's active contacts: who called (empty: no choice shown).
    pub contacts: Vec<crate::model::Contact>,
}

pub fn new_ticket(c: &Chrome, v: &NewTicketView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let kind = v.values.get("kind").unwrap_or("call");
    let prio = Priority::parse(v.values.str("priority")).unwrap_or(Priority::Normal);
    let content = html! {
        div.page-head { h1 { (Text(c.t(m::NEW_TICKET_FOR_CUSTOMER))) } }
        section.card {
            (error_summary(lang, e))
            form.stack method="post" action="/staff/tickets" enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                div.field {
                    label for="customer" { (Text(c.t(m::CUSTOMER_PICK))) " " span.req aria-hidden="true" { "*" } }
                    input #customer type="text" name="customer" value=(v.values.str("customer")) required autocomplete="off"
                        aria-invalid=[e.get("customer").map(|_| "true")] autofocus[e.is_first("customer")] aria-describedby=[described_by(e, "customer", true)];
                    p.help #help-customer { (Text(c.t(m::CUSTOMER_PICK_HELP))) }
                    (field_error(lang, e, "customer"))
                }
                @if !v.contacts.is_empty() || e.get("contact").is_some() {
                    div.field {
                        label for="contact" { (Text(c.t(m::HOTLINE_CONTACT))) }
                        select #contact name="contact" aria-invalid=[e.get("contact").map(|_| "true")]
                            aria-describedby=[described_by(e, "contact", false)] {
                            option value="" { (Text(c.t(m::MAIN_ACCOUNT))) }
                            @for p in &v.contacts {
                                option value=(p.id) selected[v.values.str("contact") == p.id.to_string()] { (p.name) " <" (p.email) ">" }
                            }
                        }
                        (field_error(lang, e, "contact"))
                    }
                }
                div.field {
                    label for="subject" { (Text(c.t(m::SUBJECT))) " " span.req aria-hidden="true" { "*" } }
                    input #subject type="text" name="subject" value=(v.values.str("subject")) required maxlength="200"
                        aria-invalid=[e.get("subject").map(|_| "true")] autofocus[e.is_first("subject")] aria-describedby=[described_by(e, "subject", false)];
                    (field_error(lang, e, "subject"))
                }
                (kind_choice(c, kind))
                (activity_text(c, e, &v.values))
                div.field {
                    label for="priority" { (Text(c.t(m::PRIORITY))) }
                    select #priority name="priority" {
                        @for p in Priority::ALL { option value=(p.as_str()) selected[*p == prio] { (c.t(p.label())) } }
                    }
                }
                (minutes_field(c, e, &v.values))
                (custom_fields(lang, &v.fields, &v.values, e))
                div.actions { button.btn.btn-primary type="submit" { (Text(c.t(m::CREATE_TICKET))) } }
            }
        }
    };
    layout(c, c.t(m::NEW_TICKET_FOR_CUSTOMER), None, content)
}

pub struct CustomersView {
    pub rows: Vec<Customer>,
    pub total: i64,
    pub q: String,
    pub page: usize,
    pub page_size: usize,
    pub notice: Option<Msg>,
}

pub fn customers(c: &Chrome, v: &CustomersView) -> Markup {
    let base = if v.q.is_empty() {
        "/staff/customers".to_string()
    } else {
        format!("/staff/customers?q={}", url_encode(&v.q))
    };
    let content = html! {
        div.page-head {
            h1 { (Text(c.t(m::CUSTOMERS))) }
            a.btn.btn-primary href="/staff/customers/new" { "+ " (Text(c.t(m::NEW_CUSTOMER))) }
            a.btn.btn-quiet href="/staff/customers/import" { (Text(c.t(m::IMPORT_LINK))) }
            a.btn.btn-quiet href="/staff/customers?format=csv" download { (Text(c.t(m::IMPORT_EXPORT_CSV))) }
        }
        form.filters.card method="get" action="/staff/customers" role="search" aria-label=(Text(c.t(m::SEARCH))) {
            div.field.grow {
                label for="f-q" { (Text(c.t(m::CUSTOMER_SEARCH))) }
                input #f-q type="search" name="q" value=(v.q);
            }
            div.field.filter-actions { button.btn type="submit" { (Text(c.t(m::SEARCH))) } }
        }
        div.summary { span.count { (c.f(m::CUSTOMERS_COUNT, &[("n", &v.total.to_string())])) } }
        @if v.rows.is_empty() {
            div.empty.card { p { (Text(c.t(m::NO_CUSTOMERS))) } }
        } @else {
            div.table-wrap {
                table.tickets.customers {
                    thead { tr {
                        th scope="col" { (Text(c.t(m::CUSTOMER_NO))) }
                        th scope="col" { (Text(c.t(m::NAME))) }
                        th scope="col" { (Text(c.t(m::EMAIL))) }
                        th scope="col" { (Text(c.t(m::PHONE))) }
                        th scope="col" { (Text(c.t(m::STATUS))) }
                    } }
                    tbody {
                        @for cu in &v.rows {
                            tr data-customer=(cu.customer_no) {
                                td.ticket-no data-label=(Text(c.t(m::CUSTOMER_NO))) { a.cno href={ "/staff/customers/" (url_encode(&cu.customer_no)) } { (cu.customer_no) } }
                                td.subject data-label=(Text(c.t(m::NAME))) { a href={ "/staff/customers/" (url_encode(&cu.customer_no)) } { (cu.name) } }
                                td data-label=(Text(c.t(m::EMAIL))) { (cu.email) }
                                td data-label=(Text(c.t(m::PHONE))) { (cu.phone) }
                                td data-label=(Text(c.t(m::STATUS))) { @if cu.active { (Text(c.t(m::ACTIVE))) } @else { span.badge.inactive { (Text(c.t(m::INACTIVE))) } } }
                            }
                        }
                    }
                }
            }
        }
        (pagination(c.lang, &base, v.page, v.total, v.page_size))
    };
    layout(c, c.t(m::CUSTOMERS), v.notice, content)
}

pub struct CustomerFormView {
    pub existing: Option<CustomerPage>,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub secret: Option<String>,
    pub min_length: usize,
    pub tz: &'static Tz,
    pub notice: Option<Msg>,
    /// The customer's remaining contingent minutes (issue 22; `None`: no active contingent).
    pub contingent_remaining: Option<i64>,
}

/// A labelled single-line input of the customer and staff forms.
struct Input<'a> {
    name: &'a str,
    label: Msg,
    kind: &'a str,
    required: bool,
    readonly: bool,
}

fn text_field(c: &Chrome, e: &FieldErrors, values: &Form, i: Input) -> Markup {
    let name = i.name;
    html! {
        div.field {
            label for=(name) { (c.t(i.label)) @if i.required { " " span.req aria-hidden="true" { "*" } } }
            input #(name) type=(i.kind) name=(name) value=(values.str(name)) required[i.required] readonly[i.readonly]
                aria-invalid=[e.get(name).map(|_| "true")] autofocus[e.is_first(name)] aria-describedby=[described_by(e, name, false)];
            (field_error(c.lang, e, name))
        }
    }
}

/// The end of the customer and staff account forms: the optional first password (new accounts
/// only), "active", and the save button.
fn account_form_tail(c: &Chrome, e: &FieldErrors, values: &Form, new: bool, min_length: usize) -> Markup {
    html! {
        @if new {
            div.field {
                label for="password" { (Text(c.t(m::PASSWORD))) " " span.muted { "(" (Text(c.t(m::OPTIONAL))) ")" } }
                input #password type="password" name="password" autocomplete="new-password"
                    aria-invalid=[e.get("password").map(|_| "true")] autofocus[e.is_first("password")] aria-describedby=[described_by(e, "password", true)];
                p.help #help-password { (Text(c.t(m::PASSWORD_GENERATED_IF_EMPTY))) " " (c.f(m::PASSWORD_RULES, &[("min", &min_length.to_string())])) }
                (field_error(c.lang, e, "password"))
            }
        }
        div.field {
            label.check for="active" {
                input #active type="checkbox" name="active" value="on" checked[!values.str("active").is_empty()];
                " " (Text(c.t(m::ACTIVE_LOGIN_ALLOWED)))
            }
        }
        div.actions { button.btn.btn-primary type="submit" { (Text(c.t(m::SAVE))) } }
    }
}

fn secret_box(c: &Chrome, secret: &Option<String>) -> Markup {
    html! {
        @if let Some(s) = secret {
            div.notice.warning.secret role="status" {
                p { (Text(c.t(m::GENERATED_PASSWORD))) }
                p { code.secret-value data-generated-password { (s) } }
                p.muted { (Text(c.t(m::SHOWN_ONCE))) }
            }
        }
    }
}

pub fn customer_form(c: &Chrome, v: &CustomerFormView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let (title, action) = match &v.existing {
        Some(p) => (p.customer.name.clone(), format!("/staff/customers/{}", url_encode(&p.customer.customer_no))),
        None => (c.t(m::NEW_CUSTOMER).to_string(), "/staff/customers".to_string()),
    };
    let content = html! {
        p.back { a href="/staff/customers" { "← " (Text(c.t(m::CUSTOMERS))) } }
        div.page-head {
            h1 { (title) }
            @if let Some(p) = &v.existing {
                div.actions {
                    a.btn href={ "/staff/tickets/new?customer=" (url_encode(&p.customer.customer_no)) } { "+ " (Text(c.t(m::NEW_TICKET_FOR_CUSTOMER))) }
                    a.btn.btn-quiet href={ "/staff/customers/" (url_encode(&p.customer.customer_no)) "/time" } { (Text(c.t(m::TIME_STATEMENT))) }
                }
            }
        }
        @if let Some(p) = &v.existing { (crate::views::contingents::customer_balance(c, &p.customer.customer_no, v.contingent_remaining)) }
        (secret_box(c, &v.secret))
        section.card {
            (error_summary(lang, e))
            form.stack method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                (text_field(c, e, &v.values, Input { name: "customer_no", label: m::CUSTOMER_NO, kind: "text", required: true, readonly: v.existing.is_some() }))
                (text_field(c, e, &v.values, Input { name: "name", label: m::NAME, kind: "text", required: true, readonly: false }))
                (text_field(c, e, &v.values, Input { name: "email", label: m::EMAIL, kind: "email", required: true, readonly: false }))
                (text_field(c, e, &v.values, Input { name: "phone", label: m::PHONE, kind: "tel", required: false, readonly: false }))
                @if v.existing.is_none() && c.mail {
                    (crate::views::links::invite_checkbox(c, !v.values.str("invite").is_empty(), e))
                }
                (account_form_tail(c, e, &v.values, v.existing.is_none(), v.min_length))
            }
        }
        @if v.existing.is_some() {
            (crate::views::links::customer_invite_card(c, &action, &v.csrf, c.mail, e))
        }
        @if let Some(p) = &v.existing {
            section.card aria-labelledby="pw-title" {
                h2 #pw-title { (Text(c.t(m::SET_PASSWORD))) }
                form.stack method="post" action={ (action) "/password" } novalidate {
                    input type="hidden" name="csrf" value=(v.csrf);
                    div.field {
                        label for="new_password" { (Text(c.t(m::NEW_PASSWORD))) " " span.muted { "(" (Text(c.t(m::OPTIONAL))) ")" } }
                        input #new_password type="password" name="new_password" autocomplete="new-password"
                            aria-invalid=[e.get("new_password").map(|_| "true")] autofocus[e.is_first("new_password")] aria-describedby=[described_by(e, "new_password", true)];
                        p.help #help-new_password { (Text(c.t(m::PASSWORD_GENERATED_IF_EMPTY))) }
                        (field_error(lang, e, "new_password"))
                    }
                    div.actions { button.btn type="submit" { (Text(c.t(m::SET_PASSWORD))) } }
                }
            }
            (crate::views::contacts::contact_list(c, crate::views::contacts::Side::Staff { customer_no: &p.customer.customer_no }, &p.contacts))
            section aria-labelledby="ct-title" {
                h2 #ct-title { (Text(c.t(m::TICKETS))) " " span.muted { "(" (c.f(m::OPEN_COUNT, &[("n", &p.open_tickets.to_string())])) ")" } }
                @if p.tickets.rows.is_empty() { p.empty { (Text(c.t(m::NO_TICKETS))) } }
                @else { (ticket_table(c, &p.tickets, true, v.tz, true, &[])) }
                @if p.tickets.total > p.tickets.rows.len() as i64 {
                    p { a href={ "/staff/tickets?customer=" (url_encode(&p.customer.customer_no)) } { (Text(c.t(m::ALL_TICKETS_OF_CUSTOMER))) } }
                }
            }
        }
    };
    layout(c, &title, v.notice, content)
}

pub fn staff_list(c: &Chrome, rows: &[StaffMember], notice: Option<Msg>) -> Markup {
    let content = html! {
        div.page-head {
            h1 { (Text(c.t(m::STAFF_MEMBERS))) }
            a.btn.btn-primary href="/admin/staff/new" { "+ " (Text(c.t(m::NEW_STAFF))) }
        }
        div.table-wrap {
            table.tickets {
                thead { tr {
                    th scope="col" { (Text(c.t(m::USERNAME))) }
                    th scope="col" { (Text(c.t(m::NAME))) }
                    th scope="col" { (Text(c.t(m::EMAIL))) }
                    th scope="col" { (Text(c.t(m::ROLE))) }
                    th scope="col" { (Text(c.t(m::STATUS))) }
                } }
                tbody {
                    @for s in rows {
                        tr data-staff=(s.username) {
                            td.ticket-no data-label=(Text(c.t(m::USERNAME))) { a href={ "/admin/staff/" (s.username) } { (s.username) } }
                            td.subject data-label=(Text(c.t(m::NAME))) { (s.name) }
                            td data-label=(Text(c.t(m::EMAIL))) { (s.email) }
                            td data-label=(Text(c.t(m::ROLE))) { (c.t(role_label(s.role))) }
                            td data-label=(Text(c.t(m::STATUS))) { @if s.active { (Text(c.t(m::ACTIVE))) } @else { span.badge.inactive { (Text(c.t(m::INACTIVE))) } } }
                        }
                    }
                }
            }
        }
    };
    layout(c, c.t(m::STAFF_MEMBERS), notice, content)
}

fn role_label(r: Role) -> Msg {
    match r {
        Role::Agent => m::ROLE_AGENT,
        Role::Admin => m::ROLE_ADMIN,
    }
}

pub struct StaffFormView {
    pub username: Option<String>,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub secret: Option<String>,
    pub min_length: usize,
    pub notice: Option<Msg>,
}

pub fn staff_form(c: &Chrome, v: &StaffFormView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let (title, action) = match &v.username {
        Some(u) => (u.clone(), format!("/admin/staff/{u}")),
        None => (c.t(m::NEW_STAFF).to_string(), "/admin/staff".to_string()),
    };
    let role = v.values.str("role");
    let content = html! {
        p.back { a href="/admin/staff" { "← " (Text(c.t(m::STAFF_MEMBERS))) } }
        div.page-head { h1 { (title) } }
        (secret_box(c, &v.secret))
        section.card.narrow {
            (error_summary(lang, e))
            form.stack method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                (text_field(c, e, &v.values, Input { name: "username", label: m::USERNAME, kind: "text", required: true, readonly: v.username.is_some() }))
                (text_field(c, e, &v.values, Input { name: "name", label: m::NAME, kind: "text", required: true, readonly: false }))
                (text_field(c, e, &v.values, Input { name: "email", label: m::EMAIL, kind: "email", required: false, readonly: false }))
                div.field {
                    label for="role" { (Text(c.t(m::ROLE))) }
                    select #role name="role" aria-invalid=[e.get("role").map(|_| "true")] autofocus[e.is_first("role")] aria-describedby=[described_by(e, "role", false)] {
                        option value="agent" selected[role != "admin"] { (Text(c.t(m::ROLE_AGENT))) }
                        option value="admin" selected[role == "admin"] { (Text(c.t(m::ROLE_ADMIN))) }
                    }
                    (field_error(lang, e, "role"))
                }
                (account_form_tail(c, e, &v.values, v.username.is_none(), v.min_length))
            }
        }
        @if let Some(u) = &v.username {
            (crate::views::links::staff_password_card(c, u, &v.csrf, c.mail, e))
        }
    };
    layout(c, &title, v.notice, content)
}

pub struct AuditView {
    pub data: AuditPage,
    pub query: AuditQuery,
    pub year: Option<i32>,
    pub month: Option<u8>,
    pub page: usize,
    pub page_size: usize,
    pub tz: &'static Tz,
}

pub fn audit(c: &Chrome, v: &AuditView) -> Markup {
    let lang = c.lang;
    let q = &v.query;
    let qs = query_string(&[
        ("actor", q.actor.clone().unwrap_or_default()),
        ("action", q.action.clone().unwrap_or_default()),
        ("year", v.year.map(|y| y.to_string()).unwrap_or_default()),
        ("month", v.month.map(|m| m.to_string()).unwrap_or_default()),
    ]);
    let base = format!("/admin/audit?{qs}");
    let content = html! {
        div.page-head { h1 { (Text(c.t(m::AUDIT_LOG))) } }
        form.filters.card method="get" action="/admin/audit" role="search" aria-label=(Text(c.t(m::FILTERS))) {
            div.field {
                label for="f-actor" { (Text(c.t(m::ACTOR))) }
                input #f-actor type="text" name="actor" value=(q.actor.as_deref().unwrap_or("")) placeholder="staff:admin";
            }
            div.field {
                label for="f-action" { (Text(c.t(m::ACTION))) }
                select #f-action name="action" data-autosubmit {
                    option value="" { (Text(c.t(m::STATUS_ALL))) }
                    @for a in &v.data.actions { option value=(a) selected[q.action.as_deref() == Some(a.as_str())] { (audit_words::action_text(lang, a)) } }
                }
            }
            div.field {
                label for="f-year" { (Text(c.t(m::YEAR))) }
                input #f-year type="number" name="year" value=[v.year] min="2000" max="9999";
            }
            div.field {
                label for="f-month" { (Text(c.t(m::MONTH))) }
                select #f-month name="month" {
                    option value="" { (Text(c.t(m::ALL_MONTHS))) }
                    @for mo in 1..=12u8 { option value=(mo) selected[v.month == Some(mo)] { (clock::month_name(mo, lang)) } }
                }
            }
            div.field.filter-actions { button.btn type="submit" { (Text(c.t(m::FILTER))) } }
        }
        div.table-wrap {
            table.tickets.audit {
                thead { tr {
                    th scope="col" { (Text(c.t(m::WHEN))) }
                    th scope="col" { (Text(c.t(m::ACTOR))) }
                    th scope="col" { (Text(c.t(m::ACTION))) }
                    th scope="col" { (Text(c.t(m::TARGET))) }
                    th scope="col" { (Text(c.t(m::DETAIL))) }
                    th scope="col" { (Text(c.t(m::ADDRESS))) }
                } }
                tbody {
                    @for r in &v.data.rows {
                        tr data-audit=(r.id) data-action=(r.action) {
                            td data-label=(Text(c.t(m::WHEN))) { time datetime=(clock::rfc3339(r.created_at)) { (clock::datetime(r.created_at, v.tz, lang)) } }
                            td data-label=(Text(c.t(m::ACTOR))) data-actor=(r.actor) { (audit_words::principal(lang, &r.actor)) }
                            td.subject data-label=(Text(c.t(m::ACTION))) { (audit_words::action_text(lang, &r.action)) }
                            td data-label=(Text(c.t(m::TARGET))) { (audit_words::principal(lang, &r.target)) }
                            td data-label=(Text(c.t(m::DETAIL))) { (audit_words::detail(lang, &r.action, &r.detail)) }
                            td data-label=(Text(c.t(m::ADDRESS))) { (r.address) }
                        }
                    }
                }
            }
        }
        (pagination(lang, &base, v.page, v.data.total, v.page_size))
    };
    layout(c, c.t(m::AUDIT_LOG), None, content)
}
