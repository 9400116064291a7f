//! Sitemaps named in robots.txt: XML `urlset` / `sitemapindex`, or plain text (one URL a line).

/// What a sitemap lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sitemap {
    /// Page URLs (`<urlset>`, or a text sitemap).
    pub pages: Vec<String>,
    /// Further sitemaps (`<sitemapindex>`).
    pub sitemaps: Vec<String>,
}

/// At most this many entries are read from one sitemap (the protocol's own limit).
pub const MAX_ENTRIES: usize = 50_000;

fn unescape(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("<![CDATA[")
        .and_then(|r| r.strip_suffix("]]>"))
        .unwrap_or(s);
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// Read a sitemap body (already decoded to text).
pub fn parse(text: &str) -> Sitemap {
    let mut out = Sitemap::default();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if !trimmed.starts_with('<') {
        out.pages = trimmed
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("http://") || l.starts_with("https://"))
            .take(MAX_ENTRIES)
            .map(str::to_string)
            .collect();
        return out;
    }
    let is_index = text.contains("<sitemapindex");
    let mut rest = text;
    let mut n = 0;
    while let Some(open) = rest.find("<loc") {
        let after = &rest[open + 4..];
        let Some(gt) = after.find('>') else { break };
        // `<location>` or similar is not `<loc>`.
        if !(after[..gt].is_empty() || after[..gt].starts_with(char::is_whitespace)) {
            rest = &after[gt..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(close) = body.find("</loc>") else {
            break;
        };
        let loc = unescape(&body[..close]);
        if !loc.is_empty() {
            if is_index {
                out.sitemaps.push(loc);
            } else {
                out.pages.push(loc);
            }
            n += 1;
            if n >= MAX_ENTRIES {
                break;
            }
        }
        rest = &body[close + 6..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlset_index_and_text() {
        let s = parse(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc> http://a.cn/x.html?a=1&amp;b=2 </loc><lastmod>2022-01-01</lastmod></url>
            <url><loc><![CDATA[http://a.cn/y.html]]></loc></url><location>no</location></urlset>"#,
        );
        assert_eq!(
            s.pages,
            vec!["http://a.cn/x.html?a=1&b=2", "http://a.cn/y.html"]
        );
        assert!(s.sitemaps.is_empty());
        let s =
            parse("<sitemapindex><sitemap><loc>http://a.cn/s1.xml</loc></sitemap></sitemapindex>");
        assert_eq!(s.sitemaps, vec!["http://a.cn/s1.xml"]);
        let s = parse("http://a.cn/1.html\n\nhttp://a.cn/2.html\r\nftp://x\n");
        assert_eq!(s.pages.len(), 2);
        assert_eq!(parse("<urlset><url><loc>unclosed").pages.len(), 0);
        assert_eq!(parse("").pages.len(), 0);
    }
}
