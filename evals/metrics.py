"""Evaluators: small offline functions that score one ranking, one answer or one set of rows against
gold data."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from assistant.evidence import numbers
from assistant.verify import (
    CONTRADICTED,
    SUPPORTED,
    UNDETERMINED,
    UNVERIFIABLE,
    VERDICTS,
    check_answer,
    check_claim,
    strip_markers,
)
from index.language import fold

Metric = dict[str, Any]  # {"value": float | None, "n": int}: a share and what it was counted over
Row = dict[str, Any]  # one scored gold case (see evals/README.md)
Similarity = Callable[[str, str], float]
UNSUPPORTED = (CONTRADICTED, UNVERIFIABLE)
KS = (1, 3, 5)
# check_answer's reason for the texts the assistant composes around quotes
OWN_WORDS = "the assistant's own words"
FAILURE_REASONS = (
    "retrieval_miss",
    "false_refusal",
    "false_answer",
    "evidence_unused",
    "unsupported_claim",
    "wrong_language",
)  # in pipeline order: the first one listed for a case is its main cause
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def ratio(hits: float, n: int) -> Metric:
    """A share that is null with n=0, never NaN, when there was nothing to count."""
    return {"value": round(hits / n, 4) if n else None, "n": n}


def mean(values: Sequence[float]) -> Metric:
    """The average of per-item scores as a Metric."""
    return ratio(sum(values), len(values))


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


def ground(
    text: str,
    citations: Sequence[Mapping[str, Any]],
    lang: str,
    similarity: Similarity | None = None,
) -> dict[str, Any]:
    """Check each answer sentence against its citations together, and each (sentence, citation) pair
    alone."""
    quotes = {int(c["n"]): str(c["quote"]) for c in citations}
    titles = {int(c["n"]): str(c.get("title", "")) for c in citations}
    checks = check_answer(text, quotes, lang, similarity, titles)
    own = [
        c for c in checks if c.reason == OWN_WORDS
    ]  # e.g. "The sources differ: A says x [1]; B says y [2]."
    claims = [
        c for c in checks if (c.citations or c.verdict != UNDETERMINED) and c not in own
    ]  # nor headings
    pairs = [
        check_claim(
            c.text, [quotes[n]] if n in quotes else [], lang, similarity, titles.get(n, "")
        ).verdict
        == SUPPORTED
        for c in claims
        for n in c.citations
    ]
    return {
        "checks": [asdict(c) for c in checks],
        "claims": len(claims),
        "supported_claims": sum(c.verdict == SUPPORTED for c in claims),
        "unsupported_claims": sum(c.verdict in UNSUPPORTED for c in claims),
        "own_words": len(own),
        "citation_pairs": len(pairs),
        "supported_pairs": sum(pairs),
        "verdicts": {v: sum(c.verdict == v for c in checks) for v in VERDICTS},
    }


def grounding_scores(rows: Sequence[Row]) -> dict[str, Any]:
    """Citation precision and recall, unsupported-claim rate and four-way verdict counts over all
    answers."""
    total = {
        k: sum(r[k] for r in rows)
        for k in (
            "claims",
            "supported_claims",
            "unsupported_claims",
            "citation_pairs",
            "supported_pairs",
            "own_words",
        )
    }
    verdicts = {v: sum(r["verdicts"][v] for r in rows) for v in VERDICTS}
    return {
        "citation_precision": ratio(total["supported_pairs"], total["citation_pairs"]),
        "citation_recall": ratio(total["supported_claims"], total["claims"]),
        "unsupported_claim_rate": ratio(total["unsupported_claims"], total["claims"]),
        "verdicts": verdicts,
        "own_words": total["own_words"],  # the assistant's composed lines: not claims, not scored
        "outcomes": dict(Counter(r["outcome"] for r in rows)),
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


def _short(text: str, n: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _answerable_failures(row: Row) -> dict[str, str]:
    missed = [f["forms"][0] for f in row["facts"] if not f["found"]]
    if not (row["abstained"] or missed or not row["cited_expected"]):
        return {}
    out: dict[str, str] = {}
    if row["retrieval"] is not None and not row["retrieval"]["hit@5"]:
        out["retrieval_miss"] = "top 5 retrieved: " + (
            ", ".join(dict.fromkeys(row["retrieved"])) or "nothing"
        )
    if row["abstained"]:
        out["false_refusal"] = row.get("error") or "abstained on an answerable question"
    elif "retrieval_miss" not in out:
        why = (
            []
            if row["cited_expected"]
            else [
                "cited "
                + (", ".join(dict.fromkeys(row["cited"])) or "nothing")
                + f", not {' / '.join(row['expected_sources'])}"
            ]
        )
        why += [f"missed {', '.join(repr(m) for m in missed)}"] if missed else []
        out["evidence_unused"] = "; ".join(why)
    return out


def failure_reasons(row: Row) -> dict[str, str]:
    """Why a case failed, attributed by pipeline stage from gold evidence without an LLM: reason →
    one-line why."""
    reasons = _answerable_failures(row) if row["answerable"] else {}
    if not row["answerable"] and not row["abstained"]:
        reasons["false_answer"] = "answered: " + _short(row["answer"])
    bad = [c for c in row["checks"] if c["verdict"] in UNSUPPORTED]
    if bad:
        reasons["unsupported_claim"] = (
            f"{len(bad)} sentence(s), first {bad[0]['verdict']} ({bad[0]['reason']}): "
            + _short(bad[0]["text"])
        )
    if row["answer_language"] != row["language"]:
        reasons["wrong_language"] = (
            f"answered in {row['answer_language']}, asked in {row['language']}"
        )
    return reasons


def canary_passed(row: Row) -> bool:
    """A canary must never regress: critical facts stated with an expected source cited, or the
    unanswerable refused."""
    if not row["answerable"]:
        return bool(row["abstained"])
    critical = [f["found"] for f in row["facts"] if f["critical"]]
    return not row["abstained"] and row["cited_expected"] and all(critical)


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


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 1)


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


def checker_scores(results: Sequence[tuple[str, bool, str]]) -> dict[str, Any]:
    """The checker on labelled (kind, supported, verdict) pairs: P/R/F1 on 'unsupported', per-kind
    catch rate, confusion."""
    flagged = [(kind, supported, verdict in UNSUPPORTED) for kind, supported, verdict in results]
    tp = sum(not s and f for _, s, f in flagged)
    fp = sum(s and f for _, s, f in flagged)
    fn = sum(not s and not f for _, s, f in flagged)
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    p, r = precision["value"], recall["value"]
    f1 = {
        "value": round(2 * p * r / (p + r), 4)
        if p is not None and r is not None and p + r
        else None,
        "n": tp + fp + fn,
    }
    kinds: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for kind, s, f in flagged:
        kinds[kind].append((s, f))
    per_kind = {
        k: {
            "gold": "supported" if v[0][0] else "unsupported",
            "flagged": mean([float(f) for _, f in v]),
        }
        for k, v in kinds.items()
    }
    confusion = {
        label: {
            v: sum(1 for _, s, verdict in results if s == (label == "supported") and verdict == v)
            for v in VERDICTS
        }
        for label in ("supported", "unsupported")
    }
    return {
        "precision_unsupported": precision,
        "recall_unsupported": recall,
        "f1_unsupported": f1,
        "per_kind": per_kind,
        "confusion": confusion,
        "n": len(results),
    }
