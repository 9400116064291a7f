//! `annual_report_tables`: the annual report's statistics tables are in the right
//! template and add up. Its documentation is [`KIND`].

use serde::Deserialize;
use toml::Spanned;

use super::{
    pages_field, per_page, Check, CheckResult, Context, Evaluate, Example, Kind,
    PageVerdict,
};
use crate::analysis::annual_report::{analyse, report_year, Template};
use crate::pack::CheckCompiler;
use crate::rule::Quantifier;

/// `annual_report_tables`: its documentation, fields and compiler.
pub(crate) const KIND: Kind = Kind {
    name: "annual_report_tables",
    summary: "the annual report's tables are right",
    what: "Chooses the template by the report's year (its title, else its statistics \
period, else the plan year): 国办公开办函〔2019〕60号 for 2019–2020, 〔2021〕30号 from 2021. \
Table 二 must carry that template's labels; table 三 must add up in every column (一 + 二 = \
(七)总计 + 四; (七) = (一)…(六); sub-rows = their group) and every row (总计 = 自然人 + the \
five 法人 columns); table 四's three 总计 equal the four results before them. Merged cells are \
laid out; blank cells count as zero. Each failure names the table, row and column.",
    why: "The plan asks for accurate base data in the report (task 29); the templates \
print these relations as notes.",
    example: Example {
        rule: r#"[[rule.checks]]
kind = "annual_report_tables""#,
        passes: "a 2021 report in the 30号 layout whose tables add up",
        fails: "a 2021 report whose 自然人 column has 本年新收38 + 上年结转2 but (七)总计36 + \
结转下年度2",
    },
    clause: "国办公开办函〔2021〕30号; 国办公开办函〔2019〕60号",
    fields: &[pages_field("`any`")],
    compile,
    manual_default: None,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    pages: Option<Spanned<String>>,
}

fn compile(c: &mut CheckCompiler<'_, '_, '_>) -> Option<Check> {
    let f: Fields = c.fields()?;
    Some(Check::new(AnnualReportTables {
        pages: c.pages(&f.pages, Quantifier::Any)?,
    }))
}

/// A compiled `annual_report_tables` check.
#[derive(Debug)]
pub(crate) struct AnnualReportTables {
    pages: Quantifier,
}

impl Evaluate for AnnualReportTables {
    fn kind(&self) -> &'static str {
        KIND.name
    }

    fn evaluate(&self, cx: &Context<'_>) -> CheckResult {
        check(cx, self.pages)
    }
}

fn check(cx: &Context<'_>, pages: Quantifier) -> CheckResult {
    per_page(cx, KIND.name, pages, |page| {
        let year = report_year(page, cx.plan_year);
        let reading = analyse(&page.tables, year);
        let template = Template::for_year(year);
        if reading.findings.is_empty() {
            PageVerdict::Pass(format!(
                "{year}年度报告（{template}）：{}",
                reading.verified.join("；")
            ))
        } else {
            let shown: Vec<&str> = reading
                .findings
                .iter()
                .take(5)
                .map(String::as_str)
                .collect();
            let more = if reading.findings.len() > 5 {
                format!("等{}处", reading.findings.len())
            } else {
                String::new()
            };
            PageVerdict::Fail(format!(
                "{year}年度报告（{template}）：{}{more}",
                shown.join("；")
            ))
        }
    })
}
