"""Convolutions beyond the op table: float32 against PyTorch on larger batches (both column
layouts), adjointness of conv and conv_transpose, unfold/fold identities, second derivatives,
unbatched inputs and the error messages."""
import numpy as np
import pytest

from autograd import Tensor, grad
from nn import functional as F

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")

CASES = [  # (input shape, weight shape, kwargs): stride 1 takes the contiguous-runs path
    ((4, 3, 9, 9), (8, 3, 3, 3), dict(padding=1)),
    ((3, 4, 8, 7), (6, 2, 3, 2), dict(stride=2, padding=(1, 0), groups=2)),
    ((2, 6, 7, 7), (6, 1, 3, 3), dict(padding=2, dilation=2, groups=6)),
    ((2, 3, 6, 5, 4), (4, 3, 2, 3, 2), dict(padding=1)),
    ((5, 3, 11), (4, 3, 5), dict(stride=3, padding="valid")),
    ((2, 2, 6, 6), (3, 2, 4, 4), dict(padding="same")),
    # Strided with one group: the input gradient adds back along the batch where the batch is at least
    # half an output row long (the first two), along the output rows otherwise (the third).
    ((8, 3, 9, 9), (5, 3, 3, 3), dict(stride=2, padding=1)),
    ((4, 2, 7, 6, 5), (3, 2, 2, 3, 2), dict(stride=(2, 1, 2), padding=(1, 0, 1), dilation=(1, 2, 1))),
    ((1, 2, 5, 21), (3, 2, 3, 3), dict(stride=2)),
]


def _conv(name, nd):
    return getattr(F, f"{name}{nd}d")


@pytest.mark.parametrize("x_shape, w_shape, kwargs", CASES)
def test_float32_matches_torch(x_shape, w_shape, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    nd = len(x_shape) - 2
    x, w = rng.standard_normal(x_shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y = _conv("conv", nd)(*ours, **kwargs)
    ty = getattr(torch.nn.functional, f"conv{nd}d")(*theirs, **kwargs)
    assert y.dtype == np.float32 and y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(g)
    ty.backward(torch.tensor(g))
    for a, t in zip(ours, theirs):
        assert a.grad.dtype == np.float32
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("x_shape, w_shape, kwargs", [c for c in CASES if c[2].get("padding") != "same"])
def test_conv_transpose_is_the_adjoint_of_conv(x_shape, w_shape, kwargs):
    # <conv(x, w), y> = <x, conv_transpose(y, w)> for every x and y: the defining property.
    rng = np.random.default_rng(1)
    nd = len(x_shape) - 2
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    y = _conv("conv", nd)(Tensor(x), Tensor(w), **kwargs)
    v = rng.standard_normal(y.shape)
    pad = kwargs.get("padding", 0)
    pad = 0 if pad == "valid" else pad
    back_kwargs = dict(stride=kwargs.get("stride", 1), padding=pad, dilation=kwargs.get("dilation", 1),
                       groups=kwargs.get("groups", 1))
    short = _conv("conv_transpose", nd)(Tensor(v), Tensor(w), **back_kwargs).shape
    # output_padding recovers the input rows that a stride > 1 leaves after the last window.
    extra = tuple(a - b for a, b in zip(x_shape[2:], short[2:]))
    xt = _conv("conv_transpose", nd)(Tensor(v), Tensor(w), output_padding=extra, **back_kwargs)
    assert xt.shape == x.shape
    assert np.isclose((y.data * v).sum(), (x * xt.data).sum())


def test_fold_of_unfold_counts_the_windows_covering_each_pixel():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 5, 6))
    kwargs = dict(kernel_size=(2, 3), stride=(1, 2), padding=1)
    twice = F.fold(F.unfold(Tensor(x), **kwargs), (5, 6), **kwargs)
    counts = F.fold(F.unfold(Tensor(np.ones_like(x)), **kwargs), (5, 6), **kwargs)
    np.testing.assert_allclose(twice.data, x * counts.data)


def test_conv2d_is_unfold_then_matmul():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    cols = F.unfold(Tensor(x), (3, 2), padding=1, stride=2)
    via_cols = (Tensor(w.reshape(4, -1)) @ cols).data.reshape(2, 4, 3, 3)
    np.testing.assert_allclose(F.conv2d(Tensor(x), Tensor(w), padding=1, stride=2).data, via_cols)


@pytest.mark.parametrize("name, kwargs", [("conv2d", dict(stride=2, padding=1, groups=2)),
                                          ("conv_transpose2d", dict(stride=2, output_padding=1, groups=2))])
def test_second_derivatives_match_torch(name, kwargs):
    # A Hessian-vector product of a loss that is not linear in the conv's output.
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x, w, v = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((4, 2, 3, 3)), rng.standard_normal((4, 2, 3, 3))

    def hvp(lib, fn, x, w, v):
        y = fn(x, w, **kwargs)
        loss = ((y * y * y).sum() if lib is None else (y ** 3).sum())
        if lib is None:
            (gw,) = grad(loss, [w], create_graph=True)
            return grad((gw * v).sum(), [x, w])
        (gw,) = lib.autograd.grad(loss, [w], create_graph=True)
        return lib.autograd.grad((gw * v).sum(), [x, w])

    ours = hvp(None, getattr(F, name), *(Tensor(a, requires_grad=True) for a in (x, w)), Tensor(v))
    theirs = hvp(torch, getattr(torch.nn.functional, name),
                 *(torch.tensor(a, requires_grad=True) for a in (x, w)), torch.tensor(v))
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.data, t.numpy(), rtol=1e-8, atol=1e-8)


def test_unbatched_input_gives_unbatched_output():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((3, 6, 6)), rng.standard_normal((2, 3, 3, 3))
    y = F.conv2d(Tensor(x), Tensor(w), padding=1)
    assert y.shape == (2, 6, 6)
    np.testing.assert_allclose(y.data, F.conv2d(Tensor(x[None]), Tensor(w), padding=1).data[0])


ERRORS = [
    (lambda: F.conv2d(Tensor(np.ones((1, 3, 5, 5))), Tensor(np.ones((2, 4, 3, 3)))), "has 3 channels.*expects 4"),
    (lambda: F.conv2d(Tensor(np.ones((1, 4, 5, 5))), Tensor(np.ones((3, 2, 3, 3))), groups=2), "groups=2 must"),
    (lambda: F.conv2d(Tensor(np.ones((1, 1, 2, 2))), Tensor(np.ones((1, 1, 3, 3)))), "does not fit"),
    (lambda: F.conv2d(Tensor(np.ones((1, 1, 5, 5))), Tensor(np.ones((1, 1, 3, 3))), padding="full"), "'same' or 'valid'"),
    (lambda: F.conv2d(Tensor(np.ones((1, 1, 5, 5))), Tensor(np.ones((1, 1, 3, 3))), padding="same", stride=2),
     "needs stride 1"),
    (lambda: F.conv2d(Tensor(np.ones((1, 1, 5, 5))), Tensor(np.ones((1, 1, 3, 3))), stride=0), "stride must be"),
    (lambda: F.conv2d(Tensor(np.ones((1, 1, 5, 5))), Tensor(np.ones((2, 1, 3, 3))), Tensor(np.ones(3))),
     r"bias must have shape \(2,\)"),
    (lambda: F.conv2d(Tensor(np.ones((5, 5))), Tensor(np.ones((1, 1, 3, 3)))), r"expected input of shape \(N, C, H, W\)"),
    (lambda: F.conv1d(Tensor(np.ones((1, 1, 5))), Tensor(np.ones((1, 1, 3, 3)))), "weight must have shape"),
    (lambda: F.conv2d(Tensor(np.ones((1, 1, 5, 5))), Tensor(np.ones((1, 1, 3, 3))), padding=((1, 1),)),
     r"2 \(before, after\) pairs"),
    (lambda: F.conv_transpose2d(Tensor(np.ones((1, 2, 3, 3))), Tensor(np.ones((2, 1, 3, 3))), stride=2,
                                output_padding=2), "output_padding"),
    (lambda: F.conv_transpose2d(Tensor(np.ones((1, 2, 3, 3))), Tensor(np.ones((3, 1, 3, 3)))), "in_channels=2"),
    (lambda: F.fold(Tensor(np.ones((1, 8, 5))), (3, 4), 2), "L = 5 columns"),
    (lambda: F.unfold(Tensor(np.ones((1, 5, 5))), 2), r"\(N, C, H, W\)"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bench_b6_quick_checks_every_contender(capsys):
    from chainrule.cli import main

    assert main(["bench", "--quick", "B6"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| B6 |")]
    assert len(rows) >= 3 and all(r.endswith("| ok |") for r in rows)
    assert any("depthwise" in r for r in rows) and any("strided" in r for r in rows)
