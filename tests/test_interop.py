"""Numpy interop, Python protocols, PyTorch names and type promotion of Tensors (and Values)."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Tensor, Value

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _losses():
    pred, target = Tensor([0.5, 1.5], requires_grad=True), Tensor([1.0, 1.0])
    return [nn.functional.mse_loss(pred, target), (pred * 2).sum(), pred.mean()]


def test_every_result_converts_to_numpy():
    losses = _losses()
    arr = np.array(losses)
    assert arr.shape == (3,) and arr.dtype.kind == "f"
    np.testing.assert_allclose(np.asarray(losses[0]), 0.25)
    np.testing.assert_allclose(losses[1], 4.0)
    assert np.asarray(Tensor(np.ones((2, 2))) @ Tensor(np.ones((2, 2)))).shape == (2, 2)


@pytest.mark.parametrize("make", [lambda x: Tensor(x), lambda x: Value(x)])
def test_python_protocols_of_one_number(make):
    t = make(2.71828)
    assert f"{t:.2f}" == "2.72" and round(t, 1) == 2.7 and round(make(2.6)) == 3
    assert float(t) == pytest.approx(2.71828, rel=1e-6) and int(t) == 2
    assert bool(make(0.0)) is False and bool(make(-1.0)) is True
    assert str(t) in f"{t}"


def test_pytorch_names():
    t = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad and t.is_leaf
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-2) == 2 and t.size == 6
    assert t.numel() == 6 and t.dim() == 2 and t.tolist() == [[1, 2, 3], [4, 5, 6]]
    with pytest.raises(IndexError, match="dim 2 is out of range for a tensor with 2 dims"):
        t.size(2)
    c = t.clone()
    assert c.grad_fn == "clone" and not np.shares_memory(c.data, t.data)
    c.sum().backward()
    np.testing.assert_array_equal(t.grad.data, np.ones((2, 3)))
    assert t.to(ag.float64).dtype == np.float64 and t.double().dtype == np.float64 and t.float() is not None
    assert t.to(np.float32) is t
    assert ag.tensor(3, dtype=ag.float64).dtype == np.float64 and Tensor(2.5).item() == 2.5
    assert t.numpy() is t.data and Tensor([1, 2]).dtype == np.int64
    with pytest.raises(TypeError, match="only floating-point tensors can require grad.*int64"):
        Tensor([[1], [2]], requires_grad=True)


def test_keepdim_and_dim_aliases():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    for name in ("sum", "mean", "prod", "logsumexp", "argmax", "argmin", "var", "std"):
        assert getattr(x, name)(dim=1, keepdim=True).shape == (2, 1), name
    values, indices = x.max(dim=1, keepdim=True)
    assert values.shape == indices.shape == (2, 1)


def test_squeeze_of_a_zero_d_tensor_and_sign_gradient():
    s = Tensor(3.0, requires_grad=True)
    assert s.squeeze(0).shape == () and s.squeeze(dim=-1).shape == ()
    x = Tensor([1.5, -2.0, 0.0], requires_grad=True)
    (x.sign() * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.sign(x.data))


def test_numpy_keyword_names():
    m = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    out = np.swapaxes(m, axis1=0, axis2=1)
    assert out.shape == (3, 2) and out.requires_grad


@pytest.mark.parametrize("fn, kwargs", [
    (np.var, {}), (np.var, {"axis": 0}), (np.var, {"ddof": 1, "axis": 1}), (np.std, {}),
    (np.std, {"axis": 1, "keepdims": True}), (np.prod, {}), (np.prod, {"axis": 0}), (np.sum, {"axis": (0, 1)}),
    (np.mean, {"axis": -1}),
])
def test_numpy_reductions_stay_differentiable_with_numpy_defaults(fn, kwargs):
    data = np.random.default_rng(0).uniform(0.5, 2.0, (3, 4))
    x = Tensor(data, requires_grad=True)
    out = fn(x, **kwargs)
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, fn(data, **kwargs), rtol=1e-12)
    assert ag.gradcheck(lambda t: fn(t, **kwargs), [x])


def test_var_and_std_as_methods_use_pytorch_correction():
    data = np.random.default_rng(1).normal(size=(4, 3))
    x = Tensor(data)
    np.testing.assert_allclose(x.var().data, np.var(data, ddof=1))
    np.testing.assert_allclose(x.std(axis=0).data, np.std(data, axis=0, ddof=1))
    np.testing.assert_allclose(np.std(x).data, np.std(data))


@pytest.mark.parametrize("sa, sb", [((2, 3, 4), (4, 5)), ((2, 3, 4), (5, 4, 2)), ((3,), (2, 3, 4)), ((2, 3), (3,))])
def test_np_dot_follows_numpy_for_every_rank(sa, sb):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    A, B = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = np.dot(A, B)
    np.testing.assert_allclose(out.data, np.dot(a, b), rtol=1e-12)
    assert ag.gradcheck(lambda x, y: np.dot(x, y), [A, B])


def test_numpy_functions_without_a_gradient_are_refused_not_silent():
    x = Tensor(np.eye(3) + 1.0, requires_grad=True)
    with pytest.raises(TypeError, match="numpy.eigvals has no differentiable version"):
        np.linalg.eigvals(x)
    # Questions about the data lose nothing and stay allowed.
    assert np.shape(x) == (3, 3) and np.allclose(x, x) and np.argmax(x) == 0 and np.isfinite(x).all()


def test_std_gradient_where_the_variance_is_zero():
    data = np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]])
    x = Tensor(data, requires_grad=True)
    x.std(axis=0).sum().backward()
    assert np.all(np.isfinite(x.grad.data)) and np.all(x.grad.data[:, 0] == 0)
    if torch is not None:
        t = torch.tensor(data, requires_grad=True)
        t.std(dim=0).sum().backward()
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-12)


@needs_torch
@pytest.mark.parametrize("a, b", [
    (np.array([1, 2], dtype=np.int64), np.array([0.5, 1.5], dtype=np.float32)),
    (np.array([True, False]), np.array([0.5, 1.5], dtype=np.float32)),
    (np.array(2.0, dtype=np.float64), np.array([0.5, 1.5], dtype=np.float32)),
    (np.array([2.0, 1.0], dtype=np.float64), np.array([0.5, 1.5], dtype=np.float32)),
    (np.array([1, 2], dtype=np.int64), np.array(0.5, dtype=np.float64)),
    (np.array([7, -2], dtype=np.int32), np.array(3, dtype=np.int64)),  # a 0-d int64 does not widen int32
    (np.array([7, -2], dtype=np.int64), np.array([2, 4], dtype=np.int64)),  # int / int is float32
    (np.array([7, 2], dtype=np.uint8), np.array([-3, 4], dtype=np.int8)),
    (np.array([True, False]), np.array([3, 4], dtype=np.int32)),
])
def test_type_promotion_matches_pytorch(a, b):
    for op in ("__add__", "__mul__", "__sub__", "__truediv__"):
        if op == "__sub__" and a.dtype == bool:
            continue  # PyTorch refuses to subtract from a bool tensor
        ours = getattr(Tensor(a), op)(Tensor(b))
        theirs = getattr(torch.from_numpy(a), op)(torch.from_numpy(b))
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", "")), (op, a.dtype, b.dtype)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


def test_python_numbers_keep_the_tensor_dtype():
    x = Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    for y in (x * 2, 2.5 + x, x / 3, x ** 2, x * np.float64(2.0)):
        assert y.dtype == np.float32
    y = x * Tensor(np.float64(3.0))
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


@needs_torch
@pytest.mark.parametrize("dtype", [np.int32, np.int64, bool])
@pytest.mark.parametrize("number", [3, 2.5, True])
def test_python_numbers_with_integer_tensors_match_pytorch(dtype, number):
    a = np.array([1, 0, 1], dtype=dtype) if dtype is bool else np.array([4, -2, 7], dtype=dtype)
    for op in ("__add__", "__radd__", "__mul__", "__rmul__", "__sub__", "__rsub__", "__truediv__", "__rtruediv__"):
        if dtype is bool and "sub" in op or number is True and "sub" in op:
            continue  # PyTorch refuses to subtract booleans
        if number is True and "truediv" in op or op == "__rtruediv__" and dtype is bool:
            continue  # a division by a boolean
        ours = getattr(Tensor(a), op)(number)
        theirs = getattr(torch.from_numpy(a), op)(number)
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", "")), (op, dtype, number)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


@needs_torch
@pytest.mark.filterwarnings("ignore:divide by zero")  # log(False) is -inf, as in PyTorch
@pytest.mark.parametrize("dtype", [np.int64, np.uint8, bool])
@pytest.mark.parametrize("name", ["exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "erf",
                                  "softmax", "log_softmax", "logsumexp", "gelu", "silu", "softplus", "mean"])
def test_real_valued_ops_take_integers_as_float32(name, dtype):
    """As PyTorch's exp or sigmoid take them; where PyTorch refuses integers (softmax, gelu, mean, ...)
    the values are its values for the float32 input."""
    a = np.array([[1, 0, 1], [0, 1, 1]], dtype=dtype) if dtype is bool else np.array([[3, 1, 4], [1, 5, 9]], dtype=dtype)
    ours = getattr(Tensor(a), name)()
    fns = {"erf": torch.erf, "gelu": torch.nn.functional.gelu, "silu": torch.nn.functional.silu,
           "softplus": torch.nn.functional.softplus, "softmax": lambda t: t.softmax(-1),
           "log_softmax": lambda t: t.log_softmax(-1), "logsumexp": lambda t: t.logsumexp((0, 1))}
    fn = fns.get(name, lambda t: getattr(t, name)())
    try:
        theirs = fn(torch.from_numpy(a))
    except RuntimeError:  # not implemented for integers in PyTorch
        theirs = fn(torch.from_numpy(a.astype(np.float32)))
    assert ours.dtype == np.float32 and theirs.dtype == torch.float32, (name, dtype, ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6, atol=1e-7)
