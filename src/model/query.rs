//! What to read: the filters `web` parses from a request, `app` passes on and `db` turns into SQL.

use super::{Priority, Status, StatusFilter};

/// Who may see a ticket: a customer only their own, staff all.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// The company's main account or a manager: every ticket of the customer.
    Customer(i64),
    /// A contact with the role `member`: the customer's tickets they opened (`tickets.contact_id`)
    /// or were added to (`ticket_people`).
    Member {
        customer: i64,
        contact: i64,
    },
    Staff,
}

impl Scope {
    /// The customer a customer-side scope is limited to (`None` for staff).
    pub fn customer_id(self) -> Option<i64> {
        match self {
            Scope::Customer(id) | Scope::Member { customer: id, .. } => Some(id),
            Scope::Staff => None,
        }
    }

    /// The customer's side: internal activities stay hidden.
    pub fn is_customer(self) -> bool {
        !matches!(self, Scope::Staff)
    }
}

/// The filters of an overview (customer) or queue (staff).
#[derive(Debug, Clone, Default)]
pub struct TicketQuery {
    pub year: Option<i32>,
    pub month: Option<u8>,
    pub status: Option<StatusFilter>,
    pub exact_status: Option<Status>,
    pub priority: Option<Priority>,
    /// `Some(None)`: unassigned; `Some(Some(id))`: that staff member.
    pub assignee: Option<Option<i64>>,
    pub customer_no: Option<String>,
    pub search: Option<String>,
    /// `(key, value)` pairs of configured fields that must match exactly.
    pub fields: Vec<(String, String)>,
    pub sort: Sort,
    pub page: usize,
    pub page_size: usize,
    /// Tickets with a follow-up date: all, only those not deferred now, only those deferred.
    pub deferral: Deferral,
    /// The staff member whose unread marks the rows carry (`TicketSummary::unread`).
    pub viewer: Option<i64>,
    /// The API's cursor: only tickets with a larger id (with [`Sort::Stable`]).
    pub after_id: Option<i64>,
    /// The pager's cursor (`after=`, issue 24): only rows after the one with this sort key (the
    /// key of the previous page's last row, `TicketPage::next_after`), so a
    /// deep page is read from the index where the last one stopped instead of skipping `OFFSET`
    /// rows. Ignored with [`Sort::Stable`].
    pub after_key: Option<SortKey>,
    /// The API's `updated_since`: any activity (internal too) at or after this instant.
    pub updated_since: Option<i64>,
}

/// What a ticket list reads besides the columns every table shows (`db::tickets::list_with`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRead {
    /// The rows' configured field values (`TicketPage::fields`); without, that map is empty.
    pub fields: bool,
    /// Each row's customer number and name and its assignee's name (the staff table's and the
    /// exports' columns); without, they are empty and `None`. On a customer's scope, without
    /// also means the customer's own table: the rows carry only what it shows (number, subject,
    /// status, priority, the customer's counters, the last activity, the minutes); `created_at`
    /// is 0 and the staff-only values (follow-up, customer activity, unread) are empty.
    pub people: bool,
}

impl ListRead {
    /// Everything: exports, the API, anything that is not one known table.
    pub const ALL: ListRead = ListRead { fields: true, people: true };

    /// What a ticket table shows: field values only with a list-column field, customer and
    /// assignee only on the staff side.
    pub fn table(fields: &[super::Field], staff: bool) -> ListRead {
        ListRead { fields: fields.iter().any(|f| f.list_column), people: staff }
    }
}

/// A row's position in a list's order: the values of the sort's key columns and the ticket id,
/// all integers (timestamps, the priority's rank). Written in URLs as `1733500000.4711`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey(pub Vec<i64>);

impl SortKey {
    /// `None` for anything but 1–4 dot-separated integers.
    pub fn parse(s: &str) -> Option<SortKey> {
        let parts: Vec<i64> = s.split('.').map(|p| p.parse::<i64>().ok()).collect::<Option<_>>()?;
        (1..=4).contains(&parts.len()).then_some(SortKey(parts))
    }
}

impl std::fmt::Display for SortKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

/// Which tickets with a follow-up date (`follow_up_at`) a list shows, as of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deferral {
    #[default]
    Any,
    /// Not deferred at this instant: no follow-up, or one that is due.
    Due(i64),
    /// Deferred past this instant.
    Later(i64),
}

/// The staff queue's views (`view` parameter): one set of tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueTab {
    /// Not closed and not deferred: where the day starts.
    #[default]
    Active,
    Mine,
    Unassigned,
    /// Deferred to a later date.
    FollowUp,
    All,
}

impl QueueTab {
    pub const ALL: &'static [QueueTab] =
        &[QueueTab::Active, QueueTab::Mine, QueueTab::Unassigned, QueueTab::FollowUp, QueueTab::All];

    pub fn parse(s: &str) -> Option<QueueTab> {
        match s {
            "" | "active" => Some(QueueTab::Active),
            "mine" => Some(QueueTab::Mine),
            "unassigned" => Some(QueueTab::Unassigned),
            "follow_up" => Some(QueueTab::FollowUp),
            "all" => Some(QueueTab::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QueueTab::Active => "active",
            QueueTab::Mine => "mine",
            QueueTab::Unassigned => "unassigned",
            QueueTab::FollowUp => "follow_up",
            QueueTab::All => "all",
        }
    }
}

/// Queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    LastActivity,
    Created,
    Priority,
    /// Newest customer activity first (the staff queue's default).
    CustomerActivity,
    /// Oldest first by id: the API's cursor order, which writes never reshuffle.
    Stable,
}

impl Sort {
    pub fn parse(s: Option<&str>) -> Sort {
        match s.unwrap_or("") {
            "created" => Sort::Created,
            "priority" => Sort::Priority,
            "customer" => Sort::CustomerActivity,
            _ => Sort::LastActivity,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::LastActivity => "last",
            Sort::Created => "created",
            Sort::Priority => "priority",
            Sort::CustomerActivity => "customer",
            Sort::Stable => "id",
        }
    }
}

/// The filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// `[from, to)` in Unix seconds.
    pub range: Option<(i64, i64)>,
    pub limit: usize,
    pub offset: usize,
}

#[cfg(test)]
mod tests {
    use super::SortKey;

    #[test]
    fn sort_keys_round_trip() {
        let k = SortKey::parse("1733500000.-5.4711").expect("a key");
        assert_eq!(k, SortKey(vec![1_733_500_000, -5, 4711]));
        assert_eq!(k.to_string(), "1733500000.-5.4711");
        for bad in ["", ".", "1..2", "a.1", "1.2.3.4.5", "1 2"] {
            assert_eq!(SortKey::parse(bad), None, "{bad:?}");
        }
    }
}
