"""explain_backward: the chain rule step by step, and totals equal to backward()'s gradients."""
import math
import random

import numpy as np
import pytest

from autograd import Tensor, Value, explain_backward
from autograd.explain import Step


def lesson(w=0.5, x=2.0, b=0.1, y=3.0):
    """loss = (w·x + b − y)², every leaf labelled."""
    w, x, b, y = Value(w, label="w"), Value(x, label="x"), Value(b, label="b"), Value(y, label="y")
    loss = (w * x + b - y) ** 2
    loss.label = "loss"
    return loss, (w, x, b, y)


def test_lesson_reads_as_the_chain_rule_by_hand():
    loss, (w, x, b, y) = lesson()
    e = explain_backward(loss)
    r = 0.5 * 2.0 + 0.1 - 3.0  # the residual, -1.9
    text = str(e)
    assert "loss = (w*x+b-y)**2" in text
    assert f"dloss/d(w*x+b-y) += dloss/dloss * d((w*x+b-y)**2)/d(w*x+b-y) = 1 * {2 * r:.6g} = {2 * r:.6g}" in text
    assert f"dloss/dw += dloss/d(w*x) * d(w*x)/dw = {2 * r:.6g} * 2 = {2 * r * 2:.6g}" in text
    assert f"dloss/dy += dloss/d(w*x+b-y) * d(w*x+b-y)/dy = {2 * r:.6g} * -1 = {-2 * r:.6g}" in text
    # explain_backward ran the backward pass: the leaves hold the true gradients
    assert (w.grad, x.grad, b.grad, y.grad) == pytest.approx((2 * r * 2.0, 2 * r * 0.5, 2 * r, -2 * r))
    for leaf in (w, x, b, y):
        assert e.totals[leaf] == pytest.approx(leaf.grad)
    rows = list(e)
    assert all(isinstance(s, Step) for s in rows) and len(rows) == len(e) == 7
    assert [(s.node, s.parent) for s in rows[-2:]] == [("w*x", "w"), ("w*x", "x")]
    for s in rows:
        assert s.product == pytest.approx(s.upstream * s.local)


def test_equals_backward_of_an_identical_graph():
    loss, leaves = lesson(1.3, -0.7, 0.2, 0.9)
    explain_backward(loss)
    loss2, leaves2 = lesson(1.3, -0.7, 0.2, 0.9)
    loss2.backward()
    assert [v.grad for v in leaves] == [v.grad for v in leaves2]


def test_accumulation_is_shown_when_a_node_is_used_twice():
    a = Value(3.0, label="a")
    out = a * a + a
    e = explain_backward(out)
    totals = [s.total for s in e if s.parent == "a"]
    assert totals == [1.0, 4.0, 7.0]  # 1, then + 3, then + 3: d(a² + a)/da = 2a + 1
    assert a.grad == 7.0


def _random_value_graph(rng):
    leaves = [Value(rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(4)]
    pool = list(leaves)
    for _ in range(rng.randint(3, 25)):
        a, b = rng.choice(pool), rng.choice(pool)
        op = rng.choice(["add", "mul", "sub", "tanh", "sigmoid", "relu", "exp", "square", "const"])
        if op == "add":
            v = a + b
        elif op == "mul":
            v = a * b
        elif op == "sub":
            v = a - b
        elif op == "square":
            v = a ** 2
        elif op == "const":
            v = 0.5 * a + 1.0
        elif op == "exp":
            v = a.tanh().exp()
        else:
            v = getattr(a, op)()
        pool.append(v)
    out = pool[-1] + 0.25 * rng.choice(pool[:-1])
    return out, leaves


@pytest.mark.parametrize("seed", range(25))
def test_random_value_graphs_match_backward(seed):
    out, leaves = _random_value_graph(random.Random(seed))
    e = explain_backward(out)
    got = [e.totals.get(x, 0.0) for x in leaves]
    out2, leaves2 = _random_value_graph(random.Random(seed))
    out2.backward()
    assert got == pytest.approx([x.grad for x in leaves2], rel=1e-12, abs=1e-15)
    assert [x.grad for x in leaves] == pytest.approx([x.grad for x in leaves2], rel=1e-12, abs=1e-15)
    for s in e:
        if s.local is None:  # a zero upstream gradient: the product is zero whatever the local derivative
            assert s.upstream == 0 and s.product == 0
        else:
            assert s.product == pytest.approx(s.upstream * s.local, rel=1e-12, abs=1e-15)


def _random_tensor_graph(seed):
    rng = np.random.default_rng(seed)
    W = Tensor(rng.normal(size=(3, 4)), requires_grad=True, name="W")
    b = Tensor(rng.normal(size=(4,)), requires_grad=True, name="b")
    x = Tensor(rng.normal(size=(5, 3)), name="x")
    h = x @ W + b  # broadcasting: the walker's un-broadcast must show up in the products
    for op in rng.choice(["tanh", "sigmoid", "square", "mulW", "relu"], size=4):
        h = {"tanh": h.tanh, "sigmoid": h.sigmoid, "relu": h.relu, "square": lambda: h * h,
             "mulW": lambda: h * (b * 0.5)}[op]()
    return (h.mean() + (W * W).sum() * 0.1), (W, b)


@pytest.mark.parametrize("seed", range(6))
def test_random_tensor_graphs_match_backward(seed):
    loss, params = _random_tensor_graph(seed)
    e = explain_backward(loss)
    loss2, params2 = _random_tensor_graph(seed)
    loss2.backward()
    for p, p2 in zip(params, params2):
        np.testing.assert_allclose(e.totals[p], p2.grad.data, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(p.grad.data, p2.grad.data, rtol=1e-12, atol=1e-15)
    assert all(s.local is None for s in e)
    assert e.totals[params[1]].shape == (4,)


def test_tensor_text_and_html_say_products_are_vjps():
    W = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True, name="W")
    loss = (Tensor(np.ones((1, 2)), name="x") @ W).tanh().sum()
    e = explain_backward(loss)
    text = str(e)
    assert "vector-Jacobian product" in text and "L = sum(tanh(x@W))" in text
    assert "dL/dW += vjp(dL/d(x@W))" in text
    html = e._repr_html_()
    assert html.count("<tr>") == len(e) + 1 and "vector-Jacobian" in html and "<th>parent</th>" in html


def test_html_for_values_escapes_names():
    a = Value(2.0, label="a<b>")
    e = explain_backward(a * 3.0)
    assert "a&lt;b&gt;" in e._repr_html_() and "<b>L</b>" in e._repr_html_()


def test_errors():
    loss, _ = lesson()
    loss.backward()
    with pytest.raises(RuntimeError, match="already freed by a backward"):
        explain_backward(loss)
    t = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"one number, got shape \(3,\)"):
        explain_backward(t * 2.0)
    with pytest.raises(ValueError, match="does not require grad"):
        explain_backward(Tensor(np.ones(1)) * 2.0)
    with pytest.raises(TypeError, match="Value or a Tensor, got float"):
        explain_backward(1.0)


def test_retain_graph_allows_a_second_explanation():
    loss, (w, *_rest) = lesson()
    first = explain_backward(loss, retain_graph=True)
    second = explain_backward(loss)
    assert [s.product for s in first] == [s.product for s in second]
    assert w.grad == pytest.approx(2 * first.totals[w])  # backward ran twice: gradients accumulate
    assert math.isfinite(w.grad)


def test_names_label_tensors():
    W = Tensor(np.ones((2, 2)), requires_grad=True)
    loss = (Tensor(np.ones((1, 2))) @ W).sum()
    text = str(explain_backward(loss, names={"weight": W}))
    assert "dL/dweight += vjp(" in text


def test_separate_equal_expressions_get_separate_names():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    out = (a * b) + (a * b).tanh()
    e = explain_backward(out)
    assert len({s.node for s in e}) == len({id(n) for n in e.totals} - {id(a), id(b)})
    assert e.totals[a] == pytest.approx(a.grad) and a.grad == pytest.approx(3.0 + (1 - math.tanh(6.0) ** 2) * 3.0)


class _Counting:
    """Wraps every backward function of a graph to count its calls."""

    def __init__(self, root):
        from autograd import toposort

        self.calls = {}
        for n in toposort([root]):
            if n._backward is not None:
                n._backward = self._wrap(n, n._backward)

    def _wrap(self, node, fn):
        def counted(*args):
            self.calls[id(node)] = self.calls.get(id(node), 0) + 1
            return fn(*args)

        return counted


@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_each_backward_runs_once_per_explanation(kind):
    if kind == "value":
        root, _ = lesson()
    else:
        root, _ = _random_tensor_graph(3)
    counter = _Counting(root)
    e = explain_backward(root)
    assert counter.calls and set(counter.calls.values()) == {1}
    assert len({s.node for s in e}) == len(counter.calls)


def test_zero_upstream_writes_the_local_derivative_as_not_needed():
    a = Value(-1.0, label="a")
    out = (a * 3.0).relu()  # relu'(-3) = 0: nothing flows back to a*3
    e = explain_backward(out)
    step = next(s for s in e if s.parent == "a")
    assert step.upstream == 0 and step.local is None and step.product == 0
    assert "* (not needed) = 0" in str(e)
