//! Password links by e-mail: the forgot page and its one answer, the page that sets a password
//! through a link, the page for a link that cannot be used, the link mails (reset, invitation),
//! and the small cards on staff pages that send links.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Lang, Msg};
use crate::model::Realm;
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

// ------------------------------------------------------------------------------ forgot

pub struct ForgotView {
    pub realm: Realm,
    /// `[smtp]` is configured: links can be mailed. Otherwise the page says whom to call.
    pub enabled: bool,
    /// The request was sent: the one answer, whatever was typed.
    pub answered: bool,
    pub csrf: String,
}

fn forgot_action(realm: Realm) -> &'static str {
    match realm {
        Realm::Customer => "/login/forgot",
        Realm::Staff => "/staff/login/forgot",
    }
}

fn login_path(realm: Realm) -> &'static str {
    match realm {
        Realm::Customer => "/login",
        Realm::Staff => "/staff/login",
    }
}

/// Identical for every POST (known account or not): the body depends on nothing typed.
pub fn forgot(c: &Chrome, v: &ForgotView) -> Markup {
    let field = match v.realm {
        Realm::Customer => m::LOGIN_FIELD,
        Realm::Staff => m::STAFF_LOGIN_FIELD,
    };
    let no_mail = match v.realm {
        Realm::Customer => m::FORGOT_NO_MAIL_CUSTOMER,
        Realm::Staff => m::FORGOT_NO_MAIL_STAFF,
    };
    let content = html! {
        div.login-wrap {
            section.card.login-card aria-labelledby="forgot-title" {
                h1 #forgot-title { (c.t(m::FORGOT_TITLE)) }
                @if !v.enabled {
                    p.notice.info role="note" data-forgot="no-mail" { (c.t(no_mail)) }
                } @else if v.answered {
                    p.notice.success role="status" data-forgot="answered" { (c.t(m::FORGOT_ANSWER)) }
                } @else {
                    p.muted { (c.t(m::FORGOT_INTRO)) }
                    form.stack method="post" action=(forgot_action(v.realm)) {
                        input type="hidden" name="csrf" value=(v.csrf);
                        div.field {
                            label for="login" { (c.t(field)) }
                            input #login type="text" name="login" required autocomplete="username"
                                autocapitalize="none" spellcheck="false" autofocus;
                        }
                        button.btn.btn-primary.btn-block type="submit" { (c.t(m::FORGOT_BUTTON)) }
                    }
                }
                p.switch-realm { a href=(login_path(v.realm)) { "← " (c.t(m::FORGOT_BACK)) } }
            }
        }
    };
    layout(c, c.t(m::FORGOT_TITLE), None, content)
}

/// The link under a login form.
pub fn forgot_link(c: &Chrome, realm: Realm) -> Markup {
    html! { p.forgot { a href=(forgot_action(realm)) data-forgot-link { (c.t(m::FORGOT_LINK)) } } }
}

// ------------------------------------------------------------------------------ set a password

pub struct ResetView {
    pub token: String,
    pub invite: bool,
    pub name: String,
    /// What to type at the login afterwards.
    pub login: String,
    pub errors: FieldErrors,
    pub csrf: String,
    pub min_length: usize,
}

pub fn reset(c: &Chrome, v: &ResetView) -> Markup {
    let e = &v.errors;
    let title = if v.invite { m::RESET_INVITE_TITLE } else { m::RESET_TITLE };
    let rules = c.f(m::PASSWORD_RULES, &[("min", &v.min_length.to_string())]);
    let content = html! {
        div.login-wrap {
            section.card.login-card aria-labelledby="reset-title" {
                h1 #reset-title { (c.t(title)) }
                p.muted { (c.f(m::RESET_FOR, &[("name", &v.name), ("login", &v.login)])) }
                (error_summary(c.lang, e))
                form.stack method="post" action={ "/login/reset/" (v.token) } novalidate {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="text" name="username" value=(v.login) autocomplete="username" hidden;
                    div.field {
                        label for="new_password" { (c.t(m::NEW_PASSWORD)) }
                        input #new_password type="password" name="new_password" required autocomplete="new-password"
                            minlength=(v.min_length) maxlength="72" autofocus
                            aria-invalid=[e.get("new_password").map(|_| "true")]
                            aria-describedby=[described_by(e, "new_password", true)];
                        p.help #help-new_password { (rules) }
                        (field_error(c.lang, e, "new_password"))
                    }
                    div.field {
                        label for="new_password_repeat" { (c.t(m::NEW_PASSWORD_REPEAT)) }
                        input #new_password_repeat type="password" name="new_password_repeat" required autocomplete="new-password"
                            aria-invalid=[e.get("new_password_repeat").map(|_| "true")]
                            aria-describedby=[described_by(e, "new_password_repeat", false)];
                        (field_error(c.lang, e, "new_password_repeat"))
                    }
                    button.btn.btn-primary.btn-block type="submit" { (c.t(m::RESET_BUTTON)) }
                }
            }
        }
    };
    layout(c, c.t(title), None, content)
}

/// Why a link does not work, and what to do instead.
pub fn bad_link(c: &Chrome, reason: Msg, realm: Realm) -> Markup {
    let content = html! {
        div.login-wrap {
            section.card.login-card aria-labelledby="bad-link-title" {
                h1 #bad-link-title { (c.t(m::LINK_BAD_TITLE)) }
                p.notice.error role="alert" data-link-error { (c.t(reason)) }
                p { a href=(forgot_action(realm)) { (c.t(m::LINK_REQUEST_NEW)) } }
                p.switch-realm { a href=(login_path(realm)) { "← " (c.t(m::FORGOT_BACK)) } }
            }
        }
    };
    layout(c, c.t(m::LINK_BAD_TITLE), None, content)
}

// ------------------------------------------------------------------------------ the mails

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// Set a new password (60 minutes).
    Reset,
    /// Set the first password (7 days): the welcome mail.
    Invite,
}

pub struct LinkMail<'a> {
    pub lang: Lang,
    pub kind: LinkKind,
    pub site_title: &'a str,
    pub recipient_name: &'a str,
    /// What the recipient types at the login.
    pub login: &'a str,
    /// `/login/reset/<token>`, for mails without `base_url`.
    pub path: &'a str,
    /// The whole link; `None` without `base_url`.
    pub link: Option<&'a str>,
    /// `[portal] login_text`, in the welcome mail.
    pub login_text: Option<&'a str>,
    pub accent: &'a str,
    pub staff: bool,
}

/// Subject, plain text and HTML of a link mail.
pub fn link_mail(v: &LinkMail) -> (String, String, Markup) {
    let lang = v.lang;
    let site = [("site", v.site_title)];
    let (subject, intro, valid, button) = match v.kind {
        LinkKind::Reset => (
            lang.f(m::MAIL_RESET_SUBJECT, &site),
            lang.f(m::MAIL_RESET_INTRO, &site),
            lang.t(m::MAIL_RESET_VALID),
            lang.t(m::MAIL_RESET_BUTTON),
        ),
        LinkKind::Invite => (
            lang.f(m::MAIL_INVITE_SUBJECT, &site),
            lang.f(m::MAIL_INVITE_INTRO, &site),
            lang.t(m::MAIL_INVITE_VALID),
            lang.t(m::MAIL_INVITE_BUTTON),
        ),
    };
    let greeting = lang.f(m::MAIL_GREETING, &[("name", v.recipient_name)]);
    let login_line = lang.f(if v.staff { m::MAIL_LINK_LOGIN_STAFF } else { m::MAIL_LINK_LOGIN }, &[("login", v.login)]);
    let ignore = match v.kind {
        LinkKind::Reset => Some(lang.t(m::MAIL_RESET_IGNORE)),
        LinkKind::Invite => None,
    };
    let welcome = match v.kind {
        LinkKind::Invite => v.login_text.map(str::trim).filter(|t| !t.is_empty()),
        LinkKind::Reset => None,
    };
    let no_base = lang.f(m::MAIL_LINK_NO_BASE, &[("path", v.path)]);

    let mut text = format!("{greeting}\n\n{intro}\n\n");
    if let Some(w) = welcome {
        text.push_str(&format!("{w}\n\n"));
    }
    match v.link {
        Some(l) => text.push_str(&format!("{button}:\n{l}\n\n")),
        None => text.push_str(&format!("{no_base}\n\n")),
    }
    text.push_str(&format!("{valid}\n{login_line}\n"));
    if let Some(i) = ignore {
        text.push_str(&format!("\n{i}\n"));
    }
    text.push_str(&format!("\n-- \n{}\n", v.site_title));

    let content = html! {
        p { (greeting) }
        p { (intro) }
        @if let Some(w) = welcome { p { (w) } }
        @match v.link {
            Some(l) => p {
                a href=(l) style={ "display:inline-block;padding:8px 16px;background:" (v.accent) ";color:#fff;text-decoration:none;border-radius:4px" } {
                    (button)
                }
            },
            None => p { (no_base) },
        }
        p { (valid) br; (login_line) }
        @if let Some(i) = ignore { p style="color:#555" { (i) } }
    };
    let html = crate::views::mail::frame(lang, &subject, v.site_title, None, content);
    (subject, text, html)
}

// ------------------------------------------------------------------------------ staff cards

/// On a staff member's admin page: send a reset link, or set a temporary password.
pub fn staff_password_card(c: &Chrome, username: &str, csrf: &str, mail_enabled: bool, errors: &FieldErrors) -> Markup {
    let action = format!("/admin/staff/{username}/password");
    html! {
        section.card.narrow aria-labelledby="staff-pw-title" data-staff-password {
            h2 #staff-pw-title { (c.t(m::STAFF_PW_TITLE)) }
            p.muted { (c.t(m::STAFF_PW_INTRO)) }
            (field_error(c.lang, errors, "invite"))
            (field_error(c.lang, errors, "mode"))
            div.actions {
                @if mail_enabled {
                    form.inline method="post" action=(action) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="mode" value="link";
                        button.btn type="submit" data-mode="link" { (c.t(m::STAFF_PW_LINK)) }
                    }
                }
                form.inline method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="mode" value="temporary";
                    button.btn type="submit" data-mode="temporary" { (c.t(m::STAFF_PW_TEMPORARY)) }
                }
            }
        }
    }
}

/// On a customer page: send the main account an invitation to set its password.
pub fn customer_invite_card(c: &Chrome, action: &str, csrf: &str, mail_enabled: bool, errors: &FieldErrors) -> Markup {
    html! {
        @if mail_enabled {
            section.card aria-labelledby="invite-title" data-invite {
                h2 #invite-title { (c.t(m::INVITE_TITLE)) }
                p.muted { (c.t(m::INVITE_INTRO)) }
                (field_error(c.lang, errors, "invite"))
                form.inline method="post" action={ (action) "/invite" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button.btn type="submit" { (c.t(m::INVITE_BUTTON)) }
                }
            }
        }
    }
}

/// The `invite` checkbox of new-account forms (only when links can be mailed).
pub fn invite_checkbox(c: &Chrome, checked: bool, errors: &FieldErrors) -> Markup {
    html! {
        div.field {
            label.check for="invite" {
                input #invite type="checkbox" name="invite" value="on" checked[checked]
                    aria-describedby=[described_by(errors, "invite", true)];
                " " (c.t(m::INVITE_CHECKBOX))
            }
            p.help #help-invite { (c.t(m::INVITE_CHECKBOX_HELP)) }
            (field_error(c.lang, errors, "invite"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(kind: LinkKind, link: Option<&'static str>) -> LinkMail<'static> {
        LinkMail {
            lang: Lang::De,
            kind,
            site_title: "Portal <Müller>",
            recipient_name: "Anna <b>",
            login: "10012",
            path: "/login/reset/abc",
            link,
            login_text: Some("Willkommen <i>bei uns</i>"),
            accent: "#1d4ed8",
            staff: false,
        }
    }

    #[test]
    fn mails_carry_the_link_escaped_and_the_welcome_only_in_invitations() {
        let (subject, text, html) = link_mail(&sample(LinkKind::Invite, Some("https://p.example/login/reset/abc")));
        assert!(subject.contains("Portal <Müller>"), "{subject}");
        assert!(text.contains("https://p.example/login/reset/abc"), "{text}");
        assert!(text.contains("Willkommen <i>bei uns</i>"), "{text}");
        let html = html.into_string();
        assert!(html.contains("Anna &lt;b&gt;") && !html.contains("<i>bei"), "{html}");
        let (_, text, _) = link_mail(&sample(LinkKind::Reset, None));
        assert!(text.contains("/login/reset/abc") && !text.contains("Willkommen <i>"), "{text}");
        let en = LinkMail { lang: Lang::En, ..sample(LinkKind::Reset, None) };
        assert_ne!(link_mail(&en).0, link_mail(&sample(LinkKind::Reset, None)).0);
    }
}
