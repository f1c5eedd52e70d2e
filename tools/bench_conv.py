"""Benchmark B6 of BENCHMARKS.md: a convolution layer, forward + backward (input and weight gradients).

The main workload is `Conv2d` 3x3, 16 -> 32 channels, padding 1, on a (64, 16, 28, 28) float32 batch;
a depthwise and a strided case follow. Contenders: chainrule's `nn.Conv2d` and torch's `conv2d` with
the same weights and the same upstream gradient, checked to give the same output and gradients.
`bench.py` runs it with the other benchmarks (interleaved timing, medians, one thread).
"""
import numpy as np

# workload label: (input shape, Conv2d arguments)
CASES = {
    "Conv2d 3×3 16→32, pad 1, (64, 16, 28, 28)": ((64, 16, 28, 28), dict(in_channels=16, out_channels=32,
                                                                           kernel_size=3, padding=1)),
    "depthwise 3×3 ×32, pad 1, (64, 32, 28, 28)": ((64, 32, 28, 28), dict(in_channels=32, out_channels=32,
                                                                            kernel_size=3, padding=1, groups=32)),
    "strided 3×3 16→32, stride 2, pad 1, (64, 16, 28, 28)": ((64, 16, 28, 28), dict(
        in_channels=16, out_channels=32, kernel_size=3, padding=1, stride=2)),
}


def _ours(conv, x, g):
    from autograd import from_numpy

    xt = from_numpy(x).requires_grad_()  # shares x's memory, as torch.from_numpy does
    conv.zero_grad()
    conv(xt).backward(g)
    return xt.grad.data, conv.weight.grad.data, conv.bias.grad.data


def _torch(torch, conv, x, g):
    xt = torch.from_numpy(x).requires_grad_()
    conv.zero_grad()
    conv(xt).backward(g)
    return xt.grad.numpy(), conv.weight.grad.numpy(), conv.bias.grad.numpy()


def bench_b6(quick, interleaved, optional):
    """Rows (bench, workload, contender, median seconds, None, same numbers)."""
    import nn
    from autograd import Tensor, no_grad

    torch = optional("torch")
    rows = []
    for label, (shape, args) in CASES.items():
        if quick:
            shape = (2,) + shape[1:]
        rng = np.random.default_rng(0)
        x = rng.standard_normal(shape).astype(np.float32)
        ours = nn.Conv2d(**args)
        with no_grad():
            out_shape = ours(Tensor(x)).shape
        g = rng.standard_normal(out_shape).astype(np.float32)
        runs = {"chainrule nn.Conv2d": lambda: _ours(ours, x, g)}
        if torch is not None:
            theirs = torch.nn.Conv2d(**args)
            theirs.load_state_dict(nn.export_torch_state_dict(ours))
            tg = torch.from_numpy(g)
            runs["torch conv2d"] = lambda: _torch(torch, theirs, x, tg)
        results = {name: run() for name, run in runs.items()}
        want = results["chainrule nn.Conv2d"]
        ok = all(np.allclose(a, b, rtol=1e-3, atol=1e-3 * np.abs(b).max()) for r in results.values()
                 for a, b in zip(r, want))
        times = interleaved(runs, 3 if quick else 9)
        rows += [("B6", label if not quick else label.replace("(64,", "(2,"), name, t, None, ok)
                 for name, t in times.items()]
    return rows
