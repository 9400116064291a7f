//! The crawl loop: a queue of jobs, fetched under the per-host limits, analysed as they
//! arrive; links, sitemaps and the listings platforms ask for feed the queue.
//!
//! - this module: the loop — which job starts next ([`Crawl::dispatch`]), what a finished
//!   job gives ([`Crawl::take`]), and the crawl from its start to its end ([`Crawl::run`]);
//! - [`job`]: a job and how it ends;
//! - [`task`]: one job's fetch task, and where its body is analysed;
//! - [`kept`]: the cache and its facts index, looked up before each fetch and written
//!   after it.
//!
//! The crawl's state is grouped by concern: what is crawled ([`CrawlTarget`]), how fast
//! and how much ([`Pace`]), which URLs come next ([`Queue`]), the jobs in flight
//! ([`InFlight`]), what becomes of the bodies ([`Analysis`], shared with the fetch
//! tasks), the cache ([`Kept`]) and what the crawl found ([`Results`]).

mod job;
mod kept;
mod task;
mod trust;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::{Id, JoinError, JoinSet};
use url::Url;
use zwgk_core::page::{FactsInterner, FetchState};
use zwgk_core::{ExternalLink, PageFacts, Selectors};

use super::cache::{self, Validators};
use super::external::{self, CheckConfig, Checker, Tally};
use super::fetch::FetchConfig;
use super::frontier::{self, Admit, Frontier, Scope};
use super::politeness::Politeness;
use super::progress::{Counts, Progress};
use super::record::{FetchRecord, FetchSummary, SkipReason, StatusClass};
use super::robots::Robots;
use super::sitemap::{self, Sitemap};
use super::snapshot::Snapshot;
use super::{CrawlOptions, HttpSource};
use crate::analyze::AnalysisLimits;
use crate::quirks::Found;
use job::{Done, Job, Kind};
use kept::Kept;
use task::{Analysis, Task};
use trust::{Trust, TrustSetup, TrustedPage};

/// Sitemap indexes are followed this many levels deep.
const MAX_SITEMAP_LEVEL: u8 = 3;

/// At most this many sitemaps are fetched in one crawl (an index may list 50,000, each
/// of them an index again): the pages they list count against the page limit, the
/// sitemaps themselves would not.
const MAX_SITEMAPS: usize = 1_000;

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

/// What is crawled, and how: what a crawl reads of its [`HttpSource`], owned, so that the
/// crawl runs as a task of the runtime (next to the fetches it waits for) rather than on
/// a thread of its own.
struct CrawlTarget {
    start: Url,
    seeds: Vec<Url>,
    options: CrawlOptions,
    client: reqwest::Client,
    /// The URLs crawled; it grows by the host the start URL redirects to.
    scope: Scope,
}

/// How fast and how much: the per-host politeness and the limits on jobs.
struct Pace {
    politeness: Politeness,
    /// Jobs in flight at most.
    max_inflight: usize,
    /// Pages (and listings) fetched at most.
    max_pages: Option<usize>,
    /// Hops from a start URL at most.
    max_depth: Option<u32>,
    /// Pages (and listings) handed to a fetch so far.
    pages_dispatched: usize,
    /// Sitemaps queued so far (at most [`MAX_SITEMAPS`]).
    sitemaps_offered: usize,
}

impl Pace {
    /// Whether a job of `kind` may start; a page counts against the page limit.
    fn admit(&mut self, kind: &Kind) -> bool {
        if !kind.is_page() {
            return true;
        }
        if self
            .max_pages
            .is_some_and(|max| self.pages_dispatched >= max)
        {
            return false;
        }
        self.pages_dispatched += 1;
        true
    }

    /// Give back the place a page took against the page limit: it is handed to a fetch
    /// again (a trusted page asked about after all) and is still one page of the crawl.
    fn readmit(&mut self) {
        self.pages_dispatched = self.pages_dispatched.saturating_sub(1);
    }

    /// Whether a URL `depth` hops from a start URL is beyond the link-depth limit.
    fn too_deep(&self, depth: u32) -> bool {
        self.max_depth.is_some_and(|max| depth > max)
    }
}

enum RobotsState {
    /// robots.txt is being fetched; these jobs wait for it.
    Pending(Vec<Job>),
    Ready(Arc<Robots>),
}

/// Which URLs come next: those seen, the jobs waiting for their turn or for their host's
/// robots.txt, and the links already offered.
struct Queue {
    seen: Frontier,
    jobs: VecDeque<Job>,
    robots: HashMap<String, RobotsState>,
    /// Links of the crawl's interner (by address: the interner keeps them all) whose URL
    /// was offered to the frontier and is seen by it.
    offered: foldhash::HashSet<usize>,
    /// Links of the interner that are not crawled (not an http(s) URL, or out of
    /// scope); forgotten when the scope grows.
    outside: foldhash::HashSet<usize>,
}

/// The jobs in flight.
#[derive(Default)]
struct InFlight {
    tasks: JoinSet<Done>,
    jobs: HashMap<Id, Job>,
}

/// What the crawl found.
#[derive(Default)]
struct Results {
    pages: Vec<PageFacts>,
    /// One copy of each distinct link of the kept pages.
    links: FactsInterner,
    records: Vec<FetchRecord>,
    /// In-scope URLs never fetched.
    not_fetched: u64,
    /// In-scope URLs robots.txt disallows.
    disallowed: u64,
    /// URLs skipped, by reason.
    skipped: BTreeMap<SkipReason, u64>,
    /// Fetches that had no answer or a 5xx.
    errors: u64,
    /// Whether the start URL's fate is known.
    start_done: bool,
    /// Why the start URL could not be fetched, when it could not.
    start_failure: Option<String>,
}

/// The state of one crawl.
pub(super) struct Crawl {
    target: CrawlTarget,
    pace: Pace,
    queue: Queue,
    inflight: InFlight,
    /// Shared with the fetch tasks.
    analysis: Arc<Analysis>,
    kept: Kept,
    /// The crawl's clock, and which kept pages it takes unchanged.
    trust_setup: TrustSetup,
    trust: Trust,
    results: Results,
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

impl Crawl {
    pub(super) fn new(
        src: &HttpSource,
        probes: Selectors,
        limits: AnalysisLimits,
        snapshot: Option<Arc<Snapshot>>,
    ) -> Self {
        let o = &src.options;
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let setup: Arc<str> = cache::analysis_setup(&probes, &limits).into();
        Crawl {
            kept: Kept::new(src.cache.clone(), setup, snapshot.is_some()),
            analysis: Arc::new(Analysis {
                probes,
                limits,
                quirks: src.quirks(),
                slots: Arc::new(tokio::sync::Semaphore::new(cpus + 1)),
                snapshot,
            }),
            target: CrawlTarget {
                start: src.start.clone(),
                seeds: src.seeds.clone(),
                options: o.clone(),
                client: src.client.clone(),
                scope: src.scope.clone(),
            },
            pace: Pace {
                politeness: Politeness::new(o.concurrency, o.delay),
                max_inflight: o.concurrency.max(1) * 2 + 2,
                max_pages: o.max_pages,
                max_depth: o.max_depth,
                pages_dispatched: 0,
                sitemaps_offered: 0,
            },
            queue: Queue {
                seen: Frontier::new(o.max_query_variants.max(1)),
                jobs: VecDeque::new(),
                robots: HashMap::new(),
                offered: foldhash::HashSet::default(),
                outside: foldhash::HashSet::default(),
            },
            inflight: InFlight::default(),
            trust_setup: TrustSetup {
                now: o.clock.unwrap_or_else(trust::system_clock),
                revalidate_after: chrono::TimeDelta::from_std(o.revalidate_after)
                    .unwrap_or(chrono::TimeDelta::MAX),
                full: o.revalidate_all,
            },
            trust: Trust::default(),
            results: Results::default(),
        }
    }

    fn is_start(&self, url: &Url) -> bool {
        url == &self.target.start
    }

    /// Whether the start URL's fate is still open and `url` is the start URL; if so, it
    /// is now settled (by the caller).
    fn settles_start(&mut self, url: &Url) -> bool {
        let settles = self.is_start(url) && !self.results.start_done;
        self.results.start_done |= settles;
        settles
    }

    /// Count and log (debug level) a URL skipped.
    fn skip(&mut self, url: &str, reason: SkipReason) {
        self.skip_because(url, reason, reason.explanation());
    }

    /// [`Self::skip`], logging a more particular `why` than the reason's own words.
    fn skip_because(&mut self, url: &str, reason: SkipReason, why: &str) {
        tracing::debug!(url, reason = why, "skipped");
        *self.results.skipped.entry(reason).or_default() += 1;
    }

    /// A page in scope that will not be fetched: a failed page (its rules are `incomplete`).
    fn give_up(&mut self, job: Job, reason: SkipReason) {
        self.give_up_because(job, reason, reason.explanation());
    }

    /// [`Self::give_up`], with a more particular `why` (the stop's own reason).
    fn give_up_because(&mut self, job: Job, reason: SkipReason, why: &str) {
        self.skip_because(job.url.as_str(), reason, why);
        if job.kind.is_page() {
            self.results.not_fetched += 1;
            if self.settles_start(&job.url) {
                self.results.start_failure = Some(why.to_string());
            }
            self.keep(PageFacts::failed(job.url.as_str(), why), None);
        }
    }

    /// Offer a URL found on a page, in a sitemap or by a platform.
    fn offer(&mut self, url: Url, depth: u32, kind: Kind) {
        // Listings are bounded by their platform's page caps, not the trap guard.
        let new = match kind {
            Kind::Listing(_) => self.queue.seen.mark_seen(&url),
            _ => match self.queue.seen.admit(&url) {
                Admit::New => true,
                Admit::Seen => false,
                Admit::Trapped => {
                    self.skip(url.as_str(), SkipReason::LinkTrap);
                    false
                }
            },
        };
        if !new {
            return;
        }
        let job = Job { url, depth, kind };
        if self.pace.too_deep(depth) {
            self.give_up(job, SkipReason::DepthLimit);
            return;
        }
        self.route(job);
    }

    /// Queue a job once its host's robots.txt is known, and if it allows it.
    fn route(&mut self, job: Job) {
        let host = frontier::host_key(&job.url);
        match self.queue.robots.get_mut(&host) {
            Some(RobotsState::Ready(r)) => {
                let r = r.clone();
                if r.allowed(&path_and_query(&job.url)) {
                    self.queue.jobs.push_back(job);
                } else {
                    // Not a page of the scan, as an off-scope link is not.
                    self.skip(job.url.as_str(), SkipReason::Robots);
                    self.results.disallowed += 1;
                    if self.settles_start(&job.url) {
                        self.results.start_failure = Some(match &r.unreachable {
                            Some(why) => format!("its robots.txt could not be fetched: {why}"),
                            None => "robots.txt disallows it".into(),
                        });
                    }
                }
            }
            Some(RobotsState::Pending(waiting)) => waiting.push(job),
            None => {
                let Ok(robots_url) = job.url.join("/robots.txt") else {
                    self.queue.jobs.push_back(job);
                    return;
                };
                self.queue
                    .robots
                    .insert(host, RobotsState::Pending(vec![job]));
                self.queue.seen.mark_seen(&robots_url);
                self.queue.jobs.push_front(Job {
                    url: robots_url,
                    depth: 0,
                    kind: Kind::Robots,
                });
            }
        }
    }

    fn fetch_config(&self, kind: &Kind) -> FetchConfig {
        let o = &self.target.options;
        FetchConfig {
            // Only pages are analysed; robots.txt and sitemaps are read whatever their type.
            // A snapshot keeps attachments too.
            skip_non_text: kind.is_page() && self.analysis.snapshot.is_none(),
            max_body: o.max_body,
            tries: o.tries,
            backoff: o.backoff,
            max_retry_wait: o.max_retry_wait,
        }
    }

    /// Start jobs while there is room: a page beyond the page limit is given up.
    fn dispatch(&mut self) {
        while self.inflight.tasks.len() < self.pace.max_inflight {
            let Some(job) = self.queue.jobs.pop_front() else {
                return;
            };
            if !self.pace.admit(&job.kind) {
                self.give_up(job, SkipReason::PageLimit);
                continue;
            }
            let job = match self.take_trusted(job) {
                Some(job) => job,
                None => continue,
            };
            let task = self.task_for(&job);
            let handle = self.inflight.tasks.spawn(task.run(job.clone()));
            self.inflight.jobs.insert(handle.id(), job);
        }
    }

    /// Take `job`'s kept page unchanged, without a request, when the crawl trusts it (see
    /// [`trust`]); otherwise give the job back, to be fetched.
    fn take_trusted(&mut self, job: Job) -> Option<Job> {
        let trustable = matches!(job.kind, Kind::Page)
            && !self.is_start(&job.url)
            && !self.analysis.quirks.reads_body(&job.url)
            && self.trust.trusts(&job.url);
        let place = trustable
            .then(|| {
                self.kept
                    .take_indexed(job.url.as_str(), &self.results.pages)
            })
            .flatten();
        let Some(place) = place else {
            return Some(job);
        };
        let Some(kept) = self.results.pages.get_mut(place) else {
            return Some(job);
        };
        trust::mark_trusted(kept);
        tracing::debug!(url = job.url.as_str(), "trusted unchanged");
        // Lent to `follow` and put back, as a page answered 304 is.
        let facts = std::mem::replace(kept, PageFacts::failed(String::new(), String::new()));
        self.follow(&job, &facts, None, None);
        self.results.pages[place] = facts;
        self.trust.trusted(TrustedPage {
            url: job.url,
            depth: job.depth,
            place,
        });
        None
    }

    /// Ask the site about pages trusted earlier in the crawl that a list fetched since
    /// shows changed: their kept facts go back to the facts index, to be revalidated.
    fn revalidate(&mut self, pages: Vec<TrustedPage>) {
        for p in pages {
            tracing::debug!(url = p.url.as_str(), "a list entry changed: revalidated");
            self.kept.put_back(p.url.as_str(), p.place);
            self.pace.readmit();
            self.queue.jobs.push_back(Job {
                url: p.url,
                depth: p.depth,
                kind: Kind::Page,
            });
        }
    }

    /// What the fetch task of `job` takes along: the host's turn, its lookup in the
    /// cache, the analysis.
    fn task_for(&self, job: &Job) -> Task {
        let cfg = self.fetch_config(&job.kind);
        // A page whose body no platform reads for further pages (that one is read again
        // each crawl) may take its facts from the facts index.
        let indexable =
            || matches!(job.kind, Kind::Page) && !self.analysis.quirks.reads_body(&job.url);
        Task {
            client: self.target.client.clone(),
            gate: self.pace.politeness.gate(&frontier::host_key(&job.url)),
            kept: self
                .kept
                .lookup(job.url.as_str(), indexable, &cfg, &self.results.pages),
            analysis: Arc::clone(&self.analysis),
            cfg,
        }
    }

    fn counts(&self) -> Counts {
        Counts {
            fetched: self.results.records.len() as u64,
            queued: (self.queue.jobs.len() + self.inflight.tasks.len()) as u64,
            errors: self.results.errors,
        }
    }

    /// Take in a job whose task ended (or failed).
    fn joined(&mut self, joined: Result<(Id, Done), JoinError>) {
        match joined {
            Ok((id, done)) => {
                self.inflight.jobs.remove(&id);
                self.take(done);
            }
            Err(e) => {
                if let Some(job) = self.inflight.jobs.remove(&e.id()) {
                    self.results.errors += 1;
                    self.give_up(job, SkipReason::FetchAborted);
                }
            }
        }
    }

    /// Take in a finished job: its record, what it says of robots.txt and sitemaps, its
    /// facts (kept, or put back in place for a page of the facts index), and the pages
    /// it leads to.
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
            analysed,
            from_index,
            validators,
        } = done;
        if matches!(record.class, StatusClass::Error | StatusClass::ServerError) {
            self.results.errors += 1;
        }
        self.results.records.push(record);
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
        let (place, facts) = if from_index {
            self.lend_indexed(&job.url)
        } else {
            (None, facts)
        };
        let Some(mut facts) = facts else {
            return;
        };
        trust::confirmed_now(&mut facts, self.trust_setup.now);
        if analysed {
            // Compared with its kept facts, still in place until the index is written.
            let url = job.url.as_str();
            let was = self.kept.indexed_place(url, &self.results.pages);
            let was = was.and_then(|at| self.results.pages.get(at));
            let again = self.trust.observe(&facts, was);
            self.revalidate(again);
        }
        // The index's pages were read back shared.
        if from_index {
            // Its time of confirmation changed.
            self.kept.confirmed_again();
        } else {
            self.results.links.intern(&mut facts);
            if validators.is_some() {
                // Not in the index, or fetched again.
                self.kept.account(job.url.as_str(), &self.results.pages);
            }
        }
        if self.settles_start(&job.url) {
            self.start_fetched(&facts, final_url.as_ref());
        }
        if follow {
            self.follow(&job, &facts, found, final_url);
        }
        match place.and_then(|at| self.results.pages.get_mut(at)) {
            Some(kept) => *kept = facts,
            None => self.keep(facts, validators),
        }
    }

    /// The facts of `url`'s page in the facts index (answered 304 to its validators),
    /// taken out of their place, which is given too.
    fn lend_indexed(&mut self, url: &Url) -> (Option<usize>, Option<PageFacts>) {
        let place = self.kept.take_indexed(url.as_str(), &self.results.pages);
        let lent = place
            .and_then(|at| self.results.pages.get_mut(at))
            .map(|p| std::mem::replace(p, PageFacts::failed(String::new(), String::new())));
        match lent {
            Some(facts) => (place, Some(facts)),
            // Taken once: the frontier hands out each URL once, so this cannot be.
            None => (
                None,
                Some(PageFacts::failed(url.as_str(), "its kept facts were lost")),
            ),
        }
    }

    /// The start URL came back: note why it failed, if it did, and follow it to the host
    /// it redirects to (`www.`, a new domain).
    /// A start page answering 4xx or 5xx (a firewall's 403, a 404 for a moved site) is a
    /// failure too: what the crawler was shown is not the site.
    fn start_fetched(&mut self, facts: &PageFacts, final_url: Option<&Url>) {
        match &facts.fetch {
            FetchState::Failed { reason } => self.results.start_failure = Some(reason.clone()),
            FetchState::Fetched { status } if *status >= 400 => {
                self.results.start_failure = Some(format!("it answered HTTP {status}"));
            }
            FetchState::Fetched { .. } => {}
        }
        if let Some(fin) = final_url {
            self.target.scope.add_host(frontier::host_key(fin));
            self.queue.outside.clear();
        }
    }

    /// Follow a 2xx page: its links, the listings a platform asks for after it, and its
    /// final URL after a redirect (kept as a page too).
    fn follow(
        &mut self,
        job: &Job,
        facts: &PageFacts,
        found: Option<Found>,
        final_url: Option<Url>,
    ) {
        let next = job.depth.saturating_add(1);
        self.follow_links(facts, next);
        if let Some(found) = found {
            self.follow_platform(job, found, next);
        }
        if let Some(fin) = final_url {
            if self.target.scope.contains(&fin) && self.queue.seen.mark_seen(&fin) {
                let mut twin = facts.clone();
                twin.url = fin.to_string();
                self.keep(twin, None);
            }
        }
    }

    /// Offer the in-scope links of a page, `depth` hops from a start URL.
    fn follow_links(&mut self, facts: &PageFacts, depth: u32) {
        // Most links are the site's navigation again: a link (the interner's one
        // copy) whose URL the frontier has seen, or that is not crawled, is not
        // parsed and offered again.
        let mut links: Vec<(usize, Url)> = Vec::new();
        for l in &facts.links {
            let key = Arc::as_ptr(l) as usize;
            if self.queue.offered.contains(&key) || self.queue.outside.contains(&key) {
                continue;
            }
            match frontier::normalize(&l.url).filter(|u| self.target.scope.contains(u)) {
                Some(u) => links.push((key, u)),
                None => {
                    self.queue.outside.insert(key);
                }
            }
        }
        for (key, u) in links {
            self.offer(u.clone(), depth, Kind::Page);
            // Offered again it would be seen already: nothing would happen (a URL
            // the trap guard dropped is counted each time, so it is offered again).
            if self.queue.seen.is_seen(&u) {
                self.queue.offered.insert(key);
            }
        }
    }

    /// Offer the listings a platform asks for after `job`'s page revealed `found`: one
    /// found from the page is `next` hops from a start URL, one continuing the page's
    /// listing as far as the page (and only within the scope).
    fn follow_platform(&mut self, job: &Job, found: Found, next: u32) {
        let listing = match job.kind {
            Kind::Listing(l) => Some(l),
            _ => None,
        };
        let quirks = self.analysis.quirks;
        for f in quirks.further(found, &job.url, listing) {
            if f.continues && !self.target.scope.contains(&f.url) {
                continue;
            }
            let depth = if f.continues { job.depth } else { next };
            self.offer(f.url, depth, Kind::Listing(f.listing));
        }
    }

    /// Keep a page's facts, with the validators under which they go into the next
    /// facts index, if they can.
    fn keep(&mut self, facts: PageFacts, validators: Option<Validators>) {
        self.kept.push(validators);
        self.results.pages.push(facts);
    }

    fn robots_ready(&mut self, robots_url: &Url, robots: Robots) {
        let host = frontier::host_key(robots_url);
        if let Some(delay) = robots.crawl_delay {
            self.pace.politeness.gate(&host).raise_interval(delay);
        }
        for s in &robots.sitemaps {
            self.offer_sitemap(s, 0);
        }
        let robots = Arc::new(robots);
        let ready = RobotsState::Ready(robots.clone());
        let waiting = match self.queue.robots.insert(host, ready) {
            Some(RobotsState::Pending(w)) => w,
            _ => Vec::new(),
        };
        for job in waiting {
            self.route(job);
        }
    }

    /// Queue a sitemap at `level` of nesting, within scope and the crawl's sitemap limit.
    fn offer_sitemap(&mut self, url: &str, level: u8) {
        if self.pace.sitemaps_offered >= MAX_SITEMAPS {
            self.skip(url, SkipReason::SitemapLimit);
            return;
        }
        if let Some(u) = frontier::normalize(url) {
            if self.target.scope.contains(&u) {
                self.pace.sitemaps_offered += 1;
                self.offer(u, 0, Kind::Sitemap { level });
            }
        }
    }

    fn sitemap_entries(&mut self, map: Sitemap, level: u8) {
        if level < MAX_SITEMAP_LEVEL {
            for s in &map.sitemaps {
                self.offer_sitemap(s, level + 1);
            }
        }
        for p in map.pages {
            if let Some(u) = frontier::normalize(&p) {
                if self.target.scope.contains(&u) {
                    self.offer(u, 1, Kind::Page);
                }
            }
        }
        // Kept pages the sitemap says changed since the site last confirmed them.
        let again: Vec<TrustedPage> = map
            .modified
            .iter()
            .filter_map(|(url, lastmod)| {
                let at = sitemap::lastmod_utc(lastmod)?;
                self.trust.modified(&frontier::normalize(url)?, at)
            })
            .collect();
        self.revalidate(again);
    }

    /// Stop: every job not done becomes a failed page.
    fn stop(&mut self, why: &str) {
        self.inflight.tasks.abort_all();
        let inflight: Vec<Job> = self.inflight.jobs.drain().map(|(_, j)| j).collect();
        let queued: Vec<Job> = self.queue.jobs.drain(..).collect();
        let waiting: Vec<Job> = self
            .queue
            .robots
            .values_mut()
            .filter_map(|s| match s {
                RobotsState::Pending(w) => Some(std::mem::take(w)),
                RobotsState::Ready(_) => None,
            })
            .flatten()
            .collect();
        for job in inflight.into_iter().chain(queued).chain(waiting) {
            self.give_up_because(job, SkipReason::Stopped, why);
        }
    }

    /// Crawl from the start URL and the seeds until no job is left or the crawl is
    /// stopped; then check the off-site links if asked to, and sum up.
    pub(super) async fn run(mut self) -> Finished {
        let started = tokio::time::Instant::now();
        // The facts index is read before the first request: read while the first pages
        // were fetched, it lost more to the pages fetched without it than it won.
        if let Some(read) = self.kept.read_index().await {
            self.kept
                .adopt(read, &mut self.results.pages, &mut self.results.links);
            let (setup, start) = (&self.trust_setup, &self.target.start);
            self.trust = Trust::new(setup, start, &self.results.pages);
        }
        let mut watch = Watch::new(&self.target.options);
        self.seed();
        let mut stopped = self.crawl_pages(&mut watch).await;
        self.settle().await;
        let (external, tally) = self.check_external(&mut stopped, &mut watch).await;
        watch.progress.finish(self.counts());
        self.finished(started, stopped, external, tally)
    }

    /// Queue the start URL and the seeds.
    fn seed(&mut self) {
        let start = self.target.start.clone();
        let seeds = self.target.seeds.clone();
        for u in std::iter::once(start).chain(seeds) {
            if self.queue.seen.admit(&u) == Admit::New {
                self.route(Job {
                    url: u,
                    depth: 0,
                    kind: Kind::Page,
                });
            }
        }
    }

    /// Start jobs and take them in until none is left; `true` when the deadline or
    /// Ctrl-C stopped the crawl first (the jobs left are then failed pages).
    async fn crawl_pages(&mut self, watch: &mut Watch) -> bool {
        loop {
            self.dispatch();
            if self.inflight.tasks.is_empty() && self.queue.jobs.is_empty() {
                return false;
            }
            tokio::select! {
                biased;
                why = watch.stops.wait() => {
                    self.stop(why);
                    return true;
                }
                Some(joined) = self.inflight.tasks.join_next_with_id() => self.joined(joined),
                _ = watch.tick.tick() => watch.progress.update(self.counts()),
            }
        }
    }

    /// Once the pages are in: account for every job, write the cache's entries and its
    /// facts index, and put the pages in order.
    async fn settle(&mut self) {
        // Hosts whose robots.txt never came (cannot happen once the loop drained, but
        // never leave a job unaccounted for).
        self.stop("not fetched");
        // Every entry of the pages taken in is on disk before the crawl ends.
        self.kept.flush_entries().await;
        // Written before the pages are sorted: their validators are kept in their order.
        let cut_short = self.results.not_fetched > 0 || self.results.errors > 0;
        let results = &mut self.results;
        self.kept
            .write_index(&mut results.pages, &results.links, cut_short);
        // The frontier admits each URL once, so URLs are unique and the in-place
        // (allocation-free) unstable sort gives the same order every run.
        self.results
            .pages
            .sort_unstable_by(|a, b| a.url.cmp(&b.url));
    }

    /// With `check_external`, check the off-site links of the pages fetched, ordered by
    /// URL; once `stopped` (before or during the checks), the checks left are not started.
    async fn check_external(
        &mut self,
        stopped: &mut bool,
        watch: &mut Watch,
    ) -> (Vec<ExternalLink>, Tally) {
        if !self.target.options.check_external {
            return (Vec::new(), Tally::default());
        }
        let mut checker = self.checker();
        loop {
            checker.dispatch();
            if checker.is_done() {
                break;
            }
            // Once stopped, the checks are not started at all: they stay unchecked.
            if *stopped {
                checker.stop();
                break;
            }
            tokio::select! {
                biased;
                _ = watch.stops.wait() => *stopped = true,
                Some(()) = checker.next() => {}
                _ = watch.tick.tick() => {
                    let (done, left) = checker.progress();
                    watch.progress.update(Counts {
                        fetched: self.results.records.len() as u64 + done,
                        queued: left,
                        errors: self.results.errors,
                    });
                }
            }
        }
        let (mut external, tally) = checker.finish();
        external.sort_unstable_by(|a, b| a.url.cmp(&b.url));
        (external, tally)
    }

    /// The checker of the off-site links of the pages fetched.
    fn checker(&self) -> Checker {
        let o = &self.target.options;
        let targets =
            external::targets(&self.results.pages, &self.target.start, &self.target.scope);
        Checker::new(
            self.target.client.clone(),
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

    /// What the crawl returns, with the summary of its fetches.
    fn finished(
        mut self,
        started: tokio::time::Instant,
        stopped: bool,
        external: Vec<ExternalLink>,
        tally: Tally,
    ) -> Finished {
        if !self.results.start_done {
            self.results.start_failure = Some("it was not fetched".into());
        }
        let mut summary = FetchSummary::of(&self.results.records);
        summary.not_fetched = self.results.not_fetched;
        summary.disallowed = self.results.disallowed;
        summary.longest_interval_millis =
            u64::try_from(self.pace.politeness.longest_interval().as_millis()).unwrap_or(u64::MAX);
        for (reason, n) in &self.results.skipped {
            *summary.skipped.entry(*reason).or_default() += n;
        }
        (summary.trusted, summary.oldest_trusted_age_secs) =
            trust::trusted_count_and_oldest(&self.results.pages, self.trust_setup.now);
        summary.trapped = self.queue.seen.trapped();
        summary.stopped_early = stopped;
        summary.elapsed_millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        summary.external_checked = tally.checked;
        summary.external_broken = tally.broken;
        summary.external_unreachable = tally.unreachable;
        summary.external_unchecked = tally.unchecked;
        summary.external_requests = tally.requests;
        Finished {
            pages: self.results.pages,
            records: self.results.records,
            summary,
            start_failure: self.results.start_failure,
            external,
        }
    }
}

/// A future that ends the crawl's waits (the deadline, Ctrl-C).
type StopSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What the crawl's waits watch for: the deadline and Ctrl-C, which stop it, and the
/// progress display's tick.
struct Watch {
    stops: Stops,
    tick: tokio::time::Interval,
    progress: Progress,
}

/// The deadline and Ctrl-C.
struct Stops {
    deadline: StopSignal,
    ctrl_c: StopSignal,
    /// Why the crawl was stopped, once it was.
    fired: Option<&'static str>,
}

impl Watch {
    fn new(options: &CrawlOptions) -> Self {
        let progress = Progress::new(options.progress);
        let deadline = options.deadline;
        let deadline: StopSignal = Box::pin(async move {
            match deadline {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending::<()>().await,
            }
        });
        let listen = options.stop_on_ctrl_c;
        let ctrl_c: StopSignal = Box::pin(async move {
            if listen && tokio::signal::ctrl_c().await.is_ok() {
                return;
            }
            std::future::pending::<()>().await;
        });
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        Watch {
            stops: Stops {
                deadline,
                ctrl_c,
                fired: None,
            },
            tick,
            progress,
        }
    }
}

impl Stops {
    /// Wait for the deadline or Ctrl-C; why the crawl stops (for the pages not fetched).
    async fn wait(&mut self) -> &'static str {
        if let Some(why) = self.fired {
            return why;
        }
        let why = tokio::select! {
            biased;
            () = &mut self.deadline => "not fetched: the crawl's deadline passed",
            () = &mut self.ctrl_c => "not fetched: the crawl was interrupted",
        };
        self.fired = Some(why);
        why
    }
}
