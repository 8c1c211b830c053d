"""Small frozen results that say where every piece of text came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its source span and the scores that ranked it."""

    chunk_id: str
    doc_id: str
    text: str  # cleaned text of the chunk
    raw: str  # the source file's text between start and end
    start: int
    end: int
    score: float  # fused retrieval score, higher is better
    meta: dict[str, Any] = field(default_factory=dict)  # title, language, date, heading, sentence spans...

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.doc_id))

    @property
    def language(self) -> str:
        return str(self.meta.get("language", ""))


@dataclass(frozen=True)
class Citation:
    """An exact span of a source document that supports part of an answer."""

    n: int
    doc_id: str
    title: str
    chunk_id: str
    quote: str  # equals the source text between start and end
    start: int
    end: int
    score: float
    date: str = ""
    language: str = ""
    publisher: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentenceCheck:
    """The grounding verdict for one answer sentence."""

    text: str
    citations: tuple[int, ...]
    verdict: str  # supported | contradicted | unverifiable | undetermined
    reason: str = ""


@dataclass(frozen=True)
class Answer:
    """What the assistant says, the sources it cites, and how it got there."""

    question: str
    text: str  # with [n] markers
    citations: tuple[Citation, ...]
    abstained: bool
    language: str
    backend: str
    id: str = ""
    standalone_question: str = ""
    notice: str = ""  # e.g. fallback to the offline answerer, truncated question
    checks: tuple[SentenceCheck, ...] = ()
    closest_documents: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON contract of `ask --json` and `batch` (see README)."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "language": self.language,
            "backend": self.backend,
            "citations": [c.to_json() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "notice": self.notice,
            "standalone_question": self.standalone_question,
            "closest_documents": list(self.closest_documents),
            "checks": [asdict(c) for c in self.checks],
        }
