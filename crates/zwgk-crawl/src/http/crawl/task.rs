//! One job's fetch task: the cache looked up, the URL fetched (conditionally), the body
//! analysed where it costs least, and the response kept.
//!
//! Analysis is CPU-bound. A body up to [`INLINE_ANALYSIS_MAX`], when no snapshot is
//! written, is analysed on the runtime's thread that received it (its cache entry, if
//! any, written by the crawl's entry writer thread); larger bodies and those saved in a
//! snapshot are analysed, saved and kept on the blocking pool.

use std::sync::Arc;

use tokio::sync::Semaphore;
use zwgk_core::{PageFacts, Selectors};

use super::super::fetch::{self, FetchConfig, Response};
use super::super::frontier;
use super::super::politeness::HostGate;
use super::super::record::FetchRecord;
use super::super::robots::{Robots, MAX_ROBOTS_BYTES};
use super::super::sitemap;
use super::super::snapshot::Snapshot;
use super::job::{Done, Job, Kind};
use super::kept::{Answer, Fetched, Lookup};
use crate::analyze::{analyze, AnalysisLimits};
use crate::quirks::Quirks;

/// Bodies up to this size, when no snapshot is written, are analysed on the runtime's
/// thread that received them (their cache entries, if any, are written by the crawl's
/// entry writer); larger ones on the blocking pool.
const INLINE_ANALYSIS_MAX: usize = 256 * 1024;

/// What becomes of fetched bodies, shared by the crawl's fetch tasks: how they are
/// analysed, how many at once on the blocking pool, and the snapshot they are saved in.
pub(super) struct Analysis {
    /// The rule pack's selector probes.
    pub probes: Selectors,
    pub limits: AnalysisLimits,
    /// The platforms the crawl knows.
    pub quirks: Quirks,
    /// Bodies analysed at once on the blocking pool at most (the analysis is
    /// CPU-bound): one more than there are cores, so that a core finishing a page finds
    /// the next one already handed to a thread instead of idling through the hand-over.
    pub slots: Arc<Semaphore>,
    /// Where fetched bodies are saved as a mirror folder, if anywhere.
    pub snapshot: Option<Arc<Snapshot>>,
}

/// What one job's fetch task takes along.
pub(super) struct Task {
    pub client: reqwest::Client,
    /// The turn of the job's host.
    pub gate: Arc<HostGate>,
    pub cfg: FetchConfig,
    pub analysis: Arc<Analysis>,
    /// The job's lookup in the cache and its facts index.
    pub kept: Lookup,
}

impl Task {
    /// Fetch `job`'s URL and make what it gives.
    pub async fn run(mut self, job: Job) -> Done {
        self.kept.read(&job.url).await;
        let validators = self.kept.validators();
        let (result, mut record) =
            fetch::fetch_conditional(&self.client, &self.gate, &job.url, &self.cfg, validators)
                .await;
        let resp = match result {
            Ok(resp) => resp,
            Err(why) => return Done::failed(job, record, why),
        };
        match self.kept.answer(&job.url, resp, &mut record) {
            Answer::Indexed(validators) => Done::indexed(job, record, validators),
            Answer::Response(fetched) => self.analyse(job, fetched, record).await,
        }
    }

    /// Analyse the response (see the module doc for where), keep it in the cache, and
    /// say under which validators the page goes into the facts index.
    async fn analyse(self, job: Job, mut f: Fetched, record: FetchRecord) -> Done {
        let Task { analysis, kept, .. } = self;
        let index_as = f.index_as.take();
        let with_index = |mut done: Done| {
            done.validators = index_as.filter(|_| done.follow);
            done
        };
        let snapshot = analysis.snapshot.is_some();
        if f.reused.is_some() && !snapshot {
            let done = analysis.analyse(job, &f.resp, record, f.reused.take());
            return with_index(done);
        }
        if !snapshot && f.resp.body.len() <= INLINE_ANALYSIS_MAX {
            let done = analysis.analyse(job, &f.resp, record, None);
            kept.keep(&done.job.url, &f, done.facts.as_ref(), done.analysed)
                .await;
            return with_index(done);
        }
        let slot = analysis.slots.clone().acquire_owned().await;
        let fallback = (job.clone(), record.clone());
        let analysed = tokio::task::spawn_blocking(move || {
            // The slot is given back as soon as the analysis ends, on this thread: the
            // next body waiting for one does not wait for this task to be polled again.
            let _slot = slot;
            if let Some(s) = &analysis.snapshot {
                save(s, &job, &f.resp);
            }
            let reused = f.reused.take();
            let done = analysis.analyse(job, &f.resp, record, reused);
            kept.store(&done.job.url, &f, done.facts.as_ref(), done.analysed);
            with_index(done)
        })
        .await;
        analysed.unwrap_or_else(|_| {
            let (job, record) = fallback;
            Done::failed(job, record, "the page could not be analysed".into())
        })
    }
}

impl Analysis {
    /// What a fetched body gives: the facts of a page (made as the final URL, so that
    /// relative links resolve against it, kept as the URL asked for), a robots.txt, a
    /// sitemap, and what the page reveals to the platforms the crawl knows.
    ///
    /// `reused`: the facts kept in the cache for this very body (answered 304), used
    /// instead of analysing it again.
    pub fn analyse(
        &self,
        job: Job,
        resp: &Response,
        record: FetchRecord,
        reused: Option<PageFacts>,
    ) -> Done {
        let mut done = Done::bare(job, record);
        let url = done.job.url.clone();
        let ct = resp.content_type.as_deref();
        match done.job.kind {
            Kind::Robots => {
                done.robots = Some(robots_of(resp));
                done.facts = Some(if (200..300).contains(&resp.status) {
                    self.facts(url.as_str(), resp)
                } else {
                    PageFacts::other(url.as_str(), resp.status, ct.unwrap_or("text/plain"))
                });
                return done;
            }
            Kind::Sitemap { .. } => {
                if (200..300).contains(&resp.status) {
                    done.sitemap = Some(sitemap::read(&resp.body, ct));
                }
                return done;
            }
            Kind::Page | Kind::Listing(_) => {}
        }
        if !(200..300).contains(&resp.status) {
            done.facts = unanswered(&done.job, resp);
            return done;
        }
        let final_url = frontier::normalize(resp.final_url.as_str()).unwrap_or_else(|| url.clone());
        let mut facts = match reused {
            Some(facts) => facts,
            None => {
                done.analysed = true;
                self.facts(final_url.as_str(), resp)
            }
        };
        facts.url = url.to_string();
        if final_url != url {
            done.final_url = Some(final_url.clone());
        }
        done.found = self.quirks.found_in(&final_url, ct, &resp.body);
        done.facts = Some(facts);
        done.follow = true;
        done
    }

    /// The facts of the body of `resp`, read as served at `url`.
    fn facts(&self, url: &str, resp: &Response) -> PageFacts {
        let ct = resp.content_type.as_deref();
        analyze(url, resp.status, ct, &resp.body, &self.probes, &self.limits)
    }
}

/// The rules of a robots.txt answer.
fn robots_of(resp: &Response) -> Robots {
    match resp.status {
        200..=299 => {
            let body = &resp.body[..resp.body.len().min(MAX_ROBOTS_BYTES)];
            Robots::parse(&String::from_utf8_lossy(body), super::super::AGENT)
        }
        // No robots.txt (4xx, or 3xx not followed): no restriction.
        300..=499 => Robots::allow_all(),
        s => Robots::unreachable(format!("HTTP {s}")),
    }
}

/// The facts of a page answered with a status other than 2xx: its URL, status and type;
/// none for a listing a platform asked for answered 4xx (it is no page).
fn unanswered(job: &Job, resp: &Response) -> Option<PageFacts> {
    let speculative = matches!(job.kind, Kind::Listing(_));
    if speculative && (400..500).contains(&resp.status) {
        return None;
    }
    let ct = resp.content_type.clone().unwrap_or_else(|| {
        if (400..600).contains(&resp.status) {
            "text/html".to_string()
        } else {
            zwgk_extract::media_type_of(job.url.as_str()).to_string()
        }
    });
    Some(PageFacts::other(job.url.as_str(), resp.status, ct))
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
