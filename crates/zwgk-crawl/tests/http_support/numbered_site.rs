//! A site of numbered pages for tests that count connections and streams: the home page
//! `/` links to `/p0.html` … `/p{n-1}.html`; any other path is not found.

#![allow(dead_code)] // each test that includes this file uses only part of it

use zwgk_core::PageFacts;

/// The body of `path` on a site of `pages` numbered pages, or `None` (404).
pub fn body_for(path: &str, pages: usize) -> Option<String> {
    if path == "/" {
        let links: String = (0..pages)
            .map(|i| format!("<a href=\"/p{i}.html\">第{i}页</a>"))
            .collect();
        return Some(format!("<title>首页</title>{links}"));
    }
    let n: usize = path
        .strip_prefix("/p")?
        .strip_suffix(".html")?
        .parse()
        .ok()?;
    (n < pages).then(|| format!("<title>第{n}页</title>"))
}

/// Whether the crawl fetched the home page and every numbered page with status 200.
pub fn all_fetched(crawled: &[PageFacts], pages: usize) -> bool {
    let fetched = |path: &str| {
        crawled
            .iter()
            .any(|p| p.url.ends_with(path) && p.status() == Some(200))
    };
    fetched("/") && (0..pages).all(|i| fetched(&format!("/p{i}.html")))
}
