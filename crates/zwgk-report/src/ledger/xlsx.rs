//! The ledger as an XLSX workbook, written with `rust_xlsxwriter`.
//!
//! The first sheet, `台账`, has every row; then, for a scored pack, `评分` (the verdict
//! and what each scored rule cost) and, for a pack with a column survey, `栏目` (every
//! column and its state); then one sheet per division (in the order divisions first
//! appear) with that division's rows. The header row is bold and frozen,
//! columns have widths for their content, and cells wrap and align to the top.
//!
//! Every text cell is written as a string cell, never as a formula, so page or plan text
//! beginning with `=` cannot run; control characters other than tab and line feed are
//! dropped and a cell longer than Excel's 32,767 characters is cut with `…`. Sheet names
//! follow Excel's rules (see [`sheet_name`]).

use std::io::Write;

use rust_xlsxwriter::{Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet};
use zwgk_core::Report;

use super::{rows, Row, HEADERS};
use crate::{Renderer, ReportError};

/// The name of the sheet with all rows.
pub const ALL_SHEET: &str = "台账";

/// The name of the sheet with the inspection score.
pub const SCORE_SHEET: &str = "评分";

/// The name of the sheet with the column survey.
pub const COLUMNS_SHEET: &str = "栏目";

/// Headers of the score sheet's table.
const SCORE_HEADERS: [&str; 7] = ["指标", "规则", "规则名称", "类别", "结果", "问题数", "分值"];

/// Headers of the column sheet.
const COLUMN_HEADERS: [&str; 9] = [
    "栏目",
    "地址",
    "条目数",
    "无日期条目",
    "最新日期",
    "距评估日天数",
    "类别",
    "更新时限（天）",
    "状态",
];

/// Excel's limit on a sheet name, in UTF-16 code units.
pub const MAX_SHEET_NAME: usize = 31;

/// Excel's limit on a cell's text, in UTF-16 code units.
pub const MAX_CELL_TEXT: usize = 32_767;

/// Column widths, in characters, in [`HEADERS`] order.
const WIDTHS: [f64; 9] = [6.0, 9.0, 24.0, 50.0, 18.0, 10.0, 11.0, 48.0, 48.0];

/// The XLSX ledger renderer.
pub struct Xlsx;

/// A sheet name Excel accepts, made from `name` and unique among `taken` (compared
/// without case): `[]:*?/\` become `_`, apostrophes at either end and surrounding spaces
/// are removed, the name is cut to 31 UTF-16 units, an empty name becomes `部门`, and the
/// reserved `History` or a clash gets a ` (2)`, ` (3)`, … suffix.
pub fn sheet_name(name: &str, taken: &[String]) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut base = cleaned.trim().trim_matches('\'').trim().to_string();
    if base.is_empty() {
        base = "部门".to_string();
    }
    let clashes = |candidate: &str| {
        candidate.to_lowercase() == "history"
            || taken
                .iter()
                .any(|t| t.to_lowercase() == candidate.to_lowercase())
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let room = MAX_SHEET_NAME - suffix.encode_utf16().count();
        let head = cut_utf16(&base, room);
        let head = head.trim_end().trim_end_matches('\'');
        let candidate = format!("{head}{suffix}");
        if !candidate.is_empty() && !clashes(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// The longest prefix of `s` of at most `max` UTF-16 units.
fn cut_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

/// A cell's text: control characters other than tab and line feed dropped, cut to
/// Excel's limit.
pub fn cell_text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect();
    if cleaned.encode_utf16().count() <= MAX_CELL_TEXT {
        cleaned
    } else {
        format!("{}…", cut_utf16(&cleaned, MAX_CELL_TEXT - 1))
    }
}

struct Formats {
    header: CellFormat,
    text: CellFormat,
    number: CellFormat,
}

fn fill(sheet: &mut Worksheet, rows: &[&Row], f: &Formats) -> Result<(), ReportError> {
    for (col, (h, w)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *h, &f.header)?;
        sheet.set_column_width(col, w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        sheet.write_number_with_format(r, 0, row.number as f64, &f.number)?;
        sheet.write_number_with_format(r, 1, f64::from(row.task), &f.number)?;
        for (col, cell) in row.cells().iter().enumerate().skip(2) {
            sheet.write_string_with_format(r, col as u16, cell_text(cell), &f.text)?;
        }
    }
    let last_row = rows.len() as u32;
    sheet.autofilter(0, 0, last_row, (HEADERS.len() - 1) as u16)?;
    Ok(())
}

/// Write a header row at `row` with widths.
fn headers(
    sheet: &mut Worksheet,
    row: u32,
    names: &[&str],
    widths: &[f64],
    f: &Formats,
) -> Result<(), ReportError> {
    for (col, (h, w)) in names.iter().zip(widths).enumerate() {
        sheet.write_string_with_format(row, col as u16, *h, &f.header)?;
        sheet.set_column_width(col as u16, *w)?;
    }
    Ok(())
}

/// The score sheet: the verdict line, then one row per scored rule.
fn fill_score(
    sheet: &mut Worksheet,
    score: &zwgk_core::report::ScoreReport,
    f: &Formats,
) -> Result<(), ReportError> {
    use zwgk_core::report::ScoreLayer;
    use zwgk_core::score::show;
    let verdict = format!(
        "{}：{}。得分{}（满分{}，扣{}，合格线{}）",
        score.verdict_label,
        score.reason,
        show(score.score),
        show(score.full_marks),
        show(score.deducted),
        show(score.pass_mark)
    );
    sheet.merge_range(
        0,
        0,
        0,
        (SCORE_HEADERS.len() - 1) as u16,
        &cell_text(&verdict),
        &f.header,
    )?;
    sheet.set_row_height(0, 36)?;
    headers(
        sheet,
        2,
        &SCORE_HEADERS,
        &[6.0, 30.0, 40.0, 10.0, 10.0, 8.0, 8.0],
        f,
    )?;
    sheet.set_freeze_panes(3, 0)?;
    for (i, item) in score.items.iter().enumerate() {
        let r = (i + 3) as u32;
        let signed = match item.layer {
            ScoreLayer::Deduction => -item.points,
            _ => item.points,
        };
        sheet.write_number_with_format(r, 0, f64::from(item.task), &f.number)?;
        sheet.write_string_with_format(r, 1, cell_text(&item.rule), &f.text)?;
        sheet.write_string_with_format(r, 2, cell_text(&item.title), &f.text)?;
        sheet.write_string_with_format(r, 3, item.layer.label(), &f.text)?;
        sheet.write_string_with_format(r, 4, item.outcome.label_zh(), &f.text)?;
        sheet.write_number_with_format(r, 5, item.findings as f64, &f.number)?;
        sheet.write_number_with_format(r, 6, signed, &f.number)?;
    }
    Ok(())
}

/// The column sheet: one row per column.
fn fill_columns(
    sheet: &mut Worksheet,
    columns: &[zwgk_core::report::ColumnReport],
    f: &Formats,
) -> Result<(), ReportError> {
    headers(
        sheet,
        0,
        &COLUMN_HEADERS,
        &[18.0, 48.0, 8.0, 8.0, 12.0, 8.0, 14.0, 10.0, 10.0],
        f,
    )?;
    sheet.set_freeze_panes(1, 0)?;
    for (i, c) in columns.iter().enumerate() {
        let r = (i + 1) as u32;
        sheet.write_string_with_format(r, 0, cell_text(&c.name), &f.text)?;
        sheet.write_string_with_format(r, 1, cell_text(&c.url), &f.text)?;
        sheet.write_number_with_format(r, 2, c.items as f64, &f.number)?;
        sheet.write_number_with_format(r, 3, c.undated as f64, &f.number)?;
        let newest = c.newest.map(|d| d.to_string()).unwrap_or_default();
        sheet.write_string_with_format(r, 4, newest, &f.text)?;
        match c.age_days {
            Some(a) => sheet.write_number_with_format(r, 5, a as f64, &f.number)?,
            None => sheet.write_string_with_format(r, 5, "", &f.text)?,
        };
        sheet.write_string_with_format(
            r,
            6,
            cell_text(c.kind.as_deref().unwrap_or("")),
            &f.text,
        )?;
        match c.max_age_days {
            Some(d) => sheet.write_number_with_format(r, 7, d as f64, &f.number)?,
            None => sheet.write_string_with_format(r, 7, "", &f.text)?,
        };
        sheet.write_string_with_format(r, 8, c.state.label(), &f.text)?;
    }
    sheet.autofilter(
        0,
        0,
        columns.len() as u32,
        (COLUMN_HEADERS.len() - 1) as u16,
    )?;
    Ok(())
}

/// Build the workbook and return its bytes.
///
/// # Errors
/// When the XLSX writer fails.
pub fn to_bytes(report: &Report) -> Result<Vec<u8>, ReportError> {
    let all = rows(report);
    let f = Formats {
        header: CellFormat::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(0xD9E1F2)
            .set_border(FormatBorder::Thin),
        text: CellFormat::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin),
        number: CellFormat::new()
            .set_align(FormatAlign::Top)
            .set_align(FormatAlign::Center)
            .set_border(FormatBorder::Thin),
    };
    let mut workbook = Workbook::new();
    let mut taken = vec![ALL_SHEET.to_string()];
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(ALL_SHEET)?;
        fill(sheet, &all.iter().collect::<Vec<_>>(), &f)?;
    }
    if let Some(score) = &report.score {
        taken.push(SCORE_SHEET.to_string());
        let sheet = workbook.add_worksheet();
        sheet.set_name(SCORE_SHEET)?;
        fill_score(sheet, score, &f)?;
    }
    if !report.columns.is_empty() {
        taken.push(COLUMNS_SHEET.to_string());
        let sheet = workbook.add_worksheet();
        sheet.set_name(COLUMNS_SHEET)?;
        fill_columns(sheet, &report.columns, &f)?;
    }
    let mut divisions: Vec<&str> = Vec::new();
    for row in &all {
        if !divisions.contains(&row.division.as_str()) {
            divisions.push(&row.division);
        }
    }
    for division in divisions {
        let name = sheet_name(division, &taken);
        taken.push(name.clone());
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        let mine: Vec<&Row> = all.iter().filter(|r| r.division == division).collect();
        fill(sheet, &mine, &f)?;
    }
    Ok(workbook.save_to_buffer()?)
}

impl Renderer for Xlsx {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
        out.write_all(&to_bytes(report)?)
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
    use calamine::{Data, Reader};

    fn open(bytes: Vec<u8>) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap()
    }

    fn text(d: &Data) -> String {
        match d {
            Data::String(s) => s.clone(),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn reads_back_with_calamine() {
        let report = sample_full();
        let mut wb = open(to_bytes(&report).unwrap());
        let names = wb.sheet_names();
        assert_eq!(names[0], ALL_SHEET);
        let divisions: Vec<String> = rows(&report).iter().fold(Vec::new(), |mut v, r| {
            if !v.contains(&r.division) {
                v.push(r.division.clone());
            }
            v
        });
        assert_eq!(names.len(), 1 + divisions.len(), "{names:?}");
        for n in &names {
            assert!(n.encode_utf16().count() <= 31, "{n}");
            assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
            assert_ne!(n.to_lowercase(), "history");
        }

        let all = wb.worksheet_range(ALL_SHEET).unwrap();
        let header: Vec<String> = all.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(header, HEADERS);
        let expected: usize = report.tasks.iter().map(|t| t.divisions.all().len()).sum();
        assert_eq!(all.height(), 1 + expected);
        let first: Vec<String> = all.rows().nth(1).unwrap().iter().map(text).collect();
        assert_eq!(first[0], "1");
        assert_eq!(first[2], "做好各类规划主动公开");
        assert_eq!(first[4], "政策法规处");
        assert_eq!(first[6], "不通过");

        // The injected formula is a plain string cell, not a formula.
        let cmd = all
            .rows()
            .flat_map(|r| r.iter())
            .find(|d| text(d).starts_with("=cmd|"))
            .expect("the =cmd| text is kept as text");
        assert!(matches!(cmd, Data::String(_)));
        let formulas = wb.worksheet_formula(ALL_SHEET).unwrap();
        assert!(
            formulas.rows().flat_map(|r| r.iter()).all(|f| f.is_empty()),
            "no formula cells"
        );

        // A division sheet: its rows only, Chinese intact.
        let office = wb.worksheet_range("办公室").unwrap();
        let office_rows = rows(&report)
            .iter()
            .filter(|r| r.division == "办公室")
            .count();
        assert_eq!(office.height(), 1 + office_rows);
        assert!(office.rows().skip(1).all(|r| text(&r[4]) == "办公室"));
        let long = names
            .iter()
            .find(|n| n.starts_with("产业发展处_科技处_旅游_"))
            .expect("long division name shortened");
        assert_eq!(long.encode_utf16().count(), 31);
        assert!(names.iter().any(|n| n == "History (2)"), "{names:?}");
    }

    #[test]
    fn score_and_column_sheets() {
        let report = crate::sample::sample_scored();
        let mut wb = open(to_bytes(&report).unwrap());
        let names = wb.sheet_names();
        assert_eq!(&names[..3], [ALL_SHEET, SCORE_SHEET, COLUMNS_SHEET]);
        let score = wb.worksheet_range(SCORE_SHEET).unwrap();
        let verdict = text(score.get((0, 0)).unwrap());
        assert!(
            verdict.starts_with("不合格：单项否决：w09-stale-columns。得分97.5"),
            "{verdict}"
        );
        let header: Vec<String> = score.rows().nth(2).unwrap().iter().map(text).collect();
        assert_eq!(header, SCORE_HEADERS);
        let links: Vec<String> = score.rows().nth(4).unwrap().iter().map(text).collect();
        assert_eq!(links[1], "w03-home-page-links-available");
        assert_eq!((links[5].as_str(), links[6].as_str()), ("5", "-2.5"));
        let columns = wb.worksheet_range(COLUMNS_SHEET).unwrap();
        assert_eq!(columns.height(), 1 + report.columns.len());
        let hostile: Vec<String> = columns.rows().nth(2).unwrap().iter().map(text).collect();
        assert_eq!(hostile[0], "<script>alert(1)</script>|栏目", "kept as text");
        assert_eq!(
            (hostile[4].as_str(), hostile[8].as_str()),
            ("2021-11-02", "未及时更新")
        );
        // A report without them has neither sheet.
        let plain = open(to_bytes(&sample_full()).unwrap());
        assert!(!plain
            .sheet_names()
            .iter()
            .any(|n| n == SCORE_SHEET || n == COLUMNS_SHEET));
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let taken = vec!["台账".to_string()];
        assert_eq!(sheet_name("政策法规处", &taken), "政策法规处");
        assert_eq!(sheet_name("台账", &taken), "台账 (2)");
        assert_eq!(sheet_name("a/b[c]:d*e?f\\g", &taken), "a_b_c__d_e_f_g");
        assert_eq!(sheet_name("'quoted'", &taken), "quoted");
        assert_eq!(sheet_name("''", &taken), "部门");
        assert_eq!(sheet_name("history", &taken), "history (2)");
        let long = "一二三四五六七八九十".repeat(4);
        let once = sheet_name(&long, &taken);
        assert_eq!(once.chars().count(), 31);
        let twice = sheet_name(&long, std::slice::from_ref(&once));
        assert_eq!(twice.encode_utf16().count(), 31);
        assert!(twice.ends_with(" (2)"));
        let emoji = "😀".repeat(20);
        assert!(sheet_name(&emoji, &taken).encode_utf16().count() <= 31);
        for n in [once, twice] {
            rust_xlsxwriter::utility::check_sheet_name(&n).unwrap();
        }
    }

    #[test]
    fn long_and_control_text_is_cut_and_cleaned() {
        let s = "字".repeat(40_000);
        let c = cell_text(&s);
        assert_eq!(c.encode_utf16().count(), MAX_CELL_TEXT);
        assert!(c.ends_with('…'));
        assert_eq!(cell_text("a\u{1}b\nc"), "ab\nc");
        let mut report = sample_full();
        report.tasks[0].requirement = s;
        assert!(to_bytes(&report).is_ok());
    }
}
