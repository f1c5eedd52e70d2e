"""What the classic models share with scikit-learn's estimators, without importing scikit-learn.

The protocol is small: constructor arguments stored unchanged as attributes of the same name,
`get_params` / `set_params` over them, `fit` returning `self`, fitted attributes ending in `_`.
That is all `sklearn.base.clone`, pipelines and `RandomizedSearchCV` need. scikit-learn itself
is imported only when it asks for the tags (`__sklearn_tags__`), because importing it takes
seconds and `import nn` should not.
"""
import inspect

import numpy as np

from autograd import Tensor

__all__ = ["Estimator", "check_X", "check_X_y"]


class Estimator:
    """Base class: `get_params`, `set_params`, a readable repr and scikit-learn's tags.

    Subclasses set `_estimator_type` to "regressor" or "classifier".
    """

    _estimator_type = None

    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values() if p.name != "self"]

    def get_params(self, deep=True):
        """The constructor arguments as a dict (`deep` is accepted for scikit-learn; nothing is nested)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"{type(self).__name__}.set_params: unknown parameter {name!r}; "
                                 f"valid parameters are {valid}")
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if not _same(v, defaults.get(k))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

        kind = self._estimator_type
        return Tags(estimator_type=kind, target_tags=TargetTags(required=True), transformer_tags=None,
                    classifier_tags=ClassifierTags() if kind == "classifier" else None,
                    regressor_tags=RegressorTags() if kind == "regressor" else None, input_tags=InputTags())

    def _check_fitted(self, op):
        if not hasattr(self, "coef_"):
            raise RuntimeError(f"{type(self).__name__}.{op}: the model is not fitted yet; call fit(X, y) first")


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):  # arrays compare elementwise
        return a is b


def check_X(X, op, n_features=None):
    """`X` as a float64 (n_samples, n_features) array, or an error naming `op` and the shape."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{op}: X must hold numbers, got dtype {X.dtype}")
    X = X.astype(np.float64)
    if X.ndim == 1:
        raise ValueError(f"{op}: X must be 2-D (n_samples, n_features), got shape {X.shape}; "
                         f"use X.reshape(-1, 1) for a single feature")
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{op}: X must be 2-D (n_samples, n_features) with at least one sample, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{op}: X holds NaN or inf")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{op}: X has {X.shape[1]} features, but the model was fitted with {n_features}")
    return X


def check_X_y(X, y, op):
    X = check_X(X, op)
    y = np.asarray(y.data if isinstance(y, Tensor) else y)
    if len(y) != len(X):
        raise ValueError(f"{op}: X has {len(X)} samples but y has {len(y)}")
    return X, y
