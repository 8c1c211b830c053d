"""Sentence splitting of cleaned text, shared by chunking, onboarding and the answerer."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A full stop after these (case-insensitive) does not end a sentence.
_ABBREVIATIONS = {
    "no",
    "nos",
    "e.g",
    "i.e",
    "etc",
    "vs",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "art",
    "para",
    "např",
    "tzv",
    "č",
    "čl",
    "odst",
    "resp",
    "apod",
    "atd",
    "mj",
    "tj",
    "příp",
    "sb",
    "ing",
    "mgr",
}
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"”’)\]]*(?=\s+[\"“„‘(\[]?[A-ZÀ-ŽА-Я0-9])"
    r"|(?<=[a-zà-ž]{3})\.(?=[A-ZÀ-Ž][a-zà-ž])"  # a missing space: "partnerství.Česká"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence as a span of the cleaned text (end exclusive)."""

    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of cleaned text: each line is split at sentence ends, keeping abbreviations
    whole."""
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        start = line_start
        for m in _SENTENCE_END.finditer(line):
            word = re.search(r"([\w.]+)[.!?…]*$", line[: m.start() + 1])
            if (
                word
                and m.group().startswith(".")
                and word.group(1).lower().rstrip(".") in _ABBREVIATIONS
            ):
                continue
            if word and m.group() == "." and re.fullmatch(r"[A-ZÀ-Ž]", word.group(1).rstrip(".")):
                continue  # an initial such as "J."
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
