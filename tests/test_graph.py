"""The graph walker: deep graphs, deterministic order, freeing, retain_graph, no reference cycles."""
import gc
import math
import sys
import weakref

import pytest

from autograd import Value, toposort


def diamond():
    """a feeds b and c by two paths each; d joins them: micrograd gets repeated passes wrong here."""
    a = Value(1.5, label="a")
    b = (a * a).tanh()
    b.label = "b"
    c = a.exp() + b
    c.label = "c"
    d = b * c
    d.label = "d"
    return a, b, c, d


def test_million_node_chain_backward_and_deletion_at_default_recursion_limit():
    assert sys.getrecursionlimit() <= 1000, "the point is to need no more than the default"
    n = 1_000_000
    x0 = x = Value(1.0)
    for _ in range(n):
        x = x * 1.000001
    x.backward()
    assert math.isclose(x0.grad, 1.000001**n, rel_tol=1e-9)
    ref = weakref.ref(x0)
    del x0, x
    assert gc.collect() >= 0 and ref() is None


def test_million_node_graph_freed_without_backward():
    x = Value(0.5)
    for _ in range(1_000_000):
        x = -x
    assert len(toposort([x])) == 1_000_001
    del x
    gc.collect()


def test_toposort_is_parents_first_in_argument_order_and_repeatable():
    a, b, c, d = diamond()
    labels = [n.label or n._op for n in toposort([d])]
    assert labels == ["a", "*", "b", "exp", "c", "d"]
    assert [n.label or n._op for n in toposort([d])] == labels
    # The same expression built again (new objects, new hashes) walks in the same order.
    assert [n.label or n._op for n in toposort([diamond()[3]])] == labels
    # Constants (requires_grad=False) are not visited.
    e = d * 2.0
    assert toposort([e]) == toposort([d]) + [e]


def test_toposort_order_respects_every_edge():
    a, b, c, d = diamond()
    order = toposort([d, c])
    pos = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n._parents:
            if p.requires_grad:
                assert pos[id(p)] < pos[id(n)]


def test_second_backward_raises_clear_error():
    a, b, c, d = diamond()
    d.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        d.backward()
    # Part of a freed graph is freed too.
    with pytest.raises(RuntimeError, match="second time"):
        (c * 2).backward()


def test_retain_graph_accumulates_exactly_twice_the_single_pass_gradients():
    nodes = diamond()
    nodes[-1].backward(retain_graph=True)
    once = [n.grad for n in nodes]
    nodes[-1].backward(retain_graph=True)
    assert [n.grad for n in nodes] == [2 * g for g in once]
    nodes[-1].backward()
    assert [n.grad for n in nodes] == [3 * g for g in once]
    with pytest.raises(RuntimeError, match="retain_graph"):
        nodes[-1].backward()


def test_single_pass_diamond_gradient_matches_hand_derivation():
    a, b, c, d = diamond()
    d.backward()
    t = math.tanh(a.data**2)
    db = 2 * a.data * (1 - t * t)  # d b / d a
    want = db * c.data + b.data * (math.exp(a.data) + db)
    assert math.isclose(a.grad, want, rel_tol=1e-14)


def test_zero_grad_lesson_backward_accumulates():
    # LESSONS 4: backward on z = 2w repeatedly gives 2, 4, 6 until zero_grad.
    w = Value(2.0)
    seen = []
    for _ in range(3):
        (2 * w).backward()
        seen.append(w.grad)
    w.zero_grad()
    (2 * w).backward()
    assert seen == [2.0, 4.0, 6.0] and w.grad == 2.0


ALL_OPS = [
    lambda v: v + 1, lambda v: 1 - v, lambda v: v * v, lambda v: v / 3, lambda v: 2**v, lambda v: v ** Value(1.5),
    lambda v: -v, lambda v: v.exp(), lambda v: v.log(), lambda v: v.sqrt(), lambda v: v.tanh(),
    lambda v: v.sigmoid(), lambda v: v.relu(), lambda v: v.leaky_relu(0.2), lambda v: v.abs(), lambda v: v.softplus(),
]


@pytest.mark.parametrize("retain", [False, True])
def test_graphs_hold_no_reference_cycles(retain):
    gc.collect()
    gc.disable()
    try:
        x = Value(0.8)
        out = sum(op(x) for op in ALL_OPS)
        refs = [weakref.ref(n) for n in toposort([out])]
        out.backward(retain_graph=retain)
        del out
        # Reference counting alone freed every node but the leaf still held here.
        assert [r() for r in refs if r() is not None] == [x]
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_backward_restores_the_garbage_collector_state():
    gc.disable()
    try:
        Value(1.0).exp().backward()
        assert not gc.isenabled()
    finally:
        gc.enable()
    Value(1.0).exp().backward()
    assert gc.isenabled()


def polynomial_diamond(V):
    a = V(1.5)
    b = a * a
    c = b + a
    return a, b * c


def test_repeated_backward_where_micrograd_goes_wrong():
    micrograd = pytest.importorskip("micrograd.engine")
    a, d = polynomial_diamond(Value)
    d.backward(retain_graph=True)
    once = a.grad
    d.backward(retain_graph=True)
    assert once == 4 * 1.5**3 + 3 * 1.5**2 and a.grad == 2 * once
    # micrograd re-sends the intermediate nodes' accumulated gradients on the second pass.
    ma, md = polynomial_diamond(micrograd.Value)
    md.backward()
    assert ma.grad == once
    md.backward()
    assert ma.grad != 2 * once
