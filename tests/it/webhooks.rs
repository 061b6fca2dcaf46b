//! Webhooks against a receiver on loopback written here: every POST carries a signature that
//! verifies with the secret (checked with the hmac crate, not ticketd's code); the events a
//! hook asked for arrive, internal ones only with `include_internal`; a 500 or a redirect is
//! retried with back-off and listed at /admin/outbox, where an admin sends a failed one again;
//! a receiver that never answers slows no request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::harness::{create_ticket, staff_activity, staff_ticket, staff_update, Builder, ADA, ANNA};
use crate::html;

const SECOND: Duration = Duration::from_secs(1);
const SECRET: &str = "s3cr3t-für-tests";

/// One POST as the receiver took it.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Hit {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
    fn event(&self) -> String {
        self.json()["event"].as_str().unwrap_or("").to_string()
    }
}

#[derive(Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    /// Status codes to answer, in order; then 200.
    script: Mutex<Vec<u16>>,
    /// Keep the next request unanswered until released.
    hold: AtomicBool,
    holding: AtomicUsize,
}

struct Receiver {
    port: u16,
    shared: Arc<Shared>,
}

impl Receiver {
    fn start(script: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared { script: Mutex::new(script.to_vec()), ..Shared::default() });
        let sh = shared.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let sh = sh.clone();
                std::thread::spawn(move || serve(conn, &sh));
            }
        });
        Receiver { port, shared }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    #[track_caller]
    fn wait_for(&self, what: &str, timeout: Duration, done: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let deadline = Instant::now() + timeout;
        loop {
            let hits = self.hits();
            if done(&hits) {
                return hits;
            }
            let events: Vec<String> = hits.iter().map(|h| format!("{} {}", h.path, h.event())).collect();
            assert!(Instant::now() < deadline, "{what}: not within {timeout:?}; got {events:#?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve(conn: std::net::TcpStream, sh: &Shared) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    sh.hits.lock().unwrap().push(Hit { path, headers, body });
    if sh.hold.swap(false, Ordering::SeqCst) {
        sh.holding.fetch_add(1, Ordering::SeqCst);
        // Never answer; the connection stays open until the sender gives up.
        std::thread::sleep(Duration::from_secs(60));
        return;
    }
    let status = {
        let mut script = sh.script.lock().unwrap();
        if script.is_empty() {
            200
        } else {
            script.remove(0)
        }
    };
    let answer = match status {
        302 => "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
        s => format!("HTTP/1.1 {s} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"),
    };
    let mut conn = conn;
    let _ = conn.write_all(answer.as_bytes());
}

fn verifies(hit: &Hit, secret: &str) -> bool {
    let Some(sig) = hit.header("X-Ticketd-Signature").and_then(|s| s.strip_prefix("sha256=")) else {
        return false;
    };
    let Some(sig) = (0..sig.len())
        .step_by(2)
        .map(|i| sig.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&hit.body);
    mac.verify_slice(&sig).is_ok()
}

fn hook(url: &str, events: &str, extra: &str) -> String {
    format!("[[webhooks]]\nurl = \"{url}\"\nevents = [{events}]\nsecret = \"{SECRET}\"\nretry_seconds = 1\n{extra}\n")
}

#[test]
fn events_arrive_signed_and_internal_ones_only_where_asked() {
    let rx = Receiver::start(&[]);
    let all = "\"ticket.created\", \"ticket.updated\", \"activity.created\", \"customer.created\"";
    let app = Builder::new()
        .admin(ADA)
        .customer(ANNA)
        .toml(&hook(&rx.url("/public"), all, ""))
        .toml(&hook(&rx.url("/internal"), all, "include_internal = true"))
        .toml(&hook(&rx.url("/customers"), "\"customer.created\"", ""))
        .start();
    // Anna was added by the CLI before the server started: queued all the same.
    rx.wait_for("customer.created for both hooks that want it", 20 * SECOND, |h| {
        h.iter().filter(|h| h.event() == "customer.created").count() >= 3
    });
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Drucker streikt", "Er druckt nicht.", "normal");
    let mut ada = app.ada();
    staff_activity(&mut ada, &t, &[("kind", "internal_note"), ("body", "GEHEIM: Kulanz")]).expect(303);
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Wir schauen es uns an.")]).expect(303);
    staff_update(&mut ada, &t, &[("status", "waiting"), ("priority", "high")]).expect(303);
    // public: created, first message, staff message, updated (status and priority in one), and
    // the two change activities; internal: the note too.
    let hits = rx.wait_for("the ticket's events", 20 * SECOND, |h| {
        h.iter().filter(|h| h.path == "/internal" && h.event() != "customer.created").count() >= 7
            && h.iter().filter(|h| h.path == "/public" && h.event() != "customer.created").count() >= 6
    });
    for h in &hits {
        assert!(verifies(h, SECRET), "signature of {} {}", h.path, h.event());
        assert!(!verifies(h, "another secret"));
        assert_eq!(h.header("Content-Type"), Some("application/json; charset=utf-8"));
        assert_eq!(h.header("X-Ticketd-Event").map(str::to_string), Some(h.event()));
        assert_eq!(h.header("X-Ticketd-Delivery").map(str::to_string), Some(h.json()["id"].to_string()));
    }
    let of = |path: &str| hits.iter().filter(|h| h.path == path).map(Hit::json).collect::<Vec<_>>();
    let public = of("/public");
    let internal = of("/internal");
    assert!(of("/customers").iter().all(|j| j["event"] == "customer.created"));
    let customer = public.iter().find(|j| j["event"] == "customer.created").unwrap();
    assert_eq!(customer["data"]["customer_no"], ANNA.number);
    assert_eq!(customer["data"]["name"], ANNA.name);
    let created = public.iter().find(|j| j["event"] == "ticket.created").unwrap();
    assert_eq!(created["data"]["number"], t.as_str());
    assert_eq!(created["data"]["customer_no"], ANNA.number);
    assert_eq!(created["data"]["subject"], "Drucker streikt");
    // One event per change: the status, then the priority.
    let updated: Vec<_> = public.iter().filter(|j| j["event"] == "ticket.updated").collect();
    assert_eq!(updated.len(), 2, "{updated:#?}");
    assert_eq!(updated[0]["data"]["status"], "waiting");
    assert_eq!(updated[0]["data"]["changes"], serde_json::json!({"status": ["open", "waiting"]}));
    assert_eq!(updated[1]["data"]["changes"], serde_json::json!({"priority": ["normal", "high"]}));
    assert_eq!(updated[1]["data"]["priority"], "high");
    let bodies = |v: &[serde_json::Value]| {
        v.iter()
            .filter(|j| j["event"] == "activity.created")
            .map(|j| j["data"]["body"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert!(bodies(&public).iter().any(|b| b == "Er druckt nicht."));
    assert!(bodies(&public).iter().any(|b| b.starts_with("Wir schauen es uns an.")));
    assert!(!bodies(&public).iter().any(|b| b.contains("GEHEIM")), "an internal note went to a public hook");
    let note = internal
        .iter()
        .find(|j| j["data"]["body"] == "GEHEIM: Kulanz")
        .expect("the internal note reached the include_internal hook");
    assert_eq!(note["data"]["internal"], true);
    assert_eq!(note["data"]["ticket"], t.as_str());
    // Each event once per hook, with the same id for both hooks.
    let mut ids: Vec<i64> = public.iter().map(|j| j["id"].as_i64().unwrap()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "an event was delivered twice");
}

#[test]
fn a_500_and_a_redirect_are_retried_and_a_failed_delivery_can_be_sent_again() {
    // First 500, then 200: delivered at the second attempt.
    let rx = Receiver::start(&[500]);
    let flaky = Receiver::start(&[302, 302]);
    let app = Builder::new()
        .admin(ADA)
        .toml(&hook(&rx.url("/a"), "\"ticket.created\"", ""))
        .toml(&hook(&flaky.url("/b"), "\"ticket.created\"", "max_attempts = 2"))
        .customer(ANNA)
        .start();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Netzwerk", "Kein Netz.", "normal");
    let hits = rx.wait_for("the retry after a 500", 20 * SECOND, |h| h.len() >= 2);
    assert_eq!(hits[0].body, hits[1].body, "a retry sends the same body");
    assert_eq!(hits[1].json()["data"]["number"], t.as_str());
    // The redirect is not followed; after two attempts the delivery failed.
    flaky.wait_for("two attempts at the redirecting hook", 20 * SECOND, |h| h.len() >= 2);
    let mut ada = app.ada();
    let deadline = Instant::now() + 20 * SECOND;
    let page = loop {
        let page = ada.get("/admin/outbox").text();
        if html::with_attr(&page, "data-webhook-delivery").iter().any(|r| r.attr("data-state") == "failed") {
            break page;
        }
        assert!(Instant::now() < deadline, "no failed delivery listed: {page}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let failed: Vec<String> = html::with_attr(&page, "data-webhook-delivery")
        .into_iter()
        .filter(|r| r.attr("data-state") == "failed")
        .map(|r| r.attr("data-webhook-delivery").to_string())
        .collect();
    assert_eq!(failed.len(), 1);
    let errors = html::attr_values(&page, "data-webhook-error");
    assert!(page.contains("302"), "the reason is shown: {errors:?}");
    assert_eq!(app.count("SELECT count(*) FROM webhook_deliveries WHERE state = 'sent'"), 1);
    // The admin sends it again; now the hook answers 200.
    let action = format!("/admin/outbox/webhooks/{}/retry", failed[0]);
    ada.submit("/admin/outbox", &action, &[]).expect(303);
    flaky.wait_for("the admin's retry", 20 * SECOND, |h| h.len() >= 3);
    let deadline = Instant::now() + 20 * SECOND;
    while app.count("SELECT count(*) FROM webhook_deliveries WHERE state = 'sent'") < 2 {
        assert!(Instant::now() < deadline, "the retried delivery was not marked sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'webhook.retry'"), 1);
}

#[test]
fn a_receiver_that_never_answers_slows_no_request() {
    let rx = Receiver::start(&[]);
    rx.shared.hold.store(true, Ordering::SeqCst);
    let app = Builder::new()
        .admin(ADA)
        .customer(ANNA)
        .toml(&hook(&rx.url("/slow"), "\"ticket.created\", \"activity.created\"", "timeout_seconds = 30"))
        .start();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Hängt", "Alles hängt.", "normal");
    let deadline = Instant::now() + 20 * SECOND;
    while rx.shared.holding.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the sender never reached the receiver");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut ada = app.ada();
    for i in 0..4 {
        let t0 = Instant::now();
        staff_activity(&mut ada, &t, &[("kind", "message"), ("body", &format!("Antwort {i}"))]).expect(303);
        assert!(t0.elapsed() < 2 * SECOND, "a request took {:?} while the receiver stalls", t0.elapsed());
    }
    let t0 = Instant::now();
    staff_ticket(&mut ada, ANNA.number, "Noch eins", "Text", &[]);
    assert!(t0.elapsed() < 2 * SECOND);
    assert_eq!(app.count("SELECT count(*) FROM webhook_deliveries WHERE state = 'sending'"), 1);
    // Nothing is lost: the rest waits as events or deliveries.
    let waiting = app.count("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'")
        + app.count("SELECT count(*) FROM webhook_events");
    assert!(waiting >= 6, "{waiting}");
}

#[test]
fn bad_webhook_config_is_refused_naming_the_key() {
    for (entry, key) in [
        ("url = \"ftp://127.0.0.1/x\"\nevents = [\"ticket.created\"]\nsecret = \"x\"", "webhooks[0].url"),
        ("url = \"http://127.0.0.1/x\"\nevents = [\"ticket.deleted\"]\nsecret = \"x\"", "webhooks[0].events"),
        ("url = \"http://127.0.0.1/x\"\nevents = [\"ticket.created\"]\nsecret = \" \"", "webhooks[0].secret"),
        ("url = \"http://127.0.0.1/x\"\nevents = []\nsecret = \"x\"", "webhooks[0].events"),
    ] {
        let env = Builder::new().toml(&format!("[[webhooks]]\n{entry}\n")).prepare();
        let out = env.cli(&["check"]);
        out.failed();
        assert!(out.stderr.contains(key), "{key}: {}", out.stderr);
    }
}

#[test]
fn a_receiver_that_times_out_gets_the_event_again() {
    let rx = Receiver::start(&[]);
    rx.shared.hold.store(true, Ordering::SeqCst);
    let app =
        Builder::new().customer(ANNA).toml(&hook(&rx.url("/t"), "\"customer.created\"", "timeout_seconds = 1")).start();
    // The first attempt is never answered; after the timeout and the back-off, the second is.
    let hits = rx.wait_for("a second attempt after the timeout", 20 * SECOND, |h| h.len() >= 2);
    assert_eq!(hits[0].body, hits[1].body);
    let deadline = Instant::now() + 20 * SECOND;
    while app.count("SELECT count(*) FROM webhook_deliveries WHERE state = 'sent' AND attempts = 2") != 1 {
        assert!(Instant::now() < deadline, "not marked sent after the second attempt");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn without_webhooks_writes_leave_no_event_rows() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    let mut anna = app.anna();
    let t = create_ticket(&mut anna, "Ohne Haken", "Niemand hört zu.", "normal");
    let mut ada = app.ada();
    staff_activity(&mut ada, &t, &[("kind", "message"), ("body", "Antwort")]).expect(303);
    staff_update(&mut ada, &t, &[("status", "waiting")]).expect(303);
    assert_eq!(app.count("SELECT active FROM webhook_switch"), 0);
    assert_eq!(app.count("SELECT count(*) FROM webhook_events"), 0);
    assert_eq!(app.count("SELECT count(*) FROM webhook_deliveries"), 0);
}
