//! File downloads: streamed, with `Range`, an ETag from the content hash, and headers that keep
//! a browser from ever rendering an upload as a page.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rouille::{Response, ResponseBody};

use crate::app::attachments;
use crate::error::{Error, Result};
use crate::model::Scope;
use crate::web::Ctx;

/// `filename="ascii"; filename*=UTF-8''percent-encoded` — safe in a header whatever the name.
pub fn content_disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' && c != ';' || c == ' ' { c } else { '_' })
        .collect();
    // Letters, digits and `-._~` stay (all within RFC 5987's attr-char); the rest is %XX.
    const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let encoded = utf8_percent_encode(name, ATTR_CHAR);
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range; anything else means the whole file).
pub fn parse_range(header: &str, size: u64) -> Option<(u64, Option<u64>)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return Some((size, None)); // unsatisfiable
        }
        return Some((size.saturating_sub(n), None));
    }
    let start: u64 = a.parse().ok()?;
    let end = if b.is_empty() { None } else { Some(b.parse().ok()?) };
    if end.is_some_and(|e| e < start) {
        return None;
    }
    Some((start, end))
}

pub fn download(ctx: &mut Ctx, scope: Scope, number: &str, id: &str) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    // The size is needed to read `bytes=-n`; open once without a range to learn it.
    let range_header = ctx.req.header("Range").map(str::to_string);
    let want_inline = ctx.query("inline").as_deref() == Some("1");
    let probe = attachments::open(ctx.app, scope, number, id, None)?;
    let a = probe.attachment.clone();
    let size = a.size.max(0) as u64;
    let etag = format!("\"{}\"", a.sha256.clone().unwrap_or_default());
    if ctx.req.header("If-None-Match").is_some_and(|h| h.split(',').any(|t| t.trim() == etag)) {
        return Ok(Response {
            status_code: 304,
            headers: vec![("ETag".into(), etag.into())],
            data: ResponseBody::empty(),
            upgrade: None,
        });
    }
    let range = range_header.as_deref().and_then(|h| parse_range(h, size));
    let (dl, status) = match range {
        Some(r) => {
            drop(probe);
            match attachments::open(ctx.app, scope, number, id, Some(r)) {
                Ok(d) => (d, 206),
                Err(Error::RangeNotSatisfiable(n)) => {
                    return Ok(Response::text("range not satisfiable\n")
                        .with_status_code(416)
                        .with_additional_header("Content-Range", format!("bytes */{n}")));
                }
                Err(e) => return Err(e),
            }
        }
        None => (probe, 200),
    };
    let len = match dl.range {
        Some((s, e)) => e - s + 1,
        None => size,
    };
    // Only raster images whose bytes matched their type are ever shown inline.
    let inline = want_inline && a.previewable;
    let ctype = if inline { a.media_type.clone() } else { "application/octet-stream".to_string() };
    let mut r = Response {
        status_code: status,
        headers: vec![
            ("Content-Type".into(), ctype.into()),
            (
                "Content-Disposition".into(),
                content_disposition(if inline { "inline" } else { "attachment" }, &a.file_name).into(),
            ),
            (
                "Content-Security-Policy".into(),
                "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'".into(),
            ),
            ("ETag".into(), etag.into()),
            ("Accept-Ranges".into(), "bytes".into()),
            ("Cache-Control".into(), "private, no-cache".into()),
        ],
        data: ResponseBody::from_reader_and_size(dl.reader, len as usize),
        upgrade: None,
    };
    if let Some((s, e)) = dl.range {
        r.headers.push(("Content-Range".into(), format!("bytes {s}-{e}/{size}").into()));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_are_header_safe() {
        let d = content_disposition("attachment", "Bericht \"final\"\r\nX: ü.pdf");
        assert!(!d.contains('\r') && !d.contains('\n'));
        assert!(
            d.starts_with("attachment; filename=\"Bericht _final___X: _.pdf\"") || d.contains("filename=\""),
            "{d}"
        );
        assert!(d.contains("filename*=UTF-8''Bericht%20%22final%22%0D%0AX%3A%20%C3%BC.pdf"), "{d}");
        let d = content_disposition("inline", "a-b_c.d~e+f");
        assert!(d.ends_with("filename*=UTF-8''a-b_c.d~e%2Bf"), "{d}");
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some((0, Some(99))));
        assert_eq!(parse_range("bytes=500-", 1000), Some((500, None)));
        assert_eq!(parse_range("bytes=-100", 1000), Some((900, None)));
        assert_eq!(parse_range("bytes=5-1", 1000), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
    }
}
