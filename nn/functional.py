"""Activations and losses as functions of Tensors, written with the engine's ops.

No function here has backward code: gradients come from the ops they are built of
(the numerically delicate ones, sigmoid, softplus, log-softmax, are fused ops in `autograd`).
Losses take `reduction="mean" | "sum" | "none"`.
"""
import math

import numpy as np

import autograd as ag
from autograd import Tensor

__all__ = [
    "step", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "silu", "swish", "gelu",
    "softplus", "softmax", "log_softmax", "dropout", "mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "hinge_loss",
]


# Activations.
def step(x):
    """Heaviside step: 1 where x > 0, else 0. Its gradient is 0 everywhere (taken as 0 at the jump).

    The output stays connected to `x` (through a term that is always 0) so that backward runs
    and reports that zero gradient instead of failing; clipping keeps that term 0 for x = ±inf.
    """
    x = ag.Tensor(x) if not isinstance(x, Tensor) else x
    jump = Tensor((x.data > 0).astype(x.dtype if x.dtype.kind == "f" else np.float32))
    return jump + 0.0 * x.clip(-1.0, 1.0) if x.requires_grad else jump


def identity(x):
    return x


def sigmoid(x):
    return ag.sigmoid(x)


def tanh(x):
    return ag.tanh(x)


def relu(x):
    """max(x, 0), with relu'(0) = 0."""
    return ag.relu(x)


def leaky_relu(x, negative_slope=0.01):
    return ag.leaky_relu(x, negative_slope)


def prelu(x, weight):
    """Leaky ReLU with a learnable slope: one for all channels, or one per channel (dim 1)."""
    if weight.size > 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(f"prelu: {weight.size} slopes need an input with {weight.size} channels in dim 1, "
                             f"got shape {x.shape}")
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return ag.where(x.data > 0, x, weight * x)


def elu(x, alpha=1.0):
    return ag.elu(x, alpha)


def selu(x):
    return ag.selu(x)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return ag.silu(x)


swish = silu


def gelu(x, approximate="none"):
    """x * Phi(x) with the normal CDF exact (`"none"`) or through the tanh approximation (`"tanh"`)."""
    return ag.gelu(x, approximate)


def softplus(x, beta=1.0):
    """log(1 + exp(beta x)) / beta, finite for any x."""
    return ag.softplus(x) if beta == 1 else ag.softplus(x * beta) * (1.0 / beta)


def softmax(x, dim=-1):
    return ag.softmax(x, dim)


def log_softmax(x, dim=-1):
    return ag.log_softmax(x, dim)


def dropout(x, p=0.5, training=True):
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p),
    so the expected value is unchanged and evaluation needs no rescaling."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = ag.random.generator().random(x.shape) >= p
    return x * Tensor((keep / (1 - p)).astype(x.dtype))


# Losses.
def _reduce(loss, reduction, op):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _pair(input, target, op):
    """`target` as a Tensor of `input`'s dtype and shape (no silent broadcasting)."""
    if not isinstance(target, Tensor):
        target = Tensor(np.asarray(target, dtype=input.dtype))
    elif target.dtype != input.dtype:
        target = target.astype(input.dtype)
    if target.shape != input.shape:
        raise ValueError(f"{op}: input shape {input.shape} and target shape {target.shape} differ")
    return target


def mse_loss(input, target, reduction="mean"):
    """(input - target)^2."""
    d = input - _pair(input, target, "mse_loss")
    return _reduce(d * d, reduction, "mse_loss")


def l1_loss(input, target, reduction="mean"):
    """|input - target| (mean absolute error)."""
    return _reduce((input - _pair(input, target, "l1_loss")).abs(), reduction, "l1_loss")


def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 d^2 where |d| <= delta, else delta (|d| - delta/2): quadratic near 0, linear in the tails."""
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    d = input - _pair(input, target, "huber_loss")
    a = d.abs()
    return _reduce(ag.where(a.data <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction, "huber_loss")


# Each log term of binary cross-entropy is clamped at -100, as in PyTorch, so p = 0 or 1 stays finite.
_LOG_FLOOR = math.exp(-100)


def binary_cross_entropy(input, target, reduction="mean"):
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1]; prefer the `_with_logits` form."""
    y = _pair(input, target, "binary_cross_entropy")
    if np.any((input.data < 0) | (input.data > 1)) or np.any(np.isnan(input.data)):
        bad = input.data[~((input.data >= 0) & (input.data <= 1))][:5]
        raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], got {bad}; "
                         f"use binary_cross_entropy_with_logits for raw scores")
    log_p = input.clip(_LOG_FLOOR, None).log()
    log_q = (1 - input).clip(_LOG_FLOOR, None).log()
    return _reduce(-(y * log_p + (1 - y) * log_q), reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(input), as (1 - y) z + w softplus(-z) with w = 1 + (pos_weight - 1) y.

    softplus never overflows, so logits of any size give finite losses and gradients.
    """
    y = _pair(input, target, "binary_cross_entropy_with_logits")
    w = 1.0 if pos_weight is None else 1 + (pos_weight - 1) * y
    return _reduce((1 - y) * input + w * ag.softplus(-input), reduction, "binary_cross_entropy_with_logits")


def _one_hot(labels, num_classes, dtype=np.float32, op="one_hot"):
    """(N, ...) integer labels as (N, num_classes, ...) indicators (classes in dim 1, as in losses)."""
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{op}: class labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][:5]
        raise ValueError(f"{op}: labels must be in [0, {num_classes}), got {bad}")
    out = np.zeros((num_classes,) + labels.shape, dtype=dtype)
    np.put_along_axis(out, labels[None], 1, axis=0)
    return np.moveaxis(out, 0, 1 if labels.ndim else 0)


def _class_targets(input, target, op):
    """Targets as a constant array shaped like `input`: integer labels become one-hot rows."""
    if input.ndim < 1:
        raise ValueError(f"{op}: input needs a class dim, got a 0-d tensor")
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if t.dtype.kind in "iu":
        expected = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
        if t.shape != expected:
            raise ValueError(f"{op}: for input of shape {input.shape}, integer labels need shape {expected}, got {t.shape}")
        return _one_hot(t, input.shape[1] if input.ndim > 1 else input.shape[0], input.dtype, op)
    if t.shape != input.shape:
        raise ValueError(f"{op}: probability targets need the input's shape {input.shape}, got {t.shape}")
    return t.astype(input.dtype, copy=False)


def nll_loss(input, target, reduction="mean"):
    """-log_probs[class] for log-probabilities `input` of shape (N, C, ...) and labels (N, ...)."""
    t = _class_targets(input, target, "nll_loss")
    dim = 1 if input.ndim > 1 else 0
    return _reduce(-(input * Tensor(t)).sum(dim), reduction, "nll_loss")


def cross_entropy(input, target, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits (N, C, ...) against integer labels (N, ...) or
    one-hot / probability targets (N, C, ...). log-softmax keeps it finite for any logits."""
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    t = _class_targets(input, target, "cross_entropy")
    dim = 1 if input.ndim > 1 else 0
    if label_smoothing:
        t = t * (1 - label_smoothing) + label_smoothing / input.shape[dim]
    return _reduce(-(ag.log_softmax(input, dim) * Tensor(t)).sum(dim), reduction, "cross_entropy")


def hinge_loss(input, target, reduction="mean", margin=1.0):
    """The SVM max-margin loss.

    Binary: scores of any shape and labels in {-1, +1} of the same shape give max(0, margin - y s).
    Multi-class: scores (N, C) and integer labels (N,) give sum over j != y of
    max(0, margin - s_y + s_j) / C (PyTorch's `multi_margin_loss`).
    """
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if input.ndim == 2 and t.dtype.kind in "iu" and t.shape == input.shape[:1]:
        onehot = Tensor(_one_hot(t, input.shape[1], input.dtype, "hinge_loss"))
        s_y = (input * onehot).sum(1, keepdims=True)
        losses = (ag.relu(margin - s_y + input) * (1 - onehot)).sum(1) * (1.0 / input.shape[1])
        return _reduce(losses, reduction, "hinge_loss")
    y = _pair(input, t, "hinge_loss")
    if not np.all(np.abs(y.data) == 1):
        raise ValueError(f"hinge_loss: binary labels must be -1 or +1, got {np.unique(y.data)[:5]}")
    return _reduce(ag.relu(margin - y * input), reduction, "hinge_loss")
