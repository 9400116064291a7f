//! The Adobe character collections' CID → Unicode maps, for CID fonts that carry no
//! `/ToUnicode` map: a font whose `/CIDSystemInfo` names the `Adobe-GB1` (Simplified
//! Chinese) or `Adobe-CNS1` (Traditional Chinese) ordering numbers its glyphs by those
//! collections' CIDs, so the collection's published map gives their text.
//!
//! The maps are Adobe's `Adobe-GB1-UCS2` and `Adobe-CNS1-UCS2` CMaps
//! (`adobe-type-tools/mapping-resources-pdf`, `pdf2unicode/`, BSD-3-Clause, see
//! `data/README.md`), parsed on first use and kept for the life of the process.

use std::sync::OnceLock;

use crate::cmap::ToUnicode;

/// A character collection with a bundled CID → Unicode map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Collection {
    /// `Adobe-GB1`: Simplified Chinese (GB 2312, GBK, GB 18030).
    Gb1,
    /// `Adobe-CNS1`: Traditional Chinese (Big5, CNS 11643).
    Cns1,
}

impl Collection {
    /// The collection a `/CIDSystemInfo` names (`Registry` and `Ordering`), if bundled.
    pub(crate) fn of(registry: &[u8], ordering: &[u8]) -> Option<Collection> {
        if registry != b"Adobe" {
            return None;
        }
        match ordering {
            b"GB1" => Some(Collection::Gb1),
            b"CNS1" => Some(Collection::Cns1),
            _ => None,
        }
    }

    /// The collection a CMap name such as `Adobe-GB1-UCS2` names, if bundled (some
    /// producers write that name as a font's `/ToUnicode` instead of a stream).
    pub(crate) fn of_cmap_name(name: &[u8]) -> Option<Collection> {
        match name {
            b"Adobe-GB1-UCS2" => Some(Collection::Gb1),
            b"Adobe-CNS1-UCS2" => Some(Collection::Cns1),
            _ => None,
        }
    }

    /// The CID → Unicode map (2-byte codes).
    pub(crate) fn to_unicode(self) -> &'static ToUnicode {
        static GB1: OnceLock<ToUnicode> = OnceLock::new();
        static CNS1: OnceLock<ToUnicode> = OnceLock::new();
        match self {
            Collection::Gb1 => {
                GB1.get_or_init(|| ToUnicode::parse(include_bytes!("../data/Adobe-GB1-UCS2")))
            }
            Collection::Cns1 => {
                CNS1.get_or_init(|| ToUnicode::parse(include_bytes!("../data/Adobe-CNS1-UCS2")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb1_cids_read_as_chinese() {
        let map = Collection::Gb1.to_unicode();
        // CID 1 is the space; GB 2312's first hanzi 啊 (B0A1) is CID 940, 中 CID 4559.
        assert_eq!(map.lookup(2, 1).as_deref(), Some(" "));
        assert_eq!(map.lookup(2, 940).as_deref(), Some("啊"));
        assert_eq!(map.lookup(2, 4559).as_deref(), Some("中"));
        // CIDs of the GBK supplement (2): 丂 (U+4E02) is 10072, 醠 (U+91A0) 19969.
        assert_eq!(map.lookup(2, 10_072).as_deref(), Some("丂"));
        assert_eq!(map.lookup(2, 19_969).as_deref(), Some("醠"));
    }

    #[test]
    fn cns1_cids_read_as_traditional_chinese() {
        let map = Collection::Cns1.to_unicode();
        // 一 (Big5 A440) is CID 595 in Adobe-CNS1.
        assert_eq!(map.lookup(2, 595).as_deref(), Some("一"));
    }

    #[test]
    fn only_adobe_orderings_with_a_map_are_known() {
        assert_eq!(Collection::of(b"Adobe", b"GB1"), Some(Collection::Gb1));
        assert_eq!(Collection::of(b"Adobe", b"CNS1"), Some(Collection::Cns1));
        assert_eq!(Collection::of(b"Adobe", b"Identity"), None);
        assert_eq!(Collection::of(b"Other", b"GB1"), None);
        assert_eq!(
            Collection::of_cmap_name(b"Adobe-CNS1-UCS2"),
            Some(Collection::Cns1)
        );
    }
}
