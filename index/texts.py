"""The extracted text of every indexed document, kept beside the index by content hash: what
citation offsets point into, read back without extracting again (an OCR'd scan takes seconds a
page). Written before the manifest that refers to it; texts no manifest refers to are pruned."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER = "texts"


def _path(store_dir: Path, sha256: str) -> Path:
    return Path(store_dir) / FOLDER / f"{sha256}.txt"


def save(store_dir: Path, sha256: str, text: str) -> None:
    """Write atomically: a reader sees the whole text or none."""
    path = _path(store_dir, sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def load(store_dir: Path, sha256: str) -> str | None:
    path = _path(store_dir, sha256)
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


def prune(store_dir: Path, keep: set[str]) -> None:
    """Remove the texts of documents that are no longer indexed (the previous manifest's too are
    kept by the caller while readers may still use it)."""
    folder = Path(store_dir) / FOLDER
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.suffix == ".txt" and path.stem not in keep:
            path.unlink(missing_ok=True)
