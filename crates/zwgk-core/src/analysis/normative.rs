//! Normative documents (规范性文件): number, validity dates and status of one document page.
//!
//! Guangdong documents usually state `本办法自2021年12月1日起施行，有效期5年。` and list
//! 实施日期 · 失效日期 · 文件状态; the status may be filled in by script (absent from the
//! HTML), so it is also derived from the dates.

use std::fmt;
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate};
use regex::Regex;

use crate::date;
use crate::document::Document;

/// Validity of a normative document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In force (有效, 现行有效).
    Valid,
    /// Past its term (失效).
    Expired,
    /// Repealed (废止).
    Abolished,
    /// Published but not yet in force.
    NotYetEffective,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Valid => "有效",
            Status::Expired => "失效",
            Status::Abolished => "废止",
            Status::NotYetEffective => "尚未施行",
        })
    }
}

/// What a document page says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormativeDoc {
    /// 文号, e.g. `粤文旅规[2021]2号` (normalised brackets).
    pub number: Option<String>,
    /// 实施日期, or the date of `自…起施行`.
    pub effective: Option<NaiveDate>,
    /// 失效日期, `有效期至…`, or the effective date plus `有效期N年` less a day.
    pub expires: Option<NaiveDate>,
    /// The status the page states, if any.
    pub stated: Option<Status>,
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{Han}]{1,10}规\s?\[\s?(19|20)\d{2}\s?\]\s?\d{1,4}\s?号").expect("valid regex")
});
static IN_FORCE_FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"自(.{6,20}?)起(施行|实施|执行|生效)").expect("valid regex"));
static TERM_YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"有效期(为)?(\d{1,2}|[一二三四五六七八九十])年").expect("valid regex")
});
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(文件状态|有效性|时效性|效力状态) ?: ?(现行有效|有效|已失效|失效|已废止|废止)")
        .expect("valid regex")
});
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(该文件|本文件)?已(失效|废止)").expect("valid regex"));

fn chinese_small_number(s: &str) -> Option<i32> {
    const DIGITS: &str = "一二三四五六七八九十";
    s.parse().ok().or_else(|| {
        DIGITS
            .chars()
            .position(|c| s == c.to_string())
            .map(|i| i as i32 + 1)
    })
}

fn status_word(s: &str) -> Option<Status> {
    match s {
        "现行有效" | "有效" => Some(Status::Valid),
        "已失效" | "失效" => Some(Status::Expired),
        "已废止" | "废止" => Some(Status::Abolished),
        _ => None,
    }
}

/// Read a document page.
pub fn read(doc: &Document<'_>) -> NormativeDoc {
    let page = doc.page;
    let text = &*page.text.as_str();
    let number = page
        .metadata_value("文号")
        .map(str::to_string)
        .or_else(|| NUMBER.find(&page.title).map(|m| m.as_str().to_string()))
        .or_else(|| NUMBER.find(text).map(|m| m.as_str().to_string()))
        .or_else(|| listed(doc, &["文号", "发文字号"]).map(str::to_string));
    let listed_date = |labels: &[&str]| listed(doc, labels).and_then(date::parse_date);
    let effective = date::date_after_label(text, &["实施日期", "施行日期", "生效日期"])
        .map(|f| f.date)
        .or_else(|| {
            IN_FORCE_FROM.captures_iter(text).find_map(|c| {
                c.get(1)
                    .and_then(|m| date::first_date(m.as_str()))
                    .map(|f| f.date)
            })
        })
        .or_else(|| listed_date(&["实施日期", "施行日期", "生效日期"]));
    let expires = date::date_after_label(text, &["失效日期", "有效期至", "废止日期"])
        .map(|f| f.date)
        .or_else(|| {
            let years = TERM_YEARS
                .captures(text)
                .and_then(|c| chinese_small_number(c.get(2)?.as_str()))?;
            let start = effective?;
            let end = NaiveDate::from_ymd_opt(start.year() + years, start.month(), start.day())
                .or_else(|| NaiveDate::from_ymd_opt(start.year() + years, start.month(), 28))?;
            Some(end - Duration::days(1))
        })
        .or_else(|| listed_date(&["失效日期", "废止日期"]));
    let stated = STATUS
        .captures(text)
        .and_then(|c| status_word(c.get(2)?.as_str()))
        .or_else(|| {
            MARKER
                .captures(text)
                .and_then(|c| match c.get(2)?.as_str() {
                    "失效" => Some(Status::Expired),
                    _ => Some(Status::Abolished),
                })
        })
        .or_else(|| {
            listed(doc, &["有效性", "文件状态", "时效性", "效力状态"])
                .and_then(|v| status_word(v.trim()))
        });
    NormativeDoc {
        number,
        effective,
        expires,
        stated,
    }
}

/// The 文号 a page gives as its own: its labelled 文号 or 发文字号, a number in its title, or
/// a line near the top of its own text (after the navigation it shares with other pages)
/// that is only the number (under the title). A number quoted in the body (an
/// interpretation citing the document it explains) is not the page's own.
pub fn own_number(page: &crate::page::PageFacts) -> Option<String> {
    const HEAD_LINES: usize = 40;
    page.metadata_value("文号")
        .or_else(|| page.metadata_value("发文字号"))
        .and_then(|v| NUMBER.find(v))
        .or_else(|| NUMBER.find(&page.title))
        .map(|m| m.as_str().to_string())
        .or_else(|| {
            let text = page.text.own_str();
            text.lines().take(HEAD_LINES).find_map(|line| {
                if !line.contains('规') {
                    return None;
                }
                let line = line.trim().trim_matches(['(', ')', '（', '）']);
                NUMBER
                    .find(line)
                    .filter(|m| m.start() == 0 && m.end() == line.len())
                    .map(|m| m.as_str().to_string())
            })
        })
}

/// The value of the first of `labels` that a list entry naming the document states (the
/// page's own labels are read from its text above).
fn listed<'a>(doc: &Document<'a>, labels: &[&str]) -> Option<&'a str> {
    doc.listed.iter().find_map(|(_, item)| {
        labels.iter().find_map(|l| {
            item.fields
                .get(*l)
                .map(String::as_str)
                .filter(|v| !crate::text::is_blank_value(v))
        })
    })
}

impl NormativeDoc {
    /// The status on a date, from the dates (a stated 废止 stands).
    pub fn status_on(&self, day: NaiveDate) -> Option<Status> {
        if self.stated == Some(Status::Abolished) {
            return Some(Status::Abolished);
        }
        match (self.effective, self.expires) {
            (Some(from), _) if day < from => Some(Status::NotYetEffective),
            (_, Some(until)) if day > until => Some(Status::Expired),
            (Some(_), _) | (_, Some(_)) => Some(Status::Valid),
            (None, None) => self.stated,
        }
    }

    /// Whether the page says anything about its validity.
    pub fn has_validity(&self) -> bool {
        self.effective.is_some() || self.expires.is_some() || self.stated.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> NormativeDoc {
        let page = crate::page::PageFacts::from_html("http://x.gov.cn/d.html", 200, body);
        read(&Document {
            page: &page,
            listed: Vec::new(),
        })
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_from_labels() {
        let x = doc("<p>文号：粤文旅规〔2021〕2号</p><p>实施日期：2021-12-01 失效日期：2026-11-30 文件状态：有效</p>");
        assert_eq!(x.number.as_deref(), Some("粤文旅规[2021]2号"));
        assert_eq!(
            (x.effective, x.expires),
            (Some(d("2021-12-01")), Some(d("2026-11-30")))
        );
        assert_eq!(x.stated, Some(Status::Valid));
        assert_eq!(x.status_on(d("2022-02-01")), Some(Status::Valid));
        assert_eq!(x.status_on(d("2021-11-01")), Some(Status::NotYetEffective));
        assert_eq!(x.status_on(d("2027-01-01")), Some(Status::Expired));
    }

    #[test]
    fn term_from_prose_and_chinese_numbers() {
        let x = doc("<p>粤文规〔2016〕2号</p><p>本办法自2016年6月1日起施行，有效期五年。</p><p>【该文件已失效】</p>");
        assert_eq!(x.effective, Some(d("2016-06-01")));
        assert_eq!(x.expires, Some(d("2021-05-31")));
        assert_eq!(x.stated, Some(Status::Expired));
        assert_eq!(x.status_on(d("2022-02-01")), Some(Status::Expired));
    }

    #[test]
    fn nothing_stated() {
        let x = doc("<p>关于做好某项工作的通知</p>");
        assert!(!x.has_validity());
        assert_eq!(x.number, None);
        assert_eq!(x.status_on(d("2022-02-01")), None);
        let y = doc("<p>本规定已废止。自2019年1月1日起施行。</p>");
        assert_eq!(y.status_on(d("2020-01-01")), Some(Status::Abolished));
    }
}
