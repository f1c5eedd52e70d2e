"""In-place operations, with PyTorch's rules for keeping gradients right.

`t += x`, `t[i] = v`, `t.add_(x)`, `t.zero_()`, ... change `t.data` in place and keep `t`'s
identity. Each change bumps a version counter shared by a tensor and its views, and ticks a
global clock (`graph.CLOCK`). The backward pass then refuses a gradient that would be wrong:

- an op whose backward needs a value (its input, or its own output) that was changed after
  the op saved it raises "modified by an in-place operation", as PyTorch does;
- inside a recorded graph, the changed tensor takes a new history (the in-place op applied to
  its old self), so later ops differentiate through the change.

A leaf that requires grad cannot be changed in place while recording (PyTorch's rule); under
`no_grad()` it can, which is how a manual update `w -= lr * w.grad` keeps `w` and its `.grad`.
"""
import numpy as np

from .graph import CLOCK, TICK
from .modes import is_grad_enabled, no_grad
from .ops.shape import _index, getitem
from .formulas import saves
from .tensor import Tensor, _alloc, as_tensor, make

__all__ = ["apply", "check", "setitem"]


def _root(t):
    """The tensor owning `t`'s memory (`t` itself unless it is a view)."""
    return t if t._base is None else t._base


def _rclock(t):
    """The clock when an in-place op last gave `t` a new history (0: never)."""
    return getattr(t, "_rclock", 0)


def _bump(t):
    """Record an in-place change of `t`'s memory (seen by every view of it)."""
    CLOCK[0] = TICK()
    root = _root(t)
    root._vc = getattr(root, "_vc", 0) + 1
    root._mclock = CLOCK[0]


def _describe(t):
    name = f"'{t.name}' " if t.name else ""
    return f"tensor {name}of shape {tuple(t.shape)} and dtype {t.dtype}"


def _write(t, result, op):
    """`result` copied into `t`'s memory, with numpy's casting rule for in-place updates."""
    data = result.data if isinstance(result, Tensor) else np.asarray(result)
    if not t.data.flags.writeable:
        raise RuntimeError(f"{op}: this tensor is a read-only view (from expand/broadcast_to) and cannot be "
                           f"changed in place; call .clone() first")
    if not np.can_cast(data.dtype, t.dtype, "same_kind"):
        raise TypeError(f"{op}: the result has dtype {data.dtype}, which cannot be stored in place in a tensor of "
                        f"dtype {t.dtype}; use the out-of-place op instead")
    try:
        np.copyto(t.data, data, casting="same_kind")
    except ValueError:
        raise ValueError(f"{op}: a result of shape {data.shape} cannot be written into a tensor of shape "
                         f"{t.shape} in place") from None
    _bump(t)


def apply(t, op, fn, *args):
    """Change `t` in place to `fn(t, *args)` (an out-of-place op), recording it when needed."""
    others = [a for a in args if isinstance(a, Tensor)]
    recording = is_grad_enabled() and (t.requires_grad or any(a.requires_grad for a in others))
    if not recording:
        with no_grad():
            _write(t, fn(t, *args), op)
        return t
    if t.requires_grad and t._backward is None:
        raise RuntimeError(f"{op}: a leaf tensor that requires grad cannot be changed in place while the graph "
                           f"is recorded (the gradient would be lost); do it inside `with no_grad():` (as in a "
                           f"manual update), or on a copy made with .clone()")
    if t._base is not None:
        base = t._base
        if base.requires_grad and base._backward is None:
            raise RuntimeError(f"{op}: this tensor is a view of a leaf that requires grad, which cannot be changed "
                               f"in place while the graph is recorded; use `with no_grad():` or .clone()")
        if (t._op == "getitem" and t._parents and t._parents[0] is base and t._stamp >= _rclock(base)
                and getattr(t, "_view_idx", None) is not None):
            return _through_view(t, op, fn, args)
        if base.requires_grad or t.requires_grad:
            raise RuntimeError(f"{op}: changing a view ({t._op or 'detach'}) of a tensor in the graph in place is "
                               f"not supported; assign through the tensor itself (x[i] = ..., x[i] += ...) or "
                               f"use the out-of-place op")
    old = _snapshot(t)
    result = fn(_clone(old), *args)
    _write(t, result, op)
    _rebase(t, result, op, old)
    return t


def _snapshot(t):
    """A node standing for `t` as it was: its history and (a view of) its memory."""
    old = _alloc(Tensor)
    for slot in ("data", "grad", "requires_grad", "_parents", "_backward", "_op", "_retains_grad", "_scope",
                 "name", "_stamp"):
        setattr(old, slot, getattr(t, slot))
    old._rclock = _rclock(t)
    old.grad, old._retains_grad = None, False
    old._base = _root(t)
    return old


@saves()
def _clone_bw(g, out, x):
    return (g,)


def _clone(old):
    """A copy of `old`'s values for the in-place op to read: the op itself overwrites `old`'s
    memory, and PyTorch, too, keeps the original self an in-place op needs for its gradient."""
    return make(old.data.copy(), (old,), _clone_bw, "clone")


def _rebase(t, result, op, old):
    """`t` takes the history of `result` (the in-place op applied to `old`, `t` as it was).

    Ops that used `t` before keep pointing at the object `t`; `t._history` remembers which
    node stood for `t` until when, so that their gradients reach `old` (see `resolve`)."""
    t._parents, t._backward, t._op = result._parents, result._backward, op
    t.requires_grad = result.requires_grad
    # Nodes made until the change see `old`. `t` is made anew now: after everything its new history
    # reads (`result`'s inputs), which the walk's creation order needs.
    t._rclock, t._stamp = CLOCK[0], TICK()
    t._history = getattr(t, "_history", ()) + ((CLOCK[0], old),)


def _as_of(t, stamp):
    """The node that stood for `t` when an op made at `stamp` used it."""
    if not isinstance(t, Tensor) or _rclock(t) <= stamp:
        return t
    return next(old for clock, old in t._history if clock > stamp)


def resolve(node):
    """Point `node`'s edges at its inputs as they were when it was made (called by the graph
    walk for nodes made before some in-place change)."""
    stamp = node._stamp
    if any(isinstance(p, Tensor) and _rclock(p) > stamp for p in node._parents):
        node._parents = tuple(_as_of(p, stamp) for p in node._parents)


def check(node):
    """Called by the walk for a node made before some in-place change: refuse stale values."""
    made = node._stamp
    positions = getattr(node._backward, "saves", None)
    for i, t in enumerate((node,) + node._parents):
        if not isinstance(t, Tensor):
            continue
        root = _root(t)
        if getattr(root, "_mclock", 0) > made and (positions is None or i in positions):
            what = "its output" if i == 0 else f"its input {i - 1}"
            raise RuntimeError(
                f"one of the values needed to compute the gradient of {node._op} has been modified by an in-place "
                f"operation: {what}, a {_describe(t)}, is at version {root._version}, changed after {node._op} saved "
                f"it. Use the out-of-place op, or .clone() the tensor before changing it in place")


def setitem(x, idx, value):
    """`x[idx] = value`, in place. Inside a graph, `value` receives the gradient of the slots it
    filled and the overwritten slots of `x` receive none."""
    idx, basic = _index(idx)
    if (basic and isinstance(value, Tensor) and value._op == "getitem" and value._base is _root(x)
            and value._stamp >= _rclock(x) and getattr(value, "_view_idx", None) == idx):
        return  # `x[i] += v` ends by storing the view x[i] back into x[i]: nothing left to do
    apply(x, "setitem", _assign, idx, value)


def _assign(x, idx, value):
    """The out-of-place form of `x[idx] = value`."""
    v = value if isinstance(value, Tensor) else as_tensor(value, x, "setitem")
    data = x.data.copy()
    try:
        data[idx] = v.data
    except (ValueError, IndexError) as e:
        raise type(e)(f"setitem: cannot assign a value of shape {v.shape} to index {idx!r} of a tensor of "
                      f"shape {x.shape}: {e}") from None
    filled = np.zeros(x.shape, dtype=bool)
    filled[idx] = True

    @saves()
    def backward(g, out, x, v):
        return g * ~filled, g[idx]

    return make(data, (x, v), backward, "setitem")


def _through_view(t, op, fn, args):
    """An in-place change of the view `t = base[idx]` inside a graph: recorded as
    `base[idx] = fn(t, ...)`, after which `t` is a fresh view of the changed `base`."""
    base, idx = t._base, t._view_idx
    base_old = _snapshot(base)
    view_old = _snapshot(t)
    view_old._parents = (base_old,)  # the view as it was: of the base as it was
    result = _assign(base_old, idx, fn(_clone(view_old), *args))
    _write(base, result, op)
    _rebase(base, result, op, base_old)
    _rebase(t, getitem(base, idx), "getitem", view_old)
    return t


def _fill(values, op):
    """An out-of-place op replacing every value; what was there gets no gradient."""
    @saves()
    def backward(g, out, x):
        return (None,)

    def fill(x, *args):
        return make(np.asarray(values(x, *args), dtype=x.dtype), (x,), backward, op)

    return fill


def _scaled(fn):
    return lambda x, other, alpha=1: fn(x, other if alpha == 1 else other * alpha)


def _inplace_method(op, fn):
    def method(self, *args, **kwargs):
        return apply(self, op, lambda x, *a: fn(x, *a, **kwargs), *args)

    method.__name__ = op
    method.__doc__ = f"In-place form of the op: changes this tensor and returns it."
    return method


def _attach():
    from .ops import elementwise as E
    from .random import generator

    table = {
        "__iadd__": E.add, "__isub__": E.sub, "__imul__": E.mul, "__itruediv__": E.div, "__ipow__": E.pow,
        "add_": _scaled(E.add), "sub_": _scaled(E.sub), "mul_": E.mul, "div_": E.div, "pow_": E.pow,
        "clamp_": E.clip, "clip_": E.clip,
        "zero_": _fill(lambda x: np.zeros_like(x.data), "zero_"),
        "fill_": _fill(lambda x, v: np.full_like(x.data, v.item() if isinstance(v, Tensor) else v), "fill_"),
        "normal_": _fill(lambda x, mean=0.0, std=1.0: generator().normal(mean, std, x.shape), "normal_"),
        "uniform_": _fill(lambda x, a=0.0, b=1.0: generator().uniform(a, b, x.shape), "uniform_"),
        "copy_": lambda x, src: _assign(x, Ellipsis, src),
    }
    for name, fn in table.items():
        # `t += x` is recorded as add_, as PyTorch names it.
        op = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
              "__ipow__": "pow_"}.get(name, name)
        setattr(Tensor, name, _inplace_method(op, fn))
    Tensor.clone = lambda self: _clone(self)
    Tensor.__setitem__ = setitem
    Tensor._check_inplace = check
    Tensor._resolve_parents = resolve


_attach()
