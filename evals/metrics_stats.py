"""The shapes every evaluator shares: a Metric (a share and its count), a scored Row, and the
arithmetic that turns counts and timings into them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Metric = dict[str, Any]  # {"value": float | None, "n": int}: a share and what it was counted over
Row = dict[str, Any]  # one scored gold case (see evals/README.md)


def ratio(hits: float, n: int) -> Metric:
    """A share that is null with n=0, never NaN, when there was nothing to count."""
    return {"value": round(hits / n, 4) if n else None, "n": n}


def mean(values: Sequence[float]) -> Metric:
    """The average of per-item scores as a Metric."""
    return ratio(sum(values), len(values))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 1)
