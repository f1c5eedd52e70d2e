"""Attach the ops to `Tensor` as methods and operators, and map numpy's functions onto them."""
import numpy as np

from ..tensor import Tensor
from . import activation as A
from . import elementwise as E
from . import linalg as L
from . import reduce as R
from . import shape as S


def _swap(fn):
    return lambda a, b: fn(b, a)


_METHODS = {
    "__add__": E.add, "__radd__": _swap(E.add), "__sub__": E.sub, "__rsub__": _swap(E.sub),
    "__mul__": E.mul, "__rmul__": _swap(E.mul), "__truediv__": E.div, "__rtruediv__": _swap(E.div),
    "__pow__": E.pow, "__rpow__": _swap(E.pow), "__matmul__": L.matmul, "__rmatmul__": L.rmatmul,
    "__neg__": E.neg, "__abs__": E.abs, "__pos__": lambda x: x,
    "__lt__": E.lt, "__le__": E.le, "__gt__": E.gt, "__ge__": E.ge, "__eq__": E.eq, "__ne__": E.ne,
    "__invert__": E.logical_not, "__and__": E.logical_and, "__or__": E.logical_or,
    "__getitem__": S.getitem,
    "add": E.add, "sub": E.sub, "mul": E.mul, "div": E.div, "pow": E.pow, "matmul": L.matmul, "dot": L.dot,
    "neg": E.neg, "exp": E.exp, "log": E.log, "log1p": E.log1p, "sqrt": E.sqrt, "abs": E.abs,
    "sin": E.sin, "cos": E.cos, "tanh": E.tanh, "sigmoid": E.sigmoid, "relu": A.relu,
    "leaky_relu": A.leaky_relu, "elu": A.elu, "selu": A.selu, "gelu": A.gelu, "silu": A.silu,
    "swish": A.silu, "softplus": A.softplus, "erf": A.erf, "clip": E.clip, "clamp": E.clip, "sign": E.sign,
    "maximum": E.maximum, "minimum": E.minimum, "astype": E.astype,
    "float": lambda x: E.astype(x, np.float32), "double": lambda x: E.astype(x, np.float64),
    "sum": R.sum, "mean": R.mean, "max": R.max, "min": R.min, "var": R.var, "std": R.std,
    "logsumexp": R.logsumexp, "prod": R.prod, "argmax": R.argmax, "argmin": R.argmin,
    "softmax": R.softmax, "log_softmax": R.log_softmax,
    "reshape": S.reshape, "view": S.reshape, "flatten": S.flatten, "permute": S.permute,
    "transpose": S.transpose, "expand": S.expand, "broadcast_to": S.broadcast_to,
    "squeeze": S.squeeze, "unsqueeze": S.unsqueeze, "split": S.split, "pad": S.pad,
    "any": lambda x, *a, **k: Tensor(np.any(x.data, *a, **k)), "all": lambda x, *a, **k: Tensor(np.all(x.data, *a, **k)),
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(S.T)

# numpy ufuncs and functions on Tensors: the differentiable versions (used by backward formulas).
UFUNCS = {
    np.add: E.add, np.subtract: E.sub, np.multiply: E.mul, np.true_divide: E.div, np.power: E.pow,
    np.negative: E.neg, np.exp: E.exp, np.log: E.log, np.log1p: E.log1p, np.sqrt: E.sqrt,
    np.absolute: E.abs, np.sin: E.sin, np.cos: E.cos, np.tanh: E.tanh, np.sign: E.sign,
    np.maximum: E.maximum, np.minimum: E.minimum, np.matmul: L.matmul,
    np.less: E.lt, np.less_equal: E.le, np.greater: E.gt, np.greater_equal: E.ge,
    np.equal: E.eq, np.not_equal: E.ne, np.logical_not: E.logical_not,
    np.logical_and: E.logical_and, np.logical_or: E.logical_or, np.invert: E.logical_not,
}
FUNCTIONS = {
    np.where: E.where, np.broadcast_to: S.broadcast_to, np.transpose: lambda x, axes=None: (
        S.T(x) if axes is None else S.permute(x, axes)),
    np.swapaxes: S.transpose, np.expand_dims: S.unsqueeze, np.squeeze: S.squeeze, np.reshape: S.reshape,
    np.concatenate: S.concatenate, np.stack: S.stack, np.sum: R.sum, np.mean: R.mean,
    np.max: R.max, np.min: R.min, np.clip: E.clip, np.dot: L.dot,
}
Tensor._UFUNCS, Tensor._FUNCTIONS = UFUNCS, FUNCTIONS  # the same dicts, extended below

# The wider op set: PyTorch's names as methods, and numpy's functions with numpy's keyword names.
from . import decomp as D  # noqa: E402
from . import einsum as ES  # noqa: E402
from . import index as I  # noqa: E402
from . import join as J  # noqa: E402
from . import norm as N  # noqa: E402
from . import pointwise as P  # noqa: E402
from . import scan as SC  # noqa: E402
from . import sort as SO  # noqa: E402

_MORE_METHODS = {
    "__mod__": P.remainder, "__rmod__": _swap(P.remainder), "__floordiv__": P.floor_divide,
    "__rfloordiv__": _swap(P.floor_divide),
    "floor": P.floor, "ceil": P.ceil, "trunc": P.trunc, "round": P.round, "square": P.square, "rsqrt": P.rsqrt,
    "reciprocal": P.reciprocal, "exp2": P.exp2, "expm1": P.expm1, "log2": P.log2, "log10": P.log10, "tan": P.tan,
    "sinh": P.sinh, "cosh": P.cosh, "arcsin": P.arcsin, "asin": P.arcsin, "arccos": P.arccos, "acos": P.arccos,
    "arctan": P.arctan, "atan": P.arctan, "arcsinh": P.arcsinh, "asinh": P.arcsinh, "arccosh": P.arccosh,
    "acosh": P.arccosh, "arctanh": P.arctanh, "atanh": P.arctanh, "arctan2": P.arctan2, "atan2": P.arctan2,
    "hypot": P.hypot, "deg2rad": P.deg2rad, "rad2deg": P.rad2deg, "logaddexp": P.logaddexp,
    "logaddexp2": P.logaddexp2, "fmax": P.fmax, "fmin": P.fmin, "remainder": P.remainder,
    "floor_divide": P.floor_divide, "lerp": P.lerp, "clamp": P.clamp, "clip": P.clamp,
    "cumsum": SC.cumsum, "cumprod": SC.cumprod, "diff": SC.diff, "norm": N.tensor_norm,
    "count_nonzero": R.count_nonzero, "all": R.all, "any": R.any, "median": SO.median, "sort": SO.sort,
    "argsort": SO.argsort, "topk": SO.topk,
    "repeat": S.repeat, "repeat_interleave": S.repeat_interleave, "tile": S.tile, "flip": S.flip, "roll": S.roll,
    "moveaxis": S.moveaxis, "movedim": S.moveaxis, "swapaxes": S.swapaxes, "swapdims": S.swapaxes,
    "chunk": J.chunk, "vsplit": J.vsplit, "hsplit": J.hsplit, "dsplit": J.dsplit,
    "gather": I.gather, "take_along_dim": lambda x, indices, dim=None: I.take_along_axis(x, indices, dim),
    "index_select": I.index_select, "scatter": I.scatter, "scatter_add": I.scatter_add, "masked_fill": I.masked_fill,
    "tril": I.tril, "triu": I.triu, "diag": I.diag, "diagonal": I.diagonal, "trace": I.trace,
    "inner": L.inner, "outer": L.outer, "kron": L.kron, "cross": L.cross, "matrix_power": L.matrix_power,
    "inverse": D.inv, "det": D.det, "slogdet": D.slogdet, "cholesky": D.cholesky,
}
for _name, _fn in _MORE_METHODS.items():
    setattr(Tensor, _name, _fn)


def _no_grad(fn):
    """A numpy function whose result has no gradient (a test or a count), applied to the data."""
    return lambda x, *args, **kwargs: Tensor(fn(x.data if isinstance(x, Tensor) else x, *args, **kwargs))


UFUNCS.update({
    np.floor: P.floor, np.ceil: P.ceil, np.trunc: P.trunc, np.square: P.square, np.reciprocal: P.reciprocal,
    np.expm1: P.expm1, np.exp2: P.exp2, np.log2: P.log2, np.log10: P.log10, np.tan: P.tan, np.sinh: P.sinh,
    np.cosh: P.cosh, np.arcsin: P.arcsin, np.arccos: P.arccos, np.arctan: P.arctan, np.arcsinh: P.arcsinh,
    np.arccosh: P.arccosh, np.arctanh: P.arctanh, np.deg2rad: P.deg2rad, np.rad2deg: P.rad2deg,
    np.radians: P.deg2rad, np.degrees: P.rad2deg, np.arctan2: P.arctan2, np.hypot: P.hypot,
    np.logaddexp: P.logaddexp, np.logaddexp2: P.logaddexp2, np.fmax: P.fmax, np.fmin: P.fmin,
    np.remainder: P.remainder, np.floor_divide: P.floor_divide,
    np.isnan: _no_grad(np.isnan), np.isinf: _no_grad(np.isinf), np.isfinite: _no_grad(np.isfinite),
})


def _np_pad(array, pad_width, mode="constant", constant_values=0):
    return S.pad(array, pad_width, constant_values, mode)


def _np_clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    return P.clamp(a, a_min if a_min is not None else min, a_max if a_max is not None else max)


def _np_max(reducer):
    return lambda a, axis=None, out=None, keepdims=False, **_: reducer(a, axis, keepdims)


FUNCTIONS.update({
    np.round: lambda a, decimals=0, out=None: P.round(a, decimals),
    np.cumsum: lambda a, axis=None, dtype=None, out=None: SC.cumsum(a, axis),
    np.cumprod: lambda a, axis=None, dtype=None, out=None: SC.cumprod(a, axis),
    np.diff: SC.diff, np.linalg.norm: N.norm, np.count_nonzero: R.count_nonzero,
    np.all: lambda a, axis=None, out=None, keepdims=False, **_: R.all(a, axis, keepdims),
    np.any: lambda a, axis=None, out=None, keepdims=False, **_: R.any(a, axis, keepdims),
    np.max: _np_max(R.max), np.min: _np_max(R.min), np.amax: _np_max(R.max), np.amin: _np_max(R.min),
    np.median: lambda a, axis=None, out=None, overwrite_input=False, keepdims=False: SO.np_median(a, axis, keepdims),
    np.sort: lambda a, axis=-1, kind=None, order=None, *, stable=None: SO.sort(a, axis).values,
    np.argsort: lambda a, axis=-1, kind=None, order=None, *, stable=None: SO.argsort(a, axis),
    np.repeat: lambda a, repeats, axis=None: S.repeat_interleave(a, repeats, axis),
    np.tile: S.tile, np.flip: lambda m, axis=None: S.flip(m, axis),
    np.fliplr: lambda m: S.flip(m, 1), np.flipud: lambda m: S.flip(m, 0),
    np.roll: lambda a, shift, axis=None: S.roll(a, shift, axis),
    np.moveaxis: S.moveaxis, np.swapaxes: S.swapaxes, np.rollaxis: S.rollaxis,
    np.atleast_1d: S.atleast_1d, np.atleast_2d: S.atleast_2d, np.atleast_3d: S.atleast_3d,
    np.split: J.split, np.array_split: J.array_split, np.vsplit: J.vsplit, np.hsplit: J.hsplit,
    np.dsplit: J.dsplit, np.vstack: lambda tup, *, dtype=None, casting="same_kind": J.vstack(tup),
    np.hstack: lambda tup, *, dtype=None, casting="same_kind": J.hstack(tup),
    np.dstack: J.dstack, np.column_stack: J.column_stack,
    np.take_along_axis: I.take_along_axis, np.tril: I.tril, np.triu: I.triu, np.diag: I.diag,
    np.diagonal: I.diagonal, np.trace: lambda a, offset=0, axis1=0, axis2=1, dtype=None, out=None: I.trace(
        a, offset, axis1, axis2),
    np.pad: _np_pad, np.clip: _np_clip,
    np.inner: L.inner, np.outer: lambda a, b, out=None: L.outer(a, b),
    np.tensordot: L.tensordot, np.einsum: lambda subscripts, *operands, out=None, optimize=False, **_: ES.einsum(
        subscripts, *operands),
    np.kron: L.kron, np.cross: lambda a, b, axisa=-1, axisb=-1, axisc=-1, axis=None: L.cross(
        a, b, -1 if axis is None else axis),
    np.linalg.matrix_power: L.matrix_power, np.linalg.inv: D.inv, np.linalg.det: D.det,
    np.linalg.slogdet: D.slogdet, np.linalg.solve: D.solve, np.linalg.cholesky: D.cholesky,
    np.linalg.vector_norm: lambda x, axis=None, keepdims=False, ord=2: N.vector_norm(x, ord, axis, keepdims),
    np.linalg.matrix_norm: lambda x, keepdims=False, ord="fro": N.matrix_norm(x, ord, (-2, -1), keepdims),
    np.linalg.cross: lambda a, b, axis=-1: L.cross(a, b, axis), np.linalg.outer: L.outer,
    np.linalg.tensordot: lambda a, b, axes=2: L.tensordot(a, b, axes), np.linalg.matmul: L.matmul,
    np.linalg.trace: lambda x, offset=0, dtype=None: I.trace(x, offset, -2, -1),
    np.linalg.diagonal: lambda x, offset=0: I.diagonal(x, offset, -2, -1),
    np.take: lambda a, indices, axis=None, out=None, mode="raise": (
        S.getitem(S.reshape(a, -1), np.asarray(getattr(indices, "data", indices))) if axis is None else
        S.getitem(a, (slice(None),) * (axis % a.ndim) + (np.asarray(getattr(indices, "data", indices)),))),
    # Creation from a Tensor's shape: new Tensors, outside the graph.
    np.zeros_like: lambda a, dtype=None, **_: Tensor(np.zeros_like(a.data, dtype=dtype)),
    np.ones_like: lambda a, dtype=None, **_: Tensor(np.ones_like(a.data, dtype=dtype)),
    np.empty_like: lambda a, dtype=None, **_: Tensor(np.zeros_like(a.data, dtype=dtype)),
    np.full_like: lambda a, fill_value, dtype=None, **_: Tensor(np.full_like(a.data, fill_value, dtype=dtype)),
})


def _np_reduction(reduce, **defaults):
    """A reduction called the numpy way: numpy's keywords, and numpy's defaults (`ddof=0`)."""
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        if out is not None or kwargs.pop("where", True) is not True:
            raise TypeError(f"numpy.{reduce.__name__}: out= and where= are not supported on Tensors")
        kwargs = {**defaults, **kwargs}
        if "ddof" in kwargs:
            kwargs["correction"] = kwargs.pop("ddof")
        x = a if dtype is None else E.astype(a, dtype)
        return reduce(x, axis, keepdims, **kwargs)

    return fn


FUNCTIONS.update({
    np.sum: _np_reduction(R.sum), np.mean: _np_reduction(R.mean), np.prod: _np_reduction(R.prod),
    np.var: _np_reduction(R.var, ddof=0), np.std: _np_reduction(R.std, ddof=0),
})
