"""Gradient clipping by total norm and by value, against PyTorch and by hand."""
import math

import numpy as np
import pytest

from autograd import Tensor, Value
from nn.utils import clip_grad_norm_, clip_grad_value_

rng = np.random.default_rng(3)
GRADS = [rng.normal(scale=2.0, size=s) for s in [(3, 4), (4,), (2, 2, 2)]]


def _params(grads=GRADS):
    params = []
    for g in grads:
        p = Tensor(np.zeros_like(g), requires_grad=True)
        p.grad = Tensor(g.copy())
        params.append(p)
    return params


def _total(norm_type):
    flat = np.concatenate([g.ravel() for g in GRADS])
    return np.abs(flat).max() if norm_type == math.inf else (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)


@pytest.mark.parametrize("norm_type", [1, 2, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_by_hand(norm_type, max_norm):
    params = _params()
    total = clip_grad_norm_(params, max_norm, norm_type)
    expected = _total(float(norm_type))
    assert total == pytest.approx(expected, rel=1e-12) and total.item() == total
    scale = min(1.0, max_norm / (expected + 1e-6))
    for p, g in zip(params, GRADS):
        np.testing.assert_allclose(p.grad.data, g * scale, rtol=1e-12)
    if max_norm < expected:
        assert _norm_of(params, float(norm_type)) == pytest.approx(max_norm, rel=1e-5)


def _norm_of(params, norm_type):
    flat = np.concatenate([p.grad.data.ravel() for p in params])
    return np.linalg.norm(flat, norm_type)


@pytest.mark.parametrize("norm_type", [1.0, 2.0, math.inf])
def test_clip_grad_norm_equals_torch(norm_type):
    torch = pytest.importorskip("torch")
    params = _params()
    tparams = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in GRADS]
    for tp, g in zip(tparams, GRADS):
        tp.grad = torch.tensor(g)
    total = clip_grad_norm_(params, 1.5, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, 1.5, norm_type)
    assert total == pytest.approx(ttotal.item(), rel=1e-12)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_equals_torch_and_hand():
    params = _params()
    clip_grad_value_(params, 1.0)
    for p, g in zip(params, GRADS):
        np.testing.assert_array_equal(p.grad.data, np.minimum(np.maximum(g, -1.0), 1.0))
    assert any(np.any(np.abs(g) > 1.0) for g in GRADS)
    torch = pytest.importorskip("torch")
    tparams = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in GRADS]
    for tp, g in zip(tparams, GRADS):
        tp.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(tparams, 1.0)
    for p, tp in zip(params, tparams):
        np.testing.assert_array_equal(p.grad.data, tp.grad.numpy())


def test_values_single_tensor_and_missing_grads():
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, -4.0
    assert clip_grad_norm_([a, b], 1.0) == pytest.approx(5.0)
    assert (a.grad, b.grad) == pytest.approx((0.6, -0.8), rel=1e-6)
    clip_grad_value_([a, b], 0.7)
    assert (a.grad, b.grad) == pytest.approx((0.6, -0.7))
    w, unused = _params(GRADS[:1])[0], Tensor(np.ones(2), requires_grad=True)
    assert clip_grad_norm_(w, 1.0, 1) == pytest.approx(np.abs(GRADS[0]).sum())  # a lone tensor is accepted
    assert clip_grad_norm_([unused], 1.0) == 0.0 and unused.grad is None
    w.grad.data[...] = 0.5
    assert clip_grad_norm_([w], 1.0, norm_type=math.inf) == 0.5 and np.all(w.grad.data == 0.5)


def test_float32_grads_stay_float32():
    p = _params([GRADS[0].astype(np.float32)])[0]
    clip_grad_norm_([p], 0.1)
    clip_grad_value_([p], 0.01)
    assert p.grad.dtype == np.float32


def test_bad_arguments():
    params = _params()
    with pytest.raises(ValueError, match="norm_type must be > 0 or inf, got -1.0"):
        clip_grad_norm_(params, 1.0, norm_type=-1)
    with pytest.raises(ValueError, match="max_norm must be >= 0, got -1"):
        clip_grad_norm_(params, -1)
    with pytest.raises(ValueError, match="clip_value must be >= 0, got -0.5"):
        clip_grad_value_(params, -0.5)
    with pytest.raises(TypeError, match="Tensors or Values, got ndarray"):
        clip_grad_norm_([np.ones(2)], 1.0)
    params[0].grad.data[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="total 2.0-norm of the gradients is nan"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
