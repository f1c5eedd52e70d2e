"""The table of differentiable ops that drives the gradient checks (tests and `chainrule gradcheck`).

Each `OpSpec` names an op as a callable on Tensors, the domain of each argument (away from the
points where the derivative jumps, where central differences would disagree with any convention),
the shapes to try, and the PyTorch equivalent (`torch(torch_module, *tensors)`; by default the
same callable, when it is written with methods both libraries share). New op = one row.
"""
from dataclasses import dataclass

import numpy as np

from . import ops as _ops  # noqa: F401  (attaches the Tensor methods)
from .tensor import Tensor
from .ops import activation as A
from .ops import decomp as D
from .ops import elementwise as E
from .ops import index as I
from .ops import join as J
from .ops import linalg as L
from .ops import norm as N
from .ops import pointwise as P
from .ops import reduce as R
from .ops import scan as SC
from .ops import shape as S
from .ops import sort as SO
from .ops.einsum import einsum


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
UNIT = Domain(-0.9, 0.9)
ABOVE_ONE = Domain(1.2, 3.0)
NOT_INTEGER = Domain(avoid=(-2.0, -1.0, 0.0, 1.0, 2.0))
NOT_HALF = Domain(avoid=(-1.5, -0.5, 0.5, 1.5))
NEGATIVE = Domain(-2.5, -0.5)

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
    _reduce("min_dim_keepdims", lambda x: x.min(dim=0, keepdims=True).values,
            lambda t, x: x.min(dim=0, keepdim=True).values, shapes=MATRIX, distinct=True),
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

# The wider op set, section by section (the rows above are the core set).
TERNARY = (((), (), ()), ((2, 3), (2, 3), (2, 3)), ((3,), (2, 3), ()), ((2, 1), (1, 3), (2, 3)))


def _ternary(name, fn, domains=(REAL, REAL, REAL), torch=SAME, distinct=False):
    return OpSpec(name, fn, domains, TERNARY, torch, free_shapes=True, distinct=distinct)


def _tf(name):
    """The torch function `name` (by attribute path), for rows whose op has PyTorch's own name."""
    def call(t, *xs):
        fn = t
        for part in name.split("."):
            fn = getattr(fn, part)
        return fn(*xs)

    return call


OPS += [
    # Rounding: piecewise constant, so a zero gradient (checked away from the jumps).
    _unary("floor", P.floor, NOT_INTEGER, _tf("floor")),
    _unary("ceil", P.ceil, NOT_INTEGER, _tf("ceil")),
    _unary("trunc", P.trunc, NOT_INTEGER, _tf("trunc")),
    _unary("round", P.round, NOT_HALF, _tf("round")),
    _unary("sign", E.sign, NONZERO, _tf("sign")),
    # Powers, exponentials and logarithms.
    _unary("square", P.square, REAL, _tf("square")),
    _unary("rsqrt", P.rsqrt, POSITIVE, _tf("rsqrt")),
    _unary("reciprocal", P.reciprocal, NONZERO, _tf("reciprocal")),
    _unary("exp2", P.exp2, REAL, _tf("exp2")),
    _unary("expm1", P.expm1, REAL, _tf("expm1")),
    _unary("log2", P.log2, POSITIVE, _tf("log2")),
    _unary("log10", P.log10, POSITIVE, _tf("log10")),
    # Trigonometric and hyperbolic functions, and their inverses.
    _unary("tan", P.tan, UNIT, _tf("tan")),
    _unary("sinh", P.sinh, REAL, _tf("sinh")),
    _unary("cosh", P.cosh, REAL, _tf("cosh")),
    _unary("arcsin", P.arcsin, UNIT, _tf("asin")),
    _unary("arccos", P.arccos, UNIT, _tf("acos")),
    _unary("arctan", P.arctan, REAL, _tf("atan")),
    _unary("arcsinh", P.arcsinh, REAL, _tf("asinh")),
    _unary("arccosh", P.arccosh, ABOVE_ONE, _tf("acosh")),
    _unary("arctanh", P.arctanh, UNIT, _tf("atanh")),
    _unary("deg2rad", P.deg2rad, REAL, _tf("deg2rad")),
    _unary("rad2deg", P.rad2deg, REAL, _tf("rad2deg")),
    # Binary functions, broadcast.
    _binary("arctan2", P.arctan2, NONZERO, NONZERO, _tf("atan2")),
    _binary("hypot", P.hypot, NONZERO, NONZERO, _tf("hypot")),
    _binary("logaddexp", P.logaddexp, torch=_tf("logaddexp")),
    _binary("logaddexp2", P.logaddexp2, torch=_tf("logaddexp2")),
    _binary("fmax", P.fmax, torch=_tf("fmax"), distinct=True),
    _binary("fmin", P.fmin, torch=_tf("fmin"), distinct=True),
    # a / b stays between two integers, away from remainder's jumps; both signs of each operand.
    _binary("remainder", lambda a, b: a % b, Domain(-0.9, -0.1), Domain(1.2, 2.5)),
    _binary("remainder_negative_divisor", P.remainder, Domain(0.1, 0.9), Domain(-2.5, -1.2), _tf("remainder")),
    _binary("remainder_large", lambda a, b: a % b, Domain(4.2, 4.3), Domain(1.1, 1.15)),
    _ternary("lerp", P.lerp, torch=_tf("lerp")),
    # PyTorch's clamp keeps the input's shape, so the bounds broadcast to it here.
    OpSpec("clamp_tensor_bounds", lambda x, lo, hi: P.clamp(x, lo, hi), (Domain(-3, 3), REAL, REAL),
           (((), (), ()), ((2, 3), (3,), ()), ((2, 3), (2, 1), (1, 3))), lambda t, x, lo, hi: t.clamp(x, lo, hi),
           distinct=True),
]

OPS += [
    # Activations (nn.functional in PyTorch).
    _unary("relu6", A.relu6, Domain(-3.0, 8.0, avoid=(0.0, 6.0)), _tf("nn.functional.relu6")),
    _unary("hardtanh", A.hardtanh, Domain(-3.0, 3.0, avoid=(-1.0, 1.0)), _tf("nn.functional.hardtanh")),
    _unary("hardsigmoid", A.hardsigmoid, Domain(-5.0, 5.0, avoid=(-3.0, 3.0)), _tf("nn.functional.hardsigmoid")),
    _unary("hardswish", A.hardswish, Domain(-5.0, 5.0, avoid=(-3.0, 3.0)), _tf("nn.functional.hardswish")),
    _unary("mish", A.mish, REAL, _tf("nn.functional.mish")),
    _unary("softsign", A.softsign, NONZERO, _tf("nn.functional.softsign")),
    _unary("celu", lambda x: A.celu(x, 0.5), NONZERO, lambda t, x: t.nn.functional.celu(x, 0.5)),
    _unary("quick_gelu", A.quick_gelu, REAL, lambda t, x: x * t.sigmoid(1.702 * x)),
    _unary("logsigmoid", A.logsigmoid, REAL, _tf("nn.functional.logsigmoid")),
    _unary("tanhshrink", A.tanhshrink, REAL, _tf("nn.functional.tanhshrink")),
    _unary("threshold", lambda x: A.threshold(x, 0.5, -1.0), Domain(avoid=(0.5,)),
           lambda t, x: t.nn.functional.threshold(x, 0.5, -1.0)),
    _shaped("glu", A.glu, (((4,),), ((3, 4),)), _tf("nn.functional.glu")),
    _shaped("glu_dim0", lambda x: A.glu(x, 0), (((2, 3),),), lambda t, x: t.nn.functional.glu(x, 0)),
]

VECTOR = (((4,),), ((2, 3),))
OPS += [
    # Scans.
    _reduce("cumsum", lambda x: SC.cumsum(x, -1), lambda t, x: x.cumsum(-1), shapes=UNARY, free=True),
    _reduce("cumsum_flat", SC.cumsum, lambda t, x: x.flatten().cumsum(0), shapes=VECTOR),
    _reduce("cumsum_dim0", lambda x: x.cumsum(dim=0), lambda t, x: x.cumsum(dim=0), shapes=MATRIX),
    OpSpec("cumprod", lambda x: x.cumprod(-1), (NONZERO,), UNARY, lambda t, x: x.cumprod(-1), free_shapes=True),
    _reduce("diff", SC.diff, lambda t, x: t.diff(x), shapes=VECTOR),
    _reduce("diff_2_axis0", lambda x: SC.diff(x, 2, axis=0), lambda t, x: t.diff(x, 2, dim=0), shapes=(((4, 2),),)),
    _shaped("diff_prepend_append", lambda x, p: SC.diff(x, prepend=p, append=1.5), (((2, 3), (2, 1)),),
            lambda t, x, p: t.diff(x, prepend=p, append=t.full((2, 1), 1.5, dtype=t.float64)), domains=(REAL, REAL)),
    # Norms.
    OpSpec("norm_1", lambda x: N.vector_norm(x, 1), (NONZERO,), UNARY, lambda t, x: t.linalg.vector_norm(x, 1),
           free_shapes=True),
    # Away from 0, where the norm of one element is |x| and has a kink.
    OpSpec("norm_2", lambda x: x.norm(), (NONZERO,), UNARY, lambda t, x: x.norm(), free_shapes=True),
    OpSpec("norm_inf", lambda x: N.vector_norm(x, float("inf")), (POSITIVE,), VECTOR,
           lambda t, x: t.linalg.vector_norm(x, float("inf")), distinct=True),
    _reduce("norm_3_axis1", lambda x: x.norm(3, dim=1), lambda t, x: x.norm(3, dim=1), shapes=MATRIX),
    _reduce("norm_fro", lambda x: N.norm(x, "fro"), lambda t, x: t.linalg.norm(x, "fro"), shapes=MATRIX),
    OpSpec("matrix_norm_1", lambda x: N.norm(x, 1), (NONZERO,), (((3, 3),),), lambda t, x: t.linalg.norm(x, 1)),
    OpSpec("matrix_norm_inf", lambda x: N.matrix_norm(x, float("inf"), keepdims=True), (NONZERO,), (((2, 3, 3),),),
           lambda t, x: t.linalg.matrix_norm(x, float("inf"), keepdim=True)),
    # Statistics with a correction (numpy's ddof).
    _reduce("var_correction0", lambda x: x.var(correction=0), lambda t, x: x.var(correction=0)),
    _reduce("std_ddof0_axis0", lambda x: x.std(axis=0, ddof=0), lambda t, x: x.std(dim=0, correction=0),
            shapes=MATRIX),
    # Ordering: values gathered at the sorting indices, the gradient going back to where each came from.
    _reduce("max_dim_values", lambda x: x.max(dim=1).values, lambda t, x: x.max(dim=1).values, shapes=MATRIX,
            distinct=True),
    _reduce("sort", lambda x: x.sort().values, lambda t, x: x.sort().values, shapes=UNARY, free=True, distinct=True),
    _reduce("sort_descending_dim0", lambda x: x.sort(0, descending=True).values,
            lambda t, x: x.sort(0, descending=True).values, shapes=MATRIX, distinct=True),
    _reduce("topk", lambda x: x.topk(2).values, lambda t, x: x.topk(2).values, shapes=(((4,),), ((2, 3),)),
            distinct=True),
    _reduce("topk_smallest_dim0", lambda x: x.topk(1, dim=0, largest=False).values,
            lambda t, x: x.topk(1, dim=0, largest=False).values, shapes=MATRIX, distinct=True),
    _reduce("median", lambda x: x.median(), lambda t, x: x.median(), shapes=(((3,),), ((2, 2),)), distinct=True),
    _reduce("median_dim", lambda x: x.median(dim=1).values, lambda t, x: x.median(dim=1).values,
            shapes=(((2, 3),), ((2, 4),)), distinct=True),
    _reduce("np_median", SO.np_median, lambda t, x: t.quantile(x, 0.5), shapes=(((3,),), ((2, 2),)), distinct=True),
]

OPS += [
    # Rearrangements.
    _shaped("repeat", lambda x: x.repeat(2, 1), (((3,),), ((2, 3),))),
    _shaped("tile", lambda x: S.tile(x, (2,)), (((),), ((3,),), ((2, 3),)), lambda t, x: t.tile(x, (2,))),
    _shaped("repeat_interleave", lambda x: x.repeat_interleave(2, dim=0), (((3,),), ((2, 3),))),
    _shaped("repeat_interleave_counts", lambda x: S.repeat_interleave(x, [1, 0, 2], dim=-1), (((3,),), ((2, 3),)),
            lambda t, x: t.repeat_interleave(x, t.tensor([1, 0, 2]), dim=-1)),
    _shaped("flip", lambda x: x.flip((0, -1)), (((2, 3),), ((2, 3, 2),)), lambda t, x: x.flip((0, -1))),
    _shaped("roll", lambda x: x.roll((1, -1), (0, 1)), MATRIX),
    _shaped("roll_flat", lambda x: x.roll(2), (((3,),), ((2, 3),))),
    _shaped("movedim", lambda x: x.movedim((0, 1), (2, 0)), (((2, 3, 4),),)),
    _shaped("swapaxes", lambda x: x.swapaxes(0, 2), (((2, 3, 4),),)),
    _shaped("rollaxis", lambda x: S.rollaxis(x, 2), (((2, 3, 4),),), lambda t, x: t.movedim(x, 2, 0)),
    _shaped("atleast_2d", S.atleast_2d, UNARY, _tf("atleast_2d")),
    _shaped("atleast_3d", S.atleast_3d, UNARY, _tf("atleast_3d")),
    _shaped("pad_crop", lambda x: S.pad(x, ((-1, 1), (2, -1))), (((3, 3),),),
            lambda t, x: t.nn.functional.pad(x, (2, -1, -1, 1))),
    _shaped("pad_reflect", lambda x: S.pad(x, ((0, 0), (2, 1)), mode="reflect"), MATRIX,
            lambda t, x: t.nn.functional.pad(x, (2, 1), mode="reflect")),
    _shaped("pad_replicate", lambda x: S.pad(x, ((0, 0), (1, 2)), mode="replicate"), MATRIX,
            lambda t, x: t.nn.functional.pad(x, (1, 2), mode="replicate")),
    _shaped("pad_circular", lambda x: S.pad(x, ((0, 0), (1, 2)), mode="circular"), MATRIX,
            lambda t, x: t.nn.functional.pad(x[None], (1, 2), mode="circular")[0]),
    # Splitting and stacking.
    _shaped("chunk", lambda x: tuple(x.chunk(2, 1)), (((2, 3),), ((2, 4),)), lambda t, x: tuple(x.chunk(2, 1))),
    _shaped("np_split", lambda x: tuple(J.split(x, 2, axis=1)), (((2, 4),),),
            lambda t, x: tuple(t.tensor_split(x, 2, dim=1))),
    _shaped("array_split", lambda x: tuple(J.array_split(x, 3)), (((4,),), ((5, 2),)),
            lambda t, x: tuple(t.tensor_split(x, 3))),
    _shaped("split_indices", lambda x: tuple(J.split(x, [1, 3])), (((4,),), ((5, 2),)),
            lambda t, x: tuple(t.tensor_split(x, [1, 3]))),
    _shaped("vsplit", lambda x: tuple(J.vsplit(x, 2)), (((2, 3),), ((4, 1, 2),)), lambda t, x: tuple(t.vsplit(x, 2))),
    _shaped("hsplit", lambda x: tuple(J.hsplit(x, [1])), (((4,),), ((2, 3),)), lambda t, x: tuple(t.hsplit(x, [1]))),
    _shaped("dsplit", lambda x: tuple(J.dsplit(x, 2)), (((1, 2, 4),),), lambda t, x: tuple(t.dsplit(x, 2))),
    _shaped("vstack", lambda a, b: J.vstack([a, b]), (((3,), (3,)), ((2, 3), (3,)), ((), ())),
            lambda t, a, b: t.vstack([a, b]), domains=(REAL, REAL)),
    _shaped("hstack", lambda a, b: J.hstack([a, b]), (((3,), (2,)), ((2, 3), (2, 1)), ((), ())),
            lambda t, a, b: t.hstack([a, b]), domains=(REAL, REAL)),
    _shaped("dstack", lambda a, b: J.dstack([a, b]), (((3,), (3,)), ((2, 3), (2, 3))),
            lambda t, a, b: t.dstack([a, b]), domains=(REAL, REAL)),
    _shaped("column_stack", lambda a, b: J.column_stack([a, b]), (((3,), (3,)), ((3, 2), (3,))),
            lambda t, a, b: t.column_stack([a, b]), domains=(REAL, REAL)),
]

_IDX = np.array([[1, 0, 1], [0, 0, 1]])  # repeated indices: their gradients add up
OPS += [
    # Indexing along an axis (the integer indices are constants of the row).
    _shaped("gather", lambda x: I.gather(x, 1, _IDX), (((2, 3),),), lambda t, x: t.gather(x, 1, t.tensor(_IDX))),
    _shaped("gather_dim0", lambda x: x.gather(0, _IDX[:, :2]), (((3, 2),),),
            lambda t, x: x.gather(0, t.tensor(_IDX[:, :2]))),
    _shaped("take_along_axis", lambda x: I.take_along_axis(x, np.argsort(x.data, 0), 0), (((3, 2),),),
            lambda t, x: t.take_along_dim(x, t.argsort(x, 0), 0), domains=(REAL,)),
    _shaped("index_select", lambda x: x.index_select(1, [2, 0, 2]), MATRIX,
            lambda t, x: x.index_select(1, t.tensor([2, 0, 2]))),
    _shaped("scatter_add", lambda x, s: I.scatter_add(x, 1, _IDX, s), (((2, 3), (2, 3)), ((2, 4), (2, 3))),
            lambda t, x, s: x.scatter_add(1, t.tensor(_IDX), s), domains=(REAL, REAL)),
    _shaped("scatter", lambda x, s: x.scatter(0, [[2, 0, 1]], s), (((3, 3), (1, 3)), ((3, 4), (1, 3))),
            lambda t, x, s: x.scatter(0, t.tensor([[2, 0, 1]]), s), domains=(REAL, REAL)),
    _shaped("scatter_value", lambda x: x.scatter(1, [[0], [2]], value=0.5), MATRIX,
            lambda t, x: x.scatter(1, t.tensor([[0], [2]]), 0.5)),
    _shaped("masked_fill", lambda x: x.masked_fill(x.data > 0, -1.0), MATRIX,
            lambda t, x: x.masked_fill(x > 0, -1.0), domains=(NONZERO,)),
    _shaped("masked_fill_tensor", lambda x, v: I.masked_fill(x, x.data > 0, v), (((2, 3), ()),),
            lambda t, x, v: x.masked_fill(x > 0, v), domains=(NONZERO, REAL)),
    _shaped("tril", lambda x: x.tril(), (((3, 3),), ((2, 3, 4),))),
    _shaped("triu_k1", lambda x: I.triu(x, 1), (((3, 3),), ((2, 3, 4),)), lambda t, x: t.triu(x, 1)),
    _shaped("diag_of_vector", lambda x: I.diag(x, -1), (((3,),),), lambda t, x: t.diag(x, -1)),
    _shaped("diag_of_matrix", lambda x: x.diag(1), (((3, 3),), ((2, 4),))),
    _shaped("diagonal", lambda x: x.diagonal(0, 1, 2), (((2, 3, 3),), ((2, 3, 4),))),
    _shaped("trace", lambda x: x.trace(), (((3, 3),), ((2, 4),))),
    # numpy's advanced-indexing rule: an int and an index array separated by a slice put the
    # indexed axis first (PyTorch keeps it in place), so no PyTorch comparison.
    _shaped("index_separated_int_and_array", lambda x: x[0, :, [1, 0, 1]], (((2, 3, 4),),), None),
]


def _shifted(x, by, t=None):
    """x + by * I: with |by| = 3 the random matrices of the table stay far from singular."""
    eye = t.eye(x.shape[-1], dtype=x.dtype) if t is not None else Tensor(np.eye(x.shape[-1], dtype=x.dtype))
    return x + by * eye


def _spd(x, t=None):
    """A symmetric positive-definite matrix made from any square `x`."""
    return _shifted(x @ x.swapaxes(-1, -2), x.shape[-1], t)


def _torch_dot(t, a, b):
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return t.tensordot(a, b, dims=([a.ndim - 1], [0 if b.ndim == 1 else b.ndim - 2]))


def _einsum(spec, shapes):
    return _shaped(f"einsum {spec}", lambda *xs: einsum(spec, *xs), shapes, lambda t, *xs: t.einsum(spec, *xs),
                   domains=(REAL,) * len(shapes[0]))


SQUARE = (((3, 3),), ((2, 3, 3),))
OPS += [
    # Products.
    _shaped("dot", L.dot, (((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 2, 3), (3,)),
                           ((2, 3), (2, 3, 4))), _torch_dot, domains=(REAL, REAL)),
    _shaped("inner", L.inner, (((3,), (3,)), ((2, 3), (4, 3))), _tf("inner"), domains=(REAL, REAL)),
    _shaped("outer", L.outer, (((3,), (2,)),), _tf("outer"), domains=(REAL, REAL)),
    _shaped("tensordot", lambda a, b: L.tensordot(a, b, 2), (((2, 3, 4), (3, 4)), ((2, 3), (2, 3))),
            lambda t, a, b: t.tensordot(a, b, 2), domains=(REAL, REAL)),
    _shaped("tensordot_axes", lambda a, b: L.tensordot(a, b, ([0, 2], [2, 1])), (((2, 3, 4), (3, 4, 2)),),
            lambda t, a, b: t.tensordot(a, b, ([0, 2], [2, 1])), domains=(REAL, REAL)),
    _einsum("ij,jk->ik", (((2, 3), (3, 4)),)),
    _einsum("ii->", (((3, 3),),)),
    _einsum("ii->i", (((3, 3),),)),
    _einsum("iij->j", (((2, 2, 3),),)),
    _einsum("ij->", (((2, 3),),)),
    _einsum("i,i", (((3,), (3,)),)),
    _einsum("ba", (((2, 3),),)),
    _einsum("ij,kj", (((2, 3), (4, 3)),)),
    _einsum("...ij,...jk->...ik", (((2, 2, 3), (2, 3, 2)), ((2, 3), (3, 2)))),
    _einsum("i...->...", (((2, 3, 4),),)),
    _einsum("bij,bjk,bkl->bil", (((2, 2, 3), (2, 3, 2), (2, 2, 2)),)),
    _einsum("i,j,k->ijk", (((2,), (3,), (2,)),)),
    _einsum("ij,ij,i->j", (((2, 3), (1, 3), (2,)),)),
    _shaped("kron", L.kron, (((2,), (3,)), ((2, 2), (2, 3)), ((2,), (2, 2))), _tf("kron"), domains=(REAL, REAL)),
    _shaped("cross", L.cross, (((3,), (3,)), ((2, 3), (1, 3))), lambda t, a, b: t.linalg.cross(a, b),
            domains=(REAL, REAL)),
    _shaped("cross_axis0", lambda a, b: L.cross(a, b, axis=0), (((3, 2), (3, 2)),),
            lambda t, a, b: t.linalg.cross(a, b, dim=0), domains=(REAL, REAL)),
    _shaped("matrix_power_3", lambda x: L.matrix_power(x, 3), SQUARE, lambda t, x: t.linalg.matrix_power(x, 3)),
    _shaped("matrix_power_-2", lambda x: L.matrix_power(_shifted(x, 3), -2), SQUARE,
            lambda t, x: t.linalg.matrix_power(_shifted(x, 3, t), -2)),
    # Inverses and determinants (of matrices kept away from singular).
    _shaped("inv", lambda x: D.inv(_shifted(x, 3)), SQUARE, lambda t, x: t.linalg.inv(_shifted(x, 3, t))),
    _shaped("det", lambda x: D.det(_shifted(x, 3)), SQUARE, lambda t, x: t.linalg.det(_shifted(x, 3, t))),
    _shaped("slogdet", lambda x: D.slogdet(_shifted(x, -3)).logabsdet, SQUARE,
            lambda t, x: t.linalg.slogdet(_shifted(x, -3, t)).logabsdet),
    _shaped("solve", lambda a, b: D.solve(_shifted(a, 3), b), (((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2))),
            lambda t, a, b: t.linalg.solve(_shifted(a, 3, t), b), domains=(REAL, REAL)),
    _shaped("cholesky", lambda x: D.cholesky(_spd(x)), SQUARE, lambda t, x: t.linalg.cholesky(_spd(x, t))),
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

# Fused ops: one node for a pattern every network repeats (their composites are checked above).
from .ops import fused as F  # noqa: E402

_LABELS = np.array([2, 0, 1, 2])
OPS += [
    _shaped("linear", F.linear, (((2, 3), (4, 3), (4,)), ((3,), (4, 3), (4,)), ((2, 2, 3), (4, 3), (4,))),
            lambda t, x, w, b: t.nn.functional.linear(x, w, b), domains=(REAL, REAL, REAL)),
    _shaped("linear_no_bias", F.linear, (((2, 3), (4, 3)),), lambda t, x, w: t.nn.functional.linear(x, w),
            domains=(REAL, REAL)),
    _shaped("linear_data_input", lambda w, b: F.linear(np.linspace(-1, 1, 6).reshape(2, 3), w, b),
            (((4, 3), (4,)),), lambda t, w, b: t.nn.functional.linear(
                t.linspace(-1, 1, 6, dtype=w.dtype).reshape(2, 3), w, b), domains=(REAL, REAL)),
    _shaped("cross_entropy_labels", lambda x: F.cross_entropy_labels(x, _LABELS), (((4, 3),),),
            lambda t, x: t.nn.functional.cross_entropy(x, t.from_numpy(_LABELS))),
]
