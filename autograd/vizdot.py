"""DOT text of a drawn graph (see `vizmodel.py` for what is drawn, `viz.py` for the API).

Every computed node is a record with an op ellipse in front of it; the edges into the ellipse
carry operand names where order matters (`a`, `b`, `base`, `exp`). Every node and edge has an
`id` in the SVG (`n3`, `n3_op`, `e5`), which the step-through uses to highlight one step.
"""
import numpy as np

__all__ = ["to_dot", "fields"]

# Fill colours by node kind; a node holding NaN or inf is drawn red whatever its kind.
_STYLE = {
    "param": 'style="filled", fillcolor="#dbeafe"',
    "input": 'style="filled", fillcolor="#e5e7eb"',
    "const": 'style="dashed", fontcolor="#555555"',
    "result": 'style="filled", fillcolor="#ffffff"',
    "block": 'shape=Mrecord, style="filled", fillcolor="#dcfce7", color="#15803d"',
    "summary": 'shape=box, style="dashed,rounded", color="#6b7280"',
}
_NONFINITE = 'style="filled", fillcolor="#fecaca", color="#dc2626", penwidth=2'
_OP_STYLE = 'shape=ellipse, style="filled", fillcolor="#fef3c7", margin=0.02, height=0.3'
_LONG = 40  # longer expressions are cut on the node (the JSON keeps them whole)


def _fmt(x, digits=4):
    return f"{x:.{digits}g}" if isinstance(x, float) else str(x)  # non-finite values are already strings


def stat_text(s):
    if "values" in s:
        from .viz import summarize

        return summarize(np.array(s["values"], dtype=float))
    return "  ".join(f"{k} {_fmt(v)}" for k, v in s.items())


def _esc(s):
    """Text escaped for a field of a Graphviz record label."""
    s = str(s).replace("\\", "\\\\").replace("\n", " ")
    for c in '{}|<>"':
        s = s.replace(c, "\\" + c)
    return s


def quote(s):
    """Text escaped for a plain (non-record) quoted label."""
    return str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _title(d):
    if d["label"]:
        return d["label"]
    expr = d.get("expr") or ""
    return expr if len(expr) <= _LONG else expr[:_LONG - 3] + "..."


def fields(d):
    """The text lines of a node: name or expression, value(s), gradient."""
    if d["kind"] == "const":  # a number written in the expression: just its value
        return [stat_text(d["data"]) if "shape" in d else _fmt(d["data"], 6)]
    out = [_title(d)] if _title(d) else []
    out += d.get("params", [])
    if "shape" in d:
        out.append(f"{tuple(d['shape'])} {d['dtype']}")
        out.append(stat_text(d["data"]))
        if d.get("grad") is not None:
            small = "values" in d["grad"]
            out.append("grad " + stat_text(d["grad"]) if small else f"‖grad‖ {_fmt(d['grad_norm'])}")
    else:
        out.append("data " + _fmt(d["data"]))
        if d.get("grad") is not None:
            out.append("grad " + _fmt(d["grad"]))
    return out


def to_dot(g):
    horizontal = g.rankdir in ("LR", "RL")
    lines = ["digraph chainrule {", f"  graph [rankdir={g.rankdir}, fontname=Helvetica, fontsize=11];",
             "  node [shape=record, fontname=Helvetica, fontsize=10];",
             '  edge [color="#555555", fontname=Helvetica, fontsize=9, fontcolor="#1d4ed8"];']
    if g.title:
        lines.append(f'  label="{quote(g.title)}"; labelloc=t;')
    clusters = {}
    for d in g.nodes:
        style = _NONFINITE if d["nonfinite"] else _STYLE[d["kind"]]
        if d["id"] == g.root and not d["nonfinite"]:
            style += ", penwidth=2"
        if d["kind"] == "summary":
            parts = [d["label"], d["expr"]] + ([f"and {d['leaves']:,} leaves"] if d["leaves"] else [])
            text = "\\n".join(quote(t) for t in parts)
            block = [f'  {d["id"]} [id="{d["id"]}", label="{text}", {style}];']
        else:
            body = " | ".join(_esc(f) for f in fields(d))
            # Graphviz lays a record's fields across the rank direction unless braced: a Value's few
            # fields read best in a row, a Tensor's longer ones and a block's in a column.
            if horizontal != ("shape" in d):
                body = f"{{ {body} }}"
            block = [f'  {d["id"]} [id="{d["id"]}", label="{body}", {style}];']
        if d["op"]:
            block.append(f'  {d["id"]}_op [id="{d["id"]}_op", label="{quote(d["op"])}", {_OP_STYLE}];')
            block.append(f'  {d["id"]}_op -> {d["id"]} [id="{d["id"]}_out"];')
        clusters.setdefault(d.get("cluster"), (d["scope"], []))[1].extend(block)
    for i, (scope, block) in clusters.items():
        if i is None:
            lines.extend(block)
            continue
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label="{quote(scope)}"; style="rounded,dashed"; color="#6b7280";')
        lines.extend("  " + b for b in block)
        lines.append("  }")
    ops = {d["id"] for d in g.nodes if d["op"]}
    for i, e in enumerate(g.edges):
        target = f'{e["target"]}_op' if e["to_op"] and e["target"] in ops else e["target"]
        label = f', label="{quote(e["label"])}"' if e["label"] else ""
        # An edge from a constant may bend: the chain of computed nodes is what should run straight.
        weight = ", weight=0" if "_c" in e["source"] else ""
        lines.append(f'  {e["source"]} -> {target} [id="e{i}"{label}{weight}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
