//! `current_version`: a published text is the latest official version. Its
//! documentation is [`KIND`].

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use super::{
    pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Field, Kind,
    PageVerdict,
};
use crate::date;
use crate::pack::CheckCompiler;
use crate::rule::Quantifier;
use crate::text;

/// `current_version`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "current_version",
    summary: "a published text is the latest official version",
    what: "Each located page whose title names one of the listed documents (the longest \
listed name contained in the title) must state the date of that document's latest official \
version as of the as-of date: its first publication, or its last revision \
(`根据2020年11月29日《国务院关于修改和废止部分行政法规的决定》第二次修订`). A version is due \
`update_days` after its date (revisions dated later are not yet due); a page showing a newer \
version than the one due passes. A page naming no listed document passes with a note that it \
was not compared. The dates are data: keep them in the rule file, from the official database \
(for 行政法规, 国家法律法规数据库 flk.npc.gov.cn).",
    why: "Administrative regulations shown on a portal must match the national official \
version (task 21 of the 2021 plan: 对照中国政府法制信息网行政法规库公布的行政法规国家正式版本，\
及时更新行政法规文本); a page still carrying the 2006 original of a regulation revised twice \
since misleads its readers.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "current_version"
versions = [
  { title = "娱乐场所管理条例", dates = ["2006-01-29", "2016-02-06", "2020-11-29"] },
]"#,
        passes: "a page whose header reads `根据2020年11月29日…第二次修订`",
        fails: "one that shows only `2006年1月29日中华人民共和国国务院令第458号公布`",
    },
    clause: "per rule; the version dates come from the national database of laws and regulations",
    fields: &[
        Field {
            name: "versions",
            ty: "list of `{ title = string, dates = [YYYY-MM-DD, …] }`",
            default: None,
            meaning: "each document's name and its publication and revision dates",
        },
        Field {
            name: "update_days",
            ty: "integer ≥ 0",
            default: Some("0"),
            meaning: "calendar days a portal has to show a new version after its date (及时更新)",
        },
        pages_field("`every`"),
    ],
    compile,
    manual_default: None,
};

/// One document's official version history in a `current_version` check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    title: String,
    dates: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    versions: Option<Spanned<Vec<Spanned<RawVersion>>>>,
    update_days: Option<Spanned<i64>>,
    pages: Option<Spanned<String>>,
}

/// A document's official version history: when it was first published and each
/// date it was revised (e.g. an administrative regulation in the national database
/// of laws and regulations).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OfficialVersion {
    /// The document's name as written in the rule file.
    name: String,
    /// The name as a [`crate::text::compact_key`], matched against page titles.
    key: String,
    /// First publication and revision dates, oldest first.
    dates: Vec<NaiveDate>,
}

fn version(c: &mut CheckCompiler<'_, '_, '_>, v: &Spanned<RawVersion>) -> Option<OfficialVersion> {
    let raw = v.get_ref();
    let key = text::compact_key(&raw.title);
    if key.chars().count() < 2 {
        c.invalid(v.span(), "a version's `title` must name the document");
        return None;
    }
    let mut dates = Vec::new();
    for d in &raw.dates {
        match date::parse_date(d) {
            Some(d) => dates.push(d),
            None => {
                c.invalid(
                    v.span(),
                    format!("`dates` holds YYYY-MM-DD dates, not `{d}`"),
                );
                return None;
            }
        }
    }
    if dates.is_empty() {
        c.invalid(v.span(), "`dates` must give at least the first publication");
        return None;
    }
    dates.sort();
    Some(OfficialVersion {
        name: raw.title.clone(),
        key,
        dates,
    })
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(versions) = &f.versions else {
        c.required("versions");
        return None;
    };
    if versions.get_ref().is_empty() {
        c.invalid(
            versions.span(),
            "`versions` must list at least one document",
        );
        return None;
    }
    let mut out = Vec::new();
    for v in versions.get_ref() {
        out.push(version(c, v)?);
    }
    Some(Check::new(CurrentVersion {
        versions: out,
        update_days: c.count(&f.update_days, 0, "update_days")?,
        pages: c.pages(&f.pages, Quantifier::Every)?,
    }))
}

/// A compiled `current_version` check.
#[derive(Debug)]
pub(crate) struct CurrentVersion {
    versions: Vec<OfficialVersion>,
    update_days: usize,
    pages: Quantifier,
}

impl Evaluate for CurrentVersion {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }
}

fn zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn check(cx: &Context<'_>, rule: &CurrentVersion) -> CheckResult {
    let versions = &rule.versions;
    let grace = chrono::Duration::days(rule.update_days as i64);
    per_page(cx, KIND.name, rule.pages, |page| {
        let title = text::compact_key(&page.title);
        let Some(doc) = versions
            .iter()
            .filter(|v| title.contains(v.key.as_str()))
            .max_by_key(|v| v.key.len())
        else {
            return PageVerdict::Pass(format!(
                "《{}》不在规则所列正式版本表中，未核对版本",
                page.title
            ));
        };
        let Some(current) = doc
            .dates
            .iter()
            .copied()
            .filter(|d| *d + grace <= cx.as_of)
            .max()
        else {
            return PageVerdict::Pass(format!(
                "《{}》在{}尚无正式版本，无需核对",
                doc.name, cx.as_of
            ));
        };
        let stated: Vec<NaiveDate> = date::find_dates(&page.text.as_str())
            .into_iter()
            .map(|f| f.date)
            .collect();
        if let Some(shown) = doc
            .dates
            .iter()
            .copied()
            .filter(|d| *d >= current && *d <= cx.as_of && stated.contains(d))
            .max()
        {
            return PageVerdict::Pass(format!(
                "《{}》载明{}的版本，为截至{}的国家正式版本",
                doc.name,
                zh(shown),
                cx.as_of
            ));
        }
        let shown = doc
            .dates
            .iter()
            .copied()
            .filter(|d| stated.contains(d))
            .max();
        let found = match shown {
            Some(d) => format!("页面所载为{}的版本", zh(d)),
            None => "页面未载明公布或修订日期".to_string(),
        };
        PageVerdict::Fail(format!(
            "《{}》未更新至国家正式版本：最新为{}{}，{found}",
            doc.name,
            zh(current),
            if doc.dates.first() == Some(&current) {
                "公布"
            } else {
                "修订"
            },
        ))
    })
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const RULE: &str = "locate = { breadcrumb = \"行政法规\" }\n[[rule.checks]]\nkind = \"current_version\"\nversions = [\n  { title = \"娱乐场所管理条例\", dates = [\"2006-01-29\", \"2016-02-06\", \"2020-11-29\"] },\n  { title = \"互联网上网服务营业场所管理条例\", dates = [\"2002-09-29\", \"2011-01-08\", \"2016-02-06\", \"2019-03-24\", \"2022-03-29\"] },\n]";

    fn regulation(title: &str, header: &str) -> String {
        format!("<title>{title}</title><div class=\"crumb\">当前位置：首页 &gt; 行政法规 &gt; 正文</div><h1>{title}</h1><p>（{header}）</p><p>第一条 为了……</p>")
    }

    #[test]
    fn latest_revision_stated() {
        let page = regulation(
            "娱乐场所管理条例",
            "2006年1月29日中华人民共和国国务院令第458号公布 根据2016年2月6日《国务院关于修改部分行政法规的决定》第一次修订 根据2020年11月29日《国务院关于修改和废止部分行政法规的决定》第二次修订",
        );
        let r = run_as_of(&site(&[("/a.html", &page)]), RULE, "2022-02-01");
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }

    #[test]
    fn original_text_fails_naming_the_revision() {
        let page = regulation(
            "娱乐场所管理条例",
            "2006年1月29日中华人民共和国国务院令第458号公布",
        );
        let r = run_as_of(&site(&[("/a.html", &page)]), RULE, "2022-02-01");
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(
            r.message.contains("最新为2020年11月29日修订"),
            "{}",
            r.message
        );
        assert!(
            r.message.contains("页面所载为2006年1月29日的版本"),
            "{}",
            r.message
        );
        // Before the 2016 revision the original was the official version.
        let r = run_as_of(&site(&[("/a.html", &page)]), RULE, "2015-06-01");
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
    }

    #[test]
    fn a_revision_is_due_update_days_after_its_date() {
        let page = regulation(
            "互联网上网服务营业场所管理条例",
            "2002年9月29日国务院令第363号公布 根据2019年3月24日《国务院关于修改部分行政法规的决定》第三次修订",
        );
        let s = site(&[("/a.html", &page)]);
        let rule = format!("{RULE}\nupdate_days = 30");
        assert_eq!(run_as_of(&s, &rule, "2022-04-20").outcome, Outcome::Pass);
        assert_eq!(run_as_of(&s, &rule, "2022-04-30").outcome, Outcome::Fail);
        let updated = page.replace("2019年3月24日", "2022年3月29日");
        let s = site(&[("/a.html", &updated)]);
        assert_eq!(run_as_of(&s, &rule, "2022-04-20").outcome, Outcome::Pass);
    }

    #[test]
    fn revisions_after_as_of_are_not_due_and_unlisted_pages_pass() {
        let page = regulation(
            "互联网上网服务营业场所管理条例",
            "2002年9月29日国务院令第363号公布 根据2019年3月24日《国务院关于修改部分行政法规的决定》第三次修订",
        );
        let s = site(&[("/a.html", &page)]);
        assert_eq!(run_as_of(&s, RULE, "2022-02-01").outcome, Outcome::Pass);
        let r = run_as_of(&s, RULE, "2022-06-01");
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        let other = regulation("营业性演出管理条例", "2005年7月7日国务院令第439号公布");
        let r = run_as_of(&site(&[("/b.html", &other)]), RULE, "2022-02-01");
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.message.contains("未核对"), "{}", r.message);
    }
}
