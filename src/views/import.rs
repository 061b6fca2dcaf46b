//! `/staff/customers/import` (issue 21): the upload form, the preview with every error by line,
//! the confirmation, and the result.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::m;
use crate::model::{ImportAction, ImportReport};
use crate::views::{error_summary, field_error, layout, Chrome};

pub struct ImportView {
    pub csrf: String,
    pub errors: FieldErrors,
    /// After an upload (preview) or a confirmation (result).
    pub report: Option<ImportReport>,
    /// The staged file to confirm (only when the preview found no errors).
    pub token: Option<String>,
    pub update: bool,
    pub invite: bool,
    /// Whether invitations can be sent (`[smtp]`).
    pub can_invite: bool,
}

pub fn page(c: &Chrome, v: &ImportView) -> Markup {
    let content = html! {
        div.page-head { h1 { (c.t(m::IMPORT_TITLE)) } }
        (error_summary(c.lang, &v.errors))
        @if let Some(r) = &v.report { (report(c, v, r)) }
        @if v.report.as_ref().is_none_or(|r| !r.applied) { (upload_form(c, v)) }
    };
    layout(c, c.t(m::IMPORT_TITLE), None, content)
}

fn options(c: &Chrome, v: &ImportView) -> Markup {
    html! {
        div.field.check {
            label { input type="checkbox" name="update" value="1" checked[v.update]; " " (c.t(m::IMPORT_UPDATE)) }
        }
        div.field.check {
            label {
                input type="checkbox" name="invite" value="1" checked[v.invite] disabled[!v.can_invite];
                " " (c.t(m::IMPORT_INVITE))
            }
            (field_error(c.lang, &v.errors, "invite"))
        }
    }
}

fn upload_form(c: &Chrome, v: &ImportView) -> Markup {
    html! {
        form.card method="post" action="/staff/customers/import" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(v.csrf);
            p.hint { (c.t(m::IMPORT_HELP)) }
            div.field {
                label for="f-file" { (c.t(m::IMPORT_FILE)) }
                input #f-file type="file" name="file" accept=".csv,text/csv" required;
                (field_error(c.lang, &v.errors, "file"))
            }
            (options(c, v))
            button.btn.btn-primary type="submit" { (c.t(m::IMPORT_CHECK)) }
        }
    }
}

fn report(c: &Chrome, v: &ImportView, r: &ImportReport) -> Markup {
    let n = |x: usize| x.to_string();
    html! {
        section.card data-import-result=(if r.applied { "applied" } else if r.errors.is_empty() { "preview" } else { "errors" }) {
            p {
                (c.f(m::IMPORT_SUMMARY, &[
                    ("rows", &n(r.rows)), ("created", &n(r.created)), ("updated", &n(r.updated)),
                    ("unchanged", &n(r.unchanged)), ("contacts", &n(r.contacts)), ("invited", &n(r.invited)),
                ]))
                " (" (r.encoding) ", „" (r.delimiter) "“)"
            }
            @if r.applied {
                p.notice.success role="status" { (c.t(m::IMPORT_DONE)) }
            } @else if !r.errors.is_empty() {
                p.notice.error role="alert" { (c.f(m::IMPORT_HAS_ERRORS, &[("n", &n(r.errors.len()))])) }
                div.table-wrap { table.tickets {
                    thead { tr { th scope="col" { (c.t(m::IMPORT_LINE)) } th scope="col" { (c.t(m::IMPORT_COLUMN)) } th scope="col" { (c.t(m::IMPORT_PROBLEM)) } } }
                    tbody { @for e in &r.errors {
                        tr data-import-error=(e.line) {
                            td.num { (e.line) }
                            td { (e.column.as_deref().unwrap_or("")) }
                            td { (e.text(c.lang)) }
                        }
                    } }
                } }
            }
            @if !r.ignored_columns.is_empty() {
                p.hint { (c.t(m::IMPORT_IGNORED)) " " (r.ignored_columns.join(", ")) }
            }
            @if r.errors.is_empty() && !r.lines.is_empty() { (lines(c, r)) }
            @if let Some(token) = &v.token {
                form method="post" action="/staff/customers/import" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="token" value=(token);
                    @if v.update { input type="hidden" name="update" value="1"; }
                    @if v.invite { input type="hidden" name="invite" value="1"; }
                    button.btn.btn-primary type="submit" name="confirm" value="1" { (c.t(m::IMPORT_CONFIRM)) }
                }
            }
        }
    }
}

fn lines(c: &Chrome, r: &ImportReport) -> Markup {
    html! {
        div.table-wrap { table.tickets {
            thead { tr {
                th scope="col" { (c.t(m::IMPORT_LINE)) }
                th scope="col" { (c.t(m::CUSTOMER_NO)) }
                th scope="col" { (c.t(m::NAME)) }
                th scope="col" { (c.t(m::EMAIL)) }
                th scope="col" { (c.t(m::IMPORT_ACTION)) }
            } }
            tbody { @for l in &r.lines {
                tr data-import-line=(l.line) {
                    td.num { (l.line) }
                    td { (l.customer_no) }
                    td { (l.name) }
                    td { (l.email) }
                    td {
                        (c.t(match l.action {
                            ImportAction::Create => m::IMPORT_CREATE,
                            ImportAction::Update => m::IMPORT_CHANGE,
                            ImportAction::Unchanged => m::IMPORT_UNCHANGED,
                        }))
                        @if l.new_contacts > 0 { " + " (c.f(m::IMPORT_CONTACTS_N, &[("n", &l.new_contacts.to_string())])) }
                    }
                }
            } }
        } }
    }
}
