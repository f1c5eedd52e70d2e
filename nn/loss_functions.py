"""Loss functions of `nn.functional` (the loss modules in `nn/losses.py` call these): regression
losses, binary and categorical cross-entropy with PyTorch's `weight`, `ignore_index` and
`label_smoothing`, negative log-likelihood and the hinge loss."""
import math

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops import fused

from .inputs import number, tensor_input

__all__ = ["mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "nll_loss", "cross_entropy", "hinge_loss"]


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


@tensor_input
def mse_loss(input, target, reduction="mean"):
    """(input - target)^2."""
    d = input - _pair(input, target, "mse_loss")
    return _reduce(d * d, reduction, "mse_loss")


@tensor_input
def l1_loss(input, target, reduction="mean"):
    """|input - target| (mean absolute error)."""
    return _reduce((input - _pair(input, target, "l1_loss")).abs(), reduction, "l1_loss")


@tensor_input
def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 d^2 where |d| <= delta, else delta (|d| - delta/2): quadratic near 0, linear in the tails."""
    number(delta, "delta", "huber_loss", lambda d: d > 0, "> 0")
    d = input - _pair(input, target, "huber_loss")
    a = d.abs()
    return _reduce(ag.where(a.data <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction, "huber_loss")


# Each log term of binary cross-entropy is clamped at -100, as in PyTorch, so p = 0 or 1 stays finite.
_LOG_FLOOR = math.exp(-100)
# Integer labels seen as unsigned, by item size: a negative label becomes huge (see cross_entropy).
_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


@tensor_input
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


@tensor_input
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


@tensor_input
def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """-log_probs[class] for log-probabilities `input` of shape (N, C, ...) and labels (N, ...);
    `weight` (C,) and `ignore_index` as in PyTorch (see `_class_nll`)."""
    _check_weight(weight, "nll_loss")
    return _class_nll(input, target, weight, ignore_index, 0.0, reduction, "nll_loss")


@tensor_input
def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits (N, C, ...) against integer labels (N, ...) or
    one-hot / probability targets (N, C, ...). log-softmax keeps it finite for any logits.
    `weight` (C,), `ignore_index` and `label_smoothing` as in PyTorch (see `_class_nll`)."""
    _check_weight(weight, "cross_entropy")
    x = input.data
    if x.ndim < 1:
        raise ValueError("cross_entropy: input needs a class dim, got a 0-d tensor")
    if x.dtype.kind != "f":
        raise TypeError(f"cross_entropy: input (logits) must be floating point, got dtype {input.dtype}")
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    # Labels in [0, C) cannot equal a negative ignore_index: no need to look for it then. Viewed as
    # unsigned, a negative label is huge, so one maximum checks both ends of [0, C).
    if (weight is None and not label_smoothing and reduction == "mean" and x.ndim == 2
            and t.dtype.kind in "iu" and t.shape == x.shape[:1] and t.size
            and np.maximum.reduce(t.view(_UNSIGNED[t.dtype.itemsize])) < x.shape[1]
            and (ignore_index < 0 or not (t == ignore_index).any())):
        return fused.cross_entropy_labels(input, t)  # the common case as one node
    logp = ag.log_softmax(input, dim=1 if input.ndim > 1 else 0)
    return _class_nll(logp, target, weight, ignore_index, label_smoothing, reduction, "cross_entropy")


@tensor_input
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
