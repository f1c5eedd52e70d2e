"""What a drawing shows: the graph turned into plain node and edge dicts (the JSON form).

Two simplifications keep a picture readable at any size:
- a module call (a `scope`) is one block holding its parameters, unless `expand=True`;
- above `max_nodes`, the earlier part of the graph becomes one box that names its repeated
  unit and how many times it repeats (a chain of 100,000 `* +` steps is one box, not a cut).
"""
import math
from collections import Counter

import numpy as np

from .naming import label_of, node_names, op_symbol, operand_labels
from .value import Value

_SMALL = 6  # tensors with at most this many elements are shown in full
_MAX_PERIOD = 12  # longest repeated unit looked for when collapsing


def num(x):
    """A float for JSON: strict JSON has no NaN/inf, so those become strings."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


def stats(a):
    """JSON form of an array: all values when small, else min / mean / max."""
    a = np.asarray(a)
    if a.size <= _SMALL:
        return {"values": _jsonable(a.tolist())}
    return {"min": num(a.min()), "mean": num(a.mean()), "max": num(a.max())}


def _jsonable(x):
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    return num(x) if isinstance(x, float) else x


def _finite(x):
    x = np.asarray(x)
    return bool(np.all(np.isfinite(x))) if x.dtype.kind == "f" else True


def _kind(node, params):
    if node._backward is not None or node._parents:
        return "result"
    if id(node) in params or type(node).__name__ == "Parameter":
        return "param"
    if not isinstance(node, Value) and node.requires_grad:
        return "param"  # a tensor leaf that wants a gradient is what training updates
    name = getattr(node, "label", None) or getattr(node, "name", "")
    if isinstance(node, Value) and not name and not node.requires_grad:
        return "const"  # a number written in the expression
    if not isinstance(node, Value) and not name and node.data.size == 1 and not node.requires_grad:
        return "const"
    return "input"


def describe(node, name, expr, grad):
    """The JSON-ready dict of one node (without its id). `grad` is d(root)/d(node) or None."""
    scope = getattr(node, "_scope", None)
    d = {"kind": "", "label": name, "expr": expr, "op": op_symbol(node._op),
         "scope": None if scope is None else str(scope)}
    if isinstance(node, Value):
        d["data"] = num(node.data)
        ok = math.isfinite(node.data)
        if grad is not None:
            d["grad"] = num(grad)
            ok = ok and math.isfinite(grad)
    else:
        d["shape"], d["dtype"] = list(node.data.shape), str(node.data.dtype)
        d["data"] = stats(node.data)
        ok = _finite(node.data)
        if grad is not None:
            g = np.asarray(grad)
            d["grad"] = stats(g)
            d["grad_norm"] = num(np.linalg.norm(g.astype(np.float64).ravel()))
            ok = ok and _finite(g)
    d["nonfinite"] = not ok
    return d


def _children(order, extra):
    kids = {}
    for n in order:
        for p in n._parents:
            kids.setdefault(p, []).append(n)
    return kids


class _Plan:
    """Which graph node is drawn in which unit: itself, or the block of the module call it
    belongs to. `units` lists the drawn units in topological order, `members[u]` their nodes."""

    def __init__(self, order, extra, params, expand):
        self.kids = _children(order, extra)
        self.nodes = extra + order
        self.kind = {n: _kind(n, params) for n in self.nodes if not n._parents}
        unit = {}
        if not expand:
            for n in order:
                sc = getattr(n, "_scope", None)
                if sc is not None and n._parents:
                    unit[n] = sc
            for n, k in self.kind.items():  # a parameter used only inside one block is drawn inside it
                if k == "param":
                    owners = {unit.get(c) for c in self.kids.get(n, ())}
                    if len(owners) == 1 and None not in owners:
                        unit[n] = owners.pop()
        self.unit, self.units, self.members = unit, [], {}
        for n in self.nodes:
            u = unit.setdefault(n, n)
            if u not in self.members:
                self.members[u] = []
                if self.kind.get(u) != "const":  # a constant is drawn beside each op that uses it
                    self.units.append(u)
            self.members[u].append(n)


def build(root, order, extra, grads, given, params, expand, max_nodes):
    """(nodes, edges, root id, summarised node count, {id(node): drawn id}) for `draw_graph`."""
    plan = _Plan(order, extra, params, expand)
    unit, members, kind = plan.unit, plan.members, plan.kind
    shown, hidden_units = _budget(plan, max_nodes)
    # Names only for what is drawn (and its parents): a huge graph is mostly summarised.
    near = {m for u in shown for n in members[u] for m in (n, *n._parents)}
    names, exprs = node_names([n for n in order if n in near], [n for n in extra if n in near], given)
    ids = {u: f"n{k}" for k, u in enumerate(u for u in plan.units if u in shown)}
    where = {id(n): ids.get(unit[n], "hidden") for n in plan.nodes}
    for u in hidden_units:
        ids[u] = "hidden"
    nodes, edges, clusters = [], [], {}
    if hidden_units:
        nodes.append(_summary_node(hidden_units, members))
    for u in plan.units:
        if u not in shown:
            continue
        if not hasattr(u, "_parents"):  # a scope: a module block
            d = _block(u, members[u], grads, given, kind, plan.kids, unit)
        else:
            d = describe(u, names[u] if label_of(u, given) or not u._parents else "", exprs.get(u, ""), grads.get(u))
            d["kind"] = kind.get(u, "result")
            sc = getattr(u, "_scope", None)
            if expand and sc is not None:  # one cluster per scope entered, even where two share a label
                d["cluster"] = clusters.setdefault(id(sc), len(clusters))
            if any(unit.get(p, p) is not p for p in u._parents):
                d["expr"] = ""  # it reads a block's output, whose inner names are not drawn
        d = {"id": ids[u], **d}
        nodes.append(d)
        _edges_into(u, d["id"], plan, ids, nodes, edges)
    hidden = sum(len(members[u]) for u in hidden_units)
    return nodes, edges, ids.get(root), hidden, where


def _edges_into(u, target, plan, ids, nodes, edges):
    """The edges into drawn unit `u`, in argument order, with operand names where order matters;
    a constant input gets its own small node beside the op."""
    seen = set()
    for n in plan.members[u]:
        ps, own = n._parents, plan.unit[n] is n
        labels = operand_labels(n._op, len(ps)) if own else [""] * len(ps)
        for i, (p, text) in enumerate(zip(ps, labels)):
            src = plan.unit.get(p, p)
            if src is u:
                continue
            if plan.kind.get(src) == "const":
                if not own:  # a number used inside a block is part of what the block does
                    continue
                const = {"id": f"{target}_c{i}", **describe(p, "", "", None), "kind": "const"}
                nodes.append(const)
                source = const["id"]
            else:
                source = ids.get(src)
            if source is None or (not own and source in seen):
                continue
            seen.add(source)
            edges.append({"source": source, "target": target, "index": i, "label": text, "to_op": own})


def _budget(plan, max_nodes):
    """The units to draw: all of them, or about a quarter of `max_nodes` nearest the output (with
    their leaf inputs) when there are more, the rest summarised in one box: a summary picture
    of a huge graph should be small enough to read."""
    units, unit = plan.units, plan.unit
    if max_nodes is None or len(units) <= max_nodes:
        return set(units), []
    shown, budget = set(), max(1, max_nodes // 4)
    for u in reversed(units):
        if u in shown:
            continue
        leaves = {unit.get(p, p) for n in plan.members[u] for p in n._parents if not p._parents} - {u}
        leaves = {v for v in leaves if plan.kind.get(v) != "const"}
        if shown and len(shown) + 1 + len(leaves - shown) > budget:
            break
        shown.add(u)
        shown |= leaves
    return shown, [u for u in units if u not in shown]


def _signature(u):
    """What a unit does, for finding repeats: its op, or its block's label; None for a leaf."""
    if hasattr(u, "_parents"):
        return op_symbol(u._op) if u._parents else None
    return str(u)


def period(seq):
    """(unit, repeats) for the shortest unit that repeats through `seq`, if it covers 90% of it."""
    for p in range(1, min(_MAX_PERIOD, len(seq) // 2) + 1):
        same = sum(seq[i] == seq[i + p] for i in range(len(seq) - p))
        if same >= 0.9 * (len(seq) - p):
            return seq[-p:], len(seq) // p
    return None, 0


def _summary_node(hidden_units, members):
    sigs = [_signature(u) for u in hidden_units]
    seq = [x for x in sigs if x is not None]
    count = sum(len(members[u]) for u in hidden_units)
    # The repeated unit is looked for near the drawn part (a long enough sample to be sure).
    rep, _ = period(seq[-2000:]) if len(seq) >= 4 else (None, 0)
    times = len(seq) // len(rep) if rep else 0
    if rep:  # written from where the repeats begin, in reading order
        rep = seq[:len(rep)]
    if rep is not None:
        text = f"{' → '.join(rep)}   × {times:,}"
    else:
        top = Counter(seq).most_common()
        text = ", ".join(f"{op} × {k:,}" for op, k in top[:4]) + (" ..." if len(top) > 4 else "")
    return {"id": "hidden", "kind": "summary", "label": f"{count:,} earlier nodes", "expr": text,
            "op": "", "scope": None, "repeat": list(rep) if rep else None, "times": times, "count": count,
            "leaves": len(sigs) - len(seq), "nonfinite": False}


def _block(sc, inside, grads, given, kind, kids, unit):
    """One module call drawn as a box: its label, its parameters, its output's shape and gradient."""
    owner = getattr(sc, "owner", None)
    own = {id(p): k for k, p in getattr(owner, "_parameters", {}).items() if p is not None}
    fields = []
    for n in inside:
        if kind.get(n) == "param":
            name = own.get(id(n)) or label_of(n, given) or "param"
            g = grads.get(n)
            grad = "" if g is None else f"  ‖grad‖ {_fmt(np.linalg.norm(np.asarray(g, dtype=np.float64).ravel()))}"
            fields.append(f"{name} {tuple(n.data.shape)}{grad}")
    # The output: the member that something outside the block reads (or the last one).
    out = next((n for n in reversed(inside) if any(unit.get(k) is not sc for k in kids.get(n, ()))), inside[-1])
    d = describe(out, str(sc), "", grads.get(out))
    d.update(kind="block", op="", params=fields, count=len(inside))
    return d


def _fmt(x):
    return f"{x:.4g}"
