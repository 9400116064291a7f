//! `deadline`: a located page was published on or before a deadline. Its
//! documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::pack::{parse_date_spec, CheckCompiler};
use crate::rule::DateSpec;

/// `deadline`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "deadline",
    summary: "published by a date",
    what: "Passes when a located page was published on or before `by`, or exists on an \
as-of date that is itself not past the deadline. With no page: `not_applicable` while the \
deadline is still ahead, `fail` after it.",
    why: "Statutory deadlines, e.g. a department publishes last year's annual report by \
31 January (《政府信息公开条例》第四十九条).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "deadline"
by = "{year+1}-01-31""#,
        passes: "a 2021 report dated 2022-01-13",
        fails: "a 2021 report dated 2022-02-15, evaluated after it",
    },
    clause: "per rule",
    fields: &[Field {
        name: "by",
        ty: "date: `YYYY-MM-DD`, or `{year}-MM-DD`, `{year+1}-MM-DD`, `{year-1}-MM-DD` from the plan year",
        default: None,
        meaning: "the deadline, inclusive",
    }],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    by: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    let Some(by) = &f.by else {
        c.required("by");
        return None;
    };
    match parse_date_spec(by.get_ref()) {
        Some(by) => Some(Check::new(Deadline { by })),
        None => {
            c.invalid(
                by.span(),
                format!(
                    "`by` must be YYYY-MM-DD or {{year}}-MM-DD / {{year+N}}-MM-DD, not `{}`",
                    by.get_ref()
                ),
            );
            None
        }
    }
}

/// A compiled `deadline` check.
#[derive(Debug)]
pub(crate) struct Deadline {
    by: DateSpec,
}

impl Evaluate for Deadline {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self.by)
    }
}

fn check(cx: &Context<'_>, by: DateSpec) -> CheckResult {
    let Some(deadline) = by.resolve(cx.plan_year) else {
        return CheckResult::new(
            Outcome::Incomplete,
            KIND.name,
            "期限日期不存在",
            Vec::new(),
        );
    };
    let pages = &cx.located.pages;
    if pages.is_empty() {
        if cx.as_of <= deadline && cx.located.unknown.is_empty() {
            return CheckResult::new(
                Outcome::NotApplicable,
                KIND.name,
                format!("尚未发布，期限{deadline}未到（评估日期{}）", cx.as_of),
                Vec::new(),
            );
        }
        let mut r = cx.located.absent(KIND.name);
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
            KIND.name,
            format!("《{}》发布于{d}，不晚于期限{deadline}", p.title),
            vec![Evidence::new(p.url.clone(), format!("发布日期{d}"))],
        );
    }
    if cx.as_of <= deadline {
        let p = pages[0];
        return CheckResult::new(
            Outcome::Pass,
            KIND.name,
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
    CheckResult::new(Outcome::Fail, KIND.name, found, evidence)
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
