"""Numerical stability: finite values and gradients at inputs of +-1e4, with no overflow warnings."""
import warnings

import numpy as np
import pytest

import autograd
from autograd import Tensor

def _lse(x):
    return np.logaddexp.reduce(x, axis=-1, keepdims=True)


# Each op with an independent float64 reference formula that is itself stable.
STABLE = {
    "sigmoid": (lambda x: x.sigmoid(), lambda x: 0.5 * (1 + np.tanh(x / 2))),
    "tanh": (lambda x: x.tanh(), np.tanh),
    "softplus": (lambda x: autograd.softplus(x), lambda x: np.logaddexp(0, x)),
    "logsumexp": (lambda x: x.logsumexp(axis=-1), lambda x: _lse(x)[..., 0]),
    "softmax": (lambda x: x.softmax(axis=-1), lambda x: np.exp(x - _lse(x))),
    "log_softmax": (lambda x: x.log_softmax(axis=-1), lambda x: x - _lse(x)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(STABLE))
def test_finite_at_plus_minus_1e4(name, dtype):
    fn, reference = STABLE[name]
    data = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4 - 1, -1e4]], dtype=dtype)
    x = Tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(x)
        w = Tensor(np.linspace(-1, 1, out.size).reshape(out.shape).astype(dtype))
        (out * w).sum().backward()
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(x.grad.data))
    assert x.grad.dtype == dtype
    np.testing.assert_allclose(out.data, reference(data.astype(np.float64)), rtol=1e-6, atol=1e-6)


def test_softmax_of_large_inputs_sums_to_one_and_has_zero_gradient_for_a_sum():
    x = Tensor(np.array([[1e4, 1e4, -1e4]]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = x.softmax(axis=1)
        p.sum().backward()
    np.testing.assert_allclose(p.data, [[0.5, 0.5, 0.0]])
    np.testing.assert_allclose(x.grad.data, 0.0, atol=1e-12)


def test_gradients_in_the_tails():
    x = Tensor(np.array([-1e4, 1e4, -50.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.sigmoid().sum().backward()
        s = x.grad.data.copy()
        x.zero_grad()
        autograd.softplus(x).sum().backward()
    np.testing.assert_allclose(s, [0.0, 0.0, np.exp(-50.0)], rtol=1e-6, atol=0)
    np.testing.assert_allclose(x.grad.data, [0.0, 1.0, np.exp(-50.0)], rtol=1e-6, atol=0)


@pytest.mark.parametrize("shape, axis", [((64, 10), 1), ((4, 30, 3), 2), ((40, 2), -1), ((64, 100), 1),
                                         ((8, 10), 1), ((64, 10), 0), ((3, 5, 7), 1), ((), None)])
def test_the_softmax_shift_is_numpys_maximum_on_every_path(shape, axis):
    from autograd.formulas import max_keepdims

    rng = np.random.default_rng(len(shape))
    x = rng.standard_normal(shape).astype(np.float32) * 100
    if x.ndim:
        x = np.swapaxes(np.swapaxes(x, 0, -1).copy(), 0, -1)  # not C-contiguous
        x.flat[::7] = np.inf
        x.flat[3::11] = -np.inf
        x.flat[5::13] = np.nan
    ax = x.ndim - 1 if axis == -1 else axis
    want = np.max(x, axis=ax, keepdims=True)
    got = max_keepdims(x, ax)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_many_rows_of_few_classes_at_plus_minus_1e4(name):
    fn, reference = STABLE[name]
    data = np.random.default_rng(1).choice([-1e4, -1.0, 0.0, 2.0, 1e4], size=(300, 6))
    out = fn(Tensor(data))
    np.testing.assert_allclose(out.data, reference(data), rtol=1e-9, atol=1e-9)
