"""Fused ops: a pattern every network repeats, computed as one node.

`linear(x, weight, bias)` is `x @ weight.T + bias` and `cross_entropy_labels(logits, labels)` is
`mean(-log_softmax(logits)[n, labels[n]])`. Their values and gradients equal the composites'
(the op table checks both), but each is one node with one backward: a training step records a
third of the nodes, skips gradients nobody asked for, and draws as one `linear` box.
"""
import numpy as np

from ..formulas import max_keepdims, saves
from ..tensor import Tensor, dual, make


def linear(x, weight, bias=None):
    """x (..., in) @ weight (out, in).T + bias (out,) -> (..., out), PyTorch's `F.linear`."""
    if not isinstance(x, Tensor):  # plain data takes the weight's dtype
        x = Tensor(np.asarray(x, dtype=weight.dtype))
    # The checks read the arrays' attributes, not the Tensor's properties: every layer call comes here.
    xd, wd = x.data, weight.data
    if xd.dtype != wd.dtype:
        raise TypeError(f"linear: input has dtype {x.dtype} but weight has dtype {weight.dtype}; convert one "
                        f"(x.to(weight.dtype), or the model with .to(dtype))")
    if wd.ndim != 2 or xd.ndim == 0 or xd.shape[-1] != wd.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape} "
                         f"(expected (..., {weight.shape[-1]}))")
    if bias is not None and bias.data.shape != wd.shape[:1]:
        raise ValueError(f"linear: bias of shape {bias.shape} does not fit weight of shape {weight.shape}")
    out = xd @ wd.T  # BLAS reads the transposed weight in place: no copy
    if bias is None:
        return make(out, (x, weight), _linear_bw if x.requires_grad else _linear_const_x_bw, "linear")
    out += bias.data
    return make(out, (x, weight, bias), _linear_bw if x.requires_grad else _linear_const_x_bw, "linear")


def _linear_grads(g, x, bias):
    """The weight's gradient, and the bias's if there is one."""
    if g.ndim != 2:  # a batch of any shape (..., out) counts as (N, out)
        g, x = g.reshape((-1, g.shape[-1])), x.reshape((-1, x.shape[-1]))
    gw = g.T @ x
    # The bias's gradient sums g over the batch: as ones @ g, one BLAS call, twice as fast as g.sum(0).
    return (gw, _ones(len(g), g.dtype) @ g) if bias else (gw,)


_ONES = {}


def _ones(n, dtype):
    """A read-only vector of n ones, made once per length and dtype."""
    key = (n, dtype)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) >= 64:  # batch sizes come and go; keep the cache small
            _ONES.clear()
        ones = _ONES[key] = np.ones(n, dtype)
        ones.flags.writeable = False
    return ones


@saves(1, 2)
def _linear_bw(g, out, x, w, *bias):
    return (g @ w, *_linear_grads(g, x, bias))


@saves(1)
def _linear_const_x_bw(g, out, x, w, *bias):
    # The input is data (the first layer's batch): its gradient would be thrown away.
    return (None, *_linear_grads(g, x, bias))


def cross_entropy_labels(logits, labels):
    """Mean softmax cross-entropy of logits (N, C) against integer labels (N,) in [0, C).

    The backward is the textbook (softmax(logits) - onehot(labels)) / N, recomputed from the
    logits, so it is also differentiable again.
    """
    x = logits.data
    y = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    n = x.shape[0]
    rows = np.arange(n)
    shifted = x - max_keepdims(x, 1)
    e = np.exp(shifted)
    total = np.add.reduce(e, axis=1)
    loss = np.asarray(np.add.reduce(np.log(total) - shifted[rows, y]) / n, dtype=x.dtype)
    # softmax - onehot, kept from the forward pass for the usual backward...
    p_minus_onehot = e
    p_minus_onehot /= total[:, None]
    p_minus_onehot[rows, y] -= 1

    def again(x):  # ...and recomputed from the logits when the backward is itself recorded
        onehot = np.zeros(x.shape, dtype=x.dtype)
        onehot[rows, y] = 1
        ex = np.exp(x - max_keepdims(x, 1))
        return ex / ex.sum(axis=1, keepdims=True) - onehot

    grad_of_logits = dual(lambda x: p_minus_onehot, again)

    @saves(1)
    def backward(g, out, x):
        return (grad_of_logits(x) * (g / n),)

    return make(loss, (logits,), backward, "cross_entropy")
