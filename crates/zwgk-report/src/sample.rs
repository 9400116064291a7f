//! A small report for renderer tests.

use chrono::NaiveDate;
use zwgk_core::report::{
    DivisionReport, OutcomeCounts, PackInfo, RuleReport, SiteInfo, Summary, TaskReport,
    UnfetchedPage,
};
use zwgk_core::rule::{Mode, Provenance, Severity};
use zwgk_core::{Divisions, Evidence, Outcome, Report};

pub fn sample() -> Report {
    let mut summary = Summary::default();
    summary.tasks.add(Outcome::Fail);
    summary.tasks.add(Outcome::NeedsEvidence);
    summary.rules.add(Outcome::Fail);
    let mut fail = OutcomeCounts::default();
    fail.add(Outcome::Fail);
    Report {
        schema_version: zwgk_core::report::SCHEMA_VERSION,
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
            failed_pages: 1,
            unfetched: vec![UnfetchedPage {
                url: "http://whly.gd.gov.cn/<b>x</b>.html".into(),
                reason: "HTTP 503 after 3 tries <script>alert(1)</script>".into(),
            }],
            trusted: Vec::new(),
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
                    findings: 1,
                    evidence: vec![Evidence::new(
                        "http://whly.gd.gov.cn/a.html",
                        "标题 | <b>粗</b>",
                    )],
                    source: Provenance {
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
        score: None,
        columns: Vec::new(),
        by_division: vec![DivisionReport {
            division: "政策法规处".into(),
            lead: vec![1],
            others: vec![],
            summary: fail,
            failing: vec![1],
        }],
    }
}

fn rule(id: &str, outcome: Outcome, severity: Severity, found: &str) -> RuleReport {
    RuleReport {
        id: id.into(),
        title: format!("{id} 的标题"),
        mode: Mode::Auto,
        severity,
        outcome,
        message: format!("要求：栏目按时更新。结果：{found}"),
        found: found.into(),
        check: "exists".into(),
        findings: usize::from(outcome == Outcome::Fail),
        evidence: vec![],
        source: Provenance {
            seed: "任务3".into(),
            clause: Some("《政府信息公开条例》第十九条".into()),
        },
        origin: format!("rules/gd-whly-2021/{id}.toml:7"),
    }
}

/// Every outcome, co-operating divisions, awkward division names and hostile page text.
pub fn sample_full() -> Report {
    let mut report = sample();
    let mut fail_low = rule(
        "t03-low",
        Outcome::Fail,
        Severity::Low,
        "缺少]]>结尾\u{1}与\u{FFFF}",
    );
    fail_low.evidence = vec![
        Evidence::new("http://whly.gd.gov.cn/c 页.html", "<evil & \"quotes\"> ]]>"),
        Evidence::new("evidence:task-3", "=cmd|' /C calc'!A0"),
    ];
    let mut pass = rule("t03-pass", Outcome::Pass, Severity::Medium, "已更新");
    pass.evidence = vec![Evidence::new("http://whly.gd.gov.cn/d.html", "2021年12月")];
    let mut incomplete = rule(
        "t03-inc",
        Outcome::Incomplete,
        Severity::High,
        "页面无法获取",
    );
    incomplete.evidence = vec![Evidence::new("http://whly.gd.gov.cn/e.html", "HTTP 503")];
    let mut needs = rule(
        "t03-ne",
        Outcome::NeedsEvidence,
        Severity::Medium,
        "待人工确认",
    );
    needs.mode = Mode::Assisted;
    let mut na = rule(
        "t03-na",
        Outcome::NotApplicable,
        Severity::Low,
        "评估日期前不适用",
    );
    na.origin = "/abs/rules/t03 na.toml:x".into();
    report.tasks.push(TaskReport {
        task: 3,
        title: "政务公开<专栏> & 更新".into(),
        heading: "=SUM(1+1) 加强平台建设".into(),
        requirement: "-2 栏目按时更新\n\"引号\", 逗号".into(),
        divisions: Divisions {
            lead: vec!["办公室".into()],
            others: vec![
                "产业发展处/科技处[旅游]：规划与资源开发利用管理的处室名称超长超长超长".into(),
                "政策法规处".into(),
                "办公室".into(),
            ],
        },
        outcome: Outcome::Fail,
        reason: "t03-low：缺少".into(),
        rules: vec![fail_low, pass, incomplete, needs, na],
    });
    let mut ok = rule("t04", Outcome::Pass, Severity::High, "已公开");
    ok.evidence = vec![Evidence::new("http://whly.gd.gov.cn/f.html", "@SUM(A1)")];
    report.tasks.push(TaskReport {
        task: 4,
        title: "年度报告".into(),
        heading: "+年报".into(),
        requirement: "=cmd|' /C calc'!A0 按时公开年度报告".into(),
        divisions: Divisions {
            lead: vec!["办公室".into(), "History".into()],
            others: vec![],
        },
        outcome: Outcome::Pass,
        reason: "t04：已公开".into(),
        rules: vec![ok],
    });
    report
}

/// [`sample`] with an inspection score and a column survey, hostile names included.
pub fn sample_scored() -> Report {
    use zwgk_core::report::{
        ColumnReport, ColumnState, IndicatorScore, ScoreItem, ScoreLayer, ScoreReport, ScoreVerdict,
    };
    let mut report = sample();
    report.score = Some(ScoreReport {
        full_marks: 100.0,
        pass_mark: 60.0,
        deducted: 2.5,
        score: 97.5,
        bonus: 0.0,
        total: 97.5,
        verdict: ScoreVerdict::Unqualified,
        verdict_label: "不合格".into(),
        reason: "单项否决：w09-stale-columns".into(),
        vetoes: vec!["w09-stale-columns".into()],
        items: vec![
            ScoreItem {
                rule: "w09-stale-columns".into(),
                task: 8,
                title: "未及时更新的栏目少于5个".into(),
                layer: ScoreLayer::Veto,
                outcome: Outcome::Fail,
                findings: 5,
                points: 0.0,
                found: "5个栏目未及时更新".into(),
            },
            ScoreItem {
                rule: "w03-home-page-links-available".into(),
                task: 3,
                title: "首页无不可用链接 | <b>".into(),
                layer: ScoreLayer::Deduction,
                outcome: Outcome::Fail,
                findings: 5,
                points: 2.5,
                found: "5个不可用链接".into(),
            },
        ],
        indicators: vec![IndicatorScore {
            task: 3,
            heading: "扣分：可用性".into(),
            cap: Some(2.5),
            deducted: 2.5,
            capped: true,
        }],
    });
    let column = |name: &str, url: &str, state: ColumnState| ColumnReport {
        name: name.into(),
        url: url.into(),
        level: 2,
        pages: 1,
        items: usize::from(state != ColumnState::Blank),
        undated: 0,
        newest: (state != ColumnState::Blank)
            .then(|| NaiveDate::from_ymd_opt(2021, 11, 2).unwrap()),
        kind: Some("动态要闻类".into()),
        max_age_days: Some(14),
        age_days: (state != ColumnState::Blank).then_some(91),
        state,
    };
    report.columns = vec![
        column(
            "工作动态",
            "http://whly.gd.gov.cn/news_newgzdt/index.html",
            ColumnState::Current,
        ),
        column(
            "<script>alert(1)</script>|栏目",
            "http://whly.gd.gov.cn/news_newx/index.html",
            ColumnState::Stale,
        ),
        column(
            "人事信息",
            "http://whly.gd.gov.cn/open_newrsxx/index.html",
            ColumnState::Blank,
        ),
    ];
    report
}
