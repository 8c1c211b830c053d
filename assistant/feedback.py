"""Thumbs up/down from the chat, appended to a local JSONL file for evaluators (never a secret)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from assistant.types import Answer

_KEPT = ("id", "question", "answer", "abstained", "language", "backend", "citations", "notice")


def record_feedback(path: Path, answer: Answer, rating: int, comment: str = "") -> dict[str, Any]:
    """Append one rating (+1 / -1) with the answer it rates; returns the record written."""
    if rating not in (1, -1):
        raise ValueError("rating must be +1 or -1")
    data = answer.to_json()
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rating": rating,
        "comment": comment.strip()[:2000],
        **{k: data[k] for k in _KEPT},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record
