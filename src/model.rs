//! Domain vocabulary: newtypes, enums and their parsing, and the plain data that layers hand
//! each other (query shapes, rows, page view models, submitted forms). No I/O here; `model`
//! imports nothing of the crate but `i18n`, `clock` and `error` (see tests/it/layers.rs).

use std::fmt;

use crate::i18n::{m, Msg};

mod api;
pub mod contingents;
mod field;
mod form;
mod import;
mod inbox;
mod pages;
mod query;
mod records;
mod table;
mod timeline;

pub use api::{ApiScope, ApiToken};
pub use field::{field_shown, Field, FieldOption, FieldType, ShowWhen, Text};
pub use form::{push_url_encoded, url_encode, Form};
pub use import::{ImportAction, ImportLine, ImportReport, LineError};
pub use inbox::{HeldMail, MailSender};
pub use pages::{
    AuditPage, CallerCard, CustomerPage, Detail, Overview, Queue, Revealed, Statement, TicketPeople, TicketWork,
    TimelinePage, Verdict, Verification,
};
pub use query::{AuditQuery, Deferral, ListRead, QueueTab, Scope, Sort, SortKey, TicketQuery};
pub use records::{AuditRow, MailState, OutboxRow, Snippet, TicketDetail, TicketPage, TimeEntry, WebhookRow};
pub use table::{SummaryRef, SummaryRows, TableRows};
pub use timeline::{ActivityFields, ActivityRef, ActivityRows, ActivityRowsBuilder};

/// A ticket number as people see it: `YYYY-NNNNN`, a sequence per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketNo {
    pub year: i32,
    pub seq: i64,
}

impl TicketNo {
    pub fn parse(s: &str) -> Option<TicketNo> {
        let (y, n) = s.split_once('-')?;
        if y.len() != 4 || n.len() < 5 || n.len() > 9 {
            return None;
        }
        if !y.bytes().all(|b| b.is_ascii_digit()) || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let seq: i64 = n.parse().ok()?;
        if seq == 0 || (n.len() > 5 && n.starts_with('0')) {
            return None;
        }
        Some(TicketNo { year, seq })
    }
}

impl fmt::Display for TicketNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:05}", self.year, self.seq)
    }
}

/// A customer number: what the contractor's CRM uses, letters, digits, `-`, `_`, `.`, `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerNo(String);

impl CustomerNo {
    pub fn parse(s: &str) -> Option<CustomerNo> {
        let s = s.trim();
        let ok = !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
        ok.then(|| CustomerNo(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The next free customer number after `pattern` (a customer number whose trailing digits
/// count: `"K-10001"`), given the existing numbers: one more than the highest with the same
/// prefix and digits only after it, at least the pattern's own number, zero-padded to its
/// width. `None` when the pattern has no trailing digits or is no valid customer number.
pub fn next_customer_no<'a>(pattern: &str, existing: impl Iterator<Item = &'a str>) -> Option<String> {
    CustomerNo::parse(pattern)?;
    let digits = pattern.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let (prefix, first) = pattern.split_at(pattern.len() - digits);
    let first: u64 = first.parse().ok()?;
    let highest = existing
        .filter_map(|no| no.strip_prefix(prefix))
        .filter(|rest| !rest.is_empty() && rest.len() <= 18 && rest.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|rest| rest.parse::<u64>().ok())
        .max();
    let n = match highest {
        Some(h) if h >= first => h + 1,
        _ => first,
    };
    let next = format!("{prefix}{n:0digits$}");
    CustomerNo::parse(&next).map(|_| next)
}

impl fmt::Display for CustomerNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! str_enum {
    ($name:ident { $($variant:ident = $s:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$variant),)* _ => None }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(Status { Open = "open", InProgress = "in_progress", Waiting = "waiting", Closed = "closed" });
str_enum!(Priority { Low = "low", Normal = "normal", High = "high", Urgent = "urgent" });
str_enum!(ActivityKind {
    Message = "message",
    InternalNote = "internal_note",
    Call = "call",
    Email = "email",
    Status = "status",
    Priority = "priority",
    Assignee = "assignee",
    Document = "document",
    Field = "field",
});
str_enum!(AuthorKind { Customer = "customer", Staff = "staff", System = "system" });
str_enum!(Role { Agent = "agent", Admin = "admin" });
str_enum!(ContactRole { Member = "member", Manager = "manager" });

impl Status {
    /// How a customer reads the status.
    pub fn label(self) -> Msg {
        match self {
            Status::Open => m::STATUS_OPEN,
            Status::InProgress => m::STATUS_IN_PROGRESS,
            Status::Waiting => m::STATUS_WAITING,
            Status::Closed => m::STATUS_CLOSED,
        }
    }

    /// How staff read the status.
    pub fn staff_label(self) -> Msg {
        match self {
            Status::Waiting => m::STATUS_WAITING_STAFF,
            s => s.label(),
        }
    }
}

impl Priority {
    pub fn label(self) -> Msg {
        match self {
            Priority::Low => m::PRIO_LOW,
            Priority::Normal => m::PRIO_NORMAL,
            Priority::High => m::PRIO_HIGH,
            Priority::Urgent => m::PRIO_URGENT,
        }
    }
}

impl ActivityKind {
    pub fn label(self) -> Msg {
        match self {
            ActivityKind::Message => m::KIND_MESSAGE,
            ActivityKind::InternalNote => m::KIND_INTERNAL_NOTE,
            ActivityKind::Call => m::KIND_CALL,
            ActivityKind::Email => m::KIND_EMAIL,
            ActivityKind::Status => m::KIND_STATUS,
            ActivityKind::Priority => m::KIND_PRIORITY,
            ActivityKind::Assignee => m::KIND_ASSIGNEE,
            ActivityKind::Document => m::KIND_DOCUMENT,
            ActivityKind::Field => m::KIND_FIELD,
        }
    }

    /// Internal activities are never shown to, counted for, or searchable by customers.
    pub fn is_internal(self) -> bool {
        matches!(self, ActivityKind::InternalNote | ActivityKind::Assignee)
    }
}

/// The activity filter of a ticket view (`kind` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindFilter {
    All,
    Message,
    Call,
    Email,
    Document,
}

impl KindFilter {
    pub const ALL: &'static [KindFilter] =
        &[KindFilter::All, KindFilter::Message, KindFilter::Call, KindFilter::Email, KindFilter::Document];

    /// Unknown or empty values mean "all", so a hand-edited URL still shows the ticket.
    pub fn parse(s: Option<&str>) -> KindFilter {
        match s.unwrap_or("") {
            "message" => KindFilter::Message,
            "call" => KindFilter::Call,
            "email" => KindFilter::Email,
            "document" => KindFilter::Document,
            _ => KindFilter::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KindFilter::All => "all",
            KindFilter::Message => "message",
            KindFilter::Call => "call",
            KindFilter::Email => "email",
            KindFilter::Document => "document",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            KindFilter::All => m::KIND_ALL,
            KindFilter::Message => m::KIND_MESSAGES,
            KindFilter::Call => m::KIND_CALLS,
            KindFilter::Email => m::KIND_EMAILS,
            KindFilter::Document => m::KIND_DOCUMENTS,
        }
    }
}

/// The overview's status filter (`status` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Open,
    Closed,
}

impl StatusFilter {
    pub fn parse(s: Option<&str>) -> StatusFilter {
        match s.unwrap_or("") {
            "open" => StatusFilter::Open,
            "closed" => StatusFilter::Closed,
            _ => StatusFilter::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Open => "open",
            StatusFilter::Closed => "closed",
        }
    }
}

/// A `YYYYMM` month key as stored with each ticket (local time of the configured zone).
pub fn month_key(year: i32, month: u8) -> i64 {
    i64::from(year) * 100 + i64::from(month)
}

/// "1 h 30 min", "45 min", "0 min": how time spent reads in German and English alike.
pub fn format_minutes(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Normalises an e-mail address for lookup: trimmed, lower case.
pub fn normalize_email(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A plausible e-mail address: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn is_plausible_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
                && !domain.contains('@')
                && s.len() <= 254
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_customer_numbers_count_up_from_the_pattern() {
        use super::next_customer_no as next;
        let none: [&str; 0] = [];
        assert_eq!(next("K-10001", none.iter().copied()).as_deref(), Some("K-10001"));
        assert_eq!(next("K-10001", ["K-10001", "K-10007", "X-99999", "K-1x"].into_iter()).as_deref(), Some("K-10008"));
        assert_eq!(next("K-10001", ["K-00005"].into_iter()).as_deref(), Some("K-10001"));
        assert_eq!(next("00042", ["00042", "123"].into_iter()).as_deref(), Some("00124"));
        assert_eq!(next("K-", none.iter().copied()), None);
        assert_eq!(next("K 1", none.iter().copied()), None);
    }

    use super::*;

    #[test]
    fn snippet_placeholders_fill_in_once() {
        let v = PlaceholderValues { customer: "Anna {ticket}", ticket: "2026-00042", subject: "Drucker", agent: "Bob" };
        assert_eq!(
            fill_placeholders("Hallo {kunde}, zu {ticket} ({betreff}): {x} {customer} – {agent}/{mitarbeiter} {", &v),
            "Hallo Anna {ticket}, zu 2026-00042 (Drucker): {x} Anna {ticket} – Bob/Bob {"
        );
    }

    #[test]
    fn ticket_numbers_round_trip() {
        for (s, ok) in [
            ("2026-00042", true),
            ("2026-123456", true),
            ("2026-0042", false),
            ("2026-00000", false),
            ("2026-042000", false),
            ("26-00042", false),
            ("2026-0004a", false),
            ("2026_00042", false),
            ("", false),
        ] {
            let parsed = TicketNo::parse(s);
            assert_eq!(parsed.is_some(), ok, "{s}");
            if let Some(t) = parsed {
                assert_eq!(t.to_string(), s);
            }
        }
    }

    #[test]
    fn customer_numbers() {
        assert!(CustomerNo::parse("10012").is_some());
        assert!(CustomerNo::parse("K-100/2").is_some());
        assert!(CustomerNo::parse("").is_none());
        assert!(CustomerNo::parse("a b").is_none());
        assert!(CustomerNo::parse("<x>").is_none());
    }

    #[test]
    fn minutes_format() {
        assert_eq!(format_minutes(0), "0 min");
        assert_eq!(format_minutes(45), "45 min");
        assert_eq!(format_minutes(60), "1 h");
        assert_eq!(format_minutes(135), "2 h 15 min");
    }

    #[test]
    fn emails() {
        assert!(is_plausible_email("anna@alpha.example"));
        assert!(!is_plausible_email("anna@alpha"));
        assert!(!is_plausible_email("anna alpha@x.de"));
        assert!(!is_plausible_email("@x.de"));
    }

    #[test]
    fn a_sessions_person_decides_the_scope() {
        let contact = |role| Contact {
            id: 7,
            customer_id: 3,
            name: "Mia".into(),
            email: "mia@x.example".into(),
            phone: String::new(),
            role,
            active: true,
            language: None,
            notify: true,
            has_password: true,
            created_at: 0,
        };
        let mut c = Customer {
            id: 3,
            customer_no: "10012".into(),
            name: "Alpha GmbH".into(),
            email: "info@alpha.example".into(),
            phone: String::new(),
            active: true,
            language: None,
            created_at: 0,
            contact: None,
        };
        assert!(matches!(c.scope(), Scope::Customer(3)));
        assert_eq!((c.person_name(), c.contact_id(), c.sees_all()), ("Alpha GmbH", None, true));
        c.contact = Some(Box::new(contact(ContactRole::Manager)));
        assert!(matches!(c.scope(), Scope::Customer(3)));
        assert!(c.sees_all());
        c.contact = Some(Box::new(contact(ContactRole::Member)));
        assert!(matches!(c.scope(), Scope::Member { customer: 3, contact: 7 }));
        assert_eq!((c.person_name(), c.contact_id(), c.sees_all()), ("Mia", Some(7), false));
        assert_eq!(c.scope().customer_id(), Some(3));
        assert!(c.scope().is_customer() && !Scope::Staff.is_customer());
    }

    #[test]
    fn enums_parse_their_own_names() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(*k));
        }
        assert!(ActivityKind::InternalNote.is_internal());
        assert!(!ActivityKind::Message.is_internal());
    }
}

// ---------------------------------------------------------------------------------------
// Records: plain data read from the database and handed to views. No behaviour with I/O.

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: i64,
    pub customer_no: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
    pub language: Option<crate::i18n::Lang>,
    pub created_at: i64,
    /// The person logged in, when this customer came from a contact's session; `None` for the
    /// main account, and wherever a customer is read as a record. Scoping reads it
    /// ([`Customer::scope`]), so a customer taken from a session carries its person along.
    pub contact: Option<Box<Contact>>,
}

impl Customer {
    /// What this customer's session may see: the main account and managers every ticket of the
    /// company, a member only the tickets they opened or were added to.
    pub fn scope(&self) -> Scope {
        match &self.contact {
            Some(c) if c.role == ContactRole::Member => Scope::Member { customer: self.id, contact: c.id },
            _ => Scope::Customer(self.id),
        }
    }

    /// The logged-in contact's id (`None`: the main account).
    pub fn contact_id(&self) -> Option<i64> {
        self.contact.as_ref().map(|c| c.id)
    }

    /// Who is acting, as activities and the audit log name them: the contact's name, or the
    /// company's.
    pub fn person_name(&self) -> &str {
        self.contact.as_ref().map(|c| c.name.as_str()).unwrap_or(&self.name)
    }

    /// The main account or a manager: may manage the company's contacts and sees every ticket.
    pub fn sees_all(&self) -> bool {
        self.contact.as_ref().is_none_or(|c| c.role == ContactRole::Manager)
    }
}

/// A person of a customer with their own login by e-mail (schema 0014).
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: ContactRole,
    pub active: bool,
    pub language: Option<crate::i18n::Lang>,
    pub notify: bool,
    /// A password is set (an invited contact has none until they choose one).
    pub has_password: bool,
    pub created_at: i64,
}

impl ContactRole {
    pub fn label(self) -> Msg {
        match self {
            ContactRole::Member => m::CONTACT_ROLE_MEMBER,
            ContactRole::Manager => m::CONTACT_ROLE_MANAGER,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub language: Option<crate::i18n::Lang>,
}

/// Who is logged in.
#[derive(Debug, Clone)]
pub enum Principal {
    Customer(Customer),
    Staff(StaffMember),
}

/// Which login: the customers' portal or the staff workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    Customer,
    Staff,
}

/// What staff may add to a ticket from the composer.
pub const COMPOSER_KINDS: &[ActivityKind] = &[
    ActivityKind::Message,
    ActivityKind::InternalNote,
    ActivityKind::Call,
    ActivityKind::Email,
    ActivityKind::Document,
];

/// A row of an overview or queue.
#[derive(Debug, Clone)]
pub struct TicketSummary {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub customer_no: String,
    pub customer_name: String,
    pub assignee: Option<String>,
    pub created_at: i64,
    pub activity_count: i64,
    pub last_activity_at: i64,
    pub last_activity_kind: ActivityKind,
    pub last_activity_by: String,
    pub minutes: i64,
    /// The follow-up date's instant (local midnight), if one is set.
    pub follow_up_at: Option<i64>,
    /// The latest customer activity, if the customer has written at all.
    pub customer_activity_at: Option<i64>,
    /// Customer activity the viewing staff member has not seen (staff lists only).
    pub unread: bool,
}

/// The placeholders of text snippets: each German and English spelling, and what it becomes.
pub const SNIPPET_PLACEHOLDERS: &[(&str, &str, Msg)] = &[
    ("{kunde}", "{customer}", m::PLACEHOLDER_CUSTOMER),
    ("{ticket}", "{ticket}", m::PLACEHOLDER_TICKET),
    ("{betreff}", "{subject}", m::PLACEHOLDER_SUBJECT),
    ("{agent}", "{mitarbeiter}", m::PLACEHOLDER_AGENT),
];

/// What snippet placeholders become on one ticket.
pub struct PlaceholderValues<'a> {
    pub customer: &'a str,
    pub ticket: &'a str,
    pub subject: &'a str,
    pub agent: &'a str,
}

/// A snippet's text with its placeholders filled in; unknown `{…}` stay as they are.
pub fn fill_placeholders(text: &str, v: &PlaceholderValues) -> String {
    let values = [v.customer, v.ticket, v.subject, v.agent];
    // One pass, so a value that happens to contain "{ticket}" is not replaced again.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        for ((de, en, _), value) in SNIPPET_PLACEHOLDERS.iter().zip(values) {
            for key in [de, en] {
                if let Some(after) = tail.strip_prefix(key) {
                    out.push_str(value);
                    rest = after;
                    continue 'scan;
                }
            }
        }
        out.push('{');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// One entry of a ticket's history.
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: i64,
    pub kind: ActivityKind,
    pub internal: bool,
    pub author_kind: AuthorKind,
    pub author_name: String,
    /// The customer's contact who wrote it (`None`: the main account, staff or the system).
    pub contact_id: Option<i64>,
    pub body: String,
    pub minutes: i64,
    pub email_from: Option<String>,
    pub email_to: Option<String>,
    pub email_subject: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub created_at: i64,
}

/// A file attached to an activity.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: i64,
    pub activity_id: Option<i64>,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: Option<String>,
    pub previewable: bool,
    pub uploader_kind: AuthorKind,
    pub uploader_name: String,
    pub created_at: i64,
}

/// A file name as display text: the last path component, without control characters or
/// bidirectional overrides, at most 255 characters; "unnamed" when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .filter(
            |c| !matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'),
        )
        .take(255)
        .collect();
    // Dots and spaces in any order at the front ("..  .htaccess"), so no hidden file comes out.
    let trimmed = cleaned.trim_start_matches(|c: char| c == '.' || c.is_whitespace()).trim_end();
    if trimmed.is_empty() {
        "unnamed".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The raster image type whose magic bytes `head` starts with, if any: only these are ever
/// shown inline.
pub fn sniff_raster_image(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// "1,2 MB" / "1.2 MB" style sizes.
pub fn format_size(bytes: i64, lang: crate::i18n::Lang) -> String {
    let (unit, name) = match bytes {
        b if b < 1024 => return format!("{b} B"),
        b if b < 1024 * 1024 => (1024_i128, "KB"),
        b if b < 1024 * 1024 * 1024 => (1024 * 1024, "MB"),
        _ => (1024 * 1024 * 1024, "GB"),
    };
    // Tenths in integers, rounded half to even as `format!("{:.1}")` rounds the exact quotient
    // (bytes over a power of two is exact in binary): no float formatting per page.
    let scaled = i128::from(bytes) * 10;
    let (mut tenths, rest) = (scaled / unit, scaled % unit);
    if rest * 2 > unit || (rest * 2 == unit && tenths % 2 == 1) {
        tenths += 1;
    }
    let sep = match lang {
        crate::i18n::Lang::De => ',',
        crate::i18n::Lang::En => '.',
    };
    format!("{}{sep}{} {name}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod attachment_tests {
    use super::*;

    #[test]
    fn hostile_names_become_display_text() {
        for (raw, want) in [
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\x\\bericht.pdf", "bericht.pdf"),
            ("a\r\nb\u{0}.txt", "ab.txt"),
            ("evil\u{202E}fdp.exe", "evilfdp.exe"),
            ("", "unnamed"),
            ("...", "unnamed"),
            ("\"quoted\".txt", "\"quoted\".txt"),
            // found by `fuzz/fuzz_targets/file_name.rs`: was ".htaccess"
            ("..  .htaccess", "htaccess"),
            (" . .x", "x"),
        ] {
            assert_eq!(clean_file_name(raw), want, "{raw:?}");
        }
        assert_eq!(clean_file_name(&"x".repeat(1000)).chars().count(), 255);
    }

    #[test]
    fn sizes_read_as_the_float_formatting_read_them() {
        let float = |bytes: i64, lang: crate::i18n::Lang| {
            let (value, unit) = match bytes {
                b if b < 1024 => return format!("{b} B"),
                b if b < 1024 * 1024 => (b as f64 / 1024.0, "KB"),
                b if b < 1024 * 1024 * 1024 => (b as f64 / (1024.0 * 1024.0), "MB"),
                b => (b as f64 / (1024.0 * 1024.0 * 1024.0), "GB"),
            };
            let s = format!("{value:.1}");
            match lang {
                crate::i18n::Lang::De => format!("{} {unit}", s.replace('.', ",")),
                crate::i18n::Lang::En => format!("{s} {unit}"),
            }
        };
        let mut x: i64 = 1;
        let mut cases = vec![0, 1, 1023, 1024, 1075, 1126, 1127, 2304, 2355, 10 << 20, (25 << 20) + (1 << 19), 1 << 40];
        for _ in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            cases.push((x >> 20).rem_euclid(1 << (x.rem_euclid(40) + 1)));
        }
        for b in cases {
            for lang in [crate::i18n::Lang::De, crate::i18n::Lang::En] {
                assert_eq!(format_size(b, lang), float(b, lang), "{b}");
            }
        }
    }

    #[test]
    fn raster_images_are_sniffed_by_bytes() {
        assert_eq!(sniff_raster_image(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_raster_image(b"<svg xmlns"), None);
        assert_eq!(sniff_raster_image(b"RIFF0000WEBPVP8 "), Some("image/webp"));
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(512, crate::i18n::Lang::De), "512 B");
        assert_eq!(format_size(1536, crate::i18n::Lang::De), "1,5 KB");
        assert_eq!(format_size(1536, crate::i18n::Lang::En), "1.5 KB");
    }
}
