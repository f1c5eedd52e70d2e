"""The one graph walker shared by `Value` and `Tensor`.

A node is any object with `_parents` (a tuple, in argument order), `_backward`
(None for a leaf) and `requires_grad`. `_backward(g, out, *inputs)` returns one
gradient per parent (or None); it receives `g`, the output and the inputs either
as raw data (the fast path) or as nodes (when `create_graph=True`, so that the
backward pass is itself recorded and can be differentiated again).
"""
import gc
import threading

__all__ = ["toposort", "run_backward", "no_grad", "enable_grad", "is_grad_enabled", "scope"]


def toposort(roots):
    """Nodes reachable from `roots`, parents before children, without recursion.

    Iterative post-order DFS: deterministic because parents are visited in argument order.
    A node stays on the stack beneath its parents and is emitted when it surfaces again,
    so the walk allocates nothing per node but set and list entries.
    """
    order, seen, done = [], set(), set()
    stack = list(reversed(roots))
    while stack:
        node = stack[-1]
        if node in seen:
            stack.pop()
            # Seen but not done: its parents are all emitted. Done: a duplicate entry.
            if node not in done:
                done.add(node)
                order.append(node)
            continue
        seen.add(node)
        for p in reversed(node._parents):
            if p not in seen and p.requires_grad:
                stack.append(p)
    return order


def _freed(*_):
    raise RuntimeError(
        "backward through a graph a second time: its saved values were freed by the first "
        "backward(). Pass retain_graph=True to the first call if you need to call it again."
    )


def run_backward(roots, seeds, retain_graph=False, create_graph=False, capture=None):
    """Propagate `seeds` from `roots` to every node they depend on.

    Each node first receives its total gradient for this pass (via `node._accumulate(g)`,
    or into the returned dict when `capture` names the nodes wanted), then hands its
    parents their share. Gradients of this pass are kept apart from `.grad`, so repeated
    passes with `retain_graph=True` add up correctly.
    """
    # The walk allocates many short-lived containers and creates no reference cycles, so the
    # cyclic collector would only re-scan the live graph again and again: pause it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _walk(roots, seeds, retain_graph, create_graph, capture)
    finally:
        if gc_was_enabled:
            gc.enable()


def _walk(roots, seeds, retain_graph, create_graph, capture):
    order = toposort(roots)
    if any(n._backward is _freed for n in order):
        _freed()
    grads = {}
    for r, s in zip(roots, seeds):
        grads[r] = grads[r] + s if r in grads else s
    captured = {}
    pop, get = grads.pop, grads.get
    with _GradMode(create_graph):
        for node in reversed(order):
            g = pop(node, None)
            if g is None:
                continue
            if capture is None:
                node._accumulate(g)
            elif node in capture:
                captured[node] = g
            fn = node._backward
            if fn is None:
                continue
            parents = node._parents
            # One and two parents spelled out: this loop runs once per node of the graph.
            if create_graph:
                local = fn(g, node, *parents)
            elif len(parents) == 2:
                local = fn(g, node.data, parents[0].data, parents[1].data)
            elif len(parents) == 1:
                local = fn(g, node.data, parents[0].data)
            else:
                local = fn(g, node.data, *[p.data for p in parents])
            for p, gp in zip(parents, local):
                if gp is None or not p.requires_grad:
                    continue
                gp = p._fit_grad(gp)
                acc = get(p)
                grads[p] = gp if acc is None else acc + gp
            if not retain_graph:
                node._backward = _freed
    return captured


class _GradState(threading.local):
    # A class default rather than getattr(..., True): a missing thread-local attribute costs
    # an AttributeError raised and caught inside getattr, several times a plain lookup.
    enabled = True


_state = _GradState()


def is_grad_enabled():
    return _state.enabled


class _GradMode:
    """Context manager and decorator setting whether new operations are recorded."""

    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        self.prev = is_grad_enabled()
        _state.enabled = self.enabled

    def __exit__(self, *exc):
        _state.enabled = self.prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)(self.enabled):
                return fn(*args, **kwargs)

        return wrapper


def no_grad():
    """Operations inside do not record a graph (`with no_grad():` or `@no_grad()`)."""
    return _GradMode(False)


def enable_grad():
    """Re-enable recording inside a `no_grad` block."""
    return _GradMode(True)


# The scopes (e.g. nn module calls) currently running; each new Tensor records the innermost,
# so that a rendered graph can group a module's nodes in one cluster. Two calls of two equal
# layers are two scopes with the same label, and stay two clusters.
SCOPES = []


class scope:
    """`with scope("Linear(784->300)"):` tags the tensors created inside with this scope.

    `str(tensor._scope)` (and `==` with a string) gives the label.
    """

    __slots__ = ("label",)

    def __init__(self, label):
        self.label = label

    def __enter__(self):
        SCOPES.append(self)
        return self

    def __exit__(self, *exc):
        SCOPES.pop()

    def __str__(self):
        return self.label

    def __repr__(self):
        return f"scope({self.label!r})"

    def __eq__(self, other):
        return self is other or (isinstance(other, str) and other == self.label)

    __hash__ = object.__hash__
