//! `within_working_days`: a page was published within N working days of another
//! date. Its documentation is [`KIND`]; what it shares with `within_days` is in
//! [`super::interval`].

use super::interval::{self, Days};
use super::{Check, Example, Kind};
use crate::pack::CheckCompiler;

/// `within_working_days`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "within_working_days",
    summary: "published within N working days of another date",
    what: "The page's publication date is at most `days` official working days (holidays \
and adjusted weekend workdays from the State Council's yearly notices, 2019–2026) after the \
other date: the page's own 成文日期 (`from = \"written_date\"`); the publication date of the \
page it links to with an anchor or label matching `link_text` (`from = \"linked\"`, e.g. an \
interpretation and its policy); or the earliest date the page states, captured by \
`date_pattern` (`from = \"text\"`, e.g. a licensing decision `于2021年12月8日作出`). With \
`from = \"linked\"` and no matching link on the page, the other page is found the other way: \
a dated detail page that links to this one (a policy's 相关解读 link), preferring one whose \
title carries the name this page quotes in 《》, else a dated page whose title carries that \
name. A page without a publication date fails; a linked page that could not be fetched \
makes it `incomplete`.",
    why: "Proactive information is published within 20 working days of being made \
(《政府信息公开条例》第二十六条); interpretations within 3 working days of the policy \
(国办发〔2016〕19号, Guangdong's 同步解读); licensing and penalty decisions within 7 working \
days (国办发〔2018〕118号).",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "within_working_days"
days = 3
from = "linked"
link_text = "原文|相关文件""#,
        passes: "an interpretation of 2021-09-30 whose policy is dated 2021-09-29",
        fails: "one dated 2021-10-20 (12 working days after, across the National Day holiday)",
    },
    clause: "per rule",
    fields: interval::FIELDS,
    compile,
    manual_default: None,
};

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    interval::compile(c, KIND.name, Days::Working)
}
