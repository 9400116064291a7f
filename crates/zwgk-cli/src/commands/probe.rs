//! `zwgk probe`: time loads of a URL on a schedule and record them in the history, the
//! evidence the `availability` check reads.

use chrono::SecondsFormat;
use zwgk_core::Probe;
use zwgk_crawl::http::probe::{ProbeOptions, Prober};
use zwgk_history::History;

use crate::cli::ProbeArgs;
use crate::exit::Code;

/// The counts of the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    probes: usize,
    /// No answer, or a status of 400 or above.
    failed: usize,
    /// Answered, but as slow as the slow limit or slower.
    slow: usize,
}

impl Tally {
    fn add(&mut self, m: &Probe, slow_millis: u64) {
        self.probes += 1;
        if m.status.is_none_or(|s| s >= 400) {
            self.failed += 1;
        } else if m.millis >= slow_millis {
            self.slow += 1;
        }
    }

    fn bad(&self) -> usize {
        self.failed + self.slow
    }

    fn summary(&self, slow: &str) -> String {
        let share = if self.probes == 0 {
            0.0
        } else {
            self.bad() as f64 * 100.0 / self.probes as f64
        };
        format!(
            "{} probes, {} failed, {} slower than {slow}: {:.1}% failed or slow",
            self.probes, self.failed, self.slow, share
        )
    }
}

/// One line per probe: time, status or error, milliseconds, bytes.
fn line(m: &Probe) -> String {
    let at = m.at.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true);
    let outcome = match (m.status, &m.error) {
        (Some(s), _) => s.to_string(),
        (None, Some(e)) => format!("error: {e}"),
        (None, None) => "error".to_string(),
    };
    format!("{at}  {outcome}  {} ms  {} bytes", m.millis, m.bytes)
}

/// `1.5 s`, `15 s`, `200 ms`.
fn shown(d: std::time::Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else if d.as_millis() >= 1000 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

pub fn run(args: ProbeArgs) -> Code {
    if args.every.is_zero() {
        return bad("--every must be longer than 0");
    }
    let prober = match Prober::new(
        &args.url,
        &ProbeOptions {
            timeout: std::time::Duration::from_secs(args.timeout),
            max_body: args.max_body,
            insecure: args.insecure,
            contact: args.contact.clone(),
        },
    ) {
        Ok(p) => p,
        Err(e) => return bad(&e.to_string()),
    };
    let mut history = match &args.history {
        None => None,
        Some(path) => match History::open(path) {
            Ok(h) => Some(h),
            Err(e) => return bad(&e.to_string()),
        },
    };
    let slow_millis = u64::try_from(args.slow.as_millis()).unwrap_or(u64::MAX);
    let mut tally = Tally::default();
    let mut unrecorded: Option<String> = None;
    let end = prober.run(args.every, args.duration.unwrap_or_default(), true, |m| {
        tally.add(m, slow_millis);
        println!("{}", line(m));
        if let Some(h) = history.as_mut() {
            if let Err(e) = h.record_probe(m) {
                if unrecorded.is_none() {
                    eprintln!("zwgk: cannot record the probe: {e}");
                }
                unrecorded.get_or_insert_with(|| e.to_string());
            }
        }
    });
    if end.interrupted {
        eprintln!("zwgk: probe: stopped by Ctrl-C");
    }
    println!("{}: {}", prober.url(), tally.summary(&shown(args.slow)));
    if let (Some(h), None) = (&history, &unrecorded) {
        eprintln!("zwgk: recorded {} probes in {}", tally.probes, h.path());
    }
    if unrecorded.is_some() {
        Code::BadInput
    } else if tally.bad() > 0 {
        Code::Failures
    } else {
        Code::Ok
    }
}

fn bad(msg: &str) -> Code {
    eprintln!("zwgk: {msg}");
    Code::BadInput
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn m(status: Option<u16>, millis: u64) -> Probe {
        Probe {
            url: "http://a.cn/".into(),
            at: chrono::DateTime::from_timestamp_millis(1_643_673_600_250)
                .unwrap()
                .naive_utc(),
            millis,
            status,
            error: status.is_none().then(|| "timed out".to_string()),
            bytes: 10,
        }
    }

    #[test]
    fn lines_and_summary() {
        assert_eq!(
            line(&m(Some(200), 120)),
            "2022-02-01T00:00:00.250Z  200  120 ms  10 bytes"
        );
        assert_eq!(
            line(&m(None, 30_000)),
            "2022-02-01T00:00:00.250Z  error: timed out  30000 ms  10 bytes"
        );
        let mut t = Tally::default();
        for x in [
            m(Some(200), 100),
            m(Some(200), 15_000),
            m(Some(503), 5),
            m(None, 30_000),
        ] {
            t.add(&x, 15_000);
        }
        assert_eq!((t.probes, t.failed, t.slow), (4, 2, 1));
        assert_eq!(
            t.summary("15 s"),
            "4 probes, 2 failed, 1 slower than 15 s: 75.0% failed or slow"
        );
        assert_eq!(shown(Duration::from_secs(15)), "15 s");
        assert_eq!(shown(Duration::from_millis(200)), "200 ms");
        assert_eq!(shown(Duration::from_millis(1500)), "1.5 s");
        let r = m(Some(200), 120);
        assert_eq!(r.at.and_utc().to_rfc3339(), "2022-02-01T00:00:00.250+00:00");
    }
}
