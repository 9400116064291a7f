//! `exists`: the rule locates at least `min` pages.
//!
//! - **What**: the number of located pages (fetched, published by the as-of date).
//! - **Why**: most duties start with "publish X"; the page must be on the portal
//!   (《政府信息公开条例》第二十条 lists what must be published proactively).
//! - **Example**: `{ kind = "exists" }` with `locate = { title = "十四五.*规划" }`
//!   passes on a page titled 《广东省文化和旅游发展“十四五”规划》.
//! - **Clause**: depends on the rule; the rule's `source` names it.

use super::{CheckResult, Context, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};

pub(super) fn check(cx: &Context<'_>, min: usize) -> CheckResult {
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
            "exists",
            format!("找到{n}个页面（如《{first}》）"),
            evidence,
        );
    }
    if n == 0 {
        return located.absent("exists");
    }
    if !located.unknown.is_empty() {
        return CheckResult::new(
            Outcome::Incomplete,
            "exists",
            located.unknown_message(),
            evidence,
        );
    }
    CheckResult::new(
        Outcome::Fail,
        "exists",
        format!(
            "只找到{n}个页面，要求至少{min}个（{}）",
            located.description
        ),
        evidence,
    )
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
