"""Products and linear algebra beyond the op table: einsum's subscript forms against numpy, dot and
tensordot at every rank, norms' meanings, and the errors that name the problem."""
import numpy as np
import pytest

import autograd as ag
from autograd import Tensor, gradcheck, gradgradcheck

rng = np.random.default_rng(0)

EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ji", [(2, 3)]), ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("iji->j", [(2, 4, 2)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
    ("...i,...i->...", [(2, 3, 4), (3, 4)]), ("...ij->...ji", [(2, 3, 4)]), ("i...", [(2, 3, 4)]),
    ("...", [(2, 3)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("ab,bc,cd,de->ae", [(2, 3), (3, 2), (2, 4), (4, 2)]),
    ("ij,ij->ij", [(2, 3), (1, 3)]), ("i,i,i", [(3,), (3,), (3,)]), ("Ab,bC->AC", [(2, 3), (3, 2)]),
    (" ij , jk -> ik ", [(2, 3), (3, 4)]), ("ij->", [(2, 3)]), ("iij,jk->ik", [(2, 2, 3), (3, 2)]),
]


@pytest.mark.parametrize("spec, shapes", EINSUM, ids=[s for s, _ in EINSUM])
def test_einsum_matches_numpy_and_gradchecks(spec, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    xs = [Tensor(a, requires_grad=True) for a in arrays]
    out = ag.einsum(spec, *xs)
    np.testing.assert_allclose(out.data, np.einsum(spec, *arrays), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda *t: ag.einsum(spec, *t), xs)


def test_einsum_second_order_with_a_repeated_letter():
    x = Tensor(rng.standard_normal((3, 3)), requires_grad=True)
    assert gradgradcheck(lambda a: ag.einsum("ii,ij->j", a, a * a), [x])


@pytest.mark.parametrize("spec, shapes, message", [
    ("ij,jk->ik", [(2, 3), (4, 5)], "letter 'j' has size 3 elsewhere but 4"),
    ("ij->ik", [(2, 3)], r"output letters \['k'\] appear in no operand"),
    ("ij,jk", [(2, 3)], "name 2 operands, got 1"),
    ("ijk", [(2, 3)], "operand 0 has 2 dims but its subscripts 'ijk' name 3"),
    ("i1", [(2, 3)], "invalid subscripts"),
    ("ii", [(2, 3)], "repeated letter 'i' on one operand needs equal dims"),
    ("ij->ii", [(2, 2)], "repeat a letter"),
])
def test_einsum_errors_name_the_problem(spec, shapes, message):
    with pytest.raises(ValueError, match=message):
        ag.einsum(spec, *[Tensor(np.ones(s)) for s in shapes])


@pytest.mark.parametrize("sa, sb", [((), (3,)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                                    ((2, 2, 3), (3,)), ((2, 3), (2, 3, 4)), ((2, 2, 3), (4, 3, 2))])
def test_dot_has_numpy_semantics_for_every_rank(sa, sb):
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    xs = [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)]
    np.testing.assert_allclose(ag.dot(*xs).data, np.dot(a, b), rtol=1e-12)
    np.testing.assert_allclose(np.dot(*xs).data, np.dot(a, b), rtol=1e-12)
    assert gradcheck(ag.dot, xs)


@pytest.mark.parametrize("axes", [0, 1, 2, ([1], [0]), ([0, 1], [1, 0]), (1, 0), ([-1], [-2])])
def test_tensordot_axes_forms_match_numpy(axes):
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((2, 3))
    if axes == 2:
        b = rng.standard_normal((3, 2))
    xs = [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)]
    np.testing.assert_allclose(ag.tensordot(*xs, axes=axes).data, np.tensordot(a, b, axes=axes), rtol=1e-12)
    assert gradcheck(lambda p, q: ag.tensordot(p, q, axes), xs)


def test_tensordot_and_products_refuse_misaligned_shapes():
    with pytest.raises(ValueError, match=r"tensordot: shapes \(2, 3\) and \(2, 3\) are not aligned: axis 1 of a has 3"):
        ag.tensordot(Tensor(np.ones((2, 3))), Tensor(np.ones((2, 3))), 1)
    with pytest.raises(ValueError, match="cross: axis -1 must have 3 elements"):
        ag.cross(Tensor(np.ones(2)), Tensor(np.ones(2)))
    with pytest.raises(ValueError, match=r"matrix_power: needs square matrices.*\(2, 3\)"):
        ag.matrix_power(Tensor(np.ones((2, 3))), 2)
    with pytest.raises(np.linalg.LinAlgError, match=r"inv: Singular matrix \(shapes \(2, 2\)\)"):
        ag.inv(Tensor(np.ones((2, 2))))
    with pytest.raises(ValueError, match=r"solve: A of shape \(3, 3\) needs b of shape \(3,\)"):
        ag.solve(Tensor(np.eye(3)), Tensor(np.ones(2)))


def test_matrix_power_zero_and_negative():
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    np.testing.assert_allclose(ag.matrix_power(Tensor(a), 0).data, np.broadcast_to(np.eye(3), a.shape))
    np.testing.assert_allclose(ag.matrix_power(Tensor(a), -3).data, np.linalg.matrix_power(a, -3), rtol=1e-10)
    np.testing.assert_allclose(ag.matrix_power(Tensor(a), 5).data, np.linalg.matrix_power(a, 5), rtol=1e-10)


@pytest.mark.parametrize("ord, axis", [(None, None), (1, None), (np.inf, None), (-np.inf, None), ("fro", None),
                                       (-1, None), (2, 0), (1, 1), (0, 1), (3, (0,)), (None, (1, 0)), (np.inf, (0, 1))])
def test_linalg_norm_has_numpy_semantics(ord, axis):
    a = rng.standard_normal((3, 4))
    ours = ag.linalg.norm(Tensor(a), ord, axis)
    np.testing.assert_allclose(ours.data, np.linalg.norm(a, ord, axis), rtol=1e-12)


def test_tensor_norm_is_torch_norm_and_its_gradient_at_zero_is_zero():
    torch = pytest.importorskip("torch")
    a = rng.standard_normal((3, 4))
    for p, dim in [("fro", None), (1, None), (3, 1), (float("inf"), 0)]:
        np.testing.assert_allclose(Tensor(a).norm(p, dim).data, torch.tensor(a).norm(p, dim).numpy(), rtol=1e-12)
    x = Tensor(np.zeros(3), requires_grad=True)
    x.norm().backward()
    assert np.array_equal(x.grad.data, np.zeros(3))
    with pytest.raises(ValueError, match="spectral and nuclear norms"):
        ag.linalg.norm(Tensor(a), "nuc")


def test_slogdet_sign_and_cholesky_solve_roundtrip():
    a = rng.standard_normal((3, 3))
    spd = a @ a.T + 3 * np.eye(3)
    sign, logabs = ag.linalg.slogdet(Tensor(-spd))
    assert sign.item() == np.linalg.slogdet(-spd)[0] and logabs.item() == pytest.approx(np.linalg.slogdet(spd)[1])
    L = ag.linalg.cholesky(Tensor(spd))
    b = rng.standard_normal(3)
    x = ag.linalg.solve(L @ L.T, Tensor(b))
    np.testing.assert_allclose(spd @ x.data, b, rtol=1e-10)
