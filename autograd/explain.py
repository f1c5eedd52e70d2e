"""`explain_backward(root)`: the backward pass written out as the chain rule, step by step.

Nothing here knows an op's derivative: each step calls the node's own `_backward`, the
same function `backward()` uses, in the shared walker's topological order. For a scalar
`Value` the local derivative d(node)/d(parent) is `_backward(1.0, ...)`; for a `Tensor`
the step's product is a vector-Jacobian product (the Jacobian itself is never formed).
"""
import html
from collections import namedtuple

import numpy as np

from .graph import _freed, toposort
from .value import Value
from .viz import _SYMBOL, summarize

__all__ = ["explain_backward", "Explanation", "Step"]

Step = namedtuple("Step", "node op parent upstream local product total")
Step.__doc__ = """One use of the chain rule: d(root)/d(parent) += upstream * local.

node, parent: names; upstream: d(root)/d(node); local: d(node)/d(parent) (None for tensors);
product: this node's contribution to d(root)/d(parent); total: d(root)/d(parent) so far."""

# Binding strength of infix ops, to write names like (a+b)*c with only the parentheses needed.
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "**": 3}


def _label(node, given):
    return given.get(id(node)) or getattr(node, "label", None) or getattr(node, "name", "")


def _names(order, extra, given):
    """A readable name per node (its label, else its expression if short, else n<k>), and
    each computed node's expression in its parents' names, keyed by the node's name."""
    names, infix, exprs = {}, {}, {}
    for n in extra:
        label = _label(n, given)
        names[n] = label or (f"{float(n.data):.4g}" if np.size(n.data) == 1 else f"c{len(names)}")
    for k, n in enumerate(order):
        label = _label(n, given)
        if not n._parents:
            names[n] = label or f"n{k}"
            continue
        expr, prec = _expr(n, names, infix)
        # An expression name is used once only: two separate a*b nodes must not read as one.
        short = len(expr) <= 24 and expr not in exprs
        names[n], infix[n] = (label, 9) if label else (expr, prec) if short else (f"n{k}", 9)
        exprs[names[n]] = expr
    return names, exprs


def _expr(node, names, infix):
    """(text, precedence) of `node` written with its parents' names."""
    op, ps = _SYMBOL.get(node._op, node._op), node._parents
    if op == "matmul":
        op = "@"
    if op in _PREC and len(ps) == 2:
        a, b = (names[p] if infix.get(p, 9) > _PREC[op] or (i == 0 and infix.get(p, 9) == _PREC[op] and op != "**")
                else f"({names[p]})" for i, p in enumerate(ps))
        return f"{a}{op}{b}", _PREC[op]
    if op == "neg":
        return f"-{names[ps[0]] if infix.get(ps[0], 9) > 2 else '(' + names[ps[0]] + ')'}", 2
    return f"{op}({', '.join(names[p] for p in ps)})", 9


def _d(name):
    return f"d{name}" if name.isidentifier() else f"d({name})"


class Explanation:
    """The steps of one backward pass: `str()` for text, iterate for rows, HTML in Jupyter.

    `totals[node]` is d(root)/d(node) for every node the pass reached (leaves included).
    """

    def __init__(self, root_name, steps, totals, scalar, exprs):
        self.root_name, self.steps, self.totals, self.scalar, self.exprs = root_name, steps, totals, scalar, exprs

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    def _v(self, x):
        return f"{x:.6g}" if self.scalar else summarize(x)

    def __str__(self):
        r = self.root_name
        lines = [f"Backward pass of {r}: the chain rule, node by node from the output.",
                 f"Each line: {_d(r)}/d(parent) += {_d(r)}/d(node) * d(node)/d(parent)."]
        if not self.scalar:
            lines.append("Tensors: each product is a vector-Jacobian product (upstream gradient times the "
                         "node's Jacobian, summed back to the parent's shape); values are summaries.")
        lines.append(f"{_d(r)}/{_d(r)} = 1")
        last = None
        for s in self.steps:
            if s.node != last:
                eq = self.exprs.get(s.node, s.node)
                head = s.node if eq == s.node else f"{s.node} = {eq}"
                lines.append(f"{head}   upstream {_d(r)}/{_d(s.node)} = {self._v(s.upstream)}")
                last = s.node
            up, dp = f"{_d(r)}/{_d(s.node)}", f"{_d(r)}/{_d(s.parent)}"
            # The root's own local derivative is written with its expression: d(r)/d(parent) is the total.
            local = _d(self.exprs.get(s.node, s.node) if s.node == r else s.node)
            if self.scalar:
                lines.append(f"  {dp} += {up} * {local}/{_d(s.parent)} = {s.upstream:.6g} * {s.local:.6g}"
                             f" = {s.product:.6g}   (total {s.total:.6g})")
            else:
                lines.append(f"  {dp} += vjp({up}) = {self._v(s.product)}   (total {self._v(s.total)})")
        return "\n".join(lines)

    def __repr__(self):
        return f"<Explanation of {self.root_name}: {len(self.steps)} steps>"

    def _repr_html_(self):
        r = self.root_name
        head = ["node", "op", "parent", f"upstream {_d(r)}/d(node)", "local d(node)/d(parent)",
                "product", f"total {_d(r)}/d(parent)"]
        rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
        for s in self.steps:
            local = "vjp" if s.local is None else self._v(s.local)
            cells = [s.node, s.op, s.parent, self._v(s.upstream), local, self._v(s.product), self._v(s.total)]
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        note = "" if self.scalar else "<p>Tensor products are vector-Jacobian products; values are summaries.</p>"
        return f"<p>Backward pass of <b>{html.escape(r)}</b></p>{note}<table>{''.join(rows)}</table>"


def explain_backward(root, retain_graph=False, names=None):
    """Run `root.backward()` and return the step-by-step account of it (an `Explanation`).

    Needs a graph that has not been freed by an earlier backward (build it again, or pass
    retain_graph=True to that earlier call). `root` must hold a single number. `names`
    ({name: tensor}, e.g. `dict(model.named_parameters())`) names those nodes in the text.
    """
    if not hasattr(root, "_parents"):
        raise TypeError(f"explain_backward: expected a Value or a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError("explain_backward: the root does not require grad, so it has no graph to explain")
    order = toposort([root])
    if any(n._backward is _freed for n in order):
        raise RuntimeError("explain_backward: this graph was already freed by a backward(); build it again, "
                           "or call the earlier backward(retain_graph=True)")
    scalar = isinstance(root, Value)
    if not scalar and root.data.size != 1:
        raise ValueError(f"explain_backward: the root must hold one number, got shape {root.data.shape}")
    seen = set(order)
    extra = [p for n in order for p in n._parents if p not in seen]
    given = {id(t): name for name, t in (names or {}).items()}
    names, exprs = _names(order, extra, given)
    if not _label(root, given):
        # An unnamed output is called L, so that every line reads dL/d(...).
        exprs["L"] = exprs.get(names[root], names[root])
        names[root] = "L"
    totals = {root: 1.0 if scalar else np.ones_like(root.data)}
    steps = []
    for node in reversed(order):  # the walker's order: every node's total is complete when reached
        g, fn = totals.get(node), node._backward
        if g is None or fn is None:
            continue
        inputs = [p.data for p in node._parents]
        products = fn(g, node.data, *inputs)
        local = fn(1.0, node.data, *inputs) if scalar else [None] * len(products)
        for p, gp, lp in zip(node._parents, products, local):
            if gp is None or not p.requires_grad:
                continue
            gp = p._fit_grad(gp)
            totals[p] = totals[p] + gp if p in totals else gp
            steps.append(Step(names[node], node._op, names[p], g, lp, gp, totals[p]))
    root.backward(retain_graph=retain_graph)
    return Explanation(names[root], steps, totals, scalar, exprs)
