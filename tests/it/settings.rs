//! Settings in the browser (`/admin/settings…`, `ticketd config show`): precedence of
//! default/file/browser, reset to the file, validation at the field, secrets never rendered,
//! audit rows, admins only, changes live at the next request, conflicts.

use crate::harness::{create_staff, Builder, TestApp, ADA, ANNA, BOB};
use crate::html;
use crate::http::Client;

pub(crate) const SMTP_SECRET: &str = "smtp-geheimnis-4711";

pub(crate) fn office() -> TestApp {
    Builder::new()
        .admin(ADA)
        .customer(ANNA)
        .toml(&format!(
            "[portal]\ntitle = \"Datei-Titel\"\n\n[smtp]\nhost = \"127.0.0.1\"\nport = 2525\nfrom = \"portal@example.com\"\nusername = \"relay\"\npassword = \"{SMTP_SECRET}\"\n"
        ))
        .start()
}

pub(crate) fn version(c: &mut Client, page: &str) -> String {
    let r = c.get(page);
    r.expect(200);
    html::form_input(&r.text(), page, "version").expect("a version field")
}

pub(crate) fn save(c: &mut Client, page: &str, fields: &[(&str, &str)]) -> crate::http::Resp {
    let v = version(c, page);
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    c.submit(page, page, &all)
}

pub(crate) fn source_of(page: &str, field: &str) -> String {
    html::tags(page)
        .into_iter()
        .find(|t| t.get("data-setting") == Some(field))
        .map(|t| t.attr("data-source").to_string())
        .unwrap_or_else(|| panic!("no row for {field}"))
}

#[test]
fn browser_wins_over_file_and_reset_returns_to_it() {
    let app = office();
    let mut ada = app.ada();
    let page = ada.get("/admin/settings").text();
    assert_eq!(source_of(&page, "title"), "file");
    assert_eq!(source_of(&page, "accent_color"), "default");
    assert_eq!(html::form_input(&page, "/admin/settings", "title").as_deref(), Some("Datei-Titel"));

    save(&mut ada, "/admin/settings", &[("title", "Browser-Titel"), ("accent_color", "#1d4ed8")])
        .expect_redirect("/admin/settings");
    // Live at the next request, for everyone, without a restart.
    let mut anna = app.anna();
    assert!(anna.get("/tickets/new").text().contains("Browser-Titel"));
    let page = ada.get("/admin/settings").text();
    assert_eq!(source_of(&page, "title"), "browser");
    // The unchanged colour was not stored as an override.
    assert_eq!(source_of(&page, "accent_color"), "default");
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 1);

    let shown = app.cli(&["config", "show"]);
    let out = shown.ok().stdout.clone();
    assert!(out.contains("portal.title = \"Browser-Titel\"  # browser"), "{out}");
    assert!(out.contains("portal.accent_color = \"#1d4ed8\"  # default"), "{out}");
    assert!(out.contains("  # file"), "{out}");
    assert!(out.contains("smtp.password = \"********\"  # file"), "{out}");
    assert!(!out.contains(SMTP_SECRET), "{out}");

    save(&mut ada, "/admin/settings", &[("reset", "title")]).expect_redirect("/admin/settings");
    assert!(anna.get("/tickets/new").text().contains("Datei-Titel"));
    let page = ada.get("/admin/settings").text();
    assert_eq!(source_of(&page, "title"), "file");
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0);

    let audit = crate::harness::strings(
        &app.db(),
        "SELECT actor || ' ' || target || ' ' || detail FROM audit_log WHERE action = 'settings.changed' ORDER BY id",
    );
    assert_eq!(
        audit,
        vec![
            "staff:ada settings:portal portal.title: \"Datei-Titel\" → \"Browser-Titel\"".to_string(),
            "staff:ada settings:portal portal.title: \"Browser-Titel\" → \"Datei-Titel\"".to_string(),
        ]
    );
}

#[test]
fn invalid_values_get_422_at_the_field_and_nothing_is_stored() {
    let app = office();
    let mut ada = app.ada();
    let r = save(&mut ada, "/admin/settings", &[("title", "X"), ("accent_color", "#7f7f7f")]);
    r.expect(422);
    let t = r.text();
    assert!(t.contains("id=\"err-accent_color\""), "{t}");
    let ratio = ticketd::app::settings::accent_contrast("#7f7f7f").expect("a colour");
    assert!(t.contains(&format!("{ratio:.2}:1")), "the ratio is in the message");
    let r = save(&mut ada, "/admin/settings", &[("accent_color", "blau")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-accent_color\""));
    let r = save(&mut ada, "/admin/settings/security", &[("warn_at_percent", "0"), ("auto_close_days", "7")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-warn_at_percent\""));
    let r = save(&mut ada, "/admin/settings/security", &[("auto_close_days", "viele")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-auto_close_days\""));
    let r = save(&mut ada, "/admin/settings/security", &[("hotline_mode", "laut")]);
    r.expect(422);
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.changed'"), 0);

    save(&mut ada, "/admin/settings/security", &[("warn_at_percent", "90"), ("auto_close_days", "14")])
        .expect_redirect("/admin/settings/security");
    let out = app.cli(&["config", "show"]).ok().stdout.clone();
    assert!(out.contains("contingents.warn_at_percent = \"90\"  # browser"), "{out}");
    assert!(out.contains("workflow.auto_close_days = \"14\"  # browser"), "{out}");
}

#[test]
fn secrets_are_never_rendered() {
    let app = office();
    let mut ada = app.ada();
    for page in ["/admin/settings", "/admin/settings/security", "/admin/settings/fields", "/admin/settings/fields/new"]
    {
        let r = ada.get(page);
        r.expect(200);
        assert!(!r.text().contains(SMTP_SECRET), "{page} shows the SMTP password");
    }
}

#[test]
fn agents_get_403_and_customers_404() {
    let app = office();
    let mut ada = app.ada();
    create_staff(&mut ada, BOB);
    let mut bob = app.staff(BOB.username, BOB.password);
    let mut anna = app.anna();
    for page in [
        "/admin/settings",
        "/admin/settings/security",
        "/admin/settings/fields",
        "/admin/settings/fields/new",
        "/admin/settings/fields/x",
    ] {
        bob.get(page).expect(403);
        anna.get(page).expect(404);
        bob.post_form(page, &[("title", "Bob")]).expect(403);
        anna.post_form(page, &[("title", "Anna")]).expect(404);
    }
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0);
}

#[test]
fn two_admins_saving_the_same_section_conflict() {
    let app = office();
    let mut ada = app.ada();
    let mut ada2 = app.ada();
    let v1 = version(&mut ada, "/admin/settings");
    let v2 = version(&mut ada2, "/admin/settings");
    ada.submit("/admin/settings", "/admin/settings", &[("version", &v1), ("title", "Erste")])
        .expect_redirect("/admin/settings");
    let r = ada2.submit("/admin/settings", "/admin/settings", &[("version", &v2), ("title", "Zweite")]);
    r.expect(422);
    let t = r.text();
    assert!(t.contains("id=\"err-version\""), "{t}");
    // The second admin's input is still there to copy.
    assert_eq!(html::form_input(&t, "/admin/settings", "title").as_deref(), Some("Zweite"));
    assert!(app.anna().get("/tickets/new").text().contains("Erste"));
}

fn field(c: &mut Client, page: &str, fields: &[(&str, &str)]) -> crate::http::Resp {
    let v = version(c, page);
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    c.submit(page, page, &all)
}

#[test]
fn a_conditional_field_shows_on_the_customers_form_without_restart() {
    let app = office();
    let mut ada = app.ada();
    let new = "/admin/settings/fields/new";
    field(
        &mut ada,
        new,
        &[
            ("key", "art"),
            ("label_de", "Art"),
            ("label_en", "Kind"),
            ("type", "select"),
            ("options", "Hardware\nSoftware"),
        ],
    )
    .expect_redirect("/admin/settings/fields");
    field(
        &mut ada,
        new,
        &[
            ("key", "seriennr"),
            ("label_de", "Seriennummer"),
            ("type", "text"),
            ("show_when_field", "art"),
            ("show_when_values", "Hardware"),
        ],
    )
    .expect_redirect("/admin/settings/fields");
    let mut anna = app.anna();
    let form = anna.get("/tickets/new").text();
    assert!(form.contains("name=\"cf_art\""), "{form}");
    assert!(form.contains("name=\"cf_seriennr\""));
    assert!(form.contains("data-show-when=\"cf_art\""));
    // The admin's preview is the customer's form.
    assert!(ada.get("/admin/settings/fields").text().contains("name=\"cf_seriennr\""));

    // Bad input: a key that exists, a condition on itself, on an unknown field.
    let r = field(&mut ada, new, &[("key", "art"), ("label_de", "Noch mal"), ("type", "text")]);
    r.expect(422);
    assert!(r.text().contains("id=\"err-key\""));
    let edit = "/admin/settings/fields/seriennr";
    let r = field(
        &mut ada,
        edit,
        &[("label_de", "S"), ("type", "text"), ("show_when_field", "seriennr"), ("show_when_values", "x")],
    );
    r.expect(422);
    assert!(r.text().contains("id=\"err-show_when_field\""));
    // A field others depend on cannot be retired while they do.
    let r = field(
        &mut ada,
        "/admin/settings/fields/art",
        &[("label_de", "Art"), ("type", "select"), ("options", "Hardware\nSoftware"), ("retired", "1")],
    );
    r.expect(422);

    // An option in use cannot go away.
    let r = anna.submit(
        "/tickets/new",
        "/tickets",
        &[
            ("subject", "Drucker"),
            ("body", "Kaputt."),
            ("priority", "normal"),
            ("cf_art", "Hardware"),
            ("cf_seriennr", "SN-1"),
        ],
    );
    r.expect(303);
    let r = field(
        &mut ada,
        "/admin/settings/fields/art",
        &[("label_de", "Art"), ("type", "select"), ("options", "Software")],
    );
    r.expect(422);
    assert!(r.text().contains("id=\"err-options\""));

    // Retiring keeps the stored values and takes the field out of the form.
    field(&mut ada, edit, &[("label_de", "Seriennummer"), ("type", "text"), ("retired", "1")])
        .expect_redirect("/admin/settings/fields");
    assert!(!anna.get("/tickets/new").text().contains("name=\"cf_seriennr\""));
    assert_eq!(app.count("SELECT count(*) FROM ticket_fields WHERE key = 'seriennr' AND value = 'SN-1'"), 1);
    // Reorder: a new field moves up before `art`, in the customer's form too.
    field(&mut ada, new, &[("key", "notiz"), ("label_de", "Notiz"), ("type", "text")])
        .expect_redirect("/admin/settings/fields");
    let v = version(&mut ada, "/admin/settings/fields");
    ada.submit("/admin/settings/fields", "/admin/settings/fields", &[("version", &v), ("up", "notiz")])
        .expect_redirect("/admin/settings/fields");
    let form = anna.get("/tickets/new").text();
    let (notiz, art) = (form.find("name=\"cf_notiz\"").expect("notiz"), form.find("name=\"cf_art\"").expect("art"));
    assert!(notiz < art, "notiz moved before art");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.changed' AND target = 'settings:fields'"),
        5
    );
}

#[test]
fn passwords_set_in_the_browser_are_sealed_write_only_and_audited_as_changed() {
    let app = office();
    let mut ada = app.ada();
    let browser_secret = "browser-relay-geheimnis-0815";
    save(&mut ada, "/admin/settings/mail", &[("smtp_password", browser_secret)])
        .expect_redirect("/admin/settings/mail");
    let page = ada.get("/admin/settings/mail").text();
    assert_eq!(source_of(&page, "smtp_password"), "browser");
    assert!(!page.contains(browser_secret) && !page.contains(SMTP_SECRET));
    // An empty password field keeps the stored one.
    save(&mut ada, "/admin/settings/mail", &[("smtp_password", ""), ("smtp_from", "support@example.com")])
        .expect_redirect("/admin/settings/mail");
    assert_eq!(source_of(&ada.get("/admin/settings/mail").text(), "smtp_password"), "browser");
    let stored = crate::harness::strings(&app.db(), "SELECT value FROM config_overrides WHERE key = 'smtp.password'");
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(browser_secret), "sealed, not plain");
    let audit = crate::harness::strings(
        &app.db(),
        "SELECT detail FROM audit_log WHERE action = 'settings.changed' AND target = 'settings:mail' ORDER BY id",
    );
    assert_eq!(audit[0], "smtp.password: changed");
    assert!(audit.iter().all(|d| !d.contains(browser_secret) && !d.contains(SMTP_SECRET)), "{audit:?}");
    let out = app.cli(&["config", "show"]).ok().stdout.clone();
    assert!(out.contains("smtp.password = \"********\"  # browser"), "{out}");
    assert!(out.contains("smtp.from = \"support@example.com\"  # browser"), "{out}");
    assert!(!out.contains(browser_secret), "{out}");

    // The test button answers with what happened (nothing listens on the relay's port).
    let v = version(&mut ada, "/admin/settings/mail");
    let r = ada.submit(
        "/admin/settings/mail",
        "/admin/settings/mail",
        &[("version", &v), ("test", "1"), ("test_to", "ada@contractor.example")],
    );
    r.expect(200);
    let t = r.text();
    assert!(t.contains("data-test-reply"), "{t}");
    assert!(!t.contains(browser_secret));
    for page in ["/admin/settings/inbound", "/admin/settings/mail"] {
        assert!(!ada.get(page).text().contains(browser_secret));
    }
}

#[test]
fn a_logo_is_uploaded_checked_and_reset() {
    let app = office();
    let mut ada = app.ada();
    let page = "/admin/settings";
    let post = |c: &mut Client, name: &str, data: &[u8]| {
        let v = version(c, page);
        let csrf = c.csrf_from(page, page);
        let file =
            crate::http::Upload { field: "logo", filename: name, content_type: "application/octet-stream", data };
        c.post_multipart(page, &[("csrf", &csrf), ("version", &v), ("title", "Mit Logo")], &[file])
    };
    let r = post(&mut ada, "logo.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
    r.expect(422);
    assert!(r.text().contains("id=\"err-logo\""));
    let r = post(&mut ada, "big.png", &[0x89; 600 * 1024]);
    r.expect(422);
    let r = post(&mut ada, "logo.gif", b"GIF89a....");
    r.expect(422);
    assert_eq!(app.count("SELECT count(*) FROM config_overrides"), 0, "nothing stored");

    let png = b"\x89PNG\r\n\x1a\n-a-tiny-test-logo-";
    post(&mut ada, "logo.png", png).expect_redirect(page);
    let mut anna = app.anna();
    let form = anna.get("/tickets/new").text();
    assert!(form.contains("Mit Logo"));
    let src = html::attr_values(&form, "src").into_iter().find(|s| s.starts_with("/assets/logo.")).expect("a logo");
    let served = anna.get(&src);
    served.expect(200);
    assert_eq!(served.body, png.to_vec());
    assert_eq!(source_of(&ada.get(page).text(), "logo"), "browser");

    save(&mut ada, page, &[("reset", "logo")]).expect_redirect(page);
    assert!(!anna.get("/tickets/new").text().contains("/assets/logo."));
    let audit =
        crate::harness::strings(&app.db(), "SELECT detail FROM audit_log WHERE detail LIKE 'portal.logo%' ORDER BY id");
    assert_eq!(audit.len(), 2, "{audit:?}");
}
