"""`Tensor`: an n-d numpy array that records the operations applied to it.

Ops live in `autograd/ops/` (grouped by kind) and are attached as methods at import.
Every op is `make(result, parents, backward, name)`, where
`backward(g, out, *inputs)` returns one gradient per input; the graph walker
un-broadcasts each gradient to its input's shape and dtype (`formulas.unbroadcast`, the one place).
The backward contract: `backward(g, out, *inputs)` gets numpy arrays on the fast path and
Tensors under `create_graph=True` (for gradients of gradients), and is written with numpy
operators, ufuncs and functions, which `Tensor` implements, plus the few `dual` functions for
what numpy lacks; so one formula serves both, and no op asks which it was given.
`@saves(...)` (in `formulas.py`) names the values a backward reads, for the in-place checks.
"""
import numbers
import sys

import numpy as np

from .graph import CLOCK, TICK, _ndarray, run_backward
from .modes import ANOMALY_THREADS, NO_GRAD_THREADS, check_forward
from .modes import _state as _grad_mode  # the thread's switches, read directly on the hot path
from .formulas import unbroadcast
from .scope import SCOPES

__all__ = ["Tensor", "tensor", "from_numpy", "make", "as_tensor", "dual"]


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        data = data.data
    # Always a copy, as torch.tensor makes: a caller who later changes their array (or list)
    # must not change the values a recorded graph will differentiate through.
    arr = np.array(data, dtype=dtype)
    kind = arr.dtype.kind
    if kind not in "biuf":
        raise TypeError(f"Tensor: cannot hold data of dtype {arr.dtype} (from {type(data).__name__}); numbers only")
    # Python floats become float32, as torch.tensor does; numpy float64 arrays stay float64.
    if kind == "f" and dtype is None and arr.dtype.itemsize == 8 and not isinstance(data, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)
    return arr


class Tensor:
    """An n-d array with `.grad`, `.backward()` and autograd-aware operations.

    `Tensor(data, requires_grad=False, dtype=None)`: Python numbers and lists become
    float32 (integers int64); numpy arrays keep their dtype. Only floating tensors can
    require grad.
    """

    # `_base`: the tensor whose memory this one views (None if it owns its memory); `_stamp`: the
    # clock when this node was made (see `graph.TICK`). Set only by in-place ops
    # (see `inplace.py`), and read with a default where unset, so creating a tensor costs nothing
    # for them: `_vc` and `_mclock`, how many in-place changes a tensor's memory had and the clock
    # of the last one; `_rclock`, the clock when an in-place op gave the tensor a new history.
    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_op", "_retains_grad", "_scope", "name",
                 "_base", "_vc", "_mclock", "_stamp", "_rclock", "_trace", "_view_idx", "_history", "_spent", "__weakref__")
    __array_priority__ = 1000
    # numpy's ufuncs and functions that have differentiable versions: filled in by `ops` when it
    # attaches the methods (the ops know the Tensor; the Tensor does not import the ops).
    _UFUNCS, _FUNCTIONS = {}, {}

    def __init__(self, data, requires_grad=False, dtype=None, name=""):
        self.data = _to_array(data, dtype)
        self.grad, self._parents, self._backward, self._op = None, (), None, ""
        self._retains_grad, self.name, self._scope = False, name, SCOPES[-1] if SCOPES else None
        self._base, self._stamp = None, CLOCK[0]
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_()

    # Attributes.
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    dtype = property(lambda self: self.data.dtype)
    size = property(lambda self: _Size(self.data.size, self.data.shape))
    _version = property(lambda self: getattr(self if self._base is None else self._base, "_vc", 0))

    def numel(self):
        return self.data.size

    def dim(self):
        return self.data.ndim

    def to(self, dtype):
        """This tensor with `dtype` (itself if it already has it), differentiable."""
        return self if self.data.dtype == np.dtype(dtype) else self.astype(dtype)
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

    def __format__(self, spec):
        # f"{loss:.4f}" formats the number of a one-element tensor, as PyTorch does.
        if spec and self.data.size == 1:
            return format(self.item(), spec)
        return format(str(self), spec)

    def __round__(self, ndigits=None):
        return round(self.item(), ndigits)

    def __index__(self):
        if self.data.size != 1 or self.data.dtype.kind not in "iub":
            raise TypeError(f"only an integer tensor with one element can be used as an index, got shape "
                            f"{self.shape} and dtype {self.dtype}")
        return int(self.item())

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
        return np.asarray(self.data, dtype=dtype)

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
        """The same memory (an in-place change of either is seen by both), cut from the graph."""
        out = make(self.data, (), None, "")
        out._base = self if self._base is None else self._base
        return out

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
        # The walk calls this for leaves and for tensors that retain their gradient only.
        if isinstance(g, Tensor):
            self.grad = g if self.grad is None else self.grad + g
        elif self.grad is None:
            # The first gradient is adopted when nothing else can reach the array (the walk's
            # reference, this call's and getrefcount's own are all there are); otherwise it is
            # copied, since one array may flow to several tensors and users update .grad in place.
            if g.base is None and g.dtype == self.data.dtype and sys.getrefcount(g) <= 3 and g.flags.writeable:
                self.grad = _plain(g)
            else:
                self.grad = _plain(np.array(g, dtype=self.data.dtype))
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
        fn = Tensor._UFUNCS.get(ufunc)
        if method != "__call__" or fn is None or kwargs:
            return getattr(ufunc, method)(*_strip(inputs), **_strip(kwargs))
        return fn(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        fn = Tensor._FUNCTIONS.get(func)
        if fn is not None:
            return fn(*args, **kwargs)
        result = func(*_strip(args), **_strip(kwargs))
        # Questions about the data (shapes, tests, indices) lose nothing; floating results would
        # lose the graph without a word, so they are refused instead.
        if any(np.asarray(r).dtype.kind in "fc" for r in (result if isinstance(result, (tuple, list)) else [result])
               if isinstance(r, (np.ndarray, np.generic))):
            raise TypeError(f"numpy.{func.__name__} has no differentiable version for Tensors here, so its result "
                            f"would not carry the graph; use the Tensor ops (see `chainrule gradcheck --list`), or "
                            f"apply it to t.detach().numpy() if no gradient is needed")
        return result


class _Size(int):
    """numpy's `t.size` (the number of elements) that can also be called as PyTorch's `t.size()`
    (the shape) or `t.size(dim)` (one dimension)."""

    def __new__(cls, n, shape):
        out = super().__new__(cls, n)
        out.shape = shape
        return out

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        if not -len(self.shape) <= dim < len(self.shape):
            raise IndexError(f"size: dim {dim} is out of range for a tensor with {len(self.shape)} dims")
        return self.shape[dim]


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
        g = np.array(1, out.data.dtype).reshape(out.data.shape)  # np.ones takes several times longer
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
    if type(data) is not _ndarray:
        data = np.asarray(data)
    out = _alloc(Tensor)
    out.data = data
    out.grad = None
    out._op = op
    out._retains_grad = False
    out.name = ""
    out._scope = SCOPES[-1] if SCOPES else None
    out._stamp = TICK()
    # A result that views a parent's memory (reshape, transpose, basic indexing) shares its
    # version counter, so an in-place change through either is seen by both.
    out._base = None if data.base is None else _viewed(data, parents)
    if ANOMALY_THREADS[0] and _grad_mode.anomaly:
        check_forward(out, parents)
    if not NO_GRAD_THREADS or _grad_mode.enabled:  # is_grad_enabled(), inlined
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


def _plain(data):
    """A leaf Tensor outside any graph holding the array `data` as is (a gradient, `from_numpy`):
    `make` without what a recorded op needs, for each leaf of each backward pass."""
    out = _alloc(Tensor)
    out.data = data
    out.grad = out._backward = out._scope = out._base = None
    out._parents = ()
    out._op = out.name = ""
    out.requires_grad = out._retains_grad = False
    out._stamp = CLOCK[0]
    return out


def _viewed(data, parents):
    """The tensor owning the memory `data` views, among `parents`' roots (None if none)."""
    owner = data.base
    for p in parents:
        root = p._base if p._base is not None else p
        arr = root.data
        if arr is owner or arr.base is owner:
            return root
    return None


def dual(on_arrays, on_tensors):
    """A function for backward formulas that numpy lacks (erf, sigmoid, a scatter), so Tensor
    cannot dispatch to it: `on_arrays` on the fast path, the differentiable `on_tensors` under
    `create_graph=True`. The one place where a backward's arguments are told apart by type."""
    def fn(x, *args, **kwargs):
        return (on_tensors if isinstance(x, Tensor) else on_arrays)(x, *args, **kwargs)

    return fn


def tensor(data, dtype=None, requires_grad=False):
    """PyTorch's `torch.tensor`: a new leaf Tensor holding a copy of `data`."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array):
    """PyTorch's `torch.from_numpy`: a leaf Tensor that shares `array`'s memory instead of copying it,
    so a change to either shows in the other. Mind that a change made through the array is not
    seen by the checks that protect a recorded graph from in-place changes."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy array, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: cannot share an array of dtype {array.dtype}; numbers only")
    return _plain(array)


def real_data(x):
    """A tensor's data as an op with real-valued results reads it: integers and booleans as float32,
    as PyTorch's `exp`, `sigmoid` or `softmax` take them (its default dtype), floats as they are."""
    d = x.data
    return d if d.dtype.kind in "fc" else d.astype(np.float32)


def as_tensor(x, like=None, op="op"):
    """`x` as a Tensor; Python numbers take `like`'s floating dtype so float32 stays float32."""
    if isinstance(x, Tensor):
        return x
    if (type(x) is float or type(x) is int) and like is not None and like.data.dtype.kind == "f":
        # `x * 0.5`, `1 - x`: the common case, made as Tensor() would make it without its checks
        # and second copy (a third of the cost of the general path below).
        out = _plain(np.array(x, like.data.dtype))
        out._scope = SCOPES[-1] if SCOPES else None
        return out
    if isinstance(x, numbers.Number) and not isinstance(x, np.generic):
        if isinstance(x, complex):
            raise TypeError(f"{op}: complex numbers are not supported, got {x!r}")
        dt = like.data.dtype if like is not None else None
        if isinstance(x, float) and (dt is None or dt.kind != "f"):
            dt = np.float32  # PyTorch's default dtype: `int_tensor * 0.5` is float32
        elif dt is None or dt.kind != "f":
            dt = np.result_type(dt, type(x)) if dt is not None else np.int64
        return Tensor(np.asarray(x, dtype=dt))
    try:
        return Tensor(x)
    except TypeError as e:
        raise TypeError(f"{op}: expected a Tensor, array or number, got {type(x).__name__}") from e
