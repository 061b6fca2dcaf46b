//! Login pages (customer and staff).

use maud::{html, Markup};

use crate::i18n::{m, Msg};
use crate::model::Realm;
use crate::views::{layout, Chrome};

pub struct LoginView {
    pub realm: Realm,
    pub login: String,
    pub next: Option<String>,
    pub error: Option<String>,
    pub notice: Option<Msg>,
    pub csrf: String,
}

pub fn page(c: &Chrome, v: &LoginView) -> Markup {
    let staff = v.realm == Realm::Staff;
    let (title, field, action) = if staff {
        (m::STAFF_LOGIN_TITLE, m::STAFF_LOGIN_FIELD, "/staff/login")
    } else {
        (m::LOGIN_TITLE, m::LOGIN_FIELD, "/login")
    };
    let content = html! {
        div.login-wrap {
            section.card.login-card aria-labelledby="login-title" {
                h1 #login-title { (c.t(title)) }
                @if !staff {
                    p.muted { (c.t(m::LOGIN_INTRO)) }
                    @if let Some(text) = &c.login_text { p.login-text { (text) } }
                }
                div aria-live="assertive" {
                    @if let Some(e) = &v.error {
                        p.notice.error role="alert" #login-error { (e) }
                    }
                }
                form.stack method="post" action=(action) {
                    input type="hidden" name="csrf" value=(v.csrf);
                    @if let Some(n) = &v.next { input type="hidden" name="next" value=(n); }
                    div.field {
                        label for="login" { (c.t(field)) }
                        input #login type="text" name="login" value=(v.login) required autocomplete="username"
                            autocapitalize="none" spellcheck="false" autofocus[v.error.is_none()]
                            aria-describedby=[v.error.as_ref().map(|_| "login-error")];
                    }
                    div.field {
                        label for="password" { (c.t(m::PASSWORD)) }
                        input #password type="password" name="password" required autocomplete="current-password"
                            autofocus[v.error.is_some()];
                    }
                    button.btn.btn-primary.btn-block type="submit" { (c.t(m::LOGIN_BUTTON)) }
                }
                (crate::views::links::forgot_link(c, v.realm))
                @if !staff { p.hint { (c.t(m::LOGIN_SAVE_HINT)) } }
                p.switch-realm {
                    @if staff { a href="/login" { (c.t(m::CUSTOMER_LINK)) } }
                    @else { a href="/staff/login" { (c.t(m::STAFF_LINK)) } }
                }
            }
        }
    };
    layout(c, c.t(title), v.notice, content)
}
