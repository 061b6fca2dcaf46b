//! The front door's memory (`web::cache`): repeated views are answered without rendering, and
//! nothing it keeps is ever shown stale, to the wrong session, or after a logout.

use std::time::Duration;

use crate::harness::{create_ticket, portal, save_customer, session_csrf, staff_activity, Builder, ADA, ANNA, BERND};
use crate::http::Client;

/// The access log lines for `GET <path>` so far, and how many were answered from memory.
fn served(app: &crate::harness::TestApp, path: &str) -> (usize, usize) {
    let log = app.stderr();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(&format!(" GET {path} "))).collect();
    (lines.len(), lines.iter().filter(|l| l.ends_with(" cache")).count())
}

#[test]
fn repeated_views_come_from_memory_and_every_change_shows_at_once() {
    let app = Builder::new().customer(ANNA).admin(ADA).start();
    let mut anna = app.anna();
    let number = create_ticket(&mut anna, "Drucker streikt", "Papierstau im 2. OG.", "normal");
    let page = format!("/tickets/{number}");

    anna.get(&page).expect(200); // shows (and clears) the "created" notice: not kept
    let first = anna.get(&page);
    first.expect(200);
    let second = anna.get(&page);
    second.expect(200);
    assert!(first.body == second.body, "the kept page is the same page");
    assert_eq!(served(&app, &page), (3, 1), "the third view came from memory");
    // A kept answer carries the same headers, a current Date, and nothing internal.
    for name in ["Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "Content-Type", "Date"] {
        assert_eq!(first.header(name).is_some(), second.header(name).is_some(), "{name}");
        assert!(second.header(name).is_some(), "{name} missing on the kept answer");
    }
    for r in [&first, &second] {
        assert!(
            !r.headers.iter().any(|(k, _)| k.to_ascii_lowercase().starts_with("x-ticketd-internal")),
            "{:?}",
            r.headers
        );
    }

    // Staff answer: the customer's next view shows it, not the kept page.
    let mut ada = app.ada();
    staff_activity(&mut ada, &number, &[("kind", "message"), ("body", "Techniker kommt morgen.")]).expect(303);
    let after = anna.get(&page);
    assert!(after.text().contains("Techniker kommt morgen."), "a staff reply shows at once");

    // A change written by another process (here: the test's own SQLite connection) as well.
    let kept = anna.get(&page);
    assert!(kept.text().contains("Drucker streikt"));
    app.db()
        .execute("UPDATE tickets SET subject = 'Drucker repariert' WHERE number = ?1", [&number])
        .expect("update from outside");
    let outside = anna.get(&page);
    assert!(outside.text().contains("Drucker repariert"), "a commit by another process shows at once");

    // The overview too: kept, then fresh after the customer's own reply.
    anna.get("/tickets").expect(200);
    anna.get("/tickets").expect(200);
    let (_, hits) = served(&app, "/tickets");
    assert!(hits >= 1, "the overview's repeated view came from memory");
    let csrf = session_csrf(&mut anna);
    anna.post_form(&format!("/tickets/{number}/reply"), &[("csrf", &csrf), ("body", "Danke!")]).expect(303);
    anna.get(&page); // shows (and clears) the notice
    let list = anna.get("/tickets").text();
    let row = crate::html::with_attr(&list, "data-ticket")
        .into_iter()
        .find(|t| t.get("data-ticket") == Some(number.as_str()));
    assert_eq!(row.map(|t| t.attr("data-activities").to_string()).as_deref(), Some("3"), "the new count shows");

    // A hard reload (Cache-Control: no-cache) is always rendered.
    let (_, before) = served(&app, &page);
    anna.get_with(&page, &[("Cache-Control", "no-cache")]).expect(200);
    anna.get_with(&page, &[("Cache-Control", "no-cache")]).expect(200);
    assert_eq!(served(&app, &page).1, before, "no-cache skips the memory");
}

#[test]
fn kept_pages_stay_with_their_session_and_end_with_it() {
    let app = portal();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let anna_ticket = create_ticket(&mut anna, "Nur für Anna", "Vertraulich.", "normal");
    let bernd_ticket = create_ticket(&mut bernd, "Nur für Bernd", "Auch vertraulich.", "normal");
    for _ in 0..2 {
        anna.get("/tickets").expect(200);
        anna.get(&format!("/tickets/{anna_ticket}")).expect(200);
    }

    // Bernd asks for the same URLs: his own list, and a 404 for Anna's ticket.
    let list = bernd.get("/tickets").text();
    assert!(list.contains("Nur für Bernd") && !list.contains("Nur für Anna"), "{list}");
    bernd.get(&format!("/tickets/{anna_ticket}")).expect(404);
    bernd.get(&format!("/tickets/{anna_ticket}")).expect(404);
    anna.get(&format!("/tickets/{bernd_ticket}")).expect(404);

    // The same session in another language gets its own page.
    let de = anna.get("/tickets").text();
    let mut anna_en = Client::new(app.addr);
    anna_en.set_cookie("ticketd_session", anna.cookie("ticketd_session").unwrap());
    anna_en.set_cookie("ticketd_lang", "en");
    let en = anna_en.get("/tickets").text();
    assert!(de.contains("lang=\"de\"") && en.contains("lang=\"en\""), "languages kept apart");

    // After logout the old session cookie gets nothing kept, not even within a second.
    let token = anna.cookie("ticketd_session").unwrap().to_string();
    let csrf = session_csrf(&mut anna);
    anna.post_form("/logout", &[("csrf", &csrf)]).expect(303);
    let mut replay = Client::new(app.addr);
    replay.set_cookie("ticketd_session", &token);
    let r = replay.get("/tickets");
    assert_eq!(r.status, 303, "logged out: to the login, not the kept list");
    assert!(!r.text().contains("Nur für Anna"));
    let r = replay.get(&format!("/tickets/{anna_ticket}"));
    assert_eq!(r.status, 303);
}

#[test]
fn a_deactivated_customer_is_not_served_from_memory() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).start();
    let mut anna = app.anna();
    anna.get("/tickets").expect(200);
    anna.get("/tickets").expect(200);
    let mut ada = app.ada();
    save_customer(&mut ada, ANNA.number, ANNA.name, ANNA.email, false).expect(303);
    assert_eq!(app.count("SELECT count(*) FROM customers WHERE customer_no = '10012' AND active = 0"), 1);
    assert_eq!(anna.get("/tickets").status, 303, "the session ended with the account");
}

#[test]
fn a_login_while_every_hashing_slot_is_busy_waits_then_is_refused_from_its_head() {
    // One slot and a slow hash: an unknown account costs a full bcrypt of cost 15 (~2 s here).
    let app = Builder::new()
        .customer(ANNA)
        .security("max_concurrent_logins = 1")
        .security("bcrypt_cost = 15")
        .default_bcrypt_cost()
        .start();
    let addr = app.addr;
    let slow = std::thread::spawn(move || {
        let mut c = Client::new(addr);
        c.submit("/login", "/login", &[("login", "niemand@example.com"), ("password", "falsch-falsch")]).status
    });
    // Wait until the slow login holds the slot: then even a form without a CSRF token waits
    // about a second (asleep) and gets 429, before its form is looked at.
    let mut c = Client::new(app.addr);
    let mut busy = None;
    for _ in 0..400 {
        let asked = std::time::Instant::now();
        let r = c.post_form("/login", &[("login", "x"), ("password", "y")]);
        if r.status == 429 {
            busy = Some((r, asked.elapsed()));
            break;
        }
        assert_eq!(r.status, 403, "without a token, a free gate means the CSRF check answers");
        std::thread::sleep(Duration::from_millis(5));
    }
    let (busy, waited) = busy.expect("the busy gate answered 429");
    assert!(waited >= Duration::from_millis(900), "the refusal came after waiting for a slot: {waited:?}");
    assert_eq!(busy.header("Retry-After"), Some("2"));
    assert!(busy.header("Content-Security-Policy").is_some());
    assert!(busy.text().contains("lang=\"de\""));
    assert_eq!(c.get("/login").status, 200, "pages still answer while the slot is busy");
    assert_eq!(slow.join().expect("slow login"), 422, "the slow login itself ends normally (unknown account)");
    // Free again: the handler's own checks answer at once.
    assert_eq!(c.post_form("/login", &[("login", "x"), ("password", "y")]).status, 403);
    assert!(app.stderr().lines().any(|l| l.contains(" POST /login ") && l.contains(" 429 ")), "logged");
}
