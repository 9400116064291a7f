#!/usr/bin/env python3
"""Compare the JSON reports of two `zwgk` builds on every fixture portal.

A refactoring must not change a verdict. This script scans each fixture portal
with each build, as a mirror folder and as a live site served on 127.0.0.1, with
both rule packs, with and without the evidence file, and compares the JSON
reports after removing what legitimately varies between runs (fetch timings,
the port of the local server).

    python3 tests/compare_reports.py OLD_ZWGK NEW_ZWGK
    python3 tests/compare_reports.py --record DIR ZWGK     # keep one build's reports
    python3 tests/compare_reports.py --against DIR ZWGK    # compare with kept reports

Exit 0 when every report is identical, 1 with a list of differing cases.
Standard library only.
"""

import argparse
import difflib
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTALS = ["mini-2021", "mini-2021-faulty", "whly-2021", "whly-2021-faulty"]
PACKS = ["rules/gd-whly-2021", "rules/gov-website-2019"]
EVIDENCE = "fixtures/evidence/whly-2021.toml"
AS_OF = "2022-02-01"
MIRROR_HOST = "whly.gd.gov.cn"
PLACEHOLDER = "http://fixture.invalid"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".json": "application/json",
    ".js": "application/javascript",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".doc": "application/msword",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


def content_type(rel):
    name = rel.split("?")[0]
    if "/gkmlpt/api/" in "/" + name:
        return "application/json"
    ext = os.path.splitext(name)[1].lower()
    if not ext:
        return "text/html; charset=utf-8"
    return CONTENT_TYPES.get(ext, "application/octet-stream")


class MirrorServer:
    """Serves a `wget --mirror` folder as its site, rewriting the mirror's host to ours."""

    def __init__(self, root):
        self.root = Path(root)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.answer(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, req):
        path, _, query = req.path.partition("?")
        rel = urllib.parse.unquote(path.lstrip("/"))
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if ".." in rel.split("/"):
            req.send_error(404)
            return
        if query:
            rel = rel + "?" + query
        file = self.root / rel
        if file.is_dir():
            file = file / "index.html"
        try:
            body = file.read_bytes()
        except OSError:
            req.send_error(404)
            return
        ctype = content_type(rel)
        if ctype.startswith("text/") or "json" in ctype or "xml" in ctype:
            body = body.replace(b"http://" + MIRROR_HOST.encode(), self.base.encode())
        req.send_response(200)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    def close(self):
        self.httpd.shutdown()


def normalise(report, base):
    """The report without what varies between runs."""
    text = json.dumps(report, ensure_ascii=False, sort_keys=True)
    if base:
        text = text.replace(base, PLACEHOLDER)
    report = json.loads(text)
    fetch = report.get("fetch")
    if isinstance(fetch, dict):
        for key in list(fetch):
            if "seconds" in key or "millis" in key or key.endswith("_ms") or "rate" in key:
                del fetch[key]
    return report


def cases():
    for portal in PORTALS:
        for pack in PACKS:
            for evidence in (False, True):
                for how in ("folder", "url"):
                    yield portal, pack, evidence, how


def case_name(portal, pack, evidence, how):
    return "%s.%s.%s.%s" % (portal, Path(pack).name, "evidence" if evidence else "bare", how)


def run(zwgk, portal, pack, evidence, how, servers):
    args = [zwgk, "scan"]
    base = None
    if how == "folder":
        args.append(str(ROOT / "fixtures/portals" / portal))
    else:
        server = servers[portal]
        base = server.base
        args += [base + "/", "--no-delay", "-q"]
    args += ["--rules", str(ROOT / pack), "--as-of", AS_OF, "--format", "json"]
    if evidence:
        args += ["--evidence", str(ROOT / EVIDENCE)]
    out = subprocess.run(args, capture_output=True, cwd=ROOT)
    if out.returncode not in (0, 1):
        raise SystemExit(
            "%s: exit %d\n%s" % (" ".join(args), out.returncode, out.stderr.decode(errors="replace"))
        )
    report = normalise(json.loads(out.stdout), base)
    report["_exit"] = out.returncode
    return report


def collect(zwgk, servers):
    return {case_name(*c): run(zwgk, *c, servers) for c in cases()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--record", metavar="DIR", help="write this build's reports to DIR")
    ap.add_argument("--against", metavar="DIR", help="compare with reports kept by --record")
    ap.add_argument("zwgk", nargs="+", help="one build (with --record/--against) or two")
    opts = ap.parse_args()
    servers = {p: MirrorServer(ROOT / "fixtures/portals" / p / MIRROR_HOST) for p in PORTALS}
    try:
        if opts.record:
            reports = collect(opts.zwgk[0], servers)
            os.makedirs(opts.record, exist_ok=True)
            for name, rep in reports.items():
                with open(os.path.join(opts.record, name + ".json"), "w", encoding="utf-8") as f:
                    json.dump(rep, f, ensure_ascii=False, indent=1, sort_keys=True)
            print("recorded %d reports in %s" % (len(reports), opts.record))
            return 0
        if opts.against:
            old = {}
            for name in (case_name(*c) for c in cases()):
                with open(os.path.join(opts.against, name + ".json"), encoding="utf-8") as f:
                    old[name] = json.load(f)
            new = collect(opts.zwgk[0], servers)
        else:
            if len(opts.zwgk) != 2:
                ap.error("give two builds, or one with --record/--against")
            old = collect(opts.zwgk[0], servers)
            new = collect(opts.zwgk[1], servers)
    finally:
        for s in servers.values():
            s.close()
    differing = []
    for name in old:
        if old[name] != new[name]:
            differing.append(name)
            a = json.dumps(old[name], ensure_ascii=False, indent=1, sort_keys=True).splitlines()
            b = json.dumps(new[name], ensure_ascii=False, indent=1, sort_keys=True).splitlines()
            diff = list(difflib.unified_diff(a, b, "old/" + name, "new/" + name, lineterm="", n=2))
            print("\n".join(diff[:60]))
    print("%d reports compared, %d differ" % (len(old), len(differing)))
    for name in differing:
        print("  differs: " + name)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
