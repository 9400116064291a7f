//! `within_days`: a page was published within N calendar days of another date. Its
//! documentation is [`KIND`]; what it shares with `within_working_days` is in
//! [`super::interval`].

use super::interval::{self, Days};
use super::{Check, Example, Kind};
use crate::pack::CheckCompiler;

/// `within_days`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "within_days",
    summary: "published within N calendar days of another date",
    what: "The same test and fields as `within_working_days`, counting calendar days: \
\"N日\" in a regulation means calendar days, \"N个工作日\" working days.",
    why: "Some duties count calendar days, e.g. budgets and final accounts are published \
within 20 days of the finance department's approval (《预算法》第十四条).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "within_days"
days = 20
from = "text"
date_pattern = "(\\d{4}年\\d{1,2}月\\d{1,2}日)批复""#,
        passes: "a budget published 2021-02-20 whose text says it was approved (批复) on 2021-02-05",
        fails: "one published 2021-03-15 after the same approval",
    },
    clause: "per rule",
    fields: interval::FIELDS,
    compile,
    manual_default: None,
};

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    interval::compile(c, KIND.name, Days::Calendar)
}
