//! A tiny HTTP/1.1 client over `TcpStream`: one request per connection (`Connection: close`),
//! a cookie jar, urlencoded and multipart bodies. Only ever talks to 127.0.0.1.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::html;

/// One answer, read completely.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `Location` header; panics with the status when there is none.
    pub fn location(&self) -> &str {
        self.header("Location").unwrap_or_else(|| panic!("no Location header in a {} answer", self.status))
    }

    /// The `Set-Cookie` header for one cookie name.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.headers_all("Set-Cookie")
            .into_iter()
            .find(|c| c.split(';').next().and_then(|p| p.split_once('=')).map(|(k, _)| k.trim()) == Some(name))
    }

    /// Asserts the status; on mismatch shows the start of the body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Resp {
        if self.status != status {
            let text = self.text();
            let shown: String = text.chars().take(3000).collect();
            panic!("expected status {status}, got {}\nheaders: {:?}\nbody: {shown}", self.status, self.headers);
        }
        self
    }

    /// Asserts a 303 to exactly `path` (ignoring a `#fragment`).
    #[track_caller]
    pub fn expect_redirect(&self, path: &str) -> &Resp {
        self.expect(303);
        let loc = self.location();
        let without_fragment = loc.split('#').next().unwrap_or(loc);
        assert_eq!(without_fragment, path, "Location of the 303");
        self
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    pub addr: SocketAddr,
    /// Cookies as the browser keeps them: name → value.
    pub cookies: Vec<(String, String)>,
    /// Sent with every request (e.g. `Accept-Language`).
    pub default_headers: Vec<(String, String)>,
}

/// A file to upload in a multipart body.
pub struct Upload<'a> {
    pub field: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        assert!(addr.ip().is_loopback(), "tests only talk to 127.0.0.1");
        Client { addr, cookies: Vec::new(), default_headers: Vec::new() }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(k, _)| k != name);
        self.cookies.push((name.to_string(), value.to_string()));
    }

    pub fn header(mut self, name: &str, value: &str) -> Client {
        self.default_headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, &[], None)
    }

    pub fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        self.request("GET", path, headers, None)
    }

    /// POSTs exactly these fields, urlencoded (no CSRF token added).
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = urlencode_pairs(fields);
        self.request("POST", path, &[("Content-Type", "application/x-www-form-urlencoded")], Some(body.as_bytes()))
    }

    /// GETs `page`, takes the `csrf` of the form posting to `action`, and posts the fields with it.
    pub fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.csrf_from(page, action);
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        self.post_form(action, &all)
    }

    /// The CSRF token of the form with this action on that page.
    #[track_caller]
    pub fn csrf_from(&mut self, page: &str, action: &str) -> String {
        let r = self.get(page);
        r.expect(200);
        html::form_csrf(&r.text(), action)
            .unwrap_or_else(|| panic!("no form with action {action:?} and a csrf field on {page}"))
    }

    pub fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[Upload]) -> Resp {
        let boundary = "----ticketdItBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").unwrap();
        }
        for f in files {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                f.field, f.filename, f.content_type
            )
            .unwrap();
            body.extend_from_slice(f.data);
            body.extend_from_slice(b"\r\n");
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        let ctype = format!("multipart/form-data; boundary={boundary}");
        self.request("POST", path, &[("Content-Type", &ctype)], Some(&body))
    }

    /// POSTs a body exactly as given, with this `Content-Type`.
    pub fn post_body(&mut self, path: &str, content_type: &str, body: &[u8]) -> Resp {
        self.request("POST", path, &[("Content-Type", content_type)], Some(body))
    }

    /// The request line and headers (cookies and default headers included), up to and including
    /// the empty line; `Content-Length` only when given in `headers`.
    pub fn request_head(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (k, v) in &self.default_headers {
            if !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k)) {
                req.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self.cookies.is_empty() {
            let c: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req.push_str(&format!("Cookie: {}\r\n", c.join("; ")));
        }
        req.push_str("\r\n");
        req
    }

    /// Writes these bytes on a fresh connection as they are, then reads the whole answer.
    pub fn raw(&mut self, data: &[u8]) -> Resp {
        let mut stream = TcpStream::connect(self.addr).unwrap_or_else(|e| panic!("connect to {}: {e}", self.addr));
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
        let write_ok = stream.write_all(data).and_then(|_| stream.flush()).is_ok();
        let raw = read_answer(&mut stream);
        if raw.is_empty() {
            panic!("raw request: no answer (write ok: {write_ok})");
        }
        let resp = parse_response(&raw, false)
            .unwrap_or_else(|e| panic!("raw request: bad answer ({e}): {:?}", String::from_utf8_lossy(&raw)));
        self.store_cookies(&resp);
        resp
    }

    /// Sends one request and reads the whole answer; stores the cookies it sets.
    pub fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
        let len = body.map(|b| b.len().to_string());
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(l) = &len {
            all.push(("Content-Length", l));
        }
        let req = self.request_head(method, path, &all);
        let mut stream = TcpStream::connect(self.addr).unwrap_or_else(|e| panic!("connect to {}: {e}", self.addr));
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut out = req.into_bytes();
        if let Some(b) = body {
            out.extend_from_slice(b);
        }
        // The server may answer (413) and close before reading a large body; keep what we got.
        let write_ok = stream.write_all(&out).and_then(|_| stream.flush()).is_ok();
        let mut raw = Vec::new();
        if let Err(e) = stream.read_to_end(&mut raw) {
            if raw.is_empty() {
                panic!("{method} {path}: reading the answer failed: {e} (write ok: {write_ok})");
            }
        }
        let resp = parse_response(&raw, method == "HEAD")
            .unwrap_or_else(|e| panic!("{method} {path}: bad answer ({e}): {:?}", String::from_utf8_lossy(&raw)));
        self.store_cookies(&resp);
        resp
    }

    fn store_cookies(&mut self, resp: &Resp) {
        for c in resp.headers_all("Set-Cookie") {
            let mut parts = c.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let (name, value) = (name.trim().to_string(), value.trim().to_string());
            let expired = parts.any(|a| {
                let a = a.trim().to_ascii_lowercase();
                a == "max-age=0" || a.starts_with("max-age=-")
            });
            self.cookies.retain(|(k, _)| *k != name);
            if !expired && !value.is_empty() {
                self.cookies.push((name, value));
            }
        }
    }
}

/// Reads one answer: up to the end of its body (by `Content-Length` or the last chunk), or until
/// the server closes the connection; a server still reading a request body may keep it open.
fn read_answer(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if let Ok(resp) = parse_response(&raw, false) {
            let complete = match resp.header("Content-Length").and_then(|l| l.parse::<usize>().ok()) {
                Some(n) => resp.body.len() >= n,
                None => resp.header("Transfer-Encoding").is_some() || resp.status == 304 || resp.status == 204,
            };
            if complete {
                return raw;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return raw,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
}

/// A `multipart/form-data` body written by hand: file names go in verbatim (quotes, tabs, line
/// breaks and all), and the closing boundary is only there when asked for.
pub struct Multipart {
    pub boundary: String,
    pub body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    pub fn new() -> Multipart {
        Multipart { boundary: "----ticketdItRawBoundary4xQ9zK".to_string(), body: Vec::new() }
    }

    pub fn field(mut self, name: &str, value: &str) -> Multipart {
        write!(self.body, "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n", self.boundary)
            .unwrap();
        self
    }

    /// A file part; `filename` is written between the quotes exactly as given.
    pub fn file(mut self, field: &str, filename: &str, content_type: &str, data: &[u8]) -> Multipart {
        write!(
            self.body,
            "--{}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n",
            self.boundary
        )
        .unwrap();
        self.body.extend_from_slice(data);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// Appends the closing boundary.
    pub fn close(mut self) -> Multipart {
        write!(self.body, "--{}--\r\n", self.boundary).unwrap();
        self
    }

    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

fn parse_response(raw: &[u8], head: bool) -> Result<Resp, String> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head_text = std::str::from_utf8(&raw[..end]).map_err(|e| e.to_string())?;
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().ok_or("no status line")?;
    let mut sp = status_line.splitn(3, ' ');
    let version = sp.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(format!("not HTTP/1.x: {status_line}"));
    }
    let status: u16 =
        sp.next().and_then(|s| s.parse().ok()).ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let mut headers = Vec::new();
    for l in lines {
        let (k, v) = l.split_once(':').ok_or_else(|| format!("bad header {l:?}"))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let rest = &raw[end + 4..];
    let find = |name: &str| {
        headers.iter().find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    };
    let body = if head || status == 304 || status == 204 {
        Vec::new()
    } else if find("Transfer-Encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        dechunk(rest)?
    } else if let Some(len) = find("Content-Length") {
        let n: usize = len.parse().map_err(|_| format!("bad Content-Length {len:?}"))?;
        if rest.len() < n {
            return Err(format!("body shorter ({}) than Content-Length {n}", rest.len()));
        }
        rest[..n].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Resp { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").ok_or("chunk size line without end")?;
        let size_text = std::str::from_utf8(&data[..eol]).map_err(|e| e.to_string())?;
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| format!("bad chunk size {size_hex:?}"))?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn urlencode_pairs(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

/// Percent-decoding for query values found in `Location` headers.
pub fn urldecode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_parsing_helpers() {
        let r = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            false,
        )
        .unwrap();
        assert_eq!(r.body, b"abcde");
        assert_eq!(r.headers_all("set-cookie"), ["a=1", "b=2"]);
        let r = parse_response(b"HTTP/1.1 303 See Other\r\nContent-Length: 2\r\n\r\nokEXTRA", false).unwrap();
        assert_eq!(r.body, b"ok");
        assert_eq!(urldecode("/tickets%3Fyear%3D2025%26q%3D%C3%A4"), "/tickets?year=2025&q=ä");
        assert_eq!(urlencode("a b&c=ü"), "a+b%26c%3D%C3%BC");
    }
}
