"""Every activation and loss of `nn.functional` against central differences and against torch (float64)."""
import numpy as np
import pytest

import nn
from autograd import Tensor
from autograd.gradcheck import gradcheck
from nn import functional as F

try:
    import torch
    import torch.nn.functional as TF
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch not installed")

rng = np.random.default_rng(0)


def _away_from_kinks(shape):
    """Values in [-3, 3] kept at least 0.1 from 0, where relu-like functions have their kink."""
    x = rng.uniform(-3, 3, shape)
    return np.where(np.abs(x) < 0.1, 0.5, x)


# name: (ours, torch's (or None when only a gradcheck applies), input sampler)
ACTIVATIONS = {
    "identity": (F.identity, lambda x: x, _away_from_kinks),
    "sigmoid": (F.sigmoid, torch and torch.sigmoid, _away_from_kinks),
    "tanh": (F.tanh, torch and torch.tanh, _away_from_kinks),
    "relu": (F.relu, torch and torch.relu, _away_from_kinks),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), torch and (lambda x: TF.leaky_relu(x, 0.2)), _away_from_kinks),
    "elu": (lambda x: F.elu(x, 0.7), torch and (lambda x: TF.elu(x, 0.7)), _away_from_kinks),
    "selu": (F.selu, torch and TF.selu, _away_from_kinks),
    "silu": (F.silu, torch and TF.silu, _away_from_kinks),
    "gelu": (F.gelu, torch and TF.gelu, _away_from_kinks),
    "gelu_tanh": (lambda x: F.gelu(x, "tanh"), torch and (lambda x: TF.gelu(x, approximate="tanh")), _away_from_kinks),
    "softplus": (F.softplus, torch and TF.softplus, _away_from_kinks),
    "softplus_beta": (lambda x: F.softplus(x, 2.0), torch and (lambda x: TF.softplus(x, beta=2.0)), _away_from_kinks),
    "softmax": (lambda x: F.softmax(x, 1), torch and (lambda x: torch.softmax(x, 1)), _away_from_kinks),
    "log_softmax": (lambda x: F.log_softmax(x, 0), torch and (lambda x: torch.log_softmax(x, 0)), _away_from_kinks),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradcheck(name):
    fn, _, sample = ACTIVATIONS[name]
    assert gradcheck(fn, (Tensor(sample((3, 4)), requires_grad=True),))


def _compare_with_torch(ours, theirs, arrays, grad_index):
    """Forward values and input gradients (against a random upstream gradient) agree to 1e-6."""
    xs = [Tensor(a, requires_grad=i in grad_index) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in grad_index) for i, a in enumerate(arrays)]
    out, tout = ours(*xs), theirs(*ts)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-6, atol=1e-9)
    g = rng.normal(size=out.shape)
    out.backward(g)
    tout.backward(torch.tensor(g))
    for i in grad_index:
        np.testing.assert_allclose(xs[i].grad.data, ts[i].grad.numpy(), rtol=1e-6, atol=1e-9)


@needs_torch
@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "identity"])
def test_activation_matches_torch(name):
    fn, tfn, sample = ACTIVATIONS[name]
    _compare_with_torch(fn, tfn, [sample((3, 4))], {0})


@needs_torch
def test_prelu_matches_torch_for_shared_and_per_channel_slopes():
    x = _away_from_kinks((4, 3, 5))
    for w in (np.array([0.25]), np.array([0.1, 0.2, 0.3])):
        _compare_with_torch(F.prelu, TF.prelu, [x, w], {0, 1})


def test_prelu_rejects_wrong_channel_count():
    with pytest.raises(ValueError, match="prelu: 3 slopes .* got shape \\(4, 2\\)"):
        F.prelu(Tensor(np.ones((4, 2))), Tensor(np.ones(3)))


def test_step_is_heaviside_with_zero_gradient():
    x = Tensor(np.array([-2.0, -0.0, 0.0, 1e-9, 3.0, np.inf, -np.inf]), requires_grad=True)
    y = F.step(x)
    np.testing.assert_array_equal(y.data, [0, 0, 0, 1, 1, 1, 0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(7))
    assert isinstance(nn.Step()(Tensor([1.0, -1.0])), Tensor)


# Losses: name -> (ours(input, target, reduction), torch's, input sampler, target sampler)
def _probs(shape):
    return rng.uniform(0.05, 0.95, shape)


def _labels_pm1(shape):
    return rng.choice([-1.0, 1.0], shape)


def _int_labels(shape):
    return rng.integers(0, shape[1], shape[:1] + shape[2:])


def _soft_targets(shape):
    p = rng.uniform(0.1, 1, shape)
    return p / p.sum(1, keepdims=True)


def _normal(shape):
    return rng.normal(size=shape)


LOSSES = {
    "mse": (F.mse_loss, torch and TF.mse_loss, _normal, _normal),
    "l1": (F.l1_loss, torch and TF.l1_loss, _normal, _normal),
    "huber": (lambda x, y, r: F.huber_loss(x, y, r, delta=0.7),
              torch and (lambda x, y, reduction: TF.huber_loss(x, y, reduction=reduction, delta=0.7)), _normal, _normal),
    "bce": (F.binary_cross_entropy, torch and TF.binary_cross_entropy, _probs, lambda s: rng.integers(0, 2, s) * 1.0),
    "bce_soft_targets": (F.binary_cross_entropy, torch and TF.binary_cross_entropy, _probs, _probs),
    "bce_logits": (F.binary_cross_entropy_with_logits, torch and TF.binary_cross_entropy_with_logits, _normal, _probs),
    "bce_logits_pos_weight": (lambda x, y, r: F.binary_cross_entropy_with_logits(x, y, r, pos_weight=3.0),
                              torch and (lambda x, y, reduction: TF.binary_cross_entropy_with_logits(
                                  x, y, reduction=reduction, pos_weight=torch.tensor(3.0, dtype=torch.float64))),
                              _normal, _probs),
    "cross_entropy_labels": (lambda x, y, r: F.cross_entropy(x, y, reduction=r), torch and TF.cross_entropy, _normal, _int_labels),
    "cross_entropy_probs": (lambda x, y, r: F.cross_entropy(x, y, reduction=r), torch and TF.cross_entropy, _normal, _soft_targets),
    "cross_entropy_smoothing": (lambda x, y, r: F.cross_entropy(x, y, reduction=r, label_smoothing=0.1),
                                torch and (lambda x, y, reduction: TF.cross_entropy(x, y, reduction=reduction, label_smoothing=0.1)),
                                _normal, _int_labels),
    "nll": (lambda x, y, r: F.nll_loss(x, y, reduction=r), torch and TF.nll_loss, lambda s: np.log(_soft_targets(s)), _int_labels),
    "hinge_multiclass": (lambda x, y, r: F.hinge_loss(x, y, r, margin=0.8),
                         torch and (lambda x, y, reduction: TF.multi_margin_loss(x, y, margin=0.8, reduction=reduction)),
                         _normal, _int_labels),
    "hinge_binary": (F.hinge_loss, torch and (lambda x, y, reduction: _reduce_t(torch.clamp(1 - y * x, min=0), reduction)),
                     lambda s: np.where(rng.random(s) < 0.5, -1, 1) * rng.uniform(0.1, 0.8, s) + 0.05, _labels_pm1),
}


def _reduce_t(loss, reduction):
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


def _shape_for(name):
    return (5, 4) if name.startswith(("cross", "nll", "hinge_multi")) else (3, 4)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_gradcheck(name, reduction):
    fn, _, sample_x, sample_y = LOSSES[name]
    shape = _shape_for(name)
    x, y = sample_x(shape), sample_y(shape)
    assert gradcheck(lambda t: fn(t, y, reduction), (Tensor(x, requires_grad=True),))


@needs_torch
@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_matches_torch(name, reduction):
    fn, tfn, sample_x, sample_y = LOSSES[name]
    shape = _shape_for(name)
    x, y = sample_x(shape), sample_y(shape)
    _compare_with_torch(lambda a, b: fn(a, b.data, reduction), lambda a, b: tfn(a, b, reduction=reduction), [x, y], {0})


@needs_torch
def test_cross_entropy_on_nd_inputs_matches_torch():
    x = rng.normal(size=(2, 3, 4))
    y = rng.integers(0, 3, (2, 4))
    _compare_with_torch(lambda a, b: F.cross_entropy(a, b.data), lambda a, b: TF.cross_entropy(a, b), [x, y], {0})


@needs_torch
def test_mse_matches_torch_on_a_target_that_requires_grad():
    _compare_with_torch(F.mse_loss, TF.mse_loss, [_normal((3, 2)), _normal((3, 2))], {0, 1})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_and_bce_with_logits_stay_finite_at_huge_logits(dtype):
    logits = Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], dtype=dtype), requires_grad=True)
    loss = F.cross_entropy(logits, np.array([1, 0]))
    loss.backward()
    # Sample 0: softmax is one-hot on class 0, loss 2e4. Sample 1: two tied maxima, loss 2e4 + log 2.
    assert np.isclose(loss.item(), 2e4 + np.log(2) / 2)
    np.testing.assert_allclose(logits.grad.data, [[0.5, -0.5, 0], [-0.5, 0.25, 0.25]])
    z = Tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype=dtype), requires_grad=True)
    bce = F.binary_cross_entropy_with_logits(z, np.array([1.0, 0.0, 0.0, 1.0]), reduction="none")
    bce.sum().backward()
    np.testing.assert_allclose(bce.data, [0, 0, 1e4, 1e4])
    np.testing.assert_allclose(z.grad.data, [0, 0, 1, -1])


def test_bce_on_probabilities_clamps_logs_at_minus_100():
    p = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(p, [1.0, 0.0], reduction="none")
    np.testing.assert_allclose(loss.data, [100.0, 100.0])
    loss.sum().backward()
    assert np.isfinite(p.grad.data).all()


def test_loss_errors_name_the_op_and_the_problem():
    x = Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="mse_loss: input shape \\(3, 4\\) and target shape \\(4,\\) differ"):
        F.mse_loss(x, np.zeros(4))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.l1_loss(x, np.zeros((3, 4)), reduction="avg")
    with pytest.raises(ValueError, match=r"cross_entropy: labels must be in \[0, 4\), got \[7\]"):
        F.cross_entropy(x, np.array([0, 7, 1]))
    with pytest.raises(ValueError, match="integer labels need shape \\(3,\\), got \\(2,\\)"):
        F.cross_entropy(x, np.array([0, 1]))
    with pytest.raises(ValueError, match="binary_cross_entropy: input must be probabilities"):
        F.binary_cross_entropy(Tensor(np.array([0.5, 1.5])), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="hinge_loss: binary labels must be -1 or \\+1"):
        F.hinge_loss(Tensor(np.zeros(3)), np.array([0.0, 1.0, -1.0]))


def test_loss_modules_wrap_the_functions():
    x = Tensor(rng.normal(size=(4, 3)))
    y = np.array([0, 2, 1, 1])
    assert nn.CrossEntropyLoss()(x, y).item() == F.cross_entropy(x, y).item()
    assert nn.HuberLoss(reduction="sum", delta=0.5)(x, x.data * 0).item() == F.huber_loss(x, x.data * 0, "sum", 0.5).item()
    assert nn.MAELoss is nn.L1Loss and nn.Swish is nn.SiLU
    with pytest.raises(ValueError, match="MSELoss: reduction must be"):
        nn.MSELoss(reduction="avg")


def test_dropout_statistics_and_eval_identity():
    import autograd

    autograd.manual_seed(3)
    x = Tensor(np.ones(200_000), requires_grad=True)
    y = F.dropout(x, p=0.3)
    kept = y.data != 0
    assert abs(kept.mean() - 0.7) < 0.005  # binomial std is 0.001
    np.testing.assert_allclose(y.data[kept], 1 / 0.7)  # inverted: survivors scaled so E[y] = x
    assert abs(y.data.mean() - 1) < 0.01
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)  # the gradient passes through the same mask
    assert F.dropout(x, 0.3, training=False) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0)
    with pytest.raises(ValueError, match="dropout: p must be in \\[0, 1\\], got 1.5"):
        F.dropout(x, 1.5)
