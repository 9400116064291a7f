//! The 台账 ledger: what the department's office keeps for plan task 31, one row per
//! task and responsible division.
//!
//! Each task gives one row per division named in the plan, leads first (`牵头`), then the
//! co-operating divisions (`配合`); a division named both ways gets one `牵头` row. A task
//! that names no division gets one row with [`NO_DIVISION`]. The columns are
//! [`HEADERS`]:
//!
//! - 依据/证据: the evidence URLs of the task's rules, one a line; a failing rule's
//!   lines start with `不通过 <rule id>：`, and a failing rule without evidence is listed
//!   by its id alone.
//! - 整改建议: one line per rule that is not passed (`对照要求整改`, `补充佐证材料`,
//!   `复查`), else `无需整改`.
//!
//! Two writers: [`csv`] (RFC 4180, UTF-8 with BOM) and [`xlsx`] (a 台账 sheet, then one
//! sheet per division).

pub mod csv;
pub mod xlsx;

use zwgk_core::report::TaskReport;
use zwgk_core::{Outcome, Report};

use crate::sarif::requirement_of;

/// The column headings, in order.
pub const HEADERS: [&str; 9] = [
    "序号",
    "任务编号",
    "工作任务",
    "具体要求",
    "责任部门",
    "牵头/配合",
    "结果",
    "依据/证据",
    "整改建议",
];

/// The 责任部门 of a task whose plan entry names none.
pub const NO_DIVISION: &str = "（未列明）";

/// A division's part in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// 牵头: leads the task.
    Lead,
    /// 配合: co-operates on it.
    Cooperate,
}

impl Role {
    /// `牵头` or `配合`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Lead => "牵头",
            Role::Cooperate => "配合",
        }
    }
}

/// One ledger row: a task as seen by one responsible division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 序号: 1-based row number.
    pub number: usize,
    /// 任务编号: the plan's task number.
    pub task: u32,
    /// 工作任务: the heading the task stands under.
    pub heading: String,
    /// 具体要求: the requirement.
    pub requirement: String,
    /// 责任部门: the division.
    pub division: String,
    /// 牵头/配合.
    pub role: Role,
    /// 结果: the task's outcome.
    pub outcome: Outcome,
    /// 依据/证据: evidence URLs, one a line, with the failing rules' ids.
    pub evidence: String,
    /// 整改建议: what to do.
    pub advice: String,
}

impl Row {
    /// The row's cells, in [`HEADERS`] order.
    pub fn cells(&self) -> [String; 9] {
        [
            self.number.to_string(),
            self.task.to_string(),
            self.heading.clone(),
            self.requirement.clone(),
            self.division.clone(),
            self.role.label_zh().to_string(),
            self.outcome.label_zh().to_string(),
            self.evidence.clone(),
            self.advice.clone(),
        ]
    }
}

/// Push `line` unless it is already there.
fn push_once(lines: &mut Vec<String>, line: String) {
    if !lines.contains(&line) {
        lines.push(line);
    }
}

/// The 依据/证据 cell of a task.
pub fn evidence_cell(t: &TaskReport) -> String {
    let mut lines = Vec::new();
    for r in &t.rules {
        if r.outcome == Outcome::Fail {
            if r.evidence.is_empty() {
                push_once(&mut lines, format!("不通过 {}", r.id));
            }
            for e in &r.evidence {
                push_once(&mut lines, format!("不通过 {}：{}", r.id, e.url));
            }
        } else {
            for e in &r.evidence {
                push_once(&mut lines, e.url.clone());
            }
        }
    }
    lines.join("\n")
}

/// The 整改建议 cell of a task.
pub fn advice_cell(t: &TaskReport) -> String {
    let mut lines = Vec::new();
    if t.rules.is_empty() {
        push_once(
            &mut lines,
            "补充佐证材料：本任务暂无检查规则，请提供落实情况的佐证材料".to_string(),
        );
    }
    for r in &t.rules {
        let req = requirement_of(&r.message);
        let line = match r.outcome {
            Outcome::Fail => format!("对照要求整改（{}）：{req}", r.id),
            Outcome::NeedsEvidence => format!("补充佐证材料（{}）：{req}", r.id),
            Outcome::Incomplete => format!(
                "复查（{}）：页面未能获取或读取（{}），核实后重新检查：{req}",
                r.id, r.found
            ),
            Outcome::Pass | Outcome::NotApplicable => continue,
        };
        push_once(&mut lines, line);
    }
    if lines.is_empty() {
        "无需整改".to_string()
    } else {
        lines.join("\n")
    }
}

/// The ledger rows of a report, in plan order.
pub fn rows(report: &Report) -> Vec<Row> {
    let mut out = Vec::new();
    for t in &report.tasks {
        let mut divisions: Vec<(&str, Role)> = Vec::new();
        for d in &t.divisions.lead {
            if !divisions.iter().any(|(n, _)| n == d) {
                divisions.push((d, Role::Lead));
            }
        }
        for d in &t.divisions.others {
            if !divisions.iter().any(|(n, _)| n == d) {
                divisions.push((d, Role::Cooperate));
            }
        }
        if divisions.is_empty() {
            divisions.push((NO_DIVISION, Role::Lead));
        }
        let evidence = evidence_cell(t);
        let advice = advice_cell(t);
        for (division, role) in divisions {
            out.push(Row {
                number: out.len() + 1,
                task: t.task,
                heading: t.heading.clone(),
                requirement: t.requirement.clone(),
                division: division.to_string(),
                role,
                outcome: t.outcome,
                evidence: evidence.clone(),
                advice: advice.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{sample, sample_full};

    #[test]
    fn one_row_per_task_and_division() {
        let report = sample_full();
        let rows = rows(&report);
        let expected: usize = report.tasks.iter().map(|t| t.divisions.all().len()).sum();
        assert_eq!(rows.len(), expected);
        assert_eq!(
            rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            (1..=expected).collect::<Vec<_>>()
        );
        let t3: Vec<_> = rows.iter().filter(|r| r.task == 3).collect();
        assert_eq!(t3.len(), 3, "办公室 named twice gets one row");
        assert_eq!(
            (t3[0].division.as_str(), t3[0].role),
            ("办公室", Role::Lead)
        );
        assert_eq!(t3[2].role, Role::Cooperate);
        assert_eq!(t3[0].outcome.label_zh(), "不通过");
    }

    #[test]
    fn evidence_and_advice_cells() {
        let report = sample_full();
        let t1 = &report.tasks[0];
        assert_eq!(
            evidence_cell(t1),
            "不通过 t01：http://whly.gd.gov.cn/a.html"
        );
        assert_eq!(advice_cell(t1), "对照要求整改（t01）：公开");
        let t3 = &report.tasks[2];
        let ev = evidence_cell(t3);
        assert!(ev.contains("不通过 t03-low：evidence:task-3"), "{ev}");
        assert!(
            ev.lines().any(|l| l == "http://whly.gd.gov.cn/d.html"),
            "{ev}"
        );
        let advice = advice_cell(t3);
        assert!(
            advice.contains("对照要求整改（t03-low）：栏目按时更新"),
            "{advice}"
        );
        assert!(
            advice.contains("补充佐证材料（t03-ne）：栏目按时更新"),
            "{advice}"
        );
        assert!(
            advice.contains("复查（t03-inc）：页面未能获取或读取（页面无法获取）"),
            "{advice}"
        );
        assert_eq!(advice_cell(&report.tasks[3]), "无需整改");
        assert!(advice_cell(&sample().tasks[1]).starts_with("补充佐证材料"));
    }

    #[test]
    fn a_task_without_divisions_still_has_a_row() {
        let mut report = sample();
        report.tasks[1].divisions = Default::default();
        let rows = rows(&report);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].division, NO_DIVISION);
    }
}
