"""A requested answer language is honoured for English, Czech and Russian and otherwise answered in
the question's language with a notice, never refused; the request does not reach retrieval."""

from __future__ import annotations

import pytest

from assistant.requested import requested_language
from assistant.runtime import Runtime
from assistant.service import ask


@pytest.mark.parametrize(
    ("question", "code", "rest"),
    [
        ("Answer in French: when was PP DATA launched?", "other", "when was PP DATA launched?"),
        ("When was PP DATA launched? Please answer in Czech.", "cs", "When was PP DATA launched?"),
        ("Kdy byl spuštěn PP DATA? Odpověz anglicky", "en", "Kdy byl spuštěn PP DATA?"),
        ("Когда начался PP DATA? Ответь по-русски", "ru", "Когда начался PP DATA?"),
        ("Is the report written in Russian?", "", "Is the report written in Russian?"),
    ],
)
def test_the_request_is_read_off_the_question(question: str, code: str, rest: str) -> None:
    assert requested_language(question) == (code, rest)


def test_answer_in_french_is_answered_in_english_with_a_notice(runtime: Runtime) -> None:
    answer = ask("Answer in French: when was PP DATA officially launched?", runtime=runtime)
    assert not answer.abstained and "1 January 2018" in answer.text
    assert answer.language == "en" and "English, Czech or Russian" in answer.notice


def test_a_czech_question_asking_for_english_is_answered_in_english(runtime: Runtime) -> None:
    answer = ask("Kdy byl oficiálně zahájen projekt PP DATA? Odpověz anglicky", runtime=runtime)
    assert answer.language == "en" and "2018" in answer.text
