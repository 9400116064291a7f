//! Compiled rules: how a rule locates pages and which checks it applies.
//!
//! Rules are written in TOML (see `rules/README.md`) and compiled by
//! [`crate::pack`] into these types; regexes and selectors are validated and
//! compiled once, at load time. Each check kind's own types live in its module
//! of [`crate::check`].

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::plan::Divisions;

/// How a rule's outcome is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The site decides.
    Auto,
    /// The site gives evidence and a person confirms it (an evidence record for the task).
    Assisted,
    /// Only a recorded evidence entry decides.
    Manual,
}

impl Mode {
    /// Machine name (`auto`, `assisted`, `manual`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Assisted => "assisted",
            Mode::Manual => "manual",
        }
    }
}

/// How much a failure of the rule matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Minor: presentation, completeness of secondary fields.
    Low,
    /// A duty of the plan is partly unmet.
    Medium,
    /// A statutory duty or a veto-type requirement is unmet.
    High,
}

/// Where a requirement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The seed task it traces to, e.g. `任务29`.
    pub seed: String,
    /// The regulation clause, when one applies, e.g. `《政府信息公开条例》第四十九条`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id within the pack.
    pub id: String,
    /// The plan task the rule belongs to.
    pub task: u32,
    /// One-line title, in Chinese.
    pub title: String,
    /// Severity of a failure.
    pub severity: Severity,
    /// How the outcome is decided.
    pub mode: Mode,
    /// Responsible divisions (the task's unless the rule names its own).
    pub divisions: Divisions,
    /// What the requirement expects, in Chinese; starts every message.
    pub expect: String,
    /// Where the requirement comes from.
    pub source: Provenance,
    /// Which pages the checks look at; `None` for rules that need no page.
    pub locate: Option<Locator>,
    /// The checks, all of which must hold.
    pub checks: Vec<crate::check::Check>,
    /// How the rule counts in the pack's score (`score = …`), if it does.
    pub score: Option<crate::score::RuleScore>,
    /// The file the rule was read from, and its 1-based line.
    pub origin: Origin,
}

/// Where a rule was defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// File name as given to the loader.
    pub file: String,
    /// 1-based line of the rule's `id`.
    pub line: usize,
}

/// A pattern with the source text it was compiled from.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written.
    pub source: String,
    /// The compiled regex.
    pub regex: Regex,
}

impl Pattern {
    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// Criteria that select pages; every criterion given must hold.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    /// Regex on the absolute URL.
    pub url: Option<Pattern>,
    /// Regexes on the page title, all of which must match (in any order).
    pub titles: Vec<Pattern>,
    /// Regex on the breadcrumb joined with ` > `.
    pub breadcrumb: Option<Pattern>,
    /// Regex on the column: the `ColumnName` meta tag, else the last breadcrumb entry.
    pub column: Option<Pattern>,
    /// Regex on the anchor text of some link pointing to the page.
    pub link_text: Option<Pattern>,
    /// A CSS selector that must match an element of the page (recorded by page analysis).
    pub selector: Option<String>,
    /// Published on or after this date (pages without a date do not match).
    pub published_after: Option<DateSpec>,
    /// Published on or before this date (pages without a date do not match).
    pub published_before: Option<DateSpec>,
    /// Only listings, or only documents ([`crate::document::role`]).
    pub role: Option<crate::document::Role>,
}

impl Criteria {
    /// Whether no criterion is set.
    pub fn is_empty(&self) -> bool {
        self.url.is_none()
            && self.titles.is_empty()
            && self.breadcrumb.is_none()
            && self.column.is_none()
            && self.link_text.is_none()
            && self.selector.is_none()
            && self.published_after.is_none()
            && self.published_before.is_none()
            && self.role.is_none()
    }
}

/// How a rule finds its pages.
#[derive(Debug, Clone, Default)]
pub struct Locator {
    /// Pages must meet all of these.
    pub include: Criteria,
    /// What the located pages are, in words, for messages (`describe` in the rule file).
    pub describe: Option<String>,
    /// Read the pages a located listing's entries link to, in place of the listing
    /// (`follow = "entries"`): a question list's answers are on the question pages.
    pub follow_entries: bool,
    /// Also read the pages the located pages link to with a matching anchor or label
    /// (`follow_links`): a guide's application form is on the page it links to.
    pub follow_links: Option<Pattern>,
    /// A site without such pages is not judged by the rule (`if_absent = "not_applicable"`):
    /// for what a site may or may not have, such as its own message column.
    pub absent_not_applicable: bool,
    /// Pages meeting any one of these are left out.
    pub exclude: Vec<Criteria>,
}

/// Whether a page-level check must hold on any located page or on every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantifier {
    /// At least one located page passes.
    Any,
    /// Every located page passes.
    Every,
}

/// A date given in a rule: fixed, or relative to the plan year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    /// A fixed date.
    Fixed(NaiveDate),
    /// `{year+offset}-MM-DD` relative to the plan year.
    PlanYear {
        /// Years added to the plan year.
        offset: i32,
        /// Month 1–12.
        month: u32,
        /// Day of month.
        day: u32,
    },
}

impl DateSpec {
    /// The date for a plan year; `None` only for an impossible day (29 February of a common year).
    pub fn resolve(self, plan_year: i32) -> Option<NaiveDate> {
        match self {
            DateSpec::Fixed(d) => Some(d),
            DateSpec::PlanYear { offset, month, day } => {
                NaiveDate::from_ymd_opt(plan_year + offset, month, day)
            }
        }
    }
}
