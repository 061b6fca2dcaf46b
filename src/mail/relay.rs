//! Handing a stored message to the SMTP relay with lettre's synchronous `SmtpTransport`: one
//! connection per mail, `EHLO` with the domain of `from`, `STARTTLS` required (`starttls`) or
//! implicit TLS (`tls`) through rustls with ring, checked against the compiled-in Mozilla roots
//! plus the certificates of `[smtp] ca_file`; `AUTH PLAIN`/`LOGIN` when a username is set;
//! every step under `timeout_seconds`. Ours are only the settings, which failures are final
//! ([`SendError::permanent`], from lettre's own classification) and how they read.

use std::error::Error as _;
use std::fmt;
use std::io;
use std::path::Path;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::Error as SmtpError;
use lettre::{Address, SmtpTransport, Transport};

use super::{domain_of, is_sendable_address, Smtp, SmtpSecurity};

/// Where and how to deliver, resolved from `[smtp]` once.
#[derive(Clone)]
pub struct Relay {
    transport: SmtpTransport,
    host: String,
    port: u16,
    security: SmtpSecurity,
    timeout: Duration,
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the credentials.
        write!(f, "Relay({}:{}, {:?})", self.host, self.port, self.security)
    }
}

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// The relay refused this message for good (a 5xx reply other than to the login), or it
    /// can never be addressed; retrying is pointless. Everything else (no connection, timeouts,
    /// TLS, 4xx, a refused login) may pass.
    pub permanent: bool,
    pub message: String,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SendError {}

impl Relay {
    /// Defaults: `starttls` on port 587; `tls` 465; `none` 25. The password comes from the
    /// config or, when absent there, from `TICKETD_SMTP_PASSWORD`. Fails only when `ca_file`
    /// cannot be read (validation already checked it at start).
    pub fn from_config(s: &Smtp) -> Result<Relay, String> {
        let security = s.security.unwrap_or(SmtpSecurity::Starttls);
        let port = s.port.unwrap_or(match security {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        });
        let host = s.host.trim().to_string();
        let tls = match security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::Starttls => Tls::Required(tls_parameters(&host, s.ca_file.as_deref())?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(&host, s.ca_file.as_deref())?),
        };
        let timeout = Duration::from_secs(s.timeout_seconds.unwrap_or(60).max(1));
        let mut builder = SmtpTransport::builder_dangerous(host.as_str())
            .port(port)
            .tls(tls)
            .hello_name(ClientId::Domain(domain_of(s.from.trim()).to_string()))
            .timeout(Some(timeout));
        if let Some(user) = s.username.as_ref().filter(|u| !u.is_empty()) {
            let password = s.password.clone().or_else(|| std::env::var("TICKETD_SMTP_PASSWORD").ok());
            builder = builder.credentials(Credentials::new(user.clone(), password.unwrap_or_default()));
        }
        Ok(Relay { transport: builder.build(), host, port, security, timeout })
    }

    /// Delivers one message; `Ok` carries the relay's answer to the data (`250 …`), which
    /// means it took responsibility for the message.
    pub fn send(&self, from: &str, to: &str, message: &str) -> Result<String, SendError> {
        let envelope = envelope(from, to).map_err(|message| SendError { permanent: true, message })?;
        match self.transport.send_raw(&envelope, message.as_bytes()) {
            Ok(reply) => Ok(format!("{} {}", reply.code(), reply.message().collect::<Vec<_>>().join(" "))),
            Err(e) => Err(self.describe(&e)),
        }
    }

    /// lettre's classification decides retries; the text is what admins read on `/admin/outbox`.
    fn describe(&self, e: &SmtpError) -> SendError {
        let (host, port) = (&self.host, self.port);
        let detail = e.source().map(|s| s.to_string()).unwrap_or_default();
        let message = match (e.status(), io_kind(e)) {
            // A refusal: the relay's own words, e.g. `550 5.1.1 no such mailbox`.
            (Some(code), _) => format!("{code} {detail}"),
            (None, Some(io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)) => {
                format!("relay {host}:{port}: no answer within {} s", self.timeout.as_secs())
            }
            // Only a connection attempt can be refused or find no route.
            (None, Some(k)) if CONNECT_FAILURES.contains(&k) => format!("connect to {host}:{port}: {detail}"),
            (None, _) => format!("relay {host}:{port}: {e}"),
        };
        // lettre's classification, except that a refused login (RFC 4954: 530, 534, 535, 538)
        // is about our settings, not this mail: it waits with back-off until an admin fixes them.
        let login = e.status().is_some_and(|code| matches!(u16::from(code), 530 | 534 | 535 | 538));
        SendError { permanent: e.is_permanent() && !login, message }
    }
}

const CONNECT_FAILURES: [io::ErrorKind; 4] = [
    io::ErrorKind::ConnectionRefused,
    io::ErrorKind::HostUnreachable,
    io::ErrorKind::NetworkUnreachable,
    io::ErrorKind::AddrNotAvailable,
];

/// The kind of the I/O error behind a failure, if one is behind it.
fn io_kind(e: &SmtpError) -> Option<io::ErrorKind> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

/// `MAIL FROM` and `RCPT TO`: ASCII addresses only (no SMTPUTF8).
fn envelope(from: &str, to: &str) -> Result<Envelope, String> {
    let parse = |addr: &str| -> Result<Address, String> {
        if !is_sendable_address(addr) {
            return Err(format!("not a deliverable address: {addr:?}"));
        }
        addr.parse().map_err(|e| format!("not a deliverable address {addr:?}: {e}"))
    };
    Envelope::new(Some(parse(from)?), vec![parse(to)?]).map_err(|e| format!("envelope: {e}"))
}

/// TLS settings for `host`: the Mozilla roots, and the certificates in `ca_file` if given.
fn tls_parameters(host: &str, ca_file: Option<&Path>) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(host.to_string()).certificate_store(CertificateStore::WebpkiRoots);
    if let Some(path) = ca_file {
        builder = builder.add_root_certificate(read_ca_file(path)?);
    }
    // Building parses every added certificate as a trust anchor.
    builder.build().map_err(|e| match ca_file {
        Some(p) => format!("{}: not a usable CA certificate: {e}", p.display()),
        None => format!("TLS setup: {e}"),
    })
}

fn read_ca_file(path: &Path) -> Result<Certificate, String> {
    let pem = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // lettre accepts a file without any certificate as an empty list; that is a mistake here.
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    if !pem.windows(BEGIN.len()).any(|w| w == BEGIN) {
        return Err(format!("{}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file", path.display()));
    }
    Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))
}

/// `[smtp] ca_file` as validation sees it: the file exists and every certificate in it is
/// usable as a trust anchor.
pub fn check_ca_file(path: &Path) -> Result<(), String> {
    tls_parameters("localhost", Some(path)).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(port: u16) -> Relay {
        let smtp = Smtp {
            host: "127.0.0.1".into(),
            port: Some(port),
            security: Some(SmtpSecurity::None),
            username: None,
            password: None,
            from: "a@portal.example".into(),
            timeout_seconds: Some(5),
            ca_file: None,
        };
        Relay::from_config(&smtp).unwrap()
    }

    #[test]
    fn no_connection_is_a_transient_error_that_names_the_relay() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = relay(port).send("a@portal.example", "b@example.com", "x").unwrap_err();
        assert!(!e.permanent, "{e}");
        assert!(e.message.starts_with(&format!("connect to 127.0.0.1:{port}: ")), "{e}");
    }

    #[test]
    fn an_undeliverable_address_is_permanent_and_never_reaches_the_relay() {
        // Port 9 (discard) is never contacted: the envelope fails first.
        for (from, to) in
            [("a@portal.example", "müller@example.com"), ("a@portal.example", "a@x.de\r\nRCPT TO:<b@y.de>")]
        {
            let e = relay(9).send(from, to, "x").unwrap_err();
            assert!(e.permanent && e.message.contains("not a deliverable address"), "{e}");
        }
    }

    #[test]
    fn ca_file_must_hold_a_certificate() {
        let dir = std::env::temp_dir().join(format!("ticketd-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.pem");
        assert!(check_ca_file(&missing).unwrap_err().contains("cannot read"));
        let garbage = dir.join("garbage.pem");
        std::fs::write(&garbage, "not a certificate\n").unwrap();
        assert!(check_ca_file(&garbage).unwrap_err().contains("no PEM certificate"));
        let broken = dir.join("broken.pem");
        std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
        assert!(check_ca_file(&broken).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        check_ca_file(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/fixtures/relay-ca.pem"))).unwrap();
    }
}
