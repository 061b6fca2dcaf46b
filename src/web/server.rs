//! Starting the HTTP server: the listening socket, the handler with its limits, the self-probe,
//! graceful stop. The server itself is `web::http`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use crate::app::App;
use crate::web::{guard, http};

/// Set by SIGTERM or SIGINT (signal-hook stores to it from the handler).
static STOP: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// A stop was requested: new requests get 503.
pub fn stopping() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// SIGTERM and SIGINT ask for a graceful stop: no new requests, in-flight ones finish.
fn install_signal_handlers() -> Result<(), String> {
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&STOP))
            .map_err(|e| format!("cannot handle signal {signal}: {e}"))?;
    }
    Ok(())
}

/// The listening socket: `SO_REUSEADDR`, `TCP_NODELAY` (accepted sockets set it again).
fn listener(addr: SocketAddr) -> Result<std::net::TcpListener, String> {
    use socket2::{Domain, Protocol, Socket, Type};
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)).map_err(|e| e.to_string())?;
    let _ = sock.set_reuse_address(true);
    let _ = sock.set_nodelay(true);
    sock.bind(&addr.into()).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    sock.listen(1024).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    Ok(sock.into())
}

/// The server's limits from the configuration.
fn limits(app: &App) -> http::Limits {
    let c = app.config();
    let l = &c.limits;
    http::Limits {
        idle_timeout: Duration::from_secs(l.idle_timeout_seconds),
        head_timeout: Duration::from_secs(l.request_timeout_seconds),
        max_head_bytes: l.max_head_bytes as usize,
        max_headers: l.max_headers,
        // Multipart framing and text fields come on top of the files themselves.
        max_body_bytes: c.attachments.max_request_bytes.0.max(c.security.max_form_bytes) + 64 * 1024,
        max_form_bytes: c.security.max_form_bytes + 1024,
        body_min_rate: l.body_min_bytes_per_second,
        body_grace: Duration::from_secs(l.body_grace_seconds),
        max_connections: l.max_connections,
        max_connections_per_address: l.max_connections_per_address,
        exempt: c.trusted_proxy_addrs(),
    }
}

/// Runs the server until SIGTERM/SIGINT; the process ends once requests in flight finished.
pub fn serve(app: Arc<App>) -> Result<(), String> {
    let addr = app.config().listen_addr().map_err(|e| e.0)?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let workers = if app.config().workers == 0 { cores * 8 } else { app.config().workers };
    guard::limit_malloc_arenas(cores);
    if let Some(n) = guard::raise_fd_limit() {
        if n < 4096 {
            eprintln!("warning: only {n} file descriptors allowed; raise LimitNOFILE");
        }
    }
    let listener = listener(addr)?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    // The mail sender starts once the address is ours, so a second start that fails to bind
    // never touches the outbox; it runs beside the requests and never inside one.
    crate::app::notify::spawn_sender(app.clone()).map_err(|e| format!("cannot start the mail sender: {e}"))?;
    // Webhook deliveries (`[[webhooks]]`), like mail: queued by the writes, sent from here.
    crate::app::webhooks::spawn_sender(app.clone()).map_err(|e| format!("cannot start the webhook sender: {e}"))?;
    crate::app::workflow::spawn(app.clone()).map_err(|e| format!("cannot start the workflow thread: {e}"))?;
    // Likewise the IMAP poller (`[inbound] imap_host`); it starts no poll once a stop began.
    crate::app::inbound_poll::spawn_poller(app.clone(), Arc::clone(&STOP))
        .map_err(|e| format!("cannot start the IMAP poller: {e}"))?;
    crate::app::inbound::spawn_purger(app.clone()).map_err(|e| format!("cannot start the inbox purge: {e}"))?;
    crate::app::sessions::spawn_toucher(app.clone()).map_err(|e| format!("cannot start the session writer: {e}"))?;
    let in_flight = Arc::new(guard::InFlight::default());
    let handler: Arc<http::Handler> = Arc::new(super::handler(app.clone(), in_flight.clone(), workers));
    let refused: Arc<dyn Fn(SocketAddr, u16) + Send + Sync> = Arc::new(super::log_refusal);
    let limits = limits(&app);
    let stop = Arc::new(AtomicBool::new(false));
    guard::spawn_probe(bound, stop.clone());
    guard::spawn_memory_trim(stop.clone());
    install_signal_handlers()?;
    let stop_app = app.clone();
    let _ = std::thread::Builder::new().name("ticketd-stop".into()).spawn(move || {
        while !STOP.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, Ordering::SeqCst);
        eprintln!("stopping: finishing requests in flight");
        // Done when no request is in a handler and no response byte moved for a second (a
        // download to a slow client keeps it waiting), 30 s at most.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut last = http::SENT.load(Ordering::Relaxed);
        let mut quiet_since = std::time::Instant::now();
        while std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            let now = http::SENT.load(Ordering::Relaxed);
            if now != last || !in_flight.is_empty() {
                last = now;
                quiet_since = std::time::Instant::now();
            } else if quiet_since.elapsed() >= Duration::from_millis(1000) {
                break;
            }
        }
        // The last noted session touches, so a restart does not end sessions early.
        let _ = crate::app::sessions::flush_touches(&stop_app);
        eprintln!("stopped");
        std::process::exit(0);
    });
    eprintln!("ticketd {} listening on http://{bound} ({workers} workers)", env!("CARGO_PKG_VERSION"));
    // Requests keep being taken (new ones get 503) until the stop thread ends the process.
    http::run(listener, limits, handler, refused)
}
