//! The shape of the source: no function in `crates/*/src` longer than 120 lines (test
//! modules and test files aside), so that each one does one thing a reader can hold.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 120;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and character literals blanked (their braces do
/// not count), line breaks kept.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |out: &mut String, s: &[u8]| {
        for &c in s {
            out.push(if c == b'\n' { '\n' } else { ' ' });
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"/*") {
            let end = rest[2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 4);
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"r#") || rest.starts_with(b"r\"") || rest.starts_with(b"br\"") {
            let start = rest.iter().position(|&c| c == b'"').unwrap_or(0);
            let hashes = rest[..start].iter().filter(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = rest[start + 1..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| start + 1 + p + close.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest[0] == b'\'' {
            // A character literal ('{', '\n', '\u{7B}'), not a lifetime ('a).
            let len = if rest.get(1) == Some(&b'\\') {
                rest[2..].iter().position(|&c| c == b'\'').map(|p| p + 3)
            } else {
                let ch = std::str::from_utf8(&rest[1..rest.len().min(5)])
                    .ok()
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(4)]).ok())
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(3)]).ok())
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(2)]).ok())
                    .and_then(|s| s.chars().next());
                ch.and_then(|c| {
                    let n = 1 + c.len_utf8();
                    (rest.get(n) == Some(&b'\'')).then_some(n + 1)
                })
            };
            match len {
                Some(n) => {
                    blank(&mut out, &rest[..n]);
                    i += n;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = src[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Functions longer than the limit: (line, name, lines).
fn long_functions(src: &str) -> Vec<(usize, String, usize)> {
    let code = code_only(src);
    let lines: Vec<&str> = code.lines().collect();
    // The test module at the end of a file is left out.
    let end = src
        .lines()
        .enumerate()
        .find(|(i, l)| {
            l.starts_with("#[cfg(test)]")
                && src
                    .lines()
                    .nth(i + 1)
                    .is_some_and(|n| n.trim_start().starts_with("mod tests"))
        })
        .map_or(lines.len(), |(i, _)| i);
    let mut found = Vec::new();
    let mut i = 0;
    while i < end {
        let trimmed = lines[i].trim_start();
        let is_fn = trimmed
            .split_whitespace()
            .take_while(|w| *w != "fn")
            .all(|w| {
                matches!(w, "pub" | "const" | "async" | "unsafe" | "extern")
                    || w.starts_with("pub(")
                    || w.starts_with('"')
            })
            && trimmed.split_whitespace().any(|w| w == "fn");
        if !is_fn {
            i += 1;
            continue;
        }
        let name = trimmed
            .split("fn ")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_alphanumeric() && c != '_').next())
            .unwrap_or("")
            .to_string();
        let mut depth = 0i64;
        let mut opened = false;
        let mut j = i;
        while j < end {
            for c in lines[j].chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                break;
            }
            if !opened && lines[j].trim_end().ends_with(';') {
                break;
            }
            j += 1;
        }
        let n = j - i + 1;
        if opened && n > MAX_LINES {
            found.push((i + 1, name, n));
        }
        i = if opened { j + 1 } else { i + 1 };
    }
    found
}

#[test]
fn no_function_is_longer_than_120_lines() {
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        rust_files(&krate.path().join("src"), &mut files);
    }
    assert!(files.len() > 50, "the crates' sources are found");
    let mut long = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        if name == "tests.rs" || name == "testkit.rs" {
            continue;
        }
        let src = std::fs::read_to_string(file).unwrap();
        for (line, f, n) in long_functions(&src) {
            long.push(format!("{}:{line} {f} ({n} lines)", file.display()));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines: {long:#?}"
    );
}

#[test]
fn the_measure_counts_what_it_should() {
    let body: String = (0..130).map(|i| format!("    let x{i} = {i};\n")).collect();
    let long = format!("fn long() {{\n{body}}}\n");
    assert_eq!(long_functions(&long), vec![(1, "long".to_string(), 132)]);
    let braces_in_literals =
        "pub(crate) fn f() {\n    let a = \"}\";\n    let b = '}';\n    // }\n}\nfn g<'a>(x: &'a str) {}\n";
    assert!(long_functions(braces_in_literals).is_empty());
    let tail = format!("fn short() {{}}\n#[cfg(test)]\nmod tests {{\n{long}}}\n");
    assert!(
        long_functions(&tail).is_empty(),
        "test modules are left out"
    );
}
