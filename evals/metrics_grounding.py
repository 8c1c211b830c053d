"""Grounding evaluators: each answer sentence checked against its citations, the citation scores
over all answers, and the checker itself scored on labelled pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from assistant.verify import (
    CONTRADICTED,
    SUPPORTED,
    UNDETERMINED,
    UNVERIFIABLE,
    VERDICTS,
    check_answer,
    check_claim,
)
from evals.metrics_stats import Row, mean, ratio

Similarity = Callable[[str, str], float]
UNSUPPORTED = (CONTRADICTED, UNVERIFIABLE)
# check_answer's reason for the texts the assistant composes around quotes
OWN_WORDS = "the assistant's own words"


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
