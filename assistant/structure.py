"""How the corpus lays its subjects out, found by the shape of the text, for the newcomers'
overview: a short heading with a list under it is a part (a body and its tasks, an area and its
items); a sentence that names several such parts is a structure ('the management structure
encompasses the National Contact Points, the Senior Officials' meetings, …'), shown with each part
and its list. Every line cites its exact source span. Nothing here knows one corpus."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.layout import LIST_ITEM, is_list_item, short_heading
from assistant.onboarding import corpus_documents
from assistant.settings import Settings
from assistant.types import Citation
from index.language import fold, split_sentences


@dataclass(frozen=True)
class Part:
    """A heading and the list under it."""

    name: str  # the heading without what it says in brackets: 'Senior Officials' Meetings'
    heading: str  # as written: 'Senior Officials' Meetings (once a year)'
    items: tuple[str, ...]
    citation: Citation


@dataclass(frozen=True)
class Section:
    title: str  # the heading over the structure, or the part's own heading for a lone list
    intro: str = ""  # the sentence naming the parts
    intro_citation: Citation | None = None
    parts: tuple[Part, ...] = field(default_factory=tuple)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def parts_of(text: str) -> list[tuple[str, int, int, list[str]]]:
    """(heading, start, end, items) of every short heading followed by two or more list items."""
    lines = [(p, s.strip()) for p, s in _lines(text) if s.strip()]
    out = []
    for i, (start, line) in enumerate(lines):
        if not short_heading(line):
            continue
        items = []
        for pos, nxt in lines[i + 1 :]:
            if not is_list_item(nxt):
                break
            items.append((pos, LIST_ITEM.sub("", nxt).strip().rstrip(";.")))
        if len(items) >= 2:
            last_pos, _ = items[-1]
            end = text.find("\n", last_pos)
            end = end if end >= 0 else len(text)
            out.append((line.rstrip(":"), start, end, [t for _, t in items]))
    return out


def _name(heading: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", heading).strip()


@dataclass
class _Doc:
    title: str
    parts: list[Part]
    sentences: list[tuple[str, str, Citation]]  # (the text before it, the sentence, its citation)


def outline(
    settings: Settings, lang: str = "en", about: tuple[str, ...] = (), most: int = 6
) -> list[Section]:
    """The structures of the corpus's documents in `lang` (a sentence naming several parts, with
    each part's list), then lone lists of three items or more from documents whose title names
    one of `about` (all documents when empty). A heading that three or more documents repeat is
    site chrome ('Related pages'), not a part."""
    docs = []
    for doc, cleaned, cite in corpus_documents(settings):
        if doc.language == lang:
            text = cleaned.text
            parts = [Part(_name(h), h, tuple(i), cite(s, e)) for h, s, e, i in parts_of(text)]
            sentences = [
                (text[: x.start], text[x.start : x.end], cite(x.start, x.end))
                for x in split_sentences(text)
            ]
            docs.append(_Doc(doc.title, parts, sentences))
    counts = Counter(h for d in docs for h in {p.heading for p in d.parts})
    structures: list[Section] = []
    lists: list[Section] = []
    for d in docs:
        parts = [p for p in d.parts if counts[p.heading] < 3]
        used: set[str] = set()
        for before, text, citation in d.sentences:
            named = [p for p in parts if fold(p.name).lower() in fold(text).lower()]
            if len(named) >= 2 and not used & {p.name for p in named}:
                line = before.rstrip().rsplit("\n", 1)[-1].strip()
                heading = line if line and len(line.split()) <= 5 else named[0].name
                structures.append(Section(heading, text, citation, tuple(named)))
                used |= {p.name for p in named}
        if not about or any(a in d.title for a in about):
            lists += [
                Section(p.heading, parts=(p,))
                for p in parts
                if p.name not in used and len(p.items) >= 3
            ]
    return (structures + lists)[:most]
