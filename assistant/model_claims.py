"""Checks for what a model writes, beyond its words being in the source: every one comes from a
hand-judged failure of the local models (evals/datasets/checker_pairs_models.jsonl), and each is a
general rule of how a claim can be worded from a passage yet not be supported by it.

- it states nothing: table cells strung together, a repeated run of words, two words or fewer, or
  only the question's own words back;
- its names and figures are not stated together: "the Ministerial Conferences endorse the results"
  from a passage where the SOM does, "the SOMs meet every 3-5 years" from one where that is the
  Ministerial Conferences. Each name and figure must stand in one sentence, or in one heading with
  the list under it (the cited documents' titles count everywhere)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.claims import quantities
from assistant.evidence import entities
from assistant.layout import is_list_item, short_heading
from index.language import analyze, fold

_WORD = re.compile(r"[^\W\d_]{2,}")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s|\*\*[^*]+\*\*\s*$)|:\s*$")


def states_nothing(text: str, question: str = "") -> bool:
    """The 'sentence' makes no claim: cells strung together ('| Prazskeho procesu | | …'), a run
    of words said twice, two words or fewer with no figure, or nothing the question did not say."""
    plain = text.strip(" .\n")
    if re.search(r"\|\s*\|", plain) or plain.startswith("|"):
        return True
    words = [w.lower() for w in _WORD.findall(plain)]
    if len(words) <= 2 and not re.search(r"\d", plain):
        return True
    runs = [" ".join(words[i : i + 4]) for i in range(len(words) - 3)]
    if len(runs) != len(set(runs)):
        return True
    if question and not re.search(r"\d", plain):
        asked = set(analyze(question)) | set(analyze(fold(question)))
        said = set(analyze(plain)) | set(analyze(fold(plain)))
        return bool(said) and said <= asked
    return False


def windows(passage: str) -> list[str]:
    """The passage as the units a fact is stated in: each sentence of running text, and each
    heading (a '#' line, a line ending in ':', or a short line before a list) together with the
    lines under it."""
    lines = [x.strip() for x in passage.split("\n") if x.strip()]
    out: list[str] = []
    heading = ""
    block: list[str] = []
    for i, line in enumerate(lines):
        follows = lines[i + 1] if i + 1 < len(lines) else ""
        if not is_list_item(line) and (
            _HEADING.search(line) or (short_heading(line) and is_list_item(follows))
        ):
            if heading or block:
                out.append(" ".join([heading, *block]))
            heading, block = line, []
        elif is_list_item(line) or heading:
            block.append(line)
        else:
            out += [s for s in re.split(r"(?<=[.!?])\s+", line) if s]
    if heading or block:
        out.append(" ".join([heading, *block]))
    return out


def _holds(unit: str, names: list[str], figures: set[str]) -> int:
    """How many of the names (every word of each) and figures the unit states."""
    words = set(_WORD.findall(fold(unit).lower()))
    found = sum(all(w in words for w in _WORD.findall(fold(n).lower())) for n in names)
    return found + len(figures & quantities(unit))


def apart(claim: str, passages: Sequence[str], context: str = "") -> str:
    """A name or figure of the claim that no unit of the passages states together with the others
    ('' when one unit holds them all, or the claim has fewer than two)."""
    names, figures = sorted(entities(claim)), quantities(claim)
    if len(names) + len(figures) < 2:
        return ""
    units = [f"{context} {w}" for p in passages for w in windows(p)]
    if any(_holds(u, names, figures) == len(names) + len(figures) for u in units):
        return ""
    best = max(units, key=lambda u: _holds(u, names, figures), default=context)
    missing = [n for n in names if not _holds(best, [n], set())]
    return (missing or sorted(figures - quantities(best)) or names)[0]


def problem(claim: str, passages: Sequence[str], question: str = "", context: str = "") -> str:
    """Why a model's claim, though worded from its passages, is not supported by them; ''."""
    if states_nothing(claim, question):
        return "states nothing: a fragment, or the question's own words"
    missing = apart(claim, passages, context)
    if missing:
        return f"'{missing}' is not stated together with the rest of the claim"
    return ""
