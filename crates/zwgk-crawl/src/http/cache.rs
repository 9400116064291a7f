//! The on-disk HTTP cache for re-scans (`--cache DIR`).
//!
//! One file per URL, `DIR/v3/<2 hex>/<32 hex>`, named by a hash of the normalised URL.
//! A file holds a short text head (the URL, status, content type, `ETag`,
//! `Last-Modified`, body length and checksum, and the length and analysis setup of
//! the facts that follow), the body bytes, and then the page facts made from that body
//! (postcard's encoding of [`PageFacts`]; the setup names the analysis code revision,
//! the selector probes and the limits they were made with). A 304 whose kept facts
//! match this crawl's setup needs no analysis; otherwise the kept body is analysed
//! again and the entry rewritten with its new facts. Files are written to a temporary
//! name and renamed into place, so a reader never sees half an entry; an entry that
//! cannot be read, is cut short, fails its checksum or names another URL is ignored
//! (the URL is fetched in full).
//!
//! Beside the entries, each crawl without a snapshot writes a facts index (see
//! `facts_index`): the facts and validators of all its pages in one file, which the next
//! crawl reads once instead of one entry a page.
//!
//! Only 2xx answers with a validator (`ETag` or `Last-Modified`) are kept, and never
//! those marked `Cache-Control: no-store`, cut at the body limit, or redirected. The
//! next crawl sends `If-None-Match` / `If-Modified-Since` and, on `304 Not Modified`,
//! takes the kept response (and facts) as if it had been fetched.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use url::Url;
use zwgk_core::PageFacts;

use super::fetch::Response;
use super::record::{FetchRecord, StatusClass};

/// The first line of every entry; a change of format changes it (and the folder).
const MAGIC: &str = "zwgk-cache/3";

/// The folder under `DIR` holding entries of this format.
const LAYOUT: &str = "v3";

/// An entry's text head is at most this long.
const MAX_HEAD: usize = 16 * 1024;

/// Validators of a kept response, sent back as conditional request headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag`, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` date, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is anything to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A response made ready to be kept by [`Cache::prepare`], or the note that its URL's
/// entry is to be forgotten; [`Cache::commit`] writes it.
#[derive(Debug)]
pub struct PreparedEntry {
    path: PathBuf,
    action: Prepared,
}

#[derive(Debug)]
enum Prepared {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Remove the URL's entry, if there is one.
    Forget,
    /// Not encodable (a header value the format cannot hold): counts as a failed write.
    Unencodable,
}

impl PreparedEntry {
    /// The bytes to write: what a writer holds until the entry is written.
    pub fn size(&self) -> usize {
        match &self.action {
            Prepared::Write(bytes) => bytes.len(),
            Prepared::Forget | Prepared::Unencodable => 0,
        }
    }
}

/// A kept response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The URL it answers (normalised).
    pub url: String,
    /// Its HTTP status (2xx).
    pub status: u16,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// Its validators.
    pub validators: Validators,
    /// Whether the body was read in full (a PDF's body is not read unless a snapshot
    /// is written; such an entry serves only crawls that do not need the body).
    pub complete: bool,
    /// The body.
    pub body: Vec<u8>,
}

/// An entry's file, opened, and its size.
#[derive(Debug)]
pub struct KeptFile {
    file: fs::File,
    size: u64,
}

impl KeptFile {
    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// Why the cache folder cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the cache folder {path}: {source}")]
pub struct CacheError {
    /// The folder.
    pub path: String,
    /// What went wrong.
    #[source]
    pub source: io::Error,
}

/// Counts of a cache's writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Entries written.
    pub written: u64,
    /// Entries that could not be written (the URL is fetched in full next time).
    pub write_errors: u64,
}

/// The on-disk cache.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    /// This process's id, in temporary file names.
    process: u32,
    temp_serial: AtomicU64,
    written: AtomicU64,
    write_errors: AtomicU64,
}

/// FNV-1a over `bytes` from `seed`.
pub(super) fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A body checksum (not cryptographic: it catches damaged files, not forgeries).
/// XXH3, whose output is fixed by its specification: a re-scan checks every kept body
/// twice (the entry, then the facts made from it), and FNV-1a's byte-at-a-time loop
/// took about as long as reading the file.
fn checksum(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// The key of a URL: 32 hex digits from two differently seeded hashes. A collision
/// only costs a full fetch, since an entry names its URL.
pub fn key(url: &Url) -> String {
    let b = url.as_str().as_bytes();
    format!(
        "{:016x}{:016x}",
        fnv1a(0xcbf2_9ce4_8422_2325, b),
        fnv1a(0x6c62_272e_07bb_0142, b)
    )
}

/// Whether a `Cache-Control` value forbids storing.
pub fn forbids_store(cache_control: &str) -> bool {
    cache_control
        .split(',')
        .any(|d| d.trim().eq_ignore_ascii_case("no-store"))
}

fn clean(v: &str) -> bool {
    !v.contains(['\r', '\n'])
}

impl Entry {
    /// The entry as file bytes, with the facts made from its body by `facts.0` (an
    /// analysis setup) when given.
    fn encode(&self, facts: Option<(&str, &PageFacts)>) -> Option<Vec<u8>> {
        let mut head = format!("{MAGIC}\nurl {}\nstatus {}\n", self.url, self.status);
        let fields = [
            ("content-type", &self.content_type),
            ("etag", &self.validators.etag),
            ("last-modified", &self.validators.last_modified),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                if !clean(v) {
                    return None;
                }
                head.push_str(&format!("{name} {v}\n"));
            }
        }
        if !clean(&self.url) {
            return None;
        }
        let facts = match facts {
            Some((setup, facts)) if clean(setup) => Some((setup, postcard::to_stdvec(facts).ok()?)),
            Some(_) => return None,
            None => None,
        };
        if let Some((setup, bytes)) = &facts {
            head.push_str(&format!("facts {} {setup}\n", bytes.len()));
        }
        head.push_str(&format!(
            "complete {}\nbody {} {}\n\n",
            u8::from(self.complete),
            self.body.len(),
            checksum(&self.body)
        ));
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        if let Some((_, bytes)) = facts {
            out.extend_from_slice(&bytes);
        }
        Some(out)
    }

    /// Read an entry from file bytes (which become its body), with its facts when they
    /// were made by the analysis `setup`; `None` when anything is off.
    fn decode(mut bytes: Vec<u8>, setup: Option<&str>) -> Option<(Entry, Option<PageFacts>)> {
        let split = memchr::memmem::find(&bytes[..bytes.len().min(MAX_HEAD + 1)], b"\n\n")?;
        let head = std::str::from_utf8(&bytes[..split]).ok()?;
        let mut lines = head.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let mut url = None;
        let mut status = None;
        let mut content_type = None;
        let mut validators = Validators::default();
        let mut complete = None;
        let mut body_check = None;
        let mut facts_kept: Option<(usize, &str)> = None;
        for line in lines {
            let (name, value) = line.split_once(' ')?;
            match name {
                "url" => url = Some(value.to_string()),
                "status" => status = value.parse::<u16>().ok(),
                "content-type" => content_type = Some(value.to_string()),
                "etag" => validators.etag = Some(value.to_string()),
                "last-modified" => validators.last_modified = Some(value.to_string()),
                "complete" => complete = Some(value == "1"),
                "body" => {
                    let (len, sum) = value.split_once(' ')?;
                    body_check = Some((len.parse::<usize>().ok()?, sum.to_string()));
                }
                "facts" => {
                    let (len, made_by) = value.split_once(' ')?;
                    facts_kept = Some((len.parse::<usize>().ok()?, made_by));
                }
                _ => return None,
            }
        }
        let (len, sum) = body_check?;
        let facts_len = facts_kept.map_or(0, |(n, _)| n);
        let body_at = split + 2;
        if bytes.len() != body_at.checked_add(len)?.checked_add(facts_len)? {
            return None;
        }
        if checksum(&bytes[body_at..body_at + len]) != sum {
            return None;
        }
        let status = status.filter(|s| (200..300).contains(s))?;
        let (url, complete) = (url?, complete?);
        let facts = match (facts_kept, setup) {
            (Some((_, made_by)), Some(setup)) if made_by == setup => {
                // Facts that do not decode are not used (the body is analysed again).
                postcard::from_bytes::<PageFacts>(&bytes[body_at + len..])
                    .ok()
                    .filter(|f| f.url == url)
            }
            _ => None,
        };
        // The head and the facts are dropped in place: the body is not copied.
        bytes.truncate(body_at + len);
        bytes.drain(..body_at);
        Some((
            Entry {
                url,
                status,
                content_type,
                validators,
                complete,
                body: bytes,
            },
            facts,
        ))
    }

    /// Whether the entry can answer a conditional request of a crawl that needs
    /// (`!skip_non_text`) or not every body: it has a validator and, if needed, its body.
    fn answers_conditionals(&self, skip_non_text: bool) -> bool {
        (self.complete || skip_non_text) && !self.validators.is_empty()
    }

    /// The kept response, as if fetched from `url`.
    pub fn into_response(self, url: &Url) -> Response {
        Response {
            status: self.status,
            content_type: self.content_type,
            body: self.body,
            truncated: false,
            final_url: url.clone(),
            etag: self.validators.etag,
            last_modified: self.validators.last_modified,
            no_store: false,
            body_not_read: false,
        }
    }
}

impl Cache {
    /// Open (and create) a cache folder.
    ///
    /// # Errors
    /// [`CacheError`] when the folder cannot be created.
    pub fn open(dir: &Path) -> Result<Cache, CacheError> {
        let root = dir.join(LAYOUT);
        fs::create_dir_all(&root).map_err(|source| CacheError {
            path: dir.display().to_string(),
            source,
        })?;
        Ok(Cache {
            root,
            process: std::process::id(),
            temp_serial: AtomicU64::new(0),
            written: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
        })
    }

    /// Counts of writes so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            written: self.written.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }

    /// The file of the facts index of crawls made with the analysis `setup` (see
    /// [`analysis_setup`]).
    pub fn facts_index_path(&self, setup: &str) -> PathBuf {
        self.root
            .join(format!("facts-{:016x}", fnv1a(11, setup.as_bytes())))
    }

    /// Count a write that failed outside [`Cache::store`] (the facts index).
    pub(super) fn count_write_error(&self) {
        self.write_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The file of a URL's entry.
    pub fn path_of(&self, url: &Url) -> PathBuf {
        let k = key(url);
        self.root.join(&k[..2]).join(&k)
    }

    /// The entry for `url`, if a sound one is kept (at most `max_body` bytes of body).
    pub fn load(&self, url: &Url, max_body: usize) -> Option<Entry> {
        self.read(self.open_entry(url)?, url, max_body, None)
            .map(|(entry, _)| entry)
    }

    /// The entry for `url` if it can answer a conditional request of a crawl that
    /// needs (`!skip_non_text`) or not every body.
    pub fn usable(&self, url: &Url, max_body: usize, skip_non_text: bool) -> Option<Entry> {
        self.read(self.open_entry(url)?, url, max_body, None)
            .map(|(entry, _)| entry)
            .filter(|e| e.answers_conditionals(skip_non_text))
    }

    /// The file of `url`'s entry, opened (`None` when there is none), so that its size
    /// can decide where it is read.
    pub fn open_entry(&self, url: &Url) -> Option<KeptFile> {
        let file = fs::File::open(self.path_of(url)).ok()?;
        let size = file.metadata().ok()?.len();
        Some(KeptFile { file, size })
    }

    /// [`Cache::usable`] of an entry file already opened, with the facts kept with it
    /// when they were made by the analysis `setup` (see [`analysis_setup`]).
    pub fn read_usable(
        &self,
        kept: KeptFile,
        url: &Url,
        max_body: usize,
        skip_non_text: bool,
        setup: &str,
    ) -> Option<(Entry, Option<PageFacts>)> {
        self.read(kept, url, max_body, Some(setup))
            .filter(|(e, _)| e.answers_conditionals(skip_non_text))
    }

    fn read(
        &self,
        kept: KeptFile,
        url: &Url,
        max_body: usize,
        setup: Option<&str>,
    ) -> Option<(Entry, Option<PageFacts>)> {
        // The head, the body and the facts made from it, each at most the body limit
        // (an entry with more facts than that is not read: its page is fetched again).
        let cap = (max_body as u64)
            .saturating_mul(2)
            .saturating_add(MAX_HEAD as u64 + 2);
        let size = kept.size.min(cap);
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
        kept.file
            .take(cap.saturating_add(1))
            .read_to_end(&mut bytes)
            .ok()?;
        if bytes.len() as u64 > cap {
            return None;
        }
        Entry::decode(bytes, setup)
            .filter(|(e, _)| e.url == url.as_str() && e.body.len() <= max_body)
    }

    /// Keep a freshly fetched response of `url`, with the page facts made from its body
    /// by the analysis setup `facts.0`, or forget the URL's entry when the response may
    /// not or need not be kept. Errors are counted, never raised.
    pub fn store(
        &self,
        url: &Url,
        resp: &Response,
        skip_non_text: bool,
        facts: Option<(&str, &PageFacts)>,
    ) {
        self.commit(self.prepare(url, resp, skip_non_text, facts));
    }

    /// What [`Cache::store`] would do, with the entry encoded but nothing written yet:
    /// [`Cache::commit`] does the writing (on another thread, if need be).
    pub fn prepare(
        &self,
        url: &Url,
        resp: &Response,
        skip_non_text: bool,
        facts: Option<(&str, &PageFacts)>,
    ) -> PreparedEntry {
        let path = self.path_of(url);
        // An entry is kept only under a validator; stale validators must not be sent again.
        let Some(validators) = index_validators(url, resp).filter(|v| !v.is_empty()) else {
            return PreparedEntry {
                path,
                action: Prepared::Forget,
            };
        };
        let entry = Entry {
            url: url.to_string(),
            status: resp.status,
            content_type: resp.content_type.clone(),
            validators,
            complete: !skip_non_text
                || zwgk_extract::worth_reading(url.as_str(), resp.content_type.as_deref()),
            body: resp.body.clone(),
        };
        let action = entry
            .encode(facts)
            .map_or(Prepared::Unencodable, Prepared::Write);
        PreparedEntry { path, action }
    }

    /// Write (or forget) an entry made ready by [`Cache::prepare`]. Errors are counted,
    /// never raised.
    pub fn commit(&self, entry: PreparedEntry) {
        let written = match entry.action {
            Prepared::Forget => {
                if entry.path.exists() && fs::remove_file(&entry.path).is_err() {
                    self.write_errors.fetch_add(1, Ordering::Relaxed);
                }
                return;
            }
            Prepared::Unencodable => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "unusable header value",
            )),
            Prepared::Write(bytes) => self.write_atomic(&entry.path, &bytes),
        };
        match written {
            Ok(()) => self.written.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.write_errors.fetch_add(1, Ordering::Relaxed),
        };
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no folder"))?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let serial = self.temp_serial.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}.{serial}.tmp", self.process));
        // The folder is made when the first entry of its 256 goes in, not asked for
        // before every write.
        let file = match fs::File::create(&temp) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(dir)?;
                fs::File::create(&temp)
            }
            file => file,
        };
        let result = file
            .and_then(|mut f| f.write_all(bytes))
            .and_then(|()| fs::rename(&temp, path));
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

/// Revision of the page analysis; bump it when the facts a body yields change, or the
/// shape of [`PageFacts`] (kept in postcard's encoding, which does not describe itself),
/// so that facts kept by an older build are not reused.
pub const ANALYSIS_REVISION: u32 = 6;

/// What the facts of a body depend on besides the body: the analysis code, the
/// selector probes of the rule pack and the limits.
pub fn analysis_setup(
    probes: &zwgk_core::Selectors,
    limits: &crate::analyze::AnalysisLimits,
) -> String {
    let selectors: Vec<&str> = probes.selectors().collect();
    let probes_key = fnv1a(7, selectors.join("\u{1f}").as_bytes());
    format!(
        "facts/{}/{ANALYSIS_REVISION}/{probes_key:016x}/{}/{}",
        env!("CARGO_PKG_VERSION"),
        limits.max_body,
        limits.max_depth
    )
}

/// Whether the response came from the URL asked for (no redirect).
fn not_redirected(final_url: &Url, url: &Url) -> bool {
    super::frontier::normalize(final_url.as_str()).as_ref() == Some(url)
}

/// What a fetch came to once the cache is taken into account: on `304 Not Modified`
/// for a URL with a kept entry, the kept response (the record marked not modified,
/// counted as 2xx, with no body bytes); otherwise (a 304 from elsewhere after a
/// redirect included) the response as fetched. The flag
/// tells whether the response came from the cache.
pub fn revalidated(
    url: &Url,
    resp: Response,
    entry: Option<Entry>,
    record: &mut FetchRecord,
) -> (Response, bool) {
    match entry {
        Some(entry) if not_modified(url, &resp, record) => (entry.into_response(url), true),
        _ => (resp, false),
    }
}

/// Whether `resp` is a `304 Not Modified` of `url` itself (not of a URL it was
/// redirected to), so that what was kept for `url` stands; the record is then marked
/// not modified, counted as 2xx, with no body bytes.
pub fn not_modified(url: &Url, resp: &Response, record: &mut FetchRecord) -> bool {
    let kept_stands = resp.status == 304 && not_redirected(&resp.final_url, url);
    if kept_stands {
        record.not_modified = true;
        record.class = StatusClass::Success;
        record.bytes = 0;
    }
    kept_stands
}

/// The validators under which a response of `url` (and the facts made from it) goes
/// into the facts index, when it may: a 2xx answer, not `no-store`, not cut at the body
/// limit, not redirected. They may be none (the server gave none): the page is then asked
/// again without a condition, and only its facts are kept, not its entry (see
/// [`Cache::prepare`]).
pub fn index_validators(url: &Url, resp: &Response) -> Option<Validators> {
    let keep = (200..300).contains(&resp.status)
        && !resp.no_store
        && !resp.truncated
        && not_redirected(&resp.final_url, url);
    keep.then(|| Validators {
        etag: resp.etag.clone(),
        last_modified: resp.last_modified.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(url: &Url, body: &[u8]) -> Response {
        Response {
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            body: body.to_vec(),
            truncated: false,
            final_url: url.clone(),
            etag: Some("\"v1\"".into()),
            last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
            no_store: false,
            body_not_read: false,
        }
    }

    #[test]
    fn round_trip_and_keys() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let url = Url::parse("http://a.cn/x?page=1").unwrap();
        assert!(cache.load(&url, 1 << 20).is_none());
        cache.store(
            &url,
            &resp(&url, "<title>政务</title>".as_bytes()),
            true,
            None,
        );
        let e = cache.load(&url, 1 << 20).expect("kept");
        assert_eq!(e.body, "<title>政务</title>".as_bytes());
        assert_eq!(e.validators.etag.as_deref(), Some("\"v1\""));
        assert!(e.complete);
        assert!(cache.load(&url, 3).is_none(), "over the body limit");
        assert_eq!(cache.stats().written, 1);
        let other = Url::parse("http://a.cn/x?page=2").unwrap();
        assert_ne!(key(&url), key(&other));
        assert_eq!(key(&url).len(), 32);
        // No temporary files left behind.
        let dir = cache.path_of(&url).parent().unwrap().to_path_buf();
        assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
    }

    #[test]
    fn damaged_entries_are_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let url = Url::parse("http://a.cn/").unwrap();
        cache.store(&url, &resp(&url, b"<title>t</title>"), true, None);
        let path = cache.path_of(&url);
        let good = fs::read(&path).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            good[..good.len() - 3].to_vec(), // cut short
            [&good[..], b"x"].concat(),      // too long
            good.iter()
                .map(|b| if *b == b't' { b'T' } else { *b })
                .collect(), // damaged
            Vec::new(),                      // empty
            b"zwgk-cache/0\n\n".to_vec(),    // another format
            vec![0xff; 64],                  // garbage
            good[..20].to_vec(),             // no body at all
        ];
        for (i, bad) in cases.iter().enumerate() {
            fs::write(&path, bad).unwrap();
            assert!(cache.load(&url, 1 << 20).is_none(), "case {i}");
        }
        // Another URL's entry at this key (a collision) is not used.
        fs::write(&path, &good).unwrap();
        assert!(cache.load(&url, 1 << 20).is_some());
        let text = String::from_utf8(good.clone()).unwrap();
        fs::write(&path, text.replace("url http://a.cn/", "url http://b.cn/")).unwrap();
        assert!(cache.load(&url, 1 << 20).is_none());
    }

    #[test]
    fn what_is_not_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let url = Url::parse("http://a.cn/p.html").unwrap();
        let base = resp(&url, b"x");
        let no_store = Response {
            no_store: true,
            body_not_read: false,
            ..base.clone()
        };
        let cut = Response {
            truncated: true,
            ..base.clone()
        };
        let bare = Response {
            etag: None,
            last_modified: None,
            ..base.clone()
        };
        let missing = Response {
            status: 404,
            ..base.clone()
        };
        let moved = Response {
            final_url: Url::parse("http://a.cn/q.html").unwrap(),
            ..base.clone()
        };
        for r in [no_store, cut, bare, missing, moved] {
            cache.store(&url, &base, true, None);
            assert!(cache.load(&url, 100).is_some());
            cache.store(&url, &r, true, None);
            assert!(cache.load(&url, 100).is_none(), "{r:?}");
        }
        assert!(forbids_store("private, No-Store"));
        assert!(!forbids_store("no-cache, max-age=0"));
    }

    #[test]
    fn bodies_not_read_serve_only_crawls_that_skip_them() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let url = Url::parse("http://a.cn/a.zip").unwrap();
        let zip = Response {
            content_type: Some("application/zip".into()),
            body: Vec::new(),
            ..resp(&url, b"")
        };
        cache.store(&url, &zip, true, None);
        assert!(cache.usable(&url, 100, true).is_some());
        assert!(cache.usable(&url, 100, false).is_none());
    }

    /// The entry of `url` and the facts kept with it for `setup`, as a crawl reads them.
    fn read_with_facts(
        cache: &Cache,
        url: &Url,
        setup: &str,
    ) -> Option<(Entry, Option<PageFacts>)> {
        cache.read_usable(cache.open_entry(url)?, url, 1 << 20, false, setup)
    }

    #[test]
    fn facts_are_kept_for_one_body_and_one_setup() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let url = Url::parse("http://a.cn/p.html").unwrap();
        let body = "<title>页</title>".as_bytes();
        let facts = PageFacts::from_html(url.as_str(), 200, "<title>页</title>");
        cache.store(&url, &resp(&url, body), false, Some(("s1", &facts)));
        let (entry, kept) = read_with_facts(&cache, &url, "s1").expect("kept");
        assert_eq!(
            entry.body, body,
            "the body comes back without the facts after it"
        );
        assert_eq!(kept, Some(facts.clone()));
        let (_, other) = read_with_facts(&cache, &url, "s2").expect("kept");
        assert_eq!(
            other, None,
            "other probes or limits: the body is analysed again"
        );
        assert!(cache.load(&url, 1 << 20).is_some());
        // One file a page, nothing left beside it.
        let dir = cache.path_of(&url).parent().unwrap().to_path_buf();
        assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
        // Facts of another page (a damaged or foreign file) are not used.
        let elsewhere = PageFacts::from_html("http://a.cn/q.html", 200, "<title>页</title>");
        cache.store(&url, &resp(&url, body), false, Some(("s1", &elsewhere)));
        assert_eq!(read_with_facts(&cache, &url, "s1").unwrap().1, None);
        // A cut or lengthened file is not read at all.
        cache.store(&url, &resp(&url, body), false, Some(("s1", &facts)));
        let good = fs::read(cache.path_of(&url)).unwrap();
        for damaged in [good[..good.len() - 1].to_vec(), [&good[..], b"x"].concat()] {
            fs::write(cache.path_of(&url), damaged).unwrap();
            assert!(read_with_facts(&cache, &url, "s1").is_none(), "damaged");
        }
        // Facts bytes that do not decode are dropped, the entry is still used.
        let facts_at = good.len() - postcard::to_stdvec(&facts).unwrap().len();
        let mut garbled = good.clone();
        for b in &mut garbled[facts_at..] {
            *b = 0xff;
        }
        fs::write(cache.path_of(&url), garbled).unwrap();
        let (entry, kept) = read_with_facts(&cache, &url, "s1").expect("entry kept");
        assert_eq!((entry.body.as_slice(), kept), (body, None));
        let limits = crate::analyze::AnalysisLimits::default();
        let a = analysis_setup(&zwgk_core::Selectors::none(), &limits);
        let b = analysis_setup(&zwgk_core::Selectors::new(["div.x"]).unwrap(), &limits);
        assert_ne!(a, b);
    }

    #[test]
    fn every_kind_of_fact_comes_back_from_the_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let url = Url::parse("http://a.cn/gkmlpt/content/1/1/post_1.html").unwrap();
        let html = r#"<html><head><title>标题</title><meta name="PubDate" content="2021-09-28 10:00">
<meta name="ArticleTitle" content="关于印发某办法的通知"></head><body>
<div class="position"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<h1>关于印发某办法的通知</h1><table><tr><td>索引号：</td><td>1/2021-1</td><td>发布日期：</td><td>2021-09-28</td></tr>
<tr><td>文号：</td><td>粤文旅规〔2021〕2号</td><td rowspan="2">x</td></tr></table>
<ul><li><a href="a.html">条目</a><span>2021-10-01</span></li></ul>
<p>附件：<a href="/f/a.pdf">办法.pdf</a></p></body></html>"#;
        let facts = PageFacts::from_html(url.as_str(), 200, html);
        assert!(
            facts.published.is_some() && !facts.tables.is_empty() && !facts.list_items.is_empty()
        );
        cache.store(
            &url,
            &resp(&url, html.as_bytes()),
            false,
            Some(("s1", &facts)),
        );
        assert_eq!(read_with_facts(&cache, &url, "s1").unwrap().1, Some(facts));
        let failed = PageFacts::failed(url.as_str(), "timeout");
        cache.store(
            &url,
            &resp(&url, html.as_bytes()),
            false,
            Some(("s1", &failed)),
        );
        assert_eq!(read_with_facts(&cache, &url, "s1").unwrap().1, Some(failed));
    }

    #[test]
    fn not_modified_uses_the_kept_body() {
        let url = Url::parse("http://a.cn/").unwrap();
        let entry = Entry {
            url: url.to_string(),
            status: 200,
            content_type: Some("text/html".into()),
            validators: Validators {
                etag: Some("\"e\"".into()),
                last_modified: None,
            },
            complete: true,
            body: b"kept".to_vec(),
        };
        let mut record = FetchRecord {
            url: url.to_string(),
            class: StatusClass::Redirect,
            status: Some(304),
            millis: 1,
            bytes: 0,
            tries: 1,
            truncated: false,
            not_modified: false,
            body_not_read: false,
        };
        let not_modified = Response {
            status: 304,
            body: Vec::new(),
            ..resp(&url, b"")
        };
        let (r, cached) = revalidated(&url, not_modified, Some(entry.clone()), &mut record);
        assert!(cached && record.not_modified);
        assert_eq!(record.class, StatusClass::Success);
        assert_eq!((r.status, r.body.as_slice()), (200, &b"kept"[..]));
        let mut record2 = record.clone();
        record2.not_modified = false;
        let (r, cached) = revalidated(&url, resp(&url, b"new"), Some(entry), &mut record2);
        assert!(!cached && !record2.not_modified);
        assert_eq!(r.body, b"new");
    }
}
