"""draw_graph: the node/edge model, DOT, JSON, SVG/PNG rendering and its fallbacks."""
import json
import math
import re
import shutil
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd import Tensor, Value, concatenate, draw_graph, no_grad, scope, where
from autograd import viz

HAS_RENDERER = viz.find_renderer() is not None
needs_renderer = pytest.mark.skipif(not HAS_RENDERER, reason="no Graphviz renderer (dot or graphviz-pure)")


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()
    return o


def svg_texts(svg):
    root = ET.fromstring(svg)  # raises if the SVG is not well-formed XML
    return {t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text}


# (w*x + b - y) ** 2: operand names on the edges of "-" and "**", every node with its gradient,
# intermediate nodes named by the expression they compute, w and b parameters, x and y inputs.
GOLDEN = """digraph chainrule {
  graph [rankdir=LR, fontname=Helvetica, fontsize=11];
  node [shape=record, fontname=Helvetica, fontsize=10];
  edge [color="#555555", fontname=Helvetica, fontsize=9, fontcolor="#1d4ed8"];
  n0 [id="n0", label="{ w | data 0.5 | grad -7.6 }", style="filled", fillcolor="#dbeafe"];
  n1 [id="n1", label="{ x | data 2 | grad -1.9 }", style="filled", fillcolor="#e5e7eb"];
  n2 [id="n2", label="{ w*x | data 1 | grad -3.8 }", style="filled", fillcolor="#ffffff"];
  n2_op [id="n2_op", label="*", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n2_op -> n2 [id="n2_out"];
  n3 [id="n3", label="{ b | data 0.1 | grad -3.8 }", style="filled", fillcolor="#dbeafe"];
  n4 [id="n4", label="{ w*x+b | data 1.1 | grad -3.8 }", style="filled", fillcolor="#ffffff"];
  n4_op [id="n4_op", label="+", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n4_op -> n4 [id="n4_out"];
  n5 [id="n5", label="{ y | data 3 | grad 3.8 }", style="filled", fillcolor="#e5e7eb"];
  n6 [id="n6", label="{ w*x+b-y | data -1.9 | grad -3.8 }", style="filled", fillcolor="#ffffff"];
  n6_op [id="n6_op", label="-", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n6_op -> n6 [id="n6_out"];
  n7 [id="n7", label="{ loss | data 3.61 | grad 1 }", style="filled", fillcolor="#ffffff", penwidth=2];
  n7_op [id="n7_op", label="**", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n7_op -> n7 [id="n7_out"];
  n7_c1 [id="n7_c1", label="{ 2 }", style="dashed", fontcolor="#555555"];
  n0 -> n2_op [id="e0"];
  n1 -> n2_op [id="e1"];
  n2 -> n4_op [id="e2"];
  n3 -> n4_op [id="e3"];
  n4 -> n6_op [id="e4", label="a"];
  n5 -> n6_op [id="e5", label="b"];
  n6 -> n7_op [id="e6", label="base"];
  n7_c1 -> n7_op [id="e7", label="exp", weight=0];
}
"""


def lesson(w=0.5, x=2.0, b=0.1, y=3.0):
    w, x, b, y = Value(w, label="w"), Value(x, label="x"), Value(b, label="b"), Value(y, label="y")
    loss = (w * x + b - y) ** 2
    loss.label = "loss"
    return loss, (w, x, b, y)


def small():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    o = (a * b + 10).tanh()
    o.label = "o"
    o.backward()
    return o


def test_dot_golden_operand_order_and_intermediate_gradients():
    loss, (w, x, b, y) = lesson()
    assert draw_graph(loss, params=[w, b]).source == GOLDEN
    loss2, leaves = lesson()
    assert draw_graph(loss2, params=[leaves[0], leaves[2]]).source == draw_graph(loss2, params=[leaves[0], leaves[2]]).source


def test_two_to_the_power_is_not_the_square():
    a = Value(3.0, label="a")
    square, power = draw_graph(a ** 2), draw_graph(2 ** a)
    # the constant is the exponent of one and the base of the other: the edge labels say which
    assert re.search(r'_c1 -> n\d_op \[id="e\d", label="exp"', square.source)
    assert re.search(r'_c0 -> n\d_op \[id="e\d", label="base"', power.source)
    by_label = {e["label"] for e in power.edges}
    assert by_label == {"base", "exp"}


@pytest.mark.parametrize("make, labels", [
    (lambda a, b: a - b, ["a", "b"]), (lambda a, b: a / b, ["a", "b"]), (lambda a, b: a ** b, ["base", "exp"]),
    (lambda a, b: a @ b, ["a", "b"]), (lambda a, b: a + b, ["", ""]), (lambda a, b: a * b, ["", ""]),
    (lambda a, b: where(np.eye(2, dtype=bool), a, b), ["if true", "if false"]),
    (lambda a, b: concatenate([a, b]), ["0", "1"]), (lambda a, b: a.maximum(b), ["", ""]),
])
def test_operand_labels_follow_argument_order(make, labels):
    a = Tensor(np.full((2, 2), 2.0), requires_grad=True, name="A")
    b = Tensor(np.full((2, 2), 3.0), requires_grad=True, name="B")
    g = draw_graph(make(a, b).sum())
    ids = {n["label"]: n["id"] for n in g.nodes}
    into = sorted((e["index"], e["source"], e["label"]) for e in g.edges if e["source"] in (ids["A"], ids["B"]))
    assert [(s, lab) for _, s, lab in into] == [(ids["A"], labels[0]), (ids["B"], labels[1])]


def test_every_node_shows_its_gradient_as_torch_computes_it():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    W0, b0, x0 = rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(5, 3))
    W, b = Tensor(W0, requires_grad=True, name="W"), Tensor(b0, requires_grad=True, name="b")
    h = (Tensor(x0, name="x") @ W + b).tanh()
    loss = (h * h).sum()
    g = draw_graph(loss)  # before backward: the drawing asks the walker for the gradients
    assert W.grad is None  # ... and leaves .grad alone
    tW, tb = torch.tensor(W0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    steps = [torch.tensor(x0) @ tW]
    steps.append(steps[-1] + tb)
    steps.append(steps[-1].tanh())
    steps.append(steps[-1] * steps[-1])
    for t in steps:
        t.retain_grad()
    steps[-1].sum().backward()
    results = [n for n in g.nodes if n["kind"] == "result"]
    assert len(results) == len(steps) + 1  # and the sum
    for node, t in zip(results, steps):
        want = t.grad.numpy()
        assert node["grad_norm"] == pytest.approx(np.linalg.norm(want), rel=1e-9)
        assert node["grad"]["mean"] == pytest.approx(want.mean(), rel=1e-9, abs=1e-12)
    assert [n["expr"] for n in results[:3]] == ["x@W", "x@W+b", "tanh(x@W+b)"]
    assert "‖grad‖" in g.source


def test_after_a_plain_backward_a_tensor_graph_shows_every_gradient():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="w")
    sq = w * w
    loss = sq.sum()
    before = draw_graph(loss).nodes
    loss.backward()  # frees the graph: the drawing replays the pass with the functions kept aside
    after = draw_graph(loss)
    assert "not shown" not in after.source
    assert [n["grad"] for n in after.nodes] == [n["grad"] for n in before]
    assert next(n for n in after.nodes if n["label"] == "w")["grad"]["values"] == [2.0, 4.0]
    assert sq.grad is None and w.grad.tolist() == [2.0, 4.0]  # the replay leaves .grad alone
    with pytest.raises(RuntimeError, match="a second time"):
        loss.backward()  # still refused


def test_a_graph_changed_in_place_after_backward_says_what_is_missing():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="w")
    e = w.exp()
    loss = e.sum()
    loss.backward()
    with no_grad():
        e += 1.0  # exp's backward needs its output: the pass cannot be replayed
    g = draw_graph(loss)
    assert "gradients of computed tensors not shown" in g.source
    assert next(n for n in g.nodes if n["label"] == "w")["grad"]["values"] == pytest.approx(np.exp([1.0, 2.0]))


def test_after_backward_value_graphs_keep_every_gradient():
    loss, (w, x, b, y) = lesson()
    loss.backward()  # frees the graph: the drawing reads .grad, which every Value keeps
    by_expr = {n["expr"] or n["label"]: n for n in draw_graph(loss).nodes}
    r = 0.5 * 2.0 + 0.1 - 3.0
    assert by_expr["w*x+b-y"]["grad"] == pytest.approx(2 * r) and by_expr["w*x"]["grad"] == pytest.approx(2 * r)
    assert by_expr["w"]["grad"] == pytest.approx(2 * r * 2.0)


def test_kinds_inputs_parameters_constants():
    loss, (w, x, b, y) = lesson()
    kinds = {n["label"]: n["kind"] for n in draw_graph(loss, params=[w]).nodes if n["label"]}
    assert kinds == {"w": "param", "x": "input", "b": "input", "y": "input", "loss": "result"}
    t = Tensor(np.ones(3), requires_grad=True, name="t")
    data = Tensor(np.ones(3), name="data")
    g = draw_graph((t * data * 0.5).sum())
    kinds = {n["label"] or n["expr"]: n["kind"] for n in g.nodes}
    assert kinds["t"] == "param" and kinds["data"] == "input" and "const" in kinds.values()


def test_value_model_has_data_grad_and_kinds():
    o = neuron()
    g = draw_graph(o)
    by_label = {n["label"]: n for n in g.nodes if n["label"]}
    assert set(by_label) == {"x1", "x2", "w1", "w2", "b", "o"}
    assert by_label["o"]["data"] == pytest.approx(math.sqrt(0.5)) and by_label["o"]["grad"] == 1.0
    # do/dw1 = (1 - o^2) * x1 = 0.5 * 2
    assert by_label["w1"]["grad"] == pytest.approx(1.0) and by_label["x1"]["grad"] == pytest.approx(-1.5)
    assert by_label["o"]["kind"] == "result" and by_label["o"]["op"] == "tanh"
    assert sorted(n["op"] for n in g.nodes if n["op"]) == ["*", "*", "+", "+", "tanh"]
    assert len(g.edges) == 9 and g.root == by_label["o"]["id"]
    assert "grad" not in draw_graph(o, show_grad=False).nodes[0]


def test_constants_are_drawn_beside_each_use():
    g = draw_graph(small())
    const = [n for n in g.nodes if n["kind"] == "const"]
    assert len(const) == 1 and const[0]["data"] == 10.0
    assert any(e["source"] == const[0]["id"] for e in g.edges)
    x = Value(1.0, label="x")
    shared = draw_graph(x * 3.0 + x * 3.0)  # one shared constant node, drawn twice
    assert sum(n["kind"] == "const" for n in shared.nodes) == 2


def test_json_round_trips(tmp_path):
    g = draw_graph(neuron())
    path = g.save(tmp_path / "g.json")
    assert json.loads(path.read_text()) == g.to_dict()
    t = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, name="t")
    loss = (t * np.array([1.0, np.nan, 2.0, 3.0])).sum()
    loss.backward()
    d = json.loads(draw_graph(loss).to_json(), parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    node = next(n for n in d["nodes"] if n["label"] == "t")
    assert node["shape"] == [3, 4] and node["dtype"] == "float64"
    assert node["data"] == {"min": 0.0, "mean": 5.5, "max": 11.0}
    assert node["grad"]["max"] == "nan"  # strict JSON: NaN written as a string


def test_tensor_nodes_summaries():
    w = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True, name="w")
    x = Tensor(np.linspace(0, 1, 30).reshape(10, 3), name="x")
    loss = ((x * w).tanh() * 2.0).sum()
    g = draw_graph(loss)
    loss.backward()
    wn = next(n for n in g.nodes if n["label"] == "w")
    assert wn["kind"] == "param" and wn["data"] == {"values": [1.0, -2.0, 3.0]}
    assert wn["grad"]["values"] == pytest.approx(w.grad.data.tolist())
    xn = next(n for n in g.nodes if n["label"] == "x")
    assert xn["kind"] == "input" and set(xn["data"]) == {"min", "mean", "max"} and "grad" not in xn
    tanh = next(n for n in g.nodes if n["op"] == "tanh")
    assert tanh["grad"] == {"min": 2.0, "mean": 2.0, "max": 2.0} and tanh["expr"] == "tanh(x*w)"
    two = next(n for n in g.nodes if n["kind"] == "const")
    assert two["data"] == {"values": 2.0}
    assert 'label="w | (3,) float64 | [1, -2, 3] | grad [' in g.source  # tensors stack vertically in LR
    assert "min 0  mean 0.5  max 1" in g.source and "‖grad‖ " + f"{2 * math.sqrt(30):.4g}" in g.source


def test_nonfinite_nodes_are_red():
    a = Value(1.0, label="a")
    bad = a * math.inf
    bad.label = "bad"
    out = bad - bad
    # d(out)/da = inf - inf is NaN, so with gradients a is flagged too; without, only the values count
    assert {n["label"] for n in draw_graph(out).nodes if n["nonfinite"]} >= {"bad", "a"}
    g = draw_graph(out, show_grad=False)
    flagged = {n["label"] for n in g.nodes if n["nonfinite"]}
    assert "bad" in flagged and "a" not in flagged
    line_bad = next(l for l in g.source.splitlines() if "{ bad |" in l)
    line_a = next(l for l in g.source.splitlines() if "{ a |" in l)
    assert 'fillcolor="#fecaca"' in line_bad and "#fecaca" not in line_a
    t = Tensor(np.array([1.0, np.nan]), requires_grad=True, name="t")
    g = draw_graph(t * 2.0)
    assert next(n for n in g.nodes if n["id"] == g.root)["nonfinite"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_nodes must be an int"):
        draw_graph(small(), max_nodes=2.5)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(small(), rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(small(), max_nodes=0)
    with pytest.raises(TypeError, match="Value or a Tensor, got list"):
        draw_graph([1, 2])
    with pytest.raises(ValueError, match=r"unknown extension '.txt'"):
        draw_graph(small()).save("g.txt")


@needs_renderer
def test_svg_is_xml_with_every_label(tmp_path):
    g = draw_graph(neuron())
    texts = svg_texts(g.svg())
    for label in ("x1", "x2", "w1", "w2", "b", "o", "*", "+", "tanh", "data 0.7071", "grad -1.5"):
        assert label in texts
    assert g._repr_svg_() == g.svg()
    assert g._repr_mimebundle_()["image/svg+xml"] == g.svg()
    assert svg_texts(g.save(tmp_path / "n.svg").read_text()) == texts


@needs_renderer
def test_png(tmp_path):
    data = draw_graph(small()).save(tmp_path / "g.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_fallback_to_graphviz_pure_without_dot(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k))
    exe = viz.find_renderer()
    if exe is None:
        pytest.skip("graphviz-pure is not installed")
    assert "graphviz-pure" in exe
    assert {"x1", "tanh"} <= svg_texts(draw_graph(neuron()).svg())


@pytest.mark.skipif(shutil.which("dot") is None, reason="system Graphviz not installed")
def test_system_graphviz():
    assert viz.find_renderer() == shutil.which("dot")
    assert {"x1", "tanh"} <= svg_texts(draw_graph(neuron()).svg())


def test_no_renderer_keeps_dot_and_json_and_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert viz.find_renderer() is None
    loss, (w, x, b, y) = lesson()
    g = draw_graph(loss, params=[w, b])
    assert g.source == GOLDEN and json.loads(g.to_json())["nodes"]
    with pytest.raises(RuntimeError, match=r"pip install graphviz-pure.*apt-get install graphviz"):
        g.svg()
    with pytest.raises(RuntimeError, match="PNG"):
        g.save(tmp_path / "g.png")
    assert g._repr_svg_() is None
    assert "digraph chainrule" in g._repr_mimebundle_()["text/plain"]
    assert g.save(tmp_path / "g.dot").read_text() == GOLDEN


def test_summarize():
    assert viz.summarize(np.array([1.0, 2.5])) == "[1, 2.5]"
    assert viz.summarize(np.arange(10.0)) == "min 0  mean 4.5  max 9"
    assert viz.summarize(np.array([1.0, np.inf, 0, 0, 0, 0, 0])).endswith("(1 NaN/inf)")


@needs_renderer
def test_special_characters_survive_escaping():
    label = 'x{1} | <y> "q" \\ z'
    a = Value(1.0, label=label)
    with scope('Block "A" {x}'):
        t = Tensor(np.ones(2), requires_grad=True, name="t<0>") * 2.0
    g = draw_graph(a * 2.0, title='title "T"')
    texts = svg_texts(g.svg())
    assert label in texts and 'title "T"' in texts
    assert {"t<0>", 'Block "A" {x}'} <= svg_texts(draw_graph(t.sum(), expand=True).svg())
    assert 'Block "A" {x}' in svg_texts(draw_graph(t.sum()).svg())


def test_equal_layers_get_their_own_blocks_and_clusters():
    """Two scopes with one label (two equal layers) are two blocks, not one."""
    x = Tensor(np.ones(3), requires_grad=True)
    with scope("Linear(3→3)"):
        h = x * 2
    with scope("Linear(3→3)"):
        y = (h + 1).sum()
    g = draw_graph(y)
    assert [n["label"] for n in g.nodes if n["kind"] == "block"] == ["Linear(3→3)", "Linear(3→3)"]
    opened = draw_graph(y, expand=True)
    assert opened.source.count('label="Linear(3→3)"') == 2
    assert len({n["cluster"] for n in opened.nodes if n["scope"] == "Linear(3→3)" and n["op"]}) == 2


def test_to_graphviz_gives_the_same_source():
    a = Value(2.0, label="a")
    g = draw_graph((a * a).tanh())
    src = g.to_graphviz()
    assert src.source == g.source and "tanh" in src.source
