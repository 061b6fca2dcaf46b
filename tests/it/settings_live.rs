//! Settings in the browser that reach beyond the request threads (issue 25, second pass): the
//! IMAP poller and the mail sender follow the settings in effect without a restart, the hotline
//! can be turned on at run time (its key file made as at start), the `test` buttons try the
//! values in the form and store nothing, the field form previews the customer's form, and every
//! settings route is closed to agents and customers.

use std::time::Duration;

use crate::harness::{create_staff, Builder, ADA, ANNA, BOB};
use crate::hotline::{lookup_path, reveal_ok, verdict, verify_path};
use crate::html;
use crate::http::Client;
use crate::imap::{mail, wait_for, Mode, Server};
use crate::mail::{fixture, Sink};
use crate::settings::{office, save, source_of, version, SMTP_SECRET};

const INBOUND: &str = "/admin/settings/inbound";

/// The IMAP fields of the inbound form pointing at `server` (password `geheim`).
fn imap_fields(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("imap_host", "127.0.0.1".to_string()),
        ("imap_port", server.port.to_string()),
        ("imap_security", "tls".to_string()),
        ("imap_username", "support@portal.example".to_string()),
        ("imap_password", "geheim".to_string()),
        ("imap_folder", "INBOX".to_string()),
        ("poll_seconds", "1".to_string()),
    ]
}

fn save_owned(c: &mut Client, page: &str, fields: &[(&'static str, String)]) -> crate::http::Resp {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    save(c, page, &borrowed)
}

fn logins(server: &Server) -> usize {
    server.commands().iter().filter(|c| c.as_str() == "LOGIN …").count()
}

#[test]
fn imap_settings_saved_in_the_browser_apply_without_a_restart() {
    let server = Server::start(Mode::Tls, &["MOVE", "UIDPLUS"]);
    server.folder("Archiv");
    server.folder("Support");
    // The file trusts the test CA and sets no server: nothing is polled at start.
    let app = Builder::new()
        .admin(ADA)
        .customer(ANNA)
        .toml(&format!("[inbound]\nca_file = {:?}\npoll_seconds = 1\n", fixture("relay-ca.pem").to_string_lossy()))
        .start();
    let mut ada = app.ada();

    // "Test the connection" tries the values in the form, stores nothing, starts nothing.
    let v = version(&mut ada, INBOUND);
    let mut test: Vec<(&str, String)> = vec![("version", v), ("test", "1".into())];
    test.extend(imap_fields(&server));
    let borrowed: Vec<(&str, &str)> = test.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = ada.submit(INBOUND, INBOUND, &borrowed);
    r.expect(200);
    let t = r.text();
    let reply = html::with_attr(&t, "data-test-reply");
    assert_eq!(reply.len(), 1, "{t}");
    assert!(html::inner_text(&t, &reply[0]).contains("\"INBOX\" holds 0 message(s)"), "{t}");
    assert!(!t.contains("geheim"), "the password is not rendered back");
    assert_eq!(
        html::form_input(&t, INBOUND, "imap_port").as_deref(),
        Some(server.port.to_string().as_str()),
        "the tested values stay in the form"
    );
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0, "a test stores nothing");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.changed'"), 0);
    let tested = logins(&server);

    // Saved: polling starts at once.
    save_owned(&mut ada, INBOUND, &imap_fields(&server)).expect_redirect(INBOUND);
    let first = server.deliver("INBOX", &mail(1));
    wait_for("the first message flagged seen", Duration::from_secs(30), || {
        server.flags("INBOX", first).contains(&"\\Seen".to_string())
    });
    assert!(logins(&server) > tested);

    // after_import changed in the browser: the next message is moved.
    save(&mut ada, INBOUND, &[("after_import", "move:Archiv")]).expect_redirect(INBOUND);
    server.deliver("INBOX", &mail(2));
    wait_for("the second message moved", Duration::from_secs(30), || server.messages("Archiv").len() == 1);

    // Another folder: polled from the next poll on.
    save(&mut ada, INBOUND, &[("imap_folder", "Support")]).expect_redirect(INBOUND);
    server.deliver("Support", &mail(3));
    wait_for("the message in Support moved", Duration::from_secs(30), || server.messages("Archiv").len() == 2);

    // Server removed: polling stops (and says so).
    save(&mut ada, INBOUND, &[("imap_host", "")]).expect_redirect(INBOUND);
    wait_for("the poller says it stopped", Duration::from_secs(30), || {
        app.stderr().contains("no IMAP server set, polling stopped")
    });
    let after_stop = logins(&server);
    let waiting = server.deliver("Support", &mail(4));

    // Another server set: only it is polled from now on.
    let other = Server::start(Mode::Tls, &["MOVE", "UIDPLUS"]);
    other.folder("Archiv");
    other.folder("Support");
    save(&mut ada, INBOUND, &[("imap_host", "127.0.0.1"), ("imap_port", &other.port.to_string())])
        .expect_redirect(INBOUND);
    other.deliver("Support", &mail(5));
    wait_for("the other server's message moved", Duration::from_secs(30), || other.messages("Archiv").len() == 1);
    assert_eq!(logins(&server), after_stop, "the first server is no longer polled");
    assert!(server.flags("Support", waiting).is_empty(), "left alone");
    let log = app.stderr();
    assert!(!log.contains("geheim"), "{log}");
}

#[test]
fn the_mail_test_uses_the_relay_in_the_form_and_the_stored_password() {
    // The file's relay (port 2525) is not where the test goes: the form names the sink.
    let app = office();
    let sink = Sink::start();
    let mut ada = app.ada();
    let page = "/admin/settings/mail";
    let v = version(&mut ada, page);
    let port = sink.port.to_string();
    let r = ada.submit(
        page,
        page,
        &[
            ("version", &v),
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &port),
            ("smtp_security", "none"),
            ("smtp_username", "relay"),
            ("smtp_password", ""),
            ("smtp_from", "portal@example.com"),
            ("test", "1"),
            ("test_to", "ada@contractor.example"),
        ],
    );
    r.expect(200);
    let t = r.text();
    assert!(t.contains("data-test-reply"), "{t}");
    let mails = sink.wait_for(1, Duration::from_secs(30));
    assert_eq!(mails[0].to, ["ada@contractor.example"]);
    // An empty password field means the stored one (here the file's).
    assert_eq!(sink.logins(), [format!("|relay|{SMTP_SECRET}")]);
    assert!(!t.contains(SMTP_SECRET));
    assert_eq!(html::form_input(&t, page, "smtp_port").as_deref(), Some(port.as_str()), "the form as sent");
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0, "a test stores nothing");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.changed'"), 0);
    assert_eq!(source_of(&ada.get(page).text(), "smtp_port"), "file");

    // A typed password is used for the test, and not stored either.
    let v = version(&mut ada, page);
    ada.submit(
        page,
        page,
        &[
            ("version", &v),
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &port),
            ("smtp_security", "none"),
            ("smtp_username", "probe"),
            ("smtp_password", "nur-zum-testen-55"),
            ("test", "1"),
            ("test_to", "ada@contractor.example"),
        ],
    )
    .expect(200);
    sink.wait_for(2, Duration::from_secs(30));
    assert_eq!(sink.logins()[1], "|probe|nur-zum-testen-55");
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0);

    // A bad value in the form: 422 at the field, no mail.
    let v = version(&mut ada, page);
    let r =
        ada.submit(page, page, &[("version", &v), ("smtp_port", "viele"), ("test", "1"), ("test_to", "a@b.example")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-smtp_port\""));
    assert_eq!(sink.mails().len(), 2);
}

#[test]
fn smtp_set_in_the_browser_sends_the_queued_notifications_without_a_restart() {
    // No [smtp] at start: saving one in the browser starts sending.
    let app = Builder::new().top("base_url = \"https://portal.example/\"").admin(ADA).customer(ANNA).start();
    let sink = Sink::start();
    let mut ada = app.ada();
    let page = "/admin/settings/mail";
    let port = sink.port.to_string();
    save(
        &mut ada,
        page,
        &[
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &port),
            ("smtp_security", "none"),
            ("smtp_from", "support@portal.example"),
        ],
    )
    .expect_redirect(page);
    let mut anna = app.anna();
    let number = crate::harness::create_ticket(&mut anna, "Drucker", "Er druckt nicht.", "normal");
    let mails = sink.wait_for(1, Duration::from_secs(30));
    assert!(mails.iter().any(|m| m.subject().contains(&number)), "{mails:?}");
}

#[cfg(unix)]
#[test]
fn the_hotline_turned_on_in_the_browser_works_at_the_next_request() {
    use std::os::unix::fs::PermissionsExt;

    let app = Builder::new().admin(ADA).customer(ANNA).toml("[hotline]\nmode = \"off\"\n").start();
    let key = app.dir.path.join("ticketd.key");
    assert!(!key.exists(), "no key while the hotline is off");
    let mut ada = app.ada();
    ada.get(&lookup_path(ANNA.number)).expect(404);
    let security = "/admin/settings/security";

    // A key file others may read is refused as at start: 422 at the field, nothing stored.
    std::fs::write(&key, [7u8; 32]).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = save(&mut ada, security, &[("hotline_mode", "verify")]);
    r.expect(422);
    let t = r.text();
    assert!(t.contains("id=\"err-hotline_mode\""), "{t}");
    assert!(t.contains("readable by others"), "{t}");
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0);
    ada.get(&lookup_path(ANNA.number)).expect(404);
    std::fs::remove_file(&key).unwrap();

    // Verify: the key is made (0600) and the hotline answers at the next request.
    save(&mut ada, security, &[("hotline_mode", "verify")]).expect_redirect(security);
    let meta = std::fs::metadata(&key).expect("the key file was created");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(meta.len(), 32);
    let page = ada.get(&lookup_path(ANNA.number));
    page.expect(200);
    let r = ada.submit(&lookup_path(ANNA.number), &verify_path(ANNA.number), &[("spoken_password", ANNA.password)]);
    assert_eq!(verdict(&r), "match");

    // Reveal: Anna's copy is made at her next login, then the admin can reveal it.
    save(&mut ada, security, &[("hotline_mode", "reveal")]).expect_redirect(security);
    app.anna();
    assert_eq!(reveal_ok(&mut ada, ANNA.number, "Kundin ruft an", ADA.password), ANNA.password);

    // Off again: gone at the next request.
    save(&mut ada, security, &[("hotline_mode", "off")]).expect_redirect(security);
    ada.get(&lookup_path(ANNA.number)).expect(404);
}

#[test]
fn the_field_form_previews_the_customers_form_with_the_unsaved_field() {
    let app = office();
    let mut ada = app.ada();
    let new = "/admin/settings/fields/new";
    // On load: the form as it is (no fields yet), in its own preview section.
    let t = ada.get(new).text();
    assert_eq!(html::with_attr(&t, "data-settings-preview").len(), 1, "{t}");
    let v = version(&mut ada, new);
    let r = ada.submit(
        new,
        new,
        &[
            ("version", &v),
            ("key", "geraet"),
            ("label_de", "Gerät"),
            ("label_en", "Device"),
            ("type", "select"),
            ("options", "Drucker\nPC"),
            ("preview", "1"),
        ],
    );
    r.expect(200);
    let t = r.text();
    assert!(t.contains("name=\"cf_geraet\""), "the unsaved field is in the preview: {t}");
    assert!(t.contains(">PC</option>"), "{t}");
    assert_eq!(html::form_input(&t, new, "key").as_deref(), Some("geraet"), "the form as sent");
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0, "a preview stores nothing");

    // Saved, then edited: the edit page previews the change, conditions included.
    let saved = ada.submit(
        new,
        new,
        &[("version", &v), ("key", "geraet"), ("label_de", "Gerät"), ("type", "select"), ("options", "Drucker\nPC")],
    );
    saved.expect_redirect("/admin/settings/fields");
    let edit = "/admin/settings/fields/geraet";
    let t = ada.get(edit).text();
    assert!(t.contains("name=\"cf_geraet\""), "on load, from the stored field: {t}");
    let v = version(&mut ada, new);
    let r = ada.submit(
        new,
        new,
        &[
            ("version", &v),
            ("key", "seriennr"),
            ("label_de", "Seriennummer"),
            ("type", "text"),
            ("show_when_field", "geraet"),
            ("show_when_values", "PC"),
            ("preview", "1"),
        ],
    );
    r.expect(200);
    let t = r.text();
    assert!(t.contains("data-show-when=\"cf_geraet\""), "{t}");
    let (a, b) = (t.find("name=\"cf_geraet\"").unwrap(), t.find("name=\"cf_seriennr\"").unwrap());
    assert!(a < b, "the new field comes last");
    // Invalid input still previews (422 at the field, the preview beside it).
    let r = ada.submit(new, new, &[("version", &v), ("key", "geraet"), ("label_de", "Doppelt"), ("type", "text")]);
    r.expect(422);
    assert!(r.text().contains("data-settings-preview"));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE target = 'settings:fields'"), 1);
}

#[test]
fn every_settings_route_is_refused_to_agents_403_and_customers_404() {
    // Every route under /admin/settings in the router, GET and POST, is in this list.
    let routes = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/routes.rs")).unwrap();
    let mut in_router: Vec<String> = routes
        .lines()
        .filter(|l| l.contains("[\"admin\", \"settings\""))
        .map(|l| {
            let method = if l.contains("(\"GET\"") { "GET" } else { "POST" };
            let inner = &l[l.find('[').unwrap() + 1..l.find(']').unwrap()];
            let path: Vec<&str> =
                inner.split(", ").map(|p| if p.starts_with('"') { p.trim_matches('"') } else { "geraet" }).collect();
            format!("{method} /{}", path.join("/"))
        })
        .collect();
    in_router.sort();
    let pages = [
        "/admin/settings",
        "/admin/settings/mail",
        "/admin/settings/inbound",
        "/admin/settings/security",
        "/admin/settings/fields",
        "/admin/settings/fields/new",
        "/admin/settings/fields/geraet",
    ];
    let mut listed: Vec<String> = pages.iter().flat_map(|p| [format!("GET {p}"), format!("POST {p}")]).collect();
    listed.sort();
    assert_eq!(in_router, listed, "a settings route is missing from this test");

    let app = office();
    let mut ada = app.ada();
    save(&mut ada, "/admin/settings/fields/new", &[("key", "geraet"), ("label_de", "Gerät"), ("type", "text")])
        .expect_redirect("/admin/settings/fields");
    let before = app.count("SELECT count(*) FROM config_overrides");
    create_staff(&mut ada, BOB);
    let mut bob = app.staff(BOB.username, BOB.password);
    let mut anna = app.anna();
    let bob_csrf = crate::harness::staff_csrf(&mut bob);
    let anna_csrf = crate::harness::session_csrf(&mut anna);
    let v = version(&mut ada, "/admin/settings");
    for p in pages.iter().chain(["/admin/settings/fields/gibtesnicht"].iter()) {
        assert_eq!(bob.get(p).status, 403, "agent GET {p}");
        assert_eq!(anna.get(p).status, 404, "customer GET {p}");
        let form = |csrf: &str| {
            vec![
                ("csrf", csrf.to_string()),
                ("version", v.clone()),
                ("title", "Übernommen".to_string()),
                ("key", "x".to_string()),
                ("label_de", "X".to_string()),
                ("type", "text".to_string()),
                ("hotline_mode", "off".to_string()),
                ("test", "1".to_string()),
            ]
        };
        for (who, c, csrf, want) in [("agent", &mut bob, &bob_csrf, 403), ("customer", &mut anna, &anna_csrf, 404)] {
            let f = form(csrf);
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(c.post_form(p, &f).status, want, "{who} POST {p}");
        }
    }
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), before, "nothing stored");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.changed'"), 1);
}

#[test]
fn two_admins_adding_fields_at_once_conflict_and_nothing_is_lost() {
    let app = office();
    let mut ada = app.ada();
    let mut ada2 = app.ada();
    let new = "/admin/settings/fields/new";
    let v1 = version(&mut ada, new);
    let v2 = version(&mut ada2, new);
    ada.submit(new, new, &[("version", &v1), ("key", "erstes"), ("label_de", "Erstes"), ("type", "text")])
        .expect_redirect("/admin/settings/fields");
    let r = ada2.submit(new, new, &[("version", &v2), ("key", "zweites"), ("label_de", "Zweites"), ("type", "text")]);
    r.expect(422);
    let t = r.text();
    assert!(t.contains("id=\"err-version\""), "{t}");
    assert_eq!(html::form_input(&t, new, "key").as_deref(), Some("zweites"), "the input is kept");
    let form = app.anna().get("/tickets/new").text();
    assert!(form.contains("name=\"cf_erstes\"") && !form.contains("name=\"cf_zweites\""));
    // After a reload the second admin's field goes in beside the first.
    crate::settings::save(&mut ada2, new, &[("key", "zweites"), ("label_de", "Zweites"), ("type", "text")])
        .expect_redirect("/admin/settings/fields");
    let form = app.anna().get("/tickets/new").text();
    assert!(form.contains("name=\"cf_erstes\"") && form.contains("name=\"cf_zweites\""));
}

#[test]
fn show_when_on_a_retired_field_is_refused_and_nothing_is_stored() {
    let app = office();
    let mut ada = app.ada();
    let new = "/admin/settings/fields/new";
    save(&mut ada, new, &[("key", "alt"), ("label_de", "Alt"), ("type", "text")])
        .expect_redirect("/admin/settings/fields");
    save(&mut ada, "/admin/settings/fields/alt", &[("label_de", "Alt"), ("type", "text"), ("retired", "1")])
        .expect_redirect("/admin/settings/fields");
    let stored = crate::harness::strings(&app.db(), "SELECT value FROM config_overrides WHERE key = 'fields'");
    // The audit tells each change of the list field by field, before and after.
    let audit =
        crate::harness::strings(&app.db(), "SELECT detail FROM audit_log WHERE target = 'settings:fields' ORDER BY id");
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit[0].starts_with("fields.alt: added {\"key\":\"alt\""), "{audit:?}");
    assert!(audit[1].starts_with("fields.alt: {") && audit[1].contains(" → {"), "{audit:?}");
    let (was, now) = audit[1].split_once(" → ").unwrap();
    assert!(!was.contains("\"retired\":true") && now.contains("\"retired\":true"), "{audit:?}");
    let r = save(
        &mut ada,
        new,
        &[("key", "neu"), ("label_de", "Neu"), ("type", "text"), ("show_when_field", "alt"), ("show_when_values", "x")],
    );
    r.expect(422);
    assert!(r.text().contains("id=\"err-show_when_field\""));
    assert_eq!(
        crate::harness::strings(&app.db(), "SELECT value FROM config_overrides WHERE key = 'fields'"),
        stored,
        "nothing stored"
    );
}

#[test]
fn links_and_mail_in_values_are_checked_like_the_file() {
    let app = office();
    let mut ada = app.ada();
    let r = save(&mut ada, "/admin/settings", &[("imprint_url", "javascript:alert(1)")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-imprint_url\""), "{}", r.text());
    for (field, bad) in
        [("poll_seconds", "0"), ("after_import", "move:"), ("after_import", "wegwerfen"), ("hold_days", "nie")]
    {
        let r = save(&mut ada, INBOUND, &[(field, bad)]);
        r.expect(422);
        assert!(r.text().contains(&format!("id=\"err-{field}\"")), "{field} = {bad:?}");
    }
    let r = save(&mut ada, "/admin/settings/mail", &[("max_attempts", "0")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-max_attempts\""));
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0);
    save(&mut ada, INBOUND, &[("poll_seconds", "120"), ("after_import", "move:Erledigt")]).expect_redirect(INBOUND);
    let out = app.cli(&["config", "show"]).ok().stdout.clone();
    assert!(out.contains("inbound.poll_seconds = \"120\"  # browser"), "{out}");
    assert!(out.contains("inbound.after_import = \"move:Erledigt\"  # browser"), "{out}");
}
