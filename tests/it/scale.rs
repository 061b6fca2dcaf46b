//! Issue 24: search scoped before it is matched, staff search bounded. (The query guard in
//! `query_plan.rs` proves the plans; these prove the answers.)

use crate::harness::{create_ticket, listed, queued, staff_activity, Builder, ADA, ANNA, BERND};

#[test]
fn customer_search_reads_only_the_scope_and_matches_like_the_index() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).start();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut ada = app.ada();
    let a = create_ticket(&mut anna, "Überweisung fehlt", "Die Rechnung 4711 ist offen.", "normal");
    let b = create_ticket(&mut bernd, "Überweisung doppelt", "Zweimal abgebucht.", "normal");
    staff_activity(&mut ada, &a, &[("kind", "internal_note"), ("body", "Geheimwort Kulanz")]).expect(303);
    staff_activity(&mut ada, &a, &[("kind", "message"), ("body", "Rückruf am Montag")]).expect(303);
    // Prefixes, case and diacritics as in the FTS index, every word required, own tickets only.
    for q in ["uberweis", "%C3%9Cberweisung", "UEBERWEISUNG+fehlt", "rechnung+4711", "ruckruf", "R%C3%BCckruf+montag"] {
        let want: &[&str] = if q.starts_with("UEBER") { &[] } else { &[a.as_str()] };
        assert_eq!(listed(&mut anna, &format!("q={q}")), want, "anna q={q}");
    }
    assert_eq!(listed(&mut bernd, "q=uberweisung"), [b.as_str()]);
    assert!(listed(&mut anna, "q=abgebucht").is_empty(), "another customer's text");
    assert!(listed(&mut anna, "q=Geheimwort").is_empty(), "internal notes stay hidden");
    assert!(listed(&mut anna, "q=ueberweisung+Montag").is_empty(), "ue is not ü (as in the index)");
    // Staff search (FTS) finds the same, and the internal note.
    assert_eq!(queued(&mut ada, "view=all&q=Geheimwort"), [a.as_str()]);
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(queued(&mut ada, "view=all&q=uberweisung"), both);
}

#[test]
fn staff_search_reads_the_newest_matches_and_says_at_least() {
    let env = Builder::new().prepare();
    {
        let app = env.library_app();
        let opts = ticketd::demo::Options { customers: 6, tickets: 700, activities: 2_500, seed: 24 };
        ticketd::demo::fill(&app, &opts).unwrap_or_else(|e| panic!("demo data: {e}"));
    }
    // A word in more than 500 texts and one in a few, straight from the index's texts.
    let db = env.db();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut stmt = db.prepare("SELECT text FROM search").expect("texts");
    let texts: Vec<String> = stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("text")).collect();
    drop(stmt);
    for t in &texts {
        let words: std::collections::BTreeSet<String> = t
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 4 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_lowercase)
            .collect();
        for w in words {
            *counts.entry(w).or_default() += 1;
        }
    }
    drop(db);
    let common = counts.iter().max_by_key(|(_, n)| **n).map(|(w, n)| (w.clone(), *n)).expect("a word");
    assert!(common.1 > 600, "the demo has a word in more than 600 texts: {common:?}");
    let rare = counts.iter().find(|(_, n)| (2..20).contains(*n)).map(|(w, _)| w.clone()).expect("a rare word");

    let app = env.start();
    let mut staff = app.staff("mkoch", ticketd::demo::STAFF_PASSWORD);
    let (_, page) = crate::harness::queue_rows(&mut staff, &format!("view=all&q={}", common.0));
    assert!(page.contains("data-capped"), "more than 500 matching texts: counted as a lower bound");
    assert!(page.contains("mindestens") || page.contains("at least"), "says so");
    let (rows, page) = crate::harness::queue_rows(&mut staff, &format!("view=all&q={rare}"));
    assert!(!page.contains("data-capped"), "a few matches are counted exactly");
    assert!(!rows.is_empty(), "{rare} is found");
}
