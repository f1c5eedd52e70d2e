"""The `Tensor` API: construction and dtype rules, attributes, backward and accumulation, grad modes,
the functional `grad`, indexing, conventions at kinks, and the lessons' examples (LESSONS.md §4)."""
import threading

import numpy as np
import pytest

import autograd
from autograd import Tensor, enable_grad, grad, no_grad
from autograd.graph import run_backward


def test_dtype_rules():
    assert Tensor(2.5).dtype == np.float32 and Tensor([[1.0, 2.0]]).dtype == np.float32
    assert Tensor([1, 2]).dtype == np.int64 and Tensor(np.array([True])).dtype == np.bool_
    assert Tensor(np.ones(2)).dtype == np.float64 and Tensor(np.ones(2, np.float32)).dtype == np.float32
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64
    x = Tensor([1.0, 2.0], requires_grad=True)
    # A Python number takes the tensor's dtype: float32 stays float32 on either side.
    for y in (x + 2.0, 2.0 - x, 3 * x, x / 3, 2 ** x, x ** 2):
        assert y.dtype == np.float32


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="requires_grad_: only floating-point.*int64"):
        Tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="requires_grad_"):
        Tensor(np.arange(3)).requires_grad_()


def test_bad_data_is_refused():
    with pytest.raises(TypeError, match="Tensor: cannot hold data"):
        Tensor("abc")


def test_attributes_and_conversions():
    t = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2 and t.dtype == np.float64
    assert t.T.shape == (3, 2) and np.array_equal(t.T.numpy(), np.arange(6.0).reshape(2, 3).T)
    assert isinstance(t.numpy(), np.ndarray) and np.array_equal(np.asarray(t), t.data)
    assert float(Tensor([[3.5]])) == 3.5 and Tensor(4.0).item() == 4.0 and int(Tensor(7)) == 7
    with pytest.raises(ValueError, match=r"item: .*shape \(2, 3\)"):
        t.item()
    with pytest.raises(TypeError, match="len"):
        len(Tensor(1.0))
    d = t.detach()
    assert not d.requires_grad and d.grad_fn is None and np.shares_memory(d.data, t.data)


def test_repr_shows_values_and_grad_fn():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "Tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "Tensor([2., 4.], grad_fn=<mul>)"
    assert repr(Tensor(np.array([0.5]))) == "Tensor([0.5], dtype=float64)"
    assert (x * 2).grad_fn == "mul" and x.grad_fn is None and x.is_leaf


def test_grad_is_a_tensor_and_accumulates_until_zeroed():
    x = Tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    assert isinstance(x.grad, Tensor) and np.array_equal(np.asarray(x.grad), [2.0, -4.0])
    (x * 3).sum().backward()
    assert np.array_equal(x.grad.numpy(), [5.0, -1.0])
    x.zero_grad()
    assert x.grad is None


def test_lesson_dz_dw():
    w = Tensor(2.0, requires_grad=True)
    y = w ** 2
    z = 2 * y + 5
    z.backward()
    assert z.item() == 13.0 and w.grad.item() == 8.0


def test_lesson_backward_21_times_accumulates_42():
    w = Tensor(2.0, requires_grad=True)
    z = 2 * w
    seen = []
    for _ in range(21):
        z.backward(retain_graph=True)
        seen.append(w.grad.item())
    assert seen[:3] == [2.0, 4.0, 6.0] and seen[-1] == 42.0


def test_lesson_matrix_product_linear_regression():
    x_train = Tensor([[73, 80, 75], [93, 88, 93], [89, 91, 90], [96, 98, 100], [73, 66, 70]], dtype=np.float32)
    y_train = Tensor([[152], [185], [180], [196], [142]], dtype=np.float32)
    W = Tensor(np.zeros((3, 1), np.float32), requires_grad=True)
    b = Tensor(np.zeros(1, np.float32), requires_grad=True)
    costs = []
    for _ in range(20):
        hypothesis = x_train.matmul(W) + b
        cost = ((hypothesis - y_train) ** 2).mean()
        W.zero_grad(), b.zero_grad()
        cost.backward()
        with no_grad():
            W.data -= 1e-5 * W.grad.data
            b.data -= 1e-5 * b.grad.data
        costs.append(cost.item())
    assert hypothesis.shape == (5, 1) and hypothesis.dtype == np.float32
    np.testing.assert_allclose(hypothesis.data, x_train.data @ W.data + b.data, rtol=1e-4)
    assert costs[0] == pytest.approx(np.mean(y_train.data ** 2)) and costs[-1] < costs[0] / 100


def test_backward_needs_gradient_for_non_scalar_and_checks_its_shape():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"backward: .*shape \(2,\).*gradient="):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\) but the output has shape \(2,\)"):
        (x * 2).backward(np.ones(3))
    (x * 2).backward(Tensor([1.0, 10.0]))
    assert np.array_equal(x.grad.data, [2.0, 20.0])


def test_second_backward_without_retain_graph_raises():
    x = Tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_functional_grad_leaves_dot_grad_alone():
    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, -1.0], requires_grad=True)
    gx, gy = grad((x * y).sum(), [x, y])
    assert np.array_equal(gx.data, [3.0, -1.0]) and np.array_equal(gy.data, [1.0, 2.0])
    assert x.grad is None and y.grad is None
    (g,) = grad(x * x, [x], grad_outputs=Tensor([1.0, 0.5]))
    assert np.array_equal(g.data, [2.0, 2.0])
    z = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="input 1"):
        grad((x * 2).sum(), [x, z])
    assert grad((x * 2).sum(), [x, z], allow_unused=True)[1] is None


def test_no_grad_and_enable_grad_as_context_managers_and_decorators():
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        assert not (x * 2).requires_grad
        with enable_grad():
            assert (x * 2).requires_grad
    assert (x * 2).requires_grad

    @no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad and (x * 2).requires_grad


def test_grad_mode_is_thread_local():
    x = Tensor([1.0], requires_grad=True)
    seen = {}

    def worker():
        seen["other thread"] = (x * 2).requires_grad

    with no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not (x * 2).requires_grad
    assert seen["other thread"] is True


def test_indexing_accumulates_repeated_indices():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (x[[0, 0, 1], [2, 2, 0]].sum() + x[1].sum() + x[:, :1].sum() + x[x > 3].sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [[1, 0, 2], [3, 2, 2]])


def test_comparisons_and_argmax_have_no_gradient():
    x = Tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    for c in (x > 2, x >= 2, x < 2, x <= 2, x == 2, x != 2, 2 < x):
        assert c.dtype == np.bool_ and not c.requires_grad
    np.testing.assert_array_equal((x > 2).data, x.data > 2)
    assert x.argmax().item() == 3 and np.array_equal(x.argmax(axis=1).data, [1, 0])
    assert np.array_equal(x.argmax(dim=0, keepdims=True).data, [[1, 0, 1]])
    assert not x.argmax().requires_grad


def test_conventions_at_kinks():
    x = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    x.relu().sum().backward()
    assert np.array_equal(x.grad.data, [0.0, 0.0, 1.0])  # relu'(0) = 0
    y = Tensor(np.array([3.0, 1.0, 3.0, 3.0]), requires_grad=True)
    y.max().backward()
    np.testing.assert_allclose(y.grad.data, [1 / 3, 0, 1 / 3, 1 / 3])  # ties share equally
    a, b = Tensor(np.array([2.0]), requires_grad=True), Tensor(np.array([2.0]), requires_grad=True)
    autograd.maximum(a, b).backward()
    assert a.grad.item() == 0.5 and b.grad.item() == 0.5


def test_reductions_axis_dim_keepdims():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert x.sum(axis=(0, 2)).shape == (3,) and x.sum(dim=1, keepdims=True).shape == (2, 1, 4)
    assert x.mean(axis=-1).shape == (2, 3) and x.max(axis=(0, 1), keepdims=True).shape == (1, 1, 4)
    np.testing.assert_allclose(x.var(axis=1).data, np.var(x.data, axis=1, ddof=1))
    np.testing.assert_allclose(x.std(axis=1, correction=0).data, np.std(x.data, axis=1))
    with pytest.raises(TypeError, match="sum: give axis or dim"):
        x.sum(axis=0, dim=0)


def test_shape_ops_forward():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.reshape(3, 2).shape == (3, 2) and x.reshape((-1,)).shape == (6,) and x.flatten().shape == (6,)
    assert x.permute(1, 0).shape == (3, 2) and x.unsqueeze(1).shape == (2, 1, 3)
    assert x.unsqueeze(0).squeeze(0).shape == (2, 3) and x.expand(4, 2, 3).shape == (4, 2, 3)
    a, b = autograd.split(x, [1, 2], axis=1)
    assert a.shape == (2, 1) and b.shape == (2, 2)
    assert autograd.concatenate([x, x], axis=1).shape == (2, 6) and autograd.stack([x, x]).shape == (2, 2, 3)
    assert autograd.pad(x, 1).shape == (4, 5)


def test_matmul_shapes():
    rng = np.random.default_rng(0)
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                   ((5, 2, 3), (5, 3, 4)), ((3,), (5, 3, 4))]:
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        out = Tensor(a) @ Tensor(b)
        np.testing.assert_allclose(out.data, a @ b)
        np.testing.assert_allclose((a @ Tensor(b)).data, a @ b)


def test_star_import_keeps_python_builtins():
    namespace = {}
    exec("from autograd import *", namespace)
    assert not {"abs", "max", "min", "sum"} & set(namespace)
    import autograd

    assert autograd.sum(autograd.Tensor([1.0, 2.0])).item() == 3.0


@pytest.mark.parametrize("perm", [(3, 1, 0, 2), (-1, 0, -3, 2), (1, 2, 3, 0), (0, 1, 2, 3)])
def test_permute_sends_the_gradient_back_through_the_inverse_permutation(perm):
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((2, 3, 4, 5)), requires_grad=True)
    y = x.permute(*perm)
    np.testing.assert_array_equal(y.data, np.transpose(x.data, perm))
    w = rng.standard_normal(y.shape)
    (y * Tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.transpose(w, np.argsort([p % 4 for p in perm])))


def test_the_walk_fits_each_gradient_to_its_input_shape_and_dtype():
    a = Tensor(np.arange(3, dtype=np.float32).reshape(3, 1), requires_grad=True)
    b = Tensor(np.linspace(1.0, 2.0, 4).reshape(1, 4), requires_grad=True)  # float64: the product is float64
    c = Tensor(np.full(4, 0.5, dtype=np.float32), requires_grad=True)
    ga, gb, gc = grad(((a * b) * c).sum(), [a, b, c], retain_graph=True)  # as the walk hands them over
    assert [(g.dtype, g.shape) for g in (ga, gb, gc)] == [(np.float32, (3, 1)), (np.float64, (1, 4)), (np.float32, (4,))]
    ((a * b) * c).sum().backward()
    assert (a.grad.dtype, a.grad.shape) == (np.float32, (3, 1))
    np.testing.assert_allclose(a.grad.data, np.full((3, 1), (b.data * c.data).sum()), rtol=1e-6)
    assert (b.grad.dtype, b.grad.shape) == (np.float64, (1, 4))
    np.testing.assert_allclose(b.grad.data, a.data.sum() * c.data[None, :])
    assert (c.grad.dtype, c.grad.shape) == (np.float32, (4,))
    np.testing.assert_allclose(c.grad.data, (a.data * b.data).sum(0), rtol=1e-6)
    d = Tensor(np.full(4, 3.0))  # float64, the same shape as c: a cast without un-broadcasting
    y, handed = (c * d).sum(), {}
    run_backward([y], [np.ones((), y.dtype)], observer=lambda node, p, up, g: handed.setdefault(id(p), g.dtype))
    assert handed[id(c)] == np.float32
