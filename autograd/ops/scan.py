"""Scans along an axis: `cumsum`, `cumprod`, `diff`. `axis=None` scans the flattened tensor (numpy).

The backward of a running sum is a running sum from the other end: d(sum_{j<=i} x_j)/dx_k
is 1 for every i >= k. It is written with `np.flip` and `np.cumsum`, which Tensors implement,
so gradients of gradients follow.
"""
import numpy as np

from ..tensor import as_tensor, make
from .reduce import normalize_axes
from .shape import broadcast_to, concatenate, getitem, reshape


def _scan_axis(x, axis, op):
    """`x` (flattened when axis is None) and the axis to scan."""
    if axis is None or x.ndim == 0:
        if axis is not None:
            normalize_axes(axis, 0, op)  # a 0-d tensor scans as one element, along dim 0 or -1
        return reshape(x, -1), 0
    return x, normalize_axes(axis, x.ndim, op)[0]


def _reverse_cumsum(g, ax):
    return np.flip(np.cumsum(np.flip(g, ax), ax), ax)


def cumsum(x, axis=None, dim=None):
    """Running sums along `axis` (or its alias `dim`)."""
    shape = x.shape
    x, ax = _scan_axis(x, axis if dim is None else dim, "cumsum")

    def backward(g, out, x):
        return (_reverse_cumsum(g, ax),)

    out = make(np.cumsum(x.data, axis=ax), (x,), backward, "cumsum")
    return reshape(out, shape) if not shape else out


def cumprod(x, axis=None, dim=None):
    """Running products along `axis`.

    The gradient is sum_{i >= k} g_i out_i / x_k: it divides by x, so it needs non-zero inputs.
    """
    shape = x.shape
    x, ax = _scan_axis(x, axis if dim is None else dim, "cumprod")

    def backward(g, out, x):
        return (_reverse_cumsum(g * out, ax) / x,)

    out = make(np.cumprod(x.data, axis=ax), (x,), backward, "cumprod")
    return reshape(out, shape) if not shape else out


def diff(x, n=1, axis=-1, prepend=None, append=None, dim=None):
    """The `n`-th forward difference x[i+1] - x[i] along `axis`, after joining `prepend` and `append`."""
    axis = axis if dim is None else dim
    if x.ndim == 0:
        raise ValueError("diff: needs at least 1 dim, got a 0-d tensor")
    if n < 0:
        raise ValueError(f"diff: order n must be >= 0, got {n}")
    (ax,) = normalize_axes(axis, x.ndim, "diff")
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        parts = [as_tensor(p, x, "diff") for p in parts]
        # A 0-d prepend/append value stands for a whole slice along the axis, as in numpy.
        parts = [p if p.ndim else broadcast_to(reshape(p, (1,) * x.ndim), x.shape[:ax] + (1,) + x.shape[ax + 1:])
                 for p in parts]
        x = concatenate(parts, ax)
    head = (slice(None),) * ax
    for _ in range(n):
        x = getitem(x, head + (slice(1, None),)) - getitem(x, head + (slice(None, -1),))
    return x


__all__ = ["cumsum", "cumprod", "diff"]
