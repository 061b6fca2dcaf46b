//! Text snippets ("Textbausteine") and personal signatures. Personal snippets are their
//! owner's alone (another staff member gets 404); shared ones are used by all staff and only
//! admins create, change or delete them.

use crate::app::App;
use crate::clock;
use crate::db::snippets::{self as sdb, SnippetText};
use crate::db::{self};
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::{fill_placeholders, PlaceholderValues, Role, Snippet, StaffMember};

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_BODY_CHARS: usize = 20_000;
pub const MAX_SIGNATURE_CHARS: usize = 1_000;

pub struct SnippetInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub shared: bool,
}

/// The snippets `s` may use: shared and their own.
pub fn visible(app: &App, s: &StaffMember) -> Result<Vec<Snippet>> {
    sdb::visible(&*app.conn()?, s.id)
}

/// One snippet `s` may see; 404 for another's personal one.
pub fn get(app: &App, s: &StaffMember, id: &str) -> Result<Snippet> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    sdb::get_visible(&*app.conn()?, s.id, id)?.ok_or(Error::NotFound)
}

/// Whether `s` may change or delete the snippet: their own personal one; a shared one if admin.
pub fn may_edit(s: &StaffMember, snippet: &Snippet) -> bool {
    if snippet.shared {
        s.role == Role::Admin
    } else {
        snippet.owner_id == s.id
    }
}

fn check(s: &StaffMember, input: &SnippetInput) -> Result<()> {
    let mut errors = FieldErrors::new();
    let title = input.title.trim();
    if title.is_empty() {
        errors.add("title", m::ERR_REQUIRED);
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.add_with("title", m::ERR_TOO_LONG, vec![("max", MAX_TITLE_CHARS.to_string())]);
    }
    if input.body.trim().is_empty() {
        errors.add("body", m::ERR_REQUIRED);
    } else if input.body.chars().count() > MAX_BODY_CHARS {
        errors.add_with("body", m::ERR_TOO_LONG, vec![("max", MAX_BODY_CHARS.to_string())]);
    }
    if input.shared && s.role != Role::Admin {
        errors.add("shared", m::ERR_SNIPPET_SHARED_ADMIN);
    }
    errors.into_result()
}

pub fn create(app: &App, s: &StaffMember, input: &SnippetInput) -> Result<i64> {
    check(s, input)?;
    let text = SnippetText { title: input.title.trim(), body: input.body.trim_end(), shared: input.shared };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| sdb::insert(tx, s.id, &text, clock::now()))
}

pub fn update(app: &App, s: &StaffMember, id: &str, input: &SnippetInput) -> Result<()> {
    let snippet = get(app, s, id)?;
    if !may_edit(s, &snippet) {
        return Err(Error::Forbidden);
    }
    check(s, input)?;
    let text = SnippetText { title: input.title.trim(), body: input.body.trim_end(), shared: input.shared };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| sdb::update(tx, snippet.id, &text, clock::now()))
}

pub fn delete(app: &App, s: &StaffMember, id: &str) -> Result<()> {
    let snippet = get(app, s, id)?;
    if !may_edit(s, &snippet) {
        return Err(Error::Forbidden);
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| sdb::delete(tx, snippet.id))
}

/// The snippets `s` may use on a ticket, `(id, title, text with the placeholders filled in)`.
pub fn for_ticket(app: &App, s: &StaffMember, v: &PlaceholderValues) -> Result<Vec<(i64, String, String)>> {
    Ok(visible(app, s)?.into_iter().map(|n| (n.id, n.title, fill_placeholders(&n.body, v))).collect())
}

pub fn signature(app: &App, s: &StaffMember) -> Result<String> {
    sdb::signature(&*app.conn()?, s.id)
}

pub fn set_signature(app: &App, s: &StaffMember, text: &str) -> Result<()> {
    let text = text.trim_end();
    if text.chars().count() > MAX_SIGNATURE_CHARS {
        let mut errors = FieldErrors::new();
        errors.add_with("signature", m::ERR_TOO_LONG, vec![("max", MAX_SIGNATURE_CHARS.to_string())]);
        return Err(Error::Invalid(errors));
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| sdb::set_signature(tx, s.id, text))
}

/// A message to the customer with the author's signature below it (none: as typed).
pub fn with_signature(body: &str, signature: &str) -> String {
    let (body, signature) = (body.trim_end(), signature.trim());
    if signature.is_empty() || body.ends_with(signature) {
        body.to_string()
    } else if body.is_empty() {
        signature.to_string()
    } else {
        format!("{body}\n\n{signature}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_go_below_once() {
        assert_eq!(with_signature("Hallo\n", "Gruß, Bob"), "Hallo\n\nGruß, Bob");
        assert_eq!(with_signature("Hallo\n\nGruß, Bob", "Gruß, Bob"), "Hallo\n\nGruß, Bob");
        assert_eq!(with_signature("Hallo", "  "), "Hallo");
    }
}
