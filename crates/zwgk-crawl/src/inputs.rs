//! Reading the scan's inputs from disk: rule-pack folders and evidence files.
//!
//! The core does no I/O; these helpers read the files and hand their names and
//! texts to [`zwgk_core::RulePack::load`] and [`zwgk_core::EvidenceSet::parse`].

use std::fs;
use std::path::{Path, PathBuf};

use zwgk_core::pack::PACK_FILE;
use zwgk_core::{EvidenceError, EvidenceSet, PackErrors, RulePack, SourceFile};

/// Why inputs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The rule pack has errors.
    #[error(transparent)]
    Pack(#[from] PackErrors),
    /// The evidence file is malformed.
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    /// A file is not UTF-8 text.
    #[error("{0} is not UTF-8 text")]
    NotText(String),
}

fn read_text(path: &Path) -> Result<SourceFile, InputError> {
    let bytes = fs::read(path).map_err(|source| InputError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let text =
        String::from_utf8(bytes).map_err(|_| InputError::NotText(path.display().to_string()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// The rule files of a pack folder: every `*.toml` directly in it except `pack.toml`, sorted.
///
/// # Errors
/// When the folder cannot be read.
pub fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|source| InputError::Io {
            path: dir.display().to_string(),
            source,
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|e| e == "toml")
                && p.file_name().is_some_and(|n| n != PACK_FILE)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Load a rule pack folder (`pack.toml` and its rule files).
///
/// # Errors
/// [`InputError::Io`] when files cannot be read; [`InputError::Pack`] with every error of the pack.
pub fn load_pack(dir: &Path) -> Result<RulePack, InputError> {
    let pack_path = dir.join(PACK_FILE);
    if !pack_path.is_file() {
        return Err(InputError::Io {
            path: pack_path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "a rule pack folder needs a pack.toml",
            ),
        });
    }
    let pack = read_text(&pack_path)?;
    let rules = rule_files(dir)?
        .iter()
        .map(|p| read_text(p))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RulePack::load(&pack, &rules)?)
}

/// Load an evidence file.
///
/// # Errors
/// When it cannot be read or is malformed (file:line:col).
pub fn load_evidence(path: &Path) -> Result<EvidenceSet, InputError> {
    Ok(EvidenceSet::parse(&read_text(path)?)?)
}
