"""Elementwise ops: arithmetic with broadcasting, and the usual functions.

Each op is its forward line with its backward function beside it. Backward functions
never deal with broadcasting: the graph walker reduces gradients to input shapes.
Conventions at kinks: abs'(0) = 0, clip passes the gradient on the boundary,
maximum/minimum split it equally on ties. Activation functions are in `activation.py`.
"""
import numpy as np

from ..formulas import saves
from ..tensor import Tensor, as_tensor, make, real_data



class domain_checks:
    """When on, `log`, `sqrt`, `div` and `pow` refuse inputs outside their domain
    (an error naming the op and the offending values) instead of producing nan or inf.

    Use as `with domain_checks():` or `domain_checks.enable()`.
    """

    enabled = False

    def __init__(self, enabled=True):
        self.new = enabled

    def __enter__(self):
        self.prev, domain_checks.enabled = domain_checks.enabled, self.new

    def __exit__(self, *exc):
        domain_checks.enabled = self.prev

    @staticmethod
    def enable(enabled=True):
        domain_checks.enabled = enabled


def _check_operands(op, a, b, is_bad, expected, divisor=False):
    """Before computing a binary op: refuse operand pairs outside its domain (see `_refuse`)."""
    x, y = (np.asarray(t.data if isinstance(t, Tensor) else t) for t in (a, b))
    try:
        bad = is_bad(x, y)
    except ValueError:
        return  # shapes do not broadcast: the op itself reports that
    _refuse(op, y if divisor else x, bad, expected)


def _refuse(op, x, bad, expected):
    if np.any(bad):
        raise ValueError(f"{op}: {expected}; got {np.broadcast_to(x, np.shape(bad))[bad].ravel()[:5]} (at {int(np.sum(bad))} of {np.size(x)} elements)")


def _binary(op, ufunc, a, b):
    """Coerce both operands and apply `ufunc`, with an error naming the op on a shape mismatch."""
    if not isinstance(a, Tensor):
        a = as_tensor(a, b if isinstance(b, Tensor) else None, op)
    if not isinstance(b, Tensor):
        b = as_tensor(b, a, op)
    if a.data.dtype is not b.data.dtype and a.data.dtype != b.data.dtype:  # `is`: the cheap common case
        a, b = _promote(a, b)
    try:
        return a, b, ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


def _promote(a, b):
    """PyTorch's promotion: integers meeting floats take the float dtype, and a 0-d tensor does not
    widen an n-d one of its kind (float32 stays float32 beside a float64 scalar, int32 beside an int64 one)."""
    ka, kb = a.data.dtype.kind, b.data.dtype.kind
    if ka == "f" and kb != "f":
        return a, astype(b, a.data.dtype)
    if kb == "f" and ka != "f":
        return astype(a, b.data.dtype), b
    if (ka == kb == "f" or ka in "iu" and kb in "iu") and (a.ndim == 0) != (b.ndim == 0):
        return (astype(a, b.data.dtype), b) if a.ndim == 0 else (a, astype(b, a.data.dtype))
    return a, b


def add(a, b):
    a, b, out = _binary("add", np.add, a, b)
    return make(out, (a, b), _add_bw, "add")


@saves()
def _add_bw(g, out, a, b):
    return g, g


def sub(a, b):
    a, b, out = _binary("sub", np.subtract, a, b)
    return make(out, (a, b), _sub_bw if b.requires_grad else _sub_const_bw, "sub")


@saves()
def _sub_bw(g, out, a, b):
    return g, -g


@saves()
def _sub_const_bw(g, out, a, b):
    return g, None  # b is a constant: no -g to compute


def mul(a, b):
    a, b, out = _binary("mul", np.multiply, a, b)
    # Scaling by a constant (a Python number, plain data) is common: skip its unneeded gradient.
    bw = _mul_bw if a.requires_grad and b.requires_grad else _mul_by_b_bw if a.requires_grad else _mul_by_a_bw
    return make(out, (a, b), bw, "mul")


@saves(1, 2)
def _mul_bw(g, out, a, b):
    return g * b, g * a


@saves(2)
def _mul_by_b_bw(g, out, a, b):
    return g * b, None


@saves(1)
def _mul_by_a_bw(g, out, a, b):
    return None, g * a


def div(a, b):
    if domain_checks.enabled:
        _check_operands("div", a, b, lambda x, y: y == 0, "the divisor must be non-zero", divisor=True)
    a, b, out = _binary("div", _true_divide, a, b)
    return make(out, (a, b), _div_bw if b.requires_grad else _div_const_bw, "div")


def _true_divide(x, y):
    if x.dtype.kind in "biu" and y.dtype.kind in "biu":  # integers divide as float32, as in PyTorch
        x, y = x.astype(np.float32), y.astype(np.float32)
    return np.true_divide(x, y)


@saves(0, 2)
def _div_bw(g, out, a, b):
    gb = g / b
    return gb, -gb * out


@saves(2)
def _div_const_bw(g, out, a, b):
    return g / b, None


def pow(a, b):
    if domain_checks.enabled:
        _check_operands("pow", a, b, lambda x, y: (x == 0) & (y < 0), "zero cannot be raised to a negative power")
        _check_operands("pow", a, b, lambda x, y: (x < 0) & (y != np.round(y)), "a negative base needs an integer exponent")
    a, b, out = _binary("pow", np.power, a, b)
    return make(out, (a, b), _pow_bw if b.requires_grad else _pow_const_bw, "pow")


def _pow_const_bw(g, out, a, b):
    return g * b * a ** (b - 1), None


def _pow_bw(g, out, a, b):
    # d/db a**b = a**b log(a), taken as 0 where a <= 0 (no real logarithm there).
    pos = a > 0
    return g * b * a ** (b - 1), g * out * np.log(np.where(pos, a, 1)) * pos


def maximum(a, b):
    a, b, out = _binary("maximum", np.maximum, a, b)
    return make(out, (a, b), _maximum_bw, "maximum")


def _maximum_bw(g, out, a, b):
    # Ties send half the gradient to each side.
    wa = (a > b) + 0.5 * (a == b)
    return g * wa, g * (1 - wa)


def minimum(a, b):
    a, b, out = _binary("minimum", np.minimum, a, b)
    return make(out, (a, b), _minimum_bw, "minimum")


def _minimum_bw(g, out, a, b):
    return _maximum_bw(g, out, b, a)  # a wins a minimum where b would win the maximum


def where(cond, a, b):
    """`a` where `cond` is true, else `b` (broadcast); the gradient flows to the chosen side."""
    cond = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    a, b, out = _binary("where", lambda x, y: np.where(cond, x, y), a, b)

    def backward(g, out, a, b):
        return g * cond, g * ~cond

    return make(out, (a, b), backward, "where")


def neg(x):
    return make(-x.data, (x,), _neg_bw, "neg")


@saves()
def _neg_bw(g, out, x):
    return (-g,)


def exp(x):
    return make(np.exp(real_data(x)), (x,), _exp_bw, "exp")


@saves(0)
def _exp_bw(g, out, x):
    return (g * out,)


def log(x):
    if domain_checks.enabled:
        _refuse("log", x.data, x.data <= 0, "input must be > 0")
    return make(np.log(real_data(x)), (x,), _log_bw, "log")


@saves(1)
def _log_bw(g, out, x):
    return (g / x,)


def log1p(x):
    if domain_checks.enabled:
        _refuse("log1p", x.data, x.data <= -1, "input must be > -1")
    return make(np.log1p(real_data(x)), (x,), _log1p_bw, "log1p")


@saves(1)
def _log1p_bw(g, out, x):
    return (g / (1 + x),)


def sqrt(x):
    if domain_checks.enabled:
        _refuse("sqrt", x.data, x.data < 0, "input must be >= 0")
    return make(np.sqrt(real_data(x)), (x,), _sqrt_bw, "sqrt")


@saves(0)
def _sqrt_bw(g, out, x):
    return (g / (2 * out),)


def abs(x):
    return make(np.abs(x.data), (x,), _abs_bw, "abs")


@saves(1)
def _abs_bw(g, out, x):
    return (g * np.sign(x),)


def sin(x):
    return make(np.sin(real_data(x)), (x,), _sin_bw, "sin")


@saves(1)
def _sin_bw(g, out, x):
    return (g * np.cos(x),)


def cos(x):
    return make(np.cos(real_data(x)), (x,), _cos_bw, "cos")


@saves(1)
def _cos_bw(g, out, x):
    return (-g * np.sin(x),)


def tanh(x):
    return make(np.tanh(real_data(x)), (x,), _tanh_bw, "tanh")


@saves(0)
def _tanh_bw(g, out, x):
    # g * (1 - out²), written without the Python number 1: numpy mixes an array with a
    # Python scalar several times slower than two arrays, and small arrays feel it.
    return (g - g * out * out,)


def _sigmoid_array(x):
    # exp of -|x| never overflows; the two halves of the logistic function meet at 0.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def sigmoid(x):
    d = real_data(x)
    return make(_sigmoid_array(d).astype(d.dtype, copy=False), (x,), _sigmoid_bw, "sigmoid")


@saves(0)
def _sigmoid_bw(g, out, x):
    return (g * out * (1 - out),)


def clip(x, min=None, max=None):
    """Values limited to [min, max]; the gradient passes where min <= x <= max."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    lo = -np.inf if min is None else min
    hi = np.inf if max is None else max

    @saves(1)
    def backward(g, out, x):
        return (g * ((x >= lo) & (x <= hi)),)

    return make(np.clip(x.data, lo, hi).astype(x.data.dtype, copy=False), (x,), backward, "clip")


def sign(x):
    """-1, 0 or 1, with a zero gradient (it stays in the graph, as in PyTorch)."""
    return make(np.sign(x.data), (x,), _zero_bw, "sign")


@saves()
def _zero_bw(g, out, *inputs):
    # Piecewise-constant ops: the derivative is 0 wherever it exists.
    return tuple(g * 0 for _ in inputs)


def astype(x, dtype):
    """A copy with another dtype; gradients are cast back."""
    dtype = np.dtype(dtype)
    if x.requires_grad and dtype.kind != "f":
        x = x.detach()

    def backward(g, out, x):
        return (g.astype(x.dtype),)

    return make(x.data.astype(dtype), (x,), backward, "astype")


def _compare(ufunc, name):
    def op(a, b):
        a, b, out = _binary(name, ufunc, a, b)
        return Tensor(out)

    op.__name__ = name
    op.__doc__ = f"Elementwise `{name}` as a boolean tensor (no gradient)."
    return op


lt, le = _compare(np.less, "lt"), _compare(np.less_equal, "le")
gt, ge = _compare(np.greater, "gt"), _compare(np.greater_equal, "ge")
eq, ne = _compare(np.equal, "eq"), _compare(np.not_equal, "ne")
logical_and, logical_or = _compare(np.logical_and, "logical_and"), _compare(np.logical_or, "logical_or")


def logical_not(x):
    return Tensor(np.logical_not(x.data))
