//! Password checks inside a session — the admin's re-authentication before a reveal, the old
//! password on a password change — throttled like logins: per account and per client address,
//! with the same limits, window and `429`. The account's entry (`c#ID`, `s#ID`) is its own —
//! logins count what was typed, so a lockout by e-mail tells nothing about the customer number
//! — while the address's entry is the one logins use: guesses from one address add up.

use crate::app::App;
use crate::error::{Error, Result};
use crate::i18n::m;
use crate::model::Principal;

/// The throttle entries one password check counts against.
pub struct Recheck<'a> {
    app: &'a App,
    account: String,
    address: String,
}

impl<'a> Recheck<'a> {
    /// `429` before any hashing when the account or the address is locked.
    pub fn begin(app: &'a App, principal: &Principal, address: &str) -> Result<Recheck<'a>> {
        let account = match principal {
            Principal::Customer(c) => match &c.contact {
                Some(p) => format!("p#{}", p.id),
                None => format!("c#{}", c.id),
            },
            Principal::Staff(s) => format!("s#{}", s.id),
        };
        let r = Recheck { app, account, address: format!("ip:{address}") };
        let locked = app.account_throttle.locked(&r.account).or_else(|| app.address_throttle.locked(&r.address));
        match locked {
            Some(secs) => Err(Error::TooMany { retry_after: secs, msg: m::LOGIN_THROTTLED }),
            None => Ok(r),
        }
    }

    pub fn failed(&self) {
        self.app.account_throttle.record_failure(&self.account);
        self.app.address_throttle.record_failure(&self.address);
    }

    /// After a right password the account's failures are forgiven, the address's are not.
    pub fn passed(&self) {
        self.app.account_throttle.clear(&self.account);
    }
}
