//! Importing customers from a spreadsheet (issue 21): `ticketd customer import FILE` and
//! `/staff/customers/import`. One CSV file — `;` or `,`, UTF-8 with or without BOM, or
//! Windows-1252 as Excel saves it — with a header naming the columns in German or English
//! (customer number, name, e-mail, phone, contacts). Every line is checked first (cells,
//! duplicates within the file, numbers and addresses already taken); with any error nothing is
//! written and every error is reported with its line. Otherwise, unless it is a dry run, all
//! lines are written in one transaction: new customers, with `update` changed ones, new
//! contacts, and with `invite` an invitation to each new customer and contact (the link mails
//! go through the outbox in the same transaction). Imported customers get no password anyone
//! knows: they set one through an invitation, or staff set one.

use std::collections::HashMap;

use crate::app::App;
use crate::clock;
use crate::db::{self, audit, contacts, customers};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{m, Msg};
use crate::model::{is_plausible_email, CustomerNo, ImportAction, ImportLine, ImportReport, LineError};

/// Larger files are refused before reading (10,000 customers with contacts fit in a few MB).
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The preview lists at most this many lines.
const PREVIEW_LINES: usize = 200;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Check and report only; nothing is written.
    pub dry_run: bool,
    /// Customers whose number exists are updated (else such a line is an error).
    pub update: bool,
    /// New customers and contacts get an invitation to set their password.
    pub invite: bool,
}

/// Who imports: `staff:<username>` or `cli`, and from where (for the audit rows).
pub struct Importer<'a> {
    pub actor: &'a str,
    pub address: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Number,
    Name,
    Email,
    Phone,
    Contacts,
}

impl Column {
    fn of(header: &str) -> Option<Column> {
        let key: String = header.trim().chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        Some(match key.as_str() {
            "kundennummer" | "kundennr" | "customerno" | "customernumber" | "number" | "nummer" | "nr" => {
                Column::Number
            }
            "name" | "firma" | "company" | "kunde" | "customer" | "customername" | "kundenname" => Column::Name,
            "email" | "mail" | "emailadresse" | "emailaddress" => Column::Email,
            "telefon" | "phone" | "tel" | "telefonnummer" | "phonenumber" => Column::Phone,
            "ansprechpartner" | "contacts" | "kontakte" => Column::Contacts,
            _ => return None,
        })
    }

    /// The header word in messages when the file lacks it.
    fn label(self) -> &'static str {
        match self {
            Column::Number => "Kundennummer / customer_no",
            Column::Name => "Name",
            Column::Email => "E-Mail / email",
            Column::Phone => "Telefon / phone",
            Column::Contacts => "Ansprechpartner / contacts",
        }
    }
}

/// A contact from the contacts cell: `Name <address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactCell {
    pub name: String,
    pub email: String,
}

/// One customer line, read and checked on its own.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    customer_no: String,
    name: String,
    email: String,
    phone: String,
    contacts: Vec<ContactCell>,
}

/// The file read: the lines that passed the checks of their own, and the errors.
struct Parsed {
    rows: Vec<Row>,
    report: ImportReport,
    /// Column names as in the file, for messages.
    names: HashMap<Column, String>,
}

fn error(line: usize, column: Option<&str>, msg: Msg, args: Vec<(&'static str, String)>) -> LineError {
    LineError { line, column: column.map(str::to_string), msg, args }
}

/// UTF-8 (a BOM dropped), or else Windows-1252.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "utf-8"),
        Err(_) => (crate::mail::windows_1252(bytes), "windows-1252"),
    }
}

/// `;` when the header line has more of them than commas (Excel in Germany), else `,`.
pub fn delimiter(text: &str) -> u8 {
    let head = text.lines().next().unwrap_or("");
    if head.matches(';').count() > head.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// A cell a spreadsheet would run as a formula (`=`, `@`, or `+`/`-` unless the cell is a
/// phone number): refused, so a file opened again in a spreadsheet cannot run it.
pub fn is_formula(cell: &str) -> bool {
    let cell = cell.trim_start_matches(' ');
    match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !phone_ok(cell),
        _ => false,
    }
}

/// The contacts cell: entries separated by line breaks or `|`, each `Name <address>`.
pub fn contact_cells(cell: &str) -> std::result::Result<Vec<ContactCell>, String> {
    let mut out = Vec::new();
    for part in cell.split(['\n', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        let parsed = match (part.rfind('<'), part.rfind('>')) {
            (Some(a), Some(b)) if a < b && b == part.len() - 1 => {
                Some((part[..a].trim().trim_matches('"').trim(), part[a + 1..b].trim()))
            }
            _ => None,
        };
        match parsed {
            Some((name, email)) if !name.is_empty() && is_plausible_email(email) => {
                out.push(ContactCell { name: name.to_string(), email: email.to_string() })
            }
            _ => return Err(part.to_string()),
        }
    }
    Ok(out)
}

fn phone_ok(p: &str) -> bool {
    p.chars().all(|c| c.is_ascii_digit() || " +-/()".contains(c))
}

/// Reads and checks the file without the database: header, cells, duplicates within the file.
fn parse(bytes: &[u8]) -> Parsed {
    let (text, encoding) = decode(bytes);
    // Line numbers are counted on `\n`; Excel writes `\r\n`.
    let text = if text.contains('\r') { text.replace("\r\n", "\n") } else { text };
    let delim = delimiter(&text);
    let mut report = ImportReport { encoding, delimiter: delim as char, ..ImportReport::default() };
    let mut names = HashMap::new();
    let mut rows = Vec::new();
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delim).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            report.errors.push(error(1, None, m::IMPORT_UNREADABLE, vec![("value", e.to_string())]));
            return Parsed { rows, report, names };
        }
        None => {
            report.errors.push(error(1, None, m::IMPORT_EMPTY, vec![]));
            return Parsed { rows, report, names };
        }
    };
    let mut columns = Vec::new();
    for h in header.iter() {
        let c = Column::of(h);
        match c {
            Some(c) if !names.contains_key(&c) => {
                names.insert(c, h.trim().to_string());
            }
            _ => report.ignored_columns.push(h.trim().to_string()),
        }
        columns.push(c.filter(|c| names.get(c).is_some_and(|n| n == h.trim())));
    }
    for c in [Column::Number, Column::Name, Column::Email] {
        if !names.contains_key(&c) {
            report.errors.push(error(1, None, m::IMPORT_MISSING_COLUMN, vec![("column", c.label().to_string())]));
        }
    }
    if !report.errors.is_empty() {
        return Parsed { rows, report, names };
    }
    let mut seen_no: HashMap<String, usize> = HashMap::new();
    let mut seen_email: HashMap<String, usize> = HashMap::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                report.errors.push(error(line, None, m::IMPORT_UNREADABLE, vec![("value", e.to_string())]));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        if rec.len() != columns.len() {
            report.errors.push(error(
                line,
                None,
                m::IMPORT_FIELD_COUNT,
                vec![("found", rec.len().to_string()), ("expected", columns.len().to_string())],
            ));
            continue;
        }
        let before = report.errors.len();
        let mut cell = HashMap::new();
        for (value, col) in rec.iter().zip(&columns) {
            // `'=…`: a value our export (or a person) marked as text; taken without the mark.
            let escaped = value.strip_prefix('\'').filter(|v| v.starts_with(['=', '+', '-', '@', '\t', '\r']));
            let value = escaped.unwrap_or(value);
            if escaped.is_none() && is_formula(value) {
                let column = col.and_then(|c| names.get(&c)).map(String::as_str);
                report.errors.push(error(line, column, m::IMPORT_FORMULA, vec![("value", value.to_string())]));
            }
            if let Some(c) = col {
                cell.insert(*c, value.trim().to_string());
            }
        }
        let get = |c: Column| cell.get(&c).cloned().unwrap_or_default();
        let col = |c: Column| names.get(&c).map(String::as_str);
        let row = Row {
            line,
            customer_no: get(Column::Number),
            name: get(Column::Name),
            email: get(Column::Email),
            phone: get(Column::Phone),
            contacts: Vec::new(),
        };
        if CustomerNo::parse(&row.customer_no).is_none() {
            report.errors.push(error(
                line,
                col(Column::Number),
                m::IMPORT_BAD_NUMBER,
                vec![("value", row.customer_no.clone())],
            ));
        }
        if row.name.is_empty() {
            report.errors.push(error(line, col(Column::Name), m::ERR_REQUIRED, vec![]));
        }
        if !is_plausible_email(&row.email) {
            report.errors.push(error(
                line,
                col(Column::Email),
                m::IMPORT_BAD_EMAIL,
                vec![("value", row.email.clone())],
            ));
        }
        if !phone_ok(&row.phone) {
            report.errors.push(error(
                line,
                col(Column::Phone),
                m::IMPORT_BAD_PHONE,
                vec![("value", row.phone.clone())],
            ));
        }
        let contacts = match contact_cells(&get(Column::Contacts)) {
            Ok(c) => c,
            Err(bad) => {
                report.errors.push(error(line, col(Column::Contacts), m::IMPORT_BAD_CONTACT, vec![("value", bad)]));
                Vec::new()
            }
        };
        if let Some(first) = seen_no.insert(row.customer_no.to_lowercase(), line) {
            report.errors.push(error(
                line,
                col(Column::Number),
                m::IMPORT_DUPLICATE_NO,
                vec![("value", row.customer_no.clone()), ("line", first.to_string())],
            ));
        }
        let addresses = std::iter::once((col(Column::Email), &row.email))
            .chain(contacts.iter().map(|c| (col(Column::Contacts), &c.email)));
        for (column, address) in addresses {
            let key = address.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            if let Some(first) = seen_email.insert(key, line) {
                report.errors.push(error(
                    line,
                    column,
                    m::IMPORT_DUPLICATE_EMAIL,
                    vec![("value", address.clone()), ("line", first.to_string())],
                ));
            }
        }
        if report.errors.len() == before {
            rows.push(Row { contacts, ..row });
        }
    }
    Parsed { rows, report, names }
}

/// What the database says about one line: its action, or errors.
struct Planned {
    row: Row,
    existing: Option<crate::model::Customer>,
    action: ImportAction,
    new_contacts: Vec<ContactCell>,
}

fn plan(conn: &rusqlite::Connection, p: &mut Parsed, opts: Options) -> Result<Vec<Planned>> {
    let col = |c: Column| p.names.get(&c).cloned();
    let mut planned = Vec::with_capacity(p.rows.len());
    for row in std::mem::take(&mut p.rows) {
        let before = p.report.errors.len();
        let existing = customers::get_by_no(conn, &row.customer_no)?;
        let errors = &mut p.report.errors;
        let mut push = |column: Option<String>, msg, args| errors.push(LineError { line: row.line, column, msg, args });
        if existing.is_some() && !opts.update {
            push(col(Column::Number), m::IMPORT_EXISTS, vec![("value", row.customer_no.clone())]);
        }
        let own_id = existing.as_ref().map(|c| c.id);
        if customers::exists_email(conn, &row.email, own_id)? || contacts::exists_email(conn, &row.email, None)? {
            push(col(Column::Email), m::IMPORT_EMAIL_TAKEN, vec![("value", row.email.clone())]);
        }
        let mut new_contacts = Vec::new();
        for c in &row.contacts {
            let mine = match (own_id, contacts::find_by_email(conn, &c.email)?) {
                (Some(id), Some(found)) => found.customer_id == id,
                (_, Some(_)) => false,
                (_, None) => {
                    if customers::exists_email(conn, &c.email, None)? {
                        false
                    } else {
                        new_contacts.push(c.clone());
                        continue;
                    }
                }
            };
            if !mine {
                push(col(Column::Contacts), m::IMPORT_EMAIL_TAKEN, vec![("value", c.email.clone())]);
            }
        }
        if p.report.errors.len() > before {
            continue;
        }
        let action = match &existing {
            None => ImportAction::Create,
            Some(c)
                if c.name != row.name || !c.email.eq_ignore_ascii_case(row.email.trim()) || c.phone != row.phone =>
            {
                ImportAction::Update
            }
            Some(_) if !new_contacts.is_empty() => ImportAction::Update,
            Some(_) => ImportAction::Unchanged,
        };
        planned.push(Planned { row, existing, action, new_contacts });
    }
    Ok(planned)
}

fn count(report: &mut ImportReport, planned: &[Planned], invite: bool) {
    for p in planned {
        match p.action {
            ImportAction::Create => report.created += 1,
            ImportAction::Update => report.updated += 1,
            ImportAction::Unchanged => report.unchanged += 1,
        }
        report.contacts += p.new_contacts.len();
        if invite {
            report.invited += p.new_contacts.len() + usize::from(p.action == ImportAction::Create);
        }
        if report.lines.len() < PREVIEW_LINES {
            report.lines.push(ImportLine {
                line: p.row.line,
                customer_no: p.row.customer_no.clone(),
                name: p.row.name.clone(),
                email: p.row.email.clone(),
                action: p.action,
                new_contacts: p.new_contacts.len(),
            });
        }
    }
}

/// Imports `bytes` (a whole file). The report lists every error by line; `applied` says
/// whether anything was written (no errors and not a dry run).
pub fn import(app: &App, bytes: &[u8], opts: Options, who: &Importer) -> Result<ImportReport> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Error::TooLarge(m::IMPORT_TOO_LARGE));
    }
    if opts.invite && !crate::app::links::enabled(app) {
        let mut errors = FieldErrors::new();
        errors.add("invite", m::LINK_NO_SMTP);
        return Err(Error::Invalid(errors));
    }
    let mut parsed = parse(bytes);
    if opts.dry_run || !parsed.report.errors.is_empty() {
        let conn = app.conn()?;
        let planned = if parsed.report.errors.is_empty() || !parsed.rows.is_empty() {
            plan(&conn, &mut parsed, opts)?
        } else {
            Vec::new()
        };
        let mut report = parsed.report;
        report.errors.sort_by_key(|e| e.line);
        count(&mut report, &planned, opts.invite);
        return Ok(report);
    }
    // One password hash for all new customers, of a password nobody knows: logins take as
    // long as for anyone, and 10,000 lines need not wait for 10,000 bcrypt rounds.
    let unknown = crate::app::bootstrap::new_password(app, None)?.hash;
    let mut conn = app.conn()?;
    let report = db::write(&mut conn, |tx| {
        let planned = plan(tx, &mut parsed, opts)?;
        let mut report = std::mem::take(&mut parsed.report);
        count(&mut report, &planned, opts.invite);
        if !report.errors.is_empty() {
            report.errors.sort_by_key(|e| e.line);
            return Ok(report);
        }
        let now = clock::now();
        for p in &planned {
            write_one(tx, app, p, &unknown, opts, who, now)?;
        }
        report.applied = true;
        Ok(report)
    })?;
    if report.applied && report.invited > 0 {
        crate::app::notify::wake();
    }
    Ok(report)
}

fn write_one(
    tx: &rusqlite::Connection,
    app: &App,
    p: &Planned,
    unknown_hash: &str,
    opts: Options,
    who: &Importer,
    now: i64,
) -> Result<()> {
    let r = &p.row;
    let entry = audit::Entry {
        actor: who.actor,
        action: "customer.create",
        target: &r.customer_no,
        detail: "import",
        address: who.address,
    };
    let id = match (&p.existing, p.action) {
        (_, ImportAction::Unchanged) => return Ok(()),
        (None, _) => {
            let new = customers::NewCustomer {
                customer_no: &r.customer_no,
                name: &r.name,
                email: &r.email,
                phone: &r.phone,
                password_hash: unknown_hash,
            };
            let id = customers::insert(tx, &new, now)?;
            audit::insert(tx, &entry, now)?;
            if opts.invite {
                crate::app::links::invite_customer_in(tx, app, id, who.actor, who.address)?;
            }
            id
        }
        (Some(c), _) => {
            let u = customers::CustomerUpdate { name: &r.name, email: &r.email, phone: &r.phone, active: c.active };
            customers::update(tx, c.id, &u)?;
            audit::insert(tx, &entry.with_action("customer.update"), now)?;
            c.id
        }
    };
    for c in &p.new_contacts {
        let new = contacts::NewContact {
            customer_id: id,
            name: &c.name,
            email: &c.email,
            phone: "",
            role: crate::model::ContactRole::Member,
            language: None,
            password_hash: None,
        };
        let contact = contacts::insert(tx, &new, now)?;
        if opts.invite {
            crate::app::links::invite_contact_in(tx, app, contact, who.actor, who.address)?;
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------ export

/// Every customer as CSV (UTF-8 with BOM, `sep`), in the import's format, so an export imports
/// again unchanged: the header in `lang`, cells marked as text where a spreadsheet would see a
/// formula.
pub fn export_csv(app: &App, lang: crate::i18n::Lang, sep: char) -> Result<String> {
    let rows = customers::export_rows(&*app.conn()?)?;
    let header = match lang {
        crate::i18n::Lang::De => ["Kundennummer", "Name", "E-Mail", "Telefon", "Ansprechpartner"],
        crate::i18n::Lang::En => ["customer_no", "name", "email", "phone", "contacts"],
    };
    let line = |cells: &[&str]| {
        cells.iter().map(|c| crate::views::time::csv_cell(c, sep)).collect::<Vec<_>>().join(&sep.to_string())
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&line(&header));
    out.push_str("\r\n");
    for r in &rows {
        out.push_str(&line(&r.iter().map(String::as_str).collect::<Vec<_>>()));
        out.push_str("\r\n");
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ staging

/// A file uploaded on `/staff/customers/import`, kept in memory between the preview and the
/// confirmation (a restart forgets it: the person uploads again).
struct Staged {
    token: String,
    staff_id: i64,
    at: i64,
    bytes: Vec<u8>,
}

static STAGED: std::sync::Mutex<Vec<Staged>> = std::sync::Mutex::new(Vec::new());
/// Files are kept this long, and at most this many at once (the oldest go first).
const STAGE_SECS: i64 = 3600;
const STAGE_MAX: usize = 8;

/// Keeps `bytes` for `staff_id`'s confirmation; the token to confirm with.
pub fn stage(staff_id: i64, bytes: Vec<u8>) -> Result<String> {
    use crate::sync::Unpoison;
    let token = crate::auth::random_hex(16)?;
    let now = clock::now();
    let mut staged = STAGED.lock().unpoisoned();
    staged.retain(|s| now - s.at < STAGE_SECS && s.staff_id != staff_id);
    if staged.len() >= STAGE_MAX {
        staged.remove(0);
    }
    staged.push(Staged { token: token.clone(), staff_id, at: now, bytes });
    Ok(token)
}

/// The staged file, taken (a confirmation runs once); `None` when gone or someone else's.
pub fn take_staged(staff_id: i64, token: &str) -> Option<Vec<u8>> {
    use crate::sync::Unpoison;
    let now = clock::now();
    let mut staged = STAGED.lock().unpoisoned();
    staged.retain(|s| now - s.at < STAGE_SECS);
    let i = staged.iter().position(|s| s.staff_id == staff_id && s.token == token)?;
    Some(staged.remove(i).bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_and_delimiters() {
        assert_eq!(decode(b"\xEF\xBB\xBFName;M\xC3\xBCller"), ("Name;Müller".to_string(), "utf-8"));
        assert_eq!(decode(b"Name;M\xFCller \x80"), ("Name;Müller €".to_string(), "windows-1252"));
        assert_eq!(delimiter("Kundennummer;Name;E-Mail\n1,2"), b';');
        assert_eq!(delimiter("number,name,email"), b',');
    }

    #[test]
    fn formulas_but_not_phone_numbers() {
        for f in ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd", "  =HYPERLINK(\"x\")"] {
            assert!(is_formula(f), "{f}");
        }
        for ok in ["+49 30 1234", "-", "0711-123", "Müller", "", "+(49) 30"] {
            assert!(!is_formula(ok), "{ok}");
        }
    }

    #[test]
    fn contacts_cell() {
        let c = contact_cells("Hans Müller <hans@example.com>| Eva <eva@example.com>\n").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0], ContactCell { name: "Hans Müller".into(), email: "hans@example.com".into() });
        assert_eq!(contact_cells("").unwrap(), vec![]);
        assert!(contact_cells("hans@example.com").is_err());
        assert!(contact_cells("Hans <kein-mail>").is_err());
    }

    #[test]
    fn lines_are_numbered_and_duplicates_named() {
        let file = "Kundennummer;Name;E-Mail;Telefon;Ansprechpartner\n\
                    K-1;Alpha GmbH;a@example.com;+49 1;\n\
                    K-2;\"Beta; und Co\";b@example.com;;\"Eva <eva@example.com>\nA <a@example.com>\"\n\
                    K-1;Gamma;c@example.com;x;\n\
                    K-4;Delta;=HYPERLINK(1);;\n\
                    K-5;Epsilon\n";
        let p = parse(file.as_bytes());
        let got: Vec<(usize, &str)> = p.report.errors.iter().map(|e| (e.line, e.msg.key)).collect();
        assert_eq!(
            got,
            vec![
                (3, "IMPORT_DUPLICATE_EMAIL"),
                (5, "IMPORT_BAD_PHONE"),
                (5, "IMPORT_DUPLICATE_NO"),
                (6, "IMPORT_FORMULA"),
                (6, "IMPORT_BAD_EMAIL"),
                (7, "IMPORT_FIELD_COUNT"),
            ]
        );
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.report.rows, 5);
    }

    #[test]
    fn missing_columns_are_named() {
        let p = parse(b"number,name\n1,x\n");
        assert_eq!(p.report.errors.len(), 1);
        assert_eq!(p.report.errors[0].line, 1);
        let p = parse(b"customer_no,name,email,notes\n1,x,x@example.com,hi\n");
        assert!(p.report.errors.is_empty());
        assert_eq!(p.report.ignored_columns, vec!["notes"]);
    }
}
