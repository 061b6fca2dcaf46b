//! Conditional GET: a logged-in page carries an `ETag` derived from the database's version,
//! the request's cookies, language and URL; a matching `If-None-Match` is answered `304`
//! without rendering — and never after anything changed, for another session or language, or
//! after a logout. Nothing is kept in the server's memory.

use std::time::Duration;

use crate::harness::{create_ticket, portal, save_customer, session_csrf, staff_activity, Builder, ADA, ANNA, BERND};
use crate::http::{Client, Resp};

fn etag(r: &Resp) -> String {
    r.header("ETag").unwrap_or_else(|| panic!("no ETag: {:?}", r.headers)).to_string()
}

/// `GET path` with `If-None-Match: tag`.
fn revalidate(c: &mut Client, path: &str, tag: &str) -> Resp {
    c.get_with(path, &[("If-None-Match", tag)])
}

#[test]
fn repeated_views_are_answered_304_and_every_change_shows_at_once() {
    let app = Builder::new().customer(ANNA).admin(ADA).start();
    let mut anna = app.anna();
    let number = create_ticket(&mut anna, "Drucker streikt", "Papierstau im 2. OG.", "normal");
    let page = format!("/tickets/{number}");

    let notice = anna.get(&page); // shows (and clears) the "created" notice: sets a cookie, no tag
    notice.expect(200);
    assert!(notice.header("ETag").is_none(), "a page that clears a notice has no ETag");
    let first = anna.get(&page);
    first.expect(200);
    let tag = etag(&first);
    assert_eq!(first.header("Cache-Control"), Some("private, no-cache"));
    let again = revalidate(&mut anna, &page, &tag);
    assert_eq!(again.status, 304, "unchanged: not modified");
    assert!(again.body.is_empty(), "a 304 has no body");
    assert_eq!(again.header("ETag"), Some(tag.as_str()));
    for name in ["Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "Date"] {
        assert!(again.header(name).is_some(), "{name} missing on the 304");
    }
    assert!(app.stderr().lines().any(|l| l.contains(&format!(" GET {page} ")) && l.contains(" 304 ")), "logged");
    // A tag for another URL or a made-up one is never taken.
    assert_eq!(revalidate(&mut anna, "/tickets", &tag).status, 200);
    assert_eq!(revalidate(&mut anna, &page, "\"0123456789abcdef01234567\"").status, 200);

    // Staff answer: the customer's next view shows it, with a new tag.
    let mut ada = app.ada();
    staff_activity(&mut ada, &number, &[("kind", "message"), ("body", "Techniker kommt morgen.")]).expect(303);
    let after = revalidate(&mut anna, &page, &tag);
    assert_eq!(after.status, 200, "changed: rendered again");
    assert!(after.text().contains("Techniker kommt morgen."), "a staff reply shows at once");
    let tag = etag(&after);

    // A change written by another process (here: the test's own SQLite connection) as well.
    app.db()
        .execute("UPDATE tickets SET subject = 'Drucker repariert' WHERE number = ?1", [&number])
        .expect("update from outside");
    let outside = revalidate(&mut anna, &page, &tag);
    assert_eq!(outside.status, 200);
    assert!(outside.text().contains("Drucker repariert"), "a commit by another process shows at once");

    // The overview too: 304 while unchanged, fresh after the customer's own reply.
    let list = anna.get("/tickets");
    let list_tag = etag(&list);
    assert_eq!(revalidate(&mut anna, "/tickets", &list_tag).status, 304);
    let csrf = session_csrf(&mut anna);
    anna.post_form(&format!("/tickets/{number}/reply"), &[("csrf", &csrf), ("body", "Danke!")]).expect(303);
    anna.get(&page); // shows (and clears) the notice
    let fresh = revalidate(&mut anna, "/tickets", &list_tag);
    assert_eq!(fresh.status, 200);
    let row = crate::html::with_attr(&fresh.text(), "data-ticket")
        .into_iter()
        .find(|t| t.get("data-ticket") == Some(number.as_str()));
    assert_eq!(row.map(|t| t.attr("data-activities").to_string()).as_deref(), Some("3"), "the new count shows");

    // Staff pages carry tags as well (once the notice of the answer above is shown).
    ada.get("/staff/tickets").expect(200);
    let queue = ada.get("/staff/tickets");
    assert_eq!(revalidate(&mut ada, "/staff/tickets", &etag(&queue)).status, 304);
    // Pages that do not opt in (forms, the account page) never carry one.
    assert!(anna.get("/tickets/new").header("ETag").is_none());
}

#[test]
fn a_checkpoint_by_another_process_never_turns_a_change_into_a_304() {
    // The version behind a tag is the page's own snapshot (its WAL index header): a checkpoint
    // that empties the WAL must not make a later state look like an earlier one.
    let app = portal();
    let mut anna = app.anna();
    let number = create_ticket(&mut anna, "Vor dem Checkpoint", "Text.", "normal");
    let page = format!("/tickets/{number}");
    anna.get(&page).expect(200); // clears the notice
    let tag = etag(&anna.get(&page));
    assert_eq!(revalidate(&mut anna, &page, &tag).status, 304);
    let db = app.db();
    for round in 0..3 {
        let (busy, _, _): (i64, i64, i64) = db
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("checkpoint");
        let same = revalidate(&mut anna, &page, &tag);
        assert!(same.status == 304 || same.status == 200, "round {round} (busy {busy}): {}", same.status);
        let subject = format!("Nach dem Checkpoint {round}");
        db.execute("UPDATE tickets SET subject = ?2 WHERE number = ?1", [&number, &subject]).expect("update");
        let changed = revalidate(&mut anna, &page, &tag);
        assert_eq!(changed.status, 200, "round {round}: changed after a checkpoint");
        assert!(changed.text().contains(&subject));
        let fresh = anna.get(&page);
        let new_tag = etag(&fresh);
        assert_ne!(new_tag, tag);
        assert_eq!(revalidate(&mut anna, &page, &new_tag).status, 304, "round {round}: the new state has its tag");
    }
}

#[test]
fn tags_stay_with_their_session_and_language_and_end_with_it() {
    let app = portal();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let anna_ticket = create_ticket(&mut anna, "Nur für Anna", "Vertraulich.", "normal");
    let bernd_ticket = create_ticket(&mut bernd, "Nur für Bernd", "Auch vertraulich.", "normal");
    anna.get("/tickets").expect(200); // clears the notice
    let list_tag = etag(&anna.get("/tickets"));
    anna.get(&format!("/tickets/{anna_ticket}")).expect(200);
    let ticket_tag = etag(&anna.get(&format!("/tickets/{anna_ticket}")));

    // Bernd sends Anna's tags for the same URLs: his own list, and a 404 for Anna's ticket.
    bernd.get("/tickets").expect(200);
    let list = revalidate(&mut bernd, "/tickets", &list_tag);
    assert_eq!(list.status, 200);
    assert!(list.text().contains("Nur für Bernd") && !list.text().contains("Nur für Anna"));
    assert_eq!(revalidate(&mut bernd, &format!("/tickets/{anna_ticket}"), &ticket_tag).status, 404);
    anna.get(&format!("/tickets/{bernd_ticket}")).expect(404);

    // The same session in another language gets its own page.
    let mut anna_en = Client::new(app.addr);
    anna_en.set_cookie("ticketd_session", anna.cookie("ticketd_session").unwrap());
    anna_en.set_cookie("ticketd_lang", "en");
    let en = revalidate(&mut anna_en, "/tickets", &list_tag);
    assert_eq!(en.status, 200, "another language is another page");
    assert!(en.text().contains("lang=\"en\""));
    assert_ne!(etag(&en), list_tag);
    let other_accept = anna.get_with("/tickets", &[("If-None-Match", &list_tag), ("Accept-Language", "en")]);
    assert_eq!(other_accept.status, 200, "Accept-Language is part of the tag");

    // After logout the old session cookie with its tag gets the login, not a 304.
    let token = anna.cookie("ticketd_session").unwrap().to_string();
    let csrf = session_csrf(&mut anna);
    anna.post_form("/logout", &[("csrf", &csrf)]).expect(303);
    let mut replay = Client::new(app.addr);
    replay.set_cookie("ticketd_session", &token);
    let r = revalidate(&mut replay, "/tickets", &list_tag);
    assert_eq!(r.status, 303, "logged out: to the login");
    assert_eq!(revalidate(&mut replay, &format!("/tickets/{anna_ticket}"), &ticket_tag).status, 303);
}

#[test]
fn a_deactivated_customer_gets_no_304() {
    let app = Builder::new().customer(ANNA).customer(BERND).admin(ADA).start();
    let mut anna = app.anna();
    anna.get("/tickets").expect(200);
    let tag = etag(&anna.get("/tickets"));
    assert_eq!(revalidate(&mut anna, "/tickets", &tag).status, 304);
    let mut ada = app.ada();
    save_customer(&mut ada, ANNA.number, ANNA.name, ANNA.email, false).expect(303);
    assert_eq!(app.count("SELECT count(*) FROM customers WHERE customer_no = '10012' AND active = 0"), 1);
    assert_eq!(revalidate(&mut anna, "/tickets", &tag).status, 303, "the session ended with the account");
}

#[test]
fn a_login_while_every_hashing_slot_is_busy_waits_then_is_refused_before_its_form_is_read() {
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
    // about a second (asleep, without a worker slot) and gets 429, before its form is read.
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
