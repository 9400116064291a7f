//! Turning one fetched body into page facts.

use zwgk_core::{PageFacts, Selectors};
use zwgk_extract::{BodyKind, DocumentLimits};

use crate::encoding;
use crate::quirks;

/// Limits on the analysis of one body, that keep hostile pages from exhausting the scan.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisLimits {
    /// Bodies larger than this are cut and only the head is analysed.
    pub max_body: usize,
    /// HTML nested deeper than this (open tags not yet closed, roughly counted) is cut
    /// there: HTML parsing time grows with the square of the nesting depth.
    pub max_depth: usize,
}

impl Default for AnalysisLimits {
    fn default() -> Self {
        AnalysisLimits {
            max_body: 20 * 1024 * 1024,
            max_depth: 2_000,
        }
    }
}

/// Elements whose end tag may be omitted: the parser closes them itself, so they
/// do not nest (an old page's table without `</td>` is not deep).
const OPTIONAL_END: [&[u8]; 15] = [
    b"p",
    b"li",
    b"td",
    b"th",
    b"tr",
    b"option",
    b"optgroup",
    b"dt",
    b"dd",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"rt",
    b"rp",
];

/// Elements that never take a closing tag.
const VOID: [&[u8]; 14] = [
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr",
];

/// The byte offset at which the nesting depth of `html` first exceeds `max_depth`, if it does.
///
/// A rough count, used only as a guard: void elements and elements whose end tag may
/// be omitted (`p`, `li`, `td`, …) do not count.
pub fn depth_cut(html: &[u8], max_depth: usize) -> Option<usize> {
    // Each level opens with a `<`: a body with no more of them than the limit cannot
    // nest deeper (nearly every page), and counting them is a fast byte search.
    if memchr::memchr_iter(b'<', html).count() <= max_depth {
        return None;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &html[i..]) {
        let start = i + off;
        let end = memchr::memchr(b'>', &html[start + 1..]).map(|e| start + 1 + e)?;
        let tag = &html[start + 1..end];
        i = end + 1;
        match tag.first() {
            Some(b'/') => {
                let name = tag_name(&tag[1..]);
                if !is_one_of(name, &OPTIONAL_END) {
                    depth = depth.saturating_sub(1);
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name = tag_name(tag);
                if tag.ends_with(b"/") || is_one_of(name, &VOID) || is_one_of(name, &OPTIONAL_END) {
                    continue;
                }
                depth += 1;
                if depth > max_depth {
                    return Some(start);
                }
            }
            _ => {}
        }
    }
    None
}

/// The leading ASCII letters and digits of a tag: its name, in the case written.
fn tag_name(tag: &[u8]) -> &[u8] {
    let len = tag
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(tag.len());
    &tag[..len]
}

/// Whether a tag name is one of the (lower-case) names, in any case.
fn is_one_of(name: &[u8], names: &[&[u8]]) -> bool {
    // Every listed name is short and lower-case: compare one lower-cased copy.
    let mut lower = [0u8; 8];
    let Some(lower) = lower.get_mut(..name.len()) else {
        return false;
    };
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    names.contains(&&*lower)
}

/// Extract the facts of one fetched body, by its kind ([`zwgk_extract::detect`]): an
/// HTML page, JSON (read by the platform that serves it, see [`crate::quirks`]), a
/// document whose text is read, or anything else (its URL and type only).
pub fn analyze(
    url: &str,
    status: u16,
    content_type: Option<&str>,
    bytes: &[u8],
    probes: &Selectors,
    limits: &AnalysisLimits,
) -> PageFacts {
    let bytes = &bytes[..bytes.len().min(limits.max_body)];
    match zwgk_extract::detect(url, content_type, bytes) {
        BodyKind::Html => {
            let bytes = match depth_cut(bytes, limits.max_depth) {
                Some(cut) => &bytes[..cut],
                None => bytes,
            };
            let decoded = encoding::decode(bytes, content_type);
            PageFacts::from_html_with_selectors(url, status, &decoded.text, probes)
        }
        BodyKind::Json => {
            let decoded = encoding::decode(bytes, content_type);
            quirks::json_page(url, status, &decoded.text)
                .unwrap_or_else(|| PageFacts::other(url, status, "application/json"))
        }
        kind => {
            let ct = content_type
                .map(str::to_string)
                .unwrap_or_else(|| zwgk_extract::media_type_of(url).to_string());
            document(url, status, kind, ct, bytes, limits)
        }
    }
}

/// A body that is not a page: a document whose text is read (PDF, DOCX, XLS/XLSX) keeps
/// its text and tables, anything else only its URL and type. A document that cannot be
/// read keeps its URL and type too (its content is unknown, never a compliance failure).
fn document(
    url: &str,
    status: u16,
    kind: BodyKind,
    media_type: String,
    bytes: &[u8],
    limits: &AnalysisLimits,
) -> PageFacts {
    let mut page = PageFacts::other(url, status, media_type);
    if !kind.has_text() {
        return page;
    }
    let extract_limits = DocumentLimits {
        max_bytes: limits.max_body,
        ..DocumentLimits::default()
    };
    if let Ok(extracted) = zwgk_extract::extract(kind, bytes, &extract_limits) {
        page.text = zwgk_core::text::normalize(&extracted.text).into();
        page.tables = extracted
            .tables
            .into_iter()
            .take(zwgk_core::page::MAX_TABLES)
            .map(|rows| {
                let rows: Vec<Vec<String>> = rows
                    .into_iter()
                    .take(zwgk_core::page::MAX_TABLE_ROWS)
                    .map(|r| {
                        r.iter()
                            .take(zwgk_core::page::MAX_TABLE_COLS)
                            .map(|c| zwgk_core::text::normalize_line(c))
                            .collect()
                    })
                    .collect();
                let spanned = rows.iter().map(|r| vec![false; r.len()]).collect();
                zwgk_core::page::Table { rows, spanned }
            })
            .collect();
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_cut() {
        let html = format!(
            "<title>深</title>{}<p>x</p>{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let head = "<title>深</title>".len();
        assert_eq!(depth_cut(html.as_bytes(), 2_000), Some(head + 5 * 2_000));
        assert_eq!(
            depth_cut(b"<p>a<br><img src=x><br/></p><!-- c -->", 1),
            None
        );
        let p = analyze(
            "http://a/x.html",
            200,
            None,
            html.as_bytes(),
            &Selectors::none(),
            &AnalysisLimits::default(),
        );
        assert_eq!(p.title, "深");
    }

    #[test]
    fn documents_keep_their_text_and_tables() {
        let docx = include_bytes!("../../zwgk-extract/tests/data/accounts.docx");
        let p = analyze(
            "http://a/attachment/1.docx",
            200,
            None,
            docx,
            &Selectors::none(),
            &AnalysisLimits::default(),
        );
        assert!(
            p.text.as_str().contains("广东省文化和旅游厅2020年部门决算"),
            "{}",
            p.text
        );
        assert!(!p.tables.is_empty());
        let pdf = include_bytes!("../../zwgk-extract/tests/data/accounts_cid.pdf");
        let p = analyze(
            "http://a/attachment/1.pdf",
            200,
            Some("application/pdf"),
            pdf,
            &Selectors::none(),
            &AnalysisLimits::default(),
        );
        assert!(
            p.text.as_str().contains("因公出国(境)费"),
            "normalised: {}",
            p.text
        );
        let junk = analyze(
            "http://a/attachment/2.pdf",
            200,
            None,
            b"%PDF-1.4 garbage",
            &Selectors::none(),
            &AnalysisLimits::default(),
        );
        assert!(junk.text.is_empty() && junk.is_ok());
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
            &Selectors::none(),
            &AnalysisLimits {
                max_body: 100,
                ..AnalysisLimits::default()
            },
        );
        assert_eq!(p.title, "T");
        assert!(p.text.len() < 200);
    }
}
