"""The offline answerer: picks the sentences that answer the question and cites each one exactly."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant import messages
from assistant.evidence import (
    MONTHS,
    Evidence,
    entities,
    instruction_like,
    months,
    numbers,
    sentences,
    years,
)
from assistant.glossary import acronym_expansions, translate_terms
from assistant.question import (
    FRAME_WORDS,
    FREQ_WORDS,
    QuestionType,
    can_answer,
    classify,
    is_specific,
)
from assistant.types import Citation, Draft, Passage, Turn
from assistant.verify import quantities
from index.language import STOPWORDS, analyze, fold, plain_czech_terms

# A question word that no retrieved sentence holds ("on its overview page") weighs this much: wordy questions
# are not refused for their wording, while a missing topic word still costs. Gold set, with the threshold at
# 0.40: fact recall 0.909 → 0.925, false abstention 0.042 → 0.035, unanswerable refused 0.917 either way.
ABSENT_WEIGHT = 0.5
# The least share of the question's distinctive words (weighted) that an answer sentence holds.
TOPIC_SHARE = 0.25
SPECIFIC_TOPIC_SHARE = 0.34


@dataclass(frozen=True)
class Scored:
    evidence: Evidence
    score: float
    coverage: float
    terms: frozenset[str] = frozenset()
    eligible: bool = True  # holds the names and the kind of fact the question asks for


def _concepts(question: str, lang: str) -> list[tuple[str, set[str]]]:
    """Each question term with the forms that count as a match: its glossary translations, and the acronym
    of a name the question spells out ('Directorate-General' is matched by 'DG')."""
    terms = list(dict.fromkeys(analyze(question, lang)))
    plain: dict[str, set[str]] = {}  # a Czech word typed without diacritics: every word it can be
    if lang == "cs":
        for token in re.findall(r"\w+", question):
            variants = plain_czech_terms(token)
            if len(variants) > 1:
                for term in analyze(token, lang):
                    plain.setdefault(term, set()).update(variants)
    short: dict[str, set[str]] = {}
    for acronym, expansions in acronym_expansions().items():
        for expansion in expansions:
            if expansion and expansion <= set(terms):
                for t in expansion:
                    short.setdefault(t, set()).add(acronym)
    return [
        (
            term,
            {
                term,
                *plain.get(term, ()),
                *translate_terms([term, *plain.get(term, ())], lang),
                *short.get(term, ()),
            },
        )
        for term in terms
    ]


def _must_have(
    question: str, lang: str, concepts: list[tuple[str, set[str]]]
) -> list[tuple[int, bool]]:
    """Concepts an answer cannot lack: acronyms, numbers and names (index, always-required?)."""
    out: dict[int, bool] = {}
    for k, m in enumerate(re.finditer(r"[\w’'-]+", question)):
        word = m.group()
        hard = word.isdigit() or (len(word) > 1 and word.isupper())
        name = k > 0 and word[0].isupper() and not word.isupper()
        if not (hard or name):
            continue
        terms = set(analyze(word, lang))
        for i, (term, _) in enumerate(concepts):
            if term in terms:
                out[i] = out.get(i, False) or hard
    return sorted(out.items())


@lru_cache(maxsize=1)
def _frame_terms() -> frozenset[str]:
    return frozenset(t for lang, words in FRAME_WORDS.items() for t in analyze(words, lang))


def _is_heading(text: str) -> bool:
    return len(text) < 70 and not text.startswith("-") and not re.search(r"[.!?;]$", text)


_ANAPHOR = re.compile(
    r"^(it|its|this|these|they|their|such|the project|the initiative|jedná se|tento|tato|toto|tuto|"
    r"tyto|ten|ta|to|jeho|její|jejich)\b",
    re.IGNORECASE,
)


_DEFINITE = re.compile(
    r"^(?:the|this|that|these|those|such)\s+((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)"
)


def _opens_back(text: str) -> bool:
    """The sentence opens with 'It...', 'This project...' or a definite description ('The allocated amount...')."""
    return bool(_ANAPHOR.match(text) or _DEFINITE.match(text[:1].lower() + text[1:]))


def _refers_back(text: str, previous: set[str], lang: str) -> bool:
    """'It...', 'This project...', or a definite description of what the sentence before named ('The allocated
    amount...' after '...DG HOME allocated EUR 2.3 million'): the previous sentence names the subject."""
    if _ANAPHOR.match(text):
        return True
    m = _DEFINITE.match(text[:1].lower() + text[1:])
    return m is not None and bool(set(analyze(m.group(1), lang)) & previous)


def _pool(
    passages: list[Passage],
) -> list[tuple[Evidence, set[str], set[str], set[str], set[str], int]]:
    """Sentences with their own terms, their heading's, weak context (title, publisher, previous sentence)
    and the terms that name their subject (own, heading, title and publisher, and the previous sentence
    when they start with 'It'...)."""
    pool: list[tuple[Evidence, set[str], set[str], set[str], set[str], int]] = []
    index: dict[tuple[str, int, int], int] = {}
    for rank, passage in enumerate(passages):
        plang = passage.language or "en"
        heading = set(analyze(passage.heading, plang))
        title = set(analyze(passage.title, plang)) | _publisher_terms(passage)
        previous: set[str] = set()
        for ev in sentences(passage):
            own = set(analyze(ev.text, plang))
            subject = (
                own
                | heading
                | title
                | (previous if _refers_back(ev.text, previous, plang) else set())
            )
            key = (passage.doc_id, ev.start, ev.end)
            if (
                key in index
            ):  # the same sentence seen in an overlapping chunk: keep the richer context
                i = index[key]
                e, o, h, w, sub, r = pool[i]
                pool[i] = (e, o, h | heading, w | title | previous, sub | subject, r)
            else:
                index[key] = len(pool)
                pool.append((ev, own, heading, title | previous, subject, rank))
            if (
                _is_heading(ev.text) and table_cell(ev) is None
            ):  # table cells keep their section's heading
                heading = own
            previous = own
    _link_neighbours(pool)
    return pool


def _publisher_terms(passage: Passage) -> set[str]:
    """The publisher's name as terms: 'according to the Ministry of the Interior' points at its pages."""
    return set(_analyzed(passage.publisher, passage.language or "en"))


@lru_cache(maxsize=256)
def _analyzed(text: str, lang: str) -> tuple[str, ...]:
    return tuple(analyze(text, lang))


def _link_neighbours(
    pool: list[tuple[Evidence, set[str], set[str], set[str], set[str], int]],
) -> None:
    """A sentence that opens a chunk gets the sentence before it (from another retrieved chunk) as context."""
    order = sorted(range(len(pool)), key=lambda i: (pool[i][0].passage.doc_id, pool[i][0].start))
    for a, b in zip(order, order[1:]):
        before, after = pool[a], pool[b]
        if (
            before[0].passage.doc_id != after[0].passage.doc_id
            or not 0 <= after[0].start - before[0].end <= 10
        ):
            continue
        e, o, h, w, sub, r = after
        back = _refers_back(e.text, before[1], e.passage.language or "en")
        pool[b] = (e, o, h, w | before[1], sub | (before[1] if back else set()), r)


def score_sentences(question: str, lang: str, passages: list[Passage]) -> list[Scored]:
    """Every sentence scored by idf-weighted coverage of the question's concepts (in the sentence, its
    heading, or its weak context), the question type and rank; ineligible ones lack a required fact."""
    qtype = classify(question)
    concepts = _concepts(question, lang)
    pool = _pool(passages)
    if not pool:
        return []
    df: dict[str, int] = {}
    for _, own, _, _, _, _ in pool:
        for t in own:
            df[t] = df.get(t, 0) + 1

    def idf(forms: set[str]) -> float:
        d = max((df.get(f, 0) for f in forms), default=0)
        return math.log(1 + len(pool) / (1 + d)) + 0.5

    twins = set(_translations(passages))
    frame = _frame_terms()
    seen = set().union(*(own | heading | weak for _, own, heading, weak, _, _ in pool))
    # A word no retrieved sentence has ("on its overview page") weighs half: wordy questions are not refused
    # for their wording, while a missing topic word still costs half its weight.
    weights = [
        idf(forms) * (0.3 if term in frame else 1.0) * (1.0 if forms & seen else ABSENT_WEIGHT)
        for term, forms in concepts
    ]
    total = sum(weights) or 1.0
    rare = [
        sum(1 for _, own, _, _, _, _ in pool if forms & own) <= 0.25 * len(pool)
        for _, forms in concepts
    ]
    topic_ids = [i for i, (term, _) in enumerate(concepts) if term not in frame and rare[i]]
    topic = [concepts[i][1] for i in topic_ids]
    present_topic = [i for i in topic_ids if concepts[i][1] & seen]
    must = [(i, hard) for i, hard in _must_have(question, lang, concepts) if hard or rare[i]]
    asked = set().union(*(forms for _, forms in concepts)) if concepts else set()
    translated = {i for i, (term, _) in enumerate(concepts) if translate_terms([term], lang)}
    counted = _counted(question, lang, concepts) if qtype.count else []
    specific = is_specific(qtype)
    one_agent = qtype.who and not _GROUP_WHO.search(
        question
    )  # "who chairs", not "who are the beneficiaries"
    out = []
    expansions = acronym_expansions()
    for ev, own, heading, weak, subject, rank in pool:
        credit = [_credit(term, forms, own, heading, weak, expansions) for term, forms in concepts]
        publisher = _publisher_terms(
            ev.passage
        )  # 'Czech Republic' on every page of the Czech ministry
        by_publisher = publisher - own - heading
        named = [
            _credit(
                concepts[i][0],
                concepts[i][1],
                subject - by_publisher if hard else subject,
                set(),
                set(),
                expansions,
            )
            > 0  # an acronym must be in the text, not only be the publisher's
            for i, hard in must
            if hard or ev.passage.language == lang or i in translated
        ]
        # (a name is matched within its language, or across through the term list: 'Arménií' needs 'Armenia')
        coverage = sum(c * w for c, w in zip(credit, weights)) / total
        score = coverage + _type_bonus(qtype, ev) + 0.1 * (1 - rank / max(1, len(passages)))
        if ev.passage.language == lang:
            score += (
                0.15 if ev.passage.doc_id in twins else 0.03
            )  # cite the asker's language version first
        fragment = len(ev.text) < 25 and not ev.text.startswith("-")
        if fragment:
            score -= 0.1  # headings and fragments make poor answers on their own
        # The question's distinctive words, less its publisher's name: a sentence that holds few of them (on the
        # Czech ministry's page, 'Czech Republic' and 'protection' from its heading, of a question on subsidiary
        # protection) is about something else. A single distinctive word may be a paraphrase. A question that
        # names its fact (how much, how often) needs a third of the distinctive words some retrieved sentence
        # has: '600 000 EUR' supported ('podpořila') an initiative, it is not what the project 'Podpora
        # reintegrace gruzínských navrátilců' cost.
        ids = (
            present_topic if specific else topic_ids
        )  # (words no retrieved text has do not count there)
        ids = [i for i in ids if not concepts[i][1] & publisher]
        antecedent = (
            subject
            - own
            - heading
            - set(_analyzed(ev.passage.title, ev.passage.language or "en"))
            - publisher
            if _opens_back(ev.text)
            else set()
        )
        held = [
            1.0 if concepts[i][1] & antecedent else credit[i] for i in ids
        ]  # 'It is a project...' holds it
        on_topic = len(ids) < 2 or sum(c * weights[i] for c, i in zip(held, ids)) >= (
            SPECIFIC_TOPIC_SHARE if specific else TOPIC_SHARE
        ) * sum(weights[i] for i in ids)
        eligible = (
            on_topic
            and all(named)
            and can_answer(qtype, ev.text)
            and not instruction_like(ev.text)
            and _fact_near_topic(
                qtype, ev, counted or topic, own, subject, heading, 4 if counted else 8
            )
            and (
                not one_agent
                or ev.text.startswith(("“", '"', "„"))
                or _names_someone_new(ev, asked)
            )
            and not (re.search(r"(?:^|\s)\[?\d+\](?=\s|$)", ev.text))
            and not (  # a quoted "[2]" would pose as our citation
                fragment and not qtype.listing
            )
        )
        out.append(Scored(ev, score, coverage, frozenset(own), eligible))
    return sorted(out, key=lambda s: (not s.eligible, -s.score))


_HOW_MANY = re.compile(r"\b(?:how many|number of|kolik(?:a|e|i|u)?|počet|pocet)\b", re.IGNORECASE)


def _counted(question: str, lang: str, concepts: list[tuple[str, set[str]]]) -> list[set[str]]:
    """The thing a 'how many' question counts: the content words right after it, up to two and up to the next
    function word ('how many *pilot projects* is...', 'how many kinds of *outputs* does...')."""
    m = _HOW_MANY.search(question)
    if not m:
        return []
    by_term = dict(concepts)
    frame = _frame_terms()
    terms: list[str] = []
    for word in re.findall(r"[\w-]+", question[m.end() :]):
        analyzed = [t for t in analyze(word, lang) if t in by_term and t not in frame]
        if not analyzed:
            if terms and fold(word) in STOPWORDS:
                break
            continue
        terms += analyzed
        if len(terms) >= 2:
            break
    return [by_term[t] for t in terms[:2]]


_GROUP_WHO = re.compile(
    r"\b(?:who|kdo)\s+(?:are|were|will|would|can|jsou|byli|budou|mohou)\b", re.IGNORECASE
)


def _names_someone_new(ev: Evidence, asked: set[str]) -> bool:
    """A 'who' answer names somebody the question did not (no word in common): 'the working group of the
    European Commission meets every two months' names only what was asked about, so it cannot say who chairs it."""
    plang = ev.passage.language or "en"
    return any(not set(_analyzed(name, plang)) & asked for name in entities(ev.text))


_FACT_TOKEN = re.compile(
    r"^(?:\d[\d.,/]*|one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|"
    r"\w+fold|dva|dvě|tři|čtyři|pět|šest|sedm|osm|devět|deset)$",
    re.IGNORECASE,
)


def _fact_near_topic(
    qtype: QuestionType,
    ev: Evidence,
    topic: list[set[str]],
    own: set[str],
    subject: set[str],
    heading: set[str],
    window: int = 8,
) -> bool:
    """For 'how much / how many / when' questions: the sentence's figure or date stands within a few words
    of what the question is distinctively about, so '4 pilot projects' does not answer 'how many users'.
    A short line under a heading that names the topic, or a sentence whose topic is its antecedent ('It is a
    project ... which commenced in 2013'), counts as about it."""
    if not topic or not (qtype.money or qtype.count or (qtype.date and not qtype.frequency)):
        return True
    plang = ev.passage.language or "en"
    words = re.findall(r"\w+(?:[.,/]\d+)*", ev.text)
    if any(forms & heading for forms in topic) and (ev.text.startswith("-") or len(words) <= 14):
        return True
    if _opens_back(ev.text) and any(forms & (subject - own - heading) for forms in topic):
        return True
    near = [any(forms & set(analyze(w, plang)) for forms in topic) for w in words]
    for i, w in enumerate(words):
        fact = bool(_FACT_TOKEN.match(w)) or (qtype.date and w.lower() in MONTHS)
        reach = (
            2 * window if w.lower().endswith("fold") else window
        )  # "Outputs of the EMN are threefold"
        if fact and any(near[max(0, i - reach) : i + reach + 1]):
            return True
    return False


def _credit(
    term: str,
    forms: set[str],
    own: set[str],
    heading: set[str],
    weak: set[str],
    expansions: dict[str, list[set[str]]],
) -> float:
    """How well a sentence holds one question concept: itself 1, its heading 0.7, its context 0.5."""
    for where, value in ((own, 1.0), (heading, 0.7), (weak, 0.5)):
        if forms & where or any(e and e <= where for e in expansions.get(term, ())):
            return value
    return 0.0


def _type_bonus(qtype: QuestionType, ev: Evidence) -> float:
    bonus = 0.0
    if qtype.date and (years(ev.text) or months(ev.text)):
        bonus += 0.2
    if qtype.number and numbers(ev.text):
        bonus += 0.2
    if qtype.frequency and FREQ_WORDS.search(ev.text):
        bonus += 0.2  # "every 3-5 years" answers "how often", a bare year does not
    if qtype.listing and _introduces_list(ev):
        bonus += 0.35  # the list itself beats sentences that merely mention it
    elif qtype.listing and ev.text.startswith("-"):
        bonus += 0.1
    return bonus


def distinctive_topic(
    question: str, lang: str, scored: list[Scored], max_share: float = 0.25
) -> list[set[str]]:
    """The question's concepts (each a set of forms) that few evidence sentences share: not 'Prague Process'."""
    return [
        forms
        for _, forms in _concepts(question, lang)
        if sum(1 for item in scored if forms & item.terms) <= max_share * max(1, len(scored))
    ]


def _concept_ids(text: str, lang: str, topic: list[set[str]]) -> set[int]:
    terms = set(analyze(text, lang))
    return {i for i, forms in enumerate(topic) if forms & terms}


def topic_years(text: str, topic: list[set[str]], lang: str, window: int = 6) -> set[str]:
    """Years written within `window` words of a question concept: the dates that are about the question."""
    forms = set().union(*topic) if topic else set()
    words = re.findall(r"\w+(?:/\w+)*", text)
    near = [bool(set(analyze(w, lang)) & forms) for w in words]
    out = set()
    for i, w in enumerate(words):
        if re.fullmatch(r"(?:19|20)\d{2}", w) and any(near[max(0, i - window) : i + window + 1]):
            out.add(w)
    return out


def _doc_sentences(best: Evidence, passages: list[Passage]) -> tuple[list[Evidence], int]:
    """The sentences of best's document found in any retrieved chunk, in source order, and best's index."""
    by_start = {
        e.start: e for p in passages if p.doc_id == best.passage.doc_id for e in sentences(p)
    }
    by_start[best.start] = best
    ordered = [by_start[k] for k in sorted(by_start)]
    return ordered, ordered.index(best)


def _announced_count(intro: str) -> int:
    """How many parts an intro line announces ('the following three specific objectives:' -> 3), 0 if none."""
    return max((n for n in map(int, quantities(intro)) if 1 < n <= 12), default=0)


def _list_block(best: Evidence, passages: list[Passage]) -> list[Evidence]:
    """The sentence with what completes it: the intro line and items of a list, the numbered parts an
    intro announces ('the following three objectives:'), or the attribution line after a quotation."""
    all_sents, i = _doc_sentences(best, passages)
    column = _table_column(all_sents, i)
    if column:
        return column
    is_item = [s.text.startswith("-") for s in all_sents]
    if best.text.startswith(("“", '"', "„")):
        after = [s for s in all_sents[i + 1 : i + 3] if s.text.startswith("-") and len(s.text) < 80]
        return [best, *after[:1]]
    if best.text.endswith(":") and i + 1 < len(all_sents) and not is_item[i + 1]:
        lead = " ".join(all_sents[i + 1].text.split()[:2])
        end = i + 1
        while end < len(all_sents) and end - i <= 6 and all_sents[end].text.startswith(lead):
            end += 1
        parts = all_sents[i + 1 : end]
        announced = _announced_count(best.text)
        if (
            announced > len(parts) > 0
        ):  # "three objectives:" whose parts have explanations between them
            later = [s for s in all_sents[end : end + 12] if s.text.startswith(lead)]
            parts += later[: announced - len(parts)]
        return [best, *parts] if parts else [best]
    if _is_heading(best.text) and i + 1 < len(all_sents) and is_item[i + 1]:
        end = i + 1  # a heading with the items under it: "Senior Officials' Meetings" and its tasks
        while end < len(all_sents) and is_item[end]:
            end += 1
        return all_sents[i:end]
    if not is_item[i] and not (
        best.text.endswith(":") and i + 1 < len(all_sents) and is_item[i + 1]
    ):
        return [best]
    start = i
    while start > 0 and is_item[start]:
        start -= 1
    end = i + 1
    while end < len(all_sents) and is_item[end]:
        end += 1
    return all_sents[start:end]


def table_cell(ev: Evidence) -> tuple[int, int, bool] | None:
    """For a sentence that is a cell of a tab-separated table row: (row start offset, column, is a header
    cell: bold or ending with ':'); None for ordinary text."""
    raw, base = ev.passage.raw, ev.passage.start
    at = ev.start - base
    line_start = raw.rfind("\n", 0, at) + 1
    line_end = raw.find("\n", at)
    line = raw[line_start : line_end if line_end >= 0 else len(raw)]
    if "\t" not in line:
        return None
    column = raw[line_start:at].count("\t")
    cell = line.split("\t")[column] if column < len(line.split("\t")) else ""
    header = bool(re.search(r"<(?:b|strong|th)>|\*\*", cell)) or ev.text.rstrip().endswith(":")
    return line_start + base, column, header


def _table_column(all_sents: list[Evidence], i: int) -> list[Evidence]:
    """A header cell of a two-column table ('EU bodies:') with the cells under it in its own column, down to
    the next header or the table's end: the list a reader sees, not the interleaved rows."""
    cell = table_cell(all_sents[i])
    if cell is None or not cell[2]:
        return []
    _, column, _ = cell
    block = [all_sents[i]]
    for ev in all_sents[i + 1 : i + 40]:
        other = table_cell(ev)
        if other is None:
            break
        if other[1] != column:
            continue
        if other[2]:
            break
        block.append(ev)
    return block if len(block) > 1 else []


def _introduces_list(ev: Evidence) -> bool:
    cell = table_cell(ev)
    if cell is not None:
        return cell[2]
    nxt = sentences(ev.passage)[ev.position + 1 : ev.position + 2]
    return (
        ev.text.endswith(":")
        and bool(nxt)
        and (nxt[0].text.startswith("-") or bool(re.search(r"\b(I|1)\b", nxt[0].text)))
    )


def _translations(passages: list[Passage]) -> dict[str, set[str]]:
    links: dict[str, set[str]] = {}
    for p in passages:
        other = p.translation_of
        if other:
            links.setdefault(p.doc_id, set()).add(other)
            links.setdefault(other, set()).add(p.doc_id)
    return links


def threshold_factor(question: str) -> float:
    """A question that names the fact it wants (an amount, a date...) needs less coverage: a sentence that
    holds such a fact about the question's topic is strong evidence already."""
    return 0.6 if is_specific(classify(question)) else 1.0


class ExtractiveAnswerer:
    """Answers from the passages alone: no model call, no invented words."""

    name = "extractive"
    judges_evidence = True

    def __init__(self, max_sentences: int = 4, threshold: float = 0.40) -> None:
        self.max_sentences = max_sentences
        self.threshold = threshold

    def write(self, question: str, lang: str, passages: list[Passage]) -> Iterator[str | Draft]:
        yield self.answer(question, lang, passages)

    def rewrite(self, question: str, history: Sequence[Turn], lang: str) -> str:
        return ""  # follow-ups are condensed offline (assistant/conversation.py)

    def evidence(self, question: str, lang: str, passages: list[Passage]) -> float:
        """How well the best eligible sentence covers the question (0 when none is eligible)."""
        scored = score_sentences(question, lang, passages)
        return scored[0].coverage if scored and scored[0].eligible else 0.0

    def answer(self, question: str, lang: str, passages: list[Passage]) -> Draft:
        scored = score_sentences(question, lang, passages)
        threshold = self.threshold * threshold_factor(question)
        if not scored or not scored[0].eligible or scored[0].coverage < threshold:
            best = scored[0].coverage if scored else 0.0
            return Draft(
                text=messages.text("abstain", lang),
                citations=(),
                abstained=True,
                evidence_score=best,
            )
        chosen = self._select(question, lang, scored, passages, threshold)
        topic = distinctive_topic(question, lang, scored)
        return compose(chosen, lang, scored[0].coverage, topic)

    def _select(
        self,
        question: str,
        lang: str,
        scored: list[Scored],
        passages: list[Passage],
        threshold: float,
    ) -> list[list[Evidence]]:
        qtype = classify(question)
        best = scored[0]
        links = _translations(passages)
        groups: list[list[Evidence]] = []
        used_docs: set[str] = set()
        covered: set[tuple[str, int]] = set()
        floor = max(
            threshold, best.coverage * 0.6
        )  # the threshold this question passed, not the base one
        limit = self.max_sentences + (2 if qtype.listing else 0)
        for item in scored:
            ev = item.evidence
            if len(groups) >= self.max_sentences or item.coverage < floor or not item.eligible:
                break
            if (ev.passage.doc_id, ev.start) in covered:
                continue
            if (
                links.get(ev.passage.doc_id, set()) & used_docs
                and ev.passage.doc_id not in used_docs
            ):
                continue  # the same content in the other language version is already cited
            if groups and item.score < best.score * 0.55:
                break
            ev = _asker_version(ev, lang, links, scored)
            block = _list_block(ev, passages)
            groups.append(block)
            covered.update((e.passage.doc_id, e.start) for e in block)
            used_docs.add(ev.passage.doc_id)
            if sum(len(g) for g in groups) >= limit:
                break
        topic = distinctive_topic(question, lang, scored)
        groups.extend(_conflicting(qtype, scored, groups, floor, topic, links))
        return groups


def _asker_version(
    ev: Evidence, lang: str, links: dict[str, set[str]], scored: list[Scored]
) -> Evidence:
    """The same sentence in the asker's language when its translation was retrieved: a Czech asker reads the
    Czech page's 'započala v únoru 2013', not the English 'commenced in February 2013', even where the term
    list matched the English wording better. Aligned by what translation keeps: its figures and acronyms."""
    twins = links.get(ev.passage.doc_id, set())
    marks = numbers(ev.text) | set(re.findall(r"\b[A-Z]{2,}\b", ev.text))
    if ev.passage.language == lang or not twins or not numbers(ev.text):
        return ev
    for item in scored:
        other = item.evidence
        if (
            other.passage.doc_id in twins
            and other.passage.language == lang
            and item.eligible
            and marks <= numbers(other.text) | set(re.findall(r"\b[A-Z]{2,}\b", other.text))
        ):
            return other
    return ev


def _conflicting(
    qtype: QuestionType,
    scored: list[Scored],
    groups: list[list[Evidence]],
    floor: float,
    topic: list[set[str]],
    links: dict[str, set[str]] | None = None,
) -> list[list[Evidence]]:
    """A sentence from another document (not a translation of a chosen one) that gives a different year for
    the same thing."""
    if not (qtype.date or qtype.number):
        return []
    chosen_docs = {g[0].passage.doc_id for g in groups}
    chosen_docs |= set().union(*((links or {}).get(d, set()) for d in chosen_docs))
    chosen_years = (
        set().union(*(topic_years(e.text, topic, e.passage.language) for g in groups for e in g))
        if groups
        else set()
    )
    extra = []
    for item in scored[:12]:
        ev = item.evidence
        ys = topic_years(ev.text, topic, ev.passage.language)
        if (
            ev.passage.doc_id in chosen_docs
            or not item.eligible
            or item.coverage < floor * 0.9
            or not ys
            or ys <= chosen_years
        ):
            continue
        extra.append([ev])
        break
    return extra


def compose(
    groups: list[list[Evidence]],
    lang: str,
    evidence_score: float,
    topic: list[set[str]] | None = None,
) -> Draft:
    """Text with one [n] per cited span (a list block is one span), citations numbered in order."""
    citations: list[Citation] = []
    parts: list[str] = []
    foreign = {g[0].passage.language for g in groups} - {lang}
    preface = ""
    if foreign and lang in ("cs", "ru", "en"):
        names = ", ".join(messages.language_name(f, lang) for f in sorted(foreign))
        preface = messages.text("foreign_evidence", lang, language=names)
    leads: list[Citation] = []
    for group in groups:
        texts = []
        for run in _runs(group):
            first, last, p = run[0], run[-1], run[0].passage
            citations.append(p.cite(len(citations) + 1, first.start, last.end))
            texts.append("\n".join(e.text for e in run) + f" [{citations[-1].n}]")
        leads.append(citations[-len(texts)])
        parts.append("\n".join(texts))
    conflict = _conflict_line(groups, leads, lang, topic or [])
    if conflict:
        parts.append(conflict)
    text = "\n".join(parts) if any("\n" in p for p in parts) else " ".join(parts)
    text = (
        f"{preface}\n{text}" if preface else text
    )  # on its own line: the checker knows it as ours
    return Draft(text=text, citations=tuple(citations), evidence_score=evidence_score)


def _runs(group: list[Evidence]) -> list[list[Evidence]]:
    """Consecutive sentences from the same chunk: each run is one exact source span, one citation."""
    runs: list[list[Evidence]] = []
    for e in group:
        if runs and runs[-1][-1].passage.chunk_id == e.passage.chunk_id:
            runs[-1].append(e)
        else:
            runs.append([e])
    return runs


def _conflict_line(
    groups: list[list[Evidence]], citations: list[Citation], lang: str, topic: list[set[str]]
) -> str:
    """'The sources differ: A (as of 2018) says 2021 [1]; B (as of 2021) says 2022 [2].'

    Only sentences about the same thing count: they share most of the question's distinctive concepts."""
    by_doc: dict[str, tuple[set[str], Citation]] = {}
    lead: set[int] | None = None
    for group, cit in zip(groups, citations):
        ys = set().union(*(topic_years(e.text, topic, e.passage.language) for e in group))
        if not ys or cit.doc_id in by_doc:
            continue
        ids = set().union(*(_concept_ids(e.text, e.passage.language, topic) for e in group))
        if lead is None:
            lead = ids
        elif len(ids & lead) < max(1, math.ceil(len(lead) * 2 / 3)):
            continue
        by_doc[cit.doc_id] = (ys, cit)
    if len(by_doc) < 2:
        return ""
    all_sets = [ys for ys, _ in by_doc.values()]
    shared = set.intersection(*all_sets)
    distinct = [(ys - shared, cit) for ys, cit in by_doc.values()]
    if sum(1 for ys, _ in distinct if ys) < 2:
        return ""
    items = [
        messages.text(
            "says",
            lang,
            doc=cit.title,
            date=cit.date or "?",
            value=", ".join(sorted(ys, key=lambda y: y)[-1:]),
        )
        + f" [{cit.n}]"
        for ys, cit in distinct
        if ys
    ]
    return messages.text("conflict", lang, items="; ".join(items))
