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

/// A query word of at least this many characters matches as a prefix; shorter ones only whole
/// (a prefix `"d"*` would merge the postings of every word starting with d: 0.7 s at a million
/// tickets). `search_words` holds only words this long.
pub const PREFIX_CHARS: usize = 3;

/// A prefix with at most this many words in `search_words` becomes their exact terms
/// (`"druck" OR "drucker" OR "druckt"`); an OR of 50 exact terms read newest first costs ~1 ms
/// at a million tickets, 200 terms 3–6 ms.
pub const MAX_COMPLETIONS: usize = 50;

/// With more words than [`MAX_COMPLETIONS`] (and at most this many), a prefix becomes the typed
/// word itself (exact, read lazily: it may be in nearly every text, as `2024` of every e-mail
/// subject is) and one group per next character: the group's words exactly while the terms stay
/// within [`MAX_COMPLETIONS`], else the longer prefix (`"20241"*`, merged in full but holding
/// only the longer words). With still more words, the prefix term as it was typed.
pub const MAX_GROUPED: usize = 2000;

/// Notes the words of a text newly put into the search index (`search` or `field_search`) in
/// `search_words` (schema 0027), folded as [`words`] folds them: what a prefix in staff search
/// may complete to. Words are never removed (a word no row holds any more costs one lookup of
/// an empty doclist).
pub fn note_words(conn: &Connection, text: &str) -> Result<()> {
    let mut found: Vec<String> = words(text).filter(|w| w.chars().count() >= PREFIX_CHARS).collect();
    found.sort_unstable();
    found.dedup();
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO search_words (word) VALUES (?1)")?;
    for w in &found {
        stmt.execute([w])?;
    }
    Ok(())
}

/// Fills `search_words` from the terms of both search indexes (what the migration does; the
/// demo writer calls it once at the end instead of noting every text's words).
pub fn fill_words(conn: &Connection) -> Result<()> {
    for table in ["search", "field_search"] {
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, {table}, row);
             INSERT OR IGNORE INTO search_words (word) SELECT term FROM temp.search_terms WHERE length(term) >= {PREFIX_CHARS};
             DROP TABLE temp.search_terms;"
        ))?;
    }
    Ok(())
}

/// Staff search's FTS5 query for what was typed (at most 8 words, all required): a word shorter
/// than [`PREFIX_CHARS`] as a whole word; a longer one as itself or any word of
/// `search_words` it begins (`("druck" OR "drucker" OR "druckt")`), exact terms that FTS5 reads
/// lazily in rowid order, so `ORDER BY rowid LIMIT n` stops after n rows whatever the size of
/// the database; with more than [`MAX_COMPLETIONS`] such words, grouped by their next
/// character ([`grouped_terms`]); with more than [`MAX_GROUPED`], the prefix term (`"dr…"*`),
/// whose cost is all postings of its words. `None`: no words.
pub fn staff_query(conn: &Connection, input: &str) -> Result<Option<String>> {
    let mut groups: Vec<String> = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT word FROM search_words WHERE word >= ?1 AND word < ?2 ORDER BY word LIMIT ?3")?;
    for w in query_terms(input) {
        if w.chars().count() < PREFIX_CHARS {
            groups.push(format!("\"{w}\""));
            continue;
        }
        let upper = format!("{w}\u{10FFFF}");
        let completions: Vec<String> = stmt
            .query_map(rusqlite::params![w, upper, MAX_GROUPED as i64 + 1], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let longer: Vec<&String> = completions.iter().filter(|c| **c != w).collect();
        let terms = if completions.len() > MAX_GROUPED {
            vec![format!("\"{w}\"*")]
        } else if longer.len() <= MAX_COMPLETIONS {
            std::iter::once(&w).chain(longer).map(|t| format!("\"{t}\"")).collect()
        } else {
            grouped_terms(&w, &longer)
        };
        groups.push(if terms.len() == 1 { terms[0].clone() } else { format!("({})", terms.join(" OR ")) });
    }
    Ok((!groups.is_empty()).then(|| groups.join(" AND ")))
}

/// The terms for a prefix `w` with many `longer` words (sorted): `w` exactly, then per next
/// character the group's words exactly while at most [`MAX_COMPLETIONS`] terms are exact, else
/// the group's prefix (see [`MAX_GROUPED`]).
fn grouped_terms(w: &str, longer: &[&String]) -> Vec<String> {
    let mut terms = vec![format!("\"{w}\"")];
    let mut exact = 1;
    let mut rest = longer;
    while let Some(first) = rest.first() {
        let next = first[w.len()..].chars().next().map(|c| c.len_utf8()).unwrap_or(0);
        let prefix = &first[..w.len() + next];
        let n = rest.iter().take_while(|c| c.starts_with(prefix)).count();
        if exact + n <= MAX_COMPLETIONS {
            terms.extend(rest[..n].iter().map(|t| format!("\"{t}\"")));
            exact += n;
        } else {
            terms.push(format!("\"{prefix}\"*"));
        }
        rest = &rest[n..];
    }
    terms
}

/// The ticket ids of the newest `limit` rows of the ticket search index that match `fts`
/// (rowid order: activity rows have rowid −activity id, so ascending is newest first; subject
/// rows, rowid = ticket id, come after them). The index is contentless (schema 0027): an
/// activity row's ticket is looked up by the activity's id.
pub fn text_hits(conn: &Connection, fts: &str, limit: usize) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT CASE WHEN s.rowid > 0 THEN s.rowid ELSE (SELECT a.ticket_id FROM activities a WHERE a.id = -s.rowid) END
         FROM search s WHERE search MATCH ?1 ORDER BY s.rowid LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![fts, limit as i64], |r| r.get::<_, Option<i64>>(0))?;
    let mut out = Vec::with_capacity(limit.min(1024));
    for r in rows {
        if let Some(id) = r? {
            out.push(id);
        }
    }
    Ok(out)
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

    #[test]
    fn many_completions_are_grouped_by_their_next_character() {
        let words: Vec<String> = (0..80).map(|i| format!("2024{}{}", i / 10, i % 10)).collect();
        let longer: Vec<&String> = words.iter().collect();
        let terms = grouped_terms("2024", &longer);
        assert_eq!(terms[0], "\"2024\"", "the word itself, exactly");
        let exact = terms.iter().filter(|t| !t.ends_with('*')).count();
        assert!(exact <= MAX_COMPLETIONS, "{exact} exact terms");
        assert_eq!(exact, 41, "the word and whole groups of ten while they fit: {terms:?}");
        let prefixes: Vec<&String> = terms.iter().filter(|t| t.ends_with('*')).collect();
        assert_eq!(prefixes, ["\"20244\"*", "\"20245\"*", "\"20246\"*", "\"20247\"*"]);
        // Every word is covered by an exact term or a group's prefix.
        for w in &words {
            assert!(
                terms
                    .iter()
                    .any(|t| *t == format!("\"{w}\"") || t.strip_suffix("\"*").is_some_and(|p| w.starts_with(&p[1..]))),
                "{w} is covered"
            );
        }
        // Multi-byte next characters group by the whole character.
        let words: Vec<String> = ["grüße", "grüßen", "grün", "grund"].iter().map(|w| w.to_string()).collect();
        let longer: Vec<&String> = words.iter().collect();
        assert_eq!(grouped_terms("gr", &longer).len(), 5);
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
