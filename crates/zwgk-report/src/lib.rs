//! # zwgk-report
//!
//! Renders a [`zwgk_core::Report`]: one module per format behind the
//! [`Renderer`] trait, and [`write_atomic`] so a report file is never left half written.
//!
//! | format | module | for |
//! | --- | --- | --- |
//! | `json` | [`json`] | tools; the versioned schema in `SCHEMA.md` |
//! | `markdown` (`md`) | [`markdown`] | CI job summaries and people |
//! | `html` (`htm`) | [`html`] | people: one self-contained page with filters and charts |
//! | `junit` (`junit-xml`, `xml`) | [`junit`] | CI test-result views: a suite per task, a test case per rule |
//! | `sarif` | [`sarif`] | code-scanning views: SARIF 2.1.0, a result per rule pointing at its rule file |
//! | `csv` | [`ledger::csv`] | the 台账 ledger, a row per task and division, for Excel (UTF-8 with BOM) |
//! | `xlsx` | [`ledger::xlsx`] | the same ledger as a workbook: all rows, then a sheet per division |
#![warn(missing_docs)]

pub mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub mod ledger;
pub mod markdown;
pub mod sarif;

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
    #[error("unknown report format `{0}` (known: json, markdown, html, junit, sarif, csv, xlsx)")]
    UnknownFormat(String),
    /// Building the XLSX workbook failed.
    #[error("cannot build the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
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
    /// JUnit XML.
    Junit,
    /// SARIF 2.1.0 (JSON).
    Sarif,
    /// The 台账 ledger as CSV.
    Csv,
    /// The 台账 ledger as an XLSX workbook.
    Xlsx,
}

impl FromStr for Format {
    type Err = ReportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            "junit" | "junit-xml" | "xml" => Ok(Format::Junit),
            "sarif" => Ok(Format::Sarif),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(ReportError::UnknownFormat(other.to_string())),
        }
    }
}

impl Format {
    /// Every format, in the order of the table in the crate docs.
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Markdown,
        Format::Html,
        Format::Junit,
        Format::Sarif,
        Format::Csv,
        Format::Xlsx,
    ];

    /// The format's name, as accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// Whether the output is text (UTF-8); only `xlsx` is binary.
    pub fn is_text(self) -> bool {
        self != Format::Xlsx
    }

    /// The renderer of this format.
    pub fn renderer(self) -> &'static dyn Renderer {
        match self {
            Format::Json => &json::Json,
            Format::Markdown => &markdown::Markdown,
            Format::Html => &html::PLAIN,
            Format::Junit => &junit::Junit,
            Format::Sarif => &sarif::Sarif,
            Format::Csv => &ledger::csv::Csv,
            Format::Xlsx => &ledger::xlsx::Xlsx,
        }
    }

    /// The usual file ending (without the leading dot; `junit.xml` for JUnit).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Junit => "junit.xml",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
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
/// assert_eq!("junit".parse::<Format>().unwrap().extension(), "junit.xml");
/// assert_eq!("XLSX".parse::<Format>().unwrap(), Format::Xlsx);
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

/// The machine name of a severity (`high`, `medium`, `low`), as in the JSON report.
pub(crate) fn severity_str(s: zwgk_core::rule::Severity) -> &'static str {
    use zwgk_core::rule::Severity;
    match s {
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
#[path = "../tests/support/schemas.rs"]
pub(crate) mod schemas;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_parses_by_name_and_ending_and_renders() {
        let report = sample::sample_full();
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
            let last = f.extension().rsplit('.').next().unwrap();
            assert_eq!(last.parse::<Format>().unwrap(), f, "{last}");
            let bytes = f.renderer().render_to_vec(&report).unwrap();
            assert!(!bytes.is_empty());
            if f.is_text() {
                assert!(std::str::from_utf8(&bytes).is_ok(), "{}", f.name());
            }
        }
        let err = "pdf".parse::<Format>().unwrap_err().to_string();
        for f in Format::ALL {
            assert!(err.contains(f.name()), "{err}");
        }
    }
}
