//! Customer portal handlers. Each: parse → check CSRF → call the use-case → 303 or re-render.

use rouille::Response;

use crate::app::attachments::Uploader;
use crate::app::sessions::{self, LoginOutcome};
use crate::app::{account, tickets};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::AuthorKind;
use crate::model::{Detail, Form, KindFilter, ListRead, Principal, Realm, StatusFilter, TicketQuery, TimelinePage};
use crate::views;
use crate::web::ctx::safe_next;
use crate::web::form::read_form;
use crate::web::upload::{read_upload, Upload};
use crate::web::{html, redirect, Ctx};

pub fn form(ctx: &Ctx) -> Result<Form> {
    let c = &ctx.app.config();
    read_form(ctx.req, c.security.max_form_bytes, c.attachments.max_request_bytes.0)
}

/// Reads the form and checks its CSRF token; nothing is changed before both passed.
pub fn checked_form(ctx: &Ctx) -> Result<Form> {
    let f = form(ctx)?;
    ctx.check_csrf(&f)?;
    Ok(f)
}

/// Reads a form that may carry files, storing them as they stream in, then checks CSRF. The
/// files stay pending (invisible) until the use-case attaches them in its transaction.
/// A refused file (too large, too many) ends here as a plain `413` page; forms that can show
/// the refusal at their file field use [`upload_form_keeping`].
pub fn upload_form(ctx: &Ctx, up: &mut Uploader) -> Result<Form> {
    match upload_form_keeping(ctx, up)? {
        Upload::Complete(f) => Ok(f),
        Upload::Refused { errors, .. } => {
            Err(Error::TooLarge(errors.get("attachments").map(|e| e.msg).unwrap_or(m::ERR_FILE_TOO_LARGE)))
        }
    }
}

/// As [`upload_form`], but a refused file comes back with the text fields, so the handler
/// re-renders its form (`413`) with what was typed and the message at the file field.
pub fn upload_form_keeping(ctx: &Ctx, up: &mut Uploader) -> Result<Upload> {
    let c = &ctx.app.config();
    let upload = read_upload(ctx.req, &c.attachments, c.security.max_form_bytes, up)?;
    ctx.check_csrf(match &upload {
        Upload::Complete(f) | Upload::Refused { form: f, .. } => f,
    })?;
    Ok(upload)
}

/// The status of a form page shown again because a file was refused: the contract's `413`.
pub const REFUSED_UPLOAD: u16 = 413;

pub fn root(ctx: &mut Ctx) -> Result<Response> {
    Ok(match ctx.session().map(|s| &s.principal) {
        Some(Principal::Customer(_)) => redirect("/tickets"),
        Some(Principal::Staff(_)) => redirect("/staff/tickets"),
        None => redirect("/login"),
    })
}

pub fn login_form(ctx: &mut Ctx) -> Result<Response> {
    if let Some(Principal::Customer(_)) = ctx.session().map(|s| &s.principal) {
        return Ok(redirect(&safe_next(ctx.query("next").as_deref(), "/tickets")));
    }
    let view = views::login::LoginView {
        realm: Realm::Customer,
        login: String::new(),
        next: ctx.query("next").map(|n| safe_next(Some(&n), "/tickets")),
        error: None,
        notice: ctx.take_flash(),
        csrf: ctx.csrf_token(),
    };
    Ok(html(views::login::page(&ctx.chrome(), &view)))
}

pub fn login(ctx: &mut Ctx) -> Result<Response> {
    login_as(ctx, Realm::Customer)
}

/// Shared by customer and staff login: same throttling, gate, session and CSRF rules.
pub fn login_as(ctx: &mut Ctx, realm: Realm) -> Result<Response> {
    let f = checked_form(ctx)?;
    let default = match realm {
        Realm::Customer => "/tickets",
        Realm::Staff => "/staff/tickets",
    };
    let next = safe_next(f.get("next").filter(|n| !n.is_empty()), default);
    let previous = ctx.session().map(|s| s.token_hash.clone());
    let outcome = sessions::login(ctx.app, realm, f.str("login"), f.str("password"), &ctx.address, previous.as_deref());
    let (status, error) = match outcome {
        Ok(LoginOutcome::LoggedIn { token, principal }) => {
            ctx.set_session_cookie(&token);
            let target = match principal {
                Principal::Staff(s) if s.must_change_password => forced_change(&next),
                _ => next,
            };
            return Ok(redirect(&target));
        }
        Ok(LoginOutcome::SecondFactor { pending }) => {
            ctx.set_pending_2fa_cookie(&pending);
            return Ok(redirect(&format!("/staff/login/2fa?next={}", crate::model::url_encode(&next))));
        }
        Ok(LoginOutcome::Failed) => (422, m::LOGIN_FAILED),
        Err(Error::TooMany { retry_after, msg }) => {
            let minutes = retry_after.div_ceil(60).max(1);
            let text = ctx.lang.f(msg, &[("minutes", &minutes.to_string())]);
            let view = views::login::LoginView {
                realm,
                login: f.str("login").to_string(),
                next: Some(safe_next(f.get("next"), default)),
                error: Some(text),
                notice: None,
                csrf: ctx.csrf_token(),
            };
            return Ok(html(views::login::page(&ctx.chrome(), &view))
                .with_status_code(429)
                .with_additional_header("Retry-After", retry_after.to_string()));
        }
        Err(e) => return Err(e),
    };
    let view = views::login::LoginView {
        realm,
        login: f.str("login").to_string(),
        next: Some(safe_next(f.get("next"), default)),
        error: Some(ctx.lang.t(error).to_string()),
        notice: None,
        csrf: ctx.csrf_token(),
    };
    Ok(html(views::login::page(&ctx.chrome(), &view)).with_status_code(status))
}

/// The forced password change, carrying the page that was asked for (none for the queue,
/// where the change leads anyway).
pub fn forced_change(next: &str) -> String {
    if next.is_empty() || next == "/staff/tickets" {
        "/staff/password".to_string()
    } else {
        format!("/staff/password?next={}", crate::model::url_encode(next))
    }
}

pub fn logout(ctx: &mut Ctx) -> Result<Response> {
    logout_to(ctx, "/login")
}

pub fn logout_to(ctx: &mut Ctx, target: &str) -> Result<Response> {
    let f = form(ctx)?;
    if ctx.session().is_none() {
        // Already gone: nothing to protect, just go to the login page.
        return Ok(redirect(target));
    }
    ctx.check_csrf(&f)?;
    if let Some(s) = ctx.session() {
        sessions::logout(ctx.app, &s.token_hash)?;
    }
    ctx.clear_session_cookie();
    ctx.set_flash(m::LOGGED_OUT);
    Ok(redirect(target))
}

/// `?page=` as a number from 1; anything else is page 1.
pub fn page_param(ctx: &Ctx) -> usize {
    ctx.query("page").and_then(|p| p.parse::<usize>().ok()).filter(|p| *p >= 1 && *p <= 100_000).unwrap_or(1)
}

pub fn year_month_params(ctx: &Ctx) -> (Option<i32>, Option<u8>) {
    let year = ctx.query("year").and_then(|y| y.parse::<i32>().ok()).filter(|y| (1970..=9999).contains(y));
    let month = ctx.query("month").and_then(|m| m.parse::<u8>().ok()).filter(|m| (1..=12).contains(m));
    (year, month.filter(|_| year.is_some()))
}

pub fn overview(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    ctx.allow_etag();
    let (year, month) = year_month_params(ctx);
    let status = StatusFilter::parse(ctx.query("status").as_deref());
    let query = TicketQuery {
        year,
        month,
        status: Some(status),
        search: ctx.query("q"),
        page: page_param(ctx),
        after_key: ctx.query("after").and_then(|k| crate::model::SortKey::parse(&k)),
        page_size: ctx.app.config().portal.page_size,
        ..TicketQuery::default()
    };
    if ctx.query("format").as_deref() == Some("csv") {
        let all = TicketQuery { page: 1, page_size: EXPORT_MAX_ROWS, after_key: None, ..query };
        let page = tickets::overview_rows(ctx.app, &customer, &all)?;
        let x = views::export::ListExport {
            page: &page,
            fields: &ctx.app.config().fields,
            staff: false,
            show_time: ctx.app.config().portal.show_time_spent,
            tz: ctx.app.tz,
            lang: ctx.lang,
            sep: csv_separator(ctx),
        };
        return Ok(csv_response(views::export::tickets_csv(&x), "tickets.csv"));
    }
    let data = tickets::overview(ctx.app, &customer, &query, ListRead::table(&ctx.app.config().fields, false))?;
    let view = views::tickets::OverviewView {
        data,
        query,
        status,
        show_time: ctx.app.config().portal.show_time_spent,
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
        fields: ctx.app.config().fields.clone(),
        contingent_remaining: crate::app::contingents::remaining(ctx.app, &customer)?,
    };
    Ok(html(views::tickets::overview(&ctx.chrome(), &view)))
}

/// The most rows one CSV export holds.
pub const EXPORT_MAX_ROWS: usize = 100_000;

/// `;` unless `sep=comma`.
pub fn csv_separator(ctx: &Ctx) -> char {
    if ctx.query("sep").as_deref() == Some("comma") {
        ','
    } else {
        ';'
    }
}

pub fn csv_response(body: String, file_name: &str) -> Response {
    Response::from_data("text/csv; charset=utf-8", body)
        .with_additional_header("Content-Disposition", format!("attachment; filename=\"{file_name}\""))
}

pub fn ticket(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    ctx.allow_etag();
    let kind = KindFilter::parse(ctx.query("kind").as_deref());
    let page = TimelinePage::parse(ctx.query("page").as_deref());
    let detail = tickets::detail_page(ctx.app, customer.scope(), number, kind, page)?;
    render_ticket(ctx, detail, kind, String::new(), FieldErrors::new(), 200)
}

fn render_ticket(
    ctx: &mut Ctx,
    detail: Detail,
    kind: KindFilter,
    reply: String,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    render_ticket_with(ctx, detail, kind, reply, errors, status, None)
}

/// As `render_ticket`, with the field values just entered (a rejected field edit).
fn render_ticket_with(
    ctx: &mut Ctx,
    detail: Detail,
    kind: KindFilter,
    reply: String,
    errors: FieldErrors,
    status: u16,
    field_values: Option<Vec<(String, String)>>,
) -> Result<Response> {
    let view = views::tickets::DetailView {
        detail,
        kind,
        reply,
        field_values,
        errors,
        csrf: ctx.csrf_token(),
        can_close: ctx.app.config().portal.customers_can_close,
        show_time: ctx.app.config().portal.show_time_spent,
        fields: ctx.app.config().fields.clone(),
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
        people_link: match ctx.customer() {
            Ok(c) => c.contact.is_some() || crate::app::people::has_contacts(ctx.app, c.id)?,
            Err(_) => false,
        },
    };
    Ok(html(views::tickets::detail(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn reply(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let mut up = Uploader::new(ctx.app, AuthorKind::Customer, customer.person_name());
    let f = match upload_form_keeping(ctx, &mut up)? {
        Upload::Complete(f) => f,
        Upload::Refused { form, errors } => {
            let detail = tickets::detail(ctx.app, customer.scope(), number, KindFilter::All)?;
            return render_ticket(ctx, detail, KindFilter::All, form.str("body").to_string(), errors, REFUSED_UPLOAD);
        }
    };
    match tickets::reply(ctx.app, &customer, number, f.str("body"), up.files()) {
        Ok(()) => {
            up.keep();
            ctx.set_flash(m::REPLY_SENT);
            Ok(redirect(&format!("/tickets/{number}#reply")))
        }
        Err(Error::Invalid(errors)) => {
            let detail = tickets::detail(ctx.app, customer.scope(), number, KindFilter::All)?;
            render_ticket(ctx, detail, KindFilter::All, f.str("body").to_string(), errors, 422)
        }
        Err(e) => Err(e),
    }
}

pub fn upload(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let mut up = Uploader::new(ctx.app, AuthorKind::Customer, customer.person_name());
    // This form's messages go under `documents`, so they show at its own file input and not
    // at the reply form's, which has the same field name.
    if let Upload::Refused { errors, .. } = upload_form_keeping(ctx, &mut up)? {
        let detail = tickets::detail(ctx.app, customer.scope(), number, KindFilter::All)?;
        let errors = errors.renamed("attachments", "documents");
        return render_ticket(ctx, detail, KindFilter::All, String::new(), errors, REFUSED_UPLOAD);
    }
    match tickets::add_documents(ctx.app, &customer, number, up.files()) {
        Ok(()) => {
            up.keep();
            ctx.set_flash(m::FILES_UPLOADED);
            Ok(redirect(&format!("/tickets/{number}#documents")))
        }
        Err(Error::Invalid(errors)) => {
            let detail = tickets::detail(ctx.app, customer.scope(), number, KindFilter::All)?;
            let errors = errors.renamed("attachments", "documents");
            render_ticket(ctx, detail, KindFilter::All, String::new(), errors, 422)
        }
        Err(e) => Err(e),
    }
}

/// `GET /tickets/<number>/attachments/<id>`: the customer's own files only.
pub fn download(ctx: &mut Ctx, number: &str, id: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    crate::web::files::download(ctx, customer.scope(), number, id)
}

pub fn update_fields(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let f = checked_form(ctx)?;
    match tickets::update_fields(ctx.app, tickets::Editor::Customer(&customer), number, &f.custom_fields()) {
        Ok(_) => {
            ctx.set_flash(m::DETAILS_SAVED);
            Ok(redirect(&format!("/tickets/{number}")))
        }
        Err(Error::Invalid(errors)) => {
            let detail = tickets::detail(ctx.app, customer.scope(), number, KindFilter::All)?;
            let entered = f.custom_fields().into_iter().collect();
            render_ticket_with(ctx, detail, KindFilter::All, String::new(), errors, 422, Some(entered))
        }
        Err(e) => Err(e),
    }
}

pub fn close(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    checked_form(ctx)?;
    tickets::close(ctx.app, &customer, number)?;
    ctx.set_flash(m::TICKET_CLOSED_MSG);
    Ok(redirect(&format!("/tickets/{number}")))
}

pub fn new_ticket_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.customer()?;
    let view = views::tickets::NewTicketView {
        values: Form::default(),
        errors: FieldErrors::new(),
        csrf: ctx.csrf_token(),
        fields: ctx.app.config().fields.clone(),
    };
    Ok(html(views::tickets::new_ticket(&ctx.chrome(), &view)))
}

pub fn create_ticket(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let mut up = Uploader::new(ctx.app, AuthorKind::Customer, customer.person_name());
    let f = match upload_form_keeping(ctx, &mut up)? {
        Upload::Complete(f) => f,
        Upload::Refused { form, errors } => {
            let view = views::tickets::NewTicketView {
                values: form,
                errors,
                csrf: ctx.csrf_token(),
                fields: ctx.app.config().fields.clone(),
            };
            let page = views::tickets::new_ticket(&ctx.chrome_at("/tickets/new"), &view);
            return Ok(html(page).with_status_code(REFUSED_UPLOAD));
        }
    };
    let custom = f.custom_fields();
    let input = tickets::NewTicketInput {
        subject: f.str("subject"),
        body: f.str("body"),
        priority: f.str("priority"),
        custom: &custom,
    };
    match tickets::open_ticket(ctx.app, &customer, &input, up.files()) {
        Ok(number) => {
            up.keep();
            ctx.set_flash(m::TICKET_CREATED_FLASH);
            Ok(redirect(&format!("/tickets/{number}")))
        }
        Err(Error::Invalid(errors)) => {
            let view = views::tickets::NewTicketView {
                values: f,
                errors,
                csrf: ctx.csrf_token(),
                fields: ctx.app.config().fields.clone(),
            };
            Ok(html(views::tickets::new_ticket(&ctx.chrome_at("/tickets/new"), &view)).with_status_code(422))
        }
        Err(e) => Err(e),
    }
}

pub fn account(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let notice = ctx.take_flash();
    let shown = ctx.app.config().hotline.mode != crate::config::HotlineMode::Off;
    let events = if shown { crate::app::hotline::events_for_customer(ctx.app, &customer)? } else { Vec::new() };
    let hotline = views::account::HotlineEvents { shown, events: &events, tz: ctx.app.tz };
    let notify = crate::web::notify::customer_card(ctx, &customer)?;
    Ok(html(views::account::account(&ctx.chrome(), &customer, &hotline, notify.as_ref(), notice)))
}

/// `GET /account/export`: the customer's own visible data as a streamed ZIP.
pub fn export(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    let zip = crate::app::export::customer_archive(ctx.app, &customer)?;
    let safe: String =
        customer.customer_no.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    Ok(Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), "application/zip".into()),
            ("Content-Disposition".into(), format!("attachment; filename=\"ticketd-export-{safe}.zip\"").into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        data: {
            let size = zip.size() as usize;
            rouille::ResponseBody::from_reader_and_size(zip, size)
        },
        upgrade: None,
    })
}

pub fn password_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.customer()?;
    render_password(ctx, FieldErrors::new(), 200)
}

fn render_password(ctx: &mut Ctx, errors: FieldErrors, status: u16) -> Result<Response> {
    let view = views::account::PasswordView {
        action: "/account/password",
        errors,
        csrf: ctx.csrf_token(),
        min_length: ctx.app.config().security.min_password_length,
        hotline_notice: ctx.app.config().hotline.mode == crate::config::HotlineMode::Reveal,
        forced: false,
        next: None,
    };
    Ok(html(views::account::password(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn change_password(ctx: &mut Ctx) -> Result<Response> {
    ctx.customer()?;
    password_change(ctx, "/account", render_password)
}

/// The password change of the logged-in principal, customer or staff: `303` to `done`, or the
/// form again (rendered by `form`) with the messages.
pub fn password_change(
    ctx: &mut Ctx,
    done: &str,
    form: fn(&mut Ctx, FieldErrors, u16) -> Result<Response>,
) -> Result<Response> {
    let f = checked_form(ctx)?;
    let session = ctx.session().cloned().ok_or(Error::NotFound)?;
    let input = account::PasswordChange {
        old: f.str("old_password"),
        new: f.str("new_password"),
        repeat: f.str("new_password_repeat"),
    };
    // A forced change carries the page first asked for (`next`, local paths only).
    let done = safe_next(ctx.query("next").as_deref().filter(|n| !n.is_empty()), done);
    match account::change_password(ctx.app, &session, &input, &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::PASSWORD_CHANGED);
            Ok(redirect(&done))
        }
        Err(Error::Invalid(errors)) => form(ctx, errors, 422),
        Err(e) => Err(e),
    }
}

/// The customer's own time statement (only when time spent is shown to customers).
pub fn time_statement(ctx: &mut Ctx) -> Result<Response> {
    let customer = ctx.customer()?.clone();
    if !ctx.app.config().portal.show_time_spent {
        return Err(Error::NotFound);
    }
    let (year, month) = crate::web::staff::statement_month(ctx, &customer)?;
    let st = crate::app::staff::time_statement(ctx.app, &customer, year, month, customer.scope())?;
    crate::web::staff::statement_response(ctx, st, false)
}
