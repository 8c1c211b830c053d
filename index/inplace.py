"""Incremental ingests write into the live collections. Records of changed, removed and
unfinished documents are deleted by doc_id and the new ones added; only the keyword index and the
manifest get a new version. Every chunk record carries its document's version, and readers keep a
record only while the manifest names that document at that version (`is_live`). So until the
manifest is saved they answer from the index as it was (a changed document is missing for that
moment, never mixed), and a crash leaves it usable. The journal names the documents being written,
so the next ingest redoes them even if their files went back to the indexed version."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

JOURNAL = "pending.json"


def version(digest: str) -> str:
    """The version stamp of a document's records: the start of its fingerprint."""
    return digest[:12]


def is_live(documents: Mapping[str, Mapping[str, Any]], meta: Mapping[str, Any]) -> bool:
    """The record belongs to a document of the manifest, at the version the manifest indexed (a
    record of a store written before versions were stamped counts as current)."""
    doc = documents.get(str(meta.get("doc_id") or ""))
    if doc is None:
        return False
    stamp = str(meta.get("version") or "")
    return not stamp or stamp == version(str(doc.get("sha256", "")))


def pending(store_dir: Path) -> set[str]:
    """The documents an unfinished ingest was writing (none when the last one finished)."""
    try:
        return set(json.loads((store_dir / JOURNAL).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return set()


def begin(store_dir: Path, doc_ids: Iterable[str]) -> None:
    """Name the documents about to be written (with any an unfinished ingest left), atomically."""
    names = sorted(pending(store_dir) | set(doc_ids))
    tmp = store_dir / (JOURNAL + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(names, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, store_dir / JOURNAL)


def finish(store_dir: Path) -> None:
    """The manifest naming the written documents is saved: nothing is pending."""
    (store_dir / JOURNAL).unlink(missing_ok=True)


def delete_documents(collections: Iterable[Any], doc_ids: list[str], batch: int = 100) -> None:
    """Remove every record of these documents from each collection."""
    for collection in collections:
        for i in range(0, len(doc_ids), batch):
            collection.delete(where={"doc_id": {"$in": doc_ids[i : i + batch]}})
