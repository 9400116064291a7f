//! What each fetch came to: status class, time, bytes; and their summary.

use std::collections::BTreeMap;
use std::fmt;

use zwgk_core::report::FetchStats;

/// The class of a fetch's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusClass {
    /// 2xx.
    Success,
    /// 3xx (a redirect not followed, or one that ended in a loop).
    Redirect,
    /// 4xx.
    ClientError,
    /// 5xx.
    ServerError,
    /// No HTTP answer: network error, timeout, TLS, body error, or not fetched at all.
    Error,
}

impl StatusClass {
    /// The class of an HTTP status code.
    pub fn of(status: u16) -> Self {
        match status {
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirect,
            400..=499 => StatusClass::ClientError,
            500..=599 => StatusClass::ServerError,
            _ => StatusClass::Error,
        }
    }

    /// The short name: `2xx`, `3xx`, `4xx`, `5xx`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusClass::Success => "2xx",
            StatusClass::Redirect => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
            StatusClass::Error => "error",
        }
    }
}

impl fmt::Display for StatusClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of fetching one URL (after retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRecord {
    /// The URL requested.
    pub url: String,
    /// The final status class.
    pub class: StatusClass,
    /// The final HTTP status, when there was one.
    pub status: Option<u16>,
    /// Time from the start of the first request to the end of the last body, in
    /// milliseconds (waits between tries included; the wait for the host's turn not).
    pub millis: u64,
    /// Body bytes kept (after decompression, at most the body limit).
    pub bytes: u64,
    /// How many requests were sent for this URL (1 unless retried).
    pub tries: u32,
    /// Whether the body was cut at the body limit.
    pub truncated: bool,
    /// Whether the server answered `304 Not Modified` and the cached body was used
    /// (counted as 2xx, with no body bytes transferred).
    pub not_modified: bool,
    /// Whether the body was left unread: a media type that is not read.
    pub body_not_read: bool,
}

/// Why a URL the crawl met was not fetched, or its body not read. Each skip is counted in
/// [`FetchSummary::skipped`] and logged at debug level (`zwgk scan -v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// robots.txt disallows it.
    Robots,
    /// The link-trap guard: too many query variants of one path, or too long or deep a URL.
    LinkTrap,
    /// Beyond the link-depth limit.
    DepthLimit,
    /// The page limit was reached.
    PageLimit,
    /// The crawl stopped first (deadline, Ctrl-C).
    Stopped,
    /// A sitemap beyond the crawl's sitemap limit.
    SitemapLimit,
    /// Fetched, its body not downloaded: a media type that is not read.
    BodyType,
    /// Its fetch task ended without a result.
    FetchAborted,
}

impl SkipReason {
    /// The reason's key in the report's `fetch.skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Robots => "robots",
            SkipReason::LinkTrap => "link_trap",
            SkipReason::DepthLimit => "depth_limit",
            SkipReason::PageLimit => "page_limit",
            SkipReason::Stopped => "stopped",
            SkipReason::SitemapLimit => "sitemap_limit",
            SkipReason::BodyType => "body_type",
            SkipReason::FetchAborted => "fetch_aborted",
        }
    }

    /// The reason in words, as `-v` logs it.
    pub fn explanation(self) -> &'static str {
        match self {
            SkipReason::Robots => "disallowed by robots.txt",
            SkipReason::LinkTrap => {
                "link-trap guard: too many query variants of the path, or too long or deep a URL"
            }
            SkipReason::DepthLimit => "not fetched: beyond the link-depth limit",
            SkipReason::PageLimit => "not fetched: page limit reached",
            SkipReason::Stopped => "not fetched: the crawl stopped first",
            SkipReason::SitemapLimit => "sitemap limit of the crawl reached",
            SkipReason::BodyType => "body not downloaded: a media type that is not read",
            SkipReason::FetchAborted => "the fetch stopped unexpectedly",
        }
    }
}

/// Counts and totals over every fetch of a crawl; the report holds them as
/// [`FetchStats`] (`FetchStats::from(&summary)`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchSummary {
    /// Fetches per status class.
    pub by_class: BTreeMap<StatusClass, u64>,
    /// URLs fetched (one per record).
    pub fetches: u64,
    /// Requests sent, retries included.
    pub requests: u64,
    /// Body bytes kept.
    pub total_bytes: u64,
    /// Mean time per fetch in milliseconds.
    pub mean_millis: f64,
    /// Bodies cut at the body limit.
    pub truncated: u64,
    /// Fetches answered `304 Not Modified`, their bodies taken from the cache.
    pub not_modified: u64,
    /// Kept pages taken unchanged from the cache without a request (an incremental
    /// re-scan trusted them).
    pub trusted: u64,
    /// How long ago the site confirmed the oldest page trusted, in seconds (0 when none
    /// was).
    pub oldest_trusted_age_secs: u64,
    /// In-scope URLs never fetched (deadline, Ctrl-C, `max_pages`, `max_depth`).
    pub not_fetched: u64,
    /// In-scope URLs not fetched because robots.txt disallows them.
    pub disallowed: u64,
    /// URLs dropped by the link-trap guard (too many query strings on one path).
    pub trapped: u64,
    /// URLs skipped, or fetched with their body unread, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// The longest interval between two request starts to one host, in milliseconds: the
    /// configured delay, or longer where robots.txt's `Crawl-delay` asked for more or the
    /// host showed strain (see [`super::politeness::AdaptiveInterval`]).
    pub longest_interval_millis: u64,
    /// Whether the crawl stopped early (deadline or Ctrl-C).
    pub stopped_early: bool,
    /// Wall time of the crawl in milliseconds.
    pub elapsed_millis: u64,
    /// Off-site links checked (`check_external`): a status or a network error had.
    pub external_checked: u64,
    /// Off-site links checked whose final status was 400 or above.
    pub external_broken: u64,
    /// Off-site links checked that gave no status (network error).
    pub external_unreachable: u64,
    /// Off-site links found but not checked (beyond `max_external`, deadline, Ctrl-C).
    pub external_unchecked: u64,
    /// Requests sent to check off-site links, retries included.
    pub external_requests: u64,
}

impl FetchSummary {
    /// Summarise fetch records.
    pub fn of(records: &[FetchRecord]) -> Self {
        let mut s = FetchSummary::default();
        let mut total_ms = 0u128;
        for r in records {
            *s.by_class.entry(r.class).or_default() += 1;
            s.fetches += 1;
            s.requests += u64::from(r.tries);
            s.total_bytes += r.bytes;
            total_ms += u128::from(r.millis);
            if r.truncated {
                s.truncated += 1;
            }
            if r.not_modified {
                s.not_modified += 1;
            }
            if r.body_not_read {
                *s.skipped.entry(SkipReason::BodyType).or_default() += 1;
            }
        }
        if s.fetches > 0 {
            s.mean_millis = total_ms as f64 / s.fetches as f64;
        }
        s
    }

    /// Fetches of one class.
    pub fn count(&self, class: StatusClass) -> u64 {
        self.by_class.get(&class).copied().unwrap_or(0)
    }
}

/// The summary in the report's terms: the same counts, the classes by their short names
/// (`2xx`, …, `error`).
impl From<&FetchSummary> for FetchStats {
    fn from(s: &FetchSummary) -> Self {
        FetchStats {
            by_class: s
                .by_class
                .iter()
                .map(|(class, n)| (class.as_str().to_string(), *n))
                .collect(),
            fetches: s.fetches,
            requests: s.requests,
            total_bytes: s.total_bytes,
            mean_millis: s.mean_millis,
            truncated: s.truncated,
            not_modified: s.not_modified,
            fetched: s.fetches - s.not_modified,
            revalidated: s.not_modified,
            trusted: s.trusted,
            oldest_trusted_age_secs: s.oldest_trusted_age_secs,
            not_fetched: s.not_fetched,
            disallowed: s.disallowed,
            trapped: s.trapped,
            skipped: s
                .skipped
                .iter()
                .map(|(reason, n)| (reason.as_str().to_string(), *n))
                .collect(),
            longest_interval_millis: s.longest_interval_millis,
            stopped_early: s.stopped_early,
            elapsed_millis: s.elapsed_millis,
            external_checked: s.external_checked,
            external_broken: s.external_broken,
            external_unreachable: s.external_unreachable,
            external_unchecked: s.external_unchecked,
            external_requests: s.external_requests,
        }
    }
}

/// An age in seconds, in its largest unit: `3 d 4 h`, `5 h 2 min`, `40 s`.
fn age(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

impl fmt::Display for FetchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let classes: Vec<String> = self
            .by_class
            .iter()
            .map(|(c, n)| format!("{n} {c}"))
            .collect();
        write!(
            f,
            "{} fetched ({}), {} requests, {} bytes, mean {:.0} ms",
            self.fetches,
            if classes.is_empty() {
                "none".to_string()
            } else {
                classes.join(", ")
            },
            self.requests,
            self.total_bytes,
            self.mean_millis
        )?;
        if self.not_modified > 0 {
            write!(f, ", {} not modified (cached)", self.not_modified)?;
        }
        if self.trusted > 0 {
            write!(
                f,
                ", {} trusted unchanged (oldest confirmed {} ago)",
                self.trusted,
                age(self.oldest_trusted_age_secs)
            )?;
        }
        if self.truncated > 0 {
            write!(f, ", {} cut at the body limit", self.truncated)?;
        }
        if self.disallowed > 0 {
            write!(f, ", {} disallowed by robots.txt", self.disallowed)?;
        }
        if self.trapped > 0 {
            write!(f, ", {} dropped as link-trap variants", self.trapped)?;
        }
        if self.not_fetched > 0 {
            write!(f, ", {} not fetched", self.not_fetched)?;
        }
        let skipped = |reason| self.skipped.get(&reason).copied().unwrap_or(0);
        if skipped(SkipReason::BodyType) > 0 {
            let n = skipped(SkipReason::BodyType);
            write!(f, ", {n} bodies not read (media type)")?;
        }
        if skipped(SkipReason::SitemapLimit) > 0 {
            let n = skipped(SkipReason::SitemapLimit);
            write!(f, ", {n} sitemaps beyond the limit")?;
        }
        if self.external_checked + self.external_unchecked > 0 {
            write!(
                f,
                "; off-site links: {} checked ({} broken, {} unreachable, {} requests)",
                self.external_checked,
                self.external_broken,
                self.external_unreachable,
                self.external_requests
            )?;
            if self.external_unchecked > 0 {
                write!(f, ", {} not checked", self.external_unchecked)?;
            }
        }
        if self.stopped_early {
            write!(f, " (stopped early)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(status: Option<u16>, millis: u64, bytes: u64) -> FetchRecord {
        FetchRecord {
            url: "http://a/".into(),
            class: status.map_or(StatusClass::Error, StatusClass::of),
            status,
            millis,
            bytes,
            tries: 1,
            truncated: false,
            not_modified: false,
            body_not_read: false,
        }
    }

    #[test]
    fn summary_counts_classes_bytes_and_mean() {
        let s = FetchSummary::of(&[
            rec(Some(200), 10, 100),
            rec(Some(404), 20, 5),
            rec(Some(503), 30, 0),
            rec(None, 40, 0),
            rec(Some(204), 0, 0),
        ]);
        assert_eq!(s.fetches, 5);
        assert_eq!(s.count(StatusClass::Success), 2);
        assert_eq!(s.count(StatusClass::ClientError), 1);
        assert_eq!(s.count(StatusClass::ServerError), 1);
        assert_eq!(s.count(StatusClass::Error), 1);
        assert_eq!(s.count(StatusClass::Redirect), 0);
        assert_eq!(s.total_bytes, 105);
        assert!((s.mean_millis - 20.0).abs() < 1e-9);
        assert!(s.to_string().contains("2 2xx"));
        assert_eq!(FetchSummary::of(&[]).mean_millis, 0.0);
    }

    #[test]
    fn report_stats_carry_every_count() {
        let mut s = FetchSummary::of(&[rec(Some(200), 10, 100), rec(None, 30, 0)]);
        s.not_fetched = 3;
        s.stopped_early = true;
        s.external_requests = 7;
        let f = FetchStats::from(&s);
        let classes: Vec<(&str, u64)> = f.by_class.iter().map(|(c, n)| (c.as_str(), *n)).collect();
        assert_eq!(classes, [("2xx", 1), ("error", 1)]);
        assert_eq!((f.fetches, f.requests, f.total_bytes), (2, 2, 100));
        assert_eq!(
            (f.not_fetched, f.stopped_early, f.external_requests),
            (3, true, 7)
        );
        assert!((f.mean_millis - 20.0).abs() < 1e-9);
    }

    #[test]
    fn classes() {
        assert_eq!(StatusClass::of(301), StatusClass::Redirect);
        assert_eq!(StatusClass::of(99), StatusClass::Error);
        assert_eq!(StatusClass::ServerError.as_str(), "5xx");
    }
}
