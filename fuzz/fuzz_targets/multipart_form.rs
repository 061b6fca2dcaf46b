//! Multipart forms without files: `web::form::read_form` with a `multipart/form-data` body, on a
//! fake rouille request, with small limits so the caps are reached.
//!
//! The boundary is taken from the body's first line (`--BOUNDARY`), as a browser would have
//! announced it; anything else gets a fixed boundary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketd::web::form::read_form;

const TEXT_LIMIT: u64 = 512;
const MULTIPART_LIMIT: u64 = 4096;

fn boundary_of(data: &[u8]) -> String {
    let first = data.split(|b| *b == b'\r' || *b == b'\n').next().unwrap_or(b"");
    match first.strip_prefix(b"--").map(std::str::from_utf8) {
        Some(Ok(b))
            if !b.is_empty() && b.len() <= 70 && b.bytes().all(|c| c.is_ascii_graphic() && c != b'"' && c != b';') =>
        {
            b.to_string()
        }
        _ => "XyZ".to_string(),
    }
}

fuzz_target!(|data: &[u8]| {
    let boundary = boundary_of(data);
    let req = rouille::Request::fake_http(
        "POST",
        "/x",
        vec![
            ("Content-Type".into(), format!("multipart/form-data; boundary={boundary}")),
            ("Content-Length".into(), data.len().to_string()),
        ],
        data.to_vec(),
    );
    match read_form(&req, TEXT_LIMIT, MULTIPART_LIMIT) {
        Ok(form) => {
            assert!(data.len() as u64 <= MULTIPART_LIMIT, "over the request cap, yet parsed");
            let _ = form.custom_fields();
        }
        Err(e) => {
            let status = e.status();
            assert!(status == 400 || status == 413, "status {status}");
        }
    }
});
