//! `exists`: the rule locates at least `min` pages. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;

/// `exists`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "exists",
    summary: "pages are there",
    what: "The number of located pages (fetched, and published on or before the as-of \
date) is at least `min`. Pages that could not be fetched but might be the ones sought make \
a shortfall `incomplete`, never `fail`.",
    why: "Most duties start with \"publish X\": the page must be on the portal \
(《政府信息公开条例》第二十条 lists what must be published proactively).",
    example: Example {
        rule: r#"locate = { title = "十四五.*规划" }
[[rule.checks]]
kind = "exists"
min = 1"#,
        passes: "a page titled 《广东省文化和旅游发展“十四五”规划》",
        fails: "a site with no such page (the message says what was sought and where)",
    },
    clause: "depends on the rule; the rule's `source` names it",
    fields: &[Field {
        name: "min",
        ty: "integer, 0–1000000",
        default: Some("1"),
        meaning: "how many located pages are needed",
    }],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    min: Option<Spanned<i64>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(Exists {
        min: c.count(&f.min, 1, "min")?,
    }))
}

/// A compiled `exists` check.
#[derive(Debug)]
pub(crate) struct Exists {
    /// Minimum number of located pages.
    pub min: usize,
}

impl Evaluate for Exists {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        let min = self.min;
        let located = cx.located;
        let n = located.pages.len();
        let evidence: Vec<Evidence> = located
            .pages
            .iter()
            .take(MAX_EVIDENCE)
            .map(|p| Evidence::new(p.url.clone(), &p.title))
            .collect();
        if n >= min.max(1) || (min == 0) {
            let first = located
                .pages
                .first()
                .map(|p| p.title.as_str())
                .unwrap_or("");
            return CheckResult::new(
                Outcome::Pass,
                KIND.name,
                format!("找到{n}个页面（如《{first}》）"),
                evidence,
            );
        }
        if n == 0 {
            return located.absent(KIND.name);
        }
        if !located.unknown.is_empty() {
            return CheckResult::new(
                Outcome::Incomplete,
                KIND.name,
                located.unknown_message(),
                evidence,
            );
        }
        CheckResult::new(
            Outcome::Fail,
            KIND.name,
            format!(
                "只找到{n}个页面，要求至少{min}个（{}）",
                located.description
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    #[test]
    fn pass_and_fail() {
        let site = site(&[
            ("/a.html", "<title>十四五规划</title><p>x</p>"),
            ("/b.html", "<title>其他</title>"),
        ]);
        let pass = run(
            &site,
            r#"locate = { title = "十四五" }
[[rule.checks]]
kind = "exists""#,
        );
        assert_eq!(pass.outcome, Outcome::Pass, "{}", pass.message);
        assert_eq!(pass.evidence[0].url, "http://whly.gd.gov.cn/a.html");
        let fail = run(
            &site,
            r#"locate = { title = "十三五" }
[[rule.checks]]
kind = "exists""#,
        );
        assert_eq!(fail.outcome, Outcome::Fail);
        assert!(fail.message.contains("未找到"), "{}", fail.message);
        let two = run(
            &site,
            r#"locate = { url = "\\.html$" }
[[rule.checks]]
kind = "exists"
min = 3"#,
        );
        assert_eq!(two.outcome, Outcome::Fail, "{}", two.message);
    }

    #[test]
    fn unreachable_candidate_is_incomplete_not_fail() {
        let mut pages = pages(&[("/b.html", "<title>其他</title>")]);
        pages.push(crate::page::PageFacts::failed(
            "http://whly.gd.gov.cn/plan.html",
            "timeout",
        ));
        let site = crate::site::Site::new("t", pages);
        let r = run(
            &site,
            r#"locate = { title = "十四五" }
[[rule.checks]]
kind = "exists""#,
        );
        assert_eq!(r.outcome, Outcome::Incomplete, "{}", r.message);
    }
}
