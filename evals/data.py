"""Question sets and corpus facts the evaluation reads: JSON lines, document metadata,
translations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import Settings

HERE = Path(__file__).resolve().parent
GOLD = HERE / "datasets" / "gold.jsonl"
PAIRS = HERE / "datasets" / "checker_pairs.jsonl"
THRESHOLDS = HERE / "thresholds.toml"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON objects, one a line; a missing file or a bad line is an error the user can fix."""
    if not Path(path).is_file():
        raise AssistantError(f"Cannot read {path}: pass a JSONL file (see evals/README.md)")
    rows = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line) if line.strip() else None
        except ValueError:
            raise AssistantError(f"{path}:{no}: not valid JSON") from None
        if row is not None:
            rows.append(row)
    return rows


def corpus_meta(settings: Settings) -> dict[str, dict[str, Any]]:
    """doc_id → the document's meta.json (title, language, translation_of), read from the corpus
    folder."""
    out = {}
    for path in sorted(Path(settings.corpus_dir).glob("*.meta.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        out[str(meta.get("doc_id") or path.name.removesuffix(".meta.json"))] = meta
    return out


def works(meta: dict[str, dict[str, Any]]) -> dict[str, str]:
    """doc_id → one shared id for a document and its translation, so recall counts them once."""
    out: dict[str, str] = {}
    for doc_id, m in meta.items():
        other = m.get("translation_of")
        if other:
            out[doc_id] = out[str(other)] = min(doc_id, str(other))
    return out


def read_cases(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The cases of one or more question files, in order."""
    return [case for path in paths for case in read_jsonl(Path(path))]
