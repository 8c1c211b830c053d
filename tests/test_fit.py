"""The offline answerer's fitted model: the shipped file loads and was fitted on training sets only;
the fitting finds the feature that marks the answer and the threshold that follows the policy."""

from __future__ import annotations

import json

import numpy as np

from assistant.extract.features import FEATURES, NOT_RANKING, NOT_REFUSING
from assistant.extract.model import MODEL_FILE, AnswerModel, load_model
from evals.fit import fit, fit_ranker, fit_split
from evals.fit_policy import MAX_FALSE_REFUSALS, Case, policy_threshold
from evals.sets import SETS


def test_the_shipped_model_loads_and_names_only_training_sets() -> None:
    model = load_model()
    assert len(model.weights) == len(FEATURES)
    fitted_on = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["fitted_on"]
    assert fitted_on and all(SETS[name].role == "train" for name in fitted_on)
    assert not any(SETS[name].role == "blind" for name in fitted_on)


def _cases(n: int, seed: int = 3) -> list[Case]:
    """Questions whose answer sentence has feature 0 high; the other features are noise. A third
    of the questions are unanswerable: all their candidates are noise."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        x = rng.normal(size=(6, len(FEATURES)))
        answerable = i % 3 != 0
        facts = np.zeros((6, 1), dtype=bool)
        if answerable:
            x[2, 0] += 3.0
            facts[2, 0] = True
        out.append(Case(f"q{i}", answerable, x, facts, 1))
    return out


def test_the_ranker_puts_its_weight_on_the_feature_that_marks_the_answer() -> None:
    w = fit_ranker(_cases(240))
    assert w[0] > 1.0
    assert w[0] > 2 * float(np.abs(w[1:]).max())


def test_fitted_answers_find_the_facts_and_refuse_within_the_policy() -> None:
    cases = _cases(60)
    f = fit(cases, rounds=1)
    stated, refused = [], []
    for c in cases:
        z = c.x @ f.weights
        if c.answerable:
            stated.append(bool(z.max() >= f.threshold and c.facts[int(np.argmax(z))].any()))
            refused.append(bool(z.max() < f.threshold))
    assert np.mean(stated) > 0.8
    assert np.mean(refused) <= MAX_FALSE_REFUSALS + 1e-9


def test_policy_threshold_refuses_at_most_the_allowed_share() -> None:
    outcomes = [(float(z), 1.0, True) for z in range(20)] + [(-5.0, 0.0, False)]
    t = policy_threshold(outcomes)
    refused = sum(z < t for z, _, a in outcomes if a) / 20
    assert refused <= MAX_FALSE_REFUSALS and t > 0


def test_the_split_fit_keeps_each_score_off_the_features_it_may_not_use() -> None:
    """The ranking score never weighs NOT_RANKING, the refusal score never NOT_REFUSING, even where
    those features would mark the answer."""
    cases = _cases(90)
    marked = [FEATURES.index(n) for n in NOT_RANKING | NOT_REFUSING]
    for c in cases:
        if c.answerable:
            c.x[2, marked] += 3.0
    f = fit_split(cases)
    assert f.refusal is not None and f.weights[0] > 1.0 and f.refusal[0] > 1.0
    assert all(f.weights[FEATURES.index(n)] == 0.0 for n in NOT_RANKING)
    assert all(f.refusal[FEATURES.index(n)] == 0.0 for n in NOT_REFUSING)


def test_a_best_sentence_in_another_language_gets_its_own_threshold_under_the_same_policy() -> None:
    """Where the best-ranked sentence is in another language, its refusal scores run lower (the
    wording features say little): the fit gives that situation a lower threshold of its own, so
    that it is not refused more often than the policy allows, and the answerer applies it."""
    cases = _cases(150)
    foreign, refusal_signal = FEATURES.index("foreign"), 0
    for i, c in enumerate(cases):
        c.x[:, foreign] = float(i % 2)
        if i % 2:  # every other question is answered from another language: a weaker signal
            c.x[:, refusal_signal] -= 1.5 * c.facts[:, 0]
    f = fit_split(cases)
    assert f.foreign_threshold is not None and f.foreign_threshold < f.threshold
    for foreign_top in (False, True):
        refused = [
            float(np.max(c.x @ f.refusal)) < f.model().threshold_of(foreign_top)
            for i, c in enumerate(cases)
            if c.answerable and bool(i % 2) == foreign_top
        ]
        assert np.mean(refused) <= MAX_FALSE_REFUSALS + 0.02
    model = AnswerModel(tuple(f.weights), f.threshold, tuple(f.refusal), foreign_threshold=-7.0)
    rows = np.zeros((2, len(FEATURES)))
    assert model.threshold_for(rows) == f.threshold
    rows[0, foreign] = 1.0
    assert model.threshold_for(rows) == -7.0
