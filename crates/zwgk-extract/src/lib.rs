//! Text and tables of the attachments that disclosure pages link to.
//!
//! Budgets, final accounts and annual reports are often published as PDF, DOCX or
//! XLS/XLSX files rather than as page text. [`detect()`] tells what a download is (a
//! [`BodyKind`]: a page, JSON, a document, anything else; [`kind`] is the one place that
//! decides it, for every reader of bodies), and [`extract`] turns a document into plain
//! text (and table grids) that rules can read like page text. Every input is untrusted: hostile,
//! truncated or random bytes give an [`ExtractError`] or partial text within
//! [`DocumentLimits`], never a panic or a hang.
//!
//! ```
//! use zwgk_extract::{detect, extract, BodyKind, DocumentLimits};
//!
//! let bytes = b"%PDF-1.4 truncated";
//! let kind = detect("http://example.invalid/a/b.pdf", Some("application/pdf"), bytes);
//! assert_eq!(kind, BodyKind::Pdf);
//! assert!(extract(kind, bytes, &DocumentLimits::default()).is_err());
//! ```

#![warn(missing_docs)]

mod cid_collection;
mod cmap;
mod docx;
mod font_program;
pub mod kind;
mod ole;
mod pdf;
mod sfnt;
mod sheet;
mod simple_encoding;
mod sink;

use std::panic::{catch_unwind, AssertUnwindSafe};

pub use kind::{detect, media_type_of, worth_reading, BodyKind};

/// Text of a document: paragraphs/lines separated by '\n'; for spreadsheets one line per
/// row, cells separated by '\t' (and table grids also returned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The kind that was extracted.
    pub kind: BodyKind,
    /// The text: paragraphs or lines separated by `'\n'`; table rows as lines of
    /// `'\t'`-separated cells. Spreadsheet sheets are separated by a blank line.
    pub text: String,
    /// Table grids: table → row → cell text. DOCX tables (`w:tbl`) and every non-empty
    /// spreadsheet sheet; PDF gives none.
    pub tables: Vec<Vec<Vec<String>>>,
    /// Whether a limit cut the document: the text is a prefix of the whole.
    pub truncated: bool,
}

/// Bounds on the work done for one document (its size, text, pages and what it
/// decompresses to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentLimits {
    /// Largest input accepted, in bytes (default 20 MB); larger is [`ExtractError::TooLarge`].
    pub max_bytes: usize,
    /// Most characters of text returned (default 2,000,000); past it the text is cut and
    /// [`Extracted::truncated`] is set.
    pub max_text_chars: usize,
    /// Most PDF pages read (default 500); later pages are skipped and the result is truncated.
    pub max_pages: usize,
    /// Most bytes decompressed in total (default 100 MB): DOCX/XLSX zip members, and PDF
    /// content and font streams. Zip bombs are cut there.
    pub max_unzipped: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        DocumentLimits {
            max_bytes: 20 * 1024 * 1024,
            max_text_chars: 2_000_000,
            max_pages: 500,
            max_unzipped: 100 * 1024 * 1024,
        }
    }
}

/// Why a document gave no text.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The kind is known but its text is not read by this crate (legacy `.doc`, `.wps`,
    /// `.ofd`, pages and other files: see [`BodyKind::has_text`]).
    #[error("{0} documents are not supported")]
    Unsupported(BodyKind),
    /// The bytes are not a readable document of that kind.
    #[error("malformed {kind} document: {reason}")]
    Malformed {
        /// The kind the bytes were read as.
        kind: BodyKind,
        /// What went wrong.
        reason: String,
    },
    /// The document is encrypted and cannot be opened without a password.
    #[error("the document is encrypted")]
    Encrypted,
    /// The input, or what it decompresses to, is larger than the limits allow.
    #[error("the document is larger than the limits allow")]
    TooLarge,
}

/// Extract the text (and tables) of a document of the given kind.
///
/// Errors: [`ExtractError::TooLarge`] when `bytes` exceed [`DocumentLimits::max_bytes`]
/// (or an XLSX decompresses past [`DocumentLimits::max_unzipped`]),
/// [`ExtractError::Unsupported`] for the kinds without [`BodyKind::has_text`] (`Html`,
/// `Json`, `Doc`, `Wps`, `Ofd`, `Other`), [`ExtractError::Encrypted`] for a PDF that needs a password,
/// and [`ExtractError::Malformed`] for bytes that do not read as that kind. Other limits cut
/// the text and set [`Extracted::truncated`].
pub fn extract(
    kind: BodyKind,
    bytes: &[u8],
    limits: &DocumentLimits,
) -> Result<Extracted, ExtractError> {
    if bytes.len() > limits.max_bytes {
        return Err(ExtractError::TooLarge);
    }
    let run = || match kind {
        BodyKind::Pdf => pdf::extract(bytes, limits),
        BodyKind::Docx => docx::extract(bytes, limits),
        BodyKind::Xlsx => sheet::extract_xlsx(bytes, limits),
        BodyKind::Xls => sheet::extract_xls(bytes, limits),
        BodyKind::Html
        | BodyKind::Json
        | BodyKind::Doc
        | BodyKind::Wps
        | BodyKind::Ofd
        | BodyKind::Other => Err(ExtractError::Unsupported(kind)),
    };
    // Last resort against panics in third-party parsers on hostile input.
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_string());
            Err(ExtractError::Malformed {
                kind,
                reason: format!("the parser gave up: {what}"),
            })
        }
    }
}

pub(crate) fn malformed(kind: BodyKind, reason: impl std::fmt::Display) -> ExtractError {
    ExtractError::Malformed {
        kind,
        reason: reason.to_string(),
    }
}
