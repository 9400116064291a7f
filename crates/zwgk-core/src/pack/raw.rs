//! The rule-file format as written (serde), before validation and compilation.
//!
//! A rule's check tables are not here: each is read by its own kind's typed fields
//! (see [`crate::check`]).

use serde::Deserialize;
use toml::Spanned;

use crate::rule::{Mode, Provenance, Severity};

/// `pack.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPackFile {
    pub pack: RawPackMeta,
    pub department: Option<crate::plan::Department>,
    #[serde(default)]
    pub vocabulary: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub task: Vec<RawTask>,
    pub scoring: Option<RawScoring>,
    pub columns: Option<RawColumns>,
}

/// `[scoring]` of `pack.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScoring {
    pub full_marks: Option<Spanned<f64>>,
    pub pass_mark: Option<Spanned<f64>>,
    pub bonus_cap: Option<Spanned<f64>>,
    #[serde(default)]
    pub indicator: Vec<RawIndicator>,
}

/// `[[scoring.indicator]]`: the most points one indicator (task) can lose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIndicator {
    pub task: Spanned<u32>,
    pub cap: Spanned<f64>,
}

/// `[columns]` of `pack.toml`: how to find columns and what kind each is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawColumns {
    pub list_url: Option<Spanned<String>>,
    pub exclude_url: Option<Spanned<String>>,
    #[serde(default)]
    pub kind: Vec<RawColumnKind>,
}

/// `[[columns.kind]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawColumnKind {
    pub name: Spanned<String>,
    pub column: Spanned<String>,
    pub max_age_days: Spanned<i64>,
}

/// A rule's `score = { … }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuleScore {
    pub veto: Option<bool>,
    pub points: Option<f64>,
    pub per: Option<String>,
    pub bonus: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPackMeta {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub department: Option<String>,
    pub seed: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTask {
    pub number: Spanned<u32>,
    pub heading: String,
    pub requirement: String,
    #[serde(default)]
    pub lead: Vec<String>,
    #[serde(default)]
    pub others: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: Spanned<String>,
    pub task: Spanned<u32>,
    pub title: String,
    pub severity: Severity,
    pub mode: Mode,
    pub divisions: Option<RawDivisions>,
    pub source: Provenance,
    pub expect: String,
    pub locate: Option<RawLocate>,
    pub score: Option<Spanned<RawRuleScore>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDivisions {
    #[serde(default)]
    pub lead: Vec<String>,
    #[serde(default)]
    pub others: Vec<String>,
}

/// A pattern, or several that must all match (in any order).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Patterns {
    One(String),
    All(Vec<String>),
}

impl Patterns {
    /// The patterns as written.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Patterns::One(p) => vec![p.as_str()],
            Patterns::All(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCriteria {
    pub url: Option<Spanned<String>>,
    pub title: Option<Spanned<Patterns>>,
    pub breadcrumb: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
    pub link_text: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub published_after: Option<Spanned<String>>,
    pub published_before: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLocate {
    pub url: Option<Spanned<String>>,
    pub title: Option<Spanned<Patterns>>,
    pub breadcrumb: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
    pub link_text: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub published_after: Option<Spanned<String>>,
    pub published_before: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    /// What the located pages are, in words, for messages (`本部门{year}年部门预算`).
    pub describe: Option<Spanned<String>>,
    /// `"entries"`: read the pages a located listing's entries link to, in its place.
    pub follow: Option<Spanned<String>>,
    /// Also read the pages linked from the located pages with a matching label.
    pub follow_links: Option<Spanned<String>>,
    /// `"not_applicable"`: a site without such pages is not judged by the rule.
    pub if_absent: Option<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<RawCriteria>>,
}

impl RawLocate {
    /// The include criteria as a criteria block.
    pub fn include(&self) -> RawCriteria {
        RawCriteria {
            url: self.url.clone(),
            title: self.title.clone(),
            breadcrumb: self.breadcrumb.clone(),
            column: self.column.clone(),
            link_text: self.link_text.clone(),
            selector: self.selector.clone(),
            published_after: self.published_after.clone(),
            published_before: self.published_before.clone(),
            role: self.role.clone(),
        }
    }
}
