//! The command line. Wiring only: parse arguments, call `app`, print.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use crate::app::{bootstrap, sessions, App};
use crate::config::Config;
use crate::db;
use crate::demo;
use crate::error::Error;
use crate::model::Role;

const HELP: &str = "ticketd — customer ticket portal (one binary, one SQLite file)

Usage: ticketd [COMMAND] [OPTIONS]

Commands:
  serve                          run the portal (the default)
  admin create --username U --email E [--name N] [--password-stdin]
                                 create an admin; prints a generated password unless given on stdin
  admin reset-2fa --username U   remove U's two-factor enrolment (a locked-out admin enrols anew)
  customer add --number N --name NAME --email E [--phone P] [--password-stdin]
                                 create a customer; prints a generated password unless given on stdin
  contact add --customer N --name NAME --email E [--phone P] [--role member|manager] [--password-stdin]
                                 add a person of customer N with their own login by e-mail; without a
                                 password on stdin the contact has none until an invitation sets one
  customer import FILE [--dry-run] [--update] [--invite]
                                 import customers from a CSV file (`;` or `,`; UTF-8 or Windows-1252;
                                 columns Kundennummer/customer_no, Name, E-Mail, Telefon, Ansprechpartner
                                 as `Name <address>` separated by |): every error by line and nothing
                                 written, or all lines in one transaction; existing numbers only with
                                 --update; --invite mails new customers and contacts an invitation;
                                 exit 0 done (or a clean dry run), 1 errors
  demo [--customers N] [--tickets N] [--activities N] [--seed N]
                                 fill the database with realistic demo data and print the logins
  backup FILE                    consistent online copy of the database (works while serving)
  restore FILE                   verify a backup and copy it over the database (not while serving)
  check                          integrity and schema check; exit status 0 when healthy
  check --replica DIR|URL [--litestream BIN]
                                 restore a Litestream replica into a temporary directory (never the
                                 database) and check it: integrity, schema, attachments, newest write
  config show                    the effective configuration: each key, its value and its source
                                 (default, file, browser); secrets masked
  mail test ADDRESS              send a test e-mail through the [smtp] relay and print its answer
  mail receive                   import one e-mail from stdin (for an MTA pipe, fetchmail --mda, getmail);
                                 prints `reply N`, `new N`, `held ID` or `dropped REASON`;
                                 exit 0, 65 unreadable (or over 50 MB), 75 try again later

Options:
  --config FILE                  config file (default: built-in defaults)
  --version                      print the version
  --help                         print this help

Environment: TICKETD_LISTEN and TICKETD_DATABASE override `listen` and `database`.
";

struct Args {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

impl Args {
    fn parse(raw: Vec<String>) -> Result<Args, String> {
        const FLAGS: &[&str] =
            &["--password-stdin", "--help", "--version", "-h", "-V", "--dry-run", "--update", "--invite"];
        let mut positional = Vec::new();
        let mut options = Vec::new();
        let mut it = raw.into_iter();
        while let Some(a) = it.next() {
            if let Some((k, v)) = a.split_once('=').filter(|_| a.starts_with("--")) {
                options.push((k.to_string(), Some(v.to_string())));
            } else if FLAGS.contains(&a.as_str()) {
                options.push((a, None));
            } else if a.starts_with('-') && a.len() > 1 {
                let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                options.push((a, Some(v)));
            } else {
                positional.push(a);
            }
        }
        Ok(Args { positional, options })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(k, _)| k == name).and_then(|(_, v)| v.as_deref())
    }

    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(k, _)| k == name)
    }

    fn require(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("missing {name}"))
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, String> {
        match self.get(name) {
            Some(v) => v.parse().map_err(|_| format!("{name}: not a number: {v:?}")),
            None => Ok(default),
        }
    }

    /// Rejects options the command does not know, so a typo does not pass silently.
    fn only(&self, allowed: &[&str]) -> Result<(), String> {
        for (k, _) in &self.options {
            if k != "--config" && !allowed.contains(&k.as_str()) {
                return Err(format!("unknown option {k}"));
            }
        }
        Ok(())
    }
}

pub fn run(raw: Vec<String>) -> i32 {
    owner_only_umask();
    match run_inner(raw) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("ticketd: {msg}");
            2
        }
    }
}

/// Every file ticketd creates (database, WAL, SHM, lock, key, backups, uploads) is owner-only:
/// they hold password hashes, personal data and the audit log.
fn owner_only_umask() {
    // SAFETY: umask(2) only swaps the process's file-creation mask and cannot fail; it runs
    // first thing, before any thread that creates files is started.
    unsafe {
        libc::umask(0o077);
    }
}

/// Tightens files a looser umask created earlier (before this release, or by another tool),
/// saying which.
fn tighten(paths: &[PathBuf]) -> Result<(), String> {
    for (p, mode) in db::make_owner_only(paths)? {
        eprintln!("warning: {} was mode {mode:o}; made it 0600 (owner only)", p.display());
    }
    Ok(())
}

fn read_password_stdin() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin().take(4096).read_to_string(&mut s).map_err(|e| format!("cannot read password: {e}"))?;
    let pw = s.lines().next().unwrap_or("").to_string();
    if pw.is_empty() {
        return Err("no password on standard input".into());
    }
    Ok(pw)
}

fn describe(e: Error) -> String {
    match e {
        Error::Invalid(errs) => {
            let fields: Vec<String> = errs
                .fields()
                .map(|f| {
                    let err = errs.get(f).map(|e| {
                        let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        crate::i18n::Lang::En.f(e.msg, &args)
                    });
                    format!("{f}: {}", err.unwrap_or_default())
                })
                .collect();
            format!("invalid input: {}", fields.join("; "))
        }
        other => other.to_string().trim_start_matches("internal: ").to_string(),
    }
}

fn run_inner(raw: Vec<String>) -> Result<i32, String> {
    let args = Args::parse(raw)?;
    if args.has("--help") || args.has("-h") {
        print!("{HELP}");
        return Ok(0);
    }
    if args.has("--version") || args.has("-V") {
        println!("ticketd {}", env!("CARGO_PKG_VERSION"));
        return Ok(0);
    }
    let config_path = args.get("--config").map(PathBuf::from);
    let words: Vec<&str> = args.positional.iter().map(String::as_str).collect();
    let config = match Config::load(config_path.as_deref()) {
        Ok(c) => c,
        // An MTA keeps the message and retries on 75: nothing is lost while the config is fixed.
        Err(e) if words == ["mail", "receive"] => {
            eprintln!("ticketd: {e}");
            return Ok(EX_TEMPFAIL);
        }
        Err(e) => return Err(e.to_string()),
    };
    match words.as_slice() {
        [] | ["serve"] => {
            args.only(&[])?;
            serve(config)
        }
        ["admin", "create"] => admin_create(&args, config),
        ["admin", "reset-2fa"] => admin_reset_2fa(&args, config),
        ["customer", "add"] => customer_add(&args, config),
        ["contact", "add"] => contact_add(&args, config),
        ["customer", "import", file] => customer_import(&args, config, file),
        ["demo"] => demo_fill(&args, config),
        ["backup", file] => {
            args.only(&[])?;
            backup(&config, file)
        }
        ["restore", file] => {
            args.only(&[])?;
            restore(&config, file)
        }
        ["check"] if args.has("--replica") => {
            args.only(&["--replica", "--litestream"])?;
            check_replica(args.require("--replica")?, args.get("--litestream").unwrap_or("litestream"))
        }
        ["check"] => {
            args.only(&[])?;
            check(&config)
        }
        ["mail", "receive"] => {
            args.only(&[])?;
            Ok(mail_receive(config))
        }
        ["config", "show"] => {
            args.only(&[])?;
            config_show(config)
        }
        ["mail", "test", address] => {
            args.only(&[])?;
            mail_test(&config, address)
        }
        _ => Err(format!("unknown command {:?}; see ticketd --help", words.join(" "))),
    }
}

/// `ticketd config show`: `key = value  # source`, one a line.
fn config_show(config: Config) -> Result<i32, String> {
    let app = App::open(config).map_err(describe)?;
    for (key, value, source) in crate::app::settings::show(&app).map_err(describe)? {
        println!("{key} = {value:?}  # {}", source.as_str());
    }
    Ok(0)
}

fn admin_create(args: &Args, config: Config) -> Result<i32, String> {
    args.only(&["--username", "--email", "--name", "--password-stdin"])?;
    let app = App::open(config).map_err(describe)?;
    let password = if args.has("--password-stdin") { Some(read_password_stdin()?) } else { None };
    let username = args.require("--username")?;
    let input = bootstrap::NewStaffInput {
        username,
        name: args.get("--name").unwrap_or(username),
        email: args.require("--email")?,
        role: Role::Admin,
        password: password.as_deref(),
        actor: "cli",
        address: "",
    };
    // A password given on stdin was chosen by the operator: no forced change.
    let generated = bootstrap::create_staff(&app, &input).map_err(describe)?;
    match generated {
        Some(pw) => println!("admin {username} created; one-time password (change it at first login): {pw}"),
        None => println!("admin {username} created"),
    }
    Ok(0)
}

fn admin_reset_2fa(args: &Args, config: Config) -> Result<i32, String> {
    args.only(&["--username"])?;
    let app = App::open(config).map_err(describe)?;
    let username = args.require("--username")?;
    match crate::app::totp::reset(&app, username, "cli").map_err(describe)? {
        Some(true) => println!("two-factor sign-in of {username} removed; they enrol again at /staff/account/2fa"),
        Some(false) => println!("{username} had no two-factor enrolment; nothing removed"),
        None => return Err(format!("no staff account with the username {username}")),
    }
    Ok(0)
}

fn customer_add(args: &Args, config: Config) -> Result<i32, String> {
    args.only(&["--number", "--name", "--email", "--phone", "--password-stdin"])?;
    let app = App::open(config).map_err(describe)?;
    let password = if args.has("--password-stdin") { Some(read_password_stdin()?) } else { None };
    let number = args.require("--number")?;
    let input = bootstrap::NewCustomerInput {
        customer_no: number,
        name: args.require("--name")?,
        email: args.require("--email")?,
        phone: args.get("--phone").unwrap_or(""),
        password: password.as_deref(),
        actor: "cli",
        address: "",
    };
    let (_, generated) = bootstrap::create_customer(&app, &input).map_err(describe)?;
    match generated {
        Some(pw) => println!("customer {number} created; password: {pw}"),
        None => println!("customer {number} created"),
    }
    Ok(0)
}

/// `customer import FILE`: the report in English, one error per line.
fn customer_import(args: &Args, config: Config, file: &str) -> Result<i32, String> {
    use crate::app::import;
    args.only(&["--dry-run", "--update", "--invite"])?;
    let size = std::fs::metadata(file).map_err(|e| format!("{file}: {e}"))?.len();
    if size > import::MAX_BYTES {
        return Err(format!("{file}: {size} bytes; at most {} bytes are imported", import::MAX_BYTES));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let app = App::open(config).map_err(describe)?;
    let opts =
        import::Options { dry_run: args.has("--dry-run"), update: args.has("--update"), invite: args.has("--invite") };
    let who = import::Importer { actor: "cli", address: "" };
    let r = import::import(&app, &bytes, opts, &who).map_err(describe)?;
    let lang = crate::i18n::Lang::En;
    for c in &r.ignored_columns {
        println!("note: column {c:?} is not imported");
    }
    for e in &r.errors {
        match &e.column {
            Some(c) => println!("line {}: {c}: {}", e.line, e.text(lang)),
            None => println!("line {}: {}", e.line, e.text(lang)),
        }
    }
    let verb = if r.applied { "imported" } else { "would import" };
    println!(
        "{} line(s) ({}, separator {:?}): {verb} {} new, {} updated, {} unchanged, {} new contact(s), {} invitation(s)",
        r.rows, r.encoding, r.delimiter, r.created, r.updated, r.unchanged, r.contacts, r.invited
    );
    if !r.errors.is_empty() {
        println!("{} error(s): nothing was imported", r.errors.len());
        return Ok(1);
    }
    if opts.dry_run {
        println!("dry run: nothing was imported");
    }
    Ok(0)
}

fn contact_add(args: &Args, config: Config) -> Result<i32, String> {
    args.only(&["--customer", "--name", "--email", "--phone", "--role", "--password-stdin"])?;
    let app = App::open(config).map_err(describe)?;
    let password = if args.has("--password-stdin") { Some(read_password_stdin()?) } else { None };
    let number = args.require("--customer")?;
    let customer = match crate::app::people::customer_by_no(&app, number) {
        Err(crate::error::Error::NotFound) => return Err(format!("no customer with the number {number}")),
        other => other.map_err(describe)?,
    };
    let email = args.require("--email")?;
    let input = crate::app::people::ContactInput {
        name: args.require("--name")?,
        email,
        phone: args.get("--phone").unwrap_or(""),
        role: args.get("--role").unwrap_or("member"),
        language: None,
        password: password.as_deref(),
    };
    let id = crate::app::people::add_contact(&app, customer.id, &input, "cli", "").map_err(describe)?;
    match password {
        Some(_) => println!("contact {id} ({email}) of customer {number} created; they log in with their e-mail"),
        None => println!("contact {id} ({email}) of customer {number} created; no password yet (send an invitation)"),
    }
    Ok(0)
}

fn demo_fill(args: &Args, config: Config) -> Result<i32, String> {
    args.only(&["--customers", "--tickets", "--activities", "--seed"])?;
    let app = App::open(config).map_err(describe)?;
    let opts = demo::Options {
        customers: args.number("--customers", 12)?,
        tickets: args.number("--tickets", 150)?,
        activities: args.number("--activities", 0)?,
        seed: args.number("--seed", 42)? as u64,
    };
    let report = demo::fill(&app, &opts).map_err(describe)?;
    print!("{report}");
    Ok(0)
}

fn mail_test(config: &Config, address: &str) -> Result<i32, String> {
    let reply = crate::app::notify::send_test(config, address)?;
    println!("the relay accepted the message: {reply}");
    Ok(0)
}

/// sysexits(3): the message is unusable (the MTA bounces it) / try again later (it keeps it).
const EX_DATAERR: i32 = 65;
const EX_TEMPFAIL: i32 = 75;

/// `ticketd mail receive`: one message on stdin, one line on stdout. Reads at most
/// `MAX_RAW_BYTES` (a larger message is drained, not kept, and refused with 65).
fn mail_receive(config: Config) -> i32 {
    use crate::app::inbound::{self, MAX_RAW_BYTES};
    let mut raw = Vec::new();
    let mut stdin = std::io::stdin().lock();
    if let Err(e) = (&mut stdin).take(MAX_RAW_BYTES as u64 + 1).read_to_end(&mut raw) {
        eprintln!("ticketd: cannot read the message from stdin: {e}");
        return EX_TEMPFAIL;
    }
    if raw.len() > MAX_RAW_BYTES {
        let _ = std::io::copy(&mut stdin, &mut std::io::sink());
        eprintln!("ticketd: the message is larger than {} MB; refused", MAX_RAW_BYTES / (1024 * 1024));
        return EX_DATAERR;
    }
    let app = match App::open(config) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("ticketd: {}", describe(e));
            return EX_TEMPFAIL;
        }
    };
    match inbound::import(&app, &raw) {
        Ok(outcome) => {
            println!("{outcome}");
            0
        }
        Err(e @ (Error::BadRequest(_) | Error::TooLarge(_))) => {
            eprintln!("ticketd: {}", describe(e));
            EX_DATAERR
        }
        // Busy, locked, unavailable — and anything unexpected: the MTA keeps the message.
        Err(e) => {
            eprintln!("ticketd: {}", describe(e));
            EX_TEMPFAIL
        }
    }
}

/// A database that cannot even be opened: say so, and that it was left as it is.
fn damaged(config: &Config, e: Error) -> String {
    format!(
        "{} cannot be used: {}; it was left unchanged (restore a backup with `ticketd restore FILE`)",
        config.database.display(),
        describe(e)
    )
}

fn serve(config: Config) -> Result<i32, String> {
    let _lock = db::lock_for_server(&config.database)?;
    let app = App::open(config.clone()).map_err(|e| match e {
        Error::Internal(ref m) if m.contains("newer ticketd") || m.contains("hotline key") => describe(e),
        e if !config.database.exists() => describe(e),
        e => damaged(&config, e),
    })?;
    tighten(&db::files_of(&config.database))?;
    replication_warning(&config);
    match bootstrap::ensure_first_admin(&app).map_err(describe)? {
        Some(bootstrap::FirstAdmin::Created(pw)) => {
            eprintln!("first start: created the admin account \"admin\" with the one-time password: {pw}");
            eprintln!(
                "log in at /staff/login within {} hours; you will be asked to choose a new password",
                bootstrap::FIRST_PASSWORD_HOURS
            );
        }
        Some(bootstrap::FirstAdmin::Renewed(pw)) => {
            eprintln!(
                "the first start's one-time password of \"admin\" was not used within {} hours; the new one-time password: {pw}",
                bootstrap::FIRST_PASSWORD_HOURS
            );
            eprintln!("log in at /staff/login; you will be asked to choose a new password");
        }
        None => {}
    }
    if app.config().limits.page_cache_mb.is_some() {
        eprintln!("warning: [limits] page_cache_mb is no longer used (pages are rendered every time); remove it");
    }
    for (label, value) in crate::web::assets::contrast_warnings(&app.config()) {
        eprintln!("warning: {label}: {value}");
    }
    let _ = sessions::purge_expired(&app);
    match crate::app::attachments::cleanup_pending(&app) {
        Ok(0) => {}
        Ok(n) => eprintln!("removed {n} unfinished upload(s) from an earlier run"),
        Err(e) => eprintln!("warning: could not remove unfinished uploads: {e}"),
    }
    if app.config().smtp.is_some() && app.config().base_url.is_none() {
        eprintln!("warning: [smtp] is set but base_url is not: e-mails cannot link to the portal");
    }
    let app = Arc::new(app);
    // Made now, beside the start (a bcrypt hash: ~80 ms that the first page need not wait
    // for), so the first login of an unknown account takes no longer than later ones: a login
    // that comes sooner waits on the same `OnceLock`.
    let warm = Arc::clone(&app);
    let _ = std::thread::Builder::new().name("ticketd-dummy-hash".into()).spawn(move || {
        warm.dummy_hash();
    });
    crate::web::server::serve(app)?;
    Ok(0)
}

fn backup(config: &Config, file: &str) -> Result<i32, String> {
    let target = PathBuf::from(file);
    if target.exists() {
        return Err(format!("{file} exists already; choose a new file name"));
    }
    let conn = db::open(&config.database).map_err(describe)?;
    let problems = db::backup_into(&conn, &target)?;
    tighten(std::slice::from_ref(&target))?;
    if !problems.is_empty() {
        return Err(format!("the backup does not verify: {}", problems.join("; ")));
    }
    println!("backup written to {file} and verified");
    Ok(0)
}

fn restore(config: &Config, file: &str) -> Result<i32, String> {
    let backup = PathBuf::from(file);
    if !backup.is_file() {
        return Err(format!("no backup file at {file}"));
    }
    let _lock = db::lock_for_server(&config.database).map_err(|e| format!("{e}; stop it before restoring"))?;
    db::restore_from(&backup, &config.database)?;
    tighten(&db::files_of(&config.database))?;
    println!("restored {} from {file} and verified", config.database.display());
    Ok(0)
}

fn check(config: &Config) -> Result<i32, String> {
    if !config.database.exists() {
        return Err(format!("no database at {}", config.database.display()));
    }
    let conn = db::open(&config.database).map_err(|e| damaged(config, e))?;
    let problems = db::check(&conn).map_err(|e| damaged(config, e))?;
    let mut files = db::files_of(&config.database);
    files.push(config.hotline_key_path());
    for (p, mode) in db::loose_modes(&files) {
        eprintln!("warning: {} is mode {mode:o}, readable by others; run `chmod 600 {}`", p.display(), p.display());
    }
    if problems.is_empty() {
        println!("ok: {} (schema version {})", config.database.display(), db::latest_version());
        Ok(0)
    } else {
        for p in &problems {
            eprintln!("{p}");
        }
        Ok(1)
    }
}

/// Litestream keeps its position beside the database; a server that finds it there but was not
/// told (`replication = "litestream"`) still works, only its checkpoints compete with Litestream's.
fn replication_warning(config: &Config) {
    let dir = db::replication::litestream_dir(&config.database);
    if config.replication == crate::config::Replication::Off && dir.is_dir() {
        eprintln!(
            "warning: {} exists: Litestream replicates this database; set replication = \"litestream\" \
             so that ticketd leaves checkpoints to it (docs/deploy.md)",
            dir.display()
        );
    }
}

/// `ticketd check --replica`: `litestream restore` into a new temporary directory, then the
/// checks of `ticketd check` on that copy. Reads the replica only; the configured database is
/// not opened at all.
fn check_replica(source: &str, litestream: &str) -> Result<i32, String> {
    let url = if source.contains("://") {
        source.to_string()
    } else {
        let dir = std::fs::canonicalize(source).map_err(|e| format!("replica {source}: {e}"))?;
        format!("file://{}", dir.display())
    };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let tmp = std::env::temp_dir().join(format!("ticketd-replica-check-{}-{nanos}", std::process::id()));
    std::fs::create_dir(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let result = check_restored(&url, litestream, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn check_restored(url: &str, litestream: &str, tmp: &std::path::Path) -> Result<i32, String> {
    let copy = tmp.join("ticketd.db");
    let started = std::time::Instant::now();
    let out = std::process::Command::new(litestream)
        .arg("restore")
        .arg("-o")
        .arg(&copy)
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run {litestream} (install Litestream or pass --litestream BIN): {e}"))?;
    if !out.status.success() || !copy.is_file() {
        return Err(format!(
            "litestream restore from {url} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let restore_secs = started.elapsed().as_secs_f64();
    let conn = db::open(&copy).map_err(describe)?;
    let problems = db::check(&conn).map_err(describe)?;
    let s = db::replication::summary(&conn).map_err(describe)?;
    let newest = match s.newest_activity {
        Some(t) => {
            let now = crate::clock::now();
            format!("newest activity {} s old", (now - t).max(0))
        }
        None => "no activities".into(),
    };
    println!(
        "replica {url}: restored in {restore_secs:.1} s; {} tickets, {} activities, {} attachments; {newest}",
        s.tickets, s.activities, s.attachments
    );
    let mut problems = problems;
    if s.incomplete_attachments > 0 {
        problems.push(format!("attachments: {} complete file(s) with missing content", s.incomplete_attachments));
    }
    if problems.is_empty() {
        println!("ok: replica (schema version {})", db::latest_version());
        Ok(0)
    } else {
        for p in &problems {
            eprintln!("{p}");
        }
        Ok(1)
    }
}
