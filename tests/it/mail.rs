//! E-mail notifications against a real SMTP server on loopback: a small sink written here,
//! which speaks enough ESMTP for ticketd's client and records every message it takes. Who gets
//! which mail, in which language, with which threading headers; internal notes never reach a
//! customer; a relay that is down or stalls slows no request and loses no mail; `kill -9`
//! mid-send repeats at most the one mail in flight; without `[smtp]` nothing changes; a relay
//! with a private CA is trusted through `[smtp] ca_file` and refused without it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{create_staff, create_ticket, staff_activity, staff_update, Builder, ADA, ANNA, BERND, BOB};
use crate::html;

// ------------------------------------------------------------------------------ the sink

/// One message as the sink took it.
#[derive(Debug, Clone)]
pub(crate) struct Mail {
    pub(crate) from: String,
    pub(crate) to: Vec<String>,
    pub(crate) data: String,
}

#[derive(Default)]
struct Shared {
    mails: Mutex<Vec<Mail>>,
    /// Hold the answer to the next message's data until released.
    hold: AtomicBool,
    holding: AtomicUsize,
    /// Recipients answered `550` at `RCPT TO`.
    reject: Mutex<Vec<String>>,
    /// Answer `AUTH` with `535`.
    refuse_login: AtomicBool,
    /// `AUTH PLAIN` answers as sent: authorization, user and password, decoded.
    logins: Mutex<Vec<String>>,
}

pub(crate) struct Sink {
    pub(crate) port: u16,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

impl Sink {
    pub(crate) fn start() -> Sink {
        Sink::serve(TcpListener::bind("127.0.0.1:0").expect("bind the sink"), None)
    }

    /// Implicit TLS (`security = "tls"`) with a certificate for 127.0.0.1 from the test CA in
    /// `tests/it/fixtures` (throwaway keys made for these tests with `openssl req -x509`, valid
    /// until 2126).
    fn start_tls() -> Sink {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let chain = CertificateDer::pem_file_iter(fixture("relay-cert.pem"))
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .expect("relay certificate");
        let key = PrivateKeyDer::from_pem_file(fixture("relay-key.pem")).expect("relay key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
            .expect("TLS config of the sink");
        Sink::serve(TcpListener::bind("127.0.0.1:0").expect("bind the sink"), Some(Arc::new(config)))
    }

    /// On a port chosen earlier (the relay "comes back").
    fn start_on(port: u16) -> Sink {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match TcpListener::bind(("127.0.0.1", port)) {
                Ok(l) => return Sink::serve(l, None),
                Err(e) if Instant::now() > deadline => panic!("cannot bind the sink to {port}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn serve(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>) -> Sink {
        let port = listener.local_addr().expect("sink address").port();
        listener.set_nonblocking(true).expect("nonblocking sink");
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (sh, st) = (shared.clone(), stop.clone());
        std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((sock, _)) => {
                        let (sh, tls) = (sh.clone(), tls.clone());
                        std::thread::spawn(move || {
                            let _ = sock.set_read_timeout(Some(Duration::from_secs(60)));
                            let _ = match tls.map(rustls::ServerConnection::new) {
                                None => session(sock, &sh),
                                Some(Ok(conn)) => session(rustls::StreamOwned::new(conn, sock), &sh),
                                Some(Err(_)) => Ok(()),
                            };
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Sink { port, shared, stop }
    }

    /// `AUTH PLAIN` as received: `|user|password`.
    pub(crate) fn logins(&self) -> Vec<String> {
        self.shared.logins.lock().unwrap().clone()
    }

    pub(crate) fn mails(&self) -> Vec<Mail> {
        self.shared.mails.lock().unwrap().clone()
    }

    /// Waits until the sink holds at least `n` messages; returns them all.
    #[track_caller]
    pub(crate) fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            if Instant::now() > deadline {
                let subjects: Vec<String> = mails.iter().map(|m| format!("{:?} {}", m.to, m.subject())).collect();
                panic!("expected {n} mail(s) within {timeout:?}, got {}: {subjects:#?}", mails.len());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn hold_next(&self) {
        self.shared.hold.store(true, Ordering::SeqCst);
    }

    #[track_caller]
    fn wait_holding(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.shared.holding.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "no message reached the held end of data");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn reject(&self, addr: &str, on: bool) {
        let mut list = self.shared.reject.lock().unwrap();
        list.retain(|a| a != addr);
        if on {
            list.push(addr.to_string());
        }
    }

    fn release(&self) {
        self.shared.hold.store(false, Ordering::SeqCst);
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.release();
    }
}

/// One SMTP session. The message is recorded as soon as its data is complete, before the
/// answer: a pessimistic relay that delivers even when the client vanishes before the 250,
/// which is what makes a repeated in-flight mail visible.
fn session(stream: impl Read + Write, sh: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    reply(&mut reader, b"220 sink.test ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reply(&mut reader, b"250-sink.test\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SIZE 10000000\r\n")?;
        } else if upper.starts_with("AUTH PLAIN ") {
            let plain = String::from_utf8_lossy(&decode_b64(line[11..].trim())).replace('\0', "|");
            sh.logins.lock().unwrap().push(plain);
            if sh.refuse_login.load(Ordering::SeqCst) {
                reply(&mut reader, b"535 5.7.8 authentication credentials invalid\r\n")?;
            } else {
                reply(&mut reader, b"235 2.7.0 ok\r\n")?;
            }
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().trim_matches(['<', '>']).to_string();
            to.clear();
            reply(&mut reader, b"250 2.1.0 ok\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = line[8..].trim().trim_matches(['<', '>']).to_string();
            if sh.reject.lock().unwrap().contains(&rcpt) {
                reply(&mut reader, b"550 5.1.1 no such mailbox\r\n")?;
                continue;
            }
            to.push(rcpt);
            reply(&mut reader, b"250 2.1.5 ok\r\n")?;
        } else if upper.starts_with("DATA") {
            reply(&mut reader, b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            sh.mails.lock().unwrap().push(Mail { from: from.clone(), to: to.clone(), data });
            if sh.hold.load(Ordering::SeqCst) {
                sh.holding.fetch_add(1, Ordering::SeqCst);
                let deadline = Instant::now() + Duration::from_secs(120);
                while sh.hold.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            reply(&mut reader, b"250 2.0.0 queued as SINK\r\n")?;
        } else if upper.starts_with("QUIT") {
            reply(&mut reader, b"221 bye\r\n")?;
            return Ok(());
        } else {
            reply(&mut reader, b"250 ok\r\n")?;
        }
    }
}

/// Writes one reply through the session's stream (plain or TLS) and flushes it.
fn reply(reader: &mut BufReader<impl Read + Write>, bytes: &[u8]) -> std::io::Result<()> {
    let stream = reader.get_mut();
    stream.write_all(bytes)?;
    stream.flush()
}

// ------------------------------------------------------------------------------ reading mails

impl Mail {
    fn head(&self) -> &str {
        self.data.split_once("\r\n\r\n").map(|(h, _)| h).unwrap_or(&self.data)
    }

    /// A header, unfolded, as sent.
    fn raw_header(&self, name: &str) -> Option<String> {
        let unfolded = self.head().replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    #[track_caller]
    fn header(&self, name: &str) -> String {
        self.raw_header(name).unwrap_or_else(|| panic!("no {name} header in\n{}", self.head()))
    }

    pub(crate) fn subject(&self) -> String {
        decode_words(&self.raw_header("Subject").unwrap_or_default())
    }

    /// The plain-text and the HTML part, decoded.
    #[track_caller]
    fn parts(&self) -> (String, String) {
        let ct = self.header("Content-Type");
        assert!(ct.starts_with("multipart/alternative;"), "{ct}");
        let boundary = ct.split("boundary=\"").nth(1).and_then(|r| r.split('"').next()).expect("a boundary");
        let body = self.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        let mut text = None;
        let mut html = None;
        for part in body.split(&format!("--{boundary}")).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let (head, content) = part.trim_start_matches("\r\n").split_once("\r\n\r\n").expect("part head");
            assert!(head.contains("Content-Transfer-Encoding: quoted-printable"), "{head}");
            let decoded = decode_qp(content.trim_end_matches("\r\n"));
            if head.contains("text/plain; charset=utf-8") {
                text = Some(decoded);
            } else if head.contains("text/html; charset=utf-8") {
                html = Some(decoded);
            }
        }
        (text.expect("a text/plain part"), html.expect("a text/html part"))
    }

    pub(crate) fn text(&self) -> String {
        self.parts().0
    }

    pub(crate) fn all_decoded(&self) -> String {
        let (t, h) = self.parts();
        format!("{}\n{}\n{t}\n{h}", self.head(), self.subject())
    }
}

fn decode_b64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            _ => 63,
        }
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        acc = (acc << 6) | val(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 2047 `=?UTF-8?B?…?=` words (charset and encoding in any case) back to text; space
/// between two encoded-words is dropped.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut prev_encoded = false;
    for (i, tok) in v.split(' ').enumerate() {
        let inner =
            tok.get(..10).filter(|p| p.eq_ignore_ascii_case("=?UTF-8?B?")).and_then(|_| tok[10..].strip_suffix("?="));
        match inner {
            Some(b) => {
                if i > 0 && !prev_encoded {
                    out.push(' ');
                }
                out.push_str(&String::from_utf8(decode_b64(b)).expect("utf-8 in an encoded-word"));
                prev_encoded = true;
            }
            None => {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(tok);
                prev_encoded = false;
            }
        }
    }
    out
}

fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad quoted-printable near {hex:?}")));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8 body").replace("\r\n", "\n")
}

// ------------------------------------------------------------------------------ fixtures

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A portal with Ada, Anna and Bernd and the relay on `port`; `notifications` are further keys
/// of `[notifications]`.
pub(crate) fn with_relay(port: u16, notifications: &str) -> Builder {
    with_relay_keys(port, "", notifications)
}

/// [`with_relay`] with further keys of `[smtp]`.
pub(crate) fn with_relay_keys(port: u16, smtp: &str, notifications: &str) -> Builder {
    Builder::new().top("base_url = \"https://portal.example/\"").admin(ADA).customer(ANNA).customer(BERND).toml(
        &format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"support@portal.example\"\n\
             timeout_seconds = 5\n{smtp}\n[notifications]\nretry_seconds = 1\n{notifications}"
        ),
    )
}

/// A portal whose relay on `port` speaks implicit TLS; `smtp` are further keys of `[smtp]`.
fn with_tls_relay(port: u16, smtp: &str) -> Builder {
    Builder::new().toml(&format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"tls\"\nfrom = \"support@portal.example\"\n\
         timeout_seconds = 5\n{smtp}"
    ))
}

/// `ticketd mail test check@example.com` goes through: it prints the relay's answer and the
/// sink holds the test mail, which it returns.
#[track_caller]
fn mail_test_delivered(env: &crate::harness::Env, sink: &Sink) -> Mail {
    let out = env.cli(&["mail", "test", "check@example.com"]);
    out.ok();
    assert!(out.stdout.contains("250 2.0.0 queued as SINK"), "{}", out.stdout);
    let mails = sink.wait_for(1, 5 * SECOND);
    assert_eq!(mails[0].to, ["check@example.com"]);
    assert_eq!(mails[0].subject(), "Test-E-Mail von ticketd");
    mails[0].clone()
}

/// `ticketd mail test check@example.com`, which must fail: what it says.
fn mail_test_error(env: &crate::harness::Env) -> String {
    let out = env.cli(&["mail", "test", "check@example.com"]);
    out.failed();
    out.stderr.clone()
}

pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures").join(name)
}

const ANNA_ADDR: &str = "anna.beispiel@example.com";

fn to<'a>(mails: &'a [Mail], addr: &str) -> Vec<&'a Mail> {
    mails.iter().filter(|m| m.to == [addr]).collect()
}

/// Outbox rows of a ticket: (recipient, state).
fn outbox_of(env: &crate::harness::Env, number: &str) -> Vec<(String, String)> {
    let db = env.db();
    let mut stmt = db
        .prepare(
            "SELECT o.recipient, o.state FROM outbox o JOIN tickets t ON t.id = o.ticket_id
             WHERE t.number = ?1 ORDER BY o.id",
        )
        .unwrap();
    stmt.query_map([number], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[track_caller]
fn wait_db(env: &crate::harness::Env, sql: &str, want: i64, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        let n = env.count(sql);
        if n == want {
            return;
        }
        assert!(Instant::now() < deadline, "{sql}: {n}, expected {want}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const SECOND: Duration = Duration::from_secs(1);

// ------------------------------------------------------------------------------ tests

#[test]
fn the_right_people_get_the_right_mails_in_their_language_threaded_per_ticket() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "").start();
    let mut ada = app.ada();
    create_staff(&mut ada, BOB);
    let mut bob = app.staff(BOB.username, BOB.password);
    bob.get("/staff/tickets?lang=en").expect(200);
    let mut anna = app.anna();
    anna.get("/tickets?lang=en").expect(200);
    let mut bernd = app.bernd();

    // A new ticket nobody is assigned to: every staff member, each in their language.
    let subject = "Drucker für Büro – Störung";
    let t1 = create_ticket(&mut anna, subject, "Der Drucker druckt nur Streifen.", "normal");
    let mails = sink.wait_for(2, 20 * SECOND);
    assert_eq!(mails.len(), 2);
    let for_ada = to(&mails, ADA.email);
    let for_bob = to(&mails, BOB.email);
    assert_eq!((for_ada.len(), for_bob.len()), (1, 1), "{mails:#?}");
    let (ada_mail, bob_mail) = (for_ada[0], for_bob[0]);
    for m in [ada_mail, bob_mail] {
        assert_eq!(m.from, "support@portal.example");
        assert_eq!(m.subject(), format!("[Ticket {t1}] {subject}"));
        let raw_subject = m.header("Subject");
        assert!(raw_subject.is_ascii() && raw_subject.to_ascii_uppercase().contains("=?UTF-8?B?"), "{raw_subject}");
        assert_eq!(m.header("Auto-Submitted"), "auto-generated");
        assert_eq!(m.header("In-Reply-To"), format!("<ticket-{t1}@portal.example>"));
        assert_eq!(m.header("References"), format!("<ticket-{t1}@portal.example>"));
        assert!(m.header("From").ends_with("<support@portal.example>"));
        assert_eq!(m.header("MIME-Version"), "1.0");
        let (text, html) = m.parts();
        assert!(text.contains(&format!("https://portal.example/staff/tickets/{t1}")), "{text}");
        assert!(html.contains(&format!("href=\"https://portal.example/staff/tickets/{t1}\"")), "{html}");
        assert!(!text.contains("Streifen") && !html.contains("Streifen"), "the text stays in the portal");
        assert!(m.data.split("\r\n").all(|l| l.len() <= 998));
        assert!(!m.data.replace("\r\n", "").contains('\n'), "bare LF");
    }
    assert_ne!(ada_mail.header("Message-ID"), bob_mail.header("Message-ID"));
    assert!(ada_mail.text().contains("Anna Beispiel hat ein neues Ticket erstellt."), "{}", ada_mail.text());
    assert_eq!(ada_mail.header("Content-Language"), "de");
    assert!(bob_mail.text().contains("Anna Beispiel opened a new ticket."), "{}", bob_mail.text());
    assert!(bob_mail.text().starts_with("Hello Bob Berater,"));
    assert_eq!(bob_mail.header("Content-Language"), "en");

    // Bob switches mails off on his account page: the next unassigned ticket reaches Ada only.
    let r = bob.submit("/staff/account", "/staff/account/notifications", &[]);
    r.expect_redirect("/staff/account");
    assert_eq!(html::attr_values(&bob.get("/staff/account").text(), "data-notify"), ["off"]);
    let t2 = create_ticket(&mut bernd, "Passwort vergessen", "Ich komme nicht mehr hinein.", "normal");
    assert_eq!(outbox_of(&app, &t2).iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(), [ADA.email]);
    let mails = sink.wait_for(3, 20 * SECOND);
    assert_eq!(mails[2].to, [ADA.email]);
    assert_eq!(mails[2].subject(), format!("[Ticket {t2}] Passwort vergessen"));

    // Assigned: only the assignee hears of the customer's reply (Bob, back on).
    staff_update(&mut ada, &t1, &[("assignee", "bob")]).expect(303);
    bob.submit("/staff/account", "/staff/account/notifications", &[("notify", "on")]).expect_redirect("/staff/account");
    anna.submit(&format!("/tickets/{t1}"), &format!("/tickets/{t1}/reply"), &[("body", "Foto folgt.")]).expect(303);
    let mails = sink.wait_for(4, 20 * SECOND);
    assert_eq!(mails[3].to, [BOB.email], "the assignee only");
    assert_eq!(mails[3].subject(), format!("Re: [Ticket {t1}] {subject}"));
    assert!(mails[3].text().contains("Anna Beispiel replied to the ticket."), "{}", mails[3].text());

    // To the customer: a staff answer and a status change; never the internal note, the
    // assignee change or the priority; in the customer's language, with the portal link.
    staff_activity(&mut ada, &t1, &[("kind", "internal_note"), ("body", "GEHEIM: zahlt schlecht")]).expect(303);
    staff_activity(&mut ada, &t1, &[("kind", "message"), ("body", "Wir tauschen die Trommel.")]).expect(303);
    staff_update(&mut ada, &t1, &[("status", "waiting")]).expect(303);
    staff_update(&mut ada, &t1, &[("priority", "high")]).expect(303);
    let mails = sink.wait_for(6, 20 * SECOND);
    let for_anna = to(&mails, ANNA_ADDR);
    assert_eq!(for_anna.len(), 2, "{for_anna:#?}");
    assert!(for_anna[0].text().contains("There is a new reply to your ticket."), "{}", for_anna[0].text());
    assert!(for_anna[1].text().contains("Your ticket's status is now: Waiting for your reply."));
    for m in &for_anna {
        assert!(m.text().starts_with("Hello Anna Beispiel,"));
        assert!(m.text().contains(&format!("https://portal.example/tickets/{t1}")));
        assert!(m.text().contains("https://portal.example/account"), "the switch is one click away");
        let all = m.all_decoded();
        assert!(!all.contains("GEHEIM") && !all.contains("Trommel"), "{all}");
    }
    let t1_mails: Vec<&Mail> = mails.iter().filter(|m| m.subject().contains(&t1)).collect();
    let ids: std::collections::HashSet<String> = t1_mails.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), t1_mails.len(), "every Message-ID is unique");
    assert!(t1_mails.iter().all(|m| m.header("References") == format!("<ticket-{t1}@portal.example>")));

    // Bernd reads German: a call note on his ticket.
    staff_activity(&mut ada, &t2, &[("kind", "call"), ("body", "Zurückgerufen, Passwort erklärt.")]).expect(303);
    let mails = sink.wait_for(7, 20 * SECOND);
    assert_eq!(mails[6].to, [BERND.email]);
    assert!(mails[6].text().starts_with("Guten Tag, Bernd Anders,"), "greeting with the comma (issue 19 review)");
    assert!(mails[6].text().contains("Zu Ihrem Ticket wurde eine Anrufnotiz erfasst."));

    // Anna switches mails off: staff answers no longer reach her (not without the CSRF token).
    assert_eq!(anna.post_form("/account/notifications", &[]).status, 403);
    assert_eq!(html::attr_values(&anna.get("/account").text(), "data-notify"), ["on"]);
    let r = anna.submit("/account", "/account/notifications", &[]);
    r.expect_redirect("/account");
    assert_eq!(html::attr_values(&anna.get("/account").text(), "data-notify"), ["off"]);
    staff_activity(&mut ada, &t1, &[("kind", "message"), ("body", "Noch eine Antwort.")]).expect(303);
    assert_eq!(outbox_of(&app, &t1).iter().filter(|(r, _)| r == ANNA_ADDR).count(), 2);

    // Everything went out; admins see it, agents may not.
    wait_db(&app, "SELECT count(*) FROM outbox WHERE state <> 'sent'", 0, 20 * SECOND);
    let page = ada.get("/admin/outbox");
    page.expect(200);
    let text = page.text();
    assert_eq!(html::attr_values(&text, "data-outbox").len(), 7);
    assert!(html::attr_values(&text, "data-state").iter().all(|s| s == "sent"));
    assert!(text.contains("href=\"/admin/outbox\""), "the admin nav links the outbox");
    assert_eq!(bob.get("/admin/outbox").status, 403);
    assert_eq!(anna.get("/admin/outbox").status, 403);
}

#[test]
fn include_text_puts_the_activity_text_into_mails_but_never_an_internal_note() {
    let sink = Sink::start();
    let app = with_relay(sink.port, "include_text = true\n").start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Rechnung", "Die Rechnung 4711 ist doppelt.\nZweite Zeile <b>fett</b>", "normal");
    let mails = sink.wait_for(1, 20 * SECOND);
    let (text, html) = mails[0].parts();
    assert!(text.contains("> Die Rechnung 4711 ist doppelt.\n> Zweite Zeile <b>fett</b>"), "{text}");
    assert!(html.contains("Zweite Zeile &lt;b&gt;fett&lt;/b&gt;"), "escaped in HTML: {html}");

    staff_activity(&mut ada, &t, &[("kind", "internal_note"), ("body", "INTERN: Kulanz prüfen")]).expect(303);
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Wir schreiben 4711 gut.\n.\nGruß")]).expect(303);
    let mails = sink.wait_for(2, 20 * SECOND);
    assert_eq!(mails[1].to, [ANNA_ADDR]);
    let text = mails[1].text();
    assert!(text.contains("> Wir schreiben 4711 gut.\n> .\n> Gruß"), "a lone dot survives: {text}");
    assert!(mails.iter().all(|m| !m.all_decoded().contains("INTERN")));
    assert_eq!(outbox_of(&app, &t).len(), 2, "the internal note queued nothing");
}

#[test]
fn a_relay_that_is_down_slows_no_request_and_the_mails_go_out_when_it_is_back() {
    let port = free_port();
    let app = with_relay(port, "").start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let started = Instant::now();
    let t = create_ticket(&mut anna, "Relais weg", "Hallo?", "normal");
    for i in 0..5 {
        let t0 = Instant::now();
        staff_activity(&mut ada, &t, &[("kind", "message"), ("body", &format!("Antwort {i}"))]).expect(303);
        assert!(t0.elapsed() < 2 * SECOND, "a request took {:?} while the relay is down", t0.elapsed());
    }
    assert!(started.elapsed() < 10 * SECOND);
    // The sender tried and failed; the admins see why.
    wait_db(&app, "SELECT count(*) FROM outbox WHERE attempts > 0 AND last_error IS NOT NULL", 6, 20 * SECOND);
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE state = 'sent'"), 0);
    let page = ada.get("/admin/outbox?state=pending");
    page.expect(200);
    let errors = html::attr_values(&page.text(), "data-outbox-error");
    assert!(!errors.is_empty());
    assert!(page.text().contains("connect to 127.0.0.1"), "the reason is shown");

    let sink = Sink::start_on(port);
    let mails = sink.wait_for(6, 40 * SECOND);
    assert_eq!(to(&mails, ADA.email).len(), 1);
    assert_eq!(to(&mails, ANNA_ADDR).len(), 5);
    wait_db(&app, "SELECT count(*) FROM outbox WHERE state = 'sent'", 6, 20 * SECOND);
}

#[test]
fn kill_9_mid_send_loses_no_mail_and_repeats_at_most_the_one_in_flight() {
    let sink = Sink::start();
    sink.hold_next();
    let app = with_relay(sink.port, "").start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Absturz", "Bitte melden.", "normal");
    // The first mail (to Ada) is inside DATA, its 250 held back: the sender is stuck there.
    sink.wait_holding(20 * SECOND);
    for i in 0..4 {
        let t0 = Instant::now();
        staff_activity(&mut ada, &t, &[("kind", "message"), ("body", &format!("Antwort {i}"))]).expect(303);
        assert!(t0.elapsed() < 2 * SECOND, "a request took {:?} while the relay stalls", t0.elapsed());
    }
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE state = 'sending'"), 1);
    let expected: Vec<String> = {
        let db = app.db();
        let mut stmt = db.prepare("SELECT message_id FROM outbox ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(expected.len(), 5);

    let env = app.stop(); // SIGKILL
    sink.release();
    let app = env.start();
    wait_db(&app, "SELECT count(*) FROM outbox WHERE state = 'sent'", 5, 40 * SECOND);
    let mails = sink.mails();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &mails {
        *seen.entry(m.header("Message-ID").trim_matches(['<', '>']).to_string()).or_default() += 1;
    }
    for id in &expected {
        assert!(seen.contains_key(id), "mail {id} lost; got {seen:?}");
    }
    // The sink kept the held mail although its 250 never arrived, so the mail in flight comes
    // exactly twice (the price of never losing one); every other mail exactly once.
    let repeated: Vec<(&String, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(repeated, [(&expected[0], &2)], "only the mail in flight may come twice: {seen:?}");
    assert_eq!(mails.len(), 6);
    assert!(app.stderr().contains("being sent when ticketd stopped"), "{}", app.stderr());
}

#[test]
fn without_smtp_nothing_changes() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Ohne Mail", "Text", "normal");
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Antwort")]).expect(303);
    staff_update(&mut ada, &t, &[("status", "closed")]).expect(303);
    assert_eq!(app.count("SELECT count(*) FROM outbox"), 0);
    let account = anna.get("/account").text();
    assert!(html::form(&account, "/account/notifications").is_none());
    let queue = ada.get("/staff/tickets").text();
    // Issue 19: the outbox is in the admin nav even without a relay; its page says why it is empty.
    assert!(queue.contains("href=\"/admin/outbox\""), "the outbox in the admin nav");
    let mine = ada.get("/staff/account");
    mine.expect(200);
    assert!(html::form(&mine.text(), "/staff/account/notifications").is_none());
    assert!(html::form(&mine.text(), "/staff/password").is_none() && mine.text().contains("href=\"/staff/password\""));
    let outbox = ada.get("/admin/outbox");
    outbox.expect(200);
    assert!(outbox.text().contains("[smtp]"), "says why nothing is sent");
    let out = app.cli(&["mail", "test", "someone@example.com"]);
    out.failed();
    assert!(out.stderr.contains("[smtp]"), "{}", out.stderr);
}

#[test]
fn mail_test_prints_the_relay_answer_and_fails_when_it_is_unreachable() {
    let sink = Sink::start();
    let mail = mail_test_delivered(&with_relay(sink.port, "").prepare(), &sink);
    assert_eq!(mail.header("Auto-Submitted"), "auto-generated");
    drop(sink);

    let closed = with_relay(free_port(), "").prepare();
    let error = mail_test_error(&closed);
    assert!(error.contains("connect to 127.0.0.1"), "{error}");
    let out = closed.cli(&["mail", "test", "not an address"]);
    out.failed();
}

#[test]
fn a_refused_login_is_retried_until_the_relay_takes_it() {
    let sink = Sink::start();
    sink.shared.refuse_login.store(true, Ordering::SeqCst);
    let app = with_relay_keys(sink.port, "username = \"ticketd\"\npassword = \"s3cret\"\n", "").start();
    let mut anna = app.anna();
    create_ticket(&mut anna, "Anmeldung", "Text", "normal");
    // A 535 is about the settings, not the mail: it stays pending and is tried again.
    wait_db(
        &app,
        "SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts >= 2 AND last_error LIKE '535 5.7.8%'",
        1,
        20 * SECOND,
    );
    assert!(sink.mails().is_empty());
    sink.shared.refuse_login.store(false, Ordering::SeqCst);
    let mails = sink.wait_for(1, 20 * SECOND);
    assert_eq!(mails[0].to, [ADA.email]);
    wait_db(&app, "SELECT count(*) FROM outbox WHERE state = 'sent'", 1, 20 * SECOND);
    assert!(sink.shared.logins.lock().unwrap().iter().all(|l| l == "|ticketd|s3cret"));
}

#[test]
fn a_relay_with_a_private_ca_is_trusted_through_ca_file_and_refused_without_it() {
    let sink = Sink::start_tls();
    // Only the compiled-in Mozilla roots: the relay's certificate is refused, nothing is sent.
    let error = mail_test_error(&with_tls_relay(sink.port, "").prepare());
    assert!(error.contains("UnknownIssuer"), "{error}");
    assert!(sink.mails().is_empty());

    // `ca_file` is relative to the config file; a file that holds no certificate is refused
    // at start, naming the key.
    let env = with_tls_relay(sink.port, "ca_file = \"relay-ca.pem\"\n").prepare();
    let ca = env.dir.path.join("relay-ca.pem");
    std::fs::write(&ca, "not a certificate\n").unwrap();
    let error = mail_test_error(&env);
    assert!(error.contains("smtp.ca_file") && error.contains("no PEM certificate"), "{error}");
    std::fs::remove_file(&ca).unwrap();
    let out = env.cli(&["check"]);
    out.failed();
    assert!(out.stderr.contains("smtp.ca_file") && out.stderr.contains("relay-ca.pem"), "{}", out.stderr);

    // With the test CA the relay is trusted and the mail goes out over TLS.
    std::fs::copy(fixture("relay-ca.pem"), &ca).unwrap();
    mail_test_delivered(&env, &sink);
}

#[test]
fn a_refused_recipient_fails_at_once_and_an_admin_can_send_it_again() {
    let sink = Sink::start();
    sink.reject(ANNA_ADDR, true);
    let app = with_relay(sink.port, "").start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Postfach", "Text", "normal");
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Antwort")]).expect(303);
    // 5xx to RCPT is final: no retries, failed after one attempt, the reason kept.
    wait_db(&app, "SELECT count(*) FROM outbox WHERE state = 'failed' AND attempts = 1", 1, 20 * SECOND);
    let page = ada.get("/admin/outbox?state=failed");
    page.expect(200);
    let text = page.text();
    assert!(text.contains("550 5.1.1 no such mailbox"), "{text}");
    let ids = html::attr_values(&text, "data-outbox");
    assert_eq!(ids.len(), 1);
    let action = format!("/admin/outbox/{}/retry", ids[0]);

    // The mailbox is fixed; an admin sends the mail again (with the CSRF token only).
    sink.reject(ANNA_ADDR, false);
    assert_eq!(ada.post_form(&action, &[]).status, 403);
    let anna_csrf = crate::harness::session_csrf(&mut anna);
    assert_eq!(anna.post_form(&action, &[("csrf", &anna_csrf)]).status, 403, "customers may not");
    ada.submit("/admin/outbox?state=failed", &action, &[]).expect_redirect("/admin/outbox?state=failed");
    let mails = sink.wait_for(2, 20 * SECOND);
    assert_eq!(to(&mails, ANNA_ADDR).len(), 1);
    wait_db(&app, "SELECT count(*) FROM outbox WHERE state = 'sent'", 2, 20 * SECOND);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'mail.retry'"), 1);
    // A mail that did not fail cannot be retried.
    let csrf = crate::harness::staff_csrf(&mut ada);
    assert_eq!(ada.post_form(&action, &[("csrf", &csrf)]).status, 404);
}
