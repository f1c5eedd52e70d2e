"""`Tensor`: an n-d numpy array that records the operations applied to it.

Ops live in `autograd/ops/` (grouped by kind) and are attached as methods at import.
Every op is `make(result, parents, backward, name)`, where
`backward(g, out, *inputs)` returns one gradient per input; the graph walker
un-broadcasts each gradient to its input's shape and dtype (`unbroadcast`, the one place).
Backward formulas use numpy operators, ufuncs and a few numpy functions, which
`Tensor` also implements, so the same formula runs on arrays (fast path) and on
Tensors (`create_graph=True`, for gradients of gradients).
"""
import numbers

import numpy as np

from .graph import SCOPES, run_backward
from .graph import _state as _grad_mode

__all__ = ["Tensor", "make", "as_tensor", "unbroadcast"]


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        data = data.data
    arr = np.asarray(data, dtype=dtype)
    # Python floats become float32, as torch.tensor does; numpy float64 arrays stay float64.
    if dtype is None and arr.dtype == np.float64 and not isinstance(data, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"Tensor: cannot hold data of dtype {arr.dtype} (from {type(data).__name__}); numbers only")
    return arr


class Tensor:
    """An n-d array with `.grad`, `.backward()` and autograd-aware operations.

    `Tensor(data, requires_grad=False, dtype=None)`: Python numbers and lists become
    float32 (integers int64); numpy arrays keep their dtype. Only floating tensors can
    require grad.
    """

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_op", "_retains_grad", "_scope", "name", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None, name=""):
        self.data = _to_array(data, dtype)
        self.grad, self._parents, self._backward, self._op = None, (), None, ""
        self._retains_grad, self.name, self._scope = False, name, SCOPES[-1] if SCOPES else None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_()

    # Attributes.
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    dtype = property(lambda self: self.data.dtype)
    size = property(lambda self: self.data.size)
    is_leaf = property(lambda self: self._backward is None)
    grad_fn = property(lambda self: self._op if self._backward is not None else None)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item: only a tensor with one element can be converted to a Python number, got shape {self.shape}")
        return self.data.item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()")
        return bool(self.data)

    def numpy(self):
        return self.data

    def __array__(self, dtype=None, copy=None):
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def tolist(self):
        return self.data.tolist()

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", precision=4, threshold=50, prefix="Tensor(")
        extra = ""
        if self._backward is not None:
            extra = f", grad_fn=<{self._op}>"
        elif self.requires_grad:
            extra = ", requires_grad=True"
        if self.data.dtype not in (np.float32, np.int64, np.bool_):
            extra += f", dtype={self.data.dtype}"
        return f"Tensor({body}{extra})"

    __hash__ = object.__hash__

    # Autograd.
    def requires_grad_(self, requires_grad=True):
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad, this one has dtype "
                            f"{self.data.dtype} (integers are for labels and indices; pass dtype=np.float32 to differentiate)")
        if not requires_grad and self._backward is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor: use .detach() instead")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep theirs)."""
        self._retains_grad = True
        return self

    def detach(self):
        """The same data, cut from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires grad.

        `gradient` (same shape as self) is the upstream gradient; it may be omitted for a
        one-element tensor. `create_graph=True` records the backward pass itself.
        """
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad and has no graph "
                               "(did an input have requires_grad=True? was it built under no_grad()?)")
        seed = _seed(self, gradient, "backward", create_graph)
        run_backward([self], [seed], retain_graph or create_graph, create_graph)

    def _accumulate(self, g):
        if self._backward is not None and not self._retains_grad:
            return
        if isinstance(g, Tensor):
            self.grad = g if self.grad is None else self.grad + g
        elif self.grad is None:
            # A copy: the same array may flow to several tensors, and users update .grad in place.
            self.grad = Tensor(np.array(g, dtype=self.data.dtype))
        elif self.grad.requires_grad:
            self.grad = self.grad + g
        else:
            self.grad.data += g

    def _fit_grad(self, g):
        """`g` reduced to this tensor's shape (undoing broadcasting) and cast to its dtype."""
        shape = self.data.shape
        if g.shape != shape:
            g = unbroadcast(g, shape)
        if g.dtype != self.data.dtype:
            g = g.astype(self.data.dtype)
        return g

    # Interoperability: numpy functions applied to Tensors stay differentiable where we know them.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from .ops import UFUNCS

        fn = UFUNCS.get(ufunc)
        if method != "__call__" or fn is None or kwargs:
            return getattr(ufunc, method)(*_strip(inputs), **_strip(kwargs))
        return fn(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        from .ops import FUNCTIONS

        fn = FUNCTIONS.get(func)
        if fn is not None:
            return fn(*args, **kwargs)
        return func(*_strip(args), **_strip(kwargs))


def _strip(obj):
    """Tensors replaced by their arrays inside nested args (for numpy functions we do not differentiate)."""
    if isinstance(obj, Tensor):
        return obj.data
    if isinstance(obj, (list, tuple)):
        return type(obj)(_strip(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items()}
    return obj


def _seed(out, gradient, op, create_graph=False):
    """The upstream gradient for `out`: an array, or a Tensor when the backward pass is recorded
    (a Tensor `gradient` that requires grad then stays in the graph, e.g. for gradgradcheck)."""
    if gradient is None:
        if out.data.size != 1:
            raise RuntimeError(f"{op}: gradient can be implied only for a one-element output; this one has shape "
                               f"{out.shape}: pass gradient=<array of shape {out.shape}>")
        g = np.ones_like(out.data)
    elif isinstance(gradient, Tensor) and create_graph:
        g = gradient if gradient.dtype == out.dtype else gradient.astype(out.dtype)
    else:
        g = np.asarray(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=out.data.dtype)
    if g.shape != out.shape:
        raise ValueError(f"{op}: gradient has shape {g.shape} but the output has shape {out.shape}")
    return Tensor(g) if create_graph and not isinstance(g, Tensor) else g


_alloc = object.__new__


def make(data, parents, backward, op):
    """A new Tensor holding `data`; it joins the graph if recording and any parent requires grad."""
    # One statement per slot and no __init__ call, as in Value's `_new`: this runs for every op.
    out = _alloc(Tensor)
    out.data = data
    out.grad = None
    out._op = op
    out._retains_grad = False
    out.name = ""
    out._scope = SCOPES[-1] if SCOPES else None
    if _grad_mode.enabled:  # is_grad_enabled(), inlined
        for p in parents:
            if p.requires_grad:
                out.requires_grad = True
                out._parents = parents
                out._backward = backward
                return out
    out.requires_grad = False
    out._parents = ()
    out._backward = None
    return out


def as_tensor(x, like=None, op="op"):
    """`x` as a Tensor; Python numbers take `like`'s floating dtype so float32 stays float32."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, numbers.Number) and not isinstance(x, np.generic):
        if isinstance(x, complex):
            raise TypeError(f"{op}: complex numbers are not supported, got {x!r}")
        dt = like.data.dtype if like is not None else None
        if dt is None or dt.kind != "f":
            dt = np.result_type(dt, type(x)) if dt is not None else (np.float32 if isinstance(x, float) else np.int64)
        return Tensor(np.asarray(x, dtype=dt))
    try:
        return Tensor(x)
    except TypeError as e:
        raise TypeError(f"{op}: expected a Tensor, array or number, got {type(x).__name__}") from e


def unbroadcast(g, shape):
    """Sum `g` over the axes that broadcasting added or stretched, giving `shape`."""
    extra = g.ndim - len(shape)
    if extra < 0:
        raise ValueError(f"gradient of shape {g.shape} cannot be reduced to shape {shape}")
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if extra:
        g = g.reshape(shape)
    if g.shape != shape:
        raise ValueError(f"gradient of shape {g.shape} does not match shape {shape}")
    return g
