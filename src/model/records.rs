//! What was read: rows and pages `db` returns, beside the records in `model` itself.

use std::collections::HashMap;

use super::{ActivityKind, TicketSummary};

/// One page of an overview or queue, with the totals over every page. `R`: its rows —
/// `TicketSummary`s, or a table's rows with their texts in one buffer (`SummaryRows`: the
/// overview's and the queue's page).
pub struct TicketPage<R = Vec<TicketSummary>> {
    pub rows: R,
    pub total: i64,
    pub minutes: i64,
    /// Configured field values of the rows, by ticket id.
    pub fields: HashMap<i64, Vec<(String, String)>>,
    /// Staff search read only the newest `db::tickets::SEARCH_ROWS` matching texts and there
    /// are more: `total` and `minutes` are lower bounds ("at least").
    pub capped: bool,
    /// The sort key of the last row when more rows follow (the next page's `after=`).
    pub next_after: Option<super::SortKey>,
}

/// A ticket as its page shows it.
#[derive(Debug, Clone)]
pub struct TicketDetail {
    pub summary: TicketSummary,
    pub customer_id: i64,
    pub assignee_id: Option<i64>,
    pub closed_at: Option<i64>,
}

/// One line of a time statement.
#[derive(Debug, Clone)]
pub struct TimeEntry {
    pub number: String,
    pub subject: String,
    pub kind: ActivityKind,
    pub internal: bool,
    pub author_name: String,
    /// Empty for internal activities when read for a customer.
    pub body: String,
    pub minutes: i64,
    pub created_at: i64,
}

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub created_at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
}

/// Where a mail of the outbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailState {
    Pending,
    Sending,
    Sent,
    Failed,
}

impl MailState {
    pub const ALL: &'static [MailState] = &[MailState::Pending, MailState::Sending, MailState::Sent, MailState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<MailState> {
        MailState::ALL.iter().copied().find(|st| st.as_str() == s)
    }
}

/// One line of the admins' outbox list.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub created_at: i64,
    pub number: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub relay_reply: Option<String>,
    pub sent_at: Option<i64>,
}

/// One webhook delivery in the admins' outbox list.
#[derive(Debug, Clone)]
pub struct WebhookRow {
    pub id: i64,
    pub event_id: i64,
    pub event: String,
    pub url: String,
    /// `pending`, `sending`, `sent`, `failed`.
    pub state: String,
    pub attempts: u32,
    pub next_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

/// A text snippet ("Textbaustein"): personal (only its owner sees it) or shared with all staff.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub id: i64,
    pub owner_id: i64,
    pub owner_name: String,
    pub title: String,
    pub body: String,
    pub shared: bool,
}
