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

/// Whose address a mail came from: a customer's main account (`contact_id` `None`) or one of
/// its contacts, active both.
#[derive(Debug, Clone)]
pub struct MailSender {
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub name: String,
    pub language: Option<crate::i18n::Lang>,
}
