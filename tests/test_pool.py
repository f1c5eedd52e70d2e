"""Pooling, local response normalisation and interpolation beyond the op table: the tie rule,
overlapping windows, indices, float32 against PyTorch, closed forms, and the error messages."""
import numpy as np
import pytest

from autograd import Tensor
from nn import functional as F


def test_max_pool_tie_goes_to_the_first_in_row_major_order():
    x = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, 0], [[1, 0], [0, 0]])


def test_ties_and_indices_agree_with_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).integers(0, 3, (2, 3, 7, 7)).astype(np.float64)  # many ties
    ours = Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    y, idx = F.max_pool2d(ours, 3, 2, padding=1, return_indices=True)
    ty, tidx = torch.nn.functional.max_pool2d(theirs, 3, 2, padding=1, return_indices=True)
    np.testing.assert_array_equal(idx.data, tidx.numpy())
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


def test_overlapping_windows_add_up_at_a_shared_maximum():
    # 3x3 windows with stride 2 on 5x5: the centre pixel lies in all four windows.
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 2, 2] = 1.0
    t = Tensor(x, requires_grad=True)
    F.max_pool2d(t, 3, stride=2).sum().backward()
    assert t.grad.data[0, 0, 2, 2] == 4 and t.grad.data.sum() == 4


POOLS = [  # (name, input shape, kwargs)
    ("max_pool2d", (4, 8, 13, 13), dict(kernel_size=3, stride=2)),
    ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=2, stride=1, padding=1, dilation=2, ceil_mode=True)),
    ("avg_pool2d", (4, 8, 13, 13), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("avg_pool2d", (2, 3, 8, 8), dict(kernel_size=2)),
    ("max_pool1d", (3, 2, 10), dict(kernel_size=4, stride=3, ceil_mode=True)),
    ("avg_pool1d", (3, 2, 10), dict(kernel_size=3, padding=1)),
    ("adaptive_avg_pool2d", (2, 3, 9, 7), dict(output_size=(4, 3))),
    ("adaptive_avg_pool2d", (2, 3, 9, 7), dict(output_size=(None, 1))),
    ("adaptive_max_pool2d", (2, 3, 9, 7), dict(output_size=4)),
    ("local_response_norm", (2, 7, 5, 5), dict(size=5, alpha=1e-2, beta=0.75, k=2.0)),
    ("interpolate", (2, 3, 5, 4), dict(scale_factor=(2, 3), mode="nearest")),
    ("interpolate", (2, 3, 5, 4), dict(size=(8, 9), mode="bilinear", align_corners=False)),
    ("interpolate", (2, 3, 5, 4), dict(scale_factor=0.5, mode="bilinear", align_corners=True)),
]


@pytest.mark.parametrize("name, shape, kwargs", POOLS)
def test_float32_matches_torch(name, shape, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(np.float32)
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = getattr(F, name)(ours, **kwargs)
    ty = getattr(torch.nn.functional, name)(theirs, **kwargs)
    assert y.dtype == np.float32 and y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    g = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(g)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_closed_forms():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4, 6))
    np.testing.assert_allclose(F.global_avg_pool2d(Tensor(x)).data, x.mean(axis=(2, 3)))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(Tensor(x), 1).data, x.mean(axis=(2, 3), keepdims=True))
    np.testing.assert_allclose(F.avg_pool2d(Tensor(x), 2).data, x.reshape(2, 3, 2, 2, 3, 2).mean(axis=(3, 5)))
    np.testing.assert_allclose(F.max_pool2d(Tensor(x), 2).data, x.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))
    np.testing.assert_allclose(F.interpolate(Tensor(x), scale_factor=2).data, x.repeat(2, axis=2).repeat(2, axis=3))
    # size=1: each channel divided by (k + alpha x^2)^beta.
    np.testing.assert_allclose(F.local_response_norm(Tensor(x), 1, alpha=0.3, beta=0.5, k=2.0).data,
                               x / (2 + 0.3 * x * x) ** 0.5)


def test_unbatched_pooling():
    x = np.random.default_rng(3).standard_normal((3, 6, 6))
    np.testing.assert_allclose(F.max_pool2d(Tensor(x), 2).data, F.max_pool2d(Tensor(x[None]), 2).data[0])
    np.testing.assert_allclose(F.avg_pool2d(Tensor(x), 3, 1).data, F.avg_pool2d(Tensor(x[None]), 3, 1).data[0])


ERRORS = [
    (lambda x: F.max_pool2d(x, 2, padding=2), "at most half the kernel size"),
    (lambda x: F.max_pool2d(x, 7), "does not fit"),
    (lambda x: F.avg_pool2d(x, (2, 2, 2)), "kernel_size must be"),
    (lambda x: F.max_pool2d(x[0, 0], 2), r"expected input of shape \(N, C"),
    (lambda x: F.adaptive_avg_pool2d(x, (2, 0)), "positive ints"),
    (lambda x: F.local_response_norm(x, 0), "size must be a positive int"),
    (lambda x: F.interpolate(x, size=4, scale_factor=2), "exactly one of size and scale_factor"),
    (lambda x: F.interpolate(x, size=4, mode="linear"), "does not apply"),
    (lambda x: F.interpolate(x, size=4, mode="bicubic"), "mode must be one of"),
    (lambda x: F.interpolate(x, size=4, align_corners=True), "align_corners applies only"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call(Tensor(np.ones((1, 2, 5, 5))))
