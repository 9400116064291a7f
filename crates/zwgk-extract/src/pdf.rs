//! PDF text: content streams interpreted for their text operators, codes mapped to Unicode
//! through each font's `/ToUnicode` CMap (the Identity-H CID fonts of Chinese government
//! PDFs); without one, through the predefined CMap its `/Encoding` names (UCS-2, GBK,
//! Big5), the Adobe-GB1 or Adobe-CNS1 collection its CIDs number, the `cmap` table of its
//! embedded font program, or, for a simple font, its base encoding (or the built-in
//! encoding of its embedded Type 1 or CFF program) and `/Differences`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use crate::cid_collection::Collection;
use crate::cmap::ToUnicode;
use crate::font_program::{self, GlyphNames};
use crate::sfnt;
use crate::simple_encoding::{Base, SimpleEncoding};
use crate::sink::Sink;
use crate::{malformed, BodyKind, DocumentLimits, ExtractError, Extracted};

/// Deepest nesting of form XObjects followed.
const MAX_FORM_DEPTH: usize = 8;

pub(crate) fn extract(bytes: &[u8], limits: &DocumentLimits) -> Result<Extracted, ExtractError> {
    if !bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        return Err(malformed(BodyKind::Pdf, "no %PDF- header"));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_unzipped),
        ..LoadOptions::default()
    };
    let doc =
        Document::load_mem_with_options(bytes, options).map_err(|e| malformed(BodyKind::Pdf, e))?;
    if doc.trailer.has(b"Encrypt") && !doc.was_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(malformed(BodyKind::Pdf, "no pages"));
    }
    let mut reader = PageReader {
        doc: &doc,
        sink: Sink::new(limits.max_text_chars),
        budget: limits.max_unzipped,
        cut: false,
        fonts: HashMap::new(),
        line: None,
        recent: VecDeque::new(),
    };
    for (n, (_, &page_id)) in pages.iter().enumerate() {
        if n >= limits.max_pages {
            reader.cut = true;
            break;
        }
        if reader.sink.full() || reader.cut {
            break;
        }
        reader.page(page_id);
    }
    let (text, truncated) = reader.sink.finish();
    Ok(Extracted {
        kind: BodyKind::Pdf,
        text,
        tables: Vec::new(),
        truncated: truncated || reader.cut,
    })
}

/// A 2-D affine matrix `[a b c d e f]` (row-vector convention, as in PDF).
#[derive(Debug, Clone, Copy)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × other`: apply `self` first.
    fn then(&self, o: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        Matrix([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    fn origin(&self) -> (f64, f64) {
        (self.0[4], self.0[5])
    }

    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        if ops.len() < 6 {
            return None;
        }
        let mut m = [0.0; 6];
        for (slot, o) in m.iter_mut().zip(ops) {
            *slot = number(o)?;
        }
        m.iter().all(|v| v.is_finite()).then_some(Matrix(m))
    }
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// How a font's codes become text when its `/ToUnicode` map does not say.
#[derive(Debug, Clone, Copy)]
enum Fallback {
    /// Codes are UTF-16BE (`Uni*-UCS2-*`, `Uni*-UTF16-*`).
    Utf16,
    /// Codes are GBK/GB 2312 bytes (`GB*-EUC-*`, `GBK*`).
    Gbk,
    /// Codes are Big5 bytes (`B5pc-*`, `ETen-B5-*`, `HKscs-B5-*`).
    Big5,
    /// CIDs are glyph ids (through `/CIDToGIDMap`), read back through the embedded
    /// font's `cmap` table.
    Glyphs,
    /// CIDs of an Adobe character collection, read through its CID → Unicode map.
    Collection(Collection),
    /// Single-byte codes read through the font's base encoding and `/Differences`.
    Simple,
    /// CIDs with no known mapping: no text.
    None,
}

struct Font {
    /// Code length when the CMap does not decide: 2 for composite fonts, 1 for simple ones.
    default_len: usize,
    to_unicode: Option<ToUnicode>,
    fallback: Fallback,
    widths: Widths,
    /// For [`Fallback::Glyphs`]: CID → glyph id (`None`: the identity) and glyph id → text.
    cid_to_gid: Option<Vec<u16>>,
    glyphs: HashMap<u16, char>,
    /// For [`Fallback::Simple`]: code → text.
    simple: Option<SimpleEncoding>,
}

/// Glyph advances in thousandths of the font size.
enum Widths {
    Simple {
        first: u32,
        widths: Vec<f64>,
        missing: f64,
    },
    Cid {
        ranges: Vec<(u32, u32, f64)>,
        default: f64,
    },
}

impl Widths {
    fn get(&self, code: u32) -> f64 {
        match self {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(*missing),
            Widths::Cid { ranges, default } => {
                // Sorted by first code: the last range starting at or before `code`.
                let n = ranges.partition_point(|r| r.0 <= code);
                n.checked_sub(1)
                    .map(|i| ranges[i])
                    .filter(|r| code <= r.1)
                    .map(|r| r.2)
                    .unwrap_or(*default)
            }
        }
    }
}

/// One shown string: its text and its advance in text space (before the font size).
struct Shown {
    text: String,
    /// Sum of glyph widths / 1000.
    width: f64,
    codes: usize,
    spaces: usize,
}

impl Font {
    fn decode(&self, bytes: &[u8]) -> Shown {
        let mut shown = Shown {
            text: String::new(),
            width: 0.0,
            codes: 0,
            spaces: 0,
        };
        if let (Fallback::Gbk | Fallback::Big5, None) = (self.fallback, &self.to_unicode) {
            let enc = if matches!(self.fallback, Fallback::Gbk) {
                encoding_rs::GBK
            } else {
                encoding_rs::BIG5
            };
            let (text, _) = enc.decode_without_bom_handling(bytes);
            for c in text.chars() {
                shown.codes += 1;
                shown.width += if c.is_ascii() { 0.5 } else { 1.0 };
                if c == ' ' {
                    shown.spaces += 1;
                }
            }
            shown.text = text.into_owned();
            return shown;
        }
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            // A simple font's codes are single bytes whatever code space its `/ToUnicode`
            // declares (producers write `<0000> <FFFF>` over one-byte entries).
            let len = match self.fallback {
                Fallback::Simple => 1,
                _ => self
                    .to_unicode
                    .as_ref()
                    .and_then(|m| m.code_len(rest))
                    .unwrap_or(match self.fallback {
                        Fallback::Gbk | Fallback::Big5 if rest[0] < 0x80 => 1,
                        _ => self.default_len,
                    }),
            }
            .min(rest.len());
            let code_bytes = &rest[..len];
            let value = code_bytes.iter().fold(0u32, |a, b| a << 8 | u32::from(*b));
            i += len;
            shown.codes += 1;
            shown.width += self.widths.get(value) / 1000.0;
            if len == 1 && value == 32 {
                shown.spaces += 1;
            }
            let mapped = self.to_unicode.as_ref().and_then(|m| m.lookup(len, value));
            match mapped {
                Some(t) => shown.text.push_str(&t),
                None => self.fallback_char(code_bytes, value, &mut shown.text),
            }
        }
        shown
    }

    fn fallback_char(&self, code_bytes: &[u8], value: u32, out: &mut String) {
        match self.fallback {
            Fallback::Utf16 => {
                if let Some(c) = char::from_u32(value).filter(|_| code_bytes.len() == 2) {
                    out.push(c);
                }
            }
            Fallback::Gbk | Fallback::Big5 => {
                let enc = if matches!(self.fallback, Fallback::Gbk) {
                    encoding_rs::GBK
                } else {
                    encoding_rs::BIG5
                };
                let (text, _) = enc.decode_without_bom_handling(code_bytes);
                out.push_str(&text);
            }
            Fallback::Collection(collection) => {
                if let Some(text) = collection.to_unicode().lookup(code_bytes.len(), value) {
                    out.extend(text.chars().filter(|c| *c != '\u{fffd}'));
                }
            }
            Fallback::Simple => {
                if let (Some(enc), [code]) = (&self.simple, code_bytes) {
                    out.push_str(enc.text(*code));
                }
            }
            Fallback::Glyphs => {
                let gid = match &self.cid_to_gid {
                    Some(map) => map.get(value as usize).copied(),
                    None => u16::try_from(value).ok(),
                };
                if let Some(c) = gid.and_then(|g| self.glyphs.get(&g)) {
                    out.push(*c);
                }
            }
            Fallback::None => {}
        }
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().and_then(|o| deref(doc, o))
}

fn name_of(o: Option<&Object>) -> Option<&[u8]> {
    match o {
        Some(Object::Name(n)) => Some(n),
        _ => None,
    }
}

struct PageReader<'a> {
    doc: &'a Document,
    sink: Sink,
    /// Bytes of stream data still allowed to be decompressed.
    budget: usize,
    /// A limit other than the text length stopped reading.
    cut: bool,
    fonts: HashMap<usize, Rc<Font>>,
    /// Where the last shown text ended: (x, y) in device space and the font size there.
    line: Option<(f64, f64, f64)>,
    /// The last strings shown on this page: where (device space), at what size, how long
    /// (device space), and what, to drop a string drawn again over itself.
    recent: VecDeque<(f64, f64, f64, f64, String)>,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    font: Option<Rc<Font>>,
    font_size: f64,
    rise: f64,
}

/// Resources in force while a content stream runs: fonts and XObjects by name.
struct Resources<'a> {
    fonts: HashMap<Vec<u8>, &'a Dictionary>,
    xobjects: HashMap<Vec<u8>, &'a Object>,
}

impl<'a> PageReader<'a> {
    fn page(&mut self, page_id: ObjectId) {
        let doc = self.doc;
        let mut res = Resources {
            fonts: HashMap::new(),
            xobjects: HashMap::new(),
        };
        if let Ok(fonts) = doc.get_page_fonts(page_id) {
            res.fonts = fonts.into_iter().collect();
        }
        if let Ok((inline, ids)) = doc.get_page_resources(page_id) {
            let dicts = inline
                .into_iter()
                .chain(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
            for d in dicts {
                if let Some(Object::Dictionary(x)) = dict_get(doc, d, b"XObject") {
                    for (k, v) in x.iter() {
                        res.xobjects.entry(k.clone()).or_insert(v);
                    }
                }
            }
        }
        // The page's content streams, each decoded as any other stream, newline-separated.
        let mut data = Vec::new();
        for id in doc.get_page_contents(page_id) {
            if let Some(part) = self.stream_data(&Object::Reference(id)) {
                data.extend_from_slice(&part);
                data.push(b'\n');
            }
            if self.cut {
                return;
            }
        }
        self.line = None;
        self.recent.clear();
        self.sink.newline();
        let gs = GState {
            ctm: Matrix::IDENTITY,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            font: None,
            font_size: 0.0,
            rise: 0.0,
        };
        let mut visiting = HashSet::new();
        self.run(&data, &res, gs, 0, &mut visiting);
    }

    fn font(&mut self, dict: &'a Dictionary) -> Rc<Font> {
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return f.clone();
        }
        let f = Rc::new(self.load_font(dict));
        self.fonts.insert(key, f.clone());
        f
    }

    fn stream_data(&mut self, o: &Object) -> Option<Vec<u8>> {
        let stream = match deref(self.doc, o)? {
            Object::Stream(s) => s,
            _ => return None,
        };
        let respelled = respelled_filters(stream);
        let stream = respelled.as_ref().unwrap_or(stream);
        match stream.decompressed_content_with_limit(self.budget) {
            Ok(d) => {
                self.budget = self.budget.saturating_sub(d.len());
                Some(d)
            }
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                self.cut = true;
                None
            }
            // Not compressed (or an unknown filter): the raw bytes, charged all the same.
            Err(_) if stream.dict.get(b"Filter").is_err() => {
                if stream.content.len() > self.budget {
                    self.cut = true;
                    return None;
                }
                self.budget -= stream.content.len();
                Some(stream.content.clone())
            }
            Err(_) => None,
        }
    }

    fn load_font(&mut self, dict: &'a Dictionary) -> Font {
        let doc = self.doc;
        let subtype = name_of(dict_get(doc, dict, b"Subtype")).unwrap_or(b"");
        let mut named_collection = None;
        let to_unicode = match dict.get(b"ToUnicode").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Name(n)) => {
                named_collection = Collection::of_cmap_name(n);
                None
            }
            Some(o @ Object::Stream(_)) => self
                .stream_data(o)
                .map(|d| ToUnicode::parse(&d))
                .filter(|m| !m.is_empty()),
            _ => None,
        };
        let mut font = if subtype == b"Type0" {
            self.composite_font(dict, to_unicode)
        } else {
            simple_font(doc, dict, subtype, to_unicode, || {
                self.builtin_encoding(dict)
            })
        };
        if let (None, Some(c)) = (&font.to_unicode, named_collection) {
            font.fallback = Fallback::Collection(c);
        }
        font
    }

    /// A Type0 font: its codes through the predefined CMap its `/Encoding` names, its
    /// descendant CID font's widths, and, without `/ToUnicode`, the best other source of
    /// text its descendant offers.
    fn composite_font(&mut self, dict: &'a Dictionary, to_unicode: Option<ToUnicode>) -> Font {
        let doc = self.doc;
        let encoding = name_of(dict_get(doc, dict, b"Encoding")).unwrap_or(b"");
        let enc = String::from_utf8_lossy(encoding);
        let fallback = if enc.contains("UCS2") || enc.contains("UTF16") {
            Fallback::Utf16
        } else if enc.starts_with("GB") {
            Fallback::Gbk
        } else if enc.contains("B5") {
            Fallback::Big5
        } else {
            Fallback::None
        };
        let descendant = match dict_get(doc, dict, b"DescendantFonts") {
            Some(Object::Array(a)) => a.first().and_then(|o| deref(doc, o)),
            _ => None,
        };
        let descendant = match descendant {
            Some(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        let mut default = 1000.0;
        let mut ranges = Vec::new();
        if let Some(d) = descendant {
            if let Some(w) = dict_get(doc, d, b"DW").and_then(number) {
                default = w;
            }
            // Widths are only meaningful per code when codes are CIDs.
            if encoding.starts_with(b"Identity") {
                if let Some(Object::Array(w)) = dict_get(doc, d, b"W") {
                    ranges = cid_widths(doc, w);
                }
            }
        }
        let mut font = Font {
            default_len: 2,
            to_unicode,
            fallback,
            widths: Widths::Cid { ranges, default },
            cid_to_gid: None,
            glyphs: HashMap::new(),
            simple: None,
        };
        let (Some(d), None, true) = (
            descendant,
            &font.to_unicode,
            encoding.starts_with(b"Identity"),
        ) else {
            return font;
        };
        // Codes are CIDs. A TrueType descendant's CIDs are glyph ids (through
        // `/CIDToGIDMap`) whatever collection it names, so its embedded `cmap` is the
        // truth when there is one; otherwise the collection the CIDs belong to.
        let truetype = name_of(dict_get(doc, d, b"Subtype")) == Some(b"CIDFontType2");
        if truetype {
            self.embedded_glyphs(d, &mut font);
        }
        if matches!(font.fallback, Fallback::Glyphs) {
            return font;
        }
        if let Some(c) = cid_collection(doc, d) {
            font.fallback = Fallback::Collection(c);
        } else if !truetype {
            self.embedded_glyphs(d, &mut font);
        }
        font
    }

    /// The built-in encoding of a Type 1 font's embedded program (CFF or Type 1), where
    /// it is not `StandardEncoding`.
    fn builtin_encoding(&mut self, dict: &'a Dictionary) -> Option<GlyphNames> {
        let doc = self.doc;
        let Some(Object::Dictionary(descriptor)) = dict_get(doc, dict, b"FontDescriptor") else {
            return None;
        };
        if let Ok(program) = descriptor.get(b"FontFile3") {
            let is_cff = match deref(doc, program) {
                Some(Object::Stream(s)) => {
                    name_of(dict_get(doc, &s.dict, b"Subtype")) == Some(b"Type1C".as_slice())
                }
                _ => false,
            };
            return is_cff
                .then(|| self.stream_data(program))
                .flatten()
                .and_then(|d| font_program::cff_encoding(&d));
        }
        let program = descriptor.get(b"FontFile").ok()?;
        self.stream_data(program)
            .and_then(|d| font_program::type1_encoding(&d))
    }

    /// Read the text of an Identity-H CID font without `/ToUnicode` from its embedded
    /// font program's `cmap` table, when it has one.
    fn embedded_glyphs(&mut self, cid_font: &'a Dictionary, font: &mut Font) {
        let doc = self.doc;
        let Some(Object::Dictionary(descriptor)) = dict_get(doc, cid_font, b"FontDescriptor")
        else {
            return;
        };
        let Some(program) = [b"FontFile2".as_slice(), b"FontFile3"]
            .iter()
            .find_map(|k| descriptor.get(k).ok())
        else {
            return;
        };
        let Some(glyphs) = self
            .stream_data(program)
            .and_then(|d| sfnt::glyph_chars(&d))
        else {
            return;
        };
        if let Ok(map) = cid_font.get(b"CIDToGIDMap") {
            if matches!(deref(doc, map), Some(Object::Stream(_))) {
                let Some(data) = self.stream_data(map) else {
                    return;
                };
                font.cid_to_gid = Some(
                    data.chunks_exact(2)
                        .map(|p| u16::from_be_bytes([p[0], p[1]]))
                        .collect(),
                );
            }
        }
        font.glyphs = glyphs;
        font.fallback = Fallback::Glyphs;
    }

    fn run(
        &mut self,
        data: &[u8],
        res: &Resources<'a>,
        mut gs: GState,
        depth: usize,
        visiting: &mut HashSet<ObjectId>,
    ) {
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(data) {
            if self.sink.full() || self.cut {
                return;
            }
            let Ok(op) = op else { break };
            let args = &op.operands;
            let num = |i: usize| args.get(i).and_then(number).filter(|v| v.is_finite());
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(args) {
                        gs.ctm = m.then(&gs.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tc" => gs.char_spacing = num(0).unwrap_or(0.0),
                "Tw" => gs.word_spacing = num(0).unwrap_or(0.0),
                "Tz" => gs.h_scale = num(0).unwrap_or(100.0) / 100.0,
                "TL" => gs.leading = num(0).unwrap_or(0.0),
                "Ts" => gs.rise = num(0).unwrap_or(0.0),
                "Tf" => {
                    gs.font_size = num(1).unwrap_or(0.0);
                    gs.font = match args.first() {
                        Some(Object::Name(n)) => res.fonts.get(n).map(|d| self.font(d)),
                        _ => None,
                    };
                }
                "Td" | "TD" => {
                    let (tx, ty) = (num(0).unwrap_or(0.0), num(1).unwrap_or(0.0));
                    if op.operator == "TD" {
                        gs.leading = -ty;
                    }
                    tlm = Matrix::translate(tx, ty).then(&tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = Matrix::from_operands(args) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = args.first() {
                        self.show(s, &gs, &mut tm);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        gs.word_spacing = num(0).unwrap_or(gs.word_spacing);
                        gs.char_spacing = num(1).unwrap_or(gs.char_spacing);
                    }
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = args.last() {
                        self.show(s, &gs, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = args.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, &gs, &mut tm),
                                other => {
                                    if let Some(adj) = number(other).filter(|v| v.is_finite()) {
                                        let tx = -adj / 1000.0 * gs.font_size * gs.h_scale;
                                        tm = Matrix::translate(tx, 0.0).then(&tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if depth >= MAX_FORM_DEPTH {
                        continue;
                    }
                    if let Some(Object::Name(n)) = args.first() {
                        if let Some(&xobj) = res.xobjects.get(n) {
                            self.form(xobj, res, &gs, depth, visiting);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Run a form XObject's content with its own resources (falling back to the caller's).
    fn form(
        &mut self,
        xobj: &'a Object,
        parent: &Resources<'a>,
        gs: &GState,
        depth: usize,
        visiting: &mut HashSet<ObjectId>,
    ) {
        let doc = self.doc;
        let Ok((id, Object::Stream(stream))) = doc.dereference(xobj) else {
            return;
        };
        if name_of(dict_get(doc, &stream.dict, b"Subtype")) != Some(b"Form") {
            return;
        }
        if let Some(id) = id {
            if !visiting.insert(id) {
                return;
            }
        }
        let mut res = Resources {
            fonts: parent.fonts.clone(),
            xobjects: parent.xobjects.clone(),
        };
        if let Some(Object::Dictionary(r)) = dict_get(doc, &stream.dict, b"Resources") {
            if let Some(Object::Dictionary(f)) = dict_get(doc, r, b"Font") {
                for (k, v) in f.iter() {
                    if let Some(Object::Dictionary(d)) = deref(doc, v) {
                        res.fonts.insert(k.clone(), d);
                    }
                }
            }
            if let Some(Object::Dictionary(x)) = dict_get(doc, r, b"XObject") {
                for (k, v) in x.iter() {
                    res.xobjects.insert(k.clone(), v);
                }
            }
        }
        let matrix = match dict_get(doc, &stream.dict, b"Matrix") {
            Some(Object::Array(a)) => Matrix::from_operands(a).unwrap_or(Matrix::IDENTITY),
            _ => Matrix::IDENTITY,
        };
        if let Some(data) = self.stream_data(xobj) {
            let mut inner = gs.clone();
            inner.ctm = matrix.then(&gs.ctm);
            self.run(&data, &res, inner, depth + 1, visiting);
        }
        if let Some(id) = id {
            visiting.remove(&id);
        }
    }

    /// Show one string at the text matrix, then advance the text matrix past it.
    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(font) = gs.font.clone() else {
            return;
        };
        let shown = font.decode(bytes);
        let start = Matrix::translate(0.0, gs.rise).then(tm).then(&gs.ctm);
        let (x, y) = start.origin();
        let [_, _, c, d, _, _] = start.0;
        let size = (gs.font_size * c.hypot(d)).abs().max(0.1);
        let advance = (shown.width * gs.font_size
            + shown.codes as f64 * gs.char_spacing
            + shown.spaces as f64 * gs.word_spacing)
            * gs.h_scale;
        *tm = Matrix::translate(advance, 0.0).then(tm);
        let (end_x, end_y) = Matrix::translate(0.0, gs.rise)
            .then(tm)
            .then(&gs.ctm)
            .origin();
        let text: String = shown
            .text
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        let span = (end_x - x).hypot(end_y - y);
        if text.is_empty() || self.drawn_again(x, y, size, span, &text) {
            return;
        }
        if let Some((lx, ly, lsize)) = self.line {
            let dy = (y - ly).abs();
            if dy > 0.5 * size.max(lsize) {
                self.sink.newline();
            } else {
                let gap = x - lx;
                let cjk = self.sink.last().is_some_and(is_wide)
                    || text.chars().next().is_some_and(is_wide);
                let threshold = if cjk { 1.0 } else { 0.2 } * size.max(lsize);
                let blank = self.sink.last().is_some_and(char::is_whitespace)
                    || text.starts_with(char::is_whitespace);
                if gap > threshold && !blank {
                    self.sink.push(' ');
                }
            }
        }
        self.sink.push_str(&text);
        if end_x.is_finite() && end_y.is_finite() {
            self.line = Some((end_x, end_y, size));
        }
    }
}

/// The stream with its `/Filter` spelled as the decoder reads it, when it is not: the
/// abbreviated names of inline images (`/Fl`, `/AHx`, `/A85`, `/LZW`, `/RL`), which some
/// producers write on streams, spelled out; an empty filter array removed (it means no
/// filter, which the decoder would read as no content).
fn respelled_filters(stream: &lopdf::Stream) -> Option<lopdf::Stream> {
    let full = |name: &[u8]| -> Option<&'static [u8]> {
        Some(match name {
            b"Fl" => b"FlateDecode",
            b"AHx" => b"ASCIIHexDecode",
            b"A85" => b"ASCII85Decode",
            b"LZW" => b"LZWDecode",
            b"RL" => b"RunLengthDecode",
            _ => return None,
        })
    };
    let mut names: Vec<Vec<u8>> = match stream.dict.get(b"Filter").ok()? {
        Object::Name(n) => vec![n.clone()],
        Object::Array(a) => a
            .iter()
            .map(|o| match o {
                Object::Name(n) => Some(n.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?,
        _ => return None,
    };
    let abbreviated = names.iter().any(|n| full(n).is_some());
    if !abbreviated && !names.is_empty() {
        return None;
    }
    for n in &mut names {
        if let Some(f) = full(n) {
            *n = f.to_vec();
        }
    }
    let mut copy = stream.clone();
    if names.is_empty() {
        copy.dict.remove(b"Filter");
    } else {
        copy.dict.set(
            "Filter",
            Object::Array(names.into_iter().map(Object::Name).collect()),
        );
    }
    Some(copy)
}

/// A simple font: one byte per code, its `/Widths`, and its text through `/ToUnicode`
/// or else its encoding: the base encoding its `/Encoding` names (or its dictionary's
/// `/BaseEncoding`) changed by `/Differences`. Without a base encoding, a Type 1 font
/// whose embedded program has its own encoding (`builtin`, read only then) uses that one
/// when it has no `/Encoding` or is symbolic (ISO 32000-1, 9.6.6.2); otherwise `StandardEncoding`, or
/// `WinAnsiEncoding` for TrueType fonts, whose built-in encodings are mostly that.
fn simple_font(
    doc: &Document,
    dict: &Dictionary,
    subtype: &[u8],
    to_unicode: Option<ToUnicode>,
    builtin: impl FnOnce() -> Option<GlyphNames>,
) -> Font {
    let first = dict_get(doc, dict, b"FirstChar")
        .and_then(number)
        .unwrap_or(0.0)
        .clamp(0.0, 255.0) as u32;
    let widths = match dict_get(doc, dict, b"Widths") {
        Some(Object::Array(a)) => a
            .iter()
            .take(256)
            .map(|o| deref(doc, o).and_then(number).unwrap_or(500.0))
            .collect(),
        _ => Vec::new(),
    };
    let default_base = if subtype == b"TrueType" {
        Base::WinAnsi
    } else {
        Base::Standard
    };
    let encoding = dict_get(doc, dict, b"Encoding");
    let (base, differences) = match encoding {
        Some(Object::Name(n)) => (Base::named(n), None),
        Some(Object::Dictionary(e)) => (
            name_of(dict_get(doc, e, b"BaseEncoding")).and_then(Base::named),
            match dict_get(doc, e, b"Differences") {
                Some(Object::Array(a)) => Some(a),
                _ => None,
            },
        ),
        _ => (None, None),
    };
    let symbolic = || {
        let Some(Object::Dictionary(descriptor)) = dict_get(doc, dict, b"FontDescriptor") else {
            return false;
        };
        // Flags bit 3: the font uses glyphs outside the standard Latin set.
        dict_get(doc, descriptor, b"Flags")
            .and_then(number)
            .is_some_and(|f| (f as i64) & 4 != 0)
    };
    let names_a_base = match encoding {
        Some(Object::Name(_)) => true,
        Some(Object::Dictionary(e)) => e.has(b"BaseEncoding"),
        _ => false,
    };
    let type1 = matches!(subtype, b"Type1" | b"MMType1");
    let own = (type1 && !names_a_base && (encoding.is_none() || symbolic()))
        .then(builtin)
        .flatten();
    let mut simple = match own {
        Some(names) => SimpleEncoding::from_glyph_names(&names),
        None => SimpleEncoding::new(base.unwrap_or(default_base)),
    };
    if let Some(d) = differences {
        simple.apply_differences(d);
    }
    Font {
        default_len: 1,
        to_unicode,
        fallback: Fallback::Simple,
        widths: Widths::Simple {
            first,
            widths,
            missing: 500.0,
        },
        cid_to_gid: None,
        glyphs: HashMap::new(),
        simple: Some(simple),
    }
}

/// The bundled character collection a CID font's `/CIDSystemInfo` names, if any.
fn cid_collection(doc: &Document, cid_font: &Dictionary) -> Option<Collection> {
    let Some(Object::Dictionary(info)) = dict_get(doc, cid_font, b"CIDSystemInfo") else {
        return None;
    };
    let text = |key: &[u8]| match dict_get(doc, info, key) {
        Some(Object::String(s, _)) => Some(s.as_slice()),
        _ => None,
    };
    Collection::of(text(b"Registry")?, text(b"Ordering")?)
}

impl PageReader<'_> {
    /// Whether the same text was just shown at (nearly) the same place: the "fake bold"
    /// of word processors (WPS, PDFCreator, …), which draw a heading two to four times a
    /// fraction of a point apart. Read once, as a viewer shows it once; kept, it would turn
    /// "2021年年度报告" into "2021202120212021年年度报告年年度报告…". A copy starts
    /// within a quarter em of the string it copies and within half that string's length
    /// (`span`): the next of a row of narrow glyphs ("……", "--", one per `TJ` string)
    /// starts a whole glyph further on, and is text.
    fn drawn_again(&mut self, x: f64, y: f64, size: f64, span: f64, text: &str) -> bool {
        /// How many recent strings are compared: fake bold draws its copies one after the
        /// other, each a run of strings (a `TJ` array shows one string per kerned glyph).
        const WINDOW: usize = 128;
        let near = |rx: f64, ry: f64, rsize: f64, rspan: f64| {
            let tolerance = (0.25 * size.min(rsize)).min(0.5 * rspan);
            (rx - x).abs() < tolerance && (ry - y).abs() < tolerance
        };
        if self
            .recent
            .iter()
            .any(|(rx, ry, rsize, rspan, rtext)| near(*rx, *ry, *rsize, *rspan) && rtext == text)
        {
            return true;
        }
        if self.recent.len() == WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back((x, y, size, span, text.to_string()));
        false
    }
}

/// CJK and full-width characters, where no space separates words.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// The `/W` array of a CID font: `c [w1 w2 …]` and `c_first c_last w` entries.
fn cid_widths(doc: &Document, w: &[Object]) -> Vec<(u32, u32, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() && out.len() < 100_000 {
        let Some(first) = deref(doc, &w[i]).and_then(number) else {
            break;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(100_000) {
                    if let Some(v) = number(o) {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, v));
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = number(o).unwrap_or(0.0).max(0.0) as u32;
                let v = w
                    .get(i + 2)
                    .and_then(|o| deref(doc, o))
                    .and_then(number)
                    .unwrap_or(1000.0);
                out.push((first, last, v));
                i += 3;
            }
            None => break,
        }
    }
    out.sort_by_key(|r| r.0);
    out
}
