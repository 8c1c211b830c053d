"""Subprocess steps of the benchmark, so each tier's build and queries get a fresh process and its
own peak memory.

Run by bench/run.py as `python -m bench.worker build|query ARGS_JSON`; prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from assistant.settings import Settings, load_settings
from index.offline import configure_offline

GOLD = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "gold.jsonl"


def gold_cases() -> list[dict[str, Any]]:
    """Answerable gold cases without conversation history."""
    rows = [
        json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [r for r in rows if r.get("answerable") and not r.get("history")]


def peak_rss_mib() -> float:
    """This process's own high-water mark (VmHWM). Linux keeps ru_maxrss across exec, so a worker
    started by a bench that has loaded big models would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def build(args: dict[str, Any]) -> dict[str, Any]:
    """Write a synthetic corpus of about args['size'] chunks and its store."""
    from bench.synth import build_store, write_corpus

    settings = load_settings(env={}, corpus_dir=Path(args["corpus"]), store_dir=Path(args["store"]))
    started = time.perf_counter()
    built = write_corpus(
        Path(args["real"]), settings.corpus_dir, int(args["size"]), settings, seed=int(args["seed"])
    )
    out: dict[str, Any] = {
        "documents": len(built),
        "chunks": sum(len(c) for _, c in built),
        "corpus_s": round(time.perf_counter() - started, 1),
    }
    out.update(build_store(settings, built, Path(args["cache"])))
    out["build_s"] = round(time.perf_counter() - started, 1)
    out["build_peak_rss_mib"] = round(peak_rss_mib())
    return out


def timed_queries(
    settings: Settings, n: int, with_ask: bool = True, warmup: int = 10
) -> dict[str, Any]:
    """Wall-clock ms of runtime.search and of the offline ask() on the same gold questions, after a
    warm-up.

    Search and ask alternate which goes first, so neither gains more from the other's warm caches.
    """
    from assistant.runtime import Runtime
    from assistant.service import ask
    from index.language import detect_language

    questions = [(c["question"], detect_language(c["question"])) for c in gold_cases()]
    started = time.perf_counter()
    runtime = Runtime(settings)
    load_s = time.perf_counter() - started
    for q, _ in questions[-warmup:]:
        ask(q, runtime=runtime)
    search_ms: list[float] = []
    ask_ms: list[float] = []

    def search(q: str, lang: str) -> None:
        t = time.perf_counter()
        runtime.search(q, k=5, lang=lang)
        search_ms.append((time.perf_counter() - t) * 1000)

    def answer(q: str, lang: str) -> None:
        t = time.perf_counter()
        ask(q, runtime=runtime)
        ask_ms.append((time.perf_counter() - t) * 1000)

    steps = [search, answer] if with_ask else [search]
    for i in range(n):
        q, lang = questions[i % (len(questions) - warmup)]
        for step in steps if i % 2 == 0 else steps[::-1]:
            step(q, lang)
    return {"load_s": round(load_s, 2), "search_ms": search_ms, "ask_ms": ask_ms}


def query(args: dict[str, Any]) -> dict[str, Any]:
    """Embedded-store latencies and peak memory; then, if a server port is given, the same through
    Chroma's server."""
    settings = load_settings(
        env={},
        corpus_dir=Path(args["corpus"]),
        store_dir=Path(args["store"]),
        answerer="extractive",
    )
    out: dict[str, Any] = {
        "embedded": timed_queries(
            settings, int(args["queries"]), warmup=int(args.get("warmup", 10))
        )
    }
    out["rss_mib"] = round(rss_mib())
    out["peak_rss_mib"] = round(peak_rss_mib())
    if args.get("server_port"):
        remote = settings.with_overrides(
            chroma_host="127.0.0.1", chroma_port=int(args["server_port"])
        )
        out["server"] = timed_queries(remote, int(args["queries"]), with_ask=False, warmup=3)
    return out


def main(argv: list[str]) -> int:
    configure_offline()
    """`build|query ARGS_JSON`: run the step and print its result as one JSON line."""
    steps = {"build": build, "query": query}
    result = steps[argv[0]](json.loads(argv[1]))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
