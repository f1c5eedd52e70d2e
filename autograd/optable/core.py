"""The core rows: arithmetic, the usual functions, activations, reductions, shapes, indexing and
matrix products; then the fused ops."""
import numpy as np

from ..ops import activation as A
from ..ops import elementwise as E
from ..ops import shape as S
from .spec import (
    ABOVE_MINUS_ONE, CLIP, MATRIX, NONZERO, POSITIVE, REAL, UNARY, _binary, _reduce, _shaped, _unary,
)

ROWS = [
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

# Fused ops: one node for a pattern every network repeats (their composites are checked above).
from ..ops import fused as F  # noqa: E402

_LABELS = np.array([2, 0, 1, 2])
ROWS += [
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
