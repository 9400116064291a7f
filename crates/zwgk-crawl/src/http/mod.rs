//! The HTTP crawler: a live portal as a [`PageSource`].
//!
//! [`HttpSource`] crawls from a start URL (plus seeds and the sitemaps named in
//! `/robots.txt`) within a [`frontier::Scope`], following every in-scope link of every
//! page and the listings of the platforms that [`crate::quirks`] knows (the gkmlpt
//! catalogue API). It obeys robots.txt
//! ([`robots`]), limits requests per host ([`politeness`]), retries transient failures
//! ([`fetch`]), and analyses each body as it arrives (large ones on the blocking pool), keeping only
//! its [`PageFacts`]. Each fetch's outcome is kept ([`record`]). Re-scans can send
//! conditional requests from an on-disk cache ([`cache`]) and a crawl can be saved as a
//! mirror folder ([`snapshot`]). With `check_external`, the off-site links of the fetched
//! pages are checked once each, politely ([`external`]); [`HttpSource::external`] gives
//! the results, which [`crate::PageSource::site`] hands to the site.
//!
//! Pages in scope that could not be fetched (network errors, 5xx after retries,
//! robots.txt, the deadline, Ctrl-C, `max_pages`, `max_depth`) are returned as failed
//! pages, so the rules that needed them come out `incomplete`, never `fail`.

pub mod cache;
mod crawl;
mod entry_writer;
pub mod external;
mod facts_index;
pub mod fetch;
pub mod frontier;
pub mod politeness;
pub mod probe;
pub mod progress;
pub mod record;
pub mod robots;
pub mod sitemap;
pub mod snapshot;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use regex::Regex;
use url::Url;
use zwgk_core::{ExternalLink, PageFacts, Selectors};

use crate::analyze::AnalysisLimits;
use crate::quirks::{gkmlpt, Quirks};
use crate::{PageSource, TargetError};

pub use progress::ProgressMode;
pub use record::{FetchRecord, FetchSummary, SkipReason, StatusClass};
pub use snapshot::SnapshotSummary;

/// The product token of the `User-Agent`, also the name looked for in robots.txt.
pub const AGENT: &str = "zwgk";

/// Threads for blocking work at most (cache reads and writes, snapshot files, large
/// bodies' analysis): each thread keeps its own allocator arena, and with `--cache`
/// and many requests in flight tokio's default (512) let a crawl grow dozens of them.
const BLOCKING_THREADS: usize = 16;

/// How a crawl behaves. [`CrawlOptions::default`] gives the documented defaults.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Further start URLs.
    pub seeds: Vec<String>,
    /// With any, a URL is in scope when it matches one (whatever its host); without,
    /// when its host is the start URL's or a seed's.
    pub include: Vec<String>,
    /// A URL matching any of these is out of scope.
    pub exclude: Vec<String>,
    /// Requests in flight per host (default 4).
    pub concurrency: usize,
    /// Minimum interval between request starts per host (default 250 ms); robots.txt
    /// `Crawl-delay` raises it.
    pub delay: Duration,
    /// Stop fetching pages after this many.
    pub max_pages: Option<usize>,
    /// Follow links at most this many hops from a start URL.
    pub max_depth: Option<u32>,
    /// Per-request time limit (default 30 s).
    pub timeout: Duration,
    /// Bodies are cut at this many bytes, after decompression (default 20 MB).
    pub max_body: usize,
    /// Stop cleanly after this long, returning what was found.
    pub deadline: Option<Duration>,
    /// Accept invalid TLS certificates.
    pub insecure: bool,
    /// Who to contact about the crawl, put in the `User-Agent`.
    pub contact: Option<String>,
    /// Progress display.
    pub progress: ProgressMode,
    /// Stop cleanly on Ctrl-C (installs a signal handler while crawling).
    pub stop_on_ctrl_c: bool,
    /// Distinct query strings crawled per path at most (link-trap guard; default 50).
    pub max_query_variants: usize,
    /// Catalogue list pages read per category at most (default 200).
    pub max_catalogue_pages: u32,
    /// Requests per URL at most (default 3).
    pub tries: u32,
    /// Wait before the second try, doubled before each further one (default 1 s).
    pub backoff: Duration,
    /// The longest `Retry-After` honoured (default 120 s).
    pub max_retry_wait: Duration,
    /// An on-disk HTTP cache folder: responses with validators are kept there and
    /// later crawls send conditional requests ([`cache`]).
    pub cache: Option<PathBuf>,
    /// Save what is fetched as a mirror folder here, which a folder scan reads back
    /// ([`snapshot`]); attachments' bodies are then downloaded too.
    pub snapshot: Option<PathBuf>,
    /// Once the crawl is over, check every distinct off-site http(s) link of the
    /// fetched pages once (`HEAD`, then `GET` when needed; see [`external`]).
    pub check_external: bool,
    /// Off-site URLs checked at most (default 2000); the rest stay unchecked.
    pub max_external: usize,
    /// Off-site checks in flight per off-site host (default 1); `delay` applies between
    /// their starts too.
    pub external_concurrency: usize,
    /// With a `cache`, a kept detail page or attachment confirmed by the site longer ago
    /// than this is asked again, whatever else says it did not change (default 7 days);
    /// each crawl also revalidates its share of the oldest kept pages (see
    /// `revalidate_all`).
    pub revalidate_after: Duration,
    /// With a `cache`, ask the site about every kept page (conditional requests), trusting
    /// none unchanged (`--full`). Without it, a re-scan takes a kept detail page or
    /// attachment unchanged, without a request, when its list entries are as they were
    /// and it is not due for revalidation.
    pub revalidate_all: bool,
    /// The crawl's clock (UTC): when the pages it confirms are confirmed, and what the
    /// age of a kept page is measured against; `None` reads the system clock.
    pub clock: Option<chrono::NaiveDateTime>,
}

/// A kept page is asked again at least this often (`--revalidate-after`): 7 days.
pub const DEFAULT_REVALIDATE_AFTER: Duration = Duration::from_secs(7 * 24 * 60 * 60);

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            seeds: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            concurrency: 4,
            delay: Duration::from_millis(250),
            max_pages: None,
            max_depth: None,
            timeout: Duration::from_secs(30),
            max_body: 20 * 1024 * 1024,
            deadline: None,
            insecure: false,
            contact: None,
            progress: ProgressMode::Auto,
            stop_on_ctrl_c: false,
            max_query_variants: 50,
            max_catalogue_pages: gkmlpt::walk::DEFAULT_MAX_PAGES_PER_CATEGORY,
            tries: 3,
            backoff: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(120),
            cache: None,
            snapshot: None,
            check_external: false,
            max_external: external::DEFAULT_MAX_EXTERNAL,
            external_concurrency: external::DEFAULT_CONCURRENCY,
            revalidate_after: DEFAULT_REVALIDATE_AFTER,
            revalidate_all: false,
            clock: None,
        }
    }
}

impl CrawlOptions {
    /// The `User-Agent`: `zwgk/<version> (+<contact>)`.
    pub fn user_agent(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match self.contact.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => {
                let c: String = c.chars().filter(|ch| !ch.is_control()).collect();
                format!("{AGENT}/{version} (+{c})")
            }
            _ => format!("{AGENT}/{version}"),
        }
    }
}

/// Why a crawl cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The start URL or a seed is not an http(s) URL.
    #[error("not an http(s) URL: `{0}`")]
    Url(String),
    /// An include or exclude pattern is not a valid regular expression.
    #[error("invalid pattern `{pattern}`: {source}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        #[source]
        source: regex::Error,
    },
    /// The HTTP client cannot be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// The cache folder cannot be used.
    #[error(transparent)]
    Cache(#[from] cache::CacheError),
    /// The snapshot folder cannot be used.
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
}

/// What a finished crawl leaves behind besides its pages.
#[derive(Debug, Clone, Default)]
struct Outcome {
    records: Vec<FetchRecord>,
    summary: FetchSummary,
    snapshot: Option<SnapshotSummary>,
    external: Vec<ExternalLink>,
}

/// A live portal crawled over HTTP(S).
///
/// ```no_run
/// use zwgk_crawl::http::{CrawlOptions, HttpSource};
/// use zwgk_crawl::PageSource;
///
/// let source = HttpSource::new("http://whly.gd.gov.cn/", CrawlOptions {
///     contact: Some("ops@example.gov.cn".into()),
///     ..CrawlOptions::default()
/// })?;
/// let pages = source.pages(&zwgk_core::Selectors::none())?;
/// println!("{} pages; {}", pages.len(), source.summary().unwrap_or_default());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct HttpSource {
    start: Url,
    seeds: Vec<Url>,
    scope: frontier::Scope,
    options: CrawlOptions,
    client: reqwest::Client,
    cache: Option<Arc<cache::Cache>>,
    outcome: Mutex<Option<Outcome>>,
}

fn compile(patterns: &[String]) -> Result<Vec<Regex>, CrawlError> {
    patterns
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|source| CrawlError::Pattern {
                pattern: p.clone(),
                source,
            })
        })
        .collect()
}

impl HttpSource {
    /// Set up a crawl from `start`.
    ///
    /// # Errors
    /// [`CrawlError`] for a start URL or seed that is not http(s), an invalid pattern,
    /// or an HTTP client that cannot be built.
    pub fn new(start: &str, options: CrawlOptions) -> Result<Self, CrawlError> {
        let start = frontier::normalize(start).ok_or_else(|| CrawlError::Url(start.into()))?;
        let seeds = options
            .seeds
            .iter()
            .map(|s| frontier::normalize(s).ok_or_else(|| CrawlError::Url(s.clone())))
            .collect::<Result<Vec<Url>, CrawlError>>()?;
        let hosts = std::iter::once(&start)
            .chain(&seeds)
            .map(frontier::host_key)
            .collect::<Vec<_>>();
        let scope = frontier::Scope::new(
            hosts,
            compile(&options.include)?,
            compile(&options.exclude)?,
        );
        let client = fetch::client(&fetch::ClientConfig {
            user_agent: options.user_agent(),
            timeout: options.timeout,
            insecure: options.insecure,
        })?;
        let cache = match &options.cache {
            Some(dir) => Some(Arc::new(cache::Cache::open(dir)?)),
            None => None,
        };
        if let Some(dir) = &options.snapshot {
            snapshot::check(dir)?;
        }
        Ok(HttpSource {
            start,
            seeds,
            scope,
            options,
            client,
            cache,
            outcome: Mutex::new(None),
        })
    }

    /// The start URL (normalised).
    pub fn start(&self) -> &Url {
        &self.start
    }

    /// The options in force.
    pub fn options(&self) -> &CrawlOptions {
        &self.options
    }

    /// Summary of every fetch of the last [`PageSource::pages`] call; `None` before one.
    pub fn summary(&self) -> Option<FetchSummary> {
        self.lock().as_ref().map(|o| o.summary.clone())
    }

    /// Every fetch record of the last [`PageSource::pages`] call (empty before one).
    pub fn records(&self) -> Vec<FetchRecord> {
        self.lock()
            .as_ref()
            .map(|o| o.records.clone())
            .unwrap_or_default()
    }

    /// What the snapshot of the last [`PageSource::pages`] call holds; `None` without
    /// `snapshot` or before a call. When it could not be put in place,
    /// [`SnapshotSummary::first_error`] says why and the folder is left as it was.
    pub fn snapshot(&self) -> Option<SnapshotSummary> {
        self.lock().as_ref().and_then(|o| o.snapshot.clone())
    }

    /// The results of checking off-site links in the last [`PageSource::pages`] call
    /// (empty without `check_external` or before a call), ordered by URL.
    pub fn external(&self) -> Vec<ExternalLink> {
        self.lock()
            .as_ref()
            .map(|o| o.external.clone())
            .unwrap_or_default()
    }

    /// Writes to the cache since the source was set up; `None` without `cache`.
    pub fn cache_stats(&self) -> Option<cache::CacheStats> {
        self.cache.as_ref().map(|c| c.stats())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Outcome>> {
        self.outcome.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The platforms the crawl knows, with their settings.
    fn quirks(&self) -> Quirks {
        Quirks::new(self.options.max_catalogue_pages)
    }

    fn limits(&self) -> AnalysisLimits {
        AnalysisLimits {
            max_body: self.options.max_body,
            ..AnalysisLimits::default()
        }
    }
}

impl PageSource for HttpSource {
    fn target(&self) -> String {
        self.start.to_string()
    }

    fn pages(&self, probes: &Selectors) -> Result<Vec<PageFacts>, TargetError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .max_blocking_threads(BLOCKING_THREADS)
            .thread_name("zwgk-crawl")
            .build()
            .map_err(|source| TargetError::Io {
                path: "the crawler's runtime".into(),
                source,
            })?;
        let snap = match &self.options.snapshot {
            Some(dir) => Some(Arc::new(
                snapshot::Snapshot::begin(dir).map_err(|e| TargetError::Target(e.to_string()))?,
            )),
            None => None,
        };
        let job = crawl::Crawl::new(self, probes.clone(), self.limits(), snap.clone());
        // A thread of its own, so that a caller already inside an async runtime is fine.
        // The crawl itself is a task of the runtime: the fetches it waits for finish on
        // the same worker threads, which then run it without waking another thread.
        let stopped = || TargetError::Target("the crawler stopped unexpectedly".into());
        let result = std::thread::scope(|s| {
            s.spawn(|| runtime.block_on(async { tokio::spawn(job.run()).await }))
                .join()
                .map_err(|_| stopped())
        })?
        .map_err(|_| stopped())?;
        let crawl::Finished {
            pages,
            records,
            summary,
            start_failure,
            external,
        } = result;
        // A crawl that could not start leaves an earlier snapshot in place.
        // Analyses still running after a stop write no more once the runtime is gone.
        drop(runtime);
        let snapshot = snap.map(|s| {
            let unwritten = |why: String| SnapshotSummary {
                dir: self.options.snapshot.clone().unwrap_or_default(),
                first_error: Some(why),
                ..SnapshotSummary::default()
            };
            if start_failure.is_some() {
                s.discard();
                unwritten("not written: the start URL could not be fetched".into())
            } else {
                s.finish().unwrap_or_else(|e| unwritten(e.to_string()))
            }
        });
        *self.lock() = Some(Outcome {
            records,
            summary,
            snapshot,
            external,
        });
        if let Some(why) = start_failure {
            return Err(TargetError::Target(format!(
                "cannot fetch {}: {why} (the crawler's User-Agent, for a firewall's \
                 allow-list: {})",
                self.start,
                self.options.user_agent()
            )));
        }
        Ok(pages)
    }

    fn external_links(&self) -> Vec<ExternalLink> {
        self.external()
    }
}
