//! Text snippets ("Textbausteine"): the list with a form for a new one, one snippet's page, and
//! the signature card of `/staff/account`.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Msg};
use crate::model::{Form, Snippet, SNIPPET_PLACEHOLDERS};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

pub struct SnippetsView {
    pub snippets: Vec<Snippet>,
    pub admin: bool,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub notice: Option<Msg>,
}

pub fn list(c: &Chrome, v: &SnippetsView) -> Markup {
    let content = html! {
        div.page-head { h1 { (c.t(m::SNIPPETS)) } }
        p { (c.t(m::SNIPPETS_INTRO)) }
        (placeholders(c))
        @if v.snippets.is_empty() {
            div.empty.card { p { (c.t(m::NO_SNIPPETS)) } }
        } @else {
            ul.snippet-list.stack {
                @for n in &v.snippets {
                    li.card data-snippet=(n.id) data-shared[n.shared] {
                        a href={ "/staff/snippets/" (n.id) } { strong { (n.title) } }
                        " " span.muted.snippet-meta {
                            @if n.shared { (c.t(m::SNIPPET_SHARED_SHORT)) " · " (n.owner_name) } @else { (c.t(m::SNIPPET_PERSONAL)) }
                        }
                        pre { (n.body) }
                    }
                }
            }
        }
        section.card aria-labelledby="new-snippet" {
            h2 #new-snippet { (c.t(m::SNIPPET_NEW)) }
            (snippet_form(c, "/staff/snippets", &v.values, &v.errors, &v.csrf, v.admin))
        }
    };
    layout(c, c.t(m::SNIPPETS), v.notice, content)
}

pub struct SnippetView {
    pub snippet: Snippet,
    pub editable: bool,
    pub admin: bool,
    pub values: Form,
    pub errors: FieldErrors,
    pub csrf: String,
    pub notice: Option<Msg>,
}

pub fn edit(c: &Chrome, v: &SnippetView) -> Markup {
    let n = &v.snippet;
    let action = format!("/staff/snippets/{}", n.id);
    let content = html! {
        p.back { a href="/staff/snippets" { "← " (c.t(m::SNIPPETS)) } }
        div.page-head { h1 { (n.title) } }
        @if v.editable {
            section.card {
                (snippet_form(c, &action, &v.values, &v.errors, &v.csrf, v.admin))
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(v.csrf);
                button.btn type="submit" name="delete" value="1" { (c.t(m::SNIPPET_DELETE)) }
            }
        } @else {
            section.card {
                p.muted { (c.t(m::SNIPPET_READ_ONLY)) }
                pre { (n.body) }
            }
        }
        (placeholders(c))
    };
    layout(c, &n.title, v.notice, content)
}

/// Which placeholders a snippet may contain, and what they become.
fn placeholders(c: &Chrome) -> Markup {
    html! {
        section.card.placeholders aria-labelledby="placeholders-title" {
            h2 #placeholders-title { (c.t(m::SNIPPETS_PLACEHOLDERS)) }
            p { (c.t(m::SNIPPETS_PLACEHOLDERS_HINT)) }
            dl.facts {
                @for (de, en, what) in SNIPPET_PLACEHOLDERS {
                    div {
                        dt { code { (de) } @if de != en { " / " code { (en) } } }
                        dd { (c.t(*what)) }
                    }
                }
            }
        }
    }
}

fn snippet_form(c: &Chrome, action: &str, values: &Form, e: &FieldErrors, csrf: &str, admin: bool) -> Markup {
    html! {
        (error_summary(c.lang, e))
        form.stack method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            div.field {
                label for="s-title" { (c.t(m::SNIPPET_TITLE)) }
                input #s-title type="text" name="title" maxlength="120" required value=(values.str("title"))
                    aria-invalid=[e.get("title").map(|_| "true")] aria-describedby=[described_by(e, "title", false)];
                (field_error(c.lang, e, "title"))
            }
            div.field {
                label for="s-body" { (c.t(m::TEXT)) }
                textarea #s-body name="body" rows="8" maxlength="20000" required
                    aria-invalid=[e.get("body").map(|_| "true")] aria-describedby=[described_by(e, "body", false)] { (values.str("body")) }
                (field_error(c.lang, e, "body"))
            }
            @if admin || e.get("shared").is_some() {
                div.field {
                    label.check for="s-shared" {
                        input #s-shared type="checkbox" name="shared" value="on" checked[!values.str("shared").is_empty()]
                            aria-describedby=[described_by(e, "shared", false)];
                        " " (c.t(m::SNIPPET_SHARED))
                    }
                    (field_error(c.lang, e, "shared"))
                }
            }
            div.actions { button.btn.btn-primary type="submit" { (c.t(m::SAVE)) } }
        }
    }
}

/// The personal signature on `/staff/account`.
pub struct SignatureCard {
    pub text: String,
    pub csrf: String,
    pub errors: FieldErrors,
}

pub fn signature_card(c: &Chrome, s: &SignatureCard) -> Markup {
    let e = &s.errors;
    html! {
        section.card #signature aria-labelledby="signature-title" {
            h2 #signature-title { (c.t(m::SIGNATURE)) }
            form.stack method="post" action="/staff/account/signature" {
                input type="hidden" name="csrf" value=(s.csrf);
                div.field {
                    label for="signature-text" { (c.t(m::SIGNATURE)) }
                    textarea #signature-text name="signature" rows="4" maxlength="1000"
                        aria-invalid=[e.get("signature").map(|_| "true")]
                        aria-describedby={ "signature-hint" @if e.get("signature").is_some() { " err-signature" } } { (s.text) }
                    p.help #signature-hint { (c.t(m::SIGNATURE_HINT)) }
                    (field_error(c.lang, e, "signature"))
                }
                div.actions { button.btn type="submit" { (c.t(m::SIGNATURE_SAVE)) } }
            }
            p { a.btn.btn-quiet href="/staff/snippets" { (c.t(m::SNIPPETS_MANAGE)) } }
        }
    }
}
