//! Checking off-site links (`check_external`) against fixture servers on 127.0.0.1: the
//! crawled site on one port, the "off-site" hosts on others (the crawl's scope is host
//! and port, so another port is another site).

mod http_support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use http_support::server::{Resp, Server};
use zwgk_core::{CheckMethod, ExternalLink, Selectors};
use zwgk_crawl::http::{CrawlOptions, FetchSummary, HttpSource, ProgressMode};
use zwgk_crawl::PageSource;

const CONTACT: &str = "ops@example.invalid";

fn fast() -> CrawlOptions {
    CrawlOptions {
        delay: Duration::ZERO,
        backoff: Duration::from_millis(5),
        max_retry_wait: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        contact: Some(CONTACT.into()),
        check_external: true,
        ..CrawlOptions::default()
    }
}

/// A site whose home page links `home` and whose `/more.html` links `more`.
fn site(home: &[String], more: &[String]) -> Server {
    let a = |urls: &[String]| -> String {
        urls.iter()
            .enumerate()
            .map(|(i, u)| format!("<a href=\"{u}\">链接{i}</a>"))
            .collect()
    };
    let s = Server::start();
    s.fixed("/robots.txt", Resp::status(404));
    s.fixed(
        "/",
        Resp::html(format!(
            "<title>首页</title><a href=\"/more.html\">更多</a>{}",
            a(home)
        )),
    );
    s.fixed(
        "/more.html",
        Resp::html(format!("<title>更多</title>{}", a(more))),
    );
    s
}

fn crawl(site: &Server, opts: CrawlOptions) -> (HttpSource, BTreeMap<String, ExternalLink>) {
    let src = HttpSource::new(&site.url("/"), opts).expect("source");
    src.pages(&Selectors::none()).expect("crawl");
    let external = src
        .external()
        .into_iter()
        .map(|l| (l.url.clone(), l))
        .collect();
    (src, external)
}

/// A port on 127.0.0.1 that refuses connections.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("address").port()
}

fn summary(src: &HttpSource) -> FetchSummary {
    src.summary().expect("a summary")
}

/// (method, target) → requests, for one server.
fn asked(server: &Server, method: &str, target: &str) -> usize {
    server
        .by_method()
        .get(&(method.to_string(), target.to_string()))
        .copied()
        .unwrap_or(0)
}

#[test]
fn off_site_links_are_checked_head_first_then_get() {
    let off = Server::start();
    off.fixed("/ok.html", Resp::html("<title>ok</title>"));
    off.fixed("/gone.html", Resp::status(404));
    off.fixed("/nohead.html", Resp::html("<title>no head</title>"));
    off.on_head("/nohead.html", Resp::status(405));
    off.fixed("/moved", Resp::redirect("/moved-to.html"));
    off.fixed("/moved-to.html", Resp::status(410));
    let refused = format!("http://127.0.0.1:{}/x.html", closed_port());
    let home = vec![
        off.url("/ok.html"),
        off.url("/ok.html#again"),
        off.url("/gone.html"),
        off.url("/nohead.html"),
        off.url("/moved"),
        refused.clone(),
        "mailto:office@example.invalid".into(),
        "javascript:void(0)".into(),
        "tel:020-12345678".into(),
    ];
    let s = site(&home, &[off.url("/ok.html")]);
    let (src, ext) = crawl(&s, fast());

    let status = |u: &str| ext.get(u).and_then(|l| l.status);
    let method = |u: &str| ext.get(u).map(|l| l.method);
    assert_eq!(status(&off.url("/ok.html")), Some(200), "{ext:#?}");
    assert_eq!(method(&off.url("/ok.html")), Some(CheckMethod::Head));
    assert_eq!(status(&off.url("/gone.html")), Some(404));
    assert_eq!(
        method(&off.url("/gone.html")),
        Some(CheckMethod::Get),
        "a HEAD 404 is confirmed with a GET"
    );
    assert_eq!(status(&off.url("/nohead.html")), Some(200), "available");
    assert_eq!(method(&off.url("/nohead.html")), Some(CheckMethod::Get));
    assert_eq!(
        status(&off.url("/moved")),
        Some(410),
        "the final status after the redirect counts"
    );
    let down = ext.get(&refused).expect("the refused URL is recorded");
    assert!(down.is_unreachable() && down.error.is_some(), "{down:?}");
    assert_eq!(ext.len(), 5, "only http(s) links: {ext:#?}");

    assert_eq!(asked(&off, "HEAD", "/ok.html"), 1);
    assert_eq!(asked(&off, "GET", "/ok.html"), 0, "a HEAD 200 decides");
    assert_eq!(asked(&off, "HEAD", "/nohead.html"), 1);
    assert_eq!(asked(&off, "GET", "/nohead.html"), 1);
    assert!(
        off.by_method().values().all(|&n| n == 1),
        "each URL at most once per method: {:?}",
        off.by_method()
    );
    assert!(off
        .log()
        .iter()
        .all(|r| r.user_agent.starts_with("zwgk/")
            && r.user_agent.ends_with("(+ops@example.invalid)")));
    assert!(
        s.log().iter().all(|r| r.method == "GET"),
        "the crawled site is crawled, not checked"
    );

    let sum = summary(&src);
    assert_eq!(sum.external_checked, 5);
    assert_eq!(sum.external_broken, 2);
    assert_eq!(sum.external_unreachable, 1);
    assert_eq!(sum.external_unchecked, 0);
    assert!(sum.external_requests >= off.log().len() as u64);
    assert!(
        sum.to_string().contains("off-site links: 5 checked"),
        "{sum}"
    );
    assert_eq!(
        sum.fetches, 3,
        "robots.txt, /, /more.html: checks are not fetches"
    );
}

#[test]
fn nothing_off_site_is_requested_without_check_external() {
    let off = Server::start();
    off.fixed("/ok.html", Resp::html("<title>ok</title>"));
    let s = site(&[off.url("/ok.html")], &[]);
    let (src, ext) = crawl(
        &s,
        CrawlOptions {
            check_external: false,
            ..fast()
        },
    );
    assert!(ext.is_empty());
    assert!(off.log().is_empty(), "{:?}", off.log());
    let sum = summary(&src);
    assert_eq!(
        (
            sum.external_checked,
            sum.external_unchecked,
            sum.external_requests
        ),
        (0, 0, 0)
    );
}

#[test]
fn in_flight_per_off_site_host_stays_within_the_limit() {
    for limit in [1usize, 2] {
        let off = Server::start();
        off.route("/slow/", true, |_, _| {
            Resp::html("<title>slow</title>").delayed(Duration::from_millis(80))
        });
        let links: Vec<String> = (0..8)
            .map(|i| off.url(&format!("/slow/{i}.html")))
            .collect();
        let s = site(&links, &[]);
        let (src, ext) = crawl(
            &s,
            CrawlOptions {
                external_concurrency: limit,
                ..fast()
            },
        );
        assert_eq!(ext.len(), 8);
        assert!(ext.values().all(|l| l.status == Some(200)));
        assert!(
            (1..=limit).contains(&off.max_in_flight()),
            "limit {limit}: {} in flight",
            off.max_in_flight()
        );
        assert_eq!(summary(&src).external_requests, 8);
    }
}

#[test]
fn at_most_max_external_urls_are_checked_start_page_first() {
    let off = Server::start();
    off.route("/", true, |_, _| Resp::html("<title>x</title>"));
    let home: Vec<String> = (0..2).map(|i| off.url(&format!("/home{i}.html"))).collect();
    let more: Vec<String> = (0..4).map(|i| off.url(&format!("/more{i}.html"))).collect();
    let s = site(&home, &more);
    let (src, ext) = crawl(
        &s,
        CrawlOptions {
            max_external: 2,
            ..fast()
        },
    );
    let checked: Vec<&String> = ext.keys().collect();
    assert_eq!(
        checked,
        [&home[0], &home[1]],
        "the start page's links first"
    );
    let targets: std::collections::BTreeSet<String> =
        off.log().into_iter().map(|r| r.target).collect();
    assert_eq!(targets.len(), 2, "{targets:?}");
    let sum = summary(&src);
    assert_eq!((sum.external_checked, sum.external_unchecked), (2, 4));
}

#[test]
fn busy_answers_are_retried_after_retry_after() {
    let off = Server::start();
    off.route("/busy.html", false, |_, n| {
        if n == 0 {
            Resp::status(503).header("Retry-After", "0")
        } else {
            Resp::html("<title>ok</title>")
        }
    });
    let s = site(&[off.url("/busy.html")], &[]);
    let (src, ext) = crawl(&s, fast());
    let l = &ext[&off.url("/busy.html")];
    assert_eq!((l.status, l.method), (Some(200), CheckMethod::Head));
    assert_eq!(asked(&off, "HEAD", "/busy.html"), 2);
    assert_eq!(asked(&off, "GET", "/busy.html"), 0);
    assert_eq!(summary(&src).external_requests, 2);
}

#[test]
fn the_deadline_leaves_the_rest_unchecked() {
    let off = Server::start();
    off.route("/", true, |_, _| {
        Resp::html("<title>slow</title>").delayed(Duration::from_secs(3))
    });
    let links: Vec<String> = (0..4).map(|i| off.url(&format!("/p{i}.html"))).collect();
    let s = site(&links, &[]);
    let began = Instant::now();
    let (src, ext) = crawl(
        &s,
        CrawlOptions {
            deadline: Some(Duration::from_millis(800)),
            ..fast()
        },
    );
    assert!(
        began.elapsed() < Duration::from_millis(2500),
        "{:?}",
        began.elapsed()
    );
    assert!(ext.is_empty(), "{ext:?}");
    let sum = summary(&src);
    assert!(sum.stopped_early);
    assert_eq!((sum.external_checked, sum.external_unchecked), (0, 4));
}

#[test]
fn scan_hands_the_results_to_the_site() {
    let off = Server::start();
    off.fixed("/gone.html", Resp::status(404));
    let s = site(&[off.url("/gone.html")], &[]);
    let src = HttpSource::new(&s.url("/"), fast()).expect("source");
    let site = src.site(&Selectors::none()).expect("scan");
    let l = site.external(&off.url("/gone.html")).expect("checked");
    assert!(l.is_broken());
    assert_eq!(site.external_links().count(), 1);
}
