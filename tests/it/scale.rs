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
    // The index is contentless (schema 0027): its texts are the subjects and activity texts.
    let mut stmt = db
        .prepare(
            "SELECT subject FROM tickets UNION ALL
             SELECT CASE WHEN coalesce(email_subject, '') <> '' THEN email_subject || char(10) || body ELSE body END
             FROM activities",
        )
        .expect("texts");
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

/// The pager's "next" link of a list page (`&amp;` undone), if there is one.
fn next_link(page: &str) -> Option<String> {
    let start = page.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
    let rest = &page[start..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&"))
}

/// The ticket numbers of a list page, in page order.
fn numbers(page: &str) -> Vec<String> {
    crate::html::with_attr(page, "data-ticket")
        .into_iter()
        .filter(|t| t.name == "tr")
        .map(|t| t.attr("data-ticket").to_string())
        .collect()
}

/// Walks a list through its "next" links, calling `between` after each page; every row seen.
fn walk(c: &mut crate::http::Client, start: &str, mut between: impl FnMut()) -> Vec<String> {
    let mut seen = Vec::new();
    let mut path = start.to_string();
    for _ in 0..50 {
        let r = c.get(&path);
        r.expect(200);
        let page = r.text();
        seen.extend(numbers(&page));
        match next_link(&page) {
            Some(next) => {
                assert!(next.contains("after="), "the next link carries the last row's key: {next}");
                path = next;
            }
            None => return seen,
        }
        between();
    }
    panic!("more than 50 pages from {start}");
}

#[test]
fn keyset_pages_list_every_ticket_once_while_tickets_arrive_and_stay_in_scope() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).toml("[portal]\npage_size = 3").start();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut ada = app.ada();
    let mut mine: Vec<String> =
        (0..8).map(|i| create_ticket(&mut anna, &format!("Anna {i}"), "Text", "normal")).collect();
    let theirs: Vec<String> =
        (0..4).map(|i| create_ticket(&mut bernd, &format!("Bernd {i}"), "Text", "normal")).collect();
    // Same second, same sort key for most of them: the id breaks the tie, in the cursor too.
    let mut all: Vec<String> = mine.iter().chain(theirs.iter()).cloned().collect();
    all.sort();

    // The staff queue (all tickets, newest customer activity first): a ticket arriving between
    // two page loads goes to the top, and the pages after the cursor neither repeat nor skip.
    let mut arrived = Vec::new();
    let mut seen = walk(&mut ada, "/staff/tickets?view=all", || {
        arrived.push(create_ticket(&mut bernd, "Neu dazwischen", "Text", "normal"));
    });
    assert!(!arrived.is_empty(), "more than one page");
    assert_eq!(seen.len(), all.len(), "no ticket twice: {seen:?}");
    seen.sort();
    assert_eq!(seen, all, "every ticket once, none of the new ones (they sort before page 1)");

    // The same through every order the queue offers.
    let mut everything = all.clone();
    everything.extend(arrived.iter().cloned());
    everything.sort();
    for sort in ["last", "created", "priority", "customer"] {
        let mut seen = walk(&mut ada, &format!("/staff/tickets?view=all&sort={sort}"), || {});
        let n = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), n, "sort={sort}: no ticket twice");
        assert_eq!(seen, everything, "sort={sort}: every ticket");
    }

    // A typed page number still works (OFFSET), as before.
    let r = ada.get("/staff/tickets?view=all&page=2");
    r.expect(200);
    assert_eq!(numbers(&r.text()).len(), 3);

    // The customer's overview pages the same way, and only through their own tickets.
    let mut seen = walk(&mut anna, "/tickets", || {});
    seen.sort();
    mine.sort();
    assert_eq!(seen, mine);
    // Anna's cursor in Bernd's session: Bernd's own tickets after that key, never Anna's.
    let page = anna.get("/tickets").text();
    let link = next_link(&page).expect("Anna has a second page");
    let r = bernd.get(&link);
    r.expect(200);
    for n in numbers(&r.text()) {
        assert!(!mine.contains(&n), "another customer's cursor shows nothing of theirs: {n}");
    }
    // The CSV export of a page reached by a cursor is still the whole list.
    let cursor = &link[link.find("after=").expect("a cursor")..];
    let csv = anna.get(&format!("/tickets?format=csv&{cursor}")).text();
    for n in &mine {
        assert!(csv.contains(n.as_str()), "the export has {n}");
    }
    // A cursor that is not one is ignored (page 2 by OFFSET), never an error.
    for bad in ["x", "1.2.3.4.5", "99999999999999999999"] {
        anna.get(&format!("/tickets?page=2&after={bad}")).expect(200);
    }
}

#[test]
fn customers_and_callers_are_found_by_word_prefixes_umlauts_both_ways() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).start();
    let mut ada = app.ada();
    for (no, name, email, phone) in [
        ("30001", "Bäckerei Müller GmbH", "info@mueller-brot.example", "0621 2330261"),
        ("30002", "Straße & Söhne KG", "kontakt@strasse-soehne.example", "089 44 55"),
        ("30003", "Hans Mueller", "hans@example.net", ""),
    ] {
        ada.submit(
            "/staff/customers/new",
            "/staff/customers",
            &[
                ("customer_no", no),
                ("name", name),
                ("email", email),
                ("phone", phone),
                ("password", "kamille-geheim-2024"),
                ("active", "on"),
            ],
        )
        .expect_redirect(&format!("/staff/customers/{no}"));
    }
    let found = |c: &mut crate::http::Client, q: &str| -> Vec<String> {
        let page = c.get(&format!("/staff/customers?q={q}")).text();
        let mut v: Vec<String> = crate::html::with_attr(&page, "data-customer")
            .into_iter()
            .map(|t| t.attr("data-customer").to_string())
            .collect();
        v.sort();
        v
    };
    for (q, want) in [
        ("M%C3%BCll", &["30001"][..]),      // Müll → Müller
        ("muller", &["30001"]),             // diacritics folded
        ("mueller", &["30001", "30003"]),   // ü written out, and the plain Mueller
        ("b%C3%A4ck+m%C3%BCl", &["30001"]), // every word a prefix
        ("strasse", &["30002"]),            // ß written out
        ("stra%C3%9Fe", &["30002"]),        // ß as typed
        ("GmbH", &["30001"]),
        ("mbH", &[]),           // a prefix, not a substring
        ("0621", &["30001"]),   // phone, each part and
        ("062123", &["30001"]), // without its spaces
        ("2330", &["30001"]),
        ("mueller-brot", &["30001"]),           // e-mail words
        ("3000", &["30001", "30002", "30003"]), // customer number prefix
        ("30002", &["30002"]),                  // a whole number: its index
        ("%C3%A4%C3%B6%C3%BC", &[]),
    ] {
        assert_eq!(found(&mut ada, q), want, "q={q}");
    }
    // Renamed: found by the new name only (the index follows the row).
    crate::harness::save_customer(&mut ada, "30003", "Hans Zimmermann", "hans@example.net", true).expect(303);
    assert_eq!(found(&mut ada, "mueller"), ["30001"]);
    assert_eq!(found(&mut ada, "zimmerm"), ["30003"]);
    // The list's total is the trigger-kept count: 2 + 3 customers.
    let page = ada.get("/staff/customers").text();
    assert_eq!(crate::html::with_attr(&page, "data-customer").len(), 5);
    assert!(page.contains('5'), "the total");

    // The hotline finds the caller by the same prefixes.
    for (q, want) in [("M%C3%BCller", "30001"), ("stra%C3%9Fe", "30002"), ("0621+233", "30001"), ("zimmerm", "30003")] {
        let page = ada.get(&format!("/staff/hotline?q={q}")).text();
        let cards: Vec<String> = crate::html::with_attr(&page, "data-customer")
            .into_iter()
            .filter(|t| t.name == "section")
            .map(|t| t.attr("data-customer").to_string())
            .collect();
        assert_eq!(cards, [want], "hotline q={q}");
    }
}

#[test]
fn a_customer_search_with_many_matches_pages_in_name_order() {
    let env = Builder::new().prepare();
    {
        let app = env.library_app();
        let opts = ticketd::demo::Options { customers: 900, tickets: 900, activities: 900, seed: 24 };
        ticketd::demo::fill(&app, &opts).unwrap_or_else(|e| panic!("demo data: {e}"));
    }
    let db = env.db();
    let want: Vec<String> = {
        let mut stmt = db
            .prepare(
                "SELECT customer_no FROM customers WHERE name LIKE '%GmbH%' OR email LIKE '%gmbh%'
                 ORDER BY active DESC, name COLLATE NOCASE, id",
            )
            .expect("query");
        stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("no")).collect()
    };
    drop(db);
    assert!(want.len() > 250, "more matches than the search sorts ({})", want.len());
    let app = env.start();
    let mut staff = app.staff("mkoch", ticketd::demo::STAFF_PASSWORD);
    let mut seen = Vec::new();
    for page in 1..=20 {
        let text = staff.get(&format!("/staff/customers?q=GmbH&page={page}")).text();
        let rows: Vec<String> = crate::html::with_attr(&text, "data-customer")
            .into_iter()
            .map(|t| t.attr("data-customer").to_string())
            .collect();
        if rows.is_empty() {
            break;
        }
        assert!(text.contains(&want.len().to_string()), "the total of all matches");
        seen.extend(rows);
    }
    assert_eq!(seen, want, "every match once, across the pages, active first, by name");
}
