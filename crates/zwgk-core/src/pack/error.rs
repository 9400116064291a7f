//! Errors of rule-pack loading: each names the file, line, column and rule id.

use std::fmt;

/// What is wrong with a pack file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackErrorKind {
    /// The file is not valid TOML.
    #[error("TOML syntax: {0}")]
    Syntax(String),
    /// A key the format does not know, or a value of the wrong type or form.
    #[error("{0}")]
    Schema(String),
    /// A regular expression that does not compile or can never match normalised text.
    #[error("invalid regex `{pattern}`: {reason}")]
    InvalidRegex {
        /// The pattern as written.
        pattern: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A CSS selector that does not parse.
    #[error("invalid CSS selector `{selector}`: {reason}")]
    InvalidSelector {
        /// The selector as written.
        selector: String,
        /// The parser's message.
        reason: String,
    },
    /// A rule id used twice.
    #[error("duplicate rule id `{id}` (first defined in {first})")]
    DuplicateId {
        /// The id.
        id: String,
        /// `file:line` of the first definition.
        first: String,
    },
    /// A task number that the plan does not have.
    #[error("task {task} is not in the plan (tasks are {range})")]
    UnknownTask {
        /// The number given.
        task: u32,
        /// The plan's numbers, e.g. `1–32`.
        range: String,
    },
    /// A value that is well-typed but not allowed (a field that does not apply to a check kind, …).
    #[error("{0}")]
    Invalid(String),
    /// The pack has no `pack.toml` or it cannot be read.
    #[error("{0}")]
    Missing(String),
}

/// One error of a pack, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// The file, as named to the loader.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// The rule the error belongs to, when known.
    pub rule_id: Option<String>,
    /// What is wrong.
    pub kind: PackErrorKind,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(id) = &self.rule_id {
            write!(f, "rule `{id}`: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for PackError {}

/// All errors found in a pack (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in rule pack:\n{}", .0.len(), display_list(.0))]
pub struct PackErrors(pub Vec<PackError>);

fn display_list(errors: &[PackError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An error at a place in a source file (evidence files, rule-test files).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct SourceError {
    /// File name as given.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl SourceError {
    /// An error at a byte span of `file` (or at no known place).
    pub fn at(
        file: &super::SourceFile,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = span
            .map(|s| line_col(&file.text, s.start))
            .unwrap_or((0, 0));
        SourceError {
            file: file.name.clone(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// The one-line reason of a regex compile error, as error messages quote it.
pub(crate) fn regex_reason(e: &regex::Error) -> String {
    e.to_string()
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

/// Line and column (1-based, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\n名 = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        // after '名' (3 bytes) and ' '
        assert_eq!(line_col(t, 10), (2, 3));
        assert_eq!(line_col(t, 999), (3, 1));
    }
}
