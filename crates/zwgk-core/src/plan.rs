//! The plan: numbered tasks with their headings, requirements and responsible divisions.

use serde::{Deserialize, Serialize};

/// The responsible divisions (责任部门) of a task or rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divisions {
    /// Leading divisions (牵头).
    pub lead: Vec<String>,
    /// Co-operating divisions (按职责分工落实).
    pub others: Vec<String>,
}

impl Divisions {
    /// Every named division, leads first, without duplicates.
    pub fn all(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for d in self.lead.iter().chain(&self.others) {
            if !out.contains(&d.as_str()) {
                out.push(d);
            }
        }
        out
    }

    /// Human-readable form: `A、B牵头；C` or just the leads.
    pub fn display_zh(&self) -> String {
        let lead = self.lead.join("、");
        if self.others.is_empty() {
            lead
        } else {
            format!("{lead}牵头；{}配合", self.others.join("、"))
        }
    }
}

/// One numbered task of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Task number as printed in the plan (1-based).
    pub number: u32,
    /// The 工作任务 heading the task stands under.
    pub heading: String,
    /// The requirement text (具体要求), without its number.
    pub requirement: String,
    /// Responsible divisions.
    pub divisions: Divisions,
}

impl Task {
    /// A short title for tables: the requirement up to its first full stop or
    /// comma-separated clause, at most 40 characters.
    pub fn short_title(&self) -> String {
        let first = self
            .requirement
            .split(['。', '；'])
            .next()
            .unwrap_or(&self.requirement);
        crate::text::excerpt(first.trim(), 40)
    }
}

/// A yearly plan: the tasks a rule pack is traced to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Stable identifier of the pack/plan, e.g. `gd-whly-2021`.
    pub id: String,
    /// Title of the plan document.
    pub title: String,
    /// The plan year: deadlines such as "by the end of the year" refer to it.
    pub year: i32,
    /// The department the plan belongs to.
    pub department: Option<String>,
    /// The seed document the tasks were imported from (a path relative to the repository).
    pub seed: Option<String>,
    /// The tasks, in plan order.
    pub tasks: Vec<Task>,
}

impl Plan {
    /// The task with the given number.
    pub fn task(&self, number: u32) -> Option<&Task> {
        self.tasks.iter().find(|t| t.number == number)
    }
}
