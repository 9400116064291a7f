//! The difference between two scans, finding by finding and rule by rule. Pure: no database.
//!
//! A *finding* is one rule on one evidence page, identified by its
//! [`fingerprint`](crate::fingerprint). Each finding and each rule of either scan is put in
//! one [`Change`] class:
//!
//! | class | old | new |
//! | --- | --- | --- |
//! | [`Change::NewlyFailing`] | absent, or not `fail` | `fail` |
//! | [`Change::Fixed`] | `fail` | absent, or not `fail` |
//! | [`Change::Changed`] | any other difference (outcome changed, appeared or went away) | |
//! | [`Change::UnchangedFailing`] | `fail` | `fail` |
//! | [`Change::Unchanged`] | the same outcome, not `fail` | |

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use zwgk_core::Outcome;

use crate::record::{RuleResult, ScanRecord};

/// How a finding or a rule changed between two scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Fails now; absent or not failing before.
    NewlyFailing,
    /// Failed before; absent or not failing now.
    Fixed,
    /// Any other change of outcome, including appearing or going away.
    Changed,
    /// Failed before and fails now.
    UnchangedFailing,
    /// The same outcome before and now, not a failure.
    Unchanged,
}

impl Change {
    /// All classes, in the order reports list them.
    pub const ALL: [Change; 5] = [
        Change::NewlyFailing,
        Change::Fixed,
        Change::Changed,
        Change::UnchangedFailing,
        Change::Unchanged,
    ];

    /// The class of an outcome before and after (`None`: absent).
    pub fn of(old: Option<Outcome>, new: Option<Outcome>) -> Change {
        let failed = old == Some(Outcome::Fail);
        let fails = new == Some(Outcome::Fail);
        match (failed, fails) {
            (false, true) => Change::NewlyFailing,
            (true, false) => Change::Fixed,
            (true, true) => Change::UnchangedFailing,
            (false, false) if old == new => Change::Unchanged,
            (false, false) => Change::Changed,
        }
    }

    /// The machine name (`newly_failing`, `fixed`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::NewlyFailing => "newly_failing",
            Change::Fixed => "fixed",
            Change::Changed => "changed",
            Change::UnchangedFailing => "unchanged_failing",
            Change::Unchanged => "unchanged",
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding (rule × page) compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingChange {
    /// Its class.
    pub change: Change,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The task number (from the new scan when the finding is in it).
    pub task: u32,
    /// The rule id.
    pub rule_id: String,
    /// The evidence page (empty for a rule without evidence).
    pub page: String,
    /// The outcome before (`None`: absent).
    pub old: Option<Outcome>,
    /// The outcome now (`None`: absent).
    pub new: Option<Outcome>,
    /// The rule's message (from the new scan when the finding is in it).
    pub message: String,
}

/// One rule compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChange {
    /// Its class.
    pub change: Change,
    /// The task number (from the new scan when the rule is in it).
    pub task: u32,
    /// The rule id.
    pub rule_id: String,
    /// The outcome before (`None`: absent).
    pub old: Option<Outcome>,
    /// The outcome now (`None`: absent).
    pub new: Option<Outcome>,
    /// The first evidence URL (from the new scan when the rule is in it).
    pub evidence_url: String,
    /// The rule's message (from the new scan when the rule is in it).
    pub message: String,
}

/// What changed from an old scan to a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// The old scan, described (see [`ScanRecord::describe`]).
    pub old: String,
    /// The new scan, described.
    pub new: String,
    /// Every finding of either scan: those of the new scan in its order, then those only
    /// in the old one.
    pub findings: Vec<FindingChange>,
    /// Every rule of either scan, in the same order.
    pub rules: Vec<RuleChange>,
}

impl Diff {
    /// Findings that fail now and did not before: the failures that are new.
    pub fn new_failures(&self) -> impl Iterator<Item = &FindingChange> {
        self.findings_in(Change::NewlyFailing)
    }

    /// Findings of one class.
    pub fn findings_in(&self, change: Change) -> impl Iterator<Item = &FindingChange> {
        self.findings.iter().filter(move |f| f.change == change)
    }

    /// Rules of one class.
    pub fn rules_in(&self, change: Change) -> impl Iterator<Item = &RuleChange> {
        self.rules.iter().filter(move |r| r.change == change)
    }

    /// How many rules are in each class.
    pub fn rule_counts(&self) -> BTreeMap<Change, usize> {
        let mut m: BTreeMap<Change, usize> = Change::ALL.iter().map(|c| (*c, 0)).collect();
        for r in &self.rules {
            *m.entry(r.change).or_default() += 1;
        }
        m
    }
}

/// Compare two scans (`old` the earlier one).
pub fn diff(old: &ScanRecord, new: &ScanRecord) -> Diff {
    // Findings, by fingerprint.
    let old_by_fp: BTreeMap<&str, &RuleResult> = old
        .results
        .iter()
        .map(|r| (r.fingerprint.as_str(), r))
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut findings = Vec::new();
    for r in &new.results {
        if !seen.insert(&r.fingerprint) {
            continue;
        }
        let before = old_by_fp.get(r.fingerprint.as_str()).map(|o| o.outcome);
        findings.push(finding(r, before, Some(r.outcome)));
    }
    for r in &old.results {
        if seen.insert(&r.fingerprint) {
            findings.push(finding(r, Some(r.outcome), None));
        }
    }

    // Rules, by id: the first row of each rule carries its outcome.
    let first_rows = |rec: &'_ ScanRecord| -> Vec<RuleResult> {
        let mut ids = BTreeSet::new();
        rec.results
            .iter()
            .filter(|r| ids.insert(r.rule_id.clone()))
            .cloned()
            .collect()
    };
    let old_rules = first_rows(old);
    let new_rules = first_rows(new);
    let old_by_id: BTreeMap<&str, &RuleResult> =
        old_rules.iter().map(|r| (r.rule_id.as_str(), r)).collect();
    let new_ids: BTreeSet<&str> = new_rules.iter().map(|r| r.rule_id.as_str()).collect();
    let mut rules = Vec::new();
    for r in &new_rules {
        let before = old_by_id.get(r.rule_id.as_str()).map(|o| o.outcome);
        rules.push(rule(r, before, Some(r.outcome)));
    }
    for r in &old_rules {
        if !new_ids.contains(r.rule_id.as_str()) {
            rules.push(rule(r, Some(r.outcome), None));
        }
    }
    Diff {
        old: old.describe(),
        new: new.describe(),
        findings,
        rules,
    }
}

fn finding(r: &RuleResult, old: Option<Outcome>, new: Option<Outcome>) -> FindingChange {
    FindingChange {
        change: Change::of(old, new),
        fingerprint: r.fingerprint.clone(),
        task: r.task,
        rule_id: r.rule_id.clone(),
        page: r.page.clone(),
        old,
        new,
        message: r.message.clone(),
    }
}

fn rule(r: &RuleResult, old: Option<Outcome>, new: Option<Outcome>) -> RuleChange {
    RuleChange {
        change: Change::of(old, new),
        task: r.task,
        rule_id: r.rule_id.clone(),
        old,
        new,
        evidence_url: r.evidence_url.clone(),
        message: r.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::sample::{report, report_with, rule as sample_rule};
    use Outcome::*;

    fn classes(d: &Diff) -> Vec<(String, Change)> {
        d.rules
            .iter()
            .map(|r| (r.rule_id.clone(), r.change))
            .collect()
    }

    #[test]
    fn classes_of_outcome_pairs() {
        assert_eq!(Change::of(None, Some(Fail)), Change::NewlyFailing);
        assert_eq!(Change::of(Some(Pass), Some(Fail)), Change::NewlyFailing);
        assert_eq!(Change::of(Some(Fail), Some(Pass)), Change::Fixed);
        assert_eq!(Change::of(Some(Fail), None), Change::Fixed);
        assert_eq!(Change::of(Some(Fail), Some(Fail)), Change::UnchangedFailing);
        assert_eq!(Change::of(Some(Pass), Some(Pass)), Change::Unchanged);
        assert_eq!(Change::of(Some(Pass), Some(Incomplete)), Change::Changed);
        assert_eq!(Change::of(None, Some(Pass)), Change::Changed);
        assert_eq!(Change::of(Some(Pass), None), Change::Changed);
    }

    #[test]
    fn same_scan_is_unchanged() {
        let r = ScanRecord::from_report(&report());
        let d = diff(&r, &r);
        assert_eq!(
            classes(&d),
            vec![
                ("t01".into(), Change::UnchangedFailing),
                ("t02".into(), Change::Unchanged),
                ("t03".into(), Change::Unchanged),
            ]
        );
        assert_eq!(d.new_failures().count(), 0);
        assert_eq!(d.findings.len(), 4);
    }

    #[test]
    fn fixed_new_changed_and_gone() {
        let a = "http://whly.gd.gov.cn/a.html";
        let b = "http://whly.gd.gov.cn/b.html";
        let old = report_with(vec![
            sample_rule("t01", Fail, &[a]),
            sample_rule("t02", Pass, &[b]),
            sample_rule("t03", Pass, &[]),
            sample_rule("t04", Fail, &[]),
            sample_rule("t05", Fail, &[a]),
        ]);
        let new = report_with(vec![
            sample_rule("t01", Pass, &[a]),
            sample_rule("t02", Fail, &[b]),
            sample_rule("t03", Incomplete, &[]),
            sample_rule("t05", Fail, &[a, b]),
            sample_rule("t06", Fail, &[]),
        ]);
        let d = diff(
            &ScanRecord::from_report(&old),
            &ScanRecord::from_report(&new),
        );
        assert_eq!(
            classes(&d),
            vec![
                ("t01".into(), Change::Fixed),
                ("t02".into(), Change::NewlyFailing),
                ("t03".into(), Change::Changed),
                ("t05".into(), Change::UnchangedFailing),
                ("t06".into(), Change::NewlyFailing),
                ("t04".into(), Change::Fixed),
            ]
        );
        // Finding level: t05 fails on a new page too.
        let new_findings: Vec<(&str, &str)> = d
            .new_failures()
            .map(|f| (f.rule_id.as_str(), f.page.as_str()))
            .collect();
        assert_eq!(new_findings, vec![("t02", b), ("t05", b), ("t06", "")]);
        assert_eq!(d.rules_in(Change::Fixed).count(), 2);
        let counts = d.rule_counts();
        assert_eq!(counts[&Change::NewlyFailing], 2);
        assert_eq!(counts[&Change::Unchanged], 0);
    }

    #[test]
    fn against_nothing_every_failure_is_new() {
        let d = diff(&ScanRecord::empty(), &ScanRecord::from_report(&report()));
        assert_eq!(d.new_failures().count(), 2);
        assert_eq!(d.rules_in(Change::NewlyFailing).count(), 1);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["rules"][0]["change"], "newly_failing");
        assert_eq!(json["rules"][0]["old"], serde_json::Value::Null);
    }
}
