//! `fresh`: the newest dated item is recent enough on the as-of date. Its
//! documentation is [`KIND`].

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;

/// `fresh`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "fresh",
    summary: "the newest item is recent enough",
    what: "The newest date among the located pages' list items (or their own publication \
dates, `source = \"published\"`), dated on or before the as-of date, is at most \
`max_age_days` calendar days old. No dated item at all fails: an item without a date \
counts as no update.",
    why: "Stale columns are a veto item of the website inspection (news-type columns 2 \
weeks, 通知公告/政策文件 6 months: 国办秘函〔2019〕19号).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "fresh"
max_age_days = 14
source = "items""#,
        passes: "as of 2022-02-01, a column whose newest item is dated 2022-01-25",
        fails: "one whose newest item is dated 2021-10-08",
    },
    clause: "国办秘函〔2019〕19号 (veto items); the day counts live in rule files",
    fields: &[
        Field {
            name: "max_age_days",
            ty: "integer ≥ 0",
            default: None,
            meaning: "the most calendar days between the newest date and the as-of date",
        },
        Field {
            name: "source",
            ty: "\"items\" | \"published\"",
            default: Some("`items`"),
            meaning: "read the dates of list entries, or the located pages' own publication dates",
        },
    ],
    compile,
    manual_default: None,
};

/// Which dates a freshness check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateSource {
    /// Dated list items of the located pages (column lists).
    Items,
    /// Publication dates of the located pages.
    Published,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    max_age_days: Option<Spanned<i64>>,
    source: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(age) = &f.max_age_days else {
        c.required("max_age_days");
        return None;
    };
    if *age.get_ref() < 0 {
        c.invalid(age.span(), "`max_age_days` must not be negative");
        return None;
    }
    let source = match f.source.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("items", _)) => DateSource::Items,
        Some(("published", _)) => DateSource::Published,
        Some((other, s)) => {
            c.invalid(
                s,
                format!("`source` is `items` or `published`, not `{other}`"),
            );
            return None;
        }
    };
    Some(Check::new(Fresh {
        max_age_days: *age.get_ref(),
        source,
    }))
}

/// A compiled `fresh` check.
#[derive(Debug)]
pub(crate) struct Fresh {
    max_age_days: i64,
    source: DateSource,
}

impl Evaluate for Fresh {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self.max_age_days, self.source)
    }
}

fn check(cx: &Context<'_>, max_age_days: i64, source: DateSource) -> CheckResult {
    if cx.located.pages.is_empty() {
        return cx.located.absent(KIND.name);
    }
    let newest: Option<(NaiveDate, String, String)> = match source {
        DateSource::Items => cx
            .located
            .dated_items(cx.as_of, None, None)
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
            KIND.name,
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
        CheckResult::new(Outcome::Pass, KIND.name, msg, evidence)
    } else {
        CheckResult::new(Outcome::Fail, KIND.name, msg, evidence)
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
