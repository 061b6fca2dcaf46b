//! The customer's own data as a ZIP: `account.json`, `tickets.json` (tickets with their visible
//! activities and file metadata) and the files themselves. Internal activities and their files
//! are never included. The archive is streamed; only the JSON is built in memory.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::app::attachments;
use crate::app::App;
use crate::clock;
use crate::db::attachments as adb;
use crate::db::tickets as tdb;
use crate::error::{Error, Result};
use crate::model::{clean_file_name, Activity, Attachment, Customer, KindFilter, TicketQuery};
use crate::zip::{Opener, ZipStream};

#[derive(Serialize)]
struct Account<'a> {
    customer_no: &'a str,
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    created_at: String,
    exported_at: String,
    /// The person who exported, when a contact: their own data (their tickets only follow).
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<ContactOut<'a>>,
}

#[derive(Serialize)]
struct ContactOut<'a> {
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    role: &'static str,
}

#[derive(Serialize)]
struct File {
    name: String,
    path: String,
    size: i64,
    media_type: String,
    sha256: String,
}

#[derive(Serialize)]
struct ActivityOut {
    kind: &'static str,
    author: String,
    created_at: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_value: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<File>,
}

#[derive(Serialize)]
struct TicketOut {
    number: String,
    subject: String,
    status: &'static str,
    priority: &'static str,
    created_at: String,
    last_activity_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<i64>,
    fields: BTreeMap<String, String>,
    activities: Vec<ActivityOut>,
}

/// A stored file that goes into the archive.
struct FileEntry {
    /// Where it lands in the archive.
    path: String,
    id: i64,
    size: u64,
}

/// Builds the archive for a customer; the files are read only while it is sent.
pub fn customer_archive(app: &App, customer: &Customer) -> Result<ZipStream> {
    let (tickets, files) = tickets_out(app, customer)?;
    let now = clock::now();
    let account = Account {
        customer_no: &customer.customer_no,
        name: &customer.name,
        email: &customer.email,
        phone: &customer.phone,
        created_at: clock::rfc3339(customer.created_at),
        exported_at: clock::rfc3339(now),
        contact: customer.contact.as_ref().map(|p| ContactOut {
            name: &p.name,
            email: &p.email,
            phone: &p.phone,
            role: p.role.as_str(),
        }),
    };
    let json = |v: &dyn erased::Json| v.to_vec().map_err(|e| Error::internal("export json", e));
    let account_json = json(&account)?;
    let tickets_json = json(&tickets)?;
    let bytes =
        |b: Vec<u8>| -> Opener { Box::new(move || Ok(Box::new(std::io::Cursor::new(b)) as Box<dyn Read + Send>)) };
    let (a_len, t_len) = (account_json.len() as u64, tickets_json.len() as u64);
    let mut entries: Vec<(String, u64, Opener)> =
        vec![("account.json".into(), a_len, bytes(account_json)), ("tickets.json".into(), t_len, bytes(tickets_json))];
    let db_path = app.pool.path().to_path_buf();
    for FileEntry { path, id, size } in files {
        let db_path = db_path.clone();
        let open: Opener = Box::new(move || {
            attachments::reader(&db_path, id, size)
                .map(|r| Box::new(r) as Box<dyn Read + Send>)
                .map_err(|e| std::io::Error::other(e.to_string()))
        });
        entries.push((path, size, open));
    }
    Ok(ZipStream::new(entries, now))
}

/// The customer's tickets, oldest first, with what the customer sees of them; and the files
/// the archive carries beside them.
fn tickets_out(app: &App, customer: &Customer) -> Result<(Vec<TicketOut>, Vec<FileEntry>)> {
    let scope = customer.scope();
    let show_time = app.config().portal.show_time_spent;
    let conn = app.conn()?;
    let all = TicketQuery { page: 1, page_size: usize::MAX / 2, ..TicketQuery::default() };
    let page = tdb::list(&conn, scope, &all)?;
    let mut tickets = Vec::new();
    let mut files = Vec::new();
    for t in page.rows.iter().rev() {
        let ticket_files = adb::list_for_ticket(&conn, t.id, scope)?;
        let activities = tdb::activities(&conn, t.id, scope, KindFilter::All)?
            .into_iter()
            .map(|a| {
                let mine: Vec<&Attachment> = ticket_files.iter().filter(|f| f.activity_id == Some(a.id)).collect();
                activity_out(a, &t.number, &mine, show_time, &mut files)
            })
            .collect();
        tickets.push(TicketOut {
            number: t.number.clone(),
            subject: t.subject.clone(),
            status: t.status.as_str(),
            priority: t.priority.as_str(),
            created_at: clock::rfc3339(t.created_at),
            last_activity_at: clock::rfc3339(t.last_activity_at),
            minutes: show_time.then_some(t.minutes),
            fields: page.fields.get(&t.id).cloned().unwrap_or_default().into_iter().collect(),
            activities,
        });
    }
    Ok((tickets, files))
}

/// One activity of ticket `number` with its `attached` files, which join `files`.
fn activity_out(
    a: Activity,
    number: &str,
    attached: &[&Attachment],
    show_time: bool,
    files: &mut Vec<FileEntry>,
) -> ActivityOut {
    let mut list = Vec::new();
    for f in attached {
        let path = format!("files/{number}/{}-{}", f.id, clean_file_name(&f.file_name));
        files.push(FileEntry { path: path.clone(), id: f.id, size: f.size.max(0) as u64 });
        list.push(File {
            name: f.file_name.clone(),
            path,
            size: f.size,
            media_type: f.media_type.clone(),
            sha256: f.sha256.clone().unwrap_or_default(),
        });
    }
    ActivityOut {
        kind: a.kind.as_str(),
        author: a.author_name,
        created_at: clock::rfc3339(a.created_at),
        body: a.body,
        minutes: (show_time && a.minutes > 0).then_some(a.minutes),
        email_from: a.email_from,
        email_to: a.email_to,
        email_subject: a.email_subject,
        old_value: a.old_value,
        new_value: a.new_value,
        files: list,
    }
}

mod erased {
    /// Pretty JSON of anything serialisable, behind one object-safe trait.
    pub trait Json {
        fn to_vec(&self) -> serde_json::Result<Vec<u8>>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_vec(&self) -> serde_json::Result<Vec<u8>> {
            serde_json::to_vec_pretty(self)
        }
    }
}
