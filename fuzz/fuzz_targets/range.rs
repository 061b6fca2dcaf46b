//! `web::files::parse_range`: a `Range` header never yields a backwards range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketd::web::files::parse_range;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let size = u64::from_le_bytes(data[..8].try_into().unwrap());
    let Ok(header) = std::str::from_utf8(&data[8..]) else { return };
    if let Some((start, end)) = parse_range(header, size) {
        if let Some(end) = end {
            assert!(start <= end, "{header:?} -> {start}-{end}");
        }
        if header.trim().starts_with("bytes=-") {
            assert!(start <= size, "{header:?} -> start {start} past {size}");
        }
    }
});
