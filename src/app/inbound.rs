//! Mail in: one importer for `ticketd mail receive` and the IMAP poller. A raw RFC 5322
//! message becomes a reply on its ticket, a new ticket, a held mail in `/staff/inbox`, or is
//! dropped (auto-replies, bounces, duplicates) — each decided and stored in one transaction.

use crate::error::{Error, Result};
use crate::model::TicketNo;

use super::App;

/// What became of one message; `mail receive` prints it as its one line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An `email` activity on this (existing) ticket.
    Reply(TicketNo),
    /// A new ticket for a known sender.
    New(TicketNo),
    /// Held in `/staff/inbox` under this id.
    Held(i64),
    /// Not stored (auto-reply, bounce, already imported, …); the reason is one word.
    Dropped(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Reply(n) => write!(f, "reply {n}"),
            Outcome::New(n) => write!(f, "new {n}"),
            Outcome::Held(id) => write!(f, "held {id}"),
            Outcome::Dropped(reason) => write!(f, "dropped {reason}"),
        }
    }
}

/// Imports one raw message. The importer decides how an unreadable message and a busy
/// database are told apart (`mail receive` exits 65 for the first, 75 for the second).
pub fn import(_app: &App, _raw: &[u8]) -> Result<Outcome> {
    // Interface fixed for the IMAP poller and the CLI; the importer fills this in.
    Err(Error::Internal("mail import is not built yet".into()))
}
