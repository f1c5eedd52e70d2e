"""The chainrule-wide random generator and tensor creation helpers.

Everything random in chainrule (initialisers, dropout, `randn`) draws from one numpy
`Generator`; `manual_seed(seed)` replaces it, so a run is reproducible from that call on.
Creation helpers default to float32, like PyTorch.
"""
import numpy as np

from .tensor import Tensor

__all__ = ["manual_seed", "generator", "randn", "rand", "randint", "multinomial", "zeros", "ones", "full", "empty",
           "eye", "zeros_like", "ones_like", "full_like", "empty_like", "arange", "linspace", "tril_indices",
           "triu_indices"]

_rng = np.random.default_rng()


def manual_seed(seed):
    """Reseed the generator used by `randn`, `rand`, `nn.init` and `nn.Dropout`."""
    global _rng
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative integer, got {seed!r}")
    _rng = np.random.default_rng(int(seed))
    return _rng


def generator():
    """The current `numpy.random.Generator` (changes on each `manual_seed`)."""
    return _rng


def _shape(shape, op):
    shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)
    if any(not isinstance(n, (int, np.integer)) or n < 0 for n in shape):
        raise ValueError(f"{op}: shape must be non-negative integers, got {shape}")
    return shape


def _tensor(data, dtype, requires_grad):
    return Tensor(np.asarray(data, dtype=dtype), requires_grad=requires_grad)


def randn(*shape, dtype=np.float32, requires_grad=False):
    """Standard normal samples: `randn(2, 3)` or `randn((2, 3))`."""
    return _tensor(_rng.standard_normal(_shape(shape, "randn")), dtype, requires_grad)


def rand(*shape, dtype=np.float32, requires_grad=False):
    """Uniform samples in [0, 1)."""
    return _tensor(_rng.random(_shape(shape, "rand")), dtype, requires_grad)


def randint(low, high=None, size=None, dtype=np.int64, shape=None):
    """Integers uniform in [low, high): `randint(low, high, size)` or `randint(high, size)` (PyTorch's forms)."""
    size = shape if size is None else size
    if size is None and high is not None and not isinstance(high, (int, np.integer)):
        low, high, size = 0, low, high  # randint(high, size)
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: give the size, e.g. randint(0, 10, (3,))")
    if high <= low:
        raise ValueError(f"randint: need low < high, got low={low}, high={high}")
    return Tensor(_rng.integers(low, high, _shape((size,), "randint"), dtype=dtype))


def multinomial(probs, num_samples, replacement=False):
    """Indices drawn from the categorical distribution in each row of `probs` (weights, not normalised).

    `probs` is 1-d (one distribution) or 2-d (one per row); without replacement each row needs
    at least `num_samples` non-zero weights.
    """
    w = np.asarray(probs.data if isinstance(probs, Tensor) else probs, dtype=np.float64)
    if w.ndim not in (1, 2):
        raise ValueError(f"multinomial: probs must be 1-d or 2-d, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("multinomial: probs must be finite and non-negative")
    rows = w.reshape(-1, w.shape[-1])
    totals = rows.sum(axis=1, keepdims=True)
    if np.any(totals == 0):
        raise ValueError("multinomial: every distribution needs a positive total weight")
    if not replacement and np.any((rows > 0).sum(axis=1) < num_samples):
        raise ValueError(f"multinomial: cannot draw {num_samples} samples without replacement from rows with fewer "
                         f"non-zero weights")
    out = np.stack([_rng.choice(rows.shape[1], size=num_samples, replace=replacement, p=r / r.sum()) for r in rows])
    return Tensor(out.reshape(w.shape[:-1] + (num_samples,)).astype(np.int64))


def zeros(*shape, dtype=np.float32, requires_grad=False):
    return _tensor(np.zeros(_shape(shape, "zeros")), dtype, requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    return _tensor(np.ones(_shape(shape, "ones")), dtype, requires_grad)


def full(shape, fill_value, dtype=np.float32, requires_grad=False):
    return _tensor(np.full(_shape((shape,), "full"), fill_value), dtype, requires_grad)


def empty(*shape, dtype=np.float32, requires_grad=False):
    """A tensor of `shape` whose values are not set (zeros here: numpy's uninitialised memory is no faster
    at these sizes, and zeros keep runs reproducible)."""
    return zeros(*shape, dtype=dtype, requires_grad=requires_grad)


def eye(n, m=None, dtype=np.float32, requires_grad=False):
    """The identity matrix (n, m), ones on the diagonal."""
    _shape((n,) if m is None else (n, m), "eye")
    return _tensor(np.eye(n, m), dtype, requires_grad)


def zeros_like(x, dtype=None, requires_grad=False):
    """Zeros with `x`'s shape and (unless given) dtype."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _tensor(np.zeros(data.shape), dtype or data.dtype, requires_grad)


def ones_like(x, dtype=None, requires_grad=False):
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _tensor(np.ones(data.shape), dtype or data.dtype, requires_grad)


def full_like(x, fill_value, dtype=None, requires_grad=False):
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _tensor(np.full(data.shape, fill_value), dtype or data.dtype, requires_grad)


empty_like = zeros_like


def arange(start, stop=None, step=1, dtype=None):
    """Like `numpy.arange`; integers stay int64, floats become float32 unless `dtype` says otherwise."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None:
        dtype = np.int64 if values.dtype.kind in "iu" else np.float32
    return Tensor(values.astype(dtype))


def linspace(start, end, steps, dtype=np.float32, requires_grad=False):
    """`steps` evenly spaced values from `start` to `end`, both included."""
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative integer, got {steps!r}")
    return _tensor(np.linspace(start, end, steps), dtype, requires_grad)


def tril_indices(row, col=None, offset=0):
    """The (2, N) row and column indices of the lower triangle of a (row, col) matrix, PyTorch's layout;
    `t[tuple(tril_indices(n))]` picks those elements."""
    return Tensor(np.stack(np.tril_indices(row, offset, row if col is None else col)).astype(np.int64))


def triu_indices(row, col=None, offset=0):
    """The (2, N) indices of the upper triangle (on and above diagonal `offset`)."""
    return Tensor(np.stack(np.triu_indices(row, offset, row if col is None else col)).astype(np.int64))
