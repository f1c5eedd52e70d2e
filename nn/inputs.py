"""What `nn`'s functions and layers do with their arguments: data becomes a Tensor of the right dtype,
hyper-parameters are checked and named in the error when they are wrong."""
import functools
import math
import numbers

import numpy as np

from autograd import Tensor
from autograd.tensor import as_tensor

__all__ = ["tensor_input", "as_input", "number", "dim_or_axis"]


def tensor_input(fn):
    """Let `fn` take a numpy array or a list as its first argument (converted by `as_tensor`)."""
    @functools.wraps(fn)
    def wrapper(x, *args, **kwargs):
        return fn(x if isinstance(x, Tensor) else as_tensor(x, op=fn.__name__), *args, **kwargs)

    return wrapper


def as_input(x, dtype, op):
    """A layer's input as a Tensor of its parameters' `dtype`.

    Data (lists, numpy arrays, Tensors that do not require grad) is converted. A Tensor that requires
    grad and has another dtype is a TypeError: casting it would silently change its gradient's precision.
    """
    if isinstance(x, Tensor):
        if x.dtype == dtype:
            return x
        if x.requires_grad:
            raise TypeError(f"{op}: the input has dtype {x.dtype} and requires grad, the layer's parameters have "
                            f"dtype {np.dtype(dtype)}; convert one of them (x.astype(np.{np.dtype(dtype)}) or "
                            f"model.to(np.{x.dtype}))")
        return Tensor(x.data.astype(dtype))
    try:
        return Tensor(np.asarray(x, dtype=dtype))
    except (TypeError, ValueError) as e:
        raise TypeError(f"{op}: expected a Tensor, a numpy array or a list of numbers, got {type(x).__name__} ({e})") from None


def number(value, name, op, ok=lambda v: True, expected="a number"):
    """`value` itself when it is a real number for which `ok` holds (NaN never passes), else a
    ValueError naming `op`, the argument `name`, its value and what was `expected`."""
    valid = isinstance(value, (numbers.Real, np.ndarray, np.generic)) and np.ndim(value) == 0 \
        and not isinstance(value, bool) and not math.isnan(value) and ok(value)
    if not valid:
        raise ValueError(f"{op}: {name} must be {expected}, got {value!r}")
    return value


def dim_or_axis(dim, axis, op, default=-1):
    """PyTorch's `dim=` or numpy's `axis=` (either one, not both)."""
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: give dim or axis, not both (got dim={dim}, axis={axis})")
    return default if dim is None and axis is None else (axis if dim is None else dim)
