//! `zwgk scan`: scan a portal against a rule pack and write a report.

use std::io::Write;
use std::path::Path;

use chrono::{Duration, NaiveDate, Utc};
use zwgk_core::{EvidenceSet, Outcome, Probes};
use zwgk_crawl::inputs::{load_evidence, load_pack};
use zwgk_crawl::{FolderSource, PageSource};
use zwgk_report::{write_atomic, Format};

use crate::cli::ScanArgs;
use crate::exit::Code;

/// Today in China Standard Time (UTC+8), the default as-of date.
fn today_cst() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn format_of(args: &ScanArgs) -> Result<Format, String> {
    if let Some(f) = &args.format {
        return f
            .parse()
            .map_err(|e: zwgk_report::ReportError| e.to_string());
    }
    let by_ending = args
        .output
        .as_deref()
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .and_then(|e| e.parse().ok());
    Ok(by_ending.unwrap_or(Format::Markdown))
}

pub fn run(args: ScanArgs) -> Code {
    let format = match format_of(&args) {
        Ok(f) => f,
        Err(e) => return bad(&e),
    };
    let as_of = match &args.as_of {
        None => today_cst(),
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                return bad(&format!(
                    "--as-of must be a date like 2022-02-01, not `{s}`"
                ))
            }
        },
    };
    let pack = match load_pack(&args.rules) {
        Ok(p) => p,
        Err(e) => return bad(&e.to_string()),
    };
    let evidence = match &args.evidence {
        None => EvidenceSet::empty(),
        Some(p) => match load_evidence(p) {
            Ok(e) => e,
            Err(e) => return bad(&e.to_string()),
        },
    };
    if args.target.starts_with("http://") || args.target.starts_with("https://") {
        return bad("this build scans mirror folders; save the portal with `wget --mirror` and scan the folder");
    }
    let probes = match Probes::new(pack.selector_probes.iter().map(String::as_str)) {
        Ok(p) => p,
        Err(e) => return bad(&e),
    };
    let source = match FolderSource::open(Path::new(&args.target), args.base_url.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("zwgk: cannot scan {}: {e}", args.target);
            return Code::Unscannable;
        }
    };
    let site = match source.pages(&probes) {
        Ok(pages) => zwgk_core::Site::new(source.target(), pages),
        Err(e) => {
            eprintln!("zwgk: cannot scan {}: {e}", args.target);
            return Code::Unscannable;
        }
    };
    let report = zwgk_core::evaluate(&pack, &site, &evidence, as_of);
    let bytes = match format.renderer().render_to_vec(&report) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("zwgk: {e}");
            return Code::BadInput;
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = write_atomic(path, &bytes) {
                eprintln!("zwgk: {e}");
                return Code::BadInput;
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            if out.write_all(&bytes).and_then(|_| out.flush()).is_err() {
                return Code::BadInput;
            }
        }
    }
    if !args.quiet {
        let s = &report.summary;
        let counts: Vec<String> = Outcome::ALL
            .iter()
            .map(|o| format!("{} {}", s.tasks.get(*o), o.as_str()))
            .collect();
        eprintln!(
            "zwgk: {} pages, {} rules, as of {}: tasks {}",
            report.site.pages,
            report.rules_pack.rules,
            report.as_of,
            counts.join(", ")
        );
    }
    if report.has_failures() {
        Code::Failures
    } else {
        Code::Ok
    }
}

fn bad(msg: &str) -> Code {
    eprintln!("zwgk: {msg}");
    Code::BadInput
}
