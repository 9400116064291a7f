#!/usr/bin/env python3
"""Character agreement of zwgk-extract's PDF text with poppler's pdftotext.

    python3 bench/pdf/compare.py --corpus DIR [--zwgk BIN]... [--out TABLE.md]

DIR holds the PDFs named in bench/pdf/corpus.tsv (each one a git blob of a public
repository: `git clone https://github.com/REPOSITORY && git -C NAME show COMMIT:PATH > FILE`;
the blob's SHA-1 is checked). Each --zwgk names a build of the `dump` example of
zwgk-extract (`cargo build --release -p zwgk-extract --example dump`, then
target/release/examples/dump); several may be given (a label may precede it:
`before=PATH`) to compare builds side by side in one run. pdftotext (Debian
poppler-utils, with poppler-data for the CJK collections) is the reference.

Agreement per file: both texts NFKC-normalised, whitespace removed, then the
characters both share as multisets: 2 * shared / (len(a) + len(b)). Reading order does
not count (the rules look for words and headings, not the order of columns); a character
one side misses or reads wrongly does.
"""
import argparse
import collections
import csv
import hashlib
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def norm(text):
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and c != "\ufffd")


def agreement(a, b):
    """(agreement, characters only b has, characters only a has)."""
    ca, cb = collections.Counter(a), collections.Counter(b)
    shared = sum((ca & cb).values())
    agree = 1.0 if not a and not b else 2 * shared / (len(a) + len(b))
    return agree, len(b) - shared, len(a) - shared


def cjk(s):
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff")


def zwgk_text(binary, path):
    try:
        out = subprocess.run([binary, path], capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    lines = out.stdout.decode("utf-8", "replace").split("\n")
    body = [l for l in lines[1:] if not l.startswith("-- ")]
    error = next((l[3:] for l in lines if l.startswith("-- error")), None)
    return "\n".join(body), error


def pdftotext(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, timeout=120)
    return out.stdout.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--zwgk", action="append", required=True, help="[LABEL=]PATH of the dump example")
    ap.add_argument("--out")
    args = ap.parse_args()
    builds = []
    for spec in args.zwgk:
        label, _, path = spec.rpartition("=")
        builds.append((label or "zwgk", path))
    rows = list(csv.DictReader(open(os.path.join(HERE, "corpus.tsv")), delimiter="\t"))
    table = []
    for r in rows:
        path = os.path.join(args.corpus, r["file"])
        data = open(path, "rb").read()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        if blob != r["blob_sha1"]:
            sys.exit(f"{r['file']}: not the blob {r['blob_sha1']} of {r['repository']}")
        ref = norm(pdftotext(path))
        cells = []
        for label, binary in builds:
            text, error = zwgk_text(binary, path)
            got = norm(text or "")
            agree, missing, extra = agreement(got, ref)
            cells.append((agree, len(got), cjk(got), error, missing, extra))
        table.append((r, len(ref), cjk(ref), cells))
        print(r["file"], len(ref), " ".join(f"{c[0]:.3f}" for c in cells), file=sys.stderr)
    lines = []
    head = "| file | repository | fonts without /ToUnicode | pdftotext chars (CJK) |"
    rule = "|---|---|---|---:|"
    for label, _ in builds:
        head += f" {label} chars (CJK) | {label} missing / extra | {label} agreement |"
        rule += "---:|---:|---:|"
    lines += [head, rule]
    for r, n, k, cells in table:
        line = f"| {r['file']} | {r['repository']} | {r['no_tounicode_fonts'] or '—'} | {n} ({k}) |"
        for agree, m, mk, error, missing, extra in cells:
            mark = "**" if agree < 0.98 else ""
            line += f" {m} ({mk}) | {missing} / {extra} | {mark}{agree * 100:.1f} %{mark}{' ' + error if error else ''} |"
        lines.append(line)
    with_text = [t for t in table if t[1] > 0]
    lines.append("")
    for i, (label, _) in enumerate(builds):
        agrees = sorted(t[3][i][0] for t in with_text)
        at98 = sum(1 for a in agrees if a >= 0.98)
        total_shared = sum(t[3][i][0] * (t[1] + t[3][i][1]) / 2 for t in with_text)
        total = sum((t[1] + t[3][i][1]) / 2 for t in with_text)
        lines.append(
            f"- **{label}**: {at98} of {len(with_text)} files at 98 % or more; "
            f"median {agrees[len(agrees) // 2] * 100:.1f} %, lowest {agrees[0] * 100:.1f} %; "
            f"all characters pooled {total_shared / total * 100:.1f} %."
        )
    text = "\n".join(lines) + "\n"
    if args.out:
        open(args.out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
