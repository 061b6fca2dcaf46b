//! Mail in, the pure part: one raw RFC 5322 message read with the `mail-parser` crate into what
//! the importer needs — who sent it, which ticket it may answer, whether a machine sent it, the
//! new text (quoted history and signature trimmed) and the attached files. No database, no
//! config: `app::inbound` decides where the message goes.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};

/// Why a message cannot be read at all (`mail receive` exits 65).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Nothing but white space.
    Empty,
    /// No header block, or no `From` address: not an RFC 5322 message.
    NotAMessage,
    /// The head never ends, or a multipart body lacks its closing boundary: the message was
    /// cut off in transit, and what is left cannot be trusted to be whole.
    Truncated,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unreadable::Empty => "empty message",
            Unreadable::NotAMessage => "not an RFC 5322 message (no header block or no From address)",
            Unreadable::Truncated => "truncated message (the head or a multipart body does not end)",
        })
    }
}

/// A file attached to the message, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub media_type: String,
    pub data: Vec<u8>,
}

/// What the importer needs to know about one message.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Without angle brackets; `None` when the message has none.
    pub message_id: Option<String>,
    /// `In-Reply-To` and `References`, without angle brackets, newest reference first.
    pub references: Vec<String>,
    /// The `From` address, lower case, trimmed.
    pub from_addr: String,
    /// The `From` display name (RFC 2047 decoded), or empty.
    pub from_name: String,
    pub subject: String,
    /// The new text: quoted history and signature trimmed.
    pub text: String,
    pub attachments: Vec<Part>,
    /// Set when a machine sent it (auto-reply, bounce, list mail): the reason, one word.
    pub automatic: Option<&'static str>,
}

/// Reads one raw message. Lenient like mail clients (mail-parser decodes what it can), strict
/// only about what makes a message useless: no head, no sender, cut off.
pub fn parse(raw: &[u8]) -> Result<Incoming, Unreadable> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Unreadable::Empty);
    }
    if !starts_with_header(raw) {
        return Err(Unreadable::NotAMessage);
    }
    if head_end(raw).is_none() {
        return Err(Unreadable::Truncated);
    }
    let msg = MessageParser::default().parse(raw).ok_or(Unreadable::NotAMessage)?;
    let (from_addr, from_name) = first_mailbox(msg.from()).ok_or(Unreadable::NotAMessage)?;
    if multipart_cut_off(&msg) {
        return Err(Unreadable::Truncated);
    }
    let mut references = ids(msg.in_reply_to());
    for id in ids(msg.references()).into_iter().rev() {
        if !references.contains(&id) {
            references.push(id);
        }
    }
    let text = msg
        .text_bodies()
        .filter_map(|p| match &p.body {
            PartType::Text(t) => Some(t.replace("\r\n", "\n")),
            PartType::Html(h) => Some(html_to_text(h)),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let attachments = msg
        .attachments()
        .enumerate()
        .filter(|(_, p)| !matches!(p.body, PartType::Multipart(_)))
        .map(|(i, p)| Part { name: part_name(p, i + 1), media_type: media_type(p), data: p.contents().to_vec() })
        .collect();
    Ok(Incoming {
        message_id: msg.message_id().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        references,
        from_addr,
        from_name,
        subject: msg.subject().map(one_line).unwrap_or_default(),
        text: trim_reply(&text),
        attachments,
        automatic: automatic(&msg),
    })
}

/// Text of an HTML body (used when HTML is the only body): quoted history in `<blockquote>`
/// left out, a line break before each block, then mail-parser's converter.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let lower = html.to_ascii_lowercase();
    let (mut i, mut depth) = (0, 0usize);
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<blockquote") {
            depth += 1;
        } else if rest.starts_with("</blockquote") {
            depth = depth.saturating_sub(1);
            i += lower[i..].find('>').map_or(lower.len() - i, |e| e + 1);
            continue;
        } else if depth == 0 && (rest.starts_with("<div") || rest.starts_with("<tr") || rest.starts_with("<li")) {
            out.push_str("<br>");
        }
        let Some(c) = html[i..].chars().next() else { break };
        if depth == 0 {
            out.push(c);
        }
        i += c.len_utf8();
    }
    mail_parser::decoders::html::html_to_text(&out).replace("\r\n", "\n")
}

/// The first line looks like a header field (`Name: value`, or an mbox `From ` line).
fn starts_with_header(raw: &[u8]) -> bool {
    let first = raw.split(|b| *b == b'\n').next().unwrap_or_default();
    if first.starts_with(b"From ") {
        return true;
    }
    match first.iter().position(|b| *b == b':') {
        Some(i) if i > 0 => first[..i].iter().all(|b| b.is_ascii_graphic() && *b != b':'),
        _ => false,
    }
}

/// The offset of the blank line that ends the head, if any (a message of only headers ends
/// with its last line).
fn head_end(raw: &[u8]) -> Option<usize> {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = raw.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A multipart whose closing delimiter (`--boundary--`) never comes.
fn multipart_cut_off(msg: &mail_parser::Message) -> bool {
    let raw = msg.raw_message();
    msg.parts.iter().any(|p| {
        let PartType::Multipart(_) = p.body else {
            return false;
        };
        let Some(boundary) = p.content_type().and_then(|c| c.attribute("boundary")) else {
            return false;
        };
        let close = format!("--{boundary}--");
        let from = (p.raw_body_offset() as usize).min(raw.len());
        !raw[from..].windows(close.len()).any(|w| w == close.as_bytes())
    })
}

fn first_mailbox(a: Option<&Address>) -> Option<(String, String)> {
    let addr = a?.first()?;
    let email = addr.address()?.trim().to_lowercase();
    if !email.contains('@') && !email.eq_ignore_ascii_case("mailer-daemon") {
        return None;
    }
    Some((email, addr.name().map(one_line).unwrap_or_default()))
}

/// Message ids of `In-Reply-To`/`References`, without angle brackets.
fn ids(v: &HeaderValue) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.trim().to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.trim().to_string()).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .map(|s| s.trim_matches(|c| c == '<' || c == '>').to_string())
    .filter(|s| !s.is_empty())
    .collect()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn media_type(p: &mail_parser::MessagePart) -> String {
    match p.content_type() {
        Some(c) => match c.subtype() {
            Some(s) => format!("{}/{}", c.ctype(), s).to_ascii_lowercase(),
            None => c.ctype().to_ascii_lowercase(),
        },
        None => "application/octet-stream".into(),
    }
}

/// The part's file name (RFC 2231 and RFC 2047 decoded by mail-parser), or one made up from
/// its position and type.
fn part_name(p: &mail_parser::MessagePart, n: usize) -> String {
    if let Some(name) = p.attachment_name().map(str::trim).filter(|s| !s.is_empty()) {
        return name.to_string();
    }
    let ext = match media_type(p).as_str() {
        "message/rfc822" => "eml",
        "text/plain" => "txt",
        "text/html" => "html",
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        _ => "bin",
    };
    format!("attachment-{n}.{ext}")
}

/// Why a machine sent this message, if one did: never answered, never a ticket (no mail loops).
fn automatic(msg: &mail_parser::Message) -> Option<&'static str> {
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    // Bounces first: they often carry `Auto-Submitted` too.
    let null_path = msg.header_raw("Return-Path").is_some_and(|v| {
        let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
        v == "<>" || v.is_empty()
    });
    let report = msg.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart") && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let daemon = first_mailbox(msg.from()).is_some_and(|(addr, _)| {
        let local = addr.split('@').next().unwrap_or("");
        local == "mailer-daemon" || local == "postmaster"
    });
    if null_path || report || daemon {
        return Some("bounce");
    }
    if let Some(v) = header("Auto-Submitted") {
        if v.split(';').next().unwrap_or("").trim() != "no" {
            return Some("auto-reply");
        }
    }
    if header("X-Autoreply").is_some() || header("X-Autorespond").is_some() || header("X-Autoresponder").is_some() {
        return Some("auto-reply");
    }
    match header("Precedence").as_deref() {
        Some("bulk" | "junk" | "list") => Some("bulk"),
        _ => None,
    }
}

/// `[Ticket 2026-00042]` or `[2026-00042]` in a subject: the number, if any.
pub fn ticket_in_subject(subject: &str) -> Option<String> {
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inner = after[..close].trim();
        let inner = strip_prefix_ci(inner, "ticket").map(str::trim_start).unwrap_or(inner);
        let inner = inner.trim_start_matches('#');
        if is_ticket_number(inner) {
            return Some(inner.to_string());
        }
        rest = &after[close..];
    }
    None
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// `YYYY-NNNNN` (five to nine digits after the dash).
fn is_ticket_number(s: &str) -> bool {
    let Some((y, n)) = s.split_once('-') else { return false };
    y.len() == 4
        && (5..=9).contains(&n.len())
        && y.bytes().all(|b| b.is_ascii_digit())
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// The ticket number in one of our thread roots (`ticket-2026-00042@portal.example`).
pub fn ticket_in_thread_id(id: &str) -> Option<String> {
    let local = id.strip_prefix("ticket-")?.split('@').next()?;
    is_ticket_number(local).then(|| local.to_string())
}

/// The new text of a reply: everything above the first line that starts quoted history or a
/// signature, with quoted (`>`) lines left out. Falls back to the whole text when nothing
/// would remain (a message that is only a quote).
pub fn trim_reply(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let cut = (0..lines.len()).find(|&i| starts_history(&lines, i)).unwrap_or(lines.len());
    let kept: Vec<&str> = lines[..cut].iter().copied().filter(|l| !l.trim_start().starts_with('>')).collect();
    let out = collapse_blank(&kept);
    if out.trim().is_empty() {
        collapse_blank(&lines)
    } else {
        out
    }
}

/// Blank runs squeezed to one empty line; no blank lines at either end.
fn collapse_blank(lines: &[&str]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for l in lines {
        if l.trim().is_empty() && out.last().is_none_or(|p: &&str| p.trim().is_empty()) {
            continue;
        }
        out.push(l.trim_end());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Does line `i` start the quoted history, a forwarded header block or the signature?
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let raw = lines[i];
    // The signature separator "-- " (many clients drop the trailing space).
    if raw == "-- " || raw == "--" {
        return true;
    }
    // Mobile footers.
    let lower = line.to_lowercase();
    if ["sent from my ", "gesendet von meinem ", "von meinem iphone gesendet", "von meinem ipad gesendet"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return true;
    }
    // -----Original Message----- / -----Ursprüngliche Nachricht----- / -----Original-Nachricht-----
    let dashless = lower.trim_matches(|c: char| c == '-' || c == ' ');
    if line.starts_with("---")
        && ["original message", "ursprüngliche nachricht", "original-nachricht", "forwarded message"]
            .iter()
            .any(|m| dashless.starts_with(m))
    {
        return true;
    }
    // "On … wrote:" / "Am … schrieb …:", possibly wrapped onto the next line (Gmail).
    let two = match lines.get(i + 1) {
        Some(next) => format!("{line} {}", next.trim()),
        None => line.to_string(),
    };
    let attribution = |s: &str| {
        (s.starts_with("On ") && s.ends_with("wrote:"))
            || (s.starts_with("Am ") && s.contains("schrieb") && s.ends_with(':'))
    };
    if attribution(line)
        || ((line.starts_with("On ") || line.starts_with("Am ")) && attribution(&two) && line.len() < 200)
    {
        return true;
    }
    // Outlook's header block: "From:/Von:" followed by "Sent:/Gesendet:/Date:/Datum:" and
    // "To:/An:" or "Subject:/Betreff:" within the next lines (optionally after a rule line).
    let rule = line.len() >= 10 && line.chars().all(|c| c == '_');
    if rule {
        return lines.get(i + 1).is_some_and(|n| is_from_line(n.trim()));
    }
    if is_from_line(line) {
        let next: Vec<String> = lines[i + 1..].iter().take(5).map(|l| l.trim().to_lowercase()).collect();
        let has = |keys: &[&str]| next.iter().any(|l| keys.iter().any(|k| l.starts_with(k)));
        return has(&["sent:", "gesendet:", "date:", "datum:"]) && has(&["to:", "an:", "subject:", "betreff:"]);
    }
    false
}

fn is_from_line(line: &str) -> bool {
    let l = line.trim_start_matches('*').to_lowercase();
    l.starts_with("from:") || l.starts_with("von:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_trimmed_to_the_new_text() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "thunderbird de",
                "Danke, geht wieder.\n\nAm 01.12.26 um 10:00 schrieb Kundenportal:\n> Neue Antwort\n> zu Ticket",
                "Danke, geht wieder.",
            ),
            (
                "gmail de wrapped",
                "Passt.\n\nAm Mo., 1. Dez. 2026 um 10:00 Uhr schrieb Kundenportal <\nsupport@portal.example>:\n\n> alt",
                "Passt.",
            ),
            (
                "gmail en",
                "Works now, thanks!\n\nOn Mon, Dec 1, 2026 at 10:00 AM Kundenportal <support@portal.example> wrote:\n> old",
                "Works now, thanks!",
            ),
            (
                "apple mail en",
                "Yes.\n\n> On 1. Dec 2026, at 10:00, Kundenportal <support@portal.example> wrote:\n> \n> old",
                "Yes.",
            ),
            (
                "outlook de",
                "Hallo,\nanbei das Foto.\n\n-----Ursprüngliche Nachricht-----\nVon: Kundenportal\nGesendet: Montag\nAn: Anna\nBetreff: x",
                "Hallo,\nanbei das Foto.",
            ),
            (
                "outlook en",
                "See below.\n\n-----Original Message-----\nFrom: Kundenportal\nSent: Monday\nTo: Anna\nSubject: x",
                "See below.",
            ),
            (
                "outlook header block without rule",
                "Erledigt.\n\n________________________________\nVon: Kundenportal <support@portal.example>\nGesendet: Montag, 1. Dezember 2026 10:00\nAn: Anna\nBetreff: x\n\nalt",
                "Erledigt.",
            ),
            (
                "outlook from block en",
                "Done.\n\nFrom: Kundenportal <support@portal.example>\nSent: Monday, December 1, 2026 10:00 AM\nTo: Anna\nSubject: x",
                "Done.",
            ),
            ("signature", "Kurz und gut.\n\n-- \nAnna Beispiel\nTel. 0123", "Kurz und gut."),
            ("mobile footer", "Ok\n\nVon meinem iPhone gesendet", "Ok"),
            (
                "interleaved quotes keep the new lines",
                "> Frage 1?\nAntwort 1\n> Frage 2?\nAntwort 2",
                "Antwort 1\nAntwort 2",
            ),
            ("only a quote keeps everything", "> alles zitiert", "> alles zitiert"),
            ("a From: in running text stays", "From: me, with love\nno header block", "From: me, with love\nno header block"),
            ("blank runs", "\n\nA\n\n\n\nB\n\n", "A\n\nB"),
        ];
        for (name, input, want) in cases {
            assert_eq!(trim_reply(input), *want, "{name}");
        }
    }

    #[test]
    fn ticket_numbers_in_subjects_and_thread_ids() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Re: [Ticket 2026-00042] Drucker", Some("2026-00042")),
            ("AW: [2026-00042] Drucker", Some("2026-00042")),
            ("[ticket #2026-123456] x", Some("2026-123456")),
            ("[extern] [2026-00007]", Some("2026-00007")),
            ("Drucker 2026-00042", None),
            ("[2026-42] kurz", None),
            ("[Ticket 2026-00042", None),
            ("[ü] [2026-00001]", Some("2026-00001")),
        ];
        for (subject, want) in cases {
            assert_eq!(ticket_in_subject(subject).as_deref(), *want, "{subject}");
        }
        assert_eq!(ticket_in_thread_id("ticket-2026-00042@portal.example").as_deref(), Some("2026-00042"));
        assert_eq!(ticket_in_thread_id("abc.2026-00042@portal.example"), None);
    }

    fn msg(head: &str, body: &str) -> Vec<u8> {
        format!("{head}\r\n\r\n{body}").replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
    }

    #[test]
    fn machines_are_recognised() {
        let base = "From: Anna <anna@example.com>\nTo: support@portal.example\nSubject: x\nMessage-ID: <1@x>";
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            ("Auto-Submitted: no", None),
            ("Auto-Submitted: auto-replied", Some("auto-reply")),
            ("Auto-Submitted: auto-generated; owner-email=x@y", Some("auto-reply")),
            ("X-Autoreply: yes", Some("auto-reply")),
            ("X-Autorespond: Abwesend", Some("auto-reply")),
            ("Precedence: bulk", Some("bulk")),
            ("Precedence: List", Some("bulk")),
            ("Precedence: first-class", None),
            ("Return-Path: <>", Some("bounce")),
            ("Return-Path: < >", Some("bounce")),
            ("Return-Path: <anna@example.com>", None),
        ];
        for (extra, want) in cases {
            let head = if extra.is_empty() { base.to_string() } else { format!("{base}\n{extra}") };
            let m = parse(&msg(&head, "Hallo")).unwrap();
            assert_eq!(m.automatic, *want, "{extra}");
        }
        let daemon = msg("From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nSubject: Undelivered", "x");
        assert_eq!(parse(&daemon).unwrap().automatic, Some("bounce"));
        let both = msg("From: MAILER-DAEMON@mx.example.com\nAuto-Submitted: auto-replied\nSubject: x", "x");
        assert_eq!(parse(&both).unwrap().automatic, Some("bounce"), "a bounce is a bounce first");
        let postmaster = msg("From: postmaster@example.com\nSubject: x", "x");
        assert_eq!(parse(&postmaster).unwrap().automatic, Some("bounce"));
    }

    #[test]
    fn unreadable_messages_say_why() {
        let cases: &[(&[u8], Unreadable)] = &[
            (b"", Unreadable::Empty),
            (b"  \r\n\r\n", Unreadable::Empty),
            (b"Hello there, this is not a mail\r\n", Unreadable::NotAMessage),
            (b"\x00\x01\x02binary", Unreadable::NotAMessage),
            (b"Subject: no sender\r\n\r\nbody", Unreadable::NotAMessage),
            (b"From: a@example.com\r\nSubject: cut in the he", Unreadable::Truncated),
            (
                b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHallo\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x",
                Unreadable::Truncated,
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(raw).err(), Some(*want), "{:?}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn a_multipart_mail_gives_text_ids_and_files() {
        let raw = msg(
            "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <Juergen.Mueller@Example.COM>\nSubject: =?UTF-8?B?RHJ1Y2tlciDDvGJlcmhpdHp0?=\nMessage-ID: <abc@mx.example.com>\nIn-Reply-To: <n1.2026-00042@portal.example>\nReferences: <ticket-2026-00042@portal.example> <n1.2026-00042@portal.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"",
            "--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n--inner\nContent-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe =80\n\nAm 01.12.26 um 10:00 schrieb X:\n> alt\n--inner\nContent-Type: text/html\n\n<p>Gr&uuml;&szlig;e</p>\n--inner--\n--outer\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--outer--\n",
        );
        let m = parse(&raw).unwrap();
        assert_eq!(m.from_addr, "juergen.mueller@example.com");
        assert_eq!(m.from_name, "Jürgen Müller");
        assert_eq!(m.subject, "Drucker überhitzt");
        assert_eq!(m.message_id.as_deref(), Some("abc@mx.example.com"));
        assert_eq!(m.references, ["n1.2026-00042@portal.example", "ticket-2026-00042@portal.example"]);
        assert_eq!(m.text, "Grüße €");
        assert_eq!(m.automatic, None);
        assert_eq!(m.attachments.len(), 1, "{:?}", m.attachments);
        assert_eq!(m.attachments[0].name, "Rechnung März.pdf");
        assert_eq!(m.attachments[0].media_type, "application/pdf");
        assert_eq!(m.attachments[0].data, b"%PDF-1.4\n");
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = msg(
            "From: anna@example.com\nSubject: html\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable",
            "<html><body><p>Hallo,</p><p>der Drucker l=E4uft <b>wieder</b>.</p><div>Am 01.12.26 um 10:00 schrieb X:</div><blockquote>alt</blockquote></body></html>",
        );
        let m = parse(&raw).unwrap();
        assert!(m.text.contains("Hallo,"), "{:?}", m.text);
        assert!(m.text.contains("der Drucker läuft wieder."), "{:?}", m.text);
        assert!(!m.text.contains("alt"), "{:?}", m.text);
        assert!(!m.text.contains('<') && !m.text.contains('>'), "{:?}", m.text);
    }
}
