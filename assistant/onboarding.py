"""For newcomers: a glossary of acronyms, a timeline of dated events and an overview, all built from
the corpus by code (so they grow with it), every entry citing an exact source span."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from assistant.evidence import MONTHS
from assistant.facts import states_event
from assistant.knowledge import CorpusKnowledge
from assistant.settings import Settings
from assistant.types import Citation
from index import texts
from index.access import may_read
from index.acronyms import expansion_before
from index.clean import CleanText, clean
from index.language import split_sentences
from index.load import Document, iter_corpus, load_document
from index.store import Manifest

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


def corpus_documents(
    settings: Settings,
) -> Iterator[tuple[Document, CleanText, Callable[[int, int], Citation]]]:
    """Every indexed document, its cleaned text, and how to cite a span of that cleaned text (the
    citation carries the exact span of the source file)."""
    manifest = Manifest.load(settings.store_dir)
    indexed = {d["path"]: d for d in manifest.documents.values()} if manifest else None
    for path in iter_corpus(settings.corpus_dir):
        rel = str(path.relative_to(settings.corpus_dir))
        if indexed is not None and rel not in indexed:
            continue
        kept = texts.load(settings.store_dir, str(indexed[rel]["sha256"])) if indexed else None
        try:
            doc = load_document(path, settings.corpus_dir, text=kept)  # a scan is not OCR'd again
        except Exception:  # unreadable files are reported by ingest, not here
            continue
        cleaned = clean(doc.text)
        yield doc, cleaned, partial(_cite, doc, cleaned)


def _cite(doc: Document, cleaned: CleanText, start: int, end: int) -> Citation:
    source_start, source_end = cleaned.source_span(start, end)
    return Citation(
        n=0,
        doc_id=doc.doc_id,
        title=doc.title,
        chunk_id="",
        quote=doc.text[source_start:source_end],
        start=source_start,
        end=source_end,
        score=1.0,
        date=str(doc.meta.get("date") or ""),
        language=doc.language,
        publisher=str(doc.meta.get("publisher") or ""),
    )


def corpus_sentences(settings: Settings) -> Iterator[Sentence]:
    """Every sentence of every indexed document with its exact source span."""
    for _, cleaned, cite in corpus_documents(settings):
        for s in split_sentences(cleaned.text):
            yield Sentence(cleaned.text[s.start : s.end], cite(s.start, s.end))


def subjects(documents: dict[str, Any], knowledge: CorpusKnowledge, k: int = 3) -> list[str]:
    """What the corpus is about: the repeated capitalised names that document titles carry, most
    repeated first (a name inside a longer one that is almost as frequent gives way to it)."""
    counts: dict[str, int] = {}
    for named in knowledge.names.values():
        for name, n in named.items():
            if len(name.split()) >= 2:
                counts[name] = counts.get(name, 0) + n
    longer = {
        name
        for name in counts
        if any(
            name in other and other != name and 5 * counts[other] >= 4 * counts[name]
            for other in counts
        )
    }
    titles = " ".join(str(d.get("meta", {}).get("title", "")) for d in documents.values())
    titled = [n for n in counts if n not in longer and n in titles and n[-1].isalnum()]
    ranked = sorted(
        (
            n
            for n in titled
            if not any(n in o and n != o and 2 * counts[o] >= counts[n] for o in titled)
        ),
        key=lambda n: -counts[n],
    )
    return ranked[:k]


def _what_is(name: str) -> str:
    head = re.split(r"\s(?:on|of|for|in|to|and|with)\s", name)[0].split()[-1]
    plural = head.endswith("s") and not head.endswith("ss")
    return f"What {'are' if plural else 'is'} the {name}?"


def defined_acronyms(knowledge: CorpusKnowledge, k: int = 2) -> list[str]:
    """The acronyms the corpus writes out in the most documents."""
    forms = knowledge.acronyms
    return sorted(forms, key=lambda a: (-len({e.doc_id for e in forms[a]}), a))[:k]


def starter_questions(settings: Settings) -> list[str]:
    """Questions shown before the first one is asked, made from the corpus: what its main
    subjects and its most defined acronyms are (from the manifest alone: no model needed)."""
    manifest = Manifest.load(settings.store_dir)
    if not manifest:
        return []
    knowledge = CorpusKnowledge.from_manifest(manifest)
    names = subjects(manifest.documents, knowledge)
    acronyms = [a for a in defined_acronyms(knowledge, 3) if a not in " ".join(names)]
    return [_what_is(n) for n in names] + [f"What is {a}?" for a in acronyms[:3]]


def overview_questions(runtime: Any) -> list[tuple[str, str]]:
    """(section, question) pairs of the overview: one per main subject of the corpus."""
    names = subjects(runtime.manifest.documents, runtime.knowledge, 4)
    return [(name, _what_is(name)) for name in names]


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


def documents(settings: Settings, groups: tuple[str, ...] | None = None) -> list[dict[str, object]]:
    """Indexed documents with metadata, chunk counts and when they were indexed: those a reader in
    `groups` may read (None: all)."""
    manifest = Manifest.load(settings.store_dir)
    if not manifest:
        return []
    rows = []
    for doc_id, info in sorted(manifest.documents.items()):
        meta = info.get("meta", {})
        if not may_read(meta, groups):
            continue
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
                "groups": ", ".join(meta.get("groups") or []) or "public",
            }
        )
    return rows


def source_path(settings: Settings, rel: str) -> Path:
    return settings.corpus_dir / rel
