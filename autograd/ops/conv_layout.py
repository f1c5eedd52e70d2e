"""Where a convolution's windows sit (`Geometry`) and the layouts its three products read.

Columns (im2col): every window copied out as a column, for any geometry; with stride 1 in 2-d and
3-d, "wide" columns copy contiguous runs instead of tiles. Rows: the padded input positions-major,
for stride 1 with one group (scipy's BLAS adding into the result) or one group per channel
(elementwise products), where each kernel offset's window is a contiguous block of rows.
`conv.py` builds the convolution and its gradients on these.
"""
import functools
import sys
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ..blas import routines


@dataclass(frozen=True)
class Geometry:
    """Where each window of a convolution sits: the input's spatial `size`, the `kernel`,
    `stride`, `dilation`, (before, after) `pad` per dim and `groups`."""

    size: tuple
    kernel: tuple
    stride: tuple
    dilation: tuple
    pad: tuple
    groups: int = 1

    @property
    def out(self):
        return tuple((n + a + b - d * (k - 1) - 1) // s + 1
                     for n, k, s, d, (a, b) in zip(self.size, self.kernel, self.stride, self.dilation, self.pad))

    @property
    def wide(self):
        """Whether the columns use the contiguous-runs layout (stride 1, 2-d or 3-d)."""
        return len(self.size) > 1 and all(s == 1 for s in self.stride)

    @property
    def padded(self):
        return tuple(n + a + b for n, (a, b) in zip(self.size, self.pad))


# A convolution's layouts are large (a few MB for a small batch of small images) and fresh memory
# costs a page fault per 4 KiB when first written: reusing the layouts of the previous call spares
# a tenth to a fifth of the time of a convolution and its gradients. An array is lent out again only
# once nobody holds it (nor a view of it) any more; a few of them are kept (at most 8, of 1 MiB to
# 256 MiB in all), the oldest dropped first.
_SPARE, _SPARE_COUNT, _SPARE_BYTES, _SPARE_TOTAL = [], 8, 1 << 20, 1 << 28


def _scratch(shape, dtype, zero=False):
    """An array for a layout (zero-filled if `zero`): one of ours that nobody holds any more, or a new one."""
    dtype = np.dtype(dtype)
    for arr in _SPARE:
        if arr.shape == shape and arr.dtype == dtype and sys.getrefcount(arr) <= 3:  # the list's, `arr` and the argument
            if zero:
                arr.fill(0)
            return arr
    arr = (np.zeros if zero else np.empty)(shape, dtype)
    if _SPARE_BYTES <= arr.nbytes <= _SPARE_TOTAL:
        _SPARE.append(arr)
        while len(_SPARE) > _SPARE_COUNT or sum(a.nbytes for a in _SPARE) > _SPARE_TOTAL:
            del _SPARE[0]
    return arr


def _cols(x, geo):
    """im2col: x (n, c, *size) -> columns (n, groups, c/groups * prod(kernel), positions)."""
    if geo.wide:
        return _wide_cols(x, geo)
    n, c, nd = x.shape[0], x.shape[1], len(geo.size)
    if any(a or b for a, b in geo.pad):
        x = np.pad(x, ((0, 0), (0, 0)) + geo.pad)
    reach = tuple(d * (k - 1) + 1 for k, d in zip(geo.kernel, geo.dilation))
    windows = sliding_window_view(x, reach, axis=tuple(range(2, 2 + nd)))  # (n, c, *positions, *reach)
    steps = tuple(slice(None, None, s) for s in geo.stride) + tuple(slice(None, None, d) for d in geo.dilation)
    windows = windows[(slice(None), slice(None)) + steps]  # (n, c, *out, *kernel), still a view
    order = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    cols = _scratch(tuple(windows.shape[i] for i in order), x.dtype)
    cols[...] = windows.transpose(order)  # the one copy: (n, c, *kernel, *out)
    return cols.reshape(n, geo.groups, -1, int(np.prod(geo.out)))


# Stride 1 in 2-d and 3-d: "wide" columns. In the padded input flattened per channel, the window
# at kernel offset k reads one contiguous run: positions offset(k) .. offset(k) + L, where L covers
# the output rows at the padded row length. Copying runs (instead of 2-d tiles) and adding them
# back in col2im are long contiguous loops; the price is a few columns that wrap past a row end,
# which the output drops and the gradients fill with zeros.
def _strides(shape):
    """Element strides of a row-major layout of these spatial dims."""
    return np.cumprod((1,) + tuple(shape)[:0:-1])[::-1]


def _starts(geo, strides):
    """Each kernel offset's start (read-only) in spatial dims laid out with these element strides."""
    grid = np.stack(np.meshgrid(*[np.arange(k) * d for k, d in zip(geo.kernel, geo.dilation)], indexing="ij"))
    starts = np.tensordot(strides, grid, axes=(0, 0)).ravel()
    starts.flags.writeable = False
    return starts


@functools.lru_cache(maxsize=64)  # asked for four times by a convolution and its gradients, 0.15 ms each
def _flat_offsets(geo):
    """Each kernel offset's start in the flattened padded input (read-only), and the run length L."""
    pstrides = _strides(geo.padded)
    return _starts(geo, pstrides), geo.out[0] * int(pstrides[0])


def _flat_padded(n, c, geo, dtype):
    """Zeros (n, c, prod(padded) + slack) and its (n, c, *padded) view; the slack lets the last
    offsets' runs overhang the end."""
    starts, run = _flat_offsets(geo)
    flat = _scratch((n, c, max(int(np.prod(geo.padded)), int(starts[-1]) + run)), dtype, zero=True)
    return flat, flat[:, :, :int(np.prod(geo.padded))].reshape((n, c) + geo.padded)


def _wide_cols(x, geo):
    n, c = x.shape[:2]
    flat, padded = _flat_padded(n, c, geo, x.dtype)
    padded[(slice(None),) + _inside(geo)] = x
    _, run = _flat_offsets(geo)
    # The runs as one read-only strided view (n, c, *kernel, run), then one copy (faster than a copy per run).
    steps = tuple(int(p * d) * flat.itemsize for p, d in zip(_strides(geo.padded), geo.dilation))
    runs = as_strided(flat, (n, c) + geo.kernel + (run,), flat.strides[:2] + steps + (flat.itemsize,), writeable=False)
    cols = _scratch(runs.shape, x.dtype)
    cols[...] = runs
    return cols.reshape(n, geo.groups, -1, run)


def _to_positions(gy, geo):
    """An output-shaped array (n, o, *out) as (n, groups, o/groups, positions) in the columns' layout."""
    n, o = gy.shape[:2]
    if not geo.wide:
        return gy.reshape(n, geo.groups, o // geo.groups, -1)
    wide = np.zeros((n, o, geo.out[0]) + geo.padded[1:], dtype=gy.dtype)
    wide[(slice(None),) * 3 + tuple(slice(0, m) for m in geo.out[1:])] = gy
    return wide.reshape(n, geo.groups, o // geo.groups, -1)


def _from_positions(y, geo):
    n, o = y.shape[0], y.shape[1] * y.shape[2]
    if not geo.wide:
        return y.reshape((n, o) + geo.out)
    y = y.reshape((n, o, geo.out[0]) + geo.padded[1:])
    # A view that skips the wrapped columns: the next op (bias, activation) copies anyway.
    return y[(slice(None),) * 3 + tuple(slice(0, m) for m in geo.out[1:])]


def _inside(geo):
    """Where the input sits in its padded box (n, c, *padded)."""
    return (slice(None),) + tuple(slice(a, a + m) for (a, _), m in zip(geo.pad, geo.size))


# Stride 1 with one group, or depthwise: "rows". The input is laid out positions-major, one row of
# channels per position and the samples end to end, each dim followed by a gap of zeros as wide as
# its larger pad: the gap after one image row is also the left pad of the next (a window reaching
# before a row's start reads the previous row's gap), so a 28x28 image with padding 1 takes 29x29
# rows rather than 30x30, 7% fewer rows for every product. The window at kernel offset k then reads
# the contiguous block of rows start(k) .. start(k) + M, so each product is one BLAS call per kernel
# offset that adds into its result in place (gemm with beta = 1), or for depthwise one elementwise
# product: no im2col copy and no col2im temporaries. Rows whose window wraps past a row end or a
# sample's end are computed and dropped, as in the wide columns; their gradients are zeros.
@functools.lru_cache(maxsize=64)
def _rows_layout(geo):
    """The rows layout of a geometry: the `pitch` of each spatial dim (its size and gap), each kernel
    offset's first row (read-only), and the zero rows before the first sample (its leading pads)."""
    pitch = tuple(max(n + max(a, b), m) for n, (a, b), m in zip(geo.size, geo.pad, geo.out))
    strides = _strides(pitch)
    return pitch, _starts(geo, strides), int(sum(a * s for (a, _), s in zip(geo.pad, strides)))


def _by_rows(geo, a, b, c, o):
    """Whether the rows layout serves arrays `a` and `b` of a convolution from c to o channels: stride 1,
    one dtype, and one group (products by scipy's BLAS) or a group per channel (depthwise: elementwise)."""
    if any(s != 1 for s in geo.stride) or a.dtype != b.dtype or not (a.size and b.size):
        return False
    return a.dtype in routines("gemm") if geo.groups == 1 else geo.groups == c == o and a.dtype.kind == "f"


def _adding_gemm(dtype):
    """scipy's gemm for `dtype`, called as `gemm(1.0, a, b, 1.0, c, 0, trans_b, 1)` for c += a @ op(b),
    BLAS adding into `c` itself.

    The products below hand it blocks of rows transposed, which are F-ordered matrices, so BLAS
    reads and writes them where they are; the arguments are positional, as a thousand calls a step
    make scipy's parsing of keywords count."""
    return routines("gemm").get(dtype)  # None for depthwise products without scipy, which need none


def _corner(box):
    """The box of each sample's first `box` positions."""
    return (slice(None),) + tuple(slice(0, m) for m in box)


def _input_rows(n, geo):
    """(total, margin) of an input laid out as rows: the rows every window reads, and where its samples begin."""
    pitch, starts, margin = _rows_layout(geo)
    return n * int(np.prod(pitch)) + max(int(starts[-1]), margin), margin


def _to_rows(a, pitch, total, margin=0):
    """An array (n, c, *box) as rows (total, c) of zeros: samples of shape `pitch` from row `margin`,
    `a` in each one's first corner."""
    n, c = a.shape[:2]
    size = n * int(np.prod(pitch))
    rows = _scratch((total, c), a.dtype)
    grid = rows[margin:margin + size].reshape((n,) + pitch + (c,))
    grid[_corner(a.shape[2:])] = np.moveaxis(a, 1, -1)
    # Zeros in the gaps (a reused array holds old values there): the slab after the corner in each dim.
    for d, m in enumerate(a.shape[2:], start=1):
        gap = [slice(None)] * grid.ndim
        gap[d] = slice(m, None)
        grid[tuple(gap)] = 0
    rows[:margin] = 0
    rows[margin + size:] = 0
    return rows


def _from_rows(rows, n, pitch, box, margin=0):
    """The inverse of `_to_rows`: a channels-first view (n, c, *box) of the rows."""
    size = n * int(np.prod(pitch))
    grid = rows[margin:margin + size].reshape((n,) + pitch + rows.shape[1:])
    return np.moveaxis(grid[_corner(box)], -1, 1)


def _rows(x, geo):
    """The input x (n, c, *size) as rows, zero in the gaps, with room for the last window's reach."""
    return _to_rows(x, _rows_layout(geo)[0], *_input_rows(x.shape[0], geo))


def _grad_rows(gy, geo):
    """An output-shaped gy (n, o, *out) as rows, zero at the dropped rows."""
    pitch = _rows_layout(geo)[0]
    return _to_rows(gy, pitch, gy.shape[0] * int(np.prod(pitch)))


def _taps(w, transpose=False):
    """w (o, c, *kernel) as one F-ordered (o, c) matrix per kernel offset ((c, o) if `transpose`),
    all from one copy."""
    taps = w.reshape(w.shape[0], w.shape[1], -1)
    stacked = np.ascontiguousarray(taps.transpose(2, 0, 1) if transpose else taps.transpose(2, 1, 0))
    return list(stacked.transpose(0, 2, 1))


# Each product runs over blocks of rows: a block's slice of the result stays in cache across the
# kernel offsets instead of streaming through memory once per offset. Measured on B6's shapes:
# 1536 rows beat 1024 by ~7%, and 2048 or more runs OpenBLAS's thin products half as fast.
# A depthwise convolution multiplies elementwise instead: one weight per channel and kernel offset.
_BLOCK = 1536


def _depthwise_taps(w):
    """w (c, 1, *kernel) as one row of c weights per kernel offset, repeated down a block's rows where
    that takes at most 4 MB: numpy multiplies a block by such a tap in one contiguous loop, where
    broadcasting a row runs a short loop per row (nearly twice the time)."""
    taps = np.ascontiguousarray(w.reshape(w.shape[0], -1).T)
    return np.repeat(taps[:, None], _BLOCK, axis=1) if taps.nbytes * _BLOCK <= 1 << 22 else taps


def _add_product(acc, a, tap, scratch):
    """acc += a * tap elementwise, through a scratch array rather than a new one per kernel offset."""
    tmp = scratch[:len(acc)]
    np.multiply(a, tap if tap.ndim == 1 else tap[:len(acc)], out=tmp)
    acc += tmp


def _rows_conv(rows, w, geo, n, bias=None):
    (pitch, starts, _), o = _rows_layout(geo), w.shape[0]
    size, depthwise = n * int(np.prod(pitch)), geo.groups > 1
    taps = _depthwise_taps(w) if depthwise else _taps(w)
    y, scratch = _scratch((size, o), rows.dtype), np.empty((_BLOCK, o), rows.dtype)
    gemm, rows_t = _adding_gemm(rows.dtype), rows.T
    for a in range(0, size, _BLOCK):
        yb = y[a:a + _BLOCK]
        yb[...] = 0 if bias is None else bias  # block by block, while it is in cache
        yb_t, end = yb.T, a + len(yb)
        for tap, start in zip(taps, starts):
            if depthwise:
                _add_product(yb, rows[start + a:start + end], tap, scratch)
            else:
                gemm(1.0, tap, rows_t[:, start + a:start + end], 1.0, yb_t, 0, 0, 1)
    return _from_rows(y, n, pitch, geo.out)  # a view without the dropped rows; the next op copies anyway


def _rows_input_grad(grows, w, geo, n):
    (pitch, starts, _), c = _rows_layout(geo), w.shape[1] * geo.groups
    size, depthwise = grows.shape[0], geo.groups > 1
    taps = _depthwise_taps(w) if depthwise else _taps(w, transpose=True)
    total, margin = _input_rows(n, geo)
    gx, scratch = _scratch((total, c), grows.dtype), np.empty((_BLOCK, c), grows.dtype)
    gemm, gx_t, reach, zeroed = _adding_gemm(grows.dtype), gx.T, int(starts[-1]), 0
    for a in range(0, size, _BLOCK):
        g = grows[a:a + _BLOCK]
        g_t, end = g.T, a + len(g)
        gx[zeroed:end + reach] = 0  # the rows this block adds into for the first time, while they are in cache
        zeroed = end + reach
        for tap, start in zip(taps, starts):
            if depthwise:
                _add_product(gx[start + a:start + end], g, tap, scratch)
            else:
                gemm(1.0, tap, g_t, 1.0, gx_t[:, start + a:start + end], 0, 0, 1)
    gx[zeroed:] = 0
    return _from_rows(gx, n, pitch, geo.size, margin)


def _rows_weight_grad(rows, grows, geo):
    (size, o), c, starts = grows.shape, rows.shape[1], _rows_layout(geo)[1]
    depthwise = geo.groups > 1
    gw = np.zeros((len(starts), c) if depthwise else (len(starts), c, o), grows.dtype)
    gemm, rows_t, gw_t = _adding_gemm(rows.dtype), rows.T, None if depthwise else gw.transpose(0, 2, 1)
    for a in range(0, size, _BLOCK):
        g = grows[a:a + _BLOCK]
        g_t, end = g.T, a + len(g)
        for k, start in enumerate(starts):
            if depthwise:
                gw[k] += np.einsum("rc,rc->c", g, rows[start + a:start + end])
            else:
                gemm(1.0, g_t, rows_t[:, start + a:start + end], 1.0, gw_t[k], 0, 1, 1)
    return gw.T.reshape((c, 1) + geo.kernel) if depthwise else gw.transpose(2, 1, 0).reshape((o, c) + geo.kernel)


def _windows(x, geo, rows):
    """What the forward product and the weight gradient both read: rows or im2col columns."""
    return _rows(x, geo) if rows else _cols(x, geo)


def _grad_layout(gy, geo, rows, memo=None):
    """What the input and weight gradients both read of the upstream gradient: rows or positions.
    `memo`, a dict one backward() hands to both, has it laid out once for the two."""
    if memo is None:
        return _grad_rows(gy, geo) if rows else _to_positions(gy, geo)
    if rows not in memo:
        memo[rows] = _grad_layout(gy, geo, rows)
    return memo[rows]
