//! The ledger as CSV: RFC 4180 (comma-separated, CRLF line ends, fields with a comma,
//! quote or line break in double quotes, quotes doubled), UTF-8 with a byte-order mark so
//! Excel shows the Chinese text.
//!
//! Cells are guarded against formula injection: a cell that begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet shows it as text
//! instead of running it. Control characters other than tab and line feed are dropped.

use std::io::Write;

use zwgk_core::Report;

use super::{rows, HEADERS};
use crate::{Renderer, ReportError};

/// The UTF-8 byte-order mark written first.
pub const BOM: &str = "\u{FEFF}";

/// The CSV ledger renderer.
pub struct Csv;

/// A cell's text, neutralised: a leading `'` before a formula trigger, control
/// characters other than tab and line feed dropped.
pub fn neutralise(cell: &str) -> String {
    let cleaned: String = cell
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect();
    // Judged on the raw cell, so a carriage return removed above still counts.
    let trigger = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    ) || matches!(cleaned.chars().next(), Some('=' | '+' | '-' | '@' | '\t'));
    if trigger {
        format!("'{cleaned}")
    } else {
        cleaned
    }
}

/// One RFC 4180 field: quoted when it holds a comma, a quote or a line break.
fn field(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

fn line(cells: impl IntoIterator<Item = String>) -> String {
    let mut s = cells
        .into_iter()
        .map(|c| field(&neutralise(&c)))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

/// Render to a string (BOM first).
pub fn to_string(report: &Report) -> String {
    let mut s = String::from(BOM);
    s.push_str(&line(HEADERS.iter().map(|h| h.to_string())));
    for row in rows(report) {
        s.push_str(&line(row.cells()));
    }
    s
}

impl Renderer for Csv {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        out.write_all(to_string(report).as_bytes())
            .map_err(|source| ReportError::Io {
                path: "<output>".into(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_full;

    #[test]
    fn reads_back_with_the_csv_crate() {
        let report = sample_full();
        let bytes = Csv.render_to_vec(&report).unwrap();
        assert!(bytes.starts_with(BOM.as_bytes()));
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(&bytes[BOM.len()..]);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(headers, HEADERS);
        let records: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let expected: usize = report.tasks.iter().map(|t| t.divisions.all().len()).sum();
        assert_eq!(records.len(), expected);
        assert!(records.iter().all(|r| r.len() == HEADERS.len()));
        let first = &records[0];
        assert_eq!(&first[0], "1");
        assert_eq!(&first[2], "做好各类规划主动公开");
        assert_eq!(&first[4], "政策法规处");
        assert_eq!(&first[5], "牵头");
        assert_eq!(&first[6], "不通过");
        assert_eq!(&first[8], "对照要求整改（t01）：公开");
        let t3: Vec<_> = records.iter().filter(|r| &r[1] == "3").collect();
        assert_eq!(&t3[0][2], "'=SUM(1+1) 加强平台建设", "formula neutralised");
        assert_eq!(
            &t3[0][3], "'-2 栏目按时更新\n\"引号\", 逗号",
            "quotes, comma, line break kept"
        );
        assert_eq!(&t3[1][5], "配合");
        let evidence = &t3[0][7];
        assert!(evidence.contains("evidence:task-3"), "{evidence}");
        let t4 = records.iter().find(|r| &r[1] == "4").unwrap();
        assert_eq!(&t4[2], "'+年报");
        for r in &records {
            for cell in r.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "unguarded cell {cell:?}"
                );
            }
        }
    }

    #[test]
    fn neutralises_formula_cells() {
        assert_eq!(neutralise("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\r=1"), "'=1");
        assert_eq!(neutralise("a\u{0}b"), "ab");
        assert_eq!(neutralise("政务公开"), "政务公开");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
    }
}
