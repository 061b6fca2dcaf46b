//! E-mail through the `lettre` crate: `message` builds a notification with lettre's message
//! builder, `relay` hands the stored text to the SMTP relay with lettre's `SmtpTransport`. No
//! protocol code of our own lives here, only policy: which addresses we send to, which headers
//! a mail carries, which refusals are final. Pure of the database and of HTTP; `app::notify`
//! decides who gets what.

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
#[derive(Debug, Clone, Deserialize)]
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
