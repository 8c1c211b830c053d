"""The cited answer text: one [n] per exact source span, a line saying in which language the
evidence is when it is not the asker's, 'Yes.' or 'No.' first for a yes/no question the evidence
decides, and a line naming both sources when two documents give different values for the same thing.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant import messages
from assistant.evidence import Evidence, numbers, years
from assistant.extract.blocks import is_heading
from assistant.extract.candidates import Candidate
from assistant.types import Citation, Draft, Passage


def translations(passages: list[Passage]) -> dict[str, set[str]]:
    """doc_id -> the doc_ids that translate it (both ways), among the retrieved passages."""
    links: dict[str, set[str]] = {}
    for p in passages:
        if p.translation_of:
            links.setdefault(p.doc_id, set()).add(p.translation_of)
            links.setdefault(p.translation_of, set()).add(p.doc_id)
    return links


def _marks(text: str) -> set[str]:
    """What a translation keeps: figures and acronyms."""
    return numbers(text) | set(re.findall(r"\b[A-ZА-ЯЁ]{2,}\b", text))


def asker_version(c: Candidate, lang: str, twins: set[str], pool: list[Candidate]) -> Evidence:
    """The same sentence in the asker's language when its translation was retrieved: a Czech asker
    reads the Czech page's sentence, not the English one. The two are aligned as each other's
    closest sentence by meaning (between the two documents' retrieved sentences) that keeps its
    figures and acronyms."""
    ev = c.ev
    if ev.passage.language == lang or not twins or c.vector is None:
        return ev
    marks = _marks(ev.text)
    others = [
        o
        for o in pool
        if o.passage.doc_id in twins
        and o.passage.language == lang
        and o.vector is not None
        and marks <= _marks(o.text)
    ]
    if not others:
        return ev
    best = max(others, key=lambda o: float(o.vector @ c.vector))  # type: ignore[operator]
    mine = [o for o in pool if o.passage.doc_id == ev.passage.doc_id and o.vector is not None]
    back = max(mine, key=lambda o: float(o.vector @ best.vector))  # type: ignore[operator]
    return best.ev if back.key() == c.key() else ev


def _runs(group: list[Evidence]) -> list[list[Evidence]]:
    """Consecutive sentences from the same chunk: each run is one exact source span, one
    citation (a heading shown with a later sentence of its section is a span of its own)."""
    runs: list[list[Evidence]] = []
    for e in group:
        before = runs[-1][-1] if runs else None
        if (
            before is not None
            and before.passage.chunk_id == e.passage.chunk_id
            and e.position == before.position + 1
        ):
            runs[-1].append(e)
        else:
            runs.append([e])
    return runs


def _values(group: list[Evidence], slot: str) -> set[str]:
    text = " ".join(e.text for e in group)
    return years(text) if slot == "date" else numbers(text) - years(text)


def conflict_line(groups: list[list[Evidence]], leads: list[Citation], lang: str, slot: str) -> str:
    """'The sources differ: A (as of 2018) says 2021 [1]; B (as of 2021) says 2022 [2].' for the
    groups from different documents that give different values. A value more documents give than
    any other is the one a document agrees with when it gives it among others."""
    if slot not in ("date", "count", "amount") or len(groups) < 2:
        return ""
    by_doc: dict[str, list[tuple[set[str], Citation]]] = {}
    for group, cit in zip(groups, leads):
        if values := _values(group, slot):
            by_doc.setdefault(cit.doc_id, []).append((values, cit))
    said = {doc: set().union(*(v for v, _ in shown)) for doc, shown in by_doc.items()}
    if len(said) < 2:
        return ""
    ranked = Counter(v for values in said.values() for v in values).most_common(2)
    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:  # one value most documents give
        top = ranked[0][0]
        said = {doc: {top} if top in v else v for doc, v in said.items()}
    else:
        shared = set.intersection(*said.values())
        said = {doc: v - shared for doc, v in said.items() if v - shared}
    if len({max(v) for v in said.values()}) < 2:
        return ""
    items = []
    for doc, values in said.items():  # cited where the document gives the value it is said to give
        cit = next(c for v, c in by_doc[doc] if max(values) in v)
        items.append(
            messages.text("says", lang, doc=cit.title, date=cit.date or "?", value=max(values))
            + f" [{cit.n}]"
        )
    return messages.text("conflict", lang, items="; ".join(items))


def compose(
    groups: list[list[Evidence]],
    lang: str,
    evidence: float,
    slot: str = "",
    verdict: str = "",
    bullets: bool = False,
) -> Draft:
    """Text with one [n] per cited span (a list block is one span), citations numbered in order."""
    citations: list[Citation] = []
    parts: list[str] = []
    leads: list[Citation] = []
    for group in groups:
        texts = []
        for run in _runs(group):
            first, last, p = run[0], run[-1], run[0].passage
            citations.append(p.cite(len(citations) + 1, first.start, last.end))
            texts.append("\n".join(e.text for e in run) + f" [{citations[-1].n}]")
        leads.append(citations[-len(texts)])
        parts.append("\n".join(texts))
    if bullets and len(parts) > 1:
        parts = [
            p if p.startswith(_BULLETS) or _heads_items(p) or _titled(p) else f"- {p}"
            for p in parts
        ]
    conflict = conflict_line(groups, leads, lang, slot)
    if conflict:
        parts.append(conflict)
    preface, at = _preface(groups, lang)
    if preface:  # before the first sentence in another language, on a line of its own
        parts.insert(at, preface)
    multiline = bullets or bool(preface) or any("\n" in p for p in parts)
    text = "\n".join(parts) if multiline else " ".join(parts)
    # the verdict and the preface stand on lines of their own: the checker knows them as ours
    return Draft(
        text="\n".join([verdict, text]) if verdict else text,
        citations=tuple(citations),
        evidence_score=evidence,
    )


_BULLETS = ("-", "–", "•")


def _heads_items(part: str) -> bool:
    """A heading with its items ('Strategic Group' over '- Joint management body …'): the heading
    stands as the label of its bullets, never as a bullet of its own."""
    lines = part.split("\n")
    return len(lines) > 1 and lines[1].startswith(_BULLETS)


def _titled(part: str) -> bool:
    """A section's heading over its sentence ('Strategic Group' over 'The SG prepares …'): the
    heading is the label, not a bullet of its own."""
    lines = part.split("\n")
    return len(lines) > 1 and is_heading(re.sub(r" \[\d+\]$", "", lines[0]))


def _preface(groups: list[list[Evidence]], lang: str) -> tuple[str, int]:
    """'The documents say (in English):' and the group it goes before: the first one in another
    language than the asker's."""
    langs = [g[0].passage.language for g in groups]
    foreign = {x for x in langs if x} - {lang}
    if not foreign:
        return "", 0
    names = ", ".join(messages.language_name(f, lang) for f in sorted(foreign))
    at = next(i for i, x in enumerate(langs) if x and x != lang)
    return messages.text("foreign_evidence", lang, language=names), at
