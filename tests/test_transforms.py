"""Batch augmentation: each transform against a closed form, seeding, types and shapes, the Augment layer."""
import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn.data import transforms as T


def _images(n=16, c=2, h=6, w=5, seed=0):
    return np.random.default_rng(seed).uniform(1, 2, (n, c, h, w)).astype(np.float32)


def _shifted(img, dy, dx):
    """img moved down by dy and right by dx, zeros coming in."""
    out = np.zeros_like(img)
    h, w = img.shape[-2:]
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = img[..., max(-dy, 0):h - max(dy, 0),
                                                                         max(-dx, 0):w - max(dx, 0)]
    return out


def test_random_shift_moves_each_image_by_at_most_max_shift():
    x = _images()
    y = T.RandomShift(2, seed=0)(x)
    shifts = set()
    for img, out in zip(x, y):
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if np.array_equal(_shifted(img, dy, dx), out)]
        assert found, "an output is not a shift of its input"
        shifts.add(found[0])
    assert len(shifts) > 3  # each sample draws its own shift


def test_random_crop_cuts_a_window_of_the_padded_image():
    x = _images(h=6, w=6)
    y = T.RandomCrop(4, padding=1, seed=1)(x)
    assert y.shape == (16, 2, 4, 4)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for p, out in zip(padded, y):
        assert any(np.array_equal(p[:, i:i + 4, j:j + 4], out) for i in range(5) for j in range(5))


def test_flip_rotation_and_erasing_closed_forms():
    x = _images(h=5, w=5)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x), x[..., ::-1])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=0.0)(x), x)
    np.testing.assert_allclose(T.RandomRotation((90, 90))(x), np.rot90(x, 1, axes=(2, 3)), atol=1e-5)
    np.testing.assert_allclose(T.RandomRotation(0)(x), x, atol=1e-6)
    erased = T.RandomErasing(p=1.0, scale=(0.16, 0.16), ratio=(1, 1), value=0.0, seed=2)(_images(h=10, w=10))
    assert np.all((erased == 0).sum(axis=(2, 3)) == 16)  # a 4x4 square in every image and channel


def test_flip_probability():
    flipped = T.RandomHorizontalFlip(0.5, seed=3)(_images(n=400, h=2, w=2))
    share = np.mean([not np.array_equal(a, b) for a, b in zip(flipped, _images(n=400, h=2, w=2))])
    assert 0.4 < share < 0.6


def test_seeding_types_and_shapes():
    x = _images()
    aug = T.Compose([T.RandomShift(1), T.RandomRotation(10), T.RandomErasing(0.5)], seed=7)
    again = T.Compose([T.RandomShift(1), T.RandomRotation(10), T.RandomErasing(0.5)], seed=7)
    np.testing.assert_array_equal(aug(x), again(x))
    assert not np.array_equal(aug(x), aug(x))  # the generator moves on between batches
    autograd.manual_seed(5)
    first = T.RandomShift(2)(x)
    autograd.manual_seed(5)
    np.testing.assert_array_equal(T.RandomShift(2)(x), first)  # no seed: chainrule's generator
    t = aug(Tensor(x))
    assert isinstance(t, Tensor) and t.dtype == np.float32 and t.shape == x.shape
    assert aug(x[:, 0]).shape == x[:, 0].shape  # (N, H, W) batches too


def test_augment_layer_acts_in_training_only():
    layer = nn.data.transforms.Augment(T.RandomHorizontalFlip(1.0), shape=(1, 2, 3))
    x = Tensor(np.arange(12, dtype=np.float32).reshape(2, 6))
    np.testing.assert_array_equal(layer(x).data, x.data.reshape(2, 1, 2, 3)[..., ::-1])
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, x.data.reshape(2, 1, 2, 3))


@pytest.mark.parametrize("call, message", [
    (lambda: T.RandomShift(1)(np.zeros((2, 3))), r"\(N, C, H, W\) or \(N, H, W\)"),
    (lambda: T.RandomHorizontalFlip(2), "p must be in"),
    (lambda: T.RandomCrop(9)(np.zeros((1, 1, 4, 4))), "larger than the padded images"),
    (lambda: T.RandomRotation((10, -10)), "low <= high"),
    (lambda: T.RandomErasing(scale=(0.5, 0.1)), "scale"),
    (lambda: T.Compose([1]), "callable"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
