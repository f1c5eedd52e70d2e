"""Convolutions (1-d, 2-d, 3-d, channels first), their transposes, and unfold/fold (im2col).

Three linear maps do all the work; each one's backward is made of the other two, so second
(and higher) order gradients come for free:

    conv(x, w)          y[n, o, p]  = sum_{c, k} w[o, c, k] x[n, c, s p + d k - pad]
    input_grad(g, w)    dL/dx of conv for an upstream g  (this *is* conv_transpose)
    weight_grad(x, g)   dL/dw of conv for an upstream g

With stride 1 and one group, all three are BLAS products over the "rows" layout (see below), each
adding into its result in place, one call per kernel offset and block of rows (depthwise:
elementwise products over the same rows). Otherwise conv is
im2col + one batched BLAS matmul: `sliding_window_view` exposes every window of the padded input
without copying, one copy lays the windows out as columns (n, groups, channels * kernel,
positions), and `w @ cols` gives the output already in (n, o, positions) order. input_grad
multiplies back by w transposed and adds the columns into place (col2im), one strided add per
kernel offset (9 for a 3x3 kernel), never a loop over pixels or samples.
"""
import numpy as np

from ..tensor import Tensor, as_tensor, make
from .conv_layout import (Geometry, _by_rows, _flat_offsets, _flat_padded, _from_positions, _grad_layout, _inside,
                          _rows_conv, _rows_input_grad, _rows_weight_grad, _scratch, _windows)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "unfold", "fold"]


def ntuple(value, nd, name, op, minimum=1):
    """An int or a sequence of `nd` ints as a tuple, each at least `minimum`."""
    values = (value,) * nd if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != nd or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in values):
        raise ValueError(f"{op}: {name} must be an int >= {minimum} or {nd} of them, got {value!r}")
    return tuple(int(v) for v in values)


def pad_pairs(padding, nd, kernel, dilation, stride, op):
    """Padding as one (before, after) pair per spatial dim.

    Accepts an int, one int per dim, one (before, after) pair per dim (asymmetric), "valid"
    (none) or "same" (output size = input size, stride 1; an odd total puts the extra on the end,
    as PyTorch does).
    """
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in total)
        raise ValueError(f"{op}: padding must be an int, a tuple, 'same' or 'valid', got {padding!r}")
    if not isinstance(padding, (int, np.integer)) and all(isinstance(p, (tuple, list)) for p in padding):
        pairs = tuple(tuple(p) for p in padding)
        if len(pairs) != nd or any(len(p) != 2 or min(p) < 0 for p in pairs):
            raise ValueError(f"{op}: asymmetric padding needs {nd} (before, after) pairs of ints >= 0, got {padding!r}")
        return tuple((int(a), int(b)) for a, b in pairs)
    return tuple((p, p) for p in ntuple(padding, nd, "padding", op, minimum=0))


def _conv_kernel(x, w, geo, win=None, bias=None):
    rows = _by_rows(geo, x, w, x.shape[1], w.shape[0]) if win is None else win.ndim == 2
    win = _windows(x, geo, rows) if win is None else win
    if rows:
        return _rows_conv(win, w, geo, x.shape[0], bias)
    g = geo.groups
    y = _from_positions(w.reshape(g, w.shape[0] // g, -1) @ win, geo)
    return y if bias is None else y + bias.reshape((-1,) + (1,) * len(geo.size))


def _times(wt, gp):
    # With one output channel per group (depthwise) the product is an outer product, which
    # numpy's matmul does ~4x slower than broadcasting.
    return wt * gp if wt.shape[-1] == 1 else wt @ gp


def _windows_at(geo):
    """For each kernel offset in turn, the slices of the padded input its windows read."""
    for offset in np.ndindex(*geo.kernel):
        yield tuple(slice(k * d, k * d + s * (m - 1) + 1, s)
                    for k, d, s, m in zip(offset, geo.dilation, geo.stride, geo.out))


def _input_grad_kernel(gy, w, geo, memo=None):
    """col2im of w^T gy: each column's values added back where its window read them."""
    n, o, g = gy.shape[0], w.shape[0], geo.groups
    rows = _by_rows(geo, gy, w, w.shape[1] * g, o)
    if not (rows or geo.wide) and g == 1 and 2 * n >= geo.out[-1]:
        return _batch_last_input_grad(gy, w, geo)
    gl = _grad_layout(gy, geo, rows, memo)
    if rows:
        return _rows_input_grad(gl, w, geo, n)
    c = w.shape[1] * g
    wt = np.swapaxes(w.reshape(g, o // g, -1), -1, -2)  # (g, c/g * prod(k), o/g)
    inner = (slice(None),) + _inside(geo)
    if geo.wide:
        # One kernel offset at a time: its columns (n, c, run) are added to one contiguous run.
        starts, run = _flat_offsets(geo)
        flat, gx = _flat_padded(n, c, geo, np.result_type(gy, w))
        wt = wt.reshape(g, c // g, len(starts), o // g)
        for j, start in enumerate(starts):
            flat[:, :, start:start + run] += _times(wt[:, :, j], gl).reshape(n, c, run)
        return gx[inner]
    gcols = _times(wt, gl).reshape((n, c) + geo.kernel + geo.out)
    gx = _scratch((n, c) + geo.padded, gcols.dtype, zero=True)
    for offset, where in zip(np.ndindex(*geo.kernel), _windows_at(geo)):
        gx[(slice(None), slice(None)) + where] += gcols[(slice(None), slice(None)) + offset]
    return gx[inner]


def _batch_last_input_grad(gy, w, geo):
    """col2im with the batch as the last axis, for a strided convolution with one group: each kernel
    offset's share is added back along the batch, one contiguous inner loop, rather than along an
    output row at the stride's step (B6's strided case: rows of 14 two apart; 3.6 against 6.0 ms,
    the copy out included). Taken where the batch is at least half as long as an output row."""
    n, o, c = gy.shape[0], w.shape[0], w.shape[1]
    g_last = np.moveaxis(gy, 0, -1).reshape(o, -1)  # (o, *out, n) as (o, positions * n): one copy
    cols = (w.reshape(o, -1).T @ g_last).reshape((c,) + geo.kernel + geo.out + (n,))
    gx = _scratch((c,) + geo.padded + (n,), cols.dtype, zero=True)
    for offset, where in zip(np.ndindex(*geo.kernel), _windows_at(geo)):
        gx[(slice(None),) + where] += cols[(slice(None),) + offset]
    return np.moveaxis(gx[_inside(geo)], -1, 0)  # a view (n, c, *size): its consumer copies it


def _weight_grad_kernel(x, gy, geo, win=None, memo=None):
    rows = _by_rows(geo, x, gy, x.shape[1], gy.shape[1]) if win is None else win.ndim == 2
    win = _windows(x, geo, rows) if win is None else win
    if rows:
        return _rows_weight_grad(win, _grad_layout(gy.astype(win.dtype, copy=False), geo, rows, memo), geo)
    o, g = gy.shape[1], geo.groups
    # cols @ gy^T (rather than gy @ cols^T) lets BLAS run along the long positions axis: ~20% faster.
    gw = (win @ np.swapaxes(_grad_layout(gy, geo, rows, memo), -1, -2)).sum(0)  # (g, c/g * prod(k), o/g)
    return np.swapaxes(gw, -1, -2).reshape((o, x.shape[1] // g) + geo.kernel)


def _recorded(*arrays):
    return any(isinstance(a, Tensor) for a in arrays)


def conv(x, w, geo, b=None):
    """The convolution itself (no argument checks): x (n, c, *size), w (o, c/groups, *kernel), bias b (o,)."""
    if not _recorded(x, w, b):
        return _conv_kernel(x, w, geo, bias=b)
    x, w = as_tensor(x, op="conv"), as_tensor(w, op="conv")
    parents = (x, w) if b is None else (x, w, as_tensor(b, op="conv"))
    need_x, need_w, need_b = x.requires_grad, w.requires_grad, b is not None and parents[2].requires_grad
    # The input's rows or columns are kept for the weight gradient, which reads exactly them again.
    win = _windows(x.data, geo, _by_rows(geo, x.data, w.data, x.shape[1], w.shape[0]))
    # The bias's gradient sums g over all but the channels: einsum's one pass is twice as fast as g.sum(axes).
    channels = "nc" + "xyz"[:len(geo.size)] + "->c"

    def backward(g, out, x, w, b=None):
        memo = {}  # the upstream gradient, laid out once for both products
        gx = input_grad(g, w, geo, memo) if need_x else None
        gw = weight_grad(x, g, geo, win, memo) if need_w else None
        return (gx, gw) if b is None else (gx, gw, np.einsum(channels, g) if need_b else None)

    data = _conv_kernel(x.data, w.data, geo, win, None if b is None else parents[2].data)
    return make(data, parents, backward, f"conv{len(geo.size)}d")


def input_grad(gy, w, geo, memo=None):
    """d conv / d x applied to `gy`: the transposed convolution of `gy` with `w`."""
    if not _recorded(gy, w):
        return _input_grad_kernel(gy, w, geo, memo)
    gy, w = as_tensor(gy, op="conv_transpose"), as_tensor(w, op="conv_transpose")

    def backward(h, out, gy, w):
        return conv(h, w, geo), weight_grad(h, gy, geo)

    return make(_input_grad_kernel(gy.data, w.data, geo, memo), (gy, w), backward,
                f"conv_transpose{len(geo.size)}d")


def weight_grad(x, gy, geo, win=None, memo=None):
    """d conv / d w applied to `gy`: the correlation of `x` with `gy` (`win`: x's rows or columns, if at hand)."""
    if not _recorded(x, gy):
        return _weight_grad_kernel(x, gy, geo, win, memo)
    x, gy = as_tensor(x, op="conv"), as_tensor(gy, op="conv")

    def backward(h, out, x, gy):
        return input_grad(gy, h, geo), conv(x, h, geo)

    return make(_weight_grad_kernel(x.data, gy.data, geo, win, memo), (x, gy), backward,
                f"conv{len(geo.size)}d_weight_grad")


# The public functions: PyTorch's signatures, argument checks, bias, unbatched inputs.
def _batched(x, nd, op):
    x = as_tensor(x, op=op)
    if x.ndim == nd + 1:
        return x.unsqueeze(0), True
    if x.ndim != nd + 2:
        raise ValueError(f"{op}: expected input of shape (N, C, {', '.join('LHW'[-nd:] if nd < 3 else 'DHW')}) "
                         f"or unbatched, got {x.shape}")
    return x, False


def _checked_bias(bias, channels, like, op):
    if bias is None:
        return None
    bias = as_tensor(bias, like, op)
    if bias.shape != (channels,):
        raise ValueError(f"{op}: bias must have shape ({channels},) (one per output channel), got {bias.shape}")
    return bias


def _with_bias(y, bias, nd, op, unbatched):
    bias = _checked_bias(bias, y.shape[1], y, op)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y.squeeze(0) if unbatched else y


def _check_out(geo, x_shape, w_shape, op):
    if any(m < 1 for m in geo.out):
        raise ValueError(f"{op}: the kernel {geo.kernel} (dilation {geo.dilation}) does not fit the input of shape "
                         f"{x_shape} padded by {geo.pad}: the output would have spatial size {geo.out} "
                         f"(weight shape {w_shape})")


def _convnd(nd, input, weight, bias, stride, padding, dilation, groups):
    op = f"conv{nd}d"
    x, unbatched = _batched(input, nd, op)
    w = as_tensor(weight, x, op)
    if w.ndim != nd + 2:
        raise ValueError(f"{op}: weight must have shape (out_channels, in_channels/groups, *kernel) with {nd + 2} dims, "
                         f"got {w.shape}")
    if not isinstance(groups, (int, np.integer)) or groups < 1 or x.shape[1] % groups or w.shape[0] % groups:
        raise ValueError(f"{op}: groups={groups!r} must be a positive int dividing the input channels {x.shape[1]} "
                         f"and the output channels {w.shape[0]}")
    if x.shape[1] != w.shape[1] * groups:
        raise ValueError(f"{op}: input of shape {x.shape} has {x.shape[1]} channels, but weight {w.shape} with "
                         f"groups={groups} expects {w.shape[1] * groups}")
    kernel, s = w.shape[2:], ntuple(stride, nd, "stride", op)
    d = ntuple(dilation, nd, "dilation", op)
    geo = Geometry(x.shape[2:], kernel, s, d, pad_pairs(padding, nd, kernel, d, s, op), int(groups))
    _check_out(geo, x.shape, w.shape, op)
    b = _checked_bias(bias, w.shape[0], x, op)
    if b is not None and b.dtype == x.dtype == w.dtype:  # the bias added inside: no pass of its own
        y = conv(x, w, geo, b)
    else:
        y = _with_bias(conv(x, w, geo), b, nd, op, False)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """input (N, C, L), weight (O, C/groups, K), bias (O,) -> (N, O, L_out)."""
    return _convnd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """input (N, C, H, W), weight (O, C/groups, kH, kW), bias (O,) -> (N, O, H_out, W_out).

    H_out = (H + pad_top + pad_bottom - dilation (kH - 1) - 1) // stride + 1, and likewise W_out.
    `padding`: int, (pH, pW), ((top, bottom), (left, right)), "same" or "valid".
    `groups=C` with O = C (or a multiple) is a depthwise convolution.
    """
    return _convnd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """input (N, C, D, H, W), weight (O, C/groups, kD, kH, kW), bias (O,) -> (N, O, D_out, H_out, W_out)."""
    return _convnd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    op = f"conv_transpose{nd}d"
    x, unbatched = _batched(input, nd, op)
    w = as_tensor(weight, x, op)
    if w.ndim != nd + 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"{op}: weight must have shape (in_channels={x.shape[1]}, out_channels/groups, *kernel) "
                         f"with {nd + 2} dims, got {w.shape} for input {x.shape}")
    if not isinstance(groups, (int, np.integer)) or groups < 1 or x.shape[1] % groups:
        raise ValueError(f"{op}: groups={groups!r} must be a positive int dividing the input channels {x.shape[1]}")
    kernel, s = w.shape[2:], ntuple(stride, nd, "stride", op)
    d = ntuple(dilation, nd, "dilation", op)
    pads = pad_pairs(padding, nd, kernel, d, s, op)
    extra = ntuple(output_padding, nd, "output_padding", op, minimum=0)
    if any(e >= max(si, di) for e, si, di in zip(extra, s, d)):
        raise ValueError(f"{op}: output_padding {extra} must be smaller than the stride {s} or the dilation {d}")
    # The output size is the input size of the convolution that this one transposes.
    size = tuple((m - 1) * si - a - b + di * (k - 1) + e + 1
                 for m, si, (a, b), di, k, e in zip(x.shape[2:], s, pads, d, kernel, extra))
    if any(m < 1 for m in size):
        raise ValueError(f"{op}: input {x.shape} with weight {w.shape}, stride {s} and padding {pads} gives "
                         f"output spatial size {size}")
    geo = Geometry(size, kernel, s, d, pads, int(groups))
    return _with_bias(input_grad(x, w, geo), bias, nd, op, unbatched)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """input (N, C, L), weight (C, O/groups, K) -> (N, O, (L-1) s - 2 p + d (K-1) + output_padding + 1)."""
    return _conv_transposend(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The gradient of conv2d with respect to its input, as a layer ("deconvolution"): it spreads each
    input pixel over a kernel-sized patch of the output. input (N, C, H, W), weight (C, O/groups, kH, kW)."""
    return _conv_transposend(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transposend(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


def _unfold_weight(channels, kernel, dtype):
    """One-hot filters (channels * prod(kernel), 1, *kernel): output channel c * prod(k) + j copies
    pixel j of the window of input channel c, which is PyTorch's column order."""
    size = int(np.prod(kernel))
    eye = np.eye(size, dtype=dtype).reshape((size, 1) + tuple(kernel))
    return np.tile(eye, (channels, 1) + (1,) * len(kernel))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col as an op: (N, C, H, W) -> (N, C * kH * kW, L), one column per window position."""
    x = as_tensor(input, op="unfold")
    if x.ndim != 4:
        raise ValueError(f"unfold: expected input of shape (N, C, H, W), got {x.shape}")
    k, s = ntuple(kernel_size, 2, "kernel_size", "unfold"), ntuple(stride, 2, "stride", "unfold")
    d = ntuple(dilation, 2, "dilation", "unfold")
    geo = Geometry(x.shape[2:], k, s, d, pad_pairs(padding, 2, k, d, s, "unfold"), x.shape[1])
    _check_out(geo, x.shape, k, "unfold")
    y = conv(x, _unfold_weight(x.shape[1], k, x.dtype), geo)
    return y.reshape(x.shape[0], y.shape[1], -1)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, the adjoint of `unfold`: columns (N, C * kH * kW, L) summed back into (N, C, H, W)
    (where windows overlap, their values add up)."""
    cols = as_tensor(input, op="fold")
    size = ntuple(output_size, 2, "output_size", "fold")
    k, s = ntuple(kernel_size, 2, "kernel_size", "fold"), ntuple(stride, 2, "stride", "fold")
    d = ntuple(dilation, 2, "dilation", "fold")
    kk = k[0] * k[1]
    if cols.ndim != 3 or cols.shape[1] % kk:
        raise ValueError(f"fold: expected columns of shape (N, C * {k[0]} * {k[1]}, L), got {cols.shape}")
    c = cols.shape[1] // kk
    geo = Geometry(size, k, s, d, pad_pairs(padding, 2, k, d, s, "fold"), c)
    if int(np.prod(geo.out)) != cols.shape[2]:
        raise ValueError(f"fold: output_size {size} with kernel {k}, stride {s}, dilation {d} and padding "
                         f"{geo.pad} has {geo.out[0]} x {geo.out[1]} = {int(np.prod(geo.out))} windows, but the "
                         f"input has L = {cols.shape[2]} columns")
    return input_grad(cols.reshape((cols.shape[0], cols.shape[1]) + geo.out), _unfold_weight(c, k, cols.dtype), geo)
