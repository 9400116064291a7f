//! robots.txt per RFC 9309: the assertions of Google's reference parser's test suite
//! (`tests/data/robots/`, see its README), and the line-ending, group and product-token
//! cases of the RFC that suite checks through its parse statistics.

use zwgk_crawl::http::robots::Robots;

/// The path, parameters and query of a URL, as the reference parser's
/// `GetPathParamsQuery` takes them: after the authority, up to the fragment; `/` when empty.
fn path_params_query(url: &str) -> String {
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let start = after_scheme.find(['/', '?']).unwrap_or(after_scheme.len());
    let rest = &after_scheme[start..];
    let rest = rest.split('#').next().unwrap_or("");
    if rest.is_empty() {
        "/".to_string()
    } else if rest.starts_with('?') {
        format!("/{rest}")
    } else {
        rest.to_string()
    }
}

#[test]
fn the_reference_suite_passes() {
    let data = include_str!("data/robots/rfc9309_cases.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(data).unwrap();
    assert_eq!(cases.len(), 130, "cases read");
    let mut failed = Vec::new();
    for c in &cases {
        let robots = Robots::parse(
            c["robotstxt"].as_str().unwrap(),
            c["agent"].as_str().unwrap(),
        );
        let url = c["url"].as_str().unwrap();
        let want = c["allowed"].as_bool().unwrap();
        if robots.allowed(&path_params_query(url)) != want {
            failed.push(format!(
                "{}: agent {:?}, {url}: want allowed = {want}\n{}",
                c["test"],
                c["agent"],
                c["robotstxt"].as_str().unwrap()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n---\n")
    );
}

/// Lines end at LF, CRLF or CR alone, mixed too (RFC 9309 section 2.2; the reference
/// suite's `ID_LinesNumbersAreCountedCorrectly` files).
#[test]
fn every_line_ending_is_a_line_ending() {
    for (name, sep) in [("unix", "\n"), ("dos", "\r\n"), ("mac", "\r")] {
        let text = [
            "User-Agent: foo",
            "Allow: /some/path",
            "User-Agent: bar",
            "",
            "",
            "Disallow: /",
        ]
        .join(sep)
            + sep;
        let bar = Robots::parse(&text, "bar");
        assert!(!bar.allowed("/x"), "{name}: bar disallowed");
        let foo = Robots::parse(&text, "foo");
        assert!(foo.allowed("/some/path"), "{name}: foo allowed");
    }
    let mixed = "User-Agent: foo\nAllow: /some/path\r\nUser-Agent: bar\n\r\n\nDisallow: /";
    assert!(!Robots::parse(mixed, "bar").allowed("/x"));
    // The issue's case: a CR-only file is not one line.
    let cr = "User-Agent: bar\r\r\rDisallow: /\r";
    assert!(!Robots::parse(cr, "bar").allowed("/"));
}

/// A group is ended by a user-agent line after a rule, not by other lines.
#[test]
fn groups_end_where_the_rfc_ends_them() {
    let t = "User-agent: FooBot\nInvalid-Unknown-Line: x\nUser-agent: *\nDisallow: /";
    assert!(!Robots::parse(t, "FooBot").allowed("/"));
    assert!(!Robots::parse(t, "zwgk").allowed("/"));
    let t = "User-agent: zwgk\nCrawl-delay: 3\nUser-agent: other\nDisallow: /private/";
    let r = Robots::parse(t, "zwgk");
    assert!(!r.allowed("/private/a"));
    assert_eq!(r.crawl_delay, Some(std::time::Duration::from_secs(3)));
}

/// The product token: `zwgk/1.0` names zwgk; `zw` does not.
#[test]
fn the_product_token_is_matched_whole() {
    let t = "User-agent: zwgk/1.0\nDisallow: /a/\n\nUser-agent: *\nDisallow: /b/";
    let r = Robots::parse(t, "zwgk");
    assert!(!r.allowed("/a/x"));
    assert!(r.allowed("/b/x"), "our group, not *");
    let t = "User-agent: zw\nDisallow: /a/\n\nUser-agent: *\nDisallow: /b/";
    let r = Robots::parse(t, "zwgk");
    assert!(r.allowed("/a/x"), "zw is not zwgk");
    assert!(!r.allowed("/b/x"));
}

/// Longest match in octets of the percent-encoded rule: `/公开/` is 19 octets.
#[test]
fn rules_compare_percent_encoded() {
    let t = "User-agent: *\nDisallow: /公开/\nAllow: /*/index.html";
    let r = Robots::parse(t, "zwgk");
    assert!(!r.allowed("/%E5%85%AC%E5%BC%80/index.html"));
    assert!(r.allowed("/other/index.html"));
}

/// Google's common typos and a forgotten colon.
#[test]
fn common_typos_are_read() {
    for t in [
        "useragent: zwgk\ndissallow: /x",
        "user agent: zwgk\ndisalow: /x",
        "User-agent zwgk\nDisallow /x",
        "user-agent: zwgk\ndiasllow: /x",
        "user-agent: zwgk\ndisallaw: /x",
        "user-agent: zwgk\ndissalow: /x",
    ] {
        assert!(!Robots::parse(t, "zwgk").allowed("/x/y"), "{t:?}");
    }
    let r = Robots::parse("site-map: http://a.cn/s.xml\n", "zwgk");
    assert_eq!(r.sitemaps, vec!["http://a.cn/s.xml"]);
}
