"""Visible text of an HTML page, scripts and styles dropped, blocks kept on their own lines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "blockquote",
    "pre",
    "dd",
    "dt",
}
_SKIP = {"script", "style", "noscript", "template", "head"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.cells = 0  # cells seen in the current table row

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag.startswith("h") and tag[1:].isdigit() and not self.skip:
            self.parts.append("#" * int(tag[1:]) + " ")
        elif tag == "li" and not self.skip:
            self.parts.append("- ")  # list items stay items: the answerer reads a list whole
        elif tag == "tr":
            self.cells = 0
        elif tag in ("td", "th") and not self.skip:
            # cells apart, as the cleaner reads tables
            self.parts.append("\t" if self.cells else "")
            self.cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    lines = [
        re.sub(r" *\t *", "\t", re.sub(r"[ \u00a0\r\f\v]+", " ", line)).strip(" ")
        for line in "".join(parser.parts).splitlines()
    ]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
