//! Spreadsheets (XLSX, XLS): every sheet, one line per row with cells separated by tabs,
//! and each sheet's grid as a table.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{self, Cursor};
use std::rc::Rc;

use calamine::{Data, DataRef, Reader, Xls, XlsError, Xlsx};

use crate::sink::{Budgeted, Sink};
use crate::{malformed, BodyKind, DocumentLimits, ExtractError, Extracted};

/// Rows of one sheet: row index → cells by column index.
type SparseSheet = BTreeMap<u32, BTreeMap<u32, String>>;

/// Widest grid padded to a rectangle; wider sheets keep ragged rows.
const MAX_PADDED_WIDTH: u32 = 256;

pub(crate) fn extract_xlsx(
    bytes: &[u8],
    limits: &DocumentLimits,
) -> Result<Extracted, ExtractError> {
    preflight_zip(bytes, limits.max_unzipped)?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| malformed(BodyKind::Xlsx, e))?;
    let mut out = Book::new(BodyKind::Xlsx, limits);
    for name in book.sheet_names() {
        if out.full() {
            break;
        }
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| malformed(BodyKind::Xlsx, e))?;
        let mut sheet = SparseSheet::new();
        loop {
            match cells.next_cell() {
                Ok(Some(cell)) => {
                    let text = match cell.get_value() {
                        DataRef::SharedString(s) => s.to_string(),
                        DataRef::String(s) => s.clone(),
                        DataRef::Int(i) => i.to_string(),
                        DataRef::Float(f) => number(*f),
                        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
                        DataRef::DateTime(d) => date(d),
                        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
                        DataRef::Error(e) => e.to_string(),
                        DataRef::Empty => String::new(),
                    };
                    if !out.add(&mut sheet, cell.get_position(), text) {
                        break;
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    // Keep the cells read so far.
                    out.cut = true;
                    break;
                }
            }
        }
        out.sheet(sheet);
    }
    Ok(out.finish())
}

pub(crate) fn extract_xls(
    bytes: &[u8],
    limits: &DocumentLimits,
) -> Result<Extracted, ExtractError> {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let needle = utf16("EncryptedPackage");
    if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
        return Err(ExtractError::Encrypted);
    }
    let bytes = crate::ole::guard(bytes).map_err(|e| malformed(BodyKind::Xls, e))?;
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes.as_ref())).map_err(|e| match e {
        XlsError::Password => ExtractError::Encrypted,
        e => malformed(BodyKind::Xls, e),
    })?;
    let mut out = Book::new(BodyKind::Xls, limits);
    for name in book.sheet_names() {
        if out.full() {
            break;
        }
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(XlsError::Password) => return Err(ExtractError::Encrypted),
            Err(e) => return Err(malformed(BodyKind::Xls, e)),
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut sheet = SparseSheet::new();
        'rows: for (r, row) in range.rows().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let text = match value {
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) => number(*f),
                    Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
                    Data::DateTime(d) => date(d),
                    Data::Error(e) => e.to_string(),
                    Data::Empty => continue,
                };
                let pos = (r0 + r as u32, c0 + c as u32);
                if !out.add(&mut sheet, pos, text) {
                    break 'rows;
                }
            }
        }
        out.sheet(sheet);
    }
    Ok(out.finish())
}

/// Decompress every member once, counting, so that calamine never inflates past
/// `max_unzipped`: a zip bomb is refused before it is read.
fn preflight_zip(bytes: &[u8], max_unzipped: usize) -> Result<(), ExtractError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| malformed(BodyKind::Xlsx, e))?;
    let left = Rc::new(Cell::new(max_unzipped));
    let hit = Rc::new(Cell::new(false));
    for i in 0..archive.len() {
        let Ok(member) = archive.by_index(i) else {
            continue;
        };
        if member.encrypted() {
            return Err(ExtractError::Encrypted);
        }
        let mut counted = Budgeted::new(member, left.clone(), hit.clone());
        let _ = io::copy(&mut counted, &mut io::sink());
        if hit.get() {
            return Err(ExtractError::TooLarge);
        }
    }
    Ok(())
}

/// Text and tables of a workbook, within the limits.
struct Book {
    kind: BodyKind,
    sink: Sink,
    tables: Vec<Vec<Vec<String>>>,
    /// Characters held in the current sheet before it is written.
    held: usize,
    max: usize,
    cut: bool,
}

impl Book {
    fn new(kind: BodyKind, limits: &DocumentLimits) -> Self {
        Book {
            kind,
            sink: Sink::new(limits.max_text_chars),
            tables: Vec::new(),
            held: 0,
            max: limits.max_text_chars,
            cut: false,
        }
    }

    fn full(&self) -> bool {
        self.sink.full() || self.cut
    }

    /// Add a cell; false once the text limit is reached.
    fn add(&mut self, sheet: &mut SparseSheet, (row, col): (u32, u32), text: String) -> bool {
        let text = text.trim().replace(['\t', '\r', '\n'], " ");
        if text.is_empty() {
            return true;
        }
        self.held += text.chars().count() + 1;
        sheet.entry(row).or_default().insert(col, text);
        if self.held > self.max {
            self.cut = true;
            return false;
        }
        true
    }

    fn sheet(&mut self, sheet: SparseSheet) {
        self.held = 0;
        if sheet.is_empty() {
            return;
        }
        let first_col = sheet
            .values()
            .filter_map(|r| r.keys().next())
            .min()
            .copied()
            .unwrap_or(0);
        let last_col = sheet
            .values()
            .filter_map(|r| r.keys().next_back())
            .max()
            .copied()
            .unwrap_or(0);
        let pad = last_col - first_col < MAX_PADDED_WIDTH;
        let mut grid = Vec::with_capacity(sheet.len());
        for cells in sheet.into_values() {
            let end = if pad {
                last_col
            } else {
                cells.keys().next_back().copied().unwrap_or(first_col)
            };
            let mut row = Vec::new();
            let mut cells = cells.into_iter().peekable();
            for col in first_col..=end {
                match cells.next_if(|(c, _)| *c == col) {
                    Some((_, text)) => row.push(text),
                    None => row.push(String::new()),
                }
            }
            grid.push(row);
        }
        if !self.sink.text.is_empty() {
            self.sink.newline();
            self.sink.push('\n');
        }
        for row in &grid {
            let line = row.join("\t");
            self.sink.push_str(line.trim_end_matches('\t'));
            self.sink.push('\n');
        }
        self.tables.push(grid);
    }

    fn finish(self) -> Extracted {
        let (text, truncated) = self.sink.finish();
        Extracted {
            kind: self.kind,
            text,
            tables: self.tables,
            truncated: truncated || self.cut,
        }
    }
}

/// A number as a spreadsheet shows it in the General format: integers without `.0`,
/// others to 15 significant digits without trailing zeros.
pub(crate) fn number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    // Round to 15 significant digits, then print the shortest form of that.
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    let s = rounded.to_string();
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

fn date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number(d.as_f64());
    }
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    if (h, min, s) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_as_shown() {
        assert_eq!(number(7295.0), "7295");
        assert_eq!(number(7295.08), "7295.08");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(-12.5), "-12.5");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(number(0.0), "0");
    }
}
