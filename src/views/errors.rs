//! Error pages.

use maud::{html, Markup};

use crate::error::Error;
use crate::i18n::{m, Lang};
use crate::views::{layout, Chrome};

pub struct ErrorView<'a> {
    pub status: u16,
    pub error: &'a Error,
    pub request_id: &'a str,
    pub lang: Lang,
    pub chrome: Chrome,
}

pub fn error_page(v: &ErrorView) -> Markup {
    let c = &v.chrome;
    let (title, text) = match v.error {
        Error::NotFound => (m::ERR_404_TITLE, c.t(m::ERR_404).to_string()),
        Error::Unauthorized => (m::ERR_401_TITLE, c.t(m::API_ERR_TOKEN).to_string()),
        Error::Forbidden => (m::ERR_403_TITLE, c.t(m::ERR_403).to_string()),
        Error::Csrf => (m::ERR_403_TITLE, c.t(m::ERR_CSRF).to_string()),
        Error::Invalid(_) => (m::ERR_400_TITLE, c.t(m::ERR_FORM).to_string()),
        Error::BadRequest(msg) => (m::ERR_400_TITLE, c.t(*msg).to_string()),
        Error::TooLarge(msg) => (m::ERR_413_TITLE, c.t(*msg).to_string()),
        Error::TooSlow(msg) => (m::ERR_408_TITLE, c.t(*msg).to_string()),
        Error::RangeNotSatisfiable(_) => (m::ERR_416_TITLE, c.t(m::ERR_416_TITLE).to_string()),
        Error::TooMany { msg, retry_after } => {
            let minutes = retry_after.div_ceil(60).max(1).to_string();
            (m::ERR_429_TITLE, c.f(*msg, &[("minutes", &minutes)]))
        }
        Error::Unavailable(_) => (m::ERR_503_TITLE, c.t(m::ERR_503).to_string()),
        Error::Internal(_) | Error::LoginRequired { .. } => (m::ERR_500_TITLE, c.t(m::ERR_500).to_string()),
    };
    let home = if c.user.as_ref().is_some_and(|u| u.staff) { "/staff/tickets" } else { "/" };
    let content = html! {
        section.card.error-card {
            p.error-code { (v.status) }
            h1 { (c.t(title)) }
            p { (text) }
            @if v.status >= 500 {
                p.muted { (c.t(m::REQUEST_ID)) ": " code { (v.request_id) } }
            }
            p { a.btn href=(home) { (c.t(m::TO_START)) } }
        }
    };
    layout(c, c.t(title), None, content)
}
