"""The weights of the answerer's scorer: a conditional logit over each question's candidates, with
the features whose direction is part of their meaning held to their sign."""

from __future__ import annotations

import numpy as np

from assistant.extract.features import FEATURES

# Features whose direction is part of their meaning: finding more of the question's names or words
# never makes a sentence a worse answer, a heading fragment or the wrong event never a better one.
# The fit keeps these signs, so that weights fitted on collinear features carry over to new pages.
SIGNS = {
    "sim": 1, "lex": 1, "lex_ctx": 1, "topic": 1, "names": 1, "hard_names": 1, "defines": 1,
    "slot_near": 1, "fragment": -1, "event_clash": -1,
}  # fmt: skip
BOUNDS = [
    (0.0, None) if SIGNS.get(f) == 1 else (None, 0.0) if SIGNS.get(f) == -1 else (None, None)
    for f in FEATURES
]


_LOW = np.array([-np.inf if b[0] is None else b[0] for b in BOUNDS])
_HIGH = np.array([np.inf if b[1] is None else b[1] for b in BOUNDS])


def bounded(w: np.ndarray) -> np.ndarray:
    """The weights with each signed feature's weight held to its sign."""
    return np.clip(w, _LOW, _HIGH)


def conditional_logit(data: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.1) -> np.ndarray:
    """Weights under which the softmax over each question's candidates (rows of x) falls on those
    that state an expected fact (y), with the signed features held to their signs."""
    from scipy.optimize import minimize

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w) / 2, l2 * w.copy()
        for x, y in data:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mass = max(float(p[y].sum()), 1e-12)
            total -= np.log(mass)
            grad -= (p * y) @ x / mass - p @ x
        return total, grad

    found = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B", bounds=BOUNDS)
    return np.asarray(found.x)
