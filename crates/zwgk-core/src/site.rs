//! A site: the facts of every page a scan saw, indexed for rule evaluation.

use std::collections::HashMap;

use crate::page::PageFacts;

/// The pages of one portal, as seen by one scan.
#[derive(Debug, Clone, Default)]
pub struct Site {
    target: String,
    pages: Vec<PageFacts>,
    by_url: HashMap<String, usize>,
    /// For each page URL, the (page index, link index) pairs of links pointing to it
    /// (32-bit: a scan holds far fewer than 4 billion pages or links a page).
    inbound: HashMap<String, Vec<(u32, u32)>>,
}

impl Site {
    /// Build a site from page facts. `target` names what was scanned (a URL or a folder).
    ///
    /// When two pages share a URL the first one is kept.
    pub fn new(target: impl Into<String>, pages: impl IntoIterator<Item = PageFacts>) -> Self {
        let mut site = Site {
            target: target.into(),
            // A `Vec` is taken over in place, not copied: a large scan's pages are
            // never held twice.
            pages: pages.into_iter().collect(),
            ..Site::default()
        };
        // `retain` visits the pages in order: the first of each URL is kept.
        let mut by_url = HashMap::with_capacity(site.pages.len());
        site.pages.retain(|p| {
            if by_url.contains_key(&p.url) {
                return false;
            }
            by_url.insert(p.url.clone(), by_url.len());
            true
        });
        site.by_url = by_url;
        for (pi, page) in site.pages.iter().enumerate() {
            for (li, link) in page.links.iter().enumerate() {
                let key = match link.url.ends_with('/') {
                    true => format!("{}index.html", link.url),
                    false => link.url.clone(),
                };
                let (Ok(pi), Ok(li)) = (u32::try_from(pi), u32::try_from(li)) else {
                    continue;
                };
                site.inbound.entry(key).or_default().push((pi, li));
            }
        }
        site
    }

    /// What was scanned.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// All pages, in the order they were added.
    pub fn pages(&self) -> &[PageFacts] {
        &self.pages
    }

    /// The page with this URL. A folder URL (`…/x/`) also finds `…/x/index.html`,
    /// as mirror tools save folder URLs under that name.
    pub fn page(&self, url: &str) -> Option<&PageFacts> {
        self.index_of(url).map(|i| &self.pages[i])
    }

    fn index_of(&self, url: &str) -> Option<usize> {
        self.by_url.get(url).copied().or_else(|| {
            url.ends_with('/')
                .then(|| self.by_url.get(&format!("{url}index.html")).copied())
                .flatten()
        })
    }

    /// The links that point to `url`, with the URL of the linking page.
    pub fn inbound_links(&self, url: &str) -> impl Iterator<Item = (&str, &crate::page::Link)> {
        let key = match url.ends_with('/') {
            true => format!("{url}index.html"),
            false => url.to_string(),
        };
        self.inbound
            .get(&key)
            .into_iter()
            .flatten()
            .map(|&(pi, li)| {
                let page = &self.pages[pi as usize];
                (page.url.as_str(), &*page.links[li as usize])
            })
    }

    /// Number of pages that could not be fetched or read.
    pub fn failed_count(&self) -> usize {
        self.pages.iter().filter(|p| p.is_failed()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_pages_and_inbound_links() {
        let a = PageFacts::from_html(
            "http://x.gov.cn/",
            200,
            r#"<a href="/b.html">相关解读</a><a href="/c.html">C</a>"#,
        );
        let b = PageFacts::from_html("http://x.gov.cn/b.html", 200, "<p>b</p>");
        let dup = PageFacts::failed("http://x.gov.cn/b.html", "later duplicate");
        let site = Site::new("http://x.gov.cn/", [a, b, dup]);
        assert_eq!(site.pages().len(), 2);
        assert!(site.page("http://x.gov.cn/b.html").unwrap().is_ok());
        let inbound: Vec<_> = site
            .inbound_links("http://x.gov.cn/b.html")
            .map(|(from, l)| (from, l.text.as_str()))
            .collect();
        assert_eq!(inbound, vec![("http://x.gov.cn/", "相关解读")]);
        assert_eq!(site.failed_count(), 0);
        let folder = Site::new(
            "t",
            [
                PageFacts::from_html("http://x.gov.cn/", 200, r#"<a href="/col/">栏目</a>"#),
                PageFacts::from_html("http://x.gov.cn/col/index.html", 200, "<p>c</p>"),
            ],
        );
        assert!(folder.page("http://x.gov.cn/col/").is_some());
        assert_eq!(
            folder
                .inbound_links("http://x.gov.cn/col/index.html")
                .count(),
            1
        );
    }
}
