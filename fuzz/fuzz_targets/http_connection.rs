//! The one HTTP server (`web::http`) on a connection fed random bytes — heads followed by
//! bodies, pipelined or cut short. Whatever arrives, a handler only ever sees a request whose
//! head the parser accepted, at most one per accepted head, with exactly the body its
//! `Content-Length` announced, and never a header the edge refuses or drops.
#![no_main]

use std::cell::Cell;
use std::io::Read;

use libfuzzer_sys::fuzz_target;
use rouille::{Request, Response};
use ticketd::web::http::{body, fuzz_connection};

fuzz_target!(|data: &[u8]| {
    let calls = Cell::new(0usize);
    let handler = |req: &Request| {
        calls.set(calls.get() + 1);
        let mut declared = 0u64;
        for (name, value) in req.headers() {
            assert!(!name.to_ascii_lowercase().starts_with("x-ticketd-"), "own header passed: {name}");
            assert!(!name.eq_ignore_ascii_case("transfer-encoding"), "Transfer-Encoding passed");
            assert!(!value.chars().any(|c| c.is_control() && c != '\t'), "control character in {name}: {value:?}");
            if name.eq_ignore_ascii_case("content-length") {
                declared = value.parse().expect("a passed Content-Length is digits");
            }
        }
        let mut got = Vec::new();
        if let Some(mut b) = body(req) {
            // A body cut short is an error for the handler, never a shorter body.
            if b.read_to_end(&mut got).is_ok() {
                assert_eq!(got.len() as u64, declared, "body length differs from Content-Length");
            }
        }
        Response::text("ok")
    };
    let stats = fuzz_connection(data, &handler);
    assert_eq!(stats.dispatched, calls.get());
    assert!(stats.dispatched <= stats.heads_accepted, "{stats:?}");
    // Every request had a head of its own in the input: one blank line each at least.
    let blank_lines = data.windows(4).filter(|w| *w == b"\r\n\r\n").count();
    assert!(stats.dispatched <= blank_lines, "{stats:?} from {blank_lines} heads");
});
