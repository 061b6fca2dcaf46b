//! RFC 5322 / MIME messages as 7-bit text with CRLF line ends: headers folded to 78
//! characters, non-ASCII header text as RFC 2047 encoded-words, a `multipart/alternative` body
//! with a plain-text and an HTML part, both quoted-printable. Pure functions, no I/O.

use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

use super::Mailbox;

/// Everything a message needs; `render` turns it into the bytes handed to `DATA`.
pub struct Message<'a> {
    pub from: &'a Mailbox,
    pub to: &'a Mailbox,
    pub subject: &'a str,
    pub date: OffsetDateTime,
    /// Without angle brackets, e.g. `n7f3….2026-00042@portal.example`.
    pub message_id: &'a str,
    /// The ticket's thread root, without angle brackets: `In-Reply-To` and `References`.
    pub thread_id: Option<&'a str>,
    /// `de` or `en`, for `Content-Language`.
    pub language: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

const MAX_LINE: usize = 78;

pub fn render(m: &Message) -> String {
    let boundary = boundary_for(m.message_id);
    let date = m.date.format(&Rfc2822).unwrap_or_else(|_| "Thu, 01 Jan 1970 00:00:00 +0000".into());
    let mut out = String::new();
    out.push_str(&header("Date", vec![date]));
    out.push_str(&header("From", mailbox_tokens(m.from)));
    out.push_str(&header("To", mailbox_tokens(m.to)));
    out.push_str(&header("Subject", text_tokens(m.subject)));
    out.push_str(&format!("Message-ID: <{}>\r\n", clean(m.message_id)));
    if let Some(t) = m.thread_id {
        out.push_str(&format!("In-Reply-To: <{}>\r\n", clean(t)));
        out.push_str(&format!("References: <{}>\r\n", clean(t)));
    }
    out.push_str("Auto-Submitted: auto-generated\r\n");
    out.push_str("X-Auto-Response-Suppress: All\r\n");
    out.push_str(&format!("Content-Language: {}\r\n", clean(m.language)));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str(&format!("Content-Type: multipart/alternative;\r\n boundary=\"{boundary}\"\r\n"));
    out.push_str("\r\n");
    out.push_str("This is a multi-part message in MIME format.\r\n");
    for (media_type, body) in [("text/plain", m.text), ("text/html", m.html)] {
        out.push_str(&format!("\r\n--{boundary}\r\n"));
        out.push_str(&format!("Content-Type: {media_type}; charset=utf-8\r\n"));
        out.push_str("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        out.push_str(&quoted_printable(body));
    }
    out.push_str(&format!("\r\n--{boundary}--\r\n"));
    out
}

/// Never in a quoted-printable body (`=` is always followed by two hex digits or CRLF there).
fn boundary_for(message_id: &str) -> String {
    let digest = Sha256::digest(message_id.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("=_ticketd_{hex}")
}

/// Header values we build ourselves never carry line breaks or control characters.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// `Name: tok tok …`, folded before a token that would pass 78 characters.
fn header(name: &str, tokens: Vec<String>) -> String {
    let mut out = format!("{name}:");
    let mut line_len = out.len();
    for tok in tokens {
        if line_len + 1 + tok.len() > MAX_LINE && line_len > name.len() + 1 {
            out.push_str("\r\n");
            line_len = 0;
        }
        out.push(' ');
        out.push_str(&tok);
        line_len += 1 + tok.len();
    }
    out.push_str("\r\n");
    out
}

/// Unstructured text (`Subject`): words as they are when plain ASCII, else encoded-words.
pub fn text_tokens(s: &str) -> Vec<String> {
    let s = clean(s);
    if needs_encoding(&s) {
        encoded_words(&s)
    } else {
        s.split_whitespace().map(str::to_string).collect()
    }
}

fn needs_encoding(s: &str) -> bool {
    !s.is_ascii() || s.contains("=?") || s.chars().any(|c| c.is_control())
}

/// A display name and address: atoms as they are, other ASCII as a quoted string, anything
/// else as encoded-words.
fn mailbox_tokens(mb: &Mailbox) -> Vec<String> {
    let name = clean(mb.name.trim());
    let addr = format!("<{}>", clean(&mb.addr));
    if name.is_empty() {
        return vec![addr];
    }
    let mut tokens = if needs_encoding(&name) {
        encoded_words(&name)
    } else if name.split(' ').all(|w| !w.is_empty() && w.chars().all(is_atext)) {
        name.split(' ').map(str::to_string).collect()
    } else {
        vec![format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))]
    };
    tokens.push(addr);
    tokens
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// RFC 2047 `=?UTF-8?B?…?=` words of at most 36 bytes of text each (60 characters), split at
/// character boundaries so every word decodes on its own.
pub fn encoded_words(s: &str) -> Vec<String> {
    const MAX_BYTES: usize = 36;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words
}

pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Quoted-printable (RFC 2045) with CRLF hard breaks, soft breaks before 76 characters, and
/// a leading `.` encoded too, so no relay can mistake a line for the end of `DATA`.
pub fn quoted_printable(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let bytes = line.as_bytes();
        let mut len = 0;
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let literal = match b {
                b'=' => false,
                b' ' | b'\t' => !last,
                b'.' => len != 0,
                33..=126 => true,
                _ => false,
            };
            let token = if literal { (b as char).to_string() } else { format!("={b:02X}") };
            // Room for the soft break's `=`; the last token of a line needs none.
            let limit = if last { 76 } else { 75 };
            if len + token.len() > limit {
                out.push_str("=\r\n");
                len = 0;
            }
            // After a soft break a `.` starts a line again.
            let token = if len == 0 && b == b'.' { "=2E".to_string() } else { token };
            out.push_str(&token);
            len += token.len();
        }
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_b64(s: &str) -> Vec<u8> {
        let val = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        let mut out = Vec::new();
        for chunk in s.as_bytes().chunks(4) {
            let pad = chunk.iter().filter(|&&c| c == b'=').count();
            let n = chunk.iter().fold(0u32, |acc, &c| (acc << 6) | u32::from(if c == b'=' { 0 } else { val(c) }));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..3 - pad]);
        }
        out
    }

    fn decode_words(tokens: &[String]) -> String {
        let bytes: Vec<u8> = tokens
            .iter()
            .flat_map(|t| decode_b64(t.strip_prefix("=?UTF-8?B?").unwrap().strip_suffix("?=").unwrap()))
            .collect();
        String::from_utf8(bytes).unwrap()
    }

    fn decode_qp(s: &str) -> String {
        let s = s.replace("=\r\n", "");
        let mut out = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' {
                out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap().replace("\r\n", "\n")
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), enc);
        }
    }

    #[test]
    fn ascii_subjects_stay_readable_and_non_ascii_ones_are_encoded_words() {
        assert_eq!(text_tokens("[Ticket 2026-00042] Printer broken"), ["[Ticket", "2026-00042]", "Printer", "broken"]);
        let words = text_tokens("[Ticket 2026-00042] Drucker druckt nur noch Streifen – Überweisung hängt");
        assert!(words.len() > 1);
        for w in &words {
            assert!(w.starts_with("=?UTF-8?B?") && w.ends_with("?=") && w.len() <= 75, "{w}");
            assert!(w.is_ascii());
        }
        assert_eq!(decode_words(&words), "[Ticket 2026-00042] Drucker druckt nur noch Streifen – Überweisung hängt");
        // A subject that looks like an encoded-word is encoded, so it is shown as typed.
        assert!(text_tokens("=?UTF-8?B?x?=")[0].starts_with("=?UTF-8?B?"));
        // Multi-byte characters are never split between words.
        let emoji = "😀".repeat(30);
        assert_eq!(decode_words(&encoded_words(&emoji)), emoji);
    }

    #[test]
    fn display_names_are_atoms_quoted_strings_or_encoded_words() {
        let h = |name: &str| header("To", mailbox_tokens(&Mailbox::new(name, "a@example.com")));
        assert_eq!(h("Anna Beispiel"), "To: Anna Beispiel <a@example.com>\r\n");
        assert_eq!(h("Beispiel, Anna \"AB\""), "To: \"Beispiel, Anna \\\"AB\\\"\" <a@example.com>\r\n");
        assert_eq!(h(""), "To: <a@example.com>\r\n");
        let umlaut = h("Jürgen Müller");
        assert!(umlaut.starts_with("To: =?UTF-8?B?"), "{umlaut}");
        assert!(umlaut.ends_with(" <a@example.com>\r\n"));
        // A line break in a name cannot start a new header.
        let evil = h("Eve\r\nBcc: victim@example.com");
        assert_eq!(evil.matches("\r\n").count(), 1, "{evil}");
    }

    #[test]
    fn long_headers_fold_at_78() {
        let subject = "word ".repeat(40);
        let h = header("Subject", text_tokens(&subject));
        for line in h.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 78, "{line:?}");
        }
        assert_eq!(h.replace("\r\n ", " "), format!("Subject: {}\r\n", subject.trim_end()));
        let h = header("Subject", text_tokens(&"Ä".repeat(100)));
        for (i, line) in h.trim_end_matches("\r\n").split("\r\n").enumerate() {
            assert!(line.len() <= 78, "{line:?}");
            assert!(i == 0 || line.starts_with(' '), "{line:?}");
        }
    }

    #[test]
    fn quoted_printable_round_trips_with_short_crlf_lines() {
        for text in [
            "Hallo Anna,\n\nIhr Ticket „Drucker“ hat eine neue Antwort.\n",
            "trailing space \nand tab\t\n",
            ".\n.leading dot\n..two\n",
            "a=b 100% ok",
            &"x".repeat(300),
            &"ü".repeat(100),
            &format!("{}.{}", "y".repeat(75), "z".repeat(10)),
            "windows\r\nline\rends",
        ] {
            let qp = quoted_printable(text);
            assert!(qp.is_ascii());
            assert!(qp.ends_with("\r\n"));
            for line in qp.trim_end_matches("\r\n").split("\r\n") {
                assert!(line.len() <= 76, "{line:?}");
                assert!(!line.starts_with('.'), "a line starts with a dot: {line:?}");
                assert!(!line.ends_with(' ') && !line.ends_with('\t'), "{line:?}");
            }
            assert!(!qp.replace("\r\n", "").contains('\r') && !qp.replace("\r\n", "").contains('\n'));
            let expected = text.replace("\r\n", "\n").replace('\r', "\n");
            assert_eq!(decode_qp(&qp), format!("{expected}\n"), "{text:?}");
        }
    }

    #[test]
    fn a_message_has_threading_headers_and_two_parts() {
        let from = Mailbox::new("Kundenportal Müller GmbH", "support@portal.example");
        let to = Mailbox::new("Anna Beispiel", "anna@example.com");
        let msg = render(&Message {
            from: &from,
            to: &to,
            subject: "Re: [Ticket 2026-00042] Drucker defekt",
            date: OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
            message_id: "abc.2026-00042@portal.example",
            thread_id: Some("ticket-2026-00042@portal.example"),
            language: "de",
            text: "Hallo Anna,\n.\nEnde",
            html: "<p>Hallo Anna</p>",
        });
        assert!(msg.is_ascii());
        assert!(!msg.replace("\r\n", "").contains('\n'), "bare LF in the message");
        let (head, body) = msg.split_once("\r\n\r\n").unwrap();
        for want in [
            "Date: Thu, 01 Jan 2026 00:00:00 +0000",
            "Message-ID: <abc.2026-00042@portal.example>",
            "In-Reply-To: <ticket-2026-00042@portal.example>",
            "References: <ticket-2026-00042@portal.example>",
            "Auto-Submitted: auto-generated",
            "Subject: Re: [Ticket 2026-00042] Drucker defekt",
            "To: Anna Beispiel <anna@example.com>",
            "MIME-Version: 1.0",
            "Content-Language: de",
        ] {
            assert!(head.contains(want), "missing {want:?} in\n{head}");
        }
        assert!(head.contains("From: =?UTF-8?B?"), "{head}");
        let boundary = boundary_for("abc.2026-00042@portal.example");
        assert!(head.contains(&format!("boundary=\"{boundary}\"")));
        assert_eq!(body.matches(&format!("--{boundary}\r\n")).count(), 2);
        assert!(body.ends_with(&format!("--{boundary}--\r\n")));
        assert!(body.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(body.contains("Content-Type: text/html; charset=utf-8"));
        assert!(body.contains("\r\n=2E\r\n"), "a lone dot line is encoded");
    }
}
