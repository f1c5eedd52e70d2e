"""Elementwise functions beyond arithmetic: rounding, powers, exponentials and logarithms in other
bases, trigonometric and hyperbolic functions and their inverses, and binary functions
(`arctan2`, `hypot`, `logaddexp`, `fmax`, `remainder`, `lerp`, ...).

Each unary op is one row: its forward ufunc and its derivative `d(x, out)`, written with numpy
ufuncs that `Tensor` also implements, so the same row serves gradients of gradients.
Rounding ops have a zero gradient (they stay in the graph, as in PyTorch); `floor_divide` has none.
"""
import math

import numpy as np

from ..tensor import Tensor, as_tensor, make
from .elementwise import _binary, _zero_bw, clip, sign, where

_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _unary(name, forward, derivative, doc):
    """The elementwise op `forward(x)`, whose gradient is `g * derivative(x, out)`."""

    def backward(g, out, x):
        return (g * derivative(x, out),)

    def op(x):
        x = as_tensor(x, op=name)
        return make(forward(x.data), (x,), backward, name)

    op.__name__, op.__doc__ = name, doc
    return op


def _piecewise_constant(name, forward, doc):
    def op(x, *args, **kwargs):
        x = as_tensor(x, op=name)
        return make(np.asarray(forward(x.data, *args, **kwargs)), (x,), _zero_bw, name)

    op.__name__, op.__doc__ = name, doc + " Its gradient is 0."
    return op


floor = _piecewise_constant("floor", np.floor, "The largest integer <= x.")
ceil = _piecewise_constant("ceil", np.ceil, "The smallest integer >= x.")
trunc = _piecewise_constant("trunc", np.trunc, "x rounded towards 0.")
round = _piecewise_constant("round", np.round, "x rounded half to even (`round(x, decimals)`), as numpy and PyTorch.")

square = _unary("square", np.square, lambda x, y: 2 * x, "x * x.")
reciprocal = _unary("reciprocal", np.reciprocal, lambda x, y: -y * y, "1 / x.")
rsqrt = _unary("rsqrt", lambda x: 1 / np.sqrt(x), lambda x, y: -0.5 * y * y * y, "1 / sqrt(x).")
expm1 = _unary("expm1", np.expm1, lambda x, y: y + 1, "exp(x) - 1, accurate for small x.")
exp2 = _unary("exp2", np.exp2, lambda x, y: y * _LN2, "2 ** x.")
log2 = _unary("log2", np.log2, lambda x, y: 1 / (x * _LN2), "Base-2 logarithm.")
log10 = _unary("log10", np.log10, lambda x, y: 1 / (x * _LN10), "Base-10 logarithm.")
tan = _unary("tan", np.tan, lambda x, y: 1 + y * y, "Tangent; tan' = 1 + tan^2.")
sinh = _unary("sinh", np.sinh, lambda x, y: np.cosh(x), "Hyperbolic sine.")
cosh = _unary("cosh", np.cosh, lambda x, y: np.sinh(x), "Hyperbolic cosine.")
arcsin = _unary("arcsin", np.arcsin, lambda x, y: 1 / np.sqrt(1 - x * x), "Inverse sine, for |x| < 1.")
arccos = _unary("arccos", np.arccos, lambda x, y: -1 / np.sqrt(1 - x * x), "Inverse cosine, for |x| < 1.")
arctan = _unary("arctan", np.arctan, lambda x, y: 1 / (1 + x * x), "Inverse tangent.")
arcsinh = _unary("arcsinh", np.arcsinh, lambda x, y: 1 / np.sqrt(x * x + 1), "Inverse hyperbolic sine.")
arccosh = _unary("arccosh", np.arccosh, lambda x, y: 1 / np.sqrt(x * x - 1), "Inverse hyperbolic cosine, x > 1.")
arctanh = _unary("arctanh", np.arctanh, lambda x, y: 1 / (1 - x * x), "Inverse hyperbolic tangent, |x| < 1.")
deg2rad = _unary("deg2rad", np.deg2rad, lambda x, y: math.pi / 180, "Degrees to radians.")
rad2deg = _unary("rad2deg", np.rad2deg, lambda x, y: 180 / math.pi, "Radians to degrees.")
asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, arcsinh, arccosh, arctanh
radians, degrees = deg2rad, rad2deg


def arctan2(y, x):
    """The angle of the point (x, y), in (-pi, pi]; d/dy = x / r^2, d/dx = -y / r^2."""
    y, x, out = _binary("arctan2", np.arctan2, y, x)
    return make(out, (y, x), _arctan2_bw, "arctan2")


def _arctan2_bw(g, out, y, x):
    r2 = x * x + y * y
    return g * x / r2, -g * y / r2


atan2 = arctan2


def hypot(a, b):
    """sqrt(a^2 + b^2) without overflow."""
    a, b, out = _binary("hypot", np.hypot, a, b)
    return make(out, (a, b), _hypot_bw, "hypot")


def _hypot_bw(g, out, a, b):
    return g * a / out, g * b / out


def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow; each side's gradient is its softmax weight."""
    a, b, out = _binary("logaddexp", np.logaddexp, a, b)
    return make(out, (a, b), _logaddexp_bw, "logaddexp")


def _logaddexp_bw(g, out, a, b):
    return g * np.exp(a - out), g * np.exp(b - out)


def logaddexp2(a, b):
    """log2(2^a + 2^b)."""
    a, b, out = _binary("logaddexp2", np.logaddexp2, a, b)
    return make(out, (a, b), _logaddexp2_bw, "logaddexp2")


def _logaddexp2_bw(g, out, a, b):
    return g * np.exp2(a - out), g * np.exp2(b - out)


def fmax(a, b):
    """The larger of a and b, ignoring a nan on one side (numpy's `fmax`); ties split the gradient."""
    a, b, out = _binary("fmax", np.fmax, a, b)
    return make(out, (a, b), _fmax_bw, "fmax")


def _fmax_bw(g, out, a, b):
    # The side equal to the output wins; a nan never equals it, so the other side gets the gradient.
    wa = ((a == out) & (b != out)) + 0.5 * (a == b)
    return g * wa, g * (1 - wa)


def fmin(a, b):
    """The smaller of a and b, ignoring a nan on one side."""
    a, b, out = _binary("fmin", np.fmin, a, b)
    return make(out, (a, b), _fmax_bw, "fmin")  # the same rule: the side equal to the output wins


def remainder(a, b):
    """a - floor(a / b) * b: the sign follows the divisor, as numpy's `mod` and Python's `%`."""
    a, b, out = _binary("remainder", np.remainder, a, b)
    return make(out, (a, b), _remainder_bw, "remainder")


def _remainder_bw(g, out, a, b):
    return g, -g * np.floor_divide(a, b)


mod = remainder


def floor_divide(a, b):
    """floor(a / b), as numpy and Python's `//`; piecewise constant, so it has no gradient."""
    a, b, out = _binary("floor_divide", np.floor_divide, a, b)
    return Tensor(out)


def lerp(start, end, weight):
    """start + weight * (end - start); `weight` may be a number or a Tensor (then it gets a gradient)."""
    return start + weight * (end - start)


def clamp(x, min=None, max=None):
    """x limited to [min, max], where the bounds may be numbers or Tensors (broadcast).

    With Tensor bounds the gradient goes to x where min <= x <= max and to the bound that
    clamps elsewhere, as in PyTorch.
    """
    if min is None and max is None:
        raise ValueError("clamp: give at least one of min and max")
    if not isinstance(min, Tensor) and not isinstance(max, Tensor) and np.ndim(min) == 0 and np.ndim(max) == 0:
        return clip(x, min, max)
    out = x
    if min is not None:
        out = where(np.asarray(out.data < np.asarray(getattr(min, "data", min))), min, out)
    if max is not None:
        out = where(np.asarray(out.data > np.asarray(getattr(max, "data", max))), max, out)
    return out


__all__ = [
    "floor", "ceil", "trunc", "round", "sign", "square", "reciprocal", "rsqrt", "expm1", "exp2", "log2", "log10",
    "tan", "sinh", "cosh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "asin", "acos", "atan",
    "asinh", "acosh", "atanh", "deg2rad", "rad2deg", "radians", "degrees", "arctan2", "atan2", "hypot",
    "logaddexp", "logaddexp2", "fmax", "fmin", "remainder", "mod", "floor_divide", "lerp", "clamp",
]
