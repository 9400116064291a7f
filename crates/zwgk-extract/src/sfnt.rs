//! The `cmap` table of an embedded TrueType/OpenType font, reversed: glyph id → character.
//!
//! A CID font with `Identity-H` codes and no `/ToUnicode` map still names its glyphs by
//! id; when the embedded font keeps its `cmap` table, reading it backwards gives the text.

use std::collections::HashMap;

/// Most code points read from one `cmap` table: a bound for hostile fonts.
const MAX_CODES: usize = 200_000;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at.checked_add(1)?)?,
    ]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at.checked_add(1)?)?,
        *b.get(at.checked_add(2)?)?,
        *b.get(at.checked_add(3)?)?,
    ]))
}

/// Glyph id → character from the font's Unicode `cmap` subtable, if it has one.
pub(crate) fn glyph_chars(font: &[u8]) -> Option<HashMap<u16, char>> {
    let tables = u16_at(font, 4)? as usize;
    let cmap = (0..tables.min(256)).find_map(|i| {
        let rec = 12 + 16 * i;
        (font.get(rec..rec + 4)? == b"cmap").then_some(())?;
        let off = u32_at(font, rec + 8)? as usize;
        font.get(off..)
    })?;
    let count = u16_at(cmap, 2)? as usize;
    // Prefer full Unicode (3,10), then BMP (3,1), then any Unicode platform (0,*).
    let mut best: Option<(u8, usize)> = None;
    for i in 0..count.min(256) {
        let rec = 4 + 8 * i;
        let (platform, encoding) = (u16_at(cmap, rec)?, u16_at(cmap, rec + 2)?);
        let rank = match (platform, encoding) {
            (3, 10) => 3,
            (3, 1) => 2,
            (0, _) => 1,
            _ => continue,
        };
        let off = u32_at(cmap, rec + 4)? as usize;
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, off));
        }
    }
    let sub = cmap.get(best?.1..)?;
    let mut map = HashMap::new();
    // Every step counts, mapped or not, so that no table makes this loop long.
    let mut steps = 0usize;
    let mut add = |code: u32, gid: u32| {
        steps += 1;
        if gid != 0 && gid <= 0xFFFF {
            if let Some(c) = char::from_u32(code) {
                map.entry(gid as u16).or_insert(c);
            }
        }
        steps < MAX_CODES
    };
    match u16_at(sub, 0)? {
        4 => {
            let segs = (u16_at(sub, 6)? / 2) as usize;
            let ends = 14;
            let starts = ends + 2 * segs + 2;
            let deltas = starts + 2 * segs;
            let offsets = deltas + 2 * segs;
            'segments: for s in 0..segs {
                let (end, start) = (u16_at(sub, ends + 2 * s)?, u16_at(sub, starts + 2 * s)?);
                let delta = u16_at(sub, deltas + 2 * s)?;
                let range_offset = u16_at(sub, offsets + 2 * s)? as usize;
                for c in start..=end {
                    if c == 0xFFFF {
                        break;
                    }
                    let gid = if range_offset == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let at = offsets + 2 * s + range_offset + 2 * usize::from(c - start);
                        match u16_at(sub, at) {
                            Some(0) | None => 0,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    if !add(u32::from(c), u32::from(gid)) {
                        break 'segments;
                    }
                }
            }
        }
        12 => {
            let groups = u32_at(sub, 12)? as usize;
            'groups: for g in 0..groups.min(MAX_CODES) {
                let rec = 16 + 12 * g;
                let (start, end, first) = (
                    u32_at(sub, rec)?,
                    u32_at(sub, rec + 4)?,
                    u32_at(sub, rec + 8)?,
                );
                if end < start {
                    continue;
                }
                for (k, c) in (start..=end).enumerate() {
                    if !add(c, first.saturating_add(k as u32)) {
                        break 'groups;
                    }
                }
            }
        }
        _ => return None,
    }
    (!map.is_empty()).then_some(map)
}
