//! The customer import's report (issue 21): what `app::import` found in a file and did or
//! would do; the CLI prints it, `views::import` renders it.

use crate::i18n::{Lang, Msg};

/// A problem in one line of the file (line 1 is the header).
#[derive(Debug, Clone)]
pub struct LineError {
    pub line: usize,
    /// The column as named in the file's header, when the problem is one cell.
    pub column: Option<String>,
    pub msg: Msg,
    pub args: Vec<(&'static str, String)>,
}

impl LineError {
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lang.f(self.msg, &args)
    }
}

/// What happens to one customer of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAction {
    Create,
    Update,
    Unchanged,
}

/// One customer line as planned (or done).
#[derive(Debug, Clone)]
pub struct ImportLine {
    pub line: usize,
    pub customer_no: String,
    pub name: String,
    pub email: String,
    pub action: ImportAction,
    /// Contacts that are new for this customer.
    pub new_contacts: usize,
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Data lines read (the header and empty lines not counted).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub contacts: usize,
    pub invited: usize,
    pub errors: Vec<LineError>,
    /// Header cells that name no known column (ignored).
    pub ignored_columns: Vec<String>,
    /// `windows-1252` or `utf-8`.
    pub encoding: &'static str,
    pub delimiter: char,
    /// Whether the changes were written (not a dry run, no errors).
    pub applied: bool,
    /// The planned lines (at most the first 200 for the preview).
    pub lines: Vec<ImportLine>,
}
