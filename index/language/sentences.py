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
# Of those, the ones a sentence may also end with ("… and so on, etc."): a line ending in one of
# them runs on into the next line only when that line goes on in lower case or with a number.
_MAY_END = {"no", "nos", "etc", "atd", "apod", "aj", "т.д", "т.п", "др", "пр"}
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
    if _final_abbreviation(before):
        return True
    word = re.search(r"([\w.]+)\.$", before)
    if word and re.fullmatch(r"[A-ZÀ-ŽА-ЯЁ]", word.group(1)):
        return True  # an initial such as "J."
    following = line[stop.end() :].lstrip()
    return bool(_ORDINAL.search(before)) and bool(re.match(r"\d", following))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of cleaned text: each line is split at sentence ends; a line that ends in an
    abbreviation ("Council Decision No." / "2008/381/EC …", "např." / "Migrační dialog …") runs
    on into the next one."""
    out: list[Sentence] = []
    pos, carry, may_end = 0, -1, False  # carry: start of a sentence running on from a line above
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if carry >= 0 and (not line.strip() or (may_end and not _goes_on(line))):
            out.append(_trimmed(text, carry, line_start - 1))
            carry = -1
        if not line.strip():
            continue
        start, carry = (carry if carry >= 0 else line_start), -1
        for m in _SENTENCE_END.finditer(line):
            if _continues(line, m):
                continue
            end = line_start + m.end()
            if text[start:end].strip():
                out.append(_trimmed(text, start, end))
            start = end
        if text[start : line_start + len(line)].strip():
            abbreviation = _final_abbreviation(line)
            if abbreviation:
                carry, may_end = start, abbreviation in _MAY_END
            else:
                out.append(_trimmed(text, start, line_start + len(line)))
    if carry >= 0:
        out.append(_trimmed(text, carry, len(text)))
    return out


def ends_in_abbreviation(text: str, following: str = "") -> bool:
    """The text ends with an abbreviation's full stop that does not end the sentence going on with
    `following` ("Council Decision No." + "2008/381/EC", "např." + "Migrační dialog"; but "No." +
    "The process is informal" ends one)."""
    abbreviation = _final_abbreviation(text)
    return bool(abbreviation) and (abbreviation not in _MAY_END or _goes_on(following))


def _final_abbreviation(line: str) -> str:
    """The abbreviation the line ends with ('no', 'např'), or ''."""
    word = re.search(r"([\w.]+)\.$", line.rstrip())
    key = word.group(1).lower().rstrip(".") if word else ""
    return key if key in _ABBREVIATIONS else ""


def _goes_on(line: str) -> bool:
    """The line continues a sentence: it starts in lower case or with a number."""
    first = line.lstrip()[:1]
    return bool(first) and (first.islower() or first.isdigit())


def _trimmed(text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end)
