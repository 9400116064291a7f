//! The evidence loader (`--evidence FILE`): any text gives records or a located error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_core::{EvidenceSet, SourceFile};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match EvidenceSet::parse(&SourceFile::new("evidence.toml", text)) {
        Ok(set) => drop(set),
        Err(e) => drop(e.to_string()),
    }
});
