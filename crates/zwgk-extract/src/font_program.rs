//! The built-in encoding of an embedded simple font program: code → glyph name, read
//! from a CFF font (`/FontFile3` of subtype `Type1C`; Adobe Technical Note #5176) or from
//! the clear-text part of a Type 1 font (`/FontFile`; Adobe Type 1 Font Format, 2.3).
//!
//! A simple font without `/Encoding` shows its codes through this encoding; TeX's math
//! fonts (CMMI, CMSY, …) are the common case: their codes mean nothing in
//! `StandardEncoding`. Every read is bounds-checked: a damaged program gives `None`.

use std::sync::OnceLock;

use crate::kind::find;

/// The glyph name of each code, where the program's encoding names one.
pub(crate) type GlyphNames = Vec<Option<String>>;

/// The built-in encoding of a CFF font program, `None` when it is `StandardEncoding` (or
/// the Expert encoding), the font is a CID font, or the program cannot be read.
pub(crate) fn cff_encoding(cff: &[u8]) -> Option<GlyphNames> {
    let header_size = usize::from(*cff.get(2)?);
    let names = Index::at(cff, header_size)?;
    let top_dicts = Index::at(cff, names.end)?;
    let strings = Index::at(cff, top_dicts.end)?;
    let top = dict(top_dicts.item(cff, 0)?);
    let operand = |op: u16| {
        top.iter()
            .find(|(o, _)| *o == op)
            .map(|(_, v)| v.as_slice())
    };
    // ROS (12 30): a CID font has no encoding.
    if operand(0x0C1E).is_some() {
        return None;
    }
    let encoding_at = match operand(16) {
        Some([at]) => usize::try_from(*at).ok()?,
        _ => 0,
    };
    if encoding_at <= 1 {
        return None; // StandardEncoding (0) or the Expert encoding (1).
    }
    let charstrings_at = match operand(17) {
        Some([at]) => usize::try_from(*at).ok()?,
        _ => return None,
    };
    let glyphs = Index::at(cff, charstrings_at)?.count;
    let charset_at = match operand(15) {
        Some([at]) => usize::try_from(*at).ok()?,
        _ => 0,
    };
    let sids = charset(cff, charset_at, glyphs)?;
    let name = |sid: u16| -> Option<String> {
        let sid = usize::from(sid);
        match standard_strings().get(sid) {
            Some(s) => Some((*s).to_string()),
            None => strings
                .item(cff, sid - standard_strings().len())
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        }
    };
    let mut out: GlyphNames = vec![None; 256];
    let format = *cff.get(encoding_at)?;
    let mut at = encoding_at + 1;
    let mut assign = |code: u8, gid: usize| {
        if let Some(&sid) = sids.get(gid) {
            out[usize::from(code)] = name(sid);
        }
    };
    match format & 0x7F {
        0 => {
            let n = usize::from(*cff.get(at)?);
            let codes = cff.get(at + 1..at + 1 + n)?;
            for (k, &code) in codes.iter().enumerate() {
                assign(code, k + 1);
            }
            at += 1 + n;
        }
        1 => {
            let n = usize::from(*cff.get(at)?);
            let ranges = cff.get(at + 1..at + 1 + 2 * n)?;
            let mut gid = 1;
            for range in ranges.chunks_exact(2) {
                let (first, left) = (usize::from(range[0]), usize::from(range[1]));
                for code in first..=(first + left).min(255) {
                    assign(code as u8, gid);
                    gid += 1;
                }
            }
            at += 1 + 2 * n;
        }
        _ => return None,
    }
    // Supplements: more codes for glyphs already encoded, by their SID.
    if format & 0x80 != 0 {
        let n = usize::from(*cff.get(at)?);
        let supplements = cff.get(at + 1..at + 1 + 3 * n)?;
        for s in supplements.chunks_exact(3) {
            out[usize::from(s[0])] = name(u16::from_be_bytes([s[1], s[2]]));
        }
    }
    Some(out)
}

/// The built-in encoding of a Type 1 font program, from the `dup CODE /NAME put` lines
/// of its clear-text `/Encoding` array; `None` when it is `StandardEncoding` or absent.
pub(crate) fn type1_encoding(program: &[u8]) -> Option<GlyphNames> {
    // The clear text ends where the encrypted part starts.
    let clear = match find(program, b"eexec") {
        Some(end) => &program[..end],
        None => program,
    };
    let start = find(clear, b"/Encoding")?;
    let rest = &clear[start + b"/Encoding".len()..];
    let head = rest.get(..rest.len().min(64)).unwrap_or(rest);
    if find(head, b"StandardEncoding").is_some() {
        return None;
    }
    let end = find(rest, b"readonly def")
        .or_else(|| find(rest, b" def"))
        .unwrap_or(rest.len());
    let text = String::from_utf8_lossy(&rest[..end]);
    let mut out: GlyphNames = vec![None; 256];
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    let mut found = false;
    for w in words.windows(4) {
        if let ["dup", code, name, "put"] = w {
            let (Ok(code), Some(name)) = (code.parse::<u8>(), name.strip_prefix('/')) else {
                continue;
            };
            out[usize::from(code)] = Some(name.to_string());
            found = true;
        }
    }
    found.then_some(out)
}

/// SID 0 to 390, the names every CFF font shares (TN #5176, Appendix A).
fn standard_strings() -> &'static [&'static str] {
    static STRINGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    STRINGS.get_or_init(|| {
        include_str!("../data/cff-standard-strings.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// A CFF INDEX: `count` items whose offsets follow the header.
struct Index {
    count: usize,
    /// Where the offsets start, and their size in bytes.
    offsets: usize,
    offset_size: usize,
    /// The byte before the first item (offsets count from 1).
    base: usize,
    /// The first byte after the INDEX.
    end: usize,
}

impl Index {
    fn at(cff: &[u8], at: usize) -> Option<Index> {
        let count = usize::from(u16::from_be_bytes([*cff.get(at)?, *cff.get(at + 1)?]));
        if count == 0 {
            return Some(Index {
                count,
                offsets: at + 2,
                offset_size: 1,
                base: at + 2,
                end: at + 2,
            });
        }
        let offset_size = usize::from(*cff.get(at + 2)?);
        if !(1..=4).contains(&offset_size) {
            return None;
        }
        let offsets = at + 3;
        let base = offsets + (count + 1) * offset_size - 1;
        let mut index = Index {
            count,
            offsets,
            offset_size,
            base,
            end: 0,
        };
        index.end = base.checked_add(index.offset(cff, count)?)?;
        (index.end <= cff.len()).then_some(index)
    }

    fn offset(&self, cff: &[u8], k: usize) -> Option<usize> {
        let at = self.offsets + k * self.offset_size;
        let bytes = cff.get(at..at + self.offset_size)?;
        Some(bytes.iter().fold(0usize, |v, b| (v << 8) | usize::from(*b)))
    }

    fn item<'a>(&self, cff: &'a [u8], k: usize) -> Option<&'a [u8]> {
        if k >= self.count {
            return None;
        }
        let (start, end) = (self.offset(cff, k)?, self.offset(cff, k + 1)?);
        cff.get(self.base.checked_add(start)?..self.base.checked_add(end)?)
    }
}

/// A DICT's entries: operator (two-byte operators as `12 << 8 | b`) and its integer
/// operands (real numbers read as 0: no operator read here takes one).
fn dict(data: &[u8]) -> Vec<(u16, Vec<i64>)> {
    let mut out = Vec::new();
    let mut operands = Vec::new();
    let mut at = 0;
    let byte = |k: usize| data.get(k).copied().map(i64::from);
    while let Some(&b0) = data.get(at) {
        at += 1;
        let value = match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    let Some(&b1) = data.get(at) else { break };
                    at += 1;
                    0x0C00 | u16::from(b1)
                } else {
                    u16::from(b0)
                };
                out.push((op, std::mem::take(&mut operands)));
                continue;
            }
            28 => {
                let (Some(a), Some(b)) = (byte(at), byte(at + 1)) else {
                    break;
                };
                at += 2;
                i64::from(i16::from_be_bytes([a as u8, b as u8]))
            }
            29 => {
                let Some(b) = data.get(at..at + 4) else { break };
                at += 4;
                i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            }
            30 => {
                // A real: nibbles up to the one that ends it.
                while let Some(&b) = data.get(at) {
                    at += 1;
                    if b & 0x0F == 0x0F || b >> 4 == 0x0F {
                        break;
                    }
                }
                0
            }
            32..=246 => i64::from(b0) - 139,
            247..=250 => {
                let Some(b1) = byte(at) else { break };
                at += 1;
                (i64::from(b0) - 247) * 256 + b1 + 108
            }
            251..=254 => {
                let Some(b1) = byte(at) else { break };
                at += 1;
                -(i64::from(b0) - 251) * 256 - b1 - 108
            }
            _ => continue, // reserved
        };
        operands.push(value);
    }
    out
}

/// The SID of each glyph id (glyph 0 is `.notdef`), from the charset at `at`.
fn charset(cff: &[u8], at: usize, glyphs: usize) -> Option<Vec<u16>> {
    // At most 65,536 glyphs: a CFF font's glyph ids are 16-bit.
    let glyphs = glyphs.min(65_536);
    let mut sids = vec![0u16];
    match at {
        // ISOAdobe: glyph k is SID k.
        0 => sids.extend(1..glyphs.min(229) as u16),
        // Expert and ExpertSubset: their glyphs have no standard text here.
        1 | 2 => return None,
        _ => {
            let format = *cff.get(at)?;
            let mut p = at + 1;
            let read16 = |p: usize| Some(u16::from_be_bytes([*cff.get(p)?, *cff.get(p + 1)?]));
            while sids.len() < glyphs {
                match format {
                    0 => {
                        sids.push(read16(p)?);
                        p += 2;
                    }
                    1 | 2 => {
                        let first = read16(p)?;
                        let left = if format == 1 {
                            u16::from(*cff.get(p + 2)?)
                        } else {
                            read16(p + 2)?
                        };
                        p += if format == 1 { 3 } else { 4 };
                        for k in 0..=left {
                            if sids.len() >= glyphs {
                                break;
                            }
                            sids.push(first.saturating_add(k));
                        }
                    }
                    _ => return None,
                }
            }
        }
    }
    Some(sids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(items: &[&[u8]]) -> Vec<u8> {
        let mut out = (items.len() as u16).to_be_bytes().to_vec();
        if items.is_empty() {
            return out;
        }
        out.push(2);
        let mut offset = 1u16;
        out.extend_from_slice(&offset.to_be_bytes());
        for item in items {
            offset += item.len() as u16;
            out.extend_from_slice(&offset.to_be_bytes());
        }
        for item in items {
            out.extend_from_slice(item);
        }
        out
    }

    /// A CFF font of four glyphs (.notdef, period, a custom "arrowright", A) whose
    /// encoding puts period at 58, the custom glyph at 33 and A at 65, plus a supplement
    /// giving period code 46 too.
    fn font() -> Vec<u8> {
        font_with_encoding(None)
    }

    /// [`font`], its Top DICT's encoding offset replaced by `encoding` if given.
    fn font_with_encoding(encoding_override: Option<usize>) -> Vec<u8> {
        let head = [1u8, 0, 4, 1];
        let names = index(&[b"CMMI10"]);
        let strings = index(&[b"arrowright"]);
        let subrs = index(&[]);
        let charstrings = index(&[b"\x0e", b"\x0e", b"\x0e", b"\x0e"]);
        // charset format 0: SIDs of glyphs 1..3: period (15), 391 (the custom string), A (34).
        let charset = [0u8, 0, 15, 1, 0x87, 0, 34];
        // encoding format 0 with supplements: 3 codes, then 1 supplement (46 → SID 15).
        let encoding = [0x80u8, 3, 58, 33, 65, 1, 46, 0, 15];
        // Top DICT with fixed-size operands (29: 32-bit) so its length is known.
        let top_len = 3 * 6;
        // The Top DICT INDEX: count, offset size, two offsets, then the DICT.
        let fixed = head.len() + names.len() + 7 + top_len + strings.len() + subrs.len();
        let charset_at = fixed;
        let encoding_at = charset_at + charset.len();
        let charstrings_at = encoding_at + encoding.len();
        let mut top = Vec::new();
        let encoding_operand = encoding_override.unwrap_or(encoding_at);
        for (value, op) in [
            (charset_at, 15u8),
            (encoding_operand, 16),
            (charstrings_at, 17),
        ] {
            top.push(29);
            top.extend_from_slice(&(value as i32).to_be_bytes());
            top.push(op);
        }
        assert_eq!(top.len(), top_len);
        let mut cff = head.to_vec();
        cff.extend(names);
        cff.extend(index(&[&top]));
        cff.extend(strings);
        cff.extend(subrs);
        assert_eq!(cff.len(), charset_at);
        cff.extend_from_slice(&charset);
        cff.extend_from_slice(&encoding);
        cff.extend(charstrings);
        cff
    }

    #[test]
    fn a_cff_font_names_its_codes() {
        let names = cff_encoding(&font()).expect("an encoding");
        assert_eq!(names[58].as_deref(), Some("period"));
        assert_eq!(names[33].as_deref(), Some("arrowright"));
        assert_eq!(names[65].as_deref(), Some("A"));
        assert_eq!(names[46].as_deref(), Some("period"));
        assert_eq!(names.iter().flatten().count(), 4);
    }

    #[test]
    fn a_damaged_cff_font_gives_nothing_and_no_panic() {
        let whole = font();
        for cut in 0..whole.len() {
            let _ = cff_encoding(&whole[..cut]);
        }
        for k in 0..whole.len() {
            let mut damaged = whole.clone();
            damaged[k] = damaged[k].wrapping_add(0x55);
            let _ = cff_encoding(&damaged);
        }
    }

    #[test]
    fn a_standard_encoding_cff_font_gives_nothing() {
        assert!(cff_encoding(&font_with_encoding(Some(0))).is_none());
        assert!(cff_encoding(&font_with_encoding(Some(1))).is_none());
    }

    #[test]
    fn a_type1_font_names_its_codes() {
        let program = b"%!PS-AdobeFont-1.0: CMSY10 003.002\n/FontName /CMSY10 def\n\
            /Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 0 /minus put\ndup 1 /periodcentered put\ndup 106 /bar put\n\
            readonly def\ncurrentdict end\ncurrentfile eexec\x8d\x01dup 7 /x put";
        let names = type1_encoding(program).expect("an encoding");
        assert_eq!(names[0].as_deref(), Some("minus"));
        assert_eq!(names[1].as_deref(), Some("periodcentered"));
        assert_eq!(names[106].as_deref(), Some("bar"));
        assert_eq!(names[7], None, "the encrypted part is not read");
        let standard = b"/FontName /Times def /Encoding StandardEncoding def currentfile eexec";
        assert!(type1_encoding(standard).is_none());
    }

    #[test]
    fn the_standard_strings_are_the_391_of_the_specification() {
        let s = standard_strings();
        assert_eq!(s.len(), 391);
        assert_eq!(
            (s[0], s[15], s[34], s[228], s[390]),
            (".notdef", "period", "A", "zcaron", "Semibold")
        );
    }
}
