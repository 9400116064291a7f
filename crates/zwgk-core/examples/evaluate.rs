//! Load a pack, build a site from two pages, evaluate as of a date, read the verdicts.
//!
//! `cargo run -p zwgk-core --example evaluate`

use chrono::NaiveDate;
use zwgk_core::{evaluate, EvidenceSet, Outcome, PageFacts, RulePack, Site, SourceFile};

const PACK: &str = r#"
[pack]
id = "example"
title = "示例：年度报告任务"
year = 2021

[[task]]
number = 29
heading = "落实《政府信息公开条例》"
requirement = "规范政府信息公开年度报告编制格式和内容。"
lead = ["办公室"]
"#;

const RULES: &str = r#"
[[rule]]
id = "t29-annual-report-on-time"
task = 29
title = "年报于1月31日前公开"
severity = "high"
mode = "auto"
expect = "次年1月31日前公开本年度政府信息公开工作年度报告"
source = { seed = "任务29", clause = "《政府信息公开条例》第四十九条" }
locate = { title = "2021年度?政府信息公开工作(年度)?报告" }

[[rule.checks]]
kind = "deadline"
by = "{year+1}-01-31"
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pack = RulePack::load(
        &SourceFile::new("pack.toml", PACK),
        &[SourceFile::new("task-29.toml", RULES)],
    )?;
    let report_page = PageFacts::from_html(
        "http://whly.gd.gov.cn/tonglan/content/post_3764082.html",
        200,
        "<title>广东省文化和旅游厅2021年政府信息公开工作年度报告</title>\
         <div>时间 : 2022-02-15 09:49 来源 : 本网</div><p>一、总体情况</p>",
    );
    let site = Site::new("http://whly.gd.gov.cn/", [report_page]);

    for as_of in ["2022-01-20", "2022-03-01"] {
        let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d")?;
        let report = evaluate(&pack, &site, &EvidenceSet::empty(), as_of);
        for (task, rule) in report.rules() {
            println!(
                "as of {as_of}: task {} {} → {}",
                task.task, rule.id, rule.outcome
            );
            println!("  {}", rule.message);
            for e in &rule.evidence {
                println!("  evidence: {} ({})", e.url, e.excerpt);
            }
        }
        let expected = if as_of.to_string() == "2022-01-20" {
            Outcome::NotApplicable
        } else {
            Outcome::Fail
        };
        assert_eq!(report.tasks[0].outcome, expected);
    }
    Ok(())
}
