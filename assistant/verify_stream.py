"""Verified streaming: an answer is checked unit by unit while it is written, so nothing reaches
the reader before the checker has seen it. A contradicted unit is never shown, an unverifiable one
is shown flagged with ⚠, and markers are renumbered in order of appearance as units are shown.
A sentence a model wrote without a [n] marker is aligned to the passage that supports it.

The whole-text check (`verify_draft`) is the same machine fed in one piece, so what a stream showed
and what the final answer says are the same text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.claims import (
    CONTRADICTED,
    MARKER,
    SUPPORTED,
    UNDETERMINED,
    UNVERIFIABLE,
    check_claim,
    content_overlap,
    strip_markers,
)
from assistant.layout import is_list_item
from assistant.model_claims import problem
from assistant.types import Citation, Draft, SentenceCheck, Similarity
from assistant.verify import Part, check_unit, complete_parts

_NUMBERED = re.compile(r"\[(\d+)\]")


@dataclass
class Checked:
    """What a verifier has shown so far: the text, the checks, whether anything was removed or
    flagged, and the old → new marker numbers."""

    text: str = ""
    checks: list[SentenceCheck] = field(default_factory=list)
    flagged: bool = False
    order: dict[int, int] = field(default_factory=dict)


class StreamVerifier:
    """feed() takes the answer's text as it is written and returns the checked text that may be
    shown now; close() checks the rest; result() is the final (text, citations, checks, flagged).

    `align`: give unmarked sentences the marker of the passage that supports them (for model-written
    answers; the offline answerer marks every sentence itself). `newline`: join units with a line
    break (True), a space (False), or as the writer separated them (None, while streaming).
    `aliases`: per citation number, other names its passage goes by; `question`: what was asked
    (a model's claim that only says it back states nothing)."""

    def __init__(
        self,
        citations: Sequence[Citation],
        lang: str,
        similarity: Similarity | None = None,
        align: bool = False,
        newline: bool | None = None,
        aliases: dict[int, str] | None = None,
        question: str = "",
    ) -> None:
        self.question = question
        self.by_n = {c.n: c for c in citations}
        # per citation, the names its passage stands for: its title, and the acronyms whose
        # expansion it writes out ('EMN' for a passage on the European Migration Network)
        self.names = {
            n: f"{c.title} {(aliases or {}).get(n, '')}".strip() for n, c in self.by_n.items()
        }
        self.lang, self.similarity, self.align, self.newline = lang, similarity, align, newline
        self.buffer = ""
        self.at_line_start = True  # the buffer begins a line
        self.pending: list[Part] = []  # unmarked parts waiting for the marked line that closes them
        self.done = Checked()

    def feed(self, delta: str) -> str:
        self.buffer += delta
        return self._advance(final=False)

    def close(self) -> str:
        shown = self._advance(final=True)
        rest, self.pending = self.pending, []
        return shown + "".join(self._show(part.text, part.new_line) for part in rest)

    def result(self) -> tuple[str, tuple[Citation, ...], tuple[SentenceCheck, ...], bool]:
        text, checks = self.done.text, tuple(self.done.checks)
        if not strip_markers(text)[1]:
            return text, (), checks, self.done.flagged
        cited = tuple(replace(self.by_n[old], n=new) for old, new in self.done.order.items())
        return text, cited, checks, self.done.flagged

    def _advance(self, final: bool) -> str:
        parts, used = complete_parts(self.buffer, final, self.at_line_start)
        if used:
            self.at_line_start = self.buffer[used - 1] == "\n"
            self.buffer = self.buffer[used:]
        return "".join(self._show(*unit) for part in parts for unit in self._units(part))

    def _units(self, part: Part) -> list[tuple[str, bool]]:
        """The units (text, begins a line) a new complete part closes: split_answer's grouping,
        plus alignment."""
        if part.fixed:
            return [(part.text, part.new_line)]
        if self.align and not MARKER.search(part.text) and not part.text.endswith(":"):
            part = part._replace(text=self._aligned(part.text))
        self.pending.append(part)
        if MARKER.search(part.text) or (self.align and not is_list_item(part.text)):
            unit, self.pending = self.pending, []
            return [("\n".join(p.text for p in unit), unit[0].new_line)]
        return []

    def _aligned(self, sentence: str) -> str:
        """The sentence with the marker of the passage that best supports it; failing that, of the
        passage sharing its words that contradicts it (so the check drops it: a sentence no passage
        supports is better lost than shown against one that says otherwise); else unmarked."""
        best: dict[str, tuple[float, int]] = {}
        for n, c in self.by_n.items():
            verdict = check_claim(sentence, [c.quote], self.lang, self.similarity, self.names[n])
            overlap = content_overlap(sentence, c.quote, self.lang)
            if verdict.verdict in (SUPPORTED, CONTRADICTED) and overlap > 0:
                best[verdict.verdict] = max(best.get(verdict.verdict, (0.0, 0)), (overlap, -n))
        if SUPPORTED in best:
            n = -best[SUPPORTED][1]
        elif CONTRADICTED in best:
            n = -best[CONTRADICTED][1]
        else:
            return sentence
        if sentence[-1] in ".!?":
            return f"{sentence[:-1]} [{n}]{sentence[-1]}"
        return f"{sentence} [{n}]"

    def _check(self, unit: str) -> SentenceCheck:
        return check_unit(
            unit,
            {n: c.quote for n, c in self.by_n.items()},
            self.lang,
            self.similarity,
            self.names,
        )

    def _show(self, unit: str, new_line: bool) -> str:
        if not re.search(r"\w", MARKER.sub("", unit)):
            return ""  # markers alone ('[1][2][3]' after a list) state nothing
        check = self._check(unit)
        if self.align and check.verdict not in (SUPPORTED, UNDETERMINED) and "\n" not in unit:
            # a model's sentence its own marker does not support: cited to the passage that does,
            # or dropped when one it shares words with says otherwise
            plain = MARKER.sub("", unit).strip()
            repaired = self._aligned(plain) if plain else plain
            if repaired != plain:
                unit, check = repaired, self._check(repaired)
        if self.align and check.citations and check.verdict in (SUPPORTED, UNDETERMINED):
            # a model's claim: the stricter checks too
            cited = [self.by_n[n].quote for n in strip_markers(unit)[1] if n in self.by_n]
            names = " ".join(self.names[n] for n in strip_markers(unit)[1] if n in self.names)
            why = problem(MARKER.sub("", unit).strip(), cited, self.question, names)
            if why:
                check = replace(check, verdict=UNVERIFIABLE, reason=why)
        done = self.done
        done.checks.append(check)
        if check.verdict == CONTRADICTED:
            done.flagged = True
            return ""
        unit = re.sub(
            r"\s*\[(\d+)\]", lambda m: m.group(0) if int(m.group(1)) in self.by_n else "", unit
        )
        if check.verdict not in (SUPPORTED, UNDETERMINED):
            unit, done.flagged = f"⚠ {unit}", True
        for m in _NUMBERED.finditer(unit):
            done.order.setdefault(int(m.group(1)), len(done.order) + 1)
        unit = _NUMBERED.sub(lambda m: f"[{done.order[int(m.group(1))]}]", unit)
        newline = new_line if self.newline is None else self.newline
        shown = ("\n" if newline else " ") + unit if done.text else unit
        done.text += shown
        return shown


def checked_whole(
    draft: Draft, lang: str, similarity: Similarity | None = None, align: bool = False
) -> StreamVerifier:
    """A whole draft (the offline answerer's) through the checker in one piece; an abstention has
    nothing to check."""
    verifier = StreamVerifier(draft.citations, lang, similarity, align, "\n" in draft.text)
    if not draft.abstained:
        verifier.feed(draft.text)
        verifier.close()
    return verifier


def verify_draft(
    draft: Draft, lang: str, similarity: Similarity | None = None, align: bool = False
) -> tuple[str, tuple[Citation, ...], tuple[SentenceCheck, ...], bool]:
    """Check every sentence of a whole draft against what it cites: drop contradicted ones and
    dangling markers, flag the unverifiable with ⚠, keep only the citations still used, renumbered
    in order of appearance. Returns (text, citations, checks, whether anything was removed or
    flagged)."""
    return checked_whole(draft, lang, similarity, align).result()
