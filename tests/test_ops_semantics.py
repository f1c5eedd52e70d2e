"""Meanings that the op table cannot show: which library's convention an op follows, 0-d inputs,
results with indices, creation functions, and errors that name the problem."""
import numpy as np
import pytest

import autograd as ag
from autograd import Tensor, gradcheck

rng = np.random.default_rng(0)


def test_max_min_with_dim_return_values_and_indices_as_pytorch_with_axis_values_as_numpy():
    a = rng.standard_normal((3, 4))
    x = Tensor(a, requires_grad=True)
    values, indices = x.max(dim=1)
    assert np.array_equal(values.data, a.max(1)) and np.array_equal(indices.data, a.argmax(1))
    assert x.min(dim=0, keepdim=True).indices.shape == (1, 4)
    assert isinstance(x.max(axis=1), Tensor) and isinstance(x.max(1), Tensor)
    values.sum().backward()
    assert np.array_equal(x.grad.data, (a == a.max(1, keepdims=True)).astype(float))


def test_sort_topk_and_both_medians():
    a = np.array([[3.0, 1.0, 4.0, 1.5], [9.0, 2.0, 6.0, 5.0]])
    x = Tensor(a)
    assert np.array_equal(x.sort(descending=True).values.data, -np.sort(-a))
    assert np.array_equal(x.argsort(dim=0).data, np.argsort(a, axis=0))
    top = x.topk(2, dim=1)
    assert top.values.tolist() == [[4.0, 3.0], [9.0, 6.0]] and top.indices.tolist() == [[2, 0], [0, 2]]
    assert x.median().item() == 3.0  # PyTorch: the lower of the two middle values
    assert np.median(x).item() == np.median(a) == 3.5  # numpy: their mean
    m = x.median(dim=1)
    assert m.values.tolist() == [1.5, 5.0] and m.indices.tolist() == [3, 3]
    with pytest.raises(ValueError, match=r"topk: k=5 is out of range for dim -1 of size 4"):
        x.topk(5)


def test_zero_dim_inputs_work_where_pytorch_accepts_them():
    torch = pytest.importorskip("torch")
    x = Tensor(np.array(0.7), requires_grad=True)
    t = torch.tensor(0.7, dtype=torch.float64)
    for ours, theirs in [(x.softmax(-1), t.softmax(-1)), (x.log_softmax(0), t.log_softmax(0)),
                         (x.squeeze(0), t.squeeze(0)), (x.sum(0), t.sum(0)), (x.mean(-1), t.mean(-1)),
                         (x.max(dim=0).values, t.max(dim=0).values), (x.cumsum(0), t.cumsum(0)),
                         (x.logsumexp(0), t.logsumexp(0)), (x.norm(), t.norm()), (x.sort().values, t.sort().values),
                         (x.gather(0, np.array(0)), t.gather(0, torch.tensor(0))), (x.topk(1).values, t.topk(1).values),
                         (x.index_select(0, [0]), t.index_select(0, torch.tensor([0]))), (x.median(), t.median())]:
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.data, theirs.numpy())
    assert gradcheck(lambda t: t.softmax(-1) + t.sum(0) + t.cumsum(0), [x])


def test_advanced_indexing_follows_numpy():
    a = rng.standard_normal((2, 3, 4))
    x = Tensor(a, requires_grad=True)
    # An int and an index array separated by a slice: the indexed axis goes first (PyTorch gives (3, 2)).
    assert x[0, :, [1, 2]].shape == a[0, :, [1, 2]].shape == (2, 3)
    assert x[:, [0, 2], [1, 3]].shape == (2, 2)
    x[1, :, [0, 0]].sum().backward()
    expected = np.zeros_like(a)
    expected[1, :, 0] = 2.0
    assert np.array_equal(x.grad.data, expected)


def test_scatter_writes_the_last_of_repeated_indices_and_scatter_add_adds_them():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    src = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    out = ag.scatter(x, 1, [[0, 0, 2], [1, 1, 1]], src)
    assert out.tolist() == [[2.0, 0.0, 3.0], [0.0, 6.0, 0.0]]
    out.sum().backward()
    assert src.grad.tolist() == [[0.0, 1.0, 1.0], [0.0, 0.0, 1.0]] and x.grad.tolist() == [[0, 1, 0], [1, 0, 1]]
    added = ag.scatter_add(x, 1, [[0, 0, 2], [1, 1, 1]], src)
    assert added.tolist() == [[3.0, 0.0, 3.0], [0.0, 15.0, 0.0]]
    with pytest.raises(IndexError, match=r"gather: indices \[3\] are out of range for dim 1 of size 3"):
        ag.gather(x, 1, [[0, 3, 1], [0, 0, 0]])
    with pytest.raises(TypeError, match="gather: indices must be integers, got dtype float64"):
        ag.gather(x, 1, np.zeros((2, 3)))


def test_splits_and_stacks():
    x = Tensor(np.arange(10.0))
    assert [p.tolist() for p in ag.array_split(x, 3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert [p.shape for p in x.chunk(3)] == [(4,), (4,), (2,)]
    assert [p.shape for p in np.split(x, [2, 5, -2])] == [p.shape for p in np.split(x.data, [2, 5, -2])]
    assert ag.column_stack([x, x]).shape == (10, 2) and ag.dstack([x, x]).shape == (1, 10, 2)
    assert ag.row_stack([x, x]).shape == ag.vstack([x, x]).shape == (2, 10)
    assert ag.atleast_3d(Tensor(np.ones((2, 3)))).shape == (2, 3, 1)
    with pytest.raises(ValueError, match="vsplit: needs at least 2 dims"):
        ag.vsplit(x, 2)


def test_repeat_tile_and_repeat_interleave_conventions():
    x = Tensor(np.array([[1.0, 2.0]]))
    assert x.repeat(2, 2).tolist() == np.tile(x.data, (2, 2)).tolist()
    assert ag.tile(x, 3).shape == (1, 6) and ag.tile(Tensor(np.ones(2)), (2, 1, 1)).shape == (2, 1, 2)
    assert x.repeat_interleave(2).tolist() == [1.0, 1.0, 2.0, 2.0]  # flattened, as numpy's repeat
    with pytest.raises(ValueError, match=r"repeat: 1 repeat sizes for a tensor with 2 dims"):
        x.repeat(2)
    with pytest.raises(ValueError, match="repeat_interleave: 3 repeat counts for dim 1 of size 2"):
        x.repeat_interleave([1, 2, 3], dim=1)


def test_remainder_and_floor_divide_follow_numpy_signs():
    a, b = np.array([-7.5, 7.5, -7.5, 7.5]), np.array([2.0, -2.0, -2.0, 2.0])
    x, y = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    assert np.array_equal((x % y).data, np.mod(a, b)) and np.array_equal((x // y).data, a // b)
    assert np.array_equal((3.5 % y).data, np.mod(3.5, b)) and np.array_equal((7 // Tensor(b)).data, 7 // b)
    (x % y).sum().backward()
    assert np.array_equal(y.grad.data, -np.floor_divide(a, b))


def test_rounding_ops_have_zero_gradients_and_stay_in_the_graph():
    x = Tensor(np.array([0.4, -1.6, 2.5]), requires_grad=True)
    for op in (ag.floor, ag.ceil, ag.trunc, ag.round, ag.sign):
        y = op(x)
        assert y.requires_grad
        y.sum().backward()
        assert np.array_equal(x.grad.data, np.zeros(3))
    assert ag.round(Tensor(np.array([0.125, 2.5])), 2).tolist() == [0.12, 2.5]


def test_clamp_with_tensor_bounds_and_masked_fill():
    x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    lo, hi = Tensor(np.array([-1.0, -1.0, -1.0]), requires_grad=True), Tensor(np.array(1.0), requires_grad=True)
    out = x.clamp(lo, hi)
    assert out.tolist() == [-1.0, 0.0, 1.0]
    out.sum().backward()
    assert x.grad.tolist() == [0, 1, 0] and lo.grad.tolist() == [1, 0, 0] and hi.grad.item() == 1.0
    with pytest.raises(TypeError, match="masked_fill: mask must be boolean, got dtype float64"):
        x.masked_fill(np.ones(3), 0.0)


def test_creation_functions():
    ag.manual_seed(0)
    assert ag.eye(2, 3).tolist() == np.eye(2, 3).tolist() and ag.eye(2).dtype == np.float32
    assert ag.full_like(Tensor(np.ones((2, 2))), 7).tolist() == [[7, 7], [7, 7]]
    assert ag.empty(2, 3).shape == (2, 3) and ag.linspace(0, 1, 5).tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert ag.tril_indices(3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    assert ag.tril_indices(3, 3, -1).tolist() == list(map(list, np.tril_indices(3, -1)))
    first = ag.randint(0, 10, (5,)).tolist()
    ag.manual_seed(0)
    assert ag.randint(0, 10, (5,)).tolist() == first and ag.randint(3, (2, 2)).shape == (2, 2)
    draws = ag.multinomial(Tensor(np.array([[0.0, 1.0, 0.0], [0.2, 0.0, 0.8]])), 200, replacement=True)
    assert draws.shape == (2, 200) and set(draws.data[0]) == {1} and set(draws.data[1]) <= {0, 2}
    assert sorted(ag.multinomial(Tensor(np.ones(4)), 4).tolist()) == [0, 1, 2, 3]  # without replacement
    with pytest.raises(ValueError, match="multinomial: cannot draw 3 samples without replacement"):
        ag.multinomial(Tensor(np.array([1.0, 1.0, 0.0])), 3)
    with pytest.raises(ValueError, match="multinomial: probs must be finite and non-negative"):
        ag.multinomial(Tensor(np.array([1.0, -1.0])), 1)


def test_pad_modes_and_cropping_match_numpy():
    a = np.arange(12.0).reshape(3, 4)
    for mode, np_mode in [("reflect", "reflect"), ("replicate", "edge"), ("symmetric", "symmetric"), ("circular", "wrap")]:
        assert np.array_equal(ag.pad(Tensor(a), ((1, 2), (2, 1)), mode=mode).data, np.pad(a, ((1, 2), (2, 1)), np_mode))
    assert np.array_equal(ag.pad(Tensor(a), ((-1, 1), (0, -2))).data, np.pad(a, ((0, 1), (0, 0)))[1:, :2])


@pytest.mark.parametrize("axis, keepdims", [(None, False), ((0, 2), False), (1, True)])
def test_mean_is_one_node_as_pytorchs_mean_backward(axis, keepdims):
    a = rng.standard_normal((2, 3, 4))
    x = Tensor(a, requires_grad=True)
    y = x.mean(axis=axis, keepdims=keepdims)
    assert y._op == "mean" and y._parents == (x,)
    np.testing.assert_allclose(y.data, a.mean(axis=axis, keepdims=keepdims), rtol=1e-15)
    (y * Tensor(np.arange(y.size).reshape(y.shape) + 1.0)).sum().backward()
    count = a.size // y.size
    weights = np.broadcast_to((np.arange(y.size).reshape(y.shape if keepdims or axis is None
                                                         else np.expand_dims(y.data, axis).shape) + 1.0), a.shape)
    np.testing.assert_allclose(x.grad.data, weights / count, rtol=1e-15)
