"""Calibrate the abstention threshold on the gold set: the evidence score of every question's best
eligible sentence, then the refusal rates on both sides for each threshold.

    python -m evals.calibrate [--dataset evals/datasets/gold.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.answerers.extractive import score_sentences, threshold_factor
from assistant.context import gather_passages
from assistant.conversation import condense
from assistant.runtime import Runtime
from assistant.service import ANSWER_LANGUAGES
from assistant.settings import PROJECT_ROOT, load_settings
from index.language import detect_language
from index.offline import configure_offline


def evidence_scores(dataset: Path) -> list[dict[str, Any]]:
    """Per case: answerable?, the best eligible sentence's coverage on the passages ask() reads (0
    when none)."""
    settings = load_settings()
    runtime = Runtime(settings)
    out = []
    for line in dataset.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        question = condense(case["question"], case.get("history") or [])
        lang = detect_language(question)
        passages = gather_passages(
            runtime, question, lang, lang if lang in ANSWER_LANGUAGES else "en", settings.top_k
        )
        best = next((s for s in score_sentences(question, lang, passages) if s.eligible), None)
        factor = threshold_factor(
            question
        )  # scaled so that one threshold compares both kinds of question
        out.append(
            {
                "id": case["id"],
                "answerable": case["answerable"],
                "score": best.coverage / factor if best else 0.0,
            }
        )
    return out


def sweep(rows: list[dict[str, Any]]) -> list[tuple[float, float, float]]:
    """(threshold, unanswerable refused, answerable wrongly refused) for thresholds 0.20..0.70."""
    ans = [r["score"] for r in rows if r["answerable"]]
    una = [r["score"] for r in rows if not r["answerable"]]
    table = []
    for t in [x / 100 for x in range(20, 71, 5)]:
        table.append(
            (
                t,
                sum(s < t for s in una) / max(1, len(una)),
                sum(s < t for s in ans) / max(1, len(ans)),
            )
        )
    return table


def main() -> None:
    configure_offline()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dataset", type=Path, default=PROJECT_ROOT / "evals" / "datasets" / "gold.jsonl"
    )
    args = parser.parse_args()
    rows = evidence_scores(args.dataset)
    print("| threshold | unanswerable refused | answerable refused |\n| --- | --- | --- |")
    for t, refused, false_refused in sweep(rows):
        print(f"| {t:.2f} | {refused:.3f} | {false_refused:.3f} |")
    print(
        "\nUnanswerable with an eligible answer:",
        ", ".join(
            f"{r['id']} {r['score']:.2f}" for r in rows if not r["answerable"] and r["score"] > 0
        ),
    )
    print(
        "Answerable without:",
        ", ".join(r["id"] for r in rows if r["answerable"] and r["score"] == 0),
    )


if __name__ == "__main__":
    main()
