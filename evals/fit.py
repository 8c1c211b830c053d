"""Fit the offline answerer's scorer on the training sets only, with cross-validation by question.

    python -m evals.fit [--write] [--folds 5]

For every training question it retrieves what ask() retrieves and computes every candidate
sentence's features and which expected facts the sentence states. The weights start from a
conditional logit (which candidate states the facts) and are then tuned, with the abstention
threshold and the margin for further sentences, for what the evaluation measures: the share of
expected facts an answer states on answerable questions plus the share of unanswerable questions
refused, each counted once. Blind sets are never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from assistant.answerers.extractive import ExtractiveAnswerer, usable
from assistant.context import gather_passages
from assistant.extract.features import FEATURES, NOT_RANKING, NOT_REFUSING
from assistant.extract.model import MODEL_FILE, AnswerModel, load_model
from assistant.question import analyse
from assistant.runtime import Runtime
from assistant.settings import load_settings
from evals.fit_policy import (
    MIN_SITUATED,
    Case,
    best_threshold,
    outcomes,
    policy_threshold,
    situated,
)
from evals.fit_weights import bounded, conditional_logit
from evals.metrics import form_found
from evals.run import read_jsonl
from evals.sets import QuestionSet, settings_for, training_sets
from index.language import detect_language, fold
from index.offline import configure_offline

EXTRAS = (0.5, 1.0, 1.5, 2.0, 3.0)  # margins tried for further sentences


def _norm(text: str) -> str:
    """Text compared as a reader sees it: no markup, case, diacritics or spacing differences."""
    return " ".join(fold(re.sub(r"<[^>]{1,40}>|\*\*|__", "", text)).split())


def _states(text: str, doc_id: str, case: dict[str, Any], twins: dict[str, str]) -> list[bool]:
    """Which expected facts the sentence states, in an expected source; a sentence that is an
    evidence quote states them all."""
    facts = case.get("expected_facts", [])
    if twins.get(doc_id, doc_id) not in {twins.get(d, d) for d in case.get("expected_sources", [])}:
        return [False] * len(facts)
    sentence = _norm(text)
    quotes = [_norm(ev["quote"]) for ev in case.get("evidence", []) if ev["doc_id"] == doc_id]
    if any(q in sentence for q in quotes):
        return [True] * len(facts)
    return [any(form_found(form, text, bool(f["critical"])) for form in f["forms"]) for f in facts]


def collect(qset: QuestionSet, runtime: Runtime) -> list[Case]:
    """The candidates of every question of a set, as ask() would see them."""
    answerer = ExtractiveAnswerer(index=runtime, model=AnswerModel.neutral())
    twins = runtime.works()
    out = []
    for path in qset.paths:
        for case in read_jsonl(path):
            question = runtime.standalone(case["question"], case.get("history"))
            asked = detect_language(case["question"])
            lang = asked if asked in ("en", "cs", "ru") else "en"
            passages = gather_passages(runtime, question, asked, lang, runtime.settings.top_k)
            q = analyse(question, asked)
            scored = [
                s
                for s in answerer.score(q, lang, passages)
                if usable(q, s, lang, runtime.knowledge)
            ]
            n = len(case.get("expected_facts", []))
            x = np.stack([s.row for s in scored]) if scored else np.zeros((0, len(FEATURES)))
            facts = np.array(
                [
                    _states(s.candidate.text, s.candidate.passage.doc_id, case, twins)
                    for s in scored
                ],
                dtype=bool,
            ).reshape(len(scored), n)
            limit = 2 if q.specific and not q.listing else 6 if q.broad or q.listing else 4
            out.append(Case(f"{qset.name}:{case['id']}", bool(case["answerable"]), x, facts, limit))
    return out


def fit_ranker(cases: list[Case], l2: float = 0.1) -> np.ndarray:
    """Conditional-logit weights over the answerable cases that have a candidate stating a fact."""
    return conditional_logit(
        [(c.x, np.asarray(c.facts.any(axis=1))) for c in cases if c.answerable and c.facts.any()],
        l2,
    )


@dataclass
class Fitted:
    weights: np.ndarray
    threshold: float
    extra: float
    refusal: np.ndarray | None = None  # the refusal score's weights (None: the ranking weights)
    foreign_threshold: float | None = None  # when the best-ranked sentence is in another language

    def model(self, meta: dict[str, object] | None = None) -> AnswerModel:
        """As the answerer loads it (the margin for broad questions twice the other)."""
        refusal = tuple(map(float, self.refusal)) if self.refusal is not None else ()
        return AnswerModel(
            tuple(map(float, self.weights)),
            self.threshold,
            refusal,
            self.extra,
            self.extra * 2,
            meta or {},
            self.foreign_threshold,
        )


def without(cases: list[Case], names: frozenset[str]) -> list[Case]:
    """The cases with these features zeroed: a score fitted on them gives them no weight."""
    idx = [FEATURES.index(n) for n in names]
    out = []
    for c in cases:
        x = c.x.copy()
        x[:, idx] = 0.0
        out.append(dataclasses.replace(c, x=x))
    return out


def fit_split(cases: list[Case], l2: float = 0.1) -> Fitted:
    """The ranking score fitted without NOT_RANKING, and the refusal score with its threshold fitted
    without NOT_REFUSING (assistant/extract/features.py says why); each fitted as `fit` does."""
    ranking = fit(without(cases, NOT_RANKING), l2)
    refusing = fit(without(cases, NOT_REFUSING), l2)
    split = Fitted(ranking.weights, refusing.threshold, ranking.extra, refusing.weights)
    return with_foreign_threshold(cases, split)


def with_foreign_threshold(cases: list[Case], f: Fitted) -> Fitted:
    """The scorer with a threshold of its own for the questions whose best-ranked sentence is in
    another language, by the same policy on those questions alone (their wording features say
    little, so their refusal scores run lower); the one threshold when they are too few."""
    seen = situated(cases, f.weights, f.extra, f.refusal)
    foreign = [o[:3] for o in seen if o[3]]
    other = policy_threshold(foreign) if len(foreign) >= MIN_SITUATED else None
    return dataclasses.replace(f, foreign_threshold=other)


def shipped() -> Fitted:
    """The shipped model as fitted: what `--keep-weights` starts from."""
    m = load_model()
    refusal = np.asarray(m.refusal) if m.refusal else None
    return Fitted(np.asarray(m.weights), m.threshold, m.extra, refusal, m.foreign_threshold)


def fit(cases: list[Case], l2: float = 0.1, rounds: int = 2) -> Fitted:
    """The ranker's weights, then coordinate search on each weight, the threshold and the margin."""
    w = fit_ranker(cases, l2)

    def evaluate(w: np.ndarray) -> tuple[float, float, float]:
        return max((*best_threshold(outcomes(cases, w, e))[::-1], e) for e in EXTRAS)

    best_u, _, best_e = evaluate(w)
    scale = np.maximum(np.abs(w), 0.5)
    for _ in range(rounds):
        for i in range(len(w)):
            for step in (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0):
                trial = w.copy()
                trial[i] += step * scale[i]
                trial = bounded(trial)
                u, _, e = evaluate(trial)
                if u > best_u + 1e-9:
                    w, best_u, best_e = trial, u, e
    return Fitted(w, policy_threshold(outcomes(cases, w, best_e)), best_e)


def figures(cases: list[Case], f: Fitted) -> dict[str, float]:
    """What the evaluation would count, approximately: facts stated, refusals on both sides."""
    model = f.model()
    out = [
        (z - model.threshold_of(foreign), r, a)
        for z, r, a, foreign in situated(cases, f.weights, f.extra, f.refusal)
    ]
    ans = [(z, r) for z, r, a in out if a]
    una = [z for z, _, a in out if not a]
    return {
        "fact_recall": round(sum(r for z, r in ans if z >= 0) / max(1, len(ans)), 3),
        "answerable_refused": round(sum(z < 0 for z, _ in ans) / max(1, len(ans)), 3),
        "unanswerable_refused": round(sum(z < 0 for z in una) / max(1, len(una)), 3),
        "cases": len(cases),
    }


def cross_validate(
    cases: list[Case], folds: int, fitter: Callable[[list[Case]], Fitted]
) -> dict[str, float]:
    """Figures on each fold from a model fitted (by `fitter`) on the other folds."""
    order = list(range(len(cases)))
    random.Random(7).shuffle(order)
    totals: dict[str, float] = {}
    for k in range(folds):
        test = [cases[i] for n, i in enumerate(order) if n % folds == k]
        train = [cases[i] for n, i in enumerate(order) if n % folds != k]
        for key, value in figures(test, fitter(train)).items():
            totals[key] = totals.get(key, 0.0) + value * (1 if key == "cases" else len(test))
    n = totals.pop("cases")
    return {k: round(v / n, 3) for k, v in totals.items()} | {"cases": int(n)}


def _model_fits() -> bool:
    try:
        load_model()
    except (ValueError, KeyError, OSError):
        return False
    return True


def _write(f: Fitted, cv: dict[str, float], l2: float, kept: bool) -> None:
    """The fitted model as the answerer's data file, with what it was fitted on (and, when only the
    other-language threshold was fitted, when its weights were)."""
    shipped_meta = load_model().meta
    weights_fitted = shipped_meta.get("weights_fitted") or shipped_meta.get("fitted")
    model = f.model(
        {
            "fitted_on": [s.name for s in training_sets()],
            "cross_validated": cv,
            "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
            "l2": l2,
            **({"weights_fitted": weights_fitted} if kept else {}),
        }
    )
    MODEL_FILE.write_text(
        json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"Wrote {MODEL_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=0.1)
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_FILE.name}")
    parser.add_argument(
        "--keep-weights",
        action="store_true",
        help="keep the shipped weights, threshold and margin; fit the other-language threshold",
    )
    args = parser.parse_args()
    configure_offline()
    if not _model_fits():  # the runtime loads the model: a file of other features starts from zero
        MODEL_FILE.write_text(json.dumps(AnswerModel.neutral().to_json(), indent=1) + "\n", "utf-8")
    base = load_settings()
    cases: list[Case] = []
    for qset in training_sets():
        cases += collect(qset, Runtime(settings_for(qset.corpus, base)))
    if args.keep_weights:
        kept = shipped()
        cv = cross_validate(cases, args.folds, lambda train: with_foreign_threshold(train, kept))
        f = with_foreign_threshold(cases, kept)
    else:
        cv = cross_validate(cases, args.folds, lambda train: fit_split(train, args.l2))
        f = fit_split(cases, args.l2)
    report = {
        "cross_validated": cv,
        "fitted": figures(cases, f),
        "threshold": round(f.threshold, 3),
        "foreign_threshold": round(f.foreign_threshold or f.threshold, 3),
        "extra": f.extra,
        "weights": dict(zip(FEATURES, np.round(f.weights, 3).tolist())),
        "refusal": dict(zip(FEATURES, np.round(f.refusal if f.refusal is not None else [], 3))),
    }
    print(json.dumps(report, indent=1))
    if args.write:
        _write(f, cv, args.l2, args.keep_weights)


if __name__ == "__main__":
    main()
