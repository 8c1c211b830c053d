"""What the assistant knows about a corpus, all of it mined from the documents at ingest: the
acronyms and their expansions in every language the corpus uses, each with the document span that
defines it; and the capitalised names the documents repeat, which an initialism a user types and
the corpus never defines ('emn', 'pp') stands for."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from index.acronyms import initials
from index.language import STOPWORDS, analyze, detect_language, translit


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
    names: dict[str, dict[str, int]] = field(default_factory=dict)  # initials -> name -> count
    capitals: set[str] = field(default_factory=set)  # words the corpus writes in capitals only
    # the written-out initialisms, asked for every candidate sentence a question's name is sought in
    _spelled: dict[str, list[Expansion]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_manifest(cls, manifest: Any) -> CorpusKnowledge:
        out = cls()
        for doc_id, info in sorted(manifest.documents.items()):
            lang = str(info.get("meta", {}).get("language") or "en")
            for acronym, text, start, end in info.get("acronyms", []):
                out.add(str(acronym), str(text), doc_id, int(start), int(end), lang)
            for name, count in info.get("names", []):
                named = out.names.setdefault(initials(str(name)), {})
                named[str(name)] = named.get(str(name), 0) + int(count)
            out.capitals.update(str(info.get("capitals", "")).split())
        return out

    def add(self, acronym: str, text: str, doc_id: str, start: int, end: int, lang: str) -> None:
        forms = self.acronyms.setdefault(acronym, [])
        terms = frozenset(analyze(text, detect_language(text, lang)))
        if terms and all(f.terms != terms for f in forms):
            forms.append(Expansion(text, terms, doc_id, start, end))

    def expansions(self, acronym: str) -> list[Expansion]:
        """Where the corpus defines the acronym; else the name its initials stand for."""
        found = self.acronyms.get(acronym, [])
        if found:
            return found
        if acronym not in self._spelled:
            name = self.initialism(acronym)
            self._spelled[acronym] = (
                [Expansion(name, frozenset(analyze(name)), "", 0, 0)] if name else []
            )
        return self._spelled[acronym]

    def initialism(self, word: str) -> str:
        """The capitalised name the corpus repeats whose initials the word spells ('emn' ->
        'European Migration Network'), when one name clearly dominates; '' otherwise. A defined
        acronym is left to its definitions."""
        if word.upper() in self.acronyms or not 2 <= len(word) <= 6 or not word.isalpha():
            return ""
        named = self.names.get(translit(word), {})  # 'пп' spells 'pp'
        counts: dict[str, int] = {}
        for name, count in named.items():  # 'National Contact Points' counts for '… Point'
            base = min((m for m in named if name.startswith(m)), key=len)
            counts[base] = counts.get(base, 0) + count
        merged = sorted(counts.items(), key=lambda kv: -kv[1])
        if not merged or merged[0][1] < 2 or (len(merged) > 1 and merged[1][1] * 2 > merged[0][1]):
            return ""
        return merged[0][0]

    def spell_out(self, text: str, known_word: Callable[[str], bool]) -> str:
        """The question with each initialism the corpus does not define written out after it:
        'kolik statu je v pp' -> 'kolik statu je v pp (Prague Process)'. A word counts as an
        initialism when typed in capitals, or when the corpus has it only in capitals or not at
        all and it is no common word (`known_word`: the corpus's keyword index has it)."""

        def out(m: re.Match[str]) -> str:
            word = m.group()
            typed_caps = word.isupper()
            common = word.lower() in STOPWORDS or (
                known_word(word) and word.upper() not in self.capitals
            )
            if not typed_caps and common:
                return word
            name = self.initialism(word)
            if not name or name.lower() in text.lower():
                return word
            return f"{word} ({name})"

        masked = text  # a defined acronym of several words ('PP DATA', typed 'pp data') is one name
        for acronym in (a for a in self.acronyms if " " in a):
            pattern = r"(?<!\w)" + re.escape(acronym) + r"(?!\w)"
            masked = re.sub(pattern, lambda m: "\0" * len(m.group()), masked, flags=re.IGNORECASE)
        parts, last = [], 0
        for m in re.finditer(r"(?<![\w\0-])[^\W\d_]{2,6}(?![\w\0-])", masked):
            parts += [text[last : m.start()], out(m)]
            last = m.end()
        return "".join(parts) + text[last:]

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
