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
from evals.fit_weights import bounded, conditional_logit
from evals.metrics import form_found
from evals.run import read_jsonl
from evals.sets import QuestionSet, settings_for, training_sets
from index.language import detect_language, fold
from index.offline import configure_offline

EXTRAS = (0.5, 1.0, 1.5, 2.0, 3.0)  # margins tried for further sentences


@dataclass
class Case:
    """One training question's usable candidates: features and the expected facts each one
    states."""

    id: str
    answerable: bool
    x: np.ndarray  # candidates x features
    facts: np.ndarray  # candidates x expected facts: the sentence states the fact
    limit: int  # sentences an answer may show: one for a question that names its fact


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


def _outcomes(
    cases: list[Case], w: np.ndarray, extra: float, refusal: np.ndarray | None = None
) -> list[tuple[float, float, bool]]:
    """Per case: the best refusal score (of `refusal`, else of the ranking weights), the share of
    facts stated by the answer it would give, answerable?"""
    out = []
    for c in cases:
        if not len(c.x):
            out.append((-99.0, 0.0, c.answerable))
            continue
        z = c.x @ w
        order = np.argsort(-z)
        shown = [i for i in order[: c.limit] if z[i] >= z[order[0]] - extra]
        recall = float(c.facts[shown].any(axis=0).mean()) if c.facts.shape[1] else 0.0
        best = float(z[order[0]]) if refusal is None else float(np.max(c.x @ refusal))
        out.append((best, recall, c.answerable))
    return out


REFUSAL_WEIGHT = 0.5  # a refused unanswerable question counts half a fully answered one


def _utility(outcomes: list[tuple[float, float, bool]], t: float) -> float:
    ans = [r if z >= t else 0.0 for z, r, a in outcomes if a]
    una = [float(z < t) for z, _, a in outcomes if not a]
    return sum(ans) / max(1, len(ans)) + REFUSAL_WEIGHT * sum(una) / max(1, len(una))


def best_threshold(outcomes: list[tuple[float, float, bool]]) -> tuple[float, float]:
    """The threshold (between two observed best scores) with the highest utility, and that
    utility."""
    values = sorted({z for z, _, _ in outcomes})
    cuts = [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1]
    scored = [(_utility(outcomes, t), t) for t in cuts]
    u, t = max(scored)
    return t, u


MAX_FALSE_REFUSALS = 0.10  # of answerable training questions with a candidate: the policy's bound


def policy_threshold(outcomes: list[tuple[float, float, bool]]) -> float:
    """The highest threshold that refuses at most MAX_FALSE_REFUSALS of the answerable questions
    that have a candidate: being useful comes first, and refusing the rest is what the scores allow.
    """
    best = sorted(z for z, _, a in outcomes if a and z > -99)
    if not best:
        return 0.0
    k = int(MAX_FALSE_REFUSALS * len(best))
    return (best[k - 1] + best[k]) / 2 if 0 < k < len(best) else best[0] - 1


@dataclass
class Fitted:
    weights: np.ndarray
    threshold: float
    extra: float
    refusal: np.ndarray | None = None  # the refusal score's weights (None: the ranking weights)


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
    return Fitted(ranking.weights, refusing.threshold, ranking.extra, refusing.weights)


def fit(cases: list[Case], l2: float = 0.1, rounds: int = 2) -> Fitted:
    """The ranker's weights, then coordinate search on each weight, the threshold and the margin."""
    w = fit_ranker(cases, l2)

    def evaluate(w: np.ndarray) -> tuple[float, float, float]:
        return max((*best_threshold(_outcomes(cases, w, e))[::-1], e) for e in EXTRAS)

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
    return Fitted(w, policy_threshold(_outcomes(cases, w, best_e)), best_e)


def figures(cases: list[Case], f: Fitted) -> dict[str, float]:
    """What the evaluation would count, approximately: facts stated, refusals on both sides."""
    out = _outcomes(cases, f.weights, f.extra, f.refusal)
    ans = [(z, r) for z, r, a in out if a]
    una = [z for z, _, a in out if not a]
    return {
        "fact_recall": round(sum(r for z, r in ans if z >= f.threshold) / max(1, len(ans)), 3),
        "answerable_refused": round(sum(z < f.threshold for z, _ in ans) / max(1, len(ans)), 3),
        "unanswerable_refused": round(sum(z < f.threshold for z in una) / max(1, len(una)), 3),
        "cases": len(cases),
    }


def cross_validate(cases: list[Case], folds: int, l2: float) -> dict[str, float]:
    """Figures on each fold from a model fitted (weights, threshold, margin) on the other folds."""
    order = list(range(len(cases)))
    random.Random(7).shuffle(order)
    totals: dict[str, float] = {}
    for k in range(folds):
        test = [cases[i] for n, i in enumerate(order) if n % folds == k]
        train = [cases[i] for n, i in enumerate(order) if n % folds != k]
        for key, value in figures(test, fit_split(train, l2)).items():
            totals[key] = totals.get(key, 0.0) + value * (1 if key == "cases" else len(test))
    n = totals.pop("cases")
    return {k: round(v / n, 3) for k, v in totals.items()} | {"cases": int(n)}


def _model_fits() -> bool:
    try:
        load_model()
    except (ValueError, KeyError, OSError):
        return False
    return True


def _write(f: Fitted, cv: dict[str, float], l2: float) -> None:
    """The fitted model as the answerer's data file, with what it was fitted on."""
    model = AnswerModel(
        tuple(map(float, f.weights)),
        f.threshold,
        tuple(map(float, f.refusal)) if f.refusal is not None else (),
        f.extra,
        f.extra * 2,
        meta={
            "fitted_on": [s.name for s in training_sets()],
            "cross_validated": cv,
            "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
            "l2": l2,
        },
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
    args = parser.parse_args()
    configure_offline()
    if not _model_fits():  # the runtime loads the model: a file of other features starts from zero
        MODEL_FILE.write_text(json.dumps(AnswerModel.neutral().to_json(), indent=1) + "\n", "utf-8")
    base = load_settings()
    cases: list[Case] = []
    for qset in training_sets():
        cases += collect(qset, Runtime(settings_for(qset.corpus, base)))
    cv = cross_validate(cases, args.folds, args.l2)
    f = fit_split(cases, args.l2)
    report = {
        "cross_validated": cv,
        "fitted": figures(cases, f),
        "threshold": round(f.threshold, 3),
        "extra": f.extra,
        "weights": dict(zip(FEATURES, np.round(f.weights, 3).tolist())),
        "refusal": dict(zip(FEATURES, np.round(f.refusal if f.refusal is not None else [], 3))),
    }
    print(json.dumps(report, indent=1))
    if args.write:
        _write(f, cv, args.l2)


if __name__ == "__main__":
    main()
