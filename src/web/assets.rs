//! `GET /assets/…`: the embedded files and the theme (see `crate::assets`) with ETags; hashed
//! names are cached for a year, plain names revalidate.

use std::borrow::Cow;

use rouille::{Request, Response};

use crate::app::App;
use crate::assets::embedded;

// `cli` checks the theme's contrast at start through this path.
pub use crate::assets::contrast_warnings;

/// The embedded bytes are `'static`: they go out as they are (one copy, into the socket's
/// buffer), and nothing is copied for a `304`.
fn respond(
    req: &Request,
    data: impl FnOnce() -> Cow<'static, [u8]>,
    ctype: &str,
    etag: &str,
    immutable: bool,
) -> Response {
    let etag = format!("\"{etag}\"");
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=0, must-revalidate" };
    let matches =
        req.header("If-None-Match").is_some_and(|h| h.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let r = if matches {
        Response { status_code: 304, headers: vec![], data: rouille::ResponseBody::empty(), upgrade: None }
    } else {
        let data = data();
        let len = data.len();
        Response {
            status_code: 200,
            headers: vec![("Content-Type".into(), ctype.to_string().into())],
            data: rouille::ResponseBody::from_reader_and_size(std::io::Cursor::new(data), len),
            upgrade: None,
        }
    };
    r.with_unique_header("Cache-Control", cache).with_unique_header("ETag", etag)
}

/// `GET /assets/<path>`; `None` when there is no such asset.
pub fn serve(app: &App, req: &Request, path: &str) -> Option<Response> {
    // `theme.<hash>.css` (what pages link) or `theme.css`; an old or missing hash still gets the
    // current theme, but revalidated instead of cached for a year.
    if let Some(rest) = path.strip_prefix("theme.").and_then(|r| r.strip_suffix("css")) {
        let immutable = rest.strip_suffix('.') == Some(app.theme().hash.as_str());
        return Some(respond(
            req,
            || Cow::Owned(app.theme().css.clone().into_bytes()),
            "text/css; charset=utf-8",
            &app.theme().hash,
            immutable,
        ));
    }
    if let Some(h) = path.strip_prefix("logo.") {
        let theme = app.theme();
        let (data, ctype, hash) = theme.logo.as_ref()?;
        return Some(respond(req, || Cow::Owned(data.clone()), ctype, hash, h == hash));
    }
    let file = embedded(path)?;
    Some(respond(req, || file.data, file.content_type, file.hash, file.immutable))
}
