//! Legacy Office documents (OLE compound files): any bytes given as XLS or as DOC give
//! text or an error, within the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk_extract::{extract, BodyKind, DocumentLimits};

fuzz_target!(|data: &[u8]| {
    let limits = DocumentLimits {
        max_unzipped: 64 << 20,
        ..DocumentLimits::default()
    };
    for kind in [BodyKind::Xls, BodyKind::Doc] {
        if let Ok(x) = extract(kind, data, &limits) {
            assert!(x.text.chars().count() <= limits.max_text_chars);
        }
    }
});
