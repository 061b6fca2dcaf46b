//! The customer's account pages and the password form (customers and staff).

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::{Customer, StaffMember};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

/// When the hotline checked or viewed the password: dates and what, never who.
pub struct HotlineEvents<'a> {
    pub shown: bool,
    pub events: &'a [(i64, String)],
    pub tz: &'a time_tz::Tz,
}

pub fn account(
    c: &Chrome,
    customer: &Customer,
    hotline: &HotlineEvents,
    notify: Option<&NotifyCard>,
    notice: Option<Msg>,
) -> Markup {
    let content = html! {
        div.page-head {
            h1 { (c.t(m::ACCOUNT_TITLE)) }
        }
        section.card aria-labelledby="data-title" {
            h2 #data-title { (c.t(m::ACCOUNT_DATA)) }
            dl.facts {
                div { dt { (c.t(m::CUSTOMER_NO)) } dd data-customer-no=(customer.customer_no) { (customer.customer_no) } }
                div { dt { (c.t(m::NAME)) } dd { (customer.name) } }
                div { dt { (c.t(m::EMAIL)) } dd { (customer.email) } }
                @if !customer.phone.is_empty() {
                    div { dt { (c.t(m::PHONE)) } dd { (customer.phone) } }
                }
            }
            p.muted { (c.t(m::ACCOUNT_CHANGE_HINT)) }
        }
        @if let Some(p) = &customer.contact {
            section.card aria-labelledby="person-title" data-person=(p.id) {
                h2 #person-title { (c.t(m::ACCOUNT_PERSON)) }
                dl.facts {
                    div { dt { (c.t(m::NAME)) } dd { (p.name) } }
                    div { dt { (c.t(m::EMAIL)) } dd { (p.email) } }
                    @if !p.phone.is_empty() { div { dt { (c.t(m::PHONE)) } dd { (p.phone) } } }
                    div { dt { (c.t(m::ROLE)) } dd { (c.t(p.role.label())) } }
                }
            }
        }
        @if let Some(card) = notify {
            (notify_card(c, card))
        }
        @if customer.sees_all() {
            (crate::views::contacts::account_link(c))
        }
        section.card aria-labelledby="pw-title" {
            h2 #pw-title { (c.t(m::PASSWORD)) }
            p { a.btn href="/account/password" { (c.t(m::CHANGE_PASSWORD)) } }
        }
        section.card aria-labelledby="export-title" {
            h2 #export-title { (c.t(m::EXPORT_DATA)) }
            p.muted { (c.t(m::EXPORT_DATA_HINT)) }
            p { a.btn href="/account/export" download { (c.t(m::EXPORT_DATA)) } }
        }
        @if hotline.shown {
            section.card aria-labelledby="hotline-events-title" {
                h2 #hotline-events-title { (c.t(m::HOTLINE_EVENTS_TITLE)) }
                p.muted { (c.t(m::HOTLINE_EVENTS_INTRO)) }
                p { a.btn href="/account/call-code" { (c.t(m::CALL_CODE_LINK)) } }
                @if hotline.events.is_empty() {
                    p { (c.t(m::HOTLINE_EVENTS_NONE)) }
                } @else {
                    ul.hotline-events {
                        @for (at, action) in hotline.events {
                            li data-hotline-event=(action) {
                                time datetime=(crate::clock::rfc3339(*at)) { (crate::clock::date(*at, hotline.tz, c.lang)) }
                                " – "
                                (c.t(match action.as_str() {
                                    "hotline.reveal" => m::HOTLINE_EVENT_REVEAL,
                                    "hotline.call_code" => m::HOTLINE_EVENT_CALL_CODE,
                                    _ => m::HOTLINE_EVENT_VERIFY,
                                }))
                            }
                        }
                    }
                }
            }
        }
    };
    layout(c, c.t(m::ACCOUNT_TITLE), notice, content)
}

pub struct PasswordView {
    pub action: &'static str,
    pub errors: FieldErrors,
    pub csrf: String,
    pub min_length: usize,
    pub hotline_notice: bool,
    /// A staff member with a one-time password who must set a new one first.
    pub forced: bool,
    /// Where a forced change leads afterwards (a local path; sent back as `next`).
    pub next: Option<String>,
}

pub fn password(c: &Chrome, v: &PasswordView) -> Markup {
    let e = &v.errors;
    let rules = c.f(m::PASSWORD_RULES, &[("min", &v.min_length.to_string())]);
    let content = html! {
        div.page-head {
            h1 { (c.t(m::CHANGE_PASSWORD)) }
        }
        @if v.forced {
            p.notice.warning role="status" { (c.t(m::MUST_CHANGE_PASSWORD)) }
        }
        @if v.hotline_notice {
            aside.notice.info role="note" aria-labelledby="hotline-title" {
                strong #hotline-title { (c.t(m::HOTLINE_NOTICE_TITLE)) ": " }
                (c.t(m::HOTLINE_NOTICE))
            }
        }
        section.card.narrow {
            (error_summary(c.lang, e))
            form.stack method="post" action={ (v.action) @if let Some(n) = &v.next { "?next=" (crate::model::url_encode(n)) } } novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                div.field {
                    label for="old_password" { (c.t(m::OLD_PASSWORD)) }
                    input #old_password type="password" name="old_password" required autocomplete="current-password"
                        aria-invalid=[e.get("old_password").map(|_| "true")] autofocus[e.is_first("old_password")]
                        aria-describedby=[described_by(e, "old_password", false)];
                    (field_error(c.lang, e, "old_password"))
                }
                div.field {
                    label for="new_password" { (c.t(m::NEW_PASSWORD)) }
                    input #new_password type="password" name="new_password" required autocomplete="new-password"
                        minlength=(v.min_length) maxlength="72"
                        aria-invalid=[e.get("new_password").map(|_| "true")] autofocus[e.is_first("new_password")]
                        aria-describedby=[described_by(e, "new_password", true)];
                    p.help #help-new_password { (rules) }
                    (field_error(c.lang, e, "new_password"))
                }
                div.field {
                    label for="new_password_repeat" { (c.t(m::NEW_PASSWORD_REPEAT)) }
                    input #new_password_repeat type="password" name="new_password_repeat" required autocomplete="new-password"
                        aria-invalid=[e.get("new_password_repeat").map(|_| "true")] autofocus[e.is_first("new_password_repeat")]
                        aria-describedby=[described_by(e, "new_password_repeat", false)];
                    (field_error(c.lang, e, "new_password_repeat"))
                }
                div.actions {
                    button.btn.btn-primary type="submit" { (c.t(m::SAVE)) }
                    @if !v.forced {
                        a.btn.btn-quiet href=(if v.action.starts_with("/staff") { "/staff/tickets" } else { "/account" }) { (c.t(m::CANCEL)) }
                    }
                }
            }
        }
    };
    layout(c, c.t(m::CHANGE_PASSWORD), None, content)
}

/// The e-mail notification switch, on the customer's and the staff member's account page.
pub struct NotifyCard {
    pub on: bool,
    pub email: String,
    pub csrf: String,
    /// `/account/notifications` or `/staff/account/notifications`.
    pub action: &'static str,
    pub staff: bool,
}

pub fn notify_card(c: &Chrome, card: &NotifyCard) -> Markup {
    let hint = if card.staff { m::NOTIFY_STAFF_HINT } else { m::NOTIFY_CUSTOMER_HINT };
    html! {
        section.card #notifications aria-labelledby="notify-title" data-notify=(if card.on { "on" } else { "off" }) {
            h2 #notify-title { (c.t(m::NOTIFY_TITLE)) }
            @if card.email.is_empty() {
                p.muted { (c.t(m::NOTIFY_NO_EMAIL)) }
            } @else {
                p.muted { (c.f(hint, &[("email", &card.email)])) }
            }
            form.stack method="post" action=(card.action) {
                input type="hidden" name="csrf" value=(card.csrf);
                div.field {
                    label.check for="notify" {
                        input #notify type="checkbox" name="notify" value="on" checked[card.on];
                        " " (c.t(m::NOTIFY_LABEL))
                    }
                }
                div.actions { button.btn type="submit" { (c.t(m::SAVE)) } }
            }
        }
    }
}

/// A staff member's own page: who they are, the password link, the notification switch.
pub fn staff_account(
    c: &Chrome,
    s: &StaffMember,
    notify: Option<&NotifyCard>,
    signature: &crate::views::snippets::SignatureCard,
    notice: Option<Msg>,
) -> Markup {
    let role = match s.role {
        crate::model::Role::Admin => m::ROLE_ADMIN,
        crate::model::Role::Agent => m::ROLE_AGENT,
    };
    let content = html! {
        div.page-head {
            h1 { (c.t(m::ACCOUNT_TITLE)) }
        }
        section.card aria-labelledby="data-title" {
            h2 #data-title { (s.name) }
            dl.facts {
                div { dt { (c.t(m::USERNAME)) } dd { (s.username) } }
                div { dt { (c.t(m::EMAIL)) } dd { (s.email) } }
                div { dt { (c.t(m::ROLE)) } dd { (c.t(role)) } }
            }
            p.muted { (c.t(m::STAFF_ACCOUNT_HINT)) }
        }
        @if let Some(card) = notify {
            (notify_card(c, card))
        }
        (crate::views::snippets::signature_card(c, signature))
        section.card aria-labelledby="pw-title" {
            h2 #pw-title { (c.t(m::PASSWORD)) }
            p { a.btn href="/staff/password" { (c.t(m::CHANGE_PASSWORD)) } }
        }
        section.card aria-labelledby="totp-title" {
            h2 #totp-title { (c.t(m::TOTP_TITLE)) }
            p { a.btn href="/staff/account/2fa" { (c.t(m::TOTP_TITLE)) } }
        }
    };
    layout(c, c.t(m::ACCOUNT_TITLE), notice, content)
}
