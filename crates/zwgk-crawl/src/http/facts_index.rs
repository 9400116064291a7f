//! The facts index of a cache folder: the facts and validators of every page of the
//! last crawl made with one analysis setup, in one file, each distinct link and each
//! shared header or footer text written once.
//!
//! The per-URL entries of [`super::cache`] are what a re-scan falls back on; the index
//! spares the re-scan of an unchanged portal one file open, read, decode and re-share
//! of the facts for every page answered `304 Not Modified`: it is read once when the
//! crawl starts, its validators are sent with each page's conditional request, and a
//! 304 takes the page's facts from it as they were kept (links and texts already
//! shared). A page that changed is fetched and analysed as without the index.
//!
//! A page whose server gave no validators is indexed too, under none: it is asked again
//! without a condition (and fetched in full), but an incremental re-scan may trust its
//! facts meanwhile (see `crawl::trust`); its body is not kept in an entry.
//!
//! Validators and facts are written together from one response, so a 304 to the
//! validators vouches for the facts beside them, whatever happened to the URL's entry
//! file since. The file is written to a temporary name and renamed into place when a
//! crawl ends (interrupted crawls included: the pages not reached are left to their
//! entries); it ends with a checksum of all it holds, and a file that is cut short,
//! damaged, or written by another format or setup is not used at all.
//!
//! Layout: a text head (`zwgk-facts/1`, then the analysis setup, one per line), then
//! records, each a little-endian `u32` length and postcard bytes (the counts; the links;
//! the shared texts; the pages), then the XXH3 of the records as a little-endian `u64`.

use std::fs;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;
use zwgk_core::page::{FactsInterner, Link, OwnText, PageText};
use zwgk_core::PageFacts;

use super::cache::Validators;

/// The first line of an index file.
const MAGIC: &str = "zwgk-facts/1";

/// A record longer than this makes the file unusable (a page's facts are a few
/// kilobytes; the limits on bodies keep them far below).
const MAX_RECORD: usize = 256 * 1024 * 1024;

/// The text head is at most this long.
const MAX_HEAD: u64 = 16 * 1024;

/// Validators in one string, as a crawl keeps them for every page until it writes
/// the index: the `ETag` and the `Last-Modified` date with a line break between, either
/// empty when absent (a third of the memory of [`Validators`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedValidators(Box<str>);

impl PackedValidators {
    /// Packed validators (none at all packs too: a page its server gave no validators
    /// is kept in the index, asked again without a condition and fetched in full, and an
    /// incremental re-scan may trust it meanwhile); `None` when a value is empty or holds
    /// a line break (no HTTP header value does).
    pub fn pack(v: &Validators) -> Option<Self> {
        let (etag, date) = (v.etag.as_deref(), v.last_modified.as_deref());
        let clean = |s: Option<&str>| s.is_none_or(|s| !s.is_empty() && !s.contains('\n'));
        (clean(etag) && clean(date)).then(|| {
            PackedValidators(format!("{}\n{}", etag.unwrap_or(""), date.unwrap_or("")).into())
        })
    }

    /// The validators again.
    pub fn unpack(&self) -> Validators {
        let (etag, date) = self.0.split_once('\n').unwrap_or((&self.0, ""));
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Validators {
            etag: some(etag),
            last_modified: some(date),
        }
    }
}

/// Pages read back from an index, in the index's order, with what they share.
///
/// A crawl takes the facts and validators as its own pages (no copy, no box per
/// page): a page answered 304 is already in place, found by [`IndexPlaces`]; the
/// others are dropped from the pages when the crawl ends.
#[derive(Debug, Default)]
pub struct IndexRead {
    /// The pages' facts, their links and text shared with the other pages.
    pub facts: Vec<PageFacts>,
    /// The validators the facts at the same place were made under.
    pub validators: Vec<Option<PackedValidators>>,
    /// Where each page is in `facts`.
    pub places: IndexPlaces,
    /// What the pages share (links, texts, meta tags), for the pages crawled next.
    pub interner: FactsInterner,
}

/// Where the pages of an index are among a crawl's pages, by URL (by a hash of it: a
/// 100,000-page index would hold its URLs twice), until they are taken.
#[derive(Debug, Default)]
pub struct IndexPlaces {
    by_url: foldhash::HashMap<u64, u32>,
}

fn url_key(url: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(url.as_bytes())
}

impl IndexPlaces {
    /// The place in `pages` of `url`'s page, if the index holds it and it was not
    /// taken.
    pub fn place(&self, url: &str, pages: &[PageFacts]) -> Option<usize> {
        let at = *self.by_url.get(&url_key(url))? as usize;
        (pages.get(at)?.url == url).then_some(at)
    }

    /// Take `url`'s page: its place (the page stays there).
    pub fn take(&mut self, url: &str, pages: &[PageFacts]) -> Option<usize> {
        let at = self.place(url, pages)?;
        self.by_url.remove(&url_key(url));
        Some(at)
    }

    /// Put `url`'s page, taken from `place`, back.
    pub fn put_back(&mut self, url: &str, place: usize) {
        if let Ok(at) = u32::try_from(place) {
            self.by_url.insert(url_key(url), at);
        }
    }

    /// The places of the pages not taken, in order; no page is left to take.
    pub fn not_taken(&mut self) -> Vec<usize> {
        let mut at: Vec<usize> = self.by_url.drain().map(|(_, p)| p as usize).collect();
        at.sort_unstable();
        at
    }
}

impl IndexRead {
    /// Add a page; of two pages whose URLs hash alike, the second is not found (it is
    /// fetched as if it were not in the index, and dropped).
    fn push(&mut self, facts: PageFacts, validators: PackedValidators) {
        let at = u32::try_from(self.facts.len()).unwrap_or(u32::MAX);
        self.places.by_url.entry(url_key(&facts.url)).or_insert(at);
        self.facts.push(facts);
        self.validators.push(Some(validators));
    }
}

#[derive(Serialize, Deserialize)]
struct Counts {
    links: u32,
    shared: u32,
    pages: u32,
}

/// A page as written: its facts without links and text, which are given by number.
#[derive(Serialize)]
struct PageOut<'a> {
    etag: Option<&'a str>,
    last_modified: Option<&'a str>,
    links: Vec<u32>,
    head: Option<u32>,
    own: &'a OwnText,
    tail: Option<u32>,
    facts: &'a PageFacts,
}

/// A page as read (the same fields as [`PageOut`], owned).
#[derive(Deserialize)]
struct PageIn {
    etag: Option<String>,
    last_modified: Option<String>,
    links: Vec<u32>,
    head: Option<u32>,
    own: OwnText,
    tail: Option<u32>,
    facts: PageFacts,
}

/// Numbers given to the distinct links and shared texts of the pages written.
#[derive(Default)]
struct Tables {
    /// The interner's links, by address: a link's number is its place (a map from
    /// address to number took three times the memory, at the end of a crawl that
    /// holds all its pages).
    links: Vec<Arc<Link>>,
    shared: Vec<Arc<str>>,
    shared_ids: foldhash::HashMap<usize, u32>,
}

impl Tables {
    fn new(interner: &FactsInterner) -> Self {
        let mut links: Vec<Arc<Link>> = interner.kept_links().cloned().collect();
        links.sort_unstable_by_key(|l| Arc::as_ptr(l) as usize);
        Tables {
            links,
            ..Tables::default()
        }
    }

    fn link(&self, link: &Arc<Link>) -> io::Result<u32> {
        let at = Arc::as_ptr(link) as usize;
        self.links
            .binary_search_by_key(&at, |l| Arc::as_ptr(l) as usize)
            .ok()
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a link not interned"))
    }

    fn text(&mut self, text: &Arc<str>) -> u32 {
        let next = u32::try_from(self.shared.len()).unwrap_or(u32::MAX);
        let id = *self
            .shared_ids
            .entry(Arc::as_ptr(text).cast::<u8>() as usize)
            .or_insert(next);
        if id == next {
            self.shared.push(Arc::clone(text));
        }
        id
    }
}

/// Writes records and hashes what it writes.
struct RecordWriter<W: Write> {
    out: W,
    hash: Xxh3,
    scratch: Vec<u8>,
}

impl<W: Write> RecordWriter<W> {
    fn record<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        self.scratch.clear();
        let bytes = postcard::to_extend(value, std::mem::take(&mut self.scratch))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        let len = u32::try_from(bytes.len())
            .ok()
            .filter(|&n| n as usize <= MAX_RECORD)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "record too long"))?;
        let len = len.to_le_bytes();
        self.hash.update(&len);
        self.hash.update(&bytes);
        self.out.write_all(&len)?;
        self.out.write_all(&bytes)?;
        self.scratch = bytes;
        Ok(())
    }
}

/// Reads records and hashes what it reads.
struct RecordReader<R: Read> {
    input: R,
    hash: Xxh3,
    buf: Vec<u8>,
}

impl<R: Read> RecordReader<R> {
    fn record<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let value = self
            .raw(&mut buf)
            .and_then(|()| postcard::from_bytes(&buf).ok());
        self.buf = buf;
        value
    }

    /// Append the next record's bytes to `out`.
    fn raw(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let mut len = [0u8; 4];
        self.input.read_exact(&mut len).ok()?;
        let n = u32::from_le_bytes(len) as usize;
        if n > MAX_RECORD {
            return None;
        }
        let start = out.len();
        (&mut self.input).take(n as u64).read_to_end(out).ok()?;
        if out.len() - start != n {
            return None;
        }
        self.hash.update(&len);
        self.hash.update(&out[start..]);
        Some(())
    }
}

/// Page records are read this many bytes at a time and each batch decoded in parallel.
const DECODE_BATCH: usize = 1024 * 1024;

/// A page record decoded, its links and shared texts taken from the tables.
fn decode_page(
    bytes: &[u8],
    links: &[Arc<Link>],
    shared: &[Arc<str>],
) -> Option<(PageFacts, PackedValidators)> {
    let p: PageIn = postcard::from_bytes(bytes).ok()?;
    let text = |id: Option<u32>| -> Option<Option<Arc<str>>> {
        match id {
            None => Some(None),
            Some(i) => shared.get(i as usize).cloned().map(Some),
        }
    };
    let mut facts = p.facts;
    facts.links = p
        .links
        .iter()
        .map(|&i| links.get(i as usize).cloned())
        .collect::<Option<_>>()?;
    facts.text = PageText::from_parts(text(p.head)?, p.own, text(p.tail)?);
    let validators = PackedValidators::pack(&Validators {
        etag: p.etag,
        last_modified: p.last_modified,
    })?;
    Some((facts, validators))
}

/// Write the index of `pages` (those with validators: `validators[i]` are those of
/// `pages[i]`), whose links `interner` holds, to `path`, for the analysis `setup`.
/// The pages are lent back as they were. Returns the number of pages written.
///
/// # Errors
/// Any I/O error; the temporary file is then removed and an older index left as it was.
pub fn write(
    path: &Path,
    setup: &str,
    pages: &mut [PageFacts],
    validators: &[Option<PackedValidators>],
    interner: &FactsInterner,
) -> io::Result<usize> {
    if setup.contains(['\r', '\n']) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "unusable setup",
        ));
    }
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no folder"))?;
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = write_to(&temp, setup, pages, validators, interner).and_then(|n| {
        fs::rename(&temp, path)?;
        Ok(n)
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_to(
    temp: &Path,
    setup: &str,
    pages: &mut [PageFacts],
    validators: &[Option<PackedValidators>],
    interner: &FactsInterner,
) -> io::Result<usize> {
    // Number the links and shared texts first: they are written before the pages.
    let mut tables = Tables::new(interner);
    let mut count = 0u32;
    for (page, _) in pages.iter().zip(validators).filter(|(_, v)| v.is_some()) {
        count += 1;
        for t in [page.text.shared_head(), page.text.shared_tail()]
            .into_iter()
            .flatten()
        {
            tables.text(t);
        }
    }
    let mut out = BufWriter::with_capacity(256 * 1024, fs::File::create(temp)?);
    out.write_all(format!("{MAGIC}\n{setup}\n").as_bytes())?;
    let mut w = RecordWriter {
        out,
        hash: Xxh3::new(),
        scratch: Vec::new(),
    };
    w.record(&Counts {
        links: u32::try_from(tables.links.len()).unwrap_or(u32::MAX),
        shared: u32::try_from(tables.shared.len()).unwrap_or(u32::MAX),
        pages: count,
    })?;
    for link in &tables.links {
        w.record(&**link)?;
    }
    for text in &tables.shared {
        w.record(&**text)?;
    }
    for (page, v) in pages.iter_mut().zip(validators) {
        let Some(v) = v.as_ref().map(PackedValidators::unpack) else {
            continue;
        };
        let ids = page
            .links
            .iter()
            .map(|l| tables.link(l))
            .collect::<io::Result<Vec<u32>>>()?;
        let head = page.text.shared_head().map(|t| tables.text(t));
        let tail = page.text.shared_tail().map(|t| tables.text(t));
        // Links and text go by number; the rest of the facts as they are.
        let links = std::mem::take(&mut page.links);
        let text = std::mem::take(&mut page.text);
        let written = w.record(&PageOut {
            etag: v.etag.as_deref(),
            last_modified: v.last_modified.as_deref(),
            links: ids,
            head,
            own: text.own(),
            tail,
            facts: page,
        });
        page.links = links;
        page.text = text;
        written?;
    }
    let sum = w.hash.digest().to_le_bytes();
    let mut out = w.out;
    out.write_all(&sum)?;
    out.into_inner().map_err(io::IntoInnerError::into_error)?;
    Ok(count as usize)
}

/// Read the index at `path` written for the analysis `setup`, or `None` when there is
/// no usable one.
pub fn read(path: &Path, setup: &str) -> Option<IndexRead> {
    let file = fs::File::open(path).ok()?;
    let mut input = BufReader::with_capacity(256 * 1024, file);
    let mut head = String::new();
    for expected in [MAGIC, setup] {
        head.clear();
        (&mut input).take(MAX_HEAD).read_line(&mut head).ok()?;
        if head.strip_suffix('\n') != Some(expected) {
            return None;
        }
    }
    let mut r = RecordReader {
        input,
        hash: Xxh3::new(),
        buf: Vec::new(),
    };
    let counts: Counts = r.record()?;
    // The counts are not trusted for allocations: a damaged file fails its checksum
    // only once it has been read.
    let mut links = Vec::new();
    for _ in 0..counts.links {
        links.push(Arc::new(r.record::<Link>()?));
    }
    let mut shared: Vec<Arc<str>> = Vec::new();
    for _ in 0..counts.shared {
        shared.push(Arc::from(r.record::<String>()?));
    }
    let mut pages = IndexRead::default();
    pages.interner.adopt_links(links.iter().cloned());
    // Decoding is most of the reading, and the crawl waits for it: the records are read
    // a batch at a time and each batch decoded on every core.
    let mut left = counts.pages;
    let mut batch = Vec::new();
    let mut spans = Vec::new();
    while left > 0 {
        batch.clear();
        spans.clear();
        while left > 0 && batch.len() < DECODE_BATCH {
            let start = batch.len();
            r.raw(&mut batch)?;
            spans.push(start..batch.len());
            left -= 1;
        }
        let decoded: Vec<Option<(PageFacts, PackedValidators)>> = spans
            .par_iter()
            .map(|span| decode_page(&batch[span.clone()], &links, &shared))
            .collect();
        for page in decoded {
            let (mut facts, validators) = page?;
            // Shared a batch at a time: the copies are dropped before the next batch
            // is read, not left as holes among the pages kept.
            pages.interner.intern_meta_tags(&mut facts);
            pages.push(facts, validators);
        }
    }
    let mut sum = [0u8; 8];
    r.input.read_exact(&mut sum).ok()?;
    if u64::from_le_bytes(sum) != r.hash.digest() || r.input.read(&mut [0u8; 1]).ok()? != 0 {
        return None;
    }
    Some(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zwgk_core::page::FactsInterner;

    fn page(url: &str, body: &str) -> PageFacts {
        let html = format!(
            "<p>广东省文化和旅游厅 欢迎访问 长者助手 手机版 设为首页 加入收藏 首页 政务公开 新闻中心 互动交流 网上办事</p>\
             <a href=\"/zwgk/\">政务公开</a><a href=\"{url}#x\">本页</a><p>{body}</p>\
             <p>主办单位：广东省文化和旅游厅 网站标识码：4400000128 粤ICP备13022375号 公网安备44010402001234号</p>"
        );
        PageFacts::from_html(url, 200, &html)
    }

    fn shared_pages() -> (Vec<PageFacts>, FactsInterner) {
        let mut interner = FactsInterner::default();
        let mut pages: Vec<PageFacts> = (0..5)
            .map(|i| {
                page(
                    &format!("http://x.gov.cn/a/{i}.html"),
                    &"第二篇正文，内容较长。".repeat(40 + i),
                )
            })
            .collect();
        for p in &mut pages {
            interner.intern(p);
        }
        (pages, interner)
    }

    fn validators_of(pages: &[PageFacts]) -> Vec<Option<PackedValidators>> {
        (0..pages.len())
            .map(|i| {
                // The fourth page is not in the index; the fifth has no validators.
                (i != 3).then(|| {
                    PackedValidators::pack(&Validators {
                        etag: (i != 4).then(|| format!("\"e{i}\"")),
                        last_modified: (i % 2 == 0 && i != 4)
                            .then(|| "Mon, 31 Jan 2022 03:33:20 GMT".into()),
                    })
                    .unwrap()
                })
            })
            .collect()
    }

    #[test]
    fn validators_pack_and_unpack() {
        let both = Validators {
            etag: Some("\"61f757a0-5b82\"".into()),
            last_modified: Some("Mon, 31 Jan 2022 03:33:20 GMT".into()),
        };
        let etag = Validators {
            last_modified: None,
            ..both.clone()
        };
        let date = Validators {
            etag: None,
            ..both.clone()
        };
        for v in [both, etag, date] {
            assert_eq!(PackedValidators::pack(&v).unwrap().unpack(), v);
        }
        let none = Validators::default();
        assert_eq!(PackedValidators::pack(&none).unwrap().unpack(), none);
        let broken = Validators {
            etag: Some("a\nb".into()),
            last_modified: None,
        };
        assert!(PackedValidators::pack(&broken).is_none());
    }

    #[test]
    fn pages_come_back_with_their_validators_and_shared_parts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts-1");
        let (mut pages, kept) = shared_pages();
        let before = pages.clone();
        let validators = validators_of(&pages);
        assert_eq!(
            write(&path, "setup/1", &mut pages, &validators, &kept).unwrap(),
            4
        );
        assert_eq!(pages, before, "the pages are lent back as they were");
        let IndexRead {
            facts,
            validators: kept,
            mut places,
            interner,
        } = read(&path, "setup/1").expect("readable");
        assert_eq!(facts.len(), 4, "the page left out is not written");
        assert!(places.place("http://x.gov.cn/a/3.html", &facts).is_none());
        let none = places.place("http://x.gov.cn/a/4.html", &facts);
        assert!(kept[none.expect("written")]
            .as_ref()
            .unwrap()
            .unpack()
            .is_empty());
        for (p, v) in before.iter().zip(&validators) {
            let Some(v) = v else {
                continue;
            };
            let at = places.place(&p.url, &facts).expect("written");
            assert_eq!(kept[at].as_ref(), Some(v));
            let got = &facts[at];
            assert_eq!(got, p);
            assert_eq!(
                got.text.shared_head().is_some(),
                p.text.shared_head().is_some()
            );
        }
        // Links and shared texts are one copy for all pages.
        let a = &facts[places.place("http://x.gov.cn/a/1.html", &facts).unwrap()];
        let b = &facts[places.place("http://x.gov.cn/a/2.html", &facts).unwrap()];
        assert!(Arc::ptr_eq(&a.links[0], &b.links[0]));
        assert!(Arc::ptr_eq(
            a.text.shared_head().unwrap(),
            b.text.shared_head().unwrap()
        ));
        let mut fresh = a.clone();
        fresh.links = vec![Arc::new((*a.links[0]).clone())];
        let mut interner = interner;
        interner.intern(&mut fresh);
        assert!(
            Arc::ptr_eq(&fresh.links[0], &a.links[0]),
            "later pages share the links read back"
        );
        // Taken pages stay in place; the others are reported once.
        let at = places.take("http://x.gov.cn/a/2.html", &facts).unwrap();
        assert_eq!(facts[at].url, "http://x.gov.cn/a/2.html");
        assert!(places.take("http://x.gov.cn/a/2.html", &facts).is_none());
        let left = places.not_taken();
        assert_eq!(left.len(), 3);
        assert!(!left.contains(&at) && left.windows(2).all(|w| w[0] < w[1]));
        assert!(places.not_taken().is_empty());
    }

    #[test]
    fn another_setup_or_a_damaged_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts-1");
        let (mut pages, kept) = shared_pages();
        let validators = validators_of(&pages);
        write(&path, "setup/1", &mut pages, &validators, &kept).unwrap();
        assert!(read(&path, "setup/2").is_none());
        assert!(read(&dir.path().join("none"), "setup/1").is_none());
        let good = fs::read(&path).unwrap();
        // Cut anywhere, or any byte changed after the head: not used.
        let head = MAGIC.len() + "setup/1".len() + 2;
        for at in (0..good.len()).step_by(37) {
            fs::write(&path, &good[..at]).unwrap();
            assert!(read(&path, "setup/1").is_none(), "cut at {at}");
        }
        for at in (head..good.len()).step_by(29) {
            let mut bad = good.clone();
            bad[at] ^= 0x5a;
            fs::write(&path, &bad).unwrap();
            assert!(read(&path, "setup/1").is_none(), "byte {at} changed");
        }
        let mut longer = good.clone();
        longer.push(0);
        fs::write(&path, &longer).unwrap();
        assert!(read(&path, "setup/1").is_none(), "bytes after the checksum");
        fs::write(&path, &good).unwrap();
        assert!(read(&path, "setup/1").is_some());
    }

    #[test]
    fn a_setup_that_cannot_be_written_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts-1");
        let (mut pages, kept) = shared_pages();
        let validators = validators_of(&pages);
        assert!(write(&path, "a\nb", &mut pages, &validators, &kept).is_err());
        assert!(!path.exists());
        // A link the interner does not hold: no index, no file left behind.
        let stray = Arc::new(pages[1].links[0].as_ref().clone());
        pages[1].links.push(stray);
        assert!(write(&path, "setup/1", &mut pages, &validators, &kept).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
