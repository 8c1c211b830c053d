"""The fitted scorer of candidate sentences: one linear score over the features ranks a question's
candidates, and a second one (the refusal score, fitted on its own subset of the features) decides,
by the best candidate's value, whether to answer at all. Fitted by `python -m
evals.fit` on training sets only, for what the evaluation measures (facts stated, unanswerable
questions refused); the file records which sets were used and the cross-validated figures."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.extract.features import FEATURES

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "answer_model.json"
_KEYS = ("features", "weights", "refusal", "threshold", "extra", "broad_extra", "foreign_threshold")
_FOREIGN = FEATURES.index("foreign")


@dataclass(frozen=True)
class AnswerModel:
    """Weights per feature and the decision thresholds (on the score scale)."""

    weights: tuple[float, ...]
    threshold: float = 0.0  # the best refusal score below which the answer abstains
    refusal: tuple[float, ...] = ()  # weights of the refusal score (none: the ranking score's)
    extra: float = 1.0  # a further sentence scores at most this much below the best one
    broad_extra: float = 2.0  # the same for broad and list questions, which gather several parts
    meta: dict[str, object] = field(default_factory=dict, compare=False)
    # the threshold when the best-ranked sentence is in another language than the question: its
    # wording features say little there, so its refusal scores run lower (None: `threshold`)
    foreign_threshold: float | None = None

    @classmethod
    def neutral(cls) -> AnswerModel:
        """All weights zero: what fitting starts from (the features do not depend on the
        weights)."""
        return cls((0.0,) * len(FEATURES))

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The candidates' scores (higher is more likely the answer)."""
        return x @ np.asarray(self.weights, dtype=np.float64)

    def evidence(self, x: np.ndarray) -> float:
        """The best candidate's refusal score (-99 without candidates): compared with
        `threshold_for(x)`."""
        if not len(x):
            return -99.0
        return float(np.max(x @ np.asarray(self.refusal or self.weights, dtype=np.float64)))

    def threshold_for(self, x: np.ndarray) -> float:
        """The threshold that applies to these candidates (rows best-ranked first)."""
        return self.threshold_of(bool(len(x)) and bool(x[0, _FOREIGN]))

    def threshold_of(self, foreign: bool) -> float:
        """The threshold when the best-ranked sentence is (or is not) in another language."""
        if foreign and self.foreign_threshold is not None:
            return self.foreign_threshold
        return self.threshold

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 5) for w in self.weights],
            **({"refusal": [round(w, 5) for w in self.refusal]} if self.refusal else {}),
            "threshold": round(self.threshold, 5),
            **(
                {"foreign_threshold": round(self.foreign_threshold, 5)}
                if self.foreign_threshold is not None
                else {}
            ),
            "extra": self.extra,
            "broad_extra": self.broad_extra,
            **self.meta,
        }


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> AnswerModel:
    """The fitted model; a file fitted for other features is an error the fit command fixes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise ValueError(f"{path} was fitted for other features: run 'python -m evals.fit --write'")
    return AnswerModel(
        tuple(map(float, data["weights"])),
        float(data["threshold"]),
        tuple(map(float, data.get("refusal", ()))),
        float(data["extra"]),
        float(data["broad_extra"]),
        {k: v for k, v in data.items() if k not in _KEYS},
        float(data["foreign_threshold"]) if "foreign_threshold" in data else None,
    )
