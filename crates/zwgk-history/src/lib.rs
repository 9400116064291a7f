//! # zwgk-history
//!
//! The scan history: every recorded scan of a portal and its rule results, kept in a
//! SQLite file, and the differences between two scans.
//!
//! - [`History`] opens (or creates) the database, records a [`Report`](zwgk_core::Report)
//!   and reads scans back: a list of [`ScanSummary`], one [`ScanRecord`], the previous scan
//!   of the same target and pack, and [`TrendPoint`]s for a trend chart.
//! - [`diff`] is pure: it compares two [`ScanRecord`]s, whether read from the database or
//!   made from a report with [`ScanRecord::from_report`] (so an earlier JSON report can
//!   serve as the baseline without a database).
//! - [`History::record_probe`] and [`History::probes`] keep availability probes (timed
//!   requests of a site's home page, [`zwgk_core::Probe`]) and read those of a time window.
//!
//! The library reads no clock: the time a scan is recorded is given by the caller.
//!
//! ```
//! use zwgk_history::{diff, History, ScanRecord};
//!
//! /// Record a scan and list the failures that the previous scan of the site did not have.
//! fn record(history: &mut History, report: &zwgk_core::Report) -> zwgk_history::Result<()> {
//!     let id = history.record(report, "2022-02-01T08:00:00+08:00")?;
//!     let previous = history.previous_of(report, Some(id))?;
//!     let old = previous.unwrap_or_else(ScanRecord::empty);
//!     for f in diff::diff(&old, &ScanRecord::from_report(report)).new_failures() {
//!         println!("new failure: {} {}", f.rule_id, f.page);
//!     }
//!     Ok(())
//! }
//!
//! let mut history = History::open_in_memory().unwrap();
//! assert!(history.scans(None).unwrap().is_empty());
//! ```
#![warn(missing_docs)]

pub mod diff;
mod record;
mod store;

pub use record::{fingerprint, RuleResult, ScanId, ScanRecord, ScanSummary};
pub use store::History;
pub use zwgk_core::report::TrendPoint;

/// Errors of the history store.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file is not a SQLite database, is damaged, or is another program's database.
    #[error("{path} is not a zwgk history database: {reason}")]
    NotAHistory {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database was written by a newer zwgk whose schema this one does not know.
    #[error(
        "{path} has history schema version {found}; this zwgk knows up to {known} (upgrade zwgk)"
    )]
    TooNew {
        /// The file.
        path: String,
        /// The schema version in the file.
        found: i64,
        /// The newest version this library knows.
        known: i64,
    },
    /// The file cannot be opened or created (e.g. a folder, or a folder that cannot be
    /// written).
    #[error("cannot open history database {path}: {source}")]
    Open {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },
    /// A history file that was expected to exist does not.
    #[error("no history database at {0}")]
    Missing(String),
    /// No scan has this id.
    #[error("no scan #{0} in the history")]
    UnknownScan(ScanId),
    /// The recording time is not an RFC 3339 date-time.
    #[error(
        "recorded_at must be an RFC 3339 date-time (e.g. 2022-02-01T08:00:00+08:00), not `{0}`"
    )]
    BadTime(String),
    /// A stored value could not be read back (e.g. an unknown outcome name).
    #[error("damaged history record: {0}")]
    Damaged(String),
    /// Any other SQLite error.
    #[error("history database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Results of this crate.
pub type Result<T, E = HistoryError> = std::result::Result<T, E>;
