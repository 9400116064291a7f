//! Diagnostic events on standard error: off unless `-v` or `RUST_LOG` asks for them.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// With `verbose`, the crawl's debug events (why each URL was skipped); `RUST_LOG`, when
/// set, chooses the events instead (`zwgk_crawl=trace`, `debug`, …). Without either,
/// nothing is installed and nothing is logged.
pub fn init(verbose: bool) {
    let from_env = std::env::var_os("RUST_LOG").is_some_and(|v| !v.is_empty());
    if !verbose && !from_env {
        return;
    }
    let filter = if from_env {
        EnvFilter::from_default_env()
    } else {
        EnvFilter::new("zwgk_crawl=debug")
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
