//! Print what `zwgk-extract` reads from files: `cargo run -p zwgk-extract --example dump -- FILE…`.

use std::io::Write;

fn main() {
    let mut out = std::io::stdout().lock();
    for path in std::env::args().skip(1) {
        if dump(&path, &mut out).is_err() {
            // The reader went away (`| head`): nothing more to print.
            return;
        }
    }
}

fn dump(path: &str, out: &mut impl Write) -> std::io::Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return Ok(());
        }
    };
    let kind = zwgk_extract::detect(path, None, &bytes);
    writeln!(out, "== {path} ({kind})")?;
    match zwgk_extract::extract(kind, &bytes, &zwgk_extract::DocumentLimits::default()) {
        Ok(x) => {
            writeln!(out, "{}", x.text)?;
            for (i, t) in x.tables.iter().enumerate() {
                writeln!(out, "-- table {}: {} rows: {:?}", i + 1, t.len(), t)?;
            }
            if x.truncated {
                writeln!(out, "-- truncated")?;
            }
        }
        Err(e) => writeln!(out, "-- error: {e}")?,
    }
    Ok(())
}
