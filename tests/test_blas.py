"""`axpy_`: y += a * x in place, through BLAS where it can and through numpy where it cannot."""
import numpy as np
import pytest

from autograd import blas


def _once(y, a, x):
    """y + a * x rounded once (the products of float32 numbers are exact in float64)."""
    return (y.astype(np.float64) + float(np.asarray(a, y.dtype)) * x.astype(np.float64)).astype(y.dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(5,), (7, 3), (2, 3, 4), (0, 3)])
def test_axpy_updates_the_array_itself(shape, dtype):
    r = np.random.default_rng(0)
    y, x = r.standard_normal(shape).astype(dtype), r.standard_normal(shape).astype(dtype)
    want, before = _once(y, -0.3, x), y
    blas.axpy_(y, -0.3, x)
    assert y is before and y.dtype == dtype
    np.testing.assert_allclose(y, want, rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("padded", [False, True], ids=["as the kernel needs", "tail always padded"])
@pytest.mark.parametrize("n", [5, 31, 32, 37, 100, 1027])
def test_float32_axpy_rounds_every_element_once_whatever_the_kernel_does_with_its_tail(n, padded, monkeypatch):
    # OpenBLAS's Haswell-class kernels fuse multiply and add in blocks of 32 and round the rest twice
    # (about one element in ten then differs); the SkylakeX kernel fuses all. Either way the result
    # must be the once-rounded one, as PyTorch's float32 step computes it on a CPU with FMA.
    if padded:  # the padded block, tested also where the kernel itself rounds its tail once
        monkeypatch.setattr(blas, "_rounds_tail_twice", lambda f: True)
    r = np.random.default_rng(n)
    for _ in range(20):  # enough tail elements that a twice-rounded one would show
        y, x = r.standard_normal(n).astype(np.float32), r.standard_normal(n).astype(np.float32)
        want = _once(y, -0.1, x)
        blas.axpy_(y, -0.1, x)
        np.testing.assert_array_equal(y, want)


@pytest.mark.parametrize("case", ["transposed", "strided", "int", "mixed dtypes", "0-d", "no scipy"])
def test_axpy_falls_back_to_numpy_where_blas_cannot_serve(case, monkeypatch):
    r = np.random.default_rng(1)
    y, x = r.standard_normal((6, 4)), r.standard_normal((6, 4))
    if case == "transposed":
        y = np.asfortranarray(y)
    elif case == "strided":
        x = r.standard_normal((6, 8))[:, ::2]
    elif case == "int":
        y, x = np.arange(24).reshape(6, 4), np.ones((6, 4), dtype=np.int64)
    elif case == "mixed dtypes":
        x = x.astype(np.float32)
    elif case == "0-d":
        y, x = np.array(1.5), np.array(0.25)
    else:
        monkeypatch.setitem(blas._LOADED, "axpy", {})
    a = 2 if case == "int" else -0.5
    want, before = y + a * x, y
    blas.axpy_(y, a, x)
    assert y is before
    np.testing.assert_array_equal(y, want)  # numpy's own two roundings


def test_axpy_on_a_0d_array_rounds_twice_as_a_hand_update_of_floats_does():
    y = np.array(-0.3461439344302034)
    g, lr = 0.6633221234567891, 0.05
    blas.axpy_(y, -lr, np.array(g))
    assert float(y) == -0.3461439344302034 - lr * g
