//! `annual_report_tables`: the annual report's statistics tables are in the right
//! template and add up.
//!
//! - **What**: the template is chosen by the report's year (its title, else its
//!   statistics period, else the plan year): 国办公开办函〔2019〕60号 for 2019–2020,
//!   〔2021〕30号 from 2021. Table 二 must carry that template's labels; table 三 must
//!   hold in every column 一 + 二 = 三(七)总计 + 四 and (七) = (一)…(六), every row's
//!   总计 = 自然人 + the five 法人 columns, sub-rows adding up to their group; table
//!   四's three 总计 must equal the four results before them. Each failure names the
//!   table, row and column.
//! - **Why**: the plan asks for accurate base data in the report (task 29); the
//!   templates print these relations as notes.
//! - **Example**: `{ kind = "annual_report_tables" }` fails on a 2021 report whose
//!   自然人 column has 本年新收38 + 上年结转2 but (七)总计36 + 结转下年度2.
//! - **Clause**: 国办公开办函〔2021〕30号; 国办公开办函〔2019〕60号.

use std::sync::LazyLock;

use regex::Regex;

use super::{per_page, CheckResult, Context, PageVerdict};
use crate::analysis::annual_report::{analyse, Template};
use crate::date;
use crate::page::PageFacts;
use crate::rule::Quantifier;

static YEAR_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d{2}|19\d{2})年度?(政府信息公开|政务公开)").expect("valid regex")
});

/// The year a report is about.
pub(crate) fn report_year(page: &PageFacts, plan_year: i32) -> i32 {
    if let Some(y) = YEAR_IN_TITLE
        .captures(&page.title)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
    {
        return y;
    }
    if let Some((start, _)) = date::find_period(&page.text.as_str()) {
        use chrono::Datelike;
        return start.year();
    }
    plan_year
}

pub(super) fn check(cx: &Context<'_>, pages: Quantifier) -> CheckResult {
    per_page(cx, "annual_report_tables", pages, |page| {
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
