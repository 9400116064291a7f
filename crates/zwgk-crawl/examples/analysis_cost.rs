//! Where a page's analysis spends its time, phase by phase, on one thread.
//!
//! Reads every `.html` file under a folder into memory, then times, over all of them:
//! the depth guard and decoding, the HTML parse alone (html5ever through scraper), the
//! whole analysis ([`zwgk_crawl::analyze`]) and the interning of the facts.
//!
//! ```text
//! cargo run --release -p zwgk-crawl --example analysis_cost -- FOLDER [ROUNDS]
//! ```
//!
//! Used with `bench/crawl/gen_site.py` to see which phase a change moves; the crawl
//! benchmark (`bench/crawl/run.sh`) measures the whole scan.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zwgk_core::page::FactsInterner;
use zwgk_core::Selectors;
use zwgk_crawl::{analyze, encoding, AnalysisLimits};

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

fn time(
    only: Option<&str>,
    label: &str,
    pages: usize,
    rounds: u32,
    mut f: impl FnMut(),
) -> Option<Duration> {
    if only.is_some_and(|o| !label.starts_with(o)) {
        return None;
    }
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
    }
    println!(
        "{label:<28} {:>8.1} ms  {:>6.1} µs/page",
        best.as_secs_f64() * 1e3,
        best.as_secs_f64() * 1e6 / pages as f64
    );
    Some(best)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: analysis_cost FOLDER [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    // `only=PHASE` runs one phase (a prefix of its label), for a profiler.
    let only = args
        .next()
        .and_then(|a| a.strip_prefix("only=").map(str::to_string));
    let mut paths = Vec::new();
    html_files(Path::new(&dir), &mut paths);
    paths.sort();
    let bodies: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| {
            let url = format!(
                "http://bench.invalid/{}",
                p.strip_prefix(&dir).ok()?.display()
            );
            Some((url, std::fs::read(p).ok()?))
        })
        .collect();
    let n = bodies.len();
    let bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();
    println!("{n} pages, {:.1} MB, best of {rounds}", bytes as f64 / 1e6);
    let limits = AnalysisLimits::default();
    let probes = Selectors::none();

    time(only.as_deref(), "depth guard + decode", n, rounds, || {
        for (_, b) in &bodies {
            let cut = analyze::depth_cut(b, limits.max_depth).unwrap_or(b.len());
            std::hint::black_box(encoding::decode(&b[..cut], Some("text/html")));
        }
    });
    let texts: Vec<String> = bodies
        .iter()
        .map(|(_, b)| encoding::decode(b, Some("text/html")).text.into_owned())
        .collect();
    time(
        only.as_deref(),
        "html parse (html5ever alone)",
        n,
        rounds,
        || {
            for t in &texts {
                std::hint::black_box(scraper::Html::parse_document(t));
            }
        },
    );
    time(
        only.as_deref(),
        "html parse (as analysed)",
        n,
        rounds,
        || {
            for t in &texts {
                std::hint::black_box(zwgk_core::html::parse_document(t));
            }
        },
    );
    time(only.as_deref(), "analysis (whole)", n, rounds, || {
        for (url, b) in &bodies {
            std::hint::black_box(analyze(url, 200, Some("text/html"), b, &probes, &limits));
        }
    });
    let facts: Vec<_> = bodies
        .iter()
        .map(|(url, b)| analyze(url, 200, Some("text/html"), b, &probes, &limits))
        .collect();
    time(only.as_deref(), "interning", n, rounds, || {
        let mut interner = FactsInterner::default();
        for f in &facts {
            let mut f = f.clone();
            interner.intern(&mut f);
            std::hint::black_box(f);
        }
    });
    time(
        only.as_deref(),
        "clone facts (interning's)",
        n,
        rounds,
        || {
            for f in &facts {
                std::hint::black_box(f.clone());
            }
        },
    );
}
