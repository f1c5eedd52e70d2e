"""`chainrule bench`: benchmarks B1-B6 of BENCHMARKS.md against their contenders (B1 and B2 are in
`bench_scalar.py`, B3 and B4 in `bench_mlp.py`, B6 in `bench_conv.py`; B5 and the runner here).

Every contender runs in this one process, interleaved (a, b, c, a, b, c, ...), and each is first
checked to compute the same numbers as the others. Times are medians; ratios are to the reference
contender of the same run, because absolute times on a shared machine drift and ratios do not.
"""
import os
import platform
import time

import numpy as np

from autograd import Tensor
from autograd.blas import loaded, routines

from .bench_common import _close, _interleaved, _optional
from .bench_conv import bench_b6
from .bench_mlp import bench_b3, bench_b4
from .bench_scalar import bench_b1, bench_b2

REFERENCE = {"B1": "micrograd", "B2": "torch", "B3": "numpy by hand", "B4": "numpy by hand", "B5": "torch",
             "B6": "torch"}


# B5: per-op overhead of small float32 tensors, ops cycling through add, mul, tanh, sub, exp.
def _b5_consts(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(10).astype(np.float32)
    a = rng.uniform(-0.5, 0.5, 10).astype(np.float32)
    b = rng.uniform(0.5, 1.0, 10).astype(np.float32)
    return x, a, b


def _b5_graph(x, a, b, n, tanh, exp):
    """The op cycle for any array-like type; returns the output and the ops used."""
    for i in range(n):
        k = i % 5
        x = x + a if k == 0 else x * b if k == 1 else tanh(x) if k == 2 else x - a if k == 3 else exp(x)
    return x


def _b5_numpy_backward(x, a, b, n):
    outs = []
    for i in range(n):
        k = i % 5
        x = x + a if k == 0 else x * b if k == 1 else np.tanh(x) if k == 2 else x - a if k == 3 else np.exp(x)
        outs.append(x)
    g = np.ones_like(x)
    for i in range(n - 1, -1, -1):
        k = i % 5
        if k == 1:
            g = g * b
        elif k == 2:
            g = g * (1 - outs[i] * outs[i])
        elif k == 4:
            g = g * outs[i]
    return [float(outs[-1].sum())] + g.tolist()


def _b5_tensor(x, a, b, n):
    xt = Tensor(x, requires_grad=True)
    out = _b5_graph(xt, Tensor(a), Tensor(b), n, Tensor.tanh, Tensor.exp).sum()
    out.backward()
    return [out.item()] + xt.grad.data.tolist()


def _b5_torch(torch, x, a, b, n):
    xt = torch.tensor(x, requires_grad=True)
    out = _b5_graph(xt, torch.tensor(a), torch.tensor(b), n, torch.tanh, torch.exp).sum()
    out.backward()
    return [out.item()] + xt.grad.tolist()


def bench_b5(quick):
    n = 100 if quick else 10_000
    x, a, b = _b5_consts()
    runs = {
        "numpy forward": lambda: _b5_graph(x, a, b, n, np.tanh, np.exp).sum(),
        "numpy fwd + hand bwd": lambda: _b5_numpy_backward(x, a, b, n),
        "chainrule Tensor": lambda: _b5_tensor(x, a, b, n),
    }
    torch = _optional("torch")
    if torch is not None:
        runs["torch"] = lambda: _b5_torch(torch, x, a, b, n)
    want = _b5_numpy_backward(x, a, b, n)
    ok = all(_close(runs[name](), want, 1e-4) for name in runs if name != "numpy forward")
    times = _interleaved(runs, 3 if quick else 7)
    return [("B5", f"{n:,} ops on (10,) float32", name, t, t / n, ok) for name, t in times.items()]


BENCHMARKS = {"B1": bench_b1, "B2": bench_b2,
              "B3": lambda quick: bench_b3(quick, _optional),
              "B4": lambda quick: bench_b4(quick, _optional), "B5": bench_b5,
              "B6": lambda quick: bench_b6(quick, _interleaved, _optional)}


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    # numpy's BLAS does the matmuls, scipy's the convolutions' accumulating products.
    blas = ", ".join(loaded())
    py = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, Python {py}, numpy {np.__version__} ({blas or 'BLAS unknown'})"


def forced_kernel():
    """A note when the environment picks OpenBLAS's kernels (`OPENBLAS_CORETYPE`, `OPENBLAS_L2_SIZE`), as
    some machines do to work around old OpenBLAS builds; those kernels can be slower than the ones
    OpenBLAS would choose for the CPU, which moves every ratio that rests on BLAS."""
    forced = [f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if os.environ.get(k)]
    if not forced:
        return ""
    return (f"Set in the environment: {' '.join(forced)}, so OpenBLAS runs those kernels rather than its choice "
            f"for this CPU; unset them for this command to measure the default "
            f"(`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE chainrule bench`).  ")


def table(rows):
    """Markdown rows; each benchmark's ratio is to its REFERENCE contender's median."""
    lines = ["| bench | workload | contender | median | µs/op | ratio | same numbers |",
             "|---|---|---|---:|---:|---:|---|"]
    ref = {(r[0], r[1]): r[3] for r in rows if r[2].startswith(REFERENCE[r[0]]) and r[3] is not None}
    for bench, work, name, t, per_op, ok in rows:
        if t is None:
            lines.append(f"| {bench} | {work} | {name} | {ok} | | | |")
            continue
        base = ref.get((bench, work))
        ratio = f"{t / base:.2f}×" if base else "–"
        per = f"{per_op * 1e6:.2f}" if per_op is not None else ""
        lines.append(f"| {bench} | {work} | {name} | {_fmt(t)} | {per} | {ratio} | {'ok' if ok else 'MISMATCH'} |")
    return "\n".join(lines)


def _fmt(t):
    return f"{t * 1e3:.1f} ms" if t >= 1e-3 else f"{t * 1e6:.0f} µs"


def run(args):
    names = [n.upper() for n in args.benchmarks] or list(BENCHMARKS)
    for n in names:
        if n not in BENCHMARKS:
            raise SystemExit(f"bench: unknown benchmark {n!r}; choose from {', '.join(BENCHMARKS)}")
    torch = _optional("torch")
    if torch is not None:
        torch.set_num_threads(args.threads)
    routines("gemm")  # load scipy's BLAS now: threadpoolctl limits only the libraries already loaded
    tpc = _optional("threadpoolctl")
    limits = tpc.threadpool_limits(args.threads) if tpc is not None else None
    try:
        rows = [row for n in names for row in BENCHMARKS[n](args.quick)]
    finally:
        if limits is not None:
            limits.unregister()
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ")
    threads = f"{args.threads} BLAS/torch thread" + "s" * (args.threads > 1)
    command = ' '.join(['chainrule bench'] + args.benchmarks + ['--quick'] * args.quick
                       + [f'--threads {args.threads}'] * (args.threads != 1))
    print(f"Machine: {machine()}, {threads}  ")
    print(f"Command: `{command}`  ")
    note = forced_kernel()
    if note:
        print(note)
    missing = [name for name in ("torch", "micrograd") if _optional(name) is None]
    if missing:
        print(f"Not installed, so not compared: {', '.join(missing)} (`pip install -e \".[bench]\" torch==2.13.0`)  ")
    print("Ratios are to " + ", ".join(f"{b}: {c}" for b, c in REFERENCE.items() if b in names) + " (same run). "
          "Medians of interleaved runs, `gc.collect()` before each, outside the clock. "
          "B2 counts two ops (mul, add) per step.\n")
    print(table(rows))
    if args.json:
        _write_json(args.json, rows, machine(), threads, command)
    return 0 if all(r[5] is True or isinstance(r[5], str) for r in rows) else 1


def _write_json(path, rows, machine_text, threads, command):
    """One JSON object per row (appended), with the run's date, machine and command."""
    import json

    ref = {(r[0], r[1]): r[3] for r in rows if r[2].startswith(REFERENCE[r[0]]) and r[3] is not None}
    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(path, "a") as f:
        for bench, work, name, t, per_op, ok in rows:
            base = ref.get((bench, work))
            f.write(json.dumps({"date": date, "machine": machine_text, "threads": threads, "command": command,
                                "bench": bench, "workload": work, "contender": name, "seconds": t,
                                "seconds_per_op": per_op, "ratio": t / base if t and base else None,
                                "same_numbers": ok}) + "\n")


def register(subparsers):
    p = subparsers.add_parser("bench", help="benchmarks B1-B6 against micrograd, torch and numpy by hand")
    p.add_argument("benchmarks", nargs="*", metavar="B", help=f"which to run (default all: {' '.join(BENCHMARKS)})")
    p.add_argument("--quick", action="store_true", help="tiny sizes and few repeats: a smoke test, not a measurement")
    p.add_argument("--threads", type=int, default=1, metavar="N", help="BLAS and torch threads (default 1)")
    p.add_argument("--json", metavar="PATH", help="also append one JSON line per row to PATH")
    p.set_defaults(func=run)
