//! The ticket search index as staff search reads it (issues 20 and 24, schema 0027): a
//! contentless FTS5 table (subject rows by ticket id, activity rows by −activity id) and
//! `search_words`, from which a typed prefix becomes exact terms (`db::search::staff_query`).

use std::fs;
use std::path::Path;

use crate::hardening::write_first_schema_db;
use crate::harness::{create_ticket, queue_rows, queued, staff_activity, Builder, ADA, ANNA, BERND};

#[test]
fn staff_search_completes_prefixes_of_new_words_with_umlauts_and_many_completions() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).start();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut ada = app.ada();
    let plotter = create_ticket(&mut anna, "Plotterwartung im Keller", "Die Überprüfung steht an.", "normal");
    let older = create_ticket(&mut bernd, "Großformatdrucker streikt", "Papierstau seit Montag.", "normal");
    staff_activity(&mut ada, &plotter, &[("kind", "internal_note"), ("body", "Kartuschenwechsel bestellt")])
        .expect(303);
    // More than MAX_COMPLETIONS (50) words with one prefix: that prefix goes to FTS5 as a prefix term.
    let many: Vec<String> = (1..=60).map(|i| format!("Zyxwort{i:03}")).collect();
    let crowded = create_ticket(&mut bernd, "Viele Wörter", &many.join(" "), "normal");
    // More than MAX_GROUPED (2,000) words with one prefix: the prefix term as typed.
    let lots: Vec<String> = (0..2_100).map(|i| format!("Qrst{i:04}")).collect();
    let flooded = create_ticket(&mut anna, "Noch mehr Wörter", &lots.join(" "), "normal");

    let all = |ada: &mut crate::http::Client, q: &str| queued(ada, &format!("view=all&q={q}"));
    // Prefixes of words no demo text has (noted by db::search::note_words as they were written),
    // in subjects, customer texts and internal notes; whole words too.
    for q in
        ["plott", "Plotterwartung", "PLOTTERW", "kartusch", "Kartuschenwechsel", "uberpruf", "%C3%9Cberpr%C3%BCfung"]
    {
        assert_eq!(all(&mut ada, q), [plotter.as_str()], "q={q}");
    }
    assert_eq!(all(&mut ada, "gro%C3%9Fformat"), [older.as_str()], "ß as typed");
    assert!(all(&mut ada, "grossformat").is_empty(), "ß is not ss (as in the index)");
    assert_eq!(all(&mut ada, "papier+mont"), [older.as_str()], "every word of one text, each as a prefix");
    assert!(all(&mut ada, "papier+kartusch").is_empty(), "words of different texts do not match together");
    assert!(all(&mut ada, "lotter").is_empty(), "a prefix, not a substring");
    // Two letters match whole words only.
    assert!(all(&mut ada, "pl").is_empty(), "a two-letter prefix is a whole word");
    // A prefix with more completions than the word list hands out, and one of them exactly.
    assert_eq!(all(&mut ada, "zyxw"), [crowded.as_str()], "60 completions: grouped by the next character");
    assert_eq!(all(&mut ada, "zyxwort"), [crowded.as_str()]);
    assert_eq!(all(&mut ada, "qrst"), [flooded.as_str()], "2,100 completions: the prefix term");
    assert_eq!(all(&mut ada, "qrst1"), [flooded.as_str()], "1,000 completions: grouped");
    assert_eq!(all(&mut ada, "qrst2099"), [flooded.as_str()]);
    assert!(all(&mut ada, "qrst21").is_empty());
    assert_eq!(all(&mut ada, "zyxwort04"), [crowded.as_str()], "ten completions: exact terms");
    assert_eq!(all(&mut ada, "Zyxwort042"), [crowded.as_str()]);
    assert!(all(&mut ada, "zyxwort0611").is_empty());
    // Both tickets with the newest first in the index: every match is listed.
    let (_, page) = queue_rows(&mut ada, "view=all&q=wort");
    assert!(!page.contains("data-capped"), "a few matches are counted exactly");
    let words: i64 = app.count("SELECT count(*) FROM search_words WHERE word LIKE 'zyxwort%'");
    assert_eq!(words, 60, "each new word noted once");
    assert_eq!(app.count("SELECT count(*) FROM search_words WHERE length(word) < 3"), 0, "no short words");
}

#[test]
fn the_search_index_holds_no_copy_of_the_texts_and_finds_each_row_s_ticket() {
    let app = Builder::new().customer(ANNA).admin(ADA).start();
    let mut anna = app.anna();
    let mut ada = app.ada();
    let first = create_ticket(&mut anna, "Scanner defekt", "Er piept dreimal.", "normal");
    let second = create_ticket(&mut anna, "Monitor flackert", "Nach dem Scannerupdate.", "normal");
    // Contentless: no `search_content` table, the rows are there by rowid only.
    assert_eq!(app.count("SELECT count(*) FROM sqlite_master WHERE name = 'search_content'"), 0);
    assert_eq!(app.count("SELECT count(*) FROM search WHERE text IS NOT NULL"), 0, "no text kept");
    let ids: Vec<i64> = {
        let db = app.db();
        let mut st = db.prepare("SELECT rowid FROM search WHERE rowid > 0 ORDER BY rowid").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    let tickets: Vec<i64> = {
        let db = app.db();
        let mut st = db.prepare("SELECT id FROM tickets ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert_eq!(ids, tickets, "a subject's row is its ticket's id");
    // A subject row and an activity row each lead to their ticket.
    assert_eq!(queued(&mut ada, "view=all&q=scanner"), {
        let mut v = vec![first.clone(), second.clone()];
        v.sort();
        v
    });
    assert_eq!(queued(&mut ada, "view=all&q=flacker"), [second.as_str()]);
    assert_eq!(queued(&mut ada, "view=all&q=piept"), [first.as_str()]);
    // A row can be deleted from the index by its rowid alone (`contentless_delete=1`), as a
    // deleted activity's would be: then it is no longer found.
    let piept = app
        .count("SELECT a.id FROM activities a JOIN tickets t ON t.id = a.ticket_id WHERE a.body = 'Er piept dreimal.'");
    app.db().execute("DELETE FROM search WHERE rowid = ?1", [-piept]).unwrap();
    assert!(queued(&mut ada, "view=all&q=piept").is_empty(), "the deleted row is gone");
    assert_eq!(queued(&mut ada, "view=all&q=scanner").len(), 2, "the other rows stay");
}

/// An old database (schema 0001, search rows numbered in insert order, activity rows positive)
/// is rebuilt at the first start: rows by ticket id and −activity id, the words listed, found.
#[test]
fn an_old_search_index_is_rebuilt_contentless_and_staff_search_finds_its_texts() {
    let env = Builder::new().prepare();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let v1 = fs::read_to_string(schema.join("0001_init.sql")).unwrap();
    let (subject, first, second) =
        ("Drucker druckt nicht", "Seit gestern nur leere Seiten.", "Nachtrag: Überprüfung folgt.");
    write_first_schema_db(&env.db_path, &v1, subject, first, second);
    env.cli_stdin(
        &["admin", "create", "--username", ADA.username, "--email", ADA.email, "--password-stdin"],
        &format!("{}\n", ADA.password),
    )
    .ok();
    let app = env.start();
    let rowids: Vec<i64> = {
        let db = app.db();
        let mut st = db.prepare("SELECT rowid FROM search ORDER BY rowid").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert_eq!(rowids, [-2, -1, 1], "activities by −id, the subject by the ticket id");
    for w in ["drucker", "druckt", "seiten", "uberprufung", "nachtrag"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM search_words WHERE word = '{w}'")), 1, "{w} listed");
    }
    let mut ada = app.ada();
    for q in ["druck", "Drucker", "leere+seit", "%C3%BCberpr", "nachtr"] {
        assert_eq!(queued(&mut ada, &format!("view=all&q={q}")), ["2024-00007"], "q={q}");
    }
    // A new reply on the rebuilt index is found by a prefix of its new word.
    let mut anna = app.anna();
    let csrf = crate::harness::session_csrf(&mut anna);
    anna.post_form("/tickets/2024-00007/reply", &[("csrf", &csrf), ("body", "Tonerkassette getauscht.")])
        .expect_redirect("/tickets/2024-00007");
    assert_eq!(queued(&mut ada, "view=all&q=tonerkass"), ["2024-00007"]);
}
