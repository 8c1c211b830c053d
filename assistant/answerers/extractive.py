"""The offline answerer: picks the sentences that answer the question and cites each one exactly."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant import messages
from assistant.evidence import Evidence, months, numbers, sentences, years
from assistant.glossary import translate_terms
from assistant.question import QuestionType, classify
from assistant.types import Citation, Passage
from index.keyword import analyze


@dataclass(frozen=True)
class Draft:
    """An answer before verification: text with [n] markers and the citations they point at."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool = False
    evidence_score: float = 0.0
    notice: str = ""


@dataclass(frozen=True)
class Scored:
    evidence: Evidence
    score: float
    coverage: float
    terms: frozenset[str] = frozenset()


def _concepts(question: str, lang: str) -> list[tuple[str, set[str]]]:
    """Each question term with the forms that count as a match (its glossary translations too)."""
    out = []
    for term in dict.fromkeys(analyze(question, lang)):
        out.append((term, {term, *translate_terms([term], lang)}))
    return out


def score_sentences(question: str, lang: str, passages: list[Passage]) -> list[Scored]:
    """Every sentence of the passages scored by idf-weighted concept coverage, question type and rank."""
    qtype = classify(question)
    concepts = _concepts(question, lang)
    pool: list[tuple[Evidence, set[str], int]] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, passage in enumerate(passages):
        for ev in sentences(passage):
            key = (passage.doc_id, ev.start, ev.end)
            if key in seen:
                continue
            seen.add(key)
            pool.append((ev, set(analyze(ev.text, passage.language or "en")), rank))
    if not pool:
        return []
    df: dict[str, int] = {}
    for _, terms, _ in pool:
        for t in terms:
            df[t] = df.get(t, 0) + 1

    def idf(forms: set[str]) -> float:
        d = max((df.get(f, 0) for f in forms), default=0)
        return math.log(1 + len(pool) / (1 + d)) + 0.5

    twins = set(_translations(passages))
    weights = [idf(forms) for _, forms in concepts]
    total = sum(weights) or 1.0
    out = []
    for ev, terms, rank in pool:
        matched = sum(w for (_, forms), w in zip(concepts, weights) if forms & terms)
        coverage = matched / total
        score = coverage + _type_bonus(qtype, ev) + 0.1 * (1 - rank / max(1, len(passages)))
        if ev.passage.language == lang:
            score += 0.15 if ev.passage.doc_id in twins else 0.03  # cite the asker's language version first
        if len(ev.text) < 25 and not ev.text.startswith("-"):
            score -= 0.1  # headings and fragments make poor answers on their own
        out.append(Scored(ev, score, coverage, frozenset(terms)))
    return sorted(out, key=lambda s: -s.score)


def _type_bonus(qtype: QuestionType, ev: Evidence) -> float:
    bonus = 0.0
    if qtype.date and (years(ev.text) or months(ev.text)):
        bonus += 0.2
    if qtype.number and numbers(ev.text):
        bonus += 0.2
    if qtype.listing and (ev.text.startswith("-") or ev.text.endswith(":")):
        bonus += 0.1
    return bonus


def distinctive_topic(question: str, lang: str, scored: list[Scored], max_share: float = 0.25) -> list[set[str]]:
    """The question's concepts (each a set of forms) that few evidence sentences share: not 'Prague Process'."""
    return [forms for _, forms in _concepts(question, lang)
            if sum(1 for item in scored if forms & item.terms) <= max_share * max(1, len(scored))]


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


def _list_block(best: Evidence) -> list[Evidence]:
    """The heading line and list items around a list-like sentence, in source order."""
    all_sents = sentences(best.passage)
    i = best.position
    is_item = [s.text.startswith("-") for s in all_sents]
    if not is_item[i] and not (best.text.endswith(":") and i + 1 < len(all_sents) and is_item[i + 1]):
        return [best]
    start = i
    while start > 0 and is_item[start]:
        start -= 1
    end = i + 1
    while end < len(all_sents) and is_item[end]:
        end += 1
    return all_sents[start:end]


def _translations(passages: list[Passage]) -> dict[str, set[str]]:
    links: dict[str, set[str]] = {}
    for p in passages:
        other = str(p.meta.get("translation_of") or "")
        if other:
            links.setdefault(p.doc_id, set()).add(other)
            links.setdefault(other, set()).add(p.doc_id)
    return links


class ExtractiveAnswerer:
    """Answers from the passages alone: no model call, no invented words."""

    name = "extractive"

    def __init__(self, max_sentences: int = 4, threshold: float = 0.35) -> None:
        self.max_sentences = max_sentences
        self.threshold = threshold

    def answer(self, question: str, lang: str, passages: list[Passage]) -> Draft:
        scored = score_sentences(question, lang, passages)
        if not scored or scored[0].coverage < self.threshold:
            best = scored[0].coverage if scored else 0.0
            return Draft(text=messages.text("abstain", lang), citations=(), abstained=True, evidence_score=best)
        chosen = self._select(question, lang, scored, passages)
        topic = distinctive_topic(question, lang, scored)
        return compose(chosen, lang, scored[0].coverage, topic)

    def _select(self, question: str, lang: str, scored: list[Scored], passages: list[Passage]) -> list[list[Evidence]]:
        qtype = classify(question)
        best = scored[0]
        links = _translations(passages)
        groups: list[list[Evidence]] = []
        used_docs: set[str] = set()
        covered: set[tuple[str, int]] = set()
        floor = max(self.threshold, best.coverage * 0.6)
        limit = self.max_sentences + (2 if qtype.listing else 0)
        for item in scored:
            ev = item.evidence
            if len(groups) >= self.max_sentences or item.coverage < floor:
                break
            if (ev.passage.doc_id, ev.start) in covered:
                continue
            if links.get(ev.passage.doc_id, set()) & used_docs and ev.passage.doc_id not in used_docs:
                continue  # the same content in the other language version is already cited
            if groups and item.score < best.score * 0.55:
                break
            block = _list_block(ev) if qtype.listing or ev.text.startswith("-") else [ev]
            groups.append(block)
            covered.update((e.passage.doc_id, e.start) for e in block)
            used_docs.add(ev.passage.doc_id)
            if sum(len(g) for g in groups) >= limit:
                break
        topic = distinctive_topic(question, lang, scored)
        groups.extend(_conflicting(qtype, scored, groups, floor, topic))
        return groups


def _conflicting(qtype: QuestionType, scored: list[Scored], groups: list[list[Evidence]], floor: float,
                 topic: list[set[str]]) -> list[list[Evidence]]:
    """A sentence from another document that gives a different year for the same thing."""
    if not (qtype.date or qtype.number):
        return []
    chosen_docs = {g[0].passage.doc_id for g in groups}
    chosen_years = set().union(*(topic_years(e.text, topic, e.passage.language) for g in groups for e in g)) \
        if groups else set()
    extra = []
    for item in scored[:12]:
        ev = item.evidence
        ys = topic_years(ev.text, topic, ev.passage.language)
        if ev.passage.doc_id in chosen_docs or item.coverage < floor * 0.9 or not ys or ys <= chosen_years:
            continue
        extra.append([ev])
        break
    return extra


def compose(groups: list[list[Evidence]], lang: str, evidence_score: float, topic: list[set[str]] | None = None) -> Draft:
    """Text with one [n] per cited span (a list block is one span), citations numbered in order."""
    citations: list[Citation] = []
    parts: list[str] = []
    foreign = {g[0].passage.language for g in groups} - {lang}
    if foreign and lang in ("cs", "ru", "en"):
        names = ", ".join(messages.language_name(f, lang) for f in sorted(foreign))
        parts.append(messages.text("foreign_evidence", lang, language=names))
    for group in groups:
        first, last = group[0], group[-1]
        p = first.passage
        quote = p.raw[first.start - p.start : last.end - p.start]
        n = len(citations) + 1
        citations.append(Citation(
            n=n, doc_id=p.doc_id, title=p.title, chunk_id=p.chunk_id, quote=quote, start=first.start,
            end=last.end, score=round(p.score, 4), date=str(p.meta.get("date") or ""),
            language=p.language, publisher=str(p.meta.get("publisher") or ""),
        ))
        if len(group) == 1:
            parts.append(f"{first.text} [{n}]")
        else:
            parts.append("\n".join(e.text for e in group) + f" [{n}]")
    conflict = _conflict_line(groups, citations, lang, topic or [])
    if conflict:
        parts.append(conflict)
    text = "\n".join(parts) if any("\n" in p for p in parts) else " ".join(parts)
    return Draft(text=text, citations=tuple(citations), evidence_score=evidence_score)


def _conflict_line(groups: list[list[Evidence]], citations: list[Citation], lang: str, topic: list[set[str]]) -> str:
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
    items = [messages.text("says", lang, doc=cit.title, date=cit.date or "?",
                           value=", ".join(sorted(ys, key=lambda y: y)[-1:])) + f" [{cit.n}]"
             for ys, cit in distinct if ys]
    return messages.text("conflict", lang, items="; ".join(items))


def is_list_line(text: str) -> bool:
    return bool(re.match(r"^\s*[-•*]\s", text))
