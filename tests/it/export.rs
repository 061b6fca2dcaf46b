//! Exports: the ticket lists as CSV (customer overview and staff queue), read back with
//! Python's `csv` module, and the customer's own data as a ZIP (`/account/export`), read with a
//! small central-directory reader of our own and checked with Python's `zipfile`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::harness::{
    create_ticket, session_csrf, staff_activity, staff_csrf, Builder, Lcg, TempDir, TestApp, ADA, ANNA, BERND,
};
use crate::http::{Client, Multipart, Resp};

const FIELDS: &str = r#"
[[fields]]
key = "device"
label = { de = "Gerät", en = "Device" }
type = "select"
options = [{ value = "pc", de = "Arbeitsplatz-PC", en = "Desktop PC" }, { value = "laptop", de = "Notebook", en = "Laptop" }]
list_column = true

[[fields]]
key = "details"
label = "Details"
type = "textarea"

[[fields]]
key = "urgent_call"
label = "Rückruf"
type = "checkbox"
"#;

fn app() -> TestApp {
    Builder::new().admin(ADA).customer(ANNA).customer(BERND).toml(FIELDS).start()
}

/// Opens a ticket through the portal form with these extra fields; returns its number.
#[track_caller]
fn ticket(c: &mut Client, subject: &str, more: &[(&str, &str)]) -> String {
    let mut fields = vec![("subject", subject), ("body", "Beschreibung."), ("priority", "normal")];
    fields.extend_from_slice(more);
    let r = c.submit("/tickets/new", "/tickets", &fields);
    r.expect(303);
    r.location().strip_prefix("/tickets/").expect("redirect to the ticket").to_string()
}

/// Parses CSV bytes with Python's `csv` module (`utf-8-sig`, strict) into rows of cells.
#[track_caller]
fn python_csv(data: &[u8], delimiter: char) -> Vec<Vec<String>> {
    let dir = TempDir::new("csv");
    let file = dir.path.join("export.csv");
    std::fs::write(&file, data).expect("write csv");
    let script = "import csv, json, sys\n\
                  with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n    \
                      rows = list(csv.reader(f, delimiter=sys.argv[2], strict=True))\n\
                  sys.stdout.write(json.dumps(rows))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .arg(delimiter.to_string())
        .output()
        .expect("run python3");
    assert!(out.status.success(), "python csv failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json from python")
}

/// GETs a CSV export and checks the envelope: 200, `text/csv; charset=utf-8`, the BOM.
#[track_caller]
fn get_csv(c: &mut Client, path: &str) -> Vec<u8> {
    let r = c.get(path);
    r.expect(200);
    let ctype = r.header("Content-Type").unwrap_or("");
    assert!(ctype.starts_with("text/csv") && ctype.to_ascii_lowercase().contains("utf-8"), "{path}: {ctype}");
    assert!(r.header("Content-Disposition").unwrap_or("").starts_with("attachment"), "{path}");
    assert!(r.body.starts_with(b"\xEF\xBB\xBF"), "{path}: no UTF-8 BOM: {:?}", &r.body[..r.body.len().min(8)]);
    r.body.clone()
}

/// Rows as maps header → cell, keyed by the ticket number column.
#[track_caller]
fn by_ticket(rows: &[Vec<String>]) -> BTreeMap<String, BTreeMap<String, String>> {
    let header = &rows[0];
    let no = header.iter().position(|h| h == "Ticketnummer").unwrap_or_else(|| panic!("no Ticketnummer: {header:?}"));
    let mut out = BTreeMap::new();
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row.len(), header.len(), "row {i} has {} cells, the header {}: {row:?}", row.len(), header.len());
        let map: BTreeMap<String, String> = header.iter().cloned().zip(row.iter().cloned()).collect();
        out.insert(row[no].clone(), map);
    }
    out
}

/// Subjects that need quoting, in every way, and what a spreadsheet must see of them.
const SUBJECTS: [(&str, &str); 8] = [
    ("Drucker im Büro: Größe „A4“ – äöüß ÄÖÜ", "Drucker im Büro: Größe „A4“ – äöüß ÄÖÜ"),
    ("Preis; Menge; Summe", "Preis; Menge; Summe"),
    ("Äpfel, Birnen, Öl", "Äpfel, Birnen, Öl"),
    ("Er sagte \"Hallo\" und 'Tschüss'", "Er sagte \"Hallo\" und 'Tschüss'"),
    ("=HYPERLINK(\"http://evil.example\";\"klick\")", "'=HYPERLINK(\"http://evil.example\";\"klick\")"),
    ("+49 30 Anruf", "'+49 30 Anruf"),
    ("-5 Grad im Serverraum", "'-5 Grad im Serverraum"),
    ("@SUMME(A1:A3)", "'@SUMME(A1:A3)"),
];

const DETAILS: &str = "Zeile eins; mit \"Zitat\", Komma\nZeile zwei: Größe\n\nZeile vier";

#[test]
fn ticket_lists_export_as_csv_that_python_reads_back() {
    let app = app();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut numbers = Vec::new();
    for (i, (subject, _)) in SUBJECTS.iter().enumerate() {
        let more: Vec<(&str, &str)> = if i == 0 {
            vec![("cf_device", "laptop"), ("cf_details", DETAILS), ("cf_urgent_call", "yes")]
        } else if i == 1 {
            vec![("cf_details", "=1+1")]
        } else {
            vec![]
        };
        numbers.push(ticket(&mut anna, subject, &more));
    }
    let secret = create_ticket(&mut bernd, "Bernds Geheimsache", "Nur für Bernd.", "normal");
    // Time spent on the first ticket.
    let mut ada = app.ada();
    let csrf = staff_csrf(&mut ada);
    staff_activity(
        &mut ada,
        &numbers[0],
        &[("csrf", &csrf), ("kind", "message"), ("body", "Erledigt."), ("minutes", "25")],
    )
    .expect(303);

    // The customer's list: `;` by default, `,` on request; the same cells either way.
    let semi = get_csv(&mut anna, "/tickets?format=csv");
    let comma = get_csv(&mut anna, "/tickets?format=csv&sep=comma");
    let first_line = String::from_utf8_lossy(&semi[3..]).lines().next().unwrap_or("").to_string();
    assert!(first_line.starts_with("Ticketnummer;"), "{first_line}");
    let first_line_comma = String::from_utf8_lossy(&comma[3..]).lines().next().unwrap_or("").to_string();
    assert!(first_line_comma.starts_with("Ticketnummer,"), "{first_line_comma}");
    let rows = python_csv(&semi, ';');
    assert_eq!(python_csv(&comma, ','), rows, "the same cells with either separator");
    let header = &rows[0];
    for h in ["Ticketnummer", "Betreff", "Status", "Aufwand in Minuten", "Gerät", "Details", "Rückruf"] {
        assert!(header.contains(&h.to_string()), "column {h} in {header:?}");
    }
    let table = by_ticket(&rows);
    let mut want: Vec<&String> = numbers.iter().collect();
    want.sort();
    assert_eq!(table.keys().collect::<Vec<_>>(), want, "exactly Anna's tickets");
    for ((_, shown), n) in SUBJECTS.iter().zip(&numbers) {
        assert_eq!(table[n]["Betreff"], *shown, "{n}");
    }
    let first = &table[&numbers[0]];
    assert_eq!(first["Gerät"], "Notebook");
    assert_eq!(first["Details"], DETAILS, "a multi-line value survives");
    assert_eq!(first["Rückruf"], "Ja");
    assert_eq!(first["Aufwand in Minuten"], "25");
    assert_eq!(table[&numbers[1]]["Details"], "'=1+1", "field values are defused as well");
    assert_eq!(table[&numbers[2]]["Aufwand in Minuten"], "0");
    assert_eq!(table[&numbers[2]]["Gerät"], "");
    // Nothing of Bernd's, in any form.
    for data in [&semi, &comma] {
        let text = String::from_utf8_lossy(data);
        assert!(!text.contains("Bernd") && !text.contains(&secret), "Bernd's ticket in Anna's CSV");
    }
    // Filters apply to the export.
    let rows = python_csv(&get_csv(&mut anna, "/tickets?format=csv&q=Birnen"), ';');
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], numbers[2]);
    // Bernd's own export has only his ticket.
    let rows = python_csv(&get_csv(&mut bernd, "/tickets?format=csv"), ';');
    assert_eq!(by_ticket(&rows).keys().collect::<Vec<_>>(), [&secret]);

    // The staff queue: every customer, with the customer number.
    let semi = get_csv(&mut ada, "/staff/tickets?format=csv");
    let comma = get_csv(&mut ada, "/staff/tickets?format=csv&sep=comma");
    let rows = python_csv(&semi, ';');
    assert_eq!(python_csv(&comma, ','), rows);
    let table = by_ticket(&rows);
    assert_eq!(table.len(), numbers.len() + 1);
    assert_eq!(table[&secret]["Kundennummer"], BERND.number);
    assert_eq!(table[&secret]["Betreff"], "Bernds Geheimsache");
    for ((_, shown), n) in SUBJECTS.iter().zip(&numbers) {
        assert_eq!(table[n]["Betreff"], *shown, "{n}");
        assert_eq!(table[n]["Kundennummer"], ANNA.number);
    }
    assert_eq!(table[&numbers[0]]["Details"], DETAILS);
    assert_eq!(table[&numbers[0]]["Aufwand in Minuten"], "25");
    let rows = python_csv(&get_csv(&mut ada, "/staff/tickets?format=csv&customer=20034"), ';');
    assert_eq!(by_ticket(&rows).keys().collect::<Vec<_>>(), [&secret]);
    let rows = python_csv(&get_csv(&mut ada, "/staff/tickets?format=csv&cf_device=laptop"), ';');
    assert_eq!(by_ticket(&rows).keys().collect::<Vec<_>>(), [&numbers[0]]);

    // Who may export what.
    let r = app.client().get("/tickets?format=csv");
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login"));
    assert_eq!(anna.get("/staff/tickets?format=csv").status, 403);
}

// ------------------------------------------------------------------------------ ZIP

/// One entry of a ZIP archive as its central directory describes it.
#[derive(Debug)]
struct ZipEntry {
    name: String,
    flags: u16,
    data: Vec<u8>,
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
        }
    }
    !crc
}

/// Reads a ZIP through its central directory: stored entries only, CRCs checked, local headers
/// cross-checked.
#[track_caller]
fn read_zip(z: &[u8]) -> Vec<ZipEntry> {
    let u16_at = |o: usize| u16::from_le_bytes([z[o], z[o + 1]]);
    let u32_at = |o: usize| u32::from_le_bytes([z[o], z[o + 1], z[o + 2], z[o + 3]]);
    assert!(z.len() >= 22, "too short for a ZIP: {} bytes", z.len());
    let eocd = (0..=z.len() - 22).rev().find(|&o| u32_at(o) == 0x0605_4b50).expect("end of central directory");
    let count = usize::from(u16_at(eocd + 10));
    let cd_size = u32_at(eocd + 12) as usize;
    let mut p = u32_at(eocd + 16) as usize;
    assert_eq!(p + cd_size, eocd, "central directory ends where the end record starts");
    let mut out = Vec::new();
    for i in 0..count {
        assert_eq!(u32_at(p), 0x0201_4b50, "central header {i}");
        let flags = u16_at(p + 8);
        let method = u16_at(p + 10);
        let crc = u32_at(p + 16);
        let csize = u32_at(p + 20) as usize;
        let usize_ = u32_at(p + 24) as usize;
        let name_len = usize::from(u16_at(p + 28));
        let extra_len = usize::from(u16_at(p + 30));
        let comment_len = usize::from(u16_at(p + 32));
        let local = u32_at(p + 42) as usize;
        let name_bytes = &z[p + 46..p + 46 + name_len];
        let name = String::from_utf8(name_bytes.to_vec()).expect("UTF-8 entry name");
        assert_eq!(method, 0, "{name}: stored entries");
        assert_eq!(csize, usize_, "{name}: stored means equal sizes");
        assert_eq!(u32_at(local), 0x0403_4b50, "{name}: local header");
        let lname_len = usize::from(u16_at(local + 26));
        let lextra_len = usize::from(u16_at(local + 28));
        assert_eq!(&z[local + 30..local + 30 + lname_len], name_bytes, "{name}: local name");
        let start = local + 30 + lname_len + lextra_len;
        let data = z[start..start + csize].to_vec();
        assert_eq!(crc32(&data), crc, "{name}: CRC-32");
        out.push(ZipEntry { name, flags, data });
        p += 46 + name_len + extra_len + comment_len;
    }
    out
}

/// Python's view of the archive: `testzip()` (every CRC) and the names, as JSON.
#[track_caller]
fn python_zip(data: &[u8]) -> Vec<String> {
    let dir = TempDir::new("zip");
    let file = dir.path.join("export.zip");
    std::fs::write(&file, data).expect("write zip");
    let script = "import json, sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  bad = z.testzip()\n\
                  assert bad is None, bad\n\
                  sys.stdout.write(json.dumps(z.namelist()))\n";
    let out = Command::new("python3").args(["-c", script]).arg(&file).output().expect("run python3");
    assert!(out.status.success(), "python zipfile refused the archive: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json from python")
}

/// Posts a multipart form (fields, then files under `attachments`).
fn post_files(c: &mut Client, path: &str, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Resp {
    let mut m = Multipart::new();
    for (k, v) in fields {
        m = m.field(k, v);
    }
    for (name, data) in files {
        m = m.file("attachments", name, "application/octet-stream", data);
    }
    let m = m.close();
    c.post_body(path, &m.content_type(), &m.body)
}

/// The attachment id of the (unique) file with that name.
#[track_caller]
fn attachment_id(app: &TestApp, name: &str) -> i64 {
    app.db()
        .query_row("SELECT id FROM attachments WHERE file_name = ?1 AND complete = 1", [name], |r| r.get(0))
        .unwrap_or_else(|e| panic!("attachment {name}: {e}"))
}

#[track_caller]
fn get_zip(c: &mut Client) -> Vec<ZipEntry> {
    let r = c.get("/account/export");
    r.expect(200);
    assert_eq!(r.header("Content-Type"), Some("application/zip"));
    assert!(r.header("Content-Disposition").unwrap_or("").starts_with("attachment"));
    let names = python_zip(&r.body);
    let entries = read_zip(&r.body);
    assert_eq!(names, entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(), "Python reads the same names");
    entries
}

#[test]
fn the_account_export_holds_the_own_visible_data_only() {
    let app = app();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut rng = Lcg(0x5eed_2024);
    let report = rng.bytes(300_000);
    let overview = "Inhalt mit Umlauten: äöü ß\r\n".as_bytes().to_vec();
    let photo = rng.bytes(4_000);

    // Anna: one ticket with documents uploaded afterwards, one with a file from the form.
    let a = ticket(&mut anna, "Server-Umzug", &[("cf_device", "pc"), ("cf_details", "Rack 3")]);
    let csrf = session_csrf(&mut anna);
    post_files(
        &mut anna,
        &format!("/tickets/{a}/attachments"),
        &[("csrf", &csrf)],
        &[("bericht.pdf", &report), ("Übersicht März.txt", &overview), ("../../../etc/passwd", b"kein passwd")],
    )
    .expect(303);
    let b = {
        let r = post_files(
            &mut anna,
            "/tickets",
            &[("csrf", &csrf), ("subject", "Foto vom Schaden"), ("body", "Siehe Foto."), ("priority", "high")],
            &[("foto.bin", &photo)],
        );
        r.expect(303);
        r.location().strip_prefix("/tickets/").unwrap().to_string()
    };
    // Staff: an internal note with a secret and a file, and a visible answer with a file.
    let mut ada = app.ada();
    let scsrf = staff_csrf(&mut ada);
    post_files(
        &mut ada,
        &format!("/staff/tickets/{a}/activities"),
        &[("csrf", &scsrf), ("kind", "internal_note"), ("body", "Geheimwort Zitronenfalter, nicht weitersagen")],
        &[("intern-geheim.txt", b"INTERN-GEHEIM-INHALT")],
    )
    .expect(303);
    staff_activity(&mut ada, &a, &[("csrf", &scsrf), ("kind", "internal_note"), ("body", "Noch ein Zitronenfalter")])
        .expect(303);
    post_files(
        &mut ada,
        &format!("/staff/tickets/{a}/activities"),
        &[("csrf", &scsrf), ("kind", "message"), ("body", "Antwort von Ada"), ("minutes", "15")],
        &[("antwort.txt", b"ANTWORT-INHALT")],
    )
    .expect(303);
    // Bernd's ticket and file.
    let bcsrf = session_csrf(&mut bernd);
    let c = {
        let r = post_files(
            &mut bernd,
            "/tickets",
            &[("csrf", &bcsrf), ("subject", "Bernds Geheimsache"), ("body", "Nur für Bernd."), ("priority", "normal")],
            &[("bernd.txt", b"BERND-DATEN-XYZ")],
        );
        r.expect(303);
        r.location().strip_prefix("/tickets/").unwrap().to_string()
    };

    let entries = get_zip(&mut anna);
    let names: BTreeSet<String> = entries.iter().map(|e| e.name.clone()).collect();
    let file = |n: &str, name: &str| format!("files/{n}/{}-{name}", attachment_id(&app, name));
    // A name with a path in it lands inside the ticket's folder under its last part.
    let hostile_id: i64 = app
        .db()
        .query_row("SELECT id FROM attachments WHERE file_name LIKE '%passwd' AND complete = 1", [], |r| r.get(0))
        .expect("the hostile upload is stored");
    let hostile = format!("files/{a}/{hostile_id}-passwd");
    let want: BTreeSet<String> = [
        "account.json".to_string(),
        "tickets.json".to_string(),
        file(&a, "bericht.pdf"),
        file(&a, "Übersicht März.txt"),
        file(&a, "antwort.txt"),
        file(&b, "foto.bin"),
        hostile.clone(),
    ]
    .into_iter()
    .collect();
    assert_eq!(names, want);
    for n in &names {
        assert!(!n.starts_with('/') && !n.contains('\\') && !n.split('/').any(|p| p == ".."), "unsafe entry name {n}");
    }
    let data = |name: &str| &entries.iter().find(|e| e.name == name).unwrap().data;
    // Byte for byte.
    assert!(data(&file(&a, "bericht.pdf")) == &report, "bericht.pdf differs");
    assert_eq!(data(&file(&a, "Übersicht März.txt")), &overview);
    assert_eq!(data(&file(&a, "antwort.txt")), b"ANTWORT-INHALT");
    assert_eq!(data(&hostile), b"kein passwd");
    assert!(data(&file(&b, "foto.bin")) == &photo, "foto.bin differs");
    let umlaut = entries.iter().find(|e| e.name.contains("Übersicht")).unwrap();
    assert!(umlaut.flags & 0x0800 != 0, "UTF-8 names are flagged as such");

    // Nothing internal, nothing of Bernd's, anywhere in the archive.
    for e in &entries {
        for needle in
            ["Zitronenfalter", "INTERN-GEHEIM-INHALT", "intern-geheim", "BERND-DATEN-XYZ", "Bernds Geheimsache"]
        {
            assert!(!contains(&e.data, needle.as_bytes()), "{} contains {needle}", e.name);
        }
        assert!(!e.name.contains(&c), "Bernd's ticket {c} in {}", e.name);
    }

    // The JSON: Anna's account, Anna's tickets with their visible activities and file paths.
    let account: serde_json::Value = serde_json::from_slice(data("account.json")).expect("account.json");
    assert_eq!(account["customer_no"], ANNA.number);
    assert!(!String::from_utf8_lossy(data("account.json")).contains(BERND.number));
    let tickets: serde_json::Value = serde_json::from_slice(data("tickets.json")).expect("tickets.json");
    let list = tickets.as_array().expect("tickets.json is a list");
    let mut got: Vec<&str> = list.iter().map(|t| t["number"].as_str().unwrap()).collect();
    got.sort();
    let mut mine = vec![a.as_str(), b.as_str()];
    mine.sort();
    assert_eq!(got, mine);
    let ta = list.iter().find(|t| t["number"] == a.as_str()).unwrap();
    assert_eq!(ta["subject"], "Server-Umzug");
    let kinds: Vec<&str> = ta["activities"].as_array().unwrap().iter().map(|x| x["kind"].as_str().unwrap()).collect();
    assert!(!kinds.contains(&"internal_note"), "{kinds:?}");
    assert!(kinds.contains(&"message") && kinds.contains(&"document"), "{kinds:?}");
    let paths: BTreeSet<String> = ta["activities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["files"].as_array().cloned().unwrap_or_default())
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let want_paths: BTreeSet<String> =
        [file(&a, "bericht.pdf"), file(&a, "Übersicht März.txt"), file(&a, "antwort.txt"), hostile.clone()]
            .into_iter()
            .collect();
    assert_eq!(paths, want_paths, "tickets.json points at the files in the archive");
    let text = String::from_utf8_lossy(data("tickets.json"));
    assert!(text.contains("Antwort von Ada") && text.contains("Rack 3"));

    // Bernd's archive: his ticket and file only.
    let entries = get_zip(&mut bernd);
    let names: BTreeSet<String> = entries.iter().map(|e| e.name.clone()).collect();
    let want: BTreeSet<String> =
        ["account.json".to_string(), "tickets.json".to_string(), file(&c, "bernd.txt")].into_iter().collect();
    assert_eq!(names, want);
    for e in &entries {
        for needle in ["Server-Umzug", "Zitronenfalter", "ANTWORT-INHALT", ANNA.number] {
            assert!(!contains(&e.data, needle.as_bytes()), "{} contains {needle}", e.name);
        }
    }

    // Only for a logged-in customer.
    let r = app.client().get("/account/export");
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login"));
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_zip_reader_of_this_file_reads_what_python_writes() {
    // Guards the reader above against itself: an archive written by Python's zipfile.
    let dir = TempDir::new("zipself");
    let file = dir.path.join("py.zip");
    let script = "import sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED)\n\
                  z.writestr('a.txt', 'hallo')\n\
                  z.writestr('ordner/ä.bin', bytes(range(256)))\n\
                  z.close()\n";
    let out = Command::new("python3").args(["-c", script]).arg(&file).output().expect("run python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = read_zip(&std::fs::read(Path::new(&file)).unwrap());
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].name, "a.txt");
    assert_eq!(entries[0].data, b"hallo");
    assert_eq!(entries[1].name, "ordner/ä.bin");
    assert_eq!(entries[1].data, (0..=255u8).collect::<Vec<_>>());
}

#[test]
fn without_time_spent_the_customer_exports_leave_the_minutes_out() {
    let app = Builder::new().admin(ADA).customer(ANNA).toml("[portal]\nshow_time_spent = false").start();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Ohne Zeiten", "Text", "normal");
    let mut ada = app.ada();
    let csrf = staff_csrf(&mut ada);
    staff_activity(&mut ada, &n, &[("csrf", &csrf), ("kind", "message"), ("body", "Erledigt."), ("minutes", "47")])
        .expect(303);
    let rows = python_csv(&get_csv(&mut anna, "/tickets?format=csv"), ';');
    assert!(!rows[0].iter().any(|h| h.contains("Minuten")), "{:?}", rows[0]);
    assert!(!rows[1].contains(&"47".to_string()), "{:?}", rows[1]);
    let entries = get_zip(&mut anna);
    let tickets = &entries.iter().find(|e| e.name == "tickets.json").expect("tickets.json").data;
    let json: serde_json::Value = serde_json::from_slice(tickets).unwrap();
    let t = &json[0];
    assert_eq!(t["number"], n.as_str());
    assert!(t.get("minutes").is_none(), "{json}");
    assert!(t["activities"].as_array().unwrap().iter().all(|a| a.get("minutes").is_none()), "{json}");
    // Staff keep the column.
    let rows = python_csv(&get_csv(&mut ada, "/staff/tickets?format=csv"), ';');
    let col = rows[0].iter().position(|h| h == "Aufwand in Minuten").expect("staff minutes column");
    assert_eq!(rows[1][col], "47");
}

/// Field values are read for a table only when a list column shows one (issue 20): with fields
/// configured but none a list column, the tables show no field column and the CSV exports of
/// both sides still carry every field's value.
#[test]
fn csv_exports_carry_field_values_when_no_field_is_a_list_column() {
    let toml = FIELDS.replace("list_column = true", "list_column = false");
    let app = Builder::new().admin(ADA).customer(ANNA).toml(&toml).start();
    let mut anna = app.anna();
    let number = ticket(&mut anna, "Notebook startet nicht", &[("cf_device", "laptop"), ("cf_details", "Piept.")]);
    let mut ada = app.ada();
    for (c, page) in [(&mut anna, "/tickets"), (&mut ada, "/staff/tickets")] {
        let r = c.get(page);
        r.expect(200);
        let body = r.text();
        assert!(body.contains(&number), "{page}: the ticket is listed");
        assert!(!body.contains("data-field="), "{page}: no field column without a list column");
    }
    for (c, path) in [(&mut anna, "/tickets?format=csv"), (&mut ada, "/staff/tickets?format=csv")] {
        let rows = python_csv(&get_csv(c, path), ';');
        let table = by_ticket(&rows);
        assert_eq!(table[&number]["Gerät"], "Notebook", "{path}");
        assert_eq!(table[&number]["Details"], "Piept.", "{path}");
    }
}
