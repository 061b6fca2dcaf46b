//! Attachments: streamed uploads stored in 256 KiB chunks, downloads with safe headers, ETags and
//! ranges, the limits, broken and abandoned uploads, who may see which file, hostile names.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::harness::{
    activities, attachment_links, create_ticket, listed, session_csrf, staff_activities, staff_csrf, Builder, Lcg,
    TestApp, ADA, ANNA, BERND,
};
use crate::html;
use crate::http::{urldecode, Client, Multipart, Resp};

/// Bytes per chunk row in the database.
const CHUNK: usize = 262_144;
const MAX_FILE: usize = 600_000;
const MAX_REQUEST: usize = 2_000_000;
const MAX_FILES: usize = 8;

/// Ada, Anna and Bernd, with small attachment limits.
fn limited() -> TestApp {
    Builder::new()
        .admin(ADA)
        .customer(ANNA)
        .customer(BERND)
        .toml(&format!(
            "[attachments]\nmax_file_bytes = {MAX_FILE}\nmax_request_bytes = {MAX_REQUEST}\nmax_files_per_request = {MAX_FILES}"
        ))
        .start()
}

/// Who posts where with which fields: (who, path, fields).
type Target<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

/// One file to send: (name as sent, declared type, content).
type FilePart<'a> = (&'a str, &'a str, &'a [u8]);

/// Posts a multipart form with these fields and files (each under `attachments`).
fn post_files(c: &mut Client, path: &str, fields: &[(&str, &str)], files: &[FilePart]) -> Resp {
    let mut m = Multipart::new();
    for (k, v) in fields {
        m = m.field(k, v);
    }
    for (name, ctype, data) in files {
        m = m.file("attachments", name, ctype, data);
    }
    let m = m.close();
    c.post_body(path, &m.content_type(), &m.body)
}

/// Opens a ticket with these files through the portal form; returns its number.
#[track_caller]
fn ticket_with_files(c: &mut Client, subject: &str, files: &[FilePart]) -> String {
    let csrf = session_csrf(c);
    let r = post_files(
        c,
        "/tickets",
        &[("csrf", &csrf), ("subject", subject), ("body", "Siehe Anhang."), ("priority", "normal")],
        files,
    );
    r.expect(303);
    r.location().strip_prefix("/tickets/").expect("redirect to the new ticket").to_string()
}

#[track_caller]
fn link_id(page: &str, name: &str) -> String {
    attachment_links(page)
        .into_iter()
        .find(|(_, shown)| shown == name)
        .unwrap_or_else(|| panic!("no attachment link {name:?} on the page: {:?}", attachment_links(page)))
        .0
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// (attachment rows, rows still pending, chunk rows) in the database.
fn stored(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT count(*) FROM attachments"),
        app.count("SELECT count(*) FROM attachments WHERE complete = 0"),
        app.count("SELECT count(*) FROM attachment_chunks"),
    )
}

/// Waits up to `secs` until the database holds exactly `want`; returns what it holds then.
fn settle(app: &TestApp, want: (i64, i64, i64), secs: u64) -> (i64, i64, i64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let now = stored(app);
        if now == want || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[track_caller]
fn assert_download_headers(r: &Resp, what: &str) {
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"), "{what}");
    let csp = r.header("Content-Security-Policy").unwrap_or("");
    assert!(csp.starts_with("sandbox"), "{what}: CSP {csp:?}");
    assert_eq!(r.header("Accept-Ranges"), Some("bytes"), "{what}");
}

#[test]
fn files_round_trip_byte_exact_around_the_chunk_size() {
    let app = limited();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let mut rng = Lcg(0xA77A_C4ED);
    let sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, MAX_FILE];
    let files: Vec<(String, Vec<u8>)> = sizes.iter().map(|&s| (format!("datei-{s}.bin"), rng.bytes(s))).collect();
    let parts: Vec<FilePart> =
        files.iter().map(|(n, d)| (n.as_str(), "application/octet-stream", d.as_slice())).collect();
    let n = ticket_with_files(&mut anna, "Dateien", &parts);

    let page = anna.get(&format!("/tickets/{n}")).text();
    let links = attachment_links(&page);
    assert_eq!(links.len(), files.len(), "{links:?}");
    let staff_page = ada.get(&format!("/staff/tickets/{n}")).text();
    let db = app.db();
    for (name, data) in &files {
        let id = link_id(&page, name);
        assert_eq!(link_id(&staff_page, name), id, "{name}: staff see the same file");
        for (c, url) in [
            (&mut anna, format!("/tickets/{n}/attachments/{id}")),
            (&mut ada, format!("/staff/tickets/{n}/attachments/{id}")),
        ] {
            let r = c.get(&url);
            r.expect(200);
            assert_download_headers(&r, &url);
            assert_eq!(r.body.len(), data.len(), "{url}: length");
            assert!(r.body == *data, "{url}: the bytes differ");
            assert_eq!(r.header("ETag"), Some(format!("\"{}\"", sha256_hex(data)).as_str()), "{url}");
            assert_eq!(r.header("Content-Type"), Some("application/octet-stream"), "{url}");
        }
        // Stored in rows of at most 256 KiB.
        let (size, chunks, largest): (i64, i64, Option<i64>) = db
            .query_row(
                "SELECT a.size, count(c.id), max(length(c.data)) FROM attachments a
                 LEFT JOIN attachment_chunks c ON c.attachment_id = a.id WHERE a.id = ?1 GROUP BY a.id",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(size, data.len() as i64, "{name}");
        assert_eq!(chunks, data.len().div_ceil(CHUNK) as i64, "{name}: chunk rows");
        assert!(largest.unwrap_or(0) <= CHUNK as i64, "{name}: a chunk of {largest:?} bytes");
    }
    assert_eq!(stored(&app).1, 0, "nothing left pending");
}

#[test]
fn downloads_have_safe_headers_etags_and_ranges() {
    let app = limited();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let data = Lcg(7).bytes(MAX_FILE);
    let n = create_ticket(&mut anna, "Bericht", "Kommt gleich.", "normal");
    let csrf = session_csrf(&mut anna);
    let r = post_files(
        &mut anna,
        &format!("/tickets/{n}/attachments"),
        &[("csrf", &csrf)],
        &[("bericht.pdf", "application/pdf", &data)],
    );
    r.expect_redirect(&format!("/tickets/{n}"));
    let (acts, page) = activities(&mut anna, &n);
    assert_eq!(acts.last().unwrap().attr("data-activity-kind"), "document", "an upload is a document activity");
    let id = link_id(&page, "bericht.pdf");
    let url = format!("/tickets/{n}/attachments/{id}");
    let staff_url = format!("/staff/tickets/{n}/attachments/{id}");

    let r = anna.get(&url);
    r.expect(200);
    assert_download_headers(&r, &url);
    assert_eq!(r.header("Content-Type"), Some("application/octet-stream"), "a PDF is not shown in the browser");
    let cd = r.header("Content-Disposition").unwrap_or("");
    assert!(cd.starts_with("attachment; filename=\"bericht.pdf\""), "{cd}");
    assert!(cd.contains("filename*=UTF-8''bericht.pdf"), "{cd}");
    let etag = r.header("ETag").unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", sha256_hex(&data)));

    // Revalidation.
    for (sent, status) in [(etag.clone(), 304), (format!("\"anders\", {etag}"), 304), ("\"anders\"".to_string(), 200)] {
        let r = anna.get_with(&url, &[("If-None-Match", &sent)]);
        assert_eq!(r.status, status, "If-None-Match: {sent}");
        if status == 304 {
            assert!(r.body.is_empty());
            assert_eq!(r.header("ETag"), Some(etag.as_str()));
        }
    }

    // Ranges, across chunk boundaries: (Range, first byte, last byte).
    let size = data.len();
    let ranges = [
        ("bytes=0-99", 0, 99),
        ("bytes=262140-262150", 262_140, 262_150),
        ("bytes=262144-", 262_144, size - 1),
        ("bytes=524287-524288", 524_287, 524_288),
        ("bytes=-10", size - 10, size - 1),
        ("bytes=599999-599999", 599_999, 599_999),
        ("bytes=599000-999999", 599_000, size - 1),
    ];
    for (c, u) in [(&mut anna, &url), (&mut ada, &staff_url)] {
        for (range, first, last) in ranges {
            let r = c.get_with(u, &[("Range", range)]);
            assert_eq!(r.status, 206, "{u} Range: {range}");
            assert_eq!(r.header("Content-Range"), Some(format!("bytes {first}-{last}/{size}").as_str()), "{range}");
            assert_eq!(r.body.len(), last - first + 1, "{range}");
            assert!(r.body == data[first..=last], "{u} Range: {range}: wrong bytes");
            assert_download_headers(&r, range);
        }
        for range in ["bytes=600000-", "bytes=700000-800000", "bytes=-0"] {
            let r = c.get_with(u, &[("Range", range)]);
            assert_eq!(r.status, 416, "{u} Range: {range}");
            assert_eq!(r.header("Content-Range"), Some(format!("bytes */{size}").as_str()), "{range}");
        }
    }
}

#[test]
fn downloads_declare_their_length() {
    let app = limited();
    let mut anna = app.anna();
    let mut rng = Lcg(99);
    let sizes = [0, 1, 32_767, 32_768, CHUNK + 1];
    let files: Vec<(String, Vec<u8>)> = sizes.iter().map(|&s| (format!("laenge-{s}.bin"), rng.bytes(s))).collect();
    let parts: Vec<FilePart> =
        files.iter().map(|(n, d)| (n.as_str(), "application/octet-stream", d.as_slice())).collect();
    let n = ticket_with_files(&mut anna, "Längen", &parts);
    let page = anna.get(&format!("/tickets/{n}")).text();
    for (name, data) in &files {
        let url = format!("/tickets/{n}/attachments/{}", link_id(&page, name));
        // (Range sent, bytes expected)
        let mut asks = vec![(None, data.len())];
        if data.len() > 40_000 {
            asks.push((Some("bytes=100-40099"), 40_000));
        }
        for (range, len) in asks {
            let r = match range {
                Some(h) => anna.get_with(&url, &[("Range", h)]),
                None => anna.get(&url),
            };
            assert_eq!(r.body.len(), len, "{name} {range:?}");
            assert_eq!(
                r.header("Content-Length"),
                Some(len.to_string().as_str()),
                "{name} ({} bytes, Range {range:?}): the download declares its length (got Transfer-Encoding {:?})",
                data.len(),
                r.header("Transfer-Encoding")
            );
        }
    }
}

#[test]
fn over_a_limit_is_413_and_nothing_is_stored() {
    let app = limited();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let anna_csrf = session_csrf(&mut anna);
    let ada_csrf = staff_csrf(&mut ada);
    let before = stored(&app);

    let over = vec![b'x'; MAX_FILE + 1];
    let small = vec![b's'; 1000];
    let tiny: Vec<Vec<u8>> = (0..=MAX_FILES).map(|i| format!("Datei {i}").into_bytes()).collect();
    let tiny_names: Vec<String> = (0..=MAX_FILES).map(|i| format!("klein-{i}.txt")).collect();
    // (what, files)
    let cases: Vec<(&str, Vec<FilePart>)> = vec![
        ("one byte over max_file_bytes", vec![("gross.bin", "application/octet-stream", &over)]),
        (
            "a good file, then one over the limit",
            vec![("gut.txt", "text/plain", &small), ("gross.bin", "application/octet-stream", &over)],
        ),
        (
            "more files than max_files_per_request",
            tiny.iter().zip(&tiny_names).map(|(d, name)| (name.as_str(), "text/plain", d.as_slice())).collect(),
        ),
    ];
    let reply = format!("/tickets/{n}/reply");
    let upload = format!("/tickets/{n}/attachments");
    let staff = format!("/staff/tickets/{n}/activities");
    for (what, files) in &cases {
        let targets: [Target; 4] = [
            (
                "anna",
                "/tickets",
                vec![("csrf", anna_csrf.as_str()), ("subject", "Groß"), ("body", "Anhang"), ("priority", "normal")],
            ),
            ("anna", &reply, vec![("csrf", anna_csrf.as_str()), ("body", "Anhang")]),
            ("anna", &upload, vec![("csrf", anna_csrf.as_str())]),
            ("ada", &staff, vec![("csrf", ada_csrf.as_str()), ("kind", "message"), ("body", "Anhang")]),
        ];
        for (who, path, fields) in targets {
            let c = if who == "ada" { &mut ada } else { &mut anna };
            let r = post_files(c, path, &fields, files);
            assert_eq!(r.status, 413, "{what}: {who} POST {path}");
            assert_eq!(settle(&app, before, 2), before, "{what}: {who} POST {path} left rows behind");
        }
    }

    // The whole request over max_request_bytes, every file under max_file_bytes.
    let part = vec![b'p'; MAX_FILE - 1];
    let files: Vec<FilePart> = (0..4).map(|_| ("teil.bin", "application/octet-stream", part.as_slice())).collect();
    let r = post_files(&mut anna, &upload, &[("csrf", &anna_csrf)], &files);
    assert_eq!(r.status, 413, "request over max_request_bytes");
    // Declared too large: refused from the header alone.
    let head = anna.request_head(
        "POST",
        &upload,
        &[("Content-Type", "multipart/form-data; boundary=x"), ("Content-Length", &(MAX_REQUEST + 1).to_string())],
    );
    assert_eq!(anna.raw(head.as_bytes()).status, 413, "Content-Length over max_request_bytes");
    assert_eq!(settle(&app, before, 2), before);

    // Nothing of it arrived anywhere.
    assert_eq!(listed(&mut anna, ""), [n.as_str()]);
    let (acts, page) = activities(&mut anna, &n);
    assert_eq!(acts.len(), 1);
    assert!(attachment_links(&page).is_empty());
    // Exactly at the limit is fine.
    let exact = vec![b'e'; MAX_FILE];
    post_files(&mut anna, &upload, &[("csrf", &anna_csrf)], &[("genau.bin", "application/octet-stream", &exact)])
        .expect(303);
    assert_eq!(stored(&app).0, before.0 + 1);
}

#[test]
fn a_body_without_its_closing_boundary_is_400_and_nothing_is_stored() {
    let app = limited();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let csrf = session_csrf(&mut anna);
    let before = stored(&app);
    let data = Lcg(3).bytes(300_000);

    let full = Multipart::new()
        .field("csrf", &csrf)
        .field("subject", "Abgeschnitten")
        .field("body", "Text")
        .field("priority", "normal")
        .file("attachments", "teil1.bin", "application/octet-stream", &data)
        .file("attachments", "teil2.bin", "application/octet-stream", b"zweiter Teil");
    let ctype = full.content_type();
    let whole = full.body.clone();
    let in_second_file = whole.len() - 5;
    let in_first_file = whole.len() - 100_000;
    let header_start = {
        let needle = b"Content-Disposition: form-data; name=\"attachments\"; filename=\"teil2";
        whole.windows(needle.len()).position(|w| w == needle).unwrap() + 20
    };
    // (what, body)
    let cases: [(&str, Vec<u8>); 4] = [
        ("all parts, no closing boundary", whole.clone()),
        ("cut inside the second file", whole[..in_second_file].to_vec()),
        ("cut inside the first file", whole[..in_first_file].to_vec()),
        ("cut inside a part's headers", whole[..header_start].to_vec()),
    ];
    for path in ["/tickets".to_string(), format!("/tickets/{n}/reply"), format!("/tickets/{n}/attachments")] {
        for (what, body) in &cases {
            let r = anna.post_body(&path, &ctype, body);
            assert_eq!(r.status, 400, "{what}: POST {path}");
            assert_eq!(settle(&app, before, 2), before, "{what}: POST {path} left rows behind");
        }
    }
    assert_eq!(listed(&mut anna, ""), [n.as_str()]);
    assert_eq!(activities(&mut anna, &n).0.len(), 1);
    // The same body, closed, is fine.
    let closed = full.close();
    anna.post_body("/tickets", &closed.content_type(), &closed.body).expect(303);
    assert_eq!(stored(&app).0, before.0 + 2);
}

#[test]
fn a_client_that_hangs_up_halfway_leaves_nothing_behind() {
    let app = limited();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let csrf = session_csrf(&mut anna);
    let before = stored(&app);
    let data = Lcg(11).bytes(MAX_FILE);

    for path in ["/tickets".to_string(), format!("/tickets/{n}/attachments")] {
        let m = Multipart::new()
            .field("csrf", &csrf)
            .field("subject", "Abgebrochen")
            .field("body", "Text")
            .file("attachments", "abgebrochen.bin", "application/octet-stream", &data)
            .close();
        let declared = m.body.len().to_string();
        let head =
            anna.request_head("POST", &path, &[("Content-Type", &m.content_type()), ("Content-Length", &declared)]);
        let sent = m.body.len() - 50_000;
        let mut stream = TcpStream::connect(app.addr).expect("connect");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&m.body[..sent]).unwrap();
        stream.flush().unwrap();
        // The server stores chunks while they arrive: wait until it has begun.
        let deadline = Instant::now() + Duration::from_secs(10);
        while stored(&app).2 <= before.2 {
            assert!(Instant::now() < deadline, "POST {path}: the server stored no chunk of the upload");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(stored(&app).1 > before.1, "POST {path}: a pending row while receiving");
        drop(stream);
        assert_eq!(settle(&app, before, 5), before, "POST {path}: the abandoned upload left rows behind");
    }
    assert_eq!(listed(&mut anna, ""), [n.as_str()]);
    app.client().get("/healthz").expect(200);
}

#[test]
fn a_huge_declared_body_does_not_take_the_server_down() {
    let app = limited();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    // (path, content type, status): only the headers are sent, claiming a terabyte.
    let cases = [
        (format!("/tickets/{n}/attachments"), "multipart/form-data; boundary=x", 413),
        ("/tickets".to_string(), "application/x-www-form-urlencoded", 413),
    ];
    for (path, ctype, status) in cases {
        let head = anna.request_head("POST", &path, &[("Content-Type", ctype), ("Content-Length", "1000000000000")]);
        let r = anna.raw(head.as_bytes());
        assert_eq!(r.status, status, "POST {path}");
        std::thread::sleep(Duration::from_millis(500));
        let alive = TcpStream::connect(app.addr).is_ok();
        assert!(alive, "the server died after a request declaring Content-Length: 1000000000000 to {path}");
        app.client().get("/healthz").expect(200);
    }
}

#[test]
fn files_are_seen_only_by_who_may_see_them() {
    let app = limited();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut ada = app.ada();
    let na = ticket_with_files(&mut anna, "Vertrag", &[("vertrag.txt", "text/plain", b"Annas Vertrag")]);
    let nb = create_ticket(&mut bernd, "Bernd", "Eigenes Ticket.", "normal");
    let ada_csrf = staff_csrf(&mut ada);
    let staff_post = format!("/staff/tickets/{na}/activities");
    post_files(
        &mut ada,
        &staff_post,
        &[("csrf", &ada_csrf), ("kind", "internal_note"), ("body", "Interne Notiz mit Datei")],
        &[("intern-geheim.txt", "text/plain", b"nur fuer uns")],
    )
    .expect_redirect(&format!("/staff/tickets/{na}"));
    post_files(
        &mut ada,
        &staff_post,
        &[("csrf", &ada_csrf), ("kind", "message"), ("body", "Anbei die Antwort.")],
        &[("antwort.txt", "text/plain", b"die Antwort")],
    )
    .expect(303);

    let staff_page = staff_activities(&mut ada, &na).1;
    let ids: Vec<(String, String)> = attachment_links(&staff_page);
    let id = |name: &str| ids.iter().find(|(_, s)| s == name).unwrap_or_else(|| panic!("{name}: {ids:?}")).0.clone();
    let (contract, internal, answer) = (id("vertrag.txt"), id("intern-geheim.txt"), id("antwort.txt"));
    for (i, body) in [(&contract, &b"Annas Vertrag"[..]), (&internal, b"nur fuer uns"), (&answer, b"die Antwort")] {
        let r = ada.get(&format!("/staff/tickets/{na}/attachments/{i}"));
        r.expect(200);
        assert_eq!(r.body, body);
    }

    // Anna: her file and the staff message's file, never the internal one.
    let page = anna.get(&format!("/tickets/{na}")).text();
    let shown: Vec<String> = attachment_links(&page).into_iter().map(|(_, s)| s).collect();
    assert_eq!(shown, ["vertrag.txt", "antwort.txt"]);
    assert!(!page.contains("intern-geheim"));
    assert_eq!(anna.get(&format!("/tickets/{na}/attachments/{answer}")).body, b"die Antwort");
    assert_eq!(anna.get(&format!("/tickets/{na}/attachments/{contract}")).status, 200);
    let r = anna.get(&format!("/tickets/{na}/attachments/{internal}"));
    assert_eq!(r.status, 404, "the internal file");
    assert!(!r.text().contains("nur fuer uns"));
    assert_eq!(anna.get(&format!("/staff/tickets/{na}/attachments/{internal}")).status, 403);

    // Bernd: 404 whichever way he asks; anonymous: to the login.
    for path in [
        format!("/tickets/{na}/attachments/{contract}"),
        format!("/tickets/{nb}/attachments/{contract}"),
        format!("/tickets/{na}/attachments/{answer}"),
        format!("/tickets/{nb}/attachments/{internal}"),
    ] {
        let r = bernd.get(&path);
        assert_eq!(r.status, 404, "Bernd GET {path}");
        assert!(!r.text().contains("Annas Vertrag"));
        let r = app.client().get(&path);
        assert_eq!(r.status, 303, "anonymous GET {path}");
        assert!(r.location().starts_with("/login?next="), "{}", r.location());
    }
    for path in [
        format!("/tickets/{na}/attachments/999999"),
        format!("/tickets/{na}/attachments/abc"),
        format!("/tickets/{na}/attachments/-1"),
        "/tickets/2020-00001/attachments/1".to_string(),
    ] {
        assert_eq!(anna.get(&path).status, 404, "GET {path}");
    }
    assert_eq!(
        ada.get(&format!("/staff/tickets/{nb}/attachments/{contract}")).status,
        404,
        "the file of another ticket"
    );
}

#[test]
fn replies_documents_and_staff_documents_carry_files() {
    let app = limited();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let csrf = session_csrf(&mut anna);

    // A reply with two files: one message activity with both.
    post_files(
        &mut anna,
        &format!("/tickets/{n}/reply"),
        &[("csrf", &csrf), ("body", "Fotos vom Fehler.")],
        &[("fehler1.txt", "text/plain", b"eins"), ("fehler2.txt", "text/plain", b"zwei")],
    )
    .expect_redirect(&format!("/tickets/{n}"));
    // A reply of files only is fine too.
    post_files(
        &mut anna,
        &format!("/tickets/{n}/reply"),
        &[("csrf", &csrf), ("body", "")],
        &[("nur-datei.txt", "text/plain", b"drei")],
    )
    .expect(303);
    // Documents without text: a document activity; without files: 422.
    post_files(
        &mut anna,
        &format!("/tickets/{n}/attachments"),
        &[("csrf", &csrf)],
        &[("scan.txt", "text/plain", b"vier")],
    )
    .expect(303);
    let r = post_files(&mut anna, &format!("/tickets/{n}/attachments"), &[("csrf", &csrf)], &[]);
    assert_eq!(r.status, 422, "an upload without files");
    assert!(html::by_id(&r.text(), "err-attachments").is_some());

    // Staff attach files to a message.
    let ada_csrf = staff_csrf(&mut ada);
    post_files(
        &mut ada,
        &format!("/staff/tickets/{n}/activities"),
        &[("csrf", &ada_csrf), ("kind", "message"), ("body", "Die Anleitung.")],
        &[("anleitung.txt", "text/plain", b"fuenf")],
    )
    .expect(303);

    let (acts, page) = activities(&mut anna, &n);
    let kinds: Vec<&str> = acts.iter().map(|a| a.attr("data-activity-kind")).collect();
    assert_eq!(kinds, ["message", "message", "message", "document", "message"]);
    assert_eq!(files_of(&acts, &page, 1), ["fehler1.txt", "fehler2.txt"], "each activity lists its own files");
    assert_eq!(files_of(&acts, &page, 2), ["nur-datei.txt"]);
    assert_eq!(files_of(&acts, &page, 3), ["scan.txt"]);
    assert_eq!(files_of(&acts, &page, 4), ["anleitung.txt"]);
    assert!(html::inner_text(&page, &acts[4]).contains("ada"), "the staff member is named");
}

/// The names of the files listed under the `i`-th activity.
fn files_of(acts: &[html::Tag], page: &str, i: usize) -> Vec<String> {
    let start = acts[i].end;
    let end = acts.get(i + 1).map(|a| a.start).unwrap_or(page.len());
    let section = &page[start..end];
    // Up to the documents panel, which lists every file again.
    let section = section.split("id=\"documents\"").next().unwrap_or(section);
    attachment_links(section).into_iter().map(|(_, s)| s).collect()
}

#[test]
fn staff_add_documents_with_files() {
    let app = limited();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let ada_csrf = staff_csrf(&mut ada);
    let r = post_files(
        &mut ada,
        &format!("/staff/tickets/{n}/activities"),
        &[("csrf", &ada_csrf), ("kind", "document"), ("body", "")],
        &[("handbuch.txt", "text/plain", b"das Handbuch")],
    );
    let err = html::by_id(&r.text(), "err-kind").map(|t| html::inner_text(&r.text(), &t));
    assert_eq!(r.status, 303, "staff: kind=document with a file (message at kind: {err:?})");
    let (acts, page) = activities(&mut anna, &n);
    let kinds: Vec<&str> = acts.iter().map(|a| a.attr("data-activity-kind")).collect();
    assert_eq!(kinds, ["message", "document"]);
    assert_eq!(files_of(&acts, &page, 1), ["handbuch.txt"]);
    // A document needs a file.
    let r = post_files(
        &mut ada,
        &format!("/staff/tickets/{n}/activities"),
        &[("csrf", &ada_csrf), ("kind", "document"), ("body", "ohne Datei")],
        &[],
    );
    assert_eq!(r.status, 422);
    assert!(html::by_id(&r.text(), "err-attachments").is_some());
}

#[test]
fn only_real_raster_images_are_shown_inline() {
    let app = Builder::new().customer(ANNA).start();
    let mut anna = app.anna();
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), b"\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0"].concat();
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!".to_vec();
    let webp = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00".to_vec();
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let page_html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    // (name, declared type, content, the inline type when the bytes are a raster image)
    let cases: [(&str, &str, &[u8], Option<&str>); 9] = [
        ("bild.png", "image/png", &png, Some("image/png")),
        ("foto.jpg", "image/jpeg", &jpeg, Some("image/jpeg")),
        ("animation.gif", "image/gif", &gif, Some("image/gif")),
        ("bild.webp", "image/webp", &webp, Some("image/webp")),
        ("getarnt.bin", "application/octet-stream", &png, Some("image/png")),
        ("zeichnung.svg", "image/svg+xml", &svg, None),
        ("seite.html", "text/html", &page_html, None),
        ("falsch.png", "image/png", &page_html, None),
        ("leer.png", "image/png", b"", None),
    ];
    let parts: Vec<FilePart> = cases.iter().map(|(n, t, d, _)| (*n, *t, *d)).collect();
    let n = ticket_with_files(&mut anna, "Bilder", &parts);
    let page = anna.get(&format!("/tickets/{n}")).text();
    for (name, declared, data, inline) in cases {
        let id = link_id(&page, name);
        let url = format!("/tickets/{n}/attachments/{id}");
        let preview = format!("{url}?inline=1");
        let has_preview = html::tags(&page).iter().any(|t| t.get("href") == Some(preview.as_str()));
        assert_eq!(has_preview, inline.is_some(), "{name}: preview link");
        for query in ["", "?inline=1"] {
            let r = anna.get(&format!("{url}{query}"));
            r.expect(200);
            assert_eq!(r.body, data, "{name}{query}");
            assert_download_headers(&r, name);
            let cd = r.header("Content-Disposition").unwrap_or("");
            let ctype = r.header("Content-Type").unwrap_or("");
            match inline.filter(|_| !query.is_empty()) {
                Some(t) => {
                    assert_eq!(ctype, t, "{name}{query}");
                    assert!(cd.starts_with("inline;"), "{name}{query}: {cd}");
                }
                None => {
                    assert_eq!(ctype, "application/octet-stream", "{name}{query} (declared {declared})");
                    assert!(cd.starts_with("attachment;"), "{name}{query}: {cd}");
                }
            }
        }
    }
}

#[test]
fn hostile_file_names_are_display_text_only() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let long = format!("{}.txt", "a".repeat(996));
    // (name as sent, the name shown; None: only the safety rules apply)
    let cases: Vec<(&str, Option<&str>)> = vec![
        ("../../etc/passwd", Some("passwd")),
        ("..\\..\\Windows\\win.ini", Some("win.ini")),
        ("C:\\Users\\anna\\Desktop\\Bericht.pdf", Some("Bericht.pdf")),
        ("/etc/shadow", Some("shadow")),
        ("tab\there.txt", Some("tabhere.txt")),
        ("zeile\r\nX-Injected: ja.txt", None),
        ("Bericht \"final\".pdf", Some("Bericht \"final\".pdf")),
        ("<img src=x onerror=alert(1)>.html", Some("<img src=x onerror=alert(1)>.html")),
        ("rechnung\u{202E}fdp.exe", Some("rechnungfdp.exe")),
        ("\u{202E}\u{2066}gnp.exe\u{2069}", Some("gnp.exe")),
        ("Übersicht Straße.pdf", Some("Übersicht Straße.pdf")),
        (long.as_str(), None),
    ];
    let contents: Vec<Vec<u8>> = (0..cases.len()).map(|i| format!("Inhalt Nummer {i}").into_bytes()).collect();
    let parts: Vec<FilePart> =
        cases.iter().zip(&contents).map(|((name, _), data)| (*name, "text/plain", data.as_slice())).collect();
    let n = ticket_with_files(&mut anna, "Namen", &parts);

    let r = anna.get(&format!("/tickets/{n}"));
    let page = r.text();
    assert!(!page.contains("<img src=x"), "the name is escaped");
    assert!(!page.contains('\u{202E}') && !page.contains('\u{2066}'), "no direction overrides on the page");
    let links = attachment_links(&page);
    assert_eq!(links.len(), cases.len(), "{links:?}");
    for (((sent, want), data), (id, shown)) in cases.iter().zip(&contents).zip(&links) {
        let why = format!("sent {sent:?}, shown {shown:?}");
        assert!(!shown.is_empty(), "{why}");
        assert!(!shown.chars().any(|c| c.is_control()), "{why}: control characters");
        assert!(!shown.contains('/') && !shown.contains('\\'), "{why}: a path");
        assert!(!shown.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')), "{why}");
        assert!(shown.chars().count() <= 255, "{why}: {} characters", shown.chars().count());
        match want {
            Some(w) => assert_eq!(shown, w, "{why}"),
            None if *sent == long => assert!(long.starts_with(shown.as_str()) && shown.len() >= 100, "{why}"),
            None => {}
        }
        for (c, url) in [
            (&mut anna, format!("/tickets/{n}/attachments/{id}")),
            (&mut ada, format!("/staff/tickets/{n}/attachments/{id}")),
        ] {
            let r = c.get(&url);
            r.expect(200);
            assert_eq!(&r.body, data, "{why}");
            assert!(r.header("X-Injected").is_none(), "{why}: a header was injected");
            let all = r.headers_all("Content-Disposition");
            assert_eq!(all.len(), 1, "{why}: {all:?}");
            let cd = all[0];
            assert!(cd.bytes().all(|b| (0x20..0x7F).contains(&b)), "{why}: not one plain ASCII line: {cd:?}");
            let rest = cd.strip_prefix("attachment; filename=\"").unwrap_or_else(|| panic!("{why}: {cd}"));
            let (ascii, star) = rest.split_once("\"; filename*=UTF-8''").unwrap_or_else(|| panic!("{why}: {cd}"));
            assert!(!ascii.contains('"') && !ascii.contains('\\'), "{why}: {cd}");
            assert!(!star.contains([';', ' ', '"']), "{why}: {cd}");
            assert_eq!(urldecode(star), *shown, "{why}: filename* is the shown name");
        }
    }
    // Stored as display text, never as a path.
    let db = app.db();
    let names = crate::harness::strings(&db, "SELECT file_name FROM attachments");
    assert_eq!(names.len(), cases.len());
    for name in names {
        assert!(!name.contains('/') && !name.contains('\\') && !name.chars().any(|c| c.is_control()), "{name:?}");
    }
}
