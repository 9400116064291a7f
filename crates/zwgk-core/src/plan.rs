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
    /// The department the plan belongs to (its full name).
    pub department: Option<String>,
    /// The seed document the tasks were imported from (a path relative to the repository).
    pub seed: Option<String>,
    /// The tasks, in plan order.
    pub tasks: Vec<Task>,
}

/// The department a pack's rules speak of, declared once in `pack.toml` (`[department]`)
/// so that no rule file spells it: rules write `{department}` and the other names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The full name, e.g. `广东省文化和旅游厅`.
    pub name: String,
    /// Other names the site uses for it (`省文化和旅游厅`, `广东省文旅厅`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Departments it succeeds, whose documents it still publishes (`广东省文化厅`, `广东省旅游局`).
    #[serde(default)]
    pub predecessors: Vec<String>,
    /// The prefixes of its document numbers (`粤文旅`, the 规 numbers `粤文旅规`).
    #[serde(default)]
    pub number_prefixes: Vec<String>,
    /// Words that mark its own body as against its subordinate units (`机关`, `本级`).
    #[serde(default)]
    pub own_units: Vec<String>,
}

impl Plan {
    /// The task with the given number.
    pub fn task(&self, number: u32) -> Option<&Task> {
        self.tasks.iter().find(|t| t.number == number)
    }
}
