//! Staff workspace pages.

use maud::{html, Markup};
use time_tz::Tz;

use crate::db::tickets::{TicketPage, TicketQuery};
use crate::i18n::{m, Msg};
use crate::model::StatusFilter;
use crate::views::tickets::ticket_table;
use crate::views::{layout, pagination, query_string, Chrome};

pub struct QueueView {
    pub page: TicketPage,
    pub query: TicketQuery,
    pub status: StatusFilter,
    pub tz: &'static Tz,
    pub notice: Option<Msg>,
}

pub fn queue(c: &Chrome, v: &QueueView) -> Markup {
    let q = &v.query;
    let qs = query_string(&[
        (
            "status",
            if v.status == StatusFilter::All {
                String::new()
            } else {
                v.status.as_str().to_string()
            },
        ),
        ("q", q.search.clone().unwrap_or_default()),
        ("year", q.year.map(|y| y.to_string()).unwrap_or_default()),
        ("month", q.month.map(|m| m.to_string()).unwrap_or_default()),
    ]);
    let base = if qs.is_empty() {
        "/staff/tickets".to_string()
    } else {
        format!("/staff/tickets?{qs}")
    };
    let content = html! {
        div.page-head { h1 { (c.t(m::STAFF_QUEUE)) } }
        form.filters.card method="get" action="/staff/tickets" role="search" aria-label=(c.t(m::FILTERS)) {
            div.field {
                label for="f-status" { (c.t(m::STATUS)) }
                select #f-status name="status" data-autosubmit {
                    option value="all" selected[v.status == StatusFilter::All] { (c.t(m::STATUS_ALL)) }
                    option value="open" selected[v.status == StatusFilter::Open] { (c.t(m::STATUS_FILTER_OPEN)) }
                    option value="closed" selected[v.status == StatusFilter::Closed] { (c.t(m::STATUS_FILTER_CLOSED)) }
                }
            }
            div.field.grow {
                label for="f-q" { (c.t(m::SEARCH)) }
                input #f-q type="search" name="q" value=(q.search.as_deref().unwrap_or(""));
            }
            div.field.filter-actions { button.btn type="submit" { (c.t(m::FILTER)) } }
        }
        div.summary { span.count { (c.f(m::TICKETS_COUNT, &[("n", &v.page.total.to_string())])) } }
        @if v.page.rows.is_empty() {
            div.empty.card { p { (c.t(m::NO_TICKETS)) } }
        } @else {
            (ticket_table(c, &v.page.rows, true, v.tz, true))
        }
        (pagination(c.lang, &base, q.page, v.page.total, q.page_size))
    };
    layout(c, c.t(m::STAFF_QUEUE), v.notice, content)
}
