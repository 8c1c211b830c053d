"""Verified streaming: nothing is shown before it is checked, a contradicted sentence never
appears, a model's unmarked sentence gets the marker of the passage that supports it, and the
streamed text is the final answer. Through the real checker, and through ask_stream against a real
HTTP server that streams a scripted model answer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import OpenRuntime
from llm_support import misbehaving_server

from assistant.runtime import Runtime
from assistant.service import ask_stream
from assistant.settings import Settings
from assistant.types import Answer, Citation, Draft
from assistant.verify_stream import StreamVerifier, verify_draft

LAUNCH = "PP DATA was officially launched on 1 January 2018 in Vienna."
MEMBERS = "The network has 27 member states and Norway as an observer."


def cite(n: int, quote: str, title: str = "Source") -> Citation:
    return Citation(
        n=n,
        doc_id=f"d{n}",
        title=title,
        chunk_id=f"c{n}",
        quote=quote,
        start=0,
        end=len(quote),
        score=1.0,
    )


CITED = (cite(1, LAUNCH, "PP DATA"), cite(2, MEMBERS, "EMN"))


def stream(text: str, size: int, align: bool = False) -> tuple[list[str], StreamVerifier]:
    verifier = StreamVerifier(CITED, "en", align=align)
    shown = [verifier.feed(text[i : i + size]) for i in range(0, len(text), size)]
    return [*shown, verifier.close()], verifier


@pytest.mark.parametrize("size", [1, 3, 17, 1000])
def test_streamed_in_any_pieces_is_the_whole_text_check(size: int) -> None:
    text = (
        "PP DATA was launched on 1 January 2018 [1]. The network has 30 member states [2].\n"
        "Members:\n- Norway as an observer [2]\n- a fact nobody cited"
    )
    shown, verifier = stream(text, size)
    assert verifier.result() == stream(text, len(text))[1].result()
    assert (
        verifier.result()[0]
        == "".join(shown)
        == (
            "PP DATA was launched on 1 January 2018 [1].\nMembers:\n- Norway as an observer [2]\n"
            "⚠ - a fact nobody cited"
        )
    )
    # the whole-draft check: the same units, verdicts and citations, each unit on its own line
    whole = verify_draft(Draft(text=text, citations=CITED), "en")
    assert whole[0] == verifier.result()[0] and whole[1:] == verifier.result()[1:]


def test_a_contradicted_sentence_never_appears_and_nothing_shows_before_its_check() -> None:
    verifier = StreamVerifier(CITED, "en")
    assert verifier.feed("PP DATA was launched on 1 January") == ""  # unfinished: not shown
    assert (
        verifier.feed(" 2018 [1]. It has 30 member")
        == "PP DATA was launched on 1 January 2018 [1]."
    )
    assert verifier.feed(" states [2]. Norway") == ""  # 30 is not the source's 27: dropped
    assert verifier.close() == " ⚠ Norway"  # an uncited rest is shown flagged
    text, citations, checks, flagged = verifier.result()
    assert "30" not in text and flagged
    assert [c.n for c in citations] == [1] and citations[0].doc_id == "d1"


def test_unmarked_model_sentences_are_aligned_to_the_passage_that_supports_them() -> None:
    text = "The network has 27 member states. PP DATA was officially launched on 1 January 2018."
    shown, verifier = stream(text, 5, align=True)
    final, citations, _, flagged = verifier.result()
    assert final == "".join(shown)
    assert final == (
        "The network has 27 member states [1]. "
        "PP DATA was officially launched on 1 January 2018 [2]."
    )
    assert [c.doc_id for c in citations] == ["d2", "d1"] and not flagged


def test_an_unmarked_sentence_no_passage_supports_is_shown_flagged() -> None:
    shown, verifier = stream("The Prague Process was founded by Václav Havel in Prague.", 4, True)
    text, citations, _, flagged = verifier.result()
    assert "".join(shown) == text and flagged and not citations
    assert text.startswith("⚠ ") or text == ""


# --- through ask_stream, against a real HTTP server streaming a scripted model answer


def scripted(runtime: Runtime, url: str) -> Settings:
    return replace(
        runtime.settings, answerer="openai-compatible", llm_base_url=url, llm_model="m", top_k=1
    )


@pytest.mark.parametrize(
    "script",
    [
        "PP DATA was officially launched on 1 January 2018 [1]. It was launched on 5 May 2031 [1].",
        "PP DATA was officially launched on 1 January 2018. It was launched on 5 May 2031.",
    ],
    ids=["marked", "unmarked"],
)
def test_the_stream_shows_only_checked_sentences_and_ends_as_the_final_answer(
    runtime: Runtime, open_runtime: OpenRuntime, script: str
) -> None:
    with misbehaving_server("scripted", script=script) as server:
        model = open_runtime(scripted(runtime, server.url))
        *deltas, final = ask_stream("When was PP DATA officially launched?", runtime=model)
    assert server.requests, "the model was asked"
    assert isinstance(final, Answer) and final.backend == "openai-compatible", final
    assert all(isinstance(d, str) for d in deltas)
    assert "2031" not in "".join(map(str, deltas))  # not even for a moment
    assert "".join(map(str, deltas)) == final.text
    assert final.text.startswith("PP DATA was officially launched on 1 January 2018 [1]")
    assert final.citations and "1 January 2018" in final.citations[0].quote
    assert 0 < final.timings_ms["first_text"] <= final.timings_ms["total"]


def test_a_model_sentence_cited_to_the_wrong_passage_is_cited_to_the_right_one() -> None:
    _, verifier = stream("PP DATA was officially launched on 1 January 2018 [2].", 7, align=True)
    text, citations, _, flagged = verifier.result()
    assert text == "PP DATA was officially launched on 1 January 2018 [1]."
    assert [c.doc_id for c in citations] == ["d1"] and not flagged


def test_a_date_another_passage_contradicts_is_removed_not_flagged() -> None:
    _, verifier = stream("PP DATA was officially launched on 1 January 2020 [2].", 7, align=True)
    text, citations, checks, flagged = verifier.result()
    assert text == "" and not citations and flagged
    assert checks[-1].verdict == "contradicted"


def test_council_decision_no_is_a_number_not_a_negation() -> None:
    quote = "The EMN was established by Council Decision No. 2008/381/EC of 14 May 2008."
    decision = Draft(
        text="The EMN was established by Council Decision No. 2008/381/EC of 14 May 2008 [1].",
        citations=(cite(1, quote),),
    )
    text, citations, checks, flagged = verify_draft(decision, "en")
    assert len(checks) == 1 and checks[0].verdict == "supported" and not flagged


@pytest.mark.parametrize(
    "salad", ["Pražské proces [1].", "| Prazskeho procesu | | Konaji ministerske konference | [1]"]
)
def test_a_model_fragment_that_states_nothing_is_not_supported(salad: str) -> None:
    quote = "Konají se ministerské konference Pražského procesu. Pražské procesu."
    verifier = StreamVerifier((cite(1, quote),), "cs", align=True)
    verifier.feed(salad)
    verifier.close()
    text, _, checks, flagged = verifier.result()
    assert flagged and checks[0].verdict != "supported" and (text == "" or text.startswith("⚠"))


def test_a_sentence_closed_by_its_marker_and_stop_is_shown_at_once() -> None:
    verifier = StreamVerifier(CITED, "en")
    assert verifier.feed("PP DATA was launched on 1 January 2018 [1]") == ""
    assert verifier.feed(".") == "PP DATA was launched on 1 January 2018 [1]."
    assert verifier.feed(" It has 27 member states [2].") == " It has 27 member states [2]."
    assert verifier.close() == ""


def test_an_acronym_is_found_through_the_expansion_its_passage_writes_out() -> None:
    quote = "The European Migration Network has 27 member states and Norway as an observer."
    cited = (cite(1, quote, "Network facts"),)
    text = "The EMN has 27 member states [1]."
    plain = StreamVerifier(cited, "en", align=True)
    plain.feed(text)
    plain.close()
    assert plain.result()[2][0].verdict != "supported"  # 'EMN' is nowhere in the passage
    named = StreamVerifier(cited, "en", align=True, aliases={1: "EMN"})
    named.feed(text)
    named.close()
    assert named.result()[0] == text and named.result()[2][0].verdict == "supported"


def test_markers_alone_after_a_list_are_not_shown() -> None:
    """A small model closes its list with a line of bare markers ('[1][2][3]'): it states nothing,
    so it is neither shown nor flagged."""
    text = "The network has:\n- 27 member states [2]\n- Norway as an observer [2]\n[1][2]"
    shown, verifier = stream(text, 4, align=True)
    final, _, _, flagged = verifier.result()
    assert (
        "".join(shown) == final
        and final.endswith("- Norway as an observer [1]")
        and "⚠" not in final
    )
