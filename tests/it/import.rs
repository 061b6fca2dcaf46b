//! The customer import (issue 21) through `ticketd customer import` and
//! `/staff/customers/import`: a dry run changes nothing; existing numbers only with
//! `--update`; `--invite` mails invitations through the outbox; broken lines, duplicate
//! addresses and formulas are reported by line and nothing is imported; `;` and `,`, UTF-8 with
//! BOM and Windows-1252; files over 10 MB are refused; the staff page previews, then imports on
//! confirmation; the customer CSV export imports again unchanged; 10,000 lines in one go.

use std::path::PathBuf;

use crate::harness::{Builder, Env, ADA, ANNA};
use crate::html;
use crate::http::Upload;
use crate::mail::{with_relay, Sink};

const SECOND: std::time::Duration = std::time::Duration::from_secs(1);

fn write(env: &Env, name: &str, data: &[u8]) -> PathBuf {
    let p = env.dir.path.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

fn import(env: &Env, file: &std::path::Path, flags: &[&str]) -> crate::harness::CliOut {
    let path = file.to_string_lossy().into_owned();
    let mut args = vec!["customer", "import", path.as_str()];
    args.extend_from_slice(flags);
    env.cli(&args)
}

fn names(env: &Env) -> Vec<String> {
    crate::harness::strings(
        &env.db(),
        "SELECT customer_no || '|' || name || '|' || email || '|' || phone FROM customers ORDER BY customer_no",
    )
}

/// Windows-1252, `;`, German headers, as Excel on a German Windows saves "CSV".
fn excel_file() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(b"Kundennummer;Firma;E-Mail;Telefon;Ansprechpartner\r\n");
    f.extend_from_slice(b"K-20001;M\xfcller & S\xf6hne GmbH;info@mueller.example;+49 30 1234;\"J\xfcrgen M\xfcller <jm@mueller.example>|Eva Wei\xdf <eva@mueller.example>\"\r\n");
    f.extend_from_slice(b"K-20002;Stra\xdfenbau Nord;post@nord.example;;\r\n");
    f
}

#[test]
fn cli_dry_run_import_update_and_encodings() {
    let env = Builder::new().customer(ANNA).prepare();
    let file = write(&env, "kunden.csv", &excel_file());
    let before = names(&env);
    let out = import(&env, &file, &["--dry-run"]);
    out.ok();
    assert!(out.stdout.contains("windows-1252"), "{}", out.stdout);
    assert!(out.stdout.contains("would import 2 new"), "{}", out.stdout);
    assert!(out.stdout.contains("2 new contact(s)"), "{}", out.stdout);
    assert_eq!(names(&env), before, "a dry run wrote something");

    import(&env, &file, &[]).ok();
    let after = names(&env);
    assert!(after.contains(&"K-20001|Müller & Söhne GmbH|info@mueller.example|+49 30 1234".to_string()), "{after:?}");
    assert!(after.contains(&"K-20002|Straßenbau Nord|post@nord.example|".to_string()));
    let contacts = crate::harness::strings(&env.db(), "SELECT name || ' ' || email FROM contacts ORDER BY id");
    assert_eq!(contacts, vec!["Jürgen Müller jm@mueller.example", "Eva Weiß eva@mueller.example"]);
    assert_eq!(env.count("SELECT count(*) FROM audit_log WHERE action = 'customer.create' AND detail = 'import'"), 2);

    // Again: the numbers exist, so without --update every line is an error and nothing changes.
    let again = import(&env, &file, &[]);
    again.failed();
    assert!(again.stdout.contains("line 2: Kundennummer: Customer number K-20001 exists already"), "{}", again.stdout);
    assert!(again.stdout.contains("nothing was imported"));

    // UTF-8 with BOM and `,`: an update of one name, one new contact, the other unchanged.
    let changed = "\u{feff}customer_no,name,email,phone,contacts\n\
                   K-20001,Müller & Söhne KG,info@mueller.example,+49 30 1234,\"Jürgen Müller <jm@mueller.example>|Neu Person <neu@mueller.example>\"\n\
                   K-20002,Straßenbau Nord,post@nord.example,,\n";
    let file2 = write(&env, "update.csv", changed.as_bytes());
    let out = import(&env, &file2, &["--update"]);
    out.ok();
    assert!(out.stdout.contains("(utf-8, separator ',')"), "{}", out.stdout);
    assert!(out.stdout.contains("imported 0 new, 1 updated, 1 unchanged, 1 new contact(s)"), "{}", out.stdout);
    assert!(names(&env).contains(&"K-20001|Müller & Söhne KG|info@mueller.example|+49 30 1234".to_string()));
    assert_eq!(env.count("SELECT count(*) FROM contacts"), 3, "existing contacts stay, the new one is added");
    // An imported customer has no password anyone knows.
    assert_eq!(
        env.count("SELECT count(*) FROM customers WHERE customer_no LIKE 'K-2000%' AND password_copy IS NULL"),
        2
    );
}

#[test]
fn bad_lines_are_reported_by_line_and_nothing_is_imported() {
    let env = Builder::new().customer(ANNA).prepare();
    let file = format!(
        "Kundennummer;Name;E-Mail;Telefon;Ansprechpartner\n\
         K-1;Gut GmbH;gut@example.com;;\n\
         K-2;Doppelt AG;{anna};;\n\
         K-3;Formel;=HYPERLINK(\"http://evil.example\");;\n\
         K-4;\"Kaputt;x@example.com\n\
         K-5;Zweimal;gut@example.com;;\n\
         K-6;Kontakt;k6@example.com;;Nur Name\n\
         K-7;Telefon;k7@example.com;+cmd|' /C calc'!A0;\n",
        anna = ANNA.email.to_lowercase()
    );
    let path = write(&env, "bad.csv", file.as_bytes());
    let before = names(&env);
    let out = import(&env, &path, &[]);
    out.failed();
    let s = &out.stdout;
    assert!(
        s.contains(&format!("line 3: E-Mail: E-mail address {} is already taken", ANNA.email.to_lowercase())),
        "{s}"
    );
    assert!(s.contains("line 4: E-Mail: Formulas are not allowed"), "{s}");
    // The open quote runs to the end of the file: one broken record from line 5 on.
    assert!(s.contains("line 5: ") && s.contains("fields instead of 5"), "{s}");
    assert!(!s.contains("line 6:"), "the broken line swallowed the rest: {s}");
    assert!(names(&env) == before, "something was imported");

    let file = "Kundennummer;Name;E-Mail;Telefon;Ansprechpartner\n\
                K-1;Gut GmbH;gut@example.com;;\n\
                K-5;Zweimal;gut@example.com;;\n\
                K-6;Kontakt;k6@example.com;;Nur Name\n\
                K-7;Telefon;k7@example.com;+cmd|' /C calc'!A0;\n\
                K-1;Nochmal;n@example.com;;\n";
    let path = write(&env, "bad2.csv", file.as_bytes());
    let out = import(&env, &path, &["--dry-run"]);
    out.failed();
    let s = &out.stdout;
    assert!(s.contains("line 3: E-Mail: E-mail address gut@example.com is already in line 2"), "{s}");
    assert!(s.contains("line 4: Ansprechpartner: Contact cannot be read: Nur Name"), "{s}");
    assert!(s.contains("line 5: Telefon: Formulas are not allowed"), "{s}");
    assert!(s.contains("line 6: Kundennummer: Customer number K-1 is already in line 2"), "{s}");
    assert_eq!(names(&env), before);

    // Over 10 MB: refused before reading; 50 MB as well.
    for size in [10 * 1024 * 1024 + 1, 50 * 1024 * 1024] {
        let big = env.dir.path.join("big.csv");
        std::fs::File::create(&big).unwrap().set_len(size).unwrap();
        let out = import(&env, &big, &[]);
        out.failed();
        assert!(out.stderr.contains("at most 10485760 bytes"), "{}", out.stderr);
    }
    // A missing column is named.
    let path = write(&env, "cols.csv", b"Nummer;Name\nK-9;Neun\n");
    let out = import(&env, &path, &[]);
    out.failed();
    assert!(
        out.stdout.contains("line 1: The header line does not name the column \"E-Mail / email\""),
        "{}",
        out.stdout
    );
}

#[test]
fn invite_mails_every_new_customer_and_contact() {
    let sink = Sink::start();
    let env = with_relay(sink.port, "").prepare();
    let file = write(&env, "kunden.csv", &excel_file());
    let out = import(&env, &file, &["--invite"]);
    out.ok();
    assert!(out.stdout.contains("4 invitation(s)"), "{}", out.stdout);
    assert_eq!(env.count("SELECT count(*) FROM password_tokens WHERE purpose = 'invite'"), 4);
    assert_eq!(env.count("SELECT count(*) FROM audit_log WHERE action = 'invite.sent'"), 4);
    // The server's sender delivers what the import queued.
    let _app = env.start();
    let mails = sink.wait_for(4, 20 * SECOND);
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, vec!["eva@mueller.example", "info@mueller.example", "jm@mueller.example", "post@nord.example"]);
    assert!(mails.iter().all(|m| m.all_decoded().contains("/login/reset/")), "each mail carries its link");

    // Without [smtp], --invite is refused before anything is read.
    let env = Builder::new().prepare();
    let file = write(&env, "kunden.csv", &excel_file());
    let out = import(&env, &file, &["--invite"]);
    out.failed();
    assert!(out.stderr.contains("invite"), "{}", out.stderr);
    assert_eq!(env.count("SELECT count(*) FROM customers"), 0);
}

#[test]
fn staff_page_previews_then_imports_on_confirmation() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let page = ada.get("/staff/customers/import");
    page.expect(200);
    let csrf = html::form_input(&page.text(), "/staff/customers/import", "csrf").expect("csrf field");
    let upload = |c: &mut crate::http::Client, data: &[u8], fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let f = Upload { field: "file", filename: "kunden.csv", content_type: "text/csv", data };
        c.post_multipart("/staff/customers/import", &all, &[f])
    };
    // Errors: 422, each line named, nothing written.
    let bad =
        b"Kundennummer;Name;E-Mail\nK-1;Eins;eins@example.com\nK-2;=1+1;zwei@example.com\nK-3;Drei;eins@example.com\n";
    let r = upload(&mut ada, bad, &[]);
    r.expect(422);
    let lines = html::attr_values(&r.text(), "data-import-error");
    assert_eq!(lines, vec!["3", "4"]);
    assert!(html::form(&r.text(), "/staff/customers/import").is_some(), "the upload form is there again");
    assert!(!r.text().contains("name=\"token\""), "no confirmation for a file with errors");
    assert_eq!(app.count("SELECT count(*) FROM customers"), 1);

    // A good file: the preview lists the lines and changes nothing.
    let r = upload(&mut ada, &excel_file(), &[]);
    r.expect(200);
    let text = r.text();
    assert_eq!(html::attr_values(&text, "data-import-result"), vec!["preview"]);
    assert_eq!(html::attr_values(&text, "data-import-line"), vec!["2", "3"]);
    assert!(text.contains("Müller &amp; Söhne GmbH"));
    assert_eq!(app.count("SELECT count(*) FROM customers"), 1);
    let token = html::form_input(&text, "/staff/customers/import", "token").expect("a confirmation form");
    // Another CSRF token is refused; the confirmation with the right one imports.
    let fields = [("csrf", "falsch"), ("token", token.as_str()), ("confirm", "1")];
    assert_eq!(ada.post_form("/staff/customers/import", &fields).status, 403);
    let r = ada.post_form("/staff/customers/import", &[("csrf", &csrf), ("token", &token), ("confirm", "1")]);
    r.expect(200);
    assert_eq!(html::attr_values(&r.text(), "data-import-result"), vec!["applied"]);
    assert_eq!(app.count("SELECT count(*) FROM customers"), 3);
    assert_eq!(app.count("SELECT count(*) FROM contacts"), 2);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'customer.create' AND actor = 'staff:ada' AND detail = 'import'"),
        2
    );
    // The token works once.
    let r = ada.post_form("/staff/customers/import", &[("csrf", &csrf), ("token", &token), ("confirm", "1")]);
    r.expect(422);
    // A file over 10 MB: 413.
    let big = vec![b'a'; 10 * 1024 * 1024 + 10];
    upload(&mut ada, &big, &[]).expect(413);
    // Customers cannot reach the page.
    let mut anna = app.anna();
    assert_ne!(anna.get("/staff/customers/import").status, 200);
}

#[test]
fn the_customer_export_imports_again_unchanged() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let file = write(&app, "kunden.csv", &excel_file());
    import(&app, &file, &[]).ok();
    let mut ada = app.ada();
    for sep in ["", "&sep=comma"] {
        let r = ada.get(&format!("/staff/customers?format=csv{sep}"));
        r.expect(200);
        assert!(r.header("Content-Type").unwrap_or("").starts_with("text/csv"));
        let exported = r.body.clone();
        assert!(String::from_utf8_lossy(&exported).contains("'+49 30 1234"), "the phone is marked as text");
        // Into a fresh database: the same customers, the same export.
        let fresh = Builder::new().admin(ADA).start();
        let path = write(&fresh, "export.csv", &exported);
        let out = import(&fresh, &path, &[]);
        out.ok();
        assert!(out.stdout.contains("imported 3 new"), "{}", out.stdout);
        assert_eq!(names(&fresh), names(&app));
        let mut ada2 = fresh.ada();
        let again = ada2.get(&format!("/staff/customers?format=csv{sep}"));
        assert_eq!(String::from_utf8_lossy(&again.body), String::from_utf8_lossy(&exported));
        // And over itself with --update: nothing changes.
        let out = import(&app, &path, &["--update"]);
        out.ok();
        assert!(out.stdout.contains("0 new, 0 updated, 3 unchanged"), "{}", out.stdout);
    }
}

#[test]
fn ten_thousand_lines_in_one_go() {
    let env = Builder::new().prepare();
    let mut file = String::from("Kundennummer;Name;E-Mail;Telefon;Ansprechpartner\n");
    for i in 0..10_000 {
        file.push_str(&format!("K-{i:05};Firma {i};kunde{i}@example.com;+49 30 {i};Person {i} <p{i}@example.com>\n"));
    }
    let path = write(&env, "viele.csv", file.as_bytes());
    let t0 = std::time::Instant::now();
    import(&env, &path, &[]).ok();
    eprintln!("10,000 lines imported in {:?}", t0.elapsed());
    assert_eq!(env.count("SELECT count(*) FROM customers"), 10_000);
    assert_eq!(env.count("SELECT count(*) FROM contacts"), 10_000);
}
