"""scikit-learn estimators around any compiled model, for `RandomizedSearchCV` and friends.

    def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3):
        model = nn.MLP([8, *[n_neurons] * n_hidden, 1])
        model.compile("sgd", "mse", lr=learning_rate)
        return model

    search = RandomizedSearchCV(Regressor(build_model, epochs=20), {"n_hidden": [0, 1, 2, 3], ...})

The arguments of `build_fn` (with their defaults) are the estimator's parameters, so a search can
set them; keyword arguments that name arguments of `fit` (`epochs`, `batch_size`, `callbacks`,
`validation_data`, ...) are passed to `Module.fit`. Each `fit` builds a fresh model, kept in
`model_` with its `history_`. scikit-learn is imported here and nowhere else in `nn`.
"""
import inspect

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
except ImportError as error:  # pragma: no cover - exercised by hiding sklearn in a test
    raise ImportError("nn.sklearn needs scikit-learn: pip install scikit-learn "
                      "(or pip install 'chainrule[data]')") from error

from .module import Module
from .training import Trainer

__all__ = ["Regressor", "Classifier"]

FIT_ARGUMENTS = [name for name in inspect.signature(Trainer.fit).parameters if name not in ("self", "x", "y")]


def _arguments(fn):
    """(names of fn's arguments with their defaults, whether it takes **kwargs)."""
    params = inspect.signature(fn).parameters.values()
    named = {p.name: p.default for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return named, any(p.kind == p.VAR_KEYWORD for p in params)


class _Wrapper(BaseEstimator):
    """`build_fn(**params)` returns a compiled model; the other keyword arguments are parameters."""

    def __init__(self, build_fn=None, **params):
        self.build_fn = build_fn
        for name, value in params.items():
            setattr(self, name, value)

    def get_params(self, deep=True):
        """`build_fn`, its arguments (their defaults unless set) and the parameters given."""
        params = {"build_fn": self.build_fn}
        if callable(self.build_fn):
            for name, default in _arguments(self.build_fn)[0].items():
                if default is not inspect.Parameter.empty:
                    params[name] = default
        # Constructor and set_params values; fitted attributes end in "_" and private ones start with it.
        params.update({k: v for k, v in vars(self).items() if not k.startswith("_") and not k.endswith("_")})
        return params

    def set_params(self, **params):
        named, open_ended = _arguments(self.build_fn) if callable(self.build_fn) else ({}, False)
        valid = set(self.get_params()) | set(named) | set(FIT_ARGUMENTS)
        for name, value in params.items():
            if name not in valid and not open_ended:
                raise ValueError(f"{type(self).__name__}.set_params: unknown parameter {name!r}; valid are "
                                 f"{sorted(valid)} (the arguments of build_fn and of fit)")
            setattr(self, name, value)
        return self

    def _build(self):
        """A fresh compiled model, and the keyword arguments for its `fit`."""
        name = type(self).__name__
        if not callable(self.build_fn):
            raise TypeError(f"{name}: build_fn must be a function returning a compiled model, got {self.build_fn!r}")
        named, open_ended = _arguments(self.build_fn)
        build, fit = {}, {"verbose": 0}
        for key, value in self.get_params().items():
            if key == "build_fn":
                continue
            if key not in named and key not in FIT_ARGUMENTS and not open_ended:
                raise ValueError(f"{name}: parameter {key!r} is neither an argument of {self.build_fn.__name__} "
                                 f"{sorted(named)} nor of fit {FIT_ARGUMENTS}")
            if key in named or (open_ended and key not in FIT_ARGUMENTS):
                build[key] = value
            if key in FIT_ARGUMENTS:
                fit[key] = value
        model = self.build_fn(**build)
        if not isinstance(model, Module):
            raise TypeError(f"{name}: build_fn must return an nn.Module, got {type(model).__name__}")
        if "_trainer" not in vars(model):
            raise ValueError(f"{name}: the model returned by {self.build_fn.__name__} is not compiled; "
                             f"call model.compile(optimizer=..., loss=...) before returning it")
        if model._trainer.multi_loss:
            raise ValueError(f"{name}: models with several outputs are not supported; build one with a single output")
        return model, fit

    def _fit(self, X, y, fit_params):
        X = _features(X, type(self).__name__)
        model, fit = self._build()
        if y.dtype.kind == "f":  # regression targets in the model's dtype, so the loss stays in it
            y = y.astype(model._trainer.dtype)
        self.history_ = model.fit(X, y, **{**fit, **fit_params})
        self.model_, self.n_features_in_ = model, X.shape[1]
        return self

    def _outputs(self, X):
        if not hasattr(self, "model_"):
            raise RuntimeError(f"{type(self).__name__}: not fitted yet; call fit(X, y) first")
        return np.asarray(self.model_.predict(_features(X, type(self).__name__)), dtype=np.float64)


def _features(X, name):
    """`X` as an array (fit and predict cast it to the model's dtype)."""
    X = np.asarray(X)
    if X.ndim < 2:
        raise ValueError(f"{name}: X must be 2-D (n_samples, n_features) or more, got shape {X.shape}")
    return X


class Regressor(RegressorMixin, _Wrapper):
    """A scikit-learn regressor around `build_fn`'s model; `score` is R² (pass
    `scoring="neg_mean_squared_error"` to a search for the negated MSE)."""

    def fit(self, X, y, **fit_params):
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        return self._fit(X, y, fit_params)

    def predict(self, X):
        out = self._outputs(X)
        return out.reshape(len(out)) if self._y_1d and out.ndim == 2 and out.shape[1] == 1 else out


# How each loss's outputs become probabilities (the model's outputs as the loss reads them).
_PROBABILITIES = {
    "cross_entropy": "softmax", "nll": "exp", "bce_with_logits": "sigmoid", "bce": "identity",
    "binary_crossentropy": "identity", "categorical_crossentropy": "identity",
    "sparse_categorical_crossentropy": "identity",
}


class Classifier(ClassifierMixin, _Wrapper):
    """A scikit-learn classifier around `build_fn`'s model: any labels (`classes_`), `predict_proba`
    and accuracy `score`. The model outputs one score per class (losses `cross_entropy` from logits,
    `categorical_crossentropy` after Softmax, `nll` after LogSoftmax) or, for two classes, one
    (`bce_with_logits`, or `bce` after Sigmoid); other losses read the outputs as logits."""

    def fit(self, X, y, **fit_params):
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"Classifier: y must hold one label per sample, shape (n,), got {y.shape}")
        self.classes_ = np.unique(y)
        return self._fit(X, np.searchsorted(self.classes_, y), fit_params)

    def predict_proba(self, X):
        """(n, n_classes) probabilities in the order of `classes_`."""
        out = self._outputs(X)
        how = _PROBABILITIES.get(self.model_._trainer.losses[0][0])
        if out.ndim == 1 or out.shape[1] == 1:
            p = out.reshape(len(out))
            p = p if how == "identity" else 1 / (1 + np.exp(-p))
            return np.column_stack([1 - p, p])
        if how == "exp":
            return np.exp(out)
        if how == "identity":
            return out
        e = np.exp(out - out.max(axis=1, keepdims=True))  # a stable softmax
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
