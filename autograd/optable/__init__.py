"""The table of differentiable ops that drives the gradient checks (tests and `chainrule gradcheck`).

Each `OpSpec` names an op as a callable on Tensors, the domain of each argument (away from the
points where the derivative jumps, where central differences would disagree with any convention),
the shapes to try, and the PyTorch equivalent (`torch(torch_module, *tensors)`; by default the
same callable, when it is written with methods both libraries share). New op = one row, in the
file of its kind: `core.py`, `wider.py` or `conv.py`; `spec.py` says what a row is.
"""
from .. import ops as _ops  # noqa: F401  (attaches the Tensor methods the rows call)
from . import conv, core, wider
from .spec import (  # noqa: F401  (what a new row needs)
    ABOVE_MINUS_ONE, ABOVE_ONE, BINARY, CLIP, MATRIX, NEGATIVE, NONZERO, NOT_HALF, NOT_INTEGER, POSITIVE, REAL,
    REDUCE, SAME, UNARY, UNIT, Domain, OpSpec,
)

OPS = core.ROWS + wider.ROWS + conv.ROWS
BY_NAME = {op.name: op for op in OPS}
