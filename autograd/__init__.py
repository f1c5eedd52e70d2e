"""chainrule's autodiff engine: scalar `Value`, n-d `Tensor`, one graph walker."""
from . import _conflict  # noqa: F401  (first: refuses to run mixed with HIPS autograd, same import name)
from .graph import toposort
from .modes import detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad, set_detect_anomaly
from .formulas import unbroadcast
from .scope import scope
from .tensor import Tensor, from_numpy, tensor
from .value import Value
from numpy import bool_, float16, float32, float64, int8, int16, int32, int64, uint8  # dtypes: autograd.float32
from .functional import grad
from .viz import draw_graph
from .explain import explain_backward
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import ops as _ops  # attaches the Tensor methods
from . import inplace as _inplace  # attaches the in-place methods
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

from . import linalg
from .ops.activation import (
    celu, glu, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, quick_gelu, relu6, softsign, tanhshrink, threshold,
)
from .ops.decomp import cholesky, det, inv, slogdet, solve
from .ops.einsum import einsum
from .ops.index import diag, diagonal, gather, index_select, masked_fill, scatter, scatter_add, take_along_axis, trace, tril, triu
from .ops.join import array_split, chunk, column_stack, dsplit, dstack, hsplit, hstack, row_stack, vsplit, vstack
from .ops.linalg import cross, inner, kron, matrix_power, outer, tensordot
from .ops.norm import matrix_norm, norm, vector_norm
from .ops.pointwise import (
    acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan, atan2, atanh, ceil,
    clamp, cosh, deg2rad, degrees, exp2, expm1, floor, floor_divide, fmax, fmin, hypot, lerp, log2, log10,
    logaddexp, logaddexp2, mod, rad2deg, radians, reciprocal, remainder, round, rsqrt, sign, sinh, square, tan, trunc,
)
from .ops.reduce import all, any, count_nonzero
from .ops.scan import cumprod, cumsum, diff
from .ops.shape import (
    atleast_1d, atleast_2d, atleast_3d, flip, moveaxis, movedim, repeat, repeat_interleave, roll, rollaxis, swapaxes,
    tile,
)
from .ops.sort import argsort, median, sort, topk
from .random import empty, empty_like, eye, full_like, linspace, multinomial, tril_indices, triu_indices

_WIDER = [
    "celu", "glu", "hardsigmoid", "hardswish", "hardtanh", "logsigmoid", "mish", "quick_gelu", "relu6", "softsign",
    "tanhshrink", "threshold", "cholesky", "det", "inv", "slogdet", "solve", "einsum", "linalg", "diag", "diagonal",
    "gather", "index_select", "masked_fill", "scatter", "scatter_add", "take_along_axis", "trace", "tril", "triu",
    "array_split", "chunk", "column_stack", "dsplit", "dstack", "hsplit", "hstack", "row_stack", "vsplit", "vstack",
    "cross", "inner", "kron", "matrix_power", "outer", "tensordot", "matrix_norm", "norm", "vector_norm",
    "acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "asin", "asinh",
    "atan", "atan2", "atanh", "ceil", "clamp", "cosh", "deg2rad", "degrees", "exp2", "expm1", "floor",
    "floor_divide", "fmax", "fmin", "hypot", "lerp", "log2", "log10", "logaddexp", "logaddexp2", "mod", "rad2deg",
    "radians", "reciprocal", "remainder", "rsqrt", "sign", "sinh", "square", "tan", "trunc", "count_nonzero",
    "cumprod", "cumsum", "diff", "atleast_1d", "atleast_2d", "atleast_3d", "flip", "moveaxis", "movedim", "repeat",
    "repeat_interleave", "roll", "rollaxis", "swapaxes", "tile", "argsort", "median", "sort", "topk",
    "empty", "empty_like", "eye", "full_like", "linspace", "multinomial", "tril_indices", "triu_indices",
]  # `round`, `all` and `any` stay out, as the built-ins below

# `abs`, `max`, `min` and `sum` stay out of `__all__` (use `autograd.sum(t)` or `t.sum()`), so that
# `from autograd import *` does not hide Python's built-ins.
__all__ = [
    "Value", "Tensor", "tensor", "from_numpy", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "grad", "gradcheck", "gradgradcheck", "GradcheckError", "no_grad", "enable_grad",
    "is_grad_enabled", "scope", "toposort", "unbroadcast", "domain_checks",
    "clip", "cos", "elu", "erf", "exp", "gelu", "leaky_relu", "log", "log1p", "maximum", "minimum",
    "relu", "selu", "sigmoid", "silu", "swish", "sin", "softplus", "sqrt", "tanh", "where", "dot", "matmul",
    "argmax", "argmin", "log_softmax", "logsumexp", "mean", "prod", "softmax", "std", "var",
    "broadcast_to", "cat", "concatenate", "expand", "flatten", "pad", "permute", "reshape", "split", "squeeze",
    "stack", "transpose", "unsqueeze", "draw_graph", "explain_backward",
    "arange", "full", "manual_seed", "ones", "ones_like", "rand", "randint", "randn", "zeros", "zeros_like",
]
__all__ += _WIDER
