"""Reductions over `axis` (int, tuple or None; `dim` is accepted as an alias) with `keepdims`.

The backward of a reduction broadcasts the upstream gradient back over the reduced axes.
`max`/`min` split the gradient equally among tied elements; given `dim=` (PyTorch's keyword)
they return `(values, indices)` as PyTorch does, given `axis` the values only, as numpy does.
"""
import builtins
import math
from collections import namedtuple

import numpy as np

from ..formulas import max_keepdims, saves
from ..tensor import Tensor, dual, make, real_data


def normalize_axes(axis, ndim, op, dim=None):
    """`axis` (or its alias `dim`) as a sorted tuple of non-negative axes; None means all."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: give axis or dim, not both")
        axis = dim
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int and 0 <= axis < ndim:  # the common case, spared the checks below
        return (axis,)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    # A 0-d tensor accepts dim 0 and -1 (as PyTorch), which name no axis to reduce.
    span = builtins.max(ndim, 1)
    for a in axes:
        if not -span <= a < span:
            raise IndexError(f"{op}: axis {a} is out of range for a tensor with {ndim} dims")
        if ndim:
            out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out))


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _expand(g, shape, axes, keepdims):
    """The gradient of a reduction's output, broadcast back to the input's `shape`."""
    if not keepdims:
        g = g.reshape(_kept_shape(shape, axes))
    return np.broadcast_to(g, shape)


def sum(x, axis=None, keepdims=False, dim=None, keepdim=None):
    keepdims = keepdims or bool(keepdim)  # PyTorch's name
    axes = normalize_axes(axis, x.ndim, "sum", dim)
    shape = x.shape

    @saves()
    def backward(g, out, x):
        return (_expand(g, shape, axes, keepdims),)

    return make(np.asarray(x.data.sum(axis=axes, keepdims=keepdims)), (x,), backward, "sum")


def mean(x, axis=None, keepdims=False, dim=None, keepdim=None):
    keepdims = keepdims or bool(keepdim)  # PyTorch's name
    axes = normalize_axes(axis, x.ndim, "mean", dim)
    count = math.prod(x.shape[a] for a in axes)
    if count == 0:
        raise ValueError(f"mean: reduction over an empty axis of shape {x.shape}")
    shape = x.shape

    @saves()
    def backward(g, out, x):
        return (_expand(g * (1.0 / count), shape, axes, keepdims),)

    return make(np.asarray(real_data(x).mean(axis=axes, keepdims=keepdims)), (x,), backward, "mean")


# What PyTorch's max(dim=...), min(dim=...), sort, topk, median(dim=...) return.
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def _extreme(name, reducer, arg):
    def op(x, axis=None, keepdims=False, dim=None, keepdim=None):
        keepdims = keepdims or bool(keepdim)
        if dim is not None and axis is None and isinstance(dim, (int, np.integer)):
            values = op(x, dim, keepdims)
            return ValuesIndices(values, arg(x, dim, keepdims))
        axes = normalize_axes(axis, x.ndim, name, dim)
        if x.size == 0:
            raise ValueError(f"{name}: reduction of an empty tensor of shape {x.shape}")
        shape = x.shape

        def backward(g, out, x):
            kept = out if keepdims else out.reshape(_kept_shape(shape, axes))
            mask = x == kept
            share = mask / mask.sum(axis=axes, keepdims=True)
            return (_expand(g, shape, axes, keepdims) * share,)

        return make(np.asarray(reducer(x.data, axis=axes, keepdims=keepdims)), (x,), backward, name)

    op.__name__ = name
    op.__doc__ = (f"The {name}imum over `axis`; tied elements share the gradient equally. "
                  f"With `dim=` (an int): `(values, indices)`, as PyTorch.")
    return op


max = _extreme("max", np.max, lambda x, d, k: argmax(x, d, k))
min = _extreme("min", np.min, lambda x, d, k: argmin(x, d, k))


def _correction(correction, ddof, unbiased, op):
    given = [c for c in (correction, ddof, unbiased) if c is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: give one of correction, ddof and unbiased")
    if unbiased is not None:
        return int(bool(unbiased))
    return 1 if not given else given[0]


def var(x, axis=None, keepdims=False, correction=None, dim=None, ddof=None, unbiased=None, keepdim=None):
    """Variance over `axis` with Bessel's `correction` (numpy's `ddof`; 1 = unbiased, the default as in
    PyTorch; 0 = population)."""
    correction = _correction(correction, ddof, unbiased, "var")
    keepdims = keepdims or bool(keepdim)
    axes = normalize_axes(axis, x.ndim, "var", dim)
    count = math.prod(x.shape[a] for a in axes)
    if count - correction <= 0:
        raise ValueError(f"var: {count} elements are too few for correction={correction}")
    centered = x - mean(x, axes, keepdims=True)
    return sum(centered * centered, axes, keepdims) * (1.0 / (count - correction))


def std(x, axis=None, keepdims=False, correction=None, dim=None, ddof=None, unbiased=None, keepdim=None):
    """sqrt(var): the same arguments. Where the variance is 0 the gradient is 0, as in PyTorch
    (not the nan that 0 * d sqrt(0) would give)."""
    v = var(x, axis, keepdims, correction, dim, ddof, unbiased, keepdim)
    return make(np.sqrt(v.data), (v,), _std_bw, "std")


@saves(0)
def _std_bw(g, out, v):
    positive = out > 0
    return (g * positive / (2 * out + ~positive),)


def logsumexp(x, axis=None, keepdims=False, dim=None, keepdim=None):
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the max, so it never overflows."""
    keepdims = keepdims or bool(keepdim)  # PyTorch's name
    axes = normalize_axes(axis, x.ndim, "logsumexp", dim)
    shape = x.shape
    xd = real_data(x)
    m = max_keepdims(xd, axes)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(xd - m), axis=axes, keepdims=True)) + m
    if not keepdims:
        out = out.reshape([n for i, n in enumerate(shape) if i not in axes])

    def backward(g, out, x):
        kept = out if keepdims else out.reshape(_kept_shape(shape, axes))
        return (_expand(g, shape, axes, keepdims) * np.exp(x - kept),)

    return make(out, (x,), backward, "logsumexp")


def prod(x, axis=None, keepdims=False, dim=None, keepdim=None):
    """Product over `axis`; the gradient is the product of the other elements (zeros handled)."""
    keepdims = keepdims or bool(keepdim)  # PyTorch's name
    axes = normalize_axes(axis, x.ndim, "prod", dim)
    shape = x.shape

    @saves(1)
    def backward(g, out, x):
        return (_expand(g, shape, axes, keepdims) * _prod_of_others(x, axes),)

    return make(np.asarray(np.prod(x.data, axis=axes, keepdims=keepdims)), (x,), backward, "prod")


def _grouped(fn):
    """`fn(flat)` on the reduction groups laid out along axis 0, put back in `x`'s layout."""
    def apply(x, axes):
        moved = np.moveaxis(x, axes, range(len(axes)))
        flat = moved.reshape((-1,) + moved.shape[len(axes):])
        return np.moveaxis(fn(flat).reshape(moved.shape), range(len(axes)), axes)

    return apply


def _others_by_scans(flat):
    # Products of everything before and after each element: O(k), no division, so zeros are fine.
    left = np.concatenate([np.ones_like(flat[:1]), np.cumprod(flat, axis=0)[:-1]])
    right = np.concatenate([np.cumprod(flat[::-1], axis=0)[-2::-1], np.ones_like(flat[:1])])
    return left * right


def _others_by_masks(flat):
    # For gradients of gradients: each element replaced by 1 in its own copy of the group, then a
    # product, whose gradient is again exact where x has zeros (O(k^2) values; k is small in practice).
    k = flat.shape[0]
    own = np.eye(k, dtype=bool).reshape((k, k) + (1,) * (flat.ndim - 1))
    return prod(np.where(own, 1.0, flat[None]), axis=1)


# For each element, the product of the other elements in its reduction group (see `dual`).
_prod_of_others = dual(_grouped(_others_by_scans), _grouped(_others_by_masks))


def argmax(x, axis=None, keepdims=False, dim=None, keepdim=None):
    """Index of the maximum (flattened if axis is None); an integer tensor without gradient."""
    keepdims = keepdims or bool(keepdim)  # PyTorch's name
    axis = dim if dim is not None else axis
    if axis is not None:
        normalize_axes(axis, x.ndim, "argmax")
    return Tensor(np.argmax(x.data, axis=axis, keepdims=keepdims))


def argmin(x, axis=None, keepdims=False, dim=None, keepdim=None):
    keepdims = keepdims or bool(keepdim)  # PyTorch's name
    axis = dim if dim is not None else axis
    if axis is not None:
        normalize_axes(axis, x.ndim, "argmin")
    return Tensor(np.argmin(x.data, axis=axis, keepdims=keepdims))


def softmax(x, axis=-1, dim=None):
    """exp(x) / sum(exp(x)) along `axis`, shifted by the max so exp never overflows."""
    if x.ndim == 0:
        return softmax(x.reshape(1), 0).reshape(())
    (ax,) = normalize_axes(axis if dim is None else dim, x.ndim, "softmax")
    xd = real_data(x)
    e = np.exp(xd - max_keepdims(xd, ax))
    out = e / e.sum(axis=ax, keepdims=True)

    def backward(g, y, x):
        return (y * (g - (g * y).sum(axis=ax, keepdims=True)),)

    return make(out, (x,), backward, "softmax")


def log_softmax(x, axis=-1, dim=None):
    """x - logsumexp(x) along `axis`: finite even where softmax underflows to 0."""
    if x.ndim == 0:
        return log_softmax(x.reshape(1), 0).reshape(())
    (ax,) = normalize_axes(axis if dim is None else dim, x.ndim, "log_softmax")
    xd = real_data(x)
    shifted = xd - max_keepdims(xd, ax)
    out = shifted - np.log(np.exp(shifted).sum(axis=ax, keepdims=True))

    def backward(g, y, x):
        return (g - np.exp(y) * g.sum(axis=ax, keepdims=True),)

    return make(out, (x,), backward, "log_softmax")


def _counting(name, fn):
    def op(x, axis=None, keepdims=False, dim=None, keepdim=None):
        keepdims = keepdims or bool(keepdim)  # PyTorch's name
        axes = normalize_axes(axis, x.ndim, name, dim)
        return Tensor(np.asarray(fn(x.data, axis=axes, keepdims=keepdims)))

    op.__name__ = name
    return op


# Like `sum`, `max` and `min` above, `all` and `any` hide Python's built-ins inside this module.
count_nonzero = _counting("count_nonzero", np.count_nonzero)
count_nonzero.__doc__ = "The number of non-zero elements over `axis` (an integer tensor; no gradient)."
all = _counting("all", np.all)
all.__doc__ = "Whether every element over `axis` is non-zero (a boolean tensor; no gradient)."
any = _counting("any", np.any)
any.__doc__ = "Whether some element over `axis` is non-zero (a boolean tensor; no gradient)."
