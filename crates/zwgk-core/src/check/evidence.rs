//! `evidence`: evidence records for the rule's task. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    describe_field, Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE,
};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;
use crate::rule::Pattern;

/// `evidence`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "evidence",
    summary: "records of organisational work",
    what: "At least `min` records (`--evidence FILE`) for the rule's task (and rule, when a \
record names one), dated within the plan year and not after the as-of date, optionally with \
a summary matching `summary`. Without them the outcome is `needs_evidence`, never `fail`: the \
site cannot show organisational work. A `manual` rule may only have checks of this kind, and \
gets one (`min = 1`) when it lists none.",
    why: "Tasks such as \"the head of each division hears a 政务公开 report at least once \
a year\" happen in meetings, not on the portal.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "evidence"
min = 1
summary = "汇报|专题研究""#,
        passes: "a record `task = 30, date = 2021-06-15, summary = \"厅党组会议听取2021年政务公开工作汇报\"`",
        fails: "no record for the task in the plan year (`needs_evidence`, never `fail`)",
    },
    clause: "the plan task itself",
    fields: &[
        Field {
            name: "min",
            ty: "integer, 0–1000000",
            default: Some("1"),
            meaning: "how many records are needed",
        },
        Field {
            name: "summary",
            ty: "regex",
            default: Some("none: any record"),
            meaning: "a regex on the record's summary",
        },
        describe_field("the records needed, in words (`听取政务公开工作汇报的会议记录`)"),
    ],
    compile,
    manual_default: Some(one_record),
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    min: Option<Spanned<i64>>,
    summary: Option<Spanned<String>>,
    describe: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(Records {
        min: c.count(&f.min, 1, "min")?,
        summary: c.opt_pattern(&f.summary)?,
        describe: c.describe(&f.describe),
    }))
}

/// The check of a `manual` rule that lists none: one record.
fn one_record() -> Check {
    Check::new(Records {
        min: 1,
        summary: None,
        describe: None,
    })
}

/// A compiled `evidence` check: the records it needs.
#[derive(Debug)]
pub(crate) struct Records {
    /// Minimum number of records.
    pub min: usize,
    /// A regex on the record's summary.
    pub summary: Option<Pattern>,
    /// The records needed, in words.
    pub describe: Option<String>,
}

impl Evaluate for Records {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self.min, self.summary.as_ref(), self.describe.as_deref())
    }

    fn reads_pages(&self) -> bool {
        false
    }

    fn uses_evidence(&self) -> bool {
        true
    }

    fn reads_only_evidence(&self) -> bool {
        true
    }
}

fn check(
    cx: &Context<'_>,
    min: usize,
    summary: Option<&Pattern>,
    describe: Option<&str>,
) -> CheckResult {
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
            KIND.name,
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
        let filter = match (describe, summary) {
            (Some(d), _) => format!("、{d}"),
            (None, Some(p)) => format!("、摘要匹配「{}」", p.source),
            (None, None) => String::new(),
        };
        CheckResult::new(
            Outcome::NeedsEvidence,
            KIND.name,
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
