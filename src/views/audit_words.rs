//! The audit log in words (issue 19): actions, actors and the few fixed details are stored as
//! codes (`hotline.reveal`, `staff:ada`, `anonymous`) and shown as text in the page's language.
//! The codes stay in the data attributes, the filter values and the database.

use crate::i18n::{m, Lang, Msg};

/// The words for an action code; `None` for a code this version does not know (shown as is).
pub fn action(code: &str) -> Option<Msg> {
    Some(match code {
        "login" => m::AUDIT_LOGIN,
        "login.failed" => m::AUDIT_LOGIN_FAILED,
        "password.change" => m::AUDIT_PASSWORD_CHANGE,
        "password.change.denied" => m::AUDIT_PASSWORD_CHANGE_DENIED,
        "password.reset" => m::AUDIT_PASSWORD_RESET,
        "customer.create" => m::AUDIT_CUSTOMER_CREATE,
        "customer.update" => m::AUDIT_CUSTOMER_UPDATE,
        "customer.activate" => m::AUDIT_CUSTOMER_ACTIVATE,
        "customer.deactivate" => m::AUDIT_CUSTOMER_DEACTIVATE,
        "staff.create" => m::AUDIT_STAFF_CREATE,
        "staff.update" => m::AUDIT_STAFF_UPDATE,
        "staff.role" => m::AUDIT_STAFF_ROLE,
        "staff.activate" => m::AUDIT_STAFF_ACTIVATE,
        "staff.deactivate" => m::AUDIT_STAFF_DEACTIVATE,
        "hotline.verify" => m::AUDIT_HOTLINE_VERIFY,
        "hotline.call_code" => m::AUDIT_HOTLINE_CALL_CODE,
        "hotline.verify.locked" => m::AUDIT_HOTLINE_LOCKED,
        "hotline.reveal" => m::AUDIT_HOTLINE_REVEAL,
        "hotline.reveal.denied" => m::AUDIT_HOTLINE_REVEAL_DENIED,
        "call_code.create" => m::AUDIT_CALL_CODE_CREATE,
        "mail.retry" => m::AUDIT_MAIL_RETRY,
        "webhook.retry" => m::AUDIT_WEBHOOK_RETRY,
        "settings.changed" => m::AUDIT_SETTINGS_CHANGED,
        "2fa.enrolled" => m::AUDIT_2FA_ENROLLED,
        "2fa.enrol.failed" => m::AUDIT_2FA_ENROL_FAILED,
        "2fa.disabled" => m::AUDIT_2FA_DISABLED,
        "2fa.disable.failed" => m::AUDIT_2FA_DISABLE_FAILED,
        "2fa.failed" => m::AUDIT_2FA_FAILED,
        "2fa.reset" => m::AUDIT_2FA_RESET,
        "contingent.create" => m::AUDIT_CONTINGENT_CREATE,
        "contingent.update" => m::AUDIT_CONTINGENT_UPDATE,
        "api_token.create" => m::AUDIT_API_TOKEN_CREATE,
        "api_token.revoke" => m::AUDIT_API_TOKEN_REVOKE,
        "api.ticket.create" => m::AUDIT_API_TICKET_CREATE,
        "api.ticket.update" => m::AUDIT_API_TICKET_UPDATE,
        "api.activity.create" => m::AUDIT_API_ACTIVITY_CREATE,
        _ => return None,
    })
}

/// An action in words, or its code when unknown.
pub fn action_text(lang: Lang, code: &str) -> String {
    action(code).map(|msg| lang.t(msg).to_string()).unwrap_or_else(|| code.to_string())
}

/// Who did it (or whom it concerned): `staff:ada` → "Mitarbeiter ada", `customer:10012` →
/// "Kunde 10012", `anonymous` → "nicht angemeldet", `unknown:<hash>` → "unbekanntes Konto
/// (<hash>)"; anything else as it is.
pub fn principal(lang: Lang, code: &str) -> String {
    let named = |msg: Msg, name: &str| lang.f(msg, &[("name", name)]);
    match code.split_once(':') {
        Some(("staff", name)) => named(m::AUDIT_WHO_STAFF, name),
        Some(("customer", no)) => named(m::AUDIT_WHO_CUSTOMER, no),
        Some(("contact", id)) => named(m::AUDIT_WHO_CONTACT, id),
        Some(("unknown", hash)) => named(m::AUDIT_WHO_UNKNOWN, hash),
        Some(("api", name)) => named(m::AUDIT_WHO_API, name),
        _ => match code {
            "anonymous" => lang.t(m::AUDIT_WHO_ANONYMOUS).to_string(),
            "system" => lang.t(m::AUDIT_WHO_SYSTEM).to_string(),
            "cli" => lang.t(m::AUDIT_WHO_CLI).to_string(),
            other => other.to_string(),
        },
    }
}

/// The fixed details some actions store (the realm of a failed login, a verify's outcome).
pub fn detail(lang: Lang, action: &str, detail: &str) -> String {
    let msg = match (action, detail) {
        ("login.failed", "customer") => Some(m::AUDIT_REALM_CUSTOMER),
        ("login.failed", "staff") => Some(m::AUDIT_REALM_STAFF),
        (_, "match") => Some(m::AUDIT_MATCH),
        (_, "no match") => Some(m::AUDIT_NO_MATCH),
        _ => None,
    };
    msg.map(|msg| lang.t(msg).to_string()).unwrap_or_else(|| detail.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_the_code_writes_has_words() {
        // The action codes written by app/, cli and auth (grep `action: "` and `with_action(`).
        for code in [
            "login",
            "login.failed",
            "password.change",
            "password.change.denied",
            "password.reset",
            "customer.create",
            "customer.update",
            "customer.activate",
            "customer.deactivate",
            "staff.create",
            "staff.update",
            "staff.role",
            "staff.activate",
            "staff.deactivate",
            "hotline.verify",
            "hotline.call_code",
            "hotline.verify.locked",
            "hotline.reveal",
            "hotline.reveal.denied",
            "call_code.create",
            "mail.retry",
            "webhook.retry",
            "2fa.enrolled",
            "2fa.enrol.failed",
            "2fa.disabled",
            "2fa.disable.failed",
            "2fa.failed",
            "2fa.reset",
            "api_token.create",
            "api_token.revoke",
            "api.ticket.create",
            "api.ticket.update",
            "api.activity.create",
        ] {
            let de = action_text(Lang::De, code);
            assert!(!de.contains('.') && !de.contains('_'), "{code} → {de}");
        }
        assert_eq!(principal(Lang::De, "anonymous"), "nicht angemeldet");
        assert_eq!(principal(Lang::En, "staff:ada"), "Staff member ada");
        assert_eq!(principal(Lang::De, "customer:K-10001"), "Kunde K-10001");
        assert_eq!(principal(Lang::De, "jemand"), "jemand");
    }
}
