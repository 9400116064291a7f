//! Site quirks: what some platforms need beyond links and HTML, fenced off from the
//! generic crawl and analysis.
//!
//! The crawl loop and the page analysis ask this module and never name a platform:
//!
//! - [`json_page`]: the facts of a JSON body (a platform's API answer), for the analysis
//!   of crawled and mirrored bodies alike;
//! - [`Quirks::found_in`], where a fetched body is analysed: what the page reveals of
//!   further pages to fetch (a [`Found`], carried back to the crawl loop);
//! - [`Quirks::further`], in the crawl loop: those pages, as [`Further`] URLs, each with
//!   the [`Listing`] state its job carries;
//! - [`Quirks::reads_body`]: whether a URL's body is read for further pages, so that facts
//!   kept from an earlier crawl cannot stand in for it.
//!
//! Platforms:
//!
//! - [`gkmlpt`]: the Guangdong 政府信息公开目录 platform (`/gkmlpt/…`), whose lists come
//!   from a JSON API that no `<a href>` reaches.

pub mod gkmlpt;

use url::Url;
use zwgk_core::PageFacts;

/// The platforms a crawl knows, with their settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    catalogue: gkmlpt::Catalogue,
}

/// What a fetched page revealed of further pages to fetch; [`Quirks::further`] reads it.
#[derive(Debug)]
pub struct Found(gkmlpt::Found);

/// What the job of a listing a platform asked for carries (see [`Further`]), given back
/// to [`Quirks::further`] when its page is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing(gkmlpt::Listing);

/// A page a platform asks the crawl to fetch: a listing of its own, which no link
/// reaches (its facts are a page like any other, but a 4xx answer to it is no page, and
/// the platform's own page caps bound it rather than the crawl's link-trap guard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Further {
    /// The URL to fetch.
    pub url: Url,
    /// What its job carries.
    pub listing: Listing,
    /// Whether it continues the listing of the page it was found on (fetched at that
    /// page's depth, and only within the crawl's scope), rather than being reached from
    /// that page (one hop deeper, as a link is).
    pub continues: bool,
}

impl Quirks {
    /// The platforms, with the gkmlpt catalogue read to at most `max_catalogue_pages`
    /// list pages per category.
    pub fn new(max_catalogue_pages: u32) -> Self {
        Quirks {
            catalogue: gkmlpt::Catalogue {
                max_pages_per_category: max_catalogue_pages,
            },
        }
    }

    /// What the 2xx body of `url` (the URL after redirects) reveals of further pages to
    /// fetch, if anything. Called where the body is analysed (the body is not kept).
    pub fn found_in(&self, url: &Url, content_type: Option<&str>, body: &[u8]) -> Option<Found> {
        self.catalogue.found_in(url, content_type, body).map(Found)
    }

    /// The pages to fetch after `page` (the URL asked for, against which they are
    /// resolved) revealed `found`; `listing` is what its job carried, when it was a
    /// listing asked for.
    pub fn further(
        &self,
        found: Found,
        page: &Url,
        listing: Option<Listing>,
    ) -> impl Iterator<Item = Further> {
        self.catalogue
            .next_pages(found.0, page, listing.map(|l| l.0))
            .map(|n| Further {
                url: n.url,
                listing: Listing(n.listing),
                continues: n.continues,
            })
    }

    /// Whether the body of `url` is read for further pages (see [`Quirks::found_in`]):
    /// facts kept from an earlier crawl do not stand in for such a page.
    pub fn reads_body(&self, url: &Url) -> bool {
        self.catalogue.reads_body(url)
    }
}

/// The facts of a JSON body served at `url`, when a platform reads it (a gkmlpt catalogue
/// list); `None` otherwise.
pub fn json_page(url: &str, status: u16, json: &str) -> Option<PageFacts> {
    gkmlpt::catalogue_page(url, status, json)
}
