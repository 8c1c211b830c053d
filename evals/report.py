"""Reports: the headline metrics, the threshold gate, baseline comparison, and report.json /
report.md.

The gate and the comparison live in evals/report_gate.py and are importable from here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from evals.charts import write_charts
from evals.metrics import FAILURE_REASONS, Metric, mean
from evals.report_gate import compare, gate, load_thresholds

__all__ = [
    "KINDS",
    "checker_lines",
    "compare",
    "gate",
    "gate_lines",
    "headline",
    "headline_table",
    "load_report",
    "load_thresholds",
    "to_markdown",
    "write_report",
]

KINDS = (
    "broad",
    "list",
    "yes-no",
    "follow-up",
    "paraphrase",
    "sloppy",
    "cross-lingual",
    "en",
    "cs",
    "ru",
)  # the kinds of question whose fact recall the headline shows


def headline(report: dict[str, Any]) -> dict[str, Metric]:
    """The flat metric names that the gate, the comparison and the tables use."""
    search, cited = report["retrieval"]["search"], report["retrieval"]["citations"]
    out = {f"retrieval.hit@5.{subset}": table["hit@5"] for subset, table in search.items()}
    out |= {f"retrieval.{m}.all": search["all"][m] for m in ("hit@1", "hit@3", "recall@5", "mrr")}
    out |= {f"cited.{m}.all": cited["all"][m] for m in ("hit@1", "hit@5", "mrr")}
    out |= {f"answer.{k}": v for k, v in report["answer"].items()}
    out |= {
        f"grounding.{k}": report["grounding"][k]
        for k in ("citation_precision", "citation_recall", "unsupported_claim_rate")
    }
    out |= {f"consistency.{k}": v for k, v in report["consistency"].items()}
    tags = report.get("by_tag", {})
    out |= {f"answer.fact_recall.{t}": tags[t]["fact_recall"] for t in KINDS if t in tags}
    out["canaries.pass_rate"] = report["canaries"]["pass_rate"]
    out["cases.pass_rate"] = mean([float(r["passed"]) for r in report["cases"]])
    out |= {
        f"checker.{k}": report["checker"][k]
        for k in ("precision_unsupported", "recall_unsupported", "f1_unsupported")
    }
    lat = report["latency"].get("all", {})
    out |= {
        f"latency.{p}": {"value": lat.get(p), "n": lat.get("n", 0)} for p in ("p50_ms", "p95_ms")
    }
    return out


def gate_lines(result: dict[str, Any]) -> list[str]:
    """One PASS/FAIL line per threshold, with the value and the bound."""
    return [
        f"{'PASS' if r['passed'] else 'FAIL'}  {r['metric']:<32} {_fmt(r['value'])} {r['op']} "
        f"{r['threshold']:g}"
        f"  (n={r['n']})"
        for r in result["results"]
    ]


def load_report(path: Path | str) -> dict[str, Any]:
    """A report.json written by `python -m evals run` or `score`."""
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssistantError(
            f"Cannot read report {path}: {exc}; pass a report.json from 'python -m evals run'"
        ) from None
    if not isinstance(report, dict) or "metrics" not in report:
        raise AssistantError(f'{path} is not an evals report (no "metrics"): pass a report.json')
    return report


def _fmt(value: Any, name: str = "") -> str:
    if value is None:
        return "–"
    if name.startswith("latency."):
        return f"{value:.0f} ms"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def headline_table(report: dict[str, Any]) -> str:
    """The headline metrics as aligned text (what `run` and `score` print)."""
    bounds = {r["metric"]: r for r in report.get("gate", {}).get("results", [])}
    lines = [f"{'metric':<36} {'value':>9} {'n':>5}  threshold"]
    for name, m in report["metrics"].items():
        b = bounds.get(name)
        mark = f"{b['op']} {b['threshold']:g}  {'PASS' if b['passed'] else 'FAIL'}" if b else ""
        lines.append(f"{name:<36} {_fmt(m['value'], name):>9} {m['n']:>5}  {mark}")
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
        "| " + " | ".join(r) + " |" for r in rows
    ]


def _headline_md(report: dict[str, Any], baseline: dict[str, Any] | None) -> list[str]:
    bounds = {r["metric"]: r for r in report.get("gate", {}).get("results", [])}
    deltas = {c["metric"]: c for c in compare(report, baseline)} if baseline else {}
    header = ["metric", "value", "n", "threshold"] + (["baseline", "Δ"] if baseline else [])
    rows = []
    for name, m in report["metrics"].items():
        b, d = bounds.get(name), deltas.get(name, {})
        row = [
            name,
            _fmt(m["value"], name),
            str(m["n"]),
            f"{b['op']} {b['threshold']:g} {'✅' if b['passed'] else '❌'}" if b else "",
        ]
        if baseline:
            flag = " ⚠" if d.get("regression") else ""
            row += [
                _fmt(d.get("baseline"), name),
                (f"{d['delta']:+.3f}" if d.get("delta") is not None else "–") + flag,
            ]
        rows.append(row)
    return _table(header, rows)


def _retrieval_md(report: dict[str, Any]) -> list[str]:
    out = []
    cols = ["hit@1", "hit@3", "hit@5", "recall@5", "mrr"]
    for source, title in (
        ("search", "retrieval run (top 5)"),
        ("citations", "the answer's citations"),
    ):
        tables = report["retrieval"][source]
        out += [f"\n**From {title}**\n"] + _table(
            ["subset", *cols, "n"],
            [
                [s, *(_fmt(t[c]["value"]) for c in cols), str(t["hit@5"]["n"])]
                for s, t in tables.items()
            ],
        )
    return out


def checker_lines(checker: dict[str, Any]) -> list[str]:
    """The checker evaluation as Markdown: P/R/F1, catch rate per kind, confusion matrix, the pairs
    it got wrong."""
    out = [
        f"Unsupported class: precision {_fmt(checker['precision_unsupported']['value'])}, recall "
        f"{_fmt(checker['recall_unsupported']['value'])}, F1 "
        f"{_fmt(checker['f1_unsupported']['value'])} "
        f"over {checker['n']} pairs.\n"
    ]
    out += _table(
        ["kind", "gold", "flagged", "n"],
        [
            [k, v["gold"], _fmt(v["flagged"]["value"]), str(v["flagged"]["n"])]
            for k, v in sorted(checker["per_kind"].items())
        ],
    )
    verdicts = list(next(iter(checker["confusion"].values())))
    out += ["\nConfusion (gold × verdict):\n"] + _table(
        ["gold", *verdicts],
        [
            [label, *(str(counts[v]) for v in verdicts)]
            for label, counts in checker["confusion"].items()
        ],
    )
    return out + [
        f"- checker wrong on {w['id']} ({w['kind']}): {w['verdict']}, {w['reason']}"
        for w in checker["wrong"]
    ]


def _failures_md(report: dict[str, Any]) -> list[str]:
    out = []
    for reason in FAILURE_REASONS:
        cases = report["failures"].get(reason, [])
        if cases:
            out += [f"\n### {reason} ({len(cases)})\n"] + [
                f"- **{c['id']}**: {c['why']}" for c in cases
            ]
    return out or ["No failures."]


def _by_tag_md(report: dict[str, Any]) -> list[str]:
    """The per-tag table: pass rate, fact recall, hit@5 and citation precision."""
    return _table(
        ["tag", "passed", "fact recall", "hit@5", "citation precision", "n"],
        [
            [
                t,
                *(
                    _fmt(v[k]["value"])
                    for k in ("passed", "fact_recall", "hit@5", "citation_precision")
                ),
                str(v["passed"]["n"]),
            ]
            for t, v in report["by_tag"].items()
        ],
    )


def _regressions_md(report: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """The section listing each metric or case that got worse than in the baseline."""
    changed = [c for c in compare(report, baseline) if c["regression"]]
    return ["\n## Regressions against the baseline\n"] + (
        [
            f"- {c['metric']}: {_fmt(c['baseline'])} → {_fmt(c['value'])} {c.get('why', '')}"
            for c in changed
        ]
        or ["None."]
    )


def to_markdown(
    report: dict[str, Any],
    baseline: dict[str, Any] | None = None,
    charts: list[tuple[str, str]] | None = None,
) -> str:
    """report.md: headline, per-subset retrieval, per-tag table, checker, failures, and regressions
    against a baseline."""
    meta, g = report["meta"], report.get("gate", {})
    lines = [
        f"# Evaluation report: {'PASS' if g.get('passed') else 'FAIL'}\n",
        f"{meta['cases']} cases from `{meta['dataset']}`, backend {meta['backend']}, "
        f"{meta['created']}.\n",
        "## Headline\n",
        *_headline_md(report, baseline),
        "\n## Gate\n",
        "```",
        *gate_lines(g),
        "```",
        "\n## Retrieval by subset",
        *_retrieval_md(report),
        "\n## Answers\n",
        f"Outcomes: {report['grounding']['outcomes']}; sentence verdicts: "
        f"{report['grounding']['verdicts']}; latency: {report['latency']}; judge: "
        f"{report['judge']}.\n",
        "\n## By tag\n",
        *[f"![{caption}]({name})\n" for name, caption in charts or []],
        *_by_tag_md(report),
        "\n## Grounding checker\n",
        *checker_lines(report["checker"]),
        "\n## Failures",
        *_failures_md(report),
    ]
    if baseline:
        lines += _regressions_md(report, baseline)
    return "\n".join(lines) + "\n"


def write_report(
    report: dict[str, Any], out_dir: Path, baseline: dict[str, Any] | None = None
) -> None:
    """report.json (every number and per-case row) and report.md (for people) in out_dir."""
    if baseline:
        report["comparison"] = compare(report, baseline)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    charts = write_charts(report, out_dir)
    (out_dir / "report.md").write_text(to_markdown(report, baseline, charts), encoding="utf-8")
