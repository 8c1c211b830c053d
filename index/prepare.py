"""Documents made ready to embed: boilerplate found across the corpus and removed, chunks cut,
acronyms mined, a title that is not a banner. What a document's preparation depends on is recorded
in the manifest, so an unchanged document is prepared again only when the corpus's boilerplate
changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.acronyms import (
    Definition,
    capitals,
    content_words,
    definitions,
    names,
    translated_definitions,
)
from index.boilerplate import find_boilerplate, line_keys, short_keys
from index.chunk import Chunk, chunk_document
from index.clean import CleanText, clean
from index.config import IndexConfig
from index.load import Document


@dataclass
class Lines:
    """A document's line keys in order and the keys of its short lines: what boilerplate is found
    from."""

    keys: list[str]
    short: set[str]

    @classmethod
    def of(cls, text: str) -> Lines:
        return cls(line_keys(text), {k for k, is_short in short_keys(text).items() if is_short})

    @classmethod
    def recorded(cls, info: dict[str, Any]) -> Lines:
        return cls(str(info.get("lines", "")).split(), set(str(info.get("short", "")).split()))

    def record(self) -> dict[str, str]:
        return {
            "lines": " ".join(k or "-" for k in self.keys),
            "short": " ".join(sorted(self.short)),
        }


@dataclass
class Prepared:
    """A document with its chunks and what the manifest records about its preparation."""

    doc: Document
    chunks: list[Chunk]
    lines: Lines
    dropped: list[str]  # keys of its lines removed as boilerplate
    acronyms: list[list[Any]]  # [acronym, expansion, source start, source end]
    names: list[list[Any]] = field(default_factory=list)  # [capitalised name, occurrences]
    capitals: list[str] = field(default_factory=list)  # words written in capitals only

    def record(self) -> dict[str, Any]:
        return {
            **self.lines.record(),
            "dropped": " ".join(self.dropped),
            "acronyms": self.acronyms,
            "names": self.names,
            "capitals": " ".join(self.capitals),
        }


def boilerplate(lines: dict[str, Lines]) -> frozenset[str]:
    """The boilerplate of a corpus from every document's lines."""
    short: dict[str, bool] = {}
    for record in lines.values():
        short.update(dict.fromkeys(record.short, True))
    docs = {d: [k if k != "-" else "" for k in record.keys] for d, record in lines.items()}
    return find_boilerplate(docs, short)


def dropped(lines: Lines, chrome: frozenset[str]) -> list[str]:
    return sorted({k for k in lines.keys if k in chrome})


def known_acronyms(texts: list[str], recorded: list[list[Any]]) -> dict[str, int]:
    """Acronym -> the number of content words of its expansion, from these texts and the recorded
    definitions: what lets another language's name for it be recognised."""
    known = {str(a[0]): content_words(str(a[1])) for a in recorded}
    for text in texts:
        known |= {d.acronym: content_words(d.expansion) for d in definitions(text)}
    return known


def prepare(
    doc: Document,
    config: IndexConfig,
    chrome: frozenset[str],
    lines: Lines,
    known: dict[str, int] | None = None,
) -> Prepared:
    """Clean without the boilerplate, chunk, mine acronyms; an inferred title is the first heading
    left."""
    cleaned = clean(doc.text, chrome)
    if doc.title_inferred:
        doc.meta["title"] = _title(cleaned) or doc.meta.get("title", doc.doc_id)
    chunks = chunk_document(doc.doc_id, cleaned, config.chunk_tokens, config.chunk_overlap)
    found = definitions(cleaned.text) + translated_definitions(cleaned.text, known or {})
    return Prepared(
        doc,
        chunks,
        lines,
        dropped(lines, chrome),
        [_source(d, cleaned) for d in found],
        names(cleaned.text),
        capitals(cleaned.text),
    )


def _title(cleaned: CleanText) -> str:
    if cleaned.headings:
        return cleaned.headings[0][1][:200]
    first = cleaned.text.strip().split("\n", 1)[0]
    return first[:200]


def _source(d: Definition, cleaned: CleanText) -> list[Any]:
    start, end = cleaned.source_span(d.start, d.end)
    return [d.acronym, d.expansion, start, end]
