//! `model::clean_file_name`: whatever a browser sends as a file name, the stored name is one
//! plain, visible file name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketd::model::clean_file_name;

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let name = clean_file_name(raw);
    assert!(!name.is_empty(), "empty name for {raw:?}");
    assert!(name.chars().count() <= 255, "{} chars for {raw:?}", name.chars().count());
    assert!(!name.contains(['/', '\\']), "separator in {name:?}");
    assert!(!name.chars().any(char::is_control), "control char in {name:?}");
    assert!(!name.chars().any(is_bidi), "bidi control in {name:?}");
    assert!(!name.starts_with('.'), "leading dot in {name:?} from {raw:?}");
    assert_eq!(name.trim(), name, "untrimmed {name:?}");
    assert_eq!(clean_file_name(&name), name, "not idempotent for {raw:?}");
});
