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
}

/// Queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    LastActivity,
    Created,
    Priority,
}

impl Sort {
    pub fn parse(s: Option<&str>) -> Sort {
        match s.unwrap_or("") {
            "created" => Sort::Created,
            "priority" => Sort::Priority,
            _ => Sort::LastActivity,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::LastActivity => "last",
            Sort::Created => "created",
            Sort::Priority => "priority",
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
