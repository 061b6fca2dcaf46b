//! The admins' first-steps card on the staff start page (issue 19): where to add customers
//! and staff, where the look, fields and mail are set, the hotline mode; shown until dismissed.

use maud::{html, Markup};

use crate::i18n::{m, Msg};
use crate::views::Chrome;

pub struct FirstStepsView {
    pub csrf: String,
    /// The hotline mode's name in words (`[hotline] mode`).
    pub hotline_mode: Msg,
    pub hotline_on: bool,
    /// An SMTP relay is configured.
    pub mail: bool,
}

pub fn card(c: &Chrome, v: &FirstStepsView) -> Markup {
    html! {
        section.card.first-steps #first-steps data-first-steps aria-labelledby="first-steps-title" {
            h2 #first-steps-title { (c.t(m::FIRST_STEPS_TITLE)) }
            p { (c.t(m::FIRST_STEPS_INTRO)) }
            ol.first-steps-list {
                li {
                    a href="/staff/customers/new" { (c.t(m::FIRST_STEPS_CUSTOMER)) }
                    " – " (c.t(m::FIRST_STEPS_CUSTOMER_HINT))
                }
                li {
                    a href="/admin/staff/new" { (c.t(m::FIRST_STEPS_STAFF)) }
                    " – " (c.t(m::FIRST_STEPS_STAFF_HINT))
                }
                li {
                    strong { (c.t(m::FIRST_STEPS_CONFIG)) }
                    " – " (c.t(m::FIRST_STEPS_CONFIG_HINT)) " "
                    @if v.mail {
                        a href="/admin/outbox" { (c.t(m::NAV_OUTBOX)) }
                    } @else {
                        (c.t(m::FIRST_STEPS_NO_MAIL))
                    }
                }
                li {
                    @if v.hotline_on {
                        a href="/staff/hotline" { (c.t(m::NAV_HOTLINE)) }
                    } @else {
                        strong { (c.t(m::NAV_HOTLINE)) }
                    }
                    " – " (c.f(m::FIRST_STEPS_HOTLINE, &[("mode", c.t(v.hotline_mode))]))
                }
            }
            form.first-steps-dismiss method="post" action="/admin/first-steps/dismiss" {
                input type="hidden" name="csrf" value=(v.csrf);
                button.btn.btn-quiet type="submit" { (c.t(m::FIRST_STEPS_DISMISS)) }
            }
        }
    }
}
