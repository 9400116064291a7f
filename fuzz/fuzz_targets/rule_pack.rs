//! The rule-pack loader: a rule file loaded beside the department pack's `pack.toml` (or,
//! when the input holds a NUL byte, a pack file before it and a rule file after it), as
//! `zwgk rules lint` loads them. Any input gives a pack or located errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_core::{RulePack, SourceFile};

const DEFAULT_PACK: &str = include_str!("../../rules/gd-whly-2021/pack.toml");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (pack, rules) = match text.split_once('\0') {
        Some((p, r)) => (p.to_string(), r.to_string()),
        None => (DEFAULT_PACK.to_string(), text.into_owned()),
    };
    let pack = SourceFile::new("pack.toml", pack);
    let rules = [SourceFile::new("rules/fuzz.toml", rules)];
    if let Err(errors) = RulePack::load(&pack, &rules) {
        // Errors render with their location.
        let _ = errors.to_string();
    }
});
