//! One real `ticketd serve` per test: a temp dir, a config file with a free loopback port and
//! a temp database, accounts created through the CLI, stderr captured to a file, the process
//! killed on drop.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::http::{Client, Resp};

pub const BIN: &str = env!("CARGO_BIN_EXE_ticketd");

/// A customer account created before the server starts.
#[derive(Debug, Clone, Copy)]
pub struct CustomerSpec {
    pub number: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

pub const ANNA: CustomerSpec = CustomerSpec {
    number: "10012",
    name: "Anna Beispiel",
    email: "Anna.Beispiel@Example.com",
    password: "anna-geheim-2024",
};

pub const BERND: CustomerSpec =
    CustomerSpec { number: "20034", name: "Bernd Anders", email: "bernd@example.org", password: "birke-geheim-2024" };

/// An admin created with `ticketd admin create --password-stdin`.
#[derive(Debug, Clone, Copy)]
pub struct AdminSpec {
    pub username: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

pub const ADA: AdminSpec =
    AdminSpec { username: "ada", email: "ada@contractor.example", password: "lavendel-admin-passwort" };

#[derive(Debug, Clone)]
pub struct Builder {
    top: Vec<String>,
    security: Vec<String>,
    tables: Vec<String>,
    fast_bcrypt: bool,
    customers: Vec<CustomerSpec>,
    admins: Vec<AdminSpec>,
    /// A whole config file instead of the generated one; its `listen` and `database` lines
    /// are replaced.
    raw: Option<String>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// bcrypt cost 4, no accounts.
    pub fn new() -> Builder {
        Builder {
            top: Vec::new(),
            security: Vec::new(),
            tables: Vec::new(),
            fast_bcrypt: true,
            customers: Vec::new(),
            admins: Vec::new(),
            raw: None,
        }
    }

    /// Uses `ticketd.toml.example` verbatim except for `listen` and `database`.
    pub fn example_config() -> Builder {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ticketd.toml.example");
        let text = fs::read_to_string(&path).expect("read ticketd.toml.example");
        Builder { raw: Some(text), fast_bcrypt: false, ..Builder::new() }
    }

    /// A top-level key, e.g. `trusted_proxies = ["127.0.0.1"]`.
    pub fn top(mut self, line: &str) -> Builder {
        self.top.push(line.to_string());
        self
    }

    /// A key of `[security]`.
    pub fn security(mut self, line: &str) -> Builder {
        self.security.push(line.to_string());
        self
    }

    /// Further tables (`[portal]` …), verbatim; not `[security]`.
    pub fn toml(mut self, text: &str) -> Builder {
        self.tables.push(text.to_string());
        self
    }

    /// Keeps the built-in bcrypt cost.
    pub fn default_bcrypt_cost(mut self) -> Builder {
        self.fast_bcrypt = false;
        self
    }

    pub fn customer(mut self, c: CustomerSpec) -> Builder {
        self.customers.push(c);
        self
    }

    pub fn admin(mut self, a: AdminSpec) -> Builder {
        self.admins.push(a);
        self
    }

    fn config_text(&self, port: u16, db: &Path) -> String {
        if let Some(raw) = &self.raw {
            let mut seen = (false, false);
            let lines: Vec<String> = raw
                .lines()
                .map(|l| {
                    if l.starts_with("listen =") {
                        seen.0 = true;
                        format!("listen = \"127.0.0.1:{port}\"")
                    } else if l.starts_with("database =") {
                        seen.1 = true;
                        format!("database = {}", toml_string(&db.to_string_lossy()))
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            assert_eq!(seen, (true, true), "the raw config sets listen and database");
            return lines.join("\n") + "\n";
        }
        let mut s = format!("listen = \"127.0.0.1:{port}\"\ndatabase = {}\n", toml_string(&db.to_string_lossy()));
        for l in &self.top {
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("\n[security]\n");
        if self.fast_bcrypt {
            s.push_str("bcrypt_cost = 4\n");
        }
        // Tests log in admins and use admin pages without a second factor; tests/it/totp.rs
        // sets `require_2fa` itself.
        if !self.security.iter().any(|l| l.starts_with("require_2fa")) {
            s.push_str("require_2fa = \"off\"\n");
        }
        for l in &self.security {
            s.push_str(l);
            s.push('\n');
        }
        for t in &self.tables {
            s.push('\n');
            s.push_str(t);
            s.push('\n');
        }
        s
    }

    /// Writes the config and creates the accounts; the server is not started yet.
    pub fn prepare(self) -> Env {
        let dir = TempDir::new("srv");
        let env = Env {
            config_path: dir.path.join("ticketd.toml"),
            db_path: dir.path.join("t.db"),
            port: free_port(),
            dir,
            builder: self,
        };
        env.write_config();
        for c in env.builder.customers.clone() {
            env.cli_stdin(
                &["customer", "add", "--number", c.number, "--name", c.name, "--email", c.email, "--password-stdin"],
                &format!("{}\n", c.password),
            )
            .ok();
        }
        for a in env.builder.admins.clone() {
            env.cli_stdin(
                &["admin", "create", "--username", a.username, "--email", a.email, "--password-stdin"],
                &format!("{}\n", a.password),
            )
            .ok();
        }
        env
    }

    pub fn start(self) -> TestApp {
        self.prepare().start()
    }
}

/// The customer portal fixture: Anna and Bernd, fast hashing.
pub fn portal() -> TestApp {
    Builder::new().customer(ANNA).customer(BERND).start()
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

/// A directory under the system temp dir, removed on drop unless the test failed.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "ticketd-it-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("test files kept in {}", self.path.display());
        } else {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The output of one CLI run.
#[derive(Debug)]
pub struct CliOut {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl CliOut {
    #[track_caller]
    pub fn ok(&self) -> &CliOut {
        assert_eq!(self.code, Some(0), "command failed\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn failed(&self) -> &CliOut {
        assert!(
            matches!(self.code, Some(c) if c != 0),
            "expected a non-zero exit, got {:?}\nstdout: {}\nstderr: {}",
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs `ticketd` with these arguments and optional stdin; killed after `timeout`.
pub fn run_ticketd(args: &[&str], stdin: Option<&str>, timeout: Duration) -> CliOut {
    run_ticketd_env(args, stdin, &[], timeout)
}

/// As [`run_ticketd`], with extra environment variables.
pub fn run_ticketd_env(args: &[&str], stdin: Option<&str>, envs: &[(&str, &str)], timeout: Duration) -> CliOut {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("TICKETD_LISTEN")
        .env_remove("TICKETD_DATABASE")
        .envs(envs.iter().copied())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ticketd");
    if let Some(input) = stdin {
        let mut si = child.stdin.take().expect("stdin");
        si.write_all(input.as_bytes()).expect("write stdin");
    }
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let code = loop {
        match child.try_wait().expect("wait for ticketd") {
            Some(status) => break status.code(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    CliOut { code, stdout: t_out.join().unwrap_or_default(), stderr: t_err.join().unwrap_or_default() }
}

/// Files of one test: the config and the database, no server yet.
pub struct Env {
    pub dir: TempDir,
    pub config_path: PathBuf,
    pub db_path: PathBuf,
    pub port: u16,
    builder: Builder,
}

impl Env {
    fn write_config(&self) {
        fs::write(&self.config_path, self.builder.config_text(self.port, &self.db_path)).expect("write config");
    }

    /// `ticketd <args> --config <file>`.
    pub fn cli(&self, args: &[&str]) -> CliOut {
        let mut all: Vec<&str> = args.to_vec();
        let cfg = self.config_path.to_string_lossy().into_owned();
        all.extend(["--config", &cfg]);
        run_ticketd(&all, None, Duration::from_secs(60))
    }

    pub fn cli_stdin(&self, args: &[&str], stdin: &str) -> CliOut {
        let mut all: Vec<&str> = args.to_vec();
        let cfg = self.config_path.to_string_lossy().into_owned();
        all.extend(["--config", &cfg]);
        let out = run_ticketd(&all, Some(stdin), Duration::from_secs(60));
        out.ok();
        out
    }

    /// The crate as a library on the same config and database.
    pub fn library_app(&self) -> ticketd::app::App {
        let cfg = ticketd::config::Config::load(Some(&self.config_path)).expect("load config");
        ticketd::app::App::open(cfg).unwrap_or_else(|e| panic!("open app: {e}"))
    }

    /// Starts `ticketd serve` and waits for `/healthz`.
    pub fn start(self) -> TestApp {
        self.start_with_env(&[])
    }

    /// Starts the server with its clock `seconds` ahead (`TICKETD_TEST_CLOCK_OFFSET_SECONDS`,
    /// test-only, see `clock::now`): "days later" for follow-ups and auto-close.
    pub fn start_later(self, seconds: i64) -> TestApp {
        let offset = seconds.to_string();
        self.start_with_env(&[("TICKETD_TEST_CLOCK_OFFSET_SECONDS", &offset)])
    }

    /// Starts `ticketd serve` with extra environment variables.
    pub fn start_with_env(mut self, envs: &[(&str, &str)]) -> TestApp {
        let stderr_path = self.dir.path.join("server.log");
        for attempt in 0..5 {
            if attempt > 0 {
                self.port = free_port();
                self.write_config();
            }
            let log = fs::File::create(&stderr_path).expect("create server log");
            let child = Command::new(BIN)
                .args(["serve", "--config"])
                .arg(&self.config_path)
                .env_remove("TICKETD_LISTEN")
                .env_remove("TICKETD_DATABASE")
                .envs(envs.iter().copied())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .expect("spawn ticketd serve");
            let mut child = child;
            let addr: SocketAddr = ([127, 0, 0, 1], self.port).into();
            // Generous: a server whose config asks for bcrypt cost 15 hashes its first-start
            // admin password before it listens, which takes a minute on a loaded debug build.
            match wait_healthy(&mut child, addr, &stderr_path, Duration::from_secs(120)) {
                Ok(()) => return TestApp { child, addr, stderr_path, env: Some(self) },
                Err(log) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    if log.contains("cannot listen") {
                        continue;
                    }
                    panic!("ticketd serve did not come up:\n{log}");
                }
            }
        }
        panic!("no free port found for ticketd serve");
    }
}

/// A running server.
pub struct TestApp {
    child: Child,
    pub addr: SocketAddr,
    pub stderr_path: PathBuf,
    /// `None` only after [`TestApp::stop`].
    env: Option<Env>,
}

impl std::ops::Deref for TestApp {
    type Target = Env;
    fn deref(&self) -> &Env {
        self.env.as_ref().expect("server not stopped")
    }
}

impl TestApp {
    /// Ends the server; the files stay for another start.
    pub fn stop(mut self) -> Env {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.env.take().expect("server not stopped")
    }

    /// The exit status if the server process ended, without waiting.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("try_wait on the server")
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub fn client(&self) -> Client {
        Client::new(self.addr)
    }

    /// Logs in at `/login` with a fresh client; returns it with the answer to the POST.
    pub fn login(&self, login: &str, password: &str) -> (Client, Resp) {
        let mut c = self.client();
        let r = c.submit("/login", "/login", &[("login", login), ("password", password)]);
        (c, r)
    }

    /// A client logged in as this customer (asserts the 303).
    #[track_caller]
    pub fn customer(&self, login: &str, password: &str) -> Client {
        let (c, r) = self.login(login, password);
        r.expect_redirect("/tickets");
        assert!(c.cookie("ticketd_session").is_some(), "no session cookie after login");
        c
    }

    pub fn anna(&self) -> Client {
        self.customer(ANNA.number, ANNA.password)
    }

    pub fn bernd(&self) -> Client {
        self.customer(BERND.number, BERND.password)
    }

    /// Logs in at `/staff/login` with a fresh client.
    pub fn staff_login(&self, login: &str, password: &str) -> (Client, Resp) {
        let mut c = self.client();
        let r = c.submit("/staff/login", "/staff/login", &[("login", login), ("password", password)]);
        (c, r)
    }

    /// A client logged in as this staff member (asserts the 303 to the queue).
    #[track_caller]
    pub fn staff(&self, login: &str, password: &str) -> Client {
        let (c, r) = self.staff_login(login, password);
        r.expect_redirect("/staff/tickets");
        assert!(c.cookie("ticketd_session").is_some(), "no session cookie after the staff login");
        c
    }

    /// Ada, the admin of [`ADA`].
    #[track_caller]
    pub fn ada(&self) -> Client {
        self.staff(ADA.username, ADA.password)
    }
}

impl Env {
    /// A connection of our own to the server's database file (WAL: reading while it runs).
    pub fn db(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(&self.db_path).expect("open the database file");
        conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
        conn
    }

    /// `SELECT count(*) …` on the database file.
    #[track_caller]
    pub fn count(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// The first column of every row `sql` returns, as text.
#[track_caller]
pub fn strings(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = stmt.query_map([], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.collect::<rusqlite::Result<_>>().unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// An agent or admin as created through `/admin/staff`.
#[derive(Debug, Clone, Copy)]
pub struct StaffSpec {
    pub username: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub password: &'static str,
}

pub const BOB: StaffSpec = StaffSpec {
    username: "bob",
    name: "Bob Berater",
    email: "bob@contractor.example",
    role: "agent",
    password: "bambus-agent-passwort",
};

/// Submits the admin form for a new staff member; returns the answer, whatever it is.
pub fn submit_staff(admin: &mut Client, s: StaffSpec) -> Resp {
    admin.submit(
        "/admin/staff/new",
        "/admin/staff",
        &[
            ("username", s.username),
            ("name", s.name),
            ("email", s.email),
            ("role", s.role),
            ("active", "on"),
            ("password", s.password),
        ],
    )
}

/// Creates the staff member through the admin form (asserts the 303); returns the answer.
#[track_caller]
pub fn create_staff(admin: &mut Client, s: StaffSpec) -> Resp {
    let r = submit_staff(admin, s);
    r.expect_redirect(&format!("/admin/staff/{}", s.username));
    r
}

/// Creates the staff member through the admin form and logs them in.
#[track_caller]
pub fn add_staff(app: &TestApp, admin: &mut Client, s: StaffSpec) -> Client {
    create_staff(admin, s);
    app.staff(s.username, s.password)
}

pub fn staff_csrf(c: &mut Client) -> String {
    c.csrf_from("/staff/tickets", "/staff/logout")
}

/// Opens a ticket on behalf of a customer (`customer` = number, e-mail or unique name) with
/// these further fields; returns its number.
#[track_caller]
pub fn staff_ticket(c: &mut Client, customer: &str, subject: &str, body: &str, more: &[(&str, &str)]) -> String {
    let mut fields = vec![("customer", customer), ("subject", subject), ("body", body)];
    fields.extend_from_slice(more);
    let r = c.submit("/staff/tickets/new", "/staff/tickets", &fields);
    r.expect(303);
    let loc = r.location();
    let number =
        loc.strip_prefix("/staff/tickets/").unwrap_or_else(|| panic!("staff create redirected to {loc}")).to_string();
    assert!(is_ticket_no(&number), "not a ticket number: {number}");
    number
}

/// Posts the composer of a staff ticket page (kind, body, minutes, e-mail fields).
pub fn staff_activity(c: &mut Client, number: &str, fields: &[(&str, &str)]) -> Resp {
    c.submit(&format!("/staff/tickets/{number}"), &format!("/staff/tickets/{number}/activities"), fields)
}

/// Saves a customer's master data on the staff customer page (`active` unticked deactivates).
pub fn save_customer(staff: &mut Client, no: &str, name: &str, email: &str, active: bool) -> crate::http::Resp {
    let page = format!("/staff/customers/{no}");
    let mut fields = vec![("name", name), ("email", email), ("phone", "")];
    if active {
        fields.push(("active", "on"));
    }
    staff.submit(&page, &page, &fields)
}

/// Posts the status / priority / assignee form of a staff ticket page.
pub fn staff_update(c: &mut Client, number: &str, fields: &[(&str, &str)]) -> Resp {
    c.submit(&format!("/staff/tickets/{number}"), &format!("/staff/tickets/{number}"), fields)
}

/// The queue rows (`tr[data-ticket]`) of `/staff/tickets` with that query, and the page.
#[track_caller]
pub fn queue_rows(c: &mut Client, query: &str) -> (Vec<crate::html::Tag>, String) {
    ticket_rows(c, "/staff/tickets", query)
}

/// The numbers in the queue with that query, sorted.
#[track_caller]
pub fn queued(c: &mut Client, query: &str) -> Vec<String> {
    let mut v: Vec<String> = queue_rows(c, query).0.iter().map(|t| t.attr("data-ticket").to_string()).collect();
    v.sort();
    v
}

/// The activities of a ticket as staff see it.
#[track_caller]
pub fn staff_activities(c: &mut Client, number: &str) -> (Vec<crate::html::Tag>, String) {
    tags_of(c, &format!("/staff/tickets/{number}"), "data-activity-kind")
}

/// A small deterministic pseudo-random generator (64-bit LCG, Knuth's MMIX constants).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u32) -> u32 {
        self.next_u32() % n
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| (self.next_u32() >> 7) as u8).collect()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() && self.env.is_some() {
            let log = self.stderr();
            let tail: String = {
                let chars: Vec<char> = log.chars().collect();
                chars[chars.len().saturating_sub(4000)..].iter().collect()
            };
            eprintln!("--- server stderr (tail) ---\n{tail}\n---");
        }
    }
}

fn wait_healthy(child: &mut Child, addr: SocketAddr, log: &Path, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    let read_log = || fs::read_to_string(log).unwrap_or_default();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited with {status}: {}", read_log()));
        }
        // Only an answer our own server logged counts: with parallel tests another test's server
        // may hold the port (ours then fails to listen and exits, and the retry takes a new one).
        if health_ok(addr) && read_log().contains("GET /healthz") {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("no /healthz 200 in time: {}", read_log()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn health_ok(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    buf.starts_with(b"HTTP/1.1 200") || buf.starts_with(b"HTTP/1.0 200")
}

/// The current year in Europe/Berlin: the year of new ticket numbers.
pub fn berlin_year() -> i32 {
    let tz = time_tz_berlin();
    ticketd::clock::year_month(ticketd::clock::now(), tz).0
}

pub fn time_tz_berlin() -> &'static time_tz::Tz {
    let cfg = ticketd::config::Config::default();
    cfg.tz().expect("Europe/Berlin is known")
}

/// Opens a ticket through the portal form; returns its number.
#[track_caller]
pub fn create_ticket(c: &mut Client, subject: &str, body: &str, priority: &str) -> String {
    let r = c.submit("/tickets/new", "/tickets", &[("subject", subject), ("body", body), ("priority", priority)]);
    r.expect(303);
    let loc = r.location();
    let number = loc.strip_prefix("/tickets/").unwrap_or_else(|| panic!("create redirected to {loc}")).to_string();
    assert!(is_ticket_no(&number), "not a ticket number: {number}");
    number
}

/// `YYYY-NNNNN`.
pub fn is_ticket_no(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// The session's CSRF token, from the logout form every logged-in page carries.
#[track_caller]
pub fn session_csrf(c: &mut Client) -> String {
    let r = c.get("/account");
    r.expect(200);
    crate::html::form_csrf(&r.text(), "/logout").expect("logout form with csrf on /account")
}

/// The overview rows (`data-ticket` tags) of `/tickets` with that query.
#[track_caller]
pub fn overview_rows(c: &mut Client, query: &str) -> (Vec<crate::html::Tag>, String) {
    ticket_rows(c, "/tickets", query)
}

/// The ticket rows (`tr[data-ticket]`) of a list page with that query, and the page.
#[track_caller]
fn ticket_rows(c: &mut Client, base: &str, query: &str) -> (Vec<crate::html::Tag>, String) {
    let path = if query.is_empty() { base.to_string() } else { format!("{base}?{query}") };
    let (tags, text) = tags_of(c, &path, "data-ticket");
    (tags.into_iter().filter(|t| t.name == "tr").collect(), text)
}

/// The tags carrying `attr` on a page that must answer 200, and the page.
#[track_caller]
fn tags_of(c: &mut Client, path: &str, attr: &str) -> (Vec<crate::html::Tag>, String) {
    let r = c.get(path);
    r.expect(200);
    let text = r.text();
    (crate::html::with_attr(&text, attr), text)
}

/// The numbers listed in the overview with that query.
#[track_caller]
pub fn listed(c: &mut Client, query: &str) -> Vec<String> {
    let mut v: Vec<String> = overview_rows(c, query).0.iter().map(|t| t.attr("data-ticket").to_string()).collect();
    v.sort();
    v
}

/// The activities (`data-activity-kind` tags) of a ticket page.
#[track_caller]
pub fn activities(c: &mut Client, number: &str) -> (Vec<crate::html::Tag>, String) {
    tags_of(c, &format!("/tickets/{number}"), "data-activity-kind")
}

/// The attachment links of a page: (id, shown name), each id once, in page order.
pub fn attachment_links(page: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in crate::html::with_attr(page, "data-attachment") {
        if t.name != "a" {
            continue;
        }
        let id = t.attr("data-attachment").to_string();
        if !out.iter().any(|(i, _)| *i == id) {
            out.push((id, crate::html::text_after(page, &t)));
        }
    }
    out
}
