"""Readable names for the nodes of a graph, shared by the explanation and the drawing.

A node is called by its label (`Value(label=...)`, `Tensor(name=...)` or a name given by the
caller), else by the expression it computes written with its parents' names (`w*x+b`) when
that is short, else `n<k>`. Infix ops get only the parentheses they need.
"""
import numpy as np

__all__ = ["SYMBOL", "op_symbol", "node_names", "OPERANDS"]

# Tensor ops written with the same symbols as Value's, so both kinds of graph read alike.
SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}
# Binding strength of infix ops.
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "**": 3}
# Names of the operands of ops whose order matters, drawn on the edges so that `a - b` cannot be
# read as `b - a`. Ops not listed here with two or more inputs get their position (0, 1, ...);
# the commutative ones get nothing.
# (`where(cond, a, b)` records a and b as its inputs; the condition is a constant of the op.)
OPERANDS = {"-": ("a", "b"), "/": ("a", "b"), "@": ("a", "b"), "**": ("base", "exp"),
            "where": ("if true", "if false")}
COMMUTATIVE = frozenset({"+", "*", "maximum", "minimum"})
_SHORT = 24  # longer expressions are replaced by n<k> in names (and shown once, on their node)


def op_symbol(op):
    return SYMBOL.get(op, op)


def label_of(node, given):
    """The name a caller gave `node` (`given` maps id(node) to a name), else its own label."""
    return given.get(id(node)) or getattr(node, "label", None) or getattr(node, "name", "") or ""


def node_names(order, extra, given):
    """({node: name}, {node: expression}) for the nodes of `order` (parents first) and the
    non-differentiable parents in `extra`. The expression of a computed node is written with
    its parents' names ("…" for a parent outside `order` and `extra`); leaves have none."""
    names, infix, exprs, used = {}, {}, {}, set()
    for n in extra:
        label = label_of(n, given)
        names[n] = label or (f"{float(np.asarray(n.data).flat[0]):.6g}" if np.size(n.data) == 1 else f"c{len(names)}")
    for k, n in enumerate(order):
        label = label_of(n, given)
        if not n._parents:
            names[n] = label or f"n{k}"
            continue
        expr, prec = _expr(n, names, infix)
        exprs[n] = expr
        # An expression name is used once only: two separate a*b nodes must not read as one.
        short = len(expr) <= _SHORT and expr not in used
        names[n], infix[n] = (label, 9) if label else (expr, prec) if short else (f"n{k}", 9)
        used.add(expr)
    return names, exprs


def _expr(node, names, infix):
    """(text, precedence) of `node` written with its parents' names."""
    op, ps = op_symbol(node._op), node._parents
    if op in _PREC and len(ps) == 2:
        # The left operand needs parentheses only if it binds more loosely (or, for the
        # right-associative **, as loosely); the right one also when it binds as loosely.
        a, b = (names.get(p, "…") if infix.get(p, 9) > _PREC[op] or (i == 0 and infix.get(p, 9) == _PREC[op] and op != "**")
                else f"({names.get(p, '…')})" for i, p in enumerate(ps))
        return f"{a}{op}{b}", _PREC[op]
    if op == "neg":
        name = names.get(ps[0], "…")
        return f"-{name if infix.get(ps[0], 9) > 2 else '(' + name + ')'}", 2
    return f"{op}({', '.join(names.get(p, '…') for p in ps)})", 9


def operand_labels(op, count):
    """The edge labels of an op's inputs: names for the ops in OPERANDS, positions for other
    ops with several inputs, nothing for commutative ones and ops with one input."""
    op = op_symbol(op)
    if count < 2 or op in COMMUTATIVE:
        return [""] * count
    names = OPERANDS.get(op)
    return list(names[:count]) if names and len(names) >= count else [str(i) for i in range(count)]
