//! Just enough HTML reading for the tests: start tags with their attributes, the CSRF field of
//! a form, the options of a select, the text of an element.

/// One start tag: `<name a="b" c>`.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, Option<String>)>,
    /// Byte offset of the `<` in the page.
    pub start: usize,
    /// Byte offset just after the `>`.
    pub end: usize,
}

impl Tag {
    /// The attribute's (unescaped) value; `Some("")` for a boolean attribute.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    #[track_caller]
    pub fn attr(&self, name: &str) -> &str {
        self.get(name).unwrap_or_else(|| panic!("<{}> has no attribute {name}: {:?}", self.name, self.attrs))
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Every start tag of the page, in order.
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let ns = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = html[ns..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let ks = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !b"=>/".contains(&b[i]) {
                i += 1;
            }
            let key = html[ks..i].to_string();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i += 1;
                    let vs = i;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    let v = &html[vs..i.min(b.len())];
                    i += 1;
                    v
                } else {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &html[vs..i]
                };
                attrs.push((key, Some(unescape(value))));
            } else {
                attrs.push((key, None));
            }
        }
        out.push(Tag { name, attrs, start, end: i.min(b.len()) });
    }
    out
}

/// Start tags carrying the attribute.
pub fn with_attr(html: &str, attr: &str) -> Vec<Tag> {
    tags(html).into_iter().filter(|t| t.has(attr)).collect()
}

/// The values of an attribute wherever it occurs.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    with_attr(html, attr).into_iter().map(|t| t.attr(attr).to_string()).collect()
}

/// The first tag with `id`.
pub fn by_id(html: &str, id: &str) -> Option<Tag> {
    tags(html).into_iter().find(|t| t.get("id") == Some(id))
}

/// The markup of the form posting to `action` (from `<form` to `</form>`).
pub fn form<'a>(html: &'a str, action: &str) -> Option<&'a str> {
    let t = tags(html).into_iter().find(|t| t.name == "form" && t.get("action") == Some(action))?;
    let end = html[t.start..].find("</form>").map(|e| t.start + e)?;
    Some(&html[t.start..end])
}

/// The value of the named input inside the form posting to `action`.
pub fn form_input(html: &str, action: &str, name: &str) -> Option<String> {
    let f = form(html, action)?;
    tags(f)
        .into_iter()
        .find(|t| t.name == "input" && t.get("name") == Some(name))
        .map(|t| t.get("value").unwrap_or("").to_string())
}

pub fn form_csrf(html: &str, action: &str) -> Option<String> {
    form_input(html, action, "csrf").filter(|v| !v.is_empty())
}

/// The text directly inside the element starting with `tag` (up to its first child or end).
pub fn text_after(html: &str, tag: &Tag) -> String {
    let rest = &html[tag.end..];
    let end = rest.find('<').unwrap_or(rest.len());
    unescape(rest[..end].trim())
}

/// The whole text inside an element (tags stripped), up to the matching close tag of its name.
pub fn inner_text(html: &str, tag: &Tag) -> String {
    let close = format!("</{}>", tag.name);
    let rest = &html[tag.end..];
    let end = rest.find(&close).unwrap_or(rest.len());
    strip_tags(&rest[..end])
}

pub fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(out.split_whitespace().collect::<Vec<_>>().join(" ").as_str())
}

/// A select's options: `(value, text, selected)`.
pub fn select_options(html: &str, select_id: &str) -> Vec<(String, String, bool)> {
    let Some(sel) = by_id(html, select_id) else {
        return Vec::new();
    };
    let rest = &html[sel.start..];
    let end = rest.find("</select>").unwrap_or(rest.len());
    let inner = &rest[..end];
    tags(inner)
        .into_iter()
        .filter(|t| t.name == "option")
        .map(|t| {
            let text = text_after(inner, &t);
            (t.get("value").unwrap_or("").to_string(), text, t.has("selected"))
        })
        .collect()
}

/// The `lang` of the `<html>` element.
pub fn page_lang(html: &str) -> Option<String> {
    tags(html).into_iter().find(|t| t.name == "html").and_then(|t| t.get("lang").map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_forms_and_selects() {
        let page = r#"<!DOCTYPE html><html lang="de"><body>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="aaa"></form>
            <form class="stack" method="post" action="/login"><input type="hidden" name="csrf" value="b&amp;b"><input name="next" value="/x"></form>
            <tr data-ticket="2026-00001" data-status="open" data-minutes="0"><td>x</td></tr>
            <select id="f-year" name="year"><option value="">Alle</option><option value="2025" selected>2025 (3)</option></select>
            <input autofocus type=text>
        </body></html>"#;
        assert_eq!(page_lang(page).as_deref(), Some("de"));
        assert_eq!(form_csrf(page, "/login").as_deref(), Some("b&b"));
        assert_eq!(form_csrf(page, "/logout").as_deref(), Some("aaa"));
        assert_eq!(form_input(page, "/login", "next").as_deref(), Some("/x"));
        assert_eq!(form_csrf(page, "/nope"), None);
        let rows = with_attr(page, "data-ticket");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].attr("data-status"), "open");
        let opts = select_options(page, "f-year");
        assert_eq!(opts[1], ("2025".to_string(), "2025 (3)".to_string(), true));
        let input = tags(page).into_iter().find(|t| t.has("autofocus")).unwrap();
        assert_eq!(input.get("type"), Some("text"));
    }
}
