//! The route table: method and path segments to handler, nothing else.

use rouille::Response;

use crate::error::{Error, Result};
use crate::model::Realm;
use crate::web::{
    assets, contacts, hotline, inbox, links, notify, portal, settings, snippets, staff, ticket_people, totp, Ctx,
};

pub fn route(ctx: &mut Ctx) -> Result<Response> {
    let path = ctx.req.url();
    let method = match ctx.req.method() {
        "HEAD" => "GET",
        m => m,
    };
    let segs: Vec<&str> = path.trim_start_matches('/').trim_end_matches('/').split('/').collect();
    match (method, segs.as_slice()) {
        ("GET", [""]) => portal::root(ctx),
        ("GET", ["healthz"]) => health(ctx),
        ("GET", ["assets", rest @ ..]) => assets::serve(ctx.app, ctx.req, &rest.join("/")).ok_or(Error::NotFound),

        ("GET", ["login"]) => portal::login_form(ctx),
        ("POST", ["login"]) => portal::login(ctx),
        ("POST", ["logout"]) => portal::logout(ctx),
        ("GET", ["login", "forgot"]) => links::forgot_form(ctx, Realm::Customer),
        ("POST", ["login", "forgot"]) => links::forgot(ctx, Realm::Customer),
        ("GET", ["login", "reset", token]) => links::reset_form(ctx, token),
        ("POST", ["login", "reset", token]) => links::reset(ctx, token),
        ("GET", ["tickets"]) => portal::overview(ctx),
        ("POST", ["tickets"]) => portal::create_ticket(ctx),
        ("GET", ["tickets", "new"]) => portal::new_ticket_form(ctx),
        ("GET", ["tickets", number]) => portal::ticket(ctx, number),
        ("POST", ["tickets", number, "reply"]) => portal::reply(ctx, number),
        ("POST", ["tickets", number, "close"]) => portal::close(ctx, number),
        ("POST", ["tickets", number, "fields"]) => portal::update_fields(ctx, number),
        ("POST", ["tickets", number, "attachments"]) => portal::upload(ctx, number),
        ("GET", ["tickets", number, "attachments", id]) => portal::download(ctx, number, id),
        ("GET", ["tickets", number, "people"]) => ticket_people::page(ctx, number),
        ("POST", ["tickets", number, "people"]) => ticket_people::add(ctx, number),
        ("GET", ["account"]) => portal::account(ctx),
        ("GET", ["account", "password"]) => portal::password_form(ctx),
        ("POST", ["account", "password"]) => portal::change_password(ctx),
        ("GET", ["account", "time"]) => portal::time_statement(ctx),
        ("GET", ["account", "export"]) => portal::export(ctx),
        ("GET", ["account", "call-code"]) => hotline::call_code(ctx),
        ("POST", ["account", "call-code"]) => hotline::new_call_code(ctx),
        ("POST", ["account", "notifications"]) => notify::customer_setting(ctx),
        ("GET", ["account", "contacts"]) => contacts::account_list(ctx),
        ("POST", ["account", "contacts"]) => contacts::account_create(ctx),
        ("GET", ["account", "contacts", "new"]) => contacts::account_new_form(ctx),
        ("GET", ["account", "contacts", id]) => contacts::account_edit_form(ctx, id),
        ("POST", ["account", "contacts", id]) => contacts::account_update(ctx, id),

        ("GET", ["staff"]) => Ok(crate::web::redirect("/staff/tickets")),
        ("GET", ["staff", "login"]) => staff::login_form(ctx),
        ("POST", ["staff", "login"]) => staff::login(ctx),
        ("POST", ["staff", "logout"]) => staff::logout(ctx),
        ("GET", ["staff", "login", "forgot"]) => links::forgot_form(ctx, Realm::Staff),
        ("POST", ["staff", "login", "forgot"]) => links::forgot(ctx, Realm::Staff),
        ("GET", ["staff", "login", "2fa"]) => totp::second_step_form(ctx),
        ("POST", ["staff", "login", "2fa"]) => totp::second_step(ctx),
        ("GET", ["staff", "account", "2fa"]) => totp::enrol_form(ctx),
        ("POST", ["staff", "account", "2fa"]) => totp::enrol(ctx),
        ("GET", ["staff", "password"]) => staff::password_form(ctx),
        ("POST", ["staff", "password"]) => staff::change_password(ctx),
        ("GET", ["staff", "account"]) => notify::staff_account(ctx),
        ("POST", ["staff", "account", "notifications"]) => notify::staff_setting(ctx),
        ("POST", ["staff", "account", "signature"]) => snippets::set_signature(ctx),
        ("GET", ["staff", "snippets"]) => snippets::list(ctx),
        ("POST", ["staff", "snippets"]) => snippets::create(ctx),
        ("GET", ["staff", "snippets", id]) => snippets::show(ctx, id),
        ("POST", ["staff", "snippets", id]) => snippets::update(ctx, id),
        ("GET", ["staff", "tickets"]) => staff::queue(ctx),
        ("POST", ["staff", "tickets"]) => staff::create_ticket(ctx),
        ("GET", ["staff", "tickets", "new"]) => staff::new_ticket_form(ctx),
        ("GET", ["staff", "tickets", number]) => staff::ticket(ctx, number),
        ("POST", ["staff", "tickets", number]) => staff::update_ticket(ctx, number),
        ("POST", ["staff", "tickets", number, "activities"]) => staff::add_activity(ctx, number),
        ("POST", ["staff", "tickets", number, "fields"]) => staff::update_fields(ctx, number),
        ("GET", ["staff", "tickets", number, "attachments", id]) => staff::download(ctx, number, id),
        ("GET", ["staff", "customers"]) => staff::customers(ctx),
        ("POST", ["staff", "customers"]) => staff::customer_create(ctx),
        ("GET", ["staff", "customers", "new"]) => staff::customer_new_form(ctx),
        ("GET", ["staff", "customers", no]) => staff::customer(ctx, no),
        ("POST", ["staff", "customers", no]) => staff::customer_update(ctx, no),
        ("POST", ["staff", "customers", no, "password"]) => staff::customer_password(ctx, no),
        ("POST", ["staff", "customers", no, "invite"]) => links::invite(ctx, no),
        ("GET", ["staff", "customers", no, "contacts", "new"]) => contacts::staff_new_form(ctx, no),
        ("POST", ["staff", "customers", no, "contacts", "new"]) => contacts::staff_create(ctx, no),
        ("GET", ["staff", "customers", no, "contacts", id]) => contacts::staff_edit_form(ctx, no, id),
        ("POST", ["staff", "customers", no, "contacts", id]) => contacts::staff_update(ctx, no, id),
        ("GET", ["staff", "customers", no, "time"]) => staff::customer_time(ctx, no),

        ("GET", ["staff", "inbox"]) => inbox::list(ctx),
        ("POST", ["staff", "inbox", id]) => inbox::act(ctx, id),

        ("GET", ["staff", "hotline"]) => hotline::lookup(ctx),
        ("POST", ["staff", "hotline", no, "verify"]) => hotline::verify(ctx, no),
        ("POST", ["admin", "hotline", no, "reveal"]) => hotline::reveal(ctx, no),
        ("GET", ["admin"]) => Ok(crate::web::redirect("/admin/staff")),
        ("GET", ["admin", "staff"]) => staff::staff_list(ctx),
        ("POST", ["admin", "staff"]) => staff::staff_create(ctx),
        ("GET", ["admin", "staff", "new"]) => staff::staff_new_form(ctx),
        ("GET", ["admin", "staff", username]) => staff::staff_member(ctx, username),
        ("POST", ["admin", "staff", username]) => staff::staff_update(ctx, username),
        ("POST", ["admin", "staff", username, "password"]) => links::staff_password(ctx, username),
        ("GET", ["admin", "audit"]) => staff::audit_log(ctx),
        ("GET", ["admin", "settings"]) => settings::portal(ctx),
        ("POST", ["admin", "settings"]) => settings::portal_save(ctx),
        ("GET", ["admin", "settings", "mail"]) => settings::mail(ctx),
        ("POST", ["admin", "settings", "mail"]) => settings::mail_save(ctx),
        ("GET", ["admin", "settings", "inbound"]) => settings::inbound(ctx),
        ("POST", ["admin", "settings", "inbound"]) => settings::inbound_save(ctx),
        ("GET", ["admin", "settings", "security"]) => settings::security(ctx),
        ("POST", ["admin", "settings", "security"]) => settings::security_save(ctx),
        ("GET", ["admin", "settings", "fields"]) => settings::fields(ctx),
        ("POST", ["admin", "settings", "fields"]) => settings::fields_move(ctx),
        ("GET", ["admin", "settings", "fields", "new"]) => settings::field_new(ctx),
        ("POST", ["admin", "settings", "fields", "new"]) => settings::field_create(ctx),
        ("GET", ["admin", "settings", "fields", key]) => settings::field_edit(ctx, key),
        ("POST", ["admin", "settings", "fields", key]) => settings::field_update(ctx, key),
        ("GET", ["admin", "outbox"]) => notify::outbox(ctx),
        ("POST", ["admin", "first-steps", "dismiss"]) => staff::dismiss_first_steps(ctx),
        ("POST", ["admin", "outbox", id, "retry"]) => notify::retry(ctx, id),
        _ => Err(Error::NotFound),
    }
}

/// `200 ok` when the database answers a query, `503` otherwise.
fn health(ctx: &mut Ctx) -> Result<Response> {
    let (status, body) = if ctx.app.healthy() { (200, "ok\n") } else { (503, "unavailable\n") };
    Ok(Response::text(body).with_status_code(status).with_no_cache())
}
