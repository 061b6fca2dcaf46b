//! The one error type. Every failure on a request path becomes an [`Error`]; `web::respond`
//! is the only place that turns it into a response and logs internals (once).

use std::fmt;

use crate::i18n::Msg;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum Error {
    /// Not there, or not yours: always 404 so existence is not revealed.
    NotFound,
    /// No session: the answer is a redirect to the login page that leads back to `next`.
    LoginRequired { login_path: &'static str, next: String },
    /// An API request without a valid bearer token (missing, unknown, expired, revoked): 401.
    Unauthorized,
    /// Logged in, but the wrong kind of principal for this page.
    Forbidden,
    /// POST without a valid CSRF token.
    Csrf,
    /// Form input that fails validation: messages per field. Handlers that own a form catch
    /// this and re-render it with the entered values (422); elsewhere it becomes a 422 page.
    Invalid(FieldErrors),
    /// A request that cannot be read at all (malformed form encoding and the like).
    BadRequest(Msg),
    /// A `Range` outside the file; carries the file size for `Content-Range`.
    RangeNotSatisfiable(u64),
    /// Body larger than allowed.
    TooLarge(Msg),
    /// The body arrived too slowly (a pause over the limit, or under the minimum rate).
    TooSlow(Msg),
    /// Too many attempts or the hashing gate is full; seconds until a retry makes sense.
    TooMany { retry_after: u64, msg: Msg },
    /// The database cannot take writes right now (disk full, read-only, locked).
    Unavailable(String),
    /// Everything else: logged with the request id, shown generically.
    Internal(String),
}

impl Error {
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound => 404,
            Error::LoginRequired { .. } => 303,
            Error::Unauthorized => 401,
            Error::Forbidden => 403,
            Error::Csrf => 403,
            Error::Invalid(_) => 422,
            Error::BadRequest(_) => 400,
            Error::TooLarge(_) => 413,
            Error::TooSlow(_) => 408,
            Error::RangeNotSatisfiable(_) => 416,
            Error::TooMany { .. } => 429,
            Error::Unavailable(_) => 503,
            Error::Internal(_) => 500,
        }
    }

    pub fn internal(context: &str, err: impl fmt::Display) -> Error {
        Error::Internal(format!("{context}: {err}"))
    }

    /// What goes into the log; `None` for expected outcomes that need no log line of their own.
    pub fn log_detail(&self) -> Option<&str> {
        match self {
            Error::Unavailable(s) | Error::Internal(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound => write!(f, "not found"),
            Error::LoginRequired { .. } => write!(f, "login required"),
            Error::Unauthorized => write!(f, "unauthorized"),
            Error::Forbidden => write!(f, "forbidden"),
            Error::Csrf => write!(f, "invalid CSRF token"),
            Error::Invalid(e) => write!(f, "invalid input: {}", e.fields().collect::<Vec<_>>().join(", ")),
            Error::BadRequest(m) => write!(f, "bad request: {}", m.en),
            Error::TooLarge(m) => write!(f, "too large: {}", m.en),
            Error::TooSlow(m) => write!(f, "too slow: {}", m.en),
            Error::RangeNotSatisfiable(n) => write!(f, "range not satisfiable (size {n})"),
            Error::TooMany { msg, .. } => write!(f, "too many requests: {}", msg.en),
            Error::Unavailable(s) => write!(f, "unavailable: {s}"),
            Error::Internal(s) => write!(f, "internal: {s}"),
        }
    }
}

impl std::error::Error for Error {}

/// Validation messages, each attached to a form field by name.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<FieldError>);

#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
    pub args: Vec<(&'static str, String)>,
}

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors(Vec::new())
    }

    pub fn add(&mut self, field: &str, msg: Msg) {
        self.add_with(field, msg, Vec::new());
    }

    pub fn add_with(&mut self, field: &str, msg: Msg, args: Vec<(&'static str, String)>) {
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError { field: field.to_string(), msg, args });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// True for the field of the first message. Views put `autofocus` on that field, so a
    /// `422` page opens scrolled to the first error and focused there, without JavaScript.
    pub fn is_first(&self, field: &str) -> bool {
        self.0.first().is_some_and(|e| e.field == field)
    }

    /// The messages with `from` renamed to `to`: one page with two forms that share a field
    /// name (the customer's reply and document upload both have `attachments`) shows each
    /// message at its own form.
    pub fn renamed(mut self, from: &str, to: &str) -> FieldErrors {
        for e in &mut self.0 {
            if e.field == from {
                e.field = to.to_string();
            }
        }
        self
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.field.as_str())
    }

    /// `Ok(())` when empty, so validation reads `errors.into_result()?`.
    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::QueryReturnedNoRows => Error::NotFound,
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::DiskFull
                | ErrorCode::ReadOnly
                | ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::CannotOpen
                | ErrorCode::SystemIoFailure => Error::Unavailable(format!("database: {e}")),
                _ => Error::Internal(format!("database: {e}")),
            },
            _ => Error::Internal(format!("database: {e}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Internal(format!("io: {e}"))
    }
}
