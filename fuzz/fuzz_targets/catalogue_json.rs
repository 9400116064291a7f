//! The gkmlpt catalogue: its JSON API pages and the configuration script of its pages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_crawl::quirks::{gkmlpt, json_page};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = json_page("http://127.0.0.1/gkmlpt/api/all/0?page=1", 200, &text);
    let _ = gkmlpt::catalogue_page("http://127.0.0.1/gkmlpt/api/all/2?page=3", 200, &text);
    let _ = gkmlpt::read_config(&text);
});
