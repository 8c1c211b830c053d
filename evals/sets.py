"""The question sets, the corpus each one is about, and whether it may be used for fitting.

`train` sets fit the offline answerer's weights and thresholds (`python -m evals.fit`) and may be
read to fix things. `blind` sets were written by someone who saw no code and are only ever
measured: the headline figures come from them. Once a blind set's failures are read to fix
things, move it to `train` (and write a new blind one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings

HERE = Path(__file__).resolve().parent
DATASETS = HERE / "datasets"


@dataclass(frozen=True)
class Corpus:
    """A corpus folder and the store it is indexed into for evaluation."""

    name: str
    corpus_dir: Path
    store_dir: Path


CORPORA = {
    "product": Corpus("product", PROJECT_ROOT / "corpus", PROJECT_ROOT / "var" / "store"),
    "dev": Corpus("dev", HERE / "devcorpus", PROJECT_ROOT / "var" / "store-dev"),
}


@dataclass(frozen=True)
class QuestionSet:
    name: str
    files: tuple[str, ...]  # under evals/datasets
    corpus: str
    role: str  # "train" or "blind"

    @property
    def paths(self) -> list[Path]:
        return [DATASETS / f for f in self.files]


SETS = {
    s.name: s
    for s in [
        QuestionSet("gold", ("gold.jsonl",), "product", "train"),
        QuestionSet("heldout1", ("heldout.jsonl",), "product", "train"),
        QuestionSet("heldout2", ("heldout2.jsonl",), "product", "train"),
        QuestionSet("heldout3", ("heldout3.jsonl",), "product", "blind"),
        # heldout4 was blind (measured once, 2026-12-01); its failures were then read: training
        QuestionSet("heldout4", ("heldout4.jsonl",), "product", "train"),
        QuestionSet("heldout5", ("heldout5.jsonl",), "product", "blind"),
        QuestionSet(
            "dev-gold",
            ("dev-gold-pp.jsonl", "dev-gold-icmpd.jsonl", "dev-gold-cz.jsonl", "dev-gold-eu.jsonl"),
            "dev",
            "train",
        ),
        QuestionSet("dev-heldout-a", ("dev-heldout-a.jsonl",), "dev", "blind"),
        QuestionSet("dev-heldout-b", ("dev-heldout-b.jsonl",), "dev", "blind"),
        QuestionSet("dev-heldout-c", ("dev-heldout-c.jsonl",), "dev", "blind"),
        QuestionSet("dev-heldout-d", ("dev-heldout-d.jsonl",), "dev", "blind"),
    ]
}


def settings_for(corpus: str, base: Settings) -> Settings:
    """The settings that point at a corpus and its evaluation store."""
    c = CORPORA[corpus]
    return base.with_overrides(corpus_dir=c.corpus_dir, store_dir=c.store_dir)


def training_sets() -> list[QuestionSet]:
    return [s for s in SETS.values() if s.role == "train"]
