"""Retrieval choices measured on the gold set: chunk size, dense legs, query expansion.

    python -m bench.ablation [--sizes 100,160,250,400]

Builds one temporary store per configuration from corpus/ and prints hit@5 / MRR for English, Czech
and cross-lingual questions. The defaults in assistant/settings.py are the winners recorded in
docs/architecture.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.runtime import Runtime
from assistant.settings import PROJECT_ROOT, load_settings
from index.offline import configure_offline
from index.pipeline import ingest

GOLD = PROJECT_ROOT / "evals" / "datasets" / "gold.jsonl"


def cases() -> list[dict[str, Any]]:
    rows = [
        json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [r for r in rows if r["answerable"] and not r.get("history") and r["expected_sources"]]


def score(settings: Any, rows: list[dict[str, Any]], expand: bool) -> dict[str, dict[str, float]]:
    runtime = Runtime(settings)
    works = runtime.works()
    groups: dict[str, list[tuple[int, float]]] = {"en": [], "cs": [], "cross-lingual": []}
    for r in rows:
        found = [p.doc_id for p in runtime.search(r["question"], k=5, expand=expand)]
        want = {works.get(d, d) for d in r["expected_sources"]}
        ranks = [i for i, d in enumerate(found, 1) if works.get(d, d) in want]
        hit, rr = (1, 1 / ranks[0]) if ranks else (0, 0.0)
        groups[r["language"]].append((hit, rr))
        if "cross-lingual" in r["tags"]:
            groups["cross-lingual"].append((hit, rr))
    return {
        g: {
            "hit@5": statistics.mean(h for h, _ in v),
            "mrr": statistics.mean(x for _, x in v),
            "n": len(v),
        }
        for g, v in groups.items()
        if v
    }


def main() -> None:
    configure_offline()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,160,250,400")
    args = parser.parse_args()
    rows = cases()
    configs: list[tuple[str, int, tuple[str, ...], bool]] = [
        (f"chunk {n}, minilm+e5, expansion", int(n), ("minilm", "e5"), True)
        for n in args.sizes.split(",")
    ]
    configs += [
        ("chunk 160, minilm only, expansion", 160, ("minilm",), True),
        ("chunk 160, e5 only, expansion", 160, ("e5",), True),
        ("chunk 160, minilm+e5, no expansion", 160, ("minilm", "e5"), False),
    ]
    print(
        "| configuration | en hit@5 | en MRR | cs hit@5 | cs MRR | cross hit@5 | cross MRR | "
        "chunks |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for name, size, embedders, expand in configs:
            store = Path(tmp) / f"{size}-{'-'.join(embedders)}"
            settings = replace(
                load_settings(env={}), store_dir=store, chunk_tokens=size, embedders=embedders
            )
            t0 = time.perf_counter()
            report = ingest(settings.index)
            m = score(settings, rows, expand)
            cells = [
                f"{m[g]['hit@5']:.3f} | {m[g]['mrr']:.3f}" for g in ("en", "cs", "cross-lingual")
            ]
            print(
                f"| {name} | {' | '.join(cells)} | {report.chunks} ({time.perf_counter() - t0:.0f} "
                "s) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
