"""Result rows, the machine description, and the Markdown/JSON outputs of a benchmark run."""

from __future__ import annotations

import json
import os
import platform
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


@dataclass(frozen=True)
class Row:
    """One measured value with its target; ok is None where the issue sets no target."""

    area: str
    metric: str
    value: str
    target: str = "—"
    ok: bool | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "info" if self.ok is None else "PASS" if self.ok else "MISS"


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (linear interpolation); NaN for no values."""
    return float(np.percentile(values, q)) if values else float("nan")


def median(values: list[float]) -> float:
    return pct(values, 50)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return match.group(1).strip() if match else "unknown"


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import chromadb
    import psutil

    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "chromadb": chromadb.__version__,
        "omp": {k: os.environ.get(k, "") for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")},
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def busy(meta: dict[str, Any]) -> str:
    """Whether other work shared the machine, judged by the 1-minute load average against the core
    count."""
    peak = max(load[0] for _, load, _ in meta["load"])
    cores = meta["machine"]["cores"] or 1
    if peak > cores / 2:
        return (
            f"Other jobs shared the machine (1-minute load up to {peak} on {cores} cores), so "
            "timings are noisy."
        )
    return "The machine was otherwise idle."


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| Area | Metric | Value | Target | Status |", "|---|---|---|---|---|"]
    lines += [f"| {r.area} | {r.metric} | {r.value} | {r.target} | {r.status} |" for r in rows]
    return "\n".join(lines)


def markdown(rows: list[Row], meta: dict[str, Any]) -> str:
    """The results block: command, machine, load averages, then the table."""
    m = meta["machine"]
    loads = ", ".join(
        f"{name} {' / '.join(map(str, load))}" + (f" ({seconds:.0f} s)" if seconds else "")
        for name, load, seconds in meta["load"]
    )
    return "\n".join(
        [
            f"Command: `{meta['command']}` — {meta['started']}, {meta['seconds']:.0f} s in all.",
            "",
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Python "
            f"{m['python']}, "
            f"chromadb {m['chromadb']}, {m['os']}.",
            "",
            f"Load average (1/5/15 min) at the start of each section (its duration): {loads}. "
            + busy(meta),
            "",
            table(rows),
        ]
    )


def write(out: Path, rows: list[Row], meta: dict[str, Any]) -> Path:
    """results.json and results.md in out; returns the JSON path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    path.write_text(
        json.dumps(
            {"meta": meta, "rows": [asdict(r) | {"status": r.status} for r in rows]}, indent=1
        ),
        encoding="utf-8",
    )
    (out / "results.md").write_text(markdown(rows, meta) + "\n", encoding="utf-8")
    return path


def update_docs(rows: list[Row], meta: dict[str, Any], docs: Path = DOCS) -> None:
    """Replace the generated results block of docs/benchmarks.md, keeping the text around it."""
    text = (
        docs.read_text(encoding="utf-8") if docs.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    )
    if START not in text or END not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    docs.write_text(f"{head}{START}\n{markdown(rows, meta)}\n{END}{tail}", encoding="utf-8")
