"""Checked rewrites: a model's standalone query that loses or invents numbers and acronyms is not
used (the real failures of the local models: an invented year, three organisations dropped), and
retrieval keeps the original question's passages beside a rewrite's."""

from __future__ import annotations

from dataclasses import replace

from conftest import OpenRuntime
from llm_support import misbehaving_server

from assistant.rewrite import faithful, interleaved
from assistant.runtime import Runtime
from assistant.service import ask

CORPUS_WORDS = {"EU", "ERIS", "IOM", "ICMPD", "UNHCR", "PP", "DATA"}


def known(word: str) -> bool:
    return word in CORPUS_WORDS


def test_a_rewrite_that_invents_a_year_is_not_used() -> None:
    question = "Kdo implementuje projekt ERIS?"
    assert not faithful(question, [], "| ERIS | Implementace projektu ERIS | 2019", known)
    assert faithful(question, [], "Kdo implementuje projekt ERIS? | Who implements ERIS?", known)


def test_a_rewrite_that_drops_organisations_is_not_used() -> None:
    question = "Jakou roli mají IOM, ICMPD a UNHCR v Pražském procesu?"
    assert not faithful(question, [], "role of organisations in the Prague Process", known)
    kept = f"{question} | What role do IOM, ICMPD and UNHCR play in the Prague Process?"
    assert faithful(question, [], kept, known)


def test_a_follow_up_may_take_names_from_the_conversation_but_not_unknown_acronyms() -> None:
    history = [
        {"role": "user", "content": "When was PP DATA launched?"},
        {"role": "assistant", "content": "On 1 January 2018 [1]."},
    ]
    assert faithful("Who funds it?", history, "Who funds PP DATA?", known)
    assert not faithful("Who funds it?", history, "Who funds the XYZQ programme?", known)
    assert not faithful("Who funds it?", [], "", known)


def test_interleaved_keeps_the_best_of_both_rankings(runtime: Runtime) -> None:
    first = runtime.search("When was PP DATA officially launched?", k=3)
    second = runtime.search("Who are the members of the European Migration Network?", k=3)
    merged = interleaved(first, second)
    assert len(merged) == 3 and merged[0] == first[0] and merged[1] == second[0]
    assert interleaved(first, first) == first


def test_a_model_rewrite_that_adds_numbers_is_replaced_by_the_offline_one(
    runtime: Runtime, open_runtime: OpenRuntime
) -> None:
    """The scripted server answers every request with the same text, the rewrite request too: as
    a query it would add '1' and '2018' to a Czech question that has neither."""
    script = "PP DATA byl oficiálně zahájen 1. ledna 2018 [1]."
    with misbehaving_server("scripted", script=script) as server:
        settings = replace(
            runtime.settings,
            answerer="openai-compatible",
            llm_base_url=server.url,
            llm_model="m",
            top_k=2,
        )
        answer = ask("Kdy byl oficiálně zahájen projekt PP DATA?", runtime=open_runtime(settings))
    assert len(server.requests) == 2  # the rewrite, then the answer
    assert "2018" not in answer.standalone_question
