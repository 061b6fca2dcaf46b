//! What a page shows: the view models `app` fills from one read and `views` render. Plain data.

use super::{
    ActivityRows, Attachment, AuditRow, Contact, Customer, QueueTab, StaffMember, Status, SummaryRows, TicketDetail,
    TicketPage, TicketSummary, TimeEntry,
};

/// The customer's ticket overview.
pub struct Overview {
    pub page: TicketPage<SummaryRows>,
    /// `(year, count)`, newest first: only years that have tickets (the year picker).
    pub years: Vec<(i32, i64)>,
    /// `(YYYYMM, count)`, newest first: only months that have tickets; at least those of the
    /// selected year (the month picker), all of them for a member.
    pub months: Vec<(i64, i64)>,
    pub total_minutes_all: i64,
}

/// A ticket with its history and files, as the principal may see them.
pub struct Detail {
    pub ticket: TicketDetail,
    pub activities: ActivityRows,
    pub fields: Vec<(String, String)>,
    /// Every attachment the principal may see, whatever the activity filter.
    pub attachments: Vec<Attachment>,
    /// Which part of a long timeline `activities` is.
    pub timeline: TimelinePage,
}

/// A long timeline is shown in pages of [`TimelinePage::SIZE`] activities, newest page first
/// (`?page=1`, the default); each page oldest first, with links to the older and newer ones,
/// so every activity stays reachable and a ticket with 10,000 activities opens as fast as one
/// with 1,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelinePage {
    /// 1 = the newest activities.
    pub number: usize,
    /// There are older activities than these (page `number + 1`).
    pub older: bool,
    /// The activity filter the page was read with (its links keep it).
    pub kind: super::KindFilter,
}

impl TimelinePage {
    pub const SIZE: usize = 1000;

    /// `?page=`: a positive number, else the first page.
    pub fn parse(s: Option<&str>) -> usize {
        s.and_then(|s| s.trim().parse::<usize>().ok()).filter(|n| (1..=1_000_000).contains(n)).unwrap_or(1)
    }

    /// The newest activities skipped before this page.
    pub fn skip(number: usize) -> usize {
        number.saturating_sub(1).saturating_mul(Self::SIZE)
    }
}

/// The staff queue with its filter counts.
pub struct Queue {
    pub page: TicketPage<SummaryRows>,
    pub status_counts: Vec<(Status, i64)>,
    pub staff: Vec<StaffMember>,
    pub months: Vec<(i64, i64)>,
    /// The view shown.
    pub tab: QueueTab,
    /// Tickets in the views active, mine, unassigned and follow-up (the tabs' counts).
    pub view_counts: [i64; 4],
}

/// A ticket on the staff side: the detail, its customer, who may be assigned.
pub struct TicketWork {
    pub detail: Detail,
    pub customer: Customer,
    pub staff: Vec<StaffMember>,
    /// The customer's people on the ticket: the contact who opened it, then those added.
    pub people: Vec<Contact>,
}

/// A customer on the staff side, with their latest tickets.
pub struct CustomerPage {
    pub customer: Customer,
    pub open_tickets: i64,
    pub tickets: TicketPage,
    /// The customer's contacts (people with their own login), active ones first.
    pub contacts: Vec<Contact>,
}

/// The time statement of a customer for one month.
pub struct Statement {
    pub customer: Customer,
    pub year: i32,
    pub month: u8,
    pub entries: Vec<TimeEntry>,
    pub total_minutes: i64,
}

/// One page of the audit log and the actions to filter by.
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub actions: Vec<String>,
}

/// A customer found by the hotline lookup.
pub struct CallerCard {
    pub customer: Customer,
    /// The customer's contacts (each may call as themselves), active ones first.
    pub contacts: Vec<Contact>,
    /// The contact the lookup matched by name, e-mail or phone (preselected as the caller).
    pub matched_contact: Option<i64>,
    pub open_tickets: Vec<TicketSummary>,
    pub last_contact: Option<i64>,
    pub has_copy: bool,
    pub attempts_left: i64,
}

/// The answer of a hotline password check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Match,
    NoMatch,
    /// Five attempts within the hour: no more checks until the window passes.
    Locked,
}

/// A hotline password check and the attempts left this hour.
pub struct Verification {
    pub customer: Customer,
    /// Whose password or call code was checked: a contact, or `None` for the main account.
    pub contact: Option<Contact>,
    pub verdict: Verdict,
    pub attempts_left: i64,
}

/// The customer's password, shown to an admin through the hotline.
pub struct Revealed {
    pub customer: Customer,
    /// Whose password it is: a contact, or `None` for the main account.
    pub contact: Option<Contact>,
    /// `None` when no copy exists yet (it is written at the next login or password change).
    pub password: Option<String>,
}

/// The people of a ticket as a customer sees them (`/tickets/<number>/people`).
pub struct TicketPeople {
    pub number: String,
    pub subject: String,
    /// The company (its main account opened the ticket when `opener` is `None`).
    pub company: String,
    /// The contact who opened the ticket; `None`: the main account.
    pub opener: Option<Contact>,
    /// The colleagues added to the ticket.
    pub added: Vec<Contact>,
    /// Active colleagues who could still be added.
    pub candidates: Vec<Contact>,
}
