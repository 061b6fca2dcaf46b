//! The embedded files (`assets/`) and the theme built from `[portal]`: names, content hashes,
//! content types and the URLs pages link to (`/assets/app.1a2b3c4d.css`). No HTTP here: `web::assets`
//! answers the requests; `app` builds the [`Theme`] once at start; views get the URLs as plain
//! data in their `Chrome`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::config::Config;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Files;

struct Entry {
    hash: String,
    hashed_name: String,
}

fn table() -> &'static HashMap<String, Entry> {
    static TABLE: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Files::iter()
            .filter_map(|name| {
                let file = Files::get(&name)?;
                let hash = hex8(&file.data);
                let hashed_name = match name.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                    None => format!("{name}.{hash}"),
                };
                Some((name.to_string(), Entry { hash, hashed_name }))
            })
            .collect()
    })
}

fn hex8(data: &[u8]) -> String {
    format!("{:.8x}", Sha256::digest(data))
}

/// The URL to put into pages for an embedded asset.
pub fn url(name: &str) -> String {
    match table().get(name) {
        Some(e) => format!("/assets/{}", e.hashed_name),
        None => format!("/assets/{name}"),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The theme stylesheet (accent colour and the contractor's extra CSS), built from the config.
pub struct Theme {
    pub css: String,
    pub hash: String,
    pub logo: Option<(Vec<u8>, &'static str, String)>,
}

impl Theme {
    pub fn build(app_config: &Config) -> Theme {
        let p = &app_config.portal;
        let (r, g, b) = crate::config::parse_hex_color(&p.accent_color).unwrap_or((29, 78, 216));
        let on_accent = if relative_luminance(r, g, b) > 0.40 { "#111827" } else { "#ffffff" };
        let mut css =
            format!(":root {{ --accent: rgb({r} {g} {b}); --accent-rgb: {r} {g} {b}; --on-accent: {on_accent}; }}\n");
        if let Some(extra) = &p.custom_css_text {
            css.push_str("\n/* portal.custom_css (set in the browser) */\n");
            css.push_str(extra);
        } else if let Some(path) = &p.custom_css {
            if let Ok(extra) = std::fs::read_to_string(path) {
                css.push_str("\n/* portal.custom_css */\n");
                css.push_str(&extra);
            }
        }
        let uploaded = p.logo_data.as_ref().map(|(data, ctype)| (data.clone(), *ctype, hex8(data)));
        let logo = uploaded.or_else(|| {
            p.logo.as_ref().and_then(|path| {
                let data = std::fs::read(path).ok()?;
                let ctype = content_type(&path.to_string_lossy());
                let hash = hex8(&data);
                Some((data, ctype, hash))
            })
        });
        let hash = hex8(css.as_bytes());
        Theme { css, hash, logo }
    }

    pub fn css_url(&self) -> String {
        format!("/assets/theme.{}.css", self.hash)
    }

    pub fn logo_url(&self) -> Option<String> {
        self.logo.as_ref().map(|(_, _, h)| format!("/assets/logo.{h}"))
    }
}

/// WCAG relative luminance of an sRGB colour.
pub fn relative_luminance(r: u8, g: u8, b: u8) -> f64 {
    let ch = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
}

pub fn contrast_ratio(l1: f64, l2: f64) -> f64 {
    let (hi, lo) = if l1 > l2 { (l1, l2) } else { (l2, l1) };
    (hi + 0.05) / (lo + 0.05)
}

/// An embedded file found by its plain or hashed name.
pub struct Embedded<'a> {
    pub data: Cow<'a, [u8]>,
    pub content_type: &'static str,
    pub hash: &'a str,
    /// Asked for by its hashed name: the content never changes under it.
    pub immutable: bool,
}

/// The embedded file at `path`: its hashed name (`app.1a2b3c4d.css`) first, then the plain one.
pub fn embedded(path: &str) -> Option<Embedded<'static>> {
    let t = table();
    if let Some((name, e)) = t.iter().find(|(_, e)| e.hashed_name == path) {
        let file = Files::get(name)?;
        return Some(Embedded { data: file.data, content_type: content_type(name), hash: &e.hash, immutable: true });
    }
    let e = t.get(path)?;
    let file = Files::get(path)?;
    Some(Embedded { data: file.data, content_type: content_type(path), hash: &e.hash, immutable: false })
}

/// Start-up warnings when text on the accent colour would fall below WCAG's 4.5:1.
pub fn contrast_warnings(config: &Config) -> Vec<(&'static str, String)> {
    let Some((r, g, b)) = crate::config::parse_hex_color(&config.portal.accent_color) else {
        return Vec::new();
    };
    let l = relative_luminance(r, g, b);
    let on = if l > 0.40 { 0.0 } else { 1.0 };
    let ratio = contrast_ratio(l, on);
    if ratio < 4.5 {
        vec![(
            "portal.accent_color",
            format!(
                "text on {} has a contrast of {ratio:.2}:1, below 4.5:1; choose a darker or lighter colour",
                config.portal.accent_color
            ),
        )]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_of_white_on_default_accent_is_enough() {
        let l = relative_luminance(29, 78, 216);
        assert!(contrast_ratio(l, 1.0) >= 4.5);
        assert!((contrast_ratio(0.0, 1.0) - 21.0).abs() < 0.01);
    }

    #[test]
    fn hashed_urls_point_at_embedded_files() {
        let u = url("app.css");
        assert!(u.starts_with("/assets/app.") && u.ends_with(".css") && u.len() > "/assets/app.css".len(), "{u}");
    }
}
