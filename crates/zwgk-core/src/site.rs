//! A site: the facts of every page a scan saw, indexed for rule evaluation.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use crate::external::ExternalLink;
use crate::page::PageFacts;

/// The pages of one portal, as seen by one scan.
///
/// The URL indexes hold 64-bit hashes, not copies of the URLs (a large scan has
/// hundreds of thousands); every hit is checked against the URL itself.
#[derive(Debug, Clone, Default)]
pub struct Site {
    target: String,
    pages: Vec<PageFacts>,
    /// Page index by [`url_key`] of its URL.
    by_url: foldhash::HashMap<u64, u32>,
    /// Pages whose URL's key is another page's (vanishingly rare).
    collided: HashMap<String, u32>,
    /// For each [`url_key`] of a link target, the (page index, link index) pairs of
    /// the links pointing there (32-bit: a scan holds far fewer than 4 billion pages
    /// or links a page).
    inbound: foldhash::HashMap<u64, Vec<(u32, u32)>>,
    /// For each [`url_key`] of a listed item, the (page index, list-item index) pairs of
    /// the list entries naming it.
    listed: foldhash::HashMap<u64, Vec<(u32, u32)>>,
    /// The results of checking off-site links, by the link's URL.
    external: HashMap<String, ExternalLink>,
    /// Timed requests of the site's pages (the `availability` check reads them).
    probes: Vec<crate::probe::Probe>,
}

/// The index key of a URL; `…/x/index.html` (the name mirror tools save a folder URL
/// under) is keyed as its folder `…/x/`. A fixed seed: the same URL has the same key in
/// every site of the process.
fn url_key(url: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x7a77_676b).hash_one(folder_of(url).unwrap_or(url))
}

/// The folder URL (`…/x/`) of a URL naming its `index.html`.
fn folder_of(url: &str) -> Option<&str> {
    url.strip_suffix("index.html").filter(|f| f.ends_with('/'))
}

/// Whether two URLs are on the same host (case aside).
pub(crate) fn same_host(a: &str, b: &str) -> bool {
    let host = |u: &str| {
        u.split("://")
            .nth(1)
            .and_then(|r| r.split(['/', '?', '#']).next())
            .map(str::to_ascii_lowercase)
    };
    host(a) == host(b)
}

/// Whether two URLs name the same page, a folder URL and its `index.html` alike.
pub(crate) fn same_page(a: &str, b: &str) -> bool {
    a == b || folder_of(a) == Some(b) || folder_of(b) == Some(a)
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
        // The first page of each URL is kept: mark the later ones, then drop them in place.
        let mut first: foldhash::HashMap<u64, usize> =
            foldhash::HashMap::with_capacity_and_hasher(site.pages.len(), Default::default());
        let mut collided_first: HashMap<&str, usize> = HashMap::new();
        let mut keep = vec![true; site.pages.len()];
        for (i, p) in site.pages.iter().enumerate() {
            let key = url_key(&p.url);
            match first.get(&key) {
                None => {
                    first.insert(key, i);
                }
                Some(&f) if site.pages[f].url == p.url => keep[i] = false,
                Some(_) => {
                    if collided_first.contains_key(p.url.as_str()) {
                        keep[i] = false;
                    } else {
                        collided_first.insert(&p.url, i);
                    }
                }
            }
        }
        drop((first, collided_first));
        let mut flags = keep.into_iter();
        site.pages.retain(|_| flags.next().unwrap_or(false));
        for (i, p) in site.pages.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            match site.by_url.entry(url_key(&p.url)) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    site.collided.insert(p.url.clone(), i);
                }
            }
        }
        site.date_month_day_items();
        for (pi, page) in site.pages.iter().enumerate() {
            for (li, link) in page.links.iter().enumerate() {
                let (Ok(pi), Ok(li)) = (u32::try_from(pi), u32::try_from(li)) else {
                    continue;
                };
                site.inbound
                    .entry(url_key(&link.url))
                    .or_default()
                    .push((pi, li));
            }
            for (ii, item) in page.list_items.iter().enumerate() {
                let (Ok(pi), Ok(ii)) = (u32::try_from(pi), u32::try_from(ii)) else {
                    continue;
                };
                site.listed
                    .entry(url_key(&item.url))
                    .or_default()
                    .push((pi, ii));
            }
        }
        site
    }

    /// Entries dated by month and day only take the year of the page they link to, when
    /// that page was published on that month and day; they then count as dated entries.
    /// Those whose page was not read, or says otherwise, stay undated.
    fn date_month_day_items(&mut self) {
        use chrono::Datelike;
        let mut dated: Vec<(usize, crate::page::ListItem)> = Vec::new();
        for (pi, page) in self.pages.iter().enumerate() {
            for m in &page.month_day_items {
                let published = self
                    .index_of(&m.url)
                    .and_then(|i| self.pages[i].published)
                    .filter(|d| d.month() == m.month && d.day() == m.day);
                if let Some(date) = published {
                    dated.push((
                        pi,
                        crate::page::ListItem {
                            url: m.url.clone(),
                            title: m.title.clone(),
                            date,
                            fields: BTreeMap::new(),
                        },
                    ));
                }
            }
        }
        for (pi, item) in dated {
            self.pages[pi].list_items.push(item);
        }
    }

    /// The list entries (of column lists, tables, catalogue answers) that name `url`,
    /// with the URL of the list page, in page order.
    pub fn listings_of<'a>(
        &'a self,
        url: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a crate::page::ListItem)> {
        self.listed
            .get(&url_key(url))
            .into_iter()
            .flatten()
            .map(|&(pi, ii)| {
                let page = &self.pages[pi as usize];
                (page.url.as_str(), &page.list_items[ii as usize])
            })
            .filter(move |(_, item)| same_page(&item.url, url))
    }

    /// The same site with the results of checking its off-site links (see
    /// [`crate::external`]), which `links_available` counts. A later result for the
    /// same URL replaces an earlier one.
    #[must_use]
    pub fn with_external(mut self, links: impl IntoIterator<Item = ExternalLink>) -> Self {
        self.external
            .extend(links.into_iter().map(|l| (l.url.clone(), l)));
        self
    }

    /// The result of checking the off-site link `url`, when it was checked.
    pub fn external(&self, url: &str) -> Option<&ExternalLink> {
        self.external.get(url)
    }

    /// Every checked off-site link, in no particular order.
    pub fn external_links(&self) -> impl Iterator<Item = &ExternalLink> {
        self.external.values()
    }

    /// The same site with these availability probes (timed requests of its pages,
    /// e.g. from `zwgk probe` and the scan's own fetch of its start URL).
    pub fn with_probes(mut self, probes: Vec<crate::probe::Probe>) -> Self {
        self.probes = probes;
        self
    }

    /// The availability probes given with [`Site::with_probes`] (none by default).
    pub fn probes(&self) -> &[crate::probe::Probe] {
        &self.probes
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
        let found = |u: &str| {
            self.collided
                .get(u)
                .or_else(|| {
                    self.by_url
                        .get(&url_key(u))
                        .filter(|&&i| same_page(&self.pages[i as usize].url, u))
                })
                .map(|&i| i as usize)
        };
        found(url).or_else(|| {
            url.ends_with('/')
                .then(|| found(&format!("{url}index.html")))
                .flatten()
        })
    }

    /// The links that point to `url`, with the URL of the linking page.
    pub fn inbound_links<'a>(
        &'a self,
        url: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a crate::page::Link)> {
        self.inbound
            .get(&url_key(url))
            .into_iter()
            .flatten()
            .map(|&(pi, li)| {
                let page = &self.pages[pi as usize];
                (page.url.as_str(), &*page.links[li as usize])
            })
            .filter(move |(_, link)| same_page(&link.url, url))
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
    fn entries_dated_by_month_and_day_take_the_year_of_their_page() {
        let home = PageFacts::from_html(
            "http://x.gov.cn/",
            200,
            "<ul><li><a href=\"/a.html\">甲通知</a><span>01-28</span></li>\
             <li><a href=\"/b.html\">乙通知</a><span>[12-30]</span></li>\
             <li><a href=\"/c.html\">丙通知</a><span>01-05</span></li></ul>",
        );
        assert!(home.list_items.is_empty());
        assert_eq!(home.month_day_items.len(), 3);
        let page = |url: &str, date: &str| {
            PageFacts::from_html(
                url,
                200,
                &format!("<title>t</title><div>发布日期：{date}</div>"),
            )
        };
        let site = Site::new(
            "t",
            vec![
                home,
                page("http://x.gov.cn/a.html", "2022-01-28"),
                page("http://x.gov.cn/b.html", "2021-12-30"),
                // Another day than the list says: left undated.
                page("http://x.gov.cn/c.html", "2021-01-06"),
            ],
        );
        let dates: Vec<String> = site.pages()[0]
            .list_items
            .iter()
            .map(|i| i.date.to_string())
            .collect();
        assert_eq!(dates, ["2022-01-28", "2021-12-30"]);
        assert_eq!(site.listings_of("http://x.gov.cn/a.html").count(), 1);
    }

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

    #[test]
    fn a_folder_url_and_its_index_page_are_both_kept_and_found() {
        let site = Site::new(
            "t",
            [
                PageFacts::from_html("http://x.gov.cn/", 200, "<title>首页</title>"),
                PageFacts::from_html(
                    "http://x.gov.cn/index.html",
                    200,
                    "<title>首页副本</title><a href=\"/\">首页</a>",
                ),
                PageFacts::from_html("http://x.gov.cn/", 200, "<title>重复</title>"),
            ],
        );
        assert_eq!(site.pages().len(), 2, "the later duplicate of / is dropped");
        assert_eq!(site.page("http://x.gov.cn/").unwrap().title, "首页");
        assert_eq!(
            site.page("http://x.gov.cn/index.html").unwrap().title,
            "首页副本"
        );
        assert!(site.page("http://x.gov.cn/a.html").is_none());
        assert_eq!(site.inbound_links("http://x.gov.cn/").count(), 1);
        assert_eq!(site.inbound_links("http://x.gov.cn/index.html").count(), 1);
        assert_eq!(site.inbound_links("http://x.gov.cn/b.html").count(), 0);
    }
}
