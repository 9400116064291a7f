//! Text normalisation for matching.
//!
//! Portal pages mix full-width punctuation (`（），：；〔〕【】“”`), full-width
//! digits, ideographic spaces and non-breaking spaces, while copies of the same
//! text often fold them to ASCII. Every matcher works on the output of
//! [`normalize`] or [`normalize_line`], so rule authors can write patterns in
//! plain ASCII punctuation and match either spelling.
//!
//! The folding is: Unicode NFKC first (full-width ASCII variants, full-width
//! digits, U+3000 and NBSP become their ASCII forms), then
//!
//! * brackets `〔〕【】［］〖〗` become `[` `]`;
//! * quotes `“”「」〝〞〟` become `"`, and `‘’『』` become `'`;
//! * dashes `—－–―‐‑‒−` become `-`;
//! * invisible characters (zero-width space and joiners, word joiner, BOM,
//!   soft hyphen) are dropped;
//! * every run of whitespace inside a line becomes one ASCII space, lines are
//!   trimmed and empty lines dropped.
//!
//! The ideographic full stop `。` and the enumeration comma `、` are kept.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// What a character (already NFKC-normalised) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Kept, possibly replaced by the given character.
    Keep(char),
    /// Whitespace inside a line.
    Space,
    /// A line break.
    Break,
    /// Removed altogether.
    Drop,
}

fn classify(c: char) -> Class {
    match c {
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Class::Break,
        '〔' | '【' | '［' | '〖' => Class::Keep('['),
        '〕' | '】' | '］' | '〗' => Class::Keep(']'),
        '“' | '”' | '「' | '」' | '〝' | '〞' | '〟' => Class::Keep('"'),
        '‘' | '’' | '『' | '』' => Class::Keep('\''),
        '—' | '－' | '–' | '―' | '‐' | '‑' | '‒' | '−' => Class::Keep('-'),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => Class::Drop,
        c if c.is_whitespace() => Class::Space,
        c => Class::Keep(c),
    }
}

/// Shared worker of [`normalize`] and [`normalize_line`].
fn fold(s: &str, keep_lines: bool) -> String {
    fold_with(s, keep_lines, false)
}

fn fold_with(s: &str, keep_lines: bool, whole_text_nfkc: bool) -> String {
    // NFKC leaves ASCII and CJK ideographs as they are, and a character only composes
    // with its neighbour through combining marks or conjoining jamo: without those,
    // each other character is normalised on its own, much cheaper than the whole text.
    // The characters are folded as they come, without an intermediate buffer.
    if !whole_text_nfkc {
        let mut folder = Folder::new(s.len(), keep_lines);
        if folder.fold_per_char(s) {
            return folder.finish();
        }
    }
    let mut folder = Folder::new(s.len(), keep_lines);
    for c in s.nfkc() {
        folder.push(c);
    }
    folder.finish()
}

/// The length in bytes of the longest prefix of `s` made of printable ASCII
/// (`!`..=`~`) and of CJK ideographs (U+4E00..U+9FFF) that Traditional→Simplified
/// folding leaves alone: characters that NFKC and [`classify`] keep unchanged, so a
/// run of them is copied as a whole.
#[inline]
fn plain_prefix(s: &str) -> usize {
    let bytes = s.as_bytes();
    let traditional_bits = &*TRADITIONAL;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'!'..=b'~' => i += 1,
            lead @ 0xE4..=0xE9 if i + 2 < bytes.len() => {
                let c = (u32::from(lead & 0x0F) << 12)
                    | (u32::from(bytes[i + 1] & 0x3F) << 6)
                    | u32::from(bytes[i + 2] & 0x3F);
                let traditional = traditional_bits[(c / 64) as usize] & (1 << (c % 64)) != 0;
                if !(0x4E00..=0x9FFF).contains(&c) || traditional {
                    break;
                }
                i += 3;
            }
            _ => break,
        }
    }
    i
}

/// A character starting or continuing a composition with its neighbour under NFKC.
fn is_joining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c) || ('\u{1100}'..='\u{11FF}').contains(&c)
}

/// The folding of NFKC-normalised characters into the output, one at a time.
struct Folder {
    out: String,
    keep_lines: bool,
    line_start: usize,
    pending_space: bool,
    /// Whether a kept character is one [`crate::t2s`] may change.
    traditional: bool,
}

impl Folder {
    fn new(capacity: usize, keep_lines: bool) -> Folder {
        Folder {
            out: String::with_capacity(capacity),
            keep_lines,
            line_start: 0,
            pending_space: false,
            traditional: false,
        }
    }

    /// Fold `s` character by character; `false` (and a folder to throw away) when a
    /// character composes with a neighbour, so that the whole text needs NFKC.
    fn fold_per_char(&mut self, s: &str) -> bool {
        let mut rest = s;
        while !rest.is_empty() {
            let plain = plain_prefix(rest);
            if plain > 0 {
                self.push_plain(&rest[..plain]);
                rest = &rest[plain..];
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            rest = &rest[c.len_utf8()..];
            if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                self.push(c);
                continue;
            }
            if is_joining(c) {
                return false;
            }
            for d in std::iter::once(c).nfkc() {
                if is_joining(d) {
                    return false;
                }
                self.push(d);
            }
        }
        true
    }

    /// Append a run of characters that NFKC and the folding keep as they are and
    /// that are neither whitespace nor dropped (see [`plain_prefix`]).
    #[inline]
    fn push_plain(&mut self, run: &str) {
        if self.pending_space && self.out.len() > self.line_start {
            self.out.push(' ');
        }
        self.pending_space = false;
        self.out.push_str(run);
    }

    #[inline]
    fn push(&mut self, c: char) {
        match classify(c) {
            Class::Drop => {}
            Class::Space => self.pending_space = true,
            Class::Break if self.keep_lines => {
                if self.out.len() > self.line_start {
                    self.out.push('\n');
                    self.line_start = self.out.len();
                }
                self.pending_space = false;
            }
            Class::Break => self.pending_space = true,
            Class::Keep(k) => {
                if self.pending_space && self.out.len() > self.line_start {
                    self.out.push(' ');
                }
                self.pending_space = false;
                self.out.push(k);
                if !self.traditional && is_traditional(k) {
                    self.traditional = true;
                }
            }
        }
    }

    /// The last `n` characters of what [`normalize_line`] makes of the text folded so
    /// far (lines are kept: their breaks read as spaces, the last one is dropped).
    fn line_tail(&self, n: usize) -> String {
        let out = self.out.strip_suffix('\n').unwrap_or(&self.out);
        last_chars(out, n).replace('\n', " ")
    }

    fn finish(self) -> String {
        let mut out = self.out;
        if out.ends_with('\n') {
            out.pop();
        }
        // Traditional characters (copies of documents in Traditional script) fold to
        // Simplified; text without a character the conversion would change (nearly all
        // portal text) is left as it is, without the per-character table lookups.
        if self.traditional {
            out = crate::t2s::convert(&out);
        }
        out
    }
}

/// Characters [`crate::t2s`] converts in some word or on its own: one bit per code point
/// of U+0800..U+FFFF, so that text without any (nearly all portal text) is checked
/// without a table lookup per character.
static TRADITIONAL: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; 0x10000 / 64];
    for c in ('\u{800}'..='\u{FFFF}').filter(|c| crate::t2s::may_change(*c)) {
        let i = c as usize;
        bits[i / 64] |= 1 << (i % 64);
    }
    bits
});

/// Whether [`crate::t2s`] may change this character (see [`TRADITIONAL`]).
fn is_traditional(c: char) -> bool {
    let i = c as usize;
    c.len_utf8() == 3 && TRADITIONAL[i / 64] & (1 << (i % 64)) != 0
}

/// Normalise text for matching: Unicode NFKC, then fold brackets `〔〕【】［］〖〗`
/// to `[` `]`, quotes `“”「」` to `"` and `‘’『』` to `'`, dashes `—－` (and the
/// other Unicode dashes) to `-`; drop zero-width characters; turn every run of
/// whitespace inside a line (including U+3000, NBSP and tabs) into one ASCII
/// space; trim each line, drop empty lines and join the lines with `'\n'`.
///
/// Traditional characters are folded to Simplified (`政府信息公開` → `政府信息公开`).
///
/// The ideographic full stop `。` is kept. The result is a fixed point:
/// `normalize(&normalize(s)) == normalize(s)`.
pub fn normalize(s: &str) -> String {
    fold(s, true)
}

/// The last `n` characters of `s` (all of it when it is shorter).
pub(crate) fn last_chars(s: &str, n: usize) -> &str {
    let start = match n.checked_sub(1) {
        Some(last) => s.char_indices().rev().nth(last).map_or(0, |(i, _)| i),
        None => s.len(),
    };
    &s[start..]
}

/// [`normalize`] of `s`, together with, for each byte offset in `marks` (ascending,
/// on character boundaries), the last `tail_chars` characters of
/// `normalize_line(&s[..mark])`: the text just before each mark, read in the same pass.
///
/// The tails are `None` when that one pass cannot give them exactly: text that needs
/// NFKC over neighbouring characters, or Traditional characters (folded over the
/// whole text at the end). The caller then works them out from `s` itself.
pub fn normalize_with_line_tails(
    s: &str,
    marks: &[usize],
    tail_chars: usize,
) -> (String, Option<Vec<String>>) {
    let mut folder = Folder::new(s.len(), true);
    let mut tails = Vec::with_capacity(marks.len());
    let mut from = 0;
    for &mark in marks {
        let Some(segment) = s.get(from..mark) else {
            return (normalize(s), None);
        };
        if !folder.fold_per_char(segment) {
            return (normalize(s), None);
        }
        from = mark;
        tails.push(folder.line_tail(tail_chars));
    }
    if !folder.fold_per_char(&s[from..]) {
        return (normalize(s), None);
    }
    let exact = !folder.traditional;
    (folder.finish(), exact.then_some(tails))
}

/// Same as [`normalize`] but for a single line: line breaks become spaces too,
/// so the result never contains `'\n'`.
pub fn normalize_line(s: &str) -> String {
    fold(s, false)
}

/// Characters removed by [`compact_key`] besides whitespace.
const KEY_PUNCT: &[char] = &[
    ',', '.', ':', ';', '、', '。', '(', ')', '[', ']', '"', '\'', '!', '?', '-',
];

/// Chinese numerals used in heading list markers.
const LIST_NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// `1.` / `12、` / `3)` at the start of a heading (a digit after the dot means a
/// decimal number, which is not a marker).
static DIGIT_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,2}(?:[、)]|\.(?:[^0-9]|$))").expect("valid regex"));

/// Strip one list marker (`一、`, `(一)`, `(1)`, `1.`, `1、`) from the start of a
/// normalised line.
fn strip_list_marker(s: &str) -> &str {
    // (一) / (12)
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let inner = &rest[..close];
            let n = inner.chars().count();
            let numerals =
                (1..=3).contains(&n) && inner.chars().all(|c| LIST_NUMERALS.contains(&c));
            let digits = (1..=2).contains(&n) && inner.chars().all(|c| c.is_ascii_digit());
            if numerals || digits {
                return &rest[close + 1..];
            }
        }
        return s;
    }
    // 一、 / 十二.
    let numeral_len: usize = s
        .chars()
        .take_while(|c| LIST_NUMERALS.contains(c))
        .take(4)
        .map(char::len_utf8)
        .sum();
    if numeral_len > 0 && numeral_len <= 3 * '一'.len_utf8() {
        let rest = &s[numeral_len..];
        if let Some(after) = rest.strip_prefix('、').or_else(|| rest.strip_prefix('.')) {
            return after;
        }
        return s;
    }
    // 1. / 1、 / 1)
    if let Some(m) = DIGIT_MARKER.find(s) {
        // The match may include the character after a '.', which must stay.
        let marker_end = s[..m.end()]
            .char_indices()
            .find(|&(_, c)| matches!(c, '、' | ')' | '.'))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(m.end());
        return &s[marker_end..];
    }
    s
}

/// Key form used for fuzzy matching of headings: [`normalize_line`], then
/// remove one list marker at the start (`一、` … `十、`, `(一)`, `(二)`, `(1)`,
/// `1.`, `2、`), then remove all whitespace and the punctuation
/// `,.:;、。()[]"'!?-`.
///
/// `"（一）主动公开 情况："` and `"一、主动公开情况"` both give `"主动公开情况"`.
pub fn compact_key(s: &str) -> String {
    let line = normalize_line(s);
    strip_list_marker(&line)
        .chars()
        .filter(|c| !c.is_whitespace() && !KEY_PUNCT.contains(c))
        .collect()
}

/// The first character of `s` that [`normalize_line`] would rewrite or drop,
/// so that it never occurs in normalised text; `None` when `s` is already in
/// normalised form character by character.
///
/// The rule linter uses this to reject regexes written with full-width
/// characters (`（`, `：`, `〔`, `“`, full-width digits, U+3000 …). ASCII
/// spaces are never reported, even where `normalize_line` would collapse or
/// trim them: spacing in a pattern is the pattern's own business. Tabs and line
/// breaks are reported. When the characters are fine one by one but a
/// combining sequence would be composed by NFKC, the first character of the
/// sequence is returned.
pub fn first_unnormalized_char(s: &str) -> Option<char> {
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if c == ' ' {
            continue;
        }
        let one: &str = c.encode_utf8(&mut buf);
        if normalize_line(one) != one {
            return Some(c);
        }
    }
    if unicode_normalization::is_nfkc(s) {
        return None;
    }
    let mut original = s.chars();
    let mut normalised = s.nfkc();
    loop {
        match (original.next(), normalised.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), _) => return Some(a),
            (None, _) => return None,
        }
    }
}

/// Whether a field's value says nothing: empty, or only a placeholder that tables and
/// metadata blocks put in an empty cell (`—`, `-`, `/`, `无`, `暂无`, `空`, `N/A`).
pub fn is_blank_value(v: &str) -> bool {
    let v = v.trim();
    v.chars().all(|c| {
        c.is_whitespace() || matches!(c, '-' | '—' | '–' | '―' | '－' | '/' | '／' | '\\' | '_')
    }) || matches!(v, "无" | "暂无" | "空" | "无文号" | "N/A" | "n/a" | "NA")
}

/// Truncate `s` to at most `max_chars` characters, cutting on a character
/// boundary; when it is cut, the last kept character is replaced by `'…'` so
/// that the result, ellipsis included, still has at most `max_chars`
/// characters. Text that fits is returned unchanged.
pub fn excerpt(s: &str, max_chars: usize) -> String {
    if s.char_indices().nth(max_chars).is_none() {
        return s.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let cut = s
        .char_indices()
        .nth(max_chars - 1)
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let mut out = String::with_capacity(cut + '…'.len_utf8());
    out.push_str(&s[..cut]);
    out.push('…');
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn placeholder_values_are_blank() {
        for v in ["", " ", "—", "——", "-", "/", "－", "无", "暂无", "N/A"] {
            assert!(super::is_blank_value(v), "{v:?}");
        }
        for v in ["粤文旅规[2021]2号", "有效", "2021-03-15", "无锡"] {
            assert!(!super::is_blank_value(v), "{v:?}");
        }
    }

    #[test]
    fn per_character_nfkc_equals_whole_text_nfkc() {
        let samples = [
            "广东省文化和旅游厅（２０２１）：〔规〕，“引号”　全角空格",
            "ＡＢＣ①②③㈠㈡ ﬁ ㎏ ㍻ 丽 欄 \u{2F00}",
            "cafe\u{301} e\u{0301}\u{0323} 한글 \u{1100}\u{1161}\u{11A8}",
            "廣東省文化和旅遊廳 發布時間：2022年1月13日",
            "\u{212B} \u{2126} \u{FF76}\u{FF9E} ｶﾞ",
        ];
        for s in samples {
            assert_eq!(fold_with(s, true, false), fold_with(s, true, true), "{s:?}");
        }
    }

    #[test]
    fn line_tails_are_the_tails_of_the_normalised_prefixes() {
        let texts = [
            "  首页 \n\n 政务公开 \n  通知公告\n\n  关于印发《规划》的通知  2021-08-04\n附件：\n",
            "【通知】　全角（括号）\u{200B}  “引号”\r\n 二〇二一年 \t 第二行\n\n\n末行",
            "",
            "abc",
        ];
        for s in texts {
            let marks: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            for n in [0, 1, 5, 16] {
                let (text, tails) = normalize_with_line_tails(s, &marks, n);
                assert_eq!(text, normalize(s));
                let tails = tails.expect("plain text is read in one pass");
                for (&m, tail) in marks.iter().zip(&tails) {
                    let line = normalize_line(&s[..m]);
                    let k = line.chars().count();
                    let want: String = line.chars().skip(k.saturating_sub(n)).collect();
                    assert_eq!(tail, &want, "{s:?} at {m}, {n} chars");
                }
            }
        }
        // Traditional characters and combining marks: no tails, the text all the same.
        for s in ["廣東省 藉口", "cafe\u{301} 首页"] {
            let (text, tails) = normalize_with_line_tails(s, &[0], 16);
            assert_eq!(text, normalize(s));
            assert!(tails.is_none(), "{s:?}");
        }
    }

    #[test]
    fn copied_runs_fold_like_character_by_character_nfkc() {
        // Mixed texts from a fixed generator: runs of ASCII and ideographs (copied
        // whole) next to spaces, breaks, Traditional characters, full-width forms,
        // zero-width characters and combining marks (folded one by one).
        let alphabet: Vec<char> =
            "aZ09-.:/ \t\n\r政务公开廣東開發著藉苧（）：　\u{A0}\u{200B}【】“”—①ｶﾞ\u{301}一龥丿"
                .chars()
                .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..2_000 {
            let mut s = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            for keep_lines in [true, false] {
                assert_eq!(
                    fold_with(&s, keep_lines, false),
                    fold_with(&s, keep_lines, true),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn normalize_folds_traditional_to_simplified() {
        assert_eq!(
            normalize("廣東省文化和旅遊廳2021年政府信息公開工作年度報告"),
            "广东省文化和旅游厅2021年政府信息公开工作年度报告"
        );
        assert_eq!(
            normalize_line("三、收到和處理政府信息公開申請情況"),
            "三、收到和处理政府信息公开申请情况"
        );
        let simplified = "广东省文化和旅游厅关于印发《广东省旅游民宿等级评定管理办法》的通知";
        assert_eq!(
            normalize(simplified),
            simplified,
            "Simplified text is left as it is"
        );
        assert_eq!(first_unnormalized_char("年度報告"), Some('報'));
        // The shortcut never skips a change the conversion would make, including
        // characters it converts only beside certain neighbours.
        assert_eq!(normalize_line("看著"), "看着");
        for s in [
            "以此为藉口",
            "看著",
            "廣東省文化和旅遊廳",
            "计畫",
            "回覆",
            "乾隆年间",
            "广东省文化和旅游厅",
            "苧麻",
        ] {
            assert_eq!(normalize_line(s), crate::t2s::convert(s), "{s}");
        }
    }

    use super::*;

    #[test]
    fn normalize_folds_full_width_parentheses() {
        assert_eq!(normalize("政府信息公开（2021）"), "政府信息公开(2021)");
    }

    #[test]
    fn normalize_folds_document_number_brackets() {
        assert_eq!(normalize("粤文旅规〔2021〕3号"), "粤文旅规[2021]3号");
        assert_eq!(normalize("【政策解读】"), "[政策解读]");
        assert_eq!(normalize("〖通知〗［2020］"), "[通知][2020]");
    }

    #[test]
    fn normalize_folds_full_width_colon_and_spaces() {
        assert_eq!(normalize("时间 ： 2022-01-13"), "时间 : 2022-01-13");
        assert_eq!(normalize("时间：2022-01-13"), "时间:2022-01-13");
        assert_eq!(normalize("甲；乙，丙！丁？"), "甲;乙,丙!丁?");
    }

    #[test]
    fn normalize_folds_full_width_digits_and_letters() {
        assert_eq!(normalize("２０２１"), "2021");
        assert_eq!(normalize("ＡＢＣ１２３"), "ABC123");
    }

    #[test]
    fn normalize_collapses_ideographic_space_nbsp_and_tabs() {
        assert_eq!(
            normalize("发布日期\u{3000}\u{3000}2022-10-09\u{a0}\u{a0}来源\t\t本网"),
            "发布日期 2022-10-09 来源 本网"
        );
        assert_eq!(normalize("\u{3000}\u{a0} 标题 \u{3000}"), "标题");
    }

    #[test]
    fn normalize_folds_quotes() {
        assert_eq!(normalize("“放管服”改革"), "\"放管服\"改革");
        assert_eq!(normalize("‘双随机’"), "'双随机'");
        assert_eq!(normalize("「一网通办」『好差评』"), "\"一网通办\"'好差评'");
    }

    #[test]
    fn normalize_folds_dashes_and_keeps_full_stop() {
        assert_eq!(normalize("2021－2025"), "2021-2025");
        assert_eq!(normalize("规划——纲要"), "规划--纲要");
        assert_eq!(normalize("A–B―C"), "A-B-C");
        assert_eq!(normalize("已公开。"), "已公开。");
        assert_eq!(normalize("甲、乙"), "甲、乙");
    }

    #[test]
    fn normalize_does_not_touch_chinese_one() {
        assert_eq!(normalize("一、总体情况"), "一、总体情况");
        assert_eq!(normalize("二〇一二年"), "二〇一二年");
    }

    #[test]
    fn normalize_trims_lines_and_drops_empty_ones() {
        assert_eq!(
            normalize("  第一行  \r\n\r\n\u{3000}\n  第二行\t\n\n  "),
            "第一行\n第二行"
        );
        assert_eq!(normalize("a\rb\u{2028}c"), "a\nb\nc");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n\t\u{3000}\n"), "");
    }

    #[test]
    fn normalize_drops_zero_width_characters() {
        assert_eq!(normalize("\u{FEFF}政务\u{200B}公开"), "政务公开");
        assert_eq!(normalize("a \u{200B} b"), "a b");
    }

    #[test]
    fn normalize_is_idempotent() {
        let samples = [
            "政府信息公开（2021）\n\n  粤文旅规〔2021〕3号",
            "时间 ： 2022-01-13\u{3000}来源：本网",
            "“放管服”——「改革」\t２０２１",
            "e\u{301}\u{3000}\u{a0}x",
            "㈠ 主动公开 ⒈ 概述 … ①",
        ];
        for s in samples {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s:?}");
            let line = normalize_line(s);
            assert_eq!(normalize_line(&line), line, "{s:?}");
        }
    }

    #[test]
    fn normalize_line_joins_lines_with_one_space() {
        assert_eq!(
            normalize_line("第一行\n\n  第二行 \r\n第三行"),
            "第一行 第二行 第三行"
        );
        assert_eq!(normalize_line("\n（一）\n"), "(一)");
        assert!(!normalize_line("a\nb\u{2029}c").contains('\n'));
    }

    #[test]
    fn compact_key_strips_chinese_list_markers() {
        assert_eq!(compact_key("一、总体情况"), "总体情况");
        assert_eq!(
            compact_key("十二、其他需要报告的事项"),
            "其他需要报告的事项"
        );
        assert_eq!(compact_key("（一）主动公开 情况："), "主动公开情况");
        assert_eq!(compact_key("(二)依申请公开"), "依申请公开");
        assert_eq!(compact_key("㈠ 规章"), "规章");
    }

    #[test]
    fn compact_key_strips_arabic_list_markers() {
        assert_eq!(compact_key("1. 概述"), "概述");
        assert_eq!(compact_key("2、工作要点"), "工作要点");
        assert_eq!(compact_key("3）存在问题"), "存在问题");
        assert_eq!(compact_key("(12) 附件"), "附件");
        assert_eq!(compact_key("１．概述"), "概述");
    }

    #[test]
    fn compact_key_keeps_text_that_is_not_a_marker() {
        assert_eq!(compact_key("一般规定"), "一般规定");
        assert_eq!(compact_key("十分重要"), "十分重要");
        assert_eq!(compact_key("2021年度报告"), "2021年度报告");
        assert_eq!(compact_key("1.5亿元"), "15亿元");
        assert_eq!(compact_key("(注)说明"), "注说明");
    }

    #[test]
    fn compact_key_removes_whitespace_and_punctuation() {
        assert_eq!(
            compact_key("三、 政府信息公开（“放管服”）工作：情况。"),
            "政府信息公开放管服工作情况"
        );
        assert_eq!(
            compact_key("收到和处理政府信息公开申请情况!?"),
            "收到和处理政府信息公开申请情况"
        );
        assert_eq!(compact_key("[2021]-'a'"), "2021a");
        assert_eq!(compact_key(""), "");
        assert_eq!(compact_key("一、"), "");
    }

    #[test]
    fn compact_key_matches_across_spellings() {
        assert_eq!(
            compact_key("四、政府信息公开行政复议、行政诉讼情况"),
            compact_key("（四）政府信息公开行政复议 行政诉讼情况")
        );
    }

    #[test]
    fn first_unnormalized_char_accepts_normalised_text() {
        assert_eq!(first_unnormalized_char(r"发布日期\s*:\s*(\d{4})"), None);
        assert_eq!(
            first_unnormalized_char("政府信息公开(2021) 年度报告。"),
            None
        );
        assert_eq!(first_unnormalized_char("  two  spaces  "), None);
        assert_eq!(first_unnormalized_char(""), None);
    }

    #[test]
    fn first_unnormalized_char_reports_full_width_characters() {
        assert_eq!(first_unnormalized_char("发布日期：(\\d+)"), Some('：'));
        assert_eq!(first_unnormalized_char("政府信息公开（2021）"), Some('（'));
        assert_eq!(first_unnormalized_char("粤文旅规〔\\d+〕"), Some('〔'));
        assert_eq!(first_unnormalized_char("“放管服”"), Some('“'));
        assert_eq!(first_unnormalized_char("２０２１"), Some('２'));
        assert_eq!(first_unnormalized_char("a\u{3000}b"), Some('\u{3000}'));
        assert_eq!(first_unnormalized_char("a\u{a0}b"), Some('\u{a0}'));
        assert_eq!(first_unnormalized_char("a\tb"), Some('\t'));
        assert_eq!(first_unnormalized_char("a\nb"), Some('\n'));
        assert_eq!(first_unnormalized_char("a\u{200B}b"), Some('\u{200B}'));
        assert_eq!(first_unnormalized_char("规划—纲要"), Some('—'));
    }

    #[test]
    fn first_unnormalized_char_reports_composable_sequences() {
        assert_eq!(first_unnormalized_char("cafe\u{301}"), Some('e'));
        assert_eq!(first_unnormalized_char("caf\u{e9}"), None);
    }

    #[test]
    fn excerpt_keeps_short_text() {
        assert_eq!(excerpt("政府信息公开", 6), "政府信息公开");
        assert_eq!(excerpt("政府信息公开", 100), "政府信息公开");
        assert_eq!(excerpt("", 0), "");
        assert_eq!(excerpt("", 3), "");
    }

    #[test]
    fn excerpt_cuts_on_char_boundary_with_ellipsis() {
        assert_eq!(excerpt("政府信息公开", 5), "政府信息…");
        assert_eq!(excerpt("政府信息公开", 1), "…");
        assert_eq!(excerpt("政府信息公开", 0), "");
        assert_eq!(excerpt("abcdef", 4), "abc…");
        let cut = excerpt("年度报告年度报告", 5);
        assert_eq!(cut.chars().count(), 5);
    }
}
