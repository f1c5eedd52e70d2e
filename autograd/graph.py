"""The one graph walker shared by `Value` and `Tensor`.

A node is any object with `_parents` (a tuple, in argument order), `_backward`
(None for a leaf) and `requires_grad`. `_backward(g, out, *inputs)` returns one
gradient per parent (or None); it receives `g`, the output and the inputs either
as raw data (the fast path) or as nodes (when `create_graph=True`, so that the
backward pass is itself recorded and can be differentiated again).

`scalar_backward` is the same walk for a graph of scalar `Value`s, without the Tensor's concerns
(in-place changes, capture, observers, create_graph), which `Value.backward()` takes.

`run_backward(..., observer=f)` calls `f(node, parent, upstream, contribution)` for each use
of the chain rule, in the order the walk makes them: the step-by-step explanation and the
renderer's step-through are built from these reports, not from walks of their own.
"""
import gc
import itertools
import math
from operator import attrgetter

import numpy as np

from .modes import _set_grad_enabled, _state, check_backward
# Module scopes live in `scope.py`; `SCOPES` is named here too because the Tensor reads it from here.
from .scope import SCOPES  # noqa: F401

_ndarray = np.ndarray  # the walk's test for a gradient that needs no fitting

__all__ = ["toposort", "run_backward", "GraphFreedError"]


def toposort(roots, leaves=True):
    """Nodes reachable from `roots`, parents before children, without recursion.

    Iterative post-order DFS: deterministic because parents are visited in argument order.
    A node with parents goes back on the stack under a `None` marker, with its parents above it,
    and is emitted when the marker surfaces: one set lookup and a few list operations per node.
    `leaves=False` leaves out the leaves that are not roots (the backward pass hands them their
    gradients as it goes, so they need no place in the order).
    """
    order, seen = [], set()
    stack = list(reversed(roots))
    push, pop, emit, see, now = stack.append, stack.pop, order.append, seen.add, CLOCK[0]
    while stack:
        node = pop()
        if node is None:  # the node beneath this marker has all its parents emitted
            emit(pop())
            continue
        if node in seen:  # a duplicate entry of a node already emitted
            continue
        see(node)
        if node._stamp < now:  # made before an in-place change: its inputs may have new histories
            node._resolve_parents()
        parents = node._parents
        if parents:
            push(node)
            push(None)
            for p in reversed(parents):
                if p.requires_grad and p not in seen and (leaves or p._backward is not None):
                    push(p)
        else:
            emit(node)
    return order


def creation_order(roots, leaves=True):
    """`toposort` for a graph of Tensors, in the order its nodes were made (see `TICK`).

    A node is made after its inputs, so sorting by stamp is a topological order: the search
    needs no order of its own (each node is visited once, without the markers of the
    depth-first search), and one sort in C orders what it found. Parents are reached as in
    `toposort`, so both find the same nodes. The same order as PyTorch's engine, which runs
    nodes by sequence number.
    """
    if roots[0]._stamp == math.inf:  # Values, never changed in place, carry no stamps
        return toposort(roots, leaves)
    order = list(dict.fromkeys(roots))
    seen = set(order)
    see, emit, now = seen.add, order.append, CLOCK[0]
    for node in order:  # grows while it is read: the list is the queue
        if node._stamp < now:  # made before an in-place change: its inputs may have new histories
            node._resolve_parents()
        for p in node._parents:
            if p.requires_grad and p not in seen and (leaves or p._backward is not None):
                see(p)
                emit(p)
    order.sort(key=_STAMP)
    return order


_STAMP = attrgetter("_stamp")


class GraphFreedError(RuntimeError):
    """backward() through a graph whose saved values an earlier backward() freed."""


def _freed(*_):
    raise GraphFreedError(
        "backward through a graph a second time: its saved values were freed by the first "
        "backward(). Pass retain_graph=True to the first call if you need to call it again."
    )


def run_backward(roots, seeds, retain_graph=False, create_graph=False, capture=None, observer=None,
                 replay=False):
    """Propagate `seeds` from `roots` to every node they depend on.

    Each node first receives its total gradient for this pass (via `node._accumulate(g)`,
    or into the returned dict when `capture` names the nodes wanted), then hands its
    parents their share; leaves receive theirs when the walk is done. Gradients of this pass
    are kept apart from `.grad`, so repeated passes with `retain_graph=True` add up correctly.
    `replay=True` walks a graph that a backward() has freed, using the functions it kept aside;
    it is for reading gradients (`capture`), as drawings do. `observer(node, parent, upstream,
    contribution)`, when given, hears of every gradient handed from a node to a parent.
    """
    with collector_paused():
        return _walk(roots, seeds, retain_graph, create_graph, capture, observer, replay)


class collector_paused:
    """A backward pass allocates many short-lived containers and creates no reference cycles, so
    the cyclic collector would only re-scan the live graph again and again: pause it meanwhile.
    (A class rather than a generator: it is entered once per backward(), every training step.)"""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


def _walk(roots, seeds, retain_graph, create_graph, capture, observer=None, replay=False):
    # Without capture or observer, the leaves need no place in the order: their gradients add up in
    # `grads` as any node's do, and each leaf receives its total once the walk is done.
    direct = capture is None and observer is None
    # Drawings and explanations hear of each step (observer, capture) in `toposort`'s order.
    order = (creation_order if direct else toposort)(roots, leaves=not direct)
    if not replay:  # a plain loop: any() over a generator costs a frame resumption per node
        for n in order:
            if n._backward is _freed:
                _freed()
    grads = {}
    for r, s in zip(roots, seeds):
        grads[r] = grads[r] + s if r in grads else s
    captured = {}
    pop, get = grads.pop, grads.get
    now, anomaly = CLOCK[0], _state.anomaly
    recording = _state.enabled
    _set_grad_enabled(create_graph)  # `with _GradMode(create_graph):` spelled out, as it runs every step
    try:
        for node in reversed(order):
            g = pop(node, None)
            if g is None:
                continue
            fn = node._backward
            if capture is None:
                if fn is None or node._retains_grad:  # an interior Tensor keeps no .grad: skip the call
                    node._accumulate(g)
            elif node in capture:
                captured[node] = g
            if fn is None:
                continue
            if fn is _freed:  # only in a replay (checked above): the function a backward() used
                fn = node._spent
            if node._stamp < now:  # something was changed in place after this node was made
                node._check_inplace()
            parents = node._parents
            # One to three parents spelled out: this loop runs once per node of the graph.
            if create_graph:
                local = fn(g, node, *parents)
            elif len(parents) == 2:
                local = fn(g, node.data, parents[0].data, parents[1].data)
            elif len(parents) == 1:
                local = fn(g, node.data, parents[0].data)
            elif len(parents) == 3:
                local = fn(g, node.data, parents[0].data, parents[1].data, parents[2].data)
            else:
                local = fn(g, node.data, *[p.data for p in parents])
            if anomaly:
                check_backward(node, local)
            i = -1
            for gp in local:  # indexing `parents`, as a zip() object per node costs a tenth of the walk
                i += 1
                if gp is None:
                    continue
                p = parents[i]
                if not p.requires_grad:
                    continue
                d = p.data
                if type(gp) is not _ndarray or gp.shape != d.shape or gp.dtype is not d.dtype and gp.dtype != d.dtype:
                    gp = p._fit_grad(gp)  # un-broadcast, cast (or, for a Value, nothing)
                if observer is not None:  # one comparison per edge when nobody listens
                    observer(node, p, g, gp)
                acc = get(p)
                grads[p] = gp if acc is None else acc + gp
            # Held here, a gradient would look shared to the leaf it reaches next, which then copies it.
            local = gp = None
            if not retain_graph:
                # A second backward() is refused; the function is kept aside only so that a drawing
                # can replay the pass and show every node's gradient (`replay=True`).
                node._spent = fn
                node._backward = _freed
        if direct:  # what is left in `grads` is the leaves': popped, so a gradient nobody else holds is adopted
            popitem = grads.popitem
            while grads:
                leaf, g = popitem()
                leaf._accumulate(g)
    finally:
        _set_grad_enabled(recording)
    return captured


def _scalar_order(root):
    """`toposort([root])` for a graph of Values, the same order, read straight from the parent slots.
    Refuses a graph that a backward() freed before any gradient changes."""
    order, seen, stack = [], set(), [root]
    push, pop, emit, see = stack.append, stack.pop, order.append, seen.add
    while stack:
        node = pop()
        if node is None:  # the node beneath this marker has all its parents emitted
            emit(pop())
            continue
        if node in seen:
            continue
        see(node)
        a = node._a
        if a is None:
            emit(node)
            continue
        if node._backward is _freed:
            _freed()
        push(node)
        push(None)
        b = node._b
        if b is not None and b.requires_grad and b not in seen:
            push(b)
        if a not in seen and a.requires_grad:
            push(a)
    return order


def scalar_backward(root, retain_graph, add_bw, mul_bw):
    """`run_backward([root], [1.0])` for a graph of scalar Values: the same walk and the same sums in
    the same order, with + and * (`add_bw`, `mul_bw`: most of any graph) done here rather than by a call."""
    order = _scalar_order(root)
    grads = {root: 1.0}
    pop, get = grads.pop, grads.get
    for node in reversed(order):
        g = pop(node, None)
        if g is None:
            continue
        node.grad += g
        fn = node._backward
        if fn is None:
            continue
        a, b = node._a, node._b
        if fn is add_bw:
            ga = gb = g
        elif fn is mul_bw:
            ga, gb = g * b.data, g * a.data
        elif b is None:
            (ga,), gb = fn(g, node.data, a.data), None
        else:
            ga, gb = fn(g, node.data, a.data, b.data)
        if ga is not None and a.requires_grad:
            acc = get(a)
            grads[a] = ga if acc is None else acc + ga
        if gb is not None and b.requires_grad:
            acc = get(b)
            grads[b] = gb if acc is None else acc + gb
        if not retain_graph:  # as in run_backward: refuse a second pass, keep fn for a drawing's replay
            node._spent = fn
            node._backward = _freed


# One clock for two things: each node of a tensor graph takes the next tick when it is made (its
# `_stamp`), and so does each in-place change (`CLOCK[0]` holds the last one). A node's stamp then
# orders it after its inputs (`creation_order`), and the walk inspects a node for stale saved
# values only when something changed in place after it was made (its stamp is below `CLOCK[0]`).
# A leaf takes the clock as it stands, not a tick: it needs no order of its own.
TICK = itertools.count(1).__next__
CLOCK = [0]
