//! Turning one fetched body into page facts.

use zwgk_core::{PageFacts, Probes};

use crate::encoding;
use crate::quirks::gkmlpt;

/// Limits that keep hostile pages from exhausting the scan.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bodies larger than this are cut and only the head is analysed.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 20 * 1024 * 1024,
        }
    }
}

/// What kind of body this is, from the content type, then the URL, then the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// An HTML document.
    Html,
    /// JSON (the gkmlpt catalogue API).
    Json,
    /// Anything else (PDF, images, office documents).
    Other,
}

/// Guess the kind of a body.
pub fn body_kind(url: &str, content_type: Option<&str>, bytes: &[u8]) -> BodyKind {
    if let Some(ct) = content_type.map(str::to_ascii_lowercase) {
        if ct.contains("html") {
            return BodyKind::Html;
        }
        if ct.contains("json") {
            return BodyKind::Json;
        }
        if !ct.starts_with("text/plain") && !ct.is_empty() {
            return BodyKind::Other;
        }
    }
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let last = path.rsplit('/').next().unwrap_or("");
    if last.ends_with(".html")
        || last.ends_with(".htm")
        || last.ends_with(".shtml")
        || last.ends_with(".jsp")
    {
        return BodyKind::Html;
    }
    if last.ends_with(".json") {
        return BodyKind::Json;
    }
    let head = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(256)
        .copied()
        .collect::<Vec<u8>>();
    if head.first() == Some(&b'{') || head.first() == Some(&b'[') {
        return BodyKind::Json;
    }
    let lower = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.contains("<html")
        || lower.contains("<head")
        || lower.contains("<meta")
        || lower.contains("<body")
        || lower.contains("<div")
        || lower.contains("<p>")
    {
        return BodyKind::Html;
    }
    if !last.contains('.')
        && !bytes.contains(&0)
        && std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok()
        && lower.contains('<')
    {
        return BodyKind::Html;
    }
    BodyKind::Other
}

/// Extract the facts of one fetched body.
pub fn analyze(
    url: &str,
    status: u16,
    content_type: Option<&str>,
    bytes: &[u8],
    probes: &Probes,
    limits: &Limits,
) -> PageFacts {
    let bytes = &bytes[..bytes.len().min(limits.max_body)];
    match body_kind(url, content_type, bytes) {
        BodyKind::Html => {
            let decoded = encoding::decode(bytes, content_type);
            PageFacts::from_html_with_probes(url, status, &decoded.text, probes)
        }
        BodyKind::Json => {
            let decoded = encoding::decode(bytes, content_type);
            gkmlpt::catalogue_page(url, status, &decoded.text)
                .unwrap_or_else(|| PageFacts::other(url, status, "application/json"))
        }
        BodyKind::Other => {
            let ct = content_type
                .map(str::to_string)
                .unwrap_or_else(|| media_type_of(url).to_string());
            PageFacts::other(url, status, ct)
        }
    }
}

/// The media type of a file by its ending.
pub fn media_type_of(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit('.').next().unwrap_or("") {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "css" => "text/css",
        "js" => "application/javascript",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(body_kind("http://a/x.html", None, b""), BodyKind::Html);
        assert_eq!(
            body_kind("http://a/gkmlpt/index", None, b"<!DOCTYPE html><html>"),
            BodyKind::Html
        );
        assert_eq!(
            body_kind(
                "http://a/gkmlpt/api/all/2629?page=1&sid=175",
                None,
                b" {\"articles\":[]}"
            ),
            BodyKind::Json
        );
        assert_eq!(
            body_kind("http://a/f.pdf", None, b"%PDF-1.4"),
            BodyKind::Other
        );
        assert_eq!(
            body_kind("http://a/f", Some("application/pdf"), b"<html>"),
            BodyKind::Other
        );
    }

    #[test]
    fn oversized_body_is_cut_not_fatal() {
        let mut html = b"<html><body><h1>T</h1>".to_vec();
        html.extend(std::iter::repeat_n(b'x', 10_000));
        let p = analyze(
            "http://a/x.html",
            200,
            None,
            &html,
            &Probes::none(),
            &Limits { max_body: 100 },
        );
        assert_eq!(p.title, "T");
        assert!(p.text.len() < 200);
    }
}
