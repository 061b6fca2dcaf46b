//! CSRF, escaping, security headers, cookies, assets and body limits.

use crate::harness::{
    activities, berlin_year, create_ticket, listed, overview_rows, portal, session_csrf, Builder, ANNA,
};
use crate::html;
use crate::http::{Resp, Upload};

#[test]
fn posts_without_a_valid_csrf_token_change_nothing() {
    let app = portal();
    let mut anna = app.anna();
    let mut bernd = app.bernd();
    let n = create_ticket(&mut anna, "Drucker", "Geht nicht.", "normal");
    let new_pw = "ein-ganz-neues-passwort";
    let foreign = session_csrf(&mut bernd);
    let wrong = "0".repeat(48);

    let reply = format!("/tickets/{n}/reply");
    let close = format!("/tickets/{n}/close");
    let actions: [(&str, Vec<(&str, &str)>); 5] = [
        ("/tickets", vec![("subject", "Gefälscht"), ("body", "von woanders")]),
        (&reply, vec![("body", "gefälschte Antwort")]),
        (&close, vec![]),
        (
            "/account/password",
            vec![("old_password", ANNA.password), ("new_password", new_pw), ("new_password_repeat", new_pw)],
        ),
        ("/logout", vec![]),
    ];
    // (label, csrf field to send)
    let tokens: [(&str, Option<&str>); 4] =
        [("missing", None), ("empty", Some("")), ("wrong", Some(&wrong)), ("another session's", Some(&foreign))];
    for (action, fields) in &actions {
        for (label, token) in tokens {
            let mut all = fields.clone();
            if let Some(t) = token {
                all.push(("csrf", t));
            }
            let r = anna.post_form(action, &all);
            assert_eq!(r.status, 403, "POST {action} with a {label} token");
            assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        }
        // multipart without a token, too
        let r = anna.post_multipart(action, fields, &[]);
        assert_eq!(r.status, 403, "multipart POST {action} without a token");
    }

    // Nothing changed: one ticket, one activity, still open, the session alive, the password old.
    assert_eq!(listed(&mut anna, ""), [n.as_str()]);
    let (rows, _) = overview_rows(&mut anna, "");
    assert_eq!(rows[0].attr("data-status"), "open");
    assert_eq!(rows[0].attr("data-activities"), "1");
    assert!(!activities(&mut anna, &n).1.contains("gefälschte Antwort"));
    app.customer(ANNA.number, ANNA.password);
    let (_, r) = app.login(ANNA.number, new_pw);
    assert_eq!(r.status, 422);
    // No ticket number was used up.
    let next = create_ticket(&mut anna, "Echt", "Jetzt aber.", "normal");
    assert_eq!(next, format!("{}-00002", berlin_year()));
}

#[test]
fn login_needs_the_csrf_token_of_its_form() {
    let app = portal();
    for fields in [
        vec![("login", ANNA.number), ("password", ANNA.password)],
        vec![("login", ANNA.number), ("password", ANNA.password), ("csrf", "")],
        vec![("login", ANNA.number), ("password", ANNA.password), ("csrf", "abc")],
    ] {
        let mut c = app.client();
        // With the anonymous CSRF cookie of a real visit, but not its token.
        c.get("/login").expect(200);
        let r = c.post_form("/login", &fields);
        assert_eq!(r.status, 403, "{fields:?}");
        assert!(c.cookie("ticketd_session").is_none());
    }
}

const XSS: &str = "<script>alert(1)</script>";

#[track_caller]
fn assert_escaped(r: &Resp, what: &str) {
    let text = r.text();
    assert!(!text.contains("<script>alert"), "{what}: raw script in the page");
    assert!(!text.contains("<img src=x"), "{what}: raw img in the page");
}

#[test]
fn user_text_is_escaped() {
    let app = portal();
    let mut anna = app.anna();
    let n = create_ticket(&mut anna, XSS, XSS, "normal");
    anna.submit(
        &format!("/tickets/{n}"),
        &format!("/tickets/{n}/reply"),
        &[("body", "\"><img src=x onerror=alert(2)>")],
    )
    .expect(303);
    for path in [
        "/tickets".to_string(),
        format!("/tickets/{n}"),
        "/tickets?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E".to_string(),
    ] {
        let r = anna.get(&path);
        r.expect(200);
        assert_escaped(&r, &path);
    }
    let detail = anna.get(&format!("/tickets/{n}")).text();
    assert!(detail.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown as text");

    // Re-rendered forms escape too.
    let r = anna.submit("/tickets/new", "/tickets", &[("subject", XSS), ("body", "")]);
    assert_eq!(r.status, 422);
    assert_escaped(&r, "new ticket form");
    let r = anna.submit(&format!("/tickets/{n}"), &format!("/tickets/{n}/reply"), &[("body", " ")]);
    assert_eq!(r.status, 422);
    assert_escaped(&r, "reply form");
    let (_, r) = app.login(&format!("\"><img src=x>{XSS}"), "x");
    assert_eq!(r.status, 422);
    assert_escaped(&r, "login form");
    // The attacker-controlled `next` and the URL are escaped as well.
    let r = app.client().get("/login?next=/%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
    assert_escaped(&r, "login next");
    let r = app.client().get("/nope/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assert_eq!(r.status, 404);
    assert_escaped(&r, "404 page");
}

#[track_caller]
fn assert_security_headers(r: &Resp, what: &str) {
    let csp = r.header("Content-Security-Policy").unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    assert!(directives.contains(&"frame-ancestors 'none'"), "{what}: CSP without frame-ancestors 'none': {csp}");
    let script = directives
        .iter()
        .find(|d| d.starts_with("script-src ") || **d == "script-src")
        .or_else(|| directives.iter().find(|d| d.starts_with("default-src")))
        .unwrap_or_else(|| panic!("{what}: CSP restricts no scripts: {csp}"));
    assert!(!script.contains("'unsafe-inline'"), "{what}: {script}");
    assert!(!script.contains("'unsafe-eval'"), "{what}: {script}");
    assert!(!script.contains('*'), "{what}: {script}");
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"), "{what}");
    let rp = r.header("Referrer-Policy").unwrap_or_else(|| panic!("{what}: no Referrer-Policy"));
    assert!(!rp.is_empty() && rp != "unsafe-url", "{what}: Referrer-Policy {rp}");
}

#[test]
fn every_response_carries_the_security_headers() {
    let app = portal();
    let mut anon = app.client();
    let login = anon.get("/login");
    login.expect(200);
    let css = html::tags(&login.text())
        .into_iter()
        .filter(|t| t.name == "link" && t.get("rel") == Some("stylesheet"))
        .map(|t| t.attr("href").to_string())
        .find(|h| h.starts_with("/assets/app.") && h.ends_with(".css"))
        .expect("the page links the hashed app.css");
    assert_ne!(css, "/assets/app.css", "the page uses the hashed URL");
    let mut anna = app.anna();

    // (what, answer, expected status, is an HTML page)
    let cases: Vec<(&str, Resp, u16, bool)> = vec![
        ("login page", login.clone(), 200, true),
        ("overview", anna.get("/tickets"), 200, true),
        ("asset", anon.get(&css), 200, false),
        ("404 page", anon.get("/gibt-es-nicht"), 404, true),
        ("404 ticket", anna.get("/tickets/2020-00001"), 404, true),
        ("403 page", anna.get("/staff/tickets"), 403, true),
        ("redirect", anon.get("/tickets"), 303, false),
        ("422 login", app.login(ANNA.number, "falsch").1, 422, true),
        ("healthz", anon.get("/healthz"), 200, false),
    ];
    for (what, r, status, page) in &cases {
        assert_eq!(r.status, *status, "{what}");
        assert_security_headers(r, what);
        if *page {
            assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"), "{what}");
            assert!(r.text().starts_with("<!DOCTYPE html>"), "{what}");
        }
    }
    let asset = &cases[2].1;
    assert!(asset.header("Content-Type").unwrap_or("").starts_with("text/css"));
}

#[test]
fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = portal();
    let (_, r) = app.login(ANNA.number, ANNA.password);
    r.expect(303);
    let cookie = r.set_cookie("ticketd_session").expect("a session cookie");
    let attrs: Vec<String> = cookie.split(';').map(|a| a.trim().to_ascii_lowercase()).collect();
    assert!(attrs.contains(&"httponly".to_string()), "{cookie}");
    assert!(attrs.contains(&"samesite=lax".to_string()), "{cookie}");
    assert!(attrs.contains(&"path=/".to_string()), "{cookie}");
    // Plain HTTP from an untrusted peer: not Secure (the browser would drop it).
    assert!(!attrs.contains(&"secure".to_string()), "{cookie}");
    let value = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert!(value.len() >= 32, "a long random id: {value}");
}

#[test]
fn the_session_cookie_is_secure_behind_a_trusted_https_proxy() {
    // (trusted proxies, X-Forwarded-Proto sent, Secure expected)
    for (trusted, proto, secure) in
        [("[\"127.0.0.1\"]", Some("https"), true), ("[\"127.0.0.1\"]", None, false), ("[]", Some("https"), false)]
    {
        let app = Builder::new().customer(ANNA).top(&format!("trusted_proxies = {trusted}")).start();
        let mut c = app.client();
        if let Some(p) = proto {
            c = c.header("X-Forwarded-Proto", p);
        }
        let r = c.submit("/login", "/login", &[("login", ANNA.number), ("password", ANNA.password)]);
        r.expect(303);
        let name = if secure { "__Host-ticketd_session" } else { "ticketd_session" };
        let cookie = r.set_cookie(name).expect("a session cookie");
        let has_secure = cookie.split(';').any(|a| a.trim().eq_ignore_ascii_case("secure"));
        assert_eq!(has_secure, secure, "trusted={trusted} proto={proto:?}: {cookie}");
    }
}

#[test]
fn assets_have_etags_and_revalidate() {
    let app = portal();
    let mut c = app.client();
    let page = c.get("/login").text();
    let hashed: Vec<String> = html::tags(&page)
        .into_iter()
        .filter_map(|t| t.get("href").or(t.get("src")).map(str::to_string))
        .filter(|h| h.starts_with("/assets/"))
        .collect();
    assert!(hashed.iter().any(|h| h.starts_with("/assets/app.") && h.ends_with(".css")), "{hashed:?}");
    assert!(hashed.iter().any(|h| h.starts_with("/assets/app.") && h.ends_with(".js")), "{hashed:?}");
    let mut paths = hashed.clone();
    paths.push("/assets/app.css".to_string());
    for path in &paths {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}");
        let etag = r.header("ETag").unwrap_or_else(|| panic!("{path}: no ETag")).to_string();
        let cache = r.header("Cache-Control").unwrap_or_else(|| panic!("{path}: no Cache-Control"));
        assert!(cache.contains("max-age") || cache.contains("no-cache"), "{path}: {cache}");
        assert!(!r.body.is_empty());
        let again = c.get_with(path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path} with If-None-Match {etag}");
        assert!(again.body.is_empty());
        let other = c.get_with(path, &[("If-None-Match", "\"something-else\"")]);
        assert_eq!(other.status, 200, "{path} with a stale ETag");
    }
    // Hashed URLs are cached long, the plain name revalidates.
    let hashed_css = hashed.iter().find(|h| h.ends_with(".css") && h.starts_with("/assets/app.")).unwrap();
    let long = c.get(hashed_css);
    assert!(long.header("Cache-Control").unwrap_or("").contains("max-age=31536000"));
    assert_eq!(c.get("/assets/nichts.css").status, 404);
    assert_eq!(c.get("/assets/../Cargo.toml").status, 404);
}

#[test]
fn too_large_bodies_are_refused_and_nothing_is_stored() {
    let app = Builder::new()
        .customer(ANNA)
        .security("max_form_bytes = 4096")
        .toml("[attachments]\nmax_file_bytes = 8192\nmax_request_bytes = 16384")
        .start();
    let mut anna = app.anna();
    let csrf = session_csrf(&mut anna);
    let big = "A".repeat(6000);
    let r = anna.post_form("/tickets", &[("csrf", &csrf), ("subject", "Groß"), ("body", &big)]);
    assert_eq!(r.status, 413, "urlencoded body over max_form_bytes");
    let huge = vec![b'x'; 20_000];
    let r = anna.post_multipart(
        "/tickets",
        &[("csrf", &csrf), ("subject", "Groß"), ("body", "klein")],
        &[Upload {
            field: "attachments",
            filename: "gross.bin",
            content_type: "application/octet-stream",
            data: &huge,
        }],
    );
    assert_eq!(r.status, 413, "multipart body over max_request_bytes");
    assert!(listed(&mut anna, "").is_empty());
}

#[test]
fn healthz_answers_ok() {
    let app = Builder::new().start();
    let r = app.client().get("/healthz");
    r.expect(200);
    assert_eq!(r.text().trim(), "ok");
}
