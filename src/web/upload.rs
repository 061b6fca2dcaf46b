//! Streaming multipart parsing for forms that carry files. The one module that touches the
//! `multipart` crate for uploads (it is unmaintained; keep its use here).
//!
//! Limits are decided from `Content-Length` when it allows, and enforced while counting bytes:
//! the request as a whole, each file, and the number of files. A body that ends without the
//! closing boundary is treated as truncated: nothing of it is kept.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

use rouille::Request;

use crate::app::attachments::{Uploader, CHUNK};
use crate::config::Attachments;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::m;
use crate::model::Form;
use crate::web::form::{body_error, multipart_boundary, read_form};

/// Counts bytes, fails past the limit, and remembers the last bytes seen so the closing
/// boundary can be checked after the parser is done.
struct Guarded<R> {
    inner: R,
    count: u64,
    limit: u64,
    tail: Rc<RefCell<Vec<u8>>>,
    tail_len: usize,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(std::io::Error::other(super::form::TOO_LARGE));
        }
        let got = &buf[..n];
        let mut tail = self.tail.borrow_mut();
        tail.extend_from_slice(&got[got.len().saturating_sub(self.tail_len)..]);
        let excess = tail.len().saturating_sub(self.tail_len);
        tail.drain(..excess);
        Ok(n)
    }
}

fn io_error(e: &std::io::Error) -> Error {
    body_error(e, m::ERR_UPLOAD_INCOMPLETE)
}

/// Reads `buf` full from `r`, or up to its end; returns the bytes read.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A form with files, read to its end: complete, or refused because a file broke a limit (too
/// large, too many). A refused form still holds every text field — the whole body was read,
/// the files' bytes dropped — so the page can come back with what was typed (issue 19).
pub enum Upload {
    Complete(Form),
    Refused { form: Form, errors: FieldErrors },
}

/// "25 MB": the per-file limit as people say it (the hint under the input has the exact form).
fn megabytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{} MB", bytes.div_ceil(MIB))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Reads a form that may carry files under the field name `attachments`, storing each file as
/// it streams in through `up`. urlencoded bodies are read as plain forms. A file over
/// `max_file_bytes`, or one past `max_files_per_request`, makes the answer `Upload::Refused`:
/// nothing more is stored, the rest of the body is still read for its text fields, and the
/// files stored so far are dropped with `up`.
pub fn read_upload(req: &Request, limits: &Attachments, form_limit: u64, up: &mut Uploader) -> Result<Upload> {
    let ctype = req.header("Content-Type").unwrap_or("");
    if !ctype.to_ascii_lowercase().starts_with("multipart/form-data") {
        return read_form(req, form_limit, limits.max_request_bytes.0).map(Upload::Complete);
    }
    let max_request = limits.max_request_bytes.0;
    if req.header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()).is_some_and(|n| n > max_request) {
        return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
    }
    let boundary = multipart_boundary(ctype).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
    let body = super::http::body(req).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
    let closing = format!("--{boundary}--");
    let tail = Rc::new(RefCell::new(Vec::new()));
    let guarded =
        Guarded { inner: body, count: 0, limit: max_request, tail: tail.clone(), tail_len: closing.len() + 256 };
    let mut mp = multipart::server::Multipart::with_body(guarded, boundary);
    let mut fields = Vec::new();
    let mut text_total = 0u64;
    let mut files = 0usize;
    let mut refused = FieldErrors::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let entry = mp.read_entry().map_err(|e| io_error(&e))?;
        let Some(mut field) = entry else { break };
        let name = field.headers.name.to_string();
        if let Some(file_name) = field.headers.filename.clone() {
            let n = fill(&mut field.data, &mut buf).map_err(|e| io_error(&e))?;
            if n == 0 && file_name.is_empty() {
                continue; // a file input left empty
            }
            if name != "attachments" {
                return Err(Error::BadRequest(m::ERR_NO_FILES_HERE));
            }
            files += 1;
            if files > limits.max_files_per_request {
                refused.add_with(
                    "attachments",
                    m::ERR_TOO_MANY_FILES_KEPT,
                    vec![("count", limits.max_files_per_request.to_string())],
                );
            }
            if !refused.is_empty() {
                skip(&mut field.data)?;
                continue;
            }
            let declared = field.headers.content_type.as_ref().map(|m| m.to_string()).unwrap_or_default();
            let mut r = up.begin(&file_name, &declared)?;
            let mut n = n;
            loop {
                if Uploader::size_of(&r) + n as u64 > limits.max_file_bytes.0 {
                    refused.add_with(
                        "attachments",
                        m::ERR_FILE_TOO_LARGE_KEPT,
                        vec![
                            ("name", crate::model::clean_file_name(&file_name)),
                            ("size", megabytes(limits.max_file_bytes.0)),
                        ],
                    );
                    skip(&mut field.data)?;
                    break;
                }
                up.write(&mut r, &buf[..n])?;
                if n < buf.len() {
                    break;
                }
                n = fill(&mut field.data, &mut buf).map_err(|e| io_error(&e))?;
                if n == 0 {
                    break;
                }
            }
            if refused.is_empty() {
                up.finish(r);
            }
        } else {
            let value = read_text_field(&mut field.data, form_limit.saturating_sub(text_total))?;
            text_total += value.len() as u64;
            fields.push((name, value));
        }
    }
    // The parser also stops quietly on a body cut short: only the closing boundary proves the
    // whole form arrived.
    drop(mp);
    ends_with_closing_boundary(&tail.borrow(), &closing)?;
    let form = Form::from_pairs(fields);
    Ok(if refused.is_empty() { Upload::Complete(form) } else { Upload::Refused { form, errors: refused } })
}

/// Reads and drops the rest of a refused file (the request limit still counts every byte).
fn skip(data: &mut impl Read) -> Result<()> {
    std::io::copy(data, &mut std::io::sink()).map_err(|e| io_error(&e))?;
    Ok(())
}

/// A form with one file (`file_field`) read into memory, for the customer import: text fields
/// within `form_limit`, the file within `max_file` (else `413` with `too_large`). A urlencoded
/// body is read as a plain form without a file.
pub fn read_file_form(
    req: &Request,
    form_limit: u64,
    file_field: &str,
    max_file: u64,
    too_large: crate::i18n::Msg,
) -> Result<(Form, Option<Vec<u8>>)> {
    let ctype = req.header("Content-Type").unwrap_or("");
    if !ctype.to_ascii_lowercase().starts_with("multipart/form-data") {
        return read_form(req, form_limit, form_limit).map(|f| (f, None));
    }
    let max_request = max_file + form_limit + 64 * 1024;
    if req.header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()).is_some_and(|n| n > max_request) {
        return Err(Error::TooLarge(too_large));
    }
    let boundary = multipart_boundary(ctype).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
    let body = super::http::body(req).ok_or(Error::BadRequest(m::ERR_BAD_FORM))?;
    let closing = format!("--{boundary}--");
    let tail = Rc::new(RefCell::new(Vec::new()));
    let guarded =
        Guarded { inner: body, count: 0, limit: max_request, tail: tail.clone(), tail_len: closing.len() + 256 };
    let mut mp = multipart::server::Multipart::with_body(guarded, boundary);
    let mut fields = Vec::new();
    let mut file = None;
    let mut text_total = 0u64;
    loop {
        let entry = mp.read_entry().map_err(|e| io_error(&e))?;
        let Some(mut field) = entry else { break };
        let name = field.headers.name.to_string();
        if field.headers.filename.is_some() {
            if name != file_field || file.is_some() {
                return Err(Error::BadRequest(m::ERR_NO_FILES_HERE));
            }
            let mut data = Vec::new();
            let n = field.data.by_ref().take(max_file + 1).read_to_end(&mut data).map_err(|e| io_error(&e))?;
            if n as u64 > max_file {
                return Err(Error::TooLarge(too_large));
            }
            file = Some(data).filter(|d| !d.is_empty());
        } else {
            let value = read_text_field(&mut field.data, form_limit.saturating_sub(text_total))?;
            text_total += value.len() as u64;
            fields.push((name, value));
        }
    }
    drop(mp);
    ends_with_closing_boundary(&tail.borrow(), &closing)?;
    Ok((Form::from_pairs(fields), file))
}

/// A text field of a multipart form, at most `cap` bytes (more: `413`), as UTF-8 (else `400`).
fn read_text_field(data: &mut impl Read, cap: u64) -> Result<String> {
    let mut value = Vec::new();
    let n = data.take(cap + 1).read_to_end(&mut value).map_err(|e| io_error(&e))?;
    if n as u64 > cap {
        return Err(Error::TooLarge(m::ERR_BODY_TOO_LARGE));
    }
    String::from_utf8(value).map_err(|_| Error::BadRequest(m::ERR_BAD_FORM))
}

/// The parser stops quietly on a body cut short: only the closing boundary in what was read
/// last proves the whole form arrived (else `400`).
fn ends_with_closing_boundary(tail: &[u8], closing: &str) -> Result<()> {
    if tail.windows(closing.len()).any(|w| w == closing.as_bytes()) {
        Ok(())
    } else {
        Err(Error::BadRequest(m::ERR_UPLOAD_INCOMPLETE))
    }
}
