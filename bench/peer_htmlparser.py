#!/usr/bin/env python3
"""Peer for the folder-scan benchmark: the same fact extraction a scan does first
(title, links with anchor text, visible text) with Python's html.parser, one process."""
import os
import sys
from html.parser import HTMLParser


class Facts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.links, self.text = "", [], []
        self._in_title = self._skip = 0
        self._href = None

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = 1
        elif tag in ("script", "style"):
            self._skip += 1
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append([self._href, ""])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = 0
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
        if self.links and self._href is not None:
            self.links[-1][1] += data
        self.text.append(data)


def main():
    pages = links = 0
    for d, _, files in os.walk(sys.argv[1]):
        for f in files:
            p = os.path.join(d, f)
            if not (f.endswith(".html") or "." not in f):
                continue
            with open(p, "rb") as fh:
                raw = fh.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
            parser = Facts()
            parser.feed(text)
            pages += 1
            links += len(parser.links)
    print(f"{pages} pages, {links} links")


if __name__ == "__main__":
    main()
