//! The people of a ticket on the customer's side (`/tickets/<number>/people`): who opened it,
//! which colleagues were added, and a form to add one more.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::{Contact, TicketPeople};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

pub struct PeopleView {
    pub people: TicketPeople,
    pub csrf: String,
    pub errors: FieldErrors,
    pub notice: Option<Msg>,
}

pub fn page(c: &Chrome, v: &PeopleView) -> Markup {
    let p = &v.people;
    let base = format!("/tickets/{}", p.number);
    let content = html! {
        p.back { a href=(base) { "← " (c.t(m::TICKET)) " " (p.number) } }
        div.page-head {
            h1 { (c.t(m::PEOPLE_TITLE)) }
        }
        p.lead { (c.t(m::TICKET)) " " strong { (p.number) } " – " (p.subject) }
        section.card aria-labelledby="people-title" {
            h2 #people-title { (c.t(m::PEOPLE_TITLE)) }
            p.muted { (c.t(m::PEOPLE_INTRO)) }
            ul.people {
                li data-person=(p.opener.as_ref().map_or("main".to_string(), |o| o.id.to_string())) {
                    @match &p.opener {
                        Some(o) => { (person(o)) }
                        None => { strong { (p.company) } " (" (c.t(m::MAIN_ACCOUNT)) ")" }
                    }
                    " – " span.muted { (c.t(m::PEOPLE_OPENER)) }
                }
                @for a in &p.added {
                    li data-person=(a.id) { (person(a)) }
                }
            }
        }
        (add_form(c, v, &base))
    };
    layout(c, &format!("{} – {}", c.t(m::PEOPLE_TITLE), p.number), v.notice, content)
}

fn person(p: &Contact) -> Markup {
    html! { strong { (p.name) } " " span.muted { "<" (p.email) ">" } }
}

fn add_form(c: &Chrome, v: &PeopleView, base: &str) -> Markup {
    let e = &v.errors;
    html! {
        section.card aria-labelledby="people-add-title" {
            h2 #people-add-title { (c.t(m::PEOPLE_ADD)) }
            @if v.people.candidates.is_empty() && e.is_empty() {
                p { (c.t(m::PEOPLE_NONE_LEFT)) }
            } @else {
                (error_summary(c.lang, e))
                form.stack method="post" action={ (base) "/people" } {
                    input type="hidden" name="csrf" value=(v.csrf);
                    div.field {
                        label for="contact" { (c.t(m::PEOPLE_ADD)) }
                        select #contact name="contact" aria-invalid=[e.get("contact").map(|_| "true")]
                            aria-describedby=[described_by(e, "contact", false)] {
                            @for p in &v.people.candidates {
                                option value=(p.id) { (p.name) " <" (p.email) ">" }
                            }
                        }
                        (field_error(c.lang, e, "contact"))
                    }
                    div.actions { button.btn.btn-primary type="submit" { (c.t(m::PEOPLE_ADD)) } }
                }
            }
        }
    }
}
