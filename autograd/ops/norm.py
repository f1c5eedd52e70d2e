"""Norms, composed of `abs`, powers, sums and max/min (so their gradients come for free).

Three entry points, with their libraries' meanings:
- `vector_norm(x, ord=2, axis=None)`: the p-norm of the elements over `axis` (all of them if None).
- `matrix_norm(x, ord="fro", axis=(-2, -1))`: "fro", 1, -1, inf, -inf (max/min column or row sums).
- `norm(x, ord=None, axis=None)`: numpy's and `torch.linalg`'s rule, a vector norm for one axis
  (or a 1-d input with axis None), a matrix norm for two axes; `Tensor.norm(p="fro", dim=None)`
  is PyTorch's older `torch.norm`, a vector norm over `dim` whatever its length.
The 2-norm's gradient x / |x| is taken as 0 at x = 0, as PyTorch does.
"""
import math

import numpy as np

from ..tensor import Tensor, make
from .reduce import _expand, _kept_shape, normalize_axes

_INF = math.inf


def vector_norm(x, ord=2, axis=None, keepdims=False, dim=None):
    """(sum |x|^ord)^(1/ord) over `axis`; ord = inf / -inf give max / min of |x|, ord = 0 the count of non-zeros."""
    axes = normalize_axes(axis, x.ndim, "vector_norm", dim)
    if isinstance(ord, str):
        raise ValueError(f"vector_norm: ord must be a number, got {ord!r}")
    a = x.abs()
    if ord == _INF:
        return a.max(axes, keepdims)
    if ord == -_INF:
        return a.min(axes, keepdims)
    if ord == 0:
        return (x * 0).sum(axes, keepdims) + Tensor(np.count_nonzero(x.data, axis=axes, keepdims=keepdims).astype(x.dtype))
    if ord == 1:
        return a.sum(axes, keepdims)
    if ord == 2:
        return _l2(x, axes, keepdims)
    return (a ** ord).sum(axes, keepdims) ** (1.0 / ord)


def _l2(x, axes, keepdims):
    """sqrt(sum x^2), whose gradient x / |x| is taken as 0 at x = 0 (PyTorch's subgradient)."""
    shape = x.shape

    def backward(g, out, x):
        kept = out if keepdims else out.reshape(_kept_shape(shape, axes))
        return (_expand(g, shape, axes, keepdims) * x / np.where(kept == 0, 1, kept),)

    return make(np.asarray(np.sqrt(np.sum(x.data * x.data, axis=axes, keepdims=keepdims))), (x,), backward, "norm")


def matrix_norm(x, ord="fro", axis=(-2, -1), keepdims=False, dim=None):
    """Matrix norms over the two axes `axis`: "fro", 1 / -1 (max / min column sum of |x|), inf / -inf (rows)."""
    axis = axis if dim is None else dim
    if x.ndim < 2 or len(tuple(axis)) != 2:
        raise ValueError(f"matrix_norm: needs two axes of a tensor with 2 or more dims, got axis {axis} and shape {x.shape}")
    rows, cols = (normalize_axes(a, x.ndim, "matrix_norm")[0] for a in axis)
    if rows == cols:
        raise ValueError(f"matrix_norm: the two axes must differ, got {axis}")
    if ord == "fro":
        return vector_norm(x, 2, (rows, cols), keepdims)
    if ord in (1, -1, _INF, -_INF):
        inner, outer = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = x.abs().sum(inner, keepdims=True)
        best = sums.max(outer, keepdims=True) if ord > 0 else sums.min(outer, keepdims=True)
        return best if keepdims else best.squeeze((rows, cols))
    raise ValueError(f"matrix_norm: ord must be 'fro', 1, -1, inf or -inf, got {ord!r} "
                     f"(the spectral and nuclear norms need an SVD, which chainrule does not differentiate)")


def norm(x, ord=None, axis=None, keepdims=False, dim=None):
    """numpy's `linalg.norm` / `torch.linalg.norm`: vector norm over one axis, matrix norm over two."""
    axis = axis if dim is None else dim
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    if axis is None:
        if ord is None:
            return vector_norm(x, 2, None, keepdims)
        axis = tuple(range(x.ndim))
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} with axis=None needs a 1-d or 2-d input, got shape {x.shape}")
    if len(axis) == 1:
        return vector_norm(x, 2 if ord is None else ord, axis, keepdims)
    if len(axis) == 2:
        return matrix_norm(x, "fro" if ord is None else ord, axis, keepdims)
    raise ValueError(f"norm: axis must name 1 or 2 axes, got {axis}")


def tensor_norm(x, p="fro", dim=None, keepdim=False):
    """PyTorch's `Tensor.norm`: the p-norm of the elements over `dim` ("fro" is the 2-norm)."""
    if p == "fro":
        p = 2
    elif isinstance(p, str):
        raise ValueError(f"norm: p must be a number or 'fro', got {p!r}")
    return vector_norm(x, p, dim, keepdim)


__all__ = ["vector_norm", "matrix_norm", "norm", "tensor_norm"]
