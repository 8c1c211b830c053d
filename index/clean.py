"""Clean: drop site chrome (found by index/boilerplate.py), markup and repeated headings, keeping a
map back to the source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.boilerplate import line_key

# Inline markup removed from kept lines: HTML tags, Markdown emphasis, link targets, escapes.
_INLINE = re.compile(r"<[^>\n]{1,40}>|\*\*|__|\]\([^)\n]*\)|\[|\\(?=[*_#\[\]()])")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_BULLET = re.compile(r"^\s*[•·▪◦]\s*")
_QUOTE_ONLY = re.compile(r"^[\s“”\"'„‚‘’«»]*$")


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, for each of its characters, the offset of its source character."""

    text: str
    offsets: list[int]
    headings: list[tuple[int, str]] = field(default_factory=list)  # (clean offset, heading text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source [start, end) that the cleaned span [start, end) came from."""
        if end <= start:
            raise ValueError(f"empty span {start}:{end}")
        return self.offsets[start], self.offsets[end - 1] + 1

    def heading_at(self, pos: int) -> str:
        """The last heading at or before a cleaned offset."""
        current = ""
        for at, text in self.headings:
            if at > pos:
                break
            current = text
        return current


def _is_heading_like(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 12
        and line[0].isupper()
        and line[-1] not in ".:;,!?"
        and not line.startswith(("-", "*", "•"))
    )


def _lines(source: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in source.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []

    def add(self, text: str, at: int) -> None:
        """Append source text that starts at source offset `at`, collapsing runs of blanks."""
        for i, ch in enumerate(text):
            if ch in " \t\u00a0":
                if not self.chars or self.chars[-1] in " \n":
                    continue
                ch = " "
            self.chars.append(ch)
            self.offsets.append(at + i)

    def separator(self, sep: str, at: int) -> None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.offsets.pop()
        if not self.chars:
            return
        for ch in sep:
            if self.chars[-1] == "\n" and sep == "\n":
                return
            self.chars.append(ch)
            self.offsets.append(at)


def _visible(line: str) -> list[tuple[int, str]]:
    """Pieces of a line left after removing inline markup, with their offsets in the line."""
    pieces, pos = [], 0
    for m in _INLINE.finditer(line):
        if m.start() > pos:
            pieces.append((pos, line[pos : m.start()]))
        pos = m.end()
    if pos < len(line):
        pieces.append((pos, line[pos:]))
    return pieces


def clean(source: str, drop: frozenset[str] = frozenset()) -> CleanText:
    """Cleaned text of a document with an exact map from every character back to the source; lines
    whose key is in `drop` (boilerplate) are left out."""
    lines = _lines(source)
    stripped = [_BULLET.sub("", _MD_HEADING.sub("", line)).strip() for _, line in lines]
    markdown = any(_MD_HEADING.match(raw) for _, raw in lines)
    numbered = set() if markdown else _numbered_headings(stripped, [raw for _, raw in lines])
    heads = [
        _is_heading(raw, s, markdown) or i in numbered
        for i, ((_, raw), s) in enumerate(zip(lines, stripped))
    ]
    heading_texts = {s for s, h in zip(stripped, heads) if h}
    out = _Builder()
    headings: list[tuple[int, str]] = []
    previous = ""
    blank_run = True
    for (at, raw), text, is_head in zip(lines, stripped, heads):
        if not text or _QUOTE_ONLY.match(text) or (drop and line_key(raw) in drop):
            blank_run = True
            continue
        if _BULLET.match(raw) and text in heading_texts and text != previous:
            continue  # a table-of-contents entry repeating a heading below
        if text == previous:
            continue  # a heading repeated on the next line
        out.separator("\n\n" if blank_run else "\n", at - 1 if at else 0)
        start_clean = len(out.chars)
        _add_line(out, raw, at)
        if is_head:
            headings.append((start_clean, "".join(out.chars[start_clean:]).strip()))
        previous = text
        blank_run = False
    return CleanText(text="".join(out.chars), offsets=out.offsets, headings=headings)


def _is_heading(raw: str, text: str, markdown: bool) -> bool:
    if markdown:
        return bool(_MD_HEADING.match(raw))
    return "\t" not in raw and not re.search(r"\d", text) and _is_heading_like(text)


# "2. Rok 2015", "3.1 Reception centres", "IV. Financing": a numbered section title (a year may
# follow the words), told from an item of a numbered list by its neighbours, which are not numbered
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+(?=[^\W\d_])")


def _numbered_headings(stripped: list[str], raws: list[str]) -> set[int]:
    """Indexes of the lines that are numbered section titles."""
    kept = [i for i, s in enumerate(stripped) if s]
    out = set()
    for n, i in enumerate(kept):
        m = _NUMBERED.match(stripped[i])
        if not m or "\t" in raws[i]:
            continue
        title = stripped[i][m.end() :]
        if re.search(r"\d", re.sub(r"(?<!\d)(?:19|20)\d{2}(?!\d)", "", title)):
            continue
        around = [stripped[kept[j]] for j in (n - 1, n + 1) if 0 <= j < len(kept)]
        if (
            _is_heading_like(title)
            and len(title.split()) <= 8
            and not any(_NUMBERED.match(a) for a in around)
        ):
            out.add(i)
    return out


def _add_line(out: _Builder, raw: str, at: int) -> None:
    """One kept line without its heading marks and bullet; table cells (tabs) each on a line of
    their own."""
    md = _MD_HEADING.match(raw)
    body_at = md.end() if md else 0
    bullet = _BULLET.match(raw, body_at)
    if bullet:
        body_at = bullet.end()
    cell_at = at + body_at
    for i, cell in enumerate(raw[body_at:].split("\t")):
        if i and cell.strip() and out.chars and out.chars[-1] != "\n":
            out.separator("\n", cell_at - 1)
        for off, piece in _visible(cell):
            out.add(piece, cell_at + off)
        cell_at += len(cell) + 1
    while out.chars and out.chars[-1] == " ":
        out.chars.pop()
        out.offsets.pop()
