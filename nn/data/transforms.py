"""Data augmentation for image batches: random shifts and crops, flips, small rotations, erasing.

Every transform takes a whole batch (N, C, H, W) or (N, H, W), as a numpy array or a Tensor,
and returns the same type, shape (except `RandomCrop` to a smaller size) and dtype. Each
sample gets its own random parameters, drawn at once for the batch (no Python loop over
samples). Randomness comes from the transform's own generator when `seed` is given, otherwise
from chainrule's (`autograd.manual_seed`), so a run is reproducible either way.

    aug = Compose([RandomShift(1), RandomRotation(10), RandomErasing(0.25)], seed=0)
    x_aug = aug(x_batch)

Inside a model, `Augment(aug)` applies it in training mode only (so `fit` and `evaluate` need
nothing special); with a `DataLoader`, call it on each batch.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograd import Tensor
from autograd import random as _random

from ..module import Module

__all__ = ["Compose", "RandomCrop", "RandomShift", "RandomHorizontalFlip", "RandomRotation", "RandomErasing",
           "Augment"]


class Transform:
    """A batch transform: subclasses write `apply(images, rng)` for images (N, C, H, W) as a numpy array."""

    def __init__(self, seed=None):
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def rng(self):
        return self._rng if self._rng is not None else _random.generator()

    def __call__(self, batch, rng=None):
        is_tensor = isinstance(batch, Tensor)
        x = np.asarray(batch.data if is_tensor else batch)
        if x.ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__}: expected a batch of images (N, C, H, W) or (N, H, W), "
                             f"got shape {x.shape}")
        images = x[:, None] if x.ndim == 3 else x
        out = self.apply(images, rng if rng is not None else self.rng()).astype(x.dtype, copy=False)
        out = out[:, 0] if x.ndim == 3 else out
        return Tensor(out) if is_tensor else out

    def apply(self, images, rng):
        raise NotImplementedError(f"{type(self).__name__} must define apply(images, rng) for images (N, C, H, W)")

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class Compose(Transform):
    """Transforms applied in order. A `seed` here drives all of them (unless they have their own)."""

    def __init__(self, transforms, seed=None):
        super().__init__(seed)
        self.transforms = list(transforms)
        for t in self.transforms:
            if not callable(t):
                raise TypeError(f"Compose: expected callable transforms, got {type(t).__name__}")

    def __call__(self, batch, rng=None):
        rng = rng if rng is not None else self.rng()
        for t in self.transforms:
            own = isinstance(t, Transform) and t._rng is not None
            batch = t(batch) if own or not isinstance(t, Transform) else t(batch, rng)
        return batch


class RandomCrop(Transform):
    """Pad each image by `padding` (filled with `fill`), then cut a random `size` window from it."""

    def __init__(self, size, padding=0, fill=0.0, seed=None):
        super().__init__(seed)
        self.size = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
        self.padding, self.fill = int(padding), fill
        if self.padding < 0 or len(self.size) != 2 or min(self.size) < 1:
            raise ValueError(f"{type(self).__name__}: size must be positive and padding >= 0, got size={size!r}, "
                             f"padding={padding!r}")

    def apply(self, images, rng):
        return self._crop(images, rng, self.size)

    def _crop(self, images, rng, size):
        p, (h, w) = self.padding, size
        padded = np.pad(images, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=self.fill)
        if h > padded.shape[2] or w > padded.shape[3]:
            raise ValueError(f"{type(self).__name__}: crop size {size} is larger than the padded images "
                             f"{padded.shape[2:]}")
        windows = sliding_window_view(padded, (h, w), axis=(2, 3))  # (N, C, dy, dx, h, w), a view
        n = len(images)
        dy = rng.integers(0, padded.shape[2] - h + 1, n)
        dx = rng.integers(0, padded.shape[3] - w + 1, n)
        return windows[np.arange(n), :, dy, dx]  # one window per sample: (N, C, h, w)


class RandomShift(RandomCrop):
    """Move each image by up to `max_shift` pixels in each direction, filling with `fill`
    (a crop of the image's own size from the padded image)."""

    def __init__(self, max_shift=2, fill=0.0, seed=None):
        super().__init__(1, max_shift, fill, seed)
        self.max_shift = max_shift

    def apply(self, images, rng):
        return self._crop(images, rng, images.shape[2:])


class RandomHorizontalFlip(Transform):
    """Mirror each image left-right with probability p (not for digits, whose shapes it changes)."""

    def __init__(self, p=0.5, seed=None):
        super().__init__(seed)
        if not 0 <= p <= 1:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p}")
        self.p = p

    def apply(self, images, rng):
        flip = rng.random(len(images)) < self.p
        return np.where(flip[:, None, None, None], images[..., ::-1], images)


class RandomRotation(Transform):
    """Rotate each image about its centre by an angle uniform in [-degrees, degrees] (or in
    [low, high] for a pair), counter-clockwise for positive angles as displayed (row 0 on top),
    with bilinear interpolation; corners brought in from outside take `fill`."""

    def __init__(self, degrees=10.0, fill=0.0, seed=None):
        super().__init__(seed)
        low, high = (-degrees, degrees) if isinstance(degrees, (int, float)) else tuple(degrees)
        if low > high:
            raise ValueError(f"RandomRotation: degrees must be >= 0 or a (low, high) pair with low <= high, "
                             f"got {degrees!r}")
        self.degrees, self.fill = degrees, fill
        self._range = (low, high)

    def apply(self, images, rng):
        n, _, h, w = images.shape
        # With row indices growing downwards, a counter-clockwise turn on screen is a negative angle here.
        theta = -np.deg2rad(rng.uniform(*self._range, n))[:, None, None]
        cy, cx = (h - 1) / 2, (w - 1) / 2
        yy, xx = np.meshgrid(np.arange(h) - cy, np.arange(w) - cx, indexing="ij")
        # Each output pixel reads the input at the inversely rotated position.
        ys = np.cos(theta) * yy - np.sin(theta) * xx + cy
        xs = np.sin(theta) * yy + np.cos(theta) * xx + cx
        y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
        fy, fx = ys - y0, xs - x0
        out = np.zeros(images.shape, dtype=np.float64)
        batch = np.arange(n)[:, None, None]
        for dy, dx, weight in ((0, 0, (1 - fy) * (1 - fx)), (0, 1, (1 - fy) * fx), (1, 0, fy * (1 - fx)), (1, 1, fy * fx)):
            yi, xi = y0 + dy, x0 + dx
            inside = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
            values = images[batch, :, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]  # (N, h, w, C)
            values = np.where(inside[..., None], values, self.fill)
            out += np.moveaxis(values * weight[..., None], -1, 1)
        return out


class RandomErasing(Transform):
    """With probability p, fill a random rectangle of each image with `value` (Zhong et al. 2017):
    its area a fraction `scale` of the image's and its aspect ratio in `ratio` (log-uniform)."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, seed=None):
        super().__init__(seed)
        if not 0 <= p <= 1 or not 0 < scale[0] <= scale[1] <= 1 or not 0 < ratio[0] <= ratio[1]:
            raise ValueError(f"RandomErasing: need p in [0, 1], 0 < scale[0] <= scale[1] <= 1 and "
                             f"0 < ratio[0] <= ratio[1]; got p={p}, scale={scale}, ratio={ratio}")
        self.p, self.scale, self.ratio, self.value = p, tuple(scale), tuple(ratio), value

    def apply(self, images, rng):
        n, _, h, w = images.shape
        area = rng.uniform(*self.scale, n) * h * w
        aspect = np.exp(rng.uniform(math.log(self.ratio[0]), math.log(self.ratio[1]), n))
        eh = np.clip(np.round(np.sqrt(area * aspect)), 1, h).astype(int)
        ew = np.clip(np.round(np.sqrt(area / aspect)), 1, w).astype(int)
        top = rng.integers(0, h - eh + 1)
        left = rng.integers(0, w - ew + 1)
        erase = rng.random(n) < self.p
        rows = (np.arange(h) >= top[:, None]) & (np.arange(h) < (top + eh)[:, None])
        cols = (np.arange(w) >= left[:, None]) & (np.arange(w) < (left + ew)[:, None])
        mask = erase[:, None, None] & rows[:, :, None] & cols[:, None, :]
        return np.where(mask[:, None], self.value, images)


class Augment(Module):
    """A layer that applies `transform` to its input in training mode and passes it through in
    eval mode: put it first in a model to augment every batch that `fit` feeds it.

    `shape` reshapes flat inputs (e.g. (N, 64) digits with shape (1, 8, 8)) for the transform;
    the output keeps the transform's image shape.
    """

    def __init__(self, transform, shape=None):
        super().__init__()
        if not callable(transform):
            raise TypeError(f"Augment: transform must be callable, got {type(transform).__name__}")
        self.transform, self.shape = transform, None if shape is None else tuple(shape)

    def forward(self, x):
        if self.shape is not None:
            x = x.reshape((x.shape[0],) + self.shape)
        return self.transform(x) if self.training else x

    def extra_repr(self):
        return repr(self.transform)
