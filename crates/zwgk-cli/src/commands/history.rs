//! The scan history in the command line: `zwgk scan --history/--fail-on/--baseline`,
//! `zwgk history` and `zwgk diff`.

use std::path::Path;

use zwgk_core::{Outcome, Report};
use zwgk_history::diff::{self, Change, Diff};
use zwgk_history::{History, ScanId, ScanRecord};
use zwgk_report::html::TrendPoint;

use crate::cli::{DiffArgs, FailOn, HistoryArgs, ScanArgs, TextOrJson};
use crate::exit::Code;

/// What a scan compares with and records into, opened before the scan so that a bad
/// database or baseline stops it before any crawling.
pub struct Before {
    history: Option<History>,
    baseline: Option<ScanRecord>,
}

/// Check the history arguments of a scan and open what they name. `Err` carries the
/// exit code, the message already printed.
pub fn prepare(args: &ScanArgs) -> Result<Before, Code> {
    if args.baseline.is_some() && args.fail_on != FailOn::New {
        return Err(bad("--baseline is used with --fail-on new"));
    }
    if args.fail_on == FailOn::New && args.baseline.is_none() && args.history.is_none() {
        return Err(bad(
            "--fail-on new needs a scan to compare with: --history FILE or --baseline REPORT.json",
        ));
    }
    let baseline = match &args.baseline {
        None => None,
        Some(path) => Some(load_report(path).map_err(|e: String| bad(&e))?),
    };
    let history = match &args.history {
        None => None,
        Some(path) => Some(History::open(path).map_err(|e| bad(&e.to_string()))?),
    };
    Ok(Before { history, baseline })
}

impl zwgk::ProbeLog for Before {
    /// The availability probes of `url` recorded in the history (none without one), from
    /// a year before `as_of` to its end in China Standard Time: every window an
    /// `availability` check can ask for.
    fn probes(&self, url: &str, as_of: chrono::NaiveDate) -> Result<Vec<zwgk_core::Probe>, String> {
        let Some(h) = &self.history else {
            return Ok(Vec::new());
        };
        let cst_midnight = |d: chrono::NaiveDate| {
            d.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
        };
        let from = cst_midnight(as_of - chrono::Duration::days(366));
        let until = cst_midnight(as_of + chrono::Duration::days(1));
        h.probes(url, from, until)
            .map_err(|e| format!("cannot read the probes of {url}: {e}"))
    }

    /// Record a probe in the history, when there is one.
    fn record(&mut self, probe: &zwgk_core::Probe) -> Result<(), String> {
        match self.history.as_mut() {
            None => Ok(()),
            Some(h) => h
                .record_probe(probe)
                .map_err(|e| format!("cannot record the scan's probe of {}: {e}", probe.url)),
        }
    }
}

impl Before {
    /// The outcome counts of the earlier scans of this target and pack in the
    /// history, oldest first, then this scan: the HTML report's trend chart. Empty
    /// without a history (or when it cannot be read: the chart is left out).
    pub fn trend(&self, report: &Report) -> Vec<TrendPoint> {
        let Some(h) = &self.history else {
            return Vec::new();
        };
        let Ok(mut points) = h.trend(Some(&report.target), Some(&report.rules_pack.id)) else {
            return Vec::new();
        };
        let today = chrono::Utc::now().format("%Y-%m-%d");
        points.push(TrendPoint::of(report, format!("本次 {today}")));
        points
    }
}

/// A JSON report read back as a scan record.
fn load_report(path: &Path) -> Result<ScanRecord, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let report: Report = serde_json::from_slice(&bytes)
        .map_err(|e| format!("baseline {} is not a zwgk JSON report: {e}", path.display()))?;
    Ok(ScanRecord::from_report(&report))
}

/// After the report is written: record the scan, then decide the exit code by `--fail-on`.
pub fn finish(args: &ScanArgs, before: &mut Before, report: &Report) -> Code {
    let Before { history, baseline } = before;
    let mut recorded = None;
    if let Some(h) = history.as_mut() {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        match h.record(report, &now) {
            Ok(id) => {
                if !args.quiet {
                    eprintln!("zwgk: recorded as scan #{id} in {}", h.path());
                }
                recorded = Some(id);
            }
            Err(e) => return bad(&format!("cannot record the scan: {e}")),
        }
    }
    match args.fail_on {
        FailOn::None => Code::Ok,
        FailOn::Any if report.has_failures() => Code::Failures,
        FailOn::Any => Code::Ok,
        FailOn::New => {
            let old = match (baseline.take(), &history) {
                (Some(b), _) => Some(b),
                (None, Some(h)) => match h.previous_of(report, recorded) {
                    Ok(p) => p,
                    Err(e) => return bad(&e.to_string()),
                },
                (None, None) => None,
            };
            new_failures_verdict(old, report, args.quiet)
        }
    }
}

/// `--fail-on new`: exit 1 when a finding fails now that did not before; say which.
fn new_failures_verdict(old: Option<ScanRecord>, report: &Report, quiet: bool) -> Code {
    let new = ScanRecord::from_report(report);
    let (old, since) = match old {
        Some(o) => {
            let since = o.describe();
            if o.target != new.target || o.pack_id != new.pack_id {
                eprintln!(
                    "zwgk: warning: {since} is of {} with pack {}, not {} with pack {}",
                    o.target, o.pack_id, new.target, new.pack_id
                );
            }
            (o, since)
        }
        None => {
            if !quiet {
                eprintln!(
                    "zwgk: no earlier scan of {} with pack {} in the history: every failure is new",
                    new.target, new.pack_id
                );
            }
            (ScanRecord::empty(), "no earlier scan".to_string())
        }
    };
    let d = diff::diff(&old, &new);
    let fresh: Vec<_> = d.new_failures().collect();
    if fresh.is_empty() {
        if !quiet {
            eprintln!("zwgk: no new failures since {since}");
        }
        return Code::Ok;
    }
    let n = fresh.len();
    let s = if n == 1 { "" } else { "s" };
    eprintln!("zwgk: {n} new failure{s} (rule × page) since {since}:");
    for f in fresh {
        let page = if f.page.is_empty() { "-" } else { &f.page };
        eprintln!("  {} (task {}) {page}: {}", f.rule_id, f.task, f.message);
    }
    Code::Failures
}

/// `zwgk history`: the recorded scans as a table (or JSON).
pub fn list(args: HistoryArgs) -> Code {
    let h = match History::open_existing(&args.history) {
        Ok(h) => h,
        Err(e) => return bad(&e.to_string()),
    };
    let scans = match h.scans(args.target.as_deref()) {
        Ok(s) => s,
        Err(e) => return bad(&e.to_string()),
    };
    if args.format == TextOrJson::Json {
        return print_json(&scans);
    }
    let header = [
        "id",
        "recorded_at",
        "target",
        "pack",
        "as_of",
        "rules fail",
        "rules pass",
        "tasks fail",
        "tasks pass",
    ];
    let rows: Vec<[String; 9]> = scans
        .iter()
        .map(|s| {
            [
                s.id.to_string(),
                s.recorded_at.clone(),
                s.target.clone(),
                s.pack_id.clone(),
                s.as_of.to_string(),
                s.summary.rules.get(Outcome::Fail).to_string(),
                s.summary.rules.get(Outcome::Pass).to_string(),
                s.summary.tasks.get(Outcome::Fail).to_string(),
                s.summary.tasks.get(Outcome::Pass).to_string(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    println!("{}", line(header.to_vec()));
    for row in &rows {
        println!("{}", line(row.iter().map(String::as_str).collect()));
    }
    if rows.is_empty() {
        eprintln!("zwgk: no scans recorded in {}", h.path());
    }
    Code::Ok
}

/// `zwgk diff`: what changed between two recorded scans.
pub fn diff(args: DiffArgs) -> Code {
    let h = match History::open_existing(&args.history) {
        Ok(h) => h,
        Err(e) => return bad(&e.to_string()),
    };
    let (old, new) = match pick(&h, &args) {
        Ok(pair) => pair,
        Err(e) => return bad(&e),
    };
    if old.target != new.target || old.pack_id != new.pack_id {
        eprintln!(
            "zwgk: warning: comparing {} ({}, {}) with {} ({}, {})",
            old.describe(),
            old.target,
            old.pack_id,
            new.describe(),
            new.target,
            new.pack_id
        );
    }
    let d = diff::diff(&old, &new);
    match args.format {
        TextOrJson::Json => print_json(&d),
        TextOrJson::Text => {
            print!("{}", text(&d, &new));
            Code::Ok
        }
    }
}

/// The two scans `zwgk diff` compares, as `(old, new)`.
fn pick(h: &History, args: &DiffArgs) -> Result<(ScanRecord, ScanRecord), String> {
    let id = |s: &str| -> Result<ScanId, String> {
        s.parse()
            .map_err(|_| format!("`{s}` is not a scan id (see `zwgk history`)"))
    };
    let scan = |i: ScanId| h.scan(i).map_err(|e| e.to_string());
    match (&args.a, &args.b) {
        (Some(a), Some(b)) => Ok((scan(id(a)?)?, scan(id(b)?)?)),
        (Some(a), None) => {
            let old = scan(id(a)?)?;
            let latest = h
                .previous(&old.target, &old.pack_id, None)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no scan of {} after {}", old.target, old.describe()))?;
            Ok((old, latest))
        }
        (None, _) => {
            let scans = h.scans(args.target.as_deref()).map_err(|e| e.to_string())?;
            if scans.is_empty() {
                return Err(match &args.target {
                    Some(t) => format!("no scans of {t} in {}", h.path()),
                    None => format!("no scans in {}", h.path()),
                });
            }
            h.latest_two(args.target.as_deref())
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    "only one scan of that target and pack: nothing to compare it with".to_string()
                })
        }
    }
}

/// The text form of a diff.
fn text(d: &Diff, new: &ScanRecord) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "{} → {}", d.old, d.new);
    let _ = writeln!(s, "target {}, pack {}", new.target, new.pack_id);
    let outcome = |o: Option<Outcome>| o.map_or("absent", Outcome::as_str);
    for change in [Change::NewlyFailing, Change::Fixed, Change::Changed] {
        let rules: Vec<_> = d.rules_in(change).collect();
        let _ = writeln!(s, "\n{} ({}):", title(change), rules.len());
        for r in rules {
            let _ = writeln!(
                s,
                "  {} (task {}): {} → {}: {}",
                r.rule_id,
                r.task,
                outcome(r.old),
                outcome(r.new),
                r.message
            );
            if !r.evidence_url.is_empty() {
                let _ = writeln!(s, "    {}", r.evidence_url);
            }
        }
    }
    // Failing pages that are new for rules that failed before too.
    let more: Vec<_> = d
        .new_failures()
        .filter(|f| {
            d.rules
                .iter()
                .any(|r| r.rule_id == f.rule_id && r.change == Change::UnchangedFailing)
        })
        .collect();
    if !more.is_empty() {
        let _ = writeln!(
            s,
            "\nnew failing pages of rules that failed before ({}):",
            more.len()
        );
        for f in more {
            let _ = writeln!(s, "  {} (task {}): {}", f.rule_id, f.task, f.page);
        }
    }
    let still: Vec<&str> = d
        .rules_in(Change::UnchangedFailing)
        .map(|r| r.rule_id.as_str())
        .collect();
    let _ = writeln!(
        s,
        "\n{} ({}): {}",
        title(Change::UnchangedFailing),
        still.len(),
        still.join(", ")
    );
    let _ = writeln!(
        s,
        "{} ({})",
        title(Change::Unchanged),
        d.rules_in(Change::Unchanged).count()
    );
    s
}

fn title(c: Change) -> &'static str {
    match c {
        Change::NewlyFailing => "newly failing",
        Change::Fixed => "fixed",
        Change::Changed => "changed",
        Change::UnchangedFailing => "still failing",
        Change::Unchanged => "unchanged",
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Code {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            println!("{s}");
            Code::Ok
        }
        Err(e) => bad(&e.to_string()),
    }
}

fn bad(msg: &str) -> Code {
    eprintln!("zwgk: {msg}");
    Code::BadInput
}
