"""`chainrule bench`: benchmarks B1-B6 of BENCHMARKS.md against their contenders (B3 and B4 are in
`bench_mlp.py`, B6 in `bench_conv.py`).

Every contender runs in this one process, interleaved (a, b, c, a, b, c, ...), and each is first
checked to compute the same numbers as the others. Times are medians; ratios are to the reference
contender of the same run, because absolute times on a shared machine drift and ratios do not.
"""
import gc
import math
import os
import platform
import random
import statistics
import time

import numpy as np

from autograd import Tensor, Value

from .bench_conv import bench_b6
from .bench_mlp import bench_b3, bench_b4

REFERENCE = {"B1": "micrograd", "B2": "torch", "B3": "numpy by hand", "B4": "numpy by hand", "B5": "torch",
             "B6": "torch"}


def _optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def _interleaved(runs, repeats):
    """Median seconds of each zero-argument callable in `runs`, timed in turns."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            # Collect outside the clock, so no contender pays for the cyclic garbage of another.
            gc.collect()
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def _close(a, b, tol):
    return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True))


# B1: one training step of micrograd's demo (MLP 2-16-16-1, SVM max-margin loss, SGD).
def _moons(n):
    from sklearn.datasets import make_moons

    X, y = make_moons(n, noise=0.1, random_state=1)
    return [[float(a), float(b)] for a, b in X], [float(2 * t - 1) for t in y]


def _svm_loss(model, params, X, y):
    """The demo's loss, written once for every scalar type (chainrule, micrograd, torch 0-d)."""
    scores = [model(x) for x in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)


def _value_step(model, X, y, lr):
    params = model.parameters()
    loss = _svm_loss(model, params, X, y)
    model.zero_grad()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return [loss.data] + [p.grad for p in params]


def _layers_of(params, sizes):
    """Flat parameters (neuron by neuron: weights then bias) as [(W rows, biases)] per layer."""
    layers, i = [], 0
    for nin, nout in zip(sizes, sizes[1:]):
        rows, bs = [], []
        for _ in range(nout):
            rows.append(params[i:i + nin])
            bs.append(params[i + nin])
            i += nin + 1
        layers.append((rows, bs))
    return layers


def _torch_step(torch, params, layers, X, y, lr):
    def model(x):
        for k, (rows, bs) in enumerate(layers):
            out = []
            for w, b in zip(rows, bs):
                act = b
                for wi, xi in zip(w, x):
                    act = act + wi * xi
                out.append(act.relu() if k < len(layers) - 1 else act)
            x = out
        return x[0]

    loss = _svm_loss(model, params, X, y)
    loss.backward()
    grads = [p.grad.item() for p in params]
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return [loss.item()] + grads


def _floats_step(params, layers, X, y, lr):
    """The same step with Python floats and a hand-written backward: the speed limit."""
    n, grads = len(X), [0.0] * len(params)
    data_loss = 0.0
    for x, yi in zip(X, y):
        acts = [x]  # forward, keeping each layer's output
        for k, (rows, bs) in enumerate(layers):
            out = []
            for w, b in zip(rows, bs):
                a = params[b]
                for wi, xi in zip(w, acts[-1]):
                    a += params[wi] * xi
                out.append(max(a, 0.0) if k < len(layers) - 1 else a)
            acts.append(out)
        margin = 1 - yi * acts[-1][0]
        if margin <= 0:
            continue
        data_loss += margin
        d = [-yi / n]  # d loss / d (last layer output); backward layer by layer
        for k in range(len(layers) - 1, -1, -1):
            rows, bs = layers[k]
            dprev = [0.0] * len(acts[k])
            for j, (w, b) in enumerate(zip(rows, bs)):
                dj = d[j] if k == len(layers) - 1 or acts[k + 1][j] > 0 else 0.0
                grads[b] += dj
                for i, wi in enumerate(w):
                    grads[wi] += dj * acts[k][i]
                    dprev[i] += dj * params[wi]
            d = dprev
    loss = data_loss / n + 1e-4 * sum(p * p for p in params)
    for i, p in enumerate(params):
        grads[i] += 2e-4 * p
        params[i] = p - lr * grads[i]
    return [loss] + grads


def bench_b1(quick):
    import nn.scalar

    n, lr, sizes = (4 if quick else 100), 0.1, [2, 16, 16, 1]
    X, y = _moons(n)
    random.seed(1337)
    ours = nn.scalar.MLP(2, sizes[1:])
    start = [p.data for p in ours.parameters()]
    steps = {"chainrule Value": lambda: _value_step(ours, X, y, lr)}
    idx = _layers_of(list(range(len(start))), sizes)
    floats = list(start)
    steps["python floats by hand"] = lambda: _floats_step(floats, idx, X, y, lr)
    micrograd = _optional("micrograd")
    if micrograd is not None:
        import micrograd.nn

        random.seed(1337)
        theirs = micrograd.nn.MLP(2, sizes[1:])
        if [p.data for p in theirs.parameters()] != start:
            raise RuntimeError("B1: micrograd and chainrule drew different initial weights")
        steps["micrograd"] = lambda: _value_step(theirs, X, y, lr)
    torch = _optional("torch")
    if torch is not None:
        tparams = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in start]
        tlayers = _layers_of(tparams, sizes)
        steps["torch 0-d"] = lambda: _torch_step(torch, tparams, tlayers, X, y, lr)
    results = {name: step() for name, step in steps.items()}  # the first step, also the check
    ok = all(_close(r, results["chainrule Value"], 1e-9) for r in results.values())
    times = _interleaved(steps, 3 if quick else 7)
    nodes = _count_nodes(ours, X, y)
    return [("B1", f"MLP 2-16-16-1 step, {n} moons ({nodes} nodes)", name, t, None, ok) for name, t in times.items()]


def _count_nodes(model, X, y):
    from autograd import toposort

    return len(toposort([_svm_loss(model, model.parameters(), X, y)]))


# B2: a deep chain x = x*1.0001 + 0.0001, N times, then backward; two ops per step.
def _chain_floats(n):
    x = 1.0
    for _ in range(n):
        x = x * 1.0001 + 0.0001
    g = 1.0
    for _ in range(n):
        g *= 1.0001
    return g


def _chain_nodes(x, n):
    x0 = x
    for _ in range(n):
        x = x * 1.0001 + 0.0001
    x.backward()
    return x0.grad


def _chain_gc_paused(n):
    """The chain built with the cyclic collector paused, which is safe as Value graphs hold no cycles:
    it shows the engine's own cost apart from the full collections a million live nodes trigger."""
    gc.disable()
    try:
        return _chain_nodes(Value(1.0), n)
    finally:
        gc.enable()


def _chain_torch(torch, n):
    x0 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    x = x0
    for _ in range(n):
        x = x * 1.0001 + 0.0001
    x.backward()
    return x0.grad.item()


def bench_b2(quick):
    rows = []
    micrograd, torch = _optional("micrograd"), _optional("torch")
    for n in ([100, 1000] if quick else [1000, 10_000, 100_000, 1_000_000]):
        runs = {"python floats": lambda: _chain_floats(n), "chainrule Value": lambda: _chain_nodes(Value(1.0), n),
                "chainrule Value, gc paused": lambda: _chain_gc_paused(n)}
        notes = {}
        if micrograd is not None:
            from micrograd.engine import Value as MicroValue

            try:
                _chain_nodes(MicroValue(1.0), n)
                runs["micrograd"] = lambda: _chain_nodes(MicroValue(1.0), n)
            except RecursionError:
                notes["micrograd"] = "fails (RecursionError)"
        if torch is not None:
            runs["torch 0-d"] = lambda: _chain_torch(torch, n)
        want = 1.0001**n
        ok = all(math.isclose(run(), want, rel_tol=1e-9) for run in runs.values())
        repeats = 3 if quick or n >= 1_000_000 else 5
        for name, t in _interleaved(runs, repeats).items():
            rows.append(("B2", f"chain N={n:,}", name, t, t / (2 * n), ok))
        rows += [("B2", f"chain N={n:,}", name, None, None, note) for name, note in notes.items()]
    return rows


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
              "B3": lambda quick: bench_b3(quick, _interleaved, _optional),
              "B4": lambda quick: bench_b4(quick, _interleaved, _optional), "B5": bench_b5,
              "B6": lambda quick: bench_b6(quick, _interleaved, _optional)}


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = ""
    tpc = _optional("threadpoolctl")
    if tpc is not None:
        blas = ", ".join(f"{i['internal_api']} {i['version']}" for i in tpc.threadpool_info() if i["user_api"] == "blas")
    py = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, Python {py}, numpy {np.__version__} ({blas or 'BLAS unknown'})"


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
