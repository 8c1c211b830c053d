"""Load: read documents of several formats and their metadata from a corpus folder."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.access import AccessError, document_groups
from index.language import detect_language
from index.office import READERS as OFFICE

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", *OFFICE)
META_SUFFIX = ".meta.json"


class LoadError(Exception):
    """A file that cannot be read as a document; it is skipped with a warning."""


@dataclass(frozen=True)
class Document:
    """A source document: its text (what citation offsets refer to) and metadata."""

    doc_id: str
    path: Path
    text: str
    sha256: str  # of the file's bytes and its metadata
    meta: dict[str, Any] = field(default_factory=dict)
    # no sidecar or front matter named it: the first heading after cleaning
    title_inferred: bool = False

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.doc_id)

    @property
    def language(self) -> str:
        return str(self.meta.get("language") or "")


def doc_id_for(path: Path, root: Path) -> str:
    """The file stem, prefixed by its sub-folders so that ids stay unique in nested corpora."""
    rel = path.relative_to(root).with_suffix("")
    parts = [*rel.parts[:-1], rel.name]
    return "/".join(parts)


def iter_corpus(root: Path) -> Iterator[Path]:
    """Supported files under root, sorted, skipping hidden folders and metadata sidecars."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(p.startswith(".") for p in rel.parts):
            continue
        if (
            path.is_file()
            and path.suffix.lower() in SUPPORTED
            and not path.name.endswith(META_SUFFIX)
        ):
            yield path


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 first, then Windows-1250 (Czech), refusing binary junk."""
    if not data.strip():
        raise LoadError(f"{name}: empty file")
    if b"\x00" in data[:4096]:
        raise LoadError(f"{name}: looks binary (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="replace")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(10, len(text[:20000]) // 50) or text.count("\ufffd") > len(text) // 20:
        raise LoadError(f"{name}: looks binary (control characters), not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front_matter(text: str) -> dict[str, str]:
    """Simple 'key: value' front matter at the top of a Markdown file."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip()] = value.strip().strip("\"'")
    return meta


def _pdf_pages(path: Path) -> tuple[str, list[list[int]]]:
    try:
        from index.pdf import pdf_pages

        return pdf_pages(path)
    except ImportError as exc:
        raise LoadError(f"{path.name}: PDF files need {exc.name}: pip install -e .") from None
    except Exception as exc:  # pypdf raises many types on corrupt files
        raise LoadError(f"{path.name}: unreadable PDF ({exc.__class__.__name__}: {exc})") from None


def _office_text(path: Path) -> str:
    reader = OFFICE[path.suffix.lower()]
    try:
        return reader(path)
    except ImportError as exc:
        raise LoadError(f"{path.name}: this format needs {exc.name}: pip install -e .") from None
    except Exception as exc:  # each library raises its own types on corrupt files
        kind = path.suffix.lower().lstrip(".")
        raise LoadError(f"{path.name}: unreadable .{kind} ({exc.__class__.__name__})") from None


def _docx_text(path: Path) -> str:
    try:
        import docx
    except ImportError:
        raise LoadError(f"{path.name}: .docx files need python-docx: pip install -e .") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoadError(f"{path.name}: unreadable .docx ({exc.__class__.__name__})") from None
    return "\n\n".join(_docx_blocks(document))


def _docx_blocks(document: Any) -> Iterator[str]:
    """Paragraphs and tables in the order the body holds them; a table row is one line with its
    cells separated by tabs (as HTML tables are extracted), a cell merged across columns once."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells = [c.text.strip() for c in dict.fromkeys(row.cells)]
                rows.append("\t".join(" ".join(c.split()) for c in cells))
            yield "\n".join(rows)


def _html_text(raw: str) -> str:
    from index.html_text import html_to_text

    return html_to_text(raw)


def read_text(path: Path) -> str:
    """The text of a file that citation offsets refer to (extracted text for HTML, PDF, office
    formats and e-mail)."""
    return extract(path)[0]


def extract(path: Path) -> tuple[str, list[list[int]]]:
    """The text of a file and, for a PDF, where each page starts in it ([offset, page number])."""
    suffix = path.suffix.lower()
    pages: list[list[int]] = []
    if suffix == ".pdf":
        text, pages = _pdf_pages(path)
    elif suffix == ".docx":
        text = _docx_text(path)
    elif suffix in OFFICE:
        text = _office_text(path)
    else:
        text = decode(path.read_bytes(), path.name)
        if suffix in (".html", ".htm"):
            text = _html_text(text)
    if not text.strip():
        raise LoadError(f"{path.name}: no text could be extracted")
    return text, pages


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if len(line) > 3:
            return line[:200]
    return ""


def load_document(
    path: Path, root: Path, max_bytes: int | None = None, text: str | None = None
) -> Document:
    """Read one file and its metadata (sidecar <stem>.meta.json, or front matter, or inferred);
    `text`: its text kept beside the index (index/texts.py), not extracted or OCR'd again."""
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise LoadError(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB is over the size limit")
    text, pages = (text, []) if text is not None else extract(path)
    meta: dict[str, Any] = {}
    sidecar = path.with_name(path.stem + META_SUFFIX)
    sidecar_bytes = b""
    if sidecar.exists():
        sidecar_bytes = sidecar.read_bytes()
        try:
            meta = json.loads(sidecar_bytes)
        except json.JSONDecodeError as exc:
            log.warning("%s: invalid metadata JSON (%s); inferring metadata", sidecar.name, exc)
            meta = {}
    elif path.suffix.lower() == ".md":
        meta = dict(front_matter(text))
    try:
        meta["groups"] = list(document_groups(meta, path, root))
    except AccessError as exc:
        raise LoadError(str(exc)) from None
    doc_id = str(meta.get("doc_id") or doc_id_for(path, root))
    inferred = not meta.get("title")
    if inferred:
        meta["title"] = _first_heading(text) or path.stem
    if not meta.get("language"):
        meta["language"] = detect_language(text[:5000])
    meta.setdefault("publisher", "")
    meta.setdefault("date", "")
    meta["doc_id"] = doc_id
    meta["source"] = str(path.relative_to(root))
    if pages:
        meta["pages"] = pages
    digest = hashlib.sha256(path.read_bytes() + b"\0" + sidecar_bytes).hexdigest()
    return Document(
        doc_id=doc_id, path=path, text=text, sha256=digest, meta=meta, title_inferred=inferred
    )
