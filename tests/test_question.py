"""What a question asks for, read from its wording in English, Czech (with and without diacritics)
and Russian: the slot an answer must fill, and the form it takes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.question import analyse, fills, fills_any


@pytest.mark.parametrize(
    ("text", "lang", "slot"),
    [
        ("When was the Joint Declaration signed?", "en", "date"),
        ("what year did the project start", "en", "date"),
        ("Kdy začala implementace projektu?", "cs", "date"),
        ("kdy zacala implementace projektu", "cs", "date"),
        ("Когда была подписана декларация?", "ru", "date"),
        ("How many states take part?", "en", "count"),
        ("Kolik států se účastní?", "cs", "count"),
        ("Сколько государств участвует?", "ru", "count"),
        ("How much funding did the action receive?", "en", "amount"),
        ("Jaký byl rozpočet projektu?", "cs", "amount"),
        ("Who hosts the secretariat?", "en", "person"),
        ("Kdo řídí proces?", "cs", "person"),
        ("Кто руководит процессом?", "ru", "person"),
        ("Where was the conference held?", "en", "place"),
        ("Kde se konala konference?", "cs", "place"),
        ("Где прошла конференция?", "ru", "place"),
        ("How often do senior officials meet?", "en", "frequency"),
        ("Как часто проходят встречи?", "ru", "frequency"),
        ("How long does the procedure take?", "en", "duration"),
        ("What does SOM stand for?", "en", "expansion"),
        ("Co znamená zkratka OAMP?", "cs", "expansion"),
        ("What position does she hold?", "en", "role"),
        ("What is the Prague Process?", "en", ""),
    ],
)
def test_the_first_question_word_decides_the_slot(text: str, lang: str, slot: str) -> None:
    assert analyse(text, lang).slot == slot


def test_a_when_clause_after_another_question_word_asks_no_date() -> None:
    q = analyse("What approach did they follow when strengthening co-operation?", "en")
    assert q.slot != "date"
    assert analyse("Who signed it, and when?", "en").slot in ("person", "date")
    assert analyse("And when?", "en").slot == "date"


@pytest.mark.parametrize(
    ("text", "lang", "yes_no"),
    [
        ("Is Moldova a participating state?", "en", True),
        ("Did the ministers meet in 2016?", "en", True),
        ("Is there a training academy, and when was it founded?", "en", True),
        ("Who is a participating state?", "en", False),
        ("Je Moldavsko účastnickým státem?", "cs", True),
        ("Zda se Česko účastní?", "cs", True),
        ("Podepsalo Moldavsko deklaraci?", "cs", True),
        ("Kdo podepsal deklaraci?", "cs", False),
        ("Правда ли, что процесс начался в 2009 году?", "ru", True),
        ("Участвует ли Молдова в процессе?", "ru", True),
        ("Кто участвует в процессе?", "ru", False),
    ],
)
def test_yes_no_questions(text: str, lang: str, yes_no: bool) -> None:
    q = analyse(text, lang)
    assert q.yes_no is yes_no
    if yes_no:
        assert not q.specific  # a yes/no question is answered by a verdict, not by a slot


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What are the outputs of the network?", "en"),
        ("Which partner organisations take part?", "en"),
        ("List the pilot projects", "en"),
        ("Jaké jsou priority akčního plánu?", "cs"),
        ("Které státy se účastní?", "cs"),
        ("Перечисли приоритеты плана", "ru"),
        ("Какие страны участвуют?", "ru"),
        ("Who takes part in the Prague Process?", "en"),  # the participants, not one person
        ("Kdo se účastní Pražského procesu?", "cs"),
        ("Кто участвует в Пражском процессе?", "ru"),
    ],
)
def test_list_questions(text: str, lang: str) -> None:
    assert analyse(text, lang).listing


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What is the Prague Process?", "en"),
        ("What does SOM stand for?", "en"),
        ("Who chairs the Strategic Group?", "en"),
    ],
)
def test_singular_what_questions_are_not_lists(text: str, lang: str) -> None:
    assert not analyse(text, lang).listing


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("How is the Prague Process governed?", "en"),
        ("Give me an overview of the action plan", "en"),
        ("Tell me about the training academy", "en"),
        ("Jak funguje Pražský proces?", "cs"),
        ("Как устроен Пражский процесс?", "ru"),
        ("Расскажи о Пражском процессе", "ru"),
    ],
)
def test_broad_questions(text: str, lang: str) -> None:
    assert analyse(text, lang).broad


def test_how_many_keeps_the_counted_words_and_the_question_its_figures_and_acronyms() -> None:
    q = analyse("How many pilot projects did PP DATA fund in 2019?", "en")
    assert q.slot == "count" and q.counted == "pilot projects"
    assert "2019" in q.numbers and {"PP", "DATA"} <= q.acronyms


def test_a_date_question_names_the_event_it_dates() -> None:
    assert analyse("When did the project start?", "en").event == "start"
    assert analyse("Kdy projekt skončil?", "cs").event == "end"
    assert analyse("When was the declaration signed?", "en").event == ""


@pytest.mark.parametrize(
    ("question", "sentence", "filled"),
    [
        ("When was it signed?", "It was signed in Prague on 28 April 2009.", True),
        ("When was it signed?", "It was signed by the ministers.", False),
        ("How many states take part?", "Fifty states take part.", True),
        ("How many states take part?", "Many states take part.", False),
        ("What does SOM stand for?", "The SOM is the Senior Officials' Meeting.", True),
        ("What does SOM stand for?", "The senior officials meet yearly.", False),
        ("Who joined the process later?", "Libya, Norway and Uganda joined later.", True),
        ("Who joined the process later?", "Several states joined later.", False),
    ],
)
def test_a_sentence_fills_the_slot_only_with_that_kind_of_fact(
    question: str, sentence: str, filled: bool
) -> None:
    assert fills(analyse(question, "en"), sentence) is filled


@pytest.mark.parametrize(
    ("text", "lang", "slot", "also"),
    [
        ("When was PP DATA launched and how much money did it get?", "en", "date", ("amount",)),
        ("Kdy se konalo zasedání v Lisabonu a kolik úředníků přijelo?", "cs", "date", ("count",)),
        ("Где прошла конференция и когда?", "ru", "place", ("date",)),
        ("How many years did the project run?", "en", "duration", ()),
        ("Is it true that it started in 2018 and cost 2 million?", "en", "", ()),
        ("A do kdy se musí podat žaloba?", "cs", "date", ("duration",)),
        ("By when must the appeal be filed?", "en", "date", ("duration",)),
        ("When was the appeal filed?", "en", "date", ()),
    ],
)
def test_a_compound_question_asks_each_of_its_slots(
    text: str, lang: str, slot: str, also: tuple[str, ...]
) -> None:
    q = analyse(text, lang)
    assert (q.slot, q.also) == (slot, also)


def test_a_sentence_fills_any_slot_of_a_compound_question_and_days_are_not_counts() -> None:
    q = analyse("When was the meeting held and how many officials came?", "en")
    assert fills_any(q, "60 officials from 27 states took part.")  # the count, not the date
    assert fills_any(q, "It was held on 27–28 April 2023.")
    assert not fills(replace(q, slot="count"), "It was held on 27–28 April 2023.")
    assert not fills(replace(q, slot="count"), "Zasedání se konalo 27. a 28. dubna 2023.")
    for counted in ("zástupci sedmi členských států", "министры семи государств", "seven states"):
        assert fills(replace(q, slot="count"), counted), counted
