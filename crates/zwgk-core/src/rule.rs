//! Compiled rules: how a rule locates pages and which checks it applies.
//!
//! Rules are written in TOML (see `rules/README.md`) and compiled by
//! [`crate::pack`] into these types; regexes and selectors are validated and
//! compiled once, at load time.

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
pub struct Source {
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
    pub source: Source,
    /// Which pages the checks look at; `None` for rules that need no page.
    pub locate: Option<Locator>,
    /// The checks, all of which must hold.
    pub checks: Vec<Check>,
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

/// A document's official version history: when it was first published and
/// each date it was revised (e.g. an administrative regulation in the national
/// database of laws and regulations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialVersion {
    /// The document's name as written in the rule file.
    pub name: String,
    /// The name as a [`crate::text::compact_key`], matched against page titles.
    pub key: String,
    /// First publication and revision dates, oldest first.
    pub dates: Vec<NaiveDate>,
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
    /// Regex on the page title.
    pub title: Option<Pattern>,
    /// Regex on the breadcrumb joined with ` > `.
    pub breadcrumb: Option<Pattern>,
    /// Regex on the column: the `ColumnName` meta tag, else the last breadcrumb entry.
    pub column: Option<Pattern>,
    /// Regex on the anchor text of some link pointing to the page.
    pub link_text: Option<Pattern>,
    /// A CSS selector that must match an element of the page (a selector probe).
    pub selector: Option<String>,
    /// Published on or after this date (pages without a date do not match).
    pub published_after: Option<DateSpec>,
    /// Published on or before this date (pages without a date do not match).
    pub published_before: Option<DateSpec>,
}

impl Criteria {
    /// Whether no criterion is set.
    pub fn is_empty(&self) -> bool {
        self.url.is_none()
            && self.title.is_none()
            && self.breadcrumb.is_none()
            && self.column.is_none()
            && self.link_text.is_none()
            && self.selector.is_none()
            && self.published_after.is_none()
            && self.published_before.is_none()
    }
}

/// How a rule finds its pages.
#[derive(Debug, Clone, Default)]
pub struct Locator {
    /// Pages must meet all of these.
    pub include: Criteria,
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

/// Which text a text check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextScope {
    /// The whole normalised body text.
    Body,
    /// The page title.
    Title,
    /// The text of elements matched by a selector probe.
    Selector(String),
}

/// What a text check looks for.
#[derive(Debug, Clone)]
pub enum TextMatcher {
    /// A regex on normalised text.
    Pattern(Pattern),
    /// Literal key words (normalised at load time); `all` = every word, else any.
    Keywords {
        /// The normalised key words.
        words: Vec<String>,
        /// Whether all words are required (else one suffices).
        all: bool,
    },
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

/// Which dates a freshness check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// Dated list items of the located pages (column lists).
    Items,
    /// Publication dates of the located pages.
    Published,
}

/// The other date of a working-day interval check.
#[derive(Debug, Clone)]
pub enum FromDate {
    /// The 成文日期 of the page's metadata block.
    WrittenDate,
    /// The publication date of a page this page links to, found by anchor text or label.
    Linked(Pattern),
    /// The earliest date captured in the page text by a pattern (its first
    /// capture group, else the whole match), e.g. a decision date `于(2021年12月8日)作出`.
    Text(Pattern),
}

/// A check, as compiled from a rule file. See `rules/README.md` for each kind.
#[derive(Debug, Clone)]
pub enum Check {
    /// At least `min` pages are located.
    Exists {
        /// Minimum number of located pages.
        min: usize,
    },
    /// Page text matches.
    Text {
        /// What to look for.
        matcher: TextMatcher,
        /// Which text.
        scope: TextScope,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// Sections present in order; each section lists alternative key-word groups.
    Sections {
        /// Section display names (the first alternative), for messages.
        names: Vec<String>,
        /// Per section, its alternatives; per alternative, compacted key words in order.
        keys: Vec<Vec<Vec<String>>>,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// The located list pages hold at least `min` dated items (optionally with matching titles).
    ListItems {
        /// Minimum number of items.
        min: usize,
        /// Only items whose title matches.
        title: Option<Pattern>,
        /// Only items dated on or after this date.
        since: Option<DateSpec>,
    },
    /// The newest dated item is at most `max_age_days` old on the as-of date.
    Fresh {
        /// Maximum age in calendar days.
        max_age_days: i64,
        /// Which dates.
        source: DateSource,
    },
    /// A located page was published on or before the deadline.
    Deadline {
        /// The deadline.
        by: DateSpec,
    },
    /// Publication within `days` working days (or calendar days) of another date.
    WithinWorkingDays {
        /// Maximum days.
        days: u32,
        /// Whether `days` counts official working days (`within_working_days`) or
        /// calendar days (`within_days`).
        working: bool,
        /// The other date.
        from: FromDate,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// Metadata fields present and non-empty.
    Metadata {
        /// Required fields.
        fields: Vec<String>,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// The page links to a target.
    LinksTo {
        /// Regex on the target URL.
        url: Option<Pattern>,
        /// Regex on the anchor text.
        text: Option<Pattern>,
        /// Whether the target must have been fetched successfully.
        resolves: bool,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// The same-site links of the page reach pages (no 4xx/5xx answers).
    LinksAvailable {
        /// Broken links tolerated per page.
        max: usize,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// Site-wide: at most `max` columns of the given kinds are in the given states
    /// (stale, blank), from the column survey of the pack's `[columns]`.
    Columns {
        /// Column kinds counted (names from `[[columns.kind]]`); empty = every column.
        kinds: Vec<String>,
        /// States counted.
        states: Vec<crate::report::ColumnState>,
        /// Columns tolerated in those states.
        max: usize,
    },
    /// The located pages were available: among the probes of the last `days` days,
    /// failed or slow ones stay below `max_share`, over at least `min_probes` probes.
    Availability {
        /// A probe taking this long or longer counts as a failure, in milliseconds.
        slow_millis: u64,
        /// The share of bad probes (failed or slow) that fails the check (0–1).
        max_share: f64,
        /// The window: this many days ending on the as-of date (China Standard Time).
        days: u32,
        /// Probes the window needs before the check can pass.
        min_probes: usize,
    },
    /// Consultations published on the located pages (asking and reply dates, from
    /// labelled text or a table) were answered in time, and the newest reply is recent.
    Replies {
        /// Regex on the label of the asking date.
        asked: Pattern,
        /// Regex on the label of the reply date.
        replied: Pattern,
        /// An entry asked within `since_days` is late when answered (or still unanswered)
        /// more than this many days after it.
        max_delay_days: Option<i64>,
        /// The window of entries judged for lateness: this many days before the as-of date.
        since_days: i64,
        /// The newest reply on or before the as-of date is at most this many days old.
        latest_reply_within_days: Option<i64>,
    },
    /// The page has attachments.
    Attachment {
        /// Accepted file endings (empty = any attachment).
        extensions: Vec<String>,
        /// Regex on the attachment's link text.
        name: Option<Pattern>,
        /// Minimum number of matching attachments.
        min: usize,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// The annual report's tables 二, 三 and 四: the template of the report's year and all the arithmetic.
    AnnualReportTables {
        /// Any or every located page.
        pages: Quantifier,
    },
    /// Each located page is a normative document showing its 文号 and validity, with a
    /// stated status that does not contradict its dates; the count of documents in force
    /// is compared with the annual report's 现行有效件数 (a note, never a failure).
    NormativeDocuments {
        /// Regex on the title of the annual report to compare with.
        report_title: Option<Pattern>,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// Each located page that carries one of the listed documents (by title) shows
    /// its latest official revision as of the evaluation date.
    CurrentVersion {
        /// The documents and their official version dates.
        versions: Vec<OfficialVersion>,
        /// Any or every located page.
        pages: Quantifier,
    },
    /// Evidence records for the rule's task, dated within the plan year and not after the as-of date.
    Evidence {
        /// Minimum number of records.
        min: usize,
        /// Regex on the record's summary.
        summary: Option<Pattern>,
    },
    /// Every sub-check holds.
    All(Vec<Check>),
    /// At least one sub-check holds.
    Any(Vec<Check>),
    /// The sub-check does not hold.
    Not(Box<Check>),
}

impl Check {
    /// The kind name as written in rule files.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Exists { .. } => "exists",
            Check::Text { .. } => "text",
            Check::Sections { .. } => "sections",
            Check::ListItems { .. } => "list_items",
            Check::Fresh { .. } => "fresh",
            Check::Deadline { .. } => "deadline",
            Check::WithinWorkingDays { working: true, .. } => "within_working_days",
            Check::WithinWorkingDays { working: false, .. } => "within_days",
            Check::Metadata { .. } => "metadata",
            Check::LinksTo { .. } => "links_to",
            Check::LinksAvailable { .. } => "links_available",
            Check::Columns { .. } => "columns",
            Check::Availability { .. } => "availability",
            Check::Replies { .. } => "replies",
            Check::Attachment { .. } => "attachment",
            Check::Evidence { .. } => "evidence",
            Check::AnnualReportTables { .. } => "annual_report_tables",
            Check::NormativeDocuments { .. } => "normative_documents",
            Check::CurrentVersion { .. } => "current_version",
            Check::All(_) => "all",
            Check::Any(_) => "any",
            Check::Not(_) => "not",
        }
    }

    /// Whether this check (or a sub-check) reads evidence records.
    pub fn uses_evidence(&self) -> bool {
        match self {
            Check::Evidence { .. } => true,
            Check::All(c) | Check::Any(c) => c.iter().any(Check::uses_evidence),
            Check::Not(c) => c.uses_evidence(),
            _ => false,
        }
    }
}

/// All kind names accepted in rule files.
pub const CHECK_KINDS: [&str; 22] = [
    "exists",
    "text",
    "sections",
    "list_items",
    "fresh",
    "deadline",
    "within_working_days",
    "within_days",
    "metadata",
    "links_to",
    "links_available",
    "columns",
    "availability",
    "replies",
    "attachment",
    "evidence",
    "annual_report_tables",
    "normative_documents",
    "current_version",
    "all",
    "any",
    "not",
];
