"""cross_entropy / nll_loss with weight, ignore_index, label_smoothing and reduction, against PyTorch.

Each case draws random float64 logits and targets, runs both libraries, and compares the loss and the
gradient of the logits (against a random upstream gradient for reduction="none").
"""
import itertools

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

SHAPES = [(6, 4), (4,), (3, 4, 5)]  # (N, C), unbatched (C,), and (N, C, d)
OPTIONS = [
    {},
    {"weight": True},
    {"ignore_index": 1},
    {"label_smoothing": 0.2},
    {"weight": True, "ignore_index": 2, "label_smoothing": 0.15},
]


def _case(shape, options, probabilities, seed):
    rng = np.random.default_rng(seed)
    c = shape[0] if len(shape) == 1 else shape[1]
    x = rng.normal(size=shape) * 2
    if probabilities:
        p = rng.uniform(0.05, 1, shape)
        target = p / p.sum(0 if len(shape) == 1 else 1, keepdims=True)
    else:
        target = rng.integers(0, c, shape[:1] + shape[2:] if len(shape) > 1 else ())
        if "ignore_index" in options and target.ndim:
            target.flat[0] = options["ignore_index"]  # at least one ignored label
    kwargs = dict(options)
    if kwargs.get("weight"):
        kwargs["weight"] = rng.uniform(0.2, 2.0, c)
    return x, target, kwargs


def _compare(ours, theirs, x, target, kwargs, reduction, seed):
    xt = Tensor(x, requires_grad=True)
    out = ours(xt, target, reduction=reduction, **kwargs)
    tx = torch.tensor(x, requires_grad=True)
    tkw = {k: torch.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
    tout = theirs(tx, torch.tensor(target), reduction=reduction, **tkw)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-7, atol=1e-10)
    g = np.random.default_rng(seed + 1).normal(size=out.shape)
    out.backward(g)
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(xt.grad.data, tx.grad.numpy(), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_cross_entropy_labels_match_torch(options, shape, reduction):
    for seed in range(3):
        x, target, kwargs = _case(shape, options, False, seed)
        if shape == (4,) and "ignore_index" in kwargs:
            target = np.array(kwargs["ignore_index"] if seed == 0 else 3)  # one ignored, one kept
            if seed == 0 and reduction == "mean":
                continue  # 0 / 0: both give NaN, checked in its own test
        _compare(F.cross_entropy, TF.cross_entropy, x, target, kwargs, reduction, seed)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("options", [o for o in OPTIONS if "ignore_index" not in o], ids=lambda o: ",".join(o) or "plain")
def test_cross_entropy_probabilities_match_torch(options, shape, reduction):
    for seed in range(3):
        x, target, kwargs = _case(shape, options, True, seed)
        _compare(F.cross_entropy, TF.cross_entropy, x, target, kwargs, reduction, seed)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"ignore_index": 0}, {"weight": True, "ignore_index": 3}],
                         ids=lambda o: ",".join(o) or "plain")
def test_nll_loss_matches_torch(options, reduction):
    for seed in range(3):
        x, target, kwargs = _case((7, 4), options, False, seed)
        logp = x - np.log(np.exp(x).sum(1, keepdims=True))
        _compare(F.nll_loss, TF.nll_loss, logp, target, kwargs, reduction, seed)


def test_one_hot_targets_equal_integer_labels():
    rng = np.random.default_rng(0)
    x, labels, w = rng.normal(size=(5, 3)), rng.integers(0, 3, 5), rng.uniform(0.5, 2, 3)
    onehot = np.eye(3)[labels]
    for kwargs in ({}, {"label_smoothing": 0.1}, {"weight": w, "reduction": "sum"}):
        a = F.cross_entropy(Tensor(x), labels, **kwargs).item()
        b = F.cross_entropy(Tensor(x), onehot, **kwargs).item()
        assert a == pytest.approx(b, rel=1e-12)


def test_all_labels_ignored_gives_nan_as_torch():
    x = np.zeros((2, 3))
    ours = F.cross_entropy(Tensor(x), np.array([-100, -100])).item()
    theirs = TF.cross_entropy(torch.tensor(x), torch.tensor([-100, -100])).item()
    assert np.isnan(ours) and np.isnan(theirs)


@pytest.mark.parametrize("options, reduction", list(itertools.product(OPTIONS, ["mean", "sum", "none"])))
def test_loss_modules_match_torch_modules(options, reduction):
    x, target, kwargs = _case((6, 4), options, False, 5)
    weight = kwargs.pop("weight", None)
    ours = nn.CrossEntropyLoss(weight, reduction=reduction, **kwargs)(Tensor(x), target)
    tw = None if weight is None else torch.tensor(weight)
    theirs = torch.nn.CrossEntropyLoss(tw, reduction=reduction, **kwargs)(torch.tensor(x), torch.tensor(target))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-7, atol=1e-10)
    if "label_smoothing" not in kwargs:
        logp = x - np.log(np.exp(x).sum(1, keepdims=True))
        ours = nn.NLLLoss(weight, reduction=reduction, **kwargs)(Tensor(logp), target)
        theirs = torch.nn.NLLLoss(tw, reduction=reduction, **kwargs)(torch.tensor(logp), torch.tensor(target))
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-7, atol=1e-10)


def test_float32_logits_stay_float32_and_match_torch():
    rng = np.random.default_rng(3)
    x, labels = rng.normal(size=(8, 5)).astype(np.float32), rng.integers(0, 5, 8)
    w = rng.uniform(0.5, 2, 5).astype(np.float32)
    out = F.cross_entropy(Tensor(x), labels, weight=w, label_smoothing=0.1)
    ref = TF.cross_entropy(torch.tensor(x), torch.tensor(labels), weight=torch.tensor(w), label_smoothing=0.1)
    assert out.dtype == np.float32
    assert out.item() == pytest.approx(ref.item(), rel=1e-5)


def test_numpy_and_list_inputs_are_accepted():
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
    ref = TF.cross_entropy(torch.tensor(x), torch.tensor([1, 2])).item()
    assert F.cross_entropy(x, [1, 2]).item() == pytest.approx(ref, rel=1e-12)
    assert nn.CrossEntropyLoss()(x.tolist(), np.array([1, 2])).item() == pytest.approx(ref, rel=1e-6)
