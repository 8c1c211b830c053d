"""Small frozen results that say where every piece of text came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

Turn = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}


def is_history(value: object) -> bool:
    """A list of turns as callers pass them (batch lines, question sets): each a dict with a role
    of user or assistant and a content string."""
    return isinstance(value, list) and all(
        isinstance(t, dict)
        and t.get("role") in ("user", "assistant")
        and isinstance(t.get("content"), str)
        for t in value
    )


Similarity = Callable[[str, str], float]  # semantic similarity of a claim and a passage, about 0..1


@dataclass(frozen=True)
class SentenceSpan:
    """One sentence of a chunk: its span in the chunk's cleaned text and its exact span in the
    source file."""

    start: int  # offsets into Passage.text
    end: int
    source_start: int  # offsets into the source file's text
    source_end: int


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its source span, the document facts citations need, and how it
    ranked."""

    chunk_id: str
    doc_id: str
    text: str  # cleaned text of the chunk
    raw: str  # the source file's text between start and end
    start: int
    end: int
    score: float  # fused retrieval score, higher is better
    title: str = ""
    language: str = ""
    date: str = ""
    publisher: str = ""
    heading: str = ""  # the section the chunk sits in
    translation_of: str = ""  # the doc_id this document translates
    sentences: tuple[SentenceSpan, ...] = ()
    leg_scores: dict[str, float] = field(default_factory=dict)  # retriever name -> its own score
    # of a paged document (PDF): (source offset, page number) where each page of the chunk starts
    pages: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int:
        """The page number a source offset lies on (0: the document has no pages)."""
        return max((p for at, p in self.pages if at <= offset), default=0)

    def cite(self, n: int, start: int, end: int) -> Citation:
        """A citation of the source span [start, end) inside this passage."""
        return Citation(
            n=n,
            doc_id=self.doc_id,
            title=self.title or self.doc_id,
            chunk_id=self.chunk_id,
            quote=self.raw[start - self.start : end - self.start],
            start=start,
            end=end,
            score=round(self.score, 4),
            date=self.date,
            language=self.language,
            publisher=self.publisher,
            page=self.page_at(start),
        )


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
    page: int = 0  # of a PDF: the page the span starts on (0: not a paged document)

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


@dataclass(frozen=True)
class Draft:
    """An answer before verification: text with [n] markers and the citations they point at."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool = False
    evidence_score: float = 0.0
    notice: str = ""
