//! `web::files::content_disposition`: any stored file name yields one header-safe line whose
//! `filename*` decodes back to the name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketd::web::files::content_disposition;

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else { return };
    for kind in ["attachment", "inline"] {
        let d = content_disposition(kind, name);
        assert!(d.is_ascii(), "non-ASCII header {d:?}");
        assert!(!d.contains(['\r', '\n', '\0']), "line break in {d:?}");
        assert!(!d.bytes().any(|b| b.is_ascii_control()), "control byte in {d:?}");
        // Exactly: kind; filename="<fallback>"; filename*=UTF-8''<encoded>
        let rest = d.strip_prefix(kind).and_then(|r| r.strip_prefix("; filename=\"")).expect("prefix");
        let (fallback, encoded) = rest.split_once("\"; filename*=UTF-8''").expect("two parameters");
        assert!(!fallback.contains(['"', '\\', ';']), "unsafe fallback {fallback:?}");
        assert_eq!(fallback.chars().count(), name.chars().count(), "fallback length");
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)), "{encoded:?}");
        assert_eq!(percent_decode(encoded), name.as_bytes(), "filename* does not round-trip");
    }
});
