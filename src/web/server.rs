//! Starting the HTTP server: the front door (`web::proxy`) on the public address answering
//! through `web::front`, rouille/tiny_http with a fixed worker pool on loopback for uploads,
//! `TCP_NODELAY` everywhere, graceful stop.
//!
//! tiny_http (under rouille) never sets `TCP_NODELAY`, so 2–30 KB responses stall ~40 ms on
//! Nagle + delayed ACK. rouille does not hand us its listening socket, but on Linux an accepted
//! socket inherits `TCP_NODELAY` from the listener: we find our own listening socket among the
//! process's file descriptors (by its local address) and set the option on it once.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::web::{guard, proxy};

/// Sets `TCP_NODELAY` on the listening socket bound to `addr`. Returns whether it was found.
#[cfg(target_os = "linux")]
pub fn set_nodelay_on_listener(addr: SocketAddr) -> bool {
    use std::os::fd::BorrowedFd;
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return false;
    };
    let mut found = false;
    for entry in dir.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let is_socket =
            std::fs::read_link(entry.path()).map(|t| t.to_string_lossy().starts_with("socket:")).unwrap_or(false);
        if !is_socket {
            continue;
        }
        // SAFETY: the descriptor is open (listed just now) and only borrowed for these calls;
        // we never close it.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let sock = socket2::SockRef::from(&fd);
        let local = sock.local_addr().ok().and_then(|a| a.as_socket());
        if local == Some(addr) && sock.is_listener().unwrap_or(false) && sock.set_nodelay(true).is_ok() {
            found = true;
        }
    }
    found
}

#[cfg(not(target_os = "linux"))]
pub fn set_nodelay_on_listener(_addr: SocketAddr) -> bool {
    false
}

static STOP: AtomicBool = AtomicBool::new(false);

/// A stop was requested: new requests get 503.
pub fn stopping() -> bool {
    STOP.load(Ordering::Relaxed)
}

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// SIGTERM and SIGINT ask for a graceful stop: no new requests, in-flight ones finish.
fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
    }
}

/// The public listening socket: `SO_REUSEADDR`, `TCP_NODELAY` (inherited by accepted sockets).
fn public_listener(addr: SocketAddr) -> Result<std::net::TcpListener, String> {
    use socket2::{Domain, Protocol, Socket, Type};
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)).map_err(|e| e.to_string())?;
    let _ = sock.set_reuse_address(true);
    let _ = sock.set_nodelay(true);
    sock.bind(&addr.into()).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    sock.listen(1024).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    Ok(sock.into())
}

/// Runs the server until SIGTERM/SIGINT; returns after in-flight requests finished.
pub fn serve(app: Arc<App>) -> Result<(), String> {
    let addr = app.config.listen_addr().map_err(|e| e.0)?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let workers = if app.config.workers == 0 { cores * 8 } else { app.config.workers };
    if let Some(n) = guard::raise_fd_limit() {
        if n < 4096 {
            eprintln!("warning: only {n} file descriptors allowed; raise LimitNOFILE");
        }
    }
    let public = public_listener(addr)?;
    let public_addr = public.local_addr().map_err(|e| e.to_string())?;
    // The mail sender starts once the address is ours, so a second start that fails to bind
    // never touches the outbox; it runs beside the requests and never inside one.
    crate::app::notify::spawn_sender(app.clone()).map_err(|e| format!("cannot start the mail sender: {e}"))?;
    // tiny_http only ever sees connections from the front door, on an ephemeral loopback port.
    let in_flight = Arc::new(guard::InFlight::default());
    let server = rouille::Server::new("127.0.0.1:0", super::handler(app.clone(), in_flight.clone()))
        .map_err(|e| format!("cannot start the internal listener: {e}"))?
        .pool_size(workers);
    let backend = server.server_addr();
    if !set_nodelay_on_listener(backend) {
        eprintln!("warning: could not set TCP_NODELAY on the internal listener; pages may be slow");
    }
    let l = &app.config.limits;
    let c = &app.config;
    let limits = proxy::Limits {
        idle_timeout: Duration::from_secs(l.idle_timeout_seconds),
        head_timeout: Duration::from_secs(l.request_timeout_seconds),
        max_head_bytes: l.max_head_bytes as usize,
        max_headers: l.max_headers,
        max_body_bytes: c.attachments.max_request_bytes.0.max(c.security.max_form_bytes) + 64 * 1024,
        max_form_bytes: c.security.max_form_bytes + 1024,
        max_connections: l.max_connections,
    };
    // Everything but uploads is answered on the front door's connection threads, at most
    // `workers` handlers at once; tiny_http keeps the uploads (streamed multipart bodies).
    let front: Arc<dyn proxy::Dispatch> = Arc::new(super::front::Front::new(
        app.clone(),
        Box::new(super::handler(app.clone(), in_flight.clone())),
        workers,
    ));
    let _ = std::thread::Builder::new()
        .name("ticketd-accept".into())
        .spawn(move || proxy::run(public, backend, limits, front));
    let stop = Arc::new(AtomicBool::new(false));
    guard::spawn_probe(public_addr, stop.clone());
    install_signal_handlers();
    // Under continuous load rouille's poll loop may not return; this thread makes sure a
    // requested stop still happens once the requests in flight are done (30 s at most).
    let _ = std::thread::Builder::new().name("ticketd-stop".into()).spawn(move || {
        while !STOP.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("stopping: finishing requests in flight");
        // Done when no request is in a handler and no response byte moved for a second (a
        // download to a slow client keeps it waiting), 30 s at most.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut last = proxy::RELAYED.load(Ordering::Relaxed);
        let mut quiet_since = std::time::Instant::now();
        while std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            let now = proxy::RELAYED.load(Ordering::Relaxed);
            if now != last || !in_flight.is_empty() {
                last = now;
                quiet_since = std::time::Instant::now();
            } else if quiet_since.elapsed() >= Duration::from_millis(1000) {
                break;
            }
        }
        eprintln!("stopped");
        std::process::exit(0);
    });
    eprintln!("ticketd {} listening on http://{public_addr} ({workers} workers)", env!("CARGO_PKG_VERSION"));
    // Requests keep being taken (new ones get 503) until the stop thread above ends the
    // process; dropping the server instead would answer queued requests with tiny_http's 500.
    loop {
        server.poll_timeout(Duration::from_millis(100));
        if STOP.load(Ordering::SeqCst) {
            stop.store(true, Ordering::SeqCst);
        }
    }
}
