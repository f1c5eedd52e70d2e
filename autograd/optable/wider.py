"""The wider op set, section by section: rounding and special functions, scans, norms, ordering,
shape and indexing ops, linear algebra."""
import numpy as np

from ..tensor import Tensor
from ..ops import activation as A
from ..ops import decomp as D
from ..ops import elementwise as E
from ..ops import index as I
from ..ops import join as J
from ..ops import linalg as L
from ..ops import norm as N
from ..ops import pointwise as P
from ..ops import scan as SC
from ..ops import shape as S
from ..ops import sort as SO
from ..ops.einsum import einsum
from .spec import (
    ABOVE_ONE, MATRIX, NONZERO, NOT_HALF, NOT_INTEGER, POSITIVE, REAL, SAME, UNARY, UNIT, Domain, OpSpec,
    _binary, _reduce, _shaped, _unary,
)

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


ROWS = [
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

ROWS += [
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
ROWS += [
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

ROWS += [
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
ROWS += [
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
ROWS += [
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
