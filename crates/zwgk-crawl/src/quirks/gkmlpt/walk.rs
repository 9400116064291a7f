//! Walking the catalogue: from `<prefix>/gkmlpt/index` (its `window._CONFIG = {SID:'175',
//! TREE:[…]}`) to `<prefix>/gkmlpt/api/all/<category>?page=<n>&sid=<SID>` for every
//! category, page after page, until a page comes back short or empty. The detail pages
//! and attachments the API lists are links of the API page's facts (see
//! [`super::api::catalogue_page`]) and are followed like any link.

use serde_json::Value;
use url::Url;

/// Pages read per category at most.
pub const DEFAULT_MAX_PAGES_PER_CATEGORY: u32 = 200;

/// The prefix before `/gkmlpt/index` when `url` is a catalogue index page
/// (`/gkmlpt/index` → `""`, `/yfwgdlt/gkmlpt/index` → `"/yfwgdlt"`).
pub fn index_prefix(url: &Url) -> Option<String> {
    let path = url.path().trim_end_matches('/');
    path.strip_suffix("/gkmlpt/index").map(str::to_string)
}

/// One page of one category's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPage {
    /// The path prefix before `/gkmlpt/`.
    pub prefix: String,
    /// Category id.
    pub category: u64,
    /// Page number, from 1.
    pub page: u32,
    /// Site id.
    pub sid: String,
}

impl ApiPage {
    /// The URL of this page on the site of `base`.
    pub fn url(&self, base: &Url) -> Option<Url> {
        base.join(&format!(
            "{}/gkmlpt/api/all/{}?page={}&sid={}",
            self.prefix, self.category, self.page, self.sid
        ))
        .ok()
    }

    /// The next page of the same list.
    pub fn next(&self) -> ApiPage {
        ApiPage {
            page: self.page.saturating_add(1),
            ..self.clone()
        }
    }

    /// Recognise a catalogue list URL.
    pub fn parse(url: &Url) -> Option<ApiPage> {
        let path = url.path();
        let at = path.find("/gkmlpt/api/all/")?;
        let prefix = path[..at].to_string();
        let category: u64 = path[at + "/gkmlpt/api/all/".len()..].parse().ok()?;
        let mut page = None;
        let mut sid = None;
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "page" => page = v.parse().ok(),
                "sid" => sid = Some(v.into_owned()),
                _ => {}
            }
        }
        Some(ApiPage {
            prefix,
            category,
            page: page.unwrap_or(1),
            sid: sid?,
        })
    }
}

/// The first page of every category of a catalogue.
pub fn first_pages(prefix: &str, config: &CatalogueConfig) -> Vec<ApiPage> {
    config
        .categories
        .iter()
        .map(|&category| ApiPage {
            prefix: prefix.to_string(),
            category,
            page: 1,
            sid: config.sid.clone(),
        })
        .collect()
}

/// What one list page holds, for paging on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCount {
    /// Articles on this page.
    pub articles: usize,
    /// The category's item count when the API states it (`classify.post_count` or `total`).
    pub total: Option<u64>,
}

/// Count a list page's articles; `None` when the body is not a catalogue list.
pub fn count(json: &str) -> Option<PageCount> {
    let v: Value = serde_json::from_str(json).ok()?;
    let articles = v.get("articles")?.as_array()?.len();
    let as_count = |x: &Value| {
        x.as_u64()
            .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
    };
    let total = v
        .get("classify")
        .and_then(|c| c.get("post_count"))
        .and_then(as_count)
        .or_else(|| v.get("total").and_then(as_count));
    Some(PageCount { articles, total })
}

/// Whether to read the page after `page`, given what it held and the size of the
/// category's first page.
pub fn has_next(page: &ApiPage, held: PageCount, first_size: usize, max_pages: u32) -> bool {
    if held.articles == 0 || page.page >= max_pages {
        return false;
    }
    if let Some(total) = held.total {
        // Pages are equal in size: the pages so far hold at most page × first size.
        let so_far = (page.page as u64).saturating_mul(first_size.max(held.articles) as u64);
        if so_far >= total {
            return false;
        }
    }
    !(page.page > 1 && held.articles < first_size)
}

/// The site id and the category ids embedded in `/gkmlpt/index` (`window._CONFIG`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueConfig {
    /// `SID`.
    pub sid: String,
    /// Ids of every category in `TREE`, depth first.
    pub categories: Vec<u64>,
}

/// Read `window._CONFIG` from the catalogue index page.
pub fn read_config(html: &str) -> Option<CatalogueConfig> {
    let start = html.find("_CONFIG")?;
    let rest = &html[start..];
    let sid_at = rest.find("SID")?;
    let after = &rest[sid_at + 3..];
    let sid: String = after
        .trim_start_matches(|c: char| c == '"' || c == '\'' || c == ':' || c.is_whitespace())
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut categories = Vec::new();
    let mut s = rest;
    while let Some(i) = s.find("id") {
        let before_ok = i == 0 || !s.as_bytes()[i - 1].is_ascii_alphanumeric();
        let tail = &s[i + 2..];
        let t = tail.trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
        if before_ok {
            if let Some(t) = t.strip_prefix(':') {
                let num: String = t
                    .trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(n) = num.parse() {
                    if !categories.contains(&n) {
                        categories.push(n);
                    }
                }
            }
        }
        s = tail;
        if s.starts_with("</script") {
            break;
        }
    }
    (!sid.is_empty()).then_some(CatalogueConfig { sid, categories })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_round_trip() {
        let base = Url::parse("http://a.cn/x/y.html").unwrap();
        let idx = Url::parse("http://a.cn/yfwgdlt/gkmlpt/index").unwrap();
        assert_eq!(index_prefix(&idx).as_deref(), Some("/yfwgdlt"));
        assert_eq!(
            index_prefix(&Url::parse("http://a.cn/gkmlpt/index").unwrap()).as_deref(),
            Some("")
        );
        assert!(index_prefix(&Url::parse("http://a.cn/gkmlpt/guide").unwrap()).is_none());
        let cfg = CatalogueConfig {
            sid: "175".into(),
            categories: vec![2629, 2630],
        };
        let pages = first_pages("", &cfg);
        let u = pages[0].url(&base).unwrap();
        assert_eq!(u.as_str(), "http://a.cn/gkmlpt/api/all/2629?page=1&sid=175");
        let p = ApiPage::parse(&u).unwrap();
        assert_eq!(p, pages[0]);
        assert_eq!(
            p.next().url(&base).unwrap().as_str(),
            "http://a.cn/gkmlpt/api/all/2629?page=2&sid=175"
        );
        assert!(
            ApiPage::parse(&Url::parse("http://a.cn/gkmlpt/api/all/x?sid=1").unwrap()).is_none()
        );
        assert!(ApiPage::parse(&Url::parse("http://a.cn/gkmlpt/api/all/1").unwrap()).is_none());
    }

    #[test]
    fn paging_stops() {
        let p1 = ApiPage {
            prefix: String::new(),
            category: 1,
            page: 1,
            sid: "1".into(),
        };
        let held = |articles, total| PageCount { articles, total };
        assert!(has_next(&p1, held(100, None), 100, 200));
        assert!(!has_next(&p1, held(0, None), 0, 200));
        assert!(!has_next(&p1, held(3, Some(3)), 3, 200));
        assert!(has_next(&p1, held(100, Some(150)), 100, 200));
        let p2 = p1.next();
        assert!(
            !has_next(&p2, held(50, None), 100, 200),
            "short page ends the list"
        );
        assert!(!has_next(&p2, held(100, Some(200)), 100, 200));
        assert!(!has_next(&p2, held(100, None), 100, 2), "page cap");
        assert_eq!(
            count(r#"{"classify":{"post_count":"7"},"articles":[{},{}]}"#),
            Some(PageCount {
                articles: 2,
                total: Some(7)
            })
        );
        assert_eq!(
            count(r#"{"total":3,"articles":[]}"#).unwrap().total,
            Some(3)
        );
        assert!(count("[]").is_none());
        assert!(count("<html>").is_none());
    }

    #[test]
    fn config_from_index() {
        let html = "<script>window._CONFIG = {SID:'175', TREE:[{id:2629,name:'年报',children:[{id:2630,name:'x'}]}]};</script>";
        let c = read_config(html).unwrap();
        assert_eq!(c.sid, "175");
        assert_eq!(c.categories, vec![2629, 2630]);
        assert!(read_config("<p>nothing</p>").is_none());
    }
}
