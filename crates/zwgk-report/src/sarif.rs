//! SARIF 2.1.0, for code-scanning views that read static-analysis results.
//!
//! One run, tool `zwgk`. Each rule of the report is a `reportingDescriptor` in
//! `tool.driver.rules` (title, what it expects, its source in the plan, task, severity and
//! mode) and each rule's outcome is one `result`:
//!
//! | outcome | `kind` | `level` |
//! | --- | --- | --- |
//! | `fail` | `fail` | `error` (severity high or medium), `warning` (low) |
//! | `pass` | `pass` | `none` |
//! | `needs_evidence` | `review` | `none` |
//! | `incomplete` | `open` | `none` |
//! | `not_applicable` | `notApplicable` | `none` |
//!
//! A result's location is the rule file and line (from the rule's `origin`); the pages
//! behind the verdict are `relatedLocations`, each with its excerpt as message. Output is
//! checked against the OASIS SARIF 2.1.0 JSON schema in the tests.

use std::collections::HashMap;
use std::io::Write;

use serde_json::{json, Map, Value};
use zwgk_core::report::RuleReport;
use zwgk_core::rule::Severity;
use zwgk_core::{Outcome, Report};

use crate::{Renderer, ReportError};

/// The JSON schema URI written as `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// The SARIF renderer.
pub struct Sarif;

/// The SARIF level of a rule's failures: `error` for high and medium severity, else `warning`.
pub fn fail_level(severity: Severity) -> &'static str {
    match severity {
        Severity::High | Severity::Medium => "error",
        Severity::Low => "warning",
    }
}

/// The SARIF `kind` and `level` of an outcome.
pub fn kind_and_level(outcome: Outcome, severity: Severity) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Fail => ("fail", fail_level(severity)),
        Outcome::Pass => ("pass", "none"),
        Outcome::NeedsEvidence => ("review", "none"),
        Outcome::Incomplete => ("open", "none"),
        Outcome::NotApplicable => ("notApplicable", "none"),
    }
}

/// Split an `origin` (`path:line`) into the path and the line, when the part after the
/// last colon is a line number of at least 1.
pub fn split_origin(origin: &str) -> (&str, Option<u64>) {
    match origin.rsplit_once(':') {
        Some((path, line)) if !path.is_empty() => match line.parse::<u64>() {
            Ok(n) if n >= 1 => (path, Some(n)),
            _ => (origin, None),
        },
        _ => (origin, None),
    }
}

/// Percent-encode what a URI reference may not contain as is: spaces, controls,
/// non-ASCII and `"<>\^`{|}`. `%` is kept, so an already encoded URL stays as it is.
pub fn uri_reference(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let keep = c.is_ascii_graphic()
            && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}');
        if keep {
            out.push(c);
        } else {
            for b in c.encode_utf8(&mut [0; 4]).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The artifact URI of a rule file: relative paths as they are (with `/`), absolute
/// paths as `file://` URIs.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        format!("file://{}", uri_reference(&path))
    } else if path.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path, e.g. C:/rules/x.toml.
        format!("file:///{}", uri_reference(&path))
    } else {
        uri_reference(&path)
    }
}

/// The `要求` part of a `要求：…。结果：…` message, or the whole message.
pub(crate) fn requirement_of(message: &str) -> &str {
    let rest = message.strip_prefix("要求：").unwrap_or(message);
    match rest.find("。结果：") {
        Some(i) => &rest[..i],
        None => rest,
    }
}

fn source_text(r: &RuleReport) -> String {
    match &r.source.clause {
        Some(c) => format!("{}；{}", r.source.seed, c),
        None => r.source.seed.clone(),
    }
}

fn descriptor(task: u32, r: &RuleReport) -> Value {
    let requirement = requirement_of(&r.message);
    let source = source_text(r);
    let help_text = format!(
        "要求：{requirement}\n依据：{source}\n检查：{}\n规则文件：{}",
        r.check, r.origin
    );
    let help_markdown = format!(
        "**要求**：{}\n\n**依据**：{}\n\n**检查**：{}\n\n**规则文件**：{}",
        crate::escape::markdown(requirement),
        crate::escape::markdown(&source),
        crate::escape::code(&r.check),
        crate::escape::code(&r.origin)
    );
    json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": format!("{}：{requirement}（依据：{source}）", r.title) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": fail_level(r.severity) },
        "properties": {
            "task": task,
            "severity": crate::severity_str(r.severity),
            "mode": r.mode.as_str(),
            "tags": [format!("task-{task:02}"), r.mode.as_str()],
        },
    })
}

fn result(task: u32, r: &RuleReport, index: usize) -> Value {
    let (kind, level) = kind_and_level(r.outcome, r.severity);
    let mut out = Map::new();
    out.insert("ruleId".into(), json!(r.id));
    out.insert("ruleIndex".into(), json!(index));
    out.insert("kind".into(), json!(kind));
    out.insert("level".into(), json!(level));
    out.insert("message".into(), json!({ "text": r.message }));
    let (path, line) = split_origin(&r.origin);
    if !path.trim().is_empty() {
        let mut physical = json!({ "artifactLocation": { "uri": file_uri(path) } });
        if let Some(line) = line {
            physical["region"] = json!({ "startLine": line });
        }
        out.insert(
            "locations".into(),
            json!([{ "physicalLocation": physical }]),
        );
    }
    let related: Vec<Value> = r
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({
                "id": i,
                "physicalLocation": { "artifactLocation": { "uri": uri_reference(&e.url) } },
                "message": { "text": e.excerpt },
            })
        })
        .collect();
    if !related.is_empty() {
        out.insert("relatedLocations".into(), Value::Array(related));
    }
    out.insert(
        "properties".into(),
        json!({
            "task": task,
            "outcome": r.outcome.as_str(),
            "found": r.found,
            "check": r.check,
        }),
    );
    Value::Object(out)
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let mut rules = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (t, r) in report.rules() {
        if !index.contains_key(r.id.as_str()) {
            index.insert(&r.id, rules.len());
            rules.push(descriptor(t.task, r));
        }
    }
    let results: Vec<Value> = report
        .rules()
        .map(|(t, r)| result(t.task, r, index[r.id.as_str()]))
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "zwgk",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "automationDetails": {
                "id": format!("zwgk/{}/{}", report.rules_pack.id, report.as_of),
            },
            "results": results,
            "properties": {
                "target": report.target,
                "as_of": report.as_of.to_string(),
                "rules_pack": report.rules_pack.id,
                "plan": report.rules_pack.title,
                "year": report.rules_pack.year,
            },
        }],
    })
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
        out.write_all(b"\n").map_err(|source| ReportError::Io {
            path: "<output>".into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{sample, sample_full};
    use crate::schemas::{sarif_errors as errors, sarif_validator as validator};

    #[test]
    fn valid_against_sarif_schema() {
        let v = validator();
        for report in [sample(), sample_full()] {
            let bytes = Sarif.render_to_vec(&report).unwrap();
            let doc: Value = serde_json::from_slice(&bytes).unwrap();
            let errs = errors(&v, &doc);
            assert!(errs.is_empty(), "{errs:#?}");
        }
    }

    #[test]
    fn schema_rejects_broken_sarif() {
        let v = validator();
        let mut doc = to_value(&sample());
        assert!(errors(&v, &doc).is_empty());
        doc["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(
            !errors(&v, &doc).is_empty(),
            "a wrong level must be rejected"
        );
        let mut doc = to_value(&sample());
        doc["version"] = json!("2.0.0");
        assert!(
            !errors(&v, &doc).is_empty(),
            "a wrong version must be rejected"
        );
        let mut doc = to_value(&sample());
        doc["runs"][0]["results"][0]["kind"] = json!("failed");
        assert!(
            !errors(&v, &doc).is_empty(),
            "a wrong kind must be rejected"
        );
    }

    #[test]
    fn results_map_outcomes_and_locations() {
        let report = sample_full();
        let doc = to_value(&report);
        let run = &doc["runs"][0];
        assert_eq!(doc["$schema"], SCHEMA_URI);
        assert_eq!(run["tool"]["driver"]["name"], "zwgk");
        assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), report.rules().count());
        assert_eq!(rules.len(), report.rules().count());
        let by_id = |id: &str| results.iter().find(|r| r["ruleId"] == id).unwrap();
        let pairs = [
            ("t01", "fail", "error"),
            ("t03-low", "fail", "warning"),
            ("t03-pass", "pass", "none"),
            ("t03-inc", "open", "none"),
            ("t03-ne", "review", "none"),
            ("t03-na", "notApplicable", "none"),
        ];
        for (id, kind, level) in pairs {
            let r = by_id(id);
            assert_eq!(
                (r["kind"].as_str(), r["level"].as_str()),
                (Some(kind), Some(level)),
                "{id}"
            );
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], id);
        }
        let t01 = by_id("t01");
        assert_eq!(
            t01["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "rules/t01.toml"
        );
        assert_eq!(
            t01["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        assert_eq!(
            t01["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "http://whly.gd.gov.cn/a.html"
        );
        assert_eq!(
            t01["relatedLocations"][0]["message"]["text"],
            "标题 | <b>粗</b>"
        );
        let low = by_id("t03-low");
        assert_eq!(
            low["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "http://whly.gd.gov.cn/c%20%E9%A1%B5.html"
        );
        let na = by_id("t03-na");
        assert_eq!(
            na["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///abs/rules/t03%20na.toml:x"
        );
        assert!(na["locations"][0]["physicalLocation"]
            .get("region")
            .is_none());
        let d = &rules[by_id("t03-low")["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(d["defaultConfiguration"]["level"], "warning");
        assert_eq!(d["properties"]["task"], 3);
        assert_eq!(d["properties"]["severity"], "low");
        assert_eq!(d["shortDescription"]["text"], "t03-low 的标题");
        assert!(d["help"]["text"]
            .as_str()
            .unwrap()
            .contains("《政府信息公开条例》第十九条"));
        assert!(d["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("**要求**：栏目按时更新"));
    }

    #[test]
    fn origin_and_requirement_parsing() {
        assert_eq!(
            split_origin("rules/gd-whly-2021/task-10.toml:6"),
            ("rules/gd-whly-2021/task-10.toml", Some(6))
        );
        assert_eq!(split_origin("x.toml:0"), ("x.toml:0", None));
        assert_eq!(split_origin("x.toml"), ("x.toml", None));
        assert_eq!(split_origin(":3"), (":3", None));
        assert_eq!(file_uri("C:\\rules\\a.toml"), "file:///C:/rules/a.toml");
        assert_eq!(requirement_of("要求：公开。结果：未找到"), "公开");
        assert_eq!(requirement_of("其他"), "其他");
    }
}
