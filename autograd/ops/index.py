"""Indexing along an axis: `gather`/`take_along_axis`, `index_select`, `scatter`/`scatter_add`,
`masked_fill`, the triangles (`tril`, `triu`) and diagonals (`diag`, `diagonal`, `trace`).

All of them are composites: an integer-array index into `getitem` (whose backward adds the
gradient back, repeats included) or the differentiable scatter of `shape.scatter_add`, so each
has gradients of every order without backward code of its own.
"""
import numpy as np

from ..tensor import Tensor, as_tensor
from .elementwise import where
from .reduce import normalize_axes
from .shape import broadcast_to, getitem, permute, reshape
from .shape import scatter_add as _scatter_into


def _axis(axis, ndim, op):
    (ax,) = normalize_axes(axis, max(ndim, 1), op)
    return ax


def _int_index(index, op):
    index = np.asarray(index.data if isinstance(index, Tensor) else index)
    if index.dtype.kind not in "iu" and index.size:
        raise TypeError(f"{op}: indices must be integers, got dtype {index.dtype}")
    return index.astype(np.int64)


def _along(index, axis, shape, op):
    """The full index tuple that picks `index[..., i, ...]` along `axis` and keeps every other position."""
    if index.ndim != len(shape):
        raise ValueError(f"{op}: index has {index.ndim} dims but the input has {len(shape)} (shape {shape})")
    n = shape[axis]
    if index.size and (index.min() < -n or index.max() >= n):
        bad = index[(index < -n) | (index >= n)][:5]
        raise IndexError(f"{op}: indices {bad} are out of range for dim {axis} of size {n} (shape {shape})")
    grids = np.ogrid[tuple(slice(0, k) for k in index.shape)]
    return tuple(index if d == axis else grids[d] for d in range(len(shape)))


def _on_scalar(op, x, index, *args):
    """`op` on a 0-d `x` (and 0-d index and source), computed as on one element and viewed as 0-d, as PyTorch."""
    args = [reshape(as_tensor(a, x, op.__name__), 1) if isinstance(a, Tensor) or np.ndim(a) else a for a in args]
    return reshape(op(reshape(x, 1), 0, np.reshape(index, -1)[:1], *args), ())


def gather(x, dim, index):
    """PyTorch's gather: out[i][j] = x[index[i][j]][j] for dim 0 (and so on); out has index's shape."""
    index = _int_index(index, "gather")
    ax = _axis(dim, x.ndim, "gather")
    if x.ndim == 0:
        return _on_scalar(gather, x, index)
    for d, (k, n) in enumerate(zip(index.shape, x.shape)):
        if d != ax and k > n:
            raise ValueError(f"gather: index shape {index.shape} is larger than input shape {x.shape} in dim {d}")
    return getitem(x, _along(index, ax, x.shape, "gather"))


def take_along_axis(arr, indices, axis=-1):
    """numpy's take_along_axis: like gather, with `indices` broadcast against `arr` off the axis."""
    indices = _int_index(indices, "take_along_axis")
    if axis is None:
        arr, axis = reshape(arr, -1), 0
    ax = _axis(axis, arr.ndim, "take_along_axis")
    if indices.ndim != arr.ndim:
        raise ValueError(f"take_along_axis: indices have {indices.ndim} dims but the array has {arr.ndim}")
    off_axis = [tuple(1 if d == ax else n for d, n in enumerate(s)) for s in (arr.shape, indices.shape)]
    try:
        shape = np.broadcast_shapes(*off_axis)
    except ValueError:
        raise ValueError(f"take_along_axis: indices of shape {indices.shape} do not broadcast with "
                         f"array shape {arr.shape} off axis {ax}") from None
    indices = np.broadcast_to(indices, shape[:ax] + indices.shape[ax:ax + 1] + shape[ax + 1:])
    target = shape[:ax] + arr.shape[ax:ax + 1] + shape[ax + 1:]
    if target != arr.shape:
        arr = broadcast_to(arr, target)
    return getitem(arr, _along(indices, ax, arr.shape, "take_along_axis"))


def index_select(x, dim, index):
    """The slices of `x` at the 1-d `index` along `dim`."""
    index = _int_index(index, "index_select")
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 0-d or 1-d, got shape {index.shape}")
    ax = _axis(dim, x.ndim, "index_select")
    if x.ndim == 0:
        return _on_scalar(index_select, x, index)
    return getitem(x, (slice(None),) * ax + (index.reshape(-1),))


def _scatter_source(src, index, like, op):
    """`src` cut to `index`'s shape (PyTorch lets it be larger), or a number filled to that shape."""
    if isinstance(src, Tensor) or np.ndim(src):
        src = as_tensor(src, like, op)
        if src.ndim != index.ndim or any(k > n for k, n in zip(index.shape, src.shape)):
            raise ValueError(f"{op}: src shape {src.shape} must cover index shape {index.shape}")
        return getitem(src, tuple(slice(0, k) for k in index.shape))
    return Tensor(np.full(index.shape, src, dtype=like.dtype))


def scatter_add(x, dim, index, src):
    """A copy of `x` with `src[i][j]` added at `[index[i][j]][j]` (dim 0); repeated indices add up.

    Gradients reach both `x` (unchanged) and `src` (the upstream gradient gathered at `index`).
    """
    index = _int_index(index, "scatter_add")
    ax = _axis(dim, x.ndim, "scatter_add")
    if x.ndim == 0:
        return _on_scalar(scatter_add, x, index, src)
    src = _scatter_source(src, index, x, "scatter_add")
    return x + _scatter_into(src, _along(index, ax, x.shape, "scatter_add"), x.shape)


def scatter(x, dim, index, src=None, value=None):
    """A copy of `x` with `src[i][j]` (or the number `value`) written at `[index[i][j]][j]` (dim 0).

    Where an index repeats, the last write wins (as numpy's assignment); the overwritten
    elements of `x` get no gradient, the written elements of `src` get theirs.
    """
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src and value")
    index = _int_index(index, "scatter")
    ax = _axis(dim, x.ndim, "scatter")
    src = _scatter_source(value if src is None else src, index, x, "scatter")
    full = _along(index, ax, x.shape, "scatter")
    flat = np.ravel_multi_index(tuple(np.broadcast_to(i, index.shape) for i in full), x.shape, mode="wrap").ravel()
    # The last occurrence of each target position: unique over the reversed order.
    _, first_in_reversed = np.unique(flat[::-1], return_index=True)
    keep = flat.size - 1 - first_in_reversed
    targets = np.unravel_index(flat[keep], x.shape)
    hit = np.zeros(x.shape, dtype=bool)
    hit[targets] = True
    return where(hit, _scatter_into(getitem(reshape(src, -1), keep), targets, x.shape), x)


def masked_fill(x, mask, value):
    """`value` (a number or a 0-d Tensor, which then gets a gradient) where `mask` is true, else x."""
    mask = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_fill: mask must be boolean, got dtype {mask.dtype}")
    return where(mask, value, x)


def _triangle(op, keep):
    def fn(x, diagonal=0, k=None):
        k = diagonal if k is None else k
        if x.ndim < 2:
            raise ValueError(f"{op}: needs a tensor of at least 2 dims, got shape {x.shape}")
        rows, cols = x.shape[-2:]
        mask = keep(np.arange(cols)[None, :] - np.arange(rows)[:, None], k)
        return x * Tensor(mask.astype(x.dtype))

    fn.__name__ = op
    return fn


tril = _triangle("tril", lambda offset, k: offset <= k)
tril.__doc__ = "The lower triangle of the last two dims (on and below diagonal `k`), zeros elsewhere."
triu = _triangle("triu", lambda offset, k: offset >= k)
triu.__doc__ = "The upper triangle of the last two dims (on and above diagonal `k`), zeros elsewhere."


def _diagonal_positions(rows, cols, offset):
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    i = np.arange(n)
    return i - min(offset, 0), i + max(offset, 0)


def diagonal(x, offset=0, axis1=0, axis2=1, dim1=None, dim2=None):
    """The diagonal over `axis1`, `axis2`, as a new last axis (numpy's and PyTorch's `diagonal`)."""
    axis1 = axis1 if dim1 is None else dim1
    axis2 = axis2 if dim2 is None else dim2
    if x.ndim < 2:
        raise ValueError(f"diagonal: needs a tensor of at least 2 dims, got shape {x.shape}")
    a1, a2 = _axis(axis1, x.ndim, "diagonal"), _axis(axis2, x.ndim, "diagonal")
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, both are {a1}")
    rest = [d for d in range(x.ndim) if d not in (a1, a2)]
    moved = permute(x, rest + [a1, a2])
    rows, cols = _diagonal_positions(x.shape[a1], x.shape[a2], offset)
    return getitem(moved, (Ellipsis, rows, cols))


_diagonal = diagonal  # `diag` takes a parameter named `diagonal`, as in PyTorch


def diag(x, diagonal=0, k=None):
    """A 1-d tensor becomes a square matrix with it on diagonal `k`; a matrix gives its diagonal `k`."""
    k = diagonal if k is None else k
    if x.ndim == 2:
        return _diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag: needs a 1-d or 2-d tensor, got shape {x.shape}")
    n = x.shape[0] + abs(k)
    return _scatter_into(x, _diagonal_positions(n, n, k), (n, n))


def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of the diagonal."""
    return diagonal(x, offset, axis1, axis2).sum(-1)


__all__ = ["gather", "take_along_axis", "index_select", "scatter", "scatter_add", "masked_fill", "tril", "triu",
           "diagonal", "diag", "trace"]
