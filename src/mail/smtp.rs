//! A minimal SMTP submission client (RFC 5321): `EHLO`, optional `STARTTLS` or implicit TLS,
//! `AUTH PLAIN`/`LOGIN`, `MAIL FROM`, `RCPT TO`, `DATA` with dot-stuffing, every step under a
//! timeout. One message per connection; the caller decides about retries from
//! [`SmtpError::permanent`].

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::message::base64;
use super::{domain_of, is_sendable_address, tls};
use crate::config::{Smtp, SmtpSecurity};

/// Where and how to deliver, resolved from `[smtp]` once.
#[derive(Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Our name in `EHLO`: the domain of `from`.
    pub helo: String,
    pub timeout: Duration,
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password.
        write!(f, "Relay({}:{}, {:?}, user {:?})", self.host, self.port, self.security, self.username)
    }
}

impl Relay {
    /// Defaults: `starttls` on port 587; `tls` 465; `none` 25. The password comes from the
    /// config or, when absent there, from `TICKETD_SMTP_PASSWORD`.
    pub fn from_config(s: &Smtp) -> Relay {
        let security = s.security.unwrap_or(SmtpSecurity::Starttls);
        let port = s.port.unwrap_or(match security {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        });
        let password = s.password.clone().or_else(|| std::env::var("TICKETD_SMTP_PASSWORD").ok());
        Relay {
            host: s.host.trim().to_string(),
            port,
            security,
            username: s.username.clone().filter(|u| !u.is_empty()),
            password,
            helo: domain_of(&s.from).to_string(),
            timeout: Duration::from_secs(s.timeout_seconds.unwrap_or(60).max(1)),
        }
    }
}

/// One reply: the code and the text of every line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.lines.join(" / "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpError {
    /// The relay refused this message for good (5xx to `RCPT` or to the data); retrying is
    /// pointless. Everything else (no connection, timeouts, 4xx, a refused login) may pass.
    pub permanent: bool,
    pub message: String,
}

impl fmt::Display for SmtpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SmtpError {}

fn transient(message: impl Into<String>) -> SmtpError {
    SmtpError { permanent: false, message: message.into() }
}

fn io_err(step: &str, e: io::Error) -> SmtpError {
    let what = match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "timed out".to_string(),
        _ => e.to_string(),
    };
    transient(format!("{step}: {what}"))
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<tls::TlsStream>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Longest reply line we accept, and most lines per reply: a broken relay cannot make us
/// buffer without end.
const MAX_LINE: usize = 4096;
const MAX_LINES: usize = 100;

struct Session {
    stream: Option<Stream>,
    buf: Vec<u8>,
}

impl Session {
    fn stream(&mut self) -> &mut Stream {
        // Invariant: `stream` is `None` only inside `start_tls`.
        self.stream.as_mut().unwrap_or_else(|| unreachable!())
    }

    fn read_line(&mut self, step: &str) -> Result<String, SmtpError> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                let text = String::from_utf8_lossy(&line);
                return Ok(text.trim_end_matches(['\r', '\n']).to_string());
            }
            if self.buf.len() > MAX_LINE {
                return Err(transient(format!("{step}: reply line too long")));
            }
            let mut chunk = [0u8; 1024];
            let n = self.stream().read(&mut chunk).map_err(|e| io_err(step, e))?;
            if n == 0 {
                return Err(transient(format!("{step}: the relay closed the connection")));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    fn read_reply(&mut self, step: &str) -> Result<Reply, SmtpError> {
        let mut lines = Vec::new();
        loop {
            let line = self.read_line(step)?;
            let code = line.get(..3).and_then(|c| c.parse::<u16>().ok()).filter(|c| (200..600).contains(c));
            let Some(code) = code else {
                return Err(transient(format!("{step}: not an SMTP reply: {:?}", truncate(&line))));
            };
            let sep = line.as_bytes().get(3).copied();
            lines.push(line.get(4..).unwrap_or("").to_string());
            if sep != Some(b'-') {
                return Ok(Reply { code, lines });
            }
            if lines.len() >= MAX_LINES {
                return Err(transient(format!("{step}: reply too long")));
            }
        }
    }

    fn send_raw(&mut self, step: &str, data: &[u8]) -> Result<(), SmtpError> {
        let s = self.stream();
        s.write_all(data).and_then(|_| s.flush()).map_err(|e| io_err(step, e))
    }

    fn command(&mut self, step: &str, line: &str) -> Result<Reply, SmtpError> {
        self.send_raw(step, format!("{line}\r\n").as_bytes())?;
        self.read_reply(step)
    }

    fn start_tls(&mut self, host: &str) -> Result<(), SmtpError> {
        if !self.buf.is_empty() {
            // Anything sent before the handshake could be injected by a man in the middle.
            return Err(transient("STARTTLS: the relay sent data before the TLS handshake"));
        }
        let tcp = match self.stream.take() {
            Some(Stream::Plain(tcp)) => tcp,
            other => {
                self.stream = other;
                return Err(transient("STARTTLS: already encrypted"));
            }
        };
        let tls = tls::wrap(host, tcp).map_err(transient)?;
        self.stream = Some(Stream::Tls(Box::new(tls)));
        Ok(())
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}

/// Fails unless the reply has one of these codes; 5xx where `permanent_5xx` is set is final.
fn expect(step: &str, reply: Reply, ok: &[u16], permanent_5xx: bool) -> Result<Reply, SmtpError> {
    if ok.contains(&reply.code) {
        return Ok(reply);
    }
    Err(SmtpError {
        permanent: permanent_5xx && reply.code >= 500,
        message: format!("{step}: {}", truncate(&reply.to_string())),
    })
}

/// Extensions from an EHLO reply, upper case: `STARTTLS`, `AUTH PLAIN LOGIN`, …
fn extensions(reply: &Reply) -> Vec<String> {
    reply.lines.iter().skip(1).map(|l| l.trim().to_ascii_uppercase()).collect()
}

fn auth_mechanisms(exts: &[String]) -> Vec<String> {
    exts.iter()
        .filter_map(|e| e.strip_prefix("AUTH").filter(|r| r.starts_with([' ', '='])))
        .flat_map(|r| r[1..].split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn connect(relay: &Relay) -> Result<TcpStream, SmtpError> {
    let step = format!("connect to {}:{}", relay.host, relay.port);
    let addrs: Vec<_> = (relay.host.as_str(), relay.port).to_socket_addrs().map_err(|e| io_err(&step, e))?.collect();
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, relay.timeout) {
            Ok(s) => {
                s.set_read_timeout(Some(relay.timeout)).map_err(|e| io_err(&step, e))?;
                s.set_write_timeout(Some(relay.timeout)).map_err(|e| io_err(&step, e))?;
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => io_err(&step, e),
        None => transient(format!("{step}: the name has no address")),
    })
}

/// Delivers one message to the relay; `Ok` carries the relay's answer to the data, which
/// means it took responsibility for the message.
pub fn send(relay: &Relay, from: &str, to: &str, message: &str) -> Result<Reply, SmtpError> {
    for addr in [from, to] {
        if !is_sendable_address(addr) {
            return Err(SmtpError { permanent: true, message: format!("not a deliverable address: {addr:?}") });
        }
    }
    let tcp = connect(relay)?;
    let stream = match relay.security {
        SmtpSecurity::Tls => Stream::Tls(Box::new(tls::wrap(&relay.host, tcp).map_err(transient)?)),
        _ => Stream::Plain(tcp),
    };
    let mut s = Session { stream: Some(stream), buf: Vec::new() };
    let result = transaction(&mut s, relay, from, to, message);
    // A polite goodbye; the message's fate is already decided.
    if result.is_ok() {
        let _ = s.command("QUIT", "QUIT");
    }
    result
}

fn transaction(s: &mut Session, relay: &Relay, from: &str, to: &str, message: &str) -> Result<Reply, SmtpError> {
    let greeting = s.read_reply("greeting")?;
    expect("greeting", greeting, &[220], false)?;
    let ehlo = format!("EHLO {}", relay.helo);
    let mut hello = expect("EHLO", s.command("EHLO", &ehlo)?, &[250], false)?;
    if relay.security == SmtpSecurity::Starttls {
        if !extensions(&hello).iter().any(|e| e == "STARTTLS") {
            return Err(transient("the relay does not offer STARTTLS (set security = \"tls\" or \"none\")"));
        }
        expect("STARTTLS", s.command("STARTTLS", "STARTTLS")?, &[220], false)?;
        s.start_tls(&relay.host)?;
        hello = expect("EHLO after STARTTLS", s.command("EHLO", &ehlo)?, &[250], false)?;
    }
    if let Some(user) = &relay.username {
        let password = relay.password.as_deref().unwrap_or("");
        let mechs = auth_mechanisms(&extensions(&hello));
        if mechs.iter().any(|m| m == "PLAIN") {
            let token = base64(format!("\0{user}\0{password}").as_bytes());
            expect("AUTH PLAIN", s.command("AUTH", &format!("AUTH PLAIN {token}"))?, &[235], false)?;
        } else if mechs.iter().any(|m| m == "LOGIN") {
            expect("AUTH LOGIN", s.command("AUTH", "AUTH LOGIN")?, &[334], false)?;
            expect("AUTH LOGIN", s.command("AUTH", &base64(user.as_bytes()))?, &[334], false)?;
            expect("AUTH LOGIN", s.command("AUTH", &base64(password.as_bytes()))?, &[235], false)?;
        } else {
            return Err(transient(format!("the relay offers no AUTH PLAIN or LOGIN (offers: {})", mechs.join(" "))));
        }
    }
    expect("MAIL FROM", s.command("MAIL FROM", &format!("MAIL FROM:<{from}>"))?, &[250], false)?;
    expect("RCPT TO", s.command("RCPT TO", &format!("RCPT TO:<{to}>"))?, &[250, 251], true)?;
    expect("DATA", s.command("DATA", "DATA")?, &[354], false)?;
    s.send_raw("sending the message", &dot_stuff(message))?;
    let reply = s.read_reply("end of data")?;
    expect("end of data", reply, &[250], true)
}

/// The message as `DATA` wants it: CRLF line ends, a `.` doubled at the start of a line, and
/// the terminating `.` line.
pub fn dot_stuff(message: &str) -> Vec<u8> {
    let normalized = message.replace("\r\n", "\n").replace('\r', "\n");
    let body = normalized.strip_suffix('\n').unwrap_or(&normalized);
    let mut out = Vec::with_capacity(body.len() + body.len() / 16 + 8);
    if !body.is_empty() {
        for line in body.split('\n') {
            if line.starts_with('.') {
                out.push(b'.');
            }
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;

    #[test]
    fn dot_stuffing_doubles_leading_dots_and_ends_with_a_dot_line() {
        assert_eq!(dot_stuff("a\r\n.b\r\n..c\r\n.\r\n"), b"a\r\n..b\r\n...c\r\n..\r\n.\r\n");
        assert_eq!(dot_stuff("bare\nlf\n.x"), b"bare\r\nlf\r\n..x\r\n.\r\n");
        assert_eq!(dot_stuff(""), b".\r\n");
        assert_eq!(dot_stuff("a.b"), b"a.b\r\n.\r\n");
    }

    #[test]
    fn auth_mechanisms_are_read_from_ehlo() {
        let r = Reply {
            code: 250,
            lines: vec!["relay".into(), "PIPELINING".into(), "auth login plain".into(), "STARTTLS".into()],
        };
        assert_eq!(auth_mechanisms(&extensions(&r)), ["LOGIN", "PLAIN"]);
        let old = Reply { code: 250, lines: vec!["relay".into(), "AUTH=LOGIN".into()] };
        assert_eq!(auth_mechanisms(&extensions(&old)), ["LOGIN"]);
    }

    /// A scripted relay on loopback: answers each command with the next canned reply and
    /// records what it was sent.
    fn scripted(replies: Vec<&'static str>) -> (u16, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut sock, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(sock.try_clone().unwrap());
            let mut seen = Vec::new();
            let mut replies = replies.into_iter();
            sock.write_all(replies.next().unwrap().as_bytes()).unwrap();
            let mut in_data = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                seen.push(line.clone());
                if in_data && line != ".\r\n" {
                    continue;
                }
                in_data = line.eq_ignore_ascii_case("DATA\r\n");
                match replies.next() {
                    Some(r) => sock.write_all(r.as_bytes()).unwrap(),
                    None => break,
                }
            }
            seen
        });
        (port, handle)
    }

    fn relay(port: u16, user: Option<&str>) -> Relay {
        Relay {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: user.map(str::to_string),
            password: Some("s3cret".into()),
            helo: "portal.example".into(),
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn a_whole_transaction_with_auth_login_and_multi_line_replies() {
        let (port, h) = scripted(vec![
            "220-relay.example ESMTP\r\n220 welcome\r\n",
            "250-relay.example\r\n250-SIZE 1000000\r\n250 AUTH LOGIN\r\n",
            "334 VXNlcm5hbWU6\r\n",
            "334 UGFzc3dvcmQ6\r\n",
            "235 2.7.0 ok\r\n",
            "250 2.1.0 ok\r\n",
            "250 2.1.5 ok\r\n",
            "354 go ahead\r\n",
            "250 2.0.0 queued as ABC123\r\n",
            "221 bye\r\n",
        ]);
        let reply =
            send(&relay(port, Some("ticketd")), "from@portal.example", "to@example.com", "Subject: x\r\n\r\n.hi\r\n")
                .unwrap();
        assert_eq!(reply.code, 250);
        assert!(reply.to_string().contains("queued as ABC123"));
        let seen = h.join().unwrap();
        assert_eq!(seen[0], "EHLO portal.example\r\n");
        assert_eq!(seen[1], "AUTH LOGIN\r\n");
        assert_eq!(seen[2], format!("{}\r\n", base64(b"ticketd")));
        assert_eq!(seen[3], format!("{}\r\n", base64(b"s3cret")));
        assert_eq!(seen[4], "MAIL FROM:<from@portal.example>\r\n");
        assert_eq!(seen[5], "RCPT TO:<to@example.com>\r\n");
        assert_eq!(seen[6], "DATA\r\n");
        assert!(seen.contains(&"..hi\r\n".to_string()), "dot-stuffed: {seen:?}");
        assert_eq!(seen.last().unwrap(), "QUIT\r\n");
    }

    #[test]
    fn a_refused_recipient_is_permanent_and_a_busy_relay_is_not() {
        let (port, h) = scripted(vec!["220 hi\r\n", "250 relay\r\n", "250 ok\r\n", "550 5.1.1 no such user\r\n"]);
        let e = send(&relay(port, None), "a@portal.example", "nobody@example.com", "x").unwrap_err();
        assert!(e.permanent, "{e}");
        assert!(e.message.contains("550"), "{e}");
        h.join().unwrap();

        let (port, h) = scripted(vec!["421 4.3.2 try later\r\n"]);
        let e = send(&relay(port, None), "a@portal.example", "b@example.com", "x").unwrap_err();
        assert!(!e.permanent, "{e}");
        h.join().unwrap();

        let (port, h) = scripted(vec!["220 hi\r\n", "250 relay\r\n"]);
        let e = send(&relay(port, None), "a@portal.example", "b@example.com", "x").unwrap_err();
        assert!(!e.permanent && e.message.contains("closed"), "{e}");
        h.join().unwrap();
    }

    #[test]
    fn starttls_is_required_when_configured() {
        let (port, h) = scripted(vec!["220 hi\r\n", "250 relay\r\n", "221 bye\r\n"]);
        let r = Relay { security: SmtpSecurity::Starttls, ..relay(port, None) };
        let e = send(&r, "a@portal.example", "b@example.com", "x").unwrap_err();
        assert!(e.message.contains("STARTTLS"), "{e}");
        drop(h);
    }

    #[test]
    fn no_connection_is_a_transient_error() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let e = send(&relay(port, None), "a@portal.example", "b@example.com", "x").unwrap_err();
        assert!(!e.permanent, "{e}");
    }
}
