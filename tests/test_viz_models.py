"""draw_graph for models and large graphs: module blocks, page width, collapsing repeated structure."""
import math
import re

import numpy as np
import pytest

from autograd import Tensor, Value, draw_graph, scope
from test_viz import needs_renderer, svg_texts


def _hand_scoped():
    x = Tensor(np.ones((2, 3)), name="x")
    w1 = Tensor(np.ones((3, 4)), requires_grad=True, name="w1")
    w2 = Tensor(np.ones((4, 1)), requires_grad=True, name="w2")
    with scope("Linear(3→4)"):
        h = (x @ w1).relu()
    with scope("Linear(4→1)"):
        y = h @ w2
    return y.sum()


def test_scopes_become_blocks_and_expand_opens_them():
    g = draw_graph(_hand_scoped())
    blocks = [n for n in g.nodes if n["kind"] == "block"]
    assert [b["label"] for b in blocks] == ["Linear(3→4)", "Linear(4→1)"]
    # d(sum)/dw1 = xᵀ · 1 (relu passes everything, w2 is ones): 2 in each of 12 entries
    assert blocks[0]["params"] == [f"w1 (3, 4)  ‖grad‖ {2 * math.sqrt(12):.4g}"] and blocks[0]["shape"] == [2, 4]
    assert "matmul" not in g.source and "@" not in g.source
    opened = draw_graph(_hand_scoped(), expand=True)
    clusters = re.findall(r"subgraph (cluster_\d+) \{\n(.*?)\n  \}", opened.source, re.S)
    assert [re.search(r'label="([^"]*)"', b).group(1) for _, b in clusters] == ["Linear(3→4)", "Linear(4→1)"]
    assert [re.findall(r'_op \[id="\w+", label="([^"]+)"', b) for _, b in clusters] == [["@", "relu"], ["@"]]


MODULE_GOLDEN = """digraph chainrule {
  graph [rankdir=TB, fontname=Helvetica, fontsize=11];
  node [shape=record, fontname=Helvetica, fontsize=10];
  edge [color="#555555", fontname=Helvetica, fontsize=9, fontcolor="#1d4ed8"];
  n0 [id="n0", label="{ x | (1, 2) float32 | [[1, 2]] }", style="filled", fillcolor="#e5e7eb"];
  n1 [id="n1", label="{ Linear(2→1) | weight (1, 2)  ‖grad‖ 2.236 | bias (1,)  ‖grad‖ 1 | (1, 1) float32 | [[3.5]] | grad [[1]] }", shape=Mrecord, style="filled", fillcolor="#dcfce7", color="#15803d"];
  n2 [id="n2", label="{ () float32 | 3.5 | grad 1 }", style="filled", fillcolor="#ffffff", penwidth=2];
  n2_op [id="n2_op", label="mean", shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3];
  n2_op -> n2 [id="n2_out"];
  n0 -> n1 [id="e0"];
  n1 -> n2_op [id="e1"];
}
"""


def test_module_block_golden_and_mean_is_one_op():
    nn = pytest.importorskip("nn")
    layer = nn.Linear(2, 1)
    layer.weight.data[...] = [[1.0, 1.0]]
    layer.bias.data[...] = [0.5]
    loss = layer(Tensor(np.array([[1.0, 2.0]], dtype=np.float32), name="x")).mean()
    g = draw_graph(loss)
    assert g.source == MODULE_GOLDEN  # ‖d/dweight‖ = ‖x‖ = √5, d/dbias = 1
    assert "sum" not in g.source


def test_nn_model_blocks_and_names():
    nn = pytest.importorskip("nn")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = model(Tensor(np.ones((5, 3), dtype=np.float32))).sum()
    g = draw_graph(loss, names=dict(model.named_parameters()))
    assert [n["label"] for n in g.nodes if n["kind"] == "block"] == ["Linear(3→4)", "ReLU", "Linear(4→2)"]
    assert g.rankdir == "TB"
    opened = draw_graph(loss, names=dict(model.named_parameters()), expand=True)
    assert {n["label"] for n in opened.nodes if n["kind"] == "param"} == {"0.weight", "0.bias", "2.weight", "2.bias"}


@needs_renderer
def test_mnist_sized_model_fits_a_page_width():
    nn = pytest.importorskip("nn")
    model = nn.MLP([784, 300, 100, 10])
    x = Tensor(np.random.default_rng(0).normal(size=(2, 784)).astype(np.float32), name="x")
    g = draw_graph(model(x).mean(), names=dict(model.named_parameters()))
    svg = g.svg()
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1)) * 96 / 72
    assert width <= 1200
    texts = svg_texts(svg)
    assert {"Linear(784→300)", "Linear(300→100)", "Linear(100→10)", "mean"} <= texts
    assert any(t.startswith("weight (300, 784)") for t in texts)
    assert all(float(f) >= 9 for f in re.findall(r'font-size="([\d.]+)"', svg))  # readable, not shrunk


def test_large_graph_collapses_its_repeated_unit():
    x0 = Value(1.0, label="x")
    x = x0
    n = 20_000
    for _ in range(n):
        x = x * 1.0001 + 0.0001
    g = draw_graph(x)
    summary = next(d for d in g.nodes if d["kind"] == "summary")
    drawn = [d for d in g.nodes if d["kind"] not in ("summary", "const")]
    assert summary["repeat"] == ["*", "+"] and summary["count"] + len(drawn) == 2 * n + 1 + summary["leaves"] - 1
    assert summary["times"] == pytest.approx(n, abs=len(drawn))
    assert len(drawn) <= 60 // 4 + 1 and g.hidden == summary["count"]
    assert "* → +" in g.source and g.source.count("hidden ->") == 1
    last = next(d for d in g.nodes if d["id"] == g.root)
    assert last["data"] == pytest.approx(1.0001 ** n + (1.0001 ** n - 1), rel=1e-9)  # the closed form
    assert draw_graph(x, max_nodes=None).hidden == 0


def test_large_tensor_model_collapses_repeated_blocks():
    nn = pytest.importorskip("nn")
    layers = []
    for _ in range(40):
        layers += [nn.Linear(4, 4), nn.Tanh()]
    model = nn.Sequential(*layers)
    g = draw_graph(model(Tensor(np.ones((2, 4), dtype=np.float32), name="x")).sum(), max_nodes=30)
    summary = next(d for d in g.nodes if d["kind"] == "summary")
    assert summary["repeat"] == ["Linear(4→4)", "Tanh"] and len(g.nodes) <= 12


@needs_renderer
def test_large_graph_picture_stays_small():
    x = Value(1.0, label="x")
    for _ in range(5000):
        x = (x * 1.0001).tanh() + 0.5
    svg = draw_graph(x).svg()
    w, h = (float(v) * 96 / 72 for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert w <= 2000 and h <= 4000
    assert "× 4,9" in " ".join(svg_texts(svg))
