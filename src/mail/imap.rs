//! Mail in by IMAP: one poll of the contractor's mailbox with the `imap` crate's synchronous
//! client over a rustls stream (ring; the compiled-in Mozilla roots plus `[inbound] ca_file`,
//! as for the SMTP relay). Implicit TLS (`tls`) or `STARTTLS` — never a password in clear.
//!
//! One poll: connect, `LOGIN`, `SELECT imap_folder`, `UID SEARCH UNSEEN UNDELETED`, then per
//! message in UID order `UID FETCH … BODY.PEEK[]` (which sets no flag), hand the bytes to the
//! caller's import, and only when it says the import committed apply `after_import`: `\Seen`;
//! `\Deleted` and expunge; or `\Seen` and `UID MOVE` (without the MOVE extension: `UID COPY`,
//! `\Deleted`, expunge). A connection that breaks anywhere before that leaves the message as it
//! was, and the next poll offers it again — the importer's dedupe (Message-ID, else a hash)
//! makes that second import a no-op, so a message is imported at most once.
//!
//! Pure of the database and the configuration: `app::inbound_poll` owns the thread, the
//! schedule and the import; this module only speaks IMAP.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use imap::Session;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::{AfterImport, ImapSecurity, Inbound};

type Tls = StreamOwned<ClientConnection, TcpStream>;

/// Each step (connect, each reply) waits at most this long.
const TIMEOUT: Duration = Duration::from_secs(60);
/// The longest line we accept before TLS is up (the greeting, the answer to `STARTTLS`).
const MAX_PLAIN_LINE: usize = 8 * 1024;

/// The mailbox to poll, resolved from `[inbound]` once.
pub struct Imap {
    host: String,
    port: u16,
    security: ImapSecurity,
    username: String,
    password: String,
    folder: String,
    after: AfterImport,
    tls: Arc<ClientConfig>,
    timeout: Duration,
}

impl fmt::Debug for Imap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password.
        write!(f, "{:?} of {:?} at {}:{} ({:?})", self.folder, self.username, self.host, self.port, self.security)
    }
}

/// What the import made of one message; decides what happens to it in the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Stored (or already stored: a duplicate) and committed: apply `after_import`.
    Imported,
    /// It can never be imported (not a message at all): flag it `\Seen` so it is not offered
    /// again, but leave it where it is for a person to look at.
    Unreadable,
    /// Not now (the database is busy): leave it untouched for the next poll.
    Later,
}

/// What one poll did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Polled {
    pub imported: usize,
    pub unreadable: usize,
    pub later: usize,
    /// Over the size limit: flagged `\Seen` without being downloaded.
    pub too_large: usize,
}

impl Imap {
    /// `None` without `imap_host`. The password comes from the config or, when absent there,
    /// from `TICKETD_IMAP_PASSWORD`. Fails only when `ca_file` cannot be read (validation
    /// already checked it at start).
    pub fn from_settings(s: &Inbound) -> Result<Option<Imap>, String> {
        let Some(host) = s.imap_host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        let password = password(s.imap_password.as_deref(), std::env::var("TICKETD_IMAP_PASSWORD").ok());
        Ok(Some(Imap {
            host: host.to_string(),
            port: s.imap_port,
            security: s.imap_security,
            username: s.imap_username.clone().unwrap_or_default().trim().to_string(),
            password,
            folder: mailbox_name(s.imap_folder.trim()),
            after: match &s.after_import {
                AfterImport::Move(to) => AfterImport::Move(mailbox_name(to)),
                other => other.clone(),
            },
            tls: Arc::new(tls_config(s.ca_file.as_deref())?),
            timeout: TIMEOUT,
        }))
    }

    /// `host:port`, for log lines.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// One poll: every new message goes through `import` in UID order; see the module comment.
    /// A message over `max_bytes` (its `RFC822.SIZE`) is never downloaded: it is flagged
    /// `\Seen` like an unreadable one. An `Err` names the step that failed; what was done
    /// before it stays done.
    pub fn poll(&self, max_bytes: u64, mut import: impl FnMut(&[u8]) -> Verdict) -> Result<Polled, String> {
        let mut session = self.login()?;
        let result = self.poll_session(&mut session, max_bytes, &mut import);
        // A polite goodbye; the poll's result does not depend on it.
        let _ = session.logout();
        result
    }

    fn poll_session(
        &self,
        session: &mut Session<Tls>,
        max_bytes: u64,
        import: &mut dyn FnMut(&[u8]) -> Verdict,
    ) -> Result<Polled, String> {
        let folder = &self.folder;
        session.select(folder).map_err(|e| format!("SELECT {folder:?}: {e}"))?;
        let caps = session.capabilities().map_err(|e| format!("CAPABILITY: {e}"))?;
        let (has_move, has_uidplus) = (caps.has_str("MOVE"), caps.has_str("UIDPLUS"));
        let mut uids: Vec<u32> = session
            .uid_search("UNSEEN UNDELETED")
            .map_err(|e| format!("UID SEARCH in {folder:?}: {e}"))?
            .into_iter()
            .collect();
        uids.sort_unstable();
        let mut polled = Polled::default();
        for uid in uids {
            let sizes =
                session.uid_fetch(uid.to_string(), "(UID RFC822.SIZE)").map_err(|e| format!("UID FETCH {uid}: {e}"))?;
            let size = sizes.iter().find(|f| f.uid == Some(uid)).and_then(|f| f.size);
            if size.is_some_and(|n| u64::from(n) > max_bytes) {
                polled.too_large += 1;
                store(session, uid, "+FLAGS.SILENT (\\Seen)").map_err(|e| format!("UID {uid}: {e}"))?;
                continue;
            }
            let fetches =
                session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").map_err(|e| format!("UID FETCH {uid}: {e}"))?;
            // Gone meanwhile (another client expunged it): nothing to do.
            let Some(raw) = fetches.iter().find(|f| f.uid == Some(uid)).and_then(|f| f.body()) else {
                continue;
            };
            match import(raw) {
                Verdict::Imported => {
                    polled.imported += 1;
                    self.after_import(session, uid, has_move, has_uidplus)
                        .map_err(|e| format!("after import of UID {uid}: {e}"))?;
                }
                Verdict::Unreadable => {
                    polled.unreadable += 1;
                    store(session, uid, "+FLAGS.SILENT (\\Seen)").map_err(|e| format!("UID {uid}: {e}"))?;
                }
                Verdict::Later => polled.later += 1,
            }
        }
        Ok(polled)
    }

    /// `after_import` for one message whose import committed.
    fn after_import(&self, s: &mut Session<Tls>, uid: u32, has_move: bool, has_uidplus: bool) -> Result<(), String> {
        match &self.after {
            AfterImport::Seen => store(s, uid, "+FLAGS.SILENT (\\Seen)"),
            AfterImport::Delete => {
                store(s, uid, "+FLAGS.SILENT (\\Seen \\Deleted)")?;
                expunge(s, uid, has_uidplus)
            }
            // Read in the target folder: a person browsing it sees it as dealt with.
            AfterImport::Move(to) => {
                store(s, uid, "+FLAGS.SILENT (\\Seen)")?;
                let moved = if has_move {
                    s.uid_mv(uid.to_string(), to).map_err(|e| format!("UID MOVE to {to:?}: {e}"))
                } else {
                    s.uid_copy(uid.to_string(), to)
                        .map_err(|e| format!("UID COPY to {to:?}: {e}"))
                        .and_then(|()| store(s, uid, "+FLAGS.SILENT (\\Deleted)"))
                        .and_then(|()| expunge(s, uid, has_uidplus))
                };
                if moved.is_err() {
                    // Unseen again, so the next poll offers it again (its import is then a
                    // duplicate) and tries the move once more.
                    let _ = store(s, uid, "-FLAGS.SILENT (\\Seen \\Deleted)");
                }
                moved
            }
        }
    }

    /// The settings tried without touching a message: connect, log in, select the folder;
    /// what the server says about it (for a settings page's "test" button).
    pub fn check(&self) -> Result<String, String> {
        let mut session = self.login()?;
        let folder = &self.folder;
        let result = session.select(folder).map_err(|e| format!("SELECT {folder:?}: {e}")).and_then(|mailbox| {
            let unseen = session.uid_search("UNSEEN UNDELETED").map_err(|e| format!("UID SEARCH: {e}"))?;
            Ok(format!("{}: {folder:?} holds {} message(s), {} unread", self.server(), mailbox.exists, unseen.len()))
        });
        let _ = session.logout();
        result
    }

    /// TCP, TLS (at once or after `STARTTLS`), greeting, `LOGIN`.
    fn login(&self) -> Result<Session<Tls>, String> {
        let server = self.server();
        let tcp = self.connect().map_err(|e| format!("connect to {server}: {e}"))?;
        let name = ServerName::try_from(self.host.clone()).map_err(|e| format!("{:?}: {e}", self.host))?;
        let conn = ClientConnection::new(self.tls.clone(), name).map_err(|e| format!("TLS setup: {e}"))?;
        let client = match self.security {
            ImapSecurity::Tls => {
                let mut client =
                    imap::Client::new(handshake(conn, tcp).map_err(|e| format!("TLS with {server}: {e}"))?);
                let greeting = client.read_greeting().map_err(|e| format!("greeting of {server}: {e}"))?;
                if !greeting.starts_with(b"* OK") {
                    return Err(format!("greeting of {server}: {}", line(&greeting)));
                }
                client
            }
            ImapSecurity::Starttls => {
                let tcp = starttls(tcp).map_err(|e| format!("STARTTLS with {server}: {e}"))?;
                // No second greeting after STARTTLS (RFC 3501, 6.2.1).
                imap::Client::new(handshake(conn, tcp).map_err(|e| format!("TLS with {server}: {e}"))?)
            }
        };
        client
            .login(&self.username, &self.password)
            .map_err(|(e, _)| format!("LOGIN as {:?} at {server}: {e}", self.username))
    }

    fn connect(&self) -> io::Result<TcpStream> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
        for addr in (self.host.as_str(), self.port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, self.timeout) {
                Ok(tcp) => {
                    tcp.set_read_timeout(Some(self.timeout))?;
                    tcp.set_write_timeout(Some(self.timeout))?;
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// A folder name as IMAP4rev1 spells it on the wire (RFC 3501, 5.1.3: "modified UTF-7"):
/// printable ASCII stays, `&` is `&-`, anything else is UTF-16 in base64 with `,` for `/`
/// between `&` and `-` — so `Gelöscht` is `Gel&APY-scht`.
fn mailbox_name(name: &str) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    fn flush(out: &mut String, units: &mut Vec<u16>) {
        if units.is_empty() {
            return;
        }
        let bytes: Vec<u8> = units.drain(..).flat_map(u16::to_be_bytes).collect();
        out.push('&');
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out.push('-');
    }
    let (mut out, mut units) = (String::new(), Vec::new());
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut out, &mut units);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            units.extend(c.encode_utf16(&mut [0; 2]).iter());
        }
    }
    flush(&mut out, &mut units);
    out
}

/// `imap_password`, or when it is absent or empty the value of `TICKETD_IMAP_PASSWORD`.
fn password(configured: Option<&str>, env: Option<String>) -> String {
    configured.filter(|p| !p.is_empty()).map(str::to_string).or(env).unwrap_or_default()
}

fn store(s: &mut Session<Tls>, uid: u32, what: &str) -> Result<(), String> {
    s.uid_store(uid.to_string(), what).map(drop).map_err(|e| format!("UID STORE {what}: {e}"))
}

/// With UIDPLUS only this message; without it, `EXPUNGE` removes every `\Deleted` message of
/// the folder (which is what a mail client's "compact" does too).
fn expunge(s: &mut Session<Tls>, uid: u32, has_uidplus: bool) -> Result<(), String> {
    if has_uidplus {
        s.uid_expunge(uid.to_string()).map(drop).map_err(|e| format!("UID EXPUNGE: {e}"))
    } else {
        s.expunge().map(drop).map_err(|e| format!("EXPUNGE: {e}"))
    }
}

/// Completes the TLS handshake, so that certificate errors surface here and not at the first
/// IMAP read.
fn handshake(mut conn: ClientConnection, mut tcp: TcpStream) -> io::Result<Tls> {
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)?;
    }
    Ok(StreamOwned::new(conn, tcp))
}

/// The plain-text part of `STARTTLS`: the greeting, the command, its tagged `OK`. Nothing the
/// server sent after the `OK` may be read as if it had come through TLS (the STARTTLS
/// injection of CVE-2011-0411), so a server that sends more is refused.
fn starttls(tcp: TcpStream) -> io::Result<TcpStream> {
    let mut reader = BufReader::new(tcp);
    let greeting = read_line(&mut reader)?;
    if !greeting.starts_with(b"* OK") {
        return Err(io::Error::other(format!("greeting: {}", line(&greeting))));
    }
    reader.get_mut().write_all(b"s1 STARTTLS\r\n")?;
    loop {
        let answer = read_line(&mut reader)?;
        if answer.starts_with(b"* ") {
            continue;
        }
        if !answer.starts_with(b"s1 OK") {
            return Err(io::Error::other(format!("refused: {}", line(&answer))));
        }
        break;
    }
    if !reader.buffer().is_empty() {
        return Err(io::Error::other("the server sent data after its OK to STARTTLS"));
    }
    Ok(reader.into_inner())
}

fn read_line(reader: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let n = Read::by_ref(reader).take(MAX_PLAIN_LINE as u64).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
    }
    if !buf.ends_with(b"\n") {
        return Err(io::Error::other("line too long"));
    }
    Ok(buf)
}

/// A server's line for a log: printable, one line, not too long.
fn line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim_end().chars().take(200).map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// Trust: the compiled-in Mozilla roots and the certificates of `ca_file`.
fn tls_config(ca_file: Option<&Path>) -> Result<ClientConfig, String> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(path) = ca_file {
        // The same rules as for `[smtp] ca_file` (a readable file with usable certificates).
        super::relay::check_ca_file(path)?;
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for cert in certs {
            roots.add(cert).map_err(|e| format!("{}: not a usable CA certificate: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(port: u16) -> Inbound {
        Inbound {
            imap_host: Some("127.0.0.1".into()),
            imap_port: port,
            imap_username: Some("support".into()),
            imap_password: Some("secret".into()),
            ..Inbound::default()
        }
    }

    #[test]
    fn without_imap_host_there_is_nothing_to_poll() {
        assert!(Imap::from_settings(&Inbound::default()).unwrap().is_none());
    }

    #[test]
    fn the_password_comes_from_the_config_or_ticketd_imap_password() {
        assert_eq!(password(Some("a"), Some("b".into())), "a");
        assert_eq!(password(None, Some("b".into())), "b");
        assert_eq!(password(Some(""), Some("b".into())), "b");
        assert_eq!(password(None, None), "");
    }

    #[test]
    fn folder_names_in_modified_utf7() {
        for (name, wire) in [
            ("INBOX", "INBOX"),
            ("Archiv/Tickets 2026", "Archiv/Tickets 2026"),
            ("Gelöscht", "Gel&APY-scht"),
            ("Entwürfe & Co", "Entw&APw-rfe &- Co"),
            // RFC 3501's own examples.
            ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            ("😀", "&2D3eAA-"),
        ] {
            assert_eq!(mailbox_name(name), wire, "{name}");
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let imap = Imap::from_settings(&settings(993)).unwrap().unwrap();
        let shown = format!("{imap:?}");
        assert_eq!(shown, "\"INBOX\" of \"support\" at 127.0.0.1:993 (Tls)");
    }

    #[test]
    fn no_server_is_an_error_that_names_it() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let imap = Imap::from_settings(&settings(port)).unwrap().unwrap();
        let e = imap.poll(1 << 20, |_| Verdict::Imported).unwrap_err();
        assert!(e.starts_with(&format!("connect to 127.0.0.1:{port}: ")), "{e}");
    }

    #[test]
    fn the_test_ca_file_is_trusted() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/fixtures/relay-ca.pem"));
        let mut s = settings(993);
        s.ca_file = Some(path.into());
        Imap::from_settings(&s).unwrap().unwrap();
        s.ca_file = Some(path.with_file_name("missing.pem"));
        assert!(Imap::from_settings(&s).unwrap_err().contains("cannot read"));
    }
}
