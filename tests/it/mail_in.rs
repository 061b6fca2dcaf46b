//! Mail in, end to end: each message of the corpus in `tests/it/fixtures/mail/` goes through
//! the real `ticketd mail receive` (stdin, exit status, the one line), and what it stored is
//! checked through the HTTP pages — the customer sees their mailed reply, staff see the
//! original `.eml`, the customer does not. Also `/staff/inbox` through HTTP, exit 75 with a
//! locked database, the per-sender limit, and the purge of held mail after `hold_days`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use crate::harness::{
    activities, attachment_links, create_ticket, staff_activity, staff_update, strings, Builder, Env, TestApp, ADA,
    ANNA, BERND, BIN,
};
use crate::html;

// ------------------------------------------------------------------------------ helpers

/// What one `ticketd mail receive` run did.
#[derive(Debug)]
struct Received {
    code: Option<i32>,
    line: String,
    stderr: String,
}

/// Pipes `raw` into `ticketd mail receive --config …` (bytes, not text: mails are 8-bit).
fn receive(env: &Env, raw: &[u8]) -> Received {
    let mut child = Command::new(BIN)
        .args(["mail", "receive", "--config"])
        .arg(&env.config_path)
        .env_remove("TICKETD_LISTEN")
        .env_remove("TICKETD_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ticketd mail receive");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = raw.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let mut out = String::new();
    let mut err = String::new();
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_err = std::thread::spawn(move || {
        let _ = se.read_to_string(&mut err);
        err
    });
    let _ = so.read_to_string(&mut out);
    let status = child.wait().expect("wait for mail receive");
    let _ = writer.join();
    Received { code: status.code(), line: out.trim_end().to_string(), stderr: t_err.join().unwrap_or_default() }
}

impl Received {
    #[track_caller]
    fn expect(&self, code: i32, line_prefix: &str) -> &Received {
        assert_eq!(self.code, Some(code), "exit status; line {:?}; stderr: {}", self.line, self.stderr);
        assert!(
            self.line.starts_with(line_prefix),
            "line {:?}, expected {line_prefix:?}; stderr: {}",
            self.line,
            self.stderr
        );
        if code != 0 {
            assert!(self.line.is_empty(), "no line on failure: {:?}", self.line);
        }
        self
    }

    /// The word after the outcome: a ticket number or a held id.
    fn arg(&self) -> String {
        self.line.split_once(' ').map(|(_, a)| a.to_string()).unwrap_or_default()
    }
}

/// A fixture of the corpus with its placeholders filled in.
fn fixture(name: &str, ticket: &str, sent_id: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/mail").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.replace("{{TICKET}}", ticket).replace("{{SENT_ID}}", sent_id).into_bytes()
}

/// Dead relay port: notifications are queued (and can be read from the outbox), never sent.
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Ada, Anna, Bernd, a relay that never answers, and `[inbound]` with these further keys.
fn portal(inbound: &str) -> Builder {
    Builder::new().admin(ADA).customer(ANNA).customer(BERND).top("base_url = \"https://portal.example/\"").toml(
        &format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nfrom = \"support@portal.example\"\n\
             timeout_seconds = 2\n\n[inbound]\naddress = \"support@portal.example\"\n{inbound}",
            dead_port()
        ),
    )
}

/// Anna opens a ticket; Ada answers it; returns the number and the `Message-ID` of the
/// notification Anna got.
fn ticket_with_answer(app: &TestApp, subject: &str) -> (String, String) {
    let mut anna = app.anna();
    let number = create_ticket(&mut anna, subject, "Der Drucker druckt nicht.", "normal");
    let mut ada = app.ada();
    staff_activity(&mut ada, &number, &[("kind", "message"), ("body", "Bitte starten Sie ihn neu.")]).expect(303);
    let ids = strings(
        &app.db(),
        &format!(
            "SELECT o.message_id FROM outbox o JOIN tickets t ON t.id = o.ticket_id
             WHERE t.number = '{number}' AND o.recipient = 'anna.beispiel@example.com' ORDER BY o.id"
        ),
    );
    let id = ids.last().unwrap_or_else(|| panic!("no notification to Anna for {number}")).clone();
    (number, id)
}

fn status_of(app: &TestApp, number: &str) -> String {
    strings(&app.db(), &format!("SELECT status FROM tickets WHERE number = '{number}'")).remove(0)
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.count(sql)
}

/// The texts of a ticket's activities as the customer sees them.
fn customer_timeline(app: &TestApp, number: &str) -> String {
    let mut anna = app.anna();
    let (_, page) = activities(&mut anna, number);
    html::unescape(&html::strip_tags(&page))
}

// ------------------------------------------------------------------------------ tests

#[test]
fn replies_from_each_client_land_on_their_ticket_and_the_customer_sees_them() {
    let app = portal("").start();
    let (number, sent) = ticket_with_answer(&app, "Drucker druckt nicht");
    // Waiting for the customer: the mailed reply reopens it, as a portal reply does.
    let mut ada = app.ada();
    staff_update(&mut ada, &number, &[("status", "waiting")]).expect(303);
    let before = count(&app, "SELECT count(*) FROM activities WHERE kind = 'email'");

    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "outlook_de_reply.eml",
            "reply",
            &["der Drucker läuft wieder – vielen Dank für die schnelle Hilfe!", "Mit freundlichen Grüßen"],
            &["Bitte starten Sie den Drucker neu", "Gesendet:"],
        ),
        ("gmail_en_reply.eml", "reply", &["Thanks, it works again."], &["Please restart the printer", "wrote:"]),
        ("apple_mail_de_reply.eml", "reply", &["die Überweisung ist jetzt angekommen. Schöne Grüße!"], &["schrieb"]),
        (
            "thunderbird_en_reply.eml",
            "reply",
            &["here is the invoice you asked for. The amount is 12,50 £."],
            &["Could you send us the invoice?", "Example Ltd."],
        ),
    ];
    for (file, outcome, present, absent) in cases {
        let r = receive(&app, &fixture(file, &number, &sent));
        r.expect(0, &format!("{outcome} {number}"));
        let timeline = customer_timeline(&app, &number);
        for p in *present {
            assert!(timeline.contains(p), "{file}: the customer's timeline shows {p:?}:\n{timeline}");
        }
        for a in *absent {
            assert!(!timeline.contains(a), "{file}: quoted history {a:?} is trimmed:\n{timeline}");
        }
    }
    assert_eq!(count(&app, "SELECT count(*) FROM activities WHERE kind = 'email'"), before + 4);
    assert_eq!(status_of(&app, &number), "open", "a reply to a waiting ticket opens it again");
    // Authored by the customer, with the sender and subject of the mail.
    let authors = strings(
        &app.db(),
        "SELECT author_kind || '|' || customer_id || '|' || email_from FROM activities WHERE kind = 'email' ORDER BY id",
    );
    for a in &authors {
        assert!(a.starts_with("customer|1|") && a.contains("anna.beispiel@example.com"), "{a}");
    }

    // The RFC 2231 attachment: the customer sees it; the original .eml only staff see.
    let mut anna = app.anna();
    let page = anna.get(&format!("/tickets/{number}")).text();
    let names: Vec<String> = attachment_links(&page).into_iter().map(|(_, n)| n).collect();
    assert!(names.iter().any(|n| n.contains("Rechnung März 2026.pdf")), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".eml")), "the customer sees no .eml: {names:?}");
    let staff_page = ada.get(&format!("/staff/tickets/{number}")).text();
    let staff_links = attachment_links(&staff_page);
    let emls: Vec<&(String, String)> = staff_links.iter().filter(|(_, n)| n.ends_with(".eml")).collect();
    assert_eq!(emls.len(), 4, "one original per mail for staff: {staff_links:?}");
    let (eml_id, _) = emls[0];
    let eml = ada.get(&format!("/staff/tickets/{number}/attachments/{eml_id}"));
    eml.expect(200);
    assert!(eml.text().contains("Message-ID: <AM0PR01MB1234ABCD@eurprd01.prod.outlook.com>"), "the whole message");
    anna.get(&format!("/tickets/{number}/attachments/{eml_id}")).expect(404);

    // The same message again: nothing stored twice.
    let r = receive(&app, &fixture("outlook_de_reply.eml", &number, &sent));
    r.expect(0, "dropped duplicate");
    assert_eq!(count(&app, "SELECT count(*) FROM activities WHERE kind = 'email'"), before + 4);
}

#[test]
fn known_senders_open_tickets_and_get_the_number_back_with_reply_to() {
    let app = portal("").start();
    let r = receive(&app, &fixture("new_nested.eml", "", ""));
    r.expect(0, "new ");
    let number = r.arg();
    assert!(crate::harness::is_ticket_no(&number), "{number}");
    let mut anna = app.anna();
    let page = anna.get(&format!("/tickets/{number}")).text();
    assert!(page.contains("Heizung fällt aus"), "RFC 2047 subject");
    let text = html::unescape(&html::strip_tags(&page));
    assert!(text.contains("die Heizung im Büro fällt seit heute früh aus."), "{text}");
    let names: Vec<String> = attachment_links(&page).into_iter().map(|(_, n)| n).collect();
    assert!(names.contains(&"foto.png".to_string()), "{names:?}");
    assert!(names.contains(&"Zählerstände.csv".to_string()), "{names:?}");

    // The number goes back to Anna, threaded, with Reply-To: the inbound address.
    let receipt = strings(
        &app.db(),
        &format!(
            "SELECT o.message FROM outbox o JOIN tickets t ON t.id = o.ticket_id
             WHERE t.number = '{number}' AND o.recipient = 'anna.beispiel@example.com'"
        ),
    );
    assert_eq!(receipt.len(), 1, "one receipt to Anna");
    let head = receipt[0].split("\r\n\r\n").next().unwrap_or("").replace("\r\n ", " ");
    assert!(head.contains(&format!("[Ticket {number}]")), "{head}");
    assert!(head.lines().any(|l| l.starts_with("Reply-To:") && l.contains("<support@portal.example>")), "{head}");
    assert!(head.contains("Auto-Submitted: auto-generated"), "never answered by machines: {head}");
    // Staff hear of the new ticket too (Ada's mail is queued).
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM outbox WHERE recipient = '{}' AND subject LIKE '%{number}%'", ADA.email)
        ),
        1
    );

    // HTML only, Windows-1252 in base64: converted to text.
    let r = receive(&app, &fixture("html_only_cp1252.eml", "", ""));
    r.expect(0, "new ");
    let text = customer_timeline(&app, &r.arg());
    assert!(text.contains("bitte schicken Sie uns ein Angebot für 3 Lizenzen – Preis in €."), "{text}");

    // No Message-ID: deduplicated by the hash of the message.
    let r = receive(&app, &fixture("no_message_id.eml", "", ""));
    r.expect(0, "new ");
    let tickets = count(&app, "SELECT count(*) FROM tickets");
    receive(&app, &fixture("no_message_id.eml", "", "")).expect(0, "dropped duplicate");
    assert_eq!(count(&app, "SELECT count(*) FROM tickets"), tickets);

    // A contact of Anna's company writes: a ticket of the company, written by the contact.
    app.db()
        .execute(
            "INSERT INTO contacts (customer_id, name, email, created_at) VALUES (1, 'Carla Kollegin', 'carla@example.com', 0)",
            [],
        )
        .unwrap();
    let mail = b"From: Carla Kollegin <Carla@Example.com>\nSubject: Toner\nMessage-ID: <carla-1@example.com>\n\nBitte Toner schicken.\n";
    let r = receive(&app, mail);
    r.expect(0, "new ");
    let row = strings(
        &app.db(),
        &format!(
            "SELECT t.customer_id || '|' || t.contact_id || '|' || a.contact_id || '|' || a.author_name
             FROM tickets t JOIN activities a ON a.ticket_id = t.id AND a.kind = 'email' WHERE t.number = '{}'",
            r.arg()
        ),
    );
    assert_eq!(row, ["1|1|1|Carla Kollegin"]);
}

#[test]
fn machines_strangers_forgers_and_broken_mail_are_not_imported() {
    let app = portal("").start();
    let (number, sent) = ticket_with_answer(&app, "Drucker druckt nicht");
    let activities_before = count(&app, "SELECT count(*) FROM activities");
    let outbox_before = count(&app, "SELECT count(*) FROM outbox");

    receive(&app, &fixture("bounce.eml", &number, &sent)).expect(0, "dropped bounce");
    receive(&app, &fixture("out_of_office_de.eml", &number, &sent)).expect(0, "dropped auto-reply");
    let list = b"From: Newsletter <news@shop.example>\nPrecedence: bulk\nSubject: Angebote\n\nKaufen!\n";
    receive(&app, list).expect(0, "dropped bulk");

    // A valid reference is not enough: a stranger and another customer are held.
    let r = receive(&app, &fixture("forged_reference.eml", &number, &sent));
    r.expect(0, "held ");
    let forged = r.arg();
    let bernd = String::from_utf8(fixture("forged_reference.eml", &number, &sent))
        .unwrap()
        .replace("=?UTF-8?Q?Eve_F=C3=A4lscher?= <eve@evil.example>", "Bernd Anders <bernd@example.org>")
        .replace("forged-1@evil.example", "forged-2@example.org");
    receive(&app, bernd.as_bytes()).expect(0, "held ");
    let reasons = strings(&app.db(), "SELECT reason FROM inbound_held ORDER BY id");
    assert_eq!(reasons, ["unknown_sender", "foreign_reference"]);
    assert!(forged.parse::<i64>().is_ok(), "{forged}");

    // Unreadable: exit 65, no line, nothing stored.
    for raw in [
        fixture("truncated.eml", "", ""),
        Vec::new(),
        b"\r\n\r\n".to_vec(),
        b"Dies ist keine E-Mail.\n".to_vec(),
        b"From: anna.beispiel@example.com\nSubject: Kopf ohne Ende".to_vec(),
    ] {
        receive(&app, &raw).expect(65, "");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM activities"), activities_before, "nothing imported");
    assert_eq!(count(&app, "SELECT count(*) FROM outbox"), outbox_before, "nothing answered");
    assert_eq!(count(&app, "SELECT count(*) FROM inbound_held"), 2);
    assert_eq!(count(&app, "SELECT count(*) FROM attachments"), 0, "no file half-stored");
}

#[test]
fn a_forty_megabyte_mail_is_imported_without_its_too_large_part_and_over_fifty_is_refused() {
    let app = portal("").start();
    // 30 MB of attachment (over the 25 MiB default per file) as base64: about 40 MB of mail.
    let mut rng = crate::harness::Lcg(17);
    let blob = rng.bytes(30 * 1024 * 1024);
    let b64 = base64_lines(&blob);
    let small = base64_lines(b"%PDF-1.4\nsmall\n");
    let mail = format!(
        "From: Anna Beispiel <anna.beispiel@example.com>\r\nSubject: Große Datei\r\nMessage-ID: <big-1@example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n\
         --big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei das Backup.\r\n\
         --big\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"backup.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n\
         --big\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"klein.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{small}\r\n--big--\r\n"
    );
    assert!(mail.len() > 40_000_000, "{}", mail.len());
    let r = receive(&app, mail.as_bytes());
    r.expect(0, "new ");
    let number = r.arg();
    let text = customer_timeline(&app, &number);
    assert!(text.contains("Anbei das Backup."), "{text}");
    assert!(text.contains("„backup.bin“") && text.contains("nicht übernommen"), "the activity says so: {text}");
    let names = strings(&app.db(), "SELECT file_name FROM attachments WHERE complete = 1 ORDER BY id");
    assert_eq!(names, ["klein.pdf", "Große Datei.eml"]);

    // Over the 50 MB cap: refused as unreadable, nothing stored.
    let tickets = count(&app, "SELECT count(*) FROM tickets");
    let mut huge = mail.into_bytes();
    huge.resize(51 * 1024 * 1024, b'A');
    receive(&app, &huge).expect(65, "");
    assert_eq!(count(&app, "SELECT count(*) FROM tickets"), tickets);
}

fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 38 + 8);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for j in 0..4 {
            if j <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * j)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn staff_assign_attach_and_discard_held_mail_in_the_inbox_without_javascript() {
    let app = portal("").start();
    let mut anna = app.anna();
    let number = create_ticket(&mut anna, "Vertrag", "Frage zum Vertrag.", "normal");
    let stranger = |n: u32| {
        format!(
            "From: Fritz Fremd <fritz@unknown.example>\nSubject: Anfrage {n}\nMessage-ID: <stranger-{n}@unknown.example>\n\nHallo, Frage Nummer {n}.\n"
        )
    };
    let ids: Vec<String> = (1..=3)
        .map(|n| receive(&app, stranger(n).as_bytes()))
        .map(|r| {
            r.expect(0, "held ");
            r.arg()
        })
        .collect();

    // Staff only, with a nav link; every held mail with its hook and its text.
    anna.get("/staff/inbox").expect(403);
    app.client().get("/staff/inbox").expect(303);
    let mut ada = app.ada();
    let page = ada.get("/staff/inbox");
    page.expect(200);
    let text = page.text();
    assert_eq!(html::attr_values(&text, "data-held").len(), 3);
    for id in &ids {
        assert!(html::attr_values(&text, "data-held").contains(id), "{id}");
    }
    assert!(text.contains("fritz@unknown.example") && text.contains("Hallo, Frage Nummer 2."), "preview shown");
    assert!(text.contains("href=\"/staff/inbox\""), "nav link");

    // A wrong customer or ticket: 422 with the message at the field, nothing changed.
    let action = |id: &str| format!("/staff/inbox/{id}");
    let r = ada.submit("/staff/inbox", &action(&ids[0]), &[("action", "new_ticket"), ("customer", "99999")]);
    r.expect(422);
    assert!(r.text().contains("Keinen Kunden mit dieser Kundennummer gefunden."), "{}", r.text());
    let r = ada.submit("/staff/inbox", &action(&ids[1]), &[("action", "attach"), ("ticket", "2020-99999")]);
    r.expect(422);
    assert!(r.text().contains("Kein Ticket mit dieser Nummer gefunden."));
    assert_eq!(count(&app, "SELECT count(*) FROM inbound_held"), 3);

    // New ticket for Bernd, attach to Anna's ticket, discard: 303 back each time, audited.
    let tickets = count(&app, "SELECT count(*) FROM tickets");
    ada.submit("/staff/inbox", &action(&ids[0]), &[("action", "new_ticket"), ("customer", BERND.number)])
        .expect_redirect("/staff/inbox");
    assert_eq!(count(&app, "SELECT count(*) FROM tickets WHERE customer_id = 2"), 1);
    assert_eq!(count(&app, "SELECT count(*) FROM tickets"), tickets + 1);
    ada.submit("/staff/inbox", &action(&ids[1]), &[("action", "attach"), ("ticket", &number)])
        .expect_redirect("/staff/inbox");
    assert!(customer_timeline(&app, &number).contains("Hallo, Frage Nummer 2."), "attached where Anna sees it");
    ada.submit("/staff/inbox", &action(&ids[2]), &[("action", "discard")]).expect_redirect("/staff/inbox");
    assert_eq!(count(&app, "SELECT count(*) FROM inbound_held"), 0);
    let audit =
        strings(&app.db(), "SELECT action || ' ' || target FROM audit_log WHERE action LIKE 'inbox.%' ORDER BY id");
    assert_eq!(
        audit,
        [
            format!("inbox.new_ticket {}", ids[0]),
            format!("inbox.attach {}", ids[1]),
            format!("inbox.discard {}", ids[2])
        ]
    );
    let page = ada.get("/staff/inbox").text();
    assert!(html::attr_values(&page, "data-held").is_empty());

    // Gone or never there: 404; without the CSRF token: refused.
    let csrf = crate::harness::staff_csrf(&mut ada);
    ada.post_form(&action(&ids[2]), &[("csrf", &csrf), ("action", "discard")]).expect(404);
    ada.post_form("/staff/inbox/999999", &[("csrf", &csrf), ("action", "discard")]).expect(404);
    let r = receive(&app, stranger(4).as_bytes());
    let r2 = ada.post_form(&action(&r.arg()), &[("action", "discard")]);
    assert_eq!(r2.status, 403);
    assert_eq!(count(&app, "SELECT count(*) FROM inbound_held"), 1);
}

#[test]
fn the_per_sender_limit_holds_and_old_held_mail_is_purged() {
    let app = portal("max_per_sender_per_hour = 2\nhold_days = 3").start();
    let mail = |n: u32| {
        format!(
            "From: anna.beispiel@example.com\nSubject: Nummer {n}\nMessage-ID: <limit-{n}@example.com>\n\nText {n}\n"
        )
    };
    receive(&app, mail(1).as_bytes()).expect(0, "new ");
    receive(&app, mail(2).as_bytes()).expect(0, "new ");
    let r = receive(&app, mail(3).as_bytes());
    r.expect(0, "held ");
    assert_eq!(strings(&app.db(), "SELECT reason FROM inbound_held"), ["rate_limit"]);
    let old = r.arg();

    // Older than hold_days: purged with the next import (and by the server's hourly purge).
    app.db().execute("UPDATE inbound_held SET received_at = received_at - 4 * 86400 WHERE id = ?1", [&old]).unwrap();
    let r = receive(&app, b"From: x@unknown.example\nSubject: y\nMessage-ID: <purge-1@unknown.example>\n\nz\n");
    r.expect(0, "held ");
    assert_eq!(strings(&app.db(), "SELECT CAST(id AS TEXT) FROM inbound_held"), [r.arg()]);
    let page = app.ada().get("/staff/inbox").text();
    assert_eq!(html::attr_values(&page, "data-held"), [r.arg()]);
}

#[test]
fn a_locked_or_missing_database_is_try_again_later() {
    let app = portal("").start();
    let mail = b"From: anna.beispiel@example.com\nSubject: Gesperrt\nMessage-ID: <locked-1@example.com>\n\nText\n";
    {
        let lock = app.db();
        lock.execute_batch("BEGIN IMMEDIATE").unwrap();
        let r = receive(&app, mail);
        r.expect(75, "");
        lock.execute_batch("ROLLBACK").unwrap();
    }
    assert_eq!(count(&app, "SELECT count(*) FROM tickets"), 0);
    // Afterwards the same message goes in once.
    receive(&app, mail).expect(0, "new ");

    let env = app.stop();
    let cfg = std::fs::read_to_string(&env.config_path).unwrap();
    let missing = env.dir.path.join("no-such-dir").join("t.db");
    let other = env.dir.path.join("missing.toml");
    let db_line = cfg.lines().find(|l| l.starts_with("database =")).unwrap();
    std::fs::write(&other, cfg.replace(db_line, &format!("database = {:?}", missing.to_string_lossy()))).unwrap();
    let out = Command::new(BIN)
        .args(["mail", "receive", "--config"])
        .arg(&other)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(mail)?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
}
