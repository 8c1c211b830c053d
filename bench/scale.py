"""Sections 3 and 5: query latency and peak memory at 1k / 10k / 100k chunks, embedded and through a
Chroma server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT, Settings
from bench.ingestion import add_one, incremental
from bench.plan import REAL_CORPUS, Plan, settings_for
from bench.report import Row, median, pct

SERVER_MAX = 10_000  # Chroma server mode is compared up to this tier
ADD_ONE_AT = (
    10_000  # the tier where adding one document and OMP_WAIT_POLICY=PASSIVE are timed (full mode)
)


def label(size: int) -> str:
    return f"{size / 1000:g}k chunks"


def worker(
    step: str, args: dict[str, Any], env: dict[str, str] | None = None, timeout: float = 3600
) -> dict[str, Any]:
    """Run one bench.worker step in a fresh process (with extra environment variables) and return
    its JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", step, json.dumps(args)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.worker {step} failed: {done.stderr.strip()[-600:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def tier(plan: Plan, size: int) -> tuple[Settings, dict[str, Any]]:
    """The synthetic store of about `size` chunks, built in a subprocess or reused from an earlier
    run."""
    from bench.synth import SYNTH_VERSION
    from index.language import ANALYZER_VERSION

    base = settings_for(Path(), Path())
    folder = (
        plan.out
        / "stores"
        / (
            f"tier-{size}-s{plan.seed}-v{SYNTH_VERSION}-a{ANALYZER_VERSION}"
            f"-t{base.chunk_tokens}o{base.chunk_overlap}-{'+'.join(base.embedders)}"
        )
    )
    settings = settings_for(folder / "corpus", folder / "store")
    marker = folder / "build.json"
    if marker.exists() and not plan.fresh:
        return settings, json.loads(marker.read_text()) | {"reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    stats = worker(
        "build",
        {
            "size": size,
            "seed": plan.seed,
            "real": str(REAL_CORPUS),
            "corpus": str(settings.corpus_dir),
            "store": str(settings.store_dir),
            "cache": str(plan.out / "cache"),
        },
    )
    marker.write_text(json.dumps(stats))
    return settings, stats | {"reused": False}


@contextmanager
def chroma_server(store_dir: Path, work: Path) -> Iterator[int]:
    """`chroma run` over a copy of the store's Chroma folder; yields its port."""
    from bench.app import free_port

    path = work / "server-chroma"
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(store_dir / "chroma", path)
    port = free_port()
    with open(work / "chroma-server.log", "wb") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("chroma")),
                "run",
                "--path",
                str(path),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=log,
        )
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            shutil.rmtree(path, ignore_errors=True)


def latency_rows(size: int, result: dict[str, Any]) -> list[Row]:
    """search and ask p50/p95 and peak memory for one tier, against the issue's targets."""
    small = size <= 10_000
    s, a = result["embedded"]["search_ms"], result["embedded"]["ask_ms"]
    s_limit, a_limit = (50, 300) if small else (150, None)
    peak = result["peak_rss_mib"]
    return [
        Row(
            "3 query",
            f"search p50 / p95, {label(size)}",
            f"{median(s):.0f} / {pct(s, 95):.0f} ms",
            f"p50 < {s_limit} ms",
            median(s) < s_limit,
            {"ms": s},
        ),
        Row(
            "3 query",
            f"ask (offline) p50 / p95, {label(size)}",
            f"{median(a):.0f} / {pct(a, 95):.0f} ms",
            f"p50 < {a_limit} ms" if a_limit else "—",
            median(a) < a_limit if a_limit else None,
            {"ms": a},
        ),
        Row(
            "3 memory",
            f"peak RSS of the query process, {label(size)}",
            f"{peak / 1024:.2f} GiB (models and store loaded)",
            "< 2 GiB",
            peak < 2048,
            {
                "peak_rss_mib": peak,
                "rss_mib": result["rss_mib"],
                "load_s": result["embedded"]["load_s"],
            },
        ),
    ]


def server_row(size: int, result: dict[str, Any]) -> Row:
    """Search through `chroma run` against the embedded store, from the same process."""
    local, remote = result["embedded"]["search_ms"], result["server"]["search_ms"]
    return Row(
        "5 server",
        f"search p50, Chroma server vs embedded, {label(size)}",
        f"{median(remote):.0f} vs {median(local):.0f} ms ({median(remote) / median(local):.2f}×)",
        "—",
        None,
        {"server_ms": remote, "embedded_ms": local},
    )


def passive_row(size: int, result: dict[str, Any]) -> Row:
    """The same queries with OpenMP threads sleeping instead of spinning while they wait (a
    candidate fix)."""
    s = result["embedded"]["search_ms"]
    return Row(
        "3 query",
        f"search p50 / p95, {label(size)}, OMP_WAIT_POLICY=PASSIVE",
        f"{median(s):.0f} / {pct(s, 95):.0f} ms",
        "—",
        None,
        {"ms": s, "ask_ms": result["embedded"]["ask_ms"]},
    )


def store_row(store: Path, chunks: int, size: int) -> Row:
    """What the index costs on disk: every file of the store (both dense collections, the sentence
    vectors, the keyword index, the kept texts) per chunk."""
    total = sum(f.stat().st_size for f in Path(store).rglob("*") if f.is_file())
    return Row(
        "3 store",
        f"store bytes per chunk, {label(size)}",
        f"{total / max(1, chunks) / 1000:.1f} kB ({total / 1e6:.0f} MB for {chunks} chunks)",
        "—",
        None,
        {"bytes": total, "chunks": chunks},
    )


def scale(plan: Plan, size: int) -> list[Row]:
    """One tier: build or reuse its store, time queries in a fresh process (and through a server),
    re-ingest it."""
    settings, stats = tier(plan, size)
    build = Row(
        "3 store",
        f"synthetic store, {label(size)}",
        f"{stats['chunks']} chunks / {stats['documents']} docs, built in {stats['build_s']:.0f} s"
        + (" (cached)" if stats["reused"] else ""),
        "—",
        None,
        stats,
    )
    args = {
        "corpus": str(settings.corpus_dir),
        "store": str(settings.store_dir),
        "queries": plan.queries,
        "warmup": plan.warmup,
    }
    if size <= SERVER_MAX:
        with chroma_server(settings.store_dir, plan.work) as port:
            result = worker("query", args | {"server_port": port})
    else:
        result = worker("query", args)
    rows = [
        build,
        store_row(settings.store_dir, int(stats["chunks"]), size),
        *latency_rows(size, result),
    ]
    rows.append(incremental(settings, f"{stats['chunks']} chunks", plan.repeats))
    if size == ADD_ONE_AT and not plan.quick:
        rows.append(passive_row(size, worker("query", args, {"OMP_WAIT_POLICY": "PASSIVE"})))
    rows.append(add_one(plan, settings, stats["chunks"]))
    if "server" in result:
        rows.append(server_row(size, result))
    return rows
