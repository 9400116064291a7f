//! `not`: the sub-check does not hold. Its documentation is [`KIND`].

use super::{Check, CheckResult, Context, Evaluate, Example, Field, Kind};
use crate::outcome::Outcome;
use crate::pack::CheckCompiler;

/// `not`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "not",
    summary: "the sub-check does not hold",
    what: "Takes exactly one check under `checks` and turns `pass` into `fail` and back; \
other outcomes stay as they are.",
    why: "Some duties forbid: a 公开指南 must no longer cite the repealed 2008 regulations \
(国务院令第492号).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "not"
[[rule.checks.checks]]
kind = "text"
pattern = "国务院令第492号""#,
        passes: "a guide citing only 国务院令第711号",
        fails: "a guide still citing 国务院令第492号",
    },
    clause: "per rule",
    fields: &[Field {
        name: "checks",
        ty: "list of exactly one check table (`[[rule.checks.checks]]`)",
        default: None,
        meaning: "the check that must not hold",
    }],
    compile,
    manual_default: None,
};

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let (span, mut children) = c.sub_checks("checks")?;
    if children.len() != 1 {
        c.invalid(span, format!("`{}` takes exactly one check", KIND.name));
        return None;
    }
    Some(Check::new(Not(children.remove(0))))
}

/// A compiled `not` check.
#[derive(Debug)]
pub(crate) struct Not(Check);

impl Evaluate for Not {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        let r = self.0.evaluate(&Context {
            negated: !cx.negated,
            ..*cx
        });
        let outcome = match r.outcome {
            Outcome::Pass => Outcome::Fail,
            Outcome::Fail => Outcome::Pass,
            other => other,
        };
        let message = match outcome {
            Outcome::Fail => format!("出现了不应出现的情形：{}", r.message),
            Outcome::Pass => format!("未出现不应出现的情形（{}）", r.message),
            _ => r.message,
        };
        CheckResult {
            outcome,
            message,
            evidence: r.evidence,
            check: format!("{}>{}", KIND.name, r.check),
            findings: None,
        }
    }

    fn reads_pages(&self) -> bool {
        self.0.reads_pages()
    }

    fn uses_evidence(&self) -> bool {
        self.0.uses_evidence()
    }
}
