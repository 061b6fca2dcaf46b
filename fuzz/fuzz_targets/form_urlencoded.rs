//! urlencoded forms: `web::form::parse_urlencoded` (the `form_urlencoded` crate) against
//! `model::url_encode`, and `read_form`'s cap on a real (fake) rouille request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketd::model::url_encode;
use ticketd::web::form::{parse_urlencoded, read_form};

const FORM_LIMIT: u64 = 1024;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let pairs = parse_urlencoded(s);
        assert!(pairs.len() <= s.split('&').count());
        // Encoding then decoding gives back the text, whatever it is.
        let one = |v: &str| vec![("k".to_string(), v.to_string())];
        assert_eq!(parse_urlencoded(&format!("k={}", url_encode(s))), one(s));
        // Nothing to decode: unchanged.
        if !s.contains(['%', '+', '&']) {
            assert_eq!(parse_urlencoded(&format!("k={s}")), one(s));
        }
        let encoded = url_encode(s);
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)));
    }
    // The same bytes as a request body: parsed when within the cap, refused (413) beyond it,
    // refused (400) when not UTF-8 -- never a panic.
    let req = rouille::Request::fake_http(
        "POST",
        "/x",
        vec![
            ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ("Content-Length".into(), data.len().to_string()),
        ],
        data.to_vec(),
    );
    match read_form(&req, FORM_LIMIT, 4 * FORM_LIMIT) {
        Ok(form) => {
            assert!(data.len() as u64 <= FORM_LIMIT);
            let _ = form.get("subject");
        }
        Err(e) => {
            let status = e.status();
            assert!(status == 400 || status == 413, "status {status}");
            assert!(data.len() as u64 > FORM_LIMIT || std::str::from_utf8(data).is_err());
        }
    }
});
