//! Writing what a crawl fetched as a mirror folder (`--snapshot DIR`).
//!
//! The layout is the one [`crate::FolderSource`] reads, as `wget --mirror` saves a
//! site: `DIR/<host>/<path>`, a URL ending in `/` saved as `index.html`, a query string
//! kept in the file name (`gkmlpt/api/all/2629?page=1&sid=175`). Path segments are
//! percent-decoded (`%E6%94%BF` is `政`) unless the decoded name could leave its folder
//! or be misread (`/`, `\`, `?`, control characters, `.` and `..`): then the encoded
//! form is kept. Empty segments are skipped and names longer than 200 bytes are cut
//! and given a hash, so no URL can write outside `DIR`.
//!
//! The files go to a hidden folder beside `DIR` and replace `DIR` only once the crawl
//! is over, so `DIR` always holds one whole snapshot. `DIR` is only replaced when it
//! is missing, empty or an earlier snapshot (it holds [`MARKER`]).

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use url::Url;

use super::frontier::host_key;

/// The file that marks a folder as a snapshot (hidden: a folder scan ignores it).
pub const MARKER: &str = ".zwgk-snapshot";

/// File names are at most this many bytes (well under the usual 255).
pub const MAX_NAME: usize = 200;

/// Why a snapshot cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The folder holds other things: it is not replaced.
    #[error("{0} exists and is neither empty nor an earlier snapshot; not replacing it")]
    NotASnapshot(String),
    /// A file-system error.
    #[error("cannot write the snapshot {path}: {source}")]
    Io {
        /// The path concerned.
        path: String,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a finished snapshot holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnapshotSummary {
    /// The snapshot folder.
    pub dir: PathBuf,
    /// Files written.
    pub files: u64,
    /// Pages that could not be written (a name clash between a file and a folder, a
    /// file-system error).
    pub failed: u64,
    /// The first of those errors.
    pub first_error: Option<String>,
}

/// A snapshot being written.
#[derive(Debug)]
pub struct Snapshot {
    dir: PathBuf,
    staging: PathBuf,
    files: AtomicU64,
    failed: AtomicU64,
    temp_serial: AtomicU64,
    first_error: Mutex<Option<String>>,
    done: AtomicBool,
}

/// Check that `dir` may be (re)placed by a snapshot.
///
/// # Errors
/// [`SnapshotError::NotASnapshot`] when it holds other things; `Io` when it cannot be read.
pub fn check(dir: &Path) -> Result<(), SnapshotError> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(SnapshotError::NotASnapshot(dir.display().to_string()));
    }
    let empty = fs::read_dir(dir).map_err(io_error(dir))?.next().is_none();
    if empty || dir.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(SnapshotError::NotASnapshot(dir.display().to_string()))
    }
}

/// Decode `%XX` escapes to bytes.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Cut an overlong name, keeping it distinct by a hash of the whole.
fn shorten(name: String) -> String {
    if name.len() <= MAX_NAME {
        return name;
    }
    let mut cut = MAX_NAME - 17;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = super::cache::fnv1a(0xcbf2_9ce4_8422_2325, name.as_bytes());
    format!("{}~{hash:016x}", &name[..cut])
}

/// A file or folder name for a raw (percent-encoded) path segment; `None` for an
/// empty segment.
fn segment_name(raw: &str) -> Option<String> {
    if raw.is_empty() {
        return None;
    }
    let safe = |n: &str| {
        n != "."
            && n != ".."
            && !n.is_empty()
            && !n
                .chars()
                .any(|c| c.is_control() || matches!(c, '/' | '\\' | '?'))
    };
    let name = match String::from_utf8(percent_decode(raw)) {
        Ok(decoded) if safe(&decoded) => decoded,
        _ if safe(raw) => raw.to_string(),
        _ => raw
            .replace('.', "%2E")
            .replace('/', "%2F")
            .replace('\\', "%5C")
            .replace('?', "%3F"),
    };
    Some(shorten(name))
}

/// The folder of a host: `host[:port]`.
fn host_name(url: &Url) -> Option<String> {
    let h = host_key(url);
    let ok = !h.is_empty()
        && !h.starts_with('.')
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'));
    ok.then_some(h)
}

/// Where a URL is saved, relative to the snapshot folder: `<host>/<path>`; `None` for
/// a URL that cannot be saved.
pub fn relative_path(url: &Url) -> Option<PathBuf> {
    let mut out = PathBuf::from(host_name(url)?);
    let segments: Vec<&str> = url.path_segments()?.collect();
    let (last, folders) = segments.split_last()?;
    for s in folders {
        if let Some(name) = segment_name(s) {
            out.push(name);
        }
    }
    let mut name = segment_name(last).unwrap_or_else(|| "index.html".to_string());
    if let Some(q) = url.query() {
        let q: String = q
            .chars()
            .map(|c| match c {
                '/' => "%2F".to_string(),
                '\\' => "%5C".to_string(),
                c if c.is_control() => format!("%{:02X}", u32::from(c) & 0xff),
                c => c.to_string(),
            })
            .collect();
        name = shorten(format!("{name}?{q}"));
    }
    out.push(name);
    out.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(out)
}

static STAGING_SERIAL: AtomicU64 = AtomicU64::new(0);

impl Snapshot {
    /// Start a snapshot that will replace `dir`.
    ///
    /// # Errors
    /// [`SnapshotError`] when `dir` holds other things or the files cannot be created.
    pub fn begin(dir: &Path) -> Result<Snapshot, SnapshotError> {
        check(dir)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| SnapshotError::NotASnapshot(dir.display().to_string()))?;
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let serial = STAGING_SERIAL.fetch_add(1, Ordering::Relaxed);
        let staging = parent.join(format!(".{name}.partial-{}-{serial}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_error(&staging))?;
        fs::write(staging.join(MARKER), "zwgk snapshot\n").map_err(io_error(&staging))?;
        Ok(Snapshot {
            dir: dir.to_path_buf(),
            staging,
            files: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            temp_serial: AtomicU64::new(0),
            first_error: Mutex::new(None),
            done: AtomicBool::new(false),
        })
    }

    fn fail(&self, why: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut first = self
            .first_error
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        first.get_or_insert(why);
    }

    /// Save the body of `url`. Errors are counted (see [`SnapshotSummary`]), never raised.
    pub fn write(&self, url: &Url, body: &[u8]) {
        let Some(rel) = relative_path(url) else {
            self.fail(format!("{url}: no file name for this URL"));
            return;
        };
        let path = self.staging.join(&rel);
        let Some(folder) = path.parent() else {
            return;
        };
        let serial = self.temp_serial.fetch_add(1, Ordering::Relaxed);
        let temp = folder.join(format!(".zwgk-{serial}.tmp"));
        let result = fs::create_dir_all(folder)
            .and_then(|()| fs::File::create(&temp))
            .and_then(|mut f| f.write_all(body))
            .and_then(|()| fs::rename(&temp, &path));
        match result {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                let _ = fs::remove_file(&temp);
                self.fail(format!("{url} as {}: {e}", rel.display()));
            }
        }
    }

    fn summary(&self) -> SnapshotSummary {
        SnapshotSummary {
            dir: self.dir.clone(),
            files: self.files.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            first_error: self
                .first_error
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        }
    }

    /// Put the snapshot in place of its folder (an earlier snapshot there is removed).
    ///
    /// # Errors
    /// [`SnapshotError`] when the folder now holds other things or cannot be replaced;
    /// the files written are then removed.
    pub fn finish(&self) -> Result<SnapshotSummary, SnapshotError> {
        if self.done.swap(true, Ordering::SeqCst) {
            return Ok(self.summary());
        }
        let result = self.publish();
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.staging);
        }
        result.map(|()| self.summary())
    }

    fn publish(&self) -> Result<(), SnapshotError> {
        check(&self.dir)?;
        if self.dir.exists() {
            let mut old_name = self.staging.as_os_str().to_os_string();
            old_name.push(".old");
            let old = PathBuf::from(old_name);
            fs::rename(&self.dir, &old).map_err(io_error(&self.dir))?;
            if let Err(e) = fs::rename(&self.staging, &self.dir) {
                let _ = fs::rename(&old, &self.dir);
                return Err(io_error(&self.dir)(e));
            }
            // The earlier snapshot is gone from view; failing to delete it is harmless.
            let _ = fs::remove_dir_all(&old);
            Ok(())
        } else {
            fs::rename(&self.staging, &self.dir).map_err(io_error(&self.dir))
        }
    }

    /// Drop the files written (the folder is left as it was).
    pub fn discard(&self) {
        if !self.done.swap(true, Ordering::SeqCst) {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        self.discard();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(url: &str) -> Option<String> {
        let u = Url::parse(url).unwrap();
        relative_path(&u).map(|p| p.to_string_lossy().into_owned())
    }

    #[test]
    fn layout_is_the_mirror_layout() {
        assert_eq!(rel("http://a.cn/").unwrap(), "a.cn/index.html");
        assert_eq!(rel("http://a.cn/col/").unwrap(), "a.cn/col/index.html");
        assert_eq!(rel("http://a.cn/col/p.html").unwrap(), "a.cn/col/p.html");
        assert_eq!(
            rel("http://127.0.0.1:8080/gkmlpt/api/all/2629?page=1&sid=175").unwrap(),
            "127.0.0.1:8080/gkmlpt/api/all/2629?page=1&sid=175"
        );
        assert_eq!(
            rel("http://a.cn/政务/a%20b.pdf").unwrap(),
            "a.cn/政务/a b.pdf"
        );
        assert_eq!(
            rel("http://a.cn/list/?u=/x/y").unwrap(),
            "a.cn/list/index.html?u=%2Fx%2Fy"
        );
    }

    #[test]
    fn no_url_leaves_the_folder() {
        let long = "x".repeat(300);
        let urls = [
            "http://a.cn/../../etc/passwd".to_string(),
            "http://a.cn/%2e%2e/%2E%2E/etc/passwd".to_string(),
            "http://a.cn/a/..%2f..%2f..%2fetc%2fpasswd".to_string(),
            "http://a.cn/a/%2e%2e%2f%2e%2e%2fx".to_string(),
            "http://a.cn//etc/passwd".to_string(),
            "http://a.cn///".to_string(),
            "http://a.cn/a%5c..%5c..%5cb".to_string(),
            "http://a.cn/%00/x%0a".to_string(),
            "http://a.cn/a%3fb/c".to_string(),
            format!("http://a.cn/{long}/{long}?{long}"),
            format!("http://a.cn/{}", "政".repeat(100)),
        ];
        for u in &urls {
            let p = relative_path(&Url::parse(u).unwrap()).expect(u);
            let comps: Vec<Component> = p.components().collect();
            assert!(
                comps.iter().all(|c| matches!(c, Component::Normal(_))),
                "{u} -> {}",
                p.display()
            );
            assert_eq!(comps[0], Component::Normal("a.cn".as_ref()), "{u}");
            for c in &comps {
                let name = c.as_os_str().to_string_lossy();
                assert!(name.len() <= MAX_NAME, "{u}: {name}");
                assert!(name != ".." && name != "." && !name.contains('/'), "{u}");
            }
        }
        assert_eq!(rel("http://a.cn//etc/passwd").unwrap(), "a.cn/etc/passwd");
        let a = rel(&format!("http://a.cn/{long}a")).unwrap();
        let b = rel(&format!("http://a.cn/{long}b")).unwrap();
        assert_ne!(a, b, "cut names stay distinct");
    }

    #[test]
    fn written_then_published_and_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("snap");
        let u = |s: &str| Url::parse(s).unwrap();
        let s = Snapshot::begin(&dir).unwrap();
        s.write(&u("http://a.cn/"), b"home");
        s.write(&u("http://a.cn/x/../../../../y.html"), b"y");
        s.write(&u("http://a.cn/p"), b"file p");
        s.write(
            &u("http://a.cn/p/q.html"),
            b"under p: clashes with the file p",
        );
        assert!(!dir.exists(), "nothing in place before the end");
        let sum = s.finish().unwrap();
        assert_eq!((sum.files, sum.failed), (3, 1));
        assert!(sum.first_error.is_some());
        assert_eq!(fs::read(dir.join("a.cn/index.html")).unwrap(), b"home");
        assert_eq!(fs::read(dir.join("a.cn/y.html")).unwrap(), b"y");
        // A second snapshot replaces the first whole.
        let s = Snapshot::begin(&dir).unwrap();
        s.write(&u("http://a.cn/new.html"), b"n");
        s.finish().unwrap();
        assert!(dir.join("a.cn/new.html").is_file());
        assert!(!dir.join("a.cn/index.html").exists());
        // Nothing left beside it.
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["snap"]);
        // A discarded snapshot leaves the folder as it was.
        let s = Snapshot::begin(&dir).unwrap();
        s.write(&u("http://a.cn/other.html"), b"o");
        drop(s);
        assert!(dir.join("a.cn/new.html").is_file());
        assert!(!dir.join("a.cn/other.html").exists());
    }

    #[test]
    fn other_folders_are_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), b"keep").unwrap();
        assert!(matches!(
            Snapshot::begin(tmp.path()),
            Err(SnapshotError::NotASnapshot(_))
        ));
        assert!(check(&tmp.path().join("precious.txt")).is_err());
        assert!(check(&tmp.path().join("absent")).is_ok());
        assert_eq!(fs::read(tmp.path().join("precious.txt")).unwrap(), b"keep");
    }
}
