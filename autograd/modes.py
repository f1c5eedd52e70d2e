"""Grad mode (`no_grad`, `enable_grad`) and anomaly mode (`detect_anomaly`): per-thread switches that
every op reads on its hot path, and anomaly mode's checks of results and gradients."""
import functools
import os
import threading
import traceback

import numpy as np

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


class _GradState(threading.local):
    # A class default rather than getattr(..., True): a missing thread-local attribute costs
    # an AttributeError raised and caught inside getattr, several times a plain lookup.
    enabled = True
    anomaly = False


_state = _GradState()


def is_grad_enabled():
    return _state.enabled


class _GradMode:
    """Context manager and decorator setting whether new operations are recorded."""

    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        self.prev = is_grad_enabled()
        _set_grad_enabled(self.enabled)

    def __exit__(self, *exc):
        _set_grad_enabled(self.prev)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)(self.enabled):
                return fn(*args, **kwargs)

        return wrapper


# The threads that have recording off (in no_grad(), or in a backward pass not itself recorded):
# every op looks at this plain set first and consults its thread's own switch only when the set
# is not empty, so the switch costs nothing while every thread records. (Adding to a set and
# discarding from it are atomic, where a shared count could miss a change made by another thread.)
NO_GRAD_THREADS = set()


def _set_grad_enabled(enabled):
    if enabled:
        NO_GRAD_THREADS.discard(threading.get_ident())
    else:
        NO_GRAD_THREADS.add(threading.get_ident())
    _state.enabled = bool(enabled)


def no_grad():
    """Operations inside do not record a graph (`with no_grad():` or `@no_grad()`)."""
    return _GradMode(False)


def enable_grad():
    """Re-enable recording inside a `no_grad` block."""
    return _GradMode(True)


class detect_anomaly:
    """While on, every op's result and every gradient of a backward pass are checked for nan and
    inf; the first found raises an error naming the op, its input shapes and the line of the
    user's code that created it. Thread-local; off by default.

    `with detect_anomaly():`, or `set_detect_anomaly(True)` to switch it on for good.
    """

    def __init__(self, enabled=True):
        self.enabled = enabled

    def __enter__(self):
        self.prev = _state.anomaly
        set_detect_anomaly(self.enabled)
        return self

    def __exit__(self, *exc):
        set_detect_anomaly(self.prev)


# How many threads have anomaly mode on: every op reads this plain number first and consults its
# thread's own switch only when some thread has it on, so the mode costs nothing when off.
ANOMALY_THREADS = [0]


def set_detect_anomaly(enabled):
    enabled = bool(enabled)
    if enabled != _state.anomaly:
        ANOMALY_THREADS[0] += 1 if enabled else -1
    _state.anomaly = enabled


def is_anomaly_enabled():
    return _state.anomaly


def check_forward(out, parents):
    """Anomaly mode: remember where `out` was created, and refuse a non-finite result."""
    out._trace = traceback.extract_stack()[:-3]  # without make(), this check and its caller's frame
    data = out.data
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        inputs_ok = all(np.isfinite(p.data).all() for p in parents if p.data.dtype.kind == "f")
        cause = "from finite inputs" if inputs_ok else "(an input was already non-finite)"
        raise FloatingPointError(f"anomaly: {out._op} produced {_count_bad(data)} {cause}; "
                                 f"input shapes {[p.shape for p in parents]}" + _where(out))


def check_backward(node, grads):
    """Anomaly mode: refuse a non-finite gradient, naming the op whose backward produced it."""
    for i, (p, g) in enumerate(zip(node._parents, grads)):
        if g is None:
            continue
        arr = np.asarray(g.data if hasattr(g, "_parents") else g)
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise FloatingPointError(
                f"anomaly: the backward of {node._op} gave {_count_bad(arr)} in the gradient of its input {i} "
                f"(shape {getattr(p, 'shape', ())}); input shapes {[getattr(q, 'shape', ()) for q in node._parents]}"
                + _where(node))


# Frames inside chainrule's own packages are skipped when pointing at the user's line.
_LIBRARY = tuple(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), d) + os.sep
                 for d in ("autograd", "nn"))


def _count_bad(a):
    return f"{int(np.isnan(a).sum())} nan and {int(np.isinf(a).sum())} inf values (of {a.size})"


def _where(node):
    trace = getattr(node, "_trace", None)
    if not trace:
        return " (switch anomaly mode on before the forward pass to see where the op was created)"
    user = [f for f in trace if not f.filename.startswith(_LIBRARY)] or trace
    f = user[-1]
    return f"\n  {node._op} was created at {f.filename}:{f.lineno}, in {f.name}: {f.line}"
