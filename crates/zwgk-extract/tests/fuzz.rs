//! A longer mutation run over the test documents, not run by default:
//!
//! ```sh
//! FUZZ_N=5000 FUZZ_SEED=1 cargo test -p zwgk-extract --release --test fuzz -- --ignored --nocapture
//! ```
//!
//! Each document is mutated `FUZZ_N` times (bytes overwritten, cut short, or a slice
//! repeated) and extracted. The run fails on a panic that escapes, a hang, or an input that
//! takes over 10 seconds; it prints how many third-party panics were caught.

use std::time::{Duration, Instant};

use zwgk_extract::{extract, BodyKind, DocumentLimits, ExtractError};

#[test]
#[ignore = "long: run with --ignored"]
fn mutated_documents() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let iterations = env("FUZZ_N", 300);
    let mut seed = env("FUZZ_SEED", 0x9E37_79B9_7F4A_7C15).max(1);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut runs, mut caught, mut worst) = (0u64, 0u64, Duration::ZERO);
    for (name, kind) in [
        ("accounts_cid.pdf", BodyKind::Pdf),
        ("accounts_ttf.pdf", BodyKind::Pdf),
        ("accounts_ttf_simple.pdf", BodyKind::Pdf),
        ("accounts.docx", BodyKind::Docx),
        ("budget.xlsx", BodyKind::Xlsx),
        ("budget.xls", BodyKind::Xls),
    ] {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        for _ in 0..iterations {
            let mut b = bytes.clone();
            let len = b.len() as u64;
            match next() % 3 {
                0 => {
                    for _ in 0..1 + next() % 8 {
                        let i = (next() % len) as usize;
                        b[i] = next() as u8;
                    }
                }
                1 => b.truncate(((next() % len) as usize).max(1)),
                _ => {
                    let (i, j) = ((next() % len) as usize, (next() % len) as usize);
                    let (lo, hi) = (i.min(j), i.max(j));
                    let chunk = b[lo..hi].to_vec();
                    b.splice(lo..lo, chunk);
                }
            }
            let started = Instant::now();
            let result = extract(kind, &b, &DocumentLimits::default());
            let took = started.elapsed();
            worst = worst.max(took);
            runs += 1;
            assert!(took < Duration::from_secs(10), "{name}: {took:?}");
            if let Err(ExtractError::Malformed { reason, .. }) = &result {
                if reason.contains("gave up") {
                    caught += 1;
                }
            }
        }
    }
    eprintln!("{runs} runs, {caught} third-party panics caught, slowest {worst:?}");
}
