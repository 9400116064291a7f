//! A guard for OLE2 compound files (XLS) before calamine reads them.
//!
//! calamine follows sector chains through the file allocation table (FAT) until their end
//! marker; a crafted FAT with a cycle makes it loop, growing a buffer until memory runs out,
//! which no `catch_unwind` can stop. This module rebuilds the FAT the way calamine's reader
//! sees it (same header fields, same DIFAT walk, same short-read behaviour at the end of
//! the file) and refuses the file when the FAT has a cycle or claims more FAT sectors than
//! the file has sectors. Without a cycle every chain visits each sector at most once, so
//! what calamine reads is bounded by the file's size.
//!
//! calamine also panics, indexing or slicing unchecked, on:
//! - a sector that starts past the end of the file (it slices its buffer from the sector's
//!   start to where the short read stopped), or a mini sector past the end of the mini stream;
//! - a table of sector numbers (DIFAT, FAT, mini FAT) cut off mid-entry by the end of the
//!   file (it asserts a whole number of 4-byte entries);
//! - a sector or mini sector chain that reaches a sector its FAT does not cover;
//! - a workbook record shorter than the fixed fields it reads first (BOUNDSHEET, CODEPAGE,
//!   FILEPASS, DATEMODE, BOF, EXTERNSHEET, LBL), or a BOUNDSHEET that puts its sheet past the
//!   end of the workbook stream;
//! - a shared string whose header is cut off or whose text continues into an empty CONTINUE
//!   record;
//! - a FORMULA record whose formula is longer than the record, a MERGECELLS record shorter
//!   than the ranges it counts.
//!
//! The guard refuses such files rather than leave them to `catch_unwind`, which a program
//! embedding this library with `panic = "abort"` would not have.
//!
//! calamine parses the tokens of every formula (FORMULA records in the sheets, LBL records
//! for defined names) and its token parser indexes its input unchecked throughout. zwgk
//! reads cell values, never formulas: rather than mirror that parser token by token, the
//! guard finds each formula's token length where calamine will read it and hands calamine a
//! copy of the file with those lengths set to zero. A formula cell keeps its cached value.
//!
//! calamine also reserves room for every cell a sheet's DIMENSIONS record claims (up to
//! 2^32 rows), and computes `last - first + 1` without checking the order: a crafted
//! record aborts the process on allocation. It then makes each sheet one dense grid from
//! its first to its last cell, so two cells far apart ask for gigabytes. The guard reads
//! the workbook stream as calamine will and refuses a DIMENSIONS record that claims an
//! impossible or huge sheet, and a sheet whose cells span more than a real one holds.

use std::borrow::Cow;

const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Most cells a sheet may claim (an XLS sheet holds at most 65,536 × 256).
const MAX_CLAIMED_CELLS: u64 = 8 << 20;

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The entries of a table of sector numbers, `Err` when the table is cut off mid-entry
/// (calamine asserts it is not, and panics).
fn table<'a>(b: &'a [u8], what: &str) -> Result<impl Iterator<Item = u32> + 'a, String> {
    if !b.len().is_multiple_of(4) {
        return Err(format!("the {what} ends mid-entry at the end of the file"));
    }
    Ok(u32s(b))
}

/// The sector store as calamine's reader fills it: the bytes after the header, read in
/// order, with zeros past the end of the file once a read has gone past it.
struct Sectors<'a> {
    file: &'a [u8],
    /// Where `file` starts in the whole file (after the header).
    origin: usize,
    size: usize,
    maxid: u32,
    /// How much calamine's buffer holds (it grows, zero-filled past the end of the file).
    loaded: usize,
}

impl Sectors<'_> {
    /// The bytes calamine's `Sectors::get` returns for `id`: `Ok(None)` where it returns
    /// an error, `Err` where it would panic.
    fn get(&mut self, id: u32) -> Result<Option<Vec<u8>>, String> {
        if self.maxid < id {
            return Ok(None);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.loaded {
            let read_to = self.loaded.max(end.min(self.file.len()));
            self.loaded = end;
            if read_to < end {
                // A short read returns what the buffer holds up to there; calamine panics
                // when that is before the sector's start.
                if read_to < start {
                    return Err(format!("sector {id} starts past the end of the file"));
                }
                return Ok(Some(self.bytes(start, read_to)));
            }
        }
        Ok(Some(self.bytes(start, end)))
    }

    /// The buffer's bytes `start..end`: the file's, then zeros.
    fn bytes(&self, start: usize, end: usize) -> Vec<u8> {
        let mut out = vec![0u8; end - start];
        if let Some(avail) = self.file.get(start..end.min(self.file.len())) {
            out[..avail.len()].copy_from_slice(avail);
        }
        out
    }
}

/// The bytes calamine may be given for `bytes`: the file itself, or a copy with its
/// formulas' token lengths set to zero; `Err` (why) when calamine would loop, run out of
/// memory or panic on the file.
pub(crate) fn guard(bytes: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    let blanks = check(bytes)?;
    if blanks.is_empty() {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut copy = bytes.to_vec();
    for &at in &blanks {
        if let Some(b) = copy.get_mut(at) {
            *b = 0;
        }
    }
    // A crafted file can place a formula's bytes in its own FAT or directory: blanked,
    // they would change the chains calamine follows. The copy must check as the file did.
    if check(&copy)? != blanks {
        return Err("the workbook's formulas share bytes with its structure".to_string());
    }
    Ok(Cow::Owned(copy))
}

/// `Ok` when calamine can read the compound file's chains without looping, with the
/// offsets in the file of the bytes to blank (formulas' token lengths); otherwise why not.
fn check(bytes: &[u8]) -> Result<Vec<usize>, String> {
    let header = bytes.get(..512).ok_or("shorter than an OLE2 header")?;
    let shift = u16::from_le_bytes([header[30], header[31]]);
    let (size, skip) = match shift {
        9 => (512usize, 512usize),
        12 => (4096, 4096),
        _ => return Ok(Vec::new()), // calamine refuses it itself.
    };
    let after_header = bytes.get(skip..).unwrap_or(&[]);
    let maxid = bytes.len() / size;
    let mut sectors = Sectors {
        file: after_header,
        origin: skip,
        size,
        maxid: maxid as u32,
        loaded: 0,
    };
    let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
    let mut sector_id = u32::from_le_bytes([header[68], header[69], header[70], header[71]]);
    let mut difat_sectors = 0usize;
    while sector_id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > maxid.saturating_add(1) {
            return Ok(Vec::new()); // calamine stops here with an error.
        }
        let Some(sector) = sectors.get(sector_id)? else {
            return Ok(Vec::new());
        };
        difat.extend(table(&sector, "DIFAT")?);
        match difat.pop() {
            Some(next) => sector_id = next,
            None => return Ok(Vec::new()),
        }
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_sectors.len() > maxid + 1 {
        return Err(format!(
            "{} FAT sectors in a file of {} sectors",
            fat_sectors.len(),
            maxid
        ));
    }
    let mut fats: Vec<u32> = Vec::new();
    for id in fat_sectors {
        match sectors.get(id)? {
            Some(sector) => fats.extend(table(&sector, "FAT")?),
            None => return Ok(Vec::new()),
        }
    }
    // Cycle search over the functional graph i → fats[i] (iterative colouring).
    let n = fats.len();
    let mut state = vec![0u8; n]; // 0 unseen, 1 on the current path, 2 done
    let mut path = Vec::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut i = start;
        loop {
            match state.get(i) {
                Some(0) => {
                    state[i] = 1;
                    path.push(i);
                    i = fats[i] as usize;
                }
                Some(1) => return Err(format!("the FAT has a cycle through sector {i}")),
                _ => break,
            }
        }
        for j in path.drain(..) {
            state[j] = 2;
        }
    }
    drop(state);
    check_workbook(header, &mut sectors, &fats)
}

/// Read a chain as calamine's `get_chain` does (the FAT is known to have no cycle), with
/// where each of its bytes lies in the file; `Err` where calamine would panic.
fn chain(
    sectors: &mut Sectors<'_>,
    fats: &[u32],
    mut id: u32,
    len: usize,
) -> Result<(Vec<u8>, Layout), String> {
    let mut out = Vec::new();
    let mut layout = Layout::default();
    while id != ENDOFCHAIN {
        let Some(sector) = sectors.get(id)? else {
            break;
        };
        let take = sector.len().min(len - out.len());
        layout.push(out.len(), sectors.origin + id as usize * sectors.size, take);
        out.extend_from_slice(&sector[..take]);
        if out.len() >= len {
            break;
        }
        // calamine indexes the FAT with the sector number unchecked.
        match fats.get(id as usize) {
            Some(next) => id = *next,
            None => return Err(format!("a sector chain reaches sector {id}, past the FAT")),
        }
    }
    Ok((out, layout))
}

/// Where a stream's bytes were read from: its pieces in order, each with the offset of its
/// first byte in the stream and in the source (the file, or the mini stream).
#[derive(Default)]
struct Layout {
    /// (offset in the stream, offset in the source, length)
    pieces: Vec<(usize, usize, usize)>,
}

impl Layout {
    fn push(&mut self, at: usize, source: usize, len: usize) {
        if len > 0 {
            self.pieces.push((at, source, len));
        }
    }

    /// The source offset of the stream's byte `at`.
    fn locate(&self, at: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.0 <= at).checked_sub(1)?;
        let (start, source, len) = self.pieces[i];
        (at < start + len).then(|| source + (at - start))
    }
}

/// Find the workbook stream as calamine does and check its records.
fn check_workbook(
    header: &[u8],
    sectors: &mut Sectors<'_>,
    fats: &[u32],
) -> Result<Vec<usize>, String> {
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let large = sectors.size == 4096;
    let (dirs, _) = chain(sectors, fats, u32_at(header, 48), usize::MAX)?;
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            let mut name: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .collect();
            if let Some(l) = name.find('\0') {
                name.truncate(l);
            }
            let len = if large {
                u64::from_le_bytes(e[120..128].try_into().unwrap_or([0; 8]))
            } else {
                u64::from(u32_at(e, 120))
            };
            (name, u32_at(e, 116), len)
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(Vec::new());
    };
    let mini_fat_len = u32_at(header, 64) as usize;
    let (mini_fats, (ministream, mini_layout)) = if mini_fat_len > 0 {
        let ministream = chain(
            sectors,
            fats,
            root.1,
            usize::try_from(root.2).unwrap_or(usize::MAX),
        )?;
        let (minifat, _) = chain(
            sectors,
            fats,
            u32_at(header, 60),
            mini_fat_len.saturating_mul(sectors.size),
        )?;
        let minifat: Vec<u32> = table(&minifat, "mini FAT")?.collect();
        (minifat, ministream)
    } else {
        (Vec::new(), (Vec::new(), Layout::default()))
    };
    let find = |name: &str| {
        entries
            .iter()
            .find(|e| e.0.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    };
    let Some(&(_, start, len)) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(Vec::new());
    };
    if len < 4096 {
        // A small stream lives in the mini stream.
        let len = len as usize;
        let mut id = start;
        let mut steps = 0;
        let mut stream = Vec::new();
        let mut layout = Layout::default();
        // Like calamine, read the first sector even of an empty stream.
        while id != ENDOFCHAIN && steps < 64 {
            let at = id as usize * 64;
            let take = 64.min(len - stream.len());
            // calamine reads the part of a mini sector past the end of the mini stream
            // from wherever the file reader stands (a part of the file this guard does
            // not see as the stream), and slices past its buffer when that is the end of
            // the file and the sector starts past it, even for an empty stream.
            if at >= ministream.len() || at + take > ministream.len() {
                return Err(format!(
                    "a mini stream chain reaches mini sector {id}, past the end of the \
                     {}-byte mini stream",
                    ministream.len()
                ));
            }
            layout.push(stream.len(), at, take);
            stream.extend_from_slice(&ministream[at..at + take]);
            if stream.len() >= len {
                break;
            }
            // calamine indexes the mini FAT with the mini sector number unchecked.
            id = *mini_fats.get(id as usize).ok_or_else(|| {
                format!("a mini stream chain reaches mini sector {id}, past the mini FAT")
            })?;
            steps += 1;
        }
        let blanks = check_records(&stream)?;
        return Ok(locate_all(&blanks, |at| {
            mini_layout.locate(layout.locate(at)?)
        }));
    }
    let (stream, layout) = chain(
        sectors,
        fats,
        start,
        usize::try_from(len).unwrap_or(usize::MAX),
    )?;
    let blanks = check_records(&stream)?;
    Ok(locate_all(&blanks, |at| layout.locate(at)))
}

/// The file offsets of the two bytes at each of the stream offsets `blanks`.
fn locate_all(blanks: &[usize], locate: impl Fn(usize) -> Option<usize>) -> Vec<usize> {
    blanks
        .iter()
        .flat_map(|&at| [at, at + 1])
        .filter_map(locate)
        .collect()
}

/// Walk the BIFF records from the start and from every sheet's offset (BOUNDSHEET), as
/// calamine does, checking each DIMENSIONS record, and the workbook globals' records that
/// calamine reads fixed fields of without checking their length. `Ok` with the stream
/// offsets of the formulas' 16-bit token lengths (FORMULA and LBL records).
fn check_records(stream: &[u8]) -> Result<Vec<usize>, String> {
    let mut blanks = Vec::new();
    let mut starts = vec![0usize];
    let mut k = 0;
    while k < starts.len() && k < 4096 {
        let mut sheet = SheetWalk::default();
        let mut at = starts[k];
        while at + 4 <= stream.len() {
            let (Some(typ), Some(len)) = (le16(stream, at), le16(stream, at + 2)) else {
                break;
            };
            let len = usize::from(len);
            let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
            // LBL: its formula's length at byte 4; FORMULA: at byte 20.
            match typ {
                0x0018 if k == 0 && data.len() >= 6 => blanks.push(at + 4 + 4),
                0x0006 if k > 0 && data.len() >= 22 => blanks.push(at + 4 + 20),
                _ => {}
            }
            at += 4 + len;
            if k == 0 {
                if typ == 0x0200 {
                    dimensions(data)?;
                }
                global_record(typ, data)?;
                if typ == 0x00FC && data.len() >= 8 {
                    shared_strings(&data[8..], &continues(stream.get(at..).unwrap_or(&[])))?;
                }
                if typ == 0x0085 {
                    let pos = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
                    // calamine slices the stream from there unchecked.
                    if pos > stream.len() {
                        return Err(format!(
                            "a BOUNDSHEET record puts a sheet at byte {pos}, past the end of the \
                             {}-byte workbook stream",
                            stream.len()
                        ));
                    }
                    starts.push(pos);
                }
                // calamine reads the globals up to their EOF.
                if typ == 0x000A {
                    break;
                }
            } else if !sheet.record(typ, data)? {
                break;
            }
        }
        sheet.check()?;
        k += 1;
    }
    Ok(blanks)
}

/// A sheet's records as calamine walks them: up to the sheet's EOF, skipping nested
/// substreams (an embedded chart's BOF … EOF), with the rows and columns its cells span.
/// calamine makes each sheet one dense grid from the first to the last row and column
/// that hold a cell: two cells far apart in a small file ask for gigabytes.
#[derive(Default)]
struct SheetWalk {
    seen_bof: bool,
    nested: usize,
    /// The first and last row and column of the cells so far.
    span: Option<((u32, u32), (u32, u32))>,
}

impl SheetWalk {
    /// Take in a record; `false` at the sheet's end.
    fn record(&mut self, typ: u16, data: &[u8]) -> Result<bool, String> {
        if self.nested > 0 {
            match typ {
                0x0809 => self.nested += 1,
                0x000A => self.nested -= 1,
                _ => {}
            }
            return Ok(true);
        }
        let u16_at = |at: usize| le16(data, at).map(u32::from);
        match typ {
            // Formula: calamine checks its 20 fixed bytes, then reads the formula's
            // length and slices that many bytes unchecked.
            0x0006 if data.len() >= 20 => {
                let fits = u16_at(20).is_some_and(|cce| cce as usize <= data.len() - 22);
                if !fits {
                    return Err(format!(
                        "a FORMULA record of {} bytes whose formula does not fit in it",
                        data.len()
                    ));
                }
                if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                    self.cell(row, col);
                }
            }
            // MergeCells: a count, then that many 8-byte ranges, read unchecked.
            0x00E5 => {
                let fits = u16_at(0).is_some_and(|n| 2 + n as usize * 8 <= data.len());
                if !fits {
                    return Err(format!(
                        "a MERGECELLS record of {} bytes shorter than the ranges it counts",
                        data.len()
                    ));
                }
            }
            0x0809 if self.seen_bof => self.nested += 1,
            0x0809 => self.seen_bof = true,
            0x0200 => dimensions(data)?,
            0x000A => return Ok(false),
            // Number, Label, RString, BoolErr, Rk, LabelSst, (short) Formula: row and
            // column first.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                    self.cell(row, col);
                }
            }
            // MulRk: a row, its first column, and its last column in the last two bytes.
            0x00BD => {
                if let (Some(row), Some(first)) = (u16_at(0), u16_at(2)) {
                    self.cell(row, first);
                    if let Some(last) = data.len().checked_sub(2).and_then(u16_at) {
                        self.cell(row, last);
                    }
                }
            }
            _ => {}
        }
        Ok(true)
    }

    fn cell(&mut self, row: u32, col: u32) {
        let ((r0, c0), (r1, c1)) = self.span.unwrap_or(((row, col), (row, col)));
        self.span = Some(((r0.min(row), c0.min(col)), (r1.max(row), c1.max(col))));
    }

    /// Refuse a sheet whose cells span more than [`MAX_CLAIMED_CELLS`].
    fn check(&self) -> Result<(), String> {
        let Some(((r0, c0), (r1, c1))) = self.span else {
            return Ok(());
        };
        let cells = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
        if cells > MAX_CLAIMED_CELLS {
            return Err(format!(
                "a sheet's cells span {cells} cells, rows {r0}-{r1} and columns {c0}-{c1}"
            ));
        }
        Ok(())
    }
}

/// The little-endian 16-bit number at `at` in `b`, if `b` holds it.
fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
}

/// The data of the CONTINUE records that follow a record, as calamine gathers them
/// (`rest`: the stream after the record).
fn continues(mut rest: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while rest.len() > 4 && le16(rest, 0) == Some(0x003C) {
        let len = usize::from(le16(rest, 2).unwrap_or(0));
        let Some(data) = rest.get(4..4 + len) else {
            break;
        };
        out.push(data);
        rest = &rest[4 + len..];
    }
    out
}

/// The strings of a shared-string table (SST) walked as calamine reads them, across its
/// CONTINUE records: refused where calamine would index past a piece (a string's run or
/// extension count cut off, a string continued into an empty piece). Where calamine stops
/// with an error, the walk stops too.
fn shared_strings(first: &[u8], pieces: &[&[u8]]) -> Result<(), String> {
    let mut data = first;
    let mut next = pieces.iter();
    let cut = |what: &str| Err(format!("a shared string's {what} is cut off"));
    loop {
        if data.is_empty() {
            match next.next() {
                Some(piece) => data = piece,
                None => return Ok(()),
            }
            if data.is_empty() {
                continue;
            }
        }
        if data.len() < 3 {
            return Ok(()); // calamine: an error.
        }
        let mut chars = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let flags = data[2];
        data = &data[3..];
        let mut runs = 0usize;
        if flags & 0x8 != 0 {
            let Some(n) = le16(data, 0) else {
                return cut("count of formatting runs");
            };
            runs = usize::from(n);
            data = &data[2..];
        }
        let mut extension = 0usize;
        if flags & 0x4 != 0 {
            let Some(b) = data.get(..4) else {
                return cut("extension length");
            };
            extension = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
            data = &data[4..];
        }
        let mut wide = flags & 0x1 != 0;
        loop {
            let width = if wide { 2 } else { 1 };
            let taken = chars.min(data.len() / width);
            data = &data[taken * width..];
            chars -= taken;
            if chars == 0 {
                break;
            }
            match next.next() {
                // calamine reads the continued piece's first byte unchecked.
                Some([]) => return cut("text (continued in an empty piece)"),
                Some(piece) => {
                    wide = piece[0] & 0x1 != 0;
                    data = &piece[1..];
                }
                None => return Ok(()), // calamine: an error.
            }
        }
        // The formatting runs (4 bytes each) and the extension are skipped across pieces.
        let mut skip = runs.saturating_mul(4).saturating_add(extension);
        while skip > 0 {
            if data.is_empty() {
                match next.next() {
                    Some(piece) => data = piece,
                    None => return Ok(()), // calamine: an error.
                }
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
    }
}

/// A record of the workbook globals, refused when it is shorter than the fields calamine
/// reads from it unchecked: BOUNDSHEET (offset, state, type: 6 bytes), FILEPASS, CODEPAGE,
/// DATEMODE, BOF and EXTERNSHEET (a 16-bit field first), LBL (14 bytes of fixed fields,
/// then a formula whose length it gives, read from the record's end).
fn global_record(typ: u16, data: &[u8]) -> Result<(), String> {
    let (name, fixed) = match typ {
        0x0085 => ("BOUNDSHEET", 6),
        0x002F => ("FILEPASS", 2),
        0x0042 => ("CODEPAGE", 2),
        0x0022 => ("DATEMODE", 2),
        0x0809 => ("BOF", 2),
        0x0017 => ("EXTERNSHEET", 2),
        0x0018 => ("LBL", 14),
        _ => return Ok(()),
    };
    if data.len() < fixed {
        return Err(format!(
            "a {name} record of {} bytes, shorter than its fixed fields",
            data.len()
        ));
    }
    if typ == 0x0018 {
        let formula = usize::from(le16(data, 4).unwrap_or(u16::MAX));
        if formula > data.len() - fixed {
            return Err(format!(
                "a LBL record of {} bytes whose formula claims {formula}",
                data.len()
            ));
        }
    }
    Ok(())
}

/// A DIMENSIONS record read as calamine reads it, refused when it overflows or is huge.
fn dimensions(r: &[u8]) -> Result<(), String> {
    let u16_at = |at: usize| u32::from(u16::from_le_bytes([r[at], r[at + 1]]));
    let u32_at = |at: usize| u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return Ok(()),
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    if end.0 < start.0 || end.1 < start.1 {
        return Err(format!(
            "a sheet's dimensions end before they start: {start:?} {end:?}"
        ));
    }
    let cells = (u64::from(end.0 - start.0) + 1) * (u64::from(end.1 - start.1) + 1);
    if cells > MAX_CLAIMED_CELLS {
        return Err(format!("a sheet claims {cells} cells"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    fn compound(fat: &[u32]) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        b[30] = 9;
        b[32] = 6;
        b[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        // DIFAT: sector 0 is the FAT.
        b[76..80].copy_from_slice(&0u32.to_le_bytes());
        for k in 1..109 {
            b[76 + 4 * k..80 + 4 * k].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        let mut sector = vec![0xFFu8; 512];
        for (k, v) in fat.iter().enumerate() {
            sector[4 * k..4 * k + 4].copy_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&sector);
        b.extend_from_slice(&[0u8; 1024]);
        b
    }

    #[test]
    fn cycles_are_refused() {
        assert!(check(&compound(&[0xFFFF_FFFD, 0xFFFF_FFFE, 0xFFFF_FFFE])).is_ok());
        assert!(check(&compound(&[0xFFFF_FFFD, 2, 1])).is_err());
        assert!(check(&compound(&[0xFFFF_FFFD, 1])).is_err());
    }
}
