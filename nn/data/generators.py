"""Toy data sets generated on the spot (no files, no downloads): the lessons' small examples.

Each returns `(X, y)` numpy arrays; classification labels are int64, features float64 (the
trainer casts them to the model's dtype). `seed` makes the noise reproducible.
"""
import numpy as np

__all__ = ["make_moons", "make_circles", "make_spirals", "make_blobs", "make_xor", "make_linear", "exam_scores"]


def _check_n(op, n_samples, minimum=1):
    if not isinstance(n_samples, (int, np.integer)) or n_samples < minimum:
        raise ValueError(f"{op}: n_samples must be an integer >= {minimum}, got {n_samples!r}")


def make_moons(n_samples=100, noise=0.1, seed=0):
    """Two interleaving half circles: X of shape (n, 2) float64, y in {0, 1} of shape (n,)."""
    _check_n("make_moons", n_samples, 2)
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    X += rng.normal(scale=noise, size=X.shape)
    return X, y


def make_circles(n_samples=100, noise=0.05, factor=0.5, seed=0):
    """A small circle (label 1, radius `factor`) inside a unit circle (label 0)."""
    _check_n("make_circles", n_samples, 2)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    X += rng.normal(scale=noise, size=X.shape)
    return X, y


def make_spirals(n_samples=300, n_classes=3, noise=0.2, seed=0):
    """`n_classes` interleaved spiral arms (CS231n's example): no straight line separates them."""
    _check_n("make_spirals", n_samples, n_classes)
    rng = np.random.default_rng(seed)
    sizes = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    X, y = [], []
    for k, n in enumerate(sizes):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n) + rng.normal(scale=noise, size=n)
        X.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        y.append(np.full(n, k, dtype=np.int64))
    return np.concatenate(X), np.concatenate(y)


def make_blobs(n_samples=100, centers=3, n_features=2, cluster_std=1.0, seed=0):
    """Gaussian blobs around `centers` (a count, drawn in [-10, 10], or an array of points)."""
    _check_n("make_blobs", n_samples)
    rng = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)):
        centers = rng.uniform(-10, 10, size=(centers, n_features))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError(f"make_blobs: centers must be a count or an array (k, n_features), got shape {centers.shape}")
    k = len(centers)
    y = np.arange(n_samples, dtype=np.int64) % k
    X = centers[y] + rng.normal(scale=cluster_std, size=(n_samples, centers.shape[1]))
    return X, y


def make_xor(n_samples=4, noise=0.0, seed=0):
    """The XOR problem: with n_samples=4 the truth table itself, else points around its corners."""
    _check_n("make_xor", n_samples)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    idx = np.arange(n_samples) % 4
    rng = np.random.default_rng(seed)
    X = corners[idx] + rng.normal(scale=noise, size=(n_samples, 2)) if noise else corners[idx].copy()
    y = (corners[idx, 0] != corners[idx, 1]).astype(np.int64)
    return X, y


def make_linear(n_samples=3, slope=2.0, intercept=0.0, noise=0.0, seed=0):
    """Points on y = slope * x + intercept at x = 1, 2, ..., n (the first lesson's y = 2x):
    X and y of shape (n, 1)."""
    _check_n("make_linear", n_samples)
    x = np.arange(1, n_samples + 1, dtype=np.float64)[:, None]
    y = slope * x + intercept
    if noise:
        y = y + np.random.default_rng(seed).normal(scale=noise, size=y.shape)
    return x, y


def exam_scores():
    """The lessons' exam-score table: three quiz scores (5, 3) and the final score (5, 1)."""
    X = np.array([[73, 80, 75], [93, 88, 93], [89, 91, 90], [96, 98, 100], [73, 66, 70]], dtype=np.float64)
    y = np.array([[152], [185], [180], [196], [142]], dtype=np.float64)
    return X, y
