//! Crawling a fixture portal over HTTP gives the same verdicts as reading its mirror folder.

mod http_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use http_support::server::Server;
use zwgk_core::{evaluate, EvidenceSet, Site};
use zwgk_crawl::http::{CrawlOptions, HttpSource, ProgressMode};
use zwgk_crawl::inputs::load_pack;
use zwgk_crawl::{FolderSource, PageSource};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check(portal: &str) {
    let pack = load_pack(&repo().join("rules/gd-whly-2021")).expect("pack");
    let probes = pack.selectors.clone();
    let as_of = NaiveDate::from_ymd_opt(2022, 2, 1).unwrap();
    let dir = repo().join("fixtures/portals").join(portal);

    let folder = FolderSource::open(&dir, None).expect("folder");
    let folder_site = Site::new(
        folder.target(),
        folder.pages(&probes).expect("folder pages"),
    );
    let folder_report = evaluate(&pack, &folder_site, &EvidenceSet::empty(), as_of);

    let server = Server::start().serve_mirror(&dir.join("whly.gd.gov.cn"), "whly.gd.gov.cn");
    let http = HttpSource::new(
        &server.url("/"),
        CrawlOptions {
            delay: Duration::ZERO,
            progress: ProgressMode::Off,
            ..CrawlOptions::default()
        },
    )
    .expect("source");
    let pages = http.pages(&probes).expect("crawl");
    let failed: Vec<&str> = pages
        .iter()
        .filter(|p| p.is_failed())
        .map(|p| p.url.as_str())
        .collect();
    assert!(failed.is_empty(), "{portal}: failed pages {failed:?}");
    let http_site = Site::new(http.target(), pages);
    let http_report = evaluate(&pack, &http_site, &EvidenceSet::empty(), as_of);

    let (ft, fr) = folder_report.outcome_maps();
    let (ht, hr) = http_report.outcome_maps();
    let differing: Vec<String> = fr
        .iter()
        .filter(|(id, o)| hr.get(*id) != Some(*o))
        .map(|(id, o)| format!("{id}: folder {o}, http {:?}", hr.get(id)))
        .collect();
    assert!(
        differing.is_empty(),
        "{portal}: rules differ: {differing:#?}"
    );
    assert_eq!(ft, ht, "{portal}: task outcomes");
    assert_eq!(fr.len(), hr.len());

    // Nothing fetched twice; the catalogue API was read.
    let twice: Vec<_> = server.hits().into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "{portal}: fetched twice: {twice:?}");
    assert_eq!(server.hits_of("/gkmlpt/api/all/2629?page=1&sid=175"), 1);
    let summary = http.summary().expect("summary");
    assert!(summary.fetches > 50, "{portal}: {summary}");
}

#[test]
fn mini_2021_verdicts_match_the_folder_scan() {
    check("mini-2021");
}

#[test]
fn mini_2021_faulty_verdicts_match_the_folder_scan() {
    check("mini-2021-faulty");
}
