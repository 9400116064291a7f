//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check a government portal against its 政务公开 (government-affairs disclosure) task plan.
#[derive(Debug, Parser)]
#[command(name = "zwgk", version, about, after_help = crate::exit::HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a portal (a live URL or a mirror folder) against a rule pack and write a report.
    #[command(after_help = crate::exit::HELP)]
    Scan(ScanArgs),
    /// List the scans recorded in a history database (`zwgk scan … --history FILE`).
    #[command(after_help = crate::exit::HELP)]
    History(HistoryArgs),
    /// Compare two recorded scans: newly failing, fixed and changed rules.
    #[command(after_help = crate::exit::HELP)]
    Diff(DiffArgs),
    /// Probe a URL (a site's home page) on a schedule, timing each load, and record the
    /// probes in a history database: the evidence of site availability.
    #[command(after_help = crate::exit::PROBE_HELP)]
    Probe(ProbeArgs),
    /// Work with rule packs: lint, import a plan.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The portal: an http(s) URL to crawl (e.g. `http://whly.gd.gov.cn/`), or a mirror
    /// folder as `wget --mirror` saves it (e.g. fixtures/portals/mini-2021).
    pub target: String,
    /// The rule pack folder (holding pack.toml). Give it several times to evaluate
    /// several packs on one crawl (e.g. `--rules rules/gd-whly-2021 --rules
    /// rules/gov-website-2019`): one report per pack, files named by pack id.
    #[arg(long, value_name = "PACK", required = true)]
    pub rules: Vec<PathBuf>,
    /// Evaluate as of this date (YYYY-MM-DD); default: today in China Standard Time.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Evidence records for organisational tasks (TOML, `[[evidence]]` entries).
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
    /// Report format: json, markdown, html, junit, sarif, csv or xlsx (default: from the
    /// --output ending, else markdown);
    /// several separated by commas with --output-dir (e.g. json,markdown).
    #[arg(long, value_name = "FORMAT[,FORMAT…]")]
    pub format: Option<String>,
    /// Write the report here (atomically) instead of to standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Write one report per --format into this folder (created if needed), as
    /// report.json, report.md, …; without --format: json and markdown.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
    /// Record the scan in this history database (SQLite, created if needed) once the
    /// report is written.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Which failures make the exit code 1: any; new (failures absent from the previous
    /// scan of the same target and pack in --history, or from --baseline); none.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = FailOn::Any)]
    pub fail_on: FailOn,
    /// For --fail-on new: compare with this earlier JSON report instead of the history.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// For a mirror folder whose name is not the host: the URL its files map under.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print nothing but errors on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Log why URLs were skipped (robots.txt, trap guard, depth and page limits, body
    /// types), one line each on standard error; RUST_LOG (e.g. `zwgk_crawl=trace`) chooses
    /// other events.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub crawl: Box<CrawlArgs>,
}

/// Which failures make `zwgk scan` exit with code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any failing rule.
    Any,
    /// Only failures that the previous scan (or the baseline) did not have.
    New,
    /// None: exit 0 whatever failed.
    None,
}

/// Text for people or JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// A table or list for people.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The history database.
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// Only the scans of this target (as the reports name it).
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older scan id (default: the scan before B of the same target and pack).
    #[arg(value_name = "A")]
    pub a: Option<String>,
    /// The newer scan id (default: the latest scan of A's target and pack, or the
    /// latest scan of all).
    #[arg(value_name = "B")]
    pub b: Option<String>,
    /// The history database.
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// With no scan ids: the latest two scans of this target.
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The URL to probe, usually the site's home page (e.g. `http://whly.gd.gov.cn/`).
    pub url: String,
    /// Time between the starts of two probes (e.g. 5m, 30s, 200ms); a probe that
    /// outlasts it delays the next one to the following tick.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub every: std::time::Duration,
    /// Keep probing this long (e.g. 1h, 24h); without it, one probe.
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<std::time::Duration>,
    /// Record each probe in this history database (SQLite, created if needed), where
    /// `zwgk scan URL --history FILE` reads them.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// A load taking this long or longer counts as slow in the summary (the website
    /// inspection's 15 s).
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = parse_duration)]
    pub slow: std::time::Duration,
    /// Time limit per probe, in seconds (above the slow limit, so a slow load is measured).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Read bodies up to this size (after decompression); e.g. 20MB, 512KB.
    #[arg(long, value_name = "BYTES", default_value = "20MB", value_parser = parse_bytes)]
    pub max_body: usize,
    /// Accept invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// A contact (e-mail or URL) for the site's operators, sent in the User-Agent.
    #[arg(long, value_name = "STRING")]
    pub contact: Option<String>,
}

/// How a URL is crawled (ignored for a mirror folder).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Crawling a URL")]
pub struct CrawlArgs {
    /// Another start URL (repeatable); its host is in scope too.
    #[arg(long = "seed", value_name = "URL")]
    pub seeds: Vec<String>,
    /// Crawl only URLs matching one of these (repeatable; replaces the same-host rule).
    #[arg(long, value_name = "REGEX")]
    pub include: Vec<String>,
    /// Never crawl URLs matching this (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,
    /// Requests in flight per host.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Minimum interval between requests to one host, in milliseconds (robots.txt
    /// Crawl-delay raises it).
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub delay: u64,
    /// No minimum interval between requests (Crawl-delay is still honoured).
    #[arg(long, conflicts_with = "delay")]
    pub no_delay: bool,
    /// Fetch at most this many pages; the rest are reported as not fetched.
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Follow links at most this many hops from a start URL.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// Time limit per request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Cut bodies larger than this (after decompression); e.g. 20MB, 512KB, 1000000.
    #[arg(long, value_name = "BYTES", default_value = "20MB", value_parser = parse_bytes)]
    pub max_body: usize,
    /// Stop crawling after this long (e.g. 90s, 10m, 1h) and report what was found;
    /// pages not reached make their rules incomplete.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<std::time::Duration>,
    /// Accept invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// A contact (e-mail or URL) for the site's operators, sent in the User-Agent.
    #[arg(long, value_name = "STRING")]
    pub contact: Option<String>,
    /// Keep responses in this folder (created if needed) and re-scan incrementally: the
    /// home page, lists and their pagination, catalogue pages and sitemaps are asked
    /// again (conditional requests: an unchanged page is not downloaded again); a kept
    /// detail page or attachment whose list entries are as they were is trusted
    /// unchanged without a request, until it is due (--revalidate-after).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// With --cache: ask the site again about a kept page confirmed longer ago than this
    /// (e.g. 7d, 36h), whatever else says it did not change; each re-scan also asks about
    /// its share of the oldest kept pages (a seventh of them when run nightly with 7d).
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = parse_duration)]
    pub revalidate_after: std::time::Duration,
    /// With --cache: ask the site about every kept page (conditional requests), trusting
    /// none unchanged.
    #[arg(long)]
    pub full: bool,
    /// Crawl as if at this time (UTC, YYYY-MM-DDTHH:MM:SS) instead of the system clock:
    /// the time the pages are confirmed at, and what kept pages' ages are measured against
    /// (for replaying a nightly schedule on a cache).
    #[arg(long, value_name = "DATETIME", value_parser = parse_utc)]
    pub clock: Option<chrono::NaiveDateTime>,
    /// Also save what was fetched here as a mirror folder, which `zwgk scan DIR` reads
    /// back offline; an earlier snapshot there is replaced once the crawl is over.
    #[arg(long, value_name = "DIR")]
    pub snapshot: Option<PathBuf>,
    /// Once the crawl is over, check each distinct off-site link of the fetched pages
    /// once (HEAD, then GET when HEAD is refused or fails; one at a time per off-site
    /// host), so links_available counts broken off-site links too.
    #[arg(long)]
    pub check_external: bool,
    /// With --check-external: check at most this many off-site URLs (the start page's
    /// links first); the rest are counted as unchecked.
    #[arg(long, value_name = "N", default_value_t = zwgk_crawl::http::external::DEFAULT_MAX_EXTERNAL)]
    pub max_external: usize,
}

/// Parse a UTC date and time, `YYYY-MM-DDTHH:MM:SS` (or with a space for the `T`).
pub fn parse_utc(s: &str) -> Result<chrono::NaiveDateTime, String> {
    let t = s.trim().replacen(' ', "T", 1);
    chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S")
        .map_err(|_| format!("`{s}` is not a UTC date and time (e.g. 2022-02-01T02:00:00)"))
}

/// Parse a byte count: a number with an optional unit (B, KB, MB, GB; powers of 1024).
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("`{s}` is not a byte count (e.g. 20MB)"))?;
    let mult: usize = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("`{s}`: unknown unit (use B, KB, MB or GB)")),
    };
    match n.checked_mul(mult) {
        Some(0) | None => Err(format!("`{s}` is not a usable byte count")),
        Some(v) => Ok(v),
    }
}

/// Parse a duration: a number with a unit (ms, s, m, h); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 90s, 10m, 1h)"))?;
    let ms = match unit.trim() {
        "ms" => Some(n),
        "" | "s" => n.checked_mul(1000),
        "m" | "min" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        "d" => n.checked_mul(86_400_000),
        _ => return Err(format!("`{s}`: unknown unit (use ms, s, m, h or d)")),
    };
    ms.map(std::time::Duration::from_millis)
        .ok_or_else(|| format!("`{s}` is too long"))
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
    /// Print the reference of every check kind, generated from the code (the reference
    /// section of rules/README.md); or check or rewrite that section of a file.
    #[command(
        after_help = "Exit codes:\n  0  printed; or the file's section is current (--check) or was written (--write)\n  1  the file's section is stale (--check)\n  2  bad arguments, or the file is unreadable or has no generated section\n\nExamples:\n  zwgk rules docs > reference.md\n  zwgk rules docs --check rules/README.md   # in CI\n  zwgk rules docs --write rules/README.md   # after changing a check kind"
    )]
    Docs(DocsArgs),
}

/// The formats `zwgk rules docs` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocsFormat {
    /// The Markdown reference, as in rules/README.md.
    Markdown,
    /// Every kind with its documentation and fields, as JSON (for other tools).
    Json,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DocsFormat,
    /// Exit 1 unless FILE's generated section is the current reference.
    #[arg(long, value_name = "FILE", conflicts_with = "write")]
    pub check: Option<PathBuf>,
    /// Replace FILE's generated section with the current reference.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn byte_counts() {
        assert_eq!(parse_bytes("20MB"), Ok(20 << 20));
        assert_eq!(parse_bytes("512kb"), Ok(512 << 10));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("1 GB"), Ok(1 << 30));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("MB").is_err());
        assert!(parse_bytes("5XB").is_err());
        assert!(parse_bytes("99999999999999999999GB").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        let two = chrono::NaiveDate::from_ymd_opt(2022, 2, 1)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap();
        assert_eq!(parse_utc("2022-02-01T02:00:00"), Ok(two));
        assert_eq!(parse_utc("2022-02-01 02:00:00"), Ok(two));
        assert!(parse_utc("2022-02-01").is_err());
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("99999999999999999h").is_err());
    }

    #[test]
    fn crawl_defaults() {
        let cli = Cli::try_parse_from(["zwgk", "scan", "http://a.cn/", "--rules", "r"]).unwrap();
        let Command::Scan(a) = cli.command else {
            panic!("scan")
        };
        assert_eq!(a.crawl.concurrency, 4);
        assert_eq!(a.crawl.delay, 250);
        assert_eq!(a.crawl.timeout, 30);
        assert_eq!(a.crawl.max_body, 20 << 20);
        assert!(a.crawl.deadline.is_none() && !a.crawl.no_delay && !a.crawl.insecure);
        assert!(a.crawl.cache.is_none() && a.crawl.snapshot.is_none());
        assert!(!a.crawl.check_external);
        assert_eq!(a.crawl.max_external, 2000);
        assert_eq!(a.rules, vec![PathBuf::from("r")]);
    }

    #[test]
    fn several_packs() {
        let cli =
            Cli::try_parse_from(["zwgk", "scan", "d", "--rules", "a", "--rules", "b"]).unwrap();
        let Command::Scan(a) = cli.command else {
            panic!("scan")
        };
        assert_eq!(a.rules, vec![PathBuf::from("a"), PathBuf::from("b")]);
        assert!(
            Cli::try_parse_from(["zwgk", "scan", "d"]).is_err(),
            "--rules is required"
        );
    }

    #[test]
    fn external_link_checks() {
        let cli = Cli::try_parse_from([
            "zwgk",
            "scan",
            "http://a.cn/",
            "--rules",
            "r",
            "--check-external",
            "--max-external",
            "50",
        ])
        .unwrap();
        let Command::Scan(a) = cli.command else {
            panic!("scan")
        };
        assert!(a.crawl.check_external);
        assert_eq!(a.crawl.max_external, 50);
    }

    #[test]
    fn probe_arguments() {
        let cli = Cli::try_parse_from([
            "zwgk",
            "probe",
            "http://a.cn/",
            "--every",
            "200ms",
            "--for",
            "1h",
        ])
        .unwrap();
        let Command::Probe(a) = cli.command else {
            panic!("probe")
        };
        assert_eq!(a.every, Duration::from_millis(200));
        assert_eq!(a.duration, Some(Duration::from_secs(3600)));
        assert_eq!((a.timeout, a.slow), (30, Duration::from_secs(15)));
        assert!(a.history.is_none());
        let cli = Cli::try_parse_from(["zwgk", "probe", "http://a.cn/"]).unwrap();
        let Command::Probe(a) = cli.command else {
            panic!("probe")
        };
        assert_eq!((a.every, a.duration), (Duration::from_secs(300), None));
        assert!(Cli::try_parse_from(["zwgk", "probe", "http://a.cn/", "--every", "soon"]).is_err());
    }

    /// The crawl arguments of `zwgk scan http://a.cn/ --rules r` and `extra`.
    fn crawl_args(extra: &[&str]) -> CrawlArgs {
        let base = ["zwgk", "scan", "http://a.cn/", "--rules", "r"];
        let cli = Cli::try_parse_from(base.iter().chain(extra)).unwrap();
        let Command::Scan(a) = cli.command else {
            panic!("scan")
        };
        *a.crawl
    }

    #[test]
    fn cache_and_snapshot_folders() {
        let a = crawl_args(&["--cache", "c", "--snapshot", "s"]);
        assert_eq!(a.cache, Some(PathBuf::from("c")));
        assert_eq!(a.snapshot, Some(PathBuf::from("s")));
        assert_eq!(a.revalidate_after, Duration::from_secs(7 * 86_400));
        assert!(!a.full && a.clock.is_none());
        let a = crawl_args(&[
            "--cache",
            "c",
            "--revalidate-after",
            "36h",
            "--full",
            "--clock",
            "2022-02-01T02:00:00",
        ]);
        assert_eq!(a.revalidate_after, Duration::from_secs(36 * 3_600));
        assert!(a.full);
        assert_eq!(a.clock, parse_utc("2022-02-01T02:00:00").ok());
    }
}
