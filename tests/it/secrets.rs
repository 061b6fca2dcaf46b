//! Secrets at rest and on the wire: what a failed login leaves in the audit log, the database
//! dump, the cookies over HTTPS and the lockouts by e-mail address.

use crate::harness::{Builder, ADA, ANNA};

/// Every text (and blob) value of every table, as read with rusqlite.
fn dump(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{t}\"")) else { continue };
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        out.push((t.clone(), String::from_utf8_lossy(b).into_owned()))
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[test]
fn a_password_typed_as_login_name_is_kept_nowhere() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    const TYPED: &str = "Verschrieben-Geheim-4711";
    assert_eq!(app.login(TYPED, "egal-was").1.status, 422);
    assert_eq!(app.staff_login(TYPED, "egal-was").1.status, 422);
    // A wrong password for a known account names the account.
    assert_eq!(app.login(ANNA.number, TYPED).1.status, 422);
    let mut ada = app.ada();
    let audit = ada.get("/admin/audit").text();
    assert!(!audit.contains(TYPED), "the audit page shows the typed text");
    let conn = app.db();
    for (table, value) in dump(&conn) {
        assert!(!value.contains(TYPED), "{table} keeps the typed text: {value}");
        assert!(!value.to_lowercase().contains(&TYPED.to_lowercase()), "{table} keeps the typed text: {value}");
    }
    let targets: Vec<String> = conn
        .prepare("SELECT target FROM audit_log WHERE action = 'login.failed' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(targets.len(), 3, "{targets:?}");
    assert!(targets[0].starts_with("unknown:") && targets[1].starts_with("unknown:"), "{targets:?}");
    assert_ne!(targets[0], targets[1], "the realm is part of the hash");
    assert_eq!(targets[2], format!("customer:{}", ANNA.number));
}

#[test]
fn the_same_unknown_name_carries_the_same_hash_and_customer_logins_are_audited() {
    let app = Builder::new().admin(ADA).customer(ANNA).start();
    for login in ["niemand@example.org", " Niemand@Example.org", "jemand@example.org"] {
        assert_eq!(app.login(login, "falsch-falsch").1.status, 422);
    }
    let conn = app.db();
    let targets: Vec<String> = conn
        .prepare("SELECT target FROM audit_log WHERE action = 'login.failed' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(targets.len(), 3);
    assert_eq!(targets[0], targets[1], "one name, one hash");
    assert_ne!(targets[0], targets[2]);
    assert!(targets.iter().all(|t| t.starts_with("unknown:") && !t.contains("example")), "{targets:?}");
    let _anna = app.anna();
    let who: String = conn
        .query_row("SELECT actor FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(who, format!("customer:{}", ANNA.number));
}
