//! The e-mails (plain text and HTML, in the recipient's language) and the admins' outbox page.
//! Pure functions of view models, like every view; user text reaches HTML through maud only.

use maud::{html, Markup, DOCTYPE};

use crate::clock;
use crate::i18n::{m, Lang, Msg};
use crate::model::{MailState, OutboxRow, WebhookRow};
use crate::views::{layout, pagination, Chrome};

/// What happened, as the mail tells it.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    NewTicket {
        author: &'a str,
    },
    CustomerReply {
        author: &'a str,
    },
    CustomerDocuments {
        author: &'a str,
    },
    OpenedForYou,
    StaffMessage,
    StaffCall,
    StaffEmail,
    StaffDocument,
    Status {
        status: Msg,
    },
    /// Closed by the system after `auto_close_days` without an answer.
    AutoClosed {
        days: u32,
    },
    /// A customer's e-mail opened a ticket (mail in): its number goes back to them.
    ReceivedByMail,
}

impl Event<'_> {
    fn line(&self, lang: Lang) -> String {
        match *self {
            Event::NewTicket { author } => lang.f(m::MAIL_NEW_TICKET, &[("author", author)]),
            Event::CustomerReply { author } => lang.f(m::MAIL_CUSTOMER_REPLY, &[("author", author)]),
            Event::CustomerDocuments { author } => lang.f(m::MAIL_CUSTOMER_DOCUMENTS, &[("author", author)]),
            Event::OpenedForYou => lang.t(m::MAIL_OPENED_FOR_YOU).to_string(),
            Event::StaffMessage => lang.t(m::MAIL_STAFF_MESSAGE).to_string(),
            Event::StaffCall => lang.t(m::MAIL_STAFF_CALL).to_string(),
            Event::StaffEmail => lang.t(m::MAIL_STAFF_EMAIL).to_string(),
            Event::StaffDocument => lang.t(m::MAIL_STAFF_DOCUMENT).to_string(),
            Event::Status { status } => lang.f(m::MAIL_STATUS, &[("status", lang.t(status))]),
            Event::AutoClosed { days } => lang.f(m::MAIL_AUTO_CLOSED, &[("days", &days.to_string())]),
            Event::ReceivedByMail => lang.t(m::MAIL_RECEIVED_BY_MAIL).to_string(),
        }
    }
}

pub struct Notification<'a> {
    pub lang: Lang,
    pub site_title: &'a str,
    pub recipient_name: &'a str,
    pub number: &'a str,
    pub subject: &'a str,
    pub event: Event<'a>,
    /// The activity's text, only with `[notifications] include_text`.
    pub body: Option<&'a str>,
    /// The ticket in the portal; `None` without `base_url`.
    pub link: Option<&'a str>,
    /// Where the recipient switches notifications off; `None` without `base_url`.
    pub settings_link: Option<&'a str>,
    /// `[portal] accent_color` (validated `#rgb`/`#rrggbb`), for the button.
    pub accent: &'a str,
}

/// The plain-text and the HTML part of a notification.
pub fn notification(n: &Notification) -> (String, Markup) {
    let lang = n.lang;
    let greeting = lang.f(m::MAIL_GREETING, &[("name", n.recipient_name)]);
    let event = n.event.line(lang);
    let body = n.body.map(str::trim).filter(|b| !b.is_empty());

    let mut text = format!("{greeting}\n\n{event}\n\n");
    text.push_str(&format!("{}: {}\n{}: {}\n", lang.t(m::TICKET_NO), n.number, lang.t(m::SUBJECT), n.subject));
    if let Some(b) = body {
        text.push_str(&format!("\n{}:\n", lang.t(m::MAIL_TEXT_HEADING)));
        for line in b.lines() {
            text.push_str(&format!("> {line}\n"));
        }
    }
    match n.link {
        Some(l) => text.push_str(&format!("\n{}: {l}\n", lang.t(m::MAIL_VIEW))),
        None => text.push_str(&format!("\n{}\n", lang.t(m::MAIL_LOGIN_TO_SEE))),
    }
    text.push_str(&format!("\n-- \n{}\n{}\n", n.site_title, lang.t(m::MAIL_FOOTER)));
    if let Some(s) = n.settings_link {
        text.push_str(&format!("{}: {s}\n", lang.t(m::MAIL_SETTINGS)));
    }

    let content = html! {
        p { (greeting) }
        p style="font-size:16px" { strong { (event) } }
        table role="presentation" style="border-collapse:collapse;margin:16px 0" {
            tr {
                td style="padding:2px 12px 2px 0;color:#555" { (lang.t(m::TICKET_NO)) }
                td style="padding:2px 0" { strong data-ticket=(n.number) { (n.number) } }
            }
            tr {
                td style="padding:2px 12px 2px 0;color:#555" { (lang.t(m::SUBJECT)) }
                td style="padding:2px 0" { (n.subject) }
            }
        }
        @if let Some(b) = body {
            p style="margin-bottom:4px;color:#555" { (lang.t(m::MAIL_TEXT_HEADING)) }
            blockquote style="margin:0 0 16px 0;padding:8px 12px;border-left:3px solid #ccc;background:#f6f6f6" {
                @for (i, line) in b.lines().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
        @match n.link {
            Some(l) => p {
                a href=(l) style={ "display:inline-block;padding:8px 16px;background:" (n.accent) ";color:#fff;text-decoration:none;border-radius:4px" } {
                    (lang.t(m::MAIL_VIEW))
                }
            },
            None => p { (lang.t(m::MAIL_LOGIN_TO_SEE)) },
        }
    };
    (text, frame(lang, n.subject, n.site_title, n.settings_link, content))
}

/// The message `ticketd mail test` sends: subject, text, HTML.
pub fn test_mail(lang: Lang, site_title: &str) -> (String, String, Markup) {
    let subject = lang.f(m::MAIL_TEST_SUBJECT, &[("site", site_title)]);
    let body = lang.f(m::MAIL_TEST_BODY, &[("site", site_title)]);
    let text = format!("{body}\n\n-- \n{site_title}\n{}\n", lang.t(m::MAIL_FOOTER));
    let html = frame(lang, &subject, site_title, None, html! { p { (body) } });
    (subject, text, html)
}

pub fn frame(lang: Lang, title: &str, site_title: &str, settings_link: Option<&str>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
            }
            body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#111" {
                div style="max-width:600px" {
                    (content)
                    hr style="border:0;border-top:1px solid #ddd;margin:24px 0 12px";
                    p style="font-size:12px;color:#666" {
                        (site_title) br;
                        (lang.t(m::MAIL_FOOTER))
                        @if let Some(s) = settings_link {
                            br;
                            a href=(s) style="color:#666" { (lang.t(m::MAIL_SETTINGS)) }
                        }
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------ admin outbox

pub struct OutboxView {
    pub configured: bool,
    pub rows: Vec<OutboxRow>,
    pub counts: Vec<(MailState, i64)>,
    pub state: Option<MailState>,
    pub page: usize,
    pub total: i64,
    pub page_size: usize,
    pub csrf: String,
    pub tz: &'static time_tz::Tz,
    pub notice: Option<Msg>,
    /// Whether `[[webhooks]]` is set, and the deliveries (not yet sent first).
    pub webhooks_configured: bool,
    pub webhooks: Vec<WebhookRow>,
}

pub fn state_label(s: MailState) -> Msg {
    match s {
        MailState::Pending => m::OUTBOX_PENDING,
        MailState::Sending => m::OUTBOX_SENDING,
        MailState::Sent => m::OUTBOX_SENT,
        MailState::Failed => m::OUTBOX_FAILED,
    }
}

pub fn outbox(c: &Chrome, v: &OutboxView) -> Markup {
    let lang = c.lang;
    let base = match v.state {
        Some(s) => format!("/admin/outbox?state={}", s.as_str()),
        None => "/admin/outbox".to_string(),
    };
    let all: i64 = v.counts.iter().map(|(_, n)| n).sum();
    let content = html! {
        div.page-head { h1 { (c.t(m::OUTBOX_TITLE)) } }
        @if !v.configured {
            p.notice.info role="note" { (c.t(m::OUTBOX_NO_RELAY)) }
        }
        nav.status-tabs aria-label=(c.t(m::FILTERS)) {
            a.chip href="/admin/outbox" aria-current=[v.state.is_none().then_some("page")] {
                (c.t(m::STATUS_ALL)) " " span.count data-outbox-count="all" { (all) }
            }
            @for (s, n) in &v.counts {
                a.chip href={ "/admin/outbox?state=" (s.as_str()) } aria-current=[(v.state == Some(*s)).then_some("page")] {
                    (c.t(state_label(*s))) " " span.count data-outbox-count=(s.as_str()) { (n) }
                }
            }
        }
        @if v.rows.is_empty() {
            p.empty.card { (c.t(m::OUTBOX_EMPTY)) }
        } @else {
            div.table-wrap {
                table.tickets.outbox {
                    thead { tr {
                        th scope="col" { (c.t(m::CREATED)) }
                        th scope="col" { (c.t(m::OUTBOX_RECIPIENT)) }
                        th scope="col" { (c.t(m::SUBJECT)) }
                        th scope="col" { (c.t(m::STATUS)) }
                        th scope="col" { (c.t(m::OUTBOX_ATTEMPTS)) }
                        th scope="col" { (c.t(m::OUTBOX_RESULT)) }
                    } }
                    tbody {
                        @for r in &v.rows { (outbox_row(c, v, r)) }
                    }
                }
            }
        }
        (pagination(lang, &base, v.page, v.total, v.page_size))
        (webhook_section(c, v))
    };
    layout(c, c.t(m::OUTBOX_TITLE), v.notice, content)
}

/// One mail of the outbox: when, to whom, about what, and what became of it.
fn outbox_row(c: &Chrome, v: &OutboxView, r: &OutboxRow) -> Markup {
    let lang = c.lang;
    html! {
        tr data-outbox=(r.id) data-state=(r.state.as_str()) {
            td data-label=(c.t(m::CREATED)) {
                time datetime=(clock::rfc3339(r.created_at)) { (clock::datetime(r.created_at, v.tz, lang)) }
            }
            td data-label=(c.t(m::OUTBOX_RECIPIENT)) { (r.recipient) }
            td.subject data-label=(c.t(m::SUBJECT)) {
                @if let Some(n) = &r.number {
                    a href={ "/staff/tickets/" (n) } { (r.subject) }
                } @else {
                    (r.subject)
                }
            }
            td data-label=(c.t(m::STATUS)) { (c.t(state_label(r.state))) }
            td.num data-label=(c.t(m::OUTBOX_ATTEMPTS)) { (r.attempts) }
            td data-label=(c.t(m::OUTBOX_RESULT)) {
                @match r.state {
                    MailState::Sent => {
                        @if let Some(at) = r.sent_at {
                            time datetime=(clock::rfc3339(at)) { (clock::datetime(at, v.tz, lang)) }
                            " "
                        }
                        @if let Some(reply) = &r.relay_reply { code { (reply) } }
                    }
                    MailState::Pending => {
                        @if r.attempts > 0 {
                            (c.t(m::OUTBOX_NEXT)) ": "
                            time datetime=(clock::rfc3339(r.next_attempt_at)) { (clock::datetime(r.next_attempt_at, v.tz, lang)) }
                        }
                        @if let Some(e) = &r.last_error { br; code.error data-outbox-error=(r.id) { (e) } }
                    }
                    MailState::Sending => {}
                    MailState::Failed => {
                        @if let Some(e) = &r.last_error { code.error data-outbox-error=(r.id) { (e) } }
                        form.inline method="post" action={ "/admin/outbox/" (r.id) "/retry" } {
                            input type="hidden" name="csrf" value=(v.csrf);
                            button.btn.btn-quiet type="submit" { (c.t(m::OUTBOX_RETRY)) }
                        }
                    }
                }
            }
        }
    }
}

/// The webhook deliveries below the mails: pending and failed first, with the last error.
fn webhook_section(c: &Chrome, v: &OutboxView) -> Markup {
    html! {
        section.card id="webhooks" aria-labelledby="webhooks-title" {
            h2 id="webhooks-title" { (c.t(m::WEBHOOKS_TITLE)) }
            @if !v.webhooks_configured { p.notice.info role="note" { (c.t(m::WEBHOOKS_NONE)) } }
            @if v.webhooks.is_empty() {
                p.empty { (c.t(m::WEBHOOKS_EMPTY)) }
            } @else {
                div.table-wrap { table.tickets.outbox {
                    thead { tr {
                        th scope="col" { (c.t(m::CREATED)) }
                        th scope="col" { (c.t(m::WEBHOOK_EVENT)) }
                        th scope="col" { (c.t(m::WEBHOOK_TARGET)) }
                        th scope="col" { (c.t(m::STATUS)) }
                        th scope="col" { (c.t(m::OUTBOX_ATTEMPTS)) }
                        th scope="col" { (c.t(m::OUTBOX_RESULT)) }
                    } }
                    tbody { @for r in &v.webhooks { (webhook_row(c, v, r)) } }
                } }
            }
        }
    }
}

fn webhook_row(c: &Chrome, v: &OutboxView, r: &WebhookRow) -> Markup {
    let lang = c.lang;
    let state = MailState::parse(&r.state).unwrap_or(MailState::Failed);
    html! {
        tr data-webhook-delivery=(r.id) data-state=(r.state) {
            td data-label=(c.t(m::CREATED)) {
                time datetime=(clock::rfc3339(r.created_at)) { (clock::datetime(r.created_at, v.tz, lang)) }
            }
            td data-label=(c.t(m::WEBHOOK_EVENT)) { code { (r.event) } " #" (r.event_id) }
            td data-label=(c.t(m::WEBHOOK_TARGET)) { (r.url) }
            td data-label=(c.t(m::STATUS)) { (c.t(state_label(state))) }
            td.num data-label=(c.t(m::OUTBOX_ATTEMPTS)) { (r.attempts) }
            td data-label=(c.t(m::OUTBOX_RESULT)) {
                @if state == MailState::Pending && r.attempts > 0 {
                    (c.t(m::OUTBOX_NEXT)) ": "
                    time datetime=(clock::rfc3339(r.next_at)) { (clock::datetime(r.next_at, v.tz, lang)) }
                }
                @if let Some(e) = &r.last_error { @if state != MailState::Sent { br; code.error data-webhook-error=(r.id) { (e) } } }
                @if state == MailState::Failed {
                    form.inline method="post" action={ "/admin/outbox/webhooks/" (r.id) "/retry" } {
                        input type="hidden" name="csrf" value=(v.csrf);
                        button.btn.btn-quiet type="submit" { (c.t(m::OUTBOX_RETRY)) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample<'a>(lang: Lang, body: Option<&'a str>, link: Option<&'a str>) -> Notification<'a> {
        Notification {
            lang,
            site_title: "Portal <Müller & Co>",
            recipient_name: "Anna <script>",
            number: "2026-00042",
            subject: "Drucker <b>defekt</b>",
            event: Event::StaffMessage,
            body,
            link,
            settings_link: link.map(|_| "https://portal.example/account"),
            accent: "#1d4ed8",
        }
    }

    #[test]
    fn the_text_says_what_happened_without_the_body_unless_asked() {
        let (text, html) = notification(&sample(Lang::De, None, Some("https://portal.example/tickets/2026-00042")));
        assert!(text.contains("Guten Tag, Anna <script>,"), "{text}");
        assert!(text.contains("Es gibt eine neue Antwort auf Ihr Ticket."));
        assert!(text.contains("2026-00042") && text.contains("Drucker <b>defekt</b>"));
        assert!(text.contains("Ticket ansehen: https://portal.example/tickets/2026-00042"));
        let html = html.into_string();
        assert!(html.contains("Anna &lt;script&gt;"), "escaped: {html}");
        assert!(html.contains("Drucker &lt;b&gt;defekt&lt;/b&gt;"));
        assert!(!html.contains("<script>") && !html.contains("<b>"));
        assert!(html.contains("href=\"https://portal.example/tickets/2026-00042\""));
        assert!(!text.contains("> "), "no quoted body: {text}");

        let (text, html) = notification(&sample(Lang::En, Some("Line one\n<i>two</i>"), None));
        assert!(text.contains("Hello Anna <script>,") && text.contains("There is a new reply to your ticket."));
        assert!(text.contains("> Line one\n> <i>two</i>\n"), "{text}");
        assert!(text.contains("Log in to the portal to see the ticket."));
        let html = html.into_string();
        assert!(html.contains("Line one<br>&lt;i&gt;two&lt;/i&gt;"), "{html}");
        assert!(!html.contains("href=\"https://"), "no link without base_url");
    }

    #[test]
    fn every_event_has_its_line_in_both_languages() {
        let events = [
            Event::NewTicket { author: "Anna" },
            Event::CustomerReply { author: "Anna" },
            Event::CustomerDocuments { author: "Anna" },
            Event::OpenedForYou,
            Event::StaffMessage,
            Event::StaffCall,
            Event::StaffEmail,
            Event::StaffDocument,
            Event::Status { status: m::STATUS_CLOSED },
            Event::AutoClosed { days: 14 },
        ];
        for e in events {
            let (de, en) = (e.line(Lang::De), e.line(Lang::En));
            assert_ne!(de, en);
            assert!(!de.contains('{') && !en.contains('{'), "{de} / {en}");
        }
        assert!(Event::Status { status: m::STATUS_CLOSED }.line(Lang::En).contains("Closed"));
    }
}
