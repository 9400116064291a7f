//! A job of the crawl (a URL to fetch, and why) and how it ends ([`Done`]).

use url::Url;
use zwgk_core::PageFacts;

use super::super::cache::Validators;
use super::super::record::FetchRecord;
use super::super::robots::Robots;
use super::super::sitemap::Sitemap;
use crate::quirks::{Found, Listing};

/// Why a URL is fetched.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// A page (or attachment) whose facts are kept and whose links are followed.
    Page,
    /// A host's robots.txt.
    Robots,
    /// A sitemap (its entries are queued; it is not a page).
    Sitemap { level: u8 },
    /// A listing a platform asks for (not linked; see [`crate::quirks::Quirks`]): a 4xx
    /// is dropped, not a page.
    Listing(Listing),
}

impl Kind {
    /// Whether the job is a page of the scan (a page, or a listing a platform asks
    /// for): it counts against the page limit, and one not fetched is a failed page.
    pub fn is_page(&self) -> bool {
        matches!(self, Kind::Page | Kind::Listing(_))
    }
}

/// A URL to fetch.
#[derive(Debug, Clone)]
pub(super) struct Job {
    pub url: Url,
    /// Hops from a start URL.
    pub depth: u32,
    pub kind: Kind,
}

/// A finished job.
pub(super) struct Done {
    pub job: Job,
    pub record: FetchRecord,
    /// Facts to keep (none for sitemaps and dropped listings).
    pub facts: Option<PageFacts>,
    /// Whether `facts` were made from the body just now (not reused from the cache):
    /// they are then kept with the response.
    pub analysed: bool,
    /// Whether the page was answered 304 to the validators of the facts index: its
    /// facts are the index's.
    pub from_index: bool,
    /// The validators under which the page's facts go into the facts index, when they
    /// can.
    pub validators: Option<Validators>,
    /// Whether the page's links are followed (2xx only).
    pub follow: bool,
    /// The URL after redirects, when different.
    pub final_url: Option<Url>,
    /// What the page revealed of further pages a platform asks for.
    pub found: Option<Found>,
    /// A parsed robots.txt (`None` for other jobs).
    pub robots: Option<Robots>,
    /// A parsed sitemap.
    pub sitemap: Option<Sitemap>,
}

impl Done {
    /// A job's end with nothing found: no facts, nothing to follow.
    pub fn bare(job: Job, record: FetchRecord) -> Done {
        Done {
            job,
            record,
            facts: None,
            follow: false,
            final_url: None,
            found: None,
            robots: None,
            sitemap: None,
            analysed: false,
            from_index: false,
            validators: None,
        }
    }

    /// A job whose URL could not be fetched (or its body analysed), for `why`.
    pub fn failed(job: Job, record: FetchRecord, why: String) -> Done {
        let robots = matches!(job.kind, Kind::Robots).then(|| Robots::unreachable(why.clone()));
        let facts = match job.kind {
            Kind::Page | Kind::Listing(_) => Some(PageFacts::failed(job.url.as_str(), why)),
            Kind::Robots | Kind::Sitemap { .. } => None,
        };
        Done {
            facts,
            robots,
            ..Done::bare(job, record)
        }
    }

    /// A page answered 304 to the validators `validators` of the facts index.
    pub fn indexed(job: Job, record: FetchRecord, validators: Validators) -> Done {
        Done {
            follow: true,
            from_index: true,
            validators: Some(validators),
            ..Done::bare(job, record)
        }
    }
}
