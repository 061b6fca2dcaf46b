//! A ticket table's rows with their texts in one buffer: the overview's and the queue's page
//! (`db::tickets::list_rows`). [`TicketSummary`] has a `String` per text (number, subject, the
//! last author, customer number and name, assignee): six allocations and frees per queue row,
//! three per overview row. The API, the exports, the hotline and the staff's customer page keep
//! reading `TicketSummary`s; the table renders either through [`TableRows`].

use super::{ActivityKind, Priority, Status, TicketSummary};

/// One row of a ticket table, borrowed: the fields of [`TicketSummary`] that a table shows,
/// texts as `&str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryRef<'a> {
    pub id: i64,
    pub number: &'a str,
    pub subject: &'a str,
    pub status: Status,
    pub priority: Priority,
    pub customer_no: &'a str,
    pub customer_name: &'a str,
    pub assignee: Option<&'a str>,
    pub activity_count: i64,
    pub last_activity_at: i64,
    pub last_activity_kind: ActivityKind,
    pub last_activity_by: &'a str,
    pub minutes: i64,
    pub follow_up_at: Option<i64>,
    pub unread: bool,
}

impl TicketSummary {
    /// This ticket as a table row.
    pub fn as_row(&self) -> SummaryRef<'_> {
        SummaryRef {
            id: self.id,
            number: &self.number,
            subject: &self.subject,
            status: self.status,
            priority: self.priority,
            customer_no: &self.customer_no,
            customer_name: &self.customer_name,
            assignee: self.assignee.as_deref(),
            activity_count: self.activity_count,
            last_activity_at: self.last_activity_at,
            last_activity_kind: self.last_activity_kind,
            last_activity_by: &self.last_activity_by,
            minutes: self.minutes,
            follow_up_at: self.follow_up_at,
            unread: self.unread,
        }
    }
}

/// The rows a ticket table renders: `TicketSummary`s or [`SummaryRows`].
pub trait TableRows {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Row `i` (`i < len()`).
    fn row(&self, i: usize) -> SummaryRef<'_>;
}

impl TableRows for Vec<TicketSummary> {
    fn len(&self) -> usize {
        <[TicketSummary]>::len(self)
    }
    fn row(&self, i: usize) -> SummaryRef<'_> {
        self[i].as_row()
    }
}

/// The texts of a row: where each ends in [`SummaryRows`]'s buffer (each starts where the one
/// before ends; the first where the row before's last ends).
const TEXTS: usize = 6;

/// A row's values; its texts are the ranges `ends` gives (number, subject, customer number,
/// customer name, assignee, last author).
#[derive(Debug, Clone, Copy)]
struct Slot {
    id: i64,
    status: Status,
    priority: Priority,
    has_assignee: bool,
    unread: bool,
    last_activity_kind: ActivityKind,
    activity_count: i64,
    last_activity_at: i64,
    minutes: i64,
    follow_up_at: Option<i64>,
    ends: [u32; TEXTS],
}

/// Table rows with all their texts in one `String`.
#[derive(Debug, Default)]
pub struct SummaryRows {
    text: String,
    slots: Vec<Slot>,
}

impl SummaryRows {
    /// Room for `rows` rows with `bytes` bytes of text in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> SummaryRows {
        SummaryRows { text: String::with_capacity(bytes), slots: Vec::with_capacity(rows) }
    }

    /// Appends a row, copying its texts.
    pub fn push(&mut self, r: SummaryRef<'_>) {
        let mut ends = [0u32; TEXTS];
        let texts = [r.number, r.subject, r.customer_no, r.customer_name, r.assignee.unwrap_or(""), r.last_activity_by];
        for (end, t) in ends.iter_mut().zip(texts) {
            self.text.push_str(t);
            *end = self.text.len() as u32;
        }
        self.slots.push(Slot {
            id: r.id,
            status: r.status,
            priority: r.priority,
            has_assignee: r.assignee.is_some(),
            unread: r.unread,
            last_activity_kind: r.last_activity_kind,
            activity_count: r.activity_count,
            last_activity_at: r.last_activity_at,
            minutes: r.minutes,
            follow_up_at: r.follow_up_at,
            ends,
        });
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The id of row `i`.
    pub fn id(&self, i: usize) -> i64 {
        self.slots[i].id
    }

    /// Row `i` (`i < len()`).
    pub fn get(&self, i: usize) -> SummaryRef<'_> {
        let s = &self.slots[i];
        let start = if i == 0 { 0 } else { self.slots[i - 1].ends[TEXTS - 1] as usize };
        let mut texts = [""; TEXTS];
        let mut from = start;
        for (t, end) in texts.iter_mut().zip(s.ends) {
            *t = &self.text[from..end as usize];
            from = end as usize;
        }
        let [number, subject, customer_no, customer_name, assignee, last_activity_by] = texts;
        SummaryRef {
            id: s.id,
            number,
            subject,
            status: s.status,
            priority: s.priority,
            customer_no,
            customer_name,
            assignee: s.has_assignee.then_some(assignee),
            activity_count: s.activity_count,
            last_activity_at: s.last_activity_at,
            last_activity_kind: s.last_activity_kind,
            last_activity_by,
            minutes: s.minutes,
            follow_up_at: s.follow_up_at,
            unread: s.unread,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = SummaryRef<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl TableRows for SummaryRows {
    fn len(&self) -> usize {
        SummaryRows::len(self)
    }
    fn row(&self, i: usize) -> SummaryRef<'_> {
        self.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(i: i64) -> TicketSummary {
        TicketSummary {
            id: i,
            number: format!("2026-{i:05}"),
            subject: if i % 3 == 0 { String::new() } else { format!("Betreff <{i}> & \"mehr\" äöü") },
            status: Status::ALL[i as usize % Status::ALL.len()],
            priority: Priority::ALL[i as usize % Priority::ALL.len()],
            customer_no: format!("K-{}", 10_000 + i),
            customer_name: if i % 4 == 0 { String::new() } else { format!("Kunde {i}") },
            assignee: (i % 2 == 0).then(|| format!("Agent {i}")).or_else(|| (i % 5 == 0).then(String::new)),
            created_at: 0,
            activity_count: i * 3,
            last_activity_at: 1_750_000_000 + i,
            last_activity_kind: ActivityKind::ALL[i as usize % ActivityKind::ALL.len()],
            last_activity_by: if i % 7 == 0 { String::new() } else { format!("Person {i}") },
            minutes: i * 15,
            follow_up_at: (i % 3 == 1).then_some(1_760_000_000 + i),
            customer_activity_at: None,
            unread: i % 2 == 1,
        }
    }

    #[test]
    fn rows_give_back_what_was_pushed() {
        let owned: Vec<TicketSummary> = (0..40).map(summary).collect();
        let mut rows = SummaryRows::with_capacity(4, 16);
        assert!(rows.is_empty() && TableRows::is_empty(&rows));
        for t in &owned {
            rows.push(t.as_row());
        }
        assert_eq!(rows.len(), owned.len());
        assert_eq!(TableRows::len(&rows), TableRows::len(&owned));
        for (i, t) in owned.iter().enumerate() {
            assert_eq!(rows.get(i), t.as_row(), "row {i}");
            assert_eq!(rows.row(i), owned.row(i));
            assert_eq!(rows.id(i), t.id);
        }
        assert!(rows.iter().eq(owned.iter().map(TicketSummary::as_row)));
    }
}
