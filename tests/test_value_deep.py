"""Deep Value graphs: nodes deeper than `autograd.value.DEEP` leave Python's cyclic collector;
everything else about them (values, gradients, freeing) stays the same."""
import gc
import math
import random
import weakref

import pytest

import autograd.value as value_module
from autograd import Value, toposort

needs_untrack = pytest.mark.skipif(value_module.DEEP == math.inf, reason="no CPython C API here")

OPS = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: b - a, lambda a, b: a / (1 + b * b),
    lambda a, b: 0.5 * b, lambda a, b: 2.0 + b, lambda a, b: b.tanh(), lambda a, b: (a * a + 0.1).sqrt(),
    lambda a, b: b.sigmoid() ** 2, lambda a, b: a.relu() - b.exp(),
]


def random_graph(seed, steps=120):
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    nodes = list(leaves)
    for _ in range(steps):
        nodes.append(rng.choice(OPS)(rng.choice(nodes), rng.choice(nodes[-4:])))
    return leaves, nodes


def longest_path(nodes):
    """Each node's longest path to a leaf (by id), computed from the parents alone."""
    depth = {}
    for node in toposort(nodes):  # parents first, the ops' inner nodes included; not the constants (depth 0)
        depth[id(node)] = max((depth.get(id(p), 0) + 1 for p in node._parents), default=0)
    return depth


@needs_untrack
@pytest.mark.parametrize("seed", range(6))
def test_exactly_the_nodes_deeper_than_the_threshold_leave_the_collector(seed, monkeypatch):
    monkeypatch.setattr(value_module, "DEEP", 6)
    _, nodes = random_graph(seed)
    depth = longest_path(nodes)
    assert max(depth.values()) > 12  # the graph reaches well past the threshold
    for node in nodes:
        assert gc.is_tracked(node) == (depth[id(node)] <= 6), (node._op, depth[id(node)])
        for p in node._parents:
            assert gc.is_tracked(p) == (depth.get(id(p), 0) <= 6)


@pytest.mark.parametrize("seed", range(6))
def test_gradients_are_the_same_whether_nodes_are_tracked_or_not(seed, monkeypatch):
    leaves, nodes = random_graph(seed)
    nodes[-1].backward()
    monkeypatch.setattr(value_module, "DEEP", 3)
    deep_leaves, deep_nodes = random_graph(seed)
    deep_nodes[-1].backward()
    assert [v.data for v in deep_nodes] == [v.data for v in nodes]
    assert [v.grad for v in deep_leaves] == [v.grad for v in leaves]


def test_a_chain_past_the_default_depth_leaves_the_collector_and_still_differentiates():
    x0 = x = Value(1.0)
    n = value_module.DEEP // 2 + 100  # two nodes per step
    for _ in range(n):
        x = x * 1.0001 + 0.0001
    if value_module.DEEP != math.inf:
        assert not gc.is_tracked(x)
        assert gc.is_tracked(x0)
        # Depths stop at DEEP: the chain's deep nodes share one int instead of holding one each.
        assert x._depth == value_module.DEEP and x._a._depth is x._depth
    x.backward()
    assert x0.grad == pytest.approx(1.0001**n, rel=1e-12)


@needs_untrack
def test_an_untracked_graph_is_freed_by_reference_counting_alone(monkeypatch):
    monkeypatch.setattr(value_module, "DEEP", 10)
    x = Value(0.5)
    for _ in range(200):
        x = (x * 0.9).tanh() + 0.1
    assert not gc.is_tracked(x)
    deepest, middle = weakref.ref(x), weakref.ref(x._a._a)
    x.backward()
    enabled = gc.isenabled()
    gc.disable()  # no collection may free it: only reference counts
    try:
        del x
        assert deepest() is None and middle() is None
    finally:
        if enabled:
            gc.enable()
