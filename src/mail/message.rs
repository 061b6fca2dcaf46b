//! A notification as the text the outbox stores and the relay later receives, built with
//! lettre's message builder: it encodes non-ASCII names and subjects (RFC 2047) and folds the
//! headers. Ours are only the choices: which headers a mail carries, and a
//! `multipart/alternative` body whose plain-text and HTML parts are both quoted-printable, so
//! the whole message is 7-bit and no relay needs 8BITMIME for it.

use std::time::{Duration, SystemTime};

use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{MultiPart, SinglePart};
use lettre::Address;

use super::Mailbox;

/// Everything a message needs; `render` turns it into the text handed to the relay.
pub struct Message<'a> {
    pub from: &'a Mailbox,
    pub to: &'a Mailbox,
    /// `[inbound] address`, when mail in is set up: replies go there and become activities.
    pub reply_to: Option<&'a Mailbox>,
    pub subject: &'a str,
    /// Unix seconds; the `Date` header is written in UTC.
    pub date: i64,
    /// Without angle brackets, e.g. `n7f3….2026-00042@portal.example`.
    pub message_id: &'a str,
    /// The ticket's thread root, without angle brackets: `In-Reply-To` and `References`.
    pub thread_id: Option<&'a str>,
    /// `de` or `en`, for `Content-Language`.
    pub language: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

// Checked when compiled (`new_from_ascii_str` is a `const fn` that refuses bad names).
const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");
const AUTO_RESPONSE_SUPPRESS: HeaderName = HeaderName::new_from_ascii_str("X-Auto-Response-Suppress");
const CONTENT_LANGUAGE: HeaderName = HeaderName::new_from_ascii_str("Content-Language");

/// The whole message with CRLF line ends, 7-bit. Fails only for an address lettre cannot parse.
pub fn render(m: &Message) -> Result<String, String> {
    let part = |content_type: ContentType, body: &str| {
        SinglePart::builder()
            .header(content_type)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(body.to_string())
    };
    let mut builder = lettre::Message::builder()
        .from(mailbox(m.from)?)
        .to(mailbox(m.to)?)
        .subject(one_line(m.subject))
        .date(SystemTime::UNIX_EPOCH + Duration::from_secs(m.date.max(0).unsigned_abs()))
        .message_id(Some(format!("<{}>", m.message_id)));
    if let Some(r) = m.reply_to {
        builder = builder.reply_to(mailbox(r)?);
    }
    if let Some(thread) = m.thread_id {
        builder = builder.in_reply_to(format!("<{thread}>")).references(format!("<{thread}>"));
    }
    let message = builder
        // Tells vacation responders and ticket systems not to answer a machine.
        .raw_header(HeaderValue::new(AUTO_SUBMITTED, "auto-generated".into()))
        .raw_header(HeaderValue::new(AUTO_RESPONSE_SUPPRESS, "All".into()))
        .raw_header(HeaderValue::new(CONTENT_LANGUAGE, m.language.into()))
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, m.text))
                .singlepart(part(ContentType::TEXT_HTML, m.html)),
        )
        .map_err(|e| format!("cannot build the message: {e}"))?;
    String::from_utf8(message.formatted()).map_err(|_| "the built message is not 7-bit text".to_string())
}

fn mailbox(m: &Mailbox) -> Result<lettre::message::Mailbox, String> {
    let addr: Address = m.addr.parse().map_err(|e| format!("not a deliverable address {:?}: {e}", m.addr))?;
    let name = one_line(&m.name);
    let name = name.trim();
    Ok(lettre::message::Mailbox::new((!name.is_empty()).then(|| name.to_string()), addr))
}

/// Header text on one line: lettre encodes a line break in a subject, but panics on one in a
/// display name, and neither belongs in a header.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(from_name: &str, to_name: &str, subject: &str, text: &str) -> String {
        let from = Mailbox::new(from_name, "support@portal.example");
        let to = Mailbox::new(to_name, "anna@example.com");
        render(&Message {
            from: &from,
            to: &to,
            reply_to: None,
            subject,
            date: 1_767_225_600,
            message_id: "abc.2026-00042@portal.example",
            thread_id: Some("ticket-2026-00042@portal.example"),
            language: "de",
            text,
            html: "<p>Hallo Anna</p>",
        })
        .unwrap()
    }

    fn unfolded_head(msg: &str) -> String {
        msg.split_once("\r\n\r\n").unwrap().0.replace("\r\n ", " ").replace("\r\n\t", " ")
    }

    #[test]
    fn a_message_has_threading_headers_and_two_quoted_printable_parts() {
        let msg = sample("Kundenportal Müller GmbH", "Anna Beispiel", "Re: [Ticket 2026-00042] Drucker", "Hallo");
        assert!(msg.is_ascii());
        assert!(!msg.replace("\r\n", "").contains('\n'), "bare LF in the message");
        let head = unfolded_head(&msg);
        let lines: Vec<&str> = head.split("\r\n").collect();
        for want in [
            "Date: Thu, 01 Jan 2026 00:00:00 +0000",
            "Message-ID: <abc.2026-00042@portal.example>",
            "In-Reply-To: <ticket-2026-00042@portal.example>",
            "References: <ticket-2026-00042@portal.example>",
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
            "Subject: Re: [Ticket 2026-00042] Drucker",
            "To: \"Anna Beispiel\" <anna@example.com>",
            "MIME-Version: 1.0",
            "Content-Language: de",
        ] {
            assert!(lines.contains(&want), "missing {want:?} in\n{head}");
        }
        let from = lines.iter().find(|l| l.starts_with("From: ")).unwrap();
        assert!(from.to_ascii_lowercase().starts_with("from: =?utf-8?b?"), "{from}");
        assert!(from.ends_with(" <support@portal.example>"), "{from}");
        assert!(head.contains("Content-Type: multipart/alternative;"), "{head}");
        assert_eq!(msg.matches("Content-Transfer-Encoding: quoted-printable").count(), 2, "{msg}");
        assert!(msg.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(msg.contains("Content-Type: text/html; charset=utf-8"));
    }

    #[test]
    fn non_ascii_and_line_breaks_cannot_escape_their_header() {
        let msg = sample(
            "Eve\r\nBcc: victim@example.com",
            "Jürgen Müller",
            "Drucker – Überweisung hängt\r\nX-Injected: 1",
            "Zeile\n.\nEnde ü",
        );
        assert!(msg.is_ascii());
        let head = unfolded_head(&msg);
        for header in head.split("\r\n") {
            let name = header.split(':').next().unwrap();
            assert!(!["Bcc", "X-Injected"].contains(&name), "a line break started a header: {header}");
        }
        let subject = head.split("\r\n").find(|l| l.starts_with("Subject: ")).unwrap();
        assert!(subject.to_ascii_lowercase().contains("=?utf-8?b?"), "{subject}");
        for line in msg.split("\r\n") {
            assert!(line.len() <= 998, "RFC 5322 line limit: {line:?}");
        }
    }

    #[test]
    fn reply_to_is_the_inbound_address_when_given() {
        let from = Mailbox::new("Kundenportal", "noreply@portal.example");
        let to = Mailbox::new("", "anna@example.com");
        let inbound = Mailbox::new("Kundenportal", "support@portal.example");
        let render_with = |reply_to| {
            render(&Message {
                from: &from,
                to: &to,
                reply_to,
                subject: "x",
                date: 0,
                message_id: "a@portal.example",
                thread_id: None,
                language: "de",
                text: "t",
                html: "h",
            })
            .unwrap()
        };
        let head = unfolded_head(&render_with(Some(&inbound)));
        assert!(head.split("\r\n").any(|l| l == "Reply-To: Kundenportal <support@portal.example>"), "{head}");
        assert!(!unfolded_head(&render_with(None)).contains("Reply-To:"));
    }

    #[test]
    fn an_address_lettre_cannot_parse_is_an_error_not_a_panic() {
        let from = Mailbox::new("", "support@portal.example");
        let to = Mailbox::new("", "not an address");
        let e = render(&Message {
            from: &from,
            to: &to,
            reply_to: None,
            subject: "x",
            date: 0,
            message_id: "a@b",
            thread_id: None,
            language: "en",
            text: "",
            html: "",
        })
        .unwrap_err();
        assert!(e.contains("not an address"), "{e}");
    }
}
