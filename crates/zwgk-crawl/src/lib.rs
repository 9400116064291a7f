//! # zwgk-crawl
//!
//! Page sources for `zwgk`: they turn a portal into a [`zwgk_core::Site`] of page facts.
//!
//! - [`FolderSource`] reads a local mirror folder laid out as `wget --mirror`
//!   saves a site (file path = URL path; a query string stays in the file name).
//! - [`PageSource`] is the trait a source implements; the HTTP crawler plugs in here.
//! - [`http`] crawls a live portal ([`HttpSource`]): robots.txt, sitemaps, the gkmlpt
//!   catalogue, per-host limits, retries, bounded bodies, a record of every fetch.
//! - [`encoding`] decodes bytes (UTF-8, GBK/GB18030, …) by BOM, header, `<meta>` and content.
//! - [`mod@analyze`] turns one fetched body into page facts, by its kind
//!   ([`zwgk_extract::BodyKind`]: HTML, a platform's JSON, documents, other types).
//! - [`inputs`] reads rule-pack folders and evidence files.
//! - [`quirks`] fences what particular platforms need (the gkmlpt catalogue: which of its
//!   API pages to ask for, and how its JSON reads), behind one interface the crawl calls.
#![warn(missing_docs)]

pub mod analyze;
pub mod encoding;
pub mod folder;
pub mod http;
pub mod inputs;
pub mod quirks;

pub use analyze::{analyze, AnalysisLimits};
pub use folder::FolderSource;
pub use http::{CrawlOptions, HttpSource};

use zwgk_core::{ExternalLink, PageFacts, Selectors, Site};

/// Why a target (a URL or a folder) could not be scanned at all. (Not
/// `zwgk_core::pack::SourceError`, an error in a rule or evidence file.)
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The target does not exist.
    #[error("target not found: {0}")]
    NotFound(String),
    /// The target exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// What was being read.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The target's address cannot be worked out (e.g. a folder with no host name).
    #[error("{0}")]
    Target(String),
}

/// Something that yields the pages of a portal.
pub trait PageSource {
    /// What is being scanned (a URL or a folder), for the report.
    fn target(&self) -> String;

    /// Fetch or read every page and extract its facts. Pages that cannot be
    /// fetched or read are returned as failed pages, not as errors: only a
    /// target that cannot be scanned at all is an error.
    ///
    /// # Errors
    /// [`TargetError`] when nothing can be scanned.
    fn pages(&self, selectors: &Selectors) -> Result<Vec<PageFacts>, TargetError>;

    /// The results of checking off-site links during the last [`PageSource::pages`]
    /// call, for [`Site::with_external`]; none by default (a folder checks none).
    fn external_links(&self) -> Vec<ExternalLink> {
        Vec::new()
    }

    /// Read the pages ([`PageSource::pages`]) into a site, with the off-site links checked
    /// on the way.
    ///
    /// # Errors
    /// [`TargetError`] when the target cannot be scanned at all.
    fn site(&self, selectors: &Selectors) -> Result<Site, TargetError> {
        let pages = self.pages(selectors)?;
        Ok(Site::new(self.target(), pages).with_external(self.external_links()))
    }
}
