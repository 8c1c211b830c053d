"""Office formats as plain text a reader would recognise: spreadsheets (.xlsx), slide decks (.pptx),
OpenDocument text (.odt) and e-mail (.eml). Each is read with a well-kept library (openpyxl,
python-pptx, odfdo; the standard library's email parser). Table rows become one line with the
cells separated by tabs, as HTML and .docx tables are extracted, so the answerer reads them as
tables; a sheet name or slide title is a heading line of its own. The text returned is what
citation offsets point into."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any


def _cell(value: Any) -> str:
    """A spreadsheet value as a person reads it: 12.0 -> '12', a date without midnight."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _rows(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Non-empty rows as tab-separated lines, without trailing empty cells."""
    for row in rows:
        cells = [_cell(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            yield "\t".join(cells)


def xlsx_text(path: Path) -> str:
    """Every sheet with content: its name as a heading, then its rows."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        blocks = []
        for sheet in book.worksheets:
            lines = list(_rows(sheet.iter_rows(values_only=True)))
            if lines:
                blocks.append(f"{sheet.title}\n\n" + "\n".join(lines))
        return "\n\n".join(blocks)
    finally:
        book.close()


def _shape_text(shape: Any) -> Iterator[str]:
    if getattr(shape, "has_table", False) and shape.has_table:
        yield "\n".join(_rows([c.text for c in row.cells] for row in shape.table.rows))
    elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            text = " ".join("".join(r.text for r in paragraph.runs).split())
            if text:
                yield f"- {text}" if paragraph.level > 0 else text
    for child in getattr(shape, "shapes", []) or []:  # a group of shapes
        yield from _shape_text(child)


def pptx_text(path: Path) -> str:
    """Every slide: its title as a heading, its text boxes and tables in order, then its notes."""
    from pptx import Presentation

    deck = Presentation(str(path))
    blocks = []
    for number, slide in enumerate(deck.slides, 1):
        title_shape = slide.shapes.title
        title = " ".join(title_shape.text.split()) if title_shape is not None else ""
        title_id = title_shape.shape_id if title_shape is not None else None
        body = [
            t for s in slide.shapes if s.shape_id != title_id for t in _shape_text(s) if t.strip()
        ]
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                body.append(" ".join(notes.text.split()))
        if title or body:
            blocks.append("\n".join([title or f"Slide {number}", "", *body]))
    return "\n\n".join(blocks)


def odt_text(path: Path) -> str:
    """An OpenDocument text: headings, paragraphs, lists and tables in document order."""
    from odfdo import Document

    document = Document(str(path))
    return "\n\n".join(_odt_blocks(document.body))


def _odt_blocks(element: Any) -> Iterator[str]:
    for child in element.children:
        tag = child.tag
        if tag in ("text:h", "text:p"):
            text = " ".join(str(child).split())
            if text:
                yield text
        elif tag == "text:list":
            items = [" ".join(str(p).split()) for p in child.get_elements("descendant::text:p")]
            yield "\n".join(f"- {i}" for i in items if i)
        elif tag == "table:table":
            rows = [[str(c.get_value() or "") for c in r.get_cells()] for r in child.get_rows()]
            yield "\n".join(_rows(rows))
        elif tag in ("text:section", "office:text"):
            yield from _odt_blocks(child)


def eml_text(path: Path) -> str:
    """An e-mail: its subject (the title), sender, date and recipients, then its body (plain text,
    or the HTML part as text); attachments are named, not read."""
    from index.html_text import html_to_text

    message = BytesParser(policy=policy.default).parse(path.open("rb"))
    head = [" ".join(str(message.get("subject") or "").split()) or path.stem, ""]
    for field in ("From", "Date", "To", "Cc"):
        if message.get(field):
            head.append(f"{field}: {' '.join(str(message.get(field)).split())}")
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        content = body.get_content()
        text = html_to_text(content) if body.get_content_type() == "text/html" else content
    names = [str(a.get_filename()) for a in message.iter_attachments() if a.get_filename()]
    tail = [f"Attachments: {', '.join(names)}"] if names else []
    return "\n".join([*head, "", text.replace("\r\n", "\n").strip(), *tail])


READERS = {".xlsx": xlsx_text, ".pptx": pptx_text, ".odt": odt_text, ".eml": eml_text}
