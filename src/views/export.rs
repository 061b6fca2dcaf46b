//! CSV exports of ticket lists: UTF-8 with BOM, `;` by default for German spreadsheets.

use time_tz::Tz;

use crate::clock;
use crate::i18n::{m, Lang};
use crate::model::{Field, FieldType, TicketPage};
use crate::views::time::csv_cell;

pub struct ListExport<'a> {
    pub page: &'a TicketPage,
    pub fields: &'a [Field],
    pub staff: bool,
    pub show_time: bool,
    pub tz: &'a Tz,
    pub lang: Lang,
    pub sep: char,
}

fn field_text(lang: Lang, f: &Field, v: &str) -> String {
    match f.kind {
        FieldType::Select => f
            .options
            .iter()
            .find(|o| o.value() == v)
            .map(|o| o.label(lang).to_string())
            .unwrap_or_else(|| v.to_string()),
        FieldType::Checkbox => lang.t(if v.is_empty() { m::NO } else { m::YES }).to_string(),
        _ => v.to_string(),
    }
}

pub fn tickets_csv(x: &ListExport) -> String {
    let lang = x.lang;
    let mut header: Vec<String> = vec![lang.t(m::TICKET_NO).into(), lang.t(m::SUBJECT).into()];
    if x.staff {
        header.push(lang.t(m::CUSTOMER_NO).into());
        header.push(lang.t(m::CUSTOMER).into());
        header.push(lang.t(m::ASSIGNEE).into());
    }
    header.extend(
        [m::STATUS, m::PRIORITY, m::CREATED, m::LAST_ACTIVITY, m::ACTIVITIES].iter().map(|h| lang.t(*h).to_string()),
    );
    if x.show_time {
        header.push(lang.t(m::MINUTES_LABEL).into());
    }
    header.extend(x.fields.iter().map(|f| f.label.get(lang).to_string()));
    let line = |cells: &[String]| cells.iter().map(|c| csv_cell(c, x.sep)).collect::<Vec<_>>().join(&x.sep.to_string());
    let mut out = String::from("\u{feff}");
    out.push_str(&line(&header));
    out.push_str("\r\n");
    for t in &x.page.rows {
        let status = if x.staff { t.status.staff_label() } else { t.status.label() };
        let mut row: Vec<String> = vec![t.number.clone(), t.subject.clone()];
        if x.staff {
            row.push(t.customer_no.clone());
            row.push(t.customer_name.clone());
            row.push(t.assignee.clone().unwrap_or_default());
        }
        row.push(lang.t(status).into());
        row.push(lang.t(t.priority.label()).into());
        row.push(clock::datetime(t.created_at, x.tz, lang));
        row.push(clock::datetime(t.last_activity_at, x.tz, lang));
        row.push(t.activity_count.to_string());
        if x.show_time {
            row.push(t.minutes.to_string());
        }
        let values = x.page.fields.get(&t.id);
        for f in x.fields {
            let v = values.and_then(|vs| vs.iter().find(|(k, _)| *k == f.key)).map(|(_, v)| v.as_str());
            row.push(v.map(|v| field_text(lang, f, v)).unwrap_or_default());
        }
        out.push_str(&line(&row));
        out.push_str("\r\n");
    }
    out
}
