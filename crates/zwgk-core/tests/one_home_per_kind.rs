//! A check kind's name appears in `src/` only in its own module (`src/check/<kind>.rs`)
//! and its registration line: adding or changing a kind touches nothing else.
//!
//! Searched: string literals in code, outside comments, test modules and the example
//! rules (raw strings) of the documentation. A few kind names are also ordinary words
//! of the rule format with another meaning; those uses are listed here, each with its
//! reason, so that a new one is a decision rather than an accident.

use std::path::{Path, PathBuf};

/// Homonyms: (kind name, file, why the literal there is not the kind).
const OTHER_MEANINGS: &[(&str, &str, &str)] = &[
    (
        "text",
        "check/links_to.rs",
        "the `text` field of `links_to` (anchor text)",
    ),
    (
        "text",
        "check/interval.rs",
        "the `from = \"text\"` value (a date in the text)",
    ),
    (
        "all",
        "check/text.rs",
        "the `match = \"all\"` value of key words",
    ),
    (
        "any",
        "check/text.rs",
        "the `match = \"any\"` value of key words",
    ),
    ("any", "pack/compile.rs", "the `pages = \"any\"` quantifier"),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a source file: without comments, raw strings and the test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("r#\"") {
        out.push_str(&rest[..i]);
        rest = match rest[i..].find("\"#") {
            Some(j) => &rest[i + j + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_kind_is_named_only_in_its_own_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let names: Vec<&str> = zwgk_core::check::kinds().iter().map(|k| k.name).collect();
    assert!(names.len() >= 20, "the registry lists the kinds");
    let mut strays = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("tests.rs") || rel.ends_with("testkit.rs") {
            continue;
        }
        let code = code(&std::fs::read_to_string(file).unwrap());
        for name in &names {
            if rel == format!("check/{name}.rs") {
                continue;
            }
            if OTHER_MEANINGS
                .iter()
                .any(|(n, f, _)| n == name && *f == rel)
            {
                continue;
            }
            let literal = format!("\"{name}\"");
            if code.contains(&literal) {
                strays.push(format!("{rel}: {literal}"));
            }
            if rel != "check/mod.rs" {
                let path = format!("{name}::");
                if code.contains(&format!("check::{path}"))
                    || code.contains(&format!("super::{path}"))
                {
                    strays.push(format!("{rel}: {path}"));
                }
            }
        }
    }
    assert!(
        strays.is_empty(),
        "kind names outside their modules: {strays:#?}"
    );
}
