"""The stricter checks of what a model writes, on the local models' real failures (judged by hand in
evals/datasets/checker_pairs_models.jsonl) and on the sentences they must leave alone."""

from __future__ import annotations

import json

from assistant.model_claims import apart, problem, states_nothing, windows
from assistant.settings import PROJECT_ROOT, Settings
from evals.judge import evaluate_checker

BODIES = """Network of National Contact Points

- Facilitates daily cooperation at expert level

### Senior Officials' Meetings (once a year)

- Prepare the ground for Ministerial Conferences

### Ministerial Conferences

- Take place every 3-5 years"""


def test_a_heading_and_its_list_are_one_unit() -> None:
    units = windows(BODIES)
    assert (
        len(units) == 3 and units[2] == "### Ministerial Conferences - Take place every 3-5 years"
    )


def test_a_fact_moved_to_another_body_is_caught() -> None:
    wrong = "The Senior Officials' Meetings take place every 3-5 years."
    assert apart(wrong, [BODIES]) in {"Senior Officials", "3", "5"}
    assert problem("The Ministerial Conferences take place every 3-5 years.", [BODIES]) == ""
    mixed = "The National Contact Points prepare the ground for Ministerial Conferences."
    assert problem(mixed, [BODIES])
    assert (
        problem(
            "The Senior Officials' Meetings prepare the ground for Ministerial Conferences.",
            [BODIES],
        )
        == ""
    )


def test_fragments_and_echoes_state_nothing() -> None:
    assert states_nothing(
        "ICMPD does for the Prague Process.", "What does ICMPD do for the Prague Process?"
    )
    assert states_nothing(
        "řídicí struktura Pražského procesu skládá řídicí struktura Pražského procesu"
    )
    assert states_nothing("| Prazskeho procesu | | Konaji ministerske konference |")
    assert not states_nothing(
        "ICMPD is the Prague Process Secretariat.", "What does ICMPD do for the Prague Process?"
    )


def test_on_the_hand_judged_model_sentences(indexed: Settings) -> None:
    path = PROJECT_ROOT / "evals" / "datasets" / "checker_pairs_models.jsonl"
    true = {p["id"]: p["supported"] for p in map(json.loads, path.read_text().splitlines())}
    wrong = [w["id"] for w in evaluate_checker(indexed, path)["wrong"]]
    held_back = [i for i in wrong if true[i]]
    assert not held_back, held_back  # no true sentence of a model is held back
    # the rules were written from the first 43 (both models, whole passages): 10 of their 15
    # unsupported ones caught (was 0); the 39 judged later (excerpts) are measured, not fitted
    kinds = {p["id"]: p["kind"] for p in map(json.loads, path.read_text().splitlines())}
    missed = [i for i in wrong if not true[i] and kinds[i] != "model-1.5b-excerpts"]
    assert len(missed) <= 5, missed
