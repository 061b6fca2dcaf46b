//! Streaming uploads: `web::upload::read_upload` exactly as a handler calls it -- a fake
//! rouille request, a real `App` on a scratch database (tmpfs when there is one), the real
//! `Uploader` writing chunk rows -- with small limits so every cap is reached.
//!
//! Checked after every input: no panic; an accepted form kept within the file count and size
//! limits, its body ends with the closing boundary, and its stored names are clean; once the
//! `Uploader` is dropped without `keep()`, no attachment row is left behind.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ticketd::app::attachments::Uploader;
use ticketd::app::App;
use ticketd::config::{ByteSize, Config, HotlineMode};
use ticketd::model::AuthorKind;
use ticketd::web::upload::read_upload;

const MAX_FILE: u64 = 2048;
const MAX_REQUEST: u64 = 16 * 1024;
const MAX_FILES: usize = 3;
const FORM_LIMIT: u64 = 512;

fn scratch_dir() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    let base = if shm.is_dir() { shm } else { std::env::temp_dir() };
    base.join(format!("ticketd-fuzz-{}", std::process::id()))
}

extern "C" fn remove_scratch_dir() {
    let _ = std::fs::remove_dir_all(scratch_dir());
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        let dir = scratch_dir();
        // Scratch databases of earlier runs that crashed (their process is gone).
        if let Ok(entries) = std::fs::read_dir(dir.parent().expect("parent")) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix("ticketd-fuzz-") {
                    if !std::path::Path::new("/proc").join(pid).exists() {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        // libFuzzer ends with exit(): remove this run's database then.
        // SAFETY: registers a plain function without arguments.
        unsafe { libc::atexit(remove_scratch_dir) };
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let mut config = Config::default();
        config.database = dir.join("fuzz.db");
        config.security.bcrypt_cost = 4;
        config.hotline.mode = HotlineMode::Off;
        config.attachments.max_file_bytes = ByteSize(MAX_FILE);
        config.attachments.max_request_bytes = ByteSize(MAX_REQUEST);
        config.attachments.max_files_per_request = MAX_FILES;
        App::open(config).expect("scratch database")
    })
}

fn boundary_of(data: &[u8]) -> String {
    let first = data.split(|b| *b == b'\r' || *b == b'\n').next().unwrap_or(b"");
    match first.strip_prefix(b"--").map(std::str::from_utf8) {
        Some(Ok(b))
            if !b.is_empty() && b.len() <= 70 && b.bytes().all(|c| c.is_ascii_graphic() && c != b'"' && c != b';') =>
        {
            b.to_string()
        }
        _ => "XyZ".to_string(),
    }
}

fuzz_target!(|data: &[u8]| {
    let app = app();
    let boundary = boundary_of(data);
    let req = rouille::Request::fake_http(
        "POST",
        "/tickets/2026-00001/reply",
        vec![
            ("Content-Type".into(), format!("multipart/form-data; boundary={boundary}")),
            ("Content-Length".into(), data.len().to_string()),
        ],
        data.to_vec(),
    );
    {
        let mut up = Uploader::new(app, AuthorKind::Customer, "fuzz");
        match read_upload(&req, &app.config.attachments, FORM_LIMIT, &mut up) {
            Ok(form) => {
                assert!(data.len() as u64 <= MAX_REQUEST, "over the request cap, yet accepted");
                let closing = format!("--{boundary}--");
                assert!(
                    data.windows(closing.len()).any(|w| w == closing.as_bytes()),
                    "accepted without closing boundary"
                );
                let files = up.files();
                assert!(files.len() <= MAX_FILES, "{} files", files.len());
                for f in files {
                    assert!(f.size <= MAX_FILE, "file of {} bytes", f.size);
                    assert_eq!(ticketd::model::clean_file_name(&f.name), f.name);
                }
                let total: u64 = files.iter().map(|f| f.size).sum();
                assert!(total <= data.len() as u64);
                let _ = form.get("body");
            }
            Err(e) => {
                let status = e.status();
                assert!(status == 400 || status == 413 || status == 422, "status {status}");
            }
        }
    } // dropped without keep(): every pending row must go
    let conn = app.conn().expect("connection");
    let left: i64 = conn.query_row("SELECT count(*) FROM attachments", [], |r| r.get(0)).expect("count");
    let chunks: i64 = conn.query_row("SELECT count(*) FROM attachment_chunks", [], |r| r.get(0)).expect("count");
    assert_eq!((left, chunks), (0, 0), "rows left behind by a dropped Uploader");
});
