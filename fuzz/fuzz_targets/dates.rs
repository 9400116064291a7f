//! The date parser: dates, labelled dates and periods found in any text; every span found
//! lies on character boundaries of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_core::date;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for found in date::find_dates(&text) {
        assert!(text.get(found.span.clone()).is_some(), "span {:?}", found.span);
    }
    let _ = date::parse_date(&text);
    let _ = date::find_period(&text);
    let labels = ["发布日期", "成文日期", "日期"];
    for found in [
        date::date_after_label(&text, &labels),
        date::date_after_own_label(&text, &labels),
    ]
    .into_iter()
    .flatten()
    {
        assert!(text.get(found.span.clone()).is_some(), "span {:?}", found.span);
    }
});
