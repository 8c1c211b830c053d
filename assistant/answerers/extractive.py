"""The offline answerer: picks the sentences that answer the question and cites each one exactly.

Every sentence of the retrieved passages is scored by a fitted model over general features (meaning
by sentence vectors, wording, names, whether it fills the slot the question asks for, where it was
found). Below the fitted threshold, or when no sentence fills the asked slot, it says the documents
do not cover the question. No model call, no invented words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from assistant import messages
from assistant.context import chunks_after
from assistant.evidence import instruction_like
from assistant.extract.blocks import is_item
from assistant.extract.candidates import Candidate, candidates
from assistant.extract.compose import compose
from assistant.extract.features import FEATURES, Asked, asked, features
from assistant.extract.model import AnswerModel, load_model
from assistant.extract.select import Scored, anchored, distinctive, held, select
from assistant.extract.verdict import decide
from assistant.facts import figures
from assistant.focus import excerpts
from assistant.knowledge import CorpusKnowledge
from assistant.question import Question, analyse, fills_any
from assistant.types import Draft, Passage, Turn
from assistant.verify import quantities
from index.language import fold

_TOPIC = FEATURES.index("topic")
_NAMED = ("person", "role")  # slots a list item may answer without a name in it
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_OUR_MARKER = re.compile(r"(?:^|\s)\[?\d+\](?=\s|$)")  # a quoted "[2]" would pose as our citation
# 'For more projects visit www.…': a pointer to another page says nothing itself
_POINTER = re.compile(
    r"\b(?:visit|see|go to|navštivte|viz|najdete na|посетите|см\.|смотрите)(?!\w).{0,60}"
    r"(?:www\.|https?://)",
    re.IGNORECASE,
)


class SentenceIndex(Protocol):
    """What the answerer reads besides the passages (the runtime provides it)."""

    knowledge: CorpusKnowledge

    def sentence_vectors(self, ids: list[str]) -> dict[str, np.ndarray]: ...

    def question_vector(self, text: str) -> np.ndarray: ...

    def fetch(self, ids: list[str]) -> dict[str, Any]: ...


class ExtractiveAnswerer:
    """Answers from the passages alone."""

    name = "extractive"
    judges_evidence = True
    writes = messages.ANSWER_LANGUAGES  # it quotes, and its own lines exist in each

    def __init__(
        self,
        max_sentences: int = 4,
        threshold: float = 0.0,
        index: SentenceIndex | None = None,
        model: AnswerModel | None = None,
    ) -> None:
        self.max_sentences = max_sentences
        self.model = model or load_model()
        self.threshold = threshold  # 0: the fitted thresholds
        self.index = index

    def write(self, question: str, lang: str, passages: list[Passage]) -> Iterator[str | Draft]:
        yield self.answer(question, lang, passages)

    def rewrite(self, question: str, history: Sequence[Turn], lang: str) -> str:
        return ""  # follow-ups are condensed offline (assistant/conversation.py)

    def focus(
        self, question: str, lang: str, passages: list[Passage], budget_tokens: int
    ) -> tuple[float, list[Passage]]:
        """The score of the best sentence that could answer minus the threshold (< 0: too weak),
        and the excerpts a model should read: this answer's sentences, then the next best ones,
        each with the sentence before it (assistant/focus.py)."""
        q = analyse(question, lang)
        ok, margin = self.ranked(q, lang, passages)
        if not ok:
            return margin, passages
        passages = self._read_on(q, ok, passages)
        groups, _ = select(q, lang, ok, passages, self.model, self.max_sentences)
        chosen = [e for g in groups for e in g] + [s.candidate.ev for s in ok]
        return margin, excerpts(chosen, passages, budget_tokens)

    def _read_on(self, q: Question, ok: list[Scored], passages: list[Passage]) -> list[Passage]:
        """For a broad question, the passages and the four chunks after the best sentence's: where
        the sections an overview names go on (assistant/extract/blocks.py, outline)."""
        if not (q.broad and ok and self.index):
            return passages
        best = ok[0].candidate.passage
        ahead = [4 if p.chunk_id == best.chunk_id else 0 for p in passages]
        return passages + chunks_after(self.index.fetch, passages, ahead)

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
        rare = distinctive(a, pool)
        scores = self.model.scores(rows)
        out = [
            Scored(c, float(z), r, held(rare, c), anchored(rare, c))
            for c, z, r in zip(pool, scores, rows)
        ]
        return sorted(out, key=lambda s: -s.z)

    def ranked(self, q: Question, lang: str, passages: list[Passage]) -> tuple[list[Scored], float]:
        """The usable candidates best first, and the best refusal score among them minus the
        threshold that applies (< 0: too weak to answer; about -99 when none is usable)."""
        ok = [s for s in self.score(q, lang, passages) if usable(q, s, lang, self._knowledge)]
        rows = np.stack([s.row for s in ok]) if ok else np.zeros((0, 0))
        threshold = self.threshold or self.model.threshold_for(rows)
        return ok, self.model.evidence(rows) - threshold

    def answer(self, question: str, lang: str, passages: list[Passage]) -> Draft:
        q = analyse(question, lang)
        ok, margin = self.ranked(q, lang, passages)
        if not ok or margin < 0:
            return Draft(
                text=messages.text("abstain", lang),
                citations=(),
                abstained=True,
                evidence_score=margin,
            )
        passages = self._read_on(q, ok, passages)
        groups, differing = select(q, lang, ok, passages, self.model, self.max_sentences)
        verdict = _verdict(q, lang, ok[: self.max_sentences]) if q.yes_no else ""
        # the sources-differ line only for another document's value of the same thing
        slot = q.slot if differing else ""
        return compose(groups, lang, margin, slot, verdict, bullets=q.broad and len(groups) > 1)


def usable(q: Question, s: Scored, lang: str, knowledge: CorpusKnowledge | None = None) -> bool:
    """A sentence that can be an answer at all: no orders to the assistant, no marker posing as
    ours, no pointer to another page, the question's figures and acronyms, and for a question that
    names the fact it wants, that fact."""
    c = s.candidate
    if instruction_like(c.text) or _OUR_MARKER.search(c.text) or _POINTER.search(c.text):
        return False
    if not _namesheld(q, c, knowledge):
        return False
    if not q.specific or fills_any(q, c.text) or c.text.rstrip().endswith(":"):
        return True
    # an item of a list answers 'who' in common nouns too ('- regional organisations;')
    return q.slot in _NAMED and is_item(c.ev)


def _namesheld(q: Question, c: Candidate, knowledge: CorpusKnowledge | None) -> bool:
    """The figures and acronyms the question names are in the sentence or its context: '2019' is not
    answered by a sentence about 2018, 'ICMPD' not by one about the IOM. An acronym counts as held
    where the corpus's expansion of it is written out."""
    held = figures(c.text) | quantities(c.text) | {t for t in c.context if t.isdigit()}
    # a yes/no question's figure is what it asks about ('still running in 2025?'): the sentence
    # that decides it may give another of the same kind ('closed in March 2024')
    if (
        q.numbers
        and not q.numbers <= held
        and not (q.yes_no and _same_kind(q.numbers, held))
        and not _in_passage(q.numbers, c, held)
    ):
        return False
    where = c.own | c.context
    known = knowledge or CorpusKnowledge()
    return all(
        fold(a) in where
        or a.lower() in c.text.lower()
        or any(f.terms <= where for f in known.expansions(a))
        for a in q.acronyms
    )


def _in_passage(asked: frozenset[str], c: Candidate, held: set[str]) -> bool:
    """The question's figures stand in the sentence's passage ('It was opened by …' under 'the
    fourth conference, 24 October 2022'), and the sentence names no other year: a sentence about
    2018 does not answer for 2019."""
    if _years(held) - asked:
        return False
    return asked <= _passage_figures(c.passage.text)


@lru_cache(maxsize=512)
def _passage_figures(text: str) -> frozenset[str]:
    """A passage's figures, once for all its sentences."""
    return frozenset(figures(text))


def _years(held: set[str]) -> set[str]:
    return {x for x in held if _YEAR.fullmatch(x)}


def _same_kind(asked: frozenset[str], held: set[str]) -> bool:
    """The sentence gives a year where the question names one, a number where it names another."""
    years = _years(held)
    return all(bool(years) if _YEAR.fullmatch(a) else bool(held - years) for a in asked)


def _verdict(q: Question, lang: str, best: list[Scored]) -> str:
    """'Yes.' or 'No.' from the first of the best sentences that decides the question and holds all
    of its names (assistant/extract/verdict.py); else the line saying the documents do not say so
    directly: a yes/no question always gets its verdict first."""
    for s in best:
        row = dict(zip(FEATURES, s.row))
        names = min(row["names"], row["hard_names"])
        said = decide(q.text, lang, s.candidate.ev, row["lex"], names)
        if said is not None:
            return messages.text("yes" if said else "no", lang)
    return messages.text("undecided", lang)


__all__ = ["Asked", "ExtractiveAnswerer", "Scored", "SentenceIndex"]
