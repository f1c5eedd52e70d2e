"""Ordering: `sort`, `argsort`, `topk`, `median`. The values are gathered at the sorting indices
(`take_along_axis`), so the gradient of each value goes back to the element it came from.

`median` has two meanings: PyTorch's (the lower of the two middle values, with `(values,
indices)` when given `dim`) on `Tensor.median`/`autograd.median`, and numpy's (the mean of the two
middle values) on `np.median`.
"""
import numpy as np

from ..tensor import Tensor
from .index import take_along_axis
from .reduce import ValuesIndices, normalize_axes
from .shape import getitem, permute, reshape


def _sort_axis(x, axis, op):
    if x.ndim == 0:
        normalize_axes(axis, 0, op)
        return reshape(x, 1), 0
    return x, normalize_axes(axis, x.ndim, op)[0]


def _order(data, ax, descending, stable=True):
    # Descending order keeps equal elements in their original order, as a stable sort of -x would.
    return np.argsort(-data if descending else data, axis=ax, kind="stable" if stable else None)


def argsort(x, dim=-1, descending=False, axis=None, stable=True):
    """The indices that sort `x` along `dim` (an integer tensor; no gradient)."""
    dim = dim if axis is None else axis
    if dim is None:
        return argsort(reshape(x, -1), 0, descending)
    shape = x.shape
    x, ax = _sort_axis(x, dim, "argsort")
    return Tensor(_order(x.data, ax, descending, stable).reshape(shape))


def sort(x, dim=-1, descending=False, axis=None, stable=True):
    """`(values, indices)` sorted along `dim` (PyTorch); `np.sort(t)` gives the values only."""
    dim = dim if axis is None else axis
    if dim is None:
        return sort(reshape(x, -1), 0, descending)
    shape = x.shape
    flat, ax = _sort_axis(x, dim, "sort")
    idx = _order(flat.data, ax, descending, stable)
    return ValuesIndices(reshape(take_along_axis(flat, idx, ax), shape), Tensor(idx.reshape(shape)))


def topk(x, k, dim=-1, largest=True, sorted=True):
    """The `k` largest (or smallest) elements along `dim` and their indices, largest first."""
    flat, ax = _sort_axis(x, dim, "topk")
    n = flat.shape[ax]
    if not 0 <= k <= n:
        raise ValueError(f"topk: k={k} is out of range for dim {dim} of size {n} (shape {x.shape})")
    idx = np.take(_order(flat.data, ax, largest), np.arange(k), axis=ax)
    values = take_along_axis(flat, idx, ax)
    if x.ndim == 0:
        return ValuesIndices(reshape(values, ()), Tensor(idx.reshape(())))
    return ValuesIndices(values, Tensor(idx))


def median(x, dim=None, keepdim=False, axis=None, keepdims=False):
    """PyTorch's median: the lower of the two middle values for an even count.

    Without `dim`, a 0-d tensor over all elements; with `dim`, `(values, indices)`.
    """
    dim = dim if axis is None else axis
    keep = keepdim or keepdims
    if dim is None:
        flat = reshape(x, -1)
        if flat.size == 0:
            raise ValueError("median: the tensor is empty")
        values, _ = sort(flat, 0)
        return getitem(values, (flat.size - 1) // 2)
    flat, ax = _sort_axis(x, dim, "median")
    values, indices = sort(flat, ax)
    mid = (flat.shape[ax] - 1) // 2
    pick = (slice(None),) * ax + (slice(mid, mid + 1) if keep else mid,)
    values, indices = getitem(values, pick), Tensor(indices.data[pick])
    if x.ndim == 0:
        return ValuesIndices(reshape(values, ()), Tensor(indices.data.reshape(())))
    return ValuesIndices(values, indices)


def np_median(a, axis=None, keepdims=False):
    """numpy's median: the mean of the two middle values for an even count, over one or more axes."""
    axes = normalize_axes(axis, a.ndim, "median")
    rest = [d for d in range(a.ndim) if d not in axes]
    moved = permute(a, rest + list(axes))
    merged = reshape(moved, moved.shape[:len(rest)] + (-1,))
    n = merged.shape[-1]
    if n == 0:
        raise ValueError(f"median: no elements to take the median of (shape {a.shape}, axis {axis})")
    values, _ = sort(merged, -1)
    out = getitem(values, (Ellipsis, slice((n - 1) // 2, n // 2 + 1))).mean(-1)
    if keepdims:
        out = reshape(out, tuple(1 if d in axes else k for d, k in enumerate(a.shape)))
    return out


__all__ = ["argsort", "sort", "topk", "median", "np_median"]
