"""Ask every question of a set through assistant.ask, score the answers offline, write answers.jsonl
and
the reports. The names the app and tests use are re-exported here."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.settings import Settings
from evals.data import GOLD, PAIRS, THRESHOLDS, corpus_meta, read_cases, read_jsonl, works
from evals.judge import evaluate_checker, judge_answers, make_similarity
from evals.score import retrieval_tables, score_case, score_records

if TYPE_CHECKING:
    from assistant.runtime import Runtime

Progress = Callable[[int, int], None]
__all__ = [
    "GOLD",
    "PAIRS",
    "THRESHOLDS",
    "ask_case",
    "corpus_meta",
    "default_out_dir",
    "evaluate_checker",
    "judge_answers",
    "make_similarity",
    "read_jsonl",
    "retrieval_tables",
    "run_eval",
    "score_case",
    "score_records",
    "works",
]


def ask_case(case: dict[str, Any], runtime: Runtime) -> dict[str, Any]:
    """The JSON contract of one answer plus the doc ids of a separate top-5 retrieval run."""
    from assistant.service import ask
    from index.language import detect_language

    try:
        record = ask(
            case["question"], history=case.get("history") or [], id=case["id"], runtime=runtime
        ).to_json()
    except (
        AssistantError
    ) as exc:  # an invalid question is scored as a refusal; a missing index stops the run
        record = {"id": case["id"], "question": case["question"], "error": str(exc)}
    query = runtime.standalone(case["question"], case.get("history"))
    passages = runtime.search(query, k=5, lang=detect_language(case["question"]))
    record["retrieved"] = [p.doc_id for p in passages]
    return record


def default_out_dir(settings: Settings) -> Path:
    """evals/out/<timestamp>-<backend>: one folder per run, never overwritten."""
    return settings.eval_dir / f"{datetime.now():%Y%m%d-%H%M%S}-{settings.resolved_answerer}"


def _answer_all(
    cases: list[dict[str, Any]], runtime: Runtime, path: Path, progress: Progress | None
) -> list[dict[str, Any]]:
    """Ask every case, writing each answer to `path` as it comes (a stopped run keeps them)."""
    records = []
    with open(path, "w", encoding="utf-8") as f:
        for i, case in enumerate(cases, 1):
            records.append(ask_case(case, runtime))
            f.write(json.dumps(records[-1], ensure_ascii=False) + "\n")
            f.flush()
            if progress:
                progress(i, len(cases))
    return records


def run_eval(
    settings: Settings,
    dataset_path: Path | Sequence[Path] = GOLD,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    *,
    limit: int | None = None,
    baseline: dict[str, Any] | None = None,
    judge: bool = False,
    thresholds: Path = THRESHOLDS,
    runtime: Runtime | None = None,
) -> dict[str, Any]:
    """Ask every gold question, score the answers, write answers.jsonl, report.json and report.md;
    return the report."""
    from assistant.runtime import Runtime
    from evals.report import write_report

    runtime = runtime or Runtime(settings)

    paths = [Path(dataset_path)] if isinstance(dataset_path, str | Path) else list(dataset_path)
    cases = read_cases(paths)[: limit or None]
    out = Path(out_dir) if out_dir else default_out_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    records = _answer_all(cases, runtime, out / "answers.jsonl", progress)
    report = score_records(
        records,
        cases,
        runtime.settings,
        judge=judge,
        thresholds=thresholds,
        dataset=paths[0] if len(paths) == 1 else Path(", ".join(str(p) for p in paths)),
        similarity=runtime.similarity,
    )
    write_report(report, out, baseline)
    return report
