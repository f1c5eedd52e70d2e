"""Shape ops: views, joins and indexing. Each backward undoes the forward's rearrangement."""
import numpy as np

from ..formulas import saves
from ..tensor import Tensor, as_tensor, dual, make
from .reduce import normalize_axes


def _shape_arg(shape):
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def reshape(x, *shape):
    """`x.reshape(2, -1)` or `x.reshape((2, -1))`."""
    shape = _shape_arg(shape)
    try:
        out = x.data.reshape(shape)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into {shape}") from None
    src = x.shape

    @saves()
    def backward(g, out, x):
        return (g.reshape(src),)

    return make(out, (x,), backward, "reshape")


def flatten(x, start_dim=0, end_dim=-1):
    """Dims start_dim..end_dim merged into one."""
    if x.ndim == 0:
        return reshape(x, 1)
    (s,), (e,) = normalize_axes(start_dim, x.ndim, "flatten"), normalize_axes(end_dim, x.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(x, x.shape[:s] + (-1,) + x.shape[e + 1:])


def permute(x, *axes):
    """Dims reordered: `x.permute(2, 0, 1)`."""
    axes, n = _shape_arg(axes), x.data.ndim
    dims = [a % max(n, 1) for a in axes]
    if sorted(dims) != list(range(n)):
        raise ValueError(f"permute: {axes} is not a permutation of the {n} dims of shape {x.shape}")
    inverse = tuple(sorted(range(n), key=dims.__getitem__))  # where each dim went (np.argsort: 5x slower)

    @saves()
    def backward(g, out, x):
        return (np.transpose(g, inverse),)

    return make(x.data.transpose(axes), (x,), backward, "permute")


def transpose(x, dim0=-2, dim1=-1):
    """Two dims swapped (PyTorch's meaning; use `permute` for a full reordering)."""
    if x.ndim < 2:
        return x
    d0, d1 = (a % x.ndim for a in normalize_axes((dim0,), x.ndim, "transpose") + normalize_axes((dim1,), x.ndim, "transpose"))
    axes = list(range(x.ndim))
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(x, axes)


def T(x):
    """All dims reversed."""
    return permute(x, tuple(reversed(range(x.ndim))))


def broadcast_to(x, shape):
    """A broadcast view of `x` with `shape`; the gradient sums back over the broadcast dims."""
    shape = tuple(shape)
    try:
        out = np.broadcast_to(x.data, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}") from None
    return make(out, (x,), _broadcast_bw, "expand")


@saves()
def _broadcast_bw(g, out, x):
    return (g,)  # the graph walker sums it back to x's shape


def expand(x, *shape):
    """PyTorch's `expand`: like broadcast_to, with -1 meaning 'keep this dim'."""
    shape = _shape_arg(shape)
    lead = len(shape) - x.ndim
    return broadcast_to(x, tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(shape)))


def squeeze(x, axis=None, dim=None):
    """Size-1 dims removed (all of them, or those named)."""
    axis = dim if dim is not None else axis
    if axis is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    else:
        axes = tuple(a for a in normalize_axes(axis, x.ndim, "squeeze") if x.shape[a] == 1)
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def unsqueeze(x, axis=None, dim=None):
    """A size-1 dim inserted at `axis`."""
    axis = dim if dim is not None else axis
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise IndexError(f"unsqueeze: axis {axis} is out of range for a tensor with {x.ndim} dims")
    axis = axis % (x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def _tensors(tensors, op):
    tensors = [as_tensor(t, op=op) for t in tensors]
    if not tensors:
        raise ValueError(f"{op}: needs at least one tensor")
    return tensors


def concatenate(tensors, axis=0, dim=None):
    """Tensors joined along an existing `axis`; shapes must agree elsewhere."""
    tensors = _tensors(tensors, "concatenate")
    axis = dim if dim is not None else axis
    (ax,) = normalize_axes(axis, tensors[0].ndim, "concatenate")
    try:
        out = np.concatenate([t.data for t in tensors], axis=ax)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"concatenate: shapes {shapes} differ outside axis {ax}") from None
    ends = np.cumsum([t.shape[ax] for t in tensors])

    @saves()
    def backward(g, out, *xs):
        idx = [slice(None)] * g.ndim
        parts = []
        for start, stop in zip([0, *ends[:-1]], ends):
            idx[ax] = slice(int(start), int(stop))
            parts.append(g[tuple(idx)])
        return parts

    return make(out, tuple(tensors), backward, "concatenate")


cat = concatenate


def stack(tensors, axis=0, dim=None):
    """Tensors of one shape joined along a new `axis`."""
    tensors = _tensors(tensors, "stack")
    axis = dim if dim is not None else axis
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    return concatenate([unsqueeze(t, axis) for t in tensors], axis)


def split(x, split_size_or_sections, axis=0, dim=None):
    """Pieces along `axis`: of size `n` each (the last may be smaller) or of the listed sizes."""
    axis = dim if dim is not None else axis
    (ax,) = normalize_axes(axis, x.ndim, "split")
    n = x.shape[ax]
    if isinstance(split_size_or_sections, (int, np.integer)):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split size must be positive, got {split_size_or_sections}")
        sizes = [min(split_size_or_sections, n - i) for i in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, not to the {n} elements of axis {ax}")
    pieces, start = [], 0
    for size in sizes:
        idx = [slice(None)] * x.ndim
        idx[ax] = slice(start, start + size)
        pieces.append(x[tuple(idx)])
        start += size
    return pieces


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "edge": "edge",
              "symmetric": "symmetric", "circular": "wrap", "wrap": "wrap"}


def pad(x, pad_width, value=0.0, mode="constant"):
    """Padding with `pad_width` as in `numpy.pad` (an int, (before, after), or one pair per dim).

    Negative widths crop. `mode`: "constant" (fill with `value`), "reflect" (mirror without
    repeating the edge), "replicate"/"edge" (repeat the edge), "symmetric", "circular"/"wrap".
    """
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_PAD_MODES)}, got {mode!r}")
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width} does not give (before, after) for the {x.ndim} dims "
                         f"of shape {x.shape}") from None
    crop = tuple(slice(int(max(-b, 0)), n - int(max(-a, 0))) for (b, a), n in zip(widths, x.shape))
    if any(c.start > c.stop for c in crop):
        raise ValueError(f"pad: negative widths {widths.tolist()} crop more than shape {x.shape} holds")
    if (widths < 0).any():
        x = getitem(x, crop)
    widths = np.maximum(widths, 0)
    if not widths.any():
        return x
    if mode != "constant":
        # Each padded position reads a source position: numpy's pad of the positions themselves.
        for ax, (b, a) in enumerate(widths):
            if b or a:
                if x.shape[ax] == 0:
                    raise ValueError(f"pad: cannot pad an empty dim {ax} in mode {mode!r}")
                source = np.pad(np.arange(x.shape[ax]), (int(b), int(a)), mode=_PAD_MODES[mode])
                x = getitem(x, (slice(None),) * ax + (source,))
        return x
    inner = tuple(slice(int(b), int(b) + n) for (b, _), n in zip(widths, x.shape))

    @saves()
    def backward(g, out, x):
        return (g[inner],)

    return make(np.pad(x.data, widths, constant_values=value), (x,), backward, "pad")


def _index(idx):
    """An index with Tensors replaced by their arrays, and whether it is basic (no copies, no repeats)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    items = tuple(i.data if isinstance(i, Tensor) else i for i in items)
    basic = all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)
    return (items if isinstance(idx, tuple) else items[0]), basic


def getitem(x, idx):
    """`x[idx]` with ints, slices, None, ..., boolean masks and integer arrays.

    The backward scatters the gradient back, adding where an index repeats.
    """
    idx, basic = _index(idx)
    try:
        out = x.data[idx]
    except IndexError as e:
        raise IndexError(f"getitem: {e} (tensor shape {x.shape})") from None
    shape = x.shape

    @saves()
    def backward(g, out, x):
        return (scatter_add(g, idx, shape, basic),)

    if not basic:
        return make(np.asarray(out), (x,), backward, "getitem")
    if not isinstance(out, np.ndarray):  # numpy gives a scalar copy where a 0-d view is meant
        out = x.data[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
    out = make(out, (x,), backward, "getitem")
    out._view_idx = idx  # lets `x[i] += v` write through this view (see inplace.py)
    return out


def _scatter_add_array(g, idx, shape, basic=False):
    """A zero array of `shape` with `g` added at `idx` (repeated indices add up)."""
    z = np.zeros(shape, dtype=g.dtype)
    if basic:
        z[idx] = g
    else:
        np.add.at(z, idx, g)
    return z


def _scatter_add_op(g, idx, shape, basic=False):
    """The same as a differentiable op (its backward is indexing again)."""
    def backward(gg, out, g):
        return (gg[idx],)

    return make(_scatter_add_array(g.data, idx, shape, basic), (g,), backward, "scatter_add")


scatter_add = dual(_scatter_add_array, _scatter_add_op)


def flip(x, dims=None, axis=None):
    """The order of elements reversed along `dims` (all of them if None)."""
    dims = axis if dims is None else dims
    axes = normalize_axes(dims, x.ndim, "flip")
    return getitem(x, tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(x.ndim)))


def roll(x, shifts, dims=None, axis=None):
    """Elements shifted cyclically by `shifts` along `dims` (the flattened tensor if None)."""
    dims = axis if dims is None else dims
    if dims is None:
        return reshape(roll(reshape(x, -1), shifts, 0), x.shape)
    if x.ndim == 0:
        raise IndexError(f"roll: a 0-d tensor has no dim {dims} to roll along")
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims")
    for shift, dim in zip(shifts, dims):
        (ax,) = normalize_axes(dim, x.ndim, "roll")
        n = x.shape[ax]
        x = getitem(x, (slice(None),) * ax + ((np.arange(n) - shift) % max(n, 1),))
    return x


def moveaxis(x, source, destination):
    """Axes `source` moved to positions `destination`, the others keeping their order."""
    src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: {len(src)} source axes for {len(dst)} destinations")
    src = [normalize_axes(a, x.ndim, "moveaxis")[0] for a in src]
    dst = [normalize_axes(a, x.ndim, "moveaxis")[0] for a in dst]
    order = [d for d in range(x.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(x, order)


movedim = moveaxis


def swapaxes(x, axis1, axis2):
    """Two axes exchanged (numpy's names; `transpose(x, dim0, dim1)` is PyTorch's)."""
    return transpose(x, axis1, axis2)


def rollaxis(x, axis, start=0):
    """numpy's rollaxis: `axis` moved to just before position `start`."""
    (ax,) = normalize_axes(axis, x.ndim, "rollaxis")
    if not -x.ndim <= start <= x.ndim:
        raise IndexError(f"rollaxis: start {start} is out of range for a tensor with {x.ndim} dims")
    start = start % (x.ndim + 1) if start < 0 else start
    if ax < start:
        start -= 1
    order = [d for d in range(x.ndim) if d != ax]
    order.insert(start, ax)
    return permute(x, order)


def _atleast(x, n, where):
    x = as_tensor(x, op=f"atleast_{n}d")
    if x.ndim >= n:
        return x
    return reshape(x, where[x.ndim](x.shape))


_AT_LEAST = {
    1: {0: lambda s: (1,)},
    2: {0: lambda s: (1, 1), 1: lambda s: (1,) + s},
    3: {0: lambda s: (1, 1, 1), 1: lambda s: (1,) + s + (1,), 2: lambda s: s + (1,)},
}


def _atleast_fn(n):
    def fn(*tensors):
        out = [_atleast(t, n, _AT_LEAST[n]) for t in tensors]
        return out[0] if len(out) == 1 else out

    fn.__name__ = f"atleast_{n}d"
    fn.__doc__ = f"Each input viewed with at least {n} dims (numpy's rules for where the new dims go)."
    return fn


atleast_1d, atleast_2d, atleast_3d = _atleast_fn(1), _atleast_fn(2), _atleast_fn(3)


def tile(x, reps):
    """`x` repeated `reps` times along each dim (numpy's and PyTorch's tile; short `reps` gain leading 1s)."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be >= 0, got {reps}")
    d = max(len(reps), x.ndim)
    reps = (1,) * (d - len(reps)) + reps
    shape = (1,) * (d - x.ndim) + x.shape
    # Each dim n becomes (1, n), broadcast to (r, n) and merged: a copy whose backward sums the copies.
    spread = reshape(x, sum(((1, n) for n in shape), ()))
    spread = broadcast_to(spread, sum(((r, n) for r, n in zip(reps, shape)), ()))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


def repeat(x, *sizes):
    """PyTorch's `repeat`: tile by `sizes`, which must cover every dim."""
    sizes = _shape_arg(sizes)
    if len(sizes) < x.ndim:
        raise ValueError(f"repeat: {len(sizes)} repeat sizes for a tensor with {x.ndim} dims (shape {x.shape})")
    return tile(x, sizes)


def repeat_interleave(x, repeats, dim=None, axis=None):
    """Each element repeated `repeats` times (an int, or one count per element) along `dim`
    (of the flattened tensor if None): numpy's `repeat`."""
    dim = axis if dim is None else dim
    if dim is None:
        x, dim = reshape(x, -1), 0
    (ax,) = normalize_axes(dim, x.ndim, "repeat_interleave")
    counts = np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats)
    if counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise ValueError(f"repeat_interleave: repeats must be non-negative integers, got {counts.tolist()}")
    try:
        source = np.repeat(np.arange(x.shape[ax]), counts)
    except ValueError:
        raise ValueError(f"repeat_interleave: {counts.size} repeat counts for dim {ax} of size {x.shape[ax]}") from None
    return getitem(x, (slice(None),) * ax + (source,))
