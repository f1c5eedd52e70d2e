"""`Value`: a scalar that remembers how it was computed.

Each op computes its result, and right under it a staticmethod `_<op>_bw(g, out, *inputs)`
returns the gradient of each input from the upstream gradient `g` (the walker's contract,
see `graph.py`). Backward functions capture only constants, never the nodes, so the graph
holds no reference cycles and is freed by reference counting alone.
`Value.backward()` takes the scalar walk (`scalar_backward` in `graph.py`): the same order and the
same sums as the shared walker `run_backward`, which drawings, explanations and higher-order
gradients use, at a third of its cost per node.
Conventions at kinks: relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope.

Deep graphs: each node records its depth (its longest path to a leaf), counted up to `DEEP` only,
so that a long chain shares one int rather than holding one per node. A node deeper than
`DEEP` is taken out of Python's cyclic garbage collector, which would otherwise scan every node of
a long chain again at each of its full collections (five or six times over while the chain is
built). The graph holds no cycles, so reference counting alone frees it, and the collector has
nothing to find there. Only an object stored in such a node's `data`, `grad` or `label` that
refers back to the node would form a cycle, kept until exit.
"""
import ctypes
import math
import numbers
import sys

from .graph import collector_paused, run_backward, scalar_backward
from .modes import ANOMALY_THREADS

__all__ = ["Value"]


class _Constants(dict):
    """Constants shared between nodes: `x * 1.0001` repeated a million times holds one constant,
    not a million, which spares memory and the cyclic collector's repeated scans of a large graph.
    A constant never changes and never receives a gradient, so sharing it is invisible.
    Indexed with a float, a known one costs a dict lookup and no Python call."""

    def __missing__(self, x):
        c = _new(x, None, None, None, "", False)
        if x != 0.0:  # 0.0 == -0.0 as keys, yet their signs differ
            if len(self) >= 4096:
                self.clear()
            self[x] = c
        return c


_CONSTANTS = _Constants()


def _wrap(op, other):
    """A plain number as a constant leaf (requires_grad=False), so `v + 2` and `2 + v` work."""
    if isinstance(other, Value):
        return other
    if type(other) is not float:
        if not isinstance(other, numbers.Real) or isinstance(other, bool):
            raise TypeError(f"{op}: expected a Value or a real number, got {other!r} ({type(other).__name__})")
        other = float(other)
    return _CONSTANTS[other]


_alloc = object.__new__

# Untracking costs about 0.4 us a node: below this depth the collector costs less than that, because a
# graph this small rarely sets off a full collection.
DEEP = 20_000
if sys.implementation.name == "cpython":
    # Called with id(node), the object's address in CPython: a plain pointer argument converts in
    # two thirds of the time a py_object one takes. The caller holds the node, so it stays alive.
    _untrack = ctypes.PYFUNCTYPE(None, ctypes.c_void_p)(("PyObject_GC_UnTrack", ctypes.pythonapi))
else:  # no C API to call: nodes stay with the collector
    DEEP = math.inf


def _new(data, a, b, backward, op, requires_grad=True):
    # One statement per slot, no tuple packing, no __init__ call: every node but + and * comes here.
    out = _alloc(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.requires_grad = requires_grad
    out._a = a
    out._b = b
    out._backward = backward
    out._op = op
    depth = 0 if a is None else (a._depth if b is None or a._depth > b._depth else b._depth) + 1
    if depth > DEEP:
        depth = DEEP
        _untrack(id(out))
    out._depth = depth
    return out


def _sigmoid(x):
    # Two branches so that exp never overflows.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pow(a, k, op):
    """a ** k for floats, refusing what has no real, finite value."""
    if a == 0.0 and k < 0:
        raise ValueError(f"{op}: 0 ** {k} is undefined (zero to a negative power)")
    if a < 0 and not float(k).is_integer():
        raise ValueError(f"{op}: {a} ** {k} is not a real number (negative base, fractional exponent)")
    try:
        return a**k
    except OverflowError:
        return math.inf


def _dpow(a, k):
    """d(a ** k)/da = k * a ** (k - 1); infinite (with the right sign) where that blows up at 0."""
    if k == 0:
        return 0.0
    if a == 0.0 and k < 1:
        return math.inf
    return k * _pow(a, k - 1, "pow")


class Value:
    """A float `data` with a `grad` filled in by `backward()`.

    >>> a, b = Value(2.0), Value(-3.0)
    >>> c = a * b + 10
    >>> c.backward(); a.grad, b.grad
    (-3.0, 2.0)
    """

    # The parents sit in two slots rather than a tuple: one object per node, not two, for Python's
    # cyclic garbage collector to scan again and again while a large graph is built.
    __slots__ = ("data", "grad", "label", "requires_grad", "_a", "_b", "_backward", "_op", "_spent", "_depth",
                 "__weakref__")
    _stamp = math.inf  # Values are never changed in place: the walk never needs to inspect one
    _retains_grad = True  # every Value keeps its .grad, interior ones too (micrograd's convention)

    def __init__(self, data, label=""):
        if isinstance(data, Value):
            data = data.data
        if not isinstance(data, numbers.Real) or isinstance(data, bool):
            raise TypeError(f"Value: data must be a real number, got {data!r} ({type(data).__name__})")
        self.data, self.grad, self.label, self.requires_grad = float(data), 0.0, label, True
        self._a = self._b = self._backward = None
        self._op = ""
        self._depth = 0

    @property
    def _parents(self):
        """The inputs, in argument order (a tuple, as the graph walker expects)."""
        a, b = self._a, self._b
        return () if a is None else (a,) if b is None else (a, b)

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # Arithmetic: plain numbers on either side become constant leaves, found with one dict lookup.
    # + and * are most of any graph: they build their node right here, as `_new` would, sparing a call.
    def __add__(self, other):
        if type(other) is not Value:
            other = _CONSTANTS[other] if type(other) is float else _wrap("add", other)
        out = _alloc(Value)
        out.data = self.data + other.data
        out.grad = 0.0
        out.label = ""
        out.requires_grad = True
        out._a = self
        out._b = other
        out._backward = _ADD_BW
        out._op = "+"
        d, e = self._depth, other._depth
        d = (d if d > e else e) + 1
        if d > DEEP:
            d = DEEP
            _untrack(id(out))
        out._depth = d
        return out

    @staticmethod
    def _add_bw(g, out, a, b):
        return g, g

    def __radd__(self, other):
        return _wrap("add", other) + self

    def __sub__(self, other):
        if type(other) is not Value:
            other = _CONSTANTS[other] if type(other) is float else _wrap("sub", other)
        return _new(self.data - other.data, self, other, Value._sub_bw, "-")

    @staticmethod
    def _sub_bw(g, out, a, b):
        return g, -g

    def __rsub__(self, other):
        return _wrap("sub", other) - self

    def __mul__(self, other):
        if type(other) is not Value:
            other = _CONSTANTS[other] if type(other) is float else _wrap("mul", other)
        out = _alloc(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.label = ""
        out.requires_grad = True
        out._a = self
        out._b = other
        out._backward = _MUL_BW
        out._op = "*"
        d, e = self._depth, other._depth
        d = (d if d > e else e) + 1
        if d > DEEP:
            d = DEEP
            _untrack(id(out))
        out._depth = d
        return out

    @staticmethod
    def _mul_bw(g, out, a, b):
        return g * b, g * a

    def __rmul__(self, other):
        return _wrap("mul", other) * self

    def __truediv__(self, other):
        if type(other) is not Value:
            other = _CONSTANTS[other] if type(other) is float else _wrap("div", other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"div: {self.data} / 0 (division by zero)")
        return _new(self.data / other.data, self, other, Value._div_bw, "/")

    @staticmethod
    def _div_bw(g, out, a, b):
        return g / b, -g * out / b

    def __rtruediv__(self, other):
        return _wrap("div", other) / self

    def __neg__(self):
        return _new(-self.data, self, None, Value._neg_bw, "neg")

    @staticmethod
    def _neg_bw(g, out, a):
        return (-g,)

    def __pow__(self, other):
        if type(other) is not Value:
            other = _CONSTANTS[other] if type(other) is float else _wrap("pow", other)
        a, b = self.data, other.data
        if not other.requires_grad:
            return _new(_pow(a, b, "pow"), self, other, Value._powc_bw, "**")
        if a < 0:
            raise ValueError(f"pow: base {a} must be >= 0 when the exponent is a Value (d/dexponent needs log(base))")
        return _new(_pow(a, b, "pow"), self, other, Value._pow_bw, "**")

    @staticmethod
    def _powc_bw(g, out, a, k):
        return g * _dpow(a, k), None

    @staticmethod
    def _pow_bw(g, out, a, b):
        # d/db of a**b is a**b * log(a); at a == 0 its limit is 0 (b > 0).
        return g * _dpow(a, b), (g * out * math.log(a) if a > 0 else 0.0)

    def __rpow__(self, other):
        return _wrap("pow", other) ** self

    # Elementary functions.
    def exp(self):
        try:
            y = math.exp(self.data)
        except OverflowError:
            y = math.inf
        return _new(y, self, None, Value._exp_bw, "exp")

    @staticmethod
    def _exp_bw(g, out, a):
        return (g * out,)

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log: input must be > 0, got {self.data}")
        return _new(math.log(self.data), self, None, Value._log_bw, "log")

    @staticmethod
    def _log_bw(g, out, a):
        return (g / a,)

    def sqrt(self):
        if self.data < 0:
            raise ValueError(f"sqrt: input must be >= 0, got {self.data}")
        return _new(math.sqrt(self.data), self, None, Value._sqrt_bw, "sqrt")

    @staticmethod
    def _sqrt_bw(g, out, a):
        return (g * 0.5 / out if out > 0 else math.inf * g,)

    def tanh(self):
        return _new(math.tanh(self.data), self, None, Value._tanh_bw, "tanh")

    @staticmethod
    def _tanh_bw(g, out, a):
        return (g * (1.0 - out * out),)

    def sigmoid(self):
        return _new(_sigmoid(self.data), self, None, Value._sigmoid_bw, "sigmoid")

    @staticmethod
    def _sigmoid_bw(g, out, a):
        return (g * out * (1.0 - out),)

    def relu(self):
        return _new(self.data if self.data > 0 else 0.0, self, None, Value._relu_bw, "relu")

    @staticmethod
    def _relu_bw(g, out, a):
        return (g if a > 0 else 0.0,)

    def leaky_relu(self, slope=0.01):
        x = self.data
        return _new(x if x > 0 else slope * x, self, None, lambda g, out, a: (g if a > 0 else g * slope,), "leaky_relu")

    def abs(self):
        return _new(abs(self.data), self, None, Value._abs_bw, "abs")

    @staticmethod
    def _abs_bw(g, out, a):
        return (g if a > 0 else -g if a < 0 else 0.0,)

    __abs__ = abs

    def softplus(self):
        # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|.
        x = self.data
        return _new(max(x, 0.0) + math.log1p(math.exp(-abs(x))), self, None, Value._softplus_bw, "softplus")

    @staticmethod
    def _softplus_bw(g, out, a):
        return (g * _sigmoid(a),)

    # Graph.
    def backward(self, retain_graph=False):
        """Add d(self)/d(node) to `.grad` of every node this Value depends on (itself included)."""
        if ANOMALY_THREADS[0]:  # the shared walker checks every gradient for nan and inf
            run_backward([self], [1.0], retain_graph=retain_graph)
        else:
            with collector_paused():
                scalar_backward(self, retain_graph, _ADD_BW, _MUL_BW)

    def _accumulate(self, g):
        self.grad += g

    @staticmethod
    def _fit_grad(g):
        return g

    def zero_grad(self):
        self.grad = 0.0

    def item(self):
        return self.data

    def __float__(self):
        return self.data

    def __int__(self):
        return int(self.data)

    def __bool__(self):
        return bool(self.data)

    def __round__(self, ndigits=None):
        return round(self.data, ndigits)

    def __format__(self, spec):
        # f"{loss:.4f}" formats the number, as for a one-element Tensor.
        return format(self.data, spec) if spec else repr(self)


# + and * build their nodes inline with these (see __add__), and the scalar walk spots them.
_ADD_BW, _MUL_BW = Value._add_bw, Value._mul_bw
