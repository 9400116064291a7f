//! What the history keeps of a scan: its identity, its counts and one row per rule × page.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zwgk_core::report::Summary;
use zwgk_core::{Outcome, Report};

/// The id of a recorded scan: 1, 2, 3, … in the order scans were recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScanId(pub i64);

impl fmt::Display for ScanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for ScanId {
    type Err = std::num::ParseIntError;
    /// Parse `5` or `#5`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().trim_start_matches('#').parse().map(ScanId)
    }
}

/// One recorded scan, without its rule results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// The scan's id.
    pub id: ScanId,
    /// When it was recorded, as the caller gave it (RFC 3339).
    pub recorded_at: String,
    /// What was scanned (the report's `target`).
    pub target: String,
    /// The rule pack's id.
    pub pack_id: String,
    /// The rule pack's plan year.
    pub pack_year: i32,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// Task and rule outcome counts.
    pub summary: Summary,
}

/// One rule's result on one evidence page: the unit scans are compared by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The task number the rule belongs to.
    pub task: u32,
    /// The rule id.
    pub rule_id: String,
    /// The rule's outcome (the same on every page row of the rule).
    pub outcome: Outcome,
    /// [`fingerprint`] of pack id, rule id and [`page`](Self::page).
    pub fingerprint: String,
    /// The evidence page this row is about; empty for a rule with no evidence or whose
    /// evidence is the scanned target itself (e.g. "no such page found on the site").
    pub page: String,
    /// The rule's first evidence URL (empty when it has none).
    pub evidence_url: String,
    /// The rule's message: what was expected and what was found.
    pub message: String,
}

/// A scan with its rule results, from the history or from a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRecord {
    /// The scan's id; `None` for a record made from a report.
    pub id: Option<ScanId>,
    /// When it was recorded; `None` for a record made from a report.
    pub recorded_at: Option<String>,
    /// What was scanned.
    pub target: String,
    /// The rule pack's id.
    pub pack_id: String,
    /// The rule pack's plan year.
    pub pack_year: i32,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// Task and rule outcome counts.
    pub summary: Summary,
    /// One row per rule × evidence page (one row with an empty page for a rule without
    /// evidence), in report order.
    pub results: Vec<RuleResult>,
}

/// The fingerprint of a finding: the first 16 hex digits of the SHA-256 of the pack id,
/// the rule id and the page URL (each followed by a NUL byte).
///
/// It depends on nothing else — not on the outcome, the message, the scan, the time or the
/// machine — so the same rule on the same page has the same fingerprint in every scan and
/// every run, and two scans are compared finding by finding through it.
///
/// ```
/// let a = zwgk_history::fingerprint("gd-whly-2021", "t01", "http://whly.gd.gov.cn/a.html");
/// assert_eq!(a.len(), 16);
/// assert_eq!(a, zwgk_history::fingerprint("gd-whly-2021", "t01", "http://whly.gd.gov.cn/a.html"));
/// assert_ne!(a, zwgk_history::fingerprint("gd-whly-2021", "t01", ""));
/// ```
pub fn fingerprint(pack_id: &str, rule_id: &str, page: &str) -> String {
    let mut h = Sha256::new();
    for part in [pack_id, rule_id, page] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl ScanRecord {
    /// The record of a report, as [`History::record`](crate::History::record) would keep
    /// it (without id and time): e.g. to use an earlier JSON report as the baseline.
    pub fn from_report(report: &Report) -> ScanRecord {
        let pack = &report.rules_pack.id;
        let mut results = Vec::new();
        for (task, rule) in report.rules() {
            let evidence_url = rule
                .evidence
                .first()
                .map(|e| e.url.clone())
                .unwrap_or_default();
            let mut pages: Vec<&str> = Vec::new();
            for e in &rule.evidence {
                // Evidence naming the scanned target itself (a rule that found no page
                // points at the site) is no page: the fingerprint must not change with
                // the folder a mirror is scanned from.
                let page = if e.url == report.target { "" } else { &e.url };
                if !pages.contains(&page) {
                    pages.push(page);
                }
            }
            if pages.is_empty() {
                pages.push("");
            }
            for page in pages {
                results.push(RuleResult {
                    task: task.task,
                    rule_id: rule.id.clone(),
                    outcome: rule.outcome,
                    fingerprint: fingerprint(pack, &rule.id, page),
                    page: page.to_string(),
                    evidence_url: evidence_url.clone(),
                    message: rule.message.clone(),
                });
            }
        }
        ScanRecord {
            id: None,
            recorded_at: None,
            target: report.target.clone(),
            pack_id: pack.clone(),
            pack_year: report.rules_pack.year,
            as_of: report.as_of,
            summary: report.summary,
            results,
        }
    }

    /// A record with no results: the baseline when there is no earlier scan, against which
    /// every failure is new.
    pub fn empty() -> ScanRecord {
        ScanRecord {
            id: None,
            recorded_at: None,
            target: String::new(),
            pack_id: String::new(),
            pack_year: 0,
            as_of: NaiveDate::MIN,
            summary: Summary::default(),
            results: Vec::new(),
        }
    }

    /// A short name for messages: `scan #id (recorded_at)` or `the report of TARGET`.
    pub fn describe(&self) -> String {
        match (&self.id, &self.recorded_at) {
            (Some(id), Some(at)) => format!("scan #{id} ({at})"),
            (Some(id), None) => format!("scan #{id}"),
            _ => format!("the report of {} as of {}", self.target, self.as_of),
        }
    }
}

#[cfg(test)]
pub(crate) mod sample {
    use chrono::NaiveDate;
    use zwgk_core::report::{PackInfo, RuleReport, SiteInfo, Summary, TaskReport};
    use zwgk_core::rule::{Mode, Provenance, Severity};
    use zwgk_core::{Divisions, Evidence, Outcome, Report};

    /// A rule with an outcome and evidence pages.
    pub fn rule(id: &str, outcome: Outcome, pages: &[&str]) -> RuleReport {
        RuleReport {
            id: id.into(),
            title: format!("规则 {id}"),
            mode: Mode::Auto,
            severity: Severity::High,
            outcome,
            message: format!("要求：公开。结果：{outcome}"),
            found: outcome.to_string(),
            check: "exists".into(),
            findings: usize::from(outcome == Outcome::Fail),
            evidence: pages.iter().map(|p| Evidence::new(*p, "摘录")).collect(),
            source: Provenance {
                seed: "任务".into(),
                clause: None,
            },
            origin: format!("rules/{id}.toml:1"),
        }
    }

    /// A report of `whly.gd.gov.cn` with pack `gd-whly-2021`: task 1 holds `rules`.
    pub fn report_with(rules: Vec<RuleReport>) -> Report {
        let mut summary = Summary::default();
        for r in &rules {
            summary.rules.add(r.outcome);
        }
        let outcome =
            Outcome::worst_of(rules.iter().map(|r| r.outcome)).unwrap_or(Outcome::NeedsEvidence);
        summary.tasks.add(outcome);
        Report {
            schema_version: 1,
            target: "whly.gd.gov.cn".into(),
            as_of: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
            rules_pack: PackInfo {
                id: "gd-whly-2021".into(),
                title: "计划".into(),
                year: 2021,
                rules: rules.len(),
            },
            summary,
            site: SiteInfo {
                pages: 3,
                failed_pages: 0,
                unfetched: Vec::new(),
                trusted: Vec::new(),
            },
            tasks: vec![TaskReport {
                task: 1,
                title: "任务".into(),
                heading: "h".into(),
                requirement: "r".into(),
                divisions: Divisions {
                    lead: vec!["办公室".into()],
                    others: vec![],
                },
                outcome,
                reason: String::new(),
                rules,
            }],
            by_division: vec![],
            fetch: None,
            score: None,
            columns: Vec::new(),
        }
    }

    /// Three rules: t01 fails on two pages, t02 passes on one, t03's evidence is the target.
    pub fn report() -> Report {
        report_with(vec![
            rule(
                "t01",
                Outcome::Fail,
                &[
                    "http://whly.gd.gov.cn/a.html",
                    "http://whly.gd.gov.cn/b.html",
                    "http://whly.gd.gov.cn/a.html",
                ],
            ),
            rule("t02", Outcome::Pass, &["http://whly.gd.gov.cn/c.html"]),
            rule("t03", Outcome::NeedsEvidence, &["whly.gd.gov.cn"]),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_rule_and_distinct_page() {
        let rec = ScanRecord::from_report(&sample::report());
        let rows: Vec<(&str, &str)> = rec
            .results
            .iter()
            .map(|r| (r.rule_id.as_str(), r.page.as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("t01", "http://whly.gd.gov.cn/a.html"),
                ("t01", "http://whly.gd.gov.cn/b.html"),
                ("t02", "http://whly.gd.gov.cn/c.html"),
                ("t03", ""),
            ]
        );
        assert!(rec.results[..2]
            .iter()
            .all(|r| r.evidence_url == "http://whly.gd.gov.cn/a.html"));
        assert_eq!(rec.results[3].evidence_url, "whly.gd.gov.cn");
        assert_eq!(rec.pack_id, "gd-whly-2021");
        assert_eq!(rec.id, None);
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        // A fixed value: changing the recipe would break every stored history.
        assert_eq!(
            fingerprint("gd-whly-2021", "t01", "http://whly.gd.gov.cn/a.html"),
            "5ac882c8c3f20188"
        );
        let fps: std::collections::BTreeSet<String> = ScanRecord::from_report(&sample::report())
            .results
            .into_iter()
            .map(|r| r.fingerprint)
            .collect();
        assert_eq!(fps.len(), 4);
        // The parts are separated: "ab" + "c" differs from "a" + "bc".
        assert_ne!(fingerprint("p", "ab", "c"), fingerprint("p", "a", "bc"));
        assert!(fps
            .iter()
            .all(|f| f.len() == 16 && f.bytes().all(|b| b.is_ascii_hexdigit())));
    }

    #[test]
    fn scan_ids_parse() {
        assert_eq!("5".parse::<ScanId>(), Ok(ScanId(5)));
        assert_eq!("#12".parse::<ScanId>(), Ok(ScanId(12)));
        assert!("x".parse::<ScanId>().is_err());
    }
}
