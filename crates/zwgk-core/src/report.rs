//! The typed report of an evaluation (schema version [`SCHEMA_VERSION`]).
//!
//! This is the model the `zwgk-report` crate renders; its JSON form is the
//! documented, versioned report format (`docs/report-schema.md`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::outcome::{Evidence, Outcome};
use crate::plan::Divisions;
use crate::rule::{Mode, Provenance, Severity};

/// Version of the report schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The reason given for a task that has no rule yet.
pub const NO_RULE_YET: &str = "no rule yet";

/// The result of evaluating a rule pack against a site as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Report schema version.
    pub schema_version: u32,
    /// What was scanned (URL or folder).
    pub target: String,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The rule pack.
    pub rules_pack: PackInfo,
    /// Counts by outcome.
    pub summary: Summary,
    /// Facts about the scanned site.
    pub site: SiteInfo,
    /// Every task of the plan, in plan order.
    pub tasks: Vec<TaskReport>,
    /// Outcomes grouped per responsible division.
    pub by_division: Vec<DivisionReport>,
    /// How the crawl went, for a scan of a URL (absent for a mirror folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchStats>,
    /// The inspection score, for a pack that declares `[scoring]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreReport>,
    /// The site's columns (栏目) as the scan found them, for a pack that declares
    /// `[columns]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnReport>,
}

/// The inspection score of a pack with `[scoring]` (see [`crate::score`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreReport {
    /// Where the deduction score starts (100).
    pub full_marks: f64,
    /// The lowest passing deduction score (60).
    pub pass_mark: f64,
    /// Points deducted, after the caps per indicator.
    pub deducted: f64,
    /// `full_marks - deducted` (never below 0).
    pub score: f64,
    /// Bonus points earned, after the bonus cap.
    pub bonus: f64,
    /// `score + bonus`.
    pub total: f64,
    /// The verdict: `qualified`, `unqualified` or `undetermined`.
    pub verdict: ScoreVerdict,
    /// The verdict as the indicator words it: 合格, 不合格, 待定.
    pub verdict_label: String,
    /// Why, in one line of Chinese.
    pub reason: String,
    /// Ids of the failing veto rules.
    pub vetoes: Vec<String>,
    /// Every scored rule and what it counted for.
    pub items: Vec<ScoreItem>,
    /// Points deducted per indicator (task).
    pub indicators: Vec<IndicatorScore>,
}

/// The verdict of a scored inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreVerdict {
    /// 合格: no veto item fails and the score reaches the pass mark.
    Qualified,
    /// 不合格: a veto item fails, or the score is below the pass mark.
    Unqualified,
    /// 待定: what could not be decided (a page not fetched, evidence not given)
    /// could still change the verdict.
    Undetermined,
}

impl ScoreVerdict {
    /// The indicator's word for the verdict.
    pub fn label(self) -> &'static str {
        match self {
            ScoreVerdict::Qualified => "合格",
            ScoreVerdict::Unqualified => "不合格",
            ScoreVerdict::Undetermined => "待定",
        }
    }
}

/// The layer a scored rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreLayer {
    /// 单项否决.
    Veto,
    /// 扣分.
    Deduction,
    /// 加分.
    Bonus,
}

impl ScoreLayer {
    /// The indicator's word for the layer.
    pub fn label(self) -> &'static str {
        match self {
            ScoreLayer::Veto => "单项否决",
            ScoreLayer::Deduction => "扣分",
            ScoreLayer::Bonus => "加分",
        }
    }
}

/// One scored rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    /// Rule id.
    pub rule: String,
    /// The indicator (task) it counts under.
    pub task: u32,
    /// Rule title.
    pub title: String,
    /// Veto, deduction or bonus.
    pub layer: ScoreLayer,
    /// The rule's outcome.
    pub outcome: Outcome,
    /// Findings counted (broken links, failing pages, stale columns …).
    pub findings: usize,
    /// Points deducted (deduction) or earned (bonus), before the indicator's cap.
    pub points: f64,
    /// What the rule found.
    pub found: String,
}

impl ScoreItem {
    /// What the item counted for, as a score table shows it: `−2.5` for a failing
    /// deduction, `+1` for an earned bonus, `否决` for a failing veto, `—` otherwise.
    pub fn points_label(&self) -> String {
        match (self.layer, self.outcome) {
            (ScoreLayer::Deduction, Outcome::Fail) => {
                format!("−{}", crate::score::show(self.points))
            }
            (ScoreLayer::Bonus, Outcome::Pass) => format!("+{}", crate::score::show(self.points)),
            (ScoreLayer::Veto, Outcome::Fail) => "否决".to_string(),
            _ => "—".to_string(),
        }
    }
}

/// Points deducted under one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    /// Task number of the indicator.
    pub task: u32,
    /// Its heading.
    pub heading: String,
    /// The most it can lose, when capped.
    pub cap: Option<f64>,
    /// Points deducted, after the cap.
    pub deducted: f64,
    /// Whether the cap was reached.
    pub capped: bool,
}

/// One column (栏目) of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnReport {
    /// The column's name (its `ColumnName` meta, breadcrumb or title).
    pub name: String,
    /// The URL of its first list page.
    pub url: String,
    /// Its level: 1 for a column directly under the home page.
    pub level: usize,
    /// The list pages read (`index.html`, `index_2.html` …).
    pub pages: usize,
    /// Entries listed (dated or not), counted once per URL.
    pub items: usize,
    /// Entries without a publication date.
    pub undated: usize,
    /// The newest entry's date.
    pub newest: Option<NaiveDate>,
    /// The kind the pack's `[columns]` gives it (e.g. 动态要闻类), if any.
    pub kind: Option<String>,
    /// The most days it may go without an update, by its kind.
    pub max_age_days: Option<i64>,
    /// Days from its newest entry to the as-of date.
    pub age_days: Option<i64>,
    /// What the scan makes of it.
    pub state: ColumnState,
}

/// The state of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnState {
    /// Updated within its kind's limit, or of no kind with a limit.
    Current,
    /// Not updated within its kind's limit (an undated newest entry counts as not updated).
    Stale,
    /// No entry at all (空白栏目).
    Blank,
    /// Its list page could not be fetched.
    Unknown,
}

impl ColumnReport {
    /// The newest entry as a column table shows it: `2021-11-02（91天前）`, or the
    /// count of undated entries, or `—`.
    pub fn newest_label(&self) -> String {
        match (self.newest, self.age_days) {
            (Some(d), Some(age)) => format!("{d}（{age}天前）"),
            _ if self.undated > 0 => format!("{}条无日期", self.undated),
            _ => "—".to_string(),
        }
    }
}

impl ColumnState {
    /// The state in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            ColumnState::Current => "正常",
            ColumnState::Stale => "未及时更新",
            ColumnState::Blank => "空白",
            ColumnState::Unknown => "未能读取",
        }
    }
}

/// A crawl's fetch record, summarised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FetchStats {
    /// Fetches per status class: `2xx`, `3xx`, `4xx`, `5xx`, `error`.
    pub by_class: std::collections::BTreeMap<String, u64>,
    /// URLs fetched (each once).
    pub fetches: u64,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Body bytes received.
    pub total_bytes: u64,
    /// Mean time per fetch, in milliseconds.
    pub mean_millis: f64,
    /// Bodies cut at the size limit.
    pub truncated: u64,
    /// Fetches answered `304 Not Modified` and served from the cache (`--cache`).
    #[serde(default)]
    pub not_modified: u64,
    /// Fetches whose body the site sent (`fetches` less `not_modified`). Absent from
    /// older reports, read as 0.
    #[serde(default)]
    pub fetched: u64,
    /// Kept pages the site confirmed unchanged (`304 Not Modified`): the same count as
    /// `not_modified`, under the name of the incremental re-scan's three ways a page's
    /// facts come in (fetched, revalidated, trusted).
    #[serde(default)]
    pub revalidated: u64,
    /// Kept pages an incremental re-scan (`--cache`, without `--full`) took unchanged
    /// from its cache without a request: detail pages and attachments whose list entries
    /// were as before and that the site had confirmed within `--revalidate-after`. They
    /// are listed, each with when it was confirmed, under `site.trusted`.
    #[serde(default)]
    pub trusted: u64,
    /// How long before the scan the site confirmed the oldest trusted page, in seconds
    /// (never more than `--revalidate-after`; 0 when no page was trusted).
    #[serde(default)]
    pub oldest_trusted_age_secs: u64,
    /// Pages known but not fetched (deadline, interruption, page or depth limit).
    pub not_fetched: u64,
    /// URLs robots.txt disallowed.
    pub disallowed: u64,
    /// URLs dropped by the link-trap guard.
    pub trapped: u64,
    /// URLs skipped, or fetched with their body unread, by reason: `robots`, `link_trap`,
    /// `depth_limit`, `page_limit`, `stopped`, `sitemap_limit`, `body_type`,
    /// `fetch_aborted` (reasons that did not occur are absent; `zwgk scan -v` logs each
    /// URL). Absent from older reports, read as none.
    #[serde(default)]
    pub skipped: std::collections::BTreeMap<String, u64>,
    /// The longest interval between two request starts to one host, in milliseconds: the
    /// configured delay, or longer where robots.txt's `Crawl-delay` asked for more or the
    /// host showed strain (429, 503, 504, timeouts, answers much slower than its usual) and
    /// the crawl slowed down. Absent from older reports, read as 0.
    #[serde(default)]
    pub longest_interval_millis: u64,
    /// Whether the crawl stopped before its end (deadline or Ctrl-C).
    pub stopped_early: bool,
    /// Crawl time, in milliseconds.
    pub elapsed_millis: u64,
    /// Off-site links checked (`--check-external`): each distinct URL once, with a
    /// status or a network error as the result.
    #[serde(default)]
    pub external_checked: u64,
    /// Off-site links checked whose final status was 400 or above.
    #[serde(default)]
    pub external_broken: u64,
    /// Off-site links checked that gave no status (timeout, connection refused, DNS, TLS).
    #[serde(default)]
    pub external_unreachable: u64,
    /// Off-site links found but not checked: beyond `--max-external`, or the deadline or
    /// Ctrl-C came first (0 without `--check-external`).
    #[serde(default)]
    pub external_unchecked: u64,
    /// Requests sent to check off-site links (`HEAD`s, `GET`s and retries).
    #[serde(default)]
    pub external_requests: u64,
}

/// Identification of the rule pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    /// Pack id, e.g. `gd-whly-2021`.
    pub id: String,
    /// Plan title.
    pub title: String,
    /// Plan year.
    pub year: i32,
    /// Number of rules.
    pub rules: usize,
}

/// One scan's counts, a point of a trend chart (the history gives the earlier scans').
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// What names the scan on the chart: its id and date, or "本次" and today.
    pub label: String,
    /// Task outcome counts of that scan.
    pub tasks: OutcomeCounts,
    /// Rule outcome counts of that scan.
    pub rules: OutcomeCounts,
}

impl TrendPoint {
    /// The point of a report, under a label.
    pub fn of(report: &Report, label: impl Into<String>) -> Self {
        TrendPoint {
            label: label.into(),
            tasks: report.summary.tasks,
            rules: report.summary.rules,
        }
    }
}

/// Counts of each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// `pass`
    pub pass: usize,
    /// `fail`
    pub fail: usize,
    /// `needs_evidence`
    pub needs_evidence: usize,
    /// `incomplete`
    pub incomplete: usize,
    /// `not_applicable`
    pub not_applicable: usize,
}

impl OutcomeCounts {
    /// Count one more outcome.
    pub fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Pass => self.pass += 1,
            Outcome::Fail => self.fail += 1,
            Outcome::NeedsEvidence => self.needs_evidence += 1,
            Outcome::Incomplete => self.incomplete += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
        }
    }

    /// The count of one outcome.
    pub fn get(&self, o: Outcome) -> usize {
        match o {
            Outcome::Pass => self.pass,
            Outcome::Fail => self.fail,
            Outcome::NeedsEvidence => self.needs_evidence,
            Outcome::Incomplete => self.incomplete,
            Outcome::NotApplicable => self.not_applicable,
        }
    }
}

/// Outcome counts of tasks and of rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Per task.
    pub tasks: OutcomeCounts,
    /// Per rule.
    pub rules: OutcomeCounts,
}

/// What the scan saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Pages in the site (fetched or not).
    pub pages: usize,
    /// Pages that could not be fetched or read.
    pub failed_pages: usize,
    /// The pages that could not be fetched or read, each with why, in the order the scan
    /// met them: the verdicts they leave `incomplete` name them, and the rest did not
    /// depend on them.
    #[serde(default)]
    pub unfetched: Vec<UnfetchedPage>,
    /// The pages an incremental re-scan took from its cache without asking the site
    /// (unchanged by every sign it had), each with when the site last confirmed it,
    /// ordered by URL; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted: Vec<TrustedPage>,
}

/// A page whose facts a re-scan trusted from its cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedPage {
    /// Its URL.
    pub url: String,
    /// When the site last confirmed it (UTC).
    pub last_confirmed: chrono::NaiveDateTime,
}

/// A page the scan could not fetch or read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnfetchedPage {
    /// Its URL.
    pub url: String,
    /// Why (a network error, a status after retries, the deadline).
    pub reason: String,
}

/// One task's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    /// Task number.
    pub task: u32,
    /// Short title (the requirement's first clause).
    pub title: String,
    /// The 工作任务 heading.
    pub heading: String,
    /// The full requirement text.
    pub requirement: String,
    /// Responsible divisions.
    pub divisions: Divisions,
    /// The worst outcome of the task's rules (`needs_evidence` when it has none).
    pub outcome: Outcome,
    /// One-line reason: the id of the rule that decided and what it found.
    pub reason: String,
    /// The task's rules.
    pub rules: Vec<RuleReport>,
}

/// One rule's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleReport {
    /// Rule id.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// How it is decided.
    pub mode: Mode,
    /// How much a failure matters.
    pub severity: Severity,
    /// Verdict.
    pub outcome: Outcome,
    /// What was expected and what was found, in Chinese.
    pub message: String,
    /// What was found, in Chinese (the second half of `message`).
    pub found: String,
    /// Which check decided.
    pub check: String,
    /// URLs and excerpts behind the verdict.
    pub evidence: Vec<Evidence>,
    /// How many findings a failing rule counts: broken links, failing pages,
    /// stale columns … (1 for a failure that is not counted in units; 0 unless
    /// the rule fails). Per-finding deductions multiply by it.
    #[serde(default)]
    pub findings: usize,
    /// Where the requirement comes from.
    pub source: Provenance,
    /// The rule file and line.
    pub origin: String,
}

/// Tasks and outcomes of one responsible division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionReport {
    /// Division name as written in the plan.
    pub division: String,
    /// Task numbers it leads.
    pub lead: Vec<u32>,
    /// Task numbers it co-operates on.
    pub others: Vec<u32>,
    /// Outcomes of those tasks.
    pub summary: OutcomeCounts,
    /// Task numbers that failed.
    pub failing: Vec<u32>,
}

impl Report {
    /// All rule reports, in task order.
    pub fn rules(&self) -> impl Iterator<Item = (&TaskReport, &RuleReport)> {
        self.tasks
            .iter()
            .flat_map(|t| t.rules.iter().map(move |r| (t, r)))
    }

    /// Task outcomes by task number and rule outcomes by rule id: the verdicts alone,
    /// e.g. to compare two scans of the same site.
    pub fn outcome_maps(
        &self,
    ) -> (
        std::collections::BTreeMap<u32, Outcome>,
        std::collections::BTreeMap<String, Outcome>,
    ) {
        let tasks = self.tasks.iter().map(|t| (t.task, t.outcome)).collect();
        let rules = self
            .rules()
            .map(|(_, r)| (r.id.clone(), r.outcome))
            .collect();
        (tasks, rules)
    }

    /// Whether any rule failed.
    pub fn has_failures(&self) -> bool {
        self.summary.rules.fail > 0
    }
}

#[cfg(test)]
mod tests {
    use super::FetchStats;

    #[test]
    fn fetch_stats_of_older_reports_still_load() {
        let old = r#"{"by_class":{"2xx":3},"fetches":3,"requests":3,"total_bytes":10,
            "mean_millis":1.0,"truncated":0,"not_fetched":0,"disallowed":0,"trapped":0,
            "stopped_early":false,"elapsed_millis":5}"#;
        let f: FetchStats = serde_json::from_str(old).expect("an older fetch record");
        assert_eq!(f.fetches, 3);
        assert_eq!(
            (
                f.external_checked,
                f.external_broken,
                f.external_unreachable
            ),
            (0, 0, 0)
        );
        assert_eq!((f.external_unchecked, f.external_requests), (0, 0));
        let again: FetchStats =
            serde_json::from_str(&serde_json::to_string(&f).expect("json")).expect("load");
        assert_eq!(again, f);
    }
}
