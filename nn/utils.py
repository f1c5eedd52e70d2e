"""Gradient clipping against exploding gradients: by total norm and by value."""
import math

import numpy as np

from autograd import Tensor, Value

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _with_grads(params, op):
    """The parameters (Tensors or Values) that have a gradient; one parameter may be passed alone."""
    if isinstance(params, (Tensor, Value)):
        params = [params]
    out = []
    for p in params:
        if not isinstance(p, (Tensor, Value)):
            raise TypeError(f"{op}: parameters must be Tensors or Values, got {type(p).__name__}")
        if p.grad is not None:
            out.append(p)
    return out


def clip_grad_norm_(params, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale all gradients together so that their total `norm_type`-norm is at most `max_norm`.

    The total norm is that of all gradients concatenated into one vector (`norm_type` may be
    any p > 0 or `inf` / "inf" for the largest magnitude). Like PyTorch, gradients are
    multiplied by `max_norm / (total + 1e-6)` when that is below 1. Returns the total norm before clipping.
    """
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 or inf, got {norm_type}")
    if not max_norm >= 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    params = _with_grads(params, "clip_grad_norm_")
    if not params:
        return np.float64(0.0)
    grads = [np.asarray(p.grad, dtype=np.float64) if isinstance(p, Value) else p.grad.data for p in params]
    norms = np.array([np.linalg.norm(g.ravel(), norm_type) for g in grads], dtype=np.float64)
    total = np.linalg.norm(norms, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {total}; "
                           "pass error_if_nonfinite=False to clip anyway")
    coef = max_norm / (total + 1e-6)
    if coef >= 1.0:
        return np.float64(total)  # within bounds: nothing to scale
    for p in params:
        if isinstance(p, Value):
            p.grad *= coef
        elif p.grad.requires_grad:
            p.grad = Tensor(p.grad.data * p.grad.data.dtype.type(coef))
        else:
            p.grad.data *= coef
    return np.float64(total)


def clip_grad_value_(params, clip_value):
    """Clamp every gradient entry into [-clip_value, clip_value], in place."""
    if not clip_value >= 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for p in _with_grads(params, "clip_grad_value_"):
        if isinstance(p, Value):
            p.grad = min(max(p.grad, -clip_value), clip_value)
        elif p.grad.requires_grad:
            p.grad = Tensor(np.clip(p.grad.data, -clip_value, clip_value))
        else:
            np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
