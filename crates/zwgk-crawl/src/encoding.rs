//! Decoding page bytes: BOM, then the HTTP header's charset, then `<meta>`,
//! then the bytes themselves: valid UTF-8 is UTF-8 whatever the label says; otherwise
//! the declared charset when the bytes decode cleanly under it, else GB18030 (a
//! superset of GBK and GB2312).
//!
//! Portals mislabel: a page declared GBK may be UTF-8 and the reverse. A declared
//! charset is trusted only when the bytes decode without error under it.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, UTF_8};

/// The decoded text and the name of the encoding used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text: the body itself when it is UTF-8 already.
    pub text: Cow<'a, str>,
    /// Name of the encoding that was used (e.g. `UTF-8`, `gb18030`).
    pub encoding: &'static str,
    /// Whether some bytes could not be decoded and were replaced.
    pub had_errors: bool,
}

/// How far into the document to look for a `<meta charset>`.
const META_SCAN_BYTES: usize = 2048;

/// The charset named in a `Content-Type` value or a `<meta>` tag.
pub fn charset_label(text: &[u8]) -> Option<&'static Encoding> {
    let head = &text[..text.len().min(META_SCAN_BYTES)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let needle = b"charset=";
    let pos = lower.windows(needle.len()).position(|w| w == needle)?;
    let rest = &lower[pos + needle.len()..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Decode a body, given the `Content-Type` header when there is one.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text,
            encoding: enc.name(),
            had_errors,
        };
    }
    // Text in GBK is almost never valid UTF-8, while GB18030 decodes nearly any
    // bytes: valid UTF-8 therefore wins over a declaration (mislabelled pages).
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8.name(),
            had_errors: false,
        };
    }
    let declared = content_type
        .and_then(|c| charset_label(c.as_bytes()))
        .or_else(|| charset_label(bytes));
    let mut candidates: Vec<&'static Encoding> = Vec::new();
    if let Some(enc) = declared {
        // GBK and GB2312 labels decode as GB18030, their superset.
        let enc = if enc == encoding_rs::GBK {
            GB18030
        } else {
            enc
        };
        if enc != UTF_8 {
            candidates.push(enc);
        }
    }
    if !candidates.contains(&GB18030) {
        candidates.push(GB18030);
    }
    for enc in &candidates {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Decoded {
                text,
                encoding: enc.name(),
                had_errors,
            };
        }
    }
    let enc = candidates[0];
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: enc.name(),
        had_errors: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn declared_gbk_meta() {
        let html = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><p>广东省文化和旅游厅</p>";
        let bytes = gbk(html);
        let d = decode(&bytes, None);
        assert!(d.text.contains("广东省文化和旅游厅"));
        assert_eq!(d.encoding, "gb18030");
        assert!(!d.had_errors);
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let bytes = gbk("<p>政府信息公开指南</p>");
        let d = decode(&bytes, None);
        assert!(d.text.contains("政府信息公开指南"), "{}", d.text);
    }

    #[test]
    fn mislabelled_utf8_declared_gbk() {
        let html = "<meta charset=\"gbk\"><p>政务公开</p>";
        let d = decode(html.as_bytes(), Some("text/html; charset=GBK"));
        assert!(d.text.contains("政务公开"), "{}", d.text);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn bom_wins() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("年报".as_bytes());
        assert_eq!(decode(&b, Some("text/html; charset=gbk")).text, "年报");
    }

    #[test]
    fn garbage_never_panics() {
        let d = decode(&[0xff, 0xfe, 0x00, 0x81, 0x30], None);
        let _ = d.text.len();
        let d = decode(&[0x81, 0xff, 0xff], Some("charset="));
        assert!(d.had_errors);
    }
}
