//! Progress of a crawl on standard error: one updating line on a terminal, a plain
//! log line every few seconds otherwise, nothing when quiet.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// A progress line when standard error is a terminal, else periodic log lines.
    #[default]
    Auto,
    /// Periodic plain log lines.
    Log,
    /// Nothing.
    Off,
}

/// How often a plain log line is written.
pub const LOG_EVERY: Duration = Duration::from_secs(5);

/// Counters shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// URLs fetched (whatever the outcome).
    pub fetched: u64,
    /// URLs waiting or in flight.
    pub queued: u64,
    /// Fetches that failed (network errors, 5xx after retries).
    pub errors: u64,
}

enum Sink {
    Bar(indicatif::ProgressBar),
    Log { last: Instant },
    Off,
}

/// The progress display of one crawl.
pub struct Progress {
    sink: Sink,
    started: Instant,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").finish_non_exhaustive()
    }
}

impl Progress {
    /// Start showing progress.
    pub fn new(mode: ProgressMode) -> Self {
        let now = Instant::now();
        let sink = match mode {
            ProgressMode::Off => Sink::Off,
            ProgressMode::Auto if std::io::stderr().is_terminal() => {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.enable_steady_tick(Duration::from_millis(200));
                Sink::Bar(bar)
            }
            ProgressMode::Auto | ProgressMode::Log => Sink::Log { last: now },
        };
        Progress { sink, started: now }
    }

    fn line(&self, c: Counts) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        format!(
            "fetched {} · queued {} · errors {} · {:.1} pages/s",
            c.fetched,
            c.queued,
            c.errors,
            c.fetched as f64 / secs
        )
    }

    /// Show the current counts (log lines only every [`LOG_EVERY`]).
    pub fn update(&mut self, c: Counts) {
        let line = self.line(c);
        match &mut self.sink {
            Sink::Bar(bar) => bar.set_message(line),
            Sink::Log { last } => {
                if last.elapsed() >= LOG_EVERY {
                    *last = Instant::now();
                    eprintln!("zwgk: {line}");
                }
            }
            Sink::Off => {}
        }
    }

    /// Clear the progress line; log the final counts.
    pub fn finish(&mut self, c: Counts) {
        let line = self.line(c);
        match &self.sink {
            Sink::Bar(bar) => bar.finish_and_clear(),
            Sink::Log { .. } => eprintln!("zwgk: {line}"),
            Sink::Off => {}
        }
    }
}
