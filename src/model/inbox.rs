//! Mail in: the held mails staff see in `/staff/inbox`.

/// One held mail, without its raw text.
#[derive(Debug, Clone)]
pub struct HeldMail {
    pub id: i64,
    pub received_at: i64,
    pub from_addr: String,
    pub from_name: String,
    pub subject: String,
    /// `unknown_sender`, `foreign_reference` or `rate_limit`.
    pub reason: String,
    /// The trimmed text, shortened.
    pub preview: String,
}
