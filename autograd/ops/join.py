"""Splitting and stacking with numpy's rules (`split`, `array_split`, `vsplit`, ..., `vstack`, ...)
and PyTorch's `chunk`. All are slices and concatenations, so their gradients come for free.

Two splits share a name: `Tensor.split(size_or_sizes)` is PyTorch's (piece sizes), while
`np.split(t, sections_or_indices)` and `autograd.array_split` follow numpy (a number of pieces,
or the indices where to cut).
"""
import numpy as np

from .reduce import normalize_axes
from .shape import _tensors, atleast_1d, atleast_2d, atleast_3d, concatenate, getitem, reshape


def _cut(x, ax, bounds):
    """The pieces of `x` between consecutive `bounds` along axis `ax`."""
    head = (slice(None),) * ax
    return [getitem(x, head + (slice(int(a), int(b)),)) for a, b in zip(bounds[:-1], bounds[1:])]


def _bounds(n, indices_or_sections, op, equal):
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError(f"{op}: the number of sections must be positive, got {k}")
        if equal and n % k:
            raise ValueError(f"{op}: {n} elements do not split into {k} equal sections (use array_split)")
        # The first n % k pieces get one element more, as numpy's array_split.
        sizes = [n // k + (i < n % k) for i in range(k)]
        return np.concatenate([[0], np.cumsum(sizes)])
    # Listed indices are slice bounds, as in numpy: negative ones count from the end, a decreasing one gives [].
    return [0, *(int(i) for i in indices_or_sections), n]


def array_split(x, indices_or_sections, axis=0):
    """numpy's array_split: `k` pieces as equal as possible, or cut before each listed index."""
    (ax,) = normalize_axes(axis, x.ndim, "array_split")
    return _cut(x, ax, _bounds(x.shape[ax], indices_or_sections, "array_split", equal=False))


def split(x, indices_or_sections, axis=0):
    """numpy's split: `k` equal pieces (an error if they cannot be equal), or cut before each listed index."""
    (ax,) = normalize_axes(axis, x.ndim, "split")
    return _cut(x, ax, _bounds(x.shape[ax], indices_or_sections, "split", equal=True))


def vsplit(x, indices_or_sections):
    """split along dim 0 (needs 2 or more dims)."""
    if x.ndim < 2:
        raise ValueError(f"vsplit: needs at least 2 dims, got shape {x.shape}")
    return split(x, indices_or_sections, 0)


def hsplit(x, indices_or_sections):
    """split along dim 1 (dim 0 for a 1-d tensor)."""
    if x.ndim < 1:
        raise ValueError("hsplit: needs at least 1 dim, got a 0-d tensor")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def dsplit(x, indices_or_sections):
    """split along dim 2 (needs 3 or more dims)."""
    if x.ndim < 3:
        raise ValueError(f"dsplit: needs at least 3 dims, got shape {x.shape}")
    return split(x, indices_or_sections, 2)


def chunk(x, chunks, dim=0):
    """PyTorch's chunk: pieces of ceil(n / chunks) elements (the last smaller; maybe fewer pieces)."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    (ax,) = normalize_axes(dim, x.ndim, "chunk")
    n = x.shape[ax]
    size = -(-n // chunks) if n else 1
    return _cut(x, ax, list(range(0, n, size)) + [n] if n else [0, 0])


def _as_list(tensors, op):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    return _tensors(tensors, op)


def vstack(tensors):
    """Tensors stacked as rows: 1-d ones become (1, n), then joined along dim 0."""
    return concatenate([atleast_2d(t) for t in _as_list(tensors, "vstack")], 0)


row_stack = vstack


def hstack(tensors):
    """Tensors joined along dim 1 (dim 0 when they are 1-d)."""
    ts = [atleast_1d(t) for t in _as_list(tensors, "hstack")]
    return concatenate(ts, 0 if ts[0].ndim == 1 else 1)


def dstack(tensors):
    """Tensors joined along dim 2 after `atleast_3d`."""
    return concatenate([atleast_3d(t) for t in _as_list(tensors, "dstack")], 2)


def column_stack(tensors):
    """1-d tensors become columns (n, 1), then everything is joined along dim 1."""
    ts = _as_list(tensors, "column_stack")
    return concatenate([reshape(t, (-1, 1)) if t.ndim < 2 else t for t in ts], 1)


__all__ = ["array_split", "split", "vsplit", "hsplit", "dsplit", "chunk", "vstack", "row_stack", "hstack",
           "dstack", "column_stack"]
