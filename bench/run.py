"""`python -m bench`: ingestion, re-ingest, query latency at scale, the plain pipeline, Chroma
server mode and the app."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from assistant.settings import PROJECT_ROOT
from bench.app import app_rows  # noqa: E402
from bench.ingestion import ingestion  # noqa: E402
from bench.plain import compare  # noqa: E402
from bench.plan import Plan  # noqa: E402
from bench.report import Row, load_average, machine, markdown, update_docs, write  # noqa: E402
from bench.scale import scale  # noqa: E402
from index.offline import configure_offline


class Bench:
    """Collects rows and the load average at each section."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rows: list[Row] = []
        self.loads: list[
            tuple[str, list[float], float]
        ] = []  # (section, load average at its start, seconds)

    def section(self, name: str, measure: Callable[[], list[Row]]) -> None:
        """Run one section; a failure becomes a MISS row instead of ending the run."""
        load, started = load_average(), time.perf_counter()
        print(f"[bench] {name} (load {load[0]})", file=sys.stderr, flush=True)
        try:
            self.rows += measure()
        except Exception as exc:  # keep the other sections' results
            self.rows.append(
                Row(name, "error", f"{exc.__class__.__name__}: {str(exc)[:160]}", ok=False)
            )
        self.loads.append((name, load, time.perf_counter() - started))


def parse(argv: Sequence[str] | None) -> tuple[Plan, bool]:
    """The Plan from the command line, and whether to rewrite docs/benchmarks.md."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few repeats (under two minutes)"
    )
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "bench" / "out", help="results and cached stores"
    )
    parser.add_argument(
        "--sizes", help="comma-separated chunk counts (default 1000,10000,100000; quick: 1000)"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached synthetic stores")
    parser.add_argument(
        "--docs", action="store_true", help="write the results into docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ("1000" if args.quick else "1000,10000,100000")
    plan = Plan(
        out=args.out.resolve(),
        sizes=tuple(int(s) for s in sizes.split(",") if s.strip()),
        quick=args.quick,
        fresh=args.fresh,
    )
    return plan, args.docs


def main(argv: Sequence[str] | None = None) -> int:
    configure_offline()
    """Run every section, print the table, write the outputs."""
    plan, docs = parse(argv)
    plan.work.mkdir(parents=True, exist_ok=True)
    started, stamp = time.perf_counter(), time.strftime("%Y-%m-%d %H:%M %Z")
    bench = Bench(plan)
    bench.section("ingest", lambda: ingestion(plan))
    bench.section("vs plain", lambda: compare(plan))
    for size in plan.sizes:
        bench.section(f"scale {size}", partial(scale, plan, size))
    bench.section("app", lambda: app_rows(plan))
    bench.loads.append(("end", load_average(), 0.0))
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {
        "command": command.strip(),
        "started": stamp,
        "seconds": time.perf_counter() - started,
        "machine": machine(),
        "load": bench.loads,
        "quick": plan.quick,
    }
    print(markdown(bench.rows, meta))
    print(f"\nJSON: {write(plan.out, bench.rows, meta)}", file=sys.stderr)
    if docs:
        update_docs(bench.rows, meta)
    return 0
