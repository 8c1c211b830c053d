"""Sentences of retrieved passages with their exact source spans, and the facts they state."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Passage

_MONTH_FORMS = {  # month names as written in English, Czech and Russian (all the cases dates use)
    1: "january leden ledna lednu январь января январе",
    2: "february únor února únoru февраль февраля феврале",
    3: "march březen března březnu март марта марте",
    4: "april duben dubna dubnu апрель апреля апреле",
    5: "may květen května květnu май мая мае",
    6: "june červen června červnu июнь июня июне",
    7: "july červenec července červenci июль июля июле",
    8: "august srpen srpna srpnu август августа августе",
    9: "september září сентябрь сентября сентябре",
    10: "october říjen října říjnu октябрь октября октябре",
    11: "november listopad listopadu ноябрь ноября ноябре",
    12: "december prosinec prosince prosinci декабрь декабря декабре",
}
MONTHS = {form: n for n, forms in _MONTH_FORMS.items() for form in forms.split()}
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
                passage.text[span.start : span.end].replace("\n", " "),  # one running on
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
