//! Hotline pages: lookup with verify (and reveal for admins), the verdict, the revealed password.

use maud::{html, Markup};
use time_tz::Tz;

use crate::clock;
use crate::error::FieldErrors;
use crate::i18n::m;
use crate::model::{url_encode, CallerCard, Revealed, Verdict, Verification};
use crate::views::{described_by, field_error, layout, status_badge, Chrome};

pub struct LookupView {
    pub q: String,
    pub cards: Vec<CallerCard>,
    pub errors: FieldErrors,
    pub csrf: String,
    pub can_reveal: bool,
    pub tz: &'static Tz,
}

pub fn lookup(c: &Chrome, v: &LookupView) -> Markup {
    let content = html! {
        div.page-head { h1 { (c.t(m::HOTLINE_TITLE)) } }
        form.filters.card method="get" action="/staff/hotline" role="search" aria-label=(c.t(m::HOTLINE_SEARCH)) {
            div.field.grow {
                label for="h-q" { (c.t(m::HOTLINE_SEARCH)) }
                input #h-q type="search" name="q" value=(v.q) autofocus[v.q.is_empty()] autocomplete="off";
            }
            div.field.filter-actions { button.btn.btn-primary type="submit" { (c.t(m::SEARCH)) } }
        }
        @if !v.q.is_empty() && v.cards.is_empty() {
            div.empty.card { p { (c.t(m::HOTLINE_NO_RESULT)) } }
        }
        @for card in &v.cards { (caller_card(c, v, card)) }
    };
    layout(c, c.t(m::HOTLINE_TITLE), None, content)
}

/// A customer the lookup found: contact, open tickets, and the verify (and reveal) forms.
fn caller_card(c: &Chrome, v: &LookupView, card: &CallerCard) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let cu = &card.customer;
    let no = url_encode(&cu.customer_no);
    html! {
        section.card.caller aria-labelledby={ "caller-" (cu.id) } data-customer=(cu.customer_no) {
            h2 id={ "caller-" (cu.id) } {
                (cu.name) " " span.muted { "(" (cu.customer_no) ")" }
                @if !cu.active { " " span.badge.inactive { (c.t(m::INACTIVE)) } }
            }
            dl.facts.inline {
                div { dt { (c.t(m::EMAIL)) } dd { (cu.email) } }
                @if !cu.phone.is_empty() { div { dt { (c.t(m::PHONE)) } dd { (cu.phone) } } }
                div { dt { (c.t(m::LAST_CONTACT)) } dd {
                    @match card.last_contact {
                        Some(t) => time datetime=(clock::rfc3339(t)) { (clock::datetime(t, v.tz, lang)) },
                        None => "–",
                    }
                } }
            }
            @if !card.contacts.is_empty() {
                h3 { (c.t(m::CONTACTS_TITLE)) }
                ul.caller-contacts {
                    @for p in &card.contacts {
                        li data-contact=(p.id) {
                            strong { (p.name) } " " span.muted { "<" (p.email) ">" }
                            @if !p.phone.is_empty() { " · " (p.phone) }
                            @if !p.active { " " span.badge.inactive { (c.t(m::CONTACT_INACTIVE)) } }
                        }
                    }
                }
            }
            @if !card.open_tickets.is_empty() {
                h3 { (c.t(m::OPEN_TICKETS)) }
                ul.caller-tickets {
                    @for t in &card.open_tickets {
                        li { a href={ "/staff/tickets/" (t.number) } { (t.number) " " (t.subject) } " " (status_badge(lang, t.status, true)) }
                    }
                }
            }
            p { a.btn href={ "/staff/tickets/new?customer=" (no) @if let Some(p) = card.matched_contact { "&contact=" (p) } } { "+ " (c.t(m::NEW_TICKET_FROM_CALL)) } }
            div.hotline-forms {
                (verify_form(c, v, card))
                @if v.can_reveal {
                    form.stack.reveal-form method="post" action={ "/admin/hotline/" (no) "/reveal" } novalidate {
                        h3 { (c.t(m::REVEAL_TITLE)) }
                        p.help { (c.t(m::REVEAL_INTRO)) }
                        @if !card.has_copy { p.notice.info { (c.t(m::REVEAL_NO_COPY)) } }
                        input type="hidden" name="csrf" value=(v.csrf);
                        (caller_choice(c, card, "reveal-contact"))
                        div.field {
                            label for={ "reason-" (cu.id) } { (c.t(m::REVEAL_REASON)) }
                            input id={ "reason-" (cu.id) } type="text" name="reason" required maxlength="500"
                                aria-invalid=[e.get("reason").map(|_| "true")] aria-describedby=[described_by(e, "reason", false)];
                            (field_error(lang, e, "reason"))
                        }
                        div.field {
                            label for={ "own-" (cu.id) } { (c.t(m::REVEAL_OWN_PASSWORD)) }
                            input id={ "own-" (cu.id) } type="password" name="password" required autocomplete="current-password"
                                aria-invalid=[e.get("password").map(|_| "true")] aria-describedby=[described_by(e, "password", false)];
                            (field_error(lang, e, "password"))
                        }
                        div.field {
                            label for={ "totp-" (cu.id) } { (c.t(m::TOTP_CODE)) }
                            input id={ "totp-" (cu.id) } type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                                aria-invalid=[e.get("code").map(|_| "true")] aria-describedby=[described_by(e, "code", false)];
                            (field_error(lang, e, "code"))
                        }
                        div.actions { button.btn type="submit" { (c.t(m::REVEAL_BUTTON)) } }
                    }
                }
            }
        }
    }
}

/// The caller's proof: the spoken password or a call code, either field.
fn verify_form(c: &Chrome, v: &LookupView, card: &CallerCard) -> Markup {
    let cu = &card.customer;
    html! {
        form.stack.verify-form method="post" action={ "/staff/hotline/" (url_encode(&cu.customer_no)) "/verify" } {
            h3 { (c.t(m::VERIFY_TITLE)) }
            input type="hidden" name="csrf" value=(v.csrf);
            (caller_choice(c, card, "verify-contact"))
            div.field {
                label for={ "spoken-" (cu.id) } { (c.t(m::VERIFY_FIELD)) }
                input id={ "spoken-" (cu.id) } type="password" name="spoken_password" autocomplete="off";
            }
            div.field {
                label for={ "code-" (cu.id) } { (c.t(m::CALL_CODE_OR)) " " (c.t(m::CALL_CODE_FIELD)) }
                input id={ "code-" (cu.id) } type="text" name="call_code" inputmode="numeric" pattern="[0-9]{6}"
                    maxlength="6" autocomplete="off";
                p.help { (c.f(m::VERIFY_ATTEMPTS_LEFT, &[("n", &card.attempts_left.to_string())])) }
            }
            div.actions { button.btn.btn-primary type="submit" { (c.t(m::VERIFY_BUTTON)) } }
        }
    }
}

/// Who is calling, when the customer has contacts: the main account or one of them (the one the
/// lookup matched is preselected). Nothing at all for a customer without contacts.
fn caller_choice(c: &Chrome, card: &CallerCard, id_prefix: &str) -> Markup {
    let cu = &card.customer;
    html! {
        @if !card.contacts.is_empty() {
            div.field {
                label for={ (id_prefix) "-" (cu.id) } { (c.t(m::HOTLINE_CONTACT)) }
                select id={ (id_prefix) "-" (cu.id) } name="contact" {
                    option value="" selected[card.matched_contact.is_none()] { (cu.name) " (" (c.t(m::MAIN_ACCOUNT)) ")" }
                    @for p in card.contacts.iter().filter(|p| p.active) {
                        option value=(p.id) selected[card.matched_contact == Some(p.id)] { (p.name) " <" (p.email) ">" }
                    }
                }
            }
        }
    }
}

/// Whose password: a contact's name and address, or the company's main account.
fn whose(c: &Chrome, contact: Option<&crate::model::Contact>) -> Markup {
    html! {
        @if let Some(p) = contact {
            p data-whose=(p.id) { (c.t(m::HOTLINE_WHOSE)) ": " strong { (p.name) } " " span.muted { "<" (p.email) ">" } }
        }
    }
}

/// The customer's call code page: the button, and after it a fresh code.
pub struct CallCodeView {
    pub code: Option<String>,
    pub minutes: i64,
    pub csrf: String,
}

pub fn call_code(c: &Chrome, v: &CallCodeView) -> Markup {
    let content = html! {
        p.back { a href="/account" { "← " (c.t(m::ACCOUNT_TITLE)) } }
        div.page-head { h1 { (c.t(m::CALL_CODE_TITLE)) } }
        section.card {
            p { (c.f(m::CALL_CODE_INTRO, &[("minutes", &v.minutes.to_string())])) }
            @if let Some(code) = &v.code {
                p.notice.success role="status" {
                    (c.t(m::CALL_CODE_YOURS)) ": " strong.secret-value data-call-code=(code) { (code) }
                }
                p.muted { (c.t(m::CALL_CODE_ONCE)) }
            }
            form method="post" action="/account/call-code" {
                input type="hidden" name="csrf" value=(v.csrf);
                button.btn.btn-primary type="submit" { (c.t(m::CALL_CODE_BUTTON)) }
            }
        }
    };
    layout(c, c.t(m::CALL_CODE_TITLE), None, content)
}

pub fn verified(c: &Chrome, v: &Verification) -> Markup {
    let (hook, text, class) = match v.verdict {
        Verdict::Match => ("match", m::VERIFY_MATCH, "success"),
        Verdict::NoMatch => ("no-match", m::VERIFY_NO_MATCH, "error"),
        Verdict::Locked => ("no-match", m::VERIFY_LOCKED, "warning"),
    };
    let cu = &v.customer;
    let content = html! {
        p.back { a href={ "/staff/hotline?q=" (url_encode(&cu.customer_no)) } { "← " (c.t(m::BACK_TO_HOTLINE)) } }
        div.page-head { h1 { (c.t(m::VERIFY_TITLE)) } }
        section.card {
            p { (cu.name) " " span.muted { "(" (cu.customer_no) ")" } }
            (whose(c, v.contact.as_ref()))
            p class={ "notice verdict " (class) } role="status" data-verify=(hook) data-locked=[(v.verdict == Verdict::Locked).then_some("true")] {
                strong { (c.t(text)) }
            }
            @if v.verdict != Verdict::Locked {
                p.muted { (c.f(m::VERIFY_ATTEMPTS_LEFT, &[("n", &v.attempts_left.to_string())])) }
            }
            p { a.btn href={ "/staff/tickets/new?customer=" (url_encode(&cu.customer_no)) } { "+ " (c.t(m::NEW_TICKET_FROM_CALL)) } }
        }
    };
    layout(c, c.t(m::VERIFY_TITLE), None, content)
}

pub fn revealed(c: &Chrome, r: &Revealed) -> Markup {
    let cu = &r.customer;
    let content = html! {
        p.back { a href={ "/staff/hotline?q=" (url_encode(&cu.customer_no)) } { "← " (c.t(m::BACK_TO_HOTLINE)) } }
        div.page-head { h1 { (c.t(m::REVEALED_PASSWORD)) } }
        section.card {
            p { (cu.name) " " span.muted { "(" (cu.customer_no) ")" } }
            p data-whose=(r.contact.as_ref().map_or("main".to_string(), |p| p.id.to_string())) {
                (c.t(m::HOTLINE_WHOSE)) ": "
                @match &r.contact {
                    Some(p) => { strong { (p.name) } " " span.muted { "<" (p.email) ">" } }
                    None => { strong { (cu.name) } " (" (c.t(m::MAIN_ACCOUNT)) ")" }
                }
            }
            p.muted { (c.t(m::REVEAL_INTRO)) }
            @match &r.password {
                Some(pw) => {
                    details.reveal {
                        summary { "•••••••• " span.muted { "(" (c.t(m::REVEAL_CLICK)) ")" } }
                        p { code.secret-value data-revealed-password { (pw) } }
                    }
                }
                None => { p.notice.info { (c.t(m::REVEAL_NO_COPY)) } }
            }
        }
    };
    layout(c, c.t(m::REVEALED_PASSWORD), None, content)
}
