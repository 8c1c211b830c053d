"""Corpus management for the app: add an uploaded file, remove a document (the next ingest updates
the index)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from index.config import IndexConfig
from index.errors import UserError
from index.load import META_SUFFIX
from index.store import Manifest

ALLOWED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (non-ASCII letters kept)."""
    base = Path(unicodedata.normalize("NFC", name)).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    if not base or base.startswith("."):
        raise UserError(f"Invalid file name {name!r}: use a plain name such as report.pdf")
    return base


def save_upload(config: IndexConfig, name: str, data: bytes) -> Path:
    """Write an uploaded document into the corpus folder after checking its type and size."""
    clean = safe_name(name)
    if not clean.lower().endswith(ALLOWED):
        raise UserError(f"{clean}: unsupported type; upload one of {', '.join(ALLOWED)}")
    if not data:
        raise UserError(f"{clean}: the file is empty")
    if len(data) > config.max_file_mb * 1e6:
        raise UserError(
            f"{clean}: {len(data) / 1e6:.1f} MB is over the {config.max_file_mb:g} MB limit"
        )
    target = config.corpus_dir / "uploads" / clean
    if target.exists():
        raise UserError(f"{clean} already exists: remove it first or rename the file")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def remove_document(config: IndexConfig, doc_id: str) -> Path:
    """Delete a document's file (and metadata sidecar) from the corpus folder."""
    manifest = Manifest.load(config.store_dir)
    info = manifest.documents.get(doc_id) if manifest else None
    if not info:
        raise UserError(f"Unknown document {doc_id!r}")
    path = (config.corpus_dir / info["path"]).resolve()
    if config.corpus_dir.resolve() not in path.parents:
        raise UserError(f"{doc_id}: its file is outside the corpus folder")
    path.unlink(missing_ok=True)
    path.with_name(path.stem + META_SUFFIX).unlink(missing_ok=True)
    return path
