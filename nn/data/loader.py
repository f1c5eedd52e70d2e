"""`TensorDataset` and `DataLoader`: batches of Tensors, as in `torch.utils.data`.

Full-batch, mini-batch and online (one sample at a time) gradient descent are only batch-size
choices: `DataLoader(ds, batch_size=len(ds))`, `batch_size=32`, `batch_size=1`.
"""
import numpy as np

from autograd import Tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader"]


class Dataset:
    """Anything with `__len__` and `__getitem__(i)` returning a sample (a tuple of arrays)."""

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of samples)")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) (one sample: a tuple of arrays)")


class TensorDataset(Dataset):
    """Samples are rows of equally long arrays: `TensorDataset(X, y)[i] == (X[i], y[i])`.

    Indexing with an array of indices gives a whole batch at once (what `DataLoader` uses).
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset: pass at least one array")
        self.arrays = tuple(a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        for i, a in enumerate(self.arrays):
            if a.ndim == 0:
                raise ValueError(f"TensorDataset: array {i} is a scalar; each needs a first (sample) dim")
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: the arrays have different lengths {lengths}")

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over `dataset` in batches of Tensors (a tuple per batch, one Tensor per array).

    `shuffle` draws a new order each epoch from a generator seeded with `seed`: the same seed
    gives the same sequence of batches. `drop_last` skips a final batch smaller than `batch_size`.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None):
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, int(batch_size), shuffle, drop_last
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                return
            yield tuple(Tensor(a) for a in self._batch(idx))

    def _batch(self, idx):
        if isinstance(self.dataset, TensorDataset):
            return self.dataset[idx]  # fancy indexing: one copy per array, no Python loop
        samples = [self.dataset[int(i)] for i in idx]
        if not isinstance(samples[0], tuple):
            samples = [(s,) for s in samples]
        return tuple(np.stack([np.asarray(s[j]) for s in samples]) for j in range(len(samples[0])))
