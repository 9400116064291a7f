//! `all`: every sub-check holds. Its documentation is [`KIND`].

use super::{combine_all, Check, CheckResult, Context, Evaluate, Example, Field, Kind};
use crate::pack::CheckCompiler;

/// `all`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "all",
    summary: "every sub-check holds",
    what: "Every check listed under `checks` holds; the worst outcome decides (`fail` > \
`incomplete` > `needs_evidence` > `pass` > `not_applicable`) and a failure reports every \
failing sub-check. The checks directly under a rule are already combined this way: `all` is \
for nesting under `any` or `not`.",
    why: "A requirement met in one of several ways may need several things at once in one \
of them, e.g. final accounts published as an attachment that holds the 决算表.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "all"
[[rule.checks.checks]]
kind = "attachment"
[[rule.checks.checks]]
kind = "text"
keywords = ["决算表"]"#,
        passes: "a page with an attachment whose text carries 决算表",
        fails: "a page with no attachment",
    },
    clause: "per rule",
    fields: &[Field {
        name: "checks",
        ty: "list of check tables (`[[rule.checks.checks]]`)",
        default: None,
        meaning: "the sub-checks, at least one",
    }],
    compile,
    manual_default: None,
};

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let (_, children) = c.sub_checks("checks")?;
    Some(Check::new(All(children)))
}

/// A compiled `all` check.
#[derive(Debug)]
pub(crate) struct All(Vec<Check>);

impl Evaluate for All {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        combine_all(self.0.iter().map(|c| c.evaluate(cx)).collect())
    }

    fn reads_pages(&self) -> bool {
        self.0.iter().any(Check::reads_pages)
    }

    fn uses_evidence(&self) -> bool {
        self.0.iter().any(Check::uses_evidence)
    }
}
