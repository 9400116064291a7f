//! The rule-file format as written (serde), before validation and compilation.

use serde::Deserialize;
use toml::Spanned;

use crate::rule::{Mode, Severity, Source};

/// `pack.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPackFile {
    pub pack: RawPackMeta,
    #[serde(default)]
    pub task: Vec<RawTask>,
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
    pub source: Source,
    pub expect: String,
    pub locate: Option<RawLocate>,
    #[serde(default)]
    pub checks: Vec<Spanned<RawCheck>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDivisions {
    #[serde(default)]
    pub lead: Vec<String>,
    #[serde(default)]
    pub others: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCriteria {
    pub url: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub breadcrumb: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
    pub link_text: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub published_after: Option<Spanned<String>>,
    pub published_before: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLocate {
    pub url: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub breadcrumb: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
    pub link_text: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub published_after: Option<Spanned<String>>,
    pub published_before: Option<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<RawCriteria>>,
}

/// A section of a `sections` check: one name or several alternatives.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// One document's official version history in a `current_version` check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVersion {
    pub title: String,
    pub dates: Vec<String>,
}

/// Every field any check kind takes; which apply is checked per kind.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheck {
    pub kind: Option<Spanned<String>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub pattern: Option<Spanned<String>>,
    pub keywords: Option<Spanned<Vec<String>>>,
    #[serde(rename = "match")]
    pub match_: Option<Spanned<String>>,
    #[serde(rename = "in")]
    pub in_: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub pages: Option<Spanned<String>>,
    pub sections: Option<Spanned<Vec<OneOrMany>>>,
    pub title: Option<Spanned<String>>,
    pub max_age_days: Option<Spanned<i64>>,
    pub source: Option<Spanned<String>>,
    pub by: Option<Spanned<String>>,
    pub days: Option<Spanned<i64>>,
    pub from: Option<Spanned<String>>,
    pub link_text: Option<Spanned<String>>,
    pub date_pattern: Option<Spanned<String>>,
    pub fields: Option<Spanned<Vec<String>>>,
    pub url: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub resolves: Option<Spanned<bool>>,
    pub extensions: Option<Spanned<Vec<String>>>,
    pub name: Option<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    pub since: Option<Spanned<String>>,
    pub report_title: Option<Spanned<String>>,
    pub versions: Option<Spanned<Vec<Spanned<RawVersion>>>>,
    pub slow_seconds: Option<Spanned<f64>>,
    pub max_share: Option<Spanned<f64>>,
    pub min_probes: Option<Spanned<i64>>,
    pub checks: Option<Spanned<Vec<Spanned<RawCheck>>>>,
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
        }
    }
}
