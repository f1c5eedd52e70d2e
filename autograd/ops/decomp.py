"""Inverses, determinants, linear solves and the Cholesky factor of square matrices (batched over
leading dims), with the standard matrix-calculus gradients (Giles 2008, Murray 2016):

    inv:       dA = -A^-T g A^-T
    det:       dA = g det(A) A^-T              slogdet: dA = g A^-T (for log|det|)
    solve:     X = A^-1 B,  dB = A^-T g,  dA = -dB X^T
    cholesky:  A = L L^T,   dA = L^-T sym(tril(L^T g)) L^-1, symmetric (only the lower triangle of A is read)

Backward formulas call `np.linalg.*`, `np.swapaxes` and `np.tril`, which Tensors implement, so
gradients of gradients follow.
"""
from collections import namedtuple

import numpy as np

from ..tensor import as_tensor, make

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])


def _square(x, op):
    x = as_tensor(x, op=op)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{op}: needs square matrices in the last two dims, got shape {x.shape}")
    return x


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _lapack(op, fn, *args):
    try:
        return fn(*args)
    except np.linalg.LinAlgError as e:
        raise np.linalg.LinAlgError(f"{op}: {e} (shapes {', '.join(str(np.shape(a)) for a in args)})") from None


def inv(x):
    """The inverse of each square matrix."""
    x = _square(x, "inv")
    return make(_lapack("inv", np.linalg.inv, x.data), (x,), _inv_bw, "inv")


def _inv_bw(g, out, x):
    return (-(_mT(out) @ g @ _mT(out)),)


def det(x):
    """The determinant of each square matrix."""
    x = _square(x, "det")
    return make(np.asarray(np.linalg.det(x.data)), (x,), _det_bw, "det")


def _det_bw(g, out, x):
    return ((g * out)[..., None, None] * _mT(np.linalg.inv(x)),)


def slogdet(x):
    """`(sign, logabsdet)` of each determinant; the gradient flows through `logabsdet`."""
    x = _square(x, "slogdet")
    sign, logabs = np.linalg.slogdet(x.data)
    return SlogdetResult(as_tensor(np.asarray(sign)), make(np.asarray(logabs), (x,), _slogdet_bw, "slogdet"))


def _slogdet_bw(g, out, x):
    return (g[..., None, None] * _mT(np.linalg.inv(x)),)


def solve(a, b):
    """X with A X = B. `b` is a vector when 1-d (numpy 2's rule), otherwise (..., n, k) matrices."""
    a = _square(a, "solve")
    b = as_tensor(b, a, "solve")
    n = a.shape[-1]
    if b.ndim == 0 or (b.shape[0] if b.ndim == 1 else b.shape[-2]) != n:
        raise ValueError(f"solve: A of shape {a.shape} needs b of shape ({n},) or (..., {n}, k), got {b.shape}")
    vector = b.ndim == 1

    def backward(g, out, a, b):
        gb = np.linalg.solve(_mT(a), g)
        ga = -(gb[..., :, None] * out[..., None, :]) if vector else -(gb @ _mT(out))
        return ga, gb

    return make(_lapack("solve", np.linalg.solve, a.data, b.data), (a, b), backward, "solve")


def cholesky(x):
    """The lower-triangular L with L L^T = x, for symmetric positive-definite x (lower triangle read)."""
    x = _square(x, "cholesky")
    return make(_lapack("cholesky", np.linalg.cholesky, x.data), (x,), _cholesky_bw, "cholesky")


def _cholesky_bw(g, L, x):
    p = np.tril(_mT(L) @ g)
    p = 0.5 * (p + _mT(np.tril(p, -1)))  # the symmetric matrix whose lower triangle is phi(L^T g)
    l_inv = np.linalg.inv(L)
    return (_mT(l_inv) @ p @ l_inv,)


__all__ = ["inv", "det", "slogdet", "solve", "cholesky", "SlogdetResult"]
