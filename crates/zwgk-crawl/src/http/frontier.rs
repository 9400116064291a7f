//! Which URLs to crawl: normalisation, scope, de-duplication and the link-trap guard.

use std::collections::HashSet;

use regex::Regex;
use url::Url;

/// URLs longer than this are treated as traps and not crawled.
pub const MAX_URL_LEN: usize = 2048;

/// Paths with more segments than this are treated as traps (`/a/a/a/…`).
pub const MAX_PATH_SEGMENTS: usize = 32;

/// Parse and normalise a URL for queueing: http(s) only, fragment dropped, scheme and
/// host lowercased, default port removed, dot segments resolved, empty path as `/`.
pub fn normalize(url: &str) -> Option<Url> {
    let mut u = Url::parse(url.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return None;
    }
    u.set_fragment(None);
    if u.query() == Some("") {
        u.set_query(None);
    }
    Some(u)
}

/// The key of a URL's host for per-host limits and scope: `host[:port]`.
pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

/// Which URLs are crawled.
///
/// Without include patterns, a URL is in scope when its host (and port) is the start
/// URL's or a seed's. With include patterns, a URL is in scope when it matches one of
/// them (whatever its host). Either way a URL matching an exclude pattern is out.
#[derive(Debug, Clone)]
pub struct Scope {
    hosts: HashSet<String>,
    include: Vec<Regex>,
    exclude: Vec<Regex>,
}

impl Scope {
    /// A scope over these hosts (see [`host_key`]) and patterns.
    pub fn new(
        hosts: impl IntoIterator<Item = String>,
        include: Vec<Regex>,
        exclude: Vec<Regex>,
    ) -> Self {
        Scope {
            hosts: hosts.into_iter().collect(),
            include,
            exclude,
        }
    }

    /// Add a host to the scope (used when include patterns are not given).
    pub fn add_host(&mut self, host: String) {
        self.hosts.insert(host);
    }

    /// Whether the URL's host (and port) is one of the crawl's (the start URL's, a
    /// seed's, or where the start redirected), whatever the patterns say.
    pub fn has_host(&self, url: &Url) -> bool {
        self.hosts.contains(&host_key(url))
    }

    /// Whether an exclude pattern matches the URL.
    pub fn excludes(&self, url: &Url) -> bool {
        let s = url.as_str();
        self.exclude.iter().any(|r| r.is_match(s))
    }

    /// Whether the URL is crawled.
    pub fn contains(&self, url: &Url) -> bool {
        let s = url.as_str();
        if self.exclude.iter().any(|r| r.is_match(s)) {
            return false;
        }
        if self.include.is_empty() {
            self.hosts.contains(&host_key(url))
        } else {
            self.include.iter().any(|r| r.is_match(s))
        }
    }
}

/// What happened to a URL offered to the frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Never seen: crawl it.
    New,
    /// Seen before (queued or fetched).
    Seen,
    /// Dropped by the link-trap guard.
    Trapped,
}

/// The set of URLs seen so far, with the link-trap guard.
#[derive(Debug)]
pub struct Frontier {
    seen: foldhash::HashSet<String>,
    variants: foldhash::HashMap<String, usize>,
    max_variants: usize,
    trapped: u64,
}

impl Frontier {
    /// A frontier that admits at most `max_variants` distinct query strings per path.
    pub fn new(max_variants: usize) -> Self {
        Frontier {
            seen: foldhash::HashSet::default(),
            variants: foldhash::HashMap::default(),
            max_variants,
            trapped: 0,
        }
    }

    /// Offer a (normalised) URL.
    pub fn admit(&mut self, url: &Url) -> Admit {
        if self.seen.contains(url.as_str()) {
            return Admit::Seen;
        }
        let segments = url.path_segments().map_or(0, Iterator::count);
        if url.as_str().len() > MAX_URL_LEN || segments > MAX_PATH_SEGMENTS {
            self.trapped += 1;
            return Admit::Trapped;
        }
        if url.query().is_some() {
            let mut base = url.clone();
            base.set_query(None);
            let n = self.variants.entry(base.to_string()).or_default();
            if *n >= self.max_variants {
                self.trapped += 1;
                return Admit::Trapped;
            }
            *n += 1;
        }
        self.seen.insert(url.to_string());
        Admit::New
    }

    /// Mark a URL as seen without counting it against the trap guard (a redirect target).
    /// Returns whether it was new.
    pub fn mark_seen(&mut self, url: &Url) -> bool {
        self.seen.insert(url.to_string())
    }

    /// Whether the URL was seen.
    pub fn is_seen(&self, url: &Url) -> bool {
        self.seen.contains(url.as_str())
    }

    /// URLs dropped by the trap guard so far.
    pub fn trapped(&self) -> u64 {
        self.trapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let n = |s: &str| normalize(s).map(|u| u.to_string());
        assert_eq!(
            n("HTTP://WHLY.gd.gov.CN:80/a/./b/../c.html#top").as_deref(),
            Some("http://whly.gd.gov.cn/a/c.html")
        );
        assert_eq!(
            n("https://a.cn:443").as_deref(),
            Some("https://a.cn/"),
            "default port dropped, empty path is /"
        );
        assert_eq!(n("http://a.cn/x?").as_deref(), Some("http://a.cn/x"));
        assert_eq!(
            n("http://127.0.0.1:8080/x").as_deref(),
            Some("http://127.0.0.1:8080/x")
        );
        assert!(n("javascript:void(0)").is_none());
        assert!(n("mailto:a@b.cn").is_none());
        assert!(n("not a url").is_none());
    }

    #[test]
    fn scope_by_host_and_patterns() {
        let u = |s: &str| normalize(s).unwrap();
        let s = Scope::new(
            ["a.cn".to_string()],
            vec![],
            vec![Regex::new("/search").unwrap()],
        );
        assert!(s.contains(&u("http://a.cn/x")));
        assert!(s.contains(&u("https://a.cn/x")));
        assert!(!s.contains(&u("http://b.cn/x")));
        assert!(!s.contains(&u("http://a.cn:8080/x")));
        assert!(!s.contains(&u("http://a.cn/search?q=1")));
        let s = Scope::new(
            ["a.cn".to_string()],
            vec![Regex::new("^https?://(a|b)\\.cn/").unwrap()],
            vec![],
        );
        assert!(s.contains(&u("http://b.cn/x")));
        assert!(!s.contains(&u("http://c.cn/x")));
    }

    #[test]
    fn dedups_and_bounds_traps() {
        let mut f = Frontier::new(3);
        let u = |s: &str| normalize(s).unwrap();
        assert_eq!(f.admit(&u("http://a.cn/x")), Admit::New);
        assert_eq!(f.admit(&u("http://a.cn/x#frag")), Admit::Seen);
        for i in 0..3 {
            assert_eq!(f.admit(&u(&format!("http://a.cn/l?page={i}"))), Admit::New);
        }
        assert_eq!(f.admit(&u("http://a.cn/l?page=1")), Admit::Seen);
        assert_eq!(f.admit(&u("http://a.cn/l?page=9")), Admit::Trapped);
        assert_eq!(f.admit(&u("http://a.cn/m?page=9")), Admit::New);
        let deep = format!("http://a.cn{}", "/a".repeat(40));
        assert_eq!(f.admit(&u(&deep)), Admit::Trapped);
        let long = format!("http://a.cn/{}", "x".repeat(3000));
        assert_eq!(f.admit(&u(&long)), Admit::Trapped);
        assert_eq!(f.trapped(), 3);
        assert!(f.mark_seen(&u("http://a.cn/r")));
        assert!(!f.mark_seen(&u("http://a.cn/r")));
        assert!(f.is_seen(&u("http://a.cn/r")));
    }
}
