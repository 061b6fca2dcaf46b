//! `/admin/settings`: one form per section; each key shows where its value comes from and can
//! go back to the file's value. The fields editor lists, edits and previews `[[fields]]`.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::i18n::{m, Lang, Msg};
use crate::model::{Field, FieldType, Form};
use crate::views::{described_by, error_summary, field_error, layout, Chrome};

/// How a key is entered.
pub enum Kind {
    Text,
    Color,
    Url,
    Textarea,
    Number,
    /// Write-only: rendered empty, never with the stored value.
    Password,
    Check,
    Select(Vec<(&'static str, Msg)>),
}

pub struct Row {
    pub field: &'static str,
    pub label: Msg,
    pub kind: Kind,
    /// `default`, `file` or `browser`.
    pub source: &'static str,
    pub file_value: String,
}

pub struct SectionView {
    pub path: &'static str,
    pub title: Msg,
    pub rows: Vec<Row>,
    pub values: Form,
    pub version: String,
    pub csrf: String,
    pub errors: FieldErrors,
    pub notice: Option<Msg>,
    /// A `test` button's answer: success, and the server's reply.
    pub test: Option<(bool, String)>,
    /// The section has a `test` button (mail: with a recipient field).
    pub test_button: Option<bool>,
    /// The portal section's logo upload: the logo's source (`default`, `file`, `browser`).
    pub logo: Option<&'static str>,
}

const NAV: &[(&str, Msg)] = &[
    ("/admin/settings", m::SETTINGS_PORTAL),
    ("/admin/settings/fields", m::SETTINGS_FIELDS),
    ("/admin/settings/mail", m::SETTINGS_MAIL),
    ("/admin/settings/inbound", m::SETTINGS_INBOUND),
    ("/admin/settings/security", m::SETTINGS_SECURITY),
];

fn nav(c: &Chrome, current: &str) -> Markup {
    html! {
        nav.settings-nav aria-label=(c.t(m::SETTINGS_TITLE)) {
            ul.inline {
                @for (href, label) in NAV {
                    li { a href=(href) aria-current=[(*href == current).then_some("page")] { (c.t(*label)) } }
                }
            }
        }
    }
}

fn source_label(source: &str) -> Msg {
    match source {
        "browser" => m::SETTINGS_SOURCE_BROWSER,
        "file" => m::SETTINGS_SOURCE_FILE,
        _ => m::SETTINGS_SOURCE_DEFAULT,
    }
}

pub fn section(c: &Chrome, v: &SectionView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let content = html! {
        div.page-head { h1 { (c.t(m::SETTINGS_TITLE)) } }
        (nav(c, v.path))
        section.card.narrow data-settings-section=(v.path) {
            h2 { (c.t(v.title)) }
            (error_summary(lang, e))
            (field_error(lang, e, "version"))
            @if let Some((ok, reply)) = &v.test {
                @let msg = if *ok { m::SETTINGS_TEST_OK } else { m::SETTINGS_TEST_FAILED };
                p.notice.(if *ok { "success" } else { "error" }) role="status" data-test-reply {
                    (lang.f(msg, &[("reply", reply.as_str())]))
                }
            }
            form.stack method="post" action=(v.path) enctype=[v.logo.map(|_| "multipart/form-data")] novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="version" value=(v.version);
                @for r in &v.rows {
                    (row(c, e, &v.values, r))
                }
                @if let Some(source) = v.logo {
                    div.field data-setting="logo" data-source=(source) {
                        label for="logo" { (c.t(m::SETTINGS_FIELD_LOGO)) }
                        input id="logo" name="logo" type="file" accept="image/png,image/jpeg,image/svg+xml"
                            aria-invalid=[e.get("logo").map(|_| "true")] aria-describedby=[described_by(e, "logo", true)] autofocus[e.is_first("logo")];
                        (field_error(lang, e, "logo"))
                        p.help id="help-logo" {
                            (c.t(m::SETTINGS_SOURCE)) ": " span.source { (c.t(source_label(source))) }
                            @if source == "browser" {
                                " " button.link type="submit" form="reset-logo" name="reset" value="logo" { (c.t(m::SETTINGS_RESET)) }
                            }
                        }
                    }
                }
                div.actions { button.primary type="submit" { (c.t(m::SETTINGS_SAVE)) } }
                @if let Some(with_to) = v.test_button {
                    @if with_to {
                        div.field {
                            label for="test_to" { (c.t(m::SETTINGS_TEST_TO)) }
                            input id="test_to" name="test_to" type="email" value=(v.values.str("test_to"));
                        }
                    }
                    p.help id="help-test" { (c.t(m::SETTINGS_TEST_USES_FORM)) }
                    div.actions { button type="submit" name="test" value="1" aria-describedby="help-test" { (c.t(m::SETTINGS_TEST)) } }
                }
            }
            @for r in v.rows.iter().filter(|r| r.source == "browser").map(|r| r.field).chain(v.logo.filter(|s| *s == "browser").map(|_| "logo")) {
                form id={ "reset-" (r) } method="post" action=(v.path) hidden {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="version" value=(v.version);
                }
            }
        }
    };
    layout(c, c.t(v.title), v.notice, content)
}

fn row(c: &Chrome, e: &FieldErrors, values: &Form, r: &Row) -> Markup {
    let lang = c.lang;
    let name = r.field;
    let value = values.str(name);
    let invalid = e.get(name).map(|_| "true");
    let desc = described_by(e, name, true);
    html! {
        div.field data-setting=(name) data-source=(r.source) {
            label for=(name) { (c.t(r.label)) }
            @match &r.kind {
                Kind::Textarea => {
                    textarea id=(name) name=(name) rows="5" aria-invalid=[invalid] aria-describedby=[desc.clone()] autofocus[e.is_first(name)] { (value) }
                }
                Kind::Password => {
                    input id=(name) name=(name) type="password" value="" autocomplete="new-password" aria-invalid=[invalid] aria-describedby=[desc.clone()] autofocus[e.is_first(name)];
                }
                Kind::Check => {
                    input id=(name) name=(name) type="checkbox" value="1" checked[!value.is_empty()] aria-describedby=[desc.clone()];
                }
                Kind::Select(opts) => {
                    select id=(name) name=(name) aria-invalid=[invalid] aria-describedby=[desc.clone()] autofocus[e.is_first(name)] {
                        @for (v, label) in opts {
                            option value=(v) selected[value == *v] { (c.t(*label)) }
                        }
                    }
                }
                _ => {
                    @let kind = match r.kind { Kind::Color => "text", Kind::Url => "text", Kind::Number => "number", _ => "text" };
                    input id=(name) name=(name) type=(kind) value=(value) aria-invalid=[invalid] aria-describedby=[desc.clone()] autofocus[e.is_first(name)];
                }
            }
            (field_error(lang, e, name))
            p.help id={ "help-" (name) } {
                (c.t(m::SETTINGS_SOURCE)) ": " span.source { (c.t(source_label(r.source))) }
                @if r.source == "browser" {
                    " · " (lang.f(m::SETTINGS_FILE_VALUE, &[("value", if r.file_value.chars().count() > 60 { "…" } else { r.file_value.as_str() })]))
                    " "
                    // Submits the small form of its own below the main one, so Enter in a field
                    // still saves instead of resetting.
                    button.link type="submit" form={ "reset-" (name) } name="reset" value=(name) { (c.t(m::SETTINGS_RESET)) }
                }
            }
        }
    }
}

/// The fields editor's list page.
pub struct FieldsView {
    pub fields: Vec<Field>,
    pub version: String,
    pub csrf: String,
    pub errors: FieldErrors,
    pub notice: Option<Msg>,
    /// The customer's form as it will look: the active fields, rendered by the same code.
    pub preview: Markup,
}

fn label(lang: Lang, f: &Field) -> String {
    f.label.get(lang).to_string()
}

pub fn fields(c: &Chrome, v: &FieldsView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let n = v.fields.len();
    let content = html! {
        div.page-head {
            h1 { (c.t(m::SETTINGS_TITLE)) }
            a.button href="/admin/settings/fields/new" { (c.t(m::SETTINGS_NEW_FIELD)) }
        }
        (nav(c, "/admin/settings/fields"))
        section.card data-settings-section="/admin/settings/fields" {
            h2 { (c.t(m::SETTINGS_FIELDS)) }
            (error_summary(lang, e))
            (field_error(lang, e, "version"))
            @if v.fields.is_empty() {
                p { (c.t(m::SETTINGS_FIELDS_NONE)) }
            } @else {
                form method="post" action="/admin/settings/fields" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    input type="hidden" name="version" value=(v.version);
                    div.table-wrap {
                        table.tickets.fields-list {
                            thead { tr {
                                th scope="col" { (c.t(m::SETTINGS_FIELD_KEY)) }
                                th scope="col" { (c.t(m::SETTINGS_FIELD_LABEL_DE)) }
                                th scope="col" { (c.t(m::SETTINGS_FIELD_TYPE)) }
                                th scope="col" { (c.t(m::SETTINGS_FIELD_SHOW_WHEN)) }
                                th scope="col" { (c.t(m::SETTINGS_FIELD_RETIRED)) }
                                th scope="col" { span.visually-hidden { (c.t(m::SETTINGS_FIELD_EDIT)) } }
                            } }
                            tbody {
                                @for (i, f) in v.fields.iter().enumerate() {
                                    tr data-field=(f.key) {
                                        td { code { (f.key) } }
                                        td { (label(lang, f)) }
                                        td { (type_name(f.kind)) }
                                        td { @if let Some(sw) = &f.show_when { (sw.field) " = " (sw.equals.clone().into_iter().chain(sw.any_of.clone().into_iter().flatten()).collect::<Vec<_>>().join(", ")) } }
                                        td { @if f.retired { "✓" } }
                                        td.actions {
                                            a href={ "/admin/settings/fields/" (f.key) } { (c.t(m::SETTINGS_FIELD_EDIT)) span.visually-hidden { ": " (f.key) } }
                                            @if i > 0 {
                                                " " button.link type="submit" name="up" value=(f.key) { (c.t(m::SETTINGS_FIELD_MOVE_UP)) span.visually-hidden { ": " (f.key) } }
                                            }
                                            @if i + 1 < n {
                                                " " button.link type="submit" name="down" value=(f.key) { (c.t(m::SETTINGS_FIELD_MOVE_DOWN)) span.visually-hidden { ": " (f.key) } }
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
        section.card data-settings-preview {
            h2 { (c.t(m::SETTINGS_PREVIEW)) }
            (v.preview)
        }
    };
    layout(c, c.t(m::SETTINGS_FIELDS), v.notice, content)
}

pub fn type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "text",
        FieldType::Textarea => "textarea",
        FieldType::Number => "number",
        FieldType::Date => "date",
        FieldType::Email => "email",
        FieldType::Phone => "phone",
        FieldType::Select => "select",
        FieldType::Checkbox => "checkbox",
    }
}

const TYPES: &[FieldType] = &[
    FieldType::Text,
    FieldType::Textarea,
    FieldType::Number,
    FieldType::Date,
    FieldType::Email,
    FieldType::Phone,
    FieldType::Select,
    FieldType::Checkbox,
];

/// One field's form (new or existing).
pub struct FieldFormView {
    /// `None` for a new field.
    pub key: Option<String>,
    pub values: Form,
    /// Fields `show_when` may point at: key, label, options (values).
    pub others: Vec<(String, String, Vec<String>)>,
    pub version: String,
    pub csrf: String,
    pub errors: FieldErrors,
    /// The customer's new-ticket form with this field as the form holds it (not saved yet).
    pub preview: Markup,
}

pub fn field_form(c: &Chrome, v: &FieldFormView) -> Markup {
    let lang = c.lang;
    let e = &v.errors;
    let (title, action) = match &v.key {
        Some(k) => (k.clone(), format!("/admin/settings/fields/{k}")),
        None => (c.t(m::SETTINGS_NEW_FIELD).to_string(), "/admin/settings/fields/new".to_string()),
    };
    let f = &v.values;
    let text = |name: &'static str, label: Msg, readonly: bool| {
        html! {
            div.field {
                label for=(name) { (c.t(label)) }
                input id=(name) name=(name) type="text" value=(f.str(name)) readonly[readonly]
                    aria-invalid=[e.get(name).map(|_| "true")] aria-describedby=[described_by(e, name, false)] autofocus[e.is_first(name)];
                (field_error(lang, e, name))
            }
        }
    };
    let area = |name: &'static str, label: Msg| {
        html! {
            div.field {
                label for=(name) { (c.t(label)) }
                textarea id=(name) name=(name) rows="4"
                    aria-invalid=[e.get(name).map(|_| "true")] aria-describedby=[described_by(e, name, false)] autofocus[e.is_first(name)] { (f.str(name)) }
                (field_error(lang, e, name))
            }
        }
    };
    let check = |name: &'static str, label: Msg| {
        html! {
            div.field.check {
                input id=(name) name=(name) type="checkbox" value="1" checked[!f.str(name).is_empty()];
                label for=(name) { (c.t(label)) }
                (field_error(lang, e, name))
            }
        }
    };
    let content = html! {
        p.back { a href="/admin/settings/fields" { "← " (c.t(m::SETTINGS_FIELDS)) } }
        div.page-head { h1 { (title) } }
        section.card.narrow {
            (error_summary(lang, e))
            (field_error(lang, e, "version"))
            (field_error(lang, e, "fields"))
            form.stack method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="version" value=(v.version);
                (text("key", m::SETTINGS_FIELD_KEY, v.key.is_some()))
                (text("label_de", m::SETTINGS_FIELD_LABEL_DE, false))
                (text("label_en", m::SETTINGS_FIELD_LABEL_EN, false))
                div.field {
                    label for="type" { (c.t(m::SETTINGS_FIELD_TYPE)) }
                    select id="type" name="type" aria-invalid=[e.get("type").map(|_| "true")] aria-describedby=[described_by(e, "type", false)] {
                        @for t in TYPES {
                            option value=(type_name(*t)) selected[f.str("type") == type_name(*t)] { (type_name(*t)) }
                        }
                    }
                    (field_error(lang, e, "type"))
                }
                (check("required", m::SETTINGS_FIELD_REQUIRED))
                (area("options", m::SETTINGS_FIELD_OPTIONS))
                (text("help", m::SETTINGS_FIELD_HELP, false))
                div.field {
                    label for="show_when_field" { (c.t(m::SETTINGS_FIELD_SHOW_WHEN)) }
                    select id="show_when_field" name="show_when_field" aria-invalid=[e.get("show_when_field").map(|_| "true")] aria-describedby=[described_by(e, "show_when_field", false)] {
                        option value="" { (c.t(m::SETTINGS_FIELD_ALWAYS)) }
                        @for (k, l, opts) in &v.others {
                            option value=(k) selected[f.str("show_when_field") == k] {
                                (l) " (" (k) ")"
                                @if !opts.is_empty() { ": " (opts.join(", ")) }
                            }
                        }
                    }
                    (field_error(lang, e, "show_when_field"))
                }
                (area("show_when_values", m::SETTINGS_FIELD_SHOW_VALUES))
                (check("list_column", m::SETTINGS_FIELD_LIST_COLUMN))
                (check("customer_editable", m::SETTINGS_FIELD_CUSTOMER_EDITABLE))
                @if v.key.is_some() {
                    (check("retired", m::SETTINGS_FIELD_RETIRED))
                }
                div.actions {
                    button.primary type="submit" { (c.t(m::SETTINGS_SAVE)) }
                    " "
                    button type="submit" name="preview" value="1" { (c.t(m::SETTINGS_PREVIEW_BUTTON)) }
                }
            }
        }
        section.card data-settings-preview {
            h2 { (c.t(m::SETTINGS_PREVIEW_FIELD)) }
            (v.preview)
        }
    };
    layout(c, &title, None, content)
}
