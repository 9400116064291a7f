//! Rule tests: small pages a rule must pass and pages it must fail, in the manner
//! of axe-core and Semgrep fixtures.
//!
//! A pack's `tests/*.toml` files hold cases:
//!
//! ```toml
//! [[case]]
//! rule = "t29-annual-report-2021-on-time"
//! name = "published before 31 January"
//! expect = "pass"                 # any outcome name
//! as_of = 2022-02-01
//! [[case.page]]
//! url = "http://whly.gd.gov.cn/tonglan/content/post_3764082.html"
//! html = "<title>广东省文化和旅游厅2021年政府信息公开工作年度报告</title><div>时间 : 2022-01-13 09:49</div>"
//! # status = 404                  # a missing page; fetch_error = "timeout" for an unreachable one
//! [[case.evidence]]               # optional records, as in an evidence file
//! task = 29
//! date = 2021-06-01
//! by = "办公室"
//! summary = "…"
//! ```
//!
//! Cases of the `availability` check also give probes (timed requests of a page):
//!
//! ```toml
//! [[case.probe]]
//! url = "http://www.example.gov.cn/"
//! at = 2022-01-26T00:00:00+08:00  # when the (first) probe started; an offset is required
//! ms = 900                        # how long it took
//! status = 200                    # or error = "timed out" for no answer
//! repeat = 140                    # optional: this many probes (default 1) …
//! every_minutes = 72              # … this many minutes apart (default 60)
//! ```
//!
//! Each case builds a site of its pages and evaluates its one rule as of its date.

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::calendar::WorkCalendar;
use crate::eval::evaluate_rule;
use crate::evidence::{EvidenceSet, RawRecord};
use crate::outcome::Outcome;
use crate::pack::{line_col, RulePack, SourceError, SourceFile};
use crate::page::PageFacts;
use crate::probe::Probe;
use crate::site::Site;

/// A malformed test file: file, line, column and what is wrong.
pub type RuleTestError = SourceError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    rule: String,
    name: String,
    expect: Outcome,
    as_of: toml::value::Datetime,
    #[serde(default)]
    page: Vec<RawPage>,
    #[serde(default)]
    evidence: Vec<RawRecord>,
    #[serde(default)]
    probe: Vec<Spanned<RawProbe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProbe {
    url: String,
    at: toml::value::Datetime,
    ms: u64,
    status: Option<u16>,
    error: Option<String>,
    #[serde(default = "one")]
    repeat: u32,
    #[serde(default = "sixty")]
    every_minutes: u32,
}

fn one() -> u32 {
    1
}

fn sixty() -> u32 {
    60
}

/// The most probes one `[[case.probe]]` entry makes.
const MAX_REPEAT: u32 = 100_000;

impl RawProbe {
    /// The probes of the entry, or what is wrong with it.
    fn into_probes(self) -> Result<Vec<Probe>, String> {
        let at = chrono::DateTime::parse_from_rfc3339(&self.at.to_string())
            .map_err(|_| {
                format!(
                    "`at` must be a date-time with an offset (e.g. 2022-01-26T08:00:00+08:00), not `{}`",
                    self.at
                )
            })?
            .naive_utc();
        if self.status.is_some() == self.error.is_some() {
            return Err("a probe gives either `status` or `error`".to_string());
        }
        if self.repeat == 0 || self.repeat > MAX_REPEAT {
            return Err(format!("`repeat` must be between 1 and {MAX_REPEAT}"));
        }
        Ok((0..self.repeat)
            .map(|i| Probe {
                url: self.url.clone(),
                at: at + chrono::Duration::minutes(i64::from(i) * i64::from(self.every_minutes)),
                millis: self.ms,
                status: self.status,
                error: self.error.clone(),
                bytes: 0,
            })
            .collect())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    url: String,
    #[serde(default)]
    html: String,
    status: Option<u16>,
    fetch_error: Option<String>,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The rule tested.
    pub rule: String,
    /// The case's name.
    pub name: String,
    /// `file:line` of the case.
    pub origin: String,
    /// The expected outcome.
    pub expected: Outcome,
    /// The outcome the rule gave.
    pub got: Outcome,
    /// The rule's message, to explain a mismatch.
    pub message: String,
}

impl CaseResult {
    /// Whether the rule gave the expected outcome.
    pub fn passed(&self) -> bool {
        self.expected == self.got
    }
}

/// Run the cases of one test file against a pack.
///
/// # Errors
/// A malformed file, an unknown rule id, or an `as_of` that is not a plain date.
pub fn run_file(pack: &RulePack, file: &SourceFile) -> Result<Vec<CaseResult>, RuleTestError> {
    let at = |span: Option<std::ops::Range<usize>>, message: String| {
        SourceError::at(file, span, message)
    };
    let raw: RawFile =
        toml::from_str(&file.text).map_err(|e| at(e.span(), e.message().to_string()))?;
    let mut out = Vec::new();
    for case in raw.case {
        let span = case.span();
        let c = case.into_inner();
        let rule = pack.rules.iter().find(|r| r.id == c.rule).ok_or_else(|| {
            at(
                Some(span.clone()),
                format!("no rule `{}` in the pack", c.rule),
            )
        })?;
        let as_of = match (c.as_of.date, c.as_of.time) {
            (Some(d), None) => NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32),
            _ => None,
        }
        .ok_or_else(|| {
            at(
                Some(span.clone()),
                "`as_of` must be a plain date".to_string(),
            )
        })?;
        let pages: Vec<PageFacts> = c
            .page
            .iter()
            .map(|p| match (&p.fetch_error, p.status) {
                (Some(reason), _) => PageFacts::failed(&p.url, reason),
                (None, Some(status)) if !(200..300).contains(&status) => {
                    PageFacts::other(&p.url, status, "text/html")
                }
                (None, status) => PageFacts::from_html_with_selectors(
                    &p.url,
                    status.unwrap_or(200),
                    &p.html,
                    &pack.selectors,
                ),
            })
            .collect();
        let mut probes = Vec::new();
        for p in c.probe {
            let pspan = p.span();
            probes.extend(
                p.into_inner()
                    .into_probes()
                    .map_err(|m| at(Some(pspan), m))?,
            );
        }
        let site = Site::new("rule test", pages).with_probes(probes);
        let records = c
            .evidence
            .into_iter()
            .map(RawRecord::into_record)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| at(Some(span.clone()), m))?;
        let evidence = EvidenceSet { records };
        let columns = pack
            .columns
            .as_ref()
            .map(|spec| crate::columns::survey(&site, spec, as_of))
            .unwrap_or_default();
        let report = evaluate_rule(
            rule,
            pack.plan.year,
            &site,
            &evidence,
            as_of,
            WorkCalendar::china(),
            &columns,
        );
        out.push(CaseResult {
            rule: c.rule,
            name: c.name,
            origin: format!("{}:{}", file.name, line_col(&file.text, span.start).0),
            expected: c.expect,
            got: report.outcome,
            message: report.message,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = "[pack]\nid = \"t\"\ntitle = \"t\"\nyear = 2021\n[[task]]\nnumber = 29\nheading = \"h\"\nrequirement = \"r\"\nlead = [\"办公室\"]\n";
    const RULE: &str = "[[rule]]\nid = \"t29\"\ntask = 29\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = { seed = \"任务29\" }\nlocate = { title = \"2021年.*年度报告\" }\n[[rule.checks]]\nkind = \"deadline\"\nby = \"{year+1}-01-31\"\n";

    fn pack() -> RulePack {
        RulePack::load(
            &SourceFile::new("pack.toml", PACK),
            &[SourceFile::new("r.toml", RULE)],
        )
        .unwrap()
    }

    #[test]
    fn cases_pass_and_mismatches_show() {
        let cases = r#"
[[case]]
rule = "t29"
name = "on time"
expect = "pass"
as_of = 2022-02-01
[[case.page]]
url = "http://x.gov.cn/r.html"
html = "<title>2021年政府信息公开工作年度报告</title><div>时间 : 2022-01-13 09:49</div>"

[[case]]
rule = "t29"
name = "wrongly expected"
expect = "pass"
as_of = 2022-02-01
[[case.page]]
url = "http://x.gov.cn/r.html"
fetch_error = "timeout"
"#;
        let results = run_file(&pack(), &SourceFile::new("tests/t29.toml", cases)).unwrap();
        assert_eq!(results.len(), 2);
        assert!(results[0].passed());
        assert!(!results[1].passed());
        assert_eq!(results[1].got, Outcome::Incomplete);
        assert_eq!(results[1].origin, "tests/t29.toml:11");
    }

    #[test]
    fn cases_give_probes() {
        const RULE: &str = "[[rule]]\nid = \"up\"\ntask = 29\ntitle = \"t\"\nseverity = \"high\"\nmode = \"auto\"\nexpect = \"e\"\nsource = { seed = \"s\" }\nlocate = { url = \"^https?://[^/]+/$\" }\n[[rule.checks]]\nkind = \"availability\"\nmin_probes = 10\n";
        let pack = RulePack::load(
            &SourceFile::new("pack.toml", PACK),
            &[SourceFile::new("r.toml", RULE)],
        )
        .unwrap();
        let case = |probes: &str| {
            format!("[[case]]\nrule = \"up\"\nname = \"n\"\nexpect = \"pass\"\nas_of = 2022-02-01\n[[case.page]]\nurl = \"http://x.gov.cn/\"\nhtml = \"<title>首页</title>\"\n{probes}")
        };
        let ten = "[[case.probe]]\nurl = \"http://x.gov.cn/\"\nat = 2022-01-31T08:00:00+08:00\nms = 900\nstatus = 200\nrepeat = 10\nevery_minutes = 30\n";
        let r = run_file(&pack, &SourceFile::new("t.toml", case(ten))).unwrap();
        assert_eq!(r[0].got, Outcome::Pass, "{}", r[0].message);
        assert!(r[0].message.contains("共10次探测"), "{}", r[0].message);
        let nine = ten.replace("repeat = 10", "repeat = 9");
        let r = run_file(&pack, &SourceFile::new("t.toml", case(&nine))).unwrap();
        assert_eq!(r[0].got, Outcome::Incomplete, "{}", r[0].message);
        let down = format!("{nine}[[case.probe]]\nurl = \"http://x.gov.cn/index.html\"\nat = 2022-02-01T09:00:00Z\nms = 30000\nerror = \"timed out\"\n");
        let r = run_file(&pack, &SourceFile::new("t.toml", case(&down))).unwrap();
        assert_eq!(r[0].got, Outcome::Fail, "{}", r[0].message);
        for bad in [
            ten.replace("status = 200", "status = 200\nerror = \"x\""),
            ten.replace("+08:00", ""),
            ten.replace("repeat = 10", "repeat = 0"),
        ] {
            let e = run_file(&pack, &SourceFile::new("t.toml", case(&bad))).unwrap_err();
            assert_eq!(e.line, 9, "{bad}: {e}");
        }
    }

    #[test]
    fn bad_files_are_errors() {
        let e = run_file(
            &pack(),
            &SourceFile::new(
                "t.toml",
                "[[case]]\nrule = \"nope\"\nname = \"n\"\nexpect = \"pass\"\nas_of = 2022-02-01\n",
            ),
        )
        .unwrap_err();
        assert!(e.message.contains("no rule `nope`"), "{e}");
        assert_eq!(e.line, 1);
        let e = run_file(
            &pack(),
            &SourceFile::new(
                "t.toml",
                "[[case]]\nrule = \"t29\"\nname = \"n\"\nexpect = \"maybe\"\nas_of = 2022-02-01\n",
            ),
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }
}
