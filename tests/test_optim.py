"""Every optimizer and option against PyTorch's trajectory and against the textbook formulas.

The model is a tiny float64 two-layer net, tanh(x @ W1 + b1) @ W2 + b2 with an MSE loss.
"""
import math

import numpy as np
import pytest

from autograd import Tensor
from nn import optim

rng = np.random.default_rng(7)
X = rng.normal(size=(8, 3))
Y = rng.normal(size=(8, 2))
INIT = [rng.normal(scale=0.5, size=s) for s in [(3, 4), (4,), (4, 2), (2,)]]


def loss(params, x=X, y=Y):
    """MSE of tanh(x @ W1 + b1) @ W2 + b2; works for chainrule and torch tensors alike."""
    w1, b1, w2, b2 = params
    return (((x @ w1 + b1).tanh() @ w2 + b2 - y) ** 2).mean()


def make_params():
    return [Tensor(a.copy(), requires_grad=True) for a in INIT]


# (optimizer, options for every group, per-group options or None); group 0 holds W1, b1, group 1 W2, b2.
CASES = [
    ("SGD", dict(lr=0.1), None),
    ("SGD", dict(lr=0.1, momentum=0.9), None),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5), None),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True), None),
    ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.1), None),
    ("SGD", dict(lr=0.1, weight_decay=0.1), None),
    ("SGD", dict(lr=0.1), [dict(momentum=0.9, nesterov=True), dict(lr=0.05, weight_decay=0.01)]),
    ("Adagrad", dict(), None),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01), None),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, weight_decay=0.1), None),
    ("Adagrad", dict(lr=0.1), [dict(lr_decay=0.05), dict(eps=1e-3)]),
    ("RMSprop", dict(), None),
    ("RMSprop", dict(lr=0.01, centered=True), None),
    ("RMSprop", dict(lr=0.01, momentum=0.9), None),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1), None),
    ("RMSprop", dict(lr=0.01), [dict(centered=True), dict(momentum=0.9, alpha=0.8)]),
    ("Adam", dict(), None),
    ("Adam", dict(lr=0.01, amsgrad=True), None),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1), None),
    ("Adam", dict(lr=0.01), [dict(amsgrad=True), dict(lr=0.02, betas=(0.5, 0.9))]),
    ("AdamW", dict(lr=0.01), None),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True), None),
    ("AdamW", dict(lr=0.01), [dict(weight_decay=0.0), dict(weight_decay=0.5)]),
]
IDS = [f"{n}({','.join(f'{k}={v}' for k, v in o.items())}){'-groups' if g else ''}" for n, o, g in CASES]


def build(module, params, case):
    """`module.<name>(...)` over the four `params`, grouped as the case says."""
    name, opts, groups = case
    if groups:
        params = [{"params": params[:2], **groups[0]}, {"params": params[2:], **groups[1]}]
    return getattr(module, name)(params, **opts)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_trajectory_equals_torch(case):
    torch = pytest.importorskip("torch")
    params = make_params()
    opt = build(optim, params, case)
    tparams = [torch.tensor(a, requires_grad=True) for a in INIT]
    topt = build(torch.optim, tparams, case)
    tx, ty = torch.tensor(X), torch.tensor(Y)
    for step in range(50):
        opt.zero_grad()
        loss(params).backward()
        opt.step()
        topt.zero_grad()
        loss(tparams, tx, ty).backward()
        topt.step()
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-6, atol=1e-6, err_msg=f"step {step}")
    # The run went somewhere: a test of a frozen model would pass trivially.
    assert max(np.abs(p.data - a).max() for p, a in zip(params, INIT)) > 1e-3


# The textbook rules, written plainly (new arrays, no in-place tricks) and independently of nn.optim.
DEFAULTS = {
    "SGD": dict(momentum=0, dampening=0, weight_decay=0, nesterov=False),
    "Adagrad": dict(lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10),
    "RMSprop": dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False),
    "Adam": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False),
    "AdamW": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False),
}


def textbook_step(name, o, p, g, s, t):
    """Parameter `p` after step `t` (1, 2, ...) with gradient `g`; `s` holds this parameter's history."""
    if name == "AdamW":
        p = p * (1 - o["lr"] * o["weight_decay"])
    else:
        g = g + o["weight_decay"] * p
    if name == "SGD":
        if o["momentum"]:
            s["b"] = g if t == 1 else o["momentum"] * s["b"] + (1 - o["dampening"]) * g
            g = g + o["momentum"] * s["b"] if o["nesterov"] else s["b"]
        return p - o["lr"] * g
    if name == "Adagrad":
        s["G"] = s.get("G", o["initial_accumulator_value"]) + g**2
        return p - o["lr"] / (1 + (t - 1) * o["lr_decay"]) * g / (np.sqrt(s["G"]) + o["eps"])
    if name == "RMSprop":
        a = o["alpha"]
        s["v"] = a * s.get("v", 0) + (1 - a) * g**2
        s["m"] = a * s.get("m", 0) + (1 - a) * g
        v = s["v"] - s["m"] ** 2 if o["centered"] else s["v"]
        u = g / (np.sqrt(v) + o["eps"])
        if o["momentum"]:
            s["b"] = o["momentum"] * s.get("b", 0) + u
            u = s["b"]
        return p - o["lr"] * u
    b1, b2 = o["betas"]
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g**2
    v = s["vmax"] = np.maximum(s.get("vmax", 0), s["v"]) if o["amsgrad"] else s["v"]
    m_hat, v_hat = s["m"] / (1 - b1**t), v / (1 - b2**t)
    return p - o["lr"] * m_hat / (np.sqrt(v_hat) + o["eps"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_steps_equal_textbook_formulas(case):
    name, opts, groups = case
    params = make_params()
    opt = build(optim, params, case)
    ref = [a.copy() for a in INIT]
    hist = [{} for _ in ref]
    for t in range(1, 6):
        grads = [p.grad.data.copy() for p in _backward_at(ref)]
        for i, (p, g) in enumerate(zip(ref, grads)):
            o = {**DEFAULTS[name], **opts, **(groups[i // 2] if groups else {})}
            ref[i] = textbook_step(name, o, p, g, hist[i], t)
        opt.zero_grad()
        loss(params).backward()
        opt.step()
        for p, r in zip(params, ref):
            np.testing.assert_allclose(p.data, r, rtol=1e-12, atol=1e-14, err_msg=f"step {t}")
        assert not np.allclose(ref[0], INIT[0])


def _backward_at(arrays):
    params = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    loss(params).backward()
    return params


def test_sgd_momentum_by_hand():
    # f(w) = w², w0 = 1, lr 0.1, momentum 0.9: g = 2w; b1 = 2, w1 = 0.8; b2 = 0.9*2 + 1.6 = 3.4, w2 = 0.46.
    w = Tensor(np.array(1.0), requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    for expected in (0.8, 0.46):
        opt.zero_grad()
        (w * w).backward()
        opt.step()
        assert w.item() == pytest.approx(expected, abs=1e-15)


def test_adam_first_step_moves_each_coordinate_by_lr():
    # With bias correction, m̂ / √v̂ = g / |g| at step 1: every coordinate moves by lr against its gradient sign.
    w = Tensor(np.array([3.0, -2.0, 0.5]), requires_grad=True)
    opt = optim.Adam([w], lr=0.01)
    (w**3).sum().backward()
    grad = w.grad.data.copy()
    opt.step()
    np.testing.assert_allclose(w.data, [3.0, -2.0, 0.5] - 0.01 * np.sign(grad), rtol=1e-9)


def test_adagrad_by_hand():
    # f(w) = 3w, g = 3 always: G1 = 9, w1 = 1 - 0.1 * 3 / 3 = 0.9; G2 = 18, w2 = 0.9 - 0.1 * 3 / √18.
    w = Tensor(np.array(1.0), requires_grad=True)
    opt = optim.Adagrad([w], lr=0.1)
    for expected in (0.9, 0.9 - 0.3 / math.sqrt(18)):
        opt.zero_grad()
        (w * 3.0).backward()
        opt.step()
        assert w.item() == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("options", [dict(lr=0.1), dict(lr=0.05, momentum=0.9)], ids=["plain", "momentum"])
def test_sgd_float32_steps_equal_torch_bit_for_bit(options):
    # PyTorch rounds param - lr * d once; two roundings would differ from it in about one element in ten.
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(3)
    start = [r.standard_normal(s).astype(np.float32) for s in [(64, 32), (32,), (1, 5)]]
    grads = [[r.standard_normal(a.shape).astype(np.float32) for a in start] for _ in range(3)]
    params = [Tensor(a.copy(), requires_grad=True) for a in start]
    tparams = [torch.tensor(a, requires_grad=True) for a in start]
    opt, topt = optim.SGD(params, **options), torch.optim.SGD(tparams, **options)
    for gs in grads:
        for p, tp, g in zip(params, tparams, gs):
            p.grad, tp.grad = Tensor(g.copy()), torch.tensor(g)
        opt.step()
        topt.step()
    for p, tp, a in zip(params, tparams, start):
        assert not np.array_equal(p.data, a)
        np.testing.assert_array_equal(p.data, tp.detach().numpy())
