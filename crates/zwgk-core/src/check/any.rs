//! `any`: at least one sub-check holds. Its documentation is [`KIND`].

use super::{distinct, Check, CheckResult, Context, Evaluate, Example, Field, Kind, MAX_EVIDENCE};
use crate::outcome::{Evidence, Outcome};
use crate::pack::CheckCompiler;

/// `any`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "any",
    summary: "at least one sub-check holds",
    what: "Passes when one check listed under `checks` passes. When none does, it prefers \
`needs_evidence` (a person may still decide), then `incomplete` (the tool could not see); \
`not_applicable` only when no alternative applies at all; otherwise it fails with every \
alternative's reason.",
    why: "Real sites meet one requirement in several shapes: final accounts as a page with \
the four parts, or as an attachment holding them.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "any"
[[rule.checks.checks]]
kind = "sections"
sections = ["概况", "决算表", "情况说明", "名词解释"]
[[rule.checks.checks]]
kind = "attachment"
extensions = ["pdf"]"#,
        passes: "a page with the four parts, or a page with a PDF attachment",
        fails: "a page with neither (the message gives both reasons)",
    },
    clause: "per rule",
    fields: &[Field {
        name: "checks",
        ty: "list of check tables (`[[rule.checks.checks]]`)",
        default: None,
        meaning: "the alternatives, at least one",
    }],
    compile,
    manual_default: None,
};

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let (_, children) = c.sub_checks("checks")?;
    Some(Check::new(Any(children)))
}

/// A compiled `any` check.
#[derive(Debug)]
pub(crate) struct Any(Vec<Check>);

impl Evaluate for Any {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        let results: Vec<CheckResult> = self.0.iter().map(|c| c.evaluate(cx)).collect();
        // Preference when nothing passes: a person may still decide, or the tool could not
        // see; not applicable only when no alternative applies at all.
        let all_not_applicable = results.iter().all(|r| r.outcome == Outcome::NotApplicable);
        let preferred = [Outcome::Pass, Outcome::NeedsEvidence, Outcome::Incomplete]
            .into_iter()
            .find_map(|wanted| results.iter().find(|r| r.outcome == wanted))
            .or_else(|| results.first().filter(|_| all_not_applicable));
        if let Some(r) = preferred {
            let mut r = r.clone();
            r.check = format!("{}>{}", KIND.name, r.check);
            return r;
        }
        let message = distinct(results.iter().map(|r| r.message.as_str())).join("；且");
        let mut evidence: Vec<Evidence> = Vec::new();
        for e in results.iter().flat_map(|r| r.evidence.iter()) {
            if !evidence.contains(e) && evidence.len() < MAX_EVIDENCE {
                evidence.push(e.clone());
            }
        }
        CheckResult::new(
            Outcome::Fail,
            KIND.name,
            format!("各备选条件均不满足：{message}"),
            evidence,
        )
    }

    fn reads_pages(&self) -> bool {
        self.0.iter().any(Check::reads_pages)
    }

    fn uses_evidence(&self) -> bool {
        self.0.iter().any(Check::uses_evidence)
    }
}
