"""draw_graph: the node/edge model, DOT, JSON, SVG/PNG rendering and its fallbacks."""
import json
import math
import re
import shutil
import sys
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd import Tensor, Value, draw_graph, scope
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


GOLDEN = """digraph chainrule {
  graph [rankdir=LR, fontname=Helvetica, fontsize=11];
  node [shape=record, fontname=Helvetica, fontsize=10];
  edge [color="#555555"];
  n0 [label="{ 10 }", style="dashed", fontcolor="#555555"];
  n1 [label="{ a | data 2 | grad -0.004023 }", style="filled", fillcolor="#dbeafe"];
  n2 [label="{ b | data -3 | grad 0.002682 }", style="filled", fillcolor="#dbeafe"];
  n3 [label="{ data -6 | grad 0.001341 }", style="filled", fillcolor="#ffffff"];
  n3_op [label="*", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n3_op -> n3;
  n4 [label="{ data 4 | grad 0.001341 }", style="filled", fillcolor="#ffffff"];
  n4_op [label="+", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n4_op -> n4;
  n5 [label="{ o | data 0.9993 | grad 1 }", style="filled", fillcolor="#ffffff", penwidth=2];
  n5_op [label="tanh", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n5_op -> n5;
  n1 -> n3_op;
  n2 -> n3_op;
  n3 -> n4_op;
  n0 -> n4_op;
  n4 -> n5_op;
}
"""


def small():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    o = (a * b + 10).tanh()
    o.label = "o"
    o.backward()
    return o


def test_dot_golden_and_deterministic():
    assert draw_graph(small()).source == GOLDEN
    assert draw_graph(small()).source == draw_graph(small()).source


def test_value_model_has_data_grad_and_kinds():
    o = neuron()
    g = draw_graph(o)
    by_label = {n["label"]: n for n in g.nodes if n["label"]}
    assert set(by_label) == {"x1", "x2", "w1", "w2", "b", "o"}
    assert by_label["o"]["data"] == pytest.approx(math.sqrt(0.5)) and by_label["o"]["grad"] == 1.0
    # do/dw1 = (1 - o^2) * x1 = 0.5 * 2
    assert by_label["w1"]["grad"] == pytest.approx(1.0) and by_label["x1"]["grad"] == pytest.approx(-1.5)
    assert all(by_label[k]["kind"] == "param" for k in ("x1", "w1", "b"))
    assert by_label["o"]["kind"] == "result" and by_label["o"]["op"] == "tanh"
    assert sorted(n["op"] for n in g.nodes if n["op"]) == ["*", "*", "+", "+", "tanh"]
    assert len(g.edges) == 9 and g.root == by_label["o"]["id"]
    assert "grad" not in draw_graph(o, show_grad=False).nodes[0]


def test_constants_are_drawn_as_constant_nodes():
    g = draw_graph(small())
    const = [n for n in g.nodes if n["kind"] == "const"]
    assert len(const) == 1 and const[0]["data"] == 10.0
    assert any(e["source"] == const[0]["id"] for e in g.edges)
    assert re.search(r'n0 \[label="\{ 10 \}", style="dashed"', g.source)


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


def test_tensor_nodes_summaries_and_retained_grads():
    w = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True, name="w")
    x = Tensor(np.linspace(0, 1, 30).reshape(10, 3), name="x")
    h = (x * w).tanh()
    h.retain_grad()
    loss = (h * 2.0).sum()
    loss.backward()
    g = draw_graph(loss)
    wn = next(n for n in g.nodes if n["label"] == "w")
    assert wn["kind"] == "param" and wn["data"] == {"values": [1.0, -2.0, 3.0]}
    assert wn["grad"]["values"] == pytest.approx(w.grad.data.tolist())
    xn = next(n for n in g.nodes if n["label"] == "x")
    assert xn["kind"] == "input" and set(xn["data"]) == {"min", "mean", "max"} and xn["grad"] is None
    tanh = next(n for n in g.nodes if n["op"] == "tanh")
    assert tanh["grad"] is not None  # retained
    muls = [n for n in g.nodes if n["op"] == "mul"]
    assert len(muls) == 2 and all(n["grad"] is None for n in muls)  # non-leaves keep no grad unless retained
    two = next(n for n in g.nodes if n["kind"] == "const")
    assert two["data"] == {"values": 2.0}
    assert 'label="{ w | (3,) float64 | [1, -2, 3] | grad [' not in g.source  # tensors stack vertically in LR
    assert 'label="w | (3,) float64 | [1, -2, 3] | grad [' in g.source
    assert "min 0  mean 0.5  max 1" in g.source


def test_nonfinite_nodes_are_red():
    a = Value(1.0, label="a")
    bad = a * math.inf
    bad.label = "bad"
    out = bad - bad
    g = draw_graph(out)
    flagged = {n["label"] for n in g.nodes if n["nonfinite"]}
    assert "bad" in flagged and "a" not in flagged
    line_bad = next(l for l in g.source.splitlines() if "{ bad |" in l)
    line_a = next(l for l in g.source.splitlines() if "{ a |" in l)
    assert 'fillcolor="#fecaca"' in line_bad and "#fecaca" not in line_a
    t = Tensor(np.array([1.0, np.nan]), requires_grad=True, name="t")
    assert draw_graph(t * 2.0).nodes[-1]["nonfinite"]


def test_scopes_become_clusters():
    x = Tensor(np.ones((2, 3)), name="x")
    w1 = Tensor(np.ones((3, 4)), requires_grad=True, name="w1")
    w2 = Tensor(np.ones((4, 1)), requires_grad=True, name="w2")
    with scope("Linear(3→4)"):
        h = (x @ w1).relu()
    with scope("Linear(4→1)"):
        y = h @ w2
    loss = y.sum()
    g = draw_graph(loss)
    blocks = re.findall(r"subgraph (cluster_\d+) \{\n(.*?)\n  \}", g.source, re.S)
    assert [re.search(r'label="([^"]*)"', b).group(1) for _, b in blocks] == ["Linear(3→4)", "Linear(4→1)"]
    ops_in = [re.findall(r'_op \[label="([^"]+)"', b) for _, b in blocks]
    assert ops_in == [["matmul", "relu"], ["matmul"]]
    assert [n["scope"] for n in g.nodes if n["op"] == "sum"] == [None]


def test_nn_module_clusters():
    nn = pytest.importorskip("nn")
    if not hasattr(nn, "Linear"):
        pytest.skip("nn.Linear not available")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = model(Tensor(np.ones((5, 3), dtype=np.float32))).sum()
    loss.backward()
    g = draw_graph(loss, names=dict(model.named_parameters()))
    scopes = {n["scope"] for n in g.nodes} - {None}
    assert {model[0].scope_label(), model[2].scope_label()} <= scopes
    assert {n["label"] for n in g.nodes if n["kind"] == "param"} == {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_ten_thousand_nodes_dot_is_fast_and_truncation_is_explained():
    v = Tensor(np.ones(3), requires_grad=True, name="v")
    for _ in range(10_000):
        v = v * 1.0
    start = time.perf_counter()
    g = draw_graph(v, max_nodes=None)
    elapsed = time.perf_counter() - start
    assert len([n for n in g.nodes if n["kind"] != "const"]) == 10_001
    assert g.source.count("->") == 10_000 * 3  # op->result, input->op, constant->op
    assert elapsed < 10  # generous; typically a fraction of a second
    small = draw_graph(v)  # default max_nodes=500
    assert small.hidden == 10_001 - 500 and len([n for n in small.nodes if n["kind"] != "const"]) == 500
    assert "9501 earlier nodes not drawn" in small.source and "hidden ->" in small.source
    assert small.source.count("hidden ->") == 1


def test_bad_arguments():
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
    g = draw_graph(small())
    assert g.source == GOLDEN and json.loads(g.to_json())["nodes"]
    with pytest.raises(RuntimeError, match=r'pip install "chainrule\[viz\]".*apt-get install graphviz'):
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
    tg = draw_graph(t)
    assert {"t<0>", 'Block "A" {x}'} <= svg_texts(tg.svg())


def test_equal_layers_get_their_own_clusters():
    """Two scopes with one label (two equal layers) are two clusters, not one."""
    x = Tensor(np.ones(3), requires_grad=True)
    with scope("Linear(3→3)"):
        h = x * 2
    with scope("Linear(3→3)"):
        y = (h + 1).sum()
    g = draw_graph(y)
    assert g.source.count('label="Linear(3→3)"') == 2
    assert len({n["cluster"] for n in g.nodes if n["scope"] == "Linear(3→3)"}) == 2


def test_to_graphviz_gives_the_same_source():
    a = Value(2.0, label="a")
    g = draw_graph((a * a).tanh())
    src = g.to_graphviz()
    assert src.source == g.source and "tanh" in src.source
