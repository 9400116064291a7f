//! Scoring: the veto, deduction and bonus layers of an inspection, declared in a pack.
//!
//! Inspection indicators such as 国办秘函〔2019〕19号 judge a site in three
//! layers: any **veto** item (单项否决) fails it outright; a **deduction** score
//! starts from full marks (100) and loses points per failing item, at most a cap
//! per indicator, and a score below the pass mark (60) fails it; **bonus** points
//! are added for good practice. A pack declares the scheme in `pack.toml`
//! (`[scoring]`, caps per indicator) and marks each rule in its rule file
//! (`score = { veto = true }`, `score = { points = 2 }`,
//! `score = { points = 0.5, per = "finding" }`, `score = { bonus = 1 }`), so the
//! point values are plain numbers a user can change without touching code.
//!
//! Rule outcomes feed the score as follows: `fail` deducts (or vetoes);
//! `pass` earns a bonus; `not_applicable` counts for nothing; `incomplete` and
//! `needs_evidence` are *undecided*: they deduct nothing, but when what they
//! could still cost would change the verdict, the verdict is
//! [`ScoreVerdict::Undetermined`] rather than a guess.

use std::collections::BTreeMap;

use crate::outcome::Outcome;
use crate::report::{
    IndicatorScore, RuleReport, ScoreItem, ScoreLayer, ScoreReport, ScoreVerdict, TaskReport,
};
use crate::rule::Rule;

/// How one rule counts in the score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RuleScore {
    /// A failure fails the whole inspection (单项否决).
    Veto,
    /// A failure deducts `points`, once per rule or once per finding.
    Deduction {
        /// Points per unit.
        points: f64,
        /// What one unit is.
        per: Per,
    },
    /// A pass earns `points` (加分).
    Bonus {
        /// Points earned.
        points: f64,
    },
}

/// The unit a deduction is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// Once when the rule fails.
    Rule,
    /// Once per finding of the failing rule: each broken link, each failing page,
    /// each stale column, as the rule's checks count them
    /// ([`crate::report::RuleReport::findings`]).
    Finding,
}

/// A pack's scoring scheme (`[scoring]` in `pack.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scoring {
    /// Where the deduction score starts (100).
    pub full_marks: f64,
    /// The lowest deduction score that still passes (60).
    pub pass_mark: f64,
    /// The most points one indicator (task) can lose.
    pub caps: BTreeMap<u32, f64>,
    /// The most bonus points in total, if limited.
    pub bonus_cap: Option<f64>,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            full_marks: 100.0,
            pass_mark: 60.0,
            caps: BTreeMap::new(),
            bonus_cap: None,
        }
    }
}

/// Points of one indicator being summed.
#[derive(Default)]
struct Tally {
    deducted: f64,
    /// What undecided rules could still cost; `None` when unbounded.
    at_stake: Option<f64>,
}

/// What the scored rules add up to, before the indicators' caps.
#[derive(Default)]
struct Ledger {
    items: Vec<ScoreItem>,
    tallies: BTreeMap<u32, Tally>,
    bonus: f64,
    vetoes: Vec<String>,
    undecided_vetoes: Vec<String>,
}

impl Ledger {
    /// Count one rule of a task by its mark.
    fn add(&mut self, task: u32, rule: &RuleReport, mark: RuleScore) {
        let undecided = matches!(rule.outcome, Outcome::Incomplete | Outcome::NeedsEvidence);
        let (layer, points) = match mark {
            RuleScore::Veto => {
                if rule.outcome == Outcome::Fail {
                    self.vetoes.push(rule.id.clone());
                } else if undecided {
                    self.undecided_vetoes.push(rule.id.clone());
                }
                (ScoreLayer::Veto, 0.0)
            }
            RuleScore::Deduction { points, per } => {
                let tally = self.tallies.entry(task).or_insert_with(|| Tally {
                    at_stake: Some(0.0),
                    ..Tally::default()
                });
                let cost = match (rule.outcome, per) {
                    (Outcome::Fail, Per::Rule) => points,
                    (Outcome::Fail, Per::Finding) => points * rule.findings.max(1) as f64,
                    _ => 0.0,
                };
                tally.deducted += cost;
                if undecided {
                    tally.at_stake = match (tally.at_stake, per) {
                        (Some(s), Per::Rule) => Some(s + points),
                        _ => None,
                    };
                }
                (ScoreLayer::Deduction, cost)
            }
            RuleScore::Bonus { points } => {
                let earned = if rule.outcome == Outcome::Pass {
                    points
                } else {
                    0.0
                };
                self.bonus += earned;
                (ScoreLayer::Bonus, earned)
            }
        };
        self.items.push(ScoreItem {
            rule: rule.id.clone(),
            task,
            title: rule.title.clone(),
            layer,
            outcome: rule.outcome,
            findings: rule.findings,
            points: round(points),
            found: rule.found.clone(),
        });
    }
}

/// The indicators' deductions after their caps: each indicator, the total deducted,
/// and the most the undecided rules could still cost (`None` when unbounded).
fn indicators(
    scoring: &Scoring,
    tallies: &BTreeMap<u32, Tally>,
    tasks: &[TaskReport],
) -> (Vec<IndicatorScore>, f64, Option<f64>) {
    let mut indicators = Vec::new();
    let mut deducted = 0.0;
    let mut at_stake: Option<f64> = Some(0.0);
    for (task, tally) in tallies {
        let cap = scoring.caps.get(task).copied();
        let counted = cap.map_or(tally.deducted, |c| tally.deducted.min(c));
        deducted += counted;
        let could_add = match tally.at_stake {
            Some(0.0) => Some(0.0),
            Some(s) => Some(cap.map_or(s, |c| s.min(c - counted))),
            None => cap.map(|c| c - counted),
        };
        at_stake = match (at_stake, could_add) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        indicators.push(IndicatorScore {
            task: *task,
            heading: tasks
                .iter()
                .find(|t| t.task == *task)
                .map(|t| t.heading.clone())
                .unwrap_or_default(),
            cap,
            deducted: round(counted),
            capped: cap.is_some_and(|c| tally.deducted > c),
        });
    }
    (indicators, deducted, at_stake)
}

/// The verdict and its reason: vetoes first, then the pass mark, then what is undecided.
fn verdict(
    scoring: &Scoring,
    ledger: &Ledger,
    score: f64,
    at_stake: Option<f64>,
) -> (ScoreVerdict, String) {
    if !ledger.vetoes.is_empty() {
        (
            ScoreVerdict::Unqualified,
            format!("单项否决：{}", ledger.vetoes.join("、")),
        )
    } else if score < scoring.pass_mark {
        (
            ScoreVerdict::Unqualified,
            format!(
                "扣分后得分{}，低于合格线{}",
                show(score),
                show(scoring.pass_mark)
            ),
        )
    } else if !ledger.undecided_vetoes.is_empty() {
        (
            ScoreVerdict::Undetermined,
            format!(
                "单项否决指标未能判定：{}；得分{}",
                ledger.undecided_vetoes.join("、"),
                show(score)
            ),
        )
    } else if at_stake.is_none_or(|s| score - s < scoring.pass_mark) {
        (
            ScoreVerdict::Undetermined,
            format!(
                "得分{}，但未能判定的扣分项可能使其低于合格线{}",
                show(score),
                show(scoring.pass_mark)
            ),
        )
    } else {
        (
            ScoreVerdict::Qualified,
            format!(
                "无单项否决，扣分后得分{}（合格线{}）",
                show(score),
                show(scoring.pass_mark)
            ),
        )
    }
}

/// Score a pack's task reports.
///
/// `rules` are the pack's rules (for their [`RuleScore`]); rules without one do
/// not count. The result lists every scored rule with what it cost, the totals
/// per indicator, and the verdict with a one-line reason in Chinese.
pub fn score(scoring: &Scoring, rules: &[Rule], tasks: &[TaskReport]) -> ScoreReport {
    let marks: BTreeMap<&str, RuleScore> = rules
        .iter()
        .filter_map(|r| r.score.map(|s| (r.id.as_str(), s)))
        .collect();
    let mut ledger = Ledger::default();
    for task in tasks {
        for rule in &task.rules {
            if let Some(mark) = marks.get(rule.id.as_str()).copied() {
                ledger.add(task.task, rule, mark);
            }
        }
    }
    if let Some(cap) = scoring.bonus_cap {
        ledger.bonus = ledger.bonus.min(cap);
    }
    let (indicators, deducted, at_stake) = indicators(scoring, &ledger.tallies, tasks);
    let score = (scoring.full_marks - deducted).max(0.0);
    let (verdict, reason) = verdict(scoring, &ledger, score, at_stake);
    let Ledger {
        items,
        bonus,
        vetoes,
        ..
    } = ledger;
    ScoreReport {
        full_marks: scoring.full_marks,
        pass_mark: scoring.pass_mark,
        deducted: round(deducted),
        score: round(score),
        bonus: round(bonus),
        total: round(score + bonus),
        verdict,
        verdict_label: verdict.label().to_string(),
        reason,
        vetoes,
        items,
        indicators,
    }
}

/// Round to hundredths, so that sums of 0.1s read as they should.
fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A point value as people write it: `60`, `97.5`.
pub fn show(x: f64) -> String {
    let r = round(x);
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Divisions;
    use crate::report::RuleReport;
    use crate::rule::{Mode, Origin, Provenance, Severity};

    fn rule(id: &str, task: u32, score: RuleScore) -> Rule {
        Rule {
            id: id.into(),
            task,
            title: id.into(),
            severity: Severity::Medium,
            mode: Mode::Auto,
            divisions: Divisions::default(),
            expect: "x".into(),
            source: Provenance {
                seed: "s".into(),
                clause: None,
            },
            locate: None,
            checks: Vec::new(),
            score: Some(score),
            origin: Origin {
                file: "t.toml".into(),
                line: 1,
            },
        }
    }

    fn report(id: &str, outcome: Outcome, findings: usize) -> RuleReport {
        RuleReport {
            id: id.into(),
            title: id.into(),
            mode: Mode::Auto,
            severity: Severity::Medium,
            outcome,
            message: String::new(),
            found: format!("{id} found"),
            check: "text".into(),
            evidence: Vec::new(),
            findings,
            source: Provenance {
                seed: "s".into(),
                clause: None,
            },
            origin: "t.toml:1".into(),
        }
    }

    fn task(n: u32, rules: Vec<RuleReport>) -> TaskReport {
        TaskReport {
            task: n,
            title: String::new(),
            heading: format!("指标{n}"),
            requirement: String::new(),
            divisions: Divisions::default(),
            outcome: Outcome::Pass,
            reason: String::new(),
            rules,
        }
    }

    fn scheme(caps: &[(u32, f64)]) -> Scoring {
        Scoring {
            caps: caps.iter().copied().collect(),
            ..Scoring::default()
        }
    }

    const LINKS: RuleScore = RuleScore::Deduction {
        points: 0.5,
        per: Per::Finding,
    };

    #[test]
    fn a_clean_site_keeps_full_marks() {
        let rules = [rule("v", 1, RuleScore::Veto), rule("d", 2, LINKS)];
        let tasks = [
            task(1, vec![report("v", Outcome::Pass, 0)]),
            task(2, vec![report("d", Outcome::Pass, 0)]),
        ];
        let s = score(&scheme(&[]), &rules, &tasks);
        assert_eq!(s.score, 100.0);
        assert_eq!(s.verdict, ScoreVerdict::Qualified);
        assert_eq!(s.verdict_label, "合格");
        assert!(s.reason.contains("得分100"), "{}", s.reason);
    }

    #[test]
    fn a_veto_fails_whatever_the_score() {
        let rules = [rule("v", 1, RuleScore::Veto)];
        let tasks = [task(1, vec![report("v", Outcome::Fail, 1)])];
        let s = score(&scheme(&[]), &rules, &tasks);
        assert_eq!(s.score, 100.0);
        assert_eq!(s.verdict, ScoreVerdict::Unqualified);
        assert_eq!(s.vetoes, vec!["v".to_string()]);
        assert_eq!(s.reason, "单项否决：v");
    }

    #[test]
    fn deductions_count_findings_up_to_the_indicator_cap() {
        let rules = [
            rule("d", 2, LINKS),
            rule(
                "e",
                2,
                RuleScore::Deduction {
                    points: 2.0,
                    per: Per::Rule,
                },
            ),
            rule(
                "f",
                3,
                RuleScore::Deduction {
                    points: 5.0,
                    per: Per::Rule,
                },
            ),
        ];
        let tasks = [
            task(
                2,
                vec![report("d", Outcome::Fail, 7), report("e", Outcome::Fail, 3)],
            ),
            task(3, vec![report("f", Outcome::Fail, 1)]),
        ];
        // Uncapped: 7 × 0.5 + 2 + 5.
        let s = score(&scheme(&[]), &rules, &tasks);
        assert_eq!(s.deducted, 10.5);
        assert_eq!(s.score, 89.5);
        // Indicator 2 capped at 4.
        let s = score(&scheme(&[(2, 4.0)]), &rules, &tasks);
        assert_eq!(s.deducted, 9.0);
        let ind = s.indicators.iter().find(|i| i.task == 2).unwrap();
        assert!(ind.capped);
        assert_eq!(ind.deducted, 4.0);
        assert_eq!(s.items.iter().find(|i| i.rule == "d").unwrap().points, 3.5);
    }

    #[test]
    fn below_the_pass_mark_is_unqualified() {
        let rules = [rule(
            "d",
            2,
            RuleScore::Deduction {
                points: 41.0,
                per: Per::Rule,
            },
        )];
        let tasks = [task(2, vec![report("d", Outcome::Fail, 1)])];
        let s = score(&scheme(&[]), &rules, &tasks);
        assert_eq!(s.score, 59.0);
        assert_eq!(s.verdict, ScoreVerdict::Unqualified);
        assert_eq!(s.verdict_label, "不合格");
    }

    #[test]
    fn undecided_items_make_the_verdict_undetermined_only_when_they_could_matter() {
        let rules = [
            rule("v", 1, RuleScore::Veto),
            rule(
                "d",
                2,
                RuleScore::Deduction {
                    points: 5.0,
                    per: Per::Rule,
                },
            ),
            rule("links", 3, LINKS),
        ];
        // An undecided veto item: undetermined.
        let tasks = [task(1, vec![report("v", Outcome::Incomplete, 0)])];
        let s = score(&scheme(&[]), &rules, &tasks);
        assert_eq!(s.verdict, ScoreVerdict::Undetermined);
        assert_eq!(s.verdict_label, "待定");
        // An undecided 5-point item with 100 points: still qualified.
        let tasks = [task(2, vec![report("d", Outcome::Incomplete, 0)])];
        assert_eq!(
            score(&scheme(&[]), &rules, &tasks).verdict,
            ScoreVerdict::Qualified
        );
        // An undecided per-finding item without a cap could cost anything.
        let tasks = [task(3, vec![report("links", Outcome::Incomplete, 0)])];
        assert_eq!(
            score(&scheme(&[]), &rules, &tasks).verdict,
            ScoreVerdict::Undetermined
        );
        // With a cap of 10 it cannot reach the pass mark.
        assert_eq!(
            score(&scheme(&[(3, 10.0)]), &rules, &tasks).verdict,
            ScoreVerdict::Qualified
        );
    }

    #[test]
    fn bonus_is_earned_by_passing_and_capped() {
        let rules = [
            rule("b1", 4, RuleScore::Bonus { points: 2.0 }),
            rule("b2", 4, RuleScore::Bonus { points: 2.0 }),
            rule("b3", 4, RuleScore::Bonus { points: 2.0 }),
        ];
        let tasks = [task(
            4,
            vec![
                report("b1", Outcome::Pass, 0),
                report("b2", Outcome::Pass, 0),
                report("b3", Outcome::Fail, 1),
            ],
        )];
        let mut sc = scheme(&[]);
        assert_eq!(score(&sc, &rules, &tasks).bonus, 4.0);
        sc.bonus_cap = Some(3.0);
        let s = score(&sc, &rules, &tasks);
        assert_eq!(s.bonus, 3.0);
        assert_eq!(s.total, 103.0);
    }

    #[test]
    fn points_read_as_people_write_them() {
        assert_eq!(show(60.0), "60");
        assert_eq!(show(97.5), "97.5");
        assert_eq!(show(0.1 + 0.2), "0.3");
    }
}
