"""Adam and AdamW: momentum and RMSProp combined, with bias correction."""
import math

import numpy as np

from autograd.blas import axpy_

from .optimizer import Optimizer, check, check_nonnegative, is_number

__all__ = ["Adam", "AdamW", "adam"]


def adam(params, grads, states, *, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay):
    """One Adam step over a group's parameters, at step t = 1, 2, ..., in place on each `param`:

        Adam:  g = grad + weight_decay * param;   AdamW:  param *= 1 - lr * weight_decay
        m = β1 * m + (1 - β1) * g
        v = β2 * v + (1 - β2) * g²          (amsgrad: v̂ = max(v̂, v), used instead of v)
        param -= lr / (1 - β1^t) * m / (√v / √(1 - β2^t) + eps)
    """
    beta1, beta2 = betas
    for param, grad, state in zip(params, grads, states):
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if amsgrad:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        t = state["step"]
        if weight_decay:
            if decoupled_weight_decay:
                param *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * param
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        if amsgrad:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        axpy_(param, -lr / (1 - beta1**t), m / denom)


class Adam(Optimizer):
    """`Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)`.

    `weight_decay` is added to the gradient (L2 regularisation); see `AdamW` for the decoupled form.
    """

    rule = adam
    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        decoupled_weight_decay=self._decoupled)
        super().__init__(params, defaults)

    def _validate(self, group):
        name = type(self).__name__
        check_nonnegative(name, group, "lr", "eps", "weight_decay")
        betas = group["betas"]
        check(name, group, "betas", isinstance(betas, (tuple, list)) and len(betas) == 2
              and all(is_number(b) and 0 <= b < 1 for b in betas), "two numbers in [0, 1)")
        group["betas"] = tuple(betas)


class AdamW(Adam):
    """`AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`.

    Weight decay shrinks the parameters directly (`param *= 1 - lr * weight_decay`), apart from the gradient.
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
