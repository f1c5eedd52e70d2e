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
    "__getitem__": S.getitem, "__setitem__": S.setitem,
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
