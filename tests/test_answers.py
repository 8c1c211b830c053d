"""The offline answerer on the real corpus: cited, exact, honest."""

from __future__ import annotations

import pytest

from assistant.errors import AssistantError
from assistant.runtime import get_runtime
from assistant.service import ask
from assistant.settings import Settings
from assistant.types import Answer


def _assert_exact_citations(settings: Settings, answer: Answer) -> None:
    runtime = get_runtime(settings)
    assert answer.citations, answer.text
    for c in answer.citations:
        assert runtime.document_text(c.doc_id)[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.text
    assert all(check.verdict in ("supported", "undetermined") for check in answer.checks), answer.checks


@pytest.mark.parametrize(("question", "must_contain", "doc_id"), [
    ("When was the Prague Process Joint Declaration signed?", "April 2009", "prague-process-overview-en"),
    ("When was PP DATA officially launched?", "1 January 2018", "pp-data-project-en"),
    ("How many participating states does the Prague Process have?", "50", "pp-data-project-en"),
    ("Which Council Decision established the European Migration Network?", "2008/381/EC", "mvcr-european-migration-network-en"),
    ("Who hosts the Migration Observatory?", "ICMPD", "pp-data-project-en"),
])
def test_english_facts_are_answered_with_exact_citations(indexed: Settings, question: str, must_contain: str,
                                                         doc_id: str) -> None:
    answer = ask(question, settings=indexed)
    assert not answer.abstained and answer.language == "en" and answer.backend == "extractive"
    assert must_contain in answer.text
    assert doc_id in {c.doc_id for c in answer.citations}
    _assert_exact_citations(indexed, answer)


def test_list_question_returns_the_list(indexed: Settings) -> None:
    answer = ask("What are the outputs of the European Migration Network?", settings=indexed)
    assert "analytical reports" in answer.text and "studies" in answer.text
    _assert_exact_citations(indexed, answer)


def test_czech_question_answered_in_czech_from_czech_source(indexed: Settings) -> None:
    answer = ask("Kdy začala implementace projektu ERIS?", settings=indexed)
    assert answer.language == "cs" and not answer.abstained
    assert "2013" in answer.text
    assert answer.citations[0].doc_id == "mvcr-international-cooperation-cs"
    _assert_exact_citations(indexed, answer)


def test_czech_question_with_english_only_answer(indexed: Settings) -> None:
    answer = ask("Kdy byla podepsána Společná deklarace Pražského procesu?", settings=indexed)
    assert answer.language == "cs" and "2009" in answer.text
    assert "angličtina" in answer.text  # says the evidence is in English
    _assert_exact_citations(indexed, answer)


def test_conflicting_dates_are_both_shown_with_sources(indexed: Settings) -> None:
    answer = ask("When will the next Ministerial Conference take place?", settings=indexed)
    assert "2021" in answer.text and "2022" in answer.text
    assert {"prague-process-overview-en", "pp-data-project-en"} <= {c.doc_id for c in answer.citations}
    assert "differ" in answer.text


def test_no_false_conflict_for_a_single_dated_fact(indexed: Settings) -> None:
    answer = ask("When was the Prague Process Joint Declaration signed?", settings=indexed)
    assert "differ" not in answer.text


def test_follow_up_uses_the_history(indexed: Settings) -> None:
    history = [{"role": "user", "content": "What is the Migration Observatory?"},
               {"role": "assistant", "content": "It provides evidence-based analysis [1]."}]
    answer = ask("Who hosts it?", history=history, settings=indexed)
    assert "Migration Observatory" in answer.standalone_question
    assert "ICMPD" in answer.text


@pytest.mark.parametrize("question", [
    "What is the asylum recognition rate in Germany in 2023?",
    "How many Ukrainian refugees received temporary protection in Poland?",
    "Jaká je výše sociálních dávek pro žadatele o azyl?",
])
def test_unanswerable_questions_abstain_with_closest_documents(indexed: Settings, question: str) -> None:
    answer = ask(question, settings=indexed)
    assert answer.abstained and not answer.citations
    assert answer.closest_documents
    assert ("do not cover" in answer.text) or ("nepokrývají" in answer.text)


@pytest.mark.parametrize(("question", "message"), [
    ("", "Empty question"), ("   \n\t ", "Empty question"), ("?!...", "no words"),
])
def test_bad_questions_raise_one_line_errors(indexed: Settings, question: str, message: str) -> None:
    with pytest.raises(AssistantError, match=message) as info:
        ask(question, settings=indexed)
    assert "\n" not in str(info.value)


def test_huge_question_is_truncated_with_a_notice(indexed: Settings) -> None:
    answer = ask("What is PP DATA? " + "migration " * 20000, settings=indexed)
    assert "shortened" in answer.notice and len(answer.question) <= indexed.max_question_chars


def test_control_characters_are_ignored(indexed: Settings) -> None:
    answer = ask("When was PP DATA\x00 officially\x07 launched?", settings=indexed)
    assert "2018" in answer.text


def test_table_column_is_listed_without_the_neighbouring_column(indexed: Settings) -> None:
    answer = ask("Which partner organisations participate in the Prague Process?", settings=indexed)
    for name in ("ICMPD", "IOM", "MARRI", "UNHCR"):
        assert name in answer.text
    assert "Sweden" not in answer.text  # the states column beside it is not part of the list
    _assert_exact_citations(indexed, answer)


def test_funds_in_a_who_question_do_not_demand_an_amount(indexed: Settings) -> None:
    answer = ask("Which Directorate-General allocated the funds for PP DATA?", settings=indexed)
    assert not answer.abstained and "DG HOME" in answer.text
    _assert_exact_citations(indexed, answer)


def test_publisher_named_in_the_question_finds_its_document(indexed: Settings) -> None:
    answer = ask("What is the Prague Process according to the Czech Ministry of the Interior?", settings=indexed)
    assert not answer.abstained and "multilateral migration dialogue" in answer.text
    assert answer.citations[0].doc_id == "mvcr-international-cooperation-en"


def test_czech_amount_question_answered_across_languages(indexed: Settings) -> None:
    answer = ask("Jaká částka byla vyčleněna na PP DATA?", settings=indexed)
    assert not answer.abstained and "2,3 Million EUR" in answer.text
    _assert_exact_citations(indexed, answer)


@pytest.mark.parametrize("question", [
    "How many users does the Prague Process e-learning platform have?",  # a figure elsewhere is no answer
    "Kolik lidí pracuje v sekretariátu Pražského procesu?",
    "How many trainings has the Training Academy held?",  # "trainings in line with the six thematic areas"
    "How long does an asylum procedure take in the Czech Republic?",  # a duration needs a span of time
    "Where will the next Ministerial Conference be held?",  # the Bratislava one was not the next one
    "When did the implementation of the ERIS project end?",  # only its start is given
    "What is the total budget of the Target Initiative for Implementation of the Prague Process Action Plan?",
    "In which Czech city was the November 2013 meeting of the Eastern Partnership panel held?",  # a country
    "What official position does Tomas Urubek hold?",  # his name and country, no function
    "Za jakých podmínek lze v České republice udělit doplňkovou ochranu?",  # only 'Czech Republic' matches
    "V jakém roce bylo uzavřeno Partnerství pro mobilitu s Arménií?",  # no English sentence names Armenia
    "Kolik stál projekt Podpora reintegrace gruzínských navrátilců?",  # 600 000 EUR supported something else
])
def test_a_figure_about_something_else_is_not_an_answer(indexed: Settings, question: str) -> None:
    assert ask(question, settings=indexed).abstained


def test_question_in_a_language_the_corpus_lacks_is_answered_in_english_with_a_notice(indexed: Settings) -> None:
    answer = ask("Wann wurde die Gemeinsame Erklärung des Prager Prozesses unterzeichnet?", settings=indexed)
    assert answer.language == "en"
    assert "no documents in this language" in answer.notice


def test_next_conference_is_answered_from_sentences_about_the_next_one(indexed: Settings) -> None:
    answer = ask("When is the next Ministerial Conference planned?", settings=indexed)
    assert not answer.abstained and "2022" in answer.text
    _assert_exact_citations(indexed, answer)


def test_czech_typed_without_diacritics_finds_the_czech_sentence(indexed: Settings) -> None:
    answer = ask("Na jakou problematiku se zameruje projekt, ktery Ceska republika vede v ramci Tematickeho "
                 "programu Evropske komise pro spolupraci se tretimi zememi?", settings=indexed)
    assert not answer.abstained and "integrace cizinců" in answer.text
    assert answer.citations[0].doc_id == "mvcr-international-cooperation-cs"
    _assert_exact_citations(indexed, answer)


def test_announced_parts_are_all_listed_across_their_explanations(indexed: Settings) -> None:
    answer = ask("Jaké jsou tři specifické cíle projektu PP DATA?", settings=indexed)
    for part in ("Specific Objective I:", "Migration Observatory", "Training Academy"):
        assert part in answer.text, answer.text
    _assert_exact_citations(indexed, answer)


def test_when_inside_a_clause_does_not_make_a_date_question(indexed: Settings) -> None:
    answer = ask("What kind of approach did the Prague Process states commit to follow when strengthening their "
                 "co-operation in migration management?", settings=indexed)
    assert not answer.abstained and "pragmatic and operational approach" in answer.text
