//! The HTTP crawler against a fixture server on 127.0.0.1 with injected faults.

mod http_support;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use http_support::server::{Resp, Server};
use zwgk_core::{PageFacts, Selectors};
use zwgk_crawl::http::{CrawlOptions, HttpSource, ProgressMode, StatusClass};
use zwgk_crawl::PageSource;

const CONTACT: &str = "ops@example.invalid";

/// Options that keep tests fast: no interval, short backoff.
fn fast() -> CrawlOptions {
    CrawlOptions {
        delay: Duration::ZERO,
        backoff: Duration::from_millis(5),
        max_retry_wait: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
        progress: ProgressMode::Off,
        contact: Some(CONTACT.into()),
        ..CrawlOptions::default()
    }
}

fn crawl(server: &Server, opts: CrawlOptions) -> (HttpSource, BTreeMap<String, PageFacts>) {
    let src = HttpSource::new(&server.url("/"), opts).expect("source");
    let pages = src.pages(&Selectors::none()).expect("crawl");
    let by_url = pages.into_iter().map(|p| (p.url.clone(), p)).collect();
    (src, by_url)
}

fn links(paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| format!("<a href=\"{p}\">{p}</a>"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn gzip_bomb(unpacked: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![b' '; 1 << 20];
    let mut left = unpacked;
    enc.write_all(b"<html><head><title>bomb</title></head><body>")
        .unwrap();
    while left > 0 {
        let n = left.min(zeros.len());
        enc.write_all(&zeros[..n]).unwrap();
        left -= n;
    }
    enc.finish().unwrap()
}

/// A small site with every fault at once.
fn faulty_site() -> Server {
    let s = Server::start();
    let base = s.base();
    s.fixed(
        "/robots.txt",
        Resp::new(
            200,
            "text/plain",
            format!(
                "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.001\n\nSitemap: {base}/sitemap.xml\n"
            ),
        ),
    );
    s.fixed(
        "/sitemap.xml",
        Resp::new(
            200,
            "application/xml",
            format!("<urlset><url><loc>{base}/only-in-sitemap.html</loc></url></urlset>"),
        ),
    );
    s.fixed(
        "/",
        Resp::html(format!(
            "<title>首页</title>{}<a href=\"http://example.invalid/elsewhere\">off scope</a>",
            links(&[
                "/a.html",
                "/a.html#again",
                "/./a.html",
                "/private/secret.html",
                "/missing.html",
                "/flaky.html",
                "/flaky-date.html",
                "/down.html",
                "/loop-a",
                "/old.html",
                "/gbk.html",
                "/big.html",
                "/bomb.html",
                "/slow.html",
                "/trap?page=1",
                "/report.pdf",
            ])
        )),
    );
    s.fixed(
        "/a.html",
        Resp::html(format!(
            "<title>A</title>{}",
            links(&["/", "/a.html", "/b.html"])
        )),
    );
    s.fixed(
        "/b.html",
        Resp::html("<title>B</title><a href=\"a.html\">A</a>"),
    );
    s.fixed("/only-in-sitemap.html", Resp::html("<title>地图页</title>"));
    s.fixed("/private/secret.html", Resp::html("<title>secret</title>"));
    s.route("/flaky.html", false, |_, n| {
        if n < 2 {
            Resp::status(503).header("Retry-After", "0")
        } else {
            Resp::html("<title>终于</title>")
        }
    });
    s.route("/flaky-date.html", false, |_, n| {
        if n < 1 {
            Resp::status(429).header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
        } else {
            Resp::html("<title>later</title>")
        }
    });
    s.fixed("/down.html", Resp::status(500));
    s.fixed("/loop-a", Resp::redirect("/loop-b"));
    s.fixed("/loop-b", Resp::redirect("/loop-a"));
    s.fixed("/old.html", Resp::redirect("/moved/new.html"));
    s.fixed(
        "/moved/new.html",
        Resp::html("<title>新址</title><a href=\"rel.html\">rel</a>"),
    );
    s.fixed("/moved/rel.html", Resp::html("<title>相对</title>"));
    let gbk = encoding_rs::GBK
        .encode("<html><head><title>广东省文化厅通知</title></head><body>政务公开</body></html>")
        .0
        .into_owned();
    s.fixed("/gbk.html", Resp::new(200, "text/html; charset=utf-8", gbk));
    let mut big = b"<html><head><title>Big</title></head><body>".to_vec();
    big.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    s.fixed("/big.html", Resp::new(200, "text/html", big));
    s.fixed(
        "/bomb.html",
        Resp::new(200, "text/html", gzip_bomb(64 << 20)).header("Content-Encoding", "gzip"),
    );
    s.fixed(
        "/slow.html",
        Resp::html("<title>slow</title>").delayed(Duration::from_millis(150)),
    );
    s.route("/trap", true, |target, _| {
        let n: u64 = target
            .rsplit('=')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Resp::html(format!(
            "<title>trap {n}</title><a href=\"/trap?page={}\">next</a><a href=\"/trap?page={}\">skip</a>",
            n + 1,
            n + 2
        ))
    });
    s.fixed(
        "/report.pdf",
        Resp::new(200, "application/pdf", b"%PDF-1.4 x".to_vec()),
    );
    s
}

fn faulty_opts() -> CrawlOptions {
    CrawlOptions {
        max_body: 1024 * 1024,
        max_query_variants: 5,
        ..fast()
    }
}

#[test]
fn polite_robust_crawl_of_a_faulty_site() {
    let s = faulty_site();
    let (src, pages) = crawl(&s, faulty_opts());
    let page = |p: &str| {
        pages
            .get(&s.url(p))
            .unwrap_or_else(|| panic!("no page {p}"))
    };

    // Reach: links, relative links after a redirect, the sitemap named by robots.txt.
    assert_eq!(page("/").title, "首页");
    assert_eq!(page("/b.html").title, "B");
    assert_eq!(page("/only-in-sitemap.html").title, "地图页");
    assert_eq!(page("/report.pdf").content_type, "application/pdf");

    // robots.txt: the disallowed page is never requested, nor made a page.
    assert_eq!(s.hits_of("/private/secret.html"), 0);
    assert!(!pages.contains_key(&s.url("/private/secret.html")));
    assert!(src.summary().unwrap().disallowed >= 1);

    // Off-scope links are kept as links, not fetched.
    assert!(page("/")
        .links
        .iter()
        .any(|l| l.url == "http://example.invalid/elsewhere"));
    assert!(!pages.contains_key("http://example.invalid/elsewhere"));

    // Never twice: every target once, except redirect-loop hops (one request follows
    // them several times) and retried ones.
    for (target, n) in s.hits() {
        let retried = ["/flaky.html", "/flaky-date.html", "/down.html"];
        if target.starts_with("/loop-") || retried.contains(&target.as_str()) {
            continue;
        }
        assert_eq!(n, 1, "{target} fetched {n} times");
    }

    // 503 flap honouring Retry-After, then success; 429 with a date.
    assert_eq!(page("/flaky.html").title, "终于");
    assert_eq!(s.hits_of("/flaky.html"), 3);
    assert_eq!(page("/flaky-date.html").title, "later");
    assert_eq!(s.hits_of("/flaky-date.html"), 2);
    // A 5xx that never recovers: a failed page (rules incomplete), after 3 tries.
    assert!(page("/down.html").is_failed());
    assert_eq!(s.hits_of("/down.html"), 3);
    // 404: fetched once, a page with that status (a broken link), not retried.
    assert_eq!(page("/missing.html").status(), Some(404));
    assert_eq!(s.hits_of("/missing.html"), 1);

    // A redirect loop is bounded and fails that page only.
    assert!(page("/loop-a").is_failed());
    assert!(s.hits_of("/loop-a") <= 12);
    // A redirect: the page under both URLs, relative links against the new one.
    assert_eq!(page("/old.html").title, "新址");
    assert_eq!(page("/moved/new.html").title, "新址");
    assert_eq!(page("/moved/rel.html").title, "相对");

    // Mislabelled charset: header says UTF-8, the bytes are GBK.
    assert_eq!(page("/gbk.html").title, "广东省文化厅通知");
    assert!(page("/gbk.html").text.as_str().contains("政务公开"));

    // Oversized body and compression bomb: cut at the limit, marked, not fatal.
    assert_eq!(page("/big.html").title, "Big");
    assert_eq!(page("/bomb.html").title, "bomb");
    let records = src.records();
    let rec = |p: &str| {
        records
            .iter()
            .find(|r| r.url == s.url(p))
            .unwrap_or_else(|| panic!("no record {p}"))
    };
    for p in ["/big.html", "/bomb.html"] {
        assert!(rec(p).truncated, "{p} marked as cut");
        assert!(rec(p).bytes <= 1024 * 1024, "{p} kept within the limit");
    }
    assert_eq!(rec("/flaky.html").tries, 3);
    assert_eq!(rec("/down.html").class, StatusClass::ServerError);
    assert_eq!(rec("/loop-a").class, StatusClass::Error);
    assert_eq!(rec("/missing.html").class, StatusClass::ClientError);
    assert_eq!(page("/slow.html").title, "slow");
    // A PDF is a document whose text rules read: its body is fetched.
    assert_eq!(rec("/report.pdf").bytes, 10);

    // The link trap: at most 5 query strings on /trap.
    let trap_hits: usize = s
        .hits()
        .iter()
        .filter(|(t, _)| t.starts_with("/trap"))
        .map(|(_, n)| n)
        .sum();
    assert!(trap_hits <= 5, "trap fetched {trap_hits} times");
    assert!(src.summary().unwrap().trapped > 0);

    // The User-Agent names the tool and the contact, on every request.
    let ua = format!("zwgk/{} (+{CONTACT})", env!("CARGO_PKG_VERSION"));
    assert!(s.log().iter().all(|r| r.user_agent == ua));
    // robots.txt is read before anything else.
    assert_eq!(s.log()[0].target, "/robots.txt");

    let sum = src.summary().unwrap();
    assert_eq!(sum.fetches as usize, records.len());
    assert!(sum.count(StatusClass::Success) > 10);
    assert_eq!(sum.truncated, 2);
    assert!(!sum.stopped_early);
}

#[test]
fn requests_in_flight_per_host_stay_within_the_limit() {
    let s = Server::start();
    let paths: Vec<String> = (0..24).map(|i| format!("/p{i}.html")).collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    s.fixed("/", Resp::html(links(&refs)));
    for p in &paths {
        s.fixed(
            p,
            Resp::html(format!("<title>{p}</title>")).delayed(Duration::from_millis(15)),
        );
    }
    let (src, pages) = crawl(
        &s,
        CrawlOptions {
            concurrency: 3,
            ..fast()
        },
    );
    assert_eq!(pages.values().filter(|p| p.is_ok()).count(), 25);
    assert!(s.max_in_flight() <= 3, "in flight: {}", s.max_in_flight());
    assert!(s.max_in_flight() >= 1);
    assert!(s.hits().values().all(|&n| n == 1));
    // robots.txt absent (404): everything allowed; it is a page with that status.
    assert_eq!(s.hits_of("/robots.txt"), 1);
    assert_eq!(src.summary().unwrap().disallowed, 0);
}

/// A gkmlpt catalogue under a prefix: two categories, one of three pages (3 + 3 + 1
/// articles, no total given), one empty.
fn catalogue_site() -> Server {
    let s = Server::start();
    s.fixed("/", Resp::html("<a href=\"/dept/gkmlpt/index\">目录</a>"));
    s.fixed(
        "/dept/gkmlpt/index",
        Resp::html(
            "<title>政府信息公开目录</title><script>window._CONFIG = {SID:'9', TREE:[{id:11,name:'年报',children:[{id:12,name:'空'}]}]};</script>",
        ),
    );
    let article = |id: u32| {
        format!(
            r#"{{"id":{id},"title":"文件{id}","url":"/dept/gkmlpt/content/0/{id}/post_{id}.html","date":1642038540,"attachment":[{{"name":"附件{id}.pdf","type":"pdf","url":"/att/{id}.pdf"}}]}}"#
        )
    };
    for (page, ids) in [(1, vec![1, 2, 3]), (2, vec![4, 5, 6]), (3, vec![7])] {
        let arts: Vec<String> = ids.iter().map(|&i| article(i)).collect();
        s.fixed(
            &format!("/dept/gkmlpt/api/all/11?page={page}&sid=9"),
            Resp::new(
                200,
                "application/json",
                format!(
                    r#"{{"classify":{{"name":"年报"}},"articles":[{}]}}"#,
                    arts.join(",")
                ),
            ),
        );
    }
    s.fixed(
        "/dept/gkmlpt/api/all/12?page=1&sid=9",
        Resp::new(200, "application/json", r#"{"articles":[]}"#),
    );
    for id in 1..=7 {
        s.fixed(
            &format!("/dept/gkmlpt/content/0/{id}/post_{id}.html"),
            Resp::html(format!("<title>文件{id}</title>")),
        );
        s.fixed(
            &format!("/att/{id}.pdf"),
            Resp::new(200, "application/pdf", b"%PDF".to_vec()),
        );
    }
    s
}

#[test]
fn walks_the_gkmlpt_catalogue() {
    let s = catalogue_site();
    // The trap guard (2 query strings per path here) does not cut the catalogue.
    let (_src, pages) = crawl(
        &s,
        CrawlOptions {
            max_query_variants: 2,
            ..fast()
        },
    );
    for id in 1..=7 {
        let detail = s.url(&format!("/dept/gkmlpt/content/0/{id}/post_{id}.html"));
        assert_eq!(pages[&detail].title, format!("文件{id}"));
        assert!(pages[&s.url(&format!("/att/{id}.pdf"))].is_ok());
    }
    let api1 = &pages[&s.url("/dept/gkmlpt/api/all/11?page=1&sid=9")];
    assert_eq!(api1.list_items.len(), 3);
    // Paging stops at the short page; the empty category is not paged on.
    assert_eq!(s.hits_of("/dept/gkmlpt/api/all/11?page=3&sid=9"), 1);
    assert_eq!(s.hits_of("/dept/gkmlpt/api/all/11?page=4&sid=9"), 0);
    assert_eq!(s.hits_of("/dept/gkmlpt/api/all/12?page=1&sid=9"), 1);
    assert_eq!(s.hits_of("/dept/gkmlpt/api/all/12?page=2&sid=9"), 0);
    assert!(s.hits().values().all(|&n| n == 1));
}

#[test]
fn limits_leave_failed_pages_not_missing_ones() {
    let s = Server::start();
    s.fixed("/", Resp::html(links(&["/1.html", "/2.html", "/3.html"])));
    for i in 1..=3 {
        s.fixed(
            &format!("/{i}.html"),
            Resp::html(format!("<title>{i}</title><a href=\"/deep{i}.html\">d</a>")),
        );
        s.fixed(&format!("/deep{i}.html"), Resp::html("<title>deep</title>"));
    }
    // Depth: the start is 0, its links 1; their links are beyond.
    let (src, pages) = crawl(
        &s,
        CrawlOptions {
            max_depth: Some(1),
            ..fast()
        },
    );
    assert!(pages[&s.url("/2.html")].is_ok());
    assert!(pages[&s.url("/deep2.html")].is_failed());
    assert_eq!(s.hits_of("/deep2.html"), 0);
    assert_eq!(src.summary().unwrap().not_fetched, 3);

    // Page budget: two pages fetched, the rest failed pages.
    let s2 = Server::start();
    s2.fixed("/", Resp::html(links(&["/1.html", "/2.html", "/3.html"])));
    let (_src, pages) = crawl(
        &s2,
        CrawlOptions {
            max_pages: Some(2),
            ..fast()
        },
    );
    assert_eq!(
        pages.values().filter(|p| !p.is_failed()).count(),
        3,
        "/, one link, robots.txt"
    );
    assert_eq!(pages.values().filter(|p| p.is_failed()).count(), 2);
    let fetched: usize = s2
        .hits()
        .iter()
        .filter(|(t, _)| t.as_str() != "/robots.txt")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(fetched, 2);
}

#[test]
fn deadline_stops_cleanly_with_the_rest_failed() {
    let s = Server::start();
    let paths: Vec<String> = (0..20).map(|i| format!("/s{i}.html")).collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    s.fixed("/", Resp::html(links(&refs)));
    for p in &paths {
        s.fixed(
            p,
            Resp::html("<title>s</title>").delayed(Duration::from_millis(400)),
        );
    }
    let (src, pages) = crawl(
        &s,
        CrawlOptions {
            concurrency: 1,
            deadline: Some(Duration::from_millis(600)),
            ..fast()
        },
    );
    assert!(pages[&s.url("/")].is_ok());
    let sum = src.summary().unwrap();
    assert!(sum.stopped_early);
    let failed: Vec<&PageFacts> = pages.values().filter(|p| p.is_failed()).collect();
    assert!(!failed.is_empty());
    assert_eq!(failed.len() as u64, sum.not_fetched);
    // Every linked page is in the result, fetched or failed.
    for p in &paths {
        assert!(pages.contains_key(&s.url(p)));
    }
}

#[test]
fn timeouts_are_retried_then_fail_the_page_only() {
    let s = Server::start();
    s.fixed("/", Resp::html(links(&["/hang.html", "/ok.html"])));
    s.fixed(
        "/hang.html",
        Resp::html("<title>late</title>").delayed(Duration::from_millis(1500)),
    );
    s.fixed("/ok.html", Resp::html("<title>ok</title>"));
    let (src, pages) = crawl(
        &s,
        CrawlOptions {
            timeout: Duration::from_millis(300),
            ..fast()
        },
    );
    assert!(pages[&s.url("/hang.html")].is_failed());
    assert_eq!(s.hits_of("/hang.html"), 3);
    assert!(pages[&s.url("/ok.html")].is_ok());
    let rec = src
        .records()
        .into_iter()
        .find(|r| r.url == s.url("/hang.html"))
        .unwrap();
    assert_eq!((rec.class, rec.tries), (StatusClass::Error, 3));
}

#[test]
fn an_unreachable_start_is_an_error() {
    // Bind then drop a listener: its port is closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let src = HttpSource::new(&format!("http://127.0.0.1:{port}/"), fast()).unwrap();
    assert!(src.pages(&Selectors::none()).is_err());
    assert!(src.summary().is_some());

    // Disallowed by robots.txt: nothing can be scanned either.
    let s = Server::start();
    s.fixed(
        "/robots.txt",
        Resp::new(200, "text/plain", "User-agent: zwgk\nDisallow: /\n"),
    );
    s.fixed("/", Resp::html("<title>x</title>"));
    let src = HttpSource::new(&s.url("/"), fast()).unwrap();
    let err = src.pages(&Selectors::none()).unwrap_err().to_string();
    assert!(err.contains("robots.txt"), "{err}");
    assert_eq!(s.hits_of("/"), 0);
}

#[test]
fn bad_options_are_errors() {
    assert!(HttpSource::new("ftp://a.cn/", fast()).is_err());
    assert!(HttpSource::new("not a url", fast()).is_err());
    let bad = CrawlOptions {
        include: vec!["(".into()],
        ..fast()
    };
    assert!(HttpSource::new("http://127.0.0.1/", bad).is_err());
    let seeds = CrawlOptions {
        seeds: vec!["mailto:x@y".into()],
        ..fast()
    };
    assert!(HttpSource::new("http://127.0.0.1/", seeds).is_err());
}

#[test]
fn include_exclude_and_seeds() {
    let s = Server::start();
    s.fixed("/", Resp::html(links(&["/keep/1.html", "/skip/1.html"])));
    s.fixed("/keep/1.html", Resp::html("<title>k</title>"));
    s.fixed("/skip/1.html", Resp::html("<title>s</title>"));
    s.fixed("/seeded.html", Resp::html("<title>seed</title>"));
    let (_src, pages) = crawl(
        &s,
        CrawlOptions {
            exclude: vec!["/skip/".into()],
            seeds: vec![s.url("/seeded.html")],
            ..fast()
        },
    );
    assert!(pages[&s.url("/keep/1.html")].is_ok());
    assert!(pages[&s.url("/seeded.html")].is_ok());
    assert!(!pages.contains_key(&s.url("/skip/1.html")));
    assert_eq!(s.hits_of("/skip/1.html"), 0);
}

#[test]
fn a_start_that_redirects_to_another_host_is_followed_there() {
    let s = Server::start();
    let home = s.url("/home.html");
    s.fixed("/", Resp::redirect(&home));
    s.fixed("/home.html", Resp::html(links(&["/x.html"])));
    s.fixed("/x.html", Resp::html("<title>x</title>"));
    let start = s.url("/").replace("127.0.0.1", "localhost");
    let src = HttpSource::new(&start, fast()).unwrap();
    let pages = src.pages(&Selectors::none()).unwrap();
    let x = pages.iter().find(|p| p.url == s.url("/x.html")).expect("x");
    assert_eq!(x.title, "x");
    assert_eq!(s.hits_of("/x.html"), 1);
}

/// A sitemap index listing 1,500 sitemaps, each an index again: the crawl fetches at most
/// 1,000 sitemaps in all, and still reads the pages the first ones list.
#[test]
fn sitemaps_fetched_are_bounded() {
    let s = Server::start();
    let base = s.base();
    s.fixed(
        "/robots.txt",
        Resp::new(
            200,
            "text/plain",
            format!("User-agent: *\nSitemap: {base}/index.xml\n"),
        ),
    );
    let index = |prefix: &str, n: usize| {
        let entries: String = (0..n)
            .map(|i| format!("<sitemap><loc>{base}/{prefix}/{i}.xml</loc></sitemap>"))
            .collect();
        format!("<sitemapindex>{entries}</sitemapindex>")
    };
    s.fixed(
        "/index.xml",
        Resp::new(200, "application/xml", index("s", 1500)),
    );
    let nested = index("t", 3);
    let page_base = base.clone();
    s.route("/s/", true, move |target, _| {
        if target == "/s/0.xml" {
            Resp::new(
                200,
                "application/xml",
                format!("<urlset><url><loc>{page_base}/listed.html</loc></url></urlset>"),
            )
        } else {
            Resp::new(200, "application/xml", nested.clone())
        }
    });
    s.route("/t/", true, |_, _| {
        Resp::new(200, "application/xml", "<urlset></urlset>".to_string())
    });
    s.fixed("/", Resp::html("<title>首页</title>".to_string()));
    s.fixed(
        "/listed.html",
        Resp::html("<title>列出</title>".to_string()),
    );
    let (_src, pages) = crawl(&s, fast());
    let sitemaps: usize = s
        .hits()
        .iter()
        .filter(|(t, _)| t.ends_with(".xml"))
        .map(|(_, n)| n)
        .sum();
    assert!(sitemaps <= 1_000, "{sitemaps} sitemaps fetched");
    assert!(sitemaps >= 900, "{sitemaps} sitemaps fetched");
    assert!(pages.contains_key(&s.url("/listed.html")));
}
