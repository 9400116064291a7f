//! What kind of document a download is.

use crate::DocKind;

const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tell the kind of a document from its media type, then its URL's ending, then its first
/// bytes. Generic media types (`application/octet-stream`, `application/x-download`, …) and
/// URLs without a known ending defer to the bytes; when the bytes clearly contradict the
/// claim (a "PDF" that is a zip, an "XLS" that is HTML), the bytes win.
pub fn detect(url: &str, content_type: Option<&str>, bytes: &[u8]) -> DocKind {
    let claimed = content_type
        .and_then(from_media_type)
        .or_else(|| from_url(url));
    let sniffed = sniff(bytes);
    match (claimed, sniffed) {
        (Some(c), Some(s)) if !compatible(c, s) => s,
        (Some(c), _) => refine(c, bytes),
        (None, Some(s)) => s,
        (None, None) => DocKind::Other,
    }
}

/// A zip-based claim is refined by what the zip holds (a `.docx` link that serves a
/// workbook is read as a workbook; a zip `.wps` holding `word/` is a DOCX).
fn refine(claimed: DocKind, bytes: &[u8]) -> DocKind {
    match claimed {
        DocKind::Docx | DocKind::Xlsx | DocKind::Ofd | DocKind::Wps if bytes.starts_with(b"PK") => {
            zip_kind(bytes).unwrap_or(claimed)
        }
        _ => claimed,
    }
}

/// Whether the sniffed container can hold the claimed kind.
fn compatible(claimed: DocKind, sniffed: DocKind) -> bool {
    use DocKind::*;
    let family = |k: DocKind| match k {
        Pdf => 0,
        Docx | Xlsx | Ofd => 1,
        Doc | Xls => 2,
        Wps => 3,
        Other => 4,
    };
    match (claimed, sniffed) {
        // WPS files are OLE2 (old) or zip (new): both fit.
        (Wps, Doc | Xls | Docx | Xlsx | Ofd) => true,
        // Bytes that sniff as nothing known do not overrule a claim, unless they are markup.
        (_, Other) => false,
        _ => family(claimed) == family(sniffed),
    }
}

fn from_media_type(content_type: &str) -> Option<DocKind> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Some(match essence.as_str() {
        "application/pdf" | "application/x-pdf" => DocKind::Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => DocKind::Docx,
        "application/msword" => DocKind::Doc,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => DocKind::Xlsx,
        "application/vnd.ms-excel" | "application/x-xls" | "application/excel" => DocKind::Xls,
        "application/vnd.ms-works" | "application/kswps" | "application/wps-office.wps" => {
            DocKind::Wps
        }
        "application/ofd" => DocKind::Ofd,
        "text/html"
        | "application/xhtml+xml"
        | "text/plain"
        | "image/jpeg"
        | "image/png"
        | "image/gif" => DocKind::Other,
        _ => return None,
    })
}

fn from_url(url: &str) -> Option<DocKind> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let (_, ext) = last.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "pdf" => DocKind::Pdf,
        "docx" => DocKind::Docx,
        "doc" => DocKind::Doc,
        "xlsx" | "xlsm" => DocKind::Xlsx,
        "xls" | "et" => DocKind::Xls,
        "wps" => DocKind::Wps,
        "ofd" => DocKind::Ofd,
        "html" | "htm" | "shtml" | "jsp" | "txt" | "jpg" | "jpeg" | "png" | "gif" | "zip"
        | "rar" => DocKind::Other,
        _ => return None,
    })
}

/// The kind the first bytes show, if they show one.
fn sniff(bytes: &[u8]) -> Option<DocKind> {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Some(DocKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(zip_kind(bytes).unwrap_or(DocKind::Other));
    }
    if bytes.starts_with(OLE2) {
        return Some(ole_kind(bytes));
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("<!doctype html") || text.starts_with("<html") || text.starts_with("<?xml")
    {
        return Some(DocKind::Other);
    }
    None
}

/// A zip's kind from its member names (central directory first, then local headers).
fn zip_kind(bytes: &[u8]) -> Option<DocKind> {
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
        Some(DocKind::Docx)
    } else if has("xl/") {
        Some(DocKind::Xlsx)
    } else if has("OFD.xml") {
        Some(DocKind::Ofd)
    } else {
        None
    }
}

/// An OLE2 compound file's kind from its directory entry names (UTF-16LE).
fn ole_kind(bytes: &[u8]) -> DocKind {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    if find(bytes, &utf16("WordDocument")).is_some() {
        DocKind::Doc
    } else if find(bytes, &utf16("Workbook")).is_some() || find(bytes, &utf16("Book")).is_some() {
        DocKind::Xls
    } else {
        DocKind::Doc
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_then_url_then_bytes() {
        assert_eq!(
            detect(
                "http://x/a",
                Some("application/pdf; charset=binary"),
                b"%PDF-1.7"
            ),
            DocKind::Pdf
        );
        assert_eq!(
            detect(
                "http://x/a.xls?id=3",
                None,
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
            ),
            DocKind::Xls
        );
        assert_eq!(
            detect("http://x/a.doc", Some("application/octet-stream"), b""),
            DocKind::Doc
        );
        assert_eq!(detect("http://x/a", None, b"%PDF-1.4\n"), DocKind::Pdf);
        assert_eq!(detect("http://x/a", None, b"hello"), DocKind::Other);
        assert_eq!(detect("http://x/a.WPS", None, b""), DocKind::Wps);
        assert_eq!(detect("http://x/a.ofd", None, b""), DocKind::Ofd);
    }

    #[test]
    fn bytes_win_over_a_contradicting_claim() {
        assert_eq!(
            detect(
                "http://x/a.pdf",
                Some("application/pdf"),
                b"<!DOCTYPE html><html>"
            ),
            DocKind::Other
        );
        assert_eq!(
            detect("http://x/a.xls", None, b"%PDF-1.5 ..."),
            DocKind::Pdf
        );
        // Unknown bytes do not overrule a claim.
        assert_eq!(detect("http://x/a.pdf", None, b"\x00\x01"), DocKind::Pdf);
    }
}
