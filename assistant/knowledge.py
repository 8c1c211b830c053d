"""What the assistant knows about a corpus, all of it mined from the documents at ingest: the
acronyms
and their expansions in every language the corpus uses, each with the document span that defines
it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.language import analyze, detect_language


@dataclass(frozen=True)
class Expansion:
    """One written-out form of an acronym, where the corpus defines it."""

    text: str
    terms: frozenset[str]  # analysed terms of the text
    doc_id: str
    start: int
    end: int


@dataclass
class CorpusKnowledge:
    """Acronym -> its expansions; and the way back, from an expansion's terms to the acronym."""

    acronyms: dict[str, list[Expansion]] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, manifest: Any) -> CorpusKnowledge:
        out = cls()
        for doc_id, info in sorted(manifest.documents.items()):
            lang = str(info.get("meta", {}).get("language") or "en")
            for acronym, text, start, end in info.get("acronyms", []):
                out.add(str(acronym), str(text), doc_id, int(start), int(end), lang)
        return out

    def add(self, acronym: str, text: str, doc_id: str, start: int, end: int, lang: str) -> None:
        forms = self.acronyms.setdefault(acronym, [])
        terms = frozenset(analyze(text, detect_language(text, lang)))
        if terms and all(f.terms != terms for f in forms):
            forms.append(Expansion(text, terms, doc_id, start, end))

    def expansions(self, acronym: str) -> list[Expansion]:
        return self.acronyms.get(acronym, [])

    def spelled_out(self, terms: set[str]) -> list[str]:
        """Acronyms whose expansion is written out within these terms ('European Migration
        Network')."""
        return [a for a, forms in self.acronyms.items() if any(f.terms <= terms for f in forms)]

    def expand(self, terms: list[str]) -> list[str]:
        """Query terms to add: the expansion of each acronym in the terms, and the acronym of each
        expansion the terms spell out."""
        have = set(terms)
        extra: list[str] = []
        for acronym, forms in self.acronyms.items():
            key = analyze(acronym)[:1]
            if key and key[0] in have:
                extra += [t for f in forms for t in sorted(f.terms)]
            elif any(f.terms <= have for f in forms):
                extra += key
        return [t for t in dict.fromkeys(extra) if t not in have]
