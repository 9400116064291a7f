//! # zwgk
//!
//! Scan a government portal against one or more 政务公开 rule packs and get a typed
//! [`Report`] per pack: the one call the `zwgk scan` command makes, for audit tools
//! that embed the checker.
//!
//! A [`ScanRequest`] names the [`Target`] (a live site, crawled politely, or a mirror
//! folder), the packs, the evidence records and the as-of date; [`scan`] reads every
//! page once, records the selectors of all the packs, evaluates each pack and returns
//! the reports in the order of the packs. Availability probes kept between scans (the
//! command keeps them in its history database) come in and go out through a
//! [`ProbeLog`]; without one, the `availability` check has only the scan's own fetch of
//! its start page.
//!
//! ```
//! use std::path::Path;
//! use zwgk::{scan, EvidenceSet, Outcome, ScanRequest, Target};
//!
//! let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
//! let pack = zwgk::load_pack(&repo.join("rules/gd-whly-2021"))?;
//! let request = ScanRequest {
//!     target: Target::folder(repo.join("fixtures/portals/mini-2021")),
//!     packs: vec![pack],
//!     evidence: EvidenceSet::empty(),
//!     as_of: chrono::NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
//!     crawl: zwgk::CrawlOptions::default(),
//! };
//! let scanned = scan(&request, None)?;
//! let report = &scanned.reports[0];
//! assert_eq!(report.tasks.len(), 32);
//! assert!(report.tasks.iter().all(|t| t.outcome != Outcome::Fail));
//! for task in &report.tasks {
//!     println!("{} {} {}", task.task, task.outcome, task.reason);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

use std::path::PathBuf;

use chrono::NaiveDate;
use zwgk_core::{PageFacts, Selectors, Site};
use zwgk_crawl::{FolderSource, PageSource};

pub use zwgk_core::{EvidenceSet, Outcome, Probe, Report, RulePack};
pub use zwgk_crawl::http::cache::CacheStats;
pub use zwgk_crawl::http::snapshot::SnapshotSummary;
pub use zwgk_crawl::http::{CrawlOptions, FetchSummary, HttpSource, ProgressMode};
pub use zwgk_crawl::inputs::{load_evidence, load_pack, InputError};

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A live site, crawled from this URL.
    Url(String),
    /// A mirror folder laid out as `wget --mirror` saves a site; its host is the folder's
    /// name (or its only sub-folder's), else `base_url`.
    Folder {
        /// The folder.
        path: PathBuf,
        /// The site's address, when the folder's name does not give it.
        base_url: Option<String>,
    },
}

impl Target {
    /// A URL (`http://…`, `https://…`) or else a folder, as the command line takes it.
    pub fn parse(target: &str, base_url: Option<String>) -> Target {
        let lower = target.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Target::Url(target.to_string())
        } else {
            Target::Folder {
                path: PathBuf::from(target),
                base_url,
            }
        }
    }

    /// A mirror folder whose name (or only sub-folder's) is the site's host.
    pub fn folder(path: impl Into<PathBuf>) -> Target {
        Target::Folder {
            path: path.into(),
            base_url: None,
        }
    }
}

/// A scan to make.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// The site or folder.
    pub target: Target,
    /// The rule packs, each giving one report; their selectors are recorded in one read.
    pub packs: Vec<RulePack>,
    /// Evidence records of organisational work.
    pub evidence: EvidenceSet,
    /// The date the rules are evaluated as of.
    pub as_of: NaiveDate,
    /// How a [`Target::Url`] is crawled (ignored for a folder).
    pub crawl: CrawlOptions,
}

/// Where availability probes are kept between scans (the command: its history database).
pub trait ProbeLog {
    /// The probes of `url` recorded before, that an evaluation as of `as_of` may read.
    ///
    /// # Errors
    /// A message when they cannot be read.
    fn probes(&self, url: &str, as_of: NaiveDate) -> Result<Vec<Probe>, String>;

    /// Keep the scan's own fetch of its start URL as a probe.
    ///
    /// # Errors
    /// A message when it cannot be kept.
    fn record(&mut self, probe: &Probe) -> Result<(), String>;
}

/// What a scan gave.
#[derive(Debug)]
pub struct Scanned {
    /// One report per pack, in the order of [`ScanRequest::packs`].
    pub reports: Vec<Report>,
    /// For a crawl, what it came to besides the pages.
    pub crawl: Option<Crawled>,
}

/// What a crawl came to besides its pages (the crawler itself, with its connections, is
/// gone by the time the packs are evaluated).
#[derive(Debug, Clone)]
pub struct Crawled {
    /// The fetch counts (also in each report's `fetch`).
    pub summary: Option<FetchSummary>,
    /// What `--snapshot` saved, when asked.
    pub snapshot: Option<SnapshotSummary>,
    /// How the `--cache` folder fared, when one was given.
    pub cache: Option<CacheStats>,
}

/// Why a scan gave no report.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The URL or the crawl options are not usable.
    #[error("{0}")]
    BadTarget(String),
    /// The target could not be read at all (the site did not answer, the folder is
    /// missing): nothing can be said of it.
    #[error("cannot scan {target}: {reason}")]
    Unscannable {
        /// The target as given.
        target: String,
        /// Why.
        reason: String,
    },
    /// The probe log could not be read or written.
    #[error("{0}")]
    ProbeLog(String),
}

/// Read the target once and evaluate every pack on it, as of the request's date.
///
/// With a crawl and a `log`, the crawl's fetch of its start URL is recorded as a probe
/// (also when the site could not be scanned: a site that is down is worth recording),
/// and the evaluation reads it with the probes the log held for that URL.
///
/// # Errors
/// [`ScanError`] when the target cannot be read at all, or the log fails.
pub fn scan(request: &ScanRequest, log: Option<&mut dyn ProbeLog>) -> Result<Scanned, ScanError> {
    let mut selectors = Selectors::none();
    for pack in &request.packs {
        selectors.merge(&pack.selectors);
    }
    let (site, crawl) = match &request.target {
        Target::Url(url) => {
            let (site, source) = crawl(url, request, &selectors, log)?;
            (site, Some(source))
        }
        Target::Folder { path, base_url } => {
            let unscannable = |e: &dyn std::fmt::Display| ScanError::Unscannable {
                target: path.display().to_string(),
                reason: e.to_string(),
            };
            let source =
                FolderSource::open(path, base_url.as_deref()).map_err(|e| unscannable(&e))?;
            (source.site(&selectors).map_err(|e| unscannable(&e))?, None)
        }
    };
    let fetch = crawl
        .as_ref()
        .and_then(|c| c.summary.as_ref())
        .map(zwgk_core::report::FetchStats::from);
    let reports = request
        .packs
        .iter()
        .map(|pack| {
            let mut report = zwgk_core::evaluate(pack, &site, &request.evidence, request.as_of);
            report.fetch = fetch.clone();
            report
        })
        .collect();
    // Freeing a large scan's page facts takes a while (tens of milliseconds for 10,000
    // pages); the reports are made, so the caller need not wait for it.
    std::thread::spawn(move || drop(site));
    Ok(Scanned { reports, crawl })
}

/// Crawl the site and give it with what the crawl came to.
fn crawl(
    url: &str,
    request: &ScanRequest,
    selectors: &Selectors,
    log: Option<&mut dyn ProbeLog>,
) -> Result<(Site, Crawled), ScanError> {
    let source = HttpSource::new(url, request.crawl.clone())
        .map_err(|e| ScanError::BadTarget(e.to_string()))?;
    let began = std::time::SystemTime::now();
    let pages = source.pages(selectors);
    let own = start_probe(&source, began, pages.as_deref().unwrap_or(&[]));
    let pages = match pages {
        Ok(pages) => pages,
        Err(e) => {
            if let (Some(log), Some(own)) = (log, &own) {
                // Best effort: the scan failed already, and says why.
                let _ = log.record(own);
            }
            return Err(ScanError::Unscannable {
                target: url.to_string(),
                reason: e.to_string(),
            });
        }
    };
    // The availability probes of the start URL: those kept before, and this fetch.
    let mut probes = Vec::new();
    if let Some(own) = own {
        if let Some(log) = log {
            probes = log
                .probes(&source.target(), request.as_of)
                .map_err(ScanError::ProbeLog)?;
            log.record(&own).map_err(ScanError::ProbeLog)?;
        }
        probes.push(own);
    }
    let site = Site::new(source.target(), pages)
        .with_external(source.external())
        .with_probes(probes);
    let crawled = Crawled {
        summary: source.summary(),
        snapshot: source.snapshot(),
        cache: source.cache_stats(),
    };
    Ok((site, crawled))
}

/// The crawl's fetch of its start URL as an availability probe: its status (or why it
/// failed), time and bytes. Its time is when the crawl began (the start URL is among the
/// first fetches; the window of an availability check is days long).
fn start_probe(
    source: &HttpSource,
    began: std::time::SystemTime,
    pages: &[PageFacts],
) -> Option<Probe> {
    let start = source.start().as_str();
    let record = source.records().into_iter().find(|r| r.url == start)?;
    let error = match record.status {
        Some(_) => None,
        None => Some(
            pages
                .iter()
                .find(|p| p.url == start)
                .and_then(|p| match &p.fetch {
                    zwgk_core::page::FetchState::Failed { reason } => Some(reason.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "no answer".to_string()),
        ),
    };
    Some(Probe {
        url: start.to_string(),
        at: chrono::DateTime::<chrono::Utc>::from(began).naive_utc(),
        millis: record.millis,
        status: record.status,
        error,
        bytes: record.bytes,
    })
}
