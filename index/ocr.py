"""OCR for PDF pages without a text layer (scans): each page is rendered with PDFium (pypdfium2)
and read by Tesseract (pytesseract) in every language of Czech, English and Russian that is
installed (Debian: tesseract-ocr, tesseract-ocr-ces, tesseract-ocr-rus). Without Tesseract a
scanned page yields nothing, and a document with no text at all is skipped with a warning, as
before."""

from __future__ import annotations

import logging
import shutil
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

WANTED = ("ces", "eng", "rus")
DPI = 300
_MIN_LETTERS = 20  # a page with fewer letters in its text layer is read as an image


def needs_ocr(text: str) -> bool:
    """The page's text layer is empty or next to it (a scan with a stray page number)."""
    return sum(ch.isalpha() for ch in text) < _MIN_LETTERS


@lru_cache(maxsize=1)
def languages() -> str:
    """The Tesseract languages to read with ('ces+eng+rus'), '' when Tesseract is missing."""
    if not shutil.which("tesseract"):
        return ""
    import pytesseract

    try:
        installed = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractError:
        return ""
    return "+".join(x for x in WANTED if x in installed)


def ocr_pages(path: Path, pages: list[int]) -> dict[int, str]:
    """The text of the given pages (0-based) read by OCR; {} when there is nothing to read or no
    Tesseract (a warning says so)."""
    if not pages:
        return {}
    langs = languages()
    if not langs:
        log.warning(
            "%s: %d page(s) have no text layer and Tesseract is not installed "
            "(apt-get install tesseract-ocr tesseract-ocr-ces tesseract-ocr-rus)",
            path.name,
            len(pages),
        )
        return {}
    import pypdfium2
    import pytesseract

    document = pypdfium2.PdfDocument(str(path))
    out: dict[int, str] = {}
    try:
        for i in pages:
            image = document[i].render(scale=DPI / 72).to_pil()
            text = pytesseract.image_to_string(image, lang=langs)
            out[i] = "\n".join(line.rstrip() for line in text.splitlines())
    finally:
        document.close()
    return out
