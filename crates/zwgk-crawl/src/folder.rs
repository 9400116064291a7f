//! A local mirror folder as a page source.
//!
//! Layout as `wget --mirror http://host/` saves a site: `host/path/to/page.html`
//! is `http://host/path/to/page.html`; a folder URL is saved as `index.html`; a
//! query string stays in the file name (`api/all/2629?page=1&sid=175`).
//!
//! The host is the folder's name when it looks like one (`whly.gd.gov.cn`), or
//! the name of its only sub-folder; otherwise give a base URL.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use url::Url;
use zwgk_core::page::FactsInterner;
use zwgk_core::{PageFacts, Selectors};

use crate::analyze::{analyze, AnalysisLimits};
use crate::{PageSource, TargetError};

/// How deep a mirror's folders may nest before the rest is ignored.
const MAX_DEPTH: usize = 64;

/// Reads a mirror folder.
///
/// ```
/// use zwgk_crawl::{FolderSource, PageSource};
/// use zwgk_core::Selectors;
///
/// let dir = tempfile::tempdir()?;
/// let host = dir.path().join("whly.gd.gov.cn");
/// std::fs::create_dir_all(host.join("tonglan"))?;
/// std::fs::write(host.join("index.html"), r#"<a href="/tonglan/">中部通栏</a>"#)?;
/// std::fs::write(host.join("tonglan/index.html"), "<title>中部通栏</title>")?;
/// let source = FolderSource::open(dir.path(), None)?;
/// let site = source.site(&Selectors::none())?;
/// assert_eq!(site.page("http://whly.gd.gov.cn/tonglan/").unwrap().title, "中部通栏");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FolderSource {
    root: PathBuf,
    base: Url,
    limits: AnalysisLimits,
}

/// Whether a folder name looks like a host name (`whly.gd.gov.cn`, `localhost:8080`).
fn looks_like_host(name: &str) -> bool {
    name.contains('.')
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !name.ends_with(".html")
        && !name.ends_with(".htm")
}

impl FolderSource {
    /// Open a mirror folder. With `base_url` the folder's files map under it;
    /// without, the host is taken from the folder's name (or its only sub-folder's).
    ///
    /// # Errors
    /// The folder does not exist or is not a folder, or no host can be inferred.
    pub fn open(dir: &Path, base_url: Option<&str>) -> Result<Self, TargetError> {
        if !dir.is_dir() {
            return Err(TargetError::NotFound(dir.display().to_string()));
        }
        if let Some(base) = base_url {
            let mut base = Url::parse(base)
                .map_err(|e| TargetError::Target(format!("invalid base URL `{base}`: {e}")))?;
            if !base.path().ends_with('/') {
                let p = format!("{}/", base.path());
                base.set_path(&p);
            }
            return Ok(FolderSource {
                root: dir.to_path_buf(),
                base,
                limits: AnalysisLimits::default(),
            });
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let (root, host) = if looks_like_host(&name) {
            (dir.to_path_buf(), name)
        } else {
            let entries: Vec<fs::DirEntry> = fs::read_dir(dir)
                .map_err(|source| TargetError::Io {
                    path: dir.display().to_string(),
                    source,
                })?
                .filter_map(Result::ok)
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .collect();
            let hosts: Vec<&fs::DirEntry> = entries
                .iter()
                .filter(|e| e.path().is_dir() && looks_like_host(&e.file_name().to_string_lossy()))
                .collect();
            match hosts.as_slice() {
                [only] => (only.path(), only.file_name().to_string_lossy().into_owned()),
                _ => {
                    return Err(TargetError::Target(format!(
                        "cannot tell the site's host from `{}`: name the host folder (as wget saves it, e.g. whly.gd.gov.cn/) or give --base-url",
                        dir.display()
                    )))
                }
            }
        };
        let base = Url::parse(&format!("http://{host}/"))
            .map_err(|e| TargetError::Target(format!("folder name `{host}` is not a host: {e}")))?;
        Ok(FolderSource {
            root,
            base,
            limits: AnalysisLimits::default(),
        })
    }

    /// The base URL the files map under.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The folder that maps to the base URL.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The URL of a file below the root.
    pub fn url_of(&self, file: &Path) -> Option<String> {
        let rel = file.strip_prefix(&self.root).ok()?;
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let last = parts.pop()?;
        let (name, query) = match last.split_once('?') {
            Some((n, q)) => (n.to_string(), Some(q.to_string())),
            None => (last, None),
        };
        parts.push(name);
        let mut url = self.base.clone();
        {
            let mut segs = url.path_segments_mut().ok()?;
            segs.pop_if_empty();
            for p in &parts {
                segs.push(p);
            }
        }
        url.set_query(query.as_deref());
        Some(url.to_string())
    }

    fn files(&self) -> Result<Vec<PathBuf>, TargetError> {
        let mut out = Vec::new();
        let mut stack = vec![(self.root.clone(), 0usize)];
        while let Some((dir, depth)) = stack.pop() {
            let entries = fs::read_dir(&dir).map_err(|source| TargetError::Io {
                path: dir.display().to_string(),
                source,
            })?;
            for entry in entries.filter_map(Result::ok) {
                let Ok(ft) = entry.file_type() else { continue };
                if ft.is_symlink() {
                    continue; // never follow links out of the mirror
                }
                if ft.is_dir() {
                    if depth + 1 < MAX_DEPTH {
                        stack.push((entry.path(), depth + 1));
                    }
                } else if ft.is_file() {
                    out.push(entry.path());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn read(&self, path: &Path, url: &str, probes: &Selectors) -> PageFacts {
        let mut bytes = Vec::new();
        let read = fs::File::open(path)
            .and_then(|f| f.take(self.limits.max_body as u64).read_to_end(&mut bytes));
        match read {
            Ok(_) => analyze(url, 200, None, &bytes, probes, &self.limits),
            Err(e) => PageFacts::failed(url, format!("cannot read {}: {e}", path.display())),
        }
    }
}

/// Whether a missing link target would have been saved by a mirror had it existed
/// (a static page or a document), so its absence means a broken link.
fn mirror_would_hold(url: &Url) -> bool {
    if url.query().is_some() {
        return false;
    }
    let path = url.path().to_ascii_lowercase();
    path.ends_with('/')
        || path.ends_with(".html")
        || path.ends_with(".htm")
        || path.ends_with(".shtml")
        || zwgk_core::page::attachment_extension(&path).is_some()
}

impl PageSource for FolderSource {
    fn target(&self) -> String {
        self.root.display().to_string()
    }

    fn pages(&self, probes: &Selectors) -> Result<Vec<PageFacts>, TargetError> {
        let files = self.files()?;
        if files.is_empty() {
            return Err(TargetError::Target(format!(
                "`{}` holds no files",
                self.root.display()
            )));
        }
        // Links are interned as pages are read, so a large mirror's repeated
        // navigation is kept once while the rest is still being analysed.
        let interner = Mutex::new(FactsInterner::default());
        let mut pages: Vec<PageFacts> = files
            .par_iter()
            .filter_map(|f| self.url_of(f).map(|u| (f, u)))
            .map(|(f, url)| {
                let mut page = self.read(f, &url, probes);
                interner
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .intern(&mut page);
                page
            })
            .collect();
        // Same-host link targets that a mirror would hold but does not: broken links.
        let known: BTreeSet<String> = pages.iter().map(|p| p.url.clone()).collect();
        let mut missing = BTreeSet::new();
        for page in &pages {
            for link in &page.links {
                let Ok(u) = Url::parse(&link.url) else {
                    continue;
                };
                if u.host_str() != self.base.host_str() || known.contains(&link.url) {
                    continue;
                }
                if link.url.ends_with('/') && known.contains(&format!("{}index.html", link.url)) {
                    continue;
                }
                if mirror_would_hold(&u) {
                    missing.insert(link.url.clone());
                }
            }
        }
        pages.extend(
            missing
                .into_iter()
                .map(|u| PageFacts::other(u, 404, "text/html")),
        );
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    #[test]
    fn maps_files_to_urls_and_finds_broken_links() {
        let tmp = tempfile::tempdir().unwrap();
        let host = tmp.path().join("whly.gd.gov.cn");
        write(&host, "index.html", "<title>首页</title><a href=\"/col/\">栏目</a><a href=\"/gone.html\">失效</a><a href=\"/search?q=1\">搜索</a>".as_bytes());
        write(&host, "col/index.html", b"<title>col</title>");
        write(&host, "gkmlpt/api/all/2629?page=1&sid=175", br#"{"articles":[{"title":"t","url":"/gkmlpt/content/3/3764/post_3764082.html","date":"2022-01-13"}]}"#);
        let gbk = encoding_rs::GBK
            .encode("<meta charset=\"gbk\"><title>旧页面</title>")
            .0
            .into_owned();
        write(&host, "gd_zww/old.htm", &gbk);
        write(&host, "attachment/1.pdf", b"%PDF-1.4");
        let src = FolderSource::open(tmp.path(), None).unwrap();
        assert_eq!(src.base().as_str(), "http://whly.gd.gov.cn/");
        let site = src.site(&Selectors::none()).unwrap();
        let api = site
            .page("http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=175")
            .expect("query kept in URL");
        assert_eq!(api.list_items.len(), 1);
        assert_eq!(
            site.page("http://whly.gd.gov.cn/gd_zww/old.htm")
                .unwrap()
                .title,
            "旧页面"
        );
        assert_eq!(
            site.page("http://whly.gd.gov.cn/gone.html")
                .unwrap()
                .status(),
            Some(404)
        );
        assert!(
            site.page("http://whly.gd.gov.cn/search?q=1").is_none(),
            "dynamic URLs are not called broken"
        );
        assert!(site.page("http://whly.gd.gov.cn/col/").unwrap().is_ok());
        assert_eq!(
            site.page("http://whly.gd.gov.cn/attachment/1.pdf")
                .unwrap()
                .content_type,
            "application/pdf"
        );
    }

    #[test]
    fn errors() {
        assert!(matches!(
            FolderSource::open(Path::new("/nonexistent/zwgk"), None),
            Err(TargetError::NotFound(_))
        ));
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("a.gov.cn")).unwrap();
        fs::create_dir(tmp.path().join("b.gov.cn")).unwrap();
        assert!(matches!(
            FolderSource::open(tmp.path(), None),
            Err(TargetError::Target(_))
        ));
        let src = FolderSource::open(tmp.path(), Some("http://example.gov.cn")).unwrap();
        assert!(matches!(
            src.pages(&Selectors::none()),
            Err(TargetError::Target(_))
        ));
    }
}
