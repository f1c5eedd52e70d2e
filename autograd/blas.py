"""scipy's BLAS, for what numpy's operators cannot say: a product that adds into its output
(`gemm` with beta = 1, the convolutions) and `y += a * x` in one pass without a temporary (`axpy`,
the optimizers' updates).

Loaded at first use, as scipy.linalg takes a fifth of a second to import. scipy comes with
scikit-learn; without it `routines` finds nothing and the callers use numpy.
"""
import numpy as np

__all__ = ["routines", "axpy_"]

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


def axpy_(y, a, x):
    """y += a * x, in place on the array `y` (x of the same shape).

    Where both are C-contiguous, writable float arrays of one dtype, this is one BLAS pass; numpy's
    `y += a * x` makes and reads a temporary as large as `y`, several times the cost for a large
    weight. OpenBLAS fuses the multiply and add (one rounding, as PyTorch's CPU kernels do); a 0-d
    array, a scalar `Value`'s stand-in, takes numpy's two roundings, as a hand update of floats does."""
    f = routines("axpy").get(y.dtype)
    if f is not None and y.ndim and x.shape == y.shape and x.dtype == y.dtype:
        flags = y.flags
        if flags.c_contiguous and flags.writeable and y.size:
            # y.reshape is a view of y, which axpy writes into; x.reshape copies x only if x is strided.
            f(x.reshape(-1), y.reshape(-1), y.size, a)
            return
    y += a * x
