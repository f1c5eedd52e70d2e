"""`Value.backward()` walks its graph itself (the fast path); it must agree bit for bit with the shared
walker `run_backward`, which drawings, explanations and higher-order gradients still use."""
import math
import random

import pytest

from autograd import Value, toposort
from autograd.graph import GraphFreedError, run_backward
from autograd.modes import detect_anomaly
from autograd.graph import _scalar_order as _order

UNARY = [
    lambda v: -v, lambda v: v.tanh(), lambda v: v.sigmoid(), lambda v: v.relu(), lambda v: v.leaky_relu(0.2),
    lambda v: abs(v), lambda v: v.softplus(), lambda v: (v * v + 0.5).sqrt(), lambda v: (v.softplus() + 0.1).log(),
    lambda v: v.tanh().exp(), lambda v: v**2, lambda v: 2 ** v.tanh(), lambda v: 1.5 - 0.5 * v, lambda v: v / 3,
]
BINARY = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (1 + b * b),
    lambda a, b: (a.sigmoid() + 0.5) ** b.tanh(), lambda a, b: a * a, lambda a, b: b + 0.25,
]


def random_graph(seed, steps=60):
    """Leaves and every node built, in order; nodes are reused at random, so fan-out is high."""
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
    nodes = list(leaves)
    for _ in range(steps):
        if rng.random() < 0.4:
            nodes.append(rng.choice(UNARY)(rng.choice(nodes[-8:])))
        else:
            nodes.append(rng.choice(BINARY)(rng.choice(nodes), rng.choice(nodes)))
    return leaves, nodes


@pytest.mark.parametrize("seed", range(12))
def test_fast_backward_matches_the_shared_walker_exactly(seed):
    _, fast = random_graph(seed)
    _, slow = random_graph(seed)
    assert _order(fast[-1]) == toposort([fast[-1]])
    fast[-1].backward(retain_graph=True)
    run_backward([slow[-1]], [1.0], retain_graph=True)
    assert [n.grad for n in fast] == [n.grad for n in slow]
    fast[-1].backward()
    run_backward([slow[-1]], [1.0])
    assert [n.grad for n in fast] == [n.grad for n in slow]
    assert all(math.isfinite(n.grad) for n in fast)


def test_fast_backward_leaves_the_graph_as_the_shared_walker_does():
    leaves, nodes = random_graph(3)
    root = nodes[-1]
    root.backward()
    with pytest.raises(GraphFreedError, match="retain_graph=True"):
        root.backward()
    # The freed graph can still be replayed for a drawing, and gives the same gradients.
    order = toposort([root])
    captured = run_backward([root], [1.0], capture=set(order), replay=True)
    assert [captured.get(leaf, 0.0) for leaf in leaves] == [leaf.grad for leaf in leaves]


def test_refused_second_pass_changes_no_gradient():
    a = Value(2.0)
    b = a * 3.0
    c = b.tanh()
    b.backward()
    before = a.grad
    with pytest.raises(GraphFreedError):
        (c + a).backward()
    assert a.grad == before and c.grad == 0.0


def test_a_leaf_or_a_constant_as_root():
    a = Value(2.0)
    a.backward()
    assert a.grad == 1.0
    const = (a * 0.0)._parents[1]  # zero is never shared between nodes: this grad stays here
    const.backward()
    assert const.grad == 1.0 and a.grad == 1.0


def test_anomaly_mode_still_checks_value_gradients():
    x = Value(0.0)
    y = x.sqrt()
    with detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        y.backward()


def test_deep_chain_with_shared_constants():
    x0 = x = Value(1.0)
    for _ in range(100_000):
        x = x * 1.0001 + 0.0001
    x.backward()
    assert math.isclose(x0.grad, 1.0001**100_000, rel_tol=1e-9)
