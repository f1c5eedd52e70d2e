"""`chainrule graph "(a*b + c).tanh()" --set a=2,b=-3,c=10 -o out.svg`: draw an expression's graph
(or a model's: `chainrule graph --model 3,4,2 -o mlp.svg`). `--param a,b` draws those names as
parameters (the others given with --set are inputs); `--explain --html steps.html` also writes
the backward pass as a step-through page.

The expression is parsed with `ast` and evaluated by walking the tree, never with `eval`:
only names given with --set, numbers, + - * / ** (and unary -), and the functions in
FUNCTIONS, written either as `tanh(x)` or as a method call `x.tanh()`, are accepted.
"""
import ast
import contextlib
import operator
import os
import subprocess
import sys

from autograd import Value
from autograd.explain import explain_backward
from autograd.viz import draw_graph

from .cli import positive_int

FUNCTIONS = ("tanh", "exp", "log", "sqrt", "relu", "sigmoid", "softplus", "abs")
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_ALLOWED = f"names, numbers, + - * / **, and the functions {', '.join(FUNCTIONS)} (as f(x) or x.f())"
_FORMATS = ("svg", "dot", "json", "png")
_MAX_LENGTH = 10_000


class ExpressionError(ValueError):
    """An expression that the safe parser refuses, with the reason."""


def parse_values(specs):
    """{"a": 2.0, ...} from strings like "a=2,b=-3" (several strings allowed)."""
    values = {}
    for spec in specs:
        for item in filter(None, (s.strip() for s in spec.split(","))):
            name, eq, num = item.partition("=")
            name = name.strip()
            if not eq or not name.isidentifier() or name in FUNCTIONS:
                raise ExpressionError(f"--set: expected name=number (e.g. a=2), got {item!r}")
            try:
                values[name] = float(num)
            except ValueError:
                raise ExpressionError(f"--set: the value of {name} must be a number, got {num.strip()!r}") from None
    return values


def evaluate(expression, values):
    """The Value computed by `expression`, with one labelled leaf Value per name in `values`."""
    if len(expression) > _MAX_LENGTH:
        raise ExpressionError(f"expression too long ({len(expression)} characters; at most {_MAX_LENGTH})")
    leaves = {name: Value(v, label=name) for name, v in values.items()}
    try:
        with _recursion_limit(4 * _MAX_LENGTH):
            tree = ast.parse(expression.strip(), mode="eval")
            out = _eval(tree.body, leaves)
    except SyntaxError as e:
        raise ExpressionError(f"cannot parse {_short(expression)}: {e.msg}") from None
    except (RecursionError, MemoryError):  # the parser's answer to very deep nesting, e.g. "------x"
        raise ExpressionError(f"expression nested too deeply: {_short(expression)}") from None
    if not isinstance(out, Value):
        raise ExpressionError(f"{expression!r} uses no variable, so it has no gradient to draw: "
                              "write it with names and give their values with --set")
    return out


@contextlib.contextmanager
def _recursion_limit(limit):
    """Python's recursion limit raised while parsing: a 3,000-term sum is a tree 3,000 levels deep,
    and `ast` and `_eval` recurse once per level. The length cap above bounds the depth."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _short(text, n=60):
    return repr(text if len(text) <= n else text[: n - 3] + "...")


def _checked(fn, node):
    """fn() with float overflow and division by zero reported as an ExpressionError naming `node`."""
    try:
        return fn()
    except ZeroDivisionError:
        raise ExpressionError(f"division by zero in {_short(ast.unparse(node))}") from None
    except OverflowError:
        raise ExpressionError(f"{_short(ast.unparse(node))} is too large for a float (overflow)") from None


def _eval(node, leaves):
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise ExpressionError(f"only numbers are allowed as constants, got {node.value!r}")
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id in leaves:
            return leaves[node.id]
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function: call it, e.g. {node.id}(x)")
        given = ", ".join(leaves) or "none"
        raise ExpressionError(f"name {node.id!r} has no value (given: {given}); pass --set {node.id}=<number>")
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed; allowed: + - * / **")
        a, b = _eval(node.left, leaves), _eval(node.right, leaves)
        result = _checked(lambda: op(a, b), node)
        if isinstance(result, complex):
            raise ExpressionError(f"{a!r} ** {b!r} is not a real number")
        return result
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        x = _eval(node.operand, leaves)
        return -x if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.Call):
        return _call(node, leaves)
    if isinstance(node, ast.Attribute):
        raise ExpressionError(f"attribute access .{node.attr} is not allowed; only method calls of "
                              f"{', '.join(FUNCTIONS)}, e.g. x.tanh()")
    raise ExpressionError(f"{type(node).__name__} is not allowed in an expression; allowed: {_ALLOWED}")


def _call(node, leaves):
    """f(x) or x.f() for f in FUNCTIONS, nothing else."""
    func = node.func
    if isinstance(func, ast.Name):
        name, args = func.id, node.args
    elif isinstance(func, ast.Attribute):
        name, args = func.attr, [func.value] + node.args
    else:
        raise ExpressionError(f"only calls of {', '.join(FUNCTIONS)} are allowed, not of a {type(func).__name__}")
    if name not in FUNCTIONS:
        raise ExpressionError(f"calling {name!r} is not allowed; allowed functions: {', '.join(FUNCTIONS)}")
    if len(args) != 1 or node.keywords:
        raise ExpressionError(f"{name} takes exactly one argument and no keywords")
    x = _eval(args[0], leaves)
    if not isinstance(x, Value):  # a function of a number is a number (folded, like 2*3)
        return _checked(lambda: getattr(Value(x), name)().data, node)
    return _checked(lambda: getattr(x, name)(), node)


def model_loss(spec, batch=2, seed=0):
    """(loss, {name: parameter}, title) for a model: layer sizes "3,4,2" make an `nn.MLP`, a path a
    model saved with `nn.save`. The loss is the sum of its outputs on a seeded random batch."""
    import numpy as np

    import nn
    from autograd import Tensor, manual_seed

    manual_seed(seed)
    if "," in spec and not os.path.exists(spec) or spec.strip().isdigit():
        parts = [part.strip() for part in spec.split(",")]
        bad = [part for part in parts if not part.isdigit() or int(part) < 1]
        if bad or len(parts) < 2:
            raise ValueError(f"--model: layer sizes are positive integers separated by commas, at least two "
                             f"(e.g. 3,4,2), got {spec!r}" + (f" ({bad[0]!r} is not one)" if bad else ""))
        model = nn.MLP([int(part) for part in parts])
    else:
        model = nn.load(spec)
        if not isinstance(model, nn.Module):
            raise ValueError(f"--model: {spec!r} holds only weights (no architecture), so it cannot be run")
    first = next((m for _, m in model.named_modules() if hasattr(m, "in_features")), None)
    if first is None:
        raise ValueError(f"--model: cannot tell the input size of {type(model).__name__} (no Linear layer found)")
    dtype = first.weight.dtype
    x = Tensor(np.random.default_rng(seed).normal(size=(batch, first.in_features)).astype(dtype), name="x")
    model.eval()  # no dropout noise in the drawing
    loss = model(x).sum()
    return loss, dict(model.named_parameters()), f"{spec}: sum of outputs on a random batch of {batch}"


def _params(specs, values):
    """The names given to --param, each of which must have been given a value with --set."""
    wanted = [n.strip() for spec in specs for n in spec.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in values]
    if unknown:
        raise ExpressionError(f"--param: {', '.join(unknown)} not given with --set "
                              f"(given: {', '.join(values) or 'none'})")
    return wanted


def _leaves(root):
    """The leaves of an expression's graph (the Values made for the --set names among them)."""
    seen, stack, out = set(), [root], []
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            out += [] if n._parents else [n]
            stack.extend(n._parents)
    return out


def main(args):
    if (args.expression is None) == (args.model is None):
        print("chainrule graph: error: give either an expression or --model (not both)", file=sys.stderr)
        return 2
    if args.html and not args.explain:
        print("chainrule graph: error: --html writes the step-through of --explain: add --explain", file=sys.stderr)
        return 2
    if args.param and args.model:
        print("chainrule graph: error: --param names expression variables; a model's parameters are known",
              file=sys.stderr)
        return 2
    names, params, title = None, None, args.title or ""
    folder = os.path.dirname(args.output or "")
    if folder and not os.path.isdir(folder):
        print(f"chainrule graph: error: cannot write {args.output!r}: the directory {folder!r} does not exist",
              file=sys.stderr)
        return 2
    try:
        if args.model:
            root, names, auto = model_loss(args.model, args.batch)
            title = title or auto
        else:
            values = parse_values(args.set)
            wanted = set(_params(args.param, values))
            root = evaluate(args.expression, values)
            params = [leaf for leaf in _leaves(root) if leaf.label in wanted]
    except (ExpressionError, ArithmeticError, ValueError, OSError) as e:
        print(f"chainrule graph: error: {e}", file=sys.stderr)
        return 2
    fmt = args.format or (args.output.rsplit(".", 1)[-1].lower() if args.output and "." in args.output else "dot")
    if fmt not in _FORMATS:
        print(f"chainrule graph: error: cannot tell the format of {args.output!r}; use an extension or --format "
              f"({', '.join(_FORMATS)})", file=sys.stderr)
        return 2
    # Drawn first: the drawing asks the walker for every node's gradient and keeps the graph,
    # which the explained backward pass below then frees.
    graph = draw_graph(root, rankdir=args.rankdir, title=title, names=names, params=params)
    if args.explain:
        explanation = explain_backward(root, names=names)
        print(explanation)
        if args.html:
            try:
                explanation.to_html(args.html, params=params)
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                print(f"chainrule graph: error: {e}", file=sys.stderr)
                return 1
            print(f"wrote {args.html} ({len(explanation)} steps)", file=sys.stderr)
    render = {"dot": lambda: graph.source.encode(), "json": lambda: graph.to_json().encode(),
              "svg": lambda: graph.svg().encode(), "png": lambda: graph.pipe("png")}[fmt]
    try:
        data = render()
    except (RuntimeError, subprocess.SubprocessError) as e:  # no renderer, or it failed or timed out
        print(f"chainrule graph: error: {e}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with open(args.output, "wb") as f:
            f.write(data)
        print(f"wrote {args.output} ({len(graph.nodes)} nodes, {fmt})", file=sys.stderr)
    return 0


def register(sub):
    p = sub.add_parser("graph", help="draw the computation graph of an expression with every gradient (SVG/DOT/JSON/PNG)",
                       description=f"Draw an expression's graph with its gradients. Allowed: {_ALLOWED}.")
    p.add_argument("expression", nargs="?", help='e.g. "(a*b + c).tanh()"')
    p.add_argument("--model", help='layer sizes of an nn.MLP ("3,4,2") or a model file saved with nn.save')
    p.add_argument("--batch", type=positive_int, default=2, help="batch size of the random input for --model (default 2)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE,...",
                   help="values of the names, e.g. --set a=2,b=-3,c=10 (may be repeated)")
    p.add_argument("-o", "--output", help="file to write; the format follows its extension (default: DOT to stdout)")
    p.add_argument("-f", "--format", choices=_FORMATS, help="output format (overrides the extension)")
    p.add_argument("--param", action="append", default=[], metavar="NAME,...",
                   help="names given with --set that are parameters (drawn as such); the others are inputs")
    p.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"),
                   help="layout direction (default: LR, or TB for models and summarised graphs)")
    p.add_argument("--title", help="a title drawn above the graph")
    p.add_argument("--explain", action="store_true", help="also print the backward pass step by step")
    p.add_argument("--html", metavar="PATH", help="with --explain: also write the step-through (a picture per "
                   "step) as one self-contained HTML file")
    p.set_defaults(func=main)
