//! Language: `?lang=`, then the cookie, then `Accept-Language`, then `default_language`.

use crate::harness::{portal, Builder, ANNA};
use crate::html;

#[test]
fn language_is_negotiated() {
    let app = portal();
    // (path, Accept-Language, expected <html lang>)
    let cases = [
        ("/login", None, "de"),
        ("/login", Some("en"), "en"),
        ("/login", Some("en-US,en;q=0.9"), "en"),
        ("/login", Some("fr-FR,fr;q=0.9,en;q=0.8"), "en"),
        ("/login", Some("de-DE,de;q=0.9,en;q=0.8"), "de"),
        ("/login", Some("en;q=0.5,de;q=0.9"), "de"),
        ("/login", Some("fr"), "de"),
        ("/login", Some("en;q=0"), "de"),
        ("/login", Some("*"), "de"),
        ("/login?lang=en", None, "en"),
        ("/login?lang=en", Some("de"), "en"),
        ("/login?lang=de", Some("en"), "de"),
        ("/login?lang=xx", None, "de"),
        ("/gibt-es-nicht?lang=en", None, "en"),
    ];
    for (path, accept, want) in cases {
        let mut c = app.client();
        if let Some(a) = accept {
            c = c.header("Accept-Language", a);
        }
        let r = c.get(path);
        let text = r.text();
        assert_eq!(html::page_lang(&text).as_deref(), Some(want), "{path} with {accept:?}");
    }
    // The visible text follows: the German and the English login page differ.
    let de = app.client().get("/login").text();
    let en = app.client().get("/login?lang=en").text();
    assert!(de.contains("Passwort"));
    assert!(en.contains("Password"));
}

#[test]
fn the_chosen_language_is_remembered_in_a_cookie() {
    let app = portal();
    let mut c = app.client();
    let r = c.get("/login?lang=en");
    let cookie = r.set_cookie("ticketd_lang").expect("a language cookie");
    assert!(cookie.starts_with("ticketd_lang=en"), "{cookie}");
    // Later pages without ?lang= stay English, even against the browser's wish.
    let mut c = c.header("Accept-Language", "de");
    assert_eq!(html::page_lang(&c.get("/login").text()).as_deref(), Some("en"));
    // The language survives the login and applies to portal pages.
    let r = c.submit("/login", "/login", &[("login", ANNA.number), ("password", ANNA.password)]);
    r.expect_redirect("/tickets");
    assert_eq!(html::page_lang(&c.get("/tickets").text()).as_deref(), Some("en"));
    // And switching back works the same way.
    c.get("/tickets?lang=de");
    assert_eq!(html::page_lang(&c.get("/account").text()).as_deref(), Some("de"));
}

#[test]
fn default_language_comes_from_the_config() {
    let app = Builder::new().top("default_language = \"en\"").start();
    let mut c = app.client();
    assert_eq!(html::page_lang(&c.get("/login").text()).as_deref(), Some("en"));
    let mut c = app.client().header("Accept-Language", "de");
    assert_eq!(html::page_lang(&c.get("/login").text()).as_deref(), Some("de"));
}
