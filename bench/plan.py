"""What a benchmark run measures and where it writes: one Plan, shared by every section."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings, load_settings
from index.config import IndexConfig

REAL_CORPUS = PROJECT_ROOT / "corpus"


@dataclass(frozen=True)
class Plan:
    """How much to measure: --quick keeps the whole run under two minutes."""

    out: Path
    sizes: tuple[int, ...]
    quick: bool = False
    fresh: bool = False
    seed: int = 7

    @property
    def repeats(self) -> int:
        return 1 if self.quick else 3

    @property
    def ingest_runs(self) -> list[tuple[tuple[str, ...], int]]:
        """(embedders, chunks) of each real-pipeline throughput run."""
        shipped = IndexConfig().embedders
        return [(shipped, 100)] if self.quick else [(shipped, 500), (("minilm", "e5"), 200)]

    @property
    def queries(self) -> int:
        """Gold questions timed per tier, each through search and through ask."""
        return 15 if self.quick else 60

    @property
    def warmup(self) -> int:
        """Questions asked before timing starts in each query process."""
        return 5 if self.quick else 10

    @property
    def work(self) -> Path:
        return self.out / "work"


def settings_for(
    corpus: Path, store: Path, embedders: Sequence[str] = IndexConfig().embedders
) -> Settings:
    """Default settings (no environment) on a given corpus and store, with the offline answerer."""
    return load_settings(
        env={},
        corpus_dir=corpus,
        store_dir=store,
        embedders=tuple(embedders),
        answerer="extractive",
    )
