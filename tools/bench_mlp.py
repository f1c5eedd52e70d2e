"""Benchmarks B3 and B4 of BENCHMARKS.md: a whole MLP training step (forward, cross-entropy,
backward, SGD update) against the same step written by hand in numpy, and torch.

Every contender starts from the same weights and sees the same batches, and is first checked to
reach the same loss after a few steps. B3 trains 20 epochs on the digits; B4 reports, beside the
time of a step, the peak memory of the step as `tracemalloc` sees it (numpy and chainrule
allocate through Python's tracked allocator; torch does not) and the growth of the peak resident
set size (RSS) over the first training steps, measured for every contender in a process of its own.
"""
import gc
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np


def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y.astype(np.int64)


def _init(sizes, seed=0):
    """Weights as (in, out) float32 arrays drawn once, U(-1/sqrt(in), 1/sqrt(in)) as PyTorch's Linear."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        params.append((rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32),
                       rng.uniform(-bound, bound, n_out).astype(np.float32)))
    return params


def _batches(n, batch, epochs, seed=1):
    rng = np.random.default_rng(seed)
    return [order[i:i + batch] for _ in range(epochs) for order in [rng.permutation(n)]
            for i in range(0, n - batch + 1, batch)]


class NumpyMLP:
    """The limit: forward and backward written by hand, updates in place."""

    def __init__(self, params, lr):
        self.params = [(W.copy(), b.copy()) for W, b in params]
        self.lr = lr

    def step(self, x, y):
        acts, pre = [x], []
        for i, (W, b) in enumerate(self.params):
            z = acts[-1] @ W + b
            pre.append(z)
            acts.append(np.maximum(z, 0) if i < len(self.params) - 1 else z)
        z = acts[-1]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        n = len(y)
        loss = -np.log(p[np.arange(n), y]).mean()
        g = p
        g[np.arange(n), y] -= 1
        g /= n
        for i in range(len(self.params) - 1, -1, -1):
            W, b = self.params[i]
            gW, gb = acts[i].T @ g, g.sum(axis=0)
            if i:
                g = (g @ W.T) * (pre[i - 1] > 0)
            W -= self.lr * gW
            b -= self.lr * gb
        return float(loss)

    def predict(self, x):
        for i, (W, b) in enumerate(self.params):
            x = x @ W + b
            x = np.maximum(x, 0) if i < len(self.params) - 1 else x
        return x.argmax(axis=1)


class ChainruleMLP:
    def __init__(self, params, lr):
        import nn
        from autograd import from_numpy

        layers = []
        for W, b in params:
            lin = nn.Linear(*W.shape)
            lin.weight.data[...] = W.T
            lin.bias.data[...] = b
            layers += [lin, nn.ReLU()]
        self.model = nn.Sequential(*layers[:-1])
        self.opt = nn.optim.SGD(self.model.parameters(), lr=lr)
        # from_numpy, as torch's contender takes its batches: no copy of data nobody changes.
        self.loss_fn, self.from_numpy = nn.functional.cross_entropy, from_numpy

    def step(self, x, y):
        loss = self.loss_fn(self.model(self.from_numpy(x)), self.from_numpy(y))
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()

    def predict(self, x):
        from autograd import no_grad

        with no_grad():
            return self.model(self.from_numpy(x)).data.argmax(axis=1)


class TorchMLP:
    def __init__(self, torch, params, lr):
        self.torch = torch
        layers = []
        for W, b in params:
            lin = torch.nn.Linear(*W.shape)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W.T.copy()))
                lin.bias.copy_(torch.from_numpy(b))
            layers += [lin, torch.nn.ReLU()]
        self.model = torch.nn.Sequential(*layers[:-1])
        self.opt = torch.optim.SGD(self.model.parameters(), lr=lr)

    def step(self, x, y):
        t = self.torch
        loss = t.nn.functional.cross_entropy(self.model(t.from_numpy(x)), t.from_numpy(y))
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()

    def predict(self, x):
        with self.torch.no_grad():
            return self.model(self.torch.from_numpy(x)).numpy().argmax(axis=1)


def _contenders(params, lr, optional):
    """Constructors of each contender's model with its SGD optimizer."""
    made = {"numpy by hand": lambda: NumpyMLP(params, lr), "chainrule nn": lambda: ChainruleMLP(params, lr)}
    torch = optional("torch")
    if torch is not None:
        made["torch"] = lambda: TorchMLP(torch, params, lr)
    return made


def _agree(make, X, y, batches):
    """Every contender's losses over the first steps, equal to float32 precision."""
    losses = {name: [m.step(X[i], y[i]) for i in batches[:5]] for name, m in
              ((name, mk()) for name, mk in make.items())}
    first = next(iter(losses.values()))
    return all(np.allclose(v, first, rtol=1e-4, atol=1e-5) for v in losses.values())


def _in_turns(make, X, y, batches, chunk, trainings):
    """Median seconds per step of each contender, and the models of the last training.

    Every training starts from fresh models, built outside the clock (a step is what is timed, not
    drawing initial weights), and the contenders take turns every `chunk` steps (a, b, c, a, b, c,
    ...): a burst of load from elsewhere on the machine then lands on one chunk of each, not on a
    whole training of one. The cyclic collector runs once before each training, outside the clock."""
    times = {name: [] for name in make}
    for _ in range(trainings):
        models = {name: mk() for name, mk in make.items()}
        gc.collect()
        for start in range(0, len(batches), chunk):
            steps = batches[start:start + chunk]
            for name, model in models.items():
                t0 = time.perf_counter()
                for i in steps:
                    model.step(X[i], y[i])
                times[name].append((time.perf_counter() - t0) / len(steps))
    return {name: statistics.median(ts) for name, ts in times.items()}, models


def bench_b3(quick, optional):
    """MLP 64-128-64-10 on the digits, batch 64, SGD lr 0.1, 20 epochs: ms per step, train accuracy.
    The contenders take turns epoch by epoch."""
    X, y = _digits()
    params = _init([64, 128, 64, 10])
    epochs = 1 if quick else 20
    batches = _batches(len(X), 64, epochs)
    per_epoch = len(batches) // epochs
    make = _contenders(params, 0.1, optional)
    ok = _agree(make, X, y, batches)
    times, models = _in_turns(make, X, y, batches, per_epoch, 2 if quick else 5)
    rows = []
    for name, t in times.items():
        acc = float((models[name].predict(X) == y).mean())
        rows.append(("B3", f"MLP 64-128-64-10, batch 64, {per_epoch} steps x {epochs} epochs",
                     f"{name} (train acc {acc:.3f})", t, None, ok))
    return rows


def _peak(make, X, y, batches):
    """Peak traced bytes of training steps beyond the model itself."""
    model = make()
    model.step(X[batches[0]], y[batches[0]])
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    for i in batches[1:4]:
        model.step(X[i], y[i])
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def _b4_data(quick):
    rng = np.random.default_rng(0)
    n = 1024 if quick else 8192
    # float32 straight away: a float64 draw would raise the peak RSS above what training adds
    return rng.standard_normal((n, 784), dtype=np.float32), rng.integers(0, 10, n).astype(np.int64)


def _rss_growth(name, quick):
    """MiB by which training steps raise the peak RSS above that of the model and data alone."""
    code = f"from {__package__}.bench_mlp import _rss_child; _rss_child({name!r}, {quick!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    return float(done.stdout.split()[-1]) if done.returncode == 0 else float("nan")


def _rss_child(name, quick):
    import importlib

    X, y = _b4_data(quick)
    # Only the measured contender's library is imported: an import can raise the peak by itself.
    make = _contenders(_init([784, 512, 256, 10]), 0.01,
                       lambda m: importlib.import_module(m) if name.startswith(m) else None)
    model = make[name]()
    if name.startswith("chainrule"):
        from autograd.blas import routines

        routines("axpy")  # the optimizer's first step would load scipy's BLAS: an import, as torch's is
    batches = _batches(len(X), 256, 1)
    before = _peak_rss_kib()
    for i in batches[:4]:
        model.step(X[i], y[i])
    print((_peak_rss_kib() - before) / 1024)


def _peak_rss_kib():
    # VmHWM belongs to this process's own memory map; getrusage's ru_maxrss would start from the
    # parent's peak, which Linux carries over into a child.
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench_b4(quick, optional):
    """MLP 784-512-256-10, batch 256, synthetic 8,192 x 784 float32, SGD: ms per step and peak memory.
    The contenders take turns every 4 steps."""
    X, y = _b4_data(quick)
    params = _init([784, 512, 256, 10])
    batches = _batches(len(X), 256, 1)
    make = _contenders(params, 0.01, optional)
    ok = _agree(make, X, y, batches)
    times, _ = _in_turns(make, X, y, batches, 4, 2 if quick else 5)
    rows = []
    for name, t in times.items():
        traced = "" if name == "torch" else f"traced peak {_peak(make[name], X, y, batches) / 2**20:.1f} MiB, "
        memory = f" ({traced}RSS +{_rss_growth(name, quick):.1f} MiB)"
        rows.append(("B4", "MLP 784-512-256-10, batch 256, per step", name + memory, t, None, ok))
    return rows
