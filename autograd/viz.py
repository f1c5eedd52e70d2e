"""Draw a computation graph: DOT, SVG (inline in Jupyter), PNG and JSON.

`draw_graph(root)` walks the graph with the shared `toposort`, builds a plain model
(a list of node dicts and a list of edge dicts, the JSON form), and writes DOT from it.
SVG and PNG come from a Graphviz-compatible executable: the system `dot` if installed,
else `graphviz-pure` (pip install "chainrule[viz]"), so no system package is needed.
"""
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from .graph import toposort
from .value import Value

__all__ = ["draw_graph", "Graph", "find_renderer", "summarize"]

# Fill colours by node kind; a node holding NaN or inf is drawn red whatever its kind.
_STYLE = {
    "param": 'style="filled", fillcolor="#dbeafe"',
    "input": 'style="filled", fillcolor="#e5e7eb"',
    "const": 'style="dashed", fontcolor="#555555"',
    "result": 'style="filled", fillcolor="#ffffff"',
}
_NONFINITE = 'style="filled", fillcolor="#fecaca", color="#dc2626", penwidth=2'
_OP_STYLE = 'shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3'
# Tensor ops drawn with the same symbols as Value's, so both kinds of graph read alike.
_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "neg": "neg"}
_SMALL = 6  # tensors with at most this many elements are shown in full


def _fmt(x):
    return f"{x:.4g}"


def _num(x):
    """A float for JSON: strict JSON has no NaN/inf, so those become strings."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


def summarize(a):
    """A short text for an array: every value when small, else min / mean / max (and the NaN/inf count)."""
    a = np.asarray(a)
    if a.size <= _SMALL:
        return np.array2string(a, separator=", ", formatter={"float_kind": _fmt}).replace("\n", "")
    if a.dtype.kind == "b":
        return f"{int(a.sum())} of {a.size} true"
    text = f"min {_fmt(a.min())}  mean {_fmt(a.mean())}  max {_fmt(a.max())}"
    if a.dtype.kind == "f":
        bad = int(a.size - np.count_nonzero(np.isfinite(a)))
        if bad:
            text += f"  ({bad} NaN/inf)"
    return text


def _stats(a):
    """JSON form of an array: all values when small, else min / mean / max."""
    a = np.asarray(a)
    if a.size <= _SMALL:
        return {"values": _jsonable(a.tolist())}
    return {"min": _num(a.min()), "mean": _num(a.mean()), "max": _num(a.max())}


def _jsonable(x):
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    return _num(x) if isinstance(x, float) else x


def _kind(node):
    if node._backward is not None or node._parents:
        return "result"
    if node.requires_grad or getattr(node, "_is_param", False) or type(node).__name__ == "Parameter":
        return "param"
    name = getattr(node, "label", None) or getattr(node, "name", "")
    # An unnamed scalar without grad is a number written in the expression (a constant).
    return "input" if name or np.ndim(node.data) > 0 else "const"


def _finite(x):
    return bool(np.all(np.isfinite(x))) if np.asarray(x).dtype.kind == "f" else True


def _describe(node, show_grad):
    """The JSON-ready dict of one node (without its id)."""
    name = getattr(node, "label", None) or getattr(node, "name", "") or ""
    scope = getattr(node, "_scope", None)
    d = {"kind": _kind(node), "label": name, "op": node._op, "scope": None if scope is None else str(scope)}
    if isinstance(node, Value):
        d["data"] = _num(node.data)
        ok = math.isfinite(node.data)
        if show_grad:
            d["grad"] = _num(node.grad)
            ok = ok and math.isfinite(node.grad)
    else:
        d["shape"], d["dtype"] = list(node.data.shape), str(node.data.dtype)
        d["data"] = _stats(node.data)
        ok = _finite(node.data)
        if show_grad:
            g = node.grad
            d["grad"] = None if g is None else _stats(g.data)
            ok = ok and (g is None or _finite(g.data))
    d["nonfinite"] = not ok
    return d


def _collect(root, max_nodes):
    """Nodes to draw (the last `max_nodes` of the topological order, which always reach the root)
    plus their direct parents that `toposort` skips (no grad: inputs and constants)."""
    order = toposort([root])
    hidden = 0
    if max_nodes is not None and len(order) > max_nodes:
        hidden = len(order) - max_nodes
        order = order[hidden:]
    kept = {id(n) for n in order}
    extra, seen = [], set()
    for n in order:
        for p in n._parents:
            if not p.requires_grad and id(p) not in kept and id(p) not in seen:
                seen.add(id(p))
                extra.append(p)
    return extra + order, hidden


class Graph:
    """A drawn graph: `.source` (DOT), `.svg()`, `.save(path)`, `.to_dict()`; shown inline in Jupyter."""

    def __init__(self, nodes, edges, root, hidden=0, rankdir="LR", title=""):
        self.nodes, self.edges, self.root, self.hidden = nodes, edges, root, hidden
        self.rankdir, self.title = rankdir, title
        self.source = _to_dot(self)
        self._svg = None

    def __repr__(self):
        hidden = f", {self.hidden} hidden" if self.hidden else ""
        return f"<Graph: {len(self.nodes)} nodes, {len(self.edges)} edges{hidden}>"

    def to_dict(self):
        return {"root": self.root, "hidden": self.hidden, "nodes": self.nodes, "edges": self.edges}

    def to_graphviz(self):
        """The graph as a `graphviz.Source`, for that package's own `render`, `view` and `pipe`."""
        import graphviz

        return graphviz.Source(self.source)

    def to_json(self, indent=1):
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def pipe(self, format="svg"):
        """The graph rendered by Graphviz (`dot` or `graphviz-pure`) as bytes in `format`."""
        exe = find_renderer()
        if exe is None:
            raise RuntimeError(
                f"draw_graph: rendering {format.upper()} needs a Graphviz layout engine and none was found "
                "(looked for `dot` and `graphviz-pure` on PATH and next to the Python executable). "
                'Install one: pip install "chainrule[viz]" (graphviz-pure, no system package), or '
                "apt-get install graphviz / brew install graphviz. DOT (.source) and JSON work without it."
            )
        res = subprocess.run([exe, f"-T{format}"], input=self.source.encode(), capture_output=True, timeout=120)
        if res.returncode != 0:
            err = res.stderr.decode(errors="replace").strip()
            raise RuntimeError(f"draw_graph: {exe} -T{format} failed (exit code {res.returncode}): {err}")
        return res.stdout

    def svg(self):
        if self._svg is None:
            self._svg = self.pipe("svg").decode()
        return self._svg

    def _repr_svg_(self):
        return self.svg() if find_renderer() else None

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Without a renderer Jupyter still shows something useful: the DOT text.
        if find_renderer() is None:
            return {"text/plain": f"{self!r} (no Graphviz renderer: showing DOT)\n{self.source}"}
        return {"image/svg+xml": self.svg(), "text/plain": repr(self)}

    def save(self, path):
        """Write to `path`; the format follows the extension: .svg, .dot (or .gv), .json, .png."""
        path = Path(path)
        ext = path.suffix.lower()
        if ext in (".dot", ".gv"):
            path.write_text(self.source, encoding="utf-8")
        elif ext == ".json":
            path.write_text(self.to_json(), encoding="utf-8")
        elif ext == ".svg":
            path.write_text(self.svg(), encoding="utf-8")
        elif ext == ".png":
            path.write_bytes(self.pipe("png"))
        else:
            raise ValueError(f"Graph.save: unknown extension {ext!r} in {str(path)!r}; "
                             "expected .svg, .dot, .gv, .json or .png")
        return path


def find_renderer():
    """Path of a Graphviz-compatible executable: system `dot`, else `graphviz-pure`; None if neither."""
    exe = shutil.which("dot")
    if exe:
        return exe
    beside = Path(sys.executable).parent / "graphviz-pure"
    if beside.is_file():
        return str(beside)
    return shutil.which("graphviz-pure")


def draw_graph(root, rankdir="LR", show_grad=True, max_nodes=500, title="", names=None):
    """The computation graph that produced `root` (a Value or a Tensor).

    Value nodes show label, data and grad; Tensor nodes show shape, dtype, a summary of
    the data and of `.grad` (leaves, or non-leaves that `retain_grad()`). Above `max_nodes`
    only the nodes nearest the output are drawn, with a note saying how many were hidden.
    `names` ({name: tensor}, e.g. `dict(model.named_parameters())`) labels those nodes.
    """
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be >= 1 or None, got {max_nodes!r}")
    if not hasattr(root, "_parents"):
        raise TypeError(f"draw_graph: expected a Value or a Tensor, got {type(root).__name__}")
    order, hidden = _collect(root, max_nodes)
    ids = {id(n): f"n{i}" for i, n in enumerate(order)}
    given = {id(t): name for name, t in (names or {}).items()}
    nodes, edges, clusters = [], [], {}
    for n in order:
        d = {"id": ids[id(n)]}
        d.update(_describe(n, show_grad))
        sc = getattr(n, "_scope", None)
        # One cluster per scope entered (one module call), even where two scopes share a label.
        d["cluster"] = None if sc is None else clusters.setdefault(id(sc), len(clusters))
        d["label"] = given.get(id(n), d["label"])
        nodes.append(d)
        for i, p in enumerate(n._parents):
            edges.append({"source": ids.get(id(p)), "target": d["id"], "index": i})
    return Graph(nodes, edges, ids[id(root)], hidden, rankdir, title)


def _esc(s):
    """Text escaped for a field of a Graphviz record label."""
    s = str(s).replace("\\", "\\\\").replace("\n", " ")
    for c in '{}|<>"':
        s = s.replace(c, "\\" + c)
    return s


def _quote(s):
    """Text escaped for a plain (non-record) quoted label."""
    return str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _fields(d):
    if d["kind"] == "const":  # a number written in the expression: just its value
        return [_stat_text(d["data"]) if "shape" in d else _fmt_num(d["data"])]
    fields = [d["label"]] if d["label"] else []
    if "shape" in d:
        fields.append(f"{tuple(d['shape'])} {d['dtype']}")
        fields.append(_stat_text(d["data"]))
        if d.get("grad") is not None:
            fields.append("grad " + _stat_text(d["grad"]))
    else:
        fields.append("data " + _fmt_num(d["data"]))
        if "grad" in d:
            fields.append("grad " + _fmt_num(d["grad"]))
    return fields


def _stat_text(s):
    if "values" in s:
        return summarize(np.array(s["values"], dtype=float))
    return "  ".join(f"{k} {_fmt_num(v)}" for k, v in s.items())


def _fmt_num(x):
    return _fmt(x) if isinstance(x, float) else str(x)  # non-finite values are already strings


def _to_dot(g):
    horizontal = g.rankdir in ("LR", "RL")
    lines = ["digraph chainrule {", f"  graph [rankdir={g.rankdir}, fontname=Helvetica, fontsize=11];",
             "  node [shape=record, fontname=Helvetica, fontsize=10];", '  edge [color="#555555"];']
    notes = [g.title] if g.title else []
    if g.hidden:
        notes.append(f"{g.hidden} earlier nodes not drawn (max_nodes); pass max_nodes=None to draw all")
    if notes:
        lines.append('  label="' + _quote(" - ".join(notes)) + '"; labelloc=t;')
    clusters = {}
    for d in g.nodes:
        body = " | ".join(_esc(f) for f in _fields(d))
        style = _NONFINITE if d["nonfinite"] else _STYLE[d["kind"]]
        if d["id"] == g.root and not d["nonfinite"]:
            style += ", penwidth=2"
        # Graphviz lays a record's fields across the rank direction unless braced: a Value's few
        # fields read best in a row, a Tensor's longer ones in a column.
        if horizontal != ("shape" in d):
            body = f"{{ {body} }}"
        block = [f'  {d["id"]} [label="{body}", {style}];']
        if d["op"]:
            block.append(f'  {d["id"]}_op [label="{_quote(_SYMBOL.get(d["op"], d["op"]))}", {_OP_STYLE}];')
            block.append(f'  {d["id"]}_op -> {d["id"]};')
        clusters.setdefault(d["cluster"], (d["scope"], []))[1].extend(block)
    for i, (scope, block) in clusters.items():
        if i is None:
            lines.extend(block)
            continue
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label="{_quote(scope)}"; style="rounded,dashed"; color="#6b7280";')
        lines.extend("  " + b for b in block)
        lines.append("  }")
    if g.hidden:
        lines.append(f'  hidden [label="... {g.hidden} earlier nodes", shape=plaintext];')
    cut = set()  # one edge from the "..." node per op whose inputs were not drawn
    for e in g.edges:
        if e["source"] is None:
            if e["target"] in cut:
                continue
            cut.add(e["target"])
        lines.append(f'  {e["source"] or "hidden"} -> {e["target"]}_op;')
    lines.append("}")
    return "\n".join(lines) + "\n"
