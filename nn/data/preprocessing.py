"""Preparing arrays for training: splits, standardisation, one-hot targets."""
import numpy as np

from autograd import Tensor

__all__ = ["train_test_split", "StandardScaler", "one_hot", "to_categorical"]


def _array(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def train_test_split(*arrays, test_size=0.25, seed=None, stratify=None, shuffle=True):
    """Split arrays of equal length into train and test parts: returns
    `[a_train, a_test, b_train, b_test, ...]` (scikit-learn's order).

    `test_size` is a fraction in (0, 1) or a number of samples. `stratify` (labels) keeps each
    class's share the same in both parts: every class gives round(share * count) test samples.
    """
    if not arrays:
        raise ValueError("train_test_split: pass at least one array")
    arrays = [_array(a) for a in arrays]
    n = len(arrays[0])
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"train_test_split: the arrays have different lengths {lengths}")
    if isinstance(test_size, float) and 0 < test_size < 1:
        n_test = int(np.ceil(test_size * n))
    elif isinstance(test_size, (int, np.integer)) and 0 < test_size < n:
        n_test = int(test_size)
    else:
        raise ValueError(f"train_test_split: test_size must be a fraction in (0, 1) or a count in [1, {n}), "
                         f"got {test_size!r}")
    rng = np.random.default_rng(seed)
    if stratify is not None:
        labels = _array(stratify)
        if len(labels) != n:
            raise ValueError(f"train_test_split: stratify has {len(labels)} labels for {n} samples")
        test = []
        for c in np.unique(labels):
            idx = np.flatnonzero(labels == c)
            if shuffle:
                idx = rng.permutation(idx)
            test.append(idx[:int(round(len(idx) * n_test / n))])
        test = np.sort(np.concatenate(test))
        train = np.setdiff1d(np.arange(n), test)
        if shuffle:
            train, test = rng.permutation(train), rng.permutation(test)
    else:
        order = rng.permutation(n) if shuffle else np.arange(n)
        train, test = order[:n - n_test], order[n - n_test:]
    if len(train) == 0 or len(test) == 0:
        raise ValueError(f"train_test_split: test_size={test_size!r} leaves an empty part for {n} samples")
    return [part for a in arrays for part in (a[train], a[test])]


class StandardScaler:
    """x -> (x - mean) / std per feature, with mean and std learnt by `fit` on training data only.

    Features with zero spread are left unscaled (std taken as 1) instead of dividing by zero.
    """

    def __init__(self):
        self.mean_ = self.scale_ = None

    def fit(self, X):
        X = _array(X)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0).astype(std.dtype)
        return self

    def _check(self, X, op):
        if self.mean_ is None:
            raise RuntimeError(f"StandardScaler.{op}: call fit(X_train) first")
        X = _array(X)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(f"StandardScaler.{op}: fitted on features of shape {self.mean_.shape}, "
                             f"got X of shape {X.shape}")
        return X

    def transform(self, X):
        X = self._check(X, "transform")
        return ((X - self.mean_) / self.scale_).astype(X.dtype if X.dtype.kind == "f" else np.float32)

    def inverse_transform(self, X):
        X = self._check(X, "inverse_transform")
        return (X * self.scale_ + self.mean_).astype(X.dtype if X.dtype.kind == "f" else np.float32)

    def fit_transform(self, X):
        return self.fit(X).transform(X)

    def state_dict(self):
        return {"mean": self.mean_, "scale": self.scale_}

    def load_state_dict(self, state):
        self.mean_, self.scale_ = np.asarray(state["mean"]), np.asarray(state["scale"])
        return self


def one_hot(labels, num_classes=None, dtype=np.float32):
    """Integer labels (n,) as indicator rows (n, num_classes); `num_classes` defaults to max + 1."""
    labels = _array(labels)
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        else:
            raise TypeError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][:5]
        raise ValueError(f"one_hot: labels must be in [0, {num_classes}), got {bad}")
    return np.eye(num_classes, dtype=dtype)[labels]


to_categorical = one_hot  # Keras's name
