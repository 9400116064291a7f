//! Evidence records: what a person recorded for organisational tasks.
//!
//! ```toml
//! [[evidence]]
//! task = 30
//! date = 2021-06-15
//! by = "办公室"
//! summary = "厅党组会议听取2021年政务公开工作汇报"
//! reference = "会议纪要第12期"
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::pack::{SourceError, SourceFile};

/// One recorded piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    /// The plan task it supports.
    pub task: u32,
    /// The rule it supports, when it is meant for one rule only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// When the recorded work happened.
    pub date: NaiveDate,
    /// Who recorded it or did the work (a division).
    pub by: String,
    /// What was done.
    pub summary: String,
    /// Where the proof is kept (minutes, file number, URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A malformed evidence file: file, line, column and what is wrong.
pub type EvidenceError = SourceError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidenceFile {
    #[serde(default)]
    evidence: Vec<Spanned<RawRecord>>,
}

/// An evidence record as written (its date still a TOML date).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecord {
    task: u32,
    rule: Option<String>,
    date: toml::value::Datetime,
    by: String,
    summary: String,
    reference: Option<String>,
}

impl RawRecord {
    /// Validate: a plain date, a non-empty summary and author.
    pub(crate) fn into_record(self) -> Result<EvidenceRecord, String> {
        let date = match (self.date.date, self.date.time) {
            (Some(d), None) => NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32),
            _ => None,
        }
        .ok_or_else(|| {
            format!(
                "`date` must be a plain date (YYYY-MM-DD), not `{}`",
                self.date
            )
        })?;
        if self.summary.trim().is_empty() {
            return Err("`summary` must not be empty".to_string());
        }
        if self.by.trim().is_empty() {
            return Err("`by` must name who recorded it".to_string());
        }
        Ok(EvidenceRecord {
            task: self.task,
            rule: self.rule,
            date,
            by: self.by,
            summary: self.summary,
            reference: self.reference,
        })
    }
}

/// The evidence records given to an evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceSet {
    /// The records, in file order.
    pub records: Vec<EvidenceRecord>,
}

impl EvidenceSet {
    /// No records.
    pub fn empty() -> Self {
        EvidenceSet::default()
    }

    /// Parse an evidence file.
    ///
    /// # Errors
    /// The first problem, with file, line and column: bad TOML, unknown keys,
    /// missing fields, a date that is not a plain `YYYY-MM-DD`, an empty summary.
    pub fn parse(file: &SourceFile) -> Result<Self, EvidenceError> {
        let at = |span: Option<std::ops::Range<usize>>, message: String| {
            SourceError::at(file, span, message)
        };
        let raw: RawEvidenceFile =
            toml::from_str(&file.text).map_err(|e| at(e.span(), e.message().to_string()))?;
        let mut records = Vec::new();
        for item in raw.evidence {
            let span = item.span();
            let r = item.into_inner();
            let record = r.into_record().map_err(|m| at(Some(span.clone()), m))?;
            records.push(record);
        }
        Ok(EvidenceSet { records })
    }

    /// Records that count for a rule of `task` in `plan_year` as of `as_of`:
    /// for the task (and the rule, when the record names one), dated within the
    /// plan year and not after the as-of date.
    pub fn for_rule<'a>(
        &'a self,
        task: u32,
        rule_id: &'a str,
        plan_year: i32,
        as_of: NaiveDate,
    ) -> impl Iterator<Item = &'a EvidenceRecord> + 'a {
        use chrono::Datelike;
        self.records.iter().filter(move |r| {
            r.task == task
                && r.rule.as_deref().is_none_or(|id| id == rule_id)
                && r.date.year() == plan_year
                && r.date <= as_of
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EvidenceSet, EvidenceError> {
        EvidenceSet::parse(&SourceFile::new("ev.toml", text))
    }

    #[test]
    fn reads_records() {
        let set = parse(
            r#"
[[evidence]]
task = 30
date = 2021-06-15
by = "办公室"
summary = "厅党组会议听取2021年政务公开工作汇报"
reference = "会议纪要第12期"
"#,
        )
        .unwrap();
        assert_eq!(set.records.len(), 1);
        let d = NaiveDate::from_ymd_opt(2021, 6, 15).unwrap();
        assert_eq!(set.records[0].date, d);
        let as_of = NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
        assert_eq!(set.for_rule(30, "x", 2021, as_of).count(), 1);
        assert_eq!(
            set.for_rule(30, "x", 2022, as_of).count(),
            0,
            "other plan year"
        );
        let early = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
        assert_eq!(set.for_rule(30, "x", 2021, early).count(), 0, "after as-of");
        assert_eq!(set.for_rule(31, "x", 2021, as_of).count(), 0);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("[[evidence]]\ntask = 30\ndate = 2021-06-15\nby = \"办公室\"\nsummary = \"x\"\ncolour = 1\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("ev.toml", 6));
        assert!(e.message.contains("colour"), "{e}");
        let e = parse("[[evidence]]\ntask = \"thirty\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse(
            "[[evidence]]\ntask = 30\ndate = 2021-06-15T10:00:00\nby = \"a\"\nsummary = \"b\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("plain date"), "{e}");
        let e = parse("[[evidence]\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse("[[evidence]]\ntask = 30\nby = \"a\"\nsummary = \"b\"\n").unwrap_err();
        assert!(e.message.contains("date"), "{e}");
    }
}
