//! Which kept pages a re-scan takes unchanged without asking the site.
//!
//! A portal shows its changes on the pages that list things: the home page, the
//! columns' lists and their pagination, the catalogue's API pages, sitemaps. Those are
//! always asked again. A detail page or an attachment kept from an earlier crawl (in the
//! facts index of the cache) is *trusted* — its kept facts taken without a request —
//! unless one of these says it may have changed:
//!
//! - its entry in a list changed: a list entry naming it (title, date, the columns of a
//!   table list or the catalogue's fields, an attachment's name) that no page of the
//!   kept crawl showed, or a list page that named it and no longer does (the item was
//!   removed, or moved to the list's next page). Its place within a list page is not
//!   compared: one new item moves every entry of a column down;
//! - a sitemap gives it a `<lastmod>` later than the site's last confirmation of it;
//! - it is *due*: confirmed by the site longer ago than `--revalidate-after`, or among
//!   the oldest kept pages that this crawl revalidates so that each crawl revalidates
//!   its share of them (see [`Trust::new`]) rather than all of them on one night;
//! - the crawl is `--full`, or the page is the start URL.
//!
//! A list entry that shows a change after the page was trusted (the list was fetched
//! later than the page was dispatched) makes the crawl ask about the page after all:
//! [`Trust::observe`] names the trusted pages to revalidate.

use std::collections::hash_map::Entry;

use chrono::{NaiveDateTime, TimeDelta};
use url::Url;
use zwgk_core::document::{self, Role};
use zwgk_core::page::{Confirmed, FetchState};
use zwgk_core::PageFacts;

use super::super::frontier;

/// What a crawl needs to decide which kept pages it trusts.
#[derive(Debug, Clone, Copy)]
pub(super) struct TrustSetup {
    /// The crawl's clock: when it runs (UTC).
    pub now: NaiveDateTime,
    /// A kept page confirmed longer ago than this is always asked again.
    pub revalidate_after: TimeDelta,
    /// Ask the site about every page: trust none.
    pub full: bool,
}

/// A page trusted by the crawl, for the case a list shows it changed after all.
#[derive(Debug, Clone)]
pub(super) struct TrustedPage {
    /// Its URL.
    pub url: Url,
    /// Hops from a start URL.
    pub depth: u32,
    /// The place of its facts among the crawl's pages.
    pub place: usize,
}

/// A hash of a URL, as the trust keeps it.
type UrlKey = u64;

/// A hash of what a list entry states of the page it names.
type EntryKey = u64;

/// The kept pages this crawl may trust, and what it has learned of them so far.
#[derive(Debug, Default)]
pub(super) struct Trust {
    /// Kept detail pages and attachments not due for revalidation, with when the site
    /// last confirmed each.
    trustable: foldhash::HashMap<UrlKey, NaiveDateTime>,
    /// For each of them, the list entries naming it in the kept crawl.
    entries: foldhash::HashMap<UrlKey, Vec<EntryKey>>,
    /// Pages some entry of this crawl shows changed: asked again.
    changed: foldhash::HashSet<UrlKey>,
    /// Pages trusted so far, and where their facts are.
    trusted: foldhash::HashMap<UrlKey, TrustedPage>,
}

fn url_key(url: &str) -> UrlKey {
    xxhash_rust::xxh3::xxh3_64(url.as_bytes())
}

/// The key of a list entry: its title, its date and what else it states.
fn entry_key(parts: &[&str]) -> EntryKey {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"\x1f");
    }
    h.digest()
}

/// The list entries of a page, each as the URL it names and its key.
fn entries_of(page: &PageFacts) -> impl Iterator<Item = (&str, EntryKey)> {
    let listed = page.list_items.iter().map(|i| {
        let date = i.date.to_string();
        let mut parts: Vec<&str> = vec![&i.title, &date];
        for (k, v) in &i.fields {
            parts.extend([k.as_str(), v.as_str()]);
        }
        (i.url.as_str(), entry_key(&parts))
    });
    let month_day = page.month_day_items.iter().map(|i| {
        let date = format!("{}-{}", i.month, i.day);
        (i.url.as_str(), entry_key(&[&i.title, &date]))
    });
    let attachments = page
        .attachments
        .iter()
        .map(|a| (a.url.as_str(), entry_key(&["attachment", &a.name])));
    listed.chain(month_day).chain(attachments)
}

/// The key of the URL an entry names, as the crawl would fetch it.
fn named_key(url: &str) -> Option<UrlKey> {
    frontier::normalize(url).map(|u| url_key(u.as_str()))
}

/// Whether a kept page may be trusted at all: a fetched detail page or attachment
/// (not a listing), confirmed by the site.
fn may_be_trusted(page: &PageFacts, start: &Url) -> Option<NaiveDateTime> {
    let confirmed = page.confirmed?;
    let fetched =
        matches!(page.fetch, FetchState::Fetched { status } if (200..300).contains(&status));
    let html = page.content_type.is_empty() || page.content_type.contains("html");
    let detail = !html || document::role(page) == Role::Document;
    (fetched && detail && page.url != start.as_str()).then_some(confirmed.at)
}

impl Trust {
    /// The trust of a crawl from `start` that holds the `kept` pages of the facts index.
    ///
    /// Due for revalidation, and so not trusted: every kept page confirmed
    /// `revalidate_after` ago or longer, and, oldest first, as many more as make this
    /// crawl's share of the kept pages — the time since the kept crawl over
    /// `revalidate_after` (a seventh of them when the crawl runs nightly with the default
    /// 7 days). Pages confirmed at the same time are taken in the order of a hash of
    /// their URL, so the share differs from crawl to crawl.
    pub fn new(setup: &TrustSetup, start: &Url, kept: &[PageFacts]) -> Self {
        if setup.full {
            return Trust::default();
        }
        let mut candidates: Vec<(NaiveDateTime, u64, UrlKey)> = kept
            .iter()
            .filter_map(|p| Some((may_be_trusted(p, start)?, phase(&p.url), url_key(&p.url))))
            .collect();
        candidates.sort_unstable();
        let last_crawl = kept.iter().filter_map(|p| p.confirmed.map(|c| c.at)).max();
        let due = due_count(setup, &candidates, last_crawl);
        // A page confirmed after this crawl's clock (a clock set back, or `--clock`
        // before the kept crawl) is of unknown age: asked again.
        let trustable: foldhash::HashMap<UrlKey, NaiveDateTime> = candidates[due..]
            .iter()
            .filter(|&&(at, _, _)| at <= setup.now)
            .map(|&(at, _, k)| (k, at))
            .collect();
        let mut entries: foldhash::HashMap<UrlKey, Vec<EntryKey>> = Default::default();
        for page in kept {
            for (url, entry) in entries_of(page) {
                let Some(named) = named_key(url).filter(|k| trustable.contains_key(k)) else {
                    continue;
                };
                let known = entries.entry(named).or_default();
                if !known.contains(&entry) {
                    known.push(entry);
                }
            }
        }
        Trust {
            trustable,
            entries,
            ..Trust::default()
        }
    }

    /// Whether the crawl may trust `url`'s kept page now.
    pub fn trusts(&self, url: &Url) -> bool {
        let key = url_key(url.as_str());
        self.trustable.contains_key(&key) && !self.changed.contains(&key)
    }

    /// Take in a sitemap's word that `url` changed at `at` (its `<lastmod>`): a kept
    /// page confirmed before then is asked again; returned when it was already trusted,
    /// to be revalidated now.
    pub fn modified(&mut self, url: &Url, at: NaiveDateTime) -> Option<TrustedPage> {
        let key = url_key(url.as_str());
        let confirmed = *self.trustable.get(&key)?;
        if confirmed >= at || !self.changed.insert(key) {
            return None;
        }
        self.trusted.remove(&key)
    }

    /// Note a page the crawl trusted.
    pub fn trusted(&mut self, page: TrustedPage) {
        self.trusted.insert(url_key(page.url.as_str()), page);
    }

    /// Take in the list entries of a page the crawl fetched and analysed anew (`was`:
    /// its kept facts, if any): the pages they show changed, and those its kept facts
    /// named that it no longer names (removed, or moved to another page of the list),
    /// are asked again; returned are those of them already trusted, to be revalidated
    /// now.
    pub fn observe(&mut self, page: &PageFacts, was: Option<&PageFacts>) -> Vec<TrustedPage> {
        // Nothing to trust (no cache, `--full`, a cold crawl): no entry's URL is read.
        if self.trustable.is_empty() {
            return Vec::new();
        }
        let mut shown: Vec<UrlKey> = Vec::new();
        let mut changed: Vec<UrlKey> = Vec::new();
        for (url, entry) in entries_of(page) {
            let Some(key) = named_key(url).filter(|k| self.trustable.contains_key(k)) else {
                continue;
            };
            shown.push(key);
            if !self.entries.get(&key).is_some_and(|e| e.contains(&entry)) {
                changed.push(key);
            }
        }
        if let Some(was) = was {
            shown.sort_unstable();
            let gone = entries_of(was)
                .filter_map(|(url, _)| named_key(url).filter(|k| self.trustable.contains_key(k)))
                .filter(|k| shown.binary_search(k).is_err());
            changed.extend(gone);
        }
        let mut again = Vec::new();
        for key in changed {
            if !self.changed.insert(key) {
                continue;
            }
            if let Entry::Occupied(trusted) = self.trusted.entry(key) {
                again.push(trusted.remove());
            }
        }
        again
    }
}

/// Where a page comes among pages confirmed at the same time: a hash of its URL's path
/// and query (not its host or port, so that a site's pages keep their order when it moves).
fn phase(url: &str) -> u64 {
    let path = url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or(url);
    xxhash_rust::xxh3::xxh3_64(path.as_bytes())
}

/// How many of the `candidates` (by time confirmed, oldest first) are due.
fn due_count(
    setup: &TrustSetup,
    candidates: &[(NaiveDateTime, u64, UrlKey)],
    last_crawl: Option<NaiveDateTime>,
) -> usize {
    let after = setup.revalidate_after;
    if after <= TimeDelta::zero() {
        return candidates.len();
    }
    // Sorted oldest first: the expired ones are at the front.
    let expired = candidates
        .iter()
        .take_while(|&&(at, _, _)| setup.now - at >= after)
        .count();
    let since = last_crawl.map_or(after, |t| setup.now - t);
    let share = (since.num_seconds().max(0) as f64 / after.num_seconds().max(1) as f64).min(1.0);
    let share = (candidates.len() as f64 * share).ceil() as usize;
    expired.max(share).min(candidates.len())
}

/// A page's facts as confirmed by the site just now.
pub(super) fn confirmed_now(facts: &mut PageFacts, now: NaiveDateTime) {
    facts.confirmed = match facts.fetch {
        FetchState::Fetched { .. } => Some(Confirmed {
            at: now,
            trusted: false,
        }),
        FetchState::Failed { .. } => None,
    };
}

/// A kept page's facts, trusted by this crawl.
pub(super) fn mark_trusted(facts: &mut PageFacts) {
    if let Some(c) = facts.confirmed.as_mut() {
        c.trusted = true;
    }
}

/// How many of `pages` the crawl trusted, and how long before `now` the site confirmed
/// the oldest of them, in seconds (0 when none).
pub(super) fn trusted_count_and_oldest(pages: &[PageFacts], now: NaiveDateTime) -> (u64, u64) {
    let trusted = pages
        .iter()
        .filter_map(|p| p.confirmed.filter(|c| c.trusted));
    let (count, oldest) = trusted.fold((0u64, None::<NaiveDateTime>), |(n, oldest), c| {
        (n + 1, Some(oldest.map_or(c.at, |o| o.min(c.at))))
    });
    let age = oldest.map_or(0, |at| u64::try_from((now - at).num_seconds()).unwrap_or(0));
    (count, age)
}

/// The system clock's time, in UTC.
pub(super) fn system_clock() -> NaiveDateTime {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, since_epoch.subsec_nanos())
        .unwrap_or_default()
        .naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2022, 2, day)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap()
    }

    fn setup(now: NaiveDateTime) -> TrustSetup {
        TrustSetup {
            now,
            revalidate_after: TimeDelta::days(7),
            full: false,
        }
    }

    /// A detail page confirmed at `confirmed`.
    fn detail(path: &str, confirmed: NaiveDateTime) -> PageFacts {
        let mut p = PageFacts::from_html(
            &format!("http://a.cn{path}"),
            200,
            "<title>通知</title><p>正文</p>",
        );
        p.confirmed = Some(Confirmed {
            at: confirmed,
            trusted: false,
        });
        p
    }

    /// A list page naming `items` (path, title).
    fn list(items: &[(&str, &str)], confirmed: NaiveDateTime) -> PageFacts {
        let rows: String = items
            .iter()
            .map(|(path, title)| {
                format!("<li><a href=\"{path}\">{title}</a><span>2022-01-20</span></li>")
            })
            .collect();
        let mut p = PageFacts::from_html(
            "http://a.cn/col/index.html",
            200,
            &format!("<ul>{rows}</ul>"),
        );
        p.confirmed = Some(Confirmed {
            at: confirmed,
            trusted: false,
        });
        p
    }

    fn url(path: &str) -> Url {
        Url::parse(&format!("http://a.cn{path}")).unwrap()
    }

    #[test]
    fn each_crawl_revalidates_its_share_oldest_first() {
        let start = url("/");
        let kept: Vec<PageFacts> = (0..70)
            .map(|i| detail(&format!("/c/{i}.html"), at(1)))
            .collect();
        let trusted = |now| {
            let t = Trust::new(&setup(now), &start, &kept);
            (0..70)
                .filter(|i| t.trusts(&url(&format!("/c/{i}.html"))))
                .count()
        };
        // A night after: a seventh is due; the same night: none; a week after: all.
        assert_eq!(trusted(at(2)), 60);
        assert_eq!(trusted(at(1)), 70);
        assert_eq!(trusted(at(8)), 0);
        // A clock set back before the kept crawl: no kept page's age is known.
        assert_eq!(trusted(at(1) - TimeDelta::hours(1)), 0);
        let full = TrustSetup {
            full: true,
            ..setup(at(2))
        };
        assert!(!Trust::new(&full, &start, &kept).trusts(&url("/c/1.html")));
        // The oldest go first, whatever the share: a page confirmed 7 days ago is due.
        let mut kept = kept;
        kept.push(detail("/old.html", at(1) - TimeDelta::days(6)));
        let t = Trust::new(&setup(at(2)), &start, &kept);
        assert!(!t.trusts(&url("/old.html")));
        // The start page is never trusted.
        let t = Trust::new(&setup(at(2)), &url("/c/1.html"), &kept[1..2]);
        assert!(!t.trusts(&url("/c/1.html")));
    }

    #[test]
    fn a_changed_moved_or_dated_entry_makes_a_page_asked_again() {
        let start = url("/");
        let (a, b, c) = ("/col/a.html", "/col/b.html", "/col/c.html");
        let old = list(&[(a, "甲"), (b, "乙"), (c, "丙")], at(1));
        let kept = vec![
            old.clone(),
            detail(a, at(1)),
            detail(b, at(1)),
            detail(c, at(1)),
        ];
        // Confirmed the same night: none due.
        let mut t = Trust::new(&setup(at(1)), &start, &kept);
        assert!(t.trusts(&url(a)) && t.trusts(&url(b)) && t.trusts(&url(c)));
        t.trusted(TrustedPage {
            url: url(b),
            depth: 1,
            place: 2,
        });
        // The list again: b retitled (already trusted: revalidated now), c gone, a as it was.
        let new = list(&[(a, "甲"), (b, "乙（修订）")], at(1));
        let again = t.observe(&new, Some(&old));
        assert_eq!(again.len(), 1);
        assert_eq!((again[0].url.path(), again[0].place), (b, 2));
        assert!(t.trusts(&url(a)));
        assert!(!t.trusts(&url(b)) && !t.trusts(&url(c)));
        // Seen once: not revalidated twice.
        assert!(t.observe(&new, Some(&old)).is_empty());
        // A sitemap's lastmod after the confirmation.
        assert!(t.modified(&url(a), at(1) - TimeDelta::hours(1)).is_none());
        assert!(t.trusts(&url(a)));
        assert!(t.modified(&url(a), at(1) + TimeDelta::hours(1)).is_none());
        assert!(!t.trusts(&url(a)));
    }
}
