"""Verify: the offline grounding checker shared by every answerer and by evals/. An answer is
split into units, each unit is checked against the passages its [n] markers cite
(assistant.claims), contradicted units are dropped and unverifiable ones flagged."""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant import messages
from assistant.claims import (
    CONTRADICTED,
    MARKER,
    SUPPORTED,
    UNDETERMINED,
    UNVERIFIABLE,
    VERDICTS,
    Verdict,
    check_claim,
    content_overlap,
    negated,
    quantities,
    strip_markers,
)
from assistant.types import SentenceCheck, Similarity
from index.language import ends_in_abbreviation

_FIXED = re.compile(
    "|".join(  # lines the assistant composes itself around quoted evidence
        re.sub(r"\\\{\w+\\\}", ".*", re.escape(t))
        for key in ("foreign_evidence", "conflict", "yes", "no", "undecided", "abstain")
        for t in messages.TEXTS[key].values()
    )
)


_BREAK = re.compile(r"(?<=[.!?\]])\s+(?=[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ\"“(\d])")


_ENDED = re.compile(r"\]\s*[.!?][\"”’)]?\s*$")  # a sentence closed by its marker and full stop


def is_fixed(line: str) -> bool:
    """A line the assistant composes itself (a verdict, an intro to quoted evidence, a refusal)."""
    return bool(_FIXED.fullmatch(line))


class Part(NamedTuple):
    """A sentence or fixed line of an answer; `new_line`: it is the first on its line."""

    text: str
    fixed: bool
    new_line: bool


def complete_parts(text: str, final: bool, at_line_start: bool = True) -> tuple[list[Part], int]:
    """The sentences and fixed lines of `text` that are complete, and where the unfinished rest
    begins. While an answer streams (final=False) a sentence is complete once the next one has
    begun or its line has ended; `at_line_start`: `text` begins a line."""
    parts: list[Part] = []
    pos = 0
    for i, line in enumerate(re.findall(r"[^\n]*\n|[^\n]+$", text)):
        closed = final or line.endswith("\n")
        starts = i > 0 or at_line_start
        if is_fixed(line.strip()):
            if not closed:
                break
            parts.append(Part(line.strip(), True, starts))
            pos += len(line)
            continue
        begin = 0
        for m in _BREAK.finditer(line.rstrip("\n") if closed else line):
            if ends_in_abbreviation(line[begin : m.start()], line[m.end() :]):  # "No. 2008/381"
                continue
            parts.append(Part(line[begin : m.start()].strip(), False, starts and not begin))
            begin = m.end()
        if not closed and _ENDED.search(line[begin:]):  # "… in 2018 [1]." ends it: no need to wait
            parts.append(Part(line[begin:].strip(), False, starts and not begin))
            return [p for p in parts if p.text], pos + len(line)
        if not closed:
            return [p for p in parts if p.text], pos + begin
        parts.append(Part(line[begin:].strip(), False, starts and not begin))
        pos += len(line)
    return [p for p in parts if p.text], pos


def split_answer(text: str) -> list[str]:
    """Answer text split into checkable units: sentences, with unmarked list lines joined to the
    marked line that closes their block; fixed texts of the assistant stand alone."""
    units: list[str] = []
    pending: list[str] = []
    for part, fixed, _ in complete_parts(text, final=True)[0]:
        if fixed:
            units.append(part)
            continue
        pending.append(part)
        if MARKER.search(part):
            units.append("\n".join(pending))
            pending = []
    units.extend(pending)
    return units


def check_unit(
    unit: str,
    cited: dict[int, str],
    lang: str,
    similarity: Similarity | None = None,
    context: dict[int, str] | None = None,
) -> SentenceCheck:
    """The verdict for one unit of an answer against the passages its [n] markers point at
    (`context`: title or heading per citation, for names a passage leaves implicit)."""
    plain, markers = strip_markers(unit)
    if is_fixed(unit):
        verdict = Verdict(UNDETERMINED, "the assistant's own words")
    elif not markers:
        verdict = (
            Verdict(UNDETERMINED, "no citation")
            if plain.endswith(":") or len(plain) < 3
            else Verdict(UNVERIFIABLE, "no citation")
        )
    else:
        known = [cited[n] for n in markers if n in cited]
        names = " ".join((context or {}).get(n, "") for n in markers)
        verdict = (
            check_claim(plain, known, lang, similarity, names)
            if known
            else Verdict(UNVERIFIABLE, "cites nothing")
        )
    return SentenceCheck(
        text=unit, citations=markers, verdict=verdict.verdict, reason=verdict.reason
    )


def check_answer(
    text: str,
    cited: dict[int, str],
    lang: str,
    similarity: Similarity | None = None,
    context: dict[int, str] | None = None,
) -> list[SentenceCheck]:
    """A verdict for every unit of an answer against the passages its [n] markers point at."""
    return [check_unit(u, cited, lang, similarity, context) for u in split_answer(text)]


__all__ = [
    "CONTRADICTED",
    "SUPPORTED",
    "UNDETERMINED",
    "UNVERIFIABLE",
    "VERDICTS",
    "Verdict",
    "check_answer",
    "check_claim",
    "content_overlap",
    "negated",
    "quantities",
    "split_answer",
    "strip_markers",
    "check_unit",
    "complete_parts",
    "is_fixed",
]
