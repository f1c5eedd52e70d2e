"""Products: `matmul` (numpy's rules: 1-d, 2-d and batched with broadcast batch dims) is the
primitive; `dot`, `inner`, `outer`, `tensordot`, `kron`, `cross` and `matrix_power` are
composed of it and of reshapes, so their gradients come for free. `einsum` is in `einsum.py`,
inverses and determinants in `decomp.py`."""
import math

import numpy as np

from ..tensor import Tensor, as_tensor, make
from .shape import permute, reshape, stack


def matmul(a, b):
    """a @ b. 1-d operands act as a row (left) or column (right) vector, as in numpy."""
    a, b = as_tensor(a, b if isinstance(b, Tensor) else None, "matmul"), as_tensor(b, a, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must be at least 1-d, got shapes {a.shape} and {b.shape} (use * for scalars)")
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned: {k_a} != {k_b}")
    try:
        out = np.matmul(a.data, b.data)
    except ValueError:
        raise ValueError(f"matmul: batch dims of shapes {a.shape} and {b.shape} cannot be broadcast together") from None
    need_a, need_b = a.requires_grad, b.requires_grad

    def backward(g, out, a, b):
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        a2 = a.reshape((1, -1)) if a.ndim == 1 else a
        b2 = b.reshape((-1, 1)) if b.ndim == 1 else b
        if a.ndim == 1:
            g = np.expand_dims(g, -2)
        if b.ndim == 1:
            g = np.expand_dims(g, -1)
        ga = g @ np.swapaxes(b2, -1, -2) if need_a else None
        gb = np.swapaxes(a2, -1, -2) @ g if need_b else None
        if b.ndim == 1 and gb is not None:
            gb = gb[..., 0]
        return ga, gb  # the walker sums broadcast batch dims away

    return make(out, (a, b), backward, "matmul")


def rmatmul(b, a):
    return matmul(a, b)


def _pair(a, b, op):
    return as_tensor(a, b if isinstance(b, Tensor) else None, op), as_tensor(b, a if isinstance(a, Tensor) else None, op)


def dot(a, b):
    """numpy's dot: a product for 0-d operands, the inner product of 1-d ones, a matrix product
    of 2-d ones, and in general the sum over the last axis of `a` and the second-to-last of `b`."""
    a, b = _pair(a, b, "dot")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim == 1:
        return tensordot(a, b, ((a.ndim - 1,), (0,)))
    return tensordot(a, b, ((a.ndim - 1,), (b.ndim - 2,)))


def inner(a, b):
    """The sum over the last axes of `a` and `b` (a product for 0-d operands)."""
    a, b = _pair(a, b, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, ((a.ndim - 1,), (b.ndim - 1,)))


def outer(a, b):
    """out[i, j] = a[i] * b[j] for the flattened operands."""
    a, b = _pair(a, b, "outer")
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def tensordot(a, b, axes=2, dims=None):
    """The sum over `axes` of `a` and `b`: an int n (the last n of `a` with the first n of `b`),
    or two lists of axes. Free axes of `a` come first in the result, then those of `b`."""
    a, b = _pair(a, b, "tensordot")
    axes = axes if dims is None else dims
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} is out of range for shapes {a.shape} and {b.shape}")
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise ValueError(f"tensordot: {len(axes_a)} axes of a but {len(axes_b)} of b")
    try:
        axes_a = [int(np.arange(a.ndim)[i]) for i in axes_a]
        axes_b = [int(np.arange(b.ndim)[i]) for i in axes_b]
    except IndexError:
        raise ValueError(f"tensordot: axes {axes} are out of range for shapes {a.shape} and {b.shape}") from None
    for i, j in zip(axes_a, axes_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: shapes {a.shape} and {b.shape} are not aligned: "
                             f"axis {i} of a has {a.shape[i]} elements, axis {j} of b has {b.shape[j]}")
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    k = math.prod(a.shape[i] for i in axes_a)
    # Contracted axes moved together and flattened: one matrix product does the whole sum.
    a2 = reshape(permute(a, free_a + axes_a), (-1, k))
    b2 = reshape(permute(b, axes_b + free_b), (k, -1))
    return reshape(matmul(a2, b2), tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b))


def kron(a, b):
    """The Kronecker product: each element of `a` times the whole of `b`, as blocks."""
    a, b = _pair(a, b, "kron")
    nd = max(a.ndim, b.ndim)
    sa, sb = (1,) * (nd - a.ndim) + a.shape, (1,) * (nd - b.ndim) + b.shape
    # Interleave the dims (a0, b0, a1, b1, ...), multiply with broadcasting, merge each pair.
    a2 = reshape(a, sum(((n, 1) for n in sa), ()))
    b2 = reshape(b, sum(((1, n) for n in sb), ()))
    return reshape(a2 * b2, tuple(m * n for m, n in zip(sa, sb)))


def cross(a, b, axis=-1, dim=None):
    """The cross product of 3-vectors along `axis` (broadcast elsewhere)."""
    a, b = _pair(a, b, "cross")
    axis = axis if dim is None else dim
    if a.ndim == 0 or b.ndim == 0 or a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross: axis {axis} must have 3 elements in both operands, got shapes {a.shape} and {b.shape}")
    a0, a1, a2 = (_component(a, i, axis) for i in range(3))
    b0, b1, b2 = (_component(b, i, axis) for i in range(3))
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis)


def _component(t, i, axis):
    return t[(slice(None),) * (axis % t.ndim) + (i,)]


def matrix_power(x, n):
    """x @ x @ ... (n times) for square matrices (batched); n = 0 gives the identity, n < 0 powers the inverse."""
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"matrix_power: needs square matrices in the last two dims, got shape {x.shape}")
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: n must be an integer, got {n!r}")
    if n == 0:
        return Tensor(np.broadcast_to(np.eye(x.shape[-1], dtype=x.dtype), x.shape).copy())
    if n < 0:
        from .decomp import inv

        x, n = inv(x), -n
    # Square-and-multiply: log2(n) products instead of n.
    result, base = None, x
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result
