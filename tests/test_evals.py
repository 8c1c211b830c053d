"""The evaluators on small hand-made inputs, the checker evaluation, and one real run_eval on an
ingested store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import AssistantError
from assistant.runtime import Runtime
from assistant.settings import Settings, load_settings
from evals import metrics, report, run
from evals.__main__ import main
from evals.sets import CORPORA, SETS
from evals.validate import validate

QUOTE = "The Prague Process Joint Declaration was signed in April 2009."


def _case(**changes: Any) -> dict[str, Any]:
    case = {
        "id": "t-1",
        "question": "When was the Joint Declaration signed?",
        "language": "en",
        "history": [],
        "expected_facts": [{"forms": ["April 2009"], "critical": True}],
        "expected_sources": ["overview-en"],
        "evidence": [{"doc_id": "overview-en", "quote": QUOTE}],
        "answerable": True,
        "parallel_id": None,
        "tags": ["en"],
        "canary": True,
    }
    return case | changes


def _record(answer: str = "It was signed in April 2009. [1]", **changes: Any) -> dict[str, Any]:
    record = {
        "id": "t-1",
        "answer": answer,
        "abstained": False,
        "language": "en",
        "backend": "extractive",
        "citations": [{"n": 1, "doc_id": "overview-en", "title": "Prague Process", "quote": QUOTE}],
        "timings_ms": {"total": 12.0},
        "retrieved": ["overview-en", "other"],
    }
    return record | changes


def test_mrr_hit_and_recall_of_a_known_ranking() -> None:
    ranked = ["x", "y", "b", "a", "b"]
    assert metrics.reciprocal_rank(ranked, ["a", "b"]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(ranked, ["z"]) == 0.0
    assert [metrics.hit_at_k(ranked, ["a"], k) for k in (1, 3, 5)] == [False, False, True]
    assert metrics.recall_at_k(ranked, ["a", "b"], 3) == 0.5
    twins = {"doc-en": "doc", "doc-cs": "doc"}  # a document and its translation count once
    assert metrics.recall_at_k(["doc-cs"], ["doc-en", "doc-cs"], 1, twins) == 1.0
    assert metrics.recall_at_k(["doc-cs"], ["doc-en", "doc-cs"], 1) == 0.5


def test_abstention_is_scored_both_ways() -> None:
    assert metrics.outcome(answerable=False, abstained=True) == "correct_refusal"
    assert metrics.outcome(answerable=True, abstained=True) == "false_refusal"
    assert metrics.outcome(answerable=False, abstained=False) == "false_answer"
    scores = metrics.abstention_scores(
        ["correct_refusal", "false_refusal", "answered", "answered", "false_answer"]
    )
    assert scores["abstention_precision"] == {"value": 0.5, "n": 2}
    assert scores["unanswerable_refused"] == {"value": 0.5, "n": 2}
    assert scores["false_abstention"] == {"value": round(1 / 3, 4), "n": 3}


def test_critical_facts_need_the_exact_number() -> None:
    assert not metrics.form_found("1 January 2018", "launched on 11 January 2018", critical=True)
    assert not metrics.form_found("April 2009", "signed in April 2019 [1]", critical=True)
    assert not metrics.form_found("2.3 million EUR", "2.35 million EUR", critical=True)
    assert metrics.form_found("EUR 600 000", "an additional EUR 600000 [2]", critical=True)
    assert metrics.form_found("2,3 milionu EUR", "Celkem 2.3 milionu EUR.", critical=True)
    assert metrics.form_found("Pražský proces", "PRAZSKY PROCES vznikl", critical=False)
    assert metrics.form_found(
        "Moldavsk", "s Moldavskem a Gruzií [4]", critical=True
    )  # a stem matches its endings
    assert metrics.facts_found(
        [{"forms": ["x", "April 2009"], "critical": True}], "In April 2009. [1]"
    ) == [True]


def test_empty_denominators_are_null_never_nan() -> None:
    assert metrics.ratio(0, 0) == {"value": None, "n": 0}
    assert all(m["value"] is None for m in metrics.abstention_scores([]).values())
    assert all(m["value"] is None for m in metrics.consistency([]).values())
    grounding = metrics.grounding_scores([])
    assert (
        grounding["citation_precision"]["value"] is None and grounding["verdicts"]["supported"] == 0
    )
    assert metrics.percentile([], 50) is None
    checker = metrics.checker_scores([("verbatim", True, "supported")])
    assert (
        checker["recall_unsupported"] == {"value": None, "n": 0}
        and checker["f1_unsupported"]["value"] is None
    )
    json.dumps(checker, allow_nan=False)


def test_grounding_checks_each_citation_alone() -> None:
    citations = [
        {"n": 1, "quote": QUOTE, "title": "Prague Process"},
        {
            "n": 2,
            "quote": "Partnerships for Mobility were established with Moldova and Georgia.",
            "title": "",
        },
    ]
    g = metrics.ground(
        "The Joint Declaration was signed in April 2009. [1][2] It was signed in 2011. [1]",
        citations,
        "en",
    )
    assert (g["citation_pairs"], g["supported_pairs"]) == (
        3,
        1,
    )  # [2] alone does not support the first sentence
    assert (g["claims"], g["supported_claims"], g["unsupported_claims"]) == (2, 1, 1)
    assert g["verdicts"]["contradicted"] == 1
    own = metrics.ground("The sources differ: A says 2016 [1]; B says 2022 [2].", citations, "en")
    assert (own["own_words"], own["claims"], own["citation_pairs"]) == (
        1,
        0,
        0,
    )  # composed, not a claim


def test_a_good_answer_passes_and_a_canary_counts() -> None:
    row = run.score_case(_case(), _record())
    assert row["passed"] and row["canary_passed"] and row["failures"] == {}
    assert row["retrieval"]["hit@1"] == 1.0 and row["cited_expected"]


def test_failures_are_attributed_by_stage() -> None:
    refused = run.score_case(
        _case(),
        _record(
            "No answer in the documents.", abstained=True, citations=[], retrieved=["other"] * 5
        ),
    )
    assert (
        list(refused["failures"]) == ["retrieval_miss", "false_refusal"]
        and not refused["canary_passed"]
    )
    unused = run.score_case(
        _case(),
        _record(
            "Moldova joined. [1]",
            citations=[{"n": 1, "doc_id": "other", "title": "", "quote": "Moldova joined."}],
        ),
    )
    assert (
        list(unused["failures"]) == ["evidence_unused"]
        and "missed 'April 2009'" in unused["failures"]["evidence_unused"]
    )
    changed = run.score_case(
        _case(), _record("It was signed in April 2009 and renewed in 2011. [1]")
    )
    assert "unsupported_claim" in changed["failures"]
    answered = run.score_case(
        _case(answerable=False, expected_facts=[], expected_sources=[]), _record()
    )
    assert list(answered["failures"]) == ["false_answer"] and answered["outcome"] == "false_answer"
    czech = run.score_case(_case(language="cs"), _record())
    assert list(czech["failures"]) == ["wrong_language"]


def test_the_checker_catches_every_changed_number_date_and_name() -> None:
    result = run.evaluate_checker(load_settings(env={}))
    for kind in ("number_changed", "date_changed", "amount_changed", "entity_swapped"):
        assert result["per_kind"][kind]["flagged"]["value"] == 1.0, kind
    assert result["per_kind"]["verbatim"]["flagged"]["value"] == 0.0
    assert result["n"] == sum(sum(v.values()) for v in result["confusion"].values())


def test_gate_fails_unmeasured_metrics_and_compare_finds_regressions() -> None:
    thresholds = report.load_thresholds(run.THRESHOLDS)
    assert (
        thresholds["min"]["retrieval.hit@5.en"] == 0.95
        and thresholds["max"]["answer.false_abstention"] == 0.05
    )
    rep = {
        "metrics": {
            "answer.fact_recall": {"value": 0.95, "n": 10},
            "answer.false_abstention": {"value": None, "n": 0},
        }
    }
    result = report.gate(
        rep, {"min": {"answer.fact_recall": 0.9}, "max": {"answer.false_abstention": 0.05}}
    )
    assert [r["passed"] for r in result["results"]] == [True, False] and not result["passed"]
    base = {
        "metrics": {
            "answer.fact_recall": {"value": 0.97, "n": 10},
            "answer.false_abstention": {"value": 0.0, "n": 5},
        }
    }
    rep["metrics"]["answer.false_abstention"] = {"value": 0.1, "n": 5}
    rows = {r["metric"]: r for r in report.compare(rep, base)}
    assert rows["answer.fact_recall"]["regression"] and rows["answer.fact_recall"]["delta"] == -0.02
    assert rows["answer.false_abstention"]["regression"]


def test_run_eval_writes_the_reports(indexed: Settings, runtime: Runtime, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    rep = run.run_eval(
        indexed,
        run.GOLD,
        tmp_path / "out",
        lambda done, total: seen.append((done, total)),
        limit=8,
        runtime=runtime,
    )
    assert seen[-1] == (8, 8) and len(rep["cases"]) == 8
    saved = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    for key in (
        "retrieval.hit@5.en",
        "retrieval.hit@5.cs",
        "answer.fact_recall",
        "grounding.citation_precision",
        "answer.false_abstention",
        "canaries.pass_rate",
        "checker.recall_unsupported",
        "latency.p95_ms",
    ):
        assert key in saved["metrics"], key
    assert saved["metrics"]["retrieval.hit@5.en"]["n"] > 0 and saved["latency"]["all"]["n"] == 8
    assert {"id", "tags", "passed", "failures", "answer", "citations", "checks"} <= set(
        saved["cases"][0]
    )
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert (
        "## Headline" in markdown
        and "grounding.citation_precision" in markdown
        and "## Grounding checker" in markdown
    )
    for chart in ("tags.png", "latency.png"):  # embedded, and real PNG files beside the report
        assert f"]({chart})" in markdown
        assert (tmp_path / "out" / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    answers = tmp_path / "out" / "answers.jsonl"
    assert len(answers.read_text(encoding="utf-8").splitlines()) == 8
    code = main(
        [
            "score",
            str(answers),
            "--store",
            str(indexed.store_dir),
            "--corpus",
            str(indexed.corpus_dir),
            "--out",
            str(tmp_path / "rescored"),
        ]
    )
    rescored = report.load_report(tmp_path / "rescored" / "report.json")
    assert rescored["metrics"]["answer.fact_recall"] == saved["metrics"]["answer.fact_recall"]
    assert code == (0 if rescored["gate"]["passed"] else 1)
    assert main(["gate", str(tmp_path / "out" / "report.json")]) == (
        0 if saved["gate"]["passed"] else 1
    )


def test_scoring_answers_of_no_gold_case_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="No saved answer"):
        run.score_records([{"id": "nope", "answer": ""}], [_case()], load_settings(env={}))


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_question_set_is_valid_on_its_corpus(name: str) -> None:
    """The schema holds and every evidence quote stands in its document (DOCX tables and reflowed
    PDF lines included), so a metric never scores against a quote the corpus lacks."""
    qset = SETS[name]
    assert validate(qset.paths, CORPORA[qset.corpus].corpus_dir) == []


def test_validate_names_each_broken_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "overview-en.txt").write_text("Overview\n\n" + QUOTE + "\n", encoding="utf-8")
    cases = [
        _case(),
        _case(id="t-2", evidence=[{"doc_id": "overview-en", "quote": "Signed in May 2010."}]),
        _case(id="t-3", language="de", expected_sources=["nowhere"]),
        _case(id="t-2"),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    assert main(["validate", str(path), "--corpus", str(corpus)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "set.jsonl: t-2: evidence quote not found in overview-en: 'Signed in May 2010.'",
        "set.jsonl: t-3: language 'de' is not one of ['cs', 'en', 'ru']",
        "set.jsonl: t-3: expected source 'nowhere' is not in the corpus",
        "set.jsonl: t-2: duplicate id",
    ]


def test_a_named_set_with_only_a_store_still_reads_its_own_corpus(tmp_path: Path) -> None:
    """`--set dev-gold --store DIR` indexes the development corpus into DIR, not corpus/."""
    from evals.__main__ import _settings

    args = argparse.Namespace(set="dev-gold", store=tmp_path / "s", corpus=None, backend=None)
    settings = _settings(args)
    assert Path(settings.corpus_dir) == CORPORA["dev"].corpus_dir
    assert Path(settings.store_dir) == tmp_path / "s"
    args.corpus = tmp_path / "c"
    assert Path(_settings(args).corpus_dir) == tmp_path / "c"
