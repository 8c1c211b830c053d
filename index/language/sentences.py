"""Sentence splitting of cleaned text, shared by chunking, onboarding and the answerer.

Each line is split at sentence ends. General rules of English, Czech and Russian text keep the usual
non-ends whole: abbreviations ("např.", "No.", "т.е."), initials ("J. Novák"), Czech ordinal dates
and numbers ("24. a 25. října", "1. 1. 2023", "§ 12 odst. 3"), and a missing space after a full stop
("partnerství.Česká") still ends a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A full stop after these (case-insensitive) does not end a sentence.
_ABBREVIATIONS = set(
    "no nos e.g i.e etc vs mr mrs ms dr prof st art para fig vol ed eds approx incl cf "
    "např tzv č čl odst resp apod atd mj tj příp sb ing mgr bc phdr judr doc str popř zejm "
    "т.е т.д т.п т.к др пр г гг ст ч п см тыс млн млрд руб им напр".split()
)
# A stop, then (after a space and an opening quote or bracket) what may start a sentence; whether it
# does (a capital or a digit) is checked in Python: a character class of accented capitals would
# also
# hold lowercase letters.
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"”’)\]]*(?=\s+[\"“„‘«(\[]?(\w))"
    r"|(?<=[^\W\d_]{3})\.(?=([^\W\d_])[^\W\d_])"  # a missing space: "partnerství.Česká"
)
# "1. 1. 2023", "24. a 25. října": a day or an ordinal, not the end of a sentence.
_ORDINAL = re.compile(r"(?<![\d.])\d{1,2}\.$")


@dataclass(frozen=True)
class Sentence:
    """A sentence as a span of the cleaned text (end exclusive)."""

    start: int
    end: int


def _continues(line: str, stop: re.Match[str]) -> bool:
    """The stop at `stop` does not end the sentence."""
    nxt = stop.group(1) or stop.group(2)
    if not (nxt.isupper() or nxt.isdigit()):
        return True
    if not stop.group().startswith("."):
        return False
    before = line[: stop.start() + 1]
    word = re.search(r"([\w.]+)\.$", before)
    if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
        return True
    if word and re.fullmatch(r"[A-ZÀ-ŽА-ЯЁ]", word.group(1)):
        return True  # an initial such as "J."
    following = line[stop.end() :].lstrip()
    return bool(_ORDINAL.search(before)) and bool(re.match(r"\d", following))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of cleaned text: each line is split at sentence ends."""
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        start = line_start
        for m in _SENTENCE_END.finditer(line):
            if _continues(line, m):
                continue
            end = line_start + m.end()
            if text[start:end].strip():
                out.append(_trimmed(text, start, end))
            start = end
        if text[start : line_start + len(line)].strip():
            out.append(_trimmed(text, start, line_start + len(line)))
    return out


def _trimmed(text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end)
