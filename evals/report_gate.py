"""The threshold gate and the baseline comparison: which metrics pass their bounds, and which got
worse than in an earlier report."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

LOWER_IS_BETTER = ("answer.false_abstention", "grounding.unsupported_claim_rate", "latency.")
LATENCY_SLACK = 1.25  # latency regresses when it is this much slower than the baseline


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """{"min": {metric: bound}, "max": {metric: bound}} from a TOML file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AssistantError(
            f"Cannot read thresholds {path}: {exc}; see evals/thresholds.toml"
        ) from None
    return {
        side: {str(k): float(v) for k, v in data.get(side, {}).items()} for side in ("min", "max")
    }


def gate(report: dict[str, Any], thresholds: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Each threshold checked against the report; an unmeasured metric (null) fails."""
    results = []
    for side, op in (("min", ">="), ("max", "<=")):
        for name, bound in thresholds.get(side, {}).items():
            metric = report["metrics"].get(name, {"value": None, "n": 0})
            value = metric["value"]
            ok = value is not None and (value >= bound if side == "min" else value <= bound)
            results.append(
                {
                    "metric": name,
                    "op": op,
                    "threshold": bound,
                    "value": value,
                    "n": metric["n"],
                    "passed": ok,
                }
            )
    return {"passed": all(r["passed"] for r in results), "results": results}


def _worse(name: str, value: float, base: float) -> bool:
    if name.startswith("latency."):
        return value > base * LATENCY_SLACK
    return value > base + 1e-9 if name.startswith(LOWER_IS_BETTER) else value < base - 1e-9


def compare(report: dict[str, Any], baseline: dict[str, Any]) -> list[dict[str, Any]]:
    """Metric deltas against a baseline report, then the cases that changed between pass and
    fail."""
    rows = []
    for name, metric in report["metrics"].items():
        value, base = metric["value"], baseline.get("metrics", {}).get(name, {}).get("value")
        delta = round(value - base, 4) if value is not None and base is not None else None
        rows.append(
            {
                "metric": name,
                "value": value,
                "baseline": base,
                "delta": delta,
                "regression": delta is not None and _worse(name, value, base),
            }
        )
    before = {c["id"]: c for c in baseline.get("cases", [])}
    for case in report.get("cases", []):
        old = before.get(case["id"])
        if old is not None and old["passed"] != case["passed"]:
            rows.append(
                {
                    "metric": f"case {case['id']}",
                    "value": "pass" if case["passed"] else "fail",
                    "baseline": "pass" if old["passed"] else "fail",
                    "delta": None,
                    "regression": not case["passed"],
                    "why": "; ".join(case["failures"].values()),
                }
            )
    return rows
