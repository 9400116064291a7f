//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Check a government portal against its 政务公开 (government-affairs disclosure) task plan.
#[derive(Debug, Parser)]
#[command(name = "zwgk", version, about, after_help = crate::exit::HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a portal (a mirror folder) against a rule pack and write a report.
    #[command(after_help = crate::exit::HELP)]
    Scan(ScanArgs),
    /// Work with rule packs: lint, import a plan.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The portal: a mirror folder as `wget --mirror` saves it (e.g. fixtures/portals/mini-2021).
    pub target: String,
    /// The rule pack folder (holding pack.toml).
    #[arg(long, value_name = "PACK")]
    pub rules: PathBuf,
    /// Evaluate as of this date (YYYY-MM-DD); default: today in China Standard Time.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Evidence records for organisational tasks (TOML, `[[evidence]]` entries).
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
    /// Report format: json or markdown (default: from the --output ending, else markdown).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Write the report here (atomically) instead of to standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// For a mirror folder whose name is not the host: the URL its files map under.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print nothing but errors on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule pack strictly; every error with file:line:column and rule id.
    #[command(after_help = crate::exit::HELP)]
    Lint(LintArgs),
    /// Turn a plan's task table into pack.toml and one rule-file skeleton per task.
    Import(ImportArgs),
    /// Run the pack's rule tests (PACK/tests/*.toml): expected against actual outcome per case.
    #[command(
        after_help = "Exit codes:\n  0  every case gave its expected outcome\n  1  at least one case did not\n  2  bad pack or test files"
    )]
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The rule pack folder.
    pub pack: PathBuf,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The rule pack folder.
    pub pack: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The plan's task table as text (e.g. seeds/gd-whly-2021-zwgk-tasks.txt).
    pub seed: PathBuf,
    /// The pack folder to write (created if needed; existing files are never overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Pack id (default: the output folder's name).
    #[arg(long)]
    pub id: Option<String>,
    /// The department the plan belongs to.
    #[arg(long)]
    pub department: Option<String>,
}
