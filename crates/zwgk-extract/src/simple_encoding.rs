//! The encodings of simple (single-byte) fonts: a code's glyph name, from the base
//! encoding (`StandardEncoding`, `WinAnsiEncoding`, `MacRomanEncoding`; ISO 32000-1,
//! 9.6.6 and Annex D) changed by the font's `/Differences`, and the glyph name's text
//! by the Adobe Glyph List and its naming rules (`uniXXXX`, `uXXXX`, `a_b` ligatures,
//! `.suffix` variants).
//!
//! The glyph list is Adobe's `glyphlist.txt` (`adobe-type-tools/agl-aglfn`, BSD-3-Clause,
//! see `data/README.md`), parsed on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use lopdf::Object;

/// A simple font's base encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    /// `StandardEncoding`, Adobe's Latin text encoding (the default of Type 1 fonts).
    Standard,
    /// `WinAnsiEncoding`, Windows code page 1252.
    WinAnsi,
    /// `MacRomanEncoding`, Mac OS Roman.
    MacRoman,
}

impl Base {
    /// The base encoding a name such as `/WinAnsiEncoding` gives, if one of the three.
    pub(crate) fn named(name: &[u8]) -> Option<Base> {
        match name {
            b"StandardEncoding" => Some(Base::Standard),
            b"WinAnsiEncoding" => Some(Base::WinAnsi),
            b"MacRomanEncoding" => Some(Base::MacRoman),
            _ => None,
        }
    }
}

/// Code → text for one simple font.
#[derive(Debug)]
pub(crate) struct SimpleEncoding {
    /// The text of each code (empty: no text).
    texts: Vec<String>,
}

impl SimpleEncoding {
    /// The base encoding's texts.
    pub(crate) fn new(base: Base) -> SimpleEncoding {
        let texts = (0u8..=255)
            .map(|code| match code {
                // Tabs and line ends shown as text are spaces between words.
                0x09 | 0x0a | 0x0d => " ".to_string(),
                _ => base_char(base, code)
                    .filter(|c| !c.is_control())
                    .map(String::from)
                    .unwrap_or_default(),
            })
            .collect();
        SimpleEncoding { texts }
    }

    /// The texts of a font program's own encoding: each code's glyph name read through
    /// the glyph list; a code without a name, or a name without text, has none.
    pub(crate) fn from_glyph_names(names: &[Option<String>]) -> SimpleEncoding {
        let texts = (0..256)
            .map(|code| {
                names
                    .get(code)
                    .and_then(Option::as_deref)
                    .and_then(glyph_text)
                    .unwrap_or_default()
            })
            .collect();
        SimpleEncoding { texts }
    }

    /// Apply a `/Differences` array: a code, then the glyph names of that code and the
    /// ones after it, then another code, and so on. A name with no known text leaves
    /// its code without text.
    pub(crate) fn apply_differences(&mut self, differences: &[Object]) {
        let mut code: Option<usize> = None;
        for item in differences {
            match item {
                Object::Integer(i) => code = usize::try_from(*i).ok(),
                Object::Name(name) => {
                    if let Some(slot) = code.and_then(|c| self.texts.get_mut(c)) {
                        *slot = glyph_text(&String::from_utf8_lossy(name)).unwrap_or_default();
                    }
                    code = code.map(|c| c + 1);
                }
                _ => {}
            }
        }
    }

    /// The text of one code.
    pub(crate) fn text(&self, code: u8) -> &str {
        &self.texts[usize::from(code)]
    }
}

/// The character of `code` in a base encoding.
fn base_char(base: Base, code: u8) -> Option<char> {
    match base {
        Base::WinAnsi => decode_one(encoding_rs::WINDOWS_1252, code),
        Base::MacRoman => decode_one(encoding_rs::MACINTOSH, code),
        Base::Standard => match code {
            0x27 => Some('\u{2019}'),
            0x60 => Some('\u{2018}'),
            0x20..=0x7e => Some(char::from(code)),
            _ => STANDARD_HIGH
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, ch)| *ch),
        },
    }
}

fn decode_one(encoding: &'static encoding_rs::Encoding, code: u8) -> Option<char> {
    let byte = [code];
    let (text, _) = encoding.decode_without_bom_handling(&byte);
    let first = text.chars().next();
    first.filter(|c| *c != '\u{fffd}')
}

/// `StandardEncoding` above ASCII (ISO 32000-1, Annex D.2).
const STANDARD_HIGH: &[(u8, char)] = &[
    (0xa1, '¡'),
    (0xa2, '¢'),
    (0xa3, '£'),
    (0xa4, '⁄'),
    (0xa5, '¥'),
    (0xa6, 'ƒ'),
    (0xa7, '§'),
    (0xa8, '¤'),
    (0xa9, '\''),
    (0xaa, '“'),
    (0xab, '«'),
    (0xac, '‹'),
    (0xad, '›'),
    (0xae, 'ﬁ'),
    (0xaf, 'ﬂ'),
    (0xb1, '–'),
    (0xb2, '†'),
    (0xb3, '‡'),
    (0xb4, '·'),
    (0xb6, '¶'),
    (0xb7, '•'),
    (0xb8, '‚'),
    (0xb9, '„'),
    (0xba, '”'),
    (0xbb, '»'),
    (0xbc, '…'),
    (0xbd, '‰'),
    (0xbf, '¿'),
    (0xc1, '`'),
    (0xc2, '´'),
    (0xc3, 'ˆ'),
    (0xc4, '˜'),
    (0xc5, '¯'),
    (0xc6, '˘'),
    (0xc7, '˙'),
    (0xc8, '¨'),
    (0xca, '˚'),
    (0xcb, '¸'),
    (0xcd, '˝'),
    (0xce, '˛'),
    (0xcf, 'ˇ'),
    (0xd0, '—'),
    (0xe1, 'Æ'),
    (0xe3, 'ª'),
    (0xe8, 'Ł'),
    (0xe9, 'Ø'),
    (0xea, 'Œ'),
    (0xeb, 'º'),
    (0xf1, 'æ'),
    (0xf5, 'ı'),
    (0xf8, 'ł'),
    (0xf9, 'ø'),
    (0xfa, 'œ'),
    (0xfb, 'ß'),
];

/// The Adobe Glyph List: glyph name → text.
fn glyph_list() -> &'static HashMap<&'static str, String> {
    static LIST: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../data/glyphlist.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, codes) = l.split_once(';')?;
                let text = codes
                    .split(' ')
                    .map(|h| u32::from_str_radix(h, 16).ok().and_then(char::from_u32))
                    .collect::<Option<String>>()?;
                Some((name, text))
            })
            .collect()
    })
}

/// The text of a glyph name, by the Adobe Glyph List specification's rules: the part
/// before the first `.`; each `_`-separated component from the list, or `uniXXXX…`
/// (groups of four hex digits), or `uXXXX` to `uXXXXXX`.
pub(crate) fn glyph_text(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    let mut text = String::new();
    for component in base.split('_') {
        text.push_str(&component_text(component)?);
    }
    Some(text)
}

fn component_text(component: &str) -> Option<String> {
    if let Some(t) = glyph_list().get(component) {
        return Some(t.clone());
    }
    let hex = |s: &str| {
        (s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(s, 16).ok())
            .flatten()
    };
    let scalar = |v: u32| char::from_u32(v).filter(|c| !c.is_control());
    if let Some(digits) = component.strip_prefix("uni") {
        if !digits.is_empty() && digits.len() % 4 == 0 && digits.is_ascii() {
            return (0..digits.len())
                .step_by(4)
                .map(|i| hex(&digits[i..i + 4]).and_then(scalar))
                .collect();
        }
    }
    if let Some(digits) = component.strip_prefix('u') {
        if (4..=6).contains(&digits.len()) {
            return hex(digits).and_then(scalar).map(String::from);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_encodings_differ_where_annex_d_says() {
        let std = SimpleEncoding::new(Base::Standard);
        let win = SimpleEncoding::new(Base::WinAnsi);
        let mac = SimpleEncoding::new(Base::MacRoman);
        assert_eq!(std.text(b'A'), "A");
        assert_eq!(std.text(0x27), "’");
        assert_eq!(win.text(0x27), "'");
        assert_eq!(std.text(0xd0), "—");
        assert_eq!(win.text(0x97), "—");
        assert_eq!(mac.text(0xd1), "—");
        assert_eq!(win.text(0xe9), "é");
        assert_eq!(mac.text(0x8e), "é");
        assert_eq!(std.text(0xe9), "Ø");
        assert_eq!(win.text(0x81), "", "undefined in code page 1252");
        assert_eq!(win.text(0x09), " ");
    }

    #[test]
    fn differences_rename_codes_from_their_start_code() {
        let mut enc = SimpleEncoding::new(Base::WinAnsi);
        let name = |n: &str| Object::Name(n.as_bytes().to_vec());
        enc.apply_differences(&[
            Object::Integer(65),
            name("uni4E2D"),
            name("uni56FD"),
            Object::Integer(200),
            name("eacute"),
            name("f_f_i"),
            name("g123"),
        ]);
        assert_eq!(enc.text(65), "中");
        assert_eq!(enc.text(66), "国");
        assert_eq!(enc.text(67), "C");
        assert_eq!(enc.text(200), "é");
        assert_eq!(enc.text(201), "ffi");
        assert_eq!(
            enc.text(202),
            "",
            "a name with no text leaves the code blank"
        );
    }

    #[test]
    fn glyph_names_follow_the_agl_rules() {
        assert_eq!(glyph_text("A").as_deref(), Some("A"));
        assert_eq!(glyph_text("A.sc").as_deref(), Some("A"));
        assert_eq!(glyph_text("uni4E2D56FD").as_deref(), Some("中国"));
        assert_eq!(glyph_text("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_text("uniD800"), None, "a surrogate is no character");
        assert_eq!(glyph_text("quotedblleft").as_deref(), Some("“"));
        assert_eq!(glyph_text(".notdef"), None);
        assert_eq!(glyph_text("uni"), None);
        assert_eq!(glyph_text("uni4E2"), None);
    }
}
