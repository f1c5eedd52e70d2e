"""The rows layout of stride-1 convolutions (one group: BLAS adding into its result block by block;
depthwise: elementwise products) against the columns layout, which every other geometry takes and
which one-group convolutions fall back to without scipy: the same outputs and gradients over
several blocks, in 1, 2 and 3 dims, with dilation, asymmetric padding, with and without bias, and
for every choice of inputs that require grad."""
import numpy as np
import pytest

from autograd import Tensor, blas, from_numpy, grad
from autograd.ops import conv as C, conv_layout
from nn import functional as F

CASES = [  # (input shape, weight shape, kwargs); each has more rows than one block of _BLOCK
    ((3, 2, 20, 21), (5, 2, 3, 3), dict(padding=1)),
    ((2, 3, 19, 17), (4, 3, 3, 2), dict(padding=((2, 0), (1, 3)), dilation=(2, 1))),
    ((1, 4, 40, 40), (3, 4, 5, 5), dict(padding="same")),
    ((3, 2, 12, 40), (3, 2, 3, 3), dict(padding=3)),  # padding beyond the kernel's reach: wider gaps
    ((2, 3, 30, 30), (4, 3, 3, 3), dict(padding=0)),  # no gaps
    ((3, 2, 700), (4, 2, 5), dict(padding=2, dilation=3)),
    ((2, 2, 7, 9, 11), (3, 2, 3, 2, 3), dict(padding=1)),
    ((3, 4, 20, 21), (4, 1, 3, 3), dict(padding=1, groups=4)),  # depthwise
    ((2, 80, 30, 30), (80, 1, 3, 3), dict(padding=1, groups=80)),  # depthwise, taps too wide to repeat down a block
    ((2, 3, 900), (3, 1, 5), dict(padding=((4, 1),), dilation=2, groups=3)),
    ((2, 2, 6, 9, 12), (2, 1, 3, 3, 2), dict(padding=1, groups=2)),
]


def _run(x, w, b, kwargs, need, dtype):
    """Output and gradients (x, w, b; None where not required) of one convolution."""
    ts = [Tensor(a.astype(dtype), requires_grad=r) if a is not None else None for a, r in zip((x, w, b), need)]
    y = getattr(F, f"conv{x.ndim - 2}d")(*ts, **kwargs)
    g = np.cos(np.arange(y.data.size)).reshape(y.shape).astype(dtype)
    y.backward(g)
    return [y.data] + [t.grad.data if t is not None and t.grad is not None else None for t in ts]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x_shape, w_shape, kwargs", CASES)
def test_rows_give_the_numbers_of_the_columns(x_shape, w_shape, kwargs, dtype, monkeypatch):
    rng = np.random.default_rng(len(x_shape) + x_shape[-1])
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-3)
    for need in [(True, True, True), (True, False, False), (False, True, True), (False, False, True)]:
        calls = []
        monkeypatch.setattr(C, "_rows_conv", lambda *a, f=C._rows_conv: calls.append(1) or f(*a))
        rows = _run(x, w, b, kwargs, need, dtype)
        assert calls, "the rows layout was not used"
        with monkeypatch.context() as m:
            m.setattr(C, "_by_rows", lambda *args: False)
            cols = _run(x, w, b, kwargs, need, dtype)
        for r, c in zip(rows, cols):
            assert (r is None) == (c is None)
            if r is not None:
                assert r.dtype == dtype and r.shape == c.shape
                np.testing.assert_allclose(r, c, **tol)


def test_without_scipy_one_group_takes_the_columns_and_depthwise_the_rows(monkeypatch):
    monkeypatch.setitem(blas._LOADED, "gemm", {})  # as routines("gemm") finds when scipy is missing
    calls = []
    monkeypatch.setattr(C, "_rows_conv", lambda *a, f=C._rows_conv: calls.append(a[2].groups) or f(*a))
    x = Tensor(np.ones((1, 4, 6, 6)), requires_grad=True)
    F.conv2d(x, Tensor(np.ones((4, 4, 3, 3))), padding=1).sum().backward()
    F.conv2d(x, Tensor(np.ones((4, 1, 3, 3))), padding=1, groups=4).sum().backward()
    F.conv2d(x, Tensor(np.ones((8, 1, 3, 3))), padding=1, groups=4).sum().backward()  # two filters per channel
    assert calls == [4]


def test_rows_without_bias_and_their_second_derivatives():
    rng = np.random.default_rng(3)
    x, w = Tensor(rng.standard_normal((2, 2, 26, 25)), requires_grad=True), Tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    y = F.conv2d(x, w, padding=1)
    gx, gw = grad((y * y).sum(), [x, w], create_graph=True)
    # d/dw of sum(gx * v) by the graph against the same sum as a linear function of w.
    v = Tensor(rng.standard_normal(x.shape))
    (hw,) = grad((gx * v).sum() + (gw * gw).sum(), [w])
    eps, e = 1e-6, np.zeros(w.shape)
    e[1, 0, 2, 1] = 1.0

    def f(wd):
        wt, xt = Tensor(wd, requires_grad=True), Tensor(x.data, requires_grad=True)
        yt = F.conv2d(xt, wt, padding=1)
        a, b = grad((yt * yt).sum(), [xt, wt])
        return float((a.data * v.data).sum() + (b.data * b.data).sum())

    numeric = (f(w.data + eps * e) - f(w.data - eps * e)) / (2 * eps)
    assert hw.data[1, 0, 2, 1] == pytest.approx(numeric, rel=1e-5)


def test_mixed_dtypes_take_the_columns():
    rng = np.random.default_rng(4)
    x = Tensor(rng.standard_normal((2, 2, 9, 9)).astype(np.float32), requires_grad=True)
    w = Tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)  # float64
    y = F.conv2d(x, w, padding=1)
    y.sum().backward()
    want = F.conv2d(Tensor(x.data.astype(np.float64)), w.detach(), padding=1)
    np.testing.assert_allclose(y.data, want.data, rtol=1e-5, atol=1e-5)
    assert x.grad.shape == x.shape and w.grad.shape == w.shape


def test_from_numpy_shares_memory_and_differentiates():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = from_numpy(a).requires_grad_()
    assert t.is_leaf and t.dtype == np.float32 and np.shares_memory(t.data, a)
    (t * t).sum().backward()
    np.testing.assert_array_equal(t.grad.data, 2 * a)
    a[0, 0] = 7.0
    assert t.data[0, 0] == 7.0
    assert from_numpy(np.arange(3)).dtype == np.int64
    with pytest.raises(TypeError, match="expected a numpy array, got list"):
        from_numpy([1.0, 2.0])
    with pytest.raises(TypeError, match="dtype <U1"):
        from_numpy(np.array(["a"]))


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(padding=1, stride=2)])  # rows, and columns
def test_reused_layouts_never_change_what_someone_still_holds(kwargs, monkeypatch):
    """Layout arrays are lent out again once nobody holds them: an output kept by the user, and the
    input's layout kept by a graph not yet differentiated, survive other convolutions unchanged."""
    monkeypatch.setattr(conv_layout, "_SPARE_BYTES", 0)  # small arrays join the spares too
    rng = np.random.default_rng(7)
    w = Tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
    x1, x2 = (Tensor(rng.standard_normal((2, 3, 9, 9)), requires_grad=True) for _ in range(2))
    y1 = F.conv2d(x1, w, **kwargs)
    kept = y1.data.copy()
    for _ in range(3):  # other convolutions, their graphs dropped or differentiated meanwhile
        F.conv2d(x2, w, **kwargs).sum().backward()
        F.conv2d(Tensor(rng.standard_normal((2, 3, 9, 9))), w, **kwargs)
    np.testing.assert_array_equal(y1.data, kept)
    w.grad, g = None, rng.standard_normal(y1.shape)
    y1.backward(g)
    x1_ref, w_ref = Tensor(x1.data, requires_grad=True), Tensor(w.data, requires_grad=True)
    monkeypatch.setattr(conv_layout, "_SPARE", [])
    F.conv2d(x1_ref, w_ref, **kwargs).backward(g)
    np.testing.assert_allclose(x1.grad.data, x1_ref.grad.data, rtol=1e-12)
    np.testing.assert_allclose(w.grad.data, w_ref.grad.data, rtol=1e-12)


def test_a_layout_nobody_holds_is_reused(monkeypatch):
    monkeypatch.setattr(conv_layout, "_SPARE", [])
    monkeypatch.setattr(conv_layout, "_SPARE_BYTES", 0)
    x, w = np.ones((4, 8, 32, 32), np.float32), np.ones((16, 8, 3, 3), np.float32)
    F.conv2d(Tensor(x), Tensor(w), padding=1)  # dropped at once
    spares = [id(a) for a in conv_layout._SPARE]
    assert spares, "no layout was kept"
    F.conv2d(Tensor(x), Tensor(w), padding=1)
    assert [id(a) for a in conv_layout._SPARE] == spares  # the same arrays served the second call


def test_spare_layouts_stay_within_their_budget(monkeypatch):
    monkeypatch.setattr(conv_layout, "_SPARE", [])
    monkeypatch.setattr(conv_layout, "_SPARE_BYTES", 0)
    monkeypatch.setattr(conv_layout, "_SPARE_TOTAL", 40_000)
    held = [conv_layout._scratch((1000, n), np.float32) for n in (4, 5, 6)]  # 16, 20 and 24 kB, all in use
    assert sum(a.nbytes for a in conv_layout._SPARE) <= 40_000
    assert conv_layout._SPARE[-1] is held[-1]  # the newest kept, the oldest dropped
    assert all(conv_layout._scratch((1000, 100), np.float32) is not a for a in held)  # 400 kB: never kept
    assert len(conv_layout._SPARE) == 1
