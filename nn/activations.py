"""Activation modules: thin wrappers over `nn.functional`, so they can sit in a `Sequential`."""
import numpy as np

from . import functional as F
from .module import Module, Parameter

__all__ = ["Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "ELU", "SELU", "SiLU", "Swish", "GELU",
           "Softplus", "Softmax", "LogSoftmax", "ReLU6", "Hardtanh", "Hardsigmoid", "Hardswish", "Mish", "Softsign",
           "CELU", "QuickGELU", "LogSigmoid", "Tanhshrink", "Threshold", "GLU", "ACTIVATIONS"]


class Step(Module):
    """Heaviside step (the perceptron's threshold unit); its gradient is 0, see `functional.step`."""

    def forward(self, x):
        return F.step(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class ReLU(Module):
    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Leaky ReLU whose slope is learnt: one shared slope, or `num_parameters` (one per channel)."""

    def __init__(self, num_parameters=1, init=0.25, dtype=np.float32):
        super().__init__()
        self.weight = Parameter(np.full(num_parameters, init, dtype=dtype))

    def forward(self, x):
        return F.prelu(F.as_input(x, self.weight.dtype, "PReLU"), self.weight)

    def extra_repr(self):
        return f"num_parameters={self.weight.size}"


class ELU(Module):
    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class SELU(Module):
    """Self-normalising ELU (pair it with `nn.init.lecun_normal_`)."""

    def forward(self, x):
        return F.selu(x)


class SiLU(Module):
    """x * sigmoid(x), also called Swish."""

    def forward(self, x):
        return F.silu(x)


Swish = SiLU


class GELU(Module):
    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = beta

    def forward(self, x):
        return F.softplus(x, self.beta)

    def extra_repr(self):
        return f"beta={self.beta}"


class Softmax(Module):
    """softmax along `dim` (default the last; `axis=` is accepted as an alias)."""

    def __init__(self, dim=None, *, axis=None):
        super().__init__()
        self.dim = F.dim_or_axis(dim, axis, type(self).__name__)

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x):
        return F.log_softmax(x, self.dim)


def _plain(name, fn, doc):
    """A module without settings applying `fn`."""
    return type(name, (Module,), {"forward": lambda self, x: fn(x), "__doc__": doc, "__module__": __name__})


ReLU6 = _plain("ReLU6", F.relu6, "min(max(x, 0), 6).")
Hardsigmoid = _plain("Hardsigmoid", F.hardsigmoid, "clip(x / 6 + 1/2, 0, 1).")
Hardswish = _plain("Hardswish", F.hardswish, "x * hardsigmoid(x).")
Mish = _plain("Mish", F.mish, "x * tanh(softplus(x)).")
Softsign = _plain("Softsign", F.softsign, "x / (1 + |x|).")
QuickGELU = _plain("QuickGELU", F.quick_gelu, "x * sigmoid(1.702 x).")
LogSigmoid = _plain("LogSigmoid", F.logsigmoid, "log(sigmoid(x)).")
Tanhshrink = _plain("Tanhshrink", F.tanhshrink, "x - tanh(x).")


class Hardtanh(Module):
    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} is above max_val {max_val}")
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class CELU(ELU):
    def forward(self, x):
        return F.celu(x, self.alpha)


class Threshold(Module):
    """x where x > threshold, else value."""

    def __init__(self, threshold, value):
        super().__init__()
        self.threshold, self.value = threshold, value

    def forward(self, x):
        return F.threshold(x, self.threshold, self.value)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}"


class GLU(Softmax):
    """The gated linear unit over `dim` (default -1): halves a, b give a * sigmoid(b)."""

    def forward(self, x):
        return F.glu(x, self.dim)


# Names accepted where an activation is given as a string (e.g. `nn.MLP(..., activation="tanh")`).
ACTIVATIONS = {
    "step": Step, "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU, "prelu": PReLU,
    "elu": ELU, "selu": SELU, "silu": SiLU, "swish": SiLU, "gelu": GELU, "softplus": Softplus,
    "relu6": ReLU6, "hardtanh": Hardtanh, "hardsigmoid": Hardsigmoid, "hardswish": Hardswish, "mish": Mish,
    "softsign": Softsign, "celu": CELU, "quick_gelu": QuickGELU, "logsigmoid": LogSigmoid, "tanhshrink": Tanhshrink,
}
