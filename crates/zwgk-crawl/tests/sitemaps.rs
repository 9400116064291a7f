//! The sitemap reader on the sitemaps.org protocol's examples and on what real servers
//! send: gzip whatever the type, namespace prefixes, references, comments, CDATA, broken
//! files, a gzip bomb and oversized files. The files are in `tests/data/sitemaps/`
//! (see its README.md for their sources).

use std::io::Write;
use std::path::PathBuf;

use flate2::write::GzEncoder;
use flate2::Compression;
use zwgk_crawl::http::sitemap::{self, Sitemap, MAX_ENTRIES, MAX_UNCOMPRESSED_BYTES};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sitemaps")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).expect("gzip into a Vec");
    enc.finish().expect("gzip into a Vec")
}

fn pages(map: &Sitemap) -> Vec<&str> {
    assert!(map.sitemaps.is_empty(), "no sitemaps expected: {map:?}");
    map.pages.iter().map(String::as_str).collect()
}

const PROTOCOL_MULTIPLE: [&str; 5] = [
    "http://www.example.com/",
    "http://www.example.com/catalog?item=12&desc=vacation_hawaii",
    "http://www.example.com/catalog?item=73&desc=vacation_new_zealand",
    "http://www.example.com/catalog?item=74&desc=vacation_newfoundland",
    "http://www.example.com/catalog?item=83&desc=vacation_usa",
];

#[test]
fn protocol_sample_sitemap() {
    let map = sitemap::read(&data("protocol-sample.xml"), Some("application/xml"));
    assert_eq!(pages(&map), ["http://www.example.com/"]);
}

#[test]
fn protocol_sitemap_with_multiple_urls() {
    let map = sitemap::read(&data("protocol-multiple-urls.xml"), Some("text/xml"));
    assert_eq!(pages(&map), PROTOCOL_MULTIPLE);
}

#[test]
fn protocol_sitemap_index() {
    let map = sitemap::read(&data("protocol-index.xml"), Some("application/xml"));
    assert!(map.pages.is_empty());
    assert_eq!(
        map.sitemaps,
        [
            "http://www.example.com/sitemap1.xml.gz",
            "http://www.example.com/sitemap2.xml.gz",
        ]
    );
}

#[test]
fn protocol_entity_escaping() {
    let map = sitemap::read(&data("protocol-entity-escaping.xml"), Some("text/xml"));
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/%C3%BCmlat.php&q=name",
            "http://www.example.com/catalog?title='a'&note=\"b\"&cmp=<>",
        ]
    );
}

#[test]
fn protocol_text_sitemap() {
    let map = sitemap::read(&data("protocol-sitemap.txt"), Some("text/plain"));
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/catalog?item=1",
            "http://www.example.com/catalog?item=11",
        ]
    );
}

#[test]
fn text_sitemap_keeps_only_http_urls() {
    let map = sitemap::read(&data("text-sitemap-mixed.txt"), None);
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/one",
            "https://www.example.com/two",
            "HTTPS://www.example.com/three",
        ]
    );
}

#[test]
fn gzip_served_as_octet_stream() {
    let gz = gzip(&data("protocol-multiple-urls.xml"));
    let map = sitemap::read(&gz, Some("application/octet-stream"));
    assert_eq!(pages(&map), PROTOCOL_MULTIPLE);
}

#[test]
fn gzip_served_as_text_xml() {
    let gz = gzip(&data("protocol-index.xml"));
    let map = sitemap::read(&gz, Some("text/xml; charset=utf-8"));
    assert_eq!(
        map.sitemaps,
        [
            "http://www.example.com/sitemap1.xml.gz",
            "http://www.example.com/sitemap2.xml.gz",
        ]
    );
}

#[test]
fn gzip_file_without_content_type() {
    // Made by `gzip -9`: its header carries the file name and a time.
    let map = sitemap::read(&data("protocol-multiple-urls.xml.gz"), None);
    assert_eq!(pages(&map), PROTOCOL_MULTIPLE);
}

#[test]
fn gzip_text_sitemap() {
    let gz = gzip(&data("protocol-sitemap.txt"));
    let map = sitemap::read(&gz, Some("application/x-gzip"));
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/catalog?item=1",
            "http://www.example.com/catalog?item=11",
        ]
    );
}

#[test]
fn truncated_gzip_gives_what_was_inflated() {
    let mut xml = String::from("<urlset>");
    for i in 0..2_000 {
        xml.push_str(&format!("<url><loc>http://www.example.com/{i}</loc></url>"));
    }
    xml.push_str("</urlset>");
    let gz = gzip(xml.as_bytes());
    let map = sitemap::read(&gz[..gz.len() / 2], None);
    let n = map.pages.len();
    assert!(0 < n && n < 2_000, "{n} pages");
    for (i, p) in map.pages.iter().enumerate() {
        assert_eq!(p, &format!("http://www.example.com/{i}"));
    }
}

#[test]
fn gzip_bomb_is_bounded() {
    // One gzip member that inflates to 64 MiB: a URL, 64 MiB of spaces, another URL.
    let head = b"<urlset><url><loc>http://www.example.com/first</loc></url>";
    let tail = b"<url><loc>http://www.example.com/beyond-the-limit</loc></url></urlset>";
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(head).expect("gzip into a Vec");
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&spaces).expect("gzip into a Vec");
    }
    enc.write_all(tail).expect("gzip into a Vec");
    let bomb = enc.finish().expect("gzip into a Vec");
    assert!(
        bomb.len() < 1 << 20,
        "the bomb is small: {} bytes",
        bomb.len()
    );
    const { assert!(64 << 20 > MAX_UNCOMPRESSED_BYTES) };
    let map = sitemap::read(&bomb, Some("application/octet-stream"));
    assert_eq!(pages(&map), ["http://www.example.com/first"]);
}

#[test]
fn namespace_prefixed_sitemap() {
    let map = sitemap::read(&data("namespace-prefixed.xml"), Some("text/xml"));
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/a.html",
            "http://www.example.com/b.html"
        ]
    );
}

#[test]
fn numeric_character_references_are_decoded() {
    let map = sitemap::read(&data("character-references.xml"), Some("text/xml"));
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/list?a=1&b=2",
            "http://www.example.com/list?a=1&b=3",
            "http://www.example.com/list?a=1&b=4&c=中文",
        ]
    );
}

#[test]
fn comments_are_skipped_and_cdata_is_text() {
    let map = sitemap::read(&data("comments-and-cdata.xml"), Some("text/xml"));
    assert_eq!(
        pages(&map),
        [
            "http://www.example.com/cdata?a=1&b=2",
            "http://www.example.com/after-comment",
            "http://www.example.com/spaced",
            "http://www.example.com/mixed?x=<1>",
        ]
    );
}

#[test]
fn utf8_bom_before_the_declaration() {
    let body = data("bom.xml");
    assert!(body.starts_with(b"\xef\xbb\xbf"));
    let map = sitemap::read(&body, None);
    assert_eq!(pages(&map), ["http://www.example.com/bom"]);
    // The same through the text function.
    let map = sitemap::parse(&String::from_utf8_lossy(&body));
    assert_eq!(pages(&map), ["http://www.example.com/bom"]);
}

#[test]
fn charset_of_the_content_type_is_heeded() {
    // "政务" in GBK, in a sitemap served as GBK (against the protocol, as some are).
    let mut body = b"<urlset><url><loc>http://www.example.com/".to_vec();
    body.extend_from_slice(&[0xd5, 0xfe, 0xce, 0xf1]);
    body.extend_from_slice(b".html</loc></url></urlset>");
    let map = sitemap::read(&body, Some("text/xml; charset=GBK"));
    assert_eq!(pages(&map), ["http://www.example.com/政务.html"]);
}

#[test]
fn truncated_file_gives_the_urls_before_the_break() {
    let map = sitemap::read(&data("truncated.xml"), Some("text/xml"));
    assert_eq!(
        pages(&map),
        ["http://www.example.com/1", "http://www.example.com/2"]
    );
}

#[test]
fn malformed_file_gives_the_urls_before_the_break() {
    let map = sitemap::read(&data("malformed.xml"), Some("text/xml"));
    assert_eq!(
        pages(&map),
        ["http://www.example.com/1", "http://www.example.com/2"]
    );
}

#[test]
fn garbage_does_not_panic() {
    let full = data("comments-and-cdata.xml");
    // Every prefix of a file, cut anywhere (inside tags, references, CDATA, comments).
    for end in 0..full.len() {
        let _ = sitemap::read(&full[..end], None);
    }
    for body in [
        &b"<"[..],
        b"<<<>>>",
        b"<urlset><url><loc>&",
        b"<urlset><url><loc>&#xFFFFFFFF;</loc></url></urlset>",
        b"<urlset><url><loc><![CDATA[",
        b"<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]><urlset><url><loc>&a;</loc></url></urlset>",
        b"\x1f\x8b",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage",
        b"\xff\xfe\x00\x00",
        b"\xc3\x28\xa0\xa1<urlset>",
    ] {
        let _ = sitemap::read(body, Some("text/xml"));
    }
}

#[test]
fn html_page_lists_nothing() {
    let body = b"<!DOCTYPE html><html><head><title>404</title></head>\
        <body><a href=\"http://www.example.com/\">home</a></body></html>";
    assert_eq!(sitemap::read(body, Some("text/html")), Sitemap::default());
}

#[test]
fn entries_are_capped_at_max_entries() {
    let n = MAX_ENTRIES + 1;
    let mut xml = String::from(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#);
    for i in 0..n {
        xml.push_str(&format!("<url><loc>http://www.example.com/{i}</loc></url>"));
    }
    xml.push_str("</urlset>");
    let map = sitemap::read(xml.as_bytes(), Some("text/xml"));
    assert_eq!(map.pages.len(), MAX_ENTRIES);
    assert_eq!(map.pages[0], "http://www.example.com/0");
    assert_eq!(
        map.pages[MAX_ENTRIES - 1],
        format!("http://www.example.com/{}", MAX_ENTRIES - 1)
    );
    // Gzipped, an index, and a text sitemap: the same cap.
    assert_eq!(
        sitemap::read(&gzip(xml.as_bytes()), None).pages.len(),
        MAX_ENTRIES
    );
    let mut index = String::from("<sitemapindex>");
    for i in 0..n {
        index.push_str(&format!(
            "<sitemap><loc>http://www.example.com/s{i}.xml</loc></sitemap>"
        ));
    }
    index.push_str("</sitemapindex>");
    assert_eq!(
        sitemap::read(index.as_bytes(), None).sitemaps.len(),
        MAX_ENTRIES
    );
    let text: String = (0..n)
        .map(|i| format!("http://www.example.com/{i}\n"))
        .collect();
    assert_eq!(
        sitemap::read(text.as_bytes(), None).pages.len(),
        MAX_ENTRIES
    );
}

#[test]
fn rss_and_atom_feeds_list_their_items_links() {
    let rss = sitemap::read(&data("rss2-feed.xml"), Some("application/rss+xml"));
    assert_eq!(
        pages(&rss),
        [
            "http://whly.gd.gov.cn/gkmlpt/content/3/3271/post_3271001.html",
            "http://whly.gd.gov.cn/gkmlpt/content/3/3250/post_3250777.html?a=1&b=2",
        ]
    );
    let atom = sitemap::read(&data("atom-feed.xml"), Some("application/atom+xml"));
    assert_eq!(
        pages(&atom),
        [
            "http://whly.gd.gov.cn/zcjd/content/post_3400001.html",
            "http://whly.gd.gov.cn/zcjd/content/post_3400002.html?p=1&q=2",
        ]
    );
}
