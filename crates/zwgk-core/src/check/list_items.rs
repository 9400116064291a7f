//! `list_items`: the located list pages hold at least `min` dated items.
//!
//! - **What**: dated entries (a link with a date beside it) across all located
//!   pages (a column's `index.html`, `index_2.html`, …), counted once per URL,
//!   dated on or before the as-of date, optionally only those whose title matches.
//! - **Why**: a column with no items is a blank column (国办秘函〔2019〕19号 counts
//!   ≥ 5 blank columns as a veto); a 规范性文件 list must hold every valid document.
//! - **Example**: `{ kind = "list_items", min = 3 }` on `/open_newgfxwj/index(_\d+)?\.html`
//!   passes with three dated documents listed, fails with two.
//! - **Clause**: per rule.

use std::collections::BTreeMap;

use super::{CheckResult, Context, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::page::ListItem;
use crate::rule::{DateSpec, Pattern};
use chrono::NaiveDate;

/// Distinct dated items of the located pages, dated on or before the as-of date.
pub(crate) fn items<'a>(
    cx: &Context<'a>,
    title: Option<&Pattern>,
    since: Option<NaiveDate>,
) -> Vec<&'a ListItem> {
    let mut seen: BTreeMap<&str, &ListItem> = BTreeMap::new();
    for page in &cx.located.pages {
        for item in &page.list_items {
            if item.date <= cx.as_of
                && since.is_none_or(|s| item.date >= s)
                && title.is_none_or(|p| p.is_match(&item.title))
            {
                seen.entry(item.url.as_str()).or_insert(item);
            }
        }
    }
    let mut v: Vec<&ListItem> = seen.into_values().collect();
    v.sort_by(|a, b| b.date.cmp(&a.date).then(a.url.cmp(&b.url)));
    v
}

pub(super) fn check(
    cx: &Context<'_>,
    min: usize,
    title: Option<&Pattern>,
    since: Option<DateSpec>,
) -> CheckResult {
    if cx.located.pages.is_empty() {
        return cx.located.absent("list_items");
    }
    let since = since.and_then(|s| s.resolve(cx.plan_year));
    let items = items(cx, title, since);
    let evidence: Vec<Evidence> = items
        .iter()
        .take(MAX_EVIDENCE)
        .map(|i| Evidence::new(i.url.clone(), format!("{} {}", i.date, i.title)))
        .collect();
    let mut filter = title
        .map(|p| format!("（标题匹配「{}」）", p.source))
        .unwrap_or_default();
    if let Some(s) = since {
        filter.push_str(&format!("（{s}以来）"));
    }
    let msg = format!("列表共{}条{filter}，要求至少{min}条", items.len());
    if items.len() >= min {
        CheckResult::new(Outcome::Pass, "list_items", msg, evidence)
    } else if !cx.located.unknown.is_empty() {
        CheckResult::new(
            Outcome::Incomplete,
            "list_items",
            format!("{msg}；{}", cx.located.unknown_message()),
            evidence,
        )
    } else {
        let pages: Vec<Evidence> = cx
            .located
            .pages
            .iter()
            .take(MAX_EVIDENCE)
            .map(|p| Evidence::new(p.url.clone(), format!("本页{}条", p.list_items.len())))
            .collect();
        CheckResult::new(Outcome::Fail, "list_items", msg, pages)
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const LIST1: &str = r#"<ul><li><a href="/c/post_3.html">文件三</a><span>2021-12-01</span></li><li><a href="/c/post_2.html">文件二</a><span>2021-06-01</span></li></ul>"#;
    const LIST2: &str = r#"<ul><li><a href="/c/post_2.html">文件二</a><span>2021-06-01</span></li><li><a href="/c/post_1.html">通知一</a><span>2020-01-01</span></li><li><a href="/c/post_9.html">未来</a><span>2023-01-01</span></li></ul>"#;

    #[test]
    fn counts_distinct_items_across_pages() {
        let site = site(&[("/c/index.html", LIST1), ("/c/index_2.html", LIST2)]);
        let rule = |min: usize| {
            format!("locate = {{ url = \"/c/index(_\\\\d+)?\\\\.html$\" }}\n[[rule.checks]]\nkind = \"list_items\"\nmin = {min}")
        };
        let r = run(&site, &rule(3));
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(
            r.message.contains("共3条"),
            "future item excluded, duplicate once: {}",
            r.message
        );
        assert_eq!(run(&site, &rule(4)).outcome, Outcome::Fail);
        let since = run(&site, "locate = { url = \"/c/\" }\n[[rule.checks]]\nkind = \"list_items\"\nsince = \"{year}-01-01\"\nmin = 2");
        assert_eq!(since.outcome, Outcome::Pass, "{}", since.message);
        assert!(
            since.message.contains("2021-01-01以来"),
            "{}",
            since.message
        );
        let since = run(&site, "locate = { url = \"/c/\" }\n[[rule.checks]]\nkind = \"list_items\"\nsince = \"2021-07-01\"\nmin = 2");
        assert_eq!(since.outcome, Outcome::Fail, "{}", since.message);
        let titled = run(&site, "locate = { url = \"/c/\" }\n[[rule.checks]]\nkind = \"list_items\"\ntitle = \"文件\"\nmin = 3");
        assert_eq!(titled.outcome, Outcome::Fail, "{}", titled.message);
    }
}
