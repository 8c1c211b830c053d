"""Evaluators: small offline functions that score one ranking, one answer or one set of rows against
gold data.

Grounding lives in evals/metrics_grounding.py, failure attribution in evals/metrics_failures.py and
the shared Metric arithmetic in evals/metrics_stats.py; every evaluator is importable from here."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.evidence import numbers
from assistant.verify import strip_markers
from evals.metrics_failures import FAILURE_REASONS, canary_passed, failure_reasons
from evals.metrics_grounding import (
    OWN_WORDS,
    UNSUPPORTED,
    Similarity,
    checker_scores,
    ground,
    grounding_scores,
)
from evals.metrics_stats import Metric, Row, mean, percentile, ratio
from index.language import fold

__all__ = [
    "FAILURE_REASONS",
    "KS",
    "OWN_WORDS",
    "UNSUPPORTED",
    "Metric",
    "Row",
    "Similarity",
    "abstention_scores",
    "by_tag",
    "canary_passed",
    "canonical",
    "checker_scores",
    "consistency",
    "fact_scores",
    "facts_found",
    "failure_reasons",
    "form_found",
    "ground",
    "grounding_scores",
    "hit_at_k",
    "latency",
    "mean",
    "outcome",
    "percentile",
    "ranking_scores",
    "ratio",
    "recall_at_k",
    "reciprocal_rank",
    "verdict_of",
    "verdict_scores",
]

KS = (1, 3, 5)
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def hit_at_k(ranked: Sequence[str], expected: Iterable[str], k: int) -> bool:
    """Whether any expected document is among the first k results."""
    wanted = set(expected)
    return any(doc in wanted for doc in ranked[:k])


def recall_at_k(
    ranked: Sequence[str], expected: Iterable[str], k: int, works: Mapping[str, str] | None = None
) -> float:
    """Share of expected documents in the first k; a document and its translation (same work) count
    as one."""
    works = works or {}
    wanted = {works.get(d, d) for d in expected}
    if not wanted:
        return 0.0
    return len(wanted & {works.get(d, d) for d in ranked[:k]}) / len(wanted)


def reciprocal_rank(ranked: Sequence[str], expected: Iterable[str]) -> float:
    """1/rank of the first expected document, 0 when none was found (averaged, this is MRR)."""
    wanted = set(expected)
    return next((1.0 / i for i, doc in enumerate(ranked, 1) if doc in wanted), 0.0)


def ranking_scores(
    ranked: Sequence[str], expected: Sequence[str], works: Mapping[str, str] | None = None
) -> dict[str, float]:
    """hit@k, recall@k (k = 1, 3, 5) and reciprocal rank of one ranking."""
    out = {f"hit@{k}": float(hit_at_k(ranked, expected, k)) for k in KS}
    out |= {f"recall@{k}": recall_at_k(ranked, expected, k, works) for k in KS}
    out["mrr"] = reciprocal_rank(ranked, expected)
    return out


def canonical(text: str) -> str:
    """Text without [n] markers, case or diacritics, with numbers normalised ('600 000' → '600000',
    '2,3' → '2.3')."""
    folded = re.sub(r"\s+", " ", fold(strip_markers(text)[0]))
    return _NUMBER.sub(lambda m: next(iter(numbers(m.group())), m.group()), folded)


def form_found(form: str, text: str, critical: bool) -> bool:
    """A non-critical form matches loosely; a critical one only with exactly the same numbers and
    dates."""
    if not critical:
        return (
            re.search(r"(?<!\w)" + re.escape(re.sub(r"\s+", " ", fold(form))), canonical(text))
            is not None
        )
    form = canonical(form)
    end = (
        r"(?!\d|[.,]\d)" if form[-1:].isdigit() else ""
    )  # '2009' is not '20091'; 'Moldavsk' is a stem
    return re.search(r"(?<![\w.,])" + re.escape(form) + end, canonical(text)) is not None


def facts_found(facts: Sequence[Mapping[str, Any]], text: str) -> list[bool]:
    """For each expected fact: does the answer state any of its forms?"""
    return [
        any(form_found(form, text, bool(f.get("critical"))) for form in f["forms"]) for f in facts
    ]


def outcome(answerable: bool, abstained: bool) -> str:
    """How a refusal scores: refusing the unanswerable is correct, refusing the answerable is a
    false refusal."""
    if abstained:
        return "false_refusal" if answerable else "correct_refusal"
    return "answered" if answerable else "false_answer"


def abstention_scores(outcomes: Iterable[str]) -> dict[str, Metric]:
    """Abstention precision/recall, false abstention rate and unanswerable-refused rate."""
    c = Counter(outcomes)
    abstained = c["correct_refusal"] + c["false_refusal"]
    unanswerable = c["correct_refusal"] + c["false_answer"]
    return {
        "abstention_precision": ratio(c["correct_refusal"], abstained),
        "abstention_recall": ratio(c["correct_refusal"], unanswerable),
        "false_abstention": ratio(c["false_refusal"], c["answered"] + c["false_refusal"]),
        "unanswerable_refused": ratio(c["correct_refusal"], unanswerable),
    }


def fact_scores(rows: Sequence[Row]) -> dict[str, Metric]:
    """Fact recall over every expected fact of the answerable cases (refusals count as facts
    missed)."""
    facts = [f for r in rows if r["answerable"] for f in r["facts"]]
    critical = [f for f in facts if f["critical"]]
    return {
        "fact_recall": mean([float(f["found"]) for f in facts]),
        "critical_fact_recall": mean([float(f["found"]) for f in critical]),
        "language_match": mean([float(r["answer_language"] == r["language"]) for r in rows]),
    }


def verdict_of(answer: str, abstained: bool) -> str:
    """How an answer decides a yes/no question: 'yes', 'no', 'not stated' (refused) or '' (evidence
    without a verdict). The assistant writes its verdict alone on the first line."""
    from assistant import messages

    if abstained:
        return "not stated"
    first = answer.strip().split("\n", 1)[0].strip()
    for key in ("yes", "no"):
        if first in messages.TEXTS[key].values():
            return key
    if first in messages.TEXTS["undecided"].values():
        return "not stated"
    return ""


def verdict_scores(rows: Sequence[Row]) -> dict[str, Metric]:
    """Yes/no questions answered with the expected verdict ('not stated' right on the
    unanswerable)."""
    judged = [r for r in rows if r.get("expected_verdict")]
    return {
        "verdict_accuracy": mean([float(r["verdict"] == r["expected_verdict"]) for r in judged])
    }


def by_tag(rows: Sequence[Row]) -> dict[str, dict[str, Metric]]:
    """Pass rate, fact recall, retrieval hit@5 and citation precision for every tag."""
    out = {}
    for tag in sorted({t for r in rows for t in r["tags"]}):
        tagged = [r for r in rows if tag in r["tags"]]
        searched = [
            r["retrieval"]["hit@5"]
            for r in tagged
            if r["answerable"] and r["retrieval"] is not None
        ]
        out[tag] = {
            "passed": mean([float(r["passed"]) for r in tagged]),
            "fact_recall": fact_scores(tagged)["fact_recall"],
            "hit@5": mean(searched),
            "citation_precision": grounding_scores(tagged)["citation_precision"],
        }
    return out


def _critical(row: Row) -> tuple[bool, ...]:
    return tuple(f["found"] for f in row["facts"] if f["critical"])


def consistency(rows: Sequence[Row]) -> dict[str, Metric]:
    """Across parallel en/cs questions: the same gold documents retrieved, the same critical facts,
    the same refusals."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.get("parallel_id"):
            groups[r["parallel_id"]].append(r)
    pairs = [g[:2] for g in groups.values() if len(g) >= 2]
    answerable = [(a, b) for a, b in pairs if a["answerable"] and b["answerable"]]
    searched = [
        (a, b) for a, b in answerable if a["retrieval"] is not None and b["retrieval"] is not None
    ]
    return {
        "retrieval": mean(
            [float(a["retrieval"]["hit@5"] and b["retrieval"]["hit@5"]) for a, b in searched]
        ),
        "facts": mean(
            [
                float(
                    _critical(a) == _critical(b)
                    if len(_critical(a)) == len(_critical(b))
                    else sum(_critical(a)) == sum(_critical(b))
                )
                for a, b in answerable
            ]
        ),
        "abstention": mean([float(a["abstained"] == b["abstained"]) for a, b in pairs]),
    }


def latency(rows: Sequence[Row]) -> dict[str, dict[str, Any]]:
    """p50/p95 of the total answer time per backend (and over all)."""
    by: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r.get("latency_ms") is not None:
            by[r["backend"] or "?"].append(float(r["latency_ms"]))
            by["all"].append(float(r["latency_ms"]))
    return {
        b: {"p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95), "n": len(v)}
        for b, v in by.items()
    }
