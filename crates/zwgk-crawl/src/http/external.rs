//! Checking off-site links (`check_external`): each distinct off-site http(s) link of
//! the fetched pages once, politely, so that `links_available` can count broken ones.
//!
//! - **Which**: links of fetched pages whose host (and port) is none of the crawl's
//!   hosts and which no `exclude` pattern matches; `javascript:`, `mailto:`, `tel:` and
//!   other schemes never. The start page's links come first, then the other pages' in
//!   URL order; at most `max_external` URLs are checked, the rest stay unchecked.
//! - **How**: `HEAD` first. When it answers 400 or above (servers commonly refuse or
//!   mishandle `HEAD`: 405, 501, but also 403, 404, 400, 500) or fails after the
//!   connection was made (timeout, reset), a `GET` confirms it, reading at most
//!   [`PREFIX_BYTES`] of the body before the connection is dropped; the `GET`'s answer
//!   decides, or the `HEAD`'s when the `GET` got none. A connection that cannot be
//!   made (refused, DNS, TLS) is not asked again with another method. Redirects are
//!   followed (at most [`super::fetch::MAX_REDIRECTS`]); the final status counts.
//! - **Politely**: the tool's `User-Agent` and time limit; per off-site host at most
//!   `external_concurrency` checks in flight and at least `delay` between request
//!   starts; [`MAX_IN_FLIGHT`] checks in flight in all; 429 and 5xx are retried (after
//!   `Retry-After` for 429/503, up to `max_retry_wait`), timeouts and resets with
//!   backoff, at most `tries` requests per method. robots.txt is not read for a
//!   single request per link, as link checkers do not.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::task::JoinSet;
use url::Url;
use zwgk_core::{CheckMethod, ExternalLink, PageFacts};

use super::fetch::{classify, retry_after, Failure};
use super::frontier::{self, Scope};
use super::politeness::{HostGate, Politeness};

/// Off-site URLs checked at most by default (`max_external`).
pub const DEFAULT_MAX_EXTERNAL: usize = 2000;

/// Checks in flight per off-site host by default (`external_concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 1;

/// Body bytes a confirming `GET` reads at most before dropping the connection.
pub const PREFIX_BYTES: usize = 64 * 1024;

/// Checks in flight at once over every off-site host.
pub const MAX_IN_FLIGHT: usize = 16;

/// How each off-site URL is checked.
#[derive(Debug, Clone, Copy)]
pub struct CheckConfig {
    /// Requests per method at most (1 = no retry).
    pub tries: u32,
    /// The wait before the second try, doubled before each further one.
    pub backoff: Duration,
    /// The longest wait honoured from `Retry-After`.
    pub max_retry_wait: Duration,
    /// Body bytes a `GET` reads at most.
    pub prefix: usize,
}

/// What checking one URL came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The request whose answer (or failure) decided.
    pub method: CheckMethod,
    /// The final status, or why none was had.
    pub result: Result<u16, String>,
    /// Requests sent, both methods and retries included.
    pub requests: u32,
}

/// One request's outcome.
enum Once {
    Status {
        status: u16,
        wait: Option<Duration>,
    },
    Failed {
        why: String,
        transient: bool,
        connect: bool,
    },
}

/// One method's outcome after retries.
enum Answer {
    Status(u16),
    Failed { why: String, connect: bool },
}

async fn once(client: &reqwest::Client, method: CheckMethod, url: &Url, prefix: usize) -> Once {
    let req = match method {
        CheckMethod::Head => client.head(url.clone()),
        CheckMethod::Get => client.get(url.clone()),
    };
    let mut resp = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            let (why, transient) = match classify(&e) {
                Failure::Transient(why) => (why, true),
                Failure::Permanent(why) => (why, false),
            };
            return Once::Failed {
                why,
                transient,
                connect: e.is_connect(),
            };
        }
    };
    let status = resp.status().as_u16();
    if status == 429 || status >= 500 {
        let wait = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, SystemTime::now()));
        return Once::Status { status, wait };
    }
    if method == CheckMethod::Get {
        // A small prefix shows the body flows; the rest is not wanted.
        let mut read = 0usize;
        while read < prefix {
            match resp.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) | Err(_) => break,
            }
        }
    }
    // Dropping the response closes the connection when the body was not read to its end.
    Once::Status { status, wait: None }
}

/// Ask `url` with `method` through the host's gate, retrying 429, 5xx and transient
/// failures. Returns the answer and the requests sent.
async fn ask(
    client: &reqwest::Client,
    gate: &HostGate,
    method: CheckMethod,
    url: &Url,
    cfg: &CheckConfig,
) -> (Answer, u32) {
    let tries = cfg.tries.max(1);
    let mut backoff = cfg.backoff;
    let mut sent = 0u32;
    loop {
        let outcome = {
            let Some(_permit) = gate.acquire().await else {
                let why = "no request slot for the host".to_string();
                return (Answer::Failed { why, connect: true }, sent);
            };
            sent += 1;
            once(client, method, url, cfg.prefix).await
        };
        let last = sent >= tries;
        match outcome {
            Once::Status { status, wait } if status == 429 || status >= 500 => {
                if last {
                    return (Answer::Status(status), sent);
                }
                let wait = match wait {
                    Some(w) if status == 429 || status == 503 => w.min(cfg.max_retry_wait),
                    _ => backoff,
                };
                tokio::time::sleep(wait).await;
            }
            Once::Status { status, .. } => return (Answer::Status(status), sent),
            Once::Failed {
                transient: true, ..
            } if !last => tokio::time::sleep(backoff).await,
            Once::Failed {
                why,
                transient,
                connect,
            } => {
                let why = if transient && sent > 1 {
                    format!("{why} (after {sent} tries)")
                } else {
                    why
                };
                return (Answer::Failed { why, connect }, sent);
            }
        }
        backoff = backoff.saturating_mul(2);
    }
}

/// Check one off-site URL: `HEAD`, confirmed by a `GET` when the `HEAD` answers 400 or
/// above or fails after connecting (see the [module docs](self)).
pub async fn check(
    client: &reqwest::Client,
    gate: &HostGate,
    url: &Url,
    cfg: &CheckConfig,
) -> Checked {
    let (head, head_sent) = ask(client, gate, CheckMethod::Head, url, cfg).await;
    let confirm = match &head {
        Answer::Status(s) => *s >= 400,
        Answer::Failed { connect, .. } => !connect,
    };
    if !confirm {
        return Checked {
            method: CheckMethod::Head,
            result: match head {
                Answer::Status(s) => Ok(s),
                Answer::Failed { why, .. } => Err(why),
            },
            requests: head_sent,
        };
    }
    let (get, get_sent) = ask(client, gate, CheckMethod::Get, url, cfg).await;
    let requests = head_sent + get_sent;
    let (method, result) = match (head, get) {
        (_, Answer::Status(s)) => (CheckMethod::Get, Ok(s)),
        // The HEAD's answer stands when the GET got none.
        (Answer::Status(s), Answer::Failed { .. }) => (CheckMethod::Head, Ok(s)),
        (Answer::Failed { .. }, Answer::Failed { why, .. }) => (CheckMethod::Get, Err(why)),
    };
    Checked {
        method,
        result,
        requests,
    }
}

/// One off-site URL to check and the link URLs (as the pages give them) naming it.
#[derive(Debug, Clone)]
pub(super) struct Target {
    url: Url,
    links: Vec<String>,
}

/// The distinct off-site http(s) URLs linked from `pages`: the start page's links
/// first, then the other pages' in the order given.
pub(super) fn targets(pages: &[PageFacts], start: &Url, scope: &Scope) -> Vec<Target> {
    let mut order: Vec<Target> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let first = pages.iter().filter(|p| p.url == start.as_str());
    let rest = pages.iter().filter(|p| p.url != start.as_str());
    for page in first.chain(rest) {
        for link in &page.links {
            let Some(url) = frontier::normalize(&link.url) else {
                continue;
            };
            if scope.contains(&url) || scope.has_host(&url) || scope.excludes(&url) {
                continue;
            }
            match index.get(url.as_str()) {
                Some(&i) => {
                    let t = &mut order[i];
                    if !t.links.iter().any(|l| *l == link.url) {
                        t.links.push(link.url.clone());
                    }
                }
                None => {
                    index.insert(url.to_string(), order.len());
                    order.push(Target {
                        url,
                        links: vec![link.url.clone()],
                    });
                }
            }
        }
    }
    order
}

/// Interleave targets host by host (each host's own order kept), so that one host with
/// many links does not hold every slot while others wait.
fn interleave(targets: Vec<Target>) -> VecDeque<Target> {
    let mut hosts: Vec<VecDeque<Target>> = Vec::new();
    let mut by_host: HashMap<String, usize> = HashMap::new();
    for t in targets {
        let key = frontier::host_key(&t.url);
        let i = *by_host.entry(key).or_insert_with(|| {
            hosts.push(VecDeque::new());
            hosts.len() - 1
        });
        hosts[i].push_back(t);
    }
    let mut out = VecDeque::new();
    while !hosts.is_empty() {
        hosts.retain_mut(|q| {
            if let Some(t) = q.pop_front() {
                out.push_back(t);
            }
            !q.is_empty()
        });
    }
    out
}

/// The counts of the checks, for the fetch summary.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    pub checked: u64,
    pub broken: u64,
    pub unreachable: u64,
    pub unchecked: u64,
    pub requests: u64,
}

/// The checks of one crawl: a queue, the checks in flight, the results.
pub(super) struct Checker {
    client: reqwest::Client,
    politeness: Arc<Politeness>,
    cfg: CheckConfig,
    queue: VecDeque<Target>,
    inflight: JoinSet<(Target, Checked)>,
    results: Vec<ExternalLink>,
    found: u64,
    tally: Tally,
}

impl Checker {
    /// Checks of the first `max` targets; `per_host` in flight and `interval` between
    /// request starts per host.
    pub(super) fn new(
        client: reqwest::Client,
        targets: Vec<Target>,
        max: usize,
        per_host: usize,
        interval: Duration,
        cfg: CheckConfig,
    ) -> Self {
        let found = targets.len() as u64;
        let mut targets = targets;
        targets.truncate(max);
        Checker {
            client,
            politeness: Arc::new(Politeness::new(per_host.max(1), interval)),
            cfg,
            queue: interleave(targets),
            inflight: JoinSet::new(),
            results: Vec::new(),
            found,
            tally: Tally::default(),
        }
    }

    /// Start checks while there is room.
    pub(super) fn dispatch(&mut self) {
        while self.inflight.len() < MAX_IN_FLIGHT {
            let Some(target) = self.queue.pop_front() else {
                return;
            };
            let client = self.client.clone();
            let gate = self.politeness.gate(&frontier::host_key(&target.url));
            let cfg = self.cfg;
            self.inflight.spawn(async move {
                let checked = check(&client, &gate, &target.url, &cfg).await;
                (target, checked)
            });
        }
    }

    /// Whether every check is done.
    pub(super) fn is_done(&self) -> bool {
        self.queue.is_empty() && self.inflight.is_empty()
    }

    /// Checks done and checks left (queued or in flight), for the progress line.
    pub(super) fn progress(&self) -> (u64, u64) {
        (
            self.tally.checked,
            (self.queue.len() + self.inflight.len()) as u64,
        )
    }

    /// Wait for the next check to finish and take in its result; `None` when none is
    /// in flight.
    pub(super) async fn next(&mut self) -> Option<()> {
        let joined = self.inflight.join_next().await?;
        // A check that panicked or was aborted stays unchecked.
        if let Ok((target, checked)) = joined {
            self.take(target, checked);
        }
        Some(())
    }

    fn take(&mut self, target: Target, checked: Checked) {
        let t = &mut self.tally;
        t.checked += 1;
        t.requests += u64::from(checked.requests);
        match &checked.result {
            Ok(s) if *s >= 400 => t.broken += 1,
            Ok(_) => {}
            Err(_) => t.unreachable += 1,
        }
        for link in target.links {
            self.results.push(match &checked.result {
                Ok(s) => ExternalLink::answered(link, *s, checked.method),
                Err(why) => ExternalLink::unreachable(link, why.clone(), checked.method),
            });
        }
    }

    /// Stop: checks in flight or queued stay unchecked.
    pub(super) fn stop(&mut self) {
        self.inflight.abort_all();
        self.queue.clear();
    }

    /// The results (in the order they came) and the counts.
    pub(super) fn finish(mut self) -> (Vec<ExternalLink>, Tally) {
        self.inflight.abort_all();
        self.tally.unchecked = self.found.saturating_sub(self.tally.checked);
        (self.results, self.tally)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope::new(
            ["a.cn".to_string()],
            vec![],
            vec![regex::Regex::new("/search").unwrap()],
        )
    }

    #[test]
    fn off_site_http_links_once_start_page_first() {
        let start = frontier::normalize("http://a.cn/").unwrap();
        let other = PageFacts::from_html(
            "http://a.cn/b.html",
            200,
            r#"<a href="http://c.cn/">C</a><a href="http://b.cn/x">B again</a>"#,
        );
        let home = PageFacts::from_html(
            "http://a.cn/",
            200,
            r#"<a href="/b.html">b</a><a href="http://b.cn/x#top">B</a>
               <a href="mailto:x@a.cn">m</a><a href="javascript:void(0)">j</a>
               <a href="tel:123">t</a><a href="http://a.cn:8080/p">other port</a>
               <a href="http://d.cn/search?q=1">excluded</a><a href="https://a.cn/s">https</a>"#,
        );
        let t = targets(&[other, home], &start, &scope());
        let urls: Vec<&str> = t.iter().map(|t| t.url.as_str()).collect();
        assert_eq!(
            urls,
            ["http://b.cn/x", "http://a.cn:8080/p", "http://c.cn/"],
            "the start page's first; a.cn under https is the crawl's host"
        );
        assert_eq!(t[0].links, ["http://b.cn/x"]);
    }

    #[test]
    fn interleaves_hosts() {
        let t = |s: &str| Target {
            url: Url::parse(s).unwrap(),
            links: vec![s.to_string()],
        };
        let q = interleave(vec![
            t("http://a.cn/1"),
            t("http://a.cn/2"),
            t("http://a.cn/3"),
            t("http://b.cn/1"),
            t("http://c.cn/1"),
        ]);
        let urls: Vec<String> = q.iter().map(|t| t.url.to_string()).collect();
        assert_eq!(
            urls,
            [
                "http://a.cn/1",
                "http://b.cn/1",
                "http://c.cn/1",
                "http://a.cn/2",
                "http://a.cn/3"
            ]
        );
    }
}
