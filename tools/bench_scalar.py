"""Benchmarks B1 and B2 of BENCHMARKS.md: the scalar engine (`Value`) against micrograd, torch 0-d
tensors and Python floats by hand (see `bench.py` for how they are run and reported)."""
import gc
import math
import random

from autograd import Value

from .bench_common import _close, _fresh_memory, _interleaved, _optional


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
        # About 400 bytes a step: what chainrule's chain of 2n nodes takes, with room to spare.
        settle = (lambda: _fresh_memory(400 * n)) if n >= 100_000 else None
        for name, t in _interleaved(runs, repeats, settle).items():
            rows.append(("B2", f"chain N={n:,}", name, t, t / (2 * n), ok))
        rows += [("B2", f"chain N={n:,}", name, None, None, note) for name, note in notes.items()]
    return rows
