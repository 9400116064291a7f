//! Sitemaps and sitemap indexes (XML, gzip by its magic bytes, text): any body reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_crawl::http::sitemap;

fuzz_target!(|data: &[u8]| {
    let _ = sitemap::read(data, None);
    let _ = sitemap::read(data, Some("application/xml"));
    let _ = sitemap::read(data, Some("text/plain"));
});
