"""`explain_backward(root)`: the backward pass written out as the chain rule, step by step.

Nothing here knows an op's derivative, and nothing here walks the graph: `explain_backward`
runs the one backward pass (`run_backward`, the walker `backward()` uses) with an observer
that writes down each use of the chain rule as the walker makes it, so each node's backward
runs once. For a scalar `Value` the local derivative d(node)/d(parent) is the step's product
divided by its upstream gradient (a backward is linear in its upstream gradient); for a
`Tensor` the product is a vector-Jacobian product (the Jacobian itself is never formed).
`.frames()` and `.to_html(path)` draw the same steps as pictures (see `stepthrough.py`).
"""
import html
from collections import namedtuple

import numpy as np

from .graph import GraphFreedError, run_backward, toposort
from .naming import label_of, node_names
from .value import Value
from .viz import summarize

__all__ = ["explain_backward", "Explanation", "Step"]

Step = namedtuple("Step", "node op parent upstream local product total")
Step.__doc__ = """One use of the chain rule: d(root)/d(parent) += upstream * local.

node, parent: names; upstream: d(root)/d(node); local: d(node)/d(parent) (None for tensors, and
for a scalar step whose upstream gradient is 0, where the product is 0 whatever it is);
product: this node's contribution to d(root)/d(parent); total: d(root)/d(parent) so far."""


def _d(name):
    return f"d{name}" if name.isidentifier() else f"d({name})"


class Explanation:
    """The steps of one backward pass: `str()` for text, iterate for rows, HTML in Jupyter,
    `.frames()` / `.to_html(path)` for a picture per step.

    `totals[node]` is d(root)/d(node) for every node the pass reached (leaves included).
    """

    def __init__(self, root, names, steps, pairs, totals, scalar, exprs):
        self.root, self.names, self.steps, self.totals, self.scalar = root, names, steps, totals, scalar
        self.root_name = names[root]
        self.exprs = {names[n]: e for n, e in exprs.items()}
        self.pairs = pairs  # (node, parent) objects of each step, for the pictures

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    def _v(self, x):
        return f"{x:.6g}" if self.scalar else summarize(x)

    def head(self, s):
        """The line introducing a node: its expression and its upstream gradient."""
        eq = self.exprs.get(s.node, s.node)
        name = s.node if eq == s.node else f"{s.node} = {eq}"
        return f"{name}   upstream {_d(self.root_name)}/{_d(s.node)} = {self._v(s.upstream)}"

    def line(self, s):
        """One step as the chain rule with its numbers."""
        r = self.root_name
        up, dp = f"{_d(r)}/{_d(s.node)}", f"{_d(r)}/{_d(s.parent)}"
        if not self.scalar:
            return f"{dp} += vjp({up}) = {self._v(s.product)}   (total {self._v(s.total)})"
        # The root's own local derivative is written with its expression: d(r)/d(parent) is the total.
        local = _d(self.exprs.get(s.node, s.node) if s.node == r else s.node)
        factor = "(not needed)" if s.local is None else f"{s.local:.6g}"
        return (f"{dp} += {up} * {local}/{_d(s.parent)} = {s.upstream:.6g} * {factor}"
                f" = {s.product:.6g}   (total {s.total:.6g})")

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
                lines.append(self.head(s))
                last = s.node
            lines.append("  " + self.line(s))
        return "\n".join(lines)

    def __repr__(self):
        return f"<Explanation of {self.root_name}: {len(self.steps)} steps>"

    def _repr_html_(self):
        r = self.root_name
        head = ["node", "op", "parent", f"upstream {_d(r)}/d(node)", "local d(node)/d(parent)",
                "product", f"total {_d(r)}/d(parent)"]
        rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
        for s in self.steps:
            local = ("vjp" if not self.scalar else "not needed") if s.local is None else self._v(s.local)
            cells = [s.node, s.op, s.parent, self._v(s.upstream), local, self._v(s.product), self._v(s.total)]
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        note = "" if self.scalar else "<p>Tensor products are vector-Jacobian products; values are summaries.</p>"
        return f"<p>Backward pass of <b>{html.escape(r)}</b></p>{note}<table>{''.join(rows)}</table>"

    def frames(self, rankdir="LR", params=None):
        """One picture per step (a list of `Frame`): the node being processed, the edge carrying
        its gradient to the parent, the gradient added, and the chain-rule line. `params` are
        drawn as parameters, as in `draw_graph`."""
        from .stepthrough import frames

        return frames(self, rankdir, params)

    def to_html(self, path=None, rankdir="LR", params=None):
        """The step-through as one self-contained HTML page (inline SVGs, a slider, no network);
        written to `path` when given, returned as text either way."""
        from .stepthrough import to_html

        return to_html(self, path, rankdir, params)


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
    scalar = isinstance(root, Value)
    if not scalar and root.data.size != 1:
        raise ValueError(f"explain_backward: the root must hold one number, got shape {root.data.shape}")
    order = toposort([root])
    seen = set(order)
    extra = [p for n in order for p in n._parents if p not in seen]
    given = {id(t): name for name, t in (names or {}).items()}
    names, exprs = node_names(order, extra, given)
    if not label_of(root, given):
        # An unnamed output is called L, so that every line reads dL/d(...).
        exprs.setdefault(root, names[root])
        names[root] = "L"
    seed = 1.0 if scalar else np.ones_like(root.data)
    totals, steps, pairs = {root: seed}, [], []

    def observe(node, parent, upstream, product):
        totals[parent] = totals[parent] + product if parent in totals else product
        # A backward is linear in its upstream gradient, so the local derivative is the ratio;
        # with a zero upstream the product is zero whatever the local derivative is.
        local = (product / upstream if upstream != 0 else None) if scalar else None
        steps.append(Step(names[node], node._op, names[parent], upstream, local, product, totals[parent]))
        pairs.append((node, parent))

    try:
        run_backward([root], [seed], retain_graph=retain_graph, observer=observe)
    except GraphFreedError:
        raise RuntimeError("explain_backward: this graph was already freed by a backward(); build it again, "
                           "or call the earlier backward(retain_graph=True)") from None
    return Explanation(root, names, steps, pairs, totals, scalar, exprs)
