"""Matrix products (numpy's `matmul` rules: 1-d, 2-d and batched with broadcast batch dims)."""
import numpy as np

from ..tensor import Tensor, as_tensor, make


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


def dot(a, b):
    """Inner product of two 1-d tensors, or matmul otherwise."""
    return matmul(a, b)
