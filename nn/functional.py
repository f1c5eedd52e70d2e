"""Activations and losses as functions of Tensors, written with the engine's ops.

No function here has backward code: gradients come from the ops they are built of
(the numerically delicate ones, sigmoid, softplus, log-softmax, are fused ops in `autograd`).
Losses take `reduction="mean" | "sum" | "none"`. Every function also accepts numpy arrays and
lists where PyTorch users would pass tensors (`@tensor_input` converts the first argument).
The losses are written in `loss_functions.py` and the argument checks in `inputs.py`; both are
reached from here, as `F.cross_entropy` or `F.as_input`.
"""
import math

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.fused import linear
from autograd.tensor import as_tensor

from .inputs import as_input, dim_or_axis, number, tensor_input  # noqa: F401  (F.as_input is used by layers)
from .loss_functions import (  # noqa: F401
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss, huber_loss, l1_loss, mse_loss,
    nll_loss,
)

__all__ = [
    "step", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "silu", "swish", "gelu",
    "softplus", "softmax", "log_softmax", "dropout", "mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "hinge_loss", "linear",
    "relu6", "hardtanh", "hardsigmoid", "hardswish", "mish", "softsign", "celu", "quick_gelu", "logsigmoid",
    "tanhshrink", "threshold", "glu", "pad", "scaled_dot_product_attention",
]


# Activations.
@tensor_input
def step(x):
    """Heaviside step: 1 where x > 0, else 0. Its gradient is 0 everywhere (taken as 0 at the jump).

    The output stays connected to `x` (through a term that is always 0) so that backward runs
    and reports that zero gradient instead of failing; clipping keeps that term 0 for x = ±inf.
    """
    jump = Tensor((x.data > 0).astype(x.dtype if x.dtype.kind == "f" else np.float32))
    return jump + 0.0 * x.clip(-1.0, 1.0) if x.requires_grad else jump


def identity(x):
    return x


@tensor_input
def sigmoid(x):
    return ag.sigmoid(x)


@tensor_input
def tanh(x):
    return ag.tanh(x)


@tensor_input
def relu(x):
    """max(x, 0), with relu'(0) = 0."""
    return ag.relu(x)


@tensor_input
def leaky_relu(x, negative_slope=0.01):
    return ag.leaky_relu(x, number(negative_slope, "negative_slope", "leaky_relu"))


@tensor_input
def prelu(x, weight):
    """Leaky ReLU with a learnable slope: one for all channels, or one per channel (dim 1)."""
    if weight.size > 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(f"prelu: {weight.size} slopes need an input with {weight.size} channels in dim 1, "
                             f"got shape {x.shape}")
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return ag.where(x.data > 0, x, weight * x)


@tensor_input
def elu(x, alpha=1.0):
    return ag.elu(x, number(alpha, "alpha", "elu"))


@tensor_input
def selu(x):
    return ag.selu(x)


@tensor_input
def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return ag.silu(x)


swish = silu


@tensor_input
def gelu(x, approximate="none"):
    """x * Phi(x) with the normal CDF exact (`"none"`) or through the tanh approximation (`"tanh"`)."""
    return ag.gelu(x, approximate)


@tensor_input
def softplus(x, beta=1.0):
    """log(1 + exp(beta x)) / beta, finite for any x."""
    number(beta, "beta", "softplus", lambda b: b != 0, "a non-zero number")
    return ag.softplus(x) if beta == 1 else ag.softplus(x * beta) * (1.0 / beta)


@tensor_input
def softmax(x, dim=None, *, axis=None):
    """exp(x) / sum(exp(x)) along `dim` (default the last; `axis=` is an alias)."""
    return ag.softmax(x, dim=dim_or_axis(dim, axis, "softmax"))


@tensor_input
def log_softmax(x, dim=None, *, axis=None):
    return ag.log_softmax(x, dim=dim_or_axis(dim, axis, "log_softmax"))


@tensor_input
def dropout(x, p=0.5, training=True):
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p),
    so the expected value is unchanged and evaluation needs no rescaling."""
    number(p, "p", "dropout", lambda p: 0 <= p <= 1, "in [0, 1]")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = ag.random.generator().random(x.shape) >= p
    return x * Tensor((keep / (1 - p)).astype(x.dtype))


# More activations (composites in `autograd.ops.activation`), padding, attention.
def relu6(x):
    """min(max(x, 0), 6)."""
    return ag.relu6(x)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]."""
    return ag.hardtanh(x, min_val, max_val)


def hardsigmoid(x):
    """clip(x / 6 + 1/2, 0, 1)."""
    return ag.hardsigmoid(x)


def hardswish(x):
    """x * hardsigmoid(x)."""
    return ag.hardswish(x)


def mish(x):
    """x * tanh(softplus(x))."""
    return ag.mish(x)


def softsign(x):
    """x / (1 + |x|)."""
    return ag.softsign(x)


def celu(x, alpha=1.0):
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1))."""
    return ag.celu(x, alpha)


def quick_gelu(x):
    """x * sigmoid(1.702 x)."""
    return ag.quick_gelu(x)


def logsigmoid(x):
    """log(sigmoid(x)), finite for any x."""
    return ag.logsigmoid(x)


def tanhshrink(x):
    """x - tanh(x)."""
    return ag.tanhshrink(x)


def threshold(x, threshold, value):
    """x where x > threshold, else value."""
    return ag.threshold(x, threshold, value)


def glu(x, dim=-1):
    """First half of `dim` times the sigmoid of the second half."""
    return ag.glu(x, dim)


_TORCH_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def pad(input, pad, mode="constant", value=0.0):
    """PyTorch's pad: `pad` lists (before, after) pairs from the LAST dim backwards, e.g.
    (left, right, top, bottom); negative widths crop."""
    if mode not in _TORCH_PAD_MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_TORCH_PAD_MODES)}, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(f"pad: {len(pad)} widths must be pairs for at most the {input.ndim} dims of shape {input.shape}")
    pairs = [(0, 0)] * (input.ndim - len(pad) // 2) + [tuple(pad[i:i + 2]) for i in range(len(pad) - 2, -1, -2)]
    return ag.pad(input, pairs, value, mode)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(q k^T * scale + mask) v for q (..., L, E), k (..., S, E), v (..., S, Ev); batch dims broadcast.

    `attn_mask`: boolean (True = may attend) or a float tensor added to the scores, broadcast to
    (..., L, S). `is_causal`: position i attends to positions <= i. `scale` defaults to 1/sqrt(E).
    """
    q, k, v = (as_tensor(t, op="scaled_dot_product_attention") for t in (query, key, value))
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2 or q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value "
                         f"(..., S, Ev), got {q.shape}, {k.shape} and {v.shape}")
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, not both")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.swapaxes(-1, -2)) * scale
    L, S = scores.shape[-2:]
    if is_causal:
        attn_mask = np.tril(np.ones((L, S), dtype=bool))
    if attn_mask is not None:
        m = attn_mask.data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        # A boolean mask says who may attend; a float mask is added (and may itself be learnt).
        scores = ag.masked_fill(scores, ~m, -np.inf) if m.dtype == bool else scores + attn_mask
    weights = ag.softmax(scores, -1)
    if dropout_p:
        weights = dropout(weights, dropout_p)
    return weights @ v


# Convolution, pooling, normalisation and resizing: ops of `autograd.ops.conv` and `autograd.ops.pool`.
from autograd.ops import conv as _conv, pool as _pool  # noqa: E402
from autograd.ops.conv import *  # noqa: E402,F401,F403
from autograd.ops.pool import *  # noqa: E402,F401,F403

__all__ += _conv.__all__ + _pool.__all__
