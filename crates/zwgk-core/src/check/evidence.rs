//! `evidence`: evidence records for the rule's task.
//!
//! - **What**: at least `min` records (`--evidence FILE`) for the rule's task
//!   (and rule, when a record names one), dated within the plan year and not
//!   after the as-of date, optionally with a summary matching `summary`.
//!   Without them the outcome is `needs_evidence`, never `fail`: the site cannot
//!   show organisational work.
//! - **Why**: tasks such as "the head of each division hears a 政务公开 report at
//!   least once a year" happen in meetings, not on the portal.
//! - **Example**: `{ kind = "evidence", summary = "汇报" }` passes with a record
//!   `task = 30, date = 2021-06-15, summary = "厅党组会议听取2021年政务公开工作汇报"`.
//! - **Clause**: the plan task itself.

use super::{CheckResult, Context, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::rule::Pattern;

pub(super) fn check(cx: &Context<'_>, min: usize, summary: Option<&Pattern>) -> CheckResult {
    let records: Vec<_> = cx
        .evidence
        .for_rule(cx.task, cx.rule_id, cx.plan_year, cx.as_of)
        .filter(|r| summary.is_none_or(|p| p.is_match(&crate::text::normalize_line(&r.summary))))
        .collect();
    let evidence: Vec<Evidence> = records
        .iter()
        .take(MAX_EVIDENCE)
        .map(|r| {
            let reference = r.reference.clone().unwrap_or_else(|| r.by.clone());
            Evidence::new(
                format!("evidence:{reference}"),
                format!("{} {} {}", r.date, r.by, r.summary),
            )
        })
        .collect();
    let need = min.max(1);
    if records.len() >= need {
        let r = records[0];
        CheckResult::new(
            Outcome::Pass,
            "evidence",
            format!(
                "已登记佐证{}条（如 {} {}：{}）",
                records.len(),
                r.date,
                r.by,
                r.summary
            ),
            evidence,
        )
    } else {
        let evidence = vec![Evidence::new(
            "evidence:",
            format!(
                "未登记任务{}在{}年内的佐证记录（--evidence）",
                cx.task, cx.plan_year
            ),
        )];
        let filter = summary
            .map(|p| format!("、摘要匹配「{}」", p.source))
            .unwrap_or_default();
        CheckResult::new(
            Outcome::NeedsEvidence,
            "evidence",
            format!(
                "佐证记录{}条，需要至少{need}条（任务{}、{}年内、不晚于{}{filter}）",
                records.len(),
                cx.task,
                cx.plan_year,
                cx.as_of
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testkit::*;
    use crate::evidence::EvidenceSet;
    use crate::outcome::Outcome;
    use crate::pack::SourceFile;

    #[test]
    fn record_decides() {
        let s = site(&[]);
        let rule = "[[rule.checks]]\nkind = \"evidence\"\nsummary = \"汇报\"";
        assert_eq!(run(&s, rule).outcome, Outcome::NeedsEvidence);
        let ev = EvidenceSet::parse(&SourceFile::new(
            "e.toml",
            "[[evidence]]\ntask = 1\ndate = 2021-06-15\nby = \"办公室\"\nsummary = \"听取政务公开工作汇报\"\n",
        ))
        .unwrap();
        let r = run_with(&s, rule, "2022-02-01", &ev);
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.message);
        assert!(r.evidence[0].excerpt.contains("2021-06-15"));
    }
}
