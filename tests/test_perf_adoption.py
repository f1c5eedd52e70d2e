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



def test_leaves_take_no_place_in_the_walk_order_yet_get_every_contribution():
    from autograd import toposort

    w = Tensor(np.array([1.5, -2.0, 0.25]), requires_grad=True)
    h = w * w  # both parents the same leaf
    out = (h * w + w.exp()).sum()
    ids = [id(n) for n in toposort([out])]
    assert id(w) in ids
    assert [id(n) for n in toposort([out], leaves=False)] == [id(n) for n in toposort([out]) if n is not w]
    out.backward()
    np.testing.assert_allclose(w.grad.data, 3 * w.data**2 + np.exp(w.data), rtol=1e-12)
    # A second pass adds to .grad as before.
    (w * 2).sum().backward()
    np.testing.assert_allclose(w.grad.data, 3 * w.data**2 + np.exp(w.data) + 2, rtol=1e-12)


def test_a_leaf_that_is_also_a_root_gets_its_seed_and_its_share():
    from autograd.graph import run_backward

    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 3
    run_backward([y, x], [np.ones(2), np.full(2, 10.0)])
    np.testing.assert_array_equal(x.grad.data, [13.0, 13.0])


def test_a_failed_backward_leaves_every_leaf_gradient_untouched():
    w, b, c = (Tensor(np.ones(3), requires_grad=True) for _ in range(3))

    def fails(g, out, x):
        raise ArithmeticError("backward failed")

    out = make(np.ones(3), (w * b,), fails, "fails") + c  # c's gradient is known before `fails` runs
    try:
        out.backward(np.ones(3))
    except ArithmeticError:
        pass
    assert w.grad is None and b.grad is None and c.grad is None
