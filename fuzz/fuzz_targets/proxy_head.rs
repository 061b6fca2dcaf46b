//! The front door's head parser (`web::proxy`): whatever it forwards, tiny_http must read the
//! same request with the same body length -- a disagreement would let a client smuggle a
//! request (or tiny_http's unbounded body drain) past the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketd::web::proxy::parse_head_for_fuzz;

fuzz_target!(|data: &[u8]| {
    let Some((head, content_length)) = parse_head_for_fuzz(data) else { return };
    assert!(content_length <= 1024 * 1024, "body of {content_length} forwarded");
    let text = std::str::from_utf8(&head).expect("forwarded head is UTF-8");
    assert!(text.ends_with("\r\n"), "unterminated {text:?}");
    assert!(!text.contains("\r\n\r\n"), "blank line inside the forwarded head {text:?}");
    // tiny_http splits lines on CRLF only; every line but the request line is `name: value`
    // with the name free of whitespace, else it refuses the request (no smuggling possible).
    let mut lines = text.strip_suffix("\r\n").unwrap_or(text).split("\r\n");
    let request_line = lines.next().expect("request line");
    assert!(request_line.split(' ').count() == 3, "request line {request_line:?}");
    let mut tiny_length: Option<u64> = None;
    let mut tiny_ok = true;
    for line in lines {
        let (name, value) = line.split_once(':').expect("header without colon forwarded");
        assert!(!name.eq_ignore_ascii_case("x-ticketd-peer"), "client's peer header forwarded");
        assert!(!name.eq_ignore_ascii_case("te"), "client's TE forwarded");
        assert!(!name.eq_ignore_ascii_case("transfer-encoding"), "Transfer-Encoding forwarded");
        if name.contains(char::is_whitespace) || !name.is_ascii() || !value.trim().is_ascii() {
            tiny_ok = false; // tiny_http answers 400 to the whole request
            continue;
        }
        if tiny_length.is_none() && name.eq_ignore_ascii_case("content-length") {
            tiny_length = value.trim().parse().ok();
        }
    }
    if tiny_ok {
        assert_eq!(tiny_length.unwrap_or(0), content_length, "body length disagrees with tiny_http: {text:?}");
    }
});
