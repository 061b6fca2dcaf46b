//! E-mail through the `lettre` crate: `message` builds a notification with lettre's message
//! builder, `relay` hands the stored text to the SMTP relay with lettre's `SmtpTransport`. No
//! protocol code of our own lives here, only policy: which addresses we send to, which headers
//! a mail carries, which refusals are final. Pure of the database and of HTTP; `app::notify`
//! decides who gets what.

pub mod imap;
pub mod inbound;
pub mod message;
pub mod relay;

use std::path::PathBuf;

use serde::Deserialize;

/// `[smtp] security`: STARTTLS required, implicit TLS, or plain SMTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

/// The `[smtp]` section. Its shape belongs to the mail side; `config` embeds it and checks it
/// with [`is_sendable_address`] and [`relay::check_ca_file`], so `config` imports `mail` and
/// never the reverse.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<SmtpSecurity>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    /// Seconds to wait for the relay at each step (connect, each reply); default 60.
    pub timeout_seconds: Option<u64>,
    /// PEM file with the CA certificate(s) of a relay with a private CA, trusted besides the
    /// compiled-in Mozilla roots; relative to the config file.
    pub ca_file: Option<PathBuf>,
}

/// `[inbound]`: mail in. `ticketd mail receive` needs none of it; IMAP polling runs in the
/// server when `imap_host` is set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Inbound {
    /// The address customers write to; notifications carry it as `Reply-To`.
    pub address: Option<String>,
    pub imap_host: Option<String>,
    pub imap_port: u16,
    pub imap_security: ImapSecurity,
    pub imap_username: Option<String>,
    pub imap_password: Option<String>,
    pub imap_folder: String,
    pub poll_seconds: u64,
    /// `seen`, `delete` or `move:<folder>`; see [`AfterImport`].
    pub after_import: AfterImport,
    /// PEM file with CA certificate(s) of a server with a private CA; relative to the config file.
    pub ca_file: Option<PathBuf>,
    /// Held mail older than this many days is purged.
    pub hold_days: u64,
    /// Mails from one address per hour that are imported; more are held.
    pub max_per_sender_per_hour: u32,
}

impl Default for Inbound {
    fn default() -> Self {
        Inbound {
            address: None,
            imap_host: None,
            imap_port: 993,
            imap_security: ImapSecurity::Tls,
            imap_username: None,
            imap_password: None,
            imap_folder: "INBOX".into(),
            poll_seconds: 60,
            after_import: AfterImport::Seen,
            ca_file: None,
            hold_days: 30,
            max_per_sender_per_hour: 30,
        }
    }
}

/// `[inbound] imap_security`: implicit TLS (port 993) or STARTTLS (port 143).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapSecurity {
    Tls,
    Starttls,
}

/// `[inbound] after_import`: what happens to a message in the mailbox once its import committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterImport {
    Seen,
    Delete,
    Move(String),
}

impl<'de> Deserialize<'de> for AfterImport {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "seen" => Ok(AfterImport::Seen),
            "delete" => Ok(AfterImport::Delete),
            _ => match s.strip_prefix("move:") {
                Some(folder) if !folder.trim().is_empty() => Ok(AfterImport::Move(folder.trim().to_string())),
                _ => Err(serde::de::Error::custom(format!(
                    "expected \"seen\", \"delete\" or \"move:<folder>\", got {s:?}"
                ))),
            },
        }
    }
}

/// A name and an address, as in `From:` and `To:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    pub addr: String,
}

impl Mailbox {
    pub fn new(name: &str, addr: &str) -> Mailbox {
        Mailbox { name: name.to_string(), addr: addr.trim().to_string() }
    }
}

/// Can this address go into `MAIL FROM`/`RCPT TO` and a header as it is? ASCII only (no
/// SMTPUTF8), one `@`, no spaces, angle brackets, quotes or control characters.
pub fn is_sendable_address(addr: &str) -> bool {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    let ok_char = |c: char| c.is_ascii_graphic() && !"<>()[]\\,;:\"@".contains(c);
    !local.is_empty()
        && !domain.is_empty()
        && addr.len() <= 254
        && local.chars().all(ok_char)
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// The part after the `@`, for `Message-ID`s, the thread root and `EHLO`.
pub fn domain_of(addr: &str) -> &str {
    addr.rsplit_once('@').map(|(_, d)| d).filter(|d| !d.is_empty()).unwrap_or("localhost")
}

/// Windows-1252 bytes as text, through mail-parser's charset tables (no table of our own): the
/// customer import reads spreadsheets saved as "CSV" by Excel on Windows.
pub fn windows_1252(bytes: &[u8]) -> String {
    match mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252") {
        Some(decode) => decode(bytes),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sendable_addresses() {
        for ok in ["a@example.com", "anna.beispiel+x@mail.example.org", "x_y@a-b.de"] {
            assert!(is_sendable_address(ok), "{ok}");
        }
        for bad in [
            "",
            "no-at",
            "@example.com",
            "a@",
            "a b@example.com",
            "a@exa mple.com",
            "müller@example.com",
            "a@bü.de",
            "a>@x.de",
            "a@x.de\r\nRCPT TO:<b@y.de>",
            "a@.x",
        ] {
            assert!(!is_sendable_address(bad), "{bad:?}");
        }
        assert_eq!(domain_of("support@portal.example"), "portal.example");
        assert_eq!(domain_of("nothing"), "localhost");
    }
}
