"""Corpus management for the app: add an uploaded file, remove a document (the next ingest updates the index)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from assistant.errors import AssistantError
from assistant.settings import Settings
from index.load import META_SUFFIX
from index.store import Manifest

ALLOWED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (non-ASCII letters kept)."""
    base = Path(unicodedata.normalize("NFC", name)).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    if not base or base.startswith("."):
        raise AssistantError(f"Invalid file name {name!r}: use a plain name such as report.pdf")
    return base


def save_upload(settings: Settings, name: str, data: bytes) -> Path:
    """Write an uploaded document into the corpus folder after checking its type and size."""
    clean = safe_name(name)
    if not clean.lower().endswith(ALLOWED):
        raise AssistantError(f"{clean}: unsupported type; upload one of {', '.join(ALLOWED)}")
    if not data:
        raise AssistantError(f"{clean}: the file is empty")
    if len(data) > settings.max_file_mb * 1e6:
        raise AssistantError(f"{clean}: {len(data) / 1e6:.1f} MB is over the {settings.max_file_mb:g} MB limit")
    target = settings.corpus_dir / "uploads" / clean
    if target.exists():
        raise AssistantError(f"{clean} already exists: remove it first or rename the file")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def remove_document(settings: Settings, doc_id: str) -> Path:
    """Delete a document's file (and metadata sidecar) from the corpus folder."""
    manifest = Manifest.load(settings.store_dir)
    info = manifest.documents.get(doc_id) if manifest else None
    if not info:
        raise AssistantError(f"Unknown document {doc_id!r}")
    path = (settings.corpus_dir / info["path"]).resolve()
    if settings.corpus_dir.resolve() not in path.parents:
        raise AssistantError(f"{doc_id}: its file is outside the corpus folder")
    path.unlink(missing_ok=True)
    path.with_name(path.stem + META_SUFFIX).unlink(missing_ok=True)
    return path
