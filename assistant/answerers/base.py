"""The seam every answer backend implements, so the service never asks what kind of backend it
has."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from assistant.types import Draft, Passage, Turn


class Answerer(Protocol):
    """Writes a cited draft from retrieved passages; verification happens after, in the service."""

    name: str  # reported as Answer.backend
    # True when the backend weighs the evidence itself and abstains when it is too weak (the offline
    # answerer); a model is only called when the offline scorer finds enough evidence to hand over.
    judges_evidence: bool
    # the languages it writes answers in well enough (others are answered in English with a notice)
    writes: frozenset[str]

    def write(self, question: str, lang: str, passages: list[Passage]) -> Iterator[str | Draft]:
        """Text deltas as they are produced, then the Draft as the last item."""
        ...

    def rewrite(self, question: str, history: Sequence[Turn], lang: str) -> str:
        """A standalone search query for a follow-up or a non-English question; '' when it has
        none."""
        ...
