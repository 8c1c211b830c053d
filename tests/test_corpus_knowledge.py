"""What ingest derives from the documents themselves: boilerplate by repetition, reflowed PDF text,
acronyms with their spans, sentences, languages, cognates. Small hand-made inputs, no model."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.knowledge import CorpusKnowledge
from index.acronyms import capitals, definitions, names, translated_definitions
from index.boilerplate import find_boilerplate, line_keys, short_keys
from index.clean import clean
from index.language import cognate, detect_language, split_sentences
from index.pdf import reflow, running_lines

CHROME = (
    "Home | News | Contacts\nCZ | EN\nThis site uses cookies to count visits.\n"
    "Print | Share | E-mail"
)


def _page(body: str) -> str:
    return f"{CHROME}\n\n# {body.split('.')[0]}\n\n{body}\n\n© 2024 Ministry, Main Street 1"


def _boilerplate(texts: dict[str, str]) -> frozenset[str]:
    short: dict[str, bool] = {}
    for text in texts.values():
        short |= short_keys(text)
    return find_boilerplate({d: line_keys(t) for d, t in texts.items()}, short)


def test_site_chrome_shared_by_pages_is_found_and_cleaned_away() -> None:
    pages = {
        f"p{i}": _page(body)
        for i, body in enumerate(
            [
                "The asylum procedure starts with an application. It is lodged with the police.",
                "Temporary protection is extended every year. Holders register online first.",
                "The employee card combines a work permit and a residence permit.",
            ]
        )
    }
    chrome = _boilerplate(pages)
    cleaned = clean(pages["p1"], chrome).text
    assert (
        "cookies" not in cleaned and "Print | Share" not in cleaned and "Main Street" not in cleaned
    )
    assert "Temporary protection is extended every year." in cleaned


def test_two_versions_of_one_report_keep_their_sentences() -> None:
    report = "\n".join(
        f"Finding {i}: the number of applications changed in region {i}." for i in range(12)
    )
    texts = {"draft": report, "final": report + "\nAnnex added.", "other": "A different text."}
    chrome = _boilerplate(texts)
    assert (
        "Finding 3: the number of applications changed in region 3."
        in clean(texts["final"], chrome).text
    )


def test_a_menu_block_shared_by_two_pages_is_chrome_but_one_shared_heading_is_not() -> None:
    facts = "\n".join(f"Sentence {i} of the page says something of its own." for i in range(8))
    a = f"Main menu\nAbout us\nContact\n\nThe dialogue began in 1991.\n\n# Background\n\n{facts}"
    other = "\n".join(f"Another line {i} of a different page." for i in range(8))
    b = (
        f"Main menu\nAbout us\nContact\n\nThe process was founded in 2009.\n\n# Background\n\n"
        f"{other}"
    )
    chrome = _boilerplate({"a": a, "b": b})
    cleaned = clean(a, chrome).text
    assert "About us" not in cleaned and "Background" in cleaned


def test_a_section_heading_many_pages_share_is_kept_but_a_shared_links_block_is_not() -> None:
    """'## Ministerial Conferences' over each page's own text names a section; '## Quick links'
    over the same links on every page is chrome."""
    links = "## Quick links\n\n- Press room\n- Vacancies"
    pages = {
        f"p{i}": f"# Page {i}\n\nIntro {i} says its own thing.\n\n## Ministerial Conferences\n\n"
        f"Text {i} under the section heading differs on every page.\n\n{links}"
        for i in ("one", "two", "three", "four")
    }
    chrome = _boilerplate(pages)
    cleaned = clean(pages["ptwo"], chrome).text
    assert "Ministerial Conferences" in cleaned and "Text two under" in cleaned
    assert "Quick links" not in cleaned and "Vacancies" not in cleaned


def test_pdf_lines_are_joined_headers_dropped_hyphenation_undone() -> None:
    width = "x" * 70
    pages = [
        [
            "Briefing note · Pact",
            "The Council adopted the package after long negotia-",
            f"tions between the Member States and the Parliament on {width[:20]}",
            "short end.",
            "Page 1",
        ],
        [
            "Briefing note · Pact",
            "- 14 May 2024: the Council adopts the package in its",
            "final form.",
            "Page 2",
        ],
    ]
    running = running_lines(pages)
    body = [
        line
        for lines in pages
        for line in lines
        if line not in ("Briefing note · Pact",) and not line.startswith("Page")
    ]
    assert any("briefing note" in key for key in running)
    text = reflow(body)
    assert "long negotiations between" in text
    assert "- 14 May 2024" in text.split("\n")[-1] or "14 May 2024" in text


def test_a_date_at_a_line_start_is_not_a_list_item() -> None:
    text = reflow(
        [
            "Short-term shelter was offered in Brno, Ostrava and Prague until the change on",
            "1. 9. 2023 when only Brno and Ostrava stayed open.",
        ]
    )
    assert "change on 1. 9. 2023 when" in text


def test_acronyms_are_mined_with_their_spans_in_several_forms() -> None:
    text = (
        "The International Centre for Migration Policy Development (ICMPD) hosts it. "
        "SOM – the Senior Officials' Meeting decides. The EASO (European Asylum Support Office) "
        "closed. Международный центр по развитию миграционной политики (МЦРМП) работает."
    )
    found = {d.acronym: d for d in definitions(text)}
    assert found["ICMPD"].expansion == "International Centre for Migration Policy Development"
    assert found["SOM"].expansion == "Senior Officials' Meeting"
    assert found["EASO"].expansion == "European Asylum Support Office"
    assert found["МЦРМП"].expansion.startswith("Международный центр")
    d = found["ICMPD"]
    assert text[d.start : d.end].startswith("International Centre") and text[
        d.start : d.end
    ].endswith("(ICMPD)")


def test_a_name_in_another_language_counts_once_the_acronym_is_known() -> None:
    text = "Evropská migrační síť (EMN) shromažďuje informace."
    assert not definitions(text)  # its initials do not spell EMN
    assert [d.expansion for d in translated_definitions(text, {"EMN": 3})] == [
        "Evropská migrační síť"
    ]


def test_sentences_keep_dates_abbreviations_and_initials_whole() -> None:
    text = (
        "Od 1. 1. 2023 platí nové pravidlo. Konference se konala 24. a 25. října 2019 v Praze. "
        "Viz § 12 odst. 3 zákona č. 325/1999 Sb. o azylu. Ministr J. Novák to řekl. "
        "Это т.е. пример. The Council Decision No. 2008/381/EC applies. 62 states came."
    )
    parts = [text[s.start : s.end] for s in split_sentences(text)]
    assert parts == [
        "Od 1. 1. 2023 platí nové pravidlo.",
        "Konference se konala 24. a 25. října 2019 v Praze.",
        "Viz § 12 odst. 3 zákona č. 325/1999 Sb. o azylu.",
        "Ministr J. Novák to řekl.",
        "Это т.е. пример.",
        "The Council Decision No. 2008/381/EC applies.",
        "62 states came.",
    ]


def test_languages_are_told_apart_without_word_lists() -> None:
    assert detect_language("kdy zacala implementace projektu ERIS") == "cs"
    assert detect_language("kdo vede strategickou skupinu") == "cs"
    assert detect_language("Кто руководит секретариатом?") == "ru"
    assert detect_language("who runs the secretariat of the process") == "en"


def test_international_words_share_a_cognate_key_across_languages() -> None:
    keys = {cognate(w) for w in ("declara", "deklar", "деклара")}
    assert len(keys) == 1 and "" not in keys
    assert cognate("azyl") == ""  # too short to tell


def _knowing(*texts: str) -> CorpusKnowledge:
    """Knowledge as ingest records it for these documents."""
    documents = {
        f"d{i}": {
            "meta": {"language": "en"},
            "acronyms": [[d.acronym, d.expansion, d.start, d.end] for d in definitions(t)],
            "names": names(t),
            "capitals": " ".join(capitals(t)),
        }
        for i, t in enumerate(texts)
    }
    return CorpusKnowledge.from_manifest(SimpleNamespace(documents=documents))


NETWORK = (
    "The European Migration Network collects information. Outputs of the European Migration "
    "Network are reports.\nThe European Migration Network has National Contact Points; each "
    "National Contact Point answers queries. Prague Process: Dialogue and Training in Action (PP "
    "DATA) supports the Prague Process.\n"
    "Prague Process states meet yearly."
)


def test_capitalised_names_the_corpus_repeats_are_mined_with_their_counts() -> None:
    mined = dict((str(n), c) for n, c in names(NETWORK))
    assert mined["European Migration Network"] == 3 and mined["Prague Process"] == 3
    assert "Outputs of the European Migration Network" in mined  # its own initials: harmless
    assert not any(n.startswith("The ") for n in mined)  # small words never end or start one
    assert capitals(NETWORK) == ["DATA", "PP"]


def test_an_initialism_the_corpus_never_defines_is_written_out() -> None:
    """A user's 'emn' or 'пп' stands for the name the corpus repeats with those initials; a common
    word ('ta', 'the') and a defined multiword acronym ('PP DATA') stay as they are."""
    k = _knowing(NETWORK)
    known = {"network", "data", "project"}.__contains__
    assert k.spell_out("emn czech ncp which dept?", known) == (
        "emn (European Migration Network) czech ncp (National Contact Point) which dept?"
    )
    assert k.spell_out("kolik statu je v pp", known) == "kolik statu je v pp (Prague Process)"
    assert k.spell_out("пп когда", known) == "пп (Prague Process) когда"
    assert k.spell_out("Who funds PP DATA? And ta síť?", known) == "Who funds PP DATA? And ta síť?"
    assert (
        k.spell_out("what r the objectivs of pp data", known) == "what r the objectivs of pp data"
    )
    assert k.expansions("EMN")[0].text == "European Migration Network"
    assert k.initialism("xyz") == ""


def test_a_line_ending_in_an_abbreviation_runs_on_into_the_next() -> None:
    """'Council Decision No.' / '2008/381/EC …' is one sentence, so the year of the decision stays
    with it; a FAQ's 'No.' line and an 'etc.' before a new capitalised line still end."""
    text = (
        "Inaugurated by Council Decision No.\n2008/381/EC in May 2008. Next.\n"
        "dialogy (např.\nMigrační dialog EU-Rusko).\n"
        "Can I apply abroad?\nNo.\nAn application is lodged here.\n"
        "We fund travel etc.\nThe next section."
    )
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Inaugurated by Council Decision No.\n2008/381/EC in May 2008.",
        "Next.",
        "dialogy (např.\nMigrační dialog EU-Rusko).",
        "Can I apply abroad?",
        "No.",
        "An application is lodged here.",
        "We fund travel etc.",
        "The next section.",
    ]


def test_starters_and_overview_come_from_the_corpus_subjects() -> None:
    """The names a corpus repeats and carries in its titles, whatever the corpus: here one about
    water policy."""
    from assistant.onboarding import _what_is, subjects

    knowledge = CorpusKnowledge(
        names={
            "WFD": {"Water Framework Directive": 9},
            "RBMP": {"River Basin Management Plans": 4},
            "FD": {"Framework Directive": 9},  # inside a longer name as often: gives way
            "EC": {"European Commission": 12},  # never in a title: not a subject
        }
    )
    documents = {
        "a": {"meta": {"title": "The Water Framework Directive in brief"}},
        "b": {"meta": {"title": "River Basin Management Plans: the second cycle"}},
    }
    assert subjects(documents, knowledge) == [
        "Water Framework Directive",
        "River Basin Management Plans",
    ]
    assert _what_is("River Basin Management Plans") == "What are the River Basin Management Plans?"
    assert _what_is("National Contact Points on Integration").startswith("What are")
