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
    """The page's lines without running headers, footers and page numbers; a blank line between
    two kept lines stays as '' (a paragraph break, as OCR output has them)."""
    kept: list[str] = []
    for i, line in enumerate(lines):
        text = " ".join(line.split())
        at_edge = i < _EDGE or i >= len(lines) - _EDGE
        if not text:
            if kept and kept[-1]:
                kept.append("")
            continue
        if at_edge and (_norm(text) in running or _PAGE_NUMBER.match(text)):
            continue
        kept.append(text)
    return kept[:-1] if kept and not kept[-1] else kept


def reflow(lines: list[str]) -> str:
    """Join the lines of a paragraph: a line that fills the text width continues on the next one,
    unless the next one opens a list item; 'applica-' + 'tions' becomes 'applications'."""
    return reflow_pages([(line, 1) for line in lines])[0]


def reflow_pages(lines: list[tuple[str, int]]) -> tuple[str, list[list[int]]]:
    """`reflow` of (line, page number) pairs, with [offset, page] where each page's text starts."""
    if not lines:
        return "", []
    widths = sorted(len(line) for line, _ in lines if line)
    full = 0.8 * widths[int(0.9 * (len(widths) - 1))]
    out: list[str] = [lines[0][0]]
    length = len(out[0])  # of "\n".join(out)
    starts = [[0, lines[0][1]]]
    for (prev, _), (line, page) in zip(lines, lines[1:]):
        if not line:
            continue  # a paragraph break: the next line starts a line of its own
        joins = len(prev) >= full and not _ITEM.match(line) and not prev.endswith(":")
        if joins and re.search(r"[^\W\d_]-$", prev) and line[:1].islower():
            at, out[-1] = length - 1, out[-1][:-1] + line  # hyphenation at the line end
        elif joins:
            at, out[-1] = length + 1, f"{out[-1]} {line}"
        else:
            at = length + 1
            out.append(line)
        length = at + len(line)
        if page != starts[-1][1]:
            starts.append([at, page])
    return "\n".join(out), starts


def pdf_pages(path: Path) -> tuple[str, list[list[int]]]:
    """The text of a PDF, reflowed, with where each page starts ([offset, page number]); a page
    without a text layer (a scan) is read by OCR (index/ocr.py). '' when no page has text."""
    from pypdf import PdfReader

    from index.ocr import needs_ocr, ocr_pages

    reader = PdfReader(str(path))
    pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    scanned = [i for i, lines in enumerate(pages) if needs_ocr("\n".join(lines))]
    for i, text in ocr_pages(path, scanned).items():
        pages[i] = text.split("\n")
    running = running_lines(pages)
    body = [(line, n) for n, lines in enumerate(pages, 1) for line in _body(lines, running)]
    text, starts = reflow_pages(body)
    return (text + "\n" if text else ""), starts
