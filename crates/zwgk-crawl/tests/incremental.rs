//! Incremental re-scans (`--cache` without `--full`): a week of nightly scans of a
//! portal that changes, each judged against a full scan of that night's portal, with
//! the requests counted from the server's log.

mod http_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use http_support::server::Server;
use zwgk_core::{evaluate, EvidenceSet, Outcome, PageFacts, RulePack, Site};
use zwgk_crawl::http::{CrawlOptions, FetchSummary, HttpSource, ProgressMode, SkipReason};
use zwgk_crawl::inputs::load_pack;
use zwgk_crawl::PageSource;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Task and rule outcomes by number and id.
type Outcomes = (BTreeMap<u32, Outcome>, BTreeMap<String, Outcome>);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scan of one night: its pages, its fetch summary and the requests the server saw.
struct Scan {
    pages: Vec<PageFacts>,
    summary: FetchSummary,
    requests: usize,
}

impl Scan {
    fn page(&self, path: &str) -> Option<&PageFacts> {
        self.pages.iter().find(|p| p.url.ends_with(path))
    }
}

fn scan(server: &Server, pack: &RulePack, cache: Option<&Path>, now: NaiveDateTime) -> Scan {
    scan_with_limit(server, pack, cache, now, None)
}

fn scan_with_limit(
    server: &Server,
    pack: &RulePack,
    cache: Option<&Path>,
    now: NaiveDateTime,
    max_pages: Option<usize>,
) -> Scan {
    let options = CrawlOptions {
        max_pages,
        delay: Duration::ZERO,
        backoff: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        cache: cache.map(Path::to_path_buf),
        revalidate_after: REVALIDATE_AFTER,
        clock: Some(now),
        ..CrawlOptions::default()
    };
    let before = server.log().len();
    let src = HttpSource::new(&server.url("/"), options).expect("source");
    let pages = src.pages(&pack.selectors).expect("crawl");
    Scan {
        pages,
        summary: src.summary().expect("a summary"),
        requests: server.log().len() - before,
    }
}

fn outcomes(pack: &RulePack, server: &Server, pages: &[PageFacts], as_of: NaiveDate) -> Outcomes {
    let site = Site::new(server.url("/"), pages.to_vec());
    evaluate(pack, &site, &EvidenceSet::empty(), as_of).outcome_maps()
}

/// Kept pages are asked again at least this often in the test's week.
const REVALIDATE_AFTER: Duration = Duration::from_secs(3 * 24 * 60 * 60);

const COLUMN: &str = "news_newtpxw/index.html";
const NEW_ITEM: &str = "news_newtpxw/content/post_3790001.html";
/// Pages edited in place on night 1, their list entries as they were: the budget page
/// loses its attachment, the others gain a line. The last one is in the sitemap, whose
/// `<lastmod>` for it moves to the time of the edit.
const EDITED: [&str; 4] = [
    "open_newczyjs/content/post_3213895.html",
    "open_newjhgh/content/post_3641948.html",
    "hdjl_newhygq/content/post_3375661.html",
    "news_newtpxw/content/post_3608944.html",
];
const EDIT_MARK: &str = "本文已于2022年2月2日更新";
const REMOVED: &str = "news_newtpxw/content/post_3765068.html";
const REPLACED: &str = "attachment/0/365/365118/3125403.pdf";

/// The site's sitemap (named in robots.txt), listing the last edited page as modified at
/// `lastmod`.
fn sitemap(site: &Path, lastmod: &str) {
    let page = EDITED[3];
    std::fs::write(
        site.join("sitemap.xml"),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
             <url><loc>http://whly.gd.gov.cn/{page}</loc><lastmod>{lastmod}</lastmod></url></urlset>\n"
        ),
    )
    .unwrap();
}

/// What changes on the portal before the night's scans.
fn change(night: u32, site: &Path) {
    let edit = |path: &str, f: &dyn Fn(String) -> String| {
        let file = site.join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        let edited = f(text.clone());
        assert_ne!(edited, text, "{path} changed");
        std::fs::write(file, edited).unwrap();
    };
    match night {
        0 => {
            let robots = site.join("robots.txt");
            let mut text = std::fs::read_to_string(&robots).unwrap();
            text.push_str("\nSitemap: http://whly.gd.gov.cn/sitemap.xml\n");
            std::fs::write(robots, text).unwrap();
            sitemap(site, "2022-01-20");
        }
        // A new item at the top of a column, and a page edited in place (its list entry
        // as it was): the budget page loses its attachment.
        1 => {
            let row = "<li><a href=\"/news_newtpxw/content/post_3790001.html\" target=\"_blank\">\
                       全省文化和旅游系统新春工作部署会召开</a><span class=\"list_time\">2022-02-01</span></li>\n";
            edit(COLUMN, &|t| {
                t.replacen(
                    "<li><a href=\"/news_newtpxw/content/",
                    &format!("{row}<li><a href=\"/news_newtpxw/content/"),
                    1,
                )
            });
            let detail =
                std::fs::read_to_string(site.join("news_newtpxw/content/post_3774116.html"))
                    .unwrap()
                    .replace(
                        "全省“我们的中国梦——文化进万家”活动在清远启动",
                        "全省文化和旅游系统新春工作部署会召开",
                    )
                    .replace("2022-01-26", "2022-02-01");
            std::fs::write(site.join(NEW_ITEM), detail).unwrap();
            edit(EDITED[0], &|t| {
                t.replace(
                    "href=\"/attachment/0/365/365118/3125403.pdf\"",
                    &format!("href=\"#\" title=\"{EDIT_MARK}\""),
                )
            });
            for page in &EDITED[1..] {
                edit(page, &|t| {
                    t.replace("</body>", &format!("<p>{EDIT_MARK}。</p></body>"))
                });
            }
            sitemap(site, "2022-02-02T09:00:00+08:00");
        }
        // A page removed, with its list entry.
        3 => {
            std::fs::remove_file(site.join(REMOVED)).unwrap();
            edit(COLUMN, &|t| {
                t.lines()
                    .filter(|l| !l.contains("post_3765068.html"))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        // An attachment replaced by a new version under the same URL.
        4 => {
            let file = site.join(REPLACED);
            let mut bytes = std::fs::read(&file).unwrap();
            bytes.extend_from_slice(b"\n% revised\n");
            std::fs::write(file, bytes).unwrap();
        }
        _ => {}
    }
}

#[test]
fn a_week_of_nightly_rescans_judges_as_full_scans_do() {
    let pack = load_pack(&repo().join("rules/gd-whly-2021")).expect("pack");
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(
        &repo().join("fixtures/portals/mini-2021/whly.gd.gov.cn"),
        &site,
    );
    let cache = tmp.path().join("cache");
    let server = Server::start()
        .serve_mirror(&site, "whly.gd.gov.cn")
        .with_validators();
    let first_night = NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
    let after = chrono::TimeDelta::from_std(REVALIDATE_AFTER).unwrap();
    let (mut full_requests, mut incremental_requests) = (0, 0);
    let mut edit_seen = [None; EDITED.len()];
    let mut stale_nights = 0;
    for night in 0..7u32 {
        let day = first_night + chrono::Days::new(u64::from(night));
        let now = day.and_hms_opt(2, 0, 0).unwrap();
        change(night, &site);
        let full = scan(&server, &pack, None, now);
        let incremental = scan(&server, &pack, Some(&cache), now);
        full_requests += full.requests;
        incremental_requests += incremental.requests;
        let s = &incremental.summary;
        let context = format!("night {night}: {s}");

        // No page rests on a copy older than --revalidate-after.
        for p in &incremental.pages {
            if let Some(c) = p.confirmed {
                assert!(
                    now - c.at < after || !c.trusted,
                    "{context}: {} trusted, confirmed {}",
                    p.url,
                    c.at
                );
            }
        }
        assert!(
            s.oldest_trusted_age_secs < REVALIDATE_AFTER.as_secs(),
            "{context}"
        );
        if night == 0 {
            assert_eq!(s.trusted, 0, "{context}");
            assert_eq!(incremental.requests, full.requests, "{context}");
        } else {
            assert!(s.trusted > 0, "{context}");
            // A third of the kept detail pages are due each night (3 days); the lists,
            // the catalogue's API pages and the new pages are always asked.
            assert!(
                incremental.requests * 4 < full.requests * 3,
                "{context}: {} requests against the full scan's {}",
                incremental.requests,
                full.requests
            );
        }

        // The new item is judged the night it appears; the removed page is seen removed.
        if night >= 1 {
            let new = incremental.page(NEW_ITEM).expect("the new item");
            let confirmed = new.confirmed.expect("confirmed");
            if night == 1 {
                assert!(!confirmed.trusted && confirmed.at == now, "{context}");
            }
        }
        if night >= 3 {
            // Still linked from the home page's news block: a broken link, as the full
            // scan sees it, not the kept copy.
            let status = |s: &Scan| s.page(REMOVED).and_then(PageFacts::status);
            assert_eq!(status(&full), Some(404), "{context}");
            assert_eq!(status(&incremental), status(&full), "{context}");
        }

        // A page edited in place is seen once it is revalidated, within
        // --revalidate-after of the edit; until then, its kept copy is what is judged.
        let mut stale = Vec::new();
        for (i, path) in EDITED.iter().enumerate() {
            let page = incremental.page(path).expect("an edited page");
            let seen = if i == 0 {
                !page.attachments.iter().any(|a| a.url.ends_with(REPLACED))
            } else {
                page.text.as_str().contains(EDIT_MARK)
            };
            if night >= 1 && seen {
                edit_seen[i].get_or_insert(night);
            }
            if night >= 1 && !seen {
                let c = page.confirmed.expect("confirmed");
                assert!(c.trusted, "{context}: {path} fetched is seen as it is");
                stale.push(*path);
            }
        }
        let expected = outcomes(&pack, &server, &full.pages, day);
        let got = outcomes(&pack, &server, &incremental.pages, day);
        if stale.is_empty() {
            assert_eq!(got, expected, "{context}");
        }
        stale_nights += usize::from(!stale.is_empty());
        eprintln!(
            "night {night}: full scan {} requests; re-scan {} requests, {} trusted, {} revalidated, {} fetched{}",
            full.requests,
            incremental.requests,
            s.trusted,
            s.not_modified,
            s.fetches - s.not_modified,
            if stale.is_empty() {
                String::new()
            } else {
                format!(" ({} pages edited in place not yet revalidated)", stale.len())
            }
        );
    }
    // The sitemap said when it changed: seen the night of the edit.
    assert_eq!(edit_seen[3], Some(1), "{}", EDITED[3]);
    for (path, seen) in EDITED.iter().zip(edit_seen) {
        let seen = seen.unwrap_or_else(|| panic!("{path}: the edit was not seen within the week"));
        assert!(
            u64::from(seen - 1) * 86_400 <= REVALIDATE_AFTER.as_secs(),
            "{path}: seen {} nights after the edit",
            seen - 1
        );
    }
    // The kept copies were judged on some night, or the test did not test them.
    assert!(
        stale_nights > 0,
        "every edited page was revalidated the night of the edit"
    );
    assert!(
        incremental_requests * 4 < full_requests * 3,
        "{incremental_requests} requests in the week against {full_requests}"
    );
}

#[test]
fn a_server_without_validators_is_rescanned_incrementally_too() {
    let pack = load_pack(&repo().join("rules/gd-whly-2021")).expect("pack");
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let mirror = repo().join("fixtures/portals/mini-2021/whly.gd.gov.cn");
    // No ETag, no Last-Modified: nothing to revalidate conditionally.
    let server = Server::start().serve_mirror(&mirror, "whly.gd.gov.cn");
    let first_night = NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
    let night = |n: u64| {
        (first_night + chrono::Days::new(n))
            .and_hms_opt(2, 0, 0)
            .unwrap()
    };
    let cold = scan(&server, &pack, Some(&cache), night(0));
    let before = server.log().len();
    let next = scan(&server, &pack, Some(&cache), night(1));
    let full = scan(&server, &pack, None, night(1));
    let s = &next.summary;
    assert!(s.trusted > 0, "{s}");
    assert_eq!(s.not_modified, 0, "{s}");
    assert!(next.requests * 4 < cold.requests * 3, "{s}");
    assert!(server.log()[before..]
        .iter()
        .all(|r| r.if_none_match.is_none() && r.if_modified_since.is_none()));
    assert_eq!(
        outcomes(&pack, &server, &next.pages, first_night),
        outcomes(&pack, &server, &full.pages, first_night)
    );
}

/// A page linked from the home page is trusted before its column's list is read; when
/// the list then shows its entry changed, the page is asked again. It is one page of the
/// crawl, counted once against `--max-pages`: a re-scan limited to the full scan's page
/// count loses nothing.
#[test]
fn a_page_trusted_then_revalidated_counts_once_against_the_page_limit() {
    let pack = load_pack(&repo().join("rules/gd-whly-2021")).expect("pack");
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(
        &repo().join("fixtures/portals/mini-2021/whly.gd.gov.cn"),
        &site,
    );
    let cache = tmp.path().join("cache");
    let server = Server::start()
        .serve_mirror(&site, "whly.gd.gov.cn")
        .with_validators();
    let first_night = NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
    let night = |n: u64| {
        (first_night + chrono::Days::new(n))
            .and_hms_opt(2, 0, 0)
            .unwrap()
    };
    scan(&server, &pack, Some(&cache), night(0));
    // The home page links this item; its column's list now gives it a new title.
    let item = "news_newtpxw/content/post_3774116.html";
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains(item));
    let column = site.join(COLUMN);
    let list = std::fs::read_to_string(&column).unwrap();
    let old_title = "全省“我们的中国梦——文化进万家”活动在清远启动";
    let entry = list
        .lines()
        .find(|l| l.contains(item))
        .expect("the column lists the item")
        .to_string();
    assert!(entry.contains(old_title), "{entry}");
    let renamed = entry.replace(old_title, "全省“我们的中国梦——文化进万家”活动启动");
    std::fs::write(&column, list.replace(&entry, &renamed)).unwrap();

    let full = scan(&server, &pack, None, night(1));
    let lost = |s: &Scan| s.summary.skipped.get(&SkipReason::PageLimit).copied();
    // The full scan's page count as the crawl counts it: the least limit it keeps within.
    let limit = (full.pages.len()..full.pages.len() + 20)
        .find(|&limit| {
            lost(&scan_with_limit(
                &server,
                &pack,
                None,
                night(1),
                Some(limit),
            ))
            .is_none()
        })
        .expect("a limit the full scan keeps within");
    let before = server.log().len();
    let next = scan_with_limit(&server, &pack, Some(&cache), night(1), Some(limit));
    let asked: Vec<_> = server.log()[before..]
        .iter()
        .filter(|r| r.target.ends_with(item))
        .cloned()
        .collect();
    assert_eq!(asked.len(), 1, "{item} asked again once: {asked:?}");
    assert!(next.summary.trusted > 0, "{}", next.summary);
    assert_eq!(lost(&next), None, "{}", next.summary);
    assert_eq!(next.pages.len(), full.pages.len());
    assert_eq!(
        outcomes(&pack, &server, &next.pages, first_night),
        outcomes(&pack, &server, &full.pages, first_night)
    );
}
