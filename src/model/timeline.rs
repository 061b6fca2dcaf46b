//! The activities of one timeline page as the ticket page reads them: every text in one buffer.
//!
//! A ticket page shows up to 1,000 activities; as [`Activity`] values each has a `String` per
//! text column (author, body, e-mail headers, old and new value), allocated when the row is read
//! and freed when the page is done (~7 % of a ticket with 1,000 activities). [`ActivityRows`]
//! copies the texts into one `String` and keeps ranges; [`ActivityRef`] is an entry borrowed
//! from it, with the fields of [`Activity`] (texts as `&str`). The JSON API and exports keep
//! using [`Activity`] (`ActivityRef::to_owned`).

use super::{Activity, ActivityKind, AuthorKind};

/// One activity borrowed from [`ActivityRows`] (or from an [`Activity`]): the same fields.
#[derive(Debug, Clone, Copy)]
pub struct ActivityRef<'a> {
    pub id: i64,
    pub kind: ActivityKind,
    pub internal: bool,
    pub author_kind: AuthorKind,
    pub author_name: &'a str,
    pub contact_id: Option<i64>,
    pub body: &'a str,
    pub minutes: i64,
    pub email_from: Option<&'a str>,
    pub email_to: Option<&'a str>,
    pub email_subject: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub created_at: i64,
}

impl ActivityRef<'_> {
    pub fn to_owned(&self) -> Activity {
        let own = |s: Option<&str>| s.map(str::to_string);
        Activity {
            id: self.id,
            kind: self.kind,
            internal: self.internal,
            author_kind: self.author_kind,
            author_name: self.author_name.to_string(),
            contact_id: self.contact_id,
            body: self.body.to_string(),
            minutes: self.minutes,
            email_from: own(self.email_from),
            email_to: own(self.email_to),
            email_subject: own(self.email_subject),
            old_value: own(self.old_value),
            new_value: own(self.new_value),
            created_at: self.created_at,
        }
    }
}

impl Activity {
    pub fn as_ref(&self) -> ActivityRef<'_> {
        ActivityRef {
            id: self.id,
            kind: self.kind,
            internal: self.internal,
            author_kind: self.author_kind,
            author_name: &self.author_name,
            contact_id: self.contact_id,
            body: &self.body,
            minutes: self.minutes,
            email_from: self.email_from.as_deref(),
            email_to: self.email_to.as_deref(),
            email_subject: self.email_subject.as_deref(),
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            created_at: self.created_at,
        }
    }
}

/// A byte range of [`ActivityRows::texts`]; `NONE`: no text (`NULL`).
type Span = (u32, u32);
const NONE: Span = (0, u32::MAX);

#[derive(Debug, Clone, Copy)]
struct Row {
    fields: ActivityFields,
    /// author_name, body, email_from, email_to, email_subject, old_value, new_value.
    texts: [Span; 7],
}

/// Activities in order, their texts in one buffer.
#[derive(Debug, Clone, Default)]
pub struct ActivityRows {
    texts: String,
    rows: Vec<Row>,
}

impl ActivityRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows in the opposite order (their texts stay where they are).
    pub fn reverse(&mut self) {
        self.rows.reverse();
    }

    /// Drops the first row (its text stays in the buffer, unused).
    pub fn remove_first(&mut self) {
        if !self.rows.is_empty() {
            self.rows.remove(0);
        }
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.texts.clear();
    }

    fn text(&self, (a, b): Span) -> Option<&str> {
        if (a, b) == NONE {
            return None;
        }
        Some(self.texts.get(a as usize..b as usize).unwrap_or(""))
    }

    fn entry(&self, r: &Row) -> ActivityRef<'_> {
        let t = |i: usize| self.text(r.texts[i]);
        ActivityRef {
            id: r.fields.id,
            kind: r.fields.kind,
            internal: r.fields.internal,
            author_kind: r.fields.author_kind,
            author_name: t(0).unwrap_or(""),
            contact_id: r.fields.contact_id,
            body: t(1).unwrap_or(""),
            minutes: r.fields.minutes,
            email_from: t(2),
            email_to: t(3),
            email_subject: t(4),
            old_value: t(5),
            new_value: t(6),
            created_at: r.fields.created_at,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = ActivityRef<'_>> + '_ {
        self.rows.iter().map(|r| self.entry(r))
    }

    /// Owned copies, for the JSON API.
    pub fn to_vec(&self) -> Vec<Activity> {
        self.iter().map(|a| a.to_owned()).collect()
    }
}

/// [`ActivityRows`] filled from texts as bytes (as SQLite hands them out), checked as UTF-8
/// once for the whole buffer in [`finish`](Self::finish) instead of once per text (five checks
/// a row, ~6 % of a ticket with 1,000 activities, most of it the checks' fixed cost).
#[derive(Debug, Default)]
pub struct ActivityRowsBuilder {
    texts: Vec<u8>,
    rows: Vec<Row>,
}

/// An activity as [`ActivityRowsBuilder::push`] takes it: the fields of [`ActivityRef`] but
/// its texts, which come as bytes beside it.
#[derive(Debug, Clone, Copy)]
pub struct ActivityFields {
    pub id: i64,
    pub kind: ActivityKind,
    pub internal: bool,
    pub author_kind: AuthorKind,
    pub contact_id: Option<i64>,
    pub minutes: i64,
    pub created_at: i64,
}

impl ActivityRowsBuilder {
    /// Room for `rows` activities with `text_bytes` bytes of text in all.
    pub fn with_capacity(rows: usize, text_bytes: usize) -> ActivityRowsBuilder {
        ActivityRowsBuilder { texts: Vec::with_capacity(text_bytes), rows: Vec::with_capacity(rows) }
    }

    /// Appends an activity; `texts`: author_name, body, email_from, email_to, email_subject,
    /// old_value, new_value (`None`: `NULL`; author and body read as `""` then). Texts beyond
    /// 4 GiB in all are not kept (`""`; a page never comes near).
    pub fn push(&mut self, a: ActivityFields, texts: [Option<&[u8]>; 7]) {
        let mut spans = [NONE; 7];
        for (span, text) in spans.iter_mut().zip(texts) {
            let Some(s) = text else { continue };
            let start = self.texts.len();
            *span = match (u32::try_from(start), u32::try_from(start + s.len())) {
                (Ok(a), Ok(b)) if b != u32::MAX => {
                    self.texts.extend_from_slice(s);
                    (a, b)
                }
                _ => (0, 0),
            };
        }
        self.rows.push(Row { fields: a, texts: spans });
    }

    /// Appends a copy of `a`.
    pub fn push_ref(&mut self, a: ActivityRef<'_>) {
        let fields = ActivityFields {
            id: a.id,
            kind: a.kind,
            internal: a.internal,
            author_kind: a.author_kind,
            contact_id: a.contact_id,
            minutes: a.minutes,
            created_at: a.created_at,
        };
        let texts =
            [Some(a.author_name), Some(a.body), a.email_from, a.email_to, a.email_subject, a.old_value, a.new_value];
        self.push(fields, texts.map(|t| t.map(str::as_bytes)));
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, their texts checked as UTF-8 at once (and each text's ends as character
    /// boundaries); `Err`: a text is not UTF-8.
    pub fn finish(self) -> Result<ActivityRows, std::str::Utf8Error> {
        let texts = match String::from_utf8(self.texts) {
            Ok(t) => t,
            Err(e) => return Err(e.utf8_error()),
        };
        // A text cut inside a character is not UTF-8 on its own, though the whole buffer is.
        for r in &self.rows {
            for &(a, b) in &r.texts {
                if (a, b) != NONE && !(texts.is_char_boundary(a as usize) && texts.is_char_boundary(b as usize)) {
                    std::str::from_utf8(texts.as_bytes().get(a as usize..b as usize).unwrap_or_default())?;
                }
            }
        }
        Ok(ActivityRows { texts, rows: self.rows })
    }
}

impl From<&[Activity]> for ActivityRows {
    fn from(all: &[Activity]) -> ActivityRows {
        let mut rows = ActivityRowsBuilder::with_capacity(all.len(), 0);
        for a in all {
            rows.push_ref(a.as_ref());
        }
        // Texts from `String`s are UTF-8 and cut at character boundaries: `finish` cannot fail.
        rows.finish().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_back_what_was_pushed() {
        let a = |id: i64, body: &str, from: Option<&str>| Activity {
            id,
            kind: ActivityKind::Email,
            internal: id % 2 == 0,
            author_kind: AuthorKind::Staff,
            author_name: format!("Bea {id}"),
            contact_id: Some(id),
            body: body.into(),
            minutes: id * 3,
            email_from: from.map(Into::into),
            email_to: None,
            email_subject: Some(String::new()),
            old_value: Some("ä <x>".into()),
            new_value: None,
            created_at: 1_700_000_000 + id,
        };
        let all = vec![a(1, "Grüße", Some("a@b")), a(2, "", None), a(3, "x\ny", Some(""))];
        let mut rows = ActivityRows::from(&all[..]);
        assert_eq!(format!("{:?}", rows.to_vec()), format!("{all:?}"));
        rows.reverse();
        rows.remove_first();
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        assert_eq!(ids, [2, 1]);
        assert_eq!(format!("{:?}", rows.iter().nth(1).map(|a| a.to_owned())), format!("{:?}", Some(&all[0])));
        assert_eq!(rows.len(), 2);
        rows.clear();
        assert!(rows.is_empty());

        // Built from bytes: the same rows; UTF-8 checked once, and per text at its ends.
        let mut b = ActivityRowsBuilder::with_capacity(0, 0);
        for a in &all {
            b.push_ref(a.as_ref());
        }
        assert_eq!(b.len(), 3);
        assert_eq!(format!("{:?}", b.finish().map(|r| r.to_vec())), format!("{:?}", Ok::<_, ()>(all.clone())));
        let fields = ActivityFields {
            id: 1,
            kind: ActivityKind::Message,
            internal: false,
            author_kind: AuthorKind::Customer,
            contact_id: None,
            minutes: 0,
            created_at: 0,
        };
        let split = "ü".as_bytes();
        let mut b = ActivityRowsBuilder::default();
        b.push(fields, [Some(&split[..1]), Some(&split[1..]), None, None, None, None, None]);
        assert!(b.finish().is_err(), "a character cut between two texts");
        let mut b = ActivityRowsBuilder::default();
        b.push(fields, [Some(b"\xff"), None, None, None, None, None, None]);
        assert!(b.finish().is_err());
        let mut b = ActivityRowsBuilder::default();
        b.push(fields, [None, None, Some(b""), None, None, None, None]);
        let rows = b.finish().expect("utf-8");
        let a = rows.iter().next().expect("one");
        assert_eq!((a.author_name, a.body, a.email_from, a.email_to), ("", "", Some(""), None));
    }
}
