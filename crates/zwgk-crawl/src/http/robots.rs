//! `robots.txt`: which paths a crawler may fetch, how often, and which sitemaps a site names.
//!
//! Follows RFC 9309: lines end at CR, LF or CRLF; a group runs from its `User-agent`
//! lines to the next `User-agent` line after a rule; the group for our product token wins
//! over `*`; within a group the longest matching `Allow`/`Disallow` path decides, counted
//! in octets of its percent-encoded form, `Allow` on a tie; `*` matches any characters and
//! a final `$` anchors the end. Google's common typos are read as it reads them.
//! `Crawl-delay` (not in the RFC, but common) is read from the chosen group. Google's
//! reference test suite runs in `tests/robots_rfc9309.rs`.

use std::time::Duration;

/// At most this many bytes of a robots.txt are read (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// The longest `Crawl-delay` honoured; a larger value is cut to this.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

/// The rules of one robots.txt that apply to one user agent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Robots {
    rules: Vec<Rule>,
    /// `Crawl-delay` of the chosen group.
    pub crawl_delay: Option<Duration>,
    /// `Sitemap:` URLs (they apply to every agent).
    pub sitemaps: Vec<String>,
    disallow_all: bool,
    /// Why robots.txt could not be had, when everything is disallowed for that reason.
    pub unreachable: Option<String>,
}

#[derive(Debug, Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

fn parse_delay(v: &str) -> Option<Duration> {
    let secs: f64 = v.trim().parse().ok()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(
        secs.min(MAX_CRAWL_DELAY.as_secs_f64()),
    ))
}

impl Robots {
    /// Everything allowed (no robots.txt, or a 4xx answer for it).
    pub fn allow_all() -> Self {
        Robots::default()
    }

    /// Everything disallowed.
    pub fn disallow_all() -> Self {
        Robots {
            disallow_all: true,
            ..Robots::default()
        }
    }

    /// robots.txt could not be fetched (server or network error): RFC 9309 asks to
    /// assume everything is disallowed.
    pub fn unreachable(why: impl Into<String>) -> Self {
        Robots {
            unreachable: Some(why.into()),
            ..Robots::disallow_all()
        }
    }

    /// Parse a robots.txt for the agent whose product token is `agent` (e.g. `zwgk`).
    ///
    /// Lines end at CR, LF or CRLF. A group is one or more `User-agent` lines and the
    /// rules after them; it ends where a `User-agent` line follows a rule (other lines,
    /// such as `Sitemap` or unknown ones, neither end it nor start a new one). A
    /// `User-agent` value applies to us when its product token (the leading letters, `-`
    /// and `_`: `zwgk` of `zwgk/1.0`) equals ours, ignoring case; `*` is every agent.
    /// Google's common typos are accepted: `useragent`, `user agent`, `dissallow`,
    /// `dissalow`, `disalow`, `diasllow`, `disallaw`, `site-map`, and a space where the
    /// colon is missing (`disallow /`).
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = product_token(agent).to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        // Whether a rule has been seen since the last user-agent line: the next
        // user-agent line then starts a new group.
        let mut rules_seen = true;
        let text = text.trim_start_matches('\u{feff}');
        // Lines end at CR, LF or CRLF (RFC 9309 section 2.2); the empty "line" between
        // the CR and LF of a CRLF is skipped as any blank line is.
        for raw in text.split(['\r', '\n']).take(200_000) {
            let Some((key, value)) = key_and_value(raw) else {
                continue;
            };
            match key {
                Key::UserAgent => {
                    if rules_seen || groups.is_empty() {
                        groups.push(Group::default());
                        rules_seen = false;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.agents.push(agent_of(value));
                    }
                }
                Key::Allow | Key::Disallow => {
                    rules_seen = true;
                    let Some(g) = groups.last_mut() else { continue };
                    if value.is_empty() {
                        continue; // `Disallow:` with no path allows everything
                    }
                    g.rules.push(Rule {
                        allow: key == Key::Allow,
                        pattern: escape_pattern(value),
                    });
                }
                Key::CrawlDelay => {
                    if let Some(g) = groups.last_mut() {
                        g.crawl_delay = parse_delay(value);
                    }
                }
                Key::Sitemap => {
                    if !value.is_empty() {
                        sitemaps.push(value.to_string());
                    }
                }
            }
        }
        let mut chosen: Vec<&Group> = groups
            .iter()
            .filter(|g| !agent.is_empty() && g.agents.contains(&agent))
            .collect();
        if chosen.is_empty() {
            chosen = groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect();
        }
        Robots {
            rules: chosen.iter().flat_map(|g| g.rules.clone()).collect(),
            crawl_delay: chosen.iter().find_map(|g| g.crawl_delay),
            sitemaps,
            disallow_all: false,
            unreachable: None,
        }
    }

    /// Whether `path_and_query` (e.g. `/a/b?c=1`) may be fetched.
    pub fn allowed(&self, path_and_query: &str) -> bool {
        if self.disallow_all {
            return false;
        }
        if path_and_query == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if pattern_matches(&rule.pattern, path_and_query) {
                // Patterns are kept percent-encoded: their length is in octets of that form.
                let len = rule.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, rule.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// The keys a robots.txt line may have that this crawler reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    UserAgent,
    Allow,
    Disallow,
    CrawlDelay,
    Sitemap,
}

/// A line's key and value, comment removed; `None` for an empty, comment or unknown line.
fn key_and_value(line: &str) -> Option<(Key, &str)> {
    let line = line.split('#').next().unwrap_or("").trim();
    if line.is_empty() {
        return None;
    }
    let (key, value) = match line.split_once(':') {
        Some((k, v)) => (k.trim(), v.trim()),
        // Google's reading of a forgotten colon: `disallow /`.
        None => {
            let (k, v) = line.split_once([' ', '\t'])?;
            (k.trim(), v.trim())
        }
    };
    let key = key.to_ascii_lowercase();
    let starts = |words: &[&str]| words.iter().any(|w| key.starts_with(w));
    let key = if starts(&["user-agent", "useragent", "user agent"]) {
        Key::UserAgent
    } else if starts(&[
        "disallow",
        "dissallow",
        "dissalow",
        "disalow",
        "diasllow",
        "disallaw",
    ]) {
        Key::Disallow
    } else if starts(&["allow"]) {
        Key::Allow
    } else if starts(&["crawl-delay"]) {
        Key::CrawlDelay
    } else if starts(&["sitemap", "site-map"]) {
        Key::Sitemap
    } else {
        return None;
    };
    Some((key, value))
}

/// A product token: the leading letters, `-` and `_` (`zwgk` of `zwgk/1.0`).
fn product_token(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '-' || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The agent a `User-agent` value names, lower-cased: `*` (also `* anything`), else its
/// product token.
fn agent_of(value: &str) -> String {
    if value == "*" || value.starts_with("* ") || value.starts_with("*\t") {
        return "*".to_string();
    }
    product_token(value).to_ascii_lowercase()
}

/// A rule's path as RFC 9309 compares it: characters outside US-ASCII percent-encoded
/// (UTF-8 octets), existing escapes with upper-case hex.
fn escape_pattern(s: &str) -> String {
    canonical(s, true)
}

/// A URL's path as it is compared: as given (the crawler passes it percent-encoded, as
/// URLs are sent), with the hex of its escapes in upper case.
fn canonical_path(s: &str) -> String {
    canonical(s, false)
}

/// `s` with the hex of its escapes in upper case and, with `encode`, its characters
/// outside US-ASCII percent-encoded.
fn canonical(s: &str, encode: bool) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push_str(&s[i + 1..i + 3].to_ascii_uppercase());
            i += 3;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        if ch.is_ascii() || !encode {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for byte in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        i += ch.len_utf8();
    }
    out
}

/// Whether a robots.txt path pattern (with `*` and a final `$`) matches the start of
/// `path`. The pattern is percent-encoded first (it may be given as written in the file);
/// the path is compared as given.
pub fn pattern_matches(pattern: &str, path: &str) -> bool {
    let pattern = escape_pattern(pattern);
    let path = canonical_path(path);
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p.to_string(), true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0usize;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            pos = part.len();
            continue;
        }
        let last = i == parts.len() - 1;
        if last && anchored {
            return path.len() >= pos + part.len() && path.ends_with(part);
        }
        match path[pos..].find(part) {
            Some(at) => pos += at + part.len(),
            None => return false,
        }
    }
    !anchored || pos == path.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "\
# comment
User-agent: *
Disallow: /gkmlpt/api/search
Disallow: /private/
Allow: /private/open.html
Crawl-delay: 2

User-agent: OtherBot
User-agent: zwgk
Disallow: /only-for-us
Crawl-delay: 0.5

Sitemap: http://example.gov.cn/sitemap.xml
";

    #[test]
    fn star_group_applies_to_others() {
        let r = Robots::parse(TXT, "somebot");
        assert!(!r.allowed("/gkmlpt/api/search?q=1"));
        assert!(!r.allowed("/private/x.html"));
        assert!(r.allowed("/private/open.html"));
        assert!(r.allowed("/"));
        assert!(r.allowed("/robots.txt"));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
        assert_eq!(r.sitemaps, vec!["http://example.gov.cn/sitemap.xml"]);
    }

    #[test]
    fn our_group_wins() {
        let r = Robots::parse(TXT, "zwgk");
        assert!(r.allowed("/private/x.html"));
        assert!(!r.allowed("/only-for-us/a"));
        assert_eq!(r.crawl_delay, Some(Duration::from_millis(500)));
    }

    #[test]
    fn wildcards_and_ties() {
        assert!(pattern_matches("/*.pdf$", "/a/b.pdf"));
        assert!(!pattern_matches("/*.pdf$", "/a/b.pdf?x=1"));
        assert!(pattern_matches("/a*c", "/abbbc/d"));
        assert!(pattern_matches("/", "/anything"));
        // Escapes compare as written, hex case aside (as the reference parser has it).
        assert!(!pattern_matches("/%7Ea", "/~a/b"));
        assert!(pattern_matches("/%7ea", "/%7Ea/b"));
        assert!(pattern_matches("/文件", "/%E6%96%87%E4%BB%B6/x"));
        assert!(!pattern_matches("/b", "/a"));
        let r = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "zwgk");
        assert!(r.allowed("/a"), "Allow wins a tie");
        let r = Robots::parse("User-agent: *\nDisallow: /\n", "zwgk");
        assert!(!r.allowed("/x"));
        let r = Robots::parse("User-agent: *\nDisallow:\n", "zwgk");
        assert!(r.allowed("/x"));
        assert!(!Robots::disallow_all().allowed("/"));
        assert!(Robots::allow_all().allowed("/x"));
    }

    #[test]
    fn odd_input_never_panics() {
        for t in [
            "",
            ":",
            "Disallow: /x",
            "User-agent:\nDisallow: %",
            "User-agent: *\nDisallow: /%E6%9",
            "User-agent: *\nCrawl-delay: -1\nCrawl-delay: NaN\nCrawl-delay: 1e308",
            "\u{feff}User-agent: *\nDisallow: /*$$",
        ] {
            let r = Robots::parse(t, "zwgk");
            let _ = r.allowed("/%E6%9");
            let _ = r.allowed("/x");
            assert!(r.crawl_delay.is_none_or(|d| d <= MAX_CRAWL_DELAY));
        }
        let r = Robots::parse("User-agent: *\nCrawl-delay: 1e308\n", "zwgk");
        assert_eq!(r.crawl_delay, Some(MAX_CRAWL_DELAY));
    }
}
