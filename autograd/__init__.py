"""chainrule's autodiff engine: scalar `Value`, n-d `Tensor`, one graph walker."""
from .graph import enable_grad, is_grad_enabled, no_grad, scope, toposort
from .tensor import Tensor, unbroadcast
from .value import Value
from .functional import grad
from .viz import draw_graph
from .explain import explain_backward
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import ops as _ops  # attaches the Tensor methods
from .ops.activation import elu, erf, gelu, leaky_relu, relu, selu, silu, softplus, swish
from .ops.elementwise import (
    abs, clip, cos, domain_checks, exp, log, log1p, maximum, minimum, sigmoid, sin, sqrt, tanh, where,
)
from .ops.linalg import dot, matmul
from .random import arange, full, manual_seed, ones, ones_like, rand, randint, randn, zeros, zeros_like
from .ops.reduce import argmax, argmin, log_softmax, logsumexp, max, mean, min, prod, softmax, std, sum, var
from .ops.shape import (
    broadcast_to, cat, concatenate, expand, flatten, pad, permute, reshape, split, squeeze, stack, transpose,
    unsqueeze,
)

# `abs`, `max`, `min` and `sum` stay out of `__all__` (use `autograd.sum(t)` or `t.sum()`), so that
# `from autograd import *` does not hide Python's built-ins.
__all__ = [
    "Value", "Tensor", "grad", "gradcheck", "gradgradcheck", "GradcheckError", "no_grad", "enable_grad",
    "is_grad_enabled", "scope", "toposort", "unbroadcast", "domain_checks",
    "clip", "cos", "elu", "erf", "exp", "gelu", "leaky_relu", "log", "log1p", "maximum", "minimum",
    "relu", "selu", "sigmoid", "silu", "swish", "sin", "softplus", "sqrt", "tanh", "where", "dot", "matmul",
    "argmax", "argmin", "log_softmax", "logsumexp", "mean", "prod", "softmax", "std", "var",
    "broadcast_to", "cat", "concatenate", "expand", "flatten", "pad", "permute", "reshape", "split", "squeeze",
    "stack", "transpose", "unsqueeze", "draw_graph", "explain_backward",
    "arange", "full", "manual_seed", "ones", "ones_like", "rand", "randint", "randn", "zeros", "zeros_like",
]
