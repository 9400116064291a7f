//! The crawl loop: a queue of jobs, fetched under the per-host limits, analysed as they
//! arrive (small bodies on the runtime thread that received them, their cache entries
//! written by a thread of their own; large bodies and those saved in a snapshot on the
//! blocking pool); links, sitemaps and the listings platforms ask for feed the queue.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::{Id, JoinSet};
use url::Url;
use zwgk_core::page::FactsInterner;
use zwgk_core::{ExternalLink, PageFacts, Probes};

use super::cache::{self, Validators};
use super::entry_writer::EntryWriter;
use super::external::{self, CheckConfig, Checker};
use super::facts_index::{self, IndexPlaces, IndexRead, PackedValidators};
use super::fetch::{self, FetchConfig, Response};
use super::frontier::{self, Admit, Frontier};
use super::politeness::Politeness;
use super::progress::{Counts, Progress};
use super::record::{FetchRecord, FetchSummary, StatusClass};
use super::robots::{Robots, MAX_ROBOTS_BYTES};
use super::sitemap::{self, Sitemap};
use super::snapshot::Snapshot;
use super::HttpSource;
use crate::analyze::{analyze, AnalysisLimits};
use crate::encoding;
use crate::quirks::{Found, Listing, Quirks};

/// Sitemap indexes are followed this many levels deep.
const MAX_SITEMAP_LEVEL: u8 = 3;

/// What a crawl returns.
pub(super) struct Finished {
    pub pages: Vec<PageFacts>,
    pub records: Vec<FetchRecord>,
    pub summary: FetchSummary,
    /// Why the start URL could not be fetched, when it could not.
    pub start_failure: Option<String>,
    /// The results of checking off-site links (`check_external`), ordered by URL.
    pub external: Vec<ExternalLink>,
}

#[derive(Debug, Clone)]
enum Kind {
    /// A page (or attachment) whose facts are kept and whose links are followed.
    Page,
    /// A host's robots.txt.
    Robots,
    /// A sitemap (its entries are queued; it is not a page).
    Sitemap { level: u8 },
    /// A listing a platform asks for (not linked; see [`Quirks`]): a 4xx is dropped,
    /// not a page.
    Listing(Listing),
}

#[derive(Debug, Clone)]
struct Job {
    url: Url,
    depth: u32,
    kind: Kind,
}

/// A finished job.
struct Done {
    job: Job,
    record: FetchRecord,
    /// Facts to keep (none for sitemaps and dropped listings).
    facts: Option<PageFacts>,
    /// Whether `facts` were made from the body just now (not reused from the cache):
    /// they are then kept with the response.
    analysed: bool,
    /// Whether the page was answered 304 to the validators of the facts index: its
    /// facts are the index's.
    from_index: bool,
    /// The validators under which the page's facts go into the facts index, when they
    /// can.
    validators: Option<Validators>,
    /// Whether the page's links are followed (2xx only).
    follow: bool,
    /// The URL after redirects, when different.
    final_url: Option<Url>,
    /// What the page revealed of further pages a platform asks for.
    found: Option<Found>,
    /// A parsed robots.txt (`None` for other jobs).
    robots: Option<Robots>,
    /// A parsed sitemap.
    sitemap: Option<Sitemap>,
}

impl Done {
    /// A job's end with nothing found: no facts, nothing to follow.
    fn bare(job: Job, record: FetchRecord) -> Done {
        Done {
            job,
            record,
            facts: None,
            follow: false,
            final_url: None,
            found: None,
            robots: None,
            sitemap: None,
            analysed: false,
            from_index: false,
            validators: None,
        }
    }
}

enum RobotsState {
    /// robots.txt is being fetched; these jobs wait for it.
    Pending(Vec<Job>),
    Ready(Arc<Robots>),
}

/// Bodies up to this size, when no snapshot is written, are analysed on the runtime's
/// thread that received them (their cache entries, if any, are written by the crawl's
/// entry writer); larger ones on the blocking pool.
const INLINE_ANALYSIS_MAX: usize = 256 * 1024;

/// Kept cache entries up to this size are read on the runtime's thread that asks for
/// them; larger ones on the blocking pool.
const INLINE_READ_MAX: u64 = 256 * 1024;

/// What a crawl reads of its [`HttpSource`] (what is crawled, and how), owned, so that
/// the crawl runs as a task of the runtime (next to the fetches it waits for) rather than
/// on a thread of its own.
struct Target {
    start: Url,
    seeds: Vec<Url>,
    options: super::CrawlOptions,
    client: reqwest::Client,
    cache: Option<Arc<cache::Cache>>,
}

/// The state of one crawl.
pub(super) struct Crawl {
    src: Target,
    scope: frontier::Scope,
    /// Bodies analysed at once on the blocking pool at most (the analysis is
    /// CPU-bound): one more than there are cores, so that a core finishing a page finds
    /// the next one already handed to a thread instead of idling through the hand-over.
    analysis: Arc<tokio::sync::Semaphore>,
    /// What page facts depend on besides the body (the key of facts kept in the cache).
    setup: Arc<str>,
    probes: Arc<Probes>,
    limits: AnalysisLimits,
    /// The platforms the crawl knows.
    quirks: Quirks,
    politeness: Arc<Politeness>,
    frontier: Frontier,
    queue: VecDeque<Job>,
    robots: HashMap<String, RobotsState>,
    inflight: JoinSet<Done>,
    inflight_jobs: HashMap<Id, Job>,
    pages: Vec<PageFacts>,
    /// One copy of each distinct link of the kept pages.
    links: FactsInterner,
    /// Links of `links` (by address: the interner keeps them all) whose URL was
    /// offered to the frontier and is seen by it.
    offered: foldhash::HashSet<usize>,
    /// Links of `links` that are not crawled (not an http(s) URL, or out of scope);
    /// forgotten when the scope grows.
    outside: foldhash::HashSet<usize>,
    records: Vec<FetchRecord>,
    pages_dispatched: usize,
    not_fetched: u64,
    disallowed: u64,
    errors: u64,
    start_failure: Option<String>,
    start_done: bool,
    /// Where fetched bodies are saved as a mirror folder, if anywhere.
    snapshot: Option<Arc<Snapshot>>,
    /// Where the pages of the cache's facts index not yet answered are in `pages`
    /// (they are put there when the crawl starts).
    index: IndexPlaces,
    /// Whether the crawl reads and writes the cache's facts index: it has a cache and
    /// writes no snapshot (a snapshot needs every body).
    indexing: bool,
    /// When indexing, the validators under which each page of `pages` (at the same
    /// place) goes into the next facts index, if it can.
    page_validators: Vec<Option<PackedValidators>>,
    /// Pages in the facts index read (none when none was read).
    index_read: usize,
    /// Places in `pages` of index pages fetched again without the index (a 200 to its
    /// validators): the new facts went in anew; these go when the crawl ends.
    index_replaced: Vec<usize>,
    /// Whether a page goes into the next facts index that the index read does not
    /// hold as it is (so the index is written again).
    index_changed: bool,
    /// The writer of the cache's entries of pages analysed on the runtime's threads.
    entries: Option<EntryWriter>,
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Analyse a fetched body (CPU-bound: bodies written to disk or large run on the
/// blocking pool, the others on the runtime thread that received them).
///
/// `reused`: the facts kept in the cache for this very body (answered 304), used
/// instead of analysing it again.
fn analyse(
    job: Job,
    resp: &Response,
    record: FetchRecord,
    probes: &Probes,
    limits: &AnalysisLimits,
    quirks: &Quirks,
    reused: Option<PageFacts>,
) -> Done {
    let mut done = Done::bare(job, record);
    let url = done.job.url.clone();
    let ct = resp.content_type.as_deref();
    match done.job.kind {
        Kind::Robots => {
            let robots = match resp.status {
                200..=299 => {
                    let body = &resp.body[..resp.body.len().min(MAX_ROBOTS_BYTES)];
                    Robots::parse(&String::from_utf8_lossy(body), super::AGENT)
                }
                // No robots.txt (4xx, or 3xx not followed): no restriction.
                300..=499 => Robots::allow_all(),
                s => Robots::unreachable(format!("HTTP {s}")),
            };
            done.robots = Some(robots);
            done.facts = Some(if (200..300).contains(&resp.status) {
                analyze(url.as_str(), resp.status, ct, &resp.body, probes, limits)
            } else {
                PageFacts::other(url.as_str(), resp.status, ct.unwrap_or("text/plain"))
            });
            return done;
        }
        Kind::Sitemap { .. } => {
            if (200..300).contains(&resp.status) {
                let text = encoding::decode(&resp.body, ct).text;
                done.sitemap = Some(sitemap::parse(&text));
            }
            return done;
        }
        Kind::Page | Kind::Listing(_) => {}
    }
    let speculative = matches!(done.job.kind, Kind::Listing(_));
    if !(200..300).contains(&resp.status) {
        if !(speculative && (400..500).contains(&resp.status)) {
            let ct = ct.map(str::to_string).unwrap_or_else(|| {
                if (400..600).contains(&resp.status) {
                    "text/html".to_string()
                } else {
                    zwgk_extract::media_type_of(url.as_str()).to_string()
                }
            });
            done.facts = Some(PageFacts::other(url.as_str(), resp.status, ct));
        }
        return done;
    }
    let final_url = frontier::normalize(resp.final_url.as_str()).unwrap_or_else(|| url.clone());
    // Analyse as the final URL (relative links resolve against it), keep as the requested one.
    let mut facts = match reused {
        Some(facts) => facts,
        None => {
            done.analysed = true;
            analyze(
                final_url.as_str(),
                resp.status,
                ct,
                &resp.body,
                probes,
                limits,
            )
        }
    };
    facts.url = url.to_string();
    if final_url != url {
        done.final_url = Some(final_url.clone());
    }
    done.found = quirks.found_in(&final_url, ct, &resp.body);
    done.facts = Some(facts);
    done.follow = true;
    done
}

impl Crawl {
    pub(super) fn new(
        src: &HttpSource,
        probes: Probes,
        limits: AnalysisLimits,
        snapshot: Option<Arc<Snapshot>>,
    ) -> Self {
        let o = &src.options;
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let snapshotting = snapshot.is_some();
        Crawl {
            src: Target {
                start: src.start.clone(),
                seeds: src.seeds.clone(),
                options: src.options.clone(),
                client: src.client.clone(),
                cache: src.cache.clone(),
            },
            scope: src.scope.clone(),
            analysis: Arc::new(tokio::sync::Semaphore::new(cpus + 1)),
            setup: cache::analysis_setup(&probes, &limits).into(),
            probes: Arc::new(probes),
            limits,
            quirks: src.quirks(),
            politeness: Arc::new(Politeness::new(o.concurrency, o.delay)),
            frontier: Frontier::new(o.max_query_variants.max(1)),
            queue: VecDeque::new(),
            robots: HashMap::new(),
            inflight: JoinSet::new(),
            inflight_jobs: HashMap::new(),
            pages: Vec::new(),
            links: FactsInterner::default(),
            offered: foldhash::HashSet::default(),
            outside: foldhash::HashSet::default(),
            records: Vec::new(),
            pages_dispatched: 0,
            not_fetched: 0,
            disallowed: 0,
            errors: 0,
            start_failure: None,
            start_done: false,
            snapshot,
            index: IndexPlaces::default(),
            indexing: src.cache.is_some() && !snapshotting,
            page_validators: Vec::new(),
            index_read: 0,
            index_replaced: Vec::new(),
            index_changed: false,
            entries: src.cache.clone().map(EntryWriter::start),
        }
    }

    fn is_start(&self, url: &Url) -> bool {
        url == &self.src.start
    }

    /// A page in scope that will not be fetched: a failed page (its rules are `incomplete`).
    fn give_up(&mut self, job: Job, why: &str) {
        if matches!(job.kind, Kind::Page | Kind::Listing(_)) {
            self.not_fetched += 1;
            if self.is_start(&job.url) && !self.start_done {
                self.start_done = true;
                self.start_failure = Some(why.to_string());
            }
            self.keep(PageFacts::failed(job.url.as_str(), why), None);
        }
    }

    /// Offer a URL found on a page, in a sitemap or by a platform.
    fn offer(&mut self, url: Url, depth: u32, kind: Kind) {
        // Listings are bounded by their platform's page caps, not the trap guard.
        let new = match kind {
            Kind::Listing(_) => self.frontier.mark_seen(&url),
            _ => self.frontier.admit(&url) == Admit::New,
        };
        if !new {
            return;
        }
        let job = Job { url, depth, kind };
        if self.src.options.max_depth.is_some_and(|max| depth > max) {
            self.give_up(job, "not fetched: beyond the link-depth limit");
            return;
        }
        self.route(job);
    }

    /// Queue a job once its host's robots.txt is known, and if it allows it.
    fn route(&mut self, job: Job) {
        let host = frontier::host_key(&job.url);
        match self.robots.get_mut(&host) {
            Some(RobotsState::Ready(r)) => {
                let r = r.clone();
                if r.allowed(&path_and_query(&job.url)) {
                    self.queue.push_back(job);
                } else {
                    // Not a page of the scan, as an off-scope link is not.
                    self.disallowed += 1;
                    if job.url == self.src.start && !self.start_done {
                        self.start_done = true;
                        self.start_failure = Some(match &r.unreachable {
                            Some(why) => format!("its robots.txt could not be fetched: {why}"),
                            None => "robots.txt disallows it".into(),
                        });
                    }
                }
            }
            Some(RobotsState::Pending(waiting)) => waiting.push(job),
            None => {
                let Ok(robots_url) = job.url.join("/robots.txt") else {
                    self.queue.push_back(job);
                    return;
                };
                self.robots.insert(host, RobotsState::Pending(vec![job]));
                self.frontier.mark_seen(&robots_url);
                self.queue.push_front(Job {
                    url: robots_url,
                    depth: 0,
                    kind: Kind::Robots,
                });
            }
        }
    }

    fn max_inflight(&self) -> usize {
        self.src.options.concurrency.max(1) * 2 + 2
    }

    fn fetch_config(&self, kind: &Kind) -> FetchConfig {
        let o = &self.src.options;
        FetchConfig {
            // Only pages are analysed; robots.txt and sitemaps are read whatever their type.
            // A snapshot keeps attachments too.
            skip_non_text: matches!(kind, Kind::Page | Kind::Listing(_)) && self.snapshot.is_none(),
            max_body: o.max_body,
            tries: o.tries,
            backoff: o.backoff,
            max_retry_wait: o.max_retry_wait,
        }
    }

    /// Start jobs while there is room.
    fn dispatch(&mut self) {
        while self.inflight.len() < self.max_inflight() {
            let Some(job) = self.queue.pop_front() else {
                return;
            };
            let counts_as_page = matches!(job.kind, Kind::Page | Kind::Listing(_));
            if counts_as_page {
                if let Some(max) = self.src.options.max_pages {
                    if self.pages_dispatched >= max {
                        self.give_up(job, "not fetched: page limit reached");
                        continue;
                    }
                }
                self.pages_dispatched += 1;
            }
            let client = self.src.client.clone();
            let gate = self.politeness.gate(&frontier::host_key(&job.url));
            let cfg = self.fetch_config(&job.kind);
            let probes = self.probes.clone();
            let limits = self.limits;
            let quirks = self.quirks;
            let analysis = self.analysis.clone();
            let task_job = job.clone();
            let cache = self.src.cache.clone();
            let entries = self.entries.as_ref().map(EntryWriter::queue);
            let setup = self.setup.clone();
            let snapshot = self.snapshot.clone();
            let index_ok = self.indexing && indexable(&job, &self.quirks);
            // Validators of the facts index: answered 304, the page needs no trip to
            // the disk at all.
            let indexed = self
                .index
                .place(job.url.as_str(), &self.pages)
                .filter(|_| index_ok)
                .and_then(|at| self.page_validators[at].as_ref())
                .map(PackedValidators::unpack);
            let handle = self.inflight.spawn(async move {
                // The kept response and, read with it, the facts made from its body:
                // answered 304, the page then needs no other trip to the disk.
                let (kept, kept_facts) = match &cache {
                    Some(_) if indexed.is_some() => (None, None),
                    Some(c) => {
                        // A small entry (and the facts kept with it, of about its size)
                        // is read here: handing it to the blocking pool and back cost more
                        // than reading it from the page cache.
                        let kept = match c.open_entry(&task_job.url) {
                            None => None,
                            Some(file) if file.size() <= INLINE_READ_MAX => {
                                let url = &task_job.url;
                                c.read_usable(file, url, cfg.max_body, cfg.skip_non_text, &setup)
                            }
                            Some(file) => {
                                let (c, url, setup) =
                                    (c.clone(), task_job.url.clone(), setup.clone());
                                tokio::task::spawn_blocking(move || {
                                    c.read_usable(
                                        file,
                                        &url,
                                        cfg.max_body,
                                        cfg.skip_non_text,
                                        &setup,
                                    )
                                })
                                .await
                                .ok()
                                .flatten()
                            }
                        };
                        kept.map_or((None, None), |(e, f)| (Some(e), f))
                    }
                    None => (None, None),
                };
                let validators = indexed
                    .clone()
                    .or_else(|| kept.as_ref().map(|e| e.validators.clone()));
                let (result, mut record) = fetch::fetch_conditional(
                    &client,
                    &gate,
                    &task_job.url,
                    &cfg,
                    validators.as_ref(),
                )
                .await;
                match result {
                    Ok(resp) => {
                        if let Some(v) = indexed {
                            if cache::not_modified(&task_job.url, &resp, &mut record) {
                                return indexed_done(task_job, record, v);
                            }
                        }
                        let (resp, from_cache) =
                            cache::revalidated(&task_job.url, resp, kept, &mut record);
                        let reused = if from_cache { kept_facts } else { None };
                        let index_as = index_ok
                            .then(|| cache::index_validators(&task_job.url, &resp))
                            .flatten();
                        let with_index = |mut done: Done| {
                            done.validators = index_as.filter(|_| done.follow);
                            done
                        };
                        if reused.is_some() && snapshot.is_none() {
                            let done =
                                analyse(task_job, &resp, record, &probes, &limits, &quirks, reused);
                            return with_index(done);
                        }
                        if snapshot.is_none() && resp.body.len() <= INLINE_ANALYSIS_MAX {
                            let done =
                                analyse(task_job, &resp, record, &probes, &limits, &quirks, None);
                            if let (Some(c), Some(entries)) = (&cache, &entries) {
                                if let Some(facts) = to_keep(&done, from_cache) {
                                    let facts = facts.map(|f| (&*setup, f));
                                    let url = &done.job.url;
                                    let entry = c.prepare(url, &resp, cfg.skip_non_text, facts);
                                    entries.keep(entry).await;
                                }
                            }
                            return with_index(done);
                        }
                        let slot = analysis.acquire_owned().await;
                        let fallback_job = task_job.clone();
                        let fallback_record = record.clone();
                        match tokio::task::spawn_blocking(move || {
                            // The slot is given back as soon as the analysis ends, on
                            // this thread: the next body waiting for one does not wait
                            // for this task to be polled again.
                            let _slot = slot;
                            if let Some(s) = &snapshot {
                                save(s, &task_job, &resp);
                            }
                            let done =
                                analyse(task_job, &resp, record, &probes, &limits, &quirks, reused);
                            if let (Some(c), Some(facts)) = (&cache, to_keep(&done, from_cache)) {
                                let facts = facts.map(|f| (&*setup, f));
                                c.store(&done.job.url, &resp, cfg.skip_non_text, facts);
                            }
                            with_index(done)
                        })
                        .await
                        {
                            Ok(done) => done,
                            Err(_) => failed_done(
                                fallback_job,
                                fallback_record,
                                "the page could not be analysed".into(),
                            ),
                        }
                    }
                    Err(why) => failed_done(task_job, record, why),
                }
            });
            self.inflight_jobs.insert(handle.id(), job);
        }
    }

    fn counts(&self) -> Counts {
        Counts {
            fetched: self.records.len() as u64,
            queued: (self.queue.len() + self.inflight.len()) as u64,
            errors: self.errors,
        }
    }

    /// Take in a finished job.
    fn take(&mut self, done: Done) {
        let Done {
            job,
            record,
            facts,
            follow,
            final_url,
            found,
            robots,
            sitemap,
            analysed: _,
            from_index,
            validators,
        } = done;
        if matches!(record.class, StatusClass::Error | StatusClass::ServerError) {
            self.errors += 1;
        }
        self.records.push(record);
        if let Some(robots) = robots {
            self.robots_ready(&job.url, robots);
        }
        if let Some(map) = sitemap {
            let level = match job.kind {
                Kind::Sitemap { level } => level,
                _ => 0,
            };
            self.sitemap_entries(map, level);
        }
        // An index page answered 304 is in place already: it is lent to this function
        // (and put back at the end) rather than kept anew.
        let place = if from_index {
            self.index.take(job.url.as_str(), &self.pages)
        } else {
            None
        };
        let facts = match place {
            Some(at) => Some(std::mem::replace(
                &mut self.pages[at],
                PageFacts::failed(String::new(), String::new()),
            )),
            // Taken once: the frontier hands out each URL once, so this cannot be.
            None if from_index => Some(PageFacts::failed(
                job.url.as_str(),
                "its kept facts were lost",
            )),
            None => facts,
        };
        let Some(mut facts) = facts else {
            return;
        };
        // The index's pages were read back shared.
        if !from_index {
            self.links.intern(&mut facts);
        }
        if let Some(v) = &validators {
            if !from_index && self.index_read > 0 {
                // Not in the index, or changed since.
                self.compare_with_index(job.url.as_str(), v);
            }
        }
        if self.is_start(&job.url) && !self.start_done {
            self.start_done = true;
            if let zwgk_core::page::FetchState::Failed { reason } = &facts.fetch {
                self.start_failure = Some(reason.clone());
            }
            // The start redirects to another host (`www.`, a new domain): crawl that one.
            if let Some(fin) = &final_url {
                self.scope.add_host(frontier::host_key(fin));
                self.outside.clear();
            }
        }
        if follow {
            let next = job.depth.saturating_add(1);
            // Most links are the site's navigation again: a link (the interner's one
            // copy) whose URL the frontier has seen, or that is not crawled, is not
            // parsed and offered again.
            let mut links: Vec<(usize, Url)> = Vec::new();
            for l in &facts.links {
                let key = Arc::as_ptr(l) as usize;
                if self.offered.contains(&key) || self.outside.contains(&key) {
                    continue;
                }
                match frontier::normalize(&l.url).filter(|u| self.scope.contains(u)) {
                    Some(u) => links.push((key, u)),
                    None => {
                        self.outside.insert(key);
                    }
                }
            }
            for (key, u) in links {
                self.offer(u.clone(), next, Kind::Page);
                // Offered again it would be seen already: nothing would happen (a URL
                // the trap guard dropped is counted each time, so it is offered again).
                if self.frontier.is_seen(&u) {
                    self.offered.insert(key);
                }
            }
            if let Some(found) = found {
                let listing = match job.kind {
                    Kind::Listing(l) => Some(l),
                    _ => None,
                };
                let quirks = self.quirks;
                for f in quirks.further(found, &job.url, listing) {
                    if f.continues && !self.scope.contains(&f.url) {
                        continue;
                    }
                    let depth = if f.continues { job.depth } else { next };
                    self.offer(f.url, depth, Kind::Listing(f.listing));
                }
            }
            if let Some(fin) = final_url {
                if self.scope.contains(&fin) && self.frontier.mark_seen(&fin) {
                    let mut twin = facts.clone();
                    twin.url = fin.to_string();
                    self.keep(twin, None);
                }
            }
        }
        match place {
            Some(at) => self.pages[at] = facts,
            None => self.keep(facts, validators),
        }
    }

    /// Keep a page's facts, with the validators under which they go into the next
    /// facts index, if they can.
    fn keep(&mut self, facts: PageFacts, validators: Option<Validators>) {
        if self.indexing {
            let packed = validators.as_ref().and_then(PackedValidators::pack);
            self.page_validators.push(packed);
        }
        self.pages.push(facts);
    }

    fn robots_ready(&mut self, robots_url: &Url, robots: Robots) {
        let host = frontier::host_key(robots_url);
        if let Some(delay) = robots.crawl_delay {
            self.politeness.gate(&host).raise_interval(delay);
        }
        for s in &robots.sitemaps {
            if let Some(u) = frontier::normalize(s) {
                if self.scope.contains(&u) {
                    self.offer(u, 0, Kind::Sitemap { level: 0 });
                }
            }
        }
        let robots = Arc::new(robots);
        let waiting = match self.robots.insert(host, RobotsState::Ready(robots.clone())) {
            Some(RobotsState::Pending(w)) => w,
            _ => Vec::new(),
        };
        for job in waiting {
            self.route(job);
        }
    }

    fn sitemap_entries(&mut self, map: Sitemap, level: u8) {
        for s in map.sitemaps {
            if level < MAX_SITEMAP_LEVEL {
                if let Some(u) = frontier::normalize(&s) {
                    if self.scope.contains(&u) {
                        self.offer(u, 0, Kind::Sitemap { level: level + 1 });
                    }
                }
            }
        }
        for p in map.pages {
            if let Some(u) = frontier::normalize(&p) {
                if self.scope.contains(&u) {
                    self.offer(u, 1, Kind::Page);
                }
            }
        }
    }

    /// Stop: every job not done becomes a failed page.
    fn stop(&mut self, why: &str) {
        self.inflight.abort_all();
        let inflight: Vec<Job> = self.inflight_jobs.drain().map(|(_, j)| j).collect();
        let queued: Vec<Job> = self.queue.drain(..).collect();
        let waiting: Vec<Job> = self
            .robots
            .values_mut()
            .filter_map(|s| match s {
                RobotsState::Pending(w) => Some(std::mem::take(w)),
                RobotsState::Ready(_) => None,
            })
            .flatten()
            .collect();
        for job in inflight.into_iter().chain(queued).chain(waiting) {
            self.give_up(job, why);
        }
    }

    pub(super) async fn run(mut self) -> Finished {
        let started = tokio::time::Instant::now();
        // The facts index is read before the first request: read while the first pages
        // were fetched, it lost more to the pages fetched without it than it won.
        if let Some(loading) = self.start_index_read() {
            // A read that failed on its thread is no index.
            self.index_ready(loading.await.ok().flatten());
        }
        let mut progress = Progress::new(self.src.options.progress);
        let start = self.src.start.clone();
        let seeds = self.src.seeds.clone();
        for u in std::iter::once(start).chain(seeds) {
            if self.frontier.admit(&u) == Admit::New {
                self.route(Job {
                    url: u,
                    depth: 0,
                    kind: Kind::Page,
                });
            }
        }
        let deadline = self.src.options.deadline;
        let deadline_fut = async move {
            match deadline {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending::<()>().await,
            }
        };
        tokio::pin!(deadline_fut);
        let ctrl_c = self.src.options.stop_on_ctrl_c;
        let ctrl_c_fut = async move {
            if ctrl_c && tokio::signal::ctrl_c().await.is_ok() {
                return;
            }
            std::future::pending::<()>().await;
        };
        tokio::pin!(ctrl_c_fut);
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut stopped = false;
        loop {
            self.dispatch();
            if self.inflight.is_empty() && self.queue.is_empty() {
                break;
            }
            tokio::select! {
                biased;
                () = &mut deadline_fut => {
                    self.stop("not fetched: the crawl's deadline passed");
                    stopped = true;
                    break;
                }
                () = &mut ctrl_c_fut => {
                    self.stop("not fetched: the crawl was interrupted");
                    stopped = true;
                    break;
                }
                Some(joined) = self.inflight.join_next_with_id() => {
                    match joined {
                        Ok((id, done)) => {
                            self.inflight_jobs.remove(&id);
                            self.take(done);
                        }
                        Err(e) => {
                            if let Some(job) = self.inflight_jobs.remove(&e.id()) {
                                self.errors += 1;
                                self.give_up(job, "the fetch stopped unexpectedly");
                            }
                        }
                    }
                }
                _ = tick.tick() => progress.update(self.counts()),
            }
        }
        // Hosts whose robots.txt never came (cannot happen once the loop drained, but
        // never leave a job unaccounted for).
        self.stop("not fetched");
        if let Some(entries) = self.entries.take() {
            // Every entry of the pages taken in is on disk before the crawl ends.
            let _ = tokio::task::spawn_blocking(move || entries.finish()).await;
        }
        // The frontier admits each URL once, so URLs are unique and the in-place
        // (allocation-free) unstable sort gives the same order every run.
        // Written before the pages are sorted: their validators are kept in their order.
        self.write_index();
        self.pages.sort_unstable_by(|a, b| a.url.cmp(&b.url));
        let mut external = Vec::new();
        let mut tally = external::Tally::default();
        if self.src.options.check_external {
            let mut checker = self.checker();
            loop {
                checker.dispatch();
                if checker.is_done() {
                    break;
                }
                // Once stopped, the checks are not started at all: they stay unchecked.
                if stopped {
                    checker.stop();
                    break;
                }
                tokio::select! {
                    biased;
                    () = &mut deadline_fut => stopped = true,
                    () = &mut ctrl_c_fut => stopped = true,
                    Some(()) = checker.next() => {}
                    _ = tick.tick() => {
                        let (done, left) = checker.progress();
                        progress.update(Counts {
                            fetched: self.records.len() as u64 + done,
                            queued: left,
                            errors: self.errors,
                        });
                    }
                }
            }
            (external, tally) = checker.finish();
            external.sort_unstable_by(|a, b| a.url.cmp(&b.url));
        }
        progress.finish(self.counts());
        if !self.start_done {
            self.start_failure = Some("it was not fetched".into());
        }
        let mut summary = FetchSummary::of(&self.records);
        summary.not_fetched = self.not_fetched;
        summary.disallowed = self.disallowed;
        summary.trapped = self.frontier.trapped();
        summary.stopped_early = stopped;
        summary.elapsed_millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        summary.external_checked = tally.checked;
        summary.external_broken = tally.broken;
        summary.external_unreachable = tally.unreachable;
        summary.external_unchecked = tally.unchecked;
        summary.external_requests = tally.requests;
        Finished {
            pages: self.pages,
            records: self.records,
            summary,
            start_failure: self.start_failure,
            external,
        }
    }

    /// Start reading the cache's facts index of this crawl's setup on the blocking
    /// pool, when there is a cache and no snapshot is written (a snapshot needs every
    /// body).
    fn start_index_read(&self) -> Option<tokio::task::JoinHandle<Option<IndexRead>>> {
        let c = self.src.cache.as_ref().filter(|_| self.indexing)?;
        let path = c.facts_index_path(&self.setup);
        let setup = self.setup.clone();
        Some(tokio::task::spawn_blocking(move || {
            facts_index::read(&path, &setup)
        }))
    }

    /// Use the facts index read, if there was a usable one.
    fn index_ready(&mut self, read: Option<IndexRead>) {
        // Read before the first page is kept: the index's pages are the first pages,
        // and the interner (which keeps every link the pages hold, known to
        // `offered` and `outside` by address) is the index's.
        let Some(read) = read.filter(|_| self.pages.is_empty()) else {
            return;
        };
        self.index_read = read.facts.len();
        self.pages = read.facts;
        self.page_validators = read.validators;
        self.index = read.places;
        self.links = read.interner;
    }

    /// Account for a page that goes into the next facts index without having been
    /// taken from the one read: the same as the index's if its validators are (it
    /// was fetched again, its facts made again from the same body).
    fn compare_with_index(&mut self, url: &str, validators: &Validators) {
        match self.index.take(url, &self.pages) {
            Some(at) => {
                let same = self.page_validators[at]
                    .as_ref()
                    .map(PackedValidators::unpack);
                self.index_changed |= same.as_ref() != Some(validators);
                self.index_replaced.push(at);
            }
            None => self.index_changed = true,
        }
    }

    /// Replace the cache's facts index of this crawl's setup by the pages of this
    /// crawl that can go in it, unless they are the index's own pages, all of them
    /// and no other. The pages of the old index that were not answered are gone from
    /// the portal or no longer linked when the crawl was complete, and dropped; when it
    /// was not (URLs left unfetched by a limit, the deadline or Ctrl-C, or failed
    /// fetches), they may only not have been reached, and stay in the index, as their
    /// entries stay in the cache, for the next crawl. Either way they are not pages of
    /// this crawl.
    fn write_index(&mut self) {
        let not_taken = self.index.not_taken();
        let keep_not_taken = !not_taken.is_empty() && (self.not_fetched > 0 || self.errors > 0);
        let unchanged =
            self.index_read > 0 && !self.index_changed && (not_taken.is_empty() || keep_not_taken);
        let replaced = std::mem::take(&mut self.index_replaced);
        // Left out of the next index (it is written with the pages that have validators):
        // the old versions of the pages fetched again, and the pages not taken unless kept.
        let left_out = not_taken.iter().filter(|_| !keep_not_taken);
        for &at in replaced.iter().chain(left_out) {
            self.page_validators[at] = None;
        }
        if let Some(c) = self
            .src
            .cache
            .as_ref()
            .filter(|_| self.indexing && !unchanged)
        {
            let path = c.facts_index_path(&self.setup);
            let v = &self.page_validators;
            let written = facts_index::write(&path, &self.setup, &mut self.pages, v, &self.links);
            if written.is_err() {
                c.count_write_error();
            }
        }
        let mut gone = not_taken;
        gone.extend(replaced);
        gone.sort_unstable();
        remove_places(&mut self.pages, &gone);
        self.page_validators = Vec::new();
    }

    /// The checker of the off-site links of the pages fetched.
    fn checker(&self) -> Checker {
        let o = &self.src.options;
        let targets = external::targets(&self.pages, &self.src.start, &self.scope);
        Checker::new(
            self.src.client.clone(),
            targets,
            o.max_external,
            o.external_concurrency,
            o.delay,
            CheckConfig {
                tries: o.tries,
                backoff: o.backoff,
                max_retry_wait: o.max_retry_wait,
                prefix: external::PREFIX_BYTES,
            },
        )
    }
}

/// Save a fetched page (not a sitemap) in the snapshot, under its URL and, after a
/// redirect within the host, under the final URL too (the crawl keeps both).
fn save(snapshot: &Snapshot, job: &Job, resp: &Response) {
    if matches!(job.kind, Kind::Sitemap { .. }) || !(200..300).contains(&resp.status) {
        return;
    }
    snapshot.write(&job.url, &resp.body);
    if let Some(fin) = frontier::normalize(resp.final_url.as_str()) {
        if fin != job.url && frontier::host_key(&fin) == frontier::host_key(&job.url) {
            snapshot.write(&fin, &resp.body);
        }
    }
}

fn failed_done(job: Job, record: FetchRecord, why: String) -> Done {
    let robots = matches!(job.kind, Kind::Robots).then(|| Robots::unreachable(why.clone()));
    let facts = match job.kind {
        Kind::Page | Kind::Listing(_) => Some(PageFacts::failed(job.url.as_str(), why)),
        Kind::Robots | Kind::Sitemap { .. } => None,
    };
    Done {
        facts,
        robots,
        ..Done::bare(job, record)
    }
}

/// Whether a response goes into the cache, and with which facts: a fresh one always (or
/// its stale entry is forgotten), with the facts made from it; a kept one again only when
/// its facts had to be made again (another setup).
fn to_keep(done: &Done, from_cache: bool) -> Option<Option<&PageFacts>> {
    let facts = done.facts.as_ref().filter(|_| done.analysed);
    (!from_cache || facts.is_some()).then_some(facts)
}

/// A page answered 304 to the validators `validators` of the facts index.
fn indexed_done(job: Job, record: FetchRecord, validators: Validators) -> Done {
    Done {
        follow: true,
        from_index: true,
        validators: Some(validators),
        ..Done::bare(job, record)
    }
}

/// Remove the items at the places `gone` (in order) from `items`.
fn remove_places<T>(items: &mut Vec<T>, gone: &[usize]) {
    if gone.is_empty() {
        return;
    }
    let mut at = 0;
    let mut gone = gone.iter().peekable();
    items.retain(|_| {
        let dropped = gone.next_if_eq(&&at).is_some();
        at += 1;
        !dropped
    });
}

/// Whether a job's facts can go into the facts index: a page whose body no platform
/// reads for further pages (its body is read again each crawl).
fn indexable(job: &Job, quirks: &Quirks) -> bool {
    matches!(job.kind, Kind::Page) && !quirks.reads_body(&job.url)
}

#[cfg(test)]
mod tests {
    use super::remove_places;

    #[test]
    fn places_are_removed_in_one_pass() {
        let mut items: Vec<u32> = (0..10).collect();
        remove_places(&mut items, &[0, 3, 4, 9]);
        assert_eq!(items, [1, 2, 5, 6, 7, 8]);
        remove_places(&mut items, &[]);
        assert_eq!(items.len(), 6);
        remove_places(&mut items, &[0, 1, 2, 3, 4, 5]);
        assert!(items.is_empty());
    }
}
