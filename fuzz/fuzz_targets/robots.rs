//! robots.txt (RFC 9309): any file parses; matching any path terminates and agrees with
//! itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_crawl::http::robots::{pattern_matches, Robots};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The last line is a path to ask about; the rest is the file.
    let (file, path) = text.rsplit_once('\n').unwrap_or((&text, "/"));
    let robots = Robots::parse(file, "zwgk");
    let first = robots.allowed(path);
    assert_eq!(first, robots.allowed(path));
    let _ = robots.allowed("/");
    for line in file.lines().take(16) {
        if let Some((_, pattern)) = line.split_once(':') {
            let _ = pattern_matches(pattern.trim(), path);
        }
    }
});
