"""Sentences of retrieved passages with their exact source spans, and the facts they state."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Passage

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "leden": 1,
    "ledna": 1,
    "lednu": 1,
    "únor": 2,
    "února": 2,
    "únoru": 2,
    "březen": 3,
    "března": 3,
    "březnu": 3,
    "duben": 4,
    "dubna": 4,
    "dubnu": 4,
    "květen": 5,
    "května": 5,
    "květnu": 5,
    "červen": 6,
    "června": 6,
    "červnu": 6,
    "červenec": 7,
    "července": 7,
    "červenci": 7,
    "srpen": 8,
    "srpna": 8,
    "srpnu": 8,
    "září": 9,
    "říjen": 10,
    "října": 10,
    "říjnu": 10,
    "listopad": 11,
    "listopadu": 11,
    "prosinec": 12,
    "prosince": 12,
    "prosinci": 12,
}
_NUMBER = re.compile(
    r"(?<![\w/])\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d+)?(?!\d)|(?<![\w/])\d+(?:[.,]\d+)?(?!\d)"
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Evidence:
    """One sentence of a passage: cleaned text for reading, source span for citing."""

    text: str
    quote: str  # equals the source text between start and end
    start: int
    end: int
    passage: Passage
    position: int  # index of the sentence in its passage


def sentences(passage: Passage) -> list[Evidence]:
    out = []
    for i, span in enumerate(passage.sentences):
        quote = passage.raw[span.source_start - passage.start : span.source_end - passage.start]
        out.append(
            Evidence(
                passage.text[span.start : span.end],
                quote,
                span.source_start,
                span.source_end,
                passage,
                i,
            )
        )
    return out


def numbers(text: str) -> set[str]:
    """Numbers normalised: '600 000' → '600000', '2,3' → '2.3'."""
    out = set()
    for m in _NUMBER.finditer(text):
        value = re.sub(r"[ \u00a0]", "", m.group()).replace(",", ".")
        out.add(value.rstrip("0").rstrip(".") if "." in value else value.lstrip("0") or "0")
    return out


def years(text: str) -> set[str]:
    return set(re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text))


def months(text: str) -> set[int]:
    return {MONTHS[w] for w in _WORD.findall(text.lower()) if w in MONTHS}


def entities(text: str) -> set[str]:
    """Acronyms and capitalised names not at a sentence start (a cheap offline NER)."""
    found = set(re.findall(r"\b[A-Z][A-Z0-9]{1,}(?:[- ][A-Z]{2,})*(?:-[A-Z][a-z]+)?\b", text))
    for m in re.finditer(
        r"(?<=[\w,;:] )([A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ][a-záčďéěíňóřšťúůýž]+(?: "
        r"[A-ZÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ][a-záčďéěíňóřšťúůýž]+)*)",
        text,
    ):
        found.add(m.group(1))
    return found


_SMALL = {"of", "the", "and", "for", "on", "in", "to", "&", "a", "an", "pro", "v", "na", "o"}


def expansion_for(acronym: str, before: str) -> str:
    """The words just before '(ACRONYM)' whose initials spell it, e.g. 'European Migration Network'
    for EMN."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    spans = list(re.finditer(r"[\w’'\-]+", before))[-12:]
    i, start = len(letters) - 1, None
    for j in range(len(spans) - 1, -1, -1):
        w = spans[j].group()
        if i < 0:
            break
        if w.lower() in _SMALL:
            continue
        if w.isupper() and len(w) > 1 and "".join(letters[i - len(w) + 1 : i + 1]) == w.lower():
            i, start = i - len(w), j
        elif w[0].lower() == letters[i]:
            i, start = i - 1, j
        else:
            return ""
    if i >= 0 or start is None:
        return ""
    return before[spans[start].start() :].strip(" “”\"',:;")


# Text in a passage that speaks to the assistant rather than about the world: withheld from the
# model.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules)\b"
    r"|^\W*(system|assistant|developer)\s*:|\byou are now\b"
    r"|\byour (only |sole |new )?(answer|reply|response|task|role|instructions?)\b",
    re.IGNORECASE,
)


def instruction_like(sentence: str) -> bool:
    """A sentence that gives the assistant orders or a role (a prompt injection), not a fact."""
    return bool(_INSTRUCTION.search(sentence))
