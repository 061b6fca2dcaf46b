//! Handlers for text snippets (`/staff/snippets`, `/staff/snippets/<id>`) and the personal
//! signature (`POST /staff/account/signature`).

use rouille::Response;

use crate::app::snippets::{self, SnippetInput};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{Form, Role};
use crate::views;
use crate::web::portal::checked_form;
use crate::web::{html, redirect, Ctx};

pub fn list(ctx: &mut Ctx) -> Result<Response> {
    ctx.staff()?;
    render_list(ctx, Form::default(), FieldErrors::new(), 200)
}

fn render_list(ctx: &mut Ctx, values: Form, errors: FieldErrors, status: u16) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let view = views::snippets::SnippetsView {
        snippets: snippets::visible(ctx.app, &me)?,
        admin: me.role == Role::Admin,
        values,
        errors,
        csrf: ctx.csrf_token(),
        notice: ctx.take_flash(),
    };
    Ok(html(views::snippets::list(&ctx.chrome(), &view)).with_status_code(status))
}

fn input(f: &Form) -> SnippetInput<'_> {
    SnippetInput { title: f.str("title"), body: f.str("body"), shared: !f.str("shared").is_empty() }
}

pub fn create(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    match snippets::create(ctx.app, &me, &input(&f)) {
        Ok(_) => {
            ctx.set_flash(m::SNIPPET_SAVED);
            Ok(redirect("/staff/snippets"))
        }
        Err(Error::Invalid(errors)) => render_list(ctx, f, errors, 422),
        Err(e) => Err(e),
    }
}

pub fn show(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let n = snippets::get(ctx.app, &me, id)?;
    let values = Form::from_pairs(vec![
        ("title".into(), n.title.clone()),
        ("body".into(), n.body.clone()),
        ("shared".into(), if n.shared { "on".into() } else { String::new() }),
    ]);
    render_one(ctx, id, values, FieldErrors::new(), 200)
}

fn render_one(ctx: &mut Ctx, id: &str, values: Form, errors: FieldErrors, status: u16) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let snippet = snippets::get(ctx.app, &me, id)?;
    let view = views::snippets::SnippetView {
        editable: snippets::may_edit(&me, &snippet),
        snippet,
        admin: me.role == Role::Admin,
        values,
        errors,
        csrf: ctx.csrf_token(),
        notice: ctx.take_flash(),
    };
    Ok(html(views::snippets::edit(&ctx.chrome(), &view)).with_status_code(status))
}

/// Saves the snippet, or deletes it (`delete` set).
pub fn update(ctx: &mut Ctx, id: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    if !f.str("delete").is_empty() {
        snippets::delete(ctx.app, &me, id)?;
        ctx.set_flash(m::SNIPPET_DELETED);
        return Ok(redirect("/staff/snippets"));
    }
    match snippets::update(ctx.app, &me, id, &input(&f)) {
        Ok(()) => {
            ctx.set_flash(m::SNIPPET_SAVED);
            Ok(redirect(&format!("/staff/snippets/{id}")))
        }
        Err(Error::Invalid(errors)) => render_one(ctx, id, f, errors, 422),
        Err(e) => Err(e),
    }
}

/// The signature card of `/staff/account`: the stored text, or what was just entered.
pub fn signature_card(
    ctx: &mut Ctx,
    entered: Option<String>,
    errors: FieldErrors,
) -> Result<views::snippets::SignatureCard> {
    let me = ctx.staff()?.clone();
    let text = match entered {
        Some(t) => t,
        None => snippets::signature(ctx.app, &me)?,
    };
    Ok(views::snippets::SignatureCard { text, csrf: ctx.csrf_token(), errors })
}

/// `POST /staff/account/signature`.
pub fn set_signature(ctx: &mut Ctx) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    match snippets::set_signature(ctx.app, &me, f.str("signature")) {
        Ok(()) => {
            ctx.set_flash(m::SIGNATURE_SAVED);
            Ok(redirect("/staff/account#signature"))
        }
        Err(Error::Invalid(errors)) => {
            let card = signature_card(ctx, Some(f.str("signature").to_string()), errors)?;
            crate::web::notify::render_staff_account(ctx, card, 422)
        }
        Err(e) => Err(e),
    }
}
