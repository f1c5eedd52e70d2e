"""Linear, logistic and softmax regression trained by the lessons' gradient-descent loop.

Each model is the hypothesis `X @ W + b`, a cost, and plain full-batch SGD from zero weights:

    for epoch in range(epochs):
        cost = loss(X @ W + b, y)
        optimizer.zero_grad(); cost.backward(); optimizer.step()

The costs: mean squared error (linear), binary cross-entropy of a sigmoid (logistic), and
cross-entropy of a softmax (softmax regression). The models follow scikit-learn's estimator
protocol (`fit` returns self; `coef_`, `intercept_`, `classes_`; `get_params` / `set_params`),
so `sklearn.base.clone`, pipelines and searches take them, and their answers can be held
against scikit-learn's: `alpha` is an L2 penalty `alpha / 2 * |W|^2` on the mean cost (the
intercept is not penalised), the same optimum as scikit-learn's `LogisticRegression(C=1 / (alpha * n))`.
"""
import math
import numbers

import numpy as np

from autograd import Tensor

from .. import functional as F
from ..optim import SGD
from .estimator import Estimator, check_X, check_X_y

__all__ = ["LinearRegression", "LogisticRegression", "SoftmaxRegression"]


def _check_options(model, op):
    name = type(model).__name__
    if not (isinstance(model.lr, numbers.Real) and model.lr > 0 and math.isfinite(model.lr)):
        raise ValueError(f"{name}.{op}: lr must be a number > 0, got {model.lr!r}")
    if not isinstance(model.epochs, numbers.Integral) or model.epochs < 1:
        raise ValueError(f"{name}.{op}: epochs must be a positive integer, got {model.epochs!r}")
    alpha = getattr(model, "alpha", 0.0)
    if not (isinstance(alpha, numbers.Real) and alpha >= 0):
        raise ValueError(f"{name}.{op}: alpha must be a number >= 0, got {alpha!r}")


def _gradient_descent(model, X, target, n_out, loss, alpha=0.0):
    """Train `X @ W + b` (W: (n_features, n_out), zeros) with SGD on `loss(output, target)`;
    set `coef_` (n_out, n_features), `intercept_` (n_out,), `loss_` (the last cost) and `n_iter_`."""
    W = Tensor(np.zeros((X.shape[1], n_out)), requires_grad=True)
    b = Tensor(np.zeros(n_out), requires_grad=True)
    groups = [{"params": [W], "weight_decay": alpha}]  # SGD's weight decay is the gradient of alpha/2 |W|^2
    if model.fit_intercept:
        groups.append({"params": [b], "weight_decay": 0.0})
    optimizer = SGD(groups, lr=model.lr)
    x, t = Tensor(X), Tensor(target)
    for epoch in range(model.epochs):
        cost = loss(x @ W + b, t)
        if not math.isfinite(cost.item()):
            raise FloatingPointError(f"{type(model).__name__}.fit: the cost is not finite at epoch {epoch + 1} "
                                     f"(lr={model.lr} is too large for this data; lower it or standardise X)")
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
    model.coef_, model.intercept_ = W.data.T.copy(), b.data.copy()
    model.loss_, model.n_iter_ = cost.item(), model.epochs


class LinearRegression(Estimator):
    """Least squares `y ≈ X @ coef_.T + intercept_` by gradient descent on the mean squared error
    (the lesson's settings: lr 0.01, 2000 epochs), or with `closed_form=True` by
    `numpy.linalg.lstsq`. `y` of shape (n,) gives `coef_` (n_features,) and a float `intercept_`;
    `y` of shape (n, k) gives (k, n_features) and (k,)."""

    _estimator_type = "regressor"

    def __init__(self, lr=0.01, epochs=2000, fit_intercept=True, closed_form=False):
        self.lr, self.epochs, self.fit_intercept, self.closed_form = lr, epochs, fit_intercept, closed_form

    def fit(self, X, y):
        X, y = check_X_y(X, y, "LinearRegression.fit")
        _check_options(self, "fit")
        if y.ndim not in (1, 2):
            raise ValueError(f"LinearRegression.fit: y must have shape (n,) or (n, n_targets), got {y.shape}")
        Y = y.reshape(len(y), -1).astype(np.float64)
        if self.closed_form:
            A = np.hstack([X, np.ones((len(X), 1))]) if self.fit_intercept else X
            solution = np.linalg.lstsq(A, Y, rcond=None)[0]  # (n_features [+ 1], k)
            self.coef_ = solution[:X.shape[1]].T
            self.intercept_ = solution[-1] if self.fit_intercept else np.zeros(Y.shape[1])
            self.loss_, self.n_iter_ = float(np.mean((A @ solution - Y) ** 2)), 0
        else:
            _gradient_descent(self, X, Y, Y.shape[1], F.mse_loss)
        if y.ndim == 1:
            self.coef_, self.intercept_ = self.coef_[0], float(self.intercept_[0])
        if not self.fit_intercept:
            self.intercept_ = 0.0  # as scikit-learn's
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        self._check_fitted("predict")
        X = check_X(X, "LinearRegression.predict", self.n_features_in_)
        return X @ self.coef_.T + self.intercept_

    def score(self, X, y):
        """R² = 1 - SS_res / SS_tot (averaged over the targets), as scikit-learn's regressors."""
        y = np.asarray(y, dtype=np.float64)
        pred = self.predict(X).reshape(y.shape)
        residual = ((y - pred) ** 2).sum(axis=0)
        total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
        # A constant target has no variance to explain: 1 if it is predicted exactly, else 0 (as scikit-learn).
        r2 = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1), (residual == 0).astype(float))
        return float(np.mean(r2))


class _Classifier(Estimator):
    """What the classifiers share: class labels in `classes_`, `predict` and accuracy `score`."""

    _estimator_type = "classifier"

    def _labels(self, y, op, binary):
        if y.ndim != 1:
            raise ValueError(f"{op}: y must hold one class label per sample, shape (n,), got {y.shape}")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"{op}: y holds a single class {self.classes_.tolist()}; at least 2 are needed")
        if binary and len(self.classes_) > 2:
            raise ValueError(f"{op}: y holds {len(self.classes_)} classes {self.classes_.tolist()[:10]}; "
                             f"this model is binary (use SoftmaxRegression for several classes)")
        return np.searchsorted(self.classes_, y)

    def predict(self, X):
        return self.classes_[self._predict_index(X)]

    def score(self, X, y):
        """The accuracy: the fraction of samples whose predicted class is `y`."""
        return float(np.mean(self.predict(X) == np.asarray(y)))


class LogisticRegression(_Classifier):
    """Binary logistic regression: P(classes_[1] | x) = sigmoid(x @ coef_.T + intercept_), trained
    by gradient descent on the binary cross-entropy (the lesson's lr 1 for 1000 epochs).
    `coef_` is (1, n_features) and `intercept_` (1,), as scikit-learn's."""

    def __init__(self, lr=1.0, epochs=1000, fit_intercept=True, alpha=0.0):
        self.lr, self.epochs, self.fit_intercept, self.alpha = lr, epochs, fit_intercept, alpha

    def fit(self, X, y):
        X, y = check_X_y(X, y, "LogisticRegression.fit")
        _check_options(self, "fit")
        index = self._labels(y, "LogisticRegression.fit", binary=True)
        target = index.astype(np.float64).reshape(-1, 1)
        _gradient_descent(self, X, target, 1, F.binary_cross_entropy_with_logits, self.alpha)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        """The logit x @ coef_.T + intercept_, shape (n,); positive means classes_[1]."""
        self._check_fitted("decision_function")
        X = check_X(X, "LogisticRegression.decision_function", self.n_features_in_)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X):
        """(n, 2): the probabilities of classes_[0] and classes_[1]."""
        p = 1 / (1 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def _predict_index(self, X):
        return (self.decision_function(X) > 0).astype(np.int64)


class SoftmaxRegression(_Classifier):
    """Multinomial logistic regression: P(classes_ | x) = softmax(x @ coef_.T + intercept_),
    trained by gradient descent on the cross-entropy (the lesson's lr 0.1 for 1000 epochs).
    `coef_` is (n_classes, n_features), `intercept_` (n_classes,)."""

    def __init__(self, lr=0.1, epochs=1000, fit_intercept=True, alpha=0.0):
        self.lr, self.epochs, self.fit_intercept, self.alpha = lr, epochs, fit_intercept, alpha

    def fit(self, X, y):
        X, y = check_X_y(X, y, "SoftmaxRegression.fit")
        _check_options(self, "fit")
        index = self._labels(y, "SoftmaxRegression.fit", binary=False)
        _gradient_descent(self, X, index, len(self.classes_), F.cross_entropy, self.alpha)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        """The class scores (logits), shape (n, n_classes)."""
        self._check_fitted("decision_function")
        X = check_X(X, "SoftmaxRegression.decision_function", self.n_features_in_)
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        """(n, n_classes) probabilities, each row summing to 1."""
        scores = self.decision_function(X)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))  # shifted so that exp cannot overflow
        return e / e.sum(axis=1, keepdims=True)

    def _predict_index(self, X):
        return self.decision_function(X).argmax(axis=1)
