//! A long timeline comes in pages of 1,000 activities, newest page first (issue 20): every
//! activity stays reachable through the "older activities" links, on both sides, and the
//! hooks (`data-activity-kind`, `data-created`) are those of the whole timeline.

use crate::harness::{staff_activity, Builder};
use crate::html::with_attr;
use crate::http::Client;

/// The activity ids (`id="a<id>"`) of every page, following the older-activities link from
/// `first`; also the pages' URLs.
#[track_caller]
fn walk(c: &mut Client, first: &str) -> (Vec<Vec<i64>>, Vec<String>) {
    let (mut pages, mut urls) = (Vec::new(), vec![first.to_string()]);
    let mut url = first.to_string();
    loop {
        let r = c.get(&url);
        r.expect(200);
        let text = r.text();
        let ids: Vec<i64> = with_attr(&text, "data-activity-kind")
            .iter()
            .map(|t| t.attr("id").trim_start_matches('a').parse().expect("activity id"))
            .collect();
        pages.push(ids);
        let older: Vec<String> = with_attr(&text, "data-timeline-page")
            .iter()
            .filter(|t| t.attr("data-timeline-page").parse::<usize>().ok() == Some(pages.len() + 1))
            .map(|t| crate::html::unescape(t.attr("href")))
            .collect();
        match older.first() {
            Some(next) => {
                url = next.clone();
                urls.push(url.clone());
            }
            None => return (pages, urls),
        }
        assert!(pages.len() < 20, "too many pages");
    }
}

#[test]
fn a_long_timeline_comes_in_pages_and_every_activity_stays_reachable() {
    let env = Builder::new().prepare();
    {
        let app = env.library_app();
        let opts = ticketd::demo::Options { customers: 4, tickets: 40, activities: 5_200, seed: 9 };
        ticketd::demo::fill(&app, &opts).unwrap_or_else(|e| panic!("demo data: {e}"));
    }
    let (big, customer_no): (String, String) = env
        .db()
        .query_row(
            "SELECT t.number, c.customer_no FROM tickets t JOIN customers c ON c.id = t.customer_id
             ORDER BY t.staff_activity_count DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the ticket with 1,000 activities");
    let app = env.start();
    let mut staff = app.staff("pbraun", ticketd::demo::STAFF_PASSWORD);
    for i in 0..3 {
        staff_activity(&mut staff, &big, &[("kind", "message"), ("body", &format!("Nachtrag {i}"))]).expect(303);
    }
    let ids_in_db = |internal: bool| -> Vec<i64> {
        let db = app.db();
        let sql = format!(
            "SELECT a.id FROM activities a JOIN tickets t ON t.id = a.ticket_id WHERE t.number = ?1 {}
             ORDER BY a.created_at, a.id",
            if internal { "" } else { "AND a.internal = 0" }
        );
        let mut stmt = db.prepare(&sql).expect("prepare");
        let rows = stmt.query_map([&big], |r| r.get(0)).expect("query").collect::<Result<Vec<i64>, _>>();
        rows.expect("ids")
    };

    // Staff: 1,003 activities, the newest 1,000 first, then the 3 oldest.
    let all = ids_in_db(true);
    assert_eq!(all.len(), 1_003);
    let (pages, urls) = walk(&mut staff, &format!("/staff/tickets/{big}"));
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [1_000, 3]);
    assert_eq!(urls[1], format!("/staff/tickets/{big}?page=2"));
    assert_eq!(pages[0][..], all[3..], "page 1: the newest 1,000, oldest first");
    assert_eq!(pages[1][..], all[..3], "page 2: the older ones");
    // Page 2 leads back to the newest page; page 1 has no newer one.
    let r = staff.get(&urls[1]);
    let back: Vec<String> =
        with_attr(&r.text(), "data-timeline-page").iter().map(|t| t.attr("href").to_string()).collect();
    assert_eq!(back, [format!("/staff/tickets/{big}")]);
    // The activity filter is kept on the links (and a page past the end is just empty).
    let r = staff.get(&format!("/staff/tickets/{big}?kind=message&page=9"));
    r.expect(200);
    assert!(with_attr(&r.text(), "data-activity-kind").is_empty());
    let links: Vec<String> =
        with_attr(&r.text(), "data-timeline-page").iter().map(|t| crate::html::unescape(t.attr("href"))).collect();
    assert_eq!(links, [format!("/staff/tickets/{big}?kind=message&page=8")]);

    // The customer: every activity they may see, none internal, across the pages in order.
    let mut customer = app.customer(&customer_no, ticketd::demo::CUSTOMER_PASSWORD);
    let visible = ids_in_db(false);
    let (pages, _) = walk(&mut customer, &format!("/tickets/{big}"));
    let mut seen: Vec<i64> = pages.iter().rev().flatten().copied().collect();
    assert_eq!(seen, visible);
    seen.dedup();
    assert_eq!(seen.len(), visible.len());
    assert!(pages.iter().all(|p| p.len() <= 1_000));

    // The ticket's counters only choose which end is read first (a ticket they call short is
    // read oldest first): with counters that say 2, staff still get the newest 1,000 first.
    app.db()
        .execute("UPDATE tickets SET activity_count = 2, staff_activity_count = 2 WHERE number = ?1", [&big])
        .expect("counters");
    let (pages, _) = walk(&mut staff, &format!("/staff/tickets/{big}"));
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [1_000, 3]);
    assert_eq!(pages[0][..], all[3..], "page 1: the newest 1,000, oldest first");
}
