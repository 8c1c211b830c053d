"""The audit trail: one JSON line per answered question, saying who asked what, when, through
which channel, which document spans were shown, the backend and any notice. For records
requests, `export` reads it back per user and date range.

Every line is written with one `write` to a file opened for appending, under an exclusive lock,
so concurrent writers never interleave and a process killed mid-write leaves every earlier line
whole (a torn last line is skipped when reading). The file is rotated at `max_bytes` (audit.jsonl
→ audit.jsonl.1 → …, `keep` old files). No key or token is ever written: the settings' keys are
masked if a question quotes one, and strings shaped like API keys are masked too.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Answer

log = logging.getLogger(__name__)

# sk-…, Bearer …, long random tokens: masked even when a user pastes one into a question
_KEYLIKE = re.compile(
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|\bBearer\s+\S{8,}|\b[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*"
    r"[A-Z][A-Za-z0-9_-]{30,}\b"
)
MASK = "[secret removed]"


@dataclass(frozen=True)
class Asker:
    """Who asked, and through which door (app, api, mcp, cli)."""

    user: str
    channel: str


def _masked(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return _KEYLIKE.sub(MASK, text)


def entry(answer: Answer, asker: Asker, secrets: Iterable[str] = ()) -> dict[str, Any]:
    """The audit line of one answer: spans, not the answer's words (the spans say what was
    shown; the documents hold the words)."""
    keys = list(secrets)
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "user": asker.user,
        "channel": asker.channel,
        "answer_id": answer.id,
        "question": _masked(answer.question, keys),
        "standalone_question": _masked(answer.standalone_question, keys),
        "backend": answer.backend,
        "abstained": answer.abstained,
        "notice": _masked(answer.notice, keys),
        "spans": [
            {"n": c.n, "doc_id": c.doc_id, "start": c.start, "end": c.end, "page": c.page}
            for c in answer.citations
        ],
        "closest_documents": list(answer.closest_documents),
    }


class AuditLog:
    """An append-only, rotated JSON-lines file."""

    def __init__(self, path: Path, max_bytes: int = 10_000_000, keep: int = 9) -> None:
        self.path, self.max_bytes, self.keep = Path(path), max_bytes, keep

    def write(self, line: dict[str, Any]) -> None:
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.path.exists() and self.path.stat().st_size + len(data) > self.max_bytes:
                self._rotate()
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    data = b"\n" + data  # after a line torn by a crash: start a fresh line
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)

    def _rotate(self) -> None:
        for i in range(self.keep, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            newer = self.path.with_name(f"{self.path.name}.{i - 1}") if i > 1 else self.path
            if newer.exists():
                if i == self.keep:
                    older.unlink(missing_ok=True)
                os.replace(newer, older)

    def files(self) -> list[Path]:
        """Oldest first."""
        old = [self.path.with_name(f"{self.path.name}.{i}") for i in range(self.keep, 0, -1)]
        return [p for p in [*old, self.path] if p.exists()]

    def lines(self) -> Iterator[dict[str, Any]]:
        """Every whole line, oldest first (a line torn by a crash is skipped)."""
        for path in self.files():
            with path.open("rb") as f:
                for raw in f:
                    if not raw.endswith(b"\n"):
                        continue
                    try:
                        yield json.loads(raw)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        continue

    def export(self, user: str = "", since: str = "", until: str = "") -> list[dict[str, Any]]:
        """The lines of one user (all when empty) between two dates (YYYY-MM-DD, inclusive)."""
        return [
            line
            for line in self.lines()
            if (not user or line.get("user") == user)
            and (not since or str(line.get("time", ""))[:10] >= since)
            and (not until or str(line.get("time", ""))[:10] <= until)
        ]


def record(answer: Answer, asker: Asker, settings: Settings) -> None:
    """Write the answer's audit line (nothing when the trail is off). A trail that cannot be
    written is logged as an error; the answer still reaches the asker."""
    if not settings.audit_path:
        return
    secrets = (settings.api_key, settings.llm_api_key)
    try:
        AuditLog(Path(settings.audit_path)).write(entry(answer, asker, secrets))
    except OSError as exc:
        log.error("audit trail %s not written: %s", settings.audit_path, exc)
