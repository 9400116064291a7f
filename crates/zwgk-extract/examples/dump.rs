//! Print what `zwgk-extract` reads from files: `cargo run -p zwgk-extract --example dump -- FILE…`.

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let kind = zwgk_extract::detect(&path, None, &bytes);
        println!("== {path} ({kind})");
        match zwgk_extract::extract(kind, &bytes, &zwgk_extract::DocumentLimits::default()) {
            Ok(x) => {
                println!("{}", x.text);
                for (i, t) in x.tables.iter().enumerate() {
                    println!("-- table {}: {} rows: {:?}", i + 1, t.len(), t);
                }
                if x.truncated {
                    println!("-- truncated");
                }
            }
            Err(e) => println!("-- error: {e}"),
        }
    }
}
