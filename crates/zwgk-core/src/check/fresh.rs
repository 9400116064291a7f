//! `fresh`: the newest dated item is recent enough on the as-of date.
//!
//! - **What**: the newest date among the located pages' list items (or their
//!   publication dates, `source = "published"`), dated on or before the as-of
//!   date, is at most `max_age_days` calendar days old.
//! - **Why**: stale columns are a veto item of the website inspection
//!   (news-type columns 2 weeks, 通知公告/政策文件 6 months: 国办秘函〔2019〕19号).
//! - **Example**: `{ kind = "fresh", max_age_days = 14 }` passes as of 2022-02-01
//!   when the newest item is dated 2022-01-25, fails when it is 2021-10-08.
//! - **Clause**: 国办秘函〔2019〕19号 (veto items); the day counts live in rule files.

use chrono::NaiveDate;

use super::list_items::items;
use super::{CheckResult, Context};
use crate::outcome::{Evidence, Outcome};
use crate::rule::DateSource;

pub(super) fn check(cx: &Context<'_>, max_age_days: i64, source: DateSource) -> CheckResult {
    if cx.located.pages.is_empty() {
        return cx.located.absent("fresh");
    }
    let newest: Option<(NaiveDate, String, String)> = match source {
        DateSource::Items => items(cx, None, None)
            .first()
            .map(|i| (i.date, i.url.clone(), i.title.clone())),
        DateSource::Published => cx
            .located
            .pages
            .iter()
            .filter_map(|p| p.published.map(|d| (d, p.url.clone(), p.title.clone())))
            .max_by(|a, b| a.0.cmp(&b.0)),
    };
    let Some((date, url, title)) = newest else {
        let outcome = if cx.located.unknown.is_empty() {
            Outcome::Fail
        } else {
            Outcome::Incomplete
        };
        let first = cx.located.pages[0].url.clone();
        return CheckResult::new(
            outcome,
            "fresh",
            "未找到带发布日期的条目（无日期的条目按未更新计）",
            vec![Evidence::new(first, "无带日期条目")],
        );
    };
    let age = (cx.as_of - date).num_days();
    let msg = format!(
        "最新条目日期{date}，距{}已{age}天（要求不超过{max_age_days}天）",
        cx.as_of
    );
    let evidence = vec![Evidence::new(url, format!("{date} {title}"))];
    if age <= max_age_days {
        CheckResult::new(Outcome::Pass, "fresh", msg, evidence)
    } else {
        CheckResult::new(Outcome::Fail, "fresh", msg, evidence)
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    #[test]
    fn newest_item_against_as_of() {
        let fresh = site(&[(
            "/news/index.html",
            r#"<li><a href="/n/1.html">新闻</a> 2022-01-25</li><li><a href="/n/0.html">旧闻</a> 2021-01-25</li>"#,
        )]);
        let stale = site(&[(
            "/news/index.html",
            r#"<li><a href="/n/1.html">新闻</a> 2021-10-08</li>"#,
        )]);
        let rule =
            "locate = { url = \"/news/\" }\n[[rule.checks]]\nkind = \"fresh\"\nmax_age_days = 14";
        let r = run(&fresh, rule);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        let r = run(&stale, rule);
        assert_eq!(r.outcome, Outcome::Fail);
        assert!(r.message.contains("2021-10-08"), "{}", r.message);
        let undated = site(&[(
            "/news/index.html",
            "<li><a href=\"/n/1.html\">新闻</a></li>",
        )]);
        assert_eq!(run(&undated, rule).outcome, Outcome::Fail);
    }

    #[test]
    fn published_source() {
        let s = site(&[("/a.html", "<p>时间 : 2022-01-20 10:00 来源 : 本网</p>")]);
        let r = run(&s, "locate = { url = \"/a\" }\n[[rule.checks]]\nkind = \"fresh\"\nsource = \"published\"\nmax_age_days = 7");
        assert_eq!(r.outcome, Outcome::Fail, "12 days old: {}", r.message);
    }
}
