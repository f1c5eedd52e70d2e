"""numpy's functions applied to Tensors: each name gives numpy's values (with numpy's keywords),
returns Tensors that carry the graph, and passes gradcheck in float64."""
import numpy as np
import pytest

from autograd import Tensor, gradcheck

rng = np.random.default_rng(0)
M = rng.uniform(-2, 2, (3, 4))
SQ = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
V = rng.uniform(-2, 2, 4)
POS = rng.uniform(0.5, 2, (3, 4))
UNIT = rng.uniform(-0.9, 0.9, (3, 4))
OFF = rng.uniform(0.1, 0.4, (3, 4)) + rng.integers(-2, 2, (3, 4))  # away from integers

# (label, function of the operands, operands). Each function is called once with arrays and once
# with Tensors; the two results must agree.
CASES = [
    # ufuncs
    ("floor", np.floor, [OFF]), ("ceil", np.ceil, [OFF]), ("trunc", np.trunc, [OFF]),
    ("round", lambda x: np.round(x, decimals=1), [M + 0.02]), ("sign", np.sign, [M]),
    ("square", np.square, [M]), ("reciprocal", np.reciprocal, [POS]), ("exp2", np.exp2, [M]),
    ("expm1", np.expm1, [M]), ("log2", np.log2, [POS]), ("log10", np.log10, [POS]), ("tan", np.tan, [UNIT]),
    ("sinh", np.sinh, [M]), ("cosh", np.cosh, [M]), ("arcsin", np.arcsin, [UNIT]), ("arccos", np.arccos, [UNIT]),
    ("arctan", np.arctan, [M]), ("arcsinh", np.arcsinh, [M]), ("arccosh", np.arccosh, [POS + 1]),
    ("arctanh", np.arctanh, [UNIT]), ("deg2rad", np.deg2rad, [M]), ("rad2deg", np.rad2deg, [M]),
    ("radians", np.radians, [M]), ("degrees", np.degrees, [M]), ("arctan2", np.arctan2, [M, POS]),
    ("hypot", np.hypot, [M, POS]), ("logaddexp", np.logaddexp, [M, V]), ("logaddexp2", np.logaddexp2, [M, V]),
    ("fmax", np.fmax, [M, V]), ("fmin", np.fmin, [M, V]), ("remainder", np.remainder, [M, POS + 0.3]),
    ("mod", np.mod, [M, -POS - 0.3]), ("operator %", lambda a, b: a % b, [M, POS + 0.3]),
    # reductions and scans
    ("cumsum", lambda x: np.cumsum(x, axis=1), [M]), ("cumsum flat", np.cumsum, [M]),
    ("cumprod", lambda x: np.cumprod(x, axis=0), [POS]), ("diff", lambda x: np.diff(x, n=2, axis=1), [M]),
    ("diff prepend", lambda x: np.diff(x, prepend=0.0), [V]),
    ("linalg.norm", np.linalg.norm, [M]), ("linalg.norm ord=1 axis", lambda x: np.linalg.norm(x, ord=1, axis=1), [M]),
    ("linalg.norm matrix inf", lambda x: np.linalg.norm(x, np.inf), [M]),
    ("linalg.norm keepdims", lambda x: np.linalg.norm(x, axis=(0, 1), keepdims=True), [M]),
    ("median", np.median, [M]), ("median axis", lambda x: np.median(x, axis=0, keepdims=True), [M]),
    ("sort", lambda x: np.sort(x, axis=0), [M]), ("sort flat", lambda x: np.sort(x, axis=None), [M]),
    ("amax", lambda x: np.amax(x, axis=1), [M]), ("min keepdims", lambda x: np.min(x, axis=0, keepdims=True), [M]),
    # shape
    ("repeat", lambda x: np.repeat(x, 2, axis=1), [M]), ("repeat counts", lambda x: np.repeat(x, [1, 0, 2]), [V[:3]]),
    ("tile", lambda x: np.tile(x, (2, 1, 2)), [M]), ("flip", lambda x: np.flip(x, axis=1), [M]), ("flip all", np.flip, [M]),
    ("fliplr", np.fliplr, [M]), ("flipud", np.flipud, [M]), ("roll", lambda x: np.roll(x, -1, axis=0), [M]),
    ("roll flat", lambda x: np.roll(x, 5), [M]), ("moveaxis", lambda x: np.moveaxis(x, 0, -1), [M[None]]),
    ("swapaxes", lambda x: np.swapaxes(x, axis1=0, axis2=1), [M]), ("rollaxis", lambda x: np.rollaxis(x, 2, 1), [M[None]]),
    ("atleast_1d", np.atleast_1d, [np.float64(2.0)]), ("atleast_2d", np.atleast_2d, [V]),
    ("atleast_3d", np.atleast_3d, [M]),
    ("split", lambda x: np.split(x, 2, axis=1), [M]), ("split indices", lambda x: np.split(x, [1, 3], axis=1), [M]),
    ("array_split", lambda x: np.array_split(x, 3, axis=1), [M]), ("vsplit", lambda x: np.vsplit(x, [1]), [M]),
    ("hsplit", lambda x: np.hsplit(x, 2), [M]), ("dsplit", lambda x: np.dsplit(x, 2), [M[None]]),
    ("vstack", lambda a, b: np.vstack([a, b]), [M, V]), ("hstack", lambda a, b: np.hstack((a, b)), [V, V]),
    ("dstack", lambda a, b: np.dstack([a, b]), [M, M]), ("column_stack", lambda a, b: np.column_stack([a, b]), [V, M.T]),
    ("take_along_axis", lambda x: np.take_along_axis(x, np.array([[2, 0, 1]]).T, axis=1), [M]),
    ("tril", lambda x: np.tril(x, k=-1), [M]), ("triu", np.triu, [M]), ("diag", lambda x: np.diag(x, k=1), [M]),
    ("diag of vector", np.diag, [V]), ("diagonal", lambda x: np.diagonal(x, offset=1, axis1=1, axis2=0), [M]),
    ("trace", np.trace, [M]), ("pad", lambda x: np.pad(x, ((1, 0), (2, 1)), constant_values=0.5), [M]),
    ("pad reflect", lambda x: np.pad(x, 2, mode="reflect"), [M]), ("pad edge", lambda x: np.pad(x, (1, 2), "edge"), [M]),
    ("clip tensor bounds", lambda x, lo: np.clip(x, lo, 1.0), [M, -POS]),
    # products and linear algebra
    ("dot", np.dot, [M, M.T]), ("inner", np.inner, [M, M]), ("outer", np.outer, [V, V]),
    ("tensordot", lambda a, b: np.tensordot(a, b, axes=([1], [1])), [M, M]), ("tensordot int", np.tensordot, [M, M]),
    ("einsum", lambda a, b: np.einsum("ij,kj->ik", a, b), [M, M]), ("einsum trace", lambda a: np.einsum("ii", a), [SQ]),
    ("einsum three", lambda a, b, c: np.einsum("ij,jk,k", a, b, c), [M, M.T, V[:3]]),
    ("kron", np.kron, [SQ, V[:2]]), ("cross", np.cross, [M[:, :3], M[:, 1:]]),
    ("cross axis", lambda a, b: np.cross(a, b, axis=0), [M[:, :2], POS[:, :2]]),
    ("matrix_power", lambda x: np.linalg.matrix_power(x, 3), [SQ]), ("inv", np.linalg.inv, [SQ]),
    ("det", np.linalg.det, [SQ]), ("slogdet", lambda x: np.linalg.slogdet(x)[1], [SQ]),
    ("solve", np.linalg.solve, [SQ, V[:3]]), ("cholesky", lambda x: np.linalg.cholesky(x @ x.T), [SQ]),
    ("linalg.vector_norm", lambda x: np.linalg.vector_norm(x, axis=1, ord=3), [M]),
    ("linalg.matrix_norm", lambda x: np.linalg.matrix_norm(x, ord=1), [M]),
    ("linalg.cross", np.linalg.cross, [M[:, :3], M[:, 1:]]), ("linalg.outer", np.linalg.outer, [V, V]),
    ("linalg.tensordot", lambda a, b: np.linalg.tensordot(a, b, axes=1), [M, M.T]),
    ("linalg.trace", np.linalg.trace, [M]), ("linalg.diagonal", lambda x: np.linalg.diagonal(x, offset=1), [M]),
    ("take", lambda x: np.take(x, [[0, 2], [2, 2]], axis=1), [M]), ("take flat", lambda x: np.take(x, [5, 0]), [M]),
]


def _parts(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize("name, fn, operands", CASES, ids=[c[0] for c in CASES])
def test_numpy_function_on_tensors_matches_numpy_and_carries_the_graph(name, fn, operands):
    expected = _parts(fn(*operands))
    xs = [Tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in operands]
    got = _parts(fn(*xs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert isinstance(g, Tensor), f"{name}: returned {type(g).__name__}"
        np.testing.assert_allclose(g.data, e, rtol=1e-12, atol=1e-12)
        assert g.requires_grad, name
    assert gradcheck(lambda *ts: tuple(_parts(fn(*ts))), xs)


def test_no_gradient_functions_give_tensors_of_counts_and_tests():
    x = Tensor(np.array([[0.0, 1.5], [-2.0, 0.0]]), requires_grad=True)
    assert np.count_nonzero(x).item() == 2 and x.count_nonzero(dim=0).tolist() == [1, 1]
    assert np.all(x >= -2).item() and not x.all().item() and x.any(axis=1).tolist() == [True, True]
    assert np.argsort(x, axis=1).tolist() == np.argsort(x.data, axis=1).tolist()
    assert np.isnan(x).dtype == bool and (np.floor_divide(x, 0.7).data == x.data // 0.7).all()
    assert not (x // 0.7).requires_grad  # piecewise constant with no gradient, as numpy's floor_divide


def test_creation_from_a_tensor_gives_tensors():
    x = Tensor(M, requires_grad=True)
    for out, expected in [(np.zeros_like(x), np.zeros_like(M)), (np.ones_like(x), np.ones_like(M)),
                          (np.full_like(x, 2.5), np.full_like(M, 2.5)), (np.empty_like(x), np.zeros_like(M))]:
        assert isinstance(out, Tensor) and not out.requires_grad and np.array_equal(out.data, expected)


def test_a_numpy_function_without_a_differentiable_version_is_refused_by_name():
    with pytest.raises(TypeError, match="numpy.cov"):
        np.cov(Tensor(M, requires_grad=True))


def test_numpy_split_and_tensor_split_keep_their_meanings():
    x = Tensor(np.arange(6.0))
    assert [p.shape for p in np.split(x, 3)] == [(2,), (2,), (2,)]  # numpy: three pieces
    assert [p.shape for p in x.split(4)] == [(4,), (2,)]  # PyTorch: pieces of four
    with pytest.raises(ValueError, match="do not split into 4 equal sections"):
        np.split(x, 4)
