//! Password links: the forgot pages, setting a password through a link, invitations and an
//! admin's password actions for a staff member.

use rouille::Response;

use crate::app::links::{self, BadLink};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{url_encode, Realm};
use crate::views;
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

/// Pages that carry a token in their URL or answer for an account: stored by no cache, and
/// the token sent to no other site.
fn private(r: Response) -> Response {
    r.with_unique_header("Cache-Control", "no-store").with_unique_header("Referrer-Policy", "no-referrer")
}

fn forgot_page(ctx: &mut Ctx, realm: Realm, answered: bool) -> Response {
    let view = views::links::ForgotView {
        realm,
        enabled: links::enabled(ctx.app),
        answered,
        csrf: if answered { String::new() } else { ctx.csrf_token() },
    };
    private(html(views::links::forgot(&ctx.chrome(), &view)))
}

pub fn forgot_form(ctx: &mut Ctx, realm: Realm) -> Result<Response> {
    Ok(forgot_page(ctx, realm, false))
}

/// Always the same answer, whatever was typed (see `app::links::forgot`).
pub fn forgot(ctx: &mut Ctx, realm: Realm) -> Result<Response> {
    let f = checked_form(ctx)?;
    links::forgot(ctx.app, realm, f.str("login"), &ctx.address)?;
    Ok(forgot_page(ctx, realm, true))
}

fn bad_link(ctx: &mut Ctx, token: &str, bad: BadLink) -> Result<Response> {
    let (status, msg) = match bad {
        BadLink::Unknown => (404, m::LINK_UNKNOWN),
        BadLink::Used => (410, m::LINK_USED),
        BadLink::Expired => (410, m::LINK_EXPIRED),
        BadLink::Inactive => (410, m::LINK_INACTIVE),
    };
    let realm = links::realm_of(ctx.app, token)?;
    Ok(private(html(views::links::bad_link(&ctx.chrome(), msg, realm)).with_status_code(status)))
}

fn reset_page(ctx: &mut Ctx, token: &str, errors: FieldErrors, status: u16) -> Result<Response> {
    let link = match links::check(ctx.app, token)? {
        Ok(l) => l,
        Err(bad) => return bad_link(ctx, token, bad),
    };
    let view = views::links::ResetView {
        token: token.to_string(),
        invite: link.is_invite(),
        name: link.person.name.clone(),
        login: link.person.login.clone(),
        errors,
        csrf: ctx.csrf_token(),
        min_length: ctx.app.config().security.min_password_length,
    };
    Ok(private(html(views::links::reset(&ctx.chrome(), &view)).with_status_code(status)))
}

pub fn reset_form(ctx: &mut Ctx, token: &str) -> Result<Response> {
    reset_page(ctx, token, FieldErrors::new(), 200)
}

pub fn reset(ctx: &mut Ctx, token: &str) -> Result<Response> {
    let f = checked_form(ctx)?;
    match links::set_password(ctx.app, token, f.str("new_password"), f.str("new_password_repeat"), &ctx.address) {
        Ok(Ok(realm)) => {
            ctx.set_flash(m::RESET_DONE);
            Ok(redirect(match realm {
                Realm::Customer => "/login",
                Realm::Staff => "/staff/login",
            }))
        }
        Ok(Err(bad)) => bad_link(ctx, token, bad),
        Err(Error::Invalid(errors)) => reset_page(ctx, token, errors, 422),
        Err(e) => Err(e),
    }
}

/// `POST /staff/customers/<customer_no>/invite` (optional `contact`).
pub fn invite(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let contact = match f.str("contact").trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| Error::NotFound)?),
    };
    match links::invite(ctx.app, &me, customer_no, contact, &ctx.address) {
        Ok(()) => {}
        Err(Error::Invalid(errors)) => return crate::web::staff::customer_page_with(ctx, customer_no, errors, 422),
        Err(e) => return Err(e),
    }
    ctx.set_flash(m::INVITE_SENT);
    Ok(redirect(&format!("/staff/customers/{}", url_encode(customer_no))))
}

/// `POST /admin/staff/<username>/password` with `mode` = `link` or `temporary`.
pub fn staff_password(ctx: &mut Ctx, username: &str) -> Result<Response> {
    let me = ctx.admin()?.clone();
    let f = checked_form(ctx)?;
    match f.str("mode") {
        "link" => match links::staff_reset_link(ctx.app, &me, username, &ctx.address) {
            Ok(()) => ctx.set_flash(m::STAFF_PW_LINK_SENT),
            Err(Error::Invalid(errors)) => return crate::web::staff::staff_member_page(ctx, username, errors, 422),
            Err(e) => return Err(e),
        },
        "temporary" => {
            let pw = links::staff_temporary_password(ctx.app, &me, username, &ctx.address)?;
            if let Some(s) = ctx.session() {
                ctx.app.stash_secret(&s.token_hash, &format!("staff:{username}"), pw);
            }
            ctx.set_flash(m::STAFF_PW_TEMPORARY_SET);
        }
        _ => {
            let mut errors = FieldErrors::new();
            errors.add("mode", m::ERR_INVALID_CHOICE);
            return crate::web::staff::staff_member_page(ctx, username, errors, 422);
        }
    }
    Ok(redirect(&format!("/admin/staff/{}", url_encode(username))))
}
