//! # zwgk-report
//!
//! Renders a [`zwgk_core::Report`]: one module per format behind the
//! [`Renderer`] trait, and [`write_atomic`] so a report file is never left half written.
//!
//! | format | module | for |
//! | --- | --- | --- |
//! | `json` | [`json`] | tools; the versioned schema in `SCHEMA.md` |
//! | `markdown` | [`markdown`] | CI job summaries and people |
//! | `html` | [`html`] | people: one self-contained page with filters and charts |
#![warn(missing_docs)]

pub mod escape;
pub mod html;
pub mod json;
pub mod markdown;

use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use zwgk_core::Report;

/// Errors of rendering and writing reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing failed.
    #[error("cannot write report to {path}: {source}")]
    Io {
        /// The destination.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Serialisation failed.
    #[error("cannot serialise report: {0}")]
    Serialize(#[from] serde_json::Error),
    /// An unknown format name.
    #[error("unknown report format `{0}` (known: json, markdown, html)")]
    UnknownFormat(String),
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, schema version [`zwgk_core::report::SCHEMA_VERSION`].
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A self-contained HTML page.
    Html,
}

impl FromStr for Format {
    type Err = ReportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            other => Err(ReportError::UnknownFormat(other.to_string())),
        }
    }
}

impl Format {
    /// The renderer of this format.
    pub fn renderer(self) -> &'static dyn Renderer {
        match self {
            Format::Json => &json::Json,
            Format::Markdown => &markdown::Markdown,
            Format::Html => &html::PLAIN,
        }
    }

    /// The usual file ending.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

/// A report format's writer.
///
/// ```
/// use zwgk_report::Format;
///
/// let format: Format = "markdown".parse().unwrap();
/// assert_eq!(format.extension(), "md");
/// assert!("pdf".parse::<Format>().is_err());
/// ```
pub trait Renderer: Sync {
    /// Write the report to `out`.
    ///
    /// # Errors
    /// When writing or serialising fails.
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError>;

    /// Render to bytes.
    ///
    /// # Errors
    /// When serialising fails.
    fn render_to_vec(&self, report: &Report) -> Result<Vec<u8>, ReportError> {
        let mut buf = Vec::new();
        self.render(report, &mut buf)?;
        Ok(buf)
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
///
/// # Errors
/// When the folder cannot be written or the rename fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".zwgk-report-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod sample;
