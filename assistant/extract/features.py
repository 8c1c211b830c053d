"""The features the offline answerer's model scores a candidate sentence by: how close its meaning
is to the question (sentence vectors), how much of the question's wording and names it holds,
whether it fills the slot the question asks for, and where it was found. Their weights are fitted
(evals/fit.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant import facts
from assistant.evidence import sentences
from assistant.extract.blocks import table_cell
from assistant.extract.candidates import Candidate, terms
from assistant.knowledge import CorpusKnowledge
from assistant.question import FRAME_WORDS, Question, fills
from index.language import analyze, cognate, fold, plain_czech_terms, translit

# fmt: off
FEATURES = (
    "sim", "sim_gap", "sim_z", "sim_rank", "lex_gap",  # compared with the other candidates
    "lex", "lex_ctx", "topic", "names", "hard_names", "figures_own", "slot_q", "slot_ok",
    "slot_miss", "slot_near", "counted_near", "event_clash", "novel_name", "rank", "fragment",
    "length", "list_intro", "specific_intro", "defines", "bias",
    "foreign", "foreign_sim_z",  # a sentence in another language than the question's
    "event_said",  # the sentence itself names the asked event ('launched', 'ended')
)
# fmt: on
# What each score may use (evals/fit.py fits the two on the training sets). Which sentence answers:
# not its length, a property of the sentence alone (with it the Russian "when was the Joint
# Declaration signed?" chose a shorter sentence about a budget). Whether to answer at all: not that
# the best sentence is in another language (that lifts foreign sentences for ranking, and with it
# near-misses in another language were answered).
NOT_RANKING = frozenset({"length"})
NOT_REFUSING = frozenset({"foreign", "foreign_sim_z"})
_IDX = {f: i for i, f in enumerate(FEATURES)}
_START = r"start|begin|began|commenc|launch|found|establish|inaugurat|set up|zahaj|zalo|vznik|spust"
_END = r"ended|finish|conclu|terminat|expir|complet|closed|skonc|ukonc|dokonc|законч|заверш|окончен"


@dataclass(frozen=True)
class Asked:
    """The question as the features need it: its analysis, weighted terms, names and vector."""

    question: Question
    lang: str
    # (term, forms that match it, frame weight)
    terms: tuple[tuple[str, frozenset[str], float], ...]
    names: tuple[tuple[str, bool], ...]  # (a name's key form, hard: an acronym or a number)
    vector: np.ndarray | None


def asked(question: Question, lang: str, vector: np.ndarray | None) -> Asked:
    frame = {t for words in FRAME_WORDS.values() for t in analyze(words, lang)}
    out = []
    for term in dict.fromkeys(analyze(question.text, lang)):
        forms = {term, cognate(term)} - {""}  # an international word meets its other languages
        if lang == "cs" and term.isascii():
            forms |= plain_czech_terms(term)
        out.append((term, frozenset(forms), 0.3 if term in frame else 1.0))
    return Asked(question, lang, tuple(out), tuple(_names(question.text, lang)), vector)


def _names(text: str, lang: str) -> list[tuple[str, bool]]:
    """Acronyms, numbers and capitalised words after the first: what an answer must be about."""
    found = []
    for i, m in enumerate(re.finditer(r"[\w’'-]+", text)):
        word = m.group()
        hard = word.isdigit() or (len(word) > 1 and word.isupper())
        if hard or (i > 0 and word[0].isupper()):
            found += [(t, hard) for t in analyze(word, lang)[:1]]
    return list(dict.fromkeys(found))


_RARE = math.log(5) + 0.5  # the idf of a word in a quarter of the candidates


def _idf(pool: list[Candidate]) -> dict[str, float]:
    df: dict[str, int] = {}
    for c in pool:
        for t in c.own:
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + len(pool) / (1 + n)) + 0.5 for t, n in df.items()}


def _found(name: str, where: frozenset[str], spelled: set[str], knowledge: CorpusKnowledge) -> bool:
    if name in where or name.upper() in spelled:
        return True
    if any(f.terms <= where for f in knowledge.expansions(name.upper())):
        return True
    latin = translit(name)
    return len(latin) >= 5 and any(translit(t)[:5] == latin[:5] for t in where)


def _coverage(a: Asked, where: frozenset[str], idf: dict[str, float]) -> float:
    weights = [(idf.get(t, 2.0) * w, bool(forms & where)) for t, forms, w in a.terms]
    total = sum(w for w, _ in weights)
    return sum(w for w, hit in weights if hit) / total if total else 0.0


def _topic(a: Asked, where: frozenset[str], idf: dict[str, float]) -> float:
    """The share of the question's distinctive words (rare among the candidates, not frame words)
    that the sentence or its context holds: 1 when the question has none."""
    # rare: in at most a quarter of the candidates; a word none of them has weighs half
    rare = [
        (idf.get(t, 1.5), bool(forms & where))
        for t, forms, w in a.terms
        if w == 1.0 and idf.get(t, _RARE) >= _RARE
    ]
    total = sum(v for v, _ in rare)
    return sum(v for v, hit in rare if hit) / total if total else 1.0


def _events(q: Question, text: str) -> tuple[bool, bool]:
    """For a question about a start or an end: whether the sentence says a word of the asked event,
    and whether it says one of the other (both False for any other question)."""
    if not q.event:
        return False, False
    folded = fold(text)
    mine, other = (_START, _END) if q.event == "start" else (_END, _START)
    return bool(re.search(mine, folded)), bool(re.search(other, folded))


def _event_said(q: Question, text: str) -> float:
    """The sentence itself says a word of the asked event ('launched' in 'when was X launched?')."""
    return float(_events(q, text)[0])


def _event_clash(q: Question, text: str) -> float:
    """The sentence says the other event and not the asked one ('when did it end' by a start)."""
    mine, other = _events(q, text)
    return float(other and not mine)


def features(a: Asked, pool: list[Candidate], knowledge: CorpusKnowledge) -> np.ndarray:
    """One row of FEATURES per candidate."""
    idf = _idf(pool)
    sims = np.array(
        [
            float(c.vector @ a.vector) if c.vector is not None and a.vector is not None else 0.0
            for c in pool
        ]
    )
    order = np.argsort(np.argsort(-sims))  # 0 for the closest sentence
    spread = float(sims.std()) or 1.0
    lex = [_coverage(a, c.own | c.context, idf) for c in pool]
    rows = [_row(a, c, knowledge, idf) for c in pool]
    extra = [
        [
            float(sims[i]),
            float(sims[i] - sims.max()),
            float((sims[i] - sims.mean()) / spread),
            1 / (1 + float(order[i])),
            lex[i] - max(lex),
        ]
        for i in range(len(pool))
    ]
    within = _within_language(pool, sims)
    tail = [[*_foreign(a, c, z), _event_said(a.question, c.text)] for c, z in zip(pool, within)]
    out = np.asarray([[*e, *r, *t] for e, r, t in zip(extra, rows, tail)], dtype=np.float64)
    return out.reshape(len(pool), len(FEATURES))


def _within_language(pool: list[Candidate], sims: np.ndarray) -> list[float]:
    """Each sentence's meaning score as a z-score among the sentences of its own language (scores
    across languages run lower, so a foreign sentence is compared with its peers)."""
    out = [0.0] * len(pool)
    for lang in {c.language for c in pool}:
        idx = [i for i, c in enumerate(pool) if c.language == lang]
        group = sims[idx]
        spread = float(group.std()) or 1.0
        for i in idx:
            out[i] = float((sims[i] - group.mean()) / spread)
    return out


def _foreign(a: Asked, c: Candidate, sim_z: float) -> list[float]:
    """For a sentence in another language than the question: that it is, and its meaning score
    among its language's sentences (the wording features say little there); zeros else."""
    return [0.0, 0.0] if c.language == a.lang else [1.0, sim_z]


def _row(a: Asked, c: Candidate, knowledge: CorpusKnowledge, idf: dict[str, float]) -> list[float]:
    """The features of one candidate that do not compare it with the others."""
    q = a.question
    where = c.own | c.context
    spelled = set(knowledge.spelled_out(set(where)))
    found = [(_found(n, where, spelled, knowledge), hard) for n, hard in a.names]
    hard = [f for f, h in found if h]
    slot_ok = float(fills(q, c.text)) if q.specific else 0.0
    return [
        _coverage(a, c.own, idf),
        _coverage(a, where, idf),
        _topic(a, where, idf),
        sum(f for f, _ in found) / len(found) if found else 1.0,
        sum(hard) / len(hard) if hard else 1.0,
        _figures_own(q, c.text),
        float(q.specific),
        slot_ok,
        float(q.specific) * (1 - slot_ok),
        slot_ok * _near(a, c, slot_ok),
        _counted_near(a, c),
        _event_clash(q, c.text),
        float(bool(_novel_names(a, c))) if q.slot in ("person", "place", "role") else 0.0,
        1 / (1 + c.rank),
        float(len(c.text) < 25 or _heading(c.text)),
        min(len(c.text), 400) / 400,
        float((q.listing or q.broad) and _heads_list(c)),
        float(c.text.rstrip().endswith(":") and q.specific),
        _defines(a, c) if q.definition or q.broad else 0.0,
        1.0,
    ]


_COPULA = re.compile(
    r"\s(?:is|are|was|were|je|jsou|byl|byla|bylo|является|являются|был|была|—|–|-)\s", re.IGNORECASE
)


def _defines(a: Asked, c: Candidate) -> float:
    """'X is a …': the words before the sentence's first copula name what the question asks
    about."""
    m = _COPULA.search(c.text[:160])
    if not m:
        return 0.0
    subject = terms(c.text[: m.start()], c.language)
    return float(any(forms & subject for _, forms, w in a.terms if w == 1.0))


def _heads_list(c: Candidate) -> bool:
    """The sentence introduces a list: it ends with ':' or is a heading, and list items follow
    it."""
    cell = table_cell(c.ev)
    if cell is not None:
        return cell[2]  # a table's header cell heads its column
    text = c.text.rstrip()
    if not (text.endswith(":") or _heading(text)):
        return False
    after = sentences(c.passage)[c.ev.position + 1 : c.ev.position + 2]
    return bool(after) and after[0].text.startswith(("-", "–", "•"))


def _figures_own(q: Question, text: str) -> float:
    """The share of the question's figures and acronyms that the sentence itself states (1 if
    none)."""
    wanted = q.numbers | q.acronyms
    if not wanted:
        return 1.0
    held = facts.figures(text) | set(re.findall(r"\b[A-Z][A-Z0-9]{1,9}\b", text))
    return len(wanted & held) / len(wanted)


def _near(a: Asked, c: Candidate, slot_ok: float) -> float:
    """The sentence's figures stand within eight words of a question term (1), or not (0)."""
    if not slot_ok:
        return 0.0
    words = re.findall(r"\w+", c.text)
    hits = [
        i
        for i, w in enumerate(words)
        if any(forms & terms(w, c.language) for _, forms, _ in a.terms)
    ]
    facts = [i for i, w in enumerate(words) if any(ch.isdigit() for ch in w)]
    return float(any(abs(i - j) <= 8 for i in hits for j in facts)) if facts else 0.5


def _counted_near(a: Asked, c: Candidate) -> float:
    """For 'how many X': a figure stands within three words of X (1), or not (0); 0.5 otherwise."""
    if not a.question.counted:
        return 0.5
    wanted = terms(a.question.counted, a.lang)
    words = re.findall(r"[\w.,]+", c.text)
    near = [i for i, w in enumerate(words) if terms(w, c.language) & wanted]
    figures = [i for i, w in enumerate(words) if facts.has_count(w)]
    return float(any(abs(i - j) <= 3 for i in near for j in figures))


def _novel_names(a: Asked, c: Candidate) -> set[str]:
    """Names in the sentence that the question does not use: who or where it says."""
    asked_names = {n for n, _ in a.names} | {t for t, _, _ in a.terms}
    return {n for n in facts.names(c.text) if not terms(n, c.language) & asked_names}


def _heading(text: str) -> bool:
    return len(text) < 70 and not text.startswith("-") and not re.search(r"[.!?;:]$", text)


__all__ = ["FEATURES", "Asked", "asked", "features", "terms", "translit"]
