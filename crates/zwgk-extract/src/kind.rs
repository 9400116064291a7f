//! What kind of body a download is: the one decision every reader of bodies makes.
//!
//! [`BodyKind`] names it (an HTML page, JSON, a PDF, a Word or Excel document, anything
//! else) and [`detect`] decides it, once, from the media type, the URL's ending and the
//! first bytes. The crawler's page analysis, the mirror-folder source and this crate's
//! [`crate::extract`] all ask here. Beside it, [`worth_reading`] is the question the
//! crawler's fetcher asks before a body is downloaded, from the `Content-Type` alone, and
//! [`media_type_of`] names the media type a URL's ending stands for when a body came
//! without one.
//!
//! Why the type lives in this crate: its users are this crate (which documents it
//! reads) and `zwgk-crawl` (analysis, fetching, the folder source), which already
//! depends on this one. `zwgk-core` never sees a body: it is handed decoded HTML
//! (`PageFacts::from_html`) or facts a reader made, so it needs no body kind, and it
//! imports no crate of the workspace. Here the type adds no dependency between crates;
//! in `zwgk-core` it would have made this crate depend on the core (or kept a second
//! kind of its own for [`crate::extract`]).

/// What kind of body a download is: decided by [`detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// An HTML page.
    Html,
    /// JSON (a platform's API answer, such as the gkmlpt catalogue's lists).
    Json,
    /// Portable Document Format (`%PDF-`).
    Pdf,
    /// Office Open XML word-processing document (a zip with `word/`).
    Docx,
    /// Legacy Word 97–2003 document (an OLE2 compound file).
    Doc,
    /// Office Open XML spreadsheet (a zip with `xl/`).
    Xlsx,
    /// Legacy Excel 97–2003 workbook (an OLE2 compound file).
    Xls,
    /// Kingsoft WPS Writer document.
    Wps,
    /// Open Fixed-layout Document (GB/T 33190), a zip with `OFD.xml`.
    Ofd,
    /// Anything else (images, archives, unknown bytes).
    Other,
}

impl BodyKind {
    /// Whether [`crate::extract`] reads this kind's text: PDF, DOCX, XLSX and XLS.
    pub fn has_text(self) -> bool {
        matches!(
            self,
            BodyKind::Pdf | BodyKind::Docx | BodyKind::Xlsx | BodyKind::Xls
        )
    }
}

impl std::fmt::Display for BodyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BodyKind::Html => "HTML",
            BodyKind::Json => "JSON",
            BodyKind::Pdf => "PDF",
            BodyKind::Docx => "DOCX",
            BodyKind::Doc => "DOC",
            BodyKind::Xlsx => "XLSX",
            BodyKind::Xls => "XLS",
            BodyKind::Wps => "WPS",
            BodyKind::Ofd => "OFD",
            BodyKind::Other => "other",
        })
    }
}

/// Tell what kind of body a download is.
///
/// First whether it is a page: a media type naming HTML or JSON settles it; any other
/// media type but `text/plain` and the generic ones (`application/octet-stream`, …) says it
/// is not a page; without one (or with `text/plain` or a generic one),
/// an `.html`/`.htm`/`.shtml`/`.jsp` or `.json` ending, then the first bytes (`{` or `[`,
/// HTML tags, or short text with a `<` at a URL without an ending) decide. A body that is
/// not a page is told as a document from its media type, then its URL's ending, then its
/// first bytes: generic media types (`application/octet-stream`, `application/x-download`,
/// …) and URLs without a known ending defer to the bytes; when the bytes clearly contradict
/// the claim (a "PDF" that is a zip, an "XLS" that is HTML), the bytes win.
pub fn detect(url: &str, content_type: Option<&str>, bytes: &[u8]) -> BodyKind {
    match page_kind(url, content_type, bytes) {
        Some(page) => page,
        None => document_kind(url, content_type, bytes),
    }
}

/// [`BodyKind::Html`] or [`BodyKind::Json`] when the body is a page; `None` when it is not
/// (a document or anything else).
fn page_kind(url: &str, content_type: Option<&str>, bytes: &[u8]) -> Option<BodyKind> {
    // A generic type says nothing: the URL and the bytes decide, as without one.
    let content_type = content_type.filter(|ct| !is_generic(ct));
    if let Some(ct) = content_type.map(str::to_ascii_lowercase) {
        if ct.contains("html") {
            return Some(BodyKind::Html);
        }
        if ct.contains("json") {
            return Some(BodyKind::Json);
        }
        if !ct.starts_with("text/plain") && !ct.is_empty() {
            return None;
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
        return Some(BodyKind::Html);
    }
    if last.ends_with(".json") {
        return Some(BodyKind::Json);
    }
    let head = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(256)
        .copied()
        .collect::<Vec<u8>>();
    if head.first() == Some(&b'{') || head.first() == Some(&b'[') {
        return Some(BodyKind::Json);
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
        return Some(BodyKind::Html);
    }
    if !last.contains('.')
        && !bytes.contains(&0)
        && std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok()
        && lower.contains('<')
    {
        return Some(BodyKind::Html);
    }
    None
}

/// Whether a body from `url` announced with this `Content-Type` is worth downloading,
/// before it arrives: a page (HTML, JSON), text, a document whose kind is read (PDF, Word,
/// Excel), or a body whose type is not given; not an image, an archive or another binary
/// type. A generic type (`application/octet-stream`, which many servers send for pages
/// without an ending and for attachments) says nothing: the URL's ending decides, and a
/// body without a known ending is read.
///
/// Its list of types is its own, narrower than what [`detect`] recognises: an
/// `application/x-pdf` body is not downloaded, though [`detect`] would tell a downloaded
/// one by its bytes.
pub fn worth_reading(url: &str, content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let ct = ct.trim().to_ascii_lowercase();
    if ct.is_empty() {
        return true;
    }
    if is_generic(&ct) {
        let named = media_type_of(url);
        return named == "application/octet-stream" || readable_type(named);
    }
    readable_type(&ct)
}

/// Whether a (specific, lower-case) media type is one whose bodies are read.
fn readable_type(ct: &str) -> bool {
    ct.contains("html")
        || ct.contains("json")
        || ct.starts_with("text/plain")
        || ct.starts_with("application/pdf")
        || ct.starts_with("application/msword")
        || ct.starts_with("application/vnd.ms-excel")
        || ct.contains("officedocument.wordprocessingml")
        || ct.contains("officedocument.spreadsheetml")
}

/// Whether a media type says nothing of the body: `application/octet-stream` and its
/// kin, which servers send for files without a known ending (the catalogue's extensionless
/// `/gkmlpt/guide` page) and for downloads (attachments). Such a body is read and told by
/// its URL and bytes.
fn is_generic(content_type: &str) -> bool {
    matches!(
        essence(content_type).as_str(),
        "application/octet-stream"
            | "binary/octet-stream"
            | "application/unknown"
            | "unknown/unknown"
            | "*/*"
            | "application/x-download"
            | "application/force-download"
            | "application/download"
    )
}

/// The media type of a file by its ending (`application/octet-stream` when unknown), for
/// a body that came without one.
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
        "rar" => "application/vnd.rar",
        "7z" => "application/x-7z-compressed",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "exe" => "application/vnd.microsoft.portable-executable",
        "apk" => "application/vnd.android.package-archive",
        _ => "application/octet-stream",
    }
}

const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The kind of a body that is not a page, from its media type, then its URL's ending,
/// then its first bytes (see [`detect`]).
fn document_kind(url: &str, content_type: Option<&str>, bytes: &[u8]) -> BodyKind {
    let claimed = content_type
        .and_then(from_media_type)
        .or_else(|| from_url(url));
    let sniffed = sniff(bytes);
    match (claimed, sniffed) {
        (Some(c), Some(s)) if !compatible(c, s) => s,
        (Some(c), _) => refine(c, bytes),
        (None, Some(s)) => s,
        (None, None) => BodyKind::Other,
    }
}

/// A zip-based claim is refined by what the zip holds (a `.docx` link that serves a
/// workbook is read as a workbook; a zip `.wps` holding `word/` is a DOCX).
fn refine(claimed: BodyKind, bytes: &[u8]) -> BodyKind {
    match claimed {
        BodyKind::Docx | BodyKind::Xlsx | BodyKind::Ofd | BodyKind::Wps
            if bytes.starts_with(b"PK") =>
        {
            zip_kind(bytes).unwrap_or(claimed)
        }
        _ => claimed,
    }
}

/// Whether the sniffed container can hold the claimed kind.
fn compatible(claimed: BodyKind, sniffed: BodyKind) -> bool {
    use BodyKind::*;
    let family = |k: BodyKind| match k {
        Pdf => 0,
        Docx | Xlsx | Ofd => 1,
        Doc | Xls => 2,
        Wps => 3,
        // A page is told before this question is asked.
        Html | Json | Other => 4,
    };
    match (claimed, sniffed) {
        // WPS files are OLE2 (old) or zip (new): both fit.
        (Wps, Doc | Xls | Docx | Xlsx | Ofd) => true,
        // Bytes that sniff as nothing known do not overrule a claim, unless they are markup.
        (_, Other) => false,
        _ => family(claimed) == family(sniffed),
    }
}

/// A media type without its parameters, lower-cased: `text/html; charset=gbk` → `text/html`.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn from_media_type(content_type: &str) -> Option<BodyKind> {
    Some(match essence(content_type).as_str() {
        "application/pdf" | "application/x-pdf" => BodyKind::Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => BodyKind::Docx,
        "application/msword" => BodyKind::Doc,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => BodyKind::Xlsx,
        "application/vnd.ms-excel" | "application/x-xls" | "application/excel" => BodyKind::Xls,
        "application/vnd.ms-works" | "application/kswps" | "application/wps-office.wps" => {
            BodyKind::Wps
        }
        "application/ofd" => BodyKind::Ofd,
        "text/html"
        | "application/xhtml+xml"
        | "text/plain"
        | "image/jpeg"
        | "image/png"
        | "image/gif" => BodyKind::Other,
        _ => return None,
    })
}

fn from_url(url: &str) -> Option<BodyKind> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let (_, ext) = last.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "pdf" => BodyKind::Pdf,
        "docx" => BodyKind::Docx,
        "doc" => BodyKind::Doc,
        "xlsx" | "xlsm" => BodyKind::Xlsx,
        "xls" | "et" => BodyKind::Xls,
        "wps" => BodyKind::Wps,
        "ofd" => BodyKind::Ofd,
        "html" | "htm" | "shtml" | "jsp" | "txt" | "jpg" | "jpeg" | "png" | "gif" | "zip"
        | "rar" => BodyKind::Other,
        _ => return None,
    })
}

/// The kind the first bytes show, if they show one.
fn sniff(bytes: &[u8]) -> Option<BodyKind> {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Some(BodyKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(zip_kind(bytes).unwrap_or(BodyKind::Other));
    }
    if bytes.starts_with(OLE2) {
        return Some(ole_kind(bytes));
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("<!doctype html") || text.starts_with("<html") || text.starts_with("<?xml")
    {
        return Some(BodyKind::Other);
    }
    None
}

/// A zip's kind from its member names (central directory first, then local headers).
fn zip_kind(bytes: &[u8]) -> Option<BodyKind> {
    let names: Vec<String> = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(archive) => archive
            .file_names_raw()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    let has = |prefix: &str| {
        if names.is_empty() {
            find(bytes, prefix.as_bytes()).is_some()
        } else {
            names.iter().any(|n| n.starts_with(prefix))
        }
    };
    if has("word/") {
        Some(BodyKind::Docx)
    } else if has("xl/") {
        Some(BodyKind::Xlsx)
    } else if has("OFD.xml") {
        Some(BodyKind::Ofd)
    } else {
        None
    }
}

/// An OLE2 compound file's kind from its directory entry names (UTF-16LE).
fn ole_kind(bytes: &[u8]) -> BodyKind {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    if find(bytes, &utf16("WordDocument")).is_some() {
        BodyKind::Doc
    } else if find(bytes, &utf16("Workbook")).is_some() || find(bytes, &utf16("Book")).is_some() {
        BodyKind::Xls
    } else {
        BodyKind::Doc
    }
}

/// Where `needle` first occurs in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_page_served_as_octet_stream_is_read_as_a_page() {
        let html = b"<!DOCTYPE html><html><head><title>\xe6\x8c\x87\xe5\x8d\x97</title></head><body></body></html>";
        assert_eq!(
            detect(
                "http://x/gkmlpt/guide",
                Some("application/octet-stream"),
                html
            ),
            BodyKind::Html
        );
        assert!(worth_reading(
            "http://x/gkmlpt/guide",
            Some("application/octet-stream")
        ));
        assert!(worth_reading(
            "http://x/a.pdf",
            Some("application/x-download; charset=utf-8")
        ));
        assert!(worth_reading(
            "http://x/a.xlsx",
            Some("application/octet-stream")
        ));
        // A download that is an archive, an image or a video is still not fetched.
        for name in ["a.zip", "a.rar", "a.jpg", "a.mp4"] {
            let url = format!("http://x/{name}");
            assert!(
                !worth_reading(&url, Some("application/octet-stream")),
                "{name}"
            );
        }
        assert!(!worth_reading("http://x/a", Some("image/png")));
        assert!(!worth_reading("http://x/a", Some("application/zip")));
        // A PDF sent as a download is still a PDF.
        assert_eq!(
            detect("http://x/a", Some("application/x-download"), b"%PDF-1.4\n"),
            BodyKind::Pdf
        );
    }
    use super::*;

    #[test]
    fn media_type_then_url_then_bytes() {
        assert_eq!(
            detect(
                "http://x/a",
                Some("application/pdf; charset=binary"),
                b"%PDF-1.7"
            ),
            BodyKind::Pdf
        );
        assert_eq!(
            detect(
                "http://x/a.xls?id=3",
                None,
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
            ),
            BodyKind::Xls
        );
        assert_eq!(
            detect("http://x/a.doc", Some("application/octet-stream"), b""),
            BodyKind::Doc
        );
        assert_eq!(detect("http://x/a", None, b"%PDF-1.4\n"), BodyKind::Pdf);
        assert_eq!(detect("http://x/a", None, b"hello"), BodyKind::Other);
        assert_eq!(detect("http://x/a.WPS", None, b""), BodyKind::Wps);
        assert_eq!(detect("http://x/a.ofd", None, b""), BodyKind::Ofd);
    }

    #[test]
    fn bytes_win_over_a_contradicting_claim() {
        assert_eq!(
            detect(
                "http://x/a.pdf",
                Some("application/pdf"),
                b"<!DOCTYPE html><html>"
            ),
            BodyKind::Other
        );
        assert_eq!(
            detect("http://x/a.xls", None, b"%PDF-1.5 ..."),
            BodyKind::Pdf
        );
        // Unknown bytes do not overrule a claim.
        assert_eq!(detect("http://x/a.pdf", None, b"\x00\x01"), BodyKind::Pdf);
    }

    #[test]
    fn kinds() {
        assert_eq!(detect("http://a/x.html", None, b""), BodyKind::Html);
        assert_eq!(
            detect("http://a/gkmlpt/index", None, b"<!DOCTYPE html><html>"),
            BodyKind::Html
        );
        assert_eq!(
            detect(
                "http://a/gkmlpt/api/all/2629?page=1&sid=175",
                None,
                b" {\"articles\":[]}"
            ),
            BodyKind::Json
        );
        assert_eq!(detect("http://a/f.pdf", None, b"%PDF-1.4"), BodyKind::Pdf);
        assert_eq!(
            detect("http://a/f", Some("application/pdf"), b"<html>"),
            BodyKind::Other
        );
    }

    #[test]
    fn worth_reading_types() {
        assert!(worth_reading("http://x/a", None));
        assert!(worth_reading("http://x/a", Some("text/html; charset=gbk")));
        assert!(worth_reading("http://x/a", Some("application/json")));
        assert!(worth_reading("http://x/a", Some("text/plain")));
        assert!(worth_reading("http://x/a", Some("application/pdf")));
        assert!(worth_reading(
            "http://x/a",
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        ));
        assert!(!worth_reading("http://x/a", Some("application/zip")));
        assert!(!worth_reading("http://x/a", Some("image/png")));
    }
}
