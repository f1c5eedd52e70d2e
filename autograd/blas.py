"""scipy's BLAS, for what numpy's operators cannot say: a product that adds into its output
(`gemm` with beta = 1, the convolutions) and `y += a * x` in one pass without a temporary (`axpy`,
the optimizers' updates).

Loaded at first use, as scipy.linalg takes a fifth of a second to import. scipy comes with
scikit-learn; without it `routines` finds nothing and the callers use numpy.
"""
import numpy as np

__all__ = ["routines", "axpy_", "loaded"]

_LOADED = {}  # routine name -> {dtype: scipy's s<name> or d<name>}


def routines(name):
    """{float32: scipy's s<name>, float64: d<name>} for a BLAS routine such as "gemm", or {} without scipy."""
    found = _LOADED.get(name)
    if found is None:
        try:
            from scipy.linalg import blas
        except ImportError:
            found = {}
        else:
            found = {np.dtype(np.float32): getattr(blas, "s" + name), np.dtype(np.float64): getattr(blas, "d" + name)}
        _LOADED[name] = found
    return found


def loaded():
    """Each BLAS library this process uses (numpy's for products, scipy's for the routines here), as
    "<package> <library> <version> <kernels>", sorted: what decides how float32 sums round."""
    from threadpoolctl import threadpool_info

    routines("axpy")  # scipy's BLAS, loaded now if it is there
    return sorted(f"{_owner(i['filepath'])} {i['internal_api']} {i['version']} {i.get('architecture') or ''}".rstrip()
                  for i in threadpool_info() if i["user_api"] == "blas")


def _owner(path):
    """The package a BLAS library ships in, from its path (`.../numpy.libs/libopenblas...so` -> numpy)."""
    parts = path.replace("\\", "/").split("/")
    return next((p.split(".")[0] for p in reversed(parts[:-1]) if p.endswith(".libs") or p in ("numpy", "scipy")), "")


def axpy_(y, a, x):
    """y += a * x, in place on the array `y` (x of the same shape), rounded once as PyTorch's kernels round.

    Where both are C-contiguous, writable float arrays of one dtype, this is one BLAS pass; numpy's
    `y += a * x` makes and reads a temporary as large as `y`, several times the cost for a large
    weight. OpenBLAS fuses the multiply and add in its vector loop (one rounding, as PyTorch's CPU
    kernels do); where its float32 kernel rounds the last `n % 32` elements twice, as the
    Haswell-class kernels do, those go through one more whole block, in a zero-padded copy. A 0-d
    array, a scalar `Value`'s stand-in, takes numpy's two roundings, as a hand update of floats does."""
    f = routines("axpy").get(y.dtype)
    if f is not None and y.ndim and x.shape == y.shape and x.dtype == y.dtype:
        flags = y.flags
        if flags.c_contiguous and flags.writeable and y.size:
            # y.reshape is a view of y, which axpy writes into; x.reshape copies x only if x is strided.
            y, x = y.reshape(-1), x.reshape(-1)
            n = y.size
            tail = n % _BLOCK
            if tail and (y.dtype.type is not np.float32 or not _rounds_tail_twice(f)):
                tail = 0  # the kernel rounds its tail once (for doubles no exact match is promised)
            if n > tail:
                f(x, y, n - tail, a)
            if tail:
                _padded(f, y[n - tail:], a, x[n - tail:])
            return
    y += a * x


_BLOCK = 32  # the floats of one pass of OpenBLAS's Haswell-class axpy loop
_TWICE = {}  # saxpy routine -> whether it rounds the elements past its last whole block twice


def _rounds_tail_twice(saxpy):
    """Whether `saxpy` rounds the elements past its last whole block of 32 twice (OpenBLAS's
    Haswell-class kernels do, its SkylakeX kernel does not): tried once, on 16 short vectors,
    where two roundings would differ from one in about 50 of the 496 elements."""
    twice = _TWICE.get(saxpy)
    if twice is None:
        y, x = np.random.default_rng(0).standard_normal((2, 16, _BLOCK - 1)).astype(np.float32)
        want = (y.astype(np.float64) + float(np.float32(-0.1)) * x.astype(np.float64)).astype(np.float32)
        for yi, xi in zip(y, x):
            saxpy(xi, yi, _BLOCK - 1, -0.1)
        twice = _TWICE[saxpy] = not np.array_equal(y, want)
    return twice


def _padded(f, y, a, x):
    """`f`, a BLAS axpy, on fewer than `_BLOCK` elements run as one whole block of zero-padded copies."""
    k = y.size
    block = np.zeros(2 * _BLOCK, y.dtype)
    block[:k] = y
    block[_BLOCK:_BLOCK + k] = x
    f(block[_BLOCK:], block, _BLOCK, a)
    y[...] = block[:k]
