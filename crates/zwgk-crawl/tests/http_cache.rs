//! Re-scans: the on-disk cache (conditional requests, 304) and the snapshot folder.

mod http_support;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use http_support::server::{Resp, Server};
use zwgk_core::{evaluate, EvidenceSet, Outcome, PageFacts, Report, RulePack, Selectors, Site};
use zwgk_crawl::http::{CrawlOptions, HttpSource, ProgressMode, StatusClass};
use zwgk_crawl::inputs::load_pack;
use zwgk_crawl::{FolderSource, PageSource};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Options of a crawl that asks the site about every kept page (`--full`: these tests
/// are of the conditional requests; `tests/incremental.rs` is of the pages trusted
/// unchanged), all its pages confirmed at one fixed time.
fn opts(cache: Option<&Path>, snapshot: Option<&Path>) -> CrawlOptions {
    CrawlOptions {
        revalidate_all: true,
        clock: NaiveDate::from_ymd_opt(2022, 2, 1)
            .unwrap()
            .and_hms_opt(2, 0, 0),
        delay: Duration::ZERO,
        backoff: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        cache: cache.map(Path::to_path_buf),
        snapshot: snapshot.map(Path::to_path_buf),
        ..CrawlOptions::default()
    }
}

/// Task and rule outcomes by number and id.
type Outcomes = (BTreeMap<u32, Outcome>, BTreeMap<String, Outcome>);

fn outcomes(r: &Report) -> Outcomes {
    r.outcome_maps()
}

struct Pack {
    pack: RulePack,
    probes: Selectors,
}

impl Pack {
    fn load() -> Pack {
        let pack = load_pack(&repo().join("rules/gd-whly-2021")).expect("pack");
        let probes = pack.selectors.clone();
        Pack { pack, probes }
    }

    fn outcomes(&self, target: String, pages: Vec<PageFacts>) -> Outcomes {
        let as_of = NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
        let site = Site::new(target, pages);
        outcomes(&evaluate(&self.pack, &site, &EvidenceSet::empty(), as_of))
    }
}

/// Crawl; the source (for its records) and the pages.
fn crawl(server: &Server, o: CrawlOptions, probes: &Selectors) -> (HttpSource, Vec<PageFacts>) {
    let src = HttpSource::new(&server.url("/"), o).expect("source");
    let pages = src.pages(probes).expect("crawl");
    (src, pages)
}

/// Targets answered with this status among `answers`.
fn answered(answers: &[(String, u16)], status: u16) -> HashSet<String> {
    answers
        .iter()
        .filter(|(_, s)| *s == status)
        .map(|(t, _)| t.clone())
        .collect()
}

#[test]
fn a_cached_rescan_gets_304s_the_same_verdicts_and_sees_changes() {
    let pack = Pack::load();
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let mirror = repo().join("fixtures/portals/mini-2021/whly.gd.gov.cn");
    let server = Server::start()
        .serve_mirror(&mirror, "whly.gd.gov.cn")
        .with_validators();

    let (first_src, first) = crawl(&server, opts(Some(&cache), None), &pack.probes);
    let first_answers = server.answers();
    let fetched = answered(&first_answers, 200);
    assert!(fetched.len() > 50, "{}", fetched.len());
    assert!(first_src.records().iter().all(|r| !r.not_modified));
    assert!(first_src.cache_stats().unwrap().written as usize >= fetched.len());

    let (second_src, second) = crawl(&server, opts(Some(&cache), None), &pack.probes);
    let second_answers = server.answers()[first_answers.len()..].to_vec();
    assert_eq!(
        answered(&second_answers, 304),
        fetched,
        "every page kept the first time is answered 304"
    );
    assert!(answered(&second_answers, 200).is_empty());
    assert!(server.log()[first_answers.len()..]
        .iter()
        .filter(|s| fetched.contains(&s.target))
        .all(|s| s.if_none_match.is_some() && s.if_modified_since.is_some()));
    let records = second_src.records();
    let cached: Vec<_> = records.iter().filter(|r| r.not_modified).collect();
    assert_eq!(cached.len(), fetched.len());
    assert!(cached
        .iter()
        .all(|r| r.class == StatusClass::Success && r.bytes == 0));
    let summary = second_src.summary().unwrap();
    assert_eq!(summary.not_modified as usize, fetched.len());
    assert!(summary.to_string().contains("not modified"), "{summary}");
    assert_eq!(first, second, "the same page facts");
    let first_outcomes = pack.outcomes(first_src.target(), first);
    assert_eq!(
        first_outcomes,
        pack.outcomes(second_src.target(), second.clone())
    );
    // And the verdicts of the mirror itself.
    let folder = FolderSource::open(&mirror, None).unwrap();
    let folder_pages = folder.pages(&pack.probes).unwrap();
    assert_eq!(first_outcomes, pack.outcomes(folder.target(), folder_pages));

    // A page changes on the server: it is fetched again and its new content seen.
    let changed = "/tonglan/content/post_3764082.html";
    let page = |pages: &[PageFacts]| {
        pages
            .iter()
            .find(|p| p.url.ends_with(changed))
            .expect("changed page")
            .clone()
    };
    let old_title = page(&second).title;
    assert!(!old_title.is_empty());
    let text = std::fs::read_to_string(mirror.join(&changed[1..]))
        .unwrap()
        .replace("http://whly.gd.gov.cn", &server.base())
        .replace(&old_title, &format!("改版 {old_title}"));
    server.fixed(changed, Resp::html(text).header("ETag", "\"changed\""));
    let before = server.answers().len();
    let (_, third) = crawl(&server, opts(Some(&cache), None), &pack.probes);
    let third_answers = server.answers()[before..].to_vec();
    assert_eq!(
        answered(&third_answers, 200),
        HashSet::from([changed.to_string()])
    );
    assert_eq!(answered(&third_answers, 304).len(), fetched.len() - 1);
    assert!(
        page(&third).title.starts_with("改版 "),
        "{}",
        page(&third).title
    );
    assert!(!page(&second).title.starts_with("改版 "));
    // The new version is kept in turn.
    let before = server.answers().len();
    let (_, fourth) = crawl(&server, opts(Some(&cache), None), &pack.probes);
    assert!(answered(&server.answers()[before..], 200).is_empty());
    assert_eq!(page(&fourth).title, page(&third).title);
    let urls = |pages: &[PageFacts]| pages.iter().map(|p| p.url.clone()).collect::<HashSet<_>>();
    assert_eq!(urls(&third).len(), third.len(), "no page twice");
    assert_eq!(urls(&fourth), urls(&second));

    // The page is gone: it is not answered from what was kept.
    server.fixed(changed, Resp::new(404, "text/html", b"gone".to_vec()));
    let (_, fifth) = crawl(&server, opts(Some(&cache), None), &pack.probes);
    assert_eq!(urls(&fifth).len(), fifth.len(), "no page twice");
    assert_eq!(
        page(&fifth).fetch,
        zwgk_core::page::FetchState::Fetched { status: 404 }
    );
}

#[test]
fn validators_no_store_and_damaged_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let server = Server::start();
    server.fixed(
        "/",
        Resp::html(
            "<title>首页</title><a href=\"/lm.html\">a</a><a href=\"/nostore.html\">b</a>\
             <a href=\"/plain.html\">c</a><a href=\"/a.pdf\">d</a>",
        )
        .header("ETag", "W/\"home\""),
    );
    server.fixed(
        "/lm.html",
        Resp::html("<title>lm</title>").header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    server.fixed(
        "/nostore.html",
        Resp::html("<title>ns</title>")
            .header("ETag", "\"ns\"")
            .header("Cache-Control", "private, no-store"),
    );
    server.fixed("/plain.html", Resp::html("<title>plain</title>"));
    server.fixed(
        "/a.pdf",
        Resp::new(200, "application/pdf", b"%PDF-1.4 tiny".to_vec()).header("ETag", "\"pdf\""),
    );
    let probes = Selectors::none();
    let (_, first) = crawl(&server, opts(Some(&cache), None), &probes);
    let n = server.answers().len();
    let (_, second) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(first, second);
    let status: BTreeMap<String, u16> = server.answers()[n..].iter().cloned().collect();
    assert_eq!(status["/"], 304, "weak ETag");
    assert_eq!(status["/lm.html"], 304, "Last-Modified only");
    assert_eq!(
        status["/a.pdf"], 304,
        "an attachment whose body was not read"
    );
    assert_eq!(status["/nostore.html"], 200, "no-store is not kept");
    assert_eq!(status["/plain.html"], 200, "no validator, nothing to ask");
    assert_eq!(status["/robots.txt"], 404);
    let sent = |t: &str| {
        server.log()[n..]
            .iter()
            .find(|s| s.target == t)
            .cloned()
            .unwrap()
    };
    assert!(sent("/nostore.html").if_none_match.is_none());
    assert_eq!(
        sent("/lm.html").if_modified_since.as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );

    // Three kept responses, each file with the page facts made from it, and the facts
    // index of the crawl.
    let mut files: Vec<PathBuf> = entries(&cache).into_keys().collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let index = indexes(&cache);
    assert_eq!(index.len(), 1, "{index:?}");
    let (index_file, index_bytes) = index.into_iter().next().unwrap();

    // A damaged index is not used: the entries answer (304), the facts are the same,
    // and the index is written again.
    let mut cut = index_bytes.clone();
    cut.truncate(cut.len() - 1);
    std::fs::write(&index_file, &cut).unwrap();
    let n = server.answers().len();
    let (_, again) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(first, again);
    assert_eq!(answered(&server.answers()[n..], 304).len(), 3);
    // (The same pages; its table of links may be in another order.)
    let rewritten = std::fs::read(&index_file).unwrap();
    assert!(rewritten != cut && rewritten.len() == index_bytes.len());

    // With the index, the entries are not read for pages answered 304: damaged, they
    // change nothing.
    let kept_entries = entries(&cache);
    for f in kept_entries.keys() {
        std::fs::write(f, b"damaged").unwrap();
    }
    let n = server.answers().len();
    let (_, from_index) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(first, from_index);
    assert_eq!(answered(&server.answers()[n..], 304).len(), 3);
    for (f, bytes) in &kept_entries {
        std::fs::write(f, bytes).unwrap();
    }

    // Damage every entry and the index: each is ignored and fetched in full, never a
    // failure.
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let head_end = bytes.windows(2).position(|w| w == b"\n\n").unwrap();
        let head = String::from_utf8_lossy(&bytes[..head_end]);
        assert!(head.lines().any(|l| l.starts_with("facts ")), "{head}");
    }
    files.push(index_file);
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let damaged = match i % 3 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => Vec::new(),
            _ => bytes.iter().map(|b| b ^ 0x55).collect(),
        };
        std::fs::write(f, damaged).unwrap();
    }
    let n = server.answers().len();
    let (_, third) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(first, third);
    assert!(answered(&server.answers()[n..], 304).is_empty());
    // Rewritten whole: the next crawl is answered 304 again.
    let n = server.answers().len();
    crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(answered(&server.answers()[n..], 304).len(), 3);
}

#[test]
fn a_snapshot_written_from_a_cached_rescan_scans_the_same() {
    let pack = Pack::load();
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let snap = tmp.path().join("snap");
    let mirror = repo().join("fixtures/portals/mini-2021-faulty/whly.gd.gov.cn");
    let server = Server::start()
        .serve_mirror(&mirror, "whly.gd.gov.cn")
        .with_validators();
    // The first crawl fills the cache; the second, mostly 304s, writes the snapshot.
    crawl(&server, opts(Some(&cache), Some(&snap)), &pack.probes);
    let n = server.answers().len();
    let (src, pages) = crawl(&server, opts(Some(&cache), Some(&snap)), &pack.probes);
    assert!(answered(&server.answers()[n..], 200).is_empty());
    let summary = src.snapshot().expect("snapshot");
    assert_eq!(summary.failed, 0, "{summary:?}");
    assert!(summary.files > 50);
    let crawled = pack.outcomes(src.target(), pages);
    let folder = FolderSource::open(&snap, None).expect("snapshot folder");
    assert_eq!(folder.base().as_str(), format!("{}/", server.base()));
    let folder_pages = folder.pages(&pack.probes).unwrap();
    assert_eq!(crawled, pack.outcomes(folder.target(), folder_pages));
    // Attachments are saved whole.
    let pdf = "attachment/0/291/291036/2931775.pdf";
    let host = snap.join(server.base().trim_start_matches("http://"));
    assert_eq!(
        std::fs::read(host.join(pdf)).unwrap(),
        std::fs::read(mirror.join(pdf)).unwrap()
    );
}

/// The entry files under a cache folder, with their bytes.
fn entries(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = files_under(dir);
    files.retain(|f, _| !is_index(f));
    files
}

/// The facts index files under a cache folder, with their bytes.
fn indexes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = files_under(dir);
    files.retain(|f, _| is_index(f));
    files
}

fn is_index(f: &Path) -> bool {
    f.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("facts-"))
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().map(Result::unwrap) {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                files.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    files
}

#[test]
fn kept_facts_are_reused_and_made_again_for_other_probes() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let server = Server::start();
    server.fixed(
        "/",
        Resp::html("<title>首页</title><div class=x>甲</div><a href=\"/a.html\">a</a>")
            .header("ETag", "\"home\""),
    );
    server.fixed(
        "/a.html",
        Resp::html("<title>a</title><div class=x>乙</div>").header("ETag", "\"a\""),
    );
    let none = Selectors::none();
    let (_, first) = crawl(&server, opts(Some(&cache), None), &none);
    let kept = files_under(&cache);
    assert_eq!(entries(&cache).len(), 2, "one file a page");
    assert_eq!(indexes(&cache).len(), 1, "and the facts index");
    // The same setup: answered 304, the kept facts used, nothing written.
    let n = server.answers().len();
    let (_, again) = crawl(&server, opts(Some(&cache), None), &none);
    assert_eq!(again, first);
    assert_eq!(answered(&server.answers()[n..], 304).len(), 2);
    assert_eq!(files_under(&cache), kept, "nothing written");
    // Other selector probes: the kept bodies are analysed again (still 304) and kept
    // with their new facts, which equal a crawl without the cache.
    let probes = Selectors::new(["div.x"]).unwrap();
    let n = server.answers().len();
    let (_, probed) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(answered(&server.answers()[n..], 304).len(), 2);
    let (_, fresh) = crawl(&server, opts(None, None), &probes);
    assert_eq!(probed, fresh);
    assert!(probed.iter().any(|p| !p.selected.is_empty()));
    let rewritten = files_under(&cache);
    assert_eq!(entries(&cache).len(), 2);
    assert!(entries(&cache).iter().all(|(f, bytes)| kept[f] != *bytes));
    assert_eq!(indexes(&cache).len(), 2, "an index for each setup");
    let (_, probed_again) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(probed_again, fresh);
    assert_eq!(files_under(&cache), rewritten, "reused, nothing written");
}

#[test]
fn a_crawl_cut_short_keeps_the_index_pages_it_did_not_reach() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let server = Server::start();
    server.fixed(
        "/",
        Resp::html("<title>首页</title><a href=\"/a.html\">a</a><a href=\"/b.html\">b</a>")
            .header("ETag", "\"home\""),
    );
    for p in ["a", "b"] {
        server.fixed(
            &format!("/{p}.html"),
            Resp::html(format!("<title>{p}</title>")).header("ETag", &format!("\"{p}\"")),
        );
    }
    let probes = Selectors::none();
    let (_, first) = crawl(&server, opts(Some(&cache), None), &probes);
    let (index_file, index_bytes) = indexes(&cache).into_iter().next().unwrap();

    // Stopped by the page limit after the home page: the two pages it did not reach
    // are not in its report, and stay in the index, which is left as it was.
    let limited = CrawlOptions {
        max_pages: Some(1),
        ..opts(Some(&cache), None)
    };
    let (_, cut) = crawl(&server, limited, &probes);
    let fetched = |url: &str| {
        cut.iter().any(|p| {
            p.url.ends_with(url) && matches!(p.fetch, zwgk_core::page::FetchState::Fetched { .. })
        })
    };
    assert!(fetched("/") && !fetched("/a.html") && !fetched("/b.html"));
    assert_eq!(std::fs::read(&index_file).unwrap(), index_bytes);

    // So the next whole crawl still takes every page from the index: with the entries
    // damaged, all three are answered 304 with the first crawl's facts.
    for f in entries(&cache).keys() {
        std::fs::write(f, b"damaged").unwrap();
    }
    let n = server.answers().len();
    let (_, whole) = crawl(&server, opts(Some(&cache), None), &probes);
    assert_eq!(first, whole);
    assert_eq!(answered(&server.answers()[n..], 304).len(), 3);

    // A complete crawl drops what it no longer reaches.
    server.fixed(
        "/",
        Resp::html("<title>首页</title><a href=\"/a.html\">a</a>").header("ETag", "\"home2\""),
    );
    crawl(&server, opts(Some(&cache), None), &probes);
    let shorter = std::fs::read(&index_file).unwrap();
    assert!(shorter.len() < index_bytes.len());
    let n = server.answers().len();
    let (_, last) = crawl(&server, opts(Some(&cache), None), &probes);
    assert!(last.iter().all(|p| !p.url.ends_with("/b.html")), "{last:?}");
    assert_eq!(answered(&server.answers()[n..], 304).len(), 2);
}
