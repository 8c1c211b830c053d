"""What a fitted scorer would do on the training cases: the answer each case gets, the threshold
that serves the evaluation's measure best, and the policy threshold (used by evals/fit.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.extract.features import FEATURES


@dataclass
class Case:
    """One training question's usable candidates: features and the expected facts each one
    states."""

    id: str
    answerable: bool
    x: np.ndarray  # candidates x features
    facts: np.ndarray  # candidates x expected facts: the sentence states the fact
    limit: int  # sentences an answer may show: one for a question that names its fact


_FOREIGN = FEATURES.index("foreign")


def outcomes(
    cases: list[Case], w: np.ndarray, extra: float, refusal: np.ndarray | None = None
) -> list[tuple[float, float, bool]]:
    """Per case: the best refusal score (of `refusal`, else of the ranking weights), the share of
    facts stated by the answer it would give, answerable?"""
    return [o[:3] for o in situated(cases, w, extra, refusal)]


def situated(
    cases: list[Case], w: np.ndarray, extra: float, refusal: np.ndarray | None = None
) -> list[tuple[float, float, bool, bool]]:
    """`outcomes` with, per case, whether its best-ranked sentence is in another language than
    the question (the model's foreign_threshold applies)."""
    out = []
    for c in cases:
        if not len(c.x):
            out.append((-99.0, 0.0, c.answerable, False))
            continue
        z = c.x @ w
        order = np.argsort(-z)
        shown = [i for i in order[: c.limit] if z[i] >= z[order[0]] - extra]
        recall = float(c.facts[shown].any(axis=0).mean()) if c.facts.shape[1] else 0.0
        best = float(z[order[0]]) if refusal is None else float(np.max(c.x @ refusal))
        out.append((best, recall, c.answerable, bool(c.x[order[0], _FOREIGN])))
    return out


REFUSAL_WEIGHT = 0.5  # a refused unanswerable question counts half a fully answered one


def _utility(outcomes: list[tuple[float, float, bool]], t: float) -> float:
    ans = [r if z >= t else 0.0 for z, r, a in outcomes if a]
    una = [float(z < t) for z, _, a in outcomes if not a]
    return sum(ans) / max(1, len(ans)) + REFUSAL_WEIGHT * sum(una) / max(1, len(una))


def best_threshold(outcomes: list[tuple[float, float, bool]]) -> tuple[float, float]:
    """The threshold (between two observed best scores) with the highest utility, and that
    utility."""
    values = sorted({z for z, _, _ in outcomes})
    cuts = [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1]
    scored = [(_utility(outcomes, t), t) for t in cuts]
    u, t = max(scored)
    return t, u


MAX_FALSE_REFUSALS = 0.10  # of answerable training questions with a candidate: the policy's bound


def policy_threshold(outcomes: list[tuple[float, float, bool]]) -> float:
    """The highest threshold that refuses at most MAX_FALSE_REFUSALS of the answerable questions
    that have a candidate: being useful comes first, and refusing the rest is what the scores allow.
    """
    best = sorted(z for z, _, a in outcomes if a and z > -99)
    if not best:
        return 0.0
    k = int(MAX_FALSE_REFUSALS * len(best))
    return (best[k - 1] + best[k]) / 2 if 0 < k < len(best) else best[0] - 1


MIN_SITUATED = 20  # training cases a situation needs for a threshold of its own
