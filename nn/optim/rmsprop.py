"""RMSProp: divide by a running root-mean-square of the gradients."""
import numpy as np

from autograd.blas import axpy_

from .optimizer import Optimizer, check, check_nonnegative

__all__ = ["RMSprop", "rmsprop"]


def rmsprop(params, grads, states, *, lr, alpha, eps, weight_decay, momentum, centered):
    """One RMSProp step over a group's parameters, in place on each `param`:

        g = grad + weight_decay * param
        v = alpha * v + (1 - alpha) * g²
        centered: m = alpha * m + (1 - alpha) * g;  v̂ = v - m²,  else v̂ = v
        u = g / (√v̂ + eps)
        param -= lr * u,  or with momentum:  b = momentum * b + u;  param -= lr * b
    """
    for param, grad, state in zip(params, grads, states):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if centered:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        if weight_decay:
            grad = grad + weight_decay * param
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if centered:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)
            update = grad / (np.sqrt(square_avg - grad_avg * grad_avg) + eps)
        else:
            update = grad / (np.sqrt(square_avg) + eps)
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += update
            update = buf
        axpy_(param, -lr, update)


class RMSprop(Optimizer):
    """`RMSprop(params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`."""

    rule = rmsprop

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _validate(self, group):
        check_nonnegative("RMSprop", group, "lr", "alpha", "eps", "weight_decay", "momentum")
        check("RMSprop", group, "alpha", group["alpha"] <= 1, "a number in [0, 1]")
