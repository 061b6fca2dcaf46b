//! Search scoped before it is matched: a customer's (or member's) search reads only that
//! customer's tickets, activities and field values, and matches them with `ticketd_match`, an
//! SQL function registered on every connection ([`register`]).
//!
//! The global FTS index (`search`, `field_search`) would first find every matching row of every
//! customer (a prefix term such as `"Druck"*` expands over the whole vocabulary) and only then
//! keep the customer's: at a million tickets that was 249 ms for one customer's hundred tickets
//! (issue 24). Reading one customer's rows through `tickets_customer…` and `activities_ticket`
//! costs what that customer has, not what the database has. Staff search keeps the FTS index.
//!
//! `ticketd_match(text, query)` matches like the FTS tables' tokenizer (`unicode61
//! remove_diacritics 2`) with `db::tickets::fts_query`'s query: every word of the query is the
//! prefix of some word of the text, case and diacritics folded (`ueber` ≠ `über`, but `uber`
//! finds `Über`, as in FTS).

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use crate::error::Result;

/// The name of the SQL function, as the queries write it.
pub const MATCH_FN: &str = "ticketd_match";

/// Registers `ticketd_match(text, query)` on a connection (1: every query word is a prefix of
/// a word of `text`; 0 otherwise or for an empty query; NULL text: 0).
pub fn register(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        MATCH_FN,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            // The query is the same for every row of a statement: parsed once, kept as aux data.
            let terms = ctx.get_or_create_aux(1, |v| -> std::result::Result<Vec<String>, rusqlite::Error> {
                Ok(query_terms(v.as_str().unwrap_or("")))
            })?;
            let text = match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t),
                _ => return Ok(false),
            };
            Ok(matches(&text, &terms))
        },
    )?;
    Ok(())
}

/// The folded words of a query, as `fts_query` quotes them (at most 8).
pub fn query_terms(input: &str) -> Vec<String> {
    words(input).take(8).collect()
}

/// Every term is a prefix of some word of `text`; no terms: no match.
pub fn matches(text: &str, terms: &[String]) -> bool {
    if terms.is_empty() {
        return false;
    }
    let mut found = vec![false; terms.len()];
    let mut left = terms.len();
    for w in words(text) {
        for (i, t) in terms.iter().enumerate() {
            if !found[i] && w.starts_with(t.as_str()) {
                found[i] = true;
                left -= 1;
            }
        }
        if left == 0 {
            return true;
        }
    }
    false
}

/// Words (runs of letters and digits), lower case, diacritics removed.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| {
        let mut out = String::with_capacity(w.len());
        for c in w.chars().flat_map(char::to_lowercase) {
            out.push(fold(c));
        }
        out
    })
}

/// A lower-case Latin letter without its diacritics (as `remove_diacritics 2`); others as is.
fn fold(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str, q: &str) -> bool {
        matches(text, &query_terms(q))
    }

    #[test]
    fn prefixes_case_and_diacritics() {
        assert!(m("Der Drucker druckt nicht", "druck"));
        assert!(m("Der Drucker druckt nicht", "Drucker nicht"));
        assert!(!m("Der Drucker druckt nicht", "Drucker Papier"));
        assert!(m("Überweisung fehlt", "uberweisung"));
        assert!(m("Uberweisung fehlt", "Überweisung"));
        assert!(m("Viele Grüße", "grüße"));
        assert!(!m("Viele Grüße", "gruesse"));
        assert!(!m("Drucker", "rucker"), "a prefix, not a substring");
        assert!(!m("Drucker", "  "), "no words: no match");
        assert!(m("E-Mail: a.b@example.com", "example"));
    }

    /// The function agrees with the FTS tables' tokenizer on what it finds.
    #[test]
    fn agrees_with_fts() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE s USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO s (text) VALUES ('Der Drucker im Büro'), ('Grüße aus Köln'), ('Straße 12b, ÉCOLE'),
               ('Fehler 0x80070005 beim Update'), ('Scanner defekt');",
        )
        .unwrap();
        for q in [
            "druck",
            "buro",
            "büro",
            "KÖLN",
            "koln",
            "gru",
            "straße",
            "strasse",
            "ecole",
            "12",
            "0x8",
            "update fehler",
            "scanner druck",
        ] {
            let fts: Vec<i64> = {
                let query = crate::db::tickets::fts_query(q).unwrap();
                let mut st = conn.prepare("SELECT rowid FROM s WHERE s MATCH ?1 ORDER BY rowid").unwrap();
                st.query_map([query], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
            };
            let ours: Vec<i64> = {
                let mut st = conn.prepare("SELECT rowid FROM s WHERE ticketd_match(text, ?1) ORDER BY rowid").unwrap();
                st.query_map([q], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
            };
            assert_eq!(fts, ours, "query {q:?}");
        }
    }
}
