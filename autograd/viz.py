"""Draw a computation graph: DOT, SVG (inline in Jupyter), PNG and JSON.

`draw_graph(root)` takes the graph's nodes from the shared `toposort`, asks the walker for
every node's gradient d(root)/d(node) (`run_backward(..., capture=...)`, which leaves `.grad`
alone), turns them into plain node and edge dicts (`vizmodel.py`, the JSON form) and writes
DOT from those (`vizdot.py`). SVG and PNG come from a Graphviz-compatible executable: the
system `dot` if installed, else `graphviz-pure` (a dependency of chainrule, so a plain
`pip install` draws).
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from .graph import run_backward, toposort
from .value import Value
from .vizdot import to_dot
from .vizmodel import build

__all__ = ["draw_graph", "Graph", "find_renderer", "summarize"]

_SMALL = 6  # arrays with at most this many elements are written in full


def _fmt(x):
    return f"{x:.4g}"


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


def _nodes(root):
    """The graph's nodes, parents first, and the parents `toposort` skips (no grad: inputs, constants)."""
    order = toposort([root])
    seen, extra = set(order), []
    for n in order:
        for p in n._parents:
            if p not in seen:
                seen.add(p)
                extra.append(p)
    return order, extra


def _gradients(root, order):
    """({node: d(root)/d(node)}, freed): from one backward pass that keeps the graph and leaves
    `.grad` alone (a replay, if backward() has freed the graph), or else from the `.grad` the
    nodes kept (when the replay cannot run: a value it needs was changed in place since)."""
    freed = False
    if root.requires_grad and np.size(root.data) == 1:
        seed = 1.0 if not hasattr(root.data, "shape") else np.ones_like(root.data)
        try:
            return run_backward([root], [seed], retain_graph=True, capture=set(order), replay=True), False
        except RuntimeError:
            freed = True
    grads = {}
    for n in order:
        g = n.grad
        if g is not None:
            grads[n] = g if isinstance(g, float) else g.data
    return grads, freed


class Graph:
    """A drawn graph: `.source` (DOT), `.svg()`, `.save(path)`, `.to_dict()`; shown inline in Jupyter."""

    def __init__(self, nodes, edges, root, hidden=0, rankdir="LR", title="", where=None):
        self.nodes, self.edges, self.root, self.hidden = nodes, edges, root, hidden
        self.rankdir, self.title = rankdir, title
        self.where = where or {}  # id(graph node) -> the id it is drawn under (its own, or its block's)
        self.source = to_dot(self)
        self._svg = None

    def __repr__(self):
        hidden = f", {self.hidden} summarised" if self.hidden else ""
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
                "Install one: pip install graphviz-pure (a dependency of chainrule: reinstall it), or "
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


def draw_graph(root, rankdir=None, show_grad=True, max_nodes=60, title="", names=None, params=None,
               expand=False):
    """The computation graph that produced `root` (a Value or a Tensor).

    Every node shows its value and its gradient d(root)/d(node), intermediate nodes included,
    and a computed node shows the expression it computes unless it has a label. Tensor nodes
    show shape, dtype, values (or min / mean / max) and the gradient (or its norm). Edges into
    an op whose operand order matters are labelled (`a`, `b`, `base`, `exp`). A module call is
    one block with its parameters inside (`expand=True` draws its ops instead, in a cluster).
    `rankdir` is the layout direction; by default left to right, top to bottom for module blocks.
    Above `max_nodes` drawn units, the earlier part becomes one box naming its repeated unit.
    `names` ({name: tensor}, e.g. `dict(model.named_parameters())`) labels those nodes and
    marks them as parameters, as does `params` (an iterable of nodes); other leaves are inputs
    (or constants: unnamed numbers that need no gradient).
    """
    if rankdir not in (None, "LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB', 'BT' or None (automatic), got {rankdir!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"draw_graph: max_nodes must be an int >= 1 or None, got {max_nodes!r}")
    if not hasattr(root, "_parents"):
        raise TypeError(f"draw_graph: expected a Value or a Tensor, got {type(root).__name__}")
    order, extra = _nodes(root)
    grads, freed = _gradients(root, order) if show_grad else ({}, False)
    if freed and not isinstance(root, Value):
        # A plain backward() freed the graph, and a Tensor keeps no gradient of a computed node.
        note = "gradients of computed tensors not shown: a value they need was changed in place since backward()"
        title = f"{title} - {note}" if title else note
    given = {id(t): name for name, t in (names or {}).items()}
    marked = {id(p) for p in (params or ())} | set(given)
    nodes, edges, root_id, hidden, where = build(root, order, extra, grads, given, marked, expand, max_nodes)
    if rankdir is None:
        # Module blocks are wide boxes, and a summarised graph a long chain: stacked top to bottom,
        # either fits a page width.
        rankdir = "TB" if any(d["kind"] in ("block", "summary") for d in nodes) else "LR"
    return Graph(nodes, edges, root_id, hidden, rankdir, title, where)
