//! What the two interval kinds share (`within_working_days`, `within_days`): a page
//! published within N days of another date, and where that other date comes from.

use std::cell::OnceCell;
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{
    describe_field, pages_field, per_page, Check, CheckResult, Context, Evaluate, Field,
    PageVerdict,
};
use crate::date;
use crate::document::{Document, Place};
use crate::pack::CheckCompiler;
use crate::page::PageFacts;
use crate::rule::{Pattern, Quantifier};
use crate::text;

/// The fields both interval kinds take.
pub(super) const FIELDS: &[Field] = &[
    Field {
        name: "days",
        ty: "integer, 0–366",
        default: None,
        meaning: "the most days between the other date and the page's publication",
    },
    Field {
        name: "from",
        ty: "\"written_date\" | \"linked\" | \"text\" | \"decision\"",
        default: Some("`written_date`"),
        meaning: "the other date: the document's 成文日期; the publication date of the page it links to (`link_text`); the earliest date the text states (`date_pattern`); or the date of the decision it publishes (a field under one of `labels`, else `date_pattern` in the text)",
    },
    Field {
        name: "labels",
        ty: "list of strings",
        default: Some("the `decision_date_labels` vocabulary"),
        meaning: "with `from = \"decision\"`: the labels of the decision date (`许可决定日期`, `处罚决定日期`, `决定日期`, …), read from the page's labelled fields and the list entries naming it",
    },
    Field {
        name: "link_text",
        ty: "regex",
        default: Some("required with `from = \"linked\"`"),
        meaning: "the anchor text or label of the link to the other page, e.g. `原文|相关文件`",
    },
    Field {
        name: "date_pattern",
        ty: "regex",
        default: Some("required with `from = \"text\"`; with `decision`, `于(date)…作出` within a sentence"),
        meaning: "captures the other date in the text (its first group, else the whole match), e.g. `于(\\d{4}年\\d{1,2}月\\d{1,2}日)作出`",
    },
    Field {
        name: "if_missing",
        ty: "\"fail\" | \"incomplete\"",
        default: Some("`fail`"),
        meaning: "what a page that does not state the other date gives: a failure (the page must state it, as a decision notice must state its decision date), or `incomplete` (the site need not say it, as a budget need not say when it was approved: a person checks)",
    },
    Field {
        name: "first_per_source",
        ty: "boolean",
        default: Some("`false`"),
        meaning: "with `from = \"linked\"`: only the first located page about each linked page is timed; later ones about the same page pass (a policy interpreted in time may get a video or an interview later)",
    },
    pages_field("`every`"),
    describe_field("the other date's source, in words (`政策文件（原文）的链接`, `作出许可决定的日期`)"),
];

/// How the days between the two dates are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Days {
    /// Official working days (the State Council's holiday notices).
    Working,
    /// Calendar days.
    Calendar,
}

/// The other date of an interval check.
#[derive(Debug, Clone)]
enum FromDate {
    /// The 成文日期 of the page's metadata block.
    WrittenDate,
    /// The publication date of a page this page links to, found by anchor text or label.
    Linked(Pattern),
    /// The earliest date captured in the page text by a pattern (its first
    /// capture group, else the whole match), e.g. a decision date `于(2021年12月8日)作出`.
    Text(Pattern),
    /// The date of the decision the page publishes: a labelled field (`许可决定日期 |
    /// 2021-01-18`), else the earliest date the prose pattern captures.
    Decision { labels: Vec<String>, prose: Pattern },
}

/// The prose of a decision date when no field gives it: `于2021年12月8日作出`, also with a
/// few words between (`于2020年11月17日对当事人作出如下行政处罚`), within one sentence.
const DECISION_PROSE: &str =
    r"于\s?(\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日|\d{4}-\d{1,2}-\d{1,2})[^。；;]{0,24}?作出";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    days: Option<Spanned<i64>>,
    from: Option<Spanned<String>>,
    labels: Option<Spanned<Vec<String>>>,
    link_text: Option<Spanned<String>>,
    date_pattern: Option<Spanned<String>>,
    if_missing: Option<Spanned<String>>,
    first_per_source: Option<Spanned<bool>>,
    pages: Option<Spanned<String>>,
    describe: Option<Spanned<String>>,
}

/// Compile an interval check of the kind named `kind`, counting `days`.
pub(super) fn compile(
    c: &mut CheckCompiler<'_, '_, '_>,
    kind: &'static str,
    counted: Days,
) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(days) = &f.days else {
        c.required("days");
        return None;
    };
    if !(0..=366).contains(days.get_ref()) {
        c.invalid(days.span(), "`days` must be between 0 and 366");
        return None;
    }
    let from = from_date(c, &f)?;
    let missing_fails = match f
        .if_missing
        .as_ref()
        .map(|m| (m.get_ref().as_str(), m.span()))
    {
        None | Some(("fail", _)) => true,
        Some(("incomplete", _)) => false,
        Some((other, s)) => {
            c.invalid(
                s,
                format!("`if_missing` is `fail` or `incomplete`, not `{other}`"),
            );
            return None;
        }
    };
    let first_per_source = match &f.first_per_source {
        Some(b) if *b.get_ref() && !matches!(from, FromDate::Linked(_)) => {
            c.invalid(
                b.span(),
                "`first_per_source` applies to `from = \"linked\"`",
            );
            return None;
        }
        Some(b) => *b.get_ref(),
        None => false,
    };
    Some(Check::new(Interval {
        missing_fails,
        first_per_source,
        kind,
        counted,
        days: *days.get_ref() as u32,
        from,
        pages: c.pages(&f.pages, Quantifier::Every)?,
        describe: c.describe(&f.describe),
    }))
}

fn from_date(c: &mut CheckCompiler<'_, '_, '_>, f: &Fields) -> Option<FromDate> {
    let from_kind = f.from.as_ref().map(|f| f.get_ref().as_str());
    if let (Some(lt), false) = (&f.link_text, from_kind == Some("linked")) {
        c.invalid(lt.span(), "`link_text` applies to `from = \"linked\"`");
        return None;
    }
    if let (Some(dp), false) = (
        &f.date_pattern,
        matches!(from_kind, Some("text" | "decision")),
    ) {
        c.invalid(
            dp.span(),
            "`date_pattern` applies to `from = \"text\"` and `from = \"decision\"`",
        );
        return None;
    }
    if let (Some(l), false) = (&f.labels, from_kind == Some("decision")) {
        c.invalid(l.span(), "`labels` applies to `from = \"decision\"`");
        return None;
    }
    match f.from.as_ref().map(|f| (f.get_ref().as_str(), f.span())) {
        None | Some(("written_date", _)) => Some(FromDate::WrittenDate),
        Some(("text", s)) => match &f.date_pattern {
            Some(dp) => Some(FromDate::Text(c.pattern(dp)?)),
            None => {
                c.invalid(s, "`from = \"text\"` needs `date_pattern`");
                None
            }
        },
        Some(("linked", s)) => match &f.link_text {
            Some(lt) => Some(FromDate::Linked(c.pattern(lt)?)),
            None => {
                c.invalid(s, "`from = \"linked\"` needs `link_text`");
                None
            }
        },
        Some(("decision", _)) => {
            let labels = match &f.labels {
                Some(l) => l.get_ref().clone(),
                None => c.vocabulary("decision_date_labels"),
            };
            let prose = match &f.date_pattern {
                Some(dp) => c.pattern(dp)?,
                None => c.default_pattern(DECISION_PROSE)?,
            };
            Some(FromDate::Decision { labels, prose })
        }
        Some((other, s)) => {
            c.invalid(
                s,
                format!("`from` is `written_date`, `linked`, `text` or `decision`, not `{other}`"),
            );
            None
        }
    }
}

/// A compiled interval check.
#[derive(Debug)]
pub(super) struct Interval {
    kind: &'static str,
    /// Whether a page that does not state the other date fails (else it is unknown).
    missing_fails: bool,
    /// Whether only the first located page about each linked page is timed.
    first_per_source: bool,
    counted: Days,
    days: u32,
    from: FromDate,
    pages: Quantifier,
    describe: Option<String>,
}

impl Evaluate for Interval {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }
}

enum Other {
    /// The other date, what it is, and (from a linked page) that page's URL.
    Date(NaiveDate, String, Option<String>),
    Missing(String),
    Unknown(String),
    /// The other date belongs to a page outside the site (another authority's policy):
    /// nothing to count.
    Elsewhere(String),
}

/// The decision date of an enforcement notice: a field under one of `labels` (its page's
/// labelled fields, then the list entries naming it), else the earliest date `prose`
/// captures in the text.
fn decision_date(cx: &Context<'_>, page: &PageFacts, labels: &[String], prose: &Pattern) -> Other {
    let doc = Document::of(cx.site, page);
    for label in labels {
        if let Some(s) = doc.field(label) {
            if let Some(d) = date::parse_date(s.value) {
                return Other::Date(d, format!("{label}（{}）", s.from), None);
            }
        }
    }
    // Other labels of the same date: `作出处罚决定日期`, `作出行政许可决定日期`.
    let is_decision_date = |label: &str| {
        label.contains("决定")
            && (label.ends_with("日期") || label.ends_with("时间"))
            && !["送达", "公示", "公开", "发布", "起", "止"]
                .iter()
                .any(|w| label.contains(w))
    };
    let stated = page
        .metadata
        .iter()
        .map(|(label, value)| (label.as_str(), value.as_str(), Place::Page))
        .chain(doc.listed.iter().flat_map(|(list, item)| {
            item.fields
                .iter()
                .map(move |(label, value)| (label.as_str(), value.as_str(), Place::List(list)))
        }));
    for (label, value, place) in stated {
        if is_decision_date(label) {
            if let Some(d) = date::parse_date(value) {
                return Other::Date(d, format!("{label}（{place}）"), None);
            }
        }
    }
    match earliest_date_in_text(prose, page) {
        Some(d) => Other::Date(d, "正文所载作出决定日期".to_string(), None),
        None => Other::Missing(format!(
            "未找到作出决定的日期（未标注{}，正文也未写明何日作出）",
            labels.join("、")
        )),
    }
}

fn other_date<'a>(
    cx: &Context<'a>,
    page: &PageFacts,
    from: &FromDate,
    describe: Option<&str>,
    index: &OnceCell<TitleIndex<'a>>,
) -> Other {
    let sought = |pattern: &Pattern, what: &str| match describe {
        Some(d) => d.to_string(),
        None => format!("匹配「{}」的{what}", pattern.source),
    };
    match from {
        FromDate::WrittenDate => {
            match Document::of(cx.site, page)
                .field("成文日期")
                .and_then(|s| date::parse_date(s.value))
            {
                Some(d) => Other::Date(d, "成文日期".to_string(), None),
                None => Other::Missing("未标注成文日期".to_string()),
            }
        }
        FromDate::Decision { labels, prose } => decision_date(cx, page, labels, prose),
        FromDate::Linked(pattern) => {
            let links: Vec<_> = page
                .links
                .iter()
                .filter(|l| l.is_labelled(pattern))
                .collect();
            if links.is_empty() {
                return match paired_without_backlink(cx, page, index) {
                    Some((d, label, url)) => Other::Date(d, label, Some(url)),
                    None => Other::Missing(format!(
                        "页面无{}，也无链接到本页或标题对应的政策文件",
                        sought(pattern, "关联链接")
                    )),
                };
            }
            let mut unknown = None;
            let off_site: Vec<&str> = links
                .iter()
                .filter(|l| {
                    !crate::site::same_host(&l.url, &page.url) && cx.site.page(&l.url).is_none()
                })
                .map(|l| l.url.as_str())
                .collect();
            if off_site.len() == links.len() {
                return Other::Elsewhere(format!(
                    "所关联的政策文件在站外（{}），非本站发布，未核对间隔",
                    off_site[0]
                ));
            }
            for link in links {
                match cx.site.page(&link.url) {
                    Some(target) if target.is_ok() => {
                        if let Some(d) = target.published {
                            return Other::Date(
                                d,
                                format!("关联页面《{}》的发布日期", target.title),
                                Some(target.url.clone()),
                            );
                        }
                    }
                    Some(target) if target.is_failed() => unknown = Some(link.url.clone()),
                    Some(_) => {}
                    None => unknown = Some(link.url.clone()),
                }
            }
            match unknown {
                Some(url) => Other::Unknown(format!("关联页面 {url} 未能获取，无法计算间隔")),
                None => Other::Missing("关联页面无法打开或未标注发布日期".to_string()),
            }
        }
        FromDate::Text(pattern) => match earliest_date_in_text(pattern, page) {
            Some(d) => Other::Date(d, "正文所载日期".to_string(), None),
            None => Other::Missing(format!("正文中未找到{}", sought(pattern, "日期"))),
        },
    }
}

/// The names in 《》 of a title: `图解：《广东省文化和旅游发展“十四五”规划》` names
/// the plan it interprets.
fn named_documents(title: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = title;
    while let Some(start) = rest.find('《') {
        let after = &rest[start + '《'.len_utf8()..];
        let Some(end) = after.find('》') else { break };
        let key = text::compact_key(&after[..end]);
        if key.chars().count() >= 4 {
            names.push(key);
        }
        rest = &after[end + '》'.len_utf8()..];
    }
    names
}

/// Dated documents by the names their titles carry (the whole title and each name
/// in 《》, as compact keys), the earliest published first: built once per check, and
/// only when an interpretation has no link back to its policy.
type TitleIndex<'a> = HashMap<String, &'a PageFacts>;

fn is_document(p: &PageFacts) -> bool {
    p.is_ok() && p.published.is_some() && p.list_items.len() < 2
}

fn title_index<'a>(cx: &Context<'a>) -> TitleIndex<'a> {
    let mut index: TitleIndex<'a> = HashMap::new();
    for p in cx.site.pages() {
        if !is_document(p) || is_interpretation_title(&p.title) {
            continue;
        }
        let mut keys = named_documents(&p.title);
        keys.push(text::compact_key(&p.title));
        for key in keys {
            let kept = index.entry(key).or_insert(p);
            if p.published < kept.published {
                *kept = p;
            }
        }
    }
    index
}

/// The policy an interpretation belongs to when the interpretation has no link
/// back to it: a dated detail page that links to the interpretation (the
/// policy's own 相关解读 link), preferring one whose title carries the name the
/// interpretation quotes in 《》; failing that, the earliest dated page titled with
/// that name or quoting it in 《》. Column lists (pages with dated list items) never count.
fn paired_without_backlink<'a>(
    cx: &Context<'a>,
    page: &PageFacts,
    index: &OnceCell<TitleIndex<'a>>,
) -> Option<(NaiveDate, String, String)> {
    let names = named_documents(&page.title);
    let titled = |p: &PageFacts| {
        let key = text::compact_key(&p.title);
        names.iter().any(|n| key.contains(n.as_str()))
    };
    let linking: Vec<&PageFacts> = cx
        .site
        .inbound_links(&page.url)
        .filter_map(|(from, _)| cx.site.page(from))
        .filter(|p| p.url != page.url && is_document(p))
        .collect();
    let (policy, how) = if let Some(p) = linking.iter().copied().find(|p| titled(p)) {
        (p, "链接到本页且标题对应")
    } else if let [only] = linking.as_slice() {
        (*only, "链接到本页")
    } else {
        let index = index.get_or_init(|| title_index(cx));
        let p = names
            .iter()
            .filter_map(|n| index.get(n))
            .filter(|p| p.url != page.url)
            .min_by_key(|p| p.published)?;
        (*p, "标题对应")
    };
    Some((
        policy.published?,
        format!(
            "政策文件《{}》（{how}，本页未设回链）的发布日期",
            policy.title
        ),
        policy.url.clone(),
    ))
}

/// Titles of interpretations themselves, which never stand for the policy.
fn is_interpretation_title(title: &str) -> bool {
    ["解读", "图解", "一图读懂", "问答"]
        .iter()
        .any(|w| title.contains(w))
}

fn check(cx: &Context<'_>, interval: &Interval) -> CheckResult {
    let Interval {
        kind,
        missing_fails,
        first_per_source,
        counted,
        days,
        ref from,
        pages,
        ref describe,
    } = *interval;
    let unit = match counted {
        Days::Working => "个工作日",
        Days::Calendar => "天",
    };
    let index = OnceCell::new();
    let firsts = if first_per_source {
        first_by_source(cx, from, describe.as_deref(), &index)
    } else {
        HashMap::new()
    };
    per_page(cx, kind, pages, |page| {
        let Some((published, _)) = Document::of(cx.site, page).published() else {
            return PageVerdict::Fail(format!("《{}》未标注发布日期", page.title));
        };
        let (start, label) = match other_date(cx, page, from, describe.as_deref(), &index) {
            Other::Date(d, label, Some(source))
                if firsts
                    .get(&source)
                    .is_some_and(|(first, _)| *first < published) =>
            {
                let (first, title) = &firsts[&source];
                return PageVerdict::Pass(format!(
                    "《{}》之前已有《{title}》（{first}）关联同一页面，本页不计间隔（{label}{d}）",
                    page.title
                ));
            }
            Other::Date(d, label, _) => (d, label),
            Other::Missing(m) if missing_fails => return PageVerdict::Fail(m),
            Other::Missing(m) => return PageVerdict::Unknown(format!("{m}，需人工核对")),
            Other::Unknown(m) => return PageVerdict::Unknown(m),
            Other::Elsewhere(m) => return PageVerdict::Pass(m),
        };
        let between = match counted {
            Days::Working => cx.calendar.working_days_between(start, published),
            Days::Calendar => Ok((published - start).num_days()),
        };
        match between {
            Ok(n) => {
                let msg = format!(
                    "《{}》发布于{published}，距{label}{start}共{n}{unit}（要求不超过{days}{unit}）",
                    page.title
                );
                if n <= i64::from(days) {
                    PageVerdict::Pass(msg)
                } else {
                    PageVerdict::Fail(msg)
                }
            }
            Err(e) => PageVerdict::Unknown(format!("工作日历无法计算：{e}")),
        }
    })
}

/// For each linked page (by URL), the publication date and title of the first located page
/// about it.
fn first_by_source<'a>(
    cx: &Context<'a>,
    from: &FromDate,
    describe: Option<&str>,
    index: &OnceCell<TitleIndex<'a>>,
) -> HashMap<String, (NaiveDate, String)> {
    let mut firsts: HashMap<String, (NaiveDate, String)> = HashMap::new();
    for page in &cx.located.pages {
        let Some((published, _)) = Document::of(cx.site, page).published() else {
            continue;
        };
        if let Other::Date(_, _, Some(source)) = other_date(cx, page, from, describe, index) {
            let first = firsts
                .entry(source)
                .or_insert_with(|| (published, page.title.clone()));
            if published < first.0 {
                *first = (published, page.title.clone());
            }
        }
    }
    firsts
}

/// The earliest date a match of `pattern` gives in the page's text (its first group, else
/// the whole match).
fn earliest_date_in_text(pattern: &Pattern, page: &PageFacts) -> Option<NaiveDate> {
    pattern
        .regex
        .captures_iter(&page.text.as_str())
        .filter_map(|c| c.get(1).or_else(|| c.get(0)))
        .filter_map(|m| date::first_date(m.as_str()))
        .map(|f| f.date)
        .min()
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    fn policy_and_reading(reading_date: &str) -> crate::site::Site {
        site(&[
            ("/p.html", "<title>十四五规划</title><div>时间 : 2021-09-29 10:00 来源 : 本网</div><a href=\"/r.html\">相关解读</a>"),
            ("/r.html", &format!("<title>图解：十四五规划</title><div>时间 : {reading_date} 10:00 来源 : 本网</div><a href=\"/p.html\">原文链接</a>")),
        ])
    }

    const RULE: &str = "locate = { title = \"^图解\" }\n[[rule.checks]]\nkind = \"within_working_days\"\ndays = 3\nfrom = \"linked\"\nlink_text = \"原文\"";

    #[test]
    fn a_later_form_of_an_interpretation_given_in_time_passes_with_first_per_source() {
        let s = site(&[
            ("/p.html", "<title>十四五规划</title><div>时间 : 2021-09-29 10:00 来源 : 本网</div>"),
            ("/r.html", "<title>图解：十四五规划</title><div>时间 : 2021-09-30 10:00 来源 : 本网</div><a href=\"/p.html\">原文链接</a>"),
            ("/v.html", "<title>图解：十四五规划（视频）</title><div>时间 : 2021-10-20 10:00 来源 : 本网</div><a href=\"/p.html\">原文链接</a>"),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        let r = run(&s, &format!("{RULE}\nfirst_per_source = true"));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        // The first one late still fails.
        let late = site(&[
            ("/p.html", "<title>十四五规划</title><div>时间 : 2021-09-29 10:00 来源 : 本网</div>"),
            ("/v.html", "<title>图解：十四五规划（视频）</title><div>时间 : 2021-10-20 10:00 来源 : 本网</div><a href=\"/p.html\">原文链接</a>"),
        ]);
        let r = run(&late, &format!("{RULE}\nfirst_per_source = true"));
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }

    #[test]
    fn across_national_day() {
        // 2021-09-29 → 2021-10-08: 09-30 and 10-08 are working days (10-01..07 holiday).
        let r = run(&policy_and_reading("2021-10-08"), RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("共2个工作日"), "{}", r.message);
        let r = run(&policy_and_reading("2021-10-13"), RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }

    #[test]
    fn pairs_by_inbound_link_or_title_when_the_backlink_is_missing() {
        // The interpretation has no 原文 link; the policy links to it.
        let s = site(&[
            ("/p.html", "<title>广东省文化和旅游发展“十四五”规划</title><div>时间 : 2021-09-28 10:00 来源 : 本网</div><a href=\"/r.html\">相关解读</a>"),
            ("/r.html", "<title>图解：《广东省文化和旅游发展“十四五”规划》</title><div>时间 : 2021-10-20 15:40 来源 : 本网</div><p>图</p>"),
            ("/list.html", "<title>列表</title><ul><li><a href=\"/r.html\">图解</a><span>2021-10-20</span></li><li><a href=\"/p.html\">规划</a><span>2021-09-28</span></li></ul>"),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("共12个工作日"), "{}", r.message);
        assert!(r.message.contains("链接到本页且标题对应"), "{}", r.message);
        // No link either way: the title names the policy.
        let s = site(&[
            ("/p.html", "<title>广东省文化和旅游发展“十四五”规划</title><div>时间 : 2021-09-28 10:00 来源 : 本网</div>"),
            ("/r.html", "<title>图解：《广东省文化和旅游发展“十四五”规划》</title><div>时间 : 2021-09-29 15:40 来源 : 本网</div><p>图</p>"),
        ]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("标题对应"), "{}", r.message);
        // Nothing to pair with.
        let s = site(&[(
            "/r.html",
            "<title>图解：《某规划》</title><div>时间 : 2021-09-29 15:40 来源 : 本网</div>",
        )]);
        let r = run(&s, RULE);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("关联链接"), "{}", r.message);
    }

    #[test]
    fn date_stated_in_text() {
        let page = |published: &str| {
            format!("<title>行政许可结果公告</title><div>时间 : {published} 16:00 来源 : 本网</div><p>现将我厅于2021年12月8日作出的行政许可决定公告如下：</p>")
        };
        let rule = "locate = { title = \"许可结果公告\" }\n[[rule.checks]]\nkind = \"within_working_days\"\ndays = 7\nfrom = \"text\"\ndate_pattern = \"于(\\\\d{4}年\\\\d{1,2}月\\\\d{1,2}日)作出\"";
        assert_eq!(
            run(&site(&[("/x.html", &page("2021-12-10"))]), rule).outcome,
            Outcome::Pass
        );
        let r = run(&site(&[("/x.html", &page("2021-12-31"))]), rule);
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("共17个工作日"), "{}", r.message);
    }

    #[test]
    fn calendar_days() {
        let page = |published: &str| {
            format!("<title>广东省文化和旅游厅2021年部门预算</title><div>时间 : {published} 10:00 来源 : 本网</div><p>（省财政厅于2021年1月26日批复）</p>")
        };
        let rule = "locate = { title = \"部门预算\" }\n[[rule.checks]]\nkind = \"within_days\"\ndays = 20\nfrom = \"text\"\ndate_pattern = \"(\\\\d{4}年\\\\d{1,2}月\\\\d{1,2}日)批复\"";
        let r = run(&site(&[("/b.html", &page("2021-02-09"))]), rule);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("共14天"), "{}", r.message);
        // 春节 holidays count as days: 2021-02-16 is 21 calendar days later.
        assert_eq!(
            run(&site(&[("/b.html", &page("2021-02-16"))]), rule).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn written_date() {
        let s = site(&[("/d.html", "<table><tr><td>成文日期：</td><td>2021-01-29</td><td>发布日期：</td><td>2021-03-05</td></tr></table>")]);
        let rule =
            "locate = { url = \"/d\" }\n[[rule.checks]]\nkind = \"within_working_days\"\ndays = 20";
        let r = run(&s, rule);
        // 春节 2021: 02-11..02-17 off, 02-07 and 02-20 worked → more than 20 working days.
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
    }
}
