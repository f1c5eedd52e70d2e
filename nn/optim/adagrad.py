"""AdaGrad: per-coordinate step sizes shrinking with the sum of squared gradients."""
import numpy as np

from autograd.blas import axpy_

from .optimizer import Optimizer, check_nonnegative

__all__ = ["Adagrad", "adagrad"]


def adagrad(params, grads, states, *, lr, lr_decay, weight_decay, initial_accumulator_value, eps):
    """One AdaGrad step over a group's parameters, at step t = 1, 2, ..., in place on each `param`:

        g = grad + weight_decay * param
        s = s + g²                          (s starts at initial_accumulator_value)
        param -= lr / (1 + (t - 1) * lr_decay) * g / (√s + eps)
    """
    for param, grad, state in zip(params, grads, states):
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(param, initial_accumulator_value)
        state["step"] += 1
        if weight_decay:
            grad = grad + weight_decay * param
        clr = lr / (1 + (state["step"] - 1) * lr_decay)
        state["sum"] += grad * grad
        axpy_(param, -clr, grad / (np.sqrt(state["sum"]) + eps))


class Adagrad(Optimizer):
    """`Adagrad(params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)`."""

    rule = adagrad

    def __init__(self, params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)

    def _validate(self, group):
        check_nonnegative("Adagrad", group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")
