"""Pooling, local response normalisation and resizing, as compositions of existing ops.

None of these needs backward code of its own:
- max pooling finds each window's winner with numpy, then *gathers* it (`x.reshape(-1)[index]`,
  whose backward scatters the gradient back to the winners, adding up where overlapping windows
  share one);
- average pooling is a convolution with a kernel of ones, divided by the window's count;
- adaptive average pooling and interpolation are linear along each axis: `A @ x @ B.T` with
  small constant matrices (averaging or interpolation weights);
- local response normalisation is a few elementwise ops over shifted channel slices.
Second-order gradients follow from those of gather, conv and matmul.
"""
import math

import numpy as np

from ..tensor import Tensor, as_tensor
from .conv import Geometry, conv, ntuple
from .shape import pad as _pad

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "global_avg_pool2d", "local_response_norm", "interpolate", "upsample"]


def _spatial(x, nd, op):
    x = as_tensor(x, op=op)
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{op}: expected input of shape (N, C, *{nd} spatial dims) or unbatched, got {x.shape}")
    return (x.unsqueeze(0), True) if x.ndim == nd + 1 else (x, False)


def _pool_sizes(x, nd, kernel_size, stride, padding, dilation, ceil_mode, op):
    """Kernel, stride, padding, dilation and output size per dim, as PyTorch computes them."""
    k = ntuple(kernel_size, nd, "kernel_size", op)
    s = k if stride is None or stride == () or stride == [] else ntuple(stride, nd, "stride", op)
    p = ntuple(padding, nd, "padding", op, minimum=0)
    d = ntuple(dilation, nd, "dilation", op)
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise ValueError(f"{op}: padding {p} must be at most half the kernel size {k}")
    out = []
    for n, ki, si, pi, di in zip(x.shape[2:], k, s, p, d):
        span = n + 2 * pi - di * (ki - 1) - 1
        m = (span + (si - 1 if ceil_mode else 0)) // si + 1
        if ceil_mode and (m - 1) * si >= n + pi:  # the last window must start inside the input or left pad
            m -= 1
        out.append(m)
    if any(m < 1 for m in out):
        raise ValueError(f"{op}: kernel {k} (dilation {d}) with padding {p} does not fit the input {x.shape}: "
                         f"the output would have spatial size {tuple(out)}")
    return k, s, p, d, tuple(out)


def _window_positions(out, k, s, p, d):
    """(out, k) input positions of each window's elements along one dim (may fall outside it)."""
    return np.arange(out)[:, None] * s - p + np.arange(k)[None, :] * d


def _max_over(x, positions, op, return_indices):
    """Max over windows given per dim as (out, k) input positions; outside positions count as -inf.

    The winner of a tie is the first in the window's row-major order (as in PyTorch on CPU); the
    gradient flows to the winner only.
    """
    n, c, sizes = x.shape[0], x.shape[1], x.shape[2:]
    nd = len(sizes)
    lo = [max(0, -int(pos.min())) for pos in positions]
    hi = [max(0, int(pos.max()) + 1 - m) for pos, m in zip(positions, sizes)]
    data = np.pad(x.data, ((0, 0), (0, 0)) + tuple(zip(lo, hi)), constant_values=-np.inf)
    index = []
    for i, (pos, a) in enumerate(zip(positions, lo)):
        shape = [1] * (2 * nd)
        shape[2 * i:2 * i + 2] = pos.shape
        index.append((pos + a).reshape(shape))
    windows = data[(slice(None), slice(None)) + tuple(index)]  # (n, c, out1, k1, out2, k2, ...)
    order = (0, 1) + tuple(range(2, 2 + 2 * nd, 2)) + tuple(range(3, 3 + 2 * nd, 2))
    windows = windows.transpose(order).reshape(windows.shape[:2] + tuple(pos.shape[0] for pos in positions) + (-1,))
    best = np.unravel_index(windows.argmax(-1), tuple(pos.shape[1] for pos in positions))
    outs = np.meshgrid(*[np.arange(pos.shape[0]) for pos in positions], indexing="ij")
    coords = [pos[o, b] for pos, o, b in zip(positions, outs, best)]  # winners' positions in x, per dim
    plane = np.ravel_multi_index(coords, sizes)  # (n, c, *out) index within each (n, c) plane
    flat = (np.arange(n * c).reshape((n, c) + (1,) * nd) * int(np.prod(sizes)) + plane).ravel()
    out = x.reshape(-1)[flat].reshape(plane.shape)
    return (out, Tensor(plane.astype(np.int64))) if return_indices else out


def _max_pool(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    op = f"max_pool{nd}d"
    x, unbatched = _spatial(input, nd, op)
    k, s, p, d, out = _pool_sizes(x, nd, kernel_size, stride, padding, dilation, ceil_mode, op)
    positions = [_window_positions(*args) for args in zip(out, k, s, p, d)]
    result = _max_over(x, positions, op, return_indices)
    return _unbatch(result, unbatched)


def _unbatch(result, unbatched):
    if not unbatched:
        return result
    return tuple(r.squeeze(0) for r in result) if isinstance(result, tuple) else result.squeeze(0)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The largest value of each kH x kW window, moving by `stride` (default: the kernel size).

    Windows overlap when stride < kernel_size (AlexNet's 3x3, stride 2). Padding counts as -inf.
    The gradient goes to each window's maximum; of tied values, to the first in row-major order.
    `return_indices=True` also returns each maximum's flat index h * W + w in its (n, c) plane.
    """
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    op = f"avg_pool{nd}d"
    x, unbatched = _spatial(input, nd, op)
    k, s, p, _, out = _pool_sizes(x, nd, kernel_size, stride, padding, 1, ceil_mode, op)
    sizes = x.shape[2:]
    # ceil_mode's last window may hang past the padding: pad that overhang too (it is never counted).
    extra = tuple(max(0, (m - 1) * si + ki - (n + 2 * pi)) for m, si, ki, n, pi in zip(out, s, k, sizes, p))
    geo = Geometry(sizes, k, s, (1,) * nd, tuple((pi, pi + e) for pi, e in zip(p, extra)))
    ones = np.ones((1, 1) + k, dtype=x.dtype)
    sums = conv(x.reshape((-1, 1) + sizes), ones, geo).reshape(x.shape[:2] + out)
    if divisor_override:
        count = np.asarray(divisor_override, dtype=x.dtype)
    else:
        count = np.ones((), dtype=x.dtype)
        for i, (m, ki, si, pi, n) in enumerate(zip(out, k, s, p, sizes)):
            start = np.arange(m) * si - pi
            lo, hi = (start, np.minimum(start + ki, n + pi)) if count_include_pad else (
                np.maximum(start, 0), np.minimum(start + ki, n))
            count = np.multiply.outer(count, (hi - lo).astype(x.dtype))
    return _unbatch(sums * Tensor(1 / count), unbatched)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each window. Zero padding is counted in the mean with `count_include_pad=True`
    (PyTorch's default) and left out with False; `divisor_override` replaces the count."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _adaptive_bounds(n, m):
    """PyTorch's adaptive windows: output i covers [floor(i n / m), ceil((i + 1) n / m))."""
    i = np.arange(m)
    return (i * n) // m, -((-(i + 1) * n) // m)


def _output_size(x, nd, output_size, op):
    sizes = (output_size,) * nd if isinstance(output_size, (int, np.integer)) or output_size is None else tuple(output_size)
    if len(sizes) != nd:
        raise ValueError(f"{op}: output_size needs {nd} sizes, got {output_size!r}")
    sizes = tuple(n if m is None else m for m, n in zip(sizes, x.shape[2:]))  # None keeps that dim
    if any(not isinstance(m, (int, np.integer)) or m < 1 for m in sizes):
        raise ValueError(f"{op}: output sizes must be positive ints, got {output_size!r}")
    return sizes


def _along_axes(x, mats):
    """Apply one (out, in) matrix along each of the last one or two dims: A @ x @ B.T."""
    if len(mats) == 1:
        return x @ Tensor(mats[0].T)
    return Tensor(mats[0]) @ x @ Tensor(mats[1].T)


def _adaptive_avg(nd, input, output_size):
    op = f"adaptive_avg_pool{nd}d"
    x, unbatched = _spatial(input, nd, op)
    mats = []
    for n, m in zip(x.shape[2:], _output_size(x, nd, output_size, op)):
        lo, hi = _adaptive_bounds(n, m)
        cover = (np.arange(n)[None, :] >= lo[:, None]) & (np.arange(n)[None, :] < hi[:, None])
        mats.append((cover / (hi - lo)[:, None]).astype(x.dtype))
    return _unbatch(_along_axes(x, mats), unbatched)


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size whatever the input size (windows may differ by one)."""
    return _adaptive_avg(2, input, output_size)


def global_avg_pool2d(input):
    """(N, C, H, W) -> (N, C): each feature map's mean (the head of many conv nets)."""
    x = as_tensor(input, op="global_avg_pool2d")
    if x.ndim != 4:
        raise ValueError(f"global_avg_pool2d: expected input of shape (N, C, H, W), got {x.shape}")
    return x.mean(axis=(2, 3))


def _adaptive_max(nd, input, output_size, return_indices):
    op = f"adaptive_max_pool{nd}d"
    x, unbatched = _spatial(input, nd, op)
    positions = []
    for n, m in zip(x.shape[2:], _output_size(x, nd, output_size, op)):
        lo, hi = _adaptive_bounds(n, m)
        # Windows padded to the longest by repeating their last element, which cannot change a max.
        pos = lo[:, None] + np.arange(int((hi - lo).max()))[None, :]
        positions.append(np.minimum(pos, hi[:, None] - 1))
    return _unbatch(_max_over(x, positions, op, return_indices), unbatched)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max(2, input, output_size, return_indices)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """AlexNet's normalisation across channels: x / (k + alpha/size * sum of x^2 over the `size`
    neighbouring channels)^beta, with zero channels beyond the edges (PyTorch's formula)."""
    x = as_tensor(input, op="local_response_norm")
    if x.ndim < 3:
        raise ValueError(f"local_response_norm: expected input of shape (N, C, ...) with at least 3 dims, got {x.shape}")
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    c = x.shape[1]
    sq = _pad(x * x, ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (x.ndim - 2))
    total = sq[:, 0:c]
    for i in range(1, size):
        total = total + sq[:, i:i + c]
    return x / (total * (alpha / size) + k) ** beta


def _interp_matrix(n, m, mode, align_corners, scale, dtype):
    """(m, n) weights taking n input samples to m output samples along one dim."""
    dst = np.arange(m, dtype=np.float64)
    mat = np.zeros((m, n))
    if mode == "nearest":
        step = 1 / scale if scale else n / m
        mat[np.arange(m), np.minimum(np.floor(dst * step).astype(int), n - 1)] = 1
        return mat.astype(dtype)
    if align_corners:
        src = dst * ((n - 1) / (m - 1) if m > 1 else 0.0)
    else:
        step = 1 / scale if scale else n / m
        src = np.maximum((dst + 0.5) * step - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(int), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    w1 = src - i0
    np.add.at(mat, (np.arange(m), i0), 1 - w1)
    np.add.at(mat, (np.arange(m), i1), w1)
    return mat.astype(dtype)


_MODES = {"nearest": None, "linear": 1, "bilinear": 2}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize (N, C, L) or (N, C, H, W) to `size`, or by `scale_factor`, with "nearest", "linear"
    (1-d) or "bilinear" (2-d) sampling, as PyTorch's `interpolate` (half-pixel centres unless
    `align_corners=True`)."""
    x = as_tensor(input, op="interpolate")
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode must be one of {list(_MODES)}, got {mode!r}")
    nd = x.ndim - 2
    if nd not in (1, 2) or (_MODES[mode] not in (None, nd)):
        raise ValueError(f"interpolate: mode {mode!r} does not apply to input of shape {x.shape} "
                         f"(nearest: 3-d or 4-d, linear: 3-d, bilinear: 4-d)")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners applies only to linear and bilinear modes")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"interpolate: give exactly one of size and scale_factor, got size={size!r}, "
                         f"scale_factor={scale_factor!r}")
    if size is not None:
        out, scales = ntuple(size, nd, "size", "interpolate"), (None,) * nd
    else:
        scales = (scale_factor,) * nd if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
        if len(scales) != nd or any(f <= 0 for f in scales):
            raise ValueError(f"interpolate: scale_factor must be positive, {nd} of them, got {scale_factor!r}")
        out = tuple(int(math.floor(n * f)) for n, f in zip(x.shape[2:], scales))
    mats = [_interp_matrix(n, m, mode, align_corners, f, x.dtype) for n, m, f in zip(x.shape[2:], out, scales)]
    return _along_axes(x, mats)


upsample = interpolate
