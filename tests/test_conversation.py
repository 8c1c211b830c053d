"""Follow-ups made standalone from the turns before them, and the chat's stored turns."""

from __future__ import annotations

from assistant.conversation import Conversation, condense, is_follow_up
from assistant.types import Turn


def _turns(question: str, answer: str) -> list[Turn]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


LISTED = _turns(
    "What are the outputs of the network?",
    "The network produces:\n- analytical reports [1]\n- studies [1]\n- a glossary [2]",
)


def test_an_ordinal_names_the_item_of_the_list_before() -> None:
    # the item, and what the list was of
    assert condense("What does the second one cover?", LISTED) == (
        "What does studies cover (outputs network)?"
    )
    assert "a glossary" in condense("and the last one?", LISTED)
    assert "analytical reports" in condense("Co obsahuje první z nich?", LISTED)


def test_an_ordinal_beyond_the_list_is_left_to_the_subject_rule() -> None:
    out = condense("What does the sixth one cover?", LISTED)
    assert "sixth" in out and "analytical reports" not in out


def test_an_elliptic_year_replaces_the_year_of_the_question_before() -> None:
    history = _turns("How many asylum applications were lodged in 2021?", "About 1,000 [1].")
    assert condense("and in 2022?", history) == (
        "How many asylum applications were lodged in 2022?"
    )
    assert condense("а в 2022?", history).endswith("in 2022?")


def test_an_elliptic_part_without_a_year_is_added_to_the_question_before() -> None:
    history = _turns("How many applications were lodged in 2021?", "About 1,000 [1].")
    out = condense("and according to Eurostat?", history)
    assert out.startswith("How many applications were lodged in 2021") and "Eurostat" in out


def test_a_pronoun_takes_the_subject_of_the_question_before() -> None:
    history = _turns("What is the Prague Process?", "A migration dialogue [1].")
    out = condense("Who hosts its secretariat?", history)
    assert out.startswith("Who hosts its secretariat") and "Prague Process" in out
    ru = _turns("Что такое Пражский процесс?", "Диалог по миграции [1].")
    assert "Пражский" in condense("Кто его возглавляет?", ru)


def test_a_question_with_its_own_subject_is_left_alone() -> None:
    history = _turns("What is the Prague Process?", "A migration dialogue [1].")
    question = "When did the European Migration Network publish its first annual report on asylum?"
    assert not is_follow_up(question, history)
    assert condense(question, history) == question
    assert condense("Who hosts it?", []) == "Who hosts it?"


def test_conversation_keeps_questions_until_they_are_answered() -> None:
    messages: list[dict[str, object]] = []
    chat = Conversation(messages)  # type: ignore[arg-type]
    chat.add_question("What is the Prague Process?")
    chat.add_question("Who hosts it?")  # sent while the first answer was still coming
    assert chat.unanswered(0) and chat.unanswered(1)
    chat.record(0, "A migration dialogue [1].")
    assert not chat.unanswered(0) and chat.unanswered(2)
    assert chat.history(2) == [
        {"role": "user", "content": "What is the Prague Process?"},
        {"role": "assistant", "content": "A migration dialogue [1]."},
    ]


def test_an_ordinal_counts_the_numbered_items_written_inline() -> None:
    history = _turns(
        "What are the thematic areas?",
        "There are six: 1) illegal migration; 2) integration; 3) return & reintegration; "
        "4) migration, mobility & development; 5) legal migration; 6) asylum.",
    )
    assert condense("what's the fifth one exactly?", history) == (
        "what's legal migration exactly (thematic areas)?"
    )
    assert "mobility & development" in condense("and the fourth one?", history)


def test_a_bare_noun_asks_another_thing_of_the_same_subject() -> None:
    """'а бюджет?' after a question about when PP DATA started asks for the budget of PP DATA: the
    'when' of the question before must not come along."""
    history = _turns("когда стартовал проект PP DATA?", "1 января 2018 [1].")
    out = condense("а бюджет?", history)
    assert "PP DATA" in out and "когда" not in out and "бюджет" in out


def test_one_capitalised_word_is_not_the_whole_subject() -> None:
    history = _turns(
        "Kdo je českým národním kontaktním místem Evropské migrační sítě?", "Odbor [1]."
    )
    out = condense("A kdy byla ta síť oficiálně zřízena?", history)
    assert "Evropské migrační sítě" in out


def test_an_ordinal_item_keeps_what_the_list_was_of() -> None:
    """'the third one' of the Budapest Process's conferences is Prague (1997) of the Budapest
    Process; an eighth step is counted in Czech too, and the item loses its own ordinal word."""
    history = _turns(
        "List the ministerial conferences of the Budapest Process.",
        "Berlin (1991), Budapest (1993), Prague (1997), Rhodes (2003) and Istanbul (2013).",
    )
    out = condense("and the third one? where was it, when, and how many states came?", history)
    assert "Prague (1997)" in out and "Budapest Process" in out
    steps = _turns(
        "Jaké kroky má řízení?",
        "1. podání žádosti, 2. pohovor, 3. rozhodnutí, 4. doručení, 5. odvolání, 6. soud, "
        "7. kasační stížnost, 8. žaloba proti rozhodnutí.",
    )
    assert "žaloba proti rozhodnutí" in condense("a ten osmý krok – do kdy?", steps)
    objectives = _turns(
        "What are the objectives of PP DATA?",
        "First, a dialogue; second, setting up the Migration Observatory; third, a knowledge base.",
    )
    out = condense("what does the second one do exactly?", objectives)
    assert out.startswith("what does setting up the Migration Observatory do") and "PP DATA" in out


def test_he_or_she_is_the_person_the_answer_before_named() -> None:
    """'he' after 'Who heads ICMPD?' is the Director General the answer named; 'it' keeps to the
    question's subject, without the answer's other names."""
    history = _turns(
        "Who heads ICMPD?", "ICMPD is headed by its Director General, Michael Spindelegger."
    )
    out = condense("since when has he been in that job?", history)
    assert "Michael Spindelegger" in out and "ICMPD" in out
    history = _turns(
        "What is the Prague Process?",
        "The Prague Process links the European Union with the Western Balkans [1].",
    )
    out = condense("and who runs its secretariat?", history)
    assert "Prague Process" in out and "Western Balkans" not in out
