#!/usr/bin/env python3
"""Generate the test documents in this folder.

The output is committed: the tests read only the files, so neither Python nor the
fonts are needed to run them. Run this again only to change the documents:

    pip install reportlab python-docx openpyxl xlwt fpdf2
    apt-get install fonts-wqy-microhei     # for accounts_ttf.pdf only
    python3 make.py

Every file is made deterministic where the library allows (fixed dates, no random ids),
so that running it twice gives the same text.
"""

import os
import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

TITLE = "广东省文化和旅游厅2020年部门决算"
PARAS = [
    "一、部门概况",
    "（一）主要职责",
    "贯彻落实党中央关于文化和旅游工作的方针政策和决策部署。",
    "二、部门决算情况说明",
    "2020年度“三公”经费财政拨款支出7,295.08万元，其中因公出国（境）费0万元。",
]
TABLE = [
    ["项目", "年初预算数", "决算数"],
    ["因公出国（境）费", "120.00", "0.00"],
    ["公务用车购置及运行费", "279 587", "7,295.08"],
    ["公务接待费", "35.5", "12.34"],
]


def out(name):
    return os.path.join(HERE, name)


def pdf_cid():
    """STSong-Light, a non-embedded CID font: reportlab writes it as Type0 with the
    UniGB-UCS2-H CMap (codes are UCS-2) and no /ToUnicode."""
    from reportlab.pdfgen import canvas
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(out("accounts_cid.pdf"), invariant=1, pageCompression=1)
    y = 800
    c.setFont("STSong-Light", 18)
    c.drawString(72, y, TITLE)
    c.setFont("STSong-Light", 11)
    for p in PARAS:
        y -= 24
        c.drawString(72, y, p)
    y -= 36
    xs = [72, 252, 372]
    for row in TABLE:
        for x, cell in zip(xs, row):
            c.drawString(x, y, cell)
        y -= 20
    c.showPage()
    c.setFont("STSong-Light", 11)
    c.drawString(72, 800, "三、名词解释")
    c.save()


def pdf_ttf():
    """An embedded subset of WenQuanYi Micro Hei: fpdf2 writes a Type0 font with
    Identity-H and a /ToUnicode CMap, as office suites do for Chinese text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc))
    pdf.add_font("wqy", "", WQY, collection_font_number=0)
    pdf.add_page()
    pdf.set_font("wqy", size=18)
    pdf.cell(0, 12, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("wqy", size=11)
    for p in PARAS:
        pdf.multi_cell(0, 8, p, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(60, 40, 40), first_row_as_headings=False) as table:
        for row in TABLE:
            r = table.row()
            for cell in row:
                r.cell(cell)
    pdf.output(out("accounts_ttf.pdf"))


def pdf_ttf_without_to_unicode():
    """accounts_ttf.pdf with its /ToUnicode entry blanked out (same length, so the
    cross-reference offsets stay right): the text must come from the embedded font's
    cmap table."""
    import re

    data = open(out("accounts_ttf.pdf"), "rb").read()
    data, n = re.subn(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)
    assert n == 1, n
    open(out("accounts_ttf_no_tounicode.pdf"), "wb").write(data)


def pdf_ttf_simple():
    """reportlab's embedded TrueType: simple (one-byte) subset fonts of 256 glyphs, each
    with its own /ToUnicode map."""
    from reportlab.pdfgen import canvas
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("wqy", WQY, subfontIndex=0))
    c = canvas.Canvas(out("accounts_ttf_simple.pdf"), invariant=1)
    y = 800
    c.setFont("wqy", 16)
    c.drawString(72, y, TITLE)
    c.setFont("wqy", 11)
    for p in PARAS:
        y -= 22
        c.drawString(72, y, p)
    c.save()


def pdf_encrypted():
    """Needs a user password: the text cannot be read."""
    from reportlab.pdfgen import canvas
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128)
    c = canvas.Canvas(out("encrypted.pdf"), invariant=1, encrypt=enc)
    c.drawString(72, 800, "secret text")
    c.save()


def pdf_owner_only():
    """Restricted by an owner password only (empty user password): readable."""
    from reportlab.pdfgen import canvas
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0, strength=128)
    c = canvas.Canvas(out("owner_only.pdf"), invariant=1, encrypt=enc)
    c.drawString(72, 800, "Annual report 2021: open to all readers")
    c.save()


def docx():
    import docx as d

    doc = d.Document()
    doc.core_properties.created = datetime.datetime(2021, 1, 1)
    doc.core_properties.modified = datetime.datetime(2021, 1, 1)
    doc.add_heading(TITLE, level=1)
    for p in PARAS:
        doc.add_paragraph(p)
    para = doc.add_paragraph("单位：")
    para.add_run().add_tab()
    para.add_run("万元")
    t = doc.add_table(rows=len(TABLE), cols=3)
    for i, row in enumerate(TABLE):
        for j, cell in enumerate(row):
            t.cell(i, j).text = cell
    doc.add_paragraph("三、名词解释")
    doc.save(out("accounts.docx"))


def xlsx():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws.append([TITLE])
    ws.append(["项目", "年初预算数", "决算数"])
    ws.append(["因公出国（境）费", 120, 0])
    ws.append(["公务用车购置及运行费", 279587, 7295.08])
    ws.append(["公务接待费", 35.5, 12.34])
    ws2 = wb.create_sheet("说明")
    ws2["A1"] = "一、部门概况"
    ws2["B3"] = "7,295.08万元"
    wb.properties.created = datetime.datetime(2021, 1, 1)
    wb.properties.modified = datetime.datetime(2021, 1, 1)
    wb.save(out("budget.xlsx"))


def xls():
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("收支总表")
    rows = [
        [TITLE],
        ["项目", "年初预算数", "决算数"],
        ["因公出国（境）费", 120, 0],
        ["公务用车购置及运行费", 279587, 7295.08],
        ["公务接待费", 35.5, 12.34],
    ]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    ws2 = wb.add_sheet("说明")
    ws2.write(0, 0, "一、部门概况")
    ws2.write(2, 1, "7,295.08万元")
    wb.save(out("budget.xls"))


if __name__ == "__main__":
    pdf_cid()
    pdf_ttf()
    pdf_ttf_without_to_unicode()
    pdf_ttf_simple()
    pdf_encrypted()
    pdf_owner_only()
    docx()
    xlsx()
    xls()
