//! Scan a portal (a URL or a mirror folder) against a rule pack and print each task's
//! outcome: what an audit tool embedding zwgk does.
//!
//! ```sh
//! cargo run -p zwgk --example scan -- fixtures/portals/mini-2021-faulty rules/gd-whly-2021 2022-02-01
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, pack, as_of] = args.as_slice() else {
        eprintln!("usage: scan TARGET PACK AS_OF (e.g. fixtures/portals/mini-2021 rules/gd-whly-2021 2022-02-01)");
        return ExitCode::from(2);
    };
    let Ok(as_of) = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d") else {
        eprintln!("AS_OF must be a date like 2022-02-01");
        return ExitCode::from(2);
    };
    let pack = match zwgk::load_pack(pack.as_ref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let request = zwgk::ScanRequest {
        target: zwgk::Target::parse(target, None),
        packs: vec![pack],
        evidence: zwgk::EvidenceSet::empty(),
        as_of,
        crawl: zwgk::CrawlOptions::default(),
    };
    match zwgk::scan(&request, None) {
        Ok(scanned) => {
            for task in &scanned.reports[0].tasks {
                println!(
                    "{:>2} {:<14} {}",
                    task.task,
                    task.outcome.as_str(),
                    task.reason
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(3)
        }
    }
}
