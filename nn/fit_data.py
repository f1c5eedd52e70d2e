"""The data side of `fit`/`evaluate`/`predict`: arrays, Tensors, tuples or a DataLoader turned
into batches of Tensors in the model's dtype, and targets checked against the model's outputs
before any training starts (shapes, class ranges, lengths), with errors naming the argument.
"""
import copy

import numpy as np

from autograd import Tensor, no_grad

from .callbacks import tqdm_class
from .data.loader import DataLoader, TensorDataset

__all__ = ["Batches", "check_targets", "fit_target", "progress"]


def _is_array(a):
    return isinstance(a, (np.ndarray, Tensor))


def _arrays(x, op, arg):
    """A list of numpy arrays: a tuple, or a list of arrays, means several inputs (or outputs)."""
    if isinstance(x, tuple) or (isinstance(x, list) and x and all(_is_array(a) for a in x)):
        parts = list(x)
    else:
        parts = [x]
    out = []
    for i, a in enumerate(parts):
        name = f"{arg}[{i}]" if len(parts) > 1 else arg
        a = a.data if isinstance(a, Tensor) else np.asarray(a)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{op}: {name} must be numeric, got dtype {a.dtype}")
        if a.ndim == 0:
            raise ValueError(f"{op}: {name} is a single number; it needs a first (sample) dimension")
        out.append(a)
    return out


def _cast(a, dtype):
    """Floating (and boolean) arrays in the model's dtype; integer arrays (labels, indices) unchanged."""
    return a.astype(dtype, copy=False) if a.dtype.kind in "fb" and a.dtype != dtype else a


class Batches:
    """Batches `(inputs, targets)` (lists of Tensors) of `x` and `y`, or of a DataLoader's batches,
    whose last `n_targets` elements are the targets."""

    def __init__(self, x, y, dtype, batch_size, shuffle, seed, op, n_targets=1, n_inputs=None):
        self.dtype, self.op, self.batch_size = dtype, op, batch_size
        if isinstance(x, DataLoader):
            if y is not None:
                raise ValueError(f"{op}: y must be None when x is a DataLoader (its batches hold the targets)")
            self.loader, self.inputs, self.targets = x, None, None
            self.n_targets = n_targets
            self.n_inputs = n_inputs if op == "predict" else None
            return
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"{op}: batch_size must be a positive integer, got {batch_size!r}")
        self.inputs = [_cast(a, self.dtype) for a in _arrays(x, op, "x")]
        self.targets = [] if y is None else [_cast(a, self.dtype) for a in _arrays(y, op, "y")]
        if y is None and op != "predict":
            raise ValueError(f"{op}: y is missing (pass targets, or a DataLoader as x)")
        lengths = {f"x[{i}]" if len(self.inputs) > 1 else "x": len(a) for i, a in enumerate(self.inputs)}
        lengths.update({f"y[{i}]" if len(self.targets) > 1 else "y": len(a) for i, a in enumerate(self.targets)})
        if len(set(lengths.values())) != 1:
            raise ValueError(f"{op}: x and y must have the same number of samples, got "
                             + ", ".join(f"{k}: {v}" for k, v in lengths.items()))
        if not len(self.inputs[0]):
            raise ValueError(f"{op}: x holds no samples")
        self.n_inputs, self.n_targets = len(self.inputs), len(self.targets)
        self.loader = DataLoader(TensorDataset(*self.inputs, *self.targets), batch_size, shuffle, seed=seed)

    @classmethod
    def of_validation(cls, validation_data, dtype, batch_size, n_targets):
        if isinstance(validation_data, DataLoader):
            return cls(validation_data, None, dtype, batch_size, False, None, "fit", n_targets)
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("fit: validation_data must be a pair (x_val, y_val) or a DataLoader, "
                             f"got {type(validation_data).__name__}")
        return cls(*validation_data, dtype, batch_size, False, None, "fit (validation_data)")

    def split(self, fraction):
        """(training part, validation part): the last `fraction` of the samples, taken before any
        shuffling, as Keras does."""
        if self.inputs is None:
            raise ValueError("fit: validation_split needs arrays; with a DataLoader pass validation_data")
        if not 0 < fraction < 1:
            raise ValueError(f"fit: validation_split must be in (0, 1), got {fraction!r}")
        n = len(self.inputs[0])
        cut = n - int(n * fraction)
        if cut in (0, n):
            raise ValueError(f"fit: validation_split={fraction} leaves an empty part of {n} samples")
        return self._rows(slice(None, cut), self.loader.shuffle), self._rows(slice(cut, None), False)

    def _rows(self, rows, shuffle):
        part = copy.copy(self)
        part.inputs, part.targets = [a[rows] for a in self.inputs], [a[rows] for a in self.targets]
        part.loader = DataLoader(TensorDataset(*part.inputs, *part.targets), self.loader.batch_size, shuffle,
                                 seed=self.loader.seed)
        return part

    def __len__(self):
        return len(self.loader)

    def _cut(self, batch):
        batch = [t if t.dtype.kind not in "fb" or t.dtype == self.dtype else Tensor(_cast(t.data, self.dtype))
                 for t in batch]
        if self.n_targets:
            if len(batch) <= self.n_targets:
                raise ValueError(f"{self.op}: a DataLoader batch has {len(batch)} element(s); expected the inputs "
                                 f"followed by {self.n_targets} target(s)")
            self.n_inputs = len(batch) - self.n_targets
            return batch[:-self.n_targets], batch[-self.n_targets:]
        if self.n_inputs and len(batch) > self.n_inputs:
            batch = batch[:self.n_inputs]  # predict on a loader of (x, y): ignore the targets
        return batch, []

    def __iter__(self):
        if self.inputs is not None:  # array data: the split is known
            k = self.n_inputs
            for batch in self.loader:
                yield list(batch[:k]), list(batch[k:])
        else:
            for batch in self.loader:
                yield self._cut(list(batch))

    def probe(self, k=2):
        """The first `k` samples' inputs (Tensors) and every target array (or the first
        samples' targets for a dataset that is not a TensorDataset)."""
        if self.inputs is not None:
            return [Tensor(a[:k]) for a in self.inputs], self.targets, [f"y[{i}]" if self.n_targets > 1 else "y"
                                                                         for i in range(self.n_targets)]
        ds = self.loader.dataset
        n = min(k, len(ds))
        if isinstance(ds, TensorDataset):
            inputs, _ = self._cut([Tensor(a[:n]) for a in ds.arrays])
            targets = list(ds.arrays[len(ds.arrays) - self.n_targets:]) if self.n_targets else []
        else:
            inputs, targets = self._cut([Tensor(a) for a in self.loader._batch(np.arange(n))])
            targets = [t.data for t in targets]
        return inputs, targets, [f"the DataLoader's target {i}" for i in range(len(targets))]


def fit_target(t, o, kind):
    """A batch of targets as the loss wants it for output `o`: (n,) values shaped like an (n, 1)
    output; integral float labels as integers for class losses."""
    if kind in ("values", "binary", "hinge") and t.shape != o.shape and t.size == o.size:
        return Tensor(t.data.reshape(o.shape))
    if kind == "classes" and t.dtype.kind == "f" and t.ndim == o.ndim - 1:
        return Tensor(t.data.astype(np.int64))
    return t


def _check(name, loss, kind, o, t, op):
    """Raise if target array `t` (all samples) does not suit output `o` (a probe batch) under `loss`."""
    per_out, per_t = o.shape[1:], t.shape[1:]
    if kind == "classes" or (kind == "hinge" and o.ndim == 2 and o.shape[1] > 1 and t.ndim == 1):
        n_classes = o.shape[1] if o.ndim > 1 else None
        if t.ndim == o.ndim - 1 and (t.dtype.kind in "iu" or np.all(t == np.round(t))):
            if t.size and (t.min() < 0 or t.max() >= n_classes):
                bad = np.unique(t[(t < 0) | (t >= n_classes)])[:5]
                raise ValueError(f"{op}: {name} has labels outside the {n_classes} classes of the model's output "
                                 f"(labels must be in [0, {n_classes})): {bad.tolist()}")
            return
        if per_t == per_out and t.dtype.kind == "f":
            return  # one-hot or probability targets
        raise ValueError(f"{op}: for loss {loss!r}, {name} must hold integer class labels of shape ({len(t)},) "
                         f"or one-hot rows of shape ({len(t)}, {n_classes}); got shape {t.shape} of {t.dtype}")
    if int(np.prod(per_t)) != int(np.prod(per_out)):
        raise ValueError(f"{op}: {name} has shape {t.shape} ({int(np.prod(per_t))} value(s) per sample) but the "
                         f"model's output has shape {per_out} per sample, as loss {loss!r} needs")
    if kind == "binary" and t.size and (t.min() < 0 or t.max() > 1):
        raise ValueError(f"{op}: loss {loss!r} needs {name} in [0, 1], got values from {t.min()} to {t.max()}")
    if kind == "hinge" and t.size and not np.all(np.abs(t) == 1):
        raise ValueError(f"{op}: loss 'hinge' needs binary labels -1 or +1 in {name}, got {np.unique(t)[:5]}")


def check_targets(trainer, data, op):
    """Run the model on a couple of samples and check every target array against its output."""
    inputs, targets, names = data.probe()
    model = trainer.model
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            out = model(*inputs)
    finally:
        model.train(was_training)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if data.inputs is not None and len(outs) != len(targets):
        raise ValueError(f"{op}: the model has {len(outs)} output(s) but y holds {len(targets)} array(s)")
    for (_, loss, _, kind, _), o, t, name in zip(trainer._heads(len(outs), op), outs, targets, names):
        if kind is not None:
            _check(name, loss, kind, o.data, np.asarray(t), op)


def progress(data, verbose, desc):
    """`data` wrapped in a tqdm bar when verbose is 1 (and tqdm is installed)."""
    if verbose != 1:
        return data
    tqdm = tqdm_class()
    if tqdm is None:
        return data
    return tqdm(data, total=len(data), desc=desc, unit="batch", leave=False)
