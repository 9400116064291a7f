//! The cache (`--cache`) and its facts index as one crawl uses them, behind one
//! interface: a lookup before each fetch, a store after it.
//!
//! [`Kept`] is the crawl loop's side. When the crawl starts it reads the facts index (the
//! pages of the last crawl, which become the first of this crawl's pages); for each job
//! it hands out a [`Lookup`]; as pages come in it accounts for which of the index's
//! pages were answered, and when the crawl ends it writes the next index.
//!
//! [`Lookup`] is a fetch task's side, for one URL: [`Lookup::read`] before the fetch (the
//! validators to send: the index's, or those of the URL's entry, read with the facts kept
//! beside its body), [`Lookup::answer`] once the response is in (a 304 to the index's
//! validators needs nothing more; a 304 to the entry's takes the entry's body and facts),
//! and [`Lookup::keep`] or [`Lookup::store`] once the body is analysed (the response and
//! the facts made from it go into the URL's entry: by the crawl's writer thread, or on
//! the blocking thread that analysed it).

use std::sync::Arc;

use url::Url;
use zwgk_core::page::FactsInterner;
use zwgk_core::PageFacts;

use super::super::cache::{self, Cache, Entry, Validators};
use super::super::entry_writer::{EntryQueue, EntryWriter};
use super::super::facts_index::{self, IndexPlaces, IndexRead, PackedValidators};
use super::super::fetch::{FetchConfig, Response};
use super::super::record::FetchRecord;

/// Kept cache entries up to this size are read on the runtime's thread that asks for
/// them; larger ones on the blocking pool.
const INLINE_READ_MAX: u64 = 256 * 1024;

/// The cache and its facts index, on the crawl loop's side.
pub(super) struct Kept {
    cache: Option<Arc<Cache>>,
    /// What page facts depend on besides the body (the key of facts kept in the cache).
    setup: Arc<str>,
    /// The writer of the cache's entries of pages analysed on the runtime's threads.
    entries: Option<EntryWriter>,
    /// Whether the crawl reads and writes the cache's facts index: it has a cache and
    /// writes no snapshot (a snapshot needs every body).
    indexing: bool,
    /// Where the pages of the facts index not yet answered are among the crawl's pages
    /// (they are put there when the crawl starts).
    index: IndexPlaces,
    /// When indexing, the validators under which each of the crawl's pages (at the same
    /// place) goes into the next facts index, if it can.
    page_validators: Vec<Option<PackedValidators>>,
    /// Pages in the facts index read (none when none was read).
    index_read: usize,
    /// Places of index pages fetched again without the index (a 200 to its
    /// validators): the new facts went in anew; these go when the crawl ends.
    index_replaced: Vec<usize>,
    /// Whether a page goes into the next facts index that the index read does not
    /// hold as it is (so the index is written again).
    index_changed: bool,
}

/// A fetch task's lookup in the cache and the facts index, for one URL.
pub(super) struct Lookup {
    cache: Option<Arc<Cache>>,
    entries: Option<EntryQueue>,
    setup: Arc<str>,
    /// The crawl reads every body (`!skip_non_text`) or not, and cuts bodies at this size.
    skip_non_text: bool,
    max_body: usize,
    /// Whether the page's facts may go into the facts index.
    index_ok: bool,
    /// The validators of the page's facts in the facts index: answered 304, the page
    /// needs no trip to the disk at all.
    indexed: Option<Validators>,
    /// The URL's entry (read when the index holds no facts for it) and the facts kept
    /// beside its body, if made by this crawl's analysis setup.
    entry: Option<Entry>,
    entry_facts: Option<PageFacts>,
}

/// What a response comes to once the cache is taken into account.
// Made and taken apart once a page: boxing the response would cost an allocation a page.
#[allow(clippy::large_enum_variant)]
pub(super) enum Answer {
    /// A 304 to the validators of the facts index: the page's facts are the index's.
    Indexed(Validators),
    /// A response to analyse (fetched, or the kept one after a 304 to its validators).
    Response(Fetched),
}

/// A response to analyse, with what the cache says of it.
pub(super) struct Fetched {
    /// The response (the kept one after a 304).
    pub resp: Response,
    /// Whether it is the kept response.
    pub from_cache: bool,
    /// The facts kept in the cache for this very body (answered 304), used instead of
    /// analysing it again.
    pub reused: Option<PageFacts>,
    /// The validators under which the page's facts go into the facts index, when they
    /// can: those of the response, if its page is followed (a 2xx page).
    pub index_as: Option<Validators>,
}

impl Kept {
    /// The crawl's use of `cache`: facts made with the analysis `setup`, an index read
    /// and written unless a snapshot is (it needs every body).
    pub fn new(cache: Option<Arc<Cache>>, setup: Arc<str>, snapshotting: bool) -> Self {
        Kept {
            indexing: cache.is_some() && !snapshotting,
            entries: cache.clone().map(EntryWriter::start),
            cache,
            setup,
            index: IndexPlaces::default(),
            page_validators: Vec::new(),
            index_read: 0,
            index_replaced: Vec::new(),
            index_changed: false,
        }
    }

    /// Read the cache's facts index of this crawl's setup on the blocking pool, when
    /// the crawl indexes; `None` when there is no usable one.
    pub async fn read_index(&self) -> Option<IndexRead> {
        let c = self.cache.as_ref().filter(|_| self.indexing)?;
        let path = c.facts_index_path(&self.setup);
        let setup = self.setup.clone();
        let loading = tokio::task::spawn_blocking(move || facts_index::read(&path, &setup));
        // A read that failed on its thread is no index.
        loading.await.ok().flatten()
    }

    /// Use the facts index read: its pages become the crawl's `pages` (which must be
    /// empty) and its interner the crawl's `links`.
    pub fn adopt(
        &mut self,
        read: IndexRead,
        pages: &mut Vec<PageFacts>,
        links: &mut FactsInterner,
    ) {
        // Read before the first page is kept: the index's pages are the first pages,
        // and the interner (which keeps every link the pages hold, known to the crawl
        // by address) is the index's.
        if !pages.is_empty() {
            return;
        }
        self.index_read = read.facts.len();
        *pages = read.facts;
        self.page_validators = read.validators;
        self.index = read.places;
        *links = read.interner;
    }

    /// The lookup of a fetch of `url` with `cfg`; `indexable` tells whether the page's
    /// facts may go into the facts index (asked only when the crawl indexes).
    pub fn lookup(
        &self,
        url: &str,
        indexable: impl FnOnce() -> bool,
        cfg: &FetchConfig,
        pages: &[PageFacts],
    ) -> Lookup {
        let index_ok = self.indexing && indexable();
        let indexed = self
            .index
            .place(url, pages)
            .filter(|_| index_ok)
            .and_then(|at| self.page_validators.get(at)?.as_ref())
            .map(PackedValidators::unpack);
        Lookup {
            cache: self.cache.clone(),
            entries: self.entries.as_ref().map(EntryWriter::queue),
            setup: self.setup.clone(),
            skip_non_text: cfg.skip_non_text,
            max_body: cfg.max_body,
            index_ok,
            indexed,
            entry: None,
            entry_facts: None,
        }
    }

    /// The place among `pages` of `url`'s page of the facts index, if it was not taken.
    pub fn indexed_place(&self, url: &str, pages: &[PageFacts]) -> Option<usize> {
        self.index.place(url, pages)
    }

    /// Take `url`'s page of the facts index (answered 304 to its validators): its place
    /// among `pages`, where it stays.
    pub fn take_indexed(&mut self, url: &str, pages: &[PageFacts]) -> Option<usize> {
        self.index.take(url, pages)
    }

    /// Put `url`'s page, taken at `place`, back among the index's pages not taken: a
    /// page trusted unchanged that is to be revalidated after all.
    pub fn put_back(&mut self, url: &str, place: usize) {
        self.index.put_back(url, place);
    }

    /// Note that a page of the index was confirmed again by the site (answered 304): the
    /// index is written again with the time of confirmation.
    pub fn confirmed_again(&mut self) {
        self.index_changed = true;
    }

    /// Account for a page that goes into the next facts index without having been taken
    /// from the one read: fetched again, its facts made again (and confirmed anew), so
    /// the index is written again and its old version of the page dropped.
    pub fn account(&mut self, url: &str, pages: &[PageFacts]) {
        if self.index_read == 0 {
            return;
        }
        self.index_changed = true;
        if let Some(at) = self.index.take(url, pages) {
            self.index_replaced.push(at);
        }
    }

    /// Note the validators of a page kept (pushed after the crawl's pages) under which it
    /// goes into the next facts index, if it can.
    pub fn push(&mut self, validators: Option<Validators>) {
        if self.indexing {
            let packed = validators.as_ref().and_then(PackedValidators::pack);
            self.page_validators.push(packed);
        }
    }

    /// Wait until every entry handed to the writer is on disk.
    pub async fn flush_entries(&mut self) {
        if let Some(entries) = self.entries.take() {
            let _ = tokio::task::spawn_blocking(move || entries.finish()).await;
        }
    }

    /// Replace the cache's facts index of this crawl's setup by the crawl's `pages` that
    /// can go in it (with `links`, their interner), unless they are the index's own pages,
    /// all of them and no other; then remove from `pages` what is not a page of this crawl.
    ///
    /// The pages of the old index that were not answered are gone from the portal or no
    /// longer linked when the crawl was complete, and dropped; when it was `cut_short`
    /// (URLs left unfetched by a limit, the deadline or Ctrl-C, or failed fetches), they
    /// may only not have been reached, and stay in the index, as their entries stay in the
    /// cache, for the next crawl. Either way they are not pages of this crawl.
    pub fn write_index(
        &mut self,
        pages: &mut Vec<PageFacts>,
        links: &FactsInterner,
        cut_short: bool,
    ) {
        let not_taken = self.index.not_taken();
        let keep_not_taken = !not_taken.is_empty() && cut_short;
        let unchanged =
            self.index_read > 0 && !self.index_changed && (not_taken.is_empty() || keep_not_taken);
        let replaced = std::mem::take(&mut self.index_replaced);
        // Left out of the next index (it is written with the pages that have validators):
        // the old versions of the pages fetched again, and the pages not taken unless kept.
        let left_out = not_taken.iter().filter(|_| !keep_not_taken);
        for &at in replaced.iter().chain(left_out) {
            if let Some(v) = self.page_validators.get_mut(at) {
                *v = None;
            }
        }
        if let Some(c) = self.cache.as_ref().filter(|_| self.indexing && !unchanged) {
            let path = c.facts_index_path(&self.setup);
            let v = &self.page_validators;
            let written = facts_index::write(&path, &self.setup, pages, v, links);
            if written.is_err() {
                c.count_write_error();
            }
        }
        let mut gone = not_taken;
        gone.extend(replaced);
        gone.sort_unstable();
        remove_places(pages, &gone);
        self.page_validators = Vec::new();
    }
}

impl Lookup {
    /// Before the fetch: read the URL's entry (and the facts kept with it), unless the
    /// facts index answers for the page.
    pub async fn read(&mut self, url: &Url) {
        let Some(c) = self.cache.as_ref().filter(|_| self.indexed.is_none()) else {
            return;
        };
        let (max_body, skip) = (self.max_body, self.skip_non_text);
        // A small entry (and the facts kept with it, of about its size) is read here:
        // handing it to the blocking pool and back cost more than reading it from the
        // page cache.
        let kept = match c.open_entry(url) {
            None => None,
            Some(file) if file.size() <= INLINE_READ_MAX => {
                c.read_usable(file, url, max_body, skip, &self.setup)
            }
            Some(file) => {
                let (c, url, setup) = (c.clone(), url.clone(), self.setup.clone());
                tokio::task::spawn_blocking(move || {
                    c.read_usable(file, &url, max_body, skip, &setup)
                })
                .await
                .ok()
                .flatten()
            }
        };
        if let Some((entry, facts)) = kept {
            self.entry = Some(entry);
            self.entry_facts = facts;
        }
    }

    /// The validators to send with the request: the facts index's, or the entry's.
    pub fn validators(&self) -> Option<&Validators> {
        self.indexed
            .as_ref()
            .or_else(|| self.entry.as_ref().map(|e| &e.validators))
    }

    /// What the response `resp` of `url` comes to (`record` is marked when a 304 makes
    /// what is kept stand).
    pub fn answer(&mut self, url: &Url, resp: Response, record: &mut FetchRecord) -> Answer {
        if let Some(v) = self.indexed.take() {
            if cache::not_modified(url, &resp, record) {
                return Answer::Indexed(v);
            }
        }
        let (resp, from_cache) = cache::revalidated(url, resp, self.entry.take(), record);
        let reused = self.entry_facts.take().filter(|_| from_cache);
        let index_as = self
            .index_ok
            .then(|| cache::index_validators(url, &resp))
            .flatten();
        Answer::Response(Fetched {
            resp,
            from_cache,
            reused,
            index_as,
        })
    }

    /// After the analysis on a runtime thread: hand the response of `url` and the facts
    /// made from it (`analysed`: made just now) to the crawl's entry writer, when the
    /// cache keeps it (see [`to_keep`]).
    pub async fn keep(&self, url: &Url, f: &Fetched, facts: Option<&PageFacts>, analysed: bool) {
        let (Some(c), Some(entries)) = (&self.cache, &self.entries) else {
            return;
        };
        if let Some(facts) = to_keep(facts, analysed, f.from_cache) {
            let facts = facts.map(|f| (&*self.setup, f));
            let entry = c.prepare(url, &f.resp, self.skip_non_text, facts);
            entries.keep(entry).await;
        }
    }

    /// After the analysis on a blocking thread: [`Lookup::keep`], written there.
    pub fn store(&self, url: &Url, f: &Fetched, facts: Option<&PageFacts>, analysed: bool) {
        if let (Some(c), Some(facts)) = (&self.cache, to_keep(facts, analysed, f.from_cache)) {
            let facts = facts.map(|f| (&*self.setup, f));
            c.store(url, &f.resp, self.skip_non_text, facts);
        }
    }
}

/// Whether a response goes into the cache, and with which facts: a fresh one always (or
/// its stale entry is forgotten), with the facts made from it; a kept one again only when
/// its facts had to be made again (another setup).
fn to_keep(
    facts: Option<&PageFacts>,
    analysed: bool,
    from_cache: bool,
) -> Option<Option<&PageFacts>> {
    let facts = facts.filter(|_| analysed);
    (!from_cache || facts.is_some()).then_some(facts)
}

/// Remove the items at the places `gone` (in order) from `items`.
fn remove_places<T>(items: &mut Vec<T>, gone: &[usize]) {
    if gone.is_empty() {
        return;
    }
    let mut at = 0;
    let mut gone = gone.iter().peekable();
    items.retain(|_| {
        let dropped = gone.next_if_eq(&&at).is_some();
        at += 1;
        !dropped
    });
}

#[cfg(test)]
mod tests {
    use super::remove_places;

    #[test]
    fn places_are_removed_in_one_pass() {
        let mut items: Vec<u32> = (0..10).collect();
        remove_places(&mut items, &[0, 3, 4, 9]);
        assert_eq!(items, [1, 2, 5, 6, 7, 8]);
        remove_places(&mut items, &[]);
        assert_eq!(items.len(), 6);
        remove_places(&mut items, &[0, 1, 2, 3, 4, 5]);
        assert!(items.is_empty());
    }
}
