"""`chainrule graph`: the safe expression parser and the files it writes."""
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import viz
from chainrule.cli import main
from chainrule.graph import ExpressionError, evaluate, parse_values

needs_renderer = pytest.mark.skipif(viz.find_renderer() is None, reason="no Graphviz renderer (dot or graphviz-pure)")
DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_json_output_holds_the_gradients(tmp_path):
    out = tmp_path / "g.json"
    assert main(["graph", "(a*b + c).tanh()", "--set", "a=2,b=-3,c=10", "-o", str(out)]) == 0
    nodes = {n["label"]: n for n in json.loads(out.read_text())["nodes"] if n["label"]}
    t = math.tanh(2 * -3 + 10)
    assert nodes["a"]["grad"] == pytest.approx((1 - t * t) * -3)
    assert nodes["b"]["grad"] == pytest.approx((1 - t * t) * 2)
    assert nodes["c"]["grad"] == pytest.approx(1 - t * t)


def test_dot_to_stdout_and_explain(capsysbinary):
    assert main(["graph", "a*b", "--set", "a=2", "--set", "b=-3", "--explain"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert "dL/da += dL/dL * d(a*b)/da = 1 * -3 = -3" in out
    assert out.count("digraph chainrule {") == 1 and '{ a | data 2 | grad -3 }' in out


def test_function_and_method_forms_agree():
    values = {"x": 0.3, "y": -1.2}
    f = evaluate("tanh(x * y) + exp(y) - relu(x) / 2", values)
    m = evaluate("(x * y).tanh() + y.exp() - x.relu() / 2", values)
    assert f.data == m.data == pytest.approx(math.tanh(0.3 * -1.2) + math.exp(-1.2) - 0.3 / 2)


def test_numbers_fold_into_constants():
    v = evaluate("a * (2 ** 3) + tanh(0) - -1", {"a": 1.5})
    assert v.data == pytest.approx(13.0)


@pytest.mark.parametrize("expr, message", [
    ("__import__('os')", "calling '__import__' is not allowed"),
    ("__import__('os').system('true')", "calling 'system' is not allowed"),
    ("a.__class__", "attribute access .__class__ is not allowed"),
    ("a.data", "attribute access .data is not allowed"),
    ("a.tanh.__call__()", "calling '__call__' is not allowed"),
    ("a.backward()", "calling 'backward' is not allowed"),
    ("(lambda: 1)()", "not of a Lambda"),
    ("[a, a]", "List is not allowed"),
    ("a[0]", "Subscript is not allowed"),
    ("[x for x in (a,)]", "ListComp is not allowed"),
    ("a if a else a", "IfExp is not allowed"),
    ("a // 2", "operator FloorDiv is not allowed"),
    ("'text'", "only numbers are allowed as constants"),
    ("True + a", "only numbers are allowed as constants"),
    ("tanh(a, a)", "tanh takes exactly one argument"),
    ("tanh", "tanh is a function"),
    ("d + 1", "name 'd' has no value"),
    ("1 + 2", "uses no variable"),
    ("a +", "cannot parse"),
    ("(-1) ** 0.5 + a", "is not a real number"),
])
def test_parser_refuses(expr, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        evaluate(expr, {"a": 1.0})


def test_refusal_from_the_command_line(capsys, tmp_path):
    out = tmp_path / "never.svg"
    assert main(["graph", "__import__('os').system('touch pwned')", "-o", str(out)]) == 2
    assert "not allowed" in capsys.readouterr().err and not out.exists()
    assert main(["graph", "log(a)", "--set", "a=-1"]) == 2
    assert "log: input must be > 0, got -1.0" in capsys.readouterr().err
    assert main(["graph", "a", "--set", "a=1", "-o", str(tmp_path / "g.txt")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_parse_values():
    assert parse_values(["a=2, b=-3.5", "c=1e-3"]) == {"a": 2.0, "b": -3.5, "c": 0.001}
    for bad in ("a", "2=3", "tanh=1", "a=x"):
        with pytest.raises(ExpressionError, match="--set"):
            parse_values([bad])


@needs_renderer
def test_svg_file(tmp_path):
    out = tmp_path / "n.svg"
    assert main(["graph", "(x1*w1 + x2*w2 + b).tanh()", "--set", "x1=2,x2=0,w1=-3,w2=1,b=6.8813735870195432",
                 "-o", str(out)]) == 0
    texts = {t.text for t in ET.parse(out).iter("{http://www.w3.org/2000/svg}text")}
    assert {"x1", "w1", "x2", "w2", "b", "tanh", "data 0.7071", "grad 0.5"} <= texts


def test_committed_docs_example_is_a_rendered_neuron():
    texts = {t.text for t in ET.parse(DOCS / "neuron.svg").iter("{http://www.w3.org/2000/svg}text")}
    assert {"x1", "w1", "x2", "w2", "b", "tanh", "data 0.7071", "grad -1.5", "grad 1"} <= texts


def test_model_from_layer_sizes(tmp_path, capsys):
    out = tmp_path / "mlp.json"
    assert main(["graph", "--model", "3,4,2", "--batch", "5", "--explain", "-o", str(out)]) == 0
    g = json.loads(out.read_text())
    blocks = {n["label"]: n for n in g["nodes"] if n["kind"] == "block"}
    assert set(blocks) == {"Linear(3→4)", "ReLU", "Linear(4→2)"}
    assert blocks["Linear(3→4)"]["params"][0].startswith("weight (4, 3)  ‖grad‖ ")
    # d(sum of outputs)/d(last bias) is the batch size for every output: norm 5·√2
    assert blocks["Linear(4→2)"]["params"][1] == f"bias (2,)  ‖grad‖ {5 * 2 ** 0.5:.4g}"
    assert "dL/d(2.bias) += vjp(" in capsys.readouterr().out


def test_model_from_a_saved_file(tmp_path):
    nn = pytest.importorskip("nn")
    path = tmp_path / "m.npz"
    nn.save(nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)), path)
    out = tmp_path / "m.dot"
    assert main(["graph", "--model", str(path), "-o", str(out)]) == 0
    dot = out.read_text()
    assert "Linear(2→3) | weight (3, 2)" in dot and "Tanh" in dot and "random batch of 2" in dot


def test_model_errors(capsys, tmp_path):
    assert main(["graph", "a", "--model", "3,2"]) == 2
    assert "either an expression or --model" in capsys.readouterr().err
    assert main(["graph"]) == 2
    assert main(["graph", "--model", str(tmp_path / "missing.npz")]) == 2
    assert "missing.npz" in capsys.readouterr().err
