"""What a model reads: excerpts of the retrieved passages around the offline scorer's best
sentences, each an exact span of its source, within the token budget."""

from __future__ import annotations

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.context import gather_passages
from assistant.focus import CHARS_PER_TOKEN
from assistant.runtime import Runtime

QUESTION = "When was PP DATA officially launched?"


def _focus(runtime: Runtime, budget: int) -> tuple[list[str], float, list]:
    passages = gather_passages(runtime, QUESTION, "en", "en", 8)
    offline = ExtractiveAnswerer(index=runtime)
    evidence, focused = offline.focus(QUESTION, "en", passages, budget)
    return [p.text for p in passages], evidence, focused


def test_excerpts_are_exact_spans_that_hold_the_answer(runtime: Runtime) -> None:
    whole, evidence, focused = _focus(runtime, 400)
    assert evidence >= 0
    assert "1 January 2018" in focused[0].text  # the offline answer's sentence comes first
    for p in focused:
        assert runtime.document_text(p.doc_id)[p.start : p.end] == p.raw
        assert [p.text[s.start : s.end] for s in p.sentences]  # sentences re-based on the excerpt
        assert all(p.raw[s.source_start - p.start : s.source_end - p.start] for s in p.sentences)
    read = sum(len(p.text) for p in focused)
    assert read < sum(map(len, whole)) / 2
    assert read // CHARS_PER_TOKEN <= 400 + max(len(p.text) for p in focused) // CHARS_PER_TOKEN


def test_a_zero_budget_reads_the_whole_passages(runtime: Runtime) -> None:
    whole, _, focused = _focus(runtime, 0)
    assert [p.text for p in focused] == whole
