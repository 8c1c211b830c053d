"""Verify: the offline grounding checker shared by every answerer and by evals/. An answer is
split into units, each unit is checked against the passages its [n] markers cite
(assistant.claims), contradicted units are dropped and unverifiable ones flagged."""

from __future__ import annotations

import re
from dataclasses import replace

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
from assistant.types import Citation, Draft, SentenceCheck, Similarity

_MARKER_ONLY = re.compile(r"\[(\d+)\]")
_FIXED = re.compile(
    "|".join(  # lines the assistant composes itself around quoted evidence
        re.sub(r"\\\{\w+\\\}", ".*", re.escape(t))
        for key in ("foreign_evidence", "conflict", "yes", "no", "undecided")
        for t in messages.TEXTS[key].values()
    )
)


def split_answer(text: str) -> list[str]:
    """Answer text split into checkable units: sentences, with unmarked list lines joined to the
    marked line that closes their block; fixed texts of the assistant stand alone."""
    units: list[str] = []
    pending: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if _FIXED.fullmatch(line):
            units.append(line)
            continue
        for part in re.split(r"(?<=[.!?\]])\s+(?=[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ\"“(\d])", line):
            pending.append(part.strip())
            if MARKER.search(part):
                units.append("\n".join(pending))
                pending = []
    units.extend(pending)
    return [u for u in units if u]


def check_answer(
    text: str,
    cited: dict[int, str],
    lang: str,
    similarity: Similarity | None = None,
    context: dict[int, str] | None = None,
) -> list[SentenceCheck]:
    """A verdict for every unit of an answer against the passages its [n] markers point at
    (`context`: title or heading per citation, for names a passage leaves implicit)."""
    context = context or {}
    out = []
    for unit in split_answer(text):
        plain, markers = strip_markers(unit)
        if _FIXED.fullmatch(unit):
            verdict = Verdict(UNDETERMINED, "the assistant's own words")
        elif not markers:
            verdict = (
                Verdict(UNDETERMINED, "no citation")
                if plain.endswith(":") or len(plain) < 3
                else Verdict(UNVERIFIABLE, "no citation")
            )
        else:
            known = [cited[n] for n in markers if n in cited]
            names = " ".join(context.get(n, "") for n in markers)
            verdict = (
                check_claim(plain, known, lang, similarity, names)
                if known
                else Verdict(UNVERIFIABLE, "cites nothing")
            )
        out.append(
            SentenceCheck(
                text=unit, citations=markers, verdict=verdict.verdict, reason=verdict.reason
            )
        )
    return out


def verify_draft(
    draft: Draft, lang: str, similarity: Similarity | None = None
) -> tuple[str, tuple[Citation, ...], tuple[SentenceCheck, ...], bool]:
    """Check every sentence against what it cites: drop contradicted ones and dangling markers, flag
    the unverifiable with ⚠, keep only the citations still used, renumbered in order of appearance.
    Returns (text, citations, checks, whether anything was removed or flagged)."""
    by_n = {c.n: c for c in draft.citations}
    checks = check_answer(
        draft.text,
        {n: c.quote for n, c in by_n.items()},
        lang,
        similarity,
        {n: c.title for n, c in by_n.items()},
    )
    kept: list[str] = []
    flagged = False
    for check in checks:
        if check.verdict == CONTRADICTED:
            flagged = True
            continue
        unit = re.sub(
            r"\s*\[(\d+)\]", lambda m: m.group(0) if int(m.group(1)) in by_n else "", check.text
        )
        if check.verdict not in (SUPPORTED, UNDETERMINED):
            unit = f"⚠ {unit}"
            flagged = True
        kept.append(unit)
    text, citations = _renumber("\n".join(kept) if "\n" in draft.text else " ".join(kept), by_n)
    if not strip_markers(text)[1]:
        return text, (), tuple(checks), flagged
    return text, citations, tuple(checks), flagged


def _renumber(text: str, by_n: dict[int, Citation]) -> tuple[str, tuple[Citation, ...]]:
    order: dict[int, int] = {}
    for m in _MARKER_ONLY.finditer(text):
        n = int(m.group(1))
        if n in by_n and n not in order:
            order[n] = len(order) + 1
    new_text = _MARKER_ONLY.sub(
        lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", text
    )
    return new_text, tuple(replace(by_n[old], n=new) for old, new in order.items())


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
    "verify_draft",
]
