//! Hand-made PDFs: the text operators, fonts and forms the generated documents do not
//! use, and structures built to exhaust the stack or loop.

use std::time::{Duration, Instant};

use zwgk_extract::{extract, BodyKind, DocumentLimits};

/// A PDF whose objects are `objects` (numbered from 1, object 1 the catalog), with a
/// correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(b.len());
        b.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        b.extend_from_slice(o);
        b.extend_from_slice(b"\nendobj\n");
    }
    let xref = b.len();
    b.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        b.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    b.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    b
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut b = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    b.extend_from_slice(data);
    b.extend_from_slice(b"\nendstream");
    b
}

/// One page showing `content` with font F1 = object 5 and XObject X1 = object 6.
fn one_page(content: &[u8], font: Vec<u8>, xobject: Vec<u8>, extra: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
           /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>"
            .to_vec(),
        stream("", content),
        font,
        xobject,
    ];
    objects.extend(extra);
    pdf(&objects)
}

const TO_UNICODE: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
    1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
    3 beginbfchar <0001> <5E7F> <0002> <4E1C> <0003> <7701> endbfchar\n\
    1 beginbfrange <0010> <0019> <0030> endbfrange\n\
    endcmap end end";

fn identity_h_font() -> Vec<u8> {
    b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
       /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
       /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
       /DW 1000 /W [16 25 500] >>] /ToUnicode 7 0 R >>"
        .to_vec()
}

fn form(content: &[u8]) -> Vec<u8> {
    stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >>",
        content,
    )
}

#[test]
fn identity_h_with_to_unicode_tj_arrays_and_forms() {
    let content = b"BT /F1 12 Tf 72 800 Td <000100020003> Tj 0 -20 Td [<0012> -100 <0010> -3000 <0011>] TJ ET\n\
                    q 1 0 0 1 0 -100 cm /X1 Do Q";
    // The form shows text and calls itself: the cycle is not followed.
    let x = extract(
        BodyKind::Pdf,
        &one_page(
            content,
            identity_h_font(),
            form(b"BT /F1 10 Tf 72 600 Tm (\x00\x01\x00\x02) Tj ET /X1 Do"),
            vec![stream("", TO_UNICODE.as_bytes())],
        ),
        &DocumentLimits::default(),
    )
    .unwrap();
    // Small kerning joins, a gap of three ems separates.
    assert_eq!(x.text, "广东省\n20 1\n广东");
}

#[test]
fn gbk_encoded_cid_font_without_to_unicode() {
    let (gbk, _, _) = encoding_rs::GBK.encode("部门预算2021");
    let mut content = b"BT /F1 12 Tf 72 800 Td (".to_vec();
    content.extend_from_slice(&gbk);
    content.extend_from_slice(b") Tj ET");
    let font = b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H \
                 /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light >>] >>"
        .to_vec();
    let x = extract(
        BodyKind::Pdf,
        &one_page(&content, font, b"<< >>".to_vec(), vec![]),
        &DocumentLimits::default(),
    )
    .unwrap();
    assert_eq!(x.text, "部门预算2021");
}

/// A Type0 font over a non-embedded CID font of `ordering`, codes Identity-H, no
/// `/ToUnicode` unless `to_unicode` (a dictionary entry) says.
fn collection_font(subtype: &str, ordering: &str, to_unicode: &str) -> Vec<u8> {
    format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H {to_unicode} \
         /DescendantFonts [<< /Type /Font /Subtype /{subtype} /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering ({ordering}) /Supplement 4 >> >>] >>"
    )
    .into_bytes()
}

fn text_of(content: &[u8], font: Vec<u8>) -> String {
    extract(
        BodyKind::Pdf,
        &one_page(content, font, b"<< >>".to_vec(), vec![]),
        &DocumentLimits::default(),
    )
    .unwrap()
    .text
}

#[test]
fn adobe_gb1_and_cns1_cids_without_to_unicode() {
    // 政府信息公开年度报告 as Adobe-GB1 CIDs, 政府資訊公開年度報告 as Adobe-CNS1 CIDs.
    let gb1 = b"BT /F1 12 Tf 72 800 Td <119F06A90F900F0F070409370B4D0607041106E1> Tj ET";
    let cns1 = b"BT /F1 12 Tf 72 800 Td <074105B40F1F09C302AE0D9A03CB07130C1C0453> Tj ET";
    for subtype in ["CIDFontType0", "CIDFontType2"] {
        assert_eq!(
            text_of(gb1, collection_font(subtype, "GB1", "")),
            "政府信息公开年度报告"
        );
        assert_eq!(
            text_of(cns1, collection_font(subtype, "CNS1", "")),
            "政府資訊公開年度報告"
        );
    }
    // The collection's map named in place of a /ToUnicode stream.
    let named = collection_font("CIDFontType2", "Identity", "/ToUnicode /Adobe-GB1-UCS2");
    assert_eq!(text_of(gb1, named), "政府信息公开年度报告");
    // An ordering without a bundled map gives no text rather than wrong text.
    assert_eq!(
        text_of(gb1, collection_font("CIDFontType0", "Japan1", "")),
        ""
    );
}

#[test]
fn simple_fonts_read_through_their_base_encoding_and_differences() {
    let font = |encoding: &str| {
        format!("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica {encoding} >>").into_bytes()
    };
    // WinAnsi (code page 1252): é at E9, an em dash at 97, curly quotes at 93/94.
    let win = b"BT /F1 12 Tf 72 800 Td (Caf\\351 \\227 \\223ok\\224) Tj ET";
    assert_eq!(
        text_of(win, font("/Encoding /WinAnsiEncoding")),
        "Café — “ok”"
    );
    // MacRoman: é at 8E, an em dash at D1.
    let mac = b"BT /F1 12 Tf 72 800 Td (Caf\\216 \\321) Tj ET";
    assert_eq!(text_of(mac, font("/Encoding /MacRomanEncoding")), "Café —");
    // No /Encoding: a Type 1 font's default, StandardEncoding (a right quote at 27).
    let std = b"BT /F1 12 Tf 72 800 Td (It\\047s) Tj ET";
    assert_eq!(text_of(std, font("")), "It’s");
    // /Differences over a base encoding: glyph names by the Adobe Glyph List rules.
    let diff = b"BT /F1 12 Tf 72 800 Td (\\200\\201 \\202 2021) Tj ET";
    let encoding = "/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding \
                    /Differences [128 /uni4E2D /uni6587 /eacute.sc] >>";
    assert_eq!(text_of(diff, font(encoding)), "中文 é 2021");
}

/// A CFF font program (`/FontFile3 /Subtype /Type1C`), as TeX's math fonts are embedded:
/// four glyphs (.notdef, period, a glyph named by the font's own string "arrowright",
/// and A) encoded at 58, 33 and 65, and period at 46 too by a supplement.
const CFF_PROGRAM: &str = "0100040100010200010007434d4d493130000102000100131d0000003d0f1d00000044\
    101d0000004d110001020001000b6172726f777269676874000000000f0187002280033a2141012e000f\
    000402000100020003000400050e0e0e0e";

#[test]
fn type1_fonts_without_encoding_read_their_programs_own_encoding() {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|k| u8::from_str_radix(&s[k..k + 2], 16).unwrap())
            .collect()
    };
    let font = |flags: u32, encoding: &str, file: &str| {
        format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /CMMI10 /FirstChar 0 /LastChar 255 {encoding} \
             /FontDescriptor << /Type /FontDescriptor /FontName /CMMI10 /Flags {flags} {file} >> >>"
        )
        .into_bytes()
    };
    let content = b"BT /F1 12 Tf 72 800 Td (A\\072\\072\\041\\056) Tj ET";
    let text = |font: Vec<u8>, program: Vec<u8>| {
        extract(
            BodyKind::Pdf,
            &one_page(content, font, b"<< >>".to_vec(), vec![program]),
            &DocumentLimits::default(),
        )
        .unwrap()
        .text
    };
    let cff = || stream("/Subtype /Type1C", &hex(CFF_PROGRAM));
    // No /Encoding: the program's encoding (58 is a period in TeX's CMMI, not a colon).
    assert_eq!(text(font(4, "", "/FontFile3 7 0 R"), cff()), "A..→.");
    // A symbolic font's /Differences change its own encoding.
    let differences = "/Encoding << /Differences [46 /bullet] >>";
    assert_eq!(
        text(font(4, differences, "/FontFile3 7 0 R"), cff()),
        "A..→•"
    );
    // A non-symbolic font with an /Encoding but no /BaseEncoding: StandardEncoding.
    assert_eq!(
        text(font(32, differences, "/FontFile3 7 0 R"), cff()),
        "A::!•"
    );
    // A Type 1 program's clear-text encoding.
    let type1 = stream(
        "/Length1 200 /Length2 0 /Length3 0",
        b"%!PS-AdobeFont-1.0: CMSY10\n/Encoding 256 array\n\
          0 1 255 {1 index exch /.notdef put} for\n\
          dup 65 /minus put\ndup 58 /multiply put\ndup 33 /arrowright put\ndup 46 /bullet put\n\
          readonly def\ncurrentfile eexec\n",
    );
    assert_eq!(text(font(4, "", "/FontFile 7 0 R"), type1), "−××→•");
    // A damaged program: StandardEncoding, as before.
    let damaged = stream("/Subtype /Type1C", b"\x01\x00\x04");
    assert_eq!(text(font(4, "", "/FontFile3 7 0 R"), damaged), "A::!.");
}

#[test]
fn fake_bold_copies_are_read_once() {
    // WPS and PDFCreator embolden a heading by drawing it again a quarter point away,
    // one kerned glyph per TJ string; two glyphs a full em apart are both text.
    let font = identity_h_font();
    let heading = b"BT /F1 20 Tf 100 700 Td [<0010> -10 <0011> -10 <0012>] TJ ET";
    let mut content = Vec::new();
    for (dx, dy) in [(0.0, 0.0), (0.24, 0.0), (-0.24, 0.24), (0.0, -0.24)] {
        content.extend_from_slice(format!("q 1 0 0 1 {dx} {dy} cm ").as_bytes());
        content.extend_from_slice(heading);
        content.extend_from_slice(b" Q\n");
    }
    content.extend_from_slice(b"BT /F1 20 Tf 100 600 Td <00010001> Tj ET");
    let x = extract(
        BodyKind::Pdf,
        &one_page(
            &content,
            font,
            b"<< >>".to_vec(),
            vec![stream("", TO_UNICODE.as_bytes())],
        ),
        &DocumentLimits::default(),
    )
    .unwrap();
    assert_eq!(x.text, "012\n广广");
}

#[test]
fn a_row_of_narrow_glyphs_is_not_fake_bold() {
    // Dot leaders and double hyphens, one glyph per TJ string, each glyph a fifth of an
    // em wide: the next starts less than a quarter em on, but a whole glyph on.
    let font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 45 /LastChar 46 \
                 /Widths [200 200] >>"
        .to_vec();
    let row = b"BT /F1 12 Tf 72 800 Td [(1) (.) (.) (.) (.) (2) (-) (-) (3)] TJ ET";
    assert_eq!(text_of(row, font.clone()), "1....2--3");
    // Drawn twice a tenth of a point apart, the row is still read once.
    let twice =
        b"BT /F1 12 Tf 72 800 Td [(.) (.) (.)] TJ ET BT /F1 12 Tf 72.1 800 Td [(.) (.) (.)] TJ ET";
    assert_eq!(text_of(twice, font), "...");
}

#[test]
fn abbreviated_and_empty_filter_names_are_read() {
    // /Fl is FlateDecode's inline-image abbreviation, which pdfFactory writes on page
    // streams; an empty filter array means no filter.
    let content = b"BT /F1 12 Tf 72 800 Td (2021 budget) Tj ET";
    let font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec();
    let mut deflated = Vec::new();
    {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(&mut deflated, flate2::Compression::default());
        z.write_all(content).unwrap();
        z.finish().unwrap();
    }
    for (filter, data) in [
        ("/Filter /Fl", &deflated[..]),
        ("/Filter [/Fl]", &deflated[..]),
        ("/Filter []", &content[..]),
    ] {
        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
               /Resources << /Font << /F1 5 0 R >> >> >>"
                .to_vec(),
            stream(filter, data),
            font.clone(),
        ];
        let x = extract(BodyKind::Pdf, &pdf(&objects), &DocumentLimits::default()).unwrap();
        assert_eq!(x.text, "2021 budget", "{filter}");
    }
}

#[test]
fn a_simple_font_reads_one_byte_codes_whatever_its_to_unicode_code_space() {
    // The map declares two-byte codes but maps one-byte ones, as Acrobat writes it.
    let to_unicode = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        3 beginbfchar <41> <0041> <42> <0042> <18> <5212> endbfchar\n\
        endcmap end end";
    let font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Axiforma /ToUnicode 7 0 R >>".to_vec();
    let x = extract(
        BodyKind::Pdf,
        &one_page(
            b"BT /F1 12 Tf 72 800 Td (AB\\030) Tj ET",
            font,
            b"<< >>".to_vec(),
            vec![stream("", to_unicode.as_bytes())],
        ),
        &DocumentLimits::default(),
    )
    .unwrap();
    assert_eq!(x.text, "AB划");
}

#[test]
fn deep_nesting_and_huge_operands_do_not_overflow() {
    let started = Instant::now();
    for open in [&b"["[..], b"<<", b"<< /A ", b"("] {
        let deep = open.repeat(200_000);
        // In an object.
        let mut objects = vec![deep.clone()];
        objects.push(b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec());
        let _ = extract(BodyKind::Pdf, &pdf(&objects), &DocumentLimits::default());
        // In a page's content stream and in a font's ToUnicode map.
        let mut content = b"BT /F1 12 Tf ".to_vec();
        content.extend_from_slice(&deep);
        content.extend_from_slice(b" TJ ET");
        let _ = extract(
            BodyKind::Pdf,
            &one_page(
                &content,
                identity_h_font(),
                form(&deep),
                vec![stream("", &deep)],
            ),
            &DocumentLimits::default(),
        );
    }
    // A ToUnicode range over every code, a W array over every CID.
    let cmap = "1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <4E00> endbfrange";
    let mut content = b"BT /F1 12 Tf 72 800 Td <".to_vec();
    content.extend_from_slice(b"0001".repeat(50_000).as_slice());
    content.extend_from_slice(b"> Tj ET");
    let x = extract(
        BodyKind::Pdf,
        &one_page(
            &content,
            identity_h_font(),
            form(b""),
            vec![stream("", cmap.as_bytes())],
        ),
        &DocumentLimits::default(),
    )
    .unwrap();
    assert_eq!(x.text.chars().count(), 50_000);
    assert!(x.text.starts_with("丁丁"));
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn forms_calling_each_other_many_times_stay_bounded() {
    // Each form calls the next one 16 times: 16^8 calls if unbounded. Objects 8.. are
    // the levels; the page's form (object 6) starts the chain.
    let mut extra = vec![stream("", TO_UNICODE.as_bytes())];
    for level in 0..8 {
        let body = format!(
            "BT /F1 10 Tf 72 600 Tm <0001> Tj ET {}",
            "/N Do ".repeat(16)
        );
        extra.push(stream(
            &format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /Font << /F1 5 0 R >> /XObject << /N {} 0 R >> >>",
                level + 9
            ),
            body.as_bytes(),
        ));
    }
    let first = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /N 8 0 R >> >>",
        "/N Do ".repeat(16).as_bytes(),
    );
    let started = Instant::now();
    let limits = DocumentLimits {
        max_unzipped: 1 << 20,
        ..DocumentLimits::default()
    };
    let x = extract(
        BodyKind::Pdf,
        &one_page(b"/X1 Do", identity_h_font(), first, extra),
        &limits,
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let x = x.unwrap();
    assert!(x.truncated);
    // Every call draws 广 at the same place: read once, as a viewer shows it once.
    assert_eq!(x.text, "广");
}
