"""The chainrule-wide random generator and tensor creation helpers.

Everything random in chainrule (initialisers, dropout, `randn`) draws from one numpy
`Generator`; `manual_seed(seed)` replaces it, so a run is reproducible from that call on.
Creation helpers default to float32, like PyTorch.
"""
import numpy as np

from .tensor import Tensor

__all__ = ["manual_seed", "generator", "randn", "rand", "randint", "zeros", "ones", "full", "zeros_like",
           "ones_like", "arange"]

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


def randint(low, high, shape, dtype=np.int64):
    """Integers uniform in [low, high)."""
    if high <= low:
        raise ValueError(f"randint: need low < high, got low={low}, high={high}")
    return Tensor(_rng.integers(low, high, _shape((shape,), "randint"), dtype=dtype))


def zeros(*shape, dtype=np.float32, requires_grad=False):
    return _tensor(np.zeros(_shape(shape, "zeros")), dtype, requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    return _tensor(np.ones(_shape(shape, "ones")), dtype, requires_grad)


def full(shape, fill_value, dtype=np.float32, requires_grad=False):
    return _tensor(np.full(_shape((shape,), "full"), fill_value), dtype, requires_grad)


def zeros_like(x, dtype=None, requires_grad=False):
    """Zeros with `x`'s shape and (unless given) dtype."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _tensor(np.zeros(data.shape), dtype or data.dtype, requires_grad)


def ones_like(x, dtype=None, requires_grad=False):
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _tensor(np.ones(data.shape), dtype or data.dtype, requires_grad)


def arange(start, stop=None, step=1, dtype=None):
    """Like `numpy.arange`; integers stay int64, floats become float32 unless `dtype` says otherwise."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None:
        dtype = np.int64 if values.dtype.kind in "iu" else np.float32
    return Tensor(values.astype(dtype))
