"""Acronyms and their expansions, mined from the documents at ingest, each with its source span.

Found where the text defines them: "International Centre for Migration Policy Development (ICMPD)",
"ICMPD (International Centre for ...)", "SOM – the Senior Officials' Meeting", in any script. A name
in another language whose initials do not spell the acronym ("Evropská migrační síť (EMN)") counts
once the acronym is defined elsewhere with a name of as many words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that do not give a letter to an acronym (English, Czech, Russian, German, French).
SMALL = frozenset(
    "of the and for on in to & a an at by pro v ve na o z ze a i u k po и в во на по "
    "для "
    "о об от с со к der die das und für von de des du la le et pour".split()
)
_ACRONYM = r"[A-ZÀ-ŽА-ЯЁ][A-ZÀ-ŽА-ЯЁ0-9]{1,9}(?:[ -][A-ZА-ЯЁ]{2,})?"
_PAREN_ACRONYM = re.compile(rf"\(\s*({_ACRONYM})\s*\)")
_ACRONYM_PAREN = re.compile(rf"\b({_ACRONYM})\s*\(([^()]{{4,120}})\)")
_ACRONYM_DASH = re.compile(rf"\b({_ACRONYM})\s+[–—-]\s+(?:the\s+)?([^.;:()\n]{{4,120}})")
_WORD = re.compile(r"[^\W\d_][\w’'\-]*")


@dataclass(frozen=True)
class Definition:
    """`acronym` stands for `expansion`, as the text at [start, end) of the cleaned text says."""

    acronym: str
    expansion: str
    start: int
    end: int


def _letters(acronym: str) -> str:
    return "".join(c.lower() for c in acronym if c.isalpha())


def _initials_match(acronym: str, words: list[str]) -> bool:
    """The words' initials spell the acronym (function words may be skipped, a word may give several
    letters when it is an acronym itself: 'PP DATA')."""
    letters, i = _letters(acronym), 0
    for word in words:
        if (
            i < len(letters)
            and word.isupper()
            and len(word) > 1
            and letters.startswith(word.lower(), i)
        ):
            i += len(word)
        elif i < len(letters) and word[0].lower() == letters[i]:
            i += 1
        elif word.lower() not in SMALL:
            return False
    return i == len(letters)


def _expansion_at(acronym: str, before: str) -> int:
    """Where the words just before '(ACRONYM)' whose initials spell it start; -1 when none do."""
    spans = list(_WORD.finditer(before))[-14:]
    for k in range(len(spans) - 1, -1, -1):
        words = [m.group() for m in spans[k:]]
        if words[0].lower() not in SMALL and _initials_match(acronym, words):
            return spans[k].start()
    return -1


def expansion_before(acronym: str, before: str) -> str:
    """The words just before '(ACRONYM)' whose initials spell it, '' when none do."""
    at = _expansion_at(acronym, before)
    return before[at:].strip(" “”\"',:;–-") if at >= 0 else ""


def _leading_expansion(acronym: str, text: str) -> str:
    """The shortest start of `text` whose initials spell the acronym."""
    spans = list(_WORD.finditer(text))[:14]
    for k in range(1, len(spans) + 1):
        if _initials_match(acronym, [m.group() for m in spans[:k]]):
            return text[: spans[k - 1].end()].strip()
    return ""


def definitions(text: str) -> list[Definition]:
    """Every acronym definition in the text whose initials match."""
    out: list[Definition] = []
    for m in _PAREN_ACRONYM.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 300)
        before = text[line_start : m.start()]
        at = _expansion_at(m.group(1), before)
        if at >= 0:
            expansion = before[at:].strip(" “”\"',:;–-")
            out.append(Definition(m.group(1), expansion, line_start + at, m.end()))
    for pattern in (_ACRONYM_PAREN, _ACRONYM_DASH):
        for m in pattern.finditer(text):
            expansion = _leading_expansion(m.group(1), m.group(2))
            if expansion:
                out.append(
                    Definition(m.group(1), expansion, m.start(), m.start(2) + len(expansion))
                )
    return out


def translated_definitions(text: str, known: dict[str, int]) -> list[Definition]:
    """'Evropská migrační síť (EMN)': for an acronym defined elsewhere with a name of n words
    (`known`), the n words before '(ACRONYM)' when they start with a capital, though their initials
    differ."""
    out: list[Definition] = []
    for m in _PAREN_ACRONYM.finditer(text):
        n = known.get(m.group(1))
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 300)
        before = text[line_start : m.start()]
        if not n or expansion_before(m.group(1), before):
            continue
        words = list(_WORD.finditer(before))
        content = [w for w in words if w.group().lower() not in SMALL]
        if len(content) < n:
            continue
        first = content[-n]
        if first.group()[0].isupper():
            out.append(
                Definition(
                    m.group(1),
                    before[first.start() :].strip(" “”\"',:;–-"),
                    line_start + first.start(),
                    m.end(),
                )
            )
    return out


def content_words(expansion: str) -> int:
    return sum(1 for w in _WORD.findall(expansion) if w.lower() not in SMALL)


_CAPITALISED = re.compile(r"[A-ZÀ-ŽА-ЯЁ][a-zà-žа-яё’'\-]+")
MAX_NAMES = 40  # per document: the names it repeats most


def names(text: str) -> list[list[object]]:
    """The multiword names a document writes with capitals ('European Migration Network',
    'National Contact Point'), most repeated first, each with how often it occurs (a longer name
    counts for the names within it): what an initialism a user types and the corpus never defines
    ('emn', 'pp') can stand for."""
    counts: dict[str, int] = {}
    for segment in _SEGMENT.split(text):
        words = _WORD.findall(segment)
        run: list[str] = []
        for w in [*words, ""]:
            if _CAPITALISED.fullmatch(w) or (run and w.lower() in SMALL and w.islower()):
                run.append(w)
                continue
            for name in _inner_names(run):
                counts[name] = counts.get(name, 0) + 1
            run = []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_NAMES]
    return [[name, n] for name, n in ranked]


_SEGMENT = re.compile(r"[\t\n,;:.!?()\"“”„«»|/]+")


def _inner_names(run: list[str]) -> list[str]:
    """Every stretch of 2–6 capitalised words of a run that starts and ends with one."""
    out = []
    for i, first in enumerate(run):
        if first.lower() in SMALL:
            continue
        for j in range(i + 1, min(len(run), i + 9)):
            inner = run[i : j + 1]
            content = sum(1 for w in inner if w.lower() not in SMALL)
            if run[j].lower() not in SMALL and 2 <= content <= 6:
                out.append(" ".join(inner))
    return out


def initials(name: str) -> str:
    """The letters of a name's content words: 'Prague Process' -> 'pp'."""
    return "".join(w[0].lower() for w in _WORD.findall(name) if w.lower() not in SMALL)


_CAPS = re.compile(r"(?<![\w-])[A-ZÀ-ŽА-ЯЁ]{2,6}(?![\w-])")


def capitals(text: str) -> list[str]:
    """The words a document writes in capitals only ('PP', 'DATA', 'EMN'), each once: a user's
    'pp' is then a written-out initialism, not an ordinary word."""
    return sorted(set(_CAPS.findall(text)))
