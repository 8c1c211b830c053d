"""The offline answerer: picks the sentences that answer the question and cites each one exactly.

Every sentence of the retrieved passages is scored by a fitted model over general features (meaning
by sentence vectors, wording, names, whether it fills the slot the question asks for, where it was
found). Below the fitted threshold, or when no sentence fills the asked slot, it says the documents
do not cover the question. No model call, no invented words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant import messages
from assistant.evidence import Evidence, instruction_like
from assistant.extract.blocks import is_heading, is_item, list_block, section
from assistant.extract.candidates import Candidate, candidates, terms
from assistant.extract.compose import asker_version, compose, translations
from assistant.extract.features import FEATURES, Asked, asked, features
from assistant.extract.model import AnswerModel, load_model
from assistant.facts import figures
from assistant.knowledge import CorpusKnowledge
from assistant.question import Question, analyse, fills
from assistant.types import Draft, Passage, Turn
from assistant.verify import negated, quantities
from index.language import fold

_TOPIC = FEATURES.index("topic")
_OUR_MARKER = re.compile(r"(?:^|\s)\[?\d+\](?=\s|$)")  # a quoted "[2]" would pose as our citation


class SentenceIndex(Protocol):
    """What the answerer reads besides the passages (the runtime provides it)."""

    knowledge: CorpusKnowledge

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]: ...

    def question_vector(self, text: str) -> np.ndarray: ...


@dataclass
class Scored:
    candidate: Candidate
    z: float  # the ranker's score: higher is more likely the answer
    row: np.ndarray  # its features
    held: frozenset[str] = frozenset()  # the question's distinctive words the sentence says
    anchored: bool = False  # a figure of it stands next to one of those words


class ExtractiveAnswerer:
    """Answers from the passages alone."""

    name = "extractive"
    judges_evidence = True

    def __init__(
        self,
        max_sentences: int = 4,
        threshold: float = 0.0,
        index: SentenceIndex | None = None,
        model: AnswerModel | None = None,
    ) -> None:
        self.max_sentences = max_sentences
        self.model = model or load_model()
        self.threshold = threshold if threshold else self.model.threshold
        self.index = index

    def write(self, question: str, lang: str, passages: list[Passage]) -> Iterator[str | Draft]:
        yield self.answer(question, lang, passages)

    def rewrite(self, question: str, history: Sequence[Turn], lang: str) -> str:
        return ""  # follow-ups are condensed offline (assistant/conversation.py)

    def evidence(self, question: str, lang: str, passages: list[Passage]) -> float:
        """The score of the best sentence that could answer, minus the threshold (< 0: too weak)."""
        q = analyse(question, lang)
        return self.ranked(q, lang, passages)[1] - self.threshold

    @property
    def _knowledge(self) -> CorpusKnowledge:
        return self.index.knowledge if self.index else CorpusKnowledge()

    def score(self, q: Question, lang: str, passages: list[Passage]) -> list[Scored]:
        """Every candidate sentence with its ranker score and features, best first."""
        ids = [f"{p.doc_id}@{s.source_start}-{s.source_end}" for p in passages for s in p.sentences]
        vectors = self.index.sentence_vectors(ids) if self.index else {}
        pool = candidates(passages, vectors)
        if not pool:
            return []
        vector = self.index.question_vector(q.text) if self.index else None
        knowledge = self.index.knowledge if self.index else CorpusKnowledge()
        a = asked(q, lang, vector)
        rows = features(a, pool, knowledge)
        rare = _distinctive(a, pool)
        scores = self.model.scores(rows)
        out = [
            Scored(c, float(z), r, _held(rare, c), _anchored(rare, c))
            for c, z, r in zip(pool, scores, rows)
        ]
        return sorted(out, key=lambda s: -s.z)

    def ranked(self, q: Question, lang: str, passages: list[Passage]) -> tuple[list[Scored], float]:
        """The usable candidates best first, and the best one's score (-99 when none is usable)."""
        ok = [s for s in self.score(q, lang, passages) if usable(q, s, lang, self._knowledge)]
        return ok, ok[0].z if ok else -99.0

    def answer(self, question: str, lang: str, passages: list[Passage]) -> Draft:
        q = analyse(question, lang)
        ok, accepted = self.ranked(q, lang, passages)
        if not ok or accepted < self.threshold:
            return Draft(
                text=messages.text("abstain", lang),
                citations=(),
                abstained=True,
                evidence_score=accepted,
            )
        groups, differing = select(q, lang, ok, passages, self)
        verdict = _verdict(q, lang, ok[0]) if q.yes_no else ""
        # the sources-differ line only for another document's value of the same thing
        slot = q.slot if differing else ""
        return compose(groups, lang, accepted, slot, verdict, bullets=q.broad and len(groups) > 1)


def usable(q: Question, s: Scored, lang: str, knowledge: CorpusKnowledge | None = None) -> bool:
    """A sentence that can be an answer at all: no orders to the assistant, no marker posing as
    ours, the question's figures and acronyms, and for a question that names the fact it wants, that
    fact."""
    c = s.candidate
    if instruction_like(c.text) or _OUR_MARKER.search(c.text) or not _names_held(q, c, knowledge):
        return False
    return not q.specific or fills(q, c.text) or c.text.rstrip().endswith(":")


def _names_held(q: Question, c: Candidate, knowledge: CorpusKnowledge | None) -> bool:
    """The figures and acronyms the question names are in the sentence or its context: '2019' is not
    answered by a sentence about 2018, 'ICMPD' not by one about the IOM. An acronym counts as held
    where the corpus's expansion of it is written out."""
    held = figures(c.text) | quantities(c.text) | {t for t in c.context if t.isdigit()}
    if q.numbers and not q.numbers <= held:
        return False
    where = c.own | c.context
    known = knowledge or CorpusKnowledge()
    return all(
        fold(a) in where
        or a.lower() in c.text.lower()
        or any(f.terms <= where for f in known.expansions(a))
        for a in q.acronyms
    )


def select(
    q: Question,
    lang: str,
    ranked: list[Scored],
    passages: list[Passage],
    answerer: ExtractiveAnswerer,
) -> tuple[list[list[Evidence]], bool]:
    """The groups of sentences to show, and whether the last one is another document's value of the
    same thing: the best sentence with what completes it (its list, its section for a broad
    question);
    for a question that names its fact, a close second and another document's value; else further
    sentences that score close to the best (more of them for a broad or list question)."""
    best = ranked[0]
    links = translations(passages)
    evs = [s.candidate.ev for s in ranked]
    first = asker_version(
        best.candidate.ev, lang, links.get(best.candidate.passage.doc_id, set()), evs
    )
    lead = list_block(first, passages) if _expands(q, first) else [first]
    if q.broad and len(lead) == 1:
        lead = section(first, passages, answerer.max_sentences + 2)
    if q.specific and not q.listing:
        return _with_values(lead, ranked, links, best.z - answerer.model.extra)
    margin = answerer.model.broad_extra if q.broad or q.listing else answerer.model.extra
    limit = answerer.max_sentences + (2 if q.broad or q.listing else 0)
    return _with_more(q, lang, lead, ranked, passages, links, (best.z - margin, limit)), False


def _with_values(
    lead: list[Evidence], ranked: list[Scored], links: dict[str, set[str]], floor: float
) -> tuple[list[list[Evidence]], bool]:
    """The lead, the next best sentence when close, and another document's value of the same
    thing."""
    seen = {(e.passage.doc_id, e.start) for e in lead}
    other = _differing(ranked[0], ranked, links)
    more = [
        s for s in ranked[1:2] if s is not other and s.z >= floor and s.candidate.key() not in seen
    ]
    if other is not None and other.candidate.key() not in seen:
        more.append(other)  # last: compose compares it with the best one
    return [lead, *[[s.candidate.ev] for s in more]], other is not None


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
    evs = [s.candidate.ev for s in ranked]
    for s in ranked[1:]:
        c = s.candidate
        if s.z < floor or len(groups) >= limit:
            break
        twin_used = bool(links.get(c.passage.doc_id, set()) & docs) and c.passage.doc_id not in docs
        if c.key() in covered or twin_used:
            continue
        ev = asker_version(c.ev, lang, links.get(c.passage.doc_id, set()), evs)
        block = list_block(ev, passages) if _expands(q, ev) else [ev]
        groups.append(block)
        covered.update((e.passage.doc_id, e.start) for e in block)
        docs.add(ev.passage.doc_id)
    return groups


def _distinctive(a: Asked, pool: list[Candidate]) -> list[tuple[str, frozenset[str]]]:
    """The question's topic words that few candidates hold (not 'Prague Process' on every page)."""
    return [
        (t, forms)
        for t, forms, w in a.terms
        if w == 1.0 and sum(1 for c in pool if forms & c.own) <= max(1, len(pool) // 4)
    ]


def _held(rare: list[tuple[str, frozenset[str]]], c: Candidate) -> frozenset[str]:
    """The distinctive question words the sentence itself says (its context would make every
    sentence of a document about the document's title)."""
    return frozenset(t for t, forms in rare if forms & c.own)


def _anchored(rare: list[tuple[str, frozenset[str]]], c: Candidate, span: int = 6) -> bool:
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
    seen."""
    need = max(1, -(-2 * len(best.held) // 3))
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


def _verdict(q: Question, lang: str, best: Scored) -> str:
    """'Yes.' or 'No.' when the best evidence decides the question: it holds the question's wording
    and names and agrees (or disagrees) with it in negation; '' when it does not decide."""
    row = dict(zip(FEATURES, best.row))
    if row["lex"] < 0.5 or row["hard_names"] < 1.0:
        return ""
    same = negated(q.text, lang) == negated(best.candidate.text, best.candidate.language)
    return messages.text("yes" if same else "no", lang)


__all__ = ["Asked", "ExtractiveAnswerer", "Scored", "SentenceIndex"]
