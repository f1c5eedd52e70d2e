"""Optimizer API: validation, parameter groups, zero_grad, skipped parameters, Values, the lessons' regression."""
import random

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import optim
from nn.scalar import MLP


def _w(shape=(2,), dtype=np.float64):
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=True)


@pytest.mark.parametrize("make, arg", [
    (lambda p: optim.SGD(p, lr=-0.1), "lr"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-1), "momentum"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "nesterov"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1e-4), "weight_decay"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "lr_decay"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: optim.RMSprop(p, alpha=1.5), "alpha"),
    (lambda p: optim.RMSprop(p, eps=-1e-8), "eps"),
    (lambda p: optim.Adam(p, lr=-1e-3), "lr"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "betas"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "betas"),
    (lambda p: optim.AdamW(p, betas=(0.9,)), "betas"),
    (lambda p: optim.AdamW(p, weight_decay=-0.01), "weight_decay"),
    (lambda p: optim.Adam([{"params": p, "lr": -1.0}]), "lr"),
])
def test_bad_hyper_parameters_name_the_argument(make, arg):
    with pytest.raises(ValueError, match=f"invalid {arg}="):
        make([_w()])


def test_bad_params():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="ordered"):
        optim.SGD({_w()}, lr=0.1)
    with pytest.raises(TypeError, match="Tensors or Values, got ndarray"):
        optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([_w() * 2], lr=0.1)
    w = _w()
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="no .params. key"):
        optim.SGD([{"lr": 0.1}], lr=0.1)
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['momentun'\]"):
        optim.SGD([{"params": [w], "momentun": 0.9}], lr=0.1)


def test_param_groups_and_add_param_group():
    a, b, c = _w(), _w(), _w()
    opt = optim.SGD([{"params": [a], "momentum": 0.9}, {"params": [b]}], lr=0.1)
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0]
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["params"] == [b]
    opt.add_param_group({"params": c, "lr": 0.5})
    assert opt.param_groups[2]["params"] == [c] and opt.param_groups[2]["lr"] == 0.5
    for p in (a, b, c):
        p.grad = Tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0], c.data[0]], [0.9, 0.9, 0.5])
    with pytest.raises(ValueError, match="more than once"):
        opt.add_param_group({"params": [a]})


def test_parameters_without_grad_are_skipped_and_get_no_state():
    a, b = _w(), _w()
    opt = optim.Adam([a, b], lr=0.1)
    (a * a).sum().backward()
    opt.step()
    assert b.grad is None and np.array_equal(b.data, np.ones(2))
    assert a in opt.state and b not in opt.state  # state is created lazily, at the first update
    assert not np.array_equal(a.data, np.ones(2))


def test_zero_grad():
    w = _w()
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and np.array_equal(grad.data, np.zeros(2))
    opt.zero_grad()
    assert w.grad is None
    v = Value(1.0)
    (v * v).backward()
    opt = optim.SGD([v], lr=0.1)
    opt.zero_grad()
    assert v.grad == 0.0


def test_step_keeps_dtype_records_nothing_and_runs_closure():
    w = _w(dtype=np.float32)
    opt = optim.Adam([w], lr=0.1, weight_decay=0.1)

    def closure():
        opt.zero_grad()
        out = (w * w).sum()
        out.backward()
        return out

    loss = opt.step(closure)
    assert loss.item() == 2.0
    assert w.dtype == np.float32 and w.is_leaf and w.grad_fn is None
    assert opt.state[w]["exp_avg"].dtype == np.float32


def test_value_parameters_sgd_momentum_equals_hand_update():
    random.seed(0)
    model = MLP(2, [3, 1])
    params = model.parameters()
    xs, ys = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8]], [1.0, -1.0, 0.5]
    opt = optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=0.01)
    expected, bufs = [p.data for p in params], [None] * len(params)
    for _ in range(4):
        opt.zero_grad()
        loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
        loss.backward()
        for i, p in enumerate(params):
            assert p.data == expected[i]
            g = p.grad + 0.01 * p.data
            bufs[i] = g if bufs[i] is None else 0.9 * bufs[i] + g
            expected[i] = p.data - 0.05 * bufs[i]
        opt.step()
        assert all(type(p.data) is float for p in params)
    assert [p.data for p in params] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert opt.state[params[0]]["momentum_buffer"] == pytest.approx(bufs[0], rel=1e-12)


@pytest.mark.parametrize("name", ["Adagrad", "RMSprop", "Adam", "AdamW"])
def test_value_parameters_follow_the_tensor_update(name):
    # The same scalar problem as a Value and as a one-element float64 Tensor gives the same numbers.
    v, t = Value(0.7), Tensor(np.array(0.7), requires_grad=True)
    opt_v, opt_t = getattr(optim, name)([v], lr=0.05), getattr(optim, name)([t], lr=0.05)
    for _ in range(5):
        opt_v.zero_grad()
        opt_t.zero_grad()
        (v * v * v - v).backward()
        (t * t * t - t).backward()
        opt_v.step()
        opt_t.step()
        assert v.data == pytest.approx(t.item(), rel=1e-14)
    assert v.data != 0.7


def _linear_regression(epochs=2000):
    """The lessons' example: x * W + b on x = 1, 2, 3 and y = 2, 4, 6, zero init, SGD lr 0.01, float32."""
    x = Tensor(np.array([[1.0], [2.0], [3.0]], dtype=np.float32))
    y = Tensor(np.array([[2.0], [4.0], [6.0]], dtype=np.float32))
    W = Tensor(np.zeros((1, 1), dtype=np.float32), requires_grad=True)
    b = Tensor(np.zeros(1, dtype=np.float32), requires_grad=True)
    opt = optim.SGD([W, b], lr=0.01)
    history = []
    for _ in range(epochs):
        cost = ((x * W + b - y) ** 2).mean()
        opt.zero_grad()
        cost.backward()
        opt.step()
        history.append((W.item(), b.item(), cost.item()))
    return W, b, history


def test_lessons_linear_regression_converges():
    W, b, history = _linear_regression()
    assert W.dtype == np.float32 and b.dtype == np.float32
    assert abs(W.item() - 2) < 0.05 and abs(b.item()) < 0.1
    assert history[-1][2] < 1e-3 < history[0][2]
    torch = pytest.importorskip("torch")
    x = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([[2.0], [4.0], [6.0]])
    tW, tb = torch.zeros((1, 1), requires_grad=True), torch.zeros(1, requires_grad=True)
    topt = torch.optim.SGD([tW, tb], lr=0.01)
    for epoch in range(2000):
        cost = ((x * tW + tb - y) ** 2).mean()
        topt.zero_grad()
        cost.backward()
        topt.step()
        if epoch % 100 == 99:
            np.testing.assert_allclose(history[epoch], [tW.item(), tb.item(), cost.item()], rtol=1e-4, atol=1e-5)


def test_module_parameters_are_optimized():
    import nn

    layer = nn.Linear(3, 1)
    params = list(layer.parameters())
    opt = optim.SGD(layer.parameters(), lr=0.1)  # a generator, as Module.parameters() returns
    x = Tensor(np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], dtype=params[0].dtype))
    ((layer(x) - 1.0) ** 2).mean().backward()
    # p - lr * grad rounded once to float32, as PyTorch's step rounds it (lr * grad is exact in float64)
    lr = float(np.float32(0.1))
    expected = [(p.data.astype(np.float64) - lr * p.grad.data.astype(np.float64)).astype(np.float32) for p in params]
    opt.step()
    for p, e in zip(params, expected):
        np.testing.assert_array_equal(p.data, e)
    assert isinstance(params[0], nn.Parameter) and any(np.any(p.grad.data != 0) for p in params)


def test_the_rule_runs_once_per_group_over_its_parameters_with_grads(monkeypatch):
    a, b, c, d = _w(), _w((3,)), _w(), Tensor(np.ones(2), requires_grad=True)
    v = Value(2.0)
    opt = optim.SGD([{"params": [a, b, c]}, {"params": [d, v], "lr": 0.5}], lr=0.1)
    for p in (a, b, d):
        p.grad = Tensor(np.full(p.shape, 2.0))
    v.grad = 4.0  # c has no gradient: it is left out, and gets no state
    calls = []

    def rule(params, grads, states, **options):
        calls.append(([p.shape for p in params], options["lr"]))
        optim.sgd.sgd(params, grads, states, **options)

    monkeypatch.setattr(optim.SGD, "rule", rule)
    opt.step()
    assert calls == [([(2,), (3,)], 0.1), ([(2,), ()], 0.5)]
    np.testing.assert_array_equal(a.data, [0.8, 0.8])
    np.testing.assert_array_equal(d.data, [0.0, 0.0])
    assert v.data == 0.0 and type(v.data) is float
    assert all(p is not c for p in opt.state)
