//! Finding dates in page text.
//!
//! Portal pages write dates as `2020-01-17 16:51`, `2020-08-07 08:29:46`,
//! `2020/01/17`, `2020.01.17`, `2018年04月16日`, `2022年8月10日`, and in old
//! documents with Chinese numerals, `二〇一二年三月五日`. The input need not be
//! normalised: full-width digits, separators and colons are read as their ASCII
//! forms, and every span is a byte range of the text as given.
//!
//! A date is only taken when it stands on its own: digits glued to a longer
//! number (`12020-01-17`, `2020-01-170`, the serial part of an index number such
//! as `006939748/2025-01-05`) are not dates. Invalid days (`2021-02-30`) and
//! years outside 1949..=2100 are skipped.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveTime};
use regex::{Captures, Regex};

/// A date found in text, with its byte range in the input and the time of day when given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FoundDate {
    /// The calendar date.
    pub date: NaiveDate,
    /// The time of day written right after the date (`16:51`, `08:29:46`, `10时30分`), if any.
    pub time: Option<NaiveTime>,
    /// Byte range of the date (and its time, when given) in the input.
    pub span: Range<usize>,
}

/// Earliest plausible year on a government portal.
const MIN_YEAR: i32 = 1949;
/// Latest plausible year.
const MAX_YEAR: i32 = 2100;

/// The three date shapes. Digits may be full-width; separators of the
/// numeric shape may be full-width but both must be the same.
const DATE_PATTERN: &str = concat!(
    r"(?P<ny>[0-9０-９]{4})(?P<ns1>[-－/／.．])(?P<nm>[0-9０-９]{1,2})(?P<ns2>[-－/／.．])(?P<nd>[0-9０-９]{1,2})",
    r"|(?P<ay>[0-9０-９]{4})[^\S\r\n]*年[^\S\r\n]*(?P<am>[0-9０-９]{1,2})[^\S\r\n]*月[^\S\r\n]*(?P<ad>[0-9０-９]{1,2})[^\S\r\n]*[日号]",
    r"|(?P<hy>[〇○零一二三四五六七八九]{4})[^\S\r\n]*年[^\S\r\n]*(?P<hm>[一二三四五六七八九十]{1,2})[^\S\r\n]*月[^\S\r\n]*(?P<hd>[一二三四五六七八九十]{1,3})[^\S\r\n]*[日号]",
);

static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(DATE_PATTERN).expect("valid regex"));

static DATE_ANCHORED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(?:{DATE_PATTERN})")).expect("valid regex"));

/// A time of day right after a date. `sp` is the separating space (or `T`),
/// required after the numeric shape.
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?P<sp>[^\S\r\n]+|T)?(?:",
        r"(?P<h>[0-9０-９]{1,2})[:：](?P<mi>[0-9０-９]{2})(?:[:：](?P<se>[0-9０-９]{2}))?",
        r"|(?P<h2>[0-9０-９]{1,2})[时点](?P<mi2>[0-9０-９]{1,2})分(?:(?P<se2>[0-9０-９]{1,2})秒)?",
        r")",
    ))
    .expect("valid regex")
});

/// Start of another numeric date (used to accept ranges like `2020-01-01-2020-12-31`).
static DATE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9０-９]{4}[-－/／.．年]").expect("valid regex"));

/// The connector between the two ends of a period.
static PERIOD_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^\S\r\n]*起?[^\S\r\n]*(?:至|到|~|～|—{1,2}|―{1,2}|–|－|-)[^\S\r\n]*")
        .expect("valid regex")
});

/// The end of a period written without a year: `12月31日`, `十二月三十一日`.
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:(?P<am>[0-9０-９]{1,2})[^\S\r\n]*月[^\S\r\n]*(?P<ad>[0-9０-９]{1,2})[^\S\r\n]*[日号]",
        r"|(?P<hm>[一二三四五六七八九十]{1,2})[^\S\r\n]*月[^\S\r\n]*(?P<hd>[一二三四五六七八九十]{1,3})[^\S\r\n]*[日号])",
    ))
    .expect("valid regex")
});

/// Value of an ASCII or full-width decimal digit.
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// A number written with ASCII or full-width digits.
fn arabic_number(s: &str) -> Option<u32> {
    s.chars()
        .try_fold(0u32, |acc, c| Some(acc * 10 + digit_value(c)?))
}

/// Value of a single Chinese digit (`〇○零一二…九`).
fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A year written digit by digit in Chinese numerals: `二〇一二`.
fn chinese_year(s: &str) -> Option<u32> {
    s.chars()
        .try_fold(0u32, |acc, c| Some(acc * 10 + chinese_digit(c)?))
}

/// A number from 1 to 99 in Chinese numerals: `五`, `十`, `十二`, `二十`, `三十一`.
fn chinese_small(s: &str) -> Option<u32> {
    let unit = |c: char| chinese_digit(c).filter(|&d| d > 0);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => unit(*d),
        ['十', d] => Some(10 + unit(*d)?),
        [t, '十'] => Some(unit(*t)? * 10),
        [t, '十', d] => Some(unit(*t)? * 10 + unit(*d)?),
        _ => None,
    }
}

fn make_date(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    let year = i32::try_from(year).ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Fold a date separator to ASCII.
fn ascii_separator(s: &str) -> char {
    match s {
        "－" => '-',
        "／" => '/',
        "．" => '.',
        other => other.chars().next().unwrap_or('-'),
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '－' | '/' | '／' | '.' | '．')
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || c == '十'
}

fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

/// Whether the Arabic-digit date starting at `start` is glued to a number
/// before it. A separator between a previous date (ending at `prev_end`) and
/// this one is fine: `2020-01-01-2020-12-31`.
fn glued_before(s: &str, start: usize, prev_end: Option<usize>) -> bool {
    let Some(p) = char_before(s, start) else {
        return false;
    };
    if is_digit(p) {
        return true;
    }
    if is_separator(p) {
        let sep_at = start - p.len_utf8();
        if prev_end == Some(sep_at) {
            return false;
        }
        return char_before(s, sep_at).is_some_and(is_digit);
    }
    false
}

/// Whether the numeric date or time ending at `end` runs on into a longer number.
/// `extra` are further characters that continue the number when followed by a
/// digit (separators after a date, `:` after a time).
fn glued_after(s: &str, end: usize, extra: fn(char) -> bool) -> bool {
    let Some(n) = char_at(s, end) else {
        return false;
    };
    if is_digit(n) {
        return true;
    }
    if extra(n) {
        let after = end + n.len_utf8();
        if char_at(s, after).is_some_and(is_digit) {
            // Another date may follow a dash: a range, not a longer number.
            return !DATE_START.is_match(&s[after..]);
        }
    }
    false
}

/// The time of day written right at `pos`, with the end of its text.
fn time_at(s: &str, pos: usize, need_space: bool) -> Option<(NaiveTime, usize)> {
    let caps = TIME.captures(&s[pos..])?;
    if need_space && caps.name("sp").is_none() {
        return None;
    }
    let num = |name: &str| caps.name(name).and_then(|m| arabic_number(m.as_str()));
    let (h, mi, se, colon) = match caps.name("h") {
        Some(_) => (num("h")?, num("mi")?, num("se").unwrap_or(0), true),
        None => (num("h2")?, num("mi2")?, num("se2").unwrap_or(0), false),
    };
    let time = NaiveTime::from_hms_opt(h, mi, se)?;
    let end = pos + caps.get(0)?.end();
    if colon && glued_after(s, end, |c| matches!(c, ':' | '：')) {
        return None;
    }
    Some((time, end))
}

/// Turn a match of [`DATE_PATTERN`] found at byte `base` of `s` into a date,
/// checking that it is valid and stands on its own.
fn accept(s: &str, base: usize, caps: &Captures<'_>, prev_end: Option<usize>) -> Option<FoundDate> {
    let whole = caps.get(0)?;
    let start = base + whole.start();
    let end = base + whole.end();
    let num = |name: &str| caps.name(name).and_then(|m| arabic_number(m.as_str()));
    let (date, numeric) = if caps.name("ny").is_some() {
        if ascii_separator(&caps["ns1"]) != ascii_separator(&caps["ns2"]) {
            return None;
        }
        if glued_before(s, start, prev_end) || glued_after(s, end, is_separator) {
            return None;
        }
        (make_date(num("ny")?, num("nm")?, num("nd")?)?, true)
    } else if caps.name("ay").is_some() {
        if glued_before(s, start, prev_end) {
            return None;
        }
        (make_date(num("ay")?, num("am")?, num("ad")?)?, false)
    } else {
        if char_before(s, start).is_some_and(is_chinese_numeral) {
            return None;
        }
        let date = make_date(
            chinese_year(&caps["hy"])?,
            chinese_small(&caps["hm"])?,
            chinese_small(&caps["hd"])?,
        )?;
        (date, false)
    };
    let (time, end) = match time_at(s, end, numeric) {
        Some((t, e)) => (Some(t), e),
        None => (None, end),
    };
    Some(FoundDate {
        date,
        time,
        span: start..end,
    })
}

/// The date that starts exactly at byte `pos` of `s`, if any.
fn date_at(s: &str, pos: usize, prev_end: Option<usize>) -> Option<FoundDate> {
    let caps = DATE_ANCHORED.captures(&s[pos..])?;
    accept(s, pos, &caps, prev_end)
}

/// Iterator over the dates of a text, in order.
struct Dates<'a> {
    s: &'a str,
    pos: usize,
    prev_end: Option<usize>,
}

impl Iterator for Dates<'_> {
    type Item = FoundDate;

    fn next(&mut self) -> Option<FoundDate> {
        while self.pos <= self.s.len() {
            let caps = DATE.captures_at(self.s, self.pos)?;
            let whole = caps.get(0)?;
            if let Some(found) = accept(self.s, 0, &caps, self.prev_end) {
                self.pos = found.span.end;
                self.prev_end = Some(found.span.end);
                return Some(found);
            }
            // A date may still start inside the rejected match.
            let step = char_at(self.s, whole.start()).map_or(1, char::len_utf8);
            self.pos = whole.start() + step;
        }
        None
    }
}

fn dates(s: &str) -> Dates<'_> {
    Dates {
        s,
        pos: 0,
        prev_end: None,
    }
}

/// Every date in the text, in order.
///
/// Invalid dates (`2021-02-30`) and implausible years (before 1949 or after
/// 2100) are skipped, and digits inside longer numbers are not taken as dates:
/// an index number `006939748/2025-00084` or a phone number `020-12345678`
/// yields nothing. A time of day right after the date (`2020-01-17 16:51`,
/// `2020-08-07 08:29:46`, `2018年04月16日 10时30分`) is returned with it and
/// included in the span.
pub fn find_dates(s: &str) -> Vec<FoundDate> {
    dates(s).collect()
}

/// The first date in the text, as [`find_dates`] would find it.
pub fn first_date(s: &str) -> Option<FoundDate> {
    dates(s).next()
}

/// Parse a string that is exactly one date (surrounding whitespace allowed),
/// in any of the formats [`find_dates`] reads. A time of day after the date is
/// allowed and ignored; any other text makes it `None`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let found = first_date(t)?;
    (found.span == (0..t.len())).then_some(found.date)
}

/// The date that follows a label such as `发布日期` / `发布时间` / `时间` /
/// `日期` / `成文日期` in text like `时间 : 2022-01-13 09:49 来源 : 本网`,
/// `发布时间:2023-01-13 15:44:54`, `信息来源:广东省审计厅 发布日期:2022-10-09`
/// or `• 2017-06-20 • 来源:市政务办` (label `•`).
///
/// After the label come optional whitespace, an optional `:` or `：`, optional
/// whitespace, then the date, which must start right there. Labels are tried in
/// the order given, so the first one is preferred; for each label its
/// occurrences are tried in text order, and an occurrence not followed by a
/// date is passed over. Empty labels are ignored.
pub fn date_after_label(s: &str, labels: &[&str]) -> Option<FoundDate> {
    date_after(s, labels, |_, _| true)
}

/// Like [`date_after_label`], counting a label of one or two characters only where it is
/// a word of its own: not the end of a longer label (`日期` in `许可决定日期`, `时间` in
/// `答复时间`). Longer labels count wherever they stand (`清单更新日期`).
pub fn date_after_own_label(s: &str, labels: &[&str]) -> Option<FoundDate> {
    let is_han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    date_after(s, labels, |label, before| {
        label.chars().count() > 2 || !before.chars().next_back().is_some_and(is_han)
    })
}

/// The first date after one of `labels` (and an optional colon), trying the labels in
/// order, at the places `counts(label, text before it)` accepts.
fn date_after(s: &str, labels: &[&str], counts: impl Fn(&str, &str) -> bool) -> Option<FoundDate> {
    labels
        .iter()
        .filter(|label| !label.is_empty())
        .find_map(|label| {
            s.match_indices(label).find_map(|(i, l)| {
                if !counts(l, &s[..i]) {
                    return None;
                }
                let rest = s[i + l.len()..].trim_start();
                let rest = rest
                    .strip_prefix(':')
                    .or_else(|| rest.strip_prefix('：'))
                    .unwrap_or(rest)
                    .trim_start();
                date_at(s, s.len() - rest.len(), None)
            })
        })
}

/// A statistics period like `统计期限为2021年1月1日至12月31日` or
/// `2021年1月1日至2021年12月31日`: the (start, end) dates of the first one in the
/// text.
///
/// The two dates are joined by `至`, `到`, `~`, `～` or a dash, optionally after
/// `起` (`自2021年1月1日起至2021年12月31日止`). The end may be a full date in any
/// format, or a month and day (`12月31日`, `十二月三十一日`) that takes the
/// start's year. A period whose end is before its start is passed over.
pub fn find_period(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    dates(s).find_map(|start| {
        let link = PERIOD_LINK.find(&s[start.span.end..])?;
        let pos = start.span.end + link.end();
        let end = match date_at(s, pos, Some(start.span.end)) {
            Some(found) => found.date,
            None => {
                let caps = MONTH_DAY.captures(&s[pos..])?;
                let (month, day) = if caps.name("am").is_some() {
                    (arabic_number(&caps["am"])?, arabic_number(&caps["ad"])?)
                } else {
                    (chinese_small(&caps["hm"])?, chinese_small(&caps["hd"])?)
                };
                NaiveDate::from_ymd_opt(start.date.year(), month, day)?
            }
        };
        (end >= start.date).then_some((start.date, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn hms(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    fn only_dates(s: &str) -> Vec<NaiveDate> {
        find_dates(s).into_iter().map(|f| f.date).collect()
    }

    #[test]
    fn dash_date_with_minutes() {
        let s = "时间：2020-01-17 16:51 来源";
        let found = find_dates(s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].date, ymd(2020, 1, 17));
        assert_eq!(found[0].time, Some(hms(16, 51, 0)));
        assert_eq!(&s[found[0].span.clone()], "2020-01-17 16:51");
    }

    #[test]
    fn dash_date_with_seconds() {
        let s = "2020-08-07 08:29:46";
        let found = first_date(s).unwrap();
        assert_eq!(found.date, ymd(2020, 8, 7));
        assert_eq!(found.time, Some(hms(8, 29, 46)));
        assert_eq!(found.span, 0..s.len());
    }

    #[test]
    fn iso_date_with_t_separator() {
        let found = first_date("2020-08-07T08:29:46+08:00").unwrap();
        assert_eq!(found.time, Some(hms(8, 29, 46)));
    }

    #[test]
    fn plain_dash_date() {
        let found = first_date("更新于2025-03-31。").unwrap();
        assert_eq!(found.date, ymd(2025, 3, 31));
        assert_eq!(found.time, None);
        assert_eq!(&"更新于2025-03-31。"[found.span], "2025-03-31");
    }

    #[test]
    fn slash_and_dot_dates() {
        assert_eq!(only_dates("2020/01/17"), vec![ymd(2020, 1, 17)]);
        assert_eq!(only_dates("2020.01.17"), vec![ymd(2020, 1, 17)]);
        assert_eq!(only_dates("截至2020.1.7."), vec![ymd(2020, 1, 7)]);
        assert_eq!(only_dates("2020/1/7"), vec![ymd(2020, 1, 7)]);
    }

    #[test]
    fn mixed_separators_are_not_a_date() {
        assert!(find_dates("2020-01/17").is_empty());
        assert!(find_dates("2020.01-17").is_empty());
    }

    #[test]
    fn year_month_day_with_leading_zeros() {
        let s = "发布日期：2018年04月16日";
        let found = first_date(s).unwrap();
        assert_eq!(found.date, ymd(2018, 4, 16));
        assert_eq!(&s[found.span], "2018年04月16日");
    }

    #[test]
    fn year_month_day_without_leading_zeros() {
        assert_eq!(only_dates("2022年8月10日印发"), vec![ymd(2022, 8, 10)]);
        assert_eq!(only_dates("2022 年 8 月 10 日"), vec![ymd(2022, 8, 10)]);
        assert_eq!(only_dates("2022年8月10号"), vec![ymd(2022, 8, 10)]);
    }

    #[test]
    fn year_month_day_with_time() {
        let found = first_date("2018年04月16日 10:30").unwrap();
        assert_eq!(found.time, Some(hms(10, 30, 0)));
        let found = first_date("2018年04月16日10时30分发布").unwrap();
        assert_eq!(found.time, Some(hms(10, 30, 0)));
        assert_eq!(
            &"2018年04月16日10时30分发布"[found.span],
            "2018年04月16日10时30分"
        );
    }

    #[test]
    fn year_month_without_day_is_not_a_date() {
        assert!(find_dates("2022年8月").is_empty());
        assert!(find_dates("2022年度").is_empty());
    }

    #[test]
    fn chinese_numeral_dates() {
        let s = "二〇一二年三月五日";
        let found = first_date(s).unwrap();
        assert_eq!(found.date, ymd(2012, 3, 5));
        assert_eq!(found.span, 0..s.len());
        assert_eq!(
            only_dates("二〇二一年十二月三十一日"),
            vec![ymd(2021, 12, 31)]
        );
        assert_eq!(only_dates("二○一二年十月十日"), vec![ymd(2012, 10, 10)]);
        assert_eq!(only_dates("二零二零年二月二十九日"), vec![ymd(2020, 2, 29)]);
        assert_eq!(only_dates("一九九八年七月二十日"), vec![ymd(1998, 7, 20)]);
    }

    #[test]
    fn invalid_chinese_numeral_dates_are_skipped() {
        assert!(find_dates("二〇二一年二月三十日").is_empty());
        assert!(find_dates("二〇二一年十三月一日").is_empty());
        assert!(find_dates("二〇二一年三月十十日").is_empty());
        assert!(find_dates("一二〇一二年三月五日").is_empty());
    }

    #[test]
    fn full_width_digits_keep_input_spans() {
        let s = "日期：２０２１年１２月３１日";
        let found = first_date(s).unwrap();
        assert_eq!(found.date, ymd(2021, 12, 31));
        assert_eq!(&s[found.span], "２０２１年１２月３１日");
        let s = "２０２０－０１－１７　１６：５１";
        let found = first_date(s).unwrap();
        assert_eq!(found.date, ymd(2020, 1, 17));
        assert_eq!(found.time, Some(hms(16, 51, 0)));
        assert_eq!(found.span, 0..s.len());
    }

    #[test]
    fn invalid_dates_are_skipped() {
        assert!(find_dates("2021-02-30").is_empty());
        assert!(find_dates("2021年13月1日").is_empty());
        assert_eq!(
            only_dates("2021-02-30 与 2020-02-29"),
            vec![ymd(2020, 2, 29)]
        );
    }

    #[test]
    fn implausible_years_are_skipped() {
        assert!(find_dates("1900-01-01").is_empty());
        assert!(find_dates("2101-01-01").is_empty());
        assert!(find_dates("1948年10月1日").is_empty());
        assert_eq!(only_dates("1949年10月1日"), vec![ymd(1949, 10, 1)]);
        assert_eq!(only_dates("2100-12-31"), vec![ymd(2100, 12, 31)]);
    }

    #[test]
    fn index_number_is_not_a_date() {
        assert!(find_dates("索引号：006939748/2025-00084").is_empty());
        assert!(find_dates("006939748/2025-01-05").is_empty());
        assert!(find_dates("11440000MB2D27065K/2022-00123").is_empty());
    }

    #[test]
    fn phone_number_is_not_a_date() {
        assert!(find_dates("电话：020-12345678").is_empty());
        assert!(find_dates("0755-2021-0101").is_empty());
    }

    #[test]
    fn digits_inside_longer_numbers_are_not_dates() {
        assert!(find_dates("12020-01-17").is_empty());
        assert!(find_dates("2020-01-170").is_empty());
        assert!(find_dates("2020.01.17.3").is_empty());
        assert!(find_dates("3.2020.01.17").is_empty());
        assert!(find_dates("12018年04月16日").is_empty());
        assert!(find_dates("20200117").is_empty());
    }

    #[test]
    fn glued_time_is_left_out() {
        let found = first_date("2020-01-17 16:510").unwrap();
        assert_eq!(found.time, None);
        assert_eq!(found.span, 0..10);
        let found = first_date("2020-01-17 25:00").unwrap();
        assert_eq!(found.time, None);
        assert_eq!(found.span, 0..10);
        let found = first_date("2020-01-1716:51");
        assert_eq!(found, None);
    }

    #[test]
    fn numeric_date_needs_space_before_time() {
        let s = "2020-01-17\n16:51";
        let found = first_date(s).unwrap();
        assert_eq!(found.time, None);
        assert_eq!(found.span, 0..10);
    }

    #[test]
    fn several_dates_in_order() {
        let s = "成文日期：2021年3月5日 发布日期：2021-03-08 09:00 二〇二一年三月九日";
        let found = find_dates(s);
        let dates: Vec<_> = found.iter().map(|f| f.date).collect();
        assert_eq!(
            dates,
            vec![ymd(2021, 3, 5), ymd(2021, 3, 8), ymd(2021, 3, 9)]
        );
        assert!(found.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        assert_eq!(found[1].time, Some(hms(9, 0, 0)));
    }

    #[test]
    fn dash_joined_range_gives_both_dates() {
        assert_eq!(
            only_dates("2020-01-01-2020-12-31"),
            vec![ymd(2020, 1, 1), ymd(2020, 12, 31)]
        );
        assert_eq!(
            only_dates("2020.01.17-2020.02.01"),
            vec![ymd(2020, 1, 17), ymd(2020, 2, 1)]
        );
    }

    #[test]
    fn a_short_label_counts_only_as_a_word_of_its_own() {
        let labels = ["发布日期", "更新日期", "日期"];
        let found = |s: &str| date_after_own_label(s, &labels).map(|f| f.date.to_string());
        assert_eq!(found("许可决定日期：2021-03-10"), None);
        assert_eq!(
            found("许可决定日期：2021-03-10\n日期：2021-03-31").as_deref(),
            Some("2021-03-31")
        );
        assert_eq!(
            found("清单更新日期：2022年1月10日").as_deref(),
            Some("2022-01-10")
        );
        assert_eq!(found("日期：2021-05-06").as_deref(), Some("2021-05-06"));
    }

    #[test]
    fn first_date_on_text_without_dates() {
        assert_eq!(first_date("政府信息公开指南"), None);
        assert_eq!(first_date(""), None);
    }

    #[test]
    fn parse_date_accepts_exactly_one_date() {
        assert_eq!(parse_date("2020-01-17"), Some(ymd(2020, 1, 17)));
        assert_eq!(parse_date("  2020/01/17\u{3000}"), Some(ymd(2020, 1, 17)));
        assert_eq!(parse_date("2020.01.17"), Some(ymd(2020, 1, 17)));
        assert_eq!(parse_date("2018年04月16日"), Some(ymd(2018, 4, 16)));
        assert_eq!(parse_date("二〇一二年三月五日"), Some(ymd(2012, 3, 5)));
        assert_eq!(parse_date("２０２１年１月１日"), Some(ymd(2021, 1, 1)));
        assert_eq!(parse_date("2020-08-07 08:29:46"), Some(ymd(2020, 8, 7)));
    }

    #[test]
    fn parse_date_rejects_other_text() {
        assert_eq!(parse_date("发布日期：2020-01-17"), None);
        assert_eq!(parse_date("2020-01-17 来源"), None);
        assert_eq!(parse_date("2020-01-17 2020-01-18"), None);
        assert_eq!(parse_date("2021-02-30"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("20200117"), None);
    }

    const LABELS: &[&str] = &["发布日期", "发布时间", "时间", "日期", "成文日期"];

    #[test]
    fn label_with_spaced_colon_and_time() {
        let s = "时间 : 2022-01-13 09:49 来源 : 本网";
        let found = date_after_label(s, LABELS).unwrap();
        assert_eq!(found.date, ymd(2022, 1, 13));
        assert_eq!(found.time, Some(hms(9, 49, 0)));
        assert_eq!(&s[found.span], "2022-01-13 09:49");
    }

    #[test]
    fn label_with_colon_and_seconds() {
        let found = date_after_label("发布时间:2023-01-13 15:44:54", LABELS).unwrap();
        assert_eq!(found.date, ymd(2023, 1, 13));
        assert_eq!(found.time, Some(hms(15, 44, 54)));
    }

    #[test]
    fn label_after_other_fields() {
        let s = "信息来源:广东省审计厅 发布日期:2022-10-09";
        let found = date_after_label(s, LABELS).unwrap();
        assert_eq!(found.date, ymd(2022, 10, 9));
        assert_eq!(&s[found.span], "2022-10-09");
    }

    #[test]
    fn bullet_as_label() {
        let found = date_after_label("• 2017-06-20 • 来源:市政务办", &["•"]).unwrap();
        assert_eq!(found.date, ymd(2017, 6, 20));
    }

    #[test]
    fn label_with_full_width_colon_and_spaces() {
        let found = date_after_label("成文日期\u{3000}：\u{3000}2021年3月5日", LABELS).unwrap();
        assert_eq!(found.date, ymd(2021, 3, 5));
        let found = date_after_label("发布日期：二〇一二年三月五日", LABELS).unwrap();
        assert_eq!(found.date, ymd(2012, 3, 5));
    }

    #[test]
    fn label_must_be_followed_directly_by_a_date() {
        assert_eq!(date_after_label("发布日期：不详 2022-10-09", LABELS), None);
        assert_eq!(date_after_label("2022-10-09 发布日期", LABELS), None);
        assert_eq!(date_after_label("发布日期::2022-10-09", LABELS), None);
        assert_eq!(date_after_label("no label 2022-10-09", LABELS), None);
        assert_eq!(date_after_label("发布日期:2022-10-09", &[]), None);
        assert_eq!(date_after_label("发布日期:2022-10-09", &[""]), None);
    }

    #[test]
    fn label_occurrence_without_date_is_passed_over() {
        let s = "时间安排见附件。时间：2022-01-13";
        let found = date_after_label(s, &["时间"]).unwrap();
        assert_eq!(found.date, ymd(2022, 1, 13));
    }

    #[test]
    fn earlier_label_in_list_is_preferred() {
        let s = "成文日期：2021-01-01 发布日期：2021-01-05";
        let found = date_after_label(s, &["发布日期", "成文日期"]).unwrap();
        assert_eq!(found.date, ymd(2021, 1, 5));
        let found = date_after_label(s, &["成文日期", "发布日期"]).unwrap();
        assert_eq!(found.date, ymd(2021, 1, 1));
    }

    #[test]
    fn label_date_inside_longer_number_is_rejected() {
        assert_eq!(date_after_label("日期：2022-10-090", LABELS), None);
    }

    #[test]
    fn period_end_without_year_takes_start_year() {
        assert_eq!(
            find_period("本报告统计期限为2021年1月1日至12月31日。"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
    }

    #[test]
    fn period_with_full_end_date() {
        assert_eq!(
            find_period("2021年1月1日至2021年12月31日"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
        assert_eq!(
            find_period("自2021年1月1日起至2021年12月31日止"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
        assert_eq!(
            find_period("2021-01-01 ~ 2021-12-31"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
        assert_eq!(
            find_period("2020-01-01-2020-12-31"),
            Some((ymd(2020, 1, 1), ymd(2020, 12, 31)))
        );
        assert_eq!(
            find_period("2021年1月1日—2021年12月31日"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
    }

    #[test]
    fn period_in_chinese_numerals() {
        assert_eq!(
            find_period("二〇二一年一月一日至十二月三十一日"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
    }

    #[test]
    fn period_with_full_width_digits() {
        assert_eq!(
            find_period("２０２１年１月１日至１２月３１日"),
            Some((ymd(2021, 1, 1), ymd(2021, 12, 31)))
        );
    }

    #[test]
    fn no_period_without_connector_or_end() {
        assert_eq!(find_period("2021年1月1日发布，2021年12月31日截止"), None);
        assert_eq!(find_period("2021年1月1日至今"), None);
        assert_eq!(find_period("没有日期"), None);
    }

    #[test]
    fn period_ending_before_start_is_passed_over() {
        assert_eq!(find_period("2021年7月1日至6月30日"), None);
        assert_eq!(
            find_period("2021年7月1日至6月30日；2022年1月1日至2022年3月31日"),
            Some((ymd(2022, 1, 1), ymd(2022, 3, 31)))
        );
    }
}
