//! Traditional Chinese characters folded to Simplified, so that a copy of a document in
//! Traditional script matches the rules (`政府信息公開` → `政府信息公开`).
//!
//! The character table is `data/t2s.txt` (2,734 pairs, one `繁 简` pair a line), from the
//! fast2s crate 0.3.1 (MIT licence, `data/t2s-LICENSE.md`), whose output this module
//! reproduces: a character is replaced by its table entry, except in the few words where
//! it stays (`答覆`, `乾隆`) or becomes another character (`計畫` → `计划`). Only
//! characters of three UTF-8 bytes (U+0800..U+FFFF) are converted.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The table: one `traditional simplified` pair a line.
const TABLE_TEXT: &str = include_str!("../data/t2s.txt");

/// Characters left as they are in these two-character words (and converted elsewhere).
const KEPT_IN: &[(char, &[[char; 2]])] = &[
    ('兒', &[['兒', '寬']]),
    ('覆', &[['答', '覆'], ['批', '覆'], ['回', '覆']]),
    ('夥', &[['甚', '夥']]),
    ('藉', &[['慰', '藉'], ['狼', '藉']]),
    ('瞭', &[['瞭', '望']]),
    ('麽', &[['幺', '麽']]),
    ('幺', &[['幺', '麽']]),
    ('於', &[['樊', '於']]),
    ('乾', &[['乾', '隆'], ['乾', '坤'], ['乾', '卦']]),
];

/// A two-character word and what its character becomes in it.
type InWord = ([char; 2], char);

/// Characters that become another character in these two-character words (and follow
/// the table elsewhere). A character listed in [`KEPT_IN`] is decided there alone.
const OTHER_IN: &[(char, &[InWord])] = &[
    ('藉', &[(['藉', '口'], '借'), (['憑', '藉'], '借')]),
    ('著', &[(['看', '著'], '着')]),
    ('苧', &[(['苧', '麻'], '苎')]),
    ('闔', &[(['闔', '家'], '合')]),
    ('鍾', &[(['鍾', '書'], '锺')]),
    (
        '讎',
        &[
            (['校', '讎'], '雠'),
            (['讎', '定'], '雠'),
            (['仇', '讎'], '雠'),
        ],
    ),
    ('畫', &[(['計', '畫'], '划'), (['企', '畫'], '划')]),
];

static TABLE: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    TABLE_TEXT
        .lines()
        .filter_map(|line| {
            let mut chars = line.chars();
            let from = chars.next()?;
            let to = chars.nth(1)?;
            Some((from, to))
        })
        .collect()
});

/// The Simplified form of `cur` between `prev` and `next` (`'0'` at either end of the text).
fn fold(prev: char, cur: char, next: char) -> char {
    let before = [prev, cur];
    let after = [cur, next];
    if let Some((_, words)) = KEPT_IN.iter().find(|(c, _)| *c == cur) {
        if words.contains(&before) || words.contains(&after) {
            return cur;
        }
    } else if let Some((_, words)) = OTHER_IN.iter().find(|(c, _)| *c == cur) {
        for (word, to) in words.iter() {
            if *word == before || *word == after {
                return *to;
            }
        }
    }
    TABLE.get(&cur).copied().unwrap_or(cur)
}

/// `s` with its Traditional characters folded to Simplified.
pub fn convert(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &cur) in chars.iter().enumerate() {
        if cur.len_utf8() != 3 {
            out.push(cur);
            continue;
        }
        let prev = if i == 0 { '0' } else { chars[i - 1] };
        let next = chars.get(i + 1).copied().unwrap_or('0');
        out.push(fold(prev, cur, next));
    }
    out
}

/// Whether [`convert`] may change this character, in some word or on its own.
pub fn may_change(c: char) -> bool {
    c.len_utf8() == 3
        && (TABLE.contains_key(&c)
            || KEPT_IN.iter().any(|(k, _)| *k == c)
            || OTHER_IN.iter().any(|(k, _)| *k == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_characters() {
        assert_eq!(convert("政府信息公開"), "政府信息公开");
        assert_eq!(convert("企畫 計畫 畫圖"), "企划 计划 画图");
        assert_eq!(convert("答覆 覆蓋"), "答覆 覆盖");
        assert_eq!(convert("乾隆 乾燥"), "乾隆 干燥");
        assert_eq!(convert("abc 123"), "abc 123");
        assert_eq!(convert(""), "");
        assert!(may_change('開') && may_change('藉') && !may_change('开') && !may_change('a'));
    }
}
