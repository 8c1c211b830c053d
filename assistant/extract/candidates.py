"""Candidate answer sentences: every sentence of the retrieved passages, once, with the terms of its
own text and of its context (heading, title, the sentence before) and the vector computed at ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.evidence import Evidence, sentences
from assistant.types import Passage
from index.language import analyze, cognate

_ANAPHOR = re.compile(
    r"^(?:it|its|this|these|they|their|such|the project|the initiative|jedná se|tento|tato|toto|"
    r"tuto|tyto|ten|ta|to|jeho|její|jejich|он|она|оно|они|его|её|их|этот|эта|это|эти|данный)\b",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    """One sentence that might answer, where it came from and what surrounds it."""

    ev: Evidence
    rank: int  # of its passage in the retrieval
    own: frozenset[str]  # analysed terms of the sentence
    context: frozenset[str]  # of its heading, document title and the sentence before
    vector: np.ndarray | None  # the sentence vector computed at ingest

    @property
    def text(self) -> str:
        return self.ev.text

    @property
    def passage(self) -> Passage:
        return self.ev.passage

    @property
    def language(self) -> str:
        return self.ev.passage.language or "en"

    def key(self) -> tuple[str, int]:
        return self.ev.passage.doc_id, self.ev.start


@lru_cache(maxsize=4096)
def terms(text: str, lang: str) -> frozenset[str]:
    """The analysed terms of a text and their cognate keys (see index.language.cognate)."""
    found = analyze(text, lang)
    return frozenset(found) | ({cognate(t) for t in found} - {""})


def refers_back(text: str) -> bool:
    """The sentence opens with 'It…', 'This project…': the sentence before names its subject."""
    return bool(_ANAPHOR.match(text))


def candidates(passages: list[Passage], vectors: dict[str, np.ndarray]) -> list[Candidate]:
    """Each sentence once (overlapping chunks repeat one, and its contexts are merged), in passage
    rank order; a sentence that opens a chunk gets the sentence before it from another chunk."""
    out: dict[tuple[str, int], Candidate] = {}
    for rank, passage in enumerate(passages):
        lang = passage.language or "en"
        base = terms(f"{passage.title} {passage.heading}", lang)
        previous: frozenset[str] = frozenset()
        for ev in sentences(passage):
            own = terms(ev.text, lang)
            key = (passage.doc_id, ev.start)
            if key in out:
                out[key].context |= base | previous
            else:
                vector = vectors.get(f"{passage.doc_id}@{ev.start}-{ev.end}")
                out[key] = Candidate(ev, rank, own, base | previous, vector)
            previous = own if not refers_back(ev.text) else previous | own
    _link_neighbours(list(out.values()))
    return list(out.values())


def _link_neighbours(pool: list[Candidate]) -> None:
    """The sentence just before a candidate in its document (from any retrieved chunk) is
    context."""
    ordered = sorted(pool, key=lambda c: (c.passage.doc_id, c.ev.start))
    for before, after in zip(ordered, ordered[1:]):
        if (
            before.passage.doc_id == after.passage.doc_id
            and 0 <= after.ev.start - before.ev.end <= 10
        ):
            after.context |= before.own
