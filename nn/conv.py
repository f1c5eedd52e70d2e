"""Convolutional layers: Conv1d/2d/3d, ConvTranspose1d/2d, pooling, LocalResponseNorm, BatchNorm2d,
Dropout2d, Upsample.

Weight shapes, default initialisation and state-dict keys are PyTorch's, so weights move between
the two libraries unchanged. Each forward is one function of `nn.functional`.
"""
import math

import numpy as np

from autograd import Tensor
from autograd import random as _random
from autograd.ops import conv as C
from autograd.ops import pool as P

from . import init
from .layers import BatchNorm1d, _positive
from .module import Module, Parameter

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d",
           "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "LocalResponseNorm",
           "BatchNorm2d", "Dropout2d", "Upsample"]


class _ConvNd(Module):
    """What convolutions share: weight, bias and PyTorch's default initialisation.

    Init (PyTorch's `kaiming_uniform_(a=sqrt(5))`): weight and bias uniform in
    [-1/sqrt(fan_in), 1/sqrt(fan_in)], fan_in = weight.shape[1] * prod(kernel).
    """

    nd = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", output_padding=0, dtype=np.float32):
        super().__init__()
        name = type(self).__name__
        _positive(name, in_channels=in_channels, out_channels=out_channels, groups=groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: groups={groups} must divide in_channels={in_channels} and "
                             f"out_channels={out_channels}")
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported, got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = C.ntuple(kernel_size, self.nd, "kernel_size", name)
        self.stride = C.ntuple(stride, self.nd, "stride", name)
        self.dilation = C.ntuple(dilation, self.nd, "dilation", name)
        pairs = C.pad_pairs(padding, self.nd, self.kernel_size, self.dilation, self.stride, name)
        self.padding = padding if isinstance(padding, str) else pairs  # "same" stays a word in repr
        self.output_padding = C.ntuple(output_padding, self.nd, "output_padding", name, minimum=0)
        shape = ((in_channels, out_channels // groups) if self.transposed
                 else (out_channels, in_channels // groups)) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        bound = 1 / math.sqrt(shape[1] * int(np.prod(self.kernel_size)))
        init.uniform_(self.weight, -bound, bound)
        self.register_parameter("bias", init.uniform_(Parameter(np.empty(out_channels, dtype=dtype)), -bound, bound)
                                if bias else None)

    def _torch_padding(self):
        """Padding as PyTorch writes it (one int per dim) where it is symmetric."""
        if isinstance(self.padding, str) or any(a != b for a, b in self.padding):
            return self.padding
        return tuple(a for a, _ in self.padding)

    def scope_label(self):
        k = "×".join(map(str, self.kernel_size))
        return f"{type(self).__name__}({self.in_channels}→{self.out_channels}, {k})"

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        pad = self._torch_padding()
        if pad != (0,) * self.nd:
            text += f", padding={pad}"
        if self.dilation != (1,) * self.nd:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.nd:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv1d(_ConvNd):
    """(N, C_in, L) -> (N, C_out, L_out); weight (C_out, C_in/groups, k)."""

    nd = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=np.float32):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, dtype=dtype)

    def forward(self, x):
        return C.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """A bank of `out_channels` learned filters slid over the image: (N, C_in, H, W) -> (N, C_out, H_out, W_out).

    weight (C_out, C_in/groups, kH, kW), bias (C_out,). `padding` may be an int, a pair, one
    (before, after) pair per dim, "same" or "valid"; see `nn.functional.conv2d` for the sizes.
    """

    nd = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=np.float32):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, dtype=dtype)

    def forward(self, x):
        return C.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv3d(_ConvNd):
    """(N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out); weight (C_out, C_in/groups, kD, kH, kW)."""

    nd = 3

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=np.float32):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, dtype=dtype)

    def forward(self, x):
        return C.conv3d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose1d(_ConvNd):
    """(N, C_in, L) -> (N, C_out, (L - 1) s - 2 p + d (k - 1) + output_padding + 1); weight (C_in, C_out/groups, k)."""

    nd, transposed = 1, True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", dtype=np.float32):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, dtype)

    def forward(self, x):
        return C.conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                  self.groups, self.dilation)


class ConvTranspose2d(_ConvNd):
    """Upsampling by a learned kernel (the input gradient of Conv2d as a layer): each input pixel
    adds a weighted kH x kW patch to the output. weight (C_in, C_out/groups, kH, kW)."""

    nd, transposed = 2, True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", dtype=np.float32):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, dtype)

    def forward(self, x):
        return C.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                  self.groups, self.dilation)


class _Pool(Module):
    """A pooling layer: a function of `nn.functional` with its arguments fixed."""

    fn = None

    def __init__(self, **kwargs):
        super().__init__()
        self.kwargs = kwargs
        self.__dict__.update(kwargs)  # plain attributes, as PyTorch's pooling layers have

    def forward(self, x):
        return type(self).fn(x, **self.kwargs)

    def extra_repr(self):
        return ", ".join(f"{k}={v}" for k, v in self.kwargs.items())


class MaxPool1d(_Pool):
    fn = staticmethod(P.max_pool1d)

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                         return_indices=return_indices, ceil_mode=ceil_mode)


class MaxPool2d(_Pool):
    """The maximum of each window (AlexNet's overlapping pooling: `MaxPool2d(3, stride=2)`)."""

    fn = staticmethod(P.max_pool2d)

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                         return_indices=return_indices, ceil_mode=ceil_mode)


class AvgPool1d(_Pool):
    fn = staticmethod(P.avg_pool1d)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__(kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                         count_include_pad=count_include_pad)


class AvgPool2d(_Pool):
    fn = staticmethod(P.avg_pool2d)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                         count_include_pad=count_include_pad, divisor_override=divisor_override)


class AdaptiveAvgPool2d(_Pool):
    """Average pooling to `output_size` whatever the input's size (`AdaptiveAvgPool2d(1)`: global)."""

    fn = staticmethod(P.adaptive_avg_pool2d)

    def __init__(self, output_size):
        super().__init__(output_size=output_size)


class AdaptiveMaxPool2d(_Pool):
    fn = staticmethod(P.adaptive_max_pool2d)

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size=output_size, return_indices=return_indices)


class LocalResponseNorm(_Pool):
    """AlexNet's lateral inhibition across `size` neighbouring channels (see `functional.local_response_norm`)."""

    fn = staticmethod(P.local_response_norm)

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__(size=size, alpha=alpha, beta=beta, k=k)


class Upsample(_Pool):
    fn = staticmethod(P.interpolate)

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None):
        super().__init__(size=size, scale_factor=scale_factor, mode=mode, align_corners=align_corners)


class BatchNorm2d(BatchNorm1d):
    """Batch normalisation of (N, C, H, W) feature maps: statistics per channel over N, H and W
    (BatchNorm1d's computation on the maps flattened to (N, C, H * W))."""

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm2d({self.num_features}): expected input of shape (N, {self.num_features}, H, W), "
                             f"got {x.shape}")
        return super().forward(x.reshape(x.shape[0], x.shape[1], -1)).reshape(x.shape)


class Dropout2d(Module):
    """Zero whole channels (feature maps) with probability p in training, scaling the rest by 1/(1-p).

    Neighbouring pixels of a map are strongly correlated, so dropping single pixels barely
    regularises a conv net; dropping a whole map does.
    """

    def __init__(self, p=0.5):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout2d: p must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        if x.ndim not in (3, 4):
            raise ValueError(f"Dropout2d: expected input of shape (N, C, H, W) or (C, H, W), got {x.shape}")
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return x * 0.0
        shape = x.shape[:-2] + (1, 1)
        keep = _random.generator().random(shape) >= self.p
        return x * Tensor((keep / (1 - self.p)).astype(x.dtype))

    def extra_repr(self):
        return f"p={self.p}"
