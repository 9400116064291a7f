//! Document text: any bytes given as a XLSX give text or an error, within the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_extract::{extract, BodyKind, DocumentLimits};

fuzz_target!(|data: &[u8]| {
    let limits = DocumentLimits {
        max_unzipped: 64 << 20,
        ..DocumentLimits::default()
    };
    if let Ok(x) = extract(BodyKind::Xlsx, data, &limits) {
        assert!(x.text.chars().count() <= limits.max_text_chars);
    }
});
