//! JSON: the report model as is (see `SCHEMA.md`), pretty-printed, UTF-8.
//!
//! serde_json escapes control characters and quotes, so page text cannot break
//! the document.

use std::io::Write;

use zwgk_core::Report;

use crate::{Renderer, ReportError};

/// The JSON renderer.
pub struct Json;

impl Renderer for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        out.write_all(b"\n").map_err(|source| ReportError::Io {
            path: "<output>".into(),
            source,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample;

    #[test]
    fn round_trips_and_names_documented_fields() {
        let report = sample();
        let bytes = Json.render_to_vec(&report).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for key in [
            "schema_version",
            "target",
            "as_of",
            "rules_pack",
            "summary",
            "tasks",
            "by_division",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        let t = &v["tasks"][0];
        for key in ["task", "title", "divisions", "outcome", "rules"] {
            assert!(t.get(key).is_some(), "missing tasks[].{key}");
        }
        assert!(t["divisions"].get("lead").is_some() && t["divisions"].get("others").is_some());
        let r = &t["rules"][0];
        for key in ["id", "mode", "outcome", "message", "evidence"] {
            assert!(r.get(key).is_some(), "missing rules[].{key}");
        }
        assert_eq!(r["evidence"][0]["url"], "http://whly.gd.gov.cn/a.html");
        assert!(r["evidence"][0].get("excerpt").is_some());
        assert_eq!(v["as_of"], "2022-02-01");
        let back: Report = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, report);
    }
}
