//! `/admin/api-tokens` (issue 21): the tokens with their scopes, expiry, last use and state;
//! a form for a new one; the new token shown once (`data-api-token`).

use maud::{html, Markup};

use crate::clock;
use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::{ApiScope, ApiToken, Form};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

pub struct ApiTokensView {
    pub tokens: Vec<ApiToken>,
    /// A token just created, shown this once.
    pub new_token: Option<String>,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub notice: Option<Msg>,
    pub tz: &'static time_tz::Tz,
    pub now: i64,
}

pub fn scope_label(s: ApiScope) -> Msg {
    match s {
        ApiScope::TicketsRead => m::API_SCOPE_TICKETS_READ,
        ApiScope::TicketsWrite => m::API_SCOPE_TICKETS_WRITE,
        ApiScope::CustomersRead => m::API_SCOPE_CUSTOMERS_READ,
        ApiScope::CustomersWrite => m::API_SCOPE_CUSTOMERS_WRITE,
        ApiScope::TimeRead => m::API_SCOPE_TIME_READ,
    }
}

pub fn page(c: &Chrome, v: &ApiTokensView) -> Markup {
    let content = html! {
        div.page-head { h1 { (c.t(m::API_TOKENS)) } }
        p { (c.t(m::API_TOKENS_INTRO)) }
        @if let Some(token) = &v.new_token {
            section.card.notice role="status" {
                p { (c.t(m::API_TOKEN_SHOWN_ONCE)) }
                p { code data-api-token=(token) { (token) } }
            }
        }
        (token_table(c, v))
        section.card aria-labelledby="new-token" {
            h2 #new-token { (c.t(m::API_TOKEN_NEW)) }
            (token_form(c, v))
        }
    };
    layout(c, c.t(m::API_TOKENS), v.notice, content)
}

fn token_table(c: &Chrome, v: &ApiTokensView) -> Markup {
    let lang = c.lang;
    html! {
        @if v.tokens.is_empty() {
            div.empty.card { p { (c.t(m::API_TOKEN_NONE)) } }
        } @else {
            div.table-wrap {
                table.tickets {
                    thead { tr {
                        th scope="col" { (c.t(m::API_TOKEN_NAME)) }
                        th scope="col" { (c.t(m::API_TOKEN_SCOPES)) }
                        th scope="col" { (c.t(m::API_TOKEN_CREATED_AT)) }
                        th scope="col" { (c.t(m::API_TOKEN_EXPIRES)) }
                        th scope="col" { (c.t(m::API_TOKEN_LAST_USED)) }
                        th scope="col" { (c.t(m::API_TOKEN_STATE)) }
                        th scope="col" {}
                    } }
                    tbody {
                        @for t in &v.tokens {
                            @let state = if t.revoked_at.is_some() { "revoked" } else if t.live(v.now) { "active" } else { "expired" };
                            tr data-api-token-id=(t.id) data-state=(state) {
                                td.subject data-label=(c.t(m::API_TOKEN_NAME)) { (t.name) }
                                td data-label=(c.t(m::API_TOKEN_SCOPES)) {
                                    @for s in &t.scopes { code title=(c.t(scope_label(*s))) { (s.as_str()) } " " }
                                }
                                td data-label=(c.t(m::API_TOKEN_CREATED_AT)) {
                                    time datetime=(clock::rfc3339(t.created_at)) { (clock::datetime(t.created_at, v.tz, lang)) }
                                    " · " (t.created_by_name)
                                }
                                td data-label=(c.t(m::API_TOKEN_EXPIRES)) {
                                    @match t.expires_at {
                                        Some(at) => time datetime=(clock::rfc3339(at)) { (clock::iso_date(at, v.tz)) },
                                        None => span.muted { (c.t(m::API_TOKEN_NO_EXPIRY)) },
                                    }
                                }
                                td data-label=(c.t(m::API_TOKEN_LAST_USED)) data-last-used=[t.last_used_at.map(clock::rfc3339)] {
                                    @match t.last_used_at {
                                        Some(at) => time datetime=(clock::rfc3339(at)) { (clock::datetime(at, v.tz, lang)) },
                                        None => span.muted { (c.t(m::API_TOKEN_NEVER_USED)) },
                                    }
                                }
                                td data-label=(c.t(m::API_TOKEN_STATE)) {
                                    @match state {
                                        "active" => (c.t(m::API_TOKEN_ACTIVE)),
                                        "revoked" => span.badge.inactive { (c.t(m::API_TOKEN_REVOKED)) },
                                        _ => span.badge.inactive { (c.t(m::API_TOKEN_EXPIRED)) },
                                    }
                                }
                                td {
                                    @if t.revoked_at.is_none() {
                                        form.inline method="post" action={ "/admin/api-tokens/" (t.id) "/revoke" } {
                                            input type="hidden" name="csrf" value=(v.csrf);
                                            button.btn type="submit" { (c.t(m::API_TOKEN_REVOKE)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn token_form(c: &Chrome, v: &ApiTokensView) -> Markup {
    let e = &v.errors;
    let chosen = v.values.all("scopes");
    html! {
        (error_summary(c.lang, e))
        form.stack method="post" action="/admin/api-tokens" {
            input type="hidden" name="csrf" value=(v.csrf);
            div.field {
                label for="t-name" { (c.t(m::API_TOKEN_NAME)) }
                input #t-name type="text" name="name" maxlength="80" required value=(v.values.str("name"))
                    autofocus[e.is_first("name")]
                    aria-invalid=[e.get("name").map(|_| "true")] aria-describedby=[described_by(e, "name", false)];
                (field_error(c.lang, e, "name"))
            }
            fieldset.field aria-describedby=[described_by(e, "scopes", false)] {
                legend { (c.t(m::API_TOKEN_SCOPES)) }
                @for s in ApiScope::ALL {
                    label.check {
                        input type="checkbox" name="scopes" value=(s.as_str()) checked[chosen.contains(&s.as_str())];
                        " " code { (s.as_str()) } " " span.muted { (c.t(scope_label(*s))) }
                    }
                }
                (field_error(c.lang, e, "scopes"))
            }
            div.field {
                label for="t-expires" { (c.t(m::API_TOKEN_EXPIRES)) }
                input #t-expires type="date" name="expires" value=(v.values.str("expires"))
                    aria-invalid=[e.get("expires").map(|_| "true")] aria-describedby=[described_by(e, "expires", false)];
                (field_error(c.lang, e, "expires"))
            }
            div.actions { button.btn.btn-primary type="submit" { (c.t(m::API_TOKEN_CREATE)) } }
        }
    }
}
