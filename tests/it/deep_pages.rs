//! A typed page number (`?page=N` without the pager's `after=`) skips OFFSET rows by the ids
//! of the order's index first, then reads that page's rows by id (`db::tickets::list`, issue
//! 24): the pages must be the very pages the pager's keyset links show, in every order and scope.

use crate::harness::{create_ticket, staff_activity, Builder, ADA, ANNA, BERND};

/// The ticket numbers of a list page, in page order.
fn numbers(page: &str) -> Vec<String> {
    crate::html::with_attr(page, "data-ticket")
        .into_iter()
        .filter(|t| t.name == "tr")
        .map(|t| t.attr("data-ticket").to_string())
        .collect()
}

/// The pager's "next" link of a list page (`&amp;` undone), if there is one.
fn next_link(page: &str) -> Option<String> {
    let start = page.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
    let rest = &page[start..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&"))
}

/// Each page's rows, following the "next" links from `start`.
fn pages_by_link(c: &mut crate::http::Client, start: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut path = start.to_string();
    for _ in 0..40 {
        let page = c.get(&path).text();
        out.push(numbers(&page));
        match next_link(&page) {
            Some(next) => path = next,
            None => return out,
        }
    }
    panic!("more than 40 pages from {start}");
}

/// How a parameter is added to `path`.
fn sep(path: &str) -> char {
    if path.contains('?') {
        '&'
    } else {
        '?'
    }
}

#[test]
fn typed_page_numbers_show_the_pages_the_pager_shows() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).toml("[portal]\npage_size = 3").start();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let mut ada = app.ada();
    let mut made = Vec::new();
    for i in 0..7 {
        made.push(create_ticket(
            &mut anna,
            &format!("Anna Drucker {i}"),
            "Text",
            if i % 2 == 0 { "high" } else { "normal" },
        ));
        made.push(create_ticket(&mut bernd, &format!("Bernd {i}"), "Drucker streikt", "normal"));
    }
    // Some staff activity, so the orders differ.
    for n in made.iter().step_by(3) {
        staff_activity(&mut ada, n, &[("kind", "message"), ("body", "Wir melden uns.")]).expect(303);
    }
    let mut checked = 0;
    for base in [
        "/staff/tickets?view=all",
        "/staff/tickets",
        "/staff/tickets?view=all&sort=created",
        "/staff/tickets?view=all&sort=last",
        "/staff/tickets?view=all&sort=priority",
        "/staff/tickets?view=all&sort=customer",
        "/staff/tickets?view=all&q=drucker",
    ] {
        let pages = pages_by_link(&mut ada, base);
        assert!(pages.len() >= 2, "{base}: more than one page");
        for (i, rows) in pages.iter().enumerate().skip(1) {
            let typed = numbers(&ada.get(&format!("{base}{}page={}", sep(base), i + 1)).text());
            assert_eq!(&typed, rows, "{base}: typed page {} = the pager's page", i + 1);
            checked += 1;
        }
        let past = numbers(&ada.get(&format!("{base}{}page={}", sep(base), pages.len() + 1)).text());
        assert!(past.is_empty(), "{base}: past the last page: no rows");
    }
    // The customer's overview: the own tickets only, the same pages.
    let pages = pages_by_link(&mut anna, "/tickets");
    assert!(pages.len() >= 2);
    for (i, rows) in pages.iter().enumerate().skip(1) {
        assert_eq!(&numbers(&anna.get(&format!("/tickets?page={}", i + 1)).text()), rows);
        assert!(rows.iter().all(|n| made.iter().step_by(2).any(|m| m == n)), "Anna's own tickets only");
        checked += 1;
    }
    assert!(checked >= 10, "{checked} pages compared");
}
