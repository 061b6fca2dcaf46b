//! The layering of `src/`, checked by reading the source: every `crate::X` path (in `use` lines
//! and in code) and every `super::` that climbs out of its top-level module is an edge from the
//! file's top-level module to `X`, and must be in [`ALLOWED`]. ARCHITECTURE.md states the same
//! rules as absences; this test keeps them true.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Which top-level modules each top-level module may name. `*` allows everything (wiring).
/// Read it bottom-up: `web → app → db`, and everything may use the vocabulary below.
const ALLOWED: &[(&str, &[&str])] = &[
    // Wiring: the command line and the crate root see everything.
    ("lib", &["*"]),
    ("main", &["*"]),
    ("cli", &["*"]),
    // HTTP: the only module that knows rouille. Never `db` (it asks `app`) or `mail`.
    ("web", &["app", "views", "auth", "config", "assets", "model", "sync", "i18n", "clock", "error"]),
    // Use-cases: the transactions; renders mail through `views`. Never `web`.
    ("app", &["db", "views", "mail", "auth", "config", "assets", "zip", "model", "sync", "i18n", "clock", "error"]),
    // HTML and mail text: pure functions of plain data.
    ("views", &["model", "i18n", "clock", "error"]),
    // All SQL. Never `app`, `web`, `views`, `mail` or `config`.
    ("db", &["model", "sync", "i18n", "clock", "error"]),
    // E-mail through lettre; owns the `[smtp]` shape. Never `config`: `config` embeds mail's.
    ("mail", &["model", "i18n", "clock", "error"]),
    // Embedded files and the theme built from `[portal]`; no HTTP.
    ("assets", &["config", "model", "i18n", "clock", "error"]),
    // Passwords, tokens, the hotline key.
    ("auth", &["model", "sync", "i18n", "clock", "error"]),
    ("zip", &["error"]),
    // `ticketd demo`: fills the database like a use-case, through `app` and `db`; only `cli` calls it.
    ("demo", &["app", "db", "auth", "config", "model", "i18n", "clock", "error"]),
    // Locks that outlive a panic; used by every layer that keeps state across requests.
    ("sync", &[]),
    // Settings: read by everyone above; embeds and checks mail's `[smtp]`, else only vocabulary.
    ("config", &["mail", "model", "i18n", "clock", "error"]),
    // The vocabulary: no I/O, below everything that does any.
    ("model", &["i18n", "clock", "error"]),
    ("error", &["i18n"]),
    ("clock", &["i18n"]),
    ("i18n", &[]),
];

#[derive(Debug, PartialEq)]
struct Edge {
    line: usize,
    to: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/web/form.rs` → `["web", "form"]`; `src/web/mod.rs` → `["web"]`; `src/lib.rs` → `["lib"]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_string();
    }
    if parts.len() > 1 && parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The source with comments removed and string and character literals emptied, so that only
/// code is searched; line breaks are kept for the line numbers.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !b[..i].last().is_some_and(|p| is_ident(*p)) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                if b[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j + close.len();
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if b.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1f}'), else a lifetime or label.
            if next == Some('\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                out.push_str("' '");
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifiers at the top of a `{…}` group: `{db, web::form::{Form, url_encode}}` →
/// `db`, `web`.
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_start = true;
    let mut ident = String::new();
    for c in s.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth > 1 {
                    at_start = false;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                if !ident.is_empty() {
                    heads.push(std::mem::take(&mut ident));
                }
                at_start = true;
            }
            c if depth == 1 && at_start && is_ident(c) => ident.push(c),
            _ if depth == 1 && at_start && !ident.is_empty() => {
                heads.push(std::mem::take(&mut ident));
                at_start = false;
            }
            _ => {}
        }
    }
    if !ident.is_empty() {
        heads.push(ident);
    }
    heads
}

fn ident_at(s: &str) -> String {
    s.chars().take_while(|c| is_ident(*c)).collect()
}

/// Every edge out of a file: `crate::X…`, `crate::{X, Y…}`, and `super::…` that leaves the
/// file's top-level module (counting inline `mod x { … }` blocks such as `mod tests`).
fn edges(module: &[String], src: &str) -> Vec<Edge> {
    let code = code_only(src);
    let line_of = |pos: usize| code[..pos].matches('\n').count() + 1;
    let mut out = Vec::new();
    // Brace depth, and the depths at which the inline modules around us opened.
    let mut depth = 0usize;
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut mod_pending = false;
    let mut prev_ident = String::new();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let before = code[..i].chars().next_back();
        let boundary = !before.is_some_and(|c| is_ident(c) || c == '$' || c == ':');
        if boundary && rest.starts_with("crate::") {
            let after = &rest["crate::".len()..];
            let to = if after.starts_with('{') { group_heads(after) } else { vec![ident_at(after)] };
            out.extend(to.into_iter().map(|to| Edge { line: line_of(i), to }));
            i += "crate::".len();
            continue;
        }
        if boundary && rest.starts_with("super::") {
            let mut after = rest;
            let mut up = 0;
            while let Some(r) = after.strip_prefix("super::") {
                up += 1;
                after = r;
            }
            // From inside the file's own inline modules, the first steps stay in the file; then
            // each step leaves one level of `module`; the last one lands in the crate root.
            let levels = module.len() + inline_mods.len();
            if up == levels {
                let to = if after.starts_with('{') { group_heads(after) } else { vec![ident_at(after)] };
                out.extend(to.into_iter().map(|to| Edge { line: line_of(i), to }));
            }
            i += rest.len() - after.len();
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if is_ident(c) && !before.is_some_and(is_ident) {
            let word = ident_at(rest);
            mod_pending = prev_ident == "mod";
            prev_ident = word.clone();
            i += word.len();
            continue;
        }
        match c {
            '{' => {
                depth += 1;
                if mod_pending {
                    inline_mods.push(depth);
                }
            }
            '}' => {
                if inline_mods.last() == Some(&depth) {
                    inline_mods.pop();
                }
                depth = depth.saturating_sub(1);
            }
            c if c.is_whitespace() => {}
            _ => {}
        }
        if !c.is_whitespace() {
            mod_pending = false;
            prev_ident.clear();
        }
        i += c.len_utf8();
    }
    out
}

fn allowed(from: &str, to: &str) -> Option<bool> {
    let (_, list) = ALLOWED.iter().find(|(m, _)| *m == from)?;
    Some(from == to || list.contains(&"*") || list.contains(&to))
}

/// Every forbidden edge in `src/`, as `file:line: from → to (use …)` lines.
fn violations() -> Vec<String> {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        let module = module_path(rel);
        let from = module[0].as_str();
        let src = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = src.lines().collect();
        for e in edges(&module, &src) {
            let shown = format!("src/{}:{}", rel.display(), e.line);
            match allowed(from, &e.to) {
                Some(true) => {}
                Some(false) => bad.push(format!(
                    "{shown}: `{from}` must not import `{}` ({})",
                    e.to,
                    lines.get(e.line - 1).map(|l| l.trim()).unwrap_or("")
                )),
                None => {
                    bad.push(format!("{shown}: `{from}` has no row in the table of allowed edges (tests/it/layers.rs)"))
                }
            }
        }
    }
    bad
}

#[test]
fn imports_follow_the_layers() {
    let bad = violations();
    assert!(
        bad.is_empty(),
        "{} import(s) against the layering (table in tests/it/layers.rs, rules in ARCHITECTURE.md):\n  {}\n",
        bad.len(),
        bad.join("\n  ")
    );
}

#[test]
fn every_top_level_module_has_a_row_and_every_row_a_module() {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeSet<String> =
        files.iter().map(|f| module_path(f.strip_prefix(&root).unwrap())[0].clone()).collect();
    let rows: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(modules, rows, "tests/it/layers.rs: the table of allowed edges and src/ disagree");
    for (m, list) in ALLOWED {
        for to in *list {
            assert!(*to == "*" || rows.contains(*to), "row {m}: unknown module {to}");
        }
    }
}

#[test]
fn the_reader_finds_every_kind_of_edge() {
    let web_form = ["web".to_string(), "form".to_string()];
    let views = ["views".to_string()];
    let check = |module: &[String], src: &str, want: &[(usize, &str)]| {
        let got: Vec<(usize, String)> = edges(module, src).into_iter().map(|e| (e.line, e.to)).collect();
        let want: Vec<(usize, String)> = want.iter().map(|(l, t)| (*l, t.to_string())).collect();
        assert_eq!(got, want, "{src}");
    };
    check(&views, "use crate::web::form::Form;", &[(1, "web")]);
    check(&views, "use crate::{db, web::form::{Form, url_encode}};", &[(1, "db"), (1, "web")]);
    check(&views, "use crate::{\n    db::tickets,\n    model,\n};", &[(1, "db"), (1, "model")]);
    check(&views, "fn f() { crate::app::tickets::x(); }", &[(1, "app")]);
    // `super::` from `src/views/mod.rs` leaves `views`; from a file below it stays inside.
    check(&views, "use super::web;", &[(1, "web")]);
    check(&web_form, "use super::http;", &[]);
    check(&web_form, "use super::super::db::x;", &[(1, "db")]);
    check(&web_form, "mod tests { use super::*; }", &[]);
    check(
        &views,
        "#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::web;\n}\nuse super::db;",
        &[(4, "web"), (6, "db")],
    );
    check(&views, "pub mod m { use super::Msg; }", &[]);
    // Comments, strings and characters are not code.
    check(&views, "// use crate::web;\n/* crate::db */ let s = \"crate::app\"; let c = '\"';", &[]);
    check(&views, "let s = r#\"crate::app\"#; fn f<'a>(x: &'a str) {}\nuse crate::web;", &[(2, "web")]);
    check(&views, "use ticketd_crate::web; m!($crate::web);", &[]);
}
