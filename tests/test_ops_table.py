"""The op table drives these checks: float64 gradcheck at fixed and random shapes, gradgradcheck,
and agreement with PyTorch (forward and gradients to 1e-6)."""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor, gradcheck, gradgradcheck
from autograd.optable import OPS

CASES = [pytest.param(op, shapes, id=f"{op.name}-{'-'.join(map(str, shapes))}") for op in OPS for shapes in op.shapes]


def _inputs(op, shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [Tensor(a, requires_grad=True) for a in op.sample(rng, shapes)]


def _outputs(out):
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize("op, shapes", CASES)
def test_gradcheck(op, shapes):
    xs = _inputs(op, shapes)
    for out in _outputs(op.fn(*xs)):
        assert out.dtype == np.float64
    assert gradcheck(op.fn, xs)


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_gradgradcheck(op):
    assert gradgradcheck(op.fn, _inputs(op, op.shapes[-1], seed=1))


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_output_and_gradient_keep_the_input_dtype(op):
    for dtype in (np.float32, np.float64):
        xs = [Tensor(x.data.astype(dtype), requires_grad=True) for x in _inputs(op, op.shapes[-1], seed=2)]
        outs = _outputs(op.fn(*xs))
        assert all(o.dtype == dtype for o in outs), op.name  # float32 in, float32 out
        sum(o.sum() for o in outs).backward()
        for x in xs:
            assert x.grad.shape == x.shape and x.grad.dtype == dtype, op.name


FREE = [op for op in OPS if op.free_shapes]


@st.composite
def _drawn(draw, op):
    if op.arity == 1:
        shapes = (draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)),)
    else:
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=op.arity, min_dims=0, max_dims=3,
                                                        min_side=1, max_side=3)).input_shapes
    arrays = []
    for d, shape in zip(op.domains, shapes):
        values = st.floats(d.low, d.high, allow_nan=False, allow_infinity=False)
        arrays.append(draw(hnp.arrays(np.float64, shape, elements=values)))
    return arrays


@pytest.mark.parametrize("op", FREE, ids=[op.name for op in FREE])
def test_gradcheck_random_shapes_and_values(op):
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(_drawn(op))
    def check(arrays):
        assume(op.valid(arrays))
        assert gradcheck(op.fn, [Tensor(a, requires_grad=True) for a in arrays])

    check()


@pytest.mark.parametrize("op, shapes", CASES)
def test_matches_torch(op, shapes):
    torch = pytest.importorskip("torch")
    if op.torch_fn(torch) is None:
        pytest.skip(f"{op.name}: PyTorch has no equivalent with the same meaning")
    rng = np.random.default_rng(3)
    arrays = op.sample(rng, shapes)
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out_ours = _outputs(op.fn(*ours))
    out_theirs = _outputs(op.torch_fn(torch)(*theirs))
    assert len(out_ours) == len(out_theirs)
    loss_ours, loss_theirs = 0, 0
    for o, t in zip(out_ours, out_theirs):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-6, atol=1e-6)
        w = rng.standard_normal(o.shape)
        loss_ours = loss_ours + (o * Tensor(w)).sum()
        loss_theirs = loss_theirs + (t * torch.tensor(w)).sum()
    loss_ours.backward()
    loss_theirs.backward()
    for x, t in zip(ours, theirs):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-6)


REDUCTIONS = {
    "sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod,
    "var": lambda a, axis, keepdims: np.var(a, axis=axis, keepdims=keepdims, ddof=1),
    "std": lambda a, axis, keepdims: np.std(a, axis=axis, keepdims=keepdims, ddof=1),
    "logsumexp": lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
}


@st.composite
def _reduction_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3))
    axes = draw(st.lists(st.integers(-len(shape), len(shape) - 1), unique_by=lambda a: a % len(shape),
                         min_size=1, max_size=len(shape)))
    axis = draw(st.sampled_from([None, axes[0], tuple(axes)]))
    data = draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2), unique=True)
                .filter(lambda a: np.all(np.diff(np.sort(a.ravel())) > 1e-3)))
    return data, axis, draw(st.booleans()), draw(st.booleans())


@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reductions_at_random_axes(name):
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(_reduction_case())
    def check(case):
        data, axis, keepdims, use_dim = case
        kwargs = {"dim" if use_dim else "axis": axis, "keepdims": keepdims}
        x = Tensor(data, requires_grad=True)

        def reduce(t):
            out = getattr(t, name)(**kwargs)
            return out.values if isinstance(out, tuple) else out  # max/min(dim=int) give (values, indices)

        np.testing.assert_allclose(reduce(x).data, REDUCTIONS[name](data, axis=axis, keepdims=keepdims), rtol=1e-10)
        assert gradcheck(reduce, [x])

    check()


AXIS_OPS = {
    "cumsum": (lambda t, ax: t.cumsum(ax), lambda a, ax: np.cumsum(a, ax)),
    "cumprod": (lambda t, ax: t.cumprod(ax), lambda a, ax: np.cumprod(a, ax)),
    "sort": (lambda t, ax: t.sort(ax).values, lambda a, ax: np.sort(a, ax)),
    "flip": (lambda t, ax: t.flip(ax), lambda a, ax: np.flip(a, ax)),
    "roll": (lambda t, ax: t.roll(2, ax), lambda a, ax: np.roll(a, 2, ax)),
    "diff": (lambda t, ax: t.diff(axis=ax), lambda a, ax: np.diff(a, axis=ax)),
    "norm": (lambda t, ax: t.norm(3, ax), lambda a, ax: np.linalg.norm(a, 3, ax)),
    "softmax": (lambda t, ax: t.softmax(ax), lambda a, ax: np.exp(a) / np.exp(a).sum(ax, keepdims=True)),
}


@pytest.mark.parametrize("name", list(AXIS_OPS))
def test_axis_ops_at_random_shapes_and_axes(name):
    ours, numpy_fn = AXIS_OPS[name]

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3).flatmap(lambda s: st.tuples(
        hnp.arrays(np.float64, s, elements=st.floats(0.25, 2), unique=True), st.integers(-len(s), len(s) - 1))))
    def check(case):
        data, axis = case
        x = Tensor(data, requires_grad=True)
        np.testing.assert_allclose(ours(x, axis).data, numpy_fn(data, axis), rtol=1e-12)
        assume(name != "sort" or np.all(np.diff(np.sort(data.ravel())) > 1e-3))
        assert gradcheck(lambda t: ours(t, axis), [x])

    check()
