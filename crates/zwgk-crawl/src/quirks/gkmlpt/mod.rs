//! The gkmlpt catalogue platform shared by Guangdong portals (政府信息公开目录, `/gkmlpt/…`).
//!
//! Its lists come from a JSON API that no `<a href>` reaches: `/gkmlpt/index` embeds
//! `window._CONFIG` (the site id and the category tree), and every category's items are
//! pages of `/gkmlpt/api/all/<category>?page=<n>&sid=<SID>`. This module is all the crawl
//! side knows of the platform, behind [`super::Quirks`]:
//!
//! - [`walk`]: which API pages to ask for, and when a category's paging ends (the crawl's
//!   fetching order);
//! - [`api`]: an API answer read as page facts (its articles as list items and links).
//!
//! The layout of the platform's detail pages (the 索引号 / 发布机构 / 文号 … metadata block)
//! is read from HTML by `zwgk_core::quirks::gkmlpt`: the core's page analysis needs it for
//! every page, folder scans and rule tests included. The JSON reading stays here, beside
//! the walk that asks for it: the core parses no JSON, and every JSON body reaches the
//! facts through this crate's analysis (crawl and mirror folder alike).

pub mod api;
pub mod walk;

use url::Url;

use crate::encoding;

pub use api::catalogue_page;
pub use walk::{read_config, CatalogueConfig};

/// What a fetched catalogue page says of further catalogue pages.
#[derive(Debug)]
pub enum Found {
    /// The index page: its categories, under the path prefix before `/gkmlpt/`.
    Index {
        /// The path prefix (`""` or e.g. `"/yfwgdlt"`).
        prefix: String,
        /// `window._CONFIG`.
        config: CatalogueConfig,
    },
    /// A list page and what it held.
    List {
        /// Which list page.
        page: walk::ApiPage,
        /// What it held.
        held: walk::PageCount,
    },
}

/// What a list page's job carries for paging on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listing {
    /// The number of articles on the first page of the category (pages are equal in size);
    /// `None` on the first page itself.
    pub first_size: Option<usize>,
}

/// A catalogue page to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// Its URL.
    pub url: Url,
    /// What its job carries.
    pub listing: Listing,
    /// Whether it continues the list of the page it was found on (the next page of a
    /// category) rather than being reached from it (a category's first page, from the
    /// index).
    pub continues: bool,
}

/// The catalogue walk, with its per-category page cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalogue {
    /// List pages read per category at most.
    pub max_pages_per_category: u32,
}

impl Catalogue {
    /// What the 2xx body of `url` (the URL after redirects) says of further catalogue
    /// pages: the categories of an index page, or what a list page held. `None` for any
    /// other page, or a body that does not read as one.
    pub fn found_in(&self, url: &Url, content_type: Option<&str>, body: &[u8]) -> Option<Found> {
        if let Some(prefix) = walk::index_prefix(url) {
            let text = encoding::decode(body, content_type).text;
            return walk::read_config(&text).map(|config| Found::Index { prefix, config });
        }
        let page = walk::ApiPage::parse(url)?;
        let text = encoding::decode(body, content_type).text;
        walk::count(&text).map(|held| Found::List { page, held })
    }

    /// The catalogue pages to fetch after `page` (the URL asked for, against which they
    /// are resolved) said `found`; `listing` is what its job carried, if it was a list page.
    /// An index gives the first page of every category; a list page its next page, unless
    /// the category ends there.
    pub fn next_pages(
        &self,
        found: Found,
        page: &Url,
        listing: Option<Listing>,
    ) -> std::iter::Chain<std::vec::IntoIter<Next>, std::option::IntoIter<Next>> {
        let mut firsts = Vec::new();
        let mut next = None;
        match found {
            Found::Index { prefix, config } => {
                firsts = walk::first_pages(&prefix, &config)
                    .iter()
                    .filter_map(|p| p.url(page))
                    .map(|url| Next {
                        url,
                        listing: Listing { first_size: None },
                        continues: false,
                    })
                    .collect();
            }
            Found::List { page: list, held } => {
                let first_size = listing.and_then(|l| l.first_size).unwrap_or(held.articles);
                if walk::has_next(&list, held, first_size, self.max_pages_per_category) {
                    next = list.next().url(page).map(|url| Next {
                        url,
                        listing: Listing {
                            first_size: Some(first_size),
                        },
                        continues: true,
                    });
                }
            }
        }
        firsts.into_iter().chain(next)
    }

    /// Whether `url` is a catalogue page whose body the walk reads (the index, a list
    /// page).
    pub fn reads_body(&self, url: &Url) -> bool {
        walk::index_prefix(url).is_some() || walk::ApiPage::parse(url).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(body: &str) -> Option<Found> {
        let url = Url::parse("http://a.cn/gkmlpt/api/all/7?page=1&sid=1").unwrap();
        let walk = Catalogue {
            max_pages_per_category: 200,
        };
        walk.found_in(&url, Some("application/json"), body.as_bytes())
    }

    #[test]
    fn an_index_gives_every_category_and_a_list_its_next_page() {
        let walk = Catalogue {
            max_pages_per_category: 200,
        };
        let index = Url::parse("http://a.cn/x/gkmlpt/index").unwrap();
        let html = "<script>window._CONFIG = {SID:'9', TREE:[{id:1,children:[{id:2}]}]};</script>";
        let found = walk.found_in(&index, None, html.as_bytes()).unwrap();
        let next: Vec<Next> = walk.next_pages(found, &index, None).collect();
        let urls: Vec<&str> = next.iter().map(|n| n.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://a.cn/x/gkmlpt/api/all/1?page=1&sid=9",
                "http://a.cn/x/gkmlpt/api/all/2?page=1&sid=9"
            ]
        );
        assert!(next
            .iter()
            .all(|n| !n.continues && n.listing.first_size.is_none()));

        let first = Url::parse("http://a.cn/gkmlpt/api/all/7?page=1&sid=1").unwrap();
        let found = list(r#"{"classify":{"post_count":3},"articles":[{},{}]}"#).unwrap();
        let next: Vec<Next> = walk.next_pages(found, &first, None).collect();
        assert_eq!(
            next,
            [Next {
                url: Url::parse("http://a.cn/gkmlpt/api/all/7?page=2&sid=1").unwrap(),
                listing: Listing {
                    first_size: Some(2)
                },
                continues: true,
            }]
        );
        let found = list(r#"{"classify":{"post_count":2},"articles":[{},{}]}"#).unwrap();
        assert_eq!(walk.next_pages(found, &first, None).count(), 0);
        assert!(list("<html>").is_none());
        assert!(walk.reads_body(&first) && walk.reads_body(&index));
        assert!(
            !walk.reads_body(&Url::parse("http://a.cn/gkmlpt/content/1/1/post_1.html").unwrap())
        );
    }
}
