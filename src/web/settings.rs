//! `/admin/settings…`: admins only (agents `403`, customers `404`). Parse → CSRF → use-case
//! (`app::settings`) → `303` back, or the form again with `422` at the field.

use rouille::Response;

use crate::app::settings::{self, FieldInput, SaveInput};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Msg};
use crate::model::{FieldOption, Form, Principal, ShowWhen, StaffMember, Text};
use crate::views;
use crate::views::settings::{Kind, Row};
use crate::web::form::read_form_with_file;
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

/// Admins pass; a customer is told nothing is here; an agent is refused.
fn admin(ctx: &Ctx) -> Result<StaffMember> {
    if let Some(Principal::Customer(_)) = ctx.session().map(|s| &s.principal) {
        return Err(Error::NotFound);
    }
    ctx.admin().cloned()
}

struct Section {
    name: &'static str,
    path: &'static str,
    title: Msg,
    rows: fn() -> Vec<(&'static str, Msg, Kind)>,
    /// `Some(with a recipient)` when the section has a `test` button.
    test: Option<bool>,
}

const PORTAL: Section = Section {
    name: "portal",
    path: "/admin/settings",
    title: m::SETTINGS_PORTAL,
    rows: || {
        vec![
            ("title", m::SETTINGS_FIELD_TITLE, Kind::Text),
            ("accent_color", m::SETTINGS_FIELD_ACCENT, Kind::Color),
            ("login_text", m::SETTINGS_FIELD_LOGIN_TEXT, Kind::Textarea),
            ("imprint_url", m::SETTINGS_FIELD_IMPRINT, Kind::Url),
            ("privacy_url", m::SETTINGS_FIELD_PRIVACY, Kind::Url),
            ("custom_css", m::SETTINGS_FIELD_CSS, Kind::Textarea),
        ]
    },
    test: None,
};

const MAIL: Section = Section {
    name: "mail",
    path: "/admin/settings/mail",
    title: m::SETTINGS_MAIL,
    rows: || {
        vec![
            ("smtp_host", m::SETTINGS_SMTP_HOST, Kind::Text),
            ("smtp_port", m::SETTINGS_PORT, Kind::Number),
            (
                "smtp_security",
                m::SETTINGS_TLS,
                Kind::Select(vec![
                    ("", m::SETTINGS_OPT_AUTO),
                    ("starttls", m::SETTINGS_OPT_STARTTLS),
                    ("tls", m::SETTINGS_OPT_TLS),
                    ("none", m::SETTINGS_OPT_OFF),
                ]),
            ),
            ("smtp_username", m::SETTINGS_USERNAME, Kind::Text),
            ("smtp_password", m::SETTINGS_PASSWORD_WRITE_ONLY, Kind::Password),
            ("smtp_from", m::SETTINGS_SMTP_FROM, Kind::Text),
            ("include_text", m::SETTINGS_INCLUDE_TEXT, Kind::Check),
            ("retry_seconds", m::SETTINGS_RETRY_SECONDS, Kind::Number),
            ("max_attempts", m::SETTINGS_MAX_ATTEMPTS, Kind::Number),
        ]
    },
    test: Some(true),
};

const INBOUND: Section = Section {
    name: "inbound",
    path: "/admin/settings/inbound",
    title: m::SETTINGS_INBOUND,
    rows: || {
        vec![
            ("address", m::SETTINGS_INBOUND_ADDRESS, Kind::Text),
            ("imap_host", m::SETTINGS_IMAP_HOST, Kind::Text),
            ("imap_port", m::SETTINGS_PORT, Kind::Number),
            (
                "imap_security",
                m::SETTINGS_TLS,
                Kind::Select(vec![("tls", m::SETTINGS_OPT_TLS), ("starttls", m::SETTINGS_OPT_STARTTLS)]),
            ),
            ("imap_username", m::SETTINGS_USERNAME, Kind::Text),
            ("imap_password", m::SETTINGS_PASSWORD_WRITE_ONLY, Kind::Password),
            ("imap_folder", m::SETTINGS_IMAP_FOLDER, Kind::Text),
            ("poll_seconds", m::SETTINGS_POLL_SECONDS, Kind::Number),
            ("after_import", m::SETTINGS_AFTER_IMPORT, Kind::Text),
            ("hold_days", m::SETTINGS_HOLD_DAYS, Kind::Number),
            ("max_per_sender_per_hour", m::SETTINGS_MAX_PER_SENDER, Kind::Number),
        ]
    },
    test: Some(false),
};

const SECURITY: Section = Section {
    name: "security",
    path: "/admin/settings/security",
    title: m::SETTINGS_SECURITY,
    rows: || {
        vec![
            (
                "hotline_mode",
                m::SETTINGS_FIELD_HOTLINE,
                Kind::Select(vec![
                    ("reveal", m::SETTINGS_OPT_REVEAL),
                    ("verify", m::SETTINGS_OPT_VERIFY),
                    ("off", m::SETTINGS_OPT_OFF),
                ]),
            ),
            (
                "require_2fa",
                m::SETTINGS_FIELD_2FA,
                Kind::Select(vec![
                    ("admins", m::SETTINGS_OPT_ADMINS),
                    ("staff", m::SETTINGS_OPT_STAFF),
                    ("off", m::SETTINGS_OPT_OFF),
                ]),
            ),
            ("auto_close_days", m::SETTINGS_FIELD_AUTO_CLOSE, Kind::Number),
            ("warn_at_percent", m::SETTINGS_FIELD_WARN, Kind::Number),
        ]
    },
    test: None,
};

fn render_section(
    ctx: &mut Ctx,
    s: &Section,
    entered: Option<Form>,
    errors: FieldErrors,
    status: u16,
    test: Option<(bool, String)>,
) -> Result<Response> {
    let state = settings::section_state(ctx.app, s.name)?;
    let mut values = Form::default();
    for (field, value, _, _) in &state.values {
        values.set(field, value.clone());
    }
    let version = match &entered {
        // A conflict keeps the old version so the next save is refused again until reloaded.
        Some(f) => f.str("version").to_string(),
        None => state.version.clone(),
    };
    if let Some(f) = entered {
        for (field, _, _, _) in &state.values {
            if let Some(v) = f.get(field) {
                values.set(field, v.to_string());
            }
        }
        values.set("test_to", f.str("test_to").to_string());
    }
    // Write-only: whatever was typed or stored, a password field comes back empty.
    for (field, _, kind) in (s.rows)() {
        if matches!(kind, Kind::Password) {
            values.set(field, String::new());
        }
    }
    let rows = (s.rows)()
        .into_iter()
        .map(|(field, label, kind)| {
            let (source, file_value) = state
                .values
                .iter()
                .find(|(f, ..)| *f == field)
                .map(|(_, _, src, fv)| (src.as_str(), fv.clone()))
                .unwrap_or(("default", String::new()));
            Row { field, label, kind, source, file_value }
        })
        .collect();
    let view = views::settings::SectionView {
        path: s.path,
        title: s.title,
        rows,
        values,
        version,
        csrf: ctx.csrf_token(),
        errors,
        notice: ctx.take_flash(),
        test,
        test_button: s.test,
        logo: (s.name == "portal").then_some(state.logo_source.as_str()),
    };
    Ok(html(views::settings::section(&ctx.chrome(), &view)).with_status_code(status))
}

fn show_section(ctx: &mut Ctx, s: &Section) -> Result<Response> {
    admin(ctx)?;
    render_section(ctx, s, None, FieldErrors::new(), 200, None)
}

fn save_section(ctx: &mut Ctx, s: &Section) -> Result<Response> {
    let me = admin(ctx)?;
    let (f, logo) = if s.name == "portal" {
        let limit = ctx.app.config().security.max_form_bytes;
        let (f, logo) = read_form_with_file(ctx.req, limit, "logo", settings::MAX_LOGO_BYTES as u64)?;
        ctx.check_csrf(&f)?;
        (f, logo)
    } else {
        (checked_form(ctx)?, None)
    };
    if s.name == "portal" && (logo.is_some() || f.get("reset") == Some("logo")) {
        let r = match &logo {
            Some(bytes) if settings::check_logo(bytes).is_err() => {
                let mut errors = FieldErrors::new();
                if let Err(msg) = settings::check_logo(bytes) {
                    errors.add("logo", msg);
                }
                Err(Error::Invalid(errors))
            }
            Some(bytes) => {
                // Text fields first (they check the version), then the logo at the version now.
                let rows = (s.rows)();
                let values = rows.iter().filter_map(|(k, _, _)| f.get(k).map(|v| (*k, v.to_string()))).collect();
                let input = SaveInput { section: s.name, version: f.str("version"), values, reset: Vec::new() };
                settings::save(ctx.app, &me, &input, &ctx.address).and_then(|()| {
                    let v = settings::version(ctx.app, "portal")?;
                    settings::save_logo(ctx.app, &me, Some(bytes), &v, &ctx.address)
                })
            }
            None => settings::save_logo(ctx.app, &me, None, f.str("version"), &ctx.address),
        };
        return match r {
            Ok(()) => {
                ctx.set_flash(m::SETTINGS_SAVED);
                Ok(redirect(s.path))
            }
            Err(Error::Invalid(errors)) => render_section(ctx, s, Some(f), errors, 422, None),
            Err(e) => Err(e),
        };
    }
    let rows = (s.rows)();
    let submitted: Vec<(&str, String)> = rows
        .iter()
        .filter_map(|(k, _, kind)| match (f.get(k), kind) {
            (Some(v), _) => Some((*k, v.to_string())),
            // An unticked box is not sent: it means off.
            (None, Kind::Check) => Some((*k, String::new())),
            (None, _) => None,
        })
        .collect();
    if f.get("test").is_some() && s.test.is_some() {
        // Tries the values in the form (saved or not; an empty password field means the
        // stored one) and stores nothing; the form comes back as it was sent.
        let reply = match s.name {
            "mail" => settings::test_mail(ctx.app, &submitted, f.str("test_to")),
            _ => settings::test_inbound(ctx.app, &submitted),
        };
        return match reply {
            Ok(r) => {
                let test = match r {
                    Ok(r) => (true, r),
                    Err(e) => (false, e),
                };
                render_section(ctx, s, Some(f), FieldErrors::new(), 200, Some(test))
            }
            Err(Error::Invalid(errors)) => render_section(ctx, s, Some(f), errors, 422, None),
            Err(e) => Err(e),
        };
    }
    let fields: Vec<&'static str> = rows.iter().map(|(f, _, _)| *f).collect();
    let reset: Vec<&str> = f.get("reset").and_then(|r| fields.iter().copied().find(|x| *x == r)).into_iter().collect();
    let values = if reset.is_empty() { submitted } else { Vec::new() };
    let input = SaveInput { section: s.name, version: f.str("version"), values, reset };
    match settings::save(ctx.app, &me, &input, &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::SETTINGS_SAVED);
            Ok(redirect(s.path))
        }
        Err(Error::Invalid(errors)) => render_section(ctx, s, Some(f), errors, 422, None),
        Err(e) => Err(e),
    }
}

pub fn portal(ctx: &mut Ctx) -> Result<Response> {
    show_section(ctx, &PORTAL)
}

pub fn portal_save(ctx: &mut Ctx) -> Result<Response> {
    save_section(ctx, &PORTAL)
}

pub fn mail(ctx: &mut Ctx) -> Result<Response> {
    show_section(ctx, &MAIL)
}

pub fn mail_save(ctx: &mut Ctx) -> Result<Response> {
    save_section(ctx, &MAIL)
}

pub fn inbound(ctx: &mut Ctx) -> Result<Response> {
    show_section(ctx, &INBOUND)
}

pub fn inbound_save(ctx: &mut Ctx) -> Result<Response> {
    save_section(ctx, &INBOUND)
}

pub fn security(ctx: &mut Ctx) -> Result<Response> {
    show_section(ctx, &SECURITY)
}

pub fn security_save(ctx: &mut Ctx) -> Result<Response> {
    save_section(ctx, &SECURITY)
}

fn render_fields(ctx: &mut Ctx, version: Option<String>, errors: FieldErrors, status: u16) -> Result<Response> {
    let cfg = ctx.app.config();
    let lang = ctx.lang;
    let preview = views::tickets::custom_fields(lang, &cfg.fields, &Form::default(), &FieldErrors::new());
    let view = views::settings::FieldsView {
        fields: cfg.all_fields(),
        version: match version {
            Some(v) => v,
            None => settings::version(ctx.app, "fields")?,
        },
        csrf: ctx.csrf_token(),
        errors,
        notice: ctx.take_flash(),
        preview,
    };
    Ok(html(views::settings::fields(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn fields(ctx: &mut Ctx) -> Result<Response> {
    admin(ctx)?;
    render_fields(ctx, None, FieldErrors::new(), 200)
}

/// Reordering from the list (`up=<key>` or `down=<key>`).
pub fn fields_move(ctx: &mut Ctx) -> Result<Response> {
    let me = admin(ctx)?;
    let f = checked_form(ctx)?;
    let (key, up) = match (f.get("up"), f.get("down")) {
        (Some(k), _) => (k.to_string(), true),
        (None, Some(k)) => (k.to_string(), false),
        _ => return Ok(redirect("/admin/settings/fields")),
    };
    match settings::move_field(ctx.app, &me, &key, up, f.str("version"), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::SETTINGS_SAVED);
            Ok(redirect("/admin/settings/fields"))
        }
        Err(Error::Invalid(errors)) => render_fields(ctx, Some(f.str("version").to_string()), errors, 422),
        Err(e) => Err(e),
    }
}

fn text_de_en(t: &Text) -> (String, String) {
    match t {
        Text::Plain(s) => (s.clone(), String::new()),
        Text::Localized { de, en } => (de.clone(), en.clone()),
    }
}

fn field_values(key: &str, ctx: &Ctx) -> Result<Form> {
    let cfg = ctx.app.config();
    let all = cfg.all_fields();
    let f = all.iter().find(|f| f.key == key).ok_or(Error::NotFound)?;
    let mut v = Form::default();
    let (de, en) = text_de_en(&f.label);
    v.set("key", f.key.clone());
    v.set("label_de", de);
    v.set("label_en", en);
    v.set("type", views::settings::type_name(f.kind).to_string());
    let flag = |b: bool| if b { "1".to_string() } else { String::new() };
    v.set("required", flag(f.required));
    v.set("options", f.options.iter().map(FieldOption::value).collect::<Vec<_>>().join("\n"));
    v.set("help", f.help.as_ref().map(|h| text_de_en(h).0).unwrap_or_default());
    let (sf, sv) = match &f.show_when {
        Some(ShowWhen { field, equals, any_of }) => {
            (field.clone(), equals.iter().chain(any_of.iter().flatten()).cloned().collect::<Vec<_>>().join("\n"))
        }
        None => (String::new(), String::new()),
    };
    v.set("show_when_field", sf);
    v.set("show_when_values", sv);
    v.set("list_column", flag(f.list_column));
    v.set("customer_editable", flag(f.customer_editable));
    v.set("retired", flag(f.retired));
    Ok(v)
}

fn render_field_form(
    ctx: &mut Ctx,
    key: Option<&str>,
    values: Form,
    version: Option<String>,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    let cfg = ctx.app.config();
    let lang = ctx.lang;
    let others = cfg
        .fields
        .iter()
        .filter(|f| Some(f.key.as_str()) != key)
        .map(|f| {
            (f.key.clone(), f.label.get(lang).to_string(), f.options.iter().map(|o| o.value().to_string()).collect())
        })
        .collect();
    let shown = settings::preview_fields(ctx.app, key, &field_input(&values));
    let preview = views::tickets::custom_fields(lang, &shown, &Form::default(), &FieldErrors::new());
    let view = views::settings::FieldFormView {
        key: key.map(str::to_string),
        preview,
        values,
        others,
        version: match version {
            Some(v) => v,
            None => settings::version(ctx.app, "fields")?,
        },
        csrf: ctx.csrf_token(),
        errors,
    };
    Ok(html(views::settings::field_form(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn field_new(ctx: &mut Ctx) -> Result<Response> {
    admin(ctx)?;
    let mut v = Form::default();
    v.set("type", "text".into());
    render_field_form(ctx, None, v, None, FieldErrors::new(), 200)
}

pub fn field_edit(ctx: &mut Ctx, key: &str) -> Result<Response> {
    admin(ctx)?;
    let v = field_values(key, ctx)?;
    render_field_form(ctx, Some(key), v, None, FieldErrors::new(), 200)
}

pub fn field_create(ctx: &mut Ctx) -> Result<Response> {
    field_save(ctx, None)
}

pub fn field_update(ctx: &mut Ctx, key: &str) -> Result<Response> {
    field_save(ctx, Some(key))
}

/// The field form as submitted (or as [`field_values`] fills it).
fn field_input(f: &Form) -> FieldInput<'_> {
    FieldInput {
        key: f.str("key"),
        label_de: f.str("label_de"),
        label_en: f.str("label_en"),
        kind: f.str("type"),
        required: !f.str("required").is_empty(),
        options: f.str("options"),
        help: f.str("help"),
        show_when_field: f.str("show_when_field"),
        show_when_values: f.str("show_when_values"),
        list_column: !f.str("list_column").is_empty(),
        customer_editable: !f.str("customer_editable").is_empty(),
        retired: !f.str("retired").is_empty(),
    }
}

fn field_save(ctx: &mut Ctx, key: Option<&str>) -> Result<Response> {
    let me = admin(ctx)?;
    let f = checked_form(ctx)?;
    if let Some(k) = key {
        field_values(k, ctx)?;
    }
    if f.get("preview").is_some() {
        // "Update the preview": the form again with the preview of what it holds; nothing
        // is checked or stored.
        let version = Some(f.str("version").to_string());
        return render_field_form(ctx, key, f, version, FieldErrors::new(), 200);
    }
    let input = field_input(&f);
    match settings::save_field(ctx.app, &me, key, &input, f.str("version"), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::SETTINGS_SAVED);
            Ok(redirect("/admin/settings/fields"))
        }
        Err(Error::Invalid(errors)) => {
            let version = Some(f.str("version").to_string());
            render_field_form(ctx, key, f, version, errors, 422)
        }
        Err(e) => Err(e),
    }
}
