"""Activation functions (relu and its relatives, softplus, silu, gelu, erf, the hard and gated ones).

Primitives where a fused backward is clearer or safer (relu, elu, softplus, exact gelu);
composites of other ops everywhere else (selu, silu, the tanh form of gelu).
Conventions at kinks: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = 1 for alpha = 1.
"""
import math

import numpy as np

from ..formulas import saves
from ..tensor import Tensor, dual, make, real_data
from .elementwise import _sigmoid_array, sigmoid, tanh, where
from .shape import split

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def relu(x):
    return make(np.maximum(x.data, 0), (x,), _relu_bw, "relu")


@saves(1)
def _relu_bw(g, out, x):
    return (g * (x > 0),)


def leaky_relu(x, negative_slope=0.01):
    def backward(g, out, x):
        return (g * np.where(x > 0, 1.0, negative_slope),)

    xd = real_data(x)
    return make(np.where(xd > 0, xd, negative_slope * xd), (x,), backward, "leaky_relu")


def elu(x, alpha=1.0):
    def backward(g, out, x):
        return (g * np.where(x > 0, 1.0, out + alpha),)

    xd = real_data(x)
    return make(np.where(xd > 0, xd, alpha * np.expm1(np.minimum(xd, 0))), (x,), backward, "elu")


def selu(x):
    return SELU_SCALE * elu(x, SELU_ALPHA)


def softplus(x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): finite for any x.
    xd = real_data(x)
    return make(np.maximum(xd, 0) + np.log1p(np.exp(-np.abs(xd))), (x,), _softplus_bw, "softplus")


def _softplus_bw(g, out, x):
    return (g * _sigmoid_of(x),)


def silu(x):
    """x * sigmoid(x), also called swish."""
    return x * sigmoid(x)


swish = silu


def gelu(x, approximate="none"):
    """x * Phi(x), exact (`approximate="none"`) or with the tanh approximation (`"tanh"`)."""
    if approximate == "tanh":
        return 0.5 * x * (1 + tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    xd = real_data(x)
    out = 0.5 * xd * (1 + _erf(xd / math.sqrt(2)))
    return make(out.astype(xd.dtype, copy=False), (x,), _gelu_bw, "gelu")


def _gelu_bw(g, out, x):
    cdf = 0.5 * (1 + _erf_of(x / math.sqrt(2)))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (g * (cdf + x * pdf),)


def _erf(x):
    """erf of an array, by scipy's ufunc (scipy comes with scikit-learn, a dependency); without scipy,
    math.erf element by element, exact but about 50x slower."""
    try:
        from scipy.special import erf  # imported on first use: `import autograd` stays light
    except ImportError:
        return np.vectorize(math.erf, otypes=[np.float64])(x)
    return erf(x)


def _erf_t(x):
    """erf for a Tensor: d/dx erf(x) = 2/sqrt(pi) e^(-x^2)."""
    def backward(g, out, x):
        return (g * (2 / math.sqrt(math.pi)) * np.exp(-x * x),)

    xd = real_data(x)
    return make(_erf(xd).astype(xd.dtype), (x,), backward, "erf")


def erf(x):
    return _erf_t(x)


# For backward formulas: numpy has neither function (see `dual`).
_erf_of = dual(_erf, _erf_t)
_sigmoid_of = dual(_sigmoid_array, sigmoid)


# Composites: their gradients come from the ops they are built of.
def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is above max_val {max_val}")
    return x.clip(min_val, max_val)


def relu6(x):
    """min(max(x, 0), 6)."""
    return hardtanh(x, 0.0, 6.0)


def hardsigmoid(x):
    """A piecewise-linear sigmoid: clip(x / 6 + 1/2, 0, 1)."""
    return (x * (1 / 6) + 0.5).clip(0.0, 1.0)


def hardswish(x):
    """x * hardsigmoid(x) (MobileNetV3)."""
    return x * hardsigmoid(x)


def mish(x):
    """x * tanh(softplus(x))."""
    return x * tanh(softplus(x))


def softsign(x):
    """x / (1 + |x|)."""
    return x / (1 + x.abs())


def celu(x, alpha=1.0):
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)), which is alpha * elu(x / alpha)."""
    if alpha == 0:
        raise ValueError("celu: alpha must be non-zero")
    return alpha * elu(x * (1.0 / alpha))


def quick_gelu(x):
    """x * sigmoid(1.702 x): the sigmoid approximation of gelu (used by CLIP)."""
    return x * sigmoid(1.702 * x)


def logsigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for any x."""
    return -softplus(-x)


def tanhshrink(x):
    """x - tanh(x)."""
    return x - tanh(x)


def threshold(x, threshold, value):
    """x where x > threshold, else `value`."""
    return where(x.data > threshold, x, value)


def glu(x, dim=-1):
    """The gated linear unit: the first half of `dim` times the sigmoid of the second half."""
    if x.ndim == 0 or x.shape[dim] % 2:
        raise ValueError(f"glu: dim {dim} of shape {x.shape} must have an even size")
    a, b = split(x, x.shape[dim] // 2, dim)
    return a * sigmoid(b)
