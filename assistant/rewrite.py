"""Checked rewrites: a model's standalone query is used only if it keeps the question's anchors
(its numbers and acronyms) and adds none the conversation and the corpus do not have, and retrieval
also runs on the question as the offline condenser reads it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.types import Passage, Turn

_ANCHOR = re.compile(r"\b(?:\d+(?:[.,/]\d+)*|[A-ZА-ЯЁ][A-ZА-ЯЁ0-9]{1,9})\b")


def anchors(text: str) -> set[str]:
    """The numbers and acronyms of a text (what a rewrite may neither lose nor invent)."""
    return set(_ANCHOR.findall(text))


def faithful(
    question: str, history: Sequence[Turn], rewritten: str, known: Callable[[str], bool]
) -> bool:
    """The rewrite keeps every number and acronym of the question and adds only those the
    conversation gave or, for an acronym, the corpus uses (a translation may name 'EU' for 'ЕС');
    never a number of its own."""
    if not rewritten.strip():
        return False
    own, given = anchors(question), anchors(" ".join(t.get("content", "") for t in history))
    new = anchors(rewritten)
    if own - new:
        return False
    added = new - own - given
    return not any(a[0].isdigit() or not known(a) for a in added)


def interleaved(first: list[Passage], second: list[Passage]) -> list[Passage]:
    """Two rankings merged rank by rank without repeats, as long as the longer one: what a checked
    rewrite retrieved, with the original question's best passages kept beside it."""
    out: list[Passage] = []
    seen: set[str] = set()
    for pair in zip(first, second, strict=False):
        for p in pair:
            if p.chunk_id not in seen:
                seen.add(p.chunk_id)
                out.append(p)
    rest = first[len(second) :] + second[len(first) :]
    out += [p for p in rest if p.chunk_id not in seen]
    return out[: max(len(first), len(second))]
