//! Starting the HTTP server: a fixed worker pool and `TCP_NODELAY`.
//!
//! tiny_http (under rouille) never sets `TCP_NODELAY`, so 2–30 KB responses stall ~40 ms on
//! Nagle + delayed ACK. rouille does not hand us its listening socket, but on Linux an accepted
//! socket inherits `TCP_NODELAY` from the listener: we find our own listening socket among the
//! process's file descriptors (by its local address) and set the option on it once.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::app::App;

pub struct Running {
    pub addr: SocketAddr,
}

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

/// Runs the server until the process ends.
pub fn serve(app: Arc<App>) -> Result<(), String> {
    let addr = app.config.listen_addr().map_err(|e| e.0)?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let workers = if app.config.workers == 0 { cores * 8 } else { app.config.workers };
    let server = rouille::Server::new(addr, super::handler(app.clone()))
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?
        .pool_size(workers);
    let bound = server.server_addr();
    if !set_nodelay_on_listener(bound) {
        eprintln!("warning: could not set TCP_NODELAY on the listening socket; pages may be slow");
    }
    eprintln!("ticketd {} listening on http://{bound} ({workers} workers)", env!("CARGO_PKG_VERSION"));
    server.run();
    Err("the listening socket closed".into())
}
