//! Tickets, their activities, custom field values and the search index.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection, Row, ToSql};

use super::OptionalExt;
use crate::error::Result;
use crate::model::{
    month_key, Activity, ActivityFields, ActivityKind, ActivityRef, ActivityRows, ActivityRowsBuilder, AuthorKind,
    Deferral, KindFilter, ListRead, Priority, Scope, Sort, SortKey, StaffMember, Status, StatusFilter, SummaryRef,
    SummaryRows, TicketDetail, TicketPage, TicketQuery, TicketSummary, TimeEntry,
};

/// The columns of [`Counters`], in the order of its fields.
macro_rules! counter_columns {
    () => {
        "activity_count, last_activity_at, last_activity_kind, last_activity_by, minutes, staff_activity_count,
         staff_last_activity_at, customer_activity_at"
    };
}

/// Hands out the next number of a year's sequence. Never returns a number twice, even if the
/// ticket that got it is later rolled back with its transaction: the sequence row is in it too.
pub fn next_seq(conn: &Connection, year: i32) -> Result<i64> {
    Ok(super::row(
        conn,
        "INSERT INTO ticket_sequences (year, last_seq) VALUES (?1, 1)
         ON CONFLICT (year) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq",
        [year],
        |r| r.get(0),
    )?)
}

pub struct NewTicket<'a> {
    pub number: &'a str,
    pub customer_id: i64,
    pub subject: &'a str,
    pub status: Status,
    pub priority: Priority,
    pub assignee_id: Option<i64>,
    pub created_at: i64,
    pub created_month: i64,
}

/// A new ticket: no activities yet, its subject in the search index.
pub fn insert(conn: &Connection, t: &NewTicket) -> Result<i64> {
    let id = insert_row(conn, t, None, &Counters::new(t.created_at))?;
    index_text(conn, id, t.subject)?;
    super::search::note_words(conn, t.subject)?;
    Ok(id)
}

/// Records who of the customer opened a ticket (`None`: the main account), on the caller's
/// transaction right after [`insert`]; a member sees the tickets they opened.
pub fn set_opener(conn: &Connection, ticket_id: i64, contact_id: Option<i64>) -> Result<()> {
    conn.prepare_cached("UPDATE tickets SET contact_id = ?2 WHERE id = ?1")?.execute(params![ticket_id, contact_id])?;
    Ok(())
}

/// The `tickets` row alone, with the given counters (`db::demo` writes them final at once).
pub(super) fn insert_row(conn: &Connection, t: &NewTicket, closed_at: Option<i64>, c: &Counters) -> Result<i64> {
    let (status, priority) = (t.status.as_str(), t.priority.as_str());
    let mut values: Vec<&dyn ToSql> = vec![
        &t.number,
        &t.customer_id,
        &t.subject,
        &status,
        &priority,
        &t.assignee_id,
        &t.created_at,
        &t.created_month,
        &closed_at,
    ];
    values.extend(c.values());
    Ok(conn
        .prepare_cached(concat!(
            "INSERT INTO tickets (number, customer_id, subject, status, priority, assignee_id, created_at,
                                  created_month, closed_at, ",
            counter_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ))?
        .insert(&*values)?)
}

/// A row of the (contentless, schema 0027) search index: a ticket's subject (`rowid` = the
/// ticket id) or an activity's text (`rowid` = `-activity id`); the ticket of a row follows from
/// its rowid (`db::search::text_hits`). Words for prefix search: the caller's business
/// (`db::search::note_words`; the demo writer fills them at its end).
pub(super) fn index_text(conn: &Connection, rowid: i64, text: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO search (rowid, text) VALUES (?1, ?2)")?.execute(params![rowid, text])?;
    Ok(())
}

pub struct NewActivity<'a> {
    pub kind: ActivityKind,
    pub author_kind: AuthorKind,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    /// The contact who wrote it (`None`: the main account, staff or the system).
    pub contact_id: Option<i64>,
    pub author_name: &'a str,
    pub body: &'a str,
    pub minutes: i64,
    pub email_from: Option<&'a str>,
    pub email_to: Option<&'a str>,
    pub email_subject: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub created_at: i64,
}

impl<'a> NewActivity<'a> {
    /// An activity with only the essentials set; callers fill in the rest with struct update.
    pub fn new(kind: ActivityKind, author: Author<'a>, body: &'a str, now: i64) -> Self {
        NewActivity {
            kind,
            author_kind: author.kind,
            customer_id: author.customer_id,
            staff_id: author.staff_id,
            contact_id: author.contact_id,
            author_name: author.name,
            body,
            minutes: 0,
            email_from: None,
            email_to: None,
            email_subject: None,
            old_value: None,
            new_value: None,
            created_at: now,
        }
    }
}

/// Who writes an activity: its author columns.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub kind: AuthorKind,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    /// A customer's contact (schema 0014); `None` for the main account.
    pub contact_id: Option<i64>,
    pub name: &'a str,
}

impl<'a> Author<'a> {
    /// The portal itself (a ticket reopened by a customer's reply).
    pub const SYSTEM: Author<'static> =
        Author { kind: AuthorKind::System, customer_id: None, staff_id: None, contact_id: None, name: "" };

    /// The customer's main account.
    pub fn customer(id: i64, name: &'a str) -> Author<'a> {
        Author { kind: AuthorKind::Customer, customer_id: Some(id), staff_id: None, contact_id: None, name }
    }

    /// Whoever of the customer is acting: a contact by their own name, else the main account.
    pub fn person(c: &'a crate::model::Customer) -> Author<'a> {
        Author { contact_id: c.contact_id(), name: c.person_name(), ..Author::customer(c.id, &c.name) }
    }

    pub fn staff(id: i64, name: &'a str) -> Author<'a> {
        Author { kind: AuthorKind::Staff, customer_id: None, staff_id: Some(id), contact_id: None, name }
    }
}

/// Adds an activity and brings the ticket's counters and the search index up to date, all on
/// the caller's transaction.
pub fn add_activity(conn: &Connection, ticket_id: i64, a: &NewActivity) -> Result<i64> {
    let id = insert_activity_row(conn, ticket_id, a)?;
    let mut counters = counters(conn, ticket_id)?;
    counters.add(a);
    set_counters(conn, ticket_id, &counters)?;
    if a.author_kind == AuthorKind::Customer {
        customer_spoke(conn, ticket_id, id)?;
    }
    if let Some(text) = search_text(a) {
        index_text(conn, -id, &text)?;
        super::search::note_words(conn, &text)?;
    }
    Ok(id)
}

/// The customer's latest activity is `activity_id`: unread for every agent until they open the
/// ticket, and a follow-up date is over (the customer came back first).
pub(super) fn customer_spoke(conn: &Connection, ticket_id: i64, activity_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE tickets SET customer_activity_id = ?2, follow_up_at = 0 WHERE id = ?1")?
        .execute([ticket_id, activity_id])?;
    Ok(())
}

/// The `activities` row alone; counters and search index are the caller's business.
pub(super) fn insert_activity_row(conn: &Connection, ticket_id: i64, a: &NewActivity) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO activities (ticket_id, kind, internal, author_kind, customer_id, staff_id, author_name,
                                     body, minutes, email_from, email_to, email_subject, old_value, new_value,
                                     created_at, contact_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .insert(params![
            ticket_id,
            a.kind.as_str(),
            a.kind.is_internal(),
            a.author_kind.as_str(),
            a.customer_id,
            a.staff_id,
            a.author_name,
            a.body,
            a.minutes,
            a.email_from,
            a.email_to,
            a.email_subject,
            a.old_value,
            a.new_value,
            a.created_at,
            a.contact_id
        ])?)
}

/// The text the search index gets for an activity; `None` when it gets no row.
pub(super) fn search_text(a: &NewActivity) -> Option<String> {
    let text = match a.email_subject {
        Some(s) if !s.is_empty() => format!("{s}\n{}", a.body),
        _ => a.body.to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// A ticket row's counters, so lists never aggregate over activities. Customers' counters
/// leave internal activities out; `minutes` and the `staff_*` counters count everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counters {
    pub activity_count: i64,
    pub last_activity_at: i64,
    pub last_activity_kind: String,
    pub last_activity_by: String,
    pub minutes: i64,
    pub staff_activity_count: i64,
    pub staff_last_activity_at: i64,
    /// The latest activity by the customer (`None` while they have said nothing).
    pub customer_activity_at: Option<i64>,
}

impl Counters {
    /// A ticket without activities, created at `created_at`.
    pub fn new(created_at: i64) -> Counters {
        Counters {
            activity_count: 0,
            last_activity_at: created_at,
            last_activity_kind: ActivityKind::Message.as_str().to_string(),
            last_activity_by: String::new(),
            minutes: 0,
            staff_activity_count: 0,
            staff_last_activity_at: created_at,
            customer_activity_at: None,
        }
    }

    /// The one rule for what an activity does to its ticket's counters: `add_activity` and the
    /// demo's bulk writer both go through it.
    pub fn add(&mut self, a: &NewActivity) {
        self.minutes += a.minutes;
        self.staff_activity_count += 1;
        self.staff_last_activity_at = self.staff_last_activity_at.max(a.created_at);
        if a.author_kind == AuthorKind::Customer {
            self.customer_activity_at = Some(self.customer_activity_at.unwrap_or(a.created_at).max(a.created_at));
        }
        if !a.kind.is_internal() {
            self.activity_count += 1;
            self.last_activity_at = a.created_at;
            self.last_activity_kind.clear();
            self.last_activity_kind.push_str(a.kind.as_str());
            self.last_activity_by.clear();
            self.last_activity_by.push_str(a.author_name);
        }
    }

    /// The counters as statement values, in the order of `counter_columns!`.
    fn values(&self) -> [&dyn ToSql; 8] {
        [
            &self.activity_count,
            &self.last_activity_at,
            &self.last_activity_kind,
            &self.last_activity_by,
            &self.minutes,
            &self.staff_activity_count,
            &self.staff_last_activity_at,
            &self.customer_activity_at,
        ]
    }
}

fn counters(conn: &Connection, ticket_id: i64) -> Result<Counters> {
    Ok(conn.prepare_cached(concat!("SELECT ", counter_columns!(), " FROM tickets WHERE id = ?1"))?.query_row(
        [ticket_id],
        |r| {
            Ok(Counters {
                activity_count: r.get(0)?,
                last_activity_at: r.get(1)?,
                last_activity_kind: r.get(2)?,
                last_activity_by: r.get(3)?,
                minutes: r.get(4)?,
                staff_activity_count: r.get(5)?,
                staff_last_activity_at: r.get(6)?,
                customer_activity_at: r.get(7)?,
            })
        },
    )?)
}

fn set_counters(conn: &Connection, ticket_id: i64, c: &Counters) -> Result<()> {
    let mut values: Vec<&dyn ToSql> = c.values().to_vec();
    values.push(&ticket_id);
    conn.prepare_cached(concat!(
        "UPDATE tickets SET (",
        counter_columns!(),
        ") = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) WHERE id = ?9"
    ))?
    .execute(&*values)?;
    Ok(())
}

pub fn set_status(conn: &Connection, ticket_id: i64, status: Status, now: i64) -> Result<()> {
    let closed_at = (status == Status::Closed).then_some(now);
    conn.execute(
        "UPDATE tickets SET status = ?2, closed_at = ?3 WHERE id = ?1",
        params![ticket_id, status.as_str(), closed_at],
    )?;
    Ok(())
}

pub fn set_field(conn: &Connection, ticket_id: i64, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO ticket_fields (ticket_id, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (ticket_id, key) DO UPDATE SET value = excluded.value",
        params![ticket_id, key, value],
    )?;
    reindex_fields(conn, ticket_id)
}

pub fn delete_field(conn: &Connection, ticket_id: i64, key: &str) -> Result<()> {
    conn.execute("DELETE FROM ticket_fields WHERE ticket_id = ?1 AND key = ?2", params![ticket_id, key])?;
    reindex_fields(conn, ticket_id)
}

/// One search row per ticket with all its field values (rowid = ticket id).
fn reindex_fields(conn: &Connection, ticket_id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM field_search WHERE rowid = ?1")?.execute([ticket_id])?;
    conn.prepare_cached(
        "INSERT INTO field_search (rowid, text)
         SELECT ?1, group_concat(value, ' ') FROM ticket_fields WHERE ticket_id = ?1 HAVING count(*) > 0",
    )?
    .execute([ticket_id])?;
    let values: Vec<String> = conn
        .prepare_cached("SELECT value FROM ticket_fields WHERE ticket_id = ?1")?
        .query_map([ticket_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    super::search::note_words(conn, &values.join(" "))
}

/// Replaces a ticket's field search row with `text` (values plus what people see for them).
pub fn index_fields(conn: &Connection, ticket_id: i64, text: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM field_search WHERE rowid = ?1")?.execute([ticket_id])?;
    if !text.trim().is_empty() {
        conn.prepare_cached("INSERT INTO field_search (rowid, text) VALUES (?1, ?2)")?
            .execute(params![ticket_id, text])?;
        super::search::note_words(conn, text)?;
    }
    Ok(())
}

/// Field values of several tickets at once (for list columns and exports), in one query.
pub fn fields_for(
    conn: &Connection,
    ticket_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<(String, String)>>> {
    let mut out: std::collections::HashMap<i64, Vec<(String, String)>> = std::collections::HashMap::new();
    for ids in ticket_ids.chunks(500) {
        let marks = vec!["?"; ids.len()].join(",");
        let sql = format!(
            "SELECT ticket_id, key, value FROM ticket_fields WHERE ticket_id IN ({marks}) ORDER BY ticket_id, key"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(ids.iter()), |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
        for row in rows {
            let (id, k, v) = row?;
            out.entry(id).or_default().push((k, v));
        }
    }
    Ok(out)
}

pub fn fields(conn: &Connection, ticket_id: i64) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM ticket_fields WHERE ticket_id = ?1 ORDER BY key")?;
    let rows = stmt.query_map([ticket_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The columns of [`SUMMARY_COLS`] that need the joins with `customers` and `staff`, and what
/// stands in their place when a list does not read them (`ListRead::people`).
const PEOPLE_COLS: &str = "c.customer_no, c.name, s.name";
const NO_PEOPLE_COLS: &str = "'', '', NULL";

const SUMMARY_COLS: &str = "t.id, t.number, t.subject, t.status, t.priority, c.customer_no, c.name, s.name,
     t.created_at, t.activity_count, t.last_activity_at, t.last_activity_kind, t.last_activity_by, t.minutes,
     t.staff_activity_count, t.staff_last_activity_at, t.follow_up_at, t.customer_activity_at";

/// The position of column `name` in a column list such as [`SUMMARY_COLS`], at compile time:
/// rows are read by index (a lookup by name compares every column's name, per row — 14 % of
/// the overview's instructions), and a column added to the list elsewhere shifts nothing.
const fn col_index(cols: &str, name: &str) -> usize {
    let (c, n) = (cols.as_bytes(), name.as_bytes());
    let (mut i, mut index) = (0, 0);
    while i < c.len() {
        // At the start of a column: skip blanks, then compare the name up to the next comma.
        while i < c.len() && (c[i] == b' ' || c[i] == b'\n') {
            i += 1;
        }
        let mut j = 0;
        while j < n.len() && i + j < c.len() && c[i + j] == n[j] {
            j += 1;
        }
        if j == n.len() && (i + j == c.len() || c[i + j] == b',') {
            return index;
        }
        while i < c.len() && c[i] != b',' {
            i += 1;
        }
        i += 1;
        index += 1;
    }
    panic!("no such column")
}

/// [`col_index`] at run time: `None` when `cols` has no column `name`.
fn col_position(cols: &str, name: &str) -> Option<usize> {
    // Most keys are expressions no list selects: one pass over the text says so.
    if !cols.contains(name) {
        return None;
    }
    cols.split(',').position(|c| c.trim() == name)
}

/// How many columns [`SUMMARY_COLS`] has: what a query selects after them starts here.
const fn col_count(cols: &str) -> usize {
    let c = cols.as_bytes();
    let (mut i, mut n) = (0, 1);
    while i < c.len() {
        if c[i] == b',' {
            n += 1;
        }
        i += 1;
    }
    n
}

const SUMMARY_LEN: usize = col_count(SUMMARY_COLS);
/// What the staff queue's table shows of a ticket ([`queue_list`]): the staff's counters, the
/// follow-up date, the customer, and the assignee's id — its name comes from the staff list
/// (no join with `staff`); not `created_at`, the customer's counters or the customer activity.
/// `unread` and the sort keys follow.
const QUEUE_COLS: &str = "t.id, t.number, t.subject, t.status, t.priority, c.customer_no, c.name, t.assignee_id,
     t.staff_activity_count, t.staff_last_activity_at, t.last_activity_kind, t.last_activity_by, t.minutes,
     t.follow_up_at";
const QUEUE_LEN: usize = col_count(QUEUE_COLS);

/// A row of [`QUEUE_COLS`], borrowed from the row and from `names` (every staff member).
/// `with_id`: the id read, or 0 (see `ListSink::push_row`).
fn queue_ref<'r>(r: &'r Row, names: &'r [StaffMember], with_id: bool) -> rusqlite::Result<SummaryRef<'r>> {
    const Q: &str = QUEUE_COLS;
    let text = |i: usize| -> rusqlite::Result<&'r str> { Ok(r.get_ref(i)?.as_str()?) };
    let assignee = r
        .get_ref(const { col_index(Q, "t.assignee_id") })?
        .as_i64_or_null()?
        .and_then(|id| names.iter().find(|s| s.id == id).map(|s| s.name.as_str()));
    Ok(SummaryRef {
        id: if with_id { int_at(r, const { col_index(Q, "t.id") })? } else { 0 },
        number: text(const { col_index(Q, "t.number") })?,
        subject: text(const { col_index(Q, "t.subject") })?,
        status: named(r, const { col_index(Q, "t.status") }, Status::ALL, Status::as_str)?.unwrap_or(Status::Open),
        priority: named(r, const { col_index(Q, "t.priority") }, Priority::ALL, Priority::as_str)?
            .unwrap_or(Priority::Normal),
        customer_no: text(const { col_index(Q, "c.customer_no") })?,
        customer_name: text(const { col_index(Q, "c.name") })?,
        assignee,
        activity_count: int_at(r, const { col_index(Q, "t.staff_activity_count") })?,
        last_activity_at: int_at(r, const { col_index(Q, "t.staff_last_activity_at") })?,
        last_activity_kind: named(
            r,
            const { col_index(Q, "t.last_activity_kind") },
            ActivityKind::ALL,
            ActivityKind::as_str,
        )?
        .unwrap_or(ActivityKind::Message),
        last_activity_by: text(const { col_index(Q, "t.last_activity_by") })?,
        minutes: int_at(r, const { col_index(Q, "t.minutes") })?,
        follow_up_at: Some(int_at(r, const { col_index(Q, "t.follow_up_at") })?).filter(|v| *v > 0),
        unread: int_at(r, QUEUE_LEN)? != 0,
    })
}
const FOLLOW_UP_AT: usize = col_index(SUMMARY_COLS, "t.follow_up_at");
const CUSTOMER_ACTIVITY_AT: usize = col_index(SUMMARY_COLS, "t.customer_activity_at");

/// A text column that holds one of `all` by name (a status, priority or kind), compared as bytes:
/// no UTF-8 check of the text first (`ValueRef::as_str`), three a row. `None` for another text
/// or type (the callers' default, as before).
fn named<T: Copy>(r: &Row, i: usize, all: &[T], name: fn(T) -> &'static str) -> rusqlite::Result<Option<T>> {
    let ValueRef::Text(bytes) = r.get_ref(i)? else { return Ok(None) };
    Ok(all.iter().copied().find(|v| name(*v).as_bytes() == bytes))
}

/// An integer column by position through `get_ref` (`Row::get` goes through `FromSql` and its
/// error mapping for the same `sqlite3_column_type` + `sqlite3_column_int64`).
fn int_at(r: &Row, i: usize) -> rusqlite::Result<i64> {
    Ok(r.get_ref(i)?.as_i64()?)
}

/// What the customer's table shows of a ticket (`ListRead { people: false }` on a customer's
/// scope): no customer or assignee (the customer is the reader, the assignee is staff's
/// business), none of the staff's counters, no follow-up date, no customer activity, no
/// unread mark — nine columns less than [`SUMMARY_COLS`] and no join, per row.
const CUSTOMER_COLS: &str = "t.id, t.number, t.subject, t.status, t.priority, t.activity_count, t.last_activity_at,
     t.last_activity_kind, t.last_activity_by, t.minutes";
const CUSTOMER_LEN: usize = col_count(CUSTOMER_COLS);

/// A row of [`CUSTOMER_COLS`]; what the customer's table does not show stays empty (`0`,
/// `None`, `""`). Integers through `get_ref` (one `sqlite3_column_type` each, no conversion
/// layer), the three texts as `String`s.
fn customer_summary_from_row(r: &Row) -> rusqlite::Result<TicketSummary> {
    const ID: usize = col_index(CUSTOMER_COLS, "t.id");
    const NUMBER: usize = col_index(CUSTOMER_COLS, "t.number");
    const SUBJECT: usize = col_index(CUSTOMER_COLS, "t.subject");
    const STATUS: usize = col_index(CUSTOMER_COLS, "t.status");
    const PRIORITY: usize = col_index(CUSTOMER_COLS, "t.priority");
    const ACTIVITY_COUNT: usize = col_index(CUSTOMER_COLS, "t.activity_count");
    const LAST_AT: usize = col_index(CUSTOMER_COLS, "t.last_activity_at");
    const LAST_KIND: usize = col_index(CUSTOMER_COLS, "t.last_activity_kind");
    const LAST_BY: usize = col_index(CUSTOMER_COLS, "t.last_activity_by");
    const MINUTES: usize = col_index(CUSTOMER_COLS, "t.minutes");
    let int = |i: usize| int_at(r, i);
    let text = |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
    Ok(TicketSummary {
        id: int(ID)?,
        number: text(NUMBER)?.to_string(),
        subject: text(SUBJECT)?.to_string(),
        status: Status::parse(r.get_ref(STATUS)?.as_str().unwrap_or_default()).unwrap_or(Status::Open),
        priority: Priority::parse(r.get_ref(PRIORITY)?.as_str().unwrap_or_default()).unwrap_or(Priority::Normal),
        customer_no: String::new(),
        customer_name: String::new(),
        assignee: None,
        created_at: 0,
        activity_count: int(ACTIVITY_COUNT)?,
        last_activity_at: int(LAST_AT)?,
        last_activity_kind: ActivityKind::parse(r.get_ref(LAST_KIND)?.as_str().unwrap_or_default())
            .unwrap_or(ActivityKind::Message),
        last_activity_by: text(LAST_BY)?.to_string(),
        minutes: int(MINUTES)?,
        follow_up_at: None,
        customer_activity_at: None,
        unread: false,
    })
}

fn summary_from_row(r: &Row, scope: Scope) -> rusqlite::Result<TicketSummary> {
    let staff = matches!(scope, Scope::Staff);
    Ok(TicketSummary {
        id: r.get(0)?,
        number: r.get(1)?,
        subject: r.get(2)?,
        status: Status::parse(r.get_ref(3)?.as_str().unwrap_or_default()).unwrap_or(Status::Open),
        priority: Priority::parse(r.get_ref(4)?.as_str().unwrap_or_default()).unwrap_or(Priority::Normal),
        customer_no: r.get(5)?,
        customer_name: r.get(6)?,
        assignee: r.get(7)?,
        created_at: r.get(8)?,
        activity_count: if staff { r.get(14)? } else { r.get(9)? },
        last_activity_at: if staff { r.get(15)? } else { r.get(10)? },
        last_activity_kind: ActivityKind::parse(r.get_ref(11)?.as_str().unwrap_or_default())
            .unwrap_or(ActivityKind::Message),
        last_activity_by: r.get(12)?,
        minutes: r.get(13)?,
        follow_up_at: r.get::<_, i64>(FOLLOW_UP_AT).map(|v| (v > 0).then_some(v))?,
        customer_activity_at: r.get(CUSTOMER_ACTIVITY_AT)?,
        unread: false,
    })
}

pub fn get(conn: &Connection, number: &str, scope: Scope) -> Result<Option<TicketDetail>> {
    const FILTERS: [&str; 3] = [
        "AND t.customer_id = ?2 AND ?3 IS NULL",
        "AND t.customer_id = ?2 AND (t.contact_id = ?3 OR t.id IN (SELECT ticket_id FROM ticket_people WHERE contact_id = ?3))",
        "AND ?2 IS NULL AND ?3 IS NULL",
    ];
    // The three texts are made once per process (a `format!` per ticket page before).
    static SQL: std::sync::OnceLock<[String; 3]> = std::sync::OnceLock::new();
    let texts = SQL.get_or_init(|| {
        FILTERS.map(|filter| {
            format!(
                "SELECT {SUMMARY_COLS}, t.customer_id, t.assignee_id, t.closed_at
         FROM tickets t JOIN customers c ON c.id = t.customer_id LEFT JOIN staff s ON s.id = t.assignee_id
         WHERE t.number = ?1 {filter}"
            )
        })
    });
    let (i, customer, contact) = match scope {
        Scope::Customer(id) => (0, Some(id), None),
        Scope::Member { customer, contact } => (1, Some(customer), Some(contact)),
        Scope::Staff => (2, None, None),
    };
    let sql = &texts[i];
    let mut stmt = conn.prepare_cached(sql)?;
    stmt.query_row(params![number, customer, contact], |r| {
        Ok(TicketDetail {
            summary: summary_from_row(r, scope)?,
            customer_id: r.get(SUMMARY_LEN)?,
            assignee_id: r.get(SUMMARY_LEN + 1)?,
            closed_at: r.get(SUMMARY_LEN + 2)?,
        })
    })
    .optional()
}

pub fn activities(conn: &Connection, ticket_id: i64, scope: Scope, kind: KindFilter) -> Result<Vec<Activity>> {
    activities_where(conn, ticket_id, scope, kind)
}

/// One page of the timeline: the `limit` activities before the newest `skip`, oldest first.
/// Walks the ticket's index from its newest end, so a page costs the same however long the
/// ticket's history is (up to `skip`). The texts are copied from SQLite's row into one buffer
/// (no `String` per text column and row).
pub fn latest_activities(
    conn: &Connection,
    ticket_id: i64,
    scope: Scope,
    kind: KindFilter,
    skip: usize,
    limit: usize,
) -> Result<ActivityRows> {
    let mut out = read_activities(conn, ticket_id, scope, kind, true, skip, limit)?;
    out.reverse();
    Ok(out)
}

/// The first `limit` activities of the ticket, oldest first: the whole timeline when there are
/// fewer. What [`latest_activities`] reads for a ticket known to have fewer than `limit`,
/// read in the table's order: a ticket's activities were mostly written one after another, so
/// their rows mostly follow each other and SQLite steps to the next row instead of seeking it
/// from the table's root (`sqlite3BtreeTableMoveto` takes the next row when the rowid asked
/// for is one more than the cursor's; reading newest first, every row was a seek).
pub fn first_activities(
    conn: &Connection,
    ticket_id: i64,
    scope: Scope,
    kind: KindFilter,
    limit: usize,
) -> Result<ActivityRows> {
    read_activities(conn, ticket_id, scope, kind, false, 0, limit)
}

fn read_activities(
    conn: &Connection,
    ticket_id: i64,
    scope: Scope,
    kind: KindFilter,
    newest: bool,
    skip: usize,
    limit: usize,
) -> Result<ActivityRows> {
    let sql = activities_sql(scope, kind, newest);
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params![ticket_id, kind_value(kind), skip as i64, limit as i64])?;
    // ~100 bytes of text an activity (the demo's), the buffer grows from there.
    let mut out = ActivityRowsBuilder::with_capacity(limit.min(1024), limit.min(1024) * 128);
    // The statement's SQLite handle, found after the first step (see `RowReader`).
    let mut reader: Option<Option<RowReader>> = None;
    while let Some(r) = rows.next()? {
        match *reader.get_or_insert_with(|| RowReader::find(conn, sql)) {
            Some(raw) => raw.push_to(&mut out),
            None => out.push_ref(activity_ref(r)?),
        }
    }
    Ok(out.finish().map_err(rusqlite::Error::Utf8Error)?)
}

/// An activity row of [`activities_sql`] read through rusqlite (`RowReader` reads the same).
fn activity_ref<'r>(r: &'r Row) -> rusqlite::Result<ActivityRef<'r>> {
    let text = |i: usize| -> rusqlite::Result<Option<&str>> {
        r.get_ref(i)?
            .as_str_or_null()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
    };
    Ok(ActivityRef {
        id: r.get(1)?,
        kind: ActivityKind::parse(r.get_ref(2)?.as_str().unwrap_or_default()).unwrap_or(ActivityKind::Message),
        internal: r.get(3)?,
        author_kind: AuthorKind::parse(r.get_ref(4)?.as_str().unwrap_or_default()).unwrap_or(AuthorKind::System),
        author_name: text(5)?.unwrap_or_default(),
        body: text(6)?.unwrap_or_default(),
        minutes: r.get(7)?,
        email_from: text(8)?,
        email_to: text(9)?,
        email_subject: text(10)?,
        old_value: text(11)?,
        new_value: text(12)?,
        created_at: r.get(13)?,
        contact_id: r.get(0)?,
    })
}

/// Reads the row an [`activities_sql`] statement stands on straight from SQLite's column API.
///
/// rusqlite reads a column as `sqlite3_column_type` and then the value, through a `ValueRef`
/// and `FromSql` per column: 14 columns × 1,000 rows made that ~30 % of a ticket with 1,000
/// activities, as much as the stepping itself. Here each text is one `sqlite3_column_text` (a
/// NULL pointer is SQL `NULL`) and its length, each number one `sqlite3_column_int64`; only
/// `contact_id`, a nullable number, asks for its type. rusqlite keeps a statement's handle to
/// itself, so the handle is found among the connection's statements: the one that is being
/// stepped (`sqlite3_stmt_busy`) with exactly this SQL text — rusqlite still prepares, binds,
/// steps, resets and caches the statement.
#[derive(Clone, Copy)]
struct RowReader(*mut rusqlite::ffi::sqlite3_stmt);

impl RowReader {
    /// The statement of `conn` being stepped for `sql`; call it after a step that gave a row.
    fn find(conn: &Connection, sql: &str) -> Option<RowReader> {
        use rusqlite::ffi;
        // SAFETY: `conn` is this thread's (rusqlite connections are not shared between threads
        // while in use), so its statement list does not change while it is walked; every
        // pointer SQLite returns is a live statement of that connection, and `sqlite3_sql` is
        // its NUL-terminated text (or NULL), owned by the statement.
        unsafe {
            let db = conn.handle();
            let mut p = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !p.is_null() {
                if ffi::sqlite3_stmt_busy(p) != 0 {
                    let text = ffi::sqlite3_sql(p);
                    if !text.is_null() && std::ffi::CStr::from_ptr(text).to_bytes() == sql.as_bytes() {
                        return (ffi::sqlite3_column_count(p) == 14).then_some(RowReader(p));
                    }
                }
                p = ffi::sqlite3_next_stmt(db, p);
            }
        }
        None
    }

    /// Appends the row the statement stands on to `out` (its texts copied as bytes, checked
    /// as UTF-8 once for all rows by `ActivityRowsBuilder::finish`).
    fn push_to(&self, out: &mut ActivityRowsBuilder) {
        // The two words are matched as bytes.
        let (kind, author_kind) = (self.bytes(2), self.bytes(4));
        let fields = ActivityFields {
            id: self.int(1),
            kind: ActivityKind::ALL
                .iter()
                .copied()
                .find(|k| Some(k.as_str().as_bytes()) == kind)
                .unwrap_or(ActivityKind::Message),
            internal: self.int(3) != 0,
            author_kind: AuthorKind::ALL
                .iter()
                .copied()
                .find(|k| Some(k.as_str().as_bytes()) == author_kind)
                .unwrap_or(AuthorKind::System),
            contact_id: self.nullable_int(0),
            minutes: self.int(7),
            created_at: self.int(13),
        };
        out.push(fields, [5, 6, 8, 9, 10, 11, 12].map(|i| self.bytes(i)));
    }

    fn int(&self, i: i32) -> i64 {
        // SAFETY: `self.0` is a live statement (see `find`) standing on a row, `i` < its 14
        // columns.
        unsafe { rusqlite::ffi::sqlite3_column_int64(self.0, i) }
    }

    fn nullable_int(&self, i: i32) -> Option<i64> {
        // SAFETY: as in `int`.
        let null = unsafe { rusqlite::ffi::sqlite3_column_type(self.0, i) } == rusqlite::ffi::SQLITE_NULL;
        (!null).then(|| self.int(i))
    }

    /// A text's bytes (`None`: SQL `NULL`).
    fn bytes(&self, i: i32) -> Option<&[u8]> {
        // SAFETY: as in `int`; the text (first the pointer, then its length, as SQLite asks)
        // stays valid until the statement's next step or reset, and `push_to` hands it to the
        // builder, which copies it, before `read_activities` steps again.
        unsafe {
            let p = rusqlite::ffi::sqlite3_column_text(self.0, i);
            if p.is_null() {
                return None;
            }
            let n = rusqlite::ffi::sqlite3_column_bytes(self.0, i);
            Some(std::slice::from_raw_parts(p, usize::try_from(n).unwrap_or(0)))
        }
    }
}

fn kind_value(kind: KindFilter) -> Option<&'static str> {
    (kind != KindFilter::All).then(|| kind.as_str())
}

/// The activities statement: `?1` ticket, `?2` kind (`NULL`: all), `?3` skip, `?4` limit
/// (-1: all); newest first when `newest`.
/// The eight texts are made once per process (a `format!` per ticket page before).
/// `contact_id` comes first: it is the last column of the table's records, so SQLite parses a
/// row's header in one go at the first column instead of a column further at each (~430
/// instructions a row less).
fn activities_sql(scope: Scope, kind: KindFilter, newest: bool) -> &'static str {
    static ALL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let texts = ALL.get_or_init(|| {
        let mut v = Vec::with_capacity(8);
        for customer in [false, true] {
            for any_kind in [false, true] {
                for newest in [false, true] {
                    let internal_filter = if customer { "AND internal = 0" } else { "" };
                    let kind_filter = if any_kind { "AND ?2 IS NULL" } else { "AND kind = ?2" };
                    let order = if newest { "created_at DESC, id DESC" } else { "created_at, id" };
                    v.push(format!(
                        "SELECT contact_id, id, kind, internal, author_kind, author_name, body, minutes, email_from,
                                email_to, email_subject, old_value, new_value, created_at
                         FROM activities WHERE ticket_id = ?1 {internal_filter} {kind_filter}
                         ORDER BY {order} LIMIT ?4 OFFSET ?3"
                    ));
                }
            }
        }
        v
    });
    let i = usize::from(scope.is_customer()) * 4 + usize::from(kind == KindFilter::All) * 2 + usize::from(newest);
    &texts[i]
}

fn activities_where(conn: &Connection, ticket_id: i64, scope: Scope, kind: KindFilter) -> Result<Vec<Activity>> {
    let mut stmt = conn.prepare_cached(activities_sql(scope, kind, false))?;
    let rows = stmt
        .query_map(params![ticket_id, kind_value(kind), 0i64, -1i64], |r| {
            Ok(Activity {
                id: r.get(1)?,
                // Read in place: no String per row for a word that is parsed at once.
                kind: ActivityKind::parse(r.get_ref(2)?.as_str().unwrap_or_default()).unwrap_or(ActivityKind::Message),
                internal: r.get(3)?,
                author_kind: AuthorKind::parse(r.get_ref(4)?.as_str().unwrap_or_default())
                    .unwrap_or(AuthorKind::System),
                author_name: r.get(5)?,
                body: r.get(6)?,
                minutes: r.get(7)?,
                email_from: r.get(8)?,
                email_to: r.get(9)?,
                email_subject: r.get(10)?,
                old_value: r.get(11)?,
                new_value: r.get(12)?,
                created_at: r.get(13)?,
                contact_id: r.get(0)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Turns what a person typed into an FTS5 query: each word a quoted prefix term, all required.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Staff search reads at most this many matching texts (newest first) from each FTS index;
/// with more, the queue counts the tickets of those and says "at least" (`TicketPage::capped`).
pub const SEARCH_ROWS: usize = 500;

/// The tickets of the newest [`SEARCH_ROWS`] texts and field rows that match what staff typed,
/// as a JSON array of ids, and whether there are more matches ("at least"); `None`: no words.
/// Each FTS index is asked once, for at most `SEARCH_ROWS + 1` rows in rowid order (newest
/// first), with exact terms wherever the prefixes allow (`db::search::staff_query`), so the
/// cost is that of a page's rows, not of the database's.
fn staff_hits(conn: &Connection, input: &str) -> Result<Option<(String, bool)>> {
    let Some(fts) = super::search::staff_query(conn, input)? else {
        return Ok(None);
    };
    let limit = SEARCH_ROWS + 1;
    let mut ids: Vec<i64> = super::search::text_hits(conn, &fts, limit)?;
    let mut more = ids.len() > SEARCH_ROWS;
    ids.truncate(SEARCH_ROWS);
    let fields: Vec<i64> = conn
        .prepare_cached("SELECT rowid FROM field_search WHERE field_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2")?
        .query_map(params![fts, limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    more |= fields.len() > SEARCH_ROWS;
    ids.extend(fields.into_iter().take(SEARCH_ROWS));
    ids.sort_unstable();
    ids.dedup();
    Ok(Some((ids_json(&ids), more)))
}

/// Ids as a JSON array, for `t.id IN (SELECT value FROM json_each(?))`.
fn ids_json(ids: &[i64]) -> String {
    let mut json = String::with_capacity(ids.len() * 8 + 2);
    json.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&id.to_string());
    }
    json.push(']');
    json
}

/// A customer's (or member's) search, matched once: the ids of their tickets that match the
/// words and the list's other filters, as a JSON array. The count and the page then read those
/// instead of each matching every text of the customer again (a customer with 14,500
/// activities at 1M tickets: two full passes over 1.2 MB of text per search before).
fn customer_hits(conn: &Connection, scope: Scope, q: &TicketQuery) -> Result<String> {
    let (where_sql, args) = where_clause(scope, q, None, false);
    let ids: Vec<i64> = conn
        .prepare_cached(&format!("SELECT t.id FROM tickets t {where_sql}"))?
        .query_map(params_from_iter(args.iter()), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids_json(&ids))
}

/// A member's tickets: those they opened and those they were added to (`?` twice: the contact).
const MEMBER_FILTER: &str = "(t.contact_id = ? OR t.id IN (SELECT ticket_id FROM ticket_people WHERE contact_id = ?))";

/// The WHERE of a list. `page`: for the page's rows, not its count — the follow-up bound is
/// then written `+t.follow_up_at` so no index takes it as a range and SQLite walks an index in
/// display order instead (with it, "mine" at 1M tickets read an agent's 16,000 open tickets
/// through `tickets_active_assignee_follow_up` and sorted them: 218 ms; without, 0.04 ms
/// through `tickets_active_assignee_attention`, schema 0024; now `tickets_active_assignee_queue`).
fn where_clause(scope: Scope, q: &TicketQuery, hits: Option<&str>, page: bool) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(id) = scope.customer_id() {
        clauses.push("t.customer_id = ?".into());
        args.push(Value::Integer(id));
    }
    if let Scope::Member { contact, .. } = scope {
        clauses.push(MEMBER_FILTER.into());
        args.push(Value::Integer(contact));
        args.push(Value::Integer(contact));
    }
    match (q.year, q.month) {
        (Some(y), Some(m)) => {
            clauses.push("t.created_month = ?".into());
            args.push(Value::Integer(month_key(y, m)));
        }
        (Some(y), None) => {
            clauses.push("t.created_month BETWEEN ? AND ?".into());
            args.push(Value::Integer(month_key(y, 1)));
            args.push(Value::Integer(month_key(y, 12)));
        }
        _ => {}
    }
    match q.status {
        Some(StatusFilter::Open) => clauses.push("t.status <> 'closed'".into()),
        Some(StatusFilter::Closed) => clauses.push("t.status = 'closed'".into()),
        _ => {}
    }
    if let Some(s) = q.exact_status {
        clauses.push("t.status = ?".into());
        args.push(Value::Text(s.as_str().into()));
        if s != Status::Closed {
            // Says what the bound value cannot: the indexes over open tickets apply (schema 0026).
            clauses.push("t.status <> 'closed'".into());
        }
    }
    if let Some(p) = q.priority {
        clauses.push("t.priority = ?".into());
        args.push(Value::Text(p.as_str().into()));
    }
    match q.assignee {
        Some(None) => clauses.push("t.assignee_id IS NULL".into()),
        Some(Some(id)) => {
            clauses.push("t.assignee_id = ?".into());
            args.push(Value::Integer(id));
        }
        None => {}
    }
    if let Some(no) = &q.customer_no {
        clauses.push("t.customer_id = (SELECT id FROM customers WHERE customer_no = ?)".into());
        args.push(Value::Text(no.clone()));
    }
    if let (Some(_), Some(words)) = (q.search.as_deref().and_then(fts_query), q.search.as_deref()) {
        if let Some(hits) = hits {
            // The tickets found before (a JSON array of ids): staff search's from the FTS
            // indexes (`staff_hits`: the newest SEARCH_ROWS matching texts and field rows,
            // bounded, issue 24), a customer's from one matching pass (`customer_hits`).
            clauses.push("t.id IN (SELECT value FROM json_each(?))".into());
            args.push(Value::Text(hits.to_string()));
        } else if scope.is_customer() {
            // Scoped before matched (db::search): only this customer's tickets (the clauses
            // above), their visible activities and their field row are read and matched.
            clauses.push(format!(
                "({m}(t.subject, ?)
                  OR EXISTS (SELECT 1 FROM activities a WHERE a.ticket_id = t.id AND a.internal = 0
                             AND {m}(coalesce(a.email_subject || char(10), '') || a.body, ?))
                  OR EXISTS (SELECT 1 FROM field_search f WHERE f.rowid = t.id AND {m}(f.text, ?)))",
                m = super::search::MATCH_FN
            ));
            for _ in 0..3 {
                args.push(Value::Text(words.to_string()));
            }
        }
    }
    match q.deferral {
        Deferral::Any => {}
        Deferral::Due(now) => {
            clauses.push(if page { "+t.follow_up_at <= ?" } else { "t.follow_up_at <= ?" }.into());
            args.push(Value::Integer(now));
        }
        Deferral::Later(now) => {
            clauses.push("t.follow_up_at > ?".into());
            args.push(Value::Integer(now));
        }
    }
    if let Some(after) = q.after_id {
        clauses.push("t.id > ?".into());
        args.push(Value::Integer(after));
    }
    if let Some(since) = q.updated_since {
        clauses.push("t.staff_last_activity_at >= ?".into());
        args.push(Value::Integer(since));
    }
    for (key, value) in &q.fields {
        clauses.push("t.id IN (SELECT ticket_id FROM ticket_fields WHERE key = ? AND value = ?)".into());
        args.push(Value::Text(key.clone()));
        args.push(Value::Text(value.clone()));
    }
    let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    (sql, args)
}

/// No filter but status, month and year (and the sort): a query the trigger-kept counts
/// (`open_counts`, `customer_counts`) can answer without counting tickets.
fn no_filter_beyond_status_and_month(q: &TicketQuery) -> bool {
    q.priority.is_none()
        && q.assignee.is_none()
        && q.customer_no.is_none()
        && q.search.is_none()
        && q.fields.is_empty()
        && q.deferral == Deferral::Any
        && q.after_id.is_none()
        && q.updated_since.is_none()
}

/// Count and time total from the trigger-kept `ticket_counts` when a staff query filters by
/// nothing but status and month, from `customer_counts` when a customer's filters by nothing
/// but month; `None` when the rows must be counted.
fn counted_totals(
    conn: &Connection,
    scope: Scope,
    q: &TicketQuery,
    views: Option<&ViewTotals>,
) -> Result<Option<(i64, i64)>> {
    let plain = matches!(scope, Scope::Staff) && no_filter_beyond_status_and_month(q);
    // The active views (not closed, not deferred now), whole queue, mine or unassigned: from
    // the trigger-kept open_counts (schema 0024), not a count of every open ticket.
    let active = matches!(scope, Scope::Staff)
        && q.status == Some(StatusFilter::Open)
        && q.exact_status.is_none()
        && q.year.is_none()
        && q.priority.is_none()
        && q.customer_no.is_none()
        && q.search.is_none()
        && q.fields.is_empty()
        && q.after_id.is_none()
        && q.updated_since.is_none();
    // Deferred or not (`Any`, e.g. `?status=active&assignee=mine`): nothing is deferred past
    // the end of time, so the same counters answer without subtracting anything.
    let due_at = match q.deferral {
        Deferral::Due(now) => Some(now),
        Deferral::Any => Some(i64::MAX),
        Deferral::Later(_) => None,
    };
    if let (true, Some(now)) = (active, due_at) {
        let who = match q.assignee {
            None => None,
            Some(None) => Some(0),
            Some(Some(id)) => Some(id),
        };
        if let Some(t) = views.and_then(|v| v.due(who, now)) {
            return Ok(Some(t));
        }
        return Ok(Some(due_totals(conn, who, now)?));
    }
    let (from, to) = match (q.year, q.month) {
        (Some(y), Some(m)) => (month_key(y, m), month_key(y, m)),
        (Some(y), None) => (month_key(y, 1), month_key(y, 12)),
        _ => (i64::MIN, i64::MAX),
    };
    // A customer's overview of all statuses, by month or not: from the trigger-kept
    // `customer_counts` (schema 0010, what the month picker shows), not a count of the
    // month's tickets in `tickets_customer_month`.
    if let Scope::Customer(id) = scope {
        let all_statuses = q.status.is_none_or(|s| s == StatusFilter::All) && q.exact_status.is_none();
        let unfiltered = no_filter_beyond_status_and_month(q);
        if !(all_statuses && unfiltered) {
            return Ok(None);
        }
        return Ok(Some(
            conn.prepare_cached(
                "SELECT coalesce(sum(n), 0), coalesce(sum(minutes), 0) FROM customer_counts
                 WHERE customer_id = ?1 AND month BETWEEN ?2 AND ?3",
            )?
            .query_row(params![id, from, to], |r| Ok((int_at(r, 0)?, int_at(r, 1)?)))?,
        ));
    }
    if !plain {
        return Ok(None);
    }
    let status_sql = match (q.exact_status, q.status) {
        (Some(_), _) => "status = ?3",
        (None, Some(StatusFilter::Open)) => "status <> 'closed' AND ?3 IS NULL",
        (None, Some(StatusFilter::Closed)) => "status = 'closed' AND ?3 IS NULL",
        _ => "?3 IS NULL",
    };
    let sql = format!(
        "SELECT coalesce(sum(n), 0), coalesce(sum(minutes), 0) FROM ticket_counts
         WHERE month BETWEEN ?1 AND ?2 AND {status_sql}"
    );
    let status = q.exact_status.map(|s| s.as_str());
    Ok(Some(conn.prepare_cached(&sql)?.query_row(params![from, to, status], |r| Ok((r.get(0)?, r.get(1)?)))?))
}

/// A page of tickets with the field values of its rows (`TicketPage::fields`).
pub fn list(conn: &Connection, scope: Scope, q: &TicketQuery) -> Result<TicketPage> {
    list_with(conn, scope, q, ListRead::ALL)
}

/// [`list`], reading only what `read` asks for besides the columns every table shows: a table
/// without a list-column field shows no field values (`ticket_fields` not read: 5–6 % of an
/// overview), the customer's side shows neither customer nor assignee (no join with
/// `customers` and `staff`, three `String`s less per row).
pub fn list_with(conn: &Connection, scope: Scope, q: &TicketQuery, read: ListRead) -> Result<TicketPage> {
    list_counted(conn, scope, q, read, None, None)
}

/// [`list_with`] for a ticket table (the customer's overview): the rows with their texts in
/// one buffer ([`SummaryRows`]), no `String` per text and row.
pub fn list_rows(conn: &Connection, scope: Scope, q: &TicketQuery, read: ListRead) -> Result<TicketPage<SummaryRows>> {
    list_counted(conn, scope, q, read, None, None)
}

/// The staff queue's [`list_with`]: an active view's totals come from the tabs' counts read
/// before ([`view_totals`]), not from two more statements.
/// `staff`: every staff member (`db::staff::list`, which the queue reads for its filter
/// anyway): the rows' assignee names come from it instead of a join with `staff` (a B-tree
/// seek per assigned row).
pub fn queue_list(
    conn: &Connection,
    q: &TicketQuery,
    read: ListRead,
    views: &ViewTotals,
    staff: &[StaffMember],
) -> Result<TicketPage<SummaryRows>> {
    list_counted(conn, Scope::Staff, q, read, Some(views), Some(staff))
}

/// How a list's row is read: the customer's table's columns ([`CUSTOMER_COLS`]), the queue's
/// ([`QUEUE_COLS`], the assignees' names from `names`) or the whole summary.
#[derive(Clone, Copy)]
enum RowRead<'a> {
    Customer,
    Queue { names: &'a [StaffMember] },
    Summary { scope: Scope },
}

/// Where a list's rows go: `TicketSummary`s, or a table's rows with their texts in one buffer.
trait ListSink: Sized {
    fn with_capacity(rows: usize) -> Self;
    /// `with_id`: whether the ticket id is read (a table needs it only for its field values
    /// and the last row's cursor; a `TicketSummary` always has it).
    fn push_row(&mut self, r: &Row, how: RowRead, with_id: bool) -> rusqlite::Result<()>;
    fn count(&self) -> usize;
    fn id_at(&self, i: usize) -> i64;
}

impl ListSink for Vec<TicketSummary> {
    fn with_capacity(rows: usize) -> Self {
        Vec::with_capacity(rows)
    }
    fn push_row(&mut self, r: &Row, how: RowRead, _with_id: bool) -> rusqlite::Result<()> {
        self.push(match how {
            RowRead::Customer => customer_summary_from_row(r)?,
            RowRead::Queue { names } => {
                let t = queue_ref(r, names, true)?;
                TicketSummary {
                    id: t.id,
                    number: t.number.to_string(),
                    subject: t.subject.to_string(),
                    status: t.status,
                    priority: t.priority,
                    customer_no: t.customer_no.to_string(),
                    customer_name: t.customer_name.to_string(),
                    assignee: t.assignee.map(str::to_string),
                    created_at: 0,
                    activity_count: t.activity_count,
                    last_activity_at: t.last_activity_at,
                    last_activity_kind: t.last_activity_kind,
                    last_activity_by: t.last_activity_by.to_string(),
                    minutes: t.minutes,
                    follow_up_at: t.follow_up_at,
                    customer_activity_at: None,
                    unread: t.unread,
                }
            }
            RowRead::Summary { scope } => TicketSummary { unread: r.get(SUMMARY_LEN)?, ..summary_from_row(r, scope)? },
        });
        Ok(())
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn id_at(&self, i: usize) -> i64 {
        self[i].id
    }
}

impl ListSink for SummaryRows {
    fn with_capacity(rows: usize) -> Self {
        // ~70 bytes of text a row (number, subject, names).
        SummaryRows::with_capacity(rows, rows * 96)
    }
    /// The same columns as `Vec<TicketSummary>`'s reader, the texts borrowed from the row and
    /// copied into the buffer once.
    fn push_row(&mut self, r: &Row, how: RowRead, with_id: bool) -> rusqlite::Result<()> {
        let id = |i: usize| if with_id { int_at(r, i) } else { Ok(0) };
        let text = |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
        let status = |i: usize| -> rusqlite::Result<Status> {
            Ok(named(r, i, Status::ALL, Status::as_str)?.unwrap_or(Status::Open))
        };
        let priority = |i: usize| -> rusqlite::Result<Priority> {
            Ok(named(r, i, Priority::ALL, Priority::as_str)?.unwrap_or(Priority::Normal))
        };
        let kind = |i: usize| -> rusqlite::Result<ActivityKind> {
            Ok(named(r, i, ActivityKind::ALL, ActivityKind::as_str)?.unwrap_or(ActivityKind::Message))
        };
        match how {
            RowRead::Customer => {
                const C: &str = CUSTOMER_COLS;
                self.push(SummaryRef {
                    id: id(const { col_index(C, "t.id") })?,
                    number: text(const { col_index(C, "t.number") })?,
                    subject: text(const { col_index(C, "t.subject") })?,
                    status: status(const { col_index(C, "t.status") })?,
                    priority: priority(const { col_index(C, "t.priority") })?,
                    customer_no: "",
                    customer_name: "",
                    assignee: None,
                    activity_count: int_at(r, const { col_index(C, "t.activity_count") })?,
                    last_activity_at: int_at(r, const { col_index(C, "t.last_activity_at") })?,
                    last_activity_kind: kind(const { col_index(C, "t.last_activity_kind") })?,
                    last_activity_by: text(const { col_index(C, "t.last_activity_by") })?,
                    minutes: int_at(r, const { col_index(C, "t.minutes") })?,
                    follow_up_at: None,
                    unread: false,
                });
            }
            RowRead::Queue { names } => self.push(queue_ref(r, names, with_id)?),
            RowRead::Summary { scope } => {
                const S: &str = SUMMARY_COLS;
                let staff = matches!(scope, Scope::Staff);
                let assignee = r.get_ref(const { col_index(S, "s.name") })?.as_str_or_null()?;
                let (count, last_at) = if staff {
                    (
                        const { col_index(S, "t.staff_activity_count") },
                        const { col_index(S, "t.staff_last_activity_at") },
                    )
                } else {
                    (const { col_index(S, "t.activity_count") }, const { col_index(S, "t.last_activity_at") })
                };
                self.push(SummaryRef {
                    id: id(const { col_index(S, "t.id") })?,
                    number: text(const { col_index(S, "t.number") })?,
                    subject: text(const { col_index(S, "t.subject") })?,
                    status: status(const { col_index(S, "t.status") })?,
                    priority: priority(const { col_index(S, "t.priority") })?,
                    customer_no: text(const { col_index(S, "c.customer_no") })?,
                    customer_name: text(const { col_index(S, "c.name") })?,
                    assignee,
                    activity_count: int_at(r, count)?,
                    last_activity_at: int_at(r, last_at)?,
                    last_activity_kind: kind(const { col_index(S, "t.last_activity_kind") })?,
                    last_activity_by: text(const { col_index(S, "t.last_activity_by") })?,
                    minutes: int_at(r, const { col_index(S, "t.minutes") })?,
                    follow_up_at: Some(int_at(r, FOLLOW_UP_AT)?).filter(|v| *v > 0),
                    unread: int_at(r, SUMMARY_LEN)? != 0,
                });
            }
        }
        Ok(())
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn id_at(&self, i: usize) -> i64 {
        self.id(i)
    }
}

fn list_counted<R: ListSink>(
    conn: &Connection,
    scope: Scope,
    q: &TicketQuery,
    read: ListRead,
    views: Option<&ViewTotals>,
    staff: Option<&[StaffMember]>,
) -> Result<TicketPage<R>> {
    let mut capped = false;
    let hits = match (scope, q.search.as_deref()) {
        (Scope::Staff, Some(input)) => staff_hits(conn, input)?.map(|(ids, more)| {
            capped = more;
            ids
        }),
        (_, Some(input)) if scope.is_customer() && fts_query(input).is_some() => Some(customer_hits(conn, scope, q)?),
        _ => None,
    };
    let (total, minutes): (i64, i64) = if let Some(t) = counted_totals(conn, scope, q, views)? {
        t
    } else {
        let (where_sql, args) = where_clause(scope, q, hits.as_deref(), false);
        conn.prepare_cached(&format!("SELECT count(*), coalesce(sum(t.minutes), 0) FROM tickets t {where_sql}"))?
            .query_row(params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?
    };
    let (where_sql, args) = where_clause(scope, q, hits.as_deref(), true);
    let keys = sort_keys(scope, q.sort);
    let mut order: Vec<String> =
        keys.iter().map(|(expr, desc)| if *desc { format!("{expr} DESC") } else { expr.to_string() }).collect();
    order.push(if q.sort == Sort::Stable { "t.id ASC".into() } else { "t.id DESC".into() });
    let order = order.join(", ");
    let page_size = q.page_size.max(1);
    // Keyset (issue 24): with the previous page's last key, read on from there in the index of
    // the order; without one (a typed `?page=N`), skip OFFSET rows as before.
    let mut args = args;
    let mut where_sql = where_sql;
    let cursor = q.after_key.as_ref().filter(|k| q.sort != Sort::Stable && k.0.len() == keys.len() + 1);
    let offset = if let Some(key) = cursor {
        let (clause, values) = after_clause(&keys, &key.0);
        where_sql = if where_sql.is_empty() { format!("WHERE {clause}") } else { format!("{where_sql} AND {clause}") };
        args.extend(values);
        0
    } else {
        q.page.saturating_sub(1) * page_size
    };
    // A typed deep page (OFFSET): the skipped rows are counted from the order's index alone,
    // their ids first (no join, no row read per skipped ticket: at 1M tickets the skipped rows
    // of `?page=50` lie on thousands of table pages), then the page's 50 rows by id.
    let offset = if offset > 0 {
        let ids_sql =
            format!("SELECT t.id FROM tickets t {where_sql} ORDER BY {order} LIMIT {page_size} OFFSET {offset}");
        let ids: Vec<i64> = conn
            .prepare_cached(&ids_sql)?
            .query_map(params_from_iter(args.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        where_sql = "WHERE t.id IN (SELECT value FROM json_each(?))".into();
        args = vec![Value::Text(format!("[{}]", list.join(",")))];
        0
    } else {
        offset
    };
    // The customer's own table reads only what it shows (`CUSTOMER_COLS`); everything else,
    // the staff's customer page and the exports included, reads the whole summary.
    let customer_table = !read.people && scope.is_customer();
    // The staff queue's table reads only what it shows (`QUEUE_COLS`).
    let queue = staff.filter(|_| read.people && matches!(scope, Scope::Staff));
    // The row's columns, and where the columns after them start (after `unread`).
    let (cols, extra_at) = match (customer_table, queue) {
        (true, _) => (CUSTOMER_COLS, CUSTOMER_LEN),
        (false, Some(_)) => (QUEUE_COLS, QUEUE_LEN + 1),
        (false, None) => (SUMMARY_COLS, SUMMARY_LEN + 1),
    };
    // The sort keys follow the row's columns, read by position (by name, each row formatted
    // `sort_k{i}` and compared it with every column's name); a key the row already selects
    // (the customer's `t.last_activity_at`) is read from there, not selected twice.
    let mut key_cols = String::new();
    let mut keys_at = [0usize; MAX_SORT_KEYS];
    for (i, (expr, _)) in keys.iter().enumerate() {
        keys_at[i] = col_position(cols, expr).unwrap_or_else(|| {
            key_cols.push_str(&format!(", {expr} AS sort_k{i}"));
            extra_at + i
        });
    }
    // Unread for the viewer: customer activity newer than what they saw (never seen: any).
    let unread = match (scope, q.viewer) {
        (Scope::Staff, Some(viewer)) => format!(
            "coalesce(t.customer_activity_id >
                        (SELECT activity_id FROM ticket_seen WHERE staff_id = {viewer} AND ticket_id = t.id),
                      t.customer_activity_id IS NOT NULL)"
        ),
        _ => "0".to_string(),
    };
    // The queue's the same through a join: the subquery opened a cursor on `ticket_seen` per
    // row (~800 instructions a row), the join one per statement (`ticket_seen`'s key is
    // (staff_id, ticket_id): at most one row a ticket).
    let (queue_unread, seen_join) = match (scope, q.viewer) {
        (Scope::Staff, Some(viewer)) => (
            "coalesce(t.customer_activity_id > ts.activity_id, t.customer_activity_id IS NOT NULL)",
            format!("LEFT JOIN ticket_seen ts ON ts.staff_id = {viewer} AND ts.ticket_id = t.id"),
        ),
        _ => ("0", String::new()),
    };
    let sql = if customer_table {
        format!("SELECT {CUSTOMER_COLS}{key_cols} FROM tickets t {where_sql} ORDER BY {order} LIMIT {page_size} OFFSET {offset}")
    } else if queue.is_some() {
        format!(
            "SELECT {QUEUE_COLS}, {queue_unread} AS unread{key_cols}
             FROM tickets t JOIN customers c ON c.id = t.customer_id {seen_join}
             {where_sql} ORDER BY {order} LIMIT {page_size} OFFSET {offset}"
        )
    } else if read.people {
        format!(
            "SELECT {SUMMARY_COLS}, {unread} AS unread{key_cols}
             FROM tickets t JOIN customers c ON c.id = t.customer_id LEFT JOIN staff s ON s.id = t.assignee_id
             {where_sql} ORDER BY {order} LIMIT {page_size} OFFSET {offset}"
        )
    } else {
        // The same columns in the same places, the people's as empty constants; a ticket
        // always has its customer (foreign key), so the inner join dropped no row.
        let cols = SUMMARY_COLS.replacen(PEOPLE_COLS, NO_PEOPLE_COLS, 1);
        format!(
            "SELECT {cols}, {unread} AS unread{key_cols}
             FROM tickets t {where_sql} ORDER BY {order} LIMIT {page_size} OFFSET {offset}"
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    // Only the last row's sort key is kept.
    let mut last_key = [0i64; MAX_SORT_KEYS];
    let mut rows = R::with_capacity(page_size.min(500));
    let how = match (customer_table, queue) {
        (true, _) => RowRead::Customer,
        (false, Some(names)) => RowRead::Queue { names },
        (false, None) => RowRead::Summary { scope },
    };
    let mut result = stmt.query(params_from_iter(args.iter()))?;
    // The sort key and the id of a row are needed only for the cursor, which comes from the
    // row at `page_size - 1` (a full page); the ids of all rows when their field values are read.
    let mut at = 0;
    while let Some(r) = result.next()? {
        let last = at + 1 == page_size;
        if last {
            for (i, k) in last_key.iter_mut().enumerate().take(keys.len()) {
                *k = int_at(r, keys_at[i])?;
            }
        }
        rows.push_row(r, how, last || read.fields)?;
        at += 1;
    }
    let n = rows.count();
    let next_after = (n > 0 && n == page_size && q.sort != Sort::Stable).then(|| {
        let mut key = last_key[..keys.len()].to_vec();
        key.push(rows.id_at(n - 1));
        SortKey(key)
    });
    let fields = if read.fields {
        let ids: Vec<i64> = (0..n).map(|i| rows.id_at(i)).collect();
        fields_for(conn, &ids)?
    } else {
        Default::default()
    };
    Ok(TicketPage { rows, total, minutes, fields, capped, next_after })
}

/// The most columns [`sort_keys`] gives (a `SortKey` has at most four parts, the id last).
const MAX_SORT_KEYS: usize = 3;

/// The columns a list is ordered by before the ticket id (which comes last, descending except
/// for [`Sort::Stable`]), each with `true` for descending. The expressions are those of the
/// indexes that serve the orders (tickets_attention and its month variants, 0016/0019).
fn sort_keys(scope: Scope, sort: Sort) -> Vec<(&'static str, bool)> {
    match (scope, sort) {
        (_, Sort::Created) => vec![("t.created_at", true)],
        (_, Sort::Stable) => vec![],
        (_, Sort::Priority) => vec![
            ("CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END", false),
            ("t.staff_last_activity_at", true),
        ],
        (Scope::Customer(_) | Scope::Member { .. }, Sort::LastActivity | Sort::CustomerActivity) => {
            vec![("t.last_activity_at", true)]
        }
        (Scope::Staff, Sort::CustomerActivity) => vec![("coalesce(t.customer_activity_at, t.created_at)", true)],
        (Scope::Staff, Sort::LastActivity) => vec![("t.staff_last_activity_at", true)],
    }
}

/// The rows after `key` (the keys' values, then the id) in the order of `keys` then `t.id
/// DESC`: `k1 <= v1 AND (k1 < v1 OR (k1 = v1 AND (… t.id < id)))`. The first, redundant bound
/// gives SQLite a range on the index's leading column.
fn after_clause(keys: &[(&str, bool)], key: &[i64]) -> (String, Vec<Value>) {
    let mut clause = "t.id < ?".to_string();
    let mut values = vec![Value::Integer(key[keys.len()])];
    for (i, (expr, desc)) in keys.iter().enumerate().rev() {
        let op = if *desc { "<" } else { ">" };
        clause = format!("({expr} {op} ? OR ({expr} = ? AND {clause}))");
        let mut v = vec![Value::Integer(key[i]), Value::Integer(key[i])];
        v.extend(values);
        values = v;
    }
    if let Some((expr, desc)) = keys.first() {
        let op = if *desc { "<=" } else { ">=" };
        clause = format!("{expr} {op} ? AND {clause}");
        values.insert(0, Value::Integer(key[0]));
    }
    (clause, values)
}

/// Months (`YYYYMM`) that have tickets, newest first, with counts.
pub fn month_counts(conn: &Connection, scope: Scope) -> Result<Vec<(i64, i64)>> {
    let (sql, arg) = match scope {
        // Both from trigger-kept counters (schema 0009, 0010), not from the tickets.
        Scope::Customer(id) => {
            ("SELECT month, n FROM customer_counts WHERE customer_id = ?1 AND n > 0 ORDER BY month DESC", Some(id))
        }
        // A member's few tickets are counted (no counter per person).
        Scope::Member { customer, contact } => {
            let sql = format!(
                "SELECT t.created_month, count(*) FROM tickets t WHERE t.customer_id = ?1 AND {MEMBER_FILTER}
                 GROUP BY t.created_month ORDER BY t.created_month DESC"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(params![customer, contact, contact], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            return Ok(rows);
        }
        Scope::Staff => (
            "SELECT month, sum(n) FROM ticket_counts WHERE ?1 IS NULL
             GROUP BY month HAVING sum(n) > 0 ORDER BY month DESC",
            None,
        ),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([arg], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// [`month_counts`] and [`total_minutes`] at once (the overview shows both): a customer's from
/// one pass over their `customer_counts` rows (one statement instead of two over the same
/// rows), others' as the two functions give them.
pub fn month_counts_and_total(conn: &Connection, scope: Scope) -> Result<(Vec<(i64, i64)>, i64)> {
    let Scope::Customer(id) = scope else {
        return Ok((month_counts(conn, scope)?, total_minutes(conn, scope)?));
    };
    let mut stmt = conn
        .prepare_cached("SELECT month, n, minutes FROM customer_counts WHERE customer_id = ?1 ORDER BY month DESC")?;
    let mut rows = stmt.query([id])?;
    let (mut months, mut total) = (Vec::with_capacity(64), 0i64);
    while let Some(r) = rows.next()? {
        let n = int_at(r, 1)?;
        if n > 0 {
            months.push((int_at(r, 0)?, n));
        }
        total += int_at(r, 2)?;
    }
    Ok((months, total))
}

/// The overview's pickers and time total: the years with tickets `(year, count)` and the months
/// with tickets `(YYYYMM, count)`, both newest first, and the minutes of all tickets. A
/// customer's years and total from the trigger-kept `customer_year_counts` (schema 0028), the
/// months only of `year` (none without one: the month picker is empty then) — ~16 rows instead
/// of every month's (each ~1,400 instructions through rusqlite). Others' from
/// [`month_counts_and_total`], the years summed from the months.
pub type OverviewCounts = (Vec<(i32, i64)>, Vec<(i64, i64)>, i64);

pub fn overview_counts(conn: &Connection, scope: Scope, year: Option<i32>) -> Result<OverviewCounts> {
    let Scope::Customer(id) = scope else {
        let (months, total) = month_counts_and_total(conn, scope)?;
        let mut years: Vec<(i32, i64)> = Vec::new();
        for &(ym, n) in &months {
            let y = (ym / 100) as i32;
            match years.last_mut() {
                Some((yy, sum)) if *yy == y => *sum += n,
                _ => years.push((y, n)),
            }
        }
        return Ok((years, months, total));
    };
    let mut stmt = conn.prepare_cached(
        "SELECT year, n, minutes FROM customer_year_counts WHERE customer_id = ?1 ORDER BY year DESC",
    )?;
    let mut rows = stmt.query([id])?;
    let (mut years, mut total) = (Vec::with_capacity(8), 0i64);
    while let Some(r) = rows.next()? {
        let n = int_at(r, 1)?;
        if n > 0 {
            years.push((int_at(r, 0)? as i32, n));
        }
        total += int_at(r, 2)?;
    }
    let mut months = Vec::with_capacity(12);
    if let Some(y) = year {
        let mut stmt = conn.prepare_cached(
            "SELECT month, n FROM customer_counts WHERE customer_id = ?1 AND month BETWEEN ?2 AND ?3 AND n > 0
             ORDER BY month DESC",
        )?;
        let mut rows = stmt.query(params![id, month_key(y, 1), month_key(y, 12)])?;
        while let Some(r) = rows.next()? {
            months.push((int_at(r, 0)?, int_at(r, 1)?));
        }
    }
    Ok((years, months, total))
}

/// Time spent on all of a customer's tickets.
pub fn total_minutes(conn: &Connection, scope: Scope) -> Result<i64> {
    Ok(match scope {
        Scope::Customer(id) => conn
            .prepare_cached("SELECT coalesce(sum(minutes), 0) FROM customer_counts WHERE customer_id = ?1")?
            .query_row([id], |r| r.get(0))?,
        Scope::Member { customer, contact } => conn
            .prepare_cached(&format!(
                "SELECT coalesce(sum(t.minutes), 0) FROM tickets t WHERE t.customer_id = ?1 AND {MEMBER_FILTER}"
            ))?
            .query_row(params![customer, contact, contact], |r| r.get(0))?,
        Scope::Staff => super::row(conn, "SELECT coalesce(sum(minutes), 0) FROM tickets", [], |r| r.get(0))?,
    })
}

pub fn set_priority(conn: &Connection, ticket_id: i64, p: Priority) -> Result<()> {
    conn.execute("UPDATE tickets SET priority = ?2 WHERE id = ?1", params![ticket_id, p.as_str()])?;
    Ok(())
}

pub fn set_assignee(conn: &Connection, ticket_id: i64, staff_id: Option<i64>) -> Result<()> {
    conn.execute("UPDATE tickets SET assignee_id = ?2 WHERE id = ?1", params![ticket_id, staff_id])?;
    Ok(())
}

/// Tickets per status, over all customers (the queue's tabs), from the trigger-kept counts.
/// Tickets per status, and per month (`YYYYMM`, newest first, months with none left out).
pub type QueueCounts = (Vec<(Status, i64)>, Vec<(i64, i64)>);

/// The queue's status tabs and month picker: [`status_counts`] and the staff's [`month_counts`]
/// from the trigger-kept sums of `ticket_counts` per month and per status (schema 0028): ~35
/// rows instead of every (month, status) row of `ticket_counts` (125 in three years; a row
/// through rusqlite costs ~1,500 instructions, a step and three column reads: 17 % of a queue
/// page). Summing those rows in SQL (`GROUP BY`, `FILTER`, `group_concat`) cost more, not less.
pub fn queue_counts(conn: &Connection) -> Result<QueueCounts> {
    let mut statuses: Vec<(Status, i64)> = Vec::with_capacity(8);
    let mut stmt = conn.prepare_cached("SELECT status, n FROM ticket_status_counts")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(status) = named(r, 0, Status::ALL, Status::as_str)? {
            statuses.push((status, int_at(r, 1)?));
        }
    }
    // As `GROUP BY status` gave them (the key's order is the same; sorted anyway).
    statuses.sort_by_key(|(s, _)| s.as_str());
    let mut months: Vec<(i64, i64)> = Vec::with_capacity(64);
    let mut stmt = conn.prepare_cached("SELECT month, n FROM ticket_month_counts WHERE n > 0 ORDER BY month DESC")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        months.push((int_at(r, 0)?, int_at(r, 1)?));
    }
    Ok((statuses, months))
}

pub fn status_counts(conn: &Connection) -> Result<Vec<(Status, i64)>> {
    let mut stmt = conn.prepare_cached("SELECT status, sum(n) FROM ticket_counts GROUP BY status")?;
    let rows: Vec<(String, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n))).collect())
}

// ------------------------------------------------------------------------ the staff day (0016)

/// Whether the staff member has not seen the ticket's latest customer activity.
pub fn unseen(conn: &Connection, staff_id: i64, ticket_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT t.customer_activity_id IS NOT NULL
                    AND t.customer_activity_id > coalesce(s.activity_id, 0)
             FROM tickets t LEFT JOIN ticket_seen s ON s.staff_id = ?1 AND s.ticket_id = t.id
             WHERE t.id = ?2",
        )?
        .query_row([staff_id, ticket_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Notes that the staff member has seen the ticket's latest customer activity.
pub fn mark_seen(conn: &Connection, staff_id: i64, ticket_id: i64, now: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ticket_seen (staff_id, ticket_id, activity_id, seen_at)
         SELECT ?1, id, customer_activity_id, ?3 FROM tickets WHERE id = ?2 AND customer_activity_id IS NOT NULL
         ON CONFLICT (staff_id, ticket_id) DO UPDATE SET activity_id = excluded.activity_id, seen_at = excluded.seen_at",
    )?
    .execute(params![staff_id, ticket_id, now])?;
    Ok(())
}

/// Sets the follow-up instant (`None`: none).
pub fn set_follow_up(conn: &Connection, ticket_id: i64, at: Option<i64>) -> Result<()> {
    conn.prepare_cached("UPDATE tickets SET follow_up_at = ?2 WHERE id = ?1")?
        .execute(params![ticket_id, at.unwrap_or(0)])?;
    Ok(())
}

/// Tickets in the queue's views: not closed and not deferred (all, mine, unassigned), and
/// deferred past `now`; from the partial indexes of schema 0016.
pub fn view_counts(conn: &Connection, staff_id: i64, now: i64) -> Result<[i64; 4]> {
    Ok(view_totals(conn, now)?.counts(staff_id))
}

/// The not closed tickets per assignee and those of them deferred past `now`, from two
/// statements: all of `open_counts` (one row per agent and one for the unassigned, schema
/// 0024) and the deferred tickets' assignees and minutes (`tickets_active_follow_up`, 0016; a
/// few — a follow-up date ends when the customer writes). The queue's tabs and its active
/// view's totals all come from these; before, each tab asked both tables (seven statements
/// a queue page, two more for the list's totals).
pub fn view_totals(conn: &Connection, now: i64) -> Result<ViewTotals> {
    let mut open = Vec::with_capacity(16);
    let mut stmt = conn.prepare_cached("SELECT assignee_id, n, minutes FROM open_counts")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        open.push((int_at(r, 0)?, int_at(r, 1)?, int_at(r, 2)?));
    }
    // Not grouped in SQL: with `GROUP BY assignee_id` SQLite walks all open tickets in an
    // assignee index instead of the few deferred ones in the follow-up index.
    let mut deferred: Vec<(i64, i64, i64)> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(assignee_id, 0), minutes FROM tickets WHERE status <> 'closed' AND follow_up_at > ?1",
    )?;
    let mut rows = stmt.query([now])?;
    while let Some(r) = rows.next()? {
        let (who, minutes) = (int_at(r, 0)?, int_at(r, 1)?);
        match deferred.iter_mut().find(|(w, _, _)| *w == who) {
            Some((_, n, m)) => {
                *n += 1;
                *m += minutes;
            }
            None => deferred.push((who, 1, minutes)),
        }
    }
    Ok(ViewTotals { now, open, deferred })
}

/// What [`view_totals`] read: `(assignee, count, minutes)` rows, the assignee 0 for the
/// unassigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewTotals {
    /// The instant the deferred tickets were counted at.
    pub now: i64,
    /// Not closed tickets per assignee (`open_counts`).
    pub open: Vec<(i64, i64, i64)>,
    /// Of those, the ones deferred past `now`.
    pub deferred: Vec<(i64, i64, i64)>,
}

impl ViewTotals {
    /// Count and minutes of everyone's (`None`), one agent's or the unassigned's (`Some(0)`)
    /// tickets not closed and not deferred at `at` — as `due_totals` counts them. Known only for
    /// `at` = `self.now` and `i64::MAX` (nothing is deferred past the end of time).
    pub fn due(&self, who: Option<i64>, at: i64) -> Option<(i64, i64)> {
        let sum = |rows: &[(i64, i64, i64)]| {
            rows.iter().filter(|(w, _, _)| who.is_none_or(|who| *w == who)).fold((0, 0), |(n, m), r| (n + r.1, m + r.2))
        };
        let (n, minutes) = sum(&self.open);
        let (dn, dminutes) = match at {
            i64::MAX => (0, 0),
            at if at == self.now => sum(&self.deferred),
            _ => return None,
        };
        Some((n - dn, minutes - dminutes))
    }

    /// The tabs' counts: active, mine (`staff_id`), unassigned, deferred.
    pub fn counts(&self, staff_id: i64) -> [i64; 4] {
        let due = |who| self.due(who, self.now).map_or(0, |(n, _)| n);
        [due(None), due(Some(staff_id)), due(Some(0)), self.deferred.iter().map(|r| r.1).sum()]
    }
}

/// Count and time of the tickets not closed and not deferred at `now`, of everyone (`None`),
/// one staff member or the unassigned (`Some(0)`): the trigger-kept `open_counts` (schema
/// 0024) minus those deferred past now, which the partial indexes of 0016 hold (a few: a
/// follow-up date ends when the customer writes).
fn due_totals(conn: &Connection, assignee: Option<i64>, now: i64) -> Result<(i64, i64)> {
    let (open, deferred) = match assignee {
        None => (
            "SELECT coalesce(sum(n), 0), coalesce(sum(minutes), 0) FROM open_counts WHERE ?1 IS NULL",
            "SELECT count(*), coalesce(sum(minutes), 0) FROM tickets
             WHERE status <> 'closed' AND follow_up_at > ?2 AND ?1 IS NULL",
        ),
        Some(0) => (
            "SELECT coalesce(sum(n), 0), coalesce(sum(minutes), 0) FROM open_counts WHERE assignee_id = ?1",
            "SELECT count(*), coalesce(sum(minutes), 0) FROM tickets
             WHERE status <> 'closed' AND assignee_id IS NULL AND follow_up_at > ?2 AND ?1 = 0",
        ),
        Some(_) => (
            "SELECT coalesce(sum(n), 0), coalesce(sum(minutes), 0) FROM open_counts WHERE assignee_id = ?1",
            "SELECT count(*), coalesce(sum(minutes), 0) FROM tickets
             WHERE status <> 'closed' AND assignee_id = ?1 AND follow_up_at > ?2",
        ),
    };
    let (n, minutes): (i64, i64) = conn.prepare_cached(open)?.query_row([assignee], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (dn, dminutes): (i64, i64) =
        conn.prepare_cached(deferred)?.query_row(params![assignee, now], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((n - dn, minutes - dminutes))
}

/// Up to `limit` tickets waiting on the customer with no activity since `before`: auto-close.
pub fn waiting_since(conn: &Connection, before: i64, limit: usize) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number FROM tickets WHERE status = 'waiting' AND staff_last_activity_at < ?1
         ORDER BY staff_last_activity_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![before, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Activities with time spent on a customer's tickets in `[from, to)`, oldest first.
pub fn time_entries(conn: &Connection, customer_id: i64, from: i64, to: i64, scope: Scope) -> Result<Vec<TimeEntry>> {
    // A member's statement covers only their tickets (`?4`: the member, NULL for everyone else).
    let member = match scope {
        Scope::Member { contact, .. } => Some(contact),
        _ => None,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT t.number, t.subject, a.kind, a.internal, a.author_name, a.body, a.minutes, a.created_at
         FROM tickets t JOIN activities a ON a.ticket_id = t.id
         WHERE t.customer_id = ?1 AND a.created_at >= ?2 AND a.created_at < ?3 AND a.minutes > 0
           AND (?4 IS NULL OR t.contact_id = ?4 OR t.id IN (SELECT ticket_id FROM ticket_people WHERE contact_id = ?4))
         ORDER BY a.created_at, a.id",
    )?;
    let customer_view = scope.is_customer();
    let rows = stmt
        .query_map(params![customer_id, from, to, member], |r| {
            let internal: bool = r.get(3)?;
            Ok(TimeEntry {
                number: r.get(0)?,
                subject: r.get(1)?,
                kind: ActivityKind::parse(&r.get::<_, String>(2)?).unwrap_or(ActivityKind::Message),
                internal,
                author_name: r.get(4)?,
                body: if internal && customer_view { String::new() } else { r.get(5)? },
                minutes: r.get(6)?,
                created_at: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// When the customer's latest activity with time spent before `to` happened, if any.
pub fn latest_time_entry(conn: &Connection, customer_id: i64, to: i64) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT max(a.created_at) FROM tickets t JOIN activities a ON a.ticket_id = t.id
         WHERE t.customer_id = ?1 AND a.minutes > 0 AND a.created_at < ?2",
    )?;
    Ok(stmt.query_row(params![customer_id, to], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_without_people_reads_the_same_columns_in_the_same_places() {
        assert_eq!(SUMMARY_COLS.matches(PEOPLE_COLS).count(), 1);
        let without = SUMMARY_COLS.replacen(PEOPLE_COLS, NO_PEOPLE_COLS, 1);
        assert_eq!(col_count(&without), SUMMARY_LEN);
        assert_eq!(col_count(PEOPLE_COLS), col_count(NO_PEOPLE_COLS));
        assert!(!without.contains("c.") && !without.contains("s."), "{without}");
    }

    #[test]
    fn the_queue_reads_its_own_columns_and_no_staff_join() {
        assert_eq!(col_count(QUEUE_COLS), 14);
        assert_eq!(col_index(QUEUE_COLS, "t.follow_up_at"), QUEUE_LEN - 1);
        assert!(!QUEUE_COLS.contains("s."), "{QUEUE_COLS}");
        // Every column it reads is one the whole summary has, but the assignee's id.
        for col in QUEUE_COLS.split(',').map(str::trim).filter(|c| *c != "t.assignee_id") {
            assert!(SUMMARY_COLS.split(',').any(|c| c.trim() == col), "{col}");
        }
    }

    #[test]
    fn no_order_has_more_sort_keys_than_a_page_keeps() {
        use crate::model::Sort::*;
        for scope in [Scope::Staff, Scope::Customer(1)] {
            for sort in [Created, Stable, Priority, LastActivity, CustomerActivity] {
                assert!(sort_keys(scope, sort).len() <= MAX_SORT_KEYS, "{sort:?}");
            }
        }
    }

    #[test]
    fn fts_queries_quote_every_word() {
        assert_eq!(fts_query("Drucker defekt").as_deref(), Some("\"Drucker\"* \"defekt\"*"));
        assert_eq!(fts_query("\" OR 1=1 --").as_deref(), Some("\"OR\"* \"1\"* \"1\"*"));
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("Überweisung").as_deref(), Some("\"Überweisung\"*"));
    }

    #[test]
    fn a_customers_month_counts_and_total_are_those_of_the_two_statements() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../../schema/0010_customer_counts.sql").split("INSERT INTO").next().unwrap())
            .unwrap();
        let rows = [(1, 202401, 3, 40), (1, 202402, 0, 0), (1, 202403, 2, 15), (1, 202405, 1, 0), (2, 202403, 9, 99)];
        for (customer, month, n, minutes) in rows {
            conn.execute(
                "INSERT INTO customer_counts (customer_id, month, n, minutes) VALUES (?1, ?2, ?3, ?4)",
                params![customer, month, n, minutes],
            )
            .unwrap();
        }
        for id in [1, 2, 3] {
            let scope = Scope::Customer(id);
            let (months, total) = month_counts_and_total(&conn, scope).unwrap();
            assert_eq!(months, month_counts(&conn, scope).unwrap());
            assert_eq!(total, total_minutes(&conn, scope).unwrap());
        }
        assert_eq!(
            month_counts_and_total(&conn, Scope::Customer(1)).unwrap(),
            (vec![(202405, 1), (202403, 2), (202401, 3)], 55)
        );
    }

    #[test]
    fn a_customers_overview_counts_are_those_of_all_months() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrate(&mut conn).unwrap();
        let rows = [
            (1, 202311, 2, 10),
            (1, 202401, 3, 40),
            (1, 202402, 0, 0),
            (1, 202403, 2, 15),
            (1, 202405, 1, 0),
            (1, 202502, 0, 7),
            (2, 202403, 9, 99),
        ];
        for (customer, month, n, minutes) in rows {
            conn.execute(
                "INSERT INTO customer_counts (customer_id, month, n, minutes) VALUES (?1, ?2, ?3, ?4)",
                params![customer, month, n, minutes],
            )
            .unwrap();
        }
        // Changed as the triggers on `tickets` change them: a ticket moves from one month to another.
        conn.execute_batch(
            "UPDATE customer_counts SET n = n - 1, minutes = minutes - 5 WHERE customer_id = 1 AND month = 202401;
             INSERT INTO customer_counts (customer_id, month, n, minutes) VALUES (1, 202406, 1, 5)
                 ON CONFLICT (customer_id, month) DO UPDATE SET n = n + 1, minutes = minutes + 5;",
        )
        .unwrap();
        for (id, year) in
            [(1, Some(2024)), (1, None), (1, Some(2025)), (1, Some(2019)), (2, Some(2024)), (3, Some(2024))]
        {
            let scope = Scope::Customer(id);
            let (years, months, total) = overview_counts(&conn, scope, year).unwrap();
            let (all, all_total) = month_counts_and_total(&conn, scope).unwrap();
            assert_eq!(total, all_total);
            let in_year: Vec<_> = all.iter().copied().filter(|(ym, _)| Some((ym / 100) as i32) == year).collect();
            assert_eq!(months, in_year);
            let mut sums: Vec<(i32, i64)> = Vec::new();
            for (ym, n) in all {
                match sums.last_mut() {
                    Some((y, sum)) if *y == (ym / 100) as i32 => *sum += n,
                    _ => sums.push(((ym / 100) as i32, n)),
                }
            }
            assert_eq!(years, sums);
        }
        assert_eq!(
            overview_counts(&conn, Scope::Customer(1), Some(2024)).unwrap(),
            (vec![(2024, 6), (2023, 2)], vec![(202406, 1), (202405, 1), (202403, 2), (202401, 2)], 72)
        );
    }

    #[test]
    fn view_totals_count_as_the_statements_per_view_did() {
        // Agents 2 and 3, the unassigned (0); agent 2 and the unassigned have deferred tickets.
        let v = ViewTotals {
            now: 1_000,
            open: vec![(0, 4, 40), (2, 10, 100), (3, 1, 5)],
            deferred: vec![(2, 3, 30), (0, 1, 15)],
        };
        assert_eq!(v.due(None, 1_000), Some((11, 100)));
        assert_eq!(v.due(Some(2), 1_000), Some((7, 70)));
        assert_eq!(v.due(Some(0), 1_000), Some((3, 25)));
        assert_eq!(v.due(Some(3), 1_000), Some((1, 5)));
        assert_eq!(v.due(Some(-1), 1_000), Some((0, 0)), "an unknown agent has none");
        assert_eq!(v.due(Some(2), i64::MAX), Some((10, 100)), "nothing is deferred past the end of time");
        assert_eq!(v.due(None, i64::MAX), Some((15, 145)));
        assert_eq!(v.due(None, 999), None, "another instant is not known");
        assert_eq!(v.counts(2), [11, 7, 3, 4]);
        assert_eq!(v.counts(3), [11, 1, 3, 4]);
    }

    #[test]
    fn queue_counts_are_the_status_and_month_counts_of_ticket_counts() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrate(&mut conn).unwrap();
        let rows = [
            (202401, "open", 3),
            (202401, "closed", 5),
            (202402, "closed", 0),
            (202403, "waiting", 2),
            (202403, "in_progress", 1),
            (202403, "open", 0),
            (202405, "closed", 7),
            (202406, "open", 0),
        ];
        for (month, status, n) in rows {
            conn.execute(
                "INSERT INTO ticket_counts (month, status, n, minutes) VALUES (?1, ?2, ?3, 0)",
                params![month, status, n],
            )
            .unwrap();
        }
        conn.execute("INSERT INTO ticket_counts (month, status, n, minutes) VALUES (202407, 'unknown', 4, 0)", [])
            .unwrap();
        let (statuses, months) = queue_counts(&conn).unwrap();
        assert_eq!(statuses, status_counts(&conn).unwrap());
        assert_eq!(months, month_counts(&conn, Scope::Staff).unwrap());
        assert_eq!(months, [(202407, 4), (202405, 7), (202403, 3), (202401, 8)]);
        // The sums follow the rows' changes as the triggers on `tickets` make them.
        conn.execute_batch(
            "UPDATE ticket_counts SET n = n - 1 WHERE month = 202401 AND status = 'open';
             INSERT INTO ticket_counts (month, status, n, minutes) VALUES (202401, 'waiting', 1, 0)
                 ON CONFLICT (month, status) DO UPDATE SET n = n + 1;
             UPDATE ticket_counts SET n = n - 7 WHERE month = 202405;
             UPDATE ticket_counts SET n = n + 2 WHERE month = 202406;
             DELETE FROM ticket_counts WHERE status = 'unknown';",
        )
        .unwrap();
        let (statuses, months) = queue_counts(&conn).unwrap();
        assert_eq!(statuses, status_counts(&conn).unwrap());
        assert_eq!(months, month_counts(&conn, Scope::Staff).unwrap());
        assert_eq!(months, [(202406, 2), (202403, 3), (202401, 8)]);
        assert_eq!(statuses, [(Status::Closed, 5), (Status::InProgress, 1), (Status::Open, 4), (Status::Waiting, 3)]);
    }
}
