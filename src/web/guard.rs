//! Process-level protection: tracking requests in flight (for a graceful stop), raising the
//! descriptor limit, and a self-probe that notices when nothing answers on our port any more
//! (for example after descriptor exhaustion) and exits non-zero so the supervisor restarts us.
//! Per-connection limits live in the server, `web::http`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many requests are in our handler right now (a graceful stop waits for none). A counter:
/// a map of peers behind a mutex was taken twice per request, and on a busy core threads
/// waited for it.
#[derive(Default)]
pub struct InFlight {
    requests: AtomicUsize,
}

pub struct InFlightGuard<'a> {
    set: &'a InFlight,
}

impl InFlight {
    pub fn enter(&self) -> InFlightGuard<'_> {
        self.requests.fetch_add(1, Ordering::AcqRel);
        InFlightGuard { set: self }
    }

    pub fn is_empty(&self) -> bool {
        self.requests.load(Ordering::Acquire) == 0
    }
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.set.requests.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Raises the soft limit of open descriptors to the hard limit. std has no call for it and no
/// crate compiled in wraps it, so this is the one place that calls libc itself.
pub fn raise_fd_limit() -> Option<u64> {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `lim` is a live, initialised `rlimit` on our stack; getrlimit writes only into
    // it and keeps no pointer after returning.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return None;
    }
    if lim.rlim_cur < lim.rlim_max {
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: setrlimit only reads the `rlimit` we pass, which outlives the call; raising
        // the soft limit up to the hard one needs no privilege and touches no memory of ours.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
            return None;
        }
    }
    Some(lim.rlim_cur)
}

/// Caps glibc's malloc arenas at the number of CPUs we may run on (unless `MALLOC_ARENA_MAX`
/// says otherwise). glibc makes up to eight per core, and a thread per connection spread the
/// heap over all of them: in the mixed bench (many sessions, one core) `malloc` and `free` were
/// ~17 % of the CPU samples with the default, ~12 % with as many arenas as cores, and the
/// request's CPU time 148–151 → 128–132 µs (pairs of runs side by side). Threads still keep
/// their own cache of small chunks (tcache), which takes no lock. Call before the threads start.
pub fn limit_malloc_arenas(cores: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let n = libc::c_int::try_from(cores.max(1)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes a setting of the allocator, under its own lock; it reads
        // and writes no memory of ours.
        let _ = unsafe { libc::mallopt(libc::M_ARENA_MAX, n) };
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = cores;
}

/// Marks the calling thread as a batch thread for the kernel's scheduler (Linux `SCHED_BATCH`):
/// when its socket wakes it, it waits for the running request to finish (or to use up its time
/// slice) instead of cutting in. Every connection thread is one, so on a busy core a request
/// runs to its end: with wake-up preemption, dozens of requests were half done at once, each
/// holding a worker slot, and every finished request handed its slot to a parked waiter (a
/// futex wake and two context switches per request, the mixed bench's most frequent waits).
/// Best effort: where the call fails, the thread simply keeps the default policy.
pub fn batch_scheduling() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a live `sched_param` on our stack that the call only reads;
        // pid 0 is the calling thread, and SCHED_BATCH needs no privilege.
        let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) };
    }
}

/// How often freed heap memory goes back to the system.
const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Starts the thread that hands freed heap memory back to the system every few seconds.
/// glibc keeps what its arenas freed until the top of a heap is free: after a burst (a
/// thousand-activity ticket rendered on eight threads, 256 connections at once) the process
/// kept ~40 MiB it no longer used (`make bench`: idle RSS 17.8 MiB before the page rows,
/// 57 MiB after). `malloc_trim` releases the free pages inside the heaps too; what a later
/// burst needs is faulted in again. Other C libraries: nothing to do.
pub fn spawn_memory_trim(stop: Arc<AtomicBool>) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let spawned = std::thread::Builder::new().name("ticketd-trim".into()).stack_size(64 * 1024).spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(TRIM_EVERY);
                // SAFETY: malloc_trim takes the allocator's own locks and reads or writes no
                // memory of ours; it only returns free pages to the kernel.
                unsafe { libc::malloc_trim(0) };
            }
        });
        if let Err(e) = spawned {
            eprintln!("warning: cannot start the memory trim thread: {e}");
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = stop;
}

/// Starts the self-probe: three failed probes in a row end the process (exit 70) so the
/// supervisor restarts it. `stop` ends the probe.
pub fn spawn_probe(addr: SocketAddr, stop: Arc<AtomicBool>) {
    let port = addr.port();
    let _ = std::thread::Builder::new().name("ticketd-probe".into()).spawn(move || {
        let target = match addr.ip() {
            ip if ip.is_unspecified() => {
                if addr.is_ipv4() {
                    SocketAddr::from(([127, 0, 0, 1], port))
                } else {
                    SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port))
                }
            }
            _ => addr,
        };
        let mut failures = 0;
        let mut last_ok = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_secs(5));
            if stop.load(Ordering::Relaxed) {
                break;
            }
            if probe(target) {
                failures = 0;
                last_ok = Instant::now();
            } else {
                failures += 1;
                eprintln!("warning: self-probe of {target} failed ({failures} in a row)");
                if failures >= 3 {
                    eprintln!(
                        "fatal: the server stopped answering on {target} (last answer {}s ago); exiting so the supervisor restarts it",
                        last_ok.elapsed().as_secs()
                    );
                    std::process::exit(70);
                }
            }
        }
    });
}

/// The local port of the probe's connection in flight (0: none). Its requests are not logged:
/// they come from this process, which a client can neither claim nor hide behind.
static PROBE_PORT: AtomicU16 = AtomicU16::new(0);

/// The request came from our own self-probe.
pub fn is_probe(peer: &SocketAddr) -> bool {
    peer.ip().is_loopback() && peer.port() != 0 && PROBE_PORT.load(Ordering::Relaxed) == peer.port()
}

/// Any HTTP answer counts: a 503 from a broken database still means the listener lives.
fn probe(target: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&target, Duration::from_secs(3)) else { return false };
    PROBE_PORT.store(s.local_addr().map(|a| a.port()).unwrap_or(0), Ordering::Relaxed);
    let answered = ask(&mut s);
    PROBE_PORT.store(0, Ordering::Relaxed);
    answered
}

fn ask(s: &mut TcpStream) -> bool {
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(3)));
    if s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 12];
    matches!(s.read(&mut buf), Ok(n) if n >= 9 && buf.starts_with(b"HTTP/1."))
}
