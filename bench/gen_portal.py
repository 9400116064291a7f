#!/usr/bin/env python3
"""Build a large mirror folder for benchmarks by replicating the mini fixture portal.

Usage: gen_portal.py OUT_DIR PAGES

Copies of the fixture's column folders are placed under /copyN/ (their links still
point at the original columns, like a large site's shared navigation), until the
mirror holds at least PAGES HTML pages. Deterministic.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "fixtures", "portals", "mini-2021", "whly.gd.gov.cn")


def html_files(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            out.append(os.path.join(d, f))
    return sorted(out)


def main():
    out, pages = sys.argv[1], int(sys.argv[2])
    host = os.path.join(out, "whly.gd.gov.cn")
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(SRC, host)
    files = [f for f in html_files(SRC) if f.endswith(".html") or "." not in os.path.basename(f)]
    count = len(files)
    n = 0
    while count < pages:
        n += 1
        for f in files:
            rel = os.path.relpath(f, SRC)
            dst = os.path.join(host, f"copy{n}", rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(f, dst)
            count += 1
            if count >= pages:
                break
    print(f"{out}: {count} pages")


if __name__ == "__main__":
    main()
