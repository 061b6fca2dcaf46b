//! Staff workspace and admin handlers.

use rouille::Response;

use crate::app::admin;
use crate::app::attachments::Uploader;
use crate::app::staff::{self as work, ActivityInput, CustomerInput, OnBehalfInput, TicketUpdate};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::AuthorKind;
use crate::model::{
    url_encode, AuditQuery, CustomerPage, Deferral, Form, KindFilter, PlaceholderValues, Principal, Priority, QueueTab,
    Realm, Scope, Sort, Statement, Status, StatusFilter, TicketQuery, TicketWork,
};
use crate::views;
use crate::web::ctx::safe_next;
use crate::web::portal::{
    checked_form, login_as, logout_to, page_param, upload_form_keeping, year_month_params, REFUSED_UPLOAD,
};
use crate::web::upload::Upload;
use crate::web::{html, redirect, Ctx};

pub fn login_form(ctx: &mut Ctx) -> Result<Response> {
    if let Some(Principal::Staff(_)) = ctx.session().map(|s| &s.principal) {
        return Ok(redirect(&safe_next(ctx.query("next").as_deref(), "/staff/tickets")));
    }
    let view = views::login::LoginView {
        realm: Realm::Staff,
        login: String::new(),
        next: ctx.query("next").map(|n| safe_next(Some(&n), "/staff/tickets")),
        error: None,
        notice: ctx.take_flash(),
        csrf: ctx.csrf_token(),
    };
    Ok(html(views::login::page(&ctx.chrome(), &view)))
}

pub fn login(ctx: &mut Ctx) -> Result<Response> {
    login_as(ctx, Realm::Staff)
}

pub fn logout(ctx: &mut Ctx) -> Result<Response> {
    logout_to(ctx, "/staff/login")
}

pub fn password_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff_even_with_one_time_password()?;
    render_password(ctx, FieldErrors::new(), 200)
}

fn render_password(ctx: &mut Ctx, errors: FieldErrors, status: u16) -> Result<Response> {
    let forced = ctx.staff_even_with_one_time_password()?.must_change_password;
    let view = views::account::PasswordView {
        action: "/staff/password",
        errors,
        csrf: ctx.csrf_token(),
        min_length: ctx.app.config().security.min_password_length,
        hotline_notice: false,
        forced,
        next: ctx
            .query("next")
            .filter(|_| forced)
            .map(|n| safe_next(Some(&n), "/staff/tickets"))
            .filter(|n| n != "/staff/tickets"),
    };
    Ok(html(views::account::password(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn change_password(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff_even_with_one_time_password()?;
    crate::web::portal::password_change(ctx, "/staff/tickets", render_password)
}

// ------------------------------------------------------------------------------ queue

pub fn queue(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    ctx.allow_etag();
    let (year, month) = year_month_params(ctx);
    let status_param = ctx.query("status").unwrap_or_default();
    let view_param = ctx.query("view").unwrap_or_default();
    // The view (tab) sets the base; an explicit status replaces its "not closed, not deferred"
    // part, so `?status=closed` (no view) lists closed tickets as it always did.
    let tab = QueueTab::parse(&view_param).unwrap_or_default();
    let now = crate::clock::now();
    let (status, exact_status) = match Status::parse(&status_param) {
        Some(s) => (StatusFilter::All, Some(s)),
        None if status_param == "active" => (StatusFilter::Open, None),
        None if status_param.is_empty() => match tab {
            QueueTab::All => (StatusFilter::All, None),
            _ => (StatusFilter::Open, None),
        },
        None => (StatusFilter::parse(Some(&status_param)), None),
    };
    let deferral = match tab {
        QueueTab::All => Deferral::Any,
        QueueTab::FollowUp => Deferral::Later(now),
        _ if status_param.is_empty() => Deferral::Due(now),
        _ => Deferral::Any,
    };
    let assignee_param = ctx.query("assignee").unwrap_or_default();
    let assignee = match (tab, assignee_param.as_str()) {
        (QueueTab::Mine, _) | (_, "mine") => Some(Some(me.id)),
        (QueueTab::Unassigned, _) | (_, "unassigned") => Some(None),
        (_, "" | "all") => None,
        (_, username) => match work::staff_by_username(ctx.app, username)? {
            Some(s) => Some(Some(s.id)),
            None => Some(Some(-1)),
        },
    };
    let query = TicketQuery {
        year,
        month,
        status: Some(status),
        exact_status,
        priority: ctx.query("priority").and_then(|p| Priority::parse(&p)),
        assignee,
        customer_no: ctx.query("customer"),
        search: ctx.query("q"),
        fields: field_filters(ctx),
        sort: ctx.query("sort").map(|s| Sort::parse(Some(&s))).unwrap_or(Sort::CustomerActivity),
        page: page_param(ctx),
        after_key: ctx.query("after").and_then(|k| crate::model::SortKey::parse(&k)),
        page_size: ctx.app.config().portal.page_size,
        deferral,
        viewer: Some(me.id),
        ..TicketQuery::default()
    };
    if ctx.query("format").as_deref() == Some("csv") {
        let all = TicketQuery { page: 1, page_size: crate::web::portal::EXPORT_MAX_ROWS, after_key: None, ..query };
        let page = crate::app::tickets::queue(ctx.app, &all)?;
        let x = views::export::ListExport {
            page: &page,
            fields: &ctx.app.config().fields,
            staff: true,
            show_time: true,
            tz: ctx.app.tz,
            lang: ctx.lang,
            sep: crate::web::portal::csv_separator(ctx),
        };
        return Ok(crate::web::portal::csv_response(views::export::tickets_csv(&x), "tickets.csv"));
    }
    let data = work::queue(ctx.app, &me, &query, tab, now)?;
    let first_steps = first_steps(ctx, &me)?;
    let view = views::staff::QueueView {
        data,
        query,
        tab,
        now,
        status_param,
        assignee_param,
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
        fields: ctx.app.config().fields.clone(),
        first_steps,
    };
    Ok(html(views::staff::queue(&ctx.chrome(), &view)))
}

/// The first-steps card for an admin who has not dismissed it.
fn first_steps(ctx: &mut Ctx, me: &crate::model::StaffMember) -> Result<Option<views::first_steps::FirstStepsView>> {
    use crate::config::HotlineMode;
    if !crate::app::admin::first_steps_open(ctx.app, me)? {
        return Ok(None);
    }
    let mode = ctx.app.config().hotline.mode;
    Ok(Some(views::first_steps::FirstStepsView {
        csrf: ctx.csrf_token(),
        hotline_mode: match mode {
            HotlineMode::Reveal => m::HOTLINE_MODE_REVEAL,
            HotlineMode::Verify => m::HOTLINE_MODE_VERIFY,
            HotlineMode::Off => m::HOTLINE_MODE_OFF,
        },
        hotline_on: mode != HotlineMode::Off,
        mail: ctx.app.config().smtp.is_some(),
    }))
}

/// `POST /admin/first-steps/dismiss`: the card stays hidden for this admin.
pub fn dismiss_first_steps(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.admin()?.clone();
    checked_form(ctx)?;
    crate::app::admin::dismiss_first_steps(ctx.app, &me)?;
    Ok(redirect("/staff/tickets"))
}

/// `cf_<key>=value` query parameters for configured fields.
pub fn field_filters(ctx: &Ctx) -> Vec<(String, String)> {
    ctx.app
        .config()
        .fields
        .iter()
        .filter_map(|f| ctx.query(&format!("cf_{}", f.key)).map(|v| (f.key.clone(), v)))
        .collect()
}

// ------------------------------------------------------------------------------ tickets

pub fn ticket(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    ctx.allow_etag();
    let kind = KindFilter::parse(ctx.query("kind").as_deref());
    let page = crate::model::TimelinePage::parse(ctx.query("page").as_deref());
    let work = work::ticket_page(ctx.app, number, kind, page)?;
    work::mark_seen(ctx.app, &me, work.detail.ticket.summary.id)?;
    render_ticket(ctx, work, kind, Form::default(), FieldErrors::new(), 200)
}

fn render_ticket(
    ctx: &mut Ctx,
    work: TicketWork,
    kind: KindFilter,
    values: Form,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let t = &work.detail.ticket.summary;
    let placeholders =
        PlaceholderValues { customer: &work.customer.name, ticket: &t.number, subject: &t.subject, agent: &me.name };
    let snippets = crate::app::snippets::for_ticket(ctx.app, &me, &placeholders)?;
    let notice = ctx.take_flash().or_else(|| values.get("snippet_inserted").map(|_| m::SNIPPET_INSERTED));
    let contingent_remaining = crate::app::contingents::remaining_for(ctx.app, work.customer.id)?;
    let view = views::staff::TicketView {
        work,
        kind,
        values,
        errors,
        csrf: ctx.csrf_token(),
        fields: ctx.app.config().fields.clone(),
        tz: ctx.app.tz,
        notice,
        snippets,
        contingent_remaining,
    };
    Ok(html(views::staff::ticket(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn add_activity(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let mut up = Uploader::new(ctx.app, AuthorKind::Staff, &me.name);
    let f = match upload_form_keeping(ctx, &mut up)? {
        Upload::Complete(f) => f,
        Upload::Refused { form, errors } => {
            let work = work::ticket(ctx.app, number, KindFilter::All)?;
            return render_ticket(ctx, work, KindFilter::All, form, errors, REFUSED_UPLOAD);
        }
    };
    let snippet = f.str("snippet");
    if !f.str("insert").is_empty() || (!snippet.is_empty() && f.str("body").trim().is_empty()) {
        return insert_snippet(ctx, &me, number, f);
    }
    let input = ActivityInput {
        kind: f.str("kind"),
        body: f.str("body"),
        minutes: f.str("minutes"),
        email_from: f.str("email_from"),
        email_to: f.str("email_to"),
        email_subject: f.str("email_subject"),
        direction: f.str("direction"),
        status: f.str("status"),
    };
    let result = work::add_activity(ctx.app, &me, number, &input, up.files());
    if result.is_ok() {
        up.keep();
    }
    after_ticket_action(ctx, number, result, m::ACTIVITY_SAVED, "#composer", f)
}

/// The composer's "insert" (or a snippet chosen with no text): the page again with the
/// snippet's text (placeholders filled in) below what was typed; nothing is saved or sent.
/// Files chosen with it are not kept (the browser cannot be handed them back).
fn insert_snippet(ctx: &mut Ctx, me: &crate::model::StaffMember, number: &str, mut f: Form) -> Result<Response> {
    let work = work::ticket(ctx.app, number, KindFilter::All)?;
    let t = &work.detail.ticket.summary;
    let placeholders =
        PlaceholderValues { customer: &work.customer.name, ticket: &t.number, subject: &t.subject, agent: &me.name };
    let chosen = f.str("snippet").parse::<i64>().ok();
    let text = crate::app::snippets::for_ticket(ctx.app, me, &placeholders)?
        .into_iter()
        .find(|(id, _, _)| Some(*id) == chosen)
        .map(|(_, _, text)| text);
    let Some(text) = text else {
        let mut errors = FieldErrors::new();
        errors.add("snippet", m::ERR_INVALID_CHOICE);
        return render_ticket(ctx, work, KindFilter::All, f, errors, 422);
    };
    let body = f.str("body").trim_end();
    let body = if body.is_empty() { text } else { format!("{body}\n\n{text}") };
    f.set("body", body);
    f.set("snippet", String::new());
    f.set("snippet_inserted", "1".into());
    render_ticket(ctx, work, KindFilter::All, f, FieldErrors::new(), 200)
}

/// A staff action on a ticket done: `303` back to it with a notice; invalid input: the ticket
/// page again with the entered values and the messages (422).
fn after_ticket_action<T>(
    ctx: &mut Ctx,
    number: &str,
    result: Result<T>,
    done: crate::i18n::Msg,
    anchor: &str,
    f: Form,
) -> Result<Response> {
    match result {
        Ok(_) => {
            ctx.set_flash(done);
            Ok(redirect(&format!("/staff/tickets/{number}{anchor}")))
        }
        Err(Error::Invalid(errors)) => {
            let work = work::ticket(ctx.app, number, KindFilter::All)?;
            render_ticket(ctx, work, KindFilter::All, f, errors, 422)
        }
        Err(e) => Err(e),
    }
}

/// `GET /staff/tickets/<number>/attachments/<id>`.
pub fn download(ctx: &mut Ctx, number: &str, id: &str) -> Result<Response> {
    ctx.staff()?;
    crate::web::files::download(ctx, Scope::Staff, number, id)
}

pub fn update_fields(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let result = crate::app::tickets::update_fields(
        ctx.app,
        crate::app::tickets::Editor::Staff(&me),
        number,
        &f.custom_fields(),
    );
    after_ticket_action(ctx, number, result, m::DETAILS_SAVED, "", f)
}

pub fn update_ticket(ctx: &mut Ctx, number: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let input = TicketUpdate {
        status: f.str("status"),
        priority: f.str("priority"),
        assignee: f.get("assignee"),
        follow_up: f.get("follow_up"),
        lang: ctx.lang,
    };
    let result = work::update_ticket(ctx.app, &me, number, &input);
    after_ticket_action(ctx, number, result, m::TICKET_UPDATED, "", f)
}

pub fn new_ticket_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    let mut pairs = vec![("kind".to_string(), "call".to_string())];
    if let Some(c) = ctx.query("customer") {
        pairs.push(("customer".into(), c));
    }
    if let Some(p) = ctx.query("contact") {
        pairs.push(("contact".into(), p));
    }
    render_new_ticket(ctx, Form::from_pairs(pairs), FieldErrors::new(), 200)
}

fn render_new_ticket(ctx: &mut Ctx, values: Form, errors: FieldErrors, status: u16) -> Result<Response> {
    // The customer's people, to choose who called (only when the customer is already known).
    let contacts = match work::find_customer(ctx.app, values.str("customer"))? {
        Some(c) => crate::app::people::contacts_of(ctx.app, c.id)?.into_iter().filter(|p| p.active).collect(),
        None => Vec::new(),
    };
    let view = views::staff::NewTicketView {
        values,
        errors,
        csrf: ctx.csrf_token(),
        fields: ctx.app.config().fields.clone(),
        contacts,
    };
    Ok(html(views::staff::new_ticket(&ctx.chrome(), &view)).with_status_code(status))
}

pub fn create_ticket(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let mut up = Uploader::new(ctx.app, AuthorKind::Staff, &me.name);
    let f = match upload_form_keeping(ctx, &mut up)? {
        Upload::Complete(f) => f,
        Upload::Refused { form, errors } => return render_new_ticket(ctx, form, errors, REFUSED_UPLOAD),
    };
    let custom = f.custom_fields();
    let input = OnBehalfInput {
        customer: f.str("customer"),
        subject: f.str("subject"),
        body: f.str("body"),
        kind: f.str("kind"),
        priority: f.str("priority"),
        minutes: f.str("minutes"),
        custom: &custom,
    };
    match work::open_for_person(ctx.app, &me, &input, f.str("contact"), up.files()) {
        Ok(number) => {
            up.keep();
            ctx.set_flash(m::TICKET_CREATED_STAFF);
            Ok(redirect(&format!("/staff/tickets/{number}")))
        }
        Err(Error::Invalid(errors)) => render_new_ticket(ctx, f, errors, 422),
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------------------ customers

pub fn customers(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    // Every customer in the import's format (issue 21); `sep=comma` for `,`.
    if ctx.query("format").as_deref() == Some("csv") {
        let csv = crate::app::import::export_csv(ctx.app, ctx.lang, crate::web::portal::csv_separator(ctx))?;
        return Ok(crate::web::portal::csv_response(csv, "kunden.csv"));
    }
    let q = ctx.query("q").unwrap_or_default();
    let page = page_param(ctx);
    let size = ctx.app.config().portal.page_size;
    let (rows, total) = work::customer_list(ctx.app, &q, page, size)?;
    let view = views::staff::CustomersView { rows, total, q, page, page_size: size, notice: ctx.take_flash() };
    Ok(html(views::staff::customers(&ctx.chrome(), &view)))
}

pub fn customer_new_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    let mut pairs = vec![("active".to_string(), "on".to_string())];
    // The next free number by `[portal] customer_no_pattern` (issue 19); it stays editable.
    if let Some(no) = work::suggest_customer_no(ctx.app)? {
        pairs.push(("customer_no".into(), no));
    }
    render_customer_form(ctx, None, Form::from_pairs(pairs), FieldErrors::new(), 200)
}

fn render_customer_form(
    ctx: &mut Ctx,
    existing: Option<CustomerPage>,
    values: Form,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    let secret = match (&existing, ctx.session()) {
        (Some(p), Some(s)) => ctx.app.take_secret(&s.token_hash, &format!("customer:{}", p.customer.customer_no)),
        _ => None,
    };
    let contingent_remaining = match &existing {
        Some(p) => crate::app::contingents::remaining_for(ctx.app, p.customer.id)?,
        None => None,
    };
    let view = views::staff::CustomerFormView {
        contingent_remaining,
        existing,
        values,
        errors,
        csrf: ctx.csrf_token(),
        secret,
        min_length: ctx.app.config().security.min_password_length,
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
    };
    let shows_secret = view.secret.is_some();
    Ok(no_store_if(shows_secret, html(views::staff::customer_form(&ctx.chrome(), &view)).with_status_code(status)))
}

fn customer_input(f: &Form) -> CustomerInput<'_> {
    CustomerInput {
        customer_no: f.str("customer_no"),
        name: f.str("name"),
        email: f.str("email"),
        phone: f.str("phone"),
        password: f.str("password"),
        active: !f.str("active").is_empty(),
    }
}

pub fn customer_create(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    if !f.str("invite").is_empty() {
        // Invited: the customer sets the first password; staff see none.
        return match crate::app::links::create_customer_invited(ctx.app, &me, &customer_input(&f), &ctx.address) {
            Ok(no) => {
                ctx.set_flash(m::INVITE_SENT);
                Ok(redirect(&format!("/staff/customers/{}", url_encode(&no))))
            }
            Err(Error::Invalid(errors)) => render_customer_form(ctx, None, f, errors, 422),
            Err(e) => Err(e),
        };
    }
    match work::create_customer(ctx.app, &me, &customer_input(&f), &ctx.address) {
        Ok((no, generated)) => {
            if let (Some(pw), Some(s)) = (generated, ctx.session()) {
                ctx.app.stash_secret(&s.token_hash, &format!("customer:{no}"), pw);
            }
            ctx.set_flash(m::CUSTOMER_CREATED);
            Ok(redirect(&format!("/staff/customers/{}", url_encode(&no))))
        }
        Err(Error::Invalid(errors)) => render_customer_form(ctx, None, f, errors, 422),
        Err(e) => Err(e),
    }
}

/// The customer form filled with what is stored.
fn customer_values(c: &crate::model::Customer) -> Form {
    Form::from_pairs(vec![
        ("customer_no".into(), c.customer_no.clone()),
        ("name".into(), c.name.clone()),
        ("email".into(), c.email.clone()),
        ("phone".into(), c.phone.clone()),
        ("active".into(), if c.active { "on".into() } else { String::new() }),
    ])
}

pub fn customer(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    customer_page_with(ctx, customer_no, FieldErrors::new(), 200)
}

/// The customer page with the errors of an action on it (an invitation that cannot go out).
pub fn customer_page_with(ctx: &mut Ctx, customer_no: &str, errors: FieldErrors, status: u16) -> Result<Response> {
    ctx.staff()?;
    let page = work::customer_page(ctx.app, customer_no)?;
    let c = &page.customer;
    let values = customer_values(c);
    render_customer_form(ctx, Some(page), values, errors, status)
}

pub fn customer_update(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    match work::update_customer(ctx.app, &me, customer_no, &customer_input(&f), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::CUSTOMER_SAVED);
            Ok(redirect(&format!("/staff/customers/{}", url_encode(customer_no))))
        }
        Err(Error::Invalid(errors)) => {
            let page = work::customer_page(ctx.app, customer_no)?;
            render_customer_form(ctx, Some(page), f, errors, 422)
        }
        Err(e) => Err(e),
    }
}

pub fn customer_password(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    match work::reset_customer_password(ctx.app, &me, customer_no, f.str("new_password"), &ctx.address) {
        Ok(generated) => {
            if let (Some(pw), Some(s)) = (generated, ctx.session()) {
                ctx.app.stash_secret(&s.token_hash, &format!("customer:{customer_no}"), pw);
            }
            ctx.set_flash(m::PASSWORD_RESET_DONE);
            Ok(redirect(&format!("/staff/customers/{}", url_encode(customer_no))))
        }
        Err(Error::Invalid(errors)) => {
            let page = work::customer_page(ctx.app, customer_no)?;
            let values = customer_values(&page.customer);
            render_customer_form(ctx, Some(page), values, errors, 422)
        }
        Err(e) => Err(e),
    }
}

/// `?year=&month=` with the current month as default.
/// The month asked for; without one, the latest month with time spent (never a later one
/// than now).
pub fn statement_month(ctx: &Ctx, customer: &crate::model::Customer) -> Result<(i32, u8)> {
    Ok(match year_month_params(ctx) {
        (Some(y), m) => (y, m.unwrap_or(1)),
        (None, _) => work::statement_default_month(ctx.app, customer)?,
    })
}

pub fn customer_time(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    ctx.staff()?;
    let customer = work::customer_by_no(ctx.app, customer_no)?;
    let (year, month) = statement_month(ctx, &customer)?;
    let st = work::time_statement(ctx.app, &customer, year, month, Scope::Staff)?;
    statement_response(ctx, st, true)
}

/// HTML or CSV (`format=csv`; `sep=comma` for `,` instead of `;`).
pub fn statement_response(ctx: &mut Ctx, st: Statement, staff: bool) -> Result<Response> {
    if ctx.query("format").as_deref() == Some("csv") {
        let sep = if ctx.query("sep").as_deref() == Some("comma") { ',' } else { ';' };
        let csv = views::time::csv(ctx.lang, &st, ctx.app.tz, sep, staff);
        let name = format!("zeitnachweis-{}-{:04}-{:02}.csv", st.customer.customer_no, st.year, st.month);
        let safe: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
        return Ok(Response::from_data("text/csv; charset=utf-8", csv)
            .with_additional_header("Content-Disposition", format!("attachment; filename=\"{safe}\"")));
    }
    let current = crate::clock::year_month(crate::clock::now(), ctx.app.tz);
    // The customer's contingents with the month's bookings (issue 22); the CSV stays as it was.
    let contingents =
        if staff { None } else { crate::app::contingents::report(ctx.app, &st.customer, st.year, st.month, false)? };
    let view = views::time::StatementView { st, staff, tz: ctx.app.tz, current, contingents };
    Ok(html(views::time::page(&ctx.chrome(), &view)))
}

// ------------------------------------------------------------------------------ admin

pub fn staff_list(ctx: &mut Ctx) -> Result<Response> {
    ctx.admin()?;
    let rows = admin::staff_list(ctx.app)?;
    let notice = ctx.take_flash();
    Ok(html(views::staff::staff_list(&ctx.chrome(), &rows, notice)))
}

pub fn staff_new_form(ctx: &mut Ctx) -> Result<Response> {
    ctx.admin()?;
    let values = Form::from_pairs(vec![("role".into(), "agent".into()), ("active".into(), "on".into())]);
    render_staff_form(ctx, None, values, FieldErrors::new(), 200)
}

fn render_staff_form(
    ctx: &mut Ctx,
    username: Option<String>,
    values: Form,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    let secret = match (&username, ctx.session()) {
        (Some(u), Some(s)) => ctx.app.take_secret(&s.token_hash, &format!("staff:{u}")),
        _ => None,
    };
    let view = views::staff::StaffFormView {
        username,
        values,
        errors,
        csrf: ctx.csrf_token(),
        secret,
        min_length: ctx.app.config().security.min_password_length,
        notice: ctx.take_flash(),
    };
    let shows_secret = view.secret.is_some();
    Ok(no_store_if(shows_secret, html(views::staff::staff_form(&ctx.chrome(), &view)).with_status_code(status)))
}

/// A page showing a generated password (once) is kept by no cache, the browser's included.
fn no_store_if(shows_secret: bool, r: Response) -> Response {
    if shows_secret {
        r.with_unique_header("Cache-Control", "no-store")
    } else {
        r
    }
}

fn staff_input(f: &Form) -> admin::StaffInput<'_> {
    admin::StaffInput {
        username: f.str("username"),
        name: f.str("name"),
        email: f.str("email"),
        role: f.str("role"),
        active: !f.str("active").is_empty(),
        password: f.str("password"),
    }
}

pub fn staff_create(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.admin()?.clone();
    let f = checked_form(ctx)?;
    let input = staff_input(&f);
    match admin::create_staff(ctx.app, &me, &input, &ctx.address) {
        Ok(generated) => {
            let username = input.username.trim().to_string();
            if let (Some(pw), Some(s)) = (generated, ctx.session()) {
                ctx.app.stash_secret(&s.token_hash, &format!("staff:{username}"), pw);
            }
            if !input.active {
                let update = admin::StaffInput { active: false, ..staff_input(&f) };
                admin::update_staff(ctx.app, &me, &username, &update, &ctx.address)?;
            }
            ctx.set_flash(m::STAFF_CREATED);
            Ok(redirect(&format!("/admin/staff/{username}")))
        }
        Err(Error::Invalid(errors)) => render_staff_form(ctx, None, f, errors, 422),
        Err(e) => Err(e),
    }
}

pub fn staff_member(ctx: &mut Ctx, username: &str) -> Result<Response> {
    staff_member_page(ctx, username, FieldErrors::new(), 200)
}

/// The admin's page of a staff member, with the errors of an action on it (password links).
pub fn staff_member_page(ctx: &mut Ctx, username: &str, errors: FieldErrors, status: u16) -> Result<Response> {
    ctx.admin()?;
    let s = admin::staff_member(ctx.app, username)?;
    let values = Form::from_pairs(vec![
        ("username".into(), s.username.clone()),
        ("name".into(), s.name.clone()),
        ("email".into(), s.email.clone()),
        ("role".into(), s.role.as_str().into()),
        ("active".into(), if s.active { "on".into() } else { String::new() }),
    ]);
    render_staff_form(ctx, Some(s.username), values, errors, status)
}

pub fn staff_update(ctx: &mut Ctx, username: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    let f = checked_form(ctx)?;
    admin::staff_member(ctx.app, username)?;
    match admin::update_staff(ctx.app, &me, username, &staff_input(&f), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::STAFF_SAVED);
            Ok(redirect(&format!("/admin/staff/{username}")))
        }
        Err(Error::Invalid(errors)) => render_staff_form(ctx, Some(username.to_string()), f, errors, 422),
        Err(e) => Err(e),
    }
}

pub fn audit_log(ctx: &mut Ctx) -> Result<Response> {
    ctx.admin()?;
    let (year, month) = year_month_params(ctx);
    let range = match (year, month) {
        (Some(y), Some(mo)) => Some(crate::clock::month_range(y, mo, ctx.app.tz)),
        (Some(y), None) => {
            Some((crate::clock::month_range(y, 1, ctx.app.tz).0, crate::clock::month_range(y, 12, ctx.app.tz).1))
        }
        _ => None,
    };
    let page = page_param(ctx);
    let size = 100;
    let q = AuditQuery {
        actor: ctx.query("actor"),
        action: ctx.query("action"),
        range,
        limit: size,
        offset: (page - 1) * size,
    };
    let data = admin::audit_log(ctx.app, &q)?;
    let view = views::staff::AuditView { data, query: q, year, month, page, page_size: size, tz: ctx.app.tz };
    Ok(html(views::staff::audit(&ctx.chrome(), &view)))
}
