//! Exit codes of every command.

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// No rule failed, or none that `--fail-on` counts (or the command succeeded).
    Ok = 0,
    /// At least one rule failed (with `--fail-on new`: one absent from the previous scan).
    Failures = 1,
    /// Bad arguments, rule files, evidence files, baseline or history database.
    BadInput = 2,
    /// The target could not be scanned at all.
    Unscannable = 3,
}

/// The text of `--help` that documents the exit codes.
pub const HELP: &str = "Exit codes:
  0  no rule failed, or none that --fail-on counts (lint: the pack is clean;
     history, diff: shown)
  1  at least one rule failed (--fail-on new: a failure that the previous scan
     in --history, or --baseline, did not have)
  2  bad arguments, rule files, evidence files, baseline report or history
     database (missing, damaged, unknown scan id)
  3  the target could not be scanned at all";

/// The exit codes of `zwgk probe`.
pub const PROBE_HELP: &str = "Exit codes:
  0  every probe loaded the page below the slow limit
  1  at least one probe failed (no answer, status 400 or above) or was slow
  2  bad arguments or history database (or a probe could not be recorded)

Example (cron, every 5 minutes for a day, 288 probes):
  zwgk probe http://whly.gd.gov.cn/ --every 5m --for 24h --history zwgk.sqlite";
