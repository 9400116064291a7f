//! Verdicts: the outcome of a rule or a task, and the evidence behind it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The verdict of a rule, a check or a task.
///
/// Outcomes are ordered by severity for aggregation: a task's outcome is the
/// worst of its rules in the order `fail` > `incomplete` > `needs_evidence` >
/// `pass` > `not_applicable` (see [`Outcome::severity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The requirement is met, as far as the evidence shows.
    Pass,
    /// The requirement is not met; the evidence shows where.
    Fail,
    /// A person's record decides and none was given, or site evidence was
    /// found that a person must confirm.
    NeedsEvidence,
    /// The tool could not decide: a page was unreachable or unreadable.
    Incomplete,
    /// The requirement does not apply (yet) as of the evaluation date.
    NotApplicable,
}

impl Outcome {
    /// All outcomes, worst first.
    pub const ALL: [Outcome; 5] = [
        Outcome::Fail,
        Outcome::Incomplete,
        Outcome::NeedsEvidence,
        Outcome::Pass,
        Outcome::NotApplicable,
    ];

    /// Rank used to aggregate outcomes: higher is worse.
    pub fn severity(self) -> u8 {
        match self {
            Outcome::NotApplicable => 0,
            Outcome::Pass => 1,
            Outcome::NeedsEvidence => 2,
            Outcome::Incomplete => 3,
            Outcome::Fail => 4,
        }
    }

    /// The worse of two outcomes.
    pub fn worst(self, other: Outcome) -> Outcome {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// The worst outcome of an iterator, or `None` when it is empty.
    pub fn worst_of(outcomes: impl IntoIterator<Item = Outcome>) -> Option<Outcome> {
        outcomes.into_iter().reduce(Outcome::worst)
    }

    /// The machine name used in reports (`pass`, `fail`, `needs_evidence`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NeedsEvidence => "needs_evidence",
            Outcome::Incomplete => "incomplete",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    /// The Chinese label shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            Outcome::Pass => "通过",
            Outcome::Fail => "不通过",
            Outcome::NeedsEvidence => "待补充佐证",
            Outcome::Incomplete => "无法判定",
            Outcome::NotApplicable => "不适用",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence behind a verdict: where it was seen and what decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The page (or evidence record reference) the excerpt comes from.
    pub url: String,
    /// The text or value that decided, quoted from the page, normalised and shortened.
    pub excerpt: String,
    /// For a page this scan took from its cache without asking the site (an incremental
    /// re-scan trusted it unchanged): when the site last confirmed it, in UTC. Absent for
    /// pages fetched or revalidated by the scan, and from older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_confirmed: Option<chrono::NaiveDateTime>,
}

impl Evidence {
    /// Evidence from a URL and an excerpt (shortened to a readable length).
    pub fn new(url: impl Into<String>, excerpt: impl AsRef<str>) -> Self {
        Evidence {
            url: url.into(),
            excerpt: crate::text::excerpt(excerpt.as_ref(), 160),
            last_confirmed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_follows_documented_order() {
        use Outcome::*;
        assert_eq!(Outcome::worst_of([Pass, NotApplicable]), Some(Pass));
        assert_eq!(
            Outcome::worst_of([Pass, NeedsEvidence]),
            Some(NeedsEvidence)
        );
        assert_eq!(
            Outcome::worst_of([NeedsEvidence, Incomplete, Pass]),
            Some(Incomplete)
        );
        assert_eq!(Outcome::worst_of([Incomplete, Fail]), Some(Fail));
        assert_eq!(Outcome::worst_of([]), None);
        let ranks: Vec<u8> = Outcome::ALL.iter().map(|o| o.severity()).collect();
        assert_eq!(ranks, vec![4, 3, 2, 1, 0]);
    }

    #[test]
    fn serialises_snake_case() {
        let json = serde_json::to_string(&Outcome::NeedsEvidence).unwrap();
        assert_eq!(json, "\"needs_evidence\"");
    }
}
