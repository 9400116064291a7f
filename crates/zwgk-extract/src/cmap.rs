//! `/ToUnicode` CMaps: character codes of a font to Unicode text.
//!
//! Reads `begincodespacerange`, `beginbfchar` and `beginbfrange` sections (ISO 32000-1,
//! 9.10.3); anything else in the stream is skipped. Malformed parts are ignored, so a
//! damaged map gives what it can.

use std::collections::HashMap;

/// Most mappings kept from one CMap: a bound on memory for hostile streams.
const MAX_ENTRIES: usize = 200_000;

#[derive(Debug, Default)]
pub(crate) struct ToUnicode {
    /// Code space ranges: (byte length, low bytes, high bytes).
    codespace: Vec<(usize, Vec<u8>, Vec<u8>)>,
    single: HashMap<(u8, u32), String>,
    ranges: Vec<Range>,
}

#[derive(Debug)]
struct Range {
    len: u8,
    lo: u32,
    hi: u32,
    dst: RangeDst,
}

#[derive(Debug)]
enum RangeDst {
    /// UTF-16 units of the first code's text; later codes add to the last unit.
    Base(Vec<u16>),
    /// One text per code.
    List(Vec<String>),
}

#[derive(Debug, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Word(Vec<u8>),
    Open,
    Close,
    Other,
}

fn tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | 0 => i += 1,
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                out.push(Tok::Other);
                i += 2;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                out.push(Tok::Other);
                i += 2;
            }
            b'<' => {
                i += 1;
                let mut digits = Vec::new();
                while i < data.len() && data[i] != b'>' {
                    if let Some(d) = (data[i] as char).to_digit(16) {
                        digits.push(d as u8);
                    }
                    i += 1;
                }
                i += 1;
                if digits.len() % 2 == 1 {
                    digits.push(0);
                }
                out.push(Tok::Hex(
                    digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect(),
                ));
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings carry no mappings here; skip with nesting.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                out.push(Tok::Other);
            }
            _ => {
                let start = i;
                while i < data.len()
                    && !matches!(
                        data[i],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'\x0c'
                            | 0
                            | b'<'
                            | b'>'
                            | b'['
                            | b']'
                            | b'('
                            | b'%'
                    )
                {
                    i += 1;
                    if data[i - 1] == b'/' && i - 1 > start {
                        i -= 1;
                        break;
                    }
                }
                if i == start {
                    i += 1;
                    out.push(Tok::Other);
                } else {
                    out.push(Tok::Word(data[start..i].to_vec()));
                }
            }
        }
    }
    out
}

fn code(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((
        bytes.len() as u8,
        bytes.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b)),
    ))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|p| {
            if p.len() == 2 {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from(p[0])
            }
        })
        .collect()
}

fn utf16_text(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .filter_map(Result::ok)
        .collect()
}

impl ToUnicode {
    /// Parse a (decompressed) CMap stream.
    pub fn parse(data: &[u8]) -> ToUnicode {
        let toks = tokens(data);
        let mut map = ToUnicode::default();
        let mut entries = 0usize;
        let mut i = 0;
        while i < toks.len() && entries < MAX_ENTRIES {
            match &toks[i] {
                Tok::Word(w) if w == b"begincodespacerange" => {
                    i += 1;
                    while i + 1 < toks.len() {
                        match (&toks[i], &toks[i + 1]) {
                            (Tok::Hex(lo), Tok::Hex(hi))
                                if lo.len() == hi.len() && !lo.is_empty() && lo.len() <= 4 =>
                            {
                                map.codespace.push((lo.len(), lo.clone(), hi.clone()));
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Word(w) if w == b"beginbfchar" => {
                    i += 1;
                    while i + 1 < toks.len() && entries < MAX_ENTRIES {
                        match (&toks[i], &toks[i + 1]) {
                            (Tok::Hex(src), Tok::Hex(dst)) => {
                                if let Some(c) = code(src) {
                                    map.single.insert(c, utf16_text(&utf16_units(dst)));
                                    entries += 1;
                                }
                                i += 2;
                            }
                            (Tok::Hex(_), _) => i += 2,
                            _ => break,
                        }
                    }
                }
                Tok::Word(w) if w == b"beginbfrange" => {
                    i += 1;
                    while i + 2 < toks.len() && entries < MAX_ENTRIES {
                        let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
                            break;
                        };
                        let bounds = code(lo).zip(code(hi)).filter(|(l, h)| l.1 <= h.1);
                        match &toks[i + 2] {
                            Tok::Hex(dst) => {
                                if let Some(((len, lo), (_, hi))) = bounds {
                                    map.ranges.push(Range {
                                        len,
                                        lo,
                                        hi,
                                        dst: RangeDst::Base(utf16_units(dst)),
                                    });
                                    entries += 1;
                                }
                                i += 3;
                            }
                            Tok::Open => {
                                let mut list = Vec::new();
                                i += 3;
                                while i < toks.len() && toks[i] != Tok::Close {
                                    if let Tok::Hex(d) = &toks[i] {
                                        list.push(utf16_text(&utf16_units(d)));
                                    }
                                    i += 1;
                                }
                                i += 1;
                                if let Some(((len, lo), (_, hi))) = bounds {
                                    entries += list.len().max(1);
                                    map.ranges.push(Range {
                                        len,
                                        lo,
                                        hi,
                                        dst: RangeDst::List(list),
                                    });
                                }
                            }
                            _ => i += 3,
                        }
                    }
                }
                _ => i += 1,
            }
        }
        map.ranges.sort_by_key(|r| (r.len, r.lo));
        map
    }

    /// Whether the map has any mapping.
    pub fn is_empty(&self) -> bool {
        self.single.is_empty() && self.ranges.is_empty()
    }

    /// The byte length of the code starting `bytes`, from the code space ranges, if they
    /// decide it.
    pub fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        self.codespace
            .iter()
            .filter(|(len, _, _)| *len <= bytes.len())
            .find(|(len, lo, hi)| (0..*len).all(|k| lo[k] <= bytes[k] && bytes[k] <= hi[k]))
            .map(|(len, _, _)| *len)
    }

    /// The text of one code of `len` bytes, if mapped.
    pub fn lookup(&self, len: usize, value: u32) -> Option<String> {
        if let Some(s) = self.single.get(&(len as u8, value)) {
            return Some(s.clone());
        }
        // Sorted by (length, first code): the last range starting at or before `value`.
        let key = (len as u8, value);
        let n = self.ranges.partition_point(|r| (r.len, r.lo) <= key);
        let r = self.ranges[..n]
            .last()
            .filter(|r| usize::from(r.len) == len && value <= r.hi)?;
        let offset = value - r.lo;
        match &r.dst {
            RangeDst::Base(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(offset as u16);
                Some(utf16_text(&units))
            }
            RangeDst::List(list) => list.get(offset as usize).cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_bfrange_and_codespace() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
            /CMapName /Adobe-Identity-UCS def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <5E7F> <0004> <4E1C> endbfchar\n\
            2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<7701> <D840DC00>] endbfrange\n\
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let m = ToUnicode::parse(cmap);
        assert_eq!(m.code_len(&[0, 3]), Some(2));
        assert_eq!(m.lookup(2, 3).as_deref(), Some("广"));
        assert_eq!(m.lookup(2, 4).as_deref(), Some("东"));
        assert_eq!(m.lookup(2, 0x11).as_deref(), Some("1"));
        assert_eq!(m.lookup(2, 0x20).as_deref(), Some("省"));
        assert_eq!(m.lookup(2, 0x21).as_deref(), Some("\u{20000}"));
        assert_eq!(m.lookup(2, 0x22), None);
    }

    #[test]
    fn garbage_gives_an_empty_map() {
        for junk in [
            &b"beginbfrange <00"[..],
            b"<<<<>>>>[[[",
            b"1 beginbfchar <01>",
            b"",
        ] {
            let m = ToUnicode::parse(junk);
            assert!(m.lookup(1, 1).is_none());
        }
    }
}
