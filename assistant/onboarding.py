"""For newcomers: a glossary of acronyms, a timeline of dated events and an overview, all built from
the corpus by code (so they grow with it), every entry citing an exact source span."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.evidence import MONTHS
from assistant.facts import states_event
from assistant.knowledge import CorpusKnowledge
from assistant.settings import Settings
from assistant.types import Citation
from index.acronyms import expansion_before
from index.clean import clean
from index.language import split_sentences
from index.load import iter_corpus, load_document
from index.store import Manifest

# Questions the corpus answers (checked by tests/test_onboarding.py), shown as starters in the chat.
STARTERS = [
    "What is the Prague Process?",
    "When was the Prague Process Joint Declaration signed?",
    "Who hosts the Migration Observatory?",
    "When was PP DATA officially launched?",
    "What are the outputs of the European Migration Network?",
    "Kdy začala implementace projektu ERIS?",
]
OVERVIEW = [  # (section, question) answered by assistant.ask, each statement cited
    ("What it is", "What is the Prague Process?"),
    ("How it started", "When was the Prague Process Joint Declaration signed?"),
    ("Governance", "What are the Senior Officials' Meetings and the Strategic Group?"),
    ("Thematic areas", "What are the thematic areas of the Prague Process Action Plan?"),
    ("Projects", "What is the PP DATA project?"),
]
_SMALL = {"of", "the", "and", "for", "on", "in", "to", "&", "a", "an", "pro", "v", "na", "o"}
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}(?: [A-Z]{2,})?\b")
_PAREN = re.compile(r"\(([A-Z][A-Z0-9]{1,}(?: [A-Z]{2,})?)\)")


@dataclass(frozen=True)
class Term:
    acronym: str
    expansion: str  # empty when the documents use the acronym without defining it
    citation: Citation


@dataclass(frozen=True)
class Event:
    year: int
    month: int
    when: str  # the date as written
    text: str
    citation: Citation


@dataclass(frozen=True)
class Sentence:
    text: str
    citation: Citation


def corpus_sentences(settings: Settings) -> Iterator[Sentence]:
    """Every sentence of every indexed document with its exact source span."""
    manifest = Manifest.load(settings.store_dir)
    indexed = {d["path"] for d in manifest.documents.values()} if manifest else None
    for path in iter_corpus(settings.corpus_dir):
        rel = str(path.relative_to(settings.corpus_dir))
        if indexed is not None and rel not in indexed:
            continue
        try:
            doc = load_document(path, settings.corpus_dir)
        except Exception:  # unreadable files are reported by ingest, not here
            continue
        cleaned = clean(doc.text)
        for s in split_sentences(cleaned.text):
            start, end = cleaned.source_span(s.start, s.end)
            yield Sentence(
                cleaned.text[s.start : s.end],
                Citation(
                    n=0,
                    doc_id=doc.doc_id,
                    title=doc.title,
                    chunk_id="",
                    quote=doc.text[start:end],
                    start=start,
                    end=end,
                    score=1.0,
                    date=str(doc.meta.get("date") or ""),
                    language=doc.language,
                    publisher=str(doc.meta.get("publisher") or ""),
                ),
            )


def starter_questions(runtime: object) -> list[str]:
    """Questions shown before the first one is asked."""
    return list(STARTERS)


def glossary(settings: Settings, knowledge: CorpusKnowledge | None = None) -> list[Term]:
    """Acronyms in the corpus, each with where it is written out: in brackets beside it, else the
    definition or the repeated name its initials spell that ingest found, cited at the first
    sentence (English first) that has it. Currency codes beside an amount, the parts of a legal
    reference ('2008/381/EC') and roman numerals are not terms."""
    sentences = sorted(corpus_sentences(settings), key=lambda s: s.citation.language != "en")
    defined: dict[str, Term] = {}
    used: dict[str, Term] = {}
    for sent in sentences:
        for m in _PAREN.finditer(sent.text):
            acr = m.group(1)
            expansion = expansion_before(acr, sent.text[: m.start()])
            if expansion and acr not in defined:
                defined[acr] = Term(acr, expansion, sent.citation)
        for m in _ACRONYM.finditer(sent.text):
            if len(m.group()) <= 12 and _is_term(sent.text, m):
                used.setdefault(m.group(), Term(m.group(), "", sent.citation))
    if knowledge is None:
        manifest = Manifest.load(settings.store_dir)
        knowledge = CorpusKnowledge.from_manifest(manifest) if manifest else CorpusKnowledge()
    for acr in sorted(used.keys() - defined.keys()):
        name = next((e.text for e in knowledge.expansions(acr)), "")
        where = next((s for s in sentences if name and name in s.text), None)
        if where:
            defined[acr] = Term(acr, name, where.citation)
    terms = dict(used)
    terms.update(defined)
    return sorted(terms.values(), key=lambda t: t.acronym)


def _is_term(text: str, m: re.Match[str]) -> bool:
    before, after = text[: m.start()], text[m.end() :]
    if re.fullmatch(r"[IVXLC]+", m.group()) or re.search(r"[\d/]$", before):
        return False  # 'Part II', '2008/381/EC'
    if len(m.group()) == 3 and (
        re.match(r"\s?\d", after)
        or re.search(r"\d[\d\s,.]*(?:million|billion|mil\.?|mld\.?|млн|млрд)?\s?$", before, re.I)
    ):
        return False  # a currency beside its amount: 'EUR 2.3 million', '2,3 Million EUR'
    return True


_DATE = re.compile(
    r"(?:(\d{1,2})(?:-\d{1,2})?\.?\s+)?(?:([A-Za-záčďéěíňóřšťúůýžÁ-Ž]+)\s+)?"
    r"(?<![\d/])((?:19|20)\d{2})(?![\d/])"  # not a number's part: 'UNSCR 1244/1999', '2008/381/EC"
)


def _when(text: str) -> tuple[int, int, str] | None:
    """The most specific date in a sentence: (year, month or 0, as written)."""
    best: tuple[int, int, str] | None = None
    for m in _DATE.finditer(text):
        month = MONTHS.get((m.group(2) or "").lower(), 0)
        written = m.group(0) if month else m.group(3)
        candidate = (int(m.group(3)), month, written.strip())
        if best is None or (month and not best[1]):
            best = candidate
    return best


def timeline(settings: Settings, language: str = "en") -> list[Event]:
    """Dated events in the corpus (a sentence with a date that says something happened), oldest
    first; a translated page contributes in one language only."""
    manifest = Manifest.load(settings.store_dir)
    skip: set[str] = set()
    if manifest:
        for doc_id, info in manifest.documents.items():
            other = str(info.get("meta", {}).get("translation_of") or "")
            if other:
                pair = {
                    doc_id: info["meta"].get("language"),
                    other: manifest.documents.get(other, {}).get("meta", {}).get("language"),
                }
                keep = next((d for d, lang in pair.items() if lang == language), doc_id)
                skip |= set(pair) - {keep}
    events = []
    for sent in corpus_sentences(settings):
        if sent.citation.doc_id in skip or len(sent.text) < 30:
            continue
        when = _when(sent.text)
        if when and 1990 <= when[0] <= 2100 and states_event(sent.text):
            events.append(Event(when[0], when[1], when[2], sent.text, sent.citation))
    return sorted(events, key=lambda e: (e.year, e.month))


def documents(settings: Settings) -> list[dict[str, object]]:
    """Indexed documents with metadata, chunk counts and when they were indexed."""
    manifest = Manifest.load(settings.store_dir)
    if not manifest:
        return []
    rows = []
    for doc_id, info in sorted(manifest.documents.items()):
        meta = info.get("meta", {})
        rows.append(
            {
                "doc_id": doc_id,
                "title": meta.get("title", doc_id),
                "language": meta.get("language", ""),
                "publisher": meta.get("publisher", ""),
                "date": meta.get("date") or "",
                "chunks": info.get("chunks", 0),
                "indexed_at": info.get("indexed_at", ""),
                "path": info.get("path", ""),
                "translation_of": meta.get("translation_of") or "",
            }
        )
    return rows


def source_path(settings: Settings, rel: str) -> Path:
    return settings.corpus_dir / rel
