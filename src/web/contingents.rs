//! `/staff/customers/<customer_no>/contingents` (issue 22): the list with the monthly statement
//! per contingent (`?year=&month=`, `format=csv`), adding one, and `/…/contingents/<id>` to
//! change one. Staff only.

use rouille::Response;

use crate::app::contingents::{self as cont, ContingentInput};
use crate::app::staff as work;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{url_encode, Customer, Form};
use crate::views;
use crate::web::portal::{checked_form, csv_separator, year_month_params};
use crate::web::{html, redirect, Ctx};

/// The month the statement shows: `?year=&month=`, else this month.
fn month(ctx: &Ctx) -> (i32, u8) {
    match year_month_params(ctx) {
        (Some(y), m) => (y, m.unwrap_or(1)),
        (None, _) => crate::clock::year_month(crate::clock::now(), ctx.app.tz),
    }
}

fn render(
    ctx: &mut Ctx,
    customer: &Customer,
    editing: Option<i64>,
    values: Form,
    errors: FieldErrors,
    status: u16,
) -> Result<Response> {
    let (year, mo) = month(ctx);
    let report = cont::report(ctx.app, customer, year, mo, true)?.ok_or(Error::NotFound)?;
    if ctx.query("format").as_deref() == Some("csv") {
        let csv = views::contingents::csv(ctx.lang, &report, ctx.app.tz, csv_separator(ctx));
        let name = format!("kontingente-{}-{year:04}-{mo:02}.csv", customer.customer_no);
        let safe: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
        return Ok(Response::from_data("text/csv; charset=utf-8", csv)
            .with_additional_header("Content-Disposition", format!("attachment; filename=\"{safe}\"")));
    }
    let view = views::contingents::StaffPageView {
        report,
        editing,
        values,
        errors,
        csrf: ctx.csrf_token(),
        tz: ctx.app.tz,
        notice: ctx.take_flash(),
        current: crate::clock::year_month(crate::clock::now(), ctx.app.tz),
    };
    Ok(html(views::contingents::staff_page(&ctx.chrome(), &view)).with_status_code(status))
}

fn input(f: &Form) -> ContingentInput<'_> {
    ContingentInput {
        hours: f.str("hours"),
        hours_per_month: f.str("hours_per_month"),
        carry_over: matches!(f.str("carry_over"), "on" | "1" | "true"),
        valid_from: f.str("valid_from"),
        valid_until: f.str("valid_until"),
        note: f.str("note"),
    }
}

fn parse_id(id: &str) -> Result<i64> {
    id.parse::<i64>().ok().filter(|i| *i > 0).ok_or(Error::NotFound)
}

pub fn list(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    ctx.staff()?;
    let customer = work::customer_by_no(ctx.app, customer_no)?;
    let today = crate::clock::iso_date(crate::clock::now(), ctx.app.tz);
    let values = Form::from_pairs(vec![("valid_from".into(), today)]);
    render(ctx, &customer, None, values, FieldErrors::new(), 200)
}

pub fn create(ctx: &mut Ctx, customer_no: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let customer = work::customer_by_no(ctx.app, customer_no)?;
    match cont::create(ctx.app, &me, &customer.customer_no, &input(&f), &ctx.address) {
        Ok(_) => {
            ctx.set_flash(m::CONTINGENT_SAVED);
            Ok(redirect(&format!("/staff/customers/{}/contingents", url_encode(customer_no))))
        }
        Err(Error::Invalid(errors)) => render(ctx, &customer, None, f, errors, 422),
        Err(e) => Err(e),
    }
}

pub fn edit_form(ctx: &mut Ctx, customer_no: &str, id: &str) -> Result<Response> {
    ctx.staff()?;
    let customer = work::customer_by_no(ctx.app, customer_no)?;
    let c = cont::get(ctx.app, &customer, parse_id(id)?)?;
    render(ctx, &customer, Some(c.id), views::contingents::form_values(&c), FieldErrors::new(), 200)
}

pub fn update(ctx: &mut Ctx, customer_no: &str, id: &str) -> Result<Response> {
    let me = ctx.staff()?.clone();
    let f = checked_form(ctx)?;
    let id = parse_id(id)?;
    let customer = work::customer_by_no(ctx.app, customer_no)?;
    match cont::update(ctx.app, &me, &customer.customer_no, id, &input(&f), &ctx.address) {
        Ok(()) => {
            ctx.set_flash(m::CONTINGENT_SAVED);
            Ok(redirect(&format!("/staff/customers/{}/contingents", url_encode(customer_no))))
        }
        Err(Error::Invalid(errors)) => {
            cont::get(ctx.app, &customer, id)?;
            render(ctx, &customer, Some(id), f, errors, 422)
        }
        Err(e) => Err(e),
    }
}
