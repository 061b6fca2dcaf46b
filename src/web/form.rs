//! Request bodies, read with a cap enforced while reading. urlencoded and multipart forms both
//! end up as a [`Form`] (in `model`, so views can show it again). Multipart is parsed as a stream; nothing reads a whole body unbounded.

use std::io::Read;

use rouille::Request;

use crate::error::{Error, Result};
use crate::i18n::m;
use crate::model::Form;

/// Reads at most `limit` bytes; one more means the body is too large.
fn read_capped(mut body: impl Read, limit: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let n = body.by_ref().take(limit + 1).read_to_end(&mut buf).map_err(|_| Error::BadRequest(m::ERR_BAD_FORM))?;
    if n as u64 > limit {
        return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
    }
    Ok(buf)
}

fn content_length(req: &Request) -> Option<u64> {
    req.header("Content-Length").and_then(|v| v.trim().parse().ok())
}

/// Reads a form body: urlencoded up to `security.max_form_bytes`, multipart up to the
/// attachment request limit (file parts are refused here; uploads have their own path).
pub fn read_form(req: &Request, form_limit: u64, multipart_limit: u64) -> Result<Form> {
    let ctype = req.header("Content-Type").unwrap_or("").to_ascii_lowercase();
    if ctype.starts_with("multipart/form-data") {
        if content_length(req).is_some_and(|n| n > multipart_limit) {
            return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
        }
        let boundary =
            multipart_boundary(req.header("Content-Type").unwrap_or("")).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
        let body = super::http::body(req).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
        return read_multipart_text(body.take(multipart_limit + 1), &boundary, form_limit, multipart_limit);
    }
    if content_length(req).is_some_and(|n| n > form_limit) {
        return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
    }
    let body = super::http::body(req).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
    let raw = read_capped(body, form_limit)?;
    let text = String::from_utf8(raw).map_err(|_| Error::BadRequest(m::ERR_BAD_FORM))?;
    Ok(Form::from_pairs(parse_urlencoded(&text)))
}

pub fn multipart_boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let p = p.trim();
        let v = p.strip_prefix("boundary=").or_else(|| p.strip_prefix("BOUNDARY="))?;
        let v = v.trim_matches('"');
        (!v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

/// Text fields of a multipart body. An empty file part (a file input left empty) is skipped;
/// a file with content is refused until the route accepts attachments.
fn read_multipart_text(body: impl Read, boundary: &str, text_limit: u64, limit: u64) -> Result<Form> {
    let counted = CountingReader { inner: body, count: 0, limit };
    let mut mp = multipart::server::Multipart::with_body(counted, boundary);
    let mut fields = Vec::new();
    let mut text_total = 0u64;
    loop {
        let entry = mp.read_entry().map_err(|e| body_error(&e, m::ERR_BAD_FORM))?;
        let Some(mut field) = entry else { break };
        let name = field.headers.name.to_string();
        let is_file = field.headers.filename.is_some();
        let mut buf = Vec::new();
        let cap = text_limit.saturating_sub(text_total);
        let n = field.data.by_ref().take(cap + 1).read_to_end(&mut buf).map_err(|e| body_error(&e, m::ERR_BAD_FORM))?;
        if n as u64 > cap {
            return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
        }
        if is_file {
            if buf.is_empty() {
                continue;
            }
            return Err(Error::BadRequest(m::ERR_NO_FILES_HERE));
        }
        text_total += n as u64;
        let value = String::from_utf8(buf).map_err(|_| Error::BadRequest(m::ERR_BAD_FORM))?;
        fields.push((name, value));
    }
    Ok(Form::from_pairs(fields))
}

/// A form that may carry one file under `file_field` (the settings page's logo): its text
/// fields, and the file's bytes when one was chosen. A file over `file_limit` comes back cut at
/// `file_limit + 1` bytes, so the use-case refuses it with its own message at the field.
pub fn read_form_with_file(
    req: &Request,
    form_limit: u64,
    file_field: &str,
    file_limit: u64,
) -> Result<(Form, Option<Vec<u8>>)> {
    let ctype = req.header("Content-Type").unwrap_or("");
    let Some(boundary) = multipart_boundary(ctype).filter(|_| ctype.to_ascii_lowercase().starts_with("multipart/"))
    else {
        return read_form(req, form_limit, form_limit).map(|f| (f, None));
    };
    let limit = form_limit + file_limit + 64 * 1024;
    if content_length(req).is_some_and(|n| n > limit) {
        return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
    }
    let body = super::http::body(req).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
    let counted = CountingReader { inner: body.take(limit + 1), count: 0, limit };
    let mut mp = multipart::server::Multipart::with_body(counted, boundary.as_str());
    let (mut fields, mut file) = (Vec::new(), None);
    let mut text_total = 0u64;
    loop {
        let entry = mp.read_entry().map_err(|e| body_error(&e, m::ERR_BAD_FORM))?;
        let Some(mut field) = entry else { break };
        let name = field.headers.name.to_string();
        let mut buf = Vec::new();
        if field.headers.filename.is_some() {
            if name != file_field {
                return Err(Error::BadRequest(m::ERR_NO_FILES_HERE));
            }
            let _ = field
                .data
                .by_ref()
                .take(file_limit + 1)
                .read_to_end(&mut buf)
                .map_err(|e| body_error(&e, m::ERR_BAD_FORM))?;
            std::io::copy(&mut field.data, &mut std::io::sink()).map_err(|e| body_error(&e, m::ERR_BAD_FORM))?;
            if !buf.is_empty() {
                file = Some(buf);
            }
            continue;
        }
        let cap = form_limit.saturating_sub(text_total);
        let n = field.data.by_ref().take(cap + 1).read_to_end(&mut buf).map_err(|e| body_error(&e, m::ERR_BAD_FORM))?;
        if n as u64 > cap {
            return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
        }
        text_total += n as u64;
        fields.push((name, String::from_utf8(buf).map_err(|_| Error::BadRequest(m::ERR_BAD_FORM))?));
    }
    Ok((Form::from_pairs(fields), file))
}

pub const TOO_LARGE: &str = "request body too large";

/// The error for a body that could not be read: over a limit (`413`), too slow (`408`, see
/// `web::http`), else unreadable (`400` with `otherwise`).
pub fn body_error(e: &std::io::Error, otherwise: crate::i18n::Msg) -> Error {
    match e.kind() {
        std::io::ErrorKind::Other if e.to_string() == TOO_LARGE => Error::TooLarge(m::ERR_BODY_TOO_LARGE),
        std::io::ErrorKind::TimedOut => Error::TooSlow(m::ERR_TOO_SLOW),
        _ => Error::BadRequest(otherwise),
    }
}

/// Counts bytes as they pass and fails once more than `limit` went through.
struct CountingReader<R> {
    inner: R,
    count: u64,
    limit: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(std::io::Error::other(TOO_LARGE));
        }
        Ok(n)
    }
}

/// `a=1&b=Hallo+Welt` as pairs, decoded (`+` is a space, `%XX` a byte, invalid UTF-8 replaced);
/// a malformed escape stays as it is.
pub fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(s.as_bytes()).into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_round_trip() {
        let pairs = parse_urlencoded("a=1&b=Hallo+Welt&c=%C3%BC%26&d&e=%zz&f=%");
        assert_eq!(pairs[0], ("a".into(), "1".into()));
        assert_eq!(pairs[1], ("b".into(), "Hallo Welt".into()));
        assert_eq!(pairs[2], ("c".into(), "ü&".into()));
        assert_eq!(pairs[3], ("d".into(), "".into()));
        assert_eq!(pairs[4], ("e".into(), "%zz".into()));
        assert_eq!(pairs[5], ("f".into(), "%".into()));
        // What `model::url_encode` writes comes back whole.
        let text = "/tickets?year=2025&q=ä b+c%";
        let encoded = format!("next={}", crate::model::url_encode(text));
        assert_eq!(parse_urlencoded(&encoded), vec![("next".to_string(), text.to_string())]);
    }

    #[test]
    fn multipart_text_fields() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nDrucker\r\n\
                    --XX\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"\"\r\n\
                    Content-Type: application/octet-stream\r\n\r\n\r\n--XX--\r\n";
        let f = read_multipart_text(body.as_bytes(), "XX", 1000, 10_000).unwrap();
        assert_eq!(f.get("subject"), Some("Drucker"));
        assert_eq!(f.get("attachments"), None);
    }

    #[test]
    fn boundary_parsing() {
        assert_eq!(multipart_boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(multipart_boundary("multipart/form-data; boundary=\"a b\"").as_deref(), Some("a b"));
        assert_eq!(multipart_boundary("multipart/form-data"), None);
    }
}
