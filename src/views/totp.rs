//! Two-factor sign-in pages: enrolment (QR code, key, recovery codes shown once, disabling)
//! and the second login step.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

pub enum EnrolState {
    /// Waiting for the first code: the key and the `otpauth://` URI of the QR code.
    Pending {
        secret: String,
        uri: String,
    },
    Enrolled,
    /// Just confirmed: the recovery codes, shown this once.
    RecoveryCodes(Vec<String>),
}

pub struct EnrolView {
    pub state: EnrolState,
    pub required: bool,
    pub errors: FieldErrors,
    pub csrf: String,
}

pub fn enrol_page(c: &Chrome, v: &EnrolView, notice: Option<Msg>) -> Markup {
    let content = html! {
        div.page-head { h1 { (c.t(m::TOTP_TITLE)) } }
        (error_summary(c.lang, &v.errors))
        @match &v.state {
            EnrolState::Pending { secret, uri } => {
                section.card aria-labelledby="totp-enrol" {
                    h2 #totp-enrol { (c.t(m::TOTP_TITLE)) }
                    @if v.required { p.notice { (c.t(m::TOTP_REQUIRED)) } }
                    p { (c.t(m::TOTP_INTRO)) }
                    div.totp-qr { (qr_svg(uri)) }
                    p { (c.t(m::TOTP_SECRET)) ": " code data-totp-secret=(secret) { (secret) } }
                    form.stack method="post" action="/staff/account/2fa" {
                        input type="hidden" name="csrf" value=(v.csrf);
                        (code_field(c, &v.errors))
                        button.btn.btn-primary type="submit" { (c.t(m::TOTP_CONFIRM)) }
                    }
                }
            }
            EnrolState::RecoveryCodes(codes) => {
                section.card aria-labelledby="totp-recovery" {
                    p.notice { (c.t(m::TOTP_ENROLLED)) }
                    h2 #totp-recovery { (c.t(m::TOTP_RECOVERY_TITLE)) }
                    p { (c.t(m::TOTP_RECOVERY_HINT)) }
                    ul.recovery-codes {
                        @for code in codes { li { code data-recovery-code { (code) } } }
                    }
                    p { a.btn href="/staff/tickets" { (c.t(m::TOTP_CONFIRM)) } }
                }
            }
            EnrolState::Enrolled => {
                section.card aria-labelledby="totp-disable" {
                    p { (c.t(m::TOTP_ENROLLED)) }
                    h2 #totp-disable { (c.t(m::TOTP_DISABLE)) }
                    form.stack method="post" action="/staff/account/2fa" {
                        input type="hidden" name="csrf" value=(v.csrf);
                        div.field {
                            label for="password" { (c.t(m::PASSWORD)) }
                            input #password type="password" name="password" required autocomplete="current-password"
                                autofocus[v.errors.is_first("password")] aria-describedby=[described_by(&v.errors, "password", false)];
                            (field_error(c.lang, &v.errors, "password"))
                        }
                        (code_field(c, &v.errors))
                        button.btn type="submit" { (c.t(m::TOTP_DISABLE)) }
                    }
                }
            }
        }
    };
    layout(c, c.t(m::TOTP_TITLE), notice, content)
}

fn code_field(c: &Chrome, errors: &FieldErrors) -> Markup {
    html! {
        div.field {
            label for="code" { (c.t(m::TOTP_CODE)) }
            input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*"
                maxlength="8" autofocus[errors.is_first("code")] aria-describedby=[described_by(errors, "code", false)];
            (field_error(c.lang, errors, "code"))
        }
    }
}

/// The QR code drawn from its module matrix: one path of unit squares, four modules of quiet
/// zone around it. Nothing but numbers reaches the markup.
fn qr_svg(uri: &str) -> Markup {
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else {
        return html! {};
    };
    let width = code.width();
    let mut d = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            d.push_str(&format!("M{} {}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let size = width + 8;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (size) " " (size) } width="200" height="200"
            role="img" aria-label="QR code" shape-rendering="crispEdges" {
            rect width=(size) height=(size) fill="#fff" {}
            path d=(d) fill="#000" {}
        }
    }
}

pub struct SecondStepView {
    pub next: String,
    pub error: Option<String>,
    pub csrf: String,
}

pub fn second_step_page(c: &Chrome, v: &SecondStepView) -> Markup {
    let content = html! {
        div.login-wrap {
            section.card.login-card aria-labelledby="login-title" {
                h1 #login-title { (c.t(m::TOTP_TITLE)) }
                p.muted { (c.t(m::TOTP_LOGIN_INTRO)) }
                div aria-live="assertive" {
                    @if let Some(e) = &v.error { p.notice.error role="alert" #login-error { (e) } }
                }
                form.stack method="post" action="/staff/login/2fa" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="next" value=(v.next);
                    div.field {
                        label for="code" { (c.t(m::TOTP_CODE)) }
                        input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                            maxlength="8" autofocus;
                    }
                    div.field {
                        label for="recovery_code" { (c.t(m::TOTP_RECOVERY_CODE)) }
                        input #recovery_code type="text" name="recovery_code" autocomplete="off" spellcheck="false";
                    }
                    button.btn.btn-primary.btn-block type="submit" { (c.t(m::LOGIN_BUTTON)) }
                }
            }
        }
    };
    layout(c, c.t(m::TOTP_TITLE), None, content)
}
