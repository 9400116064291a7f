//! `list_items`: the located list pages hold at least `min` dated items. Its
//! documentation is [`KIND`].

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{
    describe_field, Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE,
};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;
use crate::rule::{DateSpec, Pattern};

/// `list_items`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "list_items",
    summary: "a list holds enough dated items",
    what: "Counts dated entries (a link with a date beside it, or catalogue API entries) \
across all located pages (a column's `index.html`, `index_2.html`, …), once per URL, dated on \
or before the as-of date, optionally only those whose title matches `title` or dated on or \
after `since`. At least `min` are needed.",
    why: "A column with no items is a blank column (国办秘函〔2019〕19号 counts ≥ 5 blank \
columns as a veto); a 规范性文件 list must hold every valid document.",
    example: Example {
        rule: r#"locate = { url = "/open_newgfxwj/index(_\\d+)?\\.html$" }
[[rule.checks]]
kind = "list_items"
min = 3
title = "规"
since = "{year}-01-01""#,
        passes: "a column whose pages list three dated documents of the plan year",
        fails: "a column listing two (the evidence gives each page's count)",
    },
    clause: "per rule",
    fields: &[
        Field {
            name: "min",
            ty: "integer, 0–1000000",
            default: Some("1"),
            meaning: "how many dated items are needed",
        },
        Field {
            name: "title",
            ty: "regex",
            default: Some("none: every item"),
            meaning: "count only items whose title matches",
        },
        Field {
            name: "since",
            ty: "date (`YYYY-MM-DD` or `{year}-MM-DD`)",
            default: Some("none: every date"),
            meaning: "count only items dated on or after this date",
        },
        describe_field("the items counted, in words (`规范性文件`), when `title` filters them"),
    ],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    min: Option<Spanned<i64>>,
    title: Option<Spanned<String>>,
    since: Option<Spanned<String>>,
    describe: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(ListItems {
        min: c.count(&f.min, 1, "min")?,
        title: c.opt_pattern(&f.title)?,
        since: match &f.since {
            None => None,
            Some(s) => Some(c.date_spec(s)?),
        },
        describe: c.describe(&f.describe),
    }))
}

/// A compiled `list_items` check.
#[derive(Debug)]
pub(crate) struct ListItems {
    min: usize,
    title: Option<Pattern>,
    since: Option<DateSpec>,
    describe: Option<String>,
}

impl Evaluate for ListItems {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self)
    }
}

fn check(cx: &Context<'_>, check: &ListItems) -> CheckResult {
    let (min, title, since) = (check.min, check.title.as_ref(), check.since);
    if cx.located.pages.is_empty() {
        return cx.located.absent(KIND.name);
    }
    let since: Option<NaiveDate> = since.and_then(|s| s.resolve(cx.plan_year));
    let items = cx.located.dated_items(cx.as_of, title, since);
    let evidence: Vec<Evidence> = items
        .iter()
        .take(MAX_EVIDENCE)
        .map(|i| Evidence::new(i.url.clone(), format!("{} {}", i.date, i.title)))
        .collect();
    let mut filter = match (&check.describe, title) {
        (Some(d), _) => format!("（{d}）"),
        (None, Some(p)) => format!("（标题匹配「{}」）", p.source),
        (None, None) => String::new(),
    };
    if let Some(s) = since {
        filter.push_str(&format!("（{s}以来）"));
    }
    let msg = format!("列表共{}条{filter}，要求至少{min}条", items.len());
    if items.len() >= min {
        CheckResult::new(Outcome::Pass, KIND.name, msg, evidence)
    } else if !cx.located.unknown.is_empty() {
        CheckResult::new(
            Outcome::Incomplete,
            KIND.name,
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
        CheckResult::new(Outcome::Fail, KIND.name, msg, pages)
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
