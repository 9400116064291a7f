//! `current_version`: a published text is the latest official version.
//!
//! - **What**: each located page whose title names one of the listed documents
//!   (the longest listed name contained in the title) must state the date of
//!   that document's latest official version as of the evaluation date: its
//!   first publication, or its last revision (`根据2020年11月29日《国务院关于修改和废止
//!   部分行政法规的决定》第二次修订`). Revisions dated after the evaluation date are
//!   not yet due. A page naming no listed document passes with a note that it was
//!   not compared.
//! - **Why**: administrative regulations shown on a portal must match the national
//!   official version (task 21 of the 2021 plan: 对照中国政府法制信息网行政法规库公布的
//!   行政法规国家正式版本，及时更新行政法规文本); a page still carrying the 2006
//!   original of a regulation revised twice since misleads its readers.
//! - **Example**:
//!   `{ kind = "current_version", versions = [{ title = "娱乐场所管理条例", dates = ["2006-01-29", "2016-02-06", "2020-11-29"] }] }`
//!   passes on a page whose header reads `根据2020年11月29日…第二次修订`, fails on
//!   one that shows only `2006年1月29日中华人民共和国国务院令第458号公布`.
//! - **Clause**: per rule; the version dates live in the rule file, taken from the
//!   national database of laws and regulations (国家法律法规数据库, flk.npc.gov.cn).

use chrono::{Datelike, NaiveDate};

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::date;
use crate::rule::{OfficialVersion, Quantifier};
use crate::text;

fn zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub(super) fn check(
    cx: &Context<'_>,
    versions: &[OfficialVersion],
    pages: Quantifier,
) -> CheckResult {
    per_page(cx, "current_version", pages, |page| {
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
        let Some(current) = doc.dates.iter().copied().filter(|d| *d <= cx.as_of).max() else {
            return PageVerdict::Pass(format!(
                "《{}》在{}尚无正式版本，无需核对",
                doc.name, cx.as_of
            ));
        };
        let stated: Vec<NaiveDate> = date::find_dates(&page.text.as_str())
            .into_iter()
            .map(|f| f.date)
            .collect();
        if stated.contains(&current) {
            return PageVerdict::Pass(format!(
                "《{}》载明{}的版本，为截至{}的国家正式版本",
                doc.name,
                zh(current),
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
