"""The report's charts as PNG files beside report.md: the pass rate per question tag and the
answer time per question (matplotlib, drawn off-screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHARTS = {"tags.png": "Pass rate per question tag", "latency.png": "Answer time per question"}


def write_charts(report: dict[str, Any], out_dir: Path) -> list[tuple[str, str]]:
    """(file name, caption) of each chart written to out_dir."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    tags = {
        tag: row["passed"]["value"]
        for tag, row in sorted(report.get("by_tag", {}).items())
        if row["passed"]["value"] is not None
    }
    if tags:
        fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(tags)), 3.6), dpi=100)
        ax.bar(list(tags), list(tags.values()), color="#3b6ea8")
        ax.set(ylim=(0, 1), ylabel="pass rate", xlabel="question tag", title=CHARTS["tags.png"])
        ax.tick_params(axis="x", labelrotation=60)
        fig.tight_layout()
        fig.savefig(out_dir / "tags.png")
        plt.close(fig)
        written.append(("tags.png", CHARTS["tags.png"]))
    times = sorted(float(c["latency_ms"]) for c in report.get("cases", []) if c.get("latency_ms"))
    if times:
        fig, ax = plt.subplots(figsize=(6.0, 3.6), dpi=100)
        ax.bar(range(1, len(times) + 1), times, width=1.0, color="#3b6ea8")
        ax.set(
            xlabel="questions, fastest to slowest",
            ylabel="ms",
            title=f"{CHARTS['latency.png']} (p50 {times[len(times) // 2]:.0f} ms)",
        )
        fig.tight_layout()
        fig.savefig(out_dir / "latency.png")
        plt.close(fig)
        written.append(("latency.png", CHARTS["latency.png"]))
    return written
