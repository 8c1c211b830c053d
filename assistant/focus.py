"""What a model reads: excerpts of the retrieved passages around the sentences the offline scorer
ranks best, not the whole chunks.

A small local model reads its prompt at a few hundred tokens a second on two cores, so eight whole
chunks cost seconds before the first word, and most of their sentences are about something else.
The offline answer's own sentences (with their lists) come first, then further sentences by rank,
each with the sentence before it (which often names what it is about), merged into contiguous runs
of their passage, until a budget of tokens is spent. Each excerpt is a `Passage` of its own with
exact source offsets, so a model's citation points at the span it read.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.evidence import Evidence
from assistant.types import Passage, SentenceSpan

CHARS_PER_TOKEN = 4  # close enough for a budget in English, Czech and Russian subword tokens


def excerpts(chosen: list[Evidence], passages: list[Passage], budget_tokens: int) -> list[Passage]:
    """The runs of sentences around `chosen` (best first), as passages, within the budget; the
    passages themselves when nothing was chosen."""
    if not chosen or budget_tokens <= 0:
        return passages
    picked: dict[str, set[int]] = {}
    order: list[str] = []
    spent = 0
    for ev in chosen:
        key = ev.passage.chunk_id
        have = picked.setdefault(key, set())
        new = {i for i in (ev.position - 1, ev.position) if i >= 0} - have
        cost = sum(_length(ev.passage, i) for i in new) // CHARS_PER_TOKEN
        if spent and spent + cost > budget_tokens:
            break
        have |= new
        spent += cost
        if key not in order:
            order.append(key)
    by_chunk = {p.chunk_id: p for p in passages} | {e.passage.chunk_id: e.passage for e in chosen}
    return [run for key in order for run in _runs(by_chunk[key], sorted(picked[key]))]


def _length(p: Passage, i: int) -> int:
    span = p.sentences[i]
    return span.end - span.start


def _runs(p: Passage, positions: list[int]) -> list[Passage]:
    """Consecutive positions (a gap of one sentence is bridged) as excerpts of the passage."""
    runs: list[list[int]] = []
    for i in positions:
        if runs and i - runs[-1][-1] <= 2:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [_excerpt(p, run[0], run[-1]) for run in runs]


def _excerpt(p: Passage, first: int, last: int) -> Passage:
    """Sentences first..last of a passage as a passage of their own (same document facts)."""
    a, b = p.sentences[first], p.sentences[last]
    spans = tuple(
        SentenceSpan(s.start - a.start, s.end - a.start, s.source_start, s.source_end)
        for s in p.sentences[first : last + 1]
    )
    return replace(
        p,
        text=p.text[a.start : b.end],
        raw=p.raw[a.source_start - p.start : b.source_end - p.start],
        start=a.source_start,
        end=b.source_end,
        sentences=spans,
    )
