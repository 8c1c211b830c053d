"""Failure attribution: why one scored case failed, by pipeline stage, and whether a canary held."""

from __future__ import annotations

from evals.metrics_grounding import UNSUPPORTED
from evals.metrics_stats import Row

FAILURE_REASONS = (
    "retrieval_miss",
    "false_refusal",
    "false_answer",
    "evidence_unused",
    "unsupported_claim",
    "wrong_language",
)  # in pipeline order: the first one listed for a case is its main cause


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
