//! Mail in by IMAP against a small IMAP4rev1 server written here, on loopback in the test
//! process: implicit TLS or STARTTLS with the test certificate of `tests/it/fixtures` (trusted
//! through `ca_file`), folders of messages with UIDs and flags, and the commands ticketd's
//! client uses (CAPABILITY, STARTTLS, LOGIN, SELECT, UID SEARCH/FETCH/STORE/COPY/MOVE/EXPUNGE,
//! EXPUNGE, LOGOUT). It can leave out MOVE and UIDPLUS, break the connection in the middle of a
//! message's literal, and send plain text behind its OK to STARTTLS.
//!
//! `mail::imap` is driven directly (its import is a closure here) for the protocol: what
//! happens to a message after which verdict, a broken fetch, a refused login, TLS trust. The
//! server process is driven for the poller's life: a refused login is logged once and the
//! server goes on serving.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ticketd::mail::imap::{Imap, Polled, Verdict};
use ticketd::mail::{AfterImport, ImapSecurity, Inbound};

use crate::harness::{activities, create_ticket, Builder, ANNA};

// ------------------------------------------------------------------------------ the server

#[derive(Debug, Clone)]
struct Message {
    uid: u32,
    flags: BTreeSet<String>,
    body: Vec<u8>,
}

#[derive(Debug, Default)]
struct Folder {
    uid_next: u32,
    messages: Vec<Message>,
}

struct Shared {
    password: String,
    folders: Mutex<BTreeMap<String, Folder>>,
    /// Capabilities after login (MOVE, UIDPLUS) besides IMAP4rev1.
    extensions: Vec<&'static str>,
    /// Break the connection in the middle of the next this many `UID FETCH` literals.
    drop_fetches: AtomicUsize,
    /// Every command as received (tag left off), for what was and was not asked.
    commands: Mutex<Vec<String>>,
    logins: AtomicUsize,
    /// Send a plain-text line right behind the OK to STARTTLS (an injection attempt).
    inject: AtomicBool,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Mode {
    Tls,
    Starttls,
}

pub(crate) struct Server {
    pub(crate) port: u16,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub(crate) fn start(mode: Mode, extensions: &[&'static str]) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the IMAP server");
        let port = listener.local_addr().expect("address").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let mut folders = BTreeMap::new();
        folders.insert("INBOX".to_string(), Folder { uid_next: 1, messages: Vec::new() });
        let shared = Arc::new(Shared {
            password: "geheim".into(),
            folders: Mutex::new(folders),
            extensions: extensions.to_vec(),
            drop_fetches: AtomicUsize::new(0),
            commands: Mutex::new(Vec::new()),
            logins: AtomicUsize::new(0),
            inject: AtomicBool::new(false),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (sh, st, tls) = (shared.clone(), stop.clone(), server_tls());
        std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((sock, _)) => {
                        let (sh, tls) = (sh.clone(), tls.clone());
                        std::thread::spawn(move || {
                            let _ = sock.set_nonblocking(false);
                            let _ = sock.set_read_timeout(Some(Duration::from_secs(30)));
                            let _ = connection(sock, mode, tls, &sh);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Server { port, shared, stop }
    }

    pub(crate) fn folder(&self, name: &str) {
        self.shared.folders.lock().unwrap().insert(name.into(), Folder { uid_next: 1, messages: Vec::new() });
    }

    /// Delivers a message to `folder`, unseen; returns its UID.
    pub(crate) fn deliver(&self, folder: &str, body: &str) -> u32 {
        let mut folders = self.shared.folders.lock().unwrap();
        let f = folders.get_mut(folder).expect("folder exists");
        let uid = f.uid_next.max(1);
        f.uid_next = uid + 1;
        f.messages.push(Message { uid, flags: BTreeSet::new(), body: body.replace('\n', "\r\n").into_bytes() });
        uid
    }

    fn set_flag(&self, folder: &str, uid: u32, flag: &str) {
        let mut folders = self.shared.folders.lock().unwrap();
        let m = folders.get_mut(folder).unwrap().messages.iter_mut().find(|m| m.uid == uid).unwrap();
        m.flags.insert(flag.into());
    }

    /// The messages of `folder`: (uid, flags, body).
    pub(crate) fn messages(&self, folder: &str) -> Vec<(u32, Vec<String>, String)> {
        let folders = self.shared.folders.lock().unwrap();
        folders[folder]
            .messages
            .iter()
            .map(|m| (m.uid, m.flags.iter().cloned().collect(), String::from_utf8_lossy(&m.body).into_owned()))
            .collect()
    }

    pub(crate) fn flags(&self, folder: &str, uid: u32) -> Vec<String> {
        self.messages(folder).into_iter().find(|m| m.0 == uid).map(|m| m.1).expect("message still there")
    }

    pub(crate) fn commands(&self) -> Vec<String> {
        self.shared.commands.lock().unwrap().clone()
    }

    fn drop_next_fetches(&self, n: usize) {
        self.shared.drop_fetches.store(n, Ordering::SeqCst);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The test certificate for 127.0.0.1 (the relay's, see tests/it/mail.rs).
fn server_tls() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(crate::mail::fixture("relay-cert.pem"))
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .expect("certificate");
    let key = PrivateKeyDer::from_pem_file(crate::mail::fixture("relay-key.pem")).expect("key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .expect("TLS config of the IMAP server");
    Arc::new(config)
}

/// One connection: for STARTTLS a plain prelude (greeting, CAPABILITY, STARTTLS), then the
/// session over TLS.
fn connection(sock: TcpStream, mode: Mode, tls: Arc<rustls::ServerConfig>, sh: &Shared) -> std::io::Result<()> {
    let wrap = |sock| rustls::ServerConnection::new(tls.clone()).map(|c| rustls::StreamOwned::new(c, sock));
    match mode {
        Mode::Tls => {
            let mut stream = BufReader::new(wrap(sock).map_err(std::io::Error::other)?);
            send(&mut stream, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test server ready\r\n")?;
            session(stream, sh)
        }
        Mode::Starttls => {
            let mut plain = BufReader::new(sock);
            send(&mut plain, "* OK test server ready\r\n")?;
            loop {
                let Some((tag, cmd, _)) = command(&mut plain, sh)? else { return Ok(()) };
                match cmd.as_str() {
                    "CAPABILITY" => send(
                        &mut plain,
                        &format!("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n"),
                    )?,
                    "STARTTLS" => {
                        let injected = if sh.inject.load(Ordering::SeqCst) { "* 1 EXISTS\r\n" } else { "" };
                        send(&mut plain, &format!("{tag} OK begin TLS now\r\n{injected}"))?;
                        let stream = BufReader::new(wrap(plain.into_inner()).map_err(std::io::Error::other)?);
                        return session(stream, sh);
                    }
                    _ => send(&mut plain, &format!("{tag} BAD only STARTTLS first\r\n"))?,
                }
            }
        }
    }
}

fn send(stream: &mut BufReader<impl Read + Write>, text: &str) -> std::io::Result<()> {
    stream.get_mut().write_all(text.as_bytes())?;
    stream.get_mut().flush()
}

/// The next command: tag, command name (upper case; `UID X` as one), arguments.
fn command(
    stream: &mut BufReader<impl Read + Write>,
    sh: &Shared,
) -> std::io::Result<Option<(String, String, Vec<String>)>> {
    let mut line = String::new();
    if stream.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = split(line.trim_end());
    if words.len() < 2 {
        return Ok(Some(("*".into(), String::new(), Vec::new())));
    }
    let tag = words.remove(0);
    let mut cmd = words.remove(0).to_ascii_uppercase();
    if cmd == "UID" && !words.is_empty() {
        cmd = format!("UID {}", words.remove(0).to_ascii_uppercase());
    }
    let logged = if cmd == "LOGIN" { "LOGIN …".to_string() } else { format!("{cmd} {}", words.join(" ")) };
    sh.commands.lock().unwrap().push(logged.trim_end().to_string());
    Ok(Some((tag, cmd, words)))
}

/// Atoms, quoted strings (unquoted) and parenthesized lists (kept whole).
fn split(line: &str) -> Vec<String> {
    let (mut out, mut chars) = (Vec::new(), line.chars().peekable());
    while let Some(&c) = chars.peek() {
        match c {
            ' ' => {
                chars.next();
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => s.extend(chars.next()),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
            '(' => {
                let mut s = String::new();
                for c in chars.by_ref() {
                    s.push(c);
                    if c == ')' {
                        break;
                    }
                }
                out.push(s);
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c == ' ' {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(s);
            }
        }
    }
    out
}

/// The authenticated part of a connection.
fn session(mut s: BufReader<impl Read + Write>, sh: &Shared) -> std::io::Result<()> {
    let mut selected: Option<String> = None;
    let mut logged_in = false;
    loop {
        let Some((tag, cmd, args)) = command(&mut s, sh)? else { return Ok(()) };
        let ok = format!("{tag} OK {cmd} completed\r\n");
        match cmd.as_str() {
            "CAPABILITY" => {
                let more = if logged_in { sh.extensions.join(" ") } else { String::new() };
                send(&mut s, &format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN {more}\r\n{ok}"))?;
            }
            "NOOP" => send(&mut s, &ok)?,
            "LOGOUT" => {
                send(&mut s, &format!("* BYE see you\r\n{ok}"))?;
                return Ok(());
            }
            "LOGIN" => {
                if args.len() == 2 && args[0] == "support@portal.example" && args[1] == sh.password {
                    sh.logins.fetch_add(1, Ordering::SeqCst);
                    logged_in = true;
                    send(&mut s, &ok)?;
                } else {
                    send(&mut s, &format!("{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"))?;
                }
            }
            _ if !logged_in => send(&mut s, &format!("{tag} BAD log in first\r\n"))?,
            "SELECT" => {
                let folders = sh.folders.lock().unwrap();
                match args.first().and_then(|name| folders.get(name).map(|f| (name, f))) {
                    Some((name, f)) => {
                        let text = format!(
                            "* {} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n\
                             * OK [UIDNEXT {}] next\r\n* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
                             {tag} OK [READ-WRITE] SELECT completed\r\n",
                            f.messages.len(),
                            f.uid_next.max(1)
                        );
                        selected = Some(name.clone());
                        drop(folders);
                        send(&mut s, &text)?;
                    }
                    None => {
                        drop(folders);
                        send(&mut s, &format!("{tag} NO no such mailbox\r\n"))?;
                    }
                }
            }
            _ if selected.is_none() => send(&mut s, &format!("{tag} BAD select first\r\n"))?,
            "UID SEARCH" => {
                let criteria: Vec<String> = args.iter().map(|a| a.to_ascii_uppercase()).collect();
                let folders = sh.folders.lock().unwrap();
                let uids: Vec<String> = folders[selected.as_deref().unwrap()]
                    .messages
                    .iter()
                    .filter(|m| {
                        criteria.iter().all(|c| match c.as_str() {
                            "UNSEEN" => !m.flags.contains("\\Seen"),
                            "UNDELETED" => !m.flags.contains("\\Deleted"),
                            _ => true,
                        })
                    })
                    .map(|m| m.uid.to_string())
                    .collect();
                drop(folders);
                let list = if uids.is_empty() { String::new() } else { format!(" {}", uids.join(" ")) };
                send(&mut s, &format!("* SEARCH{list}\r\n{ok}"))?;
            }
            "UID FETCH" => {
                let uids = uid_set(&args[0]);
                let folders = sh.folders.lock().unwrap();
                let found: Vec<(usize, Message)> = folders[selected.as_deref().unwrap()]
                    .messages
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| uids.contains(&m.uid))
                    .map(|(i, m)| (i + 1, m.clone()))
                    .collect();
                drop(folders);
                let body = args[1].to_ascii_uppercase().contains("BODY.PEEK[]");
                for (seq, m) in found {
                    if !body {
                        send(&mut s, &format!("* {seq} FETCH (UID {} RFC822.SIZE {})\r\n", m.uid, m.body.len()))?;
                        continue;
                    }
                    let head = format!("* {seq} FETCH (UID {} BODY[] {{{}}}\r\n", m.uid, m.body.len());
                    s.get_mut().write_all(head.as_bytes())?;
                    let cut = sh.drop_fetches.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
                    if cut.is_ok() {
                        // Half of the literal, then the connection is gone.
                        s.get_mut().write_all(&m.body[..m.body.len() / 2])?;
                        s.get_mut().flush()?;
                        return Ok(());
                    }
                    s.get_mut().write_all(&m.body)?;
                    s.get_mut().write_all(b")\r\n")?;
                }
                send(&mut s, &ok)?;
            }
            "UID STORE" => {
                let (uids, how, list) = (uid_set(&args[0]), args[1].to_ascii_uppercase(), &args[2]);
                let flags: Vec<String> = list.trim_matches(['(', ')']).split(' ').map(str::to_string).collect();
                let mut folders = sh.folders.lock().unwrap();
                for m in folders.get_mut(selected.as_deref().unwrap()).unwrap().messages.iter_mut() {
                    if uids.contains(&m.uid) {
                        for f in &flags {
                            if how.starts_with('+') {
                                m.flags.insert(f.clone());
                            } else {
                                m.flags.remove(f);
                            }
                        }
                    }
                }
                drop(folders);
                send(&mut s, &ok)?;
            }
            "EXPUNGE" | "UID EXPUNGE" => {
                let only = args.first().map(|a| uid_set(a));
                let gone = take(sh, selected.as_deref().unwrap(), |m| {
                    m.flags.contains("\\Deleted") && only.as_ref().is_none_or(|u| u.contains(&m.uid))
                });
                let lines: String = gone.iter().map(|(seq, _)| format!("* {seq} EXPUNGE\r\n")).collect();
                send(&mut s, &format!("{lines}{ok}"))?;
            }
            "UID COPY" | "UID MOVE" => {
                let (uids, to) = (uid_set(&args[0]), args[1].clone());
                if !sh.folders.lock().unwrap().contains_key(&to) {
                    send(&mut s, &format!("{tag} NO [TRYCREATE] no such mailbox\r\n"))?;
                    continue;
                }
                let from = selected.clone().unwrap();
                let copied: Vec<Message> = if cmd == "UID MOVE" {
                    take(sh, &from, |m| uids.contains(&m.uid)).into_iter().map(|(_, m)| m).collect()
                } else {
                    let folders = sh.folders.lock().unwrap();
                    folders[&from].messages.iter().filter(|m| uids.contains(&m.uid)).cloned().collect()
                };
                let mut folders = sh.folders.lock().unwrap();
                let dest = folders.get_mut(&to).unwrap();
                for mut m in copied {
                    m.uid = dest.uid_next.max(1);
                    dest.uid_next = m.uid + 1;
                    dest.messages.push(m);
                }
                drop(folders);
                send(&mut s, &ok)?;
            }
            _ => send(&mut s, &format!("{tag} BAD unknown command\r\n"))?,
        }
    }
}

/// Removes the messages of `folder` that `pick` chooses; their sequence numbers as the client
/// must read the `EXPUNGE` responses (each one shifts the following).
fn take(sh: &Shared, folder: &str, pick: impl Fn(&Message) -> bool) -> Vec<(usize, Message)> {
    let mut folders = sh.folders.lock().unwrap();
    let messages = &mut folders.get_mut(folder).unwrap().messages;
    let mut gone = Vec::new();
    let mut i = 0;
    while i < messages.len() {
        if pick(&messages[i]) {
            gone.push((i + 1, messages.remove(i)));
        } else {
            i += 1;
        }
    }
    gone
}

/// `3`, `1:4`, `1,5` — all our client sends.
fn uid_set(s: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for part in s.split(',') {
        match part.split_once(':') {
            Some((a, b)) => out.extend(a.parse::<u32>().unwrap()..=b.parse::<u32>().unwrap()),
            None => {
                out.insert(part.parse().unwrap());
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------ fixtures

fn settings(server: &Server, security: ImapSecurity, after: AfterImport) -> Inbound {
    Inbound {
        imap_host: Some("127.0.0.1".into()),
        imap_port: server.port,
        imap_security: security,
        imap_username: Some("support@portal.example".into()),
        imap_password: Some("geheim".into()),
        after_import: after,
        ca_file: Some(crate::mail::fixture("relay-ca.pem")),
        ..Inbound::default()
    }
}

fn client(server: &Server, after: AfterImport) -> Imap {
    Imap::from_settings(&settings(server, ImapSecurity::Tls, after)).expect("settings").expect("imap_host set")
}

pub(crate) fn mail(n: u32) -> String {
    format!(
        "From: Anna Beispiel <anna.beispiel@example.com>\nTo: support@portal.example\n\
         Subject: Frage {n}\nMessage-ID: <frage-{n}@example.com>\n\nHallo, eine Frage ({n}).\n"
    )
}

/// Polls with an import that keeps every message it is handed and answers `verdict`.
fn poll(imap: &Imap, verdict: Verdict) -> (Result<Polled, String>, Vec<String>) {
    let mut got = Vec::new();
    let r = imap.poll(1 << 20, |raw| {
        got.push(String::from_utf8_lossy(raw).into_owned());
        verdict
    });
    (r, got)
}

// ------------------------------------------------------------------------------ the protocol

#[test]
fn imported_messages_are_flagged_seen_and_not_fetched_again() {
    let server = Server::start(Mode::Tls, &["UIDPLUS", "MOVE"]);
    let (a, b) = (server.deliver("INBOX", &mail(1)), server.deliver("INBOX", &mail(2)));
    // Read by a person in a mail client already: not ours to take.
    let read = server.deliver("INBOX", &mail(3));
    server.set_flag("INBOX", read, "\\Seen");
    let imap = client(&server, AfterImport::Seen);

    let (r, got) = poll(&imap, Verdict::Imported);
    assert_eq!(r.unwrap(), Polled { imported: 2, ..Polled::default() });
    assert_eq!(got.len(), 2);
    assert!(got[0].starts_with("From: Anna Beispiel") && got[0].contains("Frage 1\r\n"), "{}", got[0]);
    assert!(got[1].contains("Hallo, eine Frage (2).\r\n"), "{}", got[1]);
    assert_eq!(server.flags("INBOX", a), ["\\Seen"]);
    assert_eq!(server.flags("INBOX", b), ["\\Seen"]);
    assert_eq!(server.messages("INBOX").len(), 3, "nothing deleted");
    // The message is fetched without setting \Seen; the flag comes after the import.
    let commands = server.commands();
    assert!(commands.contains(&"UID FETCH 1 (UID BODY.PEEK[])".to_string()), "{commands:#?}");
    assert!(commands.contains(&"UID STORE 1 +FLAGS.SILENT (\\Seen)".to_string()), "{commands:#?}");

    let (r, got) = poll(&imap, Verdict::Imported);
    assert_eq!(r.unwrap(), Polled::default());
    assert!(got.is_empty(), "imported messages are not offered again: {got:?}");
}

#[test]
fn delete_removes_only_the_imported_message() {
    for extensions in [&["UIDPLUS"][..], &[][..]] {
        let server = Server::start(Mode::Tls, extensions);
        server.deliver("INBOX", &mail(1));
        let kept = server.deliver("INBOX", &mail(2));
        server.set_flag("INBOX", kept, "\\Seen");
        let imap = client(&server, AfterImport::Delete);
        let (r, got) = poll(&imap, Verdict::Imported);
        assert_eq!(r.unwrap().imported, 1);
        assert_eq!(got.len(), 1);
        let left: Vec<u32> = server.messages("INBOX").iter().map(|m| m.0).collect();
        assert_eq!(left, [kept], "with {extensions:?}");
        let expunge = if extensions.is_empty() { "EXPUNGE" } else { "UID EXPUNGE 1" };
        assert!(server.commands().contains(&expunge.to_string()), "{:#?}", server.commands());
    }
}

#[test]
fn move_puts_the_message_read_into_the_folder_with_move_or_copy() {
    for extensions in [&["MOVE", "UIDPLUS"][..], &[][..]] {
        let server = Server::start(Mode::Tls, extensions);
        server.folder("Archiv");
        server.deliver("INBOX", &mail(1));
        let imap = client(&server, AfterImport::Move("Archiv".into()));
        let (r, _) = poll(&imap, Verdict::Imported);
        assert_eq!(r.unwrap().imported, 1);
        assert!(server.messages("INBOX").is_empty(), "with {extensions:?}: {:?}", server.messages("INBOX"));
        let archived = server.messages("Archiv");
        assert_eq!(archived.len(), 1);
        assert_eq!(archived[0].1, ["\\Seen"], "read in the archive");
        assert!(archived[0].2.contains("Frage 1"));
        let verb = if extensions.is_empty() { "UID COPY 1 Archiv" } else { "UID MOVE 1 Archiv" };
        assert!(server.commands().iter().any(|c| c == verb), "{:#?}", server.commands());
    }
}

#[test]
fn a_move_to_a_missing_folder_leaves_the_message_unseen_for_the_next_poll() {
    let server = Server::start(Mode::Tls, &["MOVE", "UIDPLUS"]);
    let uid = server.deliver("INBOX", &mail(1));
    let imap = client(&server, AfterImport::Move("Archiv".into()));
    let (r, got) = poll(&imap, Verdict::Imported);
    let e = r.unwrap_err();
    assert!(e.contains("UID MOVE to \"Archiv\"") && e.contains("no such mailbox"), "{e}");
    assert_eq!(got.len(), 1);
    assert!(server.flags("INBOX", uid).is_empty(), "unseen again: {:?}", server.flags("INBOX", uid));
    // Once the folder exists, the next poll offers it again (the importer sees a duplicate)
    // and moves it.
    server.folder("Archiv");
    let (r, got) = poll(&imap, Verdict::Imported);
    assert_eq!(r.unwrap().imported, 1);
    assert_eq!(got.len(), 1);
    assert_eq!(server.messages("Archiv").len(), 1);
    assert!(server.messages("INBOX").is_empty());
}

#[test]
fn a_connection_that_drops_mid_fetch_imports_nothing_and_the_next_poll_imports_once() {
    let server = Server::start(Mode::Tls, &["UIDPLUS", "MOVE"]);
    let uid = server.deliver("INBOX", &mail(1));
    let imap = client(&server, AfterImport::Seen);
    server.drop_next_fetches(1);

    let (r, got) = poll(&imap, Verdict::Imported);
    let e = r.unwrap_err();
    assert!(e.starts_with("UID FETCH 1: "), "{e}");
    assert!(got.is_empty(), "half a message is never imported: {got:?}");
    assert!(server.flags("INBOX", uid).is_empty(), "nothing marked");
    assert!(!server.commands().iter().any(|c| c.starts_with("UID STORE")), "{:#?}", server.commands());

    let (r, got) = poll(&imap, Verdict::Imported);
    assert_eq!(r.unwrap().imported, 1);
    assert_eq!(got.len(), 1);
    assert!(got[0].ends_with("Hallo, eine Frage (1).\r\n"), "the whole message: {:?}", got[0]);
    assert_eq!(server.flags("INBOX", uid), ["\\Seen"]);
    let (_, got) = poll(&imap, Verdict::Imported);
    assert!(got.is_empty(), "exactly once");
}

#[test]
fn a_busy_import_leaves_the_message_and_an_unreadable_one_is_only_flagged_seen() {
    let server = Server::start(Mode::Tls, &["UIDPLUS", "MOVE"]);
    server.folder("Archiv");
    let uid = server.deliver("INBOX", &mail(1));
    let imap = client(&server, AfterImport::Move("Archiv".into()));

    let (r, got) = poll(&imap, Verdict::Later);
    assert_eq!(r.unwrap(), Polled { later: 1, ..Polled::default() });
    assert_eq!(got.len(), 1);
    assert!(server.flags("INBOX", uid).is_empty(), "untouched");
    assert!(!server.commands().iter().any(|c| c.starts_with("UID STORE") || c.starts_with("UID MOVE")));

    let (r, got) = poll(&imap, Verdict::Unreadable);
    assert_eq!(r.unwrap(), Polled { unreadable: 1, ..Polled::default() });
    assert_eq!(got.len(), 1, "offered again");
    assert_eq!(server.flags("INBOX", uid), ["\\Seen"], "flagged, never moved or deleted");
    assert!(server.messages("Archiv").is_empty());
    let (_, got) = poll(&imap, Verdict::Imported);
    assert!(got.is_empty(), "not offered again");
}

#[test]
fn starttls_and_implicit_tls_are_trusted_through_ca_file_and_refused_without_it() {
    for (mode, security) in [(Mode::Starttls, ImapSecurity::Starttls), (Mode::Tls, ImapSecurity::Tls)] {
        let server = Server::start(mode, &["UIDPLUS", "MOVE"]);
        server.deliver("INBOX", &mail(1));
        let mut s = settings(&server, security, AfterImport::Seen);
        let imap = Imap::from_settings(&s).unwrap().unwrap();
        let (r, got) = poll(&imap, Verdict::Imported);
        assert_eq!(r.unwrap().imported, 1, "{security:?}");
        assert_eq!(got.len(), 1);
        if mode == Mode::Starttls {
            assert_eq!(server.commands()[0], "STARTTLS", "STARTTLS before anything else");
        }

        // Without the private CA the certificate is not trusted, and no password is sent.
        server.deliver("INBOX", &mail(2));
        s.ca_file = None;
        let logins = server.shared.logins.load(Ordering::SeqCst);
        let (r, got) = poll(&Imap::from_settings(&s).unwrap().unwrap(), Verdict::Imported);
        let e = r.unwrap_err();
        assert!(e.starts_with(&format!("TLS with 127.0.0.1:{}: ", server.port)) && e.contains("certificate"), "{e}");
        assert!(got.is_empty());
        assert_eq!(server.shared.logins.load(Ordering::SeqCst), logins);
        assert!(!server.commands().iter().skip(1).any(|c| c.starts_with("LOGIN") && c != "LOGIN …"));
    }
}

#[test]
fn plain_text_after_the_ok_to_starttls_is_refused_before_any_login() {
    let server = Server::start(Mode::Starttls, &[]);
    server.deliver("INBOX", &mail(1));
    server.shared.inject.store(true, Ordering::SeqCst);
    let imap = Imap::from_settings(&settings(&server, ImapSecurity::Starttls, AfterImport::Seen)).unwrap().unwrap();
    let (r, got) = poll(&imap, Verdict::Imported);
    let e = r.unwrap_err();
    assert!(e.contains("the server sent data after its OK to STARTTLS"), "{e}");
    assert!(got.is_empty());
    assert_eq!(server.shared.logins.load(Ordering::SeqCst), 0);
    assert_eq!(server.commands(), ["STARTTLS"]);
}

#[test]
fn a_wrong_password_or_folder_is_an_error_that_names_it_and_check_tells_what_is_there() {
    let server = Server::start(Mode::Tls, &[]);
    server.deliver("INBOX", &mail(1));
    let mut s = settings(&server, ImapSecurity::Tls, AfterImport::Seen);
    s.imap_password = Some("falsch".into());
    let (r, got) = poll(&Imap::from_settings(&s).unwrap().unwrap(), Verdict::Imported);
    let e = r.unwrap_err();
    assert!(e.contains("LOGIN as \"support@portal.example\"") && e.contains("Invalid credentials"), "{e}");
    assert!(!e.contains("falsch"), "{e}");
    assert!(got.is_empty());

    let e = Imap::from_settings(&s).unwrap().unwrap().check().unwrap_err();
    assert!(e.contains("Invalid credentials"), "{e}");
    let ok = client(&server, AfterImport::Seen).check().unwrap();
    assert_eq!(ok, format!("127.0.0.1:{}: \"INBOX\" holds 1 message(s), 1 unread", server.port));

    let mut s = settings(&server, ImapSecurity::Tls, AfterImport::Seen);
    s.imap_folder = "Tickets".into();
    let (r, _) = poll(&Imap::from_settings(&s).unwrap().unwrap(), Verdict::Imported);
    let e = r.unwrap_err();
    assert!(e.starts_with("SELECT \"Tickets\": "), "{e}");
}

// ------------------------------------------------------------------------------ the server process

/// `[inbound]` for the test server, polling every second.
fn inbound_toml(server: &Server, keys: &str) -> String {
    format!(
        "[inbound]\nimap_host = \"127.0.0.1\"\nimap_port = {}\nimap_security = \"tls\"\n\
         imap_username = \"support@portal.example\"\nca_file = {:?}\npoll_seconds = 1\n{keys}",
        server.port,
        crate::mail::fixture("relay-ca.pem").to_string_lossy()
    )
}

#[track_caller]
pub(crate) fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_refused_login_is_logged_once_and_the_server_keeps_serving() {
    let server = Server::start(Mode::Tls, &[]);
    server.deliver("INBOX", &mail(1));
    let app = Builder::new().toml(&inbound_toml(&server, "imap_password = \"falsch\"\n")).start();
    // The poller tries again (every 1, 2, 4 … seconds), and says so once.
    wait_for("two LOGIN attempts", Duration::from_secs(20), || {
        server.commands().iter().filter(|c| c.as_str() == "LOGIN …").count() >= 2
    });
    let log = app.stderr();
    assert_eq!(log.matches("Invalid credentials").count(), 1, "{log}");
    assert!(log.contains("imap: LOGIN as \"support@portal.example\" at 127.0.0.1:"), "{log}");
    assert!(!log.contains("falsch"), "{log}");
    let r = app.client().get("/healthz");
    assert_eq!(r.status, 200);
    assert!(server.flags("INBOX", 1).is_empty());
}

#[test]
fn a_customers_mailed_reply_appears_once_in_the_timeline_even_after_a_broken_fetch() {
    let server = Server::start(Mode::Tls, &["MOVE", "UIDPLUS"]);
    server.folder("Archiv");
    let app = Builder::new()
        .customer(ANNA)
        .toml(&inbound_toml(&server, "imap_password = \"geheim\"\nafter_import = \"move:Archiv\"\n"))
        .start();
    let mut anna = app.anna();
    let number = create_ticket(&mut anna, "Drucker druckt nicht", "Seit gestern kommt nichts mehr.", "normal");
    let reply = format!(
        "From: Anna Beispiel <anna.beispiel@example.com>\nTo: support@portal.example\n\
         Subject: Re: [{number}] Drucker druckt nicht\nMessage-ID: <antwort-1@example.com>\n\
         Date: Mon, 7 Dec 2026 09:15:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n\
         Danke, nach dem Neustart druckt er wieder.\n\nAm 6. Dezember 2026 schrieb Support:\n> Bitte neu starten.\n"
    );
    // The first fetch breaks in the middle of the message: nothing of it may be stored.
    server.drop_next_fetches(1);
    server.deliver("INBOX", &reply);
    wait_for("the reply moved to Archiv", Duration::from_secs(30), || server.messages("Archiv").len() == 1);
    assert!(server.messages("INBOX").is_empty());
    assert!(server.commands().iter().filter(|c| c.starts_with("UID FETCH")).count() >= 2, "{:#?}", server.commands());

    let mailed = |anna: &mut crate::http::Client| -> Vec<String> {
        let (tags, page) = activities(anna, &number);
        assert!(page.contains("Danke, nach dem Neustart druckt er wieder."), "{page}");
        tags.iter()
            .filter(|t| t.attr("data-activity-kind") == "email")
            .map(|t| t.attr("data-activity-kind").to_string())
            .collect()
    };
    assert_eq!(mailed(&mut anna).len(), 1, "one e-mail activity");
    let page = anna.get(&format!("/tickets/{number}")).text();
    assert!(!page.contains("Bitte neu starten."), "the quoted history is trimmed");

    // The same message delivered once more: the importer knows its Message-ID; it is moved
    // away and the timeline does not change.
    server.deliver("INBOX", &reply);
    wait_for("the copy moved to Archiv", Duration::from_secs(30), || server.messages("Archiv").len() == 2);
    assert_eq!(mailed(&mut anna).len(), 1, "still one e-mail activity");
    assert!(app.stderr().contains("dropped duplicate"), "{}", app.stderr());
}

#[test]
fn a_message_over_the_size_limit_is_flagged_seen_without_being_downloaded() {
    let server = Server::start(Mode::Tls, &["UIDPLUS", "MOVE"]);
    server.folder("Archiv");
    let big = server.deliver("INBOX", &format!("{}{}\n", mail(1), "x".repeat(4000)));
    let small = server.deliver("INBOX", &mail(2));
    let imap = client(&server, AfterImport::Move("Archiv".into()));
    let mut got = Vec::new();
    let r = imap.poll(1000, |raw| {
        got.push(String::from_utf8_lossy(raw).into_owned());
        Verdict::Imported
    });
    assert_eq!(r.unwrap(), Polled { imported: 1, too_large: 1, ..Polled::default() });
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("Frage 2"));
    assert_eq!(server.flags("INBOX", big), ["\\Seen"], "flagged, left in place");
    assert_eq!(server.messages("Archiv").len(), 1, "only the small one moved ({small})");
    let commands = server.commands();
    assert!(!commands.contains(&format!("UID FETCH {big} (UID BODY.PEEK[])")), "{commands:#?}");
}
