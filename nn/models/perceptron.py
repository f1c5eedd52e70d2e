"""Rosenblatt's perceptron (1958): a threshold unit whose weights move only on mistakes.

For each sample x with label s = +1 or -1, in a new random order each epoch:

    if s * (w . x + b) <= 0:        # wrong side of the boundary, or on it
        w += eta0 * s * x
        b += eta0 * s

Training stops after an epoch without a mistake (on linearly separable data that happens after
finitely many updates: the perceptron convergence theorem) or after `max_iter` epochs. Several
classes are learnt one-vs-rest, one unit per class, and `predict` takes the class whose unit
scores highest. The rule is scikit-learn's `Perceptron` without its loss-based early stop, so with
`shuffle=False` both give the same weights.
"""
import numbers

import numpy as np

from .estimator import check_X, check_X_y
from .linear import _Classifier

__all__ = ["Perceptron"]


class Perceptron(_Classifier):
    """`Perceptron(max_iter=1000, eta0=1.0, random_state=None, shuffle=True, fit_intercept=True)`
    (scikit-learn's defaults). After `fit`: `coef_` (1 or n_classes, n_features), `intercept_`,
    `classes_`, `n_iter_` (epochs run) and `errors_` (the mistakes of each epoch)."""

    def __init__(self, max_iter=1000, eta0=1.0, random_state=None, shuffle=True, fit_intercept=True):
        self.max_iter, self.eta0, self.random_state = max_iter, eta0, random_state
        self.shuffle, self.fit_intercept = shuffle, fit_intercept

    def fit(self, X, y):
        X, y = check_X_y(X, y, "Perceptron.fit")
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"Perceptron.fit: max_iter must be a positive integer, got {self.max_iter!r}")
        if not (isinstance(self.eta0, numbers.Real) and self.eta0 > 0):
            raise ValueError(f"Perceptron.fit: eta0 must be a number > 0, got {self.eta0!r}")
        index = self._labels(y, "Perceptron.fit", binary=False)
        n_units = 1 if len(self.classes_) == 2 else len(self.classes_)
        # Targets +1 / -1 per unit: the positive class is classes_[1] (binary) or the unit's own class.
        positive = index[:, None] == (np.array([1]) if n_units == 1 else np.arange(n_units))
        signs = np.where(positive, 1.0, -1.0)
        W, b = np.zeros((n_units, X.shape[1])), np.zeros(n_units)
        rng = np.random.default_rng(self.random_state)
        self.errors_ = []
        for _ in range(self.max_iter):
            mistakes = 0
            for i in (rng.permutation(len(X)) if self.shuffle else range(len(X))):
                s = signs[i]
                wrong = s * (W @ X[i] + b) <= 0
                if wrong.any():
                    W[wrong] += self.eta0 * s[wrong, None] * X[i]
                    if self.fit_intercept:
                        b[wrong] += self.eta0 * s[wrong]
                    mistakes += 1
            self.errors_.append(mistakes)
            if mistakes == 0:
                break
        self.coef_, self.intercept_, self.n_iter_ = W, b, len(self.errors_)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        """w . x + b: shape (n,) for two classes (positive means classes_[1]), else (n, n_classes)."""
        self._check_fitted("decision_function")
        scores = check_X(X, "Perceptron.decision_function", self.n_features_in_) @ self.coef_.T + self.intercept_
        return scores[:, 0] if len(self.coef_) == 1 else scores

    def _predict_index(self, X):
        scores = self.decision_function(X)
        return (scores > 0).astype(np.int64) if scores.ndim == 1 else scores.argmax(axis=1)
