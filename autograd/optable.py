"""The table of differentiable ops that drives the gradient checks (tests and `chainrule gradcheck`).

Each `OpSpec` names an op as a callable on Tensors, the domain of each argument (away from the
points where the derivative jumps, where central differences would disagree with any convention),
the shapes to try, and the PyTorch equivalent (`torch(torch_module, *tensors)`; by default the
same callable, when it is written with methods both libraries share). New op = one row.
"""
from dataclasses import dataclass

import numpy as np

from . import ops as _ops  # noqa: F401  (attaches the Tensor methods)
from .ops import activation as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops import shape as S


@dataclass(frozen=True)
class Domain:
    """Uniform values in [low, high], kept at least `margin` away from each point in `avoid`."""

    low: float = -2.0
    high: float = 2.0
    avoid: tuple = ()
    margin: float = 0.1

    def sample(self, rng, shape):
        x = rng.uniform(self.low, self.high, shape)
        for p in self.avoid:
            near = np.abs(x - p) < self.margin
            x = np.where(near, p + np.where(x >= p, 2.0, -2.0) * self.margin, x)
        return x

    def allows(self, x):
        return all(np.all(np.abs(np.asarray(x) - p) >= self.margin) for p in self.avoid)


REAL = Domain()
POSITIVE = Domain(0.5, 2.5)
NONZERO = Domain(avoid=(0.0,), margin=0.25)
ABOVE_MINUS_ONE = Domain(-0.5, 2.0)
CLIP = Domain(avoid=(-0.5, 0.5))

SAME = "same"

UNARY = (((),), ((3,),), ((2, 3),))
BINARY = (((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 1), (1, 3)), ((3,), (2, 3)))
REDUCE = (((3,),), ((2, 3),))
MATRIX = (((2, 3),),)


@dataclass(frozen=True)
class OpSpec:
    """One op to check: `fn(*tensors)` returns a Tensor or a tuple of Tensors.

    `free_shapes`: the op accepts any shape (or any mutually broadcastable shapes), so random
    shapes may be drawn for it. `distinct`: the inputs must not hold (near-)equal values, where
    max/min-like ops have a kink.
    """

    name: str
    fn: object
    domains: tuple
    shapes: tuple
    torch: object = SAME
    free_shapes: bool = False
    distinct: bool = False

    @property
    def arity(self):
        return len(self.domains)

    def torch_fn(self, torch):
        if self.torch is None:
            return None
        if self.torch == SAME:
            return self.fn
        return lambda *xs: self.torch(torch, *xs)

    def valid(self, arrays):
        """Whether these argument values keep away from the op's kinks."""
        if not all(d.allows(a) for d, a in zip(self.domains, arrays)):
            return False
        if self.distinct:
            flat = np.sort(np.concatenate([np.ravel(a) for a in arrays]))
            return bool(np.all(np.diff(flat) > 1e-3))
        return True

    def sample(self, rng, shapes):
        """Random float64 argument arrays for `shapes`, drawn from the op's domains."""
        for _ in range(100):
            arrays = [d.sample(rng, s) for d, s in zip(self.domains, shapes)]
            if self.valid(arrays):
                return arrays
        raise RuntimeError(f"{self.name}: could not draw valid inputs of shapes {shapes}")


def _unary(name, fn, domain=REAL, torch=SAME, free=True):
    return OpSpec(name, fn, (domain,), UNARY, torch, free_shapes=free)


def _binary(name, fn, da=REAL, db=REAL, torch=SAME, distinct=False):
    return OpSpec(name, fn, (da, db), BINARY, torch, free_shapes=True, distinct=distinct)


def _reduce(name, fn, torch=SAME, shapes=REDUCE, free=False, distinct=False):
    return OpSpec(name, fn, (REAL,), shapes, torch, free_shapes=free, distinct=distinct)


def _shaped(name, fn, shapes, torch=SAME, domains=(REAL,)):
    return OpSpec(name, fn, domains, shapes, torch)


OPS = [
    # Arithmetic, with broadcasting and Python scalars on either side.
    _binary("add", lambda a, b: a + b),
    _binary("sub", lambda a, b: a - b),
    _binary("mul", lambda a, b: a * b),
    _binary("div", lambda a, b: a / b, db=NONZERO),
    _binary("pow", lambda a, b: a ** b, da=POSITIVE),
    _binary("maximum", E.maximum, torch=lambda t, a, b: t.maximum(a, b), distinct=True),
    _binary("minimum", E.minimum, torch=lambda t, a, b: t.minimum(a, b), distinct=True),
    _binary("where", lambda a, b: E.where(a > 0, a, b), da=NONZERO, torch=lambda t, a, b: t.where(a > 0, a, b)),
    _unary("radd", lambda x: 3 + x),
    _unary("rsub", lambda x: 2 - x),
    _unary("sub_scalar", lambda x: x - 1.5),
    _unary("rmul", lambda x: 0.5 * x),
    _unary("rdiv", lambda x: 2 / x, NONZERO),
    _unary("div_scalar", lambda x: x / 4),
    _unary("rpow", lambda x: 2 ** x),
    _unary("pow_int", lambda x: x ** 3),
    _unary("pow_frac", lambda x: x ** 0.5, POSITIVE),
    # Elementwise functions.
    _unary("neg", lambda x: -x),
    _unary("exp", lambda x: x.exp()),
    _unary("log", lambda x: x.log(), POSITIVE),
    _unary("log1p", lambda x: x.log1p(), ABOVE_MINUS_ONE),
    _unary("sqrt", lambda x: x.sqrt(), POSITIVE),
    _unary("abs", lambda x: x.abs(), NONZERO),
    _unary("sin", lambda x: x.sin()),
    _unary("cos", lambda x: x.cos()),
    _unary("tanh", lambda x: x.tanh()),
    _unary("sigmoid", lambda x: x.sigmoid()),
    _unary("relu", lambda x: x.relu(), NONZERO),
    _unary("leaky_relu", lambda x: A.leaky_relu(x, 0.1), NONZERO,
           lambda t, x: t.nn.functional.leaky_relu(x, 0.1)),
    _unary("elu", A.elu, NONZERO, lambda t, x: t.nn.functional.elu(x)),
    _unary("selu", A.selu, NONZERO, lambda t, x: t.nn.functional.selu(x)),
    _unary("gelu", A.gelu, REAL, lambda t, x: t.nn.functional.gelu(x)),
    _unary("gelu_tanh", lambda x: A.gelu(x, approximate="tanh"), REAL,
           lambda t, x: t.nn.functional.gelu(x, approximate="tanh")),
    _unary("silu", A.silu, REAL, lambda t, x: t.nn.functional.silu(x)),
    _unary("softplus", A.softplus, REAL, lambda t, x: t.nn.functional.softplus(x)),
    _unary("erf", A.erf, REAL, lambda t, x: t.erf(x)),
    _unary("clip", lambda x: E.clip(x, -0.5, 0.5), CLIP, lambda t, x: t.clamp(x, -0.5, 0.5)),
    # Reductions: axis int / tuple / None, the `dim` alias, keepdims.
    _reduce("sum", lambda x: x.sum(), shapes=UNARY, free=True),
    _reduce("sum_axis0", lambda x: x.sum(axis=0), lambda t, x: x.sum(dim=0)),
    _reduce("sum_dim_keepdims", lambda x: x.sum(dim=-1, keepdims=True), lambda t, x: x.sum(dim=-1, keepdim=True)),
    _reduce("sum_axes", lambda x: x.sum(axis=(0, 1)), lambda t, x: x.sum(dim=(0, 1)), shapes=MATRIX),
    _reduce("mean", lambda x: x.mean(), shapes=UNARY, free=True),
    _reduce("mean_axis1_keepdims", lambda x: x.mean(axis=1, keepdims=True),
            lambda t, x: x.mean(dim=1, keepdim=True), shapes=MATRIX),
    _reduce("max", lambda x: x.max(), lambda t, x: x.amax(), shapes=UNARY, free=True, distinct=True),
    _reduce("max_axis", lambda x: x.max(axis=-1), lambda t, x: x.amax(dim=-1), distinct=True),
    _reduce("min", lambda x: x.min(), lambda t, x: x.amin(), shapes=UNARY, free=True, distinct=True),
    _reduce("min_dim_keepdims", lambda x: x.min(dim=0, keepdims=True), lambda t, x: x.amin(dim=0, keepdim=True),
            shapes=MATRIX, distinct=True),
    _reduce("var", lambda x: x.var(), lambda t, x: x.var()),
    _reduce("var_axis0", lambda x: x.var(axis=0), lambda t, x: x.var(dim=0)),
    _reduce("std", lambda x: x.std(), lambda t, x: x.std()),
    _reduce("std_axis1_keepdims", lambda x: x.std(axis=1, keepdims=True), lambda t, x: x.std(dim=1, keepdim=True),
            shapes=MATRIX),
    _reduce("logsumexp", lambda x: x.logsumexp(), lambda t, x: x.logsumexp(dim=tuple(range(x.ndim)))),
    _reduce("logsumexp_axis0", lambda x: x.logsumexp(axis=0), lambda t, x: x.logsumexp(dim=0)),
    _reduce("prod", lambda x: x.prod(), shapes=UNARY, free=True),
    _reduce("prod_axis1", lambda x: x.prod(axis=1), lambda t, x: x.prod(dim=1), shapes=MATRIX),
    _reduce("softmax", lambda x: x.softmax(axis=-1), lambda t, x: x.softmax(dim=-1)),
    _reduce("log_softmax_dim0", lambda x: x.log_softmax(dim=0), lambda t, x: x.log_softmax(dim=0)),
    # Shape ops.
    _shaped("reshape", lambda x: x.reshape(3, 2), MATRIX),
    _shaped("flatten", lambda x: x.flatten(), (((2, 3),), ((2, 1, 3),))),
    _shaped("permute", lambda x: x.permute(2, 0, 1), (((2, 3, 4),),)),
    _shaped("transpose", lambda x: x.transpose(0, 1), MATRIX),
    _shaped("T", lambda x: x.T, MATRIX),
    _shaped("expand", lambda x: x.expand(2, 3), (((3,),), ((2, 1),))),
    _shaped("broadcast_to", lambda x: S.broadcast_to(x, (4, 2, 3)), (((2, 3),), ((1, 3),)),
            lambda t, x: t.broadcast_to(x, (4, 2, 3))),
    _shaped("squeeze", lambda x: x.squeeze(), (((2, 1),), ((1, 3, 1),))),
    _shaped("squeeze_dim", lambda x: x.squeeze(dim=1), (((2, 1),),)),
    _shaped("unsqueeze", lambda x: x.unsqueeze(0), UNARY),
    _shaped("concatenate", lambda a, b: S.concatenate([a, b], axis=0), (((2, 3), (1, 3)), ((2,), (3,))),
            lambda t, a, b: t.cat([a, b], dim=0), domains=(REAL, REAL)),
    _shaped("stack", lambda a, b: S.stack([a, b], axis=1), (((3,), (3,)), ((2, 3), (2, 3))),
            lambda t, a, b: t.stack([a, b], dim=1), domains=(REAL, REAL)),
    _shaped("split", lambda x: tuple(x.split([1, 2], axis=1)), MATRIX,
            lambda t, x: tuple(x.split([1, 2], dim=1))),
    _shaped("split_size", lambda x: tuple(x.split(2)), (((5,),), ((3, 2),)), lambda t, x: tuple(x.split(2))),
    _shaped("pad", lambda x: S.pad(x, ((1, 0), (0, 2))), MATRIX, lambda t, x: t.nn.functional.pad(x, (0, 2, 1, 0))),
    # Indexing: ints, slices, boolean masks, integer arrays (repeats accumulate in backward).
    _shaped("index_int", lambda x: x[1], MATRIX),
    _shaped("index_slice", lambda x: x[:, 1:], MATRIX),
    _shaped("index_step", lambda x: x[::-1], (((3,),), ((2, 3),)), lambda t, x: t.flip(x, (0,))),
    _shaped("index_mask", lambda x: x[x > 0], (((3,),), ((2, 3),)), domains=(NONZERO,)),
    _shaped("index_repeats", lambda x: x[[0, 0, 1, 0]], (((3,),), ((2, 3),))),
    _shaped("index_pairs", lambda x: x[[1, 1, 0], [2, 0, 2]], MATRIX),
    # Matrix products: 1-d, 2-d, batched with broadcast batch dims.
    _shaped("matmul", lambda a, b: a @ b, (((3,), (3,)), ((2, 3), (3,)), ((2,), (2, 3)), ((2, 3), (3, 4)),
                                          ((2, 2, 3), (3, 4)), ((2, 2, 3), (1, 3, 2))), domains=(REAL, REAL)),
]

BY_NAME = {op.name: op for op in OPS}


# Convolution, pooling and resizing (autograd/ops/conv.py, autograd/ops/pool.py). Each row calls
# the function of the same name with the same arguments here and in torch.nn.functional.
from .ops import conv as _conv  # noqa: E402
from .ops import pool as _pool  # noqa: E402


def _nnf(label, name, shapes, distinct=False, **kwargs):
    ours = getattr(_conv, name, None) or getattr(_pool, name)
    return OpSpec(label, lambda *xs: ours(*xs, **kwargs), (REAL,) * len(shapes[0]), shapes,
                  lambda t, *xs: getattr(t.nn.functional, name)(*xs, **kwargs), distinct=distinct)


OPS += [
    _nnf("conv2d", "conv2d", (((1, 2, 4, 5), (3, 2, 3, 3)), ((2, 1, 3, 3), (2, 1, 2, 2)))),
    _nnf("conv2d_bias_stride_pad", "conv2d", (((2, 2, 5, 4), (3, 2, 3, 2), (3,)),), stride=2, padding=1),
    _nnf("conv2d_groups_dilation", "conv2d", (((1, 4, 5, 5), (2, 2, 2, 3)),), groups=2, dilation=(2, 1),
         padding=(1, 2)),
    _nnf("conv2d_depthwise", "conv2d", (((2, 2, 4, 4), (4, 1, 3, 3), (4,)),), groups=2, stride=(1, 2), padding=1),
    _nnf("conv2d_same", "conv2d", (((1, 2, 4, 3), (2, 2, 2, 3)),), padding="same"),
    _nnf("conv2d_valid_odd", "conv2d", (((1, 1, 5, 3), (2, 1, 4, 1)),), padding="valid", stride=(3, 1)),
    OpSpec("conv2d_asymmetric_pad", lambda x, w: _conv.conv2d(x, w, padding=((1, 0), (0, 2))), (REAL, REAL),
           (((1, 2, 3, 3), (2, 2, 2, 2)),),
           lambda t, x, w: t.nn.functional.conv2d(t.nn.functional.pad(x, (0, 2, 1, 0)), w)),
    _nnf("conv1d", "conv1d", (((2, 2, 7), (3, 2, 3), (3,)),), stride=2, padding=1, dilation=2),
    _nnf("conv3d", "conv3d", (((1, 2, 3, 3, 3), (2, 1, 2, 2, 2)),), groups=2, padding=(1, 0, 1)),
    _nnf("conv_transpose1d", "conv_transpose1d", (((2, 2, 3), (2, 2, 3), (2,)),), stride=2, output_padding=1),
    _nnf("conv_transpose2d", "conv_transpose2d", (((1, 2, 3, 2), (2, 3, 3, 2), (3,)),), stride=2, padding=1,
         output_padding=1),
    _nnf("conv_transpose2d_groups_dilation", "conv_transpose2d", (((1, 4, 2, 3), (4, 1, 2, 2)),), groups=2,
         dilation=2, stride=(1, 2)),
    _nnf("conv_transpose3d", "conv_transpose3d", (((1, 2, 2, 2, 2), (2, 1, 2, 2, 2)),), stride=2, padding=1),
    _nnf("unfold", "unfold", (((1, 2, 4, 3),),), kernel_size=(2, 2), padding=1, stride=(2, 1)),
    _nnf("fold", "fold", (((1, 8, 8),),), output_size=(3, 4), kernel_size=2, dilation=(1, 2), padding=(0, 1)),
    _nnf("max_pool2d_overlapping", "max_pool2d", (((1, 2, 5, 5),), ((1, 1, 7, 6),)), True, kernel_size=3, stride=2),
    _nnf("max_pool2d_pad_dilation_ceil", "max_pool2d", (((1, 2, 6, 5),),), True, kernel_size=(3, 2), stride=2,
         padding=1, dilation=(1, 2), ceil_mode=True),
    _nnf("max_pool1d", "max_pool1d", (((2, 2, 7),),), True, kernel_size=3, stride=2, padding=1),
    _nnf("max_pool3d", "max_pool3d", (((1, 1, 4, 4, 3),),), True, kernel_size=2, stride=(2, 1, 1)),
    _nnf("avg_pool2d", "avg_pool2d", (((2, 2, 5, 5),),), kernel_size=3, stride=2, padding=1),
    _nnf("avg_pool2d_exclude_pad_ceil", "avg_pool2d", (((1, 2, 6, 5),),), kernel_size=(3, 2), stride=2, padding=1,
         ceil_mode=True, count_include_pad=False),
    _nnf("avg_pool1d", "avg_pool1d", (((2, 2, 7),),), kernel_size=4, stride=3, padding=2, ceil_mode=True),
    _nnf("adaptive_avg_pool2d", "adaptive_avg_pool2d", (((1, 2, 5, 7),),), output_size=(2, 3)),
    _nnf("adaptive_max_pool2d", "adaptive_max_pool2d", (((1, 2, 5, 7),),), True, output_size=(3, 2)),
    _nnf("local_response_norm", "local_response_norm", (((2, 5, 2, 2),), ((1, 4, 3),)), size=3, alpha=0.5,
         beta=0.75, k=1.5),
    _nnf("interpolate_nearest", "interpolate", (((1, 2, 3, 2),),), scale_factor=2, mode="nearest"),
    _nnf("interpolate_bilinear", "interpolate", (((1, 2, 3, 4),),), size=(5, 3), mode="bilinear",
         align_corners=False),
    _nnf("interpolate_bilinear_corners", "interpolate", (((1, 1, 3, 3),),), size=(4, 5), mode="bilinear",
         align_corners=True),
    _nnf("interpolate_linear", "interpolate", (((2, 1, 4),),), scale_factor=1.5, mode="linear"),
]
BY_NAME = {op.name: op for op in OPS}
