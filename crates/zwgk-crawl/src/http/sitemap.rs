//! Sitemaps named in robots.txt, read as the sitemaps.org protocol describes them: XML
//! `<urlset>` / `<sitemapindex>`, an RSS 2.0 or Atom 1.0 feed (each item's or entry's
//! link), or plain text (one URL a line), any of them possibly gzipped.
//!
//! The XML is read with a real parser ([`quick_xml`]): elements are matched by their
//! local names (so `<sm:urlset xmlns:sm=…><sm:url><sm:loc>` reads as `<urlset><url><loc>`),
//! character and entity references are resolved, CDATA sections are text, and comments
//! are skipped. A `<loc>` counts only as the direct child of a `<url>` (a page) or of a
//! `<sitemap>` (a further sitemap): the `<image:loc>` of an image extension does not.
//!
//! Nothing a body holds makes the reader panic or grow without bound: a gzipped body is
//! inflated up to [`MAX_UNCOMPRESSED_BYTES`], at most [`MAX_ENTRIES`] entries are read,
//! and malformed XML gives the entries read before the error.

use std::io::Read;

use flate2::read::MultiGzDecoder;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

use crate::encoding;

/// What a sitemap lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sitemap {
    /// Page URLs (`<urlset>`, or a text sitemap).
    pub pages: Vec<String>,
    /// Further sitemaps (`<sitemapindex>`).
    pub sitemaps: Vec<String>,
    /// The pages of `pages` listed with a `<lastmod>`: the URL and the date as written
    /// (W3C Datetime, e.g. `2022-02-01` or `2022-02-01T10:30:00+08:00`; see
    /// [`lastmod_utc`]).
    pub modified: Vec<(String, String)>,
}

/// At most this many entries are read from one sitemap (the protocol's own limit).
pub const MAX_ENTRIES: usize = 50_000;

/// At most this many bytes of one sitemap are read, after gunzipping (the protocol's
/// limit on an uncompressed sitemap): a longer body, or a gzip stream that inflates
/// further, is read up to here.
pub const MAX_UNCOMPRESSED_BYTES: usize = 50 * 1024 * 1024;

/// The first two bytes of a gzip stream (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Read a sitemap from the bytes of its body: gunzipped when they are gzip (told by the
/// magic bytes, whatever the content type or the file name says), decoded to text (the
/// protocol asks for UTF-8; a BOM, or a charset in `content_type`, is heeded as for
/// pages), then parsed as [`parse`] does.
///
/// `content_type` is the `Content-Type` header, if any; it only names the charset.
pub fn read(body: &[u8], content_type: Option<&str>) -> Sitemap {
    let inflated;
    let bytes = if body.starts_with(&GZIP_MAGIC) {
        inflated = gunzip(body, MAX_UNCOMPRESSED_BYTES);
        inflated.as_slice()
    } else {
        &body[..body.len().min(MAX_UNCOMPRESSED_BYTES)]
    };
    parse(&encoding::decode(bytes, content_type).text)
}

/// Inflate a gzip stream (of one or more members) up to `limit` bytes. A corrupt or
/// truncated stream gives what was inflated before the fault.
fn gunzip(body: &[u8], limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut inflater = MultiGzDecoder::new(body).take(limit as u64);
    // On an error, `read_to_end` has appended what it read before it: that is kept.
    let _ = inflater.read_to_end(&mut out);
    out
}

/// Read a sitemap body already decoded to text: XML when its first character (after a
/// byte order mark and white space) is `<`, otherwise a text sitemap.
///
/// At most [`MAX_ENTRIES`] entries are read. Malformed XML gives the entries read
/// before the fault.
pub fn parse(text: &str) -> Sitemap {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('<') {
        parse_xml(text)
    } else {
        parse_text(text)
    }
}

/// A text sitemap: one URL a line. Lines that are not an `http` or `https` URL are
/// skipped; anything from a `#` on (a fragment, which the crawl drops anyway, or a
/// note) is cut off.
fn parse_text(text: &str) -> Sitemap {
    let pages = text
        .lines()
        .filter_map(|line| {
            let line = line.split('#').next().unwrap_or_default().trim();
            is_http_url(line).then(|| line.to_string())
        })
        .take(MAX_ENTRIES)
        .collect();
    Sitemap {
        pages,
        ..Sitemap::default()
    }
}

/// Whether `s` starts with `http://` or `https://` (in any case) and names something
/// after it.
fn is_http_url(s: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        s.len() > scheme.len()
            && s.get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
    })
}

/// An element open in the XML document, as far as a sitemap is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// `<url>`: its `<loc>` is a page.
    Url,
    /// `<sitemap>`: its `<loc>` is a further sitemap.
    Sitemap,
    /// An RSS `<item>` or an Atom `<entry>`: its link is a page.
    Item,
    /// `<loc>` as the child of a `<url>` or `<sitemap>`, or an RSS `<link>` of an item:
    /// its text is a URL.
    Loc,
    /// `<lastmod>` as the child of a `<url>`: when its page last changed.
    Lastmod,
    /// Anything else (a `<loc>` elsewhere included).
    Other,
}

impl Sitemap {
    /// Add the URL of a `<loc>` read to its end (none if it is blank). Returns whether
    /// there is room for more entries.
    fn add(&mut self, loc: &OpenLoc) -> bool {
        let url = loc.text.trim();
        if !url.is_empty() {
            let list = if loc.page {
                &mut self.pages
            } else {
                &mut self.sitemaps
            };
            list.push(url.to_string());
        }
        self.pages.len() + self.sitemaps.len() < MAX_ENTRIES
    }
}

/// The `<loc>` being read, and what it will be.
struct OpenLoc {
    text: String,
    /// A page (`<url>`) or a further sitemap (`<sitemap>`).
    page: bool,
}

/// The `<loc>` and `<lastmod>` of the `<url>` being read.
#[derive(Default)]
struct OpenUrl {
    loc: Option<String>,
    lastmod: String,
}

/// An XML sitemap (`<urlset>` or `<sitemapindex>`; elements matched by local name).
fn parse_xml(text: &str) -> Sitemap {
    let mut out = Sitemap::default();
    let mut url = OpenUrl::default();
    let mut reader = Reader::from_str(text);
    // Sitemaps written by hand or by careless scripts leave `&` bare in URLs
    // (`?a=1&b=2`): read such an `&` as itself rather than stop there.
    reader.config_mut().allow_dangling_amp = true;
    let mut open: Vec<Element> = Vec::new();
    let mut loc: Option<OpenLoc> = None;
    // A malformed document gives what was read before the fault.
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) => {
                let element = match (e.local_name().as_ref(), open.last()) {
                    ("url", _) => Element::Url,
                    ("sitemap", _) => Element::Sitemap,
                    ("item" | "entry", _) => Element::Item,
                    ("loc", Some(Element::Url | Element::Sitemap)) => Element::Loc,
                    ("lastmod", Some(Element::Url)) => Element::Lastmod,
                    ("link", Some(Element::Item)) => match atom_link(&e) {
                        // An Atom `<link href=…>` written with an end tag.
                        Some(href) => {
                            if !out.add(&OpenLoc {
                                text: href,
                                page: true,
                            }) {
                                break;
                            }
                            Element::Other
                        }
                        None => Element::Loc,
                    },
                    _ => Element::Other,
                };
                if element == Element::Url {
                    url = OpenUrl::default();
                }
                if element == Element::Loc {
                    loc = Some(OpenLoc {
                        text: String::new(),
                        page: matches!(open.last(), Some(Element::Url | Element::Item)),
                    });
                }
                open.push(element);
            }
            // An Atom entry's `<link href=… />`.
            Event::Empty(e)
                if e.local_name().as_ref() == "link" && open.last() == Some(&Element::Item) =>
            {
                if let Some(href) = atom_link(&e) {
                    if !out.add(&OpenLoc {
                        text: href,
                        page: true,
                    }) {
                        break;
                    }
                }
            }
            Event::End(_) => {
                let closed = open.pop();
                if closed == Some(Element::Url) {
                    let lastmod = std::mem::take(&mut url.lastmod);
                    if let Some(loc) = url.loc.take().filter(|_| !lastmod.trim().is_empty()) {
                        out.modified.push((loc, lastmod.trim().to_string()));
                    }
                }
                let done = loc.take_if(|_| closed == Some(Element::Loc));
                if let Some(done) = done {
                    if done.page && open.last() == Some(&Element::Url) {
                        url.loc = Some(done.text.trim().to_string());
                    }
                    if !out.add(&done) {
                        break;
                    }
                }
            }
            Event::Text(t) if open.last() == Some(&Element::Lastmod) => {
                url.lastmod.push_str(&t.xml10_content());
            }
            // Text directly inside the `<loc>` (not inside an element within it).
            Event::Text(t) if open.last() == Some(&Element::Loc) => {
                if let Some(l) = loc.as_mut() {
                    l.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if open.last() == Some(&Element::Loc) => {
                if let Some(l) = loc.as_mut() {
                    l.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if open.last() == Some(&Element::Loc) => {
                if let Some(l) = loc.as_mut() {
                    push_reference(&mut l.text, &r);
                }
            }
            Event::Eof => break,
            // Comments, declarations, processing instructions, `<empty/>` elements.
            _ => {}
        }
    }
    out
}

/// A `<lastmod>` value as a UTC time: a W3C Datetime with its offset (`2022-02-01T10:30:00+08:00`,
/// `2022-02-01T02:30Z`, fractions of a second allowed), or a date alone, read as the end of
/// that day in UTC (the latest it can mean, so that a page changed that day is not taken
/// for older than it is); `None` when it is neither.
pub fn lastmod_utc(value: &str) -> Option<chrono::NaiveDateTime> {
    let v = value.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(at.naive_utc());
    }
    // Minutes without seconds, which the W3C profile allows.
    let minutes = v.replacen('z', "Z", 1).replacen('Z', "+00:00", 1);
    if let Ok(at) = chrono::DateTime::parse_from_str(&minutes, "%Y-%m-%dT%H:%M%:z") {
        return Some(at.naive_utc());
    }
    let day = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()?;
    day.and_hms_opt(23, 59, 59)
}

/// The page an Atom `<link>` names: its `href`, when its `rel` is absent or `alternate`
/// (an enclosure, a comment feed or the entry's own feed is not the page).
fn atom_link(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    let mut href = None;
    for attr in e.attributes().flatten() {
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()?;
        match attr.key.local_name().as_ref() {
            "href" => href = Some(value.into_owned()),
            "rel" if value.trim() != "alternate" => return None,
            _ => {}
        }
    }
    href
}

/// Append what a reference stands for: a character reference (`&#38;`, `&#x26;`) or
/// one of XML's five named entities. Any other (an entity of a DTD, which a sitemap
/// has no business declaring, or a character reference to no character) is kept as
/// written.
fn push_reference(text: &mut String, r: &BytesRef<'_>) {
    let named = match r.resolve_char_ref() {
        Ok(Some(c)) => {
            text.push(c);
            return;
        }
        Ok(None) => resolve_xml_entity(r),
        Err(_) => None,
    };
    match named {
        Some(s) => text.push_str(s),
        None => {
            text.push('&');
            text.push_str(r);
            text.push(';');
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).expect("gzip into a Vec");
        enc.finish().expect("gzip into a Vec")
    }

    #[test]
    fn urlset_index_and_text() {
        let s = parse(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc> http://a.cn/x.html?a=1&amp;b=2 </loc><lastmod>2022-01-01</lastmod></url>
            <url><loc><![CDATA[http://a.cn/y.html]]></loc></url><location>no</location></urlset>"#,
        );
        assert_eq!(
            s.pages,
            vec!["http://a.cn/x.html?a=1&b=2", "http://a.cn/y.html"]
        );
        assert!(s.sitemaps.is_empty());
        let s =
            parse("<sitemapindex><sitemap><loc>http://a.cn/s1.xml</loc></sitemap></sitemapindex>");
        assert_eq!(s.sitemaps, vec!["http://a.cn/s1.xml"]);
        assert!(s.pages.is_empty());
        let s = parse("http://a.cn/1.html\n\nhttp://a.cn/2.html\r\nftp://x\n");
        assert_eq!(s.pages, vec!["http://a.cn/1.html", "http://a.cn/2.html"]);
        assert_eq!(parse("<urlset><url><loc>unclosed").pages.len(), 0);
        assert_eq!(parse(""), Sitemap::default());
    }

    #[test]
    fn lastmod_is_kept_with_its_page_in_either_order() {
        let s = parse(
            r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>http://a.cn/x.html</loc><lastmod> 2022-02-01 </lastmod></url>
            <url><lastmod>2022-02-01T10:30:00+08:00</lastmod><loc>http://a.cn/y.html</loc></url>
            <url><loc>http://a.cn/z.html</loc></url>
            <url><loc>http://a.cn/w.html</loc><lastmod></lastmod></url></urlset>"#,
        );
        assert_eq!(s.pages.len(), 4);
        assert_eq!(
            s.modified,
            vec![
                ("http://a.cn/x.html".to_string(), "2022-02-01".to_string()),
                (
                    "http://a.cn/y.html".to_string(),
                    "2022-02-01T10:30:00+08:00".to_string()
                ),
            ]
        );
        // A sitemap index's <lastmod> is its sitemaps', not a page's.
        let s = parse(
            "<sitemapindex><sitemap><loc>http://a.cn/s.xml</loc><lastmod>2022-02-01</lastmod></sitemap></sitemapindex>",
        );
        assert!(s.modified.is_empty());
    }

    #[test]
    fn lastmod_values_in_utc() {
        let at = |d: u32, h: u32, m: u32, sec: u32| {
            chrono::NaiveDate::from_ymd_opt(2022, 2, d)
                .unwrap()
                .and_hms_opt(h, m, sec)
        };
        assert_eq!(lastmod_utc("2022-02-01T10:30:00+08:00"), at(1, 2, 30, 0));
        assert_eq!(
            lastmod_utc("2022-02-01T10:30:00.25Z"),
            at(1, 10, 30, 0).map(|t| t + chrono::TimeDelta::milliseconds(250))
        );
        assert_eq!(lastmod_utc("2022-02-01T10:30+08:00"), at(1, 2, 30, 0));
        assert_eq!(lastmod_utc("2022-02-01T10:30Z"), at(1, 10, 30, 0));
        assert_eq!(lastmod_utc(" 2022-02-01 "), at(1, 23, 59, 59));
        assert_eq!(lastmod_utc("2022-02"), None);
        assert_eq!(lastmod_utc("yesterday"), None);
        assert_eq!(lastmod_utc("2022-02-30"), None);
    }

    #[test]
    fn bare_ampersands_are_read_as_written() {
        let s = parse("<urlset><url><loc>http://a.cn/x?a=1&b=2&c</loc></url></urlset>");
        assert_eq!(s.pages, vec!["http://a.cn/x?a=1&b=2&c"]);
    }

    #[test]
    fn unknown_references_are_kept_as_written() {
        let s = parse(
            "<urlset><url><loc>http://a.cn/x?a=1&nbsp;&#0;&#xD800;&apos;&quot;</loc></url></urlset>",
        );
        assert_eq!(s.pages, vec!["http://a.cn/x?a=1&nbsp;&#0;&#xD800;'\""]);
    }

    #[test]
    fn loc_only_as_child_of_url_or_sitemap() {
        let s = parse(
            r#"<urlset xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
            <loc>http://a.cn/stray</loc>
            <url><loc>http://a.cn/page</loc>
              <image:image><image:loc>http://a.cn/i.png</image:loc></image:image></url>
            <url><loc>http://a.cn/<b>bold</b>tail</loc></url>
            </urlset>"#,
        );
        assert_eq!(s.pages, vec!["http://a.cn/page", "http://a.cn/tail"]);
    }

    #[test]
    fn gunzip_is_bounded_and_keeps_a_truncated_stream() {
        let body = vec![b' '; 4 << 20];
        let gz = gzip(&body);
        assert_eq!(gunzip(&gz, 1 << 20).len(), 1 << 20);
        assert_eq!(gunzip(&gz, 8 << 20).len(), 4 << 20);
        let text = "http://a.cn/1\n".repeat(10_000);
        let gz = gzip(text.as_bytes());
        let cut = gunzip(&gz[..gz.len() / 2], usize::MAX);
        assert!(!cut.is_empty() && cut.len() < text.len());
        assert!(text.as_bytes().starts_with(&cut));
        assert!(gunzip(&GZIP_MAGIC, 100).is_empty());
    }

    #[test]
    fn plain_bodies_are_bounded_too() {
        let mut body = b"<urlset><url><loc>http://a.cn/1</loc></url>".to_vec();
        body.resize(MAX_UNCOMPRESSED_BYTES, b' ');
        body.extend_from_slice(b"<url><loc>http://a.cn/2</loc></url></urlset>");
        assert_eq!(read(&body, None).pages, vec!["http://a.cn/1"]);
    }
}
