//! Page-facts extraction as the crawler runs it on a fetched body: kind detection, the
//! encoding sniff, the nesting cut, the HTML facts (title, dates, links, lists, tables).
//! The first byte chooses the `Content-Type` the body is served with.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_core::Selectors;
use zwgk_crawl::{analyze, AnalysisLimits};

const CONTENT_TYPES: [Option<&str>; 4] = [
    Some("text/html"),
    Some("text/html; charset=gbk"),
    Some("application/octet-stream"),
    None,
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(choice) % CONTENT_TYPES.len()];
    let _ = analyze(
        "http://127.0.0.1/zwgk/index.html",
        200,
        content_type,
        body,
        &Selectors::default(),
        &AnalysisLimits::default(),
    );
});
