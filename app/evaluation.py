"""The evaluation page: run or load a report, gate verdict, headline metrics, charts, drill-down,
baseline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.render import answer_markdown
from assistant.runtime import Runtime
from assistant.settings import Settings
from evals.report import compare, gate, headline, load_report, load_thresholds
from evals.run import THRESHOLDS, run_eval
from evals.sets import SETS

# the headline metrics with names a person can read and what each one measures
HEADLINE = {
    "retrieval.hit@5.en": (
        "Right source found (English)",
        "Share of English questions whose evidence document is among the first 5 passages.",
    ),
    "retrieval.hit@5.cs": (
        "Right source found (Czech)",
        "Share of Czech questions whose evidence document is among the first 5 passages.",
    ),
    "retrieval.hit@5.cross-lingual": (
        "Right source found (other language)",
        "Questions asked in one language whose evidence is in another, found in the first 5.",
    ),
    "answer.fact_recall": (
        "Facts stated",
        "Share of the expected facts (dates, names, figures) that the answers state.",
    ),
    "grounding.citation_precision": (
        "Citations that hold",
        "Share of answer sentences that the passages they cite support.",
    ),
    "answer.unanswerable_refused": (
        "Unanswerable refused",
        "Share of questions the documents do not answer where the assistant said so.",
    ),
    "answer.false_abstention": (
        "Answerable refused",
        "Share of answerable questions the assistant refused (lower is better).",
    ),
    "latency.p50_ms": ("Median answer time", "Median time to answer one question, in ms."),
}
PRODUCT_SETS = [s for s in SETS.values() if s.corpus == "product"]


def evaluation_page(settings: Settings, open_runtime: Callable[[], Runtime | None]) -> None:
    st.title("Evaluation")
    reports = (
        sorted(settings.eval_dir.glob("*/report.json"), reverse=True)
        if settings.eval_dir.exists()
        else []
    )
    names = [str(p.parent.name) for p in reports]
    _choose_report(settings, names, open_runtime)
    report = st.session_state.get("eval_report")
    if not report:
        st.info("No report loaded yet.")
        return
    _verdict_and_metrics(report)
    _charts(report)
    _cases(report)
    base_name = st.selectbox("Compare with a baseline report", names, index=None, key="eval_base")
    if base_name:
        rows = compare(report, load_report(settings.eval_dir / base_name / "report.json"))
        st.dataframe(
            [r for r in rows if r.get("delta") or r["metric"].startswith("case")],
            hide_index=True,
            width="stretch",
        )


def _choose_report(
    settings: Settings, names: list[str], open_runtime: Callable[[], Runtime | None]
) -> None:
    left, right = st.columns(2)
    chosen = left.selectbox(
        "Question set",
        PRODUCT_SETS,
        format_func=lambda q: (
            f"{q.name} ({'held out, never tuned on' if q.role == 'blind' else 'training'})"
        ),
        key="eval_set",
    )
    runtime = open_runtime() if left.button(f"Run {chosen.name} now", key="run_eval") else None
    if runtime is not None:
        bar = st.progress(0.0, text=f"Asking the {chosen.name} questions…")

        def progress(i: int, n: int) -> None:
            bar.progress(i / n, text=f"{i}/{n} questions")

        report = run_eval(settings, chosen.paths, progress=progress, runtime=runtime)
        bar.empty()
        st.session_state["eval_report"] = report
        st.rerun()  # the saved-report list then holds this run
    pick = right.selectbox("…or load a saved report", names, index=None, key="eval_pick")
    uploaded = right.file_uploader("…or upload a report.json", type=["json"], key="eval_upload")
    if pick:
        st.session_state["eval_report"] = load_report(settings.eval_dir / pick / "report.json")
    if uploaded is not None:
        st.session_state["eval_report"] = json.loads(uploaded.getvalue())


def _verdict_and_metrics(report: dict[str, Any]) -> None:
    metrics = report.get("metrics") or headline(report)
    verdict = report.get("gate") or gate(report, load_thresholds(THRESHOLDS))
    failed = ", ".join(
        HEADLINE.get(r["metric"], (r["metric"],))[0] for r in verdict["results"] if not r["passed"]
    )
    (st.success if verdict["passed"] else st.error)(
        "Gate: PASS" if verdict["passed"] else f"Gate: FAIL — {failed}"
    )
    meta = report.get("meta", {})
    sets = ", ".join(Path(d.strip()).name for d in str(meta.get("dataset", "?")).split(","))
    st.caption(
        f"Question set: {sets} · {meta.get('cases', '?')} questions · answerer "
        f"{meta.get('backend', '?')} · gate {Path(str(meta.get('thresholds', THRESHOLDS))).name}"
    )
    cols = st.columns(4)
    for i, (key, (label, explanation)) in enumerate(HEADLINE.items()):
        value = metrics.get(key, {}).get("value")
        shown = (
            "—" if value is None else (f"{value:.0f} ms" if "latency" in key else f"{value:.3f}")
        )
        cols[i % 4].metric(label, shown, help=f"{explanation} ({key})")


def _charts(report: dict[str, Any]) -> None:
    import pandas as pd

    tags = {
        tag: row["passed"]["value"]
        for tag, row in report.get("by_tag", {}).items()
        if row["passed"]["value"] is not None
    }
    left, right = st.columns(2)
    left.caption("Pass rate per question tag")
    left.bar_chart(pd.Series(tags, name="pass rate"), x_label="tag", y_label="pass rate")
    right.caption("Answer time per question, fastest to slowest")
    right.bar_chart(
        pd.Series([c["latency_ms"] for c in report["cases"]], name="ms").sort_values(
            ignore_index=True
        ),
        x_label="questions (sorted by time)",
        y_label="ms",
    )


def _cases(report: dict[str, Any]) -> None:
    cases = report["cases"]
    only_failed = st.toggle("Only failed questions", value=True, key="eval_failed")
    rows = [
        {
            "id": c["id"],
            "passed": c["passed"],
            "outcome": c["outcome"],
            "language": c["language"],
            "failures": ", ".join(c["failures"]),
            "question": c["question"],
        }
        for c in cases
        if not (only_failed and c["passed"])
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    pick = st.selectbox("Open a question", [r["id"] for r in rows], index=None, key="eval_case")
    case = next((c for c in cases if c["id"] == pick), None)
    if case:
        st.markdown(f"**{answer_markdown(case['question'])}**")
        st.text(case["answer"])  # shown as text: answers quote documents
        for why, detail in case["failures"].items():
            st.warning(f"{why}: {detail}")
        st.json(
            {"facts": case["facts"], "checks": case["checks"], "citations": case["citations"]},
            expanded=False,
        )
