"""Datasets that need no download: generated ones here, scikit-learn's bundled ones where installed."""
import numpy as np


def make_moons(n_samples=100, noise=0.1, seed=0):
    """Two interleaving half circles: X of shape (n, 2) float64, y in {0, 1} of shape (n,)."""
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    X += rng.normal(scale=noise, size=X.shape)
    return X, y
