//! What a person submitted, as `web` read it and `views` show it again; and the one way text
//! goes into a URL.

use std::collections::HashMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The fields of a submitted form, in order.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The value, or "" when absent.
    pub fn str(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// Every value of a field that repeats (a group of checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Every `cf_<key>` value, keyed without the prefix.
    pub fn custom_fields(&self) -> HashMap<String, String> {
        self.fields.iter().filter_map(|(k, v)| k.strip_prefix("cf_").map(|k| (k.to_string(), v.clone()))).collect()
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Form {
        Form { fields: pairs }
    }

    /// Replaces a field's value (or adds the field).
    pub fn set(&mut self, name: &str, value: String) {
        match self.fields.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.fields.push((name.to_string(), value)),
        }
    }
}

/// Kept as they are: letters, digits and `-_.~` (RFC 3986 unreserved), and `/` so that a path
/// stays readable in `?next=`.
const URL_TEXT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Text as a query value or path segment: everything else percent-encoded as UTF-8.
pub fn url_encode(s: &str) -> String {
    utf8_percent_encode(s, URL_TEXT).to_string()
}

/// [`url_encode`] appended to `out`, without a `String` of its own.
pub fn push_url_encoded(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, URL_TEXT));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_keeps_unreserved_and_slash() {
        assert_eq!(url_encode("/tickets?year=2025&q=ä"), "/tickets%3Fyear%3D2025%26q%3D%C3%A4");
        assert_eq!(url_encode("A-z_0.9~/"), "A-z_0.9~/");
        assert_eq!(url_encode("a b+c%"), "a%20b%2Bc%25");
    }
}
