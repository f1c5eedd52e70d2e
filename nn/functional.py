"""Activations and losses as functions of Tensors, written with the engine's ops.

No function here has backward code: gradients come from the ops they are built of
(the numerically delicate ones, sigmoid, softplus, log-softmax, are fused ops in `autograd`).
Losses take `reduction="mean" | "sum" | "none"`. Every function also accepts numpy arrays and
lists where PyTorch users would pass tensors (`@_tensor_input` converts the first argument).
"""
import functools
import math
import numbers

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops import fused
from autograd.ops.fused import linear
from autograd.tensor import as_tensor

__all__ = [
    "step", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "silu", "swish", "gelu",
    "softplus", "softmax", "log_softmax", "dropout", "mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "hinge_loss", "linear",
    "relu6", "hardtanh", "hardsigmoid", "hardswish", "mish", "softsign", "celu", "quick_gelu", "logsigmoid",
    "tanhshrink", "threshold", "glu", "pad", "scaled_dot_product_attention",
]


def _tensor_input(fn):
    """Let `fn` take a numpy array or a list as its first argument (converted by `as_tensor`)."""
    @functools.wraps(fn)
    def wrapper(x, *args, **kwargs):
        return fn(x if isinstance(x, Tensor) else as_tensor(x, op=fn.__name__), *args, **kwargs)

    return wrapper


def as_input(x, dtype, op):
    """A layer's input as a Tensor of its parameters' `dtype`.

    Data (lists, numpy arrays, Tensors that do not require grad) is converted. A Tensor that requires
    grad and has another dtype is a TypeError: casting it would silently change its gradient's precision.
    """
    if isinstance(x, Tensor):
        if x.dtype == dtype:
            return x
        if x.requires_grad:
            raise TypeError(f"{op}: the input has dtype {x.dtype} and requires grad, the layer's parameters have "
                            f"dtype {np.dtype(dtype)}; convert one of them (x.astype(np.{np.dtype(dtype)}) or "
                            f"model.to(np.{x.dtype}))")
        return Tensor(x.data.astype(dtype))
    try:
        return Tensor(np.asarray(x, dtype=dtype))
    except (TypeError, ValueError) as e:
        raise TypeError(f"{op}: expected a Tensor, a numpy array or a list of numbers, got {type(x).__name__} ({e})") from None


def number(value, name, op, ok=lambda v: True, expected="a number"):
    """`value` itself when it is a real number for which `ok` holds (NaN never passes), else a
    ValueError naming `op`, the argument `name`, its value and what was `expected`."""
    valid = isinstance(value, (numbers.Real, np.ndarray, np.generic)) and np.ndim(value) == 0 \
        and not isinstance(value, bool) and not math.isnan(value) and ok(value)
    if not valid:
        raise ValueError(f"{op}: {name} must be {expected}, got {value!r}")
    return value


def dim_or_axis(dim, axis, op, default=-1):
    """PyTorch's `dim=` or numpy's `axis=` (either one, not both)."""
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: give dim or axis, not both (got dim={dim}, axis={axis})")
    return default if dim is None and axis is None else (axis if dim is None else dim)


# Activations.
@_tensor_input
def step(x):
    """Heaviside step: 1 where x > 0, else 0. Its gradient is 0 everywhere (taken as 0 at the jump).

    The output stays connected to `x` (through a term that is always 0) so that backward runs
    and reports that zero gradient instead of failing; clipping keeps that term 0 for x = ±inf.
    """
    jump = Tensor((x.data > 0).astype(x.dtype if x.dtype.kind == "f" else np.float32))
    return jump + 0.0 * x.clip(-1.0, 1.0) if x.requires_grad else jump


def identity(x):
    return x


@_tensor_input
def sigmoid(x):
    return ag.sigmoid(x)


@_tensor_input
def tanh(x):
    return ag.tanh(x)


@_tensor_input
def relu(x):
    """max(x, 0), with relu'(0) = 0."""
    return ag.relu(x)


@_tensor_input
def leaky_relu(x, negative_slope=0.01):
    return ag.leaky_relu(x, number(negative_slope, "negative_slope", "leaky_relu"))


@_tensor_input
def prelu(x, weight):
    """Leaky ReLU with a learnable slope: one for all channels, or one per channel (dim 1)."""
    if weight.size > 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(f"prelu: {weight.size} slopes need an input with {weight.size} channels in dim 1, "
                             f"got shape {x.shape}")
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return ag.where(x.data > 0, x, weight * x)


@_tensor_input
def elu(x, alpha=1.0):
    return ag.elu(x, number(alpha, "alpha", "elu"))


@_tensor_input
def selu(x):
    return ag.selu(x)


@_tensor_input
def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return ag.silu(x)


swish = silu


@_tensor_input
def gelu(x, approximate="none"):
    """x * Phi(x) with the normal CDF exact (`"none"`) or through the tanh approximation (`"tanh"`)."""
    return ag.gelu(x, approximate)


@_tensor_input
def softplus(x, beta=1.0):
    """log(1 + exp(beta x)) / beta, finite for any x."""
    number(beta, "beta", "softplus", lambda b: b != 0, "a non-zero number")
    return ag.softplus(x) if beta == 1 else ag.softplus(x * beta) * (1.0 / beta)


@_tensor_input
def softmax(x, dim=None, *, axis=None):
    """exp(x) / sum(exp(x)) along `dim` (default the last; `axis=` is an alias)."""
    return ag.softmax(x, dim=dim_or_axis(dim, axis, "softmax"))


@_tensor_input
def log_softmax(x, dim=None, *, axis=None):
    return ag.log_softmax(x, dim=dim_or_axis(dim, axis, "log_softmax"))


@_tensor_input
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


@_tensor_input
def mse_loss(input, target, reduction="mean"):
    """(input - target)^2."""
    d = input - _pair(input, target, "mse_loss")
    return _reduce(d * d, reduction, "mse_loss")


@_tensor_input
def l1_loss(input, target, reduction="mean"):
    """|input - target| (mean absolute error)."""
    return _reduce((input - _pair(input, target, "l1_loss")).abs(), reduction, "l1_loss")


@_tensor_input
def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 d^2 where |d| <= delta, else delta (|d| - delta/2): quadratic near 0, linear in the tails."""
    number(delta, "delta", "huber_loss", lambda d: d > 0, "> 0")
    d = input - _pair(input, target, "huber_loss")
    a = d.abs()
    return _reduce(ag.where(a.data <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction, "huber_loss")


# Each log term of binary cross-entropy is clamped at -100, as in PyTorch, so p = 0 or 1 stays finite.
_LOG_FLOOR = math.exp(-100)


@_tensor_input
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


@_tensor_input
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
        bad = np.unique(labels[(labels < 0) | (labels >= num_classes)])[:5]
        raise ValueError(f"{op}: labels must be in [0, {num_classes}), got {bad} (the input has {num_classes} classes)")
    out = np.zeros((num_classes,) + labels.shape, dtype=dtype)
    np.put_along_axis(out, labels[None], 1, axis=0)
    return np.moveaxis(out, 0, 1 if labels.ndim else 0)


def _class_nll(logp, target, weight, ignore_index, label_smoothing, reduction, op):
    """PyTorch's nll_loss / cross_entropy on log-probabilities `logp` of shape (N, C, ...) or (C,).

    Integer labels (N, ...): loss_n = w[y_n] * -logp[n, y_n], zero where y_n == ignore_index;
    "mean" divides by the sum of w[y_n] over the labels kept. Probability targets (N, C, ...):
    loss_n = -sum_c w_c t_nc logp[n, c]; "mean" divides by the number of samples.
    Label smoothing mixes (1 - eps) of that with eps times the uniform target 1/C.
    """
    if logp.ndim < 1:
        raise ValueError(f"{op}: input needs a class dim, got a 0-d tensor")
    if logp.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point (logits or log-probabilities), got dtype {logp.dtype}")
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    dim = 1 if logp.ndim > 1 else 0
    n_classes = logp.shape[dim]
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    labels_shape = logp.shape[:1] + logp.shape[2:] if logp.ndim > 1 else ()
    w = None
    if weight is not None:
        w = np.asarray(weight.data if isinstance(weight, Tensor) else weight)
        if w.shape != (n_classes,) or w.dtype.kind not in "biuf":
            raise ValueError(f"{op}: weight needs one number per class, shape ({n_classes},), "
                             f"got {w.dtype} of shape {w.shape}")
        w = w.astype(logp.dtype)
    class_shape = (-1,) + (1,) * (logp.ndim - 2) if dim else (-1,)  # w broadcast along the class dim
    if t.shape == logp.shape and t.dtype.kind == "f":  # probabilities (or one-hot rows)
        if ignore_index >= 0:
            raise ValueError(f"{op}: ignore_index={ignore_index} applies to class labels, not probability targets")
        t = t.astype(logp.dtype)
        if label_smoothing:
            t = t * (1 - label_smoothing) + label_smoothing / n_classes
        if w is not None:
            t = t * w.reshape(class_shape)
        return _reduce(-(logp * Tensor(t)).sum(dim), reduction, op)
    if t.shape != labels_shape:
        raise ValueError(f"{op}: for input of shape {logp.shape}, integer labels need shape {labels_shape}, "
                         f"got {t.shape} (probability targets need shape {logp.shape})")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: class labels must be integers, got dtype {t.dtype} "
                        f"(convert with .astype(int), or pass probabilities of shape {logp.shape})")
    keep = t != ignore_index
    labels = np.where(keep, t, 0)
    onehot = _one_hot(labels, n_classes, logp.dtype, op)  # checks the range of the labels kept
    w_all = np.ones(n_classes, logp.dtype) if w is None else w
    w_n = w_all[labels] * keep  # each sample's weight; 0 where ignored
    loss = -(logp * Tensor(onehot)).sum(dim) * Tensor(w_n)
    if label_smoothing:
        smooth = -(logp * Tensor(w_all.reshape(class_shape))).sum(dim) * Tensor(keep.astype(logp.dtype))
        loss = loss * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)
    if reduction == "mean":
        return loss.sum() * (1.0 / w_n.sum()) if w_n.sum() else loss.sum() * np.nan  # 0/0 is NaN, as in PyTorch
    return _reduce(loss, reduction, op)


def _check_weight(weight, op):
    if isinstance(weight, str):
        raise TypeError(f"{op}: the third argument is weight, as in PyTorch, got {weight!r}; "
                        f"pass reduction={weight!r} by keyword")


@_tensor_input
def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """-log_probs[class] for log-probabilities `input` of shape (N, C, ...) and labels (N, ...);
    `weight` (C,) and `ignore_index` as in PyTorch (see `_class_nll`)."""
    _check_weight(weight, "nll_loss")
    return _class_nll(input, target, weight, ignore_index, 0.0, reduction, "nll_loss")


@_tensor_input
def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits (N, C, ...) against integer labels (N, ...) or
    one-hot / probability targets (N, C, ...). log-softmax keeps it finite for any logits.
    `weight` (C,), `ignore_index` and `label_smoothing` as in PyTorch (see `_class_nll`)."""
    _check_weight(weight, "cross_entropy")
    if input.ndim < 1:
        raise ValueError("cross_entropy: input needs a class dim, got a 0-d tensor")
    if input.dtype.kind != "f":
        raise TypeError(f"cross_entropy: input (logits) must be floating point, got dtype {input.dtype}")
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if (weight is None and not label_smoothing and reduction == "mean" and input.ndim == 2
            and t.dtype.kind in "iu" and t.shape == input.shape[:1] and t.size and t.min() >= 0
            and t.max() < input.shape[1] and not (t == ignore_index).any()):
        return fused.cross_entropy_labels(input, t)  # the common case as one node
    logp = ag.log_softmax(input, dim=1 if input.ndim > 1 else 0)
    return _class_nll(logp, target, weight, ignore_index, label_smoothing, reduction, "cross_entropy")


@_tensor_input
def hinge_loss(input, target, reduction="mean", margin=1.0):
    """The SVM max-margin loss.

    Binary: scores of any shape and labels in {-1, +1} of the same shape give max(0, margin - y s).
    Multi-class: scores (N, C) and integer labels (N,) give sum over j != y of
    max(0, margin - s_y + s_j) / C (PyTorch's `multi_margin_loss`).
    """
    number(margin, "margin", "hinge_loss")
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
