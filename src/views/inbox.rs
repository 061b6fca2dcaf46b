//! `/staff/inbox`: held mails (unknown senders and the like), each with its three actions as
//! plain forms, so it works without JavaScript.

use maud::{html, Markup};

use crate::clock;
use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::HeldMail;

use super::{field_error, layout, pagination, Chrome};

pub struct InboxView {
    pub rows: Vec<HeldMail>,
    pub total: i64,
    pub page: usize,
    pub page_size: usize,
    pub hold_days: u64,
    pub csrf: String,
    pub tz: &'static time_tz::Tz,
    pub notice: Option<Msg>,
    /// A refused action, shown again at its held mail.
    pub failed: Option<Failed>,
}

/// An action refused with `422`: which held mail, the field and what was typed in it, and the
/// message at the field.
pub struct Failed {
    pub id: i64,
    pub field: String,
    pub value: String,
    pub errors: FieldErrors,
}

fn reason_label(reason: &str) -> Msg {
    match reason {
        "foreign_reference" => m::INBOX_REASON_FOREIGN_REFERENCE,
        "rate_limit" => m::INBOX_REASON_RATE_LIMIT,
        _ => m::INBOX_REASON_UNKNOWN_SENDER,
    }
}

pub fn page(c: &Chrome, v: &InboxView) -> Markup {
    let content = html! {
        div.page-head { h1 { (c.t(m::INBOX_TITLE)) } }
        p.hint { (c.f(m::INBOX_INTRO, &[("days", &v.hold_days.to_string())])) }
        @if let Some(f) = &v.failed {
            @if !f.errors.is_empty() { p.notice.error role="alert" { (c.t(m::ERR_FORM)) } }
        }
        @if v.rows.is_empty() {
            p.empty.card { (c.t(m::INBOX_EMPTY)) }
        } @else {
            ul.held-list {
                @for h in &v.rows { (held(c, v, h)) }
            }
        }
        (pagination(c.lang, "/staff/inbox", v.page, v.total, v.page_size))
    };
    layout(c, c.t(m::INBOX_TITLE), v.notice, content)
}

/// One held mail: who, what, when, why, the start of its text, and the actions.
fn held(c: &Chrome, v: &InboxView, h: &HeldMail) -> Markup {
    let action = format!("/staff/inbox/{}", h.id);
    let failed = v.failed.as_ref().filter(|f| f.id == h.id);
    let empty = FieldErrors::new();
    let errors = failed.map(|f| &f.errors).unwrap_or(&empty);
    let typed = |field: &str| match failed {
        Some(f) if f.field == field => f.value.clone(),
        _ => String::new(),
    };
    let id_of = |field: &str| format!("{field}-{}", h.id);
    html! {
        li.card.held data-held=(h.id) {
            dl.held-meta {
                dt { (c.t(m::INBOX_FROM)) }
                dd {
                    @if !h.from_name.is_empty() { (h.from_name) " " }
                    "<" (h.from_addr) ">"
                }
                dt { (c.t(m::SUBJECT)) }
                dd.subject { (h.subject) }
                dt { (c.t(m::INBOX_RECEIVED)) }
                dd { time datetime=(clock::rfc3339(h.received_at)) { (clock::datetime(h.received_at, v.tz, c.lang)) } }
                dt { (c.t(m::INBOX_REASON)) }
                dd data-reason=(h.reason) { (c.t(reason_label(&h.reason))) }
            }
            @if !h.preview.is_empty() {
                blockquote.held-preview { p { @for (i, line) in h.preview.lines().enumerate() { @if i > 0 { br; } (line) } } }
            }
            div.held-actions {
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="action" value="new_ticket";
                    label for=(id_of("customer")) { (c.t(m::INBOX_NEW_TICKET)) }
                    input #(id_of("customer")) type="text" name="customer" value=(typed("customer")) required
                        aria-invalid=[errors.get("customer").map(|_| "true")];
                    (field_error(c.lang, errors, "customer"))
                    button.btn type="submit" { (c.t(m::INBOX_NEW_TICKET_BUTTON)) }
                }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="action" value="attach";
                    label for=(id_of("ticket")) { (c.t(m::INBOX_ATTACH)) }
                    input #(id_of("ticket")) type="text" name="ticket" value=(typed("ticket")) required
                        placeholder="2026-00042" aria-invalid=[errors.get("ticket").map(|_| "true")];
                    (field_error(c.lang, errors, "ticket"))
                    button.btn type="submit" { (c.t(m::INBOX_ATTACH_BUTTON)) }
                }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="action" value="discard";
                    button.btn.btn-quiet type="submit" { (c.t(m::INBOX_DISCARD)) }
                }
            }
        }
    }
}
