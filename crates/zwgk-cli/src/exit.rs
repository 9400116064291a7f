//! Exit codes of every command.

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// No rule failed (or the command succeeded).
    Ok = 0,
    /// At least one rule failed.
    Failures = 1,
    /// Bad arguments, rule files or evidence files.
    BadInput = 2,
    /// The target could not be scanned at all.
    Unscannable = 3,
}

/// The text of `--help` that documents the exit codes.
pub const HELP: &str = "Exit codes:
  0  no rule failed (lint: the pack is clean)
  1  at least one rule failed
  2  bad arguments, rule files or evidence files
  3  the target could not be scanned at all";
