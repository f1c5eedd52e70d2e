"""`chainrule gradcheck`: check every op of the table against float64 central differences."""
import time

import numpy as np

from autograd import Tensor, gradcheck, gradgradcheck
from autograd.optable import OPS

from .cli import UsageError


def check_all(ops=OPS, second_order=False, seed=0, out=print):
    """Gradcheck each op at each of its shapes; returns the list of (op name, shapes, message) failures."""
    failures = []
    width = max(len(op.name) for op in ops)
    rng = np.random.default_rng(seed)
    for op in ops:
        start, problems = time.perf_counter(), []
        for shapes in op.shapes:
            checks = [("gradcheck", gradcheck)] + ([("gradgradcheck", gradgradcheck)] if second_order else [])
            for label, check in checks:
                inputs = [Tensor(a, requires_grad=True) for a in op.sample(rng, shapes)]
                try:
                    check(op.fn, inputs)
                except Exception as e:  # report every op, whatever goes wrong with one of them
                    problems.append((op.name, shapes, f"{label}: {type(e).__name__}: {e}"))
        ms = (time.perf_counter() - start) * 1e3
        status = "FAIL" if problems else "ok"
        out(f"{op.name:<{width}}  {status:<4}  {len(op.shapes)} shape sets  {ms:6.1f} ms")
        for _, shapes, message in problems:
            out(f"    shapes {shapes}: {message}")
        failures.extend(problems)
    return failures


def _shapes(shapes):
    return " ".join("x".join(str(n) for n in s) if len(s) else "()" for s in shapes)


def list_ops(ops=OPS, out=print):
    """The op table: each op's name, its inputs' shape sets, and whether it is compared with PyTorch."""
    width = max(len(op.name) for op in ops)
    out(f"{'op':<{width}}  {'torch':<5}  input shapes (one set of inputs between bars)")
    for op in ops:
        torch = "yes" if op.torch is not None else "-"
        out(f"{op.name:<{width}}  {torch:<5}  {' | '.join(_shapes(s) for s in op.shapes)}")
    out(f"{len(ops)} ops")


def register(sub):
    p = sub.add_parser("gradcheck", help="gradcheck every op of the table in float64 and print a pass/fail report")
    p.add_argument("--op", action="append", default=[], metavar="NAME", help="check only these ops (may be repeated)")
    p.add_argument("--second-order", action="store_true", help="also run gradgradcheck (gradients of gradients)")
    p.add_argument("--list", action="store_true", help="list the ops of the table and exit")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    p.set_defaults(func=main)


def main(args):
    if args.list:
        list_ops()
        return 0
    ops = OPS
    if args.op:
        unknown = sorted(set(args.op) - {op.name for op in OPS})
        if unknown:
            raise UsageError(f"unknown op(s) {unknown}; see `chainrule gradcheck --list`")
        ops = [op for op in OPS if op.name in args.op]
    failures = check_all(ops, second_order=args.second_order, seed=args.seed)
    print(f"{len(ops) - len({name for name, _, _ in failures})} of {len(ops)} ops passed")
    return 1 if failures else 0
