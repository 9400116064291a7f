//! `deadline`: a located page was published on or before a deadline.
//!
//! - **What**: `by` is a date (`2021-12-31`) or a date relative to the plan
//!   year (`{year+1}-01-31`). Pass when a located page is dated on or before
//!   it, or exists on an as-of date that is itself not past the deadline. When
//!   no page exists: `not_applicable` while the deadline is still ahead, else fail.
//! - **Why**: statutory deadlines, e.g. a department publishes last year's annual
//!   report by 31 January (《政府信息公开条例》第四十九条).
//! - **Example**: `{ kind = "deadline", by = "{year+1}-01-31" }` passes on a 2021
//!   report dated 2022-01-13, fails on one dated 2022-02-15 (when evaluated after it).
//! - **Clause**: per rule.

use super::{CheckResult, Context, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::rule::DateSpec;

pub(super) fn check(cx: &Context<'_>, by: DateSpec) -> CheckResult {
    let Some(deadline) = by.resolve(cx.plan_year) else {
        return CheckResult::new(
            Outcome::Incomplete,
            "deadline",
            "期限日期不存在",
            Vec::new(),
        );
    };
    let pages = &cx.located.pages;
    if pages.is_empty() {
        if cx.as_of <= deadline && cx.located.unknown.is_empty() {
            return CheckResult::new(
                Outcome::NotApplicable,
                "deadline",
                format!("尚未发布，期限{deadline}未到（评估日期{}）", cx.as_of),
                Vec::new(),
            );
        }
        let mut r = cx.located.absent("deadline");
        if r.outcome == Outcome::Fail {
            r.message = format!("期限{deadline}已过，{}", r.message);
        }
        return r;
    }
    if let Some(p) = pages
        .iter()
        .filter(|p| p.published.is_some_and(|d| d <= deadline))
        .min_by_key(|p| p.published)
    {
        let d = p.published.expect("filtered on a date");
        return CheckResult::new(
            Outcome::Pass,
            "deadline",
            format!("《{}》发布于{d}，不晚于期限{deadline}", p.title),
            vec![Evidence::new(p.url.clone(), format!("发布日期{d}"))],
        );
    }
    if cx.as_of <= deadline {
        let p = pages[0];
        return CheckResult::new(
            Outcome::Pass,
            "deadline",
            format!(
                "《{}》已于评估日期{}前发布，期限{deadline}未到",
                p.title, cx.as_of
            ),
            vec![Evidence::new(p.url.clone(), &p.title)],
        );
    }
    let evidence: Vec<Evidence> = pages
        .iter()
        .take(MAX_EVIDENCE)
        .map(|p| match p.published {
            Some(d) => Evidence::new(p.url.clone(), format!("发布日期{d}")),
            None => Evidence::new(p.url.clone(), "未标注发布日期"),
        })
        .collect();
    let p = pages[0];
    let found = match p.published {
        Some(d) => format!("《{}》发布于{d}，晚于期限{deadline}", p.title),
        None => format!(
            "《{}》未标注发布日期，无法证明在期限{deadline}前发布",
            p.title
        ),
    };
    CheckResult::new(Outcome::Fail, "deadline", found, evidence)
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::outcome::Outcome;

    const RULE: &str = "locate = { title = \"2021年.*年度报告\" }\n[[rule.checks]]\nkind = \"deadline\"\nby = \"{year+1}-01-31\"";

    fn report(date: &str) -> String {
        format!("<title>广东省文化和旅游厅2021年政府信息公开工作年度报告</title><div>时间 : {date} 09:49 来源 : 本网</div>")
    }

    #[test]
    fn on_time_late_and_not_yet_due() {
        let on_time = site(&[("/r.html", &report("2022-01-13"))]);
        assert_eq!(
            run_as_of(&on_time, RULE, "2022-02-01").outcome,
            Outcome::Pass
        );
        let late = site(&[("/r.html", &report("2022-02-15"))]);
        let r = run_as_of(&late, RULE, "2022-03-01");
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        assert!(r.message.contains("晚于期限2022-01-31"), "{}", r.message);
        // As of 2022-02-01 the late report did not exist yet and the deadline has passed.
        let r = run_as_of(&late, RULE, "2022-02-01");
        assert_eq!(r.outcome, Outcome::Fail, "{}", r.message);
        let none = site(&[("/x.html", "<title>其他</title>")]);
        assert_eq!(
            run_as_of(&none, RULE, "2022-01-10").outcome,
            Outcome::NotApplicable
        );
        assert_eq!(run_as_of(&none, RULE, "2022-02-10").outcome, Outcome::Fail);
    }
}
