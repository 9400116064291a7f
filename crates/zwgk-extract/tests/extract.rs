//! Extraction of the committed test documents (made by `tests/data/make.py`) and of
//! hostile inputs.

use std::io::Write;
use std::time::{Duration, Instant};

use unicode_normalization::UnicodeNormalization;
use zwgk_extract::{detect, extract, BodyKind, DocumentLimits, ExtractError, Extracted};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// Assert that the text holds every needle, compared after NFKC on both sides.
fn assert_has(x: &Extracted, needles: &[&str]) {
    let text = nfkc(&x.text);
    for n in needles {
        assert!(
            text.contains(&nfkc(n)),
            "{:?} text lacks {n:?}:\n{}",
            x.kind,
            x.text
        );
    }
}

const NEEDLES: &[&str] = &[
    "广东省文化和旅游厅2020年部门决算",
    "一、部门概况",
    "因公出国（境）费",
    "7,295.08万元",
];

fn ok(kind: BodyKind, name: &str) -> Extracted {
    let bytes = data(name);
    let x =
        extract(kind, &bytes, &DocumentLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(x.kind, kind);
    assert!(!x.truncated, "{name} truncated");
    x
}

#[test]
fn pdf_with_embedded_identity_h_font_and_to_unicode() {
    let x = ok(BodyKind::Pdf, "accounts_ttf.pdf");
    assert_has(&x, NEEDLES);
    assert_has(&x, &["公务用车购置及运行费", "279 587", "三公"]);
    // Each paragraph is a line of its own.
    let lines: Vec<&str> = x.text.lines().collect();
    assert!(lines.contains(&"一、部门概况"), "{lines:?}");
    assert!(x.tables.is_empty());
}

#[test]
fn pdf_with_identity_h_font_without_to_unicode_reads_the_embedded_cmap() {
    let with = ok(BodyKind::Pdf, "accounts_ttf.pdf");
    let without = ok(BodyKind::Pdf, "accounts_ttf_no_tounicode.pdf");
    assert_has(&without, NEEDLES);
    assert_eq!(with.text, without.text);
}

#[test]
fn pdf_with_simple_truetype_subsets_and_to_unicode() {
    let x = ok(BodyKind::Pdf, "accounts_ttf_simple.pdf");
    assert_has(&x, NEEDLES);
    assert_eq!(x.text.lines().count(), 6, "{}", x.text);
}

#[test]
fn pdf_with_ucs2_cid_font_without_to_unicode() {
    let x = ok(BodyKind::Pdf, "accounts_cid.pdf");
    assert_has(&x, NEEDLES);
    let lines: Vec<&str> = x.text.lines().collect();
    assert_eq!(lines[0], "广东省文化和旅游厅2020年部门决算");
    // A table row drawn cell by cell stays one line, cells apart.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("公务用车购置及运行费") && l.contains("7,295.08")),
        "{lines:?}"
    );
    // The second page follows.
    assert_eq!(lines.last(), Some(&"三、名词解释"));
}

#[test]
fn damaged_pdfs_still_read() {
    let good = data("accounts_ttf.pdf");
    let xref = good.windows(9).rposition(|w| w == b"startxref").unwrap();
    let table = good.windows(7).position(|w| w == b"xref\n0 ").unwrap();
    let mut junk_first = b"\xef\xbb\xbfjunk\r\n".to_vec();
    junk_first.extend_from_slice(&good);
    let mut wrong_offset = good[..xref].to_vec();
    wrong_offset.extend_from_slice(b"startxref\n12345\n%%EOF\n");
    for bytes in [junk_first, wrong_offset, good[..table].to_vec()] {
        assert_eq!(detect("http://x/a", None, &bytes), BodyKind::Pdf);
        let x = extract(BodyKind::Pdf, &bytes, &DocumentLimits::default()).unwrap();
        assert_has(&x, NEEDLES);
    }
}

#[test]
fn pdf_page_limit_cuts() {
    let bytes = data("accounts_cid.pdf");
    let limits = DocumentLimits {
        max_pages: 1,
        ..DocumentLimits::default()
    };
    let x = extract(BodyKind::Pdf, &bytes, &limits).unwrap();
    assert!(x.truncated);
    assert!(x.text.contains("部门决算"));
    assert!(!x.text.contains("名词解释"));
}

#[test]
fn pdf_needing_a_password_is_encrypted() {
    let bytes = data("encrypted.pdf");
    assert!(matches!(
        extract(BodyKind::Pdf, &bytes, &DocumentLimits::default()),
        Err(ExtractError::Encrypted)
    ));
}

#[test]
fn pdf_with_only_an_owner_password_reads() {
    let x = ok(BodyKind::Pdf, "owner_only.pdf");
    assert_has(&x, &["Annual report 2021: open to all readers"]);
}

#[test]
fn docx_paragraphs_and_tables() {
    let x = ok(BodyKind::Docx, "accounts.docx");
    assert_has(&x, NEEDLES);
    let lines: Vec<&str> = x.text.lines().collect();
    assert_eq!(lines[0], "广东省文化和旅游厅2020年部门决算");
    assert!(lines.contains(&"单位：\t万元"), "{lines:?}");
    assert!(
        lines.contains(&"公务用车购置及运行费\t279 587\t7,295.08"),
        "{lines:?}"
    );
    assert_eq!(lines.last(), Some(&"三、名词解释"));
    assert_eq!(x.tables.len(), 1);
    let t = &x.tables[0];
    assert_eq!(t.len(), 4);
    assert_eq!(t[0], ["项目", "年初预算数", "决算数"]);
    assert_eq!(t[1], ["因公出国（境）费", "120.00", "0.00"]);
}

fn check_workbook(x: &Extracted) {
    assert_has(x, NEEDLES);
    let lines: Vec<&str> = x.text.lines().collect();
    assert!(lines.contains(&"项目\t年初预算数\t决算数"), "{lines:?}");
    // Integers without ".0", decimals as typed.
    assert!(
        lines.contains(&"公务用车购置及运行费\t279587\t7295.08"),
        "{lines:?}"
    );
    assert!(lines.contains(&"因公出国（境）费\t120\t0"), "{lines:?}");
    assert_eq!(x.tables.len(), 2, "one grid per sheet");
    let t = &x.tables[0];
    assert_eq!(t.len(), 5);
    assert!(t.iter().all(|r| r.len() == 3), "rectangular grid: {t:?}");
    assert_eq!(t[0], ["广东省文化和旅游厅2020年部门决算", "", ""]);
    assert_eq!(t[4], ["公务接待费", "35.5", "12.34"]);
    // Second sheet: blank row and column kept in the grid.
    assert_eq!(
        x.tables[1],
        vec![
            vec!["一、部门概况".to_string(), String::new()],
            vec![String::new(), "7,295.08万元".to_string()],
        ]
    );
}

#[test]
fn xlsx_all_sheets() {
    check_workbook(&ok(BodyKind::Xlsx, "budget.xlsx"));
}

#[test]
fn xls_all_sheets() {
    check_workbook(&ok(BodyKind::Xls, "budget.xls"));
}

#[test]
fn detection_by_magic_bytes() {
    for (name, kind) in [
        ("accounts_ttf.pdf", BodyKind::Pdf),
        ("accounts.docx", BodyKind::Docx),
        ("budget.xlsx", BodyKind::Xlsx),
        ("budget.xls", BodyKind::Xls),
    ] {
        let bytes = data(name);
        assert_eq!(
            detect("http://whly.gd.gov.cn/attachment/0/1/2/3", None, &bytes),
            kind,
            "{name}"
        );
        assert_eq!(
            detect("http://x/a", Some("application/octet-stream"), &bytes),
            kind,
            "{name}"
        );
        assert_eq!(detect(&format!("http://x/{name}"), None, &bytes), kind);
    }
    // An ".xls" link that serves a PDF is read as the PDF it is.
    assert_eq!(
        detect("http://x/a.xls", None, &data("accounts_cid.pdf")),
        BodyKind::Pdf
    );
    // A ".docx" link that serves a workbook.
    assert_eq!(
        detect("http://x/a.docx", None, &data("budget.xlsx")),
        BodyKind::Xlsx
    );
}

#[test]
fn unsupported_kinds_say_so() {
    for kind in [BodyKind::Doc, BodyKind::Wps, BodyKind::Ofd, BodyKind::Other] {
        let e = extract(
            kind,
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            &DocumentLimits::default(),
        );
        assert!(matches!(e, Err(ExtractError::Unsupported(k)) if k == kind));
    }
}

#[test]
fn input_over_max_bytes_is_too_large() {
    let bytes = data("accounts_cid.pdf");
    let limits = DocumentLimits {
        max_bytes: 100,
        ..DocumentLimits::default()
    };
    assert!(matches!(
        extract(BodyKind::Pdf, &bytes, &limits),
        Err(ExtractError::TooLarge)
    ));
}

#[test]
fn text_limit_cuts() {
    let limits = DocumentLimits {
        max_text_chars: 10,
        ..DocumentLimits::default()
    };
    for (kind, name) in [
        (BodyKind::Pdf, "accounts_ttf.pdf"),
        (BodyKind::Docx, "accounts.docx"),
        (BodyKind::Xlsx, "budget.xlsx"),
        (BodyKind::Xls, "budget.xls"),
    ] {
        let x = extract(kind, &data(name), &limits).unwrap();
        assert!(x.truncated, "{name}");
        assert!(x.text.chars().count() <= 10, "{name}: {:?}", x.text);
        assert!(x.text.starts_with("广东省"), "{name}: {:?}", x.text);
    }
}

/// Every kind on every hostile input: an error or some text, quickly, never a panic.
#[test]
fn hostile_inputs_never_panic() {
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"%PDF-".to_vec(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
        b"PK\x03\x04".to_vec(),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec(),
    ];
    // Truncations and corruptions of every real document.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for name in [
        "accounts_cid.pdf",
        "accounts_ttf.pdf",
        "accounts_ttf_no_tounicode.pdf",
        "accounts_ttf_simple.pdf",
        "owner_only.pdf",
        "accounts.docx",
        "budget.xlsx",
        "budget.xls",
        "encrypted.pdf",
    ] {
        let bytes = data(name);
        for cut in [1, 7, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
            inputs.push(bytes[..cut].to_vec());
        }
        for _ in 0..12 {
            let mut b = bytes.clone();
            for _ in 0..1 + next() % 16 {
                let i = (next() % b.len() as u64) as usize;
                b[i] = next() as u8;
            }
            inputs.push(b);
        }
    }
    for len in [1usize, 100, 4096, 65536] {
        inputs.push((0..len).map(|_| next() as u8).collect());
    }
    let kinds = [
        BodyKind::Pdf,
        BodyKind::Docx,
        BodyKind::Xlsx,
        BodyKind::Xls,
        BodyKind::Doc,
    ];
    let limits = DocumentLimits::default();
    for input in &inputs {
        for kind in kinds {
            let _ = detect("http://x/a", None, input);
            let started = Instant::now();
            let result = extract(kind, input, &limits);
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{kind:?} took {:?}",
                started.elapsed()
            );
            if let Ok(x) = result {
                assert!(x.text.chars().count() <= limits.max_text_chars);
            }
        }
    }
}

fn zip_with(member: &str, head: &[u8], filler: u8, size: usize, tail: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    w.start_file("[Content_Types].xml", options).unwrap();
    w.write_all(b"<Types/>").unwrap();
    w.start_file(member, options).unwrap();
    w.write_all(head).unwrap();
    let chunk = vec![filler; 1 << 20];
    for _ in 0..size >> 20 {
        w.write_all(&chunk).unwrap();
    }
    w.write_all(tail).unwrap();
    w.finish().unwrap().into_inner()
}

const BOMB: usize = 200 << 20;

#[test]
fn docx_zip_bomb_is_cut() {
    // 200 MB of blanks inside the body: no text, so only the unzip budget stops it.
    let bomb = zip_with(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:r><w:t>\xe5\xbc\x80\xe5\xa7\x8b</w:t></w:r></w:p>",
        b' ',
        BOMB,
        b"<w:p><w:r><w:t>end</w:t></w:r></w:p></w:body></w:document>",
    );
    assert!(bomb.len() < 2 << 20, "bomb is {} bytes", bomb.len());
    assert_eq!(detect("http://x/a", None, &bomb), BodyKind::Docx);
    let limits = DocumentLimits {
        max_unzipped: 20 << 20,
        ..DocumentLimits::default()
    };
    let started = Instant::now();
    let x = extract(BodyKind::Docx, &bomb, &limits).unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(x.truncated);
    assert_eq!(x.text, "开始");

    // 200 MB of text: cut at the text limit.
    let bomb = zip_with(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:r><w:t>",
        b'a',
        BOMB,
        b"</w:t></w:r></w:p></w:body></w:document>",
    );
    let x = extract(BodyKind::Docx, &bomb, &DocumentLimits::default()).unwrap();
    assert!(x.truncated);
    assert!(x.text.chars().count() <= DocumentLimits::default().max_text_chars);
}

#[test]
fn xlsx_zip_bomb_is_refused() {
    let bomb = zip_with(
        "xl/worksheets/sheet1.xml",
        b"<worksheet>",
        b' ',
        BOMB,
        b"</worksheet>",
    );
    assert_eq!(detect("http://x/a", None, &bomb), BodyKind::Xlsx);
    let limits = DocumentLimits {
        max_unzipped: 20 << 20,
        ..DocumentLimits::default()
    };
    let started = Instant::now();
    assert!(matches!(
        extract(BodyKind::Xlsx, &bomb, &limits),
        Err(ExtractError::TooLarge)
    ));
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// Inputs that once made calamine allocate without bound (a cyclic sector chain, a sheet
/// claiming billions of cells) or panic (a sector starting past the end of the file, a FAT
/// cut off mid-entry, a short BOUNDSHEET record, a chain past the mini FAT, a workbook
/// record shorter than the field calamine reads first, a sheet offset past the workbook
/// stream, cells so far apart that calamine's dense grid of them takes gigabytes; found by
/// the `xls` fuzz target, as were a mini sector past the end of the mini stream, a shared
/// string whose header is cut off, a formula longer than its record and a MERGECELLS record
/// shorter than its ranges): refused before calamine reads them, not left to `catch_unwind`
/// (which a program built with `panic = "abort"` does not have).
#[test]
fn hostile_xls_files_are_refused() {
    for name in [
        "hostile/fat_cycle.xls",
        "hostile/huge_dimensions.xls",
        "hostile/sector_past_end.xls",
        "hostile/fat_cut_mid_entry.xls",
        "hostile/short_boundsheet.xls",
        "hostile/chain_past_fat.xls",
        "hostile/short_global_record.xls",
        "hostile/sheet_past_stream.xls",
        "hostile/cells_far_apart.xls",
        "hostile/mini_sector_past_stream.xls",
        "hostile/shared_string_cut.xls",
        "hostile/formula_past_record.xls",
        "hostile/merge_cells_cut.xls",
    ] {
        let bytes = data(name);
        assert_eq!(detect("http://x/a", None, &bytes), BodyKind::Xls);
        match extract(BodyKind::Xls, &bytes, &DocumentLimits::default()) {
            Err(ExtractError::Malformed { kind, reason }) => {
                eprintln!("{name}: {reason}");
                assert_eq!(kind, BodyKind::Xls);
                assert!(
                    !reason.contains("gave up"),
                    "{name}: the parser panicked: {reason}"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// calamine parses every formula's tokens (zwgk reads only cell values) and indexes them
/// unchecked: `formula_token_cut.xls` (a workbook written by xlwt 1.3.0 whose formula
/// `B2*2` was then cut to one token, a 3-D reference without its six bytes) made it panic.
/// The guard blanks the formulas' token lengths in a copy, so the values are read.
#[test]
fn xls_formula_tokens_are_not_parsed() {
    let bytes = data("hostile/formula_token_cut.xls");
    let x = extract(BodyKind::Xls, &bytes, &DocumentLimits::default())
        .unwrap_or_else(|e| panic!("formula_token_cut.xls: {e}"));
    for want in ["项目", "金额", "基本支出", "120.5", "合计"] {
        assert!(x.text.contains(want), "{want:?} missing from {:?}", x.text);
    }
}

fn docx_from(member: &str, xml: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    w.start_file(member, options).unwrap();
    w.write_all(xml.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

#[test]
fn docx_markup_that_is_not_text() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
<w:p><w:r><w:t xml:space="preserve">部门预算 &amp; </w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:t>说明</w:t></w:r></w:p>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="840"/></w:tabs></w:pPr><w:r><w:fldChar/><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:t>链接</w:t></w:r></w:p>
<w:p><mc:AlternateContent><mc:Choice><w:r><w:t>文本框</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>文本框</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>
<w:tbl>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>表</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc/></w:tr>
</w:tbl>
<w:p><w:r><w:t>&#x4E09;</w:t><w:br/><w:t>end</w:t></w:r></w:p>
</w:body></w:document>"#;
    // Some editors name the main part document2.xml.
    let bytes = docx_from("word/document2.xml", xml);
    let x = extract(BodyKind::Docx, &bytes, &DocumentLimits::default()).unwrap();
    assert_eq!(
        x.text,
        "部门预算 & 说明\n链接\n文本框\n合计\t\t1 2\na\t内 表\n三\nend"
    );
    assert_eq!(x.tables.len(), 2);
    assert_eq!(x.tables[0], [["内", "表"]]);
    assert_eq!(
        x.tables[1],
        vec![vec!["合计", "", "1\n2"], vec!["a", "内 表", ""],]
    );
}
