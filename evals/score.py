"""Scoring: each case against its recorded answer, then the whole report from the rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import Settings
from evals import metrics
from evals.data import GOLD, THRESHOLDS, corpus_meta, works
from evals.judge import evaluate_checker, judge_answers, make_similarity
from evals.metrics import Metric, Row, Similarity
from index.language import detect_language

SUBSETS: dict[str, Callable[[Row], bool]] = {
    "all": lambda r: True,
    "en": lambda r: r["language"] == "en",
    "cs": lambda r: r["language"] == "cs",
    "cross-lingual": lambda r: "cross-lingual" in r["tags"],
}


def _answer_language(text: str, declared: str, backend: str) -> str:
    """The language a model wrote its answer in (its words, markers left out); the offline answer
    quotes its sources, so its own language is the one it declares."""
    if not text or backend in ("", "extractive"):
        return declared
    return detect_language(re.sub(r"\[\d+\]", " ", text)) or declared


def score_case(
    case: dict[str, Any],
    record: dict[str, Any],
    similarity: Similarity | None = None,
    same_work: dict[str, str] | None = None,
) -> Row:
    """One gold case against its recorded answer: every per-case number, and why it failed."""
    error = record.get("error")
    abstained = bool(record.get("abstained", True)) or bool(error)
    text = "" if abstained else str(record.get("answer", ""))
    citations = [] if abstained else list(record.get("citations") or [])
    expected, retrieved = list(case["expected_sources"]), record.get("retrieved")
    cited = [str(c["doc_id"]) for c in citations]
    lang = str(record.get("language") or case["language"])
    grounding = (
        metrics.ground(text, citations, lang, similarity) if text else metrics.ground("", [], lang)
    )
    found = metrics.facts_found(case["expected_facts"], text)
    row: Row = {
        **_case_fields(case),
        "abstained": abstained,
        "outcome": metrics.outcome(case["answerable"], abstained),
        "answer_language": _answer_language(text, lang, str(record.get("backend", ""))),
        "backend": record.get("backend", ""),
        "answer": record.get("answer", error or ""),
        "error": error,
        "citations": [{k: c.get(k) for k in ("n", "doc_id", "title", "quote")} for c in citations],
        **_ranking_fields(expected, retrieved, cited, same_work),
        "facts": [
            {"forms": f["forms"], "critical": bool(f["critical"]), "found": ok}
            for f, ok in zip(case["expected_facts"], found)
        ],
        "latency_ms": (record.get("timings_ms") or {}).get("total"),
        "verdict": metrics.verdict_of(text, abstained) if case.get("expected_verdict") else None,
        **grounding,
    }
    row["failures"] = metrics.failure_reasons(row)
    row["passed"] = not row["failures"]
    row["canary_passed"] = metrics.canary_passed(row) if row["canary"] else None
    return row


def _case_fields(case: dict[str, Any]) -> Row:
    """What the report keeps of the case itself."""
    return {
        "id": case["id"],
        "question": case["question"],
        "language": case["language"],
        "tags": list(case["tags"]),
        "answerable": bool(case["answerable"]),
        "canary": bool(case.get("canary")),
        "parallel_id": case.get("parallel_id"),
        "expected_sources": list(case["expected_sources"]),
        "expected_verdict": case.get("expected_verdict"),
    }


def _ranking_fields(
    expected: list[str],
    retrieved: list[str] | None,
    cited: list[str],
    same_work: dict[str, str] | None,
) -> Row:
    """How well the search ranked the expected documents, and the citations."""
    return {
        "cited": cited,
        "retrieved": retrieved,
        "retrieval": metrics.ranking_scores(retrieved, expected, same_work)
        if retrieved is not None and expected
        else None,
        "cited_retrieval": metrics.ranking_scores(cited, expected, same_work) if expected else None,
        "cited_expected": bool(set(cited) & set(expected)),
    }


def retrieval_tables(rows: Sequence[Row], key: str) -> dict[str, dict[str, Metric]]:
    """hit@k, recall@k and MRR per subset (all, en, cs, cross-lingual) from one ranking of each
    row."""
    out = {}
    for name, keep in SUBSETS.items():
        scored = [r[key] for r in rows if r["answerable"] and r[key] is not None and keep(r)]
        names = [f"{m}@{k}" for m in ("hit", "recall") for k in metrics.KS] + ["mrr"]
        out[name] = {m: metrics.mean([s[m] for s in scored]) for m in names}
    return out


def score_records(
    records: Sequence[dict[str, Any]],
    cases: Sequence[dict[str, Any]],
    settings: Settings,
    *,
    judge: bool = False,
    thresholds: Path = THRESHOLDS,
    dataset: Path = GOLD,
    similarity: Similarity | None = None,
) -> dict[str, Any]:
    """The whole report from saved answers (JSON contract lines); nothing is asked again."""
    from evals.report import gate, headline, load_thresholds

    by_id = {str(r.get("id")): r for r in records}
    cases = [c for c in cases if c["id"] in by_id]
    if not cases:
        raise AssistantError(
            "No saved answer has the id of a gold case: score the answers.jsonl of 'python -m "
            "evals run'"
        )
    similarity = similarity or make_similarity(settings)
    same_work = works(corpus_meta(settings))
    rows = [score_case(c, by_id[c["id"]], similarity, same_work) for c in cases]
    report: dict[str, Any] = {
        "meta": _meta(rows, settings, dataset, thresholds, similarity),
        **_summaries(rows),
        "checker": evaluate_checker(settings, similarity=similarity),
        "judge": judge_answers(rows, settings, judge),
        "failures": _failures(rows),
        "cases": rows,
    }
    report["metrics"] = headline(report)
    report["gate"] = gate(report, load_thresholds(thresholds))
    return report


def _meta(
    rows: Sequence[Row],
    settings: Settings,
    dataset: Path,
    thresholds: Path,
    similarity: Similarity | None,
) -> dict[str, Any]:
    """What was run: the questions, the backend, the store, the gate."""
    return {
        "dataset": str(dataset),
        "cases": len(rows),
        "backend": settings.resolved_answerer,
        "backends": sorted({str(r["backend"]) for r in rows if r["backend"]}),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": str(settings.store_dir),
        "checker_similarity": "e5" if similarity else None,
        "thresholds": str(thresholds),
    }


def _summaries(rows: Sequence[Row]) -> dict[str, Any]:
    """The scores over all rows: retrieval, answers, grounding, consistency, latency, canaries."""
    canaries = [r for r in rows if r["canary"]]
    return {
        "retrieval": {
            "search": retrieval_tables(rows, "retrieval"),
            "citations": retrieval_tables(rows, "cited_retrieval"),
        },
        "answer": metrics.fact_scores(rows)
        | metrics.abstention_scores(r["outcome"] for r in rows)
        | metrics.verdict_scores(rows),
        "grounding": metrics.grounding_scores(rows),
        "consistency": metrics.consistency(rows),
        "latency": metrics.latency(rows),
        "canaries": {
            "pass_rate": metrics.mean([float(bool(r["canary_passed"])) for r in canaries]),
            "failed": [r["id"] for r in canaries if not r["canary_passed"]],
        },
        "by_tag": metrics.by_tag(rows),
    }


def _failures(rows: Sequence[Row]) -> dict[str, list[dict[str, Any]]]:
    """The cases that failed, by reason."""
    return {
        reason: [
            {"id": r["id"], "why": r["failures"][reason]} for r in rows if reason in r["failures"]
        ]
        for reason in metrics.FAILURE_REASONS
    }
