//! A small report for renderer tests.

use chrono::NaiveDate;
use zwgk_core::report::{
    DivisionReport, OutcomeCounts, PackInfo, RuleReport, SiteInfo, Summary, TaskReport,
};
use zwgk_core::rule::{Mode, Severity, Source};
use zwgk_core::{Divisions, Evidence, Outcome, Report};

pub fn sample() -> Report {
    let mut summary = Summary::default();
    summary.tasks.add(Outcome::Fail);
    summary.tasks.add(Outcome::NeedsEvidence);
    summary.rules.add(Outcome::Fail);
    let mut fail = OutcomeCounts::default();
    fail.add(Outcome::Fail);
    Report {
        schema_version: 1,
        target: "fixtures/portals/mini-2021".into(),
        as_of: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
        rules_pack: PackInfo {
            id: "gd-whly-2021".into(),
            title: "计划".into(),
            year: 2021,
            rules: 1,
        },
        summary,
        site: SiteInfo {
            pages: 3,
            failed_pages: 0,
        },
        tasks: vec![
            TaskReport {
                task: 1,
                title: "主动公开十四五规划".into(),
                heading: "做好各类规划主动公开".into(),
                requirement: "主动公开十四五规划。".into(),
                divisions: Divisions {
                    lead: vec!["政策法规处".into()],
                    others: vec![],
                },
                outcome: Outcome::Fail,
                reason: "要求：公开。结果：未找到<script>alert(1)</script>".into(),
                rules: vec![RuleReport {
                    id: "t01".into(),
                    title: "规划".into(),
                    mode: Mode::Auto,
                    severity: Severity::High,
                    outcome: Outcome::Fail,
                    message: "要求：公开。结果：未找到<script>alert(1)</script>".into(),
                    found: "未找到<script>alert(1)</script>".into(),
                    check: "exists".into(),
                    evidence: vec![Evidence::new(
                        "http://whly.gd.gov.cn/a.html",
                        "标题 | <b>粗</b>",
                    )],
                    source: Source {
                        seed: "任务1".into(),
                        clause: None,
                    },
                    origin: "rules/t01.toml:2".into(),
                }],
            },
            TaskReport {
                task: 2,
                title: "市场准入负面清单".into(),
                heading: "h".into(),
                requirement: "r".into(),
                divisions: Divisions {
                    lead: vec!["市场管理处".into()],
                    others: vec![],
                },
                outcome: Outcome::NeedsEvidence,
                reason: "no rule yet".into(),
                rules: vec![],
            },
        ],
        fetch: None,
        by_division: vec![DivisionReport {
            division: "政策法规处".into(),
            lead: vec![1],
            others: vec![],
            summary: fail,
            failing: vec![1],
        }],
    }
}
