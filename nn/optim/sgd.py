"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""
import numpy as np

from autograd.blas import axpy_

from .optimizer import Optimizer, check, check_nonnegative

__all__ = ["SGD", "sgd"]


def sgd(params, grads, states, *, lr, momentum, dampening, weight_decay, nesterov):
    """One SGD step over a group's parameters, in place on each `param` (PyTorch's form of momentum):

        g = grad + weight_decay * param
        b = g  (first step),  b = momentum * b + (1 - dampening) * g  (later)
        d = g + momentum * b  if nesterov  else  b        (d = g without momentum)
        param -= lr * d
    """
    for param, grad, state in zip(params, grads, states):
        if weight_decay:
            grad = grad + weight_decay * param
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad)  # a copy, and an array even for 0-d grads
            else:
                buf *= momentum
                buf += grad if dampening == 0 else (1 - dampening) * grad  # (1 - 0) * g is g: no new array
            grad = grad + momentum * buf if nesterov else buf
        axpy_(param, -lr, grad)  # param -= lr * grad, in one pass

class SGD(Optimizer):
    """`SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)`."""

    rule = sgd

    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _validate(self, group):
        check_nonnegative("SGD", group, "lr", "momentum", "dampening", "weight_decay")
        if group["nesterov"]:
            check("SGD", group, "nesterov", group["momentum"] > 0 and group["dampening"] == 0,
                  "False unless momentum > 0 and dampening == 0 "
                  f"(got momentum={group['momentum']}, dampening={group['dampening']})")
