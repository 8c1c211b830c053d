"""PDF text as a reader sees it: running headers, footers and page numbers dropped, wrapped lines
joined into paragraphs and line-end hyphenation undone. The result is the document text citations
point into."""

from __future__ import annotations

import re
from pathlib import Path

_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^\W*(?:(?:page|strana|str\.|стр\.|страница|seite|p\.)\s*)?\d{1,4}(?:\s*(?:/|of|z|из)\s*\d{1,4})?\W*$",
    re.IGNORECASE,
)
# a list item: a bullet, "1. Text", "a) text" (not a date such as "1. 9. 2023")
_ITEM = re.compile(r"^\s*(?:[-•▪◦*–]\s|\(?\d{1,2}[.)]\s+(?=[^\W\d_])|[a-z][.)]\s)")
_EDGE = 2  # lines at the top and at the bottom of a page where running headers and footers sit


def _norm(line: str) -> str:
    return _DIGITS.sub("0", " ".join(line.split()).lower())


def running_lines(pages: list[list[str]]) -> set[str]:
    """Normalised lines found at the edge of at least half the pages (of two or more): headers,
    footers."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        edge = {_norm(line) for line in [*lines[:_EDGE], *lines[-_EDGE:]] if line.strip()}
        for key in edge:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n >= max(2, len(pages) / 2)}


def _body(lines: list[str], running: set[str]) -> list[str]:
    kept = []
    for i, line in enumerate(lines):
        text = " ".join(line.split())
        at_edge = i < _EDGE or i >= len(lines) - _EDGE
        if not text or (at_edge and (_norm(text) in running or _PAGE_NUMBER.match(text))):
            continue
        kept.append(text)
    return kept


def reflow(lines: list[str]) -> str:
    """Join the lines of a paragraph: a line that fills the text width continues on the next one,
    unless the next one opens a list item; 'applica-' + 'tions' becomes 'applications'."""
    if not lines:
        return ""
    widths = sorted(len(line) for line in lines)
    full = 0.8 * widths[int(0.9 * (len(widths) - 1))]
    out: list[str] = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        joins = len(prev) >= full and not _ITEM.match(line) and not prev.endswith(":")
        if joins and re.search(r"[^\W\d_]-$", prev) and line[:1].islower():
            out[-1] = out[-1][:-1] + line  # hyphenation at the line end
        elif joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def pdf_text(path: Path) -> str:
    """The text of a PDF's text layer, reflowed; '' when it has none (a scan)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    running = running_lines(pages)
    body = [line for lines in pages for line in _body(lines, running)]
    return reflow(body) + "\n" if body else ""
