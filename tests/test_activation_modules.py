"""The newer activation modules and `F.pad` against PyTorch's, one table row each."""
import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import functional as F

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).uniform(-5, 5, (3, 4))

MODULES = [
    (nn.ReLU6(), "ReLU6()"), (nn.Hardtanh(-2.0, 1.5), "Hardtanh(-2.0, 1.5)"), (nn.Hardsigmoid(), "Hardsigmoid()"),
    (nn.Hardswish(), "Hardswish()"), (nn.Mish(), "Mish()"), (nn.Softsign(), "Softsign()"),
    (nn.CELU(0.7), "CELU(0.7)"), (nn.LogSigmoid(), "LogSigmoid()"), (nn.Tanhshrink(), "Tanhshrink()"),
    (nn.Threshold(0.5, -2.0), "Threshold(0.5, -2.0)"), (nn.GLU(), "GLU()"), (nn.GLU(1), "GLU(1)"),
]


@pytest.mark.parametrize("ours, spec", MODULES, ids=[s for _, s in MODULES])
def test_activation_module_matches_torch(ours, spec):
    theirs = eval("torch.nn." + spec)
    x, tx = Tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    # PyTorch's hard-sigmoid family uses a float32 1/6 in its float64 backward: agreement to ~1e-7.
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-6, atol=1e-9)


def test_quick_gelu_and_activation_names():
    x = Tensor(X)
    np.testing.assert_allclose(nn.QuickGELU()(x).data, X / (1 + np.exp(-1.702 * X)), rtol=1e-12)
    assert nn.activations.ACTIVATIONS["hardswish"] is nn.Hardswish and nn.activations.ACTIVATIONS["mish"] is nn.Mish


PADS = [((1, 2), "constant"), ((1, 0, 0, 2), "constant"), ((-1, 2, 1, -1), "constant"), ((2, 1), "reflect"),
        ((1, 2, 1, 0), "replicate"), ((2, 1), "circular")]


@pytest.mark.parametrize("pad, mode", PADS, ids=[f"{m}-{p}" for p, m in PADS])
def test_functional_pad_matches_torch(pad, mode):
    a = X[None]  # (1, 3, 4): PyTorch's non-constant modes want a batch/channel dim
    x, tx = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = F.pad(x, pad, mode, value=0.5), torch.nn.functional.pad(tx, pad, mode, **({"value": 0.5} if mode == "constant" else {}))
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    w = np.random.default_rng(1).standard_normal(y.shape)
    (y * Tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pad_errors_name_the_problem():
    with pytest.raises(ValueError, match="pad: mode must be one of"):
        F.pad(Tensor(X), (1, 1), "mirror")
    with pytest.raises(ValueError, match="crop more than shape"):
        F.pad(Tensor(X), (-3, -2))
