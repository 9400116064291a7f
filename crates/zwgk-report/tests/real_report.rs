//! Every format rendered from a real report: `tests/data/mini-2021-faulty.json` is the
//! JSON report of the faulty mini portal, made with
//!
//! ```text
//! zwgk scan fixtures/portals/mini-2021-faulty/whly.gd.gov.cn --rules rules/gd-whly-2021 \
//!     --as-of 2022-02-01 --format json -q
//! ```
//!
//! (remake it when the JSON schema version changes). Each output is read back with an
//! independent reader and checked against the report.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};
use serde_json::{json, Value};
use zwgk_core::{Outcome, Report};
use zwgk_report::Format;

#[path = "support/schemas.rs"]
mod schemas;

fn report() -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mini-2021-faulty.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn render(report: &Report, format: Format) -> Vec<u8> {
    format.renderer().render_to_vec(report).unwrap()
}

/// Rows of the ledger: one per task and distinct division.
fn ledger_rows(report: &Report) -> usize {
    report
        .tasks
        .iter()
        .map(|t| t.divisions.all().len().max(1))
        .sum()
}

#[test]
fn junit_counts_match_the_report() {
    let report = report();
    let xml = String::from_utf8(render(&report, Format::Junit)).unwrap();
    if let Some(ok) = schemas::xmllint(&xml) {
        assert!(ok, "xmllint rejected the JUnit output");
    }
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    let rules = report.rules().count();
    let no_rule = report.tasks.iter().filter(|t| t.rules.is_empty()).count();
    assert_eq!(
        root.attribute("tests"),
        Some((rules + no_rule).to_string().as_str())
    );
    assert_eq!(
        root.attribute("failures"),
        Some(report.summary.rules.fail.to_string().as_str())
    );
    assert_eq!(
        root.attribute("errors"),
        Some(report.summary.rules.incomplete.to_string().as_str())
    );
    let suites = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .count();
    assert_eq!(suites, report.tasks.len());
    let t10 = root
        .children()
        .find(|n| {
            n.attribute("name")
                .is_some_and(|n| n.starts_with("任务10 "))
        })
        .unwrap();
    let case = t10
        .children()
        .find(|n| n.attribute("name") == Some("t10-plan-interpretation-timely"))
        .unwrap();
    assert_eq!(case.attribute("classname"), Some("gd-whly-2021.task-10"));
    let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
    let body = failure.text().unwrap();
    assert!(body.contains("rules/gd-whly-2021/task-10.toml:6"), "{body}");
    assert!(
        body.contains("http://whly.gd.gov.cn/open_newjhgh/content/post_3683111.html"),
        "{body}"
    );
}

#[test]
fn sarif_results_match_the_report() {
    let report = report();
    let doc: Value = serde_json::from_slice(&render(&report, Format::Sarif)).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report.rules().count());
    let v = schemas::sarif_validator();
    let errors = schemas::sarif_errors(&v, &doc);
    assert!(errors.is_empty(), "{errors:#?}");
    let fails = results.iter().filter(|r| r["kind"] == "fail").count();
    assert_eq!(fails, report.summary.rules.fail);
    let reviews = results.iter().filter(|r| r["kind"] == "review").count();
    assert_eq!(reviews, report.summary.rules.needs_evidence);
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "t10-plan-interpretation-timely")
        .unwrap();
    assert_eq!(r["level"], "error", "medium severity");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        json!("rules/gd-whly-2021/task-10.toml")
    );
    assert_eq!(loc["region"]["startLine"], 6);
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            doc["runs"][0]["tool"]["driver"]["rules"][i]["id"],
            r["ruleId"]
        );
    }
}

#[test]
fn csv_ledger_reads_back() {
    let report = report();
    let bytes = render(&report, Format::Csv);
    let body = bytes.strip_prefix("\u{FEFF}".as_bytes()).expect("BOM");
    let mut reader = csv::Reader::from_reader(body);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        zwgk_report::ledger::HEADERS
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), ledger_rows(&report));
    let t4: Vec<_> = records.iter().filter(|r| &r[1] == "4").collect();
    assert_eq!(t4.len(), 2);
    assert_eq!((&t4[0][4], &t4[0][5]), ("文化市场综合执法监督处", "牵头"));
    assert_eq!(&t4[1][5], "配合");
    assert_eq!(&t4[0][6], Outcome::Fail.label_zh());
    assert!(t4[0][7].starts_with("不通过 t04-"), "{}", &t4[0][7]);
    assert!(t4[0][8].starts_with("对照要求整改（t04-"), "{}", &t4[0][8]);
}

#[test]
fn xlsx_ledger_reads_back() {
    let report = report();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(render(&report, Format::Xlsx))).unwrap();
    let names = wb.sheet_names();
    let divisions: BTreeSet<&str> = report
        .tasks
        .iter()
        .flat_map(|t| t.divisions.all())
        .collect();
    assert_eq!(names[0], "台账");
    assert_eq!(names.len(), 1 + divisions.len(), "{names:?}");
    let all = wb.worksheet_range("台账").unwrap();
    assert_eq!(all.height(), 1 + ledger_rows(&report));
    let sheet = wb.worksheet_range("财务处").unwrap();
    let finance = all
        .rows()
        .skip(1)
        .filter(|r| r[4] == Data::String("财务处".into()))
        .count();
    assert!(finance > 0);
    assert_eq!(sheet.height(), 1 + finance);
    assert_eq!(sheet.get((0, 8)), Some(&Data::String("整改建议".into())));
    // `厅机关各处（室）` has full-width brackets, which Excel allows in sheet names.
    assert!(names.iter().any(|n| n == "厅机关各处（室）"), "{names:?}");
}
