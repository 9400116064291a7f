//! Schema checks shared by the unit tests (included with `#[path]`) and the
//! integration tests: the SARIF 2.1.0 JSON schema and `xmllint` with the JUnit XSD, both
//! vendored in `tests/schemas/` (see its README).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// The two `language` patterns (of `run` and `toolComponent`) of the published OASIS
/// schema have a stray `]`, which ECMA-262 reads as a literal but the draft-07 meta-schema
/// check of `jsonschema` rejects as a regex. The vendored file stays as published; the pattern is rewritten
/// with the `]` escaped (the same meaning) before the schema is compiled.
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE_PATTERN_ESCAPED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$";

/// Rewrite every `pattern` equal to [`LANGUAGE_PATTERN`]; how many were.
fn escape_language_pattern(v: &mut Value) -> usize {
    match v {
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| {
                if k == "pattern" && v == LANGUAGE_PATTERN {
                    *v = json!(LANGUAGE_PATTERN_ESCAPED);
                    1
                } else {
                    escape_language_pattern(v)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(escape_language_pattern).sum(),
        _ => 0,
    }
}

pub fn sarif_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/schemas/sarif-schema-2.1.0.json"
    );
    let mut schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        escape_language_pattern(&mut schema),
        2,
        "the vendored schema changed"
    );
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// The schema errors of a SARIF document, with where they are.
pub fn sarif_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn junit_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit-10.xsd")
}

/// Run `xmllint --noout --schema junit-10.xsd` on `xml`: `None` when xmllint is
/// missing and not required, else whether it accepted the document.
pub fn xmllint(xml: &str) -> Option<bool> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.junit.xml");
    std::fs::write(&file, xml).unwrap();
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(junit_xsd())
        .arg(&file)
        .output()
    {
        Ok(out) => {
            if !out.status.success() {
                eprintln!("xmllint: {}", String::from_utf8_lossy(&out.stderr));
            }
            Some(out.status.success())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var("ZWGK_REQUIRE_TOOLS").as_deref() == Ok("1") {
                panic!("xmllint is required (ZWGK_REQUIRE_TOOLS=1) but not installed: install libxml2-utils");
            }
            eprintln!(
                "note: xmllint not found (package libxml2-utils); JUnit schema check skipped"
            );
            None
        }
        Err(e) => panic!("cannot run xmllint: {e}"),
    }
}
