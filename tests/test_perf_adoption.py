"""A leaf adopts the gradient array its consumer's backward returns, without a copy, when nothing
else holds that array (so a training step copies none of its weight gradients); otherwise it copies."""
import weakref

import numpy as np

from autograd import Tensor
from autograd.tensor import make


def test_leaves_adopt_the_arrays_a_backward_returns_for_them():
    x = Tensor(np.ones((2, 3), np.float32))
    w = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    b = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    handed = []

    def backward(g, out, x, w, b):
        grads = (None, g * 2, g * 3)
        handed.extend(weakref.ref(a) for a in grads[1:])  # weak: the walk alone holds them
        return grads

    out = make(x.data + w.data + b.data, (x, w, b), backward, "three")
    out.backward(np.ones((2, 3), np.float32))
    assert w.grad.data is handed[0]() and b.grad.data is handed[1]()
    np.testing.assert_array_equal(w.grad.data, 2)
    np.testing.assert_array_equal(b.grad.data, 3)


def test_an_array_still_held_elsewhere_is_copied():
    w = Tensor(np.ones(3, np.float32), requires_grad=True)
    kept = np.full(3, 5, np.float32)
    out = make(w.data * 1, (w,), lambda g, out, w: (kept,), "keep")
    out.backward(np.ones(3, np.float32))
    assert w.grad.data is not kept
    kept[:] = 0  # the caller's array changes; the gradient does not
    np.testing.assert_array_equal(w.grad.data, 5)

