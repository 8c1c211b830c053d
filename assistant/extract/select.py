"""What an answer shows: the best sentence with what completes it, a close second, another
document's value of the same thing, or further sentences scoring close to the best."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from assistant.evidence import Evidence
from assistant.extract.blocks import is_heading, is_item, list_block, outline, section
from assistant.extract.candidates import Candidate, terms
from assistant.extract.compose import asker_version, translations
from assistant.extract.features import Asked
from assistant.extract.model import AnswerModel
from assistant.question import Question, fills
from assistant.types import Passage

# For a question that names its fact: how many of the next best sentences may follow the best one
# when they score close to it and say what was asked. Chosen on the training sets: 1 -> 2 lifted
# fact recall on dev-gold 0.476 -> 0.494 and on gold 0.779 -> 0.787 (heldout4 0.608 both).
SECONDS = 2


@dataclass
class Scored:
    candidate: Candidate
    z: float  # the ranker's score: higher is more likely the answer
    row: np.ndarray  # its features
    held: frozenset[str] = frozenset()  # the question's distinctive words the sentence says
    anchored: bool = False  # a figure of it stands next to one of those words


def select(
    q: Question,
    lang: str,
    ranked: list[Scored],
    passages: list[Passage],
    model: AnswerModel,
    max_sentences: int,
) -> tuple[list[list[Evidence]], bool]:
    """The groups of sentences to show, and whether the last one is another document's value of the
    same thing: the best sentence with what completes it (its list, its section for a broad
    question); for a question that names its fact, a close second and another document's value;
    else further sentences that score close to the best (more of them for a broad or list
    question)."""
    best = ranked[0]
    links = translations(passages)
    pool = [s.candidate for s in ranked]
    first = asker_version(
        best.candidate, lang, links.get(best.candidate.passage.doc_id, set()), pool
    )
    lead = list_block(first, passages) if _expands(q, first) else [first]
    if q.broad and len(lead) == 1:
        z = {s.candidate.key(): s.z for s in ranked}
        parts = outline(first, passages, lambda e: z.get((e.passage.doc_id, e.start), -99.0))
        if parts:
            return parts, False
        lead = section(first, passages, max_sentences + 2)
    if q.specific and not q.listing:
        groups, differing = _with_values(q, lead, ranked, links, best.z - model.extra)
        return _with_other_slots(q, groups, differing, ranked, best.z - model.extra), differing
    margin = model.broad_extra if q.broad or q.listing else model.extra
    limit = max_sentences + (2 if q.broad or q.listing else 0)
    return _with_more(q, lang, lead, ranked, passages, links, (best.z - margin, limit)), False


def _with_values(
    q: Question,
    lead: list[Evidence],
    ranked: list[Scored],
    links: dict[str, set[str]],
    floor: float,
) -> tuple[list[list[Evidence]], bool]:
    """The lead, the next best sentences (up to SECONDS) when close and they say what was asked (a
    date for 'when'), and another document's value of the same thing."""
    seen = {(e.passage.doc_id, e.start) for e in lead}
    other = _differing(ranked[0], ranked, links)
    more = [
        s
        for s in ranked[1 : 1 + SECONDS]
        if s is not other
        and s.z >= floor
        and s.candidate.key() not in seen
        and fills(q, s.candidate.text)
    ]
    if other is not None and other.candidate.key() not in seen:
        more.append(other)  # last: compose compares it with the best one
    return [lead, *[[s.candidate.ev] for s in more]], other is not None


def _with_other_slots(
    q: Question,
    groups: list[list[Evidence]],
    differing: bool,
    ranked: list[Scored],
    floor: float,
) -> list[list[Evidence]]:
    """For a compound question ('When … and how much …?'): the best sentence for each further slot
    that no sentence shown fills yet, when it scores close to the best (before another document's
    value, which compose compares with the best one)."""
    shown = [e for g in groups for e in g]
    keys = {(e.passage.doc_id, e.start) for e in shown}
    extra: list[list[Evidence]] = []
    for slot in q.also:
        asked = replace(q, slot=slot)
        if any(fills(asked, e.text) for e in shown):
            continue
        found = next(
            (
                s
                for s in ranked
                if s.z >= floor and s.candidate.key() not in keys and fills(asked, s.candidate.text)
            ),
            None,
        )
        if found is not None:
            extra.append([found.candidate.ev])
            shown.append(found.candidate.ev)
            keys.add(found.candidate.key())
    if not extra:
        return groups
    return [*groups[:-1], *extra, groups[-1]] if differing else [*groups, *extra]


def _with_more(
    q: Question,
    lang: str,
    lead: list[Evidence],
    ranked: list[Scored],
    passages: list[Passage],
    links: dict[str, set[str]],
    bounds: tuple[float, int],
) -> list[list[Evidence]]:
    """The lead and the sentences scoring at least `floor`, up to `limit` groups, skipping the other
    language version of a document already cited."""
    floor, limit = bounds
    groups = [lead]
    covered = {(e.passage.doc_id, e.start) for e in lead}
    docs = {lead[0].passage.doc_id}
    pool = [s.candidate for s in ranked]
    for s in ranked[1:]:
        c = s.candidate
        if s.z < floor or len(groups) >= limit:
            break
        twin_used = bool(links.get(c.passage.doc_id, set()) & docs) and c.passage.doc_id not in docs
        if c.key() in covered or twin_used:
            continue
        ev = asker_version(c, lang, links.get(c.passage.doc_id, set()), pool)
        block = _block(q, ev, passages, covered)
        if not block:
            continue
        groups.append(block)
        covered.update((e.passage.doc_id, e.start) for e in block)
        docs.add(ev.passage.doc_id)
    return groups


def _block(
    q: Question, ev: Evidence, passages: list[Passage], covered: set[tuple[str, int]]
) -> list[Evidence]:
    """What the sentence shows with: a heading is read as the sentences of its section (a bare
    'Governance' says nothing), a list intro with its items; none already shown."""
    block = list_block(ev, passages) if _expands(q, ev) else [ev]
    if len(block) == 1 and is_heading(ev.text.rstrip()) and not is_item(ev):
        block = section(ev, passages, 3)[1:]
    return [e for e in block if (e.passage.doc_id, e.start) not in covered]


def distinctive(a: Asked, pool: list[Candidate]) -> list[tuple[str, frozenset[str]]]:
    """The question's topic words that few candidates hold (not 'Prague Process' on every page)."""
    return [
        (t, forms)
        for t, forms, w in a.terms
        if w == 1.0 and sum(1 for c in pool if forms & c.own) <= max(1, len(pool) // 4)
    ]


def held(rare: list[tuple[str, frozenset[str]]], c: Candidate) -> frozenset[str]:
    """The distinctive question words the sentence itself says (its context would make every
    sentence of a document about the document's title)."""
    return frozenset(t for t, forms in rare if forms & c.own)


def anchored(rare: list[tuple[str, frozenset[str]]], c: Candidate, span: int = 6) -> bool:
    """Whether a figure of the sentence stands within `span` words of a distinctive question word:
    the figure is about the asked thing, not about another one the sentence also mentions."""
    if not any(ch.isdigit() for ch in c.text):
        return False
    words = re.findall(r"[\w.,–-]+", c.text)
    wanted = frozenset().union(*(forms for _, forms in rare)) if rare else frozenset()
    near = [i for i, w in enumerate(words) if terms(w, c.language) & wanted]
    figures_at = [i for i, w in enumerate(words) if any(ch.isdigit() for ch in w)]
    return any(abs(i - j) <= span for i in near for j in figures_at)


def _differing(best: Scored, ranked: list[Scored], links: dict[str, set[str]]) -> Scored | None:
    """Among the next best sentences that could answer, one of another document (not a translation)
    about the same thing: it holds two thirds of the question's distinctive words the best one
    holds, and its figure stands next to one of them (a date of the same sentence about another
    event is not a different value). Shown beside it, so that two sources that disagree are both
    seen. One shared word is not enough to call it the same thing."""
    if len(best.held) < 2:
        return None
    need = -(-2 * len(best.held) // 3)
    doc = best.candidate.passage.doc_id
    for s in ranked[1:8]:
        c = s.candidate
        if c.passage.doc_id == doc or c.passage.doc_id in links.get(doc, set()):
            continue
        if s.anchored and len(best.held & s.held) >= need:
            return s
    return None


def _expands(q: Question, ev: Evidence) -> bool:
    """Whether the sentence shows with what completes it: for lists and overviews, and always for an
    intro, a heading or an item (alone they say little)."""
    text = ev.text.rstrip()
    return q.listing or q.broad or text.endswith(":") or is_item(ev) or is_heading(text)
