//! The HTML fast path against html5ever: `zwgk_core::html::parse_document` promises the
//! tree of `scraper::Html::parse_document`; any input whose two trees serialise
//! differently is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    let fast = zwgk_core::html::parse_document(html);
    let reference = scraper::Html::parse_document(html);
    let (a, b) = (fast.root_element().html(), reference.root_element().html());
    assert_eq!(a, b, "the fast path's tree differs from html5ever's");
    assert_eq!(fast.tree.nodes().count(), reference.tree.nodes().count());
});
