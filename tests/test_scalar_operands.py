"""A Python number beside a floating Tensor (`x * 0.5`, `1 - x`) takes a short path in `as_tensor`;
it must make exactly the constant the general path makes."""
import numpy as np
import pytest

from autograd import Tensor
from autograd.scope import scope
from autograd.tensor import as_tensor

NUMBERS = [0.5, -0.0, 3, -7, 1e-300, 1e300, 10**40, -(2**70), float("nan"), float("inf"), -float("inf")]


@pytest.mark.filterwarnings("ignore:overflow encountered in cast")
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("x", NUMBERS)
def test_a_number_becomes_the_constant_tensor_would_make(x, dtype):
    like = Tensor(np.ones(3, dtype), requires_grad=True)
    with scope("block") as entered:
        c = as_tensor(x, like, "mul")
    want = Tensor(np.asarray(x, dtype=dtype))
    assert c.data.dtype == want.data.dtype and c.shape == ()
    assert np.array_equal(c.data, want.data, equal_nan=True) and np.signbit(c.data) == np.signbit(want.data)
    assert not c.requires_grad and c.is_leaf and c.grad is None and c._base is None
    assert c._scope is entered  # drawn inside the block that made it, as Tensor() would place it
    assert as_tensor(x, like, "mul") is not c  # a fresh constant each time, never shared


@pytest.mark.parametrize("op", [lambda x: x * 2.5, lambda x: 2.5 * x, lambda x: 1 - x, lambda x: x / 4,
                                lambda x: 3 + x, lambda x: x**2])
def test_ops_with_numbers_keep_the_dtype_and_differentiate(op):
    for dtype in (np.float32, np.float64):
        x = Tensor(np.linspace(-1, 1, 5).astype(dtype), requires_grad=True)
        y = op(x)
        assert y.dtype == dtype
        np.testing.assert_array_equal(y.data, op(x.data.copy()).astype(dtype))
        y.sum().backward()
        h = 1e-6
        xd = x.data.astype(np.float64)
        fd = (op(xd + h) - op(xd - h)) / (2 * h)
        np.testing.assert_allclose(x.grad.data, fd, rtol=1e-4 if dtype == np.float32 else 1e-7)


def test_numbers_beside_integer_tensors_or_bools_take_the_general_path():
    assert (Tensor([1, 2]) * 3).dtype == np.int64
    assert (Tensor(np.ones(2, np.float32)) + True).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        Tensor(np.ones(2, np.float32)) + 1j
