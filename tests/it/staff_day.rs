//! The hotline's day (issue 19): the queue opens on active tickets with per-agent unread
//! marks, one composer submit answers and sets the status, snippets (also without
//! JavaScript) and signatures, follow-up dates and auto-close — the last two with the
//! test-only clock offset (`Env::start_later`).

use crate::harness::{
    add_staff, create_ticket, queue_rows, queued, staff_activities, staff_activity, staff_ticket, staff_update,
    time_tz_berlin, Builder, ADA, ANNA, BERND, BOB,
};
use crate::html;
use crate::http::Client;

const DAY: i64 = 86_400;

/// The queue's rows for that query: (number, unread?, follow-up date).
#[track_caller]
fn rows(c: &mut Client, query: &str) -> Vec<(String, bool, String)> {
    queue_rows(c, query)
        .0
        .iter()
        .map(|t| {
            (t.attr("data-ticket").to_string(), t.has("data-unread"), t.get("data-follow-up").unwrap_or("").to_string())
        })
        .collect()
}

#[track_caller]
fn unread(c: &mut Client, number: &str) -> bool {
    rows(c, "view=all").into_iter().find(|(n, _, _)| n == number).unwrap_or_else(|| panic!("{number} listed")).1
}

fn reply(c: &mut Client, number: &str, body: &str) {
    let page = format!("/tickets/{number}");
    c.submit(&page, &format!("{page}/reply"), &[("body", body)]).expect(303);
}

/// The ticket's status as staff see it in the queue.
#[track_caller]
fn status_of(c: &mut Client, number: &str) -> String {
    let (rows, _) = queue_rows(c, "view=all");
    rows.iter().find(|r| r.attr("data-ticket") == number).map(|r| r.attr("data-status").to_string()).unwrap()
}

#[test]
fn the_queue_opens_on_active_tickets_newest_customer_word_first_with_mine_and_unassigned_a_click_away() {
    let app = Builder::new().admin(ADA).customer(ANNA).customer(BERND).start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let t1 = create_ticket(&mut anna, "Drucker", "Druckt nicht.", "normal");
    let t2 = create_ticket(&mut bernd, "Monitor", "Flackert.", "normal");
    let t3 = staff_ticket(&mut ada, ANNA.number, "Rückruf", "Anna rief an.", &[]);
    let t4 = create_ticket(&mut anna, "Erledigt", "Schon gut.", "normal");
    staff_update(&mut ada, &t4, &[("status", "closed")]).expect(303);

    // A minute later Anna writes again on her oldest ticket: it leads the queue.
    let env = app.stop();
    let app = env.start_later(60);
    let mut ada = app.ada();
    let mut anna = app.anna();
    reply(&mut anna, &t1, "Immer noch nicht.");
    let default: Vec<String> = rows(&mut ada, "").into_iter().map(|r| r.0).collect();
    assert_eq!(default.len(), 3, "active only, the closed ticket is not there: {default:?}");
    assert_eq!(default[0], t1, "newest customer activity first: {default:?}");
    assert!(!default.contains(&t4));
    assert_eq!(queued(&mut ada, "view=mine"), [t3.as_str()], "mine: opened (and so assigned) by Ada");
    let mut unassigned = vec![t1.clone(), t2.clone()];
    unassigned.sort();
    assert_eq!(queued(&mut ada, "view=unassigned"), unassigned);
    assert_eq!(queued(&mut ada, "view=all").len(), 4);

    // One set of tabs: the views and the statuses, no second "open" that means something else.
    let page = ada.get("/staff/tickets").text();
    let hrefs = html::attr_values(&page, "href");
    for view in ["view=mine", "view=unassigned", "view=all", "view=follow_up"] {
        assert!(hrefs.iter().any(|h| h.starts_with("/staff/tickets?") && h.contains(view)), "a tab for {view}");
    }
    assert!(!page.contains("nicht geschlossen"), "the old duplicate chip is gone");
    assert_eq!(
        html::with_attr(&page, "aria-current").iter().filter(|t| t.get("data-view") == Some("active")).count(),
        1
    );
}

#[test]
fn unread_marks_are_per_agent_and_come_back_with_the_next_customer_word() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let mut bob = add_staff(&app, &mut ada, BOB);
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Drucker", "Druckt nicht.", "normal");
    let quiet = staff_ticket(&mut ada, ANNA.number, "Rückruf", "Anruf notiert.", &[]);
    assert!(unread(&mut ada, &t) && unread(&mut bob, &t), "a new customer ticket is unread for both");
    assert!(!unread(&mut bob, &quiet), "a ticket the customer has not written in is not unread");

    ada.get(&format!("/staff/tickets/{t}")).expect(200);
    assert!(!unread(&mut ada, &t), "Ada opened it");
    assert!(unread(&mut bob, &t), "Bob still has not");

    reply(&mut anna, &t, "Noch eine Frage.");
    assert!(unread(&mut ada, &t), "a new customer reply is unread again");
    bob.get(&format!("/staff/tickets/{t}")).expect(200);
    assert!(!unread(&mut bob, &t) && unread(&mut ada, &t));
    // Staff writing on the ticket marks nothing unread.
    staff_activity(&mut bob, &t, &[("kind", "message"), ("body", "Wir kümmern uns.")]).expect(303);
    assert!(!unread(&mut bob, &t));
}

#[test]
fn one_submit_answers_and_sets_the_status_a_note_leaves_it() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Drucker", "Druckt nicht.", "normal");

    // The composer names the action.
    let page = ada.get(&format!("/staff/tickets/{t}")).text();
    for label in ["An Kunde senden", "Notiz speichern", "Anruf erfassen"] {
        assert!(page.contains(label), "a button {label:?}");
    }
    assert_eq!(html::select_options(&page, "c-status").iter().find(|o| o.2).map(|o| o.0.clone()), Some("auto".into()));

    // An unknown status saves nothing at all.
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Hallo"), ("status", "vielleicht")]).expect(422);
    assert_eq!(staff_activities(&mut ada, &t).0.len(), 1);

    // A message with the default: the answer and "waiting", both activities at once.
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Bitte neu starten."), ("status", "auto")])
        .expect(303);
    let (acts, _) = staff_activities(&mut ada, &t);
    let kinds: Vec<&str> = acts.iter().map(|a| a.attr("data-activity-kind")).collect();
    assert_eq!(kinds, ["message", "message", "status"]);
    assert_eq!(acts[1].attr("data-created"), acts[2].attr("data-created"));
    assert_eq!(status_of(&mut ada, &t), "waiting");
    let db = app.db();
    let (msg, change): (i64, i64) = db
        .query_row(
            "SELECT min(a.id), max(a.id) FROM activities a JOIN tickets t ON t.id = a.ticket_id
             WHERE t.number = ?1 AND a.author_kind = 'staff'",
            [&t],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(change, msg + 1, "the two rows were written together");

    // A note with the default leaves the status; an explicit one changes it.
    staff_activity(&mut ada, &t, &[("kind", "internal_note"), ("body", "Kunde ist geduldig."), ("status", "auto")])
        .expect(303);
    assert_eq!(status_of(&mut ada, &t), "waiting");
    staff_activity(&mut ada, &t, &[("kind", "call"), ("body", "Angerufen."), ("status", "")]).expect(303);
    assert_eq!(status_of(&mut ada, &t), "waiting");
    staff_activity(&mut ada, &t, &[("kind", "internal_note"), ("body", "Ich übernehme."), ("status", "in_progress")])
        .expect(303);
    assert_eq!(status_of(&mut ada, &t), "in_progress");
}

#[test]
fn snippets_go_in_without_javascript_with_placeholders_and_personal_ones_stay_personal() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let mut bob = add_staff(&app, &mut ada, BOB);
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Drucker", "Druckt nicht.", "normal");

    let shared = [("title", "Gruß"), ("body", "Hallo {kunde}, zu {ticket} meldet sich {agent}."), ("shared", "on")];
    ada.submit("/staff/snippets", "/staff/snippets", &shared).expect_redirect("/staff/snippets");
    bob.submit("/staff/snippets", "/staff/snippets", &[("title", "Bobs Notiz"), ("body", "Danke, {customer}!")])
        .expect_redirect("/staff/snippets");
    // Only admins share; the placeholders are documented on the page.
    let refused = bob.submit("/staff/snippets", "/staff/snippets", &[("title", "X"), ("body", "Y"), ("shared", "on")]);
    refused.expect(422);
    let page = ada.get("/staff/snippets").text();
    for ph in ["{kunde}", "{customer}", "{ticket}", "{agent}"] {
        assert!(page.contains(ph), "placeholder {ph} documented");
    }

    let ids = |c: &mut Client| html::attr_values(&c.get("/staff/snippets").text(), "data-snippet");
    let (ada_sees, bob_sees) = (ids(&mut ada), ids(&mut bob));
    assert_eq!(ada_sees.len(), 1, "Ada sees the shared one only");
    assert_eq!(bob_sees.len(), 2, "Bob sees the shared one and his own");
    let shared_id = ada_sees[0].clone();
    let bobs_id = bob_sees.iter().find(|i| **i != shared_id).unwrap().clone();
    assert_eq!(ada.get(&format!("/staff/snippets/{bobs_id}")).status, 404, "another's personal snippet");
    let csrf = crate::harness::staff_csrf(&mut bob);
    let r =
        bob.post_form(&format!("/staff/snippets/{shared_id}"), &[("csrf", &csrf), ("title", "Weg"), ("body", "Weg")]);
    assert_eq!(r.status, 403, "an agent does not change a shared snippet");

    // The owner deletes a personal snippet; an agent cannot delete a shared one.
    let r = bob.post_form(&format!("/staff/snippets/{shared_id}"), &[("csrf", &csrf), ("delete", "1")]);
    assert_eq!(r.status, 403);
    bob.submit("/staff/snippets", "/staff/snippets", &[("title", "Wegwerf"), ("body", "Weg damit")]).expect(303);
    let throwaway = ids(&mut bob).into_iter().find(|i| *i != shared_id && *i != bobs_id).unwrap();
    bob.post_form(&format!("/staff/snippets/{throwaway}"), &[("csrf", &csrf), ("delete", "1")])
        .expect_redirect("/staff/snippets");
    assert_eq!(ids(&mut bob).len(), 2);

    // Without JavaScript: a snippet chosen and no text → the page again, filled in, nothing sent.
    let before = staff_activities(&mut bob, &t).0.len();
    let r = staff_activity(&mut bob, &t, &[("kind", "message"), ("body", ""), ("snippet", &shared_id)]);
    r.expect(200);
    let text = html::unescape(&r.text());
    assert!(text.contains(&format!("Hallo Anna Beispiel, zu {t} meldet sich Bob Berater.")), "filled in");
    assert_eq!(staff_activities(&mut bob, &t).0.len(), before, "nothing was saved");
    // "Einfügen" with text typed: the snippet goes below it.
    let r = staff_activity(
        &mut bob,
        &t,
        &[("kind", "message"), ("body", "Vorab:"), ("snippet", &bobs_id), ("insert", "1")],
    );
    r.expect(200);
    assert!(html::unescape(&r.text()).contains("Vorab:\n\nDanke, Anna Beispiel!"));
    assert_eq!(staff_activities(&mut bob, &t).0.len(), before);

    // The signature goes below messages to the customer, not below notes.
    let account = "/staff/account";
    bob.submit(account, "/staff/account/signature", &[("signature", "Bob Berater\nHotline")]).expect(303);
    staff_activity(&mut bob, &t, &[("kind", "message"), ("body", "Bitte neu starten.")]).expect(303);
    staff_activity(&mut bob, &t, &[("kind", "internal_note"), ("body", "Notiz.")]).expect(303);
    let bodies = crate::harness::strings(
        &app.db(),
        &format!("SELECT body FROM activities WHERE kind IN ('message', 'internal_note') AND author_kind = 'staff' AND ticket_id = (SELECT id FROM tickets WHERE number = '{t}') ORDER BY id"),
    );
    assert_eq!(bodies, ["Bitte neu starten.\n\nBob Berater\nHotline", "Notiz."]);
}

#[test]
fn a_follow_up_hides_the_ticket_until_its_day_and_it_comes_back_marked() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Drucker", "Druckt nicht.", "normal");
    let early = create_ticket(&mut anna, "Monitor", "Flackert.", "normal");
    let waiting = create_ticket(&mut anna, "Maus", "Klemmt.", "normal");
    staff_update(&mut ada, &waiting, &[("status", "waiting")]).expect(303);
    let now = ticketd::clock::now();
    let tomorrow = ticketd::clock::iso_date(now + DAY, time_tz_berlin());
    let yesterday = ticketd::clock::iso_date(now - DAY, time_tz_berlin());

    staff_update(&mut ada, &t, &[("follow_up", &yesterday)]).expect(422);
    staff_update(&mut ada, &t, &[("follow_up", &tomorrow)]).expect(303);
    staff_update(&mut ada, &early, &[("follow_up", &tomorrow)]).expect(303);
    assert_eq!(queued(&mut ada, ""), [waiting.as_str()], "both deferred");
    let later = rows(&mut ada, "view=follow_up");
    assert_eq!(later.len(), 2);
    assert!(later.iter().all(|r| r.2 == tomorrow), "{later:?}");
    // The customer writing first brings a ticket back at once.
    reply(&mut anna, &early, "Jetzt auch noch rauchig.");
    let mut active = vec![early.clone(), waiting.clone()];
    active.sort();
    assert_eq!(queued(&mut ada, ""), active);

    // Two days later the ticket is back, marked with its follow-up date.
    let env = app.stop();
    let app = env.start_later(2 * DAY);
    let mut ada = app.ada();
    let back = rows(&mut ada, "");
    let row = back.iter().find(|r| r.0 == t).expect("back in the active view");
    assert_eq!(row.2, tomorrow, "marked");
    assert!(rows(&mut ada, "view=follow_up").is_empty());
    assert_eq!(status_of(&mut ada, &waiting), "waiting", "auto-close is off unless configured");
    // Answering it ends the follow-up.
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Erledigt?")]).expect(303);
    assert_eq!(rows(&mut ada, "view=all").iter().find(|r| r.0 == t).unwrap().2, "");
}

#[test]
fn tickets_waiting_on_the_customer_close_themselves_with_a_system_activity_and_a_mail() {
    // A relay nobody answers: mails stay queued in the outbox, which is what this test reads.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"support@portal.example\"\n\n\
         [workflow]\nauto_close_days = 3"
    );
    let app = Builder::new().admin(ADA).customer(ANNA).toml(&smtp).start();
    let mut ada = app.ada();
    let mut anna = app.anna();
    let waiting = create_ticket(&mut anna, "Drucker", "Druckt nicht.", "normal");
    let open = create_ticket(&mut anna, "Monitor", "Flackert.", "normal");
    staff_update(&mut ada, &waiting, &[("status", "waiting")]).expect(303);
    let mails_to_anna = |env: &crate::harness::Env| {
        env.count(&format!(
            "SELECT count(*) FROM outbox WHERE recipient = 'anna.beispiel@example.com'
             AND ticket_id = (SELECT id FROM tickets WHERE number = '{waiting}')"
        ))
    };
    let before = mails_to_anna(&app);
    // Four days later (the thread runs at start) the waiting ticket closes itself; the open one stays.
    let app = app.stop().start_later(4 * DAY);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.count("SELECT count(*) FROM tickets WHERE status = 'closed'") == 0 {
        assert!(std::time::Instant::now() < deadline, "no ticket closed itself");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut ada = app.ada();
    assert_eq!(status_of(&mut ada, &waiting), "closed");
    assert_eq!(status_of(&mut ada, &open), "open");
    let (acts, page) = staff_activities(&mut ada, &waiting);
    let last = acts.last().unwrap();
    assert_eq!(last.attr("data-activity-kind"), "status");
    assert!(html::inner_text(&page, last).contains("3 Tage"), "the reason is on the ticket");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM activities WHERE author_kind = 'system' AND kind = 'status' AND new_value = 'closed'
             AND ticket_id = (SELECT id FROM tickets WHERE number = '{waiting}')"
        )),
        1
    );
    assert_eq!(mails_to_anna(&app), before + 1, "the customer is told");
}
