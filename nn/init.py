"""Weight initialisers. Each fills a Tensor in place from the chainrule-wide generator
(`autograd.manual_seed`) and returns it; names and formulas follow `torch.nn.init`.

Fans follow PyTorch: a weight of shape (out, in, *kernel) has fan_in = in * prod(kernel)
and fan_out = out * prod(kernel).
"""
import math

import numpy as np

from autograd import random as _random

__all__ = [
    "calculate_gain", "zeros_", "ones_", "constant_", "uniform_", "normal_", "xavier_uniform_", "xavier_normal_",
    "kaiming_uniform_", "kaiming_normal_", "lecun_uniform_", "lecun_normal_",
]


def _fill(tensor, values):
    tensor.data[...] = values  # in place: optimisers and views keep pointing at the same array
    return tensor


def _fans(tensor, op):
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"{op}: fan in and fan out need a tensor with at least 2 dims, got shape {shape}")
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity, param=None):
    """The scale that keeps activations' variance steady through `nonlinearity` (PyTorch's values)."""
    linear = ("linear", "identity", "conv1d", "conv2d", "conv3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; expected one of "
                     f"{list(linear) + ['tanh', 'relu', 'leaky_relu', 'selu']}")


def zeros_(tensor):
    return _fill(tensor, 0)


def ones_(tensor):
    return _fill(tensor, 1)


def constant_(tensor, value):
    return _fill(tensor, value)


def uniform_(tensor, a=0.0, b=1.0):
    if b < a:
        raise ValueError(f"uniform_: need a <= b, got a={a}, b={b}")
    return _fill(tensor, _random.generator().uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0):
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(tensor, _random.generator().normal(mean, std, tensor.shape))


def xavier_uniform_(tensor, gain=1.0):
    """Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor, gain=1.0):
    """Glorot: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor, a, mode, nonlinearity, op):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, op)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He: U(-b, b) with b = gain * sqrt(3 / fan); `a` is the leaky ReLU slope used by the gain."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He: N(0, std^2) with std = gain / sqrt(fan)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"))


def lecun_uniform_(tensor):
    """LeCun: U(-b, b) with b = sqrt(3 / fan_in) (variance 1 / fan_in, for SELU networks)."""
    bound = math.sqrt(3.0 / _fans(tensor, "lecun_uniform_")[0])
    return uniform_(tensor, -bound, bound)


def lecun_normal_(tensor):
    """LeCun: N(0, 1 / fan_in)."""
    return normal_(tensor, 0.0, 1.0 / math.sqrt(_fans(tensor, "lecun_normal_")[0]))


# The same initialisers under the names without PyTorch's in-place underscore.
zeros, ones, constant, uniform, normal = zeros_, ones_, constant_, uniform_, normal_
xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal = xavier_uniform_, xavier_normal_, kaiming_uniform_, kaiming_normal_
lecun_uniform, lecun_normal = lecun_uniform_, lecun_normal_
