//! DOCX text: `word/document.xml` read as a stream, paragraphs (`w:p`) as lines, runs'
//! text (`w:t`), tabs and breaks; tables (`w:tbl`/`w:tr`/`w:tc`) as grids and as lines of
//! tab-separated cells.

use std::cell::Cell;
use std::io::{BufReader, Cursor, Read};
use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::sink::{Budgeted, Sink};
use crate::{malformed, BodyKind, DocumentLimits, ExtractError, Extracted};

/// Deepest table nesting kept.
const MAX_TABLE_DEPTH: usize = 16;

pub(crate) fn extract(bytes: &[u8], limits: &DocumentLimits) -> Result<Extracted, ExtractError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| malformed(BodyKind::Docx, e))?;
    // The main part is `word/document.xml`; some editors write `word/document2.xml`.
    let name = if archive.index_for_name("word/document.xml").is_some() {
        "word/document.xml".to_string()
    } else {
        archive
            .file_names_raw()
            .map(String::from_utf8_lossy)
            .find(|n| n.starts_with("word/document") && n.ends_with(".xml"))
            .map(|n| n.into_owned())
            .ok_or_else(|| malformed(BodyKind::Docx, "no word/document.xml"))?
    };
    let member = archive
        .by_name(&name)
        .map_err(|e| malformed(BodyKind::Docx, format!("{name}: {e}")))?;
    if member.encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let left = Rc::new(Cell::new(limits.max_unzipped));
    let hit = Rc::new(Cell::new(false));
    let reader = Budgeted::new(member, left, hit.clone());
    let mut doc = DocxText::new(limits.max_text_chars);
    let parsed = doc.read(BufReader::new(reader));
    if let Err(reason) = parsed {
        // Nothing read at all: not a document. Otherwise keep what came out.
        if doc.sink.text.is_empty() && doc.tables.is_empty() && !hit.get() {
            return Err(malformed(BodyKind::Docx, reason));
        }
        doc.cut = true;
    }
    let tables = std::mem::take(&mut doc.tables);
    let cut = doc.cut || hit.get();
    let (text, truncated) = doc.sink.finish();
    Ok(Extracted {
        kind: BodyKind::Docx,
        text,
        tables,
        truncated: truncated || cut,
    })
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Option<Vec<String>>,
    cell: Option<String>,
    /// Extra empty cells after the current one (`w:gridSpan` − 1).
    span: usize,
}

struct DocxText {
    sink: Sink,
    tables: Vec<Vec<Vec<String>>>,
    open: Vec<Table>,
    /// Text of the paragraph being read.
    para: String,
    in_text: bool,
    /// Depth inside elements whose content is not document text (`mc:Fallback`, deleted
    /// runs, field instructions, tab stop definitions).
    skip: usize,
    /// Characters held in paragraphs and tables not yet written out.
    held: usize,
    max: usize,
    cut: bool,
}

fn local(name: &str) -> &str {
    match name.rfind(':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn attr_val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == "val")
        .map(|a| a.value.to_string())
}

impl DocxText {
    fn new(max: usize) -> Self {
        DocxText {
            sink: Sink::new(max),
            tables: Vec::new(),
            open: Vec::new(),
            para: String::new(),
            in_text: false,
            skip: 0,
            held: 0,
            max,
            cut: false,
        }
    }

    fn read<R: Read>(&mut self, input: BufReader<R>) -> Result<(), String> {
        let mut xml = Reader::from_reader(input);
        let mut buf = Vec::new();
        loop {
            if self.sink.full() {
                self.cut = true;
                return Ok(());
            }
            if self.held > self.max {
                // Too much held back in one paragraph or table: write what there is.
                self.flush_para();
                self.flush_open_tables();
                self.cut = true;
                return Ok(());
            }
            buf.clear();
            let event = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
            match event {
                Event::Start(e) => self.start(&e, false),
                Event::Empty(e) => self.start(&e, true),
                Event::End(e) => self.end(local(e.name().as_ref())),
                Event::Text(t) if self.in_text && self.skip == 0 => {
                    self.add(&t.xml10_content());
                }
                Event::CData(t) if self.in_text && self.skip == 0 => {
                    self.add(&t);
                }
                Event::GeneralRef(r) if self.in_text && self.skip == 0 => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.xml10_content().as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        self.add(c.encode_utf8(&mut [0; 4]));
                    }
                }
                Event::Eof => {
                    self.flush_para();
                    return Ok(());
                }
                _ => {}
            }
        }
    }

    fn add(&mut self, s: &str) {
        self.held += s.chars().count();
        self.para.push_str(s);
    }

    fn in_table(&self) -> bool {
        self.open.last().is_some_and(|t| t.cell.is_some())
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        let name = local(name.as_ref());
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            "Fallback" | "del" | "delText" | "instrText" | "rPrChange" | "pPrChange" | "tabs"
                if !empty =>
            {
                self.skip = 1;
            }
            "t" => self.in_text = !empty,
            "tab" if !self.in_text => {
                let sep = if self.in_table() { " " } else { "\t" };
                self.add(sep);
            }
            "br" | "cr" => {
                let sep = if self.in_table() { " " } else { "\n" };
                self.add(sep);
            }
            "noBreakHyphen" => self.add("-"),
            "p" if empty => self.flush_para(),
            "tbl" if !empty => {
                self.flush_para();
                if self.open.len() < MAX_TABLE_DEPTH {
                    self.open.push(Table::default());
                }
            }
            "tr" if !empty => {
                if let Some(t) = self.open.last_mut() {
                    t.row = Some(Vec::new());
                }
            }
            "tc" => {
                if let Some(t) = self.open.last_mut() {
                    t.cell = Some(String::new());
                    t.span = 0;
                }
                if empty {
                    self.end("tc");
                }
            }
            "gridSpan" => {
                let n = attr_val(e)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1);
                if let Some(t) = self.open.last_mut() {
                    t.span = n.clamp(1, 64) - 1;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "t" => self.in_text = false,
            "p" => self.flush_para(),
            "tc" => {
                self.flush_para();
                if let Some(t) = self.open.last_mut() {
                    if let Some(cell) = t.cell.take() {
                        let row = t.row.get_or_insert_with(Vec::new);
                        row.push(cell.trim().to_string());
                        for _ in 0..t.span {
                            row.push(String::new());
                        }
                        t.span = 0;
                    }
                }
            }
            "tr" => {
                if let Some(t) = self.open.last_mut() {
                    if let Some(row) = t.row.take() {
                        t.rows.push(row);
                    }
                }
            }
            "tbl" => {
                let Some(t) = self.open.pop() else { return };
                let lines: Vec<String> = t
                    .rows
                    .iter()
                    .map(|r| {
                        let cells: Vec<String> = r.iter().map(|c| c.replace('\n', " ")).collect();
                        cells.join("\t")
                    })
                    .collect();
                if let Some(outer) = self.open.last_mut() {
                    // A nested table's text stays inside the outer cell.
                    if let Some(cell) = outer.cell.as_mut() {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(&lines.join(" ").replace('\t', " "));
                    }
                } else {
                    for line in &lines {
                        self.sink.newline();
                        self.sink.push_str(line.trim_end_matches('\t'));
                    }
                    self.sink.newline();
                    self.held = 0;
                }
                if !t.rows.is_empty() {
                    self.tables.push(t.rows);
                }
            }
            _ => {}
        }
    }

    /// Write the rows of the tables still open (the text stops here).
    fn flush_open_tables(&mut self) {
        let open = std::mem::take(&mut self.open);
        for mut t in open {
            if let Some(mut row) = t.row.take() {
                row.extend(t.cell.take());
                t.rows.push(row);
            }
            for row in &t.rows {
                self.sink.newline();
                self.sink.push_str(&row.join("\t").replace('\n', " "));
            }
            if !t.rows.is_empty() {
                self.tables.push(t.rows);
            }
        }
    }

    /// End the paragraph: into the open table cell, or a line of the text.
    fn flush_para(&mut self) {
        let para = std::mem::take(&mut self.para);
        if let Some(cell) = self.open.last_mut().and_then(|t| t.cell.as_mut()) {
            let para = para.trim();
            if !para.is_empty() {
                if !cell.is_empty() {
                    cell.push('\n');
                }
                cell.push_str(para);
            }
            return;
        }
        if self.open.is_empty() {
            self.held = 0;
        }
        let para = para.trim_end();
        if !para.trim().is_empty() {
            self.sink.newline();
            self.sink.push_str(para);
            self.sink.newline();
        }
    }
}
