"""`autograd.linalg`: linear algebra on Tensors under `torch.linalg`'s (and numpy's) names."""
from .ops.decomp import SlogdetResult, cholesky, det, inv, slogdet, solve
from .ops.linalg import cross, matmul, matrix_power, outer, tensordot
from .ops.norm import matrix_norm, norm, vector_norm

__all__ = ["cholesky", "det", "inv", "slogdet", "solve", "SlogdetResult", "cross", "matmul", "matrix_power",
           "outer", "tensordot", "matrix_norm", "norm", "vector_norm"]
