"""The grounding checker catches changed numbers, dates, names and negations; measured on the
labelled pairs."""

from __future__ import annotations

import json

import pytest

from assistant.answerers.extractive import Draft
from assistant.settings import PROJECT_ROOT
from assistant.types import Citation
from assistant.verify import CONTRADICTED, SUPPORTED, check_answer, check_claim
from assistant.verify_stream import verify_draft
from index.language import detect_language

SOURCE = (
    "The SOM will monitor, guide, discuss and endorse the results of the action for all 50 Prague "
    "Process "
    "participating states. PP DATA was officially launched on 1 January 2018. "
    "Negotiations within the EU-China Migration Dialogue are also important."
)


@pytest.mark.parametrize(
    "claim",
    [
        "The SOM will endorse the results of the action for all 60 Prague Process participating "
        "states.",
        "PP DATA was officially launched on 1 January 2019.",
        "PP DATA was officially launched on 1 March 2018.",
        "Negotiations within the EU-India Migration Dialogue are also important.",
        "The SOM will not endorse the results of the action.",
    ],
)
def test_changed_facts_are_contradicted(claim: str) -> None:
    assert check_claim(claim, [SOURCE]).verdict == CONTRADICTED


@pytest.mark.parametrize(
    "claim",
    [
        "PP DATA was officially launched on 1 January 2018.",
        "The SOM will endorse the results of the action for all 50 participating states.",
    ],
)
def test_faithful_claims_are_supported(claim: str) -> None:
    assert check_claim(claim, [SOURCE]).verdict == SUPPORTED


def test_answer_units_and_dangling_citations() -> None:
    checks = check_answer(
        "PP DATA was launched on 1 January 2018 [1]. It has 70 member states [1]. Also X [7].",
        {1: SOURCE},
        "en",
    )
    assert [c.verdict for c in checks] == [SUPPORTED, CONTRADICTED, "unverifiable"]


def test_verify_draft_removes_contradictions_flags_unverifiable_and_renumbers() -> None:
    cit = Citation(
        n=2,
        doc_id="d",
        title="T",
        chunk_id="d#0",
        quote=SOURCE,
        start=0,
        end=len(SOURCE),
        score=1.0,
    )
    draft = Draft(
        text="The budget was 9 million euros [2]. PP DATA was officially launched on 1 January "
        "2018 [2]. "
        "Rain is wet and cold [2]. Ghost claim [5].",
        citations=(cit,),
    )
    text, citations, checks, flagged = verify_draft(draft, "en")
    assert "9 million" not in text and "1 January 2018 [1]" in text
    assert "⚠ Rain is wet" in text and "[5]" not in text and flagged
    assert [c.n for c in citations] == [1]


def test_checker_on_the_labelled_pairs() -> None:
    """Recall on 'unsupported' must be high (it must catch changed facts); precision reported in
    evals."""
    rows = [
        json.loads(x)
        for x in (PROJECT_ROOT / "evals/datasets/checker_pairs.jsonl").read_text().splitlines()
        if x
    ]
    assert len(rows) >= 100
    caught = {
        k: [0, 0] for k in ("number_changed", "date_changed", "entity_swapped", "amount_changed")
    }
    tp = fp = fn = 0
    for r in rows:
        unsupported_pred = (
            check_claim(r["claim"], [r["passage"]], detect_language(r["claim"])).verdict
            != SUPPORTED
        )
        unsupported_gold = not r["supported"]
        tp += unsupported_pred and unsupported_gold
        fp += unsupported_pred and not unsupported_gold
        fn += unsupported_gold and not unsupported_pred
        if r["kind"] in caught:
            caught[r["kind"]][0] += unsupported_pred
            caught[r["kind"]][1] += 1
    for kind, (hit, total) in caught.items():
        assert hit == total, f"{kind}: caught {hit}/{total}"
    assert tp / (tp + fn) >= 0.95 and tp / (tp + fp) >= 0.8


def test_english_quote_in_a_czech_answer_is_not_read_as_czech_negation() -> None:
    """'neighbours' is no Czech ne- verb: an English source quoted in a Czech answer stays
    supported."""
    source = (
        "The idea that you can solve all migration challenges just in the framework of your "
        "national "
        "administration is false. If you want to be successful in migration management, you have "
        "to "
        "cooperate with your neighbours."
    )
    claim = (
        "The idea that you can solve all migration challenges just in the framework of your "
        "national "
        "administration is false."
    )
    assert check_claim(claim, [source], "cs").verdict == SUPPORTED
    assert (
        check_claim(
            "Projekt nebyl zahájen v roce 2013.", ["Projekt byl zahájen v roce 2013."], "cs"
        ).verdict
        == CONTRADICTED
    )
